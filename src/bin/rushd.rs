//! The `rushd` executable: the daemon that keeps warm `rush` workers.

fn main() {
    use std::os::unix::ffi::OsStringExt;
    let args: Vec<Vec<u8>> = std::env::args_os().map(|a| a.into_vec()).collect();
    std::process::exit(rush::daemon::cli::main(&args));
}
