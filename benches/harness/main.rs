//! `just bench`: Rush measured side by side with the shells people would
//! use instead, in one run — start-up, the round trip without a process
//! start, concurrency, make, a script that sources a library, a startup
//! file and the interpreter — printed as a table (ratios to the static
//! no-op floor and to dash of the same run), written to
//! `target/bench/results.json` and drawn as SVG.
//!
//! ```text
//! cargo bench --bench harness [-- --quick | --smoke] [--only GROUPS] [--out DIR]
//! cargo bench --bench harness -- compare A.json B.json
//! cargo bench --bench harness -- self-test
//! ```
//!
//! It starts its own daemons on sockets in a private temporary directory
//! and stops them however it ends (including Ctrl-C). See
//! `docs/benchmarks.md`.

/// `println!` that ignores a closed stdout (`just bench | head`): the run
/// goes on to stop its daemons instead of panicking.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

mod compare;
mod concurrency;
mod json;
mod machine;
mod plot;
mod proc;
mod report;
mod roundtrip;
mod sample;
mod stats;
mod workload;

use concurrency::Load;
use json::{Value, obj};
use machine::Found;
use proc::{Cmd, Daemon, DaemonSpec};
use report::Row;
use sample::{Case, Role};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const RUSH: &str = env!("CARGO_BIN_EXE_rush");
const RUSHD: &str = env!("CARGO_BIN_EXE_rushd");

/// Every group, in the order they run.
const ALL_GROUPS: &[&str] = &[
    "startup",
    "roundtrip",
    "concurrency",
    "make",
    "script",
    "env",
    "cpu",
];

/// How much of everything to measure.
struct Settings {
    mode: &'static str,
    startup_n: usize,
    startup_warmup: usize,
    roundtrip_n: usize,
    levels: Vec<usize>,
    conc_rounds: usize,
    conc_burst: Duration,
    recipes: usize,
    make_rounds: usize,
    script_n: usize,
    cpu_rounds: usize,
    groups: Vec<String>,
    out: Option<PathBuf>,
}

impl Settings {
    fn full() -> Settings {
        Settings {
            mode: "full",
            startup_n: 2000,
            startup_warmup: 50,
            roundtrip_n: 3000,
            levels: vec![1, 4, 16, 64],
            conc_rounds: 6,
            conc_burst: Duration::from_millis(300),
            recipes: 500,
            make_rounds: 8,
            script_n: 500,
            cpu_rounds: 8,
            groups: ALL_GROUPS.iter().map(|g| g.to_string()).collect(),
            out: None,
        }
    }

    /// Under two minutes on a 2-core machine, build included.
    fn quick() -> Settings {
        Settings {
            mode: "quick",
            startup_n: 200,
            startup_warmup: 20,
            roundtrip_n: 1000,
            conc_rounds: 2,
            conc_burst: Duration::from_millis(200),
            make_rounds: 2,
            script_n: 60,
            cpu_rounds: 2,
            ..Settings::full()
        }
    }

    /// CI: checks that every case runs, measures nothing worth reading.
    fn smoke() -> Settings {
        Settings {
            mode: "smoke",
            startup_n: 10,
            startup_warmup: 2,
            roundtrip_n: 100,
            levels: vec![1, 4],
            conc_rounds: 1,
            conc_burst: Duration::from_millis(50),
            recipes: 20,
            make_rounds: 1,
            script_n: 5,
            cpu_rounds: 1,
            ..Settings::full()
        }
    }

    fn parse(args: &[String]) -> Result<Settings, String> {
        let mut s = Settings::full();
        let mut it = args.iter();
        while let Some(a) = it.next() {
            match a.as_str() {
                "--quick" => {
                    s = Settings {
                        groups: s.groups,
                        out: s.out,
                        ..Settings::quick()
                    }
                }
                "--smoke" => {
                    s = Settings {
                        groups: s.groups,
                        out: s.out,
                        ..Settings::smoke()
                    }
                }
                "--only" => {
                    let list = it.next().ok_or("--only needs a list of groups")?;
                    s.groups = list.split(',').map(str::to_string).collect();
                    if let Some(bad) = s.groups.iter().find(|g| !ALL_GROUPS.contains(&g.as_str())) {
                        return Err(format!(
                            "unknown group {bad} (groups: {})",
                            ALL_GROUPS.join(",")
                        ));
                    }
                }
                "--out" => s.out = Some(it.next().ok_or("--out needs a directory")?.into()),
                other => return Err(format!("unknown argument {other}")),
            }
        }
        Ok(s)
    }

