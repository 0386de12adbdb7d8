//! Validation of a pod's scheduling constraints as the api-server does it
//! (`validateAffinity`, `validateTopologySpreadConstraints`): a typo in an operator or a
//! missing topology key is refused with upstream's message instead of scheduling oddly.

use super::LabelSelector;
use super::pod::{
    Affinity, NodeSelectorRequirement, NodeSelectorTerm, PodAffinity, PodAffinityTerm, PodSpec,
    TopologySpreadConstraint,
};
use crate::apiserver::status::FieldError;
use crate::apiserver::validation::{is_dns1123_label, is_qualified_name, is_valid_label_value};
use crate::labels::Selector;

const NOT_POSITIVE: &str = "must be greater than zero";
const WEIGHT_RANGE: &str = "must be in the range 1-100";

/// The scheduling constraints of a pod spec at `path`.
pub(crate) fn validate(spec: &PodSpec, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if let Some(a) = &spec.affinity {
        errs.extend(validate_affinity(a, &format!("{path}.affinity")));
    }
    if !spec.topology_spread_constraints.is_empty() {
        errs.extend(validate_spread(
            &spec.topology_spread_constraints,
            &format!("{path}.topologySpreadConstraints"),
        ));
    }
    errs
}

/// `ValidateLabelName`.
fn label_name(key: &str, path: &str) -> Vec<FieldError> {
    is_qualified_name(key)
        .into_iter()
        .map(|m| FieldError::invalid(path, key, m))
        .collect()
}

/// `ValidateLabelSelector`: the errors `metav1.LabelSelectorAsSelector` finds.
fn label_selector(sel: Option<&LabelSelector>, path: &str) -> Vec<FieldError> {
    match sel {
        Some(s) => match Selector::from_label_selector(Some(s)) {
            Ok(_) => Vec::new(),
            Err(e) => vec![FieldError::invalid(
                path,
                serde_json::to_value(s).unwrap_or_default(),
                e,
            )],
        },
        None => Vec::new(),
    }
}

fn validate_affinity(a: &Affinity, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if let Some(na) = &a.node_affinity {
        let p = format!("{path}.nodeAffinity");
        if let Some(required) = &na.required_during_scheduling_ignored_during_execution {
            let tp =
                format!("{p}.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms");
            if required.node_selector_terms.is_empty() {
                errs.push(FieldError::required(
                    tp,
                    "must have at least one node selector term",
                ));
            } else {
                for (i, term) in required.node_selector_terms.iter().enumerate() {
                    errs.extend(node_selector_term(term, &format!("{tp}[{i}]"), false));
                }
            }
        }
        for (i, pref) in na
            .preferred_during_scheduling_ignored_during_execution
            .iter()
            .enumerate()
        {
            let pp = format!("{p}.preferredDuringSchedulingIgnoredDuringExecution[{i}]");
            if !(1..=100).contains(&pref.weight) {
                errs.push(FieldError::invalid(
                    format!("{pp}.weight"),
                    pref.weight,
                    WEIGHT_RANGE,
                ));
            }
            errs.extend(node_selector_term(
                &pref.preference,
                &format!("{pp}.preference"),
                true,
            ));
        }
    }
    if let Some(pa) = &a.pod_affinity {
        errs.extend(pod_affinity(pa, &format!("{path}.podAffinity")));
    }
    if let Some(pa) = &a.pod_anti_affinity {
        errs.extend(pod_affinity(pa, &format!("{path}.podAntiAffinity")));
    }
    errs
}

/// `ValidateNodeSelectorTerm`: label requirements, then field requirements.
fn node_selector_term(
    term: &NodeSelectorTerm,
    path: &str,
    allow_bad_values: bool,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (j, r) in term.match_expressions.iter().enumerate() {
        errs.extend(node_selector_requirement(
            r,
            &format!("{path}.matchExpressions[{j}]"),
            allow_bad_values,
        ));
    }
    for (j, r) in term.match_fields.iter().enumerate() {
        let p = format!("{path}.matchFields[{j}]");
        match r.operator.as_str() {
            "In" | "NotIn" => {
                if r.values.len() != 1 {
                    errs.push(FieldError::required(
                        format!("{p}.values"),
                        "must be only one value when `operator` is 'In' or 'NotIn' for node field selector",
                    ));
                }
            }
            other => errs.push(FieldError::invalid(
                format!("{p}.operator"),
                other,
                "not a valid selector operator",
            )),
        }
        if r.key != "metadata.name" {
            errs.push(FieldError::invalid(
                format!("{p}.key"),
                r.key.as_str(),
                "not a valid field selector key",
            ));
        }
    }
    errs
}

