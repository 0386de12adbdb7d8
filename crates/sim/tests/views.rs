//! View models: what a UI shows, summarized the way `kubectl get` summarizes it.

use sim::api::{Node, Pod};
use sim::*;

fn nginx(name: &str) -> Pod {
    let mut p = Pod::new("default", name, "nginx");
    p.spec.containers[0].name = "nginx".into();
    p
}

#[test]
fn nodes_show_status_roles_and_their_pods() {
    let c = Cluster::default();
    let views = c.node_views();
    let summary: Vec<(&str, &str, &str)> = views
        .iter()
        .map(|v| (v.name.as_str(), v.status.as_str(), v.roles.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            ("timonel-control-plane", "Ready", "control-plane"),
            ("timonel-worker", "Ready", "<none>"),
            ("timonel-worker2", "Ready", "<none>"),
        ]
    );
    let cp_pods: Vec<&str> = views[0].pods.iter().map(|p| p.name.as_str()).collect();
    assert!(cp_pods.contains(&"etcd-timonel-control-plane"));
    assert!(
        views[0]
            .pods
            .iter()
            .all(|p| p.status == "Running" && p.ready == "1/1")
    );
    assert_eq!(views[1].version, KUBERNETES_VERSION);
}

#[test]
fn a_pod_reads_pending_then_container_creating_then_running_then_terminating() {
    let mut c = Cluster::default();
    let mut n = c.api().get_as::<Node>("", "timonel-worker").unwrap();
    let mut n2 = c.api().get_as::<Node>("", "timonel-worker2").unwrap();
    n.spec.unschedulable = Some(true);
    n2.spec.unschedulable = Some(true);
    c.api_mut().update(&Actor::kubectl(), n).unwrap();
    c.api_mut().update(&Actor::kubectl(), n2).unwrap();
    c.api_mut().create(&Actor::kubectl(), nginx("web")).unwrap();
    c.settle();
    let status = |c: &Cluster| {
        let p = c.api().get_as::<Pod>("default", "web").unwrap();
        let v = sim::views::pod_view(&p);
        (v.ready, v.status)
    };
    assert_eq!(status(&c), ("0/1".to_string(), "Pending".to_string()));
    let workers = c.node_views();
    assert_eq!(workers[1].status, "Ready,SchedulingDisabled");

    let mut n = c.api().get_as::<Node>("", "timonel-worker").unwrap();
    n.spec.unschedulable = None;
    c.api_mut().update(&Actor::kubectl(), n).unwrap();
    c.settle();
    assert_eq!(
        status(&c),
        ("0/1".to_string(), "ContainerCreating".to_string())
    );
    c.advance(Duration::seconds(10));
    assert_eq!(status(&c), ("1/1".to_string(), "Running".to_string()));
    c.api_mut()
        .delete(
            &Actor::kubectl(),
            Kind::Pod,
            "default",
            "web",
            &DeleteOptions::default(),
        )
        .unwrap();
    c.settle();
    assert_eq!(status(&c), ("1/1".to_string(), "Terminating".to_string()));
}

#[test]
fn the_activity_feed_lists_each_write_with_its_component() {
    let mut c = Cluster::default();
    let cursor = c.api().resource_version();
    c.api_mut().create(&Actor::kubectl(), nginx("web")).unwrap();
    c.settle();
    let feed = c.activity_since(cursor);
    let first = &feed[0];
    assert_eq!(
        (
            first.component.as_str(),
            first.verb,
            first.kind,
            first.name.as_str()
        ),
        ("kubectl", "create", "Pod", "web")
    );
    assert!(
        feed.iter()
            .any(|a| a.component == "default-scheduler" && a.verb == "bind")
    );
    assert!(
        feed.iter()
            .any(|a| a.component == "kubelet" && a.verb == "update status" && a.node.is_some())
    );
}
