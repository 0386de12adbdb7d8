//! The node lifecycle controller (`nodelifecycle.Controller`) and the taint eviction controller
//! (`tainteviction.Controller`): a node whose kubelet has not renewed its Lease nor posted status
//! for `node-monitor-grace-period` (50 s) gets Ready=Unknown and the `unreachable` taints
//! (NoSchedule and NoExecute; `not-ready` for Ready=False), its pods are marked not ready, and
//! pods that do not tolerate a NoExecute taint long enough are deleted when their toleration
//! expires. When the kubelet reports again, the taints go (and pending evictions are cancelled).

use crate::api::Str;
use std::collections::{BTreeMap, BTreeSet};

use crate::api::node::Taint;
use crate::api::{Condition, Kind, Node, Object, Pod};
use crate::apiserver::{Actor, ApiServer, DeleteOptions, EventType};
use crate::clock::{Duration, Time};
use crate::events;
use crate::heartbeat::LEASE_NAMESPACE;

use super::Key;

/// `--node-monitor-grace-period` (50 s since 1.32).
pub const NODE_MONITOR_GRACE_PERIOD: Duration = Duration::seconds(50);
/// `--node-monitor-period`: how often node health is checked.
pub const NODE_MONITOR_PERIOD: Duration = Duration::seconds(5);
pub const UNREACHABLE_TAINT: &str = "node.kubernetes.io/unreachable";
pub const NOT_READY_TAINT: &str = "node.kubernetes.io/not-ready";

/// Simplification: node health is checked at multiples of 5 s of virtual time; there are no
/// zone states (a zone or cluster with every node down is not treated specially, as upstream's
/// `PartialDisruption`/`FullDisruption` modes do), and only the Ready condition drives taints
/// (no memory/disk/PID pressure or network-unavailable taints).
#[derive(Clone, Debug, Default)]
pub struct NodeLifecycleController {
    cursor: u64,
    /// Per node: when its kubelet was last heard from (a Lease renewal or a status heartbeat).
    probes: BTreeMap<String, Time>,
    /// Pods scheduled for taint eviction: when the eviction was scheduled and when it is due.
    evictions: BTreeMap<Key, (Time, Time)>,
    /// Nodes seen with a NoExecute taint (updated whenever a node changes). While there are none
    /// and no eviction is pending, a pod change cannot schedule or cancel an eviction.
    no_execute: BTreeSet<String>,
}

fn node_actor() -> Actor {
    Actor::new("node-controller")
}

fn eviction_actor() -> Actor {
    Actor::new("taint-eviction-controller")
}

/// The monitor tick at which a node last heard from at `probe` is found overdue: the first
/// multiple of the monitor period strictly after `probe + grace`.
fn overdue_at(probe: Time) -> Time {
    let limit = probe.plus(NODE_MONITOR_GRACE_PERIOD);
    let p = NODE_MONITOR_PERIOD.as_millis();
    Time((limit.0 / p + 1) * p)
}

fn heartbeat_of(node: &Node) -> Option<Time> {
    node.condition("Ready")
        .and_then(|c| c.last_heartbeat_time.as_deref())
        .and_then(Time::parse_rfc3339)
}

fn parse_time(t: Option<&str>) -> Option<Time> {
    t.and_then(Time::parse_rfc3339)
}

impl NodeLifecycleController {
    /// The next health check or eviction due after now, if any.
    pub fn next_due(&self, api: &ApiServer) -> Option<Time> {
        let now = api.now();
        let checks = self
            .probes
            .iter()
            .filter(|(name, _)| {
                api.get_ref(Kind::Node, "", name)
                    .and_then(<Node as crate::api::Resource>::from_object)
                    .is_some_and(|n| n.condition("Ready").is_some_and(|c| c.status != "Unknown"))
            })
            .map(|(_, t)| overdue_at(*t));
        let evictions = self.evictions.values().map(|(_, due)| *due);
        checks.chain(evictions).filter(|t| *t > now).min()
    }

