//! Simple commands (XCU 2.9.1): expansion, assignments, redirections, and
//! the choice between special builtin, function, regular builtin and
//! external utility.

use super::{Divert, Exec};
use crate::shell::builtins::{self, Builtin};
use crate::shell::env::options::Opt;
use crate::shell::env::{Shell, status};
use crate::shell::syntax::ast::{Assign, Command, SimpleCommand};
use std::os::fd::{AsRawFd, RawFd};

/// Assignments as performed: name and value (the value kept only for
/// `set -x`).
pub type Assigned<'a> = Vec<(&'a [u8], Vec<u8>)>;

impl Shell {
    /// Run any command. `last`: nothing runs after it in this process.
    pub fn run_command(&mut self, command: &Command, last: bool) -> Exec {
        let r = match command {
            Command::Simple(simple) => self.run_simple(simple, last),
            Command::Compound(compound, redirects) => {
                self.run_compound_redirected(compound, redirects, last)
            }
            Command::FunctionDef(def) => {
                self.functions.insert(def.name.clone(), def.body.clone());
                self.last_status = 0;
                Ok(())
            }
        };
        r?;
        self.run_pending_traps()
    }

    /// Run a simple command.
    pub fn run_simple(&mut self, cmd: &SimpleCommand, last: bool) -> Exec {
        if cmd.line != 0 {
            self.lineno = cmd.line;
        }
        if self.opt(Opt::NoExec) && !self.interactive {
            return Ok(());
        }
        self.subst_status = None;
        let fields = if cmd.assignment_args.is_empty() {
            self.expand_words(&cmd.words)?
        } else {
            self.expand_declaration(&cmd.words, &cmd.assignment_args)?
        };
        let Some(name) = fields.first() else {
            return self.run_assignments_only(cmd);
        };
        if !name.contains(&b'/') {
            if let Some(builtin) = builtins::lookup(name)
                && builtin.special
            {
                return self.run_special_builtin(builtin, cmd, &fields);
            }
            if let Some(body) = self.functions.get(&name[..]).cloned() {
                return self.call_function(&body, cmd, fields);
            }
            if let Some(builtin) = builtins::lookup(name) {
                return self.run_regular_builtin(builtin, cmd, &fields);
            }
        }
        self.run_external(cmd, fields, last)
    }

    /// A command with no words: redirections are performed (and undone
    /// after), then the assignments change the shell; the status is that
    /// of the last command substitution, or zero.
    fn run_assignments_only(&mut self, cmd: &SimpleCommand) -> Exec {
        let saved = match self.apply_redirects(&cmd.redirects, true) {
            Ok(saved) => saved,
            Err(_) => {
                self.last_status = status::FAILURE;
                return Ok(());
            }
        };
        let r = self.assign_each(&cmd.assigns, false);
        if let Ok(traced) = &r
            && self.opt(Opt::XTrace)
            && !traced.is_empty()
        {
            self.trace(traced, &[], saved.mark());
        }
        self.restore_redirects(saved);
        r?;
        self.last_status = self.subst_status.unwrap_or(0);
        Ok(())
    }

