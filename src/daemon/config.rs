//! The daemon's settings, from flags and environment variables.

use platform::event::BackendKind;
use std::time::Duration;

/// Everything `rushd` can be told.
#[derive(Clone, Debug)]
pub struct Config {
    /// The socket path (`--socket`, `RUSH_SOCKET`, else the default in the
    /// private socket directory).
    pub socket: Vec<u8>,
    /// Pre-forked workers (`--pool-size`, `RUSH_POOL_SIZE`, default 4).
    pub pool_size: usize,
    /// Fork a fresh worker per job (`--disable-pool`, `RUSH_DISABLE_POOL=1`).
    pub fork_mode: bool,
    /// Jobs waiting for a worker before the daemon answers busy
    /// (`--queue-max`, `RUSH_QUEUE_MAX`, default 100).
    pub queue_max: usize,
    /// How long a job waits in the daemon's queue for a worker before its
    /// client is answered busy and runs it itself (`--queue-wait`,
    /// `RUSH_QUEUE_WAIT` in milliseconds, default 10; a client with
    /// `RUSH_DAEMON=require` waits as long as it takes).
    pub queue_wait: Duration,
    /// The loop's backend (`--backend`, `RUSH_BACKEND=uring|kqueue|poll`);
    /// `None`: the OS's best.
    pub backend: Option<BackendKind>,
    /// How long a stop waits for running jobs before killing them
    /// (`RUSH_STOP_GRACE` in milliseconds, default 10 s).
    pub stop_grace: Duration,
    /// How long a client connection may take to send its request (and how
    /// long it may sit idle between requests) before it is closed
    /// (`RUSH_REQUEST_TIMEOUT` in milliseconds, default 10 s): a client
    /// that stalls half-way through a frame costs a descriptor, not one
    /// forever.
    pub request_timeout: Duration,
    /// Stop after this long without a job (`--idle-exit`, `RUSH_IDLE_EXIT`
    /// in seconds); `None` or zero: never. `rushd on-demand` defaults it to
    /// [`DEFAULT_ON_DEMAND_IDLE_EXIT`].
    pub idle_exit: Option<Duration>,
    /// The listening socket came from the service manager (socket
    /// activation): it is not ours to unlink when the daemon stops.
    pub socket_activated: bool,
    /// Started on first use (`rushd on-demand`): its context is that of
    /// the client that started it, so it stops once it refuses every
    /// client for theirs (see `Server::context_refused`).
    pub on_demand: bool,
    /// Idle workers accept clients on the listening socket themselves and
    /// answer them directly, the daemon taking over only when every worker
    /// is busy (`RUSH_WORKER_ACCEPT`, default on where supported: Linux).
    /// Off, the daemon accepts every client and relays every job.
    pub worker_accept: bool,
    /// A detached daemon (`rushd start`, `rushd on-demand`, or one that took
    /// over from one) answers a change of its executable by starting the
    /// new binary with these arguments at once and handing it the socket;
    /// `None` (in the foreground, where a supervisor or a terminal owns the
    /// process): it restarts in place once its running jobs end.
    pub successor_args: Option<Vec<Vec<u8>>>,
}

/// Default pool size.
pub const DEFAULT_POOL_SIZE: usize = 4;
/// Default queue limit.
pub const DEFAULT_QUEUE_MAX: usize = 100;
/// Default queue wait. A client running a job itself pays a start-up of
/// its own (a few hundred microseconds) and loses what a worker keeps
/// warm (up to a few milliseconds for a large startup file or script):
/// waiting longer than that for a worker that is busy with a long job
/// only makes `make -j` slower than without the daemon.
pub const DEFAULT_QUEUE_WAIT: Duration = Duration::from_millis(10);
/// How long a daemon started by `RUSH_DAEMON=spawn` waits without a job
/// before it stops.
pub const DEFAULT_ON_DEMAND_IDLE_EXIT: Duration = Duration::from_secs(300);
/// The largest pool accepted.
pub const MAX_POOL_SIZE: usize = 1024;

fn env(name: &str) -> Option<Vec<u8>> {
    use std::os::unix::ffi::OsStringExt;
    std::env::var_os(name)
        .map(|v| v.into_vec())
        .filter(|v| !v.is_empty())
}

fn number(v: &[u8]) -> Result<usize, String> {
    std::str::from_utf8(v)
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .ok_or_else(|| "not a number".to_string())
}

