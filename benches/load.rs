//! `rushd` under load and over time: many concurrent `rush` clients, each
//! job with a known output line and exit status, while a chaos thread feeds
//! the daemon bad frames and stalled connections, kills clients and workers
//! mid-job and sends SIGHUP. Prints a table, writes JSON to
//! `$CARGO_TARGET_DIR/bench/<mode>.json`, and exits non-zero when any job
//! was lost or got a wrong status, any fault was not survived, or (for
//! `endurance`) the daemon's descriptors or memory grew.
//!
//! Run: `just load` (64 clients, 50,000 jobs) or `just endurance`
//! (100,000 jobs, descriptors and RSS sampled every 10,000).
//! Settings: `RUSH_LOAD_MODE=load|endurance`, `RUSH_LOAD_JOBS`,
//! `RUSH_LOAD_CLIENTS`, `RUSH_LOAD_BACKEND` (default: the OS's best),
//! `RUSH_LOAD_LIMIT_S` (the whole run's bound, default 1800).
//! Linux only for the descriptor, RSS and process checks (`/proc`).

#[path = "../tests/daemon_support/mod.rs"]
mod daemon_support;

use daemon_support::*;
use std::os::fd::AsRawFd;
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The status and line job `i` must end with.
fn expected(i: u64) -> (i32, String) {
    (((i * 7) % 256) as i32, format!("job {i}\n"))
}

#[derive(Default)]
struct Tally {
    ok: AtomicU64,
    wrong_status: AtomicU64,
    wrong_output: AtomicU64,
    lost: AtomicU64,
}

/// Job `i`'s command. Most are one line of output and an exit; one in 50
/// also changes a resource limit, which retires its worker after it (the
/// daemon forks another), and one in 50 sleeps 10 ms first, past the 5 ms
/// after which a daemon whose workers are all busy accepts clients itself:
/// hand-overs between the workers and the daemon under load.
fn command(i: u64) -> String {
    let (status, _) = expected(i);
    let job = format!("echo job {i}; exit {status}");
    match i % 50 {
        0 => format!("ulimit -c 0; {job}"),
        25 => format!("sleep 0.01; {job}"),
        _ => job,
    }
}

