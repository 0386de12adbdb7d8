//! `policy/v1` PodDisruptionBudget: how many pods of a set must stay healthy through voluntary
//! disruptions (evictions, `kubectl drain`). The disruption controller keeps its `status`; the
//! Eviction subresource reads it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::meta::{Condition, IntOrString, LabelSelector, ObjectMeta};
use super::{KindInfo, Resource, resource_boilerplate};
use crate::apiserver::status::FieldError;
use crate::apiserver::validation::NameRule;
use crate::labels::Selector;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodDisruptionBudget {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: PodDisruptionBudgetSpec,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<PodDisruptionBudgetStatus>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodDisruptionBudgetSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_available: Option<IntOrString>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<LabelSelector>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_unavailable: Option<IntOrString>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unhealthy_pod_eviction_policy: Option<String>,
}

/// The status fields without `omitempty` upstream are always written, zeros included.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodDisruptionBudgetStatus {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    /// Pods an eviction has just deleted (or is about to), by name, with the eviction's time:
    /// not counted as healthy until they are gone or two minutes have passed.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub disrupted_pods: BTreeMap<String, String>,
    #[serde(default)]
    pub disruptions_allowed: i32,
    #[serde(default)]
    pub current_healthy: i32,
    #[serde(default)]
    pub desired_healthy: i32,
    #[serde(default)]
    pub expected_pods: i32,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
}

/// `policy.DisruptionAllowedCondition`.
pub const DISRUPTION_ALLOWED: &str = "DisruptionAllowed";

const POLICIES: &[&str] = &["AlwaysAllow", "IfHealthyBudget"];

const PERCENT_MESSAGE: &str = "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";

impl PodDisruptionBudget {
    /// A budget over the pods labelled `app=<app>` keeping `min_available` of them.
    pub fn new(namespace: &str, name: &str, app: &str, min_available: IntOrString) -> Self {
        PodDisruptionBudget {
            metadata: ObjectMeta::named(namespace, name),
            spec: PodDisruptionBudgetSpec {
                min_available: Some(min_available),
                selector: Some(LabelSelector {
                    match_labels: [("app".to_string(), app.to_string())].into(),
                    ..Default::default()
                }),
                ..Default::default()
            },
            status: None,
        }
    }

    /// The pods it covers: `nil` selects nothing, an empty selector every pod of the namespace
    /// (policy/v1 semantics).
    pub fn pod_selector(&self) -> Option<Selector> {
        let sel = self.spec.selector.as_ref()?;
        Selector::from_label_selector(Some(sel)).ok()
    }

    pub fn status(&self) -> PodDisruptionBudgetStatus {
        self.status.clone().unwrap_or_default()
    }
}

/// `ValidatePositiveIntOrPercent` and `IsNotMoreThan100Percent`.
fn validate_int_or_percent(v: &IntOrString, path: &str) -> Vec<FieldError> {
    let value = || serde_json::to_value(v).unwrap_or_default();
    match v {
        IntOrString::Int(i) if *i < 0 => vec![FieldError::invalid(
            path,
            i64::from(*i),
            "must be greater than or equal to 0",
        )],
        IntOrString::Int(_) => Vec::new(),
        IntOrString::String(s) => {
            let Some(digits) = s
                .strip_suffix('%')
                .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
            else {
                return vec![FieldError::invalid(path, value(), PERCENT_MESSAGE)];
            };
            if digits.parse::<u64>().map_or(true, |p| p > 100) {
                vec![FieldError::invalid(
                    path,
                    value(),
                    "must not be greater than 100%",
                )]
            } else {
                Vec::new()
            }
        }
    }
}

impl Resource for PodDisruptionBudget {
    const INFO: KindInfo = KindInfo {
        kind: "PodDisruptionBudget",
        plural: "poddisruptionbudgets",
        singular: "poddisruptionbudget",
        short_names: &["pdb"],
        group: "policy",
        version: "v1",
        namespaced: true,
        name_rule: NameRule::Dns1123Subdomain,
    };
    const TRACKS_GENERATION: bool = true;

    resource_boilerplate!(PodDisruptionBudget);

    fn prepare_for_create(&mut self) {
        self.status = Some(PodDisruptionBudgetStatus::default());
    }

    fn copy_status_from(&mut self, other: &Self) {
        self.status = other.status.clone();
    }

    fn spec_differs(&self, old: &Self) -> bool {
        self.spec != old.spec
    }

    /// `ValidatePodDisruptionBudgetSpec`.
    fn validate(&self, _old: Option<&Self>) -> Vec<FieldError> {
        let s = &self.spec;
        let mut errs = Vec::new();
        if s.min_available.is_some() && s.max_unavailable.is_some() {
            // Simplification: upstream prints the Go struct of the spec as the value.
            errs.push(FieldError::invalid(
                "spec",
                serde_json::to_value(s).unwrap_or_default(),
                "minAvailable and maxUnavailable cannot be both set",
            ));
        }
        if let Some(v) = &s.min_available {
            errs.extend(validate_int_or_percent(v, "spec.minAvailable"));
        }
        if let Some(v) = &s.max_unavailable {
            errs.extend(validate_int_or_percent(v, "spec.maxUnavailable"));
        }
        if let Some(sel) = &s.selector
            && let Err(e) = Selector::from_label_selector(Some(sel))
        {
            errs.push(FieldError::invalid(
                "spec.selector",
                serde_json::to_value(sel).unwrap_or_default(),
                e,
            ));
        }
        if let Some(p) = &s.unhealthy_pod_eviction_policy
            && !POLICIES.contains(&p.as_str())
        {
            errs.push(FieldError::not_supported(
                "spec.unhealthyPodEvictionPolicy",
                p.as_str(),
                POLICIES,
            ));
        }
        errs
    }
}
