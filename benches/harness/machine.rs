//! What the numbers were measured on: the machine, the versions of rush
//! and of every peer shell, and which peers were skipped because they are
//! not installed.

use crate::json::{Value, obj};
use crate::proc::{capture, which};
use std::path::{Path, PathBuf};

/// A shell (or tool) found on this machine.
#[derive(Clone)]
pub struct Peer {
    pub name: &'static str,
    pub path: PathBuf,
    pub version: String,
}

/// Everything the harness found or could not find.
pub struct Found {
    pub dash: Option<Peer>,
    pub bash: Option<Peer>,
    pub mksh: Option<Peer>,
    pub busybox: Option<Peer>,
    pub zsh: Option<Peer>,
    pub make: Option<Peer>,
    /// Each one not found, with what to install.
    pub skipped: Vec<(&'static str, &'static str)>,
}

fn first_line(s: Option<String>) -> String {
    s.and_then(|s| s.lines().next().map(str::to_string))
        .unwrap_or_else(|| "unknown".into())
}

/// The package version, where the system has a package manager that knows.
fn package_version(pkg: &str) -> Option<String> {
    capture(&["dpkg-query", "-W", "-f=${Version}", pkg]).filter(|s| !s.is_empty())
}

fn version_of(name: &str, path: &Path) -> String {
    let p = path.to_str().unwrap_or(name);
    match name {
        // dash has no --version.
        "dash" => package_version("dash").unwrap_or_else(|| "unknown".into()),
        "mksh" => first_line(capture(&[p, "-c", "echo $KSH_VERSION"])),
        "busybox" => first_line(capture(&[p])),
        _ => first_line(capture(&[p, "--version"])),
    }
}

impl Found {
    pub fn discover() -> Found {
        let mut skipped = Vec::new();
        let mut find = |name: &'static str, package: &'static str| match which(name) {
            Some(path) => Some(Peer {
                name,
                version: version_of(name, &path),
                path,
            }),
            None => {
                skipped.push((name, package));
                None
            }
        };
        Found {
            dash: find("dash", "dash"),
            bash: find("bash", "bash"),
            mksh: find("mksh", "mksh"),
            busybox: find("busybox", "busybox"),
            zsh: find("zsh", "zsh"),
            make: find("make", "make"),
            skipped,
        }
    }

    pub fn peers(&self) -> impl Iterator<Item = &Peer> {
        [
            &self.dash,
            &self.bash,
            &self.mksh,
            &self.busybox,
            &self.zsh,
            &self.make,
        ]
        .into_iter()
        .flatten()
    }

    /// One line for the report: what was skipped and how to get it.
    pub fn skipped_note(&self) -> Option<String> {
        if self.skipped.is_empty() {
            return None;
        }
        let names: Vec<&str> = self.skipped.iter().map(|(n, _)| *n).collect();
        let pkgs: Vec<&str> = self.skipped.iter().map(|(_, p)| *p).collect();
        Some(format!(
            "skipped (not installed): {} — on Debian/Ubuntu: apt-get install -y {}",
            names.join(", "),
            pkgs.join(" ")
        ))
    }
}

/// The machine, as far as the harness can tell without privileges.
pub fn machine() -> Value {
    let os = std::env::consts::OS;
    let (release, kernel, cpu) = if cfg!(target_os = "linux") {
        let release = std::fs::read_to_string("/etc/os-release")
            .ok()
            .and_then(|t| {
                t.lines().find_map(|l| {
                    l.strip_prefix("PRETTY_NAME=")
                        .map(|v| v.trim_matches('"').to_string())
                })
            })
            .unwrap_or_default();
        let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
            .map(|s| s.trim().to_string())
            .unwrap_or_default();
        let cpu = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|t| {
                t.lines().find_map(|l| {
                    l.strip_prefix("model name")
                        .and_then(|r| r.split_once(':'))
                        .map(|(_, v)| v.trim().to_string())
                })
            })
            .unwrap_or_default();
        (release, kernel, cpu)
    } else {
        let release = capture(&["sw_vers", "-productVersion"])
            .map(|v| format!("macOS {v}"))
            .unwrap_or_default();
        let kernel = capture(&["uname", "-r"]).unwrap_or_default();
        let cpu = capture(&["sysctl", "-n", "machdep.cpu.brand_string"]).unwrap_or_default();
        (release, kernel, cpu)
    };
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    obj(vec![
        ("os", os.into()),
        ("release", release.into()),
        ("kernel", kernel.into()),
        ("arch", std::env::consts::ARCH.into()),
        ("cpu", cpu.into()),
        ("cores", cores.into()),
        ("load_average", load_average().into()),
    ])
}

/// `/proc/loadavg`'s first three numbers (Linux), or `sysctl vm.loadavg`:
/// recorded at the start and end of a run, since the machine is shared.
pub fn load_average() -> Option<String> {
    let text = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .or_else(|| capture(&["sysctl", "-n", "vm.loadavg"]))?;
    let t: Vec<&str> = text
        .split_whitespace()
        .filter(|w| w.parse::<f64>().is_ok())
        .take(3)
        .collect();
    Some(t.join(" "))
}

/// CPU seconds the whole machine has spent busy since boot (Linux:
/// `/proc/stat`, in USER_HZ ticks of 1/100 s), for [`OthersLoad`].
fn machine_busy_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let cpu = stat.lines().next()?.strip_prefix("cpu ")?;
    let v: Vec<f64> = cpu
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal ...
    let busy: f64 = v.iter().take(8).sum::<f64>() - v.get(3)? - v.get(4)?;
    Some(busy / 100.0)
}

/// Cores' worth of CPU that other processes use, measured over `window`
/// while the bench itself waits (Linux only). Taken just before and just
/// after the measurements: a better reading of a shared machine than the
/// load average, which counts processes waiting for I/O and lags by
/// minutes.
pub fn others_busy(window: std::time::Duration) -> Option<f64> {
    let before = machine_busy_seconds()?;
    std::thread::sleep(window);
    let after = machine_busy_seconds()?;
    Some(((after - before) / window.as_secs_f64()).max(0.0))
}

/// rush's own version and the commit it was built from.
pub fn rush_version(rush: &Path) -> Value {
    let version = first_line(capture(&[rush.to_str().unwrap_or("rush"), "--version"]));
    let commit = capture(&["git", "rev-parse", "--short=12", "HEAD"]).unwrap_or_default();
    let dirty = capture(&["git", "status", "--porcelain", "--untracked-files=no"])
        .map(|s| !s.is_empty())
        .unwrap_or(false);
    obj(vec![
        ("version", version.into()),
        ("commit", commit.into()),
        ("dirty", dirty.into()),
        ("rustc", first_line(capture(&["rustc", "--version"])).into()),
        ("cc", first_line(capture(&["cc", "--version"])).into()),
    ])
}
