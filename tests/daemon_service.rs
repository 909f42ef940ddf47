//! rushd as a service: started on first use by `RUSH_DAEMON=spawn` (one
//! daemon however many clients race, holding none of their descriptors),
//! gone after `RUSH_IDLE_EXIT` seconds without a job (never during one),
//! handed its listening socket by a service manager (socket activation,
//! `READY=1` on `NOTIFY_SOCKET`), and installed as systemd user units by
//! `rushd install-service`.

mod daemon_support;

use daemon_support::*;
use std::io::Read;
use std::os::fd::OwnedFd;
use std::os::unix::net::{UnixDatagram, UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A fresh private directory for a socket that no daemon serves yet, and
/// `rush` commands that start one there on first use. Whatever daemon ends
/// up on the socket is stopped on drop.
struct OnDemand {
    dir: TempDir,
    socket: PathBuf,
    backend: &'static str,
    idle_exit: &'static str,
}

impl OnDemand {
    fn new(backend: &'static str, idle_exit: &'static str) -> OnDemand {
        let dir = TempDir::new(&format!("spawn-{backend}"));
        let socket = dir.path().join("rushd.sock");
        OnDemand {
            dir,
            socket,
            backend,
            idle_exit,
        }
    }

    /// `rush` with `RUSH_DAEMON=spawn` (change it with `.env`).
    fn rush(&self) -> Command {
        self.command(RUSH)
    }

    /// `rush -c command` that the daemon must run (`RUSH_DAEMON=require`).
    fn required(&self, command: &str) -> Out {
        run(
            self.rush()
                .env("RUSH_DAEMON", "require")
                .arg("-c")
                .arg(command),
            None,
            Duration::from_secs(20),
        )
    }

    /// The daemon `pid` stopped for being idle (2 s), and the next client
    /// starts another, which serves it.
    fn assert_replaced_after_idle(&self, b: &str, pid: i32) {
        assert!(self.log().contains("no job for 2s"), "{b}: {}", self.log());
        self.assert_replaced(b, pid);
    }

    /// The daemon `pid` is gone: the next client starts another, in its
    /// own context, which then serves it.
    fn assert_replaced(&self, b: &str, pid: i32) {
        let o = run(
            self.rush().arg("-c").arg("echo again"),
            None,
            Duration::from_secs(20),
        );
        assert_eq!(o.stdout_str(), "again\n", "{b}");
        assert_ne!(self.daemon_pid(), pid, "{b}");
        let o = self.required("echo served");
        assert_eq!(
            (o.code(), o.stdout_str()),
            (Some(0), "served\n".into()),
            "{b}: {}",
            o.stderr_str()
        );
    }

    /// An ordinary client's job, which a daemon in another context refuses
    /// and the client runs directly.
    fn run_refused(&self, b: &str) {
        let o = run(
            self.rush().arg("-c").arg("echo direct"),
            None,
            Duration::from_secs(20),
        );
        assert_eq!(o.stdout_str(), "direct\n", "{b}: {}", o.stderr_str());
    }

    /// Start the daemon from a client under `nice -n 5`, so that it takes
    /// that context; its pid.
    fn start_niced(&self, b: &str) -> i32 {
        let o = run(
            self.command("nice")
                .args(["-n", "5", RUSH, "-c", "echo first"]),
            None,
            Duration::from_secs(20),
        );
        assert_eq!(o.stdout_str(), "first\n", "{b}: {}", o.stderr_str());
        self.daemon_pid()
    }

    /// `program` with the environment of [`OnDemand::rush`].
    fn command(&self, program: &str) -> Command {
        let mut c = Command::new(program);
        c.env("RUSH_DAEMON", "spawn")
            .env("RUSH_SOCKET", &self.socket)
            .envs(backend_env(self.backend))
            .env("RUSH_IDLE_EXIT", self.idle_exit)
            .env("XDG_STATE_HOME", self.dir.path().join("state"))
            .env_remove("RUSH_POOL_SIZE")
            .env_remove("RUSH_DISABLE_POOL")
            .env_remove("RUSH_QUEUE_MAX");
        c
    }

    fn status(&self) -> String {
        run(
            Command::new(RUSHD)
                .args(["status", "--json", "--socket"])
                .arg(&self.socket),
            None,
            Duration::from_secs(10),
        )
        .stdout_str()
    }

    /// The daemon's pid once one serves the socket (waiting up to 10 s).
    fn daemon_pid(&self) -> i32 {
        let mut pid = None;
        eventually(Duration::from_secs(10), || {
            pid = json_number(&self.status(), "pid");
            pid.is_some()
        });
        pid.unwrap_or_else(|| panic!("{}: no daemon came up: {}", self.backend, self.log())) as i32
    }

    /// Processes that are daemons on this socket, not their workers: they
    /// mention the socket on their command line and their parent does not.
    fn daemons(&self) -> Vec<i32> {
        let all = processes_mentioning(&self.socket.display().to_string());
        all.iter()
            .copied()
            .filter(|&p| !all.contains(&parent(p)))
            .collect()
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("state/rush/rushd.log")).unwrap_or_default()
    }
}

