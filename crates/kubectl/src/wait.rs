//! `kubectl wait … --for=CONDITION [--timeout=30s]`: lets the simulated cluster run — moving
//! its virtual clock — until every object meets the condition, or the timeout has passed.

use crate::generators::cli::{Cmd, Flag, Kind as FlagKind, flag, short};
use crate::get::namespace_of;
use crate::printers::jsonpath;
use crate::{Output, errors, printers, resources, verb_help};
use serde_json::Value;
use sim::{Cluster, Kind, ListOptions};

const WAIT_FLAGS: &[Flag] = &[
    flag("for", FlagKind::StringArray),
    flag("timeout", FlagKind::String),
    flag("all", FlagKind::Bool),
    short("all-namespaces", 'A', FlagKind::Bool),
    short("selector", 'l', FlagKind::String),
    flag("field-selector", FlagKind::String),
    short("filename", 'f', FlagKind::StringSlice),
    short("kustomize", 'k', FlagKind::String),
    short("recursive", 'R', FlagKind::Bool),
    flag("local", FlagKind::Bool),
    short("output", 'o', FlagKind::String),
    flag("allow-missing-template-keys", FlagKind::Bool),
    flag("show-managed-fields", FlagKind::Bool),
    flag("template", FlagKind::String),
];

/// How often the condition is checked, in virtual milliseconds, after `waited` of them.
// Simplification: kubectl watches and reacts at once; Timonel moves the clock a second at a
// time for the first minute, then five seconds at a time.
fn step_millis(waited: u64) -> u64 {
    if waited < 60_000 { 1_000 } else { 5_000 }
}

/// The longest wait Timonel simulates (kubectl's negative `--timeout` means a week).
// Simplification: like `rollout status`, waiting stops after 10 virtual minutes, so a longer
// or negative `--timeout` times out then.
const LIMIT_MILLIS: u64 = 600_000;

/// Go's `time.ParseDuration`, in milliseconds (sub-millisecond parts are dropped).
pub(crate) fn parse_go_duration(text: &str) -> Result<i64, String> {
    let invalid = || format!("time: invalid duration {}", errors::go_quote(text));
    let (negative, mut rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(invalid());
    }
    let mut total: f64 = 0.0;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number = &rest[..number_len];
        if number.is_empty() || number == "." {
            return Err(invalid());
        }
        let value: f64 = number.parse().map_err(|_| invalid())?;
        rest = &rest[number_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        if unit.is_empty() {
            return Err(format!(
                "time: missing unit in duration {}",
                errors::go_quote(text)
            ));
        }
        let millis = match unit {
            "ns" => 1e-6,
            "us" | "µs" | "μs" => 1e-3,
            "ms" => 1.0,
            "s" => 1_000.0,
            "m" => 60_000.0,
            "h" => 3_600_000.0,
            _ => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    errors::go_quote(unit),
                    errors::go_quote(text)
                ));
            }
        };
        total += value * millis;
        rest = &rest[unit_len..];
    }
    let ms = total as i64;
    Ok(if negative { -ms } else { ms })
}

/// One `--for` condition.
#[derive(Clone, Debug)]
enum Condition {
    Delete,
    Create,
    /// `condition=NAME[=VALUE]`, compared ignoring case.
    Status(String, String),
    /// `jsonpath=PATH[=VALUE]`; no value: the path must exist.
    JsonPath(String, Option<String>),
}

/// cli-runtime's `RelaxedJSONPathExpression`, with its errors.
fn relaxed_path(expr: &str) -> Result<String, String> {
    if expr.is_empty() {
        return Err("jsonpath expression cannot be empty".into());
    }
    let inner = match expr.strip_prefix('{') {
        Some(rest) => rest.strip_suffix('}'),
        None => Some(expr),
    };
    match inner {
        Some(i) if !i.is_empty() && !i.contains(['{', '}']) && i != "." => {
            Ok(jsonpath::relaxed(expr))
        }
        _ => Err("unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'".into()),
    }
}

/// `=` outside of braces separates the path from the value.
fn split_outside_braces(input: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut depth = 0usize;
    for c in input.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            '=' if depth == 0 => {
                parts.push(String::new());
                continue;
            }
            _ => {}
        }
        if let Some(p) = parts.last_mut() {
            p.push(c);
        }
    }
    parts
}

