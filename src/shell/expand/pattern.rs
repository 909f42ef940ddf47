//! Shell pattern matching notation (XCU 2.14) over bytes: `case`, `${x#p}` and friends, pathname expansion.
//!
//! A pattern arrives as bytes in which a backslash escapes the next byte (the
//! expander writes quoted characters as `\c`). It is compiled once into a
//! sequence of single-byte matchers and stars, plus a *shape* that lets the
//! common forms — a literal, `prefix*`, `*suffix`, `*infix*` — be matched with
//! plain byte comparisons. Everything else uses the classic greedy-star
//! algorithm with a single backtrack point, which is O(len(pattern) ×
//! len(string)) in the worst case and never exponential.
//!
//! Semantics are byte-wise, as in the C locale: a range `[a-z]` compares byte
//! values and the character classes are the ASCII ones.

/// One element of a compiled pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Token {
    /// Exactly this byte.
    Byte(u8),
    /// `?`: any one byte.
    Any,
    /// `*`: any run of bytes, including none.
    Star,
    /// A bracket expression: index into [`Pattern::sets`].
    Set(u32),
}

/// A 256-bit set of bytes, the compiled form of a bracket expression.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct ByteSet([u64; 4]);

impl ByteSet {
    fn insert(&mut self, b: u8) {
        self.0[usize::from(b >> 6)] |= 1 << (b & 63);
    }

    fn insert_range(&mut self, lo: u8, hi: u8) {
        for b in lo..=hi {
            self.insert(b);
        }
    }

    fn contains(&self, b: u8) -> bool {
        self.0[usize::from(b >> 6)] & (1 << (b & 63)) != 0
    }

    fn invert(&mut self) {
        for w in &mut self.0 {
            *w = !*w;
        }
    }
}

/// The overall form of a pattern, for the fast paths.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    /// No wildcard at all: the pattern is `Pattern::lit`.
    Literal,
    /// `lit*`.
    Prefix,
    /// `*lit`.
    Suffix,
    /// `*lit*` (with `lit` possibly empty, i.e. just `*`).
    Infix,
    /// Anything else.
    General,
}

/// A compiled shell pattern.
#[derive(Clone, Debug)]
pub struct Pattern {
    tokens: Vec<Token>,
    sets: Vec<ByteSet>,
    shape: Shape,
    /// The literal bytes of the shapes other than `General`.
    lit: Vec<u8>,
    /// Number of tokens that are not stars: the shortest matchable length.
    min_len: usize,
    has_star: bool,
}

impl Pattern {
    /// Compiles `pat`. Never fails: a `[` that does not open a valid
    /// bracket expression is an ordinary character, and a trailing lone
    /// backslash stands for itself.
    pub fn new(pat: &[u8]) -> Pattern {
        let mut tokens = Vec::with_capacity(pat.len());
        let mut sets = Vec::new();
        let mut i = 0;
        while i < pat.len() {
            match pat[i] {
                b'\\' => {
                    let b = pat.get(i + 1).copied().unwrap_or(b'\\');
                    tokens.push(Token::Byte(b));
                    i += 2;
                }
                b'*' => {
                    if tokens.last() != Some(&Token::Star) {
                        tokens.push(Token::Star);
                    }
                    i += 1;
                }
                b'?' => {
                    tokens.push(Token::Any);
                    i += 1;
                }
                b'[' => match parse_bracket(pat, i + 1) {
                    Some((set, next)) => {
                        let idx = u32::try_from(sets.len()).unwrap_or(u32::MAX);
                        sets.push(set);
                        tokens.push(Token::Set(idx));
                        i = next;
                    }
                    None => {
                        tokens.push(Token::Byte(b'['));
                        i += 1;
                    }
                },
                b => {
                    tokens.push(Token::Byte(b));
                    i += 1;
                }
            }
        }
        let min_len = tokens.iter().filter(|t| **t != Token::Star).count();
        let has_star = min_len != tokens.len();
        let (shape, lit) = classify(&tokens);
        Pattern {
            tokens,
            sets,
            shape,
            lit,
            min_len,
            has_star,
        }
    }

