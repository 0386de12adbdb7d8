//! InterPodAffinity: required pod affinity and anti-affinity (Filter, including the anti-affinity
//! of pods already running) and preferred terms (Score).

use std::collections::{BTreeMap, BTreeSet};

use crate::api::pod::{Affinity, PodAffinityTerm};
use crate::api::{Namespace, Pod};
use crate::apiserver::ApiServer;
use crate::labels::{Operator, Requirement, Selector};

use super::cache::{Cache, Namespaces};
use super::plugins::Verdict;

pub const ERR_AFFINITY: &str = "node(s) didn't match pod affinity rules";
pub const ERR_ANTI_AFFINITY: &str = "node(s) didn't match pod anti-affinity rules";
pub const ERR_EXISTING_ANTI_AFFINITY: &str =
    "node(s) didn't satisfy existing pods anti-affinity rules";

/// `hardPodAffinityWeight` default.
const HARD_POD_AFFINITY_WEIGHT: i64 = 1;

/// `framework.AffinityTerm`.
#[derive(Clone, Debug)]
struct Term {
    namespaces: Namespaces,
    selector: Selector,
    key: String,
    weight: i64,
}

impl Term {
    fn matches(&self, namespace: &str, labels: &BTreeMap<String, String>) -> bool {
        self.namespaces.contains(namespace) && self.selector.matches(labels)
    }
}

/// `GetNamespacesFromPodAffinityTerm` plus the namespace selector, resolved against the
/// namespaces that exist now; `matchLabelKeys`/`mismatchLabelKeys` merged into the selector.
fn term(api: &ApiServer, owner: &Pod, t: &PodAffinityTerm, weight: i64) -> Option<Term> {
    let mut selector = Selector::from_label_selector(t.label_selector.as_ref()).ok()?;
    for (keys, op) in [
        (&t.match_label_keys, Operator::In),
        (&t.mismatch_label_keys, Operator::NotIn),
    ] {
        for key in keys {
            if let Some(v) = owner.metadata.labels.get(key)
                && let Ok(r) = Requirement::new(key, op, vec![v.clone()])
            {
                selector.requirements.push(r);
            }
        }
    }
    let namespaces = match &t.namespace_selector {
        None if t.namespaces.is_empty() => Namespaces::one(&owner.metadata.namespace),
        None => Namespaces::Some(t.namespaces.iter().cloned().collect()),
        Some(ls) if ls.match_labels.is_empty() && ls.match_expressions.is_empty() => {
            Namespaces::All
        }
        Some(ls) => {
            let ns_selector = Selector::from_label_selector(Some(ls)).ok()?;
            let mut names: BTreeSet<String> = t.namespaces.iter().cloned().collect();
            for ns in api.iter_as::<Namespace>(None) {
                if ns_selector.matches(&ns.metadata.labels) {
                    names.insert(ns.metadata.name.to_string());
                }
            }
            Namespaces::Some(names)
        }
    };
    Some(Term {
        namespaces,
        selector,
        key: t.topology_key.clone(),
        weight,
    })
}

#[derive(Debug, Default)]
struct Terms {
    required_affinity: Vec<Term>,
    required_anti: Vec<Term>,
    preferred_affinity: Vec<Term>,
    preferred_anti: Vec<Term>,
}

fn terms_of(api: &ApiServer, owner: &Pod, affinity: Option<&Affinity>) -> Terms {
    let mut out = Terms::default();
    let Some(a) = affinity else { return out };
    let required = |pa: Option<&crate::api::pod::PodAffinity>| -> Vec<Term> {
        pa.map(|pa| {
            pa.required_during_scheduling_ignored_during_execution
                .iter()
                .filter_map(|t| term(api, owner, t, 1))
                .collect()
        })
        .unwrap_or_default()
    };
    let preferred = |pa: Option<&crate::api::pod::PodAffinity>| -> Vec<Term> {
        pa.map(|pa| {
            pa.preferred_during_scheduling_ignored_during_execution
                .iter()
                .filter_map(|w| term(api, owner, &w.pod_affinity_term, i64::from(w.weight)))
                .collect()
        })
        .unwrap_or_default()
    };
    out.required_affinity = required(a.pod_affinity.as_ref());
    out.required_anti = required(a.pod_anti_affinity.as_ref());
    out.preferred_affinity = preferred(a.pod_affinity.as_ref());
    out.preferred_anti = preferred(a.pod_anti_affinity.as_ref());
    out
}

