//! `kubectl drain NODE`: cordon the node, then evict (or delete) its pods through the Eviction
//! subresource and wait — on the virtual clock — until they are gone. Upstream's pod filters
//! (DaemonSet-managed, mirror, local storage, unreplicated), its warnings and its aggregated
//! "unable to drain node" errors.

use crate::generators::cli::{Cmd, Flag, Kind as FlagKind, flag, optional, short};
use crate::{Output, errors};
use serde_json::json;
use sim::api::Pod;
use sim::apiserver::admission::MIRROR_POD_ANNOTATION;
use sim::{
    Actor, Cluster, DeleteOptions, Duration, Kind, ListOptions, Object, Patch, WriteOptions,
};

const FLAGS: &[Flag] = &[
    flag("ignore-daemonsets", FlagKind::Bool),
    flag("delete-emptydir-data", FlagKind::Bool),
    flag("delete-local-data", FlagKind::Bool),
    flag("force", FlagKind::Bool),
    flag("grace-period", FlagKind::Int),
    flag("timeout", FlagKind::String),
    flag("pod-selector", FlagKind::String),
    short("selector", 'l', FlagKind::String),
    flag("disable-eviction", FlagKind::Bool),
    flag("skip-wait-for-delete-timeout", FlagKind::Int),
    flag("chunk-size", FlagKind::Int),
    optional("dry-run", "unchanged"),
];

const CMD: Cmd = Cmd {
    path: "kubectl drain",
};

/// How long drain waits when `--timeout` is 0 (upstream: forever).
/// Simplification: the playground stops waiting after an hour of virtual time.
const FOREVER_SECS: u64 = 3600;

pub fn help() -> String {
    "Empty a node before maintenance: mark it unschedulable, then evict its pods.\n\
     \n\
     Pods run by a ReplicaSet, Deployment or Job are evicted and recreated elsewhere by\n\
     their controller. drain refuses to go on when the node runs pods it cannot safely\n\
     remove: DaemonSet pods (--ignore-daemonsets leaves them in place), pods with an\n\
     emptyDir volume (--delete-emptydir-data loses that data) and bare pods no controller\n\
     would recreate (--force deletes them for good). Static pods are left alone.\n\
     Each evicted pod gets its grace period to stop; drain waits until all are gone.\n\
     Run 'kubectl uncordon NODE' afterwards to let pods back onto the node.\n\
     \n\
     Examples:\n\
     \x20 # Drain a worker, leaving its DaemonSet pods in place\n\
     \x20 kubectl drain timonel-worker --ignore-daemonsets\n\
     \n\
     \x20 # Give up after two minutes\n\
     \x20 kubectl drain timonel-worker --ignore-daemonsets --timeout=2m\n\
     \n\
     Options:\n\
     \x20   --delete-emptydir-data=false: Go on even when pods use emptyDir volumes.\n\
     \x20   --disable-eviction=false: Delete pods instead of evicting them.\n\
     \x20   --dry-run='none': Only print what would be evicted (client or server).\n\
     \x20   --force=false: Also delete pods no controller manages.\n\
     \x20   --grace-period=-1: Seconds each pod gets to stop; negative uses the pod's own.\n\
     \x20   --ignore-daemonsets=false: Leave DaemonSet-managed pods on the node.\n\
     \x20   --pod-selector='': Only evict the pods matching this label selector.\n\
     \x20   -l, --selector='': Drain the nodes matching this label selector.\n\
     \x20   --timeout=0s: How long to wait before giving up; 0 waits as long as it takes.\n\
     \n\
     Usage:\n\
     \x20 kubectl drain NODE [options]\n"
        .to_string()
}

