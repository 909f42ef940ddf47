//! Child processes the shell waits for: foreground commands, and the
//! asynchronous lists whose statuses `wait` reports (XCU 2.9.3.1, `wait`).

use super::Exec;
use crate::shell::env::Shell;
use crate::shell::syntax::ast::AndOr;
use platform::Pid;
use platform::process::{self, WaitOptions, WaitStatus};

/// A wait ended early because a caught signal arrived.
#[derive(Debug)]
pub struct Interrupted;

/// An asynchronous list started with `&`, or (with job control) a job
/// that was stopped.
#[derive(Clone, Debug)]
pub struct Job {
    /// Its number (`%1`): one more than the highest in use when it
    /// started, so that numbers stay put while jobs come and go.
    pub id: usize,
    /// The process whose status is the job's (`$!`, `wait`).
    pub pid: Pid,
    /// `None` while running or stopped.
    pub status: Option<i32>,
    /// The command, as `jobs` lists it.
    pub text: Vec<u8>,
    /// Started by the shell this subshell was forked from: not this
    /// process's child, so listed as it was and never reaped here.
    pub inherited: bool,
    /// Under job control: the job's process group.
    pub group: Option<Box<Group>>,
}

/// A job of a job-control shell ([`super::jobctl`]).
#[derive(Clone, Debug)]
pub struct Group {
    pub pgid: Pid,
    /// Its processes not reaped yet.
    pub live: Vec<Pid>,
    /// The signal that stopped it, while it is stopped.
    pub stopped: Option<i32>,
    /// The terminal's modes when it stopped, put back by `fg`.
    pub modes: Option<platform::tty::Modes>,
    /// Its stop was reported.
    pub reported: bool,
    /// The status of the job's `pid`, once that has ended.
    pub ended: Option<i32>,
}

/// The shell's children that are not waited for yet.
#[derive(Clone, Debug, Default)]
pub struct Jobs {
    pub background: Vec<Job>,
    /// Children the shell started for itself (here-document writers):
    /// reaped quietly, never listed.
    pub internal: Vec<Pid>,
}

/// How many finished background jobs to remember (POSIX asks for at least
/// CHILD_MAX; we keep this many and drop the oldest finished ones).
const REMEMBER: usize = 1024;

impl Job {
    /// Stopped, and not over.
    pub fn is_stopped(&self) -> bool {
        self.status.is_none() && self.group.as_ref().is_some_and(|g| g.stopped.is_some())
    }
}

impl Jobs {
    /// Wait for `pid` to end and give its status (128 + signal for a
    /// signal), with how it ended when it was reaped here. A background
    /// job's remembered status is used if it ended already.
    /// `on_interrupt` runs each time a signal interrupts the wait; when it
    /// says so, the wait is given up (`None`).
    pub fn wait_for(
        &mut self,
        pid: Pid,
        mut on_interrupt: impl FnMut() -> bool,
    ) -> Option<(i32, Option<WaitStatus>)> {
        if let Some(job) = self.background.iter().find(|j| j.pid == pid)
            && let Some(status) = job.status
        {
            return Some((status, None));
        }
        loop {
            match process::wait_pid(pid, WaitOptions::default()) {
                Ok(Some((_, st))) => {
                    let status = st.shell_status();
                    self.record(pid, status);
                    return Some((status, Some(st)));
                }
                Ok(None) => continue,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {
                    if on_interrupt() {
                        return None;
                    }
                }
                Err(_) => return None,
            }
        }
    }

    /// Wait for `pid` and give its raw wait status (exit code or signal).
    pub fn wait_status(&mut self, pid: Pid) -> Option<WaitStatus> {
        loop {
            match process::wait_pid(pid, WaitOptions::default()) {
                Ok(Some((_, st))) => {
                    self.record(pid, st.shell_status());
                    return Some(st);
                }
                Ok(None) => continue,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => return None,
            }
        }
    }

