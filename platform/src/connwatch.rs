//! Watching a client's connection while a worker runs the client's job in
//! the same thread (Linux).
//!
//! A worker that accepted a client itself runs the job inline — a builtin
//! loop included — so nothing in the process can sit in `recv` for the
//! client's messages. Instead the kernel signals the worker when the
//! connection has something to read (`F_SETOWN`, `F_SETSIG`, `O_ASYNC`),
//! and the handler here does what `rushd` does for a job it relays:
//!
//! - a forwarded signal (a frame the caller's parser recognises) goes to the
//!   job's process group and to this process, whose own disposition then
//!   applies — exactly the two `kill`s the daemon would make;
//! - end of file (the client died) or anything else (after answering it
//!   with a fixed reply) kills the job's process group, sends this process
//!   the cancel signal ([`crate::signal::cancel_signal`]) and writes a
//!   fixed notice to a descriptor (the worker's channel to the daemon).
//!
//! A forwarded SIGTSTP whose action in this process is the default one
//! cannot be delivered as such: a stopped worker could not read the
//! SIGCONT that must wake it. The handler stops the job's group and then
//! itself waits in the handler, reading the connection, until SIGCONT
//! comes (or the client goes, or the cancel signal): the interpreter is
//! frozen as a stopped shell would be.
//!
//! Everything the handler does is async-signal-safe: `recv`, `kill`,
//! `send`, atomics, and the caller's parser, which must neither allocate
//! nor lock.

pub use crate::connwatch_api::{Ended, Parsed, Parser, SENDER_GONE, Watch, forward_targets};
use crate::cvt;
use std::cell::UnsafeCell;
use std::io;
use std::os::fd::RawFd;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU8, AtomicUsize, Ordering};

/// `fcntl`'s command to choose the signal (asm-generic/fcntl.h; the libc
/// crate does not export it).
const F_SETSIG: libc::c_int = 10;

/// The most bytes of unparsed input the handler keeps.
const BUF_LEN: usize = 512;
/// The longest notice.
const NOTICE_LEN: usize = 32;
/// The longest reply to bad input.
const REPLY_LEN: usize = 160;

/// The watched connection, or -1 when nothing is watched.
static FD: AtomicI32 = AtomicI32::new(-1);
static PGID: AtomicI32 = AtomicI32::new(0);
static NOTIFY_FD: AtomicI32 = AtomicI32::new(-1);
static NOTICE: [AtomicU8; NOTICE_LEN] = [const { AtomicU8::new(0) }; NOTICE_LEN];
static NOTICE_USED: AtomicUsize = AtomicUsize::new(0);
static REPLY: [AtomicU8; REPLY_LEN] = [const { AtomicU8::new(0) }; REPLY_LEN];
static REPLY_USED: AtomicUsize = AtomicUsize::new(0);
/// The watch ended on bad input rather than end of file.
static BAD: AtomicBool = AtomicBool::new(false);
/// A forwarded SIGTSTP stopped the job; the handler waits for SIGCONT.
static STOPPED: AtomicBool = AtomicBool::new(false);
static PARSER: AtomicUsize = AtomicUsize::new(0);
static GONE: AtomicBool = AtomicBool::new(false);
static INSTALLED: AtomicBool = AtomicBool::new(false);

/// Unparsed input. Touched only by the handler (which the kernel never
/// re-enters: its signal is blocked while it runs) and by [`arm`] while
/// [`FD`] is -1, when the handler touches nothing.
struct Buf {
    bytes: UnsafeCell<[u8; BUF_LEN]>,
    len: UnsafeCell<usize>,
}

// SAFETY: see the type's comment: the two users never overlap.
unsafe impl Sync for Buf {}

static BUF: Buf = Buf {
    bytes: UnsafeCell::new([0; BUF_LEN]),
    len: UnsafeCell::new(0),
};

/// The signal the kernel sends for the watched connection: a real-time
/// signal next to the cancel signal, which no job has a use for.
pub fn watch_signal() -> i32 {
    libc::SIGRTMAX() - 2
}

/// Prepare `fd` for watching: signals from it go to this process (`me`,
/// its pid) as [`watch_signal`]. Once per connection.
pub fn prepare(fd: RawFd, me: libc::pid_t) -> io::Result<()> {
    install()?;
    fcntl(fd, libc::F_SETOWN, me)?;
    fcntl(fd, F_SETSIG, watch_signal())?;
    let flags = fcntl(fd, libc::F_GETFL, 0)?;
    fcntl(fd, libc::F_SETFL, flags | libc::O_ASYNC)?;
    Ok(())
}

