//! The verbs that change an existing object: `label`, `annotate`, `set image`, and
//! `rollout status|history|undo|restart` for Deployments. Each reads the object, computes the
//! change client-side as kubectl does, and sends it through the api-server (a merge patch or
//! an update), then lets the controllers react.

use crate::generators::cli::{Cmd, Flag, Kind as FlagKind, Parsed, flag, optional, short};
use crate::get::namespace_of;
use crate::printers::tabwriter;
use crate::{Output, errors, printers, resources};
use serde_json::{Map, Value, json};
use sim::{Actor, Cluster, Kind, ListOptions, Patch, WriteOptions};
use std::collections::BTreeMap;

/// How long `rollout status` may move the clock before giving up.
// Simplification: kubectl waits forever by default; Timonel stops after 11 virtual minutes (past
// the default 600 s progress deadline, so a stuck rollout ends with kubectl's deadline error).
const STATUS_LIMIT_SECONDS: u64 = 660;

const REVISION: &str = "deployment.kubernetes.io/revision";

const MUTATE_FLAGS: &[Flag] = &[
    flag("all", FlagKind::Bool),
    short("all-namespaces", 'A', FlagKind::Bool),
    short("selector", 'l', FlagKind::String),
    flag("field-selector", FlagKind::String),
    flag("overwrite", FlagKind::Bool),
    flag("list", FlagKind::Bool),
    flag("local", FlagKind::Bool),
    short("output", 'o', FlagKind::String),
    optional("dry-run", "unchanged"),
    flag("resource-version", FlagKind::String),
    flag("field-manager", FlagKind::String),
    flag("show-managed-fields", FlagKind::Bool),
    flag("allow-missing-template-keys", FlagKind::Bool),
    flag("template", FlagKind::String),
    short("filename", 'f', FlagKind::StringSlice),
    short("kustomize", 'k', FlagKind::String),
    short("recursive", 'R', FlagKind::Bool),
    flag("record", FlagKind::Bool),
];

/// `GetResourcesAndPairs`: resource arguments first, then `k=v` / `k-` pairs.
fn split_pairs(args: &[String], what: &str) -> Result<(Vec<String>, Vec<String>), Output> {
    let mut resources = Vec::new();
    let mut pairs = Vec::new();
    for arg in args {
        let is_pair = arg.contains('=') || arg.ends_with('-');
        if is_pair {
            pairs.push(arg.clone());
        } else if pairs.is_empty() {
            resources.push(arg.clone());
        } else {
            return Err(Output::error(format!(
                "all resources must be specified before {what} changes: {arg}"
            )));
        }
    }
    Ok((resources, pairs))
}

/// The objects to change (kind and name) and the errors met finding them.
type Targets = (Vec<(Kind, String)>, Vec<String>);

/// The objects named by the resource arguments (or selected with `-l` / `--all`).
fn targets(cluster: &Cluster, parsed: &Parsed, args: &[String]) -> Result<Targets, Output> {
    if args.is_empty() {
        return Err(Output::error(
            "You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'",
        ));
    }
    let requests = resources::parse(args)?;
    let namespace = namespace_of(parsed);
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
            match cluster.api().list(r.kind, Some(&namespace), &list) {
                Ok(l) => out.extend(
                    l.items
                        .iter()
                        .map(|o| (r.kind, o.metadata().name.to_string())),
                ),
                Err(status) => errs.push(crate::get::list_error(r.kind, &list, &status)),
            }
        } else {
            out.extend(r.names.iter().map(|n| (r.kind, n.clone())));
        }
    }
    Ok((out, errs))
}

fn finish(mut out: Output, errs: Vec<String>) -> Output {
    for e in &errs {
        out.stderr.push_str(e);
        out.stderr.push('\n');
    }
    if !errs.is_empty() {
        out.exit_code = 1;
    }
    out
}