impl Drop for OnDemand {
    fn drop(&mut self) {
        let _ = Command::new(RUSHD)
            .args(["stop", "--socket"])
            .arg(&self.socket)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        for pid in processes_mentioning(&self.socket.display().to_string()) {
            let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
        }
    }
}

/// The parent of `pid` (Linux; 0 elsewhere or when it is gone).
fn parent(pid: i32) -> i32 {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            s.rsplit(')')
                .next()?
                .split_whitespace()
                .nth(1)?
                .parse()
                .ok()
        })
        .unwrap_or(0)
}

/// Read all of `r` on a thread; `None` when it does not reach end-of-file
/// within `limit` (someone else still holds the pipe's write end).
fn read_to_eof(mut r: impl Read + Send + 'static, limit: Duration) -> Option<String> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut s = String::new();
        let _ = r.read_to_string(&mut s);
        let _ = tx.send(s);
    });
    rx.recv_timeout(limit).ok()
}

#[test]
fn racing_clients_start_exactly_one_daemon() {
    for &b in backends() {
        let d = OnDemand::new(b, "60");
        let clients: Vec<(Child, PathBuf)> = (0..16)
            .map(|i| {
                let out = d.dir.path().join(format!("out{i}"));
                let child = d
                    .rush()
                    .arg("-c")
                    .arg(format!("echo job {i}; exit {}", i % 4))
                    .stdin(Stdio::null())
                    .stdout(std::fs::File::create(&out).expect("out file"))
                    .stderr(Stdio::null())
                    .spawn()
                    .expect("spawn rush");
                (child, out)
            })
            .collect();
        for (i, (mut child, out)) in clients.into_iter().enumerate() {
            let status = wait_with_timeout(&mut child, Duration::from_secs(30), "rush");
            let stdout = std::fs::read_to_string(&out).unwrap_or_default();
            assert_eq!(
                (status.code(), stdout),
                (Some(i as i32 % 4), format!("job {i}\n")),
                "{b}: client {i}"
            );
        }
        let pid = d.daemon_pid();
        if cfg!(target_os = "linux") {
            assert!(
                eventually(Duration::from_secs(10), || d.daemons() == vec![pid]),
                "{b}: daemons on the socket: {:?}, serving: {pid}",
                d.daemons()
            );
        }
        // Later clients use it.
        let o = d.required("echo served");
        assert_eq!(
            (o.code(), o.stdout_str()),
            (Some(0), "served\n".into()),
            "{b}"
        );
        assert!(json_number(&d.status(), "jobs_served").unwrap_or(0) >= 1);
        assert!(
            d.log().contains("serving on"),
            "{b}: the on-demand daemon logs to the state directory: {}",
            d.log()
        );
    }
}

