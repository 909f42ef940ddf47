//! Running under a service manager: systemd socket activation
//! (`LISTEN_FDS`), readiness notification (`sd_notify`), and the unit and
//! LaunchAgent files `rushd install-service` writes.
//!
//! Both protocols are a few lines, written here rather than pulled in as a
//! crate: the variables are described in sd_listen_fds(3) and sd_notify(3),
//! and systemd promises them stable ("Interface Portability and Stability
//! Promise").

use std::io;
use std::os::fd::{FromRawFd, OwnedFd, RawFd};

/// The first descriptor a service manager passes (`SD_LISTEN_FDS_START`).
pub const LISTEN_FDS_START: RawFd = 3;

/// The systemd user socket unit (`rushd.socket`).
pub const SYSTEMD_SOCKET_UNIT: &str = include_str!("../service/rushd.socket");
/// The systemd user service unit (`rushd.service`); its `ExecStart=` names
/// `%h/.cargo/bin/rushd` until [`with_exec_start`] puts the real path in.
pub const SYSTEMD_SERVICE_UNIT: &str = include_str!("../service/rushd.service");
/// The launchd LaunchAgent (`org.rush-shell.rushd.plist`).
pub const LAUNCHD_AGENT: &str = include_str!("../service/org.rush-shell.rushd.plist");
/// The LaunchAgent's label.
pub const LAUNCHD_LABEL: &str = "org.rush-shell.rushd";

/// How many descriptors the service manager passed to process `pid`, from
/// the values of `LISTEN_PID` and `LISTEN_FDS`: none unless `LISTEN_PID`
/// names `pid` (the variables may have been inherited from an ancestor
/// that was the one activated).
pub fn listen_fd_count(pid: i32, listen_pid: Option<&[u8]>, listen_fds: Option<&[u8]>) -> usize {
    let number = |v: Option<&[u8]>| -> Option<u64> { std::str::from_utf8(v?).ok()?.parse().ok() };
    match (number(listen_pid), number(listen_fds)) {
        (Some(p), Some(n)) if p == pid as u64 => n.min(4096) as usize,
        _ => 0,
    }
}

fn env_bytes(name: &str) -> Option<Vec<u8>> {
    use std::os::unix::ffi::OsStringExt;
    std::env::var_os(name).map(|v| v.into_vec())
}

/// Remove `name` from the environment, so that no child inherits it.
///
/// Like [`crate::process::fork`], for single-threaded callers only: call it
/// before any thread starts.
fn unset(name: &str) {
    // SAFETY: the caller is single-threaded (see the doc comment), so no
    // other thread reads or writes the environment during the call.
    unsafe { std::env::remove_var(name) };
}

/// Take the listening socket systemd passed (socket activation): when
/// `LISTEN_PID` is this process and `LISTEN_FDS` is at least 1, descriptor
/// 3 must be a listening Unix stream socket; it becomes close-on-exec and
/// non-blocking and is returned. Descriptors past the first are closed
/// (rushd listens on one socket). `LISTEN_PID`, `LISTEN_FDS` and
/// `LISTEN_FDNAMES` are removed from the environment in every case, as
/// `sd_listen_fds(1)` does.
///
/// For single-threaded callers, before any thread starts.
pub fn take_listen_fd() -> io::Result<Option<OwnedFd>> {
    let n = listen_fd_count(
        crate::process::getpid(),
        env_bytes("LISTEN_PID").as_deref(),
        env_bytes("LISTEN_FDS").as_deref(),
    );
    for name in ["LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"] {
        unset(name);
    }
    if n == 0 {
        return Ok(None);
    }
    let fd = LISTEN_FDS_START;
    check_listener(fd, "LISTEN_FDS")?;
    if n > 1 {
        crate::fd::close_range(fd + 1, fd + n as RawFd - 1);
    }
    crate::fd::set_cloexec(fd, true)?;
    crate::fd::set_nonblocking(fd, true)?;
    // SAFETY: the service manager handed descriptor 3 to this process
    // (LISTEN_PID is our pid) and nothing else owns it: the variables that
    // announce it were just removed, so it is taken once.
    Ok(Some(unsafe { OwnedFd::from_raw_fd(fd) }))
}

/// Is `fd`, passed by `by`, a listening Unix stream socket?
fn check_listener(fd: RawFd, by: &str) -> io::Result<()> {
    crate::unix::listening_path(fd).map(drop).map_err(|e| {
        io::Error::new(
            e.kind(),
            format!("{by}: descriptor {fd} is not a listening Unix stream socket ({e})"),
        )
    })
}

