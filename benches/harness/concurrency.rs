//! Many clients at once: for each number of clients, that many threads
//! each start the command, wait for it and start it again, for a fixed
//! time (a burst). Throughput is jobs finished over the burst's wall time;
//! latency is each job's start-to-exit time. Bursts of every case and
//! client count are interleaved in shuffled rounds, after a warm-up round.

use crate::proc::{Cmd, interrupted};
use crate::stats::Shuffle;
use platform::process::WaitStatus;
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

/// A command to start from many clients at once.
pub struct Load {
    /// The stable part of the row id (`pool`, `dash`).
    pub id: &'static str,
    pub label: String,
    pub cmd: Cmd,
    pub role: crate::sample::Role,
}

/// What one case did at one client count, over all rounds.
#[derive(Default)]
pub struct Point {
    pub clients: usize,
    /// Microseconds per job.
    pub latencies: Vec<f64>,
    pub jobs: usize,
    /// Seconds of bursts, summed.
    pub wall: f64,
    pub failures: usize,
    pub first_failure: Option<String>,
}

impl Point {
    pub fn throughput(&self) -> f64 {
        if self.wall > 0.0 {
            self.jobs as f64 / self.wall
        } else {
            f64::NAN
        }
    }
}

/// One burst: `clients` threads starting `cmd` until `length` has passed.
fn burst(cmd: &Cmd, clients: usize, length: Duration, point: &mut Point, keep: bool) {
    let Ok(null) = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/null")
    else {
        point.failures += 1;
        return;
    };
    let fd = null.as_raw_fd();
    let start = Instant::now();
    let deadline = start + length;
    let results: Vec<(Vec<f64>, usize, Option<String>)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..clients)
            .map(|_| {
                s.spawn(move || {
                    let mut lat = Vec::new();
                    let mut failed = 0;
                    let mut why = None;
                    while Instant::now() < deadline && !interrupted() {
                        match cmd.time([fd, fd, fd]) {
                            Ok((us, WaitStatus::Exited(0))) => lat.push(us),
                            Ok((_, st)) => {
                                failed += 1;
                                why.get_or_insert(format!("{st:?}"));
                            }
                            Err(e) => {
                                failed += 1;
                                why.get_or_insert(e);
                                break;
                            }
                        }
                    }
                    (lat, failed, why)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let wall = start.elapsed().as_secs_f64();
    if !keep {
        return;
    }
    point.wall += wall;
    for (lat, failed, why) in results {
        point.jobs += lat.len();
        point.latencies.extend(lat);
        point.failures += failed;
        if point.first_failure.is_none() {
            point.first_failure = why;
        }
    }
}

/// Every load at every client count: `points[load][level]`.
pub fn run(
    loads: &[Load],
    levels: &[usize],
    rounds: usize,
    length: Duration,
    seed: u64,
) -> Result<Vec<Vec<Point>>, String> {
    let mut points: Vec<Vec<Point>> = loads
        .iter()
        .map(|_| {
            levels
                .iter()
                .map(|&c| Point {
                    clients: c,
                    ..Point::default()
                })
                .collect()
        })
        .collect();
    let mut order: Vec<(usize, usize)> = (0..loads.len())
        .flat_map(|l| (0..levels.len()).map(move |c| (l, c)))
        .collect();
    let mut rng = Shuffle::new(seed);
    let start = Instant::now();
    // Round 0 is the warm-up.
    for round in 0..=rounds {
        rng.shuffle(&mut order);
        for &(l, c) in &order {
            let len = if round == 0 { length / 2 } else { length };
            burst(&loads[l].cmd, levels[c], len, &mut points[l][c], round > 0);
            crate::proc::check_interrupt()?;
        }
    }
    eprintln!(
        "  {} loads x {} client counts x {rounds} rounds of {} ms in {:.1} s",
        loads.len(),
        levels.len(),
        length.as_millis(),
        start.elapsed().as_secs_f64()
    );
    for (load, pts) in loads.iter().zip(&points) {
        for p in pts {
            if p.failures > 0 {
                eprintln!(
                    "  ! {} with {} clients: {} failed runs ({})",
                    load.label,
                    p.clients,
                    p.failures,
                    p.first_failure.as_deref().unwrap_or("?")
                );
            }
        }
    }
    Ok(points)
}
