//! Unix-domain sockets: listen, connect, socketpair, descriptor passing with
//! `SCM_RIGHTS`, and peer credentials.
//!
//! Descriptor passing follows three rules: every descriptor received becomes
//! an `OwnedFd` before anything else can happen, it arrives close-on-exec
//! (`MSG_CMSG_CLOEXEC`, or `FD_CLOEXEC` set at once where that flag does not
//! exist), and a truncated control message (`MSG_CTRUNC`) is reported so the
//! caller can drop the peer: the kernel has already closed what did not fit.

use crate::cvt;
use std::io;
use std::mem;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

/// The most descriptors one message may carry (Linux's `SCM_MAX_FD`).
pub const MAX_FDS: usize = 253;

/// Bytes of control buffer for [`MAX_FDS`] descriptors.
// SAFETY: CMSG_SPACE is pure arithmetic on its argument.
const CMSG_BYTES: usize = unsafe { libc::CMSG_SPACE((MAX_FDS * 4) as libc::c_uint) } as usize;

#[cfg(rush_posix2024)]
const RECV_CLOEXEC: libc::c_int = libc::MSG_CMSG_CLOEXEC;
// macOS has no MSG_CMSG_CLOEXEC: FD_CLOEXEC is set on each descriptor as it
// is taken, which is race-free because rush's processes are single-threaded.
#[cfg(not(rush_posix2024))]
const RECV_CLOEXEC: libc::c_int = 0;

/// Flags for every `sendmsg`: never raise SIGPIPE on a peer that went away.
#[cfg(not(any(target_os = "macos", target_os = "ios")))]
pub const SEND_FLAGS: libc::c_int = libc::MSG_NOSIGNAL;
/// macOS sockets get `SO_NOSIGPIPE` when they are made instead (older
/// kernels reject `MSG_NOSIGNAL`).
#[cfg(any(target_os = "macos", target_os = "ios"))]
pub const SEND_FLAGS: libc::c_int = 0;
/// Flags for every `recvmsg` that may carry descriptors.
pub const RECV_FLAGS: libc::c_int = RECV_CLOEXEC;

/// A control-message buffer, aligned for `cmsghdr`, with room for
/// [`MAX_FDS`] descriptors.
#[repr(C, align(8))]
pub struct CmsgBuf([u8; CMSG_BYTES]);

impl CmsgBuf {
    /// An all-zero buffer.
    pub const fn new() -> CmsgBuf {
        CmsgBuf([0; CMSG_BYTES])
    }

    /// A pointer for `msg_control`.
    pub fn as_mut_ptr(&mut self) -> *mut libc::c_void {
        self.0.as_mut_ptr().cast()
    }
}

impl Default for CmsgBuf {
    fn default() -> Self {
        CmsgBuf::new()
    }
}

fn set_cloexec_raw(fd: RawFd) -> io::Result<()> {
    // SAFETY: fcntl(F_SETFD) has no memory-safety preconditions.
    cvt(unsafe { libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC) }).map(drop)
}

fn set_nonblocking_raw(fd: RawFd) -> io::Result<()> {
    crate::fd::set_nonblocking(fd, true)
}

