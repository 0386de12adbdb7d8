//! `kubectl get` columns for the storage and policy kinds (kubectl 1.36's printers):
//! PersistentVolume, PersistentVolumeClaim, StorageClass, ResourceQuota, LimitRange and
//! PodDisruptionBudget.

use sim::api::{
    LimitRange, PersistentVolume, PersistentVolumeClaim, PodDisruptionBudget, Quantity,
    ResourceQuota, StorageClass,
};
use sim::{Kind, Object, Time};

use super::table::age;

/// The header cells, for the kinds this file prints.
pub fn headers(kind: Kind, wide: bool) -> Option<Vec<&'static str>> {
    let mut h = match kind {
        Kind::PersistentVolume => vec![
            "NAME",
            "CAPACITY",
            "ACCESS MODES",
            "RECLAIM POLICY",
            "STATUS",
            "CLAIM",
            "STORAGECLASS",
            "VOLUMEATTRIBUTESCLASS",
            "REASON",
            "AGE",
        ],
        Kind::PersistentVolumeClaim => vec![
            "NAME",
            "STATUS",
            "VOLUME",
            "CAPACITY",
            "ACCESS MODES",
            "STORAGECLASS",
            "VOLUMEATTRIBUTESCLASS",
            "AGE",
        ],
        Kind::StorageClass => vec![
            "NAME",
            "PROVISIONER",
            "RECLAIMPOLICY",
            "VOLUMEBINDINGMODE",
            "ALLOWVOLUMEEXPANSION",
            "AGE",
        ],
        Kind::ResourceQuota => vec!["NAME", "REQUEST", "LIMIT", "AGE"],
        Kind::LimitRange => vec!["NAME", "CREATED AT"],
        Kind::PodDisruptionBudget => vec![
            "NAME",
            "MIN AVAILABLE",
            "MAX UNAVAILABLE",
            "ALLOWED DISRUPTIONS",
            "AGE",
        ],
        _ => return None,
    };
    if wide && matches!(kind, Kind::PersistentVolume | Kind::PersistentVolumeClaim) {
        h.push("VOLUMEMODE");
    }
    Some(h)
}

/// `helper.GetAccessModesAsString`.
pub fn access_modes(modes: &[String]) -> String {
    let has = |m: &str| modes.iter().any(|x| x == m);
    let mut out = Vec::new();
    for (mode, short) in [
        ("ReadWriteOnce", "RWO"),
        ("ReadOnlyMany", "ROX"),
        ("ReadWriteMany", "RWX"),
        ("ReadWriteOncePod", "RWOP"),
    ] {
        if has(mode) {
            out.push(short);
        }
    }
    out.join(",")
}

fn quantity(q: Option<&Quantity>) -> String {
    q.map_or_else(|| "0".to_string(), Quantity::canonical)
}

/// The row cells, for the kinds this file prints.
pub fn cells(object: &Object, now: Time, wide: bool, name: &str) -> Option<Vec<String>> {
    let created = object.metadata().creation_timestamp.as_deref();
    let age_cell = age(now, created);
    let row = match object {
        Object::PersistentVolume(pv) => pv_row(pv, name, age_cell, wide),
        Object::PersistentVolumeClaim(pvc) => pvc_row(pvc, name, age_cell, wide),
        Object::StorageClass(sc) => storage_class_row(sc, name, age_cell),
        Object::ResourceQuota(q) => quota_row(q, name, age_cell),
        Object::LimitRange(lr) => limit_range_row(lr, name),
        Object::PodDisruptionBudget(pdb) => pdb_row(pdb, name, age_cell),
        _ => return None,
    };
    Some(row)
}

/// `printPodDisruptionBudget`: `N/A` for the bound that is not set.
fn pdb_row(pdb: &PodDisruptionBudget, name: &str, age_cell: String) -> Vec<String> {
    let bound = |v: &Option<sim::api::IntOrString>| {
        v.as_ref()
            .map_or_else(|| "N/A".to_string(), ToString::to_string)
    };
    vec![
        name.to_string(),
        bound(&pdb.spec.min_available),
        bound(&pdb.spec.max_unavailable),
        pdb.status().disruptions_allowed.to_string(),
        age_cell,
    ]
}

