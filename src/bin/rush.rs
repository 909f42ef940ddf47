//! The `rush` executable: try the daemon first, else interpret directly.

#![no_main]

use std::os::unix::ffi::OsStringExt;

fn rush_main() -> i32 {
    let argv: Vec<Vec<u8>> = platform::entry::args();
    // A running rushd serves the job and this process ends inside; else
    // (no daemon, busy, refused, RUSH_DAEMON=off, a terminal) run it here.
    let args: Vec<&[u8]> = argv.iter().map(Vec::as_slice).collect();
    let _ = rush::client::try_daemon(&args);
    drop(args);
    let environ: Vec<Vec<u8>> = std::env::vars_os()
        .map(|(k, v)| {
            let mut entry = k.into_vec();
            entry.push(b'=');
            entry.extend_from_slice(&v.into_vec());
            entry
        })
        .collect();
    rush::shell::cli::main(&argv, &environ)
}

platform::entry!(rush_main);

/// musl's malloc is slow for a shell (platform/src/alloc.rs).
#[cfg(target_env = "musl")]
#[global_allocator]
static HEAP: platform::alloc::Heap = platform::alloc::Heap::new();
