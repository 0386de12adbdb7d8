//! `core/v1` ResourceQuota: hard limits per namespace, with the usage the resource-quota
//! controller keeps in `status`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::meta::{ObjectMeta, Quantity};
use super::{KindInfo, Resource, resource_boilerplate};
use crate::apiserver::status::FieldError;
use crate::apiserver::validation::NameRule;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceQuota {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<ResourceQuotaSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ResourceQuotaStatus>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceQuotaSpec {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub hard: BTreeMap<String, Quantity>,
    /// Simplification: scopes and scope selectors are stored but not applied; every quota
    /// counts every object of its namespace.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope_selector: Option<Value>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceQuotaStatus {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub hard: BTreeMap<String, Quantity>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub used: BTreeMap<String, Quantity>,
}

impl ResourceQuota {
    pub fn new<'a>(
        namespace: &str,
        name: &str,
        hard: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Self {
        ResourceQuota {
            metadata: ObjectMeta::named(namespace, name),
            spec: Some(ResourceQuotaSpec {
                hard: hard
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), Quantity::new(v)))
                    .collect(),
                ..Default::default()
            }),
            status: None,
        }
    }

    /// `spec.hard` (empty when there is no spec).
    pub fn hard(&self) -> BTreeMap<String, Quantity> {
        self.spec
            .as_ref()
            .map(|s| s.hard.clone())
            .unwrap_or_default()
    }
}

/// Resource names whose quantities must be whole numbers (object counts).
pub fn is_integer_resource(name: &str) -> bool {
    name.starts_with("count/")
        || matches!(
            name,
            "pods"
                | "services"
                | "services.nodeports"
                | "services.loadbalancers"
                | "configmaps"
                | "secrets"
                | "persistentvolumeclaims"
                | "replicationcontrollers"
                | "resourcequotas"
        )
        || name.ends_with(".storageclass.storage.k8s.io/persistentvolumeclaims")
}

fn standard_quota_resource(name: &str) -> bool {
    is_integer_resource(name)
        || matches!(
            name,
            "cpu"
                | "memory"
                | "ephemeral-storage"
                | "requests.cpu"
                | "requests.memory"
                | "requests.storage"
                | "requests.ephemeral-storage"
                | "limits.cpu"
                | "limits.memory"
                | "limits.ephemeral-storage"
        )
        || name.ends_with(".storageclass.storage.k8s.io/requests.storage")
        || name.starts_with("requests.hugepages-")
        || name.contains('/')
}

/// `ValidateResourceQuantityValue` for one map of quantities.
pub(crate) fn validate_quota_list(map: &BTreeMap<String, Quantity>, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (k, v) in map {
        let p = format!("{path}[{k}]");
        if !standard_quota_resource(k) {
            errs.push(FieldError::invalid(
                p.clone(),
                k.as_str(),
                "must be a standard resource for quota",
            ));
        }
        let nano = v.nano_value().unwrap_or(0);
        if nano < 0 {
            errs.push(FieldError::invalid(
                p.clone(),
                v.0.as_str(),
                "must be greater than or equal to 0",
            ));
        }
        if is_integer_resource(k) && nano % 1_000_000_000 != 0 {
            errs.push(FieldError::invalid(p, v.0.as_str(), "must be an integer"));
        }
    }
    errs
}

impl Resource for ResourceQuota {
    const INFO: KindInfo = KindInfo {
        kind: "ResourceQuota",
        plural: "resourcequotas",
        singular: "resourcequota",
        short_names: &["quota"],
        group: "",
        version: "v1",
        namespaced: true,
        name_rule: NameRule::Dns1123Subdomain,
    };

    resource_boilerplate!(ResourceQuota);

    fn prepare_for_create(&mut self) {
        self.status = None;
    }

    fn copy_status_from(&mut self, other: &Self) {
        self.status = other.status.clone();
    }

    fn validate(&self, _old: Option<&Self>) -> Vec<FieldError> {
        let mut errs = Vec::new();
        if let Some(spec) = &self.spec {
            errs.extend(validate_quota_list(&spec.hard, "spec.hard"));
            for (i, s) in spec.scopes.iter().enumerate() {
                const SCOPES: &[&str] = &[
                    "Terminating",
                    "NotTerminating",
                    "BestEffort",
                    "NotBestEffort",
                    "PriorityClass",
                    "CrossNamespacePodAffinity",
                    "VolumeAttributesClass",
                ];
                if !SCOPES.contains(&s.as_str()) {
                    errs.push(FieldError::invalid(
                        format!("spec.scopes[{i}]"),
                        s.as_str(),
                        "unsupported scope",
                    ));
                }
            }
        }
        errs
    }
}
