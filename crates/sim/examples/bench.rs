//! Scheduling benchmark: a Deployment of N replicas on W workers, run until every pod is Running.
//!
//! `cargo run --profile perf -p timonel-sim --example bench -- REPLICAS WORKERS [WATCH_HISTORY]`
//!
//! Prints wall time, pods per second and heap bytes per pod (live heap growth from the booted
//! cluster to the settled one, over the replicas; measured by a counting global allocator). The
//! same scenario runs compiled to wasm32 under node: see `crates/sim/bench-wasm/run.sh`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::Instant;

/// The system allocator, counting live and peak heap bytes.
struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);
static ALLOCS: AtomicIsize = AtomicIsize::new(0);

fn track(delta: isize) {
    let live = LIVE.fetch_add(delta, Ordering::Relaxed) + delta;
    if delta > 0 {
        PEAK.fetch_max(live, Ordering::Relaxed);
    }
}

// SAFETY: every call forwards to `System` with the caller's layout; the counters do not touch
// the memory.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            track(layout.size() as isize);
            ALLOCS.fetch_add(1, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged.
        unsafe { System.dealloc(ptr, layout) };
        track(-(layout.size() as isize));
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded unchanged.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            track(new_size as isize - layout.size() as isize);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn main() {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let replicas = args.first().copied().unwrap_or(1000) as i32;
    let workers = args.get(1).copied().unwrap_or(100) as u32;
    // Optional third argument: watch events kept beyond what every control loop has read
    // (default: the page's, `Config::default().watch_history`).
    let history = args
        .get(2)
        .map_or(sim::Config::default().watch_history, |&h| h as usize);
    let start = Instant::now();
    let mut c = bench_scenario::boot_with_history(workers, history);
    let booted = start.elapsed();
    let heap_booted = LIVE.load(Ordering::Relaxed);
    PEAK.store(heap_booted, Ordering::Relaxed);
    let allocs_booted = ALLOCS.load(Ordering::Relaxed);
    let t = Instant::now();
    let steps = bench_scenario::run(&mut c, replicas);
    let elapsed = t.elapsed();
    let heap = LIVE.load(Ordering::Relaxed) - heap_booted;
    let peak = PEAK.load(Ordering::Relaxed) - heap_booted;
    let per_pod = heap as f64 / f64::from(replicas.max(1));
    let allocs =
        (ALLOCS.load(Ordering::Relaxed) - allocs_booted) as f64 / f64::from(replicas.max(1));
    let log_per_pod = (c.api().log().len() as f64) / f64::from(replicas.max(1));
    println!(
        "boot {workers} workers: {:.3}s; {replicas} replicas Running after {steps} steps of 5s: \
         {:.3}s wall, {:.0} pods/s, {} writes; heap {:.0} bytes/pod ({:.1} watch events/pod kept), \
         peak {:.0} bytes/pod; {:.0} allocations/pod",
        booted.as_secs_f64(),
        elapsed.as_secs_f64(),
        f64::from(replicas) / elapsed.as_secs_f64(),
        c.api().resource_version(),
        per_pod,
        log_per_pod,
        peak as f64 / f64::from(replicas.max(1)),
        allocs,
    );
    // With BENCH_HASH set: a hash of every pod's node and of the remembered scheduling attempts,
    // to check that a faster scheduler still decides the same.
    if std::env::var_os("BENCH_HASH").is_some() {
        let placement: Vec<(&str, &str, &str)> = c
            .api()
            .iter_as::<sim::api::Pod>(None)
            .map(|p| {
                (
                    p.metadata.namespace.as_str(),
                    p.metadata.name.as_str(),
                    p.node_name().unwrap_or(""),
                )
            })
            .collect();
        let attempts: Vec<_> = c.scheduler().attempts().collect();
        let mut bytes = serde_json::to_vec(&placement).unwrap_or_default();
        bytes.extend(serde_json::to_vec(&attempts).unwrap_or_default());
        println!("hash {:016x}", bench_scenario::fnv1a64(&bytes));
    }
    // With BENCH_BREAKDOWN set: the heap each kind's objects own (a deep copy of each, counted),
    // per pod, to see where the memory goes.
    if std::env::var_os("BENCH_BREAKDOWN").is_some() {
        let mut owned = 0isize;
        for &kind in sim::Kind::ALL {
            let before = LIVE.load(Ordering::Relaxed);
            let copies: Vec<sim::api::Object> = c.api().iter(kind, None).cloned().collect();
            let bytes = LIVE.load(Ordering::Relaxed) - before;
            if copies.len() > 10 {
                println!(
                    "  {:<22} {:>7} objects, {:>6.0} bytes each, {:>6.0} bytes/pod",
                    kind.info().kind,
                    copies.len(),
                    bytes as f64 / copies.len() as f64,
                    bytes as f64 / f64::from(replicas.max(1)),
                );
            }
            owned += bytes;
            drop(copies);
        }
        println!(
            "  objects in all: {:.0} bytes/pod; the rest (store, indexes, components): {:.0}",
            owned as f64 / f64::from(replicas.max(1)),
            (heap - owned) as f64 / f64::from(replicas.max(1)),
        );
    }
    // Tearing down a large cluster is not part of the measurement.
    std::mem::forget(c);
}

#[path = "../bench-wasm/src/scenario.rs"]
#[allow(dead_code)]
mod bench_scenario;
