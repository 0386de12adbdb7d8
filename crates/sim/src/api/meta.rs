//! Types shared by every kind: `metav1.ObjectMeta`, owner references, label selectors,
//! `resource.Quantity` and `intstr.IntOrString`.

use std::collections::BTreeMap;
use std::fmt;

use super::text::Str;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// `metav1.ObjectMeta`, in the upstream field order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectMeta {
    #[serde(default, skip_serializing_if = "Str::is_empty")]
    pub name: Str,
    #[serde(default, skip_serializing_if = "Str::is_empty")]
    pub generate_name: Str,
    #[serde(default, skip_serializing_if = "Str::is_empty")]
    pub namespace: Str,
    #[serde(default, skip_serializing_if = "Str::is_empty")]
    pub uid: Str,
    #[serde(default, skip_serializing_if = "Str::is_empty")]
    pub resource_version: Str,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generation: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_timestamp: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_timestamp: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_grace_period_seconds: Option<i64>,
    #[serde(default, skip_serializing_if = "super::shared::is_empty")]
    pub labels: super::shared::Labels,
    #[serde(default, skip_serializing_if = "super::shared::is_empty")]
    pub annotations: super::shared::Labels,
    #[serde(default, skip_serializing_if = "super::shared::is_empty")]
    pub owner_references: super::shared::OwnerRefs,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub finalizers: Vec<String>,
}

impl ObjectMeta {
    /// Metadata with just a name (and a namespace, for namespaced kinds).
    pub fn named(namespace: &str, name: &str) -> Self {
        ObjectMeta {
            name: Str::new(name),
            namespace: Str::new(namespace),
            ..Default::default()
        }
    }

    /// The controller reference (`metav1.GetControllerOf`).
    pub fn controller(&self) -> Option<&OwnerReference> {
        self.owner_references
            .iter()
            .find(|r| r.controller == Some(true))
    }

    pub fn with_labels<'a>(mut self, labels: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        for (k, v) in labels {
            self.labels.insert(k.to_string(), v.to_string());
        }
        self
    }
}

/// `metav1.OwnerReference`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OwnerReference {
    pub api_version: Str,
    pub kind: Str,
    pub name: Str,
    pub uid: Str,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub controller: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_owner_deletion: Option<bool>,
}

/// `metav1.LabelSelector`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelSelector {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub match_labels: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub match_expressions: Vec<LabelSelectorRequirement>,
}

/// `metav1.LabelSelectorRequirement`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelSelectorRequirement {
    pub key: String,
    pub operator: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
}

/// `resource.Quantity`: kept as written, parsed on demand.
///
/// Simplification: upstream re-serializes quantities in canonical form (`1000m` → `1`);
/// Timonel keeps the text the user wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quantity(pub String);

/// The message of `resource.ErrFormatWrong`, which decoding returns for bad quantities.
pub const QUANTITY_FORMAT_ERROR: &str =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

impl Quantity {
    pub fn new(s: impl Into<String>) -> Self {
        Quantity(s.into())
    }

    /// The value in thousandths (millicores for cpu, millibytes for memory), if it parses.
    pub fn milli_value(&self) -> Option<i128> {
        parse_quantity_milli(&self.0)
    }

    /// The value rounded up to a whole number (bytes, pods).
    pub fn value(&self) -> Option<i128> {
        self.milli_value()
            .map(|m| m.saturating_add(999).div_euclid(1000))
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for Quantity {
    fn from(s: &str) -> Self {
        Quantity(s.to_string())
    }
}

impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        let text = match v {
            serde_json::Value::String(s) => s,
            serde_json::Value::Number(n) => n.to_string(),
            _ => return Err(serde::de::Error::custom(QUANTITY_FORMAT_ERROR)),
        };
        if parse_quantity_milli(&text).is_none() {
            return Err(serde::de::Error::custom(QUANTITY_FORMAT_ERROR));
        }
        Ok(Quantity(text))
    }
}

/// Parses `resource.Quantity` text into thousandths of a unit.
pub fn parse_quantity_milli(s: &str) -> Option<i128> {
    parse_quantity_scaled(s, 3)
}

