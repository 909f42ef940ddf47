//! How fast a job starts through `rushd`, against baselines measured in the
//! same run: a static no-op binary, `dash -c`, `rush` run directly, the
//! daemon's fork mode and its poll backend; and the round trip of a job on
//! a persistent connection against a bare socketpair ping-pong that passes
//! three descriptors.
//!
//! Processes are started with `posix_spawn`, samples of the variants are
//! interleaved (so drift hits them all alike) after a warm-up, and the
//! table printed here is also written as JSON to
//! `$CARGO_TARGET_DIR/bench/daemon.json`.
//!
//! Run: `cargo bench --bench daemon` (or `just bench`). `RUSH_BENCH_N`
//! sets the samples per variant (default 300).

use platform::spawn::{Attrs, FdAction, spawn};
use rush::proto::channel::Channel;
use rush::proto::message::{JobParts, encode_job, limits_hash};
use rush::proto::{Message, split};
use std::os::fd::{AsRawFd, RawFd};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const RUSH: &str = env!("CARGO_BIN_EXE_rush");
const RUSHD: &str = env!("CARGO_BIN_EXE_rushd");

fn z(s: &str) -> Vec<u8> {
    let mut v = s.as_bytes().to_vec();
    v.push(0);
    v
}

fn environ() -> Vec<Vec<u8>> {
    use std::os::unix::ffi::OsStrExt;
    std::env::vars_os()
        .filter(|(k, _)| !k.as_bytes().starts_with(b"RUSH_"))
        .map(|(k, v)| {
            let mut e = k.as_bytes().to_vec();
            e.push(b'=');
            e.extend_from_slice(v.as_bytes());
            e.push(0);
            e
        })
        .collect()
}

/// One way of starting `echo test`.
struct Variant {
    name: &'static str,
    path: Vec<u8>,
    argv: Vec<Vec<u8>>,
    env: Vec<Vec<u8>>,
    samples: Vec<f64>,
}

impl Variant {
    fn new(name: &'static str, path: &str, argv: &[&str], extra_env: &[(&str, &str)]) -> Variant {
        let mut env = environ();
        for (k, v) in extra_env {
            env.push(z(&format!("{k}={v}")));
        }
        Variant {
            name,
            path: z(path),
            argv: argv.iter().map(|a| z(a)).collect(),
            env,
            samples: Vec::new(),
        }
    }

    /// Start it once and wait: microseconds.
    fn sample(&self, null: RawFd) -> f64 {
        let actions = [
            FdAction::Dup2(null, 0),
            FdAction::Dup2(null, 1),
            FdAction::Dup2(null, 2),
        ];
        let start = Instant::now();
        let pid = spawn(
            &self.path,
            &self.argv,
            &self.env,
            &Attrs::default(),
            &actions,
        )
        .unwrap_or_else(|e| panic!("{}: spawn: {e}", self.name));
        let st = platform::process::wait_pid_blocking(pid).expect("wait");
        let us = start.elapsed().as_secs_f64() * 1e6;
        assert_eq!(
            st,
            platform::process::WaitStatus::Exited(0),
            "{} failed",
            self.name
        );
        us
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i]
}

fn stats(samples: &[f64]) -> (f64, f64) {
    let mut s = samples.to_vec();
    s.sort_by(f64::total_cmp);
    (percentile(&s, 0.5), percentile(&s, 0.9))
}

/// A daemon for the bench, stopped on drop.
struct Daemon {
    child: Child,
    socket: PathBuf,
    _dir: PathBuf,
}

impl Daemon {
    fn start(dir: &Path, name: &str, backend: &str, fork_mode: bool) -> Daemon {
        let socket = dir.join(format!("{name}.sock"));
        let mut cmd = Command::new(RUSHD);
        cmd.arg("--foreground")
            .arg("--socket")
            .arg(&socket)
            .env("RUSH_BACKEND", backend)
            .env("RUSH_POOL_SIZE", "4")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if fork_mode {
            cmd.env("RUSH_DISABLE_POOL", "1");
        } else {
            cmd.env_remove("RUSH_DISABLE_POOL");
        }
        let child = cmd.spawn().expect("rushd");
        let start = Instant::now();
        while std::os::unix::net::UnixStream::connect(&socket).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "rushd did not start"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        // Let the pool fork.
        std::thread::sleep(Duration::from_millis(200));
        Daemon {
            child,
            socket,
            _dir: dir.to_path_buf(),
        }
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = Command::new(RUSHD)
            .arg("stop")
            .arg("--socket")
            .arg(&self.socket)
            .stderr(Stdio::null())
            .status();
        let _ = self.child.wait();
    }
}

/// Build a static C program that does nothing (or fall back to `true`).
fn static_noop(dir: &Path) -> String {
    let src = dir.join("noop.c");
    let bin = dir.join("noop");
    std::fs::write(&src, "int main(void) { return 0; }\n").expect("noop.c");
    let ok = Command::new("cc")
        .args(["-O2", "-static", "-o"])
        .arg(&bin)
        .arg(&src)
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if ok {
        bin.display().to_string()
    } else {
        eprintln!("note: cc -static failed; the no-op baseline is /bin/true");
        "/bin/true".into()
    }
}

