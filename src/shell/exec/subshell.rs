//! Subshells and child processes: fork a copy of the shell, spawn or exec a
//! utility, wait for a child, and end a shell process.

use super::{Divert, Exec};
use crate::shell::env::traps::Action;
use crate::shell::env::{ProcessRole, Shell, status};
use platform::Pid;
use platform::process::{self, Fork, WaitStatus};
use platform::spawn::{self, Attrs, FdAction};

/// Append a NUL to each string for execve, in place.
fn nul_terminate(fields: &mut [Vec<u8>]) {
    for f in fields.iter_mut() {
        f.push(0);
    }
}

fn strip_nul(fields: &mut [Vec<u8>]) {
    for f in fields.iter_mut() {
        if f.last() == Some(&0) {
            f.pop();
        }
    }
}

impl Shell {
    /// Turn this process (a forked child) into a subshell environment:
    /// command traps reset, no jobs of the parent, and — in a daemon
    /// worker — membership of the job's process group.
    pub fn enter_subshell(&mut self) {
        self.is_subshell = true;
        self.interactive = false;
        if self.own_group {
            let _ = process::setpgid(0, 0);
        } else if let ProcessRole::Worker { job_pgid, .. } = self.role {
            let _ = process::setpgid(0, job_pgid);
        }
        self.role = ProcessRole::Direct;
        self.times_base = (0.0, 0.0, 0.0, 0.0);
        self.traps.reset_for_subshell();
        // The parent's jobs stay listed (`jobs | wc -l` counts them, as in
        // bash), but they are not this process's children to wait for.
        self.jobs.internal.clear();
        for job in &mut self.jobs.background {
            job.inherited = true;
        }
    }

    /// Fork a subshell that runs `body` and exits; returns its pid.
    ///
    /// Signals the shell catches are blocked across the fork: until the
    /// child has reset its dispositions, a signal sent to it (`cmd & kill
    /// $!`) would only be recorded by the parent's handler and then lost;
    /// blocked, it waits and takes effect under the child's own
    /// dispositions.
    pub fn fork_subshell(&mut self, body: impl FnOnce(&mut Shell) -> Exec) -> Result<Pid, Divert> {
        // So are those the shell ignores for itself only (`sleep 9 & kill
        // $!` at a prompt): Linux keeps a blocked signal pending even while
        // it is ignored, and the child's default action then takes it.
        let caught = platform::signal::caught_set() | self.ignored_for_self_only();
        let old_mask = if caught != 0 {
            platform::signal::block(caught).ok()
        } else {
            None
        };
        let forked = process::fork();
        if let Some(mask) = old_mask
            && !matches!(forked, Ok(Fork::Child))
        {
            let _ = platform::signal::set_blocked(mask);
        }
        match forked {
            Ok(Fork::Child) => {
                self.enter_job_child();
                self.enter_subshell();
                if let Some(mask) = old_mask {
                    let _ = platform::signal::set_blocked(mask);
                }
                let r = body(self);
                let status = self.finish(r);
                process::exit_now(status)
            }
            Ok(Fork::Parent(pid)) => {
                self.spawned_children = true;
                self.job_child_started(pid);
                // Also set from the parent, so the group is right before
                // either side runs on (setpgid(2), "race").
                if self.own_group {
                    let _ = process::setpgid(pid, pid);
                } else if let ProcessRole::Worker { job_pgid, .. } = self.role {
                    let _ = process::setpgid(pid, job_pgid);
                }
                Ok(pid)
            }
            Err(e) => {
                self.error(format!(
                    "fork: {}",
                    crate::shell::builtins::describe_error(&e)
                ));
                Err(Divert::Error(status::FAILURE))
            }
        }
    }

    /// The shell (or subshell) ends with the result `r`: run the EXIT trap
    /// and give the final status.
    pub fn finish(&mut self, r: Exec) -> i32 {
        self.finish_or_die(r).0
    }