    pub fn sync(&mut self, api: &mut ApiServer) {
        let now = api.now();
        let mut nodes_changed: BTreeSet<String> = BTreeSet::new();
        let mut pods_changed: BTreeSet<Key> = BTreeSet::new();
        // Pods changed on a node, looked at once the nodes' taints are known.
        let mut pod_events: Vec<std::sync::Arc<Object>> = Vec::new();
        match api.watch(self.cursor) {
            Ok(events) => {
                for e in events {
                    match e.object.as_ref() {
                        Object::Lease(l) if l.metadata.namespace == LEASE_NAMESPACE => {
                            if e.type_ != EventType::Deleted
                                && let Some(t) = parse_time(l.spec.renew_time.as_deref())
                            {
                                let p = self.probes.entry(l.metadata.name.to_string()).or_default();
                                *p = (*p).max(t);
                            }
                        }
                        Object::Node(n) => {
                            let name = n.metadata.name.clone();
                            if e.type_ == EventType::Deleted {
                                self.probes.remove(name.as_str());
                                self.no_execute.remove(name.as_str());
                                continue;
                            }
                            let seen = heartbeat_of(n)
                                .or(parse_time(n.metadata.creation_timestamp.as_deref()))
                                .unwrap_or(now);
                            let p = self.probes.entry(name.to_string()).or_insert(seen);
                            *p = (*p).max(seen);
                            nodes_changed.insert(name.to_string());
                        }
                        Object::Pod(p) if p.node_name().is_some() => {
                            pod_events.push(std::sync::Arc::clone(&e.object));
                        }
                        _ => {}
                    }
                }
            }
            Err(_) => {
                self.probes.clear();
                self.no_execute.clear();
                for n in api.iter_as::<Node>(None) {
                    let seen = heartbeat_of(n).unwrap_or(now);
                    self.probes.insert(n.metadata.name.to_string(), seen);
                    nodes_changed.insert(n.metadata.name.to_string());
                }
                for l in api.iter_as::<crate::api::Lease>(Some(LEASE_NAMESPACE)) {
                    if let Some(t) = parse_time(l.spec.renew_time.as_deref())
                        && let Some(p) = self.probes.get_mut(l.metadata.name.as_str())
                    {
                        *p = (*p).max(t);
                    }
                }
            }
        }
        // monitorNodeHealth: nodes whose kubelet went quiet.
        let overdue: Vec<String> = self
            .probes
            .iter()
            .filter(|(_, t)| overdue_at(**t) <= now)
            .map(|(n, _)| n.clone())
            .collect();
        for name in overdue {
            if mark_unknown(api, &name, now) {
                nodes_changed.insert(name);
            }
        }
        // The NoSchedule and NoExecute tainting passes.
        let mut retainted: BTreeSet<String> = BTreeSet::new();
        for name in &nodes_changed {
            if update_taints(api, name, now) {
                retainted.insert(name.clone());
            }
        }
        // Pods on nodes whose NoExecute taints changed or exist, and pods already scheduled for
        // eviction (their node may have lost its taints), are looked at again.
        let mut scan: BTreeSet<&str> = retainted.iter().map(String::as_str).collect();
        for name in &nodes_changed {
            let tainted = api
                .get_ref(Kind::Node, "", name)
                .and_then(<Node as crate::api::Resource>::from_object)
                .is_some_and(|n| n.spec.taints.iter().any(|t| t.effect == "NoExecute"));
            if tainted {
                scan.insert(name);
                if !self.no_execute.contains(name) {
                    self.no_execute.insert(name.clone());
                }
            } else {
                self.no_execute.remove(name);
            }
        }
        if !self.no_execute.is_empty() || !self.evictions.is_empty() {
            for o in &pod_events {
                let m = o.metadata();
                pods_changed.insert((m.namespace.to_string(), m.name.to_string()));
            }
        }
        if !scan.is_empty() {
            for p in api.iter_as::<Pod>(None) {
                if p.node_name().is_some_and(|n| scan.contains(n)) {
                    pods_changed.insert((
                        p.metadata.namespace.to_string(),
                        p.metadata.name.to_string(),
                    ));
                }
            }
        }
        if !nodes_changed.is_empty() {
            pods_changed.extend(self.evictions.keys().cloned());
        }
        // The taint eviction controller.
        for key in &pods_changed {
            self.schedule_eviction(api, key, now);
        }
        let due: Vec<Key> = self
            .evictions
            .iter()
            .filter(|(_, (_, due))| *due <= now)
            .map(|(k, _)| k.clone())
            .collect();
        for key in due {
            self.evictions.remove(&key);
            if eviction_due(api, &key, now) {
                evict(api, &key, now);
            }
        }
        self.cursor = api.resource_version();
    }

