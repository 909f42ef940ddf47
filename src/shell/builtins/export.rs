//! `export`, `readonly`, `unset` and `local`.

use super::{parse_flags, quote, write_out};
use crate::shell::env::vars::is_name;
use crate::shell::env::{Shell, status};
use crate::shell::exec::Divert;

/// Split `name=value` (or just `name`).
fn split_assignment(arg: &[u8]) -> (&[u8], Option<&[u8]>) {
    match arg.iter().position(|&c| c == b'=') {
        Some(i) => (&arg[..i], Some(&arg[i + 1..])),
        None => (arg, None),
    }
}

/// Print `prefix name='value'` for each variable with the attribute.
fn print_vars(
    sh: &Shell,
    prefix: &str,
    name: &[u8],
    select: impl Fn(&crate::shell::env::vars::Var) -> bool,
) -> i32 {
    let mut out = Vec::new();
    for (n, var) in sh.vars.sorted() {
        if !select(var) {
            continue;
        }
        out.extend_from_slice(prefix.as_bytes());
        out.extend_from_slice(n);
        if let Some(v) = var.value() {
            out.push(b'=');
            out.extend_from_slice(&quote_value(v));
        }
        out.push(b'\n');
    }
    write_out(sh, name, &out)
}

/// Values are always quoted in `export -p` output, as dash does.
fn quote_value(v: &[u8]) -> Vec<u8> {
    let q = quote(v);
    if q.first() == Some(&b'\'') {
        q
    } else {
        let mut out = b"'".to_vec();
        out.extend_from_slice(v);
        out.push(b'\'');
        out
    }
}

fn declare(sh: &mut Shell, args: &[Vec<u8>], readonly: bool) -> Result<i32, Divert> {
    let name = &args[0];
    let (flags, first) = match parse_flags(args, b"p") {
        Ok(x) => x,
        Err(c) => {
            sh.utility_error(name, format!("-{}: invalid option", c as char));
            return Ok(status::USAGE);
        }
    };
    if first >= args.len() {
        let _ = flags;
        let prefix = if readonly { "readonly " } else { "export " };
        return Ok(if readonly {
            print_vars(sh, prefix, name, |v| v.readonly)
        } else {
            print_vars(sh, prefix, name, |v| v.exported)
        });
    }
    let mut status = 0;
    for arg in &args[first..] {
        let (var, value) = split_assignment(arg);
        if !is_name(var) {
            sh.utility_error(
                name,
                format!("{}: bad variable name", String::from_utf8_lossy(var)),
            );
            status = status::USAGE;
            continue;
        }
        if let Some(value) = value
            && let Err(e) = sh.vars.set(var, value)
        {
            sh.error(e.to_string());
            status = status::USAGE;
            continue;
        }
        if readonly {
            sh.vars.make_readonly(var);
        } else {
            sh.vars.export(var);
        }
    }
    Ok(status)
}

/// `export [-p] [name[=value]...]`.
pub fn export(sh: &mut Shell, args: &[Vec<u8>]) -> Result<i32, Divert> {
    declare(sh, args, false)
}

/// `readonly [-p] [name[=value]...]`.
pub fn readonly(sh: &mut Shell, args: &[Vec<u8>]) -> Result<i32, Divert> {
    declare(sh, args, true)
}

/// `unset [-fv] name...`.
pub fn unset(sh: &mut Shell, args: &[Vec<u8>]) -> Result<i32, Divert> {
    let (flags, first) = match parse_flags(args, b"fv") {
        Ok(x) => x,
        Err(c) => {
            sh.utility_error(b"unset", format!("-{}: invalid option", c as char));
            return Ok(status::USAGE);
        }
    };
    let functions = flags.last() == Some(&b'f');
    let mut status = 0;
    for name in &args[first..] {
        if functions {
            sh.functions.remove(&name[..]);
            continue;
        }
        if !is_name(name) {
            sh.utility_error(
                b"unset",
                format!("{}: bad variable name", String::from_utf8_lossy(name)),
            );
            status = status::USAGE;
            continue;
        }
        if let Err(e) = sh.vars.unset(name) {
            sh.utility_error(b"unset", e.to_string());
            status = status::USAGE;
        }
    }
    Ok(status)
}

/// `local [name[=value]...]`: variables that end with the function.
pub fn local(sh: &mut Shell, args: &[Vec<u8>]) -> Result<i32, Divert> {
    if sh.function_depth == 0 {
        sh.utility_error(b"local", "not in a function");
        return Ok(1);
    }
    let mut status = 0;
    for arg in &args[1..] {
        if arg == b"-" {
            // `local -`: the options come back when the function returns
            // (dash, bash).
            sh.local_options.get_or_insert(sh.options);
            continue;
        }
        let (var, value) = split_assignment(arg);
        if !is_name(var) {
            sh.utility_error(
                b"local",
                format!("{}: bad variable name", String::from_utf8_lossy(var)),
            );
            status = 1;
            continue;
        }
        sh.vars.make_local(var);
        if let Some(value) = value
            && let Err(e) = sh.vars.set(var, value)
        {
            sh.error(e.to_string());
            return Err(Divert::Error(status::USAGE));
        }
    }
    Ok(status)
}
