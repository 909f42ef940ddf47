//! File-system queries the shell's `test` utility needs: access checks with the effective ids.

use std::ffi::CString;

/// Access mode for [`access`]: does the file exist?
pub const F_OK: i32 = libc::F_OK;
/// Access mode for [`access`]: may the caller read it?
pub const R_OK: i32 = libc::R_OK;
/// Access mode for [`access`]: may the caller write it?
pub const W_OK: i32 = libc::W_OK;
/// Access mode for [`access`]: may the caller execute (or search) it?
pub const X_OK: i32 = libc::X_OK;

/// Whether the process may access `path` with `mode` (a bitwise or of
/// [`F_OK`], [`R_OK`], [`W_OK`], [`X_OK`]), judged with the *effective*
/// user and group ids as `test -r/-w/-x` must (XCU test: "permission ...
/// will be checked"; dash uses `faccessat(AT_EACCESS)` too).
///
/// A path containing a NUL byte cannot name a file, so it is never accessible.
pub fn access(path: &[u8], mode: i32) -> bool {
    let Ok(path) = CString::new(path) else {
        return false;
    };
    // SAFETY: `path` is a valid NUL-terminated string that outlives the call;
    // faccessat only reads it.
    let rc = unsafe { libc::faccessat(libc::AT_FDCWD, path.as_ptr(), mode, libc::AT_EACCESS) };
    rc == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_existing_and_missing() {
        assert!(access(b"/", F_OK));
        assert!(access(b"/", X_OK));
        assert!(!access(b"/nonexistent/definitely/not/here", F_OK));
        assert!(!access(b"a\0b", F_OK));
    }

    #[test]
    fn access_modes_on_a_file() {
        let dir = std::env::temp_dir().join(format!("rush-fs-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).ok();
        let file = dir.join("f");
        std::fs::write(&file, b"x").ok();
        let path = file.as_os_str().as_encoded_bytes();
        assert!(access(path, F_OK));
        assert!(access(path, R_OK));
        assert!(access(path, W_OK));
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn effective_ids_match_a_new_file() {
        use std::os::unix::fs::MetadataExt;
        let dir = std::env::temp_dir();
        let file = dir.join(format!("rush-fs-ids-{}", std::process::id()));
        if std::fs::write(&file, b"").is_ok() {
            let meta = std::fs::metadata(&file);
            std::fs::remove_file(&file).ok();
            if let Ok(meta) = meta {
                assert_eq!(meta.uid(), crate::process::geteuid());
            }
        }
    }

    #[test]
    fn isatty_on_bad_fds() {
        assert!(!crate::fd::isatty(-1));
        assert!(!crate::fd::isatty(9999));
    }
}
