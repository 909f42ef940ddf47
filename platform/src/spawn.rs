//! Starting utilities with `posix_spawn(3)`: no shell code runs in the
//! child, and glibc implements it with `CLONE_VM | CLONE_VFORK`, so the
//! parent's memory is never copied — the fastest safe way to start a
//! program from a shell (and the reason the shell does not fork for it).

use crate::{Pid, cvt};
use std::ffi::CStr;
use std::io;
use std::os::fd::RawFd;

/// What to do to the child's descriptors before it runs.
#[derive(Clone, Copy, Debug)]
pub enum FdAction {
    /// `dup2(from, to)` (clears close-on-exec on `to`).
    Dup2(RawFd, RawFd),
    Close(RawFd),
}

/// Attributes of the new process.
#[derive(Clone, Copy, Debug, Default)]
pub struct Attrs {
    /// Put the child in this process group (`Some(0)`: a new group led by
    /// the child).
    pub pgroup: Option<Pid>,
    /// Signals (bit n = signal n) to reset to their default action in the
    /// child: the ones the shell catches. Ignored signals stay ignored.
    pub sigdefault: u64,
    /// The child's signal mask, if it should differ from the caller's.
    pub sigmask: Option<u64>,
}

/// Turn NUL-terminated byte strings into C string pointers, checked.
fn to_ptrs<S: AsRef<[u8]>>(strings: &[S]) -> io::Result<Vec<*const libc::c_char>> {
    let mut ptrs = Vec::with_capacity(strings.len() + 1);
    for s in strings {
        let c = CStr::from_bytes_with_nul(s.as_ref())
            .map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
        ptrs.push(c.as_ptr());
    }
    ptrs.push(std::ptr::null());
    Ok(ptrs)
}

fn sigset(set: u64) -> libc::sigset_t {
    // SAFETY: sigset_t is plain old data; sigemptyset initialises it.
    let mut s: libc::sigset_t = unsafe { std::mem::zeroed() };
    // SAFETY: `s` is a valid sigset_t.
    unsafe { libc::sigemptyset(&mut s) };
    for n in 1..crate::signal::NSIG {
        if set & crate::signal::bit(n) != 0 {
            // SAFETY: `s` is initialised and `n` is a valid signal number.
            unsafe { libc::sigaddset(&mut s, n) };
        }
    }
    s
}

/// RAII for `posix_spawn_file_actions_t`.
struct FileActions(libc::posix_spawn_file_actions_t);

impl Drop for FileActions {
    fn drop(&mut self) {
        // SAFETY: initialised in `spawn` before this guard was built.
        unsafe { libc::posix_spawn_file_actions_destroy(&mut self.0) };
    }
}

/// RAII for `posix_spawnattr_t`.
struct SpawnAttr(libc::posix_spawnattr_t);

impl Drop for SpawnAttr {
    fn drop(&mut self) {
        // SAFETY: initialised in `spawn` before this guard was built.
        unsafe { libc::posix_spawnattr_destroy(&mut self.0) };
    }
}

fn check(r: libc::c_int) -> io::Result<()> {
    if r == 0 {
        Ok(())
    } else {
        Err(io::Error::from_raw_os_error(r))
    }
}

