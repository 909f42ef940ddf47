//! The contract, checked on every backend this machine has.

use super::*;
use crate::process::{Fork, WaitStatus, exit_now, fork};
use crate::{fd, unix};
use std::os::fd::AsRawFd;
use std::time::Instant;

fn drivers() -> Vec<Driver> {
    let mut out = Vec::new();
    for &kind in BackendKind::available() {
        let (d, fallback) = Driver::new(Some(kind)).unwrap();
        if let Some(f) = fallback {
            eprintln!("note: {f}");
            continue;
        }
        assert_eq!(d.kind(), kind);
        out.push(d);
    }
    assert!(!out.is_empty());
    out
}

/// Wait for the completion of `token`, with a guard timer so a broken
/// backend fails the test instead of hanging it.
fn wait_for(d: &mut Driver, token: Token) -> io::Result<Outcome> {
    let guard = Token(999_999);
    d.submit(
        guard,
        Op::Timeout {
            after: Duration::from_secs(10),
        },
    );
    let mut found = None;
    let mut guard_done = false;
    while found.is_none() || !guard_done {
        let mut out = Vec::new();
        d.wait(&mut out).unwrap();
        for c in out {
            if c.token == token {
                found = Some(c.result);
                d.cancel(guard);
            } else if c.token == guard {
                guard_done = true;
                if found.is_none() {
                    panic!("{}: no completion for {token:?} within 10s", d.kind());
                }
            }
        }
    }
    found.unwrap()
}

#[test]
fn accept_recv_send_with_fds() {
    for mut d in drivers() {
        let dir = std::env::temp_dir().join(format!(
            "rush-ev-{}-{}",
            std::process::id(),
            d.kind().name()
        ));
        let _ = std::fs::create_dir(&dir);
        let path = dir.join("s");
        let _ = std::fs::remove_file(&path);
        use std::os::unix::ffi::OsStrExt;
        let listener = unix::listen(path.as_os_str().as_bytes(), 8).unwrap();

        // Accept before the peer connects: the op must wait.
        d.submit(
            Token(1),
            Op::Accept {
                fd: listener.as_raw_fd(),
            },
        );
        let client = unix::connect(path.as_os_str().as_bytes()).unwrap();
        let Outcome::Accepted(server) = wait_for(&mut d, Token(1)).unwrap() else {
            panic!("not accepted")
        };

        // Receive a frame that carries three descriptors, as a client's job
        // request does; io_uring RECVMSG + SCM_RIGHTS on a stream socket is
        // the case kernels have got wrong.
        d.submit(
            Token(2),
            Op::RecvMsg {
                fd: server.as_raw_fd(),
                buf: Vec::with_capacity(64),
            },
        );
        let (r, w) = fd::pipe().unwrap();
        let (r2, w2) = fd::pipe().unwrap();
        unix::send_all_with_fds(client.as_raw_fd(), b"three fds", &[r, w, w2]).unwrap();
        for f in [r, w, w2] {
            fd::close(f).unwrap();
        }
        let Outcome::Received {
            buf,
            len,
            fds,
            truncated,
        } = wait_for(&mut d, Token(2)).unwrap()
        else {
            panic!("not received")
        };
        assert_eq!((len, &buf[..], truncated), (9, &b"three fds"[..], false));
        assert_eq!(fds.len(), 3, "{}", d.kind());
        for f in &fds {
            // SAFETY: fcntl(F_GETFD) has no memory-safety preconditions.
            let flags = unsafe { libc::fcntl(f.as_raw_fd(), libc::F_GETFD) };
            assert_ne!(flags & libc::FD_CLOEXEC, 0, "{}: not cloexec", d.kind());
        }
        // The passed write end works, and it was the only one left.
        fd::write_all(fds[2].as_raw_fd(), b"through").unwrap();
        drop(fds);
        let mut got = Vec::new();
        fd::read_to_end(r2, &mut got).unwrap();
        assert_eq!(got, b"through");
        fd::close(r2).unwrap();

        // Send descriptors back through the loop.
        let (pr, pw) = fd::pipe().unwrap();
        // SAFETY: pipe() returned these; nobody else owns them.
        let pw_owned = unsafe { fd::owned(pw) };
        d.submit(
            Token(3),
            Op::SendMsg {
                fd: server.as_raw_fd(),
                buf: b"back".to_vec(),
                fds: vec![pw_owned],
            },
        );
        let Outcome::Sent { len, .. } = wait_for(&mut d, Token(3)).unwrap() else {
            panic!("not sent")
        };
        assert_eq!(len, 4);
        let mut buf = Vec::with_capacity(16);
        let mut fds = Vec::new();
        unix::recv_with_fds(client.as_raw_fd(), &mut buf, &mut fds, false).unwrap();
        assert_eq!((&buf[..], fds.len()), (&b"back"[..], 1));
        fd::write_all(fds[0].as_raw_fd(), b"!").unwrap();
        drop(fds);
        let mut out = Vec::new();
        fd::read_to_end(pr, &mut out).unwrap();
        assert_eq!(
            out,
            b"!",
            "{}: our copy of the sent fd was not closed",
            d.kind()
        );
        fd::close(pr).unwrap();

        // End of stream, then close through the loop.
        d.submit(
            Token(4),
            Op::RecvMsg {
                fd: server.as_raw_fd(),
                buf: Vec::with_capacity(16),
            },
        );
        drop(client);
        let Outcome::Received { len, .. } = wait_for(&mut d, Token(4)).unwrap() else {
            panic!("no eof")
        };
        assert_eq!(len, 0);
        d.submit(Token(5), Op::Close { fd: server });
        assert!(matches!(wait_for(&mut d, Token(5)), Ok(Outcome::Closed)));
        d.submit(Token(6), Op::Close { fd: listener });
        assert!(matches!(wait_for(&mut d, Token(6)), Ok(Outcome::Closed)));
        let _ = std::fs::remove_file(&path);
        let _ = std::fs::remove_dir(&dir);
    }
}

