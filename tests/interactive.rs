//! Interactive job control on a real terminal: `rush` runs on the slave
//! side of a pseudo-terminal as its controlling terminal, in a session of
//! its own, and each test types at the master side (including ^Z and ^C)
//! and reads back what a user would see.
//!
//! The terminal echoes what is typed, so a test never waits for text it has
//! typed itself: it waits for output that only running the command can
//! produce. `echo mark-$((1+1))` prints `mark-2` while the echo of the typed
//! line shows `mark-$((1+1))`; [`Session::sync`] does that with a fresh
//! number each time, so everything before the marker is the output of what
//! was typed before it.
//!
//! `RUSH_TEST_SHELL="bash --posix"` runs the same tests with another shell,
//! as for `tests/scripted.rs`, to check the expectations themselves.

mod daemon_support;

use daemon_support::{RUSH, TempDir};
use platform::signal::{self, SIGKILL};
use std::os::fd::{AsRawFd, OwnedFd};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long [`Session::expect`] waits for its text.
const EXPECT_TIMEOUT: Duration = Duration::from_secs(10);

/// `EIO`, the same number on Linux and macOS.
const EIO: i32 = 5;

/// An interactive shell on a pseudo-terminal. Dropping it kills the shell
/// and everything in its session, and reaps the shell.
struct Session {
    shell: Child,
    master: OwnedFd,
    /// Read from the terminal but not yet returned by [`Session::expect`].
    pending: Vec<u8>,
    /// Everything read from the terminal, for failure reports.
    transcript: Vec<u8>,
    /// The terminal hung up: the shell and all its jobs let go of it.
    hung_up: bool,
    /// The number for the next [`Session::sync`] marker.
    marker: u32,
    _home: TempDir,
}

impl Session {
    /// Start the shell on a fresh terminal and wait until it runs commands.
    /// `TERM` is `dumb`: no line editing, the input is echoed as typed.
    fn start() -> Session {
        Session::start_with_term("dumb")
    }

    /// [`Session::start`] with another `TERM` (`xterm`: line editing).
    fn start_with_term(term: &str) -> Session {
        Session::start_with(term, &[])
    }

    /// [`Session::start_with_term`] with more environment variables.
    fn start_with(term: &str, env: &[(&str, &std::path::Path)]) -> Session {
        let home = TempDir::new("interactive");
        let pty = platform::pty::open().expect("open a pty");
        platform::pty::set_window_size(pty.slave.as_raw_fd(), 24, 80).expect("window size");
        let shell_command = shell_command();
        let mut cmd = Command::new(&shell_command[0]);
        cmd.args(&shell_command[1..])
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("HOME", home.path())
            .env("TERM", term)
            .env("PS1", "$ ")
            .env("RUSH_DAEMON", "off")
            .envs(env.iter().copied())
            .current_dir(home.path())
            .stdin(Stdio::from(pty.slave.try_clone().expect("dup slave")))
            .stdout(Stdio::from(pty.slave.try_clone().expect("dup slave")))
            .stderr(Stdio::from(pty.slave.try_clone().expect("dup slave")));
        // The shell leads a session of its own with the terminal (its stdin)
        // as controlling terminal, as under a terminal emulator.
        platform::pty::start_session_on(&mut cmd, 0);
        let shell = cmd.spawn().expect("spawn the shell");
        // Only the shell and its jobs hold the slave now, so the master sees
        // a hang-up when they are gone.
        drop(cmd);
        drop(pty.slave);
        let mut s = Session {
            shell,
            master: pty.master,
            pending: Vec::new(),
            transcript: Vec::new(),
            hung_up: false,
            marker: 0,
            _home: home,
        };
        s.sync();
        s
    }

    /// The shell's pid: also its process group and its session.
    fn pid(&self) -> i32 {
        self.shell.id() as i32
    }

    /// Type `s`.
    fn send(&mut self, s: &str) {
        platform::fd::write_all(self.master.as_raw_fd(), s.as_bytes()).expect("write to the pty");
    }

    /// Wait for the line editor's prompt, then type `keys`: typed any
    /// earlier, while the terminal is still in its line mode, ^R, ^W and
    /// ^U would be the terminal's own editing keys, not the editor's.
    fn type_at_prompt(&mut self, keys: &str) {
        self.expect("\r$ ");
        self.send(keys);
    }

