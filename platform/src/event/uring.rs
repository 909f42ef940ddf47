//! The io_uring backend: ops become submission entries, completions come
//! back from the kernel with the token as `user_data`.
//!
//! Everything the kernel reads or writes while an op is in flight (the
//! buffer, the `msghdr`, its iovec and control buffer, a timespec) lives in
//! a boxed [`InFlight`] entry owned by the ring until the op's completion
//! arrives (monoio's lifecycle rule): a cancelled op keeps its memory until
//! the kernel says it is done with it.
//!
//! Children are watched by polling a pidfd, signals by polling a signalfd
//! and reading it without blocking once it is readable: a signalfd read
//! issued from an io-wq worker would dequeue that worker's signals, not the
//! process's.

use super::signals::SignalSource;
use super::{Completion, FastMap, Op, Outcome, Token, cancelled, reserved_token};
use crate::Pid;
use crate::unix::{self, CmsgBuf};
use io_uring::{IoUring, opcode, squeue, types};
use std::collections::VecDeque;
use std::io;
use std::mem;
use std::os::fd::{AsRawFd, FromRawFd, IntoRawFd, OwnedFd, RawFd};

/// The `msghdr` and what it points at, for one RECVMSG or SENDMSG.
struct Msg {
    hdr: libc::msghdr,
    iov: libc::iovec,
    cmsg: CmsgBuf,
    buf: Vec<u8>,
    /// Descriptors being sent; closed when the op completes.
    fds: Vec<OwnedFd>,
}

impl Msg {
    fn new(buf: Vec<u8>, fds: Vec<OwnedFd>) -> Box<Msg> {
        Box::new(Msg {
            // SAFETY: msghdr is plain old data; all-zero is a valid value.
            hdr: unsafe { mem::zeroed() },
            iov: libc::iovec {
                iov_base: std::ptr::null_mut(),
                iov_len: 0,
            },
            cmsg: CmsgBuf::new(),
            buf,
            fds,
        })
    }

    /// Point the header at the spare capacity of the buffer (receiving).
    fn prepare_recv(&mut self) {
        if self.buf.capacity() == self.buf.len() {
            self.buf.reserve(4096);
        }
        let spare = self.buf.spare_capacity_mut();
        self.iov.iov_base = spare.as_mut_ptr().cast();
        self.iov.iov_len = spare.len();
        self.hdr.msg_iov = &mut self.iov;
        self.hdr.msg_iovlen = 1;
        self.hdr.msg_control = self.cmsg.as_mut_ptr();
        self.hdr.msg_controllen = mem::size_of::<CmsgBuf>() as _;
        self.hdr.msg_flags = 0;
    }

    /// Point the header at the buffer and the descriptors (sending).
    fn prepare_send(&mut self) {
        self.iov.iov_base = self.buf.as_mut_ptr().cast();
        self.iov.iov_len = self.buf.len();
        self.hdr.msg_iov = &mut self.iov;
        self.hdr.msg_iovlen = 1;
        self.hdr.msg_control = self.cmsg.as_mut_ptr();
        let mut raw = [0 as RawFd; unix::MAX_FDS];
        let n = self.fds.len().min(unix::MAX_FDS);
        for (dst, f) in raw.iter_mut().zip(&self.fds) {
            *dst = f.as_raw_fd();
        }
        // SAFETY: msg_control points at `self.cmsg`, alive and writable.
        unsafe { unix::put_fds(&mut self.hdr, &raw[..n]) };
    }
}

