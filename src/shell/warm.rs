//! Warm state a daemon worker keeps between jobs: the parsed form of the
//! scripts, dot files and `-c` strings it has run, and what the startup
//! file (`RUSH_ENV`) defines. A shell started directly has none of it and
//! parses everything afresh, which is the behaviour all of this must
//! reproduce exactly, only faster.
//!
//! Files are keyed by path, device, inode, size, modification and change
//! time, so an edited, replaced or touched file is read again, and a file
//! that changed just before it was read is read again until that is
//! [`RACY`] old (its next edit might not move any of those); `-c` strings
//! by their text, the short ones only among the latest ([`RECENT_BYTES`]).
//! Only what cannot carry one job's state into another is kept: syntax
//! trees (which jobs never change) and, for a startup file that only
//! defines things, the definitions, handed to each job copy-on-write.

use crate::proto::codec::Strings;
use crate::shell::env::vars::Vars;
use crate::shell::env::{Shell, Table};
use crate::shell::exec::{Divert, Exec};
use crate::shell::syntax::ast::{Command, FunctionBody, List, WordPart};
use crate::shell::syntax::{NoAliases, ParseError, Parser, SyntaxError};
use rustc_hash::FxHashMap;
use std::cell::RefCell;
use std::os::unix::ffi::OsStrExt;
use std::rc::Rc;

/// What one file is right now, as far as the cache can tell.
#[derive(Clone, Debug, Hash, PartialEq, Eq)]
pub struct FileKey {
    path: Box<[u8]>,
    dev: u64,
    ino: u64,
    size: u64,
    mtime: i64,
    mtime_nsec: i64,
    /// Changed by every write, rename and `touch`; never set back by one.
    ctime: i64,
    ctime_nsec: i64,
}

/// How long after a file last changed a parse of it is checked against
/// its text at every use. A file system stamps times from a clock that
/// may advance in ticks (a few milliseconds on Linux before 6.13; two
/// seconds on FAT), so an edit made in the same tick as the one the cache
/// read can leave the key as it was.
pub const RACY: std::time::Duration = std::time::Duration::from_secs(2);

impl FileKey {
    /// Stat `path` (one system call).
    pub fn of(path: &[u8]) -> Option<FileKey> {
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::metadata(std::ffi::OsStr::from_bytes(path)).ok()?;
        if !m.is_file() {
            return None;
        }
        Some(FileKey {
            path: path.into(),
            dev: m.dev(),
            ino: m.ino(),
            size: m.size(),
            mtime: m.mtime(),
            mtime_nsec: m.mtime_nsec(),
            ctime: m.ctime(),
            ctime_nsec: m.ctime_nsec(),
        })
    }

    /// Did the file change less than [`RACY`] before `when` (or after
    /// it: a clock behind the file system's)?
    fn racy_at(&self, when: std::time::SystemTime) -> bool {
        let changed = (self.ctime, self.ctime_nsec).max((self.mtime, self.mtime_nsec));
        let Ok(now) = when.duration_since(std::time::UNIX_EPOCH) else {
            return true;
        };
        let settled = now.saturating_sub(RACY);
        let settled = (settled.as_secs() as i64, i64::from(settled.subsec_nanos()));
        changed >= settled
    }
}

/// A file's parse, and whether the file had changed so shortly before it
/// was read that the key alone cannot vouch for it ([`RACY`]).
struct CachedFile {
    parsed: Rc<Parsed>,
    racy: bool,
}

/// One complete command of a parsed text and where it ends.
#[derive(Debug)]
struct ParsedCommand {
    list: List,
    /// Byte offset just after the command (and its here-documents).
    end: usize,
    /// The line the parser had reached there.
    end_line: u32,
}

/// A whole text parsed command by command with no aliases, as a shell that
/// defines none while running it would parse it.
#[derive(Debug)]
pub struct Parsed {
    text: Box<[u8]>,
    first_line: u32,
    commands: Vec<ParsedCommand>,
    /// A syntax error after the last good command, or a read error.
    error: Option<SyntaxError>,
}

