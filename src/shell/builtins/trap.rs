//! `trap`: set, reset, ignore or list signal actions.

use super::{quote, write_out};
use crate::shell::env::traps::Action;
use crate::shell::env::{Shell, status};
use crate::shell::exec::Divert;
use std::rc::Rc;

/// A trap condition: `EXIT`/`0`, a signal name with or without `SIG`, or a
/// signal number.
fn condition(spec: &[u8]) -> Option<i32> {
    if spec == b"EXIT" || spec == b"0" {
        return Some(0);
    }
    if !spec.is_empty() && spec.iter().all(u8::is_ascii_digit) {
        let n: i32 = std::str::from_utf8(spec).ok()?.parse().ok()?;
        return (1..platform::signal::NSIG).contains(&n).then_some(n);
    }
    // Names are case-sensitive in POSIX, but shells accept lower case too.
    platform::signal::number(spec)
}

fn condition_name(sig: i32) -> String {
    if sig == 0 {
        "EXIT".to_string()
    } else {
        platform::signal::name(sig)
            .map(str::to_string)
            .unwrap_or_else(|| sig.to_string())
    }
}

/// `trap [action condition...]`, `trap -p`, `trap` (list).
pub fn trap(sh: &mut Shell, args: &[Vec<u8>]) -> Result<i32, Divert> {
    let mut first = 1;
    match args.get(1).map(|a| &a[..]) {
        Some(b"--") => first = 2,
        Some(b"-p") | Some(b"-") | None => {}
        Some(a) if a.len() > 1 && a[0] == b'-' => {
            sh.utility_error(
                b"trap",
                format!("{}: invalid option", String::from_utf8_lossy(a)),
            );
            return Err(Divert::Error(status::USAGE));
        }
        _ => {}
    }
    if args.len() <= first || args[first] == b"-p" {
        let mut out = Vec::new();
        for (sig, action) in sh.traps.list() {
            let text: &[u8] = match action {
                Action::Ignore => b"",
                Action::Command(c) => c,
                Action::Default => continue,
            };
            out.extend_from_slice(b"trap -- ");
            let q = quote(text);
            if q.first() == Some(&b'\'') {
                out.extend_from_slice(&q);
            } else {
                out.push(b'\'');
                out.extend_from_slice(text);
                out.push(b'\'');
            }
            out.push(b' ');
            out.extend_from_slice(condition_name(sig).as_bytes());
            out.push(b'\n');
        }
        return Ok(write_out(sh, b"trap", &out));
    }
    let operands = &args[first..];
    // A first operand that is an unsigned integer is a condition: reset.
    // So is a lone operand (`trap EXIT`), as in dash.
    let (action, conditions): (Option<&[u8]>, &[Vec<u8>]) = if operands.len() == 1
        || (!operands[0].is_empty() && operands[0].iter().all(u8::is_ascii_digit))
    {
        (None, operands)
    } else {
        (Some(&operands[0]), &operands[1..])
    };
    let action = match action {
        None | Some(b"-") => Action::Default,
        Some(b"") => Action::Ignore,
        Some(text) => Action::Command(Rc::from(text)),
    };
    let mut status = 0;
    for spec in conditions {
        match condition(spec) {
            Some(sig) => {
                // KILL and STOP cannot be caught; like dash, say nothing.
                sh.traps.set(sig, action.clone());
            }
            None => {
                sh.utility_error(
                    b"trap",
                    format!("{}: bad trap", String::from_utf8_lossy(spec)),
                );
                status = 1;
            }
        }
    }
    Ok(status)
}
