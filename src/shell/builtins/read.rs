//! `read`: one line of input split into variables by IFS.

use super::parse_flags;
use crate::shell::env::vars::is_name;
use crate::shell::env::{Shell, status};
use crate::shell::exec::Divert;
use platform::fd;

/// One input character and whether a backslash escaped it.
type Char = (u8, bool);

enum LineEnd {
    Newline,
    Eof,
    /// A caught signal interrupted the read.
    Interrupted,
}

/// Read one logical line from fd 0: up to a newline, joining
/// backslash-newline continuations unless `raw`. Never reads past the
/// newline, so the next command finds its input where the line ended (on a
/// pipe one byte at a time; on a seekable file a block, then seek back).
fn read_line(raw: bool, delim: u8) -> (Vec<Char>, LineEnd) {
    let mut out: Vec<Char> = Vec::new();
    let mut escaped = false;
    let seekable = fd::is_seekable(0);
    let mut buf = [0u8; 512];
    loop {
        let want = if seekable { buf.len() } else { 1 };
        let n = match fd::read(0, &mut buf[..want]) {
            Ok(0) => return (out, LineEnd::Eof),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {
                if platform::signal::any_pending() {
                    return (out, LineEnd::Interrupted);
                }
                continue;
            }
            Err(_) => return (out, LineEnd::Eof),
        };
        for (i, &c) in buf[..n].iter().enumerate() {
            if escaped {
                escaped = false;
                if c == b'\n' {
                    continue;
                }
                out.push((c, true));
                continue;
            }
            if c == delim {
                if seekable && i + 1 < n {
                    let _ = fd::lseek(0, -((n - i - 1) as i64), fd::Whence::Current);
                }
                return (out, LineEnd::Newline);
            }
            if c == b'\\' && !raw {
                escaped = true;
                continue;
            }
            out.push((c, false));
        }
    }
}

/// Split `line` into `count` fields by IFS, as `read` does: the last field
/// takes the rest of the line, less trailing IFS white space.
fn split(line: &[Char], ifs: &[u8], count: usize) -> Vec<Vec<u8>> {
    let is_ifs = |c: &Char| !c.1 && ifs.contains(&c.0);
    let is_white = |c: &Char| is_ifs(c) && matches!(c.0, b' ' | b'\t' | b'\n');
    let mut fields = Vec::with_capacity(count);
    let mut i = 0;
    while i < line.len() && is_white(&line[i]) {
        i += 1;
    }
    while fields.len() + 1 < count && i < line.len() {
        let start = i;
        while i < line.len() && !is_ifs(&line[i]) {
            i += 1;
        }
        fields.push(line[start..i].iter().map(|c| c.0).collect());
        // The delimiter: white space, at most one non-white IFS character,
        // more white space.
        while i < line.len() && is_white(&line[i]) {
            i += 1;
        }
        if i < line.len() && is_ifs(&line[i]) && !is_white(&line[i]) {
            i += 1;
            while i < line.len() && is_white(&line[i]) {
                i += 1;
            }
        }
    }
    let mut end = line.len();
    while end > i && is_white(&line[end - 1]) {
        end -= 1;
    }
    if fields.len() < count {
        let rest = &line[i.min(end)..end];
        // A remainder that is one field ended by a non-white delimiter
        // (and white space before it) is that field: "a," and "a ,"
        // give "a", as splitting them would; "a,b," stays whole.
        let rest = match rest.split_last() {
            Some((last, body)) if fields.len() + 1 == count && is_ifs(last) => {
                let mut end = body.len();
                while end > 0 && is_white(&body[end - 1]) {
                    end -= 1;
                }
                if body[..end].iter().any(is_ifs) {
                    rest
                } else {
                    &body[..end]
                }
            }
            _ => rest,
        };
        fields.push(rest.iter().map(|c| c.0).collect());
    }
    while fields.len() < count {
        fields.push(Vec::new());
    }
    fields
}

