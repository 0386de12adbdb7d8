//! kube-scheduler (profile `default-scheduler`): a queue of unbound pods, Filter and Score plugins
//! per node, random tie-breaks from the seeded RNG, binding through the api-server, and a recorded
//! trace of every attempt ("why is this Pending?").

pub(crate) mod cache;
mod interpod;
pub mod plugins;
mod spread;

use crate::api::Str;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::Arc;

use serde::Serialize;

use crate::api::{Condition, Kind, Object, Pod, Resource};
use crate::apiserver::{Actor, ApiServer, EventType};
use crate::clock::Time;
use crate::events;
use cache::{Cache, Counts};
use plugins::{FILTERS, SCORES, Verdict};

/// How many scheduling attempts the scheduler remembers for the UI.
pub const TRACE_HISTORY: usize = 256;

/// One plugin's verdict on one node.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FilterResult {
    pub plugin: &'static str,
    pub passed: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<String>,
}

/// One Score plugin's score of one node: raw (0–100) and weighted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScoreResult {
    pub plugin: &'static str,
    pub score: i64,
    pub weighted: i64,
}

/// Everything the scheduler decided about one node in one attempt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NodeTrace {
    pub node: String,
    /// Filters run in order until the first failure.
    pub filters: Vec<FilterResult>,
    pub scores: Vec<ScoreResult>,
    /// Sum of weighted scores, for feasible nodes.
    pub total: Option<i64>,
}

/// One scheduling attempt of one pod.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SchedulingAttempt {
    pub namespace: String,
    pub pod: String,
    #[serde(serialize_with = "ser_time")]
    pub time: Time,
    pub nodes: Vec<NodeTrace>,
    /// The node the pod was bound to, if any.
    pub chosen: Option<String>,
    /// The FailedScheduling message when no node fits.
    pub message: Option<String>,
}

fn ser_time<S: serde::Serializer>(t: &Time, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&t.rfc3339())
}

/// What one attempt decided about one node, compactly: the full [`NodeTrace`] (plugin names,
/// messages, weighted scores) is derived from it only when someone reads the attempt.
#[derive(Clone, Copy, Debug)]
struct CompactNodeTrace {
    /// Position in the attempt's node list.
    node: u32,
    /// How many filters passed, in [`FILTERS`] order.
    passed: u8,
    /// Where the failing filter's reasons (the filter after the passed ones) are in the
    /// record's `failures`, if one failed.
    failed: Option<u32>,
    /// Scores in [`SCORES`] order, for feasible nodes (normalized ones are 0–100 and raw ones
    /// small counts or weight sums: 32 bits keep a 420-node trace per attempt small).
    scores: [i32; SCORE_PLUGINS],
}

/// A score as a trace keeps it.
fn narrow(score: i64) -> i32 {
    score.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32
}

const SCORE_PLUGINS: usize = 6;
/// Positions in [`FILTERS`] and [`SCORES`] the per-node shortcut relies on.
const NODE_RESOURCES_FIT: usize = 4;
const TAINT_TOLERATION_SCORE: usize = 2;
const NODE_AFFINITY_SCORE: usize = 3;
#[cfg(test)]
const POD_TOPOLOGY_SPREAD: usize = 5;
#[cfg(test)]
const INTER_POD_AFFINITY: usize = 6;
const POD_TOPOLOGY_SPREAD_SCORE: usize = 4;
const INTER_POD_AFFINITY_SCORE: usize = 5;

/// A remembered attempt, with its [`SchedulingAttempt`] built on first read.
#[derive(Clone, Debug)]
struct Record {
    namespace: String,
    pod: String,
    time: Time,
    /// Node names of the cycle, shared by every attempt of one sync.
    names: std::sync::Arc<[String]>,
    nodes: Vec<CompactNodeTrace>,
    /// Reasons of the failed filters, pointed at by [`CompactNodeTrace::failed`].
    failures: Vec<Box<[String]>>,
    chosen: Option<String>,
    message: Option<String>,
    full: std::sync::OnceLock<SchedulingAttempt>,
}

