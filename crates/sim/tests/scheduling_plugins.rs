//! PodTopologySpread and InterPodAffinity, and the scheduler traces that explain them, as a
//! learner placing replicas across nodes and zones would see them.

use std::collections::BTreeMap;

use serde_json::json;
use sim::api::{Deployment, Node, Pod};
use sim::*;

fn kubectl() -> Actor {
    Actor::kubectl()
}

fn cluster(workers: u32) -> Cluster {
    Cluster::new(Config {
        workers,
        ..Config::default()
    })
}

fn label_node(c: &mut Cluster, node: &str, key: &str, value: &str) {
    let mut n: Node = c.api().get_as::<Node>("", node).unwrap().clone();
    n.metadata.labels.insert(key.into(), value.into());
    c.api_mut().update(&kubectl(), n).unwrap();
}

/// A Deployment whose pod spec gets `extra` merged in (affinity, topologySpreadConstraints).
fn deploy(c: &mut Cluster, name: &str, replicas: i32, extra: serde_json::Value) {
    let mut d = Deployment::new("default", name, "nginx:1.27", replicas);
    let mut spec = serde_json::to_value(&d.spec.template.spec).unwrap();
    for (k, v) in extra.as_object().unwrap() {
        spec[k] = v.clone();
    }
    d.spec.template.spec = serde_json::from_value(spec).unwrap();
    c.api_mut().create(&kubectl(), d).unwrap();
    c.settle();
}

fn pods(c: &Cluster, app: &str) -> Vec<Pod> {
    c.api()
        .iter_as::<Pod>(Some("default"))
        .filter(|p| p.metadata.labels.get("app").map(String::as_str) == Some(app))
        .cloned()
        .collect()
}

fn per_node(c: &Cluster, app: &str) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for p in pods(c, app) {
        *m.entry(p.node_name().unwrap_or("<pending>").to_string())
            .or_default() += 1;
    }
    m
}

fn pending_message(c: &Cluster, app: &str) -> Vec<String> {
    pods(c, app)
        .iter()
        .filter(|p| p.node_name().is_none())
        .filter_map(|p| {
            p.condition("PodScheduled")?
                .message
                .as_deref()
                .map(str::to_string)
        })
        .collect()
}

fn web_selector() -> serde_json::Value {
    json!({"matchLabels": {"app": "web"}})
}

#[test]
fn pods_spread_evenly_across_zones_with_max_skew_one() {
    let mut c = cluster(3);
    label_node(&mut c, "timonel-worker", "topology.kubernetes.io/zone", "a");
    label_node(
        &mut c,
        "timonel-worker2",
        "topology.kubernetes.io/zone",
        "a",
    );
    label_node(
        &mut c,
        "timonel-worker3",
        "topology.kubernetes.io/zone",
        "b",
    );
    deploy(
        &mut c,
        "web",
        4,
        json!({"topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone",
            "whenUnsatisfiable": "DoNotSchedule", "labelSelector": web_selector()}]}),
    );
    let nodes = per_node(&c, "web");
    let zone_b = nodes.get("timonel-worker3").copied().unwrap_or(0);
    assert_eq!(zone_b, 2, "{nodes:?}");
    assert!(!nodes.contains_key("<pending>"), "{nodes:?}");
}

#[test]
fn pods_spread_evenly_across_hostnames_with_max_skew_one() {
    let mut c = cluster(3);
    deploy(
        &mut c,
        "web",
        6,
        json!({"topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "kubernetes.io/hostname",
            "whenUnsatisfiable": "DoNotSchedule", "labelSelector": web_selector(),
            "nodeTaintsPolicy": "Honor"}]}),
    );
    let nodes = per_node(&c, "web");
    assert_eq!(
        nodes.values().copied().collect::<Vec<_>>(),
        vec![2, 2, 2],
        "{nodes:?}"
    );
}

#[test]
fn the_tainted_control_plane_counts_as_an_empty_hostname_domain_unless_taints_are_honored() {
    let mut c = cluster(3);
    deploy(
        &mut c,
        "web",
        6,
        json!({"topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "kubernetes.io/hostname",
            "whenUnsatisfiable": "DoNotSchedule", "labelSelector": web_selector()}]}),
    );
    let nodes = per_node(&c, "web");
    assert_eq!(nodes.get("<pending>"), Some(&3), "{nodes:?}");
    assert_eq!(
        pending_message(&c, "web")[0],
        "0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 node(s) didn't match pod topology spread constraints. preemption: 0/4 nodes are available: 1 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod."
    );
}

