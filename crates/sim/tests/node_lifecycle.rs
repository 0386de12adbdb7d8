//! Node heartbeats and the node lifecycle: Leases renewed every 10 s, a node whose kubelet stops
//! goes NotReady after the 50 s grace period, is tainted, and its pods are evicted 300 s later
//! and recreated elsewhere; when the kubelet comes back, so does the node.

use sim::api::{Deployment, Event, Lease, Node, Pod};
use sim::*;

const WORKER: &str = "timonel-worker";
const OTHER: &str = "timonel-worker2";

fn node(c: &Cluster, name: &str) -> Node {
    c.api().get_as::<Node>("", name).unwrap()
}

fn pods_on(c: &Cluster, node: &str) -> Vec<Pod> {
    c.api()
        .iter_as::<Pod>(Some("default"))
        .filter(|p| p.node_name() == Some(node))
        .cloned()
        .collect()
}

fn live_pods_on(c: &Cluster, node: &str) -> usize {
    pods_on(c, node)
        .iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .count()
}

fn taints(c: &Cluster, name: &str) -> Vec<String> {
    node(c, name)
        .spec
        .taints
        .iter()
        .map(|t| t.to_text())
        .collect()
}

fn web(c: &mut Cluster, replicas: i32) {
    c.api_mut()
        .create_as(
            &Actor::kubectl(),
            Deployment::new("default", "web", "nginx:1.27", replicas),
        )
        .unwrap();
    c.advance(Duration::seconds(30));
}

#[test]
fn every_kubelet_renews_its_lease_in_kube_node_lease_every_ten_seconds() {
    let mut c = Cluster::default();
    let leases: Vec<Lease> = c
        .api()
        .iter_as::<Lease>(Some("kube-node-lease"))
        .cloned()
        .collect();
    assert_eq!(
        leases
            .iter()
            .map(|l| l.metadata.name.as_str())
            .collect::<Vec<_>>(),
        c.node_names()
    );
    for l in &leases {
        assert_eq!(l.spec.holder_identity.as_deref(), Some(&*l.metadata.name));
        assert_eq!(l.spec.lease_duration_seconds, Some(40));
        assert_eq!(l.metadata.owner_references[0].kind, "Node");
    }
    c.advance(Duration::seconds(25));
    let lease = c.api().get_as::<Lease>("kube-node-lease", WORKER).unwrap();
    let renewed = Time::parse_rfc3339(lease.spec.renew_time.as_deref().unwrap()).unwrap();
    assert!(c.now().since(renewed) <= Duration::seconds(10));
    assert!(c.now().since(renewed) < c.now().since(Time::ZERO));
}

#[test]
fn a_node_that_stops_heartbeating_goes_not_ready_after_the_grace_period_and_gets_the_taints() {
    let mut c = Cluster::default();
    c.advance(Duration::seconds(10));
    assert!(c.stop_kubelet(WORKER));
    c.advance(Duration::seconds(40));
    assert!(node(&c, WORKER).is_ready(), "still within the grace period");
    assert!(taints(&c, WORKER).is_empty());
    c.advance(Duration::seconds(20));
    let n = node(&c, WORKER);
    let ready = n.condition("Ready").unwrap();
    assert_eq!(
        (
            ready.status.as_str(),
            ready.reason.as_deref(),
            ready.message.as_deref()
        ),
        (
            "Unknown",
            Some("NodeStatusUnknown"),
            Some("Kubelet stopped posting node status.")
        )
    );
    assert_eq!(
        n.condition("MemoryPressure").unwrap().status,
        "Unknown",
        "every condition goes Unknown"
    );
    assert_eq!(views::node_status(&n), "NotReady");
    assert_eq!(
        taints(&c, WORKER),
        [
            "node.kubernetes.io/unreachable:NoSchedule",
            "node.kubernetes.io/unreachable:NoExecute"
        ]
    );
    // The other nodes are unaffected.
    assert!(node(&c, OTHER).is_ready());
    let events: Vec<String> = c
        .api()
        .iter_as::<Event>(None)
        .filter(|e| e.involved_object.name == WORKER)
        .filter_map(|e| e.message.as_deref().map(str::to_string))
        .collect();
    assert!(
        events.contains(&format!("Node {WORKER} status is now: NodeNotReady")),
        "{events:?}"
    );

    // The kubelet comes back: Ready again, taints lifted.
    assert!(c.start_kubelet(WORKER));
    let n = node(&c, WORKER);
    assert!(n.is_ready());
    assert_eq!(views::node_status(&n), "Ready");
    assert!(taints(&c, WORKER).is_empty());
}

