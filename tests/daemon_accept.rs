//! Workers that accept clients themselves (docs/architecture.md, "Workers
//! accept"): an idle worker takes a client off the listening socket and
//! answers it without the daemon; the daemon takes over only when every
//! worker is busy, and hands back when one is idle; a client that keeps
//! its connection for more jobs is served job after job, by the daemon
//! once the worker has let go of it; a job's own trap on SIGTSTP runs
//! instead of the stop the worker otherwise acts out for it.

mod daemon_support;

use daemon_support::*;
use rush::proto::{ExitStatus, Message};
use std::os::fd::AsRawFd;
use std::process::Child;
use std::time::Duration;

/// A job through `d` as `rush` runs it by default there (`require`).
fn spawn_job(d: &Daemon, script: &str) -> Child {
    d.spawn_job(script, "require")
}

/// Status code and stdout of a job started with [`spawn_job`].
fn finish_out(c: Child, what: &str) -> (Option<i32>, String) {
    let (code, out, _) = finish(c, what);
    (code, out)
}

fn relayed(d: &Daemon) -> u64 {
    json_number(&d.status(), "jobs_relayed").expect("jobs_relayed")
}

/// Clients whose worker handed them to the daemon because their request
/// did not come within its first wait (on a loaded machine): the daemon
/// relays their jobs (or answers their status requests).
fn stalled(d: &Daemon) -> u64 {
    count(&d.log(), "handing a client to the daemon") as u64
}

fn served(d: &Daemon) -> u64 {
    json_number(&d.status(), "jobs_served").expect("jobs_served")
}

#[test]
fn idle_workers_serve_clients_without_the_daemon() {
    for &b in backends() {
        let d = Daemon::with_pool(b, 2);
        for i in 0..20 {
            let o = run(
                d.rush().arg("-c").arg(format!("echo {i}; exit {}", i % 7)),
                None,
                Duration::from_secs(10),
            );
            assert_eq!(
                (o.code(), o.stdout_str()),
                (Some(i % 7), format!("{i}\n")),
                "{b}: {o:?}"
            );
        }
        assert!(
            eventually(Duration::from_secs(5), || served(&d) == 20),
            "{b}: {}",
            d.status()
        );
        // The daemon relayed none of them (one client at a time never
        // keeps both workers busy), unless told to relay everything, or
        // the client stalled before its request (see below).
        if b == "relay" {
            assert_eq!(relayed(&d), 20, "{b}: {}", d.status());
        } else {
            assert!(relayed(&d) <= stalled(&d), "{b}: {}", d.status());
        }
        d.stop();
    }
}

#[test]
fn every_idle_worker_listens_from_the_start() {
    for &b in backends().iter().filter(|&&b| b != "relay") {
        let d = Daemon::with_pool(b, 4);
        assert!(
            eventually(Duration::from_secs(10), || d
                .status()
                .matches("\"state\":\"idle\"")
                .count()
                == 4),
            "{b}: {}",
            d.status()
        );
        // As many clients at once as there are workers, each holding its
        // worker until all have started: every worker takes one off the
        // listening socket itself. (Workers that held off while the
        // daemon accepted during its start, and were never told to
        // listen, left theirs to the daemon to relay.)
        let dir = d.dir.path();
        let jobs: Vec<Child> = (0..4)
            .map(|i| {
                spawn_job(
                    &d,
                    &format!(
                        ": > '{dir}/started{i}'; \
                         while [ ! -e '{dir}/go' ]; do sleep 0.02; done; echo {i}; true",
                        dir = dir.display()
                    ),
                )
            })
            .collect();
        let all_started = eventually(Duration::from_secs(10), || {
            (0..4).all(|i| dir.join(format!("started{i}")).exists())
        });
        std::fs::write(dir.join("go"), "").expect("go");
        assert!(all_started, "{b}: {}", d.status());
        for (i, j) in jobs.into_iter().enumerate() {
            assert_eq!(finish_out(j, "job"), (Some(0), format!("{i}\n")), "{b}");
        }
        // None relayed, but for a client that stalled between its
        // connection and its request (a loaded machine), which its worker
        // hands to the daemon and says so.
        assert!(relayed(&d) <= stalled(&d), "{b}: {}", d.status());
        d.stop();
    }
}

#[test]
fn with_every_worker_busy_the_daemon_queues_then_hands_back() {
    for &b in backends() {
        let d = Daemon::with_pool(b, 1);
        let go = d.dir.path().join("go");
        let blocker = spawn_job(&d, &format!("{}; echo blocker; exit 3", wait_for_path(&go)));
        assert!(
            eventually(Duration::from_secs(10), || d
                .status()
                .contains("\"state\":\"busy\"")),
            "{b}: {}",
            d.status()
        );
        // The only worker is busy: the next client waits in the daemon's
        // queue, where `status` counts it.
        let queued = spawn_job(&d, "echo queued; exit 4");
        assert!(
            eventually(Duration::from_secs(10), || json_number(
                &d.status(),
                "queue_depth"
            ) == Some(1)),
            "{b}: {}",
            d.status()
        );
        std::fs::write(&go, "").expect("go");
        assert_eq!(
            finish_out(blocker, "blocker"),
            (Some(3), "blocker\n".into()),
            "{b}"
        );
        assert_eq!(
            finish_out(queued, "queued"),
            (Some(4), "queued\n".into()),
            "{b}"
        );
        let relayed_then = relayed(&d);
        assert!(relayed_then >= 1, "{b}: {}", d.status());
        // The worker listens again: of many short jobs one after another,
        // some at least are its own (all, on a machine not too busy).
        for i in 0..20 {
            let o = run(
                d.rush().arg("-c").arg(format!("echo {i}")),
                None,
                Duration::from_secs(10),
            );
            assert_eq!(o.stdout_str(), format!("{i}\n"), "{b}: {o:?}");
        }
        let after = relayed(&d) - relayed_then;
        if b == "relay" {
            assert_eq!(after, 20, "{b}");
        } else {
            assert!(after < 20, "{b}: every job relayed: {}", d.status());
        }
        d.stop();
    }
}