    /// `processPodOnNode`: schedules, keeps or cancels a pod's eviction.
    fn schedule_eviction(&mut self, api: &mut ApiServer, key: &Key, now: Time) {
        let when = api
            .get_ref(Kind::Pod, &key.0, &key.1)
            .and_then(<Pod as crate::api::Resource>::from_object)
            .filter(|p| p.metadata.deletion_timestamp.is_none())
            .and_then(|p| {
                let node = api
                    .get_ref(Kind::Node, "", p.node_name()?)
                    .and_then(<Node as crate::api::Resource>::from_object)?;
                toleration_window(p, node)
            });
        match when {
            None => {
                if self.evictions.remove(key).is_some()
                    && let Some(obj) = api.get_arc(Kind::Pod, &key.0, &key.1)
                {
                    events::record(
                        api,
                        &eviction_actor(),
                        &obj,
                        "",
                        events::NORMAL,
                        "TaintManagerEviction",
                        &format!("Cancelling deletion of Pod {}/{}", key.0, key.1),
                    );
                }
            }
            Some(window) => {
                let start = self.evictions.get(key).map_or(now, |(start, _)| *start);
                let due = start.plus(window);
                self.evictions.insert(key.clone(), (start, due));
            }
        }
    }
}

/// How long a pod may stay on the node given its NoExecute taints: `None` when there are none
/// or every one is tolerated forever, zero when one is not tolerated at all
/// (`getMinTolerationTime` over `GetMatchingTolerations`).
fn toleration_window(pod: &Pod, node: &Node) -> Option<Duration> {
    let taints: Vec<&Taint> = node
        .spec
        .taints
        .iter()
        .filter(|t| t.effect == "NoExecute")
        .collect();
    if taints.is_empty() {
        return None;
    }
    let mut used = Vec::new();
    for t in &taints {
        match pod.spec.tolerations.iter().find(|tol| tol.tolerates(t)) {
            Some(tol) => used.push(tol),
            None => return Some(Duration::ZERO),
        }
    }
    let min = used.iter().filter_map(|t| t.toleration_seconds).min()?;
    Some(Duration::seconds(u64::try_from(min.max(0)).unwrap_or(0)))
}

/// Whether a scheduled eviction still applies when it fires.
fn eviction_due(api: &ApiServer, key: &Key, _now: Time) -> bool {
    let Ok(p) = api.get_as::<Pod>(&key.0, &key.1) else {
        return false;
    };
    if p.metadata.deletion_timestamp.is_some() {
        return false;
    }
    let Some(node) = p.node_name().and_then(|n| api.get_as::<Node>("", n).ok()) else {
        return false;
    };
    toleration_window(&p, &node).is_some()
}

/// `addConditionAndDeletePod` with the `TaintManagerEviction` event.
fn evict(api: &mut ApiServer, key: &Key, now: Time) {
    let Ok(mut pod) = api.get_as::<Pod>(&key.0, &key.1) else {
        return;
    };
    if let Some(obj) = api.get_arc(Kind::Pod, &key.0, &key.1) {
        events::record(
            api,
            &eviction_actor(),
            &obj,
            "",
            events::NORMAL,
            "TaintManagerEviction",
            &format!("Marking for deletion Pod {}/{}", key.0, key.1),
        );
    }
    let status = pod.status.get_or_insert_with(Default::default);
    if !status
        .conditions
        .iter()
        .any(|c| c.type_ == "DisruptionTarget" && c.status == "True")
    {
        status.conditions.retain(|c| c.type_ != "DisruptionTarget");
        status.conditions.push(Condition {
            type_: "DisruptionTarget".into(),
            status: "True".into(),
            last_transition_time: Some(now.rfc3339().into()),
            reason: Some("DeletionByTaintManager".into()),
            message: Some("Taint manager: deleting due to NoExecute taint".into()),
            ..Default::default()
        });
        let _ = api.update_status(&eviction_actor(), Object::Pod(Box::new(pod)));
    }
    let _ = api.delete(
        &eviction_actor(),
        Kind::Pod,
        &key.0,
        &key.1,
        &DeleteOptions::default(),
    );
}

