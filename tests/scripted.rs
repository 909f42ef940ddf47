//! Scripted shell tests: every case in `tests/scripts/*.sh` run through the
//! real `rush` binary, with every mismatch reported at once.
//!
//! The case-file format is described in `tests/README.md`. In short:
//!
//! ```text
//! #### name of the case
//! echo "$((1 + 2))"
//! ## stdout:
//! 3
//! ## status: 0
//! ```
//!
//! Environment knobs:
//! - `RUSH_TEST_SHELL="bash --posix"` runs the cases with another shell, to
//!   prove the expectations are POSIX behaviour and not just rush's.
//! - `RUSH_TEST_FILTER=text` runs only cases whose file name or case name
//!   contains `text`.
//! - `RUSH_TEST_JOBS=n` sets how many cases run at once (default 4).

#[path = "daemon_support/mod.rs"]
mod daemon_support;

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::io::{Read, Write};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// How long one case may run before its process group is killed.
const TIMEOUT: Duration = Duration::from_secs(10);

/// The directives a case may carry after its script.
const DIRECTIVES: &[&str] = &[
    "stdin",
    "stdout",
    "status",
    "stderr",
    "stderr-contains",
    "argv",
    "differs",
];

// ---------------------------------------------------------------------------
// Case files

/// One test case parsed from a case file.
#[derive(Debug, Clone)]
struct Case {
    /// The case file, relative to `tests/scripts`.
    file: String,
    /// The line of the `####` header, for reports.
    line: usize,
    name: String,
    /// The shell script under test (the lines after the header).
    script: String,
    /// Standard input (`## stdin:`); `/dev/null` when absent.
    stdin: Option<String>,
    /// Expected standard output (`## stdout:`); empty when absent.
    stdout: String,
    /// Expected exit status (`## status:`); 0 when absent.
    status: Status,
    /// Expected whole standard error (`## stderr:`), when given.
    stderr: Option<String>,
    /// Texts standard error must contain (`## stderr-contains:`).
    stderr_contains: Vec<String>,
    /// The shell's arguments (`## argv:`); `-c {script}` when absent.
    argv: Option<Vec<String>>,
    /// Shells known to answer differently where POSIX leaves it open
    /// (`## differs:`); a mismatch with one of them is not a failure.
    differs: Vec<String>,
}

/// How a shell process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Exited(i32),
    Signaled(i32),
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Status::Exited(n) => write!(f, "{n}"),
            Status::Signaled(n) => write!(f, "signal {n}"),
        }
    }
}

fn parse_status(s: &str) -> Result<Status, String> {
    let s = s.trim();
    let parsed = match s.strip_prefix("signal ") {
        Some(n) => n.trim().parse().map(Status::Signaled),
        None => s.parse().map(Status::Exited),
    };
    parsed.map_err(|_| format!("bad status `{s}` (want a number or `signal N`)"))
}

/// If `line` is a directive (`## word:` with a known word), its word and the
/// text after the colon.
fn directive(line: &str) -> Option<(&str, &str)> {
    let rest = line.strip_prefix("## ")?;
    let (word, value) = rest.split_once(':')?;
    DIRECTIVES
        .contains(&word)
        .then(|| (word, value.strip_prefix(' ').unwrap_or(value)))
}

/// Split a `## argv:` line into words: whitespace separates, single quotes
/// keep text together.
fn split_argv(s: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => return Err(format!("unterminated quote in argv `{s}`")),
                    }
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