/// `kubectl label` and `kubectl annotate`.
pub fn label_or_annotate(cluster: &mut Cluster, args: &[String], annotate: bool) -> Output {
    let cmd = Cmd {
        path: if annotate {
            "kubectl annotate"
        } else {
            "kubectl label"
        },
    };
    let parsed = match cmd.parse(MUTATE_FLAGS, &[], args) {
        Ok(p) => p,
        Err(out) => return out,
    };
    let what = if annotate { "annotation" } else { "label" };
    let (resource_args, pairs) = match split_pairs(&parsed.args, what) {
        Ok(x) => x,
        Err(out) => return out,
    };
    if pairs.is_empty() && !parsed.bool("list") {
        return Output::error(format!("at least one {what} update is required"));
    }
    let mut set: BTreeMap<String, String> = BTreeMap::new();
    let mut remove: Vec<String> = Vec::new();
    for p in &pairs {
        if let Some((k, v)) = p.split_once('=') {
            set.insert(k.to_string(), v.to_string());
        } else if let Some(k) = p.strip_suffix('-') {
            remove.push(k.to_string());
        }
    }
    if let Some(k) = remove.iter().find(|k| set.contains_key(*k)) {
        return Output::error(format!(
            "can not both modify and remove {what}s in the same command: {k}"
        ));
    }
    let (targets, mut errs) = match targets(cluster, &parsed, &resource_args) {
        Ok(t) => t,
        Err(out) => return out,
    };
    let namespace = namespace_of(&parsed);
    let overwrite = parsed.bool("overwrite");
    let field = if annotate { "annotations" } else { "labels" };
    let mut out = Output::default();
    let mut wrote = false;
    for (kind, name) in &targets {
        let obj = match cluster.api().get(*kind, &namespace, name) {
            Ok(o) => o,
            Err(status) => {
                errs.push(errors::status_text(&status));
                continue;
            }
        };
        let meta = obj.metadata();
        let current = if annotate {
            &meta.annotations
        } else {
            &meta.labels
        };
        let resource = printers::kind_name(*kind);
        if parsed.bool("list") {
            for (k, v) in current {
                out.stdout.push_str(&format!("{k}={v}\n"));
            }
            continue;
        }
        if !overwrite {
            let clashes: Vec<String> = set
                .iter()
                .filter_map(|(k, v)| {
                    current.get(k).and_then(|cur| {
                        (annotate || cur != v).then(|| format!("'{k}' already has a value ({cur})"))
                    })
                })
                .collect();
            if !clashes.is_empty() {
                errs.push(if annotate {
                    format!(
                        "error: --overwrite is false but found the following declared annotation(s): {}",
                        clashes.join("; ")
                    )
                } else {
                    clashes
                        .iter()
                        .map(|c| format!("error: {c}, and --overwrite is false"))
                        .collect::<Vec<_>>()
                        .join("\n")
                });
                continue;
            }
        }
        let mut patch = Map::new();
        let mut changed = false;
        for (k, v) in &set {
            if current.get(k) != Some(v) {
                changed = true;
            }
            patch.insert(k.clone(), Value::String(v.clone()));
        }
        let mut only_removed = true;
        for k in &remove {
            if current.contains_key(k) {
                changed = true;
                patch.insert(k.clone(), Value::Null);
            } else {
                out.stderr
                    .push_str(&format!("{what} {} not found.\n", errors::go_quote(k)));
            }
        }
        if !set.is_empty() {
            only_removed = false;
        }
        if changed {
            let result = cluster.api_mut().patch(
                &Actor::kubectl(),
                *kind,
                &namespace,
                name,
                &Patch::merge(json!({ "metadata": { field: Value::Object(patch) } })),
                &WriteOptions::default(),
            );
            if let Err(status) = result {
                errs.push(errors::status_text(&status));
                continue;
            }
            wrote = true;
        }
        let verb = match (annotate, changed, only_removed && !overwrite) {
            (true, _, _) => "annotated",
            (false, false, _) => "not labeled",
            (false, true, true) => "unlabeled",
            (false, true, false) => "labeled",
        };
        out.stdout.push_str(&format!("{resource}/{name} {verb}\n"));
    }
    if wrote {
        cluster.settle();
    }
    finish(out, errs)
}

/// The pod template (or the pod's own spec) of a workload, as a JSON pointer.
fn pod_spec_pointer(kind: Kind) -> &'static str {
    match kind {
        Kind::Pod => "/spec",
        _ => "/spec/template/spec",
    }
}

