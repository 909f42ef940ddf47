//! The parser: entry points, the token stream the grammar reads, and syntax errors.
//!
//! The grammar (XCU 2.10.2) is split by production into the files of this
//! module, all `impl Parse` blocks over one recursive-descent state. Words
//! are built here too (not in a separate lexer pass) because a word may hold
//! `$(...)`, which is a whole program parsed recursively on the same source.

mod and_or;
mod arith;
mod case;
mod command_subst;
mod compound;
mod for_loop;
mod function;
mod here_doc;
mod if_clause;
mod list;
mod param;
mod pipeline;
mod redirect;
mod simple_command;
mod while_loop;
mod word;

use std::fmt;
use std::io;
use std::rc::Rc;

use rustc_hash::FxHashSet;

use super::ast::{HereDoc, Line, List, Word};
pub(crate) use here_doc::unquote_delimiter as here_doc_delimiter;

use super::lexer::{Input, Mark, Op, Source, Token, TokenKind};

/// How deeply constructs may nest (compound commands, substitutions,
/// parameter expansions, quotes) before the parser gives up, so that
/// adversarial input cannot exhaust the stack of the parser or of the
/// executor. Each level costs the parser about 3 KiB of stack in a release
/// build and 10 KiB in a debug build; real scripts nest a few dozen deep.
pub const MAX_NESTING: usize = 256;

/// At most this many alias substitutions in one complete command.
const MAX_ALIAS_SUBSTITUTIONS: usize = 10_000;

/// Aliases visible while parsing (the executor owns the table).
pub trait Aliases {
    /// The value of alias `name`, if defined.
    fn get(&self, name: &[u8]) -> Option<&[u8]>;
}

/// An empty alias table.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoAliases;

impl Aliases for NoAliases {
    fn get(&self, _name: &[u8]) -> Option<&[u8]> {
        None
    }
}

/// A syntax error and where it was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub line: Line,
    pub column: u32,
    pub message: String,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

impl std::error::Error for SyntaxError {}

/// Why parsing stopped.
#[derive(Debug)]
pub enum ParseError {
    Syntax(SyntaxError),
    /// Reading the input failed.
    Io(io::Error),
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::Syntax(e) => e.fmt(f),
            ParseError::Io(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ParseError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ParseError::Syntax(e) => Some(e),
            ParseError::Io(e) => Some(e),
        }
    }
}

impl From<SyntaxError> for ParseError {
    fn from(e: SyntaxError) -> ParseError {
        ParseError::Syntax(e)
    }
}

impl From<io::Error> for ParseError {
    fn from(e: io::Error) -> ParseError {
        ParseError::Io(e)
    }
}

/// Reads complete commands one at a time from a buffer or a line source.
pub struct Parser<'a> {
    src: Source<'a>,
    /// Where the last complete command started in the source buffer.
    last_start: usize,
}

