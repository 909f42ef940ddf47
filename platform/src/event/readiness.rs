//! Completions over readiness: try the syscall at once, and on `EAGAIN`
//! wait until the descriptor is ready and try again. Shared by the
//! `polling` and kqueue backends, which differ only in their [`Selector`].

use super::{Completion, FastMap, Op, Outcome, Token, cancelled, reserved_token};
use crate::Pid;
use crate::unix;
use std::collections::VecDeque;
use std::io;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::time::{Duration, Instant};

/// What a selector reports.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Ready {
    /// `fd` may be readable and/or writable (or hung up, or in error: the
    /// retried syscall tells which).
    Fd { fd: RawFd, read: bool, write: bool },
    /// Child `pid` may have ended.
    Child(Pid),
    /// A watched signal arrived.
    Signal(i32),
}

/// The OS-specific half of a readiness backend.
pub(crate) trait Selector {
    /// Set the one-shot interest in `fd` to exactly `read`/`write`
    /// (both false: no interest, but `fd` may stay known to the selector).
    fn arm(&mut self, fd: RawFd, read: bool, write: bool) -> io::Result<()>;
    /// Forget `fd` entirely; it is about to be closed.
    fn forget(&mut self, fd: RawFd);
    /// Report [`Ready::Child`] when `pid` ends.
    fn watch_child(&mut self, pid: Pid) -> io::Result<()>;
    /// Stop watching `pid` (it was reaped or its op cancelled).
    fn unwatch_child(&mut self, pid: Pid);
    /// Report [`Ready::Signal`] for the signals in `set`.
    fn watch_signals(&mut self, set: u64) -> io::Result<()>;
    /// Wait up to `timeout` (forever when `None`) and append what is ready.
    fn select(&mut self, timeout: Option<Duration>, out: &mut Vec<Ready>) -> io::Result<()>;
}

/// An op waiting for readiness.
enum Waiting {
    Accept {
        fd: RawFd,
    },
    Recv {
        fd: RawFd,
        buf: Vec<u8>,
        fds: Vec<OwnedFd>,
    },
    Read {
        fd: RawFd,
        buf: Vec<u8>,
    },
    Send {
        fd: RawFd,
        buf: Vec<u8>,
        fds: Vec<OwnedFd>,
    },
    Write {
        fd: RawFd,
        buf: Vec<u8>,
    },
    Child {
        pid: Pid,
    },
    Signal,
    Timer,
}

impl Waiting {
    fn fd(&self) -> Option<(RawFd, bool)> {
        match self {
            Waiting::Accept { fd } | Waiting::Recv { fd, .. } | Waiting::Read { fd, .. } => {
                Some((*fd, true))
            }
            Waiting::Send { fd, .. } | Waiting::Write { fd, .. } => Some((*fd, false)),
            _ => None,
        }
    }
}

/// Who waits on one descriptor.
#[derive(Default, Clone, Copy)]
struct Waiters {
    read: Option<Token>,
    write: Option<Token>,
}

/// A readiness backend.
pub(crate) struct Reactor<S> {
    sel: S,
    waiting: FastMap<u64, Waiting>,
    fds: FastMap<RawFd, Waiters>,
    children: FastMap<Pid, Token>,
    signal_waiter: Option<Token>,
    signals: VecDeque<i32>,
    timers: Vec<(Instant, Token)>,
    done: Vec<Completion>,
    events: Vec<Ready>,
}

fn would_block(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::WouldBlock
}

