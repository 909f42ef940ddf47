//! The messages: what each kind's payload holds, and their encoding.

use super::codec::{Reader, Strings, Writer};
use super::{FrameError, HEADER_LEN, Header, Kind, MAX_FDS, MAX_PAYLOAD};

/// The job's last command, for the client to run in its own place
/// (worker → (daemon →) client, instead of `Exit`): the worker ran the
/// job up to an external utility that a shell run directly would have
/// replaced itself with, and the client does exactly that, so the utility
/// gets the client's pid, parent, process group and resource accounting,
/// as directly. The frame carries the descriptors the utility inherits, to be
/// installed at the numbers in `fds` (every other descriptor of the
/// client's closed), then, with [`EXEC_CWD`], the job's working directory.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ExecRequest {
    /// The utility, as found on `PATH`.
    pub path: Vec<u8>,
    /// Its arguments, `argv[0]` included.
    pub argv: Vec<Vec<u8>>,
    /// Its environment, `KEY=VALUE` entries.
    pub env: Strings,
    /// The file mode creation mask to set.
    pub umask: u32,
    /// Signals to ignore (bit n = signal n); every other one is set to its
    /// default.
    pub ignored: u64,
    /// Signals that were sent to the job's shell while its mask (the
    /// client's) blocked them, and wait for the utility: directly they
    /// would stay pending across the shell's exec. The client sends them
    /// to itself, still blocked, before it execs.
    pub pending: u64,
    /// Signals the job's shell received and took while the job ran (bit n
    /// = signal n). One the client passed on that is not among them reached
    /// the daemon after the job had ended here: the client sends it to
    /// itself, the process about to become the utility, as it would have
    /// reached the shell or the utility directly.
    pub seen: u64,
    /// [`EXEC_AS_COMMAND`] (not set for the `exec` builtin), [`EXEC_CWD`].
    pub flags: u32,
    /// How the shell begins a diagnostic (`rush: -c: line 1`), for the
    /// message should the client fail to run the utility.
    pub prefix: Vec<u8>,
    /// The numbers to install the descriptors at.
    pub fds: Vec<i32>,
}

impl ExecRequest {
    /// The descriptors its frame carries.
    pub fn nfds(&self) -> usize {
        self.fds.len() + usize::from(self.flags & EXEC_CWD != 0)
    }

    /// Encode as a frame (what `Message::Exec` encodes, without a copy).
    pub fn encode(&self, out: &mut Vec<u8>) {
        let at = begin_frame(out, Kind::Exec, self.nfds());
        self.write(&mut Writer::new(out));
        end_frame(out, at);
    }

    fn write(&self, w: &mut Writer<'_>) {
        w.bytes(&self.path)
            .u32(self.umask)
            .u64(self.ignored)
            .u64(self.pending)
            .u64(self.seen)
            .u32(self.flags)
            .bytes(&self.prefix)
            .u32(self.fds.len() as u32);
        for &fd in &self.fds {
            w.i32(fd);
        }
        w.strings(self.argv.iter().map(Vec::as_slice));
        w.strings(self.env.iter());
    }

    fn read(r: &mut Reader<'_>) -> Result<ExecRequest, FrameError> {
        let path = r.bytes()?.to_vec();
        let umask = r.u32()?;
        if umask > 0o777 {
            return Err(FrameError::BadField("umask"));
        }
        let ignored = r.u64()?;
        let pending = r.u64()?;
        let seen = r.u64()?;
        let flags = r.u32()?;
        if flags & !(EXEC_AS_COMMAND | EXEC_CWD) != 0 {
            return Err(FrameError::BadField("exec flags"));
        }
        let prefix = r.bytes()?.to_vec();
        let mut fds = Vec::new();
        read_fd_list(r, |fd| fds.push(fd))?;
        let argv = r.strings()?;
        let env = r.string_list("env")?;
        if path.is_empty() || path.contains(&0) {
            return Err(FrameError::BadField("path"));
        }
        if argv.is_empty() {
            return Err(FrameError::BadField("argv"));
        }
        no_nul(&argv, "argv")?;
        Ok(ExecRequest {
            path,
            argv,
            env,
            umask,
            ignored,
            pending,
            seen,
            flags,
            prefix,
            fds,
        })
    }
}

/// [`ExecRequest::flags`]: the utility ends a command, not an `exec`: a
/// file that is no executable format runs as a script, and a missing one
/// is "not found" (XCU 2.9.1.1).
pub const EXEC_AS_COMMAND: u32 = 1;

/// [`ExecRequest::flags`]: the frame's last descriptor is the job's
/// working directory, for the client to change to. Without it the job
/// never changed directory, and the client's is the job's.
pub const EXEC_CWD: u32 = 2;