#[cfg(any(target_os = "macos", target_os = "ios"))]
fn no_sigpipe(fd: RawFd) {
    let one: libc::c_int = 1;
    // SAFETY: `one` is a valid int for the duration of the call.
    unsafe {
        libc::setsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_NOSIGPIPE,
            (&one as *const libc::c_int).cast(),
            mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
}
#[cfg(not(any(target_os = "macos", target_os = "ios")))]
fn no_sigpipe(_fd: RawFd) {}

/// A new stream socket, close-on-exec.
fn stream_socket() -> io::Result<OwnedFd> {
    #[cfg(any(target_os = "macos", target_os = "ios"))]
    let fd = {
        // SAFETY: socket has no memory-safety preconditions.
        let fd = cvt(unsafe { libc::socket(libc::AF_UNIX, libc::SOCK_STREAM, 0) })?;
        // SAFETY: `fd` was just returned by socket(2) and is owned by nobody else.
        let owned = unsafe { OwnedFd::from_raw_fd(fd) };
        set_cloexec_raw(fd)?;
        owned
    };
    #[cfg(not(any(target_os = "macos", target_os = "ios")))]
    let fd = {
        // SAFETY: socket has no memory-safety preconditions.
        let fd =
            cvt(unsafe { libc::socket(libc::AF_UNIX, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0) })?;
        // SAFETY: `fd` was just returned by socket(2) and is owned by nobody else.
        unsafe { OwnedFd::from_raw_fd(fd) }
    };
    no_sigpipe(fd.as_raw_fd());
    Ok(fd)
}

fn sockaddr(path: &[u8]) -> io::Result<(libc::sockaddr_un, libc::socklen_t)> {
    // SAFETY: sockaddr_un is plain old data; all-zero is a valid value.
    let mut addr: libc::sockaddr_un = unsafe { mem::zeroed() };
    addr.sun_family = libc::AF_UNIX as libc::sa_family_t;
    if path.is_empty() || path.len() >= addr.sun_path.len() || path.contains(&0) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "socket path empty, too long or containing NUL",
        ));
    }
    for (dst, &src) in addr.sun_path.iter_mut().zip(path) {
        *dst = src as libc::c_char;
    }
    let len = mem::size_of::<libc::sa_family_t>() + path.len() + 1;
    Ok((addr, len as libc::socklen_t))
}

/// Bind a listening stream socket at `path`, mode 0600, non-blocking and
/// close-on-exec.
pub fn listen(path: &[u8], backlog: i32) -> io::Result<OwnedFd> {
    let fd = stream_socket()?;
    let (addr, len) = sockaddr(path)?;
    // The umask makes the socket 0600 from the moment it exists: no window in
    // which another user could connect before a chmod.
    let old = crate::process::set_umask(0o177);
    // SAFETY: `addr` is a valid sockaddr_un of `len` bytes.
    let bound = cvt(unsafe {
        libc::bind(
            fd.as_raw_fd(),
            (&addr as *const libc::sockaddr_un).cast(),
            len,
        )
    });
    crate::process::set_umask(old);
    bound?;
    // SAFETY: listen has no memory-safety preconditions.
    cvt(unsafe { libc::listen(fd.as_raw_fd(), backlog) })?;
    set_nonblocking_raw(fd.as_raw_fd())?;
    Ok(fd)
}

/// The path a listening Unix stream socket is bound to (empty when it has
/// none); an error when `fd` is not a listening Unix stream socket. For
/// sockets inherited from a service manager, whose kind the code did not
/// choose.
pub fn listening_path(fd: RawFd) -> io::Result<Vec<u8>> {
    let int_opt = |opt: libc::c_int| -> io::Result<libc::c_int> {
        let mut v: libc::c_int = 0;
        let mut len = mem::size_of::<libc::c_int>() as libc::socklen_t;
        // SAFETY: `v` and `len` are valid for getsockopt to fill.
        cvt(unsafe {
            libc::getsockopt(
                fd,
                libc::SOL_SOCKET,
                opt,
                (&mut v as *mut libc::c_int).cast(),
                &mut len,
            )
        })?;
        Ok(v)
    };
    let not = |what: &str| io::Error::new(io::ErrorKind::InvalidInput, what.to_string());
    if int_opt(libc::SO_TYPE)? != libc::SOCK_STREAM {
        return Err(not("not a stream socket"));
    }
    if int_opt(libc::SO_ACCEPTCONN)? == 0 {
        return Err(not("not listening"));
    }
    // SAFETY: sockaddr_un is plain old data; all-zero is a valid value.
    let mut addr: libc::sockaddr_un = unsafe { mem::zeroed() };
    let mut len = mem::size_of::<libc::sockaddr_un>() as libc::socklen_t;
    // SAFETY: `addr` has room for `len` bytes, which getsockname fills.
    cvt(unsafe { libc::getsockname(fd, (&mut addr as *mut libc::sockaddr_un).cast(), &mut len) })?;
    if i32::from(addr.sun_family) != libc::AF_UNIX {
        return Err(not("not a Unix-domain socket"));
    }
    Ok(addr
        .sun_path
        .iter()
        .take_while(|&&c| c != 0)
        .map(|&c| c as u8)
        .collect())
}

