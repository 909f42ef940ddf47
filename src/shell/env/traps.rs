//! The trap table (XCU `trap`) and the signal dispositions it implies.
//!
//! A shell process runs in one of two signal modes. Run directly, a default
//! action is the real `SIG_DFL`: a SIGINT kills the process. In a daemon
//! worker the process must outlive the job, so a default action is emulated:
//! the signal is caught, and when it arrives the job ends as if killed by it
//! (the worker reports the signal; the client then dies of it). Ignored
//! signals are really ignored in both modes, so that children inherit them.

use platform::signal::{self, Disposition};
use std::rc::Rc;

/// What the shell does with a signal (or, for 0, at exit).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Action {
    #[default]
    Default,
    Ignore,
    /// Run this command text.
    Command(Rc<[u8]>),
}

/// How default actions are carried out (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignalMode {
    Direct,
    Worker,
}

/// Signals whose default action ends the process. In worker mode these are
/// caught and the default is emulated; the others (CHLD, URG, WINCH, and the
/// stop signals) keep their real default.
pub fn default_terminates(sig: i32) -> bool {
    !matches!(
        sig,
        signal::SIGCHLD
            | signal::SIGURG
            | signal::SIGWINCH
            | signal::SIGCONT
            | signal::SIGSTOP
            | signal::SIGTSTP
            | signal::SIGTTIN
            | signal::SIGTTOU
            | signal::SIGKILL
    )
}

/// How a shell names a signal a process died of: the wording of glibc's
/// `strsignal`, which dash prints (the same on every system, whatever its
/// own C library says).
pub fn describe(sig: i32) -> std::borrow::Cow<'static, str> {
    use std::borrow::Cow::{Borrowed, Owned};
    Borrowed(match sig {
        signal::SIGHUP => "Hangup",
        signal::SIGINT => "Interrupt",
        signal::SIGQUIT => "Quit",
        signal::SIGILL => "Illegal instruction",
        signal::SIGTRAP => "Trace/breakpoint trap",
        signal::SIGABRT => "Aborted",
        signal::SIGBUS => "Bus error",
        signal::SIGFPE => "Floating point exception",
        signal::SIGKILL => "Killed",
        signal::SIGUSR1 => "User defined signal 1",
        signal::SIGSEGV => "Segmentation fault",
        signal::SIGUSR2 => "User defined signal 2",
        signal::SIGPIPE => "Broken pipe",
        signal::SIGALRM => "Alarm clock",
        signal::SIGTERM => "Terminated",
        signal::SIGCHLD => "Child exited",
        signal::SIGCONT => "Continued",
        signal::SIGSTOP => "Stopped (signal)",
        signal::SIGTSTP => "Stopped",
        signal::SIGTTIN => "Stopped (tty input)",
        signal::SIGTTOU => "Stopped (tty output)",
        signal::SIGURG => "Urgent I/O condition",
        signal::SIGXCPU => "CPU time limit exceeded",
        signal::SIGXFSZ => "File size limit exceeded",
        signal::SIGVTALRM => "Virtual timer expired",
        signal::SIGPROF => "Profiling timer expired",
        signal::SIGWINCH => "Window changed",
        signal::SIGSYS => "Bad system call",
        // glibc counts real-time signals from its SIGRTMIN, 34 on Linux.
        _ if cfg!(any(target_os = "linux", target_os = "android")) && (34..=64).contains(&sig) => {
            return Owned(format!("Real-time signal {}", sig - 34));
        }
        _ => return Owned(format!("Unknown signal {sig}")),
    })
}

/// Signals a worker catches to emulate their default action for the job:
/// the terminating ones a client forwards, plus those a job can raise on
/// itself: SIGPIPE and SIGALRM, and SIGXCPU and SIGXFSZ, which the kernel
/// sends the shell past its `ulimit -t` or `-f` (so the worker outlives a
/// job that dies of them), and SIGVTALRM, SIGPROF, SIGSYS and SIGTRAP,
/// which a client forwards for a job that may trap them and which must
/// not kill the worker when it does not. The worker keeps them caught
/// between jobs too, so that starting a job with no traps changes no
/// disposition at all.
/// (SIGTSTP, SIGCONT and SIGWINCH keep their real defaults: a forwarded
/// SIGTSTP must stop the worker at once, as it would stop a shell.)
pub const WORKER_EMULATED: &[i32] = &[
    signal::SIGHUP,
    signal::SIGINT,
    signal::SIGQUIT,
    signal::SIGTERM,
    signal::SIGUSR1,
    signal::SIGUSR2,
    signal::SIGALRM,
    signal::SIGPIPE,
    signal::SIGXCPU,
    signal::SIGXFSZ,
    signal::SIGVTALRM,
    signal::SIGPROF,
    signal::SIGSYS,
    signal::SIGTRAP,
];