impl Parsed {
    /// Parse all of `text`.
    pub fn new(text: Box<[u8]>, first_line: u32) -> Parsed {
        let mut commands = Vec::new();
        let mut error = None;
        {
            let mut parser = Parser::from_bytes(&text, first_line);
            loop {
                match parser.next_command(&NoAliases) {
                    Ok(Some(list)) => commands.push(ParsedCommand {
                        list,
                        end: parser.offset(),
                        end_line: parser.line(),
                    }),
                    Ok(None) => break,
                    Err(ParseError::Syntax(e)) => {
                        error = Some(e);
                        break;
                    }
                    Err(ParseError::Io(_)) => break,
                }
            }
        }
        Parsed {
            text,
            first_line,
            commands,
            error,
        }
    }

    /// If running this text only defines things, the definitions. Not
    /// when anything follows an `alias`: the shell parses what follows
    /// with the alias defined (`alias ll=...; f() { ll; }`), and this text
    /// was parsed with none.
    fn definitions(&self) -> Option<Vec<&Command>> {
        if self.error.is_some() {
            return None;
        }
        let mut out: Vec<&Command> = Vec::new();
        for c in &self.commands {
            if out.last().is_some_and(|&last| is_alias(last)) {
                return None;
            }
            let [item] = c.list.items.as_slice() else {
                return None;
            };
            if item.is_async || !item.and_or.rest.is_empty() || item.and_or.first.negated {
                return None;
            }
            let [command] = item.and_or.first.commands.as_slice() else {
                return None;
            };
            if !defines_only(command) {
                return None;
            }
            out.push(command);
        }
        Some(out)
    }
}

/// Is `command` an `alias` command?
fn is_alias(command: &Command) -> bool {
    matches!(command, Command::Simple(s) if s.words.first().and_then(static_text).is_some_and(|w| w == b"alias"))
}

/// Is `command` a definition whose effect depends on nothing but its own
/// text: a function definition, literal assignments, or `alias` / `export`
/// with literal `name=value` operands?
fn defines_only(command: &Command) -> bool {
    let simple = match command {
        Command::FunctionDef(_) => return true,
        Command::Simple(s) => s,
        Command::Compound(..) => return false,
    };
    if !simple.redirects.is_empty() || !simple.assigns.iter().all(|a| literal_word(&a.value)) {
        return false;
    }
    let Some(words) = simple
        .words
        .iter()
        .map(static_text)
        .collect::<Option<Vec<Vec<u8>>>>()
    else {
        return false;
    };
    match words.split_first() {
        None => true,
        Some((first, operands)) if first == b"alias" || first == b"export" => {
            simple.assigns.is_empty()
                && !operands.is_empty()
                && operands.iter().all(|o| {
                    o.iter()
                        .position(|&c| c == b'=')
                        .is_some_and(|eq| crate::shell::env::vars::is_name(&o[..eq]))
                })
        }
        Some(_) => false,
    }
}

/// The text of a word that expands to exactly itself: literal and quoted
/// parts only, and no unquoted pattern character (which could glob).
fn static_text(word: &crate::shell::syntax::ast::Word) -> Option<Vec<u8>> {
    fn add(parts: &[WordPart], quoted: bool, out: &mut Vec<u8>) -> Option<()> {
        for p in parts {
            match p {
                WordPart::Literal(t) => {
                    if !quoted && crate::shell::expand::pattern::has_meta(t) {
                        return None;
                    }
                    out.extend_from_slice(t);
                }
                WordPart::Quoted { text, .. } => out.extend_from_slice(text),
                WordPart::DoubleQuoted(inner) => add(inner, true, out)?,
                _ => return None,
            }
        }
        Some(())
    }
    let mut out = Vec::new();
    add(&word.parts, false, &mut out)?;
    Some(out)
}

