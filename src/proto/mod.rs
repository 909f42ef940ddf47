//! The wire format between `rush`, `rushd` and its workers (docs/protocol.md).
//!
//! Every message is a frame: a fixed 12-byte [`Header`] then `len` bytes of
//! payload, with `nfds` descriptors passed by `SCM_RIGHTS` alongside the
//! frame's first byte. Every length and count is checked against a limit
//! (and against the bytes actually present) before anything is allocated,
//! so no input can make a peer allocate more than the frame it sent.

pub mod channel;
pub mod codec;
pub mod message;

#[cfg(test)]
mod props;

pub use message::{
    EXEC_AS_COMMAND, EXEC_CWD, ErrorCode, ExecRequest, ExitStatus, JobRequest, Message,
    StatusReport, WorkerReport, WorkerState,
};

use std::fmt;

/// The first four bytes of every frame.
pub const MAGIC: [u8; 4] = *b"RUSH";
/// The protocol version; a peer speaking another is refused.
pub const VERSION: u8 = 11;
/// The size of [`Header`] on the wire.
pub const HEADER_LEN: usize = 12;
/// The largest payload accepted: argv and environment together may be
/// ARG_MAX (2 MiB on Linux by default), plus room.
pub const MAX_PAYLOAD: u32 = 4 << 20;
/// The most descriptors one frame may carry (Linux's `SCM_MAX_FD`).
pub const MAX_FDS: usize = platform::unix::MAX_FDS;

/// Message kinds. Client → daemon: 1–15; daemon → client: 16–31;
/// worker → daemon: 32–47; daemon → worker: 48–63. The daemon forwards a
/// `Job` to a worker as is; a worker that accepted a client itself speaks
/// the daemon's side of the client protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Kind {
    Job = 1,
    Signal = 2,
    StatusRequest = 3,
    Stop = 4,
    Fate = 5,
    Started = 16,
    Exit = 17,
    Busy = 18,
    Error = 19,
    Status = 20,
    Stopping = 21,
    Queued = 22,
    Exec = 23,
    WorkerDied = 24,
    Ready = 32,
    Handoff = 33,
    Saturated = 34,
    Cancelling = 35,
    Tick = 36,
    Listen = 48,
}

impl Kind {
    /// The kind for a byte, if it names one.
    pub fn from_u8(b: u8) -> Option<Kind> {
        Some(match b {
            1 => Kind::Job,
            2 => Kind::Signal,
            3 => Kind::StatusRequest,
            4 => Kind::Stop,
            5 => Kind::Fate,
            16 => Kind::Started,
            17 => Kind::Exit,
            18 => Kind::Busy,
            19 => Kind::Error,
            20 => Kind::Status,
            21 => Kind::Stopping,
            22 => Kind::Queued,
            23 => Kind::Exec,
            24 => Kind::WorkerDied,
            32 => Kind::Ready,
            33 => Kind::Handoff,
            34 => Kind::Saturated,
            35 => Kind::Cancelling,
            36 => Kind::Tick,
            48 => Kind::Listen,
            _ => return None,
        })
    }
}

/// The fixed frame header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    pub kind: Kind,
    /// Reserved; must be 0 in version 1.
    pub flags: u8,
    /// Descriptors sent with this frame.
    pub nfds: u8,
    /// Payload bytes after the header.
    pub len: u32,
}

impl Header {
    /// Append the header's 12 bytes to `out`.
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&MAGIC);
        out.push(VERSION);
        out.push(self.kind as u8);
        out.push(self.flags);
        out.push(self.nfds);
        out.extend_from_slice(&self.len.to_le_bytes());
    }

    /// Parse a header from the first 12 bytes of `buf`: `Ok(None)` when
    /// fewer are there yet.
    pub fn decode(buf: &[u8]) -> Result<Option<Header>, FrameError> {
        let Some(h) = buf.get(..HEADER_LEN) else {
            // A wrong magic is reported as soon as its bytes are in.
            let n = buf.len().min(4);
            if buf[..n] != MAGIC[..n] {
                return Err(FrameError::BadMagic);
            }
            return Ok(None);
        };
        if h[..4] != MAGIC {
            return Err(FrameError::BadMagic);
        }
        if h[4] != VERSION {
            return Err(FrameError::BadVersion(h[4]));
        }
        let kind = Kind::from_u8(h[5]).ok_or(FrameError::UnknownKind(h[5]))?;
        let flags = h[6];
        if flags != 0 {
            return Err(FrameError::BadFlags(flags));
        }
        let nfds = h[7];
        if usize::from(nfds) > MAX_FDS {
            return Err(FrameError::TooManyFds(nfds.into()));
        }
        let len = u32::from_le_bytes([h[8], h[9], h[10], h[11]]);
        if len > MAX_PAYLOAD {
            return Err(FrameError::TooLong(len));
        }
        Ok(Some(Header {
            kind,
            flags,
            nfds,
            len,
        }))
    }
}