/// Read frames from `s` until an `Exit`: the messages.
fn until_exit(s: &mut std::os::unix::net::UnixStream) -> Vec<Message> {
    let mut ch = rush::proto::channel::Channel::new(
        s.try_clone()
            .map(std::os::fd::OwnedFd::from)
            .expect("clone"),
    );
    let mut msgs = Vec::new();
    loop {
        match ch.recv() {
            Ok((m, _)) => {
                let exit = matches!(m, Message::Exit(_));
                msgs.push(m);
                if exit {
                    return msgs;
                }
            }
            Err(e) => panic!("after {msgs:?}: {e}"),
        }
    }
}

#[test]
fn a_connection_kept_open_is_served_job_after_job() {
    let null = std::fs::File::open("/dev/null").expect("/dev/null");
    let fds = [null.as_raw_fd(); 4];
    for &b in backends() {
        let d = Daemon::start(b);
        let mut s = raw_connect(&d.socket);
        for (i, pause) in [(3, 0), (4, 0), (5, 400), (6, 0)] {
            // A pause longer than a worker keeps an idle connection: the
            // daemon has it by then, and serves it as well.
            std::thread::sleep(Duration::from_millis(pause));
            send_fds(&s, &job_frame(&format!("exit {i}"), &[0, 1, 2]), &fds);
            let msgs = until_exit(&mut s);
            // A worker serving the connection answers only `Exit`; the
            // daemon says `Started` (after `Queued`, if it had to wait).
            assert!(
                msgs[..msgs.len() - 1]
                    .iter()
                    .all(|m| matches!(m, Message::Started { .. } | Message::Queued)),
                "{b}: job {i}: {msgs:?}"
            );
            assert_eq!(
                msgs.last(),
                Some(&Message::Exit(ExitStatus::Exited(i as u8))),
                "{b}: job {i}"
            );
        }
        drop(s);
        assert!(
            eventually(Duration::from_secs(5), || served(&d) == 4),
            "{b}: {}",
            d.status()
        );
        d.stop();
    }
}

/// A job the daemon relays to the last worker listening (its client
/// stalled before its request, so the worker handed it over) leaves the
/// daemon accepting: a client that comes while the job runs is answered,
/// not left in the listening socket's backlog until the job ends. (It
/// was; a job running `$SHELL script` waited on its own nested client for
/// ever.)
#[test]
fn the_daemon_accepts_while_the_last_worker_runs_a_job_it_relayed() {
    for &b in backends() {
        let d = Daemon::with_pool(b, 1);
        let ready = d.dir.path().join("ready");
        let go = d.dir.path().join("go");
        let script = format!(
            "echo > '{}'; {}; exit 3",
            ready.display(),
            wait_for_path(&go)
        );
        let mut s = relayed_job(&d.socket, &script);
        assert!(
            eventually(Duration::from_secs(10), || ready.exists()),
            "{b}: the job did not start"
        );
        // Answered while the job runs (it waited in the backlog, and the
        // status command failed after its 10 s).
        let status = d.status();
        assert!(status.contains("\"pool_size\":1"), "{b}: {status}");
        std::fs::write(&go, "").expect("go");
        let msgs = until_exit(&mut s);
        assert_eq!(
            msgs.last(),
            Some(&Message::Exit(ExitStatus::Exited(3))),
            "{b}"
        );
        assert_eq!(relayed(&d), 1, "{b}: {}", d.status());
        d.stop();
    }
}

#[test]
fn a_trapped_tstp_runs_the_trap_instead_of_stopping_the_job() {
    for &b in backends() {
        let d = Daemon::start(b);
        let ready = d.dir.path().join("ready");
        let mut c = spawn_job(
            &d,
            &format!(
                "trap 'echo trapped; exit 4' TSTP; echo > '{}'; \
                 while :; do sleep 0.05; done",
                ready.display()
            ),
        );
        assert!(
            eventually(Duration::from_secs(10), || ready.exists()),
            "{b}: the job did not start"
        );
        let pid = c.id() as i32;
        platform::signal::send(pid, platform::signal::SIGTSTP).expect("tstp");
        // The client stops with its job as a shell in the foreground
        // would; continued, it has the job's end to report.
        std::thread::sleep(Duration::from_millis(200));
        platform::signal::send(pid, platform::signal::SIGCONT).expect("cont");
        let st = wait_with_timeout(&mut c, Duration::from_secs(10), "trapped job");
        let mut out = String::new();
        std::io::Read::read_to_string(&mut c.stdout.take().expect("stdout"), &mut out)
            .expect("read");
        assert_eq!((st.code(), out.as_str()), (Some(4), "trapped\n"), "{b}");
        d.stop();
    }
}
