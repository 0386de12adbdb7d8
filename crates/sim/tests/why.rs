//! The inspector's view models: why a pod is Pending (the scheduler's verdict per node), why its
//! containers fail, and the owner chain from a pod up to its Deployment.

use sim::api::pod::ResourceRequirements;
use sim::api::{Deployment, Kind, Pod, Quantity};
use sim::views_why::{self, ObjRef, Problem, Reason, Verdict, Why};
use sim::*;

fn create_pod(c: &mut Cluster, p: Pod) {
    c.api_mut().create(&Actor::kubectl(), p).unwrap();
    c.settle();
}

fn big_pod(name: &str, cpu: &str) -> Pod {
    let mut p = Pod::new("default", name, "nginx");
    p.spec.containers[0].resources = Some(ResourceRequirements {
        requests: [("cpu".to_string(), Quantity::new(cpu))].into(),
        ..Default::default()
    });
    p
}

fn pending(c: &Cluster, name: &str) -> views_why::PendingWhy {
    match views_why::why(c, "default", name) {
        Some(Why::Pending(p)) => p,
        other => panic!("expected Pending, got {other:?}"),
    }
}

#[test]
fn a_pod_asking_for_too_much_cpu_is_pending_with_a_reason_for_every_node() {
    let mut c = Cluster::default();
    create_pod(&mut c, big_pod("big", "100"));
    c.advance(Duration::seconds(5));
    let why = pending(&c, "big");
    assert!(!why.gated);
    assert!(
        why.message
            .as_deref()
            .is_some_and(|m| m.starts_with("0/3 nodes are available")),
        "{:?}",
        why.message
    );
    let attempt = why.attempt.expect("the scheduler keeps its last attempt");
    let nodes: Vec<&str> = attempt.nodes.iter().map(|n| n.node.as_str()).collect();
    assert_eq!(
        nodes,
        ["timonel-control-plane", "timonel-worker", "timonel-worker2"]
    );
    match &attempt.nodes[0].verdict {
        Verdict::Rejected { plugin, reasons } => {
            assert_eq!(*plugin, "TaintToleration");
            assert_eq!(
                reasons,
                &[Reason::UntoleratedTaint {
                    key: "node-role.kubernetes.io/control-plane".into(),
                    value: String::new(),
                }]
            );
        }
        v => panic!("{v:?}"),
    }
    for worker in &attempt.nodes[1..] {
        match &worker.verdict {
            Verdict::Rejected { plugin, reasons } => {
                assert_eq!(*plugin, "NodeResourcesFit");
                let [
                    Reason::Insufficient {
                        resource,
                        requested,
                        allocatable,
                        ..
                    },
                ] = reasons.as_slice()
                else {
                    panic!("{reasons:?}")
                };
                assert_eq!(resource, "cpu");
                assert_eq!(*requested, 100_000);
                assert_eq!(*allocatable, 4_000);
            }
            v => panic!("{v:?}"),
        }
    }
    assert_eq!(attempt.chosen, None);
    let unscheduled = views_why::unscheduled_pods(c.api());
    assert_eq!(unscheduled.len(), 1);
    assert_eq!(unscheduled[0].name, "big");
    assert_eq!(unscheduled[0].status, "Pending");
}

#[test]
fn a_running_pod_has_nothing_to_explain() {
    let mut c = Cluster::default();
    create_pod(&mut c, Pod::new("default", "web", "nginx"));
    c.advance(Duration::seconds(30));
    assert_eq!(views_why::why(&c, "default", "web"), None);
    assert_eq!(views_why::why(&c, "default", "missing"), None);
    assert!(views_why::unscheduled_pods(c.api()).is_empty());
}

#[test]
fn a_container_that_keeps_exiting_is_explained_as_a_crash_loop_with_its_exit_code() {
    let mut c = Cluster::default();
    let mut p = Pod::new("default", "crash", "busybox");
    p.spec.containers[0].command = vec!["false".into()];
    create_pod(&mut c, p);
    c.advance(Duration::seconds(60));
    let Some(Why::Failing(containers)) = views_why::why(&c, "default", "crash") else {
        panic!("{:?}", views_why::why(&c, "default", "crash"));
    };
    assert_eq!(containers.len(), 1);
    assert_eq!(containers[0].image, "busybox");
    assert!(containers[0].restarts >= 1);
    match &containers[0].problem {
        Problem::CrashLoop { last_exit, message } => {
            let exit = last_exit.as_ref().expect("the last exit is recorded");
            assert_eq!(exit.code, 1);
            assert_eq!(exit.reason.as_deref(), Some("Error"));
            assert!(
                message
                    .as_deref()
                    .is_some_and(|m| m.starts_with("back-off"))
            );
        }
        p => panic!("{p:?}"),
    }
}

#[test]
fn an_image_that_does_not_exist_is_explained_as_a_pull_failure() {
    let mut c = Cluster::default();
    create_pod(&mut c, Pod::new("default", "typo", "ngnix"));
    c.advance(Duration::seconds(60));
    let Some(Why::Failing(containers)) = views_why::why(&c, "default", "typo") else {
        panic!("{:?}", views_why::why(&c, "default", "typo"));
    };
    match &containers[0].problem {
        Problem::ImagePull { message, .. } => {
            assert!(message.as_deref().is_some_and(|m| m.contains("ngnix")));
        }
        p => panic!("{p:?}"),
    }
}

#[test]
fn a_deployment_pod_links_up_to_its_replica_set_and_deployment_and_back_down() {
    let mut c = Cluster::default();
    c.api_mut()
        .create(
            &Actor::kubectl(),
            Deployment::new("default", "web", "nginx", 2),
        )
        .unwrap();
    c.advance(Duration::seconds(10));
    let api = c.api();
    let pod = api
        .iter_as::<Pod>(Some("default"))
        .next()
        .expect("a pod")
        .metadata
        .name
        .clone();
    let rs = views_why::owner_of(api, &ObjRef::new(Kind::Pod, "default", pod.as_str()))
        .expect("an owner");
    assert_eq!(rs.kind, Kind::ReplicaSet);
    assert!(rs.name.starts_with("web-"));
    let deploy = views_why::owner_of(api, &rs).expect("the ReplicaSet's owner");
    assert_eq!(deploy, ObjRef::new(Kind::Deployment, "default", "web"));
    assert_eq!(views_why::owner_of(api, &deploy), None);
    assert_eq!(views_why::owned_by(api, &deploy), std::slice::from_ref(&rs));
    let pods = views_why::owned_by(api, &rs);
    assert_eq!(pods.len(), 2);
    assert!(pods.iter().all(|p| p.kind == Kind::Pod));
    assert!(views_why::exists(api, &deploy));
}
