//! The kubelets' heartbeats: each node's kubelet renews its Lease in `kube-node-lease` every
//! 10 s (`renewInterval`, a quarter of the 40 s lease) and posts its node status (the
//! conditions' `lastHeartbeatTime`) every 5 minutes (`nodeStatusReportFrequency`) or when a
//! condition changes. A kubelet can be stopped (a crashed or disconnected node) and started again.
//!
//! Simplification: all kubelets renew in the same instant, at every multiple of 10 s of virtual
//! time (and post status at every multiple of 5 minutes), one batch of writes per round, rather
//! than each on its own jittered timer: a thousand nodes cost one settle per round, and every
//! observable time (`renewTime`, `lastHeartbeatTime`) is still one the kubelet would have written.

use std::collections::BTreeSet;

use crate::api::{Condition, Kind, Lease, Node, Object, lease::LeaseSpec};
use crate::apiserver::{Actor, ApiServer, EventType};
use crate::clock::{Duration, Time};

/// Namespace of the node Leases.
pub const LEASE_NAMESPACE: &str = "kube-node-lease";
/// The kubelet's `nodeLeaseDurationSeconds`.
pub const LEASE_DURATION_SECONDS: i32 = 40;
/// How often a kubelet renews its Lease (a quarter of the lease duration).
pub const RENEW_INTERVAL: Duration = Duration::seconds(10);
/// `nodeStatusReportFrequency`: how often an unchanged node status is posted anyway.
pub const STATUS_REPORT_FREQUENCY: Duration = Duration::minutes(5);

/// Every kubelet's heartbeat loop.
#[derive(Clone, Debug, Default)]
pub struct Heartbeats {
    cursor: u64,
    /// Nodes whose kubelet is stopped: no renewals, no status.
    stopped: BTreeSet<String>,
    /// Kubelets started again, to renew and post status at once.
    restarted: BTreeSet<String>,
    /// The time of the last renewal round.
    last_round: Time,
}

/// The first multiple of `every` strictly after `t`.
fn next_multiple(t: Time, every: Duration) -> Time {
    let e = every.as_millis().max(1);
    Time((t.0 / e + 1) * e)
}

impl Heartbeats {
    /// When the next renewal round is due.
    pub fn next_due(&self) -> Time {
        next_multiple(self.last_round, RENEW_INTERVAL)
    }

    /// Whether the node's kubelet is stopped.
    pub fn is_stopped(&self, node: &str) -> bool {
        self.stopped.contains(node)
    }

    /// Stops a node's kubelet: its Lease and status go stale. Returns whether it was running.
    pub fn stop(&mut self, node: &str) -> bool {
        self.restarted.remove(node);
        self.stopped.insert(node.to_string())
    }

    /// Starts a stopped kubelet again; it renews its Lease and posts a Ready status at once.
    /// Returns whether it was stopped.
    pub fn start(&mut self, node: &str) -> bool {
        let was = self.stopped.remove(node);
        if was {
            self.restarted.insert(node.to_string());
        }
        was
    }

    /// Creates Leases of new nodes, runs the renewal and status rounds that are due, and lets
    /// restarted kubelets report.
    pub fn sync(&mut self, api: &mut ApiServer) {
        let now = api.now();
        // New nodes register their Lease.
        let mut new_nodes: BTreeSet<String> = BTreeSet::new();
        match api.watch(self.cursor) {
            Ok(events) => {
                for e in events {
                    if e.type_ == EventType::Added && e.object.kind() == Kind::Node {
                        new_nodes.insert(e.object.metadata().name.to_string());
                    }
                }
            }
            Err(_) => {
                for n in api.iter(Kind::Node, None) {
                    new_nodes.insert(n.metadata().name.to_string());
                }
            }
        }
        for node in &new_nodes {
            if !self.stopped.contains(node)
                && api.get_ref(Kind::Lease, LEASE_NAMESPACE, node).is_none()
            {
                renew(api, node, now);
            }
        }
        // The round due (the clock stops at each, so rounds are not skipped).
        if now >= self.next_due() {
            let every = RENEW_INTERVAL.as_millis();
            let report = STATUS_REPORT_FREQUENCY.as_millis();
            let status_round = now.0 / report > self.last_round.0 / report;
            self.last_round = Time(now.0 / every * every);
            let nodes: Vec<String> = api
                .iter(Kind::Node, None)
                .map(|n| n.metadata().name.to_string())
                .filter(|n| !self.stopped.contains(n.as_str()))
                .collect();
            for node in &nodes {
                renew(api, node, now);
                if status_round {
                    post_status(api, node);
                }
            }
        }
        for node in std::mem::take(&mut self.restarted) {
            if api.get_ref(Kind::Node, "", &node).is_some() {
                renew(api, &node, now);
                post_status(api, &node);
                resync_pod_readiness(api, &node, now);
            }
        }
        self.cursor = api.resource_version();
    }
}