    /// Wait for `pid` like [`Jobs::wait_for`], but give up when a caught
    /// signal arrives (the `wait` builtin must return then). The process of
    /// a job-control job may stop instead (`cat &` reading the terminal):
    /// then its job is marked stopped and the status is 128 + the signal.
    pub fn wait_interruptible(&mut self, pid: Pid) -> Result<Option<i32>, Interrupted> {
        // A trapped signal that came while the child ended interrupts the
        // wait, whichever the shell heard of first: a child that signals
        // `$$` and exits (`(sleep 1; kill -TERM $$) & wait`) sent the
        // signal before its end, and a `wait_pid` restarted after the
        // handler ran, or the `reap` before this call, can see the end
        // first (16 runs in 300 said `wait 0` where bash always says 143).
        // The status stays recorded for a later `wait`.
        let job = self.background.iter().find(|j| j.pid == pid);
        let ended = match job.and_then(|j| j.status) {
            Some(status) => status,
            None => {
                let options = WaitOptions {
                    untraced: job.is_some_and(|j| j.group.is_some()),
                    ..WaitOptions::default()
                };
                loop {
                    if platform::signal::any_pending() {
                        return Err(Interrupted);
                    }
                    match process::wait_pid(pid, options) {
                        Ok(Some((_, WaitStatus::Stopped(sig)))) => {
                            if let Some(g) = self
                                .background
                                .iter_mut()
                                .find(|j| j.pid == pid)
                                .and_then(|j| j.group.as_mut())
                            {
                                g.stopped = Some(sig);
                                g.reported = false;
                            }
                            return Ok(Some(128 + sig));
                        }
                        Ok(Some((_, st))) => {
                            let status = st.shell_status();
                            self.record(pid, status);
                            break status;
                        }
                        Ok(None) => continue,
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                        Err(_) => return Ok(None),
                    }
                }
            }
        };
        if platform::signal::any_pending() {
            return Err(Interrupted);
        }
        Ok(Some(ended))
    }

    fn record(&mut self, pid: Pid, status: i32) {
        if let Some(job) = self.background.iter_mut().find(|j| j.pid == pid) {
            match &mut job.group {
                Some(g) => {
                    g.live.retain(|&p| p != pid);
                    g.ended = Some(status);
                    if g.live.is_empty() {
                        job.status = Some(status);
                    }
                }
                None => job.status = Some(status),
            }
        }
    }

    /// Remember a new background job running `text`.
    pub fn add(&mut self, pid: Pid, text: Vec<u8>) {
        self.add_job(Job {
            id: 0,
            pid,
            status: None,
            text,
            inherited: false,
            group: None,
        });
    }

    /// Remember a job, giving it the next number.
    pub fn add_job(&mut self, mut job: Job) {
        self.reap();
        job.id = self.background.iter().map(|j| j.id).max().unwrap_or(0) + 1;
        if self.background.len() >= REMEMBER
            && let Some(i) = self.background.iter().position(|j| j.status.is_some())
        {
            self.background.remove(i);
        }
        self.background.push(job);
    }

    /// The current job (`%+`, `%%`): the newest stopped one, else the
    /// newest.
    pub fn current(&self) -> Option<usize> {
        self.background
            .iter()
            .rposition(Job::is_stopped)
            .or_else(|| self.background.len().checked_sub(1))
    }

    /// The previous job (`%-`): the newest after the current one.
    pub fn previous(&self) -> Option<usize> {
        let current = self.current()?;
        self.background
            .iter()
            .enumerate()
            .rev()
            .filter(|&(i, _)| i != current)
            .find(|(_, j)| j.is_stopped())
            .or_else(|| {
                self.background
                    .iter()
                    .enumerate()
                    .rev()
                    .find(|&(i, _)| i != current)
            })
            .map(|(i, _)| i)
    }

    /// The index of job number `id`.
    pub fn by_id(&self, id: usize) -> Option<usize> {
        self.background.iter().position(|j| j.id == id)
    }

    /// The number of the job `pid` belongs to, when that job is stopped.
    pub fn stopped_job_id(&self, pid: Pid) -> Option<usize> {
        self.background
            .iter()
            .find(|j| j.pid == pid && j.is_stopped())
            .map(|j| j.id)
    }

    /// Is any job stopped?
    pub fn any_stopped(&self) -> bool {
        self.background.iter().any(Job::is_stopped)
    }

    /// `128 + signal` when `pid` belongs to a stopped job.
    pub fn stopped_status(&self, pid: Pid) -> Option<i32> {
        self.background.iter().find_map(|j| {
            let g = j.group.as_ref()?;
            let sig = g.stopped?;
            g.live.contains(&pid).then_some(128 + sig)
        })
    }