/// A word with no expansion at all (unquoted literal text or quoted text).
fn literal_word(word: &crate::shell::syntax::ast::Word) -> bool {
    word.parts.iter().all(|p| match p {
        WordPart::Literal(_) | WordPart::Quoted { .. } => true,
        WordPart::DoubleQuoted(inner) => inner
            .iter()
            .all(|p| matches!(p, WordPart::Literal(_) | WordPart::Quoted { .. })),
        _ => false,
    })
}

/// What a startup file that only defines things defines.
#[derive(Debug)]
pub struct Definitions {
    functions: Table<Rc<FunctionBody>>,
    aliases: Table<Box<[u8]>>,
    /// `(name, value, export)` in the file's order.
    assigns: Vec<(Box<[u8]>, Vec<u8>, bool)>,
}

/// A startup file as cached: its definitions when it only defines things,
/// else its parsed text to run for every job.
#[derive(Debug)]
pub enum Startup {
    Definitions(Definitions),
    Program(Rc<Parsed>),
}

/// Cached bytes of source text past which the cache starts over.
const MAX_BYTES: usize = 64 << 20;

/// The shortest `-c` string kept parsed for good. A tree takes 15 to 30
/// times the bytes of its text, and all a worker keeps makes each of its
/// forks dearer (`daemon::worker::MAX_GROWTH`), while a short string parses
/// in a few microseconds: `make` and `xargs` send thousands of distinct
/// short commands, which kept, made a worker 9 MiB larger in 3,000 jobs.
const MIN_CACHED_STRING: usize = 1024;

/// Shorter strings are kept only among the latest, this many bytes of
/// text of them (then the lot is dropped): a command a caller repeats
/// (`find -exec rush -c '...' sh {} \;`, `xargs`) is parsed once, while a
/// stream of distinct ones never holds more than about 100 KiB of trees.
const RECENT_BYTES: usize = 4 << 10;

/// The warm state of one worker process.
#[derive(Default)]
pub struct Warm {
    files: FxHashMap<FileKey, CachedFile>,
    strings: FxHashMap<Box<[u8]>, Rc<Parsed>>,
    /// Short `-c` strings ([`RECENT_BYTES`]), and their bytes.
    recent: FxHashMap<Box<[u8]>, Rc<Parsed>>,
    recent_bytes: usize,
    /// Each with the parse it was made from.
    startups: FxHashMap<FileKey, (Rc<Parsed>, Rc<Startup>)>,
    bytes: usize,
    /// The last job's environment and the variables it imported.
    environ: Option<(Strings, Vars)>,
}

/// Shared by the shells of a worker's jobs (and, after a fork, by copy).
pub type WarmRef = Rc<RefCell<Warm>>;

impl Warm {
    pub fn new_ref() -> WarmRef {
        Rc::new(RefCell::new(Warm::default()))
    }

    fn account(&mut self, bytes: usize) {
        self.bytes += bytes;
        if self.bytes > MAX_BYTES {
            self.files.clear();
            self.strings.clear();
            self.startups.clear();
            self.bytes = bytes;
        }
    }

    /// The variables `env` imports: a copy of those of the last job when
    /// its environment was the same, which costs no parsing or hashing
    /// (a worker's clients mostly share one: make's recipes, the commands
    /// of one xargs). A copy shares the values (and a job that assigns
    /// one replaces it in its own copy only).
    pub fn imported(&mut self, env: &Strings) -> Vars {
        if let Some((last, vars)) = &self.environ
            && last == env
        {
            return vars.clone();
        }
        let vars = Vars::imported(env.iter());
        self.environ = Some((env.clone(), vars.clone()));
        vars
    }

    /// The parse of the file `key` (reading it on a miss, and while the
    /// file may have changed without changing `key`).
    pub fn file(&mut self, key: &FileKey) -> std::io::Result<Rc<Parsed>> {
        self.file_at(key, std::time::SystemTime::now)
    }

