//! Pod workers: the container lifecycle of every pod bound to a node (image pulls and their
//! back-off, init containers in order, starts, exits, restarts with the crash-loop back-off,
//! probes, graceful termination) and the pod status the kubelet reports for it.

use crate::api::Str;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::api::pod::{
    Container, ContainerState, ContainerStateRunning, ContainerStateTerminated,
    ContainerStateWaiting, ContainerStatus, IpEntry, Pod, PodStatus, Probe,
};
use crate::api::{Condition, Node, Object, Resource};
use crate::apiserver::{Actor, ApiServer, DeleteOptions, EventType};
use crate::clock::{Duration, Time};
use crate::events;

use super::image::{DefaultImages, ImageBehavior, Workload};
use super::probe::{self, ProbeKind};
use super::{
    PULL_BYTES_PER_SECOND, START_DELAY, STOP_DELAY, SYNC_DELAY, container_id, go_duration,
    image_id, image_size_bytes, normalize_image,
};

/// First crash-loop (and image pull) back-off.
pub const BACKOFF_INITIAL: Duration = Duration::seconds(10);
/// Longest back-off.
pub const BACKOFF_MAX: Duration = Duration::minutes(5);
/// Time a pull takes to fail (resolving the reference).
const PULL_FAIL_DELAY: Duration = Duration::millis(500);

/// The image behaviour the kubelets consult (shared, [`DefaultImages`] by default).
#[derive(Clone, Debug)]
pub struct Behavior(pub Arc<dyn ImageBehavior>);

impl Default for Behavior {
    fn default() -> Self {
        Behavior(Arc::new(DefaultImages))
    }
}

type Key = (String, String);

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Task {
    /// Something in the pod worker is due.
    Wake,
    /// Containers have stopped: remove the pod from the api-server.
    Remove,
}

/// `flowcontrol.Backoff` for one key: the current delay and when it was last stepped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Backoff {
    delay: Duration,
    updated: Time,
}

fn expired(b: &Backoff, now: Time) -> bool {
    now.since(b.updated).as_millis() > BACKOFF_MAX.as_millis() * 2
}

/// `Backoff.IsInBackOffSince(key, since)`: the back-off window counts from `since` (the
/// container's exit); an entry not stepped for 10 min before `since` has expired.
fn in_backoff_since(b: Option<&Backoff>, since: Time, now: Time) -> bool {
    b.is_some_and(|b| !expired(b, since) && now.since(since) < b.delay)
}

/// `Backoff.Next(key, now)`: 10 s, doubling up to 5 min, back to 10 s once expired.
fn next_backoff(b: &mut Option<Backoff>, now: Time) -> Duration {
    let delay = match b {
        Some(prev) if !expired(prev, now) => {
            Duration::millis((prev.delay.as_millis() * 2).min(BACKOFF_MAX.as_millis()))
        }
        _ => BACKOFF_INITIAL,
    };
    *b = Some(Backoff {
        delay,
        updated: now,
    });
    delay
}

#[derive(Clone, Debug, PartialEq)]
struct Term {
    code: i32,
    reason: Str,
    message: Option<Str>,
    started: Time,
    finished: Time,
    id: Str,
}

#[derive(Clone, Debug, PartialEq)]
enum CState {
    Waiting {
        reason: Str,
        message: Option<Str>,
    },
    Running {
        id: Str,
        since: Time,
        /// When and how the process ends (on its own, or after SIGTERM/SIGKILL).
        exit_at: Option<(Time, i32)>,
        /// Being stopped (liveness failure or pod deletion): no more probes.
        killing: bool,
    },
    Terminated(Term),
}

#[derive(Clone, Debug, PartialEq)]
enum Step {
    /// Check the image cache and pull if needed.
    Pull,
    /// The pull failed with this error.
    PullFailed(String),
    /// The pod worker's next sync after a failed pull: back off.
    PullBackOff(String),
    /// Create and start the container, after a pull if one was needed.
    Start(Option<Box<Pulled>>),
    /// The pod worker's sync after an exit: restart or not.
    AfterExit,
}

/// A finished pull: how long it took (alone, and including waiting for a pull in flight), of
/// which image and its size.
#[derive(Clone, Debug, PartialEq)]
struct Pulled {
    pull: Duration,
    waited: Duration,
    image: String,
    size: u64,
}

#[derive(Clone, Debug)]
struct ProbeRt {
    kind: ProbeKind,
    spec: Probe,
    next: Time,
    /// Run length of the last result (`true` success).
    last: Option<bool>,
    run: i32,
    done: bool,
}

/// A container's spec, read from the latest stored version of the pod (shared with the
/// api-server's store: no copy per container).
///
/// Simplification: a changed image (`kubectl set image` on a bare pod) is not rolled out by
/// restarting the container, as upstream's kubelet does.
#[derive(Clone, Debug)]
struct SpecRef {
    pod: Arc<Object>,
    init: bool,
    idx: usize,
}

impl std::ops::Deref for SpecRef {
    type Target = Container;

    fn deref(&self) -> &Container {
        static MISSING: std::sync::OnceLock<Container> = std::sync::OnceLock::new();
        <Pod as Resource>::from_object(&self.pod)
            .and_then(|p| {
                if self.init {
                    p.spec.init_containers.get(self.idx)
                } else {
                    p.spec.containers.get(self.idx)
                }
            })
            .unwrap_or_else(|| MISSING.get_or_init(Container::default))
    }
}

#[derive(Clone, Debug)]
struct Ctr {
    spec: SpecRef,
    /// The container's field path, written once for all its events.
    field: Str,
    init: bool,
    workload: Workload,
    state: CState,
    last: Option<Term>,
    restarts: i32,
    /// The image has been resolved at least once (the status names it as the runtime does).
    resolved: bool,
    backoff: Option<Backoff>,
    pull_backoff: Option<Backoff>,
    ready: bool,
    started: bool,
    probes: Vec<ProbeRt>,
    next: Option<(Time, Step)>,
    /// The container ID of the latest run.
    id: Option<Str>,
}

impl Ctr {
    /// `spec.containers{name}`: the field path of the container's events (a shared copy).
    fn field(&self) -> Str {
        self.field.clone()
    }

    /// A restartable init container (`restartPolicy: Always`).
    ///
    /// Simplification: sidecars start in order and restart, but are not stopped once the app
    /// containers finish, and kubectl's READY column does not count them.
    fn sidecar(&self) -> bool {
        self.init && self.spec.restart_policy.as_deref() == Some("Always")
    }

