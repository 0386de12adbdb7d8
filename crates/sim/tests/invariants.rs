//! Property tests: random sequences of requests and clock advances keep the cluster's invariants.

use std::collections::BTreeMap;

use proptest::prelude::*;
use sim::api::{Deployment, Node, Pod, Quantity, ReplicaSet};
use sim::*;

#[derive(Clone, Debug)]
enum Op {
    AddWorker,
    RemoveNode {
        node: usize,
    },
    CreateDeployment {
        name: usize,
        replicas: i32,
        cpu_m: u32,
    },
    Scale {
        name: usize,
        replicas: i32,
    },
    SetImage {
        name: usize,
        tag: usize,
    },
    DeletePod {
        index: usize,
    },
    DeleteDeployment {
        name: usize,
    },
    Cordon {
        node: usize,
        on: bool,
    },
    Advance {
        seconds: u64,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (
            0..3usize,
            0..6i32,
            prop::sample::select(vec![0u32, 250, 1500])
        )
            .prop_map(|(name, replicas, cpu_m)| Op::CreateDeployment {
                name,
                replicas,
                cpu_m
            }),
        (0..3usize, 0..6i32).prop_map(|(name, replicas)| Op::Scale { name, replicas }),
        (0..3usize, 0..3usize).prop_map(|(name, tag)| Op::SetImage { name, tag }),
        (0..20usize).prop_map(|index| Op::DeletePod { index }),
        (0..3usize).prop_map(|name| Op::DeleteDeployment { name }),
        (0..3usize, any::<bool>()).prop_map(|(node, on)| Op::Cordon { node, on }),
        (0..20u64).prop_map(|seconds| Op::Advance { seconds }),
        Just(Op::AddWorker),
        (1..4usize).prop_map(|node| Op::RemoveNode { node }),
    ]
}

const NAMES: [&str; 3] = ["web", "api", "db"];
const TAGS: [&str; 3] = ["nginx:1.27", "nginx:1.28", "redis:7"];

