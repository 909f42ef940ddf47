//! Rows, ratios, the issue targets, the table on stdout and the JSON
//! document. Every ratio is a cost ratio taken against a baseline measured
//! in the same run (lower is better): medians of time per job, or for the
//! concurrency rows the inverse of throughput.

use crate::json::{Value, obj};
use crate::sample::Role;
use crate::stats::{Shuffle, Summary, quantile};
use std::fmt::Write as _;

/// `writeln!` into a `String`, which cannot fail.
macro_rules! outln {
    ($out:expr, $($arg:tt)*) => {
        let _ = writeln!($out, $($arg)*);
    };
}

/// The groups, in the order the table shows them, with their titles and
/// the unit their times are printed in.
pub const GROUPS: &[(&str, &str, Unit)] = &[
    (
        "startup",
        "start-up: -c 'echo test', one process start per sample",
        Unit::Us,
    ),
    (
        "roundtrip",
        "round trip without a process start (persistent connection)",
        Unit::Us,
    ),
    (
        "roundtrip-1cpu",
        "round trip without a process start, every process on one CPU",
        Unit::Us,
    ),
    (
        "roundtrip-2cpu",
        "round trip without a process start, the client on one CPU, what answers it on another",
        Unit::Us,
    ),
    (
        "concurrency",
        "concurrency: N clients starting -c 'echo test' at once",
        Unit::Us,
    ),
    ("make", "make: generated Makefile, make SHELL=...", Unit::Ms),
    (
        "script",
        "script: sources a generated function library, calls three functions",
        Unit::Us,
    ),
    (
        "env",
        "startup file: -c with a ~2,000-line RUSH_ENV (bash: BASH_ENV)",
        Unit::Us,
    ),
    ("cpu", "interpreter: benches/cpu.sh", Unit::Ms),
];

#[derive(Clone, Copy)]
pub enum Unit {
    Us,
    Ms,
}

impl Unit {
    pub fn show(self, us: f64) -> String {
        match self {
            Unit::Us => format!("{us:.0} µs"),
            Unit::Ms => format!("{:.1} ms", us / 1000.0),
        }
    }
}

pub fn unit_of(group: &str) -> Unit {
    GROUPS
        .iter()
        .find(|(g, _, _)| *g == group)
        .map_or(Unit::Us, |(_, _, u)| *u)
}

/// One line of the table and one entry of `cases` in the JSON.
pub struct Row {
    pub group: &'static str,
    pub id: String,
    pub label: String,
    pub role: Role,
    /// Microseconds (latency per job for concurrency rows).
    pub samples: Vec<f64>,
    pub summary: Summary,
    pub clients: Option<usize>,
    /// Jobs per second (concurrency rows).
    pub throughput: Option<f64>,
    pub failures: usize,
    /// Median minor page faults of the started process (cases timed one
    /// process per sample): how much of the binary a start touches.
    pub faults: Option<f64>,
    pub vs_floor: Option<f64>,
    pub vs_dash: Option<f64>,
}

impl Row {
    pub fn new(
        group: &'static str,
        id: String,
        label: String,
        role: Role,
        samples: Vec<f64>,
    ) -> Row {
        Row {
            group,
            id,
            label,
            role,
            summary: Summary::of(&samples),
            samples,
            clients: None,
            throughput: None,
            failures: 0,
            faults: None,
            vs_floor: None,
            vs_dash: None,
        }
    }

    /// What the ratios compare: the median time, or time per job
    /// (1 / throughput) for concurrency rows.
    fn cost(&self) -> f64 {
        match self.throughput {
            Some(t) => 1.0 / t,
            None => self.summary.median,
        }
    }
}

/// Fill `vs_floor` and `vs_dash` of every row from the floor and the dash
/// row of its group (and, for concurrency, of the same client count).
pub fn compute_ratios(rows: &mut [Row]) {
    let base: Vec<(&'static str, Option<usize>, Role, f64)> = rows
        .iter()
        .filter(|r| r.role != Role::Plain)
        .map(|r| (r.group, r.clients, r.role, r.cost()))
        .collect();
    for r in rows.iter_mut() {
        let find = |role: Role| {
            base.iter()
                .find(|(g, c, ro, _)| *g == r.group && *c == r.clients && *ro == role)
                .map(|b| b.3)
        };
        let cost = r.cost();
        r.vs_floor = find(Role::Floor).map(|f| cost / f);
        r.vs_dash = find(Role::Dash).map(|d| cost / d);
    }
}

/// A speed target from an issue: `numerator / denominator` (medians) at
/// most `limit`.
pub struct Target {
    pub issue: u32,
    pub text: String,
    pub numerator: String,
    pub denominator: String,
    pub limit: f64,
    pub ratio: Option<f64>,
    /// 90% bootstrap interval of the ratio of medians.
    pub interval: Option<(f64, f64)>,
}

impl Target {
    /// `met`, `NOT met`, or `within noise` when the interval straddles the
    /// limit.
    pub fn verdict(&self) -> &'static str {
        match (self.ratio, self.interval) {
            (None, _) => "not measured",
            (Some(_), Some((lo, hi))) if lo <= self.limit && hi > self.limit => "within noise",
            (Some(r), _) if r <= self.limit => "met",
            _ => "NOT met",
        }
    }
}

