//! `cd` and `pwd`, with logical (`-L`, the default) and physical (`-P`)
//! directory names.

use super::{parse_flags, write_out};
use crate::shell::env::{Shell, status};
use crate::shell::exec::Divert;
use std::os::unix::ffi::OsStrExt;

/// Remove `.` and `name/..` components lexically (XCU `cd` step 8).
pub fn canonicalize(path: &[u8]) -> Vec<u8> {
    let mut parts: Vec<&[u8]> = Vec::new();
    for comp in path.split(|&c| c == b'/') {
        match comp {
            b"" | b"." => {}
            b".." => {
                parts.pop();
            }
            c => parts.push(c),
        }
    }
    let mut out = Vec::with_capacity(path.len());
    // Exactly two leading slashes are kept: POSIX lets them mean something
    // else than one (XCU cd, step 9).
    if path.starts_with(b"//") && !path.starts_with(b"///") {
        out.push(b'/');
    }
    for p in &parts {
        out.push(b'/');
        out.extend_from_slice(p);
    }
    if out.is_empty() || out == b"/" {
        out.push(b'/');
        out.truncate(if path.starts_with(b"//") && !path.starts_with(b"///") {
            2
        } else {
            1
        });
    }
    out
}

fn is_dir(path: &[u8]) -> bool {
    std::fs::metadata(std::ffi::OsStr::from_bytes(path)).is_ok_and(|m| m.is_dir())
}

/// `cd [-L|-P] [directory | -]`.
pub fn cd(sh: &mut Shell, args: &[Vec<u8>]) -> Result<i32, Divert> {
    let (flags, first) = match parse_flags(args, b"LPe") {
        Ok(x) => x,
        Err(c) => {
            sh.utility_error(b"cd", format!("-{}: invalid option", c as char));
            return Ok(status::USAGE);
        }
    };
    let physical = flags.iter().rev().find(|&&c| c == b'L' || c == b'P') == Some(&b'P');
    let mut print = false;
    let operand: Vec<u8> = match args.get(first) {
        None => match sh.vars.get(b"HOME") {
            Some(h) if !h.is_empty() => h.to_vec(),
            _ => {
                sh.utility_error(b"cd", "HOME not set");
                return Ok(1);
            }
        },
        Some(a) if a == b"-" => match sh.vars.get(b"OLDPWD") {
            Some(o) => {
                print = true;
                o.to_vec()
            }
            None => {
                sh.utility_error(b"cd", "OLDPWD not set");
                return Ok(1);
            }
        },
        Some(a) => a.clone(),
    };
    if args.len() > first + 1 {
        sh.utility_error(b"cd", "too many arguments");
        return Ok(1);
    }
    // CDPATH, for relative names not starting with `.` or `..`.
    let mut target = operand.clone();
    let starts_dot = operand.starts_with(b"./")
        || operand.starts_with(b"../")
        || operand == b"."
        || operand == b"..";
    if !operand.starts_with(b"/")
        && !starts_dot
        && let Some(cdpath) = sh.vars.get(b"CDPATH").map(<[u8]>::to_vec)
    {
        for dir in cdpath.split(|&c| c == b':') {
            let mut candidate = if dir.is_empty() {
                b".".to_vec()
            } else {
                dir.to_vec()
            };
            if candidate.last() != Some(&b'/') {
                candidate.push(b'/');
            }
            candidate.extend_from_slice(&operand);
            if is_dir(&candidate) {
                if !dir.is_empty() {
                    print = true;
                }
                target = candidate;
                break;
            }
        }
    }
    let old_pwd = sh.vars.get(b"PWD").map(<[u8]>::to_vec);
    // Physically: the directory as named, PWD as the system then says.
    // Logically: the name joined to PWD with `.` and `..` removed as text;
    // where that does not exist (`..` after a symlink), as named.
    let logical = (!physical).then(|| {
        if target.starts_with(b"/") {
            canonicalize(&target)
        } else {
            let base = old_pwd
                .clone()
                .filter(|p| p.starts_with(b"/"))
                .or_else(|| platform::process::getcwd().ok());
            let mut joined = base.unwrap_or_else(|| b"/".to_vec());
            joined.push(b'/');
            joined.extend_from_slice(&target);
            canonicalize(&joined)
        }
    });
    let new_pwd = match logical {
        Some(logical) if platform::process::chdir(&logical).is_ok() => logical,
        _ => {
            if let Err(e) = platform::process::chdir(&target) {
                sh.utility_error(
                    b"cd",
                    format!(
                        "{}: {}",
                        String::from_utf8_lossy(&operand),
                        super::describe_error(&e)
                    ),
                );
                return Ok(1);
            }
            platform::process::getcwd().unwrap_or(target)
        }
    };
    sh.cwd_changed = true;
    if let Some(old) = old_pwd {
        let _ = sh.vars.set(b"OLDPWD", &old);
        sh.vars.export(b"OLDPWD");
    }
    let _ = sh.vars.set(b"PWD", &new_pwd);
    sh.vars.export(b"PWD");
    if print {
        let mut line = new_pwd;
        line.push(b'\n');
        return Ok(write_out(sh, b"cd", &line));
    }
    Ok(0)
}

/// `pwd [-L|-P]`.
pub fn pwd(sh: &mut Shell, args: &[Vec<u8>]) -> Result<i32, Divert> {
    let (flags, _) = match parse_flags(args, b"LP") {
        Ok(x) => x,
        Err(c) => {
            sh.utility_error(b"pwd", format!("-{}: invalid option", c as char));
            return Ok(status::USAGE);
        }
    };
    let physical = flags.last() == Some(&b'P');
    let logical = sh
        .vars
        .get(b"PWD")
        .filter(|p| is_clean_absolute(p))
        .map(<[u8]>::to_vec);
    let mut dir = match (physical, logical) {
        // A directory removed under us still has its name in PWD.
        (false, Some(p)) if same_as_cwd(&p) || std::fs::metadata(".").is_err() => p,
        (physical, logical) => match platform::process::getcwd() {
            Ok(d) => d,
            Err(_) if !physical && logical.is_some() => logical.unwrap_or_default(),
            Err(e) => {
                sh.utility_error(b"pwd", super::describe_error(&e));
                return Ok(1);
            }
        },
    };
    dir.push(b'\n');
    Ok(write_out(sh, b"pwd", &dir))
}

/// An absolute path with no `.` or `..` components (what PWD must be).
fn is_clean_absolute(path: &[u8]) -> bool {
    path.starts_with(b"/") && !path.split(|&c| c == b'/').any(|c| c == b"." || c == b"..")
}

/// Does `path` name the current directory (same device and inode as `.`)?
pub fn same_as_cwd(path: &[u8]) -> bool {
    use std::os::unix::fs::MetadataExt;
    let (Ok(a), Ok(b)) = (
        std::fs::metadata(std::ffi::OsStr::from_bytes(path)),
        std::fs::metadata("."),
    ) else {
        return false;
    };
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(test)]
mod tests {
    use super::canonicalize;

    #[test]
    fn lexical_dot_dot() {
        assert_eq!(canonicalize(b"/a/b/../c/./d/"), b"/a/c/d");
        assert_eq!(canonicalize(b"/.."), b"/");
        assert_eq!(canonicalize(b"///"), b"/");
        // Exactly two leading slashes are kept (POSIX leaves their meaning
        // to the implementation).
        assert_eq!(canonicalize(b"//"), b"//");
        assert_eq!(canonicalize(b"//a/.."), b"//");
    }
}
