//! `:`, `true`, `false`, `break`, `continue`, `return` and `exit`.

use super::parse_int;
use crate::shell::env::{Shell, status};
use crate::shell::exec::Divert;

/// `:` and `true`: do nothing, successfully.
pub fn colon(_: &mut Shell, _: &[Vec<u8>]) -> Result<i32, Divert> {
    Ok(0)
}

/// `true`.
pub fn true_(_: &mut Shell, _: &[Vec<u8>]) -> Result<i32, Divert> {
    Ok(0)
}

/// `false`.
pub fn false_(_: &mut Shell, _: &[Vec<u8>]) -> Result<i32, Divert> {
    Ok(1)
}

/// The loop count operand of `break` and `continue` (default 1).
fn loop_count(sh: &mut Shell, args: &[Vec<u8>]) -> Result<usize, i32> {
    let Some(arg) = args.get(1) else {
        return Ok(1);
    };
    match parse_int(arg) {
        Some(n) if n >= 1 => Ok(n as usize),
        _ => {
            sh.utility_error(
                &args[0],
                format!("{}: bad number", String::from_utf8_lossy(arg)),
            );
            Err(status::USAGE)
        }
    }
}

/// `break [n]`.
pub fn break_(sh: &mut Shell, args: &[Vec<u8>]) -> Result<i32, Divert> {
    leave_loops(sh, args, Divert::Break)
}

/// `continue [n]`.
pub fn continue_(sh: &mut Shell, args: &[Vec<u8>]) -> Result<i32, Divert> {
    leave_loops(sh, args, Divert::Continue)
}

/// `break` and `continue`: divert out of `n` enclosing loops (at most as
/// many as there are; outside any loop, do nothing).
fn leave_loops(
    sh: &mut Shell,
    args: &[Vec<u8>],
    divert: fn(usize) -> Divert,
) -> Result<i32, Divert> {
    let n = loop_count(sh, args).map_err(Divert::Error)?;
    if sh.loop_depth == 0 {
        return Ok(0);
    }
    sh.last_status = 0;
    Err(divert(n.min(sh.loop_depth)))
}

/// The status operand of `return` and `exit` (default `$?`).
fn status_operand(sh: &mut Shell, args: &[Vec<u8>]) -> Result<i32, Divert> {
    let Some(arg) = args.get(1) else {
        return Ok(sh.last_status);
    };
    let arg = if arg == b"--" {
        match args.get(2) {
            Some(a) => a,
            None => return Ok(sh.last_status),
        }
    } else {
        arg
    };
    match parse_int(arg) {
        // Like dash: a status is 0 to INT_MAX; negatives and larger values
        // are errors (bash wraps them instead).
        Some(n) if (0..=i32::MAX as i64).contains(&n) => Ok((n & 0xff) as i32),
        _ => {
            sh.utility_error(
                &args[0],
                format!("Illegal number: {}", String::from_utf8_lossy(arg)),
            );
            Err(Divert::Error(status::USAGE))
        }
    }
}

/// `return [n]`: leave the function or dot script.
pub fn return_(sh: &mut Shell, args: &[Vec<u8>]) -> Result<i32, Divert> {
    let status = status_operand(sh, args)?;
    if sh.function_depth == 0 && sh.dot_depth == 0 {
        // Outside a function: like dash, end the shell.
        return Err(Divert::Exit(status));
    }
    sh.last_status = status;
    Err(Divert::Return(status))
}

/// `exit [n]`. Without `n` in a trap action, the status is `$?` as it was
/// before the action ran (XCU `exit`, as dash; bash does so only in the
/// EXIT trap).
pub fn exit(sh: &mut Shell, args: &[Vec<u8>]) -> Result<i32, Divert> {
    let status = if sh.trap_depth > 0 && args.len() == 1 {
        sh.status_before_trap
    } else {
        status_operand(sh, args)?
    };
    if sh.warn_of_stopped_jobs() {
        return Ok(1);
    }
    sh.last_status = status;
    Err(Divert::Exit(status))
}
