//! Token recognition (XCU 2.3): the source buffer, line continuations, blanks, comments and operators.
//!
//! The parser asks this module for bytes and operators; words are built in
//! `parser::word` because a word may hold a command substitution, which is
//! parsed recursively. The buffer holds the whole text of the command being
//! parsed, so that the parser can step back (alias substitution, the
//! `$((`/`$( (` ambiguity) without re-reading input.

use std::borrow::Cow;
use std::io;

use super::ast::{Line, Word};

/// A line-by-line source of shell text (a terminal, a pipe, a script read
/// lazily).
pub trait Input {
    /// Append the next line of input (including its '\n', if any) to `buf`.
    /// Return Ok(false) at end of input. `continuation` is true when the
    /// parser needs more text to finish a command already started (an
    /// interactive input then prompts with PS2 instead of PS1).
    fn read_line(&mut self, buf: &mut Vec<u8>, continuation: bool) -> io::Result<bool>;
}

/// A place in the source: a byte offset and the line and column it is on.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Mark {
    pub pos: usize,
    pub line: Line,
    /// Offset of the first byte of `line`, for columns.
    pub line_start: usize,
}

impl Mark {
    /// The 1-based column of this place.
    pub fn column(&self) -> u32 {
        u32::try_from(self.pos.saturating_sub(self.line_start) + 1).unwrap_or(u32::MAX)
    }
}

/// The text being parsed, read on demand from an `Input` when there is one.
pub(crate) struct Source<'a> {
    buf: Cow<'a, [u8]>,
    input: Option<&'a mut dyn Input>,
    pub mark: Mark,
    eof: bool,
    /// An I/O error from `input`, reported by the parser at its next step.
    pub io_error: Option<io::Error>,
    /// Passed to `Input::read_line`: a command has been started.
    pub continuation: bool,
}

impl<'a> Source<'a> {
    pub fn from_bytes(src: &'a [u8], first_line: Line) -> Source<'a> {
        let buf = if src.contains(&0) {
            Cow::Owned(without_nul(src))
        } else {
            Cow::Borrowed(src)
        };
        Source::new(buf, None, first_line)
    }

    pub fn from_owned(mut src: Vec<u8>, first_line: Line) -> Source<'a> {
        if src.contains(&0) {
            src.retain(|&b| b != 0);
        }
        Source::new(Cow::Owned(src), None, first_line)
    }

    pub fn from_input(input: &'a mut dyn Input, first_line: Line) -> Source<'a> {
        Source::new(Cow::Owned(Vec::new()), Some(input), first_line)
    }

    fn new(buf: Cow<'a, [u8]>, input: Option<&'a mut dyn Input>, line: Line) -> Source<'a> {
        let eof = input.is_none();
        Source {
            buf,
            input,
            mark: Mark {
                pos: 0,
                line,
                line_start: 0,
            },
            eof,
            io_error: None,
            continuation: false,
        }
    }

    /// For an in-memory source: is nothing left but blanks, newlines and
    /// comments? A line source answers false (finding out would block).
    pub fn rest_is_blank(&self) -> bool {
        if self.input.is_some() {
            return false;
        }
        is_blank(&self.buf[self.mark.pos.min(self.buf.len())..])
    }

    /// Forget the text already parsed, when reading from an `Input` (a long
    /// interactive session must not keep every line it has seen).
    pub fn discard_consumed(&mut self) {
        if self.input.is_none() || self.mark.pos == 0 {
            return;
        }
        let pos = self.mark.pos;
        self.buf.to_mut().drain(..pos);
        self.mark.line_start = self.mark.line_start.saturating_sub(pos);
        self.mark.pos = 0;
    }

    /// Read one more line from the input. Returns false at end of input.
    fn fill(&mut self) -> bool {
        if self.eof {
            return false;
        }
        let Some(input) = self.input.as_mut() else {
            self.eof = true;
            return false;
        };
        let buf = self.buf.to_mut();
        let before = buf.len();
        let read = input.read_line(buf, self.continuation);
        if buf[before..].contains(&0) {
            let tail = without_nul(&buf[before..]);
            buf.truncate(before);
            buf.extend_from_slice(&tail);
        }
        match read {
            Ok(true) if buf.len() > before => true,
            Ok(_) => {
                self.eof = true;
                false
            }
            Err(e) => {
                self.io_error = Some(e);
                self.eof = true;
                false
            }
        }
    }