    fn running(&self) -> bool {
        matches!(self.state, CState::Running { .. })
    }

    /// An init container that finished successfully.
    fn succeeded(&self) -> bool {
        matches!(&self.state, CState::Terminated(t) if t.code == 0)
    }
}

#[derive(Clone, Debug)]
struct PodWorker {
    /// (namespace, name), shared with the worker's timers.
    key: Arc<Key>,
    uid: Str,
    restart_policy: Str,
    grace: i64,
    /// The pod IP this kubelet gave the pod, if any.
    ip: Option<Str>,
    /// When the sandbox became ready (`PodReadyToStartContainers`).
    sandbox: Option<Time>,
    ctrs: Vec<Ctr>,
    stopping: bool,
    /// Whether the status must be written.
    dirty: bool,
    wake: Option<Time>,
}

impl PodWorker {
    /// Points the container specs at the latest stored version of the pod (same uid).
    fn refresh(&mut self, obj: &Arc<Object>) {
        if obj.metadata().uid != self.uid {
            return;
        }
        for c in &mut self.ctrs {
            if !Arc::ptr_eq(&c.spec.pod, obj) {
                c.spec.pod = Arc::clone(obj);
            }
        }
    }

    fn pod_ref(&self) -> String {
        format!("{}_{}({})", self.key.1, self.key.0, self.uid)
    }

    /// Index of the init container that runs now, or `None` when initialization is done. A
    /// sidecar (an init container with `restartPolicy: Always`) is done once it has started.
    fn current_init(&self) -> Option<usize> {
        self.ctrs
            .iter()
            .position(|c| c.init && !c.succeeded() && !(c.sidecar() && c.running() && c.started))
    }

    /// Containers whose turn it is to be started.
    fn active(&self) -> Vec<usize> {
        match self.current_init() {
            Some(i) => vec![i],
            None => (0..self.ctrs.len())
                .filter(|i| !self.ctrs[*i].init)
                .collect(),
        }
    }

    /// The earliest thing due: (time, container, what) where what is 0 exit, 1 step, 2+ probe.
    fn earliest(&self) -> Option<(Time, usize, usize)> {
        let mut best: Option<(Time, usize, usize)> = None;
        let mut consider = |t: Time, i: usize, w: usize| {
            if best.is_none_or(|b| (t, i, w) < b) {
                best = Some((t, i, w));
            }
        };
        for (i, c) in self.ctrs.iter().enumerate() {
            if let CState::Running {
                exit_at: Some((t, _)),
                ..
            } = &c.state
            {
                consider(*t, i, 0);
            }
            if let Some((t, _)) = &c.next {
                consider(*t, i, 1);
            }
            if let CState::Running { killing: false, .. } = c.state {
                for (j, p) in c.probes.iter().enumerate() {
                    if !p.done {
                        consider(p.next, i, 2 + j);
                    }
                }
            }
        }
        best
    }
}

/// One node's kubelet: its image cache and pod workers.
#[derive(Clone, Debug)]
struct NodeAgent {
    /// The node's name, shared with the timers.
    name: Arc<str>,
    /// The kubelet's identity in the watch log and in events.
    actor: Actor,
    /// The node's internal IP and pod CIDR, as last read.
    host_ip: Str,
    cidr: String,
    /// Hashed: only looked up.
    pods: std::collections::HashMap<Key, PodWorker, crate::scheduler::cache::FxBuild>,
    res: Resources,
}

/// What the steps of a pod worker share with the other pods of the node.
#[derive(Clone, Debug, Default)]
struct Resources {
    /// Cached images and when each is (or will be) ready.
    images: BTreeMap<String, Time>,
    /// Pod IPs in use on this node.
    ips: BTreeSet<String>,
    /// The host part of the last address handed out: like CNI's host-local IPAM, the next pod
    /// gets the next free address after it, so a freed address is not reused at once.
    last_host: u32,
}

impl Resources {
    /// The next free address of the node's pod CIDR (`10.244.N.0/24` → `10.244.N.2` …).
    fn allocate_ip(&mut self, pod_cidr: &str) -> String {
        let prefix = pod_cidr
            .split('/')
            .next()
            .unwrap_or("10.244.0.0")
            .rsplit_once('.')
            .map_or("10.244.0".to_string(), |(p, _)| p.to_string());
        // Hosts 2..=254 (`.1` is the bridge), starting after the last one handed out.
        let start = self.last_host.max(1);
        for k in 1..=253 {
            let host = (start + k - 2) % 253 + 2;
            let ip = format!("{prefix}.{host}");
            if !self.ips.contains(&ip) {
                self.ips.insert(ip.clone());
                self.last_host = host;
                return ip;
            }
        }
        format!("{prefix}.254")
    }
}

impl NodeAgent {
    fn new(node: &str) -> Self {
        NodeAgent {
            name: node.into(),
            actor: Actor::kubelet(node),
            host_ip: Str::default(),
            cidr: DEFAULT_CIDR.to_string(),
            pods: Default::default(),
            res: Resources::default(),
        }
    }

    /// Reads the node's internal IP and pod CIDR again (copied only when they change).
    fn read_node_info(&mut self, api: &ApiServer) {
        let n = api
            .get_ref(crate::Kind::Node, "", &self.name)
            .and_then(<Node as Resource>::from_object);
        let ip = n.and_then(|n| n.internal_ip()).unwrap_or_default();
        let cidr = n
            .and_then(|n| n.spec.pod_cidr.as_deref())
            .unwrap_or(DEFAULT_CIDR);
        if self.host_ip != ip {
            self.host_ip = Str::new(ip);
        }
        if self.cidr != cidr {
            self.cidr = cidr.to_string();
        }
    }

    fn forget(&mut self, key: &Key) {
        if let Some(w) = self.pods.remove(key)
            && let Some(ip) = w.ip
        {
            self.res.ips.remove(ip.as_str());
        }
    }
}

/// The kubelets of every node, driven by the watch log and the virtual clock.
///
/// Simplification: no node heartbeats or Lease here (a separate module); no ephemeral
/// containers, lifecycle hooks, OOM kills, probe timeouts or `activeDeadlineSeconds`.
#[derive(Clone, Debug, Default)]
pub struct Kubelets {
    cursor: u64,
    /// By node name; hashed: only looked up (the work order comes from `timers`).
    agents: std::collections::HashMap<String, NodeAgent, crate::scheduler::cache::FxBuild>,
    /// Which node's kubelet has a worker for each pod.
    placement: std::collections::HashMap<Key, Arc<str>, crate::scheduler::cache::FxBuild>,
    timers: BTreeSet<Timer>,
    behavior: Behavior,
    image_names: ImageNames,
}

