//! The `rushd` command line: `--foreground`, `start`, `stop`, `restart`,
//! `status [--json]`, `on-demand`, `install-service`, `uninstall-service`,
//! and the settings flags.

use super::config::{Config, DEFAULT_ON_DEMAND_IDLE_EXIT, Setting, VALUED};
use super::server::Ending;
use crate::proto::channel::{Channel, ChannelError};
use crate::proto::{Message, StatusReport};
use platform::fd;
use platform::process::{self, Fork};
use std::os::fd::AsRawFd;

/// `rushd` succeeded.
pub const EXIT_OK: i32 = 0;
/// `rushd` failed (the reason is on stderr).
pub const EXIT_FAILURE: i32 = 1;
/// Bad usage.
pub const EXIT_USAGE: i32 = 2;
/// `rushd status`: no daemon is running (as LSB init scripts report it).
pub const EXIT_NOT_RUNNING: i32 = 3;

const USAGE: &str = "\
usage: rushd [--foreground] [OPTIONS]       run the daemon, logging to stderr
       rushd start [OPTIONS]                start it in the background
       rushd stop [--socket PATH]           stop it (jobs in flight may finish)
       rushd restart [OPTIONS]              stop, then start
       rushd status [--json] [--socket PATH]
       rushd on-demand [OPTIONS]            what RUSH_DAEMON=spawn runs: log to the state
                                            directory, stop after 300 s without a job
       rushd install-service                run rushd under systemd (socket-activated
                                            user units) or launchd, for this user
       rushd uninstall-service              stop it and remove the units

options (each also from the environment):
  --socket PATH      RUSH_SOCKET        the socket (default: $XDG_RUNTIME_DIR/rush/rushd.sock
                                        or ${TMPDIR:-/tmp}/rush-$UID/rushd.sock)
  --pool-size N      RUSH_POOL_SIZE     pre-forked workers (default 4)
  --disable-pool     RUSH_DISABLE_POOL=1  fork a worker per job
  --queue-max N      RUSH_QUEUE_MAX     queued jobs before answering busy (default 100)
  --queue-wait MS    RUSH_QUEUE_WAIT    how long a job waits queued before its client is
                                        answered busy and runs it (default 10; clients
                                        with RUSH_DAEMON=require wait as long as it takes)
  --backend NAME     RUSH_BACKEND       uring, kqueue or poll
  --idle-exit SECS   RUSH_IDLE_EXIT     stop after SECS without a job (0: never; default
                                        never, 300 for on-demand)
";

enum Command {
    Foreground,
    Start,
    Stop,
    Restart,
    Status { json: bool },
    OnDemand,
    InstallService,
    UninstallService,
}

fn parse(args: &[Vec<u8>]) -> Result<(Command, Config), String> {
    // Flags override the environment. A wrong setting in the environment
    // stops only the commands that use the settings: `rushd stop` and
    // `rushd status` still reach the daemon that is running.
    let mut cfg = Config::defaults();
    let env_error = cfg.apply_env().err();
    let mut command = None;
    let mut json = false;
    let mut it = args.iter().skip(1);
    while let Some(a) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value"))
        };
        if let Some(setting) = valued(a) {
            let name = String::from_utf8_lossy(a).into_owned();
            let v = value(&name)?;
            (setting.set)(&mut cfg, &v)
                .map_err(|e| format!("{name} {}: {e}", String::from_utf8_lossy(&v)))?;
            continue;
        }
        match a.as_slice() {
            b"--foreground" | b"-f" => command = Some(Command::Foreground),
            b"start" => command = Some(Command::Start),
            b"stop" => command = Some(Command::Stop),
            b"restart" => command = Some(Command::Restart),
            b"status" => command = Some(Command::Status { json: false }),
            b"on-demand" => command = Some(Command::OnDemand),
            b"install-service" => command = Some(Command::InstallService),
            b"uninstall-service" => command = Some(Command::UninstallService),
            b"--json" => json = true,
            b"--socket" => cfg.socket = value("--socket")?,
            b"--disable-pool" => cfg.fork_mode = true,
            other => {
                return Err(format!(
                    "unknown argument: {}",
                    String::from_utf8_lossy(other)
                ));
            }
        }
    }
    let command = match command {
        Some(Command::Status { .. }) => Command::Status { json },
        Some(c) => c,
        None => Command::Foreground,
    };
    let needs_settings = !matches!(
        command,
        Command::Stop | Command::Status { .. } | Command::UninstallService
    );
    match env_error {
        Some(e) if needs_settings => Err(e),
        _ => Ok((command, cfg)),
    }
}

