//! `kill`: send a signal to processes, or list signal names.

use super::write_out;
use crate::shell::env::Shell;
use crate::shell::exec::Divert;
use platform::signal;

/// A signal operand: a name (with or without SIG) or a number.
fn parse_signal(spec: &[u8]) -> Option<i32> {
    if !spec.is_empty() && spec.iter().all(u8::is_ascii_digit) {
        let n: i32 = std::str::from_utf8(spec).ok()?.parse().ok()?;
        return (0..signal::NSIG).contains(&n).then_some(n);
    }
    signal::number(spec)
}

/// `kill [-s sig | -sig] pid...`, `kill -l [status]`.
pub fn kill(sh: &mut Shell, args: &[Vec<u8>]) -> Result<i32, Divert> {
    let mut sig = signal::SIGTERM;
    let mut i = 1;
    match args.get(1).map(|a| &a[..]) {
        Some(b"-l") | Some(b"-L") => {
            let mut out = Vec::new();
            if let Some(arg) = args.get(2) {
                let n: i32 = std::str::from_utf8(arg)
                    .ok()
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(-1);
                let n = if n > 128 { n - 128 } else { n };
                match signal::name(n) {
                    Some(name) => out.extend_from_slice(format!("{name}\n").as_bytes()),
                    None => {
                        sh.utility_error(
                            b"kill",
                            format!("{}: invalid signal", String::from_utf8_lossy(arg)),
                        );
                        return Ok(1);
                    }
                }
            } else {
                for (_, name) in signal::NAMES {
                    out.extend_from_slice(name.as_bytes());
                    out.push(b'\n');
                }
            }
            return Ok(write_out(sh, b"kill", &out));
        }
        Some(b"-s") | Some(b"-n") => {
            let Some(spec) = args.get(2) else {
                sh.utility_error(b"kill", "option requires an argument");
                return Ok(2);
            };
            match parse_signal(spec) {
                Some(s) => sig = s,
                None => {
                    sh.utility_error(
                        b"kill",
                        format!("{}: invalid signal", String::from_utf8_lossy(spec)),
                    );
                    return Ok(1);
                }
            }
            i = 3;
        }
        Some(a) if a.len() > 1 && a[0] == b'-' && a != b"--" => {
            match parse_signal(&a[1..]) {
                Some(s) => sig = s,
                None => {
                    sh.utility_error(
                        b"kill",
                        format!("{}: invalid signal", String::from_utf8_lossy(&a[1..])),
                    );
                    return Ok(1);
                }
            }
            i = 2;
        }
        _ => {}
    }
    if args.get(i).map(|a| &a[..]) == Some(b"--") {
        i += 1;
    }
    if i >= args.len() {
        sh.utility_error(b"kill", "usage: kill [-s sigspec | -signum] pid...");
        return Ok(2);
    }
    let mut status = 0;
    for a in &args[i..] {
        // A job (`%N`): its process group under job control, else its
        // process; a stopped job is continued after the signal, to act on it.
        let (target, stopped) = if a.starts_with(b"%") {
            sh.jobs.reap();
            let Some(index) = super::wait::job_operand(sh, b"kill", Some(a)) else {
                status = 1;
                continue;
            };
            let job = &sh.jobs.background[index];
            match &job.group {
                Some(g) => (-g.pgid, g.stopped.is_some()),
                None => (job.pid, false),
            }
        } else {
            let Some(pid) = std::str::from_utf8(a)
                .ok()
                .and_then(|s| s.parse::<i32>().ok())
            else {
                sh.utility_error(
                    b"kill",
                    format!(
                        "{}: arguments must be process or job IDs",
                        String::from_utf8_lossy(a)
                    ),
                );
                status = 1;
                continue;
            };
            // In a daemon job, the group of the client: the shell's group
            // when run directly.
            let client_group = (pid <= 0 && sh.client_job)
                .then(|| platform::process::getpgid(sh.shell_pid).ok())
                .flatten();
            // `kill -- -N` with N that group (`-$$` in a shell that leads
            // its group) is `kill 0` to it. A daemon job is not in its
            // client's group, so it must be said.
            let pid = if pid < 0 && client_group == Some(-pid) {
                0
            } else {
                pid
            };
            // Run directly, `kill 0` reaches the shell's process group: the
            // shell, its children and whoever shares the group (a `make`
            // that started it). In a daemon job (its shell or a subshell)
            // that is the client's group too, reached here first, as this
            // process may not survive what follows. The client passes the
            // signal on to the job's shell, unless the shell sent it, and
            // not to the job's group, which this process is in or signals
            // below (`trap 'kill 0' EXIT` ends background jobs).
            if pid == 0
                && let Some(pgid) = client_group
            {
                let _ = platform::process::kill(-pgid, sig);
            }
            // In a daemon worker `$$` is the client's pid, but the shell
            // that `kill $$` means is this process, running the job: signal
            // it here, at once, as a direct run would be signalled.
            if sh.is_worker() && (pid == sh.shell_pid || pid == 0) {
                if pid == 0
                    && let crate::shell::env::ProcessRole::Worker { job_pgid, .. } = sh.role
                {
                    let _ = platform::process::kill(-job_pgid, sig);
                }
                // SIGKILL cannot be caught, and the worker must outlive the
                // job: the job dies of it, as a direct shell would.
                if sig == platform::signal::SIGKILL || ends_the_worker(sh, sig) {
                    return Err(Divert::Signaled(sig));
                }
                if stops_the_shell(sh, sig) {
                    stop_with_the_client(sh, sig);
                    continue;
                }
                (platform::process::getpid(), false)
            } else {
                (pid, false)
            }
        };
        match platform::process::kill(target, sig) {
            Err(e) => {
                let shown = if a.starts_with(b"%") {
                    String::from_utf8_lossy(a).into_owned()
                } else {
                    format!("({target})")
                };
                sh.utility_error(b"kill", format!("{shown} - {}", super::describe_error(&e)));
                status = 1;
            }
            Ok(()) if stopped && sig != platform::signal::SIGCONT => {
                let _ = platform::process::kill(target, platform::signal::SIGCONT);
            }
            Ok(()) => {}
        }
    }
    // A signal sent to ourselves: let its trap run before the next command.
    Ok(status)
}