/// A pod worker's timer: ordered by time, then node and pod (the order work is done in).
type Timer = (Time, Arc<str>, Arc<Key>, Task);

const DEFAULT_CIDR: &str = "10.244.0.0/24";

fn pod_key(p: &Pod) -> Key {
    (
        p.metadata.namespace.to_string(),
        p.metadata.name.to_string(),
    )
}

impl Kubelets {
    /// When the next timed step is due, if any.
    pub fn next_due(&self) -> Option<Time> {
        self.timers.first().map(|t| t.0)
    }

    /// Whether the node's kubelet has the image cached.
    pub fn has_image(&self, node: &str, image: &str) -> bool {
        self.agents
            .get(node)
            .is_some_and(|a| a.res.images.contains_key(&normalize_image(image)))
    }

    /// Replaces how images behave (for tests or a UI that scripts its own images).
    pub fn set_behavior(&mut self, behavior: Arc<dyn ImageBehavior>) {
        self.behavior = Behavior(behavior);
    }

    /// The node's kubelet (started on first use).
    fn agent(&mut self, node: &str) -> &mut NodeAgent {
        self.agents
            .entry(node.to_string())
            .or_insert_with(|| NodeAgent::new(node))
    }

    /// How images behave (for `kubectl exec`, which runs commands in a container).
    pub fn behavior(&self) -> &dyn ImageBehavior {
        self.behavior.0.as_ref()
    }

    pub fn sync(&mut self, api: &mut ApiServer) {
        let touched: Vec<Key> = match api.watch(self.cursor) {
            Ok(events) => {
                let mut keys: BTreeSet<(&str, &str)> = BTreeSet::new();
                for e in events {
                    if let Object::Pod(p) = e.object.as_ref()
                        && (p.node_name().is_some() || e.type_ == EventType::Deleted)
                    {
                        keys.insert((&p.metadata.namespace, &p.metadata.name));
                    }
                }
                keys.into_iter()
                    .map(|(ns, name)| (ns.to_string(), name.to_string()))
                    .collect()
            }
            Err(_) => {
                let keys: BTreeSet<Key> = api.iter_as::<Pod>(None).map(pod_key).collect();
                keys.into_iter().collect()
            }
        };
        self.cursor = api.resource_version();
        for key in &touched {
            self.sync_pod(api, key);
        }
        let now = api.now();
        while self.timers.first().is_some_and(|t| t.0 <= now) {
            let Some((_, node, key, task)) = self.timers.pop_first() else {
                break;
            };
            match task {
                Task::Wake => {
                    if let Some(w) = self
                        .agents
                        .get_mut(&*node)
                        .and_then(|a| a.pods.get_mut(&*key))
                    {
                        w.wake = None;
                    }
                    self.wake(api, &node, &key);
                }
                Task::Remove => self.remove(api, &node, &key),
            }
        }
        self.cursor = api.resource_version();
    }

    fn remove(&mut self, api: &mut ApiServer, node: &str, key: &Key) {
        if let Some(agent) = self.agents.get_mut(node) {
            agent.forget(key);
        }
        self.placement.remove(key);
        let _ = api.delete(
            &Actor::kubelet(node),
            crate::Kind::Pod,
            &key.0,
            &key.1,
            &DeleteOptions {
                grace_period_seconds: Some(0),
                ..Default::default()
            },
        );
    }

    fn new_worker(&self, key: &Key, pod: &Pod, obj: &Arc<Object>) -> PodWorker {
        let has_init = !pod.spec.init_containers.is_empty();
        let waiting = if has_init {
            "PodInitializing"
        } else {
            "ContainerCreating"
        };
        let ctrs = pod
            .spec
            .init_containers
            .iter()
            .enumerate()
            .map(|(i, c)| (true, i, c))
            .chain(
                pod.spec
                    .containers
                    .iter()
                    .enumerate()
                    .map(|(i, c)| (false, i, c)),
            )
            .map(|(init, idx, c)| Ctr {
                spec: SpecRef {
                    pod: Arc::clone(obj),
                    init,
                    idx,
                },
                field: if init {
                    format!("spec.initContainers{{{}}}", c.name).into()
                } else {
                    format!("spec.containers{{{}}}", c.name).into()
                },
                init,
                workload: self.behavior.0.workload(c),
                state: CState::Waiting {
                    reason: waiting.into(),
                    message: None,
                },
                last: None,
                restarts: 0,
                resolved: false,
                backoff: None,
                pull_backoff: None,
                ready: false,
                started: false,
                probes: Vec::new(),
                next: None,
                id: None,
            })
            .collect();
        PodWorker {
            key: Arc::new(key.clone()),
            uid: pod.metadata.uid.clone(),
            restart_policy: ((pod
                .spec
                .restart_policy
                .clone()
                .unwrap_or_else(|| "Always".into()))
            .to_string())
            .into(),
            grace: pod.spec.termination_grace_period_seconds.unwrap_or(30),
            ip: None,
            sandbox: None,
            ctrs,
            stopping: false,
            dirty: false,
            wake: None,
        }
    }

