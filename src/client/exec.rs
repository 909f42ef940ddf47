//! Running the utility a worker hands back (`Message::Exec`) in the
//! client's own process.
//!
//! A shell run directly replaces itself with the last utility of its
//! command string. A worker cannot, so it runs the job up to that utility
//! and sends it here with the descriptors it inherits, its directory,
//! umask, environment and ignored signals; the client puts its process
//! in that state and execs it. The utility then has the pid, parent,
//! process group, session and resource accounting it would have had
//! directly, and no worker waits for it.

use crate::proto::ExecRequest;
use crate::shell::exec::simple::exec_error;
use crate::shell::exec::subshell::script_in_fresh_shell;
use platform::fd;
use platform::process;
use platform::signal::{self, Disposition};
use std::os::fd::{AsRawFd, OwnedFd, RawFd};

/// What the client was when it sent the job.
pub(super) struct Sent<'a> {
    /// Its own descriptors, which it passed: those the utility does not
    /// inherit are closed.
    pub fds: &'a [RawFd],
    /// The signals it had ignored.
    pub ignored: u64,
    /// Its umask.
    pub umask: u32,
    /// Its signal mask.
    pub blocked: u64,
}

/// Become the utility `req` names: install `received` (the descriptors of
/// `req.fds`, then the directory), set the rest of its state and exec it.
/// Should that fail, end as the direct shell would: for a command, a file
/// in no executable format runs as a script; anything else is reported
/// with the job's prefix (status 127 for a missing file, 126 otherwise).
///
/// The caller's connection and signal descriptors are left open, unowned:
/// they are close-on-exec, and one of the numbers installed here may be
/// theirs.
pub(super) fn become_utility(
    req: ExecRequest,
    received: Vec<OwnedFd>,
    sent: &Sent<'_>,
    forwarded: u64,
) -> ! {
    if received.len() != req.nfds() {
        fail(&req, "the job's descriptors did not arrive", 126);
    }
    let with_dir = req.flags & crate::proto::EXEC_CWD != 0;
    if let Err(e) = install(&req.fds, received, with_dir, sent.fds) {
        fail(
            &req,
            &format!("cannot take the job's descriptors: {e}"),
            126,
        );
    }
    if req.umask != sent.umask {
        process::set_umask(req.umask);
    }
    set_signals(req.ignored, sent);
    // What was sent to the shell while the mask held it back waits for
    // the utility, as across a direct shell's exec (these stay blocked).
    send_self(req.pending & sent.blocked & !req.ignored);
    // What the client passed on that the job's shell never received (it
    // reached the daemon after the job had ended in this utility) would
    // directly have reached the shell or the utility, one process: at its
    // default, the signals a worker emulates end this one now.
    let emulated = crate::shell::env::traps::WORKER_EMULATED
        .iter()
        .fold(0, |m, &s| m | signal::bit(s));
    send_self(forwarded & !req.seen & !req.ignored & !sent.blocked & emulated);
    let mut path = req.path.clone();
    path.push(0);
    let mut argv = req.argv.clone();
    for s in argv.iter_mut() {
        s.push(0);
    }
    let env: Vec<&[u8]> = req.env.with_nuls().collect();
    let err = platform::spawn::exec(&path, &argv, &env);
    // What the exec would have closed goes now: the connection, the signal
    // descriptor, copies of the job's. A shell that runs the file as a
    // script, and the message that it cannot run, find the descriptors a
    // direct shell's would (the connection is at 0 or 2 when the caller
    // had closed them: a script's `read` would read it).
    close_cloexec();
    let command = req.flags & crate::proto::EXEC_AS_COMMAND != 0;
    if command && crate::shell::exec::subshell::runs_as_script(&err, &req.path) {
        // In this process, as the direct shell runs its last command's
        // script in its own (`exec` would have replaced it).
        let status = script_in_fresh_shell(
            sent.ignored,
            process::getpid(),
            process::getppid(),
            &req.path,
            req.env.iter(),
            &req.argv,
        );
        process::exit_now(status)
    }
    let (message, status) = exec_error(&req.argv[0], &err, command);
    fail(&req, &message, status)
}

