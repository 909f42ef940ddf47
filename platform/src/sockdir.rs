//! Where the daemon's socket lives: a directory only its user can enter.
//!
//! `$XDG_RUNTIME_DIR/rush` when `$XDG_RUNTIME_DIR` is owned by us with mode
//! 0700 (the XDG Base Directory spec promises that, but we check), else
//! `${TMPDIR:-/tmp}/rush-$UID`. The directory is created 0700 and then
//! checked with `lstat`: a symlink, another owner or any group/other
//! permission bit is refused, never followed or repaired, because in a
//! shared `/tmp` any of those may be someone else's trap.

use crate::cvt;
use std::ffi::CString;
use std::io;
use std::mem;

/// The socket's file name inside the directory.
pub const SOCKET_NAME: &[u8] = b"rushd.sock";

fn cstr(path: &[u8]) -> io::Result<CString> {
    CString::new(path).map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))
}

/// `lstat(2)`: `(mode, uid)` of `path` itself, not of a symlink's target.
pub fn lstat(path: &[u8]) -> io::Result<(u32, u32)> {
    let c = cstr(path)?;
    // SAFETY: stat is plain old data; all-zero is a valid value.
    let mut st: libc::stat = unsafe { mem::zeroed() };
    // SAFETY: `c` is NUL-terminated and `st` valid to fill.
    cvt(unsafe { libc::lstat(c.as_ptr(), &mut st) })?;
    Ok((st.st_mode as u32, st.st_uid as u32))
}

/// Is `path` a directory (not a symlink to one) owned by the effective uid
/// with no permission bits for group or others?
fn check_private(path: &[u8]) -> io::Result<()> {
    let (mode, uid) = lstat(path)?;
    let shown = String::from_utf8_lossy(path);
    if mode & libc::S_IFMT as u32 != libc::S_IFDIR as u32 {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!("{shown} is not a directory (a symlink or other file is refused)"),
        ));
    }
    let me = crate::process::geteuid();
    if uid != me {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!("{shown} is owned by uid {uid}, not by us (uid {me})"),
        ));
    }
    if mode & 0o077 != 0 {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!("{shown} has mode {:o}; it must be 0700", mode & 0o777),
        ));
    }
    Ok(())
}

/// Create `path` with mode 0700 unless it exists, then check it is ours and
/// private ([`check_private`]).
pub fn ensure_private_dir(path: &[u8]) -> io::Result<()> {
    let c = cstr(path)?;
    // SAFETY: `c` is NUL-terminated for the call.
    match cvt(unsafe { libc::mkdir(c.as_ptr(), 0o700) }) {
        Ok(_) => {}
        Err(e) if e.raw_os_error() == Some(libc::EEXIST) => {}
        Err(e) => return Err(e),
    }
    check_private(path)
}

fn env(name: &str) -> Option<Vec<u8>> {
    use std::os::unix::ffi::OsStringExt;
    std::env::var_os(name)
        .map(|v| v.into_vec())
        .filter(|v| !v.is_empty())
}

/// The socket directory for this user, as bytes, without touching the file
/// system.
pub fn socket_dir_path() -> Vec<u8> {
    if let Some(mut run) = env("XDG_RUNTIME_DIR") {
        if check_private(&run).is_ok() {
            run.extend_from_slice(b"/rush");
            return run;
        }
    }
    let mut dir = env("TMPDIR").unwrap_or_else(|| b"/tmp".to_vec());
    while dir.len() > 1 && dir.ends_with(b"/") {
        dir.pop();
    }
    dir.extend_from_slice(format!("/rush-{}", crate::process::geteuid()).as_bytes());
    dir
}

/// The default socket path: [`socket_dir_path`] + `/rushd.sock`.
pub fn default_socket_path() -> Vec<u8> {
    let mut p = socket_dir_path();
    p.push(b'/');
    p.extend_from_slice(SOCKET_NAME);
    p
}

/// Make sure the directory holding `socket` exists and is private; for the
/// daemon, before it binds. Only the default directory is created; the
/// parent of a socket path given explicitly must already exist, and is
/// checked the same way.
pub fn prepare_socket_dir(socket: &[u8]) -> io::Result<()> {
    let dir = match socket.iter().rposition(|&b| b == b'/') {
        Some(0) => return Ok(()),
        Some(i) => &socket[..i],
        None => return Ok(()),
    };
    if dir == socket_dir_path().as_slice() {
        ensure_private_dir(dir)
    } else {
        check_private(dir)
    }
}

