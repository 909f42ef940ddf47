//! `exec`: replace the shell with a utility, or make redirections permanent.

use crate::shell::env::{Shell, status};
use crate::shell::exec::Divert;

/// `exec [utility [args...]]`. Without a utility, the redirections of the
/// command (already applied by the caller, unsaved) stay in effect.
pub fn exec(sh: &mut Shell, args: &[Vec<u8>]) -> Result<i32, Divert> {
    let mut first = 1;
    if args.get(1).map(|a| &a[..]) == Some(b"--") {
        first = 2;
    }
    if args.len() <= first {
        return Ok(0);
    }
    let mut fields = args[first..].to_vec();
    let Some(path) = sh.find_command(&fields[0]) else {
        sh.error(format!(
            "{}: not found",
            String::from_utf8_lossy(&fields[0])
        ));
        return Err(Divert::Exit(status::NOT_FOUND));
    };
    let env = sh.vars.environ();
    // The process is about to become another program: signals the shell
    // catches go back to their defaults (execve does that), and the
    // descriptors it saved are close-on-exec.
    let err = sh.exec_utility(&path, &mut fields, &env);
    let code = match err.raw_os_error() {
        Some(c) if c == platform::errno::ENOENT => status::NOT_FOUND,
        _ => status::NOT_EXECUTABLE,
    };
    sh.error(format!(
        "{}: {}",
        String::from_utf8_lossy(&fields[0]),
        super::describe_error(&err)
    ));
    Err(Divert::Exit(code))
}
