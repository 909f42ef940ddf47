//! The round trip without a process start: a bench client that keeps one
//! connection to rushd open and sends the job `true` again and again (what
//! the `rush` client sends, built with the same protocol code), against a
//! bare socketpair ping-pong with a child process that passes three
//! descriptors per ping — the physical floor of one hop.

use crate::proc::{Daemon, check_interrupt};
use rush::proto::channel::Channel;
use rush::proto::message::{Context, JobParts, encode_job};
use rush::proto::{Message, split};
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::time::Instant;

/// A persistent connection with a job frame ready to resend.
pub struct Persistent {
    ch: Channel,
    frame: Vec<u8>,
    _null: OwnedFd,
    _cwd: OwnedFd,
    fds: [RawFd; 4],
}

impl Persistent {
    pub fn connect(d: &Daemon) -> Result<Persistent, String> {
        let sock = platform::unix::connect(d.socket.as_os_str().as_bytes())
            .map_err(|e| format!("connect {}: {e}", d.socket.display()))?;
        let null = platform::fd::open_owned(b"/dev/null", platform::fd::flags::RDWR, 0)
            .map_err(|e| format!("/dev/null: {e}"))?;
        let cwd = platform::fd::open_cwd().map_err(|e| format!("cwd: {e}"))?;
        let argv: [&[u8]; 3] = [b"rush", b"-c", b"true"];
        let env: Vec<Vec<u8>> = crate::proc::base_env()
            .into_iter()
            .map(|(k, v)| format!("{k}={v}").into_bytes())
            .collect();
        let cwd_path = platform::process::getcwd().unwrap_or_default();
        let parts = JobParts {
            umask: platform::process::get_umask(),
            pid: platform::process::getpid(),
            ppid: platform::process::getppid(),
            ignored: 0,
            blocked: 0,
            context: Context::current(),
            flags: 0,
            sent_ns: 0,
            cwd: &cwd_path,
            fds: &[0, 1, 2],
            argv: &argv,
        };
        let mut frame = Vec::new();
        encode_job(&mut frame, &parts, |sink| {
            for e in &env {
                sink(e);
            }
        });
        if !matches!(split(&frame), Ok(Some(_))) {
            return Err("the job frame does not parse".into());
        }
        // As the client sends them (docs/protocol.md): the job's
        // descriptors in ascending order, then the directory.
        let fds = [
            null.as_raw_fd(),
            null.as_raw_fd(),
            null.as_raw_fd(),
            cwd.as_raw_fd(),
        ];
        Ok(Persistent {
            ch: Channel::new(sock),
            frame,
            _null: null,
            _cwd: cwd,
            fds,
        })
    }

    /// One job, sent and answered: microseconds.
    pub fn round_trip(&mut self) -> Result<f64, String> {
        let start = Instant::now();
        self.ch
            .send(&self.frame, &self.fds)
            .map_err(|e| format!("send job: {e}"))?;
        loop {
            match self.ch.recv() {
                Ok((Message::Exit(s), _)) if s.shell_status() == 0 => break,
                Ok((Message::Exit(s), _)) => {
                    return Err(format!("job `true` ended with {}", s.shell_status()));
                }
                Ok((Message::Started { .. } | Message::Queued, _)) => {}
                Ok((other, _)) => return Err(format!("unexpected {:?}", other.kind())),
                Err(e) => return Err(format!("answer: {e}")),
            }
        }
        Ok(start.elapsed().as_secs_f64() * 1e6)
    }
}

/// A child process that answers each ping (three descriptors) with one
/// byte.
pub struct PingPong {
    sock: Option<OwnedFd>,
    pid: i32,
    buf: Vec<u8>,
    fds: Vec<OwnedFd>,
}

impl PingPong {
    /// Fork the echoing child. Called while the harness has no other
    /// thread, and every buffer the child uses is allocated before the fork.
    pub fn start() -> Result<PingPong, String> {
        let (a, b) = platform::unix::socketpair().map_err(|e| format!("socketpair: {e}"))?;
        let mut buf = Vec::with_capacity(64);
        let mut fds = Vec::with_capacity(8);
        match platform::process::fork().map_err(|e| format!("fork: {e}"))? {
            platform::process::Fork::Child => {
                drop(a);
                loop {
                    buf.clear();
                    fds.clear();
                    match platform::unix::recv_with_fds(b.as_raw_fd(), &mut buf, &mut fds, false) {
                        Ok(r) if r.len > 0 => {
                            fds.clear();
                            if platform::unix::send_with_fds(b.as_raw_fd(), b"k", &[], false)
                                .is_err()
                            {
                                platform::process::exit_now(0);
                            }
                        }
                        _ => platform::process::exit_now(0),
                    }
                }
            }
            platform::process::Fork::Parent(pid) => {
                drop(b);
                Ok(PingPong {
                    sock: Some(a),
                    pid,
                    buf,
                    fds,
                })
            }
        }
    }

    /// One ping and its pong: microseconds.
    pub fn round_trip(&mut self) -> Result<f64, String> {
        let fd = self.sock.as_ref().map(AsRawFd::as_raw_fd).unwrap_or(-1);
        let start = Instant::now();
        platform::unix::send_with_fds(fd, b"ping", &[0, 1, 2], false)
            .map_err(|e| format!("ping: {e}"))?;
        self.buf.clear();
        self.fds.clear();
        platform::unix::recv_with_fds(fd, &mut self.buf, &mut self.fds, false)
            .map_err(|e| format!("pong: {e}"))?;
        Ok(start.elapsed().as_secs_f64() * 1e6)
    }
}

impl Drop for PingPong {
    fn drop(&mut self) {
        // Closing our end ends the child's loop.
        self.sock = None;
        let _ = platform::process::wait_pid_blocking(self.pid);
    }
}

/// Something with a round trip, for [`interleave`].
pub enum Looper {
    Job(Persistent),
    Ping(PingPong),
}

impl Looper {
    fn round_trip(&mut self) -> Result<f64, String> {
        match self {
            Looper::Job(p) => p.round_trip(),
            Looper::Ping(p) => p.round_trip(),
        }
    }
}

/// Blocks of `block` round trips of each looper in turn, `warmup` rounds
/// first: `n` samples (µs) per looper.
pub fn interleave(
    loopers: &mut [Looper],
    warmup: usize,
    n: usize,
    block: usize,
) -> Result<Vec<Vec<f64>>, String> {
    let mut out: Vec<Vec<f64>> = loopers.iter().map(|_| Vec::with_capacity(n)).collect();
    for _ in 0..warmup {
        for l in loopers.iter_mut() {
            l.round_trip()?;
        }
    }
    while out.iter().any(|s| s.len() < n) {
        check_interrupt()?;
        for (l, samples) in loopers.iter_mut().zip(out.iter_mut()) {
            for _ in 0..block.min(n - samples.len()) {
                samples.push(l.round_trip()?);
            }
        }
    }
    Ok(out)
}