fn condition_of(text: &str) -> Result<Condition, String> {
    let lower = text.to_lowercase();
    if lower == "delete" {
        return Ok(Condition::Delete);
    }
    if lower == "create" {
        return Ok(Condition::Create);
    }
    if let Some(rest) = text.strip_prefix("condition=") {
        let (name, value) = rest.split_once('=').unwrap_or((rest, "true"));
        return Ok(Condition::Status(name.to_string(), value.to_string()));
    }
    if let Some(rest) = text.strip_prefix("jsonpath=") {
        let parts = split_outside_braces(rest);
        if parts.len() > 2 {
            return Err("jsonpath wait format must be --for=jsonpath='{.status.readyReplicas}'=3 or --for=jsonpath='{.status.readyReplicas}'".into());
        }
        let path = relaxed_path(&parts[0])?;
        let value = parts
            .get(1)
            .map(|v| v.trim_matches(|c| c == '\'' || c == '"').to_string());
        return Ok(Condition::JsonPath(path, value));
    }
    Err(format!(
        "unrecognized condition: {}",
        errors::go_quote(text)
    ))
}

/// Whether the object (`None`: it does not exist) meets the condition.
fn met(condition: &Condition, object: Option<&Value>) -> bool {
    match (condition, object) {
        (Condition::Delete, o) => o.is_none(),
        (Condition::Create, o) => o.is_some(),
        (_, None) => false,
        (Condition::Status(name, value), Some(o)) => {
            let generation = o.pointer("/metadata/generation").and_then(Value::as_i64);
            let observed = o
                .pointer("/status/observedGeneration")
                .and_then(Value::as_i64);
            if let (Some(g), Some(seen)) = (generation, observed)
                && seen < g
            {
                return false;
            }
            o.pointer("/status/conditions")
                .and_then(Value::as_array)
                .is_some_and(|cs| {
                    cs.iter().any(|c| {
                        c["type"]
                            .as_str()
                            .is_some_and(|t| t.eq_ignore_ascii_case(name))
                            && c["status"]
                                .as_str()
                                .is_some_and(|s| s.eq_ignore_ascii_case(value))
                    })
                })
        }
        (Condition::JsonPath(path, value), Some(o)) => {
            let found = jsonpath::find(o, path).unwrap_or_default();
            let found: Vec<&Value> = found.iter().filter(|v| !v.is_null()).collect();
            match value {
                None => !found.is_empty(),
                Some(want) => {
                    found.len() == 1
                        && match found[0] {
                            Value::String(s) => s == want,
                            Value::Bool(b) => b.to_string() == *want,
                            Value::Number(n) => n.to_string() == *want,
                            _ => false,
                        }
                }
            }
        }
    }
}

