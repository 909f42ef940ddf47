//! The client half of `rush`: decide whether a daemon serves, and hand it the job.
//!
//! [`try_daemon`] is the first thing `rush`'s `main` calls. When a daemon
//! runs the job, the process ends inside it with the job's exact status,
//! or becomes the job's last utility (`exec.rs`); otherwise it returns a
//! [`Fallback`] and `rush` runs the job itself. It does nothing a `-c` run
//! does not need before reaching the socket: one pass over the
//! environment, one `poll` to find the open descriptors, a few
//! `getrlimit`s and `sigaction` queries, a dozen reads of its context
//! (`Context::current`), connect, one `sendmsg`.
//!
//! `RUSH_DAEMON` chooses: `auto` (the default; use a daemon that answers,
//! else run directly), `off`, `require` (no daemon that serves the job is an
//! error: a message on stderr and exit status [`EXIT_DAEMON_FAILED`]),
//! `spawn` (as `auto`, and when no daemon listens, start one in the
//! background for the next clients: [`spawn`]).
//! Invocations that are not jobs for a daemon (`--help`, `--version`, `-i`,
//! or any of descriptors 0–2 being a terminal, where a program may need a
//! controlling terminal the daemon cannot give) always run directly.

use crate::proto::channel::{Channel, ChannelError};
use crate::proto::message::{Context, JOB_LAST, JOB_WAIT, JobParts, encode_job};
use crate::proto::{ErrorCode, ExitStatus, Message};
use platform::fd::{self, SCAN_LIMIT};
use platform::process;
use platform::signal::{self, Disposition};
use std::os::fd::{AsRawFd, OwnedFd, RawFd};

mod exec;
pub mod spawn;

/// The status `rush` exits with when `RUSH_DAEMON=require` and no daemon
/// serves the job, or when the worker running a job dies. (`env` and
/// `timeout` use 125 for their own failures in the same way.)
pub const EXIT_DAEMON_FAILED: i32 = 125;

/// Why the job is to run directly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fallback {
    /// `RUSH_DAEMON=off`.
    Off,
    /// Not a job for the daemon: `--help`, `--version`, interactive, a
    /// terminal on 0–2.
    NotApplicable,
    /// No daemon answers on the socket (or it is not ours).
    NoDaemon,
    /// The daemon's workers and queue are full.
    Busy,
    /// The daemon refused the job before it started (different resource
    /// limits, a protocol mismatch...).
    Refused,
    /// The daemon that accepted the connection is stopping, or handing its
    /// socket to a new binary: another may answer on the socket already.
    Stopping,
}

/// The signals forwarded to the job while it runs.
const FORWARDED: [i32; 18] = crate::daemon::worker::FORWARDED;

/// How long the client polls for the job's answer before it sleeps
/// ([`fd::wait_readable_spinning`]): a trivial job answers within this,
/// and not sleeping saves the wake-up (~50 µs of a ~290 µs start through
/// the pool on the development VM; docs/benchmarks.md). A longer job costs
/// at most this much CPU time more.
const ANSWER_SPIN_NS: u64 = 100_000;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Auto,
    Off,
    Require,
    Spawn,
}

/// Is `argv` a job the daemon may run (`rush -c ...`, `rush script`, or
/// commands from a non-terminal stdin)? Not an interactive shell, nor
/// `--help`, `--version` or a usage error: read as the shell reads its
/// command line, so that no `-i` goes unseen (`-o errexit -i`, `-c -i`).
fn applicable(argv: &[&[u8]]) -> bool {
    crate::shell::cli::parse_args(argv.get(1..).unwrap_or_default())
        .is_ok_and(|inv| !inv.interactive)
}

/// Settings read from one pass over the environment.
struct Env<'a> {
    mode: Mode,
    socket: Option<&'a [u8]>,
    /// A `RUSH_DAEMON` value that names no mode (a typo): warned about,
    /// and taken as `auto`.
    unknown_mode: Option<&'a [u8]>,
}