    fn wants(&self, group: &str) -> bool {
        self.groups.iter().any(|g| g == group)
    }

    fn json(&self) -> Value {
        obj(vec![
            ("startup_samples", self.startup_n.into()),
            ("startup_warmup", self.startup_warmup.into()),
            ("roundtrip_samples", self.roundtrip_n.into()),
            (
                "concurrency_clients",
                Value::Arr(self.levels.iter().map(|&l| l.into()).collect()),
            ),
            ("concurrency_rounds", self.conc_rounds.into()),
            (
                "concurrency_burst_ms",
                (self.conc_burst.as_millis() as usize).into(),
            ),
            ("make_rounds", self.make_rounds.into()),
            ("script_samples", self.script_n.into()),
            ("cpu_rounds", self.cpu_rounds.into()),
            (
                "groups",
                Value::Arr(self.groups.iter().map(|g| g.as_str().into()).collect()),
            ),
        ])
    }
}

const USAGE: &str = "\
usage: cargo bench --bench harness [-- OPTIONS]
       cargo bench --bench harness -- compare A.json B.json
       cargo bench --bench harness -- self-test

options:
  --quick         fewer samples: under two minutes (writes target/bench/quick/)
  --smoke         a few samples of everything: checks that it works (target/bench/smoke/)
  --only GROUPS   comma-separated: startup,roundtrip,concurrency,make,script,env,cpu
  --out DIR       where results.json and the plots go";

fn main() {
    // `cargo bench` adds `--bench`.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let code = match args.first().map(String::as_str) {
        Some("compare") => compare::main(&args[1..]),
        Some("self-test") => self_test(),
        Some("--help" | "-h" | "help") => {
            say!("{USAGE}");
            0
        }
        _ => match Settings::parse(&args) {
            Ok(s) => run_guarded(&s),
            Err(e) => {
                eprintln!("bench: {e}\n{USAGE}");
                2
            }
        },
    };
    std::process::exit(code);
}

fn self_test() -> i32 {
    match stats::self_test()
        .and_then(|()| json::self_test())
        .and_then(|()| plot::self_test())
    {
        Ok(()) => {
            say!("harness self-test: ok (statistics, JSON, SVG)");
            0
        }
        Err(e) => {
            eprintln!("{e}");
            1
        }
    }
}

/// Run, then stop everything started, whatever happened.
fn run_guarded(s: &Settings) -> i32 {
    proc::install_guard();
    close_inherited();
    let work = std::env::temp_dir().join(format!("rush-bench-{}", std::process::id()));
    let result = std::fs::create_dir_all(&work)
        .map_err(|e| format!("{}: {e}", work.display()))
        .and_then(|()| {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&work, std::fs::Permissions::from_mode(0o700));
            proc::set_work_dir(&work);
            run(s, &work)
        });
    proc::stop_all();
    match result {
        Ok(0) => 0,
        Ok(failed) => {
            eprintln!("bench: {failed} case(s) failed (see the '!' lines above)");
            1
        }
        Err(_) if proc::interrupted() => {
            eprintln!("\nbench: interrupted; the daemons it started are stopped");
            130
        }
        Err(e) => {
            eprintln!("bench: {e}");
            1
        }
    }
}

/// Make every descriptor the harness inherited (beyond 0–2) close-on-exec,
/// so the timed processes start with 0, 1 and 2 only — the rush client
/// passes every open descriptor to its daemon, and a jobserver pipe
/// inherited from cargo would be one more.
fn close_inherited() {
    let mut fds = [0; platform::fd::SCAN_LIMIT];
    let n = platform::fd::open_fds(&mut fds);
    for &fd in &fds[..n] {
        if fd > 2 {
            let _ = platform::fd::set_cloexec(fd, true);
        }
    }
}

/// The backend rushd uses by default here.
fn native_backend() -> &'static str {
    if cfg!(target_os = "linux") {
        "uring"
    } else if cfg!(any(
        target_os = "macos",
        target_os = "freebsd",
        target_os = "netbsd",
        target_os = "openbsd",
        target_os = "dragonfly"
    )) {
        "kqueue"
    } else {
        "poll"
    }
}

/// How a rush case reaches (or avoids) the daemon.
fn via(d: Option<&Daemon>) -> Vec<(&'static str, String)> {
    match d {
        None => vec![("RUSH_DAEMON", "off".into())],
        Some(d) => vec![("RUSH_DAEMON", "require".into()), ("RUSH_SOCKET", d.sock())],
    }
}

