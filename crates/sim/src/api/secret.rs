//! `core/v1` Secret: base64 `data`, write-only `stringData` merged into it, `type` (default
//! `Opaque`) with the per-type required keys, immutability.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::config_map::config_key_errors;
use super::meta::ObjectMeta;
use super::{KindInfo, Resource, resource_boilerplate};
use crate::apiserver::status::FieldError;
use crate::apiserver::validation::NameRule;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Secret {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub immutable: Option<bool>,
    /// Values are base64, as in the JSON the api-server serves.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub data: BTreeMap<String, String>,
    /// Write-only: merged into `data` when the secret is written, never served.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub string_data: BTreeMap<String, String>,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
}

const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding.
pub fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Standard base64 decoding; `Err` carries Go's message (`illegal base64 data at input byte 3`).
pub fn base64_decode(text: &str) -> Result<Vec<u8>, String> {
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(4) {
        return Err(format!(
            "illegal base64 data at input byte {}",
            bytes.len() / 4 * 4
        ));
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    for (ci, chunk) in bytes.chunks(4).enumerate() {
        let mut n = 0u32;
        let mut pad = 0;
        for (i, &c) in chunk.iter().enumerate() {
            let v = if c == b'=' && i >= 2 && ci == bytes.len() / 4 - 1 {
                pad += 1;
                0
            } else if pad > 0 {
                return Err(format!("illegal base64 data at input byte {}", ci * 4 + i));
            } else {
                match B64.iter().position(|&b| b == c) {
                    Some(p) => p as u32,
                    None => {
                        return Err(format!("illegal base64 data at input byte {}", ci * 4 + i));
                    }
                }
            };
            n = (n << 6) | v;
        }
        let decoded = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&decoded[..3 - pad]);
    }
    Ok(out)
}

impl Secret {
    /// The decoded value of a key, if present and valid UTF-8.
    pub fn string_value(&self, key: &str) -> Option<String> {
        let bytes = base64_decode(self.data.get(key)?).ok()?;
        String::from_utf8(bytes).ok()
    }
}

impl Resource for Secret {
    const INFO: KindInfo = KindInfo {
        kind: "Secret",
        plural: "secrets",
        singular: "secret",
        short_names: &[],
        group: "",
        version: "v1",
        namespaced: true,
        name_rule: NameRule::Dns1123Subdomain,
    };
    const SELECTABLE_FIELDS: &'static [&'static str] = &["type"];

    resource_boilerplate!(Secret);

    fn set_defaults(&mut self) {
        self.type_.get_or_insert_with(|| "Opaque".into());
        // Conversion merges stringData into data, stringData winning.
        for (k, v) in std::mem::take(&mut self.string_data) {
            self.data.insert(k, base64_encode(v.as_bytes()));
        }
    }

    fn validate(&self, old: Option<&Self>) -> Vec<FieldError> {
        let mut errs = Vec::new();
        let mut total = 0;
        for (key, value) in &self.data {
            for m in config_key_errors(key) {
                errs.push(FieldError::invalid(format!("data[{key}]"), key.as_str(), m));
            }
            match base64_decode(value) {
                Ok(b) => total += b.len(),
                // Simplification: upstream fails decoding the request (400) instead.
                Err(m) => errs.push(FieldError::invalid(
                    format!("data[{key}]"),
                    "<secret contents redacted>",
                    m,
                )),
            }
        }
        if total > 1024 * 1024 {
            errs.push(FieldError::too_long("data", 1024 * 1024));
        }
        let required: &[&str] = match self.type_.as_deref() {
            Some("kubernetes.io/tls") => &["tls.crt", "tls.key"],
            Some("kubernetes.io/dockerconfigjson") => &[".dockerconfigjson"],
            Some("kubernetes.io/dockercfg") => &[".dockercfg"],
            Some("kubernetes.io/ssh-auth") => &["ssh-privatekey"],
            _ => &[],
        };
        for key in required {
            if !self.data.contains_key(*key) {
                errs.push(FieldError::required(format!("data[{key}]"), ""));
            }
        }
        if let Some(old) = old {
            if self.type_ != old.type_ {
                errs.push(FieldError::invalid(
                    "type",
                    self.type_.clone().unwrap_or_default(),
                    "field is immutable",
                ));
            }
            if old.immutable == Some(true)
                && (self.data != old.data || self.immutable != Some(true))
            {
                errs.push(FieldError::forbidden(
                    "data",
                    "field is immutable when `immutable` is set",
                ));
            }
        }
        errs
    }

    fn field(&self, path: &str) -> Option<String> {
        (path == "type").then(|| self.type_.clone().unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips() {
        for s in ["", "a", "ab", "abc", "admin", "s3cr3t!"] {
            assert_eq!(
                base64_decode(&base64_encode(s.as_bytes())).unwrap(),
                s.as_bytes()
            );
        }
        assert_eq!(base64_encode(b"admin"), "YWRtaW4=");
        assert!(base64_decode("YWRtaW4").is_err());
        assert!(base64_decode("YW*taW4=").is_err());
    }
}
