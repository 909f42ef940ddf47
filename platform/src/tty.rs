//! The controlling terminal, for job control: its foreground process
//! group and its modes.

use crate::{Pid, cvt, cvt_retry};
use std::io;
use std::os::fd::RawFd;

/// `tcgetpgrp(3)`: the terminal's foreground process group.
pub fn foreground_group(fd: RawFd) -> io::Result<Pid> {
    // SAFETY: tcgetpgrp has no memory-safety preconditions.
    cvt(unsafe { libc::tcgetpgrp(fd) })
}

/// `tcsetpgrp(3)`: make `pgid` the terminal's foreground process group.
/// The caller ignores or blocks SIGTTOU when it is not in the foreground
/// itself.
pub fn set_foreground_group(fd: RawFd, pgid: Pid) -> io::Result<()> {
    // SAFETY: tcsetpgrp has no memory-safety preconditions.
    cvt_retry(|| unsafe { libc::tcsetpgrp(fd, pgid) }).map(drop)
}

/// A terminal's modes (`struct termios`), saved to be put back.
#[derive(Clone, Copy)]
pub struct Modes(libc::termios);

impl std::fmt::Debug for Modes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Modes")
    }
}

/// `tcgetattr(3)`.
pub fn modes(fd: RawFd) -> io::Result<Modes> {
    // SAFETY: termios is plain old data; tcgetattr fills it.
    let mut t: libc::termios = unsafe { std::mem::zeroed() };
    // SAFETY: `t` is a valid termios for tcgetattr to fill.
    cvt(unsafe { libc::tcgetattr(fd, &mut t) })?;
    Ok(Modes(t))
}

/// `tcsetattr(3)` with `TCSADRAIN`: put saved modes back once pending
/// output is written.
pub fn set_modes(fd: RawFd, modes: &Modes) -> io::Result<()> {
    // SAFETY: `modes.0` is a termios that tcgetattr filled.
    cvt_retry(|| unsafe { libc::tcsetattr(fd, libc::TCSADRAIN, &modes.0) }).map(drop)
}

/// `modes` for reading keys one at a time: no line discipline editing
/// (`ICANON`), no echo, a read returns as soon as one byte is there; signals
/// from the keyboard (^C, ^Z) and output processing stay as they were.
pub fn keystroke_modes(modes: &Modes) -> Modes {
    let mut t = modes.0;
    t.c_lflag &= !(libc::ICANON | libc::ECHO | libc::IEXTEN);
    t.c_iflag &= !(libc::IXON | libc::ICRNL | libc::INLCR);
    t.c_cc[libc::VMIN] = 1;
    t.c_cc[libc::VTIME] = 0;
    Modes(t)
}

/// The terminal's width in columns (`TIOCGWINSZ`), when it says.
pub fn columns(fd: RawFd) -> Option<usize> {
    // SAFETY: winsize is plain old data; the ioctl fills it.
    let mut ws: libc::winsize = unsafe { std::mem::zeroed() };
    // SAFETY: TIOCGWINSZ writes one winsize to the pointer, which is valid.
    let r = unsafe { libc::ioctl(fd, libc::TIOCGWINSZ, &mut ws) };
    (r == 0 && ws.ws_col > 0).then_some(ws.ws_col as usize)
}

/// Does this process have a controlling terminal? It has one when
/// `/dev/tty` opens (the kernel's name for it); a process without one
/// gets `ENXIO` at once.
pub fn has_controlling_terminal() -> bool {
    let flags = libc::O_RDONLY | libc::O_NOCTTY | libc::O_CLOEXEC | libc::O_NONBLOCK;
    // SAFETY: a NUL-terminated path; the descriptor is closed at once.
    let fd = unsafe { libc::open(c"/dev/tty".as_ptr(), flags) };
    if fd < 0 {
        return false;
    }
    // SAFETY: `fd` was just opened here and nothing else holds it.
    unsafe { libc::close(fd) };
    true
}