/// Parses a Go duration like `90s`, `2m`, `1h30m`, `0`.
fn parse_duration(s: &str) -> Option<u64> {
    if s == "0" {
        return Some(0);
    }
    let mut total = 0f64;
    let mut num = String::new();
    let mut chars = s.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() || c == '.' {
            num.push(c);
            continue;
        }
        let mut unit = c.to_string();
        if c == 'm' && chars.peek() == Some(&'s') {
            unit.push('s');
            chars.next();
        }
        let n: f64 = num.parse().ok()?;
        num.clear();
        total += n * match unit.as_str() {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 0.001,
            _ => return None,
        };
        any = true;
    }
    if !num.is_empty() || !any {
        return None;
    }
    Some(total.ceil() as u64)
}

/// What drain decides for one pod (upstream `PodDeleteStatus`).
enum Decision {
    Delete,
    Skip,
    Warn(bool, String),
    Fatal(String),
}

struct Options {
    ignore_daemonsets: bool,
    delete_emptydir: bool,
    force: bool,
}

/// upstream's filters, in its order; a filter that keeps the pod stops the chain, and the last
/// status seen is the pod's.
fn decide(cluster: &Cluster, pod: &Pod, o: &Options) -> Decision {
    let terminal = pod.is_terminal();
    let controller = pod
        .metadata
        .owner_references
        .iter()
        .find(|r| r.controller == Some(true));
    let mut status = Decision::Delete;
    // daemonSetFilter
    if let Some(c) = controller.filter(|c| c.kind == "DaemonSet")
        && !terminal
    {
        let exists = cluster
            .api()
            .get_ref(Kind::DaemonSet, &pod.metadata.namespace, &c.name)
            .is_some();
        if !exists {
            let message = format!("daemonsets.apps \"{}\" not found", c.name);
            if o.force {
                // upstream: an orphaned DaemonSet pod is deleted with a warning under --force.
                status = Decision::Warn(true, message);
            } else {
                return Decision::Fatal(message);
            }
        } else if !o.ignore_daemonsets {
            return Decision::Fatal(
                "DaemonSet-managed Pods (use --ignore-daemonsets to ignore)".into(),
            );
        } else {
            return Decision::Warn(false, "ignoring DaemonSet-managed Pods".into());
        }
    }
    // mirrorPodFilter
    if pod.metadata.annotations.contains_key(MIRROR_POD_ANNOTATION) {
        return Decision::Skip;
    }
    // localStorageFilter
    let local = pod
        .spec
        .volumes
        .iter()
        .any(|v| v.source.contains_key("emptyDir"));
    if local && !terminal {
        if !o.delete_emptydir {
            return Decision::Fatal(
                "Pods with local storage (use --delete-emptydir-data to override)".into(),
            );
        }
        status = Decision::Warn(true, "deleting Pods with local storage".into());
    }
    // unreplicatedFilter
    if !terminal && controller.is_none() {
        if !o.force {
            return Decision::Fatal("Pods declare no controller (use --force to override)".into());
        }
        status = Decision::Warn(true, "deleting Pods that declare no controller".into());
    }
    status
}

/// Groups `(message, pod)` pairs by message, in first-seen order.
fn grouped<'a>(items: impl Iterator<Item = (String, &'a str)>) -> Vec<(String, Vec<String>)> {
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for (message, pod) in items {
        match groups.iter_mut().find(|(m, _)| *m == message) {
            Some((_, pods)) => pods.push(pod.to_string()),
            None => groups.push((message, vec![pod.to_string()])),
        }
    }
    groups
}

