//! Label selectors: apimachinery's `labels.Parse` (lexer, parser and messages) and matching.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::api::meta::LabelSelector;
use crate::apiserver::validation::{is_qualified_name, is_valid_label_value};

/// `selection.Operator`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Operator {
    Equals,
    DoubleEquals,
    NotEquals,
    In,
    NotIn,
    Exists,
    DoesNotExist,
    GreaterThan,
    LessThan,
}

/// One requirement of a selector.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Requirement {
    pub key: String,
    pub operator: Operator,
    /// Sorted, as `sets.String.List()` returns them.
    pub values: Vec<String>,
}

impl Requirement {
    /// `labels.NewRequirement`, with its validation messages.
    pub fn new(key: &str, operator: Operator, values: Vec<String>) -> Result<Self, String> {
        let errs = is_qualified_name(key);
        if !errs.is_empty() {
            return Err(format!(
                "<nil>: Invalid value: {}: {}",
                crate::apiserver::status::quote(key),
                errs.join("; ")
            ));
        }
        match operator {
            Operator::In | Operator::NotIn if values.is_empty() => {
                return Err(
                    "values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty"
                        .into(),
                );
            }
            Operator::Equals | Operator::DoubleEquals | Operator::NotEquals
                if values.len() != 1 =>
            {
                return Err(
                    "values: Invalid value: []: exact-match compatibility requires one single value"
                        .into(),
                );
            }
            Operator::Exists | Operator::DoesNotExist if !values.is_empty() => {
                return Err(
                    "values: Forbidden: values set must be empty for exists and does not exist"
                        .into(),
                );
            }
            Operator::GreaterThan | Operator::LessThan => {
                if values.len() != 1 {
                    return Err("values: Invalid value: []: for 'Gt', 'Lt' operators, exactly one value is required".into());
                }
                if values[0].parse::<i64>().is_err() {
                    return Err(format!(
                        "values[0]: Invalid value: {}: for 'Gt', 'Lt' operators, the value must be an integer",
                        crate::apiserver::status::quote(&values[0])
                    ));
                }
            }
            _ => {}
        }
        for (i, v) in values.iter().enumerate() {
            let errs = is_valid_label_value(v);
            if !errs.is_empty() {
                return Err(format!(
                    "values[{i}][{key}]: Invalid value: {}: {}",
                    crate::apiserver::status::quote(v),
                    errs.join("; ")
                ));
            }
        }
        let mut values = values;
        values.sort();
        values.dedup();
        Ok(Requirement {
            key: key.to_string(),
            operator,
            values,
        })
    }

    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        let value = labels.get(&self.key);
        match self.operator {
            Operator::Equals | Operator::DoubleEquals | Operator::In => {
                value.is_some_and(|v| self.values.contains(v))
            }
            Operator::NotEquals | Operator::NotIn => value.is_none_or(|v| !self.values.contains(v)),
            Operator::Exists => value.is_some(),
            Operator::DoesNotExist => value.is_none(),
            Operator::GreaterThan | Operator::LessThan => {
                let (Some(v), Some(bound)) = (value, self.values.first()) else {
                    return false;
                };
                let (Ok(v), Ok(bound)) = (v.parse::<i64>(), bound.parse::<i64>()) else {
                    return false;
                };
                if self.operator == Operator::GreaterThan {
                    v > bound
                } else {
                    v < bound
                }
            }
        }
    }
}

impl fmt::Display for Requirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.operator == Operator::DoesNotExist {
            f.write_str("!")?;
        }
        f.write_str(&self.key)?;
        match self.operator {
            Operator::Equals => write!(f, "={}", self.values.join(",")),
            Operator::DoubleEquals => write!(f, "=={}", self.values.join(",")),
            Operator::NotEquals => write!(f, "!={}", self.values.join(",")),
            Operator::In => write!(f, " in ({})", self.values.join(",")),
            Operator::NotIn => write!(f, " notin ({})", self.values.join(",")),
            Operator::GreaterThan => write!(f, ">{}", self.values.join(",")),
            Operator::LessThan => write!(f, "<{}", self.values.join(",")),
            Operator::Exists | Operator::DoesNotExist => Ok(()),
        }
    }
}

/// A parsed label selector: requirements ANDed together. Empty matches everything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selector {
    pub requirements: Vec<Requirement>,
    /// `labels.Nothing()`: a selector that matches no object (a nil `metav1.LabelSelector`).
    pub nothing: bool,
}

