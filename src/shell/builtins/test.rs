//! The `test` and `[` utilities (XCU test): POSIX's rules by argument count, and a precedence parser beyond four.
//!
//! Up to four arguments the outcome is fixed by POSIX's table (so `test -n
//! -a -n` is "`-n` and `-n`", and `test ! = x` compares `!` with `x`).
//! Longer expressions go to a recursive-descent parser over `-o`, `-a`, `!`
//! and parentheses that, like dash's, reads a unary operator or `(` as an
//! operand when the next argument is a binary operator.
//!
//! Error messages carry no prefix; the caller adds one such as
//! `rush: test: ` (or `rush: [: `) and exits with status 2.

use std::ffi::OsStr;
use std::fs::{self, Metadata};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, MetadataExt};

use platform::fs as pfs;

/// Deepest nesting of parentheses in the general parser.
const MAX_DEPTH: usize = 500;

/// Evaluates `test args...` (for `[`, the caller has already checked and
/// removed the closing `]`). `Ok` holds the truth value (exit status 0 or
/// 1); `Err` a usage error (exit status 2), such as a missing operand or a
/// bad integer.
pub fn test(args: &[&[u8]]) -> Result<bool, String> {
    match args {
        [] => Ok(false),
        [a] => Ok(!a.is_empty()),
        [a, b] => two(a, b),
        [a, b, c] => three(a, b, c),
        [a, b, c, d] => {
            if *a == b"!" {
                three(b, c, d).map(|r| !r)
            } else if *a == b"(" && *d == b")" {
                two(b, c)
            } else {
                general(args)
            }
        }
        _ => general(args),
    }
}

/// Two arguments: `! s` or a unary primary.
fn two(a: &[u8], b: &[u8]) -> Result<bool, String> {
    if a == b"!" {
        Ok(b.is_empty())
    } else if let Some(op) = Unary::parse(a) {
        op.eval(b)
    } else {
        Err(format!("{}: unary operator expected", show(a)))
    }
}

/// Three arguments: a binary primary (including `-a`, `-o`), `! x y`, or `( x )`.
fn three(a: &[u8], b: &[u8], c: &[u8]) -> Result<bool, String> {
    if let Some(op) = Binary::parse(b) {
        op.eval(a, c)
    } else if b == b"-a" {
        Ok(!a.is_empty() && !c.is_empty())
    } else if b == b"-o" {
        Ok(!a.is_empty() || !c.is_empty())
    } else if a == b"!" {
        two(b, c).map(|r| !r)
    } else if a == b"(" && c == b")" {
        Ok(!b.is_empty())
    } else {
        Err(format!("{}: binary operator expected", show(b)))
    }
}

/// An argument for a message.
fn show(s: &[u8]) -> String {
    String::from_utf8_lossy(s).into_owned()
}

/// The unary primaries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Unary {
    Block,
    Char,
    Dir,
    Exists,
    File,
    SetGid,
    Symlink,
    NonEmptyString,
    Fifo,
    Readable,
    Socket,
    NonEmptyFile,
    Terminal,
    SetUid,
    Writable,
    Executable,
    EmptyString,
    Sticky,
    OwnedByUser,
    OwnedByGroup,
    ModifiedSinceRead,
}

impl Unary {
    fn parse(op: &[u8]) -> Option<Unary> {
        Some(match op {
            b"-b" => Unary::Block,
            b"-c" => Unary::Char,
            b"-d" => Unary::Dir,
            b"-e" => Unary::Exists,
            b"-f" => Unary::File,
            b"-g" => Unary::SetGid,
            b"-h" | b"-L" => Unary::Symlink,
            b"-n" => Unary::NonEmptyString,
            b"-p" => Unary::Fifo,
            b"-r" => Unary::Readable,
            b"-S" => Unary::Socket,
            b"-s" => Unary::NonEmptyFile,
            b"-t" => Unary::Terminal,
            b"-u" => Unary::SetUid,
            b"-w" => Unary::Writable,
            b"-x" => Unary::Executable,
            b"-z" => Unary::EmptyString,
            b"-k" => Unary::Sticky,
            b"-O" => Unary::OwnedByUser,
            b"-G" => Unary::OwnedByGroup,
            b"-N" => Unary::ModifiedSinceRead,
            _ => return None,
        })
    }

