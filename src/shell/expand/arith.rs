//! Arithmetic expansion (XCU 2.6.4): a recursive-descent evaluator for `$((...))` over bytes.
//!
//! The evaluator works directly on the expression text, with no token list
//! and no tree: each production parses and computes at once, and the operand
//! that `&&`, `||` or `?:` leaves unevaluated is parsed in a *skip* mode that
//! checks its syntax but reads no variable, assigns nothing and divides by
//! nothing. That keeps `$((i + 1))` free of allocation.
//!
//! Arithmetic is signed 64-bit and wraps, as in bash. Beyond POSIX it
//! accepts what bash does and scripts rely on: `++`/`--`, the comma
//! operator, `base#digits` constants, and variables whose value is itself an
//! expression (evaluated recursively, with a depth limit against cycles).

use std::fmt;

/// Access to shell variables for the evaluator.
pub trait ArithEnv {
    /// The value of a shell variable, if set.
    fn get(&self, name: &[u8]) -> Option<&[u8]>;
    /// Assigns an integer to a variable (for `x = 3`, `x += 1`, `x++`);
    /// `Err` carries the complete message, e.g. `x: readonly variable`.
    fn set(&mut self, name: &[u8], value: i64) -> std::result::Result<(), String>;
}

/// Why an arithmetic expression could not be evaluated. The message does
/// not repeat the expression; the caller adds that context.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArithError {
    /// What went wrong, e.g. `division by zero`.
    pub message: String,
}

impl fmt::Display for ArithError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ArithError {}

type Result<T> = std::result::Result<T, ArithError>;

/// Deepest nesting of parentheses, unary operators, assignments,
/// conditionals and variables-holding-expressions: bounds the stack (about
/// half a megabyte at the limit in a debug build, far less optimized).
const MAX_DEPTH: u32 = 400;

/// Evaluates the arithmetic expression `expr`, whose `$` expansions the
/// caller has already performed. An empty (or all-blank) expression is 0.
pub fn eval(expr: &[u8], env: &mut dyn ArithEnv) -> std::result::Result<i64, ArithError> {
    let mut p = Parser {
        s: expr,
        pos: 0,
        env,
        depth: 0,
        skip: false,
    };
    p.whole()
}

/// Binary operators, in the order of [`Binop::prec`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Binop {
    Or,
    And,
    BitOr,
    Xor,
    BitAnd,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Shl,
    Shr,
    Add,
    Sub,
    Mul,
    Div,
    Rem,
}

impl Binop {
    /// Binding strength, higher binds tighter (C's order).
    fn prec(self) -> u8 {
        match self {
            Binop::Or => 1,
            Binop::And => 2,
            Binop::BitOr => 3,
            Binop::Xor => 4,
            Binop::BitAnd => 5,
            Binop::Eq | Binop::Ne => 6,
            Binop::Lt | Binop::Le | Binop::Gt | Binop::Ge => 7,
            Binop::Shl | Binop::Shr => 8,
            Binop::Add | Binop::Sub => 9,
            Binop::Mul | Binop::Div | Binop::Rem => 10,
        }
    }
}

/// Applies a non-short-circuit binary operator; `None` means division by zero.
fn apply(op: Binop, a: i64, b: i64) -> Option<i64> {
    Some(match op {
        Binop::Or => i64::from(a != 0 || b != 0),
        Binop::And => i64::from(a != 0 && b != 0),
        Binop::BitOr => a | b,
        Binop::Xor => a ^ b,
        Binop::BitAnd => a & b,
        Binop::Eq => i64::from(a == b),
        Binop::Ne => i64::from(a != b),
        Binop::Lt => i64::from(a < b),
        Binop::Le => i64::from(a <= b),
        Binop::Gt => i64::from(a > b),
        Binop::Ge => i64::from(a >= b),
        // The shift count is taken modulo 64, as x86 does and bash shows.
        Binop::Shl => a.wrapping_shl(b as u32),
        Binop::Shr => a.wrapping_shr(b as u32),
        Binop::Add => a.wrapping_add(b),
        Binop::Sub => a.wrapping_sub(b),
        Binop::Mul => a.wrapping_mul(b),
        // `i64::MIN / -1` wraps to `i64::MIN` (and its remainder is 0).
        Binop::Div if b != 0 => a.wrapping_div(b),
        Binop::Rem if b != 0 => a.wrapping_rem(b),
        Binop::Div | Binop::Rem => return None,
    })
}