fn read_env<'a>(entries: &[&'a [u8]]) -> Env<'a> {
    let mut env = Env {
        mode: Mode::Auto,
        socket: None,
        unknown_mode: None,
    };
    for kv in entries {
        if let Some(v) = kv.strip_prefix(b"RUSH_DAEMON=") {
            env.mode = match v {
                b"off" | b"0" | b"no" | b"false" => Mode::Off,
                b"require" | b"required" => Mode::Require,
                b"spawn" => Mode::Spawn,
                b"auto" | b"" => Mode::Auto,
                _ => {
                    env.unknown_mode = Some(v);
                    Mode::Auto
                }
            };
        } else if let Some(v) = kv.strip_prefix(b"RUSH_SOCKET=") {
            if !v.is_empty() {
                env.socket = Some(v);
            }
        }
    }
    env
}

/// Try to have a daemon run this invocation. Does not return when it did:
/// the process exits with the job's status (or dies of the job's signal,
/// [`platform::signal::die_of`]). Returns why not otherwise, having
/// undone everything it changed; with `RUSH_DAEMON=require` a daemon that
/// does not serve is an error instead (exit [`EXIT_DAEMON_FAILED`]).
pub fn try_daemon(argv: &[&[u8]]) -> Fallback {
    platform::environ::with_entries(|entries| try_with_env(argv, entries))
}

fn try_with_env(argv: &[&[u8]], entries: &[&[u8]]) -> Fallback {
    let env = read_env(entries);
    if let Some(v) = env.unknown_mode {
        let _ = fd::write_all(
            2,
            format!(
                "rush: RUSH_DAEMON={}: not auto, off, require or spawn; taken as auto\n",
                String::from_utf8_lossy(v)
            )
            .as_bytes(),
        );
    }
    if env.mode == Mode::Off {
        return Fallback::Off;
    }
    // A job that might talk to a terminal runs directly (docs/daemon.md,
    // "What the client does"): one on 0, 1 or 2, or, unless the daemon is
    // required, the controlling terminal a program can open as /dev/tty (a
    // hook's password prompt with every standard descriptor redirected).
    if !applicable(argv)
        || (0..3).any(fd::isatty)
        || (env.mode != Mode::Require && platform::tty::has_controlling_terminal())
    {
        return Fallback::NotApplicable;
    }
    let default_socket;
    let socket = match env.socket {
        Some(s) => s,
        None => {
            default_socket = platform::sockdir::default_socket_path();
            &default_socket
        }
    };
    let patient = env.mode == Mode::Require;
    let mut result = run(argv, entries, socket, patient);
    if matches!(result, Err((Fallback::Stopping, _))) {
        // A daemon handing its socket to a new binary refuses the clients
        // it accepted just before: the new one serves the next connection.
        result = run(argv, entries, socket, patient);
    }
    match result {
        Ok(never) => match never {},
        Err((fallback, why)) => {
            if env.mode == Mode::Spawn && fallback == Fallback::NoDaemon {
                spawn::spawn_daemon(socket, entries);
            }
            if env.mode == Mode::Require {
                let _ = fd::write_all(
                    2,
                    format!(
                        "rush: RUSH_DAEMON=require, but rushd did not run the job ({}): {why}\n",
                        String::from_utf8_lossy(socket),
                    )
                    .as_bytes(),
                );
                process::exit_now(EXIT_DAEMON_FAILED);
            }
            fallback
        }
    }
}

/// Connect to the daemon's socket, if this user's daemon holds it: its
/// owner is the daemon's user, and our descriptors and environment go to
/// no one else's. Why not otherwise.
fn connect_ours(socket: &[u8]) -> Result<OwnedFd, String> {
    let sock = platform::unix::connect(socket).map_err(|e| format!("cannot connect: {e}"))?;
    match platform::unix::peer_uid(sock.as_raw_fd()) {
        Ok(uid) if uid == process::geteuid() => Ok(sock),
        Ok(uid) => Err(format!("the socket belongs to uid {uid}")),
        Err(e) => Err(e.to_string()),
    }
}

/// Nothing: `run` never returns `Ok`.
enum Never {}

type Why = (Fallback, String);

fn refused(f: Fallback, why: impl Into<String>) -> Why {
    (f, why.into())
}

