//! File descriptors by number, as a shell manages them.
//!
//! A shell's job is to arrange the fd table by number (`2>&1`, `exec 3<file`),
//! so these wrappers take plain `RawFd`s. None of them touches memory the
//! caller does not pass in; closing or replacing a descriptor that some
//! `OwnedFd` elsewhere still owns is the caller's logic error, not undefined
//! behaviour, and the shell keeps its own descriptors above
//! [`SHELL_FD_BASE`] so that user redirections cannot hit them by accident.

use crate::{cvt, cvt_retry};
use std::ffi::CString;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicI32, Ordering};

/// The shell moves the descriptors it keeps for itself (saved stdio, script
/// files) to this number or above, as dash and bash do with 10.
pub const SHELL_FD_BASE: RawFd = 10;

/// The highest descriptor number this module has handed out since the last
/// [`reset_high_water`]: a daemon worker closes up to it after a job instead
/// of sweeping the whole range below its own descriptors (close_range(2)
/// costs time for every number in the range, open or not).
static HIGH_WATER: AtomicI32 = AtomicI32::new(-1);

#[inline]
fn noted(fd: RawFd) -> RawFd {
    HIGH_WATER.fetch_max(fd, Ordering::Relaxed);
    fd
}

/// The highest descriptor created through this module since the last
/// reset (-1 if none).
pub fn high_water() -> RawFd {
    HIGH_WATER.load(Ordering::Relaxed)
}

/// Start counting again from `fd` (the highest number known to be in use).
pub fn reset_high_water(fd: RawFd) {
    HIGH_WATER.store(fd, Ordering::Relaxed);
}

/// How many descriptors [`reserve`] can hold.
const RESERVED_MAX: usize = 8;

/// The descriptors a process keeps for itself while a shell in it runs
/// someone else's commands (a daemon worker's channel, its log, the
/// connection of the client it serves), each as `(number when reserved,
/// number now)`; -1 in unused entries. Written only by the one thread.
static RESERVED: [(AtomicI32, AtomicI32); RESERVED_MAX] =
    [const { (AtomicI32::new(-1), AtomicI32::new(-1)) }; RESERVED_MAX];

/// Reserve `fds` (replacing what was reserved; an empty slice ends the
/// reservation). A shell sees a reserved number as closed: duplicating it
/// fails as for a closed one, and a redirection that wants the number has
/// the descriptor moved out of the way first ([`move_reserved`]), so that
/// commands run as in a process that does not have it. At most eight.
pub fn reserve(fds: &[RawFd]) {
    for (i, (was, now)) in RESERVED.iter().enumerate() {
        let fd = fds.get(i).copied().unwrap_or(-1);
        was.store(fd, Ordering::Relaxed);
        now.store(fd, Ordering::Relaxed);
    }
}

/// The entry of the descriptor reserved at number `fd` now, if any.
fn reserved_at(fd: RawFd) -> Option<&'static AtomicI32> {
    RESERVED
        .iter()
        .map(|(_, now)| now)
        .find(|now| fd >= 0 && now.load(Ordering::Relaxed) == fd)
}

/// Is `fd` a reserved descriptor (at its number now)?
pub fn is_reserved(fd: RawFd) -> bool {
    reserved_at(fd).is_some()
}

/// If `fd` is reserved, move the descriptor to the lowest free number above
/// it (close-on-exec; or, with none free up to the open-file limit, the
/// lowest free number below: where it sits does not matter to a shell
/// that sees it as closed) and free `fd`. Fails, leaving it, when no
/// number is free.
pub fn move_reserved(fd: RawFd) -> io::Result<()> {
    let Some(now) = reserved_at(fd) else {
        return Ok(());
    };
    let new = match dup_above(fd, fd + 1) {
        Ok(new) => new,
        Err(_) => dup_above(fd, 0)?,
    };
    now.store(new, Ordering::Relaxed);
    crate::connwatch::follow(fd, new);
    let _ = close(fd);
    Ok(())
}

/// Where a descriptor reserved as `fd` is now, if a redirection moved it.
pub fn reserved_moved_to(fd: RawFd) -> Option<RawFd> {
    RESERVED.iter().find_map(|(was, now)| {
        let (was, now) = (was.load(Ordering::Relaxed), now.load(Ordering::Relaxed));
        (was == fd && was != -1 && now != was).then_some(now)
    })
}

/// Has any reserved descriptor been moved since [`reserve`]?
pub fn any_reserved_moved() -> bool {
    RESERVED
        .iter()
        .any(|(was, now)| was.load(Ordering::Relaxed) != now.load(Ordering::Relaxed))
}

