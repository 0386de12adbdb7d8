//! The scheduler cache (`internal/cache`): nodes and the pods bound to them, kept up to date from
//! the watch log so that an attempt never re-reads every pod. Per node: the requested resources
//! and pod count (NodeResourcesFit, BalancedAllocation); per pod: namespace, labels and pod
//! (anti-)affinity (PodTopologySpread, InterPodAffinity).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::api::pod::Affinity;
use crate::api::{Kind, Node, Object, Pod, Resource};
use crate::apiserver::ApiServer;
use crate::labels::Selector;

use super::plugins::{self, NodeInfo};

pub(crate) type Key = (String, String);

/// Requests of the pods bound to a node: real (for filters) and non-zero (for scores).
/// Sums wrap instead of saturating so that removing a pod undoes adding it exactly.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Usage {
    pub cpu: i128,
    pub memory: i128,
    pub pods: i128,
    pub nonzero_cpu: i128,
    pub nonzero_memory: i128,
}

impl Usage {
    pub fn add(&mut self, requests: (i128, i128), sign: i128) {
        let (cpu, mem) = requests;
        let (nzc, nzm) = plugins::non_zero(requests);
        self.cpu = self.cpu.wrapping_add(sign.wrapping_mul(cpu));
        self.memory = self.memory.wrapping_add(sign.wrapping_mul(mem));
        self.pods = self.pods.wrapping_add(sign * 1000);
        self.nonzero_cpu = self.nonzero_cpu.wrapping_add(sign.wrapping_mul(nzc));
        self.nonzero_memory = self.nonzero_memory.wrapping_add(sign.wrapping_mul(nzm));
    }
}

/// What the plugins need to know about a pod bound to a node.
#[derive(Clone, Debug)]
pub(crate) struct CachedPod {
    pub namespace: String,
    pub labels: BTreeMap<String, String>,
    pub node: String,
    /// Position of `node` in the cache's nodes (`usize::MAX` if unknown).
    pub node_index: usize,
    pub requests: (i128, i128),
    /// Being deleted: still uses resources, but PodTopologySpread does not count it.
    pub terminating: bool,
    /// Pod affinity or anti-affinity, when the pod has any.
    pub affinity: Option<Arc<Affinity>>,
}

impl CachedPod {
    fn of(p: &Pod) -> Option<CachedPod> {
        let node = p.node_name()?;
        if p.is_terminal() {
            return None;
        }
        let affinity = p
            .spec
            .affinity
            .as_ref()
            .filter(|a| a.pod_affinity.is_some() || a.pod_anti_affinity.is_some())
            .map(|a| Arc::new(a.clone()));
        Some(CachedPod {
            namespace: p.metadata.namespace.clone(),
            labels: p.metadata.labels.clone(),
            node: node.to_string(),
            node_index: usize::MAX,
            requests: plugins::pod_requests(p),
            terminating: p.metadata.deletion_timestamp.is_some(),
            affinity,
        })
    }
}

/// One node of the cache.
#[derive(Clone, Debug)]
pub(crate) struct NodeEntry {
    pub object: Arc<Object>,
    pub allocatable: (i128, i128, i128),
    /// Neither cordoned nor tainted (see `Cycle::plain`).
    pub plain: bool,
    pub usage: Usage,
}

impl NodeEntry {
    pub fn node(&self) -> Option<&Node> {
        Node::from_object(&self.object)
    }

    pub fn info(&self) -> Option<NodeInfo<'_>> {
        self.info_with(self.node()?)
    }

    /// The node's usage without reading the node object: for the plugins that only look at
    /// requests and allocatable (reading a thousand node objects per attempt is what costs).
    pub fn usage_info(&self) -> NodeInfo<'static> {
        static PLACEHOLDER: std::sync::OnceLock<Node> = std::sync::OnceLock::new();
        let node = PLACEHOLDER.get_or_init(Node::default);
        let u = self.usage;
        NodeInfo {
            node,
            requested_cpu: u.cpu,
            requested_memory: u.memory,
            pods: u.pods,
            nonzero_cpu: u.nonzero_cpu,
            nonzero_memory: u.nonzero_memory,
            allocatable: self.allocatable,
        }
    }

    fn info_with<'a>(&'a self, node: &'a Node) -> Option<NodeInfo<'a>> {
        let u = self.usage;
        Some(NodeInfo {
            node,
            requested_cpu: u.cpu,
            requested_memory: u.memory,
            pods: u.pods,
            nonzero_cpu: u.nonzero_cpu,
            nonzero_memory: u.nonzero_memory,
            allocatable: self.allocatable,
        })
    }
}

#[derive(Clone, Debug, Default)]
pub(crate) struct Cache {
    /// Nodes sorted by name.
    pub nodes: Vec<NodeEntry>,
    pub names: Arc<[String]>,
    pub index: BTreeMap<String, usize>,
    /// Bound, non-terminal pods (including the ones this scheduler just bound: assumed pods).
    pub pods: BTreeMap<Key, CachedPod>,
    /// Pods with pod affinity or anti-affinity (`HavePodsWithAffinityList`).
    pub with_affinity: BTreeSet<Key>,
    pub nodes_dirty: bool,
}

impl Cache {
    /// Applies the latest version of a pod (or its deletion).
    pub fn apply_pod(&mut self, key: Key, pod: Option<&Pod>) {
        self.remove(&key);
        if let Some(cached) = pod.and_then(CachedPod::of) {
            self.insert(key, cached);
        }
    }

    fn remove(&mut self, key: &Key) {
        if let Some(old) = self.pods.remove(key) {
            if let Some(&i) = self.index.get(&old.node)
                && let Some(n) = self.nodes.get_mut(i)
            {
                n.usage.add(old.requests, -1);
            }
            self.with_affinity.remove(key);
        }
    }

