//! `kubectl taint nodes NAME|--all|-l SEL KEY[=VALUE]:EFFECT … KEY[:EFFECT]-`: upstream's
//! argument split, taint spec parsing and `reorganizeTaints` (tainted / untainted / modified).

use crate::generators::cli::{Cmd, Flag, Kind as FlagKind, flag, optional, short};
use crate::{Output, errors};
use serde_json::json;
use sim::api::node::Taint;
use sim::apiserver::validation::{is_qualified_name, is_valid_label_value};
use sim::{Actor, Cluster, Kind, ListOptions, Object, Patch, WriteOptions};

const FLAGS: &[Flag] = &[
    flag("all", FlagKind::Bool),
    short("selector", 'l', FlagKind::String),
    flag("overwrite", FlagKind::Bool),
    optional("dry-run", "unchanged"),
    short("output", 'o', FlagKind::String),
    flag("validate", FlagKind::String),
    flag("field-manager", FlagKind::String),
    flag("allow-missing-template-keys", FlagKind::Bool),
    flag("show-managed-fields", FlagKind::Bool),
    flag("template", FlagKind::String),
];

const CMD: Cmd = Cmd {
    path: "kubectl taint",
};

pub fn help() -> String {
    "Add, change or remove taints on one or more nodes.\n\
     \n\
     A taint keeps pods away from a node unless they tolerate it. It is written\n\
     KEY[=VALUE]:EFFECT, where EFFECT is NoSchedule (new pods are not placed there),\n\
     PreferNoSchedule (the scheduler avoids the node when it can) or NoExecute.\n\
     A trailing '-' removes a taint: KEY:EFFECT- removes that one, KEY- every taint\n\
     with that key. Changing the value of an existing taint needs --overwrite.\n\
     \n\
     Examples:\n\
     \x20 # Keep new pods off timonel-worker unless they tolerate dedicated=db\n\
     \x20 kubectl taint nodes timonel-worker dedicated=db:NoSchedule\n\
     \n\
     \x20 # Remove that taint again\n\
     \x20 kubectl taint nodes timonel-worker dedicated:NoSchedule-\n\
     \n\
     \x20 # Taint every node carrying a label\n\
     \x20 kubectl taint nodes -l disk=hdd slow=true:PreferNoSchedule\n\
     \n\
     Options:\n\
     \x20   --all=false: Taint every node in the cluster.\n\
     \x20   --dry-run='none': Only print what would change (client or server).\n\
     \x20   --overwrite=false: Replace a taint that already has the same key and effect.\n\
     \x20   -l, --selector='': Taint the nodes matching this label selector.\n\
     \n\
     Usage:\n\
     \x20 kubectl taint NODE NAME KEY_1=VAL_1:TAINT_EFFECT_1 ... KEY_N=VAL_N:TAINT_EFFECT_N [options]\n"
        .to_string()
}

/// Go's `%v` of a `corev1.Taint`: `{key value effect <nil>}`.
fn go_struct(t: &Taint) -> String {
    format!(
        "{{{} {} {} <nil>}}",
        t.key,
        t.value.as_deref().unwrap_or(""),
        t.effect
    )
}

/// `Taint.ToString`.
fn taint_string(t: &Taint) -> String {
    let value = t.value.as_deref().unwrap_or("");
    match (t.effect.is_empty(), value.is_empty()) {
        (true, true) => t.key.clone(),
        (true, false) => format!("{}={value}:", t.key),
        (false, true) => format!("{}:{}", t.key, t.effect),
        (false, false) => format!("{}={value}:{}", t.key, t.effect),
    }
}

/// upstream `parseTaint`.
fn parse_taint(spec: &str) -> Result<Taint, String> {
    let parts: Vec<&str> = spec.split(':').collect();
    let (key, value, effect) = match parts.as_slice() {
        [key] => (key.to_string(), String::new(), String::new()),
        [kv, effect] => {
            if !matches!(*effect, "NoSchedule" | "PreferNoSchedule" | "NoExecute") {
                return Err(format!(
                    "invalid taint effect: {effect}, unsupported taint effect"
                ));
            }
            let kv: Vec<&str> = kv.split('=').collect();
            match kv.as_slice() {
                [key] => (key.to_string(), String::new(), effect.to_string()),
                [key, value] => {
                    let errs = is_valid_label_value(value);
                    if !errs.is_empty() {
                        return Err(format!("invalid taint spec: {spec}, {}", errs.join("; ")));
                    }
                    (key.to_string(), value.to_string(), effect.to_string())
                }
                _ => return Err(format!("invalid taint spec: {spec}")),
            }
        }
        _ => return Err(format!("invalid taint spec: {spec}")),
    };
    let errs = is_qualified_name(&key);
    if !errs.is_empty() {
        return Err(format!("invalid taint spec: {spec}, {}", errs.join("; ")));
    }
    Ok(Taint {
        key,
        value: (!value.is_empty()).then_some(value),
        effect,
        time_added: None,
    })
}

