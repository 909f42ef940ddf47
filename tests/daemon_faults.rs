//! The daemon under faults and at its limits: a full queue answers busy and
//! the client runs the job itself; a worker killed mid-job costs only its
//! client (an error and a non-zero status) and is replaced; a client killed
//! mid-job takes its job's whole process group with it; bad input closes
//! only that connection; `rushd stop` leaves no process behind.

mod daemon_support;

use daemon_support::*;
use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::process::Command;
use std::time::{Duration, Instant};

fn wait_for_file(p: &std::path::Path) -> String {
    assert!(
        eventually(Duration::from_secs(10), || std::fs::read_to_string(p)
            .map(|s| s.ends_with('\n'))
            .unwrap_or(false)),
        "{} never appeared",
        p.display()
    );
    std::fs::read_to_string(p).unwrap_or_default()
}

#[test]
fn busy_daemon_makes_the_client_run_the_job_itself() {
    for &b in backends() {
        let d = Daemon::start_with(
            b,
            Settings {
                pool_size: Some(1),
                queue_max: Some(1),
                ..Settings::default()
            },
        );
        let marker = d.dir.path().join("running");
        // One job holds the only worker (its `sleep` not last: a last
        // utility runs in the client), one waits in the queue...
        let mut first = d.spawn_job(
            &format!("echo x > '{}'; sleep 2; true", marker.display()),
            "require",
        );
        wait_for_file(&marker);
        let mut second = d.spawn_job("echo second", "require");
        assert!(
            eventually(Duration::from_secs(5), || json_number(
                &d.status(),
                "queue_depth"
            ) == Some(1)),
            "{b}: the second job was not queued"
        );
        // ...so the third is refused busy and runs directly.
        let o = run(
            d.rush()
                .env("RUSH_DAEMON", "auto")
                .arg("-c")
                .arg("echo third ran; exit 3"),
            None,
            Duration::from_secs(20),
        );
        assert_eq!(
            (o.code(), o.stdout_str()),
            (Some(3), "third ran\n".into()),
            "{b}: {o:?}"
        );
        assert_eq!(json_number(&d.status(), "busy_refusals"), Some(1), "{b}");
        // With RUSH_DAEMON=require, busy is an error.
        let o = run(
            d.rush().arg("-c").arg("echo never"),
            None,
            Duration::from_secs(20),
        );
        assert_eq!(
            o.code(),
            Some(rush::client::EXIT_DAEMON_FAILED),
            "{b}: {o:?}"
        );
        let s1 = wait_with_timeout(&mut first, Duration::from_secs(10), "first");
        let s2 = wait_with_timeout(&mut second, Duration::from_secs(10), "second");
        assert!(s1.success() && s2.success(), "{b}");
        let mut out = String::new();
        second
            .stdout
            .take()
            .expect("stdout")
            .read_to_string(&mut out)
            .expect("read");
        assert_eq!(out, "second\n");
        d.stop();
    }
}

/// A job queued behind a worker busy with a long job does not wait for it:
/// after the queue wait (`RUSH_QUEUE_WAIT`) its client is answered busy
/// and runs the job itself, so that `make -j` through a small pool runs as
/// many recipes at once as without the daemon. (It waited for the worker:
/// 16 recipes of `sleep 0.5; echo` through a pool of 4 took 2.0 s against
/// 0.5 s directly.) A client with `RUSH_DAEMON=require` waits on, as asked.
#[test]
fn a_queued_job_runs_in_its_client_while_the_workers_stay_busy() {
    for &b in backends() {
        let d = Daemon::with_pool_env(b, 1, &[("RUSH_QUEUE_WAIT", "50")]);
        let go = d.dir.path().join("go");
        let marker = d.dir.path().join("running");
        // The only worker is held until the test says so (its loop is not
        // the job's last command, which would run in the client).
        let mut blocker = d.spawn_job(
            &format!(
                "echo > '{}'; {}; true",
                marker.display(),
                wait_for_path(&go)
            ),
            "require",
        );
        wait_for_file(&marker);
        let patient = d.spawn_job("echo patient", "require");
        assert!(
            eventually(Duration::from_secs(5), || json_number(
                &d.status(),
                "queue_depth"
            ) == Some(1)),
            "{b}: the patient job was not queued: {}",
            d.status()
        );
        let o = run(
            d.rush()
                .env("RUSH_DAEMON", "auto")
                .arg("-c")
                .arg("echo ran; exit 5"),
            None,
            Duration::from_secs(20),
        );
        assert_eq!(
            (o.code(), o.stdout_str()),
            (Some(5), "ran\n".into()),
            "{b}: {o:?}"
        );
        assert!(
            blocker.try_wait().expect("try_wait").is_none(),
            "{b}: the blocker ended first"
        );
        let status = d.status();
        assert_eq!(
            json_number(&status, "busy_refusals"),
            Some(1),
            "{b}: {status}"
        );
        assert_eq!(
            json_number(&status, "queue_depth"),
            Some(1),
            "{b}: {status}"
        );
        std::fs::write(&go, "").expect("go");
        assert_eq!(finish(blocker, "blocker").0, Some(0), "{b}");
        assert_eq!(
            finish(patient, "patient"),
            (Some(0), "patient\n".into(), String::new()),
            "{b}"
        );
        d.stop();
    }
}