/// `RUSH_DISABLE_POOL` and friends: anything but empty, `0`, `no`, `false`
/// and `off` is true.
pub fn truthy(v: &[u8]) -> bool {
    !matches!(v, b"" | b"0" | b"no" | b"false" | b"off")
}

/// The socket path the client and the daemon agree on: `RUSH_SOCKET`, else
/// the default.
pub fn socket_from_env() -> Vec<u8> {
    env("RUSH_SOCKET").unwrap_or_else(platform::sockdir::default_socket_path)
}

/// A setting given as a value, by a flag (where it has one) or by an
/// environment variable: one table for `rushd`'s command line
/// (`cli.rs`) and [`Config::apply_env`].
pub struct Setting {
    pub flag: Option<&'static [u8]>,
    pub var: &'static str,
    /// Parse and set the value; an error says what is wrong with it.
    pub set: fn(&mut Config, &[u8]) -> Result<(), String>,
}

pub const VALUED: [Setting; 7] = [
    Setting {
        flag: Some(b"--pool-size"),
        var: "RUSH_POOL_SIZE",
        set: Config::set_pool_size,
    },
    Setting {
        flag: Some(b"--queue-max"),
        var: "RUSH_QUEUE_MAX",
        set: Config::set_queue_max,
    },
    Setting {
        flag: Some(b"--queue-wait"),
        var: "RUSH_QUEUE_WAIT",
        set: Config::set_queue_wait,
    },
    Setting {
        flag: Some(b"--backend"),
        var: "RUSH_BACKEND",
        set: Config::set_backend,
    },
    Setting {
        flag: None,
        var: "RUSH_STOP_GRACE",
        set: Config::set_stop_grace,
    },
    Setting {
        flag: None,
        var: "RUSH_REQUEST_TIMEOUT",
        set: Config::set_request_timeout,
    },
    Setting {
        flag: Some(b"--idle-exit"),
        var: "RUSH_IDLE_EXIT",
        set: Config::set_idle_exit,
    },
];

impl Config {
    /// The defaults, with the socket from `RUSH_SOCKET` (which cannot be
    /// wrong: any path is one).
    pub fn defaults() -> Config {
        Config {
            socket: socket_from_env(),
            pool_size: DEFAULT_POOL_SIZE,
            fork_mode: false,
            queue_max: DEFAULT_QUEUE_MAX,
            queue_wait: DEFAULT_QUEUE_WAIT,
            backend: None,
            stop_grace: Duration::from_secs(10),
            request_timeout: Duration::from_secs(10),
            idle_exit: None,
            socket_activated: false,
            on_demand: false,
            successor_args: None,
            worker_accept: cfg!(any(target_os = "linux", target_os = "android")),
        }
    }

    /// The settings given by environment variables; an error names the
    /// variable and its value.
    pub fn apply_env(&mut self) -> Result<(), String> {
        self.apply_env_from(env)
    }

    /// [`Config::apply_env`] with the variables looked up by `env` (`None`:
    /// unset or empty).
    fn apply_env_from(&mut self, env: impl Fn(&str) -> Option<Vec<u8>>) -> Result<(), String> {
        for setting in &VALUED {
            if let Some(v) = env(setting.var) {
                (setting.set)(self, &v)
                    .map_err(|e| format!("{}={}: {e}", setting.var, String::from_utf8_lossy(&v)))?;
            }
        }
        if let Some(v) = env("RUSH_DISABLE_POOL") {
            self.fork_mode = truthy(&v);
        }
        if let Some(v) = env("RUSH_WORKER_ACCEPT") {
            self.worker_accept &= truthy(&v);
        }
        Ok(())
    }

    /// Milliseconds a stopping daemon gives running jobs.
    pub fn set_stop_grace(&mut self, v: &[u8]) -> Result<(), String> {
        self.stop_grace = Duration::from_millis(number(v)? as u64);
        Ok(())
    }

    /// Milliseconds a client has to send its request (at least 1).
    pub fn set_request_timeout(&mut self, v: &[u8]) -> Result<(), String> {
        self.request_timeout = Duration::from_millis(number(v)?.max(1) as u64);
        Ok(())
    }

