//! A worker: a forked child of `rushd` that runs one job at a time with the
//! client's descriptors, directory, umask and signals, then returns to its
//! baseline and asks for the next.
//!
//! Per job: receive the request and the client's descriptors; report
//! `Started`; install each descriptor at the number the client had it;
//! `fchdir` to the client's directory; set the umask and signal state; run
//! the job ([`run_job`]); report the outcome; restore the baseline (close
//! what was installed, `/dev/null` on 0–2, cwd `/`, umask, signals); make a
//! fresh process-group anchor; report `Ready`.
//!
//! The job's processes run in the process group of an *anchor*: a child
//! that only sleeps, so the group exists before the job starts and is not
//! the worker's own. The daemon can then kill the whole job
//! (`kill(-pgid, SIGKILL)`) when its client dies, without killing the
//! worker, and forward the client's signals to it.

use crate::proto::channel::{Channel, ChannelError};
use crate::proto::{ExitStatus, JobRequest, Message};
use platform::fd;
use platform::process::{self, Fork};
use platform::signal::{self, Disposition};
use std::io;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};

/// The seam with the interpreter: [`crate::shell::job::run_job`] runs one
/// job in this process once the worker has installed the client's
/// descriptors, directory, umask and signal mask.
pub use crate::shell::job::{JobContext, JobOutcome, JobResult};

/// The signals a client forwards; the worker catches them so that they
/// reach the job (and the interpreter, through its pending flags) without
/// killing the worker.
pub const FORWARDED: [i32; 9] = [
    signal::SIGINT,
    signal::SIGTERM,
    signal::SIGHUP,
    signal::SIGQUIT,
    signal::SIGWINCH,
    signal::SIGUSR1,
    signal::SIGUSR2,
    signal::SIGTSTP,
    signal::SIGCONT,
];

/// Signals the worker catches between jobs (bit n = signal n): the ones
/// whose default action the interpreter emulates for a job (the forwarded
/// ones among them) and the cancel signal. Keeping them caught between jobs
/// means a job with no traps starts without a single `sigaction`.
use crate::shell::env::traps::worker_caught;

/// The worker's own descriptors, kept high and close-on-exec, out of the
/// way of the job's.
struct Internal {
    channel: Channel,
    log: Option<OwnedFd>,
    /// Internal descriptors live at or above this number.
    base: RawFd,
}

impl Internal {
    /// The lowest internal descriptor.
    fn lowest(&self) -> RawFd {
        std::iter::once(self.channel.fd())
            .chain(self.log.as_ref().map(AsRawFd::as_raw_fd))
            .min()
            .unwrap_or(self.base)
    }
}

/// The child that holds a job process group open.
struct Anchor {
    pid: i32,
}

impl Anchor {
    /// Fork an anchor: its own process group, every signal ignored (only
    /// SIGKILL ends it), no descriptors, dying with the worker.
    fn spawn() -> io::Result<Anchor> {
        let worker = process::getpid();
        match process::fork()? {
            Fork::Child => {
                let _ = process::setpgid(0, 0);
                fd::close_range(0, RawFd::MAX);
                for sig in 1..signal::NSIG.min(64) {
                    if sig != signal::SIGKILL && sig != signal::SIGSTOP {
                        let _ = signal::set_disposition(sig, Disposition::Ignore);
                    }
                }
                let _ = signal::set_blocked(0);
                let tied = platform::child::die_with_parent(signal::SIGKILL);
                loop {
                    if process::getppid() != worker {
                        process::exit_now(0);
                    }
                    if tied {
                        platform::child::pause();
                    } else {
                        platform::child::sleep_ms(1000);
                    }
                }
            }
            Fork::Parent(pid) => {
                // Both sides set the group, so it exists before either goes on.
                let _ = process::setpgid(pid, pid);
                Ok(Anchor { pid })
            }
        }
    }

    /// Kill and reap the anchor (and with it nothing else: a job's leftover
    /// background processes keep running, in a group no later job shares).
    fn retire(self) {
        let _ = process::kill(self.pid, signal::SIGKILL);
        let _ = process::wait_pid_blocking(self.pid);
    }
}

fn note(internal: &Internal, msg: &str) {
    if let Some(l) = &internal.log {
        let line = format!("rushd worker {}: {msg}\n", process::getpid());
        let _ = fd::write_all(l.as_raw_fd(), line.as_bytes());
    }
}

/// Move `fd` to at least `min`, close-on-exec, closing the old number.
fn move_above(fd: OwnedFd, min: RawFd) -> io::Result<OwnedFd> {
    fd::dup_above_owned(fd.as_raw_fd(), min)
}

