//! PodTopologySpread: Filter for `whenUnsatisfiable: DoNotSchedule` constraints, Score for
//! `ScheduleAnyway` ones (or the system default constraints when the pod has none).

use std::sync::Arc;

use crate::api::pod::TopologySpreadConstraint;
use crate::api::{Kind, Node, Pod, ReplicaSet, Resource};
use crate::apiserver::ApiServer;
use crate::labels::{Operator, Requirement, Selector};

use super::cache::{Cache, Counts, Domains, Namespaces, NodeEntry};
use super::plugins::{self, Verdict};

pub const ERR_CONSTRAINTS_NOT_MATCH: &str = "node(s) didn't match pod topology spread constraints";
pub const ERR_NODE_LABEL_NOT_MATCH: &str =
    "node(s) didn't match pod topology spread constraints (missing required label)";

const HOSTNAME: &str = "kubernetes.io/hostname";
const ZONE: &str = "topology.kubernetes.io/zone";

#[derive(Clone, Debug)]
pub(crate) struct Constraint {
    max_skew: i64,
    key: String,
    min_domains: i64,
    honor_affinity: bool,
    honor_taints: bool,
    /// Whether the pod being scheduled matches the selector (only the Filter uses it).
    self_match: bool,
    /// Where [`Counts`] keeps the matching pods per node and the nodes' domains of `key`.
    slot: usize,
    domains: usize,
}

/// What the inclusion policies need to know about the pod being scheduled.
pub(crate) struct PodCx<'a> {
    pub pod: &'a Pod,
    /// No nodeSelector and no required node affinity: NodeAffinity passes on every node.
    pub node_free: bool,
}

impl PodCx<'_> {
    pub fn new(pod: &Pod) -> PodCx<'_> {
        let node_free = pod.spec.node_selector.is_empty()
            && pod
                .spec
                .affinity
                .as_ref()
                .and_then(|a| a.node_affinity.as_ref())
                .and_then(|na| {
                    na.required_during_scheduling_ignored_during_execution
                        .as_ref()
                })
                .is_none();
        PodCx { pod, node_free }
    }
}

impl Constraint {
    /// `matchNodeInclusionPolicies`: nodeAffinityPolicy (default Honor), nodeTaintsPolicy
    /// (default Ignore).
    fn includes(&self, cx: &PodCx, entry: &NodeEntry, node: &Node) -> bool {
        (!self.honor_affinity
            || cx.node_free
            || plugins::node_affinity(cx.pod, node) == Verdict::Pass)
            && (!self.honor_taints
                || entry.untainted
                || plugins::taint_toleration(cx.pod, node) == Verdict::Pass)
    }
}

/// `filterTopologySpreadConstraints`: the pod's constraints with the given action, with
/// `matchLabelKeys` merged into their selectors.
fn constraints_of(pod: &Pod, action: &str, cache: &Cache, counts: &mut Counts) -> Vec<Constraint> {
    pod.spec
        .topology_spread_constraints
        .iter()
        .filter(|c| c.when_unsatisfiable == action)
        .filter_map(|c| build(pod, c, cache, counts))
        .collect()
}

fn build(
    pod: &Pod,
    c: &TopologySpreadConstraint,
    cache: &Cache,
    counts: &mut Counts,
) -> Option<Constraint> {
    let mut selector = Selector::from_label_selector(c.label_selector.as_ref()).ok()?;
    for key in &c.match_label_keys {
        if let Some(v) = pod.metadata.labels.get(key)
            && let Ok(r) = Requirement::new(key, Operator::In, vec![v.clone()])
        {
            selector.requirements.push(r);
        }
    }
    Some(Constraint {
        max_skew: i64::from(c.max_skew),
        key: c.topology_key.clone(),
        min_domains: i64::from(c.min_domains.unwrap_or(1)),
        honor_affinity: c.node_affinity_policy.as_deref() != Some("Ignore"),
        honor_taints: c.node_taints_policy.as_deref() == Some("Honor"),
        self_match: selector.matches(&pod.metadata.labels),
        slot: counts.slot(cache, &Namespaces::one(&pod.metadata.namespace), &selector),
        domains: counts.domain_slot(cache, &c.topology_key),
    })
}

