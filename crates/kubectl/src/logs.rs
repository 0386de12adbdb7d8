//! `kubectl logs`: what containers wrote, from the api-server's log subresource
//! (`Cluster::container_logs`), with kubectl's container defaulting, pod picking for
//! `TYPE/NAME`, selectors, `--previous`, `--tail`, `--since`, `--timestamps`, `--prefix` and
//! `-f` (which moves the virtual clock).

use crate::Output;
use crate::errors::status_output;
use crate::generators::cli::{Cmd, Flag, Kind as FlagKind, flag, short};
use sim::api::Pod;
use sim::kubelet::LogLine;
use sim::labels::Selector;
use sim::{Cluster, Kind, ListOptions, Object, Time};

const CMD: Cmd = Cmd {
    path: "kubectl logs",
};

const FLAGS: &[Flag] = &[
    flag("all-containers", FlagKind::Bool),
    flag("all-pods", FlagKind::Bool),
    short("container", 'c', FlagKind::String),
    short("follow", 'f', FlagKind::Bool),
    flag("ignore-errors", FlagKind::Bool),
    flag("insecure-skip-tls-verify-backend", FlagKind::Bool),
    flag("limit-bytes", FlagKind::Int),
    flag("max-log-requests", FlagKind::Int),
    flag("pod-running-timeout", FlagKind::String),
    flag("prefix", FlagKind::Bool),
    short("previous", 'p', FlagKind::Bool),
    short("selector", 'l', FlagKind::String),
    flag("since", FlagKind::String),
    flag("since-time", FlagKind::String),
    flag("tail", FlagKind::Int),
    flag("timestamps", FlagKind::Bool),
];

/// How long `logs -f` follows when nothing else ends it.
// Simplification: a terminal's `logs -f` runs until Ctrl-C or until the container stops; a
// playground command must end, so, like `get -w`, it stops once a 10 s window of virtual time
// brought no new line, or after 120 s.
const FOLLOW_LIMIT_SECONDS: u64 = 120;
const FOLLOW_QUIET_SECONDS: u64 = 10;

/// Go's `time.ParseDuration`, in milliseconds (negative allowed); the error is Go's text.
pub fn go_duration_ms(text: &str) -> Result<i64, String> {
    let invalid = || format!("time: invalid duration \"{text}\"");
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
    let mut total = 0f64;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if num_len == 0 {
            return Err(invalid());
        }
        let value: f64 = rest[..num_len].parse().map_err(|_| invalid())?;
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        let factor = match unit {
            "" => return Err(format!("time: missing unit in duration \"{text}\"")),
            "ns" => 1e-6,
            "us" | "µs" | "μs" => 1e-3,
            "ms" => 1.0,
            "s" => 1000.0,
            "m" => 60_000.0,
            "h" => 3_600_000.0,
            other => {
                return Err(format!(
                    "time: unknown unit \"{other}\" in duration \"{text}\""
                ));
            }
        };
        total += value * factor;
    }
    let ms = total.min(9.2e15) as i64;
    Ok(if negative { -ms } else { ms })
}

/// `podutils.ByLogging`: the pod kubectl picks to show the logs of a workload.
pub(crate) fn sort_by_logging(pods: &mut [Pod]) {
    fn rank(p: &Pod) -> (u8, u8, u8, String, std::cmp::Reverse<i32>, String) {
        let assigned = u8::from(p.node_name().is_none());
        let phase = match p.phase() {
            "Running" => 0,
            "Unknown" => 1,
            "Pending" => 2,
            _ => 3,
        };
        let ready = u8::from(!p.is_ready());
        let restarts = p
            .status
            .as_ref()
            .map(|s| {
                s.container_statuses
                    .iter()
                    .map(|c| c.restart_count)
                    .max()
                    .unwrap_or(0)
            })
            .unwrap_or(0);
        // Ready for longer first.
        let ready_since = p
            .condition("Ready")
            .filter(|_| p.is_ready())
            .and_then(|c| c.last_transition_time.as_deref())
            .unwrap_or_default()
            .to_string();
        let created = p.metadata.creation_timestamp.clone().unwrap_or_default();
        (
            assigned,
            phase,
            ready,
            ready_since,
            std::cmp::Reverse(restarts),
            created.to_string(),
        )
    }
    pods.sort_by_key(rank);
}

