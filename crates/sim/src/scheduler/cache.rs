//! The scheduler cache (`internal/cache`): nodes and the pods bound to them, kept up to date from
//! the watch log so that an attempt never re-reads every pod. Per node: the requested resources
//! and pod count (NodeResourcesFit, BalancedAllocation); per pod: namespace, labels and pod
//! (anti-)affinity (PodTopologySpread, InterPodAffinity).

use std::collections::{BTreeMap, BTreeSet, HashMap};
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
    /// Interned (see [`Interned`]): the pods of one ReplicaSet share one copy of each.
    pub namespace: Arc<str>,
    pub labels: Arc<BTreeMap<String, String>>,
    pub node: Arc<str>,
    /// Position of `node` in the cache's nodes (`usize::MAX` if unknown).
    pub node_index: usize,
    pub requests: (i128, i128),
    /// Being deleted: still uses resources, but PodTopologySpread does not count it.
    pub terminating: bool,
    /// Pod affinity or anti-affinity, when the pod has any.
    pub affinity: Option<Arc<Affinity>>,
}

impl CachedPod {
    fn of(p: &Pod, interned: &mut Interned) -> Option<CachedPod> {
        let node = p.node_name()?;
        if p.is_terminal() {
            return None;
        }
        Some(CachedPod {
            namespace: interned.str(&p.metadata.namespace),
            labels: interned.labels(&p.metadata.labels),
            node: interned.str(node),
            node_index: usize::MAX,
            requests: plugins::pod_requests(p),
            terminating: p.metadata.deletion_timestamp.is_some(),
            affinity: pod_affinity_of(p).map(|a| Arc::new(a.clone())),
        })
    }

    /// Whether `p` would be cached exactly like this (so applying it changes nothing).
    fn same_as(&self, p: &Pod) -> bool {
        let Some(node) = p.node_name() else {
            return false;
        };
        !p.is_terminal()
            && *self.node == *node
            && self.terminating == p.metadata.deletion_timestamp.is_some()
            && *self.namespace == *p.metadata.namespace
            && *self.labels == *p.metadata.labels
            && match (&self.affinity, pod_affinity_of(p)) {
                (None, None) => true,
                (Some(a), Some(b)) => **a == *b,
                _ => false,
            }
            && self.requests == plugins::pod_requests(p)
    }
}

/// The pod's affinity, when it has pod affinity or anti-affinity.
fn pod_affinity_of(p: &Pod) -> Option<&Affinity> {
    p.spec
        .affinity
        .as_ref()
        .filter(|a| a.pod_affinity.is_some() || a.pod_anti_affinity.is_some())
}

/// What NodeResourcesFit and the two resource Score plugins said about a node for one request,
/// remembered until the node's usage changes: consecutive pods of one workload ask the same
/// question of the same nodes, and only the node a pod was bound to changes in between.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FitMemo {
    pub requests: (i128, i128),
    /// Bit 0: too many pods; bit 1: insufficient cpu; bit 2: insufficient memory.
    pub fails: u8,
    /// NodeResourcesFit and NodeResourcesBalancedAllocation raw scores.
    pub scores: (i64, i64),
}

/// One node of the cache.
#[derive(Clone, Debug)]
pub(crate) struct NodeEntry {
    pub object: Arc<Object>,
    pub allocatable: (i128, i128, i128),
    /// Neither cordoned nor tainted (see `Cycle::plain`).
    pub plain: bool,
    /// No taints at all (TaintToleration passes for every pod).
    pub untainted: bool,
    usage: Usage,
    memo: std::cell::Cell<Option<FitMemo>>,
}

impl NodeEntry {
    pub fn node(&self) -> Option<&Node> {
        Node::from_object(&self.object)
    }

    fn add_usage(&mut self, requests: (i128, i128), sign: i128) {
        self.usage.add(requests, sign);
        self.memo.set(None);
    }

