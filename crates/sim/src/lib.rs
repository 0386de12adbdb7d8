//! Timonel's simulated Kubernetes cluster: a deterministic state machine.
//!
//! `sim` knows nothing of the DOM, YAML text, kubectl syntax, the wall clock or OS randomness.
//! Time enters only through the virtual clock and randomness only through the seed, so the same
//! seed and the same requests always give the same cluster.
//!
//! Everything talks through the [`apiserver::ApiServer`]: kubectl, controllers, the scheduler and
//! the kubelets read its store and write through its verbs, and every write is recorded in the
//! watch log with the component that made it.

pub mod api;
pub mod apiserver;
mod bootstrap;
pub mod clock;
pub mod controllers;
pub mod events;
pub mod heartbeat;
pub mod kubelet;
pub mod labels;
mod networking;
pub mod pools;
pub mod rng;
pub mod scheduler;
pub mod version;
pub mod views;
pub mod views_why;
mod wasm_mem;

pub use api::{Kind, Object, Resource};
pub use apiserver::{
    Actor, ApiServer, DeleteOptions, FieldValidation, ListOptions, ObjectList, Patch, PatchType,
    PropagationPolicy, Status, StatusReason, WatchEvent, WriteOptions, WriteResult,
};
pub use clock::{Duration, Time};
pub use version::{KUBERNETES_VERSION, VersionInfo};

/// How a fresh cluster is built: a plain struct, so a UI, a test or the CLI can change it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// The cluster's name, as `kind` would name it (`kind create cluster --name timonel`).
    pub name: String,
    /// Seed of the one random number generator every component draws from.
    pub seed: u64,
    /// Worker nodes beside the control-plane node.
    pub workers: u32,
    /// CPU cores of every node (capacity and allocatable).
    pub node_cpu: u32,
    /// Memory of every node in MiB (capacity and allocatable).
    pub node_memory_mib: u64,
    /// Maximum pods per node (the kubelet's `--max-pods`).
    pub max_pods: u32,
    /// How many of the newest watch events the api-server keeps after every control loop has
    /// read them, for readers such as the activity feed (older cursors get 410 Gone).
    pub watch_history: usize,
    /// Writes one `settle` may make before it stops and reports a runaway loop.
    pub work_budget_writes: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            name: "timonel".to_string(),
            seed: 1,
            workers: 2,
            node_cpu: 4,
            node_memory_mib: 8 * 1024,
            max_pods: 110,
            watch_history: 1_000,
            work_budget_writes: controllers::DEFAULT_WORK_BUDGET_WRITES,
        }
    }
}

/// The simulated cluster.
#[derive(Clone, Debug)]
pub struct Cluster {
    config: Config,
    api: ApiServer,
    controllers: controllers::ControllerManager,
}

