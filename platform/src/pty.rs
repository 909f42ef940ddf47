//! Pseudo-terminals, so that tests can drive an interactive shell the way
//! a terminal emulator does: the master side plays the keyboard and the
//! screen, the slave side is the shell's controlling terminal.

use crate::{cvt, cvt_retry};
use std::ffi::CStr;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::process::CommandExt;
use std::process::Command;

/// A freshly opened pseudo-terminal pair, both ends close-on-exec.
pub struct Pty {
    /// What a terminal emulator holds: writing to it types, reading from it
    /// shows what the programs on the terminal printed (and the echo).
    pub master: OwnedFd,
    /// The terminal device (`/dev/pts/N`) the programs run on, opened
    /// without becoming anybody's controlling terminal (`O_NOCTTY`): a
    /// child takes it with [`make_controlling_terminal`].
    pub slave: OwnedFd,
}

/// Open a new pseudo-terminal: `posix_openpt(3)`, `grantpt(3)`,
/// `unlockpt(3)`, then the slave by its name.
pub fn open() -> io::Result<Pty> {
    let master = open_master()?;
    let m = master.as_raw_fd();
    // SAFETY: grantpt has no memory-safety preconditions.
    cvt(unsafe { libc::grantpt(m) })?;
    // SAFETY: unlockpt has no memory-safety preconditions.
    cvt(unsafe { libc::unlockpt(m) })?;
    let name = slave_name(m)?;
    let slave = crate::fd::open_owned(&name, libc::O_RDWR | libc::O_NOCTTY, 0)?;
    Ok(Pty { master, slave })
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn open_master() -> io::Result<OwnedFd> {
    // Linux's posix_openpt is open("/dev/ptmx", flags) and takes O_CLOEXEC,
    // so no exec in another thread can inherit the master.
    // SAFETY: posix_openpt has no memory-safety preconditions.
    let fd = cvt(unsafe { libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY | libc::O_CLOEXEC) })?;
    // SAFETY: posix_openpt just returned `fd`; nobody else owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn open_master() -> io::Result<OwnedFd> {
    // POSIX names only O_RDWR and O_NOCTTY for posix_openpt(3), and macOS
    // rejects any other flag (EINVAL), so close-on-exec is set afterwards.
    // SAFETY: posix_openpt has no memory-safety preconditions.
    let fd = cvt(unsafe { libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY) })?;
    // SAFETY: posix_openpt just returned `fd`; nobody else owns it.
    let master = unsafe { OwnedFd::from_raw_fd(fd) };
    crate::fd::set_cloexec(fd, true)?;
    Ok(master)
}

/// The path of the slave device of `master`.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn slave_name(master: RawFd) -> io::Result<Vec<u8>> {
    let mut buf = [0 as libc::c_char; 128];
    // SAFETY: `buf` is valid for writes of its length; ptsname_r
    // NUL-terminates within it on success.
    let r = unsafe { libc::ptsname_r(master, buf.as_mut_ptr(), buf.len()) };
    if r != 0 {
        return Err(io::Error::from_raw_os_error(r));
    }
    // SAFETY: ptsname_r succeeded, so `buf` holds a NUL-terminated string.
    Ok(unsafe { CStr::from_ptr(buf.as_ptr()) }.to_bytes().to_vec())
}

/// The path of the slave device of `master`.
#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn slave_name(master: RawFd) -> io::Result<Vec<u8>> {
    // ptsname(3) returns a static buffer (and macOS has no ptsname_r in
    // libc), so callers take turns.
    static PTSNAME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _turn = PTSNAME.lock().unwrap_or_else(|e| e.into_inner());
    // SAFETY: ptsname has no memory-safety preconditions.
    let p = unsafe { libc::ptsname(master) };
    if p.is_null() {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: a non-null result is a NUL-terminated string that stays valid
    // until the next ptsname, which `_turn` holds off.
    Ok(unsafe { CStr::from_ptr(p) }.to_bytes().to_vec())
}

/// Set the terminal's size (`TIOCSWINSZ`), as a terminal emulator does when
/// its window changes; the foreground group gets `SIGWINCH`.
pub fn set_window_size(fd: RawFd, rows: u16, cols: u16) -> io::Result<()> {
    let size = libc::winsize {
        ws_row: rows,
        ws_col: cols,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: `size` is a valid winsize that TIOCSWINSZ only reads.
    cvt_retry(|| unsafe { libc::ioctl(fd, libc::TIOCSWINSZ, &size) }).map(drop)
}

/// Make the terminal open on `slave` the controlling terminal of the
/// calling process, in a new session it leads: `setsid(2)`, then
/// `ioctl(TIOCSCTTY)`.
///
/// Meant for a child between fork and exec (a `pre_exec` hook), so it is
/// async-signal-safe: two system calls, no allocation (an `io::Error` made
/// from errno does not allocate).
pub fn make_controlling_terminal(slave: RawFd) -> io::Result<()> {
    crate::process::setsid()?;
    // The argument 0 means "do not steal it from another session"
    // (tty_ioctl(4)).
    // SAFETY: TIOCSCTTY takes an int by value and touches no memory of ours.
    cvt(unsafe { libc::ioctl(slave, libc::TIOCSCTTY as _, 0 as libc::c_int) }).map(drop)
}

/// Have `cmd`'s child call [`make_controlling_terminal`] on `fd` (a
/// descriptor number in the child, after its stdio is set up: 0 for a
/// terminal given as stdin) just before it executes the program, so that
/// it starts as a session leader with that terminal, as a terminal emulator
/// starts a shell. The hook keeps the `unsafe` of `pre_exec` in this crate.
pub fn start_session_on(cmd: &mut Command, fd: RawFd) -> &mut Command {
    // SAFETY: the hook runs in the child between fork and exec, where only
    // async-signal-safe work is allowed; make_controlling_terminal makes
    // two system calls and allocates nothing.
    unsafe { cmd.pre_exec(move || make_controlling_terminal(fd)) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    /// Read from `master` until `want` has appeared or 5 seconds have
    /// passed.
    fn read_until(master: RawFd, want: &[u8]) -> Vec<u8> {
        let deadline = Instant::now() + Duration::from_secs(5);
        let mut got = Vec::new();
        let mut chunk = [0u8; 256];
        while !got.windows(want.len()).any(|w| w == want) {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(!left.is_zero(), "timed out; read {got:?}");
            if !crate::fd::poll_readable(master, left.as_millis() as i32).unwrap() {
                continue;
            }
            match crate::fd::read_retry(master, &mut chunk) {
                Ok(0) => break,
                Ok(n) => got.extend_from_slice(&chunk[..n]),
                Err(e) => panic!("read: {e}; read {got:?}"),
            }
        }
        got
    }

    #[test]
    fn slave_output_reaches_the_master() {
        let pty = open().unwrap();
        assert!(crate::fd::isatty(pty.slave.as_raw_fd()));
        crate::fd::write_all(pty.slave.as_raw_fd(), b"hello\n").unwrap();
        // The line discipline turns "\n" into "\r\n" on output (ONLCR).
        let got = read_until(pty.master.as_raw_fd(), b"hello\r\n");
        assert_eq!(got, b"hello\r\n");
    }

    #[test]
    fn master_input_reaches_the_slave() {
        let pty = open().unwrap();
        set_window_size(pty.slave.as_raw_fd(), 24, 80).unwrap();
        crate::fd::write_all(pty.master.as_raw_fd(), b"typed\n").unwrap();
        let got = read_until(pty.slave.as_raw_fd(), b"typed\n");
        assert_eq!(got, b"typed\n");
    }
}
