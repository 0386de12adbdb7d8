//! `kubectl delete TYPE NAME… | TYPE -l SELECTOR | TYPE --all`: delete through the api-server,
//! print kubectl 1.34+'s `pod "x" deleted from default namespace`, and wait (advancing the
//! virtual clock) until the objects are gone, as `--wait=true` does.

use crate::generators::cli::{Cmd, Flag, Kind as FlagKind, flag, optional, short};
use crate::get::{list_error, namespace_of};
use crate::manifest::{self, Failure};
use crate::resources;
use crate::shell::Io;
use crate::{Output, errors};
use sim::{Actor, Cluster, DeleteOptions, Kind, ListOptions, PropagationPolicy, StatusReason};

const CMD: Cmd = Cmd {
    path: "kubectl delete",
};

const FLAGS: &[Flag] = &[
    flag("all", FlagKind::Bool),
    short("all-namespaces", 'A', FlagKind::Bool),
    short("selector", 'l', FlagKind::String),
    flag("field-selector", FlagKind::String),
    optional("cascade", "background"),
    flag("grace-period", FlagKind::Int),
    flag("force", FlagKind::Bool),
    flag("now", FlagKind::Bool),
    flag("wait", FlagKind::Bool),
    flag("timeout", FlagKind::String),
    flag("ignore-not-found", FlagKind::Bool),
    short("output", 'o', FlagKind::String),
    optional("dry-run", "unchanged"),
    short("interactive", 'i', FlagKind::Bool),
    flag("raw", FlagKind::String),
    short("filename", 'f', FlagKind::StringSlice),
    short("kustomize", 'k', FlagKind::String),
    short("recursive", 'R', FlagKind::Bool),
];

/// How long `--wait` may move the clock before giving up (kubectl's default waits a week).
// Simplification: Timonel stops waiting after 10 virtual minutes so a stuck object cannot
// freeze the playground.
const WAIT_LIMIT_SECONDS: u64 = 600;

