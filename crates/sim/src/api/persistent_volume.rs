//! `core/v1` PersistentVolume: a piece of storage, its capacity, access modes, class and the
//! claim it is bound to.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::meta::{ObjectMeta, Quantity};
use super::{KindInfo, Resource, resource_boilerplate};
use crate::apiserver::status::FieldError;
use crate::apiserver::validation::NameRule;

pub const ACCESS_MODES: &[&str] = &[
    "ReadWriteOnce",
    "ReadOnlyMany",
    "ReadWriteMany",
    "ReadWriteOncePod",
];

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PersistentVolume {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: PersistentVolumeSpec,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<PersistentVolumeStatus>,
}

/// `core/v1.ObjectReference` as a PV's `claimRef` carries it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClaimRef {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub api_version: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub resource_version: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub uid: String,
}

/// Simplification: the volume source (`hostPath`, `local`, `nfs`, `csi` …) is kept as written
/// and never validated or mounted: no data is stored anywhere.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PersistentVolumeSpec {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub access_modes: Vec<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub capacity: BTreeMap<String, Quantity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim_ref: Option<ClaimRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_path: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nfs: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csi: Option<Value>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mount_options: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_affinity: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persistent_volume_reclaim_policy: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub storage_class_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume_attributes_class_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume_mode: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PersistentVolumeStatus {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_phase_transition_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl PersistentVolume {
    /// A `hostPath` volume of `size` with the given class and access modes.
    pub fn new(name: &str, size: &str, class: &str, access_modes: &[&str]) -> Self {
        let mut pv = PersistentVolume {
            metadata: ObjectMeta::named("", name),
            ..Default::default()
        };
        pv.spec
            .capacity
            .insert("storage".into(), Quantity::new(size));
        pv.spec.storage_class_name = class.to_string();
        pv.spec.access_modes = access_modes.iter().map(|s| s.to_string()).collect();
        pv.spec.host_path = Some(serde_json::json!({"path": format!("/mnt/data/{name}")}));
        pv
    }

    pub fn phase(&self) -> &str {
        self.status
            .as_ref()
            .and_then(|s| s.phase.as_deref())
            .unwrap_or("Pending")
    }

    pub fn reclaim_policy(&self) -> &str {
        self.spec
            .persistent_volume_reclaim_policy
            .as_deref()
            .unwrap_or("Retain")
    }

    pub fn storage(&self) -> Option<&Quantity> {
        self.spec.capacity.get("storage")
    }
}

/// `ValidatePersistentVolumeSpec`'s access-mode checks, shared with claims.
pub(crate) fn validate_access_modes(modes: &[String], path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if modes.is_empty() {
        errs.push(FieldError::required(
            path,
            "at least 1 access mode is required",
        ));
    }
    for m in modes {
        if !ACCESS_MODES.contains(&m.as_str()) {
            errs.push(FieldError::not_supported(path, m.as_str(), ACCESS_MODES));
        }
    }
    if modes.iter().any(|m| m == "ReadWriteOncePod") && modes.len() > 1 {
        errs.push(FieldError::forbidden(
            path,
            "may not use ReadWriteOncePod with other access modes",
        ));
    }
    errs
}

impl Resource for PersistentVolume {
    const INFO: KindInfo = KindInfo {
        kind: "PersistentVolume",
        plural: "persistentvolumes",
        singular: "persistentvolume",
        short_names: &["pv"],
        group: "",
        version: "v1",
        namespaced: false,
        name_rule: NameRule::Dns1123Subdomain,
    };

    resource_boilerplate!(PersistentVolume);

    fn set_defaults(&mut self) {
        if self.spec.persistent_volume_reclaim_policy.is_none() {
            self.spec.persistent_volume_reclaim_policy = Some("Retain".into());
        }
        if self.spec.volume_mode.is_none() {
            self.spec.volume_mode = Some("Filesystem".into());
        }
    }

    fn prepare_for_create(&mut self) {
        // Simplification: the phase is Pending only until the PV controller's first sync;
        // upstream sets it to Pending here too.
        self.status = Some(PersistentVolumeStatus {
            phase: Some("Pending".into()),
            ..Default::default()
        });
    }

    fn copy_status_from(&mut self, other: &Self) {
        self.status = other.status.clone();
    }

    fn validate(&self, old: Option<&Self>) -> Vec<FieldError> {
        let mut errs = validate_access_modes(&self.spec.access_modes, "spec.accessModes");
        match self.storage() {
            None => errs.push(FieldError::required("spec.capacity", "")),
            Some(q) if q.nano_value().unwrap_or(0) <= 0 => errs.push(FieldError::invalid(
                "spec.capacity[storage]",
                q.0.as_str(),
                "must be greater than zero",
            )),
            Some(_) => {}
        }
        for k in self.spec.capacity.keys() {
            if k != "storage" {
                errs.push(FieldError::not_supported(
                    "spec.capacity",
                    k.as_str(),
                    &["storage"],
                ));
            }
        }
        let sources = [
            &self.spec.host_path,
            &self.spec.local,
            &self.spec.nfs,
            &self.spec.csi,
        ]
        .iter()
        .filter(|s| s.is_some())
        .count();
        if sources == 0 {
            errs.push(FieldError::required("spec", "must specify a volume type"));
        } else if sources > 1 {
            errs.push(FieldError::forbidden(
                "spec",
                "may not specify more than 1 volume type",
            ));
        }
        if let Some(p) = &self.spec.persistent_volume_reclaim_policy
            && !matches!(p.as_str(), "Delete" | "Recycle" | "Retain")
        {
            errs.push(FieldError::not_supported(
                "spec.persistentVolumeReclaimPolicy",
                p.as_str(),
                &["Delete", "Recycle", "Retain"],
            ));
        }
        if let Some(old) = old
            && self.spec.volume_mode != old.spec.volume_mode
        {
            errs.push(FieldError::invalid(
                "spec.volumeMode",
                self.spec.volume_mode.clone().unwrap_or_default(),
                "field is immutable",
            ));
        }
        errs
    }
}
