//! `rushd`: the completion loop, connections, worker pool and workers.
//!
//! [`serve`] binds the socket and runs the [`server::Server`] loop; the
//! [`worker`] module is what each forked worker runs; [`cli`] is the
//! command line (`rushd start|stop|restart|status|--foreground`), and
//! [`service`] installs rushd under systemd or launchd.

pub mod board;
pub mod cli;
pub mod config;
pub mod server;
pub mod service;
pub mod worker;

use crate::proto::message::Context;
use config::Config;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};

/// Write one line to the daemon's log (its stderr: the terminal with
/// `--foreground`, the log file after `rushd start`).
pub fn log(msg: &str) {
    let line = format!(
        "rushd[{}] {}: {msg}\n",
        platform::process::getpid(),
        timestamp()
    );
    let _ = platform::fd::write_all(2, line.as_bytes());
}

/// Seconds since the epoch with milliseconds, for log lines.
fn timestamp() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    format!("{}.{:03}", now.as_secs(), now.subsec_millis())
}

/// What executing `exe` with `args` takes: the path, the arguments and
/// this process's environment plus `extra` (`NAME=value`), each
/// NUL-terminated.
pub(crate) fn exec_strings(
    exe: &std::path::Path,
    args: &[Vec<u8>],
    extra: Option<&[u8]>,
) -> (Vec<u8>, Vec<Vec<u8>>, Vec<Vec<u8>>) {
    use std::os::unix::ffi::OsStrExt;
    let z = |b: &[u8]| [b, b"\0"].concat();
    let mut envp = Vec::new();
    platform::environ::for_each(|kv| envp.push(z(kv)));
    envp.extend(extra.map(z));
    (
        z(exe.as_os_str().as_bytes()),
        args.iter().map(|a| z(a)).collect(),
        envp,
    )
}

/// What a daemon's process checks a job against before running it: its
/// own [`Context`] and network namespace. The daemon and every worker
/// forked from it share them.
pub(crate) struct Baseline {
    context: Context,
    netns: Option<u64>,
}

impl Baseline {
    pub(crate) fn current() -> Baseline {
        let netns = platform::unix::socketpair()
            .ok()
            .and_then(|(a, _b)| platform::unix::netns_cookie(a.as_raw_fd()));
        Baseline {
            context: Context::current(),
            netns,
        }
    }

    /// Is this process's context still the one it started with? A process
    /// a job started may have changed its parent, the worker
    /// (`renice -p $PPID`, `prlimit --pid $PPID`, `taskset -p`).
    pub(crate) fn context_unchanged(&self) -> bool {
        Context::current() == self.context
    }

    /// Why this process cannot run a job from the client at the other end
    /// of `conn`, which says its pid is `pid` and its context `context`,
    /// as the client would run it itself; `None` when it can. `peer_pid` is
    /// the pid the kernel gives that client ([`platform::unix::peer_ids`]):
    /// it numbers a peer in our own PID namespace, so a client that numbers
    /// itself differently lives in another. A connection belongs to the
    /// connecting process's network namespace for its whole life: `conn`
    /// is `None` once an earlier job on it found that to be ours.
    pub(crate) fn refusal(
        &self,
        conn: Option<RawFd>,
        peer_pid: Option<i32>,
        pid: i32,
        context: &Context,
    ) -> Option<&'static str> {
        if let Some(why) = self.context.mismatch(context) {
            return Some(why);
        }
        if peer_pid.is_some_and(|p| p != pid) {
            return Some("the client is in another PID namespace than rushd");
        }
        if let Some(conn) = conn
            && self.netns.is_some()
            && platform::unix::netns_cookie(conn) != self.netns
        {
            return Some("the client is in another network namespace than rushd");
        }
        None
    }
}

/// Is a daemon answering on `socket`?
pub fn is_serving(socket: &[u8]) -> bool {
    platform::unix::connect(socket).is_ok()
}

/// Why [`serve`] did not serve.
#[derive(Debug)]
pub enum ServeError {
    /// Another daemon holds the socket's lock (or answers on it).
    AlreadyRunning(String),
    /// Anything else: the socket directory, binding, the event loop.
    Failed(String),
}

impl std::fmt::Display for ServeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ServeError::AlreadyRunning(m) | ServeError::Failed(m) => f.write_str(m),
        }
    }
}

