//! Processes: ids, fork, wait, kill, exit, process groups, umask, limits.

use crate::{Pid, cvt, cvt_retry};
use std::io;
use std::os::fd::RawFd;
use std::sync::atomic::{AtomicBool, Ordering};

/// The outcome of [`fork`].
pub enum Fork {
    /// In the parent: the child's pid.
    Parent(Pid),
    /// In the child.
    Child,
}

/// `fork(2)`.
///
/// Safe to call here because rush's processes are single-threaded: the child
/// gets a consistent copy of the only thread, so the allocator and every lock
/// are in a usable state. A caller that has started threads must not use it.
pub fn fork() -> io::Result<Fork> {
    // SAFETY: rush never runs more than one thread in a process that forks
    // (see the doc comment), so the child may go on running Rust code.
    let pid = cvt(unsafe { libc::fork() })?;
    Ok(if pid == 0 {
        Fork::Child
    } else {
        Fork::Parent(pid)
    })
}

/// How a child ended or changed state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WaitStatus {
    Exited(i32),
    Signaled { signal: i32, core_dumped: bool },
    Stopped(i32),
    Continued,
}

impl WaitStatus {
    fn from_raw(status: libc::c_int) -> WaitStatus {
        if libc::WIFEXITED(status) {
            WaitStatus::Exited(libc::WEXITSTATUS(status))
        } else if libc::WIFSIGNALED(status) {
            WaitStatus::Signaled {
                signal: libc::WTERMSIG(status),
                core_dumped: libc::WCOREDUMP(status),
            }
        } else if libc::WIFSTOPPED(status) {
            WaitStatus::Stopped(libc::WSTOPSIG(status))
        } else {
            WaitStatus::Continued
        }
    }

    /// The shell's `$?` for this status: the exit code, or 128 + signal.
    pub fn shell_status(self) -> i32 {
        match self {
            WaitStatus::Exited(code) => code,
            WaitStatus::Signaled { signal, .. } | WaitStatus::Stopped(signal) => 128 + signal,
            WaitStatus::Continued => 0,
        }
    }
}

/// Options for [`wait_pid`].
#[derive(Clone, Copy, Default)]
pub struct WaitOptions {
    /// Return `Ok(None)` at once if no child has changed state.
    pub nohang: bool,
    /// Also report stopped children.
    pub untraced: bool,
}

/// `waitpid(2)` for `pid` (or any child when `pid == -1`). `EINTR` is
/// returned to the caller, who may have a trap to run.
pub fn wait_pid(pid: Pid, options: WaitOptions) -> io::Result<Option<(Pid, WaitStatus)>> {
    let mut flags = 0;
    if options.nohang {
        flags |= libc::WNOHANG;
    }
    if options.untraced {
        flags |= libc::WUNTRACED;
    }
    let mut status: libc::c_int = 0;
    // SAFETY: `status` is a valid int for waitpid to fill.
    let got = cvt(unsafe { libc::waitpid(pid, &mut status, flags) })?;
    if got == 0 {
        return Ok(None);
    }
    Ok(Some((got, WaitStatus::from_raw(status))))
}

/// Wait until child `pid` has ended, leaving it a zombie for a later
/// [`wait_pid`] to reap (`waitid` with `WNOWAIT`): while it is not reaped
/// its pid and process group still name it. `EINTR` is returned to the
/// caller.
pub fn wait_ended_unreaped(pid: Pid) -> io::Result<()> {
    // SAFETY: siginfo_t is plain old data; all-zero is a valid value.
    let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
    // SAFETY: `info` is valid for waitid to fill.
    cvt(unsafe {
        libc::waitid(
            libc::P_PID,
            pid as libc::id_t,
            &mut info,
            libc::WEXITED | libc::WNOWAIT,
        )
    })
    .map(drop)
}

/// `kill(2)`. A negative `pid` names a process group.
pub fn kill(pid: Pid, signal: i32) -> io::Result<()> {
    // SAFETY: kill has no memory-safety preconditions.
    cvt(unsafe { libc::kill(pid, signal) }).map(drop)
}

/// The calling process's id.
pub fn getpid() -> Pid {
    // SAFETY: getpid cannot fail and has no preconditions.
    unsafe { libc::getpid() }
}

/// The parent's process id.
pub fn getppid() -> Pid {
    // SAFETY: getppid cannot fail and has no preconditions.
    unsafe { libc::getppid() }
}

