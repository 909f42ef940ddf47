//! A daemon's life: one per socket (a lock, not a race), a crashed one's
//! socket replaced, a stop or SIGTERM that lets running jobs finish within
//! the grace period and ends the rest leaving nothing behind, SIGHUP
//! replacing the workers without losing queued jobs, and a changed binary
//! or a client of another protocol version making the daemon re-execute
//! itself while clients run their jobs themselves (in the foreground) or
//! hand its socket to the new binary at once (detached).

mod daemon_support;

use daemon_support::*;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Processes whose command line mentions `tag` and whose parent does not:
/// the daemons themselves, not their workers.
fn daemons_mentioning(tag: &str) -> Vec<i32> {
    let all = processes_mentioning(tag);
    all.iter()
        .copied()
        .filter(|&p| {
            let ppid = std::fs::read_to_string(format!("/proc/{p}/stat"))
                .ok()
                .and_then(|s| {
                    s.rsplit_once(')')
                        .and_then(|(_, r)| r.split_whitespace().nth(1).map(str::to_string))
                })
                .and_then(|v| v.parse::<i32>().ok())
                .unwrap_or(0);
            !all.contains(&ppid)
        })
        .collect()
}

#[test]
fn concurrent_starts_make_one_daemon() {
    for &b in backends() {
        let dir = TempDir::new("starts");
        let socket = dir.path().join("s");
        let state = dir.path().join("state");
        let rushd = |args: &[&str]| {
            let mut c = rushd_cli(args, &socket, &state, b, 1);
            c.stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped());
            c
        };
        let starts: Vec<Child> = (0..8)
            .map(|_| rushd(&["start"]).spawn().expect("spawn"))
            .collect();
        for c in starts {
            let (code, _, err) = finish(c, "rushd start");
            let log = std::fs::read_to_string(state.join("rush/rushd.log")).unwrap_or_default();
            assert_eq!(code, Some(0), "{b}: {err}\nlog:\n{log}");
        }
        let tag = socket.display().to_string();
        let daemons = daemons_mentioning(&tag);
        assert_eq!(daemons.len(), 1, "{b}: {daemons:?}");
        // A daemon in the foreground is refused too, with the reason.
        let o = run(&mut rushd(&["--foreground"]), None, Duration::from_secs(10));
        assert_eq!(o.code(), Some(1), "{b}: {o:?}");
        assert!(o.stderr_str().contains("already serving"), "{b}: {o:?}");
        assert_eq!(daemons_mentioning(&tag), daemons, "{b}");
        let o = run(&mut rushd(&["stop"]), None, Duration::from_secs(20));
        assert_eq!(o.code(), Some(0), "{b}: {o:?}");
        assert_none_left(&tag, b);
    }
}

#[test]
fn a_wrong_setting_is_named_and_does_not_keep_stop_from_working() {
    let dir = TempDir::new("settings");
    let socket = dir.path().join("s");
    let state = dir.path().join("state");
    let b = backends()[0];
    let rushd = |args: &[&str], env: &[(&str, &str)]| {
        let mut c = rushd_cli(args, &socket, &state, b, 1);
        c.envs(env.iter().copied());
        run(&mut c, None, Duration::from_secs(20))
    };
    // Said in one line with where it came from, not buried in the usage.
    let o = rushd(&["start"], &[("RUSH_POOL_SIZE", "four")]);
    assert_eq!(o.code(), Some(2), "{o:?}");
    assert!(
        o.stderr_str()
            .starts_with("rushd: RUSH_POOL_SIZE=four: not a number\n"),
        "{o:?}"
    );
    assert!(o.stderr_str().lines().count() <= 2, "{o:?}");
    let o = rushd(&["start", "--queue-wait", "soon"], &[]);
    assert_eq!(o.code(), Some(2), "{o:?}");
    assert!(
        o.stderr_str()
            .starts_with("rushd: --queue-wait soon: not a number\n"),
        "{o:?}"
    );
    assert_eq!(rushd(&["status"], &[]).code(), Some(3));
    // A daemon started right is still looked at and stopped by a shell
    // whose environment has the wrong value.
    let o = rushd(&["start"], &[]);
    assert_eq!(o.code(), Some(0), "{o:?}");
    let wrong = [("RUSH_QUEUE_WAIT", "soon")];
    let o = rushd(&["status"], &wrong);
    assert_eq!(o.code(), Some(0), "{o:?}");
    assert!(o.stdout_str().contains("rushd is running"), "{o:?}");
    let o = rushd(&["stop"], &wrong);
    assert_eq!(o.code(), Some(0), "{o:?}");
    assert_none_left(&socket.display().to_string(), b);
}

