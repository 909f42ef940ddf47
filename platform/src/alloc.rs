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
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// `#[global_allocator] static A: platform::alloc::Heap = Heap::new();`
pub struct Heap {
    locked: AtomicBool,
    heap: UnsafeCell<dlmalloc::Dlmalloc<Pages>>,
}

/// Where dlmalloc gets its memory: anonymous mappings, as its own
/// `System` does, except that every mapping after the first is filled in
/// at once (`MAP_POPULATE`).
///
/// The first mapping (64 KiB) is all a `rush -c` start or a client needs,
/// and it touches only a few of its pages. A process that asks for more
/// is building something that will use it (a sourced library's functions,
/// a large script's tree), and one `mmap` that fills 16 pages costs less
/// than the 16 page faults that would fill them one by one: a fault is an
/// exception and a memory-cgroup charge each, and a VM pays more for
/// each exception.
///
/// Not for a mapping larger than [`POPULATE_MAX`]: that is one large
/// block (a file read whole, a vector that doubled), which may never be
/// touched to its end. Nor in the daemon ([`Heap::lazy`]).
pub struct Pages {
    mapped: AtomicUsize,
    populate: bool,
}

/// The largest mapping [`Pages`] fills in at once.
const POPULATE_MAX: usize = 1 << 20;

// SAFETY: `alloc` returns fresh zeroed mappings of the size it reports (or
// null), and the rest release or resize only mappings it made, as
// dlmalloc's own `System` does.
unsafe impl dlmalloc::Allocator for Pages {
    fn alloc(&self, size: usize) -> (*mut u8, usize, u32) {
        let populate = match self.mapped.fetch_add(1, Ordering::Relaxed) {
            _ if !self.populate => 0,
            0 => 0,
            _ if size > POPULATE_MAX => 0,
            _ => libc::MAP_POPULATE,
        };
        // SAFETY: a fresh anonymous mapping; nothing else is touched.
        let addr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                size,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_ANON | libc::MAP_PRIVATE | populate,
                -1,
                0,
            )
        };
        if addr == libc::MAP_FAILED {
            (std::ptr::null_mut(), 0, 0)
        } else {
            (addr.cast(), size, 0)
        }
    }

    fn remap(&self, ptr: *mut u8, oldsize: usize, newsize: usize, can_move: bool) -> *mut u8 {
        let flags = if can_move { libc::MREMAP_MAYMOVE } else { 0 };
        // SAFETY: `ptr` and `oldsize` are a mapping this allocator made.
        let ptr = unsafe { libc::mremap(ptr.cast(), oldsize, newsize, flags) };
        if ptr == libc::MAP_FAILED {
            std::ptr::null_mut()
        } else {
            ptr.cast()
        }
    }

    fn free_part(&self, ptr: *mut u8, oldsize: usize, newsize: usize) -> bool {
        // SAFETY: `ptr` and `oldsize` are a mapping this allocator made;
        // only its tail past `newsize` goes.
        if unsafe { libc::mremap(ptr.cast(), oldsize, newsize, 0) } != libc::MAP_FAILED {
            return true;
        }
        let tail = ptr.wrapping_add(newsize);
        // SAFETY: as above.
        unsafe { libc::munmap(tail.cast(), oldsize - newsize) == 0 }
    }

    fn free(&self, ptr: *mut u8, size: usize) -> bool {
        // SAFETY: `ptr` and `size` are a mapping this allocator made.
        unsafe { libc::munmap(ptr.cast(), size) == 0 }
    }

    fn can_release_part(&self, _flags: u32) -> bool {
        true
    }

    fn allocates_zeros(&self) -> bool {
        true
    }

    fn page_size(&self) -> usize {
        4096
    }
}

// SAFETY: every access to `heap` happens with `locked` held (`with`).
unsafe impl Sync for Heap {}

impl Heap {
    pub const fn new() -> Heap {
        Heap::with_pages(true)
    }

    /// A heap whose mappings are all left lazy, for the daemon. Its
    /// workers fork a copy of themselves for every subshell and command
    /// substitution of a job, and a fork copies the page-table entry of
    /// every resident page of the heap (and the exit tears them down):
    /// pages filled in ahead of use are paid for at each fork, not once.
    /// A fresh worker holds 112 KiB of anonymous memory this way against
    /// 348 KiB with the pages filled in, and `x=$(echo hi)` in it takes
    /// 113 µs against 125 µs (110 µs in a `rush` of its own).
    pub const fn lazy() -> Heap {
        Heap::with_pages(false)
    }

    const fn with_pages(populate: bool) -> Heap {
        Heap {
            locked: AtomicBool::new(false),
            heap: UnsafeCell::new(dlmalloc::Dlmalloc::new_with_allocator(Pages {
                mapped: AtomicUsize::new(0),
                populate,
            })),
        }
    }

    fn with<R>(&self, f: impl FnOnce(&mut dlmalloc::Dlmalloc<Pages>) -> R) -> R {
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

#[cfg(test)]
mod tests {
    use super::*;
    use dlmalloc::Allocator;

    /// How many of the `len` bytes' pages at `at` are in memory.
    fn resident(at: *mut u8, len: usize) -> usize {
        let mut pages = vec![0u8; len.div_ceil(4096)];
        // SAFETY: `at` is a page-aligned mapping of `len` bytes, and
        // `pages` has a byte for each of its pages.
        let r = unsafe { libc::mincore(at.cast(), len, pages.as_mut_ptr()) };
        assert_eq!(r, 0);
        pages.iter().filter(|&&p| p & 1 == 1).count()
    }

    #[test]
    fn mappings_after_the_first_come_filled_in() {
        let pages = Pages {
            mapped: AtomicUsize::new(0),
            populate: true,
        };
        let size = 64 << 10;
        let (first, n, _) = pages.alloc(size);
        assert!(!first.is_null() && n == size);
        assert_eq!(resident(first, size), 0, "the first mapping is left lazy");
        let (second, _, _) = pages.alloc(size);
        assert_eq!(resident(second, size), size / 4096);
        // SAFETY: the mapping is `size` bytes, readable and writable.
        let bytes = unsafe { std::slice::from_raw_parts_mut(second, size) };
        assert!(bytes.iter().all(|&b| b == 0));
        bytes.fill(7);
        let big = POPULATE_MAX * 2;
        let (large, _, _) = pages.alloc(big);
        assert_eq!(resident(large, big), 0, "a large block is left lazy");
        for (at, len) in [(first, size), (second, size), (large, big)] {
            assert!(pages.free(at, len));
        }
    }

    #[test]
    fn a_lazy_heap_fills_in_nothing_ahead() {
        let pages = Pages {
            mapped: AtomicUsize::new(0),
            populate: false,
        };
        let size = 64 << 10;
        let at: Vec<_> = (0..3).map(|_| pages.alloc(size).0).collect();
        for &a in &at {
            assert!(!a.is_null());
            assert_eq!(resident(a, size), 0);
            assert!(pages.free(a, size));
        }
    }
}
