//! Hostile and broken peers: every bad frame, a stalled half frame, and a
//! flood of connections past the descriptor limit cost only the offending
//! connection (closed with an `Error` frame where one can be sent); the
//! daemon goes on serving others at once and leaks nothing.

mod daemon_support;

use daemon_support::*;
use rush::proto::{ErrorCode, Message};
use std::io::Write;
use std::os::fd::AsRawFd;
use std::process::Command;
use std::time::{Duration, Instant};

const V: u8 = rush::proto::VERSION;

fn header(version: u8, kind: u8, flags: u8, nfds: u8, len: u32) -> Vec<u8> {
    let mut h = b"RUSH".to_vec();
    h.extend_from_slice(&[version, kind, flags, nfds]);
    h.extend_from_slice(&len.to_le_bytes());
    h
}

/// One bad input: what to send, with how many descriptors (copies of
/// /dev/null), whether to shut the writing side afterwards, and whether an
/// `Error` frame must come back.
struct Bad {
    name: &'static str,
    bytes: Vec<u8>,
    fds: usize,
    shutdown: bool,
    error_expected: bool,
}

fn bad_inputs() -> Vec<Bad> {
    let job = job_frame("echo should-not-run", &[0, 1, 2]);
    let mut bad_umask = job.clone();
    // The umask is the payload's first field.
    bad_umask[12..16].copy_from_slice(&0o7777u32.to_le_bytes());
    let mut truncated = job.clone();
    truncated.truncate(job.len() / 2);
    let b = |name, bytes, fds, shutdown, error_expected| Bad {
        name,
        bytes,
        fds,
        shutdown,
        error_expected,
    };
    vec![
        b(
            "garbage",
            b"GET / HTTP/1.0\r\n\r\n".to_vec(),
            0,
            false,
            true,
        ),
        b(
            "wrong magic",
            b"RUSX\x02\x03\0\0\0\0\0\0".to_vec(),
            0,
            false,
            true,
        ),
        b("wrong version", header(V + 1, 3, 0, 0, 0), 0, false, true),
        b(
            "length over the limit",
            header(V, 1, 0, 4, u32::MAX),
            0,
            false,
            true,
        ),
        b("unknown kind", header(V, 99, 0, 0, 0), 0, false, true),
        b("reserved flags", header(V, 3, 0x80, 0, 0), 0, false, true),
        b(
            "a daemon-to-client kind",
            {
                let mut f = header(V, 16, 0, 0, 8);
                f.extend_from_slice(&[1, 0, 0, 0, 1, 0, 0, 0]);
                f
            },
            0,
            false,
            true,
        ),
        b(
            "a worker kind from a client",
            {
                let mut f = header(V, 32, 0, 0, 8);
                f.extend_from_slice(&[1, 0, 0, 0, 1, 0, 0, 0]);
                f
            },
            0,
            false,
            true,
        ),
        b(
            "a job that is not one",
            {
                let mut f = header(V, 1, 0, 1, 4);
                f.extend_from_slice(b"abcd");
                f
            },
            1,
            false,
            true,
        ),
        b("a bad field (umask)", bad_umask, 4, false, true),
        b("too few descriptors", job.clone(), 0, false, true),
        b("too many descriptors", job.clone(), 7, false, true),
        b(
            "descriptors on a frame that declares none",
            header(V, 3, 0, 0, 0),
            2,
            false,
            true,
        ),
        b(
            "a signal frame that declares descriptors",
            {
                let mut f = header(V, 2, 0, 1, 4);
                f.extend_from_slice(&15i32.to_le_bytes());
                f
            },
            1,
            false,
            true,
        ),
        b(
            "a truncated frame, then end of file",
            truncated,
            4,
            true,
            false,
        ),
        b(
            "a header, then end of file",
            header(V, 1, 0, 0, 100),
            0,
            true,
            false,
        ),
        b("nothing, then end of file", Vec::new(), 0, true, false),
    ]
}

