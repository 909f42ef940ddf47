//! A worker: a forked child of `rushd` that runs one job at a time with the
//! client's descriptors, directory, umask and signals, then returns to its
//! baseline and waits for the next.
//!
//! Jobs come two ways. A pool worker on Linux waits on the listening
//! socket as well as on its channel to the daemon: it accepts a client
//! itself, reads the job, runs it with the connection watched
//! (`platform::connwatch`), answers `Exit` on the connection (or `Exec`:
//! the job's last utility, for the client to run in its own place) and
//! waits again, the daemon none the wiser but for the scoreboard
//! ([`super::board`]). Or the daemon sends a job it accepted (every worker
//! was busy, relaying is forced, fork mode): the worker runs it and
//! reports `Exit` and `Ready` to the daemon.
//!
//! Per job: install each descriptor at the number the client had it;
//! `fchdir` to the client's directory; set the umask and signal state; run
//! the job ([`run_job`]); restore the baseline (close what was installed,
//! 0–2 included, cwd `/`, umask, signals); after a job that left a
//! process running in its group (or a relayed job that started any), a
//! fresh process-group anchor.
//!
//! The job's processes run in the process group of an *anchor*: a child
//! that only sleeps, so the group exists before the job starts and is not
//! the worker's own. The whole job can then be killed
//! (`kill(-pgid, SIGKILL)`) when its client dies, without killing the
//! worker, and the client's signals forwarded to it.

use super::board::{Board, state};
use crate::proto::channel::{Channel, ChannelError};
use crate::proto::message::JOB_LAST;
use crate::proto::{ExitStatus, JobRequest, Kind, MAX_FDS, Message, SignalFrame, split};
use platform::fd;
use platform::process::{self, Fork};
use platform::signal::{self, Disposition};
use std::io;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::time::Duration;

/// The seam with the interpreter: [`crate::shell::job::run_job`] runs one
/// job in this process once the worker has installed the client's
/// descriptors, directory, umask and signal mask.
pub use crate::shell::job::{JobContext, JobOutcome, JobResult};

/// The signals a client forwards; the worker catches them so that they
/// reach the job (and the interpreter, through its pending flags) without
/// killing the worker.
pub const FORWARDED: [i32; 18] = [
    signal::SIGINT,
    signal::SIGTERM,
    signal::SIGHUP,
    signal::SIGQUIT,
    signal::SIGWINCH,
    signal::SIGUSR1,
    signal::SIGUSR2,
    // A watchdog's `kill -ALRM $$` for a script that traps it.
    signal::SIGALRM,
    signal::SIGTSTP,
    signal::SIGCONT,
    // The rest a job may trap or ignore, which must then not kill the
    // client instead (`trap '' PIPE; (kill -PIPE $$)`).
    signal::SIGPIPE,
    signal::SIGXCPU,
    signal::SIGXFSZ,
    signal::SIGVTALRM,
    signal::SIGPROF,
    signal::SIGSYS,
    signal::SIGTRAP,
    signal::SIGURG,
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
    /// What it needs to accept clients itself, if it does.
    fast: Option<FastFds>,
    /// The connection of the client it serves itself, during that job.
    conn: Option<RawFd>,
    /// Internal descriptors live at or above this number.
    base: RawFd,
}

/// The listening socket and what waits on it.
struct FastFds {
    listener: OwnedFd,
    wait: platform::unix::AcceptWait,
}

impl Internal {
    /// Every internal descriptor.
    fn all(&self) -> impl Iterator<Item = RawFd> + '_ {
        std::iter::once(self.channel.fd())
            .chain(self.log.as_ref().map(AsRawFd::as_raw_fd))
            .chain(
                self.fast
                    .iter()
                    .flat_map(|f| std::iter::once(f.listener.as_raw_fd()).chain(f.wait.own_fd())),
            )
            .chain(self.conn)
    }

    /// Move every internal descriptor below `floor` to `floor` or above
    /// (a job's descriptors go below).
    fn make_room(&mut self, floor: RawFd) -> io::Result<()> {
        if self.channel.fd() < floor {
            self.channel.relocate(floor)?;
        }
        if let Some(l) = self.log.take() {
            self.log = if l.as_raw_fd() < floor {
                move_above(l, floor).ok()
            } else {
                Some(l)
            };
        }
        let control = self.channel.fd();
        if let Some(f) = &mut self.fast {
            if f.listener.as_raw_fd() < floor {
                f.listener = fd::dup_above_owned(f.listener.as_raw_fd(), floor)?;
            }
            if f.wait.own_fd().is_some_and(|w| w < floor) {
                f.wait.relocate(floor)?;
            }
            f.wait.moved(f.listener.as_raw_fd(), control);
        }
        Ok(())
    }

    /// Take up the numbers a job's redirections moved internal
    /// descriptors to (`platform::fd::reserve`, done for every job).
    fn follow_reserved(&mut self) {
        self.channel.follow_reserved();
        if let Some(l) = &mut self.log {
            fd::follow_reserved(l);
        }
        self.conn = self.conn.map(|c| fd::reserved_moved_to(c).unwrap_or(c));
        let control = self.channel.fd();
        if let Some(f) = &mut self.fast {
            fd::follow_reserved(&mut f.listener);
            f.wait.follow_reserved();
            f.wait.moved(f.listener.as_raw_fd(), control);
        }
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

/// What a pool worker needs to accept clients itself (see
/// docs/architecture.md, "Workers accept"): the scoreboard, its slot there,
/// and the listening socket.
pub struct Accepting<'a> {
    pub board: &'a Board,
    pub slot: usize,
    pub listener: RawFd,
    /// How long a client it accepted may take to send its request before
    /// the daemon is handed the connection.
    pub first_wait: Duration,
}

