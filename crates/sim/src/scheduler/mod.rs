//! kube-scheduler (profile `default-scheduler`): a queue of unbound pods, Filter and Score plugins
//! per node, random tie-breaks from the seeded RNG, binding through the api-server, and a recorded
//! trace of every attempt ("why is this Pending?").

mod cache;
mod interpod;
pub mod plugins;
mod spread;

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

type Key = (String, String);

/// What one attempt decided about one node, compactly: the full [`NodeTrace`] (plugin names,
/// messages, weighted scores) is derived from it only when someone reads the attempt.
#[derive(Clone, Debug)]
struct CompactNodeTrace {
    /// Position in the attempt's node list.
    node: u32,
    /// How many filters passed, in [`FILTERS`] order.
    passed: u8,
    /// The failing filter's reasons (the filter after the passed ones), if one failed.
    failed: Option<Box<[String]>>,
    /// Raw scores in [`SCORES`] order, for feasible nodes.
    scores: [i64; SCORE_PLUGINS],
}

const SCORE_PLUGINS: usize = 6;
/// Positions in [`FILTERS`] and [`SCORES`] the per-node shortcut relies on.
const NODE_RESOURCES_FIT: usize = 4;
const TAINT_TOLERATION_SCORE: usize = 2;
const NODE_AFFINITY_SCORE: usize = 3;
const POD_TOPOLOGY_SPREAD: usize = 5;
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
                    match &t.failed {
                        Some(reasons) => filters.push(FilterResult {
                            plugin: FILTERS[usize::from(t.passed)],
                            passed: false,
                            reasons: reasons.to_vec(),
                        }),
                        None => {
                            let mut sum = 0;
                            for ((plugin, weight), score) in SCORES.iter().zip(t.scores) {
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

#[derive(Clone, Debug, Default)]
pub struct Scheduler {
    cursor: u64,
    active: BTreeSet<Key>,
    unschedulable: BTreeSet<Key>,
    attempts: VecDeque<Record>,
    /// Where the next cycle starts looking (`nextStartNodeIndex`), so nodes take turns.
    next_start_node: usize,
    /// Nodes and bound pods, kept current from the watch log.
    cache: Cache,
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
            self.cache.relist(api);
            self.primed = true;
        }
        match api.watch(self.cursor) {
            Ok(events) => {
                for e in events {
                    match e.object.as_ref() {
                        Object::Pod(p) => {
                            let key = (p.metadata.namespace.clone(), p.metadata.name.clone());
                            if !fresh {
                                let latest = (e.type_ != EventType::Deleted).then_some(p);
                                self.cache.apply_pod(key.clone(), latest.map(|v| &**v));
                            }
                            if e.type_ != EventType::Deleted && wants_scheduling(p) {
                                if !self.unschedulable.contains(&key) || e.type_ == EventType::Added
                                {
                                    self.active.insert(key);
                                }
                            } else {
                                self.active.remove(&key);
                                self.unschedulable.remove(&key);
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
                self.cache.relist(api);
                for p in api.iter_as::<Pod>(None).filter(|p| wants_scheduling(p)) {
                    self.active
                        .insert((p.metadata.namespace.clone(), p.metadata.name.clone()));
                }
            }
        }
        // Simplification: unschedulable pods are retried on any node change or pod removal, with
        // no back-off and no periodic flush.
        if cluster_changed {
            self.active.append(&mut self.unschedulable);
        }
        if self.cache.nodes_dirty {
            self.cache.rebuild_nodes(api);
        }
        self.cursor = api.resource_version();
    }

    /// Schedules every queued pod.
    pub fn sync(&mut self, api: &mut ApiServer) {
        self.observe(api);
        if self.active.is_empty() {
            return;
        }
        let mut queue: Vec<(i64, String, Key)> = std::mem::take(&mut self.active)
            .into_iter()
            .filter_map(|key| {
                let p = api
                    .get_ref(Kind::Pod, &key.0, &key.1)
                    .and_then(Pod::from_object)?;
                wants_scheduling(p).then(|| {
                    (
                        -i64::from(p.spec.priority.unwrap_or(0)),
                        p.metadata.creation_timestamp.clone().unwrap_or_default(),
                        key,
                    )
                })
            })
            .collect();
        // PrioritySort: higher priority first, then older first.
        queue.sort();
        let mut cache = std::mem::take(&mut self.cache);
        let mut counts = Counts::default();
        for (_, _, key) in queue {
            let Some(obj) = api.get_arc(Kind::Pod, &key.0, &key.1) else {
                continue;
            };
            let Some(pod) = Pod::from_object(&obj) else {
                continue;
            };
            self.schedule_one(api, pod, &mut cache, &mut counts);
        }
        self.cache = cache;
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
        // PreFilter of the plugins that look at the other pods.
        let spread_state = spread::pre_filter(pod, cache, counts);
        let interpod_state = interpod::pre_filter(api, pod, cache);
        let nodes = &cache.nodes;
        // NodeAffinity's PreFilter: a pod pinned to nodes by name (a DaemonSet pod) is only
        // tried on those nodes; the others count as rejected without being visited.
        let candidates: Vec<usize> = match plugins::pinned_node_names(pod) {
            Some(names) => names
                .iter()
                .filter_map(|n| cache.index.get(n).copied())
                .collect::<BTreeSet<usize>>()
                .into_iter()
                .collect(),
            None => (0..nodes.len()).collect(),
        };
        let absent = nodes.len() - candidates.len();
        let want = num_feasible_nodes_to_find(candidates.len());
        let mut traces = Vec::with_capacity(want.min(nodes.len()));
        // (position in `traces`, node index) of the feasible nodes.
        let mut feasible: Vec<(usize, usize)> = Vec::new();
        let mut histogram: BTreeMap<String, usize> = BTreeMap::new();
        let (mut resolvable, mut unresolvable) = (0usize, 0usize);
        let start = if candidates.is_empty() {
            0
        } else {
            self.next_start_node % candidates.len()
        };
        let mut processed = 0;
        for offset in 0..candidates.len() {
            if feasible.len() >= want {
                break;
            }
            let idx = candidates[(start + offset) % candidates.len()];
            let shortcut = plain_pod && nodes[idx].plain;
            // The plain path only runs plugins that read usage and allocatable, and the two
            // cluster-wide ones when they have state.
            let info = if shortcut {
                nodes[idx].usage_info()
            } else {
                match nodes[idx].info() {
                    Some(info) => info,
                    None => continue,
                }
            };
            processed += 1;
            let mut trace = CompactNodeTrace {
                node: idx as u32,
                passed: 0,
                failed: None,
                scores: [0; SCORE_PLUGINS],
            };
            let first_filter = if shortcut { NODE_RESOURCES_FIT } else { 0 };
            trace.passed = first_filter as u8;
            for i in first_filter..FILTERS.len() {
                let verdict = match i {
                    POD_TOPOLOGY_SPREAD => match &spread_state {
                        Some(state) => nodes[idx]
                            .node()
                            .map_or(Verdict::Pass, |node| spread::filter(Some(state), node)),
                        None => Verdict::Pass,
                    },
                    INTER_POD_AFFINITY => match &interpod_state {
                        Some(state) => nodes[idx].node().map_or(Verdict::Pass, |node| {
                            interpod::filter(Some(state), &node.metadata.labels)
                        }),
                        None => Verdict::Pass,
                    },
                    _ => plugins::run_filter_at(i, pod, &info, requests),
                };
                match verdict {
                    Verdict::Pass => trace.passed += 1,
                    Verdict::Fail {
                        reasons,
                        unresolvable: u,
                    } => {
                        for r in &reasons {
                            *histogram.entry(r.clone()).or_default() += 1;
                        }
                        if u {
                            unresolvable += 1;
                        } else {
                            resolvable += 1;
                        }
                        trace.failed = Some(reasons.into_boxed_slice());
                        break;
                    }
                }
            }
            if trace.failed.is_none() {
                for i in 0..POD_TOPOLOGY_SPREAD_SCORE {
                    trace.scores[i] = match i {
                        TAINT_TOLERATION_SCORE if shortcut => 0,
                        NODE_AFFINITY_SCORE if shortcut => 0,
                        _ => plugins::run_score_at(i, pod, &info, nonzero),
                    };
                }
                feasible.push((traces.len(), idx));
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
            let spread_scores = spread::scores(api, pod, cache, counts, &node_indexes);
            let interpod_scores = interpod::scores(api, pod, cache, &node_indexes);
            for (plugin, reverse) in [(TAINT_TOLERATION_SCORE, true), (NODE_AFFINITY_SCORE, false)]
            {
                let mut column: Vec<i64> = feasible
                    .iter()
                    .map(|(t, _)| traces[*t].scores[plugin])
                    .collect();
                plugins::default_normalize(&mut column, reverse);
                for ((t, _), v) in feasible.iter().zip(column) {
                    traces[*t].scores[plugin] = v;
                }
            }
            for (k, (t, n)) in feasible.iter().enumerate() {
                let trace = &mut traces[*t];
                trace.scores[POD_TOPOLOGY_SPREAD_SCORE] =
                    spread_scores.get(k).copied().unwrap_or(0);
                trace.scores[INTER_POD_AFFINITY_SCORE] =
                    interpod_scores.get(k).copied().unwrap_or(0);
                let total = SCORES
                    .iter()
                    .zip(trace.scores)
                    .map(|((_, w), s)| s * w)
                    .sum();
                totals.push((*n, total));
            }
        }
        let nodes = &cache.nodes;
        let ns = pod.metadata.namespace.clone();
        let name = pod.metadata.name.clone();
        let actor = Actor::scheduler();
        let mut attempt = Record {
            namespace: ns.clone(),
            pod: name.clone(),
            time: api.now(),
            names: Arc::clone(&cache.names),
            nodes: Vec::new(),
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
            let now = api.now().rfc3339();
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
                        .unwrap_or(now),
                ),
                reason: Some("Unschedulable".into()),
                message: Some(message.clone()),
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
            self.unschedulable.insert((ns, name));
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
                    counts.bound(p, pick);
                    cache.apply_pod((ns.clone(), name.clone()), Some(p));
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
        if self.attempts.len() >= TRACE_HISTORY {
            self.attempts.pop_front();
        }
        self.attempts.push_back(attempt);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_node_shortcut_names_the_plugins_it_skips() {
        assert_eq!(FILTERS[NODE_RESOURCES_FIT], "NodeResourcesFit");
        assert_eq!(SCORES.len(), SCORE_PLUGINS);
        assert_eq!(SCORES[TAINT_TOLERATION_SCORE].0, "TaintToleration");
        assert_eq!(SCORES[NODE_AFFINITY_SCORE].0, "NodeAffinity");
    }
}