    fn insert(&mut self, key: Key, mut cached: CachedPod) {
        if let Some(&i) = self.index.get(&cached.node)
            && let Some(n) = self.nodes.get_mut(i)
        {
            n.usage.add(cached.requests, 1);
            cached.node_index = i;
        }
        if cached.affinity.is_some() {
            self.with_affinity.insert(key.clone());
        }
        self.pods.insert(key, cached);
    }

    /// Re-reads the nodes (they changed) and recomputes their usage from the cached pods.
    pub fn rebuild_nodes(&mut self, api: &ApiServer) {
        let objects: Vec<Arc<Object>> = api
            .iter(Kind::Node, None)
            .filter_map(|n| api.get_arc(Kind::Node, "", &n.metadata().name))
            .collect();
        self.nodes = objects
            .into_iter()
            .filter_map(|object| {
                let node = Node::from_object(&object)?;
                let allocatable = NodeInfo::allocatable_of(node);
                let plain = !node.is_unschedulable() && node.spec.taints.is_empty();
                Some(NodeEntry {
                    allocatable,
                    plain,
                    usage: Usage::default(),
                    object,
                })
            })
            .collect();
        self.names = self
            .nodes
            .iter()
            .filter_map(|n| n.node().map(|n| n.metadata.name.clone()))
            .collect();
        self.index = self
            .names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.clone(), i))
            .collect();
        for p in self.pods.values_mut() {
            p.node_index = usize::MAX;
            if let Some(&i) = self.index.get(&p.node)
                && let Some(n) = self.nodes.get_mut(i)
            {
                n.usage.add(p.requests, 1);
                p.node_index = i;
            }
        }
        self.nodes_dirty = false;
    }

    /// Rebuilds everything from the store (first sync, or a compacted watch log).
    pub fn relist(&mut self, api: &ApiServer) {
        self.pods.clear();
        self.with_affinity.clear();
        for p in api.iter_as::<Pod>(None) {
            if let Some(cached) = CachedPod::of(p) {
                let key = (p.metadata.namespace.clone(), p.metadata.name.clone());
                if cached.affinity.is_some() {
                    self.with_affinity.insert(key.clone());
                }
                self.pods.insert(key, cached);
            }
        }
        self.rebuild_nodes(api);
    }

    /// The node index a cached pod is bound to.
    pub fn node_of(&self, p: &CachedPod) -> Option<usize> {
        (p.node_index < self.nodes.len()).then_some(p.node_index)
    }

    /// Label of a node.
    pub fn label(&self, node: usize, key: &str) -> Option<&str> {
        self.nodes
            .get(node)?
            .node()?
            .metadata
            .labels
            .get(key)
            .map(String::as_str)
    }
}

/// Which namespaces a term or constraint counts pods in.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Namespaces {
    All,
    Some(BTreeSet<String>),
}

impl Namespaces {
    pub fn one(ns: &str) -> Self {
        Namespaces::Some(BTreeSet::from([ns.to_string()]))
    }

    pub fn contains(&self, ns: &str) -> bool {
        match self {
            Namespaces::All => true,
            Namespaces::Some(s) => s.contains(ns),
        }
    }
}

/// Per scheduling cycle: how many non-terminating pods matching (namespaces, selector) each node
/// has, computed once per distinct selector and kept current as the cycle binds pods.
#[derive(Debug, Default)]
pub(crate) struct Counts {
    memo: BTreeMap<(Namespaces, String, bool), (Selector, Vec<i64>)>,
    domains: BTreeMap<String, Domains>,
}

/// The topology domains of one topology key: each node's domain as a small number.
#[derive(Debug, Default)]
pub(crate) struct Domains {
    pub of_node: Vec<Option<u32>>,
    pub len: usize,
}

impl Counts {
    /// Per cycle, the domain of every node for a topology key.
    pub fn domains(&mut self, cache: &Cache, key: &str) -> &Domains {
        self.domains.entry(key.to_string()).or_insert_with(|| {
            let mut ids: BTreeMap<&str, u32> = BTreeMap::new();
            let of_node = (0..cache.nodes.len())
                .map(|i| {
                    let v = cache.label(i, key)?;
                    let next = ids.len() as u32;
                    Some(*ids.entry(v).or_insert(next))
                })
                .collect();
            Domains {
                of_node,
                len: ids.len(),
            }
        })
    }

    pub fn per_node(&mut self, cache: &Cache, ns: &Namespaces, selector: &Selector) -> &[i64] {
        let key = (ns.clone(), selector.to_string(), selector.nothing);
        self.memo
            .entry(key)
            .or_insert_with(|| {
                let mut counts = vec![0; cache.nodes.len()];
                for p in cache.pods.values() {
                    if !p.terminating
                        && ns.contains(&p.namespace)
                        && selector.matches(&p.labels)
                        && let Some(i) = cache.node_of(p)
                        && let Some(c) = counts.get_mut(i)
                    {
                        *c += 1;
                    }
                }
                (selector.clone(), counts)
            })
            .1
            .as_slice()
    }

    /// A pod was bound to `node` during the cycle.
    pub fn bound(&mut self, pod: &Pod, node: usize) {
        if pod.metadata.deletion_timestamp.is_some() {
            return;
        }
        for ((ns, _, _), (selector, counts)) in self.memo.iter_mut() {
            if ns.contains(&pod.metadata.namespace)
                && selector.matches(&pod.metadata.labels)
                && let Some(c) = counts.get_mut(node)
            {
                *c += 1;
            }
        }
    }
}
