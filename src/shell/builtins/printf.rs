//! The `printf` utility (XCU printf): formatted output of its arguments, with C's conversions done in Rust.
//!
//! Behaviour follows dash where POSIX leaves room, with a few bash
//! extensions that are harmless: length modifiers (`%ld`, `%zu`, ...) are
//! accepted and ignored, `\xHH` is an escape in the format and in `%b`, and
//! `%a` is supported. Floating-point arguments are C `double`s (as in dash;
//! bash and GNU printf use `long double`, which shows only past 17
//! significant digits and in `%a`).
//!
//! Diagnostics go to `err`, one line per problem, each ending in `\n` and
//! carrying no prefix: the caller puts its own (such as `rush: printf: `) in
//! front of every line.

/// Runs `printf format args...`, appending the output to `out` and any
/// diagnostics to `err` (see the module docs for their form).
///
/// Returns the exit status: 0, or 1 if an argument was not a valid number
/// (output goes on with the value parsed so far, as POSIX asks) or the
/// format had an invalid conversion (output stops there).
pub fn printf(
    format: &[u8],
    args: &[&[u8]],
    utf8: bool,
    out: &mut Vec<u8>,
    err: &mut Vec<u8>,
) -> u8 {
    let mut run = Run {
        args,
        next: 0,
        status: 0,
        utf8,
        err,
    };
    loop {
        let before = run.next;
        match run.format(format, out) {
            Flow::Go => {}
            Flow::Stop => break,
            Flow::Fail => return 1,
        }
        // The format is reused while it consumes arguments and some remain.
        if run.next == before || run.next >= args.len() {
            break;
        }
    }
    run.status
}

/// What happens after one pass over the format.
enum Flow {
    /// Carry on (reuse the format if arguments remain).
    Go,
    /// `\c` in a `%b` argument: all output ends, successfully.
    Stop,
    /// An invalid conversion: output ends with status 1.
    Fail,
}

/// The state of one `printf` invocation.
struct Run<'a, 'e> {
    args: &'a [&'a [u8]],
    next: usize,
    status: u8,
    /// The locale's characters are UTF-8 (for the value of `'c`).
    utf8: bool,
    err: &'e mut Vec<u8>,
}

/// Flags, width and precision of one conversion.
#[derive(Clone, Copy, Debug, Default)]
struct Spec {
    minus: bool,
    plus: bool,
    space: bool,
    alt: bool,
    zero: bool,
    width: usize,
    prec: Option<usize>,
}

impl Spec {
    /// Writes `prefix` (sign, `0x`) and `body` padded to the width: on the
    /// right with `-`, with zeros between them if `zero_pad`, else on the left.
    fn pad(&self, out: &mut Vec<u8>, prefix: &[u8], body: &[u8], zero_pad: bool) {
        let fill = self.width.saturating_sub(prefix.len() + body.len());
        if self.minus {
            out.extend_from_slice(prefix);
            out.extend_from_slice(body);
            out.resize(out.len() + fill, b' ');
        } else if zero_pad {
            out.extend_from_slice(prefix);
            out.resize(out.len() + fill, b'0');
            out.extend_from_slice(body);
        } else {
            out.resize(out.len() + fill, b' ');
            out.extend_from_slice(prefix);
            out.extend_from_slice(body);
        }
    }
}

/// How a numeric argument failed to convert (`strtol` and dash's wording).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NumError {
    /// Nothing could be parsed.
    Invalid,
    /// A number followed by other characters.
    Partial,
    /// Out of range (`ERANGE`); the value is clamped.
    Range,
}

impl<'a> Run<'a, '_> {
    fn next_arg(&mut self) -> Option<&'a [u8]> {
        let arg = self.args.get(self.next).copied();
        if arg.is_some() {
            self.next += 1;
        }
        arg
    }

    /// Reports a bad numeric argument and marks the exit status.
    fn report(&mut self, arg: &[u8], e: NumError) {
        self.err.extend_from_slice(arg);
        self.err.extend_from_slice(match e {
            NumError::Invalid => b": expected numeric value\n",
            NumError::Partial => b": not completely converted\n",
            NumError::Range => b": Numerical result out of range\n",
        });
        self.status = 1;
    }

    fn signed_arg(&mut self) -> i64 {
        let Some(arg) = self.next_arg() else { return 0 };
        if let Some(c) = char_constant(arg, self.utf8) {
            return i64::from(c);
        }
        let (v, e) = parse_signed(arg);
        if let Some(e) = e {
            self.report(arg, e);
        }
        v
    }

    fn unsigned_arg(&mut self) -> u64 {
        let Some(arg) = self.next_arg() else { return 0 };
        if let Some(c) = char_constant(arg, self.utf8) {
            return u64::from(c);
        }
        let (v, e) = parse_unsigned(arg);
        if let Some(e) = e {
            self.report(arg, e);
        }
        v
    }

    fn float_arg(&mut self) -> f64 {
        let Some(arg) = self.next_arg() else {
            return 0.0;
        };
        if let Some(c) = char_constant(arg, self.utf8) {
            return f64::from(c);
        }
        let (v, e) = parse_float(arg);
        if let Some(e) = e {
            self.report(arg, e);
        }
        v
    }

    /// One pass over the format.
    fn format(&mut self, f: &[u8], out: &mut Vec<u8>) -> Flow {
        let mut i = 0;
        while i < f.len() {
            match f[i] {
                b'\\' => i = format_escape(f, i + 1, out),
                b'%' => {
                    let start = i;
                    i += 1;
                    if f.get(i) == Some(&b'%') {
                        out.push(b'%');
                        i += 1;
                        continue;
                    }
                    let mut spec = Spec::default();
                    while let Some(&c) = f.get(i) {
                        match c {
                            b'-' => spec.minus = true,
                            b'+' => spec.plus = true,
                            b' ' => spec.space = true,
                            b'#' => spec.alt = true,
                            b'0' => spec.zero = true,
                            // Thousands grouping: nothing to group in the C locale.
                            b'\'' => {}
                            _ => break,
                        }
                        i += 1;
                    }
                    if f.get(i) == Some(&b'*') {
                        i += 1;
                        let w = self.signed_arg();
                        if w < 0 {
                            spec.minus = true;
                        }
                        spec.width = clamp_len(w.unsigned_abs());
                    } else {
                        spec.width = digits(f, &mut i);
                    }
                    if f.get(i) == Some(&b'.') {
                        i += 1;
                        if f.get(i) == Some(&b'*') {
                            i += 1;
                            let p = self.signed_arg();
                            // A negative precision is taken as if omitted.
                            spec.prec = (p >= 0).then(|| clamp_len(p.unsigned_abs()));
                        } else {
                            spec.prec = Some(digits(f, &mut i));
                        }
                    }
                    while matches!(f.get(i), Some(b'h' | b'l' | b'L' | b'j' | b'z' | b't')) {
                        i += 1;
                    }
                    let Some(&conv) = f.get(i) else {
                        self.err.extend_from_slice(b"missing format character\n");
                        return Flow::Fail;
                    };
                    i += 1;
                    match self.convert(conv, spec, out) {
                        Some(Flow::Go) => {}
                        Some(flow) => return flow,
                        None => {
                            self.err.extend_from_slice(&f[start..i]);
                            self.err.extend_from_slice(b": invalid directive\n");
                            return Flow::Fail;
                        }
                    }
                }
                b => {
                    out.push(b);
                    i += 1;
                }
            }
        }
        Flow::Go
    }

    /// Performs one conversion; `None` if `conv` is not a conversion.
    fn convert(&mut self, conv: u8, spec: Spec, out: &mut Vec<u8>) -> Option<Flow> {
        match conv {
            b'd' | b'i' => {
                let v = self.signed_arg();
                let sign: &[u8] = if v < 0 {
                    b"-"
                } else if spec.plus {
                    b"+"
                } else if spec.space {
                    b" "
                } else {
                    b""
                };
                format_int(out, spec, sign, v.unsigned_abs(), conv);
            }
            b'o' | b'u' | b'x' | b'X' => {
                let v = self.unsigned_arg();
                format_int(out, spec, b"", v, conv);
            }
            b'c' => {
                // An empty or missing argument gives a NUL byte, as in C.
                let c = self
                    .next_arg()
                    .and_then(|a| a.first().copied())
                    .unwrap_or(0);
                spec.pad(out, b"", &[c], false);
            }
            b's' => {
                let s = self.next_arg().unwrap_or(b"");
                spec.pad(out, b"", truncate(s, spec.prec), false);
            }
            b'b' => {
                let s = self.next_arg().unwrap_or(b"");
                let mut body = Vec::with_capacity(s.len());
                let stop = expand_b(s, &mut body, true);
                spec.pad(out, b"", truncate(&body, spec.prec), false);
                if stop {
                    return Some(Flow::Stop);
                }
            }
            b'e' | b'E' | b'f' | b'F' | b'g' | b'G' | b'a' | b'A' => {
                let v = self.float_arg();
                format_float(out, spec, v, conv);
            }
            _ => return None,
        }
        Some(Flow::Go)
    }
}

