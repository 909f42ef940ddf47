//! Builtin utilities: the special builtins of XCU 2.15 and the regular
//! builtins a shell must provide to be useful and fast.

pub mod alias;
pub mod cd;
pub mod command;
pub mod echo;
pub mod eval;
pub mod exec;
pub mod export;
pub mod flow;
pub mod getopts;
pub mod history;
pub mod kill;
pub mod printf;
pub mod read;
pub mod set;
pub mod test;
pub mod times;
pub mod trap;
pub mod ulimit;
pub mod umask;
pub mod wait;

use crate::shell::env::Shell;
use crate::shell::exec::Divert;

/// A builtin's entry point: the shell and the fields (name first). Returns
/// the exit status, or a divert (`exit`, `return`, a fatal error).
pub type Run = fn(&mut Shell, &[Vec<u8>]) -> Result<i32, Divert>;

/// One builtin.
pub struct Builtin {
    pub name: &'static [u8],
    /// A special builtin (XCU 2.15): found before functions; assignments
    /// before it persist; its errors end a non-interactive shell.
    pub special: bool,
    pub run: Run,
}

impl Builtin {
    /// Does a non-zero status from this special builtin mean a usage error
    /// that ends a non-interactive shell? Not for those whose status is
    /// information (`return`, `exit`, `eval`, `.`, `:`, `break` ...).
    pub fn fatal_on_error(&self) -> bool {
        matches!(
            self.name,
            b"export" | b"readonly" | b"set" | b"shift" | b"unset"
        )
    }
}

macro_rules! builtin {
    ($name:literal, $special:literal, $run:path) => {
        Builtin {
            name: $name,
            special: $special,
            run: $run,
        }
    };
}

static BREAK: Builtin = builtin!(b"break", true, flow::break_);
static COLON: Builtin = builtin!(b":", true, flow::colon);
static CONTINUE: Builtin = builtin!(b"continue", true, flow::continue_);
static DOT: Builtin = builtin!(b".", true, eval::dot);
static EVAL: Builtin = builtin!(b"eval", true, eval::eval);
static EXEC: Builtin = builtin!(b"exec", true, exec::exec);
static EXIT: Builtin = builtin!(b"exit", true, flow::exit);
static EXPORT: Builtin = builtin!(b"export", true, export::export);
static READONLY: Builtin = builtin!(b"readonly", true, export::readonly);
static RETURN: Builtin = builtin!(b"return", true, flow::return_);
static SET: Builtin = builtin!(b"set", true, set::set);
static SHIFT: Builtin = builtin!(b"shift", true, set::shift);
static TIMES: Builtin = builtin!(b"times", true, times::times);
static TRAP: Builtin = builtin!(b"trap", true, trap::trap);
static UNSET: Builtin = builtin!(b"unset", true, export::unset);

static ALIAS: Builtin = builtin!(b"alias", false, alias::alias);
static BRACKET: Builtin = builtin!(b"[", false, test::bracket);
static CD: Builtin = builtin!(b"cd", false, cd::cd);
static COMMAND: Builtin = builtin!(b"command", false, command::command);
static ECHO: Builtin = builtin!(b"echo", false, echo::run);
static FALSE: Builtin = builtin!(b"false", false, flow::false_);
static GETOPTS: Builtin = builtin!(b"getopts", false, getopts::getopts);
static HASH: Builtin = builtin!(b"hash", false, command::hash);
static JOBS: Builtin = builtin!(b"jobs", false, wait::jobs);
static FG: Builtin = builtin!(b"fg", false, wait::fg);
static FC: Builtin = builtin!(b"fc", false, history::fc);
static HISTORY: Builtin = builtin!(b"history", false, history::history);
static BG: Builtin = builtin!(b"bg", false, wait::bg);
static KILL: Builtin = builtin!(b"kill", false, kill::kill);
static LOCAL: Builtin = builtin!(b"local", false, export::local);
static PRINTF: Builtin = builtin!(b"printf", false, printf::run);
static PWD: Builtin = builtin!(b"pwd", false, cd::pwd);
static READ: Builtin = builtin!(b"read", false, read::read);
static TEST: Builtin = builtin!(b"test", false, test::run);
static TRUE: Builtin = builtin!(b"true", false, flow::true_);
static TYPE: Builtin = builtin!(b"type", false, command::type_);
static ULIMIT: Builtin = builtin!(b"ulimit", false, ulimit::ulimit);
static UMASK: Builtin = builtin!(b"umask", false, umask::run);
static UNALIAS: Builtin = builtin!(b"unalias", false, alias::unalias);
static WAIT: Builtin = builtin!(b"wait", false, wait::wait);

/// Every builtin, for the prompt's completion of command names.
pub static ALL: [&Builtin; 40] = [
    &BREAK, &COLON, &CONTINUE, &DOT, &EVAL, &EXEC, &EXIT, &EXPORT, &READONLY, &RETURN, &SET,
    &SHIFT, &TIMES, &TRAP, &UNSET, &ALIAS, &BRACKET, &CD, &COMMAND, &ECHO, &FALSE, &GETOPTS, &HASH,
    &JOBS, &FG, &FC, &HISTORY, &BG, &KILL, &LOCAL, &PRINTF, &PWD, &READ, &TEST, &TRUE, &TYPE,
    &ULIMIT, &UMASK, &UNALIAS, &WAIT,
];