    /// Whether the whole of `s` matches the pattern.
    pub fn matches(&self, s: &[u8]) -> bool {
        match self.shape {
            Shape::Literal => s == self.lit.as_slice(),
            Shape::Prefix => s.starts_with(&self.lit),
            Shape::Suffix => s.ends_with(&self.lit),
            Shape::Infix => find(s, &self.lit).is_some(),
            Shape::General => self.matches_general(&self.tokens, s),
        }
    }

    /// Length of the shortest (or, with `longest`, the longest) prefix of
    /// `s` that matches the pattern, as `${x#p}` and `${x##p}` need.
    pub fn match_prefix(&self, s: &[u8], longest: bool) -> Option<usize> {
        let lit = self.lit.as_slice();
        match self.shape {
            Shape::Literal => s.starts_with(lit).then_some(lit.len()),
            Shape::Prefix => {
                s.starts_with(lit)
                    .then_some(if longest { s.len() } else { lit.len() })
            }
            Shape::Suffix => {
                let at = if longest { rfind(s, lit) } else { find(s, lit) };
                at.map(|at| at + lit.len())
            }
            Shape::Infix => {
                if longest {
                    find(s, lit).map(|_| s.len())
                } else {
                    find(s, lit).map(|at| at + lit.len())
                }
            }
            Shape::General => {
                if s.len() < self.min_len {
                    return None;
                }
                if !self.has_star {
                    let n = self.min_len;
                    return self.matches_general(&self.tokens, &s[..n]).then_some(n);
                }
                // With a trailing star, any extension of a matching prefix
                // matches too, so the longest is all of `s` or nothing.
                if longest && self.tokens.last() == Some(&Token::Star) {
                    return self.matches_general(&self.tokens, s).then_some(s.len());
                }
                let ok = |n: &usize| self.matches_general(&self.tokens, &s[..*n]);
                if longest {
                    (self.min_len..=s.len()).rev().find(ok)
                } else {
                    (self.min_len..=s.len()).find(ok)
                }
            }
        }
    }

    /// Start index of the shortest (or, with `longest`, the longest) suffix
    /// of `s` that matches the pattern, as `${x%p}` and `${x%%p}` need.
    pub fn match_suffix(&self, s: &[u8], longest: bool) -> Option<usize> {
        let lit = self.lit.as_slice();
        match self.shape {
            Shape::Literal => s.ends_with(lit).then(|| s.len() - lit.len()),
            Shape::Prefix => {
                if longest {
                    find(s, lit)
                } else {
                    rfind(s, lit)
                }
            }
            Shape::Suffix => s
                .ends_with(lit)
                .then(|| if longest { 0 } else { s.len() - lit.len() }),
            Shape::Infix => {
                if longest {
                    rfind(s, lit).map(|_| 0)
                } else {
                    rfind(s, lit)
                }
            }
            Shape::General => {
                if s.len() < self.min_len {
                    return None;
                }
                let last = s.len() - self.min_len;
                if !self.has_star {
                    return self
                        .matches_general(&self.tokens, &s[last..])
                        .then_some(last);
                }
                // With a leading star, a matching suffix stays matching when
                // it grows to the left, so the longest is all of `s` or nothing.
                if longest && self.tokens.first() == Some(&Token::Star) {
                    return self.matches_general(&self.tokens, s).then_some(0);
                }
                let ok = |i: &usize| self.matches_general(&self.tokens, &s[*i..]);
                if longest {
                    (0..=last).find(ok)
                } else {
                    (0..=last).rev().find(ok)
                }
            }
        }
    }

    /// Whether the pattern has no wildcard: no unescaped `*`, `?` or valid
    /// bracket expression. Then [`Pattern::literal`] gives its text.
    pub fn is_literal(&self) -> bool {
        self.shape == Shape::Literal
    }

    /// The unescaped text of a literal pattern, `None` if it has wildcards.
    pub fn literal(&self) -> Option<Vec<u8>> {
        self.is_literal().then(|| self.lit.clone())
    }

