//! The shell execution environment (XCU 2.13): everything a command can
//! read or change, gathered in [`Shell`].

pub mod options;
pub mod traps;
pub mod vars;

use crate::shell::exec::jobs::Jobs;
use crate::shell::syntax::ast::FunctionBody;
use options::{Opt, Options};
use platform::Pid;
use rustc_hash::FxHashMap;
use std::rc::Rc;
use traps::{SignalMode, Traps};
use vars::Vars;

/// A table by name (functions, aliases) shared copy-on-write: a daemon
/// worker's startup definitions are handed to every job without copying,
/// and a job that changes the table gets its own copy.
#[derive(Clone, Debug)]
pub struct Table<V> {
    map: Rc<FxHashMap<Box<[u8]>, V>>,
    /// Counts changes, so a parse made under one alias table is known to
    /// be stale under another.
    generation: u64,
}

impl<V> Default for Table<V> {
    fn default() -> Table<V> {
        Table {
            map: Rc::new(FxHashMap::default()),
            generation: 0,
        }
    }
}

impl<V: Clone> Table<V> {
    #[inline]
    pub fn get(&self, name: &[u8]) -> Option<&V> {
        self.map.get(name)
    }

    pub fn contains_key(&self, name: &[u8]) -> bool {
        self.map.contains_key(name)
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&Box<[u8]>, &V)> {
        self.map.iter()
    }

    pub fn insert(&mut self, name: Box<[u8]>, value: V) {
        Rc::make_mut(&mut self.map).insert(name, value);
        self.generation += 1;
    }

    pub fn remove(&mut self, name: &[u8]) -> Option<V> {
        if !self.map.contains_key(name) {
            return None;
        }
        self.generation += 1;
        Rc::make_mut(&mut self.map).remove(name)
    }

    pub fn clear(&mut self) {
        if !self.map.is_empty() {
            self.map = Rc::new(FxHashMap::default());
            self.generation += 1;
        }
    }

    /// How many changes this table has seen.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The underlying map (for views that need a plain map).
    pub fn map(&self) -> &FxHashMap<Box<[u8]>, V> {
        &self.map
    }
}

/// Exit statuses with names (XCU 2.8.2).
pub mod status {
    pub const SUCCESS: i32 = 0;
    pub const FAILURE: i32 = 1;
    /// Syntax errors, usage errors of builtins, expansion errors, failed
    /// assignments (as dash). Failed redirections give 1, as in bash.
    pub const USAGE: i32 = 2;
    /// Found but not executable.
    pub const NOT_EXECUTABLE: i32 = 126;
    /// Not found.
    pub const NOT_FOUND: i32 = 127;
}

/// Where the shell's commands come from, for `$0` and error messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// `rush -c`.
    CommandString,
    /// `rush file`: the file name as given.
    Script(Vec<u8>),
    /// Standard input.
    Stdin,
}

/// What the process is: a shell run directly, or a daemon worker running a
/// client's job (which must never end the worker process itself).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProcessRole {
    Direct,
    /// `job_pgid` is the process group every child of the job joins;
    /// `client_parent` is the client's parent, the parent a direct shell
    /// would have (`$PPID`, which a script may assign).
    Worker {
        job_pgid: Pid,
        client_parent: Pid,
    },
}