#[test]
fn every_bad_frame_closes_only_its_connection() {
    let null = std::fs::File::open("/dev/null").expect("/dev/null");
    for &b in backends() {
        let d = Daemon::with_pool(b, 2);
        let daemon = d.pid() as i32;
        let fds_before = fd_count(daemon);
        // A job in flight the whole time: it must not notice anything.
        let mut long = d
            .rush()
            .arg("-c")
            .arg("sleep 1; echo long; exit 42")
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("spawn");
        let mut tried = 0;
        for bad in bad_inputs() {
            let mut s = raw_connect(&d.socket);
            let fds: Vec<i32> = (0..bad.fds).map(|_| null.as_raw_fd()).collect();
            let at = Instant::now();
            if bad.bytes.is_empty() {
                assert!(fds.is_empty());
            } else {
                send_fds(&s, &bad.bytes, &fds);
            }
            if bad.shutdown {
                s.shutdown(std::net::Shutdown::Write).expect("shutdown");
            }
            let (msgs, closed) = read_until_closed(&mut s, Duration::from_secs(5));
            assert!(closed, "{b}: {}: the connection stayed open", bad.name);
            assert!(
                at.elapsed() < Duration::from_secs(2),
                "{b}: {}: took {:?}",
                bad.name,
                at.elapsed()
            );
            if bad.error_expected {
                // (A well-formed request that came with stray descriptors
                // may be answered before they are noticed.)
                assert!(
                    matches!(
                        msgs.last(),
                        Some(Message::Error {
                            code: ErrorCode::Refused,
                            ..
                        })
                    ),
                    "{b}: {}: answered {msgs:?}",
                    bad.name
                );
            } else {
                assert!(msgs.is_empty(), "{b}: {}: answered {msgs:?}", bad.name);
            }
            // Others are served at once.
            let o = run(
                d.rush().arg("-c").arg("echo fine; exit 3"),
                None,
                Duration::from_secs(10),
            );
            assert_eq!(
                (o.code(), o.stdout_str()),
                (Some(3), "fine\n".to_string()),
                "{b}: after {}: {o:?}",
                bad.name
            );
            tried += 1;
        }
        // A second job on a connection whose job is running is the wrong
        // kind for its state: the connection (and its job) end.
        let mut s = raw_connect(&d.socket);
        let frame = job_frame("sleep 30", &[0, 1, 2]);
        let four = [null.as_raw_fd(); 4];
        send_fds(&s, &frame, &four);
        send_fds(&s, &frame, &four);
        let (msgs, closed) = read_until_closed(&mut s, Duration::from_secs(5));
        assert!(closed, "{b}: a second job kept the connection");
        assert!(
            matches!(msgs.last(), Some(Message::Error { .. })),
            "{b}: {msgs:?}"
        );
        tried += 1;
        let st = long.wait().expect("wait");
        let mut out = String::new();
        std::io::Read::read_to_string(&mut long.stdout.take().expect("stdout"), &mut out)
            .expect("read");
        assert_eq!((st.code(), out.as_str()), (Some(42), "long\n"), "{b}");
        // Nothing leaked: every descriptor received with a bad frame was
        // closed, and both workers are still the pool.
        assert!(
            eventually(Duration::from_secs(5), || fd_count(daemon) == fds_before),
            "{b}: {} descriptors open, {fds_before} at start",
            fd_count(daemon)
        );
        assert!(
            eventually(Duration::from_secs(5), || count(
                &d.status(),
                "\"state\":\"idle\""
            ) == 2),
            "{b}: {}",
            d.status()
        );
        assert!(
            d.log().matches("dropping a client").count() >= tried - 3,
            "{b}: {}",
            d.log()
        );
        d.stop();
    }
}