    /// Remember a child the shell started for itself.
    pub fn add_internal(&mut self, pid: Pid) {
        self.reap();
        self.internal.push(pid);
    }

    /// Collect the statuses of background jobs that have ended, without
    /// blocking.
    pub fn reap(&mut self) {
        let nohang = WaitOptions {
            nohang: true,
            ..WaitOptions::default()
        };
        self.internal
            .retain(|&pid| matches!(process::wait_pid(pid, nohang), Ok(None)));
        for job in &mut self.background {
            if job.status.is_some() || job.inherited {
                continue;
            }
            if let Some(g) = &mut job.group {
                reap_group(job.pid, &mut job.status, g);
                continue;
            }
            let options = WaitOptions {
                nohang: true,
                ..WaitOptions::default()
            };
            match process::wait_pid(job.pid, options) {
                Ok(Some((_, st))) => job.status = Some(st.shell_status()),
                Ok(None) => {}
                Err(_) => job.status = Some(127),
            }
        }
    }

    /// Is `pid` a known background job?
    pub fn is_known(&self, pid: Pid) -> bool {
        self.background.iter().any(|j| j.pid == pid)
    }

    /// Is `pid` a background job with a process group of its own (one
    /// that may stop, under `set -m`)?
    pub fn has_group(&self, pid: Pid) -> bool {
        self.background
            .iter()
            .any(|j| j.pid == pid && j.group.is_some())
    }

    /// Drop a job from the table once `wait` has reported it.
    pub fn remove(&mut self, pid: Pid) {
        self.background.retain(|j| j.pid != pid);
    }

    /// The pids of jobs still running (for `wait` with no operands).
    pub fn running(&self) -> Vec<Pid> {
        self.background
            .iter()
            .filter(|j| j.status.is_none())
            .map(|j| j.pid)
            .collect()
    }
}

/// Collect what changed in a job-control job without blocking: processes
/// that ended, that stopped (`cat &` reading the terminal), that went on.
/// The job is over when all its processes are; its status is `pid`'s.
fn reap_group(pid: Pid, status: &mut Option<i32>, g: &mut Group) {
    let options = WaitOptions {
        nohang: true,
        untraced: true,
    };
    g.live.retain(|&p| match process::wait_pid(p, options) {
        Ok(Some((_, WaitStatus::Stopped(sig)))) => {
            if g.stopped.is_none() {
                g.stopped = Some(sig);
                g.reported = false;
            }
            true
        }
        Ok(Some((_, WaitStatus::Continued))) | Ok(None) => true,
        Ok(Some((_, st))) => {
            if p == pid {
                g.ended = Some(st.shell_status());
            }
            false
        }
        Err(_) => false,
    });
    if g.live.is_empty() {
        *status = Some(g.ended.unwrap_or(0));
        g.stopped = None;
    }
}

/// The shell status for a wait status (used by callers that wait directly).
pub fn shell_status(st: WaitStatus) -> i32 {
    st.shell_status()
}

impl Shell {
    /// Start an asynchronous list (`cmd &`): in a subshell whose SIGINT and
    /// SIGQUIT are ignored and whose standard input is /dev/null (XCU 2.9.3.1,
    /// without job control: not at a prompt, and not under `set -m`).
    pub fn run_async(&mut self, and_or: &AndOr) -> Exec {
        let job_control = self.interactive || self.opt(crate::shell::env::options::Opt::Monitor);
        self.give_out_pid();
        let pid = self.fork_background_job(|sh| {
            if !job_control {
                use platform::signal::{Disposition, SIGINT, SIGQUIT, set_disposition};
                for sig in [SIGINT, SIGQUIT] {
                    // Ignored when the shell started, it stays untrappable.
                    sh.traps.learn_inherited(sig);
                    let _ = set_disposition(sig, Disposition::Ignore);
                }
                if let Ok(fd) = platform::fd::open(b"/dev/null", platform::fd::flags::RDONLY, 0)
                    && fd != 0
                {
                    let _ = platform::fd::dup2(fd, 0);
                    let _ = platform::fd::close(fd);
                }
            }
            sh.run_and_or(and_or, true)
        })?;
        if self.jc.is_some() {
            self.background_job_started(pid, and_or.to_source());
        } else {
            self.jobs.add(pid, and_or.to_source());
        }
        self.last_async = Some(pid);
        self.last_status = 0;
        Ok(())
    }
}