/// `DefaultSelector`: the selector of the pod's controlling ReplicaSet (or StatefulSet).
///
/// Simplification: Services' and ReplicationControllers' selectors are not merged in.
fn default_selector(api: &ApiServer, pod: &Pod) -> Selector {
    let Some(owner) = pod.metadata.controller() else {
        return Selector::everything();
    };
    if owner.kind != "ReplicaSet" {
        return Selector::everything();
    }
    api.get_ref(Kind::ReplicaSet, &pod.metadata.namespace, &owner.name)
        .and_then(ReplicaSet::from_object)
        .and_then(|rs| Selector::from_label_selector(rs.spec.selector.as_ref()).ok())
        .filter(|s| !s.nothing)
        .unwrap_or_default()
}

/// The system default constraints (`defaultingType: System`): zone maxSkew 5 and hostname
/// maxSkew 3, ScheduleAnyway, when the pod has a non-empty default selector. They are built
/// once per ReplicaSet and cycle (nothing changes ReplicaSets during a cycle).
fn system_defaults(
    api: &ApiServer,
    pod: &Pod,
    cache: &Cache,
    counts: &mut Counts,
) -> Arc<[Constraint]> {
    let Some(owner) = pod.metadata.controller().filter(|o| o.kind == "ReplicaSet") else {
        // Not owned by a ReplicaSet: the default selector is empty.
        return Arc::new([]);
    };
    let ns = &pod.metadata.namespace;
    if let Some(known) = counts
        .defaults
        .get(ns.as_str())
        .and_then(|m| m.get(owner.name.as_str()))
    {
        return known.clone().unwrap_or_else(|| Arc::new([]));
    }
    let selector = default_selector(api, pod);
    let constraints: Option<Arc<[Constraint]>> = (!selector.is_empty()).then(|| {
        let slot = counts.slot(cache, &Namespaces::one(ns), &selector);
        [(ZONE, 5), (HOSTNAME, 3)]
            .into_iter()
            .map(|(key, max_skew)| Constraint {
                max_skew,
                key: key.into(),
                min_domains: 1,
                honor_affinity: true,
                honor_taints: false,
                // Only the Filter reads it, and these constraints only score.
                self_match: false,
                slot,
                domains: counts.domain_slot(cache, key),
            })
            .collect()
    });
    counts
        .defaults
        .entry(ns.to_string())
        .or_default()
        .insert(owner.name.to_string(), constraints.clone());
    constraints.unwrap_or_else(|| Arc::new([]))
}

/// PreFilter state: matching pods per topology domain over every eligible node.
#[derive(Debug)]
pub(crate) struct FilterState {
    constraints: Vec<FilterConstraint>,
}

#[derive(Debug)]
struct FilterConstraint {
    max_skew: i64,
    domains: usize,
    /// Matching pods per domain, for the domains of eligible nodes.
    per_domain: Vec<Option<i64>>,
    /// The smallest count (0 below `minDomains` domains).
    min: i64,
    self_match: bool,
}

pub(crate) fn pre_filter(cx: &PodCx, cache: &Cache, counts: &mut Counts) -> Option<FilterState> {
    let pod = cx.pod;
    // Simplification: system default constraints are all ScheduleAnyway, so only the pod's own
    // constraints can filter.
    let constraints = constraints_of(pod, "DoNotSchedule", cache, counts);
    if constraints.is_empty() {
        return None;
    }
    let has_all_keys = |n: usize| {
        constraints
            .iter()
            .all(|c| domain_of(counts, c.domains, n).is_some())
    };
    let mut out = Vec::with_capacity(constraints.len());
    for c in &constraints {
        let per_node = counts.per_node(c.slot);
        let of_node = &counts.domains(c.domains).of_node;
        let mut per_domain = vec![None; counts.domains(c.domains).len];
        for (n, entry) in cache.nodes.iter().enumerate() {
            let Some(node) = entry.node() else { continue };
            if !has_all_keys(n) || !c.includes(cx, entry, node) {
                continue;
            }
            let Some(Some(d)) = of_node.get(n) else {
                continue;
            };
            if let Some(total) = per_domain.get_mut(*d as usize) {
                *total = Some(total.unwrap_or(0) + per_node.get(n).copied().unwrap_or(0));
            }
        }
        let mut min = per_domain
            .iter()
            .flatten()
            .copied()
            .min()
            .unwrap_or(i64::from(i32::MAX));
        if (per_domain.iter().flatten().count() as i64) < c.min_domains {
            min = 0;
        }
        out.push(FilterConstraint {
            max_skew: c.max_skew,
            domains: c.domains,
            per_domain,
            min,
            self_match: c.self_match,
        });
    }
    Some(FilterState { constraints: out })
}