/// Would `sig`, sent to this worker process, end it? A signal whose
/// default action ends a process, at that default in the process (not
/// trapped, not ignored), that the worker does not catch to emulate it
/// (SIGSEGV, SIGABRT, SIGVTALRM, real-time signals...): the job must die of
/// it instead, as a direct shell would, and the worker live on. Asked of
/// the process, not the trap table: a trap the C library would not set
/// (`trap '' 34`, a signal it keeps for itself) leaves the default. The
/// daemon's cancel signal, which the worker catches for itself, is to the
/// job any other signal: as its trap table says.
fn ends_the_worker(sh: &Shell, sig: i32) -> bool {
    use crate::shell::env::traps::{Action, WORKER_EMULATED, default_terminates};
    if sig <= 0 || !default_terminates(sig) || WORKER_EMULATED.contains(&sig) {
        return false;
    }
    let by_table = || {
        *sh.traps.action(sig) == Action::Default
            && sh.traps.ignored_on_entry() & platform::signal::bit(sig) == 0
    };
    if sig == platform::signal::cancel_signal() {
        return by_table();
    }
    match platform::signal::disposition(sig) {
        Ok(d) => d == platform::signal::Disposition::Default,
        // The C library will not even say (musl, for the signals it keeps):
        // nothing can have set it either.
        Err(_) => true,
    }
}

/// Would `sig` stop this shell, run directly? SIGSTOP, and the other stop
/// signals unless trapped or ignored.
fn stops_the_shell(sh: &Shell, sig: i32) -> bool {
    use crate::shell::env::traps::Action;
    use platform::signal::{SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU};
    sig == SIGSTOP
        || matches!(sig, SIGTSTP | SIGTTIN | SIGTTOU) && *sh.traps.action(sig) == Action::Default
}

/// `kill -STOP $$` in a daemon worker. The worker must not stop: a stopped
/// worker cannot read the SIGCONT its client forwards, and both would wait
/// for ever. What the caller sees of the shell is the client, so the
/// client stops; the job waits until the client, continued, passes SIGCONT
/// on (caught for the wait, then left pending, so a CONT trap runs), or
/// goes away (the cancel signal).
///
/// SIGTSTP, SIGTTIN and SIGTTOU to a shell whose group is orphaned (run
/// under `setsid`, by cron) are discarded by the kernel: here too, the
/// client's group being the one a direct shell would be in.
fn stop_with_the_client(sh: &Shell, sig: i32) {
    use platform::signal::{Disposition, SIGCONT, SIGSTOP, bit, cancel_signal};
    if sig != SIGSTOP
        && let crate::shell::env::ProcessRole::Worker { client_parent, .. } = sh.role
        && platform::process::group_is_orphaned(sh.shell_pid, client_parent)
    {
        return;
    }
    let Ok(before) = platform::signal::set_disposition(SIGCONT, Disposition::Catch) else {
        return;
    };
    if platform::process::kill(sh.shell_pid, SIGSTOP).is_ok() {
        platform::signal::wait_for_any(bit(SIGCONT) | bit(cancel_signal()));
    }
    let _ = platform::signal::set_disposition(SIGCONT, before);
}
