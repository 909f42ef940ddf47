//! Invocation (XCU `sh`): options, `-c`, script files, standard input and
//! the interactive prompt; the start-up every way of running shares.

use crate::shell::env::options::{Opt, Options};
use crate::shell::env::{Origin, ProcessRole, Shell, status};
use crate::shell::exec::{Divert, Exec};
use crate::shell::syntax::{Input, Parser};
use platform::fd;

const VERSION: &str = env!("CARGO_PKG_VERSION");

const HELP: &str = "\
usage: rush [options] [-c command [name [arg...]]]
       rush [options] file [arg...]
       rush [options] [-s] [arg...]

Options (+ instead of - turns one off):
  -a  allexport    -b  notify      -C  noclobber   -e  errexit
  -f  noglob       -h  hashall     -i  interactive -m  monitor
  -n  noexec       -s  stdin       -u  nounset     -v  verbose
  -x  xtrace       -o NAME / +o NAME  (also: pipefail, ignoreeof;
                   -o or +o last, with no NAME: list the options)
  -l  login shell: run /etc/profile and ~/.profile first
  --version, --help

Environment: RUSH_DAEMON=auto|off|require|spawn chooses whether a running
rushd serves the command (see rushd --help). RUSH_ENV names a file a
non-interactive shell runs first; ENV, one an interactive shell runs first.
HISTFILE keeps the prompt's history (default ~/.rush_history).
";

/// What the command line asks for.
#[derive(Debug, Default)]
pub struct Invocation {
    /// `(option, on)` in the order given.
    pub options: Vec<(Opt, bool)>,
    /// `-c`: the command string.
    pub command: Option<Vec<u8>>,
    /// The operands after the options (for `-c`: name and args; else the
    /// script file and args, or with `-s` the args).
    pub operands: Vec<Vec<u8>>,
    pub read_stdin: bool,
    pub interactive: bool,
    /// `-l`: a login shell (also when `argv[0]` starts with `-`).
    pub login: bool,
    /// `-o` (`Some(false)`) or `+o` (`Some(true)`) with no name after it:
    /// list the options as `set -o` or `set +o` does, then go on.
    pub list_options: Option<bool>,
}

/// What to do instead of running a shell.
#[derive(Debug)]
pub enum Early {
    Version,
    Help,
    Usage(String),
}

/// Parse the command line (`argv[0]` excluded).
pub fn parse_args<A: AsRef<[u8]>>(args: &[A]) -> Result<Invocation, Early> {
    let mut inv = Invocation::default();
    let mut want_c = false;
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_ref();
        match a {
            b"--version" => return Err(Early::Version),
            b"--help" => return Err(Early::Help),
            b"--" | b"-" => {
                i += 1;
                break;
            }
            // An empty group of options to turn off (dash, bash).
            b"+" => {
                i += 1;
                continue;
            }
            _ => {}
        }
        let on = match a.first() {
            Some(b'-') => true,
            Some(b'+') => false,
            _ => break,
        };
        if a.len() < 2 {
            break;
        }
        for &c in &a[1..] {
            match c {
                b'c' if on => want_c = true,
                b's' if on => inv.read_stdin = true,
                b'i' => inv.interactive = on,
                b'l' => inv.login = on,
                b'o' => {
                    let Some(name) = args.get(i + 1).map(AsRef::as_ref) else {
                        // Last on the line: list the options, as dash
                        // and bash do, and start as if it were not there.
                        inv.list_options = Some(!on);
                        continue;
                    };
                    i += 1;
                    match Options::by_name(name) {
                        Some(opt) => inv.options.push((opt, on)),
                        None => {
                            return Err(Early::Usage(format!(
                                "{}: invalid option name",
                                String::from_utf8_lossy(name)
                            )));
                        }
                    }
                }
                c => match Options::by_letter(c) {
                    Some(opt) => inv.options.push((opt, on)),
                    None => {
                        return Err(Early::Usage(format!("-{}: invalid option", c as char)));
                    }
                },
            }
        }
        i += 1;
    }
    let rest = &args[i..];
    if want_c {
        let Some((command, operands)) = rest.split_first() else {
            return Err(Early::Usage("-c: option requires an argument".into()));
        };
        inv.command = Some(command.as_ref().to_vec());
        inv.operands = operands.iter().map(|a| a.as_ref().to_vec()).collect();
    } else {
        inv.operands = rest.iter().map(|a| a.as_ref().to_vec()).collect();
        if inv.operands.is_empty() {
            inv.read_stdin = true;
        }
    }
    Ok(inv)
}

