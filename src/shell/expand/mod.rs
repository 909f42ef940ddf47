//! Word expansion (XCU 2.6), in POSIX's order: tilde expansion, parameter
//! expansion, command substitution and arithmetic expansion (left to right),
//! then field splitting, pathname expansion and quote removal.
//!
//! The first four steps walk a word's parts and feed the results to a
//! [`Sink`] as chunks that remember how they were quoted. The sink decides
//! what the rest of the steps are: [`fields::FieldSink`] splits and globs
//! command words, [`StringSink`] just concatenates (assignments, here-doc
//! bodies, redirection targets), [`PatternSink`] keeps quoted characters
//! literal for pattern matching (`case`, `${x#pattern}`).

pub mod arith;
pub mod command_subst;
pub mod fields;
pub mod parameter;
pub mod pathname;
pub mod pattern;
pub mod tilde;

use crate::shell::env::Shell;
use crate::shell::exec::Divert;
use crate::shell::syntax::ast::{Word, WordPart};

/// Where expanded text goes. Each call carries one chunk and says how it
/// was quoted, which decides field splitting and pattern meaning.
pub trait Sink {
    /// Unquoted text from the source (not split; pattern characters active).
    fn literal(&mut self, text: &[u8]);
    /// Quoted text, or the result of an expansion inside double quotes
    /// (never split; pattern characters literal). Marks the field as
    /// present even when empty (`""` is an empty field).
    fn quoted(&mut self, text: &[u8]);
    /// The result of an unquoted expansion (split by IFS; pattern characters
    /// active).
    fn expanded(&mut self, text: &[u8]);
    /// A boundary between the fields of `"$@"`: always separates, even
    /// around empty fields.
    fn hard_break(&mut self);
    /// A boundary between the fields of unquoted `$@` and `$*`: separates
    /// like IFS white space.
    fn soft_break(&mut self);
    /// True when the sink splits fields (then `$@` keeps its fields apart).
    fn splits(&self) -> bool {
        false
    }
}

/// Concatenates everything: the expansion of a word to a single string with
/// quotes removed and no splitting or globbing.
#[derive(Default)]
pub struct StringSink {
    pub text: Vec<u8>,
}

impl Sink for StringSink {
    fn literal(&mut self, text: &[u8]) {
        self.text.extend_from_slice(text);
    }
    fn quoted(&mut self, text: &[u8]) {
        self.text.extend_from_slice(text);
    }
    fn expanded(&mut self, text: &[u8]) {
        self.text.extend_from_slice(text);
    }
    fn hard_break(&mut self) {
        self.text.push(b' ');
    }
    fn soft_break(&mut self) {
        self.text.push(b' ');
    }
}

/// Builds a pattern for [`pattern::Pattern::new`]: quoted characters are
/// escaped with a backslash so they match only themselves.
#[derive(Default)]
pub struct PatternSink {
    pub text: Vec<u8>,
}

/// Append `text` to `out` with every character that means something in a
/// pattern escaped by a backslash.
pub fn escape_pattern(out: &mut Vec<u8>, text: &[u8]) {
    for &c in text {
        if matches!(c, b'\\' | b'*' | b'?' | b'[' | b']' | b'!' | b'^' | b'-') {
            out.push(b'\\');
        }
        out.push(c);
    }
}

impl Sink for PatternSink {
    fn literal(&mut self, text: &[u8]) {
        self.text.extend_from_slice(text);
    }
    fn quoted(&mut self, text: &[u8]) {
        escape_pattern(&mut self.text, text);
    }
    fn expanded(&mut self, text: &[u8]) {
        self.text.extend_from_slice(text);
    }
    fn hard_break(&mut self) {
        self.text.push(b' ');
    }
    fn soft_break(&mut self) {
        self.text.push(b' ');
    }
}

impl Shell {
    /// Expand the words of a command into fields: all steps, including field
    /// splitting and pathname expansion.
    pub fn expand_words(&mut self, words: &[Word]) -> Result<Vec<Vec<u8>>, Divert> {
        let mut out = Vec::with_capacity(words.len());
        for word in words {
            // Fast path: a plain literal with no pattern characters is
            // itself (most command names and arguments).
            if let [WordPart::Literal(text)] = word.parts.as_slice()
                && !pattern::has_meta(text)
            {
                out.push(text.to_vec());
                continue;
            }
            self.expand_word_fields(word, &mut out)?;
        }
        Ok(out)
    }

    /// [`Shell::expand_words`] for a declaration utility: the words at
    /// `assignments` (`name=value` arguments) each expand to one field, as
    /// an assignment's value does.
    pub fn expand_declaration(
        &mut self,
        words: &[Word],
        assignments: &[usize],
    ) -> Result<Vec<Vec<u8>>, Divert> {
        let mut out = Vec::with_capacity(words.len());
        for (i, word) in words.iter().enumerate() {
            if assignments.contains(&i) {
                out.push(self.expand_word_string(word)?);
            } else {
                out.extend(self.expand_words(std::slice::from_ref(word))?);
            }
        }
        Ok(out)
    }

    /// Expand one word into fields, appending them to `out`.
    pub fn expand_word_fields(
        &mut self,
        word: &Word,
        out: &mut Vec<Vec<u8>>,
    ) -> Result<(), Divert> {
        let ifs = self.ifs();
        let mut sink = fields::FieldSink::new(ifs.as_deref());
        self.expand_parts(&word.parts, false, &mut sink)?;
        // The locale is looked up only for a word that may need it.
        let glob = (sink.has_meta() && !self.opt(crate::shell::env::options::Opt::NoGlob))
            .then(|| self.charset());
        sink.finish(out, glob);
        Ok(())
    }