    fn eval(self, arg: &[u8]) -> Result<bool, String> {
        let path = OsStr::from_bytes(arg);
        let meta = || fs::metadata(path).ok();
        let mode_bit = |bit: u32| meta().is_some_and(|m| m.mode() & bit != 0);
        Ok(match self {
            Unary::NonEmptyString => !arg.is_empty(),
            Unary::EmptyString => arg.is_empty(),
            Unary::Terminal => {
                let fd = integer(arg)?;
                i32::try_from(fd).is_ok_and(platform::fd::isatty)
            }
            Unary::Symlink => fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()),
            Unary::Exists => meta().is_some(),
            Unary::File => meta().is_some_and(|m| m.is_file()),
            Unary::Dir => meta().is_some_and(|m| m.is_dir()),
            Unary::Block => meta().is_some_and(|m| m.file_type().is_block_device()),
            Unary::Char => meta().is_some_and(|m| m.file_type().is_char_device()),
            Unary::Fifo => meta().is_some_and(|m| m.file_type().is_fifo()),
            Unary::Socket => meta().is_some_and(|m| m.file_type().is_socket()),
            Unary::NonEmptyFile => meta().is_some_and(|m| m.len() > 0),
            Unary::SetUid => mode_bit(0o4000),
            Unary::SetGid => mode_bit(0o2000),
            Unary::Sticky => mode_bit(0o1000),
            Unary::Readable => pfs::access(arg, pfs::R_OK),
            Unary::Writable => pfs::access(arg, pfs::W_OK),
            Unary::Executable => pfs::access(arg, pfs::X_OK),
            Unary::OwnedByUser => meta().is_some_and(|m| m.uid() == platform::process::geteuid()),
            Unary::OwnedByGroup => meta().is_some_and(|m| m.gid() == platform::process::getegid()),
            Unary::ModifiedSinceRead => {
                meta().is_some_and(|m| mtime(&m) > (m.atime(), m.atime_nsec()))
            }
        })
    }
}

/// Modification time with nanoseconds, for ordering.
fn mtime(m: &Metadata) -> (i64, i64) {
    (m.mtime(), m.mtime_nsec())
}

/// The binary primaries other than `-a` and `-o`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Binary {
    StrEq,
    StrNe,
    StrLt,
    StrGt,
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    NewerThan,
    OlderThan,
    SameFile,
}

impl Binary {
    fn parse(op: &[u8]) -> Option<Binary> {
        Some(match op {
            b"=" | b"==" => Binary::StrEq,
            b"!=" => Binary::StrNe,
            b"<" => Binary::StrLt,
            b">" => Binary::StrGt,
            b"-eq" => Binary::Eq,
            b"-ne" => Binary::Ne,
            b"-gt" => Binary::Gt,
            b"-ge" => Binary::Ge,
            b"-lt" => Binary::Lt,
            b"-le" => Binary::Le,
            b"-nt" => Binary::NewerThan,
            b"-ot" => Binary::OlderThan,
            b"-ef" => Binary::SameFile,
            _ => return None,
        })
    }