    /// The byte at `pos`, reading more input if needed.
    fn byte_at(&mut self, pos: usize) -> Option<u8> {
        loop {
            if let Some(&b) = self.buf.get(pos) {
                return Some(b);
            }
            if !self.fill() {
                return None;
            }
        }
    }

    /// The next byte, with no line-continuation processing (inside single
    /// quotes, comments and here-document bodies read raw).
    #[inline]
    pub fn peek_raw(&mut self) -> Option<u8> {
        match self.buf.get(self.mark.pos) {
            Some(&b) => Some(b),
            None => self.byte_at(self.mark.pos),
        }
    }

    /// The next byte after removing any line continuations (backslash
    /// newline) at the current position.
    #[inline]
    pub fn peek(&mut self) -> Option<u8> {
        loop {
            let b = self.peek_raw()?;
            if b != b'\\' || self.byte_at(self.mark.pos + 1) != Some(b'\n') {
                return Some(b);
            }
            self.mark.pos += 2;
            self.newline_at(self.mark.pos);
        }
    }

    /// The byte after the next one, with line continuations removed between
    /// them. Call only after `peek` returned `Some`.
    pub fn peek_second(&mut self) -> Option<u8> {
        let mut p = self.mark.pos + 1;
        loop {
            let b = self.byte_at(p)?;
            if b != b'\\' || self.byte_at(p + 1) != Some(b'\n') {
                return Some(b);
            }
            p += 2;
        }
    }

    fn newline_at(&mut self, next_line_start: usize) {
        self.mark.line = self.mark.line.saturating_add(1);
        self.mark.line_start = next_line_start;
    }

    /// Consume the byte last returned by `peek` or `peek_raw`.
    #[inline]
    pub fn bump(&mut self) {
        if let Some(&b) = self.buf.get(self.mark.pos) {
            self.mark.pos += 1;
            if b == b'\n' {
                self.newline_at(self.mark.pos);
            }
        }
    }

    /// Consume the longest run of already-read bytes for which `ordinary`
    /// holds, and return it (empty when the next byte is not ordinary or
    /// more input must be read first). The caller's loop goes on byte by
    /// byte after it, so a run stops at most where a `peek` would read on.
    /// A backslash must not be ordinary: it may start a line continuation.
    #[inline]
    pub fn take_run(&mut self, ordinary: impl Fn(u8) -> bool) -> &[u8] {
        let start = self.mark.pos;
        let rest = self.buf.get(start..).unwrap_or_default();
        let len = rest
            .iter()
            .position(|&b| !ordinary(b))
            .unwrap_or(rest.len());
        let end = start + len;
        if let Some(last) = rest[..len].iter().rposition(|&b| b == b'\n') {
            let lines = rest[..len].iter().filter(|&&b| b == b'\n').count();
            self.mark.line = self
                .mark
                .line
                .saturating_add(u32::try_from(lines).unwrap_or(u32::MAX));
            self.mark.line_start = start + last + 1;
        }
        self.mark.pos = end;
        &self.buf[start..end]
    }

    /// Consume the next byte if it is `b` (after line continuations).
    pub fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.bump();
            true
        } else {
            false
        }
    }

    /// Go back to (or forward to) a place seen before.
    pub fn reset(&mut self, mark: Mark) {
        self.mark = mark;
    }

    /// The text between two offsets of the buffer.
    pub fn slice(&self, start: usize, end: usize) -> &[u8] {
        self.buf.get(start..end).unwrap_or_default()
    }

    /// Replace `start..end` with `text` (alias substitution) and move to
    /// `start`.
    pub fn splice(&mut self, start: usize, end: usize, text: &[u8], at: Mark) {
        let buf = self.buf.to_mut();
        let end = end.min(buf.len());
        buf.splice(start..end, text.iter().copied());
        self.mark = at;
    }

    /// Skip blanks (and line continuations) and a comment, stopping before a
    /// newline.
    pub fn skip_blanks_and_comment(&mut self) {
        while let Some(b) = self.peek() {
            if b == b' ' || b == b'\t' {
                self.bump();
            } else if b == b'#' {
                // The comment ends before the newline; a backslash in it is
                // part of the comment, not a line continuation.
                while self.peek_raw().is_some_and(|b| b != b'\n') {
                    self.take_run(|b| b != b'\n');
                }
                return;
            } else {
                return;
            }
        }
    }

    /// Recognise an operator at the current position, consuming it.
    pub fn operator(&mut self) -> Option<Op> {
        let first = self.peek()?;
        let op = match first {
            b'&' => self.op2(Op::And, &[(b'&', Op::AndIf)]),
            b'|' => self.op2(Op::Pipe, &[(b'|', Op::OrIf)]),
            b';' => self.op2(Op::Semi, &[(b';', Op::DSemi), (b'&', Op::SemiAnd)]),
            b'(' => self.op2(Op::LParen, &[]),
            b')' => self.op2(Op::RParen, &[]),
            b'>' => self.op2(
                Op::Great,
                &[
                    (b'>', Op::DGreat),
                    (b'&', Op::GreatAnd),
                    (b'|', Op::Clobber),
                ],
            ),
            b'<' => {
                let op = self.op2(
                    Op::Less,
                    &[
                        (b'<', Op::DLess),
                        (b'&', Op::LessAnd),
                        (b'>', Op::LessGreat),
                    ],
                );
                if op == Op::DLess && self.eat(b'-') {
                    Op::DLessDash
                } else {
                    op
                }
            }
            _ => return None,
        };
        Some(op)
    }

    fn op2(&mut self, single: Op, doubles: &[(u8, Op)]) -> Op {
        self.bump();
        if let Some(b) = self.peek() {
            for &(second, op) in doubles {
                if b == second {
                    self.bump();
                    return op;
                }
            }
        }
        single
    }
}

