//! kube-scheduler (profile `default-scheduler`): a queue of unbound pods, Filter and Score plugins
//! per node, random tie-breaks from the seeded RNG, binding through the api-server, and a recorded
//! trace of every attempt ("why is this Pending?").

pub mod plugins;

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use serde::Serialize;

use crate::api::{Condition, Node, Object, Pod};
use crate::apiserver::{Actor, ApiServer, EventType};
use crate::clock::Time;
use crate::events;
use plugins::{FILTERS, NodeInfo, SCORES, Verdict};

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

/// Requests of the pods bound to a node: real (for filters) and non-zero (for scores).
#[derive(Clone, Copy, Debug, Default)]
struct Usage {
    cpu: i128,
    memory: i128,
    pods: i128,
    nonzero_cpu: i128,
    nonzero_memory: i128,
}

impl Usage {
    fn add(&mut self, pod: &Pod) {
        let (cpu, mem) = plugins::pod_requests(pod);
        let (nzc, nzm) = plugins::non_zero_requests(pod);
        self.cpu = self.cpu.saturating_add(cpu);
        self.memory = self.memory.saturating_add(mem);
        self.pods = self.pods.saturating_add(1000);
        self.nonzero_cpu = self.nonzero_cpu.saturating_add(nzc);
        self.nonzero_memory = self.nonzero_memory.saturating_add(nzm);
    }
}

#[derive(Clone, Debug, Default)]
pub struct Scheduler {
    cursor: u64,
    active: BTreeSet<Key>,
    unschedulable: BTreeSet<Key>,
    attempts: VecDeque<SchedulingAttempt>,
    /// Where the next cycle starts looking (`nextStartNodeIndex`), so nodes take turns.
    next_start_node: usize,
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
        self.attempts.iter()
    }

    /// The latest attempt to schedule a pod.
    pub fn last_attempt(&self, namespace: &str, pod: &str) -> Option<&SchedulingAttempt> {
        self.attempts
            .iter()
            .rev()
            .find(|a| a.namespace == namespace && a.pod == pod)
    }

    /// Reads the watch log since the last sync and queues the pods to (re)try.
    fn observe(&mut self, api: &ApiServer) {
        let mut cluster_changed = false;
        match api.watch(self.cursor) {
            Ok(events) => {
                for e in events {
                    match e.object.as_ref() {
                        Object::Pod(p) => {
                            let key = (p.metadata.namespace.clone(), p.metadata.name.clone());
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
                        Object::Node(_) => cluster_changed = true,
                        _ => {}
                    }
                }
            }
            Err(_) => {
                // The log was compacted past our cursor: relist.
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
                let p = api.get_as::<Pod>(&key.0, &key.1).ok()?;
                wants_scheduling(&p).then(|| {
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
        let nodes: Vec<Node> = api.iter_as::<Node>(None).cloned().collect();
        let allocatable: Vec<(i128, i128, i128)> =
            nodes.iter().map(NodeInfo::allocatable_of).collect();
        let mut usage: BTreeMap<String, Usage> = BTreeMap::new();
        for p in api.iter_as::<Pod>(None) {
            if let Some(n) = p.node_name()
                && !p.is_terminal()
            {
                usage.entry(n.to_string()).or_default().add(p);
            }
        }
        for (_, _, key) in queue {
            let Ok(pod) = api.get_as::<Pod>(&key.0, &key.1) else {
                continue;
            };
            self.schedule_one(api, &pod, &nodes, &allocatable, &mut usage);
        }
    }

    fn schedule_one(
        &mut self,
        api: &mut ApiServer,
        pod: &Pod,
        nodes: &[Node],
        allocatable: &[(i128, i128, i128)],
        usage: &mut BTreeMap<String, Usage>,
    ) {
        let mut traces = Vec::with_capacity(nodes.len());
        let mut feasible: Vec<(usize, i64)> = Vec::new();
        let mut histogram: BTreeMap<String, usize> = BTreeMap::new();
        let (mut resolvable, mut unresolvable) = (0usize, 0usize);
        let want = num_feasible_nodes_to_find(nodes.len());
        let start = if nodes.is_empty() {
            0
        } else {
            self.next_start_node % nodes.len()
        };
        let mut processed = 0;
        for offset in 0..nodes.len() {
            if feasible.len() >= want {
                break;
            }
            processed += 1;
            let idx = (start + offset) % nodes.len();
            let (node, alloc) = (&nodes[idx], &allocatable[idx]);
            let u = usage.get(&node.metadata.name).copied().unwrap_or_default();
            let info = NodeInfo {
                node,
                requested_cpu: u.cpu,
                requested_memory: u.memory,
                pods: u.pods,
                nonzero_cpu: u.nonzero_cpu,
                nonzero_memory: u.nonzero_memory,
                allocatable: *alloc,
            };
            let mut trace = NodeTrace {
                node: node.metadata.name.clone(),
                filters: Vec::new(),
                scores: Vec::new(),
                total: None,
            };
            let mut ok = true;
            for plugin in FILTERS {
                match plugins::run_filter(plugin, pod, &info) {
                    Verdict::Pass => trace.filters.push(FilterResult {
                        plugin,
                        passed: true,
                        reasons: Vec::new(),
                    }),
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
                        trace.filters.push(FilterResult {
                            plugin,
                            passed: false,
                            reasons,
                        });
                        ok = false;
                        break;
                    }
                }
            }
            if ok {
                let mut total = 0;
                for (plugin, weight) in SCORES {
                    let score = plugins::run_score(plugin, pod, &info);
                    total += score * weight;
                    trace.scores.push(ScoreResult {
                        plugin,
                        score,
                        weighted: score * weight,
                    });
                }
                trace.total = Some(total);
                feasible.push((idx, total));
            }
            traces.push(trace);
        }
        if !nodes.is_empty() {
            self.next_start_node = (start + processed) % nodes.len();
        }
        traces.sort_by(|a, b| a.node.cmp(&b.node));
        let ns = pod.metadata.namespace.clone();
        let name = pod.metadata.name.clone();
        let actor = Actor::scheduler();
        let mut attempt = SchedulingAttempt {
            namespace: ns.clone(),
            pod: name.clone(),
            time: api.now(),
            nodes: Vec::new(),
            chosen: None,
            message: None,
        };
        if feasible.is_empty() {
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
            let written = api.update_status(&actor, updated).ok();
            let obj = written.unwrap_or_else(|| Object::Pod(pod.clone()));
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
            let best = feasible.iter().map(|(_, s)| *s).max().unwrap_or(0);
            let ties: Vec<usize> = feasible
                .iter()
                .filter(|(_, s)| *s == best)
                .map(|(i, _)| *i)
                .collect();
            let pick = ties[api.rng().below(ties.len() as u64) as usize];
            let node_name = nodes[pick].metadata.name.clone();
            if let Ok(bound) = api.bind(&actor, &ns, &name, &node_name) {
                usage.entry(node_name.clone()).or_default().add(pod);
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
