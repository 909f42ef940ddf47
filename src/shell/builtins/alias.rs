//! `alias` and `unalias`.

use super::{quote, write_out};
use crate::shell::env::Shell;
use crate::shell::exec::Divert;

fn alias_line(name: &[u8], value: &[u8]) -> Vec<u8> {
    let mut line = name.to_vec();
    line.push(b'=');
    let q = quote(value);
    if q.first() == Some(&b'\'') {
        line.extend_from_slice(&q);
    } else {
        line.push(b'\'');
        line.extend_from_slice(value);
        line.push(b'\'');
    }
    line.push(b'\n');
    line
}

/// `alias [name[=value]...]`.
pub fn alias(sh: &mut Shell, args: &[Vec<u8>]) -> Result<i32, Divert> {
    let args = match args.get(1) {
        Some(a) if a == b"--" => &args[1..],
        _ => args,
    };
    if args.len() == 1 {
        let mut all: Vec<_> = sh.aliases.iter().collect();
        all.sort();
        let mut out = Vec::new();
        for (n, v) in all {
            out.extend_from_slice(&alias_line(n, v));
        }
        return Ok(write_out(sh, b"alias", &out));
    }
    let mut status = 0;
    let mut out = Vec::new();
    for arg in &args[1..] {
        match arg.iter().position(|&c| c == b'=') {
            Some(i) if i > 0 => {
                sh.aliases.insert(arg[..i].into(), arg[i + 1..].into());
            }
            _ => match sh.aliases.get(&arg[..]) {
                Some(v) => out.extend_from_slice(&alias_line(arg, v)),
                None => {
                    sh.utility_error(
                        b"alias",
                        format!("{}: not found", String::from_utf8_lossy(arg)),
                    );
                    status = 1;
                }
            },
        }
    }
    let w = write_out(sh, b"alias", &out);
    Ok(if status != 0 { status } else { w })
}

/// `unalias -a | name...`.
pub fn unalias(sh: &mut Shell, args: &[Vec<u8>]) -> Result<i32, Divert> {
    let args = match args.get(1) {
        Some(a) if a == b"--" => &args[1..],
        _ => args,
    };
    if args.get(1).map(|a| &a[..]) == Some(b"-a") {
        sh.aliases.clear();
        return Ok(0);
    }
    if args.len() == 1 {
        sh.utility_error(b"unalias", "usage: unalias -a | name...");
        return Ok(2);
    }
    let mut status = 0;
    for name in &args[1..] {
        if sh.aliases.remove(&name[..]).is_none() {
            sh.utility_error(
                b"unalias",
                format!("{}: not found", String::from_utf8_lossy(name)),
            );
            status = 1;
        }
    }
    Ok(status)
}