    /// NodeResourcesFit's verdict (as [`FitMemo::fails`] bits) and the two resource scores for
    /// a pod with these requests (and their non-zero variant).
    pub fn fit(&self, requests: (i128, i128), nonzero: (i128, i128)) -> FitMemo {
        if let Some(m) = self.memo.get()
            && m.requests == requests
        {
            return m;
        }
        let info = self.usage_info();
        let m = FitMemo {
            requests,
            fails: plugins::fit_failures(requests, &info),
            scores: plugins::resource_scores(&info, nonzero),
        };
        self.memo.set(Some(m));
        m
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

/// FxHash (rustc's hasher): deterministic on every target and much cheaper than SipHash for
/// the short pod names the cache is keyed by. Only lookups depend on it: nothing iterates the
/// pod maps into anything order-sensitive (every walk over them sums counts).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(c);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

pub(crate) type FxBuild = std::hash::BuildHasherDefault<FxHasher>;

#[derive(Clone, Debug, Default)]
pub(crate) struct Cache {
    /// Nodes sorted by name.
    pub nodes: Vec<NodeEntry>,
    pub names: Arc<[String]>,
    pub index: BTreeMap<String, usize>,
    /// Bound, non-terminal pods (including the ones this scheduler just bound: assumed pods),
    /// by namespace and name.
    pods: BTreeMap<String, HashMap<String, CachedPod, FxBuild>>,
    /// Pods with pod affinity or anti-affinity (`HavePodsWithAffinityList`).
    pub with_affinity: BTreeSet<Key>,
    pub nodes_dirty: bool,
    interned: Interned,
}

/// One shared copy of each namespace, node name and label set the cached pods use: ten thousand
/// pods of a ReplicaSet carry the same labels, and copying them per pod cost more memory than
/// anything else the scheduler keeps. A value leaves when its last pod does. Only looked up,
/// never walked: the hash order cannot reach any output.
#[derive(Clone, Debug, Default)]
pub(crate) struct Interned {
    strs: std::collections::HashSet<Arc<str>, FxBuild>,
    labels: std::collections::HashSet<Arc<BTreeMap<String, String>>, FxBuild>,
}

impl Interned {
    fn str(&mut self, s: &str) -> Arc<str> {
        if let Some(known) = self.strs.get(s) {
            return Arc::clone(known);
        }
        let new: Arc<str> = s.into();
        self.strs.insert(Arc::clone(&new));
        new
    }

    fn labels(&mut self, l: &BTreeMap<String, String>) -> Arc<BTreeMap<String, String>> {
        if let Some(known) = self.labels.get(l) {
            return Arc::clone(known);
        }
        let new = Arc::new(l.clone());
        self.labels.insert(Arc::clone(&new));
        new
    }

    /// Forgets what `p` alone still used.
    fn release(&mut self, p: CachedPod) {
        let CachedPod {
            namespace,
            labels,
            node,
            ..
        } = p;
        for s in [namespace, node] {
            if Arc::strong_count(&s) == 2 {
                self.strs.remove(&*s);
            }
        }
        if Arc::strong_count(&labels) == 2 {
            self.labels.remove(&*labels);
        }
    }
}

impl Cache {
    /// Applies the latest version of a pod (or its deletion).
    pub fn apply_pod(
        &mut self,
        namespace: &str,
        name: &str,
        pod: Option<&Pod>,
        counts: &mut Counts,
    ) {
        if let Some(p) = pod
            && self.pod(namespace, name).is_some_and(|old| old.same_as(p))
        {
            return;
        }
        self.remove(namespace, name, counts);
        if let Some(cached) = pod.and_then(|p| CachedPod::of(p, &mut self.interned)) {
            self.insert(namespace, name, cached, counts);
        }
    }

    /// A cached pod.
    pub fn pod(&self, namespace: &str, name: &str) -> Option<&CachedPod> {
        self.pods.get(namespace)?.get(name)
    }

    /// Every cached pod, in no particular order.
    pub fn all_pods(&self) -> impl Iterator<Item = &CachedPod> {
        self.pods.values().flat_map(HashMap::values)
    }

    fn remove(&mut self, namespace: &str, name: &str, counts: &mut Counts) {
        let Some(by_name) = self.pods.get_mut(namespace) else {
            return;
        };
        if let Some(old) = by_name.remove(name) {
            counts.change(&old, -1);
            if let Some(n) = self.nodes.get_mut(old.node_index) {
                n.add_usage(old.requests, -1);
            }
            if old.affinity.is_some() {
                self.with_affinity
                    .remove(&(namespace.to_string(), name.to_string()));
            }
            self.interned.release(old);
        }
    }

    fn insert(&mut self, namespace: &str, name: &str, mut cached: CachedPod, counts: &mut Counts) {
        if let Some(&i) = self.index.get(&*cached.node)
            && let Some(n) = self.nodes.get_mut(i)
        {
            n.add_usage(cached.requests, 1);
            cached.node_index = i;
        }
        counts.change(&cached, 1);
        if cached.affinity.is_some() {
            self.with_affinity
                .insert((namespace.to_string(), name.to_string()));
        }
        if !self.pods.contains_key(namespace) {
            self.pods.insert(namespace.to_string(), HashMap::default());
        }
        if let Some(by_name) = self.pods.get_mut(namespace) {
            by_name.insert(name.to_string(), cached);
        }
    }

    /// Re-reads the nodes (they changed) and recomputes their usage from the cached pods.
    pub fn rebuild_nodes(&mut self, api: &ApiServer, counts: &mut Counts) {
        // Node positions (and labels) change: every count and domain is recomputed on demand.
        counts.clear();
        let objects: Vec<Arc<Object>> = api
            .iter(Kind::Node, None)
            .filter_map(|n| api.get_arc(Kind::Node, "", &n.metadata().name))
            .collect();
        self.nodes = objects
            .into_iter()
            .filter_map(|object| {
                let node = Node::from_object(&object)?;
                let allocatable = NodeInfo::allocatable_of(node);
                let untainted = node.spec.taints.is_empty();
                let plain = !node.is_unschedulable() && untainted;
                Some(NodeEntry {
                    allocatable,
                    plain,
                    untainted,
                    usage: Usage::default(),
                    memo: std::cell::Cell::new(None),
                    object,
                })
            })
            .collect();
        self.names = self
            .nodes
            .iter()
            .filter_map(|n| n.node().map(|n| n.metadata.name.to_string()))
            .collect();
        self.index = self
            .names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.clone(), i))
            .collect();
        for p in self.pods.values_mut().flat_map(HashMap::values_mut) {
            p.node_index = usize::MAX;
            if let Some(&i) = self.index.get(&*p.node)
                && let Some(n) = self.nodes.get_mut(i)
            {
                n.add_usage(p.requests, 1);
                p.node_index = i;
            }
        }
        self.nodes_dirty = false;
    }

