//! The kubelet's view of pods: the status it reports for containers it runs (image names as the
//! runtime resolves them, container IDs, conditions).

use crate::api::Condition;
use crate::api::pod::{
    ContainerState, ContainerStateRunning, ContainerStatus, IpEntry, Pod, PodStatus,
};
use crate::clock::Time;
use crate::rng::Rng;

/// The runtime's fully qualified image name: `nginx` → `docker.io/library/nginx:latest`.
pub fn normalize_image(image: &str) -> String {
    let (name, digest) = match image.split_once('@') {
        Some((n, d)) => (n, Some(d)),
        None => (image, None),
    };
    let mut parts: Vec<&str> = name.split('/').collect();
    let has_domain = parts.len() > 1
        && (parts[0].contains('.') || parts[0].contains(':') || parts[0] == "localhost");
    let mut out = String::new();
    if !has_domain {
        out.push_str("docker.io/");
        if parts.len() == 1 {
            out.push_str("library/");
        }
    }
    let last = parts.pop().unwrap_or("");
    for p in parts {
        out.push_str(p);
        out.push('/');
    }
    out.push_str(last);
    match digest {
        Some(d) => format!("{out}@{d}"),
        None if !last.contains(':') => format!("{out}:latest"),
        None => out,
    }
}

fn fnv1a64(data: &[u8], seed: u64) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64 ^ seed;
    for b in data {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// A stable fake `sha256:` digest for an image name (the same image always has the same ID).
pub fn image_digest(image: &str) -> String {
    let hex: String = (0..4)
        .map(|i| format!("{:016x}", fnv1a64(image.as_bytes(), i)))
        .collect();
    format!("sha256:{hex}")
}

/// `imageID` as containerd reports it: the repository with the digest.
pub fn image_id(image: &str) -> String {
    let full = normalize_image(image);
    let repo = match full.split_once('@') {
        Some((r, _)) => r.to_string(),
        None => {
            let slash = full.rfind('/').unwrap_or(0);
            match full[slash..].rfind(':') {
                Some(i) => full[..slash + i].to_string(),
                None => full.clone(),
            }
        }
    };
    format!("{repo}@{}", image_digest(&full))
}

/// A random containerd container ID.
pub fn container_id(rng: &mut Rng) -> String {
    let hex: String = (0..4).map(|_| format!("{:016x}", rng.next_u64())).collect();
    format!("containerd://{hex}")
}

fn condition(type_: &str, status: &str, at: &str) -> Condition {
    Condition {
        type_: type_.into(),
        status: status.into(),
        last_probe_time: None,
        last_transition_time: Some(at.into()),
        observed_generation: None,
        ..Default::default()
    }
}

/// The status of a pod whose containers all run and are ready.
pub fn running_status(
    pod: &Pod,
    host_ip: &str,
    pod_ip: &str,
    scheduled: Time,
    started: Time,
    rng: &mut Rng,
) -> PodStatus {
    let at = started.rfc3339();
    let sched = scheduled.rfc3339();
    let generation = pod.metadata.generation;
    let mut conditions = vec![
        condition("PodReadyToStartContainers", "True", &at),
        condition("Initialized", "True", &sched),
        condition("Ready", "True", &at),
        condition("ContainersReady", "True", &at),
        condition("PodScheduled", "True", &sched),
    ];
    for c in &mut conditions {
        c.observed_generation = generation;
    }
    let container_statuses = pod
        .spec
        .containers
        .iter()
        .map(|c| ContainerStatus {
            name: c.name.clone(),
            state: ContainerState {
                running: Some(ContainerStateRunning {
                    started_at: Some(at.clone()),
                }),
                ..Default::default()
            },
            last_state: ContainerState::default(),
            ready: true,
            restart_count: 0,
            image: normalize_image(&c.image),
            image_id: image_id(&c.image),
            container_id: Some(container_id(rng)),
            started: Some(true),
        })
        .collect();
    PodStatus {
        observed_generation: generation,
        phase: Some("Running".into()),
        conditions,
        host_ip: Some(host_ip.into()),
        host_ips: vec![IpEntry { ip: host_ip.into() }],
        pod_ip: Some(pod_ip.into()),
        pod_ips: vec![IpEntry { ip: pod_ip.into() }],
        start_time: Some(sched),
        container_statuses,
        qos_class: Some(pod.qos_class().into()),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_named_as_the_runtime_names_them() {
        assert_eq!(normalize_image("nginx"), "docker.io/library/nginx:latest");
        assert_eq!(
            normalize_image("nginx:1.27"),
            "docker.io/library/nginx:1.27"
        );
        assert_eq!(
            normalize_image("registry.k8s.io/etcd:3.6.4-0"),
            "registry.k8s.io/etcd:3.6.4-0"
        );
        assert_eq!(
            normalize_image("bitnami/redis"),
            "docker.io/bitnami/redis:latest"
        );
        assert!(image_id("nginx").starts_with("docker.io/library/nginx@sha256:"));
        assert_eq!(
            image_id("nginx"),
            image_id("docker.io/library/nginx:latest")
        );
    }
}

// ----- the pod lifecycle -----------------------------------------------------------------------

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::api::pod::ContainerStateWaiting;
use crate::api::{Node, Object};
use crate::apiserver::{Actor, ApiServer, DeleteOptions, EventType};
use crate::clock::Duration;
use crate::events;

/// Image pull speed of the simulated registry, in bytes per second.
pub const PULL_BYTES_PER_SECOND: u64 = 20_000_000;
/// Time to create the pod sandbox and start containers once images are present.
pub const START_DELAY: Duration = Duration::millis(1000);
/// Time a container takes to exit after SIGTERM.
///
/// Simplification: every container exits 1 s after SIGTERM (or at the end of a shorter grace
/// period); how a particular image reacts to signals is the containers issue.
pub const STOP_DELAY: Duration = Duration::millis(1000);

/// Compressed size of an image, for pull times and the `Pulled` event.
///
/// Simplification: a small table of well-known images; anything else counts as 50 MB.
pub fn image_size_bytes(image: &str) -> u64 {
    let full = normalize_image(image);
    let repo = full.rsplit('/').next().unwrap_or("");
    let name = repo.split([':', '@']).next().unwrap_or("");
    match name {
        "nginx" => 72_223_946,
        "busybox" => 2_155_185,
        "alpine" => 3_653_068,
        "redis" => 45_960_000,
        "postgres" => 158_000_000,
        "httpd" => 45_180_000,
        "pause" => 320_368,
        "hello-world" => 10_072,
        _ => 50_000_000,
    }
}

/// Go's `time.Duration.String` for durations under an hour.
pub fn go_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        return format!("{ms}ms");
    }
    let minutes = ms / 60_000;
    let secs = (ms % 60_000) as f64 / 1000.0;
    let s = format!("{secs:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if minutes > 0 {
        format!("{minutes}m{s}s")
    } else {
        format!("{s}s")
    }
}