/// An op the kernel holds.
enum InFlight {
    Accept,
    Recv(Box<Msg>),
    Send(Box<Msg>),
    Read(Vec<u8>),
    Write(Vec<u8>),
    Close,
    Child {
        pid: Pid,
        _pidfd: OwnedFd,
    },
    /// The kernel reads the timespec while the timeout is in flight.
    Timeout(#[allow(dead_code)] Box<types::Timespec>),
}

pub(crate) struct Uring {
    ring: IoUring,
    inflight: FastMap<u64, InFlight>,
    /// Completions that needed no kernel round trip.
    done: Vec<Completion>,
    signals: Option<SignalSource>,
    arrived: VecDeque<i32>,
    /// The token of the `Op::Signal` waiting for the signalfd.
    signal_waiter: Option<Token>,
    /// Whether a poll on the signalfd is in flight (it may outlive a
    /// cancelled `Op::Signal`).
    signal_poll: bool,
}

/// The opcodes the loop needs; a kernel without any of them is too old.
const NEEDED: &[u8] = &[
    opcode::Accept::CODE,
    opcode::RecvMsg::CODE,
    opcode::SendMsg::CODE,
    opcode::Read::CODE,
    opcode::Write::CODE,
    opcode::Close::CODE,
    opcode::PollAdd::CODE,
    opcode::Timeout::CODE,
    opcode::TimeoutRemove::CODE,
    opcode::AsyncCancel::CODE,
];

/// The token of the signalfd poll (internal).
const SIGNAL_POLL: u64 = Token::RESERVED;

impl Uring {
    /// Build the ring and probe that it can do everything the loop asks.
    pub(crate) fn new() -> io::Result<Uring> {
        // dontfork: workers forked from the daemon must not inherit the
        // ring's memory (MADV_DONTFORK on the mappings).
        let mut builder = IoUring::builder();
        builder.dontfork();
        let ring = builder.build(256)?;
        let mut probe = io_uring::Probe::new();
        ring.submitter().register_probe(&mut probe)?;
        if let Some(&code) = NEEDED.iter().find(|&&c| !probe.is_supported(c)) {
            return Err(io::Error::new(
                io::ErrorKind::Unsupported,
                format!("io_uring lacks opcode {code}"),
            ));
        }
        if !ring.params().is_feature_nodrop() {
            return Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "io_uring may drop completions (no IORING_FEAT_NODROP)",
            ));
        }
        // Children are watched with pidfds; refuse the ring if they are not
        // there, so the poll backend's SIGCHLD path takes over.
        drop(crate::child::pidfd_open(crate::process::getpid())?);
        Ok(Uring {
            ring,
            inflight: FastMap::default(),
            done: Vec::new(),
            signals: None,
            arrived: VecDeque::new(),
            signal_waiter: None,
            signal_poll: false,
        })
    }

    /// Queue one entry, flushing the submission queue when it is full.
    fn push(&mut self, entry: squeue::Entry) -> io::Result<()> {
        loop {
            // SAFETY: every pointer in `entry` refers to memory owned by an
            // `InFlight` entry (or a descriptor) that lives until its
            // completion is reaped.
            if unsafe { self.ring.submission().push(&entry) }.is_ok() {
                return Ok(());
            }
            // Full: hand what is queued to the kernel and retry.
            match self.ring.submit() {
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                // The completion queue is full: drain it, then retry.
                Err(e) if e.raw_os_error() == Some(libc::EBUSY) => self.reap(),
                Err(e) => return Err(e),
            }
        }
    }

    /// Queue the entry of an op whose state is already in `inflight`; if
    /// the ring refuses it, the op completes with the error.
    fn push_op(&mut self, token: Token, entry: squeue::Entry) {
        if let Err(e) = self.push(entry.user_data(token.0)) {
            // The kernel never saw the entry: its memory may go now.
            self.inflight.remove(&token.0);
            self.done.push(Completion {
                token,
                result: Err(e),
            });
        }
    }

    pub(crate) fn submit(&mut self, token: Token, op: Op) {
        if token.0 >= Token::RESERVED {
            return self.done.push(Completion {
                token,
                result: Err(reserved_token()),
            });
        }
        let ud = token.0;
        let (entry, state) = match op {
            Op::Accept { fd } => (
                opcode::Accept::new(types::Fd(fd), std::ptr::null_mut(), std::ptr::null_mut())
                    .flags(libc::SOCK_CLOEXEC | libc::SOCK_NONBLOCK)
                    .build(),
                InFlight::Accept,
            ),
            Op::RecvMsg { fd, buf } => {
                let mut m = Msg::new(buf, Vec::new());
                m.prepare_recv();
                let e = opcode::RecvMsg::new(types::Fd(fd), &mut m.hdr)
                    .flags(unix::RECV_FLAGS as u32)
                    .build();
                (e, InFlight::Recv(m))
            }
            Op::SendMsg { fd, buf, fds } => {
                if fds.len() > unix::MAX_FDS {
                    return self.done.push(Completion {
                        token,
                        result: Err(io::Error::from_raw_os_error(libc::EINVAL)),
                    });
                }
                let mut m = Msg::new(buf, fds);
                m.prepare_send();
                let e = opcode::SendMsg::new(types::Fd(fd), &m.hdr)
                    .flags(unix::SEND_FLAGS as u32)
                    .build();
                (e, InFlight::Send(m))
            }
            Op::Read { fd, mut buf } => {
                if buf.capacity() == buf.len() {
                    buf.reserve(4096);
                }
                let spare = buf.spare_capacity_mut();
                let e =
                    opcode::Read::new(types::Fd(fd), spare.as_mut_ptr().cast(), spare.len() as u32)
                        .offset(u64::MAX)
                        .build();
                (e, InFlight::Read(buf))
            }
            Op::Write { fd, buf } => {
                let e = opcode::Write::new(types::Fd(fd), buf.as_ptr(), buf.len() as u32)
                    .offset(u64::MAX)
                    .build();
                (e, InFlight::Write(buf))
            }
            Op::Close { fd } => (
                opcode::Close::new(types::Fd(fd.into_raw_fd())).build(),
                InFlight::Close,
            ),
            Op::WaitChild { pid } => match crate::child::pidfd_open(pid) {
                Ok(pidfd) => (
                    opcode::PollAdd::new(types::Fd(pidfd.as_raw_fd()), libc::POLLIN as u32).build(),
                    InFlight::Child { pid, _pidfd: pidfd },
                ),
                Err(e) => {
                    // ESRCH: it ended and was reaped already, or is not ours.
                    let result = match crate::child::try_reap(pid) {
                        Ok(Some(status)) => Ok(Outcome::ChildExited { pid, status }),
                        Ok(None) => Err(e),
                        Err(e2) => Err(e2),
                    };
                    return self.done.push(Completion { token, result });
                }
            },
            Op::Signal => {
                if let Some(sig) = self.arrived.pop_front() {
                    return self.done.push(Completion {
                        token,
                        result: Ok(Outcome::Signal(sig)),
                    });
                }
                self.signal_waiter = Some(token);
                self.arm_signal_poll();
                return;
            }
            Op::Timeout { after } => {
                let ts = Box::new(
                    types::Timespec::new()
                        .sec(after.as_secs())
                        .nsec(after.subsec_nanos()),
                );
                let e = opcode::Timeout::new(&*ts).build();
                (e, InFlight::Timeout(ts))
            }
        };
        self.inflight.insert(ud, state);
        self.push_op(token, entry);
    }

    fn arm_signal_poll(&mut self) {
        if self.signal_poll {
            return;
        }
        let Some(fd) = self.signals.as_ref().map(SignalSource::fd) else {
            return;
        };
        let entry = opcode::PollAdd::new(types::Fd(fd), libc::POLLIN as u32)
            .build()
            .user_data(SIGNAL_POLL);
        self.signal_poll = self.push(entry).is_ok();
    }

    pub(crate) fn cancel(&mut self, token: Token) {
        if self.signal_waiter == Some(token) {
            // The signalfd poll stays; arrivals queue for the next op.
            self.signal_waiter = None;
            return self.done.push(Completion {
                token,
                result: Err(cancelled()),
            });
        }
        let entry = match self.inflight.get(&token.0) {
            None => return,
            Some(InFlight::Timeout(_)) => opcode::TimeoutRemove::new(token.0).build(),
            Some(_) => opcode::AsyncCancel::new(token.0).build(),
        };
        // A cancel the ring refuses leaves the op to finish by itself.
        let _ = self.push(entry.user_data(Token::CANCEL));
    }

    pub(crate) fn watch_signals(&mut self, set: u64) -> io::Result<()> {
        match &mut self.signals {
            Some(s) => s.add(set),
            None => {
                self.signals = Some(SignalSource::new(set)?);
                Ok(())
            }
        }
    }

    /// Turn every available completion queue entry into a completion.
    fn reap(&mut self) {
        let mut cqes: Vec<(u64, i32)> = Vec::new();
        for cqe in self.ring.completion() {
            cqes.push((cqe.user_data(), cqe.result()));
        }
        for (ud, res) in cqes {
            if ud == SIGNAL_POLL {
                self.signal_poll = false;
                if let Some(s) = &mut self.signals {
                    s.drain(&mut self.arrived);
                }
                if let Some(token) = self.signal_waiter {
                    if let Some(sig) = self.arrived.pop_front() {
                        self.signal_waiter = None;
                        self.done.push(Completion {
                            token,
                            result: Ok(Outcome::Signal(sig)),
                        });
                    } else {
                        self.arm_signal_poll();
                    }
                }
                continue;
            }
            if ud >= Token::RESERVED {
                continue;
            }
            let Some(state) = self.inflight.remove(&ud) else {
                continue;
            };
            let token = Token(ud);
            if let Some(c) = self.finish(token, state, res) {
                self.done.push(c);
            }
        }
    }

    fn finish(&mut self, token: Token, state: InFlight, res: i32) -> Option<Completion> {
        let err = || io::Error::from_raw_os_error(-res);
        let result = match state {
            InFlight::Accept => {
                if res < 0 {
                    Err(err())
                } else {
                    // SAFETY: the kernel installed this new descriptor for us.
                    Ok(Outcome::Accepted(unsafe { OwnedFd::from_raw_fd(res) }))
                }
            }
            InFlight::Recv(mut m) => {
                if res < 0 {
                    Err(err())
                } else {
                    let mut fds = Vec::new();
                    // SAFETY: the op completed; the kernel updated `hdr`
                    // (msg_controllen, msg_flags) and filled `cmsg`, which
                    // the box kept alive.
                    unsafe { unix::take_fds(&m.hdr, &mut fds) };
                    let truncated = m.hdr.msg_flags & libc::MSG_CTRUNC != 0;
                    let len = res as usize;
                    let new_len = (m.buf.len() + len).min(m.buf.capacity());
                    // SAFETY: the kernel wrote `len` bytes into the spare
                    // capacity the iovec described.
                    unsafe { m.buf.set_len(new_len) };
                    let buf = mem::take(&mut m.buf);
                    Ok(Outcome::Received {
                        buf,
                        len,
                        fds,
                        truncated,
                    })
                }
            }
            InFlight::Send(mut m) => {
                // The descriptors were copied into the message by the
                // kernel; ours close when `m` drops.
                if res < 0 {
                    Err(err())
                } else {
                    Ok(Outcome::Sent {
                        buf: mem::take(&mut m.buf),
                        len: res as usize,
                    })
                }
            }
            InFlight::Read(mut buf) => {
                if res < 0 {
                    Err(err())
                } else {
                    let len = res as usize;
                    let new_len = (buf.len() + len).min(buf.capacity());
                    // SAFETY: the kernel wrote `len` bytes into the spare
                    // capacity given to it.
                    unsafe { buf.set_len(new_len) };
                    Ok(Outcome::Read { buf, len })
                }
            }
            InFlight::Write(buf) => {
                if res < 0 {
                    Err(err())
                } else {
                    Ok(Outcome::Written {
                        buf,
                        len: res as usize,
                    })
                }
            }
            InFlight::Close => {
                if res < 0 {
                    Err(err())
                } else {
                    Ok(Outcome::Closed)
                }
            }
            InFlight::Child { pid, _pidfd } => {
                if res < 0 {
                    Err(err())
                } else {
                    match crate::child::try_reap(pid) {
                        Ok(Some(status)) => Ok(Outcome::ChildExited { pid, status }),
                        Ok(None) => {
                            // Readable but not reapable (cannot happen for
                            // an exit): watch again.
                            let e = opcode::PollAdd::new(
                                types::Fd(_pidfd.as_raw_fd()),
                                libc::POLLIN as u32,
                            )
                            .build();
                            self.inflight
                                .insert(token.0, InFlight::Child { pid, _pidfd });
                            self.push_op(token, e);
                            return None;
                        }
                        Err(e) => Err(e),
                    }
                }
            }
            InFlight::Timeout(_) => {
                if res == -libc::ETIME || res == 0 {
                    Ok(Outcome::TimedOut)
                } else {
                    Err(err())
                }
            }
        };
        Some(Completion { token, result })
    }

    pub(crate) fn wait(&mut self, out: &mut Vec<Completion>) -> io::Result<()> {
        loop {
            let want = if self.done.is_empty() { 1 } else { 0 };
            match self.ring.submit_and_wait(want) {
                Ok(_) => {}
                // Interrupted, or the completion queue overflowed (the
                // kernel holds the rest: NODROP): reap and go on.
                Err(e)
                    if e.kind() == io::ErrorKind::Interrupted
                        || e.raw_os_error() == Some(libc::EBUSY) => {}
                Err(e) => return Err(e),
            }
            self.reap();
            if !self.done.is_empty() {
                out.append(&mut self.done);
                return Ok(());
            }
        }
    }
}