/// Connect a blocking, close-on-exec stream socket to `path`.
pub fn connect(path: &[u8]) -> io::Result<OwnedFd> {
    let fd = stream_socket()?;
    let (addr, len) = sockaddr(path)?;
    // SAFETY: `addr` is a valid sockaddr_un of `len` bytes.
    crate::cvt_retry(|| unsafe {
        libc::connect(
            fd.as_raw_fd(),
            (&addr as *const libc::sockaddr_un).cast(),
            len,
        )
    })?;
    Ok(fd)
}

/// A connected pair of stream sockets, both close-on-exec and blocking.
pub fn socketpair() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0 as libc::c_int; 2];
    #[cfg(any(target_os = "macos", target_os = "ios"))]
    let ty = libc::SOCK_STREAM;
    #[cfg(not(any(target_os = "macos", target_os = "ios")))]
    let ty = libc::SOCK_STREAM | libc::SOCK_CLOEXEC;
    // SAFETY: `fds` is a valid array of two ints for socketpair to fill.
    cvt(unsafe { libc::socketpair(libc::AF_UNIX, ty, 0, fds.as_mut_ptr()) })?;
    // SAFETY: both descriptors were just created and are owned by nobody else.
    let a = unsafe { OwnedFd::from_raw_fd(fds[0]) };
    // SAFETY: as above.
    let b = unsafe { OwnedFd::from_raw_fd(fds[1]) };
    for fd in [fds[0], fds[1]] {
        #[cfg(any(target_os = "macos", target_os = "ios"))]
        set_cloexec_raw(fd)?;
        no_sigpipe(fd);
    }
    Ok((a, b))
}

/// Accept one connection: the new socket is non-blocking and close-on-exec.
/// `WouldBlock` when none is pending.
pub fn accept(listener: RawFd) -> io::Result<OwnedFd> {
    #[cfg(any(target_os = "macos", target_os = "ios"))]
    let fd = {
        // SAFETY: null address arguments ask for no peer address.
        let fd =
            cvt(unsafe { libc::accept(listener, std::ptr::null_mut(), std::ptr::null_mut()) })?;
        // SAFETY: `fd` was just returned by accept(2) and is owned by nobody else.
        let owned = unsafe { OwnedFd::from_raw_fd(fd) };
        set_cloexec_raw(fd)?;
        set_nonblocking_raw(fd)?;
        owned
    };
    #[cfg(not(any(target_os = "macos", target_os = "ios")))]
    let fd = {
        // SAFETY: null address arguments ask for no peer address.
        let fd = cvt(unsafe {
            libc::accept4(
                listener,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                libc::SOCK_CLOEXEC | libc::SOCK_NONBLOCK,
            )
        })?;
        // SAFETY: `fd` was just returned by accept4(2) and is owned by nobody else.
        unsafe { OwnedFd::from_raw_fd(fd) }
    };
    no_sigpipe(fd.as_raw_fd());
    Ok(fd)
}

/// The effective uid of the process at the other end of `fd`
/// (`SO_PEERCRED` on Linux, `getpeereid` on the BSDs and macOS).
pub fn peer_uid(fd: RawFd) -> io::Result<u32> {
    peer_ids(fd).map(|(uid, _)| uid)
}

/// The pid of the process that connected at the other end of `fd` (see
/// [`peer_ids`]).
pub fn peer_pid(fd: RawFd) -> Option<i32> {
    peer_ids(fd).ok()?.1
}

