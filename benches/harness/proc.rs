//! Starting the processes the bench times (`posix_spawn`, never through a
//! shell), the daemons it runs them against, and the guard that stops
//! everything it started — on success, on error, on a panic and on Ctrl-C.

use platform::process::WaitStatus;
use platform::signal::{self, Disposition};
use platform::spawn::{Attrs, FdAction, spawn};
use rush::proto::channel::Channel;
use rush::proto::{Message, StatusReport};
use std::os::fd::RawFd;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub type Pid = i32;

fn z(s: &[u8]) -> Vec<u8> {
    let mut v = s.to_vec();
    v.push(0);
    v
}

/// The environment every timed process gets: the harness's own minus
/// anything that changes what a shell does at start (`RUSH_*`, `ENV`,
/// `BASH_ENV`, make's variables), plus what the case adds. The same for
/// every case, so no shell pays for a bigger environment than another.
pub fn base_env() -> Vec<(String, String)> {
    const DROP_PREFIX: &[&str] = &["RUSH_", "MAKE", "CARGO_MAKEFLAGS"];
    const DROP: &[&str] = &["ENV", "BASH_ENV", "MFLAGS", "CDPATH", "GLOBIGNORE"];
    std::env::vars()
        .filter(|(k, _)| !DROP.contains(&k.as_str()))
        .filter(|(k, _)| !DROP_PREFIX.iter().any(|p| k.starts_with(p)))
        .collect()
}

/// One command line, ready to spawn many times.
#[derive(Clone)]
pub struct Cmd {
    path: Vec<u8>,
    argv: Vec<Vec<u8>>,
    env: Vec<Vec<u8>>,
}

impl Cmd {
    /// `path` run as `argv` with the base environment plus `extra` (which
    /// replaces variables of the same name).
    pub fn new(path: &Path, argv: &[&str], extra: &[(&str, &str)]) -> Cmd {
        let mut env: Vec<(String, String)> = base_env()
            .into_iter()
            .filter(|(k, _)| !extra.iter().any(|(e, _)| e == k))
            .collect();
        env.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        Cmd {
            path: z(path.as_os_str().as_bytes()),
            argv: argv.iter().map(|a| z(a.as_bytes())).collect(),
            env: env
                .iter()
                .map(|(k, v)| z(format!("{k}={v}").as_bytes()))
                .collect(),
        }
    }

    /// Start it with `stdio` as its descriptors 0, 1 and 2.
    pub fn spawn(&self, stdio: [RawFd; 3]) -> Result<Pid, String> {
        let actions = [
            FdAction::Dup2(stdio[0], 0),
            FdAction::Dup2(stdio[1], 1),
            FdAction::Dup2(stdio[2], 2),
        ];
        // The harness ignores SIGPIPE (Rust's runtime does); a shell started
        // from make or a terminal has it at its default.
        let attrs = Attrs {
            sigdefault: signal::bit(signal::SIGPIPE),
            ..Attrs::default()
        };
        spawn(&self.path, &self.argv, &self.env, &attrs, &actions).map_err(|e| {
            format!(
                "cannot start {}: {e}",
                String::from_utf8_lossy(&self.path[..self.path.len() - 1])
            )
        })
    }

    /// Start it, wait for it: the wall time in microseconds and how it
    /// ended.
    pub fn time(&self, stdio: [RawFd; 3]) -> Result<(f64, WaitStatus), String> {
        self.time_counted(stdio).map(|(us, status, _)| (us, status))
    }

    /// [`Cmd::time`], and the minor page faults the process took (with
    /// the children it waited for; not a daemon's worker).
    pub fn time_counted(&self, stdio: [RawFd; 3]) -> Result<(f64, WaitStatus, u64), String> {
        let start = Instant::now();
        let pid = self.spawn(stdio)?;
        let (status, faults) =
            platform::process::wait_pid_faults(pid).map_err(|e| format!("wait: {e}"))?;
        Ok((start.elapsed().as_secs_f64() * 1e6, status, faults))
    }
}

/// Processes that outlive a single sample (the daemons): stopped by
/// [`stop_all`] whatever way the harness ends.
static LIVE: Mutex<Vec<Pid>> = Mutex::new(Vec::new());

/// The run's temporary directory (sockets, generated scripts, logs),
/// removed by [`stop_all`].
static WORK_DIR: Mutex<Option<PathBuf>> = Mutex::new(None);

pub fn set_work_dir(dir: &Path) {
    if let Ok(mut w) = WORK_DIR.lock() {
        *w = Some(dir.to_path_buf());
    }
}

/// Catch SIGINT, SIGTERM and SIGHUP (the loops look at [`interrupted`]
/// between samples and unwind, stopping the daemons on the way out), and
/// stop the daemons from the panic hook too (the bench profile aborts on
/// panic, so no destructor would run).
pub fn install_guard() {
    for s in [signal::SIGINT, signal::SIGTERM, signal::SIGHUP] {
        let _ = signal::set_disposition(s, Disposition::Catch);
    }
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        stop_all();
        previous(info);
    }));
}

/// Has the harness been asked to stop?
pub fn interrupted() -> bool {
    signal::any_pending()
}

/// `Err` when the harness has been asked to stop.
pub fn check_interrupt() -> Result<(), String> {
    if interrupted() {
        Err("interrupted".into())
    } else {
        Ok(())
    }
}