    fn sync_pod(&mut self, api: &mut ApiServer, key: &Key) {
        let pod_obj = api.get_arc(crate::Kind::Pod, &key.0, &key.1);
        let pod = pod_obj.as_deref().and_then(<Pod as Resource>::from_object);
        // Forget workers of pods that are gone (or replaced by a new pod of the same name).
        if let Some(node) = self.placement.get(key)
            && let Some(agent) = self.agents.get_mut(&**node)
        {
            let stale = agent
                .pods
                .get(key)
                .is_none_or(|w| pod.as_ref().is_none_or(|p| p.metadata.uid != w.uid));
            if stale {
                if let Some(w) = agent.pods.get(key)
                    && let Some(t) = w.wake
                {
                    self.timers.remove(&(
                        t,
                        Arc::clone(&agent.name),
                        Arc::clone(&w.key),
                        Task::Wake,
                    ));
                }
                agent.forget(key);
                self.placement.remove(key);
            }
        }
        let (Some(pod), Some(stored)) = (pod, pod_obj.as_ref()) else {
            return;
        };
        let Some(node_name) = pod.node_name() else {
            return;
        };
        if api.get_ref(crate::Kind::Node, "", node_name).is_none() {
            return;
        }
        let now = api.now();
        if self.placement.get(key).is_none_or(|n| **n != *node_name) {
            let name = Arc::clone(&self.agent(node_name).name);
            self.placement.insert(key.clone(), name);
        }
        let exists = self
            .agents
            .get(node_name)
            .is_some_and(|a| a.pods.contains_key(key));
        if pod.metadata.deletion_timestamp.is_some() {
            self.begin_stop(api, node_name, key, pod, stored);
            return;
        }
        if exists {
            // Follow the stored object, so the worker never keeps an old version alive.
            if let Some(w) = self
                .agents
                .get_mut(node_name)
                .and_then(|a| a.pods.get_mut(key))
            {
                w.refresh(stored);
            }
            return;
        }
        if pod.is_terminal() {
            return;
        }
        let mut worker = self.new_worker(key, pod, stored);
        if pod.phase() == "Running" {
            // Already running (e.g. started before this kubelet watched): adopt it.
            let status = pod.status.clone().unwrap_or_default();
            worker.ip = status.pod_ip.clone();
            worker.sandbox = Some(now);
            for c in &mut worker.ctrs {
                let st = if c.init {
                    status.init_container_statuses.iter()
                } else {
                    status.container_statuses.iter()
                }
                .find(|s| s.name == c.spec.name);
                c.resolved = true;
                if let Some(s) = st {
                    c.ready = s.ready;
                    c.started = s.started.unwrap_or(true);
                    c.restarts = s.restart_count;
                    c.id = s.container_id.clone().map(String::from).map(Str::from);
                }
                let since = st
                    .and_then(|s| s.state.running.as_ref())
                    .and_then(|r| r.started_at.as_deref())
                    .and_then(Time::parse_rfc3339);
                if c.init {
                    c.state = CState::Terminated(Term {
                        code: 0,
                        reason: "Completed".into(),
                        message: None,
                        started: now,
                        finished: now,
                        id: c.id.clone().unwrap_or_default(),
                    });
                } else {
                    let since = since.unwrap_or(now);
                    c.state = CState::Running {
                        id: c.id.clone().unwrap_or_default(),
                        since,
                        exit_at: c
                            .workload
                            .exits
                            .map(|(d, code)| (since.plus(d).max(now), code)),
                        killing: false,
                    };
                    c.probes = probes_for(&c.spec, since);
                }
            }
            let agent = self.agent(node_name);
            if pod.spec.host_network != Some(true)
                && let Some(ip) = worker.ip.clone()
            {
                agent.res.ips.insert(ip.to_string());
            }
            for c in &pod.spec.containers {
                agent
                    .res
                    .images
                    .entry(normalize_image(&c.image))
                    .or_insert(now);
            }
            agent.pods.insert(key.clone(), worker);
            self.reschedule(node_name, key);
            return;
        }
        // ContainerCreating (or PodInitializing), while images are pulled.
        let agent = self
            .agents
            .entry(node_name.to_string())
            .or_insert_with(|| NodeAgent::new(node_name));
        agent.read_node_info(api);
        let updated = Pod {
            metadata: pod.metadata.clone(),
            spec: pod.spec.clone(),
            status: Some(build_status(
                &worker,
                &mut self.image_names,
                pod,
                &agent.host_ip,
                api.timestamp(),
                true,
            )),
        };
        // The worker follows the version just written, so it keeps no older copy alive.
        if let Ok(stored) = api.update_arc_with(
            &agent.actor,
            Object::Pod(Box::new(updated)),
            true,
            &Default::default(),
        ) {
            worker.refresh(&stored);
        }
        for i in worker.active() {
            worker.ctrs[i].next = Some((now, Step::Pull));
        }
        agent.pods.insert(key.clone(), worker);
        self.wake(api, node_name, key);
    }

    /// The pod is being deleted: SIGTERM to every running container.
    fn begin_stop(
        &mut self,
        api: &mut ApiServer,
        node: &str,
        key: &Key,
        pod: &Pod,
        obj: &Arc<Object>,
    ) {
        let now = api.now();
        let grace = pod
            .metadata
            .deletion_grace_period_seconds
            .unwrap_or(0)
            .max(0) as u64;
        let grace = Duration::seconds(grace);
        let agent = self
            .agents
            .entry(node.to_string())
            .or_insert_with(|| NodeAgent::new(node));
        let NodeAgent {
            name, actor, pods, ..
        } = agent;
        let Some(worker) = pods.get_mut(key) else {
            // No worker (never started here): nothing to stop.
            self.timers.insert((
                now.plus(grace.min(STOP_DELAY)),
                Arc::clone(name),
                Arc::new(key.clone()),
                Task::Remove,
            ));
            return;
        };
        if worker.stopping {
            return;
        }
        worker.stopping = true;
        let mut any_running = false;
        for c in &mut worker.ctrs {
            c.next = None;
            if let CState::Running {
                exit_at, killing, ..
            } = &mut c.state
            {
                any_running = true;
                *killing = true;
                let exit = kill_exit(&c.workload, grace, now);
                if exit_at.is_none_or(|(t, _)| t > exit.0) {
                    *exit_at = Some(exit);
                }
                events::record(
                    api,
                    actor,
                    obj,
                    c.field(),
                    events::NORMAL,
                    "Killing",
                    &format!("Stopping container {}", c.spec.name),
                );
            }
        }
        if !any_running {
            self.timers.insert((
                now.plus(grace.min(STOP_DELAY)),
                Arc::clone(name),
                Arc::clone(&worker.key),
                Task::Remove,
            ));
        }
        self.reschedule(node, key);
    }

    /// Re-arms the worker's wake-up timer at its earliest due item.
    fn reschedule(&mut self, node: &str, key: &Key) {
        let Some(agent) = self.agents.get_mut(node) else {
            return;
        };
        let Some(w) = agent.pods.get_mut(key) else {
            return;
        };
        let due = w.earliest().map(|e| e.0);
        if w.wake == due {
            return;
        }
        if let Some(t) = w.wake.take() {
            self.timers
                .remove(&(t, Arc::clone(&agent.name), Arc::clone(&w.key), Task::Wake));
        }
        if let Some(t) = due {
            w.wake = Some(t);
            self.timers
                .insert((t, Arc::clone(&agent.name), Arc::clone(&w.key), Task::Wake));
        }
    }