pub(crate) fn run(cluster: &mut Cluster, io: &Io, args: &[String]) -> Output {
    let parsed = match CMD.parse(FLAGS, &[], args) {
        Ok(p) => p,
        Err(out) => return out,
    };
    if parsed.changed("kustomize") {
        return Output::error(
            "-k (kustomize) is not available in this playground; use -f with a file or folder",
        );
    }
    let from_files = parsed.changed("filename");
    let output = parsed.string_or_empty("output");
    if !matches!(output, "" | "name") {
        return Output::error(format!(
            "unable to match a printer suitable for the output format \"{output}\", allowed formats are: name"
        ));
    }
    let dry_run = match crate::generators::common::DryRun::parse(parsed.string("dry-run")) {
        Ok((crate::generators::common::DryRun::None, _)) => None,
        Ok((mode, _)) => Some(mode.suffix()),
        Err(out) => return out,
    };
    let cascade = match parsed.string("cascade") {
        None | Some("background") | Some("true") => PropagationPolicy::Background,
        Some("foreground") => PropagationPolicy::Foreground,
        Some("orphan") | Some("false") => PropagationPolicy::Orphan,
        Some(other) => {
            return Output::error(format!(
                "invalid cascade value ({other}). Must be \"background\", \"foreground\", or \"orphan\""
            ));
        }
    };
    let force = parsed.bool("force");
    let mut grace = parsed.int("grace-period").filter(|g| *g >= 0);
    if parsed.bool("now") {
        if grace.is_some() {
            return Output::error("--now and --grace-period cannot be specified together");
        }
        grace = Some(1);
    }
    // `--grace-period=0` alone means 1 (kubectl guards against accidental data loss); with
    // `--force` it is an immediate deletion.
    if grace == Some(0) && !force {
        grace = Some(1);
    }
    if force && grace.is_none() {
        grace = Some(0);
    }
    if force && grace.is_some_and(|g| g > 0) {
        return Output::error(
            "--force and --grace-period greater than 0 cannot be specified together",
        );
    }
    let immediate = grace == Some(0);
    if from_files && !parsed.args.is_empty() {
        return Output::error(
            "when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well",
        );
    }
    if parsed.args.is_empty() && !from_files {
        return Output::error(
            "You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'",
        );
    }
    let requests = match resources::parse(&parsed.args) {
        Ok(r) => r,
        Err(out) => return out,
    };
    let all = parsed.bool("all") && !from_files;
    let by_selector = parsed.changed("selector") || parsed.changed("field-selector");
    if all && !parsed.string_or_empty("selector").is_empty() {
        return Output::error("setting 'all' parameter but found a non empty selector. ");
    }
    let has_names = requests.requests.iter().any(|r| !r.names.is_empty());
    if has_names && (all || by_selector) {
        return Output::error("name cannot be provided when a selector is specified");
    }
    if !has_names && !all && !by_selector && !from_files {
        return Output::error("resource(s) were provided, but no name was specified");
    }
    let all_namespaces = parsed.bool("all-namespaces");
    let namespace = namespace_of(&parsed);
    let ignore_not_found = parsed.bool("ignore-not-found") || all || (by_selector && !from_files);
    let list = ListOptions {
        label_selector: parsed.string_or_empty("selector").to_string(),
        field_selector: parsed.string_or_empty("field-selector").to_string(),
    };

    let mut out = Output::default();
    if immediate {
        out.stderr
            .push_str("Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n");
    }
    let mut errs: Vec<String> = Vec::new();
    // Targets: (kind, namespace, name), in the order kubectl visits them, and for `-f` the
    // file each came from.
    let mut targets: Vec<(Kind, String, String)> = Vec::new();
    let mut sources: Vec<String> = Vec::new();
    let mut failures: Vec<Failure> = Vec::new();
    let mut pending: Vec<(usize, Failure)> = Vec::new();
    if from_files {
        let flag_ns = parsed.string("namespace");
        match manifest::read_items(
            io,
            &parsed.list("filename"),
            parsed.bool("recursive"),
            flag_ns,
        ) {
            Ok((items, read_failures)) => {
                pending = read_failures;
                pending.reverse();
                for item in items {
                    targets.push((item.kind, item.namespace, item.name));
                    sources.push(item.source);
                }
            }
            Err(out) => return out,
        }
    }
    for r in &requests.requests {
        if r.names.is_empty() {
            let ns = (!all_namespaces).then_some(namespace.as_str());
            match cluster.api().list(r.kind, ns, &list) {
                Ok(l) => targets.extend(l.items.iter().map(|o| {
                    let m = o.metadata();
                    (r.kind, m.namespace.to_string(), m.name.to_string())
                })),
                Err(status) => errs.push(list_error(r.kind, &list, &status)),
            }
        } else {
            for name in &r.names {
                targets.push((r.kind, namespace.clone(), name.clone()));
            }
        }
    }
    let opts = DeleteOptions {
        grace_period_seconds: grace,
        propagation_policy: Some(cascade),
        dry_run: dry_run.is_some(),
        ..DeleteOptions::default()
    };
    let mut deleted: Vec<(Kind, String, String, String)> = Vec::new();
    for (i, (kind, ns, name)) in targets.iter().enumerate() {
        while pending.last().is_some_and(|(at, _)| *at <= i) {
            failures.extend(pending.pop().map(|(_, f)| f));
        }
        let result = if dry_run == Some(" (dry run)") {
            cluster.api().get(*kind, ns, name)
        } else {
            cluster
                .api_mut()
                .delete(&Actor::kubectl(), *kind, ns, name, &opts)
        };
        match result {
            Ok(obj) => {
                let info = kind.info();
                let resource = crate::printers::kind_name(*kind);
                if output == "name" {
                    out.stdout.push_str(&format!("{resource}/{name}\n"));
                } else {
                    let verb = if immediate {
                        "force deleted"
                    } else {
                        "deleted"
                    };
                    let scope = if info.namespaced {
                        format!(" from {} namespace", obj.metadata().namespace)
                    } else {
                        String::new()
                    };
                    out.stdout.push_str(&format!(
                        "{resource} {} {verb}{scope}{}\n",
                        errors::go_quote(name),
                        dry_run.unwrap_or("")
                    ));
                }
                deleted.push((
                    *kind,
                    ns.clone(),
                    name.clone(),
                    obj.metadata().uid.to_string(),
                ));
            }
            Err(status) if status.reason == StatusReason::NotFound && ignore_not_found => {}
            Err(status) => match sources.get(i) {
                Some(source) => {
                    let mut s = status.clone();
                    s.message = format!(
                        "error when deleting {}: {}",
                        errors::go_quote(source),
                        s.message
                    );
                    failures.push(Failure::Server(s));
                }
                None => errs.push(errors::status_text(&status)),
            },
        }
    }
    failures.extend(pending.into_iter().rev().map(|(_, f)| f));
    if from_files && !failures.is_empty() {
        let text = manifest::render_failures(&failures);
        errs.push(text.trim_end_matches('\n').to_string());
    }
    if targets.is_empty() && errs.is_empty() && (all || by_selector) {
        out.stdout.push_str("No resources found\n");
    }
    if dry_run.is_none() {
        cluster.settle();
        let wait = !parsed.changed("wait") || parsed.bool("wait");
        if wait && !immediate {
            wait_until_gone(cluster, &deleted);
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

/// `--wait`: moves the clock a second at a time until every deleted object (by uid) is gone.
fn wait_until_gone(cluster: &mut Cluster, deleted: &[(Kind, String, String, String)]) {
    let still_there = |cluster: &Cluster| {
        deleted.iter().any(|(kind, ns, name, uid)| {
            cluster
                .api()
                .get_ref(*kind, ns, name)
                .is_some_and(|o| o.metadata().uid == *uid)
        })
    };
    let mut waited = 0;
    while still_there(cluster) && waited < WAIT_LIMIT_SECONDS {
        cluster.advance(sim::Duration::seconds(1));
        waited += 1;
    }
}