/// The worker process: never returns.
pub fn main(channel: OwnedFd, log_fd: Option<OwnedFd>, oneshot: bool) -> ! {
    // The daemon's signal routing (blocked signals, a self-pipe) must not
    // leak into the worker.
    signal::set_wakeup_fd(None);
    let _ = signal::set_blocked(0);
    let caught = worker_caught();
    for sig in 1..signal::NSIG {
        if sig != signal::SIGKILL && sig != signal::SIGSTOP && sig < 32
            || caught & signal::bit(sig) != 0
        {
            let d = if caught & signal::bit(sig) != 0 {
                Disposition::Catch
            } else {
                Disposition::Default
            };
            let _ = signal::set_disposition(sig, d);
        }
    }
    // Its own process group: a terminal's ^C meant for a foreground rushd
    // does not reach the workers.
    let _ = process::setpgid(0, 0);

    let limit = process::open_file_limit() as RawFd;
    let base = (limit - 16).clamp(64, 1000);
    let Ok(channel) = move_above(channel, base) else {
        process::exit_now(70)
    };
    let log_fd = log_fd.and_then(|l| move_above(l, base).ok());
    let keep: Vec<RawFd> = std::iter::once(channel.as_raw_fd())
        .chain(log_fd.as_ref().map(AsRawFd::as_raw_fd))
        .collect();
    // Nothing below the internal descriptors, not even 0–2: see `restore`.
    close_all_but(&keep);
    let _ = process::chdir(b"/");
    let mut internal = Internal {
        channel: Channel::with_capacity(channel, 64 * 1024),
        log: log_fd,
        base,
    };
    let baseline_umask = process::get_umask();
    let warm = crate::shell::warm::Warm::new_ref();
    let daemon_env: Vec<Vec<u8>> = std::env::vars_os()
        .map(|(k, v)| {
            use std::os::unix::ffi::OsStringExt;
            let mut e = k.into_vec();
            e.push(b'=');
            e.extend_from_slice(&v.into_vec());
            e
        })
        .collect();
    crate::shell::job::prewarm(&warm, &daemon_env);

    let mut anchor = new_anchor(&internal);
    let me = process::getpid();
    if internal
        .channel
        .send_message(&Message::Ready {
            pid: me,
            pgid: anchor.pid,
        })
        .is_err()
    {
        process::exit_now(0);
    }
    loop {
        let (msg, fds) = match internal.channel.recv() {
            Ok(m) => m,
            Err(ChannelError::Closed) => {
                anchor.retire();
                process::exit_now(0)
            }
            Err(e) => {
                note(&internal, &format!("bad frame from the daemon: {e}"));
                anchor.retire();
                process::exit_now(72)
            }
        };
        let Message::Job(job) = msg else {
            note(&internal, "unexpected message from the daemon");
            continue;
        };
        // A cancel aimed at an earlier job was delivered before this job
        // could be dispatched; forget it.
        signal::clear_pending(signal::cancel_signal());
        let _ = signal::take_pending();
        let result = serve(&mut internal, &job, fds, anchor.pid, baseline_umask, &warm);
        let status = match result.outcome {
            JobOutcome::Exited(c) => ExitStatus::Exited(c),
            JobOutcome::Signaled {
                signal,
                core_dumped,
            } => ExitStatus::Signaled {
                signal,
                core_dumped,
            },
        };
        // A job that changed this process's resource limits (`ulimit` run
        // in the worker itself) leaves a worker that cannot serve the next
        // job as the daemon promises: retire it; the daemon forks another.
        let last = oneshot || result.retire;
        let mut out = Vec::with_capacity(64);
        Message::Exit(status).encode(&mut out);
        // Whatever a job that started processes left in its group
        // (background processes) keeps running there, so the next job gets
        // a fresh group, made after the client has its answer. A job that
        // started none (only builtins) leaves the group as it found it: the
        // worker is ready again at once, in the same message as the status.
        let same_group = !last && !result.spawned;
        if same_group {
            Message::Ready {
                pid: me,
                pgid: anchor.pid,
            }
            .encode(&mut out);
        }
        if internal.channel.send(&out, &[]).is_err() || last {
            anchor.retire();
            process::exit_now(0);
        }
        if same_group {
            continue;
        }
        anchor.retire();
        anchor = new_anchor(&internal);
        if internal
            .channel
            .send_message(&Message::Ready {
                pid: me,
                pgid: anchor.pid,
            })
            .is_err()
        {
            anchor.retire();
            process::exit_now(0);
        }
    }
}

/// A fresh process-group anchor; a worker that cannot fork one is of no
/// use and exits (the daemon forks a replacement).
fn new_anchor(internal: &Internal) -> Anchor {
    match Anchor::spawn() {
        Ok(a) => a,
        Err(e) => {
            note(
                internal,
                &format!("cannot fork a process-group anchor: {e}"),
            );
            process::exit_now(71)
        }
    }
}

