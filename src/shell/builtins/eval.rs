//! `eval` and `.` (dot).

use crate::shell::env::{Shell, status};
use crate::shell::exec::Divert;
use crate::shell::syntax::Parser;

/// `eval args...`: join the arguments with spaces and run the result.
pub fn eval(sh: &mut Shell, args: &[Vec<u8>]) -> Result<i32, Divert> {
    sh.nesting_room(b"eval")?;
    let mut text = Vec::new();
    for (i, a) in args[1..].iter().enumerate() {
        if i > 0 {
            text.push(b' ');
        }
        text.extend_from_slice(a);
    }
    sh.eval_depth += 1;
    let r = sh.run_commands_of(|sh| sh.eval_text(&text));
    sh.eval_depth -= 1;
    r?;
    Ok(sh.last_status)
}

/// `. file [args]`: run the commands of `file` (searched in PATH when it has
/// no slash) in the current environment.
pub fn dot(sh: &mut Shell, args: &[Vec<u8>]) -> Result<i32, Divert> {
    let mut first = 1;
    if args.get(1).map(|a| &a[..]) == Some(b"--") {
        first = 2;
    }
    let Some(name) = args.get(first) else {
        sh.utility_error(b".", "filename argument required");
        return Err(Divert::Error(status::USAGE));
    };
    sh.nesting_room(b".")?;
    let path = if name.contains(&b'/') {
        Some(name.clone())
    } else {
        sh.search_path_readable(name)
    };
    let Some(path) = path else {
        sh.utility_error(
            b".",
            format!("{}: not found", String::from_utf8_lossy(name)),
        );
        return Err(Divert::Error(status::USAGE));
    };
    let extra = &args[first + 1..];
    if let Some(parsed) = sh.warm_file(&path) {
        return match parsed {
            Ok(parsed) => run_dot(sh, &path, extra, |sh| sh.run_parsed(&parsed, false)),
            Err(e) => dot_open_error(sh, name, &e),
        };
    }
    let text = match crate::shell::cli::read_script(&path) {
        Ok(text) => text,
        Err(e) => return dot_open_error(sh, name, &e),
    };
    run_dot(sh, &path, extra, |sh| {
        let mut parser = Parser::from_bytes(&text, 1);
        sh.run_program(&mut parser, false)
    })
}

fn dot_open_error(sh: &Shell, name: &[u8], e: &std::io::Error) -> Result<i32, Divert> {
    sh.utility_error(
        b".",
        format!(
            "cannot open {}: {}",
            String::from_utf8_lossy(name),
            super::describe_error(e)
        ),
    );
    Err(Divert::Error(status::USAGE))
}

/// Run a dot file's commands (`body`) in the current environment, with
/// `extra` as positional parameters if given; `return` ends it.
fn run_dot(
    sh: &mut Shell,
    path: &[u8],
    extra: &[Vec<u8>],
    body: impl FnOnce(&mut Shell) -> crate::shell::exec::Exec,
) -> Result<i32, Divert> {
    let saved_positional = if extra.is_empty() {
        None
    } else {
        Some(std::mem::replace(&mut sh.positional, extra.to_vec()))
    };
    let saved_line = sh.lineno;
    let saved_label = std::mem::replace(&mut sh.source_label, path.to_vec());
    sh.dot_depth += 1;
    let r = sh.run_commands_of(body);
    sh.dot_depth -= 1;
    sh.lineno = saved_line;
    sh.source_label = saved_label;
    if let Some(p) = saved_positional {
        sh.positional = p;
    }
    match r {
        Ok(()) => Ok(sh.last_status),
        Err(Divert::Return(s)) => Ok(s),
        Err(d) => Err(d),
    }
}

impl Shell {
    /// Search PATH for a readable file named `name` (for `.`).
    pub fn search_path_readable(&self, name: &[u8]) -> Option<Vec<u8>> {
        let path_var = self
            .vars
            .get(b"PATH")
            .unwrap_or(b"/usr/local/bin:/usr/bin:/bin");
        for dir in path_var.split(|&c| c == b':') {
            let mut candidate = if dir.is_empty() {
                b".".to_vec()
            } else {
                dir.to_vec()
            };
            candidate.push(b'/');
            candidate.extend_from_slice(name);
            use std::os::unix::ffi::OsStrExt;
            if std::fs::metadata(std::ffi::OsStr::from_bytes(&candidate)).is_ok_and(|m| m.is_file())
            {
                return Some(candidate);
            }
        }
        None
    }
}
