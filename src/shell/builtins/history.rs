//! `fc` (XCU `fc`: listing, editing and re-running) and `history`: the
//! lines entered at a prompt on a terminal, by the line editor or, with
//! `TERM=dumb`, as read ([`crate::shell::lineedit::History`]). Commands
//! piped to `rush -i` leave no history.

use std::os::unix::ffi::OsStrExt;

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
        out.extend_from_slice(format!("{:5}  ", sh.history.number(i)).as_bytes());
        out.extend_from_slice(line);
        out.push(b'\n');
    }
    Ok(write_out(sh, b"history", &out))
}

/// `fc -l [-nr] [first [last]]` lists history lines (the last 16 by
/// default, up to the one before this command); `fc -s [old=new] [first]`
/// runs one again (the one before by default), after replacing the first
/// `old` by `new`; `fc [-r] [-e editor] [first [last]]` lets an editor
/// change lines (the one before by default) and runs what it leaves.
/// `first` and `last` are history numbers, negative offsets from the end,
/// or the start of a line.
pub fn fc(sh: &mut Shell, args: &[Vec<u8>]) -> Result<i32, Divert> {
    let (mut list, mut numbers, mut reverse, mut again) = (false, true, false, false);
    let mut editor: Option<Vec<u8>> = None;
    let mut i = 1;
    'options: while let Some(a) = args.get(i) {
        if a == b"--" {
            i += 1;
            break;
        }
        if a.len() < 2 || a[0] != b'-' || a[1].is_ascii_digit() {
            break;
        }
        for (k, &c) in a.iter().enumerate().skip(1) {
            match c {
                b'l' => list = true,
                b'n' => numbers = false,
                b'r' => reverse = true,
                b's' => again = true,
                // The editor is the rest of the argument, or the next one.
                b'e' => {
                    let name = match &a[k + 1..] {
                        [] => {
                            i += 1;
                            args.get(i).cloned()
                        }
                        rest => Some(rest.to_vec()),
                    };
                    let Some(name) = name else {
                        sh.utility_error(b"fc", "-e: an editor's name is needed");
                        return Ok(2);
                    };
                    editor = Some(name);
                    i += 1;
                    continue 'options;
                }
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
        return show_and_run(sh, &line);
    }
    if !list {
        return edit(sh, editor, reverse, operands, count);
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
    let picked = match pick(sh, first, last, reverse) {
        Ok(picked) => picked,
        Err(status) => return Ok(status),
    };
    let mut out = Vec::new();
    for n in picked {
        if numbers {
            out.extend_from_slice(format!("{}\t", sh.history.number(n)).as_bytes());
        }
        out.extend_from_slice(&sh.history.lines()[n]);
        out.push(b'\n');
    }
    Ok(write_out(sh, b"fc", &out))
}

/// The history lines from `first` to `last` (indices), oldest first, or
/// newest first with `-r`; `first` may be the later one, which reverses
/// the order too. When either is not in the history, say so: `Err(1)`.
fn pick(
    sh: &Shell,
    first: Option<usize>,
    last: Option<usize>,
    mut reverse: bool,
) -> Result<Vec<usize>, i32> {
    let (Some(mut a), Some(mut b)) = (first, last) else {
        sh.utility_error(b"fc", "no such command in the history");
        return Err(1);
    };
    if a > b {
        std::mem::swap(&mut a, &mut b);
        reverse = !reverse;
    }
    let mut picked: Vec<usize> = (a..=b).collect();
    if reverse {
        picked.reverse();
    }
    Ok(picked)
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
            Some(sh.history.index(n.max(1) as usize).min(count - 1))
        };
    }
    sh.history.lines()[..count]
        .iter()
        .rposition(|l| l.starts_with(op))
}

