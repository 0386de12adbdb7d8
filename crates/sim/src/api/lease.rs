//! `coordination.k8s.io/v1` Lease: the kubelets' heartbeats in `kube-node-lease` (one Lease per
//! node, named after it, renewed every 10 s).

use serde::{Deserialize, Serialize};

use super::meta::ObjectMeta;
use super::{KindInfo, Resource, resource_boilerplate};
use crate::apiserver::status::FieldError;
use crate::apiserver::validation::NameRule;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Lease {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: LeaseSpec,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LeaseSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holder_identity: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease_duration_seconds: Option<i32>,
    /// `metav1.MicroTime`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acquire_time: Option<String>,
    /// `metav1.MicroTime`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renew_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease_transitions: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strategy: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_holder: Option<String>,
}

impl Resource for Lease {
    const INFO: KindInfo = KindInfo {
        kind: "Lease",
        plural: "leases",
        singular: "lease",
        short_names: &[],
        group: "coordination.k8s.io",
        version: "v1",
        namespaced: true,
        name_rule: NameRule::Dns1123Subdomain,
    };

    resource_boilerplate!(Lease);

    /// `ValidateLeaseSpec`.
    fn validate(&self, _old: Option<&Self>) -> Vec<FieldError> {
        let mut errs = Vec::new();
        if let Some(d) = self.spec.lease_duration_seconds
            && d <= 0
        {
            errs.push(FieldError::invalid(
                "spec.leaseDurationSeconds",
                d,
                "must be greater than 0",
            ));
        }
        if let Some(t) = self.spec.lease_transitions
            && t < 0
        {
            errs.push(FieldError::invalid(
                "spec.leaseTransitions",
                t,
                "must be greater than or equal to 0",
            ));
        }
        errs
    }
}