/// The shell's own variables at start-up (XCU 2.5.3): IFS, PPID, PS2, PS4,
/// OPTIND, and PWD when the inherited one is not right.
pub fn init_variables(sh: &mut Shell) {
    let _ = sh.vars.set(b"IFS", b" \t\n");
    sh.vars.unexport(b"IFS");
    let _ = sh.vars.set(b"OPTIND", b"1");
    if sh.vars.get(b"PS2").is_none() {
        let _ = sh.vars.set(b"PS2", b"> ");
    }
    if sh.vars.get(b"PATH").is_none() {
        // As dash: a usable search path even when none was inherited.
        let _ = sh.vars.set(
            b"PATH",
            b"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        );
    }
    if sh.vars.get(b"PS4").is_none() {
        let _ = sh.vars.set(b"PS4", b"+ ");
    }
    let pwd_ok = sh
        .vars
        .get(b"PWD")
        .is_some_and(|p| p.starts_with(b"/") && crate::shell::builtins::cd::same_as_cwd(p));
    if !pwd_ok && let Ok(cwd) = platform::process::getcwd() {
        let _ = sh.vars.set(b"PWD", &cwd);
    }
    sh.vars.export(b"PWD");
}

/// The file named by `RUSH_ENV` after parameter expansion (as POSIX does
/// for `ENV`), if the variable is set and not empty.
pub fn startup_file(sh: &mut Shell) -> Option<Vec<u8>> {
    file_named_by(sh, b"RUSH_ENV")
}

/// The file variable `name` names, after parameter expansion; `None` when
/// it is unset or either is empty.
fn file_named_by(sh: &mut Shell, name: &[u8]) -> Option<Vec<u8>> {
    let raw = sh.vars.get(name).filter(|v| !v.is_empty())?.to_vec();
    let word = crate::shell::syntax::parse_word_text(&raw)?;
    sh.expand_word_string(&word).ok().filter(|p| !p.is_empty())
}

/// Read the file at `path` and run it in the current environment, its
/// name the source of messages. `Err` when it cannot be read.
fn run_file(sh: &mut Shell, path: Vec<u8>) -> std::io::Result<Exec> {
    let text = read_script(&path)?;
    let label = std::mem::replace(&mut sh.source_label, path);
    let mut parser = Parser::from_bytes(&text, 1);
    let r = sh.run_program(&mut parser, false);
    sh.source_label = label;
    Ok(r)
}

/// A start-up file that cannot be read: `rush: [what: ]path: why`.
fn report_unreadable(what: &str, path: &[u8], e: &std::io::Error) {
    let message = format!(
        "rush: {what}{}: {}\n",
        String::from_utf8_lossy(path),
        crate::shell::builtins::describe_error(e)
    );
    let _ = fd::write_all(2, message.as_bytes());
}

/// A login shell runs `/etc/profile`, then `$HOME/.profile`, those that
/// exist, as dash and bash do.
fn load_profiles(sh: &mut Shell) -> Exec {
    source_if_present(sh, b"/etc/profile".to_vec())?;
    if let Some(home) = sh.vars.get(b"HOME").filter(|h| !h.is_empty()) {
        let mut profile = home.to_vec();
        profile.extend_from_slice(b"/.profile");
        source_if_present(sh, profile)?;
    }
    Ok(())
}

/// An interactive shell runs the file `$ENV` names, after parameter
/// expansion (XCU `sh`, ENV), unless it runs with other user or group ids
/// than the real ones.
fn load_env_file(sh: &mut Shell) -> Exec {
    use platform::process::{getegid, geteuid, getgid, getuid};
    if getuid() != geteuid() || getgid() != getegid() {
        return Ok(());
    }
    match file_named_by(sh, b"ENV") {
        Some(path) => source_if_present(sh, path),
        None => Ok(()),
    }
}

/// Run the file at `path` in the current environment, if there is one; a
/// file that exists but cannot be read is reported. Errors in it end only
/// it; `exit` in it ends the shell.
fn source_if_present(sh: &mut Shell, path: Vec<u8>) -> Exec {
    match run_file(sh, path.clone()) {
        Ok(Err(d @ Divert::Exit(_))) => Err(d),
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => {
            report_unreadable("", &path, &e);
            Ok(())
        }
    }
}

/// Run the startup file named by `RUSH_ENV` in the current environment,
/// before a non-interactive shell runs its command or script: the place
/// for the functions and aliases every `make` recipe or script should see.
/// A file that cannot be read is reported and skipped, as bash does with
/// `BASH_ENV`.
pub fn load_startup_file(sh: &mut Shell) -> Exec {
    let Some(path) = startup_file(sh) else {
        return Ok(());
    };
    if let Some(r) = load_warm_startup(sh, &path) {
        return r;
    }
    match run_file(sh, path.clone()) {
        Err(e) => {
            report_unreadable("RUSH_ENV: ", &path, &e);
            Ok(())
        }
        Ok(Ok(()) | Err(Divert::Return(_))) => {
            sh.last_status = 0;
            Ok(())
        }
        Ok(Err(d)) => Err(d),
    }
}

/// In a daemon worker, the startup file from the warm cache: its
/// definitions applied, or its cached parse run. `None` to load it the
/// direct way (no cache; or options that make loading observable, such as
/// `-v` and `-x`, or `-n` which skips it).
fn load_warm_startup(sh: &mut Shell, path: &[u8]) -> Option<Exec> {
    use crate::shell::warm::{FileKey, Startup};
    let warm = sh.warm.clone()?;
    if !sh.aliases.is_empty() || sh.opt(Opt::Verbose) || sh.opt(Opt::XTrace) || sh.opt(Opt::NoExec)
    {
        return None;
    }
    let key = FileKey::of(path)?;
    let startup = warm.borrow_mut().startup(&key).ok()?;
    let r = match &*startup {
        Startup::Definitions(defs) => sh.apply_definitions(defs),
        Startup::Program(parsed) => {
            let label = std::mem::replace(&mut sh.source_label, path.to_vec());
            let r = sh.run_parsed(parsed, false);
            sh.source_label = label;
            match r {
                Ok(()) | Err(Divert::Return(_)) => {
                    sh.last_status = 0;
                    Ok(())
                }
                Err(d) => Err(d),
            }
        }
    };
    Some(r)
}

/// Read a whole script file.
pub fn read_script(path: &[u8]) -> std::io::Result<Vec<u8>> {
    fd::read_file(path)
}

/// Run the script file at `path` in `sh` (already set up).
pub fn run_script_file(sh: &mut Shell, path: &[u8]) -> Exec {
    if let Some(parsed) = sh.warm_file(path) {
        return match parsed {
            Ok(parsed) => sh.run_parsed(&parsed, true),
            Err(e) => script_open_error(sh, path, e),
        };
    }
    let text = match read_script(path) {
        Ok(text) => text,
        Err(e) => return script_open_error(sh, path, e),
    };
    let mut parser = Parser::from_bytes(&text, 1);
    sh.run_program(&mut parser, true)
}

/// A script that cannot be read: 127 when it does not exist, else 126.
fn script_open_error(sh: &Shell, path: &[u8], e: std::io::Error) -> Exec {
    // In a worker, a signal that ends the job's shell interrupted the open
    // or the read (a FIFO nobody writes): the shell dies of it there.
    if let Some(sig) = sh.pending_death() {
        return Err(Divert::Signaled(sig));
    }
    let code = if e.kind() == std::io::ErrorKind::NotFound {
        status::NOT_FOUND
    } else {
        status::NOT_EXECUTABLE
    };
    let message = format!(
        "rush: cannot open {}: {}\n",
        String::from_utf8_lossy(path),
        crate::shell::builtins::describe_error(&e)
    );
    let _ = fd::write_all(2, message.as_bytes());
    Err(Divert::Exit(code))
}

impl Shell {
    /// In a daemon worker whose alias table is empty (so a cached parse is
    /// the parse a direct run would make): the cached parse of the file at
    /// `path`, read and parsed on a miss. `None` to read and parse directly.
    pub fn warm_file(
        &mut self,
        path: &[u8],
    ) -> Option<std::io::Result<std::rc::Rc<crate::shell::warm::Parsed>>> {
        let warm = self.warm.clone()?;
        if !self.aliases.is_empty() {
            return None;
        }
        let Some(key) = crate::shell::warm::FileKey::of(path) else {
            // Not there, or not a regular file: the direct path reports it.
            return None;
        };
        let r = warm.borrow_mut().file(&key);
        Some(r)
    }
}

/// Input from a file descriptor, a line at a time, never reading past the
/// end of the line: commands the script runs may read the same input (XCU
/// `sh`, "INPUT FILES"). On a pipe that means one byte per read; on a
/// seekable file, a block and a seek back.
pub struct FdInput {
    fd: i32,
    seekable: bool,
    /// Interactive: prompt with PS1/PS2 on standard error.
    prompt: Option<Prompts>,
    /// Interactive on a terminal: lines are read with the line editor,
    /// which recalls and completes from these.
    history: Option<crate::shell::lineedit::History>,
    completions: crate::shell::lineedit::Completions,
}

/// The prompts of an interactive shell, expanded before each line.
pub struct Prompts {
    pub ps1: Vec<u8>,
    pub ps2: Vec<u8>,
}

impl FdInput {
    pub fn new(fd: i32, prompt: Option<Prompts>) -> FdInput {
        FdInput {
            fd,
            seekable: fd::is_seekable(fd),
            prompt,
            history: None,
            completions: Default::default(),
        }
    }
}

impl Input for FdInput {
    fn read_line(&mut self, buf: &mut Vec<u8>, continuation: bool) -> std::io::Result<bool> {
        if let (Some(p), Some(history)) = (&self.prompt, &mut self.history) {
            use crate::shell::lineedit::{Read, read_line};
            let text = if continuation { &p.ps2 } else { &p.ps1 };
            return match read_line(self.fd, text, history, &self.completions, buf)? {
                Read::Line => {
                    buf.push(b'\n');
                    Ok(true)
                }
                Read::Eof => Ok(false),
                Read::Interrupted => interrupted_prompt(),
            };
        }
        if let Some(p) = &self.prompt {
            let text = if continuation { &p.ps2 } else { &p.ps1 };
            let _ = fd::write_all(2, text);
            // A ^C right after the prompt appeared, before the read below
            // could be interrupted by it.
            if platform::signal::any_pending() {
                return interrupted_prompt();
            }
        }
        let mut chunk = [0u8; 1024];
        let mut got_any = false;
        loop {
            let want = if self.seekable { chunk.len() } else { 1 };
            let n = match fd::read(self.fd, &mut chunk[..want]) {
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {
                    if self.prompt.is_some() && platform::signal::any_pending() {
                        return interrupted_prompt();
                    }
                    // A signal that ends the job's shell (in a worker).
                    if platform::signal::giving_up() {
                        return Err(e);
                    }
                    continue;
                }
                Err(e) => return Err(e),
            };
            if n == 0 {
                return Ok(got_any);
            }
            got_any = true;
            if let Some(nl) = chunk[..n].iter().position(|&c| c == b'\n') {
                buf.extend_from_slice(&chunk[..=nl]);
                if self.seekable && nl + 1 < n {
                    let _ = fd::lseek(self.fd, -((n - nl - 1) as i64), fd::Whence::Current);
                }
                return Ok(true);
            }
            buf.extend_from_slice(&chunk[..n]);
        }
    }
}

/// Set up `sh` for an invocation: `$0`, positional parameters, options.
fn configure(sh: &mut Shell, inv: &Invocation, argv0: &[u8]) {
    for &(opt, on) in &inv.options {
        sh.set_opt(opt, on);
    }
    if let Some(_command) = &inv.command {
        sh.origin = Origin::CommandString;
        sh.source_label = b"-c".to_vec();
        match inv.operands.split_first() {
            Some((name, args)) => {
                sh.arg0 = name.clone();
                sh.positional = args.to_vec();
            }
            None => sh.arg0 = argv0.to_vec(),
        }
    } else if inv.read_stdin {
        // `$-` shows `s`, as in dash and bash.
        sh.options.set(Opt::Stdin, true);
        sh.origin = Origin::Stdin;
        sh.source_label = b"stdin".to_vec();
        sh.arg0 = argv0.to_vec();
        sh.positional = inv.operands.clone();
    } else {
        let script = inv.operands[0].clone();
        sh.origin = Origin::Script(script.clone());
        sh.source_label = script.clone();
        sh.arg0 = script;
        sh.positional = inv.operands[1..].to_vec();
    }
}

/// Run what the invocation asks for in the configured shell.
fn run_invocation(sh: &mut Shell, inv: &Invocation) -> Exec {
    if let Some(command) = &inv.command {
        if let Some(warm) = sh.warm.clone()
            && sh.aliases.is_empty()
        {
            let parsed = warm.borrow_mut().string(command);
            return sh.run_parsed(&parsed, true);
        }
        let mut parser = Parser::from_bytes(command, 1);
        return sh.run_program(&mut parser, true);
    }
    if !inv.read_stdin {
        let script = inv.operands[0].clone();
        return run_script_file(sh, &script);
    }
    if sh.interactive {
        return run_interactive(sh);
    }
    let mut input = FdInput::new(0, None);
    let mut parser = Parser::from_input(&mut input, 1);
    sh.run_program(&mut parser, false)
}

/// A signal interrupted the prompt: on a hang-up the input ends (see
/// `run_interactive`); else (^C) the command typed so far is dropped, by
/// an `Interrupted` error that the parser passes up, and the prompt starts
/// over on a new line.
fn interrupted_prompt() -> std::io::Result<bool> {
    if platform::signal::is_pending(platform::signal::SIGHUP) {
        return Ok(false);
    }
    platform::signal::take_pending();
    let _ = fd::write_all(2, b"\n");
    Err(std::io::ErrorKind::Interrupted.into())
}

/// The interactive loop: report jobs, prompt, read, run; errors go back to
/// the prompt. The prompts are expanded afresh for every command (`PS1`
/// may show `$PWD`), which a parser per command allows: the input is read
/// a line at a time, never past the command.
fn run_interactive(sh: &mut Shell) -> Exec {
    use platform::signal::{Disposition, SIGINT, set_disposition};
    let _ = set_disposition(SIGINT, Disposition::Catch);
    sh.start_job_control();
    if sh.jc.is_some() {
        // A hang-up ends the shell and, through it, its jobs.
        let _ = set_disposition(platform::signal::SIGHUP, Disposition::Catch);
    }
    let mut r = interactive_loop(sh);
    if sh.terminal_hung_up() {
        // The jobs go with the terminal.
        sh.hang_up_jobs();
        r = Err(Divert::Exit(128 + platform::signal::SIGHUP));
    }
    sh.end_job_control();
    r
}

fn interactive_loop(sh: &mut Shell) -> Exec {
    loop {
        // Hung up (`run_interactive` ends the jobs). The read can also fail
        // before the signal arrives; the terminal then says so itself.
        if sh.terminal_hung_up() {
            return Ok(());
        }
        sh.notify_jobs();
        // A ^C typed before the prompt appears has nothing to cancel.
        platform::signal::clear_pending(platform::signal::SIGINT);
        let editing = crate::shell::lineedit::wanted(0, sh.vars.get(b"TERM"));
        // A terminal keeps a history, edited or not (`TERM=dumb`, an
        // editor's shell buffer); commands piped to `rush -i` do not.
        let on_terminal = editing || fd::isatty(0);
        if on_terminal && let Some(file) = sh.history_file() {
            sh.history.load(file);
        }
        let ps1 = sh.prompt_text(
            b"PS1",
            if platform::process::geteuid() == 0 {
                b"# "
            } else {
                b"$ "
            },
        );
        let prompts = Prompts {
            ps1: history_number_in(&ps1, sh.history.next_number()),
            ps2: sh.prompt_text(b"PS2", b"> "),
        };
        let mut input = FdInput::new(0, Some(prompts));
        if editing {
            input.completions = sh.completions();
            input.history = Some(std::mem::take(&mut sh.history));
        }
        let read = {
            let mut parser = Parser::from_input(&mut input, sh.lineno.max(1));
            let read = sh.read_next_command(&mut parser);
            if on_terminal && !editing && matches!(read, Ok(Some(_))) {
                // Without the editor, the lines of the command as read.
                for line in parser.last_text().split(|&c| c == b'\n') {
                    sh.history.add(line);
                }
            }
            read
        };
        // The history is back before the command runs (`history`, `fc`).
        if let Some(h) = input.history.take() {
            sh.history = h;
        }
        let r = match read {
            Ok(Some(list)) => sh.run_list(&list, false).map(|()| true),
            Ok(None) => Ok(false),
            Err(d) => Err(d),
        };
        match r {
            Ok(true) => {}
            Ok(false) => {
                if sh.terminal_hung_up() {
                    return Ok(());
                }
                if sh.jc.is_some() && sh.jobs.any_stopped() {
                    // ^D leaves the cursor after the prompt.
                    let _ = fd::write_all(2, b"\n");
                }
                if sh.warn_of_stopped_jobs() {
                    continue;
                }
                return Ok(());
            }
            Err(Divert::Error(_)) | Err(Divert::Break(_)) | Err(Divert::Continue(_)) => continue,
            Err(Divert::Return(s)) => sh.last_status = s,
            Err(other) => return Err(other),
        }
    }
}

/// PS1's exclamation-mark expansion (XCU 2.5.3), after its parameter
/// expansion as in ksh: each `!` becomes `number`, the history number of
/// the next command, and `!!` a `!`.
fn history_number_in(prompt: &[u8], number: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(prompt.len() + 4);
    let mut i = 0;
    while let Some(&b) = prompt.get(i) {
        i += 1;
        if b != b'!' {
            out.push(b);
        } else if prompt.get(i) == Some(&b'!') {
            out.push(b'!');
            i += 1;
        } else {
            out.extend_from_slice(number.to_string().as_bytes());
        }
    }
    out
}

impl Shell {
    /// What the prompt's Tab completes from.
    fn completions(&self) -> crate::shell::lineedit::Completions {
        let mut names: Vec<Vec<u8>> = crate::shell::builtins::ALL
            .iter()
            .map(|b| b.name.to_vec())
            .collect();
        names.extend(self.functions.iter().map(|(k, _)| k.to_vec()));
        names.extend(self.aliases.iter().map(|(k, _)| k.to_vec()));
        crate::shell::lineedit::Completions {
            names,
            path: self.vars.get(b"PATH").unwrap_or_default().to_vec(),
            home: self.vars.get(b"HOME").map(<[u8]>::to_vec),
        }
    }

    /// `$HISTFILE`, else `$HOME/.rush_history`; none without either.
    fn history_file(&self) -> Option<Vec<u8>> {
        if let Some(f) = self.vars.get(b"HISTFILE").filter(|f| !f.is_empty()) {
            return Some(f.to_vec());
        }
        let mut f = self.vars.get(b"HOME").filter(|h| !h.is_empty())?.to_vec();
        f.extend_from_slice(b"/.rush_history");
        Some(f)
    }

    /// A prompt variable after parameter expansion (XCU `sh`, PS1).
    pub fn prompt_text(&mut self, name: &[u8], default: &[u8]) -> Vec<u8> {
        let raw = self
            .vars
            .get(name)
            .map(<[u8]>::to_vec)
            .unwrap_or_else(|| default.to_vec());
        match crate::shell::syntax::parse_word_text(&raw) {
            Some(word) => self.expand_word_string(&word).unwrap_or(raw),
            None => raw,
        }
    }
}

/// Start a shell for the command line `argv` (with `argv[0]`), its
/// environment already imported, and run what it asks for: what both a
/// directly started `rush` and a daemon worker running a job do.
/// `Err(status)` when the command line said to do nothing else
/// (`--version`, `--help`, a usage error).
pub fn start(sh: &mut Shell, argv: &[Vec<u8>], ppid: i32) -> Result<Exec, i32> {
    let argv0 = argv.first().cloned().unwrap_or_else(|| b"rush".to_vec());
    let inv = match parse_args(argv.get(1..).unwrap_or(&[])) {
        Ok(inv) => inv,
        Err(Early::Version) => {
            let _ = fd::write_all(1, format!("rush {VERSION}\n").as_bytes());
            return Err(0);
        }
        Err(Early::Help) => {
            let _ = fd::write_all(1, HELP.as_bytes());
            return Err(0);
        }
        Err(Early::Usage(message)) => {
            let _ = fd::write_all(2, format!("rush: {message}\n{HELP}").as_bytes());
            return Err(status::USAGE);
        }
    };
    // A worker between jobs already has the dispositions of a job with no
    // traps and nothing ignored; only signals the client ignored differ.
    if sh.is_worker() && sh.traps.ignored_on_entry() != 0 {
        sh.traps.apply_all();
    }
    init_variables(sh);
    let _ = sh.vars.set(b"PPID", ppid.to_string().as_bytes());
    sh.interactive = inv.interactive
        || (inv.command.is_none() && inv.read_stdin && fd::isatty(0) && fd::isatty(2));
    if sh.interactive {
        if sh.is_worker() {
            // The client runs interactive shells itself (`client::applicable`):
            // one would change the worker's own signal dispositions.
            let _ = fd::write_all(
                2,
                b"rush: an interactive shell cannot run in a rushd worker\n",
            );
            return Err(status::USAGE);
        }
        // Job control is on by default in an interactive shell (`+m`
        // turns it off); it starts with the prompt. `kill $$` and ^\ do
        // not end it, with a command string too (its commands get the
        // defaults back: `ignored_for_self_only`).
        sh.options.set(Opt::Monitor, true);
        use platform::signal::{Disposition, SIGQUIT, SIGTERM, set_disposition};
        let _ = set_disposition(SIGQUIT, Disposition::Ignore);
        let _ = set_disposition(SIGTERM, Disposition::Ignore);
    }
    configure(sh, &inv, &argv0);
    if let Some(restorable) = inv.list_options {
        crate::shell::builtins::set::print_options(sh, restorable);
    }
    if inv.login || argv0.starts_with(b"-") {
        if let Err(d) = load_profiles(sh) {
            return Ok(Err(d));
        }
    }
    if sh.interactive {
        sh.set_opt(Opt::Interactive, true);
        if let Err(d) = load_env_file(sh) {
            return Ok(Err(d));
        }
    } else {
        // The startup file's line numbers are its own: the command or
        // script starts again from nothing.
        let r = load_startup_file(sh);
        sh.lineno = 0;
        if let Err(d) = r {
            return Ok(Err(d));
        }
    }
    Ok(run_invocation(sh, &inv))
}

/// Run rush directly: `argv` is the whole command line. Returns the exit
/// status; the caller exits with it.
pub fn main(argv: &[Vec<u8>], environ: &[Vec<u8>]) -> i32 {
    let mut sh = Shell::new(ProcessRole::Direct, 0);
    sh.vars.import(environ.iter().map(Vec::as_slice));
    let status = match start(&mut sh, argv, platform::process::getppid()) {
        Ok(r) => sh.finish(r),
        Err(status) => status,
    };
    // The process ends now: freeing every variable, function and syntax
    // tree first would only cost time.
    std::mem::forget(sh);
    status
}

#[cfg(test)]
mod tests {
    use super::history_number_in;

    #[test]
    fn ps1_exclamation_marks() {
        assert_eq!(history_number_in(b"! $ ", 12), b"12 $ ");
        assert_eq!(history_number_in(b"a!!b!", 3), b"a!b3");
        assert_eq!(history_number_in(b"!!!", 7), b"!7");
        assert_eq!(history_number_in(b"none", 7), b"none");
    }
}