    /// Rebuilds everything from the store (first sync, or a compacted watch log).
    pub fn relist(&mut self, api: &ApiServer, counts: &mut Counts) {
        self.pods.clear();
        self.with_affinity.clear();
        self.interned = Interned::default();
        for p in api.iter_as::<Pod>(None) {
            if let Some(cached) = CachedPod::of(p, &mut self.interned) {
                let (ns, name) = (&p.metadata.namespace, &p.metadata.name);
                if cached.affinity.is_some() {
                    self.with_affinity
                        .insert((ns.to_string(), name.to_string()));
                }
                self.pods
                    .entry(ns.to_string())
                    .or_default()
                    .insert(name.to_string(), cached);
            }
        }
        self.rebuild_nodes(api, counts);
    }

    /// The node index a cached pod is bound to.
    pub fn node_of(&self, p: &CachedPod) -> Option<usize> {
        (p.node_index < self.nodes.len()).then_some(p.node_index)
    }

    /// Label of a node.
    pub fn label(&self, node: usize, key: &str) -> Option<&str> {
        self.labels(node)?.get(key).map(String::as_str)
    }

    /// Labels of a node.
    pub fn labels(&self, node: usize) -> Option<&BTreeMap<String, String>> {
        Some(&self.nodes.get(node)?.node()?.metadata.labels)
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

/// How many non-terminating pods matching (namespaces, selector) each node has, counted once per
/// distinct selector and then kept current as the cache changes (until the nodes change); each
/// node's topology domain per topology key; per scheduling cycle, the system default spreading
/// constraints per ReplicaSet.
#[derive(Clone, Debug, Default)]
pub(crate) struct Counts {
    memo: BTreeMap<(Namespaces, String, bool), usize>,
    slots: Vec<Slot>,
    domain_slots: BTreeMap<String, usize>,
    domains: Vec<Domains>,
    /// The system default constraints of the pods a ReplicaSet owns, by namespace and name
    /// (`None`: the pods have none). Only valid for one cycle.
    pub defaults: BTreeMap<String, BTreeMap<String, Option<DefaultConstraints>>>,
}

/// The system default spreading constraints of a ReplicaSet's pods.
pub(crate) type DefaultConstraints = Arc<[super::spread::Constraint]>;

#[derive(Clone, Debug)]
struct Slot {
    ns: Namespaces,
    selector: Selector,
    per_node: Vec<i64>,
    /// Asked for during the current cycle.
    used: bool,
}

/// The topology domains of one topology key: each node's domain as a small number.
#[derive(Clone, Debug, Default)]
pub(crate) struct Domains {
    pub of_node: Vec<Option<u32>>,
    pub len: usize,
}

/// Selectors kept counting between cycles without being asked for: beyond this, the unused
/// ones are dropped when a cycle starts.
const KEPT_SLOTS: usize = 16;

impl Counts {
    /// Forgets everything (the nodes changed).
    pub fn clear(&mut self) {
        *self = Counts::default();
    }

    /// A scheduling cycle starts: ReplicaSets may have changed since the last one, and the
    /// selectors nobody asked about last cycle stop being counted if there are many.
    pub fn new_cycle(&mut self) {
        self.defaults.clear();
        if self.slots.len() > KEPT_SLOTS && self.slots.iter().any(|s| !s.used) {
            let mut renumber = vec![None; self.slots.len()];
            let mut kept = Vec::new();
            for (i, slot) in std::mem::take(&mut self.slots).into_iter().enumerate() {
                if slot.used {
                    renumber[i] = Some(kept.len());
                    kept.push(slot);
                }
            }
            self.slots = kept;
            self.memo = std::mem::take(&mut self.memo)
                .into_iter()
                .filter_map(|(k, i)| Some((k, renumber.get(i).copied().flatten()?)))
                .collect();
        }
        for slot in &mut self.slots {
            slot.used = false;
        }
    }

    /// The domains of every node for a topology key, as a slot for [`Counts::domains`].
    pub fn domain_slot(&mut self, cache: &Cache, key: &str) -> usize {
        if let Some(&i) = self.domain_slots.get(key) {
            return i;
        }
        let mut ids: BTreeMap<&str, u32> = BTreeMap::new();
        let of_node = (0..cache.nodes.len())
            .map(|i| {
                let v = cache.label(i, key)?;
                let next = ids.len() as u32;
                Some(*ids.entry(v).or_insert(next))
            })
            .collect();
        let i = self.domains.len();
        self.domains.push(Domains {
            of_node,
            len: ids.len(),
        });
        self.domain_slots.insert(key.to_string(), i);
        i
    }

    pub fn domains(&self, slot: usize) -> &Domains {
        &self.domains[slot]
    }

    /// The slot of the per-node counts of pods in `ns` matching `selector`, counting them if
    /// they are not counted yet.
    pub fn slot(&mut self, cache: &Cache, ns: &Namespaces, selector: &Selector) -> usize {
        let key = (ns.clone(), selector.to_string(), selector.nothing);
        if let Some(&i) = self.memo.get(&key) {
            self.slots[i].used = true;
            return i;
        }
        let mut per_node = vec![0; cache.nodes.len()];
        for p in cache.all_pods() {
            if !p.terminating
                && ns.contains(&p.namespace)
                && selector.matches(&p.labels)
                && let Some(i) = cache.node_of(p)
                && let Some(c) = per_node.get_mut(i)
            {
                *c += 1;
            }
        }
        let i = self.slots.len();
        self.slots.push(Slot {
            ns: key.0.clone(),
            selector: selector.clone(),
            per_node,
            used: true,
        });
        self.memo.insert(key, i);
        i
    }

    pub fn per_node(&self, slot: usize) -> &[i64] {
        &self.slots[slot].per_node
    }

    /// A pod entered (`by` 1) or left (`by` −1) the cache.
    fn change(&mut self, p: &CachedPod, by: i64) {
        if p.terminating {
            return;
        }
        for slot in self.slots.iter_mut() {
            if let Some(c) = slot.per_node.get_mut(p.node_index)
                && slot.ns.contains(&p.namespace)
                && slot.selector.matches(&p.labels)
            {
                *c += by;
            }
        }
    }
}