/// The signals a worker process catches (bit n = signal n): the emulated
/// ones and the daemon's cancel signal.
pub fn worker_caught() -> u64 {
    WORKER_EMULATED
        .iter()
        .fold(signal::bit(signal::cancel_signal()), |m, &s| {
            m | signal::bit(s)
        })
}

/// The trap table.
#[derive(Clone, Debug)]
pub struct Traps {
    /// Index 0 is EXIT; others are signal numbers.
    actions: Vec<Action>,
    /// Signals that were ignored when the shell started: a non-interactive
    /// shell may not trap or reset them (XCU `trap`).
    ignored_on_entry: u64,
    pub mode: SignalMode,
    /// Set while the EXIT trap runs, so it runs once.
    pub exiting: bool,
    /// Signals whose process disposition this table has changed (bit n =
    /// signal n), so a worker can put back exactly those after a job.
    touched: u64,
}

impl Traps {
    pub fn new(mode: SignalMode, ignored_on_entry: u64) -> Traps {
        Traps {
            actions: vec![Action::Default; signal::NSIG as usize],
            ignored_on_entry,
            mode,
            exiting: false,
            touched: 0,
        }
    }

    /// The signals that were ignored on entry.
    pub fn ignored_on_entry(&self) -> u64 {
        self.ignored_on_entry
    }

    /// The action for `sig` (0 = EXIT).
    pub fn action(&self, sig: i32) -> &Action {
        self.actions.get(sig as usize).unwrap_or(&Action::Default)
    }

    /// The signals ignored now (bit n = signal n): those ignored on entry
    /// and those trapped with an empty action.
    pub fn ignored_now(&self) -> u64 {
        self.actions
            .iter()
            .enumerate()
            .skip(1)
            .filter(|(_, a)| **a == Action::Ignore)
            .fold(self.ignored_on_entry, |m, (n, _)| m | signal::bit(n as i32))
    }

    /// Is any command trap set (other than EXIT)?
    pub fn any_command_trap(&self) -> bool {
        self.actions
            .iter()
            .skip(1)
            .any(|a| matches!(a, Action::Command(_)))
    }

    /// Run directly, the shell learns what it inherited lazily: a signal
    /// it never touched and finds ignored was ignored on entry. Asked
    /// before the shell first sets `sig` itself (an asynchronous list
    /// ignores SIGINT), which would hide that.
    pub fn learn_inherited(&mut self, sig: i32) {
        if self.mode == SignalMode::Direct
            && signal::known(sig).is_none()
            && matches!(signal::disposition(sig), Ok(Disposition::Ignore))
        {
            self.ignored_on_entry |= signal::bit(sig);
        }
    }

    /// In a worker, the signals that would end the job's shell should they
    /// arrive now (bit n = signal n): those whose default action, death,
    /// it emulates, still at their default. None elsewhere.
    pub fn worker_deadly(&self) -> u64 {
        if self.mode != SignalMode::Worker {
            return 0;
        }
        WORKER_EMULATED
            .iter()
            .filter(|&&s| self.actions[s as usize] == Action::Default && default_terminates(s))
            .fold(0, |m, &s| m | signal::bit(s))
    }

    /// Tell the platform layer which signals end a blocking call
    /// ([`signal::give_up_on`]), after any change of action or mode: in a
    /// worker, the deadly ones and the daemon's cancel signal (a job whose
    /// client went away must not sleep on in `open` of a FIFO).
    pub fn publish_deadly(&self) {
        let cancel = match self.mode {
            SignalMode::Worker => signal::bit(signal::cancel_signal()),
            _ => 0,
        };
        signal::give_up_on(self.worker_deadly() | cancel);
    }