/// How long a worker waits for the first request on a connection it
/// accepted (a `rush` client sends it microseconds after connecting)
/// before handing the connection to the daemon, which has all the time in
/// the world for a slow or stalled peer.
pub const FIRST_WAIT: Duration = Duration::from_millis(5);
/// What a client that sends anything but a signal while its job runs is
/// told (as the daemon tells one whose job it relays).
const BAD_REQUEST: &[u8] = b"rushd: bad request: only signals may come while a job runs";

/// How long a worker keeps a connection whose client may send another job
/// (a job without `JOB_LAST`) before handing it to the daemon.
const LINGER: Duration = Duration::from_millis(100);

/// How far a worker's peak resident memory may grow past what it held
/// when it became ready (with the daemon's startup file loaded) before it
/// retires and the daemon forks a fresh one. Each subshell and command
/// substitution of a job forks the worker, and a fork copies the page
/// tables of all it holds resident (and the child's exit tears them
/// down): on the development VM each MiB cost about 40 µs per fork, so a
/// worker that had kept 9 MiB of earlier jobs' parses ran a job of 300
/// command substitutions in 167 ms against 52 ms in a fresh one. The
/// budget bounds that cost (and the worker's memory) whatever its jobs
/// leave behind, and leaves room for a few large libraries kept warm
/// (a 3,900-line one takes 1.6 MiB).
const MAX_GROWTH: u64 = 8 << 20;

/// The worker's state and the daemon's scoreboard.
struct Worker<'a> {
    internal: Internal,
    board: Option<(&'a Board, usize)>,
    first_wait: Duration,
    anchor: Anchor,
    me: i32,
    /// The daemon that forked it.
    daemon: i32,
    oneshot: bool,
    baseline_umask: u32,
    baseline: super::Baseline,
    euid: u32,
    warm: crate::shell::warm::WarmRef,
    /// Receive buffer for clients it accepted itself.
    buf: Vec<u8>,
    /// The `Cancelling` frame the connection watch sends the daemon.
    cancelling: Vec<u8>,
    /// The `Error` frame it answers a client that sends anything but a
    /// signal while its job runs.
    bad_request: Vec<u8>,
    /// A job has started processes, which may outlive it as this worker's
    /// children ([`Worker::reap_leftovers`]).
    had_children: bool,
    /// Peak resident memory when it became ready ([`MAX_GROWTH`]).
    ready_rss: u64,
    /// This process's CPU time (user, system) when its last job ended, or
    /// when it became ready: where the next job's `times` counts from, as
    /// a fresh shell's counts from its start. Read with the peak memory
    /// after each job, so that a job costs no system call for it.
    cpu_base: (f64, f64),
    /// Its waited-for children's CPU time, read again only after it has
    /// waited for a child.
    children_base: Option<(f64, f64)>,
}

/// The worker process: never returns.
pub fn main(
    channel: OwnedFd,
    log_fd: Option<OwnedFd>,
    oneshot: bool,
    accepting: Option<Accepting<'_>>,
) -> ! {
    // The daemon's signal routing (blocked signals, a self-pipe) must not
    // leak into the worker. The handlers go in before the mask is emptied:
    // a signal the daemon forwards to the job of a worker it has just
    // forked (fork mode) must find them, not the default action.
    signal::set_wakeup_fd(None);
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
    let _ = signal::set_blocked(0);
    // Its own process group: a terminal's ^C meant for a foreground rushd
    // does not reach the workers.
    let _ = process::setpgid(0, 0);

    let limit = process::open_file_limit() as RawFd;
    let base = (limit - 16).clamp(64, 1000);
    let Ok(channel) = move_above(channel, base) else {
        process::exit_now(70)
    };
    let log_fd = log_fd.and_then(|l| move_above(l, base).ok());
    // Accepting clients needs room below the internal descriptors for
    // every descriptor a client passes (numbers below
    // `platform::fd::SCAN_LIMIT`), and the connection watch (Linux).
    let accepting = accepting.filter(|_| {
        base >= fd::SCAN_LIMIT as RawFd && cfg!(any(target_os = "linux", target_os = "android"))
    });
    let listener = accepting
        .as_ref()
        .and_then(|a| fd::dup_above_owned(a.listener, base).ok());
    let fast = match (&accepting, listener) {
        (Some(_), Some(l)) => {
            platform::unix::AcceptWait::new(l.as_raw_fd(), channel.as_raw_fd(), base)
                .ok()
                .map(|wait| FastFds { listener: l, wait })
        }
        _ => None,
    };
    let board = match (&accepting, &fast) {
        (Some(a), Some(_)) => Some((a.board, a.slot)),
        _ => None,
    };
    let keep: Vec<RawFd> = std::iter::once(channel.as_raw_fd())
        .chain(log_fd.as_ref().map(AsRawFd::as_raw_fd))
        .chain(
            fast.iter()
                .flat_map(|f| std::iter::once(f.listener.as_raw_fd()).chain(f.wait.own_fd())),
        )
        .collect();
    // Nothing below the internal descriptors, not even 0–2: see `restore`.
    close_all_but(&keep);
    let _ = process::chdir(b"/");
    let internal = Internal {
        channel: Channel::with_capacity(channel, 64 * 1024),
        log: log_fd,
        fast,
        conn: None,
        base,
    };
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
    let anchor = new_anchor(&internal);
    let mut cancelling = Vec::new();
    Message::Cancelling.encode(&mut cancelling);
    let mut bad_request = Vec::new();
    Message::Error {
        code: crate::proto::ErrorCode::Refused,
        message: BAD_REQUEST.to_vec(),
    }
    .encode(&mut bad_request);
    let ready = process::usage();
    let w = Worker {
        internal,
        board,
        first_wait: accepting.as_ref().map_or(FIRST_WAIT, |a| a.first_wait),
        anchor,
        me: process::getpid(),
        daemon: process::getppid(),
        oneshot,
        baseline_umask: process::get_umask(),
        baseline: super::Baseline::current(),
        euid: process::geteuid(),
        warm,
        buf: Vec::with_capacity(64 * 1024),
        cancelling,
        bad_request,
        had_children: false,
        ready_rss: ready.peak_rss,
        cpu_base: (ready.user, ready.system),
        children_base: None,
    };
    if let Some((b, slot)) = w.board {
        b.set_pid(slot, w.me);
        b.set_pgid(slot, w.anchor.pid);
    }
    let listening = w.settle_idle();
    if w.send_ready(listening).is_err() {
        w.exit(0);
    }
    w.run()
}

