//! `rushd`: the completion loop, connections, worker pool and workers.
//!
//! [`serve`] binds the socket and runs the [`server::Server`] loop; the
//! [`worker`] module is what each forked worker runs; [`cli`] is the
//! command line (`rushd start|stop|restart|status|--foreground`), and
//! [`service`] installs rushd under systemd or launchd.

pub mod cli;
pub mod config;
pub mod server;
pub mod service;
pub mod worker;

use config::Config;
use std::os::fd::{AsRawFd, OwnedFd};

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

/// Is a daemon answering on `socket`?
pub fn is_serving(socket: &[u8]) -> bool {
    platform::unix::connect(socket).is_ok()
}

/// Take the listening socket from the service manager when it passed one
/// (socket activation), else bind `cfg.socket` (replacing a stale socket,
/// refusing when a daemon already answers there); then serve until
/// stopped. `ready` is written one byte once the socket accepts, for
/// `rushd start`; a service manager that asked (`NOTIFY_SOCKET`) is sent
/// `READY=1` at the same point.
pub fn serve(mut cfg: Config, ready: Option<OwnedFd>) -> Result<(), String> {
    let notifier = platform::service::Notifier::take();
    let listener = match platform::service::take_listen_fd().map_err(|e| e.to_string())? {
        Some(fd) => {
            // The unit names the socket; show its real path.
            if let Ok(path) = platform::unix::listening_path(fd.as_raw_fd()) {
                if !path.is_empty() {
                    cfg.socket = path;
                }
            }
            cfg.socket_activated = true;
            log("using the listening socket passed by the service manager");
            fd
        }
        None => bind(&cfg.socket)?,
    };
    if let Some(limit) = cfg.idle_limit() {
        log(&format!(
            "will stop after {}s without a job",
            limit.as_secs()
        ));
    }
    let server = server::Server::new(cfg, listener).map_err(|e| format!("event loop: {e}"))?;
    if let Some(r) = ready {
        let _ = platform::fd::write_all(r.as_raw_fd(), b"1");
    }
    if let Some(n) = notifier {
        if let Err(e) = n.notify("READY=1") {
            log(&format!("cannot notify the service manager: {e}"));
        }
    }
    server.run().map_err(|e| format!("event loop: {e}"))
}

/// Bind and listen on `socket`, unless a daemon already answers there. The
/// check and the replacement of a stale socket happen under the socket's
/// lock, so of daemons starting at once exactly one listens and the others
/// find it answering.
fn bind(socket: &[u8]) -> Result<OwnedFd, String> {
    let shown = String::from_utf8_lossy(socket).into_owned();
    platform::sockdir::prepare_socket_dir(socket)
        .map_err(|e| format!("socket directory for {shown}: {e}"))?;
    let _lock = platform::sockdir::lock_socket(socket).map_err(|e| format!("{shown}.lock: {e}"))?;
    match platform::unix::listen(socket, 1024) {
        Ok(l) => Ok(l),
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
            if is_serving(socket) {
                return Err(format!("a daemon is already serving {shown}"));
            }
            // Nobody answers: a crashed daemon's socket.
            log(&format!("replacing the stale socket {shown}"));
            platform::sockdir::unlink(socket).map_err(|e| format!("{shown}: {e}"))?;
            platform::unix::listen(socket, 1024).map_err(|e| format!("{shown}: {e}"))
        }
        Err(e) => Err(format!("{shown}: {e}")),
    }
}