/// upstream `parseTaints`: the taints to add and to remove.
fn parse_taints(specs: &[String]) -> Result<(Vec<Taint>, Vec<Taint>), String> {
    let mut add: Vec<Taint> = Vec::new();
    let mut remove = Vec::new();
    for spec in specs {
        if let Some(bare) = spec.strip_suffix('-') {
            let t = parse_taint(bare)?;
            remove.push(Taint {
                key: t.key,
                value: None,
                effect: t.effect,
                time_added: None,
            });
        } else {
            let t = parse_taint(spec)?;
            if t.effect.is_empty() {
                return Err(format!("invalid taint spec: {spec}"));
            }
            if add.iter().any(|a| a.key == t.key && a.effect == t.effect) {
                return Err(format!(
                    "duplicated taints with the same key and effect: {}",
                    go_struct(&t)
                ));
            }
            add.push(t);
        }
    }
    Ok((add, remove))
}

/// upstream `reorganizeTaints`: the operation's word, the new taints, and removal errors.
fn reorganize(
    old: &[Taint],
    overwrite: bool,
    add: &[Taint],
    remove: &[Taint],
) -> (&'static str, Vec<Taint>, Vec<String>) {
    let mut new: Vec<Taint> = add.to_vec();
    for o in old {
        if !new.iter().any(|t| t.key == o.key && t.effect == o.effect) {
            new.push(o.clone());
        }
    }
    let added = old.len() != new.len();
    let mut errs = Vec::new();
    let mut deleted = false;
    for r in remove {
        let before = new.len();
        new.retain(|t| !(t.key == r.key && (r.effect.is_empty() || t.effect == r.effect)));
        // upstream keeps only the last removal's outcome.
        deleted = new.len() != before;
        if !deleted {
            errs.push(format!("taint \"{}\" not found", taint_string(r)));
        }
    }
    let op = if (added && deleted) || overwrite {
        "modified"
    } else if added {
        "tainted"
    } else {
        "untainted"
    };
    (op, new, errs)
}

