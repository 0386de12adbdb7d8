//! `storage.k8s.io/v1` StorageClass: a provisioner, its reclaim policy and binding mode.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::meta::ObjectMeta;
use super::{KindInfo, Resource, resource_boilerplate};
use crate::apiserver::status::FieldError;
use crate::apiserver::validation::NameRule;

/// The annotation that marks the cluster's default class.
pub const IS_DEFAULT_CLASS_ANNOTATION: &str = "storageclass.kubernetes.io/is-default-class";
pub const BETA_IS_DEFAULT_CLASS_ANNOTATION: &str =
    "storageclass.beta.kubernetes.io/is-default-class";

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StorageClass {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub provisioner: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub parameters: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reclaim_policy: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mount_options: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_volume_expansion: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume_binding_mode: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_topologies: Vec<Value>,
}

impl StorageClass {
    pub fn new(name: &str, provisioner: &str) -> Self {
        StorageClass {
            metadata: ObjectMeta::named("", name),
            provisioner: provisioner.to_string(),
            ..Default::default()
        }
    }

    /// `storageutil.IsDefaultAnnotation`.
    pub fn is_default(&self) -> bool {
        let a = &self.metadata.annotations;
        a.get(IS_DEFAULT_CLASS_ANNOTATION).map(String::as_str) == Some("true")
            || a.get(BETA_IS_DEFAULT_CLASS_ANNOTATION).map(String::as_str) == Some("true")
    }

    pub fn reclaim_policy(&self) -> &str {
        self.reclaim_policy.as_deref().unwrap_or("Delete")
    }

    pub fn waits_for_first_consumer(&self) -> bool {
        self.volume_binding_mode.as_deref() == Some("WaitForFirstConsumer")
    }
}

impl Resource for StorageClass {
    const INFO: KindInfo = KindInfo {
        kind: "StorageClass",
        plural: "storageclasses",
        singular: "storageclass",
        short_names: &["sc"],
        group: "storage.k8s.io",
        version: "v1",
        namespaced: false,
        name_rule: NameRule::Dns1123Subdomain,
    };

    resource_boilerplate!(StorageClass);

    fn set_defaults(&mut self) {
        if self.reclaim_policy.is_none() {
            self.reclaim_policy = Some("Delete".into());
        }
        if self.volume_binding_mode.is_none() {
            self.volume_binding_mode = Some("Immediate".into());
        }
    }

    fn validate(&self, old: Option<&Self>) -> Vec<FieldError> {
        let mut errs = Vec::new();
        if self.provisioner.is_empty() {
            errs.push(FieldError::required("provisioner", ""));
        }
        if let Some(p) = &self.reclaim_policy
            && !matches!(p.as_str(), "Delete" | "Retain")
        {
            errs.push(FieldError::not_supported(
                "reclaimPolicy",
                p.as_str(),
                &["Delete", "Retain"],
            ));
        }
        if let Some(m) = &self.volume_binding_mode
            && !matches!(m.as_str(), "Immediate" | "WaitForFirstConsumer")
        {
            errs.push(FieldError::not_supported(
                "volumeBindingMode",
                m.as_str(),
                &["Immediate", "WaitForFirstConsumer"],
            ));
        }
        if let Some(old) = old {
            if self.parameters != old.parameters {
                errs.push(FieldError::forbidden(
                    "parameters",
                    "updates to parameters are forbidden.",
                ));
            }
            if self.provisioner != old.provisioner {
                errs.push(FieldError::forbidden(
                    "provisioner",
                    "updates to provisioner are forbidden.",
                ));
            }
            if self.reclaim_policy != old.reclaim_policy {
                errs.push(FieldError::forbidden(
                    "reclaimPolicy",
                    "updates to reclaimPolicy are forbidden.",
                ));
            }
            if self.volume_binding_mode != old.volume_binding_mode {
                errs.push(FieldError::invalid(
                    "volumeBindingMode",
                    self.volume_binding_mode.clone().unwrap_or_default(),
                    "field is immutable",
                ));
            }
        }
        errs
    }
}
