//! Job control (XCU 2.11, `set -m`), in an interactive shell on a
//! terminal: every job (a pipeline, or one command of it that runs in a
//! process of its own) runs in a process group of its own, the group of
//! the job in the foreground owns the terminal, ^Z stops it and gives the
//! terminal back to the shell, and `jobs`, `fg` and `bg` manage the rest.
//!
//! A shell without a terminal, a subshell and a daemon worker never have
//! job control: their children stay in the shell's own group, as before.

use super::jobs::{Group, Job};
use crate::shell::env::Shell;
use crate::shell::env::options::Opt;
use platform::Pid;
use platform::process::{self, WaitOptions, WaitStatus};
use platform::signal::{self, Disposition};
use platform::tty;
use std::os::fd::RawFd;

/// The signals a job-control shell ignores and its jobs must not.
const STOP_SIGNALS: [i32; 3] = [signal::SIGTSTP, signal::SIGTTIN, signal::SIGTTOU];

/// How often a foreground job stopped for touching the terminal before the
/// shell handed it over is continued: a process started with posix_spawn
/// may reach the terminal before the parent's `tcsetpgrp`.
const TTY_RACE_RETRIES: u32 = 3;

/// The job-control state of the interactive shell.
#[derive(Clone, Debug)]
pub struct JobControl {
    /// The controlling terminal (a copy of descriptor 0, kept above 9).
    pub tty: RawFd,
    /// The shell's own process group.
    pub shell_pgid: Pid,
    /// The process group the shell started in, given the terminal back
    /// when the shell ends.
    original_pgid: Pid,
    /// The shell's terminal modes, put back whenever it takes the terminal
    /// back from a job.
    modes: Option<tty::Modes>,
    /// The foreground job being started or waited for: its process group
    /// and its processes not reaped yet; `None` until its first process.
    fg: Option<(Pid, Vec<Pid>)>,
    /// The text of the pipeline being run, for `jobs`.
    pub text: Vec<u8>,
    /// The process being started goes to the background (`&`).
    background: bool,
    /// The shell said once that leaving would leave stopped jobs.
    warned_stopped: bool,
}

/// The bit of each of [`STOP_SIGNALS`].
pub fn stop_signal_bits() -> u64 {
    STOP_SIGNALS.iter().fold(0, |b, &s| b | signal::bit(s))
}

impl Shell {
    /// Turn job control on when the shell is interactive, `set -m` is on
    /// and standard input is a terminal: wait until the shell is in the
    /// foreground, take a process group of its own and the terminal, and
    /// ignore the signals that would stop it.
    pub fn start_job_control(&mut self) {
        if self.jc.is_some() || !self.interactive || self.is_worker() || !self.opt(Opt::Monitor) {
            return;
        }
        let Ok(tty) = platform::fd::dup_above(0, 10) else {
            return;
        };
        let _ = platform::fd::set_cloexec(tty, true);
        // Started in the background of another shell's job control: wait to
        // be brought to the foreground, as a stopped job would.
        for _ in 0..100 {
            match tty::foreground_group(tty) {
                Ok(fg) if fg != process::getpgrp() => {
                    let _ = process::kill(0, signal::SIGTTIN);
                }
                Ok(_) => break,
                Err(_) => {
                    let _ = platform::fd::close(tty);
                    return;
                }
            }
        }
        for s in STOP_SIGNALS {
            let _ = signal::set_disposition(s, Disposition::Ignore);
        }
        let me = process::getpid();
        let original_pgid = process::getpgrp();
        if original_pgid != me {
            let _ = process::setpgid(0, me);
        }
        let shell_pgid = process::getpgrp();
        let _ = tty::set_foreground_group(tty, shell_pgid);
        self.jc = Some(JobControl {
            tty,
            shell_pgid,
            original_pgid,
            modes: tty::modes(tty).ok(),
            fg: None,
            text: Vec::new(),
            background: false,
            warned_stopped: false,
        });
    }

    /// The interactive shell ends: leave the terminal to the process group
    /// it started in, where the program that started it waits.
    pub fn end_job_control(&mut self) {
        if let Some(jc) = self.jc.take() {
            if jc.original_pgid != jc.shell_pgid {
                let _ = process::setpgid(0, jc.original_pgid);
                let _ = tty::set_foreground_group(jc.tty, jc.original_pgid);
            }
            let _ = platform::fd::close(jc.tty);
        }
    }

    /// Note the text of a pipeline about to run, when no foreground job is
    /// running yet (a stopped job is listed under it).
    pub fn note_job_text(&mut self, text: impl FnOnce() -> Vec<u8>) {
        if let Some(jc) = &mut self.jc
            && jc.fg.is_none()
        {
            jc.text = text();
        }
    }

