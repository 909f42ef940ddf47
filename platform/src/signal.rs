//! Signals: names, dispositions, and a handler that only records arrival.
//!
//! The shell never runs code in a signal handler. [`Disposition::Catch`]
//! installs a handler that sets a per-signal flag; the interpreter looks at
//! the flags between commands and while it waits ([`take_pending`]), which is
//! where POSIX says traps run. Handlers are installed without `SA_RESTART`
//! so that a blocking `read` or `wait` returns `EINTR` and the trap can run.

use crate::{Pid, cvt};
use std::io;
use std::os::fd::RawFd;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU8, AtomicU64, Ordering};

/// Signal numbers are below this.
pub const NSIG: i32 = 65;

/// The bit for `signal` in a signal set (`u64`, bit n = signal n). Signal
/// 64, the last real-time signal, has no bit: no shell feature needs it.
#[inline]
pub const fn bit(signal: i32) -> u64 {
    if signal > 0 && signal < 64 {
        1u64 << signal
    } else {
        0
    }
}

pub use libc::{
    SIGABRT, SIGALRM, SIGBUS, SIGCHLD, SIGCONT, SIGFPE, SIGHUP, SIGILL, SIGINT, SIGKILL, SIGPIPE,
    SIGPROF, SIGQUIT, SIGSEGV, SIGSTOP, SIGSYS, SIGTERM, SIGTRAP, SIGTSTP, SIGTTIN, SIGTTOU,
    SIGURG, SIGUSR1, SIGUSR2, SIGVTALRM, SIGWINCH, SIGXCPU, SIGXFSZ,
};

/// Signal names without the `SIG` prefix, as `kill -l` and `trap` use them.
pub const NAMES: &[(i32, &str)] = &[
    (SIGHUP, "HUP"),
    (SIGINT, "INT"),
    (SIGQUIT, "QUIT"),
    (SIGILL, "ILL"),
    (SIGTRAP, "TRAP"),
    (SIGABRT, "ABRT"),
    (SIGBUS, "BUS"),
    (SIGFPE, "FPE"),
    (SIGKILL, "KILL"),
    (SIGUSR1, "USR1"),
    (SIGSEGV, "SEGV"),
    (SIGUSR2, "USR2"),
    (SIGPIPE, "PIPE"),
    (SIGALRM, "ALRM"),
    (SIGTERM, "TERM"),
    (SIGCHLD, "CHLD"),
    (SIGCONT, "CONT"),
    (SIGSTOP, "STOP"),
    (SIGTSTP, "TSTP"),
    (SIGTTIN, "TTIN"),
    (SIGTTOU, "TTOU"),
    (SIGURG, "URG"),
    (SIGXCPU, "XCPU"),
    (SIGXFSZ, "XFSZ"),
    (SIGVTALRM, "VTALRM"),
    (SIGPROF, "PROF"),
    (SIGWINCH, "WINCH"),
    (SIGSYS, "SYS"),
];

/// The name of a signal without `SIG` (`"INT"`), if it has one.
pub fn name(signal: i32) -> Option<&'static str> {
    NAMES.iter().find(|&&(n, _)| n == signal).map(|&(_, s)| s)
}

/// The number of a signal named with or without `SIG`, in any case
/// (`INT`, `SIGINT`, `int`).
pub fn number(name: &[u8]) -> Option<i32> {
    let upper: Vec<u8> = name.to_ascii_uppercase();
    let bare = upper.strip_prefix(b"SIG").unwrap_or(&upper);
    NAMES
        .iter()
        .find(|&&(_, s)| s.as_bytes() == bare)
        .map(|&(n, _)| n)
}

/// The signal a daemon sends a worker to cancel the job it runs (its client
/// went away). A real-time signal on Linux, so no job can have a use for it;
/// elsewhere SIGEMT, which nothing raises on the machines rush runs on (not
/// SIGXFSZ, which the kernel sends a shell that writes past `ulimit -f`).
pub fn cancel_signal() -> i32 {
    #[cfg(target_os = "linux")]
    {
        libc::SIGRTMAX() - 1
    }
    #[cfg(not(target_os = "linux"))]
    {
        libc::SIGEMT
    }
}