/// Connect, send the job, wait for its end. Returns only to fall back.
///
/// The connection is made before the request is prepared, so that the
/// worker it wakes gets going meanwhile; the worker waits for the request
/// awake (`REQUEST_SPIN_NS` in src/daemon/worker.rs).
/// `patient`: the job may wait in the daemon's queue for as long as it
/// takes (`RUSH_DAEMON=require`), rather than come back `Busy` after the
/// queue wait and run here.
fn run(argv: &[&[u8]], env: &[&[u8]], socket: &[u8], patient: bool) -> Result<Never, Why> {
    // No socket, no daemon: the only cost a direct run pays.
    if !platform::fs::access(socket, platform::fs::F_OK) {
        return Err(refused(Fallback::NoDaemon, "no socket"));
    }
    // The descriptors to pass: everything open now (the socket, the
    // directory and the signal descriptor come after, and are not the
    // job's).
    let mut open = [0 as RawFd; SCAN_LIMIT];
    let nopen = fd::open_fds(&mut open);
    let fds = &open[..nopen];
    if fds.len() + 1 > crate::proto::MAX_FDS {
        return Err(refused(
            Fallback::NotApplicable,
            "too many open descriptors",
        ));
    }
    // Those are not passed, and the job may use them (`cat <&300`).
    if fd::any_open_at_or_above_scan_limit() {
        return Err(refused(
            Fallback::NotApplicable,
            format!("a descriptor numbered {SCAN_LIMIT} or above is open"),
        ));
    }
    // Connect first, and prepare the request while a worker wakes up to
    // take it: on a VM waking a sleeping CPU costs tens of microseconds,
    // about as long as the preparation below (~70 system calls), which
    // used to come before it. The socket, opened after the scan, is not
    // one of the job's descriptors.
    let sock = connect_ours(socket).map_err(|why| refused(Fallback::NoDaemon, why))?;
    let cwd_fd = fd::open_cwd().map_err(|e| refused(Fallback::Refused, format!("cwd: {e}")))?;
    // On Linux the `O_PATH` descriptor always works for fchdir (even for a
    // removed directory), so the path, a fallback, is not worth a syscall.
    let cwd = if cfg!(target_os = "linux") {
        Vec::new()
    } else {
        process::getcwd().unwrap_or_default()
    };
    let umask = process::get_umask();
    // As `rush` inherited them, real-time ones included: its binary is
    // `#![no_main]` (`platform::entry!`), so Rust's runtime has not set
    // SIGPIPE to "ignore" behind our back.
    let ignored = signal::ignored_set();
    let parts = JobParts {
        umask,
        pid: process::getpid(),
        ppid: process::getppid(),
        ignored,
        blocked: signal::blocked(),
        context: Context::current(),
        flags: if patient {
            JOB_LAST | JOB_WAIT
        } else {
            JOB_LAST
        },
        sent_ns: process::monotonic_ns_syscall(),
        cwd: &cwd,
        fds,
        argv,
    };
    let size: usize = 256 + cwd.len() + argv.iter().chain(env).map(|s| s.len() + 4).sum::<usize>();
    let mut frame = Vec::with_capacity(size);
    encode_job(&mut frame, &parts, |sink| {
        for kv in env {
            sink(kv);
        }
    });
    // The job's descriptors in ascending order, then the directory: a
    // worker receives them at the lowest free numbers, so 0, 1 and 2 land
    // where they belong without moving.
    let mut passed = [0 as RawFd; SCAN_LIMIT + 1];
    passed[..fds.len()].copy_from_slice(fds);
    passed[fds.len()] = cwd_fd.as_raw_fd();
    // Signals sent to this process belong to the job from the moment the
    // daemon may start it (the job's `$$` is our pid: a subshell's
    // `kill -USR1 $$` comes here), so they are diverted before the send.
    // Falling back puts the mask back, and whatever arrived meanwhile is
    // then delivered to the shell that runs the job directly.
    let fwd = Forwarding::install(ignored);
    let ch = Channel::new(sock);
    ch.send(&frame, &passed[..=fds.len()])
        .map_err(|e| refused(Fallback::NoDaemon, format!("send: {e}")))?;
    drop(cwd_fd);
    drop(frame);
    let sent = exec::Sent {
        fds,
        ignored,
        umask,
        blocked: parts.blocked,
    };
    wait(ch, fwd, &sent, socket)
}

/// Receives the forwarded signals while the job runs: on Linux blocked and
/// read from a signalfd (two system calls to set up), elsewhere caught and
/// written to a self-pipe. Undone on drop.
enum Forwarding {
    #[cfg(target_os = "linux")]
    Fd(signal::SignalFd),
    Pipe {
        read: OwnedFd,
        _write: OwnedFd,
        old: [Option<Disposition>; FORWARDED.len()],
    },
}