/// The 5th and 95th percentiles of the ratio of medians over resamples of
/// both sample sets: how far noise alone moves the ratio.
fn bootstrap(a: &[f64], b: &[f64]) -> Option<(f64, f64)> {
    if a.len() < 5 || b.len() < 5 {
        return None;
    }
    let mut rng = Shuffle::new(0x5eed);
    let mut pick = |s: &[f64]| {
        let mut r: Vec<f64> = (0..s.len())
            .map(|_| s[(rng.next_u64() % s.len() as u64) as usize])
            .collect();
        r.sort_by(f64::total_cmp);
        quantile(&r, 0.5)
    };
    let mut ratios: Vec<f64> = (0..200).map(|_| pick(a) / pick(b)).collect();
    ratios.sort_by(f64::total_cmp);
    Some((quantile(&ratios, 0.05), quantile(&ratios, 0.95)))
}

/// The targets of issues 2, 3 and 6, from the rows of this run.
pub fn targets(rows: &[Row], native: &str) -> Vec<Target> {
    let pool = format!("startup/rush-pool-{native}");
    let spec: Vec<(u32, String, String, String, f64)> = vec![
        (
            2,
            "rush -c 'echo test' direct <= 0.85 x dash".into(),
            "startup/rush-direct".into(),
            "startup/dash".into(),
            0.85,
        ),
        (
            2,
            "cpu.sh: rush <= 1.0 x dash".into(),
            "cpu/rush-direct".into(),
            "cpu/dash".into(),
            1.0,
        ),
        (
            3,
            "daemon 'echo test' <= 1.10 x static no-op".into(),
            pool.clone(),
            "startup/noop".into(),
            1.10,
        ),
        (
            // The same against the glibc no-op, measured beside a musl
            // floor (left out when there is none).
            3,
            "daemon 'echo test' <= 1.10 x static no-op, glibc".into(),
            pool.clone(),
            "startup/noop-glibc".into(),
            1.10,
        ),
        (
            3,
            "daemon 'echo test' <= 0.8 x dash".into(),
            pool.clone(),
            "startup/dash".into(),
            0.8,
        ),
        (
            3,
            "round trip <= 3 x socketpair ping-pong".into(),
            format!("roundtrip/pool-{native}"),
            "roundtrip/pingpong".into(),
            3.0,
        ),
        (
            // The same with the parties placed (left out where the harness
            // cannot pin): unpinned, which CPUs they share is luck.
            3,
            "round trip <= 3 x ping-pong, on one CPU".into(),
            format!("roundtrip-1cpu/pool-{native}"),
            "roundtrip-1cpu/pingpong".into(),
            3.0,
        ),
        (
            3,
            "round trip <= 3 x ping-pong, across two CPUs".into(),
            format!("roundtrip-2cpu/pool-{native}"),
            "roundtrip-2cpu/pingpong".into(),
            3.0,
        ),
        (
            3,
            "pool faster than fork mode (< 1)".into(),
            pool.clone(),
            format!("startup/rush-fork-{native}"),
            1.0,
        ),
        (
            3,
            format!("{native} no slower than poll (<= 1)"),
            pool.clone(),
            "startup/rush-pool-poll".into(),
            1.0,
        ),
        (
            6,
            "RUSH_ENV -c: daemon <= 0.3 x direct rush".into(),
            "env/rush-pool".into(),
            "env/rush-direct".into(),
            0.3,
        ),
        (
            6,
            "RUSH_ENV -c: daemon <= 0.5 x bash -c with BASH_ENV".into(),
            "env/rush-pool".into(),
            "env/bash".into(),
            0.5,
        ),
        (
            6,
            "script sourcing a library: daemon <= 0.3 x direct".into(),
            "script/rush-pool".into(),
            "script/rush-direct".into(),
            0.3,
        ),
    ];
    let find = |id: &str| rows.iter().find(|r| r.id == id && !r.samples.is_empty());
    let present = |id: &str| rows.iter().any(|r| r.id == id);
    // Unpinned, whether the round trip's parties share a CPU is luck (the
    // ratio came out 0.96 and 4.54 in two runs at the same commit): where
    // the harness could place them, the placed runs are judged instead.
    let optional = |den: &str| match den {
        "startup/noop-glibc" | "roundtrip-1cpu/pingpong" | "roundtrip-2cpu/pingpong" => {
            !present(den)
        }
        "roundtrip/pingpong" => present("roundtrip-2cpu/pingpong"),
        _ => false,
    };
    spec.into_iter()
        .filter(|(_, _, _, den, _)| !optional(den))
        .map(|(issue, text, num, den, limit)| {
            let (ratio, interval) = match (find(&num), find(&den)) {
                (Some(a), Some(b)) => (
                    Some(a.summary.median / b.summary.median),
                    bootstrap(&a.samples, &b.samples),
                ),
                _ => (None, None),
            };
            Target {
                issue,
                text,
                numerator: num,
                denominator: den,
                limit,
                ratio,
                interval,
            }
        })
        .collect()
}