impl Record {
    fn attempt(&self) -> &SchedulingAttempt {
        self.full.get_or_init(|| {
            let mut nodes: Vec<NodeTrace> = self
                .nodes
                .iter()
                .map(|t| {
                    let mut filters: Vec<FilterResult> = FILTERS[..usize::from(t.passed)]
                        .iter()
                        .map(|plugin| FilterResult {
                            plugin,
                            passed: true,
                            reasons: Vec::new(),
                        })
                        .collect();
                    let (mut scores, mut total) = (Vec::new(), None);
                    match t.failed {
                        Some(at) => filters.push(FilterResult {
                            plugin: FILTERS[usize::from(t.passed)],
                            passed: false,
                            reasons: self
                                .failures
                                .get(at as usize)
                                .map(|r| r.to_vec())
                                .unwrap_or_default(),
                        }),
                        None => {
                            let mut sum = 0;
                            for ((plugin, weight), score) in SCORES.iter().zip(t.scores) {
                                let score = i64::from(score);
                                sum += score * weight;
                                scores.push(ScoreResult {
                                    plugin,
                                    score,
                                    weighted: score * weight,
                                });
                            }
                            total = Some(sum);
                        }
                    }
                    NodeTrace {
                        node: self.names[t.node as usize].clone(),
                        filters,
                        scores,
                        total,
                    }
                })
                .collect();
            nodes.sort_by(|a, b| a.node.cmp(&b.node));
            SchedulingAttempt {
                namespace: self.namespace.clone(),
                pod: self.pod.clone(),
                time: self.time,
                nodes,
                chosen: self.chosen.clone(),
                message: self.message.clone(),
            }
        })
    }
}

/// A set of pods by namespace and name, searchable without building an owned key.
#[derive(Clone, Debug, Default)]
struct PodSet(BTreeMap<String, BTreeSet<String>>);

impl PodSet {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn contains(&self, ns: &str, name: &str) -> bool {
        self.0.get(ns).is_some_and(|names| names.contains(name))
    }

    fn insert(&mut self, ns: &str, name: &str) {
        if !self.0.contains_key(ns) {
            self.0.insert(ns.to_string(), BTreeSet::new());
        }
        if let Some(names) = self.0.get_mut(ns)
            && !names.contains(name)
        {
            names.insert(name.to_string());
        }
    }

    fn remove(&mut self, ns: &str, name: &str) {
        if let Some(names) = self.0.get_mut(ns) {
            names.remove(name);
            if names.is_empty() {
                self.0.remove(ns);
            }
        }
    }

    fn append(&mut self, other: &mut PodSet) {
        for (ns, mut names) in std::mem::take(&mut other.0) {
            self.0.entry(ns).or_default().append(&mut names);
        }
    }

    fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0
            .iter()
            .flat_map(|(ns, names)| names.iter().map(move |n| (ns.as_str(), n.as_str())))
    }
}

#[derive(Clone, Debug, Default)]
pub struct Scheduler {
    cursor: u64,
    active: PodSet,
    unschedulable: PodSet,
    attempts: VecDeque<Record>,
    /// Where the next cycle starts looking (`nextStartNodeIndex`), so nodes take turns.
    next_start_node: usize,
    /// Nodes and bound pods, kept current from the watch log.
    cache: Cache,
    /// Pods per node matching the selectors topology spreading asks about, kept current with
    /// the cache.
    counts: Counts,
    /// Whether the cache has been filled from the store once.
    primed: bool,
}

/// `numFeasibleNodesToFind` with the default adaptive `percentageOfNodesToScore`: every node
/// below 100 nodes, then a shrinking share (50% − nodes/125, at least 5%), never under 100.
pub fn num_feasible_nodes_to_find(nodes: usize) -> usize {
    if nodes < 100 {
        return nodes;
    }
    let percentage = (50 - (nodes / 125) as i64).max(5) as usize;
    (nodes * percentage / 100).max(100)
}

fn wants_scheduling(p: &Pod) -> bool {
    p.node_name().is_none()
        && p.metadata.deletion_timestamp.is_none()
        && !p.is_terminal()
        && p.spec
            .scheduler_name
            .as_deref()
            .unwrap_or("default-scheduler")
            == "default-scheduler"
}

impl Scheduler {
    /// The remembered attempts, oldest first.
    pub fn attempts(&self) -> impl Iterator<Item = &SchedulingAttempt> {
        self.attempts.iter().map(Record::attempt)
    }