/// What the process does when a signal arrives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Disposition {
    Default,
    Ignore,
    /// Record the arrival for [`take_pending`].
    Catch,
}

static PENDING: [AtomicBool; NSIG as usize] = [const { AtomicBool::new(false) }; NSIG as usize];
static ANY_PENDING: AtomicBool = AtomicBool::new(false);
/// Every signal recorded since [`take_arrived`] last cleared the set.
static ARRIVED: AtomicU64 = AtomicU64::new(0);
/// Bit `n` is set when signal `n` has a recording handler installed.
static CAUGHT: AtomicU64 = AtomicU64::new(0);

/// A descriptor the handler writes the signal's number to (a self-pipe), or -1.
static WAKE_FD: AtomicI32 = AtomicI32::new(-1);

/// The tag of each signal's last arrival ([`send_tagged`]; 0 for an
/// untagged one), stored before its pending flag.
static TAG: [AtomicI32; NSIG as usize] = [const { AtomicI32::new(0) }; NSIG as usize];

/// The handler: record the arrival, and its tag.
extern "C" fn record_info(signal: libc::c_int, info: *mut libc::siginfo_t, _: *mut libc::c_void) {
    if (0..NSIG).contains(&signal) {
        TAG[signal as usize].store(tag_of(info), Ordering::Relaxed);
    }
    record(signal);
}

/// The value a [`send_tagged`] signal carries; 0 for any other.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn tag_of(info: *const libc::siginfo_t) -> i32 {
    if info.is_null() {
        return 0;
    }
    // SAFETY: with SA_SIGINFO the kernel passes a valid siginfo_t.
    let info = unsafe { &*info };
    if info.si_code != libc::SI_QUEUE {
        return 0;
    }
    // SAFETY: si_value is the one sigqueue set (SI_QUEUE, checked above).
    let value = unsafe { info.si_value() };
    value.sival_ptr as usize as i32
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn tag_of(_: *const libc::siginfo_t) -> i32 {
    0
}

/// Send `signal` to `pid` carrying `tag` (`sigqueue`), for a handler of
/// this module to tell it from other arrivals ([`take_pending_except`]).
/// A plain `kill`, untagged, where there is no `sigqueue` (macOS).
pub fn send_tagged(pid: Pid, signal: i32, tag: i32) -> io::Result<()> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        let value = libc::sigval {
            sival_ptr: tag as usize as *mut libc::c_void,
        };
        // SAFETY: sigqueue has no memory-safety preconditions.
        cvt(unsafe { libc::sigqueue(pid, signal, value) }).map(drop)
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        let _ = tag;
        crate::process::kill(pid, signal)
    }
}

extern "C" fn record(signal: libc::c_int) {
    if (0..NSIG).contains(&signal) {
        ARRIVED.fetch_or(bit(signal), Ordering::Relaxed);
        PENDING[signal as usize].store(true, Ordering::Relaxed);
        ANY_PENDING.store(true, Ordering::Release);
        let fd = WAKE_FD.load(Ordering::Relaxed);
        if fd >= 0 {
            wake(fd, signal as u8);
        }
    }
}

/// Write one byte to the wake-up descriptor, preserving `errno` (the
/// interrupted code may be about to read it).
fn wake(fd: libc::c_int, byte: u8) {
    let saved = io::Error::last_os_error().raw_os_error().unwrap_or(0);
    // SAFETY: `byte` is a valid one-byte buffer; write(2) is async-signal-safe.
    unsafe { libc::write(fd, (&byte as *const u8).cast(), 1) };
    set_errno(saved);
}

/// Put `errno` back as it was (a signal handler must leave it untouched).
#[cfg(any(target_os = "linux", target_os = "android"))]
pub(crate) fn restore_errno(value: i32) {
    set_errno(value);
}