/// The kubelet's status manager after a restart: pods the node lifecycle controller marked not
/// ready while the kubelet was away, whose containers all run and are ready, are Ready again.
fn resync_pod_readiness(api: &mut ApiServer, node: &str, now: Time) {
    let pods: Vec<crate::api::Pod> = api
        .iter_as::<crate::api::Pod>(None)
        .filter(|p| p.node_name() == Some(node) && p.metadata.deletion_timestamp.is_none())
        .filter(|p| p.condition("Ready").is_some_and(|c| c.status == "False"))
        .filter(|p| {
            p.status.as_ref().is_some_and(|s| {
                !s.container_statuses.is_empty()
                    && s.container_statuses
                        .iter()
                        .all(|c| c.ready && c.state.running.is_some())
            })
        })
        .cloned()
        .collect();
    for mut pod in pods {
        if let Some(c) = pod
            .status
            .as_mut()
            .and_then(|s| s.conditions.iter_mut().find(|c| c.type_ == "Ready"))
        {
            c.status = "True".into();
            c.last_transition_time = Some(now.rfc3339().into());
        }
        let _ = api.update_status(&Actor::kubelet(node), Object::Pod(Box::new(pod)));
    }
}

/// The kubelet's node lease controller: creates or renews `kube-node-lease/<node>`.
fn renew(api: &mut ApiServer, node: &str, now: Time) {
    let actor = Actor::kubelet(node);
    let renew_time = now.rfc3339_micro();
    if let Ok(mut lease) = api.get_as::<Lease>(LEASE_NAMESPACE, node) {
        lease.spec.renew_time = Some(renew_time);
        let _ = api.update(&actor, lease);
        return;
    }
    let Ok(owner) = api.get_as::<Node>("", node) else {
        return;
    };
    let mut meta = crate::api::ObjectMeta::named(LEASE_NAMESPACE, node);
    meta.owner_references = vec![crate::api::OwnerReference {
        api_version: "v1".into(),
        kind: "Node".into(),
        name: crate::api::Str::new(node),
        uid: owner.metadata.uid.clone(),
        controller: None,
        block_owner_deletion: None,
    }]
    .into();
    let lease = Lease {
        metadata: meta,
        spec: LeaseSpec {
            holder_identity: Some(node.into()),
            lease_duration_seconds: Some(LEASE_DURATION_SECONDS),
            renew_time: Some(renew_time),
            ..Default::default()
        },
    };
    let _ = api.create(&actor, lease);
}

/// The kubelet's node status: conditions of a healthy node, heartbeat now; a condition whose
/// status changes gets a new transition time.
fn post_status(api: &mut ApiServer, node: &str) {
    let Ok(mut n) = api.get_as::<Node>("", node) else {
        return;
    };
    let at = api.timestamp();
    let status = n.status.get_or_insert_with(Default::default);
    for (type_, s, reason, message) in [
        (
            "MemoryPressure",
            "False",
            "KubeletHasSufficientMemory",
            "kubelet has sufficient memory available",
        ),
        (
            "DiskPressure",
            "False",
            "KubeletHasNoDiskPressure",
            "kubelet has no disk pressure",
        ),
        (
            "PIDPressure",
            "False",
            "KubeletHasSufficientPID",
            "kubelet has sufficient PID available",
        ),
        (
            "Ready",
            "True",
            "KubeletReady",
            "kubelet is posting ready status",
        ),
    ] {
        match status.conditions.iter_mut().find(|c| c.type_ == type_) {
            Some(c) => {
                if c.status != s {
                    c.last_transition_time = Some(at.clone());
                }
                c.status = s.into();
                c.reason = Some(reason.into());
                c.message = Some(message.into());
                c.last_heartbeat_time = Some(at.clone());
            }
            None => status.conditions.push(Condition {
                type_: type_.into(),
                status: s.into(),
                last_heartbeat_time: Some(at.clone()),
                last_transition_time: Some(at.clone()),
                reason: Some(reason.into()),
                message: Some(message.into()),
                ..Default::default()
            }),
        }
    }
    let _ = api.update_status(&Actor::kubelet(node), Object::Node(Box::new(n)));
}
