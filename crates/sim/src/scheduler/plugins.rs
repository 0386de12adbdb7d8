//! The scheduler framework's default Filter and Score plugins, with their upstream names and
//! failure messages: NodeUnschedulable, NodeName, TaintToleration, NodeAffinity,
//! NodeResourcesFit, NodeResourcesBalancedAllocation; PodTopologySpread and InterPodAffinity need
//! the whole cluster and live in `spread.rs` and `interpod.rs`.

use crate::api::pod::{NodeSelectorRequirement, NodeSelectorTerm, Pod};
use crate::api::{Node, Quantity};

/// What the scheduler knows about a node: the node and the requests of the pods bound to it.
#[derive(Clone, Debug)]
pub struct NodeInfo<'a> {
    pub node: &'a Node,
    /// Requested cpu (millicores), memory (thousandths of bytes) and pod count.
    pub requested_cpu: i128,
    pub requested_memory: i128,
    pub pods: i128,
    /// Requests with the scoring defaults for containers that request nothing.
    pub nonzero_cpu: i128,
    pub nonzero_memory: i128,
    /// Allocatable cpu, memory and pods (thousandths), parsed once per scheduling cycle.
    pub allocatable: (i128, i128, i128),
}

impl NodeInfo<'_> {
    pub fn allocatable_of(node: &Node) -> (i128, i128, i128) {
        (
            node.allocatable_milli("cpu"),
            node.allocatable_milli("memory"),
            node.allocatable_milli("pods"),
        )
    }
}

/// A Filter plugin's verdict on one node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    /// Reasons the node does not fit (the histogram keys of the FailedScheduling message).
    Fail {
        reasons: Vec<String>,
        /// UnschedulableAndUnresolvable: preemption cannot help.
        unresolvable: bool,
    },
}

fn fail(reason: impl Into<String>, unresolvable: bool) -> Verdict {
    Verdict::Fail {
        reasons: vec![reason.into()],
        unresolvable,
    }
}

// Simplification: only these Filter plugins run; NodePorts and the volume plugins are not
// modelled yet, and there is no preemption (PostFilter only explains).
pub const FILTERS: &[&str] = &[
    "NodeUnschedulable",
    "NodeName",
    "TaintToleration",
    "NodeAffinity",
    "NodeResourcesFit",
    "PodTopologySpread",
    "InterPodAffinity",
];

pub fn run_filter(plugin: &str, pod: &Pod, info: &NodeInfo) -> Verdict {
    match FILTERS.iter().position(|f| *f == plugin) {
        Some(i) => run_filter_at(i, pod, info, pod_requests(pod)),
        None => Verdict::Pass,
    }
}

/// [`run_filter`] for the `i`th plugin of [`FILTERS`], with the pod's requests computed once
/// per scheduling cycle instead of once per node.
pub(crate) fn run_filter_at(
    i: usize,
    pod: &Pod,
    info: &NodeInfo,
    requests: (i128, i128),
) -> Verdict {
    match i {
        0 => node_unschedulable(pod, info.node),
        1 => node_name(pod, info.node),
        2 => taint_toleration(pod, info.node),
        3 => node_affinity(pod, info.node),
        4 => node_resources_fit(requests, info),
        // PodTopologySpread and InterPodAffinity need their PreFilter state: the scheduler runs
        // them itself.
        _ => Verdict::Pass,
    }
}

fn node_unschedulable(pod: &Pod, node: &Node) -> Verdict {
    if !node.is_unschedulable() {
        return Verdict::Pass;
    }
    let tolerated = pod.spec.tolerations.iter().any(|t| {
        t.tolerates(&crate::api::node::Taint {
            key: "node.kubernetes.io/unschedulable".into(),
            value: None,
            effect: "NoSchedule".into(),
            time_added: None,
        })
    });
    if tolerated {
        Verdict::Pass
    } else {
        fail("node(s) were unschedulable", true)
    }
}

fn node_name(pod: &Pod, node: &Node) -> Verdict {
    match pod.spec.node_name.as_deref() {
        Some(n) if !n.is_empty() && n != node.metadata.name => {
            fail("node(s) didn't match the requested node name", true)
        }
        _ => Verdict::Pass,
    }
}

pub(crate) fn taint_toleration(pod: &Pod, node: &Node) -> Verdict {
    for taint in &node.spec.taints {
        if taint.effect != "NoSchedule" && taint.effect != "NoExecute" {
            continue;
        }
        if !pod.spec.tolerations.iter().any(|t| t.tolerates(taint)) {
            return fail(
                format!(
                    "node(s) had untolerated taint {{{}: {}}}",
                    taint.key,
                    taint.value.as_deref().unwrap_or("")
                ),
                true,
            );
        }
    }
    Verdict::Pass
}