#[test]
fn a_crashed_daemons_socket_is_replaced() {
    for &b in backends() {
        let d = Daemon::with_pool(b, 1);
        let socket = d.socket.clone();
        let workers = worker_pids(&d.status());
        platform::signal::send(d.pid() as i32, platform::signal::SIGKILL).expect("kill -9");
        // Its workers see their channel close and go.
        for w in workers {
            assert!(
                eventually(Duration::from_secs(5), || !alive(w)),
                "{b}: worker {w} outlived its daemon"
            );
        }
        assert!(socket.exists(), "{b}: the socket should be left behind");
        // A client meets a socket nobody answers: it runs the job itself.
        let o = run(
            Command::new(RUSH)
                .env("RUSH_SOCKET", &socket)
                .arg("-c")
                .arg("echo direct"),
            None,
            Duration::from_secs(10),
        );
        assert_eq!(o.stdout_str(), "direct\n", "{b}: {o:?}");
        // The next daemon replaces the stale socket.
        let log = d.dir.path().join("rushd2.log");
        let mut next = Command::new(RUSHD)
            .arg("--foreground")
            .arg("--socket")
            .arg(&socket)
            .envs(backend_env(b))
            .env("RUSH_POOL_SIZE", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).expect("log"))
            .spawn()
            .expect("spawn");
        let served = eventually(Duration::from_secs(10), || {
            run(
                Command::new(RUSH)
                    .env("RUSH_SOCKET", &socket)
                    .env("RUSH_DAEMON", "require")
                    .arg("-c")
                    .arg("echo served"),
                None,
                Duration::from_secs(10),
            )
            .stdout_str()
                == "served\n"
        });
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        assert!(served, "{b}: {text}");
        assert!(text.contains("replacing the stale socket"), "{b}: {text}");
        let o = run(
            Command::new(RUSHD).arg("stop").arg("--socket").arg(&socket),
            None,
            Duration::from_secs(20),
        );
        assert_eq!(o.code(), Some(0), "{b}: {o:?}");
        wait_with_timeout(&mut next, Duration::from_secs(10), "second daemon");
    }
}

/// Stop a daemon with jobs in flight (by `how`): a short job finishes, a
/// long one is ended after the grace period, a queued one runs in its
/// client; nothing is left behind.
fn stop_with_jobs_in_flight(b: &'static str, how: &str) {
    // The queued job waits as long as it takes (its client, with
    // RUSH_DAEMON=auto, would else run it itself after 10 ms).
    let d = Daemon::with_pool_env(
        b,
        2,
        &[("RUSH_STOP_GRACE", "1500"), ("RUSH_QUEUE_WAIT", "60000")],
    );
    let daemon = d.pid() as i32;
    let tag = d.dir.path().display().to_string();
    let workers = worker_pids(&d.status());
    let marker = d.dir.path().join("started");
    let bg = d.dir.path().join("bg");
    let short = d.spawn_job(
        &format!(
            "echo > '{}'; sleep 0.7; echo short; exit 7",
            marker.display()
        ),
        "require",
    );
    let long = d.spawn_job(
        &format!("sleep 60 & echo $! > '{}'; wait", bg.display()),
        "require",
    );
    assert!(
        eventually(Duration::from_secs(10), || marker.exists() && bg.exists()),
        "{b}: jobs did not start"
    );
    let queued = d.spawn_job("echo queued; exit 9", "auto");
    assert!(
        eventually(Duration::from_secs(5), || json_number(
            &d.status(),
            "queue_depth"
        ) == Some(1)),
        "{b}: not queued"
    );
    let bg_pid: i32 = std::fs::read_to_string(&bg)
        .unwrap_or_default()
        .trim()
        .parse()
        .expect("pid");
    let at = Instant::now();
    let stopper = match how {
        "SIGTERM" => {
            platform::signal::send(daemon, platform::signal::SIGTERM).expect("kill");
            None
        }
        _ => Some(
            Command::new(RUSHD)
                .arg("stop")
                .arg("--socket")
                .arg(&d.socket)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("rushd stop"),
        ),
    };
    assert_eq!(
        finish(queued, "queued"),
        (Some(9), "queued\n".into(), String::new()),
        "{b} {how}: the queued job"
    );
    assert_eq!(
        finish(short, "short"),
        (Some(7), "short\n".into(), String::new()),
        "{b} {how}: the short job"
    );
    let (code, out, err) = finish(long, "long");
    let ended = at.elapsed();
    assert_eq!((code, out.as_str()), (Some(125), ""), "{b} {how}: {err}");
    assert!(
        err.contains("rushd stopped before the job finished"),
        "{b}: {err}"
    );
    assert!(
        ended >= Duration::from_millis(1400) && ended < Duration::from_secs(5),
        "{b} {how}: the long job ended after {ended:?}"
    );
    assert!(
        eventually(Duration::from_secs(2), || !alive(bg_pid)),
        "{b} {how}: the long job's background process survived"
    );
    if let Some(mut s) = stopper {
        let st = wait_with_timeout(&mut s, Duration::from_secs(10), "rushd stop");
        assert_eq!(st.code(), Some(0), "{b}");
    }
    assert!(
        eventually(Duration::from_secs(5), || !alive(daemon)),
        "{b} {how}: the daemon is still running"
    );
    assert!(!d.socket.exists(), "{b} {how}: the socket is left");
    for w in workers {
        assert!(!alive(w), "{b} {how}: worker {w} survived");
    }
    assert_none_left(&tag, &format!("{b} {how}"));
    assert!(d.log().contains("stopping"), "{b}: {}", d.log());
}