/// Point `owned` at its descriptor's new number if it was reserved and
/// moved. The old number is someone else's now and is left alone.
pub fn follow_reserved(owned: &mut OwnedFd) {
    if let Some(new) = reserved_moved_to(owned.as_raw_fd()) {
        // SAFETY: `new` was made by `move_reserved` for the descriptor
        // `owned` owned, and nothing else owns it.
        let new = unsafe { OwnedFd::from_raw_fd(new) };
        std::mem::forget(std::mem::replace(owned, new));
    }
}

/// `open(2)` flags the shell uses, re-exported so `src/` needs no libc.
pub mod flags {
    pub const RDONLY: i32 = libc::O_RDONLY;
    pub const WRONLY: i32 = libc::O_WRONLY;
    pub const RDWR: i32 = libc::O_RDWR;
    pub const CREAT: i32 = libc::O_CREAT;
    pub const TRUNC: i32 = libc::O_TRUNC;
    pub const APPEND: i32 = libc::O_APPEND;
    pub const EXCL: i32 = libc::O_EXCL;
    pub const CLOEXEC: i32 = libc::O_CLOEXEC;
    pub const NOCTTY: i32 = libc::O_NOCTTY;
    pub const DIRECTORY: i32 = libc::O_DIRECTORY;
    pub const NONBLOCK: i32 = libc::O_NONBLOCK;
}

fn cstr(path: &[u8]) -> io::Result<CString> {
    CString::new(path).map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))
}

/// `open(2)`, retried on `EINTR` (opening a FIFO can block and be
/// interrupted by a signal the shell catches).
pub fn open(path: &[u8], oflags: i32, mode: u32) -> io::Result<RawFd> {
    let path = cstr(path)?;
    // SAFETY: `path` is a valid NUL-terminated string for the duration of the call.
    cvt_retry(|| unsafe { libc::open(path.as_ptr(), oflags, mode as libc::c_uint) }).map(noted)
}

/// `open(2)` returning an owned descriptor (opened close-on-exec).
pub fn open_owned(path: &[u8], oflags: i32, mode: u32) -> io::Result<OwnedFd> {
    let fd = open(path, oflags | libc::O_CLOEXEC, mode)?;
    // SAFETY: `fd` was just returned by open(2) and is owned by nobody else.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// `close(2)`. Errors other than `EBADF` are ignored, as after close(2) the
/// descriptor is gone whatever it returned (see close(2), "Dealing with
/// error returns").
pub fn close(fd: RawFd) -> io::Result<()> {
    // SAFETY: closing a descriptor number has no memory-safety preconditions.
    match cvt(unsafe { libc::close(fd) }) {
        Err(e) if e.raw_os_error() == Some(libc::EBADF) => Err(e),
        _ => Ok(()),
    }
}

/// `dup2(2)`: make `to` a copy of `from` (without close-on-exec).
pub fn dup2(from: RawFd, to: RawFd) -> io::Result<()> {
    // SAFETY: dup2 has no memory-safety preconditions.
    cvt_retry(|| unsafe { libc::dup2(from, to) }).map(|fd| {
        noted(fd);
    })
}

/// Duplicate `fd` to the lowest free number at or above `min`, close-on-exec.
pub fn dup_above(fd: RawFd, min: RawFd) -> io::Result<RawFd> {
    // musl's fcntl follows F_DUPFD_CLOEXEC with an F_SETFD of its own, for
    // kernels older than 2.6.24: one system call more on every saved
    // redirection and every job's connection. The call itself suffices.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    // SAFETY: fcntl(F_DUPFD_CLOEXEC) has no memory-safety preconditions.
    let r = unsafe { libc::syscall(libc::SYS_fcntl, fd, libc::F_DUPFD_CLOEXEC, min) } as RawFd;
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    // SAFETY: fcntl(F_DUPFD_CLOEXEC) has no memory-safety preconditions.
    let r = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, min) };
    cvt(r).map(noted)
}

/// [`dup_above`], returning an owned descriptor.
pub fn dup_above_owned(fd: RawFd, min: RawFd) -> io::Result<OwnedFd> {
    let new = dup_above(fd, min)?;
    // SAFETY: `new` was just created by fcntl(F_DUPFD_CLOEXEC); nobody owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(new) })
}

/// Duplicate `fd` to the lowest free number at or above `min` without
/// close-on-exec.
pub fn dup_above_inheritable(fd: RawFd, min: RawFd) -> io::Result<RawFd> {
    // SAFETY: fcntl(F_DUPFD) has no memory-safety preconditions.
    cvt(unsafe { libc::fcntl(fd, libc::F_DUPFD, min) }).map(noted)
}