/// Close every descriptor except `keep`.
fn close_all_but(keep: &[RawFd]) {
    let mut sorted = keep.to_vec();
    sorted.sort_unstable();
    let mut next = 0;
    for &k in &sorted {
        if k > next {
            fd::close_range(next, k - 1);
        }
        next = k + 1;
    }
    fd::close_range(next, RawFd::MAX);
}

/// Run one job: install its world, run it, restore the baseline.
fn serve(
    internal: &mut Internal,
    job: &JobRequest,
    mut fds: Vec<OwnedFd>,
    pgid: i32,
    baseline_umask: u32,
    warm: &crate::shell::warm::WarmRef,
) -> JobResult {
    // The directory comes last (after the descriptors the job keeps) and
    // is used and closed first, before its number can be in the way.
    let in_dir = match fds.pop() {
        Some(dir) => process::fchdir(dir.as_raw_fd()).is_ok(),
        None => false,
    };
    if !in_dir {
        // The directory may have been removed; the shell then starts where
        // the path leads, as directly.
        let _ = process::chdir(&job.cwd);
    }
    // The received descriptors (at the lowest free numbers) and the
    // targets are the job's to begin with.
    let received_top = fds.iter().map(AsRawFd::as_raw_fd).max().unwrap_or(-1);
    let target_top = job.fds.iter().copied().max().unwrap_or(-1);
    fd::reset_high_water(received_top.max(target_top));
    if let Err(e) = install_fds(internal, fds, &job.fds) {
        note(
            internal,
            &format!("cannot install the client's descriptors: {e}"),
        );
        restore(internal, baseline_umask);
        return JobResult {
            outcome: JobOutcome::Exited(126),
            retire: false,
            spawned: false,
        };
    }
    process::set_umask(job.umask);
    // The job starts with the client's mask; only the cancel signal must
    // always get through.
    let _ = signal::set_blocked(job.blocked & !signal::bit(signal::cancel_signal()));
    let ctx = JobContext {
        argv: &job.argv,
        env: &job.env,
        client_pid: job.pid,
        client_ppid: job.ppid,
        job_pgid: pgid,
        ignored_signals: job.ignored,
        worker_caught: worker_caught(),
        warm: Some(warm),
    };
    let result = crate::shell::job::run_job(&ctx);
    restore(internal, baseline_umask);
    result
}

/// Close everything below the internal descriptors (0–2 included: a worker
/// waits for its next job with no standard descriptors, so that the next
/// client's 0, 1 and 2 arrive at exactly those numbers), go back to `/`,
/// reset the umask and signal mask.
fn restore(internal: &Internal, baseline_umask: u32) {
    // Internal descriptors sit above every target (`install_fds` keeps them
    // there); everything below belongs to the job that just ended. The job
    // opened descriptors only through the platform layer, which counts the
    // highest number it handed out: closing up to there is closing all.
    let top = fd::high_water().min(internal.lowest() - 1);
    fd::close_range(0, top);
    fd::reset_high_water(-1);
    let _ = process::chdir(b"/");
    process::set_umask(baseline_umask);
    let _ = signal::set_blocked(0);
    let _ = signal::take_pending();
}

/// Install `received[i]` at `targets[i]` (not close-on-exec, as the client
/// had it). The worker waits with nothing open below its internal
/// descriptors, so the kernel puts received descriptors at the lowest free
/// numbers: a client's 0, 1 and 2 usually land exactly where they belong
/// and cost one `fcntl` each. The rest are moved, after lifting any
/// received descriptor that sits on another one's target out of the way.
fn install_fds(internal: &mut Internal, received: Vec<OwnedFd>, targets: &[i32]) -> io::Result<()> {
    if received.len() != targets.len() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "descriptor count differs from the list",
        ));
    }
    let top = targets.iter().copied().max().unwrap_or(-1) + 1;
    // Internal descriptors must end up above every target.
    let floor = top.max(internal.base);
    if internal.channel.fd() < floor {
        internal.channel.relocate(floor)?;
    }
    if let Some(l) = internal.log.take() {
        internal.log = if l.as_raw_fd() < floor {
            move_above(l, floor).ok()
        } else {
            Some(l)
        };
    }
    let mut pending: Vec<(OwnedFd, RawFd)> = Vec::new();
    for (r, &t) in received.into_iter().zip(targets) {
        if r.as_raw_fd() == t {
            fd::clear_cloexec(t)?;
            // From here on the descriptor is the job's; `restore` closes it.
            std::mem::forget(r);
        } else if targets.contains(&r.as_raw_fd()) {
            pending.push((move_above(r, top)?, t));
        } else {
            pending.push((r, t));
        }
    }
    for (r, t) in &pending {
        fd::dup2(r.as_raw_fd(), *t)?;
    }
    drop(pending);
    Ok(())
}
