//! SVG line charts written by hand (no plotting crate: the good ones pull
//! in proc-macros): the start-up latency CDF and throughput and latency
//! against the number of clients. PNG copies are made with `rsvg-convert`
//! when it is installed (Debian: `librsvg2-bin`).

use crate::report::Row;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// One line of a chart.
pub struct Series {
    pub name: String,
    pub points: Vec<(f64, f64)>,
    pub dashed: bool,
    /// Index into the palette, so a case keeps its colour across charts.
    pub color: usize,
}

pub struct Chart<'a> {
    pub title: &'a str,
    pub subtitle: &'a str,
    pub x_label: &'a str,
    pub y_label: &'a str,
    pub x_log: bool,
    pub y_log: bool,
    /// Fixed x ticks (value, label) instead of computed ones.
    pub x_ticks: Option<Vec<(f64, String)>>,
    pub x_range: Option<(f64, f64)>,
    pub y_range: Option<(f64, f64)>,
}

/// Colour-blind-friendly palette (Okabe–Ito, then Tol's muted).
const PALETTE: &[&str] = &[
    "#000000", "#E69F00", "#56B4E9", "#009E73", "#D55E00", "#0072B2", "#CC79A7", "#999933",
    "#882255", "#44AA99", "#AA4499", "#661100", "#6699CC", "#888888",
];

const W: f64 = 1160.0;
const H: f64 = 560.0;
const LEFT: f64 = 80.0;
const RIGHT: f64 = 430.0;
const TOP: f64 = 70.0;
const BOTTOM: f64 = 60.0;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Round `x` up to 1, 2 or 5 times a power of ten.
fn nice_step(x: f64) -> f64 {
    let p = 10f64.powf(x.log10().floor());
    let m = x / p;
    p * if m <= 1.0 {
        1.0
    } else if m <= 2.0 {
        2.0
    } else if m <= 5.0 {
        5.0
    } else {
        10.0
    }
}

fn ticks(lo: f64, hi: f64, log: bool) -> Vec<f64> {
    if log {
        let mut t = Vec::new();
        let mut p = 10f64.powf(lo.log10().floor());
        while p <= hi * 1.0001 {
            for m in [1.0, 2.0, 5.0] {
                let v = p * m;
                if v >= lo * 0.9999 && v <= hi * 1.0001 {
                    t.push(v);
                }
            }
            p *= 10.0;
        }
        t
    } else {
        let step = nice_step((hi - lo) / 6.0);
        let mut v = (lo / step).ceil() * step;
        let mut t = Vec::new();
        while v <= hi + step * 1e-9 {
            t.push(v);
            v += step;
        }
        t
    }
}

fn label_num(v: f64) -> String {
    if v >= 10_000.0 {
        format!("{:.0}k", v / 1000.0)
    } else if v >= 1.0 || v == 0.0 {
        format!("{}", (v * 100.0).round() / 100.0)
    } else {
        format!("{v:.2}")
    }
}

