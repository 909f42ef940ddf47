//! One name for "this target has kqueue", so the many places that choose a
//! backend say `#[cfg(rush_kqueue)]` instead of repeating the list of BSDs;
//! and one for "this target has the POSIX.1-2024 additions rush uses"
//! (`ppoll`, `MSG_CMSG_CLOEXEC`): every Unix it runs on but Apple's.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(rush_kqueue)");
    println!("cargo::rustc-check-cfg=cfg(rush_posix2024)");
    let posix2024 = [
        "linux",
        "android",
        "freebsd",
        "dragonfly",
        "netbsd",
        "openbsd",
    ];
    if posix2024.contains(
        &std::env::var("CARGO_CFG_TARGET_OS")
            .unwrap_or_default()
            .as_str(),
    ) {
        println!("cargo::rustc-cfg=rush_posix2024");
    }
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if matches!(
        os.as_str(),
        "macos" | "ios" | "freebsd" | "netbsd" | "openbsd" | "dragonfly"
    ) {
        println!("cargo::rustc-cfg=rush_kqueue");
    }
}
