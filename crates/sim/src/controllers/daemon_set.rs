//! DaemonSetsController (`syncDaemonSet`): one pod per eligible node (node selector, required
//! node affinity, taints), following nodes as they come and go, with rolling updates.

use std::collections::{BTreeMap, BTreeSet};

use crate::api::daemon_set::DaemonSetStatus;
use crate::api::pod::{
    Affinity, NodeAffinity, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, Toleration,
};
use crate::api::{DaemonSet, Kind, Node, Object, Pod};
use crate::apiserver::{Actor, ApiServer, DeleteOptions};
use crate::events;
use crate::scheduler::plugins::{NodeInfo, Verdict, run_filter};

use super::replica_set::{controller_ref, is_active, is_available};
use super::{Key, changed_keys, compute_hash};

#[derive(Clone, Debug, Default)]
pub struct DaemonSetController {
    cursor: u64,
}

fn actor() -> Actor {
    Actor::new("daemonset-controller")
}

/// The tolerations every daemon pod gets (`AddOrUpdateDaemonPodTolerations`).
fn add_daemon_tolerations(pod: &mut Pod) {
    let mut wanted = vec![
        ("node.kubernetes.io/not-ready", "NoExecute"),
        ("node.kubernetes.io/unreachable", "NoExecute"),
        ("node.kubernetes.io/disk-pressure", "NoSchedule"),
        ("node.kubernetes.io/memory-pressure", "NoSchedule"),
        ("node.kubernetes.io/pid-pressure", "NoSchedule"),
        ("node.kubernetes.io/unschedulable", "NoSchedule"),
    ];
    if pod.spec.host_network == Some(true) {
        wanted.push(("node.kubernetes.io/network-unavailable", "NoSchedule"));
    }
    for (key, effect) in wanted {
        let present = pod
            .spec
            .tolerations
            .iter()
            .any(|t| t.key.as_deref() == Some(key) && t.effect.as_deref() == Some(effect));
        if !present {
            pod.spec.tolerations.push(Toleration {
                key: Some(key.into()),
                operator: Some("Exists".into()),
                value: None,
                effect: Some(effect.into()),
                toleration_seconds: None,
            });
        }
    }
}

/// The pod the DaemonSet wants on `node`.
fn daemon_pod(ds: &DaemonSet, hash: &str, node: &str) -> Pod {
    let mut meta = ds.spec.template.metadata.clone();
    meta.name.clear();
    meta.namespace = ds.metadata.namespace.clone();
    meta.generate_name = format!("{}-", ds.metadata.name).into();
    meta.labels
        .insert("controller-revision-hash".into(), hash.to_string());
    meta.labels.insert(
        "pod-template-generation".into(),
        ds.metadata.generation.unwrap_or(1).to_string(),
    );
    meta.owner_references = vec![controller_ref(
        "DaemonSet",
        "apps/v1",
        &Object::DaemonSet(Box::new(ds.clone())),
    )]
    .into();
    let mut pod = Pod {
        metadata: meta,
        spec: ds.spec.template.spec.clone(),
        status: None,
    };
    let affinity = pod.spec.affinity.get_or_insert_with(Affinity::default);
    let na = affinity
        .node_affinity
        .get_or_insert_with(NodeAffinity::default);
    na.required_during_scheduling_ignored_during_execution = Some(NodeSelector {
        node_selector_terms: vec![NodeSelectorTerm {
            match_expressions: Vec::new(),
            match_fields: vec![NodeSelectorRequirement {
                key: "metadata.name".into(),
                operator: "In".into(),
                values: vec![node.to_string()],
            }],
        }],
    });
    add_daemon_tolerations(&mut pod);
    pod
}

/// `NodeShouldRunDaemonPod`: the node matches the selector and affinity, and its NoSchedule and
/// NoExecute taints are tolerated.
fn eligible_nodes(ds: &DaemonSet, nodes: &[&Node]) -> BTreeSet<String> {
    let mut pod = Pod {
        metadata: ds.spec.template.metadata.clone(),
        spec: ds.spec.template.spec.clone(),
        status: None,
    };
    add_daemon_tolerations(&mut pod);
    nodes
        .iter()
        .filter(|n| should_run(&pod, n))
        .map(|n| n.metadata.name.to_string())
        .collect()
}

