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

/// The sender of a signal the client passes on had exited by the time
/// the client asked for its process group (in place of the group).
pub const SENDER_GONE: i32 = -1;

/// Whom a signal the client passes on reaches, as it would reach a direct
/// shell, given the process group of its sender (`from_group`, 0: not
/// known; [`SENDER_GONE`]), the job's process group and the worker running
/// the job's shell: `(the job's group, the shell)`. The group, which holds
/// the job's processes as a direct shell's group would, unless one of
/// them sent it to `$$`, which a direct shell alone receives; neither when
/// the worker sent it itself (`kill 0`, which reached both already; a
/// worker leads a process group of its own).
///
/// A sender that had already exited is most likely one of the job's
/// processes that signalled `$$` and ended (`(sleep 9; kill $$) &`, a
/// watchdog), or a `kill` program given the client's pid: either way a
/// direct shell alone receives it. (A program that signalled the
/// client's whole group and exited at once is the case this misses.)
/// Pure: the connection watch calls it in a signal handler, the daemon
/// for the jobs it relays.
pub fn forward_targets(from_group: i32, job_pgid: i32, worker: i32) -> (bool, bool) {
    if from_group == worker {
        return (false, false);
    }
    if from_group == SENDER_GONE {
        return (false, true);
    }
    // A group id of 0 or 1 would name our own group or every process.
    (job_pgid > 1 && from_group != job_pgid, true)
}

#[cfg(test)]
mod tests {
    use super::{SENDER_GONE, forward_targets};

    #[test]
    fn whom_a_passed_on_signal_reaches() {
        // From outside the job (or the kernel): the group and the shell.
        assert_eq!(forward_targets(0, 500, 400), (true, true));
        assert_eq!(forward_targets(77, 500, 400), (true, true));
        // From one of the job's processes, to `$$`: the shell alone.
        assert_eq!(forward_targets(500, 500, 400), (false, true));
        // From the worker itself (`kill 0`): nobody again.
        assert_eq!(forward_targets(400, 500, 400), (false, false));
        // No job group yet: never group 0 or 1.
        assert_eq!(forward_targets(0, 1, 400), (false, true));
        // From a process already gone: the shell alone.
        assert_eq!(forward_targets(SENDER_GONE, 500, 400), (false, true));
    }
}