    /// Runs everything due in the pod worker, then writes the status if it changed.
    fn wake(&mut self, api: &mut ApiServer, node: &str, key: &Key) {
        let Some(obj) = api.get_arc(crate::Kind::Pod, &key.0, &key.1) else {
            return;
        };
        let Some(pod) = <Pod as Resource>::from_object(&obj) else {
            return;
        };
        let Some(agent) = self.agents.get_mut(node) else {
            return;
        };
        let Some(worker) = agent.pods.get_mut(key) else {
            return;
        };
        worker.refresh(&obj);
        if worker.uid != pod.metadata.uid {
            return;
        }
        agent.read_node_info(api);
        let NodeAgent {
            actor,
            host_ip,
            cidr,
            pods,
            res,
            ..
        } = agent;
        let Some(worker) = pods.get_mut(key) else {
            return;
        };
        let now = api.now();
        let behavior = self.behavior.0.as_ref();
        let host_network = pod.spec.host_network == Some(true);
        let mut guard = 0;
        while let Some((t, i, what)) = worker.earliest() {
            if t > now || guard > 10_000 {
                break;
            }
            guard += 1;
            let mut cx = Cx {
                api,
                actor,
                obj: &obj,
                agent: res,
                behavior,
                host_network,
                host_ip,
                cidr,
            };
            match what {
                0 => exit(&mut cx, worker, i, t),
                1 => step(&mut cx, worker, i, t),
                j => run_probe(&mut cx, worker, i, j - 2, t),
            }
            if !worker.stopping {
                advance_turn(worker, t);
            }
        }
        let all_stopped = worker.stopping && !worker.ctrs.iter().any(Ctr::running);
        if worker.dirty {
            worker.dirty = false;
            // The steps above wrote only events: the stored pod is still `obj`. Copy it only when
            // its status changes.
            let status = build_status(
                worker,
                &mut self.image_names,
                pod,
                host_ip,
                api.timestamp(),
                false,
            );
            if pod.status.as_ref() != Some(&status) {
                let updated = Pod {
                    metadata: pod.metadata.clone(),
                    spec: pod.spec.clone(),
                    status: Some(status),
                };
                // The worker follows the version just written, so it keeps no older copy
                // alive.
                if let Ok(stored) = api.update_arc_with(
                    actor,
                    Object::Pod(Box::new(updated)),
                    true,
                    &Default::default(),
                ) {
                    worker.refresh(&stored);
                }
            }
        }
        if all_stopped {
            // The status above carries the terminal phase; the pod goes once it is written.
            self.remove(api, node, key);
            return;
        }
        self.reschedule(node, key);
    }
}

/// What a step needs besides the worker.
struct Cx<'a> {
    api: &'a mut ApiServer,
    actor: &'a Actor,
    obj: &'a Arc<Object>,
    agent: &'a mut Resources,
    behavior: &'a dyn ImageBehavior,
    host_network: bool,
    host_ip: &'a str,
    cidr: &'a str,
}

impl Cx<'_> {
    fn event(&mut self, field: &Str, type_: &'static str, reason: &'static str, message: &str) {
        events::record(
            self.api, self.actor, self.obj, field, type_, reason, message,
        );
    }
}

/// How a SIGTERM sent at `now` ends: (when, exit code).
fn kill_exit(workload: &Workload, grace: Duration, now: Time) -> (Time, i32) {
    match workload.on_sigterm {
        Some(d) if d <= grace => (now.plus(d), 0),
        _ => (now.plus(grace), 137),
    }
}

fn probes_for(spec: &Container, since: Time) -> Vec<ProbeRt> {
    [
        (ProbeKind::Startup, &spec.startup_probe),
        (ProbeKind::Liveness, &spec.liveness_probe),
        (ProbeKind::Readiness, &spec.readiness_probe),
    ]
    .into_iter()
    .filter_map(|(kind, p)| {
        p.as_deref().map(|p| ProbeRt {
            kind,
            spec: p.clone(),
            next: since,
            last: None,
            run: 0,
            done: false,
        })
    })
    .collect()
}

/// The sandbox is created with the first container the pod starts (or fails to pull).
fn ensure_sandbox(cx: &mut Cx, w: &mut PodWorker, now: Time) {
    if w.sandbox.is_some() {
        return;
    }
    w.sandbox = Some(now);
    if !cx.host_network {
        w.ip = Some(cx.agent.allocate_ip(cx.cidr).into());
    }
}

