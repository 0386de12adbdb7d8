//! A large, feature-rich scheduling scenario whose every decision and trace is pinned by a hash:
//! more than 100 nodes (so the scheduler samples a share of them per pod), zones, racks, taints,
//! cordoned nodes, topology spread (filter and score), pod (anti-)affinity, node affinity,
//! requests that do not fit, scaling, deletions and a node joining. Performance work on the
//! scheduler must keep this hash: it is the same scheduler, only faster.

use serde_json::json;
use sim::api::node::Taint;
use sim::api::{Deployment, Node, Pod};
use sim::*;

/// Changes only when the scheduler's behaviour changes on purpose.
const EXPECTED_HASH: &str = "48ecb4317f72fa9d";

fn fnv1a64(h: &mut u64, bytes: &[u8]) {
    for b in bytes {
        *h ^= u64::from(*b);
        *h = h.wrapping_mul(0x0100_0000_01b3);
    }
}

fn update_node(c: &mut Cluster, name: &str, f: impl FnOnce(&mut Node)) {
    let mut n: Node = c.api().get_as::<Node>("", name).unwrap().clone();
    f(&mut n);
    c.api_mut().update(&Actor::kubectl(), n).unwrap();
}

fn deploy(c: &mut Cluster, name: &str, replicas: i32, extra: serde_json::Value) {
    let mut d = Deployment::new("default", name, "nginx:1.27", replicas);
    let mut spec = serde_json::to_value(&d.spec.template.spec).unwrap();
    for (k, v) in extra.as_object().unwrap() {
        spec[k] = v.clone();
    }
    d.spec.template.spec = serde_json::from_value(spec).unwrap();
    c.api_mut().create(&Actor::kubectl(), d).unwrap();
}

fn scale(c: &mut Cluster, name: &str, replicas: i32) {
    let mut d = c
        .api()
        .get_as::<Deployment>("default", name)
        .unwrap()
        .clone();
    d.spec.replicas = Some(replicas);
    c.api_mut().update(&Actor::kubectl(), d).unwrap();
}

fn sel(app: &str) -> serde_json::Value {
    json!({"matchLabels": {"app": app}})
}

fn resources(cpu: &str, memory: &str) -> serde_json::Value {
    json!({"requests": {"cpu": cpu, "memory": memory}})
}

/// Hashes the remembered attempts and the cluster after each step.
struct Recorder {
    hash: u64,
}

impl Recorder {
    fn step(&mut self, c: &mut Cluster, seconds: u64) {
        c.advance(Duration::seconds(seconds));
        let attempts: Vec<_> = c.scheduler().attempts().collect();
        fnv1a64(&mut self.hash, &serde_json::to_vec(&attempts).unwrap());
        let placement: Vec<(String, String, String)> = c
            .api()
            .iter_as::<Pod>(None)
            .map(|p| {
                (
                    p.metadata.namespace.to_string(),
                    p.metadata.name.to_string(),
                    p.node_name().unwrap_or("").to_string(),
                )
            })
            .collect();
        fnv1a64(&mut self.hash, &serde_json::to_vec(&placement).unwrap());
    }
}