/// A job, as the client sends it. The frame carries `1 + fds.len()`
/// descriptors: first the client's current directory (opened `O_PATH` or
/// `O_DIRECTORY`), then the client's descriptors, to be installed at the
/// numbers listed in `fds`, in that order.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct JobRequest {
    /// The client's file mode creation mask.
    pub umask: u32,
    /// The client's pid (the job's `$$`) and its parent (`$PPID`).
    pub pid: i32,
    pub ppid: i32,
    /// Signals the client had ignored (bit n = signal n): a job inherits them.
    pub ignored: u64,
    /// The client's blocked signal mask.
    pub blocked: u64,
    /// What the job inherits from the client's process that a worker
    /// cannot take on: a worker whose own differs refuses the job, which
    /// then runs directly.
    pub context: Context,
    /// [`JOB_LAST`], [`JOB_WAIT`].
    pub flags: u32,
    /// When the client sent the job ([`platform::process::monotonic_ns`]),
    /// for the dispatch latency `rushd status` reports.
    pub sent_ns: u64,
    /// The client's working directory as a path, a fallback (the `rush`
    /// client leaves it empty on Linux, where the descriptor always
    /// serves); the directory itself travels as the last descriptor.
    pub cwd: Vec<u8>,
    /// The descriptor numbers the client had open, in the order their
    /// descriptors come in the frame, before the directory's.
    pub fds: Vec<i32>,
    /// The full argument vector of `rush`, `argv[0]` included.
    pub argv: Vec<Vec<u8>>,
    /// The environment, `KEY=VALUE` entries.
    pub env: Strings,
}

/// The borrowed parts of a job request, for encoding without copies.
pub struct JobParts<'a> {
    pub umask: u32,
    pub pid: i32,
    pub ppid: i32,
    pub ignored: u64,
    pub blocked: u64,
    pub context: Context,
    pub flags: u32,
    pub sent_ns: u64,
    pub cwd: &'a [u8],
    pub fds: &'a [i32],
    pub argv: &'a [&'a [u8]],
}

/// Job flag: the client sends no other job on this connection, so whoever
/// answers it may close the connection with the answer.
pub const JOB_LAST: u32 = 1;

/// Job flag: the client would rather wait for a worker than run the job
/// itself (`RUSH_DAEMON=require`), so the daemon keeps it queued for as
/// long as it takes instead of answering `Busy` after its queue wait.
pub const JOB_WAIT: u32 = 2;

/// What the daemon needs from a job request, read without allocating.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JobSummary {
    pub pid: i32,
    pub context: Context,
    pub flags: u32,
    pub sent_ns: u64,
    /// Descriptors the frame must carry (directory + listed fds).
    pub nfds: usize,
}

/// How a job ended, as the client must end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    Exited(u8),
    Signaled { signal: i32, core_dumped: bool },
}

/// Why the daemon refused or failed a job.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum ErrorCode {
    /// The request was refused before the job started (limits differ, a
    /// bad request): run it directly.
    Refused = 1,
    /// The worker running the job died.
    WorkerLost = 2,
    /// The daemon is stopping.
    ShuttingDown = 3,
    /// Anything else.
    Internal = 4,
}

impl ErrorCode {
    fn from_u8(b: u8) -> Option<ErrorCode> {
        Some(match b {
            1 => ErrorCode::Refused,
            2 => ErrorCode::WorkerLost,
            3 => ErrorCode::ShuttingDown,
            4 => ErrorCode::Internal,
            _ => return None,
        })
    }
}

/// A worker's state, as `rushd status` shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum WorkerState {
    Starting = 0,
    Idle = 1,
    Busy = 2,
    Stopping = 3,
}

impl WorkerState {
    pub fn name(self) -> &'static str {
        match self {
            WorkerState::Starting => "starting",
            WorkerState::Idle => "idle",
            WorkerState::Busy => "busy",
            WorkerState::Stopping => "stopping",
        }
    }

    fn from_u8(b: u8) -> Option<WorkerState> {
        Some(match b {
            0 => WorkerState::Starting,
            1 => WorkerState::Idle,
            2 => WorkerState::Busy,
            3 => WorkerState::Stopping,
            _ => return None,
        })
    }
}

/// One worker in a status report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkerReport {
    pub pid: i32,
    pub state: WorkerState,
    pub jobs: u64,
}

/// The daemon's answer to a status request.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct StatusReport {
    pub pid: i32,
    pub uptime_ms: u64,
    pub backend: Vec<u8>,
    /// `pool` or `fork`.
    pub mode: Vec<u8>,
    pub pool_size: u32,
    pub queue_depth: u32,
    pub queue_max: u32,
    pub jobs_served: u64,
    /// Of those, the jobs the daemon accepted and relayed to a worker (the
    /// rest a worker accepted and served itself).
    pub jobs_relayed: u64,
    pub busy_refusals: u64,
    /// Jobs refused because the client's context differed (they ran
    /// directly), and the last reason given.
    pub context_refusals: u64,
    pub last_refusal: Vec<u8>,
    pub respawns: u64,
    /// Dispatch latency (request received → sent to a worker), in
    /// microseconds: p50, p90, p99, max over the recent window.
    pub latency_us: [u64; 4],
    pub workers: Vec<WorkerReport>,
}