/// Is `fd` open?
pub fn is_open(fd: RawFd) -> bool {
    // SAFETY: fcntl(F_GETFD) has no memory-safety preconditions.
    unsafe { libc::fcntl(fd, libc::F_GETFD) != -1 }
}

/// Is `fd` open and close-on-exec? (False for a closed number.)
pub fn is_cloexec(fd: RawFd) -> bool {
    // SAFETY: fcntl(F_GETFD) has no memory-safety preconditions.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFD) };
    flags != -1 && flags & libc::FD_CLOEXEC != 0
}

/// Set or clear close-on-exec on `fd`.
pub fn set_cloexec(fd: RawFd, on: bool) -> io::Result<()> {
    // SAFETY: fcntl(F_GETFD) has no memory-safety preconditions.
    let old = cvt(unsafe { libc::fcntl(fd, libc::F_GETFD) })?;
    let new = if on {
        old | libc::FD_CLOEXEC
    } else {
        old & !libc::FD_CLOEXEC
    };
    if new != old {
        // SAFETY: fcntl(F_SETFD) has no memory-safety preconditions.
        cvt(unsafe { libc::fcntl(fd, libc::F_SETFD, new) })?;
    }
    Ok(())
}

/// Clear close-on-exec on `fd` with one `fcntl` (FD_CLOEXEC is the only
/// descriptor flag there is).
pub fn clear_cloexec(fd: RawFd) -> io::Result<()> {
    // SAFETY: fcntl(F_SETFD) has no memory-safety preconditions.
    cvt(unsafe { libc::fcntl(fd, libc::F_SETFD, 0) }).map(drop)
}

/// The file status flags (`O_ACCMODE`, `O_APPEND`, ...) of `fd`.
pub fn status_flags(fd: RawFd) -> io::Result<i32> {
    // SAFETY: fcntl(F_GETFL) has no memory-safety preconditions.
    cvt(unsafe { libc::fcntl(fd, libc::F_GETFL) })
}

/// Set or clear `O_NONBLOCK` on `fd`.
pub fn set_nonblocking(fd: RawFd, on: bool) -> io::Result<()> {
    let old = status_flags(fd)?;
    let new = if on {
        old | libc::O_NONBLOCK
    } else {
        old & !libc::O_NONBLOCK
    };
    if new != old {
        // SAFETY: fcntl(F_SETFL) has no memory-safety preconditions.
        cvt(unsafe { libc::fcntl(fd, libc::F_SETFL, new) })?;
    }
    Ok(())
}

/// A pipe, both ends close-on-exec: `(read, write)`.
pub fn pipe() -> io::Result<(RawFd, RawFd)> {
    let mut fds = [0 as libc::c_int; 2];
    #[cfg(not(any(target_os = "macos", target_os = "ios")))]
    {
        // SAFETY: `fds` is a valid array of two ints for pipe2 to fill.
        cvt(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) })?;
    }
    #[cfg(any(target_os = "macos", target_os = "ios"))]
    {
        // macOS has no pipe2; rush is single-threaded, so no exec can slip
        // in between pipe(2) and the fcntls.
        // SAFETY: `fds` is a valid array of two ints for pipe to fill.
        cvt(unsafe { libc::pipe(fds.as_mut_ptr()) })?;
        set_cloexec(fds[0], true)?;
        set_cloexec(fds[1], true)?;
    }
    Ok((noted(fds[0]), noted(fds[1])))
}

/// A pipe as owned descriptors, both close-on-exec: `(read, write)`.
pub fn pipe_owned() -> io::Result<(OwnedFd, OwnedFd)> {
    let (r, w) = pipe()?;
    // SAFETY: pipe() just created both descriptors; nobody else owns them.
    let r = unsafe { OwnedFd::from_raw_fd(r) };
    // SAFETY: as above.
    let w = unsafe { OwnedFd::from_raw_fd(w) };
    Ok((r, w))
}

/// [`pipe_owned`], both ends also non-blocking (one `pipe2` where the OS
/// has it): a self-pipe.
pub fn pipe_owned_nonblocking() -> io::Result<(OwnedFd, OwnedFd)> {
    #[cfg(not(any(target_os = "macos", target_os = "ios")))]
    {
        let mut fds = [0 as libc::c_int; 2];
        // SAFETY: `fds` is a valid array of two ints for pipe2 to fill.
        cvt(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC | libc::O_NONBLOCK) })?;
        // SAFETY: pipe2 just created both descriptors; nobody else owns them.
        let r = unsafe { OwnedFd::from_raw_fd(fds[0]) };
        // SAFETY: as above.
        let w = unsafe { OwnedFd::from_raw_fd(fds[1]) };
        Ok((r, w))
    }
    #[cfg(any(target_os = "macos", target_os = "ios"))]
    {
        let (r, w) = pipe_owned()?;
        set_nonblocking(std::os::fd::AsRawFd::as_raw_fd(&r), true)?;
        set_nonblocking(std::os::fd::AsRawFd::as_raw_fd(&w), true)?;
        Ok((r, w))
    }
}