/// What a detached `rushd` whose executable changed hands to the new
/// binary it starts ([`HANDOVER_ENV`]): its listening socket, the socket's
/// lock, and a pipe on which the new daemon says it accepts.
#[derive(Debug)]
pub struct Handover {
    pub listener: OwnedFd,
    pub lock: OwnedFd,
    pub ready: OwnedFd,
}

/// Names the daemon that passed a [`Handover`]: its pid, which must be the
/// receiver's parent, as `LISTEN_PID` guards against a stale inherited
/// `LISTEN_FDS`.
pub const HANDOVER_ENV: &str = "RUSHD_HANDOVER";

/// Where a [`Handover`]'s descriptors arrive: listener, lock, ready pipe.
pub const HANDOVER_FDS: [RawFd; 3] = [3, 4, 5];

/// Take the descriptors of a [`Handover`] when [`HANDOVER_ENV`] names our
/// parent: descriptor 3 must be a listening Unix stream socket; all three
/// become close-on-exec, the listener non-blocking. The variable is
/// removed from the environment in every case.
///
/// For single-threaded callers, before any thread starts.
pub fn take_handover() -> io::Result<Option<Handover>> {
    let parent = env_bytes(HANDOVER_ENV);
    unset(HANDOVER_ENV);
    let parent: Option<i32> = parent
        .as_deref()
        .and_then(|v| std::str::from_utf8(v).ok()?.parse().ok());
    if parent != Some(crate::process::getppid()) {
        return Ok(None);
    }
    let [listener, lock, ready] = HANDOVER_FDS;
    check_listener(listener, HANDOVER_ENV)?;
    for fd in HANDOVER_FDS {
        crate::fd::set_cloexec(fd, true)?;
    }
    crate::fd::set_nonblocking(listener, true)?;
    // Our parent passed these three descriptors to this process (the
    // variable names it, and it is our parent), and nothing else owns them:
    // the variable that announces them was just removed, so they are taken
    // once.
    let take = |fd: RawFd| {
        // SAFETY: see above; `fd` is one of the three.
        unsafe { OwnedFd::from_raw_fd(fd) }
    };
    Ok(Some(Handover {
        listener: take(listener),
        lock: take(lock),
        ready: take(ready),
    }))
}

/// Where to send service-manager notifications (`NOTIFY_SOCKET`).
#[derive(Debug)]
pub struct Notifier {
    address: Vec<u8>,
}

impl Notifier {
    /// Take `NOTIFY_SOCKET` from the environment (removing it, so that no
    /// child sends notifications in our name). `None` when it is not set.
    ///
    /// For single-threaded callers, before any thread starts.
    pub fn take() -> Option<Notifier> {
        let address = env_bytes("NOTIFY_SOCKET").filter(|a| !a.is_empty());
        unset("NOTIFY_SOCKET");
        address.map(|address| Notifier { address })
    }

    /// A notifier for an explicit socket path (tests).
    pub fn at(address: &[u8]) -> Notifier {
        Notifier {
            address: address.to_vec(),
        }
    }

    /// Send one notification (`READY=1`, `STOPPING=1`, `STATUS=...`) as a
    /// datagram. A path starting with `@` is in Linux's abstract namespace.
    pub fn notify(&self, state: &str) -> io::Result<()> {
        use std::os::unix::ffi::OsStrExt;
        use std::os::unix::net::UnixDatagram;
        let sock = UnixDatagram::unbound()?;
        let sent = match self.address.strip_prefix(b"@") {
            #[cfg(any(target_os = "linux", target_os = "android"))]
            Some(name) => {
                #[cfg(target_os = "android")]
                use std::os::android::net::SocketAddrExt;
                #[cfg(target_os = "linux")]
                use std::os::linux::net::SocketAddrExt;
                let addr = std::os::unix::net::SocketAddr::from_abstract_name(name)?;
                sock.send_to_addr(state.as_bytes(), &addr)?
            }
            #[cfg(not(any(target_os = "linux", target_os = "android")))]
            Some(_) => return Err(io::Error::from(io::ErrorKind::Unsupported)),
            None if self.address.starts_with(b"/") => {
                sock.send_to(state.as_bytes(), std::ffi::OsStr::from_bytes(&self.address))?
            }
            // `vsock:` and other transports: not for a user daemon.
            None => return Err(io::Error::from(io::ErrorKind::Unsupported)),
        };
        if sent != state.len() {
            return Err(io::Error::from(io::ErrorKind::WriteZero));
        }
        Ok(())
    }
}