    /// Matching for pathname expansion (XCU 2.14.3): like
    /// [`Pattern::matches`], but a `/` in `s` is matched only by a `/` in the
    /// pattern, never by `*`, `?` or a bracket expression, and a `.` at the
    /// start of `s` or just after a `/` must be matched by a literal `.`.
    pub fn matches_filename(&self, s: &[u8]) -> bool {
        let mut toks = self.tokens.split(|t| *t == Token::Byte(b'/'));
        let mut parts = s.split(|b| *b == b'/');
        loop {
            match (toks.next(), parts.next()) {
                (None, None) => return true,
                (Some(t), Some(p)) => {
                    if p.first() == Some(&b'.') && t.first() != Some(&Token::Byte(b'.')) {
                        return false;
                    }
                    if !self.matches_general(t, p) {
                        return false;
                    }
                }
                _ => return false,
            }
        }
    }

    /// Does `t` (one non-star token) match byte `b`?
    fn one(&self, t: Token, b: u8) -> bool {
        match t {
            Token::Byte(c) => c == b,
            Token::Any => true,
            Token::Set(i) => self.sets.get(i as usize).is_some_and(|set| set.contains(b)),
            Token::Star => false,
        }
    }

    /// Whole-string match of `toks` against `s`: greedy stars with a single
    /// backtrack point. Only the most recent star ever needs to grow,
    /// because every other token matches exactly one byte: whatever an
    /// earlier star could absorb, the later one can absorb instead.
    fn matches_general(&self, toks: &[Token], s: &[u8]) -> bool {
        let (mut p, mut i) = (0, 0);
        let mut star: Option<(usize, usize)> = None;
        loop {
            if let Some(&t) = toks.get(p) {
                if t == Token::Star {
                    // A tail without further stars matches only at one place.
                    let rest = &toks[p + 1..];
                    if !rest.contains(&Token::Star) {
                        return s.len() >= i + rest.len()
                            && self.matches_fixed(rest, &s[s.len() - rest.len()..]);
                    }
                    star = Some((p + 1, i));
                    p += 1;
                    continue;
                }
                if let Some(&b) = s.get(i) {
                    if self.one(t, b) {
                        p += 1;
                        i += 1;
                        continue;
                    }
                }
            } else if i == s.len() {
                return true;
            }
            match star {
                Some((sp, si)) if si < s.len() => {
                    star = Some((sp, si + 1));
                    p = sp;
                    i = si + 1;
                }
                _ => return false,
            }
        }
    }

    /// Match star-free `toks` against `s` of the same length.
    fn matches_fixed(&self, toks: &[Token], s: &[u8]) -> bool {
        toks.len() == s.len() && toks.iter().zip(s).all(|(&t, &b)| self.one(t, b))
    }
}

/// Recognizes the fast-path shapes; returns the shape and its literal bytes.
fn classify(tokens: &[Token]) -> (Shape, Vec<u8>) {
    let bytes = |ts: &[Token]| -> Option<Vec<u8>> {
        ts.iter()
            .map(|t| match t {
                Token::Byte(b) => Some(*b),
                _ => None,
            })
            .collect()
    };
    let general = (Shape::General, Vec::new());
    let star_first = tokens.first() == Some(&Token::Star);
    let star_last = tokens.len() > usize::from(star_first) && tokens.last() == Some(&Token::Star);
    let inner = &tokens[usize::from(star_first)..tokens.len() - usize::from(star_last)];
    let Some(lit) = bytes(inner) else {
        return general;
    };
    let shape = match (star_first, star_last) {
        (false, false) => Shape::Literal,
        (false, true) => Shape::Prefix,
        (true, false) if lit.is_empty() => Shape::Infix,
        (true, false) => Shape::Suffix,
        (true, true) => Shape::Infix,
    };
    (shape, lit)
}