#[test]
fn spawned_daemon_holds_none_of_the_clients_descriptors() {
    for &b in backends() {
        let d = OnDemand::new(b, "60");
        // The pipe is the client's stdout and also its descriptor 7, as
        // make's jobserver pipes are passed: the daemon must hold neither.
        let mut child = d
            .command("/bin/sh")
            .arg("-c")
            .arg("exec 7>&1; exec \"$0\" -c 'echo from the client; echo on 7 >&7; echo to stderr >&2'")
            .arg(RUSH)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn rush");
        let out = child.stdout.take().expect("stdout");
        let err = child.stderr.take().expect("stderr");
        let status = wait_with_timeout(&mut child, Duration::from_secs(20), "rush");
        assert_eq!(status.code(), Some(0), "{b}");
        // The client is gone: its pipes reach end-of-file although the
        // daemon it started (and its workers) live on.
        let out = read_to_eof(out, Duration::from_secs(5));
        let err = read_to_eof(err, Duration::from_secs(5));
        assert_eq!(
            out.as_deref(),
            Some("from the client\non 7\n"),
            "{b}: stdout"
        );
        assert_eq!(err.as_deref(), Some("to stderr\n"), "{b}: stderr");
        let pid = d.daemon_pid();
        assert!(alive(pid), "{b}");
    }
}

#[test]
fn spawned_daemon_exits_when_idle_but_not_during_a_job() {
    for &b in backends() {
        let d = OnDemand::new(b, "2");
        let o = run(
            d.rush().arg("-c").arg("echo first"),
            None,
            Duration::from_secs(20),
        );
        assert_eq!(o.stdout_str(), "first\n", "{b}");
        // As soon as it listens (well within its idle period), a job twice
        // as long as the idle period, which must keep the daemon up.
        assert!(
            eventually(Duration::from_secs(10), || UnixStream::connect(&d.socket)
                .is_ok()),
            "{b}: no daemon came up: {}",
            d.log()
        );
        let o = d.required("sleep 4; echo done");
        assert_eq!(
            (o.code(), o.stdout_str()),
            (Some(0), "done\n".into()),
            "{b}: {}",
            o.stderr_str()
        );
        let pid = d.daemon_pid();
        assert!(alive(pid), "{b}: the daemon left right after a job");
        // Then, with nothing to do, it goes, and takes its socket along.
        assert!(
            eventually(Duration::from_secs(10), || !alive(pid)),
            "{b}: the daemon is still up after its idle period"
        );
        assert!(!d.socket.exists(), "{b}");
        // The next client starts a new one.
        d.assert_replaced_after_idle(b, pid);
    }
}

/// A daemon started on first use by a client in another context (here
/// `nice -n 5`) refuses the ordinary clients after it, which run their
/// jobs directly. Their requests must not keep it up: it goes after its
/// idle period all the same, and the next client starts one in its own
/// context, which serves it.
#[test]
fn a_spawned_daemon_that_refuses_its_clients_still_goes_when_idle() {
    for &b in backends() {
        let d = OnDemand::new(b, "2");
        let pid = d.start_niced(b);
        // Ordinary clients, one every 200 ms for up to 12 s: each is
        // refused and runs its job directly.
        let started = std::time::Instant::now();
        let mut refused_seen = false;
        while alive(pid) && started.elapsed() < Duration::from_secs(12) {
            d.run_refused(b);
            refused_seen |= json_number(&d.status(), "context_refusals").is_some_and(|n| n > 0);
            std::thread::sleep(Duration::from_millis(200));
        }
        assert!(refused_seen, "{b}: the niced daemon refused nobody");
        assert!(
            !alive(pid),
            "{b}: refused clients kept the daemon up for {:?}",
            started.elapsed()
        );
        // The next client starts a daemon in its own context.
        d.assert_replaced_after_idle(b, pid);
    }
}