/// The chart as an SVG document.
pub fn line_chart(c: &Chart, series: &[Series]) -> String {
    let finite = series
        .iter()
        .flat_map(|s| s.points.iter())
        .filter(|(x, y)| x.is_finite() && y.is_finite());
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for &(x, y) in finite {
        x0 = x0.min(x);
        x1 = x1.max(x);
        y0 = y0.min(y);
        y1 = y1.max(y);
    }
    if x0 > x1 {
        (x0, x1, y0, y1) = (1.0, 2.0, 1.0, 2.0);
    }
    // Without a fixed range, leave a margin so no point sits on the frame.
    let pad = |lo: f64, hi: f64, log: bool| {
        let (lo, hi) = if hi > lo { (lo, hi) } else { (lo, lo + 1.0) };
        if log {
            (lo / 1.25, hi * 1.25)
        } else {
            let m = (hi - lo) * 0.05;
            (lo - m, hi + m)
        }
    };
    (x0, x1) = c.x_range.unwrap_or_else(|| pad(x0, x1, c.x_log));
    (y0, y1) = c.y_range.unwrap_or_else(|| pad(y0, y1, c.y_log));
    if x1 <= x0 {
        x1 = x0 + 1.0;
    }
    if y1 <= y0 {
        y1 = y0 + 1.0;
    }
    if c.x_log {
        x0 = x0.max(1e-9);
    }
    if c.y_log {
        y0 = y0.max(1e-9);
    }
    let pw = W - LEFT - RIGHT;
    let ph = H - TOP - BOTTOM;
    let sx = |x: f64| {
        let f = if c.x_log {
            (x.max(1e-9).ln() - x0.ln()) / (x1.ln() - x0.ln())
        } else {
            (x - x0) / (x1 - x0)
        };
        LEFT + f * pw
    };
    let sy = |y: f64| {
        let f = if c.y_log {
            (y.max(1e-9).ln() - y0.ln()) / (y1.ln() - y0.ln())
        } else {
            (y - y0) / (y1 - y0)
        };
        TOP + ph - f * ph
    };
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="13">
<rect width="100%" height="100%" fill="white"/>
<text x="{LEFT}" y="28" font-size="18" font-weight="bold">{}</text>
<text x="{LEFT}" y="50" fill="#444">{}</text>
<defs><clipPath id="plot"><rect x="{LEFT}" y="{TOP}" width="{pw}" height="{ph}"/></clipPath></defs>
"##,
        esc(c.title),
        esc(c.subtitle)
    );
    // Grid and ticks.
    let xt: Vec<(f64, String)> = c.x_ticks.clone().unwrap_or_else(|| {
        ticks(x0, x1, c.x_log)
            .into_iter()
            .map(|v| (v, label_num(v)))
            .collect()
    });
    for (v, l) in &xt {
        let x = sx(*v);
        let _ = writeln!(
            s,
            r##"<line x1="{x:.1}" y1="{TOP}" x2="{x:.1}" y2="{:.1}" stroke="#e3e3e3"/><text x="{x:.1}" y="{:.1}" text-anchor="middle" fill="#333">{}</text>"##,
            TOP + ph,
            TOP + ph + 18.0,
            esc(l)
        );
    }
    for v in ticks(y0, y1, c.y_log) {
        let y = sy(v);
        let _ = writeln!(
            s,
            r##"<line x1="{LEFT}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#e3e3e3"/><text x="{:.1}" y="{:.1}" text-anchor="end" fill="#333">{}</text>"##,
            LEFT + pw,
            LEFT - 6.0,
            y + 4.0,
            label_num(v)
        );
    }
    let _ = writeln!(
        s,
        r##"<rect x="{LEFT}" y="{TOP}" width="{pw}" height="{ph}" fill="none" stroke="#666"/>
<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>
<text transform="translate(22 {:.1}) rotate(-90)" text-anchor="middle">{}</text>"##,
        LEFT + pw / 2.0,
        H - 16.0,
        esc(c.x_label),
        TOP + ph / 2.0,
        esc(c.y_label)
    );
    // Lines, clipped to the plot area.
    let _ = writeln!(
        s,
        r#"<g clip-path="url(#plot)" fill="none" stroke-width="2">"#
    );
    for se in series {
        if se.points.is_empty() {
            continue;
        }
        let pts: Vec<String> = se
            .points
            .iter()
            .map(|&(x, y)| format!("{:.1},{:.1}", sx(x), sy(y)))
            .collect();
        let color = PALETTE[se.color % PALETTE.len()];
        let dash = if se.dashed {
            r#" stroke-dasharray="6 4""#
        } else {
            ""
        };
        let _ = writeln!(
            s,
            r#"<polyline points="{}" stroke="{color}"{dash}/>"#,
            pts.join(" ")
        );
        if se.points.len() <= 8 {
            for &(x, y) in &se.points {
                let _ = writeln!(
                    s,
                    r#"<circle cx="{:.1}" cy="{:.1}" r="3.5" fill="{color}" stroke="none"/>"#,
                    sx(x),
                    sy(y)
                );
            }
        }
    }
    s.push_str("</g>\n");
    // Legend.
    let lx = LEFT + pw + 20.0;
    for (i, se) in series.iter().enumerate() {
        let y = TOP + 10.0 + i as f64 * 22.0;
        let color = PALETTE[se.color % PALETTE.len()];
        let dash = if se.dashed {
            r#" stroke-dasharray="6 4""#
        } else {
            ""
        };
        let _ = writeln!(
            s,
            r#"<line x1="{lx:.1}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="{color}" stroke-width="3"{dash}/><text x="{:.1}" y="{:.1}">{}</text>"#,
            lx + 26.0,
            lx + 34.0,
            y + 4.5,
            esc(&se.name)
        );
    }
    s.push_str("</svg>\n");
    s
}

