//! `kubectl create poddisruptionbudget NAME --selector=SELECTOR --min-available=N|N%`
//! (or `--max-unavailable`).

use sim::labels::{Operator, Selector};

use super::cli::{Cmd, Flag, Kind, flag};
use super::common::{CREATE_FLAGS, Generated, Options};
use super::doc::Doc;
use crate::Output;

const CMD: Cmd = Cmd {
    path: "kubectl create poddisruptionbudget",
};

const FLAGS: &[Flag] = &[
    flag("selector", Kind::String),
    flag("min-available", Kind::String),
    flag("max-unavailable", Kind::String),
];

/// `^[0-9]+%?$`: a count or a percentage, as the flags accept them.
fn count_or_percent(v: &str) -> bool {
    let digits = v.strip_suffix('%').unwrap_or(v);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// An int-or-string field as the object carries it: a number, or the percentage text.
fn int_or_percent(v: &str) -> Doc {
    match v.parse::<i64>() {
        Ok(n) => Doc::Int(n),
        Err(_) => Doc::str(v),
    }
}

/// `metav1.ParseToLabelSelector`: equalities become `matchLabels`, set-based requirements
/// `matchExpressions`.
fn parse_to_label_selector(text: &str) -> Result<Doc, String> {
    let parsed = Selector::parse(text)
        .map_err(|e| format!("couldn't parse the selector string \"{text}\": {e}"))?;
    let mut labels = Doc::obj();
    let mut expressions = Vec::new();
    for r in parsed.requirements {
        let op = match r.operator {
            Operator::Equals | Operator::DoubleEquals => {
                labels.set(
                    &r.key,
                    Doc::str(r.values.first().cloned().unwrap_or_default()),
                );
                continue;
            }
            Operator::In => "In",
            Operator::NotIn => "NotIn",
            Operator::Exists => "Exists",
            Operator::DoesNotExist => "DoesNotExist",
            Operator::GreaterThan => return Err("\"gt\" isn't supported in label selectors".into()),
            Operator::LessThan => return Err("\"lt\" isn't supported in label selectors".into()),
            Operator::NotEquals => {
                return Err("\"!=\" is not a valid label selector operator".into());
            }
        };
        expressions.push(
            Doc::obj()
                .with("key", Doc::str(r.key))
                .with("operator", Doc::str(op))
                .with_opt(
                    "values",
                    (!r.values.is_empty()).then(|| Doc::strings(&r.values)),
                ),
        );
    }
    let has_labels = !matches!(&labels, Doc::Obj(entries) if entries.is_empty());
    Ok(Doc::obj()
        .with_opt("matchLabels", has_labels.then_some(labels))
        .with_opt(
            "matchExpressions",
            (!expressions.is_empty()).then_some(Doc::Arr(expressions)),
        ))
}

pub fn generate(args: &[String]) -> Result<(Options, Generated), Output> {
    let specs = [FLAGS, CREATE_FLAGS].concat();
    let parsed = CMD.parse(&specs, &[], args)?;
    let name = CMD.name(&parsed)?;
    let options = Options::from_flags(&parsed)?;
    let selector = parsed.string_or_empty("selector");
    let min = parsed.string_or_empty("min-available");
    let max = parsed.string_or_empty("max-unavailable");
    if selector.is_empty() {
        return Err(Output::error("a selector must be specified"));
    }
    if min.is_empty() && max.is_empty() {
        return Err(Output::error(
            "one of min-available or max-unavailable must be specified",
        ));
    }
    if !min.is_empty() && !max.is_empty() {
        return Err(Output::error(
            "min-available and max-unavailable cannot be both specified",
        ));
    }
    if !min.is_empty() && !count_or_percent(min) {
        return Err(Output::error("invalid format specified for min-available"));
    }
    if !max.is_empty() && !count_or_percent(max) {
        return Err(Output::error(
            "invalid format specified for max-unavailable",
        ));
    }
    let selector = parse_to_label_selector(selector).map_err(Output::error)?;
    let spec = Doc::obj()
        .with_opt(
            "minAvailable",
            (!min.is_empty()).then(|| int_or_percent(min)),
        )
        .with("selector", selector)
        .with_opt(
            "maxUnavailable",
            (!max.is_empty()).then(|| int_or_percent(max)),
        );
    let status = Doc::obj()
        .with("disruptionsAllowed", Doc::Int(0))
        .with("currentHealthy", Doc::Int(0))
        .with("desiredHealthy", Doc::Int(0))
        .with("expectedPods", Doc::Int(0));
    let doc = Doc::obj()
        .with("kind", Doc::str("PodDisruptionBudget"))
        .with("apiVersion", Doc::str("policy/v1"))
        .with(
            "metadata",
            Doc::obj()
                .with("name", Doc::str(name.as_str()))
                .with_opt("namespace", options.namespace_doc()),
        )
        .with("spec", spec)
        .with("status", status);
    Ok((
        options,
        Generated {
            doc,
            resource: "poddisruptionbudget.policy",
            name,
        },
    ))
}
