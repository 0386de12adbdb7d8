//! PodTopologySpread: Filter for `whenUnsatisfiable: DoNotSchedule` constraints, Score for
//! `ScheduleAnyway` ones (or the system default constraints when the pod has none).

use std::collections::BTreeMap;

use crate::api::pod::TopologySpreadConstraint;
use crate::api::{Kind, Node, Pod, ReplicaSet, Resource};
use crate::apiserver::ApiServer;
use crate::labels::{Operator, Requirement, Selector};

use super::cache::{Cache, Counts, Namespaces};
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
    selector: Selector,
    min_domains: i64,
    honor_affinity: bool,
    honor_taints: bool,
}

impl Constraint {
    /// `matchNodeInclusionPolicies`: nodeAffinityPolicy (default Honor), nodeTaintsPolicy
    /// (default Ignore).
    fn includes(&self, pod: &Pod, node: &Node) -> bool {
        (!self.honor_affinity || plugins::node_affinity(pod, node) == Verdict::Pass)
            && (!self.honor_taints || plugins::taint_toleration(pod, node) == Verdict::Pass)
    }
}

/// `filterTopologySpreadConstraints`: the pod's constraints with the given action, with
/// `matchLabelKeys` merged into their selectors.
fn constraints_of(pod: &Pod, action: &str) -> Vec<Constraint> {
    pod.spec
        .topology_spread_constraints
        .iter()
        .filter(|c| c.when_unsatisfiable == action)
        .filter_map(|c| build(pod, c))
        .collect()
}

