//! Summaries of samples: median, p90, p99, and the percentiles a CDF is
//! drawn from (kept in the JSON so a plot or a comparison can be made from
//! the file alone).

/// What a set of samples comes to. Units are whatever the samples were
/// (the harness records microseconds).
#[derive(Clone, Debug)]
pub struct Summary {
    pub n: usize,
    pub min: f64,
    pub mean: f64,
    pub median: f64,
    pub p90: f64,
    pub p99: f64,
    pub max: f64,
    /// Percentiles 0, 1, ..., 100.
    pub percentiles: Vec<f64>,
}

/// The `q` quantile (0..=1) of sorted samples, interpolating linearly
/// between the two nearest ranks.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let pos = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

impl Summary {
    pub fn of(samples: &[f64]) -> Summary {
        let mut s = samples.to_vec();
        s.sort_by(f64::total_cmp);
        let mean = if s.is_empty() {
            f64::NAN
        } else {
            s.iter().sum::<f64>() / s.len() as f64
        };
        Summary {
            n: s.len(),
            min: s.first().copied().unwrap_or(f64::NAN),
            mean,
            median: quantile(&s, 0.5),
            p90: quantile(&s, 0.9),
            p99: quantile(&s, 0.99),
            max: s.last().copied().unwrap_or(f64::NAN),
            percentiles: (0..=100).map(|i| quantile(&s, i as f64 / 100.0)).collect(),
        }
    }
}

/// A small deterministic generator (xorshift64*) to shuffle the order of
/// cases in each round: no dependency, and the same order on every run.
pub struct Shuffle(u64);

impl Shuffle {
    pub fn new(seed: u64) -> Shuffle {
        Shuffle(seed | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Fisher–Yates.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next_u64() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }
}

/// Checks run by `harness self-test` (a `harness = false` bench has no
/// `#[test]`s).
pub fn self_test() -> Result<(), String> {
    let s = [1.0, 2.0, 3.0, 4.0];
    check(
        quantile(&s, 0.0) == 1.0 && quantile(&s, 1.0) == 4.0,
        "quantile ends",
    )?;
    check(quantile(&s, 0.5) == 2.5, "quantile interpolates")?;
    let sum = Summary::of(&[5.0, 1.0, 3.0]);
    check(
        (sum.min, sum.median, sum.max, sum.n) == (1.0, 3.0, 5.0, 3),
        "summary",
    )?;
    check(sum.percentiles.len() == 101, "101 percentiles")?;
    let mut v: Vec<u32> = (0..10).collect();
    Shuffle::new(7).shuffle(&mut v);
    v.sort();
    check(v == (0..10).collect::<Vec<_>>(), "shuffle permutes")
}

/// `Err(what)` unless `ok`.
pub fn check(ok: bool, what: &str) -> Result<(), String> {
    if ok {
        Ok(())
    } else {
        Err(format!("self-test failed: {what}"))
    }
}
