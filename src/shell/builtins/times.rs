//! `times`: CPU time used by the shell and its children.

use super::write_out;
use crate::shell::env::Shell;
use crate::shell::exec::Divert;

fn minutes_seconds(secs: f64) -> String {
    let m = (secs / 60.0).floor();
    format!("{}m{:.3}s", m as u64, secs - m * 60.0)
}

/// `times`: `user system` for the shell, then for its children.
pub fn times(sh: &mut Shell, _: &[Vec<u8>]) -> Result<i32, Divert> {
    let (u, s, cu, cs) = platform::process::times();
    let (bu, bs, bcu, bcs) = sh.times_base;
    let since = |now: f64, base: f64| (now - base).max(0.0);
    let (u, s, cu, cs) = (since(u, bu), since(s, bs), since(cu, bcu), since(cs, bcs));
    let text = format!(
        "{} {}\n{} {}\n",
        minutes_seconds(u),
        minutes_seconds(s),
        minutes_seconds(cu),
        minutes_seconds(cs)
    );
    Ok(write_out(sh, b"times", text.as_bytes()))
}