fn build(pod: &Pod, c: &TopologySpreadConstraint) -> Option<Constraint> {
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
        selector,
        min_domains: i64::from(c.min_domains.unwrap_or(1)),
        honor_affinity: c.node_affinity_policy.as_deref() != Some("Ignore"),
        honor_taints: c.node_taints_policy.as_deref() == Some("Honor"),
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
/// maxSkew 3, ScheduleAnyway, when the pod has a non-empty default selector.
fn system_defaults(api: &ApiServer, pod: &Pod) -> Vec<Constraint> {
    let selector = default_selector(api, pod);
    if selector.is_empty() {
        return Vec::new();
    }
    [(ZONE, 5), (HOSTNAME, 3)]
        .into_iter()
        .map(|(key, max_skew)| Constraint {
            max_skew,
            key: key.into(),
            selector: selector.clone(),
            min_domains: 1,
            honor_affinity: true,
            honor_taints: false,
        })
        .collect()
}

/// PreFilter state: matching pods per topology domain over every eligible node.
#[derive(Debug)]
pub(crate) struct FilterState {
    constraints: Vec<Constraint>,
    domains: Vec<BTreeMap<String, i64>>,
    self_match: Vec<bool>,
}

fn has_all_keys(node: &Node, constraints: &[Constraint]) -> bool {
    constraints
        .iter()
        .all(|c| node.metadata.labels.contains_key(&c.key))
}

pub(crate) fn pre_filter(pod: &Pod, cache: &Cache, counts: &mut Counts) -> Option<FilterState> {
    // Simplification: system default constraints are all ScheduleAnyway, so only the pod's own
    // constraints can filter.
    let constraints = constraints_of(pod, "DoNotSchedule");
    if constraints.is_empty() {
        return None;
    }
    let ns = Namespaces::one(&pod.metadata.namespace);
    let mut domains = vec![BTreeMap::new(); constraints.len()];
    for (i, c) in constraints.iter().enumerate() {
        let per_node = counts.per_node(cache, &ns, &c.selector);
        for (n, entry) in cache.nodes.iter().enumerate() {
            let Some(node) = entry.node() else { continue };
            if !has_all_keys(node, &constraints) || !c.includes(pod, node) {
                continue;
            }
            let Some(value) = node.metadata.labels.get(&c.key) else {
                continue;
            };
            *domains[i].entry(value.clone()).or_insert(0) += per_node.get(n).copied().unwrap_or(0);
        }
    }
    let self_match = constraints
        .iter()
        .map(|c| c.selector.matches(&pod.metadata.labels))
        .collect();
    Some(FilterState {
        constraints,
        domains,
        self_match,
    })
}

pub(crate) fn filter(state: Option<&FilterState>, node: &Node) -> Verdict {
    let Some(s) = state else {
        return Verdict::Pass;
    };
    for (i, c) in s.constraints.iter().enumerate() {
        let Some(value) = node.metadata.labels.get(&c.key) else {
            return Verdict::Fail {
                reasons: vec![ERR_NODE_LABEL_NOT_MATCH.into()],
                unresolvable: true,
            };
        };
        let domains = &s.domains[i];
        let mut min = domains
            .values()
            .copied()
            .min()
            .unwrap_or(i64::from(i32::MAX));
        if (domains.len() as i64) < c.min_domains {
            min = 0;
        }
        let matched = domains.get(value).copied().unwrap_or(0);
        let skew = matched + i64::from(s.self_match[i]) - min;
        if skew > c.max_skew {
            return Verdict::Fail {
                reasons: vec![ERR_CONSTRAINTS_NOT_MATCH.into()],
                unresolvable: false,
            };
        }
    }
    Verdict::Pass
}

/// Scores of the feasible nodes (positions in `cache.nodes`), normalized to 0–100.
pub(crate) fn scores(
    api: &ApiServer,
    pod: &Pod,
    cache: &Cache,
    counts: &mut Counts,
    feasible: &[usize],
) -> Vec<i64> {
    let (constraints, require_all) = if pod.spec.topology_spread_constraints.is_empty() {
        (system_defaults(api, pod), false)
    } else {
        (constraints_of(pod, "ScheduleAnyway"), true)
    };
    if constraints.is_empty() {
        return vec![0; feasible.len()];
    }
    let doms: Vec<(Vec<Option<u32>>, usize)> = constraints
        .iter()
        .map(|c| {
            let d = counts.domains(cache, &c.key);
            (d.of_node.clone(), d.len)
        })
        .collect();
    let has_all = |i: usize| {
        doms.iter()
            .all(|(d, _)| d.get(i).copied().flatten().is_some())
    };
    let ignored: Vec<bool> = feasible
        .iter()
        .map(|&i| require_all && !has_all(i))
        .collect();
    let considered = ignored.iter().filter(|i| !**i).count();
    let ns = Namespaces::one(&pod.metadata.namespace);
    let mut totals: Vec<Vec<Option<i64>>> = Vec::with_capacity(constraints.len());
    let mut weights = Vec::with_capacity(constraints.len());
    let mut host_counts: Vec<Vec<i64>> = Vec::with_capacity(constraints.len());
    for (ci, c) in constraints.iter().enumerate() {
        let (of_node, len) = (&doms[ci].0, doms[ci].1);
        let mut domain_totals: Vec<Option<i64>> = vec![None; len];
        let per_node = counts.per_node(cache, &ns, &c.selector);
        if c.key == HOSTNAME {
            weights.push(ln(considered as f64 + 2.0));
            host_counts.push(per_node.to_vec());
        } else {
            for (&i, ign) in feasible.iter().zip(&ignored) {
                if let (false, Some(Some(d))) = (*ign, of_node.get(i)) {
                    domain_totals[*d as usize] = Some(0);
                }
            }
            let size = domain_totals.iter().flatten().count();
            weights.push(ln(size as f64 + 2.0));
            host_counts.push(Vec::new());
            if size > 0 {
                for (n, entry) in cache.nodes.iter().enumerate() {
                    let Some(nd) = entry.node() else { continue };
                    if (require_all && !has_all(n)) || !c.includes(pod, nd) {
                        continue;
                    }
                    if let Some(Some(d)) = of_node.get(n)
                        && let Some(Some(total)) = domain_totals.get_mut(*d as usize)
                    {
                        *total += per_node.get(n).copied().unwrap_or(0);
                    }
                }
            }
        }
        totals.push(domain_totals);
    }
    let mut raw: Vec<Option<i64>> = Vec::with_capacity(feasible.len());
    for (&i, ign) in feasible.iter().zip(&ignored) {
        if *ign {
            raw.push(None);
            continue;
        }
        let mut score = 0.0f64;
        for (ci, c) in constraints.iter().enumerate() {
            let Some(Some(d)) = doms[ci].0.get(i) else {
                continue;
            };
            let cnt = if c.key == HOSTNAME {
                host_counts[ci].get(i).copied().unwrap_or(0)
            } else {
                totals[ci].get(*d as usize).copied().flatten().unwrap_or(0)
            };
            score += cnt as f64 * weights[ci] + (c.max_skew - 1) as f64;
        }
        raw.push(Some(score.round() as i64));
    }
    let min = raw.iter().flatten().copied().min().unwrap_or(i64::MAX);
    let max = raw.iter().flatten().copied().max().unwrap_or(0).max(0);
    raw.into_iter()
        .map(|s| match s {
            None => 0,
            Some(_) if max == 0 => 100,
            Some(s) => 100 * (max + min - s) / max,
        })
        .collect()
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
    fn ln_matches_the_platform_closely() {
        for x in [1.0, 2.0, 3.0, 7.5, 102.0, 1002.0, 5002.0] {
            assert!((super::ln(x) - f64::ln(x)).abs() < 1e-12, "{x}");
        }
    }
}