/// The whole state of one shell.
#[derive(Clone)]
pub struct Shell {
    pub vars: Vars,
    /// `$1`, `$2`, ...
    pub positional: Vec<Vec<u8>>,
    /// `$0`.
    pub arg0: Vec<u8>,
    pub functions: Table<Rc<FunctionBody>>,
    pub aliases: Table<Box<[u8]>>,
    pub options: Options,
    pub traps: Traps,
    /// `$?`.
    pub last_status: i32,
    /// The status of the last command substitution of the current simple
    /// command (the status of a command with no command name).
    pub subst_status: Option<i32>,
    /// How many complete commands a program (a script, `eval`'s text, a
    /// dot file) has read and started, wrapping: `eval` and `.` give
    /// status 0 when theirs started none, and leave `$?` alone otherwise.
    pub commands_read: u64,
    /// The options as they were when the running function said `local -`:
    /// they come back when it returns.
    pub local_options: Option<Options>,
    /// `$!`.
    pub last_async: Option<Pid>,
    /// `$$`: the shell's pid (a subshell keeps its parent's).
    pub shell_pid: Pid,
    pub jobs: Jobs,
    /// The command search cache (`hash`): name -> path.
    pub hash: FxHashMap<Box<[u8]>, Box<[u8]>>,
    /// The PATH generation `hash` was filled under.
    pub hash_generation: u64,
    /// Descriptors replaced by redirections, with the shell's copy of each
    /// (`None`: the target was closed before), innermost last.
    pub saved_fds: Vec<(std::os::fd::RawFd, Option<std::os::fd::RawFd>)>,
    pub origin: Origin,
    /// Where the commands being parsed come from, for syntax errors: `-c`,
    /// a script or dot file name, `stdin`.
    pub source_label: Vec<u8>,
    /// The line of the command being run (`$LINENO`, messages).
    pub lineno: u32,
    /// How many loops enclose the current command (for `break N`).
    pub loop_depth: usize,
    /// How many function calls enclose the current command.
    pub function_depth: usize,
    /// How many `.` files enclose the current command (`return` ends one).
    pub dot_depth: usize,
    /// How many `eval`s are running, one inside another.
    pub eval_depth: usize,
    /// How many trap actions are running, one inside another (an action
    /// whose own commands raise its signal again).
    pub trap_depth: usize,
    /// `$?` as it was when the innermost running trap action began: what
    /// `exit` with no operand exits with inside it (XCU `exit`).
    pub status_before_trap: i32,
    /// Where the stack was when the shell was made, and how far below it
    /// the stack may go (read when first needed): see
    /// [`Shell::nested_too_deeply`].
    stack_base: usize,
    stack_room: std::cell::Cell<Option<usize>>,
    /// Greater than zero where `set -e` does not apply (the condition of
    /// `if`/`while`, the left of `&&`/`||`, after `!`).
    pub errexit_ignored: usize,
    /// The last status came from a command where `set -e` was ignored, so
    /// the compound command or function it ended does not trigger it either.
    pub failure_ignored: bool,
    /// True in a forked subshell: `exit` ends this process, and an external
    /// command run last may replace it (`exec` without fork).
    pub is_subshell: bool,
    pub role: ProcessRole,
    /// The shell reads commands from a terminal and prompts.
    pub interactive: bool,
    /// `getopts`' position inside a cluster of options: the OPTIND value it
    /// left and the offset in that argument.
    pub getopts_state: Option<(Vec<u8>, usize)>,
    /// The shell changed its resource limits (`ulimit`): in a daemon job
    /// its last utility is not handed to the client, whose limits differ.
    pub limits_changed: bool,
    /// The soft limits (resource, value) the shell had before it changed
    /// them and left the hard one as it was: a worker puts them back after
    /// the job. A hard limit cannot be raised again without privilege: a
    /// job that changed one (`hard_limit_changed`) retires its worker.
    pub soft_limits_before: Vec<(i32, u64)>,
    pub hard_limit_changed: bool,
    /// CPU times (`platform::process::times`) this process had used when
    /// the shell began: a daemon worker's from before the job, which
    /// `times` leaves out; zero elsewhere (a forked subshell starts at
    /// zero, as the kernel counts).
    pub times_base: (f64, f64, f64, f64),
    /// `$$` has been expanded: a child may know the shell's pid and signal
    /// it (in a daemon worker, the client's; see `wait_foreground`).
    pub pid_given_out: std::cell::Cell<bool>,
    /// In a relayed daemon job, the daemon, which passes the client's
    /// signals on.
    pub signal_relay: Option<Pid>,
    /// For a relayed job, how many times the client had run
    /// (`platform::process::run_count`) when the job gave `$$` out or last
    /// waited for the daemon: a client that has not run since has passed
    /// no signal to the daemon.
    pub client_runs: std::cell::Cell<Option<u64>>,
    /// This process runs a daemon job, or a subshell of one: `$$` is the
    /// client's pid.
    pub client_job: bool,
    /// This shell has started a child process (a worker then gives the next
    /// job a fresh process group).
    pub spawned_children: bool,
    /// In a daemon job whose client sends no other (`JOB_LAST`): the last
    /// command, where a direct shell would replace itself with a utility,
    /// is handed to the client to run in its own process instead
    /// ([`Shell::hand_back`] holds it).
    pub may_hand_back: bool,
    /// The utility handed to the client, once the job has ended so.
    pub hand_back: Option<crate::proto::ExecRequest>,
    /// `cd` has changed this process's directory (a utility handed to
    /// the client then takes the directory along).
    pub cwd_changed: bool,
    /// In a daemon worker: parsed scripts and startup definitions kept
    /// between jobs (see `shell::warm`).
    pub warm: Option<crate::shell::warm::WarmRef>,
    /// Job control, in an interactive shell on a terminal with `set -m`.
    pub jc: Option<crate::shell::exec::jobctl::JobControl>,
    /// While an asynchronous list is forked under `set -m` without a
    /// terminal's job control (scripts): it takes a process group of its
    /// own.
    pub own_group: bool,
    /// The lines entered at the prompt, for its line editor.
    pub history: crate::shell::lineedit::History,
}

