//! The control loops: kube-controller-manager's controllers, the scheduler and the kubelets, run
//! level-triggered until nothing changes (with a work budget against runaway loops).

pub mod daemon_set;
pub mod deployment;
pub mod disruption;
pub mod endpoint_slice;
pub mod endpoints;
pub mod garbage_collector;
pub mod namespace;
pub mod node_lifecycle;
pub mod persistent_volume;
pub mod pod_gc;
pub mod replica_set;
pub mod resource_quota;
pub mod service_account;

use std::collections::BTreeSet;

use crate::api::Kind;
use crate::apiserver::ApiServer;
use crate::kubelet::Kubelets;
use crate::scheduler::Scheduler;

/// Rounds of reconciliation `settle` may run before it reports a runaway loop.
pub const WORK_BUDGET_ROUNDS: usize = 10_000;
/// Writes one `settle` may make before it stops and reports a runaway loop.
pub const DEFAULT_WORK_BUDGET_WRITES: u64 = 200_000;

pub(crate) type Key = (String, String);

/// Keys of `kind` objects to reconcile: those changed since `cursor`, and the controllers
/// (`ownerReferences` with `controller: true` of kind `kind_name`) of other changed objects.
/// A compacted log means a relist: every object of the kind.
pub(crate) fn changed_keys(
    api: &ApiServer,
    cursor: &mut u64,
    kind: Kind,
    kind_name: &str,
) -> BTreeSet<Key> {
    let mut keys = BTreeSet::new();
    match api.watch(*cursor) {
        Ok(events) => {
            // The owner of the previous event: runs of events about one owner's objects (its
            // pods starting) are inserted once.
            let mut last: Option<(&str, &str)> = None;
            for e in events {
                let m = e.object.metadata();
                if e.object.kind() == kind {
                    keys.insert((m.namespace.to_string(), m.name.to_string()));
                } else if kind == Kind::DaemonSet && e.object.kind() == Kind::Node {
                    // Nodes coming, going or changing labels and taints concern every DaemonSet.
                    for ds in api.iter(Kind::DaemonSet, None) {
                        let dm = ds.metadata();
                        keys.insert((dm.namespace.to_string(), dm.name.to_string()));
                    }
                } else if let Some(r) = m.controller() {
                    if r.kind == kind_name {
                        let owner = (m.namespace.as_str(), r.name.as_str());
                        if last != Some(owner) {
                            keys.insert((m.namespace.to_string(), r.name.to_string()));
                            last = Some(owner);
                        }
                    } else if kind == Kind::Deployment
                        && r.kind == "ReplicaSet"
                        && e.type_ == crate::apiserver::EventType::Deleted
                    {
                        // A Recreate rollout waits for the old pods to be gone.
                        let owner = api
                            .get_ref(Kind::ReplicaSet, &m.namespace, &r.name)
                            .and_then(|rs| rs.metadata().controller())
                            .filter(|d| d.kind == kind_name);
                        if let Some(d) = owner {
                            keys.insert((m.namespace.to_string(), d.name.to_string()));
                        }
                    }
                } else if kind == Kind::ReplicaSet && e.object.kind() == Kind::Pod {
                    // An orphan pod may be adopted by any ReplicaSet of its namespace.
                    for rs in api.iter(Kind::ReplicaSet, Some(&m.namespace)) {
                        keys.insert((m.namespace.to_string(), rs.metadata().name.to_string()));
                    }
                }
            }
        }
        Err(_) => {
            for o in api.iter(kind, None) {
                keys.insert((
                    o.metadata().namespace.to_string(),
                    o.metadata().name.to_string(),
                ));
            }
        }
    }
    *cursor = api.resource_version();
    keys
}