/// `fc [-r] [-e editor] [first [last]]`: the lines are written to a new
/// file, `editor` (else `$FCEDIT`, else `ed`) edits it, and what the file
/// then holds is shown, entered into the history and run. When the editor
/// fails, nothing runs and its status is `fc`'s.
fn edit(
    sh: &mut Shell,
    editor: Option<Vec<u8>>,
    reverse: bool,
    operands: &[Vec<u8>],
    count: usize,
) -> Result<i32, Divert> {
    let first = find(sh, operands.first(), count);
    let last = match operands.get(1) {
        Some(_) => find(sh, operands.get(1), count),
        None => first,
    };
    let picked = match pick(sh, first, last, reverse) {
        Ok(picked) => picked,
        Err(status) => return Ok(status),
    };
    let mut text = Vec::new();
    for n in picked {
        text.extend_from_slice(&sh.history.lines()[n]);
        text.push(b'\n');
    }
    let editor = editor
        .or_else(|| {
            sh.vars
                .get(b"FCEDIT")
                .filter(|e| !e.is_empty())
                .map(<[u8]>::to_vec)
        })
        .unwrap_or_else(|| b"ed".to_vec());
    let path = match write_temp_file(sh, &text) {
        Ok(path) => path,
        Err(e) => return failed(sh, "cannot write a file to edit", &e),
    };
    // The editor's name may carry arguments (`FCEDIT='vi -n'`): it is
    // split as a command line is.
    let mut command = editor;
    command.push(b' ');
    command.extend_from_slice(&super::quote(&path));
    let ran = sh.eval_text(&command);
    let status = sh.last_status;
    let edited = crate::shell::cli::read_script(&path);
    let _ = std::fs::remove_file(std::ffi::OsStr::from_bytes(&path));
    ran?;
    if status != 0 {
        return Ok(status);
    }
    let edited = match edited {
        Ok(t) => t,
        Err(e) => return failed(sh, "cannot read the edited file", &e),
    };
    for line in edited.split(|&c| c == b'\n') {
        sh.history.add(line);
    }
    show_and_run(sh, &edited)
}

/// Show the commands `fc` runs again on standard error, then run them.
fn show_and_run(sh: &mut Shell, text: &[u8]) -> Result<i32, Divert> {
    let mut shown = text.to_vec();
    if !shown.ends_with(b"\n") {
        shown.push(b'\n');
    }
    let _ = platform::fd::write_all(2, &shown);
    sh.last_status = 0;
    sh.eval_text(text)?;
    Ok(sh.last_status)
}

/// `fc: what: why`, status 1.
fn failed(sh: &Shell, what: &str, e: &std::io::Error) -> Result<i32, Divert> {
    sh.utility_error(b"fc", format!("{what}: {}", super::describe_error(e)));
    Ok(1)
}

/// Write `text` to a new file of the user's own in `$TMPDIR` (else
/// `/tmp`), and give its path.
fn write_temp_file(sh: &Shell, text: &[u8]) -> std::io::Result<Vec<u8>> {
    use platform::fd::flags;
    use std::os::fd::AsRawFd;
    let dir = sh
        .vars
        .get(b"TMPDIR")
        .filter(|d| !d.is_empty())
        .unwrap_or(b"/tmp");
    let pid = platform::process::getpid();
    let mut last = std::io::Error::from(std::io::ErrorKind::AlreadyExists);
    for attempt in 0..64u32 {
        let salt = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let mut path = dir.to_vec();
        path.extend_from_slice(format!("/rush-fc-{pid}-{salt:x}{attempt}.sh").as_bytes());
        let made =
            platform::fd::open_owned(&path, flags::WRONLY | flags::CREAT | flags::EXCL, 0o600);
        match made {
            Ok(file) => {
                if let Err(e) = platform::fd::write_all(file.as_raw_fd(), text) {
                    let _ = std::fs::remove_file(std::ffi::OsStr::from_bytes(&path));
                    return Err(e);
                }
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = e,
            Err(e) => return Err(e),
        }
    }
    Err(last)
}
