//! Execution (XCU 2.9), mirroring the syntax tree: lists, and-or lists and
//! pipelines here; simple commands, compound commands, functions,
//! redirections, subshells and jobs in the submodules.
//!
//! `break`, `continue`, `return` and `exit` are control flow, not errors:
//! they travel up as [`Divert`] with `?` until the construct they end.

pub mod compound;
pub mod function;
pub mod jobctl;
pub mod jobs;
pub mod pipeline;
pub mod program;
pub mod redirect;
pub mod search;
pub mod simple;
pub mod subshell;

use crate::shell::env::Shell;
use crate::shell::env::options::Opt;
use crate::shell::syntax::ast::{AndOr, AndOrOp, Item, List, Pipeline};

/// A change of control flow that unwinds the executor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Divert {
    /// `break N`: leave N enclosing loops.
    Break(usize),
    /// `continue N`: go to the next iteration of the Nth enclosing loop.
    Continue(usize),
    /// `return [N]`: leave the function or dot script with this status.
    Return(i32),
    /// `exit [N]`, or the end of input: leave the shell with this status.
    Exit(i32),
    /// A shell error that ends a non-interactive shell with this status (an
    /// expansion error, a special builtin's error, a syntax error in `eval`);
    /// an interactive shell goes back to its prompt.
    Error(i32),
    /// In a daemon worker: the job was killed by this signal (its default
    /// action, emulated), or cancelled because its client went away.
    Signaled(i32),
    /// In a daemon worker: `exec utility` ran the utility in the worker's
    /// stead and it exited with this status. As after a real exec, nothing
    /// of the shell runs any more, not even the EXIT trap.
    Replaced(i32),
}

impl Divert {
    /// The status this divert leaves in `$?` when it ends the shell.
    pub fn exit_status(self, last: i32) -> i32 {
        match self {
            Divert::Break(_) | Divert::Continue(_) => last,
            Divert::Return(s) | Divert::Exit(s) | Divert::Error(s) | Divert::Replaced(s) => s,
            Divert::Signaled(sig) => 128 + sig,
        }
    }
}

/// The result of executing something: `Ok` with the status in
/// `Shell::last_status`, or a divert.
pub type Exec = Result<(), Divert>;

impl Shell {
    /// Run a list. `last` is true when nothing runs after it in this
    /// process, so that its final external command may replace the process
    /// instead of forking.
    pub fn run_list(&mut self, list: &List, last: bool) -> Exec {
        let n = list.items.len();
        for (i, item) in list.items.iter().enumerate() {
            self.run_item(item, last && i + 1 == n)?;
        }
        Ok(())
    }

    fn run_item(&mut self, item: &Item, last: bool) -> Exec {
        // `set -n`: read commands, run none, not even a loop's condition
        // (a `while true` would otherwise never end). A signal still ends
        // the shell as it arrives: in a worker, which emulates its default
        // action, that is here (a loop that set `-n` runs on until then).
        if self.opt(Opt::NoExec) && !self.interactive {
            return self.run_pending_traps();
        }
        if item.is_async {
            return self.run_async(&item.and_or);
        }
        self.run_and_or(&item.and_or, last)
    }

    /// `a && b || c`: `set -e` does not apply to any but the last pipeline.
    pub fn run_and_or(&mut self, and_or: &AndOr, last: bool) -> Exec {
        if and_or.rest.is_empty() {
            return self.run_pipeline(&and_or.first, last);
        }
        self.errexit_ignored += 1;
        let first = self.run_pipeline(&and_or.first, false);
        self.errexit_ignored -= 1;
        first?;
        let n = and_or.rest.len();
        let mut ran_last = false;
        for (i, (op, pipeline)) in and_or.rest.iter().enumerate() {
            let run = match op {
                AndOrOp::And => self.last_status == 0,
                AndOrOp::Or => self.last_status != 0,
            };
            if !run {
                continue;
            }
            if i + 1 == n {
                self.run_pipeline(pipeline, last)?;
                ran_last = true;
            } else {
                self.errexit_ignored += 1;
                let r = self.run_pipeline(pipeline, false);
                self.errexit_ignored -= 1;
                r?;
            }
        }
        if !ran_last {
            // The status came from a pipeline where `set -e` was ignored.
            self.failure_ignored = true;
        }
        Ok(())
    }

    /// Run a pipeline and apply `!` and `set -e`.
    pub fn run_pipeline(&mut self, pipeline: &Pipeline, last: bool) -> Exec {
        self.failure_ignored = false;
        if pipeline.negated {
            self.errexit_ignored += 1;
            let r = self.run_pipeline_commands(pipeline, false);
            self.errexit_ignored -= 1;
            r?;
            self.last_status = if self.last_status == 0 { 1 } else { 0 };
            self.failure_ignored = true;
            return Ok(());
        }
        self.run_pipeline_commands(pipeline, last)?;
        self.check_errexit()
    }