/// utilerrors' aggregate text: one message alone, several in brackets.
fn aggregate(errs: &[String]) -> String {
    if errs.len() == 1 {
        errs[0].clone()
    } else {
        format!("[{}]", errs.join(", "))
    }
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
    let timeout = match parsed.string("timeout") {
        None => 0,
        Some(t) => match parse_duration(t) {
            Some(secs) => secs,
            None => {
                return CMD.flag_error(&format!(
                    "invalid argument \"{t}\" for \"--timeout\" flag: time: invalid duration \"{t}\""
                ));
            }
        },
    };
    let selector = parsed.string_or_empty("selector").to_string();
    if parsed.args.is_empty() && selector.is_empty() {
        return CMD.usage_error("USAGE: drain NODE [flags]");
    }
    let options = Options {
        ignore_daemonsets: parsed.bool("ignore-daemonsets"),
        delete_emptydir: parsed.bool("delete-emptydir-data") || parsed.bool("delete-local-data"),
        force: parsed.bool("force"),
    };
    let grace = parsed.int("grace-period").filter(|g| *g >= 0);
    let pod_selector = parsed.string_or_empty("pod-selector").to_string();
    let use_eviction = !parsed.bool("disable-eviction");
    let mut out = Output::default();
    if parsed.bool("delete-local-data") {
        out.stderr.push_str("Flag --delete-local-data has been deprecated, This option is deprecated and will be deleted. Use --delete-emptydir-data.\n");
    }

    // The nodes, as the builder finds them.
    let nodes: Vec<String> = if !selector.is_empty() {
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
        let mut names = Vec::new();
        for name in &parsed.args {
            let name = name
                .strip_prefix("node/")
                .or_else(|| name.strip_prefix("nodes/"))
                .unwrap_or(name);
            match cluster.api().get(Kind::Node, "", name) {
                Ok(_) => names.push(name.to_string()),
                Err(status) => {
                    out.stderr.push_str(&errors::status_text(&status));
                    out.stderr.push('\n');
                    out.exit_code = 1;
                    return out;
                }
            }
        }
        names
    };
    let suffix = match dry_run {
        Some("client") => " (dry run)",
        Some(_) => " (server dry run)",
        None => "",
    };

    // Cordon them all first.
    for name in &nodes {
        let unschedulable = matches!(
            cluster.api().get_ref(Kind::Node, "", name),
            Some(Object::Node(n)) if n.is_unschedulable()
        );
        if unschedulable {
            out.stdout
                .push_str(&format!("node/{name} already cordoned{suffix}\n"));
            continue;
        }
        if dry_run != Some("client") {
            let patch = Patch::merge(json!({ "spec": { "unschedulable": true } }));
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
                return out;
            }
        }
        out.stdout
            .push_str(&format!("node/{name} cordoned{suffix}\n"));
    }
    cluster.settle();

    let mut fatal: Vec<String> = Vec::new();
    let mut remaining: Vec<String> = Vec::new();
    for name in &nodes {
        match drain_node(
            cluster,
            name,
            &options,
            &pod_selector,
            grace,
            timeout,
            use_eviction,
            dry_run,
            &mut out,
        ) {
            Ok(()) => out
                .stdout
                .push_str(&format!("node/{name} drained{suffix}\n")),
            Err(err) => {
                out.stderr.push_str(&format!(
                    "error: unable to drain node \"{name}\" due to error: {err}, continuing command...\n"
                ));
                fatal.push(err);
                remaining.push(name.clone());
            }
        }
    }
    if !remaining.is_empty() {
        out.stderr
            .push_str("There are pending nodes to be drained:\n");
        for n in &remaining {
            out.stderr.push_str(&format!(" {n}\n"));
        }
        out.stderr
            .push_str(&format!("error: {}\n", aggregate(&fatal)));
        out.exit_code = 1;
    }
    out
}

/// The pods on `node` matching `pod_selector`, in list order.
fn pods_on(cluster: &Cluster, node: &str, pod_selector: &str) -> Result<Vec<Pod>, String> {
    let opts = ListOptions::labels(pod_selector);
    let list = cluster
        .api()
        .list(Kind::Pod, None, &opts)
        .map_err(|s| errors::status_text(&s))?;
    Ok(list
        .items
        .into_iter()
        .filter_map(|o| match o {
            Object::Pod(p) if p.node_name() == Some(node) => Some(*p),
            _ => None,
        })
        .collect())
}