/// The effective uid of the process at the other end of `fd` and its pid
/// as this process's PID namespace numbers it (0 when it has no number
/// here: a client that reports another pid for itself lives in another
/// PID namespace; `None` where the system does not tell), in one query.
pub fn peer_ids(fd: RawFd) -> io::Result<(u32, Option<i32>)> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        peer_cred(fd).map(|cred| (cred.uid, Some(cred.pid)))
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        let mut uid: libc::uid_t = 0;
        let mut gid: libc::gid_t = 0;
        // SAFETY: `uid` and `gid` are valid for getpeereid to fill.
        cvt(unsafe { libc::getpeereid(fd, &mut uid, &mut gid) })?;
        Ok((uid, None))
    }
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn peer_cred(fd: RawFd) -> io::Result<libc::ucred> {
    // SAFETY: ucred is plain old data; all-zero is a valid value.
    let mut cred: libc::ucred = unsafe { mem::zeroed() };
    let mut len = mem::size_of::<libc::ucred>() as libc::socklen_t;
    // SAFETY: `cred` and `len` are valid for getsockopt to fill.
    cvt(unsafe {
        libc::getsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_PEERCRED,
            (&mut cred as *mut libc::ucred).cast(),
            &mut len,
        )
    })?;
    Ok(cred)
}

/// The cookie of the network namespace socket `fd` belongs to
/// (`SO_NETNS_COOKIE`, Linux 5.14 and later). A Unix stream connection
/// accepted by a listener belongs to the namespace of the process that
/// connected, so comparing it with the listener's tells a client in
/// another network namespace (`ip netns exec`, `unshare -n`), which a path
/// on a shared file system still lets through. `None` where unknown.
pub fn netns_cookie(fd: RawFd) -> Option<u64> {
    #[cfg(target_os = "linux")]
    {
        // The asm-generic value (libc does not name it yet). A few
        // architectures number it otherwise; there the option read is
        // another or none, and the length check below refuses it.
        const SO_NETNS_COOKIE: libc::c_int = 71;
        let mut cookie: u64 = 0;
        let mut len = mem::size_of::<u64>() as libc::socklen_t;
        // SAFETY: `cookie` and `len` are valid for getsockopt to fill.
        let got = unsafe {
            libc::getsockopt(
                fd,
                libc::SOL_SOCKET,
                SO_NETNS_COOKIE,
                (&mut cookie as *mut u64).cast(),
                &mut len,
            )
        };
        (got == 0 && len as usize == mem::size_of::<u64>()).then_some(cookie)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = fd;
        None
    }
}

/// Fill `msg`'s control buffer with one `SCM_RIGHTS` message carrying `fds`.
/// `msg.msg_control` must point at a [`CmsgBuf`]; `fds.len() <= MAX_FDS`.
///
/// # Safety
/// `msg.msg_control` must point to a live, writable [`CmsgBuf`].
pub unsafe fn put_fds(msg: &mut libc::msghdr, fds: &[RawFd]) {
    if fds.is_empty() {
        msg.msg_control = std::ptr::null_mut();
        msg.msg_controllen = 0;
        return;
    }
    let n = fds.len().min(MAX_FDS);
    let bytes = n * mem::size_of::<RawFd>();
    // SAFETY: CMSG_SPACE is pure arithmetic.
    msg.msg_controllen = unsafe { libc::CMSG_SPACE(bytes as libc::c_uint) } as _;
    // SAFETY: msg_control points at a CmsgBuf (caller's contract) large enough
    // for MAX_FDS descriptors, so the first header is inside it.
    let cmsg = unsafe { libc::CMSG_FIRSTHDR(msg) };
    if cmsg.is_null() {
        return;
    }
    // SAFETY: `cmsg` points at the start of the caller's CmsgBuf.
    let hdr = unsafe { &mut *cmsg };
    hdr.cmsg_level = libc::SOL_SOCKET;
    hdr.cmsg_type = libc::SCM_RIGHTS;
    // SAFETY: CMSG_LEN is pure arithmetic.
    hdr.cmsg_len = unsafe { libc::CMSG_LEN(bytes as libc::c_uint) } as _;
    // SAFETY: the data area of `cmsg` has room for `n` descriptors (the
    // buffer was sized by CMSG_SPACE for MAX_FDS).
    let data = unsafe { libc::CMSG_DATA(cmsg) }.cast::<RawFd>();
    for (i, &fd) in fds[..n].iter().enumerate() {
        // SAFETY: `i < n`: the pointer stays inside the data area.
        let slot = unsafe { data.add(i) };
        // SAFETY: `slot` is inside the buffer; it may be unaligned.
        unsafe { slot.write_unaligned(fd) };
    }
}