    /// Set the action for `sig` and the process disposition it implies.
    /// Returns false (and changes nothing) for a signal ignored on entry, or
    /// one that cannot be caught.
    pub fn set(&mut self, sig: i32, action: Action) -> bool {
        if !(0..signal::NSIG).contains(&sig) {
            return false;
        }
        if sig != 0 {
            if sig == signal::SIGKILL || sig == signal::SIGSTOP {
                return false;
            }
            self.learn_inherited(sig);
            if self.ignored_on_entry & signal::bit(sig) != 0 {
                return true;
            }
            let disposition = self.disposition_for(sig, &action);
            if matches!(signal::ensure_disposition(sig, disposition), Ok(true)) {
                self.touched |= signal::bit(sig);
            }
            if disposition != Disposition::Catch {
                signal::clear_pending(sig);
            }
        }
        self.actions[sig as usize] = action;
        self.publish_deadly();
        true
    }

    fn disposition_for(&self, sig: i32, action: &Action) -> Disposition {
        match action {
            Action::Ignore => Disposition::Ignore,
            Action::Command(_) => Disposition::Catch,
            Action::Default => {
                // In a worker the daemon's cancel signal must stay caught
                // (exec checks its pending flag): at its default it would
                // kill the worker instead of ending the job.
                if self.mode == SignalMode::Worker
                    && (WORKER_EMULATED.contains(&sig) || sig == signal::cancel_signal())
                {
                    Disposition::Catch
                } else {
                    Disposition::Default
                }
            }
        }
    }

    /// Put every disposition in place for the current mode (a worker calls
    /// this at the start of each job; a subshell after switching mode).
    ///
    /// Only differences cost a system call: a signal this process never set
    /// is as inherited, and one it set is remembered by the platform layer.
    pub fn apply_all(&mut self) {
        for sig in 1..signal::NSIG {
            if sig == signal::SIGKILL || sig == signal::SIGSTOP {
                continue;
            }
            let disposition = if self.ignored_on_entry & signal::bit(sig) != 0 {
                Disposition::Ignore
            } else {
                self.disposition_for(sig, &self.actions[sig as usize])
            };
            if disposition == Disposition::Default && signal::known(sig).is_none() {
                continue;
            }
            if matches!(signal::ensure_disposition(sig, disposition), Ok(true)) {
                self.touched |= signal::bit(sig);
            }
        }
        self.publish_deadly();
    }

    /// Entering a subshell: command traps are reset to their defaults
    /// (ignored ones stay ignored), and the subshell, a process of its own,
    /// uses real default actions.
    pub fn reset_for_subshell(&mut self) {
        self.mode = SignalMode::Direct;
        for sig in 0..signal::NSIG {
            if matches!(self.actions[sig as usize], Action::Command(_)) {
                self.actions[sig as usize] = Action::Default;
            }
        }
        self.exiting = false;
        self.apply_all();
    }

    /// Signals a child process must have reset to the default action: every
    /// signal this process catches (command traps, emulated defaults).
    pub fn caught_for_child(&self) -> u64 {
        signal::caught_set()
    }

    /// The signals whose disposition this table changed.
    pub fn touched(&self) -> u64 {
        self.touched
    }

    /// `(signal, action)` for `trap` with no operands.
    pub fn list(&self) -> impl Iterator<Item = (i32, &Action)> {
        self.actions
            .iter()
            .enumerate()
            .filter(|(_, a)| **a != Action::Default)
            .map(|(n, a)| (n as i32, a))
    }
}

#[cfg(test)]
mod tests {
    use super::describe;
    use platform::signal;

    #[test]
    fn signals_are_named_as_dash_names_them() {
        assert_eq!(describe(signal::SIGSEGV), "Segmentation fault");
        assert_eq!(describe(signal::SIGTERM), "Terminated");
        assert_eq!(describe(signal::SIGUSR1), "User defined signal 1");
        assert_eq!(describe(signal::SIGABRT), "Aborted");
        if cfg!(target_os = "linux") {
            assert_eq!(describe(34), "Real-time signal 0");
            assert_eq!(describe(64), "Real-time signal 30");
            assert_eq!(describe(32), "Unknown signal 32");
        }
        assert_eq!(describe(0), "Unknown signal 0");
    }

    /// A signal a client forwards reaches its worker: one that would end
    /// the worker at its default must be one the worker catches to
    /// emulate that default (SIGVTALRM, forwarded without, killed it).
    #[test]
    fn every_forwarded_signal_that_would_end_a_worker_is_emulated() {
        for sig in crate::daemon::worker::FORWARDED {
            assert!(
                !super::default_terminates(sig) || super::WORKER_EMULATED.contains(&sig),
                "signal {sig} is forwarded but not emulated"
            );
        }
    }
}