/// Every control loop of the cluster.
#[derive(Clone, Debug, Default)]
pub struct ControllerManager {
    pub replica_set: replica_set::ReplicaSetController,
    pub deployment: deployment::DeploymentController,
    pub disruption: disruption::DisruptionController,
    pub daemon_set: daemon_set::DaemonSetController,
    pub endpoints: endpoints::EndpointsController,
    pub endpoint_slice: endpoint_slice::EndpointSliceController,
    pub garbage_collector: garbage_collector::GarbageCollector,
    pub namespace: namespace::NamespaceController,
    pub pod_gc: pod_gc::PodGcController,
    pub resource_quota: resource_quota::ResourceQuotaController,
    pub persistent_volume: persistent_volume::PersistentVolumeController,
    pub heartbeats: crate::heartbeat::Heartbeats,
    pub node_lifecycle: node_lifecycle::NodeLifecycleController,
    pub scheduler: Scheduler,
    pub kubelets: Kubelets,
    /// Writes one `run` may make (0 means [`DEFAULT_WORK_BUDGET_WRITES`]).
    pub work_budget_writes: u64,
    /// Set when the last `run` stopped on the work budget.
    pub budget_exhausted: bool,
}

impl ControllerManager {
    /// The next moment any component has timed work due (a kubelet step, a progress deadline,
    /// a heartbeat), if any.
    pub fn next_due(&self, api: &ApiServer) -> Option<crate::Time> {
        [
            self.kubelets.next_due(),
            self.deployment.next_due(),
            self.disruption.next_due(),
            Some(self.heartbeats.next_due()),
            self.node_lifecycle.next_due(api),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// Runs every loop until a whole round writes nothing. Returns `false` if the work budget ran
    /// out first (a runaway loop).
    pub fn run(&mut self, api: &mut ApiServer) -> bool {
        self.budget_exhausted = false;
        let start = api.resource_version();
        let budget = match self.work_budget_writes {
            0 => DEFAULT_WORK_BUDGET_WRITES,
            n => n,
        };
        for _ in 0..WORK_BUDGET_ROUNDS {
            let before = api.resource_version();
            if before - start >= budget {
                break;
            }
            service_account::ServiceAccountsController::sync_all(api);
            service_account::RootCaCertPublisher::sync_all(api);
            self.namespace.sync(api);
            self.deployment.sync(api);
            self.replica_set.sync(api);
            self.daemon_set.sync(api);
            self.endpoints.sync(api);
            self.endpoint_slice.sync(api);
            self.garbage_collector.sync(api);
            self.pod_gc.sync(api);
            self.persistent_volume.sync(api);
            self.resource_quota.sync(api);
            self.disruption.sync(api);
            self.heartbeats.sync(api);
            self.node_lifecycle.sync(api);
            self.scheduler.sync(api);
            self.kubelets.sync(api);
            // Every loop has now read what was written before this round.
            api.compact_log(before);
            if api.resource_version() == before {
                return true;
            }
        }
        self.budget_exhausted = true;
        false
    }
}
/// `controller.ComputeHash`: the `pod-template-hash` of a template and collision count, an
/// FNV-32a hash printed in decimal and safe-encoded with the name-suffix alphabet.
///
/// Simplification: upstream hashes Go's `spew` dump of the template; Timonel hashes its JSON, so
/// the characters and length look the same but the values differ from a real cluster's.
pub fn compute_hash(
    template: &crate::api::deployment::PodTemplateSpec,
    collision_count: Option<i32>,
) -> String {
    let mut h: u32 = 0x811c_9dc5;
    let mut feed = |bytes: &[u8]| {
        for b in bytes {
            h ^= u32::from(*b);
            h = h.wrapping_mul(0x0100_0193);
        }
    };
    feed(
        serde_json::to_string(template)
            .unwrap_or_default()
            .as_bytes(),
    );
    if let Some(c) = collision_count {
        feed(&c.to_le_bytes());
    }
    safe_encode(&h.to_string())
}

/// `rand.SafeEncodeString`.
pub fn safe_encode(s: &str) -> String {
    let alphabet = crate::rng::NAME_SUFFIX_ALPHABET;
    s.bytes()
        .map(|b| alphabet[usize::from(b) % alphabet.len()] as char)
        .collect()
}