    /// Expand a word to one string: no field splitting, no pathname
    /// expansion (assignment values, redirection targets, here-doc bodies,
    /// the word of `case`).
    pub fn expand_word_string(&mut self, word: &Word) -> Result<Vec<u8>, Divert> {
        if let Some(text) = word.as_literal() {
            return Ok(text.to_vec());
        }
        let mut sink = StringSink::default();
        self.expand_parts(&word.parts, false, &mut sink)?;
        Ok(sink.text)
    }

    /// Expand a word for use as a pattern: quoted characters come out
    /// escaped by a backslash.
    pub fn expand_word_pattern(&mut self, word: &Word) -> Result<Vec<u8>, Divert> {
        let mut sink = PatternSink::default();
        self.expand_parts(&word.parts, false, &mut sink)?;
        Ok(sink.text)
    }

    /// The value of IFS: `None` when unset (meaning `<space><tab><newline>`).
    fn ifs(&self) -> Option<Vec<u8>> {
        self.vars.get(b"IFS").map(<[u8]>::to_vec)
    }

    /// Expand `parts` into `sink`. `quoted` is true inside double quotes.
    pub fn expand_parts<S: Sink>(
        &mut self,
        parts: &[WordPart],
        quoted: bool,
        sink: &mut S,
    ) -> Result<(), Divert> {
        self.expand_parts_in(parts, quoted, false, sink)
    }

    /// Expand the word of `${x-word}` and its kin. Unquoted, even its
    /// literal text is subject to field splitting, as in dash and bash
    /// (`${unset:-a b}` is two fields).
    pub fn expand_param_word<S: Sink>(
        &mut self,
        parts: &[WordPart],
        quoted: bool,
        sink: &mut S,
    ) -> Result<(), Divert> {
        self.expand_parts_in(parts, quoted, !quoted, sink)
    }

    fn expand_parts_in<S: Sink>(
        &mut self,
        parts: &[WordPart],
        quoted: bool,
        split_literals: bool,
        sink: &mut S,
    ) -> Result<(), Divert> {
        for part in parts {
            match part {
                WordPart::Literal(text) => {
                    if quoted {
                        sink.quoted(text)
                    } else if split_literals {
                        sink.expanded(text)
                    } else {
                        sink.literal(text)
                    }
                }
                WordPart::Quoted { text, .. } => sink.quoted(text),
                WordPart::DoubleQuoted(inner) => {
                    // `""` is an empty field; `"$@"` with no parameters is
                    // no field at all.
                    if !is_lone_at(inner) {
                        sink.quoted(b"");
                    }
                    self.expand_parts_in(inner, true, false, sink)?;
                }
                WordPart::Tilde(user) => {
                    let home = self.tilde(user);
                    match home {
                        Some(home) => sink.quoted(&home),
                        None => {
                            let mut text = b"~".to_vec();
                            text.extend_from_slice(user);
                            sink.literal(&text);
                        }
                    }
                }
                WordPart::Param(param) => self.expand_param(param, quoted, sink)?,
                WordPart::CommandSubst { body, .. } => {
                    let output = self.command_subst(body)?;
                    if quoted {
                        sink.quoted(&output)
                    } else {
                        sink.expanded(&output)
                    }
                }
                WordPart::Arith(expr) => {
                    let value = self.arith_expand(expr)?;
                    let text = value.to_string();
                    if quoted {
                        sink.quoted(text.as_bytes())
                    } else {
                        sink.expanded(text.as_bytes())
                    }
                }
            }
        }
        Ok(())
    }
}

/// Is this the inside of `"$@"` (or `"${@}"`) alone?
fn is_lone_at(inner: &[WordPart]) -> bool {
    use crate::shell::syntax::ast::{Param, ParamOp};
    matches!(inner, [WordPart::Param(p)] if p.param == Param::Special(b'@') && p.op == ParamOp::Plain)
}

/// Arithmetic reads and assigns shell variables.
impl arith::ArithEnv for crate::shell::env::vars::Vars {
    fn get(&self, name: &[u8]) -> Option<&[u8]> {
        crate::shell::env::vars::Vars::get(self, name)
    }

    fn set(&mut self, name: &[u8], value: i64) -> Result<(), String> {
        crate::shell::env::vars::Vars::set(self, name, value.to_string().as_bytes())
            .map_err(|e| e.to_string())
    }
}

impl Shell {
    /// `$((expression))`: expand the expression text, then evaluate it.
    pub fn arith_expand(&mut self, expr: &Word) -> Result<i64, Divert> {
        let text = match expr.as_literal() {
            Some(text) => std::borrow::Cow::Borrowed(text),
            None => {
                let mut sink = StringSink::default();
                self.expand_parts(&expr.parts, true, &mut sink)?;
                std::borrow::Cow::Owned(sink.text)
            }
        };
        match arith::eval(&text, &mut self.vars) {
            Ok(value) => Ok(value),
            Err(e) => {
                let message = format!(
                    "arithmetic expression: {}: \"{}\"",
                    e,
                    String::from_utf8_lossy(&text)
                );
                Err(self.expansion_error(message))
            }
        }
    }
}