/// `read [-r] [-d delim] [var...]`.
pub fn read(sh: &mut Shell, args: &[Vec<u8>]) -> Result<i32, Divert> {
    let mut raw = false;
    let mut delim = b'\n';
    let mut i = 1;
    while i < args.len() {
        let a = &args[i];
        if a == b"--" {
            i += 1;
            break;
        }
        if a.len() < 2 || a[0] != b'-' {
            break;
        }
        if a == b"-d" {
            i += 1;
            delim = args.get(i).and_then(|d| d.first().copied()).unwrap_or(0);
            i += 1;
            continue;
        }
        match parse_flags(&[Vec::new(), a.clone()], b"r") {
            Ok(_) => raw = true,
            Err(c) => {
                sh.utility_error(b"read", format!("-{}: invalid option", c as char));
                return Ok(status::USAGE);
            }
        }
        i += 1;
    }
    // POSIX asks for a name. Without one the line goes whole into REPLY,
    // white space and all, as bash, ksh, zsh and busybox sh do (dash
    // reports a usage error): a script written for them works here too.
    let reply = i >= args.len();
    let names: Vec<Vec<u8>> = if reply {
        vec![b"REPLY".to_vec()]
    } else {
        args[i..].to_vec()
    };
    for name in &names {
        if !is_name(name) {
            sh.utility_error(
                b"read",
                format!("{}: bad variable name", String::from_utf8_lossy(name)),
            );
            return Ok(status::USAGE);
        }
    }
    let (line, end) = read_line(raw, delim);
    if let LineEnd::Interrupted = end {
        let pending = platform::signal::take_pending();
        for sig in 1..64 {
            if pending & platform::signal::bit(sig) != 0 {
                platform::signal::mark_pending(sig);
            }
        }
        let sig = (1..64)
            .find(|s| pending & platform::signal::bit(*s) != 0)
            .unwrap_or(0);
        return Ok(128 + sig);
    }
    let ifs = sh
        .vars
        .get(b"IFS")
        .map(<[u8]>::to_vec)
        .unwrap_or_else(|| b" \t\n".to_vec());
    let fields = if reply {
        vec![line.iter().map(|c| c.0).collect()]
    } else {
        split(&line, &ifs, names.len())
    };
    for (name, value) in names.iter().zip(fields) {
        if let Err(e) = sh.vars.set_owned(name, value) {
            sh.utility_error(b"read", e.to_string());
            return Ok(status::USAGE);
        }
    }
    Ok(match end {
        LineEnd::Newline => 0,
        _ => 1,
    })
}

#[cfg(test)]
mod tests {
    use super::split;

    fn chars(s: &str) -> Vec<(u8, bool)> {
        s.bytes().map(|c| (c, false)).collect()
    }

    fn strs(v: Vec<Vec<u8>>) -> Vec<String> {
        v.into_iter()
            .map(|f| String::from_utf8(f).unwrap())
            .collect()
    }

    #[test]
    fn splits_like_read() {
        assert_eq!(
            strs(split(&chars("  a  b  c  "), b" \t\n", 2)),
            ["a", "b  c"]
        );
        assert_eq!(strs(split(&chars("a"), b" \t\n", 3)), ["a", "", ""]);
        assert_eq!(strs(split(&chars("a:b:c"), b":", 2)), ["a", "b:c"]);
        assert_eq!(strs(split(&chars("a::b"), b":", 3)), ["a", "", "b"]);
        assert_eq!(strs(split(&chars("  x  "), b" \t\n", 1)), ["x"]);
        // One field and its closing delimiter: the field.
        assert_eq!(strs(split(&chars("a,"), b",", 1)), ["a"]);
        assert_eq!(strs(split(&chars("a ,"), b", ", 1)), ["a"]);
        assert_eq!(strs(split(&chars("a , b , "), b" ,", 2)), ["a", "b"]);
        assert_eq!(strs(split(&chars("a,b,c,"), b",", 2)), ["a", "b,c,"]);
        assert_eq!(strs(split(&chars("a,b,,"), b",", 2)), ["a", "b,,"]);
    }
}