/// A systemd unit with its `ExecStart=` program replaced by `program`
/// (quoted, with `%`, `"` and `\\` escaped, per systemd.service(5)
/// "Command lines"); the arguments after it are kept.
pub fn with_exec_start(unit: &str, program: &str) -> String {
    let mut out = String::with_capacity(unit.len() + program.len());
    for line in unit.lines() {
        if let Some(rest) = line.strip_prefix("ExecStart=") {
            out.push_str("ExecStart=\"");
            for c in program.chars() {
                match c {
                    '%' => out.push_str("%%"),
                    '"' | '\\' => {
                        out.push('\\');
                        out.push(c);
                    }
                    c => out.push(c),
                }
            }
            out.push('"');
            if let Some((_, args)) = rest.split_once(' ') {
                out.push(' ');
                out.push_str(args);
            }
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

/// A plist with the `index`th `<string>` after `<key>KEY</key>` (0 for a
/// plain string value, the position in an `<array>` of strings) replaced
/// by `value`, XML-escaped.
pub fn with_plist_string(plist: &str, key: &str, index: usize, value: &str) -> String {
    let key_line = format!("<key>{key}</key>");
    let mut out = String::with_capacity(plist.len() + value.len());
    // Strings still to skip after the key, while inside its value.
    let mut armed: Option<usize> = None;
    for line in plist.lines() {
        let t = line.trim_start();
        match armed {
            Some(0) if t.starts_with("<string>") => {
                out.push_str(&line[..line.len() - t.len()]);
                out.push_str("<string>");
                out.push_str(&xml_escape(value));
                out.push_str("</string>");
                armed = None;
            }
            Some(n) if t.starts_with("<string>") => {
                armed = Some(n - 1);
                out.push_str(line);
            }
            Some(_) if t == "<array>" => out.push_str(line),
            _ => {
                armed = (t == key_line).then_some(index);
                out.push_str(line);
            }
        }
        out.push('\n');
    }
    out
}

/// A text with `&`, `<`, `>`, `"` and `'` written as XML entities.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_fds_only_for_our_pid() {
        assert_eq!(listen_fd_count(42, Some(b"42"), Some(b"1")), 1);
        assert_eq!(listen_fd_count(42, Some(b"43"), Some(b"1")), 0);
        assert_eq!(listen_fd_count(42, None, Some(b"1")), 0);
        assert_eq!(listen_fd_count(42, Some(b"42"), None), 0);
        assert_eq!(listen_fd_count(42, Some(b"42"), Some(b"x")), 0);
        assert_eq!(listen_fd_count(42, Some(b"42"), Some(b"0")), 0);
    }

    #[test]
    fn notify_sends_a_datagram() {
        use std::os::unix::ffi::OsStrExt;
        let dir = std::env::temp_dir().join(format!("rush-notify-{}", std::process::id()));
        let _ = std::fs::create_dir(&dir);
        let path = dir.join("notify");
        let _ = std::fs::remove_file(&path);
        let rx = std::os::unix::net::UnixDatagram::bind(&path).unwrap();
        Notifier::at(path.as_os_str().as_bytes())
            .notify("READY=1")
            .unwrap();
        let mut buf = [0u8; 64];
        let n = rx.recv(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"READY=1");
        assert!(Notifier::at(b"vsock:2:9").notify("READY=1").is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn program_path_goes_into_the_units() {
        let unit = with_exec_start(SYSTEMD_SERVICE_UNIT, "/opt/my rush/100%/rushd");
        assert!(
            unit.contains("\nExecStart=\"/opt/my rush/100%%/rushd\" --foreground\n"),
            "{unit}"
        );
        assert!(!unit.contains(".cargo/bin"));
        // The socket unit has no program: unchanged.
        assert_eq!(
            with_exec_start(SYSTEMD_SOCKET_UNIT, "/x"),
            SYSTEMD_SOCKET_UNIT
        );
        let plist = with_plist_string(
            LAUNCHD_AGENT,
            "ProgramArguments",
            0,
            "/Users/a&b/.cargo/bin/rushd",
        );
        let plist = with_plist_string(&plist, "ProgramArguments", 3, "/tmp/s");
        let plist = with_plist_string(&plist, "StandardErrorPath", 0, "/Users/a&b/log");
        assert!(
            plist.contains("<string>/Users/a&amp;b/.cargo/bin/rushd</string>"),
            "{plist}"
        );
        assert!(plist.contains(
            "<string>--foreground</string>\n\t\t<string>--socket</string>\n\t\t<string>/tmp/s</string>"
        ));
        assert!(plist.contains("<string>/Users/a&amp;b/log</string>"));
        assert!(plist.contains(&format!("<string>{LAUNCHD_LABEL}</string>")));
    }
}
