//! The process environment as the kernel gave it, read in place: the
//! client forwards it without copying each entry into a fresh `OsString`.

use std::ffi::CStr;

#[cfg(not(any(target_os = "macos", target_os = "ios")))]
unsafe extern "C" {
    static environ: *const *const libc::c_char;
}

fn table() -> *const *const libc::c_char {
    #[cfg(any(target_os = "macos", target_os = "ios"))]
    {
        // SAFETY: _NSGetEnviron has no preconditions and returns a valid
        // pointer to the environment pointer.
        let p = unsafe { libc::_NSGetEnviron() };
        // SAFETY: `p` is valid (see above).
        unsafe { *p as *const *const libc::c_char }
    }
    #[cfg(not(any(target_os = "macos", target_os = "ios")))]
    {
        // SAFETY: reading the pointer value of `environ`; rush never calls
        // setenv/putenv concurrently (it is single-threaded).
        unsafe { environ }
    }
}

/// Call `f` with each `KEY=VALUE` entry, in order, as bytes. Valid while
/// nothing modifies the environment, which the caller must not do from `f`.
pub fn for_each(mut f: impl FnMut(&[u8])) {
    let mut p = table();
    if p.is_null() {
        return;
    }
    loop {
        // SAFETY: `p` points into the NULL-terminated environment array.
        let entry = unsafe { *p };
        if entry.is_null() {
            return;
        }
        // SAFETY: each entry is a NUL-terminated string owned by libc.
        f(unsafe { CStr::from_ptr(entry) }.to_bytes());
        // SAFETY: not past the terminating NULL, which was checked above.
        p = unsafe { p.add(1) };
    }
}

/// Call `f` with every `KEY=VALUE` entry at once, borrowed for the call.
pub fn with_entries<R>(f: impl FnOnce(&[&[u8]]) -> R) -> R {
    let mut entries: Vec<&[u8]> = Vec::with_capacity(64);
    let mut p = table();
    while !p.is_null() {
        // SAFETY: `p` points into the NULL-terminated environment array.
        let entry = unsafe { *p };
        if entry.is_null() {
            break;
        }
        // SAFETY: each entry is a NUL-terminated string owned by libc that
        // outlives this call (nothing modifies the environment during it).
        entries.push(unsafe { CStr::from_ptr(entry) }.to_bytes());
        // SAFETY: not past the terminating NULL, which was checked above.
        p = unsafe { p.add(1) };
    }
    f(&entries)
}

#[cfg(test)]
mod tests {
    #[test]
    fn sees_path() {
        let mut found = false;
        super::for_each(|kv| found |= kv.starts_with(b"PATH="));
        assert_eq!(found, std::env::var_os("PATH").is_some());
    }
}