    /// [`Warm::file`], with `now` for the time the file is read.
    fn file_at(
        &mut self,
        key: &FileKey,
        now: impl Fn() -> std::time::SystemTime,
    ) -> std::io::Result<Rc<Parsed>> {
        if let Some(c) = self.files.get(key)
            && !c.racy
        {
            return Ok(c.parsed.clone());
        }
        let read_at = now();
        let text = platform::fd::read_file(&key.path)?;
        let racy = key.racy_at(read_at);
        if let Some(c) = self.files.get_mut(key)
            && *c.parsed.text == *text
        {
            c.racy = racy;
            return Ok(c.parsed.clone());
        }
        self.account(text.len());
        let parsed = Rc::new(Parsed::new(text.into_boxed_slice(), 1));
        // Drop entries for older versions of the same file.
        self.files.retain(|k, _| k.path != key.path);
        let entry = CachedFile {
            parsed: parsed.clone(),
            racy,
        };
        self.files.insert(key.clone(), entry);
        Ok(parsed)
    }

    /// The parse of a `-c` string.
    pub fn string(&mut self, text: &[u8]) -> Rc<Parsed> {
        if text.len() < MIN_CACHED_STRING {
            return self.recent_string(text);
        }
        if let Some(p) = self.strings.get(text) {
            return p.clone();
        }
        self.account(text.len());
        let parsed = Rc::new(Parsed::new(text.into(), 1));
        self.strings.insert(text.into(), parsed.clone());
        parsed
    }

    fn recent_string(&mut self, text: &[u8]) -> Rc<Parsed> {
        if let Some(p) = self.recent.get(text) {
            return p.clone();
        }
        if self.recent_bytes + text.len() > RECENT_BYTES {
            self.recent.clear();
            self.recent_bytes = 0;
        }
        let parsed = Rc::new(Parsed::new(text.into(), 1));
        self.recent_bytes += text.len();
        self.recent.insert(text.into(), parsed.clone());
        parsed
    }

    /// The startup file `key`, evaluated once if it only defines things.
    pub fn startup(&mut self, key: &FileKey) -> std::io::Result<Rc<Startup>> {
        let parsed = self.file(key)?;
        if let Some((from, s)) = self.startups.get(key)
            && Rc::ptr_eq(from, &parsed)
        {
            return Ok(s.clone());
        }
        let startup = match parsed.definitions() {
            Some(commands) => Startup::Definitions(evaluate(&commands)),
            None => Startup::Program(parsed.clone()),
        };
        let startup = Rc::new(startup);
        self.startups.retain(|k, _| k.path != key.path);
        self.startups.insert(key.clone(), (parsed, startup.clone()));
        Ok(startup)
    }
}

/// Run definition commands in a scratch shell and collect what they define.
fn evaluate(commands: &[&Command]) -> Definitions {
    let mut scratch = Shell::new(crate::shell::env::ProcessRole::Direct, 0);
    let mut assigns: Vec<(Box<[u8]>, Vec<u8>, bool)> = Vec::new();
    for command in commands {
        if let Command::Simple(s) = command {
            let words: Vec<Vec<u8>> = s.words.iter().filter_map(static_text).collect();
            for a in &s.assigns {
                if let Ok(v) = scratch.expand_word_string(&a.value) {
                    assigns.push((a.name[..].into(), v, false));
                }
            }
            if words.first().is_some_and(|w| w == b"export") {
                for o in &words[1..] {
                    if let Some(eq) = o.iter().position(|&c| c == b'=') {
                        assigns.push((o[..eq].into(), o[eq + 1..].to_vec(), true));
                    }
                }
                continue;
            }
        }
        let _ = scratch.run_command(command, false);
    }
    Definitions {
        functions: scratch.functions.clone(),
        aliases: scratch.aliases.clone(),
        assigns,
    }
}

impl Shell {
    /// Give this shell what a startup file that only defines things
    /// defines, as running it would have.
    pub fn apply_definitions(&mut self, defs: &Definitions) -> Exec {
        if self.functions.is_empty() {
            self.functions = defs.functions.clone();
        } else {
            for (k, v) in defs.functions.iter() {
                self.functions.insert(k.clone(), v.clone());
            }
        }
        if self.aliases.is_empty() {
            self.aliases = defs.aliases.clone();
        } else {
            for (k, v) in defs.aliases.iter() {
                self.aliases.insert(k.clone(), v.clone());
            }
        }
        for (name, value, export) in &defs.assigns {
            if let Err(e) = self.vars.set(name, value) {
                self.error(e.to_string());
                return Err(Divert::Error(crate::shell::env::status::USAGE));
            }
            if *export {
                self.vars.export(name);
            }
        }
        self.last_status = 0;
        Ok(())
    }