/// Take every descriptor the kernel put in `msg`'s control buffer, as owned
/// close-on-exec descriptors. Descriptors of unknown control messages are
/// not expected (only `SCM_RIGHTS` is ever sent); other messages are skipped.
///
/// # Safety
/// `msg` must be the header of a completed `recvmsg` whose `msg_control`
/// (if not null) points to a live buffer of `msg_controllen` bytes, and the
/// descriptors in it must not have been taken before.
pub unsafe fn take_fds(msg: &libc::msghdr, out: &mut Vec<OwnedFd>) {
    // SAFETY: the caller's contract is this one's.
    unsafe { take_fds_as(msg, out, true) }
}

/// [`take_fds`]; `cloexec` false when `msg` was received without
/// `RECV_FLAGS`, to leave the descriptors inheritable.
///
/// # Safety
/// As for [`take_fds`].
unsafe fn take_fds_as(msg: &libc::msghdr, out: &mut Vec<OwnedFd>, cloexec: bool) {
    if msg.msg_control.is_null() || (msg.msg_controllen as usize) < mem::size_of::<libc::cmsghdr>()
    {
        return;
    }
    // SAFETY: msg_control points at a valid control buffer (caller's contract).
    let mut cmsg = unsafe { libc::CMSG_FIRSTHDR(msg) };
    while !cmsg.is_null() {
        // SAFETY: CMSG_FIRSTHDR/NXTHDR returned a header inside the buffer.
        let hdr = unsafe { &*cmsg };
        if hdr.cmsg_level == libc::SOL_SOCKET && hdr.cmsg_type == libc::SCM_RIGHTS {
            // SAFETY: CMSG_LEN is pure arithmetic.
            let header = unsafe { libc::CMSG_LEN(0) } as usize;
            let n = (hdr.cmsg_len as usize).saturating_sub(header) / mem::size_of::<RawFd>();
            // SAFETY: the header is inside the buffer; its data follows it.
            let data = unsafe { libc::CMSG_DATA(cmsg) }.cast::<RawFd>();
            for i in 0..n {
                // SAFETY: `i < n` descriptors lie in this message's data area.
                let slot = unsafe { data.add(i) };
                // SAFETY: `slot` is inside the data area; it may be unaligned.
                let fd = unsafe { slot.read_unaligned() };
                // SAFETY: the kernel just installed `fd` for us; nobody owns it.
                let owned = unsafe { OwnedFd::from_raw_fd(fd) };
                if cloexec && RECV_CLOEXEC == 0 {
                    let _ = set_cloexec_raw(fd);
                }
                out.push(owned);
            }
        }
        // SAFETY: `msg` and `cmsg` are valid; NXTHDR stays inside the buffer
        // or returns null.
        cmsg = unsafe { libc::CMSG_NXTHDR(msg, cmsg) };
    }
}

/// The outcome of [`recv_with_fds`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Received {
    /// Bytes appended to the buffer; 0 means the peer closed its end.
    pub len: usize,
    /// The control message was truncated (`MSG_CTRUNC`): some descriptors
    /// were lost and the peer should be dropped.
    pub truncated: bool,
}

/// `recvmsg` into the spare capacity of `buf` (its length grows by what was
/// read), appending received descriptors to `fds` as owned, close-on-exec
/// descriptors. `nonblocking` adds `MSG_DONTWAIT`. `EINTR` is retried.
pub fn recv_with_fds(
    fd: RawFd,
    buf: &mut Vec<u8>,
    fds: &mut Vec<OwnedFd>,
    nonblocking: bool,
) -> io::Result<Received> {
    recv_inner(fd, buf, fds, nonblocking, true)
}

/// [`recv_with_fds`], the descriptors not close-on-exec: for a process
/// that installs them as a child's, at numbers they may already have,
/// without an `fcntl` each, and that starts no program before.
pub fn recv_with_fds_inheritable(
    fd: RawFd,
    buf: &mut Vec<u8>,
    fds: &mut Vec<OwnedFd>,
    nonblocking: bool,
) -> io::Result<Received> {
    recv_inner(fd, buf, fds, nonblocking, false)
}