    /// [`Shell::finish`], and the signal the EXIT trap died of: in a daemon
    /// worker a signal the trap sends the shell (`trap 'kill 0' EXIT`)
    /// ends it as a diversion, where a direct shell would die of it.
    pub fn finish_or_die(&mut self, r: Exec) -> (i32, Option<i32>) {
        let mut status = match r {
            Ok(()) => self.last_status,
            Err(Divert::Replaced(code)) => return (code & 0xff, None),
            Err(Divert::Signaled(sig)) => 128 + sig,
            Err(d) => d.exit_status(self.last_status),
        };
        if let Action::Command(text) = self.traps.action(0).clone()
            && !self.traps.exiting
        {
            self.traps.exiting = true;
            self.last_status = status;
            // A signal the action's last command sent is acted on too.
            let r = self
                .run_trap_action(&text)
                .and_then(|()| self.run_pending_traps());
            match r {
                Ok(()) => {}
                Err(Divert::Exit(s)) | Err(Divert::Error(s)) => status = s,
                Err(Divert::Signaled(sig)) => return ((128 + sig) & 0xff, Some(sig)),
                Err(_) => {}
            }
        }
        (status & 0xff, None)
    }

    /// Spawn `path` with `fields` as arguments and `env` as environment.
    pub fn spawn_utility(
        &mut self,
        path: &[u8],
        fields: &mut [Vec<u8>],
        env: &[Vec<u8>],
    ) -> std::io::Result<Pid> {
        self.spawn_with(path, fields, env, &[])
    }

    /// Spawn with descriptor actions (pipelines).
    pub fn spawn_with(
        &mut self,
        path: &[u8],
        fields: &mut [Vec<u8>],
        env: &[Vec<u8>],
        actions: &[FdAction],
    ) -> std::io::Result<Pid> {
        let mut cpath = path.to_vec();
        cpath.push(0);
        let job_group = self.job_group_for_child();
        let attrs = Attrs {
            pgroup: match self.role {
                ProcessRole::Worker { job_pgid, .. } => Some(job_pgid),
                ProcessRole::Direct => job_group,
            },
            sigdefault: self.traps.caught_for_child() | self.ignored_for_self_only(),
            sigmask: None,
        };
        nul_terminate(fields);
        let r = spawn::spawn(&cpath, fields, env, &attrs, actions);
        strip_nul(fields);
        if let Ok(pid) = r {
            self.spawned_children = true;
            self.job_child_started(pid);
        }
        r
    }

    /// Signals this shell ignores for itself, which its commands must not
    /// inherit: SIGTERM and SIGQUIT when interactive, and the stop signals
    /// under job control. Those ignored when the shell started stay
    /// ignored, as POSIX asks.
    fn ignored_for_self_only(&self) -> u64 {
        use platform::signal::{SIGQUIT, SIGTERM, bit};
        let mut set = 0;
        if self.interactive {
            set |= bit(SIGTERM) | bit(SIGQUIT);
        }
        if self.jc.is_some() {
            set |= super::jobctl::stop_signal_bits();
        }
        set & !self.traps.ignored_on_entry()
    }

    /// Replace this process with `path`. Returns only on failure.
    pub fn exec_utility(
        &mut self,
        path: &[u8],
        fields: &mut [Vec<u8>],
        env: &[Vec<u8>],
    ) -> std::io::Error {
        let mut cpath = path.to_vec();
        cpath.push(0);
        // Caught signals must not stay caught; execve resets handlers to
        // default itself, and ignored ones stay ignored as POSIX wants, but
        // for those the shell ignores for itself only.
        let own = self.ignored_for_self_only();
        for sig in 1..64 {
            if own & platform::signal::bit(sig) != 0 {
                let _ =
                    platform::signal::set_disposition(sig, platform::signal::Disposition::Default);
            }
        }
        nul_terminate(fields);
        let err = spawn::exec(&cpath, fields, env);
        strip_nul(fields);
        err
    }

