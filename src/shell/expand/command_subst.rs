//! Command substitution (XCU 2.6.3): run a list in a subshell and take its
//! output, minus trailing newlines.

use crate::shell::env::Shell;
use crate::shell::exec::Divert;
use crate::shell::syntax::ast::{Command, List};
use platform::fd;

/// How long the shell waits for a substitution's output without sleeping.
const SPIN_NS: u64 = 100_000;

impl Shell {
    /// The output of `body` run in a subshell. Sets the status of the
    /// substitution (`$?` of a command that has no command name).
    pub fn command_subst(&mut self, body: &List) -> Result<Vec<u8>, Divert> {
        if body.items.is_empty() {
            self.subst_status = Some(0);
            return Ok(Vec::new());
        }
        let (read, write) = fd::pipe().map_err(|e| {
            self.expansion_error(format!(
                "pipe: {}",
                crate::shell::builtins::describe_error(&e)
            ))
        })?;
        // `$(utility args)`, the most common form, is spawned straight
        // from here (posix_spawn: no copy of the shell is made) when its
        // words expand without side effects, as a pipeline's stages are.
        // Not onto standard output (1 free, the pipe took it): a spawn's
        // dup2 onto the same number may leave it close-on-exec.
        let spawned = match single_command(body) {
            Some(command) if write != 1 => {
                let jc = self.jc.take();
                let line = self.lineno;
                let spawned = self.spawn_stage(command, None, Some(write), false);
                self.lineno = line;
                self.jc = jc;
                spawned
            }
            _ => None,
        };
        let child = spawned.unwrap_or_else(|| {
            self.fork_outside_jobs(|sh| {
                let _ = fd::close(read);
                if write != 1 {
                    let _ = fd::dup2(write, 1);
                    let _ = fd::close(write);
                } else {
                    let _ = fd::set_cloexec(1, false);
                }
                sh.run_list(body, true)
            })
        });
        let _ = fd::close(write);
        let pid = match child {
            Ok(pid) => pid,
            Err(d) => {
                let _ = fd::close(read);
                return Err(d);
            }
        };
        let mut output = Vec::new();
        // Most substitutions run builtins and answer within microseconds:
        // waiting for them awake saves the wake-up of an idle CPU
        // (`fd::wait_readable_spinning`; benches/cpu.sh 84 -> 73 ms).
        // A signal that ends the job's shell (in a daemon worker, which
        // emulates its default action) ends the read at once, as it would
        // end a direct shell in it (`(sleep 1; kill $$) & x=$(sleep 9)`).
        let _ = fd::read_to_end_spinning(read, &mut output, SPIN_NS, &|| {
            self.pending_death().is_some()
        });
        let _ = fd::close(read);
        let status = self.wait_foreground(pid);
        // The job's shell was killed meanwhile (a daemon worker gives up
        // the wait): nothing more of the command may run.
        if let Some(sig) = self.pending_death() {
            return Err(Divert::Signaled(sig));
        }
        self.subst_status = Some(status);
        self.last_status = status;
        // NUL cannot be part of a shell string; drop it as bash does.
        if output.contains(&0) {
            output.retain(|&c| c != 0);
        }
        while output.last() == Some(&b'\n') {
            output.pop();
        }
        Ok(output)
    }
}

/// The one command of a substitution's body, if that is all it is: not
/// in the background, not negated, no `&&`, `||` or pipe.
fn single_command(body: &List) -> Option<&Command> {
    let [item] = &body.items[..] else {
        return None;
    };
    let and_or = &item.and_or;
    if item.is_async || !and_or.rest.is_empty() || and_or.first.negated {
        return None;
    }
    match &and_or.first.commands[..] {
        [command] => Some(command),
        _ => None,
    }
}