fn cmd(path: &Path, argv: &[&str], env: &[(&str, String)]) -> Cmd {
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    Cmd::new(path, argv, &env)
}

/// A `SHELL=` for the make group: id, label, path, role, environment.
type MakeShell = (
    &'static str,
    String,
    PathBuf,
    Role,
    Vec<(&'static str, String)>,
);

/// Turn sampled cases into rows, or failures.
fn take(cases: Vec<Case>, rows: &mut Vec<Row>, failures: &mut Vec<(String, String, String)>) {
    for c in cases {
        match c.failure {
            Some(f) => failures.push((c.id, c.label, f)),
            None => {
                let faults = (!c.faults.is_empty()).then(|| stats::Summary::of(&c.faults).median);
                let mut row = Row::new(c.group, c.id, c.label, c.role, c.samples);
                row.faults = faults;
                rows.push(row);
            }
        }
    }
}

/// The round trip of `group`: the socketpair ping-pong, then a job `true`
/// on a persistent connection to each daemon of `backends`, interleaved.
/// With `then_pin`, the harness moves to that CPU once the ping-pong child
/// is forked and the connections made (the child and the daemons stay
/// where the harness was).
fn roundtrip_group(
    group: &'static str,
    backends: &[(&Daemon, &str, &str)],
    s: &Settings,
    rows: &mut Vec<Row>,
    failures: &mut Vec<(String, String, String)>,
    then_pin: Option<usize>,
) -> Result<(), String> {
    // Fork the ping-pong child first, while the harness has one thread.
    let mut loopers = vec![roundtrip::Looper::Ping(roundtrip::PingPong::start()?)];
    let mut meta = vec![(
        format!("{group}/pingpong"),
        "socketpair ping-pong passing 3 fds (the floor)".to_string(),
        Role::Floor,
    )];
    for &(d, name, label) in backends {
        match roundtrip::Persistent::connect(d) {
            Ok(p) => {
                loopers.push(roundtrip::Looper::Job(p));
                meta.push((
                    format!("{group}/pool-{name}"),
                    format!("job `true` on a persistent connection ({label})"),
                    Role::Plain,
                ));
            }
            Err(e) => failures.push((format!("{group}/pool-{name}"), label.into(), e)),
        }
    }
    // Only now: a job's frame carries the CPUs its client may use, and a
    // daemon runs no job whose client is placed otherwise than itself.
    if let Some(cpu) = then_pin {
        platform::process::set_cpu_affinity(&[cpu]).map_err(|e| format!("pin: {e}"))?;
    }
    let t = Instant::now();
    match roundtrip::interleave(&mut loopers, s.roundtrip_n / 10, s.roundtrip_n, 100) {
        Ok(samples) => {
            for ((id, label, role), samples) in meta.into_iter().zip(samples) {
                rows.push(Row::new(group, id, label, role, samples));
            }
        }
        Err(e) => {
            proc::check_interrupt()?;
            failures.push((group.into(), "round trip".into(), e));
        }
    }
    drop(loopers);
    eprintln!(
        "  {group}: {} x {} round trips in {:.1} s",
        rows.iter().filter(|r| r.group == group).count(),
        s.roundtrip_n,
        t.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The daemons the run uses.
struct Daemons {
    pool: Daemon,
    poll: Daemon,
    fork: Daemon,
    /// Started with `RUSH_ENV` set, for the startup-file group.
    env: Option<Daemon>,
}

impl Daemons {
    fn all(&self) -> Vec<&Daemon> {
        let mut v = vec![&self.pool, &self.poll, &self.fork];
        v.extend(self.env.as_ref());
        v
    }
}

fn run(s: &Settings, work: &Path) -> Result<usize, String> {
    let started = Instant::now();
    let window = Duration::from_millis(500);
    let others_before = machine::others_busy(window);
    let started_unix = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as usize)
        .unwrap_or(0);
    let target = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into());
    let root = PathBuf::from(target).join("bench");
    let out = s.out.clone().unwrap_or_else(|| match s.mode {
        "full" => root.clone(),
        mode => root.join(mode),
    });
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let machine = machine::machine();
    let rush = Path::new(RUSH);
    let rushd = Path::new(RUSHD);
    let native = native_backend();

    eprintln!("rush bench ({} run)", s.mode);
    let found = Found::discover();
    for p in found.peers() {
        eprintln!(
            "  found {:<8} {}  ({})",
            p.name,
            p.path.display(),
            p.version
        );
    }
    if let Some(note) = found.skipped_note() {
        eprintln!("  {note}");
    }
    let noop = workload::build_noop(&root);
    eprintln!("  floor: {} ({})", noop.path.display(), noop.how);
    // Without musl-gcc the floor is glibc's static no-op, whose start-up
    // a VM may make several times slower (CPUID traps): issue 3's first
    // target would read "met" against the wrong floor.
    let floor_warning = (cfg!(target_os = "linux") && !noop.how.contains("musl")).then(|| {
        format!(
            "warning: the floor is {} (musl-gcc not found; on Debian/Ubuntu: apt-get install -y \
             musl-tools): the 'static no-op' targets are measured against a slower floor than \
             they mean",
            noop.how
        )
    });
    if let Some(w) = &floor_warning {
        eprintln!("  {w}");
    }
    // With a musl floor, the glibc one too, for what the C library's own
    // start-up costs (rush's glibc build pays it, dash and bash pay it).
    let glibc_noop = noop
        .how
        .contains("musl")
        .then(|| workload::build_static_noop(&root, "cc", "noop"))
        .flatten();
    eprintln!("  rush built for {}", rush_build());
    let files = workload::write_files(work, s.recipes)?;

    let spec = |name, backend, fork_mode, env| DaemonSpec {
        name,
        backend,
        fork_mode,
        pool_size: 4,
        env,
    };
    let env_file = files.env_file.display().to_string();
    let env_pairs = [("RUSH_ENV", env_file.as_str())];
    let daemons = Daemons {
        pool: Daemon::start(rushd, work, &spec("pool", native, false, &[]))?,
        poll: Daemon::start(rushd, work, &spec("poll", "poll", false, &[]))?,
        fork: Daemon::start(rushd, work, &spec("fork", native, true, &[]))?,
        env: if s.wants("env") {
            Some(Daemon::start(
                rushd,
                work,
                &spec("env", native, false, &env_pairs),
            )?)
        } else {
            None
        },
    };
    for d in daemons.all() {
        eprintln!(
            "  rushd {:<5} pid {:<7} backend {:<6} mode {}{}",
            d.name,
            d.pid,
            d.backend,
            d.mode,
            if d.name != "poll" && d.backend != native {
                format!("  (asked for {native}: it fell back)")
            } else {
                String::new()
            }
        );
    }

    let mut rows: Vec<Row> = Vec::new();
    let mut failures: Vec<(String, String, String)> = Vec::new();
    let noop_label = |what: &str| {
        if noop.is_static {
            format!("static no-op {what}")
        } else {
            format!("no-op ({}) {what}", noop.how)
        }
    };
    let echo = "echo test";
    let native_label = match native {
        "uring" => "io_uring",
        other => other,
    };

    if s.wants("startup") {
        eprintln!("startup");
        let mut cases = vec![Case::new(
            "startup",
            "noop",
            &noop_label("(the floor)"),
            Cmd::new(&noop.path, &["noop", "-c", echo], &[]),
            Role::Floor,
        )];
        if let Some(g) = &glibc_noop {
            let mut c = Case::new(
                "startup",
                "noop-glibc",
                "static no-op, glibc (cc -static)",
                Cmd::new(&g.path, &["noop", "-c", echo], &[]),
                Role::Plain,
            );
            // A no-op prints nothing: its output is not the shells'.
            c.check_output = false;
            cases.push(c);
        }
        for (peer, role) in [
            (&found.dash, Role::Dash),
            (&found.bash, Role::Plain),
            (&found.mksh, Role::Plain),
            (&found.zsh, Role::Plain),
        ] {
            if let Some(p) = peer {
                cases.push(Case::new(
                    "startup",
                    p.name,
                    &format!("{} -c", p.name),
                    Cmd::new(&p.path, &[p.name, "-c", echo], &[]),
                    role,
                ));
            }
        }
        if let Some(p) = &found.busybox {
            cases.push(Case::new(
                "startup",
                "busybox-sh",
                "busybox sh -c",
                Cmd::new(&p.path, &["busybox", "sh", "-c", echo], &[]),
                Role::Plain,
            ));
        }
        let argv = ["rush", "-c", echo];
        let absent = work.join("absent.sock").display().to_string();
        cases.extend([
            Case::new(
                "startup",
                "rush-direct",
                "rush -c, direct (RUSH_DAEMON=off)",
                cmd(rush, &argv, &via(None)),
                Role::Plain,
            ),
            Case::new(
                "startup",
                "rush-auto-absent",
                "rush -c, default mode, no daemon running",
                cmd(rush, &argv, &[("RUSH_SOCKET", absent)]),
                Role::Plain,
            ),
            Case::new(
                "startup",
                &format!("rush-pool-{native}"),
                &format!("rush -c, daemon pool ({native_label})"),
                cmd(rush, &argv, &via(Some(&daemons.pool))),
                Role::Plain,
            ),
            Case::new(
                "startup",
                "rush-pool-poll",
                "rush -c, daemon pool (poll)",
                cmd(rush, &argv, &via(Some(&daemons.poll))),
                Role::Plain,
            ),
            Case::new(
                "startup",
                &format!("rush-fork-{native}"),
                &format!("rush -c, daemon fork mode ({native_label})"),
                cmd(rush, &argv, &via(Some(&daemons.fork))),
                Role::Plain,
            ),
        ]);
        sample::verify(&mut cases, work)?;
        sample::interleave(&mut cases, s.startup_warmup, s.startup_n, 1)?;
        take(cases, &mut rows, &mut failures);
    }

    if s.wants("roundtrip") {
        eprintln!("roundtrip");
        let backends = [
            (&daemons.pool, native, native_label),
            (&daemons.poll, "poll", "poll"),
        ];
        roundtrip_group("roundtrip", &backends, s, &mut rows, &mut failures, None)?;
        // Again with the parties placed: across CPUs a wake-up costs what
        // the VM charges for an interrupt, and which placement a run gets
        // unpinned is luck (docs/benchmarks.md). Every party on one CPU;
        // then the harness on one CPU and whatever answers it (the
        // ping-pong child, the daemon and its workers) on another. Fresh
        // daemons, started pinned, so that their workers are too.
        if let Some(cpus) = platform::process::cpu_affinity().filter(|c| c.len() > 1) {
            let (here, there) = (cpus[0], cpus[cpus.len() - 1]);
            for (group, then_pin) in [("roundtrip-1cpu", None), ("roundtrip-2cpu", Some(here))] {
                platform::process::set_cpu_affinity(&[there]).map_err(|e| format!("pin: {e}"))?;
                let pinned = (|| -> Result<(), String> {
                    let uring = Daemon::start(rushd, work, &spec("pinned", native, false, &[]))?;
                    let poll =
                        Daemon::start(rushd, work, &spec("pinned-poll", "poll", false, &[]))?;
                    let backends = [(&uring, native, native_label), (&poll, "poll", "poll")];
                    let r =
                        roundtrip_group(group, &backends, s, &mut rows, &mut failures, then_pin);
                    uring.stop();
                    poll.stop();
                    r
                })();
                platform::process::set_cpu_affinity(&cpus).map_err(|e| format!("unpin: {e}"))?;
                pinned?;
            }
        }
    }

    if s.wants("concurrency") {
        eprintln!("concurrency");
        let argv = ["rush", "-c", echo];
        let mut loads = vec![Load {
            id: "noop",
            label: noop_label(""),
            cmd: Cmd::new(&noop.path, &["noop", "-c", echo], &[]),
            role: Role::Floor,
        }];
        if let Some(p) = &found.dash {
            loads.push(Load {
                id: "dash",
                label: "dash -c".into(),
                cmd: Cmd::new(&p.path, &["dash", "-c", echo], &[]),
                role: Role::Dash,
            });
        }
        loads.extend([
            Load {
                id: "rush-direct",
                label: "rush -c, direct".into(),
                cmd: cmd(rush, &argv, &via(None)),
                role: Role::Plain,
            },
            Load {
                id: "rush-pool",
                label: format!("rush -c, daemon pool ({native_label})"),
                cmd: cmd(rush, &argv, &via(Some(&daemons.pool))),
                role: Role::Plain,
            },
            Load {
                id: "rush-fork",
                label: format!("rush -c, daemon fork mode ({native_label})"),
                cmd: cmd(rush, &argv, &via(Some(&daemons.fork))),
                role: Role::Plain,
            },
        ]);
        let points = concurrency::run(&loads, &s.levels, s.conc_rounds, s.conc_burst, 2)?;
        for (load, pts) in loads.iter().zip(points) {
            for p in pts {
                let throughput = p.throughput();
                let mut row = Row::new(
                    "concurrency",
                    format!("concurrency/{}/{}", load.id, p.clients),
                    load.label.trim().to_string(),
                    load.role,
                    p.latencies,
                );
                row.clients = Some(p.clients);
                row.throughput = Some(throughput);
                row.failures = p.failures;
                if p.failures > 0 {
                    failures.push((
                        row.id.clone(),
                        format!("{} x{}", row.label, p.clients),
                        format!(
                            "{} failed runs ({})",
                            p.failures,
                            p.first_failure.unwrap_or_default()
                        ),
                    ));
                }
                rows.push(row);
            }
        }
    }

    if s.wants("make") {
        match &found.make {
            None => eprintln!("make: skipped (make is not installed)"),
            Some(make) => {
                eprintln!("make ({} recipes)", files.recipes);
                let mf = files.makefile.display().to_string();
                let with = |shell: &Path| format!("SHELL={}", shell.display());
                let mut shells: Vec<MakeShell> = vec![(
                    "noop",
                    noop_label("as SHELL (the floor)"),
                    noop.path.clone(),
                    Role::Floor,
                    vec![],
                )];
                if let Some(p) = &found.dash {
                    shells.push((
                        "dash",
                        "make SHELL=dash".into(),
                        p.path.clone(),
                        Role::Dash,
                        vec![],
                    ));
                }
                if let Some(p) = &found.bash {
                    shells.push((
                        "bash",
                        "make SHELL=bash".into(),
                        p.path.clone(),
                        Role::Plain,
                        vec![],
                    ));
                }
                shells.push((
                    "rush-direct",
                    "make SHELL=rush, direct".into(),
                    rush.to_path_buf(),
                    Role::Plain,
                    via(None),
                ));
                shells.push((
                    "rush-pool",
                    format!("make SHELL=rush, daemon pool ({native_label})"),
                    rush.to_path_buf(),
                    Role::Plain,
                    via(Some(&daemons.pool)),
                ));
                let mut cases: Vec<Case> = shells
                    .into_iter()
                    .map(|(id, label, shell, role, env)| {
                        let sh = with(&shell);
                        Case::new(
                            "make",
                            id,
                            &label,
                            cmd(&make.path, &["make", "-s", "-f", &mf, &sh], &env),
                            role,
                        )
                    })
                    .collect();
                sample::verify(&mut cases, work)?;
                sample::interleave(&mut cases, 1, s.make_rounds, 3)?;
                take(cases, &mut rows, &mut failures);
            }
        }
    }

    if s.wants("script") {
        eprintln!("script ({} lines sourced)", files.lib_lines);
        let script = files.script.display().to_string();
        let mut cases = vec![Case::new(
            "script",
            "noop",
            &noop_label("(the floor)"),
            Cmd::new(&noop.path, &["noop", &script], &[]),
            Role::Floor,
        )];
        for (peer, role) in [(&found.dash, Role::Dash), (&found.bash, Role::Plain)] {
            if let Some(p) = peer {
                cases.push(Case::new(
                    "script",
                    p.name,
                    &format!("{} script.sh", p.name),
                    Cmd::new(&p.path, &[p.name, &script], &[]),
                    role,
                ));
            }
        }
        cases.push(Case::new(
            "script",
            "rush-direct",
            "rush script.sh, direct",
            cmd(rush, &["rush", &script], &via(None)),
            Role::Plain,
        ));
        cases.push(Case::new(
            "script",
            "rush-pool",
            &format!("rush script.sh, daemon pool ({native_label})"),
            cmd(rush, &["rush", &script], &via(Some(&daemons.pool))),
            Role::Plain,
        ));
        sample::verify(&mut cases, work)?;
        sample::interleave(&mut cases, (s.script_n / 20).max(1), s.script_n, 4)?;
        take(cases, &mut rows, &mut failures);
    }

    if s.wants("env") {
        eprintln!("env ({} lines in the startup file)", files.env_lines);
        let c = files.env_command.as_str();
        let rush_argv = ["rush", "-c", c];
        let with_env = |mut v: Vec<(&'static str, String)>| {
            v.push(("RUSH_ENV", env_file.clone()));
            v
        };
        let mut cases = vec![Case::new(
            "env",
            "noop",
            &noop_label("(the floor)"),
            Cmd::new(&noop.path, &["noop", "-c", c], &[]),
            Role::Floor,
        )];
        cases.push(Case::new(
            "env",
            "rush-direct",
            "rush -c, RUSH_ENV, direct",
            cmd(rush, &rush_argv, &with_env(via(None))),
            Role::Plain,
        ));
        if let Some(d) = &daemons.env {
            cases.push(Case::new(
                "env",
                "rush-pool",
                &format!("rush -c, RUSH_ENV, daemon pool ({native_label})"),
                cmd(rush, &rush_argv, &with_env(via(Some(d)))),
                Role::Plain,
            ));
        }
        cases.push(Case::new(
            "env",
            "rush-pool-cold",
            "rush -c, RUSH_ENV, daemon started without it",
            cmd(rush, &rush_argv, &with_env(via(Some(&daemons.pool)))),
            Role::Plain,
        ));
        if let Some(p) = &found.bash {
            cases.push(Case::new(
                "env",
                "bash",
                "bash -c, BASH_ENV",
                cmd(
                    &p.path,
                    &["bash", "-c", c],
                    &[("BASH_ENV", env_file.clone())],
                ),
                Role::Plain,
            ));
        }
        sample::verify(&mut cases, work)?;
        sample::interleave(&mut cases, (s.script_n / 20).max(1), s.script_n, 5)?;
        take(cases, &mut rows, &mut failures);
    }

    if s.wants("cpu") {
        eprintln!("cpu (benches/cpu.sh)");
        let script = files.cpu_script.display().to_string();
        let mut cases = Vec::new();
        for (peer, role) in [(&found.dash, Role::Dash), (&found.bash, Role::Plain)] {
            if let Some(p) = peer {
                cases.push(Case::new(
                    "cpu",
                    p.name,
                    &format!("{} cpu.sh", p.name),
                    Cmd::new(&p.path, &[p.name, &script], &[]),
                    role,
                ));
            }
        }
        cases.push(Case::new(
            "cpu",
            "rush-direct",
            "rush cpu.sh, direct",
            cmd(rush, &["rush", &script], &via(None)),
            Role::Plain,
        ));
        cases.push(Case::new(
            "cpu",
            "rush-pool",
            &format!("rush cpu.sh, daemon pool ({native_label})"),
            cmd(rush, &["rush", &script], &via(Some(&daemons.pool))),
            Role::Plain,
        ));
        sample::verify(&mut cases, work)?;
        sample::interleave(&mut cases, 1, s.cpu_rounds, 6)?;
        take(cases, &mut rows, &mut failures);
    }

    // What the daemons saw: a busy refusal or a respawn would taint the
    // figures, so they go in the results.
    let daemon_json: Vec<Value> = daemons
        .all()
        .iter()
        .map(|d| {
            let st = d.status().ok();
            obj(vec![
                ("name", d.name.as_str().into()),
                ("backend", d.backend.as_str().into()),
                ("mode", d.mode.as_str().into()),
                ("pool_size", d.pool_size.into()),
                (
                    "jobs_served",
                    st.as_ref().map(|s| s.jobs_served as usize).into(),
                ),
                (
                    "jobs_relayed",
                    st.as_ref().map(|s| s.jobs_relayed as usize).into(),
                ),
                (
                    "busy_refusals",
                    st.as_ref().map(|s| s.busy_refusals as usize).into(),
                ),
                ("respawns", st.as_ref().map(|s| s.respawns as usize).into()),
            ])
        })
        .collect();
    for d in daemons.all() {
        d.stop();
    }

    report::compute_ratios(&mut rows);
    let targets = report::targets(&rows, native);
    let table = report::table(&rows, &targets);
    let run_name = format!(
        "{} run, {} {}, {} cores, rush built for {}",
        s.mode,
        machine.s("os"),
        machine.s("kernel"),
        machine.f("cores").unwrap_or(0.0),
        rush_build()
    );
    say!("\nrush bench: {run_name}");
    say!("{}", table.trim_end());
    if let Some(w) = &floor_warning {
        say!("\n{w}");
    }
    let cores = machine.f("cores").unwrap_or(1.0);
    let others_after = machine::others_busy(window);
    if let (Some(b), Some(a)) = (others_before, others_after) {
        say!(
            "\nother processes kept {b:.2} of {cores} cores busy just before this run, {a:.2} just after"
        );
        if b.max(a) > 0.25 {
            say!(
                "note: a busy machine: absolute times are inflated and spread wide. Read the ratios, \
                 and compare runs taken at similar load."
            );
        }
    }
    for (_, label, why) in &failures {
        say!("  ! {label}: {why}");
    }
    if let Some(note) = found.skipped_note() {
        say!("\n{note}");
    }

    // Plots.
    let png = proc::which("rsvg-convert").is_some();
    let mut plots = Vec::new();
    let startup: Vec<&Row> = rows.iter().filter(|r| r.group == "startup").collect();
    if !startup.is_empty() {
        plots.extend(plot::write(
            &out,
            "startup-cdf",
            &plot::startup_cdf(&startup, &run_name),
            png,
        ));
    }
    let conc: Vec<&Row> = rows.iter().filter(|r| r.group == "concurrency").collect();
    if !conc.is_empty() {
        let (thr, lat) = plot::concurrency(&conc, &run_name);
        plots.extend(plot::write(&out, "concurrency-throughput", &thr, png));
        plots.extend(plot::write(&out, "concurrency-latency", &lat, png));
    }

    let doc = obj(vec![
        ("schema", "rush-bench/1".into()),
        ("mode", s.mode.into()),
        ("started_unix", started_unix.into()),
        ("duration_s", started.elapsed().as_secs_f64().into()),
        ("machine", machine.clone()),
        ("load_average_end", machine::load_average().into()),
        ("others_busy_cores_before", others_before.into()),
        ("others_busy_cores_after", others_after.into()),
        ("rush", machine::rush_version(rush)),
        ("rush_build", rush_build().into()),
        (
            "backend",
            obj(vec![
                ("native", native.into()),
                ("daemons", Value::Arr(daemon_json)),
            ]),
        ),
        (
            "peers",
            Value::Arr(
                found
                    .peers()
                    .map(|p| {
                        obj(vec![
                            ("name", p.name.into()),
                            ("path", p.path.display().to_string().into()),
                            ("version", p.version.as_str().into()),
                        ])
                    })
                    .collect(),
            ),
        ),
        (
            "skipped",
            Value::Arr(
                found
                    .skipped
                    .iter()
                    .map(|(n, pkg)| obj(vec![("name", (*n).into()), ("package", (*pkg).into())]))
                    .collect(),
            ),
        ),
        (
            "floor",
            obj(vec![
                ("path", noop.path.display().to_string().into()),
                ("how", noop.how.as_str().into()),
                ("static", noop.is_static.into()),
            ]),
        ),
        ("settings", s.json()),
        (
            "workload",
            obj(vec![
                ("make_recipes", files.recipes.into()),
                ("library_lines", files.lib_lines.into()),
                ("startup_file_lines", files.env_lines.into()),
                ("startup_file_command", files.env_command.as_str().into()),
                ("cpu_script", "benches/cpu.sh".into()),
            ]),
        ),
        (
            "cases",
            Value::Arr(rows.iter().map(report::row_json).collect()),
        ),
        (
            "targets",
            Value::Arr(targets.iter().map(report::target_json).collect()),
        ),
        (
            "failures",
            Value::Arr(
                failures
                    .iter()
                    .map(|(id, label, why)| {
                        obj(vec![
                            ("id", id.as_str().into()),
                            ("label", label.as_str().into()),
                            ("reason", why.as_str().into()),
                        ])
                    })
                    .collect(),
            ),
        ),
        (
            "plots",
            Value::Arr(
                plots
                    .iter()
                    .map(|p| p.display().to_string().into())
                    .collect(),
            ),
        ),
    ]);
    let json_path = out.join("results.json");
    std::fs::write(&json_path, doc.pretty())
        .map_err(|e| format!("{}: {e}", json_path.display()))?;
    let txt_path = out.join("results.txt");
    let _ = std::fs::write(&txt_path, format!("rush bench: {run_name}\n{table}"));
    say!("\nwrote {} and {}", json_path.display(), txt_path.display());
    for p in &plots {
        say!("wrote {}", p.display());
    }
    if !png {
        say!("(no PNG copies: rsvg-convert is not installed; apt-get install -y librsvg2-bin)");
    }
    say!("took {:.0} s", started.elapsed().as_secs_f64());
    Ok(failures.len())
}

/// The target the rush binaries under test were built for (the harness is
/// built in the same cargo invocation, so its own target is theirs).
fn rush_build() -> &'static str {
    if cfg!(target_env = "musl") {
        "musl (static)"
    } else if cfg!(target_env = "gnu") {
        "glibc (static)"
    } else {
        std::env::consts::OS
    }
}