/// Run `rushd` with `args` (`args[0]` is the program name); returns the
/// exit status.
pub fn main(args: &[Vec<u8>]) -> i32 {
    if args
        .iter()
        .skip(1)
        .any(|a| a == b"--help" || a == b"-h" || a == b"help")
    {
        print!("{USAGE}");
        return EXIT_OK;
    }
    if args.iter().skip(1).any(|a| a == b"--version") {
        println!("rushd {}", env!("CARGO_PKG_VERSION"));
        return EXIT_OK;
    }
    let (command, cfg) = match parse(args) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("rushd: {e}\nrushd: 'rushd --help' lists the commands and settings");
            return EXIT_USAGE;
        }
    };
    let mut cfg = cfg;
    match command {
        Command::Foreground => {
            if std::env::var_os(platform::service::HANDOVER_ENV).is_some() {
                // Started by a detached daemon to take over from it: as
                // detached as that one.
                cfg.successor_args = Some(restart_args(args));
            }
            match super::serve(cfg, None) {
                Ok(Ending::Stopped) => EXIT_OK,
                Ok(Ending::Restart { exe }) => restart_in_place(&exe, args),
                Err(e) => {
                    eprintln!("rushd: {e}");
                    EXIT_FAILURE
                }
            }
        }
        Command::Start => start(cfg, args),
        Command::Stop => stop(&cfg.socket),
        Command::Restart => {
            let s = stop(&cfg.socket);
            if s != EXIT_OK {
                return s;
            }
            start(cfg, args)
        }
        Command::Status { json } => status(&cfg.socket, json),
        Command::OnDemand => on_demand(cfg, args),
        Command::InstallService => super::service::install(&cfg),
        Command::UninstallService => super::service::uninstall(),
    }
}

/// `${XDG_STATE_HOME:-$HOME/.local/state}/rush`, created 0700.
pub(super) fn state_dir() -> Result<Vec<u8>, String> {
    use std::os::unix::ffi::OsStringExt;
    let get = |n: &str| {
        std::env::var_os(n)
            .map(|v| v.into_vec())
            .filter(|v| !v.is_empty())
    };
    let mut dir = match (get("XDG_STATE_HOME"), get("HOME")) {
        (Some(s), _) => s,
        (None, Some(mut h)) => {
            h.extend_from_slice(b"/.local/state");
            h
        }
        (None, None) => return Err("neither XDG_STATE_HOME nor HOME is set".into()),
    };
    dir.extend_from_slice(b"/rush");
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(std::ffi::OsStr::from_bytes(&dir))
        .map_err(|e| format!("{}: {e}", String::from_utf8_lossy(&dir)))?;
    Ok(dir)
}

