//! Who may reach the daemon: its socket directory is private (0700, ours,
//! not a symlink, checked with lstat) or the daemon refuses to start, its
//! socket is 0600, and a peer of another uid is refused and logged even
//! when the file permissions would let it connect.

mod daemon_support;

use daemon_support::*;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// The uid the tests switch to when they run as root.
const OTHER_UID: u32 = 65534;

fn is_root() -> bool {
    platform::process::geteuid() == 0
}

/// `rushd --foreground --socket socket`, which must fail at once.
fn refused_start(socket: &Path, env: &[(&str, &Path)]) -> Out {
    let mut c = Command::new(RUSHD);
    c.arg("--foreground")
        .env("RUSH_BACKEND", "poll")
        .env_remove("RUSH_SOCKET")
        .env_remove("XDG_RUNTIME_DIR");
    if !socket.as_os_str().is_empty() {
        c.arg("--socket").arg(socket);
    }
    for (k, v) in env {
        c.env(k, v);
    }
    let o = run(&mut c, None, Duration::from_secs(10));
    assert_eq!(o.code(), Some(1), "{o:?}");
    o
}

fn chmod(p: &Path, mode: u32) {
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

#[test]
fn a_socket_directory_that_is_not_private_is_refused() {
    let top = TempDir::new("access");
    // Group and other bits.
    let open = top.path().join("open");
    std::fs::create_dir(&open).expect("mkdir");
    chmod(&open, 0o755);
    let o = refused_start(&open.join("s"), &[]);
    assert!(
        o.stderr_str().contains("mode 755; it must be 0700"),
        "{o:?}"
    );
    assert!(!open.join("s").exists());
    // `rushd start` reports the daemon's reason too.
    let o = run(
        Command::new(RUSHD)
            .arg("start")
            .arg("--socket")
            .arg(open.join("s"))
            .env("XDG_STATE_HOME", top.path().join("state")),
        None,
        Duration::from_secs(10),
    );
    assert_eq!(o.code(), Some(1), "{o:?}");
    assert!(
        o.stderr_str().contains("mode 755; it must be 0700"),
        "{o:?}"
    );
    // A symlink to a private directory: never followed.
    let private = top.path().join("private");
    std::fs::create_dir(&private).expect("mkdir");
    chmod(&private, 0o700);
    let link = top.path().join("link");
    std::os::unix::fs::symlink(&private, &link).expect("symlink");
    let o = refused_start(&link.join("s"), &[]);
    assert!(o.stderr_str().contains("symlink"), "{o:?}");
    assert!(!private.join("s").exists());
    // The default directory, `$TMPDIR/rush-$UID`, is checked the same way
    // when it exists, and created 0700 when it does not.
    let uid = platform::process::geteuid();
    let tmp = top.path().join("tmp");
    std::fs::create_dir(&tmp).expect("mkdir");
    std::os::unix::fs::symlink(&private, tmp.join(format!("rush-{uid}"))).expect("symlink");
    let o = refused_start(Path::new(""), &[("TMPDIR", &tmp)]);
    assert!(o.stderr_str().contains("symlink"), "{o:?}");
    // Another owner (root can make one).
    if is_root() {
        let theirs = top.path().join("theirs");
        std::fs::create_dir(&theirs).expect("mkdir");
        chmod(&theirs, 0o700);
        std::os::unix::fs::chown(&theirs, Some(OTHER_UID), None).expect("chown");
        let o = refused_start(&theirs.join("s"), &[]);
        assert!(
            o.stderr_str()
                .contains(&format!("owned by uid {OTHER_UID}, not by us")),
            "{o:?}"
        );
    }
}

#[test]
fn the_default_directory_is_made_private_and_the_socket_0600() {
    let top = TempDir::new("access-default");
    let uid = platform::process::geteuid();
    let mut c = Command::new(RUSHD);
    c.arg("start")
        .env("TMPDIR", top.path())
        .env("XDG_STATE_HOME", top.path().join("state"))
        .env("RUSH_BACKEND", "poll")
        .env("RUSH_POOL_SIZE", "1")
        .env_remove("RUSH_SOCKET")
        .env_remove("XDG_RUNTIME_DIR");
    let o = run(&mut c, None, Duration::from_secs(20));
    assert_eq!(o.code(), Some(0), "{o:?}");
    let dir = top.path().join(format!("rush-{uid}"));
    let socket = dir.join("rushd.sock");
    let d = std::fs::symlink_metadata(&dir).expect("socket dir");
    assert!(d.is_dir());
    assert_eq!(d.mode() & 0o777, 0o700);
    let s = std::fs::symlink_metadata(&socket).expect("socket");
    assert_eq!(s.mode() & 0o777, 0o600);
    assert_eq!(s.uid(), uid);
    let o = run(
        Command::new(RUSHD).arg("stop").arg("--socket").arg(&socket),
        None,
        Duration::from_secs(20),
    );
    assert_eq!(o.code(), Some(0), "{o:?}");
}

/// Copy the built `rush` and `rushd` where another user may execute them.
fn binaries_for_others(top: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let bin = top.join("bin");
    std::fs::create_dir(&bin).expect("mkdir");
    chmod(&bin, 0o755);
    let rush = bin.join("rush");
    let rushd = bin.join("rushd");
    std::fs::copy(RUSH, &rush).expect("copy rush");
    std::fs::copy(RUSHD, &rushd).expect("copy rushd");
    chmod(&rush, 0o755);
    chmod(&rushd, 0o755);
    (rush, rushd)
}

#[test]
fn another_user_is_refused_and_logged() {
    if !is_root() {
        eprintln!("skipped: switching to another uid needs root");
        return;
    }
    // Binaries another user can reach: a world-searchable directory that
    // is not inside any 0700 one.
    let shared = std::env::temp_dir().join(format!("rush-test-shared-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&shared);
    std::fs::create_dir(&shared).expect("mkdir");
    chmod(&shared, 0o755);
    struct Cleanup<'a>(&'a Path);
    impl Drop for Cleanup<'_> {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(self.0);
        }
    }
    let _cleanup = Cleanup(&shared);
    let (rush, rushd) = binaries_for_others(&shared);
    for &b in backends() {
        let d = Daemon::with_pool(b, 1);
        let as_other = |program: &Path| {
            let mut c = Command::new(program);
            c.uid(OTHER_UID)
                .gid(OTHER_UID)
                .current_dir("/")
                .env("RUSH_SOCKET", &d.socket)
                .env_remove("XDG_RUNTIME_DIR");
            c
        };
        // As the daemon made them, the directory and socket keep another
        // user out before the daemon is even asked.
        let o = run(
            as_other(&rushd)
                .arg("status")
                .arg("--socket")
                .arg(&d.socket),
            None,
            Duration::from_secs(10),
        );
        assert_eq!(o.code(), Some(3), "{b}: {o:?}");
        // Open them up: the uid check alone must still refuse.
        chmod(d.dir.path(), 0o711);
        chmod(&d.socket, 0o666);
        let o = run(
            as_other(&rushd)
                .arg("status")
                .arg("--socket")
                .arg(&d.socket),
            None,
            Duration::from_secs(10),
        );
        assert_eq!(o.code(), Some(1), "{b}: another user got a status: {o:?}");
        assert!(!o.stdout_str().contains("running"), "{b}: {o:?}");
        assert!(
            eventually(Duration::from_secs(5), || d
                .log()
                .contains(&format!("refused a connection from uid {OTHER_UID}"))),
            "{b}: not logged: {}",
            d.log()
        );
        // A `rush` of another user never hands its job to this daemon: it
        // runs the job itself, or fails under RUSH_DAEMON=require.
        let o = run(
            as_other(&rush).arg("-c").arg("id -u; echo direct"),
            None,
            Duration::from_secs(20),
        );
        assert_eq!(
            (o.code(), o.stdout_str()),
            (Some(0), format!("{OTHER_UID}\ndirect\n")),
            "{b}: {o:?}"
        );
        let o = run(
            as_other(&rush)
                .env("RUSH_DAEMON", "require")
                .arg("-c")
                .arg("echo never"),
            None,
            Duration::from_secs(20),
        );
        assert_eq!(o.code(), Some(125), "{b}: {o:?}");
        assert_eq!(json_number(&d.status(), "jobs_served"), Some(0), "{b}");
        // The owner is still served.
        let o = run(
            d.rush().arg("-c").arg("echo mine"),
            None,
            Duration::from_secs(20),
        );
        assert_eq!(o.stdout_str(), "mine\n", "{b}: {o:?}");
        chmod(d.dir.path(), 0o700);
        d.stop();
    }
}