/// Try a waiting op's syscall once: `Ok(completion)` or `Err(op)` back when
/// it would block.
fn attempt(w: Waiting) -> Result<io::Result<Outcome>, Waiting> {
    match w {
        Waiting::Accept { fd } => match unix::accept(fd) {
            Err(e) if would_block(&e) => Err(Waiting::Accept { fd }),
            // Transient accept errors (the peer gave up, EMFILE) must not
            // be spun on: report them and let the loop decide.
            r => Ok(r.map(Outcome::Accepted)),
        },
        Waiting::Recv {
            fd,
            mut buf,
            mut fds,
        } => match unix::recv_with_fds(fd, &mut buf, &mut fds, true) {
            Err(e) if would_block(&e) => Err(Waiting::Recv { fd, buf, fds }),
            Err(e) => Ok(Err(e)),
            Ok(r) => Ok(Ok(Outcome::Received {
                buf,
                len: r.len,
                fds,
                truncated: r.truncated,
            })),
        },
        Waiting::Read { fd, mut buf } => {
            if buf.capacity() == buf.len() {
                buf.reserve(4096);
            }
            let start = buf.len();
            buf.resize(buf.capacity(), 0);
            match crate::fd::read(fd, &mut buf[start..]) {
                Err(e) if would_block(&e) || e.kind() == io::ErrorKind::Interrupted => {
                    buf.truncate(start);
                    Err(Waiting::Read { fd, buf })
                }
                Err(e) => Ok(Err(e)),
                Ok(n) => {
                    buf.truncate(start + n);
                    Ok(Ok(Outcome::Read { buf, len: n }))
                }
            }
        }
        Waiting::Send { fd, buf, fds } => {
            if fds.len() > unix::MAX_FDS {
                return Ok(Err(io::Error::from_raw_os_error(libc::EINVAL)));
            }
            let mut raw = [0 as RawFd; unix::MAX_FDS];
            for (dst, f) in raw.iter_mut().zip(&fds) {
                *dst = f.as_raw_fd();
            }
            match unix::send_with_fds(fd, &buf, &raw[..fds.len()], true) {
                Err(e) if would_block(&e) => Err(Waiting::Send { fd, buf, fds }),
                Err(e) => Ok(Err(e)),
                Ok(len) => Ok(Ok(Outcome::Sent { buf, len })),
            }
        }
        Waiting::Write { fd, buf } => match crate::fd::write(fd, &buf) {
            Err(e) if would_block(&e) || e.kind() == io::ErrorKind::Interrupted => {
                Err(Waiting::Write { fd, buf })
            }
            Err(e) => Ok(Err(e)),
            Ok(len) => Ok(Ok(Outcome::Written { buf, len })),
        },
        Waiting::Child { pid } => match crate::child::try_reap(pid) {
            Ok(None) => Err(Waiting::Child { pid }),
            Ok(Some(status)) => Ok(Ok(Outcome::ChildExited { pid, status })),
            Err(e) => Ok(Err(e)),
        },
        other => Err(other),
    }
}

impl<S: Selector> Reactor<S> {
    pub(crate) fn new(sel: S) -> Reactor<S> {
        Reactor {
            sel,
            waiting: FastMap::default(),
            fds: FastMap::default(),
            children: FastMap::default(),
            signal_waiter: None,
            signals: VecDeque::new(),
            timers: Vec::new(),
            done: Vec::new(),
            events: Vec::new(),
        }
    }

    fn complete(&mut self, token: Token, result: io::Result<Outcome>) {
        self.done.push(Completion { token, result });
    }

    /// Re-arm `fd` for whoever still waits on it.
    fn rearm(&mut self, fd: RawFd) {
        let w = self.fds.get(&fd).copied().unwrap_or_default();
        if let Err(e) = self.sel.arm(fd, w.read.is_some(), w.write.is_some()) {
            // The selector refused the descriptor (closed under us, or not
            // pollable): fail its waiters rather than hang them.
            for t in [w.read, w.write].into_iter().flatten() {
                self.waiting.remove(&t.0);
                self.complete(t, Err(io::Error::new(e.kind(), e.to_string())));
            }
            self.fds.remove(&fd);
        }
    }

    pub(crate) fn submit(&mut self, token: Token, op: Op) {
        if token.0 >= Token::RESERVED {
            return self.complete(token, Err(reserved_token()));
        }
        let w = match op {
            Op::Accept { fd } => Waiting::Accept { fd },
            Op::RecvMsg { fd, buf } => Waiting::Recv {
                fd,
                buf,
                fds: Vec::new(),
            },
            Op::Read { fd, buf } => Waiting::Read { fd, buf },
            Op::SendMsg { fd, buf, fds } => Waiting::Send { fd, buf, fds },
            Op::Write { fd, buf } => Waiting::Write { fd, buf },
            Op::Close { fd } => {
                let raw = fd.as_raw_fd();
                if let Some(w) = self.fds.remove(&raw) {
                    // Ops still waiting on a descriptor being closed break
                    // the contract; end them rather than leave them hanging.
                    for t in [w.read, w.write].into_iter().flatten() {
                        self.waiting.remove(&t.0);
                        self.complete(t, Err(cancelled()));
                    }
                }
                self.sel.forget(raw);
                drop(fd);
                return self.complete(token, Ok(Outcome::Closed));
            }
            Op::WaitChild { pid } => Waiting::Child { pid },
            Op::Signal => {
                if let Some(sig) = self.signals.pop_front() {
                    return self.complete(token, Ok(Outcome::Signal(sig)));
                }
                self.signal_waiter = Some(token);
                self.waiting.insert(token.0, Waiting::Signal);
                return;
            }
            Op::Timeout { after } => {
                let at = Instant::now() + after;
                self.timers.push((at, token));
                self.waiting.insert(token.0, Waiting::Timer);
                return;
            }
        };
        let child = if let Waiting::Child { pid } = w {
            Some(pid)
        } else {
            None
        };
        // Child watches are set before the first try, so an exit between
        // the try and the watch cannot be missed.
        if let Some(pid) = child {
            if let Err(e) = self.sel.watch_child(pid) {
                return self.complete(token, Err(e));
            }
        }
        match attempt(w) {
            Ok(result) => {
                if let Some(pid) = child {
                    self.sel.unwatch_child(pid);
                }
                self.complete(token, result)
            }
            Err(w) => {
                if let Some(pid) = child {
                    self.children.insert(pid, token);
                } else if let Some((fd, read)) = w.fd() {
                    let entry = self.fds.entry(fd).or_default();
                    let slot = if read {
                        &mut entry.read
                    } else {
                        &mut entry.write
                    };
                    if slot.is_some() {
                        return self.complete(
                            token,
                            Err(io::Error::new(
                                io::ErrorKind::ResourceBusy,
                                "another op of this direction waits on the descriptor",
                            )),
                        );
                    }
                    *slot = Some(token);
                    self.waiting.insert(token.0, w);
                    return self.rearm(fd);
                }
                self.waiting.insert(token.0, w);
            }
        }
    }