/// `rushd start`: detach (fork, setsid, fork), log to the state directory,
/// and return once the socket accepts.
fn start(cfg: Config, args: &[Vec<u8>]) -> i32 {
    if super::is_serving(&cfg.socket) {
        eprintln!(
            "rushd: already running on {}",
            String::from_utf8_lossy(&cfg.socket)
        );
        return EXIT_OK;
    }
    let log_path = match state_dir() {
        Ok(mut d) => {
            d.extend_from_slice(b"/rushd.log");
            d
        }
        Err(e) => {
            eprintln!("rushd: state directory: {e}");
            return EXIT_FAILURE;
        }
    };
    let (r, w) = match fd::pipe() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("rushd: pipe: {e}");
            return EXIT_FAILURE;
        }
    };
    match process::fork() {
        Err(e) => {
            eprintln!("rushd: fork: {e}");
            EXIT_FAILURE
        }
        Ok(Fork::Child) => {
            let _ = fd::close(r);
            let _ = process::setsid();
            // The second fork: the daemon is not a session leader, so it can
            // never acquire a controlling terminal.
            match process::fork() {
                Ok(Fork::Child) => daemon_child(cfg, &log_path, w, args),
                _ => process::exit_now(0),
            }
        }
        Ok(Fork::Parent(pid)) => {
            let _ = fd::close(w);
            let _ = process::wait_pid_blocking(pid);
            let mut answer = Vec::new();
            let _ = fd::read_to_end(r, &mut answer);
            let _ = fd::close(r);
            match answer.first() {
                Some(b'2') => {
                    // Lost the race to another start: it serves once its
                    // socket accepts.
                    let until = std::time::Instant::now() + std::time::Duration::from_secs(10);
                    while !super::is_serving(&cfg.socket) && std::time::Instant::now() < until {
                        std::thread::sleep(std::time::Duration::from_millis(10));
                    }
                    if super::is_serving(&cfg.socket) {
                        eprintln!(
                            "rushd: already running on {}",
                            String::from_utf8_lossy(&cfg.socket)
                        );
                        EXIT_OK
                    } else {
                        let why = String::from_utf8_lossy(answer.get(1..).unwrap_or_default());
                        eprintln!("rushd: failed to start: {}", why.trim_end());
                        EXIT_FAILURE
                    }
                }
                Some(b'1') => {
                    eprintln!(
                        "rushd: started on {} (log: {})",
                        String::from_utf8_lossy(&cfg.socket),
                        String::from_utf8_lossy(&log_path)
                    );
                    EXIT_OK
                }
                _ => {
                    let why = String::from_utf8_lossy(answer.get(1..).unwrap_or_default());
                    eprintln!(
                        "rushd: failed to start{}{} (log: {})",
                        if why.is_empty() { "" } else { ": " },
                        why.trim_end(),
                        String::from_utf8_lossy(&log_path)
                    );
                    EXIT_FAILURE
                }
            }
        }
    }
}

/// The detached daemon: stdio to `/dev/null` and the log, no inherited
/// descriptors but the readiness pipe.
fn daemon_child(mut cfg: Config, log_path: &[u8], ready: i32, args: &[Vec<u8>]) -> ! {
    let _ = process::chdir(b"/");
    let Ok(ready) = fd::dup_above_owned(ready, 3) else {
        process::exit_now(EXIT_FAILURE)
    };
    let keep = ready.as_raw_fd();
    fd::close_range(0, keep - 1);
    fd::close_range(keep + 1, i32::MAX);
    let null = fd::open(b"/dev/null", fd::flags::RDWR, 0);
    let log = fd::open(
        log_path,
        fd::flags::WRONLY | fd::flags::CREAT | fd::flags::APPEND,
        0o600,
    );
    if let (Ok(null), Ok(log)) = (null, log) {
        let _ = fd::dup2(null, 0);
        let _ = fd::dup2(log, 1);
        let _ = fd::dup2(log, 2);
        for f in [null, log] {
            if f > 2 {
                let _ = fd::close(f);
            }
        }
    }
    cfg.successor_args = Some(restart_args(args));
    match super::serve(cfg, Some(ready)) {
        Ok(Ending::Stopped) => process::exit_now(EXIT_OK),
        Ok(Ending::Restart { exe }) => process::exit_now(restart_in_place(&exe, args)),
        Err(e) => {
            // `serve` has told `rushd start` why, through `ready`.
            super::log(&e.to_string());
            process::exit_now(EXIT_FAILURE)
        }
    }
}

/// The setting a flag that takes a value sets (`--socket` aside).
fn valued(flag: &[u8]) -> Option<&'static Setting> {
    VALUED.iter().find(|s| s.flag == Some(flag))
}

/// The arguments a restarted daemon runs with: the same settings, in the
/// foreground (this process is already detached when it was started with
/// `start`; its log stays its stderr).
fn restart_args(args: &[Vec<u8>]) -> Vec<Vec<u8>> {
    let mut out = Vec::with_capacity(args.len());
    let mut it = args.iter();
    out.push(it.next().cloned().unwrap_or_else(|| b"rushd".to_vec()));
    while let Some(a) = it.next() {
        match a.as_slice() {
            b"start" | b"restart" => out.push(b"--foreground".to_vec()),
            flag if flag == b"--socket" || valued(flag).is_some() => {
                out.push(a.clone());
                out.extend(it.next().cloned());
            }
            _ => out.push(a.clone()),
        }
    }
    out
}