    /// Type the control character `^c` (`'z'`: suspend, `'c'`: interrupt,
    /// `'d'`: end of file).
    fn ctrl(&mut self, c: char) {
        let byte = (c.to_ascii_uppercase() as u8) & 0x1f;
        platform::fd::write_all(self.master.as_raw_fd(), &[byte]).expect("write to the pty");
    }

    /// Read until `needle` appears; return everything up to and including
    /// it and keep the rest for the next call. Fails with the transcript
    /// after [`EXPECT_TIMEOUT`] or when the terminal hangs up first.
    fn expect(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + EXPECT_TIMEOUT;
        loop {
            if let Some(at) = find(&self.pending, needle.as_bytes()) {
                let taken: Vec<u8> = self.pending.drain(..at + needle.len()).collect();
                return String::from_utf8_lossy(&taken).into_owned();
            }
            if self.hung_up {
                self.fail(&format!("the terminal hung up before {needle:?} appeared"));
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                self.fail(&format!(
                    "{needle:?} did not appear within {EXPECT_TIMEOUT:?}"
                ));
            }
            self.read_some(left);
        }
    }

    /// Wait at most `limit` for output and take what there is.
    fn read_some(&mut self, limit: Duration) {
        let fd = self.master.as_raw_fd();
        let ms = limit.as_millis().clamp(1, 100) as i32;
        match platform::fd::poll_readable(fd, ms) {
            Ok(true) => {}
            Ok(false) => return,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => return,
            Err(e) => panic!("poll the pty: {e}"),
        }
        let mut chunk = [0u8; 4096];
        match platform::fd::read_retry(fd, &mut chunk) {
            Ok(0) => self.hung_up = true,
            Ok(n) => {
                self.pending.extend_from_slice(&chunk[..n]);
                self.transcript.extend_from_slice(&chunk[..n]);
            }
            // Linux reports a master whose slave is closed everywhere with
            // EIO rather than end of file (pty(7)).
            Err(e) if e.raw_os_error() == Some(EIO) => self.hung_up = true,
            Err(e) => panic!("read the pty: {e}"),
        }
    }

    /// Run an `echo` that prints a fresh marker and wait for it: returns
    /// all output since the last `expect`, which ends with the marker.
    fn sync(&mut self) -> String {
        self.marker += 1;
        let n = self.marker;
        self.send(&format!("echo sync-$(({n}+0))-done\n"));
        self.expect(&format!("sync-{n}-done"))
    }

    /// Type `line` and a newline and return its output (with the echo of
    /// the typed line), up to a [`Session::sync`] marker. Not for commands
    /// that read the terminal: they would read the marker line.
    fn run(&mut self, line: &str) -> String {
        self.send(&format!("{line}\n"));
        self.sync()
    }

    /// Fail the test, showing everything the terminal printed.
    fn fail(&self, why: &str) -> ! {
        panic!(
            "{why}\n--- terminal transcript ---\n{}\n--- end of transcript ---",
            printable(&self.transcript)
        );
    }

    /// Wait until `count` processes named `comm` run in the shell's session
    /// in the terminal's foreground process group: the job has started and
    /// owns the terminal, so ^Z and ^C reach it and not the shell.
    fn wait_for_foreground(&mut self, comm: &str, count: usize) {
        let sid = self.pid();
        self.wait_until(&format!("{count} {comm} in the foreground"), |procs| {
            procs
                .iter()
                .filter(|p| p.session == sid && p.comm == comm && p.state != 'Z')
                .filter(|p| p.tpgid == p.pgrp)
                .count()
                >= count
        });
    }

    /// Wait until a process named `comm` in the shell's session is in
    /// `state` (as in /proc/PID/stat: `T` stopped, `Z` ended), or until no
    /// such process is left when `state` is `Z`.
    /// Run `line`, wait until `count` processes named `comm` own the
    /// terminal, stop them with ^Z and wait for the prompt.
    fn stop_in_foreground(&mut self, line: &str, comm: &str, count: usize) {
        self.send(&format!("{line}\n"));
        self.wait_for_foreground(comm, count);
        self.ctrl('z');
        self.expect("Stopped");
        self.sync();
    }

