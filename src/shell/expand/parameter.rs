//! Parameter expansion (XCU 2.6.2): `$x`, `${x:-w}`, `${#x}`, `${x%p}` and
//! the special parameters.

use super::pattern::{Charset, Pattern};
use super::{PatternSink, Sink, StringSink};
use crate::shell::env::Shell;
use crate::shell::env::options::Opt;
use crate::shell::exec::Divert;
use crate::shell::syntax::ast::{Param, ParamExp, ParamOp, Word};
use std::borrow::Cow;

/// The value of a parameter: one string, or the positional parameters for
/// `$@` and `$*` (kept apart so `"$@"` can make one field each).
enum Value<'a> {
    Unset,
    One(Cow<'a, [u8]>),
    Positional { star: bool },
}

impl Shell {
    fn param_value(&self, param: &Param) -> Value<'_> {
        match param {
            Param::Name(name) => match self.vars.get(name) {
                Some(v) => Value::One(Cow::Borrowed(v)),
                None if &name[..] == b"LINENO" => {
                    Value::One(Cow::Owned(self.lineno.to_string().into_bytes()))
                }
                None => Value::Unset,
            },
            Param::Positional(n) => match self.positional.get(n.wrapping_sub(1)) {
                Some(v) if *n > 0 => Value::One(Cow::Borrowed(v)),
                _ => Value::Unset,
            },
            Param::Special(c) => match c {
                b'@' => Value::Positional { star: false },
                b'*' => Value::Positional { star: true },
                b'#' => Value::One(Cow::Owned(self.positional.len().to_string().into_bytes())),
                b'?' => Value::One(Cow::Owned(self.last_status.to_string().into_bytes())),
                b'-' => Value::One(Cow::Owned(self.option_letters())),
                b'$' => {
                    self.give_out_pid();
                    Value::One(Cow::Owned(self.shell_pid.to_string().into_bytes()))
                }
                b'!' => match self.last_async {
                    Some(pid) => Value::One(Cow::Owned(pid.to_string().into_bytes())),
                    None => Value::Unset,
                },
                b'0' => Value::One(Cow::Borrowed(&self.arg0)),
                _ => Value::Unset,
            },
        }
    }

    /// Is the character type locale UTF-8 (LC_ALL, then LC_CTYPE, then
    /// LANG)? Then `${#x}` counts characters and patterns match them;
    /// otherwise bytes, as in the C locale.
    pub fn utf8_locale(&self) -> bool {
        for name in [&b"LC_ALL"[..], b"LC_CTYPE", b"LANG"] {
            if let Some(v) = self.vars.get(name).filter(|v| !v.is_empty()) {
                // No lowercased copy: patterns ask this on every match.
                return v.windows(4).any(|w| w.eq_ignore_ascii_case(b"utf8"))
                    || v.windows(5).any(|w| w.eq_ignore_ascii_case(b"utf-8"));
            }
        }
        false
    }

    /// What a character is for pattern matching in the current locale.
    pub fn charset(&self) -> Charset {
        if self.utf8_locale() {
            Charset::Utf8
        } else {
            Charset::Bytes
        }
    }

    /// The charset to match a pattern against subjects in, given the
    /// pattern text and the subjects: bytes when all are ASCII, since then
    /// bytes are characters in every locale, and finding the locale would
    /// cost more than the match itself.
    pub fn charset_for<'a>(&self, texts: impl IntoIterator<Item = &'a [u8]>) -> Charset {
        if texts.into_iter().all(<[u8]>::is_ascii) {
            Charset::Bytes
        } else {
            self.charset()
        }
    }

    /// `$-`: the letters of the options that are on.
    pub fn option_letters(&self) -> Vec<u8> {
        let mut letters = self.options.letters();
        if self.interactive && !letters.contains(&b'i') {
            letters.push(b'i');
        }
        letters
    }

    /// `"$*"`: the positional parameters joined by the first byte of IFS
    /// (a space when IFS is unset, nothing when it is empty).
    fn joined_positional(&self) -> Vec<u8> {
        let sep: Option<u8> = match self.vars.get(b"IFS") {
            None => Some(b' '),
            Some(ifs) => ifs.first().copied(),
        };
        let mut out = Vec::new();
        for (i, p) in self.positional.iter().enumerate() {
            if i > 0
                && let Some(sep) = sep
            {
                out.push(sep);
            }
            out.extend_from_slice(p);
        }
        out
    }

    /// Expand one parameter expansion into `sink`.
    pub fn expand_param<S: Sink>(
        &mut self,
        exp: &ParamExp,
        quoted: bool,
        sink: &mut S,
    ) -> Result<(), Divert> {
        match &exp.op {
            ParamOp::Plain => {
                match self.param_value(&exp.param) {
                    Value::One(v) => {
                        // Borrow juggling: the sink is not part of `self`.
                        if quoted {
                            sink.quoted(&v)
                        } else {
                            sink.expanded(&v)
                        }
                    }
                    Value::Positional { star } => self.push_positional(star, quoted, sink),
                    Value::Unset => {
                        self.check_nounset(&exp.param)?;
                    }
                }
                Ok(())
            }
            ParamOp::Length => {
                let utf8 = self.utf8_locale();
                let len = match self.param_value(&exp.param) {
                    Value::One(v) if utf8 => char_count(&v),
                    Value::One(v) => v.len(),
                    Value::Positional { .. } => self.positional.len(),
                    Value::Unset => {
                        self.check_nounset(&exp.param)?;
                        0
                    }
                };
                let text = len.to_string();
                if quoted {
                    sink.quoted(text.as_bytes())
                } else {
                    sink.expanded(text.as_bytes())
                }
                Ok(())
            }
            ParamOp::Default(word)
            | ParamOp::Assign(word)
            | ParamOp::Error(word)
            | ParamOp::Alternative(word) => self.expand_conditional(exp, word, quoted, sink),
            ParamOp::RemoveSmallestSuffix(word)
            | ParamOp::RemoveLargestSuffix(word)
            | ParamOp::RemoveSmallestPrefix(word)
            | ParamOp::RemoveLargestPrefix(word) => self.expand_trim(exp, word, quoted, sink),
            ParamOp::Bad(text) => {
                let mut shown = b"${".to_vec();
                shown.extend_from_slice(text);
                shown.push(b'}');
                Err(self.expansion_error(format!(
                    "{}: bad substitution",
                    String::from_utf8_lossy(&shown)
                )))
            }
        }
    }

    fn push_positional<S: Sink>(&self, star: bool, quoted: bool, sink: &mut S) {
        if quoted && star {
            let joined = self.joined_positional();
            sink.quoted(&joined);
            return;
        }
        if !sink.splits() && star {
            // `x=$*`: joined as for "$*".
            let joined = self.joined_positional();
            sink.expanded(&joined);
            return;
        }
        for (i, p) in self.positional.iter().enumerate() {
            if quoted {
                if i > 0 {
                    sink.hard_break();
                }
                sink.quoted(p);
            } else {
                if i > 0 {
                    sink.soft_break();
                }
                sink.expanded(p);
            }
        }
    }

    /// Is the parameter set, and (for the colon forms) non-empty?
    fn param_is_set(&self, param: &Param, colon: bool) -> bool {
        match self.param_value(param) {
            Value::Unset => false,
            Value::One(v) => !colon || !v.is_empty(),
            Value::Positional { star } => {
                if !colon {
                    // `$@` and `$*` count as set (even with no parameters)
                    // only if there is at least one.
                    !self.positional.is_empty()
                } else if star {
                    !self.joined_positional().is_empty()
                } else {
                    self.positional.iter().any(|p| !p.is_empty()) || self.positional.len() > 1
                }
            }
        }
    }

    fn expand_conditional<S: Sink>(
        &mut self,
        exp: &ParamExp,
        word: &Word,
        quoted: bool,
        sink: &mut S,
    ) -> Result<(), Divert> {
        let set = self.param_is_set(&exp.param, exp.colon);
        match &exp.op {
            ParamOp::Default(_) => {
                if set {
                    self.expand_param_plain(&exp.param, quoted, sink)
                } else {
                    self.expand_param_word(&word.parts, quoted, sink)
                }
            }
            ParamOp::Alternative(_) => {
                if set {
                    self.expand_param_word(&word.parts, quoted, sink)
                } else {
                    Ok(())
                }
            }
            ParamOp::Assign(_) => {
                if set {
                    return self.expand_param_plain(&exp.param, quoted, sink);
                }
                let Param::Name(name) = &exp.param else {
                    let shown = param_display(&exp.param);
                    return Err(self.expansion_error(format!("{shown}: cannot assign in this way")));
                };
                let mut value = StringSink::default();
                self.expand_parts(&word.parts, false, &mut value)?;
                if let Err(e) = self.vars.set(name, &value.text) {
                    return Err(self.expansion_error(e.to_string()));
                }
                if quoted {
                    sink.quoted(&value.text)
                } else {
                    sink.expanded(&value.text)
                }
                Ok(())
            }
            ParamOp::Error(_) => {
                if set {
                    return self.expand_param_plain(&exp.param, quoted, sink);
                }
                let mut message = StringSink::default();
                self.expand_parts(&word.parts, false, &mut message)?;
                let mut text = param_display(&exp.param).into_bytes();
                text.extend_from_slice(b": ");
                if message.text.is_empty() {
                    text.extend_from_slice(if exp.colon {
                        b"parameter null or not set"
                    } else {
                        b"parameter not set"
                    });
                } else {
                    text.extend_from_slice(&message.text);
                }
                Err(self.expansion_error(text))
            }
            _ => Ok(()),
        }
    }

    /// The plain expansion of a parameter known to be set.
    fn expand_param_plain<S: Sink>(
        &mut self,
        param: &Param,
        quoted: bool,
        sink: &mut S,
    ) -> Result<(), Divert> {
        match self.param_value(param) {
            Value::One(v) => {
                if quoted {
                    sink.quoted(&v)
                } else {
                    sink.expanded(&v)
                }
            }
            Value::Positional { star } => self.push_positional(star, quoted, sink),
            Value::Unset => {}
        }
        Ok(())
    }

    fn expand_trim<S: Sink>(
        &mut self,
        exp: &ParamExp,
        word: &Word,
        quoted: bool,
        sink: &mut S,
    ) -> Result<(), Divert> {
        let mut pattern = PatternSink::default();
        self.expand_parts(&word.parts, false, &mut pattern)?;
        let pattern = pattern.text;
        let trim = |pattern: &Pattern, value: &[u8]| -> Vec<u8> {
            match &exp.op {
                ParamOp::RemoveSmallestPrefix(_) | ParamOp::RemoveLargestPrefix(_) => {
                    let longest = matches!(exp.op, ParamOp::RemoveLargestPrefix(_));
                    match pattern.match_prefix(value, longest) {
                        Some(n) => value[n..].to_vec(),
                        None => value.to_vec(),
                    }
                }
                _ => {
                    let longest = matches!(exp.op, ParamOp::RemoveLargestSuffix(_));
                    match pattern.match_suffix(value, longest) {
                        Some(n) => value[..n].to_vec(),
                        None => value.to_vec(),
                    }
                }
            }
        };
        match self.param_value(&exp.param) {
            Value::One(v) => {
                let charset = self.charset_for([&pattern[..], &v[..]]);
                let out = trim(&Pattern::new(&pattern, charset), &v);
                if quoted {
                    sink.quoted(&out)
                } else {
                    sink.expanded(&out)
                }
            }
            Value::Positional { star } => {
                // Applied to each positional parameter in turn.
                let texts = self.positional.iter().map(|p| &p[..]);
                let charset = self.charset_for(texts.chain([&pattern[..]]));
                let compiled = Pattern::new(&pattern, charset);
                let trimmed: Vec<Vec<u8>> =
                    self.positional.iter().map(|p| trim(&compiled, p)).collect();
                let saved = std::mem::replace(&mut self.positional, trimmed);
                self.push_positional(star, quoted, sink);
                self.positional = saved;
            }
            Value::Unset => self.check_nounset(&exp.param)?,
        }
        Ok(())
    }

    /// `set -u`: expanding an unset parameter (other than `$@`, `$*`) is an
    /// error.
    fn check_nounset(&mut self, param: &Param) -> Result<(), Divert> {
        if !self.opt(Opt::NoUnset) {
            return Ok(());
        }
        if matches!(param, Param::Special(b'@' | b'*')) {
            return Ok(());
        }
        let text = format!("{}: parameter not set", param_display(param));
        Err(self.expansion_error(text))
    }

    /// Report an expansion error and make the shell (or subshell) exit, as a
    /// non-interactive shell must (XCU 2.8.1).
    pub fn expansion_error(&mut self, message: impl AsRef<[u8]>) -> Divert {
        self.error(message);
        Divert::Error(crate::shell::env::status::USAGE)
    }
}