/// The real and effective user ids.
pub fn getuid() -> u32 {
    // SAFETY: getuid cannot fail and has no preconditions.
    unsafe { libc::getuid() }
}

/// The effective user id.
pub fn geteuid() -> u32 {
    // SAFETY: geteuid cannot fail and has no preconditions.
    unsafe { libc::geteuid() }
}

/// The real group id.
pub fn getgid() -> u32 {
    // SAFETY: getgid cannot fail and has no preconditions.
    unsafe { libc::getgid() }
}

/// The effective group id.
pub fn getegid() -> u32 {
    // SAFETY: getegid cannot fail and has no preconditions.
    unsafe { libc::getegid() }
}

/// End the process now with `status`, without running destructors or atexit
/// handlers: what a forked child of the shell does when it is done.
pub fn exit_now(status: i32) -> ! {
    // SAFETY: _exit has no preconditions and does not return.
    unsafe { libc::_exit(status) }
}

/// `setsid(2)`: a new session and process group led by the caller.
pub fn setsid() -> io::Result<Pid> {
    // SAFETY: setsid has no memory-safety preconditions.
    cvt(unsafe { libc::setsid() })
}

/// Have `cmd`'s child lead a session of its own (`setsid(2)` between
/// fork and exec), as a program started by `setsid`, cron or a service
/// manager does: its process group is orphaned. For tests.
pub fn start_new_session(cmd: &mut std::process::Command) -> &mut std::process::Command {
    use std::os::unix::process::CommandExt;
    // SAFETY: the hook runs in the child between fork and exec, where only
    // async-signal-safe work is allowed; setsid is one system call.
    unsafe { cmd.pre_exec(|| setsid().map(drop)) }
}

/// `setpgid(2)`.
pub fn setpgid(pid: Pid, pgid: Pid) -> io::Result<()> {
    // SAFETY: setpgid has no memory-safety preconditions.
    cvt(unsafe { libc::setpgid(pid, pgid) }).map(drop)
}

/// The caller's process group.
pub fn getpgrp() -> Pid {
    // SAFETY: getpgrp cannot fail and has no preconditions.
    unsafe { libc::getpgrp() }
}

/// The process group of process `pid`.
pub fn getpgid(pid: Pid) -> io::Result<Pid> {
    // SAFETY: getpgid has no memory-safety preconditions.
    cvt(unsafe { libc::getpgid(pid) })
}

/// The session of process `pid` (0: the caller).
pub fn getsid(pid: Pid) -> io::Result<Pid> {
    // SAFETY: getsid has no memory-safety preconditions.
    cvt(unsafe { libc::getsid(pid) })
}

/// Is the process group of process `pid`, whose parent is `parent`,
/// orphaned? A group is orphaned when no member has a parent in another
/// group of the same session (POSIX, "Orphaned Process Group"); the kernel
/// then discards SIGTSTP, SIGTTIN and SIGTTOU sent to it.
///
/// Told from one parent: `pid`'s when that is outside the group, else the
/// group leader's (a job-control shell's job, or a `setsid` program and
/// what it started), as the members of a group nearly always descend from
/// its leader. `false` when it cannot be told (the leader is gone, or the
/// system will not say).
pub fn group_is_orphaned(pid: Pid, parent: Pid) -> bool {
    let (Ok(group), Ok(session)) = (getpgid(pid), getsid(pid)) else {
        return false;
    };
    let outside = match getpgid(parent) {
        Ok(g) if g != group => parent,
        Ok(_) => match parent_of(group) {
            Some(p) => p,
            None => return false,
        },
        Err(_) => return false,
    };
    if outside <= 1 {
        return true;
    }
    match (getpgid(outside), getsid(outside)) {
        (Ok(g), Ok(s)) => !(s == session && g != group),
        _ => false,
    }
}

/// [`set_umask`] has run since [`reset_umask`] last did (as if it had,
/// at first).
static UMASK_SET: AtomicBool = AtomicBool::new(true);

/// Set the file mode creation mask, returning the old one.
pub fn set_umask(mask: u32) -> u32 {
    UMASK_SET.store(true, Ordering::Relaxed);
    // SAFETY: umask cannot fail and has no preconditions.
    unsafe { libc::umask(mask as libc::mode_t) as u32 }
}