#[allow(clippy::too_many_arguments)]
fn drain_node(
    cluster: &mut Cluster,
    node: &str,
    options: &Options,
    pod_selector: &str,
    grace: Option<i64>,
    timeout: u64,
    use_eviction: bool,
    dry_run: Option<&str>,
    out: &mut Output,
) -> Result<(), String> {
    let pods = pods_on(cluster, node, pod_selector)?;
    let mut to_delete: Vec<Pod> = Vec::new();
    let mut errs: Vec<(String, String)> = Vec::new();
    let mut warnings: Vec<(String, String)> = Vec::new();
    for pod in pods {
        let id = format!("{}/{}", pod.metadata.namespace, pod.metadata.name);
        match decide(cluster, &pod, options) {
            Decision::Delete => to_delete.push(pod),
            Decision::Skip => {}
            Decision::Warn(delete, message) => {
                warnings.push((message, id));
                if delete {
                    to_delete.push(pod);
                }
            }
            Decision::Fatal(message) => errs.push((message, id)),
        }
    }
    if !errs.is_empty() {
        let messages: Vec<String> = grouped(errs.iter().map(|(m, p)| (m.clone(), p.as_str())))
            .into_iter()
            .map(|(m, pods)| format!("cannot delete {m}: {}", pods.join(", ")))
            .collect();
        return Err(aggregate(&messages));
    }
    if !warnings.is_empty() {
        let text: Vec<String> = grouped(warnings.iter().map(|(m, p)| (m.clone(), p.as_str())))
            .into_iter()
            .map(|(m, pods)| format!("{m}: {}", pods.join(", ")))
            .collect();
        out.stderr
            .push_str(&format!("Warning: {}\n", text.join("; ")));
    }
    if dry_run == Some("client") {
        for p in &to_delete {
            out.stdout.push_str(&format!(
                "evicting pod {}/{} (dry run)\n",
                p.metadata.namespace, p.metadata.name
            ));
        }
        return Ok(());
    }
    let opts = DeleteOptions {
        grace_period_seconds: grace,
        dry_run: dry_run.is_some(),
        ..DeleteOptions::default()
    };
    let mut waiting: Vec<&Pod> = Vec::new();
    let verb = if use_eviction { "evicted" } else { "deleted" };
    let limit = if timeout == 0 { FOREVER_SECS } else { timeout };
    let mut waited = 0;
    // Pods a disruption budget refused for now: upstream retries each every 5 s until the
    // global timeout.
    let mut pending: Vec<&Pod> = to_delete.iter().collect();
    let mut refused: Vec<String> = Vec::new();
    loop {
        let mut retry: Vec<&Pod> = Vec::new();
        for p in pending {
            let (ns, name) = (&p.metadata.namespace, &p.metadata.name);
            let result = if use_eviction {
                if dry_run.is_some() {
                    out.stdout
                        .push_str(&format!("evicting pod {ns}/{name} (server dry run)\n"));
                } else {
                    out.stdout.push_str(&format!("evicting pod {ns}/{name}\n"));
                }
                if waited >= limit {
                    refused.push(format!(
                        "error when evicting pods/\"{name}\" -n \"{ns}\": global timeout reached: {}",
                        go_duration(limit)
                    ));
                    continue;
                }
                cluster.api_mut().evict(&Actor::kubectl(), ns, name, &opts)
            } else {
                cluster
                    .api_mut()
                    .delete(&Actor::kubectl(), Kind::Pod, ns, name, &opts)
            };
            match result {
                Ok(_) => waiting.push(p),
                Err(status) if status.reason == sim::StatusReason::NotFound => {}
                Err(status) => {
                    let e = server_message(&status);
                    if use_eviction && status.reason == sim::StatusReason::TooManyRequests {
                        out.stderr.push_str(&format!(
                            "error when evicting pods/\"{name}\" -n \"{ns}\" (will retry after 5s): {e}\n"
                        ));
                        retry.push(p);
                        continue;
                    }
                    return Err(format!(
                        "error when evicting pods/\"{name}\" -n \"{ns}\": {e}"
                    ));
                }
            }
        }
        if retry.is_empty() || dry_run.is_some() {
            break;
        }
        // Five seconds pass; evicted pods that finish meanwhile are reported as they go.
        for _ in 0..5 {
            cluster.advance(Duration::seconds(1));
            waited += 1;
            report_gone(cluster, &mut waiting, verb, out);
        }
        pending = retry;
    }
    if dry_run.is_some() {
        return Ok(());
    }
    // Wait on the virtual clock for each pod to be gone (or replaced by a new pod of the
    // same name), one second at a time, as upstream polls.
    loop {
        cluster.settle();
        report_gone(cluster, &mut waiting, verb, out);
        if waiting.is_empty() || waited >= limit {
            break;
        }
        cluster.advance(Duration::seconds(1));
        waited += 1;
    }
    if !refused.is_empty() {
        return Err(pending_pods(
            cluster,
            node,
            options,
            pod_selector,
            &refused,
            out,
        ));
    }
    if waiting.is_empty() {
        return Ok(());
    }
    out.stderr.push_str(&format!(
        "There are pending pods in node \"{node}\" when an error occurred: drain did not complete within {}\n",
        go_duration(timeout)
    ));
    for p in &waiting {
        out.stderr.push_str(&format!("pod/{}\n", p.metadata.name));
    }
    Err(format!(
        "drain did not complete within {}",
        go_duration(timeout)
    ))
}

