//! `rushd install-service` and `rushd uninstall-service`: run rushd under
//! the user's service manager, systemd (socket-activated user units) or,
//! on macOS, launchd (a LaunchAgent).
//!
//! The unit files are `platform/service/*`, with the program path made the
//! absolute path of the `rushd` that runs the command.

use super::cli::{EXIT_FAILURE, EXIT_OK};
use super::config::Config;
use platform::service::{
    LAUNCHD_AGENT, LAUNCHD_LABEL, SYSTEMD_SERVICE_UNIT, SYSTEMD_SOCKET_UNIT, with_exec_start,
    with_plist_string,
};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// `rushd install-service`.
pub fn install(cfg: &Config) -> i32 {
    report(if cfg!(target_os = "macos") {
        install_launchd(cfg)
    } else {
        install_systemd(cfg)
    })
}

/// `rushd uninstall-service`.
pub fn uninstall() -> i32 {
    report(if cfg!(target_os = "macos") {
        uninstall_launchd()
    } else {
        uninstall_systemd()
    })
}

fn report(r: Result<(), String>) -> i32 {
    match r {
        Ok(()) => EXIT_OK,
        Err(e) => {
            eprintln!("rushd: {e}");
            EXIT_FAILURE
        }
    }
}

fn env_path(name: &str) -> Option<PathBuf> {
    std::env::var_os(name)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

fn home() -> Result<PathBuf, String> {
    env_path("HOME").ok_or_else(|| "HOME is not set".to_string())
}

/// The manager's command-line tool, found on `PATH`, or why not.
fn find_tool(name: &str) -> Result<PathBuf, String> {
    use std::os::unix::ffi::OsStrExt;
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        let candidate = dir.join(name);
        if candidate.is_file()
            && platform::fs::access(candidate.as_os_str().as_bytes(), platform::fs::X_OK)
        {
            return Ok(candidate);
        }
    }
    let manager = if name == "launchctl" {
        "launchd"
    } else {
        "systemd"
    };
    Err(format!(
        "{name} not found on PATH: install-service needs {manager}'s {name}. \
Without a service manager, start the daemon with `rushd start`, or let rush \
start it on first use with RUSH_DAEMON=spawn (see docs/daemon.md)"
    ))
}

/// Run `tool args...`, showing the command; its output goes to ours.
fn run(tool: &Path, args: &[&str]) -> Result<(), String> {
    let shown = format!("{} {}", tool.display(), args.join(" "));
    eprintln!("rushd: running {shown}");
    let status = Command::new(tool)
        .args(args)
        .stdin(Stdio::null())
        .status()
        .map_err(|e| format!("{shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed ({status})"))
    }
}

/// This `rushd`'s absolute path, as text for a unit file.
fn program() -> Result<String, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find my own path: {e}"))?;
    let exe = exe.canonicalize().unwrap_or(exe);
    exe.into_os_string()
        .into_string()
        .map_err(|p| format!("{}: the path is not UTF-8", PathBuf::from(p).display()))
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    eprintln!("rushd: wrote {}", path.display());
    Ok(())
}