impl Shell {
    /// A new shell with no variables, run directly.
    pub fn new(role: ProcessRole, ignored_on_entry: u64) -> Shell {
        let mode = match role {
            ProcessRole::Direct => SignalMode::Direct,
            ProcessRole::Worker { .. } => SignalMode::Worker,
        };
        Shell {
            vars: Vars::new(),
            positional: Vec::new(),
            arg0: b"rush".to_vec(),
            functions: Table::default(),
            aliases: Table::default(),
            options: Options::default(),
            traps: Traps::new(mode, ignored_on_entry),
            last_status: 0,
            subst_status: None,
            commands_read: 0,
            local_options: None,
            last_async: None,
            // A worker's job is its client's shell: `run_job` gives it the
            // client's pid, which the worker need not ask for its own.
            shell_pid: match role {
                ProcessRole::Direct => platform::process::getpid(),
                ProcessRole::Worker { .. } => 0,
            },
            jobs: Jobs::default(),
            hash: FxHashMap::default(),
            hash_generation: 0,
            saved_fds: Vec::new(),
            origin: Origin::CommandString,
            source_label: b"-c".to_vec(),
            lineno: 0,
            loop_depth: 0,
            function_depth: 0,
            dot_depth: 0,
            eval_depth: 0,
            trap_depth: 0,
            status_before_trap: 0,
            stack_base: stack_address(),
            stack_room: std::cell::Cell::new(None),
            errexit_ignored: 0,
            failure_ignored: false,
            is_subshell: false,
            role,
            interactive: false,
            getopts_state: None,
            limits_changed: false,
            soft_limits_before: Vec::new(),
            hard_limit_changed: false,
            times_base: (0.0, 0.0, 0.0, 0.0),
            pid_given_out: std::cell::Cell::new(false),
            signal_relay: None,
            client_runs: std::cell::Cell::new(None),
            client_job: false,
            spawned_children: false,
            may_hand_back: false,
            hand_back: None,
            cwd_changed: false,
            warm: None,
            jc: None,
            own_group: false,
            history: Default::default(),
        }
    }

    #[inline]
    pub fn opt(&self, opt: Opt) -> bool {
        self.options.get(opt)
    }

    /// Turn an option on or off, with its side effects.
    pub fn set_opt(&mut self, opt: Opt, on: bool) {
        self.options.set(opt, on);
        if opt == Opt::AllExport {
            self.vars.allexport = on;
        }
        if opt == Opt::Monitor {
            if on {
                self.start_job_control();
            } else if let Some(jc) = self.jc.take() {
                let _ = platform::fd::close(jc.tty);
            }
        }
    }

