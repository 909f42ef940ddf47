//! The `rushd` executable: the daemon that keeps warm `rush` workers.

fn main() {
    use std::os::unix::ffi::OsStringExt;
    let args: Vec<Vec<u8>> = std::env::args_os().map(|a| a.into_vec()).collect();
    std::process::exit(rush::daemon::cli::main(&args));
}

/// musl's malloc is slow for a shell (platform/src/alloc.rs); lazy, as
/// every page a worker holds is copied at each fork (`Heap::lazy`).
#[cfg(target_env = "musl")]
#[global_allocator]
static HEAP: platform::alloc::Heap = platform::alloc::Heap::lazy();