impl Selector {
    pub fn everything() -> Self {
        Selector::default()
    }

    pub fn nothing() -> Self {
        Selector {
            requirements: Vec::new(),
            nothing: true,
        }
    }

    /// `labels.SelectorFromSet`.
    pub fn from_map(labels: &BTreeMap<String, String>) -> Self {
        Selector {
            requirements: labels
                .iter()
                .map(|(k, v)| Requirement {
                    key: k.clone(),
                    operator: Operator::Equals,
                    values: vec![v.clone()],
                })
                .collect(),
            nothing: false,
        }
    }

    /// `labels.Parse`: the text after `-l`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let tokens = lex(text);
        let mut p = Parser { tokens, pos: 0 };
        let mut requirements = p.parse()?;
        requirements.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(Selector {
            requirements,
            nothing: false,
        })
    }

    /// `metav1.LabelSelectorAsSelector`.
    pub fn from_label_selector(ls: Option<&LabelSelector>) -> Result<Self, String> {
        let Some(ls) = ls else {
            return Ok(Selector::nothing());
        };
        let mut requirements = Vec::new();
        for (k, v) in &ls.match_labels {
            requirements.push(Requirement::new(k, Operator::Equals, vec![v.clone()])?);
        }
        for e in &ls.match_expressions {
            let op = match e.operator.as_str() {
                "In" => Operator::In,
                "NotIn" => Operator::NotIn,
                "Exists" => Operator::Exists,
                "DoesNotExist" => Operator::DoesNotExist,
                other => {
                    return Err(format!(
                        "{} is not a valid label selector operator",
                        quote_go(other)
                    ));
                }
            };
            requirements.push(Requirement::new(&e.key, op, e.values.clone())?);
        }
        requirements.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(Selector {
            requirements,
            nothing: false,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty() && !self.nothing
    }

    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        !self.nothing && self.requirements.iter().all(|r| r.matches(labels))
    }
}

fn quote_go(s: &str) -> String {
    crate::apiserver::status::quote(s)
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.requirements.iter().map(|r| r.to_string()).collect();
        f.write_str(&parts.join(","))
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    Identifier,
    DoesNotExist,
    Equals,
    DoubleEquals,
    NotEquals,
    In,
    NotIn,
    OpenPar,
    ClosedPar,
    Comma,
    GreaterThan,
    LessThan,
    Error,
    EndOfString,
}

fn is_special(c: char) -> bool {
    matches!(c, '=' | '!' | '(' | ')' | ',' | '>' | '<')
}

