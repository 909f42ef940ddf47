//! What a process inherits besides its descriptors, environment and
//! directory: how it is scheduled, who it is, and where it runs.
//!
//! A daemon's worker runs a client's job in its own process, so the job
//! sees the worker's attributes, not the client's. Those a worker could
//! not take on for one job and put back afterwards (a raised nice value
//! cannot be lowered again without privilege; ids, capabilities and
//! `no_new_privs` only ever shrink) are compared instead: the client reads
//! its own, the worker its own, and a job whose attributes differ runs
//! directly. Each function here feeds the raw values of one group to
//! `eat`, in a fixed order, for the caller to hash; an attribute the system
//! cannot report feeds a fixed marker, alike on both sides. Every read is
//! one cheap system call, none goes through `/proc`: the client does this
//! on every job.

/// What an unreadable attribute reads as.
const UNKNOWN: u64 = u64::MAX;

/// How the process is scheduled: its nice value, its scheduling policy
/// (and real-time priority), the CPUs it may run on and its I/O priority.
pub fn scheduling(eat: &mut dyn FnMut(u64)) {
    // getpriority can return -1 as a value: errno tells, but a failure is
    // the same failure on both sides, so the value is fed as it is.
    // SAFETY: getpriority reads nothing from us.
    let nice = unsafe { libc::getpriority(libc::PRIO_PROCESS as _, 0) };
    eat(nice as i64 as u64);
    #[cfg(target_os = "linux")]
    {
        // By system call: musl's wrappers of these two only fail (ENOSYS).
        // SAFETY: sched_getscheduler takes a pid and reads no memory.
        let policy = unsafe { libc::syscall(libc::SYS_sched_getscheduler, 0) };
        eat(policy as u64);
        if policy == libc::SCHED_FIFO as libc::c_long || policy == libc::SCHED_RR as libc::c_long {
            // SAFETY: sched_param is plain old data; all-zero is valid.
            let mut param: libc::sched_param = unsafe { std::mem::zeroed() };
            // SAFETY: `param` is a valid sched_param to fill.
            let got = unsafe { libc::syscall(libc::SYS_sched_getparam, 0, &mut param) };
            eat(if got == 0 {
                param.sched_priority as u64
            } else {
                UNKNOWN
            });
        }
        // SAFETY: cpu_set_t is plain old data; all-zero is an empty set.
        let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
        let size = std::mem::size_of::<libc::cpu_set_t>();
        // SAFETY: `set` is a valid cpu_set_t of `size` bytes to fill.
        if unsafe { libc::sched_getaffinity(0, size, &mut set) } == 0 {
            // SAFETY: cpu_set_t is an array of integers, `size` bytes.
            let bytes = unsafe {
                std::slice::from_raw_parts((&set as *const libc::cpu_set_t).cast::<u8>(), size)
            };
            for word in bytes.chunks(8) {
                let mut w = [0u8; 8];
                w[..word.len()].copy_from_slice(word);
                eat(u64::from_le_bytes(w));
            }
        } else {
            eat(UNKNOWN);
        }
        const IOPRIO_WHO_PROCESS: libc::c_long = 1;
        const IOPRIO_CLASS_SHIFT: u32 = 13;
        // SAFETY: ioprio_get takes two integers and reads no memory.
        let ioprio = unsafe { libc::syscall(libc::SYS_ioprio_get, IOPRIO_WHO_PROCESS, 0) };
        // Class "none" means "from the nice value", whatever level comes
        // with it: kernels before 5.17 report level 4 for a process that has
        // not done block I/O yet and 0 for one that has, which must not
        // tell a fresh client from the daemon.
        let none = ioprio >= 0 && ioprio >> IOPRIO_CLASS_SHIFT == 0;
        eat(if none { 0 } else { ioprio as u64 });
    }
}