/// The pods a `TYPE/NAME` argument stands for (a pod itself, or the pods its selector picks),
/// or kubectl's error. `Ok(None)` when the object exists but has no pod yet.
pub(crate) fn pods_for_object(
    cluster: &Cluster,
    namespace: &str,
    kind: Kind,
    name: &str,
    verb_error: &str,
) -> Result<Vec<Pod>, Output> {
    let object = match cluster.api().get(kind, namespace, name) {
        Ok(o) => o,
        Err(status) => return Err(Output::error(not_found_text(&status, namespace))),
    };
    let selector = match &object {
        Object::Pod(p) => return Ok(vec![(**p).clone()]),
        Object::Deployment(d) => Selector::from_label_selector(d.spec.selector.as_ref()),
        Object::ReplicaSet(r) => Selector::from_label_selector(r.spec.selector.as_ref()),
        Object::DaemonSet(d) => Selector::from_label_selector(d.spec.selector.as_ref()),
        Object::Service(s) => {
            if s.spec.selector.is_empty() {
                return Err(Output::error(format!(
                    "{verb_error} *v1.Service: invalid service '{name}': Service is defined without a selector"
                )));
            }
            Ok(Selector::from_map(&s.spec.selector))
        }
        other => {
            let k = other.kind().info().kind;
            return Err(Output::error(format!(
                "{verb_error} *v1.{k}: selector for *v1.{k} not implemented"
            )));
        }
    };
    let selector = selector.unwrap_or_else(|_| Selector::nothing());
    let mut pods: Vec<Pod> = cluster
        .api()
        .iter_as::<Pod>(Some(namespace))
        .filter(|p| selector.matches(&p.metadata.labels))
        .cloned()
        .collect();
    sort_by_logging(&mut pods);
    Ok(pods)
}

/// kubectl logs' wording of a NotFound from the builder.
fn not_found_text(status: &sim::Status, namespace: &str) -> String {
    if status.reason == sim::StatusReason::NotFound {
        format!(
            "error from server (NotFound): {} in namespace \"{namespace}\"",
            status.message
        )
    } else {
        crate::errors::status_text(status)
    }
}

/// `podcmd.AllContainerNames`.
pub(crate) fn all_container_names(pod: &Pod) -> String {
    pod.spec
        .init_containers
        .iter()
        .map(|c| format!("{} (init)", c.name))
        .chain(pod.spec.containers.iter().map(|c| c.name.to_string()))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) const DEFAULT_CONTAINER_ANNOTATION: &str = "kubectl.kubernetes.io/default-container";

fn has_container(pod: &Pod, name: &str) -> bool {
    pod.spec
        .containers
        .iter()
        .chain(&pod.spec.init_containers)
        .any(|c| c.name == name)
}

/// One stream to read: a pod's container.
#[derive(Clone, Debug)]
struct Source {
    pod: String,
    container: String,
}

