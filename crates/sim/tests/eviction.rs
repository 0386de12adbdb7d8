//! The Eviction subresource (`POST pods/<name>/eviction`) that `kubectl drain` uses.

use sim::api::pod::Pod;
use sim::*;

fn nginx(name: &str) -> Pod {
    let mut p = Pod::new("default", name, "nginx");
    p.spec.containers[0].name = "nginx".into();
    p
}

#[test]
fn evicting_a_running_pod_terminates_it_within_its_grace_period() {
    let mut c = Cluster::default();
    c.api_mut().create(&Actor::kubectl(), nginx("web")).unwrap();
    c.advance(Duration::seconds(30));
    assert_eq!(
        c.api().get_as::<Pod>("default", "web").unwrap().phase(),
        "Running"
    );
    c.api_mut()
        .evict(
            &Actor::kubectl(),
            "default",
            "web",
            &DeleteOptions::default(),
        )
        .unwrap();
    let evicted = c.api().get_as::<Pod>("default", "web").unwrap();
    assert!(evicted.metadata.deletion_timestamp.is_some());
    c.advance(Duration::seconds(31));
    assert!(c.api().get_ref(Kind::Pod, "default", "web").is_none());
}

#[test]
fn evicting_a_missing_pod_says_not_found() {
    let mut c = Cluster::default();
    let err = c
        .api_mut()
        .evict(
            &Actor::kubectl(),
            "default",
            "nope",
            &DeleteOptions::default(),
        )
        .unwrap_err();
    assert_eq!((err.reason, err.code()), (StatusReason::NotFound, 404));
    assert_eq!(err.message, r#"pods "nope" not found"#);
}

#[test]
fn a_server_dry_run_eviction_leaves_the_pod_alone() {
    let mut c = Cluster::default();
    c.api_mut().create(&Actor::kubectl(), nginx("web")).unwrap();
    c.advance(Duration::seconds(30));
    let opts = DeleteOptions {
        dry_run: true,
        ..DeleteOptions::default()
    };
    c.api_mut()
        .evict(&Actor::kubectl(), "default", "web", &opts)
        .unwrap();
    let pod = c.api().get_as::<Pod>("default", "web").unwrap();
    assert!(pod.metadata.deletion_timestamp.is_none());
}