/// Parse one case file. Errors name the file and line.
fn parse_file(file: &str, text: &str) -> Result<Vec<Case>, String> {
    let mut cases: Vec<Case> = Vec::new();
    // The block a line of text belongs to: the script, or a directive's.
    let mut block: Option<&str> = None;
    let mut buf: Vec<&str> = Vec::new();

    fn finish(case: &mut Case, block: &str, buf: &mut Vec<&str>, last: bool) {
        if last {
            // Blank lines before the next `####` only separate cases.
            while buf.last().is_some_and(|l| l.trim().is_empty()) {
                buf.pop();
            }
        }
        let mut text = String::new();
        for l in buf.drain(..) {
            text.push_str(l);
            text.push('\n');
        }
        match block {
            "script" => case.script = text,
            "stdin" => case.stdin = Some(text),
            "stdout" => case.stdout = text,
            "stderr" => case.stderr = Some(text),
            _ => unreachable!("only block directives collect text"),
        }
    }

    for (i, line) in text.lines().enumerate() {
        let at = || format!("{file}:{}", i + 1);
        if let Some(name) = line.strip_prefix("####") {
            if let (Some(case), Some(b)) = (cases.last_mut(), block) {
                finish(case, b, &mut buf, true);
            }
            let name = name.trim();
            if name.is_empty() {
                return Err(format!("{}: case without a name", at()));
            }
            cases.push(Case {
                file: file.to_owned(),
                line: i + 1,
                name: name.to_owned(),
                script: String::new(),
                stdin: None,
                stdout: String::new(),
                status: Status::Exited(0),
                stderr: None,
                stderr_contains: Vec::new(),
                argv: None,
                differs: Vec::new(),
            });
            block = Some("script");
            continue;
        }
        let Some(case) = cases.last_mut() else {
            // The file's header comment, before the first case.
            continue;
        };
        if let Some((word, value)) = directive(line) {
            if let Some(b) = block.take() {
                finish(case, b, &mut buf, false);
            }
            match word {
                "stdin" | "stdout" | "stderr" => {
                    if !value.trim().is_empty() {
                        return Err(format!(
                            "{}: `## {word}:` takes its text on the lines below",
                            at()
                        ));
                    }
                    block = Some(word);
                }
                "status" => {
                    case.status = parse_status(value).map_err(|e| format!("{}: {e}", at()))?
                }
                "stderr-contains" => case.stderr_contains.push(value.to_owned()),
                "argv" => {
                    case.argv = Some(split_argv(value).map_err(|e| format!("{}: {e}", at()))?)
                }
                "differs" => case.differs.extend(
                    value
                        .split(|c: char| c == ',' || c.is_whitespace())
                        .filter(|w| !w.is_empty())
                        .map(str::to_owned),
                ),
                _ => unreachable!("directive() only returns known words"),
            }
            continue;
        }
        if let Some((word, _)) = line.strip_prefix("## ").and_then(|r| r.split_once(':'))
            && !word.is_empty()
            && word.chars().all(|c| c.is_ascii_lowercase() || c == '-')
        {
            return Err(format!("{}: unknown directive `{line}`", at()));
        }
        match block {
            Some(_) => buf.push(line),
            // Blank lines and `#` comments after a one-line directive.
            None if line.trim().is_empty() || line.starts_with('#') => {}
            None => {
                return Err(format!(
                    "{}: text after a one-line directive; start a block (`## stdout:`) or a case (`####`)",
                    at()
                ));
            }
        }
    }
    if let (Some(case), Some(b)) = (cases.last_mut(), block) {
        finish(case, b, &mut buf, true);
    }
    for case in &cases {
        if case.stdin.is_some()
            && case.argv.as_ref().is_some_and(|a| {
                !a.iter()
                    .any(|w| w.contains("{script}") || w.contains("{file}"))
            })
        {
            return Err(format!(
                "{file}:{}: `## stdin:` with an argv that feeds the script on stdin",
                case.line
            ));
        }
    }
    Ok(cases)
}

/// Every case file under `dir`, sorted.
fn case_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("read_dir entry").path();
        if path.extension().is_some_and(|e| e == "sh") {
            files.push(path);
        }
    }
    files.sort();
    files
}

// ---------------------------------------------------------------------------
// Running a case

/// How a case reaches the interpreter. The same cases must give identical
/// results in every mode.
///
/// Today only `Direct`. The daemon modes (`DaemonPool`: a `rushd` with
/// pre-forked workers; `DaemonFork`: `rushd` with `RUSH_DISABLE_POOL=1`)
/// will start a daemon per test run and differ from `Direct` only in the
/// environment `run_case` gives the client (`RUSH_DAEMON=require` plus the
/// daemon's socket directory instead of `RUSH_DAEMON=off`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// `rush` interprets the case itself (`RUSH_DAEMON=off`), with this
    /// `RUSH_ENV` startup file if any.
    Direct(Option<&'static str>),
    /// `rush` hands the case to a daemon listening on this socket
    /// (`RUSH_DAEMON=require`: a fallback would be a failure), with this
    /// `RUSH_ENV` startup file if any.
    Daemon(&'static str, Option<&'static str>),
}

/// The shell that runs the cases: `rush`, or another one for checking the
/// expectations (`RUSH_TEST_SHELL`).
#[derive(Debug, Clone)]
struct Shell {
    /// Program and leading arguments, e.g. `["bash", "--posix"]`.
    command: Vec<String>,
    /// Short name matched against `## differs:` (`rush`, `dash`, `bash`).
    name: String,
}