fn set_errno(value: i32) {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    // SAFETY: __errno_location has no preconditions.
    let p = unsafe { libc::__errno_location() };
    #[cfg(any(
        target_os = "macos",
        target_os = "ios",
        target_os = "freebsd",
        target_os = "dragonfly"
    ))]
    // SAFETY: __error has no preconditions.
    let p = unsafe { libc::__error() };
    #[cfg(any(target_os = "netbsd", target_os = "openbsd"))]
    // SAFETY: __errno has no preconditions.
    let p = unsafe { libc::__errno() };
    // SAFETY: `p` points at this thread's errno, valid for the thread's life.
    unsafe { *p = value };
}

/// Make the recording handler also write each caught signal's number (one
/// byte) to `fd`, a non-blocking pipe's write end: a self-pipe, so a loop
/// that waits on descriptors wakes for signals without a race. `None`
/// stops it (a forked child must, before closing the pipe).
pub fn set_wakeup_fd(fd: Option<std::os::fd::RawFd>) {
    WAKE_FD.store(fd.unwrap_or(-1), Ordering::Relaxed);
}

fn check_signal(signal: i32) -> io::Result<()> {
    if (1..NSIG).contains(&signal) {
        Ok(())
    } else {
        Err(io::Error::from_raw_os_error(libc::EINVAL))
    }
}

/// Set the disposition of `signal`, returning the previous one.
pub fn set_disposition(signal: i32, disposition: Disposition) -> io::Result<Disposition> {
    check_signal(signal)?;
    // SAFETY: sigaction is plain old data; all-zero is a valid value.
    let mut act: libc::sigaction = unsafe { std::mem::zeroed() };
    act.sa_sigaction = match disposition {
        Disposition::Default => libc::SIG_DFL,
        Disposition::Ignore => libc::SIG_IGN,
        Disposition::Catch => {
            record_info as extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void)
                as libc::sighandler_t
        }
    };
    act.sa_flags = if disposition == Disposition::Catch {
        libc::SA_SIGINFO
    } else {
        0
    };
    // SAFETY: `act.sa_mask` is a valid sigset_t to initialise.
    unsafe { libc::sigemptyset(&mut act.sa_mask) };
    // SAFETY: sigaction is plain old data; all-zero is a valid value.
    let mut old: libc::sigaction = unsafe { std::mem::zeroed() };
    // SAFETY: `act` and `old` are valid sigaction structs; the handler only
    // stores to atomics, which is async-signal-safe.
    cvt(unsafe { libc::sigaction(signal, &act, &mut old) })?;
    let bit = bit(signal);
    if disposition == Disposition::Catch {
        CAUGHT.fetch_or(bit, Ordering::Relaxed);
    } else {
        CAUGHT.fetch_and(!bit, Ordering::Relaxed);
    }
    KNOWN[signal as usize].store(known_code(disposition), Ordering::Relaxed);
    Ok(classify(old.sa_sigaction))
}

/// What this process last set each signal to (0: not set by us, so
/// unknown), so that setting the same disposition again costs no system
/// call: a daemon worker re-applies its dispositions for every job.
static KNOWN: [AtomicU8; NSIG as usize] = [const { AtomicU8::new(0) }; NSIG as usize];

fn known_code(d: Disposition) -> u8 {
    match d {
        Disposition::Default => 1,
        Disposition::Ignore => 2,
        Disposition::Catch => 3,
    }
}

/// The disposition this process last set for `signal`, or `None` if it
/// never set one (it is then as inherited).
pub fn known(signal: i32) -> Option<Disposition> {
    match KNOWN
        .get(usize::try_from(signal).ok()?)?
        .load(Ordering::Relaxed)
    {
        1 => Some(Disposition::Default),
        2 => Some(Disposition::Ignore),
        3 => Some(Disposition::Catch),
        _ => None,
    }
}

/// Set the disposition of `signal` unless this process already set it to
/// exactly that. Returns whether anything changed.
pub fn ensure_disposition(signal: i32, disposition: Disposition) -> io::Result<bool> {
    check_signal(signal)?;
    if KNOWN[signal as usize].load(Ordering::Relaxed) == known_code(disposition) {
        return Ok(false);
    }
    set_disposition(signal, disposition)?;
    Ok(true)
}

fn classify(handler: libc::sighandler_t) -> Disposition {
    if handler == libc::SIG_DFL {
        Disposition::Default
    } else if handler == libc::SIG_IGN {
        Disposition::Ignore
    } else {
        Disposition::Catch
    }
}