fn is_name_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn is_blank(b: u8) -> bool {
    // Only the shell's blanks and newline: dash and bash reject a carriage
    // return, which usually means a script with DOS line endings.
    matches!(b, b' ' | b'\t' | b'\n')
}

/// The evaluator's state over one expression text.
struct Parser<'a, 'e> {
    s: &'a [u8],
    pos: usize,
    env: &'e mut dyn ArithEnv,
    depth: u32,
    /// Inside an operand that is parsed but not evaluated.
    skip: bool,
}

impl<'a> Parser<'a, '_> {
    /// The whole text: an optional comma expression, then the end.
    fn whole(&mut self) -> Result<i64> {
        self.blanks();
        if self.pos == self.s.len() {
            return Ok(0);
        }
        let v = self.comma()?;
        self.blanks();
        if self.pos != self.s.len() {
            return Err(self.unexpected());
        }
        Ok(v)
    }

    fn error(&self, message: impl Into<String>) -> ArithError {
        ArithError {
            message: message.into(),
        }
    }

    /// A syntax error at the current position.
    fn unexpected(&self) -> ArithError {
        let rest = String::from_utf8_lossy(&self.s[self.pos.min(self.s.len())..]);
        let rest = rest.trim_end();
        if rest.is_empty() {
            self.error("syntax error: operand expected")
        } else {
            self.error(format!("syntax error: unexpected \"{rest}\""))
        }
    }

    fn blanks(&mut self) {
        while self.s.get(self.pos).is_some_and(|&b| is_blank(b)) {
            self.pos += 1;
        }
    }

    fn peek(&self, off: usize) -> u8 {
        self.s.get(self.pos + off).copied().unwrap_or(0)
    }

    /// Runs `f` one nesting level deeper, failing past [`MAX_DEPTH`].
    fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error("expression recursion level exceeded"));
        }
        self.depth += 1;
        let r = f(self);
        self.depth -= 1;
        r
    }

    /// `assign , assign , ...`
    fn comma(&mut self) -> Result<i64> {
        let mut v = self.assign()?;
        loop {
            self.blanks();
            if self.peek(0) != b',' {
                return Ok(v);
            }
            self.pos += 1;
            v = self.assign()?;
        }
    }

    /// `name op= assign`, or a conditional expression.
    fn assign(&mut self) -> Result<i64> {
        self.nested(|p| {
            p.blanks();
            let start = p.pos;
            if is_name_start(p.peek(0)) {
                let name = p.name();
                p.blanks();
                if let Some((op, len)) = p.assign_op() {
                    p.pos += len;
                    let rhs = p.assign()?;
                    return p.store(name, op, rhs);
                }
                p.pos = start;
            }
            p.cond()
        })
    }

    /// Reads a name at the current position (which starts one).
    fn name(&mut self) -> &'a [u8] {
        let s: &'a [u8] = self.s;
        let start = self.pos;
        while s.get(self.pos).is_some_and(|&b| is_name_byte(b)) {
            self.pos += 1;
        }
        &s[start..self.pos]
    }

    /// An assignment operator here: its arithmetic part (`None` for plain
    /// `=`) and its length.
    fn assign_op(&self) -> Option<(Option<Binop>, usize)> {
        let (a, b, c) = (self.peek(0), self.peek(1), self.peek(2));
        match (a, b) {
            (b'=', b'=') => None,
            (b'=', _) => Some((None, 1)),
            (b'<', b'<') if c == b'=' => Some((Some(Binop::Shl), 3)),
            (b'>', b'>') if c == b'=' => Some((Some(Binop::Shr), 3)),
            (_, b'=') => {
                let op = match a {
                    b'*' => Binop::Mul,
                    b'/' => Binop::Div,
                    b'%' => Binop::Rem,
                    b'+' => Binop::Add,
                    b'-' => Binop::Sub,
                    b'&' => Binop::BitAnd,
                    b'^' => Binop::Xor,
                    b'|' => Binop::BitOr,
                    _ => return None,
                };
                Some((Some(op), 2))
            }
            _ => None,
        }
    }

    /// Performs `name op= rhs` (or `name = rhs`) and yields the new value.
    fn store(&mut self, name: &[u8], op: Option<Binop>, rhs: i64) -> Result<i64> {
        if self.skip {
            return Ok(0);
        }
        let value = match op {
            None => rhs,
            Some(op) => {
                let old = self.var(name)?;
                apply(op, old, rhs).ok_or_else(|| self.error("division by zero"))?
            }
        };
        self.env.set(name, value).map_err(|m| self.error(m))?;
        Ok(value)
    }

    /// `or ? comma : cond`
    fn cond(&mut self) -> Result<i64> {
        let c = self.binary(1)?;
        self.blanks();
        if self.peek(0) != b'?' {
            return Ok(c);
        }
        self.pos += 1;
        let outer = self.skip;
        self.skip = outer || c == 0;
        let a = self.comma();
        self.skip = outer;
        let a = a?;
        self.blanks();
        if self.peek(0) != b':' {
            return Err(self.unexpected());
        }
        self.pos += 1;
        self.skip = outer || c != 0;
        let b = self.nested(|p| p.cond());
        self.skip = outer;
        let b = b?;
        Ok(if c != 0 { a } else { b })
    }

    /// The binary operator at the current position, if any, and its length.
    /// An assignment operator such as `+=` is not a binary operator.
    fn binop(&self) -> Option<(Binop, usize)> {
        let (a, b, c) = (self.peek(0), self.peek(1), self.peek(2));
        let op = match (a, b) {
            (b'|', b'|') => return Some((Binop::Or, 2)),
            (b'&', b'&') => return Some((Binop::And, 2)),
            (b'=', b'=') => return Some((Binop::Eq, 2)),
            (b'!', b'=') => return Some((Binop::Ne, 2)),
            (b'<', b'=') => return Some((Binop::Le, 2)),
            (b'>', b'=') => return Some((Binop::Ge, 2)),
            (b'<', b'<') if c != b'=' => return Some((Binop::Shl, 2)),
            (b'>', b'>') if c != b'=' => return Some((Binop::Shr, 2)),
            (b'<', b'<') | (b'>', b'>') => return None,
            (_, b'=') => return None,
            (b'<', _) => Binop::Lt,
            (b'>', _) => Binop::Gt,
            (b'|', _) => Binop::BitOr,
            (b'^', _) => Binop::Xor,
            (b'&', _) => Binop::BitAnd,
            (b'+', _) => Binop::Add,
            (b'-', _) => Binop::Sub,
            (b'*', _) => Binop::Mul,
            (b'/', _) => Binop::Div,
            (b'%', _) => Binop::Rem,
            _ => return None,
        };
        Some((op, 1))
    }

    /// Binary operators binding at least as tight as `min`, left to right
    /// (precedence climbing).
    fn binary(&mut self, min: u8) -> Result<i64> {
        let mut lhs = self.unary()?;
        loop {
            self.blanks();
            let Some((op, len)) = self.binop() else {
                return Ok(lhs);
            };
            let prec = op.prec();
            if prec < min {
                return Ok(lhs);
            }
            self.pos += len;
            let outer = self.skip;
            // Short circuit: the right side is parsed but not evaluated.
            match op {
                Binop::And => self.skip = outer || lhs == 0,
                Binop::Or => self.skip = outer || lhs != 0,
                _ => {}
            }
            let rhs = self.binary(prec + 1);
            self.skip = outer;
            let rhs = rhs?;
            lhs = if self.skip {
                0
            } else {
                apply(op, lhs, rhs).ok_or_else(|| self.error("division by zero"))?
            };
        }
    }

    /// Prefix operators, then a primary with optional postfix `++`/`--`.
    fn unary(&mut self) -> Result<i64> {
        self.nested(|p| {
            p.blanks();
            match p.peek(0) {
                op @ (b'+' | b'-') => {
                    p.pos += 1;
                    if p.peek(0) == op {
                        // `++name` / `--name`; otherwise two unary signs, as bash.
                        let save = p.pos;
                        p.pos += 1;
                        p.blanks();
                        if is_name_start(p.peek(0)) {
                            let name = p.name();
                            let delta = if op == b'+' { 1 } else { -1 };
                            return p.increment(name, delta, true);
                        }
                        p.pos = save;
                    }
                    let v = p.unary()?;
                    Ok(if op == b'-' { v.wrapping_neg() } else { v })
                }
                b'!' => {
                    p.pos += 1;
                    Ok(i64::from(p.unary()? == 0))
                }
                b'~' => {
                    p.pos += 1;
                    Ok(!p.unary()?)
                }
                _ => p.primary(),
            }
        })
    }

    /// `( comma )`, a constant, or a variable (with postfix `++`/`--`).
    fn primary(&mut self) -> Result<i64> {
        let c = self.peek(0);
        if c == b'(' {
            self.pos += 1;
            let v = self.comma()?;
            self.blanks();
            if self.peek(0) != b')' {
                return Err(self.unexpected());
            }
            self.pos += 1;
            return Ok(v);
        }
        if c.is_ascii_digit() {
            return self.number();
        }
        if is_name_start(c) {
            let name = self.name();
            let save = self.pos;
            self.blanks();
            let (a, b) = (self.peek(0), self.peek(1));
            if (a == b'+' || a == b'-') && a == b {
                self.pos += 2;
                return self.increment(name, if a == b'+' { 1 } else { -1 }, false);
            }
            self.pos = save;
            return if self.skip { Ok(0) } else { self.var(name) };
        }
        Err(self.unexpected())
    }

    /// `++name`/`--name` (`pre`) or `name++`/`name--`.
    fn increment(&mut self, name: &[u8], delta: i64, pre: bool) -> Result<i64> {
        if self.skip {
            return Ok(0);
        }
        let old = self.var(name)?;
        let new = old.wrapping_add(delta);
        self.env.set(name, new).map_err(|m| self.error(m))?;
        Ok(if pre { new } else { old })
    }

    /// A numeric constant: decimal, octal `0nn`, hex `0xnn`, or `base#digits`.
    fn number(&mut self) -> Result<i64> {
        let start = self.pos;
        while self
            .s
            .get(self.pos)
            .is_some_and(|&b| is_name_byte(b) || b == b'#' || b == b'@')
        {
            self.pos += 1;
        }
        let word = &self.s[start..self.pos];
        parse_constant(word).ok_or_else(|| {
            self.error(format!(
                "invalid number \"{}\"",
                String::from_utf8_lossy(word)
            ))
        })
    }

    /// The value of variable `name`: 0 if unset or empty, else its value
    /// read as an expression (usually just a number).
    fn var(&mut self, name: &[u8]) -> Result<i64> {
        let value = match self.env.get(name) {
            None => return Ok(0),
            Some(v) => v,
        };
        if let Some(n) = simple_integer(value) {
            return Ok(n);
        }
        let text = value.to_vec();
        self.nested(|p| {
            let mut inner = Parser {
                s: &text,
                pos: 0,
                env: &mut *p.env,
                depth: p.depth,
                skip: false,
            };
            inner.whole()
        })
    }
}