fn domain_of(counts: &Counts, domains: usize, node: usize) -> Option<u32> {
    counts.domains(domains).of_node.get(node).copied().flatten()
}

/// The Filter for the node at `node` (a position in the cache's nodes).
pub(crate) fn filter(s: &FilterState, counts: &Counts, node: usize) -> Verdict {
    for c in &s.constraints {
        let Some(d) = domain_of(counts, c.domains, node) else {
            return Verdict::Fail {
                reasons: vec![ERR_NODE_LABEL_NOT_MATCH.into()],
                unresolvable: true,
            };
        };
        let matched = c.per_domain.get(d as usize).copied().flatten().unwrap_or(0);
        let skew = matched + i64::from(c.self_match) - c.min;
        if skew > c.max_skew {
            return Verdict::Fail {
                reasons: vec![ERR_CONSTRAINTS_NOT_MATCH.into()],
                unresolvable: false,
            };
        }
    }
    Verdict::Pass
}

/// PreScore state: the constraints that score, and whether nodes missing a key are ignored.
pub(crate) struct ScoreState {
    constraints: Arc<[Constraint]>,
    require_all: bool,
}

pub(crate) fn pre_score(
    api: &ApiServer,
    cx: &PodCx,
    cache: &Cache,
    counts: &mut Counts,
) -> ScoreState {
    let pod = cx.pod;
    if pod.spec.topology_spread_constraints.is_empty() {
        ScoreState {
            constraints: system_defaults(api, pod, cache, counts),
            require_all: false,
        }
    } else {
        ScoreState {
            constraints: constraints_of(pod, "ScheduleAnyway", cache, counts).into(),
            require_all: true,
        }
    }
}