/// Every message of the protocol.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    Job(JobRequest),
    /// Deliver this signal to the job (client → daemon). `from_group` is
    /// the process group of the process that sent it to the client (0:
    /// not known, or the kernel; `platform::connwatch::SENDER_GONE`, -1:
    /// it had exited): one of the job's own, signalling `$$`, meant the
    /// shell alone.
    Signal {
        signal: i32,
        from_group: i32,
    },
    StatusRequest,
    Stop,
    /// How did the job of the asking client end? Asked by a client whose
    /// connection to the worker that accepted it closed before the job's
    /// end: the daemon answers `WorkerDied` or `Error` `WorkerLost`.
    Fate,
    /// The worker running the job died of `signal`, which the daemon did
    /// not send (the kernel's at a hard `ulimit -t`, a job's `kill -KILL
    /// $PPID`): the client prints `message` and dies of the same signal,
    /// as the job's shell, run directly, would have.
    WorkerDied {
        signal: i32,
        core_dumped: bool,
        message: Vec<u8>,
    },
    /// The job started: the worker's pid and the job's process group.
    Started {
        worker: i32,
        pgid: i32,
    },
    Exit(ExitStatus),
    /// Every worker is busy and the queue is full: run the job directly.
    Busy,
    Error {
        code: ErrorCode,
        message: Vec<u8>,
    },
    Status(StatusReport),
    /// The daemon accepted a stop request; it closes the connection when it
    /// has exited.
    Stopping,
    /// The daemon holds the job in its queue: it has not started, and if
    /// the connection ends before `Started` the client runs it itself.
    Queued,
    /// Run the job's last command in the client's own process.
    Exec(ExecRequest),
    /// A worker is idle (worker → daemon), with the process group its next
    /// job will run in, and whether it waits on the listening socket too
    /// (else only for the daemon's jobs).
    Ready {
        pid: i32,
        pgid: i32,
        listening: bool,
    },
    /// A connection a worker accepted but does not serve itself (worker →
    /// daemon): the connection is the first descriptor, then any the client
    /// sent with `data`, the bytes already read from it.
    Handoff {
        data: Vec<u8>,
        nfds: usize,
    },
    /// The worker took the last idle place on the listening socket (worker
    /// → daemon): accept and queue until a worker is free.
    Saturated,
    /// The client of the job this worker accepted itself went away; the
    /// job is being cancelled (worker → daemon).
    Cancelling,
    /// Jobs are being served without the daemon (worker → daemon, at most
    /// about once a second): time for its periodic checks.
    Tick,
    /// Wait on the listening socket again (daemon → worker).
    Listen,
}

/// Start a frame of `kind` in `out`, returning where the header begins;
/// finish it with [`end_frame`].
fn begin_frame(out: &mut Vec<u8>, kind: Kind, nfds: usize) -> usize {
    let at = out.len();
    Header {
        kind,
        flags: 0,
        nfds: nfds.min(255) as u8,
        len: 0,
    }
    .encode(out);
    at
}

fn end_frame(out: &mut [u8], at: usize) {
    let len = (out.len() - at - HEADER_LEN) as u32;
    out[at + 8..at + 12].copy_from_slice(&len.to_le_bytes());
}

fn write_job_fixed(w: &mut Writer<'_>, p: &JobParts<'_>) {
    w.u32(p.umask)
        .i32(p.pid)
        .i32(p.ppid)
        .u64(p.ignored)
        .u64(p.blocked)
        .u64(p.context.limits)
        .u64(p.context.scheduling)
        .u64(p.context.credentials)
        .u64(p.context.place)
        .u32(p.flags)
        .u64(p.sent_ns)
        .bytes(p.cwd)
        .u32(p.fds.len() as u32);
    for &fd in p.fds {
        w.i32(fd);
    }
    w.strings(p.argv.iter().copied());
}

/// Encode a job frame from borrowed parts; `env` is called once with a
/// sink for each `KEY=VALUE` entry. The frame declares `1 + fds.len()`
/// descriptors.
pub fn encode_job(
    out: &mut Vec<u8>,
    parts: &JobParts<'_>,
    env: impl FnOnce(&mut dyn FnMut(&[u8])),
) {
    let at = begin_frame(out, Kind::Job, 1 + parts.fds.len());
    write_job_fixed(&mut Writer::new(out), parts);
    let count_at = out.len();
    out.extend_from_slice(&[0; 4]);
    let mut n = 0u32;
    env(&mut |kv: &[u8]| {
        n += 1;
        Writer::new(out).bytes(kv);
    });
    out[count_at..count_at + 4].copy_from_slice(&n.to_le_bytes());
    end_frame(out, at);
}