#[test]
fn sigterm_and_stop_let_running_jobs_finish_then_end_the_rest() {
    for &b in backends() {
        stop_with_jobs_in_flight(b, "SIGTERM");
        stop_with_jobs_in_flight(b, "stop");
    }
}

#[test]
fn sighup_replaces_the_workers_without_dropping_queued_jobs() {
    for &b in backends() {
        let d = Daemon::with_pool(b, 2);
        let daemon = d.pid() as i32;
        let old = worker_pids(&d.status());
        let go = d.dir.path().join("go");
        let blockers: Vec<Child> = (0..2)
            .map(|_| {
                d.spawn_job(
                    &format!("{}; echo blocker; exit 3", wait_for_path(&go)),
                    "require",
                )
            })
            .collect();
        assert!(
            eventually(Duration::from_secs(10), || count(
                &d.status(),
                "\"state\":\"busy\""
            ) == 2),
            "{b}: {}",
            d.status()
        );
        // RUSH_DAEMON=require: a queued job dropped would fail, not run
        // directly.
        let queued: Vec<Child> = (0..4)
            .map(|i| d.spawn_job(&format!("echo q{i}; exit {}", 10 + i), "require"))
            .collect();
        assert!(
            eventually(Duration::from_secs(10), || json_number(
                &d.status(),
                "queue_depth"
            ) == Some(4)),
            "{b}: {}",
            d.status()
        );
        platform::signal::send(daemon, platform::signal::SIGHUP).expect("SIGHUP");
        // The fresh workers serve the queue while the old ones are busy.
        for (i, q) in queued.into_iter().enumerate() {
            assert_eq!(
                finish(q, "queued"),
                (Some(10 + i as i32), format!("q{i}\n"), String::new()),
                "{b}: queued job {i}"
            );
        }
        std::fs::write(&go, "").expect("go");
        for c in blockers {
            assert_eq!(
                finish(c, "blocker"),
                (Some(3), "blocker\n".into(), String::new()),
                "{b}"
            );
        }
        assert!(
            eventually(Duration::from_secs(5), || {
                let st = d.status();
                let now = worker_pids(&st);
                now.len() == 2
                    && now.iter().all(|p| !old.contains(p))
                    && count(&st, "\"state\":\"idle\"") == 2
            }),
            "{b}: {} (old {old:?})",
            d.status()
        );
        for w in &old {
            assert!(
                eventually(Duration::from_secs(5), || !alive(*w)),
                "{b}: old worker {w} lives on"
            );
        }
        assert!(
            eventually(Duration::from_secs(5), || zombies_of(daemon).is_empty()),
            "{b}: zombies {:?}",
            zombies_of(daemon)
        );
        let st = d.status();
        assert_eq!(json_number(&st, "respawns"), Some(0), "{b}: {st}");
        assert_eq!(json_number(&st, "jobs_served"), Some(6), "{b}: {st}");
        assert!(d.log().contains("SIGHUP: replacing the workers"), "{b}");
        let o = run(
            d.rush().arg("-c").arg("echo after"),
            None,
            Duration::from_secs(10),
        );
        assert_eq!(o.stdout_str(), "after\n", "{b}: {o:?}");
        d.stop();
    }
}