    /// Are functions, `eval`s, dot scripts and trap actions nested so deep
    /// that one more could overflow the stack? Then it is an error instead
    /// of a crash (`e='eval "$e"'; eval "$e"`, which dash dies of too).
    /// Measured on the stack itself, against its size limit less 1 MiB for
    /// what one level may need (the parser's own nesting is bounded), since
    /// how much a level takes depends on the build; nothing is asked below
    /// a depth of 64.
    pub fn nested_too_deeply(&self) -> bool {
        if self.function_depth + self.eval_depth + self.dot_depth + self.trap_depth < 64 {
            return false;
        }
        let room = match self.stack_room.get() {
            Some(room) => room,
            None => {
                const MIB: u64 = 1 << 20;
                let limit = platform::process::getrlimit(platform::process::RLIMIT_STACK)
                    .map(|(soft, _)| soft)
                    .unwrap_or(8 * MIB);
                // Unlimited: the stack grows until it meets a mapping.
                let limit = if limit >= 1 << 40 { 8 * MIB } else { limit };
                let room = limit.saturating_sub(MIB) as usize;
                self.stack_room.set(Some(room));
                room
            }
        };
        self.stack_base.saturating_sub(stack_address()) > room
    }

    /// Set the options back to `saved` (a function that said `local -`
    /// returns). Those not set with `set` (`-i`, `-s`) stay as they are.
    pub fn restore_options(&mut self, saved: Options) {
        for &(opt, _, _) in crate::shell::env::options::TABLE {
            if matches!(opt, Opt::Interactive | Opt::Stdin) {
                continue;
            }
            if saved.get(opt) != self.options.get(opt) {
                self.set_opt(opt, saved.get(opt));
            }
        }
    }

    /// The name used as the prefix of diagnostics: `rush` for `-c` and
    /// stdin, the script name for scripts (as dash does with `$0`).
    pub fn diag_prefix(&self) -> Vec<u8> {
        let mut out = self.arg0.clone();
        match &self.origin {
            Origin::Script(_) | Origin::CommandString => {
                if self.lineno > 0 && !self.interactive {
                    out.extend_from_slice(format!(": line {}", self.lineno).as_bytes());
                }
            }
            Origin::Stdin => {
                if self.lineno > 0 && !self.interactive {
                    out.extend_from_slice(format!(": line {}", self.lineno).as_bytes());
                }
            }
        }
        out
    }

    /// Print `prefix: message` on standard error. Not in a worker whose
    /// job's shell a signal has ended already (its death is emulated at
    /// the next command): a direct shell would have died before it could
    /// say anything, such as why the call the signal interrupted failed.
    pub fn error(&self, message: impl AsRef<[u8]>) {
        if self.pending_death().is_some() {
            return;
        }
        let mut line = self.diag_prefix();
        line.extend_from_slice(b": ");
        line.extend_from_slice(message.as_ref());
        line.push(b'\n');
        let _ = platform::fd::write_all(2, &line);
    }

    /// A utility's diagnostic: `prefix: name: message`.
    pub fn utility_error(&self, name: &[u8], message: impl AsRef<[u8]>) {
        let mut text = name.to_vec();
        text.extend_from_slice(b": ");
        text.extend_from_slice(message.as_ref());
        self.error(text);
    }

    /// A builtin's write failed with `errno`. Run directly, a write that
    /// fails with EPIPE (a closed pipe) or EFBIG (past `ulimit -f`) also
    /// raises SIGPIPE or SIGXFSZ, and at its default the process dies of
    /// it; a worker, which catches both, emulates that by marking the
    /// signal as arrived. Returns true when the signal is emulated (the
    /// failure should then stay silent, as the real death would be).
    pub fn note_write_signal(&self, errno: i32) -> bool {
        use platform::signal::{SIGPIPE, SIGXFSZ, bit, mark_pending};
        let sig = match errno {
            platform::errno::EPIPE => SIGPIPE,
            platform::errno::EFBIG => SIGXFSZ,
            _ => return false,
        };
        if traps::WORKER_EMULATED.contains(&sig)
            && self.worker_dies_of(sig)
            && self.traps.ignored_on_entry() & bit(sig) == 0
        {
            mark_pending(sig);
            return true;
        }
        false
    }

    /// Is this a worker process running a client's job?
    pub fn is_worker(&self) -> bool {
        matches!(self.role, ProcessRole::Worker { .. })
    }
}

/// An address near the top of the stack as it is now (the stack grows
/// down on every platform rush runs on).
#[inline(never)]
fn stack_address() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as usize
}