/// `logsForPod`: the containers to read in one pod, with kubectl's notes on stderr.
fn sources_for_pod(
    pod: &Pod,
    container: &str,
    all_containers: bool,
    stderr: &mut String,
) -> Result<Vec<Source>, Output> {
    let name = pod.metadata.name.to_string();
    if all_containers {
        return Ok(pod
            .spec
            .init_containers
            .iter()
            .chain(&pod.spec.containers)
            .map(|c| Source {
                pod: name.to_string(),
                container: c.name.to_string(),
            })
            .collect());
    }
    let mut chosen = container.to_string();
    if chosen.is_empty()
        && let Some(default) = pod
            .metadata
            .annotations
            .get(DEFAULT_CONTAINER_ANNOTATION)
            .filter(|d| !d.is_empty())
    {
        if has_container(pod, default) {
            chosen = default.clone();
        } else {
            stderr.push_str(&format!(
                "Default container name \"{default}\" not found in pod {name}\n"
            ));
        }
    }
    if chosen.is_empty() {
        let Some(first) = pod.spec.containers.first() else {
            return Err(Output::error(format!("pod {name} has no containers")));
        };
        chosen = first.name.to_string();
        if pod.spec.containers.len() > 1 || !pod.spec.init_containers.is_empty() {
            stderr.push_str(&format!(
                "Defaulted container \"{chosen}\" out of: {}\n",
                all_container_names(pod)
            ));
        }
    }
    if !has_container(pod, &chosen) {
        return Err(Output::error(format!(
            "container {chosen} is not valid for pod {name}"
        )));
    }
    Ok(vec![Source {
        pod: name.to_string(),
        container: chosen,
    }])
}

struct Options {
    namespace: String,
    previous: bool,
    timestamps: bool,
    prefix: bool,
    tail: Option<usize>,
    since: Option<Time>,
    since_seconds: Option<u64>,
    limit_bytes: Option<usize>,
}

/// RFC 3339 with nanoseconds, fixed width, as the kubelet prints `--timestamps`.
fn timestamp(line: &LogLine, index: usize) -> String {
    let base = line.time.rfc3339();
    let secs = base.trim_end_matches('Z');
    // Sub-millisecond digits: stable per line (the virtual clock counts milliseconds).
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ index as u64;
    for b in line.text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{secs}.{:03}{:06}Z", line.time.0 % 1000, h % 1_000_000)
}

/// Reads one source with the server-side options (previous, since, tail).
fn read(cluster: &Cluster, source: &Source, o: &Options) -> Result<Vec<LogLine>, sim::Status> {
    let mut lines = cluster.container_logs(
        &o.namespace,
        &source.pod,
        Some(&source.container),
        o.previous,
    )?;
    if let Some(n) = o.tail {
        let skip = lines.len().saturating_sub(n);
        lines.drain(..skip);
    }
    let since = match (o.since, o.since_seconds) {
        (Some(t), _) => Some(t),
        (None, Some(s)) => Some(Time(cluster.now().0.saturating_sub(s * 1000))),
        _ => None,
    };
    if let Some(since) = since {
        lines.retain(|l| l.time >= since);
    }
    Ok(lines)
}

/// What one stream shows: the server's text (timestamps, `--limit-bytes` left of the stream's
/// byte budget), then kubectl's prefix on each line.
fn render(
    source: &Source,
    lines: &[LogLine],
    o: &Options,
    offset: usize,
    remaining: &mut Option<usize>,
) -> String {
    let mut raw = String::new();
    for (i, line) in lines.iter().enumerate() {
        if o.timestamps {
            raw.push_str(&timestamp(line, offset + i));
            raw.push(' ');
        }
        raw.push_str(&line.text);
        raw.push('\n');
    }
    if let Some(left) = remaining {
        let mut cut = (*left).min(raw.len());
        while !raw.is_char_boundary(cut) {
            cut -= 1;
        }
        raw.truncate(cut);
        *left -= cut;
    }
    if !o.prefix {
        return raw;
    }
    let prefix = format!("[pod/{}/{}] ", source.pod, source.container);
    raw.split_inclusive('\n')
        .map(|l| format!("{prefix}{l}"))
        .collect()
}