/// The header of a frame of the next protocol version.
fn newer_header() -> Vec<u8> {
    let mut h = b"RUSH".to_vec();
    h.extend_from_slice(&[rush::proto::VERSION + 1, 1, 0, 0, 0, 0, 0, 0]);
    h
}

/// Put a new build of `rushd` at `path` (a new inode, as an upgrade does).
fn replace_binary(path: &Path) {
    let tmp = path.with_extension("new");
    std::fs::copy(RUSHD, &tmp).expect("copy");
    std::fs::rename(&tmp, path).expect("rename");
}

fn uptime(d: &Daemon) -> Option<u64> {
    json_number(&d.status(), "uptime_ms")
}

#[test]
fn a_changed_binary_or_protocol_restarts_the_daemon_in_place() {
    for &b in backends() {
        let bin = TempDir::new("exe");
        let exe = bin.path().join("rushd");
        std::fs::copy(RUSHD, &exe).expect("copy rushd");
        let d = Daemon::start_with(
            b,
            Settings {
                pool_size: Some(1),
                exe: Some(exe.clone()),
                ..Settings::default()
            },
        );
        let pid = d.pid() as i32;
        // Another protocol version while the binary is the same: that
        // client is refused, the daemon serves on.
        let mut s = raw_connect(&d.socket);
        std::io::Write::write_all(&mut s, &newer_header()).expect("write");
        let (msgs, closed) = read_until_closed(&mut s, Duration::from_secs(5));
        assert!(closed && msgs.len() == 1, "{b}: {msgs:?}");
        std::thread::sleep(Duration::from_millis(1100));
        assert!(!d.log().contains("restarting"), "{b}: {}", d.log());
        // A job is running when the binary changes: it is not cut short.
        let marker = d.dir.path().join("running");
        let running = d.spawn_job(
            &format!(
                "echo > '{}'; sleep 1; echo survived; exit 4",
                marker.display()
            ),
            "require",
        );
        assert!(
            eventually(Duration::from_secs(10), || marker.exists()),
            "{b}"
        );
        replace_binary(&exe);
        // A newer client (another protocol version) gets an answer it can
        // fall back on, and makes the daemon notice at once.
        let mut s = raw_connect(&d.socket);
        std::io::Write::write_all(&mut s, &newer_header()).expect("write");
        let (_, closed) = read_until_closed(&mut s, Duration::from_secs(5));
        assert!(closed, "{b}");
        assert!(
            eventually(Duration::from_secs(2), || d
                .log()
                .contains("the rushd binary changed on disk")),
            "{b}: {}",
            d.log()
        );
        // While it drains, clients run their jobs themselves.
        let o = run(
            d.rush()
                .env("RUSH_DAEMON", "auto")
                .arg("-c")
                .arg("echo meanwhile; exit 6"),
            None,
            Duration::from_secs(10),
        );
        assert_eq!(
            (o.code(), o.stdout_str()),
            (Some(6), "meanwhile\n".into()),
            "{b}"
        );
        assert_eq!(
            finish(running, "running"),
            (Some(4), "survived\n".into(), String::new()),
            "{b}"
        );
        // Then the same process runs the new binary, and serves.
        let up = d.dir.path().join("up");
        assert!(
            eventually(Duration::from_secs(10), || {
                run(
                    d.rush().arg("-c").arg(format!("echo > '{}'", up.display())),
                    None,
                    Duration::from_secs(10),
                )
                .code()
                    == Some(0)
            }),
            "{b}: not serving again: {}",
            d.log()
        );
        assert!(alive(pid), "{b}");
        assert_eq!(json_number(&d.status(), "pid"), Some(pid as u64), "{b}");
        assert!(uptime(&d).unwrap_or(u64::MAX) < 5000, "{b}");
        assert!(d.log().contains("executing"), "{b}: {}", d.log());
        // A change noticed on accept, without a version mismatch: the
        // client in hand runs directly; the daemon restarts again.
        replace_binary(&exe);
        std::thread::sleep(Duration::from_millis(1100));
        let o = run(
            d.rush()
                .env("RUSH_DAEMON", "auto")
                .arg("-c")
                .arg("echo fell back"),
            None,
            Duration::from_secs(10),
        );
        assert_eq!(o.stdout_str(), "fell back\n", "{b}: {o:?}");
        assert!(
            eventually(Duration::from_secs(10), || d
                .log()
                .matches("executing")
                .count()
                == 2),
            "{b}: {}",
            d.log()
        );
        assert!(
            eventually(Duration::from_secs(10), || run(
                d.rush().arg("-c").arg("true"),
                None,
                Duration::from_secs(10)
            )
            .code()
                == Some(0)),
            "{b}: {}",
            d.log()
        );
        assert_eq!(json_number(&d.status(), "pid"), Some(pid as u64), "{b}");
        d.stop();
    }
}

