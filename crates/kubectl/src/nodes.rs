//! `kubectl cordon|uncordon NODE` (sets `spec.unschedulable`) and `kubectl api-resources`
//! (the kinds the simulated api-server serves, from `sim::Kind`).

use crate::generators::cli::{Cmd, Flag, Kind as FlagKind, flag, optional, short};
use crate::printers::table;
use crate::{Output, errors};
use serde_json::json;
use sim::{Actor, Cluster, Kind, ListOptions, Patch, WriteOptions};

const CORDON_FLAGS: &[Flag] = &[
    short("selector", 'l', FlagKind::String),
    optional("dry-run", "unchanged"),
];

/// `kubectl cordon` (`cordon == true`) and `kubectl uncordon`.
pub fn cordon(cluster: &mut Cluster, args: &[String], cordon: bool) -> Output {
    let (path, verb) = if cordon {
        ("kubectl cordon", "cordon")
    } else {
        ("kubectl uncordon", "uncordon")
    };
    let cmd = Cmd { path };
    let parsed = match cmd.parse(CORDON_FLAGS, &[], args) {
        Ok(p) => p,
        Err(out) => return out,
    };
    let dry_run = match crate::generators::common::DryRun::parse(parsed.string("dry-run")) {
        Ok((mode, _)) => mode,
        Err(out) => return out,
    };
    let suffix = dry_run.suffix();
    let selector = parsed.string_or_empty("selector").to_string();
    let names: Vec<String> = if parsed.args.is_empty() && !selector.is_empty() {
        match cluster
            .api()
            .list(Kind::Node, None, &ListOptions::labels(&selector))
        {
            Ok(l) => l
                .items
                .iter()
                .map(|o| o.metadata().name.to_string())
                .collect(),
            Err(status) => {
                return Output::error(crate::get::list_error(
                    Kind::Node,
                    &ListOptions::labels(&selector),
                    &status,
                ));
            }
        }
    } else if !parsed.args.is_empty() {
        parsed.args.clone()
    } else {
        return Output::error(format!(
            "USAGE: {verb} NODE [flags]\nSee '{path} -h' for help and examples"
        ));
    };
    let mut out = Output::default();
    for name in &names {
        let node = match cluster.api().get(Kind::Node, "", name) {
            Ok(sim::Object::Node(n)) => n,
            Ok(_) => continue,
            Err(status) => {
                out.stderr.push_str(&errors::status_text(&status));
                out.stderr.push('\n');
                out.exit_code = 1;
                continue;
            }
        };
        if node.is_unschedulable() == cordon {
            out.stdout
                .push_str(&format!("node/{name} already {verb}ed{suffix}\n"));
            continue;
        }
        // A client dry run sends nothing.
        if dry_run == crate::generators::common::DryRun::Client {
            out.stdout
                .push_str(&format!("node/{name} {verb}ed{suffix}\n"));
            continue;
        }
        let patch = Patch::merge(
            json!({ "spec": { "unschedulable": if cordon { json!(true) } else { json!(null) } } }),
        );
        match cluster.api_mut().patch(
            &Actor::kubectl(),
            Kind::Node,
            "",
            name,
            &patch,
            &WriteOptions {
                dry_run: dry_run == crate::generators::common::DryRun::Server,
                ..WriteOptions::default()
            },
        ) {
            Ok(_) => out
                .stdout
                .push_str(&format!("node/{name} {verb}ed{suffix}\n")),
            Err(status) => {
                out.stderr.push_str(&errors::status_text(&status));
                out.stderr.push('\n');
                out.exit_code = 1;
            }
        }
    }
    cluster.settle();
    out
}

const API_FLAGS: &[Flag] = &[
    short("output", 'o', FlagKind::String),
    flag("namespaced", FlagKind::Bool),
    flag("api-group", FlagKind::String),
    flag("no-headers", FlagKind::Bool),
    flag("sort-by", FlagKind::String),
    flag("verbs", FlagKind::StringSlice),
    flag("cached", FlagKind::Bool),
    flag("categories", FlagKind::StringSlice),
];

/// `kubectl api-resources`: discovery's answer, core group first, names sorted in a group.
pub fn api_resources(args: &[String]) -> Output {
    let cmd = Cmd {
        path: "kubectl api-resources",
    };
    let parsed = match cmd.parse(API_FLAGS, &[], args) {
        Ok(p) => p,
        Err(out) => return out,
    };
    if let Some(extra) = parsed.args.first() {
        return Output::error(format!(
            "unexpected arguments: [{extra}]\nSee 'kubectl api-resources -h' for help and examples"
        ));
    }
    let output = parsed.string_or_empty("output");
    if !matches!(output, "" | "wide" | "name") {
        return Output::error(format!(
            "unable to match a printer suitable for the output format \"{output}\", allowed formats are: json,kyaml,name,wide,yaml"
        ));
    }
    let mut kinds: Vec<Kind> = Kind::ALL.to_vec();
    kinds.sort_by_key(|k| {
        let i = k.info();
        (!i.group.is_empty(), i.group, i.plural)
    });
    if parsed.changed("namespaced") {
        let want = parsed.bool("namespaced");
        kinds.retain(|k| k.info().namespaced == want);
    }
    if let Some(group) = parsed.string("api-group") {
        kinds.retain(|k| k.info().group == group);
    }
    if output == "name" {
        return Output::ok(
            kinds
                .iter()
                .map(|k| {
                    let i = k.info();
                    if i.group.is_empty() {
                        format!("{}\n", i.plural)
                    } else {
                        format!("{}.{}\n", i.plural, i.group)
                    }
                })
                .collect::<String>(),
        );
    }
    let wide = output == "wide";
    let mut rows: Vec<Vec<String>> = Vec::new();
    if !parsed.bool("no-headers") {
        let mut h = vec!["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"];
        if wide {
            h.extend(["VERBS", "CATEGORIES"]);
        }
        rows.push(h.into_iter().map(String::from).collect());
    }
    for k in &kinds {
        let i = k.info();
        let mut row = vec![
            i.plural.to_string(),
            i.short_names.join(","),
            i.api_version(),
            i.namespaced.to_string(),
            i.kind.to_string(),
        ];
        if wide {
            let verbs = if *k == Kind::Namespace {
                "create,delete,get,list,patch,update,watch"
            } else {
                "create,delete,deletecollection,get,list,patch,update,watch"
            };
            row.push(verbs.to_string());
            let all = matches!(
                k,
                Kind::Pod | Kind::Deployment | Kind::ReplicaSet | Kind::DaemonSet
            );
            row.push(if all { "all".into() } else { String::new() });
        }
        rows.push(row);
    }
    Output::ok(table::render(&rows))
}
