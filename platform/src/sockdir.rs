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

/// Hold an exclusive `flock` on `<socket>.lock` (created 0600) until the
/// returned descriptor is closed. Daemons starting at once take it around
/// "is a daemon answering? if not, replace the socket and listen", so that
/// exactly one of them ends up serving: without it, one could take another's
/// bound-but-not-yet-listening socket for a crashed daemon's and unlink it.
pub fn lock_socket(socket: &[u8]) -> io::Result<std::os::fd::OwnedFd> {
    let mut path = socket.to_vec();
    path.extend_from_slice(b".lock");
    let fd = crate::fd::open_owned(
        &path,
        libc::O_RDWR | libc::O_CREAT | libc::O_NOFOLLOW | libc::O_CLOEXEC,
        0o600,
    )?;
    use std::os::fd::AsRawFd;
    // SAFETY: flock has no memory-safety preconditions.
    crate::cvt_retry(|| unsafe { libc::flock(fd.as_raw_fd(), libc::LOCK_EX) })?;
    Ok(fd)
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
}
