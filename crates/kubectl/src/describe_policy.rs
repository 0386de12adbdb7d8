//! `kubectl describe` for the policy and storage kinds (describe.go's `describeQuota`,
//! `describeLimitRange`, `describePersistentVolumeClaim`, `PersistentVolumeDescriber`,
//! `StorageClassDescriber`) and the quota and limit sections of `describe namespace`.
//! A child module of `describe.rs`, sharing its helpers.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde_json::Value;
use sim::api::{
    LimitRange, PersistentVolume, PersistentVolumeClaim, Pod, PodDisruptionBudget, Quantity,
    ResourceQuota, StorageClass,
};
use sim::{Cluster, Object};

use super::{annotations_multiline, labels_multiline};
use crate::printers::storage::access_modes;
use crate::printers::table::age;

/// Writes the description of a kind this module handles; `false` for other kinds.
pub(super) fn describe(w: &mut String, cluster: &Cluster, object: &Object) -> bool {
    match object {
        Object::ResourceQuota(q) => describe_quota(w, q),
        Object::LimitRange(lr) => describe_limit_range(w, lr),
        Object::PersistentVolumeClaim(pvc) => describe_claim(w, cluster, pvc),
        Object::PersistentVolume(pv) => describe_volume(w, cluster, pv),
        Object::StorageClass(sc) => describe_storage_class(w, sc),
        Object::PodDisruptionBudget(pdb) => describe_pdb(w, pdb),
        _ => return false,
    }
    true
}

fn meta_value(map: &std::collections::BTreeMap<String, String>) -> Value {
    Value::Object(
        map.iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect(),
    )
}

/// The used quantity as `describeQuota` shows it: in the hard value's format.
fn used_in_format_of(used: &Quantity, hard: &Quantity) -> String {
    if used.format() == hard.format() {
        return used.canonical();
    }
    let whole = used.value().unwrap_or(0);
    Quantity::from_nano(whole.saturating_mul(1_000_000_000), hard.format()).canonical()
}

fn describe_quota(w: &mut String, q: &ResourceQuota) {
    let _ = writeln!(w, "Name:\t{}", q.metadata.name);
    let _ = writeln!(w, "Namespace:\t{}", q.metadata.namespace);
    let scopes: BTreeSet<&String> = q.spec.iter().flat_map(|s| &s.scopes).collect();
    if !scopes.is_empty() {
        let list: Vec<&str> = scopes.iter().map(|s| s.as_str()).collect();
        let _ = writeln!(w, "Scopes:\t{}", list.join(", "));
        for s in &list {
            if let Some(help) = scope_help(s) {
                let _ = writeln!(w, " * {help}");
            }
        }
    }
    w.push_str("Resource\tUsed\tHard\n--------\t----\t----\n");
    let st = q.status.clone().unwrap_or_default();
    for (res, hard) in &st.hard {
        let used = st.used.get(res).cloned().unwrap_or_default();
        let _ = writeln!(
            w,
            "{res}\t{}\t{}",
            used_in_format_of(&used, hard),
            hard.canonical()
        );
    }
}

/// `describePodDisruptionBudgetV1`.
fn describe_pdb(w: &mut String, pdb: &PodDisruptionBudget) {
    let _ = writeln!(w, "Name:\t{}", pdb.metadata.name);
    let _ = writeln!(w, "Namespace:\t{}", pdb.metadata.namespace);
    if let Some(v) = &pdb.spec.min_available {
        let _ = writeln!(w, "Min available:\t{v}");
    } else if let Some(v) = &pdb.spec.max_unavailable {
        let _ = writeln!(w, "Max unavailable:\t{v}");
    }
    // A missing selector selects nothing: `labels.Nothing()` prints as an empty string.
    let selector = pdb
        .pod_selector()
        .map(|s| s.to_string())
        .unwrap_or_default();
    let _ = writeln!(w, "Selector:\t{selector}");
    let st = pdb.status();
    w.push_str("Status:\n");
    let _ = writeln!(w, "    Allowed disruptions:\t{}", st.disruptions_allowed);
    let _ = writeln!(w, "    Current:\t{}", st.current_healthy);
    let _ = writeln!(w, "    Desired:\t{}", st.desired_healthy);
    let _ = writeln!(w, "    Total:\t{}", st.expected_pods);
}

/// `helpTextForResourceQuotaScope`.
fn scope_help(scope: &str) -> Option<&'static str> {
    Some(match scope {
        "Terminating" => {
            "Matches all pods that have an active deadline. These pods have a limited lifespan on a node before being actively terminated by the system."
        }
        "NotTerminating" => {
            "Matches all pods that do not have an active deadline. These pods usually include long running pods whose container command is not expected to terminate."
        }
        "BestEffort" => {
            "Matches all pods that do not have resource requirements set. These pods have a best effort quality of service."
        }
        "NotBestEffort" => {
            "Matches all pods that have at least one resource requirement set. These pods have a burstable or guaranteed quality of service."
        }
        _ => return None,
    })
}

