//! The completion loop's backends: io_uring, kqueue and `polling`, behind
//! one contract.
//!
//! # The contract every backend fulfils
//!
//! The loop speaks completions. It [`submit`](Driver::submit)s an [`Op`],
//! plain data tagged with a [`Token`] it chooses, and later receives from
//! [`wait`](Driver::wait) exactly one [`Completion`] carrying that token.
//!
//! 1. **Tokens.** At most one operation per token is in flight. Tokens at or
//!    above [`Token::RESERVED`] belong to the backend (its internal
//!    wake-ups and cancel requests); `submit` refuses them.
//! 2. **Ownership.** Buffers and descriptors moved into an op belong to the
//!    backend until its completion hands them back (or drops them, on
//!    error). A descriptor named by number (`fd: RawFd`) must stay open
//!    until every op on it has completed; close it with [`Op::Close`] (or
//!    after its last completion), never under an op in flight.
//! 3. **One reader, one writer.** At most one receiving op (`Accept`,
//!    `RecvMsg`, `Read`) and one sending op (`SendMsg`, `Write`) per
//!    descriptor at a time.
//! 4. **Exactly once.** Every op completes exactly once, in any order
//!    relative to other ops. [`cancel`](Driver::cancel) asks an op to end
//!    early: it then completes with `ECANCELED`, or normally if it had
//!    already finished; cancelling a token with nothing in flight does
//!    nothing. Descriptors received by an op that is cancelled or fails are
//!    closed, never leaked.
//! 5. **Received descriptors** (accept, `SCM_RIGHTS`) are `OwnedFd`,
//!    close-on-exec, from the moment the backend sees them. A truncated
//!    control message is reported (`truncated`), never hidden.
//! 6. **Signals** named once with [`watch_signals`](Driver::watch_signals)
//!    are routed to the loop (blocked or ignored for ordinary delivery);
//!    each [`Op::Signal`] completes with one arrival.
//! 7. **Children.** [`Op::WaitChild`] completes when the child ends, with
//!    its status; the backend reaps it.
//! 8. `wait` blocks until at least one completion is ready and appends all
//!    ready ones. It never blocks while one is ready, and never spins.
//!
//! io_uring turns ops into submission entries. The readiness backends
//! (`polling`, kqueue) share [`readiness`]: try the syscall at once, and on
//! `EAGAIN` wait for readiness and try again (compio's poll driver, monoio's
//! `OpAble`), so `RUSH_BACKEND=poll` on Linux exercises the logic kqueue
//! uses on macOS.

mod readiness;
mod signals;

#[cfg(target_os = "linux")]
mod uring;

#[cfg(rush_kqueue)]
mod kqueue;

mod poll;

#[cfg(not(unix))]
compile_error!("rush runs on Unix: Linux, macOS and the BSDs");

use crate::Pid;
use crate::process::WaitStatus;
use std::fmt;
use std::io;
use std::os::fd::{OwnedFd, RawFd};
use std::time::Duration;

/// Names an operation in flight: the loop packs a slab index and a
/// generation (and whatever else it needs) into it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Token(pub u64);

impl Token {
    /// Tokens from here up are the backend's own.
    pub const RESERVED: u64 = u64::MAX - 15;
    /// The completions of cancel requests (never handed out; io_uring's).
    #[cfg(target_os = "linux")]
    pub(crate) const CANCEL: u64 = u64::MAX;
}

/// An operation, as plain data.
#[derive(Debug)]
pub enum Op {
    /// Accept a connection on a listening socket.
    Accept { fd: RawFd },
    /// `recvmsg` into the spare capacity of `buf` (reserve it first),
    /// taking any `SCM_RIGHTS` descriptors.
    RecvMsg { fd: RawFd, buf: Vec<u8> },
    /// `sendmsg` of all of `buf` at most (a stream may take less) with
    /// `fds` attached to the first byte; the backend closes its copies of
    /// `fds` when the op completes.
    SendMsg {
        fd: RawFd,
        buf: Vec<u8>,
        fds: Vec<OwnedFd>,
    },
    /// `read` into the spare capacity of `buf`.
    Read { fd: RawFd, buf: Vec<u8> },
    /// `write` of `buf` (possibly short).
    Write { fd: RawFd, buf: Vec<u8> },
    /// Close a descriptor, after forgetting any readiness interest in it.
    Close { fd: OwnedFd },
    /// Complete when child `pid` ends (pidfd, EVFILT_PROC or SIGCHLD).
    WaitChild { pid: Pid },
    /// Complete with the next arrival of a watched signal.
    Signal,
    /// Complete after `after`.
    Timeout { after: Duration },
}

