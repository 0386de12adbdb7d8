//! The objects generators build: JSON-shaped values that keep the field order of the Go structs
//! they mirror, because `kubectl … -o json` prints fields in struct order (YAML sorts them).

use serde_json::Value;
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Doc {
    Str(String),
    Int(i64),
    Bool(bool),
    /// An object, in the order its fields are printed.
    Obj(Vec<(String, Doc)>),
    Arr(Vec<Doc>),
}

impl Doc {
    pub fn obj() -> Doc {
        Doc::Obj(Vec::new())
    }

    pub fn str(s: impl Into<String>) -> Doc {
        Doc::Str(s.into())
    }

    /// Adds a field (builder style).
    pub fn with(mut self, key: &str, value: Doc) -> Doc {
        self.set(key, value);
        self
    }

    /// Adds a field when `value` is present (Go's `omitempty`).
    pub fn with_opt(self, key: &str, value: Option<Doc>) -> Doc {
        match value {
            Some(v) => self.with(key, v),
            None => self,
        }
    }

    /// Sets a field, replacing it in place if it exists, appending it otherwise.
    pub fn set(&mut self, key: &str, value: Doc) {
        if let Doc::Obj(fields) = self {
            match fields.iter_mut().find(|(k, _)| k == key) {
                Some((_, v)) => *v = value,
                None => fields.push((key.to_string(), value)),
            }
        }
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Doc> {
        match self {
            Doc::Obj(fields) => fields.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// A Go `map[string]string`: keys sorted, as encoding/json writes them.
    pub fn string_map(map: &BTreeMap<String, String>) -> Doc {
        Doc::Obj(
            map.iter()
                .map(|(k, v)| (k.clone(), Doc::Str(v.clone())))
                .collect(),
        )
    }

    /// A Go `map[string]string` with `omitempty`.
    pub fn string_map_opt(map: &BTreeMap<String, String>) -> Option<Doc> {
        (!map.is_empty()).then(|| Doc::string_map(map))
    }

    pub fn strings(items: &[String]) -> Doc {
        Doc::Arr(items.iter().map(|s| Doc::Str(s.clone())).collect())
    }

    /// The value to hand to the api-server (or to the YAML printer).
    pub fn to_value(&self) -> Value {
        match self {
            Doc::Str(s) => Value::String(s.clone()),
            Doc::Int(n) => Value::from(*n),
            Doc::Bool(b) => Value::Bool(*b),
            Doc::Arr(items) => Value::Array(items.iter().map(Doc::to_value).collect()),
            Doc::Obj(fields) => Value::Object(
                fields
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_value()))
                    .collect(),
            ),
        }
    }

    /// `json.MarshalIndent(obj, "", "    ")`, as kubectl's JSON printer writes it.
    pub fn to_go_json_pretty(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out, Some(0));
        out
    }

    /// `json.Marshal(obj)`: compact.
    pub fn to_go_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out, None);
        out
    }

    fn write_json(&self, out: &mut String, level: Option<usize>) {
        let newline = |out: &mut String, level: usize| {
            out.push('\n');
            out.extend(std::iter::repeat_n(' ', level * 4));
        };
        match self {
            Doc::Str(s) => write_go_string(out, s),
            Doc::Int(n) => out.push_str(&n.to_string()),
            Doc::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Doc::Arr(items) if items.is_empty() => out.push_str("[]"),
            Doc::Obj(fields) if fields.is_empty() => out.push_str("{}"),
            Doc::Arr(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    if let Some(l) = level {
                        newline(out, l + 1);
                    }
                    item.write_json(out, level.map(|l| l + 1));
                }
                if let Some(l) = level {
                    newline(out, l);
                }
                out.push(']');
            }
            Doc::Obj(fields) => {
                out.push('{');
                for (i, (key, value)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    if let Some(l) = level {
                        newline(out, l + 1);
                    }
                    write_go_string(out, key);
                    out.push(':');
                    if level.is_some() {
                        out.push(' ');
                    }
                    value.write_json(out, level.map(|l| l + 1));
                }
                if let Some(l) = level {
                    newline(out, l);
                }
                out.push('}');
            }
        }
    }
}

/// A string as Go's encoding/json writes it (HTML-safe escaping included).
pub fn write_go_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Standard base64 with padding, as Go encodes a Secret's `[]byte` data.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_pads_like_go() {
        assert_eq!(base64(b"admin"), "YWRtaW4=");
        assert_eq!(base64(b"s3cr=t"), "czNjcj10");
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(base64(b""), "");
    }

    #[test]
    fn json_keeps_order_and_escapes_html() {
        let doc = Doc::obj()
            .with("kind", Doc::str("ConfigMap"))
            .with("data", Doc::obj().with("k", Doc::str("<a&b>")))
            .with("empty", Doc::obj())
            .with("list", Doc::Arr(vec![Doc::Int(1)]));
        assert_eq!(
            doc.to_go_json_pretty(),
            "{\n    \"kind\": \"ConfigMap\",\n    \"data\": {\n        \"k\": \"\\u003ca\\u0026b\\u003e\"\n    },\n    \"empty\": {},\n    \"list\": [\n        1\n    ]\n}"
        );
        assert_eq!(
            doc.to_go_json(),
            "{\"kind\":\"ConfigMap\",\"data\":{\"k\":\"\\u003ca\\u0026b\\u003e\"},\"empty\":{},\"list\":[1]}"
        );
    }
}