/// The current disposition of `signal`, without changing it.
pub fn disposition(signal: i32) -> io::Result<Disposition> {
    check_signal(signal)?;
    // SAFETY: sigaction is plain old data; all-zero is a valid value.
    let mut old: libc::sigaction = unsafe { std::mem::zeroed() };
    // SAFETY: a null new action only queries; `old` is valid to fill.
    cvt(unsafe { libc::sigaction(signal, std::ptr::null(), &mut old) })?;
    Ok(classify(old.sa_sigaction))
}

/// The signals this process ignores, as a bit set (bit n = signal n, up
/// to 63), real-time ones included: a `sigaction` query per signal (about
/// 0.1 µs each on the development VM; reading `SigIgn` from
/// `/proc/self/status` instead cost a new process ~10 µs).
pub fn ignored_set() -> u64 {
    (1..64)
        .filter(|&s| s != libc::SIGKILL && s != libc::SIGSTOP)
        .filter(|&s| matches!(disposition(s), Ok(Disposition::Ignore)))
        .fold(0, |set, s| set | bit(s))
}

/// Signals caught with [`Disposition::Catch`] as a bit set (bit n = signal n).
pub fn caught_set() -> u64 {
    CAUGHT.load(Ordering::Relaxed)
}

/// Has any caught signal arrived since the last [`take_pending`]? One atomic
/// load: cheap enough to call between every two commands.
#[inline]
pub fn any_pending() -> bool {
    ANY_PENDING.load(Ordering::Acquire)
}

/// Take the set of signals that arrived (bit n = signal n) and clear it.
pub fn take_pending() -> u64 {
    if !ANY_PENDING.swap(false, Ordering::Acquire) {
        return 0;
    }
    let mut set = 0u64;
    for (n, flag) in PENDING.iter().enumerate() {
        if flag.swap(false, Ordering::Relaxed) {
            set |= bit(n as i32);
        }
    }
    set
}

/// Signals whose arrival ends a blocking call that would otherwise be
/// retried on `EINTR` (bit n = signal n; [`give_up_on`]).
static GIVE_UP_ON: AtomicU64 = AtomicU64::new(0);

/// Make the calls that retry on `EINTR` ([`crate::cvt_retry`],
/// [`crate::fd::write_all`]) fail with it instead once one of `set` has
/// arrived. A daemon worker running a job sets the signals whose default
/// action, death, it emulates: a direct shell blocked in `open` of a FIFO
/// or in a write to a full pipe dies of them there, and the worker must
/// not sleep on until the call completes. Empty (the default) elsewhere.
pub fn give_up_on(set: u64) {
    GIVE_UP_ON.store(set, Ordering::Relaxed);
}

/// Has one of the signals set by [`give_up_on`] arrived?
#[inline]
pub fn giving_up() -> bool {
    let set = GIVE_UP_ON.load(Ordering::Relaxed);
    set != 0 && pending_set() & set != 0
}

/// Forget every arrival but those tagged `tag` ([`send_tagged`]), and
/// return the set forgotten: a daemon worker starting a job keeps what
/// the daemon already forwarded to that job (tagged with its client's
/// pid), and nothing meant for an earlier one.
pub fn take_pending_except(tag: i32) -> u64 {
    if !any_pending() {
        return 0;
    }
    let mut forgotten = 0u64;
    let mut kept = false;
    for (n, flag) in PENDING.iter().enumerate() {
        if !flag.load(Ordering::Relaxed) {
            continue;
        }
        if tag != 0 && TAG[n].load(Ordering::Relaxed) == tag {
            kept = true;
        } else if flag.swap(false, Ordering::Relaxed) {
            forgotten |= bit(n as i32);
        }
    }
    if !kept {
        ANY_PENDING.store(false, Ordering::Relaxed);
        // One that arrived meanwhile sets it again.
        if PENDING.iter().any(|f| f.load(Ordering::Relaxed)) {
            ANY_PENDING.store(true, Ordering::Release);
        }
    }
    forgotten
}