/// The existing pod's terms; a minimal pod stands in for it (only namespace and labels matter).
fn existing_terms(api: &ApiServer, p: &super::cache::CachedPod) -> Terms {
    let mut owner = Pod::default();
    owner.metadata.namespace = crate::api::Str::from(&p.namespace);
    owner.metadata.labels = (*p.labels).clone().into();
    terms_of(api, &owner, p.affinity.as_deref())
}

/// Counts per (topology key, value), without zero entries.
#[derive(Debug, Default)]
struct Counts(BTreeMap<String, BTreeMap<String, i64>>);

impl Counts {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn get(&self, key: &str, value: &str) -> Option<i64> {
        self.0.get(key)?.get(value).copied()
    }

    fn add(&mut self, key: &str, value: &str, by: i64) {
        if !self.0.contains_key(key) {
            self.0.insert(key.to_string(), BTreeMap::new());
        }
        let Some(values) = self.0.get_mut(key) else {
            return;
        };
        let e = match values.get_mut(value) {
            Some(e) => e,
            None => values.entry(value.to_string()).or_insert(0),
        };
        *e += by;
        if *e == 0 {
            values.remove(value);
            if values.is_empty() {
                self.0.remove(key);
            }
        }
    }

    /// The sum of the counts of the (key, value) pairs among `labels`.
    fn sum_matching(&self, labels: &BTreeMap<String, String>) -> i64 {
        self.0
            .iter()
            .filter_map(|(k, values)| values.get(labels.get(k)?))
            .sum()
    }
}

fn bump(counts: &mut Counts, cache: &Cache, node: usize, key: &str, by: i64) {
    if let Some(v) = cache.label(node, key) {
        counts.add(key, v, by);
    }
}

/// PreFilter state.
#[derive(Debug)]
pub(crate) struct FilterState {
    terms: Terms,
    self_match: bool,
    affinity_counts: Counts,
    anti_counts: Counts,
    existing_anti: Counts,
}

/// The pod's own affinity terms, resolved once per attempt.
pub(crate) struct PodTerms(Terms);

pub(crate) fn pod_terms(api: &ApiServer, pod: &Pod) -> PodTerms {
    PodTerms(terms_of(api, pod, pod.spec.affinity.as_ref()))
}

pub(crate) fn pre_filter(
    api: &ApiServer,
    pod: &Pod,
    own: &PodTerms,
    cache: &Cache,
) -> Option<FilterState> {
    let terms = &own.0;
    let (ns, labels) = (&pod.metadata.namespace, &pod.metadata.labels);
    let mut existing_anti = Counts::default();
    for (pns, pname) in &cache.with_affinity {
        let Some(p) = cache.pod(pns, pname) else {
            continue;
        };
        let Some(node) = cache.node_of(p) else {
            continue;
        };
        for t in existing_terms(api, p).required_anti {
            if t.matches(ns, labels) {
                bump(&mut existing_anti, cache, node, &t.key, 1);
            }
        }
    }
    if terms.required_affinity.is_empty()
        && terms.required_anti.is_empty()
        && existing_anti.is_empty()
    {
        return None;
    }
    let (mut affinity_counts, mut anti_counts) = (Counts::default(), Counts::default());
    if !terms.required_affinity.is_empty() || !terms.required_anti.is_empty() {
        // Simplification: every bound pod is read for each attempt of a pod with required
        // (anti-)affinity, as upstream's PreFilter does.
        for p in cache.all_pods() {
            let Some(node) = cache.node_of(p) else {
                continue;
            };
            if !terms.required_affinity.is_empty()
                && terms
                    .required_affinity
                    .iter()
                    .all(|t| t.matches(&p.namespace, &p.labels))
            {
                for t in &terms.required_affinity {
                    bump(&mut affinity_counts, cache, node, &t.key, 1);
                }
            }
            for t in &terms.required_anti {
                if t.matches(&p.namespace, &p.labels) {
                    bump(&mut anti_counts, cache, node, &t.key, 1);
                }
            }
        }
    }
    let self_match = terms
        .required_affinity
        .iter()
        .all(|t| t.matches(ns, labels));
    Some(FilterState {
        terms: Terms {
            required_affinity: terms.required_affinity.clone(),
            required_anti: terms.required_anti.clone(),
            ..Terms::default()
        },
        self_match,
        affinity_counts,
        anti_counts,
        existing_anti,
    })
}