#[test]
fn a_do_not_schedule_constraint_on_a_missing_label_leaves_the_pod_pending_with_the_upstream_message()
 {
    let mut c = cluster(2);
    deploy(
        &mut c,
        "web",
        1,
        json!({"topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "example.com/rack",
            "whenUnsatisfiable": "DoNotSchedule", "labelSelector": web_selector()}]}),
    );
    assert_eq!(
        pending_message(&c, "web"),
        vec![
            "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 node(s) didn't match pod topology spread constraints (missing required label). preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
                .to_string()
        ]
    );
}

#[test]
fn a_skewed_zone_leaves_the_extra_pod_pending() {
    let mut c = cluster(2);
    label_node(&mut c, "timonel-worker", "topology.kubernetes.io/zone", "a");
    label_node(
        &mut c,
        "timonel-worker2",
        "topology.kubernetes.io/zone",
        "b",
    );
    // Zone b only takes pods with a toleration nobody has: cordon it.
    let mut n: Node = c
        .api()
        .get_as::<Node>("", "timonel-worker2")
        .unwrap()
        .clone();
    n.spec.unschedulable = Some(true);
    c.api_mut().update(&kubectl(), n).unwrap();
    deploy(
        &mut c,
        "web",
        2,
        json!({"topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone",
            "whenUnsatisfiable": "DoNotSchedule", "labelSelector": web_selector()}]}),
    );
    assert_eq!(per_node(&c, "web").get("timonel-worker"), Some(&1));
    assert_eq!(
        pending_message(&c, "web"),
        vec![
            "0/3 nodes are available: 1 node(s) didn't match pod topology spread constraints, 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 1 node(s) were unschedulable. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling."
                .to_string()
        ]
    );
}

#[test]
fn anti_affinity_puts_replicas_on_different_nodes_and_the_fourth_stays_pending_on_three_nodes() {
    let mut c = cluster(3);
    deploy(
        &mut c,
        "web",
        4,
        json!({"affinity": {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
            {"labelSelector": web_selector(), "topologyKey": "kubernetes.io/hostname"}]}}}),
    );
    let nodes = per_node(&c, "web");
    assert_eq!(nodes.len(), 4, "{nodes:?}");
    assert!(nodes.values().all(|n| *n == 1), "{nodes:?}");
    assert_eq!(
        pending_message(&c, "web"),
        vec![
            "0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 node(s) didn't match pod anti-affinity rules. preemption: 0/4 nodes are available: 1 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod."
                .to_string()
        ]
    );
}

#[test]
fn a_pod_that_matches_an_existing_pods_anti_affinity_is_kept_off_its_node() {
    let mut c = cluster(1);
    deploy(
        &mut c,
        "db",
        1,
        json!({"affinity": {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
            {"labelSelector": web_selector(), "topologyKey": "kubernetes.io/hostname"}]}}}),
    );
    assert_eq!(per_node(&c, "db").get("timonel-worker"), Some(&1));
    deploy(&mut c, "web", 1, json!({}));
    assert_eq!(
        pending_message(&c, "web"),
        vec![
            "0/2 nodes are available: 1 node(s) didn't satisfy existing pods anti-affinity rules, 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling."
                .to_string()
        ]
    );
}

#[test]
fn affinity_co_locates_pods_with_the_pod_they_follow() {
    let mut c = cluster(3);
    deploy(&mut c, "db", 1, json!({}));
    let db_node = pods(&c, "db")[0].node_name().unwrap().to_string();
    deploy(
        &mut c,
        "web",
        3,
        json!({"affinity": {"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
            {"labelSelector": {"matchLabels": {"app": "db"}}, "topologyKey": "kubernetes.io/hostname"}]}}}),
    );
    assert_eq!(per_node(&c, "web"), BTreeMap::from([(db_node, 3)]));
}