/// Every signal recorded since the last call (bit n = signal n), taken or
/// not: what a daemon worker's job received while it ran.
pub fn take_arrived() -> u64 {
    ARRIVED.swap(0, Ordering::Relaxed)
}

/// The signals that have arrived and not been taken yet (bit n = signal n),
/// left as they are.
pub fn pending_set() -> u64 {
    if !any_pending() {
        return 0;
    }
    (1..NSIG)
        .filter(|&n| PENDING[n as usize].load(Ordering::Relaxed))
        .fold(0, |m, n| m | bit(n))
}

/// The lowest-numbered signal of `set` (bit n = signal n), if any.
pub fn lowest(set: u64) -> Option<i32> {
    (set != 0).then(|| set.trailing_zeros() as i32)
}

/// Has `signal` arrived (and not been taken yet)?
pub fn is_pending(signal: i32) -> bool {
    (0..NSIG).contains(&signal) && PENDING[signal as usize].load(Ordering::Relaxed)
}

/// Forget a pending arrival of `signal` (e.g. when its trap is reset).
pub fn clear_pending(signal: i32) {
    if (0..NSIG).contains(&signal) {
        PENDING[signal as usize].store(false, Ordering::Relaxed);
    }
}

/// Mark `signal` as arrived, as if its handler had run.
pub fn mark_pending(signal: i32) {
    if (0..NSIG).contains(&signal) {
        TAG[signal as usize].store(0, Ordering::Relaxed);
    }
    record(signal);
}

/// The signals sent to this process (or thread) that wait, blocked, to be
/// delivered (`sigpending(2)`), as a bit set (bit n = signal n).
pub fn kernel_pending() -> u64 {
    // SAFETY: sigset_t is plain old data; sigpending fills it.
    let mut set: libc::sigset_t = unsafe { std::mem::zeroed() };
    // SAFETY: `set` is valid for sigpending to fill.
    if unsafe { libc::sigpending(&mut set) } != 0 {
        return 0;
    }
    bits_of(&set)
}

/// The process signal mask as a bit set (bit n = signal n).
pub fn blocked() -> u64 {
    mask_op(libc::SIG_BLOCK, 0).unwrap_or(0)
}

/// Add `set` to the signal mask, returning the old mask.
pub fn block(set: u64) -> io::Result<u64> {
    mask_op(libc::SIG_BLOCK, set)
}

/// Replace the signal mask, returning the old one.
pub fn set_blocked(set: u64) -> io::Result<u64> {
    mask_op(libc::SIG_SETMASK, set)
}

/// The mask changed since [`unblock_all`] last emptied it (as if it had,
/// at first).
static MASK_SET: AtomicBool = AtomicBool::new(true);

/// Empty the signal mask, unless nothing changed it since the last call
/// did: for a process that keeps an empty mask between jobs, a system
/// call saved after every job that left it alone. (A process this one
/// started shares the flag only until it starts a program, and can only
/// have set it.)
pub fn unblock_all() -> io::Result<()> {
    if MASK_SET.load(Ordering::Relaxed) {
        set_blocked(0)?;
        MASK_SET.store(false, Ordering::Relaxed);
    }
    Ok(())
}

/// Sleep until one of `signals`, all caught ([`Disposition::Catch`]), has
/// arrived ([`is_pending`]). They are blocked while the flags are read and
/// let in only by `sigsuspend`, so one that comes between the check and
/// the sleep wakes it rather than being missed; any other caught signal
/// wakes it too, for another look.
pub fn wait_for_any(signals: u64) {
    let Ok(old) = block(signals) else {
        return;
    };
    let during = sigset_of(old & !signals);
    while !(1..NSIG).any(|n| signals & bit(n) != 0 && is_pending(n)) {
        // SAFETY: `during` is a valid sigset_t; sigsuspend always returns
        // -1 (EINTR) once a handler has run.
        unsafe { libc::sigsuspend(&during) };
    }
    let _ = set_blocked(old);
}