pub fn run(cluster: &mut Cluster, args: &[String]) -> Output {
    if crate::verb_help::requested(args) {
        return Output::ok(crate::verb_help::text("logs"));
    }
    let parsed = match CMD.parse(FLAGS, &[], args) {
        Ok(p) => p,
        Err(out) => return out,
    };
    let namespace = crate::get::namespace_of(&parsed);
    let selector = parsed.string_or_empty("selector").to_string();
    let mut container = parsed.string_or_empty("container").to_string();
    let positional = parsed.args.clone();
    let expected = || {
        Output::error(
            "expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\n\
             POD or TYPE/NAME is a required argument for the logs command\n\
             See 'kubectl logs -h' for help and examples",
        )
    };
    match positional.len() {
        0 if selector.is_empty() => return expected(),
        0 => {}
        1 if selector.is_empty() => {}
        1 => {
            return Output::error(
                "only a selector (-l) or a POD name is allowed\nSee 'kubectl logs -h' for help and examples",
            );
        }
        2 => {}
        _ => return expected(),
    }
    let container_flag = parsed.changed("container");
    if positional.len() == 2 && !container_flag {
        container = positional[1].clone();
    }
    let since_ms = match parsed.string("since") {
        Some(s) => match go_duration_ms(s) {
            Ok(ms) => ms,
            Err(e) => {
                return CMD.flag_error(&format!(
                    "invalid argument \"{s}\" for \"--since\" flag: {e}"
                ));
            }
        },
        None => 0,
    };
    let since_time_text = parsed.string_or_empty("since-time").to_string();
    let since_time = if since_time_text.is_empty() {
        None
    } else {
        match Time::parse_rfc3339(&since_time_text) {
            Some(t) => Some(t),
            // Before the cluster's epoch: every line is newer.
            None if since_time_text.len() >= 20
                && since_time_text.as_bytes().get(4) == Some(&b'-') =>
            {
                Some(Time::ZERO)
            }
            None => {
                return Output::error(format!(
                    "parsing time \"{since_time_text}\" as \"2006-01-02T15:04:05.999999999Z07:00\": cannot parse \"{since_time_text}\" as \"2006\""
                ));
            }
        }
    };
    // `Validate` runs once the pods are found (after the server's NotFound).
    let tail = parsed.int("tail").unwrap_or(-1);
    let limit_bytes = parsed.int("limit-bytes").unwrap_or(0);
    let max_requests = parsed.int("max-log-requests").unwrap_or(5);
    let all_containers = parsed.bool("all-containers");
    let since_seconds = (since_ms != 0).then(|| (since_ms as f64 / 1000.0).round() as i64);
    let validation = if since_time.is_some() && since_seconds.is_some() {
        Some("at most one of `sinceTime` or `sinceSeconds` may be specified".to_string())
    } else if all_containers && !container.is_empty() {
        Some(format!(
            "--all-containers=true should not be specified with container name {container}"
        ))
    } else if container_flag && positional.len() == 2 {
        Some("only one of -c or an inline [CONTAINER] arg is allowed".to_string())
    } else if limit_bytes < 0 {
        Some("--limit-bytes must be greater than 0".to_string())
    } else if since_seconds.is_some_and(|s| s < 0) {
        Some("--since must be greater than 0".to_string())
    } else if tail < -1 {
        Some("--tail must be greater than or equal to -1".to_string())
    } else {
        None
    };
    let follow = parsed.bool("follow");
    let all_pods = parsed.bool("all-pods");
    let mut options = Options {
        namespace: namespace.clone(),
        previous: parsed.bool("previous"),
        timestamps: parsed.bool("timestamps"),
        prefix: parsed.bool("prefix") || all_pods,
        tail: None,
        since: since_time,
        since_seconds: since_seconds.map(|s| s.max(0) as u64),
        limit_bytes: (limit_bytes > 0).then_some(limit_bytes as usize),
    };
    // With a selector, kubectl shows the last 10 lines of each container unless told.
    options.tail = if parsed.changed("tail") && tail >= 0 {
        Some(tail as usize)
    } else if !selector.is_empty() && !parsed.changed("tail") {
        Some(10)
    } else {
        None
    };

    let mut stderr = String::new();
    let pods: Vec<Pod> = if !selector.is_empty() {
        let found =
            match cluster
                .api()
                .list(Kind::Pod, Some(&namespace), &ListOptions::labels(&selector))
            {
                Ok(list) => list.items,
                Err(status) => return status_output(&status),
            };
        let pods: Vec<Pod> = found
            .into_iter()
            .filter_map(|o| match o {
                Object::Pod(p) => Some(*p),
                _ => None,
            })
            .collect();
        if pods.is_empty() {
            stderr.push_str(&format!("No resources found in {namespace} namespace.\n"));
        }
        pods
    } else {
        let target = &positional[0];
        let (kind, name) = match target.split_once('/') {
            Some((t, n)) => match crate::resources::kind_of(t) {
                Ok(k) => (k, n.to_string()),
                Err(out) => return out,
            },
            None => (Kind::Pod, target.clone()),
        };
        let mut pods =
            match pods_for_object(cluster, &namespace, kind, &name, "cannot get the logs from") {
                Ok(p) => p,
                Err(out) => return out,
            };
        if kind != Kind::Pod && pods.is_empty() {
            // GetFirstPod waits (--pod-running-timeout) for a pod to be created.
            for _ in 0..20 {
                cluster.advance(sim::Duration::seconds(1));
                pods = match pods_for_object(cluster, &namespace, kind, &name, "") {
                    Ok(p) => p,
                    Err(out) => return out,
                };
                if !pods.is_empty() {
                    break;
                }
            }
            if pods.is_empty() {
                return Output::error("timed out waiting for the condition");
            }
        }
        if kind != Kind::Pod && !all_pods {
            if pods.len() > 1 {
                stderr.push_str(&format!(
                    "Found {} pods, using pod/{}\n",
                    pods.len(),
                    pods[0].metadata.name
                ));
            }
            pods.truncate(1);
        }
        pods
    };

    if let Some(message) = validation {
        return Output {
            stderr: format!("{stderr}error: {message}\n"),
            exit_code: 1,
            ..Output::default()
        };
    }
    if max_requests < 1 && follow {
        return Output::error(format!(
            "you are attempting to follow 1 log streams, but maximum allowed concurrency is {max_requests}, use --max-log-requests to increase the limit"
        ));
    }
    let mut sources = Vec::new();
    for pod in &pods {
        match sources_for_pod(pod, &container, all_containers, &mut stderr) {
            Ok(s) => sources.extend(s),
            Err(mut out) => {
                out.stderr = stderr + &out.stderr;
                return out;
            }
        }
    }
    if follow && sources.len() > 1 && sources.len() as i64 > max_requests {
        return Output::error(format!(
            "you are attempting to follow {} log streams, but maximum allowed concurrency is {max_requests}, use --max-log-requests to increase the limit",
            sources.len()
        ));
    }

    let mut stdout = String::new();
    let mut printed: Vec<Vec<LogLine>> = Vec::new();
    let mut budgets: Vec<Option<usize>> = vec![options.limit_bytes; sources.len()];
    let ignore_errors = parsed.bool("ignore-errors");
    for (i, source) in sources.iter().enumerate() {
        match read(cluster, source, &options) {
            Ok(lines) => {
                stdout.push_str(&render(source, &lines, &options, 0, &mut budgets[i]));
                printed.push(lines);
            }
            Err(status) => {
                if ignore_errors {
                    // Reported in the output, and the next stream is read.
                    stdout.push_str(&format!("error: {}\n", status.message));
                    printed.push(Vec::new());
                    continue;
                }
                let err = status_output(&status);
                return finish(stdout, stderr + &err.stderr, 1);
            }
        }
    }
    if follow {
        stdout.push_str(&follow_sources(
            cluster,
            &sources,
            &options,
            &mut printed,
            &mut budgets,
        ));
    }
    finish(stdout, stderr, 0)
}