/// Parses `resource.Quantity` text into units of 10^-`scale` (rounded up).
fn parse_quantity_scaled(s: &str, scale: i32) -> Option<i128> {
    let s = s.trim();
    let (negative, rest) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let num_end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    let (num, suffix) = rest.split_at(num_end);
    if num.is_empty() || num == "." || num.matches('.').count() > 1 {
        return None;
    }
    let (int_part, frac_part) = num.split_once('.').unwrap_or((num, ""));
    // value = digits * 10^(-frac_len) * multiplier, kept in thousandths.
    let digits: String = format!("{int_part}{frac_part}");
    let mut mantissa: i128 = 0;
    for c in digits.chars().take(30) {
        mantissa = mantissa
            .checked_mul(10)?
            .checked_add(i128::from(c.to_digit(10)?))?;
    }
    let mut exp10: i32 = -(frac_part.len() as i32) + scale; // to the requested unit
    let mut binary: u32 = 0;
    match suffix {
        "" => {}
        "n" => exp10 -= 9,
        "u" => exp10 -= 6,
        "m" => exp10 -= 3,
        "k" => exp10 += 3,
        "M" => exp10 += 6,
        "G" => exp10 += 9,
        "T" => exp10 += 12,
        "P" => exp10 += 15,
        "E" => exp10 += 18,
        "Ki" => binary = 10,
        "Mi" => binary = 20,
        "Gi" => binary = 30,
        "Ti" => binary = 40,
        "Pi" => binary = 50,
        "Ei" => binary = 60,
        other => {
            let e = other.strip_prefix(['e', 'E'])?;
            let n: i32 = e.parse().ok()?;
            if !(-30..=30).contains(&n) {
                return None;
            }
            exp10 += n;
        }
    }
    let mut v = mantissa.checked_mul(1i128.checked_shl(binary)?)?;
    if exp10 >= 0 {
        v = v.checked_mul(10i128.checked_pow(exp10 as u32)?)?;
    } else {
        let div = 10i128.checked_pow((-exp10) as u32)?;
        // Round up, as Quantity.MilliValue does.
        v = (v + div - 1) / div;
    }
    Some(if negative { -v } else { v })
}

/// `resource.Format`: how a quantity is written back (the suffix family of the text it was
/// parsed from).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuantityFormat {
    DecimalSI,
    BinarySI,
    DecimalExponent,
}

const NANO: i128 = 1_000_000_000;

impl Quantity {
    /// The value in units of 10^-9, rounded up as upstream rounds to its nano scale.
    pub fn nano_value(&self) -> Option<i128> {
        parse_quantity_scaled(&self.0, 9)
    }

    /// The format the text implies: binary suffixes (`Ki`…), exponents (`e3`) or decimal SI.
    pub fn format(&self) -> QuantityFormat {
        let t = self.0.trim();
        if t.ends_with('i') {
            QuantityFormat::BinarySI
        } else if t.contains(['e', 'E']) {
            QuantityFormat::DecimalExponent
        } else {
            QuantityFormat::DecimalSI
        }
    }

    /// A quantity from a nano value, written canonically in `format`.
    pub fn from_nano(value: i128, format: QuantityFormat) -> Quantity {
        Quantity(format_quantity_nano(value, format))
    }

    /// `Quantity.String()`: the canonical text (`1000m` → `1`, `1536Mi` stays, `2048Ki` → `2Mi`).
    /// Text that does not parse is returned unchanged.
    pub fn canonical(&self) -> String {
        match self.nano_value() {
            Some(v) => format_quantity_nano(v, self.format()),
            None => self.0.clone(),
        }
    }

    /// `Quantity.Add`: the sum keeps this quantity's format, or `other`'s when this one is zero.
    pub fn add(&self, other: &Quantity) -> Quantity {
        let a = self.nano_value().unwrap_or(0);
        let b = other.nano_value().unwrap_or(0);
        let format = if a == 0 {
            other.format()
        } else {
            self.format()
        };
        Quantity::from_nano(a.saturating_add(b), format)
    }

    /// `Quantity.Sub`.
    pub fn sub(&self, other: &Quantity) -> Quantity {
        let a = self.nano_value().unwrap_or(0);
        let b = other.nano_value().unwrap_or(0);
        let format = if a == 0 {
            other.format()
        } else {
            self.format()
        };
        Quantity::from_nano(a.saturating_sub(b), format)
    }

    /// `Quantity.Cmp` by value (text that does not parse counts as zero).
    pub fn cmp_value(&self, other: &Quantity) -> std::cmp::Ordering {
        self.nano_value()
            .unwrap_or(0)
            .cmp(&other.nano_value().unwrap_or(0))
    }

    /// Whether the value is zero (or does not parse).
    pub fn is_zero(&self) -> bool {
        self.nano_value().unwrap_or(0) == 0
    }
}

