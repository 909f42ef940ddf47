//! OS primitives for rush: the one place for `unsafe` and OS-specific code.
//!
//! Every call into libc goes through [`cvt`] so that a `-1` return becomes an
//! `io::Error`, and raw descriptors become `OwnedFd` as soon as they exist.

// libc's integer types differ between targets; casts that are no-ops on one
// are needed on another.
#![allow(clippy::unnecessary_cast)]

#[cfg(target_env = "musl")]
pub mod alloc;
pub mod child;
#[cfg(any(target_os = "linux", target_os = "android"))]
pub mod connwatch;
#[cfg(not(any(target_os = "linux", target_os = "android")))]
#[path = "connwatch_other.rs"]
pub mod connwatch;
mod connwatch_api;
pub mod context;
pub mod environ;
pub mod event;
pub mod fd;
pub mod fs;
#[cfg(target_arch = "x86_64")]
pub mod mem;
pub mod process;
pub mod pty;
pub mod service;
pub mod shm;
pub mod signal;
pub mod sockdir;
pub mod spawn;
pub mod tty;
pub mod unix;

use std::io;

/// Turn a libc-style return value into `io::Result`: `-1` means "look at
/// errno" (the funnel every syscall wrapper goes through, as mio's `syscall!`).
#[inline]
pub fn cvt<T: IsMinusOne>(ret: T) -> io::Result<T> {
    if ret.is_minus_one() {
        Err(io::Error::last_os_error())
    } else {
        Ok(ret)
    }
}

/// Like [`cvt`], but retries the call while it fails with `EINTR`, unless
/// a signal that must end the wait has arrived ([`signal::give_up_on`]).
#[inline]
pub fn cvt_retry<T: IsMinusOne>(mut f: impl FnMut() -> T) -> io::Result<T> {
    loop {
        match cvt(f()) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted && !signal::giving_up() => continue,
            other => return other,
        }
    }
}

/// Integer types whose `-1` signals failure.
pub trait IsMinusOne {
    fn is_minus_one(&self) -> bool;
}

macro_rules! impl_is_minus_one {
    ($($t:ty)*) => {$(
        impl IsMinusOne for $t {
            #[inline]
            fn is_minus_one(&self) -> bool { *self == -1 }
        }
    )*};
}
impl_is_minus_one! { i8 i16 i32 i64 isize }

/// A process id.
pub type Pid = i32;

/// Tests that install signal handlers or read the process-wide pending
/// flags take this lock, so that they do not see each other's signals.
#[cfg(test)]
pub(crate) static SIGNAL_TESTS: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// errno values and their descriptions.
pub mod entry;

pub mod errno {
    pub use libc::{
        E2BIG, EACCES, EAGAIN, EBADF, ECANCELED, ECONNREFUSED, EEXIST, EFBIG, EINTR, EINVAL,
        EISDIR, EMFILE, ENFILE, ENOBUFS, ENOENT, ENOEXEC, ENOMEM, ENOTDIR, EPIPE, ESPIPE, ESRCH,
        ETXTBSY,
    };

    /// The system's description of an errno value ("No such file or
    /// directory"), without the "(os error N)" that `io::Error` adds.
    pub fn describe(code: i32) -> String {
        let mut buf = [0 as libc::c_char; 256];
        // SAFETY: `buf` is valid for writes of its length; the XSI
        // strerror_r NUL-terminates within it on success.
        let r = unsafe { libc::strerror_r(code, buf.as_mut_ptr(), buf.len()) };
        if r != 0 {
            return format!("error {code}");
        }
        // SAFETY: strerror_r succeeded, so `buf` holds a NUL-terminated string.
        let text = unsafe { std::ffi::CStr::from_ptr(buf.as_ptr()) };
        text.to_string_lossy().into_owned()
    }
}