/// Put `received` (then the directory, `with_dir`) at `targets`, not
/// close-on-exec, and close what of `own` is not among them; change to
/// the directory. What is left open is close-on-exec: the exec closes it.
fn install(
    targets: &[RawFd],
    mut received: Vec<OwnedFd>,
    with_dir: bool,
    own: &[RawFd],
) -> std::io::Result<()> {
    if with_dir {
        let Some(dir) = received.pop() else {
            return Err(std::io::Error::from_raw_os_error(platform::errno::EINVAL));
        };
        process::fchdir(dir.as_raw_fd())?;
    }
    // Usually no received descriptor sits on a number to fill (they come
    // at the lowest free numbers, above the client's own): each goes to
    // its place at once. Else all are lifted above every number in play
    // first, so that placing one cannot close another not yet placed.
    let clear = !received.iter().any(|f| targets.contains(&f.as_raw_fd()));
    let lifted: Vec<OwnedFd> = if clear {
        received
    } else {
        let floor = targets
            .iter()
            .chain(own)
            .copied()
            .chain(received.iter().map(AsRawFd::as_raw_fd))
            .max()
            .unwrap_or(0)
            + 1;
        let lifted = received
            .iter()
            .map(|f| fd::dup_above_owned(f.as_raw_fd(), floor))
            .collect::<std::io::Result<_>>()?;
        // Closed now, not after their numbers have been filled.
        drop(received);
        lifted
    };
    for (from, &to) in lifted.iter().zip(targets) {
        fd::dup2(from.as_raw_fd(), to)?;
    }
    for &n in own {
        if !targets.contains(&n) {
            let _ = fd::close(n);
        }
    }
    std::mem::forget(lifted);
    Ok(())
}

/// Ignore what the job ignored, every other signal at its default, and
/// the mask the client came with.
fn set_signals(ignored: u64, sent: &Sent<'_>) {
    // Off Linux the client caught the forwarded signals and wrote them
    // to a pipe (`Forwarding::Pipe`).
    signal::set_wakeup_fd(None);
    for sig in 1..signal::NSIG {
        if sig == signal::SIGKILL || sig == signal::SIGSTOP {
            continue;
        }
        let bit = signal::bit(sig);
        let caught = signal::caught_set() & bit != 0;
        if ignored & bit != 0 && sent.ignored & bit == 0 {
            let _ = signal::set_disposition(sig, Disposition::Ignore);
        } else if ignored & bit == 0 && (caught || sent.ignored & bit != 0) {
            let _ = signal::set_disposition(sig, Disposition::Default);
        }
    }
    let _ = signal::set_blocked(sent.blocked);
}

/// Send this process each signal of `set`.
fn send_self(set: u64) {
    if set == 0 {
        return;
    }
    let me = process::getpid();
    for sig in (1..signal::NSIG).filter(|&s| set & signal::bit(s) != 0) {
        let _ = process::kill(me, sig);
    }
}

/// Close every descriptor of this process that is close-on-exec: after
/// [`install`], none of them is the job's.
fn close_cloexec() {
    let mut open = [0 as RawFd; fd::SCAN_LIMIT];
    let n = fd::open_fds(&mut open);
    for &f in &open[..n] {
        if fd::is_cloexec(f) {
            let _ = fd::close(f);
        }
    }
}

/// Say why the utility could not run, as the job's shell would, and end
/// with `status`.
fn fail(req: &ExecRequest, message: &str, status: i32) -> ! {
    let mut line = req.prefix.clone();
    line.extend_from_slice(b": ");
    line.extend_from_slice(message.as_bytes());
    line.push(b'\n');
    let _ = fd::write_all(2, &line);
    process::exit_now(status)
}