    fn eval(self, a: &[u8], b: &[u8]) -> Result<bool, String> {
        let meta = |p: &[u8]| fs::metadata(OsStr::from_bytes(p)).ok();
        Ok(match self {
            Binary::StrEq => a == b,
            Binary::StrNe => a != b,
            Binary::StrLt => a < b,
            Binary::StrGt => a > b,
            Binary::Eq => integer(a)? == integer(b)?,
            Binary::Ne => integer(a)? != integer(b)?,
            Binary::Gt => integer(a)? > integer(b)?,
            Binary::Ge => integer(a)? >= integer(b)?,
            Binary::Lt => integer(a)? < integer(b)?,
            Binary::Le => integer(a)? <= integer(b)?,
            // As bash and POSIX 2024: an existing file is newer than a
            // missing one.
            Binary::NewerThan => match (meta(a), meta(b)) {
                (Some(x), Some(y)) => mtime(&x) > mtime(&y),
                (Some(_), None) => true,
                _ => false,
            },
            Binary::OlderThan => match (meta(a), meta(b)) {
                (Some(x), Some(y)) => mtime(&x) < mtime(&y),
                (None, Some(_)) => true,
                _ => false,
            },
            Binary::SameFile => match (meta(a), meta(b)) {
                (Some(x), Some(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
                _ => false,
            },
        })
    }
}

/// An integer operand: optional blanks, an optional sign, decimal digits,
/// optional blanks (as dash reads it); anything else, or a value outside
/// 64 bits, is an error.
fn integer(s: &[u8]) -> Result<i64, String> {
    let bad = || format!("{}: integer expression expected", show(s));
    let is_space = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c);
    let start = s.iter().position(|b| !is_space(b)).unwrap_or(s.len());
    let end = s
        .iter()
        .rposition(|b| !is_space(b))
        .map_or(start, |i| i + 1);
    let t = &s[start..end.max(start)];
    let (neg, digits) = match t.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, t),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return Err(bad());
    }
    let mut n: i64 = 0;
    for &d in digits {
        let d = i64::from(d - b'0');
        n = n
            .checked_mul(10)
            .and_then(|n| {
                if neg {
                    n.checked_sub(d)
                } else {
                    n.checked_add(d)
                }
            })
            .ok_or_else(bad)?;
    }
    Ok(n)
}

/// More than four arguments: `-o` binds loosest, then `-a`, then `!`.
fn general(args: &[&[u8]]) -> Result<bool, String> {
    let mut p = Parser {
        args,
        pos: 0,
        depth: 0,
    };
    let r = p.or()?;
    match p.args.get(p.pos) {
        None => Ok(r),
        Some(extra) => Err(format!("{}: unexpected operator", show(extra))),
    }
}

/// The precedence parser's position in the arguments.
struct Parser<'a> {
    args: &'a [&'a [u8]],
    pos: usize,
    depth: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self, off: usize) -> Option<&'a [u8]> {
        self.args.get(self.pos + off).copied()
    }

    /// Whether the operator at the current position is to be read as an
    /// operand: it is the last argument, or a binary operator follows it
    /// with something after that (dash's `isoperand`).
    fn is_operand(&self) -> bool {
        match (self.peek(1), self.peek(2)) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(next), Some(_)) => Binary::parse(next).is_some(),
        }
    }

    fn or(&mut self) -> Result<bool, String> {
        let mut r = self.and()?;
        while self.peek(0) == Some(b"-o") {
            self.pos += 1;
            let rhs = self.and()?;
            r = r || rhs;
        }
        Ok(r)
    }

    fn and(&mut self) -> Result<bool, String> {
        let mut r = self.not()?;
        while self.peek(0) == Some(b"-a") {
            self.pos += 1;
            let rhs = self.not()?;
            r = r && rhs;
        }
        Ok(r)
    }

    fn not(&mut self) -> Result<bool, String> {
        let mut negate = false;
        // Unlike the unary primaries, `!` is always an operator here (as
        // in dash and bash).
        while self.peek(0) == Some(b"!") {
            self.pos += 1;
            negate = !negate;
        }
        Ok(self.primary()? != negate)
    }

    fn primary(&mut self) -> Result<bool, String> {
        let Some(tok) = self.peek(0) else {
            return Err("argument expected".to_string());
        };
        if tok == b"(" && !self.is_operand() {
            if self.depth >= MAX_DEPTH {
                return Err("expression nested too deeply".to_string());
            }
            self.pos += 1;
            self.depth += 1;
            let r = self.or();
            self.depth -= 1;
            let r = r?;
            if self.peek(0) != Some(b")") {
                return Err("closing paren expected".to_string());
            }
            self.pos += 1;
            return Ok(r);
        }
        if let Some(op) = Unary::parse(tok).filter(|_| !self.is_operand()) {
            let Some(operand) = self.peek(1) else {
                return Err(format!("{}: argument expected", show(tok)));
            };
            self.pos += 2;
            return op.eval(operand);
        }
        if let (Some(op), Some(rhs)) = (self.peek(1).and_then(Binary::parse), self.peek(2)) {
            self.pos += 3;
            return op.eval(tok, rhs);
        }
        self.pos += 1;
        Ok(!tok.is_empty())
    }
}