/// Find a builtin by name.
pub fn lookup(name: &[u8]) -> Option<&'static Builtin> {
    Some(match name {
        b"break" => &BREAK,
        b":" => &COLON,
        b"continue" => &CONTINUE,
        b"." => &DOT,
        b"eval" => &EVAL,
        b"exec" => &EXEC,
        b"exit" => &EXIT,
        b"export" => &EXPORT,
        b"readonly" => &READONLY,
        b"return" => &RETURN,
        b"set" => &SET,
        b"shift" => &SHIFT,
        b"times" => &TIMES,
        b"trap" => &TRAP,
        b"unset" => &UNSET,
        b"alias" => &ALIAS,
        b"[" => &BRACKET,
        b"cd" | b"chdir" => &CD,
        b"command" => &COMMAND,
        b"echo" => &ECHO,
        b"false" => &FALSE,
        b"getopts" => &GETOPTS,
        b"hash" => &HASH,
        b"jobs" => &JOBS,
        b"fg" => &FG,
        b"fc" => &FC,
        b"history" => &HISTORY,
        b"bg" => &BG,
        b"kill" => &KILL,
        b"local" => &LOCAL,
        b"printf" => &PRINTF,
        b"pwd" => &PWD,
        b"read" => &READ,
        b"test" => &TEST,
        b"true" => &TRUE,
        b"type" => &TYPE,
        b"ulimit" => &ULIMIT,
        b"umask" => &UMASK,
        b"unalias" => &UNALIAS,
        b"wait" => &WAIT,
        _ => return None,
    })
}

/// The system's description of an I/O error, without Rust's
/// "(os error N)" suffix.
pub fn describe_error(e: &std::io::Error) -> String {
    match e.raw_os_error() {
        Some(code) => platform::errno::describe(code),
        None => e.to_string(),
    }
}

/// Write a builtin's output to its standard output. A failure (a closed
/// pipe, a full disk) is reported as the builtin's error with status 1.
pub fn write_out(sh: &Shell, name: &[u8], data: &[u8]) -> i32 {
    write_fd(sh, name, 1, data)
}

/// Write to `fd`, reporting a failure as `name: write error: ...`.
pub fn write_fd(sh: &Shell, name: &[u8], fd: i32, data: &[u8]) -> i32 {
    if data.is_empty() {
        return 0;
    }
    match platform::fd::write_all(fd, data) {
        Ok(()) => 0,
        Err(e) => {
            // Run directly, SIGPIPE or SIGXFSZ would have ended us unless
            // ignored or trapped; a worker emulates that, silently as the
            // real one.
            if e.raw_os_error()
                .is_some_and(|code| sh.note_write_signal(code))
            {
                return 1;
            }
            sh.utility_error(name, format!("write error: {}", describe_error(&e)));
            1
        }
    }
}

/// Quote `s` for reuse as shell input, as `set`, `export -p`, `alias` and
/// `set -x` print values: unchanged when it needs no quoting, else in
/// single quotes with `'` written as `'\''`.
pub fn quote(s: &[u8]) -> Vec<u8> {
    let plain = !s.is_empty()
        && s.iter().all(|&c| {
            c.is_ascii_alphanumeric()
                || matches!(
                    c,
                    b'_' | b'-' | b'.' | b'/' | b',' | b'+' | b':' | b'@' | b'%' | b'='
                )
        });
    if plain {
        return s.to_vec();
    }
    let mut out = Vec::with_capacity(s.len() + 2);
    out.push(b'\'');
    for &c in s {
        if c == b'\'' {
            out.extend_from_slice(b"'\\''");
        } else {
            out.push(c);
        }
    }
    out.push(b'\'');
    out
}

/// Parse a decimal operand (e.g. `exit 3`, `shift 2`), allowing a sign.
pub fn parse_int(s: &[u8]) -> Option<i64> {
    let text = std::str::from_utf8(s).ok()?;
    let text = text.trim_matches(|c: char| c == ' ' || c == '\t');
    if text.is_empty() {
        return None;
    }
    text.parse().ok()
}

/// Split leading options from operands: `-abc` clusters up to `--` or the
/// first operand. Returns `(option letters, index of the first operand)`;
/// `Err(letter)` for a letter not in `allowed`.
pub fn parse_flags(args: &[Vec<u8>], allowed: &[u8]) -> Result<(Vec<u8>, usize), u8> {
    let mut letters = Vec::new();
    let mut i = 1;
    while i < args.len() {
        let a = &args[i];
        if a == b"--" {
            i += 1;
            break;
        }
        if a.len() < 2 || a[0] != b'-' {
            break;
        }
        for &c in &a[1..] {
            if !allowed.contains(&c) {
                return Err(c);
            }
            letters.push(c);
        }
        i += 1;
    }
    Ok((letters, i))
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_builtin_is_listed_and_found_by_its_name() {
        for b in super::ALL {
            assert!(std::ptr::eq(super::lookup(b.name).unwrap(), b));
        }
    }

    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(quote(b"abc"), b"abc");
        assert_eq!(quote(b""), b"''");
        assert_eq!(quote(b"a b"), b"'a b'");
        assert_eq!(quote(b"it's"), b"'it'\\''s'");
    }

    #[test]
    fn flags() {
        let args: Vec<Vec<u8>> = vec![
            b"x".to_vec(),
            b"-ab".to_vec(),
            b"--".to_vec(),
            b"-c".to_vec(),
        ];
        assert_eq!(parse_flags(&args, b"ab"), Ok((b"ab".to_vec(), 3)));
        assert_eq!(parse_flags(&args, b"a"), Err(b'b'));
    }

    #[test]
    fn every_builtin_is_found() {
        for name in [&b"break"[..], b":", b".", b"[", b"wait", b"local"] {
            assert_eq!(lookup(name).map(|b| b.name), Some(name));
        }
        assert!(lookup(b"ls").is_none());
    }
}