fn pv_row(pv: &PersistentVolume, name: &str, age_cell: String, wide: bool) -> Vec<String> {
    let claim = pv
        .spec
        .claim_ref
        .as_ref()
        .map(|r| format!("{}/{}", r.namespace, r.name))
        .unwrap_or_default();
    let phase = if pv.metadata.deletion_timestamp.is_some() {
        "Terminating".to_string()
    } else {
        pv.status
            .as_ref()
            .and_then(|s| s.phase.clone())
            .unwrap_or_default()
    };
    let mut row = vec![
        name.to_string(),
        quantity(pv.storage()),
        access_modes(&pv.spec.access_modes),
        pv.spec
            .persistent_volume_reclaim_policy
            .clone()
            .unwrap_or_default(),
        phase,
        claim,
        pv.spec.storage_class_name.clone(),
        pv.spec
            .volume_attributes_class_name
            .clone()
            .unwrap_or_else(|| "<unset>".into()),
        pv.status
            .as_ref()
            .and_then(|s| s.reason.clone())
            .unwrap_or_default(),
        age_cell,
    ];
    if wide {
        row.push(
            pv.spec
                .volume_mode
                .clone()
                .unwrap_or_else(|| "<unset>".into()),
        );
    }
    row
}

fn pvc_row(pvc: &PersistentVolumeClaim, name: &str, age_cell: String, wide: bool) -> Vec<String> {
    let phase = if pvc.metadata.deletion_timestamp.is_some() {
        "Terminating".to_string()
    } else {
        pvc.status
            .as_ref()
            .and_then(|s| s.phase.clone())
            .unwrap_or_default()
    };
    let (capacity, modes) = if pvc.spec.volume_name.is_empty() {
        (String::new(), String::new())
    } else {
        let st = pvc.status.clone().unwrap_or_default();
        (
            quantity(st.capacity.get("storage")),
            access_modes(&st.access_modes),
        )
    };
    let mut row = vec![
        name.to_string(),
        phase,
        pvc.spec.volume_name.clone(),
        capacity,
        modes,
        pvc.class().to_string(),
        pvc.spec
            .volume_attributes_class_name
            .clone()
            .unwrap_or_else(|| "<unset>".into()),
        age_cell,
    ];
    if wide {
        row.push(
            pvc.spec
                .volume_mode
                .clone()
                .unwrap_or_else(|| "<unset>".into()),
        );
    }
    row
}

fn storage_class_row(sc: &StorageClass, name: &str, age_cell: String) -> Vec<String> {
    let shown = if sc.is_default() {
        format!("{name} (default)")
    } else {
        name.to_string()
    };
    vec![
        shown,
        sc.provisioner.clone(),
        sc.reclaim_policy.clone().unwrap_or_else(|| "Delete".into()),
        sc.volume_binding_mode
            .clone()
            .unwrap_or_else(|| "Immediate".into()),
        sc.allow_volume_expansion.unwrap_or(false).to_string(),
        age_cell,
    ]
}

fn quota_row(q: &ResourceQuota, name: &str, age_cell: String) -> Vec<String> {
    let status = q.status.clone().unwrap_or_default();
    let mut request = Vec::new();
    let mut limit = Vec::new();
    for (res, hard) in &status.hard {
        let used = quantity(status.used.get(res));
        let cell = format!("{res}: {used}/{}", hard.canonical());
        if res.split('.').next() == Some("limits") && res.contains('.') {
            limit.push(cell);
        } else {
            request.push(cell);
        }
    }
    vec![
        name.to_string(),
        request.join(", "),
        limit.join(", "),
        age_cell,
    ]
}

fn limit_range_row(lr: &LimitRange, name: &str) -> Vec<String> {
    vec![
        name.to_string(),
        lr.metadata
            .creation_timestamp
            .clone()
            .unwrap_or_default()
            .to_string(),
    ]
}