/// Scores of the feasible nodes (positions in `cache.nodes`), normalized to 0–100, into `out`.
pub(crate) fn scores(
    state: &ScoreState,
    cx: &PodCx,
    cache: &Cache,
    counts: &Counts,
    feasible: &[usize],
    out: &mut Vec<i64>,
) {
    out.clear();
    let (constraints, require_all) = (&*state.constraints, state.require_all);
    if constraints.is_empty() {
        out.resize(feasible.len(), 0);
        return;
    }
    let doms: Vec<&Domains> = constraints
        .iter()
        .map(|c| counts.domains(c.domains))
        .collect();
    let has_all = |i: usize| {
        doms.iter()
            .all(|d| d.of_node.get(i).copied().flatten().is_some())
    };
    // Nodes missing a key are ignored when the pod's own constraints score.
    let mut ignored: Vec<bool> = vec![false; feasible.len()];
    if require_all {
        for (k, &i) in feasible.iter().enumerate() {
            ignored[k] = !has_all(i);
        }
    }
    let considered = ignored.iter().filter(|i| !**i).count();
    let mut totals: Vec<Vec<Option<i64>>> = Vec::with_capacity(constraints.len());
    let mut weights = Vec::with_capacity(constraints.len());
    let mut hostname = Vec::with_capacity(constraints.len());
    for (ci, c) in constraints.iter().enumerate() {
        let (of_node, len) = (&doms[ci].of_node, doms[ci].len);
        let per_node = counts.per_node(c.slot);
        if c.key == HOSTNAME {
            hostname.push(true);
            weights.push(ln(considered as f64 + 2.0));
            totals.push(Vec::new());
        } else {
            hostname.push(false);
            let mut domain_totals: Vec<Option<i64>> = vec![None; len];
            for (&i, ign) in feasible.iter().zip(&ignored) {
                if let (false, Some(Some(d))) = (*ign, of_node.get(i))
                    && let Some(t) = domain_totals.get_mut(*d as usize)
                {
                    *t = Some(0);
                }
            }
            let size = domain_totals.iter().flatten().count();
            weights.push(ln(size as f64 + 2.0));
            if size > 0 {
                for (n, entry) in cache.nodes.iter().enumerate() {
                    let Some(Some(d)) = of_node.get(n) else {
                        continue;
                    };
                    let Some(Some(total)) = domain_totals.get_mut(*d as usize) else {
                        continue;
                    };
                    let Some(nd) = entry.node() else { continue };
                    if (require_all && !has_all(n)) || !c.includes(cx, entry, nd) {
                        continue;
                    }
                    *total += per_node.get(n).copied().unwrap_or(0);
                }
            }
            totals.push(domain_totals);
        }
    }
    // The raw scores (of the nodes not ignored), and their range.
    let mut raw: Vec<i64> = Vec::with_capacity(feasible.len());
    let (mut min, mut max) = (i64::MAX, 0i64);
    for k in 0..feasible.len() {
        if ignored[k] {
            raw.push(0);
            continue;
        }
        let i = feasible[k];
        let mut score = 0.0f64;
        for ci in 0..constraints.len() {
            let Some(Some(d)) = doms[ci].of_node.get(i) else {
                continue;
            };
            let cnt = if hostname[ci] {
                counts
                    .per_node(constraints[ci].slot)
                    .get(i)
                    .copied()
                    .unwrap_or(0)
            } else {
                totals[ci].get(*d as usize).copied().flatten().unwrap_or(0)
            };
            score += cnt as f64 * weights[ci] + (constraints[ci].max_skew - 1) as f64;
        }
        let s = round(score) as i64;
        min = min.min(s);
        max = max.max(s);
        raw.push(s);
    }
    for k in 0..raw.len() {
        out.push(if ignored[k] {
            0
        } else if max == 0 {
            100
        } else {
            100 * (max + min - raw[k]) / max
        });
    }
}

/// `math.Round`: half away from zero, from `trunc` (one wasm instruction) instead of the libm
/// call `f64::round` compiles to on wasm32, which showed in profiles. `x - trunc(x)` is exact.
pub(crate) fn round(x: f64) -> f64 {
    let t = x.trunc();
    if (x - t).abs() >= 0.5 {
        t + x.signum()
    } else {
        t
    }
}

/// The natural logarithm from basic IEEE operations only, so that every target computes the same
/// bits (`f64::ln` comes from the platform's libm).
pub(crate) fn ln(x: f64) -> f64 {
    if x.is_nan() || x <= 0.0 {
        return f64::NAN;
    }
    let (mut m, mut k) = (x, 0i32);
    while m >= 2.0 {
        m /= 2.0;
        k += 1;
    }
    while m < 1.0 {
        m *= 2.0;
        k -= 1;
    }
    // ln(m) = 2·atanh(t), t = (m − 1)/(m + 1) ∈ [0, 1/3).
    let t = (m - 1.0) / (m + 1.0);
    let t2 = t * t;
    let (mut term, mut sum) = (t, 0.0);
    let mut n = 1.0;
    for _ in 0..40 {
        sum += term / n;
        term *= t2;
        n += 2.0;
    }
    f64::from(k) * std::f64::consts::LN_2 + 2.0 * sum
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_matches_the_platform() {
        for x in [
            0.0,
            0.4999999999999999,
            0.5,
            1.5,
            2.5,
            -0.5,
            -2.5,
            3.49,
            1e15 + 0.5,
            7.0,
        ] {
            assert_eq!(super::round(x), f64::round(x), "{x}");
        }
    }

    #[test]
    fn ln_matches_the_platform_closely() {
        for x in [1.0, 2.0, 3.0, 7.5, 102.0, 1002.0, 5002.0] {
            assert!((super::ln(x) - f64::ln(x)).abs() < 1e-12, "{x}");
        }
    }
}
