//! Shell pattern matching notation (XCU 2.14): `case`, `${x#p}` and friends, pathname expansion.
//!
//! A pattern arrives as bytes in which a backslash escapes the next
//! character (the expander writes quoted characters as `\c`). It is
//! compiled once into a sequence of one-character matchers and stars, plus
//! a *shape* that lets the common forms — a literal, `prefix*`, `*suffix`,
//! `*infix*` — be matched with plain byte comparisons. Everything else uses
//! the classic greedy-star algorithm with a single backtrack point, which
//! is O(len(pattern) × len(string)) in the worst case and never exponential.
//!
//! What a character is depends on the locale ([`Charset`]). In the C
//! locale every byte is one: a range `[a-z]` compares byte values and the
//! character classes are the ASCII ones. In a UTF-8 locale a multibyte
//! sequence is one character, as in bash: `?` and bracket expressions match
//! it whole, ranges compare code points, classes know non-ASCII letters,
//! and `*` never ends inside one. A byte that is not part of a valid
//! sequence is a character of its own (bash instead matches the whole
//! string byte-wise then, which can cut a valid character in two). A
//! subject that is all ASCII takes the byte path in either locale, since
//! there every byte is a character.

/// How bytes make characters, as far as matching cares: the codeset of the
/// locale's LC_CTYPE.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Charset {
    /// Every byte is a character: the C and POSIX locales.
    Bytes,
    /// A valid UTF-8 sequence is one character; any other byte is one too.
    Utf8,
}

/// The number a UTF-8 subject gives a byte that starts no valid sequence:
/// `RAW + byte`, above every code point, so it equals only that same byte.
const RAW: u32 = 0x11_0000;

/// One element of a compiled pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Token {
    /// Exactly this byte (in a UTF-8 pattern, this ASCII character).
    Byte(u8),
    /// Exactly this non-ASCII character of a UTF-8 pattern: a code point,
    /// or [`RAW`] plus a stray byte.
    Char(u32),
    /// `?`: any one character.
    Any,
    /// `*`: any run of characters, including none.
    Star,
    /// A bracket expression: index into [`Pattern::sets`].
    Set(u32),
}

impl Token {
    /// The token matching exactly character `c` of a pattern in `charset`.
    fn literal(c: u32, charset: Charset) -> Token {
        match u8::try_from(c) {
            Ok(b) if charset == Charset::Bytes || b.is_ascii() => Token::Byte(b),
            _ => Token::Char(c),
        }
    }
}

/// A 256-bit set of bytes, the compiled form of a bracket expression (in a
/// UTF-8 pattern, only its ASCII half is used).
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

/// A compiled bracket expression.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Set {
    /// Every member in the C locale; the ASCII members in UTF-8.
    bytes: ByteSet,
    /// The non-ASCII members in UTF-8 (empty in the C locale).
    wide: WideSet,
}

/// The non-ASCII part of a bracket expression in a UTF-8 pattern.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct WideSet {
    /// Inclusive ranges of characters (numbered as in [`Token::Char`]).
    ranges: Vec<(u32, u32)>,
    classes: Vec<Class>,
    negate: bool,
}

impl WideSet {
    /// Membership of non-ASCII character `c`.
    fn contains(&self, c: u32) -> bool {
        let member = self.ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi)
            || char::from_u32(c).is_some_and(|c| self.classes.iter().any(|k| k.has_wide(c)));
        member != self.negate
    }
}

/// A character class of a bracket expression (`[:alpha:]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    Alnum,
    Alpha,
    Blank,
    Cntrl,
    Digit,
    Graph,
    Lower,
    Print,
    Punct,
    Space,
    Upper,
    Xdigit,
}

impl Class {
    fn named(name: &[u8]) -> Option<Class> {
        Some(match name {
            b"alnum" => Class::Alnum,
            b"alpha" => Class::Alpha,
            b"blank" => Class::Blank,
            b"cntrl" => Class::Cntrl,
            b"digit" => Class::Digit,
            b"graph" => Class::Graph,
            b"lower" => Class::Lower,
            b"print" => Class::Print,
            b"punct" => Class::Punct,
            b"space" => Class::Space,
            b"upper" => Class::Upper,
            b"xdigit" => Class::Xdigit,
            _ => return None,
        })
    }