fn step(cx: &mut Cx, w: &mut PodWorker, i: usize, now: Time) {
    let Some((_, what)) = w.ctrs[i].next.take() else {
        return;
    };
    let first_start = w.sandbox.is_none();
    let c = &mut w.ctrs[i];
    let field = c.field();
    let image = c.spec.image.clone();
    match what {
        Step::Pull => {
            let full = normalize_image(&image);
            let cached = cx.agent.images.get(&full).copied();
            let policy = c
                .spec
                .image_pull_policy
                .clone()
                .unwrap_or_else(|| "IfNotPresent".into());
            let delay = if first_start {
                START_DELAY
            } else {
                Duration::ZERO
            };
            if cached.is_some_and(|t| t <= now) && policy != "Always" {
                cx.event(
                    &field,
                    events::NORMAL,
                    "Pulled",
                    &format!("Container image \"{image}\" already present on machine"),
                );
                c.next = Some((now.plus(delay), Step::Start(None)));
                return;
            }
            if policy == "Never" {
                let msg =
                    format!("Container image \"{image}\" is not present with pull policy of Never");
                c.state = CState::Waiting {
                    reason: "ErrImageNeverPull".into(),
                    message: Some(Str::new(&msg)),
                };
                w.dirty = true;
                cx.event(&field, events::WARNING, "ErrImageNeverPull", &msg);
                cx.event(
                    &field,
                    events::WARNING,
                    "Failed",
                    "Error: ErrImageNeverPull",
                );
                ensure_sandbox(cx, w, now);
                return;
            }
            cx.event(
                &field,
                events::NORMAL,
                "Pulling",
                &format!("Pulling image \"{image}\""),
            );
            match cx.behavior.pull(&image) {
                Err(e) => {
                    c.next = Some((now.plus(PULL_FAIL_DELAY), Step::PullFailed(e)));
                }
                Ok(size) => {
                    // A pull of an image already on the node (or being pulled) only checks the
                    // digest, after waiting for the pull in flight.
                    let (pull, done) = match cached {
                        Some(t) => {
                            let d = Duration::millis(400);
                            (d, t.max(now).plus(d))
                        }
                        None => {
                            let d = Duration::millis(size * 1000 / PULL_BYTES_PER_SECOND + 200);
                            (d, now.plus(d))
                        }
                    };
                    cx.agent.images.entry(full).or_insert(done);
                    let pulled = Pulled {
                        pull,
                        waited: done.since(now),
                        image: image.to_string(),
                        size,
                    };
                    c.next = Some((done.plus(delay), Step::Start(Some(Box::new(pulled)))));
                }
            }
        }
        Step::PullFailed(err) => {
            c.state = CState::Waiting {
                reason: "ErrImagePull".into(),
                message: Some(Str::new(&err)),
            };
            next_backoff(&mut c.pull_backoff, now);
            c.next = Some((now.plus(SYNC_DELAY), Step::PullBackOff(err.clone())));
            w.dirty = true;
            cx.event(
                &field,
                events::WARNING,
                "Failed",
                &format!("Failed to pull image \"{image}\": {err}"),
            );
            cx.event(&field, events::WARNING, "Failed", "Error: ErrImagePull");
            ensure_sandbox(cx, w, now);
        }
        Step::PullBackOff(err) => {
            c.state = CState::Waiting {
                reason: "ImagePullBackOff".into(),
                message: Some(Str::from(format!(
                    "Back-off pulling image \"{image}\": ErrImagePull: {err}"
                ))),
            };
            let (delay, failed) = c
                .pull_backoff
                .map_or((BACKOFF_INITIAL, now), |b| (b.delay, b.updated));
            c.next = Some((failed.plus(delay), Step::Pull));
            w.dirty = true;
            cx.event(
                &field,
                events::NORMAL,
                "BackOff",
                &format!("Back-off pulling image \"{image}\""),
            );
            cx.event(&field, events::WARNING, "Failed", "Error: ImagePullBackOff");
        }
        Step::Start(pulled) => {
            ensure_sandbox(cx, w, now);
            let c = &mut w.ctrs[i];
            if let Some(p) = pulled {
                let Pulled {
                    pull, waited, size, ..
                } = *p;
                // The size the pull reported, unless the pod's image changed since.
                let size = if p.image == image {
                    size
                } else {
                    cx.behavior
                        .pull(&image)
                        .unwrap_or_else(|_| image_size_bytes(&image))
                };
                cx.event(
                    &field,
                    events::NORMAL,
                    "Pulled",
                    &format!(
                        "Successfully pulled image \"{image}\" in {} ({} including waiting). Image size: {size} bytes.",
                        go_duration(pull),
                        go_duration(waited)
                    ),
                );
            }
            let name = c.spec.name.clone();
            cx.event(
                &field,
                events::NORMAL,
                "Created",
                &format!("Created container: {name}"),
            );
            c.resolved = true;
            w.dirty = true;
            // A restart: the previous run becomes the last state.
            match &c.state {
                CState::Terminated(t) => {
                    c.last = Some(t.clone());
                    c.restarts += 1;
                }
                CState::Waiting { reason, .. } if reason == "CrashLoopBackOff" => {
                    c.restarts += 1;
                }
                _ => {}
            }
            if let Some(err) = c.workload.start_error.clone() {
                cx.event(&field, events::WARNING, "Failed", &format!("Error: {err}"));
                let id = container_id(cx.api.rng());
                c.id = Some(id.clone());
                c.state = CState::Terminated(Term {
                    code: 128,
                    reason: "StartError".into(),
                    message: Some(err.into()),
                    started: Time::ZERO,
                    finished: now,
                    id,
                });
                c.next = Some((now.plus(SYNC_DELAY), Step::AfterExit));
                return;
            }
            cx.event(
                &field,
                events::NORMAL,
                "Started",
                &format!("Started container {name}"),
            );
            let id = container_id(cx.api.rng());
            c.id = Some(id.clone());
            c.probes = probes_for(&c.spec, now);
            c.started = c.spec.startup_probe.is_none();
            c.ready = c.started && c.spec.readiness_probe.is_none();
            c.state = CState::Running {
                id,
                since: now,
                exit_at: c.workload.exits.map(|(d, code)| (now.plus(d), code)),
                killing: false,
            };
        }
        Step::AfterExit => after_exit(cx, w, i, now),
    }
}

/// Containers whose turn came (the next init container once the previous one succeeded or its
/// sidecar started; the app containers once all init containers are done) start at the pod
/// worker's next sync.
fn advance_turn(w: &mut PodWorker, now: Time) {
    for j in w.active() {
        let c = &mut w.ctrs[j];
        let fresh = matches!(&c.state, CState::Waiting { reason, .. }
            if reason == "PodInitializing" || reason == "ContainerCreating");
        if fresh && c.next.is_none() && c.id.is_none() {
            c.next = Some((now.plus(SYNC_DELAY), Step::Pull));
        }
    }
}

/// A running container's process ends.
fn exit(cx: &mut Cx, w: &mut PodWorker, i: usize, now: Time) {
    let _ = cx;
    let stopping = w.stopping;
    let c = &mut w.ctrs[i];
    let CState::Running {
        id,
        since,
        exit_at: Some((at, code)),
        ..
    } = c.state.clone()
    else {
        return;
    };
    c.state = CState::Terminated(Term {
        code,
        reason: if code == 0 { "Completed" } else { "Error" }.into(),
        message: None,
        started: since,
        finished: at.min(now),
        id,
    });
    c.ready = false;
    c.started = false;
    c.probes.clear();
    w.dirty = true;
    if !stopping {
        c.next = Some((now.plus(SYNC_DELAY), Step::AfterExit));
    }
}

/// The sync after an exit: restart per the restart policy and the crash-loop back-off, or move on
/// to the next init container.
fn after_exit(cx: &mut Cx, w: &mut PodWorker, i: usize, now: Time) {
    let pod_ref = w.pod_ref();
    let policy = w.restart_policy.clone();
    let c = &mut w.ctrs[i];
    let term = match &c.state {
        CState::Terminated(t) => t.clone(),
        CState::Waiting { reason, .. } if reason == "CrashLoopBackOff" => match &c.last {
            Some(t) => t.clone(),
            None => return,
        },
        _ => return,
    };
    let restart = match (c.init, policy.as_str()) {
        (true, _) if c.sidecar() => true,
        (true, "Never") => false,
        (true, _) => term.code != 0,
        (false, "Always") => true,
        (false, "OnFailure") => term.code != 0,
        _ => false,
    };
    if !restart {
        return;
    }
    let name = c.spec.name.clone();
    if in_backoff_since(c.backoff.as_ref(), term.finished, now) {
        let delay = c.backoff.map_or(BACKOFF_INITIAL, |b| b.delay);
        c.state = CState::Waiting {
            reason: "CrashLoopBackOff".into(),
            message: Some(Str::from(format!(
                "back-off {} restarting failed container={name} pod={pod_ref}",
                go_duration(delay)
            ))),
        };
        c.last = Some(term.clone());
        c.next = Some((term.finished.plus(delay), Step::AfterExit));
        w.dirty = true;
        let field = c.field();
        // Simplification: upstream repeats this event at every pod sync during the back-off;
        // Timonel records it once per back-off.
        cx.event(
            &field,
            events::WARNING,
            "BackOff",
            &format!("Back-off restarting failed container {name} in pod {pod_ref}"),
        );
        return;
    }
    // The kubelet steps the back-off with the exit time (`doBackOff`).
    next_backoff(&mut c.backoff, term.finished);
    c.next = Some((now, Step::Pull));
}