fn requirement_matches(r: &NodeSelectorRequirement, value: Option<&str>) -> bool {
    match r.operator.as_str() {
        "In" => value.is_some_and(|v| r.values.iter().any(|x| x == v)),
        "NotIn" => value.is_none_or(|v| !r.values.iter().any(|x| x == v)),
        "Exists" => value.is_some(),
        "DoesNotExist" => value.is_none(),
        "Gt" | "Lt" => {
            let (Some(v), Some(bound)) = (value, r.values.first()) else {
                return false;
            };
            let (Ok(v), Ok(b)) = (v.parse::<i64>(), bound.parse::<i64>()) else {
                return false;
            };
            if r.operator == "Gt" { v > b } else { v < b }
        }
        _ => false,
    }
}

/// Whether a node matches a node selector term (expressions on labels, fields on the name).
pub fn term_matches(term: &NodeSelectorTerm, node: &Node) -> bool {
    if term.match_expressions.is_empty() && term.match_fields.is_empty() {
        return false;
    }
    term.match_expressions
        .iter()
        .all(|r| requirement_matches(r, node.metadata.labels.get(&r.key).map(String::as_str)))
        && term.match_fields.iter().all(|r| {
            let v = (r.key == "metadata.name").then_some(node.metadata.name.as_str());
            requirement_matches(r, v)
        })
}

pub(crate) fn node_affinity(pod: &Pod, node: &Node) -> Verdict {
    let selector_ok = pod
        .spec
        .node_selector
        .iter()
        .all(|(k, v)| node.metadata.labels.get(k) == Some(v));
    let required = pod
        .spec
        .affinity
        .as_ref()
        .and_then(|a| a.node_affinity.as_ref())
        .and_then(|na| {
            na.required_during_scheduling_ignored_during_execution
                .as_ref()
        });
    let affinity_ok =
        required.is_none_or(|r| r.node_selector_terms.iter().any(|t| term_matches(t, node)));
    if selector_ok && affinity_ok {
        Verdict::Pass
    } else {
        fail("node(s) didn't match Pod's node affinity/selector", true)
    }
}

/// The pod's requests as NodeResourcesFit counts them.
pub fn pod_requests(pod: &Pod) -> (i128, i128) {
    (
        pod.spec.request_milli("cpu"),
        pod.spec.request_milli("memory"),
    )
}

fn node_resources_fit(requests: (i128, i128), info: &NodeInfo) -> Verdict {
    fit_verdict(fit_failures(requests, info))
}

/// NodeResourcesFit's checks as bits: 1 too many pods, 2 insufficient cpu, 4 insufficient
/// memory.
pub(crate) fn fit_failures((cpu, memory): (i128, i128), info: &NodeInfo) -> u8 {
    let (alloc_cpu, alloc_mem, alloc_pods) = info.allocatable;
    let mut fails = 0;
    if info.pods.saturating_add(1000) > alloc_pods {
        fails |= 1;
    }
    if cpu > 0 && info.requested_cpu.saturating_add(cpu) > alloc_cpu {
        fails |= 2;
    }
    if memory > 0 && info.requested_memory.saturating_add(memory) > alloc_mem {
        fails |= 4;
    }
    fails
}

/// The verdict for [`fit_failures`] bits.
pub(crate) fn fit_verdict(fails: u8) -> Verdict {
    if fails == 0 {
        return Verdict::Pass;
    }
    let reasons = [
        (1, "Too many pods"),
        (2, "Insufficient cpu"),
        (4, "Insufficient memory"),
    ]
    .into_iter()
    .filter(|(bit, _)| fails & bit != 0)
    .map(|(_, r)| r.to_string())
    .collect();
    Verdict::Fail {
        reasons,
        unresolvable: false,
    }
}

/// Requests the scoring plugins assume for containers without any (`schedutil` non-zero
/// defaults: 100m cpu, 200Mi memory).
pub fn non_zero_requests(pod: &Pod) -> (i128, i128) {
    non_zero(pod_requests(pod))
}

/// The scoring defaults applied to requests already summed.
pub(crate) fn non_zero((cpu, mem): (i128, i128)) -> (i128, i128) {
    let cpu = if cpu == 0 { 100 } else { cpu };
    let mem = if mem == 0 {
        200 * 1024 * 1024 * 1000
    } else {
        mem
    };
    (cpu, mem)
}

// Simplification: ImageLocality is not modelled (it would score 0–100 by how many nodes already
// have the images).
pub const SCORES: &[(&str, i64)] = &[
    ("NodeResourcesFit", 1),
    ("NodeResourcesBalancedAllocation", 1),
    ("TaintToleration", 3),
    ("NodeAffinity", 2),
    ("PodTopologySpread", 2),
    ("InterPodAffinity", 2),
];