impl Worker<'_> {
    fn exit(self, status: i32) -> ! {
        self.anchor.retire();
        process::exit_now(status)
    }

    fn send_ready(&self, listening: bool) -> io::Result<()> {
        self.internal.channel.send_message(&Message::Ready {
            pid: self.me,
            pgid: self.anchor.pid,
            listening,
        })
    }

    /// Idle again: wait on the listening socket too, unless the daemon is
    /// accepting (its queued jobs come first) or has claimed this worker
    /// for a job. Whether it listens.
    fn settle_idle(&self) -> bool {
        let Some((b, slot)) = self.board else {
            return false;
        };
        if b.accepting() {
            b.set_state(slot, state::HELD);
            return false;
        }
        b.set_state(slot, state::LISTENING);
        // The daemon may have started accepting between the two looks; it
        // then either sees this worker listening and claims it, or this
        // worker sees it accepting and waits for its jobs.
        if b.accepting() && b.cas_state(slot, state::LISTENING, state::HELD) {
            return false;
        }
        b.state(slot) == state::LISTENING
    }

    /// Wait for the daemon's messages and, while the scoreboard says this
    /// worker listens, for clients.
    fn run(mut self) -> ! {
        loop {
            // Frames already read come first.
            loop {
                match self.internal.channel.next_frame() {
                    Ok(Some((msg, fds))) => self.on_message(msg, fds),
                    Ok(None) => break,
                    Err(e) => {
                        note(&self.internal, &format!("bad frame from the daemon: {e}"));
                        self.exit(72)
                    }
                }
            }
            self.reap_leftovers();
            let on_listener = self
                .board
                .is_some_and(|(b, slot)| b.state(slot) == state::LISTENING);
            let woke = match &self.internal.fast {
                Some(f) => f.wait.wait(on_listener, -1),
                None => fd::wait_readable(&[self.internal.channel.fd()], &mut [false]).map(|()| {
                    platform::unix::Woke {
                        listener: false,
                        control: true,
                    }
                }),
            };
            let woke = match woke {
                Ok(w) => w,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    note(&self.internal, &format!("cannot wait: {e}"));
                    self.exit(72)
                }
            };
            if woke.control {
                match self.internal.channel.fill(true) {
                    Ok(0) => self.exit(0),
                    Ok(_) => {}
                    Err(ChannelError::Io(e))
                        if matches!(
                            e.kind(),
                            io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted
                        ) => {}
                    Err(e) => {
                        note(&self.internal, &format!("channel: {e}"));
                        self.exit(72)
                    }
                }
            }
            // Even with a message from the daemon: a client woke this
            // worker, and no other, for its connection.
            if woke.listener && on_listener {
                self.take_client();
            }
        }
    }

    /// Reap the background processes earlier jobs left behind. Run
    /// directly, a shell that exits leaves them to `init`; here they stay
    /// the worker's children, and each would stay a zombie for as long as
    /// the worker lives. From the first job that starts a process on,
    /// SIGCHLD is caught between jobs, so that one that ends while the
    /// worker waits interrupts the wait and is reaped here; [`serve`] puts
    /// the default back before each job.
    fn reap_leftovers(&mut self) {
        if !self.had_children {
            return;
        }
        let _ = signal::ensure_disposition(signal::SIGCHLD, Disposition::Catch);
        signal::clear_pending(signal::SIGCHLD);
        platform::child::reap_ended_except(self.anchor.pid);
        self.children_base = None;
    }

    /// A message from the daemon.
    fn on_message(&mut self, msg: Message, fds: Vec<OwnedFd>) {
        match msg {
            Message::Job(job) => self.relay_job(&job, fds),
            Message::Listen => {
                // (Already listening, or claimed for a job meanwhile: then
                // nothing changes.)
                if let Some((b, slot)) = self.board {
                    b.cas_state(slot, state::HELD, state::LISTENING);
                }
            }
            _ => note(&self.internal, "unexpected message from the daemon"),
        }
    }

    /// Run `job` in this process with its descriptors (both ways a job
    /// arrives: `relayed` by the daemon, which then passes the client's
    /// signals on, or from a client of its own).
    fn serve(
        &mut self,
        job: &JobRequest,
        fds: Vec<OwnedFd>,
        relayed: bool,
    ) -> (JobResult, Vec<OwnedFd>) {
        let (cu, cs) = *self
            .children_base
            .get_or_insert_with(process::children_times);
        let times_base = (self.cpu_base.0, self.cpu_base.1, cu, cs);
        let (mut result, kept) = serve(
            &mut self.internal,
            job,
            fds,
            Setting {
                pgid: self.anchor.pid,
                baseline_umask: self.baseline_umask,
                warm: &self.warm,
                relayed_by: relayed.then(process::getppid),
                times_base,
                inheritable: !relayed,
            },
        );
        if result.spawned {
            self.children_base = None;
        }
        if result.retire || self.oneshot {
            return (result, kept);
        }
        // Its processes knew the worker's pid ($PPID) and could change
        // what every later job would inherit: a worker that is not as it
        // started serves no more (some of it it could not put back).
        if result.spawned && !self.baseline.context_unchanged() {
            note(
                &self.internal,
                "retiring: a process of the job changed the worker's resource limits, \
                 scheduling or credentials",
            );
            result.retire = true;
            return (result, kept);
        }
        let now = process::usage();
        self.cpu_base = (now.user, now.system);
        let peak = now.peak_rss;
        if peak > self.ready_rss + MAX_GROWTH {
            note(
                &self.internal,
                &format!(
                    "retiring: it grew from {} to {} KiB resident (limit: {} KiB more)",
                    self.ready_rss >> 10,
                    peak >> 10,
                    MAX_GROWTH >> 10
                ),
            );
            result.retire = true;
        }
        (result, kept)
    }

    /// Run a job the daemon sent, answer it, and report ready.
    fn relay_job(&mut self, job: &JobRequest, fds: Vec<OwnedFd>) {
        // A cancel aimed at an earlier job was delivered before this job
        // could be dispatched; forget it.
        signal::clear_pending(signal::cancel_signal());
        // What the daemon forwarded to this job before it could start
        // (tagged with its client's pid) stays; what was meant for an
        // earlier job goes.
        let _ = signal::take_pending_except(job.pid);
        // The job's client is the daemon's. Should the daemon die
        // meanwhile (SIGKILL, a crash), the client has lost it and the job
        // must end as when a client goes, not run on for no one: the
        // kernel then cancels it (Linux; elsewhere it runs to its end).
        if platform::child::die_with_parent(signal::cancel_signal())
            && process::getppid() != self.daemon
        {
            self.exit_now_retired();
        }
        let (result, kept) = self.serve(job, fds, true);
        platform::child::die_with_parent(0);
        if process::getppid() != self.daemon {
            // It did: what the job left in its group goes too, as the
            // daemon ends a job whose client went. (Its end of the channel
            // may still take a message: io_uring lets go of it late.)
            let _ = process::kill(-self.anchor.pid, signal::SIGKILL);
            self.exit_now_retired();
        }
        self.had_children |= result.spawned;
        // A job that changed this process's hard resource limits (`ulimit`
        // run in the worker itself; soft ones it put back) leaves a worker
        // that cannot serve the next job as the daemon promises: retire
        // it; the daemon forks another.
        let last = self.oneshot || result.retire;
        let mut out = Vec::with_capacity(64);
        // The daemon passes an `Exec` on to the client, descriptors and all.
        match &result.exec {
            Some(exec) => exec.encode(&mut out),
            None => Message::Exit(exit_status(result.outcome)).encode(&mut out),
        }
        let kept_fds: Vec<RawFd> = kept.iter().map(AsRawFd::as_raw_fd).collect();
        // Whatever a job that started processes left in its group
        // (background processes) keeps running there, so the next job gets
        // a fresh group, made after the client has its answer. A job that
        // started none (only builtins) leaves the group as it found it: the
        // worker is ready again at once, in the same message as the status.
        let same_group = !last && !result.spawned;
        if same_group {
            let listening = self.settle_idle();
            Message::Ready {
                pid: self.me,
                pgid: self.anchor.pid,
                listening,
            }
            .encode(&mut out);
        }
        if self.internal.channel.send(&out, &kept_fds).is_err() || last {
            self.exit_now_retired();
        }
        drop(kept);
        if same_group {
            return;
        }
        self.replace_anchor();
        let listening = self.settle_idle();
        if self.send_ready(listening).is_err() {
            self.exit_now_retired();
        }
    }

    fn exit_now_retired(&mut self) -> ! {
        let _ = process::kill(self.anchor.pid, signal::SIGKILL);
        let _ = process::wait_pid_blocking(self.anchor.pid);
        process::exit_now(0)
    }

    /// After a job that started processes: has its group emptied, but
    /// for the anchor? Then the next job can have the same group, and the
    /// worker saves forking a new anchor and ending the old one, which a
    /// client arriving at once would wait for. Most jobs that start
    /// processes wait for all of them (a make recipe); a background one
    /// still running keeps the group, and the next job gets a fresh one.
    /// Only for jobs of the worker's own clients: the daemon, which
    /// cancels the jobs it relays by killing their group again and again
    /// until it reads their end, could otherwise reach the next job.
    ///
    /// The anchor steps into the worker's group for a moment: if no
    /// process is left in its own, that group is gone (`kill` says there
    /// is no such group), and the anchor, stepping back, makes it anew
    /// under the same number, its pid.
    fn anchor_alone(&mut self) -> bool {
        // Ended children in the group would keep it.
        self.reap_leftovers();
        let pid = self.anchor.pid;
        if process::setpgid(pid, self.me).is_err() {
            return false;
        }
        let empty =
            process::kill(-pid, 0).is_err_and(|e| e.raw_os_error() == Some(platform::errno::ESRCH));
        process::setpgid(pid, pid).is_ok() && empty
    }

    fn replace_anchor(&mut self) {
        let old = std::mem::replace(&mut self.anchor, Anchor { pid: 0 });
        old.retire();
        self.children_base = None;
        self.anchor = new_anchor(&self.internal);
        if let Some((b, slot)) = self.board {
            b.set_pgid(slot, self.anchor.pid);
        }
    }

    /// A connection this worker accepted, moved above the job's
    /// descriptor numbers like every internal one (`None`, noted, when it
    /// cannot be).
    fn lift(&self, conn: OwnedFd) -> Option<OwnedFd> {
        move_above(conn, self.internal.base)
            .map_err(|e| note(&self.internal, &format!("cannot move a connection: {e}")))
            .ok()
    }

    /// The listening socket is readable: take a client and serve it.
    fn take_client(&mut self) {
        let Some((b, slot)) = self.board else {
            return;
        };
        let listener = self
            .internal
            .fast
            .as_ref()
            .map_or(-1, |f| f.listener.as_raw_fd());
        if !b.cas_state(slot, state::LISTENING, state::SERVING) {
            // The daemon claimed this worker: its job is on the channel.
            // The client whose connection woke this worker woke no other
            // (the kernel wakes one waiting worker per connection, and the
            // daemon looked for such clients just before its claim, not
            // after): it goes to the daemon, not to wait for this job.
            if let Some(conn) = platform::unix::accept(listener)
                .ok()
                .and_then(|c| self.lift(c))
            {
                self.handoff(conn, &[], Vec::new());
            }
            return;
        }
        let conn = match platform::unix::accept(listener) {
            Ok(c) => c,
            Err(e)
                if e.kind() == io::ErrorKind::WouldBlock
                    || e.kind() == io::ErrorKind::Interrupted =>
            {
                // Someone else took the client: another worker, or the
                // daemon, which may have started accepting while this
                // worker's slot said SERVING, and then, finding no idle
                // worker, queued the client's job. Idle again the way a
                // worker is after a job: told that the daemon accepts, it
                // reports ready for that job rather than listen on (the
                // queued job once waited, 1 time in 10 runs of 3,000
                // sequential jobs on one slowed worker, until another
                // client came, up to the client's 3 s limit).
                if !self.settle_idle() && b.state(slot) == state::HELD {
                    let _ = self.send_ready(false);
                }
                return;
            }
            Err(e) => {
                // Out of descriptors, most likely: the daemon has the
                // backlog while this worker pauses.
                note(&self.internal, &format!("accept: {e}"));
                b.set_state(slot, state::HELD);
                let _ = self.internal.channel.send_message(&Message::Saturated);
                let _ = self.send_ready(false);
                platform::child::sleep_ms(100);
                return;
            }
        };
        if b.last_listener_gone(Some(slot)) {
            // The last idle worker is busy now: the daemon may have to
            // take the clients that come meanwhile.
            let _ = self.internal.channel.send_message(&Message::Saturated);
        }
        match self.lift(conn) {
            Some(conn) => {
                self.serve_client(conn);
                b.set_client(slot, 0);
            }
            // It would fail every client it took (its descriptor limit was
            // lowered under it): a fresh worker takes its place. This
            // client, its connection dropped unread, runs the job itself.
            None => self.exit_now_retired(),
        }
        let now = process::monotonic_ns();
        let tick = b.take_tick(now);
        let listening = self.settle_idle();
        if tick {
            let _ = self.internal.channel.send_message(&Message::Tick);
        }
        if !listening && b.state(slot) == state::HELD {
            // The daemon is accepting and may have jobs queued for it.
            let _ = self.send_ready(false);
        }
    }

    /// Serve the jobs of a client this worker accepted, until its last one
    /// or until the connection is handed to the daemon.
    fn serve_client(&mut self, conn: OwnedFd) {
        let peer_pid = match platform::unix::peer_ids(conn.as_raw_fd()) {
            Ok((uid, pid)) if uid == self.euid => pid,
            Ok((uid, _)) => {
                return note(
                    &self.internal,
                    &format!("refused a connection from uid {uid}"),
                );
            }
            Err(e) => {
                return note(
                    &self.internal,
                    &format!("cannot read a peer's credentials: {e}"),
                );
            }
        };
        if let (Some((b, slot)), Some(pid)) = (self.board, peer_pid) {
            b.set_client(slot, pid);
        }
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        let mut fds: Vec<OwnedFd> = Vec::new();
        let mut wait = self.first_wait;
        let mut prepared = false;
        loop {
            let used = match read_frame(conn.as_raw_fd(), &mut buf, &mut fds, wait) {
                Read::Frame(used) => used,
                Read::Closed => break,
                Read::Stalled => {
                    note(
                        &self.internal,
                        &format!(
                            "handing a client to the daemon: no whole request within {} ms",
                            wait.as_millis()
                        ),
                    );
                    self.handoff(conn, &buf, fds);
                    break;
                }
            };
            // (A connection's network namespace is checked at its first job.)
            let netns_unknown = (!prepared).then_some(conn.as_raw_fd());
            let Some(job) = self.own_job(netns_unknown, peer_pid, &buf[..used], fds.len()) else {
                self.handoff(conn, &buf, fds);
                break;
            };
            if !prepared {
                if let Err(e) = platform::connwatch::prepare(conn.as_raw_fd(), self.me) {
                    note(&self.internal, &format!("cannot watch a connection: {e}"));
                    self.handoff(conn, &buf, fds);
                    break;
                }
                prepared = true;
            }
            let job_fds = std::mem::take(&mut fds);
            let leftover = buf[used..].to_vec();
            buf.clear();
            match self.own_job_run(conn.as_raw_fd(), &job, job_fds, &leftover) {
                Served::Answered if job.flags & JOB_LAST == 0 => wait = LINGER,
                _ => break,
            }
        }
        self.buf = buf;
    }

    /// The job in `frame`, if this worker can run it as the daemon would;
    /// anything else (another kind of request, a malformed one, a client
    /// whose context differs) goes to the daemon, which answers it as it
    /// always does. `conn` is the connection while its network namespace
    /// is still to be checked ([`super::Baseline::refusal`]).
    fn own_job(
        &self,
        conn: Option<RawFd>,
        peer_pid: Option<i32>,
        frame: &[u8],
        nfds: usize,
    ) -> Option<JobRequest> {
        let (h, payload, _) = split(frame).ok()??;
        if h.kind != Kind::Job || usize::from(h.nfds) != nfds {
            return None;
        }
        let Ok(Message::Job(job)) = Message::decode(&h, payload) else {
            return None;
        };
        let room = job.fds.iter().all(|&t| t < self.internal.base);
        let same = self
            .baseline
            .refusal(conn, peer_pid, job.pid, &job.context)
            .is_none();
        (same && room).then_some(job)
    }

    /// Run a job for a client this worker accepted, watching the client
    /// while it runs.
    fn own_job_run(
        &mut self,
        conn: RawFd,
        job: &JobRequest,
        fds: Vec<OwnedFd>,
        leftover: &[u8],
    ) -> Served {
        let Some((b, slot)) = self.board else {
            return Served::Gone;
        };
        // A stamp of 0 (or from the future) says nothing of the wait.
        let now = process::monotonic_ns();
        let waited = (job.sent_ns != 0 && job.sent_ns <= now).then(|| (now - job.sent_ns) / 1000);
        b.job_started(slot, job.pid, waited);
        signal::clear_pending(signal::cancel_signal());
        let _ = signal::take_pending();
        self.internal.conn = Some(conn);
        let live = platform::connwatch::arm(&platform::connwatch::Watch {
            fd: conn,
            pgid: self.anchor.pid,
            notify_fd: self.internal.channel.fd(),
            notice: &self.cancelling,
            bad_reply: &self.bad_request,
            leftover,
            parser: watch_parse,
        });
        // No `Started`: the client learns that its job was taken from the
        // job's answer, or, should this worker die, from a connection that
        // ends with the request read (docs/protocol.md, "Started or not").
        // One message and one wake-up of the client less on every job.
        let result = if live {
            Some(self.serve(job, fds, false))
        } else {
            drop(fds);
            None
        };
        let ended = platform::connwatch::disarm();
        if ended == platform::connwatch::Ended::Bad {
            note(
                &self.internal,
                &format!(
                    "dropping a client: {}",
                    String::from_utf8_lossy(BAD_REQUEST)
                ),
            );
        }
        let gone = ended != platform::connwatch::Ended::Fine || result.is_none();
        // (At another number if the job's redirections moved it.)
        let conn = self.internal.conn.take().unwrap_or(conn);
        let mut served = Served::Gone;
        if b.aborted(slot) && !gone {
            // The daemon is stopping and ended the job: say so, as it
            // says it for the jobs it relays.
            let mut out = Vec::with_capacity(128);
            Message::Error {
                code: crate::proto::ErrorCode::WorkerLost,
                message: format!(
                    "rush: rushd stopped before the job finished (worker pid {})",
                    self.me
                )
                .into_bytes(),
            }
            .encode(&mut out);
            let _ = send_small(conn, &out, &[]);
            b.job_ended(slot, process::monotonic_ns());
            b.set_state(slot, state::LEAVING);
            self.exit_now_retired();
        }
        self.had_children |= result.as_ref().is_none_or(|(r, _)| r.spawned);
        if let Some((r, kept)) = result.filter(|_| !gone) {
            let mut out = Vec::with_capacity(16);
            // The watch is off: the client that execs the utility handed to
            // it closes the connection, which is no cancellation.
            let fds: Vec<RawFd> = kept.iter().map(AsRawFd::as_raw_fd).collect();
            match r.exec {
                Some(ref exec) => exec.encode(&mut out),
                None => Message::Exit(exit_status(r.outcome)).encode(&mut out),
            }
            if send_small(conn, &out, &fds).is_ok() {
                served = Served::Answered;
            }
            drop(kept);
            if r.retire {
                b.job_ended(slot, process::monotonic_ns());
                b.set_state(slot, state::LEAVING);
                self.exit_now_retired();
            }
            if r.spawned && !self.anchor_alone() {
                self.replace_anchor();
            }
        } else {
            // Cancelled: whatever joined the group since the watch's kill
            // goes too, and the group with it.
            let _ = process::kill(-self.anchor.pid, signal::SIGKILL);
            self.replace_anchor();
        }
        b.job_ended(slot, process::monotonic_ns());
        served
    }

    /// Give the daemon a connection this worker will not serve, with what
    /// was already read from it.
    fn handoff(&self, conn: OwnedFd, data: &[u8], fds: Vec<OwnedFd>) {
        if data.len() > (crate::proto::MAX_PAYLOAD as usize) / 2 || fds.len() + 1 > MAX_FDS {
            return note(
                &self.internal,
                "dropping a client whose request is too large to hand over",
            );
        }
        let mut out = Vec::with_capacity(data.len() + 32);
        Message::Handoff {
            data: data.to_vec(),
            nfds: fds.len() + 1,
        }
        .encode(&mut out);
        let raw: Vec<RawFd> = std::iter::once(conn.as_raw_fd())
            .chain(fds.iter().map(AsRawFd::as_raw_fd))
            .collect();
        if let Err(e) = self.internal.channel.send(&out, &raw) {
            note(
                &self.internal,
                &format!("cannot hand a client to the daemon: {e}"),
            );
        }
    }
}