/// The same daemon stops long before its idle period once it has refused
/// 16 clients in a row, serving none: its clients have moved on to another
/// context, and the next one starts a daemon in its own.
#[test]
fn a_spawned_daemon_gives_way_to_clients_in_another_context() {
    for &b in backends() {
        let d = OnDemand::new(b, "60");
        let pid = d.start_niced(b);
        let refused = |n: usize| {
            for i in 0..n {
                d.run_refused(b);
                if i + 1 < n {
                    assert!(alive(pid), "{b}: gone after {} refusals", i + 1);
                }
            }
        };
        refused(10);
        // A client of its own kind it serves, which starts the count afresh.
        let o = run(
            d.command("nice")
                .args(["-n", "5", RUSH, "-c", "echo niced"])
                .env("RUSH_DAEMON", "require"),
            None,
            Duration::from_secs(20),
        );
        assert_eq!(o.stdout_str(), "niced\n", "{b}: {}", o.stderr_str());
        refused(15);
        assert!(alive(pid), "{b}: gone after 15 refusals since a job");
        refused(1);
        assert!(
            eventually(Duration::from_secs(10), || !alive(pid)),
            "{b}: still up after 16 refused clients"
        );
        assert!(
            d.log()
                .contains("16 clients in a row refused for their context"),
            "{b}: {}",
            d.log()
        );
        d.assert_replaced(b, pid);
    }
}

/// Start `rushd --foreground` as a service manager does with socket
/// activation: `listener` at descriptor 3, `LISTEN_FDS=1`, and `LISTEN_PID`
/// set to the pid of the process that runs rushd (`listen_pid` overrides it
/// with another pid), with `NOTIFY_SOCKET` naming `notify`.
fn activate(
    backend: &str,
    listener: UnixListener,
    notify: &Path,
    dir: &Path,
    listen_pid: Option<u32>,
) -> Child {
    let pid = listen_pid.map_or_else(|| "$$".to_string(), |p| p.to_string());
    Command::new("/bin/sh")
        .arg("-c")
        .arg(format!(
            "exec 3<&0 0</dev/null; LISTEN_PID={pid} LISTEN_FDS=1 LISTEN_FDNAMES=rushd.socket; \
             export LISTEN_PID LISTEN_FDS LISTEN_FDNAMES; exec \"$0\" --foreground"
        ))
        .arg(RUSHD)
        .env("NOTIFY_SOCKET", notify)
        .envs(backend_env(backend))
        // Where rushd would bind if it had no socket passed.
        .env("RUSH_SOCKET", dir.join("own.sock"))
        .env_remove("RUSH_IDLE_EXIT")
        .stdin(Stdio::from(OwnedFd::from(listener)))
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.join("rushd.log")).expect("log"))
        .spawn()
        .expect("spawn rushd")
}

