//! Link `rush` and `rushd` with `src/bin/rush-hot.ld` on Linux: the
//! functions a short run executes go side by side at the start of the
//! text, so starting rush faults in three 64 KiB windows of code instead
//! of thirteen, and a forked copy of the shell (in `rush`, or in a worker
//! of `rushd`, which runs the same interpreter) fewer than it would
//! (docs/architecture.md, "Hot text"; `just hot-text` regenerates the list).
//! GNU ld and lld both take a script that only `INSERT`s a section into
//! their default layout.

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=src/bin/rush-hot.ld");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if os == "linux" {
        let dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
        println!("cargo::rustc-link-arg-bin=rush=-Wl,-T,{dir}/src/bin/rush-hot.ld");
        println!("cargo::rustc-link-arg-bin=rushd=-Wl,-T,{dir}/src/bin/rush-hot.ld");
    }
}
