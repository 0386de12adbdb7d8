//! `kubectl patch TYPE NAME -p PATCH [--type=strategic|merge|json]`: the patch is read as YAML
//! or JSON client-side and sent to the api-server, which applies it (strategic merge by default,
//! JSON merge patch, or an RFC 6902 JSON patch).

use crate::generators::cli::{Cmd, Flag, Kind as FlagKind, flag, optional, short};
use crate::generators::common::DryRun;
use crate::get::namespace_of;
use crate::manifest::{go_yaml_error, print_result};
use crate::shell::Io;
use crate::{Output, errors, printers, resources, verb_help};
use serde_json::{Value, json};
use sim::apiserver::patch::apply_patch;
use sim::{Actor, Cluster, Kind, Object, Patch, PatchType, Status, WriteOptions};

const PATCH_FLAGS: &[Flag] = &[
    short("patch", 'p', FlagKind::String),
    flag("patch-file", FlagKind::String),
    flag("type", FlagKind::String),
    short("output", 'o', FlagKind::String),
    optional("dry-run", "unchanged"),
    flag("subresource", FlagKind::String),
    flag("local", FlagKind::Bool),
    short("filename", 'f', FlagKind::StringSlice),
    short("kustomize", 'k', FlagKind::String),
    short("recursive", 'R', FlagKind::Bool),
    flag("field-manager", FlagKind::String),
    flag("record", FlagKind::Bool),
    flag("allow-missing-template-keys", FlagKind::Bool),
    flag("show-managed-fields", FlagKind::Bool),
    flag("template", FlagKind::String),
];

pub(crate) const NO_RESOURCES: &str = "You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'";

/// `GetDryRunStrategy`, with the deprecation warning of a bare `--dry-run`.
pub(crate) fn dry_run_of(value: Option<&str>) -> Result<(DryRun, Option<&'static str>), Output> {
    DryRun::parse(value)
}

/// The printers the playground has after a write: the object, its name, or the success line.
pub(crate) fn check_output(output: &str) -> Result<(), Output> {
    match output {
        "" | "yaml" | "json" | "name" => Ok(()),
        other => Err(Output::error(format!(
            "-o {other} is not available for this command in the playground yet; use -o yaml, -o json or -o name"
        ))),
    }
}

/// The kind and name of each object the arguments name (`TYPE NAME…` or `TYPE/NAME…`).
pub(crate) fn named_targets(args: &[String]) -> Result<Vec<(Kind, String)>, Output> {
    if args.is_empty() {
        return Err(Output::error(NO_RESOURCES));
    }
    let requests = resources::parse(args)?;
    let mut out = Vec::new();
    for r in &requests.requests {
        if r.names.is_empty() {
            return Err(Output::error(
                "resource(s) were provided, but no name was specified",
            ));
        }
        out.extend(r.names.iter().map(|n| (r.kind, n.clone())));
    }
    Ok(out)
}

pub(crate) fn run(cluster: &mut Cluster, io: &Io, args: &[String]) -> Output {
    if verb_help::requested(args) {
        return Output::ok(verb_help::text("patch"));
    }
    let cmd = Cmd {
        path: "kubectl patch",
    };
    let parsed = match cmd.parse(PATCH_FLAGS, &[], args) {
        Ok(p) => p,
        Err(out) => return out,
    };
    let (dry_run, warning) = match dry_run_of(parsed.string("dry-run")) {
        Ok(x) => x,
        Err(out) => return out,
    };
    let output = parsed.string_or_empty("output").to_string();
    if let Err(out) = check_output(&output) {
        return out;
    }
    let patch_text = parsed.string_or_empty("patch");
    let patch_file = parsed.string_or_empty("patch-file");
    if !patch_text.is_empty() && !patch_file.is_empty() {
        return Output::error("cannot specify --patch and --patch-file together");
    }
    if patch_text.is_empty() && patch_file.is_empty() {
        return Output::error(
            "must specify --patch or --patch-file containing the contents of the patch",
        );
    }
    if parsed.bool("local") && !parsed.args.is_empty() {
        return Output::error("cannot specify --local and server resources");
    }
    let type_name = parsed.string_or_empty("type");
    let patch_type = match type_name.to_lowercase().as_str() {
        "" | "strategic" => PatchType::Strategic,
        "merge" => PatchType::Merge,
        "json" => PatchType::Json,
        _ => {
            return Output::error(format!(
                "--type must be one of [json merge strategic], not {}",
                errors::go_quote(type_name)
            ));
        }
    };
    let text = if patch_file.is_empty() {
        patch_text.to_string()
    } else {
        match io.files.read(patch_file) {
            Some(t) => t.to_string(),
            None => {
                return Output::error(format!(
                    "unable to read patch file: open {patch_file}: no such file or directory"
                ));
            }
        }
    };
    let body: Value = match serde_yaml::from_str::<Value>(&text) {
        Ok(v) => v,
        Err(e) => {
            return Output::error(format!(
                "unable to parse {}: {}",
                errors::go_quote(&text),
                go_yaml_error(&e)
            ));
        }
    };
    if parsed.bool("local") || !parsed.list("filename").is_empty() || parsed.changed("kustomize") {
        // Simplification: patching files (`-f`, `--local`) is not simulated; only objects on the server.
        return Output::error(
            "kubectl patch -f and --local are not available in this playground yet; name the object: kubectl patch TYPE NAME -p …",
        );
    }
    let targets = match named_targets(&parsed.args) {
        Ok(t) => t,
        Err(out) => return out,
    };
    let namespace = namespace_of(&parsed);
    let patch = Patch {
        type_: patch_type,
        body,
    };
    let subresource = parsed.string_or_empty("subresource");
    let mut out = Output::default();
    if let Some(w) = warning {
        out.stderr.push_str(w);
    }
    let mut wrote = false;
    for (kind, name) in &targets {
        let result = match subresource {
            "" => patch_object(cluster, *kind, &namespace, name, &patch, dry_run),
            "status" => patch_status(cluster, *kind, &namespace, name, &patch, dry_run),
            "scale" => patch_scale(cluster, *kind, &namespace, name, &patch, dry_run),
            // The api-server has no such subresource.
            _ => Err(Status {
                reason: sim::StatusReason::NotFound,
                message: "the server could not find the requested resource".into(),
                details: None,
            }),
        };
        match result {
            Ok((printed_kind, value, changed)) => {
                wrote |= changed && dry_run != DryRun::Client;
                let operation = if changed {
                    "patched"
                } else {
                    "patched (no change)"
                };
                out.stdout.push_str(&match printed_kind {
                    Some(kind) => print_result(kind, name, &value, &output, operation, dry_run),
                    None => scale_line(name, &value, &output, operation, dry_run),
                });
            }
            Err(status) => {
                out.stderr.push_str(&errors::status_text(&status));
                out.stderr.push('\n');
                out.exit_code = 1;
            }
        }
    }
    if wrote {
        cluster.settle();
    }
    out
}

