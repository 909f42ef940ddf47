//! Shared by the daemon tests: start a `rushd` on its own socket in a
//! temporary directory, run `rush` through it (or directly) with a
//! timeout, read `rushd status --json`, and stop everything at the end.
//!
//! [`vias`] is the one place that says which ways of running a job the
//! tests compare: today the daemon's pool and fork modes on every backend;
//! add [`Via::Direct`] to make every test differential against the
//! in-process interpreter.

#![allow(dead_code)]

use std::ffi::OsString;
use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

pub const RUSH: &str = env!("CARGO_BIN_EXE_rush");
pub const RUSHD: &str = env!("CARGO_BIN_EXE_rushd");

/// The ways a daemon is run for the tests: each loop backend this OS has
/// (with workers accepting clients themselves where the OS allows), and on
/// Linux `relay`, io_uring with `RUSH_WORKER_ACCEPT=0`, so that the path
/// where the daemon accepts every client and relays every job is tested
/// as thoroughly as the other. Give a daemon [`backend_env`], not the name.
pub fn backends() -> &'static [&'static str] {
    if cfg!(target_os = "linux") {
        &["uring", "poll", "relay"]
    } else {
        &["kqueue", "poll"]
    }
}

/// The loop backend a name from [`backends`] runs on.
pub fn backend_name(b: &str) -> &str {
    if b == "relay" { "uring" } else { b }
}

/// The environment that runs a daemon the way [`backends`] names it.
pub fn backend_env(b: &str) -> [(&'static str, &'static str); 2] {
    let backend = match b {
        "relay" | "uring" => "uring",
        "kqueue" => "kqueue",
        _ => "poll",
    };
    let accept = if b == "relay" { "0" } else { "1" };
    [("RUSH_BACKEND", backend), ("RUSH_WORKER_ACCEPT", accept)]
}

/// A way to run a job.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    /// `rush` runs it itself (`RUSH_DAEMON=off`).
    Direct,
    /// Through a daemon's pre-forked pool, on a backend.
    Pool(&'static str),
    /// Through a daemon in fork-per-request mode, on a backend.
    Fork(&'static str),
}

/// The ways every differential test runs its cases.
pub fn vias() -> Vec<Via> {
    let mut v = Vec::new();
    for &b in backends() {
        v.push(Via::Pool(b));
        v.push(Via::Fork(b));
    }
    v
}

/// What a finished process left.
#[derive(Debug, Clone)]
pub struct Out {
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub status: ExitStatus,
}

impl Out {
    pub fn code(&self) -> Option<i32> {
        self.status.code()
    }
    pub fn signal(&self) -> Option<i32> {
        self.status.signal()
    }
    pub fn stdout_str(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }
    pub fn stderr_str(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }
}

/// A private temporary directory, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        use std::sync::atomic::{AtomicU32, Ordering};
        static N: AtomicU32 = AtomicU32::new(0);
        let base = std::env::temp_dir();
        let p = base.join(format!(
            "rush-test-{}-{}-{}",
            tag,
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).expect("temp dir");
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o700)).expect("chmod");
        TempDir(p)
    }
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Start `cmd` (a `rush`) in the background, stdin /dev/null, stdout and
/// stderr piped.
pub fn spawn_piped(cmd: &mut Command) -> Child {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn rush")
}

