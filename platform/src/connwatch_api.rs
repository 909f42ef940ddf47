//! The connection watch's interface, the same on every system
//! (`connwatch.rs` on Linux, `connwatch_other.rs` elsewhere).

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

/// Recognises one frame at the front of a buffer. Called in a signal
/// handler: no allocation, no locks.
pub type Parser = fn(&[u8]) -> Parsed;

/// What `arm` needs.
pub struct Watch<'a> {
    /// The client's connection.
    pub fd: RawFd,
    /// The job's process group (0: none yet).
    pub pgid: i32,
    /// Where to write `notice` when the client goes away.
    pub notify_fd: RawFd,
    pub notice: &'a [u8],
    /// What to answer the client when it sends something the parser
    /// refuses, before the connection is given up.
    pub bad_reply: &'a [u8],
    /// Bytes already read from the connection after the job's frame.
    pub leftover: &'a [u8],
    pub parser: Parser,
}

/// How a watch ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ended {
    /// The client is still there.
    Fine,
    /// It closed its end.
    Gone,
    /// It sent something else than the parser accepts, and was answered.
    Bad,
}
