//! `getopts`: parse utility options from the positional parameters.

use crate::shell::env::Shell;
use crate::shell::exec::Divert;

/// `getopts optstring name [args...]`. Uses `OPTIND` (next argument,
/// from 1) and remembers the position inside a cluster like `-abc` in the
/// shell, resetting it whenever `OPTIND` is assigned from outside.
pub fn getopts(sh: &mut Shell, args: &[Vec<u8>]) -> Result<i32, Divert> {
    if args.len() < 3 {
        sh.utility_error(b"getopts", "usage: getopts optstring name [arg ...]");
        return Ok(2);
    }
    let optstring = &args[1];
    let name = args[2].clone();
    // A bad name is reported, but the options are still parsed (OPTIND,
    // OPTARG) and the status is 2, as in dash.
    let bad_name = !crate::shell::env::vars::is_name(&name);
    if bad_name {
        sh.utility_error(
            b"getopts",
            format!("{}: bad variable name", String::from_utf8_lossy(&name)),
        );
    }
    let params: Vec<Vec<u8>> = if args.len() > 3 {
        args[3..].to_vec()
    } else {
        sh.positional.clone()
    };
    let silent = optstring.first() == Some(&b':');
    let optstring = if silent {
        &optstring[1..]
    } else {
        &optstring[..]
    };

    let optind_text = sh
        .vars
        .get(b"OPTIND")
        .map(<[u8]>::to_vec)
        .unwrap_or_else(|| b"1".to_vec());
    let mut optind: usize = std::str::from_utf8(&optind_text)
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .filter(|&n: &usize| n >= 1)
        .unwrap_or(1);
    // The position inside the current cluster survives only if OPTIND
    // still has the value getopts itself left there.
    let mut offset = match &sh.getopts_state {
        Some((ind, off)) if *ind == optind_text => *off,
        _ => 1,
    };

    let finish = |sh: &mut Shell,
                  optind: usize,
                  offset: usize,
                  opt: &[u8],
                  optarg: Option<&[u8]>,
                  status: i32| {
        // A variable that cannot be set (read-only) is reported and makes
        // the status 2, as in dash and bash.
        let mut failed = bad_name;
        let mut check = |sh: &mut Shell, r: Result<(), crate::shell::env::vars::ReadonlyError>| {
            if let Err(e) = r {
                sh.utility_error(b"getopts", e.to_string());
                failed = true;
            }
        };
        let ind = optind.to_string().into_bytes();
        let r = sh.vars.set(b"OPTIND", &ind);
        check(sh, r);
        sh.getopts_state = Some((ind, offset));
        if !bad_name {
            let r = sh.vars.set(&name, opt);
            check(sh, r);
        }
        let r = match optarg {
            Some(a) => sh.vars.set(b"OPTARG", a),
            None => sh.vars.unset(b"OPTARG"),
        };
        check(sh, r);
        if failed { 2 } else { status }
    };

    let Some(arg) = params.get(optind - 1) else {
        return Ok(finish(sh, optind, 1, b"?", None, 1));
    };
    if offset == 1 {
        if arg == b"--" {
            return Ok(finish(sh, optind + 1, 1, b"?", None, 1));
        }
        if arg.len() < 2 || arg[0] != b'-' {
            return Ok(finish(sh, optind, 1, b"?", None, 1));
        }
    }
    let c = arg[offset];
    let next = |optind: &mut usize, offset: &mut usize| {
        if *offset + 1 < arg.len() {
            *offset += 1;
        } else {
            *optind += 1;
            *offset = 1;
        }
    };
    let spec = optstring.iter().position(|&o| o == c && c != b':');
    let Some(pos) = spec else {
        next(&mut optind, &mut offset);
        if silent {
            return Ok(finish(sh, optind, offset, b"?", Some(&[c]), 0));
        }
        option_error(sh, "illegal option", c);
        return Ok(finish(sh, optind, offset, b"?", None, 0));
    };
    let wants_arg = optstring.get(pos + 1) == Some(&b':');
    if !wants_arg {
        next(&mut optind, &mut offset);
        return Ok(finish(sh, optind, offset, &[c], Some(b""), 0));
    }
    // The argument is the rest of this word, or the next word.
    if offset + 1 < arg.len() {
        let optarg = arg[offset + 1..].to_vec();
        return Ok(finish(sh, optind + 1, 1, &[c], Some(&optarg), 0));
    }
    match params.get(optind) {
        Some(optarg) => {
            let optarg = optarg.clone();
            Ok(finish(sh, optind + 2, 1, &[c], Some(&optarg), 0))
        }
        None => {
            if silent {
                return Ok(finish(sh, optind + 1, 1, b":", Some(&[c]), 0));
            }
            option_error(sh, "option requires an argument", c);
            Ok(finish(sh, optind + 1, 1, b"?", None, 0))
        }
    }
}

/// The diagnostic for a bad option, in getopt(3)'s form, `$0: illegal
/// option -- x`, as bash writes it: the script reports the error as its
/// own, without the shell's line prefix.
fn option_error(sh: &Shell, what: &str, c: u8) {
    let mut line = sh.arg0.clone();
    line.extend_from_slice(format!(": {what} -- ").as_bytes());
    line.extend_from_slice(&[c, b'\n']);
    let _ = platform::fd::write_all(2, &line);
}
