//! Pipelines of two or more commands (XCU 2.9.2): every stage runs at once
//! in its own process, connected by pipes with nothing buffered between.

use super::{Divert, Exec};
use crate::shell::builtins;
use crate::shell::env::Shell;
use crate::shell::env::options::Opt;
use crate::shell::syntax::ast::{Command, ParamOp, Word, WordPart};
use platform::Pid;
use platform::fd;
use platform::spawn::FdAction;
use std::os::fd::RawFd;

impl Shell {
    /// Run `commands` as one pipeline and set `$?` from the last stage (or,
    /// with `set -o pipefail`, the last stage that failed).
    pub fn run_multi_pipeline(&mut self, commands: &[Command]) -> Exec {
        let n = commands.len();
        let mut pids: Vec<Pid> = Vec::with_capacity(n);
        let mut prev_read: Option<RawFd> = None;
        let mut result = Ok(());
        for (i, command) in commands.iter().enumerate() {
            let (read, write) = if i + 1 < n {
                match fd::pipe() {
                    Ok((r, w)) => (Some(r), Some(w)),
                    Err(e) => {
                        self.error(format!("pipe: {}", builtins::describe_error(&e)));
                        result = Err(Divert::Error(1));
                        break;
                    }
                }
            } else {
                (None, None)
            };
            let started = match self.spawn_stage(command, prev_read, write, true) {
                Some(r) => r,
                None => {
                    self.give_out_pid();
                    self.fork_subshell(|sh| {
                        if let Some(r) = prev_read {
                            let _ = fd::dup2(r, 0);
                            let _ = fd::close(r);
                        }
                        if let Some(w) = write {
                            let _ = fd::dup2(w, 1);
                            let _ = fd::close(w);
                        }
                        if let Some(r) = read {
                            let _ = fd::close(r);
                        }
                        sh.run_command(command, true)
                    })
                }
            };
            if let Some(r) = prev_read {
                let _ = fd::close(r);
            }
            if let Some(w) = write {
                let _ = fd::close(w);
            }
            prev_read = read;
            match started {
                Ok(pid) => pids.push(pid),
                Err(d) => {
                    result = Err(d);
                    break;
                }
            }
        }
        if let Some(r) = prev_read {
            let _ = fd::close(r);
        }
        let pipefail = self.opt(Opt::PipeFail);
        let mut status = 0;
        for (i, pid) in pids.iter().enumerate() {
            let s = self.wait_foreground(*pid);
            if pipefail {
                if s != 0 {
                    status = s;
                }
            } else if i + 1 == n {
                status = s;
            }
        }
        result?;
        self.last_status = status;
        // Traps of signals that came while the pipeline ran, now that it is
        // over (a one-command pipeline does this as any command does).
        self.run_pending_traps()
    }

    /// Start a stage that is a plain external command straight with
    /// posix_spawn instead of forking a copy of the shell for it. Only for
    /// commands whose expansion has no side effects and cannot fail, so that
    /// expanding them here instead of in a subshell changes nothing.
    /// `remember`: the utility's path goes into the `hash` table, as a
    /// pipeline's do in dash (a command substitution's do not: it searches
    /// in a subshell).
    pub(crate) fn spawn_stage(
        &mut self,
        command: &Command,
        stdin: Option<RawFd>,
        stdout: Option<RawFd>,
        remember: bool,
    ) -> Option<Result<Pid, Divert>> {
        let Command::Simple(cmd) = command else {
            return None;
        };
        if !cmd.redirects.is_empty()
            || !cmd.assigns.is_empty()
            || cmd.words.is_empty()
            || self.opt(Opt::NoUnset)
            || self.opt(Opt::XTrace)
            || !cmd.words.iter().all(pure_word)
        {
            return None;
        }
        let mut fields = self.expand_words(&cmd.words).ok()?;
        let name = fields.first()?;
        if !name.contains(&b'/')
            && (builtins::lookup(name).is_some() || self.functions.contains_key(&name[..]))
        {
            return None;
        }
        let path = if remember {
            self.find_command(name)?
        } else {
            self.hashed_or_search(name)?
        };
        let env = self.vars.environ();
        let mut actions: smallvec::SmallVec<[FdAction; 2]> = smallvec::SmallVec::new();
        if let Some(r) = stdin {
            actions.push(FdAction::Dup2(r, 0));
        }
        if let Some(w) = stdout {
            actions.push(FdAction::Dup2(w, 1));
        }
        self.lineno = cmd.line;
        match self.spawn_with(&path, &mut fields, &env, &actions) {
            Ok(pid) => Some(Ok(pid)),
            // Let the forked path report the error the usual way.
            Err(_) => None,
        }
    }
}

/// A word whose expansion has no side effects and cannot fail: literals,
/// quotes and plain parameter expansions.
fn pure_word(word: &Word) -> bool {
    fn pure_parts(parts: &[WordPart]) -> bool {
        parts.iter().all(|p| match p {
            WordPart::Literal(_) | WordPart::Quoted { .. } | WordPart::Tilde(_) => true,
            WordPart::DoubleQuoted(inner) => pure_parts(inner),
            WordPart::Param(p) => matches!(p.op, ParamOp::Plain | ParamOp::Length),
            WordPart::CommandSubst { .. } | WordPart::Arith(_) => false,
        })
    }
    pure_parts(&word.parts)
}