/// Round trips of `true` on one persistent connection: microseconds each.
fn persistent_round_trips(socket: &Path, n: usize) -> Vec<f64> {
    use std::os::unix::ffi::OsStrExt;
    let sock = platform::unix::connect(socket.as_os_str().as_bytes()).expect("connect");
    let mut ch = Channel::new(sock);
    let null = platform::fd::open_owned(b"/dev/null", platform::fd::flags::RDWR, 0).expect("null");
    let cwd = platform::fd::open_cwd().expect("cwd");
    let argv: [&[u8]; 3] = [b"rush", b"-c", b"true"];
    let env: Vec<Vec<u8>> = environ()
        .into_iter()
        .map(|mut e| {
            e.pop();
            e
        })
        .collect();
    let cwd_path = platform::process::getcwd().unwrap_or_default();
    let mut frame = Vec::new();
    let parts = JobParts {
        umask: platform::process::get_umask(),
        pid: platform::process::getpid(),
        ppid: platform::process::getppid(),
        ignored: 0,
        blocked: 0,
        limits: limits_hash(),
        cwd: &cwd_path,
        fds: &[0, 1, 2],
        argv: &argv,
    };
    encode_job(&mut frame, &parts, |sink| {
        for e in &env {
            sink(e);
        }
    });
    assert!(split(&frame).expect("frame").is_some());
    let fds = [
        cwd.as_raw_fd(),
        null.as_raw_fd(),
        null.as_raw_fd(),
        null.as_raw_fd(),
    ];
    let mut out = Vec::with_capacity(n);
    for i in 0..n + 20 {
        let start = Instant::now();
        ch.send(&frame, &fds).expect("send job");
        loop {
            match ch.recv().expect("answer") {
                (Message::Exit(s), _) => {
                    assert_eq!(s.shell_status(), 0);
                    break;
                }
                (Message::Started { .. }, _) => {}
                (other, _) => panic!("unexpected {other:?}"),
            }
        }
        if i >= 20 {
            out.push(start.elapsed().as_secs_f64() * 1e6);
        }
    }
    out
}