fn fcntl(fd: RawFd, cmd: libc::c_int, arg: libc::c_int) -> io::Result<libc::c_int> {
    // SAFETY: these commands take an integer argument and touch no memory.
    cvt(unsafe { libc::fcntl(fd, cmd, arg) })
}

/// `kill`, ignoring failure (async-signal-safe).
fn kill(pid: libc::pid_t, signal: i32) {
    let _ = crate::process::kill(pid, signal);
}

fn me() -> libc::pid_t {
    crate::process::getpid()
}

/// The input buffer. Sound only where the module comment says BUF is
/// this caller's alone.
fn buf() -> (&'static mut [u8; BUF_LEN], &'static mut usize) {
    // SAFETY: see the callers and the comment on `Buf`: only one of the
    // handler or `arm` (while FD is -1) uses BUF at any time, and neither
    // keeps the references past its return.
    let bytes = unsafe { &mut *BUF.bytes.get() };
    // SAFETY: as above.
    let len = unsafe { &mut *BUF.len.get() };
    (bytes, len)
}

fn errno() -> i32 {
    io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

fn install() -> io::Result<()> {
    if INSTALLED.load(Ordering::Relaxed) {
        return Ok(());
    }
    // SAFETY: sigaction is plain old data; all-zero is a valid value.
    let mut act: libc::sigaction = unsafe { std::mem::zeroed() };
    act.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
    // No SA_RESTART: like every handler of the shell's, it interrupts a
    // blocking call, so that the interpreter looks at what it recorded.
    act.sa_flags = 0;
    // SAFETY: `act.sa_mask` is a valid sigset_t to initialise.
    unsafe { libc::sigemptyset(&mut act.sa_mask) };
    // SAFETY: `act` is valid; the handler is async-signal-safe (see the
    // module comment).
    cvt(unsafe { libc::sigaction(watch_signal(), &act, std::ptr::null_mut()) })?;
    INSTALLED.store(true, Ordering::Relaxed);
    Ok(())
}

/// Start watching. Frames already in `leftover` are acted on at once;
/// input that arrived before the watch began is read by a first run of
/// the handler. False when the leftover alone ended the watch (it was not
/// a signal), so the job should not start.
pub fn arm(w: &Watch<'_>) -> bool {
    FD.store(-1, Ordering::SeqCst);
    GONE.store(false, Ordering::Relaxed);
    PGID.store(w.pgid, Ordering::Relaxed);
    NOTIFY_FD.store(w.notify_fd, Ordering::Relaxed);
    let n = w.notice.len().min(NOTICE_LEN);
    for (slot, &b) in NOTICE.iter().zip(&w.notice[..n]) {
        slot.store(b, Ordering::Relaxed);
    }
    NOTICE_USED.store(n, Ordering::Relaxed);
    let n = w.bad_reply.len().min(REPLY_LEN);
    for (slot, &b) in REPLY.iter().zip(&w.bad_reply[..n]) {
        slot.store(b, Ordering::Relaxed);
    }
    REPLY_USED.store(n, Ordering::Relaxed);
    BAD.store(false, Ordering::Relaxed);
    STOPPED.store(false, Ordering::Relaxed);
    PARSER.store(w.parser as usize, Ordering::Relaxed);
    // FD is -1, so the handler does not touch BUF (module comment).
    let (bytes, len) = buf();
    *len = 0;
    let take = w.leftover.len().min(BUF_LEN);
    bytes[..take].copy_from_slice(&w.leftover[..take]);
    *len = take;
    if w.leftover.len() > BUF_LEN || !drain(w.parser, bytes, len) {
        refuse(w.fd);
        return false;
    }
    FD.store(w.fd, Ordering::SeqCst);
    // Anything that arrived before O_ASYNC could announce it.
    let mut probe = 0u8;
    // SAFETY: `probe` is a valid one-byte buffer; MSG_PEEK leaves it queued.
    let r = unsafe {
        libc::recv(
            w.fd,
            (&mut probe as *mut u8).cast(),
            1,
            libc::MSG_PEEK | libc::MSG_DONTWAIT,
        )
    };
    let nothing = r < 0 && io::Error::last_os_error().kind() == io::ErrorKind::WouldBlock;
    if !nothing || STOPPED.load(Ordering::SeqCst) {
        kill(me(), watch_signal());
    }
    !GONE.load(Ordering::SeqCst)
}

/// Stop watching (before answering the client: its end of file after the
/// answer is not a death), and say how the client fared.
pub fn disarm() -> Ended {
    FD.store(-1, Ordering::SeqCst);
    if !GONE.load(Ordering::SeqCst) {
        Ended::Fine
    } else if BAD.load(Ordering::SeqCst) {
        Ended::Bad
    } else {
        Ended::Gone
    }
}

/// Bad input: answer it, then as [`gone`].
fn refuse(fd: RawFd) {
    if GONE.load(Ordering::SeqCst) {
        return;
    }
    BAD.store(true, Ordering::SeqCst);
    let mut reply = [0u8; REPLY_LEN];
    let n = REPLY_USED.load(Ordering::Relaxed);
    for (b, slot) in reply.iter_mut().zip(&REPLY[..n]) {
        *b = slot.load(Ordering::Relaxed);
    }
    if n > 0 {
        // SAFETY: `reply` is valid for `n` bytes; send is async-signal-safe.
        unsafe {
            libc::send(
                fd,
                reply.as_ptr().cast(),
                n,
                libc::MSG_DONTWAIT | libc::MSG_NOSIGNAL,
            )
        };
    }
    gone();
}

/// A descriptor the watch uses (the connection, or the descriptor it
/// writes its notice to) now has another number: a redirection of the job
/// wanted the old one ([`crate::fd::move_reserved`]). The old number stays
/// open until this returns, so the handler has a good one either way.
pub fn follow(old: RawFd, new: RawFd) {
    let _ = FD.compare_exchange(old, new, Ordering::SeqCst, Ordering::SeqCst);
    let _ = NOTIFY_FD.compare_exchange(old, new, Ordering::SeqCst, Ordering::SeqCst);
}

/// Change the job's process group (the job made a new one).
pub fn set_pgid(pgid: i32) {
    PGID.store(pgid, Ordering::Relaxed);
}

/// Act on every whole frame at the front of `bytes[..*len]`, keeping the
/// rest. False when the input is bad.
fn drain(parser: Parser, bytes: &mut [u8; BUF_LEN], len: &mut usize) -> bool {
    loop {
        match parser(&bytes[..*len]) {
            Parsed::Incomplete => return *len < BUF_LEN,
            Parsed::Bad => return false,
            Parsed::Signal {
                signal,
                from_group,
                used,
            } => {
                let used = used.clamp(1, *len);
                forward(signal, from_group);
                bytes.copy_within(used..*len, 0);
                *len -= used;
            }
        }
    }
}

/// Deliver `signal` as if sent to the shell ([`forward_targets`]).
fn forward(signal: i32, from_group: i32) {
    let pgid = PGID.load(Ordering::Relaxed);
    if signal == libc::SIGCONT {
        STOPPED.store(false, Ordering::SeqCst);
    }
    let (group, shell) = forward_targets(from_group, pgid, me());
    if !shell {
        return;
    }
    let stops_here = signal == libc::SIGTSTP
        && !matches!(
            crate::signal::known(libc::SIGTSTP),
            Some(crate::signal::Disposition::Catch | crate::signal::Disposition::Ignore)
        );
    if group {
        kill(-pgid, signal);
    }
    if stops_here {
        STOPPED.store(true, Ordering::SeqCst);
    } else {
        kill(me(), signal);
    }
}

/// Stopped: wait for the connection (or a signal) instead of returning.
/// False when the wait is over for good (the job is being cancelled).
fn wait_while_stopped(fd: RawFd) -> bool {
    let mut p = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: `p` is one valid pollfd.
    let r = unsafe { libc::poll(&mut p, 1, -1) };
    if r < 0 && crate::signal::is_pending(crate::signal::cancel_signal()) {
        STOPPED.store(false, Ordering::SeqCst);
        return false;
    }
    true
}

/// The client is gone: end the job, tell the daemon. Once per watch.
fn gone() {
    FD.store(-1, Ordering::SeqCst);
    if GONE.swap(true, Ordering::SeqCst) {
        return;
    }
    let pgid = PGID.load(Ordering::Relaxed);
    let mut notice = [0u8; NOTICE_LEN];
    let n = NOTICE_USED.load(Ordering::Relaxed);
    for (b, slot) in notice.iter_mut().zip(&NOTICE[..n]) {
        *b = slot.load(Ordering::Relaxed);
    }
    let notify = NOTIFY_FD.load(Ordering::Relaxed);
    if pgid > 1 {
        kill(-pgid, libc::SIGKILL);
    }
    kill(me(), crate::signal::cancel_signal());
    if notify >= 0 && n > 0 {
        // SAFETY: `notice` is valid for `n` bytes; send is async-signal-safe.
        unsafe {
            libc::send(
                notify,
                notice.as_ptr().cast(),
                n,
                libc::MSG_DONTWAIT | libc::MSG_NOSIGNAL,
            )
        };
    }
}

extern "C" fn on_signal(_: libc::c_int) {
    let fd = FD.load(Ordering::SeqCst);
    if fd < 0 {
        return;
    }
    // The interrupted code may be about to read errno.
    let saved = errno();
    let parser_addr = PARSER.load(Ordering::Relaxed);
    if parser_addr == 0 {
        return;
    }
    // SAFETY: PARSER only ever holds a `Parser` stored by `arm`.
    let parser: Parser = unsafe { std::mem::transmute::<usize, Parser>(parser_addr) };
    // FD is set, so only this handler touches BUF, and the kernel does not
    // re-enter it (module comment).
    let (bytes, len) = buf();
    loop {
        if *len >= BUF_LEN {
            refuse(fd);
            break;
        }
        // SAFETY: the spare part of `bytes` is valid for writes.
        let n = unsafe {
            libc::recv(
                fd,
                bytes[*len..].as_mut_ptr().cast(),
                BUF_LEN - *len,
                libc::MSG_DONTWAIT,
            )
        };
        if n == 0 {
            gone();
            break;
        }
        if n < 0 {
            let e = errno();
            if e == libc::EINTR {
                continue;
            }
            if e != libc::EAGAIN && e != libc::EWOULDBLOCK {
                gone();
                break;
            }
            if STOPPED.load(Ordering::SeqCst) && wait_while_stopped(fd) {
                continue;
            }
            break;
        }
        *len += n as usize;
        if !drain(parser, bytes, len) {
            refuse(fd);
            break;
        }
    }
    crate::signal::restore_errno(saved);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::AsRawFd;

    fn parse_one_byte(b: &[u8]) -> Parsed {
        match b.first() {
            None => Parsed::Incomplete,
            Some(&0) => Parsed::Bad,
            Some(&s) => Parsed::Signal {
                signal: i32::from(s),
                from_group: 0,
                used: 1,
            },
        }
    }

    /// One test, so that no other test's watch runs in this process at the
    /// same time (the watch is process-wide).
    #[test]
    fn forwards_signals_and_reports_the_peer_gone() {
        let _serial = crate::SIGNAL_TESTS
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        crate::signal::set_disposition(crate::signal::SIGUSR2, crate::signal::Disposition::Catch)
            .unwrap();
        crate::signal::set_disposition(
            crate::signal::cancel_signal(),
            crate::signal::Disposition::Catch,
        )
        .unwrap();
        let (ours, theirs) = crate::unix::socketpair().unwrap();
        let (note_r, note_w) = crate::unix::socketpair().unwrap();
        crate::fd::set_nonblocking(ours.as_raw_fd(), true).unwrap();
        prepare(ours.as_raw_fd(), crate::process::getpid()).unwrap();
        // A signal already read with the job's frame is forwarded at once.
        let leftover = [crate::signal::SIGUSR2 as u8];
        let _ = arm(&Watch {
            fd: ours.as_raw_fd(),
            pgid: 0,
            notify_fd: note_w.as_raw_fd(),
            notice: b"gone",
            bad_reply: b"",
            leftover: &leftover,
            parser: parse_one_byte,
        });
        // (Sent to the process: it may land on another of the harness's
        // threads a moment later.)
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while !crate::signal::is_pending(crate::signal::SIGUSR2) {
            assert!(
                std::time::Instant::now() < deadline,
                "leftover not forwarded"
            );
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        crate::signal::clear_pending(crate::signal::SIGUSR2);
        // One sent now arrives through the kernel's signal.
        crate::unix::send_all_with_fds(theirs.as_raw_fd(), &leftover, &[]).unwrap();
        while !crate::signal::is_pending(crate::signal::SIGUSR2) {
            assert!(std::time::Instant::now() < deadline, "no forwarded signal");
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        // The peer closing is a death: cancel, and the notice.
        drop(theirs);
        while !crate::signal::is_pending(crate::signal::cancel_signal()) {
            assert!(std::time::Instant::now() < deadline, "no cancel");
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        assert_eq!(disarm(), Ended::Gone);
        let mut buf = Vec::new();
        let mut fds = Vec::new();
        crate::unix::recv_with_fds(note_r.as_raw_fd(), &mut buf, &mut fds, false).unwrap();
        assert_eq!(buf, b"gone");
        crate::signal::take_pending();
    }
}