impl<'a> Parser<'a> {
    /// Parse from a whole buffer in memory (-c strings, script files, eval,
    /// here-doc bodies re-parsed, etc).
    pub fn from_bytes(src: &'a [u8], first_line: Line) -> Parser<'a> {
        Parser {
            src: Source::from_bytes(src, first_line),
            last_start: 0,
        }
    }

    /// Parse from a line-by-line source (stdin, a terminal).
    pub fn from_input(input: &'a mut dyn Input, first_line: Line) -> Parser<'a> {
        Parser {
            src: Source::from_input(input, first_line),
            last_start: 0,
        }
    }

    /// The next complete command: everything up to a newline that ends a
    /// command at top level (and its here-document bodies), or to the end of
    /// input. Ok(None) at end of input. Blank lines and comments are skipped.
    ///
    /// After a syntax error the rest of the offending line is skipped, so
    /// that an interactive shell can go on with the next line.
    pub fn next_command(&mut self, aliases: &dyn Aliases) -> Result<Option<List>, ParseError> {
        self.src.discard_consumed();
        self.last_start = self.src.mark.pos;
        self.src.continuation = false;
        let mut parse = Parse::new(&mut self.src, aliases, 0);
        let result = parse.complete_command();
        let skip_line = result.is_err()
            && !matches!(
                parse.peeked.as_ref().map(|t| &t.kind),
                Some(TokenKind::Newline | TokenKind::Eof)
            );
        drop(parse);
        if let Some(e) = self.src.io_error.take() {
            return Err(ParseError::Io(e));
        }
        match result {
            Ok(list) => Ok(list),
            Err(e) => {
                if skip_line {
                    while let Some(b) = self.src.peek_raw() {
                        self.src.bump();
                        if b == b'\n' {
                            break;
                        }
                    }
                }
                Err(ParseError::Syntax(e))
            }
        }
    }

    /// The line number the parser has reached (for $LINENO of later commands).
    pub fn line(&self) -> Line {
        self.src.mark.line
    }

    /// How far into an in-memory source the parser has read (a byte offset;
    /// meaningful only while no alias has been substituted).
    pub fn offset(&self) -> usize {
        self.src.mark.pos
    }

    /// The source text of the last complete command (for `set -v`), with
    /// aliases already substituted.
    pub fn last_text(&self) -> &[u8] {
        self.src.slice(self.last_start, self.src.mark.pos)
    }

    /// Has an in-memory source nothing left but blanks and comments? Lets
    /// the shell replace itself with the last command of `-c` (no fork).
    pub fn at_end(&self) -> bool {
        self.src.rest_is_blank()
    }
}

/// Parse `text` as the body of an unquoted here-document: parameter,
/// command and arithmetic expansions, backslash special only before `$`,
/// `` ` ``, `\` and newline. For prompts (PS1, PS4), which undergo these
/// expansions. `None` when the text does not parse.
pub fn parse_word_text(text: &[u8]) -> Option<Word> {
    if !text.iter().any(|&c| matches!(c, b'$' | b'`' | b'\\')) {
        return Some(Word::literal(text));
    }
    let mut source = Source::from_owned(text.to_vec(), 1);
    let parts = Parse::new(&mut source, &NoAliases, 0)
        .word_parts(word::Context::HereDoc)
        .ok()?;
    Some(Word { parts })
}

/// Parse a whole program at once (e.g. the body of `eval` or a trap action).
pub fn parse_program(src: &[u8], aliases: &dyn Aliases) -> Result<List, ParseError> {
    let mut source = Source::from_bytes(src, 1);
    let mut parse = Parse::new(&mut source, aliases, 0);
    Ok(parse.program()?)
}

pub(crate) type PResult<T> = Result<T, SyntaxError>;

/// A here-document whose operator has been read but not yet its body.
struct PendingHereDoc {
    /// The delimiter after quote removal.
    delimiter: Vec<u8>,
    strip_tabs: bool,
    quoted: bool,
}

/// The state of one recursive-descent parse over a source.
pub(crate) struct Parse<'p, 's> {
    src: &'p mut Source<'s>,
    aliases: &'p dyn Aliases,
    /// One token of lookahead.
    peeked: Option<Token>,
    /// Here-documents waiting for the next newline token.
    pending_here_docs: Vec<PendingHereDoc>,
    /// Bodies read, in order, waiting to be put into the tree.
    here_doc_bodies: Vec<Word>,
    depth: usize,
    /// Aliases being substituted, with the offset where the substituted
    /// text ends: an alias is not substituted again inside its own value.
    active_aliases: Vec<(Box<[u8]>, usize)>,
    /// Set when an alias value ended in a blank: the word starting at or
    /// after this offset is also checked for alias substitution.
    blank_alias_end: Option<usize>,
    alias_count: usize,
    /// Offsets where `$((` did not parse as arithmetic, so that nested
    /// ambiguous openings are not re-tried exponentially often.
    arith_failed: FxHashSet<usize>,
}

impl<'p, 's> Parse<'p, 's> {
    fn new(src: &'p mut Source<'s>, aliases: &'p dyn Aliases, depth: usize) -> Parse<'p, 's> {
        Parse {
            src,
            aliases,
            peeked: None,
            pending_here_docs: Vec::new(),
            here_doc_bodies: Vec::new(),
            depth,
            active_aliases: Vec::new(),
            blank_alias_end: None,
            alias_count: 0,
            arith_failed: FxHashSet::default(),
        }
    }

    /// Parse everything up to the end of input as one list.
    fn program(&mut self) -> PResult<List> {
        let mut all = List::default();
        while let Some(list) = self.complete_command()? {
            all.items.extend(list.items);
        }
        Ok(all)
    }

    /// Enter a nested construct; fails past `MAX_NESTING`.
    fn enter(&mut self) -> PResult<()> {
        if self.depth >= MAX_NESTING {
            return Err(self.error_here("nesting too deep"));
        }
        self.depth += 1;
        Ok(())
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    // ---- tokens ----

    /// The next token, without consuming it.
    fn peek(&mut self) -> PResult<&Token> {
        // Matched in place: taking the token out and putting it back
        // copied it twice per call, a tenth of a script's parse time.
        match self.peeked {
            Some(ref token) => Ok(token),
            None => {
                let token = self.lex()?;
                Ok(self.peeked.insert(token))
            }
        }
    }

    /// The next token, consumed.
    fn next(&mut self) -> PResult<Token> {
        match self.peeked.take() {
            Some(t) => Ok(t),
            None => self.lex(),
        }
    }

    /// Consume the next token without moving it out: for the callers
    /// that looked at it already and need nothing of it.
    fn skip(&mut self) -> PResult<()> {
        if self.peeked.is_some() {
            self.peeked = None;
        } else {
            self.lex()?;
        }
        Ok(())
    }

    /// Consume the next token if it is a word, and give its word, where
    /// it started and the offset past it; `None`, consuming nothing, for
    /// any other token. The word is taken out of the lookahead slot, not
    /// the whole token moved out (see [`skip`](Self::skip)).
    fn next_word(&mut self) -> PResult<Option<(Word, Mark, usize)>> {
        self.peek()?;
        let Some(Token {
            kind: TokenKind::Word(word),
            start,
            end,
        }) = &mut self.peeked
        else {
            return Ok(None);
        };
        let taken = (std::mem::take(word), *start, *end);
        self.peeked = None;
        Ok(Some(taken))
    }

    fn peek_kind(&mut self) -> PResult<&TokenKind> {
        Ok(&self.peek()?.kind)
    }

    fn peek_is_op(&mut self, op: Op) -> PResult<bool> {
        Ok(self.peek()?.is_op(op))
    }

    /// Skip newline tokens (the grammar's `linebreak`).
    fn linebreak(&mut self) -> PResult<()> {
        while matches!(self.peek_kind()?, TokenKind::Newline) {
            self.skip()?;
        }
        Ok(())
    }

    /// Recognise one token (XCU 2.3).
    fn lex(&mut self) -> PResult<Token> {
        self.src.skip_blanks_and_comment();
        let start = self.src.mark;
        let kind = match self.src.peek() {
            None => TokenKind::Eof,
            Some(b'\n') => {
                self.src.bump();
                self.read_here_doc_bodies()?;
                TokenKind::Newline
            }
            Some(_) => match self.src.operator() {
                Some(op) => TokenKind::Op(op),
                None => {
                    let word = self.word()?;
                    match self.io_number(&word) {
                        Some(n) => TokenKind::IoNumber(n),
                        None => TokenKind::Word(word),
                    }
                }
            },
        };
        Ok(Token {
            kind,
            start,
            end: self.src.mark.pos,
        })
    }

    /// A word of digits directly followed by `<` or `>` is an io_number
    /// (XCU 2.10.1 rule 2); one too large for an fd stays a word.
    fn io_number(&mut self, word: &Word) -> Option<u32> {
        let digits = word.as_literal()?;
        if digits.is_empty() || digits.len() > 9 || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        if !matches!(self.src.peek(), Some(b'<' | b'>')) {
            return None;
        }
        digits.iter().try_fold(0u32, |n, &d| {
            n.checked_mul(10)?.checked_add(u32::from(d - b'0'))
        })
    }

    // ---- reserved words and aliases ----

    /// Peek at a token in command position: reserved words are recognised
    /// there, and other unquoted words are subject to alias substitution.
    fn peek_command_word(&mut self) -> PResult<&Token> {
        loop {
            let token = self.peek()?;
            match token.literal() {
                Some(w) if !is_reserved(w) => {
                    if !self.substitute_alias()? {
                        break;
                    }
                }
                _ => break,
            }
        }
        self.peek()
    }

    /// After an alias whose value ends in a blank, the next word is checked
    /// for alias substitution too (XCU 2.3.1).
    fn check_blank_alias(&mut self) -> PResult<()> {
        while let Some(end) = self.blank_alias_end {
            let token = self.peek()?;
            if token.start.pos < end && !matches!(token.kind, TokenKind::Eof) {
                return Ok(());
            }
            let is_literal = token.literal().is_some();
            self.blank_alias_end = None;
            if !is_literal || !self.substitute_alias()? {
                return Ok(());
            }
        }
        Ok(())
    }

    /// Substitute the peeked word if it names an alias not already being
    /// substituted. Returns true if it did.
    fn substitute_alias(&mut self) -> PResult<bool> {
        let Some(token) = &self.peeked else {
            return Ok(false);
        };
        let Some(name) = token.literal() else {
            return Ok(false);
        };
        let (start, end, at) = (token.start.pos, token.end, token.start);
        self.active_aliases.retain(|(_, e)| *e > start);
        if self.active_aliases.iter().any(|(n, _)| **n == *name) {
            return Ok(false);
        }
        let Some(value) = self.aliases.get(name) else {
            return Ok(false);
        };
        self.alias_count += 1;
        if self.alias_count > MAX_ALIAS_SUBSTITUTIONS {
            return Err(self.error_at(at, "too many alias substitutions"));
        }
        let name: Box<[u8]> = name.into();
        let new_end = start + value.len();
        for (_, e) in &mut self.active_aliases {
            *e = (*e + value.len()).saturating_sub(end - start);
        }
        self.active_aliases.push((name, new_end));
        // A pending check for the word after an enclosing alias moves with
        // the text; one for this very word is used up.
        self.blank_alias_end = match value.last() {
            Some(b' ' | b'\t') => Some(new_end),
            _ => self
                .blank_alias_end
                .filter(|&e| e >= end)
                .map(|e| (e + value.len()).saturating_sub(end - start)),
        };
        self.src.splice(start, end, value, at);
        self.peeked = None;
        self.arith_failed.clear();
        Ok(true)
    }

    // ---- here-documents ----

    /// Read, for a complete command or a command substitution that ended
    /// without a final newline, the bodies still pending, then put all the
    /// bodies read into the here-document redirections of `list`.
    fn finish_here_docs(&mut self, list: &mut List) -> PResult<()> {
        if !self.pending_here_docs.is_empty() {
            self.read_here_doc_bodies()?;
        }
        if self.here_doc_bodies.is_empty() {
            return Ok(());
        }
        let mut bodies = std::mem::take(&mut self.here_doc_bodies).into_iter();
        here_doc::fill_list(list, &mut bodies);
        Ok(())
    }

    // ---- errors ----

    fn error_at(&self, mark: Mark, message: impl Into<String>) -> SyntaxError {
        SyntaxError {
            line: mark.line,
            column: mark.column(),
            message: message.into(),
        }
    }

    fn error_here(&self, message: impl Into<String>) -> SyntaxError {
        self.error_at(self.src.mark, message)
    }

    /// How a token is named in a message.
    fn describe(&self, token: &Token) -> String {
        match &token.kind {
            TokenKind::Eof => "end of file".into(),
            TokenKind::Newline => "newline".into(),
            TokenKind::Op(op) => format!("\"{}\"", op.as_str()),
            TokenKind::Word(_) | TokenKind::IoNumber(_) => {
                let text = self.src.slice(token.start.pos, token.end);
                format!("\"{}\"", String::from_utf8_lossy(text))
            }
        }
    }

    /// `unexpected X` for the next token.
    fn unexpected(&mut self) -> SyntaxError {
        match self.peek() {
            Ok(_) => {}
            Err(e) => return e,
        }
        let Some(token) = &self.peeked else {
            return self.error_here("unexpected end of file");
        };
        let message = format!("unexpected {}", self.describe(token));
        self.error_at(token.start, message)
    }

    /// `expected W, found X` for the next token.
    fn expected(&mut self, what: &str) -> SyntaxError {
        match self.peek() {
            Ok(_) => {}
            Err(e) => return e,
        }
        let Some(token) = &self.peeked else {
            return self.error_here(format!("expected {what}"));
        };
        let message = format!("expected {what}, found {}", self.describe(token));
        self.error_at(token.start, message)
    }

    /// Consume the reserved word `word` or fail.
    fn expect_word(&mut self, word: &[u8]) -> PResult<()> {
        if self.peek()?.is_word(word) {
            self.skip()?;
            Ok(())
        } else {
            Err(self.expected(&format!("\"{}\"", String::from_utf8_lossy(word))))
        }
    }

    /// Consume the operator `op` or fail.
    fn expect_op(&mut self, op: Op) -> PResult<Token> {
        if self.peek_is_op(op)? {
            self.next()
        } else {
            Err(self.expected(&format!("\"{}\"", op.as_str())))
        }
    }
}

/// The reserved words (XCU 2.4).
pub(crate) fn is_reserved(word: &[u8]) -> bool {
    matches!(
        word,
        b"!" | b"{"
            | b"}"
            | b"case"
            | b"do"
            | b"done"
            | b"elif"
            | b"else"
            | b"esac"
            | b"fi"
            | b"for"
            | b"if"
            | b"in"
            | b"then"
            | b"until"
            | b"while"
    )
}

/// A placeholder here-document whose body is filled in later.
fn here_doc_placeholder(delimiter: &[u8], strip_tabs: bool, quoted: bool) -> Rc<HereDoc> {
    Rc::new(HereDoc {
        delimiter: delimiter.into(),
        strip_tabs,
        quoted,
        body: Word::default(),
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::shell::syntax::ast::*;

    /// Parse `src` whole; panics on error.
    pub fn parse(src: &str) -> List {
        match parse_program(src.as_bytes(), &NoAliases) {
            Ok(l) => l,
            Err(e) => panic!("{src:?}: {e}"),
        }
    }

    /// The error message for `src`.
    pub fn error(src: &str) -> SyntaxError {
        match parse_program(src.as_bytes(), &NoAliases) {
            Ok(l) => panic!("{src:?} parsed as {l:?}"),
            Err(ParseError::Syntax(e)) => e,
            Err(e) => panic!("{src:?}: {e}"),
        }
    }

    /// Parse, print back, and check that the printed form parses to the
    /// same tree (but for line numbers); returns the printed form.
    pub fn canon(src: &str) -> String {
        let list = parse(src);
        let printed = list.to_source();
        let again = match parse_program(&printed, &NoAliases) {
            Ok(l) => l,
            Err(e) => panic!(
                "{src:?} printed as {:?} which fails: {e}",
                String::from_utf8_lossy(&printed)
            ),
        };
        assert_eq!(
            without_lines(&list),
            without_lines(&again),
            "{src:?} printed as {:?}",
            String::from_utf8_lossy(&printed)
        );
        String::from_utf8(printed).unwrap_or_default()
    }

    thread_local! {
        /// Set by `without_lines` when it meets a here-document body cut
        /// short by the end of input: one that does not end in a newline
        /// (its printed form gains one), or whose delimiter spans lines
        /// (it takes in what is printed after it).
        pub static CUT_SHORT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }

    /// A copy of `list` with every line number set to 0, for comparing a
    /// tree with the tree of its printed form.
    pub fn without_lines(list: &List) -> List {
        List {
            items: list
                .items
                .iter()
                .map(|item| Item {
                    and_or: AndOr {
                        first: pipeline(&item.and_or.first),
                        rest: item
                            .and_or
                            .rest
                            .iter()
                            .map(|(op, p)| (*op, pipeline(p)))
                            .collect(),
                    },
                    is_async: item.is_async,
                })
                .collect(),
        }
    }

    fn pipeline(p: &Pipeline) -> Pipeline {
        Pipeline {
            negated: p.negated,
            commands: p.commands.iter().map(command).collect(),
        }
    }

    fn command(c: &Command) -> Command {
        match c {
            Command::Simple(s) => Command::Simple(SimpleCommand {
                assigns: s
                    .assigns
                    .iter()
                    .map(|a| Assign {
                        name: a.name.clone(),
                        value: word(&a.value),
                    })
                    .collect(),
                words: s.words.iter().map(word).collect(),
                assignment_args: s.assignment_args.clone(),
                redirects: redirects(&s.redirects),
                line: 0,
            }),
            Command::Compound(c, r) => Command::Compound(compound(c), redirects(r)),
            Command::FunctionDef(f) => Command::FunctionDef(FunctionDef {
                name: f.name.clone(),
                body: Rc::new(FunctionBody {
                    command: compound(&f.body.command),
                    redirects: redirects(&f.body.redirects),
                    line: 0,
                }),
            }),
        }
    }

    fn compound(c: &CompoundCommand) -> CompoundCommand {
        match c {
            CompoundCommand::BraceGroup(l) => CompoundCommand::BraceGroup(without_lines(l)),
            CompoundCommand::Subshell(l) => CompoundCommand::Subshell(without_lines(l)),
            CompoundCommand::For {
                name, words, body, ..
            } => CompoundCommand::For {
                name: name.clone(),
                words: words.as_ref().map(|w| w.iter().map(word).collect()),
                body: without_lines(body),
                line: 0,
            },
            CompoundCommand::Case { subject, arms, .. } => CompoundCommand::Case {
                subject: word(subject),
                arms: arms
                    .iter()
                    .map(|a| CaseArm {
                        patterns: a.patterns.iter().map(word).collect(),
                        body: without_lines(&a.body),
                        terminator: a.terminator,
                    })
                    .collect(),
                line: 0,
            },
            CompoundCommand::If {
                branches,
                else_branch,
            } => CompoundCommand::If {
                branches: branches
                    .iter()
                    .map(|(c, b)| (without_lines(c), without_lines(b)))
                    .collect(),
                else_branch: else_branch.as_ref().map(without_lines),
            },
            CompoundCommand::While { cond, body } => CompoundCommand::While {
                cond: without_lines(cond),
                body: without_lines(body),
            },
            CompoundCommand::Until { cond, body } => CompoundCommand::Until {
                cond: without_lines(cond),
                body: without_lines(body),
            },
        }
    }

    fn redirects(r: &[Redirect]) -> Vec<Redirect> {
        r.iter()
            .map(|r| Redirect {
                fd: r.fd,
                op: r.op,
                line: 0,
                target: match &r.target {
                    RedirTarget::Word(w) => RedirTarget::Word(word(w)),
                    RedirTarget::HereDoc(d) => {
                        let body = word(&d.body);
                        let ends_line = match body.parts.last() {
                            Some(WordPart::Literal(t)) => t.ends_with(b"\n"),
                            None => true,
                            Some(_) => false,
                        };
                        let multi_line = here_doc_delimiter(&d.delimiter).0.contains(&b'\n');
                        if !ends_line || multi_line {
                            CUT_SHORT.set(true);
                        }
                        RedirTarget::HereDoc(Rc::new(HereDoc {
                            delimiter: d.delimiter.clone(),
                            strip_tabs: d.strip_tabs,
                            quoted: d.quoted,
                            body,
                        }))
                    }
                },
            })
            .collect()
    }

    fn word(w: &Word) -> Word {
        Word {
            parts: w.parts.iter().map(part).collect(),
        }
    }

    fn part(p: &WordPart) -> WordPart {
        match p {
            WordPart::DoubleQuoted(parts) => {
                WordPart::DoubleQuoted(parts.iter().map(part).collect())
            }
            WordPart::Param(exp) => {
                let op = match &exp.op {
                    ParamOp::Plain => ParamOp::Plain,
                    ParamOp::Length => ParamOp::Length,
                    ParamOp::Default(w) => ParamOp::Default(word(w)),
                    ParamOp::Assign(w) => ParamOp::Assign(word(w)),
                    ParamOp::Error(w) => ParamOp::Error(word(w)),
                    ParamOp::Alternative(w) => ParamOp::Alternative(word(w)),
                    ParamOp::RemoveSmallestSuffix(w) => ParamOp::RemoveSmallestSuffix(word(w)),
                    ParamOp::RemoveLargestSuffix(w) => ParamOp::RemoveLargestSuffix(word(w)),
                    ParamOp::RemoveSmallestPrefix(w) => ParamOp::RemoveSmallestPrefix(word(w)),
                    ParamOp::RemoveLargestPrefix(w) => ParamOp::RemoveLargestPrefix(word(w)),
                    ParamOp::Bad(text) => ParamOp::Bad(text.clone()),
                };
                WordPart::Param(Box::new(ParamExp {
                    param: exp.param.clone(),
                    op,
                    colon: exp.colon,
                    braced: exp.braced,
                }))
            }
            WordPart::CommandSubst { body, backquoted } => WordPart::CommandSubst {
                body: Rc::new(without_lines(body)),
                backquoted: *backquoted,
            },
            WordPart::Arith(w) => WordPart::Arith(Box::new(word(w))),
            other => other.clone(),
        }
    }

    /// Assert that `src` prints back as `expected`.
    #[track_caller]
    pub fn check(src: &str, expected: &str) {
        assert_eq!(canon(src), expected, "source {src:?}");
    }

    #[test]
    fn simple_commands_and_lists() {
        check("echo test", "echo test");
        check("a;b", "a; b");
        check("a & b", "a & b");
        check("a&", "a &");
        check("  # comment\n\n a # more\n", "a");
    }

    #[test]
    fn next_command_stops_at_each_line() {
        let mut p = Parser::from_bytes(b"a\n\n# c\nb; c\nd &\n", 1);
        let mut got = Vec::new();
        while let Some(list) = p.next_command(&NoAliases).unwrap() {
            got.push(list.to_string());
        }
        assert_eq!(got, ["a", "b; c", "d &"]);
        assert_eq!(p.line(), 6);
    }

    #[test]
    fn line_numbers() {
        let lines = |l: &List| -> Vec<Line> {
            l.items
                .iter()
                .map(|i| match &i.and_or.first.commands[0] {
                    Command::Simple(s) => s.line,
                    _ => 0,
                })
                .collect()
        };
        assert_eq!(lines(&parse("a\n\nb \\\n c\n")), [1, 3]);
        // Quotes and comments spanning lines are read in runs of bytes;
        // each newline in them still counts.
        let src = "a 'x\ny\n' # c\nb \"1\n2\"\nc ab\\\ncd\n# '\nd\n";
        let l = parse(src);
        assert_eq!(lines(&l), [1, 4, 6, 9]);
        assert_eq!(l.to_string(), "a 'x\ny\n'; b \"1\n2\"; c abcd; d");
        let mut p = Parser::from_bytes(src.as_bytes(), 1);
        while p.next_command(&NoAliases).unwrap().is_some() {}
        assert_eq!(p.line(), 10);
        let mut p = Parser::from_bytes(b"x", 7);
        let Some(l) = p.next_command(&NoAliases).unwrap() else {
            panic!()
        };
        let Command::Simple(s) = &l.items[0].and_or.first.commands[0] else {
            panic!()
        };
        assert_eq!(s.line, 7);
    }

    struct Lines {
        lines: Vec<&'static str>,
        prompts: Vec<bool>,
    }

    impl Input for Lines {
        fn read_line(&mut self, buf: &mut Vec<u8>, continuation: bool) -> io::Result<bool> {
            self.prompts.push(continuation);
            if self.lines.is_empty() {
                return Ok(false);
            }
            buf.extend_from_slice(self.lines.remove(0).as_bytes());
            Ok(true)
        }
    }

    #[test]
    fn input_reads_only_what_a_command_needs() {
        let mut input = Lines {
            lines: vec!["\n", "if a\n", "then b; fi\n", "c\n"],
            prompts: Vec::new(),
        };
        {
            let mut p = Parser::from_input(&mut input, 1);
            let l = p.next_command(&NoAliases).unwrap().unwrap();
            assert_eq!(l.to_string(), "if a; then b; fi");
            assert_eq!(p.line(), 4);
        }
        // Blank line and first line with PS1, the rest with PS2; "c" not read.
        assert_eq!(input.prompts, [false, false, true]);
        assert_eq!(input.lines, ["c\n"]);
    }

    #[test]
    fn input_here_doc_bodies_are_read_with_the_command() {
        let mut input = Lines {
            lines: vec!["cat <<E; echo \\\n", "x\n", "hi $x\n", "E\n", "echo next\n"],
            prompts: Vec::new(),
        };
        {
            let mut p = Parser::from_input(&mut input, 1);
            let l = p.next_command(&NoAliases).unwrap().unwrap();
            assert_eq!(l.to_string(), "cat <<E\nhi $x\nE\necho x");
            assert_eq!(p.line(), 5);
        }
        assert_eq!(input.prompts, [false, true, true, true]);
        assert_eq!(input.lines, ["echo next\n"]);
    }

    #[test]
    fn recovers_after_error_on_next_line() {
        let mut input = Lines {
            lines: vec!["echo ) x\n", "echo ok\n"],
            prompts: Vec::new(),
        };
        let mut p = Parser::from_input(&mut input, 1);
        assert!(p.next_command(&NoAliases).is_err());
        let l = p.next_command(&NoAliases).unwrap().unwrap();
        assert_eq!(l.to_string(), "echo ok");
        assert!(p.next_command(&NoAliases).unwrap().is_none());
    }

    struct Failing;
    impl Input for Failing {
        fn read_line(&mut self, _: &mut Vec<u8>, _: bool) -> io::Result<bool> {
            Err(io::Error::other("boom"))
        }
    }

    #[test]
    fn io_errors_are_reported() {
        let mut input = Failing;
        let mut p = Parser::from_input(&mut input, 1);
        assert!(matches!(p.next_command(&NoAliases), Err(ParseError::Io(_))));
    }

    #[test]
    fn error_display() {
        let e = error("echo )");
        assert_eq!(e.to_string(), "line 1, column 6: unexpected \")\"");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        // A debug build needs more than the 2 MiB of a test thread.
        std::thread::Builder::new()
            .stack_size(32 << 20)
            .spawn(deep_nesting)
            .map(|t| t.join())
            .unwrap_or(Ok(()))
            .unwrap_or_else(|e| std::panic::resume_unwind(e));
    }

    fn deep_nesting() {
        let src = "(".repeat(100_000);
        assert!(error(&src).message.contains("nesting"));
        let src = "$(".repeat(100_000);
        assert!(error(&format!("echo {src}")).message.contains("nesting"));
        let src = "${x-".repeat(100_000);
        assert!(error(&format!("echo {src}")).message.contains("nesting"));
        let src = "`".repeat(3);
        let _ = parse_program(src.as_bytes(), &NoAliases);
        let src = format!("{}x{}", "{ ".repeat(250), "; }".repeat(250));
        canon(&src);
        let src = format!("{}x{}", "{ ".repeat(257), "; }".repeat(257));
        assert!(error(&src).message.contains("nesting"));
        let src = "\"$(".repeat(100_000);
        assert!(error(&src).message.contains("nesting"));
        let src = "$((".repeat(100_000);
        assert!(parse_program(src.as_bytes(), &NoAliases).is_err());
    }

    struct Table(Vec<(&'static str, &'static str)>);

    impl Aliases for Table {
        fn get(&self, name: &[u8]) -> Option<&[u8]> {
            self.0
                .iter()
                .find(|(n, _)| n.as_bytes() == name)
                .map(|(_, v)| v.as_bytes())
        }
    }

    fn with_aliases(src: &str, table: &[(&'static str, &'static str)]) -> String {
        match parse_program(src.as_bytes(), &Table(table.to_vec())) {
            Ok(l) => l.to_string(),
            Err(e) => format!("error: {e}"),
        }
    }

    #[test]
    fn aliases() {
        let t = [
            ("ll", "ls -l"),
            ("ls", "ls -a"),
            ("a", "b "),
            ("b", "c"),
            ("myif", "if"),
            ("if", "echo"),
            ("x", "y"),
            ("y", "x"),
            ("rec", "rec "),
            ("f", "g"),
            ("semi", "echo 1;"),
            ("empty", ""),
            ("LEFT", "("),
            ("e_", "for i in 1 2 3; do echo $i;"),
            ("q", "echo \""),
            ("br", "echo [ "),
        ];
        for (src, expected) in [
            ("ll x", "ls -a -l x"),
            ("ls", "ls -a"),
            ("echo ll", "echo ll"),
            ("\\ll; 'll'", "\\ll; 'll'"),
            ("a b", "c c"),
            ("a ll", "c ls -l"),
            ("a echo b", "c echo b"),
            ("myif true; then ll; fi", "if true; then ls -a -l; fi"),
            ("if true; then :; fi", "if true; then :; fi"),
            ("x", "x"),
            ("rec rec rec", "rec rec rec"),
            ("f() { :; }", "g() { :; }"),
            ("v=1 ll", "v=1 ls -a -l"),
            (">o ll", "ls -a -l >o"),
            ("echo $(ll)", "echo $(ls -a -l)"),
            ("echo `ll`", "echo `ls -a -l`"),
            ("true && ll | ll", "true && ls -a -l | ls -a -l"),
            ("semi 2", "echo 1; 2"),
            ("empty echo", "echo"),
            (
                "for ll in ll; do ll; done",
                "for ll in ll; do ls -a -l; done",
            ),
            ("case ll in ll) ll;; esac", "case ll in ll) ls -a -l;; esac"),
            ("LEFT echo one; echo two )", "(echo one; echo two)"),
            ("e_ done", "for i in 1 2 3; do echo $i; done"),
            ("empty (( var = 0 ))", "( (var = 0))"),
            (
                "q '${var}\"'",
                "error: line 1, column 16: unterminated single quote",
            ),
            ("cat <<E\n$(br ])\nE\n", "cat <<E\n$(echo [ ])\nE\n"),
        ] {
            assert_eq!(with_aliases(src, &t), expected, "{src}");
        }
    }

    #[test]
    fn alias_applies_from_the_next_command_on() {
        let t = Table(vec![("ll", "ls -l")]);
        let mut p = Parser::from_bytes(b"ll\nll", 1);
        assert_eq!(
            p.next_command(&NoAliases).unwrap().unwrap().to_string(),
            "ll"
        );
        assert_eq!(p.next_command(&t).unwrap().unwrap().to_string(), "ls -l");
    }
}
