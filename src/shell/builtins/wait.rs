//! `wait`, `jobs`, `fg` and `bg`.

use super::write_out;
use crate::shell::env::Shell;
use crate::shell::exec::Divert;
use crate::shell::exec::jobs::Job;

/// `wait [pid...]`: wait for background jobs; the status is the last one's
/// (127 for an unknown pid), or 128 + signal when a trapped signal
/// interrupts the wait.
pub fn wait(sh: &mut Shell, args: &[Vec<u8>]) -> Result<i32, Divert> {
    let pids: Vec<platform::Pid> = if args.len() <= 1 {
        sh.jobs.running()
    } else {
        let mut pids = Vec::new();
        for a in &args[1..] {
            match resolve(sh, a) {
                Ok(pid) => pids.push(pid),
                Err(why) => {
                    sh.utility_error(b"wait", format!("{}: {why}", String::from_utf8_lossy(a)));
                    return Ok(2);
                }
            }
        }
        pids
    };
    let all = args.len() <= 1;
    let mut status = 0;
    for pid in pids {
        if !all && !sh.jobs.is_known(pid) {
            status = 127;
            continue;
        }
        // A stopped job would never end by itself: say so, as bash does,
        // rather than wait for ever.
        sh.jobs.reap();
        if let Some(id) = sh.jobs.stopped_job_id(pid) {
            sh.utility_error(b"wait", format!("job {id} is stopped"));
            continue;
        }
        if sh.is_worker() && sh.pid_is_out() && !sh.jobs.has_group(pid) {
            // Until the child ends, but without reaping it (in a daemon
            // worker, once `$$` is out): a child that signalled `$$` (the
            // client) and exited stays there for the client to ask whose
            // signal it was, and the signal, passed on, interrupts this
            // wait as it would directly, where it arrives before the
            // child's end (docs/daemon.md).
            if !platform::signal::any_pending() {
                crate::shell::exec::subshell::wait_unreaped(pid, platform::signal::any_pending);
            }
            sh.settle_forwarded_signals();
        }
        match sh.jobs.wait_interruptible(pid) {
            Ok(Some(s)) => status = s,
            Ok(None) => status = 127,
            Err(_) => {
                // A trapped signal: return at once; the trap runs after.
                let pending = platform::signal::take_pending();
                let sig = (1..64)
                    .find(|s| pending & platform::signal::bit(*s) != 0)
                    .unwrap_or(0);
                for s in 1..64 {
                    if pending & platform::signal::bit(s) != 0 {
                        platform::signal::mark_pending(s);
                    }
                }
                return Ok(128 + sig);
            }
        }
        if !all && sh.jobs.stopped_job_id(pid).is_none() {
            sh.jobs.remove(pid);
        }
    }
    // In a daemon worker, a job that ended may have signalled `$$` (the
    // client) just before: let the client pass that on before going on.
    if sh.is_worker() && sh.pid_is_out() {
        sh.settle_forwarded_signals();
    }
    if all {
        // Stopped jobs stay listed, for `fg` and `bg`.
        sh.jobs.background.retain(Job::is_stopped);
        status = 0;
    }
    Ok(status)
}

/// A pid operand or a job spec ([`find_job`]); says why not.
fn resolve(sh: &Shell, spec: &[u8]) -> Result<platform::Pid, &'static str> {
    if spec.starts_with(b"%") {
        return find_job(sh, Some(spec)).map(|i| sh.jobs.background[i].pid);
    }
    std::str::from_utf8(spec)
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or("invalid process id")
}

/// `jobs [-lp]`: list background jobs (without job control, their number,
/// pid and state); jobs reported as done are then forgotten, as in dash.
/// With job control, each job's line is `[1]+  Stopped   sleep 30`, as
/// bash and dash write it.
pub fn jobs(sh: &mut Shell, args: &[Vec<u8>]) -> Result<i32, Divert> {
    let pids_only = args.iter().skip(1).any(|a| a == b"-p");
    let long = args.iter().skip(1).any(|a| a == b"-l");
    sh.jobs.reap();
    let mut out = Vec::new();
    for (i, job) in sh.jobs.background.iter().enumerate() {
        if pids_only {
            let pid = job.group.as_ref().map_or(job.pid, |g| g.pgid);
            out.extend_from_slice(format!("{pid}\n").as_bytes());
            continue;
        }
        out.extend_from_slice(sh.job_line_with(i, long).as_bytes());
        out.push(b'\n');
    }
    if !pids_only {
        sh.jobs.background.retain(|j| j.status.is_none());
    }
    Ok(write_out(sh, b"jobs", &out))
}

