//! Watching child processes: pidfds on Linux, reaping without blocking, and
//! tying a helper child's life to its parent's.

use crate::Pid;
use crate::process::{WaitOptions, WaitStatus, wait_pid};
use std::io;
#[cfg(any(target_os = "linux", rush_kqueue))]
use std::os::fd::FromRawFd;
use std::os::fd::OwnedFd;

/// `pidfd_open(2)`: a descriptor that becomes readable when `pid` exits
/// (Linux 5.3). Close-on-exec by definition.
#[cfg(target_os = "linux")]
pub fn pidfd_open(pid: Pid) -> io::Result<OwnedFd> {
    // SAFETY: pidfd_open has no memory-safety preconditions.
    let fd = crate::cvt(unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) })?;
    // SAFETY: the kernel just returned a new descriptor that nobody owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as i32) })
}

/// A watch on the end of a process that need not be our child: a pidfd on
/// Linux, a kqueue with `EVFILT_PROC`/`NOTE_EXIT` on macOS and the BSDs.
/// Set it while the process is known to live, so that its pid cannot have
/// been reused by then.
pub struct ExitWatch {
    fd: OwnedFd,
}

impl ExitWatch {
    /// Watch `pid`; `Unsupported` where the system gives no way.
    pub fn new(pid: Pid) -> io::Result<ExitWatch> {
        #[cfg(target_os = "linux")]
        {
            pidfd_open(pid).map(|fd| ExitWatch { fd })
        }
        #[cfg(rush_kqueue)]
        {
            // SAFETY: kqueue has no memory-safety preconditions.
            let kq = crate::cvt(unsafe { libc::kqueue() })?;
            // SAFETY: the kernel just returned a new descriptor that nobody owns.
            let fd = unsafe { OwnedFd::from_raw_fd(kq) };
            crate::fd::set_cloexec(kq, true)?;
            // SAFETY: kevent is plain old data; all-zero is a valid value.
            let mut ev: libc::kevent = unsafe { std::mem::zeroed() };
            ev.ident = pid as _;
            ev.filter = libc::EVFILT_PROC as _;
            ev.flags = (libc::EV_ADD | libc::EV_ONESHOT) as _;
            ev.fflags = libc::NOTE_EXIT as _;
            // SAFETY: `ev` is one valid change; no events are asked for.
            crate::cvt(unsafe {
                libc::kevent(kq, &ev, 1, std::ptr::null_mut(), 0, std::ptr::null())
            })?;
            Ok(ExitWatch { fd })
        }
        #[cfg(not(any(target_os = "linux", rush_kqueue)))]
        {
            let _ = pid;
            Err(io::ErrorKind::Unsupported.into())
        }
    }

    /// Wait at most `limit` for the process to end (a zombie has ended):
    /// whether it has.
    pub fn wait(&self, limit: std::time::Duration) -> bool {
        use std::os::fd::AsRawFd;
        let deadline = std::time::Instant::now() + limit;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            let ms = left.as_millis().min(i32::MAX as u128) as i32;
            match crate::fd::poll_readable(self.fd.as_raw_fd(), ms) {
                Ok(ended) => return ended,
                Err(e) if e.kind() == io::ErrorKind::Interrupted && ms > 0 => continue,
                Err(_) => return false,
            }
        }
    }
}