impl Cluster {
    /// Boots a cluster as `kind create cluster` leaves it: nodes, system namespaces, service
    /// accounts and the kube-system pods, all created through the api-server.
    pub fn new(config: Config) -> Self {
        let api = ApiServer::new(config.seed, config.watch_history);
        let controllers = controllers::ControllerManager {
            work_budget_writes: config.work_budget_writes,
            ..Default::default()
        };
        let mut cluster = Cluster {
            config,
            api,
            controllers,
        };
        bootstrap::boot(&mut cluster);
        cluster
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// What the api-server answers on `/version`.
    pub fn server_version(&self) -> VersionInfo {
        VersionInfo::server()
    }

    /// Node names as `kind` names them: `<name>-control-plane`, `<name>-worker`,
    /// `<name>-worker2`, …
    pub fn node_names(&self) -> Vec<String> {
        let name = &self.config.name;
        let mut nodes = vec![format!("{name}-control-plane")];
        for i in 1..=self.config.workers {
            nodes.push(match i {
                1 => format!("{name}-worker"),
                n => format!("{name}-worker{n}"),
            });
        }
        nodes
    }

    /// Adds a worker node as `kind` would name it (`<name>-worker<N>`), registered by its
    /// kubelet. Returns the node's name.
    pub fn add_worker(&mut self) -> Result<String, Status> {
        let existing: Vec<String> = self
            .api
            .iter(Kind::Node, None)
            .map(|n| n.metadata().name.to_string())
            .collect();
        let mut n = 1;
        let name = loop {
            let candidate = match n {
                1 => format!("{}-worker", self.config.name),
                n => format!("{}-worker{n}", self.config.name),
            };
            if !existing.contains(&candidate) {
                break candidate;
            }
            n += 1;
        };
        // The node IPAM range allocator hands out the lowest free pod CIDR.
        let used: std::collections::BTreeSet<usize> = self
            .api
            .iter_as::<api::Node>(None)
            .filter_map(|n| n.spec.pod_cidr.as_deref()?.split('.').nth(2)?.parse().ok())
            .collect();
        let index = (0..).find(|i| !used.contains(i)).unwrap_or(existing.len());
        let node = bootstrap::node_object(
            &self.config.name,
            &name,
            index,
            false,
            &self.config,
            &mut self.api,
        );
        self.api.create(&Actor::kubelet(&name), node)?;
        Ok(name)
    }

    /// The control-plane node's name, as `kind` names it (`<name>-control-plane`).
    pub fn control_plane_node(&self) -> String {
        format!("{}-control-plane", self.config.name)
    }

    /// Removes a node's machine, as when `kind`'s node container is deleted: its kubelet stops
    /// and the Node is deleted (its pods are then collected by pod GC and recreated elsewhere by
    /// their controllers; its Lease goes with it). The control-plane node is refused (Forbidden):
    /// the api-server runs on its machine.
    ///
    /// Simplification: the Node is deleted at once, by the cloud node lifecycle controller, as a
    /// cloud provider's does once the machine is gone (kind itself would leave it NotReady).
    pub fn remove_node(&mut self, name: &str) -> Result<(), Status> {
        if name == self.control_plane_node() {
            return Err(Status::forbidden(
                Kind::Node.info(),
                name,
                "the api-server runs on the control-plane node's machine",
            ));
        }
        self.api.delete(
            &Actor::new("cloud-node-lifecycle-controller"),
            Kind::Node,
            "",
            name,
            &DeleteOptions::default(),
        )?;
        self.controllers.heartbeats.start(name);
        self.settle();
        Ok(())
    }

    /// Stops a node's kubelet, as if the node crashed or lost its network: it no longer renews
    /// its Lease nor posts status, so after the grace period the node lifecycle controller marks
    /// it NotReady and taints it. Returns `false` if the kubelet was already stopped or there is
    /// no such node.
    ///
    /// Simplification: only the heartbeats stop; the node's pod workers keep going (the kubelet
    /// module does not consult this yet), so pods evicted from it finish terminating.
    pub fn stop_kubelet(&mut self, node: &str) -> bool {
        if self.api.get_ref(Kind::Node, "", node).is_none() {
            return false;
        }
        self.controllers.heartbeats.stop(node)
    }

    /// Starts a stopped kubelet again: it renews its Lease and posts a Ready status at once, and
    /// the node lifecycle controller lifts its taints. Returns `false` if it was not stopped.
    pub fn start_kubelet(&mut self, node: &str) -> bool {
        let was = self.controllers.heartbeats.start(node);
        if was {
            self.settle();
        }
        was
    }

    /// Whether a node's kubelet is stopped.
    pub fn kubelet_stopped(&self, node: &str) -> bool {
        self.controllers.heartbeats.is_stopped(node)
    }

    /// The api-server: reads and the request verbs.
    pub fn api(&self) -> &ApiServer {
        &self.api
    }

    /// The api-server for writes. Writes do not run controllers: call [`Cluster::settle`] (or
    /// [`Cluster::advance`]) to let the control plane react.
    pub fn api_mut(&mut self) -> &mut ApiServer {
        &mut self.api
    }

    /// The current virtual time.
    pub fn now(&self) -> Time {
        self.api.now()
    }

    /// Runs every component until nothing more is due now. Returns `false` if the work budget
    /// ran out (a runaway loop), leaving the cluster consistent but unsettled.
    pub fn settle(&mut self) -> bool {
        self.controllers.run(&mut self.api)
    }

    /// Whether the last settle stopped on the work budget (a runaway loop, or a huge request such
    /// as a million replicas): the cluster is consistent, and the next settle carries on.
    pub fn budget_exhausted(&self) -> bool {
        self.controllers.budget_exhausted
    }

    /// Moves the virtual clock forward by `d`, stopping at every moment a component has work
    /// due (a kubelet finishing an image pull, a grace period ending) and settling there.
    /// Returns `false` if a settle ran out of work budget.
    pub fn advance(&mut self, d: Duration) -> bool {
        let target = self.api.now().plus(d);
        let mut ok = self.settle();
        while let Some(due) = self.controllers.next_due(&self.api) {
            if due > target {
                break;
            }
            self.api.advance_clock_to(due);
            ok &= self.settle();
        }
        self.api.advance_clock_to(target);
        ok &= self.settle();
        ok
    }

    /// The scheduler's record of its latest attempts (per node, per plugin).
    pub fn scheduler(&self) -> &scheduler::Scheduler {
        &self.controllers.scheduler
    }

    /// Every node with its pods, as plain sorted data for a UI.
    pub fn node_views(&self) -> Vec<views::NodeView> {
        views::node_views(&self.api)
    }

    /// The control-plane activity feed since a resourceVersion (0 for everything kept).
    pub fn activity_since(&self, after: u64) -> Vec<views::Activity> {
        views::activity_since(&self.api, after)
    }

    /// The kubelets (image caches, pod workers).
    pub fn kubelets(&self) -> &kubelet::Kubelets {
        &self.controllers.kubelets
    }

    /// Everything the cluster holds, serialized: objects in key order and the watch log.
    /// Equal seeds and requests give byte-identical snapshots.
    pub fn snapshot(&self) -> serde_json::Value {
        let log: Vec<serde_json::Value> = self
            .api
            .log()
            .iter()
            .map(|e| serde_json::to_value(e).unwrap_or_default())
            .collect();
        serde_json::json!({ "objects": self.api.dump(), "log": log })
    }
}

impl Default for Cluster {
    fn default() -> Self {
        Cluster::new(Config::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_default_cluster_is_named_like_a_kind_cluster() {
        let cluster = Cluster::default();
        assert_eq!(
            cluster.node_names(),
            ["timonel-control-plane", "timonel-worker", "timonel-worker2"]
        );
    }

    #[test]
    fn the_server_reports_kubernetes_1_36() {
        let v = Cluster::default().server_version();
        assert_eq!(v.major, "1");
        assert_eq!(v.minor, "36");
        assert!(v.git_version.starts_with("v1.36."));
    }
}