/// `text` without its NUL bytes: a shell word cannot hold one, and like
/// dash the shell ignores them in its input.
fn without_nul(text: &[u8]) -> Vec<u8> {
    text.iter().copied().filter(|&b| b != 0).collect()
}

/// `true` for the bytes that end an unquoted word (XCU 2.3 rules 6 and 7).
#[inline]
pub(crate) fn is_word_end(b: u8) -> bool {
    matches!(
        b,
        b' ' | b'\t' | b'\n' | b';' | b'&' | b'|' | b'(' | b')' | b'<' | b'>'
    )
}

/// `true` for a byte that may start a name (XCU 3.216).
#[inline]
pub(crate) fn is_name_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

/// `true` for a byte that may continue a name.
#[inline]
pub(crate) fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// `true` when `s` is a name: `[A-Za-z_][A-Za-z0-9_]*`.
pub fn is_name(s: &[u8]) -> bool {
    match s.split_first() {
        Some((&first, rest)) => is_name_start(first) && rest.iter().all(|&b| is_name_byte(b)),
        None => false,
    }
}

/// An operator token (XCU 2.10.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    /// `&`
    And,
    /// `&&`
    AndIf,
    /// `|`
    Pipe,
    /// `||`
    OrIf,
    /// `;`
    Semi,
    /// `;;`
    DSemi,
    /// `;&`
    SemiAnd,
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `<`
    Less,
    /// `>`
    Great,
    /// `>>`
    DGreat,
    /// `>|`
    Clobber,
    /// `<&`
    LessAnd,
    /// `>&`
    GreatAnd,
    /// `<>`
    LessGreat,
    /// `<<`
    DLess,
    /// `<<-`
    DLessDash,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::And => "&",
            Op::AndIf => "&&",
            Op::Pipe => "|",
            Op::OrIf => "||",
            Op::Semi => ";",
            Op::DSemi => ";;",
            Op::SemiAnd => ";&",
            Op::LParen => "(",
            Op::RParen => ")",
            Op::Less => "<",
            Op::Great => ">",
            Op::DGreat => ">>",
            Op::Clobber => ">|",
            Op::LessAnd => "<&",
            Op::GreatAnd => ">&",
            Op::LessGreat => "<>",
            Op::DLess => "<<",
            Op::DLessDash => "<<-",
        }
    }

    /// `true` for the redirection operators.
    pub fn is_redirect(self) -> bool {
        matches!(
            self,
            Op::Less
                | Op::Great
                | Op::DGreat
                | Op::Clobber
                | Op::LessAnd
                | Op::GreatAnd
                | Op::LessGreat
                | Op::DLess
                | Op::DLessDash
        )
    }
}

/// What a token is.
#[derive(Debug)]
pub(crate) enum TokenKind {
    Word(Word),
    /// Digits immediately before `<` or `>`.
    IoNumber(u32),
    Op(Op),
    Newline,
    Eof,
}

/// A token and where it was in the source.
#[derive(Debug)]
pub(crate) struct Token {
    pub kind: TokenKind,
    pub start: Mark,
    /// Offset just past the token.
    pub end: usize,
}