impl Shell {
    fn from_env() -> Shell {
        match std::env::var("RUSH_TEST_SHELL") {
            Ok(s) if !s.trim().is_empty() => {
                let command: Vec<String> = s.split_whitespace().map(str::to_owned).collect();
                let name = Path::new(&command[0])
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                Shell { command, name }
            }
            _ => Shell {
                command: vec![env!("CARGO_BIN_EXE_rush").to_owned()],
                name: "rush".to_owned(),
            },
        }
    }
}

/// What a run produced.
#[derive(Debug)]
struct Outcome {
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    /// `None` when the case timed out.
    status: Option<Status>,
    /// A process outside the case's process group kept stdout or stderr
    /// open after the shell exited.
    leaked: bool,
}

/// Run one case in `mode` in a fresh temporary directory.
fn run_case(mode: Mode, shell: &Shell, case: &Case) -> Result<Outcome, String> {
    let tmp = tempfile::Builder::new()
        .prefix("rush-scripted-")
        .tempdir()
        .map_err(|e| format!("tempdir: {e}"))?;
    let dir = tmp.path();

    // The argument vector: `-c SCRIPT` unless the case gives its own, where
    // `{script}` is the script text and `{file}` a file `script.sh` holding
    // it; an argv with neither gets the script on standard input.
    let mut stdin = case.stdin.clone();
    let args: Vec<String> = match &case.argv {
        None => vec!["-c".to_owned(), case.script.clone()],
        Some(argv) => {
            if argv.iter().any(|w| w.contains("{file}")) {
                std::fs::write(dir.join("script.sh"), &case.script)
                    .map_err(|e| format!("script.sh: {e}"))?;
            }
            if !argv
                .iter()
                .any(|w| w.contains("{script}") || w.contains("{file}"))
            {
                stdin = Some(case.script.clone());
            }
            argv.iter()
                .map(|w| {
                    w.replace("{script}", &case.script)
                        .replace("{file}", "script.sh")
                })
                .collect()
        }
    };

    let mut cmd = Command::new(&shell.command[0]);
    cmd.args(&shell.command[1..])
        .args(&args)
        .current_dir(dir)
        .env_clear()
        .env(
            "PATH",
            std::env::var_os("PATH").unwrap_or_else(|| "/usr/bin:/bin".into()),
        )
        .env("HOME", dir)
        .env("LC_ALL", "C")
        .env("TESTSHELL", shell.command.join(" "))
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Its own process group, so a timeout kills background jobs too.
        .process_group(0);
    let startup = match mode {
        Mode::Direct(startup) => {
            cmd.env("RUSH_DAEMON", "off");
            startup
        }
        Mode::Daemon(socket, startup) => {
            cmd.env("RUSH_DAEMON", "require").env("RUSH_SOCKET", socket);
            // A shell a case starts is a client started by a job: with no
            // worker idle the daemon answers it `Busy`, which `require`
            // makes an error (docs/daemon.md); `auto` then runs it
            // directly, which must give the same.
            cmd.env(
                "TESTSHELL",
                format!("env RUSH_DAEMON=auto {}", shell.command.join(" ")),
            );
            startup
        }
    };
    if let Some(file) = startup {
        cmd.env("RUSH_ENV", file);
    }

    let mut child = cmd
        .spawn()
        .map_err(|e| format!("spawn {:?}: {e}", shell.command))?;
    let pgid = child.id();
    if let (Some(mut pipe), Some(text)) = (child.stdin.take(), stdin) {
        // A thread, so a script that never reads cannot block the runner.
        thread::spawn(move || {
            let _ = pipe.write_all(text.as_bytes());
        });
    }
    // Readers collect into shared buffers, so whatever arrived is kept even
    // when a pipe never reaches end-of-file.
    let (tx, rx) = mpsc::channel();
    let stdout_buf = Arc::new(Mutex::new(Vec::new()));
    let stderr_buf = Arc::new(Mutex::new(Vec::new()));
    let out = child.stdout.take().expect("piped stdout");
    let err = child.stderr.take().expect("piped stderr");
    spawn_reader(out, Arc::clone(&stdout_buf), tx.clone());
    spawn_reader(err, Arc::clone(&stderr_buf), tx);

    let deadline = Instant::now() + TIMEOUT;
    let status = loop {
        match child.try_wait().map_err(|e| format!("wait: {e}"))? {
            Some(st) => break Some(st),
            None if Instant::now() >= deadline => break None,
            None => thread::sleep(Duration::from_millis(2)),
        }
    };
    // Whatever the shell left running in the background ends with it: kill
    // the group so the output pipes close.
    kill_group(pgid);
    if status.is_none() {
        let _ = child.wait();
    }
    let mut leaked = false;
    for _ in 0..2 {
        if rx.recv_timeout(Duration::from_secs(2)).is_err() {
            leaked = true;
            break;
        }
    }
    // The case's temporary directory differs from run to run: name it the
    // same in every output, so runs in different modes compare equal.
    let dir_text = dir.display().to_string();
    let take = |buf: &Arc<Mutex<Vec<u8>>>| {
        let bytes = std::mem::take(&mut *buf.lock().expect("output buffer"));
        replace_bytes(&bytes, dir_text.as_bytes(), b"$TMPDIR")
    };
    Ok(Outcome {
        stdout: take(&stdout_buf),
        stderr: take(&stderr_buf),
        leaked,
        status: status.map(|st| match st.code() {
            Some(c) => Status::Exited(c),
            None => Status::Signaled(st.signal().unwrap_or(0)),
        }),
    })
}

