//! Scheduling benchmark: a Deployment of N replicas on W workers, run until every pod is Running.
//!
//! `cargo run --release -p timonel-sim --example bench -- 1000 100`

use std::time::Instant;

use sim::api::{Deployment, Pod};
use sim::*;

fn main() {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let replicas = args.first().copied().unwrap_or(1000) as i32;
    let workers = args.get(1).copied().unwrap_or(100) as u32;
    let start = Instant::now();
    let mut c = Cluster::new(Config {
        workers,
        watch_history: 1_000_000,
        ..Config::default()
    });
    let booted = start.elapsed();
    let t = Instant::now();
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
        if running == replicas as usize || steps > 200 {
            break;
        }
    }
    let elapsed = t.elapsed();
    println!(
        "boot {workers} workers: {:.3}s; {replicas} replicas Running after {steps} steps of 5s: {:.3}s wall, {:.0} pods/s, {} writes",
        booted.as_secs_f64(),
        elapsed.as_secs_f64(),
        f64::from(replicas) / elapsed.as_secs_f64(),
        c.api().resource_version()
    );
}