/// The common case of a variable's value: an optional `-` and decimal
/// digits without a leading zero, or empty (0). `None` means "evaluate it".
fn simple_integer(v: &[u8]) -> Option<i64> {
    let (neg, digits) = match v.split_first() {
        None => return Some(0),
        Some((b'-', rest)) => (true, rest),
        Some(_) => (false, v),
    };
    if digits.is_empty() || digits.len() > 18 || (digits[0] == b'0' && digits.len() > 1) {
        return None;
    }
    let mut n: i64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        n = n * 10 + i64::from(d - b'0');
    }
    Some(if neg { -n } else { n })
}

/// Parses a whole constant word; `None` if it is not a valid number.
/// Values too large wrap, as in bash.
fn parse_constant(word: &[u8]) -> Option<i64> {
    if let Some(hash) = word.iter().position(|&b| b == b'#') {
        // `02#1` is not a base: the base is written in plain decimal.
        if word.first() == Some(&b'0') {
            return None;
        }
        let base = parse_digits(&word[..hash], 10)?;
        if !(2..=64).contains(&base) {
            return None;
        }
        let digits = &word[hash + 1..];
        if digits.is_empty() {
            return None;
        }
        return parse_digits(digits, base as u32);
    }
    match word {
        [b'0', b'x' | b'X', hex @ ..] => {
            if hex.is_empty() {
                Some(0)
            } else {
                parse_digits(hex, 16)
            }
        }
        [b'0', oct @ ..] if !oct.is_empty() => parse_digits(oct, 8),
        _ => parse_digits(word, 10),
    }
}

