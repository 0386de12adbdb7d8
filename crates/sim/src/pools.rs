//! [`Pools`]: a global allocator for the wasm32 builds that serves small blocks from free lists
//! of one size each, over another allocator for everything else.
//!
//! A simulated cluster is millions of small, short-lived strings, vectors and maps: in a
//! 10,000-pod run under wasm, dlmalloc's bookkeeping (bins, chunk headers, coalescing) was a
//! fifth of the time, and its 8-byte header on every block a good part of the memory. Blocks of
//! up to [`MAX_SMALL`] bytes come here from a list per size class, 8 bytes apart: taking one
//! is a pointer pop, freeing one a push, and a block has no header because Rust tells the
//! allocator the layout again when it frees. New blocks are cut from 64 KiB slabs of the inner
//! allocator; a freed small block is kept for its class and never returned.
//!
//! Single-threaded only: wasm32-unknown-unknown has no threads, which is what makes the `Sync`
//! implementation sound there. The page and the wasm benchmark install it; native builds keep
//! the system allocator (its tests use an instance behind a lock).

use std::alloc::{GlobalAlloc, Layout};
use std::cell::UnsafeCell;
use std::ptr;

/// Blocks of up to this many bytes (and alignment up to [`GRANULE`]) come from the pools.
pub const MAX_SMALL: usize = 256;
/// Size classes are this many bytes apart; also the largest alignment served.
const GRANULE: usize = 8;
const CLASSES: usize = MAX_SMALL / GRANULE;
/// Bytes taken from the inner allocator at a time to cut new blocks from.
const SLAB: usize = 64 * 1024;

struct State {
    /// The first free block of each class; each free block starts with the next one's address.
    free: [*mut u8; CLASSES],
    /// The unused rest of the current slab.
    next: *mut u8,
    left: usize,
}

pub struct Pools<A> {
    inner: A,
    state: UnsafeCell<State>,
}

// SAFETY: only sound where there is one thread (wasm32-unknown-unknown); see the module docs.
// Native code never installs `Pools` as its global allocator (the tests lock an instance).
unsafe impl<A: Sync> Sync for Pools<A> {}

impl<A> Pools<A> {
    pub const fn new(inner: A) -> Self {
        Pools {
            inner,
            state: UnsafeCell::new(State {
                free: [ptr::null_mut(); CLASSES],
                next: ptr::null_mut(),
                left: 0,
            }),
        }
    }
}

/// The class of a layout the pools serve, if any.
fn class_of(layout: Layout) -> Option<usize> {
    (layout.size() <= MAX_SMALL && layout.align() <= GRANULE)
        .then(|| layout.size().max(1).div_ceil(GRANULE) - 1)
}

fn class_size(class: usize) -> usize {
    (class + 1) * GRANULE
}