/// `kubectl set image TYPE/NAME CONTAINER=IMAGE…`.
pub fn set(cluster: &mut Cluster, args: &[String]) -> Output {
    let Some((sub, rest)) = args.split_first() else {
        return Output::error("\"kubectl set\" needs a subcommand: image, env or resources");
    };
    match sub.as_str() {
        "env" => return crate::set_env::env(cluster, rest),
        "resources" => return crate::set_env::resources_cmd(cluster, rest),
        _ => {}
    }
    if sub != "image" {
        return Output::error(format!(
            "\"kubectl set {sub}\" is not available in this playground yet; try \"kubectl set image\""
        ));
    }
    let cmd = Cmd {
        path: "kubectl set image",
    };
    let parsed = match cmd.parse(MUTATE_FLAGS, &[], rest) {
        Ok(p) => p,
        Err(out) => return out,
    };
    let (resource_args, pairs) = match split_pairs(&parsed.args, "image") {
        Ok(x) => x,
        Err(out) => return out,
    };
    if pairs.is_empty() {
        return Output::error("at least one image update is required");
    }
    let images: Vec<(String, String)> = pairs
        .iter()
        .filter_map(|p| {
            p.split_once('=')
                .map(|(c, i)| (c.to_string(), i.to_string()))
        })
        .collect();
    let (targets, mut errs) = match targets(cluster, &parsed, &resource_args) {
        Ok(t) => t,
        Err(out) => return out,
    };
    let namespace = namespace_of(&parsed);
    let mut out = Output::default();
    let mut wrote = false;
    for (kind, name) in &targets {
        let obj = match cluster.api().get(*kind, &namespace, name) {
            Ok(o) => o,
            Err(status) => {
                errs.push(errors::status_text(&status));
                continue;
            }
        };
        let mut v = obj.to_json();
        let pointer = pod_spec_pointer(*kind);
        let Some(containers) = v
            .pointer_mut(&format!("{pointer}/containers"))
            .and_then(Value::as_array_mut)
        else {
            errs.push(format!("error: cannot set image of a {}", kind.info().kind));
            continue;
        };
        let mut missing = None;
        for (container, image) in &images {
            let mut found = false;
            for c in containers.iter_mut() {
                if container == "*" || c.get("name").and_then(Value::as_str) == Some(container) {
                    c["image"] = Value::String(image.clone());
                    found = true;
                }
            }
            if !found {
                missing = Some(container.clone());
            }
        }
        if let Some(c) = missing {
            errs.push(format!(
                "error: unable to find container named {}",
                errors::go_quote(&c)
            ));
            continue;
        }
        let result = cluster.api_mut().update_json(
            &Actor::kubectl(),
            &namespace,
            &v,
            &WriteOptions::default(),
        );
        match result {
            Ok(_) => {
                wrote = true;
                out.stdout.push_str(&format!(
                    "{}/{name} image updated\n",
                    printers::kind_name(*kind)
                ));
            }
            Err(status) => errs.push(errors::status_text(&status)),
        }
    }
    if wrote {
        cluster.settle();
    }
    finish(out, errs)
}