/// The job a `fg` or `bg` operand names (the current job without one):
/// `%N`, `%%`, `%+`, `%-`, `%string` (the job whose command starts with
/// it), `%?string` (the one whose command contains it). Reports why not.
pub(super) fn job_operand(sh: &Shell, name: &[u8], spec: Option<&Vec<u8>>) -> Option<usize> {
    let found = match spec.map(|s| &s[..]) {
        Some(pid) if !pid.starts_with(b"%") => std::str::from_utf8(pid)
            .ok()
            .and_then(|p| p.parse::<platform::Pid>().ok())
            .and_then(|p| {
                sh.jobs
                    .background
                    .iter()
                    .position(|j| j.pid == p || j.group.as_ref().is_some_and(|g| g.pgid == p))
            })
            .ok_or("no such job"),
        spec => find_job(sh, spec),
    };
    match (found, spec) {
        (Ok(index), _) => Some(index),
        (Err(_), None) => {
            sh.utility_error(name, "no current job");
            None
        }
        (Err(why), Some(s)) => {
            sh.utility_error(name, format!("{}: {why}", String::from_utf8_lossy(s)));
            None
        }
    }
}

/// The job a job spec names, as an index into the job table: `%N`, `%%`,
/// `%+`, `%` and none (the current job), `%-`, `%string` (the job whose
/// command starts with it), `%?string` (the one whose command contains it).
/// Says why not: no such job, or a string that more than one job matches
/// (as in bash; dash says only that there is no such job).
fn find_job(sh: &Shell, spec: Option<&[u8]>) -> Result<usize, &'static str> {
    let jobs = &sh.jobs.background;
    let only = |mut matching: Vec<usize>| match matching.len() {
        0 => Err("no such job"),
        1 => Ok(matching.remove(0)),
        _ => Err("ambiguous job spec"),
    };
    let found = match spec {
        None | Some(b"%%" | b"%+" | b"%") => sh.jobs.current(),
        Some(b"%-") => sh.jobs.previous(),
        Some([b'%', b'?', text @ ..]) => {
            return only(
                (0..jobs.len())
                    .filter(|&i| jobs[i].text.windows(text.len()).any(|w| w == text))
                    .collect(),
            );
        }
        Some([b'%', rest @ ..]) => match std::str::from_utf8(rest)
            .ok()
            .and_then(|n| n.parse::<usize>().ok())
        {
            Some(n) => sh.jobs.by_id(n),
            None => {
                return only(
                    (0..jobs.len())
                        .filter(|&i| jobs[i].text.starts_with(rest))
                        .collect(),
                );
            }
        },
        Some(_) => None,
    };
    found.ok_or("no such job")
}

/// `fg [job]`: continue a job in the foreground, with the terminal, and
/// wait for it; its status is the job's.
pub fn fg(sh: &mut Shell, args: &[Vec<u8>]) -> Result<i32, Divert> {
    if sh.jc.is_none() {
        sh.utility_error(b"fg", "no job control");
        return Ok(1);
    }
    sh.jobs.reap();
    let Some(index) = job_operand(sh, b"fg", args.get(1)) else {
        return Ok(1);
    };
    if sh.jobs.background[index].group.is_none() {
        sh.utility_error(b"fg", "job not started with job control");
        return Ok(1);
    }
    Ok(sh.foreground_job(index))
}

/// `bg [job...]`: continue stopped jobs in the background.
pub fn bg(sh: &mut Shell, args: &[Vec<u8>]) -> Result<i32, Divert> {
    if sh.jc.is_none() {
        sh.utility_error(b"bg", "no job control");
        return Ok(1);
    }
    sh.jobs.reap();
    let specs: Vec<Option<&Vec<u8>>> = if args.len() <= 1 {
        vec![None]
    } else {
        args[1..].iter().map(Some).collect()
    };
    let mut status = 0;
    for spec in specs {
        match job_operand(sh, b"bg", spec) {
            Some(i) if sh.jobs.background[i].group.is_some() => sh.background_job(i),
            Some(_) => {
                sh.utility_error(b"bg", "job not started with job control");
                status = 1;
            }
            None => status = 1,
        }
    }
    Ok(status)
}