fn scenario() -> String {
    let mut c = Cluster::new(Config {
        seed: 7,
        workers: 130,
        ..Config::default()
    });
    let mut r = Recorder {
        hash: 0xcbf2_9ce4_8422_2325,
    };
    let workers: Vec<String> = c
        .node_names()
        .into_iter()
        .filter(|n| n.contains("worker"))
        .collect();
    for (i, w) in workers.iter().enumerate() {
        update_node(&mut c, w, |n| {
            let labels = &mut n.metadata.labels;
            labels.insert(
                "topology.kubernetes.io/zone".into(),
                ["a", "b", "c"][i % 3].into(),
            );
            if i % 4 == 0 {
                labels.insert("example.com/rack".into(), format!("r{}", i % 5));
            }
            if i % 7 == 0 {
                labels.insert("disktype".into(), "ssd".into());
            }
            if i % 11 == 3 {
                n.spec.taints.push(Taint {
                    key: "dedicated".into(),
                    value: Some("gpu".into()),
                    effect: "NoSchedule".into(),
                    time_added: None,
                });
            }
            if i % 9 == 4 {
                n.spec.taints.push(Taint {
                    key: "spot".into(),
                    value: None,
                    effect: "PreferNoSchedule".into(),
                    time_added: None,
                });
            }
            if i % 23 == 5 {
                n.spec.unschedulable = Some(true);
            }
        });
    }
    r.step(&mut c, 1);
    deploy(&mut c, "web", 260, json!({}));
    deploy(
        &mut c,
        "req",
        90,
        json!({"containers": [{"name": "app", "image": "nginx", "resources": resources("150m", "96Mi")}]}),
    );
    r.step(&mut c, 5);
    deploy(
        &mut c,
        "spread",
        45,
        json!({"topologySpreadConstraints": [
            {"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone",
             "whenUnsatisfiable": "DoNotSchedule", "labelSelector": sel("spread")},
            {"maxSkew": 2, "topologyKey": "kubernetes.io/hostname",
             "whenUnsatisfiable": "ScheduleAnyway", "labelSelector": sel("spread"),
             "matchLabelKeys": ["pod-template-hash"]}]}),
    );
    deploy(
        &mut c,
        "rack",
        12,
        json!({"topologySpreadConstraints": [
            {"maxSkew": 1, "topologyKey": "example.com/rack", "minDomains": 6,
             "whenUnsatisfiable": "DoNotSchedule", "labelSelector": sel("rack"),
             "nodeAffinityPolicy": "Ignore", "nodeTaintsPolicy": "Honor"},
            {"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone",
             "whenUnsatisfiable": "ScheduleAnyway", "labelSelector": sel("rack")}],
            "nodeSelector": {"disktype": "ssd"}}),
    );
    deploy(
        &mut c,
        "anti",
        18,
        json!({"affinity": {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
            {"labelSelector": sel("anti"), "topologyKey": "kubernetes.io/hostname"}]}}}),
    );
    r.step(&mut c, 5);
    deploy(
        &mut c,
        "follow",
        9,
        json!({"affinity": {
            "podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
                {"labelSelector": sel("anti"), "topologyKey": "topology.kubernetes.io/zone"}]},
            "podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
                {"weight": 50, "podAffinityTerm": {"labelSelector": sel("follow"),
                 "topologyKey": "kubernetes.io/hostname"}}]}}}),
    );
    deploy(
        &mut c,
        "gpu",
        8,
        json!({"tolerations": [{"key": "dedicated", "operator": "Equal", "value": "gpu", "effect": "NoSchedule"}],
               "affinity": {"nodeAffinity": {
                   "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                       {"matchExpressions": [{"key": "topology.kubernetes.io/zone", "operator": "In", "values": ["a", "b"]}]}]},
                   "preferredDuringSchedulingIgnoredDuringExecution": [
                       {"weight": 30, "preference": {"matchExpressions": [{"key": "disktype", "operator": "Exists"}]}},
                       {"weight": 70, "preference": {"matchExpressions": [{"key": "example.com/rack", "operator": "In", "values": ["r0", "r2"]}]}}]}}}),
    );
    deploy(
        &mut c,
        "near",
        10,
        json!({"affinity": {"podAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
            {"weight": 80, "podAffinityTerm": {"labelSelector": sel("gpu"),
             "topologyKey": "topology.kubernetes.io/zone"}}]}}}),
    );
    deploy(
        &mut c,
        "big",
        4,
        json!({"containers": [{"name": "app", "image": "nginx", "resources": resources("3", "1Gi")}]}),
    );
    deploy(
        &mut c,
        "huge",
        2,
        json!({"containers": [{"name": "app", "image": "nginx", "resources": resources("500", "1Gi")}]}),
    );
    r.step(&mut c, 5);
    r.step(&mut c, 5);
    let _ = c.add_worker();
    scale(&mut c, "web", 140);
    scale(&mut c, "anti", 25);
    r.step(&mut c, 5);
    let _ = c.api_mut().delete(
        &Actor::kubectl(),
        Kind::Deployment,
        "default",
        "req",
        &DeleteOptions::default(),
    );
    update_node(&mut c, &workers[3], |n| n.spec.taints.clear());
    update_node(&mut c, &workers[5], |n| n.spec.unschedulable = None);
    r.step(&mut c, 5);
    scale(&mut c, "web", 330);
    scale(&mut c, "spread", 70);
    r.step(&mut c, 5);
    r.step(&mut c, 30);
    format!("{:016x}", r.hash)
}

#[test]
fn a_large_scheduling_scenario_places_every_pod_exactly_as_before() {
    let hash = scenario();
    assert_eq!(hash, EXPECTED_HASH, "scheduler equivalence hash");
}