/// How a job for a client the worker accepted ended.
enum Served {
    /// It ran and the client has its status.
    Answered,
    /// The client went away (or could not be told).
    Gone,
}

fn exit_status(outcome: JobOutcome) -> ExitStatus {
    match outcome {
        JobOutcome::Exited(c) => ExitStatus::Exited(c),
        JobOutcome::Signaled {
            signal,
            core_dumped,
        } => ExitStatus::Signaled {
            signal,
            core_dumped,
        },
    }
}

/// The connection watch's parser: the one frame a client sends while its
/// job runs.
fn watch_parse(bytes: &[u8]) -> platform::connwatch::Parsed {
    use platform::connwatch::Parsed;
    match crate::proto::signal_frame(bytes) {
        SignalFrame::Incomplete => Parsed::Incomplete,
        SignalFrame::Signal {
            signal,
            from_group,
            used,
        } => Parsed::Signal {
            signal,
            from_group,
            used,
        },
        SignalFrame::Other => Parsed::Bad,
    }
}

/// How long a worker waits awake for a request it has not yet read whole
/// ([`fd::poll_readable_spinning`]): a client connects first and prepares
/// its request while the worker wakes up (src/client/mod.rs), so the
/// request usually follows within some tens of microseconds. A client that
/// is slower costs the worker at most this much CPU time.
const REQUEST_SPIN_NS: u64 = 100_000;

