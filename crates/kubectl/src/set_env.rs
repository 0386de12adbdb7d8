//! `kubectl set env` and `kubectl set resources`: change the containers of a pod template (or a
//! pod) client-side, as kubectl does, and send the object back to the api-server.

use crate::generators::cli::{Cmd, Flag, Kind as FlagKind, Parsed, flag, optional, short};
use crate::generators::common::DryRun;
use crate::get::namespace_of;
use crate::manifest::print_result;
use crate::patch::{check_output, dry_run_of};
use crate::{Output, errors, printers, resources, verb_help};
use serde_json::{Map, Value, json};
use sim::{Actor, Cluster, Kind, ListOptions, WriteOptions};

const SET_FLAGS: &[Flag] = &[
    flag("all", FlagKind::Bool),
    short("selector", 'l', FlagKind::String),
    short("containers", 'c', FlagKind::String),
    short("output", 'o', FlagKind::String),
    optional("dry-run", "unchanged"),
    flag("local", FlagKind::Bool),
    short("filename", 'f', FlagKind::StringSlice),
    short("kustomize", 'k', FlagKind::String),
    short("recursive", 'R', FlagKind::Bool),
    flag("field-manager", FlagKind::String),
    flag("allow-missing-template-keys", FlagKind::Bool),
    flag("show-managed-fields", FlagKind::Bool),
    flag("template", FlagKind::String),
    flag("record", FlagKind::Bool),
];

const ENV_FLAGS: &[Flag] = &[
    short("env", 'e', FlagKind::StringArray),
    flag("list", FlagKind::Bool),
    flag("resolve", FlagKind::Bool),
    flag("from", FlagKind::String),
    flag("keys", FlagKind::StringSlice),
    flag("prefix", FlagKind::String),
    flag("overwrite", FlagKind::Bool),
];

const RESOURCES_FLAGS: &[Flag] = &[
    flag("limits", FlagKind::String),
    flag("requests", FlagKind::String),
];

/// `path.Match` for the `-c` container selector: `*` and `?` wildcards.
fn glob(pattern: &str, name: &str) -> bool {
    fn go(p: &[char], n: &[char]) -> bool {
        match (p.first(), n.first()) {
            (None, None) => true,
            (Some('*'), _) => go(&p[1..], n) || (!n.is_empty() && go(p, &n[1..])),
            (Some('?'), Some(_)) => go(&p[1..], &n[1..]),
            (Some(a), Some(b)) if a == b => go(&p[1..], &n[1..]),
            _ => false,
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    go(&p, &n)
}

/// The pod spec of a workload or pod, as a JSON pointer.
fn pod_spec_pointer(kind: Kind) -> Option<&'static str> {
    match kind {
        Kind::Pod => Some("/spec"),
        Kind::Deployment | Kind::ReplicaSet | Kind::DaemonSet => Some("/spec/template/spec"),
        _ => None,
    }
}

/// The objects to change (kind and name) and the errors met finding them.
type Targets = (Vec<(Kind, String)>, Vec<String>);

/// Changes the containers of one object's pod spec.
type EditContainers<'a> = dyn FnMut(Kind, &mut Vec<Value>) -> Result<(), String> + 'a;

/// The objects named by the arguments, or by `-l` / `--all`.
fn targets(
    cluster: &Cluster,
    parsed: &Parsed,
    args: &[String],
    namespace: &str,
) -> Result<Targets, Output> {
    let requests = resources::parse(args)?;
    let all = parsed.bool("all");
    let by_selector = parsed.changed("selector");
    let has_names = requests.requests.iter().any(|r| !r.names.is_empty());
    if has_names && (all || by_selector) {
        return Err(Output::error(
            "name cannot be provided when a selector is specified",
        ));
    }
    if !has_names && !all && !by_selector {
        return Err(Output::error(
            "resource(s) were provided, but no name was specified",
        ));
    }
    let list = ListOptions::labels(parsed.string_or_empty("selector"));
    let mut out = Vec::new();
    let mut errs = Vec::new();
    for r in &requests.requests {
        if r.names.is_empty() {
            match cluster.api().list(r.kind, Some(namespace), &list) {
                Ok(l) => out.extend(
                    l.items
                        .iter()
                        .map(|o| (r.kind, o.metadata().name.to_string())),
                ),
                Err(status) => errs.push(crate::get::list_error(r.kind, &list, &status)),
            }
        } else {
            for n in &r.names {
                match cluster.api().get(r.kind, namespace, n) {
                    Ok(_) => out.push((r.kind, n.clone())),
                    Err(status) => errs.push(errors::status_text(&status)),
                }
            }
        }
    }
    Ok((out, errs))
}

/// `validation.IsEnvVarName`.
fn env_name_error(name: &str) -> Option<String> {
    let valid = !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'));
    (!valid).then(|| format!(
        "{} is not a valid key name: a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')",
        errors::go_quote(name)
    ))
}

/// Shared ending: print each changed object, send it unless it is a client dry run.
struct Change<'a> {
    operation: &'a str,
    output: String,
    dry_run: DryRun,
    warning: Option<&'static str>,
}