    fn wait_for_state(&mut self, comm: &str, state: char) {
        let sid = self.pid();
        self.wait_until(&format!("{comm} in state {state}"), |procs| {
            let mine: Vec<&Proc> = procs
                .iter()
                .filter(|p| p.session == sid && p.comm == comm)
                .collect();
            if state == 'Z' {
                // At least one: before its exec the job's process is
                // still called `rush`.
                !mine.is_empty() && mine.iter().all(|p| p.state == 'Z')
            } else {
                mine.iter().any(|p| p.state == state)
            }
        });
    }

    /// Poll the process table (taking terminal output meanwhile) until
    /// `done` holds, or fail after 10 seconds. Without /proc, wait half a
    /// second and hope.
    fn wait_until(&mut self, what: &str, done: impl Fn(&[Proc]) -> bool) {
        if !cfg!(target_os = "linux") {
            std::thread::sleep(Duration::from_millis(500));
            return;
        }
        let deadline = Instant::now() + EXPECT_TIMEOUT;
        while !done(&processes()) {
            if Instant::now() > deadline {
                self.fail(&format!("waited {EXPECT_TIMEOUT:?} for {what}"));
            }
            self.read_some(Duration::from_millis(20));
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let sid = self.pid();
        // The shell leads its process group; its jobs have groups of their
        // own in its session, so they are found by session. The shell goes
        // first so that it starts nothing new, and is reaped last so that
        // its pid (the session id) cannot be reused meanwhile.
        let _ = signal::send(-sid, SIGKILL);
        for _ in 0..100 {
            let left: Vec<i32> = processes()
                .iter()
                .filter(|p| p.session == sid && p.state != 'Z')
                .map(|p| p.pid)
                .collect();
            if left.is_empty() {
                break;
            }
            for pid in left {
                let _ = signal::send(pid, SIGKILL);
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            match self.shell.try_wait() {
                Ok(Some(_)) | Err(_) => break,
                Ok(None) if Instant::now() > deadline => {
                    eprintln!("interactive: shell {sid} not reaped after SIGKILL");
                    break;
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            }
        }
    }
}

/// The shell under test and its leading arguments.
fn shell_command() -> Vec<String> {
    match std::env::var("RUSH_TEST_SHELL") {
        Ok(s) if !s.trim().is_empty() => s.split_whitespace().map(str::to_owned).collect(),
        _ => vec![RUSH.to_owned()],
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Terminal output for a failure report: line ends as newlines, other
/// control characters escaped.
fn printable(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes).replace("\r\n", "\n");
    let mut out = String::new();
    for c in text.chars() {
        if c == '\n' || !c.is_control() {
            out.push(c);
        } else {
            out.extend(c.escape_default());
        }
    }
    out
}

/// The lines of `text` without their `\r`.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(|l| l.trim_end_matches('\r'))
}

/// A process, from /proc/PID/stat (proc(5)).
#[derive(Debug)]
struct Proc {
    pid: i32,
    comm: String,
    state: char,
    pgrp: i32,
    session: i32,
    /// The foreground process group of its controlling terminal.
    tpgid: i32,
}

/// Every process on the system (none where there is no /proc).
fn processes() -> Vec<Proc> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.filter_map(|e| {
        let pid: i32 = e.ok()?.file_name().to_str()?.parse().ok()?;
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        // The command name is in parentheses and may contain anything, so
        // the fields are counted from the last ')'.
        let (head, rest) = stat.rsplit_once(')')?;
        let comm = head.split_once('(')?.1.to_owned();
        let fields: Vec<&str> = rest.split_whitespace().collect();
        Some(Proc {
            pid,
            comm,
            state: fields.first()?.chars().next()?,
            pgrp: fields.get(2)?.parse().ok()?,
            session: fields.get(3)?.parse().ok()?,
            tpgid: fields.get(5)?.parse().ok()?,
        })
    })
    .collect()
}

#[test]
fn ctrl_z_stops_the_foreground_job_and_the_prompt_returns() {
    let mut s = Session::start();
    s.stop_in_foreground("sleep 30", "sleep", 1);
    s.send("echo mark-$((1+1))\n");
    s.expect("mark-2");
    let jobs = s.run("jobs");
    if !lines(&jobs).any(|l| l.contains("Stopped") && l.contains("sleep 30")) {
        s.fail("`jobs` does not list the stopped `sleep 30`");
    }
    s.send("kill %1; echo k-$((2+1))\n");
    // The job is reported terminated before one of the next prompts.
    let mut seen = s.expect("k-3");
    for _ in 0..10 {
        seen += &s.sync();
        if seen.contains("Terminated") {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    if !lines(&seen).any(|l| l.contains("Terminated") && l.contains("sleep 30")) {
        s.fail("the killed job was not reported `Terminated`");
    }
    let jobs = s.run("jobs; echo j-$((3+1))");
    if jobs.contains("sleep 30") || !jobs.contains("j-4") {
        s.fail("`jobs` still lists the killed job");
    }
}

#[test]
fn bg_resumes_a_stopped_job_in_the_background() {
    let mut s = Session::start();
    s.stop_in_foreground("sleep 30", "sleep", 1);
    let out = s.run("bg");
    if !out.contains("sleep 30 &") {
        s.fail("`bg` did not print the job as `sleep 30 &`");
    }
    s.wait_for_state("sleep", 'S');
    let jobs = s.run("jobs");
    if !lines(&jobs).any(|l| l.contains("Running") && l.contains("sleep 30")) {
        s.fail("`jobs` does not list `sleep 30` as running");
    }
    // `jobs -l` adds the job's process group: the sleep's own pid.
    let sid = s.pid();
    let pid = processes()
        .into_iter()
        .find(|p| p.session == sid && p.comm == "sleep")
        .map(|p| p.pid)
        .unwrap_or_else(|| s.fail("no sleep"));
    let long = s.run("jobs -l");
    if !lines(&long).any(|l| l.contains(&format!(" {pid} ")) && l.contains("Running")) {
        s.fail(&format!("`jobs -l` does not show pid {pid}"));
    }
}

#[test]
fn fg_gives_the_terminal_back_to_the_job() {
    let mut s = Session::start();
    s.stop_in_foreground("tr a-z A-Z", "tr", 1);
    s.send("fg\n");
    // `fg` prints the command it resumes.
    s.expect("tr a-z A-Z");
    s.wait_for_foreground("tr", 1);
    s.send("shout\n");
    s.expect("SHOUT");
    s.ctrl('d');
    // The shell waits for its foreground job, so the job is reaped (gone),
    // and what comes next goes to the shell.
    let sid = s.pid();
    s.wait_until("tr to end", |procs| {
        !procs.iter().any(|p| p.session == sid && p.comm == "tr")
    });
    s.send("echo st=$?\n");
    s.expect("st=0");
}

#[test]
fn ctrl_c_interrupts_the_job_not_the_shell() {
    let mut s = Session::start();
    s.send("sleep 30\n");
    s.wait_for_foreground("sleep", 1);
    s.ctrl('c');
    s.send("echo alive-$((4+1))\n");
    s.expect("alive-5");
}

#[test]
fn a_foreground_job_killed_by_a_signal_is_named() {
    let mut s = Session::start();
    s.send("sh -c 'kill -s TERM $$'; echo rc=$?\n");
    let out = s.expect("rc=143");
    // Not the echo of the typed line: a line of its own before the status
    // (after a prompt, when the prompt came out first).
    if !lines(&out).any(|l| l.trim_end().ends_with("Terminated")) {
        s.fail("a job killed by SIGTERM ended without \"Terminated\"");
    }
}

#[test]
fn a_background_job_is_announced_and_reported_done() {
    let mut s = Session::start();
    s.send("sleep 0.3 &\n");
    s.expect("[1] ");
    let pid_line = s.expect("\n");
    let Ok(pid) = pid_line.trim().parse::<i32>() else {
        s.fail(&format!("`[1] ` is followed by {pid_line:?}, not a pid"));
    };
    s.sync();
    // Ended: a zombie, or already reaped (bash reaps on SIGCHLD).
    s.wait_until("the job to end", |procs| {
        procs.iter().all(|p| p.pid != pid || p.state == 'Z')
    });
    std::thread::sleep(Duration::from_millis(100));
    s.send("echo x-$((5+1))\n");
    let mut seen = s.expect("x-6");
    seen += &s.sync();
    if !lines(&seen).any(|l| l.contains("Done") && l.contains("sleep 0.3")) {
        s.fail("the finished job was not reported `Done`");
    }
}

#[test]
fn a_pipeline_stops_and_resumes_as_one_job() {
    let mut s = Session::start();
    s.stop_in_foreground("sleep 30 | sleep 31", "sleep", 2);
    let jobs = s.run("jobs");
    let listed: Vec<&str> = lines(&jobs).filter(|l| l.contains("Stopped")).collect();
    if listed.len() != 1 || !listed[0].contains("sleep 30 | sleep 31") {
        s.fail("`jobs` does not list the pipeline as one stopped job");
    }
    s.run("kill %1");
}

#[test]
fn background_reader_of_the_terminal_is_stopped() {
    let mut s = Session::start();
    s.send("cat &\n");
    s.expect("[1] ");
    s.sync();
    // cat reads the terminal from a background group: SIGTTIN stops it.
    s.wait_for_state("cat", 'T');
    let jobs = s.run("jobs; echo m-$((6+1))");
    if !jobs.contains("m-7") || !lines(&jobs).any(|l| l.contains("Stopped") && l.contains("cat")) {
        s.fail("`jobs` does not list `cat` as stopped");
    }
}

#[test]
fn fg_without_jobs_is_an_error() {
    let mut s = Session::start();
    s.send("fg; echo rc=$?\n");
    let out = s.expect("rc=1");
    // Not the echo of the typed line: a message of its own.
    if !lines(&out).any(|l| l.contains("fg") && !l.contains("rc=")) {
        s.fail("`fg` failed without saying so");
    }
}

#[test]
fn a_foreground_job_owns_the_terminal() {
    if !["/usr/bin/ps", "/bin/ps"]
        .iter()
        .any(|p| std::path::Path::new(p).exists())
    {
        eprintln!("a_foreground_job_owns_the_terminal: skipped, no ps");
        return;
    }
    let mut s = Session::start();
    let out = s.run("sh -c 'ps -o pid=,tpgid=,pgid= -p $$'");
    // The line may follow a prompt that was printed after the echo of the
    // typed-ahead marker line: `$  4242  4242  4242`.
    let row: Option<Vec<i32>> = lines(&out).find_map(|l| {
        let f: Vec<i32> = l
            .split_whitespace()
            .skip_while(|w| *w == "$")
            .map(str::parse)
            .collect::<Result<_, _>>()
            .ok()?;
        (f.len() == 3).then_some(f)
    });
    let Some(row) = row else {
        s.fail("no `pid tpgid pgid` line from ps");
    };
    let (tpgid, pgid) = (row[1], row[2]);
    if pgid == s.pid() {
        s.fail("the job runs in the shell's process group, not a group of its own");
    }
    if tpgid != pgid {
        s.fail(&format!(
            "the terminal's foreground group is {tpgid}, not the job's group {pgid}"
        ));
    }
}

#[test]
fn ctrl_c_at_the_prompt_drops_the_line_and_keeps_the_shell() {
    for term in ["dumb", "xterm"] {
        let mut s = Session::start_with_term(term);
        // At the prompt, not before it appears.
        s.expect("$ ");
        s.send("echo partial");
        // Typed before the shell reacted, the next line would be read with
        // the signal still on its way: wait for the fresh prompt.
        s.ctrl('c');
        s.expect("^C");
        s.expect("$ ");
        s.send("echo \"st=$?\"\n");
        s.expect("st=130");
        // At the continuation prompt, the whole command goes.
        s.send("for i in 1\n");
        s.expect("> ");
        s.ctrl('c');
        s.expect("^C");
        s.expect("$ ");
        s.send("echo again-$((1+1))\n");
        s.expect("again-2");
    }
}

/// The editor's keys: `ESC [ D` is Left, `ESC [ A` is Up, 0x7f Backspace.
#[test]
fn the_prompt_line_can_be_edited_and_recalled() {
    let mut s = Session::start_with_term("xterm");
    // Backspace, and Left then an insertion.
    s.type_at_prompt("echo $((40+2))Q\x7f\n");
    s.expect("42\r\n");
    s.type_at_prompt("echo $((4+2))\x1b[D\x1b[D\x1b[D1\n");
    s.expect("16\r\n");
    // ^W drops a word, ^U the whole line, ^A goes to the start.
    s.type_at_prompt("echo $((7*6)) junk\x17\n");
    s.expect("42\r\n");
    s.type_at_prompt("garbage\x15echo $((9*9))\n");
    s.expect("81\r\n");
    s.type_at_prompt("$((111*3))\x01echo \n");
    s.expect("333\r\n");
    // Up recalls the last line.
    s.type_at_prompt("\x1b[A\n");
    s.expect("333\r\n");
    // A line longer than the terminal is wide.
    let long = "a".repeat(90);
    s.type_at_prompt(&format!("echo {long}$((500+55))\n"));
    s.expect(&format!("{long}555"));
    s.sync();
}

#[test]
fn tab_completes_commands_and_file_names() {
    let mut s = Session::start_with_term("xterm");
    std::fs::write(s._home.path().join("zebra-notes.txt"), "striped\n").expect("write");
    std::fs::create_dir(s._home.path().join("my dir")).expect("mkdir");
    std::fs::write(s._home.path().join("my dir/inner"), "deep\n").expect("write");
    // A builtin (and /usr/bin/echo): one name, completed with a blank.
    s.type_at_prompt("ech\t$((6*7))\n");
    s.expect("42\r\n");
    // A file name; a directory name with a blank in it, quoted, then what
    // is inside it.
    s.type_at_prompt("cat zeb\t\n");
    s.expect("striped");
    s.type_at_prompt("cat my\tin\t\n");
    s.expect("deep");
    s.sync();
}

#[test]
fn history_is_kept_in_histfile_across_sessions() {
    let dir = TempDir::new("history");
    let file = dir.path().join("hist");
    let mut s = Session::start_with("xterm", &[("HISTFILE", &file)]);
    s.type_at_prompt("echo $((5*5))\n");
    s.expect("25\r\n");
    s.sync();
    drop(s);
    let saved = std::fs::read_to_string(&file).expect("the history file");
    assert!(saved.contains("echo $((5*5))\n"), "{saved:?}");
    // A new session recalls it, after its own first line and the first
    // session's last.
    let mut s = Session::start_with("xterm", &[("HISTFILE", &file)]);
    s.type_at_prompt("\x1b[A\x1b[A\x1b[A\n");
    s.expect("25\r\n");
}

#[test]
fn exit_with_stopped_jobs_warns_once() {
    let mut s = Session::start();
    s.stop_in_foreground("sleep 30", "sleep", 1);
    s.send("exit\n");
    s.expect("there are stopped jobs");
    s.send("echo still-$((2+2))\n");
    s.expect("still-4");
    s.send("exit\n");
    let deadline = Instant::now() + Duration::from_secs(10);
    while s.shell.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            s.fail("the second exit did not end the shell");
        }
        s.read_some(Duration::from_millis(20));
    }
}

#[test]
fn a_hang_up_ends_the_shell_and_its_jobs() {
    let mut s = Session::start();
    s.run("sleep 30 &");
    s.stop_in_foreground("sleep 31", "sleep", 1);
    let sid = s.pid();
    // The terminal goes away: the kernel hangs up the shell, which passes
    // the hang-up on to its jobs, the stopped one too.
    let null = std::fs::File::open("/dev/null").expect("/dev/null");
    drop(std::mem::replace(&mut s.master, null.into()));
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let left: Vec<String> = processes()
            .into_iter()
            .filter(|p| p.session == sid)
            .map(|p| format!("{} {} {}", p.pid, p.comm, p.state))
            .collect();
        let shell_gone = s.shell.try_wait().expect("wait").is_some();
        if shell_gone && left.iter().all(|p| p.ends_with(" Z")) {
            break;
        }
        if Instant::now() > deadline {
            panic!("after the hang-up: shell ended {shell_gone}, left {left:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn pasted_lines_all_run_with_line_editing() {
    let mut s = Session::start_with_term("xterm");
    // One write, as a paste arrives: three commands, one spread over lines.
    s.type_at_prompt(
        "echo $((10+1))\nfor i in $((20+2)) $((30+3))\ndo echo $i\ndone\necho $((40+4))\n",
    );
    s.expect("11\r\n");
    s.expect("22\r\n");
    s.expect("33\r\n");
    s.expect("44\r\n");
}

#[test]
fn ctrl_r_finds_an_earlier_line() {
    let dir = TempDir::new("search");
    let file = dir.path().join("hist");
    let mut s = Session::start_with("xterm", &[("HISTFILE", &file)]);
    s.type_at_prompt("echo $((6*6))\n");
    s.expect("36\r\n");
    s.type_at_prompt("echo other-$((1+1))\n");
    s.expect("other-2\r\n");
    // ^R, what to look for, Enter: the line found runs.
    s.type_at_prompt("\x126*\n");
    s.expect("36\r\n");
    // ^G gives the search up, and the line typed before comes back.
    s.type_at_prompt("echo kept-$((3+3))\x12zzz\x07\n");
    s.expect("kept-6\r\n");
}

#[test]
fn wait_does_not_wait_for_a_stopped_job() {
    let mut s = Session::start();
    s.stop_in_foreground("sleep 30", "sleep", 1);
    s.send("wait; echo waited-$((1+1))\n");
    s.expect("job 1 is stopped");
    s.expect("waited-2");
    let jobs = s.run("jobs");
    if !lines(&jobs).any(|l| l.contains("Stopped") && l.contains("sleep 30")) {
        s.fail("`wait` dropped the stopped job");
    }
}

#[test]
fn history_and_fc_list_and_run_lines_again() {
    let dir = TempDir::new("fc");
    let file = dir.path().join("hist");
    let mut s = Session::start_with("xterm", &[("HISTFILE", &file)]);
    s.type_at_prompt("echo $((2+3))\n");
    s.expect("5\r\n");
    s.type_at_prompt("history\n");
    s.expect("  echo $((2+3))\r\n");
    s.type_at_prompt("fc -l -2\n");
    s.expect("\techo $((2+3))\r\n");
    s.expect("\thistory\r\n");
    // fc -s: the line that starts with `echo`, with 2+3 made 3+4.
    s.type_at_prompt("fc -s 2+3=3+4 echo\n");
    s.expect("7\r\n");
}

#[test]
fn a_coloured_prompt_is_measured_by_what_it_shows() {
    let mut s = Session::start_with_term("xterm");
    s.type_at_prompt("PS1=\"$(printf '\\033[32m$ \\033[0m')\"\n");
    s.expect("\x1b[32m$ \x1b[0m");
    // Each key redraws the line from the prompt's end: two columns in,
    // not the eleven bytes the prompt is made of.
    s.send("e");
    s.expect("\r\x1b[2C\x1b[Je");
    s.send("cho ok-$((1+2))\n");
    s.expect("ok-3");
}

#[test]
fn fc_edits_lines_with_an_editor_and_ps1_shows_history_numbers() {
    let dir = TempDir::new("fcedit");
    let file = dir.path().join("hist");
    let mut s = Session::start_with("xterm", &[("HISTFILE", &file)]);
    s.type_at_prompt("echo $((2+3))\n");
    s.expect("5\r\n");
    // The editor gets the previous line in a file and changes it; what
    // the file then holds runs.
    s.type_at_prompt("FCEDIT='sed -i s/2+3/4+5/'\n");
    s.type_at_prompt("fc -2\n");
    s.expect("9\r\n");
    // An editor that fails runs nothing, and its status is fc's.
    s.type_at_prompt("fc -e false; echo \"st=$?\"\n");
    s.expect("st=1");
    // PS1's `!` is the next line's history number, `!!` a `!`. The lines
    // so far: the session's first (a sync), the four typed above, the
    // edited one fc ran, and this one.
    s.type_at_prompt("PS1='at-! !!> '\n");
    s.expect("at-8 !> ");
    s.send("history 2\n");
    s.expect("    8  history 2");
    s.expect("at-9 !> ");
}

#[test]
fn a_terminal_without_line_editing_keeps_a_history_too() {
    // TERM=dumb: the lines are read as typed, and still recorded.
    let mut s = Session::start();
    s.send("echo $((3+4))\n");
    s.expect("7\r\n");
    s.send("fc -l -1\n");
    s.expect("\techo $((3+4))\r\n");
    s.send("fc -s 3+4=5+6 echo\n");
    s.expect("11\r\n");
}