/// Set the mask back to `mask`, unless nothing set it since the last
/// call did: for a process that keeps one mask between jobs, a system
/// call saved after every job that left it alone. (A process this one
/// started shares the flag only until it starts a program, and can only
/// have set it.)
pub fn reset_umask(mask: u32) {
    if UMASK_SET.swap(false, Ordering::Relaxed) {
        // SAFETY: umask cannot fail and has no preconditions.
        unsafe { libc::umask(mask as libc::mode_t) };
    }
}

/// The current file mode creation mask (read by setting and restoring
/// it, which for [`reset_umask`] changes nothing).
pub fn get_umask() -> u32 {
    // SAFETY: umask cannot fail and has no preconditions.
    let old = unsafe { libc::umask(0o022) };
    // SAFETY: as above.
    unsafe { libc::umask(old) };
    old as u32
}

/// `fchdir(2)`.
pub fn fchdir(fd: RawFd) -> io::Result<()> {
    // SAFETY: fchdir has no memory-safety preconditions.
    cvt(unsafe { libc::fchdir(fd) }).map(drop)
}

/// `chdir(2)` on a byte path.
pub fn chdir(path: &[u8]) -> io::Result<()> {
    let path =
        std::ffi::CString::new(path).map_err(|_| io::Error::from_raw_os_error(libc::ENOENT))?;
    // SAFETY: `path` is NUL-terminated and valid for the call.
    cvt(unsafe { libc::chdir(path.as_ptr()) }).map(drop)
}

/// The current directory as bytes.
pub fn getcwd() -> io::Result<Vec<u8>> {
    use std::os::unix::ffi::OsStringExt;
    std::env::current_dir().map(|p| p.into_os_string().into_vec())
}

/// A resource limit value meaning "no limit".
pub const RLIM_INFINITY: u64 = libc::RLIM_INFINITY as u64;

/// The resource of the stack's size limit, for [`getrlimit`].
pub const RLIMIT_STACK: i32 = libc::RLIMIT_STACK as i32;

/// The resources `ulimit` knows, with the option letter, the unit divisor
/// and a description, in the order `ulimit -a` prints them.
pub const RESOURCES: &[Resource] = &[
    Resource::new(
        b'c',
        libc::RLIMIT_CORE as i32,
        512,
        "core file size (blocks)",
    ),
    Resource::new(
        b'd',
        libc::RLIMIT_DATA as i32,
        1024,
        "data seg size (kbytes)",
    ),
    // Linux only (getrlimit(2)).
    #[cfg(any(target_os = "linux", target_os = "android"))]
    Resource::new(b'e', libc::RLIMIT_NICE as i32, 1, "scheduling priority"),
    Resource::new(b'f', libc::RLIMIT_FSIZE as i32, 512, "file size (blocks)"),
    // Linux only (getrlimit(2)).
    #[cfg(any(target_os = "linux", target_os = "android"))]
    Resource::new(b'i', libc::RLIMIT_SIGPENDING as i32, 1, "pending signals"),
    Resource::new(
        b'l',
        libc::RLIMIT_MEMLOCK as i32,
        1024,
        "max locked memory (kbytes)",
    ),
    Resource::new(
        b'm',
        libc::RLIMIT_RSS as i32,
        1024,
        "max memory size (kbytes)",
    ),
    Resource::new(b'n', libc::RLIMIT_NOFILE as i32, 1, "open files"),
    #[cfg(any(target_os = "linux", target_os = "android"))]
    Resource::new(
        b'q',
        libc::RLIMIT_MSGQUEUE as i32,
        1,
        "POSIX message queues (bytes)",
    ),
    // Linux only (getrlimit(2)).
    #[cfg(any(target_os = "linux", target_os = "android"))]
    Resource::new(b'r', libc::RLIMIT_RTPRIO as i32, 1, "real-time priority"),
    Resource::new(b's', libc::RLIMIT_STACK as i32, 1024, "stack size (kbytes)"),
    Resource::new(b't', libc::RLIMIT_CPU as i32, 1, "cpu time (seconds)"),
    Resource::new(b'u', libc::RLIMIT_NPROC as i32, 1, "max user processes"),
    Resource::new(
        b'v',
        libc::RLIMIT_AS as i32,
        1024,
        "virtual memory (kbytes)",
    ),
    // Linux only (getrlimit(2)).
    #[cfg(any(target_os = "linux", target_os = "android"))]
    Resource::new(b'x', libc::RLIMIT_LOCKS as i32, 1, "file locks"),
];