#[test]
fn socket_activation_hands_over_the_socket_and_reports_ready() {
    for &b in backends() {
        let dir = TempDir::new(&format!("activation-{b}"));
        let socket = dir.path().join("activated.sock");
        let listener = UnixListener::bind(&socket).expect("bind");
        // The service manager keeps its own copy of the socket.
        let _held = listener.try_clone().expect("clone");
        let notify_path = dir.path().join("notify");
        let notify = UnixDatagram::bind(&notify_path).expect("notify socket");
        notify
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        let mut child = activate(b, listener, &notify_path, dir.path(), None);
        let log = || std::fs::read_to_string(dir.path().join("rushd.log")).unwrap_or_default();

        let mut buf = [0u8; 256];
        // A receive with a timeout is not restarted when interrupted
        // (signal(7)); it was, about one run in six, on the musl build.
        let mut tries = 0;
        let n = loop {
            tries += 1;
            match notify.recv(&mut buf) {
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted && tries < 100 => continue,
                r => break r,
            }
        }
        .unwrap_or_else(|e| panic!("{b}: no notification ({e}): {}", log()));
        assert!(
            String::from_utf8_lossy(&buf[..n])
                .lines()
                .any(|l| l == "READY=1"),
            "{b}: {:?}",
            String::from_utf8_lossy(&buf[..n])
        );

        let o = run(
            Command::new(RUSH)
                .env("RUSH_SOCKET", &socket)
                .env("RUSH_DAEMON", "require")
                .arg("-c")
                .arg("echo activated; exit 7"),
            None,
            Duration::from_secs(20),
        );
        assert_eq!(
            (o.code(), o.stdout_str()),
            (Some(7), "activated\n".into()),
            "{b}: {} {}",
            o.stderr_str(),
            log()
        );
        let status = run(
            Command::new(RUSHD)
                .args(["status", "--json", "--socket"])
                .arg(&socket),
            None,
            Duration::from_secs(10),
        )
        .stdout_str();
        assert!(
            status.contains(&format!("\"socket\":\"{}\"", socket.display())),
            "{b}: {status}"
        );
        assert!(
            !dir.path().join("own.sock").exists(),
            "{b}: it bound its own"
        );
        // `systemctl stop`: SIGTERM, a graceful stop, and the socket stays
        // with its owner, still accepting connections for the next start.
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(child.id().to_string())
            .status();
        let st = wait_with_timeout(&mut child, Duration::from_secs(20), "rushd after SIGTERM");
        assert_eq!(st.code(), Some(0), "{b}: {}", log());
        assert!(socket.exists(), "{b}: rushd removed the manager's socket");
        assert!(UnixStream::connect(&socket).is_ok(), "{b}");
    }
}

#[test]
fn descriptors_passed_to_another_process_are_left_alone() {
    let b = backends()[0];
    let dir = TempDir::new("activation-other");
    let listener = UnixListener::bind(dir.path().join("other.sock")).expect("bind");
    let notify_path = dir.path().join("notify");
    let _notify = UnixDatagram::bind(&notify_path).expect("notify socket");
    // LISTEN_PID names some other process: descriptor 3 is not for rushd,
    // which binds its own socket instead.
    let mut child = activate(b, listener, &notify_path, dir.path(), Some(1));
    let own = dir.path().join("own.sock");
    assert!(
        eventually(Duration::from_secs(10), || UnixStream::connect(&own)
            .is_ok()),
        "rushd did not bind its own socket"
    );
    let o = run(
        Command::new(RUSH)
            .env("RUSH_SOCKET", &own)
            .env("RUSH_DAEMON", "require")
            .arg("-c")
            .arg("echo own"),
        None,
        Duration::from_secs(20),
    );
    assert_eq!(o.stdout_str(), "own\n", "{}", o.stderr_str());
    let _ = Command::new(RUSHD)
        .args(["stop", "--socket"])
        .arg(&own)
        .status();
    wait_with_timeout(&mut child, Duration::from_secs(20), "rushd after stop");
}

/// A fake `systemctl` that logs its arguments and exits with `status`,
/// first on `PATH`.
#[cfg(not(target_os = "macos"))]
fn fake_systemctl(dir: &Path, status: i32) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).expect("bin");
    let tool = bin.join("systemctl");
    std::fs::write(
        &tool,
        format!(
            "#!/bin/sh\necho \"$*\" >> '{}'\nexit {status}\n",
            dir.join("systemctl.log").display()
        ),
    )
    .expect("write systemctl");
    std::fs::set_permissions(&tool, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    bin
}

fn rushd_in(dir: &Path, path: &str, args: &[&str]) -> Out {
    let run_dir = dir.join("run");
    let _ = std::fs::create_dir(&run_dir);
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(&run_dir, std::fs::Permissions::from_mode(0o700));
    run(
        Command::new(RUSHD)
            .args(args)
            .env("PATH", path)
            .env("HOME", dir.join("home"))
            .env("XDG_CONFIG_HOME", dir.join("config"))
            .env("XDG_STATE_HOME", dir.join("state"))
            .env("XDG_RUNTIME_DIR", &run_dir)
            .env_remove("RUSH_SOCKET"),
        None,
        Duration::from_secs(20),
    )
}

