//! The connection watch off Linux: not available. Workers there never take
//! a client themselves (the daemon relays every job, docs/architecture.md,
//! "Workers accept"), so nothing arms it; this keeps the worker's code,
//! which is the same on every system, compiling, and [`prepare`] says no
//! should anything try.

pub use crate::connwatch_api::{Ended, Parsed, Parser, SENDER_GONE, Watch, forward_targets};
use std::io;
use std::os::fd::RawFd;

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

/// Nothing is watched.
pub fn follow(_old: RawFd, _new: RawFd) {}

/// Nothing to follow.
pub fn set_pgid(_pgid: i32) {}