    /// Wait for a foreground child and give its status as `$?` sees it.
    /// Traps wait until the child is done (XCU `trap`). In a worker whose
    /// job is cancelled (its client went away), the job's process group is
    /// killed from here too, so a child started just after the daemon's
    /// own kill cannot keep the worker waiting.
    pub fn wait_foreground(&mut self, pid: Pid) -> i32 {
        if self.jc.is_some() {
            if self.in_foreground_job(pid) {
                return self.wait_job_process(pid);
            }
            if let Some(status) = self.jobs.stopped_status(pid) {
                return status;
            }
        }
        let cancel_group = match self.role {
            ProcessRole::Worker { job_pgid, .. } => Some(job_pgid),
            ProcessRole::Direct => None,
        };
        // A signal that ends the job's shell (in a worker, where its
        // default action is emulated) ends it while it waits, as it ends
        // a direct shell at once: the wait is given up.
        let deadly = self.deadly_signals();
        if let Some(sig) = pending_of(deadly) {
            return 128 + sig;
        }
        let on_interrupt = || {
            if let Some(pgid) = cancel_group
                && platform::signal::is_pending(platform::signal::cancel_signal())
            {
                let _ = process::kill(-pgid, platform::signal::SIGKILL);
            }
            pending_of(deadly).is_some()
        };
        if cancel_group.is_some() && self.pid_is_out() {
            // Before reaping: a child that signalled `$$` and exited is
            // still a zombie of the job's group while the client looks at
            // who sent it the signal.
            wait_unreaped(pid, on_interrupt);
            self.settle_forwarded_signals();
            // The signal that ended that wait (or came while the client
            // was settling) interrupts nothing more: the child may run on.
            if let Some(sig) = pending_of(deadly) {
                return 128 + sig;
            }
        }
        match self.jobs.wait_for(pid, on_interrupt) {
            Some((status, ended)) => {
                if let Some(WaitStatus::Signaled {
                    signal,
                    core_dumped,
                }) = ended
                {
                    self.report_signaled(signal, core_dumped);
                }
                status
            }
            None => pending_of(deadly).map_or(status::NOT_FOUND, |sig| 128 + sig),
        }
    }

    /// A child may know `$$` (it was expanded, or a copy of the shell is
    /// about to start that can expand it): from now on a daemon worker
    /// waits for the signals the client passes on before it goes on after
    /// a child (see `wait_foreground`).
    pub(crate) fn give_out_pid(&self) {
        if self.pid_given_out.replace(true) {
            return;
        }
        if self.client_job
            && let Some(word) = shared_given_out()
        {
            word.store(1, std::sync::atomic::Ordering::Release);
        }
        if self.signal_relay.is_some() {
            // Before any child can signal it.
            self.client_runs
                .set(platform::process::run_count(self.shell_pid));
        }
    }

    /// Has `$$` been given out: by this shell, or, in a daemon job, by any
    /// copy of it (a command substitution's, `x=$(kill -TERM $$; :)`),
    /// which this shell would not otherwise know?
    pub(crate) fn pid_is_out(&self) -> bool {
        self.pid_given_out.get()
            || self.client_job
                && shared_given_out()
                    .is_some_and(|w| w.load(std::sync::atomic::Ordering::Acquire) != 0)
    }

    /// In a daemon worker, a signal that has arrived and ends the job's
    /// shell (see [`Shell::deadly_signals`]).
    pub(crate) fn pending_death(&self) -> Option<i32> {
        pending_of(self.deadly_signals())
    }

    /// In a daemon worker, the signals that end the job's shell should
    /// they arrive (bit n = signal n): those whose default action it
    /// emulates, still at their default. None elsewhere: a direct shell
    /// simply dies of them.
    fn deadly_signals(&self) -> u64 {
        if !self.is_worker() {
            return 0;
        }
        self.traps.worker_deadly()
    }