/// `labels.Lexer`.
fn lex(text: &str) -> Vec<(Tok, String)> {
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    loop {
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        if i >= chars.len() {
            out.push((Tok::EndOfString, String::new()));
            return out;
        }
        let c = chars[i];
        if is_special(c) {
            // The longest run of special characters that is still an operator.
            let mut lit = String::new();
            let mut tok = Tok::Error;
            let mut j = i;
            while j < chars.len() && is_special(chars[j]) {
                let mut candidate = lit.clone();
                candidate.push(chars[j]);
                let t = match candidate.as_str() {
                    "!" => Tok::DoesNotExist,
                    "!=" => Tok::NotEquals,
                    "(" => Tok::OpenPar,
                    ")" => Tok::ClosedPar,
                    "," => Tok::Comma,
                    "=" => Tok::Equals,
                    "==" => Tok::DoubleEquals,
                    ">" => Tok::GreaterThan,
                    "<" => Tok::LessThan,
                    _ => break,
                };
                lit = candidate;
                tok = t;
                j += 1;
            }
            if lit.is_empty() {
                lit.push(c);
                j = i + 1;
            }
            out.push((tok, lit));
            i = j;
        } else {
            let start = i;
            while i < chars.len() && !chars[i].is_whitespace() && !is_special(chars[i]) {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let tok = match word.as_str() {
                "in" => Tok::In,
                "notin" => Tok::NotIn,
                _ => Tok::Identifier,
            };
            out.push((tok, word));
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    KeyAndOperator,
    Values,
}

struct Parser {
    tokens: Vec<(Tok, String)>,
    pos: usize,
}

impl Parser {
    fn lookahead(&self, ctx: Ctx) -> (Tok, String) {
        let (tok, lit) = self
            .tokens
            .get(self.pos)
            .cloned()
            .unwrap_or((Tok::EndOfString, String::new()));
        let tok = match (ctx, tok) {
            (Ctx::Values, Tok::In | Tok::NotIn) => Tok::Identifier,
            (_, t) => t,
        };
        (tok, lit)
    }

    fn consume(&mut self, ctx: Ctx) -> (Tok, String) {
        let r = self.lookahead(ctx);
        if self.pos < self.tokens.len() {
            self.pos += 1;
        }
        r
    }

    fn parse(&mut self) -> Result<Vec<Requirement>, String> {
        let mut reqs = Vec::new();
        loop {
            let (tok, lit) = self.lookahead(Ctx::Values);
            match tok {
                Tok::Identifier | Tok::DoesNotExist => {
                    let r = self
                        .parse_requirement()
                        .map_err(|e| format!("unable to parse requirement: {e}"))?;
                    reqs.push(r);
                    let (t, l) = self.consume(Ctx::Values);
                    match t {
                        Tok::EndOfString => return Ok(reqs),
                        Tok::Comma => {
                            let (t2, l2) = self.lookahead(Ctx::Values);
                            if t2 != Tok::Identifier && t2 != Tok::DoesNotExist {
                                return Err(format!(
                                    "found '{l2}', expected: identifier after ','"
                                ));
                            }
                        }
                        _ => return Err(format!("found '{l}', expected: ',' or 'end of string'")),
                    }
                }
                Tok::EndOfString => return Ok(reqs),
                _ => {
                    return Err(format!(
                        "found '{lit}', expected: !, identifier, or 'end of string'"
                    ));
                }
            }
        }
    }

    fn parse_requirement(&mut self) -> Result<Requirement, String> {
        let (key, op) = self.parse_key_and_infer_operator()?;
        if let Some(op @ (Operator::Exists | Operator::DoesNotExist)) = op {
            return Requirement::new(&key, op, Vec::new());
        }
        let op = self.parse_operator()?;
        let values = match op {
            Operator::In | Operator::NotIn => self.parse_values()?,
            _ => self.parse_exact_value()?,
        };
        Requirement::new(&key, op, values.into_iter().collect())
    }

    fn parse_key_and_infer_operator(&mut self) -> Result<(String, Option<Operator>), String> {
        let mut op = None;
        let (mut tok, mut lit) = self.consume(Ctx::Values);
        if tok == Tok::DoesNotExist {
            op = Some(Operator::DoesNotExist);
            (tok, lit) = self.consume(Ctx::Values);
        }
        if tok != Tok::Identifier {
            return Err(format!("found '{lit}', expected: identifier"));
        }
        let errs = is_qualified_name(&lit);
        if !errs.is_empty() {
            return Err(format!(
                "<nil>: Invalid value: {}: {}",
                quote_go(&lit),
                errs.join("; ")
            ));
        }
        let (t, _) = self.lookahead(Ctx::Values);
        if (t == Tok::EndOfString || t == Tok::Comma) && op != Some(Operator::DoesNotExist) {
            op = Some(Operator::Exists);
        }
        Ok((lit, op))
    }

    fn parse_operator(&mut self) -> Result<Operator, String> {
        let (tok, lit) = self.consume(Ctx::KeyAndOperator);
        Ok(match tok {
            Tok::In => Operator::In,
            Tok::Equals => Operator::Equals,
            Tok::DoubleEquals => Operator::DoubleEquals,
            Tok::GreaterThan => Operator::GreaterThan,
            Tok::LessThan => Operator::LessThan,
            Tok::NotIn => Operator::NotIn,
            Tok::NotEquals => Operator::NotEquals,
            _ => {
                return Err(format!(
                    "found '{lit}', expected: in, notin, =, ==, !=, gt, lt"
                ));
            }
        })
    }

    fn parse_values(&mut self) -> Result<BTreeSet<String>, String> {
        let (tok, lit) = self.consume(Ctx::Values);
        if tok != Tok::OpenPar {
            return Err(format!("found '{lit}' expected: '('"));
        }
        let (tok, lit) = self.lookahead(Ctx::Values);
        match tok {
            Tok::Identifier | Tok::Comma => {
                let s = self.parse_identifiers_list()?;
                let (t, _) = self.consume(Ctx::Values);
                if t != Tok::ClosedPar {
                    return Err(format!("found '{lit}', expected: ')'"));
                }
                Ok(s)
            }
            Tok::ClosedPar => {
                self.consume(Ctx::Values);
                Ok(BTreeSet::from([String::new()]))
            }
            _ => Err(format!("found '{lit}', expected: ',', ')' or identifier")),
        }
    }

    fn parse_identifiers_list(&mut self) -> Result<BTreeSet<String>, String> {
        let mut s = BTreeSet::new();
        loop {
            let (tok, lit) = self.consume(Ctx::Values);
            match tok {
                Tok::Identifier => {
                    s.insert(lit);
                    let (t2, l2) = self.lookahead(Ctx::Values);
                    match t2 {
                        Tok::Comma => continue,
                        Tok::ClosedPar => return Ok(s),
                        _ => return Err(format!("found '{l2}', expected: ',' or ')'")),
                    }
                }
                Tok::Comma => {
                    if s.is_empty() {
                        s.insert(String::new());
                    }
                    let (t2, _) = self.lookahead(Ctx::Values);
                    if t2 == Tok::ClosedPar {
                        s.insert(String::new());
                        return Ok(s);
                    }
                    if t2 == Tok::Comma {
                        self.consume(Ctx::Values);
                        s.insert(String::new());
                    }
                }
                _ => return Err(format!("found '{lit}', expected: ',', or identifier")),
            }
        }
    }

    fn parse_exact_value(&mut self) -> Result<BTreeSet<String>, String> {
        let (tok, _) = self.lookahead(Ctx::Values);
        if tok == Tok::EndOfString || tok == Tok::Comma {
            return Ok(BTreeSet::from([String::new()]));
        }
        let (tok, lit) = self.consume(Ctx::Values);
        if tok == Tok::Identifier {
            return Ok(BTreeSet::from([lit]));
        }
        Err(format!("found '{lit}', expected: identifier"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn matches(sel: &str, pairs: &[(&str, &str)]) -> bool {
        Selector::parse(sel).unwrap().matches(&labels(pairs))
    }

    #[test]
    fn every_operator_selects_as_kubectl_documents() {
        let web = [("app", "web"), ("tier", "frontend")];
        assert!(matches("app=web", &web));
        assert!(matches("app==web", &web));
        assert!(!matches("app!=web", &web));
        assert!(matches("app!=db", &web));
        assert!(matches("env!=prod", &web));
        assert!(matches("tier in (frontend, backend)", &web));
        assert!(!matches("tier notin (frontend,backend)", &web));
        assert!(matches("env notin (prod)", &web));
        assert!(matches("app", &web));
        assert!(!matches("!app", &web));
        assert!(matches("!env", &web));
        assert!(matches("app=web,tier=frontend", &web));
        assert!(!matches("app=web,tier=backend", &web));
        assert!(matches("", &web));
        assert!(matches("replicas>2", &[("replicas", "3")]));
        assert!(!matches("replicas<2", &[("replicas", "3")]));
    }

    #[test]
    fn parse_errors_carry_the_upstream_messages() {
        let err = |s: &str| Selector::parse(s).unwrap_err();
        assert_eq!(
            err("key in (a"),
            "unable to parse requirement: found '', expected: ',' or ')'"
        );
        assert_eq!(
            err("app foo"),
            "unable to parse requirement: found 'foo', expected: in, notin, =, ==, !=, gt, lt"
        );
        assert_eq!(
            err("app=a b"),
            "found 'b', expected: ',' or 'end of string'"
        );
        assert_eq!(
            err("app in a"),
            "unable to parse requirement: found 'a' expected: '('"
        );
        assert_eq!(
            err("=x"),
            "found '=', expected: !, identifier, or 'end of string'"
        );
        assert!(err("-lapp=x").starts_with(
            "unable to parse requirement: <nil>: Invalid value: \"-lapp\": name part must consist"
        ));
    }

    #[test]
    fn selectors_print_in_key_order() {
        let s = Selector::parse("tier in (b,a),app=web,!env").unwrap();
        assert_eq!(s.to_string(), "app=web,!env,tier in (a,b)");
    }

    #[test]
    fn a_nil_label_selector_matches_nothing_and_an_empty_one_everything() {
        let l = labels(&[("app", "web")]);
        assert!(!Selector::from_label_selector(None).unwrap().matches(&l));
        assert!(
            Selector::from_label_selector(Some(&LabelSelector::default()))
                .unwrap()
                .matches(&l)
        );
    }
}