#[test]
fn a_detached_daemon_hands_its_socket_to_a_changed_binary_at_once() {
    for &b in backends() {
        let dir = TempDir::new("handover");
        let bin = dir.path().join("bin");
        std::fs::create_dir(&bin).expect("mkdir");
        let exe = bin.join("rushd");
        std::fs::copy(RUSHD, &exe).expect("copy rushd");
        let socket = dir.path().join("s");
        let state = dir.path().join("state");
        let cli = |args: &[&str]| {
            let mut c = Command::new(&exe);
            c.args(args)
                .arg("--socket")
                .arg(&socket)
                .env("XDG_STATE_HOME", &state)
                .envs(backend_env(b))
                .env("RUSH_POOL_SIZE", "1");
            run(&mut c, None, Duration::from_secs(20))
        };
        let log = || std::fs::read_to_string(state.join("rush/rushd.log")).unwrap_or_default();
        let rush = |script: &str| {
            let mut c = Command::new(RUSH);
            c.env("RUSH_SOCKET", &socket)
                .env("RUSH_DAEMON", "require")
                .arg("-c")
                .arg(script);
            c
        };
        let o = cli(&["start"]);
        assert_eq!(o.code(), Some(0), "{b}: {o:?}");
        let old = json_number(&cli(&["status", "--json"]).stdout_str(), "pid").expect("pid") as i32;
        // The one worker runs a job when the binary changes.
        let marker = dir.path().join("running");
        let running = rush(&format!(
            "echo > '{}'; sleep 2; echo survived; exit 4",
            marker.display()
        ))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
        assert!(
            eventually(Duration::from_secs(10), || marker.exists()),
            "{b}"
        );
        replace_binary(&exe);
        std::thread::sleep(Duration::from_millis(1100));
        // Every job from then on runs through a daemon: the old one until
        // the new one accepts, then the new one. None is refused, not even
        // one the old daemon had queued when it handed the socket over.
        let mut n = 0;
        let until = Instant::now() + Duration::from_secs(10);
        let mut new = old;
        while new == old && Instant::now() < until {
            n += 1;
            let o = run(
                &mut rush(&format!("echo job {n}")),
                None,
                Duration::from_secs(10),
            );
            assert_eq!(
                (o.code(), o.stdout_str()),
                (Some(0), format!("job {n}\n")),
                "{b}: job {n}: {o:?}\nlog:\n{}",
                log()
            );
            new = json_number(&cli(&["status", "--json"]).stdout_str(), "pid").unwrap_or(0) as i32;
        }
        assert_ne!(new, old, "{b}: not handed over:\n{}", log());
        assert!(alive(new), "{b}");
        assert!(
            log().contains(&format!("pid {new} serves the socket now")),
            "{b}: {}",
            log()
        );
        // The old daemon lets its job finish, then exits.
        assert_eq!(
            finish(running, "running"),
            (Some(4), "survived\n".into(), String::new()),
            "{b}"
        );
        assert!(
            eventually(Duration::from_secs(10), || !alive(old)),
            "{b}: the old daemon did not exit:\n{}",
            log()
        );
        assert!(socket.exists(), "{b}: the old daemon removed the socket");
        let o = run(&mut rush("exit 9"), None, Duration::from_secs(10));
        assert_eq!(o.code(), Some(9), "{b}: {o:?}");
        let o = cli(&["stop"]);
        assert_eq!(o.code(), Some(0), "{b}: {o:?}");
        assert_none_left(&socket.display().to_string(), b);
    }
}