fn recv_inner(
    fd: RawFd,
    buf: &mut Vec<u8>,
    fds: &mut Vec<OwnedFd>,
    nonblocking: bool,
    cloexec: bool,
) -> io::Result<Received> {
    if buf.capacity() == buf.len() {
        buf.reserve(4096);
    }
    let spare = buf.spare_capacity_mut();
    let mut iov = libc::iovec {
        iov_base: spare.as_mut_ptr().cast(),
        iov_len: spare.len(),
    };
    let mut cbuf = CmsgBuf::new();
    // SAFETY: msghdr is plain old data; all-zero is a valid value.
    let mut msg: libc::msghdr = unsafe { mem::zeroed() };
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = cbuf.as_mut_ptr();
    msg.msg_controllen = CMSG_BYTES as _;
    let flags =
        if cloexec { RECV_FLAGS } else { 0 } | if nonblocking { libc::MSG_DONTWAIT } else { 0 };
    // SAFETY: `msg` points at `iov` (the spare capacity of `buf`) and `cbuf`,
    // all alive for the call.
    let n = crate::cvt_retry(|| unsafe { libc::recvmsg(fd, &mut msg, flags) })?;
    // SAFETY: the kernel filled the control buffer of this completed call.
    unsafe { take_fds_as(&msg, fds, cloexec) };
    let n = n as usize;
    // SAFETY: recvmsg initialised the first `n` spare bytes.
    unsafe { buf.set_len(buf.len() + n) };
    Ok(Received {
        len: n,
        truncated: msg.msg_flags & libc::MSG_CTRUNC != 0,
    })
}

/// `sendmsg` of `buf` with `fds` attached as `SCM_RIGHTS` (at most
/// [`MAX_FDS`]). Returns how many bytes were sent; the descriptors travel
/// with the first byte, so a short send must be finished without them.
/// `EINTR` is retried; SIGPIPE is never raised.
pub fn send_with_fds(fd: RawFd, buf: &[u8], fds: &[RawFd], nonblocking: bool) -> io::Result<usize> {
    if fds.len() > MAX_FDS {
        return Err(io::Error::from_raw_os_error(libc::EINVAL));
    }
    let mut iov = libc::iovec {
        iov_base: buf.as_ptr() as *mut libc::c_void,
        iov_len: buf.len(),
    };
    let mut cbuf = CmsgBuf::new();
    // SAFETY: msghdr is plain old data; all-zero is a valid value.
    let mut msg: libc::msghdr = unsafe { mem::zeroed() };
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = cbuf.as_mut_ptr();
    // SAFETY: msg_control points at `cbuf`, alive and writable.
    unsafe { put_fds(&mut msg, fds) };
    let flags = SEND_FLAGS | if nonblocking { libc::MSG_DONTWAIT } else { 0 };
    // SAFETY: `msg` points at `iov` (over `buf`) and `cbuf`, alive for the call;
    // sendmsg only reads them.
    let n = crate::cvt_retry(|| unsafe { libc::sendmsg(fd, &msg, flags) })?;
    Ok(n as usize)
}

/// Send all of `buf`, the descriptors with the first byte, blocking.
pub fn send_all_with_fds(fd: RawFd, mut buf: &[u8], mut fds: &[RawFd]) -> io::Result<()> {
    while !buf.is_empty() {
        let n = send_with_fds(fd, buf, fds, false)?;
        if n == 0 {
            return Err(io::Error::from(io::ErrorKind::WriteZero));
        }
        buf = &buf[n..];
        fds = &[];
    }
    Ok(())
}

/// Waits for a connection on a listening socket shared by several
/// processes, or for input on a control descriptor. On Linux the listener
/// is registered `EPOLLEXCLUSIVE`, so a connection wakes one waiting
/// process, not all of them; elsewhere every waiter wakes and all but one
/// find nothing to accept.
pub struct AcceptWait {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    ep: OwnedFd,
    listener: RawFd,
    control: RawFd,
}

