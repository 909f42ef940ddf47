//! Words (XCU 2.3 rules 4-8, 2.2 quoting): literal text, `\`, `'...'`, `"..."`, `$'...'` and tilde prefixes.
//!
//! `$` expansions are in `param`, `command_subst` and `arith`; this file
//! drives them from the context a word is read in.

use super::super::ast::{ParamOp, QuoteKind, Text, Word, WordPart, WordParts};
use super::super::lexer::is_word_end;
use super::{PResult, Parse};

/// Where a sequence of word parts is being read; decides which bytes end
/// it and which are special.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Context {
    /// A token: ends at a blank, newline or operator byte.
    Unquoted,
    /// Inside `"..."`: ends at `"`.
    DoubleQuoted,
    /// The word of `${x-word}` outside double quotes: ends at `}`.
    Brace,
    /// The word of `${x-word}` inside double quotes: ends at `}`; single
    /// quotes are ordinary characters.
    BraceInDoubleQuotes,
    /// The pattern of `${x%pattern}` (and `%%`, `#`, `##`) inside double
    /// quotes: as `BraceInDoubleQuotes`, but single quotes quote (as in
    /// bash and dash).
    PatternInDoubleQuotes,
    /// An unquoted here-document body: ends at end of input; `"` is an
    /// ordinary character.
    HereDoc,
}

impl Context {
    /// `true` where `$'`, `'...'` and `\` before any byte are quoting.
    fn is_unquoted(self) -> bool {
        matches!(self, Context::Unquoted | Context::Brace)
    }

    fn is_brace(self) -> bool {
        matches!(
            self,
            Context::Brace | Context::BraceInDoubleQuotes | Context::PatternInDoubleQuotes
        )
    }

    /// `true` for the bytes `word_parts` does not take as plain literal
    /// text here: the ends of the context, quotes and expansions, `\`, and
    /// the newline (counted by `bump`).
    #[inline]
    fn is_special(self, b: u8) -> bool {
        match b {
            b'\\' | b'$' | b'`' | b'\n' => true,
            b'"' => self != Context::HereDoc,
            b'}' => self.is_brace(),
            b'\'' => self.is_unquoted() || self == Context::PatternInDoubleQuotes,
            _ => self == Context::Unquoted && is_word_end(b),
        }
    }

    /// `true` when an expansion read here is inside double quotes.
    pub(super) fn in_double_quotes(self) -> bool {
        !self.is_unquoted()
    }
}

/// Collects word parts, merging adjacent literal bytes into one part.
#[derive(Default)]
pub(super) struct Parts {
    parts: WordParts,
    literal: Text,
}

impl Parts {
    #[inline]
    pub fn byte(&mut self, b: u8) {
        self.literal.push(b);
    }

    /// Several literal bytes at once.
    #[inline]
    pub fn bytes(&mut self, run: &[u8]) {
        self.literal.extend_from_slice(run);
    }

    pub fn part(&mut self, part: WordPart) {
        self.flush();
        self.parts.push(part);
    }

    fn flush(&mut self) {
        if !self.literal.is_empty() {
            let text = tight(std::mem::take(&mut self.literal));
            self.parts.push(WordPart::Literal(text));
        }
    }

    pub fn finish(mut self) -> WordParts {
        self.flush();
        self.parts
    }
}

/// `text` without spare capacity: the tree keeps it as long as the
/// script (or a function) lives.
#[inline]
fn tight(mut text: Text) -> Text {
    if text.spilled() {
        text.shrink_to_fit();
    }
    text
}

impl Parse<'_, '_> {
    /// Read an unquoted word token (the caller has checked that the next
    /// byte starts one). A leading tilde prefix becomes a `Tilde` part.
    pub(super) fn word(&mut self) -> PResult<Word> {
        let mut parts = self.word_parts(Context::Unquoted)?;
        tilde_at_start(&mut parts);
        Ok(Word { parts })
    }

    /// Read parts until the end of the context (not consuming the closing
    /// `"` or `}`).
    pub(super) fn word_parts(&mut self, ctx: Context) -> PResult<WordParts> {
        let mut parts = Parts::default();
        while let Some(b) = self.src.peek() {
            match b {
                b'"' if ctx == Context::DoubleQuoted => break,
                b'}' if ctx.is_brace() => break,
                _ if ctx == Context::Unquoted && is_word_end(b) => break,
                b'\\' => self.backslash(ctx, &mut parts),
                b'\'' if ctx.is_unquoted() || ctx == Context::PatternInDoubleQuotes => {
                    let text = self.single_quoted()?;
                    parts.part(WordPart::Quoted {
                        text,
                        source: QuoteKind::Single,
                    });
                }
                b'"' if ctx != Context::HereDoc => {
                    parts.part(self.double_quoted()?);
                }
                b'$' => self.dollar(ctx, &mut parts)?,
                b'`' => {
                    let part = self.backquoted(ctx.in_double_quotes())?;
                    parts.part(part);
                }
                b'\n' => {
                    self.src.bump();
                    parts.byte(b);
                }
                _ => parts.bytes(self.src.take_run(|c| !ctx.is_special(c))),
            }
        }
        Ok(parts.finish())
    }