/// Wait for `child` up to `limit`; kill it (and fail) when it takes longer.
pub fn wait_with_timeout(child: &mut Child, limit: Duration, what: &str) -> ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(s) = child.try_wait().expect("try_wait") {
            return s;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Spawn `cmd`, again while its program is "text file busy": a binary a
/// test has just copied (a changed `rushd`) is, for as long as a child
/// another test thread forks meanwhile still holds the copy's write
/// descriptor, until that child's exec closes it.
fn spawn_retrying_busy(cmd: &mut Command) -> Child {
    for _ in 0..100 {
        match cmd.spawn() {
            Err(e) if e.kind() == std::io::ErrorKind::ExecutableFileBusy => {
                std::thread::sleep(Duration::from_millis(10));
            }
            r => return r.expect("spawn"),
        }
    }
    cmd.spawn().expect("spawn")
}

/// Run `cmd` with stdout and stderr captured in files (no pipes to drain),
/// `stdin` as its input, under a timeout.
pub fn run(cmd: &mut Command, stdin: Option<&[u8]>, limit: Duration) -> Out {
    let dir = TempDir::new("out");
    let out_path = dir.path().join("stdout");
    let err_path = dir.path().join("stderr");
    let out = std::fs::File::create(&out_path).expect("stdout file");
    let err = std::fs::File::create(&err_path).expect("stderr file");
    cmd.stdout(out).stderr(err);
    match stdin {
        Some(_) => cmd.stdin(Stdio::piped()),
        None => cmd.stdin(Stdio::null()),
    };
    let mut child = spawn_retrying_busy(cmd);
    if let Some(input) = stdin {
        use std::io::Write;
        let mut pipe = child.stdin.take().expect("stdin pipe");
        let _ = pipe.write_all(input);
    }
    let status = wait_with_timeout(&mut child, limit, &format!("{cmd:?}"));
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    std::fs::File::open(&out_path)
        .and_then(|mut f| f.read_to_end(&mut stdout))
        .expect("read stdout");
    std::fs::File::open(&err_path)
        .and_then(|mut f| f.read_to_end(&mut stderr))
        .expect("read stderr");
    Out {
        stdout,
        stderr,
        status,
    }
}

/// A `rushd --foreground` on its own socket, killed on drop if a test did
/// not stop it.
pub struct Daemon {
    pub dir: TempDir,
    pub socket: PathBuf,
    pub backend: &'static str,
    child: Option<Child>,
}

/// Settings for [`Daemon::start_with`].
#[derive(Default, Clone)]
pub struct Settings {
    pub pool_size: Option<usize>,
    pub queue_max: Option<usize>,
    pub fork_mode: bool,
    pub env: Vec<(String, String)>,
    /// Run this `rushd` binary instead of the one built (a copy the test
    /// may replace).
    pub exe: Option<PathBuf>,
    /// Start the daemon under `ulimit -n N` (clients must then run under
    /// the same limit: see [`with_nofile`]).
    pub nofile: Option<u64>,
}

impl Daemon {
    pub fn start(backend: &'static str) -> Daemon {
        Daemon::start_with(backend, Settings::default())
    }

    /// A daemon with a pool of `n` workers and default settings otherwise.
    pub fn with_pool(backend: &'static str, n: usize) -> Daemon {
        Daemon::start_with(
            backend,
            Settings {
                pool_size: Some(n),
                ..Settings::default()
            },
        )
    }

    /// A daemon with a pool of `n` workers and `env` added to its
    /// environment (a timeout or a startup file the test shortens or sets).
    pub fn with_pool_env(backend: &'static str, n: usize, env: &[(&str, &str)]) -> Daemon {
        Daemon::start_with(
            backend,
            Settings {
                pool_size: Some(n),
                env: env
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
                ..Settings::default()
            },
        )
    }

    pub fn start_with(backend: &'static str, s: Settings) -> Daemon {
        let dir = TempDir::new(&format!("d-{backend}"));
        let socket = dir.path().join("rushd.sock");
        let log = std::fs::File::create(dir.path().join("rushd.log")).expect("log");
        let exe = s.exe.clone().unwrap_or_else(|| PathBuf::from(RUSHD));
        let mut cmd = match s.nofile {
            Some(n) => with_nofile(n, &exe),
            None => Command::new(&exe),
        };
        cmd.arg("--foreground")
            .arg("--socket")
            .arg(&socket)
            .envs(backend_env(backend))
            .env_remove("RUSH_SOCKET")
            .env_remove("RUSH_DISABLE_POOL")
            .env_remove("RUSH_POOL_SIZE")
            .env_remove("RUSH_QUEUE_MAX")
            .env_remove("RUSH_QUEUE_WAIT")
            .env_remove("RUSH_STOP_GRACE")
            .env_remove("RUSH_REQUEST_TIMEOUT")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log);
        if let Some(n) = s.pool_size {
            cmd.env("RUSH_POOL_SIZE", n.to_string());
        }
        if let Some(n) = s.queue_max {
            cmd.env("RUSH_QUEUE_MAX", n.to_string());
        }
        if s.fork_mode {
            cmd.env("RUSH_DISABLE_POOL", "1");
        }
        for (k, v) in &s.env {
            cmd.env(k, v);
        }
        // Should this test process be killed outright (a CI timeout), its
        // daemons go with it rather than run on: they die with the thread
        // that started them, which outlives every daemon a test stops
        // itself (Linux; elsewhere only `Drop` ends them).
        // SAFETY: the closure makes one async-signal-safe system call in
        // the child between fork and exec.
        unsafe {
            use std::os::unix::process::CommandExt;
            cmd.pre_exec(|| {
                platform::child::die_with_parent(platform::signal::SIGKILL);
                Ok(())
            });
        }
        // A copy of the binary just written may still be open for writing
        // in a process another test thread forked meanwhile (ETXTBSY).
        let mut tries = 0;
        let child = loop {
            match cmd.spawn() {
                Err(e) if e.raw_os_error() == Some(platform::errno::ETXTBSY) && tries < 100 => {
                    tries += 1;
                    std::thread::sleep(Duration::from_millis(20));
                }
                r => break r.expect("spawn rushd"),
            }
        };
        let d = Daemon {
            dir,
            socket,
            backend,
            child: Some(child),
        };
        d.wait_ready(s.pool_size.unwrap_or(4), s.fork_mode);
        d
    }

    /// Wait until the socket accepts and the pool is up.
    fn wait_ready(&self, pool: usize, fork_mode: bool) {
        let start = Instant::now();
        loop {
            if start.elapsed() > Duration::from_secs(10) {
                panic!("rushd did not come up: {}", self.log());
            }
            if std::os::unix::net::UnixStream::connect(&self.socket).is_ok() {
                let st = self.status();
                if fork_mode || count(&st, "\"state\":\"idle\"") >= pool {
                    return;
                }
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("rushd.log")).unwrap_or_default()
    }

    /// `rushd status --json`.
    pub fn status(&self) -> String {
        let o = run(
            Command::new(RUSHD)
                .arg("status")
                .arg("--json")
                .arg("--socket")
                .arg(&self.socket),
            None,
            Duration::from_secs(10),
        );
        o.stdout_str()
    }

    /// A `rush` command that must be served by this daemon.
    pub fn rush(&self) -> Command {
        let mut c = Command::new(RUSH);
        c.env("RUSH_SOCKET", &self.socket)
            .env("RUSH_DAEMON", "require");
        c
    }

    /// Start `rush -c script` through this daemon in the background, with
    /// `RUSH_DAEMON=mode` and stdout and stderr piped; [`finish`] waits.
    pub fn spawn_job(&self, script: &str, mode: &str) -> Child {
        spawn_piped(self.rush().env("RUSH_DAEMON", mode).arg("-c").arg(script))
    }

    /// The daemon's pid.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().map_or(0, Child::id)
    }

    /// `rushd stop`, then wait for the process.
    pub fn stop(mut self) -> Out {
        let o = run(
            Command::new(RUSHD)
                .arg("stop")
                .arg("--socket")
                .arg(&self.socket),
            None,
            Duration::from_secs(20),
        );
        if let Some(mut c) = self.child.take() {
            wait_with_timeout(&mut c, Duration::from_secs(20), "rushd after stop");
        }
        o
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        // A test failing with this daemon up: its log goes with the
        // failure (the temporary directory holding it is removed).
        if std::thread::panicking() {
            eprintln!("rushd log ({}):\n{}", self.backend, self.log());
        }
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// `rushd ARGS --socket SOCKET` with its state directory, backend and
/// pool size set: the command-line subcommands (`start`, `status`,
/// `stop`) as a user runs them.
pub fn rushd_cli(
    args: &[&str],
    socket: &Path,
    state: &Path,
    backend: &str,
    pool: usize,
) -> Command {
    let mut c = Command::new(RUSHD);
    c.args(args)
        .arg("--socket")
        .arg(socket)
        .env("XDG_STATE_HOME", state)
        .envs(backend_env(backend))
        .env("RUSH_POOL_SIZE", pool.to_string());
    c
}

/// `program` run under `ulimit -n n` (soft and hard), through `/bin/sh`;
/// arguments added to the command go to `program`.
pub fn with_nofile(n: u64, program: &Path) -> Command {
    let mut c = Command::new("/bin/sh");
    c.arg("-c")
        .arg(format!("ulimit -n {n} && exec \"$0\" \"$@\""))
        .arg(program);
    c
}

/// The number of descriptors `pid` has open (Linux; 0 elsewhere).
pub fn fd_count(pid: i32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, |d| d.count())
}

/// `pid`'s resident set in KiB (Linux; 0 elsewhere).
pub fn rss_kib(pid: i32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// Fields of `/proc/pid/stat` after the command name (field 3 is index 0).
fn stat_fields(pid: i32) -> Vec<String> {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| s.rsplit_once(')').map(|(_, r)| r.to_string()))
        .map(|r| r.split_whitespace().map(str::to_string).collect())
        .unwrap_or_default()
}

/// CPU time `pid` has used, in clock ticks (user + system; Linux).
pub fn cpu_ticks(pid: i32) -> u64 {
    let f = stat_fields(pid);
    let n = |i: usize| f.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    n(11) + n(12)
}

/// Children of `pid` (zombies included), from `/proc` (Linux).
pub fn children_of(pid: i32) -> Vec<(i32, String)> {
    let mut out = Vec::new();
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return out;
    };
    for e in dir.flatten() {
        let Ok(p) = e.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let f = stat_fields(p);
        if f.get(1).and_then(|v| v.parse::<i32>().ok()) == Some(pid) {
            out.push((p, f.first().cloned().unwrap_or_default()));
        }
    }
    out
}