#[cfg(any(target_os = "linux", target_os = "android"))]
const TAG_LISTENER: u64 = 1;
#[cfg(any(target_os = "linux", target_os = "android"))]
const TAG_CONTROL: u64 = 2;

/// What [`AcceptWait::wait`] saw.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Woke {
    pub listener: bool,
    pub control: bool,
}

impl AcceptWait {
    /// Its own descriptor (on Linux) goes at `min_fd` or above. The
    /// registrations follow the descriptions, so `listener` and `control`
    /// may later be moved to other numbers ([`AcceptWait::moved`]).
    pub fn new(listener: RawFd, control: RawFd, min_fd: RawFd) -> io::Result<AcceptWait> {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        {
            // SAFETY: epoll_create1 has no memory-safety preconditions.
            let ep = cvt(unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) })?;
            // SAFETY: the descriptor was just created and is owned by nobody else.
            let ep = unsafe { OwnedFd::from_raw_fd(ep) };
            let ep = crate::fd::dup_above_owned(ep.as_raw_fd(), min_fd)?;
            let add = |fd: RawFd, events: u32| -> io::Result<()> {
                let mut ev = libc::epoll_event {
                    events,
                    u64: if fd == listener {
                        TAG_LISTENER
                    } else {
                        TAG_CONTROL
                    },
                };
                // SAFETY: `ev` is a valid epoll_event for the call.
                cvt(unsafe { libc::epoll_ctl(ep.as_raw_fd(), libc::EPOLL_CTL_ADD, fd, &mut ev) })
                    .map(drop)
            };
            let input = libc::EPOLLIN as u32;
            // Kernels before 4.5 refuse EPOLLEXCLUSIVE: wake everyone then.
            if add(listener, input | libc::EPOLLEXCLUSIVE as u32).is_err() {
                add(listener, input)?;
            }
            add(control, input | libc::EPOLLRDHUP as u32)?;
            Ok(AcceptWait {
                ep,
                listener,
                control,
            })
        }
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        {
            let _ = min_fd;
            Ok(AcceptWait { listener, control })
        }
    }

    /// The descriptor of its own (none where it polls).
    pub fn own_fd(&self) -> Option<RawFd> {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        return Some(self.ep.as_raw_fd());
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        None
    }

    /// Move its own descriptor to `min_fd` or above.
    pub fn relocate(&mut self, min_fd: RawFd) -> io::Result<()> {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        {
            self.ep = crate::fd::dup_above_owned(self.ep.as_raw_fd(), min_fd)?;
        }
        let _ = min_fd;
        Ok(())
    }

    /// Its own descriptor follows a move of a job's redirection
    /// ([`crate::fd::follow_reserved`]).
    pub fn follow_reserved(&mut self) {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        crate::fd::follow_reserved(&mut self.ep);
    }

    /// The listener or the control descriptor now has another number.
    pub fn moved(&mut self, listener: RawFd, control: RawFd) {
        self.listener = listener;
        self.control = control;
    }

    /// Wait for the listener (when `listening`) or the control descriptor,
    /// at most `timeout_ms` (-1: no limit). `EINTR` returns nothing seen.
    pub fn wait(&self, listening: bool, timeout_ms: i32) -> io::Result<Woke> {
        let mut woke = Woke::default();
        #[cfg(any(target_os = "linux", target_os = "android"))]
        if listening {
            // SAFETY: epoll_event is plain old data; all-zero is valid.
            let mut evs: [libc::epoll_event; 2] = unsafe { mem::zeroed() };
            // SAFETY: `evs` has room for the 2 events asked for.
            let n =
                unsafe { libc::epoll_wait(self.ep.as_raw_fd(), evs.as_mut_ptr(), 2, timeout_ms) };
            if n < 0 {
                return interrupted_is_nothing(woke);
            }
            for ev in &evs[..n as usize] {
                let tag = ev.u64;
                woke.listener |= tag == TAG_LISTENER;
                woke.control |= tag == TAG_CONTROL;
            }
            return Ok(woke);
        }
        let mut pfds = [
            libc::pollfd {
                fd: self.control,
                events: libc::POLLIN,
                revents: 0,
            },
            libc::pollfd {
                fd: if listening { self.listener } else { -1 },
                events: libc::POLLIN,
                revents: 0,
            },
        ];
        // SAFETY: `pfds` is a valid array of 2 pollfds.
        let n = unsafe { libc::poll(pfds.as_mut_ptr(), 2, timeout_ms) };
        if n < 0 {
            return interrupted_is_nothing(woke);
        }
        woke.control = pfds[0].revents != 0;
        woke.listener = pfds[1].revents != 0;
        Ok(woke)
    }
}