    /// The process group a child started now joins: `None` without job
    /// control, `Some(0)` for a group of its own (the first process of a
    /// job), else the foreground job's group.
    #[inline]
    pub fn job_group_for_child(&self) -> Option<Pid> {
        let jc = self.jc.as_ref()?;
        if jc.background {
            return Some(0);
        }
        Some(jc.fg.as_ref().map_or(0, |(pgid, _)| *pgid))
    }

    /// In a child just forked for a job: join the job's group, take the
    /// terminal when the job is in the foreground (also done by the parent:
    /// whichever runs first), and let the stop signals stop it again.
    #[inline]
    pub fn enter_job_child(&mut self) {
        // Without job control (scripts, `-c`, workers) this is all that
        // runs: the rest stays off their pages.
        if self.jc.is_some() {
            self.enter_job_child_now();
        }
    }

    #[cold]
    fn enter_job_child_now(&mut self) {
        let Some(jc) = self.jc.take() else {
            return;
        };
        let group = if jc.background {
            0
        } else {
            jc.fg.as_ref().map_or(0, |(pgid, _)| *pgid)
        };
        let _ = process::setpgid(0, group);
        if !jc.background {
            let _ = tty::set_foreground_group(jc.tty, process::getpgrp());
        }
        for s in STOP_SIGNALS {
            let _ = signal::set_disposition(s, Disposition::Default);
        }
        let _ = platform::fd::close(jc.tty);
    }

    /// In the parent, a job's process `pid` has started: put it in its group
    /// (also done by the child), and give a new foreground group the
    /// terminal.
    #[inline]
    pub fn job_child_started(&mut self, pid: Pid) {
        if self.jc.is_some() {
            self.job_child_started_now(pid);
        }
    }

    #[cold]
    fn job_child_started_now(&mut self, pid: Pid) {
        let Some(jc) = &mut self.jc else {
            return;
        };
        if jc.background {
            let _ = process::setpgid(pid, pid);
            return;
        }
        match &mut jc.fg {
            Some((pgid, live)) => {
                let _ = process::setpgid(pid, *pgid);
                live.push(pid);
            }
            None => {
                let _ = process::setpgid(pid, pid);
                jc.fg = Some((pid, vec![pid]));
                let _ = tty::set_foreground_group(jc.tty, pid);
            }
        }
    }

    /// Fork with `self.jc` set aside: the child (a command substitution, a
    /// here-document writer) stays in the shell's group, not a job's.
    pub fn fork_outside_jobs(
        &mut self,
        body: impl FnOnce(&mut Shell) -> super::Exec,
    ) -> Result<Pid, super::Divert> {
        let jc = self.jc.take();
        let r = self.fork_subshell(body);
        self.jc = jc;
        r
    }

    /// Start the process of an asynchronous list: in a group of its own
    /// under job control, and under `set -m` without it (a script), as in
    /// bash, so that `kill -- -$!` reaches the whole list.
    pub fn fork_background_job(
        &mut self,
        body: impl FnOnce(&mut Shell) -> super::Exec,
    ) -> Result<Pid, super::Divert> {
        match &mut self.jc {
            Some(jc) => jc.background = true,
            None => self.own_group = !self.interactive && self.opt(Opt::Monitor),
        }
        let r = self.fork_subshell(body);
        if let Some(jc) = &mut self.jc {
            jc.background = false;
        }
        self.own_group = false;
        r
    }

    /// Is `pid` a process of the foreground job?
    pub fn in_foreground_job(&self, pid: Pid) -> bool {
        self.jc
            .as_ref()
            .and_then(|jc| jc.fg.as_ref())
            .is_some_and(|(_, live)| live.contains(&pid))
    }

    /// Wait for `pid`, a process of the foreground job, and give its status;
    /// if the job stops instead, it goes to the job table and the status is
    /// 128 + the stop signal.
    pub fn wait_job_process(&mut self, pid: Pid) -> i32 {
        let options = WaitOptions {
            untraced: true,
            ..WaitOptions::default()
        };
        let mut retries = 0;
        loop {
            match process::wait_pid(pid, options) {
                Ok(Some((_, WaitStatus::Stopped(sig)))) => {
                    let pgid = self.jc.as_ref().and_then(|jc| jc.fg.as_ref()).map(|f| f.0);
                    if matches!(sig, signal::SIGTTIN | signal::SIGTTOU)
                        && retries < TTY_RACE_RETRIES
                        && let Some(pgid) = pgid
                    {
                        retries += 1;
                        if let Some(jc) = &self.jc {
                            let _ = tty::set_foreground_group(jc.tty, pgid);
                        }
                        let _ = process::kill(-pgid, signal::SIGCONT);
                        continue;
                    }
                    self.foreground_stopped(sig);
                    return 128 + sig;
                }
                Ok(Some((_, st))) => {
                    let status = st.shell_status();
                    self.foreground_process_ended(pid);
                    if let WaitStatus::Signaled {
                        signal,
                        core_dumped,
                    } = st
                    {
                        self.report_signaled(signal, core_dumped);
                    }
                    return status;
                }
                Ok(None) => continue,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => {
                    self.foreground_process_ended(pid);
                    return crate::shell::env::status::NOT_FOUND;
                }
            }
        }
    }

