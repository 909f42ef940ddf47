//! Signals as a readable descriptor: `signalfd` on Linux, a self-pipe
//! elsewhere. Used by the io_uring and `polling` backends (kqueue has
//! `EVFILT_SIGNAL`).

use std::collections::VecDeque;
use std::io;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};

/// A descriptor that becomes readable when a watched signal arrives.
pub(crate) struct SignalSource {
    fd: OwnedFd,
    /// The self-pipe's write end (not on Linux).
    #[cfg(not(target_os = "linux"))]
    _write: OwnedFd,
    set: u64,
}

#[cfg(target_os = "linux")]
fn sigset(set: u64) -> libc::sigset_t {
    // SAFETY: sigset_t is plain old data; sigemptyset initialises it.
    let mut mask: libc::sigset_t = unsafe { std::mem::zeroed() };
    // SAFETY: `mask` is a valid sigset_t.
    unsafe { libc::sigemptyset(&mut mask) };
    for n in 1..crate::signal::NSIG.min(64) {
        if set & (1 << n) != 0 {
            // SAFETY: `mask` is initialised and `n` a valid signal number.
            unsafe { libc::sigaddset(&mut mask, n) };
        }
    }
    mask
}

impl SignalSource {
    /// Watch `set` (bit n = signal n).
    #[cfg(target_os = "linux")]
    pub(crate) fn new(set: u64) -> io::Result<SignalSource> {
        use std::os::fd::FromRawFd;
        // Blocked signals stay pending for the signalfd instead of running
        // a handler or the default action (signalfd(2)).
        crate::signal::set_blocked(crate::signal::blocked() | set)?;
        let mask = sigset(set);
        // SAFETY: `mask` is a valid sigset_t for the call.
        let fd = crate::cvt(unsafe {
            libc::signalfd(-1, &mask, libc::SFD_NONBLOCK | libc::SFD_CLOEXEC)
        })?;
        // SAFETY: the kernel just returned a new descriptor that nobody owns.
        let fd = unsafe { OwnedFd::from_raw_fd(fd) };
        Ok(SignalSource { fd, set })
    }

    /// Watch `set` (bit n = signal n).
    #[cfg(not(target_os = "linux"))]
    pub(crate) fn new(set: u64) -> io::Result<SignalSource> {
        use std::os::fd::FromRawFd;
        let (r, w) = crate::fd::pipe()?;
        // SAFETY: pipe() just created both descriptors; nobody else owns them.
        let read = unsafe { OwnedFd::from_raw_fd(r) };
        // SAFETY: as above.
        let write = unsafe { OwnedFd::from_raw_fd(w) };
        crate::fd::set_nonblocking(r, true)?;
        crate::fd::set_nonblocking(w, true)?;
        crate::signal::set_wakeup_fd(Some(w));
        let mut source = SignalSource {
            fd: read,
            _write: write,
            set: 0,
        };
        source.add(set)?;
        Ok(source)
    }

    /// Also watch `more`.
    pub(crate) fn add(&mut self, more: u64) -> io::Result<()> {
        let new = self.set | more;
        if new == self.set {
            return Ok(());
        }
        #[cfg(target_os = "linux")]
        {
            crate::signal::set_blocked(crate::signal::blocked() | more)?;
            let mask = sigset(new);
            // SAFETY: `mask` is valid; the descriptor is our signalfd.
            crate::cvt(unsafe {
                libc::signalfd(
                    self.fd.as_raw_fd(),
                    &mask,
                    libc::SFD_NONBLOCK | libc::SFD_CLOEXEC,
                )
            })?;
        }
        #[cfg(not(target_os = "linux"))]
        for n in 1..crate::signal::NSIG.min(64) {
            if more & (1 << n) != 0 {
                crate::signal::set_disposition(n, crate::signal::Disposition::Catch)?;
            }
        }
        self.set = new;
        Ok(())
    }

    /// The descriptor to wait on.
    pub(crate) fn fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }

    /// Read every arrival now pending into `out` (without blocking).
    pub(crate) fn drain(&mut self, out: &mut VecDeque<i32>) {
        #[cfg(target_os = "linux")]
        loop {
            // SAFETY: signalfd_siginfo is plain old data; all-zero is valid.
            let mut info: libc::signalfd_siginfo = unsafe { std::mem::zeroed() };
            let size = std::mem::size_of::<libc::signalfd_siginfo>();
            // SAFETY: `info` is valid for writes of `size` bytes.
            let n = unsafe {
                libc::read(
                    self.fd.as_raw_fd(),
                    (&mut info as *mut libc::signalfd_siginfo).cast(),
                    size,
                )
            };
            if n as usize != size {
                break;
            }
            out.push_back(info.ssi_signo as i32);
        }
        #[cfg(not(target_os = "linux"))]
        {
            let mut bytes = [0u8; 64];
            while let Ok(n) = crate::fd::read(self.fd.as_raw_fd(), &mut bytes) {
                if n == 0 {
                    break;
                }
                out.extend(bytes[..n].iter().map(|&b| i32::from(b)));
            }
        }
    }
}

#[cfg(not(target_os = "linux"))]
impl Drop for SignalSource {
    fn drop(&mut self) {
        crate::signal::set_wakeup_fd(None);
    }
}