#[test]
fn cancel_closes_and_completes_once() {
    for mut d in drivers() {
        let (a, b) = unix::socketpair().unwrap();
        fd::set_nonblocking(a.as_raw_fd(), true).unwrap();
        d.submit(
            Token(7),
            Op::RecvMsg {
                fd: a.as_raw_fd(),
                buf: Vec::with_capacity(16),
            },
        );
        d.cancel(Token(7));
        let r = wait_for(&mut d, Token(7));
        assert_eq!(
            r.err().and_then(|e| e.raw_os_error()),
            Some(libc::ECANCELED),
            "{}",
            d.kind()
        );
        // Cancelling again, or an unknown token, does nothing.
        d.cancel(Token(7));
        d.cancel(Token(12345));
        // The descriptor is usable by a new op afterwards.
        d.submit(
            Token(8),
            Op::RecvMsg {
                fd: a.as_raw_fd(),
                buf: Vec::with_capacity(16),
            },
        );
        unix::send_all_with_fds(b.as_raw_fd(), b"x", &[]).unwrap();
        assert!(matches!(
            wait_for(&mut d, Token(8)),
            Ok(Outcome::Received { len: 1, .. })
        ));
    }
}

#[test]
fn wait_child_reports_status() {
    for mut d in drivers() {
        let pid = match fork().unwrap() {
            Fork::Child => {
                crate::child::sleep_ms(50);
                exit_now(42)
            }
            Fork::Parent(pid) => pid,
        };
        d.submit(Token(9), Op::WaitChild { pid });
        match wait_for(&mut d, Token(9)).unwrap() {
            Outcome::ChildExited { pid: p, status } => {
                assert_eq!((p, status), (pid, WaitStatus::Exited(42)), "{}", d.kind());
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn timeout_fires_and_reserved_tokens_are_refused() {
    for mut d in drivers() {
        let start = Instant::now();
        d.submit(
            Token(10),
            Op::Timeout {
                after: Duration::from_millis(20),
            },
        );
        assert!(matches!(wait_for(&mut d, Token(10)), Ok(Outcome::TimedOut)));
        assert!(start.elapsed() >= Duration::from_millis(19));
        d.submit(Token(Token::RESERVED), Op::Signal);
        let mut out = Vec::new();
        d.wait(&mut out).unwrap();
        assert!(out[0].result.is_err());
    }
}

#[test]
fn signals_arrive_as_completions() {
    // A thread-directed signal: the test harness runs other threads, which
    // must not see it.
    for mut d in drivers() {
        let sig = libc::SIGUSR1;
        d.watch_signals(1 << sig).unwrap();
        d.submit(Token(11), Op::Signal);
        // SAFETY: pthread_self is always valid for the calling thread.
        let me = unsafe { libc::pthread_self() };
        // SAFETY: `me` is this thread; the signal is blocked or routed.
        unsafe { libc::pthread_kill(me, sig) };
        match wait_for(&mut d, Token(11)).unwrap() {
            Outcome::Signal(s) => assert_eq!(s, sig, "{}", d.kind()),
            other => panic!("{other:?}"),
        }
        drop(d);
        // Leave the thread as it was for other tests.
        let _ = crate::signal::set_blocked(crate::signal::blocked() & !(1 << sig));
    }
}

#[test]
fn a_backend_the_os_lacks_falls_back_to_poll_with_a_reason() {
    #[cfg(target_os = "linux")]
    let missing = BackendKind::Kqueue;
    #[cfg(not(target_os = "linux"))]
    let missing = BackendKind::Uring;
    let (d, fallback) = Driver::new(Some(missing)).unwrap();
    assert_eq!(d.kind(), BackendKind::Poll);
    let f = fallback.expect("a reason");
    assert_eq!(f.wanted, missing);
    assert!(f.to_string().contains("using poll"));
}
