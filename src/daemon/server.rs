//! The completion loop: one thread, a slab of connections (the listener,
//! clients, worker channels), the idle-worker deque and the bounded queue.
//!
//! Where workers accept clients themselves (docs/architecture.md, "Workers
//! accept") the loop accepts only while every worker is busy, and learns
//! the rest from the scoreboard ([`super::board`]) and from the workers'
//! rare messages (`Saturated`, `Handoff`, `Cancelling`, `Tick`).
//!
//! A token is a slab index, a 24-bit generation and the op kind, so a late
//! completion for a closed connection can never touch its successor. A
//! connection's slot is freed only when its last op has completed: closing
//! cancels its ops first and closes its descriptor after.

use super::board::{Board, state};
use super::config::Config;
use super::log;
use super::worker;
use crate::proto::message::{JOB_WAIT, JobSummary};
use crate::proto::{
    ErrorCode, ExitStatus, FrameError, HEADER_LEN, Kind, Message, StatusReport, WorkerReport,
    WorkerState, split,
};
use platform::event::{BackendKind, Completion, Driver, Op, Outcome, Token};
use platform::process::{self, Fork, WaitStatus};
use platform::signal;
use slab::Slab;
use std::collections::VecDeque;
use std::io;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::time::{Duration, Instant};

const OP_RECV: u64 = 0;
const OP_SEND: u64 = 1;
const OP_ACCEPT: u64 = 2;
const OP_CLOSE: u64 = 3;
const OP_WAIT: u64 = 4;

/// How many clients in a row a daemon started on first use refuses for
/// their context, serving none, before it stops (`Server::context_refused`).
const REFUSALS_TO_STOP: u32 = 16;

/// Tokens of the daemon itself: bit 63, which slab tokens never set (a
/// slab index stays below 2^31: each entry is a connection, far fewer than
/// any fd limit allows).
const DAEMON: u64 = 1 << 63;
const SIGNAL_TOKEN: Token = Token(DAEMON | 1);
const GRACE_TOKEN: Token = Token(DAEMON | 2);
const ACCEPT_RETRY_TOKEN: Token = Token(DAEMON | 3);
const IDLE_TOKEN: Token = Token(DAEMON | 4);
/// The periodic sweep that closes clients past their request deadline.
const SWEEP_TOKEN: Token = Token(DAEMON | 5);
/// Another try at forking the workers the pool is missing.
const RESPAWN_TOKEN: Token = Token(DAEMON | 6);
/// Follow-up on cancelled jobs that have not ended yet.
const CANCEL_TOKEN: Token = Token(DAEMON | 7);
/// Every worker was busy a moment ago: accept, unless one listens again.
const SATURATED_TOKEN: Token = Token(DAEMON | 8);
/// The workers told to end their own clients' jobs have had their time.
const GRACE_KILL_TOKEN: Token = Token(DAEMON | 9);
/// The successor's readiness pipe ([`Server::upgrade`]).
const SUCCESSOR_READY_TOKEN: Token = Token(DAEMON | 10);
/// The successor process ended.
const SUCCESSOR_EXIT_TOKEN: Token = Token(DAEMON | 11);
/// The oldest job in the queue may have waited its time
/// ([`Config::queue_wait`](crate::daemon::config::Config::queue_wait)).
const QUEUE_TOKEN: Token = Token(DAEMON | 12);

/// How long accepting pauses when the descriptor table is full, unless a
/// descriptor of ours frees first.
const ACCEPT_PAUSE: Duration = Duration::from_millis(100);
/// How long to wait before forking a missing worker again.
const RESPAWN_PAUSE: Duration = Duration::from_millis(200);
/// How often, at most, the executable on disk is compared with the one
/// running (on accept: an idle daemon costs nothing).
const EXE_CHECK_INTERVAL: Duration = Duration::from_secs(1);
/// How often the process group of a cancelled job that has not ended is
/// killed again: a process the job started just after the first kill
/// (between the worker's `Started` and its next check for the cancel
/// signal) joined the group too late for it.
const CANCEL_RECHECK: Duration = Duration::from_millis(100);
/// A worker that has not given up a cancelled job by then is killed and
/// replaced.
const CANCEL_DEADLINE: Duration = Duration::from_secs(2);
/// Frames queued to one peer that does not read them before it is dropped.
const MAX_QUEUED_FRAMES: usize = 64;

/// How long a worker that was told to end its own client's job (the
/// daemon is stopping) has to tell its client so, before it is killed.
const ABORT_DEADLINE: Duration = Duration::from_millis(500);

/// How long after the last listening worker got busy the daemon starts
/// accepting, unless a worker listens again by then. Clients that come
/// meanwhile wait in the listening socket's backlog, as they would in the
/// daemon's queue; what the daemon adds is the queue's limit and its
/// count, which can wait this long, while a worker that serves one short
/// job after another is spared a round of messages per job.
const SATURATED_PAUSE: Duration = Duration::from_millis(5);

/// Dispatch-latency samples kept for percentiles.
const LATENCY_WINDOW: usize = 1024;
/// At most this many connections taken from the backlog at once
/// ([`Server::take_backlog`]).
const BACKLOG_SWEEP: usize = 64;

/// A connection's identity: slot and generation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct ConnId {
    index: u32,
    generation: u32,
}

impl ConnId {
    /// The id of `c`, the connection at slab index `i`.
    fn of(i: usize, c: &Conn) -> ConnId {
        ConnId {
            index: i as u32,
            generation: c.generation,
        }
    }

    fn token(self, op: u64) -> Token {
        Token((u64::from(self.index) << 32) | (u64::from(self.generation & 0xff_ffff) << 8) | op)
    }

    fn from_token(t: Token) -> Option<(ConnId, u64)> {
        if t.0 & DAEMON != 0 {
            return None;
        }
        Some((
            ConnId {
                index: (t.0 >> 32) as u32,
                generation: ((t.0 >> 8) & 0xff_ffff) as u32,
            },
            t.0 & 0xff,
        ))
    }
}

/// A job waiting for, or on its way to, a worker.
struct Job {
    /// The request frame, forwarded to the worker as received.
    frame: Vec<u8>,
    /// The client's pid, as the request gives it: the tag of the signals
    /// forwarded to the job ([`platform::signal::send_tagged`]).
    client_pid: i32,
    /// The client's directory and descriptors.
    fds: Vec<OwnedFd>,
    received: Instant,
}

enum ClientState {
    /// Connected; no job yet (or the last one finished).
    Idle,
    /// Waiting in the queue.
    Queued(Job),
    /// A worker runs its job.
    Running { worker: ConnId },
    /// Sent a stop request; the connection closes when the daemon exits.
    StopWaiter,
    /// Asked how its job ended (`Fate`) while the worker that accepted it
    /// has not been seen to end yet: answered when it has.
    AwaitingFate { client_pid: i32 },
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Phase {
    /// Forked; no `Ready` yet.
    Starting,
    Idle,
    Busy {
        client: ConnId,
    },
    /// Finished a job; no `Ready` yet.
    Restoring,
    /// Its channel is closed or it was killed; waiting to be reaped.
    Down,
}

struct Worker {
    pid: i32,
    /// The process group of its current or next job.
    pgid: i32,
    phase: Phase,
    jobs: u64,
    /// Fork-per-request: exits after one job and is not replaced.
    oneshot: bool,
    reaped: bool,
    /// The pid of the client of its current or last job, which tags the
    /// signals forwarded to it.
    job_tag: i32,
    /// The worker reported `Started` for its current job.
    started: bool,
    /// The job's client went away before `Started`: cancel it on arrival
    /// (the worker forgets cancels that precede a job).
    cancel_on_start: bool,
    /// The process has ended (why); its channel is being drained.
    exited: Option<String>,
    /// Replaced (SIGHUP): it finishes its job, if any, then goes, and is
    /// not replaced again.
    retiring: bool,
    /// When its job was cancelled (its client went away), until `Exit`.
    cancelled: Option<Instant>,
    /// Its slot on the scoreboard, when it accepts clients itself.
    slot: Option<usize>,
    /// The scoreboard's job number of the job of its own that was
    /// cancelled: that job is over once the number moves.
    cancel_seq: u64,
    /// The daemon killed it (SIGKILL): its death says nothing of its job.
    killed: bool,
    /// It died of this signal, not sent by the daemon: the job's shell,
    /// run directly, would have died of it (`ulimit -t`'s SIGKILL, a
    /// job's `kill -KILL $PPID`), and so the job's client does, after a
    /// message (`Message::WorkerDied`).
    died_of: Option<ExitStatus>,
}

impl Worker {
    /// Idle, and holding off the listening socket (for the daemon's jobs).
    fn holds_off(&self, b: &Board) -> bool {
        self.phase == Phase::Idle && self.slot.is_some_and(|s| b.state(s) == state::HELD)
    }
}

/// How a job of a worker's own client ended with its worker's death.
struct Fate {
    client_pid: i32,
    /// The worker's death signal (see [`Worker::died_of`]), if any, and
    /// what the client prints before it dies of it or exits 125.
    status: Option<ExitStatus>,
    message: Vec<u8>,
    at: Instant,
}

/// How many [`Fate`]s are kept, and how long: a client asks at once.
const FATES_KEPT: usize = 32;
const FATE_KEPT_FOR: Duration = Duration::from_secs(10);

enum Role {
    Listener,
    Client(ClientState),
    Worker(Worker),
}

struct Conn {
    generation: u32,
    /// `None` once its close was submitted.
    fd: Option<OwnedFd>,
    raw: RawFd,
    /// The receive buffer (when no receive is in flight) and how much of it
    /// has been consumed.
    rbuf: Option<Vec<u8>>,
    start: usize,
    /// Descriptors that arrived ahead of the frames that claim them.
    fds: VecDeque<OwnedFd>,
    out: VecDeque<(Vec<u8>, Vec<OwnedFd>)>,
    recv_inflight: bool,
    send_inflight: bool,
    accept_inflight: bool,
    wait_inflight: bool,
    close_inflight: bool,
    /// Descriptors sent on this worker channel were lost (the daemon had
    /// no room for them): the frame that declared them is dropped.
    lost_fds: bool,
    closing: bool,
    close_after_flush: bool,
    /// When a client connection began waiting on its peer: connected,
    /// finished a job, or started flushing its last frame. The sweep closes
    /// it once this is older than the request timeout.
    since: Instant,
    role: Role,
}

impl Conn {
    fn new(generation: u32, fd: OwnedFd, role: Role) -> Conn {
        Conn {
            generation,
            raw: fd.as_raw_fd(),
            fd: Some(fd),
            rbuf: Some(Vec::with_capacity(1024)),
            start: 0,
            fds: VecDeque::new(),
            out: VecDeque::new(),
            recv_inflight: false,
            send_inflight: false,
            accept_inflight: false,
            wait_inflight: false,
            close_inflight: false,
            lost_fds: false,
            closing: false,
            close_after_flush: false,
            since: Instant::now(),
            role,
        }
    }