    /// Expand and perform assignments one by one, so that each sees the
    /// ones before it (`a=1 b=$a cmd`). With `temporary`, each is saved in
    /// the innermost variable scope (which the caller has pushed and will
    /// pop) and exported for the command. Returns what was assigned, for
    /// `set -x`. Assigning a readonly variable is an error that ends a
    /// non-interactive shell.
    pub fn assign_each<'a>(
        &mut self,
        assigns: &'a [Assign],
        temporary: bool,
    ) -> Result<Assigned<'a>, Divert> {
        let mut done = Vec::with_capacity(assigns.len());
        for assign in assigns {
            let value = self.expand_word_string(&assign.value)?;
            let name = &assign.name[..];
            if temporary {
                self.vars.make_local(name);
            }
            let traced = if self.opt(Opt::XTrace) {
                value.clone()
            } else {
                Vec::new()
            };
            if let Err(e) = self.vars.set_owned(name, value) {
                self.error(e.to_string());
                return Err(Divert::Error(status::USAGE));
            }
            if temporary {
                self.vars.export(name);
            }
            done.push((name, traced));
        }
        Ok(done)
    }

    /// Expand the values of assignments (tilde, parameter, command,
    /// arithmetic expansion and quote removal; no splitting or globbing).
    pub fn expand_assigns<'a>(&mut self, assigns: &'a [Assign]) -> Result<Assigned<'a>, Divert> {
        let mut out = Vec::with_capacity(assigns.len());
        for assign in assigns {
            let value = self.expand_word_string(&assign.value)?;
            out.push((&assign.name[..], value));
        }
        Ok(out)
    }

    /// `set -x`: print the command as it will run, after PS4.
    ///
    /// The trace goes to the shell's standard error as it was before this
    /// command's redirections (`echo x 2>/dev/null` is still traced): the
    /// saved copy of fd 2 above `mark`, if the command redirected it.
    pub fn trace(&mut self, assigns: &[(&[u8], Vec<u8>)], fields: &[Vec<u8>], mark: usize) {
        let fd = match self.saved_fds[mark.min(self.saved_fds.len())..]
            .iter()
            .find(|&&(target, _)| target == 2)
        {
            Some(&(_, Some(copy))) => copy,
            Some(&(_, None)) => return,
            None => 2,
        };
        self.trace_to(fd, assigns, fields);
    }

    /// Write the `set -x` line for a command to `fd`.
    fn trace_to(&mut self, fd: RawFd, assigns: &[(&[u8], Vec<u8>)], fields: &[Vec<u8>]) {
        // No tracing while PS4 itself is expanded: `PS4='$(cmd) '` would
        // otherwise trace `cmd`, expanding PS4 again, forever.
        self.set_opt(Opt::XTrace, false);
        let mut line = self.prompt_text(b"PS4", b"+ ");
        self.set_opt(Opt::XTrace, true);
        let mut first = true;
        for (name, value) in assigns {
            if !first {
                line.push(b' ');
            }
            first = false;
            line.extend_from_slice(name);
            line.push(b'=');
            line.extend_from_slice(&crate::shell::builtins::quote(value));
        }
        for field in fields {
            if !first {
                line.push(b' ');
            }
            first = false;
            line.extend_from_slice(&crate::shell::builtins::quote(field));
        }
        line.push(b'\n');
        let _ = platform::fd::write_all(fd, &line);
    }

    /// Special builtins: assignments before them persist, and their errors
    /// end a non-interactive shell (XCU 2.8.1).
    fn run_special_builtin(
        &mut self,
        builtin: &'static Builtin,
        cmd: &SimpleCommand,
        fields: &[Vec<u8>],
    ) -> Exec {
        // `exec` with no command: its redirections stay.
        let persistent = builtin.name == b"exec" && fields.len() == 1;
        // Its trace goes where standard error was before it
        // (`exec 2>/dev/null` is traced), as for any other command.
        let trace_fd = if persistent && self.opt(Opt::XTrace) && !cmd.redirects.is_empty() {
            platform::fd::dup_above_owned(2, 10).ok()
        } else {
            None
        };
        let saved = match self.apply_redirects(&cmd.redirects, !persistent) {
            Ok(saved) => saved,
            Err(_) => return Err(Divert::Error(status::FAILURE)),
        };
        // `X=v exec cmd`: the assignments reach cmd's environment.
        let export = builtin.name == b"exec" && fields.len() > 1;
        let r = self.assign_each(&cmd.assigns, false).and_then(|traced| {
            if export {
                for (name, _) in &traced {
                    self.vars.export(name);
                }
            }
            if let Some(fd) = &trace_fd {
                self.trace_to(fd.as_raw_fd(), &traced, fields);
            } else if self.opt(Opt::XTrace) {
                self.trace(&traced, fields, saved.mark());
            }
            (builtin.run)(self, fields)
        });
        self.restore_redirects(saved);
        let status = r?;
        self.last_status = status;
        if status != 0 && builtin.fatal_on_error() && !self.interactive {
            return Err(Divert::Error(status));
        }
        Ok(())
    }

    /// Run `body` with the command's redirections in place and its
    /// assignments as temporary, exported variables.
    fn with_temporaries<T>(
        &mut self,
        cmd: &SimpleCommand,
        fields: &[Vec<u8>],
        body: impl FnOnce(&mut Shell) -> Result<T, Divert>,
    ) -> Result<Option<T>, Divert> {
        let saved = match self.apply_redirects(&cmd.redirects, true) {
            Ok(saved) => saved,
            Err(_) => return Ok(None),
        };
        let scoped = !cmd.assigns.is_empty();
        if scoped {
            self.vars.push_scope();
        }
        let r = self.assign_each(&cmd.assigns, scoped).and_then(|traced| {
            if self.opt(Opt::XTrace) {
                self.trace(&traced, fields, saved.mark());
            }
            body(self)
        });
        if scoped {
            self.vars.pop_scope();
        }
        self.restore_redirects(saved);
        r.map(Some)
    }

    /// Regular builtins: assignments before them last only for the builtin.
    fn run_regular_builtin(
        &mut self,
        builtin: &'static Builtin,
        cmd: &SimpleCommand,
        fields: &[Vec<u8>],
    ) -> Exec {
        let status = self.with_temporaries(cmd, fields, |sh| (builtin.run)(sh, fields))?;
        self.last_status = status.unwrap_or(status::FAILURE);
        Ok(())
    }

    /// Run an external utility: search PATH, then spawn and wait, or (when
    /// nothing runs after it in this process) replace the process.
    fn run_external(&mut self, cmd: &SimpleCommand, mut fields: Vec<Vec<u8>>, last: bool) -> Exec {
        // `PATH=... cmd` searches the new PATH (as every shell does).
        let path = if cmd.assigns.iter().any(|a| &a.name[..] == b"PATH") {
            self.vars.push_scope();
            let found = match self.assign_each(&cmd.assigns, true) {
                Ok(_) => self.search_path_for(&fields[0]),
                Err(d) => {
                    self.vars.pop_scope();
                    return Err(d);
                }
            };
            self.vars.pop_scope();
            found
        } else {
            self.find_command(&fields[0])
        };
        let Some(path) = path else {
            // Redirections and assignments are still performed, as in other
            // shells, and the message goes where the command's stderr does.
            let found = self.with_temporaries(cmd, &fields, |sh| {
                let name = String::from_utf8_lossy(&fields[0]).into_owned();
                sh.error(format!("{name}: not found"));
                Ok(())
            })?;
            self.last_status = match found {
                Some(()) => status::NOT_FOUND,
                None => status::FAILURE,
            };
            return Ok(());
        };
        // The last command, with no trap to run after it: the shell
        // replaces itself with it.
        if last && self.no_trap_after() {
            // Saved (close-on-exec) copies keep the shell's own stderr for
            // `set -x`; the exec takes them away.
            let Ok(saved) = self.apply_redirects(&cmd.redirects, true) else {
                self.last_status = status::FAILURE;
                return Ok(());
            };
            if !cmd.assigns.is_empty() {
                self.vars.push_scope();
            }
            let traced = self.assign_each(&cmd.assigns, true)?;
            if self.opt(Opt::XTrace) {
                self.trace(&traced, &fields, saved.mark());
            }
            let env = self.vars.environ();
            // A worker's job cannot: it hands the utility to the client, or,
            // when the client cannot take it (a limit the job changed, a
            // descriptor beyond those a message carries), runs it here and
            // ends as it ends, as if replaced.
            if self.is_worker() && !self.is_subshell {
                if self.may_hand_back_exec() {
                    match self.try_hand_back(&path, fields, &env, crate::proto::EXEC_AS_COMMAND) {
                        Ok(()) => return Err(Divert::Exit(status::SUCCESS)),
                        Err(back) => fields = back,
                    }
                }
                return Err(match self.spawn_utility(&path, &mut fields, &env) {
                    Ok(pid) => crate::shell::builtins::exec::replaced_by(self, pid),
                    Err(err) => Divert::Exit(self.exec_failure(
                        &fields[0].clone(),
                        &path,
                        err,
                        &env,
                        &fields,
                    )),
                });
            }
            let err = self.exec_utility(&path, &mut fields, &env);
            if super::subshell::runs_as_script(&err, &path) {
                // A script with no interpreter line: in this process, as
                // the shell it replaces itself with (and as the daemon's
                // client runs a job's last one).
                return Err(Divert::Exit(super::subshell::script_in_fresh_shell(
                    self.traps.ignored_on_entry(),
                    platform::process::getpid(),
                    platform::process::getppid(),
                    &path,
                    env.iter().map(Vec::as_slice),
                    &fields,
                )));
            }
            return Err(Divert::Exit(self.exec_failure(
                &fields[0].clone(),
                &path,
                err,
                &env,
                &fields,
            )));
        }
        let shown = if self.opt(Opt::XTrace) {
            fields.clone()
        } else {
            Vec::new()
        };
        let status = self.with_temporaries(cmd, &shown, |sh| {
            let env = sh.vars.environ();
            Ok(match sh.spawn_utility(&path, &mut fields, &env) {
                Ok(pid) => Ok(pid),
                Err(err) => Err(sh.exec_failure(&fields[0].clone(), &path, err, &env, &fields)),
            })
        })?;
        self.last_status = match status {
            Some(Ok(pid)) => self.wait_foreground(pid),
            Some(Err(status)) => status,
            None => status::FAILURE,
        };
        Ok(())
    }

    /// No trap could run after the last command: no EXIT trap, no command
    /// trap, not interactive.
    pub(crate) fn no_trap_after(&self) -> bool {
        *self.traps.action(0) == crate::shell::env::traps::Action::Default
            && !self.interactive
            && !self.traps.any_command_trap()
    }

    /// May the job's last utility, or the utility of `exec`, go to the
    /// daemon client to run in its own place? In the job's own shell (not
    /// a subshell), with resource limits as the client's.
    pub fn may_hand_back_exec(&self) -> bool {
        self.may_hand_back && !self.is_subshell && !self.limits_changed
    }

    /// End the job by handing `path` to the client (see
    /// [`crate::proto::ExecRequest`]), with the descriptors open now that
    /// an exec would leave it; their numbers go in the request, and the
    /// worker passes the descriptors on, with the directory if `cd` changed
    /// it. `flags`: how the client reports a failure (`EXEC_AS_COMMAND`:
    /// as for a command, not for the `exec` builtin). The arguments come
    /// back when the descriptors cannot all go (more than a message
    /// carries, or beyond the numbers scanned): the caller then runs the
    /// utility here.
    pub fn try_hand_back(
        &mut self,
        path: &[u8],
        fields: Vec<Vec<u8>>,
        env: &[Vec<u8>],
        flags: u32,
    ) -> Result<(), Vec<Vec<u8>>> {
        let mut open = [0; platform::fd::SCAN_LIMIT];
        let n = platform::fd::open_fds(&mut open);
        let fds: Vec<i32> = open[..n]
            .iter()
            .copied()
            .filter(|&fd| !platform::fd::is_cloexec(fd))
            .collect();
        let scanned_all = platform::fd::high_water() < platform::fd::SCAN_LIMIT as i32;
        if !scanned_all || fds.len() >= crate::proto::MAX_FDS {
            return Err(fields);
        }
        self.hand_back = Some(crate::proto::ExecRequest {
            path: path.to_vec(),
            argv: fields,
            // (Entries are kept NUL-terminated for execve.)
            env: env
                .iter()
                .map(|e| e.strip_suffix(&[0]).unwrap_or(e))
                .collect(),
            umask: platform::process::get_umask(),
            ignored: self.traps.ignored_now(),
            // Known once the job is over (the worker fills them in).
            pending: 0,
            seen: 0,
            flags: if self.cwd_changed {
                flags | crate::proto::EXEC_CWD
            } else {
                flags
            },
            prefix: self.diag_prefix(),
            fds,
        });
        Ok(())
    }

    /// Report why a utility could not run and give the status for it: 127
    /// when not found, 126 when found but not executable. A file that is not
    /// an executable format is run as a shell script (XCU 2.9.1.1), unless
    /// it is a binary.
    fn exec_failure(
        &mut self,
        name: &[u8],
        path: &[u8],
        err: std::io::Error,
        env: &[Vec<u8>],
        fields: &[Vec<u8>],
    ) -> i32 {
        if super::subshell::runs_as_script(&err, path) {
            return self.run_as_script(path, env, fields);
        }
        let (message, status) = exec_error(name, &err, true);
        self.error(message);
        status
    }
}