fn apply(c: &mut Cluster, op: &Op) {
    let k = Actor::kubectl();
    match op {
        Op::CreateDeployment {
            name,
            replicas,
            cpu_m,
        } => {
            let mut d = Deployment::new("default", NAMES[*name], TAGS[0], *replicas);
            if *cpu_m > 0 {
                d.spec.template.spec.containers[0].resources =
                    Some(sim::api::pod::ResourceRequirements {
                        limits: BTreeMap::new(),
                        requests: [("cpu".to_string(), Quantity::new(format!("{cpu_m}m")))].into(),
                    });
            }
            let _ = c.api_mut().create(&k, d);
        }
        Op::Scale { name, replicas } => {
            if let Ok(mut d) = c.api().get_as::<Deployment>("default", NAMES[*name]) {
                d.spec.replicas = Some(*replicas);
                let _ = c.api_mut().update(&k, d);
            }
        }
        Op::SetImage { name, tag } => {
            if let Ok(mut d) = c.api().get_as::<Deployment>("default", NAMES[*name]) {
                d.spec.template.spec.containers[0].image = TAGS[*tag].into();
                let _ = c.api_mut().update(&k, d);
            }
        }
        Op::DeletePod { index } => {
            let names: Vec<String> = c
                .api()
                .iter(Kind::Pod, Some("default"))
                .map(|p| p.metadata().name.to_string())
                .collect();
            if !names.is_empty() {
                let name = &names[index % names.len()];
                let _ =
                    c.api_mut()
                        .delete(&k, Kind::Pod, "default", name, &DeleteOptions::default());
            }
        }
        Op::DeleteDeployment { name } => {
            let _ = c.api_mut().delete(
                &k,
                Kind::Deployment,
                "default",
                NAMES[*name],
                &DeleteOptions::default(),
            );
        }
        Op::Cordon { node, on } => {
            let names: Vec<String> = c
                .api()
                .iter(Kind::Node, None)
                .map(|n| n.metadata().name.to_string())
                .collect();
            let Some(name) = names.get(*node) else { return };
            if let Ok(mut n) = c.api().get_as::<Node>("", name) {
                n.spec.unschedulable = on.then_some(true);
                let _ = c.api_mut().update(&k, n);
            }
        }
        Op::Advance { seconds } => {
            c.advance(Duration::seconds(*seconds));
        }
        Op::AddWorker => {
            let _ = c.add_worker();
        }
        Op::RemoveNode { node } => {
            let names: Vec<String> = c
                .api()
                .iter(Kind::Node, None)
                .map(|n| n.metadata().name.to_string())
                .collect();
            if let Some(name) = names.get(*node) {
                let _ = c
                    .api_mut()
                    .delete(&k, Kind::Node, "", name, &DeleteOptions::default());
            }
        }
    }
    c.settle();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn random_requests_keep_the_cluster_consistent(ops in prop::collection::vec(op(), 1..14)) {
        let mut c = Cluster::default();
        for o in &ops {
            apply(&mut c, o);
        }
        // Let everything finish.
        for _ in 0..6 {
            prop_assert!(c.advance(Duration::seconds(30)), "the control loops settle");
        }

        // resourceVersion strictly increases, one per write.
        let rvs: Vec<u64> = c.api().log().iter().map(|e| e.resource_version).collect();
        prop_assert!(rvs.windows(2).all(|w| w[1] == w[0] + 1));

        // No pod is ever bound twice or moved.
        let mut bound: BTreeMap<String, String> = BTreeMap::new();
        for e in c.api().log().iter() {
            if let Object::Pod(p) = e.object.as_ref() && let Some(n) = p.node_name() {
                let prev = bound.insert(p.metadata.uid.to_string(), n.to_string());
                prop_assert!(prev.is_none_or(|prev| prev == n), "pod {} moved", p.metadata.name);
            }
        }

        // No node holds more than it can allocate.
        let nodes: Vec<Node> = c.api().iter_as::<Node>(None).cloned().collect();
        for n in &nodes {
            let requested: i128 = c
                .api()
                .iter_as::<Pod>(None)
                .filter(|p| p.node_name() == Some(n.metadata.name.as_str()) && !p.is_terminal())
                .map(|p| p.spec.request_milli("cpu"))
                .sum();
            prop_assert!(requested <= n.allocatable_milli("cpu"), "{} over-committed", n.metadata.name);
        }

        // No orphans once the garbage collector has run.
        let rs_uids: Vec<String> = c.api().iter_as::<ReplicaSet>(None).map(|r| r.metadata.uid.to_string()).collect();
        let d_uids: Vec<String> = c.api().iter_as::<Deployment>(None).map(|d| d.metadata.uid.to_string()).collect();
        for p in c.api().iter_as::<Pod>(Some("default")) {
            if let Some(r) = p.metadata.controller() {
                prop_assert!(rs_uids.iter().any(|u| *u == r.uid), "orphan pod {}", p.metadata.name);
            }
        }
        for rs in c.api().iter_as::<ReplicaSet>(Some("default")) {
            if let Some(r) = rs.metadata.controller() {
                prop_assert!(d_uids.iter().any(|u| *u == r.uid), "orphan replicaset {}", rs.metadata.name);
            }
        }

        // Every node runs exactly one kube-proxy.
        for n in &nodes {
            let proxies = c
                .api()
                .iter_as::<Pod>(Some("kube-system"))
                .filter(|p| p.metadata.labels.get("k8s-app").map(String::as_str) == Some("kube-proxy"))
                .filter(|p| p.node_name() == Some(n.metadata.name.as_str()))
                .count();
            prop_assert_eq!(proxies, 1, "kube-proxy on {}", n.metadata.name);
        }
        // No pod is bound to a node that does not exist.
        for p in c.api().iter_as::<Pod>(None) {
            if let Some(n) = p.node_name() {
                prop_assert!(nodes.iter().any(|x| x.metadata.name == n), "{} on missing {}", p.metadata.name, n);
            }
        }

        // Every Deployment converges when nothing is left unschedulable.
        let stuck = c.api().iter_as::<Pod>(Some("default")).any(|p| p.node_name().is_none());
        if !stuck {
            for d in c.api().iter_as::<Deployment>(Some("default")) {
                let s = d.status.clone().unwrap_or_default();
                let want = d.replicas();
                let nz = |v: Option<i32>| v.unwrap_or(0);
                prop_assert_eq!(nz(s.updated_replicas), want, "{} updated", d.metadata.name);
                prop_assert_eq!(nz(s.available_replicas), want, "{} available", d.metadata.name);
                prop_assert_eq!(nz(s.replicas), want, "{} replicas", d.metadata.name);
                prop_assert_eq!(s.observed_generation, d.metadata.generation);
            }
        }
    }
}