struct JobFixed<'a> {
    umask: u32,
    pid: i32,
    ppid: i32,
    ignored: u64,
    blocked: u64,
    context: Context,
    flags: u32,
    sent_ns: u64,
    cwd: &'a [u8],
}

fn read_job_fixed<'a>(r: &mut Reader<'a>) -> Result<JobFixed<'a>, FrameError> {
    let umask = r.u32()?;
    if umask > 0o777 {
        return Err(FrameError::BadField("umask"));
    }
    let pid = r.i32()?;
    let ppid = r.i32()?;
    if pid <= 0 || ppid < 0 {
        return Err(FrameError::BadField("pid"));
    }
    let ignored = r.u64()?;
    let blocked = r.u64()?;
    let context = Context {
        limits: r.u64()?,
        scheduling: r.u64()?,
        credentials: r.u64()?,
        place: r.u64()?,
    };
    let flags = r.u32()?;
    if flags & !(JOB_LAST | JOB_WAIT) != 0 {
        return Err(FrameError::BadField("job flags"));
    }
    let sent_ns = r.u64()?;
    let cwd = r.bytes()?;
    Ok(JobFixed {
        umask,
        pid,
        ppid,
        ignored,
        blocked,
        context,
        flags,
        sent_ns,
        cwd,
    })
}

/// The highest descriptor number a client may pass.
pub const MAX_FD_NUMBER: i32 = 1 << 20;

fn read_fd_list(r: &mut Reader<'_>, mut each: impl FnMut(i32)) -> Result<usize, FrameError> {
    let n = r.count(4)?;
    if n + 1 > MAX_FDS {
        return Err(FrameError::TooManyFds(n + 1));
    }
    let mut seen = [0u64; 4];
    for _ in 0..n {
        let fd = r.i32()?;
        if !(0..MAX_FD_NUMBER).contains(&fd) {
            return Err(FrameError::BadField("fd number"));
        }
        // Duplicates would make installation order matter; refuse them
        // (checked exactly for the common low numbers).
        if fd < 256 {
            let (word, bit) = ((fd / 64) as usize, fd % 64);
            if seen[word] & (1 << bit) != 0 {
                return Err(FrameError::BadField("duplicate fd number"));
            }
            seen[word] |= 1 << bit;
        }
        each(fd);
    }
    Ok(n)
}

fn no_nul(strings: &[Vec<u8>], name: &'static str) -> Result<(), FrameError> {
    if strings.iter().any(|s| s.contains(&0)) {
        return Err(FrameError::BadField(name));
    }
    Ok(())
}

impl JobRequest {
    /// Decode a job payload in full.
    pub fn decode(payload: &[u8]) -> Result<JobRequest, FrameError> {
        let mut r = Reader::new(payload);
        let f = read_job_fixed(&mut r)?;
        let mut fds = Vec::new();
        read_fd_list(&mut r, |fd| fds.push(fd))?;
        let argv = r.strings()?;
        if argv.is_empty() {
            return Err(FrameError::BadField("argv"));
        }
        no_nul(&argv, "argv")?;
        let env = r.string_list("env")?;
        r.finish()?;
        if f.cwd.contains(&0) {
            return Err(FrameError::BadField("cwd"));
        }
        Ok(JobRequest {
            umask: f.umask,
            pid: f.pid,
            ppid: f.ppid,
            ignored: f.ignored,
            blocked: f.blocked,
            context: f.context,
            flags: f.flags,
            sent_ns: f.sent_ns,
            cwd: f.cwd.to_vec(),
            fds,
            argv,
            env,
        })
    }

    /// Encode as a frame.
    pub fn encode(&self, out: &mut Vec<u8>) {
        self.encode_with_env(out, |sink| {
            for kv in self.env.iter() {
                sink(kv);
            }
        });
    }

    /// Encode as a frame with the entries `env` gives in place of the
    /// job's own (as [`encode_job`] takes them).
    fn encode_with_env(&self, out: &mut Vec<u8>, env: impl FnOnce(&mut dyn FnMut(&[u8]))) {
        let argv: Vec<&[u8]> = self.argv.iter().map(Vec::as_slice).collect();
        let parts = JobParts {
            umask: self.umask,
            pid: self.pid,
            ppid: self.ppid,
            ignored: self.ignored,
            blocked: self.blocked,
            context: self.context,
            flags: self.flags,
            sent_ns: self.sent_ns,
            cwd: &self.cwd,
            fds: &self.fds,
            argv: &argv,
        };
        encode_job(out, &parts, env);
    }
}