/// `describeLimitRangeSpec`: one row per item and resource (resources sorted by name).
fn limit_range_rows(w: &mut String, lr: &LimitRange, indent: &str) {
    for item in lr.limits() {
        let names: BTreeSet<&String> = item
            .max
            .keys()
            .chain(item.min.keys())
            .chain(item.default.keys())
            .chain(item.default_request.keys())
            .chain(item.max_limit_request_ratio.keys())
            .collect();
        let cell = |m: &std::collections::BTreeMap<String, Quantity>, k: &str| {
            m.get(k)
                .map_or_else(|| "-".to_string(), Quantity::canonical)
        };
        for k in names {
            let _ = writeln!(
                w,
                "{indent}{}\t{k}\t{}\t{}\t{}\t{}\t{}",
                item.type_,
                cell(&item.min, k),
                cell(&item.max, k),
                cell(&item.default_request, k),
                cell(&item.default, k),
                cell(&item.max_limit_request_ratio, k),
            );
        }
    }
}

const LIMIT_HEADER: &str =
    "Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio\n";
const LIMIT_RULE: &str =
    "----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n";

fn describe_limit_range(w: &mut String, lr: &LimitRange) {
    let _ = writeln!(w, "Name:\t{}", lr.metadata.name);
    let _ = writeln!(w, "Namespace:\t{}", lr.metadata.namespace);
    w.push_str(LIMIT_HEADER);
    w.push_str(LIMIT_RULE);
    limit_range_rows(w, lr, "");
}

/// The `Resource Quotas` / `Resource Limits` sections of `describe namespace`, each after a
/// blank line.
pub(super) fn namespace_sections(w: &mut String, cluster: &Cluster, namespace: &str) {
    let quotas: Vec<&ResourceQuota> = cluster.api().iter_as(Some(namespace)).collect();
    w.push('\n');
    if quotas.is_empty() {
        w.push_str("No resource quota.\n");
    } else {
        w.push_str("Resource Quotas\n");
        for q in quotas {
            let _ = writeln!(w, "  Name:\t{}", q.metadata.name);
            w.push_str("  Resource\tUsed\tHard\n  --------\t---\t---\n");
            let st = q.status.clone().unwrap_or_default();
            for (res, hard) in &st.hard {
                let used = st.used.get(res).cloned().unwrap_or_default();
                let _ = writeln!(w, "  {res}\t{}\t{}", used.canonical(), hard.canonical());
            }
        }
    }
    let ranges: Vec<&LimitRange> = cluster.api().iter_as(Some(namespace)).collect();
    w.push('\n');
    if ranges.is_empty() {
        w.push_str("No LimitRange resource.\n");
    } else {
        w.push_str("Resource Limits\n ");
        w.push_str(LIMIT_HEADER);
        w.push(' ');
        w.push_str(LIMIT_RULE);
        for lr in ranges {
            limit_range_rows(w, lr, " ");
        }
    }
}

fn claim_users(cluster: &Cluster, pvc: &PersistentVolumeClaim) -> Vec<String> {
    cluster
        .api()
        .iter_as::<Pod>(Some(&pvc.metadata.namespace))
        .filter(|p| {
            p.spec.volumes.iter().any(|v| {
                v.source
                    .get("persistentVolumeClaim")
                    .and_then(|s| s.get("claimName"))
                    .and_then(Value::as_str)
                    == Some(pvc.metadata.name.as_str())
            })
        })
        .map(|p| p.metadata.name.to_string())
        .collect()
}

fn finalizers(list: &[String]) -> String {
    format!("[{}]", list.join(" "))
}

fn describe_claim(w: &mut String, cluster: &Cluster, pvc: &PersistentVolumeClaim) {
    let now = cluster.now();
    let _ = writeln!(w, "Name:\t{}", pvc.metadata.name);
    let _ = writeln!(w, "Namespace:\t{}", pvc.metadata.namespace);
    let _ = writeln!(w, "StorageClass:\t{}", pvc.class());
    match &pvc.metadata.deletion_timestamp {
        Some(t) => {
            let _ = writeln!(w, "Status:\tTerminating (lasts {})", age(now, Some(t)));
        }
        None => {
            let phase = pvc.status.as_ref().and_then(|s| s.phase.clone());
            let _ = writeln!(w, "Status:\t{}", phase.unwrap_or_default());
        }
    }
    let _ = writeln!(w, "Volume:\t{}", pvc.spec.volume_name);
    labels_multiline(w, "", "Labels", Some(&meta_value(&pvc.metadata.labels)));
    annotations_multiline(
        w,
        "",
        "Annotations",
        Some(&meta_value(&pvc.metadata.annotations)),
    );
    let _ = writeln!(w, "Finalizers:\t{}", finalizers(&pvc.metadata.finalizers));
    let (capacity, modes) = if pvc.spec.volume_name.is_empty() {
        (String::new(), String::new())
    } else {
        let st = pvc.status.clone().unwrap_or_default();
        (
            st.capacity
                .get("storage")
                .map_or_else(|| "0".into(), Quantity::canonical),
            access_modes(&st.access_modes),
        )
    };
    let _ = writeln!(w, "Capacity:\t{capacity}");
    let _ = writeln!(w, "Access Modes:\t{modes}");
    if let Some(m) = &pvc.spec.volume_mode {
        let _ = writeln!(w, "VolumeMode:\t{m}");
    }
    let users = claim_users(cluster, pvc);
    w.push_str("Used By:\t");
    if users.is_empty() {
        w.push_str("<none>\n");
    }
    for (i, u) in users.iter().enumerate() {
        if i > 0 {
            w.push('\t');
        }
        let _ = writeln!(w, "{u}");
    }
}