/// Digits in `base` (2 to 64, bash's digit set `0-9a-zA-Z@_`; letters are
/// case-insensitive up to base 36), wrapping on overflow.
fn parse_digits(digits: &[u8], base: u32) -> Option<i64> {
    if digits.is_empty() {
        return None;
    }
    let mut n: i64 = 0;
    for &b in digits {
        let d = match b {
            b'0'..=b'9' => u32::from(b - b'0'),
            b'a'..=b'z' => u32::from(b - b'a') + 10,
            b'A'..=b'Z' if base <= 36 => u32::from(b - b'A') + 10,
            b'A'..=b'Z' => u32::from(b - b'A') + 36,
            b'@' => 62,
            b'_' => 63,
            _ => return None,
        };
        if d >= base {
            return None;
        }
        n = n.wrapping_mul(i64::from(base)).wrapping_add(i64::from(d));
    }
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[derive(Default)]
    struct Vars {
        map: HashMap<Vec<u8>, Vec<u8>>,
        readonly: Vec<Vec<u8>>,
    }

    impl ArithEnv for Vars {
        fn get(&self, name: &[u8]) -> Option<&[u8]> {
            self.map.get(name).map(Vec::as_slice)
        }
        fn set(&mut self, name: &[u8], value: i64) -> std::result::Result<(), String> {
            if self.readonly.iter().any(|r| r == name) {
                return Err(format!(
                    "{}: readonly variable",
                    String::from_utf8_lossy(name)
                ));
            }
            self.map
                .insert(name.to_vec(), value.to_string().into_bytes());
            Ok(())
        }
    }

    impl Vars {
        fn with(pairs: &[(&str, &str)]) -> Vars {
            let mut v = Vars::default();
            for (k, val) in pairs {
                v.map.insert(k.as_bytes().to_vec(), val.as_bytes().to_vec());
            }
            v
        }
        fn val(&self, name: &str) -> Option<&str> {
            self.map
                .get(name.as_bytes())
                .and_then(|v| std::str::from_utf8(v).ok())
        }
    }

    fn ev(e: &str) -> Result<i64> {
        eval(e.as_bytes(), &mut Vars::default())
    }

    fn ok(e: &str) -> i64 {
        match ev(e) {
            Ok(v) => v,
            Err(err) => panic!("{e:?}: {err}"),
        }
    }

    fn err(e: &str) -> String {
        match ev(e) {
            Ok(v) => panic!("{e:?} gave {v}, expected an error"),
            Err(err) => err.message,
        }
    }

    #[test]
    fn constants() {
        assert_eq!(ok("0"), 0);
        assert_eq!(ok("42"), 42);
        assert_eq!(ok("010"), 8);
        assert_eq!(ok("0x1F"), 31);
        assert_eq!(ok("0XfF"), 255);
        assert_eq!(ok("0x"), 0);
        assert_eq!(ok("16#ff"), 255);
        assert_eq!(ok("2#101"), 5);
        assert_eq!(ok("36#Z"), 35);
        assert_eq!(ok("64#_"), 63);
        assert_eq!(ok("64#@"), 62);
        assert_eq!(ok("64#A"), 36);
        assert_eq!(ok("9223372036854775807"), i64::MAX);
        assert_eq!(ok("9223372036854775808"), i64::MIN);
        assert_eq!(ok("-9223372036854775808"), i64::MIN);
        assert_eq!(ok(""), 0);
        assert_eq!(ok("  \n\t "), 0);
        assert_eq!(ok(" \n 7 \n"), 7);
        assert!(err("08").contains("invalid number"));
        assert!(err("1a").contains("invalid number"));
        assert!(err("2#2").contains("invalid number"));
        assert!(err("65#1").contains("invalid number"));
        assert!(err("1#1").contains("invalid number"));
        assert!(err("16#").contains("invalid number"));
        assert!(err("0x1g").contains("invalid number"));
    }

    #[test]
    fn operators_and_precedence() {
        assert_eq!(ok("1 + 2 * 3"), 7);
        assert_eq!(ok("(1 + 2) * 3"), 9);
        assert_eq!(ok("10 - 4 - 3"), 3);
        assert_eq!(ok("100 / 10 / 5"), 2);
        assert_eq!(ok("-7 / 2"), -3);
        assert_eq!(ok("-7 % 3"), -1);
        assert_eq!(ok("7 % -3"), 1);
        assert_eq!(ok("1 << 4"), 16);
        assert_eq!(ok("256 >> 4"), 16);
        assert_eq!(ok("-16 >> 2"), -4);
        assert_eq!(ok("1 << 64"), 1);
        assert_eq!(ok("1 << -1"), i64::MIN);
        assert_eq!(ok("1 + 1 << 2"), 8);
        assert_eq!(ok("3 < 4"), 1);
        assert_eq!(ok("3 <= 3"), 1);
        assert_eq!(ok("3 > 4"), 0);
        assert_eq!(ok("4 >= 5"), 0);
        assert_eq!(ok("1 == 1 > 0"), 1);
        assert_eq!(ok("5 > 3 == 1"), 1);
        assert_eq!(ok("2 != 2"), 0);
        assert_eq!(ok("6 & 3"), 2);
        assert_eq!(ok("6 ^ 3"), 5);
        assert_eq!(ok("6 | 3"), 7);
        assert_eq!(ok("1 | 2 ^ 3 & 4"), 3);
        assert_eq!(ok("0 || 2"), 1);
        assert_eq!(ok("3 && 2"), 1);
        assert_eq!(ok("3 && 0"), 0);
        assert_eq!(ok("1 || 0 && 0"), 1);
        assert_eq!(ok("!0"), 1);
        assert_eq!(ok("!5"), 0);
        assert_eq!(ok("~0"), -1);
        assert_eq!(ok("-(-1)"), 1);
        assert_eq!(ok("- -1"), 1);
        assert_eq!(ok("--1"), 1);
        assert_eq!(ok("++1"), 1);
        assert_eq!(ok("+++1"), 1);
        assert_eq!(ok("1++2"), 3);
        assert_eq!(ok("1--2"), 3);
        assert_eq!(ok("1 ? 2 : 3"), 2);
        assert_eq!(ok("0 ? 2 : 3"), 3);
        assert_eq!(ok("0 ? 2 : 0 ? 4 : 5"), 5);
        assert_eq!(ok("1 ? 0 ? 7 : 8 : 9"), 8);
        assert_eq!(ok("(1, 2)"), 2);
        assert_eq!(ok("1, 2, 3"), 3);
        assert_eq!(ok("1 ? 2, 3 : 4"), 3);
    }

    #[test]
    fn wrapping() {
        assert_eq!(ok("9223372036854775807 + 1"), i64::MIN);
        assert_eq!(ok("-9223372036854775808 / -1"), i64::MIN);
        assert_eq!(ok("-9223372036854775808 % -1"), 0);
        assert_eq!(ok("-(-9223372036854775808)"), i64::MIN);
        assert_eq!(
            ok("3037000500 * 3037000500"),
            3037000500i64.wrapping_mul(3037000500)
        );
    }

    #[test]
    fn division_by_zero() {
        assert_eq!(err("1 / 0"), "division by zero");
        assert_eq!(err("1 % 0"), "division by zero");
        assert_eq!(ok("0 && 1 / 0"), 0);
        assert_eq!(ok("1 || 1 / 0"), 1);
        assert_eq!(ok("0 ? 1 / 0 : 5"), 5);
        assert_eq!(ok("1 ? 5 : 1 / 0"), 5);
        assert_eq!(ok("0 && (1 / 0 || 1 % 0)"), 0);
        let mut v = Vars::with(&[("x", "4")]);
        assert!(eval(b"x /= 0", &mut v).is_err());
        assert_eq!(v.val("x"), Some("4"));
    }

    #[test]
    fn syntax_errors() {
        for e in [
            "1 +",
            "2 3",
            ")",
            "(",
            "(1",
            "1)",
            "()",
            "1 ? 2",
            "1 ? : 2",
            "*1",
            "1 = 2",
            "'a'",
            "$x",
            "1 ** 2",
            "x++ 1",
            "1++",
            "a b",
            "1 <<= 2",
            "1 += 2",
            "0 ? x = 1 : 2 = 3",
            ",",
            "1,",
            "x =",
            "!",
            "~",
        ] {
            let e2 = ev(e);
            assert!(e2.is_err(), "{e:?} gave {e2:?}");
        }
        assert_eq!(err("1 +"), "syntax error: operand expected");
        assert_eq!(err("2 3"), "syntax error: unexpected \"3\"");
    }

    #[test]
    fn variables() {
        let mut v = Vars::with(&[
            ("x", "5"),
            ("e", ""),
            ("y", "1+2"),
            ("o", "010"),
            ("n", "-3"),
        ]);
        assert_eq!(eval(b"x * 2", &mut v), Ok(10));
        assert_eq!(eval(b"e + 1", &mut v), Ok(1));
        assert_eq!(eval(b"unset + 1", &mut v), Ok(1));
        assert_eq!(eval(b"y * 2", &mut v), Ok(6));
        assert_eq!(eval(b"o", &mut v), Ok(8));
        assert_eq!(eval(b"n * n", &mut v), Ok(9));
        assert_eq!(eval(b"-n", &mut v), Ok(3));
        v.map.insert(b"s".to_vec(), b" 12 ".to_vec());
        assert_eq!(eval(b"s", &mut v), Ok(12));
        v.map.insert(b"bad".to_vec(), b"a b".to_vec());
        assert!(eval(b"bad", &mut v).is_err());
        v.map.insert(b"a".to_vec(), b"b".to_vec());
        v.map.insert(b"b".to_vec(), b"a".to_vec());
        assert_eq!(
            eval(b"a", &mut v).map_err(|e| e.message),
            Err("expression recursion level exceeded".to_string())
        );
        // A value with a side effect, as bash evaluates it.
        v.map.insert(b"side".to_vec(), b"z = 7".to_vec());
        assert_eq!(eval(b"side + 1", &mut v), Ok(8));
        assert_eq!(v.val("z"), Some("7"));
    }

    #[test]
    fn assignments() {
        let mut v = Vars::default();
        assert_eq!(eval(b"x = 3", &mut v), Ok(3));
        assert_eq!(v.val("x"), Some("3"));
        assert_eq!(eval(b"x += 4", &mut v), Ok(7));
        assert_eq!(eval(b"x -= 1", &mut v), Ok(6));
        assert_eq!(eval(b"x *= 5", &mut v), Ok(30));
        assert_eq!(eval(b"x /= 4", &mut v), Ok(7));
        assert_eq!(eval(b"x %= 4", &mut v), Ok(3));
        assert_eq!(eval(b"x <<= 2", &mut v), Ok(12));
        assert_eq!(eval(b"x >>= 1", &mut v), Ok(6));
        assert_eq!(eval(b"x &= 3", &mut v), Ok(2));
        assert_eq!(eval(b"x |= 5", &mut v), Ok(7));
        assert_eq!(eval(b"x ^= 1", &mut v), Ok(6));
        assert_eq!(eval(b"a = b = 4", &mut v), Ok(4));
        assert_eq!((v.val("a"), v.val("b")), (Some("4"), Some("4")));
        assert_eq!(eval(b"x == 6", &mut v), Ok(1));
        assert_eq!(eval(b"z = 4, z *= 2", &mut v), Ok(8));
        assert_eq!(eval(b"(q = 2) + q", &mut v), Ok(4));
        assert_eq!(eval(b"0 && (w = 1)", &mut v), Ok(0));
        assert_eq!(v.val("w"), None);
        assert_eq!(eval(b"1 ? (w = 1) : (w = 2)", &mut v), Ok(1));
        assert_eq!(v.val("w"), Some("1"));
        assert_eq!(eval(b"0 ? (w = 5) : (w2 = 2)", &mut v), Ok(2));
        assert_eq!((v.val("w"), v.val("w2")), (Some("1"), Some("2")));
        assert_eq!(eval(b"x=y=1", &mut v), Ok(1));
    }

    #[test]
    fn increments() {
        let mut v = Vars::default();
        assert_eq!(eval(b"i++", &mut v), Ok(0));
        assert_eq!(v.val("i"), Some("1"));
        assert_eq!(eval(b"++i", &mut v), Ok(2));
        assert_eq!(eval(b"i--", &mut v), Ok(2));
        assert_eq!(eval(b"--i", &mut v), Ok(0));
        assert_eq!(eval(b"a = 5, a++ + ++a", &mut v), Ok(12));
        assert_eq!(eval(b"j = 1, j+++j", &mut v), Ok(3));
        assert_eq!(eval(b"0 && k++", &mut v), Ok(0));
        assert_eq!(v.val("k"), None);
        assert_eq!(eval(b"- -i", &mut v), Ok(0));
        assert_eq!(eval(b"-- i", &mut v), Ok(-1));
    }

    #[test]
    fn readonly_errors_pass_through() {
        let mut v = Vars::with(&[("r", "1")]);
        v.readonly.push(b"r".to_vec());
        for e in ["r = 2", "r += 1", "r++", "--r"] {
            assert_eq!(
                eval(e.as_bytes(), &mut v).map_err(|e| e.message),
                Err("r: readonly variable".to_string()),
            );
        }
        assert_eq!(v.val("r"), Some("1"));
        assert_eq!(eval(b"0 && (r = 2)", &mut v), Ok(0));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "(".repeat(100_000) + "1" + &")".repeat(100_000);
        assert!(ev(&deep).is_err());
        let ok_depth = "(".repeat(50) + "1" + &")".repeat(50);
        assert_eq!(ok(&ok_depth), 1);
        assert!(ev(&"-".repeat(100_000)).is_err());
        assert!(ev(&"! ".repeat(100_000)).is_err());
        assert!(ev(&("a=".repeat(100_000) + "1")).is_err());
        assert!(ev(&("1?".repeat(100_000) + "1")).is_err());
        assert!(ev(&("0?1:".repeat(100_000) + "1")).is_err());
    }

    #[test]
    fn display() {
        let e = ArithError {
            message: "division by zero".into(),
        };
        assert_eq!(e.to_string(), "division by zero");
    }

    /// Compare with bash on a batch of expressions, when bash is here.
    #[test]
    fn agrees_with_bash() {
        if !std::path::Path::new("/usr/bin/bash").exists() {
            return;
        }
        let exprs = [
            "1+2*3-4/2%3",
            "(7^5)|(3&6)<<2",
            "-5>>1",
            "!(3>2)||~4",
            "100/7*7+100%7",
            "0x7fffffffffffffff*3",
            "1<2<3",
            "5-3-1",
            "2*-3",
            "1?2?3:4:5",
            "017+0xa+2#11",
            "1<<63>>63",
            "-1>>70",
            "-7%-3",
            "1&&0||1",
            "3,4,5",
            "--5",
            "-~5",
            "~-5",
        ];
        let mut script = String::new();
        for e in exprs {
            script.push_str(&format!("echo $(({e}))\n"));
        }
        let Ok(out) = std::process::Command::new("/usr/bin/bash")
            .arg("-c")
            .arg(&script)
            .output()
        else {
            return;
        };
        let text = String::from_utf8_lossy(&out.stdout);
        for (e, line) in exprs.iter().zip(text.lines()) {
            assert_eq!(ok(e).to_string(), line, "{e}");
        }
    }

    proptest::proptest! {
        #[test]
        fn never_panics(expr in "[-+*/%<>=!~&|^?:,() 0-9xyab#]{0,24}") {
            let mut v = Vars::with(&[("x", "3"), ("y", "x+1"), ("a", "b"), ("b", "a")]);
            let _ = eval(expr.as_bytes(), &mut v);
        }

        #[test]
        fn sums_like_i64(a in proptest::num::i64::ANY, b in proptest::num::i64::ANY) {
            let e = format!("{a} + {b} * 3 - ({a} ^ {b})");
            let want = a.wrapping_add(b.wrapping_mul(3)).wrapping_sub(a ^ b);
            proptest::prop_assert_eq!(ev(&e), Ok(want));
        }
    }
}
