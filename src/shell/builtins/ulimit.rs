//! `ulimit`: show or set resource limits.

use super::write_out;
use crate::shell::env::Shell;
use crate::shell::exec::Divert;
use platform::process::{RESOURCES, RLIM_INFINITY, getrlimit, setrlimit};

fn show(value: u64, unit: u64) -> String {
    if value == RLIM_INFINITY {
        "unlimited".to_string()
    } else {
        (value / unit).to_string()
    }
}

/// `ulimit [-HSa] [-cdefilmnqrstuvx] [limit]` (default `-f`).
pub fn ulimit(sh: &mut Shell, args: &[Vec<u8>]) -> Result<i32, Divert> {
    let mut hard = false;
    let mut soft = false;
    let mut all = false;
    let mut letter = b'f';
    let mut i = 1;
    while let Some(a) = args.get(i) {
        if a.len() < 2 || a[0] != b'-' {
            break;
        }
        if a == b"--" {
            i += 1;
            break;
        }
        for &c in &a[1..] {
            match c {
                b'H' => hard = true,
                b'S' => soft = true,
                b'a' => all = true,
                c if RESOURCES.iter().any(|r| r.letter == c) => letter = c,
                c => {
                    sh.utility_error(b"ulimit", format!("-{}: invalid option", c as char));
                    return Ok(2);
                }
            }
        }
        i += 1;
    }
    let show_hard = hard && !soft;
    if all {
        let mut out = String::new();
        for r in RESOURCES {
            if let Ok((s, h)) = getrlimit(r.id) {
                let v = if show_hard { h } else { s };
                out.push_str(&format!(
                    "-{}: {:<32} {}\n",
                    r.letter as char,
                    r.description,
                    show(v, r.unit)
                ));
            }
        }
        return Ok(write_out(sh, b"ulimit", out.as_bytes()));
    }
    let Some(resource) = RESOURCES.iter().find(|r| r.letter == letter) else {
        return Ok(2);
    };
    let Ok((cur_soft, cur_hard)) = getrlimit(resource.id) else {
        sh.utility_error(b"ulimit", "cannot read limit");
        return Ok(1);
    };
    let Some(value) = args.get(i) else {
        let v = if show_hard { cur_hard } else { cur_soft };
        let line = format!("{}\n", show(v, resource.unit));
        return Ok(write_out(sh, b"ulimit", line.as_bytes()));
    };
    let new = if value == b"unlimited" {
        RLIM_INFINITY
    } else {
        match std::str::from_utf8(value)
            .ok()
            .and_then(|s| s.parse::<u64>().ok())
        {
            Some(n) => n.saturating_mul(resource.unit),
            None => {
                sh.utility_error(
                    b"ulimit",
                    format!("{}: bad number", String::from_utf8_lossy(value)),
                );
                return Ok(1);
            }
        }
    };
    // Neither -H nor -S: set both.
    let (set_soft, set_hard) = match (hard, soft) {
        (false, false) => (true, true),
        (h, s) => (s, h),
    };
    let s = if set_soft { new } else { cur_soft };
    let h = if set_hard { new } else { cur_hard };
    if (s, h) != (cur_soft, cur_hard) {
        // A worker puts a soft limit back after the job; a hard one it
        // cannot (it retires).
        sh.limits_changed = true;
        if h != cur_hard {
            sh.hard_limit_changed = true;
        } else if !sh.soft_limits_before.iter().any(|&(r, _)| r == resource.id) {
            sh.soft_limits_before.push((resource.id, cur_soft));
        }
    }
    if let Err(e) = setrlimit(resource.id, s, h) {
        sh.utility_error(b"ulimit", super::describe_error(&e));
        return Ok(1);
    }
    Ok(0)
}
