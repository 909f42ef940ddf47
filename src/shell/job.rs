//! Running one client's job inside a daemon worker: the interpreter's side
//! of the seam between `rushd`'s workers and the shell.
//!
//! The worker has already put the client's descriptors at their numbers,
//! changed to its directory and set its umask. What is left is what a
//! directly started `rush` would do with the same command line and
//! environment, with two differences a worker must make invisible: `$$` and
//! `$PPID` are the client's, and the default action of a forwarded signal
//! is emulated (the job ends as if killed; the worker lives on).

use crate::shell::cli;
use crate::shell::env::vars::Vars;
use crate::shell::env::{ProcessRole, Shell};
use crate::shell::exec::Divert;
use platform::signal::{self, Disposition};

/// Everything the interpreter needs to run one job in this process.
pub struct JobContext<'a> {
    /// The client's whole command line (`rush -c ...`).
    pub argv: &'a [Vec<u8>],
    /// The client's environment, `NAME=value` strings.
    pub env: &'a crate::proto::codec::Strings,
    /// The client's pid: the job's `$$`.
    pub client_pid: i32,
    /// The client's parent: the job's `$PPID`.
    pub client_ppid: i32,
    /// The process group every child of the job joins.
    pub job_pgid: i32,
    /// Signals the client had ignored (bit n = signal n): they stay ignored
    /// for the job, and cannot be trapped, as for a shell started with them
    /// ignored.
    pub ignored_signals: u64,
    /// Signals the worker itself catches between jobs (bit n = signal n);
    /// everything else is put back to its default after the job.
    pub worker_caught: u64,
    /// What the worker keeps warm between jobs: parsed scripts, the
    /// startup file's definitions.
    pub warm: Option<&'a crate::shell::warm::WarmRef>,
    /// The daemon's pid when it, not the client, passes the client's
    /// signals on to this job (a relayed job).
    pub relayed_by: Option<i32>,
    /// The client sends no other job on its connection (`JOB_LAST`): the
    /// job's last utility may be handed to it ([`JobResult::exec`]).
    pub may_hand_back: bool,
    /// The worker's CPU times (`platform::process::times`) when the job
    /// began: the earlier jobs', its own start's and those of the children
    /// it reaped are not the job's, whose `times` counts from here.
    pub times_base: (f64, f64, f64, f64),
}

/// How a job ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobOutcome {
    Exited(u8),
    Signaled { signal: i32, core_dumped: bool },
}

/// A job's outcome, and whether the worker that ran it can run another.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobResult {
    pub outcome: JobOutcome,
    /// The job changed process state a worker cannot restore (a hard
    /// resource limit): the worker must retire instead of serving another
    /// job.
    pub retire: bool,
    /// The job started child processes (which may outlive it in its process
    /// group): the next job needs a fresh group.
    pub spawned: bool,
    /// The job ended by handing its last utility to the client, which
    /// runs it in its own process: this goes to the client instead of
    /// the outcome, with the descriptors the utility inherits, which are
    /// still open at their numbers in this process.
    pub exec: Option<crate::proto::ExecRequest>,
}

/// Run a client's job in this worker process and put the process's signal
/// dispositions back as they were.
pub fn run_job(ctx: &JobContext) -> JobResult {
    crate::shell::exec::subshell::reset_shared_given_out();
    let mut sh = Shell::new(
        ProcessRole::Worker {
            job_pgid: ctx.job_pgid,
            client_parent: ctx.client_ppid,
        },
        ctx.ignored_signals,
    );
    sh.shell_pid = ctx.client_pid;
    sh.signal_relay = ctx.relayed_by;
    sh.client_job = true;
    sh.warm = ctx.warm.cloned();
    sh.vars = match ctx.warm {
        Some(warm) => warm.borrow_mut().imported(ctx.env),
        None => Vars::imported(ctx.env.iter()),
    };
    sh.may_hand_back = ctx.may_hand_back;
    sh.times_base = ctx.times_base;
    // A signal whose death the worker emulates ends a blocking call as it
    // would end a direct shell blocked there (`echo hi >fifo`).
    sh.traps.publish_deadly();
    // A signal forwarded before the job could start (`timeout 0.001 rush
    // ...`) ends it before its first command, as it ends a shell that has
    // just started.
    let started = match sh.pending_death() {
        Some(sig) => Ok(Err(Divert::Signaled(sig))),
        None => cli::start(&mut sh, ctx.argv, ctx.client_ppid),
    };
    let outcome = match started {
        Ok(r) => match r {
            Err(Divert::Signaled(sig)) => JobOutcome::Signaled {
                signal: sig,
                core_dumped: false,
            },
            r => match sh.finish_or_die(r) {
                (_, Some(signal)) => JobOutcome::Signaled {
                    signal,
                    core_dumped: false,
                },
                (status, None) => JobOutcome::Exited(status as u8),
            },
        },
        Err(status) => JobOutcome::Exited(status as u8),
    };
    // A signal forwarded after the shell chose to hand its last utility to
    // the client, before the client could run it: a direct shell would
    // have died of it before its exec (or the utility, after it, of the
    // same signal), and the client would pass it to nobody.
    let mut hand_back = sh.hand_back.take();
    let outcome = match sh.pending_death() {
        Some(signal) if hand_back.is_some() => {
            hand_back = None;
            JobOutcome::Signaled {
                signal,
                core_dumped: false,
            }
        }
        _ => outcome,
    };
    restore_signals(sh.traps.touched(), ctx.worker_caught);
    // Between jobs the worker's own calls retry as before.
    platform::signal::give_up_on(0);
    let retire = sh.hard_limit_changed || !restore_soft_limits(&sh.soft_limits_before);
    JobResult {
        outcome,
        retire,
        spawned: sh.spawned_children,
        exec: hand_back,
    }
}

/// Put back the soft limits a job changed (leaving their hard limits as
/// they were): whether all are as before.
fn restore_soft_limits(before: &[(i32, u64)]) -> bool {
    use platform::process::{getrlimit, setrlimit};
    before.iter().all(|&(resource, soft)| {
        getrlimit(resource).is_ok_and(|(_, hard)| setrlimit(resource, soft, hard).is_ok())
    })
}

/// Warm a worker before its first job: load the startup file the daemon's
/// own environment names (`RUSH_ENV`), the one its clients most likely
/// share. A client naming another file, or a file changed since, is loaded
/// at its job instead.
pub fn prewarm(warm: &crate::shell::warm::WarmRef, environ: &[Vec<u8>]) {
    let mut sh = Shell::new(ProcessRole::Direct, 0);
    sh.vars.import(environ.iter().map(|e| &e[..]));
    if let Some(path) = cli::startup_file(&mut sh)
        && let Some(key) = crate::shell::warm::FileKey::of(&path)
    {
        let _ = warm.borrow_mut().startup(&key);
    }
}

/// Put the dispositions the job changed back to the worker's own: its
/// caught signals caught, everything else at its default. Pending arrivals
/// are dropped: they belonged to the job.
fn restore_signals(touched: u64, worker_caught: u64) {
    for sig in 1..signal::NSIG {
        let bit = signal::bit(sig);
        if touched & bit == 0 {
            continue;
        }
        let want = if worker_caught & bit != 0 {
            Disposition::Catch
        } else {
            Disposition::Default
        };
        let _ = signal::ensure_disposition(sig, want);
    }
    signal::take_pending();
}