#[test]
fn pods_of_an_unreachable_node_are_evicted_300_seconds_later_and_recreated_elsewhere() {
    let mut c = Cluster::default();
    web(&mut c, 4);
    let before = live_pods_on(&c, WORKER);
    assert!(before > 0, "some pods run on {WORKER}");
    c.stop_kubelet(WORKER);
    c.advance(Duration::seconds(60));
    assert_eq!(views::node_status(&node(&c, WORKER)), "NotReady");
    // The pods stay (marked not ready) while their 300 s tolerations last.
    let pods = pods_on(&c, WORKER);
    assert_eq!(pods.len(), before);
    for p in &pods {
        assert_eq!(p.condition("Ready").unwrap().status, "False");
    }
    let tainted = node(&c, WORKER)
        .spec
        .taints
        .iter()
        .find(|t| t.effect == "NoExecute")
        .and_then(|t| t.time_added.as_deref())
        .and_then(Time::parse_rfc3339)
        .unwrap();
    c.advance(tainted.plus(Duration::seconds(299)).since(c.now()));
    assert_eq!(live_pods_on(&c, WORKER), before, "not yet evicted");
    c.advance(Duration::seconds(2));
    assert_eq!(live_pods_on(&c, WORKER), 0, "evicted");
    let evictions: Vec<String> = c
        .api()
        .iter_as::<Event>(Some("default"))
        .filter(|e| e.reason.as_deref() == Some("TaintManagerEviction"))
        .filter_map(|e| e.message.as_deref().map(str::to_string))
        .collect();
    assert_eq!(evictions.len(), before, "{evictions:?}");
    for (m, p) in evictions.iter().zip(&pods) {
        assert_eq!(
            *m,
            format!("Marking for deletion Pod default/{}", p.metadata.name)
        );
    }
    // Their ReplicaSet recreated them on the node that is still up.
    c.advance(Duration::seconds(30));
    let running = pods_on(&c, OTHER)
        .iter()
        .filter(|p| p.phase() == "Running" && p.metadata.deletion_timestamp.is_none())
        .count();
    assert_eq!(running, 4);
}

#[test]
fn a_kubelet_back_before_the_tolerations_expire_keeps_its_pods() {
    let mut c = Cluster::default();
    web(&mut c, 4);
    let before = live_pods_on(&c, WORKER);
    c.stop_kubelet(WORKER);
    c.advance(Duration::seconds(120));
    assert!(!taints(&c, WORKER).is_empty());
    c.start_kubelet(WORKER);
    c.advance(Duration::seconds(600));
    assert_eq!(live_pods_on(&c, WORKER), before);
    for p in pods_on(&c, WORKER) {
        assert_eq!(p.condition("Ready").unwrap().status, "True", "ready again");
    }
    let cancelled = c
        .api()
        .iter_as::<Event>(Some("default"))
        .filter(|e| {
            e.message
                .as_deref()
                .is_some_and(|m| m.starts_with("Cancelling deletion of Pod default/"))
        })
        .count();
    assert_eq!(cancelled, before);
}

#[test]
fn a_removed_node_takes_its_lease_with_it() {
    let mut c = Cluster::default();
    c.remove_node(OTHER).unwrap();
    assert!(c.api().get_as::<Lease>("kube-node-lease", OTHER).is_err());
    let added = c.add_worker().unwrap();
    c.settle();
    assert!(c.api().get_as::<Lease>("kube-node-lease", &added).is_ok());
}