fn should_run(pod: &Pod, node: &Node) -> bool {
    let info = NodeInfo {
        node,
        requested_cpu: 0,
        requested_memory: 0,
        pods: 0,
        nonzero_cpu: 0,
        nonzero_memory: 0,
        allocatable: NodeInfo::allocatable_of(node),
    };
    ["NodeAffinity", "TaintToleration"]
        .iter()
        .all(|p| run_filter(p, pod, &info) == Verdict::Pass)
}

/// The node a daemon pod is for: its nodeName, or the name its node affinity pins.
fn pod_node(p: &Pod) -> Option<String> {
    if let Some(n) = p.node_name() {
        return Some(n.to_string());
    }
    p.spec
        .affinity
        .as_ref()?
        .node_affinity
        .as_ref()?
        .required_during_scheduling_ignored_during_execution
        .as_ref()?
        .node_selector_terms
        .iter()
        .flat_map(|t| &t.match_fields)
        .find(|r| r.key == "metadata.name" && r.operator == "In")
        .and_then(|r| r.values.first().cloned())
}

impl DaemonSetController {
    pub fn sync(&mut self, api: &mut ApiServer) {
        let keys = changed_keys(api, &mut self.cursor, Kind::DaemonSet, "DaemonSet");
        for key in keys {
            sync_daemon_set(api, &key);
        }
    }
}