/// Stop every registered process: SIGTERM (rushd stops gracefully and its
/// workers follow it), then SIGKILL for any still there after 3 seconds.
pub fn stop_all() {
    let pids: Vec<Pid> = match LIVE.try_lock() {
        Ok(mut live) => std::mem::take(&mut *live),
        Err(_) => return,
    };
    for &pid in &pids {
        let _ = signal::send(pid, signal::SIGTERM);
    }
    for pid in pids {
        reap_or_kill(pid, Duration::from_secs(3));
    }
    if let Ok(mut w) = WORK_DIR.try_lock() {
        if let Some(dir) = w.take() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

fn reap_or_kill(pid: Pid, grace: Duration) {
    let start = Instant::now();
    while start.elapsed() < grace {
        match platform::child::try_reap(pid) {
            Ok(Some(_)) | Err(_) => return,
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
        }
    }
    let _ = signal::send(pid, signal::SIGKILL);
    let _ = platform::process::wait_pid_blocking(pid);
}

fn register(pid: Pid) {
    if let Ok(mut live) = LIVE.lock() {
        live.push(pid);
    }
}

fn unregister(pid: Pid) {
    if let Ok(mut live) = LIVE.lock() {
        live.retain(|&p| p != pid);
    }
}

/// How a bench daemon runs.
pub struct DaemonSpec<'a> {
    /// Short name, also the socket's file name.
    pub name: &'a str,
    /// `RUSH_BACKEND`.
    pub backend: &'a str,
    /// `RUSH_DISABLE_POOL=1`.
    pub fork_mode: bool,
    pub pool_size: usize,
    /// More environment (`RUSH_ENV`).
    pub env: &'a [(&'a str, &'a str)],
}

/// A `rushd --foreground` the harness started on a socket of its own.
pub struct Daemon {
    pub name: String,
    pub socket: PathBuf,
    pub pid: Pid,
    /// The backend it reports using (io_uring can fall back to poll).
    pub backend: String,
    pub mode: String,
    pub pool_size: usize,
    log: PathBuf,
}

impl Daemon {
    /// Start one and wait until it answers and (pool mode) every worker is
    /// idle.
    pub fn start(rushd: &Path, dir: &Path, spec: &DaemonSpec) -> Result<Daemon, String> {
        let socket = dir.join(format!("{}.sock", spec.name));
        let log = dir.join(format!("{}.log", spec.name));
        let pool = spec.pool_size.to_string();
        let mut env = vec![
            ("RUSH_BACKEND", spec.backend),
            ("RUSH_POOL_SIZE", pool.as_str()),
            ("RUSH_STOP_GRACE", "1000"),
            // The one way the harness cannot stop its daemons is being
            // killed with SIGKILL: then they go by themselves.
            ("RUSH_IDLE_EXIT", "600"),
        ];
        if spec.fork_mode {
            env.push(("RUSH_DISABLE_POOL", "1"));
        }
        env.extend_from_slice(spec.env);
        let sock = socket.display().to_string();
        let cmd = Cmd::new(rushd, &["rushd", "--foreground", "--socket", &sock], &env);
        let null = std::fs::File::open("/dev/null").map_err(|e| format!("/dev/null: {e}"))?;
        let logf = std::fs::File::create(&log).map_err(|e| format!("{}: {e}", log.display()))?;
        use std::os::fd::AsRawFd;
        let pid = cmd.spawn([null.as_raw_fd(), logf.as_raw_fd(), logf.as_raw_fd()])?;
        register(pid);
        let mut d = Daemon {
            name: spec.name.to_string(),
            socket,
            pid,
            backend: String::new(),
            mode: String::new(),
            pool_size: spec.pool_size,
            log,
        };
        let start = Instant::now();
        loop {
            check_interrupt()?;
            if let Ok(Some(st)) = platform::child::try_reap(pid) {
                unregister(pid);
                return Err(format!(
                    "rushd ({}) exited at start ({st:?}): {}",
                    spec.name,
                    d.log_tail()
                ));
            }
            if let Ok(s) = d.status() {
                let idle = s
                    .workers
                    .iter()
                    .filter(|w| w.state.name() == "idle")
                    .count();
                if spec.fork_mode || idle >= spec.pool_size {
                    d.backend = String::from_utf8_lossy(&s.backend).into_owned();
                    d.mode = String::from_utf8_lossy(&s.mode).into_owned();
                    return Ok(d);
                }
            }
            if start.elapsed() > Duration::from_secs(15) {
                d.stop();
                return Err(format!("rushd ({}) not ready after 15 s", spec.name));
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Ask it for its status over the protocol.
    pub fn status(&self) -> Result<StatusReport, String> {
        let fd = platform::unix::connect(self.socket.as_os_str().as_bytes())
            .map_err(|e| format!("connect: {e}"))?;
        let mut ch = Channel::new(fd);
        ch.send_message(&Message::StatusRequest)
            .map_err(|e| format!("status: {e}"))?;
        match ch.recv() {
            Ok((Message::Status(s), _)) => Ok(s),
            Ok((other, _)) => Err(format!("status: unexpected {:?}", other.kind())),
            Err(e) => Err(format!("status: {e}")),
        }
    }

    /// The last lines of its log, for error messages.
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(5)..].join(" | ")
    }

    /// The socket as a string for `RUSH_SOCKET`.
    pub fn sock(&self) -> String {
        self.socket.display().to_string()
    }

    /// Stop it (SIGTERM, SIGKILL after 3 s) and wait for it.
    pub fn stop(&self) {
        unregister(self.pid);
        let _ = signal::send(self.pid, signal::SIGTERM);
        reap_or_kill(self.pid, Duration::from_secs(3));
    }
}

/// Run `argv` (not timed) and capture its standard output, for versions
/// and machine facts; `None` if it cannot run or fails.
pub fn capture(argv: &[&str]) -> Option<String> {
    let out = std::process::Command::new(argv[0])
        .args(&argv[1..])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    Some(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Look `name` up in `PATH`.
pub fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p)
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}