fn write_all(
    cluster: &mut Cluster,
    namespace: &str,
    targets: &[(Kind, String)],
    mut errs: Vec<String>,
    change: &Change,
    edit: &mut EditContainers,
    unchanged: &dyn Fn(Kind, &str) -> Option<String>,
) -> Output {
    let mut out = Output::default();
    if let Some(w) = change.warning {
        out.stderr.push_str(w);
    }
    let mut wrote = false;
    for (kind, name) in targets {
        let Ok(obj) = cluster.api().get(*kind, namespace, name) else {
            continue;
        };
        let before = printers::object_value(&obj);
        let mut v = before.clone();
        let Some(pointer) = pod_spec_pointer(*kind) else {
            errs.push(format!(
                "error: {}/{name} is not a pod or does not have a pod template",
                printers::kind_name(*kind)
            ));
            continue;
        };
        let Some(containers) = v
            .pointer_mut(&format!("{pointer}/containers"))
            .and_then(Value::as_array_mut)
        else {
            continue;
        };
        if let Err(e) = edit(*kind, containers) {
            errs.push(e);
            continue;
        }
        if v == before {
            if let Some(message) = unchanged(*kind, name) {
                errs.push(message);
            }
            continue;
        }
        if change.dry_run == DryRun::Client {
            out.stdout.push_str(&print_result(
                *kind,
                name,
                &v,
                &change.output,
                change.operation,
                change.dry_run,
            ));
            continue;
        }
        let opts = WriteOptions {
            dry_run: change.dry_run == DryRun::Server,
            ..WriteOptions::default()
        };
        match cluster
            .api_mut()
            .update_json(&Actor::kubectl(), namespace, &v, &opts)
        {
            Ok(written) => {
                wrote |= change.dry_run == DryRun::None;
                out.stdout.push_str(&print_result(
                    *kind,
                    name,
                    &printers::object_value(&written.object),
                    &change.output,
                    change.operation,
                    change.dry_run,
                ));
            }
            Err(status) => errs.push(errors::status_text(&status)),
        }
    }
    if wrote {
        cluster.settle();
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

/// `kubectl set env TYPE/NAME KEY=VALUE… [KEY-…] [--list]`.
pub(crate) fn env(cluster: &mut Cluster, args: &[String]) -> Output {
    if verb_help::requested(args) {
        return Output::ok(verb_help::text("set env"));
    }
    let cmd = Cmd {
        path: "kubectl set env",
    };
    let specs = [SET_FLAGS, ENV_FLAGS].concat();
    let parsed = match cmd.parse(&specs, &[], args) {
        Ok(p) => p,
        Err(out) => return out,
    };
    // `SplitEnvironmentFromResources`: resources first, then the environment changes.
    let mut resource_args = Vec::new();
    let mut env_args = Vec::new();
    for a in &parsed.args {
        let is_env = a.contains('=') || a.ends_with('-');
        if is_env {
            env_args.push(a.clone());
        } else if env_args.is_empty() {
            resource_args.push(a.clone());
        } else {
            return Output::error(format!(
                "all resources must be specified before environment changes: {}",
                parsed.args.join(" ")
            ));
        }
    }
    if parsed.list("filename").is_empty() && resource_args.is_empty() {
        return Output::error(
            "one or more resources must be specified as <resource> <name> or <resource>/<name>",
        );
    }
    if parsed.bool("all") && parsed.changed("selector") {
        return Output::error("cannot set --all and --selector at the same time");
    }
    if !parsed.list("keys").is_empty() && !parsed.changed("from") {
        return Output::error(
            "when specifying --keys, a configmap or secret must be provided with --from",
        );
    }
    let output = parsed.string_or_empty("output").to_string();
    if !output.is_empty() && parsed.bool("list") {
        return Output::error("--list and --output may not be specified together");
    }
    let (dry_run, warning) = match dry_run_of(parsed.string("dry-run")) {
        Ok(x) => x,
        Err(out) => return out,
    };
    if let Err(out) = check_output(&output) {
        return out;
    }
    let mut set: Vec<(String, String)> = Vec::new();
    let mut remove: Vec<String> = Vec::new();
    for spec in parsed.list("env").iter().chain(&env_args) {
        if let Some((k, v)) = spec.split_once('=') {
            if let Some(e) = env_name_error(k) {
                return Output::error(e);
            }
            set.retain(|(name, _)| name != k);
            set.push((k.to_string(), v.to_string()));
        } else if let Some(k) = spec.strip_suffix('-') {
            remove.push(k.to_string());
        } else {
            return Output::error(format!("unknown environment variable: {spec}"));
        }
    }
    if remove.iter().any(|r| set.iter().any(|(k, _)| k == r)) {
        return Output::error(
            "can not both modify and remove the same environment variable in the same command",
        );
    }
    if parsed.changed("from") || !parsed.list("filename").is_empty() || parsed.bool("local") {
        // Simplification: --from (env from a ConfigMap or Secret), -f and --local are not simulated.
        return Output::error(
            "kubectl set env --from, -f and --local are not available in this playground yet",
        );
    }
    let prefix = parsed.string_or_empty("prefix").to_string();
    for (k, _) in &mut set {
        k.insert_str(0, &prefix);
    }
    let namespace = namespace_of(&parsed);
    let (targets, errs) = match targets(cluster, &parsed, &resource_args, &namespace) {
        Ok(t) => t,
        Err(out) => return out,
    };
    let selector = parsed.string("containers").unwrap_or("*").to_string();
    if parsed.bool("list") {
        let mut out = Output::default();
        for (kind, name) in &targets {
            let Some(v) = cluster
                .api()
                .get_ref(*kind, &namespace, name)
                .map(sim::Object::to_json)
            else {
                continue;
            };
            let Some(pointer) = pod_spec_pointer(*kind) else {
                continue;
            };
            let containers = v
                .pointer(&format!("{pointer}/containers"))
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            for c in containers
                .iter()
                .filter(|c| glob(&selector, c["name"].as_str().unwrap_or("")))
            {
                out.stdout.push_str(&format!(
                    "# {} {name}, container {}\n",
                    kind.info().plural,
                    c["name"].as_str().unwrap_or("")
                ));
                for e in c.get("env").and_then(Value::as_array).into_iter().flatten() {
                    let n = e["name"].as_str().unwrap_or("");
                    match e.get("valueFrom") {
                        Some(from) => out
                            .stdout
                            .push_str(&format!("# {n} from {}\n", value_from_text(from))),
                        None => out
                            .stdout
                            .push_str(&format!("{n}={}\n", e["value"].as_str().unwrap_or(""))),
                    }
                }
            }
        }
        for e in &errs {
            out.stderr.push_str(e);
            out.stderr.push('\n');
        }
        if !errs.is_empty() {
            out.exit_code = 1;
        }
        return out;
    }
    let overwrite = !parsed.changed("overwrite") || parsed.bool("overwrite");
    let change = Change {
        operation: "env updated",
        output,
        dry_run,
        warning,
    };
    let mut edit = |_: Kind, containers: &mut Vec<Value>| -> Result<(), String> {
        for c in containers.iter_mut() {
            if !glob(&selector, c["name"].as_str().unwrap_or("")) {
                continue;
            }
            let mut env: Vec<Value> = c
                .get("env")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            if !overwrite {
                for (k, v) in &set {
                    if let Some(old) = env.iter().find(|e| e["name"] == k.as_str())
                        && old.get("value").and_then(Value::as_str) != Some(v.as_str())
                    {
                        return Err(format!(
                            "error: '{k}' already has a value ({}), and --overwrite is false",
                            old.get("value").and_then(Value::as_str).unwrap_or("")
                        ));
                    }
                }
            }
            for (k, v) in &set {
                match env.iter_mut().find(|e| e["name"] == k.as_str()) {
                    Some(e) => {
                        let mut m = Map::new();
                        m.insert("name".into(), json!(k));
                        m.insert("value".into(), json!(v));
                        *e = Value::Object(m);
                    }
                    None => env.push(json!({"name": k, "value": v})),
                }
            }
            env.retain(|e| !remove.iter().any(|r| e["name"] == r.as_str()));
            if let Some(obj) = c.as_object_mut() {
                if env.is_empty() {
                    obj.remove("env");
                } else {
                    obj.insert("env".into(), Value::Array(env));
                }
            }
        }
        Ok(())
    };
    write_all(
        cluster,
        &namespace,
        &targets,
        errs,
        &change,
        &mut edit,
        &|_, _| None,
    )
}

/// `GetEnvVarRefString`: how `--list` names a variable set from elsewhere.
fn value_from_text(from: &Value) -> String {
    if let Some(r) = from.get("configMapKeyRef") {
        return format!(
            "configmap {}, key {}",
            r["name"].as_str().unwrap_or(""),
            r["key"].as_str().unwrap_or("")
        );
    }
    if let Some(r) = from.get("secretKeyRef") {
        return format!(
            "secret {}, key {}",
            r["name"].as_str().unwrap_or(""),
            r["key"].as_str().unwrap_or("")
        );
    }
    if let Some(r) = from.get("fieldRef") {
        return format!("field path {}", r["fieldPath"].as_str().unwrap_or(""));
    }
    if let Some(r) = from.get("resourceFieldRef") {
        return format!("resource field {}", r["resource"].as_str().unwrap_or(""));
    }
    "invalid valueFrom".to_string()
}

/// `populateResourceListV1`: `cpu=200m,memory=512Mi`.
fn resource_list(spec: &str) -> Result<Map<String, Value>, String> {
    let mut out = Map::new();
    if spec.is_empty() {
        return Ok(out);
    }
    for pair in spec.split(',') {
        let parts: Vec<&str> = pair.split('=').collect();
        let [name, quantity] = parts.as_slice() else {
            return Err(format!(
                "Invalid argument syntax {pair}, expected <resource>=<value>"
            ));
        };
        if sim::api::meta::parse_quantity_milli(quantity).is_none() {
            return Err(sim::api::meta::QUANTITY_FORMAT_ERROR.to_string());
        }
        out.insert((*name).to_string(), json!(quantity));
    }
    Ok(out)
}

/// `kubectl set resources TYPE/NAME [-c C] --limits=… --requests=…`.
pub(crate) fn resources_cmd(cluster: &mut Cluster, args: &[String]) -> Output {
    if verb_help::requested(args) {
        return Output::ok(verb_help::text("set resources"));
    }
    let cmd = Cmd {
        path: "kubectl set resources",
    };
    let specs = [SET_FLAGS, RESOURCES_FLAGS].concat();
    let parsed = match cmd.parse(&specs, &[], args) {
        Ok(p) => p,
        Err(out) => return out,
    };
    if parsed.args.is_empty() && parsed.list("filename").is_empty() {
        return Output::error(crate::patch::NO_RESOURCES);
    }
    let (dry_run, warning) = match dry_run_of(parsed.string("dry-run")) {
        Ok(x) => x,
        Err(out) => return out,
    };
    let output = parsed.string_or_empty("output").to_string();
    if let Err(out) = check_output(&output) {
        return out;
    }
    if !parsed.list("filename").is_empty() || parsed.bool("local") {
        // Simplification: -f and --local are not simulated.
        return Output::error(
            "kubectl set resources -f and --local are not available in this playground yet",
        );
    }
    let namespace = namespace_of(&parsed);
    let (targets, errs) = match targets(cluster, &parsed, &parsed.args, &namespace) {
        Ok(t) => t,
        Err(out) => return out,
    };
    if !errs.is_empty() && targets.is_empty() {
        return Output {
            stderr: errs.join("\n") + "\n",
            exit_code: 1,
            ..Output::default()
        };
    }
    if parsed.bool("all") && parsed.changed("selector") {
        return Output::error("cannot set --all and --selector at the same time");
    }
    let limits_text = parsed.string_or_empty("limits");
    let requests_text = parsed.string_or_empty("requests");
    if limits_text.is_empty() && requests_text.is_empty() {
        return Output::error(
            "you must specify an update to requests or limits (in the form of --requests/--limits)",
        );
    }
    let (limits, requests) = match (resource_list(limits_text), resource_list(requests_text)) {
        (Ok(l), Ok(r)) => (l, r),
        (Err(e), _) | (_, Err(e)) => return Output::error(e),
    };
    let selector = parsed.string("containers").unwrap_or("*").to_string();
    let change = Change {
        operation: "resource requirements updated",
        output,
        dry_run,
        warning,
    };
    let mut edit = |_: Kind, containers: &mut Vec<Value>| -> Result<(), String> {
        let mut matched = false;
        for c in containers.iter_mut() {
            if !glob(&selector, c["name"].as_str().unwrap_or("")) {
                continue;
            }
            matched = true;
            let Some(obj) = c.as_object_mut() else {
                continue;
            };
            let res = obj.entry("resources").or_insert_with(|| json!({}));
            for (field, list) in [("limits", &limits), ("requests", &requests)] {
                if list.is_empty() {
                    continue;
                }
                if let Some(r) = res.as_object_mut() {
                    let entry = r.entry(field).or_insert_with(|| json!({}));
                    if let Some(m) = entry.as_object_mut() {
                        for (k, v) in list {
                            m.insert(k.clone(), v.clone());
                        }
                    }
                }
            }
        }
        if !matched {
            return Err(format!("error: unable to find container named {selector}"));
        }
        Ok(())
    };
    let unchanged = |kind: Kind, name: &str| {
        Some(format!(
            "error: info: {} {} was not changed",
            resources::gvr(kind),
            errors::go_quote(name)
        ))
    };
    write_all(
        cluster, &namespace, &targets, errs, &change, &mut edit, &unchanged,
    )
}