/// Reap `pid` if it has ended: `Ok(None)` while it runs. Stopped children
/// are not reported.
pub fn try_reap(pid: Pid) -> io::Result<Option<WaitStatus>> {
    loop {
        match wait_pid(
            pid,
            WaitOptions {
                nohang: true,
                untraced: false,
            },
        ) {
            Ok(Some((_, status))) => return Ok(Some(status)),
            Ok(None) => return Ok(None),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
}

/// Reap any one ended child without blocking: `(pid, status)`, or `None`
/// when none has ended (or there are no children).
pub fn reap_any() -> Option<(Pid, WaitStatus)> {
    loop {
        match wait_pid(
            -1,
            WaitOptions {
                nohang: true,
                untraced: false,
            },
        ) {
            Ok(found) => return found,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => return None,
        }
    }
}

/// Reap every child that has ended except `keep`, without blocking, and
/// return how many. A `keep` that has ended is left a zombie (its pid and
/// process group still name it, and its owner reaps it), and the ones
/// behind it wait for the next call.
pub fn reap_ended_except(keep: Pid) -> usize {
    let mut reaped = 0;
    loop {
        // SAFETY: siginfo_t is plain old data; all-zero is a valid value.
        let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
        // SAFETY: `info` is valid for waitid to fill; WNOWAIT only looks.
        let r = unsafe {
            libc::waitid(
                libc::P_ALL,
                0,
                &mut info,
                libc::WEXITED | libc::WNOHANG | libc::WNOWAIT,
            )
        };
        if r != 0 {
            if io::Error::last_os_error().kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return reaped;
        }
        // SAFETY: waitid filled `info` for a child (or left it zeroed when
        // none has ended), so the pid field is the one set.
        let pid = unsafe { info.si_pid() };
        if pid == 0 || pid == keep {
            return reaped;
        }
        match try_reap(pid) {
            Ok(Some(_)) => reaped += 1,
            _ => return reaped,
        }
    }
}

/// Ask the kernel to send `signal` to this process when its parent dies
/// (`PR_SET_PDEATHSIG`; Linux only, a no-op elsewhere, where callers poll
/// [`crate::process::getppid`] instead). Returns whether it is in force.
pub fn die_with_parent(signal: i32) -> bool {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: prctl(PR_SET_PDEATHSIG) takes a plain integer argument.
        let r = unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, signal as libc::c_ulong) };
        r == 0
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = signal;
        false
    }
}

/// Sleep until a signal arrives (`pause(2)`).
pub fn pause() {
    // SAFETY: pause has no preconditions.
    unsafe { libc::pause() };
}

/// Sleep for `ms` milliseconds (or until a signal arrives).
pub fn sleep_ms(ms: u64) {
    // SAFETY: timespec is plain old data; zero is a valid value.
    let mut ts: libc::timespec = unsafe { std::mem::zeroed() };
    // `as _`: the field types differ between libcs (musl's `time_t` is
    // deprecated as a name while it changes width).
    ts.tv_sec = (ms / 1000) as _;
    ts.tv_nsec = ((ms % 1000) * 1_000_000) as _;
    // SAFETY: `ts` is valid; a null remainder is allowed.
    unsafe { libc::nanosleep(&ts, std::ptr::null_mut()) };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::process::{Fork, exit_now, fork};

    #[test]
    fn reap_after_exit() {
        match fork().unwrap() {
            Fork::Child => exit_now(3),
            Fork::Parent(pid) => {
                #[cfg(target_os = "linux")]
                {
                    let pidfd = pidfd_open(pid).unwrap();
                    let mut p = libc::pollfd {
                        fd: std::os::fd::AsRawFd::as_raw_fd(&pidfd),
                        events: libc::POLLIN,
                        revents: 0,
                    };
                    // Other tests of this process raise signals it
                    // catches: a poll they interrupt is tried again.
                    let n = loop {
                        // SAFETY: `p` is one valid pollfd.
                        let n = unsafe { libc::poll(&mut p, 1, 5000) };
                        let interrupted = n < 0
                            && std::io::Error::last_os_error().kind()
                                == std::io::ErrorKind::Interrupted;
                        if !interrupted {
                            break n;
                        }
                    };
                    assert_eq!(n, 1);
                }
                let mut status = None;
                for _ in 0..5000 {
                    status = try_reap(pid).unwrap();
                    if status.is_some() {
                        break;
                    }
                    sleep_ms(1);
                }
                assert_eq!(status, Some(WaitStatus::Exited(3)));
            }
        }
    }
}