/// Wait until `fd` is readable (or hung up), unless `stop` says not to
/// wait. `stop` is asked with every signal blocked, and `ppoll` lets them
/// in as it starts to sleep, so a handler that runs between the question
/// and the sleep cannot go unseen: it ends the wait (`EINTR`, returned as
/// such). Where there is no `ppoll` (macOS), the signals are let in before
/// a plain `poll`, and one whose handler runs in between is seen only when
/// the wait ends.
pub fn wait_readable_unless(fd: RawFd, stop: &dyn Fn() -> bool) -> io::Result<()> {
    let old = block(!0)?;
    let result = if stop() {
        Err(io::ErrorKind::Interrupted.into())
    } else {
        ppoll_readable(fd, old)
    };
    let _ = set_blocked(old);
    result
}

#[cfg(rush_posix2024)]
fn ppoll_readable(fd: RawFd, mask: u64) -> io::Result<()> {
    let mut p = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    let during = sigset_of(mask);
    // SAFETY: `p` is one valid pollfd, `during` a valid sigset_t; a null
    // timeout waits without end.
    cvt(unsafe { libc::ppoll(&mut p, 1, std::ptr::null(), &during) }).map(drop)
}

#[cfg(not(rush_posix2024))]
fn ppoll_readable(fd: RawFd, mask: u64) -> io::Result<()> {
    set_blocked(mask)?;
    crate::fd::poll_readable(fd, -1).map(drop)
}

fn mask_op(how: libc::c_int, set: u64) -> io::Result<u64> {
    // (Blocking nothing is how the mask is read.)
    if how != libc::SIG_BLOCK || set != 0 {
        MASK_SET.store(true, Ordering::Relaxed);
    }
    let new = sigset_of(set);
    // SAFETY: sigset_t is plain old data; sigprocmask fills it.
    let mut old: libc::sigset_t = unsafe { std::mem::zeroed() };
    // SAFETY: both sets are valid; pthread_sigmask equals sigprocmask in a
    // single-threaded process.
    let r = unsafe { libc::pthread_sigmask(how, &new, &mut old) };
    if r != 0 {
        return Err(io::Error::from_raw_os_error(r));
    }
    Ok(bits_of(&old))
}

/// Die of `signal` as a shell reports a child's death: restore its default
/// action, unblock it and send it to ourselves. Falls back to exiting with
/// `128 + signal` for signals whose default is not to terminate.
pub fn die_of(signal: i32) -> ! {
    let _ = set_disposition(signal, Disposition::Default);
    let mask = blocked() & !bit(signal);
    let _ = set_blocked(mask);
    let _ = crate::process::kill(crate::process::getpid(), signal);
    crate::process::exit_now(128 + signal)
}

/// Send `signal` to process `pid` (negative: a process group).
pub fn send(pid: Pid, signal: i32) -> io::Result<()> {
    crate::process::kill(pid, signal)
}

/// Signals delivered through a descriptor instead of a handler: the set is
/// blocked and read from a `signalfd(2)` (Linux). Two system calls to set
/// up where installing handlers costs one per signal; dropping it closes
/// the descriptor and puts the old mask back.
#[cfg(target_os = "linux")]
pub struct SignalFd {
    fd: std::os::fd::OwnedFd,
    old_mask: u64,
}

#[cfg(target_os = "linux")]
impl SignalFd {
    /// Block `set` (bit n = signal n) and open a non-blocking descriptor
    /// that reads its arrivals.
    pub fn new(set: u64) -> io::Result<SignalFd> {
        let old_mask = mask_op(libc::SIG_BLOCK, set)?;
        let mask = sigset_of(set);
        // SAFETY: `mask` is a valid sigset_t; -1 asks for a new descriptor.
        let fd =
            match cvt(unsafe { libc::signalfd(-1, &mask, libc::SFD_NONBLOCK | libc::SFD_CLOEXEC) })
            {
                Ok(fd) => fd,
                Err(e) => {
                    let _ = set_blocked(old_mask);
                    return Err(e);
                }
            };
        // SAFETY: signalfd just returned this descriptor; nobody else owns it.
        let fd = unsafe { <std::os::fd::OwnedFd as std::os::fd::FromRawFd>::from_raw_fd(fd) };
        Ok(SignalFd { fd, old_mask })
    }