// SAFETY: small blocks are handed out once until freed (a free list holds only freed blocks, a
// slab is cut without overlap), are `class_size` bytes, at least the layout's size, and aligned
// to GRANULE (slabs are GRANULE-aligned and every class size is a multiple of it); everything
// else is the inner allocator's, with the caller's layout unchanged.
unsafe impl<A: GlobalAlloc> GlobalAlloc for Pools<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let Some(class) = class_of(layout) else {
            // SAFETY: forwarded unchanged.
            return unsafe { self.inner.alloc(layout) };
        };
        // SAFETY: single-threaded (module docs), and no reference to the state outlives this
        // call.
        let state = unsafe { &mut *self.state.get() };
        let head = state.free[class];
        if !head.is_null() {
            // SAFETY: a free block starts with the address of the next free block of its class.
            state.free[class] = unsafe { head.cast::<*mut u8>().read() };
            return head;
        }
        let size = class_size(class);
        if state.left < size {
            // The rest of the old slab (if any) is too small for this class: hand it out in
            // blocks of the largest classes it fits, so nothing is lost.
            while state.left >= GRANULE {
                let c = state.left.min(MAX_SMALL) / GRANULE - 1;
                let block = state.next;
                // SAFETY: `block` is free slab memory of at least `class_size(c)` bytes.
                unsafe {
                    block.cast::<*mut u8>().write(state.free[c]);
                    state.next = block.add(class_size(c));
                }
                state.free[c] = block;
                state.left -= class_size(c);
            }
            // SAFETY: a valid non-zero layout.
            let slab = unsafe {
                self.inner
                    .alloc(Layout::from_size_align_unchecked(SLAB, GRANULE))
            };
            if slab.is_null() {
                return slab;
            }
            state.next = slab;
            state.left = SLAB;
        }
        let block = state.next;
        // SAFETY: `size <= left`, so the block lies inside the slab.
        state.next = unsafe { block.add(size) };
        state.left -= size;
        block
    }

    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        let Some(class) = class_of(layout) else {
            // SAFETY: forwarded unchanged: it came from the inner allocator.
            return unsafe { self.inner.dealloc(block, layout) };
        };
        // SAFETY: single-threaded; the block is ours, free now, and large enough for a pointer.
        unsafe {
            let state = &mut *self.state.get();
            block.cast::<*mut u8>().write(state.free[class]);
            state.free[class] = block;
        }
    }

    unsafe fn realloc(&self, block: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller's layout with the new size is valid (GlobalAlloc's contract).
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        match (class_of(layout), class_of(new_layout)) {
            // SAFETY: both are the inner allocator's.
            (None, None) => unsafe { self.inner.realloc(block, layout, new_size) },
            // The same class: the block is already large enough.
            (Some(a), Some(b)) if a == b => block,
            _ => {
                // SAFETY: a fresh block, the old one's bytes copied, then the old one freed.
                unsafe {
                    let new = self.alloc(new_layout);
                    if !new.is_null() {
                        ptr::copy_nonoverlapping(block, new, layout.size().min(new_size));
                        self.dealloc(block, layout);
                    }
                    new
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::alloc::System;
    use std::sync::Mutex;

    /// One instance for the tests, used under a lock (as the single thread of wasm would).
    fn with_pools(f: impl FnOnce(&Pools<System>)) {
        static LOCK: Mutex<()> = Mutex::new(());
        let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
        let pools = Pools::new(System);
        f(&pools);
    }

    #[test]
    fn small_blocks_are_distinct_aligned_and_reused_after_a_free() {
        with_pools(|p| unsafe {
            let l = Layout::from_size_align(24, 8).unwrap();
            let a = p.alloc(l);
            let b = p.alloc(l);
            assert!(!a.is_null() && !b.is_null() && a != b);
            assert_eq!(a as usize % 8, 0);
            assert!((a as usize).abs_diff(b as usize) >= 24);
            ptr::write_bytes(a, 0xaa, 24);
            ptr::write_bytes(b, 0xbb, 24);
            assert_eq!(*a.add(23), 0xaa);
            p.dealloc(a, l);
            assert_eq!(
                p.alloc(l),
                a,
                "the freed block is the next one of its class"
            );
        });
    }

    #[test]
    fn large_or_over_aligned_blocks_go_to_the_inner_allocator_and_realloc_keeps_bytes() {
        with_pools(|p| unsafe {
            let big = Layout::from_size_align(4096, 8).unwrap();
            let x = p.alloc(big);
            ptr::write_bytes(x, 7, 4096);
            p.dealloc(x, big);
            let aligned = Layout::from_size_align(32, 64).unwrap();
            let y = p.alloc(aligned);
            assert_eq!(y as usize % 64, 0);
            p.dealloc(y, aligned);
            // Growing through every class and out to the inner allocator keeps the bytes.
            let mut l = Layout::from_size_align(1, 1).unwrap();
            let mut q = p.alloc(l);
            *q = 42;
            for size in [2, 9, 17, 64, 200, 256, 257, 1000, 100] {
                q = p.realloc(q, l, size);
                assert_eq!(*q, 42, "after growing to {size}");
                l = Layout::from_size_align(size, 1).unwrap();
            }
            p.dealloc(q, l);
        });
    }

    #[test]
    fn many_blocks_of_mixed_sizes_never_overlap() {
        with_pools(|p| unsafe {
            let mut live: Vec<(*mut u8, Layout, u8)> = Vec::new();
            for i in 0..20_000usize {
                let size = 1 + (i * 7919) % 300;
                let l = Layout::from_size_align(size, 8).unwrap();
                let b = p.alloc(l);
                let tag = (i % 251) as u8;
                ptr::write_bytes(b, tag, size);
                live.push((b, l, tag));
                if i % 3 == 0 {
                    let (b, l, tag) = live.swap_remove((i * 31) % live.len());
                    assert!(
                        (0..l.size()).all(|k| *b.add(k) == tag),
                        "block was overwritten"
                    );
                    p.dealloc(b, l);
                }
            }
            for (b, l, tag) in live {
                assert!(
                    (0..l.size()).all(|k| *b.add(k) == tag),
                    "block was overwritten"
                );
                p.dealloc(b, l);
            }
        });
    }
}