    fn foreground_process_ended(&mut self, pid: Pid) {
        let Some(jc) = &mut self.jc else {
            return;
        };
        if let Some((_, live)) = &mut jc.fg {
            live.retain(|&p| p != pid);
            if live.is_empty() {
                jc.fg = None;
                self.take_terminal_back();
            }
        }
    }

    /// The foreground job stopped (`sig`): list it, say so, take the
    /// terminal back.
    fn foreground_stopped(&mut self, sig: i32) {
        let Some(jc) = &mut self.jc else {
            return;
        };
        let Some((pgid, live)) = jc.fg.take() else {
            return;
        };
        let modes = tty::modes(jc.tty).ok();
        let text = std::mem::take(&mut jc.text);
        let pid = *live.last().unwrap_or(&pgid);
        self.jobs.add_job(Job {
            id: 0,
            pid,
            status: None,
            text,
            inherited: false,
            group: Some(Box::new(Group {
                pgid,
                live,
                stopped: Some(sig),
                modes,
                reported: true,
                ended: None,
            })),
        });
        self.take_terminal_back();
        let n = self.jobs.background.len();
        let line = self.job_line(n - 1);
        let _ = platform::fd::write_all(2, format!("\n{line}\n").as_bytes());
    }

    /// Give the terminal back to the shell, in the shell's modes.
    fn take_terminal_back(&mut self) {
        if let Some(jc) = &self.jc {
            let _ = tty::set_foreground_group(jc.tty, jc.shell_pgid);
            if let Some(m) = &jc.modes {
                let _ = tty::set_modes(jc.tty, m);
            }
        }
    }

    /// Record the job of an asynchronous list just started with job
    /// control, and announce it (`[1] 1234`).
    pub fn background_job_started(&mut self, pid: Pid, text: Vec<u8>) {
        self.jobs.add_job(Job {
            id: 0,
            pid,
            status: None,
            text,
            inherited: false,
            group: Some(Box::new(Group {
                pgid: pid,
                live: vec![pid],
                stopped: None,
                modes: None,
                reported: false,
                ended: None,
            })),
        });
        let id = self.jobs.background.last().map_or(0, |j| j.id);
        let _ = platform::fd::write_all(2, format!("[{id}] {pid}\n").as_bytes());
    }

    /// Before a prompt: say which jobs stopped or ended since, and forget
    /// the ended ones.
    pub fn notify_jobs(&mut self) {
        if self.jc.is_none() {
            return;
        }
        self.jobs.reap();
        let mut out = Vec::new();
        let mut i = 0;
        while i < self.jobs.background.len() {
            let job = &self.jobs.background[i];
            let Some(g) = &job.group else {
                i += 1;
                continue;
            };
            if job.status.is_some() {
                out.extend_from_slice(self.job_line(i).as_bytes());
                out.push(b'\n');
                self.jobs.background.remove(i);
                continue;
            }
            if g.stopped.is_some() && !g.reported {
                out.extend_from_slice(self.job_line(i).as_bytes());
                out.push(b'\n');
                if let Some(g) = &mut self.jobs.background[i].group {
                    g.reported = true;
                }
            }
            i += 1;
        }
        if !out.is_empty() {
            let _ = platform::fd::write_all(2, &out);
        }
    }

    /// The line `jobs` prints for job `index`: `[1]+  Stopped   sleep 30`.
    pub fn job_line(&self, index: usize) -> String {
        self.job_line_with(index, false)
    }