impl Forwarding {
    fn install(ignored: u64) -> Option<Forwarding> {
        // A signal the client ignores is ignored by the job too; the client
        // does not catch it.
        let wanted = FORWARDED
            .iter()
            .filter(|&&s| ignored & signal::bit(s) == 0)
            .fold(0u64, |m, &s| m | signal::bit(s));
        #[cfg(target_os = "linux")]
        if let Ok(sfd) = signal::SignalFd::new(wanted) {
            return Some(Forwarding::Fd(sfd));
        }
        let (read, write) = fd::pipe_owned_nonblocking().ok()?;
        signal::set_wakeup_fd(Some(write.as_raw_fd()));
        let mut old = [None; FORWARDED.len()];
        for (slot, &sig) in old.iter_mut().zip(&FORWARDED) {
            if wanted & signal::bit(sig) != 0 {
                *slot = signal::set_disposition(sig, Disposition::Catch).ok();
            }
        }
        Some(Forwarding::Pipe {
            read,
            _write: write,
            old,
        })
    }

    /// The descriptor that becomes readable when a signal arrives.
    fn fd(&self) -> RawFd {
        match self {
            #[cfg(target_os = "linux")]
            Forwarding::Fd(sfd) => sfd.fd(),
            Forwarding::Pipe { read, .. } => read.as_raw_fd(),
        }
    }

    /// The signals that arrived, each with its sender's pid where the
    /// system tells (0 otherwise).
    fn drain(&self, out: &mut Vec<(i32, platform::Pid)>) {
        match self {
            #[cfg(target_os = "linux")]
            Forwarding::Fd(sfd) => sfd.read(out),
            Forwarding::Pipe { read, .. } => {
                let mut buf = [0u8; 64];
                while let Ok(n) = fd::read(read.as_raw_fd(), &mut buf) {
                    if n == 0 {
                        break;
                    }
                    out.extend(buf[..n].iter().map(|&b| (i32::from(b), 0)));
                }
            }
        }
    }
}

impl Drop for Forwarding {
    // Off Linux the pipe is the only kind.
    #[allow(irrefutable_let_patterns)]
    fn drop(&mut self) {
        if let Forwarding::Pipe { old, .. } = self {
            for (old, &sig) in old.iter().zip(&FORWARDED) {
                if let Some(d) = old {
                    let _ = signal::set_disposition(sig, *d);
                }
            }
            signal::set_wakeup_fd(None);
            let _ = signal::take_pending();
        }
    }
}

/// What the daemon has said of the job so far.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Heard {
    /// Nothing: a worker that took the connection itself answers only at
    /// the end.
    Nothing,
    /// `Queued`: the daemon holds it, not started.
    Queued,
    /// `Started` (from the daemon, for a job it dispatched).
    Started,
}