/// Execute the new `rushd` binary in this process (same pid, same log, same
/// settings). Returns only when that fails: the daemon then retires, and
/// clients run their jobs themselves until a daemon is started again.
fn restart_in_place(exe: &std::path::Path, args: &[Vec<u8>]) -> i32 {
    let (path, argv, envp) = super::exec_strings(exe, &restart_args(args), None);
    super::log(&format!("executing {}", exe.display()));
    let mut e = platform::spawn::exec(&path, &argv, &envp);
    // A binary just written may still be open for writing somewhere (the
    // installer, or a process that forked while it was): give it a moment.
    for _ in 0..40 {
        if e.raw_os_error() != Some(platform::errno::ETXTBSY) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
        e = platform::spawn::exec(&path, &argv, &envp);
    }
    super::log(&format!("cannot execute {}: {e}; exiting", exe.display()));
    EXIT_FAILURE
}

/// `rushd on-demand`, started detached by a client with `RUSH_DAEMON=spawn`
/// (`client::spawn`), its stdio on `/dev/null`: log to the state directory
/// and serve in the foreground, stopping after [`DEFAULT_ON_DEMAND_IDLE_EXIT`]
/// without a job unless told otherwise. Clients racing to start a daemon
/// start one each; all but one find the socket served and exit quietly.
fn on_demand(mut cfg: Config, args: &[Vec<u8>]) -> i32 {
    cfg.idle_exit.get_or_insert(DEFAULT_ON_DEMAND_IDLE_EXIT);
    cfg.on_demand = true;
    cfg.successor_args = Some(restart_args(args));
    let taking_over = std::env::var_os(platform::service::HANDOVER_ENV).is_some();
    if !taking_over && super::is_serving(&cfg.socket) {
        return EXIT_OK;
    }
    if let Ok(mut path) = state_dir() {
        path.extend_from_slice(b"/rushd.log");
        let log = fd::open(
            &path,
            fd::flags::WRONLY | fd::flags::CREAT | fd::flags::APPEND,
            0o600,
        );
        if let Ok(log) = log {
            let _ = fd::dup2(log, 1);
            let _ = fd::dup2(log, 2);
            if log > 2 {
                let _ = fd::close(log);
            }
        }
    }
    let socket = cfg.socket.clone();
    match super::serve(cfg, None) {
        Ok(Ending::Stopped) => EXIT_OK,
        Ok(Ending::Restart { exe }) => restart_in_place(&exe, args),
        // Lost the race to another daemon started at the same moment.
        Err(super::ServeError::AlreadyRunning(_)) => EXIT_OK,
        Err(_) if super::is_serving(&socket) => EXIT_OK,
        Err(e) => {
            super::log(&e.to_string());
            EXIT_FAILURE
        }
    }
}

fn connect(socket: &[u8]) -> Option<Channel> {
    platform::unix::connect(socket).ok().map(Channel::new)
}

