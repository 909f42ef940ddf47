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
    // Not with a trap to run after: should the client's exec fail, the
    // shell's EXIT trap would have to run, and it is not there.
    if sh.may_hand_back_exec() && sh.no_trap_after() {
        // The client becomes the utility, as this shell would directly.
        match sh.try_hand_back(&path, fields, &env, 0) {
            Ok(()) => return Err(Divert::Replaced(status::SUCCESS)),
            Err(back) => fields = back,
        }
    }
    if sh.is_worker() {
        return exec_in_worker(sh, &path, fields, &env);
    }
    // The process is about to become another program: signals the shell
    // catches go back to their defaults (execve does that), and the
    // descriptors it saved are close-on-exec.
    let err = sh.exec_utility(&path, &mut fields, &env);
    Err(cannot_exec(sh, &fields[0], &err))
}

/// The utility could not be executed: say why, and end the shell with 127
/// (not found) or 126 (found, not executable).
fn cannot_exec(sh: &Shell, name: &[u8], err: &std::io::Error) -> Divert {
    let (message, code) = crate::shell::exec::simple::exec_error(name, err, false);
    sh.error(message);
    Divert::Exit(code)
}

/// `exec utility` in a daemon worker, which must outlive the job: the
/// utility runs as a child with everything an exec would give it (the
/// descriptors, environment and signal dispositions of the moment, the
/// job's process group), and the job then ends as the exec'd program
/// ended — with its exit status, or killed by its signal — running nothing
/// more of the shell.
fn exec_in_worker(
    sh: &mut Shell,
    path: &[u8],
    mut fields: Vec<Vec<u8>>,
    env: &[Vec<u8>],
) -> Result<i32, Divert> {
    match sh.spawn_utility(path, &mut fields, env) {
        Ok(pid) => Err(replaced_by(sh, pid)),
        Err(err) => Err(cannot_exec(sh, &fields[0], &err)),
    }
}

/// How a worker's job ends that stands in for a shell that replaced
/// itself with the utility `pid`: as that utility ends, with its exit
/// status or killed by its signal, running nothing more of the shell and
/// saying nothing of its death.
pub(crate) fn replaced_by(sh: &mut Shell, pid: platform::Pid) -> Divert {
    match sh.jobs.wait_status(pid) {
        Some(platform::process::WaitStatus::Signaled { signal, .. }) => Divert::Signaled(signal),
        Some(st) => Divert::Replaced(st.shell_status()),
        None => Divert::Replaced(status::NOT_FOUND),
    }
}
