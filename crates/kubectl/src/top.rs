//! `kubectl top nodes|pods`: resource usage, as a metrics-server would report it.
//!
//! Simplification: kind ships no metrics-server, and the simulated containers use no CPU or
//! memory; Timonel plays a metrics-server here, as a read-only view over the cluster. A
//! container's usage is a steady value picked from its image (an idle nginx: 1–3m CPU, 2–10Mi),
//! varied per container by a hash of the pod's UID and the container's name (deterministic, and
//! the cluster's RNG is left untouched), and capped by its limits. A node uses the sum of its
//! pods plus a fixed overhead for the kubelet, containerd and the OS. Metrics appear once a pod
//! has been running for a minute (metrics-server scrapes and keeps windows).

use crate::Output;
use crate::generators::cli::{Cmd, Flag, Kind as FlagKind, flag, short};
use crate::printers::tabwriter;
use sim::api::Pod;
use sim::{Cluster, Kind, ListOptions, Object, Time};

/// How long a pod runs before metrics-server reports it, in milliseconds.
const METRICS_DELAY_MS: u64 = 60_000;
/// kubectl's `metricsCreationDelay`: past it, missing metrics are an error of their own.
const CREATION_DELAY_MS: u64 = 120_000;
const MI: i128 = 1024 * 1024;

const POD_FLAGS: &[Flag] = &[
    short("all-namespaces", 'A', FlagKind::Bool),
    short("selector", 'l', FlagKind::String),
    flag("field-selector", FlagKind::String),
    flag("containers", FlagKind::Bool),
    flag("sort-by", FlagKind::String),
    flag("no-headers", FlagKind::Bool),
    flag("sum", FlagKind::Bool),
    flag("use-protocol-buffers", FlagKind::Bool),
    flag("show-swap", FlagKind::Bool),
];

const NODE_FLAGS: &[Flag] = &[
    short("selector", 'l', FlagKind::String),
    flag("sort-by", FlagKind::String),
    flag("no-headers", FlagKind::Bool),
    flag("show-capacity", FlagKind::Bool),
    flag("use-protocol-buffers", FlagKind::Bool),
    flag("show-swap", FlagKind::Bool),
];

pub fn help() -> String {
    "Show how much CPU and memory nodes and pods are using right now.\n\
     \n\
     The numbers come from the cluster's metrics pipeline (in the playground, a simulated\n\
     metrics-server); a pod shows up about a minute after it starts running.\n\
     \n\
     Available Commands:\n\
     \x20 node          Usage of each node, and its share of what the node can allocate\n\
     \x20 pod           Usage of each pod (--containers: of each container)\n\
     \n\
     Usage:\n\
     \x20 kubectl top [flags] [options]\n"
        .to_string()
}

/// A pod's usage per container: (name, CPU millicores, memory bytes).
type Usage = Vec<(String, i128, i128)>;

