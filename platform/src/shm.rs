//! Memory shared between a process and the children it forks afterwards:
//! an array of atomic words in an anonymous shared mapping, which `rushd`
//! and its workers use as a scoreboard (who is idle, who serves whom, how
//! many jobs) without a message or a system call per job.

use std::io;
use std::ptr::NonNull;
use std::sync::atomic::AtomicU64;

/// `len` zeroed atomic words, shared with every child forked after
/// [`SharedWords::new`]. Each process unmaps its own view when it drops
/// the value; the memory goes when the last view does.
pub struct SharedWords {
    ptr: NonNull<AtomicU64>,
    len: usize,
}

// SAFETY: the words are atomics, which any thread may access through a
// shared reference; the mapping lives as long as the value.
unsafe impl Send for SharedWords {}
// SAFETY: as above.
unsafe impl Sync for SharedWords {}

impl SharedWords {
    /// Map `len` words (at least one), all zero.
    pub fn new(len: usize) -> io::Result<SharedWords> {
        let len = len.max(1);
        let bytes = len
            .checked_mul(std::mem::size_of::<AtomicU64>())
            .ok_or_else(|| io::Error::from_raw_os_error(libc::EINVAL))?;
        // SAFETY: an anonymous mapping at an address of the kernel's
        // choosing touches no existing memory.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                bytes,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED | libc::MAP_ANON,
                -1,
                0,
            )
        };
        if p == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        let ptr = NonNull::new(p.cast::<AtomicU64>())
            .ok_or_else(|| io::Error::from_raw_os_error(libc::ENOMEM))?;
        Ok(SharedWords { ptr, len })
    }

    /// The words.
    pub fn words(&self) -> &[AtomicU64] {
        // SAFETY: the mapping holds `len` words, is page-aligned (so
        // aligned for AtomicU64), zero-initialised (a valid AtomicU64) and
        // lives until `self` drops; atomics may be shared.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }
}

impl Drop for SharedWords {
    fn drop(&mut self) {
        // SAFETY: `ptr` and the size are those mmap returned; nothing
        // borrows the words past `self`.
        unsafe {
            libc::munmap(
                self.ptr.as_ptr().cast(),
                self.len * std::mem::size_of::<AtomicU64>(),
            )
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::Ordering;

    #[test]
    fn a_forked_child_writes_what_the_parent_reads() {
        let shared = SharedWords::new(4).unwrap();
        assert!(
            shared
                .words()
                .iter()
                .all(|w| w.load(Ordering::Relaxed) == 0)
        );
        match crate::process::fork().unwrap() {
            crate::process::Fork::Child => {
                shared.words()[2].store(42, Ordering::SeqCst);
                crate::process::exit_now(0);
            }
            crate::process::Fork::Parent(pid) => {
                crate::process::wait_pid_blocking(pid).unwrap();
                assert_eq!(shared.words()[2].load(Ordering::SeqCst), 42);
            }
        }
    }
}