    /// Seconds without a job before stopping; 0: never.
    pub fn set_idle_exit(&mut self, v: &[u8]) -> Result<(), String> {
        self.idle_exit = Some(Duration::from_secs(number(v)? as u64));
        Ok(())
    }

    /// The idle period after which the daemon stops, if it does.
    pub fn idle_limit(&self) -> Option<Duration> {
        self.idle_exit.filter(|d| !d.is_zero())
    }

    pub fn set_pool_size(&mut self, v: &[u8]) -> Result<(), String> {
        let n = number(v)?;
        if n == 0 || n > MAX_POOL_SIZE {
            return Err(format!("the pool size must be 1 to {MAX_POOL_SIZE}"));
        }
        self.pool_size = n;
        Ok(())
    }

    pub fn set_backend(&mut self, v: &[u8]) -> Result<(), String> {
        self.backend = Some(
            BackendKind::parse(v)
                .ok_or_else(|| "not a backend (uring, kqueue or poll)".to_string())?,
        );
        Ok(())
    }

    pub fn set_queue_max(&mut self, v: &[u8]) -> Result<(), String> {
        self.queue_max = number(v)?;
        Ok(())
    }

    /// Milliseconds a job may wait in the queue before its client is
    /// answered busy.
    pub fn set_queue_wait(&mut self, v: &[u8]) -> Result<(), String> {
        self.queue_wait = Duration::from_millis(number(v)? as u64);
        Ok(())
    }

    /// `pool` or `fork`.
    /// Do pool workers accept clients themselves?
    pub fn workers_accept(&self) -> bool {
        self.worker_accept && !self.fork_mode
    }

    pub fn mode_name(&self) -> &'static str {
        if self.fork_mode { "fork" } else { "pool" }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_checked() {
        let mut c = Config {
            socket: b"/x".to_vec(),
            pool_size: DEFAULT_POOL_SIZE,
            fork_mode: false,
            queue_max: DEFAULT_QUEUE_MAX,
            queue_wait: DEFAULT_QUEUE_WAIT,
            backend: None,
            stop_grace: Duration::from_secs(1),
            request_timeout: Duration::from_secs(1),
            idle_exit: None,
            socket_activated: false,
            on_demand: false,
            successor_args: None,
            worker_accept: cfg!(any(target_os = "linux", target_os = "android")),
        };
        assert!(c.set_pool_size(b"0").is_err());
        assert!(c.set_pool_size(b"lots").is_err());
        c.set_pool_size(b"8").unwrap();
        assert_eq!(c.pool_size, 8);
        c.set_backend(b"poll").unwrap();
        assert_eq!(c.backend, Some(BackendKind::Poll));
        assert!(c.set_backend(b"epoll").is_err());
        assert_eq!(c.idle_limit(), None);
        c.set_idle_exit(b"0").unwrap();
        assert_eq!(c.idle_limit(), None);
        c.set_idle_exit(b"2").unwrap();
        assert_eq!(c.idle_limit(), Some(Duration::from_secs(2)));
        assert!(c.set_idle_exit(b"soon").is_err());
        assert!(truthy(b"1") && truthy(b"yes") && !truthy(b"0") && !truthy(b""));
        assert_eq!(c.queue_wait, DEFAULT_QUEUE_WAIT);
        c.set_queue_wait(b"250").unwrap();
        assert_eq!(c.queue_wait, Duration::from_millis(250));
        assert!(c.set_queue_wait(b"soon").is_err());
        assert_eq!(c.set_queue_max(b"many"), Err("not a number".to_string()));
    }

    #[test]
    fn a_wrong_environment_setting_is_named_with_its_value() {
        let mut c = Config::defaults();
        let env = |name: &str| (name == "RUSH_QUEUE_WAIT").then(|| b"soon".to_vec());
        assert_eq!(
            c.apply_env_from(env),
            Err("RUSH_QUEUE_WAIT=soon: not a number".to_string())
        );
        let env = |name: &str| (name == "RUSH_POOL_SIZE").then(|| b"0".to_vec());
        assert_eq!(
            c.apply_env_from(env),
            Err("RUSH_POOL_SIZE=0: the pool size must be 1 to 1024".to_string())
        );
        let env = |name: &str| (name == "RUSH_BACKEND").then(|| b"poll".to_vec());
        c.apply_env_from(env).unwrap();
        assert_eq!(c.backend, Some(BackendKind::Poll));
    }
}