#[cfg(not(target_os = "macos"))]
#[test]
fn install_service_writes_and_enables_systemd_user_units() {
    let dir = TempDir::new("install");
    let bin = fake_systemctl(dir.path(), 0);
    let path = format!("{}:/usr/bin:/bin", bin.display());
    let o = rushd_in(dir.path(), &path, &["install-service"]);
    assert_eq!(o.code(), Some(0), "{}", o.stderr_str());
    let units = dir.path().join("config/systemd/user");
    let service = std::fs::read_to_string(units.join("rushd.service")).expect("rushd.service");
    let socket = std::fs::read_to_string(units.join("rushd.socket")).expect("rushd.socket");
    let me = std::fs::canonicalize(RUSHD).expect("rushd path");
    assert!(
        service.contains(&format!("\nExecStart=\"{}\" --foreground\n", me.display())),
        "{service}"
    );
    assert!(socket.contains("\nListenStream=%t/rush/rushd.sock\n"));
    let log = || std::fs::read_to_string(dir.path().join("systemctl.log")).unwrap_or_default();
    assert_eq!(
        log(),
        "--user daemon-reload\n--user enable --now rushd.socket\n"
    );
    // The units are valid for systemd itself, where its checker can run.
    if let Ok(v) = Command::new("systemd-analyze")
        .args(["verify", "--user"])
        .arg(units.join("rushd.socket"))
        .arg(units.join("rushd.service"))
        .env("XDG_RUNTIME_DIR", dir.path().join("run"))
        .output()
    {
        let err = String::from_utf8_lossy(&v.stderr);
        if !err.contains("Failed to initialize manager") {
            assert!(v.status.success() && err.trim().is_empty(), "{err}");
        }
    }

    let o = rushd_in(dir.path(), &path, &["uninstall-service"]);
    assert_eq!(o.code(), Some(0), "{}", o.stderr_str());
    assert!(!units.join("rushd.service").exists() && !units.join("rushd.socket").exists());
    assert!(
        log().ends_with("--user disable --now rushd.socket rushd.service\n--user daemon-reload\n"),
        "{}",
        log()
    );
}

#[cfg(not(target_os = "macos"))]
#[test]
fn install_service_leaves_nothing_when_the_user_manager_does_not_answer() {
    let dir = TempDir::new("install-no-bus");
    let bin = fake_systemctl(dir.path(), 1);
    let o = rushd_in(
        dir.path(),
        &format!("{}:/usr/bin:/bin", bin.display()),
        &["install-service"],
    );
    assert_eq!(o.code(), Some(1), "{o:?}");
    assert!(o.stderr_str().contains("nothing is installed"), "{o:?}");
    let units = dir.path().join("config/systemd/user");
    assert!(!units.join("rushd.service").exists() && !units.join("rushd.socket").exists());
}

#[test]
fn install_service_without_a_service_manager_says_so() {
    let dir = TempDir::new("no-manager");
    let empty = dir.path().join("empty");
    std::fs::create_dir_all(&empty).expect("dir");
    for cmd in ["install-service", "uninstall-service"] {
        let o = rushd_in(dir.path(), &empty.display().to_string(), &[cmd]);
        assert_eq!(o.code(), Some(1), "{cmd}: {o:?}");
        let tool = if cfg!(target_os = "macos") {
            "launchctl"
        } else {
            "systemctl"
        };
        assert!(
            o.stderr_str().contains(&format!("{tool} not found")),
            "{cmd}: {}",
            o.stderr_str()
        );
    }
    assert!(!dir.path().join("config/systemd").exists());
}
