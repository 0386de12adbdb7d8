//! DaemonSets: one pod per eligible node, following nodes as they come and go.

use sim::api::{DaemonSet, LabelSelector, Node, ObjectMeta, Pod};
use sim::*;

fn daemon_pods(c: &Cluster, ns: &str, selector: &str) -> Vec<Pod> {
    c.api()
        .list(Kind::Pod, Some(ns), &ListOptions::labels(selector))
        .unwrap()
        .items
        .into_iter()
        .filter_map(|o| match o {
            Object::Pod(p) if p.metadata.deletion_timestamp.is_none() => Some(*p),
            _ => None,
        })
        .collect()
}

fn agent(name: &str) -> DaemonSet {
    let mut ds = DaemonSet {
        metadata: ObjectMeta::named("default", name),
        ..Default::default()
    };
    ds.spec.selector = Some(LabelSelector {
        match_labels: [("app".to_string(), name.to_string())].into(),
        match_expressions: Vec::new(),
    });
    ds.spec.template.metadata = ObjectMeta::default().with_labels([("app", name)]);
    ds.spec.template.spec.containers = vec![sim::api::pod::Container {
        name: "agent".into(),
        image: "busybox:1.36".into(),
        // busybox's own `sh` exits at once: the agent sleeps to keep running.
        command: vec!["sleep".into(), "infinity".into()],
        ..Default::default()
    }];
    ds
}

#[test]
fn kube_proxy_runs_once_on_every_node_including_new_ones() {
    let mut c = Cluster::default();
    let ds = c
        .api()
        .get_as::<DaemonSet>("kube-system", "kube-proxy")
        .unwrap();
    let s = ds.status.unwrap();
    assert_eq!(
        (
            s.desired_number_scheduled,
            s.current_number_scheduled,
            s.number_ready
        ),
        (3, 3, 3)
    );
    let name = c.add_worker().unwrap();
    assert_eq!(name, "timonel-worker3");
    c.advance(Duration::seconds(10));
    let pods = daemon_pods(&c, "kube-system", "k8s-app=kube-proxy");
    assert_eq!(pods.len(), 4);
    let on_new = pods
        .iter()
        .find(|p| p.node_name() == Some("timonel-worker3"))
        .unwrap();
    assert_eq!(on_new.phase(), "Running");
    assert!(on_new.metadata.name.starts_with("kube-proxy-"));
}

#[test]
fn a_node_selector_limits_a_daemon_set_and_follows_label_changes() {
    let mut c = Cluster::default();
    let mut ds = agent("gpu-agent");
    ds.spec
        .template
        .spec
        .node_selector
        .insert("gpu".into(), "true".into());
    c.api_mut().create(&Actor::kubectl(), ds).unwrap();
    c.advance(Duration::seconds(5));
    assert!(daemon_pods(&c, "default", "app=gpu-agent").is_empty());
    let mut n = c.api().get_as::<Node>("", "timonel-worker2").unwrap();
    n.metadata.labels.insert("gpu".into(), "true".into());
    c.api_mut().update(&Actor::kubectl(), n).unwrap();
    c.advance(Duration::seconds(5));
    let pods = daemon_pods(&c, "default", "app=gpu-agent");
    assert_eq!(pods.len(), 1);
    assert_eq!(pods[0].node_name(), Some("timonel-worker2"));
    let mut n = c.api().get_as::<Node>("", "timonel-worker2").unwrap();
    n.metadata.labels.remove("gpu");
    c.api_mut().update(&Actor::kubectl(), n).unwrap();
    c.advance(Duration::seconds(5));
    assert!(daemon_pods(&c, "default", "app=gpu-agent").is_empty());
}

#[test]
fn daemon_pods_skip_the_tainted_control_plane_and_tolerate_cordoned_nodes() {
    let mut c = Cluster::default();
    let mut n = c.api().get_as::<Node>("", "timonel-worker").unwrap();
    n.spec.unschedulable = Some(true);
    c.api_mut().update(&Actor::kubectl(), n).unwrap();
    c.api_mut()
        .create(&Actor::kubectl(), agent("log-agent"))
        .unwrap();
    c.advance(Duration::seconds(5));
    let mut nodes: Vec<String> = daemon_pods(&c, "default", "app=log-agent")
        .iter()
        .filter_map(|p| p.node_name().map(str::to_string))
        .collect();
    nodes.sort();
    assert_eq!(nodes, ["timonel-worker", "timonel-worker2"]);
}

#[test]
fn changing_the_template_replaces_daemon_pods_one_node_at_a_time() {
    let mut c = Cluster::default();
    c.api_mut()
        .create(&Actor::kubectl(), agent("log-agent"))
        .unwrap();
    c.advance(Duration::seconds(10));
    let mut ds = c.api().get_as::<DaemonSet>("default", "log-agent").unwrap();
    ds.spec.template.spec.containers[0].image = "busybox:1.37".into();
    c.api_mut().update(&Actor::kubectl(), ds).unwrap();
    c.settle();
    let updated = daemon_pods(&c, "default", "app=log-agent")
        .iter()
        .filter(|p| p.spec.containers[0].image == "busybox:1.37")
        .count();
    assert!(updated <= 1, "one at a time: {updated}");
    for _ in 0..10 {
        c.advance(Duration::seconds(3));
    }
    let pods = daemon_pods(&c, "default", "app=log-agent");
    assert_eq!(pods.len(), 2);
    assert!(
        pods.iter()
            .all(|p| p.spec.containers[0].image == "busybox:1.37" && p.phase() == "Running")
    );
}