/// Take the listening socket and its lock from the daemon that started
/// this one to take over from it (`RUSHD_HANDOVER`, see
/// [`server::Server`]'s upgrade), or the listening socket from the service
/// manager when it passed one (socket activation), else take the socket's
/// lock and bind `cfg.socket`
/// (replacing a stale socket); then serve until stopped. For `rushd
/// start`, `ready` is written `1` once the socket accepts, or `0` (failed)
/// or `2` (another daemon serves) and the reason when the daemon cannot
/// serve; it is closed either way. A service manager that asked
/// (`NOTIFY_SOCKET`) is sent `READY=1` when the socket accepts.
///
/// One daemon per socket is the lock's job (`<socket>.lock`, `flock`ed for
/// the daemon's lifetime), not a race between two starts: whoever holds it
/// owns the socket, so a socket found without the lock held is a crashed
/// daemon's, and is replaced.
pub fn serve(cfg: Config, ready: Option<OwnedFd>) -> Result<server::Ending, ServeError> {
    let mut ready = ready;
    let r = bind_and_serve(cfg, &mut ready);
    if let (Err(e), Some(fd)) = (&r, ready) {
        let mut msg = match e {
            ServeError::AlreadyRunning(_) => b"2".to_vec(),
            ServeError::Failed(_) => b"0".to_vec(),
        };
        msg.extend_from_slice(e.to_string().as_bytes());
        let _ = platform::fd::write_all(fd.as_raw_fd(), &msg);
    }
    r
}

fn bind_and_serve(
    mut cfg: Config,
    ready: &mut Option<OwnedFd>,
) -> Result<server::Ending, ServeError> {
    let failed = ServeError::Failed;
    let notifier = platform::service::Notifier::take();
    let handover = platform::service::take_handover().map_err(|e| failed(e.to_string()))?;
    let (listener, lock) = if let Some(h) = handover {
        log("taking over the socket from the daemon that started this one");
        ready.get_or_insert(h.ready);
        (h.listener, Some(h.lock))
    } else {
        match platform::service::take_listen_fd().map_err(|e| failed(e.to_string()))? {
            Some(fd) => {
                // The unit names the socket; show its real path.
                if let Ok(path) = platform::unix::listening_path(fd.as_raw_fd()) {
                    if !path.is_empty() {
                        cfg.socket = path;
                    }
                }
                cfg.socket_activated = true;
                log("using the listening socket passed by the service manager");
                // The service manager runs one daemon per socket; the lock
                // still keeps a hand-started one off its path.
                let lock = platform::sockdir::try_lock(&platform::sockdir::lock_path(&cfg.socket))
                    .ok()
                    .flatten();
                (fd, lock)
            }
            None => {
                let (fd, lock) = bind(&cfg.socket)?;
                (fd, Some(lock))
            }
        }
    };
    if let Some(limit) = cfg.idle_limit() {
        log(&format!(
            "will stop after {}s without a job",
            limit.as_secs()
        ));
    }
    let mut server =
        server::Server::new(cfg, listener).map_err(|e| failed(format!("event loop: {e}")))?;
    if let Some(lock) = lock {
        server.hold_lock(lock);
    }
    if let Some(r) = ready.take() {
        let _ = platform::fd::write_all(r.as_raw_fd(), b"1");
    }
    if let Some(n) = notifier {
        if let Err(e) = n.notify("READY=1") {
            log(&format!("cannot notify the service manager: {e}"));
        }
    }
    server.run().map_err(|e| failed(format!("event loop: {e}")))
}

/// Take the socket's lock and bind and listen on `socket`: the listener
/// and the lock, held for as long as the daemon serves.
fn bind(socket: &[u8]) -> Result<(OwnedFd, OwnedFd), ServeError> {
    let failed = ServeError::Failed;
    let shown = String::from_utf8_lossy(socket).into_owned();
    platform::sockdir::prepare_socket_dir(socket)
        .map_err(|e| failed(format!("socket directory for {shown}: {e}")))?;
    let lock_path = platform::sockdir::lock_path(socket);
    let lock = match platform::sockdir::try_lock(&lock_path) {
        Ok(Some(l)) => l,
        Ok(None) => {
            return Err(ServeError::AlreadyRunning(format!(
                "a daemon is already serving {shown} (it holds {})",
                String::from_utf8_lossy(&lock_path)
            )));
        }
        Err(e) => {
            return Err(failed(format!(
                "{}: {e}",
                String::from_utf8_lossy(&lock_path)
            )));
        }
    };
    let listener = match platform::unix::listen(socket, 1024) {
        Ok(l) => l,
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
            if is_serving(socket) {
                // A daemon that does not hold the lock (an older rushd, or
                // a service manager's socket).
                return Err(ServeError::AlreadyRunning(format!(
                    "a daemon is already serving {shown}"
                )));
            }
            // Nobody answers: a crashed daemon's socket.
            log(&format!("replacing the stale socket {shown}"));
            platform::sockdir::unlink(socket).map_err(|e| failed(format!("{shown}: {e}")))?;
            platform::unix::listen(socket, 1024).map_err(|e| failed(format!("{shown}: {e}")))?
        }
        Err(e) => return Err(failed(format!("{shown}: {e}"))),
    };
    Ok((listener, lock))
}