/// What [`read_frame`] got.
enum Read {
    /// A whole frame of this many bytes at the front of the buffer.
    Frame(usize),
    /// The client closed the connection (or it failed).
    Closed,
    /// No whole frame in time, or one this worker does not parse: the
    /// daemon's business.
    Stalled,
}

/// Read from a non-blocking connection until `buf` holds a whole frame,
/// waiting at most `wait` for more.
fn read_frame(conn: RawFd, buf: &mut Vec<u8>, fds: &mut Vec<OwnedFd>, wait: Duration) -> Read {
    let deadline = std::time::Instant::now() + wait;
    let mut spin = REQUEST_SPIN_NS;
    loop {
        match split(buf) {
            Ok(Some((_, _, used))) => return Read::Frame(used),
            Ok(None) => {}
            Err(_) => return Read::Stalled,
        }
        if fds.len() > MAX_FDS {
            return Read::Stalled;
        }
        // Inheritable: they are the job's, and nothing runs a program
        // before they are installed or closed.
        match platform::unix::recv_with_fds_inheritable(conn, buf, fds, true) {
            Ok(r) if r.truncated => return Read::Closed,
            Ok(r) if r.len == 0 => return Read::Closed,
            Ok(_) => continue,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(_) => return Read::Closed,
        }
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            return Read::Stalled;
        }
        let ms = left.as_millis().clamp(1, i32::MAX as u128) as i32;
        // Awake, once per call, for a request a client that has just
        // connected is still preparing (or the rest of one that has begun,
        // or the next job on a connection kept after one): it usually
        // comes within microseconds, sooner than this CPU would wake.
        let spin = std::mem::take(&mut spin);
        if !matches!(fd::poll_readable_spinning(conn, spin, ms), Ok(true))
            && std::time::Instant::now() >= deadline
        {
            return Read::Stalled;
        }
    }
}