/// What a successful op produced.
#[derive(Debug)]
pub enum Outcome {
    Accepted(OwnedFd),
    /// `len` bytes were appended to `buf`; 0 means end of stream.
    Received {
        buf: Vec<u8>,
        len: usize,
        fds: Vec<OwnedFd>,
        truncated: bool,
    },
    Sent {
        buf: Vec<u8>,
        len: usize,
    },
    Read {
        buf: Vec<u8>,
        len: usize,
    },
    Written {
        buf: Vec<u8>,
        len: usize,
    },
    Closed,
    ChildExited {
        pid: Pid,
        status: WaitStatus,
    },
    Signal(i32),
    TimedOut,
}

/// One finished op.
#[derive(Debug)]
pub struct Completion {
    pub token: Token,
    pub result: io::Result<Outcome>,
}

/// The backends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BackendKind {
    Uring,
    Kqueue,
    Poll,
}

impl BackendKind {
    /// The name used by `RUSH_BACKEND` and in status output.
    pub fn name(self) -> &'static str {
        match self {
            BackendKind::Uring => "uring",
            BackendKind::Kqueue => "kqueue",
            BackendKind::Poll => "poll",
        }
    }

    /// Parse a `RUSH_BACKEND` value.
    pub fn parse(s: &[u8]) -> Option<BackendKind> {
        match s {
            b"uring" | b"io_uring" => Some(BackendKind::Uring),
            b"kqueue" => Some(BackendKind::Kqueue),
            b"poll" | b"polling" => Some(BackendKind::Poll),
            _ => None,
        }
    }

    /// The best backend for this OS.
    pub const fn native() -> BackendKind {
        #[cfg(target_os = "linux")]
        {
            BackendKind::Uring
        }
        #[cfg(rush_kqueue)]
        {
            BackendKind::Kqueue
        }
        #[cfg(not(any(target_os = "linux", rush_kqueue)))]
        {
            BackendKind::Poll
        }
    }

    /// The backends that can run on this machine's OS (io_uring may still
    /// fail its run-time probe).
    pub fn available() -> &'static [BackendKind] {
        #[cfg(target_os = "linux")]
        {
            &[BackendKind::Uring, BackendKind::Poll]
        }
        #[cfg(rush_kqueue)]
        {
            &[BackendKind::Kqueue, BackendKind::Poll]
        }
        #[cfg(not(any(target_os = "linux", rush_kqueue)))]
        {
            &[BackendKind::Poll]
        }
    }
}

impl fmt::Display for BackendKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

enum Inner {
    #[cfg(target_os = "linux")]
    Uring(Box<uring::Uring>),
    #[cfg(rush_kqueue)]
    Kqueue(Box<readiness::Reactor<kqueue::Kqueue>>),
    Poll(Box<readiness::Reactor<poll::Poll>>),
}

/// The loop's backend, chosen at start.
pub struct Driver {
    inner: Inner,
}

/// Why the requested backend was not used (log it once).
#[derive(Debug)]
pub struct Fallback {
    pub wanted: BackendKind,
    pub error: io::Error,
}

impl fmt::Display for Fallback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the {} backend is unavailable ({}); using poll",
            self.wanted, self.error
        )
    }
}