/// Run job `i` as a real `rush -c` client (falling back on busy, as
/// `RUSH_DAEMON=auto` does) and check what it did.
fn run_job(socket: &std::path::Path, i: u64, t: &Tally) {
    let (status, line) = expected(i);
    let child = Command::new(RUSH)
        .env("RUSH_SOCKET", socket)
        .env("RUSH_DAEMON", "auto")
        .arg("-c")
        .arg(command(i))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let Ok(child) = child else {
        t.lost.fetch_add(1, Ordering::Relaxed);
        return;
    };
    let Ok(out) = child.wait_with_output() else {
        t.lost.fetch_add(1, Ordering::Relaxed);
        return;
    };
    match out.status.code() {
        None => {
            t.lost.fetch_add(1, Ordering::Relaxed);
        }
        Some(c) if c != status => {
            t.wrong_status.fetch_add(1, Ordering::Relaxed);
            if t.wrong_status.load(Ordering::Relaxed) < 5 {
                eprintln!(
                    "job {i}: status {c}, not {status}: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
        }
        Some(_) if out.stdout != line.as_bytes() => {
            t.wrong_output.fetch_add(1, Ordering::Relaxed);
        }
        Some(_) => {
            t.ok.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Faults and bad input, tried and survived, by kind.
#[derive(Default, Clone)]
struct Chaos {
    bad_tried: u64,
    bad_survived: u64,
    stalls_tried: u64,
    stalls_survived: u64,
    client_kills: u64,
    client_kills_survived: u64,
    worker_kills: u64,
    worker_kills_survived: u64,
    sighups: u64,
    skipped_busy: u64,
}

fn header(kind: u8, flags: u8, nfds: u8, len: u32) -> Vec<u8> {
    let mut h = b"RUSH".to_vec();
    h.extend_from_slice(&[rush::proto::VERSION, kind, flags, nfds]);
    h.extend_from_slice(&len.to_le_bytes());
    h
}

/// Bad inputs: bytes, descriptors to attach, and whether to end the
/// writing side after them.
fn bad_inputs() -> Vec<(Vec<u8>, usize, bool)> {
    let job = job_frame("echo never", &[0, 1, 2]);
    let mut bad_version = header(3, 0, 0, 0);
    bad_version[4] = rush::proto::VERSION.wrapping_add(1);
    vec![
        (b"garbage, not a frame".to_vec(), 0, false),
        (b"RUSX\x02\x03\0\0\0\0\0\0".to_vec(), 0, false),
        (bad_version, 0, false),
        (header(1, 0, 4, u32::MAX), 0, false),
        (header(99, 0, 0, 0), 0, false),
        (header(3, 0x40, 0, 0), 0, false),
        (
            {
                let mut f = header(32, 0, 0, 8);
                f.extend_from_slice(&[0; 8]);
                f
            },
            0,
            false,
        ),
        (
            {
                let mut f = header(1, 0, 1, 4);
                f.extend_from_slice(b"junk");
                f
            },
            1,
            false,
        ),
        (job.clone(), 0, false),
        (job.clone(), 9, false),
        (header(3, 0, 0, 0), 3, false),
        (job[..job.len() / 2].to_vec(), 4, true),
    ]
}

fn parent_of(pid: i32) -> Option<i32> {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()?
        .rsplit_once(')')?
        .1
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// One chaos action; `n` picks which.
fn chaos_step(d: &Daemon, n: u64, c: &mut Chaos, null: &std::fs::File) {
    match n % 6 {
        0 | 3 => {
            let inputs = bad_inputs();
            let (bytes, nfds, shut) = &inputs[(n / 6) as usize % inputs.len()];
            c.bad_tried += 1;
            let mut s = raw_connect(&d.socket);
            let fds: Vec<i32> = (0..*nfds).map(|_| null.as_raw_fd()).collect();
            send_fds(&s, bytes, &fds);
            if *shut {
                let _ = s.shutdown(std::net::Shutdown::Write);
            }
            let (msgs, closed) = read_until_closed(&mut s, Duration::from_secs(5));
            if closed {
                c.bad_survived += 1;
            } else {
                eprintln!(
                    "bad input {} not closed: {msgs:?}",
                    (n / 6) as usize % inputs.len()
                );
            }
        }
        1 => {
            // Half a frame, then silence: the daemon must hang up.
            c.stalls_tried += 1;
            let s = raw_connect(&d.socket);
            let job = job_frame("true", &[0, 1, 2]);
            send_fds(&s, &job[..7], &[]);
            let mut s = s;
            let at = Instant::now();
            let (msgs, closed) = read_until_closed(&mut s, Duration::from_secs(5));
            if closed {
                c.stalls_survived += 1;
            } else {
                eprintln!("stall not closed after {:?}: {msgs:?}", at.elapsed());
            }
        }
        2 | 4 => {
            let kill_worker = n % 6 == 4;
            // The job says where its `sleep` is; under RUSH_DAEMON=require a
            // busy daemon refuses it at once, and it is tried again.
            let pid_file = d.dir.path().join(format!("chaos-{n}"));
            let mut attempt = 0;
            let (mut client, job) = loop {
                attempt += 1;
                let mut client = Command::new(RUSH)
                    .env("RUSH_SOCKET", &d.socket)
                    .env("RUSH_DAEMON", "require")
                    .arg("-c")
                    .arg(format!(
                        "sleep 30 & echo $! > '{}.tmp'; mv '{0}.tmp' '{0}'; wait",
                        pid_file.display()
                    ))
                    .stdin(Stdio::null())
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .expect("spawn");
                let deadline = Instant::now() + Duration::from_secs(10);
                let mut pid = None;
                while Instant::now() < deadline {
                    if let Some(p) = std::fs::read_to_string(&pid_file)
                        .ok()
                        .and_then(|s| s.trim().parse::<i32>().ok())
                    {
                        pid = Some(p);
                        break;
                    }
                    if client.try_wait().ok().flatten().is_some() {
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(10));
                }
                match pid {
                    Some(p) => break (client, p),
                    None => {
                        let _ = client.kill();
                        let _ = client.wait();
                        c.skipped_busy += 1;
                        if attempt == 10 {
                            return;
                        }
                        std::thread::sleep(Duration::from_millis(20));
                    }
                }
            };
            if kill_worker {
                c.worker_kills += 1;
                let workers = worker_pids(&d.status());
                let Some(worker) = parent_of(job).filter(|p| workers.contains(p)) else {
                    eprintln!(
                        "job {job}: parent {:?} not a worker {workers:?}",
                        parent_of(job)
                    );
                    let _ = client.kill();
                    let _ = client.wait();
                    return;
                };
                let at = Instant::now();
                let _ = platform::signal::send(worker, platform::signal::SIGKILL);
                let mut status = None;
                while at.elapsed() < Duration::from_secs(1) {
                    if let Ok(Some(s)) = client.try_wait() {
                        status = Some(s);
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(2));
                }
                let in_time = status.is_some();
                let status = status.or_else(|| client.wait().ok());
                let gone = eventually(Duration::from_secs(3), || !alive(job));
                // The client, told its worker died of SIGKILL, dies of it
                // as a shell so killed would (docs/daemon.md).
                if in_time
                    && status.and_then(|s| s.signal()) == Some(platform::signal::SIGKILL)
                    && gone
                {
                    c.worker_kills_survived += 1;
                } else {
                    eprintln!("worker kill: in time {in_time}, {status:?}, job gone {gone}");
                }
            } else {
                c.client_kills += 1;
                let _ = client.kill();
                let _ = client.wait();
                if eventually(Duration::from_secs(3), || !alive(job)) {
                    c.client_kills_survived += 1;
                } else {
                    eprintln!("client kill: the job's sleep {job} survived");
                }
            }
        }
        _ => {
            c.sighups += 1;
            let _ = platform::signal::send(d.pid() as i32, platform::signal::SIGHUP);
        }
    }
}

fn main() {
    let mode = std::env::var("RUSH_LOAD_MODE").unwrap_or_else(|_| "load".into());
    let endurance = mode == "endurance";
    let jobs = env_num("RUSH_LOAD_JOBS", if endurance { 100_000 } else { 50_000 });
    let clients = env_num("RUSH_LOAD_CLIENTS", 64);
    let limit = Duration::from_secs(env_num("RUSH_LOAD_LIMIT_S", 1800));
    let backend: &'static str = match std::env::var("RUSH_LOAD_BACKEND").as_deref() {
        Ok("poll") => "poll",
        Ok("kqueue") => "kqueue",
        // Every job relayed by the daemon (RUSH_WORKER_ACCEPT=0).
        Ok("relay") => "relay",
        _ => backends()[0],
    };
    let pool = 4;
    // Small enough that 64 clients overflow it and some are refused busy
    // (each then runs its job itself, and must get it right).
    let queue_max = env_num("RUSH_LOAD_QUEUE_MAX", 8) as usize;
    // The whole run is bounded: a hang is a failure, not a stuck recipe.
    let what = mode.clone();
    std::thread::spawn(move || {
        std::thread::sleep(limit);
        eprintln!("{what}: still running after {limit:?}; giving up");
        std::process::exit(2);
    });

    let d = Daemon::start_with(
        backend,
        Settings {
            pool_size: Some(pool),
            queue_max: Some(queue_max),
            env: vec![("RUSH_REQUEST_TIMEOUT".into(), "1000".into())],
            ..Settings::default()
        },
    );
    let daemon = d.pid() as i32;
    let log_path = d.dir.path().join("rushd.log");
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let log = std::fs::read_to_string(&log_path).unwrap_or_default();
        let tail: Vec<&str> = log.lines().rev().take(30).collect();
        eprintln!("rushd's log, last lines:");
        for l in tail.iter().rev() {
            eprintln!("  {l}");
        }
        default_hook(info);
    }));
    // Warm up (first allocations, the workers' first jobs), then measure.
    let warm = Tally::default();
    for i in 0..200 {
        run_job(&d.socket, 1_000_000 + i, &warm);
    }
    std::thread::sleep(Duration::from_millis(200));
    let fds_start = fd_count(daemon);
    let rss_start = rss_kib(daemon);
    let status_start = d.status();
    let served_start = json_number(&status_start, "jobs_served").unwrap_or(0);
    let busy_start = json_number(&status_start, "busy_refusals").unwrap_or(0);

    let tally = Arc::new(Tally::default());
    let next = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let socket = d.socket.clone();
    let workers: Vec<_> = (0..clients)
        .map(|_| {
            let (t, next, socket) = (tally.clone(), next.clone(), socket.clone());
            std::thread::spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= jobs {
                        break;
                    }
                    run_job(&socket, i, &t);
                }
            })
        })
        .collect();

    // Chaos alongside, and samples of the daemon's descriptors and memory.
    let mut chaos = Chaos::default();
    let mut samples: Vec<(u64, usize, u64)> = Vec::new();
    let null = std::fs::File::open("/dev/null").expect("/dev/null");
    let mut n = 0;
    let mut next_sample = 10_000;
    while next.load(Ordering::Relaxed) < jobs {
        chaos_step(&d, n, &mut chaos, &null);
        n += 1;
        let at = next.load(Ordering::Relaxed);
        if at >= next_sample {
            samples.push((at.min(jobs), fd_count(daemon), rss_kib(daemon)));
            next_sample += 10_000;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    for w in workers {
        let _ = w.join();
    }
    let elapsed = started.elapsed();

    // Settle: every connection closed, the pool whole and idle.
    let settled = eventually(Duration::from_secs(10), || {
        let st = d.status();
        fd_count(daemon) == fds_start && count(&st, "\"state\":\"idle\"") == pool
    });
    let fds_end = fd_count(daemon);
    let rss_end = rss_kib(daemon);
    samples.retain(|s| s.0 < jobs);
    samples.push((jobs, fds_end, rss_end));
    let st = d.status();
    let served = json_number(&st, "jobs_served").unwrap_or(0) - served_start;
    let busy = json_number(&st, "busy_refusals").unwrap_or(0) - busy_start;
    let respawns = json_number(&st, "respawns").unwrap_or(0);
    let zombies = zombies_of(daemon).len();
    let stop = d.stop();

    let ok = tally.ok.load(Ordering::Relaxed);
    let wrong_status = tally.wrong_status.load(Ordering::Relaxed);
    let wrong_output = tally.wrong_output.load(Ordering::Relaxed);
    let lost = tally.lost.load(Ordering::Relaxed);
    // Growth over the second half of the run says whether memory leaks;
    // the first half includes the allocator reaching its working size.
    let mid = samples
        .iter()
        .find(|s| s.0 >= jobs / 2)
        .map_or(rss_start, |s| s.2);
    let rss_growth_second_half = rss_end as i64 - mid as i64;

    println!("rushd {mode}: {jobs} jobs, {clients} concurrent clients, backend {backend}");
    println!("  pool {pool}, queue limit {queue_max}, request timeout 1000 ms");
    println!(
        "  time                     {:.1} s ({:.0} jobs/s)",
        elapsed.as_secs_f64(),
        jobs as f64 / elapsed.as_secs_f64()
    );
    println!("  jobs correct             {ok}");
    println!("  jobs lost                {lost}");
    println!("  wrong statuses           {wrong_status}");
    println!("  wrong output             {wrong_output}");
    println!("  served by the daemon     {served} (chaos jobs included)");
    println!("  busy, ran directly       {busy}");
    println!(
        "  bad frames               {} tried, {} survived",
        chaos.bad_tried, chaos.bad_survived
    );
    println!(
        "  stalled half frames      {} tried, {} timed out",
        chaos.stalls_tried, chaos.stalls_survived
    );
    println!(
        "  clients killed mid-job   {} injected, {} survived (job's group gone)",
        chaos.client_kills, chaos.client_kills_survived
    );
    println!(
        "  workers killed mid-job   {} injected, {} survived (client dies of SIGKILL within 1 s)",
        chaos.worker_kills, chaos.worker_kills_survived
    );
    println!("  SIGHUP (pool replaced)   {}", chaos.sighups);
    println!("  chaos skipped (busy)     {}", chaos.skipped_busy);
    println!("  worker respawns          {respawns}");
    println!("  daemon fds               {fds_start} before, {fds_end} after");
    println!(
        "  daemon RSS               {rss_start} KiB before, {rss_end} KiB after ({rss_growth_second_half:+} KiB over the second half)"
    );
    println!("  zombies of the daemon    {zombies}");
    println!("  samples (jobs, fds, RSS KiB):");
    for (j, f, r) in &samples {
        println!("    {j:>7} {f:>4} {r:>7}");
    }

    let target = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into());
    let out_dir = std::path::Path::new(&target).join("bench");
    let _ = std::fs::create_dir_all(&out_dir);
    let json = format!(
        "{{\"mode\":\"{mode}\",\"jobs\":{jobs},\"clients\":{clients},\"backend\":\"{backend}\",\
\"seconds\":{:.3},\"correct\":{ok},\"lost\":{lost},\"wrong_status\":{wrong_status},\
\"wrong_output\":{wrong_output},\"served\":{served},\"busy_fallbacks\":{busy},\
\"bad_tried\":{},\"bad_survived\":{},\"stalls_tried\":{},\"stalls_survived\":{},\
\"client_kills\":{},\"client_kills_survived\":{},\"worker_kills\":{},\"worker_kills_survived\":{},\
\"sighups\":{},\"respawns\":{respawns},\"fds_before\":{fds_start},\"fds_after\":{fds_end},\
\"rss_kib_before\":{rss_start},\"rss_kib_after\":{rss_end},\"rss_kib_growth_second_half\":{rss_growth_second_half},\
\"samples\":[{}]}}\n",
        elapsed.as_secs_f64(),
        chaos.bad_tried,
        chaos.bad_survived,
        chaos.stalls_tried,
        chaos.stalls_survived,
        chaos.client_kills,
        chaos.client_kills_survived,
        chaos.worker_kills,
        chaos.worker_kills_survived,
        chaos.sighups,
        samples
            .iter()
            .map(|(j, f, r)| format!("[{j},{f},{r}]"))
            .collect::<Vec<_>>()
            .join(",")
    );
    let _ = std::fs::write(out_dir.join(format!("{mode}.json")), json);

    let mut failures = Vec::new();
    if ok != jobs {
        failures.push(format!("{} of {jobs} jobs not correct", jobs - ok));
    }
    if chaos.bad_survived != chaos.bad_tried || chaos.stalls_survived != chaos.stalls_tried {
        failures.push("a bad input was not survived".to_string());
    }
    if chaos.client_kills_survived != chaos.client_kills
        || chaos.worker_kills_survived != chaos.worker_kills
    {
        failures.push("a fault was not survived".to_string());
    }
    if !settled || fds_end != fds_start {
        failures.push(format!("descriptors: {fds_start} before, {fds_end} after"));
    }
    if zombies != 0 {
        failures.push(format!("{zombies} zombies"));
    }
    if endurance && rss_growth_second_half > 256 {
        failures.push(format!(
            "RSS grew {rss_growth_second_half} KiB over the second half"
        ));
    }
    if stop.code() != Some(0) {
        failures.push("rushd stop failed".to_string());
    }
    if failures.is_empty() {
        println!("PASS");
    } else {
        println!("FAIL: {}", failures.join("; "));
        std::process::exit(1);
    }
}