    /// Run a parsed text. Each command runs only if the alias table is
    /// still what the text was parsed under (empty); once a command changes
    /// it, the rest is parsed again from the text, as a direct run would
    /// parse it. With `last`, the final command may replace the process.
    pub fn run_parsed(&mut self, parsed: &Parsed, last: bool) -> Exec {
        let generation = self.aliases.generation();
        let mut from = 0usize;
        let mut line = parsed.first_line;
        let n = parsed.commands.len();
        for (i, c) in parsed.commands.iter().enumerate() {
            if self.aliases.generation() != generation && !self.aliases.is_empty() {
                return self.run_rest(parsed, from, line, last);
            }
            if self.opt(crate::shell::env::options::Opt::Verbose) {
                crate::shell::exec::program::echo_input(&parsed.text[from..c.end]);
            }
            let is_last = last
                && i + 1 == n
                && parsed.error.is_none()
                && crate::shell::syntax::is_blank(&parsed.text[c.end..]);
            self.commands_read = self.commands_read.wrapping_add(1);
            self.run_list(&c.list, is_last)?;
            from = c.end;
            line = c.end_line;
        }
        if let Some(e) = &parsed.error {
            if self.aliases.generation() != generation && !self.aliases.is_empty() {
                return self.run_rest(parsed, from, line, last);
            }
            self.lineno = e.line;
            self.syntax_error(e);
            self.last_status = crate::shell::env::status::USAGE;
            return Err(Divert::Error(crate::shell::env::status::USAGE));
        }
        // The blank lines and comments after the last command, read too.
        if self.opt(crate::shell::env::options::Opt::Verbose) {
            crate::shell::exec::program::echo_input(&parsed.text[from..]);
        }
        Ok(())
    }