/// A Score plugin's raw score (0–100) of one feasible node.
pub fn run_score(plugin: &str, pod: &Pod, info: &NodeInfo) -> i64 {
    match SCORES.iter().position(|(p, _)| *p == plugin) {
        Some(i) => run_score_at(i, pod, info, non_zero_requests(pod)),
        None => 0,
    }
}

/// `a * k / b` truncated, as 128-bit arithmetic computes it, but in 64 bits when the operands
/// are small enough for that to give the same value (every real node): 128-bit division is slow,
/// and this runs for every scored node of every scheduling attempt.
fn mul_div(a: i128, k: i64, b: i128) -> i128 {
    const LIMIT: u128 = (i64::MAX / 10_000) as u128;
    if (1..=10_000).contains(&k) && a.unsigned_abs() <= LIMIT && b.unsigned_abs() <= LIMIT && b != 0
    {
        i128::from((a as i64) * k / (b as i64))
    } else {
        a * i128::from(k) / b
    }
}

/// [`run_score`] for the `i`th plugin of [`SCORES`], with the pod's non-zero requests computed
/// once per scheduling cycle.
pub(crate) fn run_score_at(i: usize, pod: &Pod, info: &NodeInfo, nonzero: (i128, i128)) -> i64 {
    match i {
        0 => resource_scores(info, nonzero).0,
        1 => resource_scores(info, nonzero).1,
        // The number of intolerable PreferNoSchedule taints (normalized in reverse: fewer is
        // better).
        2 => info
            .node
            .spec
            .taints
            .iter()
            .filter(|t| t.effect == "PreferNoSchedule")
            .filter(|t| !pod.spec.tolerations.iter().any(|tol| tol.tolerates(t)))
            .count() as i64,
        3 => {
            let preferred = pod
                .spec
                .affinity
                .as_ref()
                .and_then(|a| a.node_affinity.as_ref())
                .map(|na| &na.preferred_during_scheduling_ignored_during_execution);
            let Some(terms) = preferred else { return 0 };
            // The sum of matching weights (normalized against the best node).
            terms
                .iter()
                .filter(|t| term_matches(&t.preference, info.node))
                .map(|t| i64::from(t.weight))
                .sum()
        }
        _ => 0,
    }
}

/// NodeResourcesFit (LeastAllocated) and NodeResourcesBalancedAllocation raw scores, for a pod
/// with these non-zero requests.
pub(crate) fn resource_scores(info: &NodeInfo, (cpu, mem): (i128, i128)) -> (i64, i64) {
    let alloc_cpu = info.allocatable.0.max(1);
    let alloc_mem = info.allocatable.1.max(1);
    let used_cpu = info.nonzero_cpu.saturating_add(cpu).min(alloc_cpu);
    let used_mem = info.nonzero_memory.saturating_add(mem).min(alloc_mem);
    // LeastAllocated: the free share, averaged over cpu and memory.
    let least = {
        let c = mul_div(alloc_cpu - used_cpu, 100, alloc_cpu);
        let m = mul_div(alloc_mem - used_mem, 100, alloc_mem);
        ((c + m) / 2) as i64
    };
    // 100 when cpu and memory are used in the same proportion.
    let balanced = {
        let fc = mul_div(used_cpu, 10_000, alloc_cpu);
        let fm = mul_div(used_mem, 10_000, alloc_mem);
        (100 - (fc - fm).abs() / 200) as i64
    };
    (least, balanced)
}

/// Parses a quantity to thousandths, 0 if absent or malformed.
pub fn milli(q: Option<&Quantity>) -> i128 {
    q.and_then(Quantity::milli_value).unwrap_or(0)
}

/// NodeAffinity's PreFilter result: when every required term names nodes with
/// `matchFields` `metadata.name In`, only those nodes can fit.
///
/// Simplification: terms that name no common node (upstream: rejected in PreFilter as
/// conflicting) are left to the Filter, which rejects every node.
pub(crate) fn pinned_node_names(pod: &Pod) -> Option<std::collections::BTreeSet<String>> {
    use std::collections::BTreeSet;
    let terms = &pod
        .spec
        .affinity
        .as_ref()?
        .node_affinity
        .as_ref()?
        .required_during_scheduling_ignored_during_execution
        .as_ref()?
        .node_selector_terms;
    let mut names: Option<BTreeSet<String>> = None;
    for t in terms {
        let mut term_names: Option<BTreeSet<String>> = None;
        for r in &t.match_fields {
            if r.key == "metadata.name" && r.operator == "In" {
                let s: BTreeSet<String> = r.values.iter().cloned().collect();
                term_names = Some(match term_names {
                    None => s,
                    Some(prev) => prev.intersection(&s).cloned().collect(),
                });
            }
        }
        let term_names = term_names?;
        names.get_or_insert_with(BTreeSet::new).extend(term_names);
    }
    names.filter(|n| !n.is_empty())
}
