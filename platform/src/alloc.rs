//! The heap of musl builds: dlmalloc behind a spin lock.
//!
//! A static musl binary starts far sooner than a static glibc one (glibc
//! spends ~200 µs of a VM's time in CPUID at start-up, docs/architecture.md),
//! but musl's malloc trades speed for memory: `benches/cpu.sh` ran 27%
//! slower on it than on glibc's. dlmalloc (the allocator Rust itself uses
//! on wasm) is as quick as glibc's for a shell's many small allocations
//! and costs nothing at start-up. Its own global wrapper locks a pthread
//! mutex per call, which on musl is a function call each way (22% of
//! cpu.sh); rush's processes are single-threaded, so an uncontended
//! atomic flag does.

use std::alloc::{GlobalAlloc, Layout};
use std::cell::UnsafeCell;
use std::sync::atomic::{AtomicBool, Ordering};

/// `#[global_allocator] static A: platform::alloc::Heap = Heap::new();`
pub struct Heap {
    locked: AtomicBool,
    heap: UnsafeCell<dlmalloc::Dlmalloc>,
}

// SAFETY: every access to `heap` happens with `locked` held (`with`).
unsafe impl Sync for Heap {}

impl Heap {
    pub const fn new() -> Heap {
        Heap {
            locked: AtomicBool::new(false),
            heap: UnsafeCell::new(dlmalloc::Dlmalloc::new()),
        }
    }

    fn with<R>(&self, f: impl FnOnce(&mut dlmalloc::Dlmalloc) -> R) -> R {
        while self
            .locked
            .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            std::hint::spin_loop();
        }
        // SAFETY: the flag gives this call the only reference to the heap
        // until it is released below (the closures never allocate).
        let r = f(unsafe { &mut *self.heap.get() });
        self.locked.store(false, Ordering::Release);
        r
    }
}

impl Default for Heap {
    fn default() -> Heap {
        Heap::new()
    }
}

// SAFETY: dlmalloc returns blocks of at least the requested size and
// alignment, or null; `dealloc` and `realloc` receive only its own blocks
// with the layout they were allocated with, as GlobalAlloc promises.
unsafe impl GlobalAlloc for Heap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: see the impl.
        self.with(|h| unsafe { h.malloc(layout.size(), layout.align()) })
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: see the impl.
        self.with(|h| unsafe { h.calloc(layout.size(), layout.align()) })
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: see the impl.
        self.with(|h| unsafe { h.free(ptr, layout.size(), layout.align()) })
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: see the impl.
        self.with(|h| unsafe { h.realloc(ptr, layout.size(), layout.align(), new_size) })
    }
}