    /// `\` (a line continuation has already been removed by `peek`).
    pub(super) fn backslash(&mut self, ctx: Context, parts: &mut Parts) {
        self.src.bump();
        let next = self.src.peek_raw();
        let escapes = match next {
            None => false,
            Some(_) if ctx.is_unquoted() => true,
            Some(b'$' | b'`' | b'\\') => true,
            Some(b'"') => ctx != Context::HereDoc,
            Some(b'}') => ctx.is_brace(),
            // A single quote opens a quotation in such a pattern, so a
            // backslash must be able to make it literal ("${x%\'}").
            Some(b'\'') => ctx == Context::PatternInDoubleQuotes,
            Some(_) => false,
        };
        match next {
            Some(c) if escapes => {
                self.src.bump();
                parts.part(WordPart::Quoted {
                    text: Text::from_slice(&[c]),
                    source: QuoteKind::Backslash,
                });
            }
            // A backslash at the very end of input stands for itself.
            None if ctx.is_unquoted() => parts.part(WordPart::Quoted {
                text: Text::from_slice(b"\\"),
                source: QuoteKind::Backslash,
            }),
            _ => parts.byte(b'\\'),
        }
    }

    /// `'...'`, from the opening quote; the text is taken raw.
    fn single_quoted(&mut self) -> PResult<Text> {
        let open = self.src.mark;
        self.src.bump();
        let mut text = Text::new();
        loop {
            text.extend_from_slice(self.src.take_run(|b| b != b'\''));
            match self.src.peek_raw() {
                Some(b'\'') => {
                    self.src.bump();
                    return Ok(tight(text));
                }
                // More input was read: the run goes on.
                Some(_) => {}
                None => return Err(self.error_at(open, "unterminated single quote")),
            }
        }
    }

    /// `"..."`, from the opening quote.
    pub(super) fn double_quoted(&mut self) -> PResult<WordPart> {
        let open = self.src.mark;
        self.src.bump();
        self.enter()?;
        let parts = self.word_parts(Context::DoubleQuoted)?;
        self.leave();
        if !self.src.eat(b'"') {
            return Err(self.error_at(open, "unterminated double quote"));
        }
        Ok(WordPart::DoubleQuoted(parts.into_vec()))
    }

    /// `$'...'`, from the `'` (the `$` is consumed): the text with its
    /// escape sequences decoded (XCU 2.2.4).
    pub(super) fn dollar_single_quoted(&mut self) -> PResult<WordPart> {
        let open = self.src.mark;
        self.src.bump();
        let mut text = Vec::new();
        // After an escape that yields NUL, the rest up to the quote is dropped.
        let mut truncated = false;
        loop {
            let Some(b) = self.src.peek_raw() else {
                return Err(self.error_at(open, "unterminated dollar-single-quote"));
            };
            self.src.bump();
            let decoded = match b {
                b'\'' => break,
                b'\\' => self.dollar_escape(&mut text, truncated),
                _ => {
                    if !truncated {
                        text.push(b);
                    }
                    false
                }
            };
            truncated |= decoded;
        }
        Ok(WordPart::Quoted {
            text: Text::from_slice(&text),
            source: QuoteKind::Dollar,
        })
    }