#[test]
fn affinity_to_pods_that_do_not_exist_leaves_the_pod_pending() {
    let mut c = cluster(2);
    deploy(
        &mut c,
        "web",
        1,
        json!({"affinity": {"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
            {"labelSelector": {"matchLabels": {"app": "db"}}, "topologyKey": "kubernetes.io/hostname"}]}}}),
    );
    assert_eq!(
        pending_message(&c, "web"),
        vec![
            "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 node(s) didn't match pod affinity rules. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
                .to_string()
        ]
    );
}

#[test]
fn preferred_node_affinity_steers_pods_to_the_preferred_node() {
    let mut c = cluster(3);
    label_node(&mut c, "timonel-worker2", "disktype", "ssd");
    deploy(
        &mut c,
        "web",
        3,
        json!({"affinity": {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
            {"weight": 100, "preference": {"matchExpressions": [{"key": "disktype", "operator": "In", "values": ["ssd"]}]}}]}}}),
    );
    assert_eq!(
        per_node(&c, "web"),
        BTreeMap::from([("timonel-worker2".to_string(), 3)])
    );
}

#[test]
fn preferred_pod_affinity_steers_pods_next_to_the_pod_they_like() {
    let mut c = cluster(3);
    deploy(&mut c, "db", 1, json!({}));
    let db_node = pods(&c, "db")[0].node_name().unwrap().to_string();
    deploy(
        &mut c,
        "web",
        2,
        json!({"affinity": {"podAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
            {"weight": 100, "podAffinityTerm": {"labelSelector": {"matchLabels": {"app": "db"}}, "topologyKey": "kubernetes.io/hostname"}}]}}}),
    );
    assert_eq!(per_node(&c, "web"), BTreeMap::from([(db_node, 2)]));
}

#[test]
fn replicas_without_constraints_are_spread_by_the_system_default_constraints() {
    let mut c = cluster(3);
    deploy(&mut c, "web", 6, json!({}));
    let nodes = per_node(&c, "web");
    assert_eq!(
        nodes.values().copied().collect::<Vec<_>>(),
        vec![2, 2, 2],
        "{nodes:?}"
    );
}

#[test]
fn traces_list_every_filter_and_score_plugin() {
    let mut c = cluster(2);
    deploy(&mut c, "web", 1, json!({}));
    let pod = pods(&c, "web").remove(0);
    let attempt = c
        .scheduler()
        .last_attempt("default", &pod.metadata.name)
        .unwrap();
    let chosen = attempt.chosen.clone().unwrap();
    let trace = attempt.nodes.iter().find(|n| n.node == chosen).unwrap();
    let filters: Vec<&str> = trace.filters.iter().map(|f| f.plugin).collect();
    assert_eq!(
        filters,
        vec![
            "NodeUnschedulable",
            "NodeName",
            "TaintToleration",
            "NodeAffinity",
            "NodeResourcesFit",
            "PodTopologySpread",
            "InterPodAffinity"
        ]
    );
    let scores: Vec<(&str, i64)> = trace
        .scores
        .iter()
        .map(|s| (s.plugin, s.weighted / s.score.max(1)))
        .collect();
    let names: Vec<&str> = scores.iter().map(|s| s.0).collect();
    assert_eq!(
        names,
        vec![
            "NodeResourcesFit",
            "NodeResourcesBalancedAllocation",
            "TaintToleration",
            "NodeAffinity",
            "PodTopologySpread",
            "InterPodAffinity"
        ]
    );
    let control_plane = attempt
        .nodes
        .iter()
        .find(|n| n.node == "timonel-control-plane")
        .unwrap();
    assert_eq!(
        control_plane.filters.last().unwrap().plugin,
        "TaintToleration"
    );
    assert!(!control_plane.filters.last().unwrap().passed);
}

#[test]
fn a_daemon_set_pod_pinned_to_its_node_is_only_tried_on_that_node() {
    let c = cluster(3);
    let proxy = c
        .api()
        .iter_as::<Pod>(Some("kube-system"))
        .find(|p| p.metadata.name.starts_with("kube-proxy-"))
        .cloned()
        .unwrap();
    let attempt = c
        .scheduler()
        .last_attempt("kube-system", &proxy.metadata.name)
        .unwrap();
    let visited: Vec<&str> = attempt.nodes.iter().map(|n| n.node.as_str()).collect();
    assert_eq!(visited, vec![proxy.node_name().unwrap()]);
}