/// `kubectl rollout status|history|undo|restart deployment/NAME`.
pub fn rollout(cluster: &mut Cluster, args: &[String]) -> Output {
    let Some((sub, rest)) = args.split_first() else {
        return Output::error(
            "\"kubectl rollout\" needs a subcommand: status, history, undo, restart, pause or resume",
        );
    };
    let sub = sub.as_str();
    if !matches!(
        sub,
        "status" | "history" | "undo" | "restart" | "pause" | "resume"
    ) {
        return Output::error(format!(
            "\"kubectl rollout {sub}\" is not available in this playground yet"
        ));
    }
    let cmd = Cmd {
        path: match sub {
            "status" => "kubectl rollout status",
            "history" => "kubectl rollout history",
            "undo" => "kubectl rollout undo",
            "pause" => "kubectl rollout pause",
            "resume" => "kubectl rollout resume",
            _ => "kubectl rollout restart",
        },
    };
    let specs = [
        MUTATE_FLAGS,
        &[
            flag("revision", FlagKind::Int),
            flag("to-revision", FlagKind::Int),
            short("watch", 'w', FlagKind::Bool),
            flag("timeout", FlagKind::String),
        ],
    ]
    .concat();
    let parsed = match cmd.parse(&specs, &[], rest) {
        Ok(p) => p,
        Err(out) => return out,
    };
    let (targets, mut errs) = match targets(cluster, &parsed, &parsed.args) {
        Ok(t) => t,
        Err(out) => return out,
    };
    let namespace = namespace_of(&parsed);
    let mut out = Output::default();
    for (kind, name) in &targets {
        if *kind != Kind::Deployment {
            let verb = match sub {
                "status" => "no status viewer has been implemented for",
                "history" => "no history viewer has been implemented for",
                "undo" => "no rollbacker has been implemented for",
                "pause" | "resume" => "",
                _ => "no restarter has been implemented for",
            };
            // Simplification: only Deployments roll out here (DaemonSets do not yet).
            if verb.is_empty() {
                // `ObjectPauserFn` / `ObjectResumerFn`.
                errs.push(format!(
                    "error: {} {} {} is not supported",
                    kind.info().qualified_resource(),
                    errors::go_quote(name),
                    if sub == "pause" {
                        "pausing"
                    } else {
                        "resuming"
                    }
                ));
            } else {
                errs.push(format!("error: {verb} {}", kind.info().kind));
            }
            continue;
        }
        if let Err(status) = cluster.api().get(*kind, &namespace, name) {
            errs.push(errors::status_text(&status));
            continue;
        }
        let result = match sub {
            "status" => {
                let timeout = parsed
                    .string("timeout")
                    .and_then(parse_seconds)
                    .filter(|s| *s > 0);
                // `--watch=false`: the current status once, done or not.
                let watch = !parsed.changed("watch") || parsed.bool("watch");
                let (text, err) = if watch {
                    status(cluster, &namespace, name, timeout)
                } else {
                    match deployment(cluster, &namespace, name).map(|d| status_message(&d, name)) {
                        Some(Ok((message, _))) => (message, None),
                        Some(Err(e)) => (String::new(), Some(e)),
                        None => (String::new(), None),
                    }
                };
                out.stdout.push_str(&text);
                err.map_or(Ok(String::new()), Err)
            }
            "history" => history(
                cluster,
                &namespace,
                name,
                parsed.int("revision").unwrap_or(0),
            ),
            "undo" => undo(
                cluster,
                &namespace,
                name,
                parsed.int("to-revision").unwrap_or(0),
            ),
            "pause" => pause_or_resume(cluster, &namespace, name, true),
            "resume" => pause_or_resume(cluster, &namespace, name, false),
            _ => restart(cluster, &namespace, name),
        };
        match result {
            Ok(text) => out.stdout.push_str(&text),
            Err(e) => errs.push(e),
        }
    }
    finish(out, errs)
}

fn deployment(cluster: &Cluster, namespace: &str, name: &str) -> Option<Value> {
    cluster
        .api()
        .get_ref(Kind::Deployment, namespace, name)
        .map(sim::Object::to_json)
}

fn int(v: &Value, pointer: &str) -> i64 {
    v.pointer(pointer).and_then(Value::as_i64).unwrap_or(0)
}

/// `DeploymentStatusViewer.Status`: the message and whether the rollout is done.
fn status_message(d: &Value, name: &str) -> Result<(String, bool), String> {
    if int(d, "/metadata/generation") > int(d, "/status/observedGeneration") {
        return Ok((
            "Waiting for deployment spec update to be observed...\n".into(),
            false,
        ));
    }
    let progressing = d
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .and_then(|cs| cs.iter().find(|c| c["type"] == "Progressing"));
    if progressing.is_some_and(|c| c["reason"] == "ProgressDeadlineExceeded") {
        return Err(format!(
            "error: deployment {} exceeded its progress deadline",
            errors::go_quote(name)
        ));
    }
    let desired = d
        .pointer("/spec/replicas")
        .and_then(Value::as_i64)
        .unwrap_or(1);
    let updated = int(d, "/status/updatedReplicas");
    let total = int(d, "/status/replicas");
    let available = int(d, "/status/availableReplicas");
    let q = errors::go_quote(name);
    Ok(if updated < desired {
        (
            format!(
                "Waiting for deployment {q} rollout to finish: {updated} out of {desired} new replicas have been updated...\n"
            ),
            false,
        )
    } else if total > updated {
        (
            format!(
                "Waiting for deployment {q} rollout to finish: {} old replicas are pending termination...\n",
                total - updated
            ),
            false,
        )
    } else if available < updated {
        (
            format!(
                "Waiting for deployment {q} rollout to finish: {available} of {updated} updated replicas are available...\n"
            ),
            false,
        )
    } else {
        (format!("deployment {q} successfully rolled out\n"), true)
    })
}