    /// One escape sequence in `$'...'`, after the backslash. Returns true
    /// when it yielded a NUL byte.
    fn dollar_escape(&mut self, text: &mut Vec<u8>, truncated: bool) -> bool {
        let Some(c) = self.src.peek_raw() else {
            return false;
        };
        self.src.bump();
        let out = |b: u8, text: &mut Vec<u8>| {
            if b == 0 {
                return true;
            }
            if !truncated {
                text.push(b);
            }
            false
        };
        match c {
            b'n' => out(b'\n', text),
            b't' => out(b'\t', text),
            b'r' => out(b'\r', text),
            b'a' => out(0x07, text),
            b'b' => out(0x08, text),
            b'e' | b'E' => out(0x1b, text),
            b'f' => out(0x0c, text),
            b'v' => out(0x0b, text),
            b'\\' | b'\'' | b'"' | b'?' => out(c, text),
            b'c' => match self.src.peek_raw() {
                Some(x) if x != b'\'' => {
                    self.src.bump();
                    let x = if x == b'\\' && self.src.peek_raw() == Some(b'\\') {
                        self.src.bump();
                        x
                    } else {
                        x
                    };
                    let v = if x == b'?' { 0x7f } else { x & 0x1f };
                    out(v, text)
                }
                _ => {
                    out(b'\\', text);
                    out(b'c', text)
                }
            },
            b'0'..=b'7' => {
                let mut v = u32::from(c - b'0');
                for _ in 0..2 {
                    match self.src.peek_raw() {
                        Some(d @ b'0'..=b'7') => {
                            self.src.bump();
                            v = v * 8 + u32::from(d - b'0');
                        }
                        _ => break,
                    }
                }
                out((v & 0xff) as u8, text)
            }
            b'x' => match self.hex_digits(2) {
                Some(v) => out((v & 0xff) as u8, text),
                None => {
                    out(b'\\', text);
                    out(b'x', text)
                }
            },
            b'u' | b'U' => {
                let max = if c == b'u' { 4 } else { 8 };
                match self.hex_digits(max) {
                    Some(v) => {
                        let ch = char::from_u32(v).unwrap_or(char::REPLACEMENT_CHARACTER);
                        if v == 0 {
                            return true;
                        }
                        let mut buf = [0; 4];
                        let mut nul = false;
                        for &b in ch.encode_utf8(&mut buf).as_bytes() {
                            nul |= out(b, text);
                        }
                        nul
                    }
                    None => {
                        out(b'\\', text);
                        out(c, text)
                    }
                }
            }
            _ => {
                out(b'\\', text);
                out(c, text)
            }
        }
    }

    /// Up to `max` hex digits; None if there is none.
    fn hex_digits(&mut self, max: usize) -> Option<u32> {
        let mut v: u32 = 0;
        let mut n = 0;
        while n < max {
            let Some(d) = self.src.peek_raw().and_then(|b| (b as char).to_digit(16)) else {
                break;
            };
            self.src.bump();
            v = v * 16 + d;
            n += 1;
        }
        (n > 0).then_some(v)
    }
}

/// Turn a tilde prefix at the start of a word into a `Tilde` part
/// (XCU 2.6.1): `~` and the unquoted literal bytes after it up to the first
/// `/`, or to the end of the word.
pub(super) fn tilde_at_start(parts: &mut WordParts) {
    let is_last = parts.len() == 1;
    if let Some(WordPart::Literal(text)) = parts.first()
        && text.first() == Some(&b'~')
    {
        let mut out = Vec::with_capacity(2);
        split_tildes(text, [0].into_iter(), false, is_last, &mut out);
        parts.remove(0);
        parts.insert_many(0, out);
    }
}

/// Tilde prefixes in an assignment value: at its start and after each
/// unquoted `:`; a prefix then also ends at a `:`. The same holds in the
/// word of an unquoted `${x-word}` or `${x+word}` in the value
/// (`PATH=${P-~/bin:~/sbin}`), as in dash and bash.
pub(super) fn tildes_in_assignment(parts: &mut WordParts) {
    for part in parts.iter_mut() {
        if let WordPart::Param(p) = part
            && let ParamOp::Default(w) | ParamOp::Alternative(w) = &mut p.op
        {
            // The word was parsed as any word is, its leading tilde prefix
            // running to a `/` only: undo that and split it as a value.
            if let Some(WordPart::Tilde(user)) = w.parts.first() {
                let mut text = b"~".to_vec();
                text.extend_from_slice(user);
                if let Some(WordPart::Literal(next)) = w.parts.get(1) {
                    text.extend_from_slice(next);
                    w.parts.remove(1);
                }
                w.parts[0] = WordPart::Literal(text.into());
            }
            tildes_in_assignment(&mut w.parts);
        }
    }
    let has_tilde = parts
        .iter()
        .any(|p| matches!(p, WordPart::Literal(t) if t.contains(&b'~')));
    if !has_tilde {
        return;
    }
    let count = parts.len();
    let mut out = Vec::with_capacity(count + 2);
    for (i, part) in std::mem::take(parts).into_iter().enumerate() {
        match part {
            WordPart::Literal(text) if text.contains(&b'~') => {
                let after_colons = text
                    .iter()
                    .enumerate()
                    .filter(|&(_, &b)| b == b':')
                    .map(|(k, _)| k + 1);
                let starts = (i == 0).then_some(0).into_iter().chain(after_colons);
                split_tildes(&text, starts, true, i + 1 == count, &mut out);
            }
            other => out.push(other),
        }
    }
    *parts = out.into();
}