/// A colour per kind of case, the same in every chart: the floor black,
/// each peer its own, each way of running rush its own.
pub fn color_of(label: &str) -> usize {
    const KINDS: &[(&str, usize)] = &[
        ("no-op", 0),
        ("dash", 1),
        ("bash", 2),
        ("mksh", 7),
        ("zsh", 4),
        ("busybox", 13),
        ("direct", 6),
        ("no daemon running", 11),
        ("fork", 5),
        ("(poll)", 9),
        ("pool", 3),
    ];
    KINDS
        .iter()
        .find(|(k, _)| label.contains(k))
        .map_or(13, |&(_, c)| c)
}

/// Write `name.svg` in `dir`, and `name.png` when `rsvg-convert` exists.
/// Returns the files written.
pub fn write(dir: &Path, name: &str, svg: &str, png: bool) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let svg_path = dir.join(format!("{name}.svg"));
    if std::fs::write(&svg_path, svg).is_err() {
        return out;
    }
    out.push(svg_path.clone());
    if png {
        let png_path = dir.join(format!("{name}.png"));
        let ok = std::process::Command::new("rsvg-convert")
            .arg("-o")
            .arg(&png_path)
            .arg(&svg_path)
            .stderr(std::process::Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        if ok {
            out.push(png_path);
        }
    }
    out
}

/// The start-up CDF: one line per start-up case, x logarithmic in µs.
pub fn startup_cdf(rows: &[&Row], run: &str) -> String {
    let mut series = Vec::new();
    let mut lo = f64::MAX;
    let mut hi: f64 = 0.0;
    for r in rows {
        let mut s = r.samples.clone();
        s.sort_by(f64::total_cmp);
        if s.is_empty() {
            continue;
        }
        lo = lo.min(s[0]);
        hi = hi.max(r.summary.p99);
        let n = s.len();
        let step = (n / 400).max(1);
        let mut pts = vec![(s[0], 0.0)];
        pts.extend(
            (0..n)
                .step_by(step)
                .map(|k| (s[k], (k as f64 + 1.0) / n as f64)),
        );
        pts.push((s[n - 1], 1.0));
        series.push(Series {
            name: format!("{} ({:.0} µs)", r.label, r.summary.median),
            points: pts,
            // Rush solid, everything else dashed.
            dashed: !r.label.starts_with("rush"),
            color: color_of(&r.label),
        });
    }
    let subtitle = format!(
        "{run}. Fraction of runs done within x µs; further left is faster. Rush solid, others dashed; medians in the legend."
    );
    line_chart(
        &Chart {
            title: "Start-up latency: -c 'echo test' (CDF)",
            subtitle: &subtitle,
            x_label: "latency, µs (log scale; right edge at the slowest case's p99)",
            y_label: "fraction of runs",
            x_log: true,
            y_log: false,
            x_ticks: None,
            x_range: Some((lo * 0.9, hi * 1.1)),
            y_range: Some((0.0, 1.0)),
        },
        &series,
    )
}

