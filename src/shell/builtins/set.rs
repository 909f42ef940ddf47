//! `set` and `shift`.

use super::{parse_int, quote, write_out};
use crate::shell::env::options::{Opt, Options, TABLE};
use crate::shell::env::{Shell, status};
use crate::shell::exec::Divert;

/// Apply one option letter or `-o` name; `Err` for an unknown one.
fn set_option(sh: &mut Shell, opt: Opt, on: bool) {
    sh.set_opt(opt, on);
}

/// Print the options as `set -o` does (`on`/`off` table) or as `set +o`
/// does (commands that restore them).
pub(crate) fn print_options(sh: &Shell, restorable: bool) -> i32 {
    let mut out = Vec::new();
    for (opt, _, name) in TABLE {
        if matches!(opt, Opt::Interactive | Opt::Stdin) {
            continue;
        }
        let on = sh.opt(*opt);
        if restorable {
            out.extend_from_slice(
                format!("set {}o {}\n", if on { '-' } else { '+' }, name).as_bytes(),
            );
        } else {
            out.extend_from_slice(
                format!("{:<16}{}\n", name, if on { "on" } else { "off" }).as_bytes(),
            );
        }
    }
    write_out(sh, b"set", &out)
}

/// `set [-+abCefhmnuvx] [-+o option] [--] [args...]`.
pub fn set(sh: &mut Shell, args: &[Vec<u8>]) -> Result<i32, Divert> {
    if args.len() == 1 {
        let mut out = Vec::new();
        for (name, var) in sh.vars.sorted() {
            if let Some(v) = var.value() {
                out.extend_from_slice(name);
                out.push(b'=');
                out.extend_from_slice(&quote(v));
                out.push(b'\n');
            }
        }
        return Ok(write_out(sh, b"set", &out));
    }
    let mut i = 1;
    let mut new_positional: Option<Vec<Vec<u8>>> = None;
    while i < args.len() {
        let arg = &args[i];
        if arg == b"--" {
            new_positional = Some(args[i + 1..].to_vec());
            break;
        }
        if arg == b"-" {
            // `set -`: turn off -v and -x, and end the options.
            set_option(sh, Opt::Verbose, false);
            set_option(sh, Opt::XTrace, false);
            if i + 1 < args.len() {
                new_positional = Some(args[i + 1..].to_vec());
            }
            break;
        }
        let (on, letters) = match arg.first() {
            Some(b'-') => (true, &arg[1..]),
            Some(b'+') => (false, &arg[1..]),
            _ => {
                new_positional = Some(args[i..].to_vec());
                break;
            }
        };
        for (j, &c) in letters.iter().enumerate() {
            if c == b'o' {
                // The option name is the next argument; without one, print.
                if j + 1 != letters.len() {
                    sh.utility_error(b"set", "-o: option name must be a separate argument");
                    return Err(Divert::Error(status::USAGE));
                }
                i += 1;
                let Some(name) = args.get(i) else {
                    return Ok(print_options(sh, !on));
                };
                match Options::by_name(name) {
                    Some(opt) => set_option(sh, opt, on),
                    None => {
                        sh.utility_error(
                            b"set",
                            format!("{}: invalid option name", String::from_utf8_lossy(name)),
                        );
                        return Err(Divert::Error(status::USAGE));
                    }
                }
                continue;
            }
            match Options::by_letter(c) {
                Some(Opt::Interactive) | Some(Opt::Stdin) | None => {
                    sh.utility_error(b"set", format!("-{}: invalid option", c as char));
                    return Err(Divert::Error(status::USAGE));
                }
                Some(opt) => set_option(sh, opt, on),
            }
        }
        i += 1;
    }
    if let Some(p) = new_positional {
        sh.positional = p;
        // New parameters: getopts starts over, as in dash.
        let _ = sh.vars.set(b"OPTIND", b"1");
        sh.getopts_state = None;
    }
    Ok(0)
}

/// `shift [n]`.
pub fn shift(sh: &mut Shell, args: &[Vec<u8>]) -> Result<i32, Divert> {
    let n = match args.get(1) {
        None => 1,
        Some(a) => match parse_int(a) {
            Some(n) if n >= 0 => n as usize,
            _ => {
                sh.utility_error(
                    b"shift",
                    format!("Illegal number: {}", String::from_utf8_lossy(a)),
                );
                return Err(Divert::Error(status::USAGE));
            }
        },
    };
    if n > sh.positional.len() {
        sh.utility_error(b"shift", "can't shift that many");
        return Err(Divert::Error(status::USAGE));
    }
    sh.positional.drain(..n);
    Ok(0)
}