impl JobSummary {
    /// Check a job payload's structure and read what the daemon needs,
    /// without allocating.
    pub fn decode(payload: &[u8]) -> Result<JobSummary, FrameError> {
        let mut r = Reader::new(payload);
        let f = read_job_fixed(&mut r)?;
        let n = read_fd_list(&mut r, |_| {})?;
        for section in 0..2 {
            let count = r.count(4)?;
            if section == 0 && count == 0 {
                return Err(FrameError::BadField("argv"));
            }
            for _ in 0..count {
                r.bytes()?;
            }
        }
        r.finish()?;
        Ok(JobSummary {
            pid: f.pid,
            context: f.context,
            flags: f.flags,
            sent_ns: f.sent_ns,
            nfds: n + 1,
        })
    }
}

/// What a job inherits from its client's process besides descriptors,
/// environment, directory, umask and signals, which a worker cannot take
/// on for one job and put back: each field a hash of one group
/// (FNV-1a, 64-bit, over the values as 8 little-endian bytes each). A
/// daemon compares a job's with its own and refuses the job when they
/// differ ([`Context::mismatch`]); the client then runs it itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Context {
    /// Every resource limit, soft and hard: for each resource of
    /// `platform::process::RESOURCES` in order, its id and both limits.
    pub limits: u64,
    /// Nice value, scheduling policy, CPU affinity, I/O priority
    /// ([`platform::context::scheduling`]).
    pub scheduling: u64,
    /// User and group ids, groups, capabilities, `no_new_privs`, seccomp,
    /// personality ([`platform::context::credentials`]).
    pub credentials: u64,
    /// Root directory, its mount, host and domain name
    /// ([`platform::context::place`]).
    pub place: u64,
}

impl Context {
    /// This process's.
    pub fn current() -> Context {
        Context {
            limits: fnv(|eat| {
                for r in platform::process::RESOURCES {
                    let (soft, hard) =
                        platform::process::getrlimit(r.id).unwrap_or((u64::MAX - 1, u64::MAX - 1));
                    eat(r.id as u64);
                    eat(soft);
                    eat(hard);
                }
            }),
            scheduling: fnv(platform::context::scheduling),
            credentials: fnv(platform::context::credentials),
            place: fnv(platform::context::place),
        }
    }

    /// Why a job with context `job` cannot run in a process with this one,
    /// as the client is told (`None`: it can).
    pub fn mismatch(&self, job: &Context) -> Option<&'static str> {
        if self.limits != job.limits {
            Some("resource limits differ from rushd's")
        } else if self.scheduling != job.scheduling {
            Some(
                "scheduling (nice value, policy, CPU affinity or I/O priority) differs from rushd's",
            )
        } else if self.credentials != job.credentials {
            Some(
                "credentials (ids, groups, capabilities, no_new_privs, seccomp or personality) \
                 differ from rushd's",
            )
        } else if self.place != job.place {
            Some("root directory, mount namespace or host name differs from rushd's")
        } else {
            None
        }
    }
}

/// 64-bit FNV-1a of the values `feed` gives, each as 8 little-endian
/// bytes.
fn fnv(feed: impl FnOnce(&mut dyn FnMut(u64))) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    feed(&mut |v: u64| {
        for b in v.to_le_bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    });
    h
}

impl ExitStatus {
    /// The status a shell reports for it (`$?`): the code, or 128 + signal.
    pub fn shell_status(self) -> i32 {
        match self {
            ExitStatus::Exited(c) => i32::from(c),
            ExitStatus::Signaled { signal, .. } => 128 + signal,
        }
    }
}

impl Message {
    /// The message's kind.
    pub fn kind(&self) -> Kind {
        match self {
            Message::Job(_) => Kind::Job,
            Message::Signal { .. } => Kind::Signal,
            Message::StatusRequest => Kind::StatusRequest,
            Message::Stop => Kind::Stop,
            Message::Fate => Kind::Fate,
            Message::Started { .. } => Kind::Started,
            Message::Exit(_) => Kind::Exit,
            Message::Busy => Kind::Busy,
            Message::Error { .. } => Kind::Error,
            Message::Status(_) => Kind::Status,
            Message::Stopping => Kind::Stopping,
            Message::Queued => Kind::Queued,
            Message::Exec(_) => Kind::Exec,
            Message::WorkerDied { .. } => Kind::WorkerDied,
            Message::Ready { .. } => Kind::Ready,
            Message::Handoff { .. } => Kind::Handoff,
            Message::Saturated => Kind::Saturated,
            Message::Cancelling => Kind::Cancelling,
            Message::Tick => Kind::Tick,
            Message::Listen => Kind::Listen,
        }
    }

    /// Descriptors that travel with this message.
    pub fn nfds(&self) -> usize {
        match self {
            Message::Job(j) => 1 + j.fds.len(),
            Message::Handoff { nfds, .. } => *nfds,
            Message::Exec(e) => e.nfds(),
            _ => 0,
        }
    }