/// A width or precision from `*`, kept within C's `int`.
fn clamp_len(n: u64) -> usize {
    usize::try_from(n.min(i32::MAX as u64)).unwrap_or(0)
}

/// Reads decimal digits at `f[*i..]` (saturating at C's `int`).
fn digits(f: &[u8], i: &mut usize) -> usize {
    let mut n: u64 = 0;
    while let Some(d) = f.get(*i).filter(|b| b.is_ascii_digit()) {
        n = (n * 10 + u64::from(d - b'0')).min(i32::MAX as u64);
        *i += 1;
    }
    clamp_len(n)
}

fn truncate(s: &[u8], prec: Option<usize>) -> &[u8] {
    match prec {
        Some(p) if p < s.len() => &s[..p],
        _ => s,
    }
}

/// Integer conversions: `sign` is `-`, `+`, ` ` or empty; `v` the magnitude.
fn format_int(out: &mut Vec<u8>, spec: Spec, sign: &[u8], v: u64, conv: u8) {
    let mut buf = [0u8; 24];
    let mut n = buf.len();
    let (base, upper) = match conv {
        b'o' => (8, false),
        b'x' => (16, false),
        b'X' => (16, true),
        _ => (10, false),
    };
    let mut x = v;
    // With precision 0, the value 0 has no digits at all.
    if !(v == 0 && spec.prec == Some(0)) {
        loop {
            let d = (x % base) as u8;
            n -= 1;
            buf[n] = match d {
                0..=9 => b'0' + d,
                _ if upper => b'A' + d - 10,
                _ => b'a' + d - 10,
            };
            x /= base;
            if x == 0 {
                break;
            }
        }
    }
    let digits = &buf[n..];
    let mut body = Vec::with_capacity(digits.len().max(spec.prec.unwrap_or(0)) + 1);
    let min = spec.prec.unwrap_or(0);
    body.resize(min.saturating_sub(digits.len()), b'0');
    if conv == b'o' && spec.alt && body.first().or(digits.first()) != Some(&b'0') {
        body.push(b'0');
    }
    body.extend_from_slice(digits);
    let prefix: &[u8] = match conv {
        b'x' if spec.alt && v != 0 => b"0x",
        b'X' if spec.alt && v != 0 => b"0X",
        _ => sign,
    };
    spec.pad(out, prefix, &body, spec.zero && spec.prec.is_none());
}

/// Floating-point conversions, as C's printf does them for a `double`.
fn format_float(out: &mut Vec<u8>, spec: Spec, v: f64, conv: u8) {
    let upper = conv.is_ascii_uppercase();
    let sign: &[u8] = if v.is_sign_negative() {
        b"-"
    } else if spec.plus {
        b"+"
    } else if spec.space {
        b" "
    } else {
        b""
    };
    let x = v.abs();
    if !x.is_finite() {
        let body: &[u8] = match (x.is_nan(), upper) {
            (true, false) => b"nan",
            (true, true) => b"NAN",
            (false, false) => b"inf",
            (false, true) => b"INF",
        };
        spec.pad(out, sign, body, false);
        return;
    }
    let prec = spec.prec.unwrap_or(6);
    let mut body = match conv.to_ascii_lowercase() {
        b'f' => fixed(x, prec, spec.alt),
        b'e' => exponent(x, prec, spec.alt),
        b'g' => general(x, prec, spec.alt),
        _ => {
            let body = hex_float(x, spec.prec, spec.alt);
            let mut prefix = sign.to_vec();
            prefix.extend_from_slice(if upper { b"0X" } else { b"0x" });
            let body = if upper {
                body.to_ascii_uppercase()
            } else {
                body
            };
            spec.pad(out, &prefix, &body, spec.zero);
            return;
        }
    };
    if upper {
        body.make_ascii_uppercase();
    }
    spec.pad(out, sign, &body, spec.zero);
}

/// `%f` of a non-negative finite `x`.
fn fixed(x: f64, prec: usize, alt: bool) -> Vec<u8> {
    let mut s = format!("{x:.prec$}").into_bytes();
    if alt && prec == 0 {
        s.push(b'.');
    }
    s
}

