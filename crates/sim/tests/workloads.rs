//! Controllers, scheduler and kubelets working together, as a learner watching
//! `kubectl get pods -w` would see them.

use std::collections::BTreeMap;

use sim::api::{Deployment, Event, Namespace, Node, Pod, Quantity, ReplicaSet};
use sim::*;

fn kubectl() -> Actor {
    Actor::kubectl()
}

fn pods_of(c: &Cluster, ns: &str, selector: &str) -> Vec<Pod> {
    c.api()
        .list(Kind::Pod, Some(ns), &ListOptions::labels(selector))
        .unwrap()
        .items
        .into_iter()
        .filter_map(|o| match o {
            Object::Pod(p) => Some(*p),
            _ => None,
        })
        .collect()
}

fn events_about(c: &Cluster, ns: &str, name: &str) -> Vec<(String, String)> {
    c.api()
        .iter_as::<Event>(Some(ns))
        .filter(|e| e.involved_object.name == name)
        .map(|e| {
            (
                e.reason.as_deref().unwrap_or_default().to_string(),
                e.message.as_deref().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn run_web(c: &mut Cluster, replicas: i32) -> Deployment {
    let d = c
        .api_mut()
        .create_as(
            &kubectl(),
            Deployment::new("default", "web", "nginx:1.27", replicas),
        )
        .unwrap();
    c.settle();
    d
}

#[test]
fn a_deployment_creates_a_replica_set_whose_pods_run_once_images_are_pulled() {
    let mut c = Cluster::default();
    run_web(&mut c, 3);
    let rss: Vec<ReplicaSet> = c
        .api()
        .iter_as::<ReplicaSet>(Some("default"))
        .cloned()
        .collect();
    assert_eq!(rss.len(), 1);
    let rs = &rss[0];
    let hash = rs.metadata.labels["pod-template-hash"].clone();
    assert_eq!(rs.metadata.name, format!("web-{hash}"));
    assert_eq!(
        rs.metadata.annotations["deployment.kubernetes.io/revision"],
        "1"
    );
    let pods = pods_of(&c, "default", "app=web");
    assert_eq!(pods.len(), 3);
    for p in &pods {
        assert!(p.metadata.name.starts_with(&format!("web-{hash}-")));
        assert_eq!(p.metadata.name.len(), rs.metadata.name.len() + 6);
        assert!(p.node_name().is_some(), "scheduled at once");
        assert_eq!(p.phase(), "Pending");
        let waiting = p.status.as_ref().unwrap().container_statuses[0]
            .state
            .waiting
            .clone()
            .unwrap();
        assert_eq!(waiting.reason.as_deref(), Some("ContainerCreating"));
    }
    c.advance(Duration::seconds(10));
    for p in pods_of(&c, "default", "app=web") {
        assert_eq!(p.phase(), "Running");
        assert!(p.is_ready());
        assert!(
            p.status
                .as_ref()
                .unwrap()
                .pod_ip
                .as_deref()
                .unwrap()
                .starts_with("10.244.")
        );
    }
    let d = c.api().get_as::<Deployment>("default", "web").unwrap();
    let s = d.status.unwrap();
    assert_eq!(
        (s.replicas, s.ready_replicas, s.available_replicas),
        (Some(3), Some(3), Some(3))
    );
    assert_eq!(
        events_about(&c, "default", "web"),
        [(
            "ScalingReplicaSet".to_string(),
            format!("Scaled up replica set {} from 0 to 3", rs.metadata.name)
        )]
    );
}

#[test]
fn the_kubelet_reports_pulling_pulled_created_and_started() {
    let mut c = Cluster::default();
    c.api_mut()
        .create(&kubectl(), {
            let mut p = Pod::new("default", "nginx", "nginx");
            p.spec.containers[0].name = "nginx".into();
            p
        })
        .unwrap();
    c.advance(Duration::seconds(10));
    let reasons: Vec<String> = events_about(&c, "default", "nginx")
        .into_iter()
        .map(|(r, _)| r)
        .collect();
    let mut sorted = reasons.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        ["Created", "Pulled", "Pulling", "Scheduled", "Started"]
    );
    let pulled = events_about(&c, "default", "nginx")
        .into_iter()
        .find(|(r, _)| r == "Pulled")
        .unwrap()
        .1;
    assert!(
        pulled.starts_with("Successfully pulled image \"nginx\" in "),
        "{pulled}"
    );
    assert!(pulled.ends_with("Image size: 72223946 bytes."));
}

#[test]
fn a_deleted_pod_is_replaced_by_its_replica_set_and_terminates_gracefully() {
    let mut c = Cluster::default();
    run_web(&mut c, 2);
    c.advance(Duration::seconds(10));
    let victim = pods_of(&c, "default", "app=web")[0]
        .metadata
        .name
        .to_string();
    c.api_mut()
        .delete(
            &kubectl(),
            Kind::Pod,
            "default",
            &victim,
            &DeleteOptions::default(),
        )
        .unwrap();
    c.settle();
    let pods = pods_of(&c, "default", "app=web");
    assert_eq!(
        pods.len(),
        3,
        "the old pod is Terminating beside its replacement"
    );
    assert!(
        pods.iter()
            .any(|p| p.metadata.name == victim && p.metadata.deletion_timestamp.is_some())
    );
    c.advance(Duration::seconds(5));
    let pods = pods_of(&c, "default", "app=web");
    assert_eq!(pods.len(), 2);
    assert!(
        pods.iter()
            .all(|p| p.metadata.name != victim && p.phase() == "Running")
    );
    let killing = events_about(&c, "default", &victim);
    assert!(killing.contains(&(
        "Killing".to_string(),
        "Stopping container nginx".to_string()
    )));
}

#[test]
fn scaling_down_deletes_unscheduled_and_newest_pods_first() {
    let mut c = Cluster::default();
    run_web(&mut c, 2);
    c.advance(Duration::seconds(10));
    let old: Vec<String> = pods_of(&c, "default", "app=web")
        .iter()
        .map(|p| p.metadata.name.to_string())
        .collect();
    let mut d = c.api().get_as::<Deployment>("default", "web").unwrap();
    d.spec.replicas = Some(4);
    c.api_mut().update(&kubectl(), d).unwrap();
    c.advance(Duration::seconds(10));
    let mut d = c.api().get_as::<Deployment>("default", "web").unwrap();
    d.spec.replicas = Some(2);
    c.api_mut().update(&kubectl(), d).unwrap();
    c.advance(Duration::seconds(10));
    let left: Vec<String> = pods_of(&c, "default", "app=web")
        .iter()
        .map(|p| p.metadata.name.to_string())
        .collect();
    assert_eq!(left, old);
}

#[test]
fn changing_the_image_rolls_out_a_new_revision_within_the_surge_limits() {
    let mut c = Cluster::default();
    run_web(&mut c, 4);
    c.advance(Duration::seconds(10));
    let cursor = c.api().resource_version();
    let mut d = c.api().get_as::<Deployment>("default", "web").unwrap();
    d.spec.template.spec.containers[0].image = "nginx:1.28".into();
    c.api_mut().update(&kubectl(), d).unwrap();
    for _ in 0..30 {
        c.advance(Duration::seconds(1));
    }
    // Never more than replicas + maxSurge (4 + 1) pods, never fewer than replicas - maxUnavailable
    // (4 - 1) available.
    let mut alive: BTreeMap<String, bool> = BTreeMap::new();
    let mut max_alive = 0;
    for e in c.api().watch(cursor).unwrap() {
        if let Object::Pod(p) = e.object.as_ref() {
            let counts = e.type_ != sim::apiserver::EventType::Deleted
                && p.metadata.deletion_timestamp.is_none();
            alive.insert(p.metadata.name.to_string(), counts);
            max_alive = max_alive.max(alive.values().filter(|a| **a).count());
        }
    }
    assert!(max_alive <= 5, "{max_alive}");
    let d = c.api().get_as::<Deployment>("default", "web").unwrap();
    assert_eq!(
        d.metadata.annotations["deployment.kubernetes.io/revision"],
        "2"
    );
    let rss: Vec<ReplicaSet> = c
        .api()
        .iter_as::<ReplicaSet>(Some("default"))
        .cloned()
        .collect();
    assert_eq!(rss.len(), 2);
    let replicas: Vec<(String, i32)> = rss
        .iter()
        .map(|r| {
            (
                r.metadata.annotations["deployment.kubernetes.io/revision"].clone(),
                r.replicas(),
            )
        })
        .collect();
    assert!(replicas.contains(&("1".to_string(), 0)));
    assert!(replicas.contains(&("2".to_string(), 4)));
    let pods = pods_of(&c, "default", "app=web");
    assert_eq!(pods.len(), 4);
    assert!(
        pods.iter()
            .all(|p| p.spec.containers[0].image == "nginx:1.28" && p.phase() == "Running")
    );
    let status = d.status.unwrap();
    assert_eq!(status.updated_replicas, Some(4));
    let progressing = status
        .conditions
        .iter()
        .find(|c| c.type_ == "Progressing")
        .unwrap();
    assert_eq!(
        progressing.reason.as_deref(),
        Some("NewReplicaSetAvailable")
    );
}

#[test]
fn deleting_a_deployment_cascades_to_its_replica_sets_and_pods() {
    let mut c = Cluster::default();
    run_web(&mut c, 2);
    c.advance(Duration::seconds(10));
    c.api_mut()
        .delete(
            &kubectl(),
            Kind::Deployment,
            "default",
            "web",
            &DeleteOptions::default(),
        )
        .unwrap();
    c.advance(Duration::seconds(5));
    assert_eq!(c.api().iter(Kind::ReplicaSet, Some("default")).count(), 0);
    assert!(pods_of(&c, "default", "app=web").is_empty());
}

#[test]
fn orphan_deletion_keeps_the_replica_set_and_its_pods() {
    let mut c = Cluster::default();
    run_web(&mut c, 2);
    c.advance(Duration::seconds(10));
    c.api_mut()
        .delete(
            &kubectl(),
            Kind::Deployment,
            "default",
            "web",
            &DeleteOptions {
                propagation_policy: Some(PropagationPolicy::Orphan),
                ..Default::default()
            },
        )
        .unwrap();
    c.advance(Duration::seconds(5));
    assert!(c.api().get(Kind::Deployment, "default", "web").is_err());
    let rs: Vec<ReplicaSet> = c
        .api()
        .iter_as::<ReplicaSet>(Some("default"))
        .cloned()
        .collect();
    assert_eq!(rs.len(), 1);
    assert!(rs[0].metadata.owner_references.is_empty());
    assert_eq!(pods_of(&c, "default", "app=web").len(), 2);
}

#[test]
fn deleting_a_namespace_deletes_its_content_then_the_namespace() {
    let mut c = Cluster::default();
    c.api_mut()
        .create(&kubectl(), Namespace::new("dev"))
        .unwrap();
    c.settle();
    c.api_mut()
        .create(&kubectl(), Deployment::new("dev", "web", "nginx", 2))
        .unwrap();
    c.advance(Duration::seconds(10));
    c.api_mut()
        .delete(
            &kubectl(),
            Kind::Namespace,
            "",
            "dev",
            &DeleteOptions::default(),
        )
        .unwrap();
    c.settle();
    assert_eq!(
        c.api().get_as::<Namespace>("", "dev").unwrap().phase(),
        "Terminating"
    );
    c.advance(Duration::seconds(10));
    assert!(c.api().get(Kind::Namespace, "", "dev").is_err());
    assert_eq!(c.api().iter(Kind::Pod, Some("dev")).count(), 0);
}

fn hungry(name: &str, cpu: &str) -> Pod {
    let mut p = Pod::new("default", name, "nginx");
    p.spec.containers[0].name = "nginx".into();
    p.spec.containers[0].resources = Some(sim::api::pod::ResourceRequirements {
        limits: BTreeMap::new(),
        requests: [("cpu".to_string(), Quantity::new(cpu))].into(),
    });
    p
}

#[test]
fn a_pod_that_fits_nowhere_stays_pending_with_the_upstream_message() {
    let mut c = Cluster::default();
    c.api_mut()
        .create(&kubectl(), hungry("big", "100"))
        .unwrap();
    c.settle();
    let pod = c.api().get_as::<Pod>("default", "big").unwrap();
    assert_eq!(pod.phase(), "Pending");
    assert!(pod.node_name().is_none());
    let cond = pod.condition("PodScheduled").unwrap();
    assert_eq!(
        (cond.status.as_str(), cond.reason.as_deref()),
        ("False", Some("Unschedulable"))
    );
    let expected = "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.";
    assert_eq!(cond.message.as_deref(), Some(expected));
    assert!(
        events_about(&c, "default", "big")
            .contains(&("FailedScheduling".to_string(), expected.to_string()))
    );
    // The trace explains it per node and plugin.
    let attempt = c.scheduler().last_attempt("default", "big").unwrap();
    assert_eq!(attempt.chosen, None);
    let cp = &attempt.nodes[0];
    assert_eq!(cp.node, "timonel-control-plane");
    let last = cp.filters.last().unwrap();
    assert_eq!((last.plugin, last.passed), ("TaintToleration", false));
    let worker = &attempt.nodes[1];
    let last = worker.filters.last().unwrap();
    assert_eq!(
        (last.plugin, last.reasons.clone()),
        ("NodeResourcesFit", vec!["Insufficient cpu".to_string()])
    );
}

#[test]
fn a_pending_pod_is_scheduled_when_capacity_frees_up() {
    let mut c = Cluster::default();
    c.api_mut().create(&kubectl(), hungry("a", "3")).unwrap();
    c.api_mut().create(&kubectl(), hungry("b", "3")).unwrap();
    c.api_mut().create(&kubectl(), hungry("c", "3")).unwrap();
    c.advance(Duration::seconds(10));
    let pending: Vec<String> = c
        .api()
        .iter_as::<Pod>(Some("default"))
        .filter(|p| p.node_name().is_none())
        .map(|p| p.metadata.name.to_string())
        .collect();
    assert_eq!(pending.len(), 1);
    let running = c
        .api()
        .iter_as::<Pod>(Some("default"))
        .find(|p| p.node_name().is_some())
        .unwrap()
        .metadata
        .name
        .clone();
    c.api_mut()
        .delete(
            &kubectl(),
            Kind::Pod,
            "default",
            &running,
            &DeleteOptions::default(),
        )
        .unwrap();
    c.advance(Duration::seconds(10));
    let p = c.api().get_as::<Pod>("default", &pending[0]).unwrap();
    assert!(p.node_name().is_some());
    assert_eq!(p.phase(), "Running");
}

#[test]
fn cordoned_nodes_and_node_selectors_steer_pods() {
    let mut c = Cluster::default();
    let mut w = c.api().get_as::<Node>("", "timonel-worker").unwrap();
    w.spec.unschedulable = Some(true);
    c.api_mut().update(&kubectl(), w).unwrap();
    for i in 0..4 {
        c.api_mut()
            .create(&kubectl(), hungry(&format!("p{i}"), "100m"))
            .unwrap();
    }
    c.settle();
    for p in c.api().iter_as::<Pod>(Some("default")) {
        assert_eq!(p.node_name(), Some("timonel-worker2"));
    }
    let mut picky = hungry("picky", "100m");
    picky
        .spec
        .node_selector
        .insert("disktype".into(), "ssd".into());
    c.api_mut().create(&kubectl(), picky).unwrap();
    c.settle();
    let p = c.api().get_as::<Pod>("default", "picky").unwrap();
    assert_eq!(
        p.condition("PodScheduled").unwrap().message.as_deref(),
        Some(
            "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 1 node(s) were unschedulable. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
        )
    );
    let mut w2 = c.api().get_as::<Node>("", "timonel-worker2").unwrap();
    w2.metadata.labels.insert("disktype".into(), "ssd".into());
    c.api_mut().update(&kubectl(), w2).unwrap();
    c.settle();
    let p = c.api().get_as::<Pod>("default", "picky").unwrap();
    assert_eq!(p.node_name(), Some("timonel-worker2"));
}

#[test]
fn foreground_deletion_removes_the_dependents_before_the_owner() {
    let mut c = Cluster::default();
    run_web(&mut c, 2);
    c.advance(Duration::seconds(10));
    let d = c
        .api_mut()
        .delete(
            &kubectl(),
            Kind::Deployment,
            "default",
            "web",
            &DeleteOptions {
                propagation_policy: Some(PropagationPolicy::Foreground),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(d.metadata().finalizers, ["foregroundDeletion"]);
    assert!(d.metadata().deletion_timestamp.is_some());
    c.advance(Duration::seconds(10));
    assert!(c.api().get(Kind::Deployment, "default", "web").is_err());
    assert_eq!(c.api().iter(Kind::ReplicaSet, Some("default")).count(), 0);
    assert!(pods_of(&c, "default", "app=web").is_empty());
}

#[test]
fn the_recreate_strategy_stops_old_pods_before_starting_new_ones() {
    let mut c = Cluster::default();
    let mut d = Deployment::new("default", "web", "nginx:1.27", 2);
    d.spec.strategy = Some(sim::api::deployment::DeploymentStrategy {
        type_: Some("Recreate".into()),
        rolling_update: None,
    });
    c.api_mut().create(&kubectl(), d).unwrap();
    c.advance(Duration::seconds(10));
    let cursor = c.api().resource_version();
    let mut d = c.api().get_as::<Deployment>("default", "web").unwrap();
    d.spec.template.spec.containers[0].image = "nginx:1.28".into();
    c.api_mut().update(&kubectl(), d).unwrap();
    c.advance(Duration::seconds(20));
    // No new pod was created while an old one still existed.
    let mut old_alive: BTreeMap<String, bool> = BTreeMap::new();
    for e in c.api().watch(cursor).unwrap() {
        if let Object::Pod(p) = e.object.as_ref() {
            let old = p.spec.containers[0].image == "nginx:1.27";
            if old {
                old_alive.insert(
                    p.metadata.name.to_string(),
                    e.type_ != sim::apiserver::EventType::Deleted,
                );
            } else if e.type_ == sim::apiserver::EventType::Added {
                assert!(
                    old_alive.values().all(|a| !a),
                    "new pod before old ones were gone"
                );
            }
        }
    }
    let pods = pods_of(&c, "default", "app=web");
    assert_eq!(pods.len(), 2);
    assert!(
        pods.iter()
            .all(|p| p.spec.containers[0].image == "nginx:1.28" && p.phase() == "Running")
    );
}

#[test]
fn events_can_be_selected_by_the_object_they_are_about() {
    let mut c = Cluster::default();
    run_web(&mut c, 1);
    c.advance(Duration::seconds(10));
    let pod = pods_of(&c, "default", "app=web")[0]
        .metadata
        .name
        .to_string();
    let list = c
        .api()
        .list(
            Kind::Event,
            Some("default"),
            &ListOptions::fields(&format!("involvedObject.name={pod},reason=Scheduled")),
        )
        .unwrap();
    assert_eq!(list.items.len(), 1);
    let Object::Event(e) = &list.items[0] else {
        panic!()
    };
    assert_eq!(e.source.as_ref().unwrap().component, "default-scheduler");
    assert_eq!(e.type_.as_deref(), Some("Normal"));
    assert_eq!(e.count, Some(1));
}

#[test]
fn a_huge_scale_stops_on_the_work_budget_instead_of_hanging() {
    let mut c = Cluster::new(Config {
        work_budget_writes: 2_000,
        ..Config::default()
    });
    let before = c.api().resource_version();
    c.api_mut()
        .create(
            &kubectl(),
            Deployment::new("default", "web", "nginx", 1_000_000),
        )
        .unwrap();
    assert!(!c.settle(), "the settle reports that it ran out of budget");
    assert!(c.budget_exhausted());
    let written = c.api().resource_version() - before;
    assert!(written < 2_000 + 2_000, "{written}");
    // Scaling back down lets the cluster settle again.
    let mut d = c.api().get_as::<Deployment>("default", "web").unwrap();
    d.spec.replicas = Some(1);
    c.api_mut().update(&kubectl(), d).unwrap();
    for _ in 0..20 {
        if c.advance(Duration::seconds(5)) {
            break;
        }
    }
    assert!(!c.budget_exhausted());
    c.advance(Duration::seconds(30));
    let running = pods_of(&c, "default", "app=web")
        .iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .count();
    assert_eq!(running, 1);
}

#[test]
fn pods_of_a_removed_node_are_recreated_on_the_others_and_new_nodes_take_pods() {
    let mut c = Cluster::default();
    run_web(&mut c, 4);
    c.advance(Duration::seconds(10));
    c.api_mut()
        .delete(
            &kubectl(),
            Kind::Node,
            "",
            "timonel-worker2",
            &DeleteOptions::default(),
        )
        .unwrap();
    c.advance(Duration::seconds(10));
    let pods = pods_of(&c, "default", "app=web");
    assert_eq!(pods.len(), 4);
    assert!(
        pods.iter()
            .all(|p| p.node_name() == Some("timonel-worker") && p.phase() == "Running")
    );
    let added = c.add_worker().unwrap();
    assert_eq!(added, "timonel-worker2");
    let node = c.api().get_as::<Node>("", &added).unwrap();
    assert_eq!(node.spec.pod_cidr.as_deref(), Some("10.244.2.0/24"));
    let mut d = c.api().get_as::<Deployment>("default", "web").unwrap();
    d.spec.replicas = Some(8);
    c.api_mut().update(&kubectl(), d).unwrap();
    c.advance(Duration::seconds(10));
    let on_new = pods_of(&c, "default", "app=web")
        .iter()
        .filter(|p| p.node_name() == Some("timonel-worker2"))
        .count();
    assert!(
        on_new >= 3,
        "the least allocated node gets the new pods: {on_new}"
    );
}