pub fn run(cluster: &mut Cluster, args: &[String]) -> Output {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        return Output::ok(help());
    }
    let parsed = match CMD.parse(FLAGS, &[], args) {
        Ok(p) => p,
        Err(out) => return out,
    };
    let dry_run = match crate::generators::common::DryRun::parse(parsed.string("dry-run")) {
        Ok((mode, _)) => mode.name(),
        Err(out) => return out,
    };
    // Resources come first, then the taint changes.
    let mut resources: Vec<String> = Vec::new();
    let mut taint_args: Vec<String> = Vec::new();
    let mut processing_resources = true;
    for s in &parsed.args {
        let is_taint = s.contains('=') || s.contains(':') || s.ends_with('-');
        match (processing_resources, is_taint) {
            (false, true) => taint_args.push(s.clone()),
            (false, false) => {
                return Output::error(format!(
                    "all resources must be specified before taint changes: {s}"
                ));
            }
            (true, true) => {
                processing_resources = false;
                taint_args.push(s.clone());
            }
            (true, false) => resources.push(s.clone()),
        }
    }
    if resources.is_empty() {
        return Output::error("one or more resources must be specified as <resource> <name>");
    }
    if taint_args.is_empty() {
        return Output::error("at least one taint update is required");
    }
    let (add, remove) = match parse_taints(&taint_args) {
        Ok(x) => x,
        Err(m) => return CMD.usage_error(&m),
    };
    let all = parsed.bool("all");
    let selector = parsed.string_or_empty("selector").to_string();
    // `TYPE/NAME` arguments name nodes directly.
    let first = resources[0].to_lowercase();
    let type_word = first.split('/').next().unwrap_or("");
    if !matches!(type_word, "node" | "nodes" | "no") {
        if let Err(out) = crate::resources::kind_of(type_word) {
            return out;
        }
        return Output::error(format!(
            "invalid resource type {}, only [\"node\" \"nodes\"] are supported",
            resources[0]
        ));
    }
    let mut conflicts = Vec::new();
    for a in &add {
        for r in &remove {
            if a.key == r.key && (r.effect.is_empty() || a.effect == r.effect) {
                conflicts.push(format!("{{\"{}\":\"{}\"}}", r.key, r.effect));
            }
        }
    }
    if !conflicts.is_empty() {
        return Output::error(format!(
            "can not both modify and remove the following taint(s) in the same command: {}",
            conflicts.join(", ")
        ));
    }
    if all && !selector.is_empty() {
        return Output::error("setting 'all' parameter with a non empty selector is prohibited");
    }
    let mut names: Vec<String> = Vec::new();
    for r in &resources {
        if let Some((_, name)) = r.split_once('/') {
            names.push(name.to_string());
        }
    }
    let named: Vec<String> = if first.contains('/') {
        names
    } else {
        resources[1..].to_vec()
    };
    if !all && selector.is_empty() && named.is_empty() {
        return Output::error(
            "at least one resource name must be specified since 'all' parameter is not set",
        );
    }
    let targets: Vec<String> = if all || !selector.is_empty() {
        let opts = ListOptions::labels(&selector);
        match cluster.api().list(Kind::Node, None, &opts) {
            Ok(l) => l
                .items
                .iter()
                .map(|o| o.metadata().name.to_string())
                .collect(),
            Err(status) => {
                return Output {
                    stderr: format!("{}\n", crate::get::list_error(Kind::Node, &opts, &status)),
                    exit_code: 1,
                    ..Output::default()
                };
            }
        }
    } else {
        named
    };
    let overwrite = parsed.bool("overwrite");
    let mut out = Output::default();
    for name in &targets {
        let node = match cluster.api().get(Kind::Node, "", name) {
            Ok(Object::Node(n)) => n,
            Ok(_) => continue,
            Err(status) => {
                out.stderr.push_str(&errors::status_text(&status));
                out.stderr.push('\n');
                out.exit_code = 1;
                continue;
            }
        };
        if !overwrite
            && let Some(t) = add.iter().find(|t| {
                node.spec
                    .taints
                    .iter()
                    .any(|o| o.key == t.key && o.effect == t.effect)
            })
        {
            out.stderr.push_str(&format!(
                "error: node {name} already has {} taint(s) with same effect(s) and --overwrite is false\n",
                t.key
            ));
            out.exit_code = 1;
            return out;
        }
        let (op, new, errs) = reorganize(&node.spec.taints, overwrite, &add, &remove);
        if !errs.is_empty() {
            let message = if errs.len() == 1 {
                errs[0].clone()
            } else {
                format!("[{}]", errs.join(", "))
            };
            out.stderr.push_str(&format!("error: {message}\n"));
            out.exit_code = 1;
            return out;
        }
        let suffix = match dry_run {
            Some("client") => " (dry run)",
            Some(_) => " (server dry run)",
            None => "",
        };
        if dry_run != Some("client") {
            let taints = serde_json::to_value(&new).unwrap_or_default();
            let patch = Patch::merge(json!({ "spec": { "taints": taints } }));
            let opts = WriteOptions {
                dry_run: dry_run.is_some(),
                ..WriteOptions::default()
            };
            if let Err(status) =
                cluster
                    .api_mut()
                    .patch(&Actor::kubectl(), Kind::Node, "", name, &patch, &opts)
            {
                out.stderr.push_str(&errors::status_text(&status));
                out.stderr.push('\n');
                out.exit_code = 1;
                continue;
            }
        }
        out.stdout.push_str(&format!("node/{name} {op}{suffix}\n"));
    }
    cluster.settle();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(key: &str, value: Option<&str>, effect: &str) -> Taint {
        Taint {
            key: key.into(),
            value: value.map(str::to_string),
            effect: effect.into(),
            time_added: None,
        }
    }

    #[test]
    fn reorganize_names_the_operation_like_upstream() {
        let old = vec![t("a", Some("b"), "NoSchedule")];
        let (op, new, errs) = reorganize(&old, false, &[t("c", None, "NoExecute")], &[]);
        assert_eq!((op, new.len(), errs.len()), ("tainted", 2, 0));
        let (op, new, _) = reorganize(&old, false, &[], &[t("a", None, "")]);
        assert_eq!((op, new.len()), ("untainted", 0));
        let (op, _, _) = reorganize(&old, true, &[t("a", Some("x"), "NoSchedule")], &[]);
        assert_eq!(op, "modified");
        let (_, _, errs) = reorganize(&old, false, &[], &[t("z", None, "NoSchedule")]);
        assert_eq!(errs, ["taint \"z:NoSchedule\" not found"]);
    }
}