/// Who the process is: real, effective and saved user and group ids,
/// supplementary groups, and on Linux its capabilities, securebits,
/// `no_new_privs`, seccomp mode and personality (`setarch`).
pub fn credentials(eat: &mut dyn FnMut(u64)) {
    #[cfg(target_os = "linux")]
    {
        let (mut r, mut e, mut s) = (0, 0, 0);
        // SAFETY: the three ids are valid for getresuid to fill.
        unsafe { libc::getresuid(&mut r, &mut e, &mut s) };
        eat(u64::from(r));
        eat(u64::from(e));
        eat(u64::from(s));
        let (mut r, mut e, mut s) = (0, 0, 0);
        // SAFETY: the three ids are valid for getresgid to fill.
        unsafe { libc::getresgid(&mut r, &mut e, &mut s) };
        eat(u64::from(r));
        eat(u64::from(e));
        eat(u64::from(s));
    }
    #[cfg(not(target_os = "linux"))]
    {
        let ids = [
            crate::process::getuid(),
            crate::process::geteuid(),
            crate::process::getgid(),
            crate::process::getegid(),
        ];
        for id in ids {
            eat(u64::from(id));
        }
    }
    let mut groups = [0 as libc::gid_t; 256];
    // SAFETY: `groups` has room for the count given.
    let n = unsafe { libc::getgroups(groups.len() as _, groups.as_mut_ptr()) };
    if n < 0 {
        eat(UNKNOWN);
    } else {
        // A set: the same groups listed in another order are the same.
        let groups = &mut groups[..n as usize];
        groups.sort_unstable();
        eat(n as u64);
        for &g in groups.iter() {
            eat(u64::from(g));
        }
    }
    #[cfg(target_os = "linux")]
    {
        #[repr(C)]
        struct CapHeader {
            version: u32,
            pid: libc::c_int,
        }
        #[repr(C)]
        #[derive(Clone, Copy, Default)]
        struct CapData {
            effective: u32,
            permitted: u32,
            inheritable: u32,
        }
        const CAP_VERSION_3: u32 = 0x2008_0522;
        let mut header = CapHeader {
            version: CAP_VERSION_3,
            pid: 0,
        };
        let mut data = [CapData::default(); 2];
        // SAFETY: version 3 of capget fills two CapData for the header.
        let got = unsafe { libc::syscall(libc::SYS_capget, &mut header, data.as_mut_ptr()) };
        if got == 0 {
            for d in data {
                eat(u64::from(d.effective) << 32 | u64::from(d.permitted));
                eat(u64::from(d.inheritable));
            }
        } else {
            eat(UNKNOWN);
        }
        for option in [
            libc::PR_GET_SECUREBITS,
            libc::PR_GET_NO_NEW_PRIVS,
            libc::PR_GET_SECCOMP,
        ] {
            // SAFETY: these prctl options only return a value.
            let v = unsafe { libc::prctl(option, 0, 0, 0, 0) };
            eat(v as i64 as u64);
        }
        // SAFETY: 0xffffffff asks for the persona without changing it.
        let persona = unsafe { libc::personality(0xffff_ffff) };
        eat(persona as i64 as u64);
    }
}

/// Where the process runs: its root directory (device and inode, and on
/// Linux the id of its mount, which differs in another mount namespace)
/// and its host and domain names (another UTS namespace).
pub fn place(eat: &mut dyn FnMut(u64)) {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: statx is plain old data; all-zero is a valid value.
        let mut st: libc::statx = unsafe { std::mem::zeroed() };
        // SAFETY: the path is NUL-terminated and `st` valid to fill; by
        // system call because not every C library has the wrapper.
        let got = unsafe {
            libc::syscall(
                libc::SYS_statx,
                libc::AT_FDCWD,
                c"/".as_ptr(),
                0,
                libc::STATX_INO | libc::STATX_MNT_ID,
                &mut st,
            )
        };
        if got == 0 {
            eat(u64::from(st.stx_dev_major) << 32 | u64::from(st.stx_dev_minor));
            eat(st.stx_ino);
            let mnt = st.stx_mask & libc::STATX_MNT_ID != 0;
            eat(if mnt { st.stx_mnt_id } else { UNKNOWN });
        } else {
            eat(UNKNOWN);
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        // SAFETY: stat is plain old data; all-zero is a valid value.
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        // SAFETY: the path is NUL-terminated and `st` valid to fill.
        if unsafe { libc::stat(c"/".as_ptr(), &mut st) } == 0 {
            eat(st.st_dev as u64);
            eat(st.st_ino as u64);
        } else {
            eat(UNKNOWN);
        }
    }
    // SAFETY: utsname is plain old data; all-zero is a valid value.
    let mut uts: libc::utsname = unsafe { std::mem::zeroed() };
    // SAFETY: `uts` is valid for uname to fill.
    if unsafe { libc::uname(&mut uts) } == 0 {
        eat_text(eat, &uts.nodename);
        #[cfg(target_os = "linux")]
        eat_text(eat, &uts.domainname);
    } else {
        eat(UNKNOWN);
    }
}

/// Feed a NUL-terminated field eight bytes at a time.
fn eat_text(eat: &mut dyn FnMut(u64), field: &[libc::c_char]) {
    let len = field.iter().position(|&c| c == 0).unwrap_or(field.len());
    eat(len as u64);
    for chunk in field[..len].chunks(8) {
        let mut w = [0u8; 8];
        for (b, &c) in w.iter_mut().zip(chunk) {
            *b = c as u8;
        }
        eat(u64::from_le_bytes(w));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(f: fn(&mut dyn FnMut(u64))) -> Vec<u64> {
        let mut v = Vec::new();
        f(&mut |x| v.push(x));
        v
    }

    #[test]
    fn reads_are_stable_and_nonempty() {
        for f in [scheduling, credentials, place] {
            let a = collect(f);
            assert!(!a.is_empty());
            assert_eq!(a, collect(f));
        }
    }

    #[test]
    fn nice_value_is_read() {
        // SAFETY: getpriority reads nothing from us.
        let nice = unsafe { libc::getpriority(libc::PRIO_PROCESS as _, 0) };
        assert_eq!(collect(scheduling)[0], nice as i64 as u64);
    }
}
