//! `rushd`: the completion loop, connections, worker pool and workers.
//!
//! [`serve`] binds the socket and runs the [`server::Server`] loop; the
//! [`worker`] module is what each forked worker runs; [`cli`] is the
//! command line (`rushd start|stop|restart|status|--foreground`).

pub mod cli;
pub mod config;
pub mod server;
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

/// Bind `cfg.socket` (replacing a stale socket, refusing when a daemon
/// already answers there) and serve until stopped. `ready` is written one
/// byte once the socket accepts, for `rushd start`.
pub fn serve(cfg: Config, ready: Option<OwnedFd>) -> Result<(), String> {
    let shown = String::from_utf8_lossy(&cfg.socket).into_owned();
    platform::sockdir::prepare_socket_dir(&cfg.socket)
        .map_err(|e| format!("socket directory for {shown}: {e}"))?;
    let listener = match platform::unix::listen(&cfg.socket, 1024) {
        Ok(l) => l,
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
            if is_serving(&cfg.socket) {
                return Err(format!("a daemon is already serving {shown}"));
            }
            // Nobody answers: a crashed daemon's socket.
            log(&format!("replacing the stale socket {shown}"));
            platform::sockdir::unlink(&cfg.socket).map_err(|e| format!("{shown}: {e}"))?;
            platform::unix::listen(&cfg.socket, 1024).map_err(|e| format!("{shown}: {e}"))?
        }
        Err(e) => return Err(format!("{shown}: {e}")),
    };
    let server = server::Server::new(cfg, listener).map_err(|e| format!("event loop: {e}"))?;
    if let Some(r) = ready {
        let _ = platform::fd::write_all(r.as_raw_fd(), b"1");
    }
    server.run().map_err(|e| format!("event loop: {e}"))
}