/// `%e` of a non-negative finite `x`: Rust's `1.5e3` becomes C's `1.5e+03`.
fn exponent(x: f64, prec: usize, alt: bool) -> Vec<u8> {
    let s = format!("{x:.prec$e}");
    let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let mut out = mantissa.as_bytes().to_vec();
    if alt && prec == 0 {
        out.push(b'.');
    }
    out.push(b'e');
    out.push(if exp < 0 { b'-' } else { b'+' });
    let mag = exp.unsigned_abs();
    if mag < 10 {
        out.push(b'0');
    }
    out.extend_from_slice(mag.to_string().as_bytes());
    out
}

/// `%g` of a non-negative finite `x` (C11 7.21.6.1): `%e` or `%f` by the
/// exponent, then trailing zeros removed unless `#`.
fn general(x: f64, prec: usize, alt: bool) -> Vec<u8> {
    let p = prec.max(1);
    // The exponent `%e` would show after rounding to `p` digits.
    let exp = if x == 0.0 {
        0
    } else {
        let s = format!("{x:.prec$e}", prec = p - 1);
        s.split_once('e')
            .and_then(|(_, e)| e.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let p = p as i64;
    let mut s = if exp < p && exp >= -4 {
        fixed(x, usize::try_from(p - 1 - exp).unwrap_or(0), alt)
    } else {
        exponent(x, usize::try_from(p - 1).unwrap_or(0), alt)
    };
    if !alt {
        let end = s.iter().position(|&b| b == b'e').unwrap_or(s.len());
        if s[..end].contains(&b'.') {
            let mut cut = end;
            while s[cut - 1] == b'0' {
                cut -= 1;
            }
            if s[cut - 1] == b'.' {
                cut -= 1;
            }
            s.drain(cut..end);
        }
    }
    s
}

/// `%a` of a non-negative finite `x`, without the `0x`, as glibc prints a
/// `double`: `1.8p+1`, subnormals as `0.xxxp-1022`.
fn hex_float(x: f64, prec: Option<usize>, alt: bool) -> Vec<u8> {
    let bits = x.to_bits();
    let field = ((bits >> 52) & 0x7ff) as i64;
    let mut frac = bits & ((1 << 52) - 1);
    let (mut lead, exp) = match (field, frac) {
        (0, 0) => (0u64, 0),
        (0, _) => (0, -1022),
        _ => (1, field - 1023),
    };
    let mut ndigits = 13;
    match prec {
        Some(p) if p < 13 => {
            let drop = 52 - 4 * p as u32;
            let rem = frac & ((1 << drop) - 1);
            let half = 1 << (drop - 1);
            frac >>= drop;
            let odd = if p == 0 { lead & 1 == 1 } else { frac & 1 == 1 };
            if rem > half || (rem == half && odd) {
                frac += 1;
                if frac >> (4 * p) != 0 {
                    frac = 0;
                    lead += 1;
                }
            }
            ndigits = p;
        }
        Some(_) => {}
        None => {
            while ndigits > 0 && frac & 0xf == 0 {
                frac >>= 4;
                ndigits -= 1;
            }
        }
    }
    let mut out = format!("{lead}").into_bytes();
    if ndigits > 0 || alt || prec.is_some_and(|p| p > 0) {
        out.push(b'.');
    }
    if ndigits > 0 {
        out.extend_from_slice(format!("{frac:0ndigits$x}").as_bytes());
    }
    if let Some(p) = prec {
        out.resize(out.len() + p.saturating_sub(ndigits), b'0');
    }
    out.extend_from_slice(format!("p{exp:+}").as_bytes());
    out
}

/// Interprets the escape after a backslash at `f[i..]` in the format,
/// writing its byte(s); returns the index after it. Unknown escapes (and
/// `\c`, which only `%b` knows) are written as they stand.
fn format_escape(f: &[u8], i: usize, out: &mut Vec<u8>) -> usize {
    let Some(&c) = f.get(i) else {
        out.push(b'\\');
        return i;
    };
    if let Some(b) = simple_escape(c) {
        out.push(b);
        return i + 1;
    }
    match c {
        b'"' => {
            out.push(b'"');
            i + 1
        }
        b'0'..=b'7' => {
            let (b, n) = octal(&f[i..], 3);
            out.push(b);
            i + n
        }
        b'x' => hex_escape(f, i, out),
        _ => {
            out.push(b'\\');
            out.push(c);
            i + 1
        }
    }
}

/// The one-letter escapes common to the format, `%b` and `echo`.
fn simple_escape(c: u8) -> Option<u8> {
    Some(match c {
        b'\\' => b'\\',
        b'a' => 0x07,
        b'b' => 0x08,
        b'f' => 0x0c,
        b'n' => b'\n',
        b'r' => b'\r',
        b't' => b'\t',
        b'v' => 0x0b,
        b'e' => 0x1b,
        _ => return None,
    })
}

/// `\xHH` (one or two hex digits) with `f[i]` the `x`; without a digit
/// it stays `\x`.
fn hex_escape(f: &[u8], i: usize, out: &mut Vec<u8>) -> usize {
    let mut v = 0u8;
    let mut n = 0;
    while n < 2 {
        let Some(d) = f.get(i + 1 + n).and_then(|b| (*b as char).to_digit(16)) else {
            break;
        };
        v = v.wrapping_mul(16).wrapping_add(d as u8);
        n += 1;
    }
    if n == 0 {
        out.extend_from_slice(b"\\x");
    } else {
        out.push(v);
    }
    i + 1 + n
}

/// Up to `max` octal digits at the start of `s`: the byte (wrapped to 8
/// bits, as C stores it in a `char`) and how many digits were read.
fn octal(s: &[u8], max: usize) -> (u8, usize) {
    let mut v: u32 = 0;
    let mut n = 0;
    while n < max {
        match s.get(n) {
            Some(&d @ b'0'..=b'7') => v = v * 8 + u32::from(d - b'0'),
            _ => break,
        }
        n += 1;
    }
    (v as u8, n)
}

/// Expands the escapes of a `%b` argument (and of `echo`'s operands) into
/// `out`: `\\ \a \b \e \f \n \r \t \v`, `\0ddd` and `\ddd` octal, `\xHH` when
/// `hex` (bash has it in `%b`, dash nowhere). Returns true if `\c` ended it.
pub(crate) fn expand_b(s: &[u8], out: &mut Vec<u8>, hex: bool) -> bool {
    let mut i = 0;
    while i < s.len() {
        if s[i] != b'\\' {
            out.push(s[i]);
            i += 1;
            continue;
        }
        i += 1;
        let Some(&c) = s.get(i) else {
            out.push(b'\\');
            break;
        };
        if let Some(b) = simple_escape(c) {
            out.push(b);
            i += 1;
            continue;
        }
        match c {
            b'c' => return true,
            // `\0ddd`: the zero, then up to three digits.
            b'0' => {
                let (b, n) = octal(&s[i + 1..], 3);
                out.push(b);
                i += 1 + n;
            }
            b'1'..=b'7' => {
                let (b, n) = octal(&s[i..], 3);
                out.push(b);
                i += n;
            }
            b'x' if hex => i = hex_escape(s, i, out),
            _ => {
                out.push(b'\\');
                out.push(c);
                i += 1;
            }
        }
    }
    false
}

/// `'c` or `"c`: the value of the character after the quote (0 if none).
/// In a UTF-8 locale that is the code point a multibyte sequence encodes,
/// as POSIX asks ("the numeric value in the underlying codeset of the
/// character") and bash gives; dash gives the first byte. Decoded as
/// glibc's `mbrtowc` does, past U+10FFFF too; a byte that starts no
/// sequence is its own value.
fn char_constant(arg: &[u8], utf8: bool) -> Option<u32> {
    let [b'\'' | b'"', rest @ ..] = arg else {
        return None;
    };
    let Some(&lead) = rest.first() else {
        return Some(0);
    };
    let len = match lead {
        0xc2..=0xdf if utf8 => 2,
        0xe0..=0xef if utf8 => 3,
        0xf0..=0xf7 if utf8 => 4,
        _ => return Some(u32::from(lead)),
    };
    let tail = rest
        .get(1..len)
        .filter(|t| t.iter().all(|&b| b & 0xc0 == 0x80));
    let Some(tail) = tail else {
        return Some(u32::from(lead));
    };
    let first = u32::from(lead) & (0x7f >> len);
    let c = tail
        .iter()
        .fold(first, |c, &b| (c << 6) | u32::from(b & 0x3f));
    // An overlong form (a shorter sequence would do) is no character.
    let least = [0, 0, 0x80, 0x800, 0x1_0000][len];
    Some(if c < least { u32::from(lead) } else { c })
}

/// Leading whitespace, as `isspace` sees it in the C locale.
fn skip_space(s: &[u8]) -> usize {
    s.iter()
        .position(|&b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c))
        .unwrap_or(s.len())
}

/// `strtoumax`-style scan: sign, magnitude (saturated, with an overflow
/// flag), and how many bytes made up the number (0 if none).
fn scan_integer(arg: &[u8]) -> (bool, u64, bool, usize) {
    let mut i = skip_space(arg);
    let neg = match arg.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let hex_digit = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_hexdigit());
    let base: u64 = if arg.get(i) == Some(&b'0')
        && matches!(arg.get(i + 1), Some(b'x' | b'X'))
        && hex_digit(arg.get(i + 2))
    {
        i += 2;
        16
    } else if arg.get(i) == Some(&b'0') {
        8
    } else {
        10
    };
    let start = i;
    let mut v: u64 = 0;
    let mut overflow = false;
    while let Some(d) = arg.get(i).and_then(|b| (*b as char).to_digit(base as u32)) {
        match v
            .checked_mul(base)
            .and_then(|v| v.checked_add(u64::from(d)))
        {
            Some(n) => v = n,
            None => overflow = true,
        }
        i += 1;
    }
    if overflow {
        v = u64::MAX;
    }
    let end = if i == start { 0 } else { i };
    (neg, v, overflow, end)
}