fn finish(stdout: String, stderr: String, exit_code: i32) -> Output {
    Output {
        stdout,
        stderr,
        exit_code,
    }
}

/// The run a stream belongs to: a container's current start time (a restart ends the stream).
fn run_id(cluster: &Cluster, namespace: &str, source: &Source) -> Option<String> {
    let pod = cluster.api().get_as::<Pod>(namespace, &source.pod).ok()?;
    let status = pod.status?;
    let c = status
        .container_statuses
        .iter()
        .chain(&status.init_container_statuses)
        .find(|c| c.name == source.container)?;
    let running = c.state.running.as_ref()?;
    running.started_at.clone().map(String::from)
}

/// `logs -f`: moves the virtual clock a second at a time and prints new lines as they come,
/// until every followed container has stopped, or nothing new came for a while.
fn follow_sources(
    cluster: &mut Cluster,
    sources: &[Source],
    o: &Options,
    printed: &mut [Vec<LogLine>],
    budgets: &mut [Option<usize>],
) -> String {
    let mut out = String::new();
    let runs: Vec<Option<String>> = sources
        .iter()
        .map(|s| run_id(cluster, &o.namespace, s))
        .collect();
    let mut open: Vec<bool> = runs.iter().map(Option::is_some).collect();
    if o.previous {
        // The previous run is over: nothing more comes.
        return out;
    }
    let follow_options = Options {
        tail: None,
        since: None,
        since_seconds: None,
        namespace: o.namespace.clone(),
        ..*o
    };
    let start = cluster.now();
    let mut since_fetch = 0;
    for _ in 0..FOLLOW_LIMIT_SECONDS {
        if !open.iter().any(|b| *b) {
            break;
        }
        cluster.advance(sim::Duration::seconds(1));
        since_fetch += 1;
        // Reading a container's output replays its command: read when a followed run ended,
        // or once per quiet window.
        let currents: Vec<Option<String>> = sources
            .iter()
            .map(|s| run_id(cluster, &o.namespace, s))
            .collect();
        let ended = (0..sources.len()).any(|i| open[i] && currents[i] != runs[i]);
        let window_done = since_fetch >= FOLLOW_QUIET_SECONDS;
        if !ended && !window_done {
            continue;
        }
        since_fetch = 0;
        let mut fresh: Vec<(Time, usize, String)> = Vec::new();
        for (i, source) in sources.iter().enumerate() {
            if !open[i] {
                continue;
            }
            let Some(seen) = printed.get_mut(i) else {
                continue;
            };
            let last = seen.last().map(|l| l.time);
            let current = currents[i].clone();
            // The stream of the run being followed ends with that run: read its last lines
            // from where they are kept now (`--previous` once it restarted).
            let lines = if current == runs[i] {
                read(cluster, source, &follow_options)
            } else {
                open[i] = false;
                let prev = Options {
                    previous: current.is_some(),
                    namespace: o.namespace.clone(),
                    ..follow_options
                };
                read(cluster, source, &prev)
            };
            let Ok(lines) = lines else {
                open[i] = false;
                continue;
            };
            let new: Vec<LogLine> = match last {
                // Nothing shown yet (`--tail=0`, `--since`): what came after following began.
                None => lines.into_iter().filter(|l| l.time > start).collect(),
                Some(t) => {
                    let same_time = seen.iter().filter(|l| l.time == t).count();
                    let mut at_t = 0;
                    lines
                        .into_iter()
                        .filter(|l| {
                            if l.time == t {
                                at_t += 1;
                                at_t > same_time
                            } else {
                                l.time > t
                            }
                        })
                        .collect()
                }
            };
            for l in &new {
                fresh.push((
                    l.time,
                    i,
                    render(
                        source,
                        std::slice::from_ref(l),
                        o,
                        seen.len(),
                        &mut budgets[i],
                    ),
                ));
            }
            seen.extend(new);
        }
        if fresh.is_empty() && window_done {
            break;
        }
        fresh.sort_by_key(|f| (f.0, f.1));
        for (_, _, text) in fresh {
            out.push_str(&text);
        }
    }
    out
}