/// `--timeout` as a Go duration of whole seconds, minutes or hours (`30s`, `5m`, `1h`).
fn parse_seconds(text: &str) -> Option<u64> {
    let (digits, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => text.split_at(i),
        None => (text, "s"),
    };
    let n: u64 = digits.parse().ok()?;
    match unit {
        "s" => Some(n),
        "m" => n.checked_mul(60),
        "h" => n.checked_mul(3600),
        _ => None,
    }
}

/// Watches the rollout, moving the clock a second at a time, printing each new message; the
/// error (an exceeded progress deadline, a `--timeout`) comes apart, for stderr.
fn status(
    cluster: &mut Cluster,
    namespace: &str,
    name: &str,
    timeout: Option<u64>,
) -> (String, Option<String>) {
    let mut out = String::new();
    let mut last = String::new();
    let limit = timeout.unwrap_or(STATUS_LIMIT_SECONDS);
    for waited in 0..=limit {
        let Some(d) = deployment(cluster, namespace, name) else {
            break;
        };
        match status_message(&d, name) {
            Ok((message, done)) => {
                if message != last {
                    out.push_str(&message);
                    last = message;
                }
                if done {
                    return (out, None);
                }
            }
            Err(e) => return (out, Some(e)),
        }
        if waited == limit {
            break;
        }
        cluster.advance(sim::Duration::seconds(1));
    }
    let err = timeout.map(|_| "error: timed out waiting for the condition".to_string());
    (out, err)
}

/// The Deployment's ReplicaSets by revision.
fn revisions(cluster: &Cluster, namespace: &str, uid: &str) -> BTreeMap<i64, Value> {
    cluster
        .api()
        .iter(Kind::ReplicaSet, Some(namespace))
        .filter(|rs| rs.metadata().controller().is_some_and(|o| o.uid == uid))
        .filter_map(|rs| {
            let rev = rs.metadata().annotations.get(REVISION)?.parse().ok()?;
            Some((rev, rs.to_json()))
        })
        .collect()
}

fn history(
    cluster: &Cluster,
    namespace: &str,
    name: &str,
    revision: i64,
) -> Result<String, String> {
    let d = deployment(cluster, namespace, name).unwrap_or_default();
    let uid = d
        .pointer("/metadata/uid")
        .and_then(Value::as_str)
        .unwrap_or("");
    let revs = revisions(cluster, namespace, uid);
    let header = format!("deployment.apps/{name} ");
    if revision > 0 {
        let Some(rs) = revs.get(&revision) else {
            return Err("error: unable to find the specified revision".into());
        };
        // Simplification: the revision's pod template is shown as YAML rather than through
        // kubectl's template describer.
        let mut template = rs.pointer("/spec/template").cloned().unwrap_or_default();
        if let Some(labels) = template
            .pointer_mut("/metadata/labels")
            .and_then(Value::as_object_mut)
        {
            labels.remove("pod-template-hash");
        }
        return Ok(format!(
            "{header}with revision #{revision}\n{}\n",
            crate::printers::yaml::to_string(&template).trim_end()
        ));
    }
    let mut table = String::from("REVISION\tCHANGE-CAUSE\n");
    for (rev, rs) in &revs {
        let cause = rs
            .pointer("/metadata/annotations/kubernetes.io~1change-cause")
            .and_then(Value::as_str)
            .unwrap_or("<none>");
        table.push_str(&format!("{rev}\t{cause}\n"));
    }
    Ok(format!("{header}\n{}\n", tabwriter::align(&table, 0, 2)))
}

/// Annotations `kubectl rollout undo` neither copies from the ReplicaSet nor drops from the
/// Deployment (`annotationsToSkip`).
const UNDO_SKIPPED_ANNOTATIONS: &[&str] = &[
    "kubectl.kubernetes.io/last-applied-configuration",
    "deployment.kubernetes.io/revision",
    "deployment.kubernetes.io/revision-history",
    "deployment.kubernetes.io/desired-replicas",
    "deployment.kubernetes.io/max-replicas",
    "deprecated.deployment.rollback.to",
];