    /// The latest attempt to schedule a pod.
    pub fn last_attempt(&self, namespace: &str, pod: &str) -> Option<&SchedulingAttempt> {
        self.attempts
            .iter()
            .rev()
            .find(|a| a.namespace == namespace && a.pod == pod)
            .map(Record::attempt)
    }

    /// Reads the watch log since the last sync and queues the pods to (re)try.
    fn observe(&mut self, api: &ApiServer) {
        let mut cluster_changed = false;
        let fresh = !self.primed;
        if fresh {
            self.cache.relist(api, &mut self.counts);
            self.primed = true;
        }
        match api.watch(self.cursor) {
            Ok(events) => {
                for e in events {
                    match e.object.as_ref() {
                        Object::Pod(p) => {
                            let (ns, name) = (&p.metadata.namespace, &p.metadata.name);
                            if !fresh {
                                let latest = (e.type_ != EventType::Deleted).then_some(p);
                                self.cache.apply_pod(
                                    ns,
                                    name,
                                    latest.map(|v| &**v),
                                    &mut self.counts,
                                );
                            }
                            if e.type_ != EventType::Deleted && wants_scheduling(p) {
                                if e.type_ == EventType::Added
                                    || !self.unschedulable.contains(ns, name)
                                {
                                    self.active.insert(ns, name);
                                }
                            } else {
                                self.active.remove(ns, name);
                                self.unschedulable.remove(ns, name);
                                if p.node_name().is_some()
                                    && (e.type_ == EventType::Deleted || p.is_terminal())
                                {
                                    cluster_changed = true;
                                }
                            }
                        }
                        Object::Node(_) => {
                            cluster_changed = true;
                            self.cache.nodes_dirty = true;
                        }
                        _ => {}
                    }
                }
            }
            Err(_) => {
                // The log was compacted past our cursor: relist.
                self.cache.relist(api, &mut self.counts);
                for p in api.iter_as::<Pod>(None).filter(|p| wants_scheduling(p)) {
                    self.active.insert(&p.metadata.namespace, &p.metadata.name);
                }
            }
        }
        // Simplification: unschedulable pods are retried on any node change or pod removal, with
        // no back-off and no periodic flush.
        if cluster_changed {
            self.active.append(&mut self.unschedulable);
        }
        if self.cache.nodes_dirty {
            self.cache.rebuild_nodes(api, &mut self.counts);
        }
        self.cursor = api.resource_version();
    }

    /// Schedules every queued pod.
    pub fn sync(&mut self, api: &mut ApiServer) {
        self.observe(api);
        if self.active.is_empty() {
            return;
        }
        let active = std::mem::take(&mut self.active);
        // (priority, the pod) of the queued pods that still want a node. Scheduling one pod
        // writes only that pod (and events), so the others stay as read here.
        let mut queue: Vec<(i64, Arc<Object>)> = active
            .iter()
            .filter_map(|(ns, name)| {
                let obj = api.get_arc(Kind::Pod, ns, name)?;
                let p = Pod::from_object(&obj)?;
                let priority = -i64::from(p.spec.priority.unwrap_or(0));
                wants_scheduling(p).then_some(())?;
                Some((priority, obj))
            })
            .collect();
        drop(active);
        // PrioritySort: higher priority first, then older first.
        queue.sort_by(|(pa, a), (pb, b)| {
            let (a, b) = (a.metadata(), b.metadata());
            fn ts(m: &crate::api::ObjectMeta) -> &str {
                m.creation_timestamp.as_deref().unwrap_or("")
            }
            (pa, ts(a), &a.namespace, &a.name).cmp(&(pb, ts(b), &b.namespace, &b.name))
        });
        let mut cache = std::mem::take(&mut self.cache);
        let mut counts = std::mem::take(&mut self.counts);
        counts.new_cycle();
        for (_, obj) in queue {
            let Some(pod) = Pod::from_object(&obj) else {
                continue;
            };
            self.schedule_one(api, pod, &mut cache, &mut counts);
        }
        self.cache = cache;
        self.counts = counts;
    }