/// One resource for `getrlimit`/`setrlimit`.
#[derive(Clone, Copy, Debug)]
pub struct Resource {
    pub letter: u8,
    pub id: i32,
    pub unit: u64,
    pub description: &'static str,
}

impl Resource {
    const fn new(letter: u8, id: i32, unit: u64, description: &'static str) -> Resource {
        Resource {
            letter,
            id,
            unit,
            description,
        }
    }
}

/// `(soft, hard)` limits of a resource.
pub fn getrlimit(resource: i32) -> io::Result<(u64, u64)> {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `lim` is a valid rlimit for getrlimit to fill.
    cvt(unsafe { libc::getrlimit(resource as _, &mut lim) })?;
    Ok((lim.rlim_cur as u64, lim.rlim_max as u64))
}

/// Set the `(soft, hard)` limits of a resource.
pub fn setrlimit(resource: i32, soft: u64, hard: u64) -> io::Result<()> {
    let lim = libc::rlimit {
        rlim_cur: soft as libc::rlim_t,
        rlim_max: hard as libc::rlim_t,
    };
    // SAFETY: `lim` is a valid rlimit for setrlimit to read.
    cvt(unsafe { libc::setrlimit(resource as _, &lim) }).map(drop)
}

/// The soft limit on open files, or 1024 when it cannot be read or is
/// unlimited.
pub fn open_file_limit() -> u64 {
    match getrlimit(libc::RLIMIT_NOFILE as i32) {
        Ok((soft, _)) if soft != RLIM_INFINITY => soft,
        _ => 1024,
    }
}

/// CPU times of the process and of its waited-for children, in seconds:
/// `(user, system, children user, children system)`.
pub fn times() -> (f64, f64, f64, f64) {
    let own = usage();
    let (cu, cs) = children_times();
    (own.user, own.system, cu, cs)
}

/// What `getrusage` says of this process, in one call.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Usage {
    /// CPU time, in seconds.
    pub user: f64,
    pub system: f64,
    /// The most memory it has had resident at once, in bytes
    /// (`ru_maxrss`: KiB on Linux and the BSDs, bytes on macOS). A forked
    /// process starts from what it shares with its parent.
    pub peak_rss: u64,
}

/// This process's CPU times and peak resident memory.
pub fn usage() -> Usage {
    let ru = rusage(libc::RUSAGE_SELF);
    let peak = u64::try_from(ru.ru_maxrss).unwrap_or(0);
    Usage {
        user: seconds(ru.ru_utime),
        system: seconds(ru.ru_stime),
        peak_rss: if cfg!(any(target_os = "macos", target_os = "ios")) {
            peak
        } else {
            peak * 1024
        },
    }
}

/// CPU times of the children this process waited for, in seconds:
/// `(user, system)`.
pub fn children_times() -> (f64, f64) {
    let ru = rusage(libc::RUSAGE_CHILDREN);
    (seconds(ru.ru_utime), seconds(ru.ru_stime))
}

fn seconds(tv: libc::timeval) -> f64 {
    tv.tv_sec as f64 + tv.tv_usec as f64 / 1e6
}

/// The most memory this process has had resident at once, in bytes
/// ([`Usage::peak_rss`]).
pub fn peak_rss() -> u64 {
    usage().peak_rss
}

/// `getrusage(who)`.
fn rusage(who: libc::c_int) -> libc::rusage {
    // SAFETY: rusage is plain old data, all-zero is a valid value.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `ru` is a valid rusage for getrusage to fill.
    unsafe { libc::getrusage(who, &mut ru) };
    ru
}

/// Wait for `pid`, retrying on `EINTR`: for callers with nothing to do
/// between signals.
pub fn wait_pid_blocking(pid: Pid) -> io::Result<WaitStatus> {
    wait_pid_faults(pid).map(|(status, _)| status)
}

/// [`wait_pid_blocking`] that also reports how many minor page faults
/// the child (and the children it waited for) took: what a benchmark
/// counts to see where a process start goes.
pub fn wait_pid_faults(pid: Pid) -> io::Result<(WaitStatus, u64)> {
    loop {
        let mut status: libc::c_int = 0;
        // SAFETY: rusage is plain old data, all-zero is a valid value.
        let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: `status` and `ru` are valid for wait4 to fill.
        let got = cvt_retry(|| unsafe { libc::wait4(pid, &mut status, 0, &mut ru) })?;
        if got == pid {
            return Ok((WaitStatus::from_raw(status), ru.ru_minflt as u64));
        }
    }
}

