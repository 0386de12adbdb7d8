//! The benchmark and the cross-target determinism check compiled to wasm32, for node: built as a
//! `cdylib` and bound with `wasm-bindgen --target nodejs` by `crates/sim/bench-wasm/run.sh`, which
//! times the exported calls with `performance.now()` (`Instant::now()` panics on wasm32).
//! Natively this example is empty.

#[path = "../bench-wasm/src/scenario.rs"]
#[allow(dead_code)]
mod scenario;

/// The default wasm32 allocator (dlmalloc) grows the wasm memory a few 64 KiB pages at a time, and
/// every `memory.grow` is slow in V8: growing 450 MB that way takes most of a 10,000-pod run. This
/// wrapper makes growth geometric: whenever the memory has grown, it at once allocates and frees a
/// block as large as half the memory, so dlmalloc owns that much free space and the next growth
/// comes after many allocations. The simulation is unaffected (allocation never reaches its
/// results); a web app can use the same wrapper.
#[cfg(target_arch = "wasm32")]
mod geometric_growth {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

    pub struct GeometricGrowth;

    static PAGES_SEEN: AtomicUsize = AtomicUsize::new(0);
    static GROWING: AtomicBool = AtomicBool::new(false);
    const PAGE: usize = 65_536;

    fn after_alloc() {
        if !ENABLED.load(Ordering::Relaxed) {
            return;
        }
        let pages = core::arch::wasm32::memory_size(0);
        if pages <= PAGES_SEEN.load(Ordering::Relaxed) || GROWING.swap(true, Ordering::Relaxed) {
            return;
        }
        let extra = (pages * PAGE / 2).clamp(16 * PAGE, 256 * 1024 * 1024);
        if let Ok(layout) = Layout::from_size_align(extra, 16) {
            // SAFETY: a fresh allocation of a valid layout, freed with the same layout.
            unsafe {
                let p = System.alloc(layout);
                if !p.is_null() {
                    System.dealloc(p, layout);
                }
            }
        }
        PAGES_SEEN.store(core::arch::wasm32::memory_size(0), Ordering::Relaxed);
        GROWING.store(false, Ordering::Relaxed);
    }

    // SAFETY: every call forwards to `System` with the caller's layout.
    unsafe impl GlobalAlloc for GeometricGrowth {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            // SAFETY: forwarded unchanged.
            let p = unsafe { System.alloc(layout) };
            after_alloc();
            p
        }
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            // SAFETY: forwarded unchanged.
            unsafe { System.dealloc(ptr, layout) }
        }
        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            // SAFETY: forwarded unchanged.
            let p = unsafe { System.realloc(ptr, layout, new_size) };
            after_alloc();
            p
        }
    }

    /// On unless the page asked for the plain allocator (`set_geometric_growth(false)`).
    pub static ENABLED: AtomicBool = AtomicBool::new(true);
}

/// Counts the bytes the program holds (what it asked for), beside the allocator's own reserve:
/// the wasm memory also holds free pool slots and the free block geometric growth keeps ready,
/// so its size overstates the heap a cluster needs.
#[cfg(target_arch = "wasm32")]
mod live {
    use std::alloc::{GlobalAlloc, Layout};
    use std::sync::atomic::{AtomicIsize, Ordering};

    pub struct Counting<A>(pub A);

    pub static LIVE: AtomicIsize = AtomicIsize::new(0);

    // SAFETY: every call forwards to the inner allocator with the caller's layout.
    unsafe impl<A: GlobalAlloc> GlobalAlloc for Counting<A> {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            // SAFETY: forwarded unchanged.
            let p = unsafe { self.0.alloc(layout) };
            if !p.is_null() {
                LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
            }
            p
        }
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            // SAFETY: forwarded unchanged.
            unsafe { self.0.dealloc(ptr, layout) };
            LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        }
        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            // SAFETY: forwarded unchanged.
            let p = unsafe { self.0.realloc(ptr, layout, new_size) };
            if !p.is_null() {
                LIVE.fetch_add(
                    new_size as isize - layout.size() as isize,
                    Ordering::Relaxed,
                );
            }
            p
        }
    }
}

/// Small blocks from the size-class pools the page uses, the rest (and the pools' slabs) from
/// dlmalloc growing geometrically; counted.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: live::Counting<sim::pools::Pools<geometric_growth::GeometricGrowth>> =
    live::Counting(sim::pools::Pools::new(geometric_growth::GeometricGrowth));

#[cfg(target_arch = "wasm32")]
mod exports {
    use super::scenario;
    use std::cell::RefCell;
    use wasm_bindgen::prelude::wasm_bindgen;

    thread_local! {
        static CLUSTER: RefCell<Option<sim::Cluster>> = const { RefCell::new(None) };
    }

    /// Boots the benchmark cluster (kept for `run`).
    #[wasm_bindgen]
    pub fn boot(workers: u32) {
        let c = scenario::boot(workers);
        CLUSTER.with(|cell| *cell.borrow_mut() = Some(c));
    }

    /// Creates the Deployment and advances until all replicas run; returns the 5 s steps taken.
    #[wasm_bindgen]
    pub fn run(replicas: i32) -> u32 {
        CLUSTER.with(|cell| {
            let mut cell = cell.borrow_mut();
            cell.as_mut().map_or(0, |c| scenario::run(c, replicas))
        })
    }

    /// Writes (the resourceVersion) of the benchmark cluster.
    #[wasm_bindgen]
    pub fn writes() -> f64 {
        CLUSTER.with(|cell| {
            cell.borrow()
                .as_ref()
                .map_or(0.0, |c| c.api().resource_version() as f64)
        })
    }

    /// Bytes of wasm linear memory (it only grows: an upper bound of the heap used so far).
    #[wasm_bindgen]
    pub fn memory_bytes() -> f64 {
        (core::arch::wasm32::memory_size(0) * 65536) as f64
    }

    /// Bytes the program holds on the heap (requested sizes, without the allocator's reserve).
    #[wasm_bindgen]
    pub fn live_heap_bytes() -> f64 {
        super::live::LIVE.load(std::sync::atomic::Ordering::Relaxed) as f64
    }

    /// Grows the heap to `mib` MiB at once and frees it, so later allocations are carved from
    /// memory the allocator already owns instead of growing the wasm memory 64 KiB at a time.
    #[wasm_bindgen]
    pub fn reserve_heap(mib: u32) {
        drop(Vec::<u8>::with_capacity(mib as usize * 1024 * 1024));
    }

    /// Switches the geometric heap growth on or off (off: dlmalloc's own small steps).
    #[wasm_bindgen]
    pub fn set_geometric_growth(on: bool) {
        super::geometric_growth::ENABLED.store(on, std::sync::atomic::Ordering::Relaxed);
    }

    /// Drops the benchmark cluster.
    #[wasm_bindgen]
    pub fn reset() {
        CLUSTER.with(|cell| *cell.borrow_mut() = None);
    }

    /// The determinism scenario's hash (hex), as `tests/cross_target.rs` computes it natively.
    #[wasm_bindgen]
    pub fn determinism_hash() -> String {
        scenario::determinism_scenario().0
    }

    /// The hash both targets must produce.
    #[wasm_bindgen]
    pub fn expected_determinism_hash() -> String {
        scenario::EXPECTED_DETERMINISM_HASH.to_string()
    }
}