/// A wait that failed: `EINTR` (errno, just set) saw nothing, anything
/// else is an error.
fn interrupted_is_nothing(nothing: Woke) -> io::Result<Woke> {
    let e = io::Error::last_os_error();
    if e.kind() == io::ErrorKind::Interrupted {
        Ok(nothing)
    } else {
        Err(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fd;

    #[test]
    fn pass_descriptors_over_socketpair() {
        let (a, b) = socketpair().unwrap();
        let (r, w) = fd::pipe().unwrap();
        send_all_with_fds(a.as_raw_fd(), b"hello", &[r, w]).unwrap();
        fd::close(r).unwrap();
        let mut buf = Vec::with_capacity(64);
        let mut got = Vec::new();
        let rec = recv_with_fds(b.as_raw_fd(), &mut buf, &mut got, false).unwrap();
        assert_eq!(rec.len, 5);
        assert!(!rec.truncated);
        assert_eq!(buf, b"hello");
        assert_eq!(got.len(), 2);
        // Received descriptors are close-on-exec.
        for f in &got {
            // SAFETY: fcntl(F_GETFD) has no memory-safety preconditions.
            let flags = unsafe { libc::fcntl(f.as_raw_fd(), libc::F_GETFD) };
            assert_ne!(flags & libc::FD_CLOEXEC, 0);
        }
        // The passed pipe still works end to end.
        fd::write_all(got[1].as_raw_fd(), b"x").unwrap();
        fd::close(w).unwrap();
        drop(got.pop());
        let mut out = Vec::new();
        fd::read_to_end(got[0].as_raw_fd(), &mut out).unwrap();
        assert_eq!(out, b"x");
    }

    #[test]
    fn peer_uid_is_ours() {
        let (a, _b) = socketpair().unwrap();
        assert_eq!(peer_uid(a.as_raw_fd()).unwrap(), crate::process::geteuid());
    }

    #[test]
    fn listen_and_connect() {
        let dir = std::env::temp_dir().join(format!("rush-unix-test-{}", std::process::id()));
        let _ = std::fs::create_dir(&dir);
        let path = dir.join("s");
        let _ = std::fs::remove_file(&path);
        use std::os::unix::ffi::OsStrExt;
        let l = listen(path.as_os_str().as_bytes(), 8).unwrap();
        let meta = std::fs::metadata(&path).unwrap();
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
        assert_eq!(
            listening_path(l.as_raw_fd()).unwrap(),
            path.as_os_str().as_bytes()
        );
        let c = connect(path.as_os_str().as_bytes()).unwrap();
        let s = accept(l.as_raw_fd()).unwrap();
        send_all_with_fds(c.as_raw_fd(), b"ok", &[]).unwrap();
        let mut buf = Vec::with_capacity(8);
        let mut fds = Vec::new();
        let mut tries = 0;
        loop {
            match recv_with_fds(s.as_raw_fd(), &mut buf, &mut fds, true) {
                Ok(_) => break,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock && tries < 1000 => {
                    tries += 1;
                    std::thread::sleep(std::time::Duration::from_millis(1));
                }
                Err(e) => panic!("{e}"),
            }
        }
        assert_eq!(buf, b"ok");
        assert!(listening_path(c.as_raw_fd()).is_err());
        let _ = std::fs::remove_file(&path);
        let _ = std::fs::remove_dir(&dir);
    }
}