/// The CPUs the calling thread may run on, or `None` where the system
/// does not say (not Linux).
pub fn cpu_affinity() -> Option<Vec<usize>> {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: cpu_set_t is plain old data; all-zero is an empty set.
        let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
        let size = std::mem::size_of::<libc::cpu_set_t>();
        // SAFETY: `set` is a valid cpu_set_t of `size` bytes to fill.
        if unsafe { libc::sched_getaffinity(0, size, &mut set) } != 0 {
            return None;
        }
        let max = 8 * size;
        // SAFETY: CPU_ISSET reads `set` at an index below its capacity.
        Some(
            (0..max)
                .filter(|&c| unsafe { libc::CPU_ISSET(c, &set) })
                .collect(),
        )
    }
    #[cfg(not(target_os = "linux"))]
    {
        None
    }
}

/// Keep the calling thread, and the processes it starts from now on, on
/// `cpus` (a benchmark that wants every party of a round trip on one CPU).
pub fn set_cpu_affinity(cpus: &[usize]) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: cpu_set_t is plain old data; all-zero is an empty set.
        let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
        let max = 8 * std::mem::size_of::<libc::cpu_set_t>();
        for &c in cpus.iter().filter(|&&c| c < max) {
            // SAFETY: `c` is below the set's capacity.
            unsafe { libc::CPU_SET(c, &mut set) };
        }
        // SAFETY: `set` is a valid cpu_set_t of the size given.
        cvt(unsafe { libc::sched_setaffinity(0, std::mem::size_of_val(&set), &set) }).map(drop)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = cpus;
        Err(io::Error::from(io::ErrorKind::Unsupported))
    }
}

/// Nanoseconds of `CLOCK_MONOTONIC`: one clock for every process on the
/// machine, so a time taken in one process means the same in another (a
/// client stamps its request; the worker that takes it measures the wait).
pub fn monotonic_ns() -> u64 {
    // SAFETY: timespec is plain old data; all-zero is a valid value.
    let mut ts: libc::timespec = unsafe { std::mem::zeroed() };
    // SAFETY: `ts` is valid for clock_gettime to fill.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    nanoseconds(&ts)
}

fn nanoseconds(ts: &libc::timespec) -> u64 {
    (ts.tv_sec as u64)
        .saturating_mul(1_000_000_000)
        .saturating_add(ts.tv_nsec as u64)
}

/// [`monotonic_ns`] by a system call rather than through the vDSO, for a
/// process that reads the clock once (the client): its first vDSO call
/// faults in two pages (the vDSO's text and its data page), which costs
/// more than the system call.
pub fn monotonic_ns_syscall() -> u64 {
    // SAFETY: timespec is plain old data; all-zero is a valid value.
    let mut ts: libc::timespec = unsafe { std::mem::zeroed() };
    #[cfg(target_os = "linux")]
    // SAFETY: `ts` is valid for the kernel to fill.
    unsafe {
        libc::syscall(libc::SYS_clock_gettime, libc::CLOCK_MONOTONIC, &mut ts)
    };
    #[cfg(not(target_os = "linux"))]
    // SAFETY: `ts` is valid for clock_gettime to fill.
    unsafe {
        libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts)
    };
    nanoseconds(&ts)
}

/// The scheduler's state letter for process `pid`, from `/proc/PID/stat`
/// (`R` running or about to, `S` asleep, `D`, `T`, `Z`...), or `None`
/// where the system does not say (not Linux, no such process). A process
/// woken by a signal reads as `R` from the moment the sender's `kill`
/// returns until it sleeps again.
pub fn run_state(pid: Pid) -> Option<u8> {
    let mut buf = [0u8; 512];
    let text = proc_file(pid, "stat", &mut buf)?;
    // "pid (comm) S ...": the command name may hold spaces and parentheses,
    // so the state follows the last ')'.
    let close = text.iter().rposition(|&b| b == b')')?;
    text.get(close + 2).copied()
}

