//! The process entry point for rush's binaries.
//!
//! Rust's own `main` sets SIGPIPE to "ignore" before user code runs, which
//! would erase what a shell must know: whether SIGPIPE was ignored when it
//! started (POSIX says an ignored-on-entry signal stays ignored, and a
//! pipeline like `yes | head -1` relies on `yes` dying of SIGPIPE). The
//! binaries therefore use `#![no_main]` and this macro defines the C
//! `main` symbol directly; std still works, as glibc hands argv and environ
//! to std's initialiser before `main` runs.

/// Define the C `main` of a `#![no_main]` binary that calls `$body`, a
/// function `fn() -> i32` whose result is the exit status.
#[macro_export]
macro_rules! entry {
    ($body:path) => {
        // SAFETY: this is the only `main` symbol in the binary (the crate is
        // `#![no_main]`), with the C signature the C runtime calls.
        #[unsafe(no_mangle)]
        pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
            $body()
        }
    };
}