fn remove(path: &Path) -> Result<bool, String> {
    match std::fs::remove_file(path) {
        Ok(()) => {
            eprintln!("rushd: removed {}", path.display());
            Ok(true)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// A daemon started by hand holds the socket the service manager is about
/// to take: stop it first (gracefully).
fn stop_running(socket: &[u8]) -> Result<(), String> {
    if !super::is_serving(socket) {
        return Ok(());
    }
    eprintln!(
        "rushd: stopping the rushd running on {} so the service manager can take over",
        String::from_utf8_lossy(socket)
    );
    match super::cli::stop(socket) {
        EXIT_OK => Ok(()),
        _ => Err("could not stop the running rushd".into()),
    }
}

// ---- systemd --------------------------------------------------------------

/// `${XDG_CONFIG_HOME:-$HOME/.config}/systemd/user`.
fn systemd_unit_dir() -> Result<PathBuf, String> {
    let config = match env_path("XDG_CONFIG_HOME") {
        Some(c) => c,
        None => home()?.join(".config"),
    };
    Ok(config.join("systemd/user"))
}

fn install_systemd(cfg: &Config) -> Result<(), String> {
    let systemctl = find_tool("systemctl")?;
    let program = program()?;
    let dir = systemd_unit_dir()?;
    // The socket unit listens on %t/rush/rushd.sock, %t being the user
    // manager's $XDG_RUNTIME_DIR.
    let unit_socket = env_path("XDG_RUNTIME_DIR").map(|d| d.join("rush/rushd.sock"));
    match &unit_socket {
        Some(s) => {
            use std::os::unix::ffi::OsStrExt;
            let s = s.as_os_str().as_bytes();
            if s != cfg.socket.as_slice() {
                eprintln!(
                    "rushd: note: rush looks for the daemon at {} here, but the socket unit \
listens at {}; set RUSH_SOCKET to the latter where rush runs",
                    String::from_utf8_lossy(&cfg.socket),
                    String::from_utf8_lossy(s)
                );
            }
            stop_running(s)?;
        }
        None => eprintln!(
            "rushd: note: XDG_RUNTIME_DIR is not set here, so rush looks for the daemon at {}, \
not in the user manager's runtime directory where the socket unit listens",
            String::from_utf8_lossy(&cfg.socket)
        ),
    }
    write(&dir.join("rushd.socket"), SYSTEMD_SOCKET_UNIT)?;
    write(
        &dir.join("rushd.service"),
        &with_exec_start(SYSTEMD_SERVICE_UNIT, &program),
    )?;
    if let Err(e) = run(&systemctl, &["--user", "daemon-reload"]) {
        // No user manager (a container, a session not started by systemd):
        // leave nothing half-installed behind.
        remove(&dir.join("rushd.socket"))?;
        remove(&dir.join("rushd.service"))?;
        return Err(format!(
            "{e}: systemd's user manager did not answer, so nothing is installed. \
It runs in systemd login sessions (and without one after `loginctl enable-linger`); \
without it, start the daemon with `rushd start` or let rush start it with RUSH_DAEMON=spawn"
        ));
    }
    run(&systemctl, &["--user", "enable", "--now", "rushd.socket"])?;
    eprintln!(
        "rushd: installed; systemd starts {program} on the first rush job \
(status: systemctl --user status rushd.socket rushd.service; log: journalctl --user -u rushd)"
    );
    Ok(())
}

fn uninstall_systemd() -> Result<(), String> {
    let systemctl = find_tool("systemctl")?;
    let dir = systemd_unit_dir()?;
    let socket_unit = dir.join("rushd.socket");
    let service_unit = dir.join("rushd.service");
    if !socket_unit.exists() && !service_unit.exists() {
        eprintln!("rushd: no rushd units in {}", dir.display());
        return Ok(());
    }
    // Stop both (the service gracefully, by SIGTERM) before the files go.
    let stopped = run(
        &systemctl,
        &[
            "--user",
            "disable",
            "--now",
            "rushd.socket",
            "rushd.service",
        ],
    );
    remove(&socket_unit)?;
    remove(&service_unit)?;
    run(&systemctl, &["--user", "daemon-reload"])?;
    stopped?;
    eprintln!("rushd: uninstalled");
    Ok(())
}

// ---- launchd --------------------------------------------------------------

fn launchd_plist() -> Result<PathBuf, String> {
    Ok(home()?
        .join("Library/LaunchAgents")
        .join(format!("{LAUNCHD_LABEL}.plist")))
}

/// `gui/<uid>`: the per-user launchd domain of the logged-in user.
fn launchd_domain() -> String {
    format!("gui/{}", platform::process::getuid())
}

fn install_launchd(cfg: &Config) -> Result<(), String> {
    let launchctl = find_tool("launchctl")?;
    let program = program()?;
    let plist = launchd_plist()?;
    let mut log = super::cli::state_dir()?;
    log.extend_from_slice(b"/rushd.log");
    let socket = String::from_utf8(cfg.socket.clone())
        .map_err(|_| "the socket path is not UTF-8".to_string())?;
    let log = String::from_utf8(log).map_err(|_| "the state directory is not UTF-8".to_string())?;
    let text = with_plist_string(LAUNCHD_AGENT, "ProgramArguments", 0, &program);
    let text = with_plist_string(&text, "ProgramArguments", 3, &socket);
    let text = with_plist_string(&text, "StandardErrorPath", 0, &log);
    let domain = launchd_domain();
    // A previous installation is unloaded first; failure means there was none.
    let _ = Command::new(&launchctl)
        .args(["bootout", &format!("{domain}/{LAUNCHD_LABEL}")])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .status();
    stop_running(&cfg.socket)?;
    write(&plist, &text)?;
    let plist_s = plist.display().to_string();
    if run(&launchctl, &["bootstrap", &domain, &plist_s]).is_err() {
        // Before macOS 10.10 there is no bootstrap.
        run(&launchctl, &["load", "-w", &plist_s])?;
    }
    eprintln!(
        "rushd: installed; launchd runs {program} from login on (log: {log}; \
status: launchctl print {domain}/{LAUNCHD_LABEL})"
    );
    Ok(())
}

fn uninstall_launchd() -> Result<(), String> {
    let launchctl = find_tool("launchctl")?;
    let plist = launchd_plist()?;
    if !plist.exists() {
        eprintln!("rushd: no LaunchAgent at {}", plist.display());
        return Ok(());
    }
    let plist_s = plist.display().to_string();
    let target = format!("{}/{LAUNCHD_LABEL}", launchd_domain());
    if run(&launchctl, &["bootout", &target]).is_err() {
        let _ = run(&launchctl, &["unload", "-w", &plist_s]);
    }
    remove(&plist)?;
    eprintln!("rushd: uninstalled");
    Ok(())
}
