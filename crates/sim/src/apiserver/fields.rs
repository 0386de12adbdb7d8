//! Field selectors: apimachinery's `fields.ParseSelector` and the per-kind field label support.

use crate::api::{Kind, Object};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldRequirement {
    pub field: String,
    pub equal: bool,
    pub value: String,
}

/// A parsed field selector (terms ANDed).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldSelector {
    pub requirements: Vec<FieldRequirement>,
}

fn unescape(s: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some(e @ ('\\' | ',' | '=')) => out.push(e),
                Some(e) => return Err(format!("invalid escape sequence: \\{e}")),
                None => return Err("invalid trailing escape sequence".into()),
            }
        } else {
            out.push(c);
        }
    }
    Ok(out)
}

fn split_terms(s: &str) -> Vec<String> {
    let mut terms = Vec::new();
    let mut cur = String::new();
    let mut escaped = false;
    for c in s.chars() {
        if escaped {
            cur.push(c);
            escaped = false;
        } else if c == '\\' {
            cur.push(c);
            escaped = true;
        } else if c == ',' {
            terms.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    terms.push(cur);
    terms
}

impl FieldSelector {
    /// `fields.ParseSelector`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut requirements = Vec::new();
        for term in split_terms(text) {
            if term.is_empty() {
                continue;
            }
            let mut found = None;
            for (i, _) in term.char_indices() {
                let rest = &term[i..];
                if let Some(op) = ["!=", "==", "="].iter().find(|op| rest.starts_with(**op)) {
                    found = Some((i, *op));
                    break;
                }
            }
            let Some((i, op)) = found else {
                return Err(format!(
                    "invalid selector: '{text}'; can't understand '{term}'"
                ));
            };
            let field = term[..i].to_string();
            let value = unescape(&term[i + op.len()..])?;
            requirements.push(FieldRequirement {
                field,
                equal: op != "!=",
                value,
            });
        }
        Ok(FieldSelector { requirements })
    }

    /// Checks every field is supported by `kind`, with the upstream conversion messages.
    pub fn check_supported(&self, kind: Kind) -> Result<(), String> {
        for r in &self.requirements {
            let f = r.field.as_str();
            if f == "metadata.name" || f == "metadata.namespace" {
                continue;
            }
            let fields = kind.selectable_fields();
            if fields.is_empty() {
                return Err(format!(
                    "\"{f}\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\""
                ));
            }
            if !fields.contains(&f) {
                return Err(format!("field label not supported: {f}"));
            }
        }
        Ok(())
    }

    pub fn matches(&self, obj: &Object) -> bool {
        self.requirements.iter().all(|r| {
            let v = match r.field.as_str() {
                "metadata.name" => obj.metadata().name.clone(),
                "metadata.namespace" => obj.metadata().namespace.clone(),
                f => obj.field(f).unwrap_or_default().into(),
            };
            (v == r.value) == r.equal
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_selectors_parse_equality_and_inequality() {
        let s = FieldSelector::parse("status.phase!=Running,spec.nodeName=n1").unwrap();
        assert_eq!(s.requirements.len(), 2);
        assert!(!s.requirements[0].equal);
        assert_eq!(s.requirements[1].value, "n1");
        assert_eq!(
            FieldSelector::parse("status.phase").unwrap_err(),
            "invalid selector: 'status.phase'; can't understand 'status.phase'"
        );
    }

    #[test]
    fn unsupported_fields_are_named_in_the_error() {
        let s = FieldSelector::parse("spec.foo=x").unwrap();
        assert_eq!(
            s.check_supported(Kind::Pod).unwrap_err(),
            "field label not supported: spec.foo"
        );
        assert_eq!(
            s.check_supported(Kind::ConfigMap).unwrap_err(),
            "\"spec.foo\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\""
        );
    }
}