fn describe_volume(w: &mut String, cluster: &Cluster, pv: &PersistentVolume) {
    let now = cluster.now();
    let _ = writeln!(w, "Name:\t{}", pv.metadata.name);
    labels_multiline(w, "", "Labels", Some(&meta_value(&pv.metadata.labels)));
    annotations_multiline(
        w,
        "",
        "Annotations",
        Some(&meta_value(&pv.metadata.annotations)),
    );
    let _ = writeln!(w, "Finalizers:\t{}", finalizers(&pv.metadata.finalizers));
    let _ = writeln!(w, "StorageClass:\t{}", pv.spec.storage_class_name);
    match &pv.metadata.deletion_timestamp {
        Some(t) => {
            let _ = writeln!(w, "Status:\tTerminating (lasts {})", age(now, Some(t)));
        }
        None => {
            let _ = writeln!(w, "Status:\t{}", pv.phase());
        }
    }
    let claim = pv
        .spec
        .claim_ref
        .as_ref()
        .map(|r| format!("{}/{}", r.namespace, r.name))
        .unwrap_or_default();
    let _ = writeln!(w, "Claim:\t{claim}");
    let _ = writeln!(w, "Reclaim Policy:\t{}", pv.reclaim_policy());
    let _ = writeln!(w, "Access Modes:\t{}", access_modes(&pv.spec.access_modes));
    let _ = writeln!(
        w,
        "VolumeMode:\t{}",
        pv.spec.volume_mode.clone().unwrap_or_default()
    );
    let _ = writeln!(
        w,
        "Capacity:\t{}",
        pv.storage().map_or_else(String::new, Quantity::canonical)
    );
    let affinity = pv
        .spec
        .node_affinity
        .as_ref()
        .and_then(|a| a.pointer("/required/nodeSelectorTerms"))
        .and_then(Value::as_array);
    match affinity {
        None => w.push_str("Node Affinity:\t<none>\n"),
        Some(terms) => {
            w.push_str("Node Affinity:\t\n  Required Terms:\t\n");
            for (i, t) in terms.iter().enumerate() {
                let exprs: Vec<String> = t
                    .get("matchExpressions")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .map(|e| {
                                let vals: Vec<&str> = e
                                    .get("values")
                                    .and_then(Value::as_array)
                                    .map(|v| v.iter().filter_map(Value::as_str).collect())
                                    .unwrap_or_default();
                                format!(
                                    "{} {} [{}]",
                                    e.get("key").and_then(Value::as_str).unwrap_or(""),
                                    e.get("operator").and_then(Value::as_str).unwrap_or(""),
                                    vals.join(" ")
                                )
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                let _ = writeln!(w, "    Term {i}:\t{}", exprs.join(", "));
            }
        }
    }
    let _ = writeln!(w, "Message:\t");
    w.push_str("Source:\n");
    if let Some(hp) = &pv.spec.host_path {
        w.push_str("    Type:\tHostPath (bare host directory volume)\n");
        let _ = writeln!(
            w,
            "    Path:\t{}",
            hp.get("path").and_then(Value::as_str).unwrap_or("")
        );
        let _ = writeln!(
            w,
            "    HostPathType:\t{}",
            hp.get("type").and_then(Value::as_str).unwrap_or("")
        );
    }
}

fn describe_storage_class(w: &mut String, sc: &StorageClass) {
    let _ = writeln!(w, "Name:\t{}", sc.metadata.name);
    let _ = writeln!(
        w,
        "IsDefaultClass:\t{}",
        if sc.is_default() { "Yes" } else { "No" }
    );
    annotations_multiline(
        w,
        "",
        "Annotations",
        Some(&meta_value(&sc.metadata.annotations)),
    );
    let _ = writeln!(w, "Provisioner:\t{}", sc.provisioner);
    let params: Vec<String> = sc
        .parameters
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    let _ = writeln!(
        w,
        "Parameters:\t{}",
        if params.is_empty() {
            "<none>".to_string()
        } else {
            params.join(",")
        }
    );
    let _ = writeln!(
        w,
        "AllowVolumeExpansion:\t{}",
        match sc.allow_volume_expansion {
            Some(b) => if b { "True" } else { "False" }.to_string(),
            None => "<unset>".to_string(),
        }
    );
    let _ = writeln!(
        w,
        "MountOptions:\t{}",
        if sc.mount_options.is_empty() {
            "<none>".to_string()
        } else {
            sc.mount_options.join(", ")
        }
    );
    let _ = writeln!(w, "ReclaimPolicy:\t{}", sc.reclaim_policy());
    let _ = writeln!(
        w,
        "VolumeBindingMode:\t{}",
        sc.volume_binding_mode.clone().unwrap_or_default()
    );
}