/// Split literal `text` at the tilde prefixes starting at `starts`
/// (ascending offsets), pushing the pieces to `out`. A prefix that runs to
/// the end of `text` counts only if `text` ends the word (`is_last`):
/// otherwise quoted or expanded text follows and it is no tilde prefix.
fn split_tildes(
    text: &[u8],
    starts: impl Iterator<Item = usize>,
    colon_ends: bool,
    is_last: bool,
    out: &mut Vec<WordPart>,
) {
    let mut done = 0;
    for s in starts {
        if s < done || text.get(s) != Some(&b'~') {
            continue;
        }
        let rest = &text[s + 1..];
        let user_end = match rest
            .iter()
            .position(|&b| b == b'/' || (colon_ends && b == b':'))
        {
            Some(n) => s + 1 + n,
            None if is_last => text.len(),
            None => continue,
        };
        if s > done {
            out.push(WordPart::Literal(text[done..s].into()));
        }
        out.push(WordPart::Tilde(text[s + 1..user_end].into()));
        done = user_end;
    }
    if done < text.len() {
        out.push(WordPart::Literal(text[done..].into()));
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{canon, check, error, parse};
    use crate::shell::syntax::ast::*;

    fn word(src: &str) -> Word {
        let l = parse(&format!("echo {src}"));
        let Command::Simple(s) = &l.items[0].and_or.first.commands[0] else {
            panic!()
        };
        s.words[1].clone()
    }

    fn lit(s: &str) -> WordPart {
        WordPart::Literal(s.as_bytes().into())
    }

    fn q(s: &str, source: QuoteKind) -> WordPart {
        WordPart::Quoted {
            text: s.as_bytes().into(),
            source,
        }
    }

    #[test]
    fn quoting() {
        assert_eq!(
            word(r#"a'b c'\d"e\$f\g""#).parts[..],
            [
                lit("a"),
                q("b c", QuoteKind::Single),
                q("d", QuoteKind::Backslash),
                WordPart::DoubleQuoted(vec![lit("e"), q("$", QuoteKind::Backslash), lit("f\\g")])
            ]
        );
        check(r#"echo a'b c'\d"e\$f\g""#, r#"echo a'b c'\d"e\$f\g""#);
        check("echo 'a\\\nb'", "echo 'a\\\nb'");
        check("echo \"a\\\nb\" c\\\nd", "echo \"ab\" cd");
        check("echo a\\", "echo a\\\\");
    }

    #[test]
    fn dollar_single_quotes() {
        assert_eq!(
            word(r"$'a\n\t\\\'\x41\101\cA\u00e9\q'").parts[..],
            [q("a\n\t\\'AA\u{1}\u{e9}\\q", QuoteKind::Dollar)]
        );
        assert_eq!(
            word(r"$'a\0b'x").parts[..],
            [q("a", QuoteKind::Dollar), lit("x")]
        );
        assert_eq!(
            word(r#""$'a'""#).parts[..],
            [WordPart::DoubleQuoted(vec![lit("$'a'")])]
        );
        canon(r"echo $'a\n\tb\x01\x7f\xff'");
    }

    #[test]
    fn unterminated_quotes() {
        assert_eq!(error("echo 'abc").message, "unterminated single quote");
        assert_eq!(error("echo \"abc").message, "unterminated double quote");
        assert_eq!(
            error("echo $'abc").message,
            "unterminated dollar-single-quote"
        );
        assert_eq!(error("echo a\n'abc").column, 1);
        assert_eq!(error("echo a\n'abc").line, 2);
    }

    #[test]
    fn tilde_prefixes() {
        assert_eq!(word("~").parts[..], [WordPart::Tilde(Box::new([]))]);
        assert_eq!(
            word("~u/x").parts[..],
            [WordPart::Tilde(b"u".as_slice().into()), lit("/x")]
        );
        assert_eq!(
            word("~'u'").parts[..],
            [lit("~"), q("u", QuoteKind::Single)]
        );
        assert_eq!(word("a~").parts[..], [lit("a~")]);
        assert_eq!(word("~/'x'").parts[0], WordPart::Tilde(Box::new([])));
        check("echo ~ ~u/x a=~", "echo ~ ~u/x a=~");
    }

    #[test]
    fn assignment_tildes() {
        let l = parse("a=~:~u/x:b~:~\"q\":~ b=x~");
        let Command::Simple(s) = &l.items[0].and_or.first.commands[0] else {
            panic!()
        };
        assert_eq!(
            s.assigns[0].value.parts[..],
            [
                WordPart::Tilde(Box::new([])),
                lit(":"),
                WordPart::Tilde(b"u".as_slice().into()),
                lit("/x:b~:~"),
                WordPart::DoubleQuoted(vec![lit("q")]),
                lit(":"),
                WordPart::Tilde(Box::new([])),
            ]
        );
        assert_eq!(s.assigns[1].value.parts[..], [lit("x~")]);
        canon("a=~:~u/x:b~:~\"q\":~ b=x~");
    }

    #[test]
    fn reserved_words_are_plain_arguments() {
        check("echo if then fi { } ! done", "echo if then fi { } ! done");
        check("echo a{b} c=d", "echo a{b} c=d");
    }
}
