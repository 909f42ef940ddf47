//! `wait` and `jobs`.

use super::write_out;
use crate::shell::env::Shell;
use crate::shell::exec::Divert;

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
                Some(pid) => pids.push(pid),
                None => {
                    sh.utility_error(
                        b"wait",
                        format!("{}: invalid process id", String::from_utf8_lossy(a)),
                    );
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
        if !all {
            sh.jobs.remove(pid);
        }
    }
    if all {
        sh.jobs.forget_all();
        status = 0;
    }
    Ok(status)
}

/// A pid operand or a job spec (`%N`: the Nth job; `%%`, `%+`: the
/// newest; `%-`: the one before).
fn resolve(sh: &Shell, spec: &[u8]) -> Option<platform::Pid> {
    let jobs = &sh.jobs.background;
    match spec {
        b"%%" | b"%+" | b"%" => jobs.last().map(|j| j.pid),
        b"%-" => jobs.len().checked_sub(2).map(|i| jobs[i].pid),
        [b'%', n @ ..] => {
            let n: usize = std::str::from_utf8(n).ok()?.parse().ok()?;
            jobs.get(n.checked_sub(1)?).map(|j| j.pid)
        }
        _ => std::str::from_utf8(spec).ok()?.parse().ok(),
    }
}

/// `jobs [-lp]`: list background jobs (without job control, their number,
/// pid and state); jobs reported as done are then forgotten, as in dash.
pub fn jobs(sh: &mut Shell, args: &[Vec<u8>]) -> Result<i32, Divert> {
    let pids_only = args.iter().skip(1).any(|a| a == b"-p");
    sh.jobs.reap();
    let mut out = Vec::new();
    for (i, job) in sh.jobs.background.iter().enumerate() {
        if pids_only {
            out.extend_from_slice(format!("{}\n", job.pid).as_bytes());
            continue;
        }
        let state = match job.status {
            None => "Running".to_string(),
            Some(0) => "Done".to_string(),
            Some(s) => format!("Done({s})"),
        };
        out.extend_from_slice(format!("[{}] {} {}\n", i + 1, job.pid, state).as_bytes());
    }
    if !pids_only {
        sh.jobs.background.retain(|j| j.status.is_none());
    }
    Ok(write_out(sh, b"jobs", &out))
}