    fn schedule_one(
        &mut self,
        api: &mut ApiServer,
        pod: &Pod,
        cache: &mut Cache,
        counts: &mut Counts,
    ) {
        let requests = plugins::pod_requests(pod);
        let nonzero = plugins::non_zero(requests);
        let plain_pod = pod.spec.node_name.as_deref().is_none_or(str::is_empty)
            && pod.spec.node_selector.is_empty()
            && pod
                .spec
                .affinity
                .as_ref()
                .and_then(|a| a.node_affinity.as_ref())
                .is_none();
        let cx = spread::PodCx::new(pod);
        // PreFilter of the plugins that look at the other pods.
        let spread_state = spread::pre_filter(&cx, cache, counts);
        let own_terms = interpod::pod_terms(api, pod);
        let interpod_state = interpod::pre_filter(api, pod, &own_terms, cache);
        let nodes = &cache.nodes;
        // NodeAffinity's PreFilter: a pod pinned to nodes by name (a DaemonSet pod) is only
        // tried on those nodes; the others count as rejected without being visited.
        let pinned: Option<Vec<usize>> = plugins::pinned_node_names(pod).map(|names| {
            names
                .iter()
                .filter_map(|n| cache.index.get(n).copied())
                .collect::<BTreeSet<usize>>()
                .into_iter()
                .collect()
        });
        let candidates = pinned.as_ref().map_or(nodes.len(), Vec::len);
        let absent = nodes.len() - candidates;
        let want = num_feasible_nodes_to_find(candidates);
        // The oldest remembered attempt makes room for this one; its buffers are reused.
        let recycled = (self.attempts.len() >= TRACE_HISTORY)
            .then(|| self.attempts.pop_front())
            .flatten();
        let (mut traces, mut failures) = match recycled {
            Some(r) => {
                let (mut traces, mut failures) = (r.nodes, r.failures);
                traces.clear();
                failures.clear();
                (traces, failures)
            }
            None => (Vec::with_capacity(want.min(nodes.len())), Vec::new()),
        };
        // (position in `traces`, node index) of the feasible nodes.
        let mut feasible: Vec<(usize, usize)> = Vec::with_capacity(want);
        let mut histogram: BTreeMap<String, usize> = BTreeMap::new();
        let (mut resolvable, mut unresolvable) = (0usize, 0usize);
        let start = if candidates == 0 {
            0
        } else {
            self.next_start_node % candidates
        };
        let mut processed = 0;
        let mut pos = start;
        for _ in 0..candidates {
            if feasible.len() >= want {
                break;
            }
            let idx = match &pinned {
                Some(c) => c[pos],
                None => pos,
            };
            pos += 1;
            if pos == candidates {
                pos = 0;
            }
            let entry = &nodes[idx];
            let shortcut = plain_pod && entry.plain;
            // The plain path only runs plugins that read usage and allocatable, and the two
            // cluster-wide ones when they have state.
            let info = if shortcut {
                None
            } else {
                match entry.info() {
                    Some(info) => Some(info),
                    None => continue,
                }
            };
            processed += 1;
            let mut trace = CompactNodeTrace {
                node: idx as u32,
                passed: if shortcut {
                    NODE_RESOURCES_FIT as u8
                } else {
                    0
                },
                failed: None,
                scores: [0; SCORE_PLUGINS],
            };
            let mut fit_scores = (0, 0);
            // Filters in order until the first failure.
            let verdict = 'filters: {
                if let Some(info) = &info {
                    for i in 0..NODE_RESOURCES_FIT {
                        let v = plugins::run_filter_at(i, pod, info, requests);
                        if !matches!(v, Verdict::Pass) {
                            break 'filters v;
                        }
                        trace.passed += 1;
                    }
                }
                let fit = entry.fit(requests, nonzero);
                if fit.fails != 0 {
                    break 'filters plugins::fit_verdict(fit.fails);
                }
                fit_scores = fit.scores;
                trace.passed += 1;
                if let Some(state) = &spread_state {
                    let v = spread::filter(state, counts, idx);
                    if !matches!(v, Verdict::Pass) {
                        break 'filters v;
                    }
                }
                trace.passed += 1;
                if let Some(state) = &interpod_state
                    && let Some(node) = entry.node()
                {
                    let v = interpod::filter(state, &node.metadata.labels);
                    if !matches!(v, Verdict::Pass) {
                        break 'filters v;
                    }
                }
                trace.passed += 1;
                Verdict::Pass
            };
            match verdict {
                Verdict::Pass => {
                    trace.scores[0] = narrow(fit_scores.0);
                    trace.scores[1] = narrow(fit_scores.1);
                    if let Some(info) = &info {
                        for i in [TAINT_TOLERATION_SCORE, NODE_AFFINITY_SCORE] {
                            trace.scores[i] = narrow(plugins::run_score_at(i, pod, info, nonzero));
                        }
                    }
                    feasible.push((traces.len(), idx));
                }
                Verdict::Fail {
                    reasons,
                    unresolvable: u,
                } => {
                    for r in &reasons {
                        match histogram.get_mut(r) {
                            Some(n) => *n += 1,
                            None => {
                                histogram.insert(r.clone(), 1);
                            }
                        }
                    }
                    if u {
                        unresolvable += 1;
                    } else {
                        resolvable += 1;
                    }
                    trace.failed = Some(failures.len() as u32);
                    failures.push(reasons.into_boxed_slice());
                }
            }
            traces.push(trace);
        }
        if !nodes.is_empty() {
            self.next_start_node = (self.next_start_node + processed) % nodes.len();
        }
        // PreScore/Score/NormalizeScore over the feasible nodes, then the weighted sums.
        let mut totals: Vec<(usize, i64)> = Vec::with_capacity(feasible.len());
        if !feasible.is_empty() {
            let node_indexes: Vec<usize> = feasible.iter().map(|(_, n)| *n).collect();
            let spread_state = spread::pre_score(api, &cx, cache, counts);
            let mut spread_scores = Vec::with_capacity(node_indexes.len());
            spread::scores(
                &spread_state,
                &cx,
                cache,
                counts,
                &node_indexes,
                &mut spread_scores,
            );
            let mut interpod_scores = Vec::with_capacity(node_indexes.len());
            interpod::scores(
                api,
                pod,
                &own_terms,
                cache,
                &node_indexes,
                &mut interpod_scores,
            );
            // `helper.DefaultNormalizeScore` of TaintToleration (reversed) and NodeAffinity.
            for (plugin, reverse) in [(TAINT_TOLERATION_SCORE, true), (NODE_AFFINITY_SCORE, false)]
            {
                let mut max = 0;
                for (t, _) in &feasible {
                    max = max.max(traces[*t].scores[plugin]);
                }
                for (t, _) in &feasible {
                    let s = &mut traces[*t].scores[plugin];
                    let (raw, top) = (i64::from(*s), i64::from(max));
                    *s = narrow(match (top, reverse) {
                        (0, true) => 100,
                        (0, false) => raw,
                        (top, true) => 100 - 100 * raw / top,
                        (top, false) => 100 * raw / top,
                    });
                }
            }
            let weights: [i64; SCORE_PLUGINS] = std::array::from_fn(|i| SCORES[i].1);
            for (k, (t, n)) in feasible.iter().enumerate() {
                let trace = &mut traces[*t];
                trace.scores[POD_TOPOLOGY_SPREAD_SCORE] =
                    narrow(spread_scores.get(k).copied().unwrap_or(0));
                trace.scores[INTER_POD_AFFINITY_SCORE] =
                    narrow(interpod_scores.get(k).copied().unwrap_or(0));
                let mut total = 0i64;
                for (score, weight) in trace.scores.iter().zip(&weights) {
                    total += i64::from(*score) * weight;
                }
                totals.push((*n, total));
            }
        }
        let nodes = &cache.nodes;
        let ns = pod.metadata.namespace.clone();
        let name = pod.metadata.name.clone();
        let actor = Actor::scheduler();
        let mut attempt = Record {
            namespace: ns.to_string(),
            pod: name.to_string(),
            time: api.now(),
            names: Arc::clone(&cache.names),
            nodes: Vec::new(),
            failures: Vec::new(),
            chosen: None,
            message: None,
            full: std::sync::OnceLock::new(),
        };
        if totals.is_empty() {
            if absent > 0 {
                *histogram
                    .entry("node(s) didn't satisfy plugin(s) [NodeAffinity]".into())
                    .or_default() += absent;
                unresolvable += absent;
            }
            let mut reasons: Vec<String> =
                histogram.iter().map(|(r, n)| format!("{n} {r}")).collect();
            reasons.sort();
            let total = nodes.len();
            let mut message = format!("0/{total} nodes are available");
            if !reasons.is_empty() {
                message.push_str(&format!(": {}.", reasons.join(", ")));
            } else {
                message.push('.');
            }
            let mut preemption = Vec::new();
            if resolvable > 0 {
                preemption.push(format!(
                    "{resolvable} No preemption victims found for incoming pod"
                ));
            }
            if unresolvable > 0 {
                preemption.push(format!(
                    "{unresolvable} Preemption is not helpful for scheduling"
                ));
            }
            preemption.sort();
            if !preemption.is_empty() {
                message.push_str(&format!(
                    " preemption: 0/{total} nodes are available: {}.",
                    preemption.join(", ")
                ));
            }
            let mut updated = pod.clone();
            let now = api.timestamp();
            let st = updated.status.get_or_insert_with(Default::default);
            let previous = st
                .conditions
                .iter()
                .find(|c| c.type_ == "PodScheduled")
                .cloned();
            st.conditions.retain(|c| c.type_ != "PodScheduled");
            st.conditions.push(Condition {
                type_: "PodScheduled".into(),
                status: "False".into(),
                last_probe_time: None,
                last_transition_time: Some(
                    previous
                        .filter(|c| c.status == "False")
                        .and_then(|c| c.last_transition_time)
                        .unwrap_or_else(|| now.clone()),
                ),
                reason: Some("Unschedulable".into()),
                message: Some(Str::new(&message)),
                ..Default::default()
            });
            let written = api
                .update_arc_with(
                    &actor,
                    Object::Pod(Box::new(updated)),
                    true,
                    &Default::default(),
                )
                .ok();
            let obj = written.unwrap_or_else(|| Arc::new(Object::Pod(Box::new(pod.clone()))));
            events::record(
                api,
                &actor,
                &obj,
                "",
                events::WARNING,
                "FailedScheduling",
                &message,
            );
            attempt.message = Some(message);
            self.unschedulable.insert(&ns, &name);
        } else {
            let best = totals.iter().map(|(_, s)| *s).max().unwrap_or(0);
            let ties: Vec<usize> = totals
                .iter()
                .filter(|(_, s)| *s == best)
                .map(|(i, _)| *i)
                .collect();
            let pick = ties[api.rng().below(ties.len() as u64) as usize];
            let node_name = cache.names[pick].clone();
            if let Ok(bound) = api.bind_arc(&actor, &ns, &name, &node_name) {
                if let Some(p) = Pod::from_object(&bound) {
                    // Also counts it for topology spreading, on `pick`.
                    cache.apply_pod(&ns, &name, Some(p), counts);
                }
                events::record(
                    api,
                    &actor,
                    &bound,
                    "",
                    events::NORMAL,
                    "Scheduled",
                    &format!("Successfully assigned {ns}/{name} to {node_name}"),
                );
                attempt.chosen = Some(node_name);
            }
        }
        attempt.nodes = traces;
        attempt.failures = failures;
        while self.attempts.len() >= TRACE_HISTORY {
            self.attempts.pop_front();
        }
        self.attempts.push_back(attempt);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filter_and_score_loops_know_where_each_plugin_is() {
        assert_eq!(FILTERS[NODE_RESOURCES_FIT], "NodeResourcesFit");
        assert_eq!(FILTERS[POD_TOPOLOGY_SPREAD], "PodTopologySpread");
        assert_eq!(FILTERS[INTER_POD_AFFINITY], "InterPodAffinity");
        assert_eq!(FILTERS.len(), INTER_POD_AFFINITY + 1);
        assert_eq!(SCORES.len(), SCORE_PLUGINS);
        assert_eq!(SCORES[0].0, "NodeResourcesFit");
        assert_eq!(SCORES[1].0, "NodeResourcesBalancedAllocation");
        assert_eq!(SCORES[TAINT_TOLERATION_SCORE].0, "TaintToleration");
        assert_eq!(SCORES[NODE_AFFINITY_SCORE].0, "NodeAffinity");
    }
}