    /// A foreground process died of `signal`: say so on stderr, as dash
    /// does ("Segmentation fault (core dumped)", "Terminated"), except for
    /// SIGINT and SIGPIPE, whose deaths are the expected end of an
    /// interrupted command or a closed pipe. Not when this shell is about
    /// to end of a signal itself: a daemon worker emulates the default
    /// action of a signal sent to the job (its process group and its
    /// shell alike), where a direct shell, killed at once, reaps nothing.
    pub(super) fn report_signaled(&self, signal: i32, core_dumped: bool) {
        use platform::signal::{SIGINT, SIGPIPE};
        if signal == SIGINT || signal == SIGPIPE || self.ending_of_a_pending_signal() {
            return;
        }
        let mut line = crate::shell::env::traps::describe(signal).into_owned();
        if core_dumped {
            line.push_str(" (core dumped)");
        }
        line.push('\n');
        let _ = platform::fd::write_all(2, line.as_bytes());
    }

    /// Is a signal pending that will end this shell (in a daemon worker,
    /// one whose default action it emulates, or the cancel signal)?
    fn ending_of_a_pending_signal(&self) -> bool {
        self.is_worker()
            && (platform::signal::is_pending(platform::signal::cancel_signal())
                || self.pending_death().is_some())
    }

    /// In a daemon worker `$$` is the client, which passes on to this
    /// process the signals it is sent. A child that signalled `$$` and
    /// then exited is reaped here before the client has passed its signal
    /// on, where a direct shell would have it pending already, and its
    /// trap would run a command late (about half the time, measured). So
    /// once the job has given its pid out, a foreground wait ends when the
    /// client is asleep again: a signal it was sent has then reached this
    /// process (docs/daemon.md). Bounded, for a client the machine is slow
    /// to schedule. For a relayed job the daemon passes them on in turn,
    /// so it must be asleep too, if the client has run since it was last
    /// seen asleep: a busy daemon is rarely asleep, and a client that has
    /// not run has passed nothing on.
    pub(crate) fn settle_forwarded_signals(&self) {
        let start = std::time::Instant::now();
        let until_asleep = |pid: Pid| {
            while platform::process::run_state(pid) == Some(b'R')
                && start.elapsed() < std::time::Duration::from_millis(20)
            {
                std::thread::sleep(std::time::Duration::from_micros(20));
            }
        };
        until_asleep(self.shell_pid);
        let Some(daemon) = self.signal_relay else {
            return;
        };
        let runs = platform::process::run_count(self.shell_pid);
        if runs.is_some() && runs == self.client_runs.get() {
            return;
        }
        until_asleep(daemon);
        self.client_runs.set(runs);
    }

    /// Run `path` as a shell script in a child: what happens when execve
    /// says the file has no executable format (XCU 2.9.1.1 step e).
    pub fn run_as_script(&mut self, path: &[u8], env: &[Vec<u8>], fields: &[Vec<u8>]) -> i32 {
        let path = path.to_vec();
        let fields = fields.to_vec();
        let env: Vec<Vec<u8>> = env.to_vec();
        let pid = self.fork_subshell(move |sh| {
            let ignored = sh.traps.ignored_on_entry();
            // A shell of its own (dash, bash): its own `$$`, and the
            // invoking shell's for `$PPID`.
            Err(Divert::Exit(script_in_fresh_shell(
                ignored,
                process::getpid(),
                sh.shell_pid,
                &path,
                env.iter().map(Vec::as_slice),
                &fields,
            )))
        });
        match pid {
            Ok(pid) => self.wait_foreground(pid),
            Err(d) => d.exit_status(status::NOT_EXECUTABLE),
        }
    }
}

/// Did exec fail on `path` because it is a script to run in a fresh
/// shell (XCU 2.9.1.1: no executable format, and not a binary)?
pub fn runs_as_script(err: &std::io::Error, path: &[u8]) -> bool {
    err.raw_os_error() == Some(platform::errno::ENOEXEC) && !is_binary_file(path)
}