    /// The descriptor, to wait on.
    pub fn fd(&self) -> std::os::fd::RawFd {
        std::os::fd::AsRawFd::as_raw_fd(&self.fd)
    }

    /// Append the signals that arrived since the last read, each with the
    /// pid of the process that sent it (0 for the kernel: a terminal's ^C).
    pub fn read(&self, out: &mut Vec<(i32, Pid)>) {
        // SAFETY: signalfd_siginfo is plain old data; all-zero is valid.
        let mut infos: [libc::signalfd_siginfo; 8] = unsafe { std::mem::zeroed() };
        loop {
            let bytes = std::mem::size_of_val(&infos);
            // SAFETY: `infos` is valid for writes of `bytes` bytes.
            let n = unsafe { libc::read(self.fd(), infos.as_mut_ptr().cast(), bytes) };
            if n <= 0 {
                return;
            }
            let count = n as usize / std::mem::size_of::<libc::signalfd_siginfo>();
            out.extend(
                infos[..count]
                    .iter()
                    .map(|i| (i.ssi_signo as i32, i.ssi_pid as Pid)),
            );
        }
    }
}

#[cfg(target_os = "linux")]
impl Drop for SignalFd {
    fn drop(&mut self) {
        let _ = set_blocked(self.old_mask);
    }
}

/// The bit set of a `sigset_t` the kernel filled ([`sigset_of`]'s inverse).
fn bits_of(s: &libc::sigset_t) -> u64 {
    (1..NSIG)
        // SAFETY: `s` is an initialised sigset_t and `n` a valid number.
        .filter(|&n| unsafe { libc::sigismember(s, n) } == 1)
        .fold(0, |out, n| out | bit(n))
}

fn sigset_of(set: u64) -> libc::sigset_t {
    // SAFETY: sigset_t is plain old data; sigemptyset initialises it.
    let mut s: libc::sigset_t = unsafe { std::mem::zeroed() };
    // SAFETY: `s` is a valid sigset_t.
    unsafe { libc::sigemptyset(&mut s) };
    for n in 1..NSIG {
        if set & bit(n) != 0 {
            // SAFETY: `s` is initialised and `n` is a valid signal number.
            unsafe { libc::sigaddset(&mut s, n) };
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for &(n, s) in NAMES {
            assert_eq!(number(s.as_bytes()), Some(n));
            assert_eq!(name(n), Some(s));
        }
        assert_eq!(number(b"sigint"), Some(SIGINT));
        assert_eq!(number(b"NOPE"), None);
    }

    #[test]
    fn a_tagged_arrival_outlives_the_forgetting_of_others() {
        let _serial = crate::SIGNAL_TESTS
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        // SIGURG: ignored by default, so a stray one kills nothing.
        let sig = SIGURG;
        let before = set_disposition(sig, Disposition::Catch).unwrap();
        send_tagged(crate::process::getpid(), sig, 4242).unwrap();
        // The test harness runs threads; the signal may land on another one.
        for _ in 0..1000 {
            if is_pending(sig) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        assert!(is_pending(sig));
        #[cfg(any(target_os = "linux", target_os = "android"))]
        {
            assert_eq!(take_pending_except(4242), 0);
            assert!(is_pending(sig) && any_pending());
        }
        assert_eq!(take_pending_except(7), bit(sig));
        assert!(!is_pending(sig));
        mark_pending(sig);
        assert_eq!(
            take_pending_except(4242),
            bit(sig),
            "mark_pending is untagged"
        );
        let _ = set_disposition(sig, before);
    }

    #[test]
    fn catch_records_arrival() {
        let _serial = crate::SIGNAL_TESTS
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let old = set_disposition(SIGUSR2, Disposition::Catch).unwrap();
        crate::process::kill(crate::process::getpid(), SIGUSR2).unwrap();
        // The test harness runs threads; the signal may land on another one.
        let mut seen = 0;
        for _ in 0..1000 {
            seen |= take_pending();
            if seen & (1 << SIGUSR2) != 0 {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        assert_ne!(seen & (1 << SIGUSR2), 0);
        set_disposition(SIGUSR2, old).unwrap();
    }
}