fn run_probe(cx: &mut Cx, w: &mut PodWorker, i: usize, j: usize, now: Time) {
    let pod_ip = w.ip.clone().unwrap_or_else(|| Str::new(cx.host_ip));
    let grace_pod = w.grace;
    let c = &mut w.ctrs[i];
    let CState::Running { since, .. } = c.state.clone() else {
        return;
    };
    let Some(p) = c.probes.get_mut(j) else {
        return;
    };
    let period = Duration::seconds(p.spec.period_seconds.unwrap_or(10).max(1) as u64);
    p.next = now.plus(period);
    let delay = Duration::seconds(p.spec.initial_delay_seconds.unwrap_or(0).max(0) as u64);
    let kind = p.kind;
    if now.since(since) < delay || (kind != ProbeKind::Startup && !c.started) {
        return;
    }
    let spec = p.spec.clone();
    let result = probe::run(
        cx.behavior,
        &c.spec,
        &c.workload,
        &spec,
        &pod_ip,
        now.since(since),
    );
    let ok = result.is_ok();
    let field = c.field();
    let p = &mut c.probes[j];
    if p.last == Some(ok) {
        p.run = p.run.saturating_add(1);
    } else {
        p.last = Some(ok);
        p.run = 1;
    }
    if let Err(msg) = &result {
        cx.event(
            &field,
            events::WARNING,
            "Unhealthy",
            &format!("{} probe failed: {msg}", kind.title()),
        );
    }
    let threshold = if ok {
        spec.success_threshold.unwrap_or(1)
    } else {
        spec.failure_threshold.unwrap_or(3)
    };
    if p.run < threshold {
        return;
    }
    match (kind, ok) {
        (ProbeKind::Startup, true) => {
            p.done = true;
            c.started = true;
            c.ready = c.spec.readiness_probe.is_none();
            w.dirty = true;
        }
        (ProbeKind::Readiness, ok) => {
            if c.ready != ok {
                c.ready = ok;
                w.dirty = true;
            }
        }
        (ProbeKind::Liveness, true) => {}
        (ProbeKind::Startup | ProbeKind::Liveness, false) => {
            // Kill the container; the restart policy decides what comes next.
            p.run = 0;
            let grace = spec
                .termination_grace_period_seconds
                .unwrap_or(grace_pod)
                .max(0) as u64;
            let exit = kill_exit(&c.workload, Duration::seconds(grace), now);
            if let CState::Running {
                exit_at, killing, ..
            } = &mut c.state
            {
                *killing = true;
                if exit_at.is_none_or(|(t, _)| t > exit.0) {
                    *exit_at = Some(exit);
                }
            }
            let name = c.spec.name.clone();
            cx.event(
                &field,
                events::NORMAL,
                "Killing",
                &format!(
                    "Container {name} failed {} probe, will be restarted",
                    kind.lower()
                ),
            );
        }
    }
}

// ----- status -----------------------------------------------------------------------------------

fn condition(
    type_: &'static str,
    status: bool,
    reason: Option<&'static str>,
    message: Option<String>,
) -> Condition {
    Condition {
        type_: type_.into(),
        status: if status { "True" } else { "False" }.into(),
        reason: reason.map(Str::from),
        message: message.map(Str::from),
        ..Default::default()
    }
}

/// `getPhase`.
fn phase(w: &PodWorker) -> &'static str {
    let mut failed_init = 0;
    let mut pending_init = 0;
    for c in w.ctrs.iter().filter(|c| c.init) {
        match &c.state {
            CState::Running { .. } if c.sidecar() && c.started => {}
            CState::Running { .. } => pending_init += 1,
            CState::Terminated(t) if t.code != 0 => failed_init += 1,
            CState::Terminated(_) => {}
            CState::Waiting { .. } => match &c.last {
                Some(t) if t.code != 0 => failed_init += 1,
                _ => pending_init += 1,
            },
        }
    }
    if failed_init > 0 && w.restart_policy == "Never" {
        return "Failed";
    }
    if failed_init > 0 || pending_init > 0 {
        return "Pending";
    }
    let (mut running, mut stopped, mut succeeded, mut waiting) = (0, 0, 0, 0);
    for c in w.ctrs.iter().filter(|c| !c.init) {
        match &c.state {
            CState::Running { .. } => running += 1,
            CState::Terminated(t) => {
                stopped += 1;
                if t.code == 0 {
                    succeeded += 1;
                }
            }
            CState::Waiting { .. } => {
                if c.last.is_some() {
                    stopped += 1;
                } else {
                    waiting += 1;
                }
            }
        }
    }
    if waiting > 0 {
        "Pending"
    } else if running > 0 {
        "Running"
    } else if stopped > 0 {
        if w.restart_policy == "Always" {
            "Running"
        } else if stopped == succeeded {
            "Succeeded"
        } else if w.restart_policy == "Never" {
            "Failed"
        } else {
            "Running"
        }
    } else {
        "Pending"
    }
}

fn to_state(s: &CState) -> ContainerState {
    match s {
        CState::Waiting { reason, message } => ContainerState {
            waiting: Some(ContainerStateWaiting {
                reason: Some(reason.clone()),
                message: message.clone(),
            }),
            ..Default::default()
        },
        CState::Running { since, .. } => ContainerState {
            running: Some(ContainerStateRunning {
                started_at: Some(since.rfc3339().into()),
            }),
            ..Default::default()
        },
        CState::Terminated(t) => terminated(t),
    }
}