/// The parent of process `pid`, or `None` where the system does not say
/// (no such process, or not Linux, macOS or FreeBSD).
pub fn parent_of(pid: Pid) -> Option<Pid> {
    #[cfg(target_os = "macos")]
    {
        // SAFETY: all-zero is a valid `proc_bsdinfo` (integers and arrays).
        let mut info: libc::proc_bsdinfo = unsafe { std::mem::zeroed() };
        let size = std::mem::size_of::<libc::proc_bsdinfo>() as libc::c_int;
        // SAFETY: `info` is valid for `size` bytes of writing.
        let n = unsafe {
            libc::proc_pidinfo(pid, libc::PROC_PIDTBSDINFO, 0, (&raw mut info).cast(), size)
        };
        if n != size {
            return None;
        }
        Pid::try_from(info.pbi_ppid).ok()
    }
    #[cfg(target_os = "freebsd")]
    {
        let mut mib = [libc::CTL_KERN, libc::KERN_PROC, libc::KERN_PROC_PID, pid];
        // SAFETY: all-zero is a valid `kinfo_proc` (integers, arrays and
        // null pointers).
        let mut info: libc::kinfo_proc = unsafe { std::mem::zeroed() };
        let mut len = std::mem::size_of::<libc::kinfo_proc>();
        // SAFETY: `mib` holds 4 names; `info` is valid for `len` bytes.
        let r = unsafe {
            libc::sysctl(
                mib.as_mut_ptr(),
                4,
                (&raw mut info).cast(),
                &mut len,
                std::ptr::null(),
                0,
            )
        };
        if r != 0 || len != std::mem::size_of::<libc::kinfo_proc>() {
            return None;
        }
        Some(info.ki_ppid)
    }
    #[cfg(not(any(target_os = "macos", target_os = "freebsd")))]
    {
        let mut buf = [0u8; 512];
        let text = proc_file(pid, "stat", &mut buf)?;
        // "pid (comm) S ppid ...", the name perhaps with spaces and ')'.
        let close = text.iter().rposition(|&b| b == b')')?;
        let rest = std::str::from_utf8(text.get(close + 1..)?).ok()?;
        rest.split_ascii_whitespace().nth(1)?.parse().ok()
    }
}

/// How many times process `pid` has been put on a CPU
/// (`/proc/PID/schedstat`, its third field): unchanged while it sleeps, so
/// a process that has not run since an earlier reading was not woken.
/// `None` where the system does not say.
pub fn run_count(pid: Pid) -> Option<u64> {
    let mut buf = [0u8; 128];
    let text = std::str::from_utf8(proc_file(pid, "schedstat", &mut buf)?).ok()?;
    text.split_ascii_whitespace().nth(2)?.parse().ok()
}

/// The start of `/proc/PID/NAME`, as much as `buf` holds, with one read
/// (procfs gives a small file whole); `None` off Linux or when it cannot
/// be read.
fn proc_file<'a>(pid: Pid, name: &str, buf: &'a mut [u8]) -> Option<&'a [u8]> {
    if !cfg!(any(target_os = "linux", target_os = "android")) {
        return None;
    }
    let path = format!("/proc/{pid}/{name}");
    let fd = crate::fd::open_owned(path.as_bytes(), libc::O_RDONLY, 0).ok()?;
    let n = crate::fd::read_retry(std::os::fd::AsRawFd::as_raw_fd(&fd), buf).ok()?;
    Some(&buf[..n])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peak_rss_counts_what_was_touched() {
        assert!(peak_rss() > 0);
        // Resident now, so at least that much at the peak.
        let block = vec![1u8; 64 << 20];
        std::hint::black_box(&block);
        let peak = peak_rss();
        assert!(peak >= 64 << 20, "{peak}");
    }

    #[test]
    fn fork_and_wait() {
        match fork().unwrap() {
            Fork::Child => exit_now(7),
            Fork::Parent(pid) => {
                assert_eq!(wait_pid_blocking(pid).unwrap(), WaitStatus::Exited(7));
            }
        }
    }

    #[test]
    fn parent_of_knows_this_process_parent() {
        if cfg!(any(
            target_os = "linux",
            target_os = "macos",
            target_os = "freebsd"
        )) {
            assert_eq!(parent_of(getpid()), Some(getppid()));
        }
    }

    #[test]
    fn umask_round_trip() {
        let old = set_umask(0o027);
        assert_eq!(get_umask(), 0o027);
        set_umask(old);
    }
}