/// Send a frame on a non-blocking connection, the descriptors with its
/// first byte, waiting for room whenever its buffer is full (a large
/// `Exec`, with the job's whole environment), but never more than
/// [`SEND_STALL`] for a client that does not read.
fn send_small(conn: RawFd, bytes: &[u8], mut fds: &[RawFd]) -> io::Result<()> {
    let mut rest = bytes;
    while !rest.is_empty() {
        match platform::unix::send_with_fds(conn, rest, fds, true) {
            Ok(n) => {
                rest = &rest[n..];
                fds = &[];
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                let ms = SEND_STALL.as_millis() as i32;
                match fd::poll_writable(conn, ms) {
                    Ok(true) => {}
                    Ok(false) => return Err(e),
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// How long [`send_small`] waits for a client to make room.
const SEND_STALL: Duration = Duration::from_secs(1);

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

/// What [`serve`] runs a job with besides the job itself.
struct Setting<'a> {
    /// The process group the job's children join.
    pgid: i32,
    baseline_umask: u32,
    warm: &'a crate::shell::warm::WarmRef,
    /// The daemon's pid, for a job it relays.
    relayed_by: Option<i32>,
    /// Where the job's `times` counts from ([`JobContext::times_base`]).
    times_base: (f64, f64, f64, f64),
    /// The job's descriptors came without close-on-exec (from a client of
    /// the worker's own, [`read_frame`]).
    inheritable: bool,
}

/// Run one job: install its world, run it, restore the baseline.
fn serve(
    internal: &mut Internal,
    job: &JobRequest,
    mut fds: Vec<OwnedFd>,
    setting: Setting<'_>,
) -> (JobResult, Vec<OwnedFd>) {
    let Setting {
        pgid,
        baseline_umask,
        warm,
        relayed_by,
        times_base,
        inheritable,
    } = setting;
    // From here on, what the job's shell receives (`ExecRequest::seen`).
    let _ = signal::take_arrived();
    // Caught between jobs once a job has left children
    // (`Worker::reap_leftovers`); the job has it at its default, as
    // directly. No system call while it is.
    let _ = signal::ensure_disposition(signal::SIGCHLD, Disposition::Default);
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
    if let Err(e) = install_fds(internal, fds, inheritable, &job.fds) {
        note(
            internal,
            &format!("cannot install the client's descriptors: {e}"),
        );
        restore(internal, baseline_umask, &[]);
        let result = JobResult {
            outcome: JobOutcome::Exited(126),
            retire: false,
            spawned: false,
            exec: None,
        };
        return (result, Vec::new());
    }
    // Between jobs the umask is the baseline and the mask empty (`restore`):
    // only a difference costs a system call.
    if job.umask != baseline_umask {
        process::set_umask(job.umask);
    }
    // The job starts with the client's mask; only the cancel signal must
    // always get through.
    let blocked = job.blocked & !signal::bit(signal::cancel_signal());
    if blocked != 0 {
        let _ = signal::set_blocked(blocked);
    }
    let ctx = JobContext {
        argv: &job.argv,
        env: &job.env,
        client_pid: job.pid,
        client_ppid: job.ppid,
        job_pgid: pgid,
        ignored_signals: job.ignored,
        worker_caught: worker_caught(),
        warm: Some(warm),
        relayed_by,
        may_hand_back: job.flags & JOB_LAST != 0,
        times_base,
    };
    // The job must not see the worker's own descriptors: to it they are
    // closed numbers, which it may take for its own (`exec 1000>file`);
    // the shell then moves them, and the worker, its descriptors now at
    // numbers it did not choose, serves no further job.
    let reserved: smallvec::SmallVec<[RawFd; 8]> = internal.all().collect();
    fd::reserve(&reserved);
    let mut result = crate::shell::job::run_job(&ctx);
    if fd::any_reserved_moved() {
        internal.follow_reserved();
        note(
            internal,
            "retiring: a job took the number of one of the worker's descriptors",
        );
        result.retire = true;
    }
    fd::reserve(&[]);
    if let Some(exec) = &mut result.exec {
        // What was sent to the shell while the mask held it back waits for
        // the utility, as it would across a direct shell's exec. (A SIGCHLD
        // from a process an earlier job left is not this job's.)
        let mut pending = signal::kernel_pending() & blocked;
        if !result.spawned {
            pending &= !signal::bit(signal::SIGCHLD);
        }
        exec.pending = pending;
        // One that arrived and is still pending, the shell never acted on
        // (it came after the job's last look): the client delivers it.
        exec.seen = signal::take_arrived() & !signal::pending_set();
    }
    let mut kept = Vec::new();
    if let Some(exec) = &result.exec {
        match keep_for_exec(internal, exec) {
            Ok(fds) => kept = fds,
            Err(e) => {
                let line = format!("rush: cannot hand the command to the client: {e}\n");
                let _ = fd::write_all(2, line.as_bytes());
                result.exec = None;
                result.outcome = JobOutcome::Exited(126);
            }
        }
    }
    let kept_fds: smallvec::SmallVec<[RawFd; 8]> = kept.iter().map(AsRawFd::as_raw_fd).collect();
    restore(internal, baseline_umask, &kept_fds);
    (result, kept)
}

/// For a job that handed its last utility to the client: copies, above
/// the job's numbers (`restore` closes those), of the descriptors the
/// utility inherits, in the request's order, then of the job's directory
/// if the job changed it.
fn keep_for_exec(
    internal: &Internal,
    exec: &crate::proto::ExecRequest,
) -> io::Result<Vec<OwnedFd>> {
    let mut kept = Vec::with_capacity(exec.fds.len() + 1);
    for &n in &exec.fds {
        kept.push(fd::dup_above_owned(n, internal.base)?);
    }
    if exec.flags & crate::proto::EXEC_CWD != 0 {
        let cwd = fd::open_cwd()?;
        kept.push(fd::dup_above_owned(cwd.as_raw_fd(), internal.base)?);
    }
    Ok(kept)
}

/// Close every descriptor but the internal ones and `also` (0–2 included:
/// a worker waits for its next job with no standard descriptors, so that
/// the next client's 0, 1 and 2 arrive at exactly those numbers), go back
/// to `/`, reset the umask and signal mask.
fn restore(internal: &Internal, baseline_umask: u32, also: &[RawFd]) {
    // Every descriptor but the internal ones belongs to the job that just
    // ended: those below them (`install_fds` keeps the internal ones above
    // every target), and any the job opened among or above them (`exec
    // 1010<file`), which the next job, maybe another client's, must find
    // closed. The job opened descriptors only through the platform layer,
    // which counts the highest number it handed out: closing up to there
    // is closing all.
    let top = fd::high_water();
    let mut keep: smallvec::SmallVec<[RawFd; 16]> =
        internal.all().chain(also.iter().copied()).collect();
    keep.sort_unstable();
    let mut first = 0;
    for k in keep {
        if k > top {
            break;
        }
        fd::close_range(first, k - 1);
        first = k + 1;
    }
    fd::close_range(first, top);
    fd::reset_high_water(-1);
    let _ = process::chdir(b"/");
    process::reset_umask(baseline_umask);
    let _ = signal::unblock_all();
    let _ = signal::take_pending();
}

/// Install `received[i]` at `targets[i]` (not close-on-exec, as the client
/// had it). The worker waits with nothing open below its internal
/// descriptors, so the kernel puts received descriptors at the lowest free
/// numbers: a client's 0, 1 and 2 usually land exactly where they belong
/// and cost nothing when received `inheritable`, else an `fcntl` each. The
/// rest are moved, after lifting any received descriptor that sits on
/// another one's target out of the way.
fn install_fds(
    internal: &mut Internal,
    received: Vec<OwnedFd>,
    inheritable: bool,
    targets: &[i32],
) -> io::Result<()> {
    if received.len() != targets.len() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "descriptor count differs from the list",
        ));
    }
    let top = targets.iter().copied().max().unwrap_or(-1) + 1;
    // Internal descriptors must end up above every target.
    internal.make_room(top.max(internal.base))?;
    let mut pending: Vec<(OwnedFd, RawFd)> = Vec::new();
    for (r, &t) in received.into_iter().zip(targets) {
        if r.as_raw_fd() == t {
            if !inheritable {
                fd::clear_cloexec(t)?;
            }
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
