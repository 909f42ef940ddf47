//! The file mode creation mask of the `umask` utility (XCU umask): parsing octal and symbolic operands, and the `-S` form.
//!
//! A symbolic operand is read as `chmod` reads one (XCU chmod, "Extended
//! Description"), applied to the permissions the mask *allows*: `umask
//! g+w` lets group write, `umask o=` forbids everything to others. An empty
//! *who* means `a` (the current mask does not filter it, as in dash and
//! bash). `s` and `t` are accepted and have no effect, since the mask only
//! covers the permission bits. A copy (`o=g`) reads the permissions as the
//! earlier clauses left them, as POSIX and GNU chmod say (dash reads the
//! original ones).
//!
//! Error messages carry no prefix; the caller adds one.

/// The permission bits a mask covers.
const ALL: u32 = 0o777;

/// Parses a `umask` operand, octal (`022`) or symbolic (`u=rwx,g=rx,o=`,
/// `a+r`, `g-w`, `o=u`, ...), against the `current` mask; returns the new
/// mask. An octal value is reduced to its permission bits (`1022` is
/// `022`), as `umask(2)` does.
pub fn parse(spec: &[u8], current: u32) -> Result<u32, String> {
    if spec.first().is_some_and(u8::is_ascii_digit) {
        return octal(spec);
    }
    symbolic_mode(spec, current)
        .ok_or_else(|| format!("{}: invalid mode", String::from_utf8_lossy(spec)))
}

/// The `umask -S` form of `mask`: `u=rwx,g=rx,o=rx`.
pub fn symbolic(mask: u32) -> String {
    let allowed = !mask & ALL;
    let mut s = String::with_capacity(18);
    for (i, who) in ["u", "g", "o"].iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str(who);
        s.push('=');
        let bits = allowed >> (6 - 3 * i) & 7;
        for (bit, c) in [(4, 'r'), (2, 'w'), (1, 'x')] {
            if bits & bit != 0 {
                s.push(c);
            }
        }
    }
    s
}

fn octal(spec: &[u8]) -> Result<u32, String> {
    let bad = || format!("{}: invalid octal number", String::from_utf8_lossy(spec));
    let mut v: u32 = 0;
    for &d in spec {
        if !(b'0'..=b'7').contains(&d) {
            return Err(bad());
        }
        v = v
            .checked_mul(8)
            .and_then(|v| v.checked_add(u32::from(d - b'0')))
            .ok_or_else(bad)?;
    }
    Ok(v & ALL)
}

/// `clause[,clause]...` where `clause` is `[ugoa]* action+` and `action` is
/// `[+-=]` followed by `[rwxXst]*` or one of `u`, `g`, `o` (XCU chmod's
/// grammar). `None` if the operand does not fit it.
fn symbolic_mode(spec: &[u8], current: u32) -> Option<u32> {
    let mut perm = !current & ALL;
    for clause in spec.split(|&b| b == b',') {
        let mut i = 0;
        let mut who = 0;
        while let Some(&c) = clause.get(i) {
            who |= match c {
                b'u' => 0o700,
                b'g' => 0o070,
                b'o' => 0o007,
                b'a' => ALL,
                _ => break,
            };
            i += 1;
        }
        if who == 0 {
            who = ALL;
        }
        // At least one action.
        if !matches!(clause.get(i), Some(b'+' | b'-' | b'=')) {
            return None;
        }
        while let Some(&op) = clause.get(i) {
            if !matches!(op, b'+' | b'-' | b'=') {
                return None;
            }
            i += 1;
            let mut bits = 0;
            let copy_from = match clause.get(i) {
                Some(b'u') => Some(6),
                Some(b'g') => Some(3),
                Some(b'o') => Some(0),
                _ => None,
            };
            if let Some(shift) = copy_from {
                bits = (perm >> shift & 7) * 0o111;
                i += 1;
            } else {
                while let Some(&c) = clause.get(i) {
                    bits |= match c {
                        b'r' => 0o444,
                        b'w' => 0o222,
                        b'x' => 0o111,
                        // Execute if anyone may execute: the mask's "file"
                        // is taken to be executable when any x bit is allowed.
                        b'X' if perm & 0o111 != 0 => 0o111,
                        b'X' | b's' | b't' => 0,
                        _ => break,
                    };
                    i += 1;
                }
            }
            perm = match op {
                b'+' => perm | (bits & who),
                b'-' => perm & !(bits & who),
                _ => (perm & !who) | (bits & who),
            };
        }
    }
    Some(!perm & ALL)
}