// Simplification: no ControllerRevision objects (the hash is computed from the template), no
// maxSurge, and OnDelete behaves like RollingUpdate.
fn sync_daemon_set(api: &mut ApiServer, key: &Key) {
    let Ok(ds) = api.get_as::<DaemonSet>(&key.0, &key.1) else {
        return;
    };
    if ds.metadata.deletion_timestamp.is_some() {
        return;
    }
    let ds_obj = Object::DaemonSet(Box::new(ds.clone()));
    let hash = compute_hash(
        &ds.spec.template,
        ds.status.as_ref().and_then(|s| s.collision_count),
    );
    // Node names in store order, and the eligible ones, read without copying the nodes.
    let node_names: Vec<String>;
    let eligible = {
        let nodes: Vec<&Node> = api.iter_as::<Node>(None).collect();
        node_names = nodes.iter().map(|n| n.metadata.name.to_string()).collect();
        eligible_nodes(&ds, &nodes)
    };
    // (creationTimestamp, name) of the active owned pods, by node.
    let mut by_node: BTreeMap<String, Vec<(Option<String>, String)>> = BTreeMap::new();
    for p in api.iter_as::<Pod>(Some(&key.0)) {
        if p.metadata
            .controller()
            .is_some_and(|r| r.uid == ds.metadata.uid)
            && is_active(p)
        {
            by_node
                .entry(pod_node(p).unwrap_or_default())
                .or_default()
                .push((
                    p.metadata.creation_timestamp.clone().map(String::from),
                    p.metadata.name.to_string(),
                ));
        }
    }
    let mut to_create = Vec::new();
    let mut to_delete = Vec::new();
    for name in &node_names {
        let pods = by_node.remove(name).unwrap_or_default();
        if eligible.contains(name) {
            if pods.is_empty() {
                to_create.push(name.clone());
            } else {
                // Keep the oldest; delete duplicates.
                let mut sorted = pods;
                sorted.sort();
                to_delete.extend(sorted.into_iter().skip(1).map(|(_, n)| n));
            }
        } else {
            to_delete.extend(pods.into_iter().map(|(_, n)| n));
        }
    }
    // Pods for nodes that are gone.
    for pods in by_node.into_values() {
        to_delete.extend(pods.into_iter().map(|(_, n)| n));
    }
    for node in to_create {
        match api.create(&actor(), daemon_pod(&ds, &hash, &node)) {
            Ok(created) => events::record(
                api,
                &actor(),
                &ds_obj,
                "",
                events::NORMAL,
                "SuccessfulCreate",
                &format!("Created pod: {}", created.metadata().name),
            ),
            Err(e) => events::record(
                api,
                &actor(),
                &ds_obj,
                "",
                events::WARNING,
                "FailedCreate",
                &format!("Error creating: {}", e.message),
            ),
        }
    }
    for name in to_delete {
        if api
            .delete(
                &actor(),
                Kind::Pod,
                &key.0,
                &name,
                &DeleteOptions::default(),
            )
            .is_ok()
        {
            events::record(
                api,
                &actor(),
                &ds_obj,
                "",
                events::NORMAL,
                "SuccessfulDelete",
                &format!("Deleted pod: {name}"),
            );
        }
    }
    // Rolling update: replace outdated pods while no more than maxUnavailable are unavailable.
    let now = api.now();
    let min_ready = ds.spec.min_ready_seconds.unwrap_or(0);
    let desired = eligible.len() as i32;
    let max_unavailable = ds
        .spec
        .update_strategy
        .as_ref()
        .and_then(|s| s.rolling_update.as_ref())
        .and_then(|r| r.max_unavailable.as_ref())
        .and_then(|v| v.scaled_value(desired, true))
        .unwrap_or(1)
        .max(1);
    // (available, name) of the active owned pods that are outdated.
    let mut available_active = 0usize;
    let mut outdated: Vec<(bool, String)> = Vec::new();
    for p in api.iter_as::<Pod>(Some(&key.0)) {
        if !(p
            .metadata
            .controller()
            .is_some_and(|r| r.uid == ds.metadata.uid)
            && is_active(p))
        {
            continue;
        }
        let available = is_available(p, min_ready, now);
        if available {
            available_active += 1;
        }
        if p.metadata.labels.get("controller-revision-hash") != Some(&hash) {
            outdated.push((available, p.metadata.name.to_string()));
        }
    }
    let unavailable = (desired as usize).saturating_sub(available_active) as i32;
    let mut budget = max_unavailable - unavailable;
    outdated.sort();
    for (available, name) in outdated {
        if budget <= 0 && available {
            break;
        }
        if api
            .delete(
                &actor(),
                Kind::Pod,
                &key.0,
                &name,
                &DeleteOptions::default(),
            )
            .is_ok()
        {
            budget -= 1;
        }
    }
    // Status.
    let scheduled = |p: &Pod| p.node_name().is_some();
    let (mut current, mut misscheduled, mut ready, mut available, mut updated) =
        (0i32, 0i32, 0i32, 0i32, 0i32);
    for p in api.iter_as::<Pod>(Some(&key.0)) {
        if !(p
            .metadata
            .controller()
            .is_some_and(|r| r.uid == ds.metadata.uid)
            && is_active(p))
        {
            continue;
        }
        if scheduled(p) {
            if pod_node(p).is_some_and(|n| eligible.contains(&n)) {
                current += 1;
            } else {
                misscheduled += 1;
            }
        }
        if p.is_ready() {
            ready += 1;
        }
        if is_available(p, min_ready, now) {
            available += 1;
        }
        if p.metadata.labels.get("controller-revision-hash") == Some(&hash) && scheduled(p) {
            updated += 1;
        }
    }
    let nz = |n: i32| (n > 0).then_some(n);
    let status = DaemonSetStatus {
        current_number_scheduled: current,
        number_misscheduled: misscheduled,
        desired_number_scheduled: desired,
        number_ready: ready,
        observed_generation: ds.metadata.generation,
        updated_number_scheduled: nz(updated),
        number_available: nz(available),
        number_unavailable: nz(desired - available),
        collision_count: ds.status.as_ref().and_then(|s| s.collision_count),
        conditions: Vec::new(),
    };
    if ds.status.as_ref() != Some(&status) {
        let mut u = ds;
        u.status = Some(status);
        let _ = api.update_status(&actor(), u);
    }
}