/// Parses a bracket expression whose `[` is just before `start`. Returns
/// the set and the index after the closing `]`, or `None` when there is no
/// closing `]` (then the `[` is an ordinary character).
fn parse_bracket(pat: &[u8], start: usize) -> Option<(ByteSet, usize)> {
    let mut set = ByteSet::default();
    let mut i = start;
    let negate = matches!(pat.get(i), Some(b'!' | b'^'));
    if negate {
        i += 1;
    }
    let mut first = true;
    loop {
        let c = *pat.get(i)?;
        if c == b']' && !first {
            i += 1;
            break;
        }
        first = false;
        // A character class, or a collating symbol / equivalence class
        // naming a single byte (bytes are their own collating elements).
        if c == b'[' {
            if let Some(&delim @ (b':' | b'.' | b'=')) = pat.get(i + 1) {
                if let Some(len) = find(&pat[i + 2..], &[delim, b']']) {
                    let name = &pat[i + 2..i + 2 + len];
                    let after = i + 2 + len + 2;
                    if delim == b':' {
                        // An unknown class name matches nothing, as in bash.
                        add_class(&mut set, name);
                        i = after;
                        continue;
                    }
                    if let [b] = name {
                        i = after;
                        if let Some(next) = range_end(pat, i) {
                            set.insert_range(*b, next.0);
                            i = next.1;
                        } else {
                            set.insert(*b);
                        }
                        continue;
                    }
                }
            }
        }
        let (lo, next) = bracket_byte(pat, i)?;
        i = next;
        if let Some((hi, next)) = range_end(pat, i) {
            set.insert_range(lo, hi);
            i = next;
        } else {
            set.insert(lo);
        }
    }
    if negate {
        set.invert();
    }
    Some((set, i))
}

/// One possibly escaped byte inside a bracket at `i`, and the index after it.
fn bracket_byte(pat: &[u8], i: usize) -> Option<(u8, usize)> {
    match *pat.get(i)? {
        b'\\' => pat.get(i + 1).map(|&b| (b, i + 2)),
        b => Some((b, i + 1)),
    }
}

/// If `pat[i..]` is `-x` closing a range (and not `-]`), the range end `x`
/// and the index after it. An empty range (end below start) matches nothing.
fn range_end(pat: &[u8], i: usize) -> Option<(u8, usize)> {
    if pat.get(i) != Some(&b'-') || matches!(pat.get(i + 1), None | Some(b']')) {
        return None;
    }
    if pat.get(i + 1) == Some(&b'[') && matches!(pat.get(i + 2), Some(b'.' | b'=')) {
        let delim = pat[i + 2];
        if let (Some(&b), Some(&d), Some(&b']')) = (pat.get(i + 3), pat.get(i + 4), pat.get(i + 5))
        {
            if d == delim {
                return Some((b, i + 6));
            }
        }
    }
    bracket_byte(pat, i + 1)
}

/// Adds the ASCII members of character class `name` to `set`.
fn add_class(set: &mut ByteSet, name: &[u8]) {
    let pred: fn(u8) -> bool = match name {
        b"alnum" => |b| b.is_ascii_alphanumeric(),
        b"alpha" => |b| b.is_ascii_alphabetic(),
        b"blank" => |b| b == b' ' || b == b'\t',
        b"cntrl" => |b| b.is_ascii_control(),
        b"digit" => |b| b.is_ascii_digit(),
        b"graph" => |b| b.is_ascii_graphic(),
        b"lower" => |b| b.is_ascii_lowercase(),
        b"print" => |b| b.is_ascii_graphic() || b == b' ',
        b"punct" => |b| b.is_ascii_punctuation(),
        b"space" => |b| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c),
        b"upper" => |b| b.is_ascii_uppercase(),
        b"xdigit" => |b| b.is_ascii_hexdigit(),
        _ => return,
    };
    for b in 0..=255u8 {
        if pred(b) {
            set.insert(b);
        }
    }
}

/// Index of the first occurrence of `needle` in `hay`.
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let Some((&first, rest)) = needle.split_first() else {
        return Some(0);
    };
    let last_start = hay.len().checked_sub(needle.len())?;
    let mut i = 0;
    while i <= last_start {
        let at = i + hay[i..=last_start].iter().position(|&b| b == first)?;
        if hay[at + 1..at + needle.len()] == *rest {
            return Some(at);
        }
        i = at + 1;
    }
    None
}

