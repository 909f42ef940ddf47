//! The process entry point for rush's binaries.
//!
//! Rust's own `main` sets SIGPIPE to "ignore" before user code runs, which
//! would erase what a shell must know: whether SIGPIPE was ignored when it
//! started (POSIX says an ignored-on-entry signal stays ignored, and a
//! pipeline like `yes | head -1` relies on `yes` dying of SIGPIPE). The
//! binaries therefore use `#![no_main]` and this macro defines the C
//! `main` symbol directly. The arguments are kept from `main`'s own
//! parameters ([`args`]): only glibc also hands them to std's initialiser
//! (`std::env::args` is empty under musl in a `#![no_main]` binary).

use std::ffi::CStr;
use std::sync::atomic::{AtomicIsize, AtomicPtr, Ordering};

static ARGC: AtomicIsize = AtomicIsize::new(0);
static ARGV: AtomicPtr<*const u8> = AtomicPtr::new(std::ptr::null_mut());

/// Called by [`entry!`] with `main`'s parameters.
#[doc(hidden)]
pub fn set_args(argc: i32, argv: *const *const u8) {
    ARGC.store(argc as isize, Ordering::Relaxed);
    ARGV.store(argv.cast_mut(), Ordering::Relaxed);
}

/// The process's arguments, as `main` received them.
pub fn args() -> Vec<Vec<u8>> {
    let argc = ARGC.load(Ordering::Relaxed).max(0) as usize;
    let argv = ARGV.load(Ordering::Relaxed);
    if argv.is_null() {
        return Vec::new();
    }
    (0..argc)
        .map_while(|i| {
            // SAFETY: the C runtime's `argv` holds `argc` entries (and a
            // NULL after them) and lives as long as the process.
            let slot = unsafe { argv.add(i) };
            // SAFETY: as above; each entry is NULL or a NUL-terminated string.
            let p = unsafe { *slot };
            // SAFETY: as above.
            (!p.is_null()).then(|| unsafe { CStr::from_ptr(p.cast()) }.to_bytes().to_vec())
        })
        .collect()
}

/// Define the C `main` of a `#![no_main]` binary that calls `$body`, a
/// function `fn() -> i32` whose result is the exit status. The process
/// then ends with `_exit`, as a subshell does: the C library's `exit`
/// would only run its own clean-up (C stdio, which nothing here uses, and
/// the `.fini` code, a page of text touched for nothing at every exit).
#[macro_export]
macro_rules! entry {
    ($body:path) => {
        // SAFETY: this is the only `main` symbol in the binary (the crate is
        // `#![no_main]`), with the C signature the C runtime calls.
        #[unsafe(no_mangle)]
        pub extern "C" fn main(argc: i32, argv: *const *const u8) -> i32 {
            $crate::entry::set_args(argc, argv);
            $crate::process::exit_now($body())
        }
    };
}