    fn idle(&self) -> bool {
        !(self.recv_inflight
            || self.send_inflight
            || self.accept_inflight
            || self.wait_inflight
            || self.close_inflight)
    }
}

/// Counters for `rushd status`.
#[derive(Default)]
struct Stats {
    jobs_served: u64,
    busy_refusals: u64,
    context_refusals: u64,
    last_refusal: &'static str,
    respawns: u64,
    latency_us: VecDeque<u32>,
}

/// The daemon's state.
pub struct Server {
    cfg: Config,
    driver: Driver,
    conns: Slab<Conn>,
    next_generation: u32,
    listener: Option<ConnId>,
    /// Idle workers, oldest first: the one that finished longest ago has had
    /// the most time to make its fresh process-group anchor.
    idle: VecDeque<ConnId>,
    /// Clients waiting for a worker (entries may be stale: checked on pop),
    /// each with the time it is answered busy, unless it asked to wait.
    queue: VecDeque<(ConnId, Option<Instant>)>,
    queued: usize,
    /// A [`QUEUE_TOKEN`] timeout is in flight.
    queue_timer_armed: bool,
    live_workers: usize,
    stopping: bool,
    started: Instant,
    /// When the last job arrived or ended: the idle-exit timer counts from
    /// here.
    last_job: Instant,
    /// Clients refused in a row for their context, and since when, with
    /// no job served in between (`context_refused`).
    refused_in_row: u32,
    refused_since: Option<Instant>,
    /// How the jobs of workers' own clients ended when their worker died
    /// during them, for the clients' `Fate` questions (recent ones only).
    fates: VecDeque<Fate>,
    stats: Stats,
    baseline: super::Baseline,
    euid: u32,
    log_fd: Option<OwnedFd>,
    completions: Vec<Completion>,
    /// A sweep timer is in flight.
    sweep_armed: bool,
    /// Accept failed for want of descriptors; it resumes when one of ours
    /// closes or the pause ends.
    accept_paused: bool,
    accept_retry_armed: bool,
    respawn_armed: bool,
    cancel_armed: bool,
    saturated_armed: bool,
    /// The executable as it was on disk at start, and when it was last
    /// compared.
    exe: Option<(std::path::PathBuf, ExeId)>,
    exe_checked: Instant,
    /// Stopping to re-execute a changed binary (not to exit).
    restart: bool,
    /// The new binary, started to take over the socket.
    successor: Option<Successor>,
    /// The grace period of a stop is running: running jobs are ended
    /// when it is over.
    grace_armed: bool,
    /// The socket's lock ([`super::serve`]), released before the last
    /// connections close: a `rushd stop` that sees its connection close
    /// may start the next daemon at once.
    lock: Option<OwnedFd>,
    /// Shared with the workers when they accept clients themselves.
    board: Option<Board>,
    /// The daemon accepts clients itself: always without a board; with
    /// one, while no worker waits on the listening socket (at start, when
    /// every worker is busy, while it holds queued jobs, while stopping).
    accepting: bool,
    /// Jobs served by workers that are gone, on their own clients.
    retired_fast_jobs: u64,
    /// `monotonic_ns` at `started`.
    start_ns: u64,
}

/// A new `rushd` started to take over the socket ([`Server::upgrade`]).
struct Successor {
    pid: i32,
    /// The read end of its readiness pipe, while the read is in flight.
    ready: Option<OwnedFd>,
    /// It said it accepts: the socket is its.
    serving: bool,
}

/// How [`Server::run`] ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Ending {
    /// Stopped (a stop request, SIGTERM, SIGINT).
    Stopped,
    /// The `rushd` binary changed on disk: every job has finished and every
    /// worker is gone; execute `exe` in place of this process.
    Restart { exe: std::path::PathBuf },
}

/// What identifies the executable file: a new build or an upgrade changes
/// at least one of these.
#[derive(Clone, Debug, PartialEq, Eq)]
struct ExeId {
    dev: u64,
    ino: u64,
    mtime: i64,
    mtime_nsec: i64,
    size: u64,
}

impl ExeId {
    fn of(path: &std::path::Path) -> Option<ExeId> {
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::metadata(path).ok()?;
        Some(ExeId {
            dev: m.dev(),
            ino: m.ino(),
            mtime: m.mtime(),
            mtime_nsec: m.mtime_nsec(),
            size: m.size(),
        })
    }
}

/// Signals the daemon handles: stop on TERM and INT; replace the workers
/// on HUP.
const HANDLED: [i32; 3] = [signal::SIGTERM, signal::SIGINT, signal::SIGHUP];

impl Server {
    /// Build the loop around a listening socket.
    pub fn new(cfg: Config, listener: OwnedFd) -> io::Result<Server> {
        let (mut driver, fallback) = Driver::new(cfg.backend)?;
        if let Some(f) = fallback {
            log(&format!("{f}"));
        }
        let set = HANDLED.iter().fold(0u64, |s, &n| s | (1 << n));
        driver.watch_signals(set)?;
        // Workers accept on it too, racing each other: an accept must
        // fail rather than block when another took the client.
        platform::fd::set_nonblocking(listener.as_raw_fd(), true)?;
        let board = if cfg.workers_accept() {
            // Room for a replaced pool still finishing its jobs.
            match Board::new(2 * cfg.pool_size + 8) {
                Ok(b) => Some(b),
                Err(e) => {
                    log(&format!("no scoreboard ({e}): the daemon relays every job"));
                    None
                }
            }
        } else {
            None
        };
        if let Some(b) = &board {
            b.set_accepting(true);
        }
        let mut s = Server {
            cfg,
            driver,
            conns: Slab::new(),
            next_generation: 1,
            listener: None,
            idle: VecDeque::new(),
            queue: VecDeque::new(),
            queued: 0,
            queue_timer_armed: false,
            live_workers: 0,
            stopping: false,
            started: Instant::now(),
            last_job: Instant::now(),
            refused_in_row: 0,
            refused_since: None,
            fates: VecDeque::new(),
            stats: Stats::default(),
            baseline: super::Baseline::current(),
            euid: process::geteuid(),
            log_fd: platform::fd::dup_above_owned(2, 3).ok(),
            completions: Vec::with_capacity(64),
            sweep_armed: false,
            accept_paused: false,
            accept_retry_armed: false,
            respawn_armed: false,
            cancel_armed: false,
            saturated_armed: false,
            exe: std::env::current_exe()
                .ok()
                .and_then(|p| ExeId::of(&p).map(|id| (p, id))),
            exe_checked: Instant::now(),
            restart: false,
            successor: None,
            grace_armed: false,
            lock: None,
            board,
            accepting: true,
            retired_fast_jobs: 0,
            start_ns: process::monotonic_ns(),
        };
        let id = s.insert(listener, Role::Listener);
        s.listener = Some(id);
        s.submit_accept(id);
        s.driver.submit(SIGNAL_TOKEN, Op::Signal);
        if let Some(after) = s.cfg.idle_limit() {
            s.driver.submit(IDLE_TOKEN, Op::Timeout { after });
        }
        Ok(s)
    }

    /// Hold `lock` while serving; it is released as the loop ends.
    pub fn hold_lock(&mut self, lock: OwnedFd) {
        self.lock = Some(lock);
    }

    /// The backend in use.
    pub fn backend(&self) -> BackendKind {
        self.driver.kind()
    }

    /// Fork the pool, then serve until stopped.
    pub fn run(mut self) -> io::Result<Ending> {
        if !self.cfg.fork_mode {
            self.fill_pool();
        }
        log(&format!(
            "serving on {} (backend {}, {} mode, pool {}, queue {})",
            String::from_utf8_lossy(&self.cfg.socket),
            self.driver.kind(),
            self.cfg.mode_name(),
            self.cfg.pool_size,
            self.cfg.queue_max
        ));
        let mut batch = Vec::with_capacity(64);
        loop {
            if self.finished() {
                self.lock = None;
                if self.restart && self.cfg.socket_activated {
                    // The service manager starts the new binary on the next
                    // connection to its socket.
                    log("every job has finished; exiting for the new binary");
                    return Ok(Ending::Stopped);
                }
                if self.restart {
                    if let Some((exe, _)) = self.exe.take() {
                        log("every job has finished; restarting");
                        return Ok(Ending::Restart { exe });
                    }
                }
                log("stopped");
                return Ok(Ending::Stopped);
            }
            batch.clear();
            std::mem::swap(&mut batch, &mut self.completions);
            if batch.is_empty() {
                self.driver.wait(&mut batch)?;
            }
            for c in batch.drain(..) {
                self.complete(c);
            }
        }
    }

    fn finished(&self) -> bool {
        self.stopping
            && self.live_workers == 0
            && self.conns.iter().all(|(_, c)| {
                !matches!(c.role, Role::Worker(_)) && c.out.is_empty() && !c.send_inflight
            })
    }

    // ---- connections ----------------------------------------------------

    fn insert(&mut self, fd: OwnedFd, role: Role) -> ConnId {
        let generation = self.next_generation;
        self.next_generation = (self.next_generation + 1) & 0xff_ffff;
        if self.next_generation == 0 {
            self.next_generation = 1;
        }
        let index = self.conns.insert(Conn::new(generation, fd, role)) as u32;
        ConnId { index, generation }
    }

    fn conn(&mut self, id: ConnId) -> Option<&mut Conn> {
        self.conns
            .get_mut(id.index as usize)
            .filter(|c| c.generation == id.generation)
    }

    fn conn_ref(&self, id: ConnId) -> Option<&Conn> {
        self.conns
            .get(id.index as usize)
            .filter(|c| c.generation == id.generation)
    }

    fn submit_accept(&mut self, id: ConnId) {
        let Some(c) = self.conn(id) else { return };
        if c.closing || c.accept_inflight {
            return;
        }
        c.accept_inflight = true;
        let fd = c.raw;
        self.driver.submit(id.token(OP_ACCEPT), Op::Accept { fd });
    }

    fn submit_recv(&mut self, id: ConnId) {
        let Some(c) = self.conn(id) else { return };
        if c.closing || c.recv_inflight {
            return;
        }
        let Some(mut buf) = c.rbuf.take() else { return };
        if c.start > 0 {
            buf.drain(..c.start);
            c.start = 0;
        }
        // Room for the whole of a frame whose header is in: a large job
        // arrives in a few receives, not hundreds.
        let want = match crate::proto::Header::decode(&buf) {
            Ok(Some(h)) => (HEADER_LEN + h.len as usize).saturating_sub(buf.len()),
            _ => 0,
        };
        if buf.capacity() - buf.len() < want.max(512) {
            buf.reserve(want.max(4096));
        }
        c.recv_inflight = true;
        let fd = c.raw;
        self.driver
            .submit(id.token(OP_RECV), Op::RecvMsg { fd, buf });
    }

    /// Queue one frame (and descriptors) for sending.
    fn send(&mut self, id: ConnId, bytes: Vec<u8>, fds: Vec<OwnedFd>) {
        let Some(c) = self.conn(id) else { return };
        if c.closing {
            return;
        }
        if c.out.len() >= MAX_QUEUED_FRAMES {
            // A peer that asks and never reads would grow this forever.
            log("dropping a peer that does not read its answers");
            return self.peer_gone(id);
        }
        c.out.push_back((bytes, fds));
        self.flush(id);
    }

    fn send_message(&mut self, id: ConnId, m: &Message) {
        let mut out = Vec::with_capacity(HEADER_LEN + 32);
        m.encode(&mut out);
        self.send(id, out, Vec::new());
    }

    fn flush(&mut self, id: ConnId) {
        let Some(c) = self.conn(id) else { return };
        if c.send_inflight || c.closing {
            return;
        }
        let Some((buf, fds)) = c.out.pop_front() else {
            if c.close_after_flush {
                self.close(id);
            }
            return;
        };
        c.send_inflight = true;
        let fd = c.raw;
        self.driver
            .submit(id.token(OP_SEND), Op::SendMsg { fd, buf, fds });
    }

    /// Send `m`, then close the connection.
    fn send_and_close(&mut self, id: ConnId, m: &Message) {
        self.send_message(id, m);
        if let Some(c) = self.conn(id) {
            c.close_after_flush = true;
            // A peer that never reads cannot hold the connection open
            // longer than the request timeout (the sweep closes it).
            c.since = Instant::now();
        }
        self.arm_sweep();
        self.flush(id);
    }

    /// Cancel the connection's ops and close it once they are done.
    fn close(&mut self, id: ConnId) {
        let Some(c) = self.conn(id) else { return };
        if c.closing {
            return;
        }
        c.closing = true;
        c.out.clear();
        c.fds.clear();
        let (recv, send, accept) = (c.recv_inflight, c.send_inflight, c.accept_inflight);
        if recv {
            self.driver.cancel(id.token(OP_RECV));
        }
        if send {
            self.driver.cancel(id.token(OP_SEND));
        }
        if accept {
            self.driver.cancel(id.token(OP_ACCEPT));
        }
        self.settle(id);
    }