impl Shell {
    /// Spawn `path` with `fields` and the exported environment, and wait
    /// for it (`command name`).
    pub fn spawn_and_wait(&mut self, path: &[u8], mut fields: Vec<Vec<u8>>) -> i32 {
        let env = self.vars.environ();
        match self.spawn_utility(path, &mut fields, &env) {
            Ok(pid) => self.wait_foreground(pid),
            Err(err) => self.exec_failure(&fields[0].clone(), path, err, &env, &fields),
        }
    }
}

/// What a shell says when it cannot run utility `name` (`err` from
/// `execve`), and the status it gives: 127 for a missing file, 126 for
/// anything else. `as_command`: the utility ends a command, where a
/// missing one is "not found"; else (the `exec` builtin) the system's
/// message. (A file in no executable format is run as a script instead,
/// for a command: the caller's part.)
pub fn exec_error(name: &[u8], err: &std::io::Error, as_command: bool) -> (String, i32) {
    let name = String::from_utf8_lossy(name);
    if err.raw_os_error() == Some(platform::errno::ENOENT) {
        let message = if as_command {
            format!("{name}: not found")
        } else {
            format!("{name}: {}", crate::shell::builtins::describe_error(err))
        };
        return (message, status::NOT_FOUND);
    }
    let message = format!("{name}: {}", crate::shell::builtins::describe_error(err));
    (message, status::NOT_EXECUTABLE)
}