/// A client that a job starts (`$SHELL script` in a configure script, a
/// recursive `make` with `SHELL=rush`) waits for no worker when none is
/// idle: the busy ones may be its own ancestors, waiting for it. It runs
/// its job itself, as a busy daemon's client does. (It was queued, and
/// waited for ever.)
#[test]
fn a_client_started_by_a_job_never_waits_behind_it() {
    for &b in backends() {
        let d = Daemon::with_pool(b, 2);
        // Three levels on a pool of two: the second level finds the other
        // worker idle, the third none. (No level runs `rush` last: a job's
        // last utility runs in its client's place, not below the daemon.)
        let o = run(
            d.rush().env("R", RUSH).arg("-c").arg(
                "RUSH_DAEMON=auto \"$R\" -c 'RUSH_DAEMON=auto \"$R\" -c \"echo three\"; \
                 echo two'; echo one",
            ),
            None,
            Duration::from_secs(20),
        );
        assert_eq!(
            (o.code(), o.stdout_str()),
            (Some(0), "three\ntwo\none\n".into()),
            "{b}: {o:?}"
        );
        let status = d.status();
        assert_eq!(
            json_number(&status, "busy_refusals"),
            Some(1),
            "{b}: {status}"
        );
        assert!(
            eventually(Duration::from_secs(5), || {
                json_number(&d.status(), "jobs_served") == Some(2)
            }),
            "{b}: {}",
            d.status()
        );
        d.stop();
    }
}

#[test]
fn worker_killed_mid_job_fails_its_client_and_is_replaced() {
    for &b in backends() {
        let d = Daemon::with_pool(b, 1);
        let marker = d.dir.path().join("running");
        let before = worker_pids(&d.status());
        assert_eq!(before.len(), 1, "{b}");
        // (`sleep` not last: a last utility runs in the client.)
        let mut client = d.spawn_job(
            &format!("echo x > '{}'; sleep 30; true", marker.display()),
            "require",
        );
        wait_for_file(&marker);
        let killed_at = Instant::now();
        platform::signal::send(before[0], platform::signal::SIGKILL).expect("kill worker");
        let st = wait_with_timeout(
            &mut client,
            Duration::from_secs(5),
            "client of a dead worker",
        );
        assert!(
            killed_at.elapsed() < Duration::from_secs(1),
            "{b}: took {:?}",
            killed_at.elapsed()
        );
        // It died of the signal its worker died of, as a shell so killed
        // would, after saying that the worker died.
        assert_eq!(st.signal(), Some(platform::signal::SIGKILL), "{b}: {st:?}");
        let mut err = String::new();
        client
            .stderr
            .take()
            .expect("stderr")
            .read_to_string(&mut err)
            .expect("read");
        assert!(
            err.contains("died (killed by SIGKILL)"),
            "{b}: stderr: {err}"
        );
        // The pool is full again, with a new worker, and serves.
        assert!(
            eventually(Duration::from_secs(5), || {
                let s = d.status();
                let pids = worker_pids(&s);
                pids.len() == 1 && pids[0] != before[0] && s.contains("\"state\":\"idle\"")
            }),
            "{b}: no replacement: {}",
            d.status()
        );
        assert_eq!(json_number(&d.status(), "respawns"), Some(1), "{b}");
        let o = run(
            d.rush().arg("-c").arg("echo after"),
            None,
            Duration::from_secs(20),
        );
        assert_eq!(o.stdout_str(), "after\n", "{b}: {o:?}");
        // The log tells of the death once.
        let log = d.log();
        let told = log
            .lines()
            .filter(|l| l.contains(&format!("worker {} ", before[0])))
            .count();
        assert_eq!(told, 1, "{b}: {log}");
        d.stop();
    }
}

