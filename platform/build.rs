//! One name for "this target has kqueue", so the many places that choose a
//! backend say `#[cfg(rush_kqueue)]` instead of repeating the list of BSDs.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(rush_kqueue)");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if matches!(
        os.as_str(),
        "macos" | "ios" | "freebsd" | "netbsd" | "openbsd" | "dragonfly"
    ) {
        println!("cargo::rustc-cfg=rush_kqueue");
    }
}
