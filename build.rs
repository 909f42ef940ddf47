//! Link `rush` and `rushd` with `src/bin/rush-hot.ld` on Linux: the
//! functions a short run executes go side by side at the start of the
//! text, so starting rush faults in three 64 KiB windows of code instead
//! of thirteen, and a forked copy of the shell (in `rush`, or in a worker
//! of `rushd`, which runs the same interpreter) fewer than it would
//! (docs/architecture.md, "Hot text"; `just hot-text` regenerates the list).
//! GNU ld and lld both take a script that only `INSERT`s a section into
//! their default layout.
//!
//! Each segment also starts on a 64 KiB boundary (`max-page-size`): the
//! kernel maps a file's pages around a fault in windows of 64 KiB aligned
//! to the address, so a segment that starts mid-window gets a short first
//! window and one fault more. One fault fewer per `rush -c` start (11 ->
//! 10 through the daemon); the file grows by the padding.

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=src/bin/rush-hot.ld");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if os == "linux" {
        let dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
        println!("cargo::rustc-link-arg-bin=rush=-Wl,-T,{dir}/src/bin/rush-hot.ld");
        println!("cargo::rustc-link-arg-bin=rushd=-Wl,-T,{dir}/src/bin/rush-hot.ld");
        for bin in ["rush", "rushd"] {
            println!("cargo::rustc-link-arg-bin={bin}=-Wl,-z,max-page-size=0x10000");
        }
    }
}