/// The next job runs on `worker` (the pool's pids as they were), and no
/// worker was replaced meanwhile.
fn the_same_worker_serves_the_next_job(d: &Daemon, worker: &[i32], b: &str) {
    let o = run(
        d.rush().arg("-c").arg("echo next"),
        None,
        Duration::from_secs(20),
    );
    assert_eq!(o.stdout_str(), "next\n", "{b}: {o:?}");
    let st = d.status();
    assert_eq!(worker_pids(&st), worker, "{b}: {st}");
    assert_eq!(json_number(&st, "respawns"), Some(0), "{b}");
}

/// The same when the job's shell is blocked in a call it would retry on
/// `EINTR` (the open of a FIFO nobody reads): the daemon's cancel signal
/// ends the call. It used to leave the worker asleep until the daemon
/// killed it 2 s later, and for ever once the daemon itself was gone.
#[test]
fn client_killed_while_its_job_opens_a_fifo_keeps_the_worker() {
    for &b in backends() {
        let d = Daemon::with_pool(b, 1);
        let fifo = d.dir.path().join("ff");
        let started = d.dir.path().join("started");
        let o = run(
            Command::new("mkfifo").arg(&fifo),
            None,
            Duration::from_secs(10),
        );
        assert_eq!(o.code(), Some(0), "{o:?}");
        let worker = worker_pids(&d.status());
        let mut client = d.spawn_job(
            &format!(
                "echo >'{}'; echo hi >'{}'; true",
                started.display(),
                fifo.display()
            ),
            "require",
        );
        wait_for_file(&started);
        std::thread::sleep(Duration::from_millis(100));
        client.kill().expect("kill -9 the client");
        let _ = client.wait();
        the_same_worker_serves_the_next_job(&d, &worker, b);
        d.stop();
    }
}

#[test]
fn client_killed_mid_job_kills_the_job_and_keeps_the_worker() {
    for &b in backends() {
        let d = Daemon::with_pool(b, 1);
        let pids_file = d.dir.path().join("pids");
        let worker = worker_pids(&d.status());
        // A background process and a foreground one, both in the job (the
        // foreground one not last: a last utility runs in the client).
        let mut client = d.spawn_job(
            &format!(
                "sleep 60 & echo $! > '{}'; sleep 60; true",
                pids_file.display()
            ),
            "require",
        );
        let bg: i32 = wait_for_file(&pids_file).trim().parse().expect("pid");
        assert!(alive(bg));
        client.kill().expect("kill -9 the client");
        let _ = client.wait();
        assert!(
            eventually(Duration::from_secs(3), || !alive(bg)),
            "{b}: the job's background process survived its client"
        );
        the_same_worker_serves_the_next_job(&d, &worker, b);
        d.stop();
    }
}

#[test]
fn stop_leaves_no_process_behind() {
    for &b in backends() {
        let d = Daemon::start(b);
        let marker = d.dir.path().join("bg");
        // A job that leaves a background process behind in its group.
        let o = run(
            d.rush()
                .arg("-c")
                .arg(format!("sleep 1 & echo $! > '{}'", marker.display())),
            None,
            Duration::from_secs(20),
        );
        assert_eq!(o.code(), Some(0));
        let st = d.status();
        let workers = worker_pids(&st);
        let daemon = d.pid() as i32;
        let tag = d.dir.path().display().to_string();
        assert_eq!(workers.len(), 4, "{st}");
        let o = d.stop();
        assert_eq!(o.code(), Some(0), "{b}: {o:?}");
        assert!(!alive(daemon), "{b}: the daemon survived stop");
        for w in &workers {
            assert!(
                eventually(Duration::from_secs(2), || !alive(*w)),
                "{b}: worker {w} survived stop"
            );
        }
        // Anchors and any other fork of the daemon carry its command line.
        assert_none_left(&tag, b);
    }
}

