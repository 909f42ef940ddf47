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

/// Take the socket's lock, bind `cfg.socket` (replacing a stale socket)
/// and serve until stopped. For `rushd start`, `ready` is written `1` once
/// the socket accepts, or `0` (failed) or `2` (another daemon serves) and
/// the reason when the daemon cannot serve; it is closed either way.
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

fn bind_and_serve(cfg: Config, ready: &mut Option<OwnedFd>) -> Result<server::Ending, ServeError> {
    let shown = String::from_utf8_lossy(&cfg.socket).into_owned();
    let failed = ServeError::Failed;
    platform::sockdir::prepare_socket_dir(&cfg.socket)
        .map_err(|e| failed(format!("socket directory for {shown}: {e}")))?;
    let lock_path = platform::sockdir::lock_path(&cfg.socket);
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
    let listener = match platform::unix::listen(&cfg.socket, 1024) {
        Ok(l) => l,
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
            if is_serving(&cfg.socket) {
                // A daemon that does not take the lock (an older rushd).
                return Err(ServeError::AlreadyRunning(format!(
                    "a daemon is already serving {shown}"
                )));
            }
            // Nobody answers: a crashed daemon's socket.
            log(&format!("replacing the stale socket {shown}"));
            platform::sockdir::unlink(&cfg.socket).map_err(|e| failed(format!("{shown}: {e}")))?;
            platform::unix::listen(&cfg.socket, 1024)
                .map_err(|e| failed(format!("{shown}: {e}")))?
        }
        Err(e) => return Err(failed(format!("{shown}: {e}"))),
    };
    let mut server =
        server::Server::new(cfg, listener).map_err(|e| failed(format!("event loop: {e}")))?;
    server.hold_lock(lock);
    if let Some(r) = ready.take() {
        let _ = platform::fd::write_all(r.as_raw_fd(), b"1");
    }
    server.run().map_err(|e| failed(format!("event loop: {e}")))
}