    /// Append the message as one frame to `out`.
    pub fn encode(&self, out: &mut Vec<u8>) {
        match self {
            Message::Job(j) => return j.encode(out),
            Message::Exec(e) => return e.encode(out),
            _ => {}
        }
        let at = begin_frame(out, self.kind(), self.nfds());
        let mut w = Writer::new(out);
        match self {
            Message::Job(_) | Message::Exec(_) => {}
            Message::Signal { signal, from_group } => {
                w.i32(*signal).i32(*from_group);
            }
            Message::StatusRequest
            | Message::Stop
            | Message::Fate
            | Message::Busy
            | Message::Stopping
            | Message::Queued
            | Message::Saturated
            | Message::Cancelling
            | Message::Tick
            | Message::Listen => {}
            Message::Started { worker, pgid } => {
                w.i32(*worker).i32(*pgid);
            }
            Message::Ready {
                pid,
                pgid,
                listening,
            } => {
                w.i32(*pid).i32(*pgid).u8(u8::from(*listening));
            }
            Message::Handoff { data, .. } => {
                w.bytes(data);
            }
            Message::Exit(ExitStatus::Exited(code)) => {
                w.u8(0).u8(*code).u8(0);
            }
            Message::Exit(ExitStatus::Signaled {
                signal,
                core_dumped,
            }) => {
                w.u8(1).u8(*signal as u8).u8(u8::from(*core_dumped));
            }
            Message::Error { code, message } => {
                // Error texts are for people; keep them short.
                let message = &message[..message.len().min(4096)];
                w.u8(*code as u8).bytes(message);
            }
            Message::WorkerDied {
                signal,
                core_dumped,
                message,
            } => {
                let message = &message[..message.len().min(4096)];
                w.u8(*signal as u8)
                    .u8(u8::from(*core_dumped))
                    .bytes(message);
            }
            Message::Status(s) => {
                w.i32(s.pid)
                    .u64(s.uptime_ms)
                    .bytes(&s.backend)
                    .bytes(&s.mode)
                    .u32(s.pool_size)
                    .u32(s.queue_depth)
                    .u32(s.queue_max)
                    .u64(s.jobs_served)
                    .u64(s.jobs_relayed)
                    .u64(s.busy_refusals)
                    .u64(s.context_refusals)
                    .bytes(&s.last_refusal)
                    .u64(s.respawns);
                for v in s.latency_us {
                    w.u64(v);
                }
                w.u32(s.workers.len() as u32);
                for wr in &s.workers {
                    w.i32(wr.pid).u8(wr.state as u8).u64(wr.jobs);
                }
            }
        }
        end_frame(out, at);
    }

