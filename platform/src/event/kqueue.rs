//! The kqueue selector (macOS and the BSDs), for the shared readiness
//! reactor: one-shot `EVFILT_READ`/`EVFILT_WRITE` per waiting op,
//! `EVFILT_PROC`/`NOTE_EXIT` for children and `EVFILT_SIGNAL` for signals.
//!
//! It mirrors the `polling` selector, which Linux CI runs with
//! `RUSH_BACKEND=poll`; this file is only built and tested on the macOS CI
//! runner. Quirk: `EVFILT_SIGNAL` records a signal only alongside ordinary
//! delivery, so watched signals are set to `SIG_IGN` first (kqueue(2):
//! "even if the signal has been marked as SIG_IGN", except SIGCHLD, which
//! is not watched here).

use super::readiness::{Ready, Selector};
use crate::{Pid, cvt};
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::time::Duration;

pub(crate) struct Kqueue {
    kq: OwnedFd,
    events: Vec<libc::kevent>,
    /// Children that had ended before their watch was set.
    early: Vec<Pid>,
}

fn change(ident: usize, filter: i16, flags: u16, fflags: u32) -> libc::kevent {
    // SAFETY: kevent is plain old data; all-zero is a valid value.
    let mut ev: libc::kevent = unsafe { std::mem::zeroed() };
    ev.ident = ident as _;
    ev.filter = filter as _;
    ev.flags = flags as _;
    ev.fflags = fflags as _;
    ev
}

impl Kqueue {
    pub(crate) fn new() -> io::Result<Kqueue> {
        // SAFETY: kqueue has no memory-safety preconditions.
        let fd = cvt(unsafe { libc::kqueue() })?;
        // SAFETY: the kernel just returned a new descriptor that nobody owns.
        let kq = unsafe { OwnedFd::from_raw_fd(fd) };
        // kqueue descriptors are not inherited across fork, but are across
        // exec unless marked.
        crate::fd::set_cloexec(fd, true)?;
        Ok(Kqueue {
            kq,
            // SAFETY: kevent is plain old data; all-zero is a valid value.
            events: vec![unsafe { std::mem::zeroed() }; 64],
            early: Vec::new(),
        })
    }

    /// Apply one change; errors for that change come back as the result.
    fn apply(&self, ev: libc::kevent) -> io::Result<()> {
        // SAFETY: `ev` is one valid change; no events are asked for.
        cvt(unsafe {
            libc::kevent(
                self.kq.as_raw_fd(),
                &ev,
                1,
                std::ptr::null_mut(),
                0,
                std::ptr::null(),
            )
        })
        .map(drop)
    }

    fn set(&self, fd: RawFd, filter: i16, on: bool) -> io::Result<()> {
        if on {
            self.apply(change(
                fd as usize,
                filter,
                (libc::EV_ADD | libc::EV_ONESHOT) as u16,
                0,
            ))
        } else {
            match self.apply(change(fd as usize, filter, libc::EV_DELETE as u16, 0)) {
                Err(e) if e.raw_os_error() == Some(libc::ENOENT) => Ok(()),
                other => other,
            }
        }
    }
}

impl Selector for Kqueue {
    fn arm(&mut self, fd: RawFd, read: bool, write: bool) -> io::Result<()> {
        self.set(fd, libc::EVFILT_READ as i16, read)?;
        self.set(fd, libc::EVFILT_WRITE as i16, write)
    }

    fn forget(&mut self, fd: RawFd) {
        let _ = self.arm(fd, false, false);
    }

    fn watch_child(&mut self, pid: Pid) -> io::Result<()> {
        let ev = change(
            pid as usize,
            libc::EVFILT_PROC as i16,
            (libc::EV_ADD | libc::EV_ONESHOT) as u16,
            libc::NOTE_EXIT as u32,
        );
        match self.apply(ev) {
            // Already a zombie: report it at the next select.
            Err(e) if e.raw_os_error() == Some(libc::ESRCH) => {
                self.early.push(pid);
                Ok(())
            }
            other => other,
        }
    }

    fn unwatch_child(&mut self, pid: Pid) {
        self.early.retain(|&p| p != pid);
        let _ = self.apply(change(
            pid as usize,
            libc::EVFILT_PROC as i16,
            libc::EV_DELETE as u16,
            0,
        ));
    }

    fn watch_signals(&mut self, set: u64) -> io::Result<()> {
        for sig in 1..crate::signal::NSIG.min(64) {
            if set & (1u64 << sig) == 0 {
                continue;
            }
            crate::signal::set_disposition(sig, crate::signal::Disposition::Ignore)?;
            self.apply(change(
                sig as usize,
                libc::EVFILT_SIGNAL as i16,
                libc::EV_ADD as u16,
                0,
            ))?;
        }
        Ok(())
    }

    fn select(&mut self, timeout: Option<Duration>, out: &mut Vec<Ready>) -> io::Result<()> {
        if !self.early.is_empty() {
            out.extend(self.early.drain(..).map(Ready::Child));
            return Ok(());
        }
        let ts = timeout.map(|d| libc::timespec {
            tv_sec: d.as_secs() as libc::time_t,
            tv_nsec: d.subsec_nanos() as libc::c_long,
        });
        let ts_ptr = ts
            .as_ref()
            .map_or(std::ptr::null(), |t| t as *const libc::timespec);
        // SAFETY: `events` has room for its length; `ts_ptr` is null or
        // points at `ts`, alive for the call.
        let n = cvt(unsafe {
            libc::kevent(
                self.kq.as_raw_fd(),
                std::ptr::null(),
                0,
                self.events.as_mut_ptr(),
                self.events.len() as _,
                ts_ptr,
            )
        })?;
        for ev in &self.events[..n as usize] {
            let ident = ev.ident as usize;
            let filter = ev.filter as i16;
            if filter == libc::EVFILT_READ as i16 {
                out.push(Ready::Fd {
                    fd: ident as RawFd,
                    read: true,
                    write: false,
                });
            } else if filter == libc::EVFILT_WRITE as i16 {
                out.push(Ready::Fd {
                    fd: ident as RawFd,
                    read: false,
                    write: true,
                });
            } else if filter == libc::EVFILT_PROC as i16 {
                out.push(Ready::Child(ident as Pid));
            } else if filter == libc::EVFILT_SIGNAL as i16 {
                out.push(Ready::Signal(ident as i32));
            }
        }
        Ok(())
    }
}
