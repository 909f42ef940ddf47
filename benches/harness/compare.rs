//! `harness compare A.json B.json` (`just bench-compare`): two runs side
//! by side — typically Linux and macOS, or before and after a change.
//! Absolute times of two machines differ; the ratios against each run's
//! own floor and dash are what carry across.

use crate::json::Value;
use crate::report::unit_of;

fn load(path: &str) -> Result<Value, String> {
    let base = std::env::var("RUSH_BENCH_CWD").unwrap_or_default();
    let p = if path.starts_with('/') || base.is_empty() {
        path.to_string()
    } else {
        format!("{base}/{path}")
    };
    let text = std::fs::read_to_string(&p).map_err(|e| format!("{p}: {e}"))?;
    Value::parse(&text).map_err(|e| format!("{p}: {e}"))
}

fn machine_line(v: &Value) -> String {
    let m = v.get("machine").cloned().unwrap_or(Value::Null);
    format!(
        "{} {} ({}), {} x {}, load {}",
        m.s("os"),
        m.s("kernel"),
        m.s("release"),
        m.f("cores").unwrap_or(0.0),
        m.s("cpu"),
        m.s("load_average")
    )
}

fn ratio(v: Option<f64>) -> String {
    v.map_or_else(|| "-".into(), |x| format!("{x:.2}"))
}

/// Print the comparison; returns the exit status.
pub fn main(args: &[String]) -> i32 {
    let [a, b] = args else {
        eprintln!("usage: harness compare A.json B.json");
        return 2;
    };
    let (va, vb) = match (load(a), load(b)) {
        (Ok(x), Ok(y)) => (x, y),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("bench-compare: {e}");
            return 1;
        }
    };
    say!("A: {a}\n   {}", machine_line(&va));
    say!(
        "   rush {} ({}, {}), mode {}",
        va.get("rush").map_or("", |r| r.s("commit")),
        va.get("rush").map_or("", |r| r.s("version")),
        va.s("rush_build"),
        va.s("mode")
    );
    say!("B: {b}\n   {}", machine_line(&vb));
    say!(
        "   rush {} ({}, {}), mode {}",
        vb.get("rush").map_or("", |r| r.s("commit")),
        vb.get("rush").map_or("", |r| r.s("version")),
        vb.s("rush_build"),
        vb.s("mode")
    );
    let cases_a = va.get("cases").map_or(&[][..], Value::arr);
    let cases_b = vb.get("cases").map_or(&[][..], Value::arr);
    let key = |c: &Value| format!("{}@{}", c.s("id"), c.f("clients").unwrap_or(0.0));
    let mut keys: Vec<String> = cases_a.iter().map(key).collect();
    for c in cases_b {
        let k = key(c);
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    say!(
        "\n{:<52} {:>10} {:>10} {:>6}   {:>7} {:>7}   {:>7} {:>7}",
        "case (median)",
        "A",
        "B",
        "B/A",
        "A xflr",
        "B xflr",
        "A xdash",
        "B xdash"
    );
    let mut group = String::new();
    for k in &keys {
        let find = |cs: &[Value]| cs.iter().find(|c| key(c) == *k).cloned();
        let (ca, cb) = (find(cases_a), find(cases_b));
        let any = ca.as_ref().or(cb.as_ref()).cloned().unwrap_or(Value::Null);
        let g = any.s("group").to_string();
        if g != group {
            say!("{g}");
            group = g.clone();
        }
        let unit = unit_of(&g);
        let med = |c: &Option<Value>| c.as_ref().and_then(|c| c.f("median_us"));
        let show = |c: &Option<Value>| med(c).map_or_else(|| "-".into(), |m| unit.show(m));
        let label = match any.f("clients") {
            Some(n) => format!("{} x{n}", any.s("label")),
            None => any.s("label").to_string(),
        };
        let label: String = label.chars().take(50).collect();
        let ba = match (med(&ca), med(&cb)) {
            (Some(x), Some(y)) if x > 0.0 => format!("{:.2}", y / x),
            _ => "-".into(),
        };
        let f = |c: &Option<Value>, k: &str| ratio(c.as_ref().and_then(|c| c.f(k)));
        say!(
            "  {:<50} {:>10} {:>10} {:>6}   {:>7} {:>7}   {:>7} {:>7}",
            label,
            show(&ca),
            show(&cb),
            ba,
            f(&ca, "vs_floor"),
            f(&cb, "vs_floor"),
            f(&ca, "vs_dash"),
            f(&cb, "vs_dash")
        );
    }
    say!("\ntargets                                                       A                 B");
    let ta = va.get("targets").map_or(&[][..], Value::arr);
    let tb = vb.get("targets").map_or(&[][..], Value::arr);
    let mut texts: Vec<&str> = ta.iter().map(|t| t.s("text")).collect();
    for t in tb {
        if !texts.contains(&t.s("text")) {
            texts.push(t.s("text"));
        }
    }
    for text in texts {
        let show = |ts: &[Value]| {
            ts.iter().find(|t| t.s("text") == text).map_or_else(
                || "-".to_string(),
                |t| format!("{} {}", ratio(t.f("ratio")), t.s("verdict")),
            )
        };
        say!("  {:<58} {:<17} {}", text, show(ta), show(tb));
    }
    0
}