/// `hay` with every `needle` replaced by `with`.
fn replace_bytes(hay: &[u8], needle: &[u8], with: &[u8]) -> Vec<u8> {
    if needle.is_empty() {
        return hay.to_vec();
    }
    let mut out = Vec::with_capacity(hay.len());
    let mut i = 0;
    while i < hay.len() {
        if hay[i..].starts_with(needle) {
            out.extend_from_slice(with);
            i += needle.len();
        } else {
            out.push(hay[i]);
            i += 1;
        }
    }
    out
}

/// Copy a pipe into `buf` until end-of-file, then say so on `done`.
fn spawn_reader(
    mut pipe: impl Read + Send + 'static,
    buf: Arc<Mutex<Vec<u8>>>,
    done: mpsc::Sender<()>,
) {
    thread::spawn(move || {
        let mut chunk = [0u8; 8192];
        loop {
            match pipe.read(&mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(n) => buf
                    .lock()
                    .expect("output buffer")
                    .extend_from_slice(&chunk[..n]),
            }
        }
        let _ = done.send(());
    });
}

/// SIGKILL a whole process group (without `unsafe`: via kill(1)).
fn kill_group(pgid: u32) {
    let _ = Command::new("kill")
        .args(["-s", "KILL", "--", &format!("-{pgid}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// Compare an outcome with a case's expectations; `None` when they agree.
fn check(case: &Case, got: &Outcome) -> Option<String> {
    let stdout = String::from_utf8_lossy(&got.stdout);
    let stderr = String::from_utf8_lossy(&got.stderr);
    let mut problems = Vec::new();
    match got.status {
        None => problems.push(format!("timed out after {}s", TIMEOUT.as_secs())),
        Some(st) if st != case.status => {
            problems.push(format!("status: expected {}, got {st}", case.status));
        }
        Some(_) => {}
    }
    if got.leaked {
        problems.push(
            "stdout or stderr was still held open by a process outside the case's process group"
                .to_owned(),
        );
    }
    if stdout != case.stdout {
        problems.push(format!("stdout:\n{}", diff(&case.stdout, &stdout)));
    }
    if let Some(want) = &case.stderr
        && *want != stderr
    {
        problems.push(format!("stderr:\n{}", diff(want, &stderr)));
    }
    for want in &case.stderr_contains {
        if !stderr.contains(want.as_str()) {
            problems.push(format!("stderr does not contain {want:?}"));
        }
    }
    if problems.is_empty() {
        return None;
    }
    let mut report = problems.join("\n");
    if case.stderr.is_none() && !stderr.is_empty() {
        let _ = write!(report, "\n(stderr was: {:?})", stderr.trim_end());
    }
    Some(report)
}

/// Expected and actual text side by side, each line quoted so whitespace
/// shows.
fn diff(want: &str, got: &str) -> String {
    let mut s = String::from("    expected:\n");
    for l in want.split_inclusive('\n') {
        let _ = writeln!(s, "      {l:?}");
    }
    s.push_str("    actual:\n");
    for l in got.split_inclusive('\n') {
        let _ = writeln!(s, "      {l:?}");
    }
    s
}

// ---------------------------------------------------------------------------
// The test

#[test]
fn scripted() {
    run_suite(Mode::Direct(None));
}

/// Every case through a daemon's pre-forked pool (io_uring backend where
/// there is one), compared with the expectation and with a direct run of
/// the same case: stdout, stderr and status must be identical.
#[test]
fn scripted_through_the_pool() {
    let daemon = daemon_support::Daemon::start(daemon_support::backends()[0]);
    let socket: &'static str = Box::leak(daemon.socket.display().to_string().into_boxed_str());
    run_suite(Mode::Daemon(socket, None));
    daemon.stop();
}

/// Every case through a pool whose workers do not accept clients
/// themselves: the daemon relays each job (what it does when every worker
/// is busy). Linux only: elsewhere that is the only way.
#[test]
#[cfg(target_os = "linux")]
fn scripted_through_the_relaying_pool() {
    let daemon = daemon_support::Daemon::start("relay");
    let socket: &'static str = Box::leak(daemon.socket.display().to_string().into_boxed_str());
    run_suite(Mode::Daemon(socket, None));
    daemon.stop();
}

/// The same in fork-per-request mode, on the readiness (`polling`) backend.
#[test]
fn scripted_through_fork_mode() {
    let daemon = daemon_support::Daemon::start_with(
        "poll",
        daemon_support::Settings {
            fork_mode: true,
            ..Default::default()
        },
    );
    let socket: &'static str = Box::leak(daemon.socket.display().to_string().into_boxed_str());
    run_suite(Mode::Daemon(socket, None));
    daemon.stop();
}

/// Every case through the pool again, with a `RUSH_ENV` startup file that
/// defines functions and variables the cases do not use: loaded once per
/// worker and handed to each job, it must change nothing a case can see
/// beyond itself (and a direct run loads it too).
#[test]
fn scripted_through_the_pool_with_a_startup_file() {
    let dir = tempfile::Builder::new()
        .prefix("rush-scripted-env-")
        .tempdir()
        .expect("tempdir");
    let file = dir.path().join("env.sh");
    std::fs::write(
        &file,
        "rush_env_fn() { echo from-startup; }\nrush_env_other() { rush_env_fn \"$@\"; }\nRUSH_ENV_VAR=set\n",
    )
    .expect("startup file");
    let file: &'static str = Box::leak(file.display().to_string().into_boxed_str());
    let daemon = daemon_support::Daemon::start_with(
        daemon_support::backends()[0],
        daemon_support::Settings {
            env: vec![("RUSH_ENV".into(), file.into())],
            ..Default::default()
        },
    );
    let socket: &'static str = Box::leak(daemon.socket.display().to_string().into_boxed_str());
    run_suite(Mode::Daemon(socket, Some(file)));
    daemon.stop();
}

/// Run every case (or those `RUSH_TEST_FILTER` picks) in `mode`.
fn run_suite(mode: Mode) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scripts");
    let shell = Shell::from_env();
    let filter = std::env::var("RUSH_TEST_FILTER").ok();
    let jobs: usize = std::env::var("RUSH_TEST_JOBS")
        .ok()
        .and_then(|j| j.parse().ok())
        .unwrap_or(4)
        .max(1);

    let mut cases = Vec::new();
    let mut parse_errors = Vec::new();
    for path in case_files(&root) {
        let rel = path
            .strip_prefix(&root)
            .unwrap_or(&path)
            .display()
            .to_string();
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{rel}: {e}"));
        match parse_file(&rel, &text) {
            Ok(cs) => cases.extend(cs),
            Err(e) => parse_errors.push(e),
        }
    }
    assert!(
        parse_errors.is_empty(),
        "bad case files:\n{}",
        parse_errors.join("\n")
    );
    if let Some(f) = &filter {
        cases.retain(|c| c.file.contains(f.as_str()) || c.name.contains(f.as_str()));
    }
    let total = cases.len();

    let queue = Arc::new(Mutex::new(cases.into_iter().collect::<VecDeque<_>>()));
    let results = Arc::new(Mutex::new(Vec::new()));
    let workers: Vec<_> = (0..jobs)
        .map(|_| {
            let queue = Arc::clone(&queue);
            let results = Arc::clone(&results);
            let shell = shell.clone();
            thread::spawn(move || {
                loop {
                    let Some(case) = queue.lock().expect("queue").pop_front() else {
                        break;
                    };
                    let verdict = match run_case(mode, &shell, &case) {
                        Ok(got) => check(&case, &got).or_else(|| match mode {
                            Mode::Direct(_) => None,
                            // Through the daemon, the result must also be
                            // exactly what a direct run gives.
                            Mode::Daemon(_, startup) => {
                                match run_case(Mode::Direct(startup), &shell, &case) {
                                    Ok(direct) => compare(&direct, &got),
                                    Err(e) => Some(format!("could not run directly: {e}")),
                                }
                            }
                        }),
                        Err(e) => Some(format!("could not run: {e}")),
                    };
                    results.lock().expect("results").push((case, verdict));
                }
            })
        })
        .collect();
    for w in workers {
        w.join().expect("worker thread");
    }

    let mut results = std::mem::take(&mut *results.lock().expect("results"));
    results.sort_by(|a, b| (&a.0.file, a.0.line).cmp(&(&b.0.file, b.0.line)));
    let mut failures = String::new();
    let mut failed = 0;
    let mut tolerated = Vec::new();
    for (case, verdict) in &results {
        let Some(report) = verdict else { continue };
        if case.differs.contains(&shell.name) {
            tolerated.push(format!("{}:{}: {}", case.file, case.line, case.name));
            continue;
        }
        failed += 1;
        let _ = writeln!(
            failures,
            "\n=== {}:{}: {}\n--- script:\n{}--- {}",
            case.file,
            case.line,
            case.name,
            indent(&case.script),
            report.trim_end()
        );
    }
    eprintln!(
        "scripted ({}, {:?}): {} cases, {} passed, {} failed, {} known differences",
        shell.command.join(" "),
        mode,
        total,
        total - failed - tolerated.len(),
        failed,
        tolerated.len()
    );
    for t in &tolerated {
        eprintln!("  known difference ({}): {t}", shell.name);
    }
    assert!(
        failed == 0,
        "{failed} of {total} scripted cases failed:{failures}"
    );
}

/// A daemon run against a direct run of the same case: `None` when
/// stdout, stderr and status are identical.
fn compare(direct: &Outcome, daemon: &Outcome) -> Option<String> {
    let mut report = String::new();
    if direct.stdout != daemon.stdout {
        let _ = writeln!(
            report,
            "stdout differs from a direct run:\n    direct: {:?}\n    daemon: {:?}",
            String::from_utf8_lossy(&direct.stdout),
            String::from_utf8_lossy(&daemon.stdout)
        );
    }
    if direct.stderr != daemon.stderr {
        let _ = writeln!(
            report,
            "stderr differs from a direct run:\n    direct: {:?}\n    daemon: {:?}",
            String::from_utf8_lossy(&direct.stderr),
            String::from_utf8_lossy(&daemon.stderr)
        );
    }
    if direct.status != daemon.status {
        let _ = writeln!(
            report,
            "status differs from a direct run: direct {:?}, daemon {:?}",
            direct.status, daemon.status
        );
    }
    (!report.is_empty()).then_some(report)
}

fn indent(s: &str) -> String {
    s.lines().map(|l| format!("    {l}\n")).collect()
}

#[test]
fn case_format() {
    let text = "header comment\n\
                #### first\n\
                echo a\n\
                ## stdout:\n\
                a\n\
                \n\
                ## status: 3\n\
                # a note\n\
                \n\
                #### second\n\
                cat\n\
                ## stdin:\n\
                in\n\
                ## stdout:\n\
                in\n\
                \n\
                \n\
                #### third\n\
                ## argv: -c 'a b' {script}\n\
                ## status: signal 15\n\
                ## differs: dash, bash\n\
                ## stderr-contains: oops\n";
    let cases = parse_file("t.sh", text).expect("parses");
    assert_eq!(cases.len(), 3);
    assert_eq!(cases[0].script, "echo a\n");
    // Inside a block, blank lines before a directive are output.
    assert_eq!(cases[0].stdout, "a\n\n");
    assert_eq!(cases[0].status, Status::Exited(3));
    // Before the next case they only separate.
    assert_eq!(cases[1].stdout, "in\n");
    assert_eq!(cases[1].stdin.as_deref(), Some("in\n"));
    assert_eq!(cases[2].script, "");
    assert_eq!(
        cases[2].argv,
        Some(vec!["-c".into(), "a b".into(), "{script}".into()])
    );
    assert_eq!(cases[2].status, Status::Signaled(15));
    assert_eq!(cases[2].differs, ["dash", "bash"]);
    assert_eq!(cases[2].stderr_contains, ["oops"]);

    assert!(parse_file("t.sh", "#### x\n## stdot:\n").is_err());
    assert!(parse_file("t.sh", "#### x\n## status: 0\nstray text\n").is_err());
}