type Key = (String, String);

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Task {
    /// Containers start (images pulled, sandbox ready).
    Start,
    /// Containers have stopped: remove the pod from the api-server.
    Remove,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Stage {
    Creating,
    Running,
    Stopping,
}

#[derive(Clone, Debug)]
struct PodWorker {
    uid: String,
    /// The pod IP this kubelet gave the pod, if any.
    ip: Option<String>,
    stage: Stage,
    /// Per container that pulled: (pull time, time including waiting for a shared pull).
    pulls: BTreeMap<String, (Duration, Duration)>,
}

/// One node's kubelet: its image cache and pod workers.
#[derive(Clone, Debug, Default)]
struct NodeAgent {
    /// Cached images and when each is (or will be) ready.
    images: BTreeMap<String, Time>,
    pods: BTreeMap<Key, PodWorker>,
    /// Pod IPs in use on this node.
    ips: BTreeSet<String>,
}

impl NodeAgent {
    /// The next free address of the node's pod CIDR (`10.244.N.0/24` → `10.244.N.2` …).
    fn allocate_ip(&mut self, pod_cidr: &str) -> String {
        let prefix = pod_cidr
            .split('/')
            .next()
            .unwrap_or("10.244.0.0")
            .rsplit_once('.')
            .map_or("10.244.0".to_string(), |(p, _)| p.to_string());
        for host in 2..255 {
            let ip = format!("{prefix}.{host}");
            if !self.ips.contains(&ip) {
                self.ips.insert(ip.clone());
                return ip;
            }
        }
        format!("{prefix}.254")
    }

    fn forget(&mut self, key: &Key) {
        if let Some(w) = self.pods.remove(key)
            && let Some(ip) = w.ip
        {
            self.ips.remove(&ip);
        }
    }
}

/// The kubelets of every node, driven by the watch log and the virtual clock.
///
/// Simplification: containers run until deleted and are ready as soon as they start: no probes,
/// exits, restarts or init containers yet (the containers issue); no node heartbeats or Lease.
#[derive(Clone, Debug, Default)]
pub struct Kubelets {
    cursor: u64,
    agents: BTreeMap<String, NodeAgent>,
    /// Which node's kubelet has a worker for each pod.
    placement: BTreeMap<Key, String>,
    timers: BTreeSet<(Time, String, Key, Task)>,
}

fn pod_key(p: &Pod) -> Key {
    (p.metadata.namespace.clone(), p.metadata.name.clone())
}

impl Kubelets {
    /// When the next timed step is due, if any.
    pub fn next_due(&self) -> Option<Time> {
        self.timers.iter().next().map(|t| t.0)
    }

    /// Whether the node's kubelet has the image cached.
    pub fn has_image(&self, node: &str, image: &str) -> bool {
        self.agents
            .get(node)
            .is_some_and(|a| a.images.contains_key(&normalize_image(image)))
    }

    pub fn sync(&mut self, api: &mut ApiServer) {
        let mut touched: BTreeSet<Key> = BTreeSet::new();
        match api.watch(self.cursor) {
            Ok(events) => {
                for e in events {
                    if let Object::Pod(p) = e.object.as_ref()
                        && (p.node_name().is_some() || e.type_ == EventType::Deleted)
                    {
                        touched.insert(pod_key(p));
                    }
                }
            }
            Err(_) => {
                for p in api.iter_as::<Pod>(None) {
                    touched.insert(pod_key(p));
                }
            }
        }
        self.cursor = api.resource_version();
        for key in touched {
            self.sync_pod(api, &key);
        }
        let now = api.now();
        while let Some(first) = self.timers.iter().next().cloned() {
            if first.0 > now {
                break;
            }
            self.timers.remove(&first);
            let (_, node, key, task) = first;
            self.run_task(api, &node, &key, task);
        }
        self.cursor = api.resource_version();
    }

    fn sync_pod(&mut self, api: &mut ApiServer, key: &Key) {
        let pod_obj = api.get_arc(crate::Kind::Pod, &key.0, &key.1);
        let pod = pod_obj
            .as_deref()
            .and_then(<Pod as crate::api::Resource>::from_object);
        // Forget workers of pods that are gone (or replaced by a new pod of the same name).
        if let Some(node) = self.placement.get(key).cloned()
            && let Some(agent) = self.agents.get_mut(&node)
        {
            let stale = agent
                .pods
                .get(key)
                .is_none_or(|w| pod.as_ref().is_none_or(|p| p.metadata.uid != w.uid));
            if stale {
                agent.forget(key);
                self.placement.remove(key);
            }
        }
        let (Some(pod), Some(stored)) = (pod, pod_obj.as_ref()) else {
            return;
        };
        let Some(node_name) = pod.node_name().map(str::to_string) else {
            return;
        };
        if api.get_ref(crate::Kind::Node, "", &node_name).is_none() {
            return;
        }
        let actor = Actor::kubelet(&node_name);
        self.placement.insert(key.clone(), node_name.clone());
        let agent = self.agents.entry(node_name.clone()).or_default();
        let worker = agent.pods.get(key).cloned();
        if pod.metadata.deletion_timestamp.is_some() {
            if worker.as_ref().is_some_and(|w| w.stage == Stage::Stopping) {
                return;
            }
            agent.pods.insert(
                key.clone(),
                PodWorker {
                    uid: pod.metadata.uid.clone(),
                    ip: worker.as_ref().and_then(|w| w.ip.clone()),
                    stage: Stage::Stopping,
                    pulls: BTreeMap::new(),
                },
            );
            let obj = Arc::clone(stored);
            if worker.is_some_and(|w| w.stage == Stage::Running) {
                for c in &pod.spec.containers {
                    events::record(
                        api,
                        &actor,
                        &obj,
                        &format!("spec.containers{{{}}}", c.name),
                        events::NORMAL,
                        "Killing",
                        &format!("Stopping container {}", c.name),
                    );
                }
            }
            let grace = pod
                .metadata
                .deletion_grace_period_seconds
                .unwrap_or(0)
                .max(0) as u64;
            let delay = Duration::seconds(grace).min(STOP_DELAY);
            self.timers
                .insert((api.now().plus(delay), node_name, key.clone(), Task::Remove));
            return;
        }
        if worker.is_some() || pod.is_terminal() {
            return;
        }
        if pod.phase() == "Running" {
            // Already running (e.g. started before this kubelet watched): adopt it.
            agent.pods.insert(
                key.clone(),
                PodWorker {
                    uid: pod.metadata.uid.clone(),
                    ip: pod.status.as_ref().and_then(|s| s.pod_ip.clone()),
                    stage: Stage::Running,
                    pulls: BTreeMap::new(),
                },
            );
            if pod.spec.host_network != Some(true)
                && let Some(ip) = pod.status.as_ref().and_then(|s| s.pod_ip.clone())
            {
                agent.ips.insert(ip);
            }
            let now = api.now();
            for c in &pod.spec.containers {
                agent.images.entry(normalize_image(&c.image)).or_insert(now);
            }
            return;
        }
        // ContainerCreating, while images are pulled.
        let now = api.now();
        let host_ip = api
            .get_ref(crate::Kind::Node, "", &node_name)
            .and_then(<Node as crate::api::Resource>::from_object)
            .and_then(|n| n.internal_ip().map(str::to_string))
            .unwrap_or_default();
        let mut updated = pod.clone();
        updated.status = Some(creating_status(pod, &host_ip, now));
        let obj = api
            .update_arc_with(&actor, Object::Pod(updated), true, &Default::default())
            .unwrap_or_else(|_| Arc::clone(stored));
        let mut ready_at = now;
        let mut pulls = BTreeMap::new();
        for c in &pod.spec.containers {
            let full = normalize_image(&c.image);
            let agent = self.agents.entry(node_name.clone()).or_default();
            let cached = agent.images.get(&full).copied();
            let policy = c.image_pull_policy.as_deref().unwrap_or("IfNotPresent");
            let field = format!("spec.containers{{{}}}", c.name);
            if cached.is_some_and(|t| t <= now) && policy != "Always" {
                events::record(
                    api,
                    &actor,
                    &obj,
                    &field,
                    events::NORMAL,
                    "Pulled",
                    &format!("Container image \"{}\" already present on machine", c.image),
                );
                continue;
            }
            // A pull of an image already on the node (or being pulled) only checks the digest,
            // after waiting for the pull in flight.
            let (pull, done) = match cached {
                Some(t) => {
                    let d = Duration::millis(400);
                    (d, t.max(now).plus(d))
                }
                None => {
                    let d = Duration::millis(
                        image_size_bytes(&c.image) * 1000 / PULL_BYTES_PER_SECOND + 200,
                    );
                    (d, now.plus(d))
                }
            };
            agent.images.entry(full).or_insert(done);
            pulls.insert(c.name.clone(), (pull, done.since(now)));
            ready_at = ready_at.max(done);
            events::record(
                api,
                &actor,
                &obj,
                &field,
                events::NORMAL,
                "Pulling",
                &format!("Pulling image \"{}\"", c.image),
            );
        }
        self.agents
            .entry(node_name.clone())
            .or_default()
            .pods
            .insert(
                key.clone(),
                PodWorker {
                    uid: pod.metadata.uid.clone(),
                    ip: None,
                    stage: Stage::Creating,
                    pulls,
                },
            );
        self.timers.insert((
            ready_at.plus(START_DELAY),
            node_name,
            key.clone(),
            Task::Start,
        ));
    }

    fn run_task(&mut self, api: &mut ApiServer, node: &str, key: &Key, task: Task) {
        let Some(obj) = api.get_arc(crate::Kind::Pod, &key.0, &key.1) else {
            return;
        };
        let Some(pod) = <Pod as crate::api::Resource>::from_object(&obj) else {
            return;
        };
        let Some(agent) = self.agents.get_mut(node) else {
            return;
        };
        let Some(worker) = agent.pods.get_mut(key) else {
            return;
        };
        if worker.uid != pod.metadata.uid {
            return;
        }
        let actor = Actor::kubelet(node);
        match task {
            Task::Start => {
                if worker.stage != Stage::Creating || pod.metadata.deletion_timestamp.is_some() {
                    return;
                }
                worker.stage = Stage::Running;
                let mut worker = worker.clone();
                if pod.spec.host_network != Some(true) {
                    let cidr = api
                        .get_ref(crate::Kind::Node, "", node)
                        .and_then(<Node as crate::api::Resource>::from_object)
                        .and_then(|n| n.spec.pod_cidr.clone())
                        .unwrap_or_else(|| "10.244.0.0/24".into());
                    let ip = agent.allocate_ip(&cidr);
                    if let Some(w) = agent.pods.get_mut(key) {
                        w.ip = Some(ip.clone());
                    }
                    worker.ip = Some(ip);
                }
                for c in &pod.spec.containers {
                    let field = format!("spec.containers{{{}}}", c.name);
                    if let Some((pull, waited)) = worker.pulls.get(&c.name).copied() {
                        let size = image_size_bytes(&c.image);
                        events::record(
                            api,
                            &actor,
                            &obj,
                            &field,
                            events::NORMAL,
                            "Pulled",
                            &format!(
                                "Successfully pulled image \"{}\" in {} ({} including waiting). Image size: {size} bytes.",
                                c.image,
                                go_duration(pull),
                                go_duration(waited)
                            ),
                        );
                    }
                    events::record(
                        api,
                        &actor,
                        &obj,
                        &field,
                        events::NORMAL,
                        "Created",
                        &format!("Created container: {}", c.name),
                    );
                    events::record(
                        api,
                        &actor,
                        &obj,
                        &field,
                        events::NORMAL,
                        "Started",
                        &format!("Started container {}", c.name),
                    );
                }
                let Ok(current) = api.get_as::<Pod>(&key.0, &key.1) else {
                    return;
                };
                let host_ip = api
                    .get_ref(crate::Kind::Node, "", node)
                    .and_then(<Node as crate::api::Resource>::from_object)
                    .and_then(|n| n.internal_ip().map(str::to_string))
                    .unwrap_or_default();
                let pod_ip = worker.ip.clone().unwrap_or_else(|| host_ip.clone());
                let scheduled = current
                    .status
                    .as_ref()
                    .and_then(|s| s.start_time.as_deref())
                    .and_then(Time::parse_rfc3339)
                    .unwrap_or(api.now());
                let now = api.now();
                let status = running_status(&current, &host_ip, &pod_ip, scheduled, now, api.rng());
                let mut updated = current;
                updated.status = Some(status);
                let _ =
                    api.update_arc_with(&actor, Object::Pod(updated), true, &Default::default());
            }
            Task::Remove => {
                agent.forget(key);
                self.placement.remove(key);
                let _ = api.delete(
                    &actor,
                    crate::Kind::Pod,
                    &key.0,
                    &key.1,
                    &DeleteOptions {
                        grace_period_seconds: Some(0),
                        ..Default::default()
                    },
                );
            }
        }
    }
}

/// The status a kubelet reports while it pulls images and creates containers.
pub fn creating_status(pod: &Pod, host_ip: &str, now: Time) -> PodStatus {
    let at = now.rfc3339();
    let names: Vec<&str> = pod
        .spec
        .containers
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    let unready = format!("containers with unready status: [{}]", names.join(" "));
    let generation = pod.metadata.generation;
    let mut conditions = vec![
        condition("PodReadyToStartContainers", "False", &at),
        condition("Initialized", "True", &at),
        condition("Ready", "False", &at),
        condition("ContainersReady", "False", &at),
    ];
    for c in conditions.iter_mut().filter(|c| c.type_.ends_with("Ready")) {
        if c.type_ != "PodReadyToStartContainers" {
            c.reason = Some("ContainersNotReady".into());
            c.message = Some(unready.clone());
        }
    }
    if let Some(s) = pod.condition("PodScheduled") {
        conditions.push(s.clone());
    }
    for c in &mut conditions {
        c.observed_generation = generation;
    }
    PodStatus {
        observed_generation: generation,
        phase: Some("Pending".into()),
        conditions,
        host_ip: Some(host_ip.into()),
        host_ips: vec![IpEntry { ip: host_ip.into() }],
        start_time: Some(at),
        container_statuses: pod
            .spec
            .containers
            .iter()
            .map(|c| ContainerStatus {
                name: c.name.clone(),
                state: ContainerState {
                    waiting: Some(ContainerStateWaiting {
                        reason: Some("ContainerCreating".into()),
                        message: None,
                    }),
                    ..Default::default()
                },
                last_state: ContainerState::default(),
                ready: false,
                restart_count: 0,
                image: c.image.clone(),
                image_id: String::new(),
                container_id: None,
                started: Some(false),
            })
            .collect(),
        qos_class: pod.status.as_ref().and_then(|s| s.qos_class.clone()),
        ..Default::default()
    }
}