    /// Decode a frame's payload. The caller checks the descriptor count
    /// against [`nfds`](Self::nfds).
    pub fn decode(header: &Header, payload: &[u8]) -> Result<Message, FrameError> {
        if payload.len() != header.len as usize || header.len > MAX_PAYLOAD {
            return Err(FrameError::Truncated);
        }
        if !matches!(header.kind, Kind::Job | Kind::Handoff | Kind::Exec) && header.nfds != 0 {
            return Err(FrameError::FdMismatch {
                declared: header.nfds.into(),
                got: 0,
            });
        }
        let mut r = Reader::new(payload);
        let m = match header.kind {
            Kind::Job => {
                let job = JobRequest::decode(payload)?;
                if 1 + job.fds.len() != usize::from(header.nfds) {
                    return Err(FrameError::FdMismatch {
                        declared: header.nfds.into(),
                        got: 1 + job.fds.len(),
                    });
                }
                return Ok(Message::Job(job));
            }
            Kind::Signal => {
                let signal = r.i32()?;
                if !(1..64).contains(&signal) {
                    return Err(FrameError::BadField("signal"));
                }
                let from_group = r.i32()?;
                if from_group < platform::connwatch::SENDER_GONE {
                    return Err(FrameError::BadField("signal sender"));
                }
                Message::Signal { signal, from_group }
            }
            Kind::StatusRequest => Message::StatusRequest,
            Kind::Stop => Message::Stop,
            Kind::Fate => Message::Fate,
            Kind::Saturated => Message::Saturated,
            Kind::Cancelling => Message::Cancelling,
            Kind::Tick => Message::Tick,
            Kind::Listen => Message::Listen,
            Kind::Handoff => {
                if header.nfds == 0 {
                    return Err(FrameError::BadField("handoff without a connection"));
                }
                Message::Handoff {
                    data: r.bytes()?.to_vec(),
                    nfds: header.nfds.into(),
                }
            }
            Kind::Busy => Message::Busy,
            Kind::Stopping => Message::Stopping,
            Kind::Queued => Message::Queued,
            Kind::Exec => {
                let e = ExecRequest::read(&mut r)?;
                if e.nfds() != usize::from(header.nfds) {
                    return Err(FrameError::FdMismatch {
                        declared: header.nfds.into(),
                        got: e.nfds(),
                    });
                }
                Message::Exec(e)
            }
            Kind::Started => Message::Started {
                worker: r.i32()?,
                pgid: r.i32()?,
            },
            Kind::Ready => Message::Ready {
                pid: r.i32()?,
                pgid: r.i32()?,
                listening: match r.u8()? {
                    0 => false,
                    1 => true,
                    _ => return Err(FrameError::BadField("listening")),
                },
            },
            Kind::Exit => {
                let tag = r.u8()?;
                let a = r.u8()?;
                let b = r.u8()?;
                match (tag, b) {
                    (0, 0) => Message::Exit(ExitStatus::Exited(a)),
                    // Signal numbers run to 64 (SIGRTMAX on Linux).
                    (1, 0 | 1) if (1..platform::signal::NSIG).contains(&i32::from(a)) => {
                        Message::Exit(ExitStatus::Signaled {
                            signal: i32::from(a),
                            core_dumped: b == 1,
                        })
                    }
                    _ => return Err(FrameError::BadField("exit status")),
                }
            }
            Kind::WorkerDied => {
                let signal = i32::from(r.u8()?);
                if !(1..platform::signal::NSIG).contains(&signal) {
                    return Err(FrameError::BadField("signal"));
                }
                let core_dumped = match r.u8()? {
                    0 => false,
                    1 => true,
                    _ => return Err(FrameError::BadField("core dumped")),
                };
                let message = r.bytes()?;
                if message.len() > 4096 {
                    return Err(FrameError::BadField("message"));
                }
                Message::WorkerDied {
                    signal,
                    core_dumped,
                    message: message.to_vec(),
                }
            }
            Kind::Error => {
                let code = ErrorCode::from_u8(r.u8()?).ok_or(FrameError::BadField("error code"))?;
                Message::Error {
                    code,
                    message: r.bytes()?.to_vec(),
                }
            }
            Kind::Status => {
                let mut s = StatusReport {
                    pid: r.i32()?,
                    uptime_ms: r.u64()?,
                    backend: r.bytes()?.to_vec(),
                    mode: r.bytes()?.to_vec(),
                    pool_size: r.u32()?,
                    queue_depth: r.u32()?,
                    queue_max: r.u32()?,
                    jobs_served: r.u64()?,
                    jobs_relayed: r.u64()?,
                    busy_refusals: r.u64()?,
                    context_refusals: r.u64()?,
                    last_refusal: r.bytes()?.to_vec(),
                    respawns: r.u64()?,
                    latency_us: [r.u64()?, r.u64()?, r.u64()?, r.u64()?],
                    workers: Vec::new(),
                };
                let n = r.count(13)?;
                s.workers.reserve(n);
                for _ in 0..n {
                    let pid = r.i32()?;
                    let state = WorkerState::from_u8(r.u8()?)
                        .ok_or(FrameError::BadField("worker state"))?;
                    let jobs = r.u64()?;
                    s.workers.push(WorkerReport { pid, state, jobs });
                }
                Message::Status(s)
            }
        };
        r.finish()?;
        Ok(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::{VERSION, split};

    fn round_trip(m: &Message) {
        let mut buf = Vec::new();
        m.encode(&mut buf);
        let (h, payload, used) = split(&buf).unwrap().unwrap();
        assert_eq!(used, buf.len());
        assert_eq!(usize::from(h.nfds), m.nfds());
        assert_eq!(&Message::decode(&h, payload).unwrap(), m);
    }

    fn sample_job() -> JobRequest {
        JobRequest {
            umask: 0o022,
            pid: 1234,
            ppid: 1,
            ignored: 1 << 13,
            blocked: 0,
            context: Context {
                limits: 0xfeed,
                scheduling: 1,
                credentials: 2,
                place: 3,
            },
            flags: JOB_LAST,
            sent_ns: 77,
            cwd: b"/tmp/\xff".to_vec(),
            fds: vec![0, 1, 2, 7],
            argv: vec![b"rush".to_vec(), b"-c".to_vec(), b"echo \xfe".to_vec()],
            env: [&b"A=1"[..], b"B=\x80"].into_iter().collect(),
        }
    }

    fn sample_exec() -> ExecRequest {
        ExecRequest {
            path: b"/bin/echo".to_vec(),
            argv: vec![b"echo".to_vec(), b"\xff".to_vec()],
            env: [&b"A=1"[..]].into_iter().collect(),
            umask: 0o077,
            ignored: 1 << 2,
            pending: 1 << 15,
            seen: 1 << 10,
            flags: EXEC_AS_COMMAND | EXEC_CWD,
            prefix: b"rush: -c: line 1".to_vec(),
            fds: vec![0, 1, 2, 9],
        }
    }

    /// An environment string with a NUL byte in it: a C string would end
    /// there, and the job would run with another environment than sent.
    #[test]
    fn a_job_whose_environment_holds_a_nul_is_refused() {
        let mut buf = Vec::new();
        sample_job().encode_with_env(&mut buf, |sink| {
            sink(b"A=1");
            sink(b"B=x\0y");
        });
        let (h, payload, _) = split(&buf).unwrap().unwrap();
        assert_eq!(
            Message::decode(&h, payload).unwrap_err(),
            FrameError::BadField("env")
        );
    }

    #[test]
    fn a_bad_exec_request_is_refused() {
        let bad = |f: &dyn Fn(&mut ExecRequest)| {
            let mut e = sample_exec();
            f(&mut e);
            let mut buf = Vec::new();
            Message::Exec(e).encode(&mut buf);
            let (h, payload, _) = split(&buf).unwrap().unwrap();
            Message::decode(&h, payload).unwrap_err()
        };
        assert_eq!(bad(&|e| e.path.clear()), FrameError::BadField("path"));
        assert_eq!(bad(&|e| e.argv.clear()), FrameError::BadField("argv"));
        assert_eq!(
            bad(&|e| e.env = [&b"A=1\0"[..]].into_iter().collect()),
            FrameError::BadField("env")
        );
        assert_eq!(bad(&|e| e.umask = 0o1000), FrameError::BadField("umask"));
        assert_eq!(bad(&|e| e.flags = 4), FrameError::BadField("exec flags"));
        assert_eq!(
            bad(&|e| e.fds.push(1)),
            FrameError::BadField("duplicate fd number")
        );
    }

    #[test]
    fn every_kind_round_trips() {
        for m in [
            Message::Job(sample_job()),
            Message::Signal {
                signal: 2,
                from_group: 77,
            },
            Message::StatusRequest,
            Message::Stop,
            Message::Fate,
            Message::WorkerDied {
                signal: 9,
                core_dumped: false,
                message: b"rush: the rushd worker died".to_vec(),
            },
            Message::Started {
                worker: 10,
                pgid: 11,
            },
            Message::Exit(ExitStatus::Exited(255)),
            Message::Exit(ExitStatus::Signaled {
                signal: 9,
                core_dumped: true,
            }),
            Message::Busy,
            Message::Error {
                code: ErrorCode::WorkerLost,
                message: b"gone".to_vec(),
            },
            Message::Status(StatusReport {
                pid: 5,
                backend: b"uring".to_vec(),
                mode: b"pool".to_vec(),
                workers: vec![WorkerReport {
                    pid: 6,
                    state: WorkerState::Idle,
                    jobs: 3,
                }],
                ..StatusReport::default()
            }),
            Message::Stopping,
            Message::Queued,
            Message::Exec(sample_exec()),
            Message::Ready {
                pid: 1,
                pgid: 2,
                listening: true,
            },
            Message::Handoff {
                data: b"RUSH".to_vec(),
                nfds: 3,
            },
            Message::Saturated,
            Message::Cancelling,
            Message::Tick,
            Message::Listen,
        ] {
            round_trip(&m);
        }
    }

    #[test]
    fn summary_agrees_with_full_decode() {
        let mut buf = Vec::new();
        sample_job().encode(&mut buf);
        let (_, payload, _) = split(&buf).unwrap().unwrap();
        let s = JobSummary::decode(payload).unwrap();
        assert_eq!(
            (s.pid, s.context, s.nfds, s.flags, s.sent_ns),
            (1234, sample_job().context, 5, JOB_LAST, 77)
        );
    }

    /// `JOB_WAIT` is a flag a job may carry; an unknown one is refused.
    #[test]
    fn job_flags() {
        for (flags, ok) in [(JOB_LAST | JOB_WAIT, true), (JOB_WAIT, true), (4, false)] {
            let mut job = sample_job();
            job.flags = flags;
            let mut buf = Vec::new();
            job.encode(&mut buf);
            let (_, payload, _) = split(&buf).unwrap().unwrap();
            match JobSummary::decode(payload) {
                Ok(s) => assert!(ok && s.flags == flags, "{flags}"),
                Err(e) => assert!(
                    !ok && e == FrameError::BadField("job flags"),
                    "{flags}: {e:?}"
                ),
            }
        }
    }

    #[test]
    fn refuses_bad_headers() {
        let mut buf = Vec::new();
        Message::Busy.encode(&mut buf);
        let mut bad = buf.clone();
        bad[0] = b'X';
        assert_eq!(split(&bad), Err(FrameError::BadMagic));
        assert_eq!(split(b"RUX"), Err(FrameError::BadMagic));
        assert_eq!(split(b"RU"), Ok(None));
        let mut bad = buf.clone();
        bad[4] = VERSION + 1;
        assert_eq!(split(&bad), Err(FrameError::BadVersion(VERSION + 1)));
        let mut bad = buf.clone();
        bad[8..12].copy_from_slice(&(MAX_PAYLOAD + 1).to_le_bytes());
        assert_eq!(split(&bad), Err(FrameError::TooLong(MAX_PAYLOAD + 1)));
        // A huge count in a small payload is refused before allocating.
        let mut r = Reader::new(&[0xff, 0xff, 0xff, 0xff]);
        assert_eq!(r.strings(), Err(FrameError::Truncated));
    }
}
