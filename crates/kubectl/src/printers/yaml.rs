//! YAML as kubectl prints it (sigs.k8s.io/yaml over go-yaml v2): keys sorted, two-space
//! indent, list items at their parent key's indent, strings quoted only when they would
//! otherwise read as something else.

use serde_json::Value;

pub fn to_string(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(map) if !map.is_empty() => write_map(&mut out, map, 0),
        Value::Array(items) if !items.is_empty() => write_seq(&mut out, items, 0),
        scalar => {
            out.push_str(&scalar_text(scalar));
            out.push('\n');
        }
    }
    out
}

fn indent(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

fn write_map(out: &mut String, map: &serde_json::Map<String, Value>, level: usize) {
    let mut keys: Vec<&String> = map.keys().collect();
    keys.sort();
    for key in keys {
        indent(out, level);
        out.push_str(&quote_if_needed(key));
        out.push(':');
        write_child(out, &map[key], level, false);
    }
}

fn write_seq(out: &mut String, items: &[Value], level: usize) {
    for item in items {
        indent(out, level);
        out.push('-');
        write_child(out, item, level, true);
    }
}

/// Writes what follows `key:` or `-`. Under a dash, a nested block starts on the dash's line.
fn write_child(out: &mut String, value: &Value, level: usize, in_seq: bool) {
    let block = match value {
        Value::Object(map) if !map.is_empty() => {
            let child_level = level + 2;
            let mut text = String::new();
            write_map(&mut text, map, child_level);
            Some((text, child_level))
        }
        Value::Array(items) if !items.is_empty() => {
            // A list under a key sits at the key's indent; under a dash, one level deeper.
            let child_level = if in_seq { level + 2 } else { level };
            let mut text = String::new();
            write_seq(&mut text, items, child_level);
            Some((text, child_level))
        }
        _ => None,
    };
    match block {
        Some((text, child_level)) if in_seq => {
            out.push(' ');
            out.push_str(&text[child_level..]);
        }
        Some((text, _)) => {
            out.push('\n');
            out.push_str(&text);
        }
        None => match value {
            Value::String(text) if text.contains('\n') && !text.chars().any(is_unprintable) => {
                literal_block(out, text, level + 2);
            }
            _ => {
                out.push(' ');
                out.push_str(&scalar_text(value));
                out.push('\n');
            }
        },
    }
}

/// Characters a literal block cannot hold (tabs and line breaks can).
fn is_unprintable(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => quote_if_needed(s),
        Value::Array(_) => "[]".to_string(),
        Value::Object(_) => "{}".to_string(),
    }
}

/// Would go-yaml v2 read this plain scalar as something other than a string?
fn resolves_to_non_string(s: &str) -> bool {
    const SPECIAL: &[&str] = &[
        "", "~", "null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE", "y",
        "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off",
        "OFF", ".inf", ".Inf", ".INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN", "<<",
    ];
    if SPECIAL.contains(&s) {
        return true;
    }
    let digits = s.trim_start_matches(['-', '+']);
    let numeric = !digits.is_empty()
        && digits.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && digits.chars().all(|c| {
            c.is_ascii_hexdigit() || matches!(c, '.' | '_' | 'x' | 'o' | 'e' | 'E' | '+' | '-')
        });
    numeric && s.parse::<f64>().is_ok() || looks_like_int(digits) || looks_like_timestamp(s)
}

fn looks_like_int(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_digit() || c == '_')
}

/// YAML 1.1 timestamps: `2001-12-14` or `2001-12-14t21:59:43.10-05:00` and friends.
fn looks_like_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5].is_ascii_digit()
        && (b[6] == b'-' || b[6].is_ascii_digit())
        && s[..10].chars().filter(|c| *c == '-').count() >= 2
}

/// Could go-yaml v2 write this string as a plain scalar? (Its emitter's analysis; strings
/// that resolve to another type are decided before.)
fn plain_unsafe(s: &str) -> bool {
    let first = s.chars().next().unwrap_or(' ');
    let last = s.chars().last().unwrap_or(' ');
    if matches!(
        first,
        '-' | '?'
            | ':'
            | ','
            | '['
            | ']'
            | '{'
            | '}'
            | '#'
            | '&'
            | '*'
            | '!'
            | '|'
            | '>'
            | '\''
            | '"'
            | '%'
            | '@'
            | '`'
            | ' '
    ) && !(first == '-' && s.len() > 1 && !s[1..].starts_with(' '))
    {
        return true;
    }
    last == ' '
        || last == ':'
        || s.contains(": ")
        || s.contains(" #")
        || s.chars().any(char::is_control)
}

/// A string as go-yaml v2 writes it on one line: plain when it reads back as the same string;
/// double-quoted when it would read as another type or holds control characters; otherwise
/// single-quoted (its emitter's fallback from plain).
fn quote_if_needed(s: &str) -> String {
    if resolves_to_non_string(s) || s.contains('\n') || s.chars().any(char::is_control) {
        return double_quoted(s);
    }
    if plain_unsafe(s) {
        return format!("'{}'", s.replace('\'', "''"));
    }
    s.to_string()
}

/// A multi-line string as go-yaml v2 writes it in block context: a literal block (`|`, or `|-`
/// without a final newline, `|+` when it ends with blank lines), indented under its key.
fn literal_block(out: &mut String, s: &str, indent_to: usize) {
    let chomp = if !s.ends_with('\n') {
        "-"
    } else if s.ends_with("\n\n") {
        "+"
    } else {
        ""
    };
    // A first line starting with a space needs an explicit indentation indicator.
    let indicator = if s.starts_with(' ') { "2" } else { "" };
    out.push_str(&format!(" |{indicator}{chomp}\n"));
    let body = s.strip_suffix('\n').unwrap_or(s);
    for line in body.split('\n') {
        if !line.is_empty() {
            indent(out, indent_to);
            out.push_str(line);
        }
        out.push('\n');
    }
}

fn double_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_dates_and_booleans_in_strings_are_quoted() {
        let doc = json!({"major": "1", "buildDate": "2026-08-20T03:09:25Z", "flag": "true", "v": "v1.36.4"});
        assert_eq!(
            to_string(&doc),
            "buildDate: \"2026-08-20T03:09:25Z\"\nflag: \"true\"\nmajor: \"1\"\nv: v1.36.4\n"
        );
    }

    #[test]
    fn nested_maps_and_lists_indent_like_kubectl() {
        let doc =
            json!({"spec": {"containers": [{"name": "web", "ports": [{"containerPort": 80}]}]}});
        assert_eq!(
            to_string(&doc),
            "spec:\n  containers:\n  - name: web\n    ports:\n    - containerPort: 80\n"
        );
    }

    #[test]
    fn strings_that_cannot_be_plain_are_single_quoted() {
        let doc = json!({"a": " spaced ", "b": "*.a.com", "c": "it's: here", "d": "-x"});
        assert_eq!(
            to_string(&doc),
            "a: ' spaced '\nb: '*.a.com'\nc: 'it''s: here'\nd: -x\n"
        );
    }

    #[test]
    fn multi_line_strings_are_literal_blocks_with_chomping() {
        let doc = json!({"m": {"last": "{\"a\":1}\n", "keep": "x\n\n", "strip": "a\nb"}});
        assert_eq!(
            to_string(&doc),
            "m:\n  keep: |+\n    x\n\n  last: |\n    {\"a\":1}\n  strip: |-\n    a\n    b\n"
        );
    }

    #[test]
    fn empty_collections_are_written_inline() {
        assert_eq!(to_string(&json!({"a": {}, "b": []})), "a: {}\nb: []\n");
    }
}
