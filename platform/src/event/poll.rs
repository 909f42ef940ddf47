//! The portable readiness selector, over the `polling` crate (epoll,
//! kqueue, event ports or poll underneath). Children are watched through
//! pidfds on Linux, through SIGCHLD elsewhere (or where pidfds are
//! refused); signals arrive through a [`SignalSource`].

use super::readiness::{Ready, Selector};
use super::signals::SignalSource;
use crate::Pid;
use polling::{Event, Events, PollMode, Poller};
use std::collections::{HashMap, HashSet, VecDeque};
use std::io;
#[cfg(target_os = "linux")]
use std::os::fd::AsRawFd;
use std::os::fd::{BorrowedFd, OwnedFd, RawFd};
use std::time::Duration;

/// What one of the selector's own descriptors stands for.
enum Own {
    Signals,
    /// A pidfd, owned here so it closes when the child is unwatched.
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    Pidfd(Pid, #[allow(dead_code)] OwnedFd),
}

pub(crate) struct Poll {
    poller: Poller,
    events: Events,
    registered: HashSet<RawFd>,
    own: HashMap<RawFd, Own>,
    pid_fds: HashMap<Pid, RawFd>,
    /// Children watched through SIGCHLD (no pidfd).
    sigchld_children: HashSet<Pid>,
    signals: Option<SignalSource>,
    /// The signals the loop asked for (SIGCHLD may be watched only for us).
    user_signals: u64,
    arrived: VecDeque<i32>,
}

fn bit(sig: i32) -> u64 {
    1u64 << sig
}

impl Poll {
    pub(crate) fn new() -> io::Result<Poll> {
        Ok(Poll {
            poller: Poller::new()?,
            events: Events::new(),
            registered: HashSet::new(),
            own: HashMap::new(),
            pid_fds: HashMap::new(),
            sigchld_children: HashSet::new(),
            signals: None,
            user_signals: 0,
            arrived: VecDeque::new(),
        })
    }

    fn interest(&mut self, fd: RawFd, read: bool, write: bool) -> io::Result<()> {
        let mut ev = Event::none(fd as usize);
        ev.readable = read;
        ev.writable = write;
        if self.registered.contains(&fd) {
            // SAFETY: `fd` is registered, so the loop promised (contract
            // rule 2) it stays open until forgotten.
            let borrowed = unsafe { BorrowedFd::borrow_raw(fd) };
            self.poller
                .modify_with_mode(borrowed, ev, PollMode::Oneshot)
        } else {
            // SAFETY: the descriptor is deleted from the poller (`forget`)
            // before it is closed, as `Poller::add` requires.
            unsafe { self.poller.add_with_mode(fd, ev, PollMode::Oneshot) }?;
            self.registered.insert(fd);
            Ok(())
        }
    }

    fn ensure_signals(&mut self, set: u64) -> io::Result<()> {
        match &mut self.signals {
            Some(s) => s.add(set),
            None => {
                let s = SignalSource::new(set)?;
                let fd = s.fd();
                self.signals = Some(s);
                self.own.insert(fd, Own::Signals);
                self.interest(fd, true, false)
            }
        }
    }
}

impl Selector for Poll {
    fn arm(&mut self, fd: RawFd, read: bool, write: bool) -> io::Result<()> {
        if !read && !write && !self.registered.contains(&fd) {
            return Ok(());
        }
        self.interest(fd, read, write)
    }

    fn forget(&mut self, fd: RawFd) {
        if self.registered.remove(&fd) {
            // SAFETY: the loop is about to close `fd`; it is open now.
            let borrowed = unsafe { BorrowedFd::borrow_raw(fd) };
            let _ = self.poller.delete(borrowed);
        }
    }

    fn watch_child(&mut self, pid: Pid) -> io::Result<()> {
        #[cfg(target_os = "linux")]
        match crate::child::pidfd_open(pid) {
            Ok(pidfd) => {
                let raw = pidfd.as_raw_fd();
                self.own.insert(raw, Own::Pidfd(pid, pidfd));
                self.pid_fds.insert(pid, raw);
                return self.interest(raw, true, false);
            }
            // The child already ended and was reaped by someone: the first
            // try of the op reports it.
            Err(e) if e.raw_os_error() == Some(libc::ESRCH) => return Ok(()),
            // No pidfds (old kernel, seccomp): watch SIGCHLD instead.
            Err(_) => {}
        }
        self.ensure_signals(bit(libc::SIGCHLD))?;
        self.sigchld_children.insert(pid);
        Ok(())
    }

    fn unwatch_child(&mut self, pid: Pid) {
        self.sigchld_children.remove(&pid);
        if let Some(raw) = self.pid_fds.remove(&pid) {
            self.forget(raw);
            self.own.remove(&raw);
        }
    }

    fn watch_signals(&mut self, set: u64) -> io::Result<()> {
        self.user_signals |= set;
        self.ensure_signals(set)
    }

    fn select(&mut self, timeout: Option<Duration>, out: &mut Vec<Ready>) -> io::Result<()> {
        self.events.clear();
        self.poller.wait(&mut self.events, timeout)?;
        let mut signal_ready = false;
        for ev in self.events.iter() {
            let fd = ev.key as RawFd;
            match self.own.get(&fd) {
                Some(Own::Signals) => signal_ready = true,
                // A readable pidfd means the child is a zombie: the reactor
                // reaps it and unwatches.
                Some(Own::Pidfd(pid, _)) => out.push(Ready::Child(*pid)),
                None => out.push(Ready::Fd {
                    fd,
                    read: ev.readable,
                    write: ev.writable,
                }),
            }
        }
        if signal_ready {
            if let Some(s) = &mut self.signals {
                s.drain(&mut self.arrived);
                let fd = s.fd();
                self.interest(fd, true, false)?;
            }
            while let Some(sig) = self.arrived.pop_front() {
                if sig == libc::SIGCHLD {
                    out.extend(self.sigchld_children.iter().map(|&pid| Ready::Child(pid)));
                }
                if self.user_signals & bit(sig) != 0 {
                    out.push(Ready::Signal(sig));
                }
            }
        }
        Ok(())
    }
}
