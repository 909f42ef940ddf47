//! Frames over a blocking stream socket, with descriptors: the client's and
//! a worker's side of the protocol (the daemon's side runs in its loop).

use super::{FrameError, HEADER_LEN, Header, Message, split};
use std::collections::VecDeque;
use std::fmt;
use std::io;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};

/// Why receiving a frame failed.
#[derive(Debug)]
pub enum ChannelError {
    Io(io::Error),
    Frame(FrameError),
    /// The peer closed the connection (between frames or inside one).
    Closed,
    /// Descriptors were lost to a truncated control message.
    Truncated,
}

impl fmt::Display for ChannelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChannelError::Io(e) => write!(f, "{e}"),
            ChannelError::Frame(e) => write!(f, "{e}"),
            ChannelError::Closed => f.write_str("connection closed"),
            ChannelError::Truncated => f.write_str("descriptors lost (truncated control message)"),
        }
    }
}

impl From<io::Error> for ChannelError {
    fn from(e: io::Error) -> Self {
        ChannelError::Io(e)
    }
}

impl From<FrameError> for ChannelError {
    fn from(e: FrameError) -> Self {
        ChannelError::Frame(e)
    }
}

/// One end of a connection, buffering partial frames and the descriptors
/// that arrived ahead of them.
pub struct Channel {
    fd: OwnedFd,
    buf: Vec<u8>,
    start: usize,
    fds: VecDeque<OwnedFd>,
    scratch: Vec<OwnedFd>,
}

impl Channel {
    pub fn new(fd: OwnedFd) -> Channel {
        Channel::with_capacity(fd, 512)
    }

    /// A channel whose buffer starts with room for `capacity` bytes, so a
    /// peer that receives big frames (a worker: a job carries the client's
    /// whole environment) reads each in one `recvmsg`.
    pub fn with_capacity(fd: OwnedFd, capacity: usize) -> Channel {
        Channel {
            fd,
            buf: Vec::with_capacity(capacity),
            start: 0,
            fds: VecDeque::new(),
            scratch: Vec::new(),
        }
    }

    /// The socket.
    pub fn fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }

    /// Give the socket back.
    pub fn into_fd(self) -> OwnedFd {
        self.fd
    }

    /// Move the socket to a descriptor number at or above `min`
    /// (close-on-exec), out of the way of numbers a job needs.
    pub fn relocate(&mut self, min: RawFd) -> io::Result<()> {
        self.fd = platform::fd::dup_above_owned(self.fd.as_raw_fd(), min)?;
        Ok(())
    }

    /// Follow the socket to the number a job's redirection moved it to
    /// ([`platform::fd::follow_reserved`]).
    pub fn follow_reserved(&mut self) {
        platform::fd::follow_reserved(&mut self.fd);
    }

    /// Send one encoded frame (or several) with `fds`, blocking until all
    /// of it is written.
    pub fn send(&self, frame: &[u8], fds: &[RawFd]) -> io::Result<()> {
        platform::unix::send_all_with_fds(self.fd.as_raw_fd(), frame, fds)
    }

    /// Encode and send one message without descriptors.
    pub fn send_message(&self, m: &Message) -> io::Result<()> {
        let mut out = Vec::with_capacity(HEADER_LEN + 16);
        m.encode(&mut out);
        self.send(&out, &[])
    }

    /// Take a complete frame from the buffer, if one is there.
    pub fn next_frame(&mut self) -> Result<Option<(Message, Vec<OwnedFd>)>, ChannelError> {
        let Some((header, payload, used)) = split(&self.buf[self.start..])? else {
            return Ok(None);
        };
        let header: Header = header;
        let m = Message::decode(&header, payload)?;
        self.start += used;
        if self.start == self.buf.len() {
            self.buf.clear();
            self.start = 0;
        }
        let n = usize::from(header.nfds);
        if self.fds.len() < n {
            return Err(FrameError::FdMismatch {
                declared: n,
                got: self.fds.len(),
            }
            .into());
        }
        Ok(Some((m, self.fds.drain(..n).collect())))
    }

    /// One `recvmsg` into the buffer: the number of bytes read (0 at end of
    /// stream). `EINTR` is retried; a non-blocking call returns
    /// `WouldBlock` when nothing is there.
    pub fn fill(&mut self, nonblocking: bool) -> Result<usize, ChannelError> {
        if self.start > 0 && self.start * 2 >= self.buf.len() {
            self.buf.drain(..self.start);
            self.start = 0;
        }
        if self.buf.capacity() - self.buf.len() < 256 {
            self.buf.reserve(4096);
        }
        let mut scratch = std::mem::take(&mut self.scratch);
        let r = platform::unix::recv_with_fds(
            self.fd.as_raw_fd(),
            &mut self.buf,
            &mut scratch,
            nonblocking,
        );
        self.fds.extend(scratch.drain(..));
        self.scratch = scratch;
        let r = r?;
        if r.truncated {
            return Err(ChannelError::Truncated);
        }
        Ok(r.len)
    }

    /// Block until one whole frame has arrived.
    pub fn recv(&mut self) -> Result<(Message, Vec<OwnedFd>), ChannelError> {
        loop {
            if let Some(f) = self.next_frame()? {
                return Ok(f);
            }
            if self.fill(false)? == 0 {
                return Err(ChannelError::Closed);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::{ExitStatus, JobRequest};

    #[test]
    fn frames_and_fds_across_a_socketpair() {
        let (a, b) = platform::unix::socketpair().unwrap();
        let a = Channel::new(a);
        let mut b = Channel::new(b);
        let job = JobRequest {
            pid: 1,
            argv: vec![b"rush".to_vec()],
            fds: vec![0, 1],
            ..JobRequest::default()
        };
        let mut out = Vec::new();
        Message::Job(job.clone()).encode(&mut out);
        Message::Exit(ExitStatus::Exited(3)).encode(&mut out);
        a.send(&out, &[0, 1, 2]).unwrap();
        let (m, fds) = b.recv().unwrap();
        assert_eq!(m, Message::Job(job));
        assert_eq!(fds.len(), 3);
        let (m, fds) = b.recv().unwrap();
        assert_eq!((m, fds.len()), (Message::Exit(ExitStatus::Exited(3)), 0));
        drop(a);
        assert!(matches!(b.recv(), Err(ChannelError::Closed)));
    }
}