/// The error, if any, for a scan that consumed `end` bytes of `arg`.
fn scan_error(arg: &[u8], end: usize) -> Option<NumError> {
    if end == arg.len() {
        None
    } else if end == 0 {
        Some(NumError::Invalid)
    } else {
        Some(NumError::Partial)
    }
}

/// A signed integer argument, as `strtoimax` reads it.
fn parse_signed(arg: &[u8]) -> (i64, Option<NumError>) {
    let (neg, mag, overflow, end) = scan_integer(arg);
    let (v, range) = if neg {
        match 0i64.checked_sub_unsigned(mag) {
            Some(v) if !overflow => (v, false),
            _ => (i64::MIN, true),
        }
    } else {
        match i64::try_from(mag) {
            Ok(v) if !overflow => (v, false),
            _ => (i64::MAX, true),
        }
    };
    let e = scan_error(arg, end).or(range.then_some(NumError::Range));
    (v, e)
}

/// An unsigned integer argument, as `strtoumax` reads it (a `-` negates
/// modulo 2^64).
fn parse_unsigned(arg: &[u8]) -> (u64, Option<NumError>) {
    let (neg, mag, overflow, end) = scan_integer(arg);
    let v = if overflow {
        u64::MAX
    } else if neg {
        mag.wrapping_neg()
    } else {
        mag
    };
    let e = scan_error(arg, end).or(overflow.then_some(NumError::Range));
    (v, e)
}

/// A floating-point argument, as `strtod` reads it: decimal, hexadecimal
/// (`0x1.8p3`), `inf`, `infinity`, `nan`, with optional sign and leading
/// whitespace.
fn parse_float(arg: &[u8]) -> (f64, Option<NumError>) {
    let start = skip_space(arg);
    let mut i = start;
    let neg = match arg.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let sign = |v: f64| if neg { -v } else { v };
    let rest = &arg[i..];
    let lower_starts =
        |word: &[u8]| rest.len() >= word.len() && rest[..word.len()].eq_ignore_ascii_case(word);
    let (v, end, range) = if lower_starts(b"infinity") {
        (f64::INFINITY, i + 8, false)
    } else if lower_starts(b"inf") {
        (f64::INFINITY, i + 3, false)
    } else if lower_starts(b"nan") {
        let mut end = i + 3;
        // `nan(n-char-sequence)`
        if arg.get(end) == Some(&b'(') {
            if let Some(close) = arg[end..].iter().position(|&b| b == b')') {
                if arg[end + 1..end + close]
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || *b == b'_')
                {
                    end += close + 1;
                }
            }
        }
        (f64::NAN, end, false)
    } else if rest.len() > 2
        && rest[0] == b'0'
        && matches!(rest[1], b'x' | b'X')
        && (rest[2].is_ascii_hexdigit()
            || (rest[2] == b'.' && rest.get(3).is_some_and(|b| b.is_ascii_hexdigit())))
    {
        let (v, n, range) = scan_hex_float(&rest[2..]);
        (v, i + 2 + n, range)
    } else {
        match scan_decimal(rest) {
            Some((v, n, range)) => (v, i + n, range),
            None => (0.0, 0, false),
        }
    };
    let v = sign(v);
    let e = scan_error(arg, end).or(range.then_some(NumError::Range));
    (v, e)
}