    fn run_pipeline_commands(&mut self, pipeline: &Pipeline, last: bool) -> Exec {
        if self.jc.is_some() {
            self.note_job_text(|| pipeline.to_source());
        }
        match pipeline.commands.as_slice() {
            [command] => self.run_command(command, last),
            commands => self.run_multi_pipeline(commands),
        }
    }

    /// `set -e`: exit when a command fails outside the places where it is
    /// ignored.
    pub fn check_errexit(&mut self) -> Exec {
        if self.last_status != 0 {
            if self.errexit_ignored > 0 {
                self.failure_ignored = true;
            } else if !self.failure_ignored && self.opt(Opt::ErrExit) {
                return Err(Divert::Exit(self.last_status));
            }
        }
        Ok(())
    }

    /// Run the actions of signals that arrived (XCU `trap`: between
    /// commands). In a worker, a signal whose action is the default ends the
    /// job as if it had killed it.
    pub fn run_pending_traps(&mut self) -> Exec {
        if !platform::signal::any_pending() {
            return Ok(());
        }
        self.run_traps_now()
    }

    #[cold]
    fn run_traps_now(&mut self) -> Exec {
        use crate::shell::env::traps::Action;
        let pending = platform::signal::take_pending();
        if pending == 0 {
            return Ok(());
        }
        let cancel = platform::signal::cancel_signal();
        if pending & platform::signal::bit(cancel) != 0 && self.is_worker() {
            return Err(Divert::Signaled(platform::signal::SIGKILL));
        }
        // In a worker, a signal whose default action it emulates ends the
        // shell before any trap runs: directly it killed the shell as it
        // came, before the shell could run the traps of signals that came
        // earlier (traps run between commands, and none ran meanwhile).
        // Which of several came first is not known: the kernel hands the
        // client pending signals lowest number first.
        if let Some(sig) = (1..platform::signal::NSIG)
            .find(|&s| pending & platform::signal::bit(s) != 0 && self.worker_dies_of(s))
        {
            return Err(Divert::Signaled(sig));
        }
        for sig in 1..platform::signal::NSIG {
            if pending & platform::signal::bit(sig) == 0 {
                continue;
            }
            if let Action::Command(text) = self.traps.action(sig).clone() {
                self.run_trap_action(&text)?;
            }
        }
        Ok(())
    }

    /// In a daemon worker, does the job end of `sig`, pending for its
    /// shell? It does where a direct shell would die of it: at its default
    /// action, which the worker emulates.
    pub(crate) fn worker_dies_of(&self, sig: i32) -> bool {
        use crate::shell::env::traps::{Action, default_terminates};
        self.is_worker() && *self.traps.action(sig) == Action::Default && default_terminates(sig)
    }

    /// Is there room for one more nested `eval`, dot script or trap action
    /// (`name` says which)? Says why not ([`Shell::nested_too_deeply`]).
    pub(crate) fn nesting_room(&self, name: &[u8]) -> Exec {
        if !self.nested_too_deeply() {
            return Ok(());
        }
        self.utility_error(name, "nested too deeply");
        Err(Divert::Error(crate::shell::env::status::FAILURE))
    }

    /// Run a trap's command text, keeping `$?` as it was (XCU `trap`).
    /// Its lines count from 1, as in dash and bash (its messages name the
    /// line of the action, not of wherever the script was).
    ///
    /// An action that raises its own signal again (`trap 'echo x' XFSZ`
    /// with standard output past `ulimit -f`) would nest without end, and
    /// dash and bash die of SIGSEGV; here it is an error once the stack
    /// runs short ([`Shell::nested_too_deeply`]), which a daemon worker
    /// survives.
    pub fn run_trap_action(&mut self, text: &[u8]) -> Exec {
        self.nesting_room(b"trap")?;
        let saved = self.last_status;
        let line = std::mem::replace(&mut self.lineno, 1);
        self.trap_depth += 1;
        let before = std::mem::replace(&mut self.status_before_trap, saved);
        let r = self.eval_text(text);
        self.status_before_trap = before;
        self.trap_depth -= 1;
        self.lineno = line;
        match r {
            Ok(()) => {
                self.last_status = saved;
                Ok(())
            }
            // `return` in a trap action returns from the function or dot
            // script the trap interrupted; elsewhere it just ends the action.
            Err(Divert::Return(s)) if self.function_depth > 0 || self.dot_depth > 0 => {
                Err(Divert::Return(s))
            }
            Err(Divert::Return(_)) => {
                self.last_status = saved;
                Ok(())
            }
            Err(other) => Err(other),
        }
    }
}