/// The parameter's name for messages.
fn param_display(param: &Param) -> String {
    match param {
        Param::Name(n) => String::from_utf8_lossy(n).into_owned(),
        Param::Positional(n) => n.to_string(),
        Param::Special(c) => (*c as char).to_string(),
    }
}

/// `${#x}`: the number of characters. Bytes that are not part of valid
/// UTF-8 count one each, so plain ASCII and binary data count bytes.
fn char_count(v: &[u8]) -> usize {
    if v.is_ascii() {
        return v.len();
    }
    let mut count = 0;
    let mut rest = v;
    while !rest.is_empty() {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                count += s.chars().count();
                break;
            }
            Err(e) => {
                let good = e.valid_up_to();
                // SAFETY-free: from_utf8 said these bytes are valid.
                count += std::str::from_utf8(&rest[..good])
                    .map(|s| s.chars().count())
                    .unwrap_or(good);
                let bad = e.error_len().unwrap_or(rest.len() - good);
                count += bad;
                rest = &rest[good + bad..];
            }
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::char_count;

    #[test]
    fn counts_characters() {
        assert_eq!(char_count(b"abc"), 3);
        assert_eq!(char_count("é😀".as_bytes()), 2);
        assert_eq!(char_count(b"\xffa"), 2);
    }
}
