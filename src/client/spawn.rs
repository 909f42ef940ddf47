//! `RUSH_DAEMON=spawn`: when no daemon listens, start `rushd on-demand` in
//! the background and let the job run directly, without waiting for it.
//!
//! The daemon is detached the classic way (fork, `setsid`, fork, so it is
//! in a session of its own and can never acquire a controlling terminal)
//! and keeps nothing of the client: every descriptor above 2 is closed
//! (a pipe the client holds must still see end-of-file when the client
//! exits), 0–2 become `/dev/null`, the directory becomes `/`, and signal
//! dispositions and mask return to their defaults. The client waits only
//! for the intermediate child, which exits as soon as it has forked.
//!
//! Clients that race start one daemon each; the daemons settle who serves
//! under the socket's lock and the others exit (`rushd on-demand`).

use platform::errno::{ECONNREFUSED, ENOENT};
use platform::process::{self, Fork};
use platform::{fd, signal};

/// Variables that tell a process what its service manager gave it: never
/// passed on to a daemon this client starts (the client's own manager,
/// if any, did not start that daemon).
const MANAGER_VARS: [&[u8]; 4] = [
    b"NOTIFY_SOCKET=",
    b"LISTEN_PID=",
    b"LISTEN_FDS=",
    b"LISTEN_FDNAMES=",
];

/// Start a daemon on `socket` unless something listens there now: a daemon
/// that was busy or refused the job is running, and a socket that belongs
/// to another user is not ours to replace. `env` is the client's
/// environment, which the daemon inherits (it reads its settings from it).
/// Failures are silent: the job runs directly either way.
pub fn spawn_daemon(socket: &[u8], env: &[&[u8]]) {
    match platform::unix::connect(socket) {
        Err(e) if matches!(e.raw_os_error(), Some(ENOENT | ECONNREFUSED)) => {}
        _ => return,
    }
    let Some(program) = rushd_path(env) else {
        return;
    };
    let argv = [
        nul(&program),
        nul(b"on-demand"),
        nul(b"--socket"),
        nul(socket),
    ];
    let envp: Vec<Vec<u8>> = env
        .iter()
        .filter(|kv| !MANAGER_VARS.iter().any(|p| kv.starts_with(p)))
        .map(|kv| nul(kv))
        .collect();
    match process::fork() {
        Ok(Fork::Child) => {
            let _ = process::setsid();
            match process::fork() {
                Ok(Fork::Child) => exec_daemon(&argv, &envp),
                _ => process::exit_now(0),
            }
        }
        Ok(Fork::Parent(pid)) => {
            let _ = process::wait_pid_blocking(pid);
        }
        Err(_) => {}
    }
}

/// In the detached grandchild: shed the client's state, become `rushd`.
fn exec_daemon(argv: &[Vec<u8>], envp: &[Vec<u8>]) -> ! {
    fd::close_range(3, i32::MAX);
    if let Ok(null) = fd::open(b"/dev/null", fd::flags::RDWR, 0) {
        for n in 0..3 {
            let _ = fd::dup2(null, n);
        }
        if null > 2 {
            let _ = fd::close(null);
        }
    }
    let _ = process::chdir(b"/");
    // Ignored dispositions survive exec; a daemon that inherited an ignored
    // SIGTERM could not be stopped gracefully.
    for sig in 1..signal::NSIG {
        if sig != signal::SIGKILL && sig != signal::SIGSTOP {
            let _ = signal::set_disposition(sig, signal::Disposition::Default);
        }
    }
    let _ = signal::set_blocked(0);
    let _ = platform::spawn::exec(&argv[0], argv, envp);
    process::exit_now(127)
}

/// `rushd` next to this `rush` (as `cargo install` and a build directory
/// lay them out), else the first `rushd` on `PATH`.
fn rushd_path(env: &[&[u8]]) -> Option<Vec<u8>> {
    use std::os::unix::ffi::OsStrExt;
    let executable = |p: &[u8]| platform::fs::access(p, platform::fs::X_OK);
    if let Ok(exe) = std::env::current_exe() {
        let sibling = exe.with_file_name("rushd");
        let sibling = sibling.as_os_str().as_bytes();
        if executable(sibling) {
            return Some(sibling.to_vec());
        }
    }
    let path = env.iter().find_map(|kv| kv.strip_prefix(b"PATH="))?;
    path.split(|&b| b == b':')
        .filter(|dir| !dir.is_empty())
        .map(|dir| [dir, b"/rushd"].concat())
        .find(|p| executable(p))
}

/// `s` with a NUL terminator, for exec.
fn nul(s: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(s.len() + 1);
    v.extend_from_slice(s);
    v.push(0);
    v
}