/// A complete frame at the front of a buffer: its header, its payload and
/// the bytes it takes.
pub type Split<'a> = (Header, &'a [u8], usize);

/// Split the first complete frame off `buf`, or `Ok(None)` when more bytes
/// are needed.
pub fn split(buf: &[u8]) -> Result<Option<Split<'_>>, FrameError> {
    let Some(h) = Header::decode(buf)? else {
        return Ok(None);
    };
    let end = HEADER_LEN + h.len as usize;
    match buf.get(HEADER_LEN..end) {
        Some(payload) => Ok(Some((h, payload, end))),
        None => Ok(None),
    }
}

/// What [`signal_frame`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignalFrame {
    /// Not a whole frame yet.
    Incomplete,
    /// A `Signal` frame of `used` bytes.
    Signal {
        signal: i32,
        from_group: i32,
        used: usize,
    },
    /// Not a `Signal` frame: nothing else may come from a client whose job
    /// runs.
    Other,
}

/// Recognise a `Signal` frame at the front of `buf`, without allocating
/// (a worker's signal handler calls it on its client's connection).
pub fn signal_frame(buf: &[u8]) -> SignalFrame {
    let h = match Header::decode(buf) {
        Ok(Some(h)) => h,
        Ok(None) => return SignalFrame::Incomplete,
        Err(_) => return SignalFrame::Other,
    };
    if h.kind != Kind::Signal || h.nfds != 0 || h.len != 8 {
        return SignalFrame::Other;
    }
    let Some(p) = buf.get(HEADER_LEN..HEADER_LEN + 8) else {
        return SignalFrame::Incomplete;
    };
    let signal = i32::from_le_bytes([p[0], p[1], p[2], p[3]]);
    let from_group = i32::from_le_bytes([p[4], p[5], p[6], p[7]]);
    if !(1..64).contains(&signal) || from_group < platform::connwatch::SENDER_GONE {
        return SignalFrame::Other;
    }
    SignalFrame::Signal {
        signal,
        from_group,
        used: HEADER_LEN + 8,
    }
}

/// Why a frame or payload was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FrameError {
    BadMagic,
    BadVersion(u8),
    UnknownKind(u8),
    BadFlags(u8),
    TooLong(u32),
    TooManyFds(usize),
    /// The frame declared a different number of descriptors than arrived
    /// or than its payload names.
    FdMismatch {
        declared: usize,
        got: usize,
    },
    /// The payload ended inside a field.
    Truncated,
    /// Bytes left over after the last field.
    Trailing,
    /// A field's value is out of range.
    BadField(&'static str),
    /// A frame of a kind this side does not accept here.
    Unexpected(Kind),
}

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FrameError::BadMagic => f.write_str("not a rush frame (bad magic)"),
            FrameError::BadVersion(v) => {
                write!(f, "protocol version {v}, this side speaks {VERSION}")
            }
            FrameError::UnknownKind(k) => write!(f, "unknown message kind {k}"),
            FrameError::BadFlags(b) => write!(f, "unknown header flags {b:#x}"),
            FrameError::TooLong(n) => write!(f, "payload of {n} bytes is over the limit"),
            FrameError::TooManyFds(n) => write!(f, "{n} descriptors is over the limit"),
            FrameError::FdMismatch { declared, got } => {
                write!(f, "{declared} descriptors declared, {got} present")
            }
            FrameError::Truncated => f.write_str("payload ends inside a field"),
            FrameError::Trailing => f.write_str("bytes after the last field"),
            FrameError::BadField(name) => write!(f, "bad value for {name}"),
            FrameError::Unexpected(k) => write!(f, "unexpected {k:?} message"),
        }
    }
}

impl std::error::Error for FrameError {}