/// `rushd stop`: ask for a graceful stop and wait until the daemon has
/// exited, so that a caller may count on it (and on its workers) being gone.
pub(super) fn stop(socket: &[u8]) -> i32 {
    let Some(mut ch) = connect(socket) else {
        eprintln!("rushd: not running on {}", String::from_utf8_lossy(socket));
        return EXIT_OK;
    };
    // The daemon closes its connections a moment before its process ends,
    // so the close alone does not say it has exited: watch the process.
    let watch = daemon_pid(&mut ch).and_then(|pid| {
        let watch = platform::child::ExitWatch::new(pid).ok()?;
        Some((pid, watch))
    });
    if let Err(e) = ch.send_message(&Message::Stop) {
        eprintln!("rushd: stop: {e}");
        return EXIT_FAILURE;
    }
    loop {
        match ch.recv() {
            Ok((Message::Stopping, _)) => {}
            Ok(_) => {}
            Err(ChannelError::Closed) => break,
            Err(ChannelError::Io(e)) if e.raw_os_error() == Some(platform::errno::ECONNREFUSED) => {
                break;
            }
            Err(e) => {
                // A reset connection also means the daemon is gone.
                if let ChannelError::Io(io) = &e {
                    if io.kind() == std::io::ErrorKind::ConnectionReset {
                        break;
                    }
                }
                eprintln!("rushd: stop: {e}");
                return EXIT_FAILURE;
            }
        }
    }
    match watch {
        Some((pid, watch)) if !watch.wait(EXIT_AFTER_CLOSE) => {
            eprintln!(
                "rushd: stop: rushd (pid {pid}) closed its socket but has not exited after {} s",
                EXIT_AFTER_CLOSE.as_secs()
            );
            EXIT_FAILURE
        }
        _ => EXIT_OK,
    }
}

/// How long `rushd stop` waits for the daemon's process to end once the
/// daemon has closed its connection (which it does as it exits).
const EXIT_AFTER_CLOSE: std::time::Duration = std::time::Duration::from_secs(5);

/// The pid of the daemon at the other end of `ch`, as it reports it, when
/// it is also the process this one sees there (the socket's own listener,
/// not a service manager holding an activated socket, nor a process in
/// another PID namespace that numbers it differently).
fn daemon_pid(ch: &mut Channel) -> Option<i32> {
    ch.send_message(&Message::StatusRequest).ok()?;
    let Ok((Message::Status(s), _)) = ch.recv() else {
        return None;
    };
    match platform::unix::peer_pid(ch.fd()) {
        Some(seen) if seen != s.pid => None,
        _ => Some(s.pid),
    }
}

fn status(socket: &[u8], json: bool) -> i32 {
    let Some(mut ch) = connect(socket) else {
        if json {
            println!(
                "{{\"running\":false,\"socket\":{}}}",
                json_str(&String::from_utf8_lossy(socket))
            );
        } else {
            println!("rushd is not running ({})", String::from_utf8_lossy(socket));
        }
        return EXIT_NOT_RUNNING;
    };
    let report = ch
        .send_message(&Message::StatusRequest)
        .map_err(|e| e.to_string())
        .and_then(|()| ch.recv().map_err(|e| e.to_string()));
    let _ = ch.into_fd();
    match report {
        Ok((Message::Status(s), _)) => {
            if json {
                println!("{}", render_json(&s, socket));
            } else {
                print!("{}", render_text(&s, socket));
            }
            EXIT_OK
        }
        Ok((other, _)) => {
            eprintln!("rushd: unexpected answer {:?}", other.kind());
            EXIT_FAILURE
        }
        Err(e) => {
            eprintln!("rushd: status: {e}");
            EXIT_FAILURE
        }
    }
}

fn json_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `rushd status --json`.
pub fn render_json(s: &StatusReport, socket: &[u8]) -> String {
    let workers: Vec<String> = s
        .workers
        .iter()
        .map(|w| {
            format!(
                "{{\"pid\":{},\"state\":\"{}\",\"jobs_served\":{}}}",
                w.pid,
                w.state.name(),
                w.jobs
            )
        })
        .collect();
    format!(
        "{{\"running\":true,\"socket\":{},\"pid\":{},\"uptime_ms\":{},\"backend\":{},\"mode\":{},\
\"pool_size\":{},\"queue_depth\":{},\"queue_max\":{},\"jobs_served\":{},\"jobs_relayed\":{},\
\"busy_refusals\":{},\"context_refusals\":{},\"last_context_refusal\":{},\
\"respawns\":{},\"dispatch_latency_us\":{{\"p50\":{},\"p90\":{},\"p99\":{},\"max\":{}}},\
\"workers\":[{}]}}",
        json_str(&String::from_utf8_lossy(socket)),
        s.pid,
        s.uptime_ms,
        json_str(&String::from_utf8_lossy(&s.backend)),
        json_str(&String::from_utf8_lossy(&s.mode)),
        s.pool_size,
        s.queue_depth,
        s.queue_max,
        s.jobs_served,
        s.jobs_relayed,
        s.busy_refusals,
        s.context_refusals,
        json_str(&String::from_utf8_lossy(&s.last_refusal)),
        s.respawns,
        s.latency_us[0],
        s.latency_us[1],
        s.latency_us[2],
        s.latency_us[3],
        workers.join(",")
    )
}

