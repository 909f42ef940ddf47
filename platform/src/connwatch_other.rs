//! The connection watch off Linux: not available. Workers there never take
//! a client themselves (the daemon relays every job, docs/architecture.md,
//! "Workers accept"), so nothing arms it; this keeps the worker's code,
//! which is the same on every system, compiling, and [`prepare`] says no
//! should anything try.

use std::io;
use std::os::fd::RawFd;

/// What a parser found at the front of the bytes received so far.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Parsed {
    /// Not a whole frame yet.
    Incomplete,
    /// A signal to forward, in the first `used` bytes; `from_group` is the
    /// process group of whoever sent it to the client (0: not known).
    Signal {
        signal: i32,
        from_group: i32,
        used: usize,
    },
    /// Anything else: the peer broke the protocol.
    Bad,
}

/// Recognises one frame at the front of a buffer.
pub type Parser = fn(&[u8]) -> Parsed;

/// What [`arm`] needs.
pub struct Watch<'a> {
    pub fd: RawFd,
    pub pgid: i32,
    pub notify_fd: RawFd,
    pub notice: &'a [u8],
    pub bad_reply: &'a [u8],
    pub leftover: &'a [u8],
    pub parser: Parser,
}

/// How a watch ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ended {
    Fine,
    Gone,
    Bad,
}

/// Always fails: there is no watch here.
pub fn prepare(_fd: RawFd, _me: libc::pid_t) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

/// Never starts (unreachable after [`prepare`] failed).
pub fn arm(_w: &Watch<'_>) -> bool {
    false
}

/// Nothing was watched.
pub fn disarm() -> Ended {
    Ended::Fine
}

/// Nothing to follow.
pub fn set_pgid(_pgid: i32) {}