/// `DeploymentRollbacker.Rollback`: client-side, the old ReplicaSet's template (and its
/// annotations) are copied into the Deployment; the controller then reuses that ReplicaSet
/// under the next revision number.
fn undo(cluster: &mut Cluster, namespace: &str, name: &str, to: i64) -> Result<String, String> {
    if to < 0 {
        return Err(format!(
            "error: unable to find specified revision {to} in history"
        ));
    }
    let mut d = deployment(cluster, namespace, name).unwrap_or_default();
    let uid = d
        .pointer("/metadata/uid")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let revs = revisions(cluster, namespace, &uid);
    // `deploymentRevision`: the named revision, or the second newest.
    let target = if to > 0 {
        revs.get(&to)
            .ok_or_else(|| format!("error: unable to find specified revision {to} in history"))?
    } else {
        revs.values().rev().nth(1).ok_or_else(|| {
            format!(
                "error: no rollout history found for deployment {}",
                errors::go_quote(name)
            )
        })?
    };
    if d.pointer("/spec/paused").and_then(Value::as_bool) == Some(true) {
        return Err("error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again".into());
    }
    let mut template = target
        .pointer("/spec/template")
        .cloned()
        .unwrap_or_default();
    if let Some(labels) = template
        .pointer_mut("/metadata/labels")
        .and_then(Value::as_object_mut)
    {
        labels.remove("pod-template-hash");
    }
    if d.pointer("/spec/template") == Some(&template) {
        return Ok(format!(
            "deployment.apps/{name} skipped rollback (current template already matches revision {to})\n"
        ));
    }
    let mut annotations = Map::new();
    if let Some(current) = d
        .pointer("/metadata/annotations")
        .and_then(Value::as_object)
    {
        for (k, v) in current {
            if UNDO_SKIPPED_ANNOTATIONS.contains(&k.as_str()) {
                annotations.insert(k.clone(), v.clone());
            }
        }
    }
    if let Some(from_rs) = target
        .pointer("/metadata/annotations")
        .and_then(Value::as_object)
    {
        for (k, v) in from_rs {
            if !UNDO_SKIPPED_ANNOTATIONS.contains(&k.as_str()) {
                annotations.insert(k.clone(), v.clone());
            }
        }
    }
    d["spec"]["template"] = template;
    d["metadata"]["annotations"] = Value::Object(annotations);
    cluster
        .api_mut()
        .update_json(&Actor::kubectl(), namespace, &d, &WriteOptions::default())
        .map_err(|s| format!("error: failed restoring revision {}: {}", to, s.message))?;
    cluster.settle();
    Ok(format!("deployment.apps/{name} rolled back\n"))
}

/// `kubectl rollout pause|resume`: a strategic merge patch of `spec.paused`
/// (`ObjectPauserFn` / `ObjectResumerFn`).
fn pause_or_resume(
    cluster: &mut Cluster,
    namespace: &str,
    name: &str,
    pause: bool,
) -> Result<String, String> {
    let d = deployment(cluster, namespace, name).unwrap_or_default();
    let paused = d.pointer("/spec/paused").and_then(Value::as_bool) == Some(true);
    if paused == pause {
        return Err(format!(
            "error: deployments.apps {} {}",
            errors::go_quote(name),
            if pause {
                "is already paused"
            } else {
                "is not paused"
            }
        ));
    }
    cluster
        .api_mut()
        .patch(
            &Actor::kubectl(),
            Kind::Deployment,
            namespace,
            name,
            &Patch::strategic(
                json!({"spec": {"paused": if pause { Value::Bool(true) } else { Value::Null }}}),
            ),
            &WriteOptions::default(),
        )
        .map_err(|s| errors::status_text(&s))?;
    cluster.settle();
    Ok(format!(
        "deployment.apps/{name} {}\n",
        if pause { "paused" } else { "resumed" }
    ))
}

fn restart(cluster: &mut Cluster, namespace: &str, name: &str) -> Result<String, String> {
    let d = deployment(cluster, namespace, name).unwrap_or_default();
    if d.pointer("/spec/paused").and_then(Value::as_bool) == Some(true) {
        return Err(format!(
            "error: deployments.apps {} can't restart paused deployment (run rollout resume first)",
            errors::go_quote(name)
        ));
    }
    let now = cluster.now().rfc3339();
    cluster
        .api_mut()
        .patch(
            &Actor::kubectl(),
            Kind::Deployment,
            namespace,
            name,
            &Patch::merge(json!({"spec": {"template": {"metadata": {"annotations": {
                "kubectl.kubernetes.io/restartedAt": now
            }}}}})),
            &WriteOptions::default(),
        )
        .map_err(|s| errors::status_text(&s))?;
    cluster.settle();
    Ok(format!("deployment.apps/{name} restarted\n"))
}