    /// For a closing connection: close the descriptor once no op uses it,
    /// and free the slot once nothing at all is in flight.
    fn settle(&mut self, id: ConnId) {
        let Some(c) = self.conn(id) else { return };
        if !c.closing {
            return;
        }
        if !(c.recv_inflight || c.send_inflight || c.accept_inflight) {
            if let Some(fd) = c.fd.take() {
                c.close_inflight = true;
                self.driver.submit(id.token(OP_CLOSE), Op::Close { fd });
                return;
            }
        }
        if c.idle() {
            let c = self.conns.remove(id.index as usize);
            if let Role::Worker(w) = &c.role {
                if !w.reaped {
                    // Never reached: a worker's slot lives until it is reaped.
                    log(&format!("worker {} freed before it was reaped", w.pid));
                }
                if let (Some(b), Some(slot)) = (&self.board, w.slot) {
                    self.retired_fast_jobs += b.release_slot(slot);
                }
            }
        }
    }

    // ---- completions ----------------------------------------------------

    fn complete(&mut self, c: Completion) {
        match c.token {
            SIGNAL_TOKEN => return self.on_signal(c.result),
            GRACE_TOKEN => return self.on_grace(),
            IDLE_TOKEN => return self.on_idle_timer(),
            ACCEPT_RETRY_TOKEN => {
                self.accept_retry_armed = false;
                if let (Some(l), true) = (self.listener, self.accepting) {
                    self.submit_accept(l);
                }
                return;
            }
            SWEEP_TOKEN => return self.sweep(),
            RESPAWN_TOKEN => {
                self.respawn_armed = false;
                return self.fill_pool();
            }
            CANCEL_TOKEN => return self.recheck_cancelled(),
            SATURATED_TOKEN => {
                self.saturated_armed = false;
                return self.check_saturated();
            }
            GRACE_KILL_TOKEN => return self.kill_workers(),
            SUCCESSOR_READY_TOKEN => return self.on_successor_ready(c.result),
            SUCCESSOR_EXIT_TOKEN => return self.on_successor_exit(c.result),
            QUEUE_TOKEN => {
                self.queue_timer_armed = false;
                return self.expire_queue();
            }
            _ => {}
        }
        let Some((id, op)) = ConnId::from_token(c.token) else {
            return;
        };
        if self.conn(id).is_none() {
            return;
        }
        match op {
            OP_ACCEPT => self.on_accept(id, c.result),
            OP_RECV => self.on_recv(id, c.result),
            OP_SEND => self.on_sent(id, c.result),
            OP_CLOSE => {
                if let Some(conn) = self.conn(id) {
                    conn.close_inflight = false;
                }
                self.settle(id);
                // A descriptor just freed: a paused accept can go on.
                if self.accept_paused && self.accepting {
                    if let Some(l) = self.listener {
                        self.submit_accept(l);
                    }
                }
            }
            OP_WAIT => self.on_child_exit(id, c.result),
            _ => {}
        }
    }

    fn on_signal(&mut self, r: io::Result<Outcome>) {
        if let Ok(Outcome::Signal(sig)) = r {
            let name = signal::name(sig).unwrap_or("?");
            if sig == signal::SIGHUP {
                self.replace_workers();
            } else {
                self.begin_shutdown(&format!("SIG{name}"));
            }
        }
        self.driver.submit(SIGNAL_TOKEN, Op::Signal);
    }

    fn on_accept(&mut self, id: ConnId, r: io::Result<Outcome>) {
        if let Some(c) = self.conn(id) {
            c.accept_inflight = false;
        }
        match r {
            Ok(Outcome::Accepted(fd)) => {
                if std::mem::take(&mut self.accept_paused) {
                    log("accepting connections again");
                }
                if self.exe_changed(false) {
                    // Unless a successor can take over, this client is
                    // refused (`ShuttingDown`) and runs its job itself; the
                    // next daemon serves later ones.
                    self.upgrade();
                }
                self.admit(fd);
                if self.accepting {
                    self.submit_accept(id);
                }
            }
            Ok(_) => {
                if self.accepting {
                    self.submit_accept(id);
                }
            }
            Err(e) => {
                let closing = self.conn(id).is_none_or(|c| c.closing);
                if closing {
                    return self.settle(id);
                }
                // Out of descriptors or memory: wait a little rather than
                // spin on an accept that keeps failing.
                if matches!(
                    e.raw_os_error(),
                    Some(
                        libc_codes::EMFILE
                            | libc_codes::ENFILE
                            | libc_codes::ENOBUFS
                            | libc_codes::ENOMEM
                    )
                ) {
                    // Pending connections wait in the backlog; accepting
                    // resumes as soon as one of our descriptors closes, or
                    // after a pause (descriptors may free elsewhere).
                    if !self.accept_paused {
                        log(&format!("accept: {e}; pausing until a descriptor frees"));
                        self.accept_paused = true;
                    }
                    if !self.accept_retry_armed {
                        self.accept_retry_armed = true;
                        self.driver.submit(
                            ACCEPT_RETRY_TOKEN,
                            Op::Timeout {
                                after: ACCEPT_PAUSE,
                            },
                        );
                    }
                } else if !self.accepting && e.raw_os_error() == Some(libc_codes::ECANCELED) {
                    // Left to the workers: but a client that came while
                    // this accept was being cancelled may have woken no
                    // worker.
                    self.take_backlog();
                } else if self.accepting {
                    // Even after ECANCELED: the daemon left accepting to
                    // the workers (`maybe_delegate` cancelled this accept)
                    // and took it up again before the cancel came back,
                    // when `start_accepting` found this accept still in
                    // flight and submitted none. Without one now, nobody
                    // would accept: the workers hold off while the daemon
                    // says it accepts.
                    self.submit_accept(id);
                }
            }
        }
        self.settle(id);
    }

    /// A connection accepted on the listening socket becomes a client,
    /// if its peer is our user.
    fn admit(&mut self, fd: OwnedFd) {
        match platform::unix::peer_uid(fd.as_raw_fd()) {
            Ok(uid) if uid == self.euid => {
                let cid = self.insert(fd, Role::Client(ClientState::Idle));
                self.submit_recv(cid);
                self.arm_sweep();
            }
            Ok(uid) => {
                log(&format!("refused a connection from uid {uid}"));
                self.close_raw(fd);
            }
            Err(e) => {
                log(&format!("cannot read a peer's credentials: {e}"));
                self.close_raw(fd);
            }
        }
    }