#[test]
fn start_status_stop_from_the_command_line() {
    for &b in backends() {
        let dir = TempDir::new("cli");
        let socket = dir.path().join("s");
        let state = dir.path().join("state");
        let cli = |args: &[&str]| {
            run(
                &mut rushd_cli(args, &socket, &state, b, 2),
                None,
                Duration::from_secs(20),
            )
        };
        let o = cli(&["status"]);
        assert_eq!(o.code(), Some(3), "not running yet: {o:?}");
        let o = cli(&["start"]);
        assert_eq!(o.code(), Some(0), "{b}: start: {o:?}");
        let o = cli(&["status", "--json"]);
        assert_eq!(o.code(), Some(0), "{o:?}");
        let json = o.stdout_str();
        for key in [
            "\"pid\":",
            "\"uptime_ms\":",
            "\"backend\":\"",
            "\"mode\":\"pool\"",
            "\"pool_size\":2",
            "\"queue_depth\":",
            "\"jobs_served\":",
            "\"busy_refusals\":",
            "\"respawns\":",
            "\"dispatch_latency_us\":{\"p50\":",
            "\"workers\":[",
        ] {
            assert!(json.contains(key), "{b}: {key} missing from {json}");
        }
        assert!(
            json.contains(&format!("\"backend\":\"{}\"", backend_name(b))),
            "{json}"
        );
        let daemon = json_number(&json, "pid").expect("pid") as i32;
        let text = cli(&["status"]).stdout_str();
        assert!(text.contains("rushd is running"), "{text}");
        let o = cli(&["restart"]);
        assert_eq!(o.code(), Some(0), "{b}: restart: {o:?}");
        assert!(!alive(daemon), "{b}: the old daemon survived restart");
        let o = cli(&["stop"]);
        assert_eq!(o.code(), Some(0), "{b}: stop: {o:?}");
        assert!(!socket.exists(), "{b}: the socket was left behind");
        let log = std::fs::read_to_string(state.join("rush/rushd.log")).unwrap_or_default();
        assert!(log.contains("serving on"), "{b}: log: {log}");
        let tag = socket.display().to_string();
        assert_none_left(&tag, b);
    }
}