/// A socketpair ping-pong with a child process: each ping carries three
/// descriptors, each pong one byte. Microseconds per round trip.
fn ping_pong(n: usize) -> Vec<f64> {
    let (a, b) = platform::unix::socketpair().expect("socketpair");
    let pid = match platform::process::fork().expect("fork") {
        platform::process::Fork::Child => {
            drop(a);
            let mut buf = Vec::with_capacity(64);
            let mut fds = Vec::new();
            loop {
                buf.clear();
                fds.clear();
                match platform::unix::recv_with_fds(b.as_raw_fd(), &mut buf, &mut fds, false) {
                    Ok(r) if r.len > 0 => {
                        if platform::unix::send_with_fds(b.as_raw_fd(), b"k", &[], false).is_err() {
                            platform::process::exit_now(0);
                        }
                    }
                    _ => platform::process::exit_now(0),
                }
            }
        }
        platform::process::Fork::Parent(pid) => pid,
    };
    drop(b);
    let mut out = Vec::with_capacity(n);
    let mut buf = Vec::with_capacity(64);
    let mut fds = Vec::new();
    for i in 0..n + 100 {
        let start = Instant::now();
        platform::unix::send_with_fds(a.as_raw_fd(), b"ping", &[0, 1, 2], false).expect("ping");
        buf.clear();
        platform::unix::recv_with_fds(a.as_raw_fd(), &mut buf, &mut fds, false).expect("pong");
        if i >= 100 {
            out.push(start.elapsed().as_secs_f64() * 1e6);
        }
    }
    drop(a);
    let _ = platform::process::wait_pid_blocking(pid);
    out
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is understood.
    let n: usize = std::env::var("RUSH_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let target = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into());
    let out_dir = PathBuf::from(&target).join("bench");
    std::fs::create_dir_all(&out_dir).expect("target/bench");
    let work = std::env::temp_dir().join(format!("rush-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).expect("work dir");
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(&work, std::fs::Permissions::from_mode(0o700));

    let noop = static_noop(&work);
    let native = if cfg!(target_os = "linux") {
        "uring"
    } else {
        "kqueue"
    };
    let pool = Daemon::start(&work, "pool", native, false);
    let pool_poll = Daemon::start(&work, "poll", "poll", false);
    let fork = Daemon::start(&work, "fork", native, true);
    let sock = |d: &Daemon| d.socket.display().to_string();
    let has_dash = Path::new("/usr/bin/dash").exists() || Path::new("/bin/dash").exists();
    let dash = if Path::new("/usr/bin/dash").exists() {
        "/usr/bin/dash"
    } else {
        "/bin/dash"
    };

    let mut variants = vec![
        Variant::new("static no-op", &noop, &["noop"], &[]),
        Variant::new(
            "rush -c (daemon, pool)",
            RUSH,
            &["rush", "-c", "echo test"],
            &[("RUSH_SOCKET", &sock(&pool)), ("RUSH_DAEMON", "require")],
        ),
        Variant::new(
            "rush -c (daemon, pool, poll)",
            RUSH,
            &["rush", "-c", "echo test"],
            &[
                ("RUSH_SOCKET", &sock(&pool_poll)),
                ("RUSH_DAEMON", "require"),
            ],
        ),
        Variant::new(
            "rush -c (daemon, fork mode)",
            RUSH,
            &["rush", "-c", "echo test"],
            &[("RUSH_SOCKET", &sock(&fork)), ("RUSH_DAEMON", "require")],
        ),
        Variant::new(
            "rush -c (direct)",
            RUSH,
            &["rush", "-c", "echo test"],
            &[("RUSH_DAEMON", "off")],
        ),
    ];
    if has_dash {
        variants.push(Variant::new(
            "dash -c",
            dash,
            &["dash", "-c", "echo test"],
            &[],
        ));
    }
    let null = platform::fd::open_owned(b"/dev/null", platform::fd::flags::RDWR, 0).expect("null");
    let null = null.as_raw_fd();
    for _ in 0..30 {
        for v in &variants {
            v.sample(null);
        }
    }
    for _ in 0..n {
        for v in variants.iter_mut() {
            let s = v.sample(null);
            v.samples.push(s);
        }
    }
    let rt = persistent_round_trips(&pool.socket, n * 3);
    let pp = ping_pong(n * 10);

    let (noop_med, _) = stats(&variants[0].samples);
    let find = |name: &str| {
        variants
            .iter()
            .find(|v| v.name == name)
            .map(|v| stats(&v.samples).0)
    };
    println!("\nrush daemon bench ({n} samples per variant, interleaved; microseconds)\n");
    println!(
        "{:<32} {:>10} {:>10} {:>12}",
        "variant", "median", "p90", "vs no-op"
    );
    let mut json_rows = Vec::new();
    for v in &variants {
        let (med, p90) = stats(&v.samples);
        println!(
            "{:<32} {:>10.1} {:>10.1} {:>11.2}x",
            v.name,
            med,
            p90,
            med / noop_med
        );
        json_rows.push(format!(
            "{{\"name\":\"{}\",\"median_us\":{med:.1},\"p90_us\":{p90:.1}}}",
            v.name
        ));
    }
    let (rt_med, rt_p90) = stats(&rt);
    let (pp_med, pp_p90) = stats(&pp);
    println!(
        "{:<32} {:>10.1} {:>10.1} {:>11.2}x ping-pong",
        "round trip `true` (persistent)",
        rt_med,
        rt_p90,
        rt_med / pp_med
    );
    println!(
        "{:<32} {:>10.1} {:>10.1}",
        "socketpair ping-pong, 3 fds", pp_med, pp_p90
    );
    json_rows.push(format!(
        "{{\"name\":\"round trip true (persistent)\",\"median_us\":{rt_med:.1},\"p90_us\":{rt_p90:.1}}}"
    ));
    json_rows.push(format!(
        "{{\"name\":\"socketpair ping-pong 3 fds\",\"median_us\":{pp_med:.1},\"p90_us\":{pp_p90:.1}}}"
    ));

    let daemon = find("rush -c (daemon, pool)").unwrap_or(0.0);
    let mut targets = vec![
        (
            "daemon echo <= 1.10 x static no-op",
            daemon / noop_med,
            1.10,
        ),
        ("round trip <= 3 x ping-pong", rt_med / pp_med, 3.0),
    ];
    if let Some(d) = find("dash -c") {
        targets.push(("daemon echo <= 0.8 x dash", daemon / d, 0.8));
    }
    if let Some(f) = find("rush -c (daemon, fork mode)") {
        targets.push(("pool faster than fork mode (ratio < 1)", daemon / f, 1.0));
    }
    if let Some(p) = find("rush -c (daemon, pool, poll)") {
        targets.push((
            "io_uring no slower than poll (ratio <= 1.05)",
            daemon / p,
            1.05,
        ));
    }
    println!("\ntargets (issue 3):");
    let mut json_targets = Vec::new();
    for (name, ratio, limit) in &targets {
        let ok = ratio <= limit;
        println!(
            "  {:<46} {:>6.2}  {}",
            name,
            ratio,
            if ok { "met" } else { "NOT met" }
        );
        json_targets.push(format!(
            "{{\"name\":\"{name}\",\"ratio\":{ratio:.3},\"limit\":{limit},\"met\":{ok}}}"
        ));
    }
    let json = format!(
        "{{\"samples\":{n},\"rows\":[{}],\"targets\":[{}]}}\n",
        json_rows.join(","),
        json_targets.join(",")
    );
    let path = out_dir.join("daemon.json");
    std::fs::write(&path, json).expect("write json");
    println!("\nwrote {}", path.display());
    drop(pool);
    drop(pool_poll);
    drop(fork);
    let _ = std::fs::remove_dir_all(&work);
}