/// `tryUpdateNodeHealth` for a node past its grace period: every condition Unknown; then
/// `NodeNotReady` and `MarkPodsNotReady`. Whether the node changed.
fn mark_unknown(api: &mut ApiServer, name: &str, now: Time) -> bool {
    let Ok(mut node) = api.get_as::<Node>("", name) else {
        return false;
    };
    let was_ready = node.is_ready();
    let at = Str::from(now.rfc3339());
    let created = node.metadata.creation_timestamp.as_deref().map(Str::new);
    let status = node.status.get_or_insert_with(Default::default);
    let mut changed = false;
    for type_ in ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"] {
        match status.conditions.iter_mut().find(|c| c.type_ == type_) {
            Some(c) if c.status != "Unknown" => {
                c.status = "Unknown".into();
                c.reason = Some("NodeStatusUnknown".into());
                c.message = Some("Kubelet stopped posting node status.".into());
                c.last_transition_time = Some(at.clone());
                changed = true;
            }
            Some(_) => {}
            None => {
                status.conditions.push(Condition {
                    type_: type_.into(),
                    status: "Unknown".into(),
                    last_heartbeat_time: created.clone(),
                    last_transition_time: Some(at.clone()),
                    reason: Some("NodeStatusNeverUpdated".into()),
                    message: Some("Kubelet never posted node status.".into()),
                    ..Default::default()
                });
                changed = true;
            }
        }
    }
    if !changed {
        return false;
    }
    let Ok(stored) = api.update_status(&node_actor(), Object::Node(Box::new(node))) else {
        return false;
    };
    if was_ready {
        events::record(
            api,
            &node_actor(),
            &stored,
            "",
            events::NORMAL,
            "NodeNotReady",
            &format!("Node {name} status is now: NodeNotReady"),
        );
    }
    mark_pods_not_ready(api, name, now);
    true
}

/// `MarkPodsNotReady`: the Ready condition of every pod on the node turns False.
fn mark_pods_not_ready(api: &mut ApiServer, node: &str, now: Time) {
    let pods: Vec<Pod> = api
        .iter_as::<Pod>(None)
        .filter(|p| p.node_name() == Some(node))
        .filter(|p| p.condition("Ready").is_some_and(|c| c.status != "False"))
        .cloned()
        .collect();
    for mut pod in pods {
        if let Some(c) = pod
            .status
            .as_mut()
            .and_then(|s| s.conditions.iter_mut().find(|c| c.type_ == "Ready"))
        {
            c.status = "False".into();
            c.last_transition_time = Some(now.rfc3339().into());
        }
        if let Ok(stored) = api.update_status(&node_actor(), Object::Pod(Box::new(pod))) {
            events::record(
                api,
                &node_actor(),
                &stored,
                "",
                events::WARNING,
                "NodeNotReady",
                "Node is not ready",
            );
        }
    }
}

/// `doNoScheduleTaintingPass` and `doNoExecuteTaintingPass` for the Ready condition: Unknown →
/// `unreachable`, False → `not-ready`, True → neither. Whether the taints changed.
fn update_taints(api: &mut ApiServer, name: &str, now: Time) -> bool {
    let Ok(mut node) = api.get_as::<Node>("", name) else {
        return false;
    };
    let want = match node.condition("Ready").map(|c| c.status.as_str()) {
        Some("Unknown") => Some(UNREACHABLE_TAINT),
        Some("False") => Some(NOT_READY_TAINT),
        _ => None,
    };
    let ours = |t: &Taint| {
        (t.key == UNREACHABLE_TAINT || t.key == NOT_READY_TAINT)
            && (t.effect == "NoSchedule" || t.effect == "NoExecute")
    };
    let current: Vec<Taint> = node
        .spec
        .taints
        .iter()
        .filter(|t| ours(t))
        .cloned()
        .collect();
    let fits = |key: &str, effect: &str| current.iter().any(|t| t.key == key && t.effect == effect);
    let up_to_date = match want {
        None => current.is_empty(),
        Some(key) => current.len() == 2 && fits(key, "NoSchedule") && fits(key, "NoExecute"),
    };
    if up_to_date {
        return false;
    }
    node.spec.taints.retain(|t| !ours(t));
    if let Some(key) = want {
        node.spec.taints.push(Taint {
            key: key.into(),
            value: None,
            effect: "NoSchedule".into(),
            time_added: None,
        });
        node.spec.taints.push(Taint {
            key: key.into(),
            value: None,
            effect: "NoExecute".into(),
            time_added: Some(now.rfc3339()),
        });
    }
    api.update(&node_actor(), Object::Node(Box::new(node)))
        .is_ok()
}