/// `rushd status`.
pub fn render_text(s: &StatusReport, socket: &[u8]) -> String {
    let mut out = format!(
        "rushd is running (pid {}, up {}s)\n  socket:   {}\n  backend:  {}\n  mode:     {} (pool size {})\n  \
queue:    {} waiting (limit {})\n  jobs:     {} served ({} relayed by rushd), {} refused busy, {} worker respawns\n  \
refused:  {} whose context differs{}\n  \
dispatch: p50 {}us, p90 {}us, p99 {}us, max {}us\n  workers:\n",
        s.pid,
        s.uptime_ms / 1000,
        String::from_utf8_lossy(socket),
        String::from_utf8_lossy(&s.backend),
        String::from_utf8_lossy(&s.mode),
        s.pool_size,
        s.queue_depth,
        s.queue_max,
        s.jobs_served,
        s.jobs_relayed,
        s.busy_refusals,
        s.respawns,
        s.context_refusals,
        if s.last_refusal.is_empty() {
            String::new()
        } else {
            format!(" (last: {})", String::from_utf8_lossy(&s.last_refusal))
        },
        s.latency_us[0],
        s.latency_us[1],
        s.latency_us[2],
        s.latency_us[3],
    );
    for w in &s.workers {
        out.push_str(&format!(
            "    pid {:>7}  {:<8}  {} jobs\n",
            w.pid,
            w.state.name(),
            w.jobs
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::{WorkerReport, WorkerState};

    #[test]
    fn status_renders_as_json_and_text() {
        let s = StatusReport {
            pid: 42,
            backend: b"uring".to_vec(),
            mode: b"pool".to_vec(),
            pool_size: 1,
            workers: vec![WorkerReport {
                pid: 43,
                state: WorkerState::Busy,
                jobs: 7,
            }],
            ..StatusReport::default()
        };
        let j = render_json(&s, b"/run/\"s\"");
        assert!(j.starts_with("{\"running\":true,\"socket\":\"/run/\\\"s\\\"\",\"pid\":42,"));
        assert!(j.ends_with("\"workers\":[{\"pid\":43,\"state\":\"busy\",\"jobs_served\":7}]}"));
        let t = render_text(&s, b"/s");
        assert!(t.contains("pid      43  busy"));
    }

    #[test]
    fn a_restart_runs_in_the_foreground_with_the_same_settings() {
        let v = |a: &[&str]| a.iter().map(|s| s.as_bytes().to_vec()).collect::<Vec<_>>();
        assert_eq!(
            restart_args(&v(&["rushd", "start", "--socket", "start"])),
            v(&["rushd", "--foreground", "--socket", "start"])
        );
        assert_eq!(
            restart_args(&v(&["rushd", "--pool-size", "2"])),
            v(&["rushd", "--pool-size", "2"])
        );
    }

    #[test]
    fn command_line() {
        let args: Vec<Vec<u8>> = ["rushd", "status", "--json", "--socket", "/tmp/x"]
            .iter()
            .map(|s| s.as_bytes().to_vec())
            .collect();
        let (cmd, cfg) = parse(&args).unwrap();
        assert!(matches!(cmd, Command::Status { json: true }));
        assert_eq!(cfg.socket, b"/tmp/x");
        let args: Vec<Vec<u8>> = ["rushd", "on-demand", "--idle-exit", "7"]
            .iter()
            .map(|s| s.as_bytes().to_vec())
            .collect();
        let (cmd, cfg) = parse(&args).unwrap();
        assert!(matches!(cmd, Command::OnDemand));
        assert_eq!(cfg.idle_limit(), Some(std::time::Duration::from_secs(7)));
        let bad: Vec<Vec<u8>> = vec![b"rushd".to_vec(), b"--bogus".to_vec()];
        assert!(parse(&bad).is_err());
    }
}