/// `read(2)` into `buf`; `EINTR` is returned to the caller, who may have a
/// trap to run.
pub fn read(fd: RawFd, buf: &mut [u8]) -> io::Result<usize> {
    // SAFETY: `buf` is valid for writes of `buf.len()` bytes.
    cvt(unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) }).map(|n| n as usize)
}

/// `read(2)`, retried on `EINTR`.
pub fn read_retry(fd: RawFd, buf: &mut [u8]) -> io::Result<usize> {
    // SAFETY: `buf` is valid for writes of `buf.len()` bytes.
    cvt_retry(|| unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) }).map(|n| n as usize)
}

/// `write(2)` once; returns how much was written.
pub fn write(fd: RawFd, buf: &[u8]) -> io::Result<usize> {
    // SAFETY: `buf` is valid for reads of `buf.len()` bytes.
    cvt(unsafe { libc::write(fd, buf.as_ptr().cast(), buf.len()) }).map(|n| n as usize)
}

/// Write all of `buf`, retrying on `EINTR` (unless a signal that must end
/// the wait has arrived: [`crate::signal::give_up_on`]) and short writes.
pub fn write_all(fd: RawFd, mut buf: &[u8]) -> io::Result<()> {
    while !buf.is_empty() {
        match write(fd, buf) {
            Ok(0) => return Err(io::Error::from(io::ErrorKind::WriteZero)),
            Ok(n) => buf = &buf[n..],
            Err(e) if e.kind() == io::ErrorKind::Interrupted && !crate::signal::giving_up() => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Read everything until end of file, retrying on `EINTR` unless a signal
/// that must end the wait has arrived ([`crate::signal::give_up_on`]).
pub fn read_to_end(fd: RawFd, out: &mut Vec<u8>) -> io::Result<()> {
    read_to_end_spinning(fd, out, 0, &crate::signal::giving_up)
}

/// The whole content of the file at `path` (`std::fs::read`, but a signal
/// that must end the wait ends it: a script that is a FIFO nobody writes).
pub fn read_file(path: &[u8]) -> io::Result<Vec<u8>> {
    let fd = open_owned(path, libc::O_RDONLY, 0)?;
    let mut out = Vec::new();
    read_to_end(fd.as_raw_fd(), &mut out)?;
    Ok(out)
}

/// Give the CPU to whatever else is runnable on it. On Linux by a bare
/// system call, through the `syscall` function the client already runs
/// (to read the clock): libc's `sched_yield` lies outside the hot text
/// (docs/architecture.md) and cost the client a page fault.
fn yield_cpu() {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    // SAFETY: no arguments; it cannot fail.
    unsafe {
        libc::syscall(libc::SYS_sched_yield)
    };
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    // SAFETY: no arguments; it cannot fail.
    unsafe {
        libc::sched_yield()
    };
}

/// [`read_to_end`] for output expected within microseconds (a command
/// substitution of builtins): for the first `spin_ns` nanoseconds it
/// waits without sleeping (polling and yielding, as
/// [`wait_readable_spinning`] does), then sleeps until there is more. It
/// ends early (`EINTR`) once `stop` says so, asked before each read and,
/// with signals held off, before each sleep
/// ([`crate::signal::wait_readable_unless`]): a signal whose handler ran
/// while it spun, or between two reads, interrupted no call, and must
/// not leave it asleep until the writer's next write.
pub fn read_to_end_spinning(
    fd: RawFd,
    out: &mut Vec<u8>,
    spin_ns: u64,
    stop: &dyn Fn() -> bool,
) -> io::Result<()> {
    let mut chunk = [0u8; 8192];
    let mut p = [libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    }];
    // Whether a read would not block: known after a spin that saw the
    // pipe ready, or guessed after a read that filled the buffer (or, with
    // no spin, at first: most such reads are of files).
    let mut ready = spin_ns == 0 || matches!(spin(&mut p, spin_ns), Ok(true));
    loop {
        if stop() {
            return Err(io::ErrorKind::Interrupted.into());
        }
        if !ready {
            match crate::signal::wait_readable_unless(fd, stop) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
        match read(fd, &mut chunk) {
            Ok(0) => return Ok(()),
            Ok(n) => {
                out.extend_from_slice(&chunk[..n]);
                ready = n == chunk.len();
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => ready = false,
            Err(e) => return Err(e),
        }
    }
}

/// Whence values for [`lseek`].
pub enum Whence {
    Set,
    Current,
    End,
}

/// `lseek(2)`; fails with `ESPIPE` on pipes, sockets and terminals.
pub fn lseek(fd: RawFd, offset: i64, whence: Whence) -> io::Result<i64> {
    let whence = match whence {
        Whence::Set => libc::SEEK_SET,
        Whence::Current => libc::SEEK_CUR,
        Whence::End => libc::SEEK_END,
    };
    // SAFETY: lseek has no memory-safety preconditions.
    cvt(unsafe { libc::lseek(fd, offset as libc::off_t, whence) }).map(|n| n as i64)
}

/// Close every descriptor in `first..=last` (close_range(2) where the kernel
/// has it, else one by one up to the soft `RLIMIT_NOFILE`).
pub fn close_range(first: RawFd, last: RawFd) {
    if first > last {
        return;
    }
    #[cfg(target_os = "linux")]
    {
        // SAFETY: close_range has no memory-safety preconditions.
        let r = unsafe { libc::syscall(libc::SYS_close_range, first as u32, last as u32, 0u32) };
        if r == 0 {
            return;
        }
    }
    let limit = crate::process::open_file_limit().min(last as u64 + 1) as RawFd;
    for fd in first..limit {
        // SAFETY: closing a descriptor number has no memory-safety preconditions.
        unsafe { libc::close(fd) };
    }
}

/// The largest number of descriptors [`open_fds`] looks at.
pub const SCAN_LIMIT: usize = 256;

/// Write the numbers of the open descriptors below `SCAN_LIMIT` (and below
/// the open-file limit) into `out`, in order; returns how many. One
/// `poll(2)` over the range, where a closed number reports `POLLNVAL`; on
/// macOS, whose `poll` refuses some devices, `fcntl(F_GETFD)` per number.
pub fn open_fds(out: &mut [RawFd; SCAN_LIMIT]) -> usize {
    let mut n = 0;
    #[cfg(not(any(target_os = "macos", target_os = "ios")))]
    {
        let mut fds = [libc::pollfd {
            fd: 0,
            events: 0,
            revents: 0,
        }; SCAN_LIMIT];
        for (i, p) in fds.iter_mut().enumerate() {
            p.fd = i as RawFd;
        }
        // poll(2) refuses more entries than RLIMIT_NOFILE (EINVAL): try the
        // whole range first, which is what almost every process allows,
        // and only then ask for the limit.
        let mut limit = SCAN_LIMIT;
        // SAFETY: `fds` holds `limit` valid pollfd entries.
        let mut r = cvt_retry(|| unsafe { libc::poll(fds.as_mut_ptr(), limit as libc::nfds_t, 0) });
        if matches!(&r, Err(e) if e.raw_os_error() == Some(libc::EINVAL)) {
            limit = (crate::process::open_file_limit() as usize).min(SCAN_LIMIT);
            // SAFETY: `fds` holds at least `limit` valid pollfd entries.
            r = cvt_retry(|| unsafe { libc::poll(fds.as_mut_ptr(), limit as libc::nfds_t, 0) });
        }
        if r.is_ok() {
            for p in &fds[..limit] {
                if p.revents & libc::POLLNVAL == 0 {
                    out[n] = p.fd;
                    n += 1;
                }
            }
            return n;
        }
    }
    let limit = (crate::process::open_file_limit() as usize).min(SCAN_LIMIT);
    for fd in 0..limit as RawFd {
        if is_open(fd) {
            out[n] = fd;
            n += 1;
        }
    }
    n
}

/// Is a descriptor numbered [`SCAN_LIMIT`] or above open? (What
/// [`open_fds`] does not see.)
///
/// On Linux nearly free when none is: `select(2)` considers only the
/// numbers below the size of the process's descriptor table, which grows
/// to hold its highest descriptor (64, 128, 256, 512 slots...) and is
/// copied at that size by `fork` and kept by `exec`. Asked about number
/// 256 alone, it answers `EBADF` only when the table is larger than 256
/// slots and 256 is closed; then `/proc/self/fd` lists what is open (some
/// 10 µs; when it cannot be read, the answer is yes). A table of 256 slots
/// or fewer holds nothing at 256 or above. Elsewhere the numbers are not
/// looked at, and this says no.
pub fn any_open_at_or_above_scan_limit() -> bool {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        const N: RawFd = SCAN_LIMIT as RawFd;
        // SAFETY: fd_set is plain old data; all-zero is an empty set.
        let mut set: libc::fd_set = unsafe { std::mem::zeroed() };
        // SAFETY: N is below FD_SETSIZE (1024), inside `set`.
        unsafe { libc::FD_SET(N, &mut set) };
        let mut zero = libc::timeval {
            tv_sec: 0,
            tv_usec: 0,
        };
        // SAFETY: `set` and `zero` are valid for the call; the other sets
        // are null.
        let r = unsafe {
            libc::select(
                N + 1,
                &mut set,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                &mut zero,
            )
        };
        // A small table, or 256 itself is open (or select failed otherwise).
        if r >= 0 || io::Error::last_os_error().raw_os_error() != Some(libc::EBADF) {
            return is_open(N);
        }
        proc_lists_one_from(N).unwrap_or(true)
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    false
}

/// Does `/proc/self/fd` list a descriptor numbered `min` or above (other
/// than the one reading it)? Read with `getdents64` into a buffer on the
/// stack: a client whose parent left it a large descriptor table (a build
/// tool with many pipes open) asks this at every start, and the standard
/// library's `read_dir` cost several times as much (allocations, and the
/// page faults of code a short process runs once).
#[cfg(any(target_os = "linux", target_os = "android"))]
fn proc_lists_one_from(min: RawFd) -> io::Result<bool> {
    // SAFETY: a valid C string.
    let dir = cvt(unsafe {
        libc::open(
            c"/proc/self/fd".as_ptr(),
            libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC,
        )
    })?;
    // SAFETY: just opened; owned here.
    let dir = unsafe { OwnedFd::from_raw_fd(dir) };
    let mut buf = [0u8; 2048];
    loop {
        // SAFETY: `buf` is valid for writing `buf.len()` bytes.
        let n = unsafe {
            libc::syscall(
                libc::SYS_getdents64,
                dir.as_raw_fd(),
                buf.as_mut_ptr(),
                buf.len(),
            )
        };
        if n < 0 {
            return Err(io::Error::last_os_error());
        }
        if n == 0 {
            return Ok(false);
        }
        // struct linux_dirent64: d_ino (8), d_off (8), d_reclen (2),
        // d_type (1), then the NUL-terminated name.
        let mut at = 0;
        while at + 19 <= n as usize {
            let reclen = u16::from_ne_bytes([buf[at + 16], buf[at + 17]]) as usize;
            if reclen == 0 || at + reclen > n as usize {
                return Err(io::Error::from_raw_os_error(libc::EIO));
            }
            let name = &buf[at + 19..at + reclen];
            let name = &name[..name.iter().position(|&b| b == 0).unwrap_or(name.len())];
            let number = name.iter().try_fold(0i64, |v, &b| {
                b.is_ascii_digit()
                    .then(|| v * 10 + i64::from(b - b'0'))
                    .filter(|&v| v <= i64::from(RawFd::MAX))
            });
            if let Some(fd) = number.filter(|_| !name.is_empty())
                && fd >= i64::from(min)
                && fd != i64::from(dir.as_raw_fd())
            {
                return Ok(true);
            }
            at += reclen;
        }
    }
}

/// Wait until one of `fds` is readable (or hung up), forever. Sets
/// `ready[i]` for each that is. `EINTR` is returned to the caller.
pub fn wait_readable(fds: &[RawFd], ready: &mut [bool]) -> io::Result<()> {
    wait_readable_spinning(fds, ready, 0)
}

/// [`wait_readable`], but for the first `spin_ns` nanoseconds without
/// going to sleep: poll, give the CPU to whatever else is runnable on it
/// (`sched_yield`), poll again.
///
/// For an answer expected within microseconds. A process that sleeps
/// leaves its CPU idle, and the answer then has to wake that CPU with an
/// interrupt from another one, which under a hypervisor costs tens of
/// microseconds (~50 µs for a `rush` client on the development VM,
/// docs/benchmarks.md). Yielding between polls keeps a process on the same
/// CPU as the one that is to answer from holding it up.
pub fn wait_readable_spinning(fds: &[RawFd], ready: &mut [bool], spin_ns: u64) -> io::Result<()> {
    let mut p = [libc::pollfd {
        fd: -1,
        events: 0,
        revents: 0,
    }; 8];
    let n = fds.len().min(8);
    for (slot, &fd) in p.iter_mut().zip(&fds[..n]) {
        slot.fd = fd;
        slot.events = libc::POLLIN;
    }
    if !spin(&mut p[..n], spin_ns)? {
        // SAFETY: `p` holds `n` valid pollfd entries.
        cvt(unsafe { libc::poll(p.as_mut_ptr(), n as libc::nfds_t, -1) })?;
    }
    for (r, slot) in ready.iter_mut().zip(&p[..n]) {
        *r = slot.revents != 0;
    }
    Ok(())
}

/// Wait at most `timeout_ms` until `fd` is readable (or hung up), the
/// first `spin_ns` nanoseconds of it awake, as [`wait_readable_spinning`]
/// does. `EINTR` is returned to the caller.
pub fn poll_readable_spinning(fd: RawFd, spin_ns: u64, timeout_ms: i32) -> io::Result<bool> {
    let mut p = [libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    }];
    if spin(&mut p, spin_ns)? {
        return Ok(true);
    }
    poll_readable(fd, timeout_ms)
}

/// Poll `p` without sleeping, yielding the CPU between polls, for up to
/// `spin_ns`; whether any became ready.
/// The clock is first read after the first yield: an answer that comes
/// while this process has given up its CPU once (the usual case, with
/// both ends on one CPU) costs one reading of it, not two.
fn spin(p: &mut [libc::pollfd], spin_ns: u64) -> io::Result<bool> {
    if spin_ns == 0 {
        return Ok(false);
    }
    let mut start = None;
    loop {
        // SAFETY: `p` is a slice of valid pollfd entries.
        if cvt(unsafe { libc::poll(p.as_mut_ptr(), p.len() as libc::nfds_t, 0) })? > 0 {
            return Ok(true);
        }
        yield_cpu();
        let now = crate::process::monotonic_ns_syscall();
        match start {
            None => start = Some(now),
            Some(t) if now.saturating_sub(t) >= spin_ns => return Ok(false),
            Some(_) => {}
        }
    }
}

/// Wait at most `timeout_ms` (-1: forever) until `fd` is readable (or hung
/// up). `EINTR` is returned to the caller.
pub fn poll_readable(fd: RawFd, timeout_ms: i32) -> io::Result<bool> {
    poll_one(fd, libc::POLLIN, timeout_ms)
}

/// Wait at most `timeout_ms` (-1: forever) until `fd` has room to write
/// (or is hung up or in error). `EINTR` is returned to the caller.
pub fn poll_writable(fd: RawFd, timeout_ms: i32) -> io::Result<bool> {
    poll_one(fd, libc::POLLOUT, timeout_ms)
}

fn poll_one(fd: RawFd, events: libc::c_short, timeout_ms: i32) -> io::Result<bool> {
    let mut p = libc::pollfd {
        fd,
        events,
        revents: 0,
    };
    // SAFETY: `p` is one valid pollfd.
    let n = cvt(unsafe { libc::poll(&mut p, 1, timeout_ms) })?;
    Ok(n > 0)
}

/// Open the current directory as a descriptor that can only be `fchdir`ed
/// to (`O_PATH` where it exists), close-on-exec.
pub fn open_cwd() -> io::Result<OwnedFd> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    let flags = libc::O_PATH | libc::O_DIRECTORY | libc::O_CLOEXEC;
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    let flags = libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC;
    open_owned(b".", flags, 0)
}

/// Is `fd` a terminal?
pub fn isatty(fd: RawFd) -> bool {
    if fd < 0 {
        return false;
    }
    // SAFETY: isatty has no memory-safety preconditions.
    unsafe { libc::isatty(fd) == 1 }
}

/// Is `fd` a regular file or block device that can be read ahead and
/// `lseek`ed back?
pub fn is_seekable(fd: RawFd) -> bool {
    lseek(fd, 0, Whence::Current).is_ok()
}

/// Take ownership of a raw descriptor.
///
/// # Safety
/// `fd` must be open and owned by nobody else: the returned `OwnedFd` will
/// close it.
pub unsafe fn owned(fd: RawFd) -> OwnedFd {
    // SAFETY: the caller guarantees `fd` is open and unowned.
    unsafe { OwnedFd::from_raw_fd(fd) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A signal handled while the read spins fails no call with `EINTR`:
    /// `stop` must be asked again before the read sleeps. Here `stop` says
    /// no once, as it would just before such a signal, and yes after; the
    /// writer writes only after 1 s.
    #[test]
    fn a_substitution_read_asks_stop_before_it_sleeps() {
        let (r, w) = pipe().unwrap();
        let writer = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_secs(1));
            let _ = write_all(w, b"late");
            let _ = close(w);
        });
        let asked = std::cell::Cell::new(0);
        let start = std::time::Instant::now();
        let mut out = Vec::new();
        let result = read_to_end_spinning(r, &mut out, 100_000, &|| {
            asked.set(asked.get() + 1);
            asked.get() > 1
        });
        let took = start.elapsed();
        assert_eq!(
            result.map_err(|e| e.kind()),
            Err(io::ErrorKind::Interrupted)
        );
        assert!(out.is_empty());
        assert!(took < std::time::Duration::from_millis(500), "{took:?}");
        writer.join().unwrap();
        let _ = close(r);
    }

    #[test]
    fn a_reserved_descriptor_moves_out_of_a_redirections_way() {
        let (r, w) = pipe().unwrap();
        let mut owned = dup_above_owned(w, 700).unwrap();
        close(w).unwrap();
        let at = owned.as_raw_fd();
        reserve(&[at]);
        assert!(is_reserved(at) && !is_reserved(r));
        assert!(!any_reserved_moved());
        move_reserved(at).unwrap();
        assert!(!is_open(at), "the number is free for the redirection");
        let now = reserved_moved_to(at).expect("moved");
        assert!(now > at && is_reserved(now) && !is_reserved(at));
        follow_reserved(&mut owned);
        assert_eq!(owned.as_raw_fd(), now);
        reserve(&[]);
        assert!(!is_reserved(now));
        // Still the same pipe.
        write_all(owned.as_raw_fd(), b"x").unwrap();
        drop(owned);
        let mut out = Vec::new();
        read_to_end(r, &mut out).unwrap();
        assert_eq!(out, b"x");
        close(r).unwrap();
    }

    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[test]
    fn descriptors_past_the_scan_are_found() {
        let (r, w) = pipe().unwrap();
        assert!(!any_open_at_or_above_scan_limit());
        let high = dup_above(r, 600).unwrap();
        assert!(any_open_at_or_above_scan_limit());
        close(high).unwrap();
        // The table stays large: /proc/self/fd has the answer.
        assert!(!any_open_at_or_above_scan_limit());
        let at = dup_above(r, SCAN_LIMIT as RawFd).unwrap();
        assert!(any_open_at_or_above_scan_limit());
        close(at).unwrap();
        close(r).unwrap();
        close(w).unwrap();
    }

    #[test]
    fn pipe_round_trip() {
        let (r, w) = pipe().unwrap();
        write_all(w, b"hello").unwrap();
        close(w).unwrap();
        let mut out = Vec::new();
        read_to_end(r, &mut out).unwrap();
        close(r).unwrap();
        assert_eq!(out, b"hello");
    }

    #[test]
    fn dup_above_base() {
        let (r, w) = pipe().unwrap();
        let d = dup_above(w, SHELL_FD_BASE).unwrap();
        assert!(d >= SHELL_FD_BASE);
        assert!(is_open(d));
        for fd in [r, w, d] {
            close(fd).unwrap();
        }
        assert!(!is_open(d));
    }

    /// All of the output, however it comes: some at once, more than one
    /// read's worth, and the rest long after the spinning is over.
    #[test]
    fn spinning_read_gets_everything() {
        let (r, w) = pipe().unwrap();
        let writer = std::thread::spawn(move || {
            write_all(w, &[b'a'; 20_000]).unwrap();
            std::thread::sleep(std::time::Duration::from_millis(20));
            write_all(w, b"end").unwrap();
            close(w).unwrap();
        });
        let mut out = Vec::new();
        read_to_end_spinning(r, &mut out, 100_000, &|| false).unwrap();
        writer.join().unwrap();
        close(r).unwrap();
        assert_eq!(out.len(), 20_003);
        assert!(out.starts_with(&[b'a'; 20_000]) && out.ends_with(b"end"));
    }

    /// Whether the answer comes before the wait, while it spins or after it
    /// has gone to sleep, the wait ends with exactly the ready descriptor
    /// marked.
    #[test]
    fn spinning_wait_reports_what_is_ready() {
        for delay_us in [None, Some(20), Some(20_000)] {
            let (r1, w1) = pipe().unwrap();
            let (r2, w2) = pipe().unwrap();
            let writer = std::thread::spawn(move || {
                if let Some(us) = delay_us {
                    std::thread::sleep(std::time::Duration::from_micros(us));
                }
                write_all(w2, b"x").unwrap();
            });
            let mut writer = Some(writer);
            if delay_us.is_none() {
                writer.take().unwrap().join().unwrap();
            }
            let mut ready = [true, false];
            wait_readable_spinning(&[r1, r2], &mut ready, 100_000).unwrap();
            assert_eq!(ready, [false, true], "answer after {delay_us:?} µs");
            if let Some(w) = writer {
                w.join().unwrap();
            }
            for fd in [r1, w1, r2, w2] {
                close(fd).unwrap();
            }
        }
    }
}