/// Is the file at `path`, which `execve` refused as in no executable
/// format, a binary rather than a script? As bash decides: an ELF header,
/// or a NUL byte in its first line (of at most 80 bytes). POSIX.1-2024 lets a shell refuse
/// such a file with status 126 rather than run it as a script, and dash
/// and bash do: a program built for another machine (an ARM binary in an
/// x86 container) must fail as "Exec format error", not as a script's
/// syntax errors.
pub fn is_binary_file(path: &[u8]) -> bool {
    use std::io::Read;
    use std::os::unix::ffi::OsStrExt;
    let Ok(mut file) = std::fs::File::open(std::ffi::OsStr::from_bytes(path)) else {
        return false;
    };
    let mut head = [0u8; 80];
    let mut len = 0;
    while len < head.len() {
        match file.read(&mut head[len..]) {
            Ok(0) => break,
            Ok(n) => len += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
    // An ELF header is a binary's whatever follows it (dash and bash).
    if head[..len].starts_with(b"\x7fELF") {
        return true;
    }
    let first_line = head[..len].split(|&b| b == b'\n').next().unwrap_or(&[]);
    first_line.contains(&0)
}

/// Run `path`, a file that is not in an executable format, as a shell
/// script (XCU 2.9.1.1) in a fresh shell in this process, with `fields` as
/// its `$0` and arguments and `env` (entries may end in a NUL) as its
/// environment: its exit status. `ignored_on_entry` is the invoking
/// shell's; `shell_pid` and `parent_pid` are its `$$` and `$PPID`.
pub fn script_in_fresh_shell<'e>(
    ignored_on_entry: u64,
    shell_pid: Pid,
    parent_pid: Pid,
    path: &[u8],
    env: impl IntoIterator<Item = &'e [u8]>,
    fields: &[Vec<u8>],
) -> i32 {
    let mut fresh = Shell::new(ProcessRole::Direct, ignored_on_entry);
    fresh.shell_pid = shell_pid;
    fresh.is_subshell = true;
    let env_iter = env.into_iter().map(|e| e.strip_suffix(&[0]).unwrap_or(e));
    fresh.vars.import(env_iter);
    crate::shell::cli::init_variables(&mut fresh);
    let _ = fresh.vars.set(b"PPID", parent_pid.to_string().as_bytes());
    fresh.arg0 = fields[0].clone();
    fresh.positional = fields[1..].to_vec();
    // Its diagnostics name it, as those of `rush FILE` do.
    fresh.origin = crate::shell::env::Origin::Script(path.to_vec());
    fresh.source_label = path.to_vec();
    let r = crate::shell::cli::run_script_file(&mut fresh, path);
    fresh.finish(r)
}

/// Wait until `pid` has ended, leaving it unreaped; after each signal that
/// interrupts the wait, `give_up` says whether to stop waiting.
pub(crate) fn wait_unreaped(pid: Pid, mut give_up: impl FnMut() -> bool) {
    loop {
        match process::wait_ended_unreaped(pid) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {
                if give_up() {
                    break;
                }
            }
            _ => break,
        }
    }
}

/// In a daemon worker, a word of memory shared with every process its job
/// forks, set when any of them gives `$$` out ([`Shell::pid_is_out`]). A
/// process an earlier job left running shares it too: should it expand
/// `$$`, the job only pays the waits' check for nothing.
static SHARED_GIVEN_OUT: std::sync::OnceLock<Option<platform::shm::SharedWords>> =
    std::sync::OnceLock::new();

fn shared_given_out() -> Option<&'static std::sync::atomic::AtomicU64> {
    SHARED_GIVEN_OUT.get()?.as_ref().map(|w| &w.words()[0])
}

/// At the start of a daemon job, in the worker, before it forks anything:
/// `$$` is not out yet. (Mapped at the worker's first job; should that
/// fail, only what the job's shell gives out itself is known.)
pub(crate) fn reset_shared_given_out() {
    if let Some(w) = SHARED_GIVEN_OUT.get_or_init(|| platform::shm::SharedWords::new(1).ok()) {
        w.words()[0].store(0, std::sync::atomic::Ordering::Relaxed);
    }
}

/// The first of `signals` (bit n = signal n) that has arrived and not yet
/// been acted on.
fn pending_of(signals: u64) -> Option<i32> {
    if signals == 0 {
        return None;
    }
    platform::signal::lowest(platform::signal::pending_set() & signals)
}