#[test]
fn a_stalled_client_times_out_and_blocks_nobody() {
    for &b in backends() {
        let d = Daemon::with_pool_env(b, 2, &[("RUSH_REQUEST_TIMEOUT", "600")]);
        let job = job_frame("true", &[0, 1, 2]);
        let at = Instant::now();
        // Silent; half a header; a header and half the payload.
        let silent = raw_connect(&d.socket);
        let mut half_header = raw_connect(&d.socket);
        half_header
            .write_all(&header(V, 1, 0, 0, 0)[..5])
            .expect("write");
        let mut half_frame = raw_connect(&d.socket);
        half_frame.write_all(&job[..job.len() / 2]).expect("write");
        // Meanwhile everyone else is served.
        for i in 0..20 {
            let o = run(
                d.rush().arg("-c").arg(format!("echo {i}")),
                None,
                Duration::from_secs(10),
            );
            assert_eq!(o.stdout_str(), format!("{i}\n"), "{b}: {o:?}");
        }
        for (name, mut s) in [
            ("silent", silent),
            ("half a header", half_header),
            ("half a frame", half_frame),
        ] {
            let (msgs, closed) = read_until_closed(&mut s, Duration::from_secs(10));
            let waited = at.elapsed();
            assert!(closed, "{b}: {name}: still open after {waited:?}");
            assert!(
                waited >= Duration::from_millis(500) && waited < Duration::from_secs(5),
                "{b}: {name}: closed after {waited:?}"
            );
            assert!(
                matches!(msgs.as_slice(), [Message::Error { message, .. }]
                    if String::from_utf8_lossy(message).contains("no complete request")),
                "{b}: {name}: {msgs:?}"
            );
        }
        // A persistent connection that sits idle after its job times out
        // too; one that keeps working does not.
        let null = std::fs::File::open("/dev/null").expect("/dev/null");
        let four = [null.as_raw_fd(); 4];
        let mut s = raw_connect(&d.socket);
        for _ in 0..3 {
            send_fds(&s, &job, &four);
            let mut ch = rush::proto::channel::Channel::new(s.try_clone().expect("clone").into());
            loop {
                match ch.recv().expect("answer").0 {
                    Message::Exit(st) => {
                        assert_eq!(st.shell_status(), 0);
                        break;
                    }
                    Message::Started { .. } | Message::Queued => {}
                    other => panic!("{b}: {other:?}"),
                }
            }
            std::thread::sleep(Duration::from_millis(300));
        }
        let (msgs, closed) = read_until_closed(&mut s, Duration::from_secs(10));
        assert!(
            closed && matches!(msgs.as_slice(), [Message::Error { .. }]),
            "{b}: {msgs:?}"
        );
        assert!(
            d.log()
                .contains("closing a client that sent no request within 600 ms"),
            "{b}: {}",
            d.log()
        );
        d.stop();
    }
}

#[test]
fn a_connection_flood_past_the_descriptor_limit_is_survived() {
    const LIMIT: u64 = 128;
    for &b in backends() {
        let d = Daemon::start_with(
            b,
            Settings {
                pool_size: Some(2),
                nofile: Some(LIMIT),
                ..Settings::default()
            },
        );
        let daemon = d.pid() as i32;
        let fds_before = fd_count(daemon);
        let client = |script: &str| {
            let mut c = with_nofile(LIMIT, std::path::Path::new(RUSH));
            c.env("RUSH_SOCKET", &d.socket)
                .env("RUSH_DAEMON", "require")
                .arg("-c")
                .arg(script);
            c
        };
        // A job in flight across the flood.
        let mut long = client("sleep 1; echo long")
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("spawn");
        std::thread::sleep(Duration::from_millis(200));
        // Twice as many connections as the daemon may have descriptors.
        let flood: Vec<_> = (0..2 * LIMIT)
            .map(|_| std::os::unix::net::UnixStream::connect(&d.socket).expect("connect"))
            .collect();
        assert!(
            eventually(Duration::from_secs(5), || d
                .log()
                .contains("pausing until a descriptor frees")),
            "{b}: {}",
            d.log()
        );
        // Paused, not spinning: well under a tenth of a CPU.
        let (t0, c0) = (Instant::now(), cpu_ticks(daemon));
        std::thread::sleep(Duration::from_secs(1));
        let used = cpu_ticks(daemon) - c0;
        let per_second = used as f64 / t0.elapsed().as_secs_f64();
        assert!(per_second < 10.0, "{b}: {used} ticks in {:?}", t0.elapsed());
        let st = long.wait().expect("wait");
        let mut out = String::new();
        std::io::Read::read_to_string(&mut long.stdout.take().expect("stdout"), &mut out)
            .expect("read");
        assert_eq!((st.code(), out.as_str()), (Some(0), "long\n"), "{b}");
        // The flood ends; the daemon accepts again and serves.
        drop(flood);
        let o = run(
            &mut client("echo after; exit 5"),
            None,
            Duration::from_secs(10),
        );
        assert_eq!(
            (o.code(), o.stdout_str()),
            (Some(5), "after\n".to_string()),
            "{b}: {o:?}"
        );
        assert!(d.log().contains("accepting connections again"), "{b}");
        assert!(
            eventually(Duration::from_secs(5), || fd_count(daemon) == fds_before),
            "{b}: {} descriptors open, {fds_before} at start",
            fd_count(daemon)
        );
        let st = d.status();
        assert_eq!(count(&st, "\"state\":\"idle\""), 2, "{b}: {st}");
        let o = run(
            Command::new(RUSHD)
                .arg("stop")
                .arg("--socket")
                .arg(&d.socket),
            None,
            Duration::from_secs(20),
        );
        assert_eq!(o.code(), Some(0), "{o:?}");
    }
}
