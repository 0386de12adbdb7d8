//! Same seed and same requests give byte-identical objects and event log.

use sim::api::{Deployment, Namespace, pod::Pod};
use sim::*;

fn run(seed: u64) -> String {
    let mut c = Cluster::new(Config {
        seed,
        ..Config::default()
    });
    let kubectl = Actor::kubectl();
    let api = c.api_mut();
    let _ = api.create(&kubectl, Namespace::new("dev"));
    let mut p = Pod::new("default", "", "nginx");
    p.spec.containers[0].name = "nginx".into();
    p.metadata.generate_name = "web-".into();
    for _ in 0..5 {
        let _ = api.create(&kubectl, p.clone());
    }
    let _ = api.create(&kubectl, Deployment::new("default", "web", "nginx:1.27", 3));
    c.settle();
    c.advance(Duration::seconds(30));
    serde_json::to_string(&c.snapshot()).unwrap()
}

#[test]
fn the_same_seed_and_requests_give_byte_identical_clusters() {
    assert_eq!(run(7), run(7));
}

#[test]
fn a_different_seed_gives_different_names_and_uids() {
    assert_ne!(run(7), run(8));
}