/// The `test` builtin.
pub fn run(
    sh: &mut crate::shell::env::Shell,
    args: &[Vec<u8>],
) -> Result<i32, crate::shell::exec::Divert> {
    let operands: smallvec::SmallVec<[&[u8]; 8]> = args[1..].iter().map(|a| &a[..]).collect();
    Ok(report(sh, b"test", test(&operands)))
}

/// The `[` builtin: `test` with a closing `]`.
pub fn bracket(
    sh: &mut crate::shell::env::Shell,
    args: &[Vec<u8>],
) -> Result<i32, crate::shell::exec::Divert> {
    if args.last().map(|a| &a[..]) != Some(b"]") {
        sh.utility_error(b"[", "missing ]");
        return Ok(2);
    }
    let operands: smallvec::SmallVec<[&[u8]; 8]> =
        args[1..args.len() - 1].iter().map(|a| &a[..]).collect();
    Ok(report(sh, b"[", test(&operands)))
}

fn report(sh: &crate::shell::env::Shell, name: &[u8], r: Result<bool, String>) -> i32 {
    match r {
        Ok(true) => 0,
        Ok(false) => 1,
        Err(message) => {
            sh.utility_error(name, message);
            2
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::{PermissionsExt, symlink};

    fn t(args: &[&str]) -> Result<bool, String> {
        let args: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
        test(&args)
    }

    fn yes(args: &[&str]) {
        assert_eq!(t(args), Ok(true), "test {args:?}");
    }

    fn no(args: &[&str]) {
        assert_eq!(t(args), Ok(false), "test {args:?}");
    }

    fn usage(args: &[&str]) {
        assert!(
            t(args).is_err(),
            "test {args:?} should be a usage error: {:?}",
            t(args)
        );
    }

    #[test]
    fn by_count() {
        no(&[]);
        yes(&["x"]);
        no(&[""]);
        yes(&["-n"]);
        yes(&["-z"]);
        yes(&["!"]);
        yes(&["("]);
        yes(&["-f"]);
        no(&["!", "x"]);
        yes(&["!", ""]);
        no(&["!", "-n"]);
        yes(&["-n", "x"]);
        no(&["-n", ""]);
        yes(&["-z", ""]);
        usage(&["x", "y"]);
        usage(&["a", "-a"]);
        no(&["!", "=", "x"]);
        yes(&["!", "=", "!"]);
        yes(&["-n", "-a", "-n"]);
        yes(&["-z", "-a", "-z"]);
        yes(&["", "-o", "a"]);
        no(&["", "-a", "a"]);
        no(&["!", "-n", "x"]);
        yes(&["!", "-z", "x"]);
        yes(&["(", "x", ")"]);
        no(&["(", "", ")"]);
        usage(&["a", "b", "c"]);
        usage(&["(", "a"]);
        no(&["!", "a", "=", "a"]);
        yes(&["!", "a", "=", "b"]);
        yes(&["(", "-n", "x", ")"]);
        usage(&["(", "a", "b"]);
        usage(&["a", "-ot", "b", "c"]);
        usage(&["a", "="]);
    }

    #[test]
    fn strings() {
        yes(&["a", "=", "a"]);
        no(&["a", "=", "b"]);
        yes(&["a", "==", "a"]);
        yes(&["a", "!=", "b"]);
        yes(&["a", "<", "b"]);
        no(&["b", "<", "a"]);
        yes(&["b", ">", "a"]);
        yes(&["", "<", "a"]);
        yes(&["=", "=", "="]);
        yes(&["-n", "=", "-n"]);
        let high: &[&[u8]] = &[b"\xff", b">", b"a"];
        assert_eq!(test(high), Ok(true));
    }

    #[test]
    fn integers() {
        yes(&["1", "-eq", "1"]);
        yes(&[" 1 ", "-eq", "1"]);
        yes(&["+1", "-eq", "1"]);
        yes(&["-1", "-lt", "0"]);
        yes(&["2", "-gt", "1"]);
        yes(&["2", "-ge", "2"]);
        yes(&["2", "-le", "2"]);
        yes(&["2", "-ne", "3"]);
        no(&["010", "-ne", "10"]);
        yes(&["9223372036854775807", "-gt", "-9223372036854775808"]);
        usage(&["1", "-eq", "abc"]);
        usage(&["", "-eq", "0"]);
        usage(&["1", "-eq", "1.0"]);
        usage(&["1 x", "-eq", "1"]);
        usage(&["-", "-eq", "0"]);
        usage(&["9223372036854775808", "-eq", "0"]);
        usage(&["1", "-eq", "1", "-eq", "1"]);
        let msg = t(&["x", "-eq", "1"]);
        assert_eq!(msg, Err("x: integer expression expected".to_string()));
    }

    #[test]
    fn general_parser() {
        yes(&["a", "=", "a", "-a", "b"]);
        yes(&["(", "a", "=", "a", ")", "-a", "(", "-n", "x", ")"]);
        yes(&["!", "a", "=", "b", "-o", "c"]);
        yes(&["a", "-o", "b", "-a", ""]);
        no(&["", "-o", "a", "-a", ""]);
        yes(&["", "-a", "", "-o", "x"]);
        yes(&["(", "(", "a", ")", ")"]);
        yes(&["!", "!", "a", "-a", "b"]);
        no(&["!", "!", "!", "a", "-a", "b"]);
        yes(&["-n", "x", "-a", "-z", ""]);
        yes(&["x", "-a", "!", "", "-a", "y"]);
        usage(&["(", "1", "-eq", "1", "-a", "x"]);
        usage(&["a", "=", "a", "-a"]);
        usage(&["a", "b", "-a", "c", "d"]);
        usage(&["-n", "-a", "-n", "-a", "-x"]);
        let deep: Vec<&str> = std::iter::repeat_n("(", 10_000)
            .chain(["x"])
            .chain(std::iter::repeat_n(")", 10_000))
            .collect();
        usage(&deep);
        let nots: Vec<&str> = std::iter::repeat_n("!", 100_001)
            .chain(["x", "-a", "y"])
            .collect();
        no(&nots);
        let ands: Vec<&str> = std::iter::repeat_n(["x", "-a"], 50_000)
            .flatten()
            .chain(["y"])
            .collect();
        yes(&ands);
    }

    /// Compare string-only expressions with dash, when dash is here.
    #[test]
    fn agrees_with_dash() {
        if !std::path::Path::new("/usr/bin/dash").exists() {
            return;
        }
        let cases: &[&[&str]] = &[
            &["a", "=", "a", "-a", "b"],
            &["!", "a", "=", "b", "-o", "c"],
            &["", "-o", "a", "-a", ""],
            &["(", "(", "a", ")", ")"],
            &["!", "!", "!", "a", "-a", "b"],
            &["x", "-a", "!", "", "-a", "y"],
            &["-z", "", "-o", "-n", ""],
            &["(", "!", "x", ")", "-o", "y"],
            &["=", "=", "=", "-a", "x"],
            &["!", "=", "x", "-a", "y"],
            &["1", "-lt", "2", "-a", "3", "-gt", "2"],
            &["(", "a", "-o", "", ")", "-a", "!", "b"],
            &["a", "=", "b", "-o", "(", "c", "!=", "d", ")"],
        ];
        for args in cases {
            let Ok(o) = std::process::Command::new("/usr/bin/dash")
                .arg("-c")
                .arg("test \"$@\"")
                .arg("sh")
                .args(*args)
                .output()
            else {
                return;
            };
            let want = match o.status.code() {
                Some(0) => Some(true),
                Some(1) => Some(false),
                _ => None,
            };
            assert_eq!(t(args).ok(), want, "test {args:?}");
        }
    }

    #[test]
    fn files() {
        let dir = match tempfile::tempdir() {
            Ok(d) => d,
            Err(_) => return,
        };
        let p = |name: &str| dir.path().join(name);
        let s = |name: &str| p(name).to_string_lossy().into_owned();
        fs::write(p("file"), b"data").ok();
        fs::write(p("empty"), b"").ok();
        fs::create_dir(p("sub")).ok();
        symlink(p("file"), p("link")).ok();
        symlink(p("nowhere"), p("dangling")).ok();
        fs::set_permissions(p("file"), fs::Permissions::from_mode(0o755)).ok();
        fs::set_permissions(p("empty"), fs::Permissions::from_mode(0o4644)).ok();

        yes(&["-e", &s("file")]);
        yes(&["-f", &s("file")]);
        no(&["-d", &s("file")]);
        yes(&["-d", &s("sub")]);
        no(&["-f", &s("sub")]);
        yes(&["-s", &s("file")]);
        no(&["-s", &s("empty")]);
        yes(&["-h", &s("link")]);
        yes(&["-L", &s("dangling")]);
        no(&["-e", &s("dangling")]);
        no(&["-h", &s("file")]);
        yes(&["-f", &s("link")]);
        yes(&["-r", &s("file")]);
        yes(&["-w", &s("file")]);
        yes(&["-x", &s("file")]);
        no(&["-x", &s("empty")]);
        yes(&["-u", &s("empty")]);
        no(&["-g", &s("empty")]);
        no(&["-k", &s("empty")]);
        yes(&["-O", &s("file")]);
        yes(&["-G", &s("file")]);
        no(&["-p", &s("file")]);
        no(&["-S", &s("file")]);
        no(&["-b", &s("file")]);
        no(&["-c", &s("file")]);
        yes(&["-c", "/dev/null"]);
        no(&["-e", ""]);
        no(&["-e", &s("missing")]);
        yes(&[&s("link"), "-ef", &s("file")]);
        no(&[&s("empty"), "-ef", &s("file")]);
        no(&[&s("missing"), "-ef", &s("missing")]);
        yes(&[&s("file"), "-nt", &s("missing")]);
        yes(&[&s("missing"), "-ot", &s("file")]);
        no(&[&s("missing"), "-nt", &s("file")]);
        // Give `file` a later mtime than `empty`.
        let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
        if let Ok(f) = fs::File::options().write(true).open(p("empty")) {
            f.set_modified(old).ok();
        }
        yes(&[&s("file"), "-nt", &s("empty")]);
        yes(&[&s("empty"), "-ot", &s("file")]);
        no(&[&s("file"), "-ot", &s("empty")]);
        // Compare with dash on the same files, when dash is here.
        if std::path::Path::new("/usr/bin/dash").exists() {
            for args in [
                vec!["-h", "link"],
                vec!["-s", "empty"],
                vec!["file", "-nt", "empty"],
                vec!["-x", "sub"],
                vec!["-u", "empty"],
                vec!["!", "-e", "dangling", "-a", "-L", "dangling"],
            ] {
                let Ok(o) = std::process::Command::new("/usr/bin/dash")
                    .current_dir(dir.path())
                    .arg("-c")
                    .arg("test \"$@\"")
                    .arg("sh")
                    .args(&args)
                    .output()
                else {
                    return;
                };
                let abs: Vec<String> = args
                    .iter()
                    .map(|a| {
                        if a.starts_with('-') || *a == "!" {
                            a.to_string()
                        } else {
                            s(a)
                        }
                    })
                    .collect();
                let abs: Vec<&str> = abs.iter().map(String::as_str).collect();
                assert_eq!(t(&abs), Ok(o.status.code() == Some(0)), "test {args:?}");
            }
        }
    }

    #[test]
    fn terminals() {
        no(&["-t", "99"]);
        no(&["-t", "-1"]);
        no(&["-t", "99999999999"]);
        usage(&["-t", "x"]);
    }

    proptest::proptest! {
        #[test]
        fn never_panics(args in proptest::collection::vec(
            proptest::prop_oneof![
                proptest::strategy::Just("!"), proptest::strategy::Just("("), proptest::strategy::Just(")"),
                proptest::strategy::Just("-a"), proptest::strategy::Just("-o"), proptest::strategy::Just("-n"),
                proptest::strategy::Just("-z"), proptest::strategy::Just("="), proptest::strategy::Just("-eq"),
                proptest::strategy::Just("1"), proptest::strategy::Just(""), proptest::strategy::Just("x"),
                proptest::strategy::Just("-t"), proptest::strategy::Just("-lt"),
            ],
            0..9,
        )) {
            let _ = t(&args);
        }
    }
}