/// `ValidateNodeSelectorRequirement`.
fn node_selector_requirement(
    r: &NodeSelectorRequirement,
    path: &str,
    allow_bad_values: bool,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let values = format!("{path}.values");
    match r.operator.as_str() {
        "In" | "NotIn" if r.values.is_empty() => errs.push(FieldError::required(
            values,
            "must be specified when `operator` is 'In' or 'NotIn'",
        )),
        "Exists" | "DoesNotExist" if !r.values.is_empty() => errs.push(FieldError::forbidden(
            values,
            "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
        )),
        "Gt" | "Lt" if r.values.len() != 1 => errs.push(FieldError::required(
            values,
            "must be specified single value when `operator` is 'Lt' or 'Gt'",
        )),
        "In" | "NotIn" | "Exists" | "DoesNotExist" | "Gt" | "Lt" => {}
        other => errs.push(FieldError::invalid(
            format!("{path}.operator"),
            other,
            "not a valid selector operator",
        )),
    }
    errs.extend(label_name(&r.key, &format!("{path}.key")));
    if !allow_bad_values {
        for (k, v) in r.values.iter().enumerate() {
            for m in is_valid_label_value(v) {
                errs.push(FieldError::invalid(
                    format!("{path}.values[{k}]"),
                    v.as_str(),
                    m,
                ));
            }
        }
    }
    errs
}

fn pod_affinity(pa: &PodAffinity, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (i, term) in pa
        .required_during_scheduling_ignored_during_execution
        .iter()
        .enumerate()
    {
        errs.extend(pod_affinity_term(
            term,
            &format!("{path}.requiredDuringSchedulingIgnoredDuringExecution[{i}]"),
        ));
    }
    for (i, w) in pa
        .preferred_during_scheduling_ignored_during_execution
        .iter()
        .enumerate()
    {
        let p = format!("{path}.preferredDuringSchedulingIgnoredDuringExecution[{i}]");
        if !(1..=100).contains(&w.weight) {
            errs.push(FieldError::invalid(
                format!("{p}.weight"),
                w.weight,
                WEIGHT_RANGE,
            ));
        }
        errs.extend(pod_affinity_term(
            &w.pod_affinity_term,
            &format!("{p}.podAffinityTerm"),
        ));
    }
    errs
}

/// `validatePodAffinityTerm`.
fn pod_affinity_term(term: &PodAffinityTerm, path: &str) -> Vec<FieldError> {
    let mut errs = label_selector(
        term.label_selector.as_ref(),
        &format!("{path}.labelSelector"),
    );
    errs.extend(label_selector(
        term.namespace_selector.as_ref(),
        &format!("{path}.namespaceSelector"),
    ));
    for ns in &term.namespaces {
        for m in is_dns1123_label(ns) {
            errs.push(FieldError::invalid(
                format!("{path}.namespace"),
                ns.as_str(),
                m,
            ));
        }
    }
    let key_path = format!("{path}.topologyKey");
    if term.topology_key.is_empty() {
        errs.push(FieldError::required(key_path.clone(), "can not be empty"));
    }
    errs.extend(label_name(&term.topology_key, &key_path));
    errs
}

/// `validateTopologySpreadConstraints`.
fn validate_spread(constraints: &[TopologySpreadConstraint], path: &str) -> Vec<FieldError> {
    const ACTIONS: &[&str] = &["DoNotSchedule", "ScheduleAnyway"];
    const POLICIES: &[&str] = &["Honor", "Ignore"];
    let mut errs = Vec::new();
    for (i, c) in constraints.iter().enumerate() {
        let p = format!("{path}[{i}]");
        if c.max_skew <= 0 {
            errs.push(FieldError::invalid(
                format!("{p}.maxSkew"),
                c.max_skew,
                NOT_POSITIVE,
            ));
        }
        if c.topology_key.is_empty() {
            errs.push(FieldError::required(
                format!("{p}.topologyKey"),
                "can not be empty",
            ));
        }
        if !ACTIONS.contains(&c.when_unsatisfiable.as_str()) {
            errs.push(FieldError::not_supported(
                format!("{p}.whenUnsatisfiable"),
                c.when_unsatisfiable.as_str(),
                ACTIONS,
            ));
        }
        if constraints[i + 1..].iter().any(|o| {
            o.topology_key == c.topology_key && o.when_unsatisfiable == c.when_unsatisfiable
        }) {
            errs.push(FieldError::duplicate(
                format!("{p}.{{topologyKey, whenUnsatisfiable}}"),
                format!("{{{}, {}}}", c.topology_key, c.when_unsatisfiable),
            ));
        }
        if let Some(min) = c.min_domains {
            if min <= 0 {
                errs.push(FieldError::invalid(
                    format!("{p}.minDomains"),
                    min,
                    NOT_POSITIVE,
                ));
            }
            if c.when_unsatisfiable != "DoNotSchedule" {
                errs.push(FieldError::invalid(
                    format!("{p}.minDomains"),
                    min,
                    format!(
                        "can only use minDomains if whenUnsatisfiable=DoNotSchedule, not {}",
                        c.when_unsatisfiable
                    ),
                ));
            }
        }
        for (field, policy) in [
            ("nodeAffinityPolicy", &c.node_affinity_policy),
            ("nodeTaintsPolicy", &c.node_taints_policy),
        ] {
            if let Some(v) = policy
                && !POLICIES.contains(&v.as_str())
            {
                errs.push(FieldError::not_supported(
                    format!("{p}.{field}"),
                    v.as_str(),
                    POLICIES,
                ));
            }
        }
        errs.extend(label_selector(
            c.label_selector.as_ref(),
            &format!("{p}.labelSelector"),
        ));
    }
    errs
}
