//! `kubectl scale TYPE NAME --replicas=N`: sets `spec.replicas` of Deployments and ReplicaSets
//! through the api-server, then lets the controllers react.

use crate::generators::cli::{Cmd, Flag, Kind as FlagKind, flag, optional, short};
use crate::get::{list_error, namespace_of};
use crate::{Output, errors, printers, resources};
use serde_json::json;
use sim::{Actor, Cluster, Kind, ListOptions, Patch, WriteOptions};

const CMD: Cmd = Cmd {
    path: "kubectl scale",
};

const FLAGS: &[Flag] = &[
    flag("replicas", FlagKind::Int),
    flag("current-replicas", FlagKind::Int),
    flag("resource-version", FlagKind::String),
    flag("all", FlagKind::Bool),
    short("selector", 'l', FlagKind::String),
    short("output", 'o', FlagKind::String),
    optional("dry-run", "unchanged"),
    flag("timeout", FlagKind::String),
    flag("show-managed-fields", FlagKind::Bool),
    flag("allow-missing-template-keys", FlagKind::Bool),
    flag("template", FlagKind::String),
    short("filename", 'f', FlagKind::StringSlice),
    short("kustomize", 'k', FlagKind::String),
    short("recursive", 'R', FlagKind::Bool),
];

pub fn run(cluster: &mut Cluster, args: &[String]) -> Output {
    let parsed = match CMD.parse(FLAGS, &["replicas"], args) {
        Ok(p) => p,
        Err(out) => return out,
    };
    if parsed.changed("filename") || parsed.changed("kustomize") {
        return Output::error("\"kubectl scale -f\" is not available in this playground yet");
    }
    let replicas = parsed.int("replicas").unwrap_or(-1);
    if replicas < 0 {
        return Output::error(
            "The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0",
        );
    }
    let output = parsed.string_or_empty("output");
    if !matches!(output, "" | "name") {
        return Output::error(format!(
            "-o {output} is not available for \"kubectl scale\" in this playground yet; use -o name"
        ));
    }
    let dry_run = match crate::generators::common::DryRun::parse(parsed.string("dry-run")) {
        Ok((crate::generators::common::DryRun::None, _)) => None,
        Ok((mode, _)) => Some(mode.suffix()),
        Err(out) => return out,
    };
    if parsed.args.is_empty() {
        return Output::error(
            "You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'",
        );
    }
    let requests = match resources::parse(&parsed.args) {
        Ok(r) => r,
        Err(out) => return out,
    };
    let all = parsed.bool("all");
    let by_selector = parsed.changed("selector");
    let has_names = requests.requests.iter().any(|r| !r.names.is_empty());
    if has_names && (all || by_selector) {
        return Output::error("name cannot be provided when a selector is specified");
    }
    if !has_names && !all && !by_selector {
        return Output::error("resource(s) were provided, but no name was specified");
    }
    let namespace = namespace_of(&parsed);
    let list = ListOptions::labels(parsed.string_or_empty("selector"));
    let mut targets: Vec<(Kind, String)> = Vec::new();
    let mut out = Output::default();
    let mut errs: Vec<String> = Vec::new();
    for r in &requests.requests {
        if r.names.is_empty() {
            match cluster.api().list(r.kind, Some(&namespace), &list) {
                Ok(l) => targets.extend(
                    l.items
                        .iter()
                        .map(|o| (r.kind, o.metadata().name.to_string())),
                ),
                Err(status) => errs.push(list_error(r.kind, &list, &status)),
            }
        } else {
            targets.extend(r.names.iter().map(|n| (r.kind, n.clone())));
        }
    }
    if targets.is_empty() && errs.is_empty() {
        return Output::error("no objects passed to scale");
    }
    let current = parsed.int("current-replicas").filter(|c| *c >= 0);
    let mut wrote = false;
    for (kind, name) in &targets {
        match scale_one(cluster, *kind, &namespace, name, replicas, current, dry_run) {
            Ok(()) => {
                wrote |= dry_run.is_none();
                let resource = printers::kind_name(*kind);
                if output == "name" {
                    out.stdout.push_str(&format!("{resource}/{name}\n"));
                } else {
                    out.stdout.push_str(&format!(
                        "{resource}/{name} scaled{}\n",
                        dry_run.unwrap_or("")
                    ));
                }
            }
            Err(e) => errs.push(e),
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

fn scale_one(
    cluster: &mut Cluster,
    kind: Kind,
    namespace: &str,
    name: &str,
    replicas: i64,
    current: Option<i64>,
    dry_run: Option<&str>,
) -> Result<(), String> {
    let obj = cluster
        .api()
        .get(kind, namespace, name)
        .map_err(|s| errors::status_text(&s))?;
    if !matches!(kind, Kind::Deployment | Kind::ReplicaSet) {
        // Simplification: only Deployments and ReplicaSets have a scale subresource here (the
        // simulated cluster serves no StatefulSets or ReplicationControllers).
        return Err(
            "Error from server (NotFound): the server could not find the requested resource".into(),
        );
    }
    if let Some(want) = current {
        let now = obj
            .to_json()
            .pointer("/spec/replicas")
            .and_then(serde_json::Value::as_i64)
            .unwrap_or(1);
        if now != want {
            return Err(format!("error: Expected replicas to be {want}, was {now}"));
        }
    }
    if dry_run == Some(" (dry run)") {
        return Ok(());
    }
    let opts = WriteOptions {
        dry_run: dry_run.is_some(),
        ..WriteOptions::default()
    };
    cluster
        .api_mut()
        .patch(
            &Actor::kubectl(),
            kind,
            namespace,
            name,
            &Patch::merge(json!({ "spec": { "replicas": replicas } })),
            &opts,
        )
        .map(|_| ())
        .map_err(|s| errors::status_text(&s))
}