/// Index of the last occurrence of `needle` in `hay`.
fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let last_start = hay.len().checked_sub(needle.len())?;
    (0..=last_start)
        .rev()
        .find(|&i| hay[i..].starts_with(needle))
}

/// True if `pat` has an unescaped `*`, `?` or `[`: a cheap test before
/// attempting pathname expansion.
pub fn has_meta(pat: &[u8]) -> bool {
    let mut i = 0;
    while i < pat.len() {
        match pat[i] {
            b'\\' => i += 2,
            b'*' | b'?' => return true,
            // A `[` is special only if a `]` can close it (so `[` alone,
            // the test utility, never costs a directory read).
            b'[' if pat[i + 1..].iter().skip(1).any(|&c| c == b']') => return true,
            _ => i += 1,
        }
    }
    false
}

/// Removes the backslash escapes: `\c` becomes `c` (a trailing lone
/// backslash stays).
pub fn unescape(pat: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(pat.len());
    let mut i = 0;
    while i < pat.len() {
        if pat[i] == b'\\' && i + 1 < pat.len() {
            i += 1;
        }
        out.push(pat[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn m(p: &str, s: &str) -> bool {
        Pattern::new(p.as_bytes()).matches(s.as_bytes())
    }

    #[test]
    fn literals() {
        assert!(m("", ""));
        assert!(!m("", "a"));
        assert!(m("abc", "abc"));
        assert!(!m("abc", "abd"));
        assert!(!m("abc", "ab"));
        assert!(m(r"a\*c", "a*c"));
        assert!(!m(r"a\*c", "abc"));
        assert!(m(r"\[x]", "[x]"));
        assert!(m("\\", "\\"));
        assert!(m(r"\\", "\\"));
        let p = Pattern::new(br"a\?b");
        assert!(p.is_literal());
        assert_eq!(p.literal(), Some(b"a?b".to_vec()));
        assert!(!Pattern::new(b"a?b").is_literal());
        assert_eq!(Pattern::new(b"a?b").literal(), None);
        assert!(Pattern::new(b"a[b").is_literal());
        assert_eq!(Pattern::new(b"a[b").literal(), Some(b"a[b".to_vec()));
    }

    #[test]
    fn stars_and_questions() {
        assert!(m("*", ""));
        assert!(m("*", "anything"));
        assert!(m("**", "x"));
        assert!(m("a*", "a"));
        assert!(m("a*", "abc"));
        assert!(!m("a*", "ba"));
        assert!(m("*c", "abc"));
        assert!(!m("*c", "abcd"));
        assert!(m("*b*", "abc"));
        assert!(!m("*x*", "abc"));
        assert!(m("a*b*c", "aXbYc"));
        assert!(m("a*b*c", "abc"));
        assert!(!m("a*b*c", "acb"));
        assert!(m("?", "x"));
        assert!(!m("?", ""));
        assert!(!m("?", "xy"));
        assert!(m("??*", "xy"));
        assert!(!m("??*", "x"));
        assert!(m("*?", "x"));
        assert!(m("a*a*a*a*a*a*b", &("a".repeat(40) + "b")));
        assert!(!m("*a*a*a*a*a*a*b", &"a".repeat(5000)));
        assert!(m("*.c", "foo.c"));
        assert!(m("*.tar.*", "x.tar.gz"));
    }

    #[test]
    fn brackets() {
        assert!(m("[abc]", "b"));
        assert!(!m("[abc]", "d"));
        assert!(m("[a-z]", "m"));
        assert!(!m("[a-z]", "M"));
        assert!(m("[!a-z]", "M"));
        assert!(m("[^a-z]", "M"));
        assert!(!m("[!a-z]", "q"));
        assert!(m("[]a]", "]"));
        assert!(m("[]a]", "a"));
        assert!(m("[!]a]", "b"));
        assert!(!m("[!]a]", "]"));
        assert!(m("[a-]", "-"));
        assert!(m("[-a]", "-"));
        assert!(m("[%--]", ","));
        assert!(!m("[z-a]", "m"));
        assert!(m(r"[\]]", "]"));
        assert!(m(r"[a\-z]", "-"));
        assert!(!m(r"[a\-z]", "m"));
        assert!(m(r"[\\]", "\\"));
        assert!(m("[", "["));
        assert!(m("[]", "[]"));
        assert!(m("[!]", "[!]"));
        assert!(m("a[", "a["));
        assert!(m("[[]", "["));
        assert!(m("[*]", "*"));
        assert!(!m("[*]", "a"));
        assert!(m("x[ab", "x[ab"));
    }

    #[test]
    fn classes() {
        assert!(m("[[:alpha:]]", "q"));
        assert!(!m("[[:alpha:]]", "1"));
        assert!(m("[[:digit:]]*", "42x"));
        assert!(m("[a[:digit:]]", "5"));
        assert!(m("[a[:digit:]]", "a"));
        assert!(m("[![:space:]]", "x"));
        assert!(!m("[![:space:]]", "\t"));
        assert!(m("[[:alpha:]-z]", "-"));
        assert!(!m("[[:foo:]]", "f"));
        assert!(!m("[[:foo:]]", ":"));
        // `[[:alpha:]` has no closing bracket after the class.
        assert!(m("[[:alpha:]", "[a"));
        assert!(m("[[.a.]]", "a"));
        assert!(m("[[=a=]]", "a"));
        assert!(m("[[.a.]-c]", "b"));
        for (class, yes, no) in [
            ("alnum", "a0Z", "-_ "),
            ("blank", " \t", "\nx"),
            ("cntrl", "\x01\x7f", "a "),
            ("graph", "!~a", " \x7f"),
            ("lower", "az", "AZ"),
            ("print", " ~", "\x7f\t"),
            ("punct", "!/:@[`{~", "a0 "),
            ("space", " \t\n\r\x0b\x0c", "a"),
            ("upper", "AZ", "az"),
            ("xdigit", "09afAF", "gG"),
        ] {
            let p = Pattern::new(format!("[[:{class}:]]").as_bytes());
            for b in yes.bytes() {
                assert!(p.matches(&[b]), "{class} {b}");
            }
            for b in no.bytes() {
                assert!(!p.matches(&[b]), "{class} !{b}");
            }
        }
    }

    #[test]
    fn high_bytes() {
        let p = Pattern::new(b"[\x80-\xff]*");
        assert!(p.matches(b"\xe9t\xe9"));
        assert!(!p.matches(b"e"));
        assert!(Pattern::new(b"?").matches(b"\xff"));
    }

    #[test]
    fn prefixes() {
        let p = |pat: &str, s: &str, l: bool| {
            Pattern::new(pat.as_bytes()).match_prefix(s.as_bytes(), l)
        };
        assert_eq!(p("*/", "a/b/c", false), Some(2));
        assert_eq!(p("*/", "a/b/c", true), Some(4));
        assert_eq!(p("*/", "abc", true), None);
        assert_eq!(p("a", "abc", true), Some(1));
        assert_eq!(p("b", "abc", true), None);
        assert_eq!(p("a*", "abc", false), Some(1));
        assert_eq!(p("a*", "abc", true), Some(3));
        assert_eq!(p("*", "abc", false), Some(0));
        assert_eq!(p("*", "abc", true), Some(3));
        assert_eq!(p("*b*", "abcb", false), Some(2));
        assert_eq!(p("*b*", "abcb", true), Some(4));
        assert_eq!(p("?", "abc", true), Some(1));
        assert_eq!(p("?", "", true), None);
        assert_eq!(p("[ab]*c", "abcbc", false), Some(3));
        assert_eq!(p("[ab]*c", "abcbc", true), Some(5));
        assert_eq!(p("[ab]*", "abcbc", true), Some(5));
        assert_eq!(p("", "abc", true), Some(0));
    }

    #[test]
    fn suffixes() {
        let p = |pat: &str, s: &str, l: bool| {
            Pattern::new(pat.as_bytes()).match_suffix(s.as_bytes(), l)
        };
        assert_eq!(p(".*", "a.tar.gz", false), Some(5));
        assert_eq!(p(".*", "a.tar.gz", true), Some(1));
        assert_eq!(p(".*", "abc", true), None);
        assert_eq!(p("/*", "/usr/bin", false), Some(4));
        assert_eq!(p("gz", "a.gz", false), Some(2));
        assert_eq!(p("*z", "a.gz", false), Some(3));
        assert_eq!(p("*z", "a.gz", true), Some(0));
        assert_eq!(p("*", "abc", false), Some(3));
        assert_eq!(p("*", "abc", true), Some(0));
        assert_eq!(p("*b*", "abcb", false), Some(3));
        assert_eq!(p("*b*", "abcb", true), Some(0));
        assert_eq!(p("[0-9]", "ab1", false), Some(2));
        assert_eq!(p("[0-9]*", "a1b2c", false), Some(3));
        assert_eq!(p("[0-9]*", "a1b2c", true), Some(1));
        assert_eq!(p("*[0-9]", "a1b2", true), Some(0));
        assert_eq!(p("", "abc", true), Some(3));
    }

    #[test]
    fn filenames() {
        let f = |pat: &str, s: &str| Pattern::new(pat.as_bytes()).matches_filename(s.as_bytes());
        assert!(f("*", "foo"));
        assert!(!f("*", ".foo"));
        assert!(!f("?foo", ".foo"));
        assert!(!f("[.]foo", ".foo"));
        assert!(f(".*", ".foo"));
        assert!(f(r"\.*", ".foo"));
        assert!(f("*.c", "a.c"));
        assert!(!f("*", "a/b"));
        assert!(f("*/*", "a/b"));
        assert!(!f("*/*", "a/.b"));
        assert!(f("*/.*", "a/.b"));
        assert!(!f("a?b", "a/b"));
        assert!(!f("a[/]b", "a/b"));
        assert!(f("a/b", "a/b"));
        assert!(f("f*o", "foo"));
    }

    #[test]
    fn meta_and_unescape() {
        assert!(has_meta(b"a*"));
        assert!(has_meta(b"a?"));
        assert!(has_meta(b"a[bc]"));
        // An unclosed `[` is literal: no directory read for `[` or `a[`.
        assert!(!has_meta(b"a["));
        assert!(!has_meta(b"["));
        assert!(!has_meta(b"[]"));
        assert!(!has_meta(br"a\*\?\["));
        assert!(!has_meta(b"abc"));
        assert!(!has_meta(b"a\\"));
        assert_eq!(unescape(br"a\*b\\c\"), b"a*b\\c\\");
        assert_eq!(unescape(b""), b"");
    }

    #[test]
    fn no_blowup() {
        let s = "a".repeat(20_000);
        let p = Pattern::new(b"*a*a*a*a*a*a*a*a*a*b");
        assert!(!p.matches(s.as_bytes()));
        assert_eq!(p.match_prefix(s.as_bytes(), true), None);
    }

    /// Compare with dash on a batch of `case` patterns, when dash is here.
    #[test]
    fn agrees_with_dash() {
        if !std::path::Path::new("/usr/bin/dash").exists() {
            return;
        }
        let pats = [
            "[]a]",
            "[!]a]",
            "[a-]",
            "[z-a]",
            r"[\]]",
            r"[a\-z]",
            "[[]",
            "[",
            "[!]",
            "a*b?c",
            "[[:alpha:]-z]",
            "[a[:digit:]]",
            "[%--]",
            "*[ab]",
            "[!a-c]*",
            "[*?]",
        ];
        let subjects = [
            "a", "b", "-", "]", "[", "z", "m", "5", ",", "[!]", "axbyc", "*", "?", "cab",
        ];
        let mut script = String::new();
        for p in pats {
            for s in subjects {
                script.push_str(&format!("case '{s}' in {p}) echo 1;; *) echo 0;; esac\n",));
            }
        }
        let Ok(out) = std::process::Command::new("/usr/bin/dash")
            .arg("-c")
            .arg(&script)
            .output()
        else {
            return;
        };
        let mut lines = out.stdout.split(|b| *b == b'\n');
        for p in pats {
            for s in subjects {
                let want = lines.next() == Some(b"1");
                assert_eq!(m(p, s), want, "pattern {p:?} subject {s:?}");
            }
        }
    }

    /// A straightforward recursive matcher over the raw pattern text, for
    /// the property tests (no character classes).
    fn reference(p: &[u8], s: &[u8]) -> bool {
        match p.first() {
            None => s.is_empty(),
            Some(b'*') => (0..=s.len()).any(|k| reference(&p[1..], &s[k..])),
            Some(b'?') => !s.is_empty() && reference(&p[1..], &s[1..]),
            Some(b'\\') => {
                let (c, rest) = match p.get(1) {
                    Some(&c) => (c, &p[2..]),
                    None => (b'\\', &p[1..]),
                };
                s.first() == Some(&c) && reference(rest, &s[1..])
            }
            Some(b'[') => match reference_bracket(&p[1..]) {
                Some((members, neg, rest)) => match s.first() {
                    Some(c) => members.contains(c) != neg && reference(rest, &s[1..]),
                    None => false,
                },
                None => s.first() == Some(&b'[') && reference(&p[1..], &s[1..]),
            },
            Some(&c) => s.first() == Some(&c) && reference(&p[1..], &s[1..]),
        }
    }

    fn reference_bracket(p: &[u8]) -> Option<(Vec<u8>, bool, &[u8])> {
        let neg = matches!(p.first(), Some(b'!' | b'^'));
        let mut i = usize::from(neg);
        let mut items = Vec::new();
        let start = i;
        loop {
            let c = *p.get(i)?;
            if c == b']' && i > start {
                i += 1;
                break;
            }
            if c == b'\\' {
                items.push(*p.get(i + 1)?);
                i += 2;
            } else {
                items.push(c);
                i += 1;
            }
            // Ranges: `x-y` where y is not `]`.
            if p.get(i) == Some(&b'-') && !matches!(p.get(i + 1), None | Some(b']')) {
                let lo = items.pop()?;
                let (hi, n) = if p[i + 1] == b'\\' {
                    (*p.get(i + 2)?, 3)
                } else {
                    (p[i + 1], 2)
                };
                items.extend(lo..=hi);
                i += n;
            }
        }
        Some((items, neg, &p[i..]))
    }

    fn pattern_strategy() -> impl Strategy<Value = Vec<u8>> {
        proptest::collection::vec(
            prop_oneof![
                Just(b'a'),
                Just(b'b'),
                Just(b'c'),
                Just(b'*'),
                Just(b'?'),
                Just(b'['),
                Just(b']'),
                Just(b'!'),
                Just(b'-'),
                Just(b'\\'),
            ],
            0..10,
        )
    }

    fn subject_strategy() -> impl Strategy<Value = Vec<u8>> {
        proptest::collection::vec(
            prop_oneof![
                Just(b'a'),
                Just(b'b'),
                Just(b'c'),
                Just(b'-'),
                Just(b']'),
                Just(b'['),
                Just(b'*')
            ],
            0..10,
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn matches_like_reference(p in pattern_strategy(), s in subject_strategy()) {
            prop_assert_eq!(Pattern::new(&p).matches(&s), reference(&p, &s));
        }

        #[test]
        fn prefix_and_suffix_like_reference(p in pattern_strategy(), s in subject_strategy()) {
            let pat = Pattern::new(&p);
            let n = s.len();
            let prefixes: Vec<usize> = (0..=n).filter(|&k| reference(&p, &s[..k])).collect();
            prop_assert_eq!(pat.match_prefix(&s, false), prefixes.first().copied());
            prop_assert_eq!(pat.match_prefix(&s, true), prefixes.last().copied());
            let suffixes: Vec<usize> = (0..=n).filter(|&k| reference(&p, &s[k..])).collect();
            prop_assert_eq!(pat.match_suffix(&s, false), suffixes.last().copied());
            prop_assert_eq!(pat.match_suffix(&s, true), suffixes.first().copied());
        }

        #[test]
        fn literal_iff_no_wildcards(p in pattern_strategy()) {
            let pat = Pattern::new(&p);
            if let Some(lit) = pat.literal() {
                prop_assert!(pat.matches(&lit));
                prop_assert_eq!(lit, unescape(&p));
            }
        }
    }
}