/// A decimal floating constant at the start of `s`: value, length and
/// whether it over- or underflowed. `None` if there is no digit.
fn scan_decimal(s: &[u8]) -> Option<(f64, usize, bool)> {
    let mut i = 0;
    let int_digits = s.iter().take_while(|b| b.is_ascii_digit()).count();
    i += int_digits;
    let mut frac_digits = 0;
    if s.get(i) == Some(&b'.') {
        frac_digits = s[i + 1..].iter().take_while(|b| b.is_ascii_digit()).count();
        if int_digits + frac_digits > 0 {
            i += 1 + frac_digits;
        }
    }
    if int_digits + frac_digits == 0 {
        return None;
    }
    let nonzero = s[..i].iter().any(|b| (b'1'..=b'9').contains(b));
    if matches!(s.get(i), Some(b'e' | b'E')) {
        let mut j = i + 1;
        if matches!(s.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        let exp_digits = s[j.min(s.len())..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if exp_digits > 0 {
            i = j + exp_digits;
        }
    }
    let text = std::str::from_utf8(&s[..i]).ok()?;
    let v: f64 = text.parse().ok()?;
    let range = v.is_infinite() || (nonzero && (v == 0.0 || v.is_subnormal()));
    Some((v, i, range))
}

/// The part of a hexadecimal floating constant after `0x`: value, length
/// and whether it over- or underflowed. Correctly rounded to nearest-even.
fn scan_hex_float(s: &[u8]) -> (f64, usize, bool) {
    let mut m: u64 = 0;
    let mut sticky = false;
    let mut exp: i64 = 0;
    let mut i = 0;
    let mut seen_point = false;
    loop {
        match s.get(i) {
            Some(b'.') if !seen_point => seen_point = true,
            Some(&b) if b.is_ascii_hexdigit() => {
                let d = u64::from((b as char).to_digit(16).unwrap_or(0) as u8);
                if m >> 60 == 0 {
                    m = m * 16 + d;
                    if seen_point {
                        exp -= 4;
                    }
                } else {
                    sticky |= d != 0;
                    if !seen_point {
                        exp += 4;
                    }
                }
            }
            _ => break,
        }
        i += 1;
    }
    if matches!(s.get(i), Some(b'p' | b'P')) {
        let mut j = i + 1;
        let neg = match s.get(j) {
            Some(b'-') => {
                j += 1;
                true
            }
            Some(b'+') => {
                j += 1;
                false
            }
            _ => false,
        };
        let digits = s[j.min(s.len())..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if digits > 0 {
            let mut e: i64 = 0;
            for &d in &s[j..j + digits] {
                e = (e * 10 + i64::from(d - b'0')).min(1 << 20);
            }
            exp += if neg { -e } else { e };
            i = j + digits;
        }
    }
    let v = make_f64(m, sticky, exp);
    let range = v.is_infinite() || (m != 0 && (v == 0.0 || v.is_subnormal()));
    (v, i, range)
}

/// `m × 2^e` rounded to the nearest `f64` (ties to even); `sticky` says
/// nonzero bits were dropped below `m`.
fn make_f64(m: u64, sticky: bool, e: i64) -> f64 {
    if m == 0 {
        return 0.0;
    }
    let lz = m.leading_zeros();
    let m = m << lz;
    // The value is in [2^top, 2^(top+1)).
    let top = e - i64::from(lz) + 63;
    if top > 1023 {
        return f64::INFINITY;
    }
    let keep = if top >= -1022 { 53 } else { 53 - (-1022 - top) };
    if keep < 0 {
        return 0.0;
    }
    let shift = 64 - keep as u32;
    let kept = m.checked_shr(shift).unwrap_or(0);
    let round = (m >> (shift - 1)) & 1 == 1;
    let rest = m & ((1u64 << (shift - 1)) - 1) != 0 || sticky;
    let mut kept = kept;
    if round && (rest || kept & 1 == 1) {
        kept += 1;
    }
    if top >= -1022 {
        let mut top = top;
        if kept == 1 << 53 {
            kept >>= 1;
            top += 1;
            if top > 1023 {
                return f64::INFINITY;
            }
        }
        f64::from_bits(((top + 1023) as u64) << 52 | (kept & ((1 << 52) - 1)))
    } else {
        // Subnormal: the bits are the count of 2^-1074 units; a carry into
        // bit 52 makes the smallest normal number, which is also right.
        f64::from_bits(kept)
    }
}

/// The `printf` builtin.
pub fn run(
    sh: &mut crate::shell::env::Shell,
    args: &[Vec<u8>],
) -> Result<i32, crate::shell::exec::Divert> {
    let mut first = 1;
    match args.get(1).map(|a| &a[..]) {
        Some(b"--") => first = 2,
        Some(a) if a.len() > 1 && a[0] == b'-' => {
            sh.utility_error(
                b"printf",
                format!("{}: invalid option", String::from_utf8_lossy(a)),
            );
            return Ok(2);
        }
        _ => {}
    }
    let Some(format) = args.get(first) else {
        sh.utility_error(b"printf", "usage: printf format [arg ...]");
        return Ok(2);
    };
    let operands: Vec<&[u8]> = args[first + 1..].iter().map(|a| &a[..]).collect();
    let mut out = Vec::with_capacity(64);
    let mut err = Vec::new();
    let utf8 =
        sh.charset_for(operands.iter().copied()) == crate::shell::expand::pattern::Charset::Utf8;
    let mut status = printf(format, &operands, utf8, &mut out, &mut err) as i32;
    // Diagnostics first, as dash and bash give them: they write stderr
    // unbuffered while the output waits in a buffer until the end.
    for line in err.split(|&c| c == b'\n').filter(|l| !l.is_empty()) {
        sh.utility_error(b"printf", line);
    }
    if super::write_out(sh, b"printf", &out) != 0 {
        status = 1;
    }
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(format: &str, args: &[&str]) -> (String, String, u8) {
        let args: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let st = printf(format.as_bytes(), &args, false, &mut out, &mut err);
        (
            String::from_utf8_lossy(&out).into_owned(),
            String::from_utf8_lossy(&err).into_owned(),
            st,
        )
    }

    fn out(format: &str, args: &[&str]) -> String {
        let (o, e, st) = run(format, args);
        assert_eq!((e.as_str(), st), ("", 0), "printf {format:?} {args:?}");
        o
    }

    #[test]
    fn plain_text_and_escapes() {
        assert_eq!(out("hello", &[]), "hello");
        assert_eq!(out(r#"a\nb\tc\\d\"e"#, &[]), "a\nb\tc\\d\"e");
        assert_eq!(out(r"\a\b\f\r\v", &[]), "\x07\x08\x0c\r\x0b");
        assert_eq!(out(r"\101\0101\7", &[]), "A\x081\x07");
        assert_eq!(out(r"\x41\x4a\xZ\x", &[]), "AJ\\xZ\\x");
        assert_eq!(out(r"\q\c", &[]), "\\q\\c");
        assert_eq!(out("end\\", &[]), "end\\");
        assert_eq!(out("100%%", &[]), "100%");
        assert_eq!(out("x\n", &["a", "b"]), "x\n");
    }

    #[test]
    fn strings_and_chars() {
        assert_eq!(out("%s|%s\n", &["a", "b", "c"]), "a|b\nc|\n");
        assert_eq!(
            out("[%5s][%-5s][%.2s][%5.1s]", &["ab", "ab", "abc", "xyz"]),
            "[   ab][ab   ][ab][    x]"
        );
        assert_eq!(out("[%05s]", &["a"]), "[    a]");
        assert_eq!(out("%c%c", &["abc", "x"]), "ax");
        assert_eq!(out("[%3c][%-3c]", &["x", "y"]), "[  x][y  ]");
        assert_eq!(out("%c|%c", &[""]), "\0|\0");
        assert_eq!(out("%s|%d|%f|%c", &[]), "|0|0.000000|\0");
    }

    #[test]
    fn format_reuse() {
        assert_eq!(out("%d %d\n", &["1", "2", "3"]), "1 2\n3 0\n");
        assert_eq!(out("%s", &["a", "b", "c"]), "abc");
        assert_eq!(out("[%*d]", &["3", "1", "2", "2"]), "[  1][ 2]");
    }

    #[test]
    fn integers() {
        assert_eq!(out("%d %i", &["42", "-7"]), "42 -7");
        assert_eq!(
            out("%d %d %d %d", &["0x1f", "010", "+5", " 12"]),
            "31 8 5 12"
        );
        assert_eq!(out("%d %d", &["'a", "\"b"]), "97 98");
        assert_eq!(out("%d", &["'"]), "0");
        assert_eq!(out("%d", &[""]), "0");
        assert_eq!(out("%d", &["-0"]), "0");
        assert_eq!(
            out("%u %x %X %o", &["-1", "-1", "255", "8"]),
            "18446744073709551615 ffffffffffffffff FF 10"
        );
        assert_eq!(
            out("%#o %#x %#X %#o %#x", &["8", "255", "255", "0", "0"]),
            "010 0xff 0XFF 0 0"
        );
        assert_eq!(out("[%.0d][%.0x]", &["0", "0"]), "[][]");
        assert_eq!(
            out("[%5.3d][%05.3d][%-05d][%05d]", &["7", "7", "7", "-7"]),
            "[  007][  007][7    ][-0007]"
        );
        assert_eq!(
            out("[%+d][% d][%+d][% 5d]", &["3", "3", "-3", "3"]),
            "[+3][ 3][-3][    3]"
        );
        assert_eq!(out("[%+.2d][%+5.0d]", &["3", "0"]), "[+03][    +]");
        assert_eq!(out("[%.3d]", &["-5"]), "[-005]");
        assert_eq!(
            out("[%#.3o][%#5o][%#08x]", &["8", "8", "255"]),
            "[010][  010][0x0000ff]"
        );
        assert_eq!(
            out("[%*d][%*d][%.*d]", &["5", "3", "-5", "3", "-1", "3"]),
            "[    3][3    ][3]"
        );
        assert_eq!(
            out("%ld %lld %hd %zu %jd", &["5", "6", "70000", "8", "9"]),
            "5 6 70000 8 9"
        );
        assert_eq!(out("%d", &["9223372036854775807"]), "9223372036854775807");
        assert_eq!(out("%d", &["-9223372036854775808"]), "-9223372036854775808");
        assert_eq!(out("%u", &["18446744073709551615"]), "18446744073709551615");
    }

    #[test]
    fn character_values() {
        let value = |arg: &[u8], utf8| char_constant(arg, utf8);
        assert_eq!(value(b"'a", true), Some(97));
        assert_eq!(value(b"\"", true), Some(0));
        assert_eq!(value(b"x", true), None);
        // A character in UTF-8, its first byte in the C locale.
        assert_eq!(value("'é".as_bytes(), true), Some(0xe9));
        assert_eq!(value("'é".as_bytes(), false), Some(0xc3));
        assert_eq!(value("'€x".as_bytes(), true), Some(0x20ac));
        assert_eq!(value("\"😀".as_bytes(), true), Some(0x1f600));
        // Past U+10FFFF, as glibc decodes it (and bash prints it).
        assert_eq!(value(b"'\xf4\x91\x84\x91", true), Some(0x11_1111));
        // No sequence: the byte. Overlong: the byte.
        assert_eq!(value(b"'\xe2\x82", true), Some(0xe2));
        assert_eq!(value(b"'\xff", true), Some(0xff));
        assert_eq!(value(b"'\xe0\x80\x80", true), Some(0xe0));
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let args: [&[u8]; 3] = ["'é".as_bytes(), "'é".as_bytes(), "'é".as_bytes()];
        printf(b"%d %x %o", &args, true, &mut out, &mut err);
        assert_eq!((&out[..], &err[..]), (&b"233 e9 351"[..], &b""[..]));
    }

    #[test]
    fn bad_numbers() {
        assert_eq!(
            run("%d", &["abc"]),
            ("0".into(), "abc: expected numeric value\n".into(), 1)
        );
        assert_eq!(
            run("%d", &["12abc"]),
            ("12".into(), "12abc: not completely converted\n".into(), 1)
        );
        assert_eq!(
            run("%d", &["08"]),
            ("0".into(), "08: not completely converted\n".into(), 1)
        );
        assert_eq!(
            run("%x", &["0x"]),
            ("0".into(), "0x: not completely converted\n".into(), 1)
        );
        assert_eq!(
            run("%d", &[" "]),
            ("0".into(), " : expected numeric value\n".into(), 1)
        );
        assert_eq!(
            run("%d|", &["1.5", "2"]),
            ("1|2|".into(), "1.5: not completely converted\n".into(), 1)
        );
        assert_eq!(
            run("%d", &["99999999999999999999"]),
            (
                "9223372036854775807".into(),
                "99999999999999999999: Numerical result out of range\n".into(),
                1
            )
        );
        assert_eq!(
            run("%d", &["-99999999999999999999"]).0,
            "-9223372036854775808"
        );
        assert_eq!(run("%d", &["9223372036854775808"]).0, "9223372036854775807");
        assert_eq!(
            run("%u", &["99999999999999999999"]).0,
            "18446744073709551615"
        );
        assert_eq!(
            run("%f", &["3x"]),
            (
                "3.000000".into(),
                "3x: not completely converted\n".into(),
                1
            )
        );
        assert_eq!(
            run("%f", &["x"]),
            ("0.000000".into(), "x: expected numeric value\n".into(), 1)
        );
        assert_eq!(
            run("%e", &["1e400"]),
            (
                "inf".into(),
                "1e400: Numerical result out of range\n".into(),
                1
            )
        );
        assert_eq!(run("%.3f", &["1e-320"]).2, 1);
        assert_eq!(
            run("%d %d", &["x", "y"]).1,
            "x: expected numeric value\ny: expected numeric value\n"
        );
    }

    #[test]
    fn invalid_directives() {
        assert_eq!(
            run("a%yb", &["5"]),
            ("a".into(), "%y: invalid directive\n".into(), 1)
        );
        // `%q` is bash's quoting directive, not a length modifier.
        assert_eq!(
            run("%q\\n", &["x"]),
            ("".into(), "%q: invalid directive\n".into(), 1)
        );
        assert_eq!(
            run("%5%", &[]),
            ("".into(), "%5%: invalid directive\n".into(), 1)
        );
        assert_eq!(
            run("abc%", &[]),
            ("abc".into(), "missing format character\n".into(), 1)
        );
        assert_eq!(
            run("%5", &[]),
            ("".into(), "missing format character\n".into(), 1)
        );
        assert_eq!(run("%s%y", &["a", "b", "c"]).0, "a");
    }

    #[test]
    fn b_conversion() {
        assert_eq!(out("%b", &[r"a\101b\0101c\x41"]), "aAbAcA");
        assert_eq!(out("%b", &[r"a\1234"]), "aS4");
        assert_eq!(out("%b|", &[r"\0"]), "\0|");
        assert_eq!(out("%b", &[r"\q\\\n"]), "\\q\\\n");
        assert_eq!(out("%b|\\e|\\E", &[r#"\"\e"#]), "\\\"\x1b|\x1b|\\E");
        assert_eq!(out("%b", &["end\\"]), "end\\");
        assert_eq!(out("[%5b][%.1b]", &["ab", "abc"]), "[   ab][a]");
        assert_eq!(out("%b%s", &[r"a\cb", "x"]), "a");
        assert_eq!(out("%s%b%s\n", &["1", r"2\c", "3", "4", "5"]), "12");
        assert_eq!(out(r"%b\n", &[r"\0777"]), "\u{fffd}\n");
    }

    #[test]
    fn floats_fixed_and_exponent() {
        assert_eq!(out("%f", &["3.14159"]), "3.141590");
        assert_eq!(out("%.2f|%.0f|%#.0f", &["2.675", "2.5", "1"]), "2.67|2|1.");
        assert_eq!(
            out("%.0f %.0f %.0f %.0f", &["0.5", "1.5", "2.5", "3.5"]),
            "0 2 2 4"
        );
        assert_eq!(
            out("%e|%E", &["123456789", "0.000123"]),
            "1.234568e+08|1.230000E-04"
        );
        assert_eq!(
            out("%.3e|%e|%.0e|%#.0e", &["0", "-0", "5", "5"]),
            "0.000e+00|-0.000000e+00|5e+00|5.e+00"
        );
        assert_eq!(out("%e", &["1e100"]), "1.000000e+100");
        assert_eq!(out("%e", &["1e-300"]), "1.000000e-300");
        assert_eq!(
            out(
                "[%10.3f][%-10.3f][%010.3f][%+.1f][% .1f]",
                &["2.5", "2.5", "-2.5", "1", "1"]
            ),
            "[     2.500][2.500     ][-00002.500][+1.0][ 1.0]"
        );
        assert_eq!(
            out("%.60f", &["1e-50"]),
            format!("0.{}1{}", "0".repeat(49), "0".repeat(10))
        );
        assert_eq!(out("%f %f", &["0x1.8p1", "0X10"]), "3.000000 16.000000");
        assert_eq!(out("%f|%f", &[" 1.5", ".5"]), "1.500000|0.500000");
        assert_eq!(out("%f|%f", &["1.", "1e3"]), "1.000000|1000.000000");
        assert_eq!(out("%.1f", &["'A"]), "65.0");
        assert_eq!(out("%F", &["1.5"]), "1.500000");
    }

    #[test]
    fn floats_special() {
        assert_eq!(
            out("%f|%f|%E|%F", &["nan", "-inf", "inf", "infinity"]),
            "nan|-inf|INF|INF"
        );
        assert_eq!(
            out("[%010f][%-6f][%+f]", &["inf", "nan", "inf"]),
            "[       inf][nan   ][+inf]"
        );
        assert_eq!(out("%f", &["-nan"]), "-nan");
        assert_eq!(out("%f", &["NaN(123)"]), "nan");
        assert_eq!(run("%f", &["infx"]).2, 1);
    }

    #[test]
    fn floats_general() {
        let cases = [
            ("%g", "100000", "100000"),
            ("%g", "1000000", "1e+06"),
            ("%g", "0.0001", "0.0001"),
            ("%g", "0.00001", "1e-05"),
            ("%#g", "1", "1.00000"),
            ("%#g", "1e-5", "1.00000e-05"),
            ("%g", "1e100", "1e+100"),
            ("%G", "1e-100", "1E-100"),
            ("%g", "0.0001234567", "0.000123457"),
            ("%g", "123456.5", "123456"),
            ("%g", "1234567", "1.23457e+06"),
            ("%.3g", "99.95", "100"),
            ("%.10g", "3.14159265358979", "3.141592654"),
            ("%g", "-0", "-0"),
            ("%g", "0", "0"),
            ("%.0g", "123", "1e+02"),
            ("%g", "999999.5", "1e+06"),
            ("%g", "0.1", "0.1"),
            ("%.20g", "0.1", "0.10000000000000000555"),
            ("%010g", "-1.5", "-0000001.5"),
        ];
        for (f, a, want) in cases {
            assert_eq!(out(f, &[a]), want, "{f} {a}");
        }
    }

    #[test]
    fn hex_floats() {
        let cases = [
            ("%a", "1", "0x1p+0"),
            ("%a", "0.1", "0x1.999999999999ap-4"),
            ("%.2a", "1", "0x1.00p+0"),
            ("%A", "255", "0X1.FEP+7"),
            ("%a", "0", "0x0p+0"),
            ("%a", "-0", "-0x0p+0"),
            ("%a", "5e-324", "0x0.0000000000001p-1022"),
            ("%.0a", "1.5", "0x2p+0"),
            ("%.1a", "1.96875", "0x2.0p+0"),
            ("%#a", "1", "0x1.p+0"),
            ("%012a", "1", "0x0000001p+0"),
            ("%12.1a", "-1", "   -0x1.0p+0"),
            ("%a", "inf", "inf"),
        ];
        for (f, a, want) in cases {
            // (5e-324 is subnormal: a range diagnostic, as strtod's ERANGE.)
            assert_eq!(run(f, &[a]).0, want, "{f} {a}");
        }
    }

    #[test]
    fn hex_float_parsing_rounds() {
        assert_eq!(parse_float(b"0x1p-1074").0, 5e-324);
        assert_eq!(parse_float(b"0x1p-1075").0, 0.0);
        assert_eq!(parse_float(b"0x1.8p-1075").0, 5e-324);
        assert_eq!(parse_float(b"0x1.fffffffffffff8p0").0, 2.0);
        assert_eq!(
            parse_float(b"0x1.fffffffffffff7p0").0,
            f64::from_bits(0x3fff_ffff_ffff_ffff)
        );
        assert_eq!(parse_float(b"0x1.00000000000008p0").0, 1.0);
        assert_eq!(
            parse_float(b"0x1.000000000000080000001p0").0,
            1.0 + f64::EPSILON
        );
        assert_eq!(parse_float(b"0x1p1024").0, f64::INFINITY);
        assert_eq!(parse_float(b"0x.8").0, 0.5);
        assert_eq!(parse_float(b"0x1P+3").0, 8.0);
        assert_eq!(parse_float(b"0xp1"), (0.0, Some(NumError::Partial)));
    }

    /// Compare with the system's printf (GNU coreutils or other) on cases
    /// where `double` and `long double` agree, when it is here.
    #[test]
    fn agrees_with_system_printf() {
        let path = "/usr/bin/printf";
        if !std::path::Path::new(path).exists() {
            return;
        }
        let cases: &[(&str, &[&str])] = &[
            (
                "%d|%i|%u|%o|%x|%X|",
                &["42", "-42", "42", "42", "255", "255"],
            ),
            (
                "[%08.3f][%-8.2e][%+g][% G]",
                &["3.14159", "31415.9", "0.000031", "1e20"],
            ),
            ("%.15g %.17g %.3e", &["0.1", "0.5", "123456"]),
            ("%5.2s|%-7c|%%|%#o|%#X", &["hello", "x", "64", "48879"]),
            (
                "%g %g %g %g %g",
                &["1e-4", "1e-5", "123456", "1234567", "0"],
            ),
            ("%e %g", &["1e300", "1e300"]),
            ("%.0f %.0f %.1f %.2f", &["0.5", "1.5", "0.25", "1.005"]),
            ("%s-%s\n", &["a", "b", "c"]),
            ("%b|%b", &[r"x\ty\0101", r"\\"]),
            ("%.3d|%+.3d|%-6.2d|%06d", &["5", "5", "5", "-5"]),
            ("%e %E", &["-1.5e-7", "2.5e+7"]),
            ("%10.4g|%-10.4g|%#10.4g", &["3.14159", "2.0", "2.0"]),
            ("%d %d %d", &["0x10", "010", "'A"]),
            ("%c%c%c", &["hello", "w", "!"]),
        ];
        for (f, args) in cases {
            let Ok(sys) = std::process::Command::new(path).arg(f).args(*args).output() else {
                return;
            };
            let (o, _, st) = run(f, args);
            assert_eq!(o.as_bytes(), sys.stdout.as_slice(), "printf {f:?} {args:?}");
            assert_eq!(
                i32::from(st),
                sys.status.code().unwrap_or(-1),
                "status of {f:?}"
            );
        }
    }

    /// Compare %e/%f/%g of many doubles with dash's printf (C `double`s).
    #[test]
    fn agrees_with_dash_on_doubles() {
        if !std::path::Path::new("/usr/bin/dash").exists() {
            return;
        }
        let values = [
            "1e300",
            "0.1",
            "0.2",
            "0.3",
            "1.5",
            "2.5",
            "9.995",
            "99.995",
            "1e-7",
            "123456789.123",
            "5e-324",
            "1e308",
            "0.000123456",
            "-7.25",
            "3.0000005",
            "0.049999",
            "1e15",
            "1e16",
            "1e17",
            "12345.6789e-3",
            "0.95",
            "2.5",
            "3.5",
            "1.03125",
            "1.09375",
            "0x1.fffffffffffffp1023",
            "2.2250738585072014e-308",
            "-0",
            "0.5",
            "1e22",
            "1e23",
        ];
        let formats = [
            "%e", "%.3e", "%f", "%.1f", "%.10f", "%g", "%.3g", "%.12g", "%#g", "%a", "%.3a",
            "%.0a", "%.1a", "%.0e", "%.0f",
        ];
        let mut script = String::new();
        for f in formats {
            for v in values {
                script.push_str(&format!("printf '{f}\\n' {v}\n"));
            }
        }
        let Ok(o) = std::process::Command::new("/usr/bin/dash")
            .arg("-c")
            .arg(&script)
            .output()
        else {
            return;
        };
        let text = String::from_utf8_lossy(&o.stdout);
        let mut lines = text.lines();
        for f in formats {
            for v in values {
                let want = lines.next().unwrap_or("<missing>");
                let got = run(f, &[v]).0;
                assert_eq!(got, want, "printf {f} {v}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn never_panics(
            format in "[%a-gi-oxsuAEFGX0-9.*#+ '\\\\lhc-]{0,16}",
            args in proptest::collection::vec("[-+0-9a-fx.epP'\" inn\\\\c]{0,10}", 0..4),
        ) {
            // Keep widths small: `%999999999d` really would print a gigabyte.
            let long_number = |s: &str| s.as_bytes().windows(5).any(|w| w.iter().all(u8::is_ascii_digit));
            proptest::prop_assume!(!long_number(&format) && !args.iter().any(|a| long_number(a)));
            let args: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
            let (mut out, mut err) = (Vec::new(), Vec::new());
            let st = printf(format.as_bytes(), &args, false, &mut out, &mut err);
            proptest::prop_assert!(st <= 1);
        }
    }
}