/// What a patch produced: the kind to print it as (`None`: a Scale), the object, whether it changed.
type Patched = (Option<Kind>, Value, bool);

fn options(dry_run: DryRun) -> WriteOptions {
    WriteOptions {
        dry_run: dry_run == DryRun::Server,
        ..WriteOptions::default()
    }
}

fn patch_object(
    cluster: &mut Cluster,
    kind: Kind,
    namespace: &str,
    name: &str,
    patch: &Patch,
    dry_run: DryRun,
) -> Result<Patched, Status> {
    let before = cluster.api().get(kind, namespace, name)?;
    if dry_run == DryRun::Client {
        let mut doc = before.to_json();
        apply_patch(&mut doc, patch)?;
        let changed = doc != before.to_json();
        return Ok((Some(kind), doc, changed));
    }
    let written = cluster.api_mut().patch(
        &Actor::kubectl(),
        kind,
        namespace,
        name,
        patch,
        &options(dry_run),
    )?;
    let changed = written.object != before;
    Ok((Some(kind), printers::object_value(&written.object), changed))
}

/// `--subresource=status`: the patch applies to the object, only its status is written.
fn patch_status(
    cluster: &mut Cluster,
    kind: Kind,
    namespace: &str,
    name: &str,
    patch: &Patch,
    dry_run: DryRun,
) -> Result<Patched, Status> {
    let before = cluster.api().get(kind, namespace, name)?;
    let mut doc = before.to_json();
    apply_patch(&mut doc, patch)?;
    if dry_run == DryRun::Client {
        let changed = doc != before.to_json();
        return Ok((Some(kind), doc, changed));
    }
    let obj: Object = Object::from_json_as(kind, &doc)?.object;
    let written = cluster
        .api_mut()
        .update_with(&Actor::kubectl(), obj, true, &options(dry_run))?;
    let changed = written != before;
    Ok((Some(kind), printers::object_value(&written), changed))
}

/// `--subresource=scale`: the patch applies to an `autoscaling/v1` Scale of the workload.
fn patch_scale(
    cluster: &mut Cluster,
    kind: Kind,
    namespace: &str,
    name: &str,
    patch: &Patch,
    dry_run: DryRun,
) -> Result<Patched, Status> {
    let before = cluster.api().get(kind, namespace, name)?;
    if !matches!(kind, Kind::Deployment | Kind::ReplicaSet) {
        return Err(Status {
            reason: sim::StatusReason::NotFound,
            message: "the server could not find the requested resource".into(),
            details: None,
        });
    }
    let v = before.to_json();
    let scale = |v: &Value| {
        json!({
            "apiVersion": "autoscaling/v1",
            "kind": "Scale",
            "metadata": {
                "name": name,
                "namespace": namespace,
                "resourceVersion": v.pointer("/metadata/resourceVersion").cloned().unwrap_or(Value::Null),
                "uid": v.pointer("/metadata/uid").cloned().unwrap_or(Value::Null),
                "creationTimestamp": v.pointer("/metadata/creationTimestamp").cloned().unwrap_or(Value::Null),
            },
            "spec": {"replicas": v.pointer("/spec/replicas").cloned().unwrap_or(json!(1))},
            "status": {"replicas": v.pointer("/status/replicas").cloned().unwrap_or(json!(0))},
        })
    };
    let mut doc = scale(&v);
    let original = doc.clone();
    apply_patch(&mut doc, patch)?;
    let replicas = doc.pointer("/spec/replicas").cloned().unwrap_or(json!(1));
    if doc == original || dry_run == DryRun::Client {
        return Ok((None, doc.clone(), doc != original));
    }
    let written = cluster.api_mut().patch(
        &Actor::kubectl(),
        kind,
        namespace,
        name,
        &Patch::merge(json!({"spec": {"replicas": replicas}})),
        &options(dry_run),
    )?;
    let changed = written.object != before;
    Ok((None, scale(&written.object.to_json()), changed))
}

/// A Scale prints as `scale.autoscaling/NAME`.
fn scale_line(name: &str, value: &Value, output: &str, operation: &str, dry_run: DryRun) -> String {
    let id = format!("scale.autoscaling/{name}");
    match output {
        "yaml" => printers::yaml::to_string(value),
        "json" => printers::json::to_string(value),
        "name" => id + "\n",
        _ => {
            let suffix = match dry_run {
                DryRun::None => "",
                DryRun::Client => " (dry run)",
                DryRun::Server => " (server dry run)",
            };
            format!("{id} {operation}{suffix}\n")
        }
    }
}