/// The message of a failed request without kubectl's `Error from server (Reason): ` prefix.
fn server_message(status: &sim::Status) -> String {
    let e = errors::status_text(status);
    e.strip_prefix("Error from server ")
        .and_then(|rest| rest.split_once(": "))
        .map_or(e.clone(), |(_, m)| m.to_string())
}

/// Reports (and forgets) the pods of `waiting` that are gone or replaced by a new pod of the
/// same name.
fn report_gone(cluster: &Cluster, waiting: &mut Vec<&Pod>, verb: &str, out: &mut Output) {
    waiting.retain(|p| {
        let gone = match cluster
            .api()
            .get_ref(Kind::Pod, &p.metadata.namespace, &p.metadata.name)
        {
            None => true,
            Some(o) => o.metadata().uid != p.metadata.uid,
        };
        if gone {
            out.stdout
                .push_str(&format!("pod/{} {verb}\n", p.metadata.name));
        }
        !gone
    });
}

/// `deleteOrEvictPodsSimple` after a failure: the pods still on the node, and the aggregated
/// error.
fn pending_pods(
    cluster: &Cluster,
    node: &str,
    options: &Options,
    pod_selector: &str,
    errors: &[String],
    out: &mut Output,
) -> String {
    let err = aggregate(errors);
    // `GetPodsForDeletion` again: what drain would still delete there.
    let left = pods_on(cluster, node, pod_selector).unwrap_or_default();
    let left: Vec<&Pod> = left
        .iter()
        .filter(|p| {
            matches!(
                decide(cluster, p, options),
                Decision::Delete | Decision::Warn(true, _)
            )
        })
        .collect();
    if !left.is_empty() {
        out.stderr.push_str(&format!(
            "There are pending pods in node \"{node}\" when an error occurred: {err}\n"
        ));
        for p in left {
            out.stderr.push_str(&format!("pod/{}\n", p.metadata.name));
        }
    }
    err
}

/// Go's `time.Duration.String` for whole seconds.
fn go_duration(secs: u64) -> String {
    let (h, m, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    if h > 0 {
        format!("{h}h{m}m{s}s")
    } else if m > 0 {
        format!("{m}m{s}s")
    } else {
        format!("{s}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations_parse_and_print() {
        assert_eq!(parse_duration("90s"), Some(90));
        assert_eq!(parse_duration("1h30m"), Some(5400));
        assert_eq!(parse_duration("x"), None);
        assert_eq!(go_duration(90), "1m30s");
        assert_eq!(go_duration(20), "20s");
    }
}