/// `Quantity.CanonicalizeBytes`: a nano value written in `format`. Binary values below 1024 or
/// with a fractional part are written in decimal SI, as upstream does.
pub fn format_quantity_nano(value: i128, format: QuantityFormat) -> String {
    if value == 0 {
        return "0".into();
    }
    let sign = if value < 0 { "-" } else { "" };
    let a = value.unsigned_abs();
    if format == QuantityFormat::BinarySI
        && a.is_multiple_of(NANO as u128)
        && a / (NANO as u128) >= 1024
    {
        let mut n = a / (NANO as u128);
        let mut k = 0;
        while k < 6 && n.is_multiple_of(1024) {
            n /= 1024;
            k += 1;
        }
        let suffix = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"][k];
        return format!("{sign}{n}{suffix}");
    }
    // Largest exponent (a multiple of 3, from 10^-9 to 10^18) that divides the value.
    let mut exp: i32 = -9;
    let mut mantissa = a;
    while exp < 18 && mantissa.is_multiple_of(1000) {
        mantissa /= 1000;
        exp += 3;
    }
    let suffix = if format == QuantityFormat::DecimalExponent {
        if exp == 0 {
            String::new()
        } else {
            format!("e{exp}")
        }
    } else {
        match exp {
            -9 => "n",
            -6 => "u",
            -3 => "m",
            0 => "",
            3 => "k",
            6 => "M",
            9 => "G",
            12 => "T",
            15 => "P",
            _ => "E",
        }
        .to_string()
    };
    format!("{sign}{mantissa}{suffix}")
}

/// `intstr.IntOrString`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum IntOrString {
    Int(i32),
    String(String),
}

impl IntOrString {
    /// `intstr.GetScaledValueFromIntOrPercent`.
    pub fn scaled_value(&self, total: i32, round_up: bool) -> Option<i32> {
        match self {
            IntOrString::Int(i) => Some(*i),
            IntOrString::String(s) => {
                let pct: i64 = s.strip_suffix('%')?.parse().ok()?;
                let num = pct.checked_mul(i64::from(total))?;
                let v = if round_up {
                    (num + 99).div_euclid(100)
                } else {
                    num.div_euclid(100)
                };
                i32::try_from(v).ok()
            }
        }
    }
}

impl fmt::Display for IntOrString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IntOrString::Int(i) => write!(f, "{i}"),
            IntOrString::String(s) => f.write_str(s),
        }
    }
}

/// A condition as most kinds carry it (`metav1.Condition`-like, with the core/v1 field names).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Condition {
    #[serde(rename = "type")]
    pub type_: Str,
    pub status: Str,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_probe_time: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_heartbeat_time: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_update_time: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_transition_time: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_parse_with_decimal_and_binary_suffixes() {
        assert_eq!(parse_quantity_milli("100m"), Some(100));
        assert_eq!(parse_quantity_milli("1"), Some(1000));
        assert_eq!(parse_quantity_milli("0.5"), Some(500));
        assert_eq!(parse_quantity_milli("1.5"), Some(1500));
        assert_eq!(
            parse_quantity_milli("128Mi"),
            Some(128 * 1024 * 1024 * 1000)
        );
        assert_eq!(parse_quantity_milli("1k"), Some(1_000_000));
        assert_eq!(parse_quantity_milli("1e3"), Some(1_000_000));
        assert_eq!(parse_quantity_milli("1Gb"), None);
        assert_eq!(parse_quantity_milli(""), None);
        assert_eq!(parse_quantity_milli("abc"), None);
    }

    #[test]
    fn sums_are_written_canonically() {
        let q = |s: &str| Quantity::new(s);
        assert_eq!(q("250m").add(&q("250m")).0, "500m");
        assert_eq!(q("500m").add(&q("500m")).0, "1");
        assert_eq!(q("1").add(&q("500m")).0, "1500m");
        assert_eq!(q("512Mi").add(&q("512Mi")).0, "1Gi");
        assert_eq!(q("1Gi").add(&q("512Mi")).0, "1536Mi");
        assert_eq!(q("0").add(&q("64Mi")).0, "64Mi");
        assert_eq!(q("1000m").canonical(), "1");
        assert_eq!(q("2000").canonical(), "2k");
        assert_eq!(q("1000Mi").canonical(), "1000Mi");
        assert_eq!(q("2048Ki").canonical(), "2Mi");
        assert_eq!(q("1e3").canonical(), "1e3");
        assert_eq!(q("1").sub(&q("1")).0, "0");
    }

    #[test]
    fn percentages_scale_like_intstr() {
        let p = IntOrString::String("25%".into());
        assert_eq!(p.scaled_value(3, true), Some(1));
        assert_eq!(p.scaled_value(3, false), Some(0));
        assert_eq!(IntOrString::Int(2).scaled_value(10, false), Some(2));
    }
}