    /// Parse and run the rest of `parsed`'s text from byte `from`.
    fn run_rest(&mut self, parsed: &Parsed, from: usize, line: u32, last: bool) -> Exec {
        let rest = &parsed.text[from..];
        let mut parser = Parser::from_bytes(rest, line);
        self.run_program(&mut parser, last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Parsed {
        Parsed::new(text.as_bytes().into(), 1)
    }

    /// A job's variables come from the last job's import when the
    /// environment is the same, and what a job does to its own stays its
    /// own.
    #[test]
    fn an_environment_is_imported_once_and_copied() {
        let mut warm = Warm::default();
        let env: Strings = ["A=1", "PATH=/bin", "1bad=x"].into_iter().collect();
        let mut first = warm.imported(&env);
        assert_eq!(first.get(b"A"), Some(&b"1"[..]));
        assert_eq!(first.get(b"1bad"), None);
        first.set(b"A", b"changed").unwrap();
        first.unset(b"PATH").unwrap();
        first.set(b"NEW", b"x").unwrap();
        let second = warm.imported(&env);
        assert_eq!(second.get(b"A"), Some(&b"1"[..]));
        assert_eq!(second.get(b"PATH"), Some(&b"/bin"[..]));
        assert_eq!(second.get(b"NEW"), None);
        assert!(second.var(b"A").is_some_and(|v| v.exported));
        let other: Strings = ["A=2"].into_iter().collect();
        let third = warm.imported(&other);
        assert_eq!(third.get(b"A"), Some(&b"2"[..]));
        assert_eq!(third.get(b"PATH"), None);
    }

    /// A file edited without changing its key (as an edit in the same
    /// clock tick as the last read can leave it) is read again while it
    /// has changed recently, and its parse kept while its text is the
    /// same; once it has not changed for [`RACY`], the key is trusted.
    #[test]
    fn a_recently_changed_file_is_checked_against_its_text() {
        let dir = std::env::temp_dir().join(format!("rush-warm-racy-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("lib.sh");
        let path = path.as_os_str().as_bytes();
        std::fs::write(std::ffi::OsStr::from_bytes(path), "echo one\n").unwrap();
        let key = FileKey::of(path).unwrap();
        let mut warm = Warm::default();
        let now = std::time::SystemTime::now;
        let first = warm.file_at(&key, now).unwrap();
        assert_eq!(&*first.text, b"echo one\n");
        // Same text: the same parse.
        assert!(Rc::ptr_eq(&first, &warm.file_at(&key, now).unwrap()));
        // Another text under the same key: read and parsed again.
        std::fs::write(std::ffi::OsStr::from_bytes(path), "echo two\n").unwrap();
        let second = warm.file_at(&key, now).unwrap();
        assert_eq!(&*second.text, b"echo two\n");
        // Read when the change is older than RACY: from then on the key
        // vouches for the text, as it does for any file not just edited.
        let later = || std::time::SystemTime::now() + RACY + std::time::Duration::from_secs(1);
        assert!(Rc::ptr_eq(&second, &warm.file_at(&key, later).unwrap()));
        std::fs::write(std::ffi::OsStr::from_bytes(path), "echo 333\n").unwrap();
        assert!(Rc::ptr_eq(&second, &warm.file_at(&key, now).unwrap()));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn short_strings_are_kept_only_among_the_latest() {
        let mut warm = Warm::default();
        let short = b"x=1; echo $x";
        let first = warm.string(short);
        assert!(Rc::ptr_eq(&first, &warm.string(short)));
        assert!(warm.strings.is_empty() && warm.bytes == 0);
        // Distinct short strings past RECENT_BYTES: the lot goes.
        for i in 0..RECENT_BYTES {
            warm.string(format!("echo {i}").as_bytes());
            assert!(warm.recent_bytes <= RECENT_BYTES);
        }
        assert!(!Rc::ptr_eq(&first, &warm.string(short)));
        let long = format!("echo hi # {}", "-".repeat(MIN_CACHED_STRING));
        let kept = warm.string(long.as_bytes());
        assert!(Rc::ptr_eq(&kept, &warm.string(long.as_bytes())));
        assert_eq!(warm.bytes, long.len());
    }

    #[test]
    fn definitions_only() {
        // A function's redirections apply when it is called: still a
        // definition.
        let p = parsed(
            "f() { echo $1; }\ng() { :; } >/dev/null\nX=1 Y='two words'\nexport Z=3\nalias ll='ls -l'\n# comment\n",
        );
        assert!(p.definitions().is_some());
        for impure in [
            "f() { :; }\necho hi\n",
            "X=$HOME\n",
            "alias ll\n",
            "export PATH=$PATH:/x\n",
            "[ -n \"$X\" ] && f() { :; }\n",
            "if true; then :; fi\n",
            // Parsed after the alias, the function would call `ls -l`.
            "alias ll='ls -l'\nf() { ll; }\n",
        ] {
            assert!(parsed(impure).definitions().is_none(), "{impure:?}");
        }
        assert!(parsed("f() {\n").definitions().is_none());
    }

    #[test]
    fn commands_and_offsets() {
        let p = parsed("echo a\necho b; echo c\n\nfi\n");
        assert_eq!(p.commands.len(), 2);
        assert_eq!(&p.text[..p.commands[0].end], b"echo a\n");
        assert!(p.error.is_some());
    }

    #[test]
    fn evaluated_definitions() {
        let p = parsed("f() { echo f; }\nX=1\nexport Y=2\nalias a=b\n");
        let defs = evaluate(&p.definitions().unwrap());
        assert!(defs.functions.contains_key(b"f"));
        assert_eq!(defs.aliases.get(b"a").map(|v| &v[..]), Some(&b"b"[..]));
        assert_eq!(defs.assigns.len(), 2);
        assert_eq!(&defs.assigns[1].0[..], b"Y");
        assert!(defs.assigns[1].2);
    }
}