    /// Take the connections waiting on the listening socket, when one
    /// of them may have woken nobody who will accept it. The kernel wakes
    /// one of the listening socket's waiters per connection, the first of
    /// those that wait exclusively (each idle worker's `epoll`, and on
    /// io_uring the daemon's accept); a connection whose wake-up went to
    /// the daemon's accept as it was being cancelled, or to a worker the
    /// daemon had just claimed for a job, wakes no one else, and waited in
    /// the backlog for the next client to come (tests/daemon_faults.rs,
    /// `a_retiring_worker_is_given_no_job`, hung for its 20 s limit in 3
    /// of about 100 runs before this; none in 130 since). Each is served as
    /// any client the daemon accepts, its job relayed to a worker.
    fn take_backlog(&mut self) {
        let Some(listener) = self.listener.and_then(|l| self.conn(l)).map(|c| c.raw) else {
            return;
        };
        // Bounded: clients that keep coming are the workers' to take.
        for _ in 0..BACKLOG_SWEEP {
            match platform::unix::accept(listener) {
                Ok(fd) => self.admit(fd),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
    }

    /// Close a descriptor that never became a connection.
    fn close_raw(&mut self, fd: OwnedFd) {
        // Never registered with the backend, so dropping it is a plain close.
        drop(fd);
    }

    fn on_recv(&mut self, id: ConnId, r: io::Result<Outcome>) {
        let Some(c) = self.conn(id) else { return };
        c.recv_inflight = false;
        if c.closing {
            return self.settle(id);
        }
        match r {
            Ok(Outcome::Received {
                buf,
                len,
                fds,
                truncated,
            }) => {
                c.rbuf = Some(buf);
                c.fds.extend(fds);
                if truncated {
                    if !matches!(self.conn(id).map(|c| &c.role), Some(Role::Worker(_))) {
                        return self
                            .peer_failed(id, "descriptors lost (truncated control message)");
                    }
                    // A worker handing over a client while the daemon's
                    // descriptor table is full: that client is lost (its
                    // connection closes, and it runs its job itself), the
                    // worker is not.
                    log("descriptor table full: a client handed over by a worker is dropped");
                    if let Some(c) = self.conn(id) {
                        c.lost_fds = true;
                    }
                }
                if len == 0 {
                    return self.peer_gone(id);
                }
                self.parse_frames(id);
                if self.worker_exited(id) {
                    return self.finish_worker(id);
                }
                if let Some(why) = self.stray_fds(id) {
                    return self.peer_failed(id, why);
                }
                self.submit_recv(id);
            }
            Ok(_) => self.peer_gone(id),
            Err(e) => {
                if let Some(c) = self.conn(id) {
                    c.rbuf = Some(Vec::with_capacity(1024));
                }
                if self.worker_exited(id) {
                    return self.finish_worker(id);
                }
                if e.raw_os_error() == Some(libc_codes::ECANCELED) {
                    return self.settle(id);
                }
                self.peer_gone(id)
            }
        }
    }

    /// Descriptors no frame can claim: more than a frame may carry, or any
    /// at all once every byte received belongs to a parsed frame (a stream
    /// delivers descriptors with the first byte of the frame they go with).
    fn stray_fds(&mut self, id: ConnId) -> Option<&'static str> {
        let c = self.conn(id)?;
        if c.closing || c.fds.is_empty() {
            return None;
        }
        let pending = c
            .rbuf
            .as_ref()
            .map_or(0, |b| b.len().saturating_sub(c.start));
        if pending == 0 {
            Some("descriptors sent without a frame that declares them")
        } else if c.fds.len() > crate::proto::MAX_FDS {
            Some("more descriptors than a frame may carry")
        } else {
            None
        }
    }

    fn worker_exited(&mut self, id: ConnId) -> bool {
        self.worker_mut(id).is_some_and(|w| w.exited.is_some())
    }

    /// A worker's process has ended: read what it wrote before it died
    /// (its last `Exit` may still be in the socket), then treat it as down.
    /// The channel's end of file cannot be waited for: a process the job
    /// forked may still hold the worker's end open.
    fn finish_worker(&mut self, id: ConnId) {
        loop {
            let Some(c) = self.conn(id) else { return };
            if c.closing || c.recv_inflight {
                break;
            }
            let mut buf = c.rbuf.take().unwrap_or_default();
            let mut fds = Vec::new();
            let r = platform::unix::recv_with_fds(c.raw, &mut buf, &mut fds, true);
            c.rbuf = Some(buf);
            c.fds.extend(fds);
            match r {
                Ok(got) if got.len > 0 && !got.truncated => self.parse_frames(id),
                _ => break,
            }
        }
        let why = self
            .worker_mut(id)
            .and_then(|w| w.exited.clone())
            .unwrap_or_default();
        self.worker_down(id, &why);
        self.settle(id);
    }

    fn on_sent(&mut self, id: ConnId, r: io::Result<Outcome>) {
        let Some(c) = self.conn(id) else { return };
        c.send_inflight = false;
        if c.closing {
            return self.settle(id);
        }
        match r {
            Ok(Outcome::Sent { mut buf, len }) => {
                if len < buf.len() {
                    // A short write: the descriptors went with the first
                    // byte; the rest goes without them.
                    buf.drain(..len);
                    c.out.push_front((buf, Vec::new()));
                }
                self.flush(id);
            }
            Ok(_) => self.flush(id),
            Err(_) => self.peer_gone(id),
        }
    }

    /// Take every complete frame from the connection's buffer.
    fn parse_frames(&mut self, id: ConnId) {
        loop {
            let Some(c) = self.conn(id) else { return };
            if c.closing {
                return;
            }
            let Some(buf) = c.rbuf.take() else { return };
            let start = c.start;
            let parsed = match split(&buf[start..]) {
                Ok(Some((h, payload, used))) => {
                    let r = self.on_frame(id, h, payload, &buf[start..start + used]);
                    Ok(Some((used, r)))
                }
                Ok(None) => Ok(None),
                Err(e) => Err(e),
            };
            if let Some(c) = self.conn(id) {
                c.rbuf = Some(buf);
            }
            match parsed {
                Ok(Some((used, Ok(())))) => {
                    if let Some(c) = self.conn(id) {
                        c.start += used;
                    }
                }
                Ok(Some((_, Err(e)))) | Err(e) => {
                    // A client of another protocol version is most likely
                    // newer than this daemon: if our binary was replaced,
                    // restart into the new one now.
                    if matches!(e, FrameError::BadVersion(_))
                        && matches!(self.conn(id).map(|c| &c.role), Some(Role::Client(_)))
                        && self.exe_changed(true)
                    {
                        self.upgrade();
                    }
                    return self.peer_failed(id, &e.to_string());
                }
                Ok(None) => return,
            }
        }
    }

    /// Take the `n` descriptors a frame declared.
    fn take_fds(&mut self, id: ConnId, n: usize) -> Result<Vec<OwnedFd>, FrameError> {
        let Some(c) = self.conn(id) else {
            return Err(FrameError::Truncated);
        };
        if c.fds.len() < n {
            return Err(FrameError::FdMismatch {
                declared: n,
                got: c.fds.len(),
            });
        }
        Ok(c.fds.drain(..n).collect())
    }

    fn on_frame(
        &mut self,
        id: ConnId,
        h: crate::proto::Header,
        payload: &[u8],
        frame: &[u8],
    ) -> Result<(), FrameError> {
        let is_worker = matches!(self.conn(id).map(|c| &c.role), Some(Role::Worker(_)));
        if is_worker {
            if h.kind == Kind::Handoff {
                let lost = self.conn(id).is_some_and(|c| {
                    std::mem::take(&mut c.lost_fds) && c.fds.len() < usize::from(h.nfds)
                });
                if lost {
                    let n = self.conn(id).map_or(0, |c| c.fds.len());
                    drop(self.take_fds(id, n));
                    return Ok(());
                }
            }
            let fds = self.take_fds(id, h.nfds.into())?;
            let m = Message::decode(&h, payload)?;
            if let Message::Handoff { data, .. } = m {
                self.adopt(fds, data);
                return Ok(());
            }
            if h.kind == Kind::Exec {
                // The job's last utility, for the client to run: the
                // frame and its descriptors go on to the client as they
                // are, and the job is over.
                return self.job_over(id, Kind::Exec, frame.to_vec(), fds);
            }
            drop(fds);
            return self.on_worker_message(id, m);
        }
        match h.kind {
            Kind::Job => {
                let summary = JobSummary::decode(payload)?;
                if summary.nfds != usize::from(h.nfds) {
                    return Err(FrameError::FdMismatch {
                        declared: h.nfds.into(),
                        got: summary.nfds,
                    });
                }
                let fds = self.take_fds(id, summary.nfds)?;
                let state = match self.conn(id).map(|c| &c.role) {
                    Some(Role::Client(s)) => s,
                    _ => return Err(FrameError::Unexpected(Kind::Job)),
                };
                if !matches!(state, ClientState::Idle) {
                    return Err(FrameError::Unexpected(Kind::Job));
                }
                let job = Job {
                    frame: frame.to_vec(),
                    client_pid: summary.pid,
                    fds,
                    received: Instant::now(),
                };
                self.on_job(id, job, summary);
                Ok(())
            }
            Kind::Signal | Kind::StatusRequest | Kind::Stop | Kind::Fate => {
                let m = Message::decode(&h, payload)?;
                self.on_client_message(id, m)
            }
            other => Err(FrameError::Unexpected(other)),
        }
    }

    // ---- clients --------------------------------------------------------

    fn set_client_state(&mut self, id: ConnId, state: ClientState) -> Option<ClientState> {
        let c = self.conn(id)?;
        let Role::Client(s) = &mut c.role else {
            return None;
        };
        let idle = matches!(state, ClientState::Idle);
        let old = std::mem::replace(s, state);
        if idle {
            // Waiting for its next request: the deadline starts.
            c.since = Instant::now();
            self.arm_sweep();
        }
        Some(old)
    }

    /// Make sure a sweep will come while clients may be waiting on their
    /// peer.
    fn arm_sweep(&mut self) {
        if self.sweep_armed {
            return;
        }
        self.sweep_armed = true;
        let after =
            (self.cfg.request_timeout / 4).clamp(Duration::from_millis(5), Duration::from_secs(1));
        self.driver.submit(SWEEP_TOKEN, Op::Timeout { after });
    }

    /// Close the clients that sent no complete request within the request
    /// timeout (half a frame and a stall, or nothing at all), and those
    /// that do not take their last frame: each costs a descriptor and a
    /// slot, so none may keep them forever.
    fn sweep(&mut self) {
        self.sweep_armed = false;
        let limit = self.cfg.request_timeout;
        let now = Instant::now();
        let mut expired = Vec::new();
        let mut waiting = false;
        for (i, c) in &self.conns {
            let Role::Client(state) = &c.role else {
                continue;
            };
            if c.closing || !(matches!(state, ClientState::Idle) || c.close_after_flush) {
                continue;
            }
            if now.saturating_duration_since(c.since) >= limit {
                expired.push((ConnId::of(i, c), c.close_after_flush));
            } else {
                waiting = true;
            }
        }
        for (id, flushing) in expired {
            if flushing {
                self.close(id);
                continue;
            }
            log(&format!(
                "closing a client that sent no request within {} ms",
                limit.as_millis()
            ));
            self.send_and_close(
                id,
                &Message::Error {
                    code: ErrorCode::Refused,
                    message: format!("rushd: no complete request within {} ms", limit.as_millis())
                        .into_bytes(),
                },
            );
        }
        if waiting {
            self.arm_sweep();
        }
    }

    fn on_job(&mut self, id: ConnId, job: Job, summary: JobSummary) {
        if self.stopping {
            return self.send_message(
                id,
                &Message::Error {
                    code: ErrorCode::ShuttingDown,
                    message: b"rushd is stopping".to_vec(),
                },
            );
        }
        let raw = self.conn(id).map_or(-1, |c| c.raw);
        let peer_pid = platform::unix::peer_pid(raw);
        if let Some(why) = self
            .baseline
            .refusal(Some(raw), peer_pid, summary.pid, &summary.context)
        {
            self.stats.context_refusals += 1;
            self.stats.last_refusal = why;
            // A job must see the client's limits, scheduling, credentials
            // and namespaces; the workers have the daemon's. It runs
            // directly instead.
            self.send_message(
                id,
                &Message::Error {
                    code: ErrorCode::Refused,
                    message: why.as_bytes().to_vec(),
                },
            );
            return self.context_refused(why);
        }
        // Only a job this daemon takes keeps it from its idle exit: one
        // started by a client in another context (`nice make`) must not
        // keep a daemon that refuses everyone it serves alive for ever.
        self.last_job = Instant::now();
        self.refused_in_row = 0;
        self.refused_since = None;
        if self.cfg.fork_mode {
            if self.live_workers >= self.cfg.queue_max.max(1) {
                return self.refuse_busy(id);
            }
            match self.spawn_worker(Some(id)) {
                Ok(w) => self.dispatch(w, id, job),
                Err(e) => {
                    log(&format!("cannot fork a worker: {e}"));
                    self.send_message(
                        id,
                        &Message::Error {
                            code: ErrorCode::Internal,
                            message: format!("rushd cannot fork: {e}").into_bytes(),
                        },
                    );
                }
            }
            return;
        }
        if let Some(w) = self.pop_idle() {
            return self.dispatch(w, id, job);
        }
        if self.queued >= self.cfg.queue_max || peer_pid.is_some_and(inside_a_job) {
            return self.refuse_busy(id);
        }
        // A client that did not ask to wait (as `RUSH_DAEMON=require`
        // does, with `JOB_WAIT`) waits only so long for a worker: one busy
        // with a long job (a compiler run that is not a recipe's last
        // command) would hold it for the whole of that job, and `make
        // -j16` through a pool of 4 would run four recipes at a time.
        let deadline =
            (summary.flags & JOB_WAIT == 0).then(|| Instant::now() + self.cfg.queue_wait);
        self.set_client_state(id, ClientState::Queued(job));
        self.queue.push_back((id, deadline));
        self.queued += 1;
        // While jobs wait here, workers that finish come here for them
        // rather than to the listening socket; one that went back to it
        // just before it learnt so is claimed now.
        self.start_accepting();
        self.drain_queue();
        // Still waiting: say so, so that the client, should this daemon
        // die before the job starts, knows to run it itself. (Workers
        // answer nothing before `Exit`: with no message at all, a client
        // can only tell from how the connection ended whether its job was
        // read; docs/protocol.md, "Started or not".)
        let waiting = matches!(
            self.conn(id).map(|c| &c.role),
            Some(Role::Client(ClientState::Queued(_)))
        );
        if waiting {
            self.send_message(id, &Message::Queued);
            self.arm_queue_timer();
        }
    }

    /// Time the oldest deadline in the queue, unless a timeout is already
    /// in flight (deadlines only grow: a later job's is never earlier).
    fn arm_queue_timer(&mut self) {
        if self.queue_timer_armed {
            return;
        }
        let Some(first) = self.queue.iter().filter_map(|&(_, d)| d).min() else {
            return;
        };
        self.queue_timer_armed = true;
        let after = first.saturating_duration_since(Instant::now());
        self.driver.submit(QUEUE_TOKEN, Op::Timeout { after });
    }

    /// Answer busy to the queued clients whose wait is over: they run
    /// their jobs themselves.
    fn expire_queue(&mut self) {
        let now = Instant::now();
        let mut late = Vec::new();
        self.queue.retain(|&(id, deadline)| {
            let over = deadline.is_some_and(|d| d <= now);
            if over {
                late.push(id);
            }
            !over
        });
        for id in late {
            if let Some(ClientState::Queued(job)) = self.set_client_state(id, ClientState::Idle) {
                drop(job);
                self.queued -= 1;
                self.refuse_busy(id);
            }
        }
        self.arm_queue_timer();
    }

    /// Accept clients in the daemon: the workers, when they accept too,
    /// come to the daemon as they finish.
    fn start_accepting(&mut self) {
        if let Some(b) = &self.board {
            b.set_accepting(true);
        }
        if !self.accepting {
            self.accepting = true;
            if let Some(l) = self.listener {
                self.submit_accept(l);
            }
        }
    }

    /// Leave accepting to the workers again once nothing waits here and a
    /// worker is idle.
    fn maybe_delegate(&mut self) {
        let Some(b) = &self.board else { return };
        if !self.accepting || self.stopping || self.queued > 0 {
            return;
        }
        let held: Vec<ConnId> = self
            .conns
            .iter()
            .filter_map(|(i, c)| match &c.role {
                Role::Worker(w) if w.holds_off(b) => Some(ConnId::of(i, c)),
                _ => None,
            })
            .collect();
        if held.is_empty() && !b.any_listening(None) {
            return;
        }
        self.accepting = false;
        b.set_accepting(false);
        b.clear_saturated();
        if let Some(l) = self.listener {
            if self.conn(l).is_some_and(|c| c.accept_inflight) {
                self.driver.cancel(l.token(OP_ACCEPT));
            }
        }
        for id in held {
            self.send_message(id, &Message::Listen);
        }
    }

    /// Worker `id` said it is ready. The daemon leaves accepting to the
    /// workers if it may ([`maybe_delegate`](Self::maybe_delegate), which
    /// tells every idle worker then holding off to listen); when it was
    /// not accepting at all, `id` itself is told to listen if it holds
    /// off. It held off because it saw the daemon accepting, a moment
    /// before the daemon stopped and told the workers it then knew idle:
    /// without this it would wait for a job from the daemon that never
    /// comes, while clients queue on the workers that do listen (at
    /// start-up, all but one or two of the pool did).
    fn delegate_or_listen(&mut self, id: ConnId) {
        let was_accepting = self.accepting;
        self.maybe_delegate();
        if was_accepting || self.stopping {
            return;
        }
        let held = self.board.as_ref().is_some_and(|b| {
            matches!(self.conn_ref(id).map(|c| &c.role), Some(Role::Worker(w)) if w.holds_off(b))
        });
        if held {
            self.send_message(id, &Message::Listen);
        }
    }

    /// A worker took the last place on the listening socket.
    fn on_saturated(&mut self) {
        if self.board.is_none() || self.accepting || self.saturated_armed {
            return;
        }
        self.saturated_armed = true;
        self.driver.submit(
            SATURATED_TOKEN,
            Op::Timeout {
                after: SATURATED_PAUSE,
            },
        );
    }

    /// No worker listens: the daemon accepts (and keeps the episode open
    /// until it stops accepting). Else the episode is over.
    fn check_saturated(&mut self) {
        let Some(b) = &self.board else { return };
        if self.accepting {
            return;
        }
        if !b.any_listening(None) && !self.stopping {
            self.start_accepting();
        } else {
            b.clear_saturated();
        }
    }

    /// A connection a worker accepted and handed over, with the bytes
    /// already read from it and the descriptors that came with them.
    fn adopt(&mut self, mut fds: Vec<OwnedFd>, data: Vec<u8>) {
        if fds.is_empty() {
            return;
        }
        let conn = fds.remove(0);
        let _ = platform::fd::set_nonblocking(conn.as_raw_fd(), true);
        let cid = self.insert(conn, Role::Client(ClientState::Idle));
        if let Some(c) = self.conn(cid) {
            let mut buf = data;
            buf.reserve(1024);
            c.rbuf = Some(buf);
            c.fds.extend(fds);
        }
        self.arm_sweep();
        self.parse_frames(cid);
        if let Some(why) = self.stray_fds(cid) {
            return self.peer_failed(cid, why);
        }
        self.submit_recv(cid);
    }

    fn refuse_busy(&mut self, id: ConnId) {
        self.stats.busy_refusals += 1;
        self.send_message(id, &Message::Busy);
    }

    fn on_client_message(&mut self, id: ConnId, m: Message) -> Result<(), FrameError> {
        match m {
            Message::Signal {
                signal: sig,
                from_group,
            } => {
                let state = match self.conn(id).map(|c| &c.role) {
                    Some(Role::Client(s)) => s,
                    _ => return Ok(()),
                };
                match state {
                    ClientState::Running { worker } => {
                        let worker = *worker;
                        self.signal_job(worker, sig, from_group);
                    }
                    ClientState::Queued(_) if terminates(sig) => {
                        // The job has not started: it ends as the signal
                        // would have ended it.
                        self.set_client_state(id, ClientState::Idle);
                        self.queued -= 1;
                        self.send_message(
                            id,
                            &Message::Exit(ExitStatus::Signaled {
                                signal: sig,
                                core_dumped: false,
                            }),
                        );
                    }
                    _ => {}
                }
                Ok(())
            }
            Message::StatusRequest => {
                let report = self.status();
                self.send_message(id, &Message::Status(report));
                Ok(())
            }
            Message::Fate => {
                self.on_fate_question(id);
                Ok(())
            }
            Message::Stop => {
                self.set_client_state(id, ClientState::StopWaiter);
                self.send_message(id, &Message::Stopping);
                self.begin_shutdown("a stop request");
                Ok(())
            }
            other => Err(FrameError::Unexpected(other.kind())),
        }
    }

    /// Deliver a client's signal to its job's process group and worker, as
    /// the connection watch does for a job its worker took itself
    /// ([`platform::connwatch::forward_targets`]).
    fn signal_job(&mut self, worker: ConnId, sig: i32, from_group: i32) {
        let Some(Role::Worker(w)) = self.conn(worker).map(|c| &c.role) else {
            return;
        };
        let (group, shell) = platform::connwatch::forward_targets(from_group, w.pgid, w.pid);
        let shell = shell && w.pid > 1 && !w.reaped;
        // The shell first: a child the signal kills must not be seen to
        // end before the shell has the signal pending, or it would run its
        // next command (`trap ... TERM; cmd; echo end`), which a direct
        // shell, signalled with its group at once, never does.
        // Tagged with the job's client: one that arrives before the worker
        // has started the job is kept for it, not taken for a leftover of
        // the job before.
        let stop_or_cont = sig == signal::SIGTSTP || sig == signal::SIGCONT;
        if shell && !stop_or_cont {
            let _ = signal::send_tagged(w.pid, sig, w.job_tag);
        }
        if group {
            let _ = process::kill(-w.pgid, sig);
        }
        if shell && stop_or_cont {
            let _ = signal::send_tagged(w.pid, sig, w.job_tag);
        }
    }

    /// The peer closed or its connection failed.
    fn peer_gone(&mut self, id: ConnId) {
        match self.conn_ref(id).map(|c| &c.role) {
            Some(Role::Worker(w)) => {
                // Reaped already: its exit status says why it went.
                if w.exited.is_some() {
                    return self.finish_worker(id);
                }
                // A worker's channel closes as its process ends. During a
                // job, its exit status (on_child_exit), which is on its
                // way, says how the job's client is to end.
                let in_job =
                    matches!(w.phase, Phase::Busy { .. }) || self.own_job_pgid(w).is_some();
                if in_job && !w.reaped {
                    return;
                }
                self.worker_down(id, "its channel closed")
            }
            Some(Role::Client(_)) => {
                self.client_gone(id);
                self.close(id);
            }
            Some(Role::Listener) | None => self.close(id),
        }
    }

    /// The peer sent something wrong.
    fn peer_failed(&mut self, id: ConnId, why: &str) {
        match self.conn(id).map(|c| &c.role) {
            Some(Role::Worker(w)) => {
                let pid = w.pid;
                log(&format!("worker {pid}: {why}"));
                self.kill_worker(id);
                self.worker_down(id, why);
            }
            Some(Role::Client(_)) => {
                log(&format!("dropping a client: {why}"));
                self.client_gone(id);
                self.send_and_close(
                    id,
                    &Message::Error {
                        code: ErrorCode::Refused,
                        message: format!("rushd: bad request: {why}").into_bytes(),
                    },
                );
            }
            _ => self.close(id),
        }
    }

    /// A client went away: a queued job is dropped, a running one killed.
    fn client_gone(&mut self, id: ConnId) {
        match self.set_client_state(id, ClientState::Idle) {
            Some(ClientState::Queued(job)) => {
                self.queued -= 1;
                drop(job);
            }
            Some(ClientState::Running { worker }) => {
                let Some(w) = self.worker_mut(worker) else {
                    return;
                };
                if w.started {
                    self.cancel_job(worker);
                } else {
                    w.cancel_on_start = true;
                }
            }
            _ => {}
        }
    }

    /// Kill a running job's whole process group, even processes that left
    /// the shell's control, then tell its worker to abandon the job (and
    /// wake it if the job had stopped it).
    fn cancel_job(&mut self, worker: ConnId) {
        let Some(w) = self.worker_mut(worker) else {
            return;
        };
        let (pid, pgid, reaped) = (w.pid, w.pgid, w.reaped);
        w.cancelled.get_or_insert_with(Instant::now);
        // The worker first: a child the group's kill ends must not be seen
        // to end before the job's shell has the cancel pending, or the
        // shell would run its next command for a client that is gone.
        if pid > 1 && !reaped {
            let _ = process::kill(pid, signal::cancel_signal());
            let _ = process::kill(pid, signal::SIGCONT);
        }
        if pgid > 1 {
            let _ = process::kill(-pgid, signal::SIGKILL);
        }
        self.arm_cancel_recheck();
    }

    fn arm_cancel_recheck(&mut self) {
        if !self.cancel_armed {
            self.cancel_armed = true;
            self.driver.submit(
                CANCEL_TOKEN,
                Op::Timeout {
                    after: CANCEL_RECHECK,
                },
            );
        }
    }

    /// A worker serving a client of its own: that job's process group.
    fn own_job_pgid(&self, w: &Worker) -> Option<i32> {
        let (b, slot) = (self.board.as_ref()?, w.slot?);
        (b.state(slot) == state::SERVING).then(|| b.pgid(slot))
    }

    /// Cancelled jobs that have not ended: kill their process group again
    /// (a process may have joined it after the last kill), and replace a
    /// worker that is still in its job after [`CANCEL_DEADLINE`].
    fn recheck_cancelled(&mut self) {
        self.cancel_armed = false;
        let board = self.board.as_ref();
        // A cancelled job of a worker's own client is over once the worker
        // is not serving it any more.
        let own_over = |w: &Worker| match (board, w.slot) {
            (Some(b), Some(s)) => b.state(s) != state::SERVING || b.seq(s) != w.cancel_seq,
            _ => true,
        };
        let mut over = Vec::new();
        let pending: Vec<(ConnId, i32, bool)> = self
            .conns
            .iter()
            .filter_map(|(i, c)| {
                let Role::Worker(w) = &c.role else {
                    return None;
                };
                let id = ConnId::of(i, c);
                let at = w.cancelled?;
                let pgid = match w.phase {
                    Phase::Busy { .. } => w.pgid,
                    Phase::Idle if !own_over(w) => board.zip(w.slot).map_or(0, |(b, s)| b.pgid(s)),
                    Phase::Idle => {
                        over.push(id);
                        return None;
                    }
                    _ => return None,
                };
                Some((id, pgid, at.elapsed() >= CANCEL_DEADLINE))
            })
            .collect();
        for id in over {
            if let Some(w) = self.worker_mut(id) {
                w.cancelled = None;
            }
        }
        let mut waiting = false;
        for (id, pgid, overdue) in pending {
            if overdue {
                self.worker_down(id, "it did not give up a cancelled job");
            } else {
                if pgid > 1 {
                    let _ = process::kill(-pgid, signal::SIGKILL);
                }
                // Again, for a worker that had not read its job yet when
                // the first cancel came (it drops cancels that precede a
                // job, which may be meant for the one before).
                if let Some(w) = self.worker_mut(id)
                    && w.pid > 1
                    && !w.reaped
                {
                    let _ = process::kill(w.pid, signal::cancel_signal());
                }
                waiting = true;
            }
        }
        if waiting {
            self.cancel_armed = true;
            self.driver.submit(
                CANCEL_TOKEN,
                Op::Timeout {
                    after: CANCEL_RECHECK,
                },
            );
        }
    }

    // ---- workers --------------------------------------------------------

    /// Fork a worker; in fork mode it serves `for_client` and exits.
    fn spawn_worker(&mut self, for_client: Option<ConnId>) -> io::Result<ConnId> {
        let (ours, theirs) = platform::unix::socketpair()?;
        let log_fd = self
            .log_fd
            .as_ref()
            .and_then(|l| platform::fd::dup_above_owned(l.as_raw_fd(), 3).ok());
        // A pool worker accepts clients itself when there is a scoreboard
        // slot for it.
        let slot = match (&self.board, for_client) {
            (Some(b), None) => b.claim_slot(),
            _ => None,
        };
        let listener_fd = self.listener.and_then(|l| self.conn_ref(l)).map(|c| c.raw);
        let forked = process::fork();
        if forked.is_err() {
            if let (Some(b), Some(slot)) = (&self.board, slot) {
                b.release_slot(slot);
            }
        }
        match forked? {
            Fork::Child => {
                drop(ours);
                let accepting = match (&self.board, slot, listener_fd) {
                    (Some(board), Some(slot), Some(listener)) => Some(worker::Accepting {
                        board,
                        slot,
                        listener,
                        first_wait: worker::FIRST_WAIT.min(self.cfg.request_timeout),
                    }),
                    _ => None,
                };
                worker::main(theirs, log_fd, for_client.is_some(), accepting)
            }
            Fork::Parent(pid) => {
                drop(theirs);
                drop(log_fd);
                if let (Some(b), Some(slot)) = (&self.board, slot) {
                    b.set_pid(slot, pid);
                }
                platform::fd::set_nonblocking(ours.as_raw_fd(), true)?;
                let id = self.insert(
                    ours,
                    Role::Worker(Worker {
                        pid,
                        pgid: 0,
                        phase: Phase::Starting,
                        jobs: 0,
                        oneshot: for_client.is_some(),
                        reaped: false,
                        started: false,
                        job_tag: 0,
                        cancel_on_start: false,
                        exited: None,
                        retiring: false,
                        cancelled: None,
                        slot,
                        cancel_seq: 0,
                        killed: false,
                        died_of: None,
                    }),
                );
                self.live_workers += 1;
                self.submit_recv(id);
                if let Some(c) = self.conn(id) {
                    c.wait_inflight = true;
                }
                self.driver.submit(id.token(OP_WAIT), Op::WaitChild { pid });
                Ok(id)
            }
        }
    }

    /// Fork workers until the pool has its size again; when a fork fails
    /// (out of processes or descriptors), try again a little later rather
    /// than serve on with a smaller pool forever.
    fn fill_pool(&mut self) {
        if self.stopping || self.cfg.fork_mode {
            return;
        }
        let mut have = self
            .conns
            .iter()
            .filter(|(_, c)| {
                matches!(&c.role, Role::Worker(w)
                    if !w.oneshot && !w.retiring && w.phase != Phase::Down)
            })
            .count();
        while have < self.cfg.pool_size {
            match self.spawn_worker(None) {
                Ok(_) => have += 1,
                Err(e) => {
                    if !self.respawn_armed {
                        log(&format!(
                            "cannot fork a worker: {e}; trying again in {} ms",
                            RESPAWN_PAUSE.as_millis()
                        ));
                        self.respawn_armed = true;
                        self.driver.submit(
                            RESPAWN_TOKEN,
                            Op::Timeout {
                                after: RESPAWN_PAUSE,
                            },
                        );
                    }
                    return;
                }
            }
        }
    }

    /// SIGHUP: fork a fresh pool. Idle workers go at once, busy ones when
    /// their job ends; queued jobs wait for the fresh workers.
    fn replace_workers(&mut self) {
        if self.stopping {
            return;
        }
        if self.cfg.fork_mode {
            log("SIGHUP: nothing to replace (fork mode forks a worker per job)");
            return;
        }
        log("SIGHUP: replacing the workers");
        let old: Vec<ConnId> = self
            .conns
            .iter()
            .filter_map(|(i, c)| match &c.role {
                Role::Worker(w) if !w.oneshot && !w.retiring && w.phase != Phase::Down => {
                    Some(ConnId::of(i, c))
                }
                _ => None,
            })
            .collect();
        for id in old {
            let Some(w) = self.worker_mut(id) else {
                continue;
            };
            w.retiring = true;
            if matches!(w.phase, Phase::Idle | Phase::Starting) {
                // Its channel closes; it exits and is reaped.
                w.phase = Phase::Down;
                self.close(id);
            }
        }
        self.fill_pool();
    }

    fn worker_mut(&mut self, id: ConnId) -> Option<&mut Worker> {
        match self.conn(id).map(|c| &mut c.role) {
            Some(Role::Worker(w)) => Some(w),
            _ => None,
        }
    }

    /// The next idle worker, skipping entries that went stale.
    fn pop_idle(&mut self) -> Option<ConnId> {
        let mut i = 0;
        while i < self.idle.len() {
            let w = self.idle[i];
            let (phase, slot) = match self.worker_mut(w) {
                Some(worker) => (worker.phase, worker.slot),
                None => (Phase::Down, None),
            };
            if phase != Phase::Idle {
                self.idle.remove(i);
                continue;
            }
            // A worker serving a client of its own stays idle to the
            // daemon (it says nothing when it is done): skip it for now.
            // (A worker that could not set up accepting, too few
            // descriptors for instance, leaves its slot at NONE and only
            // serves the daemon's jobs.) One that retired after such a job
            // is exiting and never reads another: the daemon learns of it
            // when its channel closes. `claimed`: `Some(it was listening)`.
            let claimed = match (&self.board, slot) {
                (Some(b), Some(s)) => match b.state(s) {
                    state::LEAVING => {
                        self.idle.remove(i);
                        continue;
                    }
                    state::NONE => Some(false),
                    _ if b.cas_state(s, state::HELD, state::RELAY) => Some(false),
                    _ => b
                        .cas_state(s, state::LISTENING, state::RELAY)
                        .then_some(true),
                },
                _ => Some(false),
            };
            if let Some(was_listening) = claimed {
                self.idle.remove(i);
                if was_listening {
                    // It may have been woken for a client just now, and
                    // will not take it, claimed: nobody else was woken for
                    // that client.
                    self.take_backlog();
                }
                // A worker that takes the last place on the listening
                // socket tells the daemon (`Saturated`); one the daemon
                // claims cannot, so the daemon opens the episode itself,
                // once per episode as the workers do (a look every time
                // turned the daemon to accepting and relaying under load,
                // 12% fewer jobs a second). Without it, the clients that
                // come while the job runs would wait in the backlog for
                // its end, nested ones (a job's own `$SHELL script`) for
                // ever.
                if self
                    .board
                    .as_ref()
                    .is_some_and(|b| b.last_listener_gone(None))
                {
                    self.on_saturated();
                }
                return Some(w);
            }
            i += 1;
        }
        None
    }

    /// Hand `job` to `worker`.
    fn dispatch(&mut self, worker: ConnId, client: ConnId, job: Job) {
        let latency = job.received.elapsed().as_micros().min(u128::from(u32::MAX)) as u32;
        if self.stats.latency_us.len() == LATENCY_WINDOW {
            self.stats.latency_us.pop_front();
        }
        self.stats.latency_us.push_back(latency);
        let mut started = None;
        if let Some(w) = self.worker_mut(worker) {
            w.phase = Phase::Busy { client };
            // Dispatched is started: from here on the job may have side
            // effects, so the client must not run it again itself. The
            // daemon says so at once, in the same loop turn as the
            // dispatch, rather than waiting for the worker to say it (a
            // hop and a wake-up less on every job).
            w.started = true;
            w.cancel_on_start = false;
            w.job_tag = job.client_pid;
            started = Some(Message::Started {
                worker: w.pid,
                pgid: w.pgid,
            });
        }
        self.set_client_state(client, ClientState::Running { worker });
        self.send(worker, job.frame, job.fds);
        if let Some(m) = started {
            self.send_message(client, &m);
        }
    }

    /// Give the next queued job to an idle worker.
    fn drain_queue(&mut self) {
        while self.queued > 0 {
            let Some((client, deadline)) = self.queue.pop_front() else {
                self.queued = 0;
                return;
            };
            let job = match self.conn(client).map(|c| &mut c.role) {
                Some(Role::Client(s @ ClientState::Queued(_))) => {
                    match std::mem::replace(s, ClientState::Idle) {
                        ClientState::Queued(job) => job,
                        _ => continue,
                    }
                }
                _ => continue,
            };
            self.queued -= 1;
            let Some(worker) = self.pop_idle() else {
                // Put it back where it was.
                self.set_client_state(client, ClientState::Queued(job));
                self.queue.push_front((client, deadline));
                self.queued += 1;
                return;
            };
            self.dispatch(worker, client, job);
        }
    }

    fn on_worker_message(&mut self, id: ConnId, m: Message) -> Result<(), FrameError> {
        let stopping = self.stopping;
        let Some(w) = self.worker_mut(id) else {
            return Ok(());
        };
        match m {
            Message::Ready { pid, pgid, .. } => {
                if pid != w.pid {
                    return Err(FrameError::BadField("worker pid"));
                }
                w.pgid = pgid;
                match w.phase {
                    Phase::Starting | Phase::Restoring => {
                        if stopping || w.retiring {
                            w.phase = Phase::Down;
                            self.close(id);
                            return Ok(());
                        }
                        w.phase = Phase::Idle;
                        self.idle.push_back(id);
                        self.drain_queue();
                        self.delegate_or_listen(id);
                    }
                    // Done with a client of its own, and the daemon is
                    // accepting: queued jobs may go to it.
                    Phase::Idle => {
                        self.drain_queue();
                        self.delegate_or_listen(id);
                    }
                    // A fork-mode worker got its job before saying Ready.
                    _ => {}
                }
                Ok(())
            }
            Message::Saturated => {
                self.on_saturated();
                Ok(())
            }
            Message::Cancelling => {
                // The worker's own client went away; the worker is ending
                // the job. Make sure it does (the same follow-up as for a
                // job the daemon cancels).
                let slot = w.slot;
                let seq = self.board.as_ref().zip(slot).map(|(b, s)| b.seq(s));
                if let (Some(seq), Some(w)) = (seq, self.worker_mut(id)) {
                    w.cancel_seq = seq;
                    w.cancelled.get_or_insert_with(Instant::now);
                    self.arm_cancel_recheck();
                }
                Ok(())
            }
            Message::Tick => {
                // Not a sign of work by itself: a worker also ticks after
                // handing over a client it would not serve. The jobs its
                // own clients ran are on the scoreboard (`since_own_job`).
                if self.exe_changed(false) {
                    self.upgrade();
                }
                Ok(())
            }
            Message::Started { worker, pgid } => {
                w.pgid = pgid;
                w.started = true;
                if std::mem::take(&mut w.cancel_on_start) {
                    self.cancel_job(id);
                } else if let Phase::Busy { client } = w.phase {
                    self.send_message(client, &Message::Started { worker, pgid });
                }
                Ok(())
            }
            Message::Exit(status) => {
                let mut frame = Vec::with_capacity(HEADER_LEN + 3);
                Message::Exit(status).encode(&mut frame);
                self.job_over(id, Kind::Exit, frame, Vec::new())
            }
            other => Err(FrameError::Unexpected(other.kind())),
        }
    }

    /// Worker `id` ended the job it was running with `answer` (an `Exit`,
    /// or an `Exec` and its descriptors), which goes to the job's client.
    fn job_over(
        &mut self,
        id: ConnId,
        kind: Kind,
        answer: Vec<u8>,
        fds: Vec<OwnedFd>,
    ) -> Result<(), FrameError> {
        let stopping = self.stopping;
        let Some(w) = self.worker_mut(id) else {
            return Ok(());
        };
        let Phase::Busy { client } = w.phase else {
            return Err(FrameError::Unexpected(kind));
        };
        w.phase = Phase::Restoring;
        w.jobs += 1;
        w.cancelled = None;
        let oneshot = w.oneshot || w.retiring;
        self.last_job = Instant::now();
        self.stats.jobs_served += 1;
        let running_here = matches!(
            self.conn(client).map(|c| &c.role),
            Some(Role::Client(ClientState::Running { worker })) if *worker == id
        );
        if running_here {
            self.set_client_state(client, ClientState::Idle);
            self.send(client, answer, fds);
        }
        if oneshot || stopping {
            if let Some(w) = self.worker_mut(id) {
                w.phase = Phase::Down;
            }
            self.close(id);
        }
        Ok(())
    }

    /// A worker's channel closed, it misbehaved, or it died: fail its job,
    /// make sure it is gone, and replace it.
    fn worker_down(&mut self, id: ConnId, why: &str) {
        let stopping = self.stopping;
        let Some(w) = self.worker_mut(id) else { return };
        let phase = std::mem::replace(&mut w.phase, Phase::Down);
        let (pid, pgid, slot) = (w.pid, w.pgid, w.slot);
        // How its job's client ends: of the signal the worker died of, as
        // the job's shell run directly would have (unless the daemon, which
        // is stopping, ended it), else with a message and status 125.
        let died_of = w.died_of.filter(|_| !stopping);
        let lost = format!("rush: the rushd worker running this job (pid {pid}) died ({why})");
        // Replaced already (SIGHUP) or one job only: no replacement.
        let oneshot = w.oneshot || w.retiring;
        let replaced = !stopping && !oneshot;
        // (One line per death in the log.)
        let mut logged = false;
        let own = self.board.as_ref().zip(slot).and_then(|(b, slot)| {
            (b.state(slot) == state::SERVING).then(|| {
                b.set_state(slot, state::NONE);
                (b.pgid(slot), b.client(slot))
            })
        });
        if let Some((own_pgid, client_pid)) = own {
            // It went down serving a client of its own: the job goes with
            // it, and the client, its connection closed with no answer,
            // asks how it ended (`Fate`).
            self.kill_worker(id);
            self.last_job = Instant::now();
            if own_pgid > 1 {
                let _ = process::kill(-own_pgid, signal::SIGKILL);
            }
            let then = if replaced {
                "; forking a replacement"
            } else {
                ""
            };
            log(&format!(
                "worker {pid} died during a job of client {client_pid} ({why}){then}"
            ));
            logged = true;
            if client_pid > 0 {
                self.record_fate(Fate {
                    client_pid,
                    status: died_of,
                    message: lost.clone().into_bytes(),
                    at: Instant::now(),
                });
            }
        }
        if phase == Phase::Down {
            self.close(id);
            return;
        }
        self.kill_worker(id);
        if let Phase::Busy { client } = phase {
            self.last_job = Instant::now();
            if pgid > 1 {
                let _ = process::kill(-pgid, signal::SIGKILL);
            }
            let running_here = matches!(
                self.conn(client).map(|c| &c.role),
                Some(Role::Client(ClientState::Running { worker })) if *worker == id
            );
            if running_here {
                log(&format!("worker {pid} died during a job ({why})"));
                self.set_client_state(client, ClientState::Idle);
                self.send_message(client, &death_answer(died_of, lost.into_bytes()));
            }
        } else if replaced && !logged {
            log(&format!(
                "worker {pid} exited ({why}); forking a replacement"
            ));
        }
        self.close(id);
        if replaced {
            self.stats.respawns += 1;
            self.fill_pool();
        }
        if !self.stopping {
            // Until its replacement listens, the daemon takes the clients.
            self.check_saturated();
        }
    }

    fn on_child_exit(&mut self, id: ConnId, r: io::Result<Outcome>) {
        let why = match &r {
            Ok(Outcome::ChildExited { status, .. }) => describe(*status),
            Ok(_) => "ended".to_string(),
            Err(e) => format!("lost track of it: {e}"),
        };
        let mut recv_inflight = false;
        if let Some(c) = self.conn(id) {
            c.wait_inflight = false;
            recv_inflight = c.recv_inflight && !c.closing;
        }
        if let Some(w) = self.worker_mut(id) {
            w.reaped = true;
            w.exited = Some(why);
            if let Ok(Outcome::ChildExited {
                status:
                    WaitStatus::Signaled {
                        signal,
                        core_dumped,
                    },
                ..
            }) = r
                && !w.killed
            {
                w.died_of = Some(ExitStatus::Signaled {
                    signal,
                    core_dumped,
                });
            }
        }
        self.live_workers = self.live_workers.saturating_sub(1);
        if recv_inflight {
            // Its completion (data, or ECANCELED) finishes the worker.
            self.driver.cancel(id.token(OP_RECV));
        } else {
            self.finish_worker(id);
        }
    }

    // ---- stopping -------------------------------------------------------

    fn begin_shutdown(&mut self, why: &str) {
        if let Some(s) = self.successor.as_ref().filter(|s| !s.serving) {
            // It would serve on after this stop.
            let _ = process::kill(s.pid, signal::SIGTERM);
        }
        if self.stopping {
            if !self.grace_armed {
                // Stopped while draining for a restart, or after handing
                // the socket over: stop for good, and end the running jobs
                // after the grace period.
                let instead = if std::mem::take(&mut self.restart) {
                    " instead of restarting"
                } else {
                    ""
                };
                log(&format!("stopping ({why}){instead}"));
                if let Some(l) = self.listener.take() {
                    self.close(l);
                }
                self.arm_grace();
            }
            return;
        }
        self.drain(&format!("stopping ({why})"), false);
        self.arm_grace();
    }

    /// The `rushd` binary on disk changed. A detached daemon starts the new
    /// binary at once, handing it the listening socket and the lock, and
    /// serves on until the new one accepts; then it stops serving, leaving
    /// the socket path to its successor, and exits once its running jobs
    /// end. Clients never find the socket unserved. Otherwise (in the
    /// foreground, where a supervisor or a terminal owns the process;
    /// socket-activated; or when the new binary cannot start) it restarts
    /// in place once its running jobs end ([`Server::begin_restart`]).
    fn upgrade(&mut self) {
        if self.stopping || self.successor.is_some() {
            return;
        }
        if self.cfg.successor_args.is_some() && !self.cfg.socket_activated {
            match self.start_successor() {
                Ok(pid) => {
                    log(&format!(
                        "the rushd binary changed on disk: started it (pid {pid}) to take over the socket"
                    ));
                    return;
                }
                Err(e) => log(&format!("cannot start the new rushd binary: {e}")),
            }
        }
        self.begin_restart();
    }

    /// Start the new binary with the listener, the lock and the write end
    /// of a readiness pipe at [`platform::service::HANDOVER_FDS`].
    fn start_successor(&mut self) -> io::Result<i32> {
        use platform::service::{HANDOVER_ENV, HANDOVER_FDS};
        use platform::spawn::{Attrs, FdAction};
        let listener = self.listener.and_then(|l| self.conn(l)).map(|c| c.raw);
        let (Some(args), Some((exe, _)), Some(listener), Some(lock)) =
            (&self.cfg.successor_args, &self.exe, listener, &self.lock)
        else {
            return Err(io::Error::other(
                "no listening socket and lock to hand over",
            ));
        };
        let (ready, ready_w) = platform::fd::pipe_owned()?;
        // Copies above the numbers they move to, so that no move
        // overwrites the source of another.
        let above = |fd: RawFd| platform::fd::dup_above_owned(fd, 10);
        let sources = [
            above(listener)?,
            above(lock.as_raw_fd())?,
            above(ready_w.as_raw_fd())?,
        ];
        let actions: Vec<FdAction> = sources
            .iter()
            .zip(HANDOVER_FDS)
            .map(|(from, to)| FdAction::Dup2(from.as_raw_fd(), to))
            .collect();
        // (No `RUSHD_HANDOVER` of our own is left in our environment:
        // `serve` takes it out at start.)
        let announce = format!("{HANDOVER_ENV}={}", process::getpid());
        let (path, argv, envp) = super::exec_strings(exe, args, Some(announce.as_bytes()));
        let pid = platform::spawn::spawn(&path, &argv, &envp, &Attrs::default(), &actions)?;
        // Its end of the pipe is the successor's alone: the read sees the
        // end of it if the successor dies.
        drop((sources, ready_w));
        self.driver.submit(
            SUCCESSOR_READY_TOKEN,
            Op::Read {
                fd: ready.as_raw_fd(),
                buf: Vec::with_capacity(512),
            },
        );
        self.driver
            .submit(SUCCESSOR_EXIT_TOKEN, Op::WaitChild { pid });
        self.successor = Some(Successor {
            pid,
            ready: Some(ready),
            serving: false,
        });
        Ok(pid)
    }

    /// The successor answered on its readiness pipe (`1`: it accepts; `0`
    /// or `2` and why: it failed; nothing: it died).
    fn on_successor_ready(&mut self, r: io::Result<Outcome>) {
        let Some(s) = self.successor.as_mut() else {
            return;
        };
        s.ready = None;
        let pid = s.pid;
        let answer = match r {
            Ok(Outcome::Read { buf, len }) => buf[..len.min(buf.len())].to_vec(),
            _ => Vec::new(),
        };
        if answer.first() == Some(&b'1') {
            if self.stopping {
                // Told to stop meanwhile; so was the successor.
                return;
            }
            s.serving = true;
            // Its copy of the lock holds it now.
            self.lock = None;
            self.drain(
                &format!("pid {pid} serves the socket now; exiting once the running jobs end"),
                false,
            );
        } else if !self.stopping {
            let why = String::from_utf8_lossy(answer.get(1..).unwrap_or_default()).into_owned();
            log(&format!(
                "the new rushd (pid {pid}) did not take over{}{}",
                if why.is_empty() { "" } else { ": " },
                why.trim_end()
            ));
            self.begin_restart();
        }
    }

    fn on_successor_exit(&mut self, r: io::Result<Outcome>) {
        let Some(s) = &self.successor else {
            return;
        };
        if !s.serving {
            if let Ok(Outcome::ChildExited { status, .. }) = r {
                log(&format!(
                    "the new rushd (pid {}) {}",
                    s.pid,
                    describe(status)
                ));
            }
        }
    }

    /// The `rushd` binary on disk is not the one running: stop serving as
    /// a stop does, but let running jobs take as long as they take (they
    /// may run for hours), then re-execute the new binary. Meanwhile the
    /// listener stays open and every new job is refused (`ShuttingDown`),
    /// so a client that still reaches it (an activated socket cannot be
    /// unlinked) runs its job itself at once rather than wait.
    fn begin_restart(&mut self) {
        if self.stopping {
            return;
        }
        self.restart = true;
        self.drain(
            "the rushd binary changed on disk: restarting once the running jobs end",
            true,
        );
    }

    fn arm_grace(&mut self) {
        self.grace_armed = true;
        self.driver.submit(
            GRACE_TOKEN,
            Op::Timeout {
                after: self.cfg.stop_grace,
            },
        );
    }

    /// Stop accepting, remove the socket, send queued jobs back to their
    /// clients, let idle workers go; busy ones go when their job ends.
    fn drain(&mut self, why: &str, keep_listening: bool) {
        self.stopping = true;
        log(why);
        // Workers that finish a job of their own come to the daemon (and
        // find their channel closed) instead of taking another client.
        if let Some(b) = &self.board {
            b.set_accepting(true);
        }
        if keep_listening {
            // New clients are refused, so that they run their jobs
            // themselves at once.
            self.start_accepting();
        } else if let Some(l) = self.listener.take() {
            self.close(l);
        }
        // An activated socket belongs to the service manager, which keeps
        // listening on it (and starts rushd again on the next connection);
        // a handed-over one to the successor.
        let handed_over = self.successor.as_ref().is_some_and(|s| s.serving);
        if !self.cfg.socket_activated && !handed_over {
            let _ = platform::sockdir::unlink(&self.cfg.socket);
        }
        // Queued jobs run directly in their clients.
        while let Some((client, _)) = self.queue.pop_front() {
            if let Some(ClientState::Queued(job)) = self.set_client_state(client, ClientState::Idle)
            {
                drop(job);
                self.send_message(
                    client,
                    &Message::Error {
                        code: ErrorCode::ShuttingDown,
                        message: b"rushd is stopping".to_vec(),
                    },
                );
            }
        }
        self.queued = 0;
        // Idle workers go now; busy ones when their job ends.
        let ids: Vec<ConnId> = self
            .conns
            .iter()
            .filter_map(|(i, c)| match &c.role {
                Role::Worker(w) if !matches!(w.phase, Phase::Busy { .. }) => Some(ConnId::of(i, c)),
                _ => None,
            })
            .collect();
        for id in ids {
            if let Some(w) = self.worker_mut(id) {
                w.phase = Phase::Down;
            }
            self.close(id);
        }
        self.idle.clear();
    }

    /// The idle-exit timer: stop when no job has run, waited or ended for
    /// the idle period; else look again when it could next be over. A job
    /// that is running or queued keeps the daemon up however long it takes.
    fn on_idle_timer(&mut self) {
        let Some(limit) = self.cfg.idle_limit() else {
            return;
        };
        if self.stopping {
            return;
        }
        let busy = self.queued > 0
            || self.conns.iter().any(|(_, c)| {
                matches!(&c.role, Role::Worker(w)
                    if matches!(w.phase, Phase::Busy { .. }) || self.own_job_pgid(w).is_some())
            });
        let idle = self.last_job.elapsed().min(self.since_own_job());
        if !busy && idle >= limit {
            return self.begin_shutdown(&format!("no job for {}s", limit.as_secs()));
        }
        // While busy, look again soon: a worker found busy only turning a
        // client away (refused for its context) must not put the stop off
        // by a whole period.
        let after = if busy {
            (limit / 8).max(Duration::from_millis(50))
        } else {
            limit - idle
        };
        self.driver.submit(IDLE_TOKEN, Op::Timeout { after });
    }

    /// A client was refused for its context. A daemon started on first use
    /// took its context from the client that started it (`nice make`, a
    /// cron job under `ionice`); once it has refused
    /// [`REFUSALS_TO_STOP`] clients in a row and served none in between,
    /// its clients are in another context now, and it stops: the next one
    /// starts a daemon in its own. (Any daemon also stops after its idle
    /// period, which refused jobs do not interrupt.)
    fn context_refused(&mut self, why: &str) {
        if !self.cfg.on_demand || self.stopping {
            return;
        }
        let since = *self.refused_since.get_or_insert_with(Instant::now);
        if self.since_own_job() < since.elapsed() {
            // A worker served a client of its own meanwhile.
            self.refused_in_row = 0;
            self.refused_since = Some(Instant::now());
        }
        self.refused_in_row += 1;
        if self.refused_in_row >= REFUSALS_TO_STOP {
            self.begin_shutdown(&format!(
                "{REFUSALS_TO_STOP} clients in a row refused for their context ({why}); \
                 the next one starts a daemon in its own"
            ));
        }
    }

    /// How long since a worker last finished a job of a client of its own.
    fn since_own_job(&self) -> Duration {
        let Some(b) = &self.board else {
            return Duration::MAX;
        };
        let last = b.last_job_ns();
        if last == 0 {
            return Duration::MAX;
        }
        let ended = self.started + Duration::from_nanos(last.saturating_sub(self.start_ns));
        ended.elapsed()
    }

    /// The grace period is over: end the jobs still running.
    fn on_grace(&mut self) {
        let busy: Vec<ConnId> = self
            .conns
            .iter()
            .filter_map(|(i, c)| match &c.role {
                Role::Worker(w) if matches!(w.phase, Phase::Busy { .. }) => Some(ConnId::of(i, c)),
                _ => None,
            })
            .collect();
        for id in busy {
            self.worker_down(id, "rushd stopped before the job finished");
        }
        // Jobs of the workers' own clients end: the group is killed, the
        // worker cancels the job and tells its client why, and is killed
        // a moment later if it has not exited by then.
        let own: Vec<(i32, i32, usize)> = self
            .conns
            .iter()
            .filter_map(|(_, c)| match &c.role {
                Role::Worker(w) if !w.reaped => {
                    let pgid = self.own_job_pgid(w)?;
                    Some((w.pid, pgid, w.slot?))
                }
                _ => None,
            })
            .collect();
        if !own.is_empty() {
            if let Some(b) = &self.board {
                for &(pid, pgid, slot) in &own {
                    b.abort(slot);
                    if pgid > 1 {
                        let _ = process::kill(-pgid, signal::SIGKILL);
                    }
                    let _ = process::kill(pid, signal::cancel_signal());
                    let _ = process::kill(pid, signal::SIGCONT);
                }
            }
            self.driver.submit(
                GRACE_KILL_TOKEN,
                Op::Timeout {
                    after: ABORT_DEADLINE,
                },
            );
            return;
        }
        self.kill_workers();
    }

    /// Kill every worker still running.
    fn kill_workers(&mut self) {
        let ids: Vec<ConnId> = self
            .conns
            .iter()
            .filter_map(|(i, c)| match &c.role {
                Role::Worker(w) if !w.reaped => Some(ConnId::of(i, c)),
                _ => None,
            })
            .collect();
        for id in ids {
            self.kill_worker(id);
        }
    }

    /// Keep how a worker's own client's job ended, and tell the client if
    /// it asked already.
    fn record_fate(&mut self, fate: Fate) {
        let waiting: Vec<ConnId> = self
            .conns
            .iter()
            .filter_map(|(i, c)| match c.role {
                Role::Client(ClientState::AwaitingFate { client_pid })
                    if client_pid == fate.client_pid =>
                {
                    Some(ConnId::of(i, c))
                }
                _ => None,
            })
            .collect();
        if !waiting.is_empty() {
            for id in waiting {
                self.answer_fate(id, &fate);
            }
            return;
        }
        self.fates
            .retain(|f| f.at.elapsed() < FATE_KEPT_FOR && f.client_pid != fate.client_pid);
        if self.fates.len() >= FATES_KEPT {
            self.fates.pop_front();
        }
        self.fates.push_back(fate);
    }

    /// A client whose connection to the worker that accepted it closed
    /// before its job's end asks how the job ended (the worker died: of
    /// what?). Answered from what the daemon saw of the worker's death,
    /// at once or, if the death has not been seen yet, when it is.
    fn on_fate_question(&mut self, id: ConnId) {
        let Some(c) = self.conn(id) else { return };
        let Some(client_pid) = platform::unix::peer_pid(c.raw).filter(|&p| p > 0) else {
            return self.answer_fate_unknown(id);
        };
        if let Some(at) = self.fates.iter().position(|f| f.client_pid == client_pid) {
            let fate = self.fates.remove(at).expect("position is in range");
            return self.answer_fate(id, &fate);
        }
        // Its worker is still serving it: its death is on its way.
        let serving = self.board.as_ref().is_some_and(|b| {
            self.conns.iter().any(|(_, c)| match &c.role {
                Role::Worker(w) => w.slot.is_some_and(|slot| {
                    b.state(slot) == state::SERVING && b.client(slot) == client_pid
                }),
                _ => false,
            })
        });
        if serving {
            self.set_client_state(id, ClientState::AwaitingFate { client_pid });
        } else {
            self.answer_fate_unknown(id);
        }
    }

    fn answer_fate(&mut self, id: ConnId, fate: &Fate) {
        self.set_client_state(id, ClientState::Idle);
        self.send_message(id, &death_answer(fate.status, fate.message.clone()));
    }

    /// Nothing is known of the client's job: its own message stands.
    fn answer_fate_unknown(&mut self, id: ConnId) {
        self.send_message(
            id,
            &Message::Error {
                code: ErrorCode::WorkerLost,
                message: Vec::new(),
            },
        );
    }

    /// Kill a worker's process (SIGKILL), unless it has been reaped; its
    /// death then tells nothing of its job ([`Worker::killed`]).
    fn kill_worker(&mut self, id: ConnId) {
        if let Some(w) = self.worker_mut(id)
            && !w.reaped
        {
            w.killed = true;
            let _ = process::kill(w.pid, signal::SIGKILL);
        }
    }

    /// Is the executable on disk no longer the one running? Compared at
    /// most once per [`EXE_CHECK_INTERVAL`] unless `now`.
    fn exe_changed(&mut self, now: bool) -> bool {
        let Some((path, id)) = &self.exe else {
            return false;
        };
        if !now && self.exe_checked.elapsed() < EXE_CHECK_INTERVAL {
            return false;
        }
        self.exe_checked = Instant::now();
        ExeId::of(path).as_ref() != Some(id)
    }

    // ---- status ---------------------------------------------------------

    fn status(&self) -> StatusReport {
        let mut lat: Vec<u32> = self.stats.latency_us.iter().copied().collect();
        let mut own_jobs = self.retired_fast_jobs;
        if let Some(b) = &self.board {
            for (_, c) in &self.conns {
                if let Role::Worker(Worker { slot: Some(s), .. }) = &c.role {
                    b.latencies(*s, &mut lat);
                    own_jobs += b.jobs(*s);
                }
            }
        }
        lat.sort_unstable();
        let pct = |p: usize| -> u64 {
            if lat.is_empty() {
                0
            } else {
                u64::from(lat[((lat.len() - 1) * p) / 100])
            }
        };
        let workers = self
            .conns
            .iter()
            .filter_map(|(_, c)| match &c.role {
                Role::Worker(w) if w.phase != Phase::Down => Some(WorkerReport {
                    pid: w.pid,
                    state: match w.phase {
                        Phase::Starting | Phase::Restoring => WorkerState::Starting,
                        Phase::Idle if self.own_job_pgid(w).is_some() => WorkerState::Busy,
                        Phase::Idle => WorkerState::Idle,
                        Phase::Busy { .. } => WorkerState::Busy,
                        Phase::Down => WorkerState::Stopping,
                    },
                    jobs: w.jobs
                        + self
                            .board
                            .as_ref()
                            .zip(w.slot)
                            .map_or(0, |(b, s)| b.jobs(s)),
                }),
                _ => None,
            })
            .collect();
        StatusReport {
            pid: process::getpid(),
            uptime_ms: self.started.elapsed().as_millis() as u64,
            backend: self.driver.kind().name().as_bytes().to_vec(),
            mode: self.cfg.mode_name().as_bytes().to_vec(),
            pool_size: self.cfg.pool_size as u32,
            queue_depth: self.queued as u32,
            queue_max: self.cfg.queue_max as u32,
            jobs_served: self.stats.jobs_served + own_jobs,
            jobs_relayed: self.stats.jobs_served,
            busy_refusals: self.stats.busy_refusals,
            context_refusals: self.stats.context_refusals,
            last_refusal: self.stats.last_refusal.as_bytes().to_vec(),
            respawns: self.stats.respawns,
            latency_us: [pct(50), pct(90), pct(99), pct(100)],
            workers,
        }
    }
}

/// How far up its ancestry a client is looked for the daemon.
const ANCESTRY_LIMIT: usize = 64;

/// Is process `pid` one of the daemon's descendants: a client started by a
/// job (`$SHELL script` in a configure script, a recursive `make` with
/// `SHELL=rush`)? Such a client's job must not wait in the queue: the jobs
/// it would wait behind may be its own ancestors, waiting for it. Looked
/// up only when no worker is idle, one read of `/proc/PID/stat` per
/// generation (Linux; `proc_pidinfo` on macOS, `sysctl` on FreeBSD; elsewhere
/// never).
fn inside_a_job(pid: i32) -> bool {
    let daemon = platform::process::getpid();
    let mut pid = pid;
    for _ in 0..ANCESTRY_LIMIT {
        if pid == daemon {
            return true;
        }
        match platform::process::parent_of(pid) {
            // Init is the daemon too in a container that runs it as such.
            Some(parent) if parent > 1 || parent == daemon => pid = parent,
            _ => return false,
        }
    }
    false
}

/// Signals whose default action ends a process (of those a client forwards).
fn terminates(sig: i32) -> bool {
    ![
        signal::SIGWINCH,
        signal::SIGTSTP,
        signal::SIGCONT,
        signal::SIGCHLD,
    ]
    .contains(&sig)
}

/// What a client is told of its job when the worker running it died: of
/// what signal, when the daemon did not send it ([`Worker::died_of`]), and
/// `message` for it to print either way.
fn death_answer(died_of: Option<ExitStatus>, message: Vec<u8>) -> Message {
    match died_of {
        Some(ExitStatus::Signaled {
            signal,
            core_dumped,
        }) => Message::WorkerDied {
            signal,
            core_dumped,
            message,
        },
        _ => Message::Error {
            code: ErrorCode::WorkerLost,
            message,
        },
    }
}

fn describe(status: WaitStatus) -> String {
    match status {
        WaitStatus::Exited(c) => format!("exited with status {c}"),
        WaitStatus::Signaled { signal: s, .. } => format!(
            "killed by SIG{}",
            signal::name(s).map_or_else(|| s.to_string(), str::to_string)
        ),
        WaitStatus::Stopped(s) => format!("stopped by signal {s}"),
        WaitStatus::Continued => "continued".to_string(),
    }
}

/// errno values the loop looks at.
mod libc_codes {
    pub const ECANCELED: i32 = platform::errno::ECANCELED;
    pub const EMFILE: i32 = platform::errno::EMFILE;
    pub const ENFILE: i32 = platform::errno::ENFILE;
    pub const ENOBUFS: i32 = platform::errno::ENOBUFS;
    pub const ENOMEM: i32 = platform::errno::ENOMEM;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_never_collide_with_the_daemons() {
        for (index, generation) in [(0, 1), (7, 0xff_ffff), (u32::MAX >> 1, 12345)] {
            let id = ConnId { index, generation };
            for op in [OP_RECV, OP_SEND, OP_ACCEPT, OP_CLOSE, OP_WAIT] {
                let t = id.token(op);
                assert!(t.0 < Token::RESERVED);
                assert_eq!(ConnId::from_token(t), Some((id, op)));
            }
        }
        for t in [
            SIGNAL_TOKEN,
            GRACE_TOKEN,
            ACCEPT_RETRY_TOKEN,
            IDLE_TOKEN,
            SWEEP_TOKEN,
            RESPAWN_TOKEN,
            CANCEL_TOKEN,
            SATURATED_TOKEN,
            GRACE_KILL_TOKEN,
        ] {
            assert_eq!(ConnId::from_token(t), None);
            assert!(t.0 < Token::RESERVED);
        }
    }

    #[test]
    fn only_forwarded_signals_that_end_a_process_end_a_queued_job() {
        assert!(terminates(signal::SIGINT) && terminates(signal::SIGTERM));
        assert!(!terminates(signal::SIGWINCH) && !terminates(signal::SIGTSTP));
    }
}