#[test]
fn a_worker_killed_mid_job_leaves_the_other_jobs_untouched() {
    for &b in backends() {
        let d = Daemon::with_pool(b, 3);
        let workers = worker_pids(&d.status());
        assert_eq!(workers.len(), 3, "{b}");
        let go = d.dir.path().join("go");
        let jobs: Vec<_> = (0..3)
            .map(|i| {
                d.spawn_job(
                    &format!("{}; echo job{i}; exit {}", wait_for_path(&go), 20 + i),
                    "require",
                )
            })
            .collect();
        assert!(
            eventually(Duration::from_secs(10), || count(
                &d.status(),
                "\"state\":\"busy\""
            ) == 3),
            "{b}: {}",
            d.status()
        );
        let killed_at = Instant::now();
        platform::signal::send(workers[1], platform::signal::SIGKILL).expect("kill worker");
        // Its client fails within a second; the pool is whole again.
        let mut jobs = jobs;
        let mut failed = None;
        while failed.is_none() && killed_at.elapsed() < Duration::from_secs(2) {
            for (i, j) in jobs.iter_mut().enumerate() {
                if let Some(st) = j.try_wait().expect("try_wait") {
                    failed = Some((i, st, killed_at.elapsed()));
                    break;
                }
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        let failed = failed.map(|(i, st, after)| {
            let _ = jobs.remove(i).wait();
            (st, after)
        });
        let running = jobs;
        let (st, after) = failed.expect("the dead worker's client did not end");
        assert_eq!(st.signal(), Some(platform::signal::SIGKILL), "{b}: {st:?}");
        assert!(after < Duration::from_secs(1), "{b}: {after:?}");
        assert!(
            eventually(Duration::from_secs(5), || worker_pids(&d.status()).len()
                == 3),
            "{b}: {}",
            d.status()
        );
        // The other two finish as if nothing happened.
        std::fs::write(&go, "").expect("go");
        let mut seen = Vec::new();
        for mut j in running {
            let st = wait_with_timeout(&mut j, Duration::from_secs(10), "surviving job");
            let mut out = String::new();
            j.stdout
                .take()
                .expect("stdout")
                .read_to_string(&mut out)
                .expect("read");
            let n: i32 = out
                .trim()
                .trim_start_matches("job")
                .parse()
                .expect("job line");
            assert_eq!(st.code(), Some(20 + n), "{b}: {out}");
            seen.push(n);
        }
        assert_eq!(seen.len(), 2, "{b}");
        assert!(zombies_of(d.pid() as i32).is_empty(), "{b}");
        assert_eq!(json_number(&d.status(), "respawns"), Some(1), "{b}");
        d.stop();
    }
}

#[test]
fn stop_ends_a_job_that_never_ends() {
    for &b in backends() {
        let d = Daemon::with_pool_env(b, 1, &[("RUSH_STOP_GRACE", "500")]);
        let daemon = d.pid() as i32;
        let worker = worker_pids(&d.status());
        let marker = d.dir.path().join("spinning");
        // The interpreter itself spins, deaf to the usual signals.
        let mut job = d.spawn_job(
            &format!(
                "trap '' TERM INT HUP QUIT; echo > '{}'; while :; do :; done",
                marker.display()
            ),
            "require",
        );
        wait_for_file(&marker);
        let at = Instant::now();
        let o = run(
            Command::new(RUSHD)
                .arg("stop")
                .arg("--socket")
                .arg(&d.socket),
            None,
            Duration::from_secs(10),
        );
        assert_eq!(o.code(), Some(0), "{b}: {o:?}");
        let took = at.elapsed();
        assert!(
            took >= Duration::from_millis(450) && took < Duration::from_secs(3),
            "{b}: stop took {took:?}"
        );
        let st = wait_with_timeout(&mut job, Duration::from_secs(5), "the endless job");
        assert_eq!(st.code(), Some(rush::client::EXIT_DAEMON_FAILED), "{b}");
        assert!(!alive(daemon), "{b}");
        for w in worker {
            assert!(!alive(w), "{b}: the spinning worker {w} survived");
        }
        assert!(!d.socket.exists(), "{b}");
    }
}

/// What a stand-in for rushd does with the one client it accepts.
#[derive(Clone, Copy, Debug)]
enum Stand {
    /// Close without reading the request.
    Unread,
    /// Read the whole request, then close without a word.
    ReadSilent,
    /// Read it, say `Queued`, then close.
    ReadQueued,
}

/// Run `rush -c script` against a stand-in daemon on a private socket that
/// treats the connection as `stand` says: the client's output.
fn against_stand_in(stand: Stand, script: &str, dir: &TempDir) -> Out {
    use rush::proto::{HEADER_LEN, Message, split};
    use std::io::Write;
    let socket = dir.path().join("stand-in.sock");
    let _ = std::fs::remove_file(&socket);
    let listener = std::os::unix::net::UnixListener::bind(&socket).expect("bind");
    let server = std::thread::spawn(move || {
        let (mut conn, _) = listener.accept().expect("accept");
        conn.set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        match stand {
            Stand::Unread => {
                // Let the request arrive (the client sends it at once),
                // so that it is queued unread when the connection closes.
                std::thread::sleep(Duration::from_millis(300));
            }
            Stand::ReadSilent | Stand::ReadQueued => {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    if let Ok(Some(_)) = split(&buf) {
                        break;
                    }
                    match conn.read(&mut chunk) {
                        // A read with a timeout is not restarted after a
                        // signal or a freeze (signal(7)): try again.
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                        Ok(0) | Err(_) => panic!("the request did not arrive"),
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                assert!(buf.len() >= HEADER_LEN);
                if matches!(stand, Stand::ReadQueued) {
                    let mut out = Vec::new();
                    Message::Queued.encode(&mut out);
                    conn.write_all(&out).expect("send Queued");
                }
            }
        }
    });
    let o = run(
        Command::new(RUSH)
            .env("RUSH_SOCKET", &socket)
            .env("RUSH_DAEMON", "auto")
            .arg("-c")
            .arg(script),
        None,
        Duration::from_secs(20),
    );
    server.join().expect("stand-in");
    o
}

#[test]
fn a_daemon_lost_before_it_took_the_job_means_running_it_directly() {
    // Whether the job started decides between falling back and failing:
    // a request never read, or one the daemon said it only queued, did not
    // start, and the client runs it itself; the job runs exactly once.
    for stand in [Stand::Unread, Stand::ReadQueued] {
        let dir = TempDir::new("stand-in");
        let marker = dir.path().join("ran");
        let script = format!("echo once >> '{}'; echo out; exit 3", marker.display());
        let o = against_stand_in(stand, &script, &dir);
        assert_eq!(
            (o.code(), o.stdout_str(), o.stderr_str()),
            (Some(3), "out\n".into(), String::new()),
            "{stand:?}"
        );
        assert_eq!(
            std::fs::read_to_string(&marker).unwrap_or_default(),
            "once\n",
            "{stand:?}"
        );
    }
}

#[test]
fn a_daemon_lost_after_it_read_the_job_is_an_error_not_a_second_run() {
    // A worker answers nothing before the job's end, so a connection that
    // closes silently after the request was read may have run it: the
    // client must not run it again, and says what happened.
    let dir = TempDir::new("stand-in");
    let marker = dir.path().join("ran");
    let script = format!("echo once >> '{}'", marker.display());
    let o = against_stand_in(Stand::ReadSilent, &script, &dir);
    assert_eq!(o.code(), Some(125), "{}", o.stderr_str());
    assert!(
        o.stderr_str().contains("lost the connection to rushd"),
        "{}",
        o.stderr_str()
    );
    assert!(!marker.exists(), "the job ran directly after all");
}

/// A worker that retires after a job it accepted itself (`ulimit` changed
/// its limits) exits at once; the job of the client right behind it must
/// go to its replacement, never to the worker on its way out (which once
/// took it and died with it: "worker died", status 125).
#[test]
fn a_retiring_worker_is_given_no_job() {
    for &b in backends() {
        let d = Daemon::with_pool(b, 1);
        for round in 0..25 {
            let o = run(
                d.rush()
                    .arg("-c")
                    .arg("sleep 0.02; ulimit -c 0; echo retire"),
                None,
                Duration::from_secs(20),
            );
            assert_eq!(o.stdout_str(), "retire\n", "{b}, round {round}: {o:?}");
            let o = run(
                d.rush().arg("-c").arg("echo next"),
                None,
                Duration::from_secs(20),
            );
            assert_eq!(
                (o.stdout_str().as_str(), o.stderr_str().as_str(), o.code()),
                ("next\n", "", Some(0)),
                "{b}, round {round}:\n{}",
                d.log()
            );
        }
        d.stop();
    }
}

/// Clients passing between one worker and the daemon all the time: eight
/// at once against a pool of 1, some jobs retiring the worker, some
/// outlasting the 5 ms after which the daemon accepts clients itself.
/// Every job must end as it would directly (`RUSH_DAEMON=require`: none
/// may fall back), and none may wait for a later client to come (each has
/// 20 s, where the slowest should take well under one).
#[test]
fn clients_pass_between_workers_and_the_daemon() {
    for &b in backends() {
        let d = Daemon::with_pool(b, 1);
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..8)
                .map(|t| {
                    let d = &d;
                    s.spawn(move || {
                        for j in 0..15 {
                            let i = t * 100 + j;
                            let job = match i % 3 {
                                0 => format!("ulimit -c 0; echo {i}"),
                                1 => format!("sleep 0.01; echo {i}"),
                                _ => format!("x=$(echo {i}); echo $x"),
                            };
                            let o =
                                run(d.rush().arg("-c").arg(&job), None, Duration::from_secs(20));
                            assert_eq!(
                                (o.stdout_str(), o.stderr_str(), o.code()),
                                (format!("{i}\n"), String::new(), Some(0)),
                                "{b}: {job}:\n{}",
                                d.log()
                            );
                        }
                    })
                })
                .collect();
            for h in handles {
                h.join().expect("client thread");
            }
        });
        d.stop();
    }
}

