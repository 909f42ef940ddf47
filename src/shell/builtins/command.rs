//! `command`, `type` and `hash`: how a name would be run, and running it
//! without functions.

use super::write_out;
use crate::shell::env::{Shell, status};
use crate::shell::exec::Divert;

/// The reserved words (XCU 2.4).
const KEYWORDS: &[&[u8]] = &[
    b"!", b"{", b"}", b"case", b"do", b"done", b"elif", b"else", b"esac", b"fi", b"for", b"if",
    b"in", b"then", b"until", b"while",
];

/// What a name is, for `command -v/-V` and `type`.
enum Kind {
    Alias(Vec<u8>),
    Keyword,
    Function,
    SpecialBuiltin,
    Builtin,
    File(Vec<u8>),
}

fn classify(sh: &mut Shell, name: &[u8], default_path: bool) -> Option<Kind> {
    if let Some(v) = sh.aliases.get(name) {
        return Some(Kind::Alias(v.to_vec()));
    }
    if KEYWORDS.contains(&name) {
        return Some(Kind::Keyword);
    }
    if sh.functions.contains_key(name) {
        return Some(Kind::Function);
    }
    if let Some(b) = super::lookup(name) {
        return Some(if b.special {
            Kind::SpecialBuiltin
        } else {
            Kind::Builtin
        });
    }
    let path = if default_path {
        search_default_path(name)
    } else if name.contains(&b'/') {
        crate::shell::exec::search::is_executable_file(name).then(|| name.to_vec())
    } else {
        sh.find_command(name)
    };
    path.map(Kind::File)
}

fn search_default_path(name: &[u8]) -> Option<Vec<u8>> {
    for dir in [
        &b"/usr/local/bin"[..],
        b"/usr/bin",
        b"/bin",
        b"/usr/sbin",
        b"/sbin",
    ] {
        let mut p = dir.to_vec();
        p.push(b'/');
        p.extend_from_slice(name);
        if crate::shell::exec::search::is_executable_file(&p) {
            return Some(p);
        }
    }
    None
}

fn describe(sh: &mut Shell, name: &[u8], verbose: bool, default_path: bool) -> Option<Vec<u8>> {
    let kind = classify(sh, name, default_path)?;
    let n = String::from_utf8_lossy(name);
    let line = match (kind, verbose) {
        (Kind::Alias(v), false) => {
            let mut l = b"alias ".to_vec();
            l.extend_from_slice(name);
            l.push(b'=');
            l.extend_from_slice(&super::quote(&v));
            l
        }
        (Kind::Alias(v), true) => {
            format!("{n} is an alias for {}", String::from_utf8_lossy(&v)).into_bytes()
        }
        (Kind::Keyword, false)
        | (Kind::Function, false)
        | (Kind::SpecialBuiltin, false)
        | (Kind::Builtin, false) => name.to_vec(),
        (Kind::Keyword, true) => format!("{n} is a shell keyword").into_bytes(),
        (Kind::Function, true) => format!("{n} is a function").into_bytes(),
        (Kind::SpecialBuiltin, true) => format!("{n} is a special shell builtin").into_bytes(),
        (Kind::Builtin, true) => format!("{n} is a shell builtin").into_bytes(),
        (Kind::File(p), false) => p,
        (Kind::File(p), true) => format!("{n} is {}", String::from_utf8_lossy(&p)).into_bytes(),
    };
    Some(line)
}

/// `command [-p] [-v | -V] name [args...]`.
pub fn command(sh: &mut Shell, args: &[Vec<u8>]) -> Result<i32, Divert> {
    let mut i = 1;
    let mut default_path = false;
    let mut mode = None;
    while let Some(a) = args.get(i) {
        if a == b"--" {
            i += 1;
            break;
        }
        if a.len() < 2 || a[0] != b'-' {
            break;
        }
        for &c in &a[1..] {
            match c {
                b'p' => default_path = true,
                b'v' | b'V' => mode = Some(c),
                _ => {
                    sh.utility_error(b"command", format!("-{}: invalid option", c as char));
                    return Ok(status::USAGE);
                }
            }
        }
        i += 1;
    }
    let Some(name) = args.get(i) else {
        return Ok(0);
    };
    if let Some(m) = mode {
        let mut status = 0;
        let mut out = Vec::new();
        for name in &args[i..] {
            match describe(sh, name, m == b'V', default_path) {
                Some(mut line) => {
                    line.push(b'\n');
                    out.extend_from_slice(&line);
                }
                None => {
                    if m == b'V' {
                        sh.utility_error(
                            b"command",
                            format!("{}: not found", String::from_utf8_lossy(name)),
                        );
                    }
                    status = 1;
                }
            }
        }
        let w = write_out(sh, b"command", &out);
        return Ok(if status != 0 { status } else { w });
    }
    let fields = args[i..].to_vec();
    if !name.contains(&b'/')
        && let Some(b) = super::lookup(name)
    {
        // A special builtin run through `command` is a regular one: its
        // errors do not end the shell.
        return match (b.run)(sh, &fields) {
            Err(Divert::Error(s)) => Ok(s),
            other => other,
        };
    }
    let path = if default_path {
        search_default_path(name)
    } else {
        sh.find_command(name)
    };
    let Some(path) = path else {
        sh.error(format!("{}: not found", String::from_utf8_lossy(name)));
        return Ok(status::NOT_FOUND);
    };
    Ok(sh.spawn_and_wait(&path, fields))
}

/// `type name...`.
pub fn type_(sh: &mut Shell, args: &[Vec<u8>]) -> Result<i32, Divert> {
    let mut status = 0;
    let mut out = Vec::new();
    for name in &args[1..] {
        match describe(sh, name, true, false) {
            Some(mut line) => {
                line.push(b'\n');
                out.extend_from_slice(&line);
            }
            None => {
                out.extend_from_slice(
                    format!("{}: not found\n", String::from_utf8_lossy(name)).as_bytes(),
                );
                status = 1;
            }
        }
    }
    let w = write_out(sh, b"type", &out);
    Ok(if status != 0 { status } else { w })
}

/// `hash [-r] [name...]`.
pub fn hash(sh: &mut Shell, args: &[Vec<u8>]) -> Result<i32, Divert> {
    if args.get(1).map(|a| &a[..]) == Some(b"-r") {
        sh.hash.clear();
        return Ok(0);
    }
    if args.len() == 1 {
        let mut all: Vec<&Box<[u8]>> = sh.hash.values().collect();
        all.sort();
        let mut out = Vec::new();
        for p in all {
            out.extend_from_slice(p);
            out.push(b'\n');
        }
        return Ok(write_out(sh, b"hash", &out));
    }
    let mut status = 0;
    for name in &args[1..] {
        if super::lookup(name).is_some() || name.contains(&b'/') {
            continue;
        }
        sh.hash.remove(&name[..]);
        if sh.find_command(name).is_none() {
            sh.utility_error(
                b"hash",
                format!("{}: not found", String::from_utf8_lossy(name)),
            );
            status = 1;
        }
    }
    Ok(status)
}