/// Remove `path` (a stale socket), ignoring "not found".
pub fn unlink(path: &[u8]) -> io::Result<()> {
    let c = cstr(path)?;
    // SAFETY: `c` is NUL-terminated for the call.
    match cvt(unsafe { libc::unlink(c.as_ptr()) }) {
        Err(e) if e.raw_os_error() != Some(libc::ENOENT) => Err(e),
        _ => Ok(()),
    }
}

/// The lock file that makes one daemon per socket: `<socket>.lock`, next to
/// the socket in the private directory.
pub fn lock_path(socket: &[u8]) -> Vec<u8> {
    let mut p = socket.to_vec();
    p.extend_from_slice(b".lock");
    p
}

/// Open (creating it 0600, never through a symlink) and lock `path` with
/// an exclusive `flock(2)`, without waiting. `Ok(None)`: another process
/// holds the lock. The lock lasts as long as the returned descriptor (and
/// any copy a `fork` made of it) stays open; it is close-on-exec. The file
/// is never removed: unlinking a lock file lets two processes lock two
/// different files of the same name.
pub fn try_lock(path: &[u8]) -> io::Result<Option<std::os::fd::OwnedFd>> {
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
    let c = cstr(path)?;
    // SAFETY: `c` is NUL-terminated for the call; the mode is an int vararg.
    let fd = cvt(unsafe {
        libc::open(
            c.as_ptr(),
            libc::O_RDWR | libc::O_CREAT | libc::O_CLOEXEC | libc::O_NOFOLLOW,
            0o600 as libc::c_uint,
        )
    })?;
    // SAFETY: `fd` was just returned by open(2) and is owned by nobody else.
    let fd = unsafe { OwnedFd::from_raw_fd(fd) };
    // SAFETY: flock has no memory-safety preconditions.
    match crate::cvt_retry(|| unsafe { libc::flock(fd.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) })
    {
        Ok(_) => Ok(Some(fd)),
        Err(e) if e.raw_os_error() == Some(libc::EWOULDBLOCK) => Ok(None),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::ffi::OsStrExt;

    fn tmp(name: &str) -> Vec<u8> {
        let p = std::env::temp_dir().join(format!("rush-sockdir-{}-{name}", std::process::id()));
        p.as_os_str().as_bytes().to_vec()
    }

    #[test]
    fn creates_private_dir() {
        let d = tmp("ok");
        ensure_private_dir(&d).unwrap();
        let (mode, _) = lstat(&d).unwrap();
        assert_eq!(mode & 0o777, 0o700);
        ensure_private_dir(&d).unwrap();
        std::fs::remove_dir(std::ffi::OsStr::from_bytes(&d)).unwrap();
    }

    #[test]
    fn refuses_open_mode_and_symlink() {
        let d = tmp("open");
        let p = std::ffi::OsStr::from_bytes(&d);
        std::fs::create_dir(p).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert!(ensure_private_dir(&d).is_err());
        std::fs::remove_dir(p).unwrap();

        let target = tmp("target");
        let link = tmp("link");
        std::fs::create_dir(std::ffi::OsStr::from_bytes(&target)).unwrap();
        std::os::unix::fs::symlink(
            std::ffi::OsStr::from_bytes(&target),
            std::ffi::OsStr::from_bytes(&link),
        )
        .unwrap();
        assert!(ensure_private_dir(&link).is_err());
        std::fs::remove_file(std::ffi::OsStr::from_bytes(&link)).unwrap();
        std::fs::remove_dir(std::ffi::OsStr::from_bytes(&target)).unwrap();
    }

    #[test]
    fn one_lock_holder_at_a_time() {
        let d = tmp("lock");
        ensure_private_dir(&d).unwrap();
        let mut sock = d.clone();
        sock.extend_from_slice(b"/s");
        let path = lock_path(&sock);
        let first = try_lock(&path).unwrap().expect("the first lock");
        assert!(try_lock(&path).unwrap().is_none(), "a second lock");
        drop(first);
        let again = try_lock(&path).unwrap();
        assert!(
            again.is_some(),
            "the lock is free once its holder closes it"
        );
        drop(again);
        std::fs::remove_dir_all(std::ffi::OsStr::from_bytes(&d)).unwrap();
    }
}