/// A job the daemon relays ends when the daemon dies (SIGKILL, a crash):
/// its client's connection was the daemon's and is gone, and the job must
/// neither run on for no one nor leave processes behind. (The worker and
/// the job's processes ran on; an endless job, for ever.)
#[test]
fn a_relayed_job_ends_with_its_daemon() {
    if !cfg!(target_os = "linux") {
        return;
    }
    for &b in backends() {
        let d = Daemon::with_pool(b, 1);
        let worker = worker_pids(&d.status())[0];
        let pidfile = d.dir.path().join("pid");
        let script = format!("sleep 300 & echo $! > '{}'; wait", pidfile.display());
        let mut s = relayed_job(&d.socket, &script);
        let mut sleeper = 0;
        assert!(
            eventually(Duration::from_secs(10), || {
                let text = std::fs::read_to_string(&pidfile).unwrap_or_default();
                sleeper = text.trim().parse().unwrap_or(0);
                sleeper > 0
            }),
            "{b}: the job did not start"
        );
        platform::process::kill(d.pid() as i32, platform::signal::SIGKILL).expect("kill rushd");
        let (_, closed) = read_until_closed(&mut s, Duration::from_secs(10));
        assert!(closed, "{b}: the client's connection stayed open");
        assert!(
            eventually(Duration::from_secs(10), || !alive(sleeper)
                && !alive(worker)),
            "{b}: the job's process {sleeper} or its worker {worker} outlived the daemon"
        );
    }
}
