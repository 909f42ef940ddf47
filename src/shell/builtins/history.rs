//! `fc` (XCU `fc`, listing and re-running) and `history`: the lines the
//! prompt's line editor recorded ([`crate::shell::lineedit::History`]).
//! Without the editor (no terminal, `TERM=dumb`) the history is empty.

use super::write_out;
use crate::shell::env::Shell;
use crate::shell::exec::Divert;

/// `history [n]`: the last `n` lines (all by default), numbered.
pub fn history(sh: &mut Shell, args: &[Vec<u8>]) -> Result<i32, Divert> {
    let lines = sh.history.lines();
    let n = match args.get(1) {
        None => lines.len(),
        Some(a) => match std::str::from_utf8(a)
            .ok()
            .and_then(|s| s.parse::<usize>().ok())
        {
            Some(n) => n,
            None => {
                sh.utility_error(
                    b"history",
                    format!("{}: not a number", String::from_utf8_lossy(a)),
                );
                return Ok(2);
            }
        },
    };
    let first = lines.len().saturating_sub(n);
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate().skip(first) {
        out.extend_from_slice(format!("{:5}  ", i + 1).as_bytes());
        out.extend_from_slice(line);
        out.push(b'\n');
    }
    Ok(write_out(sh, b"history", &out))
}

/// `fc -l [-nr] [first [last]]` lists history lines (the last 16 by
/// default, up to the one before this command); `fc -s [old=new] [first]`
/// runs one again (the one before by default), after replacing the first
/// `old` by `new`. `first` and `last`
/// are line numbers, negative offsets from the end, or the start of a line.
/// Editing a line in `$FCEDIT` (plain `fc`) is not supported.
pub fn fc(sh: &mut Shell, args: &[Vec<u8>]) -> Result<i32, Divert> {
    let (mut list, mut numbers, mut reverse, mut again) = (false, true, false, false);
    let mut i = 1;
    while let Some(a) = args.get(i) {
        if a == b"--" {
            i += 1;
            break;
        }
        if a.len() < 2 || a[0] != b'-' || a[1].is_ascii_digit() {
            break;
        }
        for &c in &a[1..] {
            match c {
                b'l' => list = true,
                b'n' => numbers = false,
                b'r' => reverse = true,
                b's' => again = true,
                _ => {
                    sh.utility_error(b"fc", format!("-{}: invalid option", c as char));
                    return Ok(2);
                }
            }
        }
        i += 1;
    }
    let mut operands = &args[i..];
    // The newest line is this `fc` command itself: not one to list or run.
    let count = sh.history.lines().len().saturating_sub(1);
    if again {
        let mut swap: Option<(&[u8], &[u8])> = None;
        if let Some(first) = operands.first()
            && let Some(eq) = first.iter().position(|&c| c == b'=')
        {
            swap = Some((&first[..eq], &first[eq + 1..]));
            operands = &operands[1..];
        }
        let Some(n) = find(sh, operands.first(), count) else {
            sh.utility_error(b"fc", "no such command in the history");
            return Ok(1);
        };
        let mut line = sh.history.lines()[n].clone();
        if let Some((old, new)) = swap
            && !old.is_empty()
            && let Some(at) = line.windows(old.len()).position(|w| w == old)
        {
            line.splice(at..at + old.len(), new.iter().copied());
        }
        let mut shown = line.clone();
        shown.push(b'\n');
        let _ = platform::fd::write_all(2, &shown);
        sh.last_status = 0;
        sh.eval_text(&line)?;
        return Ok(sh.last_status);
    }
    if !list {
        sh.utility_error(
            b"fc",
            "editing a command is not supported; fc -l lists, fc -s runs one again",
        );
        return Ok(2);
    }
    if count == 0 {
        return Ok(0);
    }
    let first = match operands.first() {
        Some(_) => find(sh, operands.first(), count),
        None => Some(count.saturating_sub(16)),
    };
    let last = match operands.get(1) {
        Some(_) => find(sh, operands.get(1), count),
        None => Some(count - 1),
    };
    let (Some(mut a), Some(mut b)) = (first, last) else {
        sh.utility_error(b"fc", "no such command in the history");
        return Ok(1);
    };
    if a > b {
        std::mem::swap(&mut a, &mut b);
        reverse = !reverse;
    }
    let mut picked: Vec<usize> = (a..=b).collect();
    if reverse {
        picked.reverse();
    }
    let mut out = Vec::new();
    for n in picked {
        if numbers {
            out.extend_from_slice(format!("{}\t", n + 1).as_bytes());
        }
        out.extend_from_slice(&sh.history.lines()[n]);
        out.push(b'\n');
    }
    Ok(write_out(sh, b"fc", &out))
}

/// The history line an `fc` operand names (an index): a number, a negative
/// offset from the end, or the start of the newest such line; the newest
/// line without one.
fn find(sh: &Shell, operand: Option<&Vec<u8>>, count: usize) -> Option<usize> {
    if count == 0 {
        return None;
    }
    let Some(op) = operand else {
        return Some(count - 1);
    };
    if let Some(n) = std::str::from_utf8(op)
        .ok()
        .and_then(|s| s.parse::<i64>().ok())
    {
        return if n < 0 {
            count.checked_sub(n.unsigned_abs() as usize)
        } else {
            Some((n.max(1) as usize - 1).min(count - 1))
        };
    }
    sh.history.lines()[..count]
        .iter()
        .rposition(|l| l.starts_with(op))
}