    /// [`Shell::job_line`], with the job's process group after the mark
    /// when `pid` (`jobs -l`): `[1]+ 4242 Stopped   sleep 30`.
    pub fn job_line_with(&self, index: usize, pid: bool) -> String {
        let job = &self.jobs.background[index];
        let current = self.jobs.current();
        let mark = if Some(index) == current {
            '+'
        } else if Some(index) == self.jobs.previous() {
            '-'
        } else {
            ' '
        };
        let stopped_by = job.group.as_ref().and_then(|g| g.stopped);
        let state = match (job.status, stopped_by) {
            (Some(s), _) => ended(s),
            (None, Some(sig)) => stopped(sig).to_string(),
            (None, None) => "Running".to_string(),
        };
        let mut text = String::from_utf8_lossy(&job.text).into_owned();
        if job.status.is_none() && stopped_by.is_none() {
            text.push_str(" &");
        }
        if pid {
            let pid = job.group.as_ref().map_or(job.pid, |g| g.pgid);
            format!("[{}]{mark} {pid:>5} {state:<24}{text}", job.id)
        } else {
            format!("[{}]{mark}  {state:<24}{text}", job.id)
        }
    }

    /// About to leave with stopped jobs (`exit`, ^D): say so and stay, the
    /// first time; true when the shell should stay.
    pub fn warn_of_stopped_jobs(&mut self) -> bool {
        let Some(jc) = &mut self.jc else {
            return false;
        };
        if jc.warned_stopped {
            return false;
        }
        self.jobs.reap();
        if !self.jobs.any_stopped() {
            return false;
        }
        if let Some(jc) = &mut self.jc {
            jc.warned_stopped = true;
        }
        let _ = platform::fd::write_all(2, b"rush: there are stopped jobs\n");
        true
    }

    /// Has the terminal hung up? Its SIGHUP arrived, or it no longer
    /// answers (a hung-up terminal fails every call).
    pub fn terminal_hung_up(&self) -> bool {
        self.jc.as_ref().is_some_and(|jc| {
            signal::is_pending(signal::SIGHUP) || tty::foreground_group(jc.tty).is_err()
        })
    }

    /// The terminal hung up: pass the hang-up on to every job, and continue
    /// the stopped ones so that they act on it.
    pub fn hang_up_jobs(&mut self) {
        self.jobs.reap();
        for job in &self.jobs.background {
            if let (None, Some(g)) = (job.status, &job.group) {
                let _ = process::kill(-g.pgid, signal::SIGHUP);
                if g.stopped.is_some() {
                    let _ = process::kill(-g.pgid, signal::SIGCONT);
                }
            }
        }
    }

    /// `fg`: continue job `index` in the foreground and wait for it.
    pub fn foreground_job(&mut self, index: usize) -> i32 {
        let job = self.jobs.background.remove(index);
        let Some(group) = job.group else {
            return 1;
        };
        let mut text = job.text.clone();
        text.push(b'\n');
        let _ = platform::fd::write_all(1, &text);
        if let Some(status) = job.status {
            return status;
        }
        let Some(jc) = &mut self.jc else {
            return 1;
        };
        if let Some(m) = &group.modes {
            let _ = tty::set_modes(jc.tty, m);
        }
        let _ = tty::set_foreground_group(jc.tty, group.pgid);
        jc.fg = Some((group.pgid, group.live.clone()));
        jc.text = job.text;
        let _ = process::kill(-group.pgid, signal::SIGCONT);
        let mut status = 0;
        for pid in group.live {
            status = if self.in_foreground_job(pid) {
                self.wait_job_process(pid)
            } else {
                // The job stopped again while an earlier process was waited
                // for.
                self.jobs.stopped_status(pid).unwrap_or(status)
            };
        }
        status
    }

    /// `bg`: continue stopped job `index` in the background.
    pub fn background_job(&mut self, index: usize) {
        let job = &mut self.jobs.background[index];
        let id = job.id;
        let Some(g) = &mut job.group else {
            return;
        };
        if g.stopped.take().is_some() {
            let _ = process::kill(-g.pgid, signal::SIGCONT);
        }
        let text = String::from_utf8_lossy(&job.text).into_owned();
        let mark = if self.jobs.current() == Some(index) {
            '+'
        } else {
            ' '
        };
        let _ = platform::fd::write_all(1, format!("[{id}]{mark} {text} &\n").as_bytes());
    }
}

/// How a job that ended is listed: `Done(N)` for a non-zero exit, as
/// POSIX words it (dash, and bash outside a prompt).
fn ended(status: i32) -> String {
    match status {
        0 => "Done".into(),
        s if s > 128 && s < 128 + 65 => crate::shell::env::traps::describe(s - 128).into_owned(),
        s => format!("Done({s})"),
    }
}

/// How a stopped job is listed.
fn stopped(sig: i32) -> &'static str {
    match sig {
        signal::SIGTTIN => "Stopped (tty input)",
        signal::SIGTTOU => "Stopped (tty output)",
        signal::SIGSTOP => "Stopped (signal)",
        _ => "Stopped",
    }
}