/// Zombie children of `pid`.
pub fn zombies_of(pid: i32) -> Vec<i32> {
    children_of(pid)
        .into_iter()
        .filter(|(_, state)| state == "Z")
        .map(|(p, _)| p)
        .collect()
}

/// Wait (20 s at most) for a child started with piped stdout and stderr,
/// such as [`Daemon::spawn_job`]: its status code, stdout and stderr.
pub fn finish(mut c: Child, what: &str) -> (Option<i32>, String, String) {
    use std::io::Read;
    let st = wait_with_timeout(&mut c, Duration::from_secs(20), what);
    let mut out = String::new();
    let mut err = String::new();
    c.stdout.take().map(|mut o| o.read_to_string(&mut out));
    c.stderr.take().map(|mut e| e.read_to_string(&mut err));
    (st.code(), out, err)
}

/// Shell text that waits until `path` exists, for 30 s at most: a job that
/// holds a worker until the test lets it go, and ends by itself should the
/// test fail first (its client and worker would otherwise run on after it).
pub fn wait_for_path(path: &Path) -> String {
    format!(
        "i=0; while [ ! -e '{}' ] && [ $i -lt 1500 ]; do sleep 0.02; i=$((i+1)); done",
        path.display()
    )
}

/// A raw connection to a daemon, for tests that speak the protocol
/// themselves (or fail to).
pub fn raw_connect(socket: &Path) -> std::os::unix::net::UnixStream {
    let s = std::os::unix::net::UnixStream::connect(socket).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    s
}