/// The `umask` builtin: `umask [-S] [mask]`.
pub fn run(
    sh: &mut crate::shell::env::Shell,
    args: &[Vec<u8>],
) -> Result<i32, crate::shell::exec::Divert> {
    let mut i = 1;
    let mut symbolic_out = false;
    while let Some(a) = args.get(i) {
        match &a[..] {
            b"-S" => symbolic_out = true,
            b"--" => {
                i += 1;
                break;
            }
            a if a.len() > 1 && a[0] == b'-' => {
                sh.utility_error(
                    b"umask",
                    format!("{}: invalid option", String::from_utf8_lossy(a)),
                );
                return Ok(2);
            }
            _ => break,
        }
        i += 1;
    }
    let current = platform::process::get_umask();
    match args.get(i) {
        None => {
            let text = if symbolic_out {
                format!("{}\n", symbolic(current))
            } else {
                format!("{current:04o}\n")
            };
            Ok(super::write_out(sh, b"umask", text.as_bytes()))
        }
        Some(spec) => match parse(spec, current) {
            Ok(mask) => {
                platform::process::set_umask(mask);
                Ok(0)
            }
            Err(message) => {
                sh.utility_error(b"umask", message);
                Ok(1)
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(spec: &str, current: u32) -> Result<u32, String> {
        parse(spec.as_bytes(), current)
    }

    #[test]
    fn octal_operands() {
        assert_eq!(p("022", 0o777), Ok(0o022));
        assert_eq!(p("0", 0o022), Ok(0));
        assert_eq!(p("777", 0), Ok(0o777));
        assert_eq!(p("1022", 0), Ok(0o022));
        assert_eq!(p("00000000000000000000000027", 0), Ok(0o027));
        assert_eq!(p("0999", 0), Err("0999: invalid octal number".to_string()));
        assert!(p("02x", 0).is_err());
        assert!(p("77777777777777777", 0).is_err());
    }

    #[test]
    fn symbolic_operands() {
        // Each against a mask of 027, with the result dash gives.
        let cases = [
            ("u=rwx,g=rx,o=", 0o027),
            ("a+r", 0o023),
            ("g-w", 0o027),
            ("o=u", 0o020),
            ("+w", 0o005),
            ("=r", 0o333),
            ("u+s", 0o027),
            ("a=rwx,o-x", 0o001),
            ("go=u", 0o000),
            ("u+x,g+", 0o027),
            ("u=,g=", 0o777),
            ("o=rx,u+w", 0o022),
            ("ug=rw,o-rwx", 0o117),
            ("u=g", 0o227),
            ("a+X", 0o026),
            ("u=rwxx", 0o027),
            ("a-w+x", 0o226),
            ("o=r-w+x", 0o022),
            ("u=rwx,u-s", 0o027),
            ("ugoa-rwx", 0o777),
            ("o+t", 0o027),
        ];
        for (spec, want) in cases {
            assert_eq!(p(spec, 0o027), Ok(want), "umask {spec}");
        }
        // A copy reads the permissions as earlier clauses left them, as
        // POSIX and GNU chmod have it (dash copies from the original).
        assert_eq!(p("g=o,o=g", 0o027), Ok(0o077));
        // `X` when nothing is executable.
        assert_eq!(p("a+X", 0o777), Ok(0o777));
        assert_eq!(p("u+r,u+X", 0o777), Ok(0o377));
    }

    #[test]
    fn symbolic_errors() {
        for spec in [
            "", ",", "a+r,,g-w", "u+k", "u=r g=w", "U=r", "u", "ug", "u=gr", "a+r,",
        ] {
            assert_eq!(
                p(spec, 0o022),
                Err(format!("{spec}: invalid mode")),
                "umask {spec:?}"
            );
        }
    }

    #[test]
    fn symbolic_output() {
        assert_eq!(symbolic(0o022), "u=rwx,g=rx,o=rx");
        assert_eq!(symbolic(0o027), "u=rwx,g=rx,o=");
        assert_eq!(symbolic(0o777), "u=,g=,o=");
        assert_eq!(symbolic(0), "u=rwx,g=rwx,o=rwx");
        assert_eq!(symbolic(0o7777), "u=,g=,o=");
        assert_eq!(symbolic(0o536), "u=w,g=r,o=x");
    }

    #[test]
    fn symbolic_round_trips() {
        for mask in 0..=0o777 {
            assert_eq!(
                parse(symbolic(mask).as_bytes(), 0o022),
                Ok(mask),
                "{mask:o}"
            );
            assert_eq!(
                parse(symbolic(mask).as_bytes(), 0o777 - mask),
                Ok(mask),
                "{mask:o}"
            );
        }
    }

    /// Compare with dash on symbolic operands, when dash is here.
    #[test]
    fn agrees_with_dash() {
        if !std::path::Path::new("/usr/bin/dash").exists() {
            return;
        }
        let specs = [
            "a+r", "go=u", "u=g", "a-w+x", "+x", "o=r-w+x", "g=o,u-w", "u-r,a+X",
        ];
        for current in [0o022u32, 0o027, 0o777, 0o000, 0o751] {
            for spec in specs {
                let script = format!("umask {current:o}; umask '{spec}' && umask");
                let Ok(o) = std::process::Command::new("/usr/bin/dash")
                    .arg("-c")
                    .arg(&script)
                    .output()
                else {
                    return;
                };
                let text = String::from_utf8_lossy(&o.stdout);
                let want = u32::from_str_radix(text.trim(), 8).ok();
                assert_eq!(
                    p(spec, current).ok(),
                    want,
                    "umask {current:o}; umask {spec}"
                );
            }
        }
    }
}