pub(crate) fn filter(s: &FilterState, labels: &BTreeMap<String, String>) -> Verdict {
    let fail = |reason: &str, unresolvable: bool| Verdict::Fail {
        reasons: vec![reason.to_string()],
        unresolvable,
    };
    // satisfyPodAffinity
    let mut pods_exist = true;
    for t in &s.terms.required_affinity {
        let Some(v) = labels.get(&t.key) else {
            return fail(ERR_AFFINITY, true);
        };
        if s.affinity_counts.get(&t.key, v).is_none_or(|c| c <= 0) {
            pods_exist = false;
        }
    }
    // The first pod of a group with affinity to itself may go anywhere its terms allow.
    let first_of_its_group = s.affinity_counts.is_empty() && s.self_match;
    if !(pods_exist || first_of_its_group) {
        return fail(ERR_AFFINITY, true);
    }
    // satisfyPodAntiAffinity
    for t in &s.terms.required_anti {
        if let Some(v) = labels.get(&t.key)
            && s.anti_counts.get(&t.key, v).is_some_and(|c| c > 0)
        {
            return fail(ERR_ANTI_AFFINITY, false);
        }
    }
    // satisfyExistingPodsAntiAffinity
    if !s.existing_anti.is_empty() {
        for (k, v) in labels {
            if s.existing_anti.get(k, v).is_some_and(|c| c > 0) {
                return fail(ERR_EXISTING_ANTI_AFFINITY, false);
            }
        }
    }
    Verdict::Pass
}

/// Scores of the feasible nodes (positions in `cache.nodes`), normalized to 0–100, into `out`.
pub(crate) fn scores(
    api: &ApiServer,
    pod: &Pod,
    own: &PodTerms,
    cache: &Cache,
    feasible: &[usize],
    out: &mut Vec<i64>,
) {
    out.clear();
    let terms = &own.0;
    let has_preferred = !terms.preferred_affinity.is_empty() || !terms.preferred_anti.is_empty();
    if !has_preferred && cache.with_affinity.is_empty() {
        out.resize(feasible.len(), 0);
        return;
    }
    let (ns, labels) = (&pod.metadata.namespace, &pod.metadata.labels);
    let mut topology = Counts::default();
    let mut process = |p: &super::cache::CachedPod| {
        let Some(node) = cache.node_of(p) else {
            return;
        };
        if cache.labels(node).is_none_or(BTreeMap::is_empty) {
            return;
        }
        for t in &terms.preferred_affinity {
            if t.matches(&p.namespace, &p.labels) {
                bump(&mut topology, cache, node, &t.key, t.weight);
            }
        }
        for t in &terms.preferred_anti {
            if t.matches(&p.namespace, &p.labels) {
                bump(&mut topology, cache, node, &t.key, -t.weight);
            }
        }
        if p.affinity.is_some() {
            let existing = existing_terms(api, p);
            for t in &existing.required_affinity {
                if t.matches(ns, labels) {
                    bump(&mut topology, cache, node, &t.key, HARD_POD_AFFINITY_WEIGHT);
                }
            }
            for t in &existing.preferred_affinity {
                if t.matches(ns, labels) {
                    bump(&mut topology, cache, node, &t.key, t.weight);
                }
            }
            for t in &existing.preferred_anti {
                if t.matches(ns, labels) {
                    bump(&mut topology, cache, node, &t.key, -t.weight);
                }
            }
        }
    };
    if has_preferred {
        cache.all_pods().for_each(&mut process);
    } else {
        cache
            .with_affinity
            .iter()
            .filter_map(|(pns, pname)| cache.pod(pns, pname))
            .for_each(&mut process);
    }
    let raw: Vec<i64> = feasible
        .iter()
        .map(|&i| cache.labels(i).map_or(0, |l| topology.sum_matching(l)))
        .collect();
    let min = raw.iter().copied().min().unwrap_or(0);
    let max = raw.iter().copied().max().unwrap_or(0);
    let diff = max - min;
    out.extend(raw.into_iter().map(|s| {
        if diff > 0 {
            (100.0 * ((s - min) as f64 / diff as f64)) as i64
        } else {
            0
        }
    }));
}