/// Wait for the job's end, forwarding signals. Returns only to fall back.
fn wait(
    mut ch: Channel,
    fwd: Option<Forwarding>,
    sent: &exec::Sent<'_>,
    socket: &[u8],
) -> Result<Never, Why> {
    let mut heard = Heard::Nothing;
    // Whether anything was sent after the job: then a reset connection
    // no longer proves that the job went unread.
    let mut sent_more = false;
    // The signals passed on to the job (bit n = signal n).
    let mut forwarded = 0u64;
    let mut arrived = Vec::new();
    // Only the first wait spins: after it, the job is not a trivial one.
    let mut spin = ANSWER_SPIN_NS;
    loop {
        loop {
            match ch.next_frame() {
                Ok(Some((m, fds))) => match m {
                    Message::Started { .. } => heard = Heard::Started,
                    Message::Queued if heard == Heard::Nothing => heard = Heard::Queued,
                    Message::Exit(status) => {
                        // The process ends now: restoring the handlers and
                        // closing the pipe would only cost syscalls
                        // (`die_of` resets the one signal it needs).
                        std::mem::forget(fwd);
                        finish(status)
                    }
                    Message::WorkerDied {
                        signal: sig,
                        message,
                        ..
                    } => {
                        std::mem::forget(fwd);
                        worker_died(sig, message)
                    }
                    Message::Exec(req) => {
                        // The job ended in a utility for this process to
                        // become; the connection and the signal descriptor
                        // go with the exec.
                        std::mem::forget(fwd);
                        exec::become_utility(req, fds, sent, forwarded)
                    }
                    Message::Busy if heard != Heard::Started => {
                        return Err(refused(
                            Fallback::Busy,
                            "every worker busy, and the job not queued: the queue is \
                             full, or the job was started by a job the daemon is \
                             running, which may be waiting for it",
                        ));
                    }
                    Message::Error { code, message } => {
                        // `WorkerLost` is only ever said of a job that ran.
                        if heard != Heard::Started && code != ErrorCode::WorkerLost {
                            let fallback = if code == ErrorCode::ShuttingDown {
                                Fallback::Stopping
                            } else {
                                Fallback::Refused
                            };
                            return Err(refused(
                                fallback,
                                String::from_utf8_lossy(&message).into_owned(),
                            ));
                        }
                        worker_lost(message)
                    }
                    _ => {}
                },
                Ok(None) => break,
                // Something this client cannot read (another protocol
                // version): whoever sent it did not run our job.
                Err(e @ ChannelError::Frame(_)) => {
                    return lost(socket, heard, true, &e.to_string());
                }
                Err(e) => return lost(socket, heard, false, &e.to_string()),
            }
        }
        let mut ready = [false; 2];
        let watch = [ch.fd(), fwd.as_ref().map_or(-1, Forwarding::fd)];
        match fd::wait_readable_spinning(&watch, &mut ready, std::mem::take(&mut spin)) {
            Ok(()) => {}
            // Look at both, as if both were ready.
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => ready = [true; 2],
            Err(e) => return lost(socket, heard, false, &e.to_string()),
        }
        // Only when a signal came: the answer alone (the usual wake-up)
        // needs no read of the signal descriptor.
        if let Some(f) = fwd.as_ref().filter(|_| ready[1]) {
            arrived.clear();
            f.drain(&mut arrived);
            for &(sig, sender) in &arrived {
                // The kernel discards a stop signal sent to an orphaned
                // group (a client started under `setsid`, by cron): so
                // does the client, or it would stop with nothing left to
                // continue it, where a direct shell runs on.
                if sig == signal::SIGTSTP
                    && process::group_is_orphaned(process::getpid(), process::getppid())
                {
                    continue;
                }
                sent_more = true;
                forwarded |= signal::bit(sig);
                // Whose signal: one sent by the job's own processes (a child
                // signalling `$$`) is for the shell alone. Asked at once,
                // while the sender is still there to be asked; one already
                // gone is said to be (`forward_targets` has what follows).
                let from_group = match sender {
                    0 => 0,
                    pid => match process::getpgid(pid) {
                        Ok(group) => group,
                        Err(e) if e.raw_os_error() == Some(platform::errno::ESRCH) => {
                            platform::connwatch::SENDER_GONE
                        }
                        Err(_) => 0,
                    },
                };
                let m = Message::Signal {
                    signal: sig,
                    from_group,
                };
                if ch.send_message(&m).is_err() {
                    break;
                }
                if sig == signal::SIGTSTP {
                    // Stop with the job, as a shell in the foreground would;
                    // SIGCONT (caught and forwarded) resumes both.
                    let _ = process::kill(process::getpid(), signal::SIGSTOP);
                }
            }
        }
        if ready[0] {
            match ch.fill(true) {
                Ok(0) => {
                    return lost(
                        socket,
                        heard,
                        false,
                        "the connection closed before the job ended \
                         (the rushd worker running it died, or rushd did)",
                    );
                }
                Ok(_) => {}
                Err(ChannelError::Io(e)) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                Err(ChannelError::Io(e)) => {
                    // On Linux a stream socket closed with data unread
                    // resets its peer: the request never left the socket.
                    let unread = e.kind() == std::io::ErrorKind::ConnectionReset && !sent_more;
                    return lost(socket, heard, unread, &e.to_string());
                }
                Err(e) => return lost(socket, heard, false, &e.to_string()),
            }
        }
    }
}