fn opt_ratio(r: Option<f64>) -> String {
    r.map_or_else(|| "-".into(), |x| format!("{x:.2}"))
}

/// The table: a section per group, a row per case; then the targets.
pub fn table(rows: &[Row], targets: &[Target]) -> String {
    let mut out = String::new();
    for (group, title, unit) in GROUPS {
        let in_group: Vec<&Row> = rows.iter().filter(|r| r.group == *group).collect();
        if in_group.is_empty() {
            continue;
        }
        outln!(out, "\n{title}");
        if *group == "concurrency" {
            outln!(
                out,
                "  {:<40} {:>7} {:>9} {:>10} {:>10} {:>10} {:>7} {:>7}",
                "case",
                "clients",
                "jobs/s",
                "p50",
                "p90",
                "p99",
                "xfloor",
                "xdash"
            );
        } else {
            outln!(
                out,
                "  {:<50} {:>5} {:>10} {:>10} {:>10} {:>7} {:>7} {:>7}",
                "case",
                "n",
                "median",
                "p90",
                "p99",
                "xfloor",
                "xdash",
                "faults"
            );
        }
        for r in in_group {
            let s = &r.summary;
            if let Some(c) = r.clients {
                outln!(
                    out,
                    "  {:<40} {:>7} {:>9.0} {:>10} {:>10} {:>10} {:>7} {:>7}{}",
                    r.label,
                    c,
                    r.throughput.unwrap_or(f64::NAN),
                    unit.show(s.median),
                    unit.show(s.p90),
                    unit.show(s.p99),
                    opt_ratio(r.vs_floor),
                    opt_ratio(r.vs_dash),
                    if r.failures > 0 {
                        format!("  ({} failed)", r.failures)
                    } else {
                        String::new()
                    }
                );
            } else {
                outln!(
                    out,
                    "  {:<50} {:>5} {:>10} {:>10} {:>10} {:>7} {:>7} {:>7}",
                    r.label,
                    s.n,
                    unit.show(s.median),
                    unit.show(s.p90),
                    unit.show(s.p99),
                    opt_ratio(r.vs_floor),
                    opt_ratio(r.vs_dash),
                    r.faults.map_or_else(|| "-".into(), |f| format!("{f:.0}"))
                );
            }
        }
    }
    outln!(
        out,
        "\n(xfloor, xdash: median cost against the floor and dash of the same group and run; lower is faster."
    );
    outln!(
        out,
        " For concurrency the cost is time per job, 1 / throughput, at the same number of clients."
    );
    outln!(
        out,
        " faults: median minor page faults of the process started and the children it waited for.)"
    );
    outln!(out, "\ntargets (ratio of medians; 90% bootstrap interval):");
    for t in targets {
        let ratio = t
            .ratio
            .map_or_else(|| "   -".into(), |r| format!("{r:>5.2}"));
        let iv = t
            .interval
            .map_or_else(String::new, |(lo, hi)| format!("[{lo:.2}, {hi:.2}]"));
        outln!(
            out,
            "  issue {}: {:<52} {}  {:<14} limit {:<5} {}",
            t.issue,
            t.text,
            ratio,
            iv,
            t.limit,
            t.verdict()
        );
    }
    out
}

/// The `cases` entry of one row.
pub fn row_json(r: &Row) -> Value {
    let s = &r.summary;
    obj(vec![
        ("id", r.id.as_str().into()),
        ("group", r.group.into()),
        ("label", r.label.as_str().into()),
        (
            "role",
            match r.role {
                Role::Floor => "floor",
                Role::Dash => "dash",
                Role::Plain => "case",
            }
            .into(),
        ),
        ("clients", r.clients.into()),
        ("throughput_per_s", r.throughput.into()),
        ("failures", r.failures.into()),
        ("minor_faults_median", r.faults.into()),
        ("n", s.n.into()),
        ("min_us", s.min.into()),
        ("mean_us", s.mean.into()),
        ("median_us", s.median.into()),
        ("p90_us", s.p90.into()),
        ("p99_us", s.p99.into()),
        ("max_us", s.max.into()),
        ("vs_floor", r.vs_floor.into()),
        ("vs_dash", r.vs_dash.into()),
        (
            "percentiles_us",
            Value::Arr(s.percentiles.iter().map(|&p| p.into()).collect()),
        ),
    ])
}

pub fn target_json(t: &Target) -> Value {
    obj(vec![
        ("issue", (t.issue as usize).into()),
        ("text", t.text.as_str().into()),
        ("numerator", t.numerator.as_str().into()),
        ("denominator", t.denominator.as_str().into()),
        ("limit", t.limit.into()),
        ("ratio", t.ratio.into()),
        ("interval_lo", t.interval.map(|i| i.0).into()),
        ("interval_hi", t.interval.map(|i| i.1).into()),
        ("verdict", t.verdict().into()),
    ])
}