/// Send `bytes` with `fds` attached (`SCM_RIGHTS`).
pub fn send_fds(s: &std::os::unix::net::UnixStream, bytes: &[u8], fds: &[i32]) {
    use std::os::fd::AsRawFd;
    platform::unix::send_all_with_fds(s.as_raw_fd(), bytes, fds).expect("sendmsg");
}

/// Read frames until the daemon closes the connection (or `limit`
/// passes): the messages, and whether the connection closed.
pub fn read_until_closed(
    s: &mut std::os::unix::net::UnixStream,
    limit: Duration,
) -> (Vec<rush::proto::Message>, bool) {
    use std::io::Read;
    s.set_read_timeout(Some(limit)).expect("timeout");
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let closed = loop {
        match s.read(&mut chunk) {
            Ok(0) => break true,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break true,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => {
                if !matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) {
                    eprintln!("read_until_closed: {e}");
                }
                break false;
            }
        }
    };
    let mut msgs = Vec::new();
    let mut rest = &buf[..];
    while let Ok(Some((h, payload, used))) = rush::proto::split(rest) {
        if let Ok(m) = rush::proto::Message::decode(&h, payload) {
            msgs.push(m);
        }
        rest = &rest[used..];
    }
    (msgs, closed)
}

/// Send the job `rush -c script` (its descriptors `/dev/null`) so that the
/// daemon relays it: the client stalls longer than a worker waits for a
/// request, the worker hands the client to the daemon, and the daemon
/// relays the job to a worker. The connection, for the job's answer.
pub fn relayed_job(socket: &Path, script: &str) -> std::os::unix::net::UnixStream {
    let null = std::fs::File::open("/dev/null").expect("/dev/null");
    let fds = [std::os::fd::AsRawFd::as_raw_fd(&null); 4];
    let s = raw_connect(socket);
    std::thread::sleep(Duration::from_millis(100));
    send_fds(&s, &job_frame(script, &[0, 1, 2]), &fds);
    s
}

/// A well-formed `Job` frame for `rush -c script`, run in `/`, listing
/// `fds` as the client's descriptors (the frame then carries
/// `1 + fds.len()` descriptors: the directory first).
pub fn job_frame(script: &str, fds: &[i32]) -> Vec<u8> {
    use rush::proto::message::{Context, JobParts, encode_job};
    let argv: [&[u8]; 3] = [b"rush", b"-c", script.as_bytes()];
    let parts = JobParts {
        umask: 0o022,
        pid: std::process::id() as i32,
        ppid: 1,
        ignored: 0,
        blocked: 0,
        context: Context::current(),
        flags: 0,
        sent_ns: 0,
        cwd: b"/",
        fds,
        argv: &argv,
    };
    let mut frame = Vec::new();
    encode_job(&mut frame, &parts, |sink| sink(b"PATH=/usr/bin:/bin"));
    frame
}

