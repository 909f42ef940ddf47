//! Cases and how they are sampled: each case is first run once with its
//! output captured and checked (status 0, and the same stdout as the other
//! shells of its group), then every case of a group is timed in rounds —
//! warm-up rounds first, discarded — in a shuffled order each round, so
//! that drift on a busy machine hits all of them alike.

use crate::proc::{Cmd, check_interrupt};
use crate::stats::Shuffle;
use platform::process::WaitStatus;
use std::os::fd::{AsRawFd, RawFd};
use std::path::Path;
use std::time::Instant;

/// A case's part in its group's ratios.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Role {
    /// The floor (the static no-op, the bare ping-pong).
    Floor,
    /// `dash`, the shell to beat.
    Dash,
    Plain,
}

/// One thing timed: a command line started fresh for every sample.
pub struct Case {
    pub group: &'static str,
    /// Stable across runs and machines (`startup/rush-pool-uring`): what
    /// `compare` matches rows by.
    pub id: String,
    pub label: String,
    pub cmd: Cmd,
    pub role: Role,
    /// Compare its stdout with the group's other checked cases.
    pub check_output: bool,
    /// Microseconds.
    pub samples: Vec<f64>,
    /// Minor page faults of each sample's process, in the same order.
    pub faults: Vec<f64>,
    /// Why it was dropped, if it was.
    pub failure: Option<String>,
}

impl Case {
    pub fn new(group: &'static str, id: &str, label: &str, cmd: Cmd, role: Role) -> Case {
        Case {
            group,
            id: format!("{group}/{id}"),
            label: label.to_string(),
            cmd,
            role,
            check_output: role != Role::Floor,
            samples: Vec::new(),
            faults: Vec::new(),
            failure: None,
        }
    }
}

fn describe(status: WaitStatus) -> String {
    match status {
        WaitStatus::Exited(c) => format!("exit status {c}"),
        other => format!("{other:?}"),
    }
}

/// Run each case once with stdout and stderr captured: it must exit 0 and
/// print what the first checked case of the group printed. A case that
/// does not is marked failed (and reported), not timed.
pub fn verify(cases: &mut [Case], dir: &Path) -> Result<(), String> {
    let null = std::fs::File::open("/dev/null").map_err(|e| format!("/dev/null: {e}"))?;
    let mut reference: Option<(String, Vec<u8>)> = None;
    for (i, case) in cases.iter_mut().enumerate() {
        check_interrupt()?;
        let out_path = dir.join(format!("verify-{i}.out"));
        let err_path = dir.join(format!("verify-{i}.err"));
        let out = std::fs::File::create(&out_path).map_err(|e| e.to_string())?;
        let err = std::fs::File::create(&err_path).map_err(|e| e.to_string())?;
        let result = case
            .cmd
            .time([null.as_raw_fd(), out.as_raw_fd(), err.as_raw_fd()]);
        let stdout = std::fs::read(&out_path).unwrap_or_default();
        let stderr = std::fs::read(&err_path).unwrap_or_default();
        let _ = std::fs::remove_file(&out_path);
        let _ = std::fs::remove_file(&err_path);
        let stderr = String::from_utf8_lossy(&stderr);
        let stderr = stderr.trim();
        match result {
            Err(e) => case.failure = Some(e),
            Ok((_, WaitStatus::Exited(0))) => {
                if case.check_output {
                    match &reference {
                        None => reference = Some((case.label.clone(), stdout)),
                        Some((who, want)) if *want != stdout => {
                            case.failure = Some(format!(
                                "printed {:?}, {who} printed {:?}",
                                String::from_utf8_lossy(&stdout),
                                String::from_utf8_lossy(want)
                            ));
                        }
                        Some(_) => {}
                    }
                }
            }
            Ok((_, status)) => {
                case.failure = Some(format!(
                    "{}{}{}",
                    describe(status),
                    if stderr.is_empty() { "" } else { ": " },
                    stderr.lines().take(3).collect::<Vec<_>>().join(" | ")
                ));
            }
        }
        if let Some(f) = &case.failure {
            eprintln!("  ! {} dropped: {f}", case.label);
        }
    }
    Ok(())
}

/// Time every live case `warmup + n` times in shuffled rounds, keeping the
/// last `n`. Stdio is `/dev/null` (not a terminal, so rush uses its
/// daemon). A case whose run fails is dropped with the reason.
pub fn interleave(cases: &mut [Case], warmup: usize, n: usize, seed: u64) -> Result<(), String> {
    let null = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/null")
        .map_err(|e| format!("/dev/null: {e}"))?;
    let fd: RawFd = null.as_raw_fd();
    let mut rng = Shuffle::new(seed);
    let mut order: Vec<usize> = (0..cases.len()).collect();
    let start = Instant::now();
    for round in 0..warmup + n {
        rng.shuffle(&mut order);
        for &i in &order {
            let case = &mut cases[i];
            if case.failure.is_some() {
                continue;
            }
            check_interrupt()?;
            match case.cmd.time_counted([fd, fd, fd]) {
                Ok((us, WaitStatus::Exited(0), faults)) => {
                    if round >= warmup {
                        case.samples.push(us);
                        case.faults.push(faults as f64);
                    }
                }
                Ok((_, status, _)) => {
                    check_interrupt()?;
                    let f = format!("{} in round {round}", describe(status));
                    eprintln!("  ! {} dropped: {f}", case.label);
                    case.failure = Some(f);
                }
                Err(e) => {
                    eprintln!("  ! {} dropped: {e}", case.label);
                    case.failure = Some(e);
                }
            }
        }
    }
    let live = cases.iter().filter(|c| c.failure.is_none()).count();
    eprintln!(
        "  {} cases x {n} samples (+{warmup} warm-up) in {:.1} s",
        live,
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