    pub(crate) fn cancel(&mut self, token: Token) {
        let Some(w) = self.waiting.remove(&token.0) else {
            return;
        };
        match &w {
            Waiting::Child { pid } => {
                self.children.remove(pid);
                self.sel.unwatch_child(*pid);
            }
            Waiting::Signal => self.signal_waiter = None,
            Waiting::Timer => self.timers.retain(|&(_, t)| t != token),
            _ => {}
        }
        if let Some((fd, read)) = w.fd() {
            if let Some(entry) = self.fds.get_mut(&fd) {
                if read {
                    entry.read = None;
                } else {
                    entry.write = None;
                }
            }
            self.rearm(fd);
        }
        // Received descriptors of a cancelled op are dropped (closed) here.
        drop(w);
        self.complete(token, Err(cancelled()));
    }

    pub(crate) fn watch_signals(&mut self, set: u64) -> io::Result<()> {
        self.sel.watch_signals(set)
    }

    fn retry_fd(&mut self, fd: RawFd, read: bool, write: bool) {
        let Some(mut waiters) = self.fds.get(&fd).copied() else {
            return;
        };
        for (ready, slot) in [(read, &mut waiters.read), (write, &mut waiters.write)] {
            let Some(token) = *slot else { continue };
            if !ready {
                continue;
            }
            let Some(w) = self.waiting.remove(&token.0) else {
                *slot = None;
                continue;
            };
            match attempt(w) {
                Ok(result) => {
                    *slot = None;
                    self.done.push(Completion { token, result });
                }
                Err(w) => {
                    self.waiting.insert(token.0, w);
                }
            }
        }
        if waiters.read.is_none() && waiters.write.is_none() {
            // One-shot interest already disarmed itself when it fired.
            self.fds.remove(&fd);
        } else {
            self.fds.insert(fd, waiters);
            self.rearm(fd);
        }
    }

    fn fire_timers(&mut self, now: Instant) {
        let mut i = 0;
        while i < self.timers.len() {
            if self.timers[i].0 <= now {
                let (_, token) = self.timers.swap_remove(i);
                self.waiting.remove(&token.0);
                self.complete(token, Ok(Outcome::TimedOut));
            } else {
                i += 1;
            }
        }
    }

    pub(crate) fn wait(&mut self, out: &mut Vec<Completion>) -> io::Result<()> {
        loop {
            let now = Instant::now();
            self.fire_timers(now);
            if !self.done.is_empty() {
                out.append(&mut self.done);
                return Ok(());
            }
            let timeout = self
                .timers
                .iter()
                .map(|&(at, _)| at.saturating_duration_since(now))
                .min();
            let mut events = std::mem::take(&mut self.events);
            events.clear();
            match self.sel.select(timeout, &mut events) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.events = events;
                    return Err(e);
                }
            }
            for &ev in &events {
                match ev {
                    Ready::Fd { fd, read, write } => self.retry_fd(fd, read, write),
                    Ready::Child(pid) => {
                        let Some(&token) = self.children.get(&pid) else {
                            continue;
                        };
                        let result = match crate::child::try_reap(pid) {
                            Ok(None) => continue,
                            Ok(Some(status)) => Ok(Outcome::ChildExited { pid, status }),
                            Err(e) => Err(e),
                        };
                        self.children.remove(&pid);
                        self.waiting.remove(&token.0);
                        self.sel.unwatch_child(pid);
                        self.complete(token, result);
                    }
                    Ready::Signal(sig) => self.signals.push_back(sig),
                }
            }
            self.events = events;
            if let Some(token) = self.signal_waiter {
                if let Some(sig) = self.signals.pop_front() {
                    self.signal_waiter = None;
                    self.waiting.remove(&token.0);
                    self.complete(token, Ok(Outcome::Signal(sig)));
                }
            }
        }
    }
}