/// Throughput and latency against clients, from the concurrency rows
/// (grouped by their label).
pub fn concurrency(rows: &[&Row], run: &str) -> (String, String) {
    let mut labels: Vec<&str> = Vec::new();
    for r in rows {
        if !labels.contains(&r.label.as_str()) {
            labels.push(&r.label);
        }
    }
    let levels: Vec<usize> = {
        let mut l: Vec<usize> = rows.iter().filter_map(|r| r.clients).collect();
        l.sort();
        l.dedup();
        l
    };
    let x_ticks: Vec<(f64, String)> = levels.iter().map(|&c| (c as f64, c.to_string())).collect();
    let x_range = (
        *levels.first().unwrap_or(&1) as f64 / 1.3,
        *levels.last().unwrap_or(&1) as f64 * 1.3,
    );
    let mut thr = Vec::new();
    let mut lat = Vec::new();
    for label in &labels {
        let mine: Vec<&&Row> = rows.iter().filter(|r| r.label == *label).collect();
        let pts = |f: &dyn Fn(&Row) -> f64| -> Vec<(f64, f64)> {
            mine.iter()
                .filter_map(|r| r.clients.map(|c| (c as f64, f(r))))
                .filter(|p| p.1.is_finite())
                .collect()
        };
        thr.push(Series {
            name: label.to_string(),
            points: pts(&|r| r.throughput.unwrap_or(f64::NAN)),
            dashed: false,
            color: color_of(label),
        });
        lat.push(Series {
            name: format!("{label} p50"),
            points: pts(&|r| r.summary.median),
            dashed: false,
            color: color_of(label),
        });
        lat.push(Series {
            name: format!("{label} p99"),
            points: pts(&|r| r.summary.p99),
            dashed: true,
            color: color_of(label),
        });
    }
    let y_max = thr
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .fold(0.0, f64::max);
    let sub1 = format!(
        "{run}. Jobs finished per second by N clients, each starting -c 'echo test' in a loop; higher is better."
    );
    let sub2 =
        format!("{run}. Start-to-exit time of each job; solid p50, dashed p99; lower is better.");
    (
        line_chart(
            &Chart {
                title: "Throughput against concurrent clients",
                subtitle: &sub1,
                x_label: "concurrent clients",
                y_label: "jobs per second",
                x_log: true,
                y_log: false,
                x_ticks: Some(x_ticks.clone()),
                x_range: Some(x_range),
                y_range: Some((0.0, y_max * 1.1)),
            },
            &thr,
        ),
        line_chart(
            &Chart {
                title: "Latency against concurrent clients",
                subtitle: &sub2,
                x_label: "concurrent clients",
                y_label: "latency per job, µs (log scale)",
                x_log: true,
                y_log: true,
                x_ticks: Some(x_ticks),
                x_range: Some(x_range),
                y_range: None,
            },
            &lat,
        ),
    )
}

/// Checks run by `harness self-test`.
pub fn self_test() -> Result<(), String> {
    use crate::stats::check;
    check(
        nice_step(3.0) == 5.0 && nice_step(0.15) == 0.2,
        "nice steps",
    )?;
    check(ticks(0.0, 1.0, false).len() >= 5, "linear ticks")?;
    check(ticks(300.0, 3000.0, true).contains(&1000.0), "log ticks")?;
    let svg = line_chart(
        &Chart {
            title: "t <&>",
            subtitle: "",
            x_label: "x",
            y_label: "y",
            x_log: true,
            y_log: false,
            x_ticks: None,
            x_range: None,
            y_range: None,
        },
        &[Series {
            name: "a".into(),
            points: vec![(1.0, 0.0), (10.0, 1.0)],
            dashed: true,
            color: 0,
        }],
    );
    check(
        svg.starts_with("<svg") && svg.contains("t &lt;&amp;&gt;") && svg.ends_with("</svg>\n"),
        "svg document",
    )
}