pub(crate) fn run(cluster: &mut Cluster, args: &[String]) -> Output {
    if verb_help::requested(args) {
        return Output::ok(verb_help::text("wait"));
    }
    let cmd = Cmd {
        path: "kubectl wait",
    };
    let parsed = match cmd.parse(WAIT_FLAGS, &[], args) {
        Ok(p) => p,
        Err(out) => return out,
    };
    let timeout_ms = match parsed.string("timeout") {
        None => 30_000,
        Some(t) => match parse_go_duration(t) {
            Ok(ms) => ms,
            Err(e) => {
                return cmd.flag_error(&format!(
                    "invalid argument {} for \"--timeout\" flag: {e}",
                    errors::go_quote(t)
                ));
            }
        },
    };
    // A negative timeout waits a week.
    let timeout_ms = if timeout_ms < 0 {
        LIMIT_MILLIS
    } else {
        (timeout_ms as u64).min(LIMIT_MILLIS)
    };
    let fors = parsed.list("for");
    if fors.is_empty() {
        return Output::error("unrecognized condition: []");
    }
    let mut conditions = Vec::new();
    for f in &fors {
        match condition_of(f) {
            Ok(c) => conditions.push(c),
            Err(e) => return Output::error(e),
        }
    }
    let output = parsed.string_or_empty("output");
    if !matches!(output, "" | "name") {
        return Output::error(format!(
            "-o {output} is not available for \"kubectl wait\" in this playground yet; use -o name"
        ));
    }
    if !parsed.list("filename").is_empty() || parsed.changed("kustomize") {
        return Output::error(
            "kubectl wait -f is not available in this playground yet; name the objects: kubectl wait TYPE NAME --for=…",
        );
    }
    if parsed.args.is_empty() {
        return Output::error(crate::patch::NO_RESOURCES);
    }
    let requests = match resources::parse(&parsed.args) {
        Ok(r) => r,
        Err(out) => return out,
    };
    let all = parsed.bool("all");
    let by_selector = parsed.changed("selector") || parsed.changed("field-selector");
    let has_names = requests.requests.iter().any(|r| !r.names.is_empty());
    if has_names && (all || by_selector) {
        return Output::error("name cannot be provided when a selector is specified");
    }
    if !has_names && !all && !by_selector {
        return Output::error("resource(s) were provided, but no name was specified");
    }
    let deleting = conditions.iter().any(|c| matches!(c, Condition::Delete));
    let all_namespaces = parsed.bool("all-namespaces");
    let namespace = namespace_of(&parsed);
    let mut out = Output::default();
    let mut errs: Vec<String> = Vec::new();
    // The objects to wait for: kind, namespace, name and uid (empty: not there yet).
    let mut targets: Vec<(Kind, String, String, String)> = Vec::new();
    for r in &requests.requests {
        if r.names.is_empty() {
            let list = ListOptions {
                label_selector: parsed.string_or_empty("selector").to_string(),
                field_selector: parsed.string_or_empty("field-selector").to_string(),
            };
            let ns = (!all_namespaces).then_some(namespace.as_str());
            match cluster.api().list(r.kind, ns, &list) {
                Ok(l) => targets.extend(l.items.iter().map(|o| {
                    let m = o.metadata();
                    (
                        r.kind,
                        m.namespace.to_string(),
                        m.name.to_string(),
                        m.uid.to_string(),
                    )
                })),
                Err(status) => errs.push(crate::get::list_error(r.kind, &list, &status)),
            }
            continue;
        }
        for name in &r.names {
            match cluster.api().get(r.kind, &namespace, name) {
                Ok(o) => targets.push((
                    r.kind,
                    namespace.clone(),
                    name.clone(),
                    o.metadata().uid.to_string(),
                )),
                Err(_) if deleting => {}
                Err(_) if conditions.iter().all(|c| matches!(c, Condition::Create)) => {
                    targets.push((r.kind, namespace.clone(), name.clone(), String::new()));
                }
                Err(status) => errs.push(errors::status_text(&status)),
            }
        }
    }
    if targets.is_empty() && errs.is_empty() && !deleting {
        return Output::error("no matching resources found");
    }
    let mut waited: u64 = 0;
    for (kind, ns, name, uid) in &targets {
        loop {
            let current = cluster
                .api()
                .get_ref(*kind, ns, name)
                .filter(|o| uid.is_empty() || o.metadata().uid == *uid)
                .map(sim::Object::to_json);
            if conditions.iter().all(|c| met(c, current.as_ref())) {
                let id = format!("{}/{name}", printers::kind_name(*kind));
                out.stdout.push_str(&if output == "name" {
                    format!("{id}\n")
                } else {
                    format!("{id} condition met\n")
                });
                break;
            }
            if waited >= timeout_ms {
                errs.push(format!(
                    "error: timed out waiting for the condition on {}/{name}",
                    kind.info().plural
                ));
                break;
            }
            let step = step_millis(waited).min(timeout_ms - waited);
            cluster.advance(sim::Duration::millis(step));
            waited += step;
        }
    }
    for e in &errs {
        out.stderr.push_str(e);
        out.stderr.push('\n');
    }
    if !errs.is_empty() {
        out.exit_code = 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations() {
        assert_eq!(parse_go_duration("30s"), Ok(30_000));
        assert_eq!(parse_go_duration("1m30s"), Ok(90_000));
        assert_eq!(parse_go_duration("1.5h"), Ok(5_400_000));
        assert_eq!(parse_go_duration("-5s"), Ok(-5_000));
        assert_eq!(parse_go_duration("0"), Ok(0));
        assert_eq!(
            parse_go_duration("abc"),
            Err("time: invalid duration \"abc\"".into())
        );
        assert_eq!(
            parse_go_duration("5"),
            Err("time: missing unit in duration \"5\"".into())
        );
    }
}