fn terminated(t: &Term) -> ContainerState {
    ContainerState {
        terminated: Some(Box::new(ContainerStateTerminated {
            exit_code: t.code,
            signal: None,
            reason: Some(t.reason.clone()),
            message: t.message.clone(),
            started_at: ((t.started != Time::ZERO).then(|| t.started.rfc3339())).map(Str::from),
            finished_at: Some(t.finished.rfc3339().into()),
            container_id: Some(t.id.clone()),
        })),
        ..Default::default()
    }
}

fn container_status(c: &Ctr, names: &mut ImageNames) -> ContainerStatus {
    let (image, image_id_) = if c.resolved {
        let spec_image = &c.spec.image;
        let resolved = match names.get(spec_image.as_str()) {
            Some(r) => r,
            None => names
                .entry(spec_image.to_string())
                .or_insert_with(|| (normalize_image(spec_image), image_id(spec_image))),
        };
        resolved.clone()
    } else {
        (c.spec.image.to_string(), String::new())
    };
    ContainerStatus {
        name: c.spec.name.clone(),
        state: to_state(&c.state),
        last_state: c.last.as_ref().map(terminated).unwrap_or_default(),
        ready: c.ready && c.running(),
        restart_count: c.restarts,
        image: image.into(),
        image_id: image_id_.into(),
        container_id: match &c.state {
            CState::Running { id, .. } => Some(id.clone()),
            CState::Terminated(t) => Some(t.id.clone()),
            CState::Waiting { .. } => c.id.clone(),
        },
        started: Some(c.started && c.running()),
    }
}

/// The statuses of the init or the app containers, in a vector of exactly their number (it is
/// stored with the pod).
fn statuses(ctrs: &[Ctr], init: bool, names: &mut ImageNames) -> Vec<ContainerStatus> {
    let mut out = Vec::with_capacity(ctrs.iter().filter(|c| c.init == init).count());
    for c in ctrs.iter().filter(|c| c.init == init) {
        out.push(container_status(c, names));
    }
    out
}

/// Images as the pod specs name them → as the runtime names them, and their IDs (worked out once
/// per image).
type ImageNames = BTreeMap<String, (String, String)>;

/// The pod status the worker reports (`generateAPIPodStatus`), keeping each condition's
/// `lastTransitionTime` while its status does not change.
fn build_status(
    w: &PodWorker,
    names: &mut ImageNames,
    pod: &Pod,
    host_ip: &Str,
    at: Str,
    creating: bool,
) -> PodStatus {
    let old = pod.status.as_ref();
    let app: Vec<&Ctr> = w.ctrs.iter().filter(|c| !c.init).collect();
    let mirror = pod
        .metadata
        .annotations
        .contains_key("kubernetes.io/config.mirror");
    let phase = if creating {
        "Pending"
    } else if w.stopping && !mirror && app.iter().all(|c| matches!(c.state, CState::Terminated(_)))
    {
        // A pod being deleted whose containers have all stopped ends in a terminal phase
        // (upstream ≥ 1.27), whatever its restart policy: kubectl then shows Completed or Error.
        if app
            .iter()
            .all(|c| matches!(&c.state, CState::Terminated(t) if t.code == 0))
        {
            "Succeeded"
        } else {
            "Failed"
        }
    } else {
        phase(w)
    };
    let unready: Vec<&str> = app
        .iter()
        .filter(|c| !(c.ready && c.running()))
        .map(|c| c.spec.name.as_str())
        .collect();
    let incomplete: Vec<&str> = w
        .ctrs
        .iter()
        .filter(|c| c.init && !c.succeeded() && !(c.sidecar() && c.running() && c.started))
        .map(|c| c.spec.name.as_str())
        .collect();
    let terminal = matches!(phase, "Succeeded" | "Failed");
    let containers_ready = if terminal {
        condition(
            "ContainersReady",
            false,
            Some(if phase == "Succeeded" {
                "PodCompleted"
            } else {
                "PodFailed"
            }),
            None,
        )
    } else if unready.is_empty() {
        condition("ContainersReady", true, None, None)
    } else {
        condition(
            "ContainersReady",
            false,
            Some("ContainersNotReady"),
            Some(format!(
                "containers with unready status: [{}]",
                unready.join(" ")
            )),
        )
    };
    let mut ready = containers_ready.clone();
    ready.type_ = "Ready".into();
    let initialized = if incomplete.is_empty() {
        condition("Initialized", true, None, None)
    } else if terminal && phase == "Succeeded" {
        condition("Initialized", true, Some("PodCompleted"), None)
    } else {
        condition(
            "Initialized",
            false,
            Some("ContainersNotInitialized"),
            Some(format!(
                "containers with incomplete status: [{}]",
                incomplete.join(" ")
            )),
        )
    };
    let sandbox_ready = w.sandbox.is_some() && (!terminal || w.ctrs.iter().any(Ctr::running));
    // Exactly as long as needed: the vector is stored with the pod.
    let scheduled = pod.condition("PodScheduled");
    let mut conditions = Vec::with_capacity(4 + usize::from(scheduled.is_some()));
    conditions.extend([
        condition("PodReadyToStartContainers", sandbox_ready, None, None),
        initialized,
        ready,
        containers_ready,
    ]);
    if let Some(s) = scheduled {
        conditions.push(s.clone());
    }
    for c in &mut conditions {
        c.observed_generation = pod.metadata.generation;
        if c.type_ == "PodScheduled" {
            continue;
        }
        let prev = old.and_then(|o| o.conditions.iter().find(|o| o.type_ == c.type_));
        c.last_transition_time = Some(
            prev.filter(|o| o.status == c.status)
                .and_then(|o| o.last_transition_time.clone())
                .unwrap_or_else(|| at.clone()),
        );
    }
    let pod_ip = w.ip.clone().or_else(|| {
        (w.sandbox.is_some() && pod.spec.host_network == Some(true)).then(|| host_ip.clone())
    });
    PodStatus {
        observed_generation: pod.metadata.generation,
        phase: Some(phase.into()),
        conditions,
        host_ip: Some(host_ip.clone()),
        host_ips: vec![IpEntry {
            ip: host_ip.clone(),
        }],
        pod_ip: pod_ip.clone(),
        pod_ips: pod_ip.into_iter().map(|ip| IpEntry { ip }).collect(),
        start_time: Some(
            old.and_then(|o| o.start_time.clone())
                .unwrap_or_else(|| at.clone()),
        ),
        init_container_statuses: statuses(&w.ctrs, true, names),
        container_statuses: statuses(&w.ctrs, false, names),
        qos_class: old
            .and_then(|o| o.qos_class.clone())
            .or_else(|| Some(pod.qos_class().into())),
        ..Default::default()
    }
}
