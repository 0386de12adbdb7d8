//! The benchmark scenario shared by the native example (`examples/bench.rs`) and the wasm bench:
//! boot a cluster with `workers` workers, create a Deployment of `replicas` nginx pods and advance
//! in 5 s steps until every pod is Running.

use sim::api::{Deployment, Pod};
use sim::{Actor, Cluster, Config, Duration};

/// A booted cluster for the benchmark, configured as the page's.
pub fn boot(workers: u32) -> Cluster {
    boot_with_history(workers, Config::default().watch_history)
}

/// A booted cluster keeping `watch_history` watch events beyond what the control loops read.
pub fn boot_with_history(workers: u32, watch_history: usize) -> Cluster {
    Cluster::new(Config {
        workers,
        watch_history,
        ..Config::default()
    })
}

/// Creates the Deployment and advances until all replicas run. Returns the number of 5 s steps.
pub fn run(c: &mut Cluster, replicas: i32) -> u32 {
    c.api_mut()
        .create(
            &Actor::kubectl(),
            Deployment::new("default", "web", "nginx", replicas),
        )
        .expect("create deployment");
    let mut steps = 0;
    loop {
        c.advance(Duration::seconds(5));
        steps += 1;
        let running = c
            .api()
            .iter_as::<Pod>(Some("default"))
            .filter(|p| p.phase() == "Running")
            .count();
        if running == replicas.max(0) as usize || steps > 200 {
            return steps;
        }
    }
}

/// The hash both targets must print for [`determinism_scenario`] (see `tests/cross_target.rs`
/// and `bench-wasm/run.sh`). It changes only when the simulation's behaviour changes on purpose.
pub const EXPECTED_DETERMINISM_HASH: &str = "ff6e040b92220558";

/// 64-bit FNV-1a: a portable hash, the same on every target.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// A scripted scenario touching every component: Deployments scaled up, rolled out, scaled down
/// and deleted, bare pods, an unschedulable pod, a new worker, time passing. Returns the FNV-1a
/// hash of `Cluster::snapshot()` serialized, followed by the scheduler's remembered attempts, in
/// hex; and the number of bytes hashed.
pub fn determinism_scenario() -> (String, usize) {
    use sim::api::{Namespace, Quantity};
    use sim::{DeleteOptions, Kind, PropagationPolicy};
    let mut c = Cluster::new(Config {
        seed: 42,
        workers: 3,
        ..Config::default()
    });
    let kubectl = Actor::kubectl();
    let api = c.api_mut();
    let _ = api.create(&kubectl, Namespace::new("dev"));
    let _ = api.create(
        &kubectl,
        Deployment::new("default", "web", "nginx:1.27", 12),
    );
    let _ = api.create(&kubectl, Deployment::new("dev", "cache", "redis", 2));
    let mut p = Pod::new("default", "", "busybox");
    p.spec.containers[0].name = "box".into();
    p.metadata.generate_name = "box-".into();
    for _ in 0..3 {
        let _ = api.create(&kubectl, p.clone());
    }
    let mut big = Pod::new("default", "big", "nginx");
    big.spec.containers[0].resources = Some(sim::api::pod::ResourceRequirements {
        requests: [("cpu".to_string(), Quantity("64".into()))].into(),
        ..Default::default()
    });
    let _ = api.create(&kubectl, big);
    c.settle();
    c.advance(Duration::seconds(20));
    // Roll out a new image, then scale down.
    if let Ok(mut d) = c.api().get_as::<Deployment>("default", "web") {
        d.spec.template.spec.containers[0].image = "nginx:1.28".into();
        let _ = c.api_mut().update(&kubectl, d);
    }
    c.advance(Duration::seconds(30));
    let _ = c.add_worker();
    c.advance(Duration::seconds(5));
    if let Ok(mut d) = c.api().get_as::<Deployment>("default", "web") {
        d.spec.replicas = Some(5);
        let _ = c.api_mut().update(&kubectl, d);
    }
    c.advance(Duration::seconds(10));
    let _ = c.api_mut().delete(
        &kubectl,
        Kind::Deployment,
        "dev",
        "cache",
        &DeleteOptions {
            propagation_policy: Some(PropagationPolicy::Foreground),
            ..Default::default()
        },
    );
    let _ = c.api_mut().delete(
        &kubectl,
        Kind::Pod,
        "default",
        "big",
        &DeleteOptions::default(),
    );
    c.advance(Duration::seconds(60));
    let mut bytes = serde_json::to_vec(&c.snapshot()).unwrap_or_default();
    let attempts: Vec<_> = c.scheduler().attempts().collect();
    bytes.extend(serde_json::to_vec(&attempts).unwrap_or_default());
    (format!("{:016x}", fnv1a64(&bytes)), bytes.len())
}