    /// Membership of byte `b` in the C locale (no byte above 0x7f is in
    /// any class there).
    fn has_byte(self, b: u8) -> bool {
        match self {
            Class::Alnum => b.is_ascii_alphanumeric(),
            Class::Alpha => b.is_ascii_alphabetic(),
            Class::Blank => b == b' ' || b == b'\t',
            Class::Cntrl => b.is_ascii_control(),
            Class::Digit => b.is_ascii_digit(),
            Class::Graph => b.is_ascii_graphic(),
            Class::Lower => b.is_ascii_lowercase(),
            Class::Print => b.is_ascii_graphic() || b == b' ',
            Class::Punct => b.is_ascii_punctuation(),
            Class::Space => matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c),
            Class::Upper => b.is_ascii_uppercase(),
            Class::Xdigit => b.is_ascii_hexdigit(),
        }
    }

    /// Membership of non-ASCII character `c` in a UTF-8 locale, after
    /// glibc's tables as far as Rust's Unicode properties reach. Known
    /// differences: glibc also counts other scripts' digits as `alpha`,
    /// titlecase letters as `upper` and `lower`, and unassigned code points
    /// as not `print`.
    fn has_wide(self, c: char) -> bool {
        // glibc leaves the no-break spaces and NEL out of `space`, and the
        // line and paragraph separators out of `blank`.
        let space =
            c.is_whitespace() && !matches!(c, '\u{85}' | '\u{a0}' | '\u{2007}' | '\u{202f}');
        let cntrl = c.is_control() || matches!(c, '\u{2028}' | '\u{2029}');
        match self {
            Class::Alnum | Class::Alpha => c.is_alphabetic(),
            // Only the ASCII digits are `digit` (POSIX) and `xdigit`.
            Class::Digit | Class::Xdigit => false,
            Class::Blank => space && !matches!(c, '\u{2028}' | '\u{2029}'),
            Class::Cntrl => cntrl,
            Class::Graph => !cntrl && !space,
            Class::Lower => c.is_lowercase(),
            Class::Print => !cntrl,
            Class::Punct => !cntrl && !space && !c.is_alphabetic(),
            Class::Space => space,
            Class::Upper => c.is_uppercase(),
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

/// A compiled pattern's tokens and literal: most patterns are short, and
/// a pattern is compiled each time it is evaluated (a `case` in a loop),
/// so these live in the `Pattern` itself up to a size rather than on the
/// heap.
type Tokens = smallvec::SmallVec<[Token; 8]>;
type Lit = smallvec::SmallVec<[u8; 16]>;

/// A compiled shell pattern.
#[derive(Clone, Debug)]
pub struct Pattern {
    tokens: Tokens,
    sets: Vec<Set>,
    shape: Shape,
    /// The literal bytes of the shapes other than `General`.
    lit: Lit,
    /// Number of tokens that are not stars: the shortest matchable length.
    min_len: usize,
    has_star: bool,
    /// Compiled for a UTF-8 locale: a subject that is not all ASCII is
    /// decoded into characters before the general matcher sees it.
    utf8: bool,
}

impl Pattern {
    /// Compiles `pat` for a locale whose characters are `charset`. Never
    /// fails: a `[` that does not open a valid bracket expression is an
    /// ordinary character, and a trailing lone backslash stands for itself.
    pub fn new(pat: &[u8], charset: Charset) -> Pattern {
        let mut tokens = Tokens::with_capacity(pat.len());
        let mut sets = Vec::new();
        // A byte that is a character by itself skips the decoder: the C
        // locale and ASCII text compile exactly as they always did.
        let one_byte = |b: u8| charset == Charset::Bytes || b.is_ascii();
        let mut i = 0;
        while i < pat.len() {
            match pat[i] {
                b'\\' if i + 1 < pat.len() && one_byte(pat[i + 1]) => {
                    tokens.push(Token::Byte(pat[i + 1]));
                    i += 2;
                }
                b'\\' if i + 1 < pat.len() => {
                    let (c, len) = char_at(pat, i + 1, charset);
                    tokens.push(Token::literal(c, charset));
                    i += 1 + len;
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
                b'[' => match parse_bracket(pat, i + 1, charset) {
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
                b if one_byte(b) => {
                    tokens.push(Token::Byte(b));
                    i += 1;
                }
                _ => {
                    let (c, len) = char_at(pat, i, charset);
                    tokens.push(Token::literal(c, charset));
                    i += len;
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
            utf8: charset == Charset::Utf8,
        }
    }

    /// Whether the whole of `s` matches the pattern.
    pub fn matches(&self, s: &[u8]) -> bool {
        match self.shape {
            Shape::Literal => s == self.lit.as_slice(),
            Shape::Prefix => s.starts_with(&self.lit),
            Shape::Suffix => s.ends_with(&self.lit),
            Shape::Infix => find(s, &self.lit).is_some(),
            Shape::General => self.matches_tokens(&self.tokens, s),
        }
    }

    /// Length of the shortest (or, with `longest`, the longest) prefix of
    /// `s` that matches the pattern, as `${x#p}` and `${x##p}` need. It
    /// always ends on a character boundary.
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
            Shape::General if self.utf8 && !s.is_ascii() => {
                let text = Decoded::new(s);
                let n = self.prefix_general(&text.chars, longest)?;
                text.offsets.get(n).copied()
            }
            Shape::General => self.prefix_general(s, longest),
        }
    }

    /// Start index of the shortest (or, with `longest`, the longest) suffix
    /// of `s` that matches the pattern, as `${x%p}` and `${x%%p}` need. It
    /// always starts on a character boundary.
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
            Shape::General if self.utf8 && !s.is_ascii() => {
                let text = Decoded::new(s);
                let i = self.suffix_general(&text.chars, longest)?;
                text.offsets.get(i).copied()
            }
            Shape::General => self.suffix_general(s, longest),
        }
    }

    /// Whether the pattern has no wildcard: no unescaped `*`, `?` or valid
    /// bracket expression. Then [`Pattern::literal`] gives its text.
    pub fn is_literal(&self) -> bool {
        self.tokens
            .iter()
            .all(|t| matches!(t, Token::Byte(_) | Token::Char(_)))
    }

    /// The unescaped text of a literal pattern, `None` if it has wildcards.
    pub fn literal(&self) -> Option<Vec<u8>> {
        literal_bytes(&self.tokens).map(|(bytes, _)| bytes.into_vec())
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
                    if !self.matches_tokens(t, p) {
                        return false;
                    }
                }
                _ => return false,
            }
        }
    }

    /// Whole-string match of `toks` against `s`, by bytes or, when the
    /// locale needs it, by characters.
    fn matches_tokens(&self, toks: &[Token], s: &[u8]) -> bool {
        if self.utf8 && !s.is_ascii() {
            self.matches_general(toks, &Decoded::new(s).chars)
        } else {
            self.matches_general(toks, s)
        }
    }

    /// The `General` case of [`Pattern::match_prefix`], in units of `s`.
    fn prefix_general<U: Unit>(&self, s: &[U], longest: bool) -> Option<usize> {
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

    /// The `General` case of [`Pattern::match_suffix`], in units of `s`.
    fn suffix_general<U: Unit>(&self, s: &[U], longest: bool) -> Option<usize> {
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

    /// Whole-string match of `toks` against `s`: greedy stars with a single
    /// backtrack point. Only the most recent star ever needs to grow,
    /// because every other token matches exactly one unit: whatever an
    /// earlier star could absorb, the later one can absorb instead.
    fn matches_general<U: Unit>(&self, toks: &[Token], s: &[U]) -> bool {
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
                if let Some(&u) = s.get(i) {
                    if u.matched_by(self, t) {
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
    fn matches_fixed<U: Unit>(&self, toks: &[Token], s: &[U]) -> bool {
        toks.len() == s.len() && toks.iter().zip(s).all(|(&t, &u)| u.matched_by(self, t))
    }
}

/// What the matcher steps over: a byte, or a character of a UTF-8 subject
/// that is not all ASCII (numbered as in [`Token::Char`]).
trait Unit: Copy {
    /// Does `t`, a token of `pat` that is not a star, match this unit?
    fn matched_by(self, pat: &Pattern, t: Token) -> bool;
}

impl Unit for u8 {
    #[inline]
    fn matched_by(self, pat: &Pattern, t: Token) -> bool {
        match t {
            Token::Byte(c) => c == self,
            Token::Any => true,
            Token::Set(i) => pat
                .sets
                .get(i as usize)
                .is_some_and(|set| set.bytes.contains(self)),
            // Bytes are units only where every byte is a character, and a
            // `Char` token is never a single ASCII byte.
            Token::Char(_) | Token::Star => false,
        }
    }
}

impl Unit for u32 {
    #[inline]
    fn matched_by(self, pat: &Pattern, t: Token) -> bool {
        match t {
            Token::Byte(c) => u32::from(c) == self,
            Token::Char(c) => c == self,
            Token::Any => true,
            Token::Set(i) => pat
                .sets
                .get(i as usize)
                .is_some_and(|set| match u8::try_from(self) {
                    Ok(b) if b.is_ascii() => set.bytes.contains(b),
                    _ => set.wide.contains(self),
                }),
            Token::Star => false,
        }
    }
}

/// A subject in a UTF-8 locale split into characters.
struct Decoded {
    chars: Vec<u32>,
    /// Where each character starts in the bytes, then the length: maps a
    /// count of characters back to a byte index.
    offsets: Vec<usize>,
}

impl Decoded {
    fn new(s: &[u8]) -> Decoded {
        let mut chars = Vec::with_capacity(s.len());
        let mut offsets = Vec::with_capacity(s.len() + 1);
        let mut i = 0;
        while i < s.len() {
            let (c, len) = char_at(s, i, Charset::Utf8);
            chars.push(c);
            offsets.push(i);
            i += len;
        }
        offsets.push(s.len());
        Decoded { chars, offsets }
    }
}

/// The character starting at `s[i]` (which must exist) and its length in
/// bytes. In UTF-8, the longest valid sequence there, or else the single
/// byte numbered [`RAW`] + byte. Patterns and subjects are both split this
/// way, so a stray byte in one equals only the same stray byte in the other.
fn char_at(s: &[u8], i: usize, charset: Charset) -> (u32, usize) {
    let b = s[i];
    if charset == Charset::Bytes || b.is_ascii() {
        return (u32::from(b), 1);
    }
    let head = &s[i..s.len().min(i + 4)];
    let valid = match std::str::from_utf8(head) {
        Ok(text) => text,
        Err(e) => std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or_default(),
    };
    match valid.chars().next() {
        Some(c) => (u32::from(c), c.len_utf8()),
        None => (RAW + u32::from(b), 1),
    }
}

/// The bytes a run of literal tokens stands for, and whether a byte search
/// for them can only find them at character boundaries: false when they
/// hold a stray byte, which could match inside a valid character of the
/// subject. `None` if a token is a wildcard.
fn literal_bytes(tokens: &[Token]) -> Option<(Lit, bool)> {
    // The usual case, bytes only, in one pass: this runs for every
    // pattern compiled, often in a loop.
    let bytes: Option<Lit> = tokens
        .iter()
        .map(|t| match *t {
            Token::Byte(b) => Some(b),
            _ => None,
        })
        .collect();
    if let Some(bytes) = bytes {
        return Some((bytes, true));
    }
    let mut bytes = Lit::with_capacity(tokens.len());
    let mut aligned = true;
    for t in tokens {
        match *t {
            Token::Byte(b) => bytes.push(b),
            Token::Char(c) => match char::from_u32(c) {
                Some(c) => bytes.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
                None => {
                    bytes.push(u8::try_from(c - RAW).unwrap_or(u8::MAX));
                    aligned = false;
                }
            },
            _ => return None,
        }
    }
    Some((bytes, aligned))
}

/// Recognizes the fast-path shapes; returns the shape and its literal bytes.
fn classify(tokens: &[Token]) -> (Shape, Lit) {
    let general = (Shape::General, Lit::new());
    let star_first = tokens.first() == Some(&Token::Star);
    let star_last = tokens.len() > usize::from(star_first) && tokens.last() == Some(&Token::Star);
    let inner = &tokens[usize::from(star_first)..tokens.len() - usize::from(star_last)];
    let Some((lit, true)) = literal_bytes(inner) else {
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

/// A bracket expression being compiled.
struct Bracket {
    set: Set,
    /// The highest character `set.bytes` holds.
    narrow_max: u32,
    utf8: bool,
}

impl Bracket {
    fn new(charset: Charset) -> Bracket {
        let utf8 = charset == Charset::Utf8;
        Bracket {
            set: Set::default(),
            narrow_max: if utf8 { 0x7f } else { 0xff },
            utf8,
        }
    }

    /// Adds characters `lo..=hi` (none when `hi < lo`).
    fn insert_range(&mut self, lo: u32, hi: u32) {
        if lo > hi {
            return;
        }
        if let (Ok(a), Ok(b)) = (u8::try_from(lo), u8::try_from(hi.min(self.narrow_max))) {
            if a <= b {
                self.set.bytes.insert_range(a, b);
            }
        }
        if hi > self.narrow_max {
            self.set.wide.ranges.push((lo.max(self.narrow_max + 1), hi));
        }
    }

    /// Adds the members of class `name`; an unknown name adds nothing, so
    /// it matches nothing, as in bash.
    fn insert_class(&mut self, name: &[u8]) {
        let Some(class) = Class::named(name) else {
            return;
        };
        for b in 0..=0x7f {
            if class.has_byte(b) {
                self.set.bytes.insert(b);
            }
        }
        if self.utf8 {
            self.set.wide.classes.push(class);
        }
    }

    fn negate(&mut self) {
        self.set.bytes.invert();
        self.set.wide.negate = true;
    }
}

/// Parses a bracket expression whose `[` is just before `start`. Returns
/// the set and the index after the closing `]`, or `None` when there is no
/// closing `]` (then the `[` is an ordinary character).
fn parse_bracket(pat: &[u8], start: usize, charset: Charset) -> Option<(Set, usize)> {
    let mut set = Bracket::new(charset);
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
        // naming a single character (characters are their own collating
        // elements).
        if c == b'[' {
            if let Some(&delim @ (b':' | b'.' | b'=')) = pat.get(i + 1) {
                if let Some(len) = find(&pat[i + 2..], &[delim, b']']) {
                    let name = &pat[i + 2..i + 2 + len];
                    let after = i + 2 + len + 2;
                    if delim == b':' {
                        set.insert_class(name);
                        i = after;
                        continue;
                    }
                    if let Some(lo) = single_char(name, charset) {
                        let hi;
                        (hi, i) = range_end(pat, after, charset).unwrap_or((lo, after));
                        set.insert_range(lo, hi);
                        continue;
                    }
                }
            }
        }
        let (lo, next) = bracket_char(pat, i, charset)?;
        let hi;
        (hi, i) = range_end(pat, next, charset).unwrap_or((lo, next));
        set.insert_range(lo, hi);
    }
    if negate {
        set.negate();
    }
    Some((set.set, i))
}

/// The character `name` consists of, if it is exactly one.
fn single_char(name: &[u8], charset: Charset) -> Option<u32> {
    if name.is_empty() {
        return None;
    }
    let (c, len) = char_at(name, 0, charset);
    (len == name.len()).then_some(c)
}

/// One possibly escaped character inside a bracket at `i`, and the index
/// after it.
fn bracket_char(pat: &[u8], i: usize, charset: Charset) -> Option<(u32, usize)> {
    let at = if *pat.get(i)? == b'\\' { i + 1 } else { i };
    if at >= pat.len() {
        return None;
    }
    let (c, len) = char_at(pat, at, charset);
    Some((c, at + len))
}

/// If `pat[i..]` is `-x` closing a range (and not `-]`), the range end `x`
/// and the index after it. An empty range (end below start) matches nothing.
fn range_end(pat: &[u8], i: usize, charset: Charset) -> Option<(u32, usize)> {
    if pat.get(i) != Some(&b'-') || matches!(pat.get(i + 1), None | Some(b']')) {
        return None;
    }
    if pat.get(i + 1) == Some(&b'[')
        && let Some(&delim @ (b'.' | b'=')) = pat.get(i + 2)
        && let Some(len) = find(&pat[i + 3..], &[delim, b']'])
        && let Some(c) = single_char(&pat[i + 3..i + 3 + len], charset)
    {
        return Some((c, i + 3 + len + 2));
    }
    bracket_char(pat, i + 1, charset)
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
        Pattern::new(p.as_bytes(), Charset::Bytes).matches(s.as_bytes())
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
        let p = Pattern::new(br"a\?b", Charset::Bytes);
        assert!(p.is_literal());
        assert_eq!(p.literal(), Some(b"a?b".to_vec()));
        assert!(!Pattern::new(b"a?b", Charset::Bytes).is_literal());
        assert_eq!(Pattern::new(b"a?b", Charset::Bytes).literal(), None);
        assert!(Pattern::new(b"a[b", Charset::Bytes).is_literal());
        assert_eq!(
            Pattern::new(b"a[b", Charset::Bytes).literal(),
            Some(b"a[b".to_vec())
        );
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
            let p = Pattern::new(format!("[[:{class}:]]").as_bytes(), Charset::Bytes);
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
        let p = Pattern::new(b"[\x80-\xff]*", Charset::Bytes);
        assert!(p.matches(b"\xe9t\xe9"));
        assert!(!p.matches(b"e"));
        assert!(Pattern::new(b"?", Charset::Bytes).matches(b"\xff"));
    }

    #[test]
    fn prefixes() {
        let p = |pat: &str, s: &str, l: bool| {
            Pattern::new(pat.as_bytes(), Charset::Bytes).match_prefix(s.as_bytes(), l)
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
            Pattern::new(pat.as_bytes(), Charset::Bytes).match_suffix(s.as_bytes(), l)
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
        let f = |pat: &str, s: &str| {
            Pattern::new(pat.as_bytes(), Charset::Bytes).matches_filename(s.as_bytes())
        };
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
        let p = Pattern::new(b"*a*a*a*a*a*a*a*a*a*b", Charset::Bytes);
        assert!(!p.matches(s.as_bytes()));
        assert_eq!(p.match_prefix(s.as_bytes(), true), None);
    }

    fn u(p: &str, s: &str) -> bool {
        Pattern::new(p.as_bytes(), Charset::Utf8).matches(s.as_bytes())
    }

    fn ub(p: &[u8], s: &[u8]) -> bool {
        Pattern::new(p, Charset::Utf8).matches(s)
    }

    #[test]
    fn utf8_question_mark_is_one_character() {
        assert!(u("?", "μ"));
        assert!(!u("?", "μμ"));
        assert!(u("??", "μμ"));
        assert!(!u("??", "μ"));
        assert!(u("a?c", "aμc"));
        assert!(u("?", "😀"));
        assert!(u("*?", "xμ"));
        assert!(u("?*?", "μμ"));
        // The same in the C locale: two bytes, so two characters.
        assert!(!m("?", "μ"));
        assert!(m("??", "μ"));
    }

    #[test]
    fn utf8_brackets() {
        assert!(u("[μx]", "μ"));
        assert!(u("[μx]", "x"));
        assert!(!u("[μx]", "ν"));
        assert!(u("[!μ]", "x"));
        assert!(u("[!μ]", "ν"));
        assert!(!u("[!μ]", "μ"));
        assert!(!u("[!μ]", "μμ"));
        assert!(u("[^a]", "é"));
        assert!(u(r"[\μ]", "μ"));
        // Ranges compare code points, as bash does.
        assert!(u("[α-ω]", "μ"));
        assert!(!u("[α-ω]", "a"));
        assert!(u("[a-μ]", "b"));
        assert!(u("[a-μ]", "é"));
        assert!(u("[a-μ]", "~"));
        assert!(!u("[a-z]", "é"));
        assert!(!u("[μ-z]", "μ"));
        assert!(u("[μ-]", "-"));
        assert!(u("[[.μ.]]", "μ"));
        assert!(u("[[=μ=]]", "μ"));
        assert!(u("[[.α.]-[.ω.]]", "μ"));
        assert!(u("[α-[.ω.]]", "μ"));
        assert!(!u("[[.μ.]]", "[]"));
        assert!(u("x[μ]*", "xμyz"));
        // In the C locale `[μ]` is the set of μ's two bytes.
        assert!(!m("[μ]", "μ"));
        assert!(m("[μ][μ]", "μ"));
    }

    #[test]
    fn utf8_classes() {
        assert!(u("[[:alpha:]]", "é"));
        assert!(u("[[:alnum:]]", "é"));
        assert!(!u("[![:alpha:]]", "é"));
        assert!(u("[[:upper:]]", "É"));
        assert!(u("[[:lower:]]", "é"));
        assert!(!u("[[:upper:]]", "é"));
        assert!(!u("[[:digit:]]", "٣"));
        assert!(u("[[:punct:]]", "«"));
        assert!(u("[[:print:]]", "é"));
        assert!(u("[[:space:]]", "\u{3000}"));
        assert!(u("[[:blank:]]", "\u{3000}"));
        assert!(!u("[[:space:]]", "\u{a0}"));
        assert!(u("[[:cntrl:]]", "\u{85}"));
        assert!(!u("[[:foo:]]", "é"));
        assert!(!m("[[:alpha:]]", "é"));
    }

    #[test]
    fn utf8_removal_takes_whole_characters() {
        let x = "μabcμ".as_bytes();
        let pre = |p: &str, l: bool| Pattern::new(p.as_bytes(), Charset::Utf8).match_prefix(x, l);
        let suf = |p: &str, l: bool| Pattern::new(p.as_bytes(), Charset::Utf8).match_suffix(x, l);
        assert_eq!(pre("?", false), Some(2));
        assert_eq!(pre("?", true), Some(2));
        assert_eq!(suf("?", false), Some(5));
        assert_eq!(suf("?", true), Some(5));
        assert_eq!(pre("*?", false), Some(2));
        assert_eq!(suf("?*", false), Some(5));
        assert_eq!(pre("?*", true), Some(7));
        assert_eq!(suf("*?", true), Some(0));
        assert_eq!(pre("*[!a-c]", false), Some(2));
        assert_eq!(pre("*[!a-c]", true), Some(7));
        assert_eq!(suf("[!a-c]*", false), Some(5));
        assert_eq!(suf("[!a-c]*", true), Some(0));
        assert_eq!(pre("[μ]?", false), Some(3));
        assert_eq!(suf("?[μ]", false), Some(4));
        assert_eq!(pre("*", false), Some(0));
        assert_eq!(suf("*", false), Some(7));
        assert_eq!(pre("μ", false), Some(2));
        assert_eq!(suf("c*", true), Some(4));
        // C locale: one byte, splitting μ.
        assert_eq!(
            Pattern::new(b"?", Charset::Bytes).match_prefix(x, false),
            Some(1)
        );
        assert_eq!(
            Pattern::new(b"?", Charset::Bytes).match_suffix(x, false),
            Some(6)
        );
    }

    #[test]
    fn utf8_stray_bytes_are_characters() {
        assert!(ub(b"a?b", b"a\xffb"));
        assert!(ub(b"???", b"a\xffb"));
        assert!(ub(b"a\xffb", b"a\xffb"));
        assert!(ub(b"a[\xff]b", b"a\xffb"));
        assert!(!ub(b"a[!\xff]b", b"a\xffb"));
        assert!(ub(b"??", "μ\u{ff}".as_bytes()));
        assert!(ub(b"??", b"\xce\xbc\xff"));
        // A truncated sequence is a byte per character.
        assert!(ub(b"??", b"\xe2\x82"));
        assert!(ub(b"?\x82", b"\xe2\x82"));
        // A stray byte of the pattern never matches part of a character.
        let mu = "μ".as_bytes();
        assert!(!ub(b"\xce?", mu));
        assert!(!ub(b"*\xbc", mu));
        assert!(!ub(b"\xce*", mu));
        assert!(!ub(b"*\xce*", mu));
        let p = Pattern::new(b"\xce", Charset::Utf8);
        assert_eq!(p.match_prefix(mu, false), None);
        assert_eq!(p.match_prefix(b"\xcex", false), Some(1));
        assert_eq!(
            Pattern::new(b"\xbc", Charset::Utf8).match_suffix(mu, true),
            None
        );
        assert_eq!(p.literal(), Some(b"\xce".to_vec()));
        // Removal around stray bytes keeps every byte of the rest.
        let s = b"\xff\xce\xbc";
        assert_eq!(
            Pattern::new(b"?", Charset::Utf8).match_prefix(s, false),
            Some(1)
        );
        assert_eq!(
            Pattern::new(b"?", Charset::Utf8).match_suffix(s, false),
            Some(1)
        );
        assert_eq!(
            Pattern::new(b"[\x80-\xff]*", Charset::Utf8).match_prefix(s, false),
            Some(1)
        );
    }

    #[test]
    fn utf8_filenames() {
        let f = |pat: &str, s: &str| {
            Pattern::new(pat.as_bytes(), Charset::Utf8).matches_filename(s.as_bytes())
        };
        assert!(f("?.txt", "μ.txt"));
        assert!(f("*/?", "é/μ"));
        assert!(!f("?", "μμ"));
        assert!(f("[!.]*", "μ"));
        assert!(!f("?*", ".μ"));
        assert!(!Pattern::new(b"?.txt", Charset::Bytes).matches_filename("μ.txt".as_bytes()));
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

    /// The characters of the UTF-8 property tests, and a one-byte stand-in
    /// for each, in the same order, for the byte matcher.
    const UTF8_ALPHABET: [(&str, u8); 13] = [
        ("!", b'!'),
        ("*", b'*'),
        ("-", b'-'),
        ("?", b'?'),
        ("[", b'['),
        ("\\", b'\\'),
        ("]", b']'),
        ("a", b'a'),
        ("b", b'b'),
        ("é", 0xe0),
        ("μ", 0xe1),
        ("ν", 0xe2),
        ("😀", 0xf0),
    ];

    fn utf8_strategy() -> impl Strategy<Value = Vec<usize>> {
        proptest::collection::vec(0..UTF8_ALPHABET.len(), 0..10)
    }

    /// The UTF-8 text of `word` and the byte offset of each character
    /// (then the length); plus its one-byte-per-character stand-in.
    fn utf8_and_bytes(word: &[usize]) -> (Vec<u8>, Vec<usize>, Vec<u8>) {
        let mut text = Vec::new();
        let mut offsets = Vec::new();
        for &k in word {
            offsets.push(text.len());
            text.extend_from_slice(UTF8_ALPHABET[k].0.as_bytes());
        }
        offsets.push(text.len());
        let bytes = word.iter().map(|&k| UTF8_ALPHABET[k].1).collect();
        (text, offsets, bytes)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn matches_like_reference(p in pattern_strategy(), s in subject_strategy()) {
            prop_assert_eq!(Pattern::new(&p, Charset::Bytes).matches(&s), reference(&p, &s));
        }

        #[test]
        fn prefix_and_suffix_like_reference(p in pattern_strategy(), s in subject_strategy()) {
            let pat = Pattern::new(&p, Charset::Bytes);
            let n = s.len();
            let prefixes: Vec<usize> = (0..=n).filter(|&k| reference(&p, &s[..k])).collect();
            prop_assert_eq!(pat.match_prefix(&s, false), prefixes.first().copied());
            prop_assert_eq!(pat.match_prefix(&s, true), prefixes.last().copied());
            let suffixes: Vec<usize> = (0..=n).filter(|&k| reference(&p, &s[k..])).collect();
            prop_assert_eq!(pat.match_suffix(&s, false), suffixes.last().copied());
            prop_assert_eq!(pat.match_suffix(&s, true), suffixes.first().copied());
        }

        /// In UTF-8, a multibyte character behaves exactly as a single
        /// byte of the same rank does in the C locale.
        #[test]
        fn utf8_like_bytes(p in utf8_strategy(), s in utf8_strategy()) {
            let (ptext, _, pbytes) = utf8_and_bytes(&p);
            let (stext, offsets, sbytes) = utf8_and_bytes(&s);
            let wide = Pattern::new(&ptext, Charset::Utf8);
            let narrow = Pattern::new(&pbytes, Charset::Bytes);
            let at = |n: Option<usize>| n.map(|n| offsets[n]);
            prop_assert_eq!(wide.matches(&stext), narrow.matches(&sbytes));
            for longest in [false, true] {
                prop_assert_eq!(
                    wide.match_prefix(&stext, longest),
                    at(narrow.match_prefix(&sbytes, longest))
                );
                prop_assert_eq!(
                    wide.match_suffix(&stext, longest),
                    at(narrow.match_suffix(&sbytes, longest))
                );
            }
        }

        /// ASCII text matches the same in both locales.
        #[test]
        fn ascii_same_in_both(p in pattern_strategy(), s in subject_strategy()) {
            let wide = Pattern::new(&p, Charset::Utf8);
            let narrow = Pattern::new(&p, Charset::Bytes);
            prop_assert_eq!(wide.matches(&s), narrow.matches(&s));
            prop_assert_eq!(wide.match_prefix(&s, true), narrow.match_prefix(&s, true));
            prop_assert_eq!(wide.match_suffix(&s, false), narrow.match_suffix(&s, false));
        }

        #[test]
        fn literal_iff_no_wildcards(p in pattern_strategy()) {
            let pat = Pattern::new(&p, Charset::Bytes);
            if let Some(lit) = pat.literal() {
                prop_assert!(pat.matches(&lit));
                prop_assert_eq!(lit, unescape(&p));
            }
        }
    }
}