/// FNV-1a, for stable per-container variation.
fn hash(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// (CPU millicores, memory MiB) ranges an idle container of this image uses.
fn profile(image: &str) -> ((i128, i128), (i128, i128)) {
    let name = image.rsplit('/').next().unwrap_or(image);
    let name = name.split([':', '@']).next().unwrap_or(name);
    match name {
        "nginx" | "httpd" => ((1, 3), (2, 10)),
        "kube-apiserver" => ((35, 60), (220, 300)),
        "etcd" => ((15, 30), (35, 60)),
        "kube-controller-manager" => ((10, 20), (40, 55)),
        "kube-scheduler" => ((2, 5), (18, 26)),
        "kube-proxy" => ((1, 2), (12, 20)),
        "coredns" => ((2, 4), (12, 18)),
        "redis" => ((2, 5), (3, 8)),
        "postgres" | "mysql" | "mariadb" => ((3, 8), (30, 90)),
        "busybox" | "alpine" | "pause" => ((0, 0), (0, 1)),
        _ => ((1, 5), (5, 20)),
    }
}

/// One container's usage: (CPU millicores, memory bytes).
fn container_usage(pod: &Pod, container: &sim::api::pod::Container) -> (i128, i128) {
    let h = hash(&[&pod.metadata.uid, &container.name]);
    let ((c0, c1), (m0, m1)) = profile(&container.image);
    let cpu = c0 + (h % 1000) as i128 * (c1 - c0 + 1) / 1000;
    let mem_bytes_lo = m0 * MI;
    let span = (m1 - m0) * MI;
    let mem = mem_bytes_lo + ((h >> 20) % 1_000_000) as i128 * span / 1_000_000;
    let limits = container.resources.as_ref().map(|r| &r.limits);
    let cap = |resource: &str, milli: bool, v: i128| -> i128 {
        let limit = limits
            .and_then(|l| l.get(resource))
            .and_then(|q| if milli { q.milli_value() } else { q.value() });
        match limit {
            Some(l) if l > 0 => v.min(l),
            _ => v,
        }
    };
    (cap("cpu", true, cpu), cap("memory", false, mem))
}

/// Whether metrics-server reports this pod yet.
fn has_metrics(pod: &Pod, now: Time) -> bool {
    pod.phase() == "Running"
        && pod
            .status
            .as_ref()
            .and_then(|s| s.start_time.as_deref())
            .and_then(Time::parse_rfc3339)
            .is_some_and(|t| now.0.saturating_sub(t.0) >= METRICS_DELAY_MS)
}

/// A pod's containers' usage, by container name.
fn pod_usage(pod: &Pod) -> Vec<(String, i128, i128)> {
    pod.spec
        .containers
        .iter()
        .map(|c| {
            let (cpu, mem) = container_usage(pod, c);
            (c.name.to_string(), cpu, mem)
        })
        .collect()
}

/// Node usage: its pods plus the node's own overhead.
fn node_usage(cluster: &Cluster, node: &str) -> (i128, i128) {
    let h = hash(&[node]);
    // kubelet, containerd, systemd and the kernel.
    let mut cpu = 40 + (h % 30) as i128;
    let mut mem = (350 + ((h >> 16) % 120) as i128) * MI;
    for obj in cluster.api().iter(Kind::Pod, None) {
        if let Object::Pod(p) = obj
            && p.node_name() == Some(node)
            && p.phase() == "Running"
        {
            for (_, c, m) in pod_usage(p) {
                cpu += c;
                mem += m;
            }
        }
    }
    (cpu, mem)
}

fn cpu_text(milli: i128) -> String {
    format!("{milli}m")
}

fn mem_text(bytes: i128) -> String {
    format!("{}Mi", bytes / MI)
}

pub fn run(cluster: &mut Cluster, args: &[String]) -> Output {
    let Some((sub, rest)) = args.split_first() else {
        // cobra's DefaultSubCommandRun: the help, on stderr, and exit status 1.
        return Output {
            stderr: help(),
            exit_code: 1,
            ..Output::default()
        };
    };
    match sub.as_str() {
        "-h" | "--help" => Output::ok(help()),
        "pod" | "pods" | "po" => pods(cluster, rest),
        "node" | "nodes" | "no" => nodes(cluster, rest),
        other => Output::error(format!(
            "unknown command \"{other}\"\nSee 'kubectl top -h' for help and examples"
        )),
    }
}

fn sort_by_ok(sort_by: &str) -> Result<(), Output> {
    if matches!(sort_by, "" | "cpu" | "memory") {
        Ok(())
    } else {
        Err(Output::error("--sort-by accepts only cpu or memory"))
    }
}

fn pods(cluster: &mut Cluster, args: &[String]) -> Output {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        return Output::ok(help());
    }
    let cmd = Cmd {
        path: "kubectl top pod",
    };
    let parsed = match cmd.parse(POD_FLAGS, &[], args) {
        Ok(p) => p,
        Err(out) => return out,
    };
    if parsed.args.len() > 1 {
        return cmd.usage_error("pod [NAME | -l label]");
    }
    let sort_by = parsed.string_or_empty("sort-by").to_string();
    if let Err(out) = sort_by_ok(&sort_by) {
        return out;
    }
    let all = parsed.bool("all-namespaces");
    let namespace = crate::get::namespace_of(&parsed);
    let selector = parsed.string_or_empty("selector").to_string();
    let name = parsed.args.first().cloned();
    if name.is_some() && !selector.is_empty() {
        return Output::error("only one of NAME or selector can be provided");
    }
    let now = cluster.now();
    let mut rows: Vec<(Pod, Usage)> = Vec::new();
    if let Some(name) = &name {
        let found = match cluster.api().get_ref(Kind::Pod, &namespace, name) {
            Some(Object::Pod(p)) if has_metrics(p, now) => Some(p.clone()),
            _ => None,
        };
        let Some(p) = found else {
            return Output {
                stderr: format!(
                    "Error from server (NotFound): podmetrics.metrics.k8s.io \"{namespace}/{name}\" not found\n"
                ),
                exit_code: 1,
                ..Output::default()
            };
        };
        let usage = pod_usage(&p);
        rows.push((*p, usage));
    } else {
        let opts = ListOptions::labels(&selector);
        let ns = (!all).then_some(namespace.as_str());
        let list = match cluster.api().list(Kind::Pod, ns, &opts) {
            Ok(l) => l.items,
            // kubectl parses the selector itself and reports the parser's message.
            Err(status) => return Output::error(&status.message),
        };
        let pods: Vec<Pod> = list
            .into_iter()
            .filter_map(|o| match o {
                Object::Pod(p) => Some(*p),
                _ => None,
            })
            .collect();
        for p in &pods {
            if has_metrics(p, now) {
                rows.push((p.clone(), pod_usage(p)));
            }
        }
        if rows.is_empty() {
            if pods.is_empty() {
                return Output {
                    stderr: if all {
                        "No resources found\n".into()
                    } else {
                        format!("No resources found in {namespace} namespace.\n")
                    },
                    ..Output::default()
                };
            }
            for p in &pods {
                let age = p
                    .metadata
                    .creation_timestamp
                    .as_deref()
                    .and_then(Time::parse_rfc3339)
                    .map_or(0, |t| now.0.saturating_sub(t.0));
                if age > CREATION_DELAY_MS {
                    return Output::error(format!(
                        "Metrics not available for pod {}/{}, age: {}",
                        p.metadata.namespace,
                        p.metadata.name,
                        go_duration_ms(age)
                    ));
                }
            }
            return Output::error("metrics not available yet");
        }
    }
    let total = |u: &[(String, i128, i128)]| -> (i128, i128) {
        u.iter().fold((0, 0), |(c, m), (_, a, b)| (c + a, m + b))
    };
    rows.sort_by(|(a, ua), (b, ub)| {
        let (ta, tb) = (total(ua), total(ub));
        let key = match sort_by.as_str() {
            "cpu" => tb.0.cmp(&ta.0),
            "memory" => tb.1.cmp(&ta.1),
            _ => std::cmp::Ordering::Equal,
        };
        key.then_with(|| {
            if all {
                a.metadata.namespace.cmp(&b.metadata.namespace)
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .then_with(|| a.metadata.name.cmp(&b.metadata.name))
    });
    let containers = parsed.bool("containers");
    let mut text = String::new();
    if !parsed.bool("no-headers") {
        if all {
            text.push_str("NAMESPACE\t");
        }
        if containers {
            text.push_str("POD\t");
        }
        text.push_str("NAME\tCPU(cores)\tMEMORY(bytes)\t\n");
    }
    let (mut sum_cpu, mut sum_mem) = (0, 0);
    for (p, usage) in &rows {
        let prefix = if all {
            format!("{}\t", p.metadata.namespace)
        } else {
            String::new()
        };
        if containers {
            let mut usage = usage.clone();
            usage.sort_by(|a, b| match sort_by.as_str() {
                "cpu" => b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)),
                "memory" => b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)),
                _ => std::cmp::Ordering::Equal,
            });
            for (c, cpu, mem) in usage {
                text.push_str(&format!(
                    "{prefix}{}\t{c}\t{}\t{}\t\n",
                    p.metadata.name,
                    cpu_text(cpu),
                    mem_text(mem)
                ));
            }
        } else {
            let (cpu, mem) = total(usage);
            text.push_str(&format!(
                "{prefix}{}\t{}\t{}\t\n",
                p.metadata.name,
                cpu_text(cpu),
                mem_text(mem)
            ));
        }
        let (c, m) = total(usage);
        sum_cpu += c;
        sum_mem += m;
    }
    if parsed.bool("sum") {
        // upstream counts the NAMESPACE and POD columns only when it printed headers.
        let extra = if parsed.bool("no-headers") {
            0
        } else {
            usize::from(all) + usize::from(containers)
        };
        let blank = "\t".repeat(extra + 1);
        let dashes = blank.clone();
        text.push_str(&format!("{dashes}________\t________\t\n"));
        text.push_str(&format!(
            "{blank}{}\t{}\t\n",
            cpu_text(sum_cpu),
            mem_text(sum_mem)
        ));
    }
    Output::ok(tabwriter::align(&text, 6, 3))
}