impl Driver {
    /// Open `wanted` (the OS's native backend when `None`). io_uring and
    /// kqueue fall back to `polling` when they cannot be set up (seccomp,
    /// `io_uring_disabled`, an old kernel), reporting why in the second
    /// element; asking for a backend this OS lacks is the same as asking
    /// for poll.
    pub fn new(wanted: Option<BackendKind>) -> io::Result<(Driver, Option<Fallback>)> {
        let wanted = wanted.unwrap_or(BackendKind::native());
        let fallback = match wanted {
            BackendKind::Poll => None,
            #[cfg(target_os = "linux")]
            BackendKind::Uring => match uring::Uring::new() {
                Ok(u) => {
                    return Ok((
                        Driver {
                            inner: Inner::Uring(Box::new(u)),
                        },
                        None,
                    ));
                }
                Err(error) => Some(Fallback { wanted, error }),
            },
            #[cfg(rush_kqueue)]
            BackendKind::Kqueue => match kqueue::Kqueue::new() {
                Ok(k) => {
                    return Ok((
                        Driver {
                            inner: Inner::Kqueue(Box::new(readiness::Reactor::new(k))),
                        },
                        None,
                    ));
                }
                Err(error) => Some(Fallback { wanted, error }),
            },
            #[allow(unreachable_patterns)]
            other => Some(Fallback {
                wanted: other,
                error: io::Error::new(io::ErrorKind::Unsupported, "not built for this OS"),
            }),
        };
        let poll = readiness::Reactor::new(poll::Poll::new()?);
        Ok((
            Driver {
                inner: Inner::Poll(Box::new(poll)),
            },
            fallback,
        ))
    }

    /// The backend in use.
    pub fn kind(&self) -> BackendKind {
        match &self.inner {
            #[cfg(target_os = "linux")]
            Inner::Uring(_) => BackendKind::Uring,
            #[cfg(rush_kqueue)]
            Inner::Kqueue(_) => BackendKind::Kqueue,
            Inner::Poll(_) => BackendKind::Poll,
        }
    }

    /// Start `op`; its completion comes from a later [`wait`](Self::wait).
    /// A reserved token is refused (the op completes with `EINVAL`).
    pub fn submit(&mut self, token: Token, op: Op) {
        match &mut self.inner {
            #[cfg(target_os = "linux")]
            Inner::Uring(u) => u.submit(token, op),
            #[cfg(rush_kqueue)]
            Inner::Kqueue(k) => k.submit(token, op),
            Inner::Poll(p) => p.submit(token, op),
        }
    }

    /// Ask the op with `token` to end early (see the contract).
    pub fn cancel(&mut self, token: Token) {
        match &mut self.inner {
            #[cfg(target_os = "linux")]
            Inner::Uring(u) => u.cancel(token),
            #[cfg(rush_kqueue)]
            Inner::Kqueue(k) => k.cancel(token),
            Inner::Poll(p) => p.cancel(token),
        }
    }

    /// Block until at least one completion is ready; append all ready ones.
    pub fn wait(&mut self, out: &mut Vec<Completion>) -> io::Result<()> {
        match &mut self.inner {
            #[cfg(target_os = "linux")]
            Inner::Uring(u) => u.wait(out),
            #[cfg(rush_kqueue)]
            Inner::Kqueue(k) => k.wait(out),
            Inner::Poll(p) => p.wait(out),
        }
    }

    /// Route `signals` (bit n = signal n) to the loop: [`Op::Signal`]
    /// completes with them. Call once, before the first `Op::Signal`.
    pub fn watch_signals(&mut self, signals: u64) -> io::Result<()> {
        match &mut self.inner {
            #[cfg(target_os = "linux")]
            Inner::Uring(u) => u.watch_signals(signals),
            #[cfg(rush_kqueue)]
            Inner::Kqueue(k) => k.watch_signals(signals),
            Inner::Poll(p) => p.watch_signals(signals),
        }
    }
}

/// A fast hasher for tokens (the splitmix64 finaliser), so looking up an
/// op costs a multiply or two rather than SipHash.
#[derive(Default, Clone, Copy)]
pub(crate) struct TokenHasher(u64);

impl std::hash::Hasher for TokenHasher {
    fn finish(&self) -> u64 {
        let mut z = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) ^ u64::from(b) ^ (self.0 >> 56);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 ^= n;
    }
    fn write_i32(&mut self, n: i32) {
        self.0 ^= n as u32 as u64;
    }
}

pub(crate) type FastMap<K, V> =
    std::collections::HashMap<K, V, std::hash::BuildHasherDefault<TokenHasher>>;

fn cancelled() -> io::Error {
    io::Error::from_raw_os_error(libc::ECANCELED)
}

fn reserved_token() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, "reserved token")
}

#[cfg(test)]
mod tests;