/// Start `path` with `argv` and `envp` (each string NUL-terminated).
/// Errors from the exec in the child (`ENOENT`, `EACCES`, `ENOEXEC`) are
/// returned here, as glibc and the BSDs report them.
pub fn spawn(
    path: &[u8],
    argv: &[Vec<u8>],
    envp: &[Vec<u8>],
    attrs: &Attrs,
    actions: &[FdAction],
) -> io::Result<Pid> {
    let path =
        CStr::from_bytes_with_nul(path).map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
    let argv = to_ptrs(argv)?;
    let envp = to_ptrs(envp)?;

    // SAFETY: zeroed memory is a valid argument for posix_spawn_file_actions_init.
    let mut fa = FileActions(unsafe { std::mem::zeroed() });
    // SAFETY: `fa.0` is valid storage for the object being initialised.
    check(unsafe { libc::posix_spawn_file_actions_init(&mut fa.0) })?;
    for action in actions {
        match *action {
            FdAction::Dup2(from, to) => {
                // SAFETY: `fa.0` is initialised.
                check(unsafe { libc::posix_spawn_file_actions_adddup2(&mut fa.0, from, to) })?
            }
            FdAction::Close(fd) => {
                // SAFETY: `fa.0` is initialised.
                check(unsafe { libc::posix_spawn_file_actions_addclose(&mut fa.0, fd) })?
            }
        }
    }

    // SAFETY: zeroed memory is a valid argument for posix_spawnattr_init.
    let mut at = SpawnAttr(unsafe { std::mem::zeroed() });
    // SAFETY: `at.0` is valid storage for the object being initialised.
    check(unsafe { libc::posix_spawnattr_init(&mut at.0) })?;
    let mut flags: libc::c_int = 0;
    if let Some(pgroup) = attrs.pgroup {
        flags |= libc::POSIX_SPAWN_SETPGROUP;
        // SAFETY: `at.0` is initialised.
        check(unsafe { libc::posix_spawnattr_setpgroup(&mut at.0, pgroup) })?;
    }
    if attrs.sigdefault != 0 {
        flags |= libc::POSIX_SPAWN_SETSIGDEF;
        let set = sigset(attrs.sigdefault);
        // SAFETY: `at.0` is initialised and `set` is a valid sigset_t.
        check(unsafe { libc::posix_spawnattr_setsigdefault(&mut at.0, &set) })?;
    }
    if let Some(mask) = attrs.sigmask {
        flags |= libc::POSIX_SPAWN_SETSIGMASK;
        let set = sigset(mask);
        // SAFETY: `at.0` is initialised and `set` is a valid sigset_t.
        check(unsafe { libc::posix_spawnattr_setsigmask(&mut at.0, &set) })?;
    }
    // SAFETY: `at.0` is initialised.
    check(unsafe { libc::posix_spawnattr_setflags(&mut at.0, flags as _) })?;

    let mut pid: libc::pid_t = 0;
    // SAFETY: every pointer is valid for the call: `path` is NUL-terminated,
    // `argv`/`envp` are NULL-terminated arrays of NUL-terminated strings that
    // outlive the call, and both attribute objects are initialised.
    let r = unsafe {
        libc::posix_spawn(
            &mut pid,
            path.as_ptr(),
            &fa.0,
            &at.0,
            argv.as_ptr() as *const *mut libc::c_char,
            envp.as_ptr() as *const *mut libc::c_char,
        )
    };
    check(r)?;
    Ok(pid)
}

/// Replace the process image (`execve(2)`), with NUL-terminated strings.
/// Returns only on failure.
pub fn exec<A: AsRef<[u8]>, E: AsRef<[u8]>>(path: &[u8], argv: &[A], envp: &[E]) -> io::Error {
    let Ok(path) = CStr::from_bytes_with_nul(path) else {
        return io::Error::from_raw_os_error(libc::EINVAL);
    };
    let (argv, envp) = match (to_ptrs(argv), to_ptrs(envp)) {
        (Ok(a), Ok(e)) => (a, e),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    // SAFETY: `path`, `argv` and `envp` are valid NUL-terminated strings in
    // NULL-terminated arrays that live until execve returns.
    let r = unsafe { libc::execve(path.as_ptr(), argv.as_ptr(), envp.as_ptr()) };
    let _ = cvt(r);
    io::Error::last_os_error()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn z(s: &str) -> Vec<u8> {
        let mut v = s.as_bytes().to_vec();
        v.push(0);
        v
    }

    #[test]
    fn spawn_true_and_missing() {
        let pid = spawn(
            &z("/bin/sh"),
            &[z("sh"), z("-c"), z("exit 3")],
            &[],
            &Attrs::default(),
            &[],
        )
        .unwrap();
        let st = crate::process::wait_pid_blocking(pid).unwrap();
        assert_eq!(st, crate::process::WaitStatus::Exited(3));
        let err = spawn(&z("/nonexistent/x"), &[z("x")], &[], &Attrs::default(), &[]).unwrap_err();
        assert_eq!(err.raw_os_error(), Some(libc::ENOENT));
    }
}