impl Token {
    /// The token's text if it is an unquoted literal word (a candidate
    /// reserved word or alias name).
    pub fn literal(&self) -> Option<&[u8]> {
        match &self.kind {
            TokenKind::Word(w) => match w.parts.as_slice() {
                [super::ast::WordPart::Literal(text)] => Some(text),
                _ => None,
            },
            _ => None,
        }
    }

    /// `true` when the token is the unquoted word `word`.
    pub fn is_word(&self, word: &[u8]) -> bool {
        self.literal() == Some(word)
    }

    pub fn is_op(&self, op: Op) -> bool {
        matches!(self.kind, TokenKind::Op(o) if o == op)
    }
}

/// Is `text` nothing but blanks, newlines and comments (what may follow a
/// script's last command)?
pub fn is_blank(mut text: &[u8]) -> bool {
    loop {
        match text.first() {
            None => return true,
            Some(b' ' | b'\t' | b'\n') => text = &text[1..],
            Some(b'#') => match text.iter().position(|&c| c == b'\n') {
                Some(nl) => text = &text[nl..],
                None => return true,
            },
            Some(_) => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ops(src: &[u8]) -> Vec<Op> {
        let mut s = Source::from_bytes(src, 1);
        let mut v = Vec::new();
        loop {
            s.skip_blanks_and_comment();
            match s.operator() {
                Some(op) => v.push(op),
                None => break,
            }
        }
        v
    }

    #[test]
    fn operators() {
        assert_eq!(
            ops(b"&& || ;; ;& & | ; ( ) < > >> >| <& >& <> << <<-"),
            [
                Op::AndIf,
                Op::OrIf,
                Op::DSemi,
                Op::SemiAnd,
                Op::And,
                Op::Pipe,
                Op::Semi,
                Op::LParen,
                Op::RParen,
                Op::Less,
                Op::Great,
                Op::DGreat,
                Op::Clobber,
                Op::LessAnd,
                Op::GreatAnd,
                Op::LessGreat,
                Op::DLess,
                Op::DLessDash
            ]
        );
    }

    #[test]
    fn continuation_inside_operator() {
        assert_eq!(ops(b"&\\\n& <\\\n<\\\n-"), [Op::AndIf, Op::DLessDash]);
    }

    #[test]
    fn comment_stops_at_newline() {
        let mut s = Source::from_bytes(b"  # a \\\nb", 1);
        s.skip_blanks_and_comment();
        assert_eq!(s.peek(), Some(b'\n'));
    }

    #[test]
    fn lines_and_columns() {
        let mut s = Source::from_bytes(b"ab\\\ncd\ne", 1);
        let mut seen = Vec::new();
        while let Some(b) = s.peek() {
            seen.push((b, s.mark.line, s.mark.column()));
            s.bump();
        }
        assert_eq!(
            seen,
            [
                (b'a', 1, 1),
                (b'b', 1, 2),
                (b'c', 2, 1),
                (b'd', 2, 2),
                (b'\n', 2, 3),
                (b'e', 3, 1)
            ]
        );
    }

    #[test]
    fn nul_bytes_are_ignored() {
        let mut s = Source::from_bytes(b"a\0b", 1);
        assert_eq!(s.peek(), Some(b'a'));
        s.bump();
        assert_eq!(s.peek(), Some(b'b'));
    }

    #[test]
    fn names() {
        assert!(is_name(b"_a1"));
        assert!(!is_name(b"1a"));
        assert!(!is_name(b""));
        assert!(!is_name(b"a-b"));
    }

    struct Lines(Vec<&'static [u8]>, Vec<bool>);
    impl Input for Lines {
        fn read_line(&mut self, buf: &mut Vec<u8>, continuation: bool) -> io::Result<bool> {
            self.1.push(continuation);
            if self.0.is_empty() {
                return Ok(false);
            }
            buf.extend_from_slice(self.0.remove(0));
            Ok(true)
        }
    }

    #[test]
    fn reads_lines_on_demand() {
        let mut input = Lines(vec![b"a\\\n", b"b\n"], Vec::new());
        let mut s = Source::from_input(&mut input, 1);
        assert_eq!(s.peek(), Some(b'a'));
        s.bump();
        assert_eq!(s.peek(), Some(b'b'));
        s.bump();
        assert_eq!(s.peek(), Some(b'\n'));
        s.bump();
        assert_eq!(s.peek(), None);
    }
}
