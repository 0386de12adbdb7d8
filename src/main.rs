//! The page's entry point: Trunk builds this binary and the page loads it.

/// Small blocks from size-class pools (`sim::pools`): a cluster is millions of small strings and
/// maps, and dlmalloc's bookkeeping was a fifth of a large cluster's time and its block headers
/// a good part of its memory. The page is single-threaded, as `Pools` requires.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: sim::pools::Pools<std::alloc::System> =
    sim::pools::Pools::new(std::alloc::System);

fn main() {
    timonel_web::start();
}