/// The connection failed. When the job surely did not start (the daemon
/// said it was queued, or `unread`: the request was never read), fall
/// back; otherwise running it again could do its work twice. A worker
/// that accepted the job itself died with it: the daemon, asked, may know
/// of what signal, and the job ends of it, as its shell run directly would
/// have. Else its fate is unknown, which is an error.
fn lost(socket: &[u8], heard: Heard, unread: bool, why: &str) -> Result<Never, Why> {
    if heard == Heard::Queued || (heard == Heard::Nothing && unread) {
        return Err(refused(Fallback::NoDaemon, why));
    }
    if heard == Heard::Nothing {
        match ask_fate(socket) {
            Some(Message::WorkerDied {
                signal: sig,
                message,
                ..
            }) => worker_died(sig, message),
            Some(Message::Error {
                code: ErrorCode::WorkerLost,
                message,
            }) if !message.is_empty() => worker_lost(message),
            _ => {}
        }
    }
    let _ = fd::write_all(
        2,
        format!("rush: lost the connection to rushd while the job ran: {why}\n").as_bytes(),
    );
    process::exit_now(EXIT_DAEMON_FAILED)
}

/// How long the client waits for the daemon to say how its job ended.
const FATE_TIMEOUT_MS: i32 = 2_000;

/// Ask the daemon how this client's job ended (`Fate`): its answer, or
/// none if it cannot be asked or does not answer in time. Asked again
/// (three times at most) when a connection ends unanswered: an idle worker
/// may accept the question to hand it to the daemon, and die first.
fn ask_fate(socket: &[u8]) -> Option<Message> {
    let deadline = process::monotonic_ns_syscall() + FATE_TIMEOUT_MS as u64 * 1_000_000;
    (0..3).find_map(|_| ask_fate_once(socket, deadline))
}

fn ask_fate_once(socket: &[u8], deadline: u64) -> Option<Message> {
    let sock = connect_ours(socket).ok()?;
    let mut ch = Channel::new(sock);
    ch.send_message(&Message::Fate).ok()?;
    loop {
        if let Some((m, _)) = ch.next_frame().ok()? {
            return Some(m);
        }
        let left_ms = deadline.saturating_sub(process::monotonic_ns_syscall()) / 1_000_000;
        if left_ms == 0 || !fd::poll_readable(ch.fd(), left_ms as i32).ok()? {
            return None;
        }
        match ch.fill(true) {
            Ok(0) => return None,
            Ok(_) => {}
            Err(ChannelError::Io(e)) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(_) => return None,
        }
    }
}

/// The worker running the job died of `sig`: say so, and end as the job's
/// shell, run directly, would have ended (docs/daemon.md, "A worker that
/// dies").
fn worker_died(sig: i32, message: Vec<u8>) -> ! {
    say(message);
    signal::die_of(sig)
}

/// The job may have run, and how it ended is not known: the daemon's
/// `message`, and status 125.
fn worker_lost(message: Vec<u8>) -> ! {
    say(message);
    process::exit_now(EXIT_DAEMON_FAILED)
}

/// Print one of the daemon's messages as a line on standard error.
fn say(mut message: Vec<u8>) {
    message.push(b'\n');
    let _ = fd::write_all(2, &message);
}

/// End this process as the job ended.
fn finish(status: ExitStatus) -> ! {
    match status {
        ExitStatus::Exited(code) => process::exit_now(i32::from(code)),
        ExitStatus::Signaled { signal: sig, .. } => signal::die_of(sig),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn which_invocations_go_to_the_daemon() {
        let yes: &[&[&[u8]]] = &[
            &[b"rush", b"-c", b"echo hi"],
            &[b"rush", b"-ec", b"echo hi"],
            &[b"rush", b"script.sh", b"-i"],
            &[b"rush", b"-c", b"x", b"-i"],
            &[b"rush"],
            &[b"rush", b"-e", b"--", b"-i"],
        ];
        let no: &[&[&[u8]]] = &[
            &[b"rush", b"-i"],
            &[b"rush", b"-ic", b"echo"],
            &[b"rush", b"--help"],
            &[b"rush", b"--version"],
            &[b"rush", b"-e", b"-i", b"-c", b"x"],
            &[b"rush", b"-o", b"errexit", b"-i"],
            &[b"rush", b"+o", b"xtrace", b"-i"],
            &[b"rush", b"-c", b"-i", b"x"],
            &[b"rush", b"-Z", b"-c", b"x"],
        ];
        for a in yes {
            assert!(applicable(a), "{a:?}");
        }
        for a in no {
            assert!(!applicable(a), "{a:?}");
        }
    }
}
