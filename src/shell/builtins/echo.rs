//! The `echo` utility as dash does it (XSI echo): backslash escapes always on, a lone leading `-n` drops the newline.

use super::printf::expand_b;

/// Runs `echo args...`, appending the output to `out`.
///
/// A first argument that is exactly `-n` suppresses the final newline (only
/// the first, and no other option: `echo -e x` prints `-e x`, as dash
/// does). Operands are joined by spaces with the escapes `\a \b \c \e \f \n
/// \r \t \v \\`, `\0ddd` and `\ddd` interpreted; `\c` ends all output,
/// newline included.
pub fn echo(args: &[&[u8]], out: &mut Vec<u8>) {
    let (newline, args) = match args {
        [first, rest @ ..] if *first == b"-n" => (false, rest),
        _ => (true, args),
    };
    for (i, arg) in args.iter().enumerate() {
        if i > 0 {
            out.push(b' ');
        }
        if expand_b(arg, out, false) {
            return;
        }
    }
    if newline {
        out.push(b'\n');
    }
}

/// The `echo` builtin.
pub fn run(
    sh: &mut crate::shell::env::Shell,
    args: &[Vec<u8>],
) -> Result<i32, crate::shell::exec::Divert> {
    let operands: smallvec::SmallVec<[&[u8]; 8]> = args[1..].iter().map(|a| &a[..]).collect();
    let mut out = Vec::with_capacity(64);
    echo(&operands, &mut out);
    Ok(super::write_out(sh, b"echo", &out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn echo_str(args: &[&str]) -> Vec<u8> {
        let args: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
        let mut out = Vec::new();
        echo(&args, &mut out);
        out
    }

    #[test]
    fn plain() {
        assert_eq!(echo_str(&[]), b"\n");
        assert_eq!(echo_str(&["a", "b"]), b"a b\n");
        assert_eq!(echo_str(&["", ""]), b" \n");
        assert_eq!(echo_str(&["--", "x"]), b"-- x\n");
        assert_eq!(echo_str(&["-e", "x"]), b"-e x\n");
    }

    #[test]
    fn dash_n() {
        assert_eq!(echo_str(&["-n", "x"]), b"x");
        assert_eq!(echo_str(&["-n"]), b"");
        assert_eq!(echo_str(&["-n", "-n", "x"]), b"-n x");
        assert_eq!(echo_str(&["-nn", "x"]), b"-nn x\n");
        assert_eq!(echo_str(&["x", "-n"]), b"x -n\n");
    }

    #[test]
    fn escapes() {
        assert_eq!(echo_str(&[r"a\tb\nc"]), b"a\tb\nc\n");
        assert_eq!(
            echo_str(&[r"\a\b\f\r\v\e\E\\"]),
            b"\x07\x08\x0c\r\x0b\x1b\\E\\\n"
        );
        assert_eq!(echo_str(&[r"a\0101b\101c\x41"]), b"aAbAc\\x41\n");
        assert_eq!(echo_str(&[r"\1234", r"\01234"]), b"S4 S4\n");
        assert_eq!(echo_str(&[r"x\0"]), b"x\0\n");
        assert_eq!(echo_str(&[r"\08"]), b"\x008\n");
        assert_eq!(echo_str(&[r"\q", r#"\""#, "end\\"]), b"\\q \\\" end\\\n");
    }

    #[test]
    fn backslash_c_stops_everything() {
        assert_eq!(echo_str(&[r"a\cb", "c"]), b"a");
        assert_eq!(echo_str(&["a", r"\c", "b"]), b"a ");
        assert_eq!(echo_str(&["-n", r"a\c"]), b"a");
    }

    /// Compare with dash's echo, when dash is here.
    #[test]
    fn agrees_with_dash() {
        if !std::path::Path::new("/usr/bin/dash").exists() {
            return;
        }
        let cases: &[&[&str]] = &[
            &["-n", "-n", "x"],
            &[r"a\0101b\101c\x41\cd", "e"],
            &[r"\q\\", r"\e\E"],
            &[r"\0777\777\08"],
            &["-e", r"\t"],
            &[],
        ];
        for args in cases {
            let Ok(o) = std::process::Command::new("/usr/bin/dash")
                .arg("-c")
                .arg(r#"echo "$@""#)
                .arg("sh")
                .args(*args)
                .output()
            else {
                return;
            };
            assert_eq!(echo_str(args), o.stdout, "echo {args:?}");
        }
    }
}