fn nodes(cluster: &mut Cluster, args: &[String]) -> Output {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        return Output::ok(help());
    }
    let cmd = Cmd {
        path: "kubectl top node",
    };
    let parsed = match cmd.parse(NODE_FLAGS, &[], args) {
        Ok(p) => p,
        Err(out) => return out,
    };
    if parsed.args.len() > 1 {
        return cmd.usage_error("node [NAME | -l label]");
    }
    let sort_by = parsed.string_or_empty("sort-by").to_string();
    if let Err(out) = sort_by_ok(&sort_by) {
        return out;
    }
    let selector = parsed.string_or_empty("selector").to_string();
    let mut nodes: Vec<sim::api::node::Node> = Vec::new();
    if let Some(name) = parsed.args.first() {
        if !selector.is_empty() {
            return Output::error("only one of NAME or --selector can be provided");
        }
        match cluster.api().get_ref(Kind::Node, "", name) {
            Some(Object::Node(n)) => nodes.push(*n.clone()),
            _ => {
                return Output {
                    stderr: format!(
                        "Error from server (NotFound): nodemetrics.metrics.k8s.io \"{name}\" not found\n"
                    ),
                    exit_code: 1,
                    ..Output::default()
                };
            }
        }
    } else {
        let opts = ListOptions::labels(&selector);
        match cluster.api().list(Kind::Node, None, &opts) {
            Ok(l) => {
                for o in l.items {
                    if let Object::Node(n) = o {
                        nodes.push(*n);
                    }
                }
            }
            // kubectl parses the selector itself and reports the parser's message.
            Err(status) => return Output::error(&status.message),
        }
        if nodes.is_empty() {
            return Output {
                stderr: "No resources found\n".into(),
                ..Output::default()
            };
        }
    }
    let capacity = parsed.bool("show-capacity");
    let mut rows: Vec<(String, i128, i128, i128, i128)> = nodes
        .iter()
        .map(|n| {
            let (cpu, mem) = node_usage(cluster, &n.metadata.name);
            let status = n.status.as_ref();
            let avail = |r: &str, milli: bool| -> i128 {
                status
                    .and_then(|s| {
                        if capacity {
                            s.capacity.get(r)
                        } else {
                            s.allocatable.get(r)
                        }
                    })
                    .and_then(|q| if milli { q.milli_value() } else { q.value() })
                    .unwrap_or(0)
            };
            (
                n.metadata.name.to_string(),
                cpu,
                mem,
                avail("cpu", true),
                avail("memory", false),
            )
        })
        .collect();
    rows.sort_by(|a, b| {
        match sort_by.as_str() {
            "cpu" => b.1.cmp(&a.1),
            "memory" => b.2.cmp(&a.2),
            _ => std::cmp::Ordering::Equal,
        }
        .then_with(|| a.0.cmp(&b.0))
    });
    let mut text = String::new();
    if !parsed.bool("no-headers") {
        text.push_str("NAME\tCPU(cores)\tCPU(%)\tMEMORY(bytes)\tMEMORY(%)\t\n");
    }
    let percent = |used: i128, avail: i128, milli: bool| -> String {
        if avail <= 0 {
            return "0%".into();
        }
        // kubectl divides milli-values as float64 and truncates.
        let used_milli = if milli { used } else { used * 1000 };
        let avail_milli = if milli { avail } else { avail * 1000 };
        format!(
            "{}%",
            (used_milli as f64 / avail_milli as f64 * 100.0) as i64
        )
    };
    for (name, cpu, mem, acpu, amem) in rows {
        text.push_str(&format!(
            "{name}\t{}\t{}\t{}\t{}\t\n",
            cpu_text(cpu),
            percent(cpu, acpu, true),
            mem_text(mem),
            percent(mem, amem, false)
        ));
    }
    Output::ok(tabwriter::align(&text, 6, 3))
}

/// Go's `time.Duration.String` for milliseconds (`2m30.5s`).
fn go_duration_ms(ms: u64) -> String {
    let secs = ms / 1000;
    let frac = ms % 1000;
    let s_part = if frac == 0 {
        format!("{}s", secs % 60)
    } else {
        let f = format!("{frac:03}");
        format!("{}.{}s", secs % 60, f.trim_end_matches('0'))
    };
    let (h, m) = (secs / 3600, secs % 3600 / 60);
    if h > 0 {
        format!("{h}h{m}m{s_part}")
    } else if m > 0 {
        format!("{m}m{s_part}")
    } else {
        s_part
    }
}
