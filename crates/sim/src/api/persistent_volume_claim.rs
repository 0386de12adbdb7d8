//! `core/v1` PersistentVolumeClaim: a request for storage, bound to a PersistentVolume by the
//! PV controller.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::meta::{ObjectMeta, Quantity};
use super::persistent_volume::validate_access_modes;
use super::{KindInfo, Resource, resource_boilerplate};
use crate::apiserver::status::FieldError;
use crate::apiserver::validation::NameRule;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PersistentVolumeClaim {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: PersistentVolumeClaimSpec,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<PersistentVolumeClaimStatus>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VolumeResourceRequirements {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub limits: BTreeMap<String, Quantity>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub requests: BTreeMap<String, Quantity>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PersistentVolumeClaimSpec {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub access_modes: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_source: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_source_ref: Option<Value>,
    #[serde(default)]
    pub resources: VolumeResourceRequirements,
    /// Simplification: label selectors on claims are stored but not used for matching.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_class_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume_attributes_class_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume_mode: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub volume_name: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PersistentVolumeClaimStatus {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub access_modes: Vec<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub capacity: BTreeMap<String, Quantity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<String>,
}

impl PersistentVolumeClaim {
    pub fn new(namespace: &str, name: &str, size: &str, access_modes: &[&str]) -> Self {
        let mut pvc = PersistentVolumeClaim {
            metadata: ObjectMeta::named(namespace, name),
            ..Default::default()
        };
        pvc.spec
            .resources
            .requests
            .insert("storage".into(), Quantity::new(size));
        pvc.spec.access_modes = access_modes.iter().map(|s| s.to_string()).collect();
        pvc
    }

    pub fn phase(&self) -> &str {
        self.status
            .as_ref()
            .and_then(|s| s.phase.as_deref())
            .unwrap_or("Pending")
    }

    /// `storagehelpers.GetPersistentVolumeClaimClass`: the spec field or the beta annotation.
    pub fn class(&self) -> &str {
        if let Some(c) = self
            .metadata
            .annotations
            .get("volume.beta.kubernetes.io/storage-class")
        {
            return c;
        }
        self.spec.storage_class_name.as_deref().unwrap_or("")
    }

    pub fn requested_storage(&self) -> Option<&Quantity> {
        self.spec.resources.requests.get("storage")
    }
}

impl Resource for PersistentVolumeClaim {
    const INFO: KindInfo = KindInfo {
        kind: "PersistentVolumeClaim",
        plural: "persistentvolumeclaims",
        singular: "persistentvolumeclaim",
        short_names: &["pvc"],
        group: "",
        version: "v1",
        namespaced: true,
        name_rule: NameRule::Dns1123Subdomain,
    };

    resource_boilerplate!(PersistentVolumeClaim);

    fn set_defaults(&mut self) {
        if self.spec.volume_mode.is_none() {
            self.spec.volume_mode = Some("Filesystem".into());
        }
    }

    fn prepare_for_create(&mut self) {
        self.status = Some(PersistentVolumeClaimStatus {
            phase: Some("Pending".into()),
            ..Default::default()
        });
    }

    fn copy_status_from(&mut self, other: &Self) {
        self.status = other.status.clone();
    }

    fn validate(&self, old: Option<&Self>) -> Vec<FieldError> {
        let mut errs = validate_access_modes(&self.spec.access_modes, "spec.accessModes");
        match self.requested_storage() {
            None => errs.push(FieldError::required("spec.resources[storage]", "")),
            Some(q) if q.nano_value().unwrap_or(0) <= 0 => errs.push(FieldError::invalid(
                "spec.resources.requests[storage]",
                q.0.as_str(),
                "must be greater than zero",
            )),
            Some(_) => {}
        }
        if let Some(old) = old {
            // Simplification: upstream allows growing the request when the class allows
            // volume expansion; Timonel keeps the whole spec immutable except volumeName.
            let a = self.spec.clone();
            let mut b = old.spec.clone();
            // Binding sets volumeName once; after that it is immutable like the rest.
            if b.volume_name.is_empty() {
                b.volume_name = a.volume_name.clone();
            }
            if a.storage_class_name.is_some() && b.storage_class_name.is_none() {
                b.storage_class_name = a.storage_class_name.clone();
            }
            if a != b {
                errs.push(FieldError::forbidden(
                    "spec",
                    "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims",
                ));
            }
        }
        errs
    }
}