/// How often `needle` occurs in `hay`.
pub fn count(hay: &str, needle: &str) -> usize {
    hay.matches(needle).count()
}

/// The number after `"key":` in a JSON text (the first occurrence).
pub fn json_number(json: &str, key: &str) -> Option<u64> {
    let pat = format!("\"{key}\":");
    let at = json.find(&pat)? + pat.len();
    let digits: String = json[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// The worker pids in a status report.
pub fn worker_pids(json: &str) -> Vec<i32> {
    let Some(at) = json.find("\"workers\":[") else {
        return Vec::new();
    };
    json[at..]
        .split("{\"pid\":")
        .skip(1)
        .filter_map(|s| {
            s.chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
                .parse()
                .ok()
        })
        .collect()
}

/// Is `pid` a live process (not gone, not a zombie)?
pub fn alive(pid: i32) -> bool {
    if cfg!(target_os = "linux") {
        match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            Ok(s) => {
                let state = s
                    .rsplit(')')
                    .next()
                    .and_then(|r| r.split_whitespace().next());
                state != Some("Z") && state != Some("X")
            }
            Err(_) => false,
        }
    } else {
        Command::new("kill")
            .arg("-0")
            .arg(pid.to_string())
            .stderr(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
    }
}

/// Wait up to `limit` for `cond`.
pub fn eventually(limit: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if cond() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    cond()
}

/// Assert that within 2 s no process's command line mentions `tag` (a
/// daemon's socket path: the daemon, its workers and their anchors carry
/// it); `what` names the case in the message.
pub fn assert_none_left(tag: &str, what: &str) {
    assert!(
        eventually(Duration::from_secs(2), || processes_mentioning(tag)
            .is_empty()),
        "{what}: left behind: {:?}",
        processes_mentioning(tag)
    );
}

/// Live processes whose command line mentions `needle` (Linux; empty
/// elsewhere).
pub fn processes_mentioning(needle: &str) -> Vec<i32> {
    let mut out = Vec::new();
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return out;
    };
    for e in dir.flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let Ok(cmd) = std::fs::read(format!("/proc/{pid}/cmdline")) else {
            continue;
        };
        if String::from_utf8_lossy(&cmd).contains(needle) && alive(pid) {
            out.push(pid);
        }
    }
    out
}

/// A job, and how to run it through a [`Via`].
pub struct Runner {
    pub via: Via,
    pub daemon: Option<Daemon>,
}

impl Runner {
    pub fn new(via: Via) -> Runner {
        let daemon = match via {
            Via::Direct => None,
            Via::Pool(b) => Some(Daemon::start(b)),
            Via::Fork(b) => Some(Daemon::start_with(
                b,
                Settings {
                    fork_mode: true,
                    ..Settings::default()
                },
            )),
        };
        Runner { via, daemon }
    }

    pub fn command(&self) -> Command {
        match &self.daemon {
            Some(d) => d.rush(),
            None => {
                let mut c = Command::new(RUSH);
                c.env("RUSH_DAEMON", "off");
                c
            }
        }
    }

    /// Start `rush` with `args` in the background, stdin /dev/null,
    /// stdout and stderr piped.
    pub fn spawn(&self, args: &[&str]) -> Child {
        spawn_piped(self.command().args(args))
    }

    /// `rush -c script`, with `stdin`.
    pub fn sh(&self, script: &str, stdin: Option<&[u8]>) -> Out {
        run(
            self.command().arg("-c").arg(script),
            stdin,
            Duration::from_secs(20),
        )
    }

    pub fn stop(self) {
        if let Some(d) = self.daemon {
            d.stop();
        }
    }
}

/// Give `to` the environment changes `from` makes: a client that another
/// program (`sh -c`, `setsid`) starts for a [`Runner`].
pub fn copy_env(to: &mut Command, from: &Command) {
    for (k, v) in from.get_envs() {
        match v {
            Some(v) => to.env(k, v),
            None => to.env_remove(k),
        };
    }
}

/// An `OsString` from bytes.
pub fn os(b: &[u8]) -> OsString {
    use std::os::unix::ffi::OsStrExt;
    std::ffi::OsStr::from_bytes(b).to_os_string()
}
