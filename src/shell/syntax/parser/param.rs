//! Parameter expansion (XCU 2.6.2): `$name`, `$1`, `$@`, and every `${...}` form; and the `$` dispatch.

use super::super::ast::{Param, ParamExp, ParamOp, Text, Word, WordPart};
use super::super::lexer::{is_name_byte, is_name_start};
use super::word::{Context, Parts, tilde_at_start};
use super::{PResult, Parse};

impl Parse<'_, '_> {
    /// `$` and what follows it; a `$` that starts no expansion is literal.
    pub(super) fn dollar(&mut self, ctx: Context, parts: &mut Parts) -> PResult<()> {
        let dollar = self.src.mark;
        self.src.bump();
        let part = match self.src.peek() {
            Some(b'{') => self.braced_param(ctx, dollar)?,
            Some(b'(') => {
                if self.src.peek_second() == Some(b'(') {
                    self.arith_or_command_subst()?
                } else {
                    self.src.bump();
                    self.command_subst()?
                }
            }
            Some(b'\'') if ctx.in_double_quotes() => {
                parts.byte(b'$');
                return Ok(());
            }
            Some(b'\'') => self.dollar_single_quoted()?,
            Some(b) if is_name_start(b) => {
                let name = self.name();
                plain(Param::Name(name), false)
            }
            Some(b @ b'0'..=b'9') => {
                self.src.bump();
                plain(digit_param(b), false)
            }
            Some(b @ (b'@' | b'*' | b'#' | b'?' | b'-' | b'$' | b'!')) => {
                self.src.bump();
                plain(Param::Special(b), false)
            }
            _ => {
                parts.byte(b'$');
                return Ok(());
            }
        };
        parts.part(part);
        Ok(())
    }

    /// A name at the current position (the first byte is a name start).
    fn name(&mut self) -> Text {
        let mut name = Text::new();
        // A line continuation may split a name: runs, then `peek` past it.
        while self.src.peek().is_some_and(is_name_byte) {
            name.extend_from_slice(self.src.take_run(is_name_byte));
        }
        name
    }

    /// `${...}`, from the `{`.
    fn braced_param(&mut self, ctx: Context, open: super::Mark) -> PResult<WordPart> {
        self.src.bump();
        self.enter()?;
        let part = self.braced_param_inner(ctx, open);
        self.leave();
        part
    }

    fn braced_param_inner(&mut self, ctx: Context, open: super::Mark) -> PResult<WordPart> {
        let inside = self.src.mark;
        let bad = |p: &mut Self| p.bad_substitution(inside, open);
        if self.src.peek() == Some(b'#') {
            // `${#}` is `$#`; `${#x}` is a length; otherwise `#` is the
            // parameter and an operator follows (`${#-x}`, `${##}`...).
            let before = self.src.mark;
            self.src.bump();
            if self.src.eat(b'}') {
                return Ok(braced(Param::Special(b'#'), ParamOp::Plain, false));
            }
            if let Some(param) = self.braced_param_name()?
                && self.src.eat(b'}')
            {
                return Ok(braced(param, ParamOp::Length, false));
            }
            self.src.reset(before);
        }
        let Some(param) = self.braced_param_name()? else {
            return match self.src.peek() {
                None => Err(self.error_at(open, "unterminated parameter expansion")),
                Some(_) => bad(self),
            };
        };
        let (colon, op, double) = match self.src.peek() {
            Some(b'}') => {
                self.src.bump();
                return Ok(braced(param, ParamOp::Plain, false));
            }
            Some(b':') => {
                self.src.bump();
                match self.src.peek() {
                    Some(c @ (b'-' | b'=' | b'?' | b'+')) => {
                        self.src.bump();
                        (true, c, false)
                    }
                    _ => return bad(self),
                }
            }
            Some(c @ (b'-' | b'=' | b'?' | b'+')) => {
                self.src.bump();
                (false, c, false)
            }
            Some(c @ (b'%' | b'#')) => {
                self.src.bump();
                (false, c, self.src.eat(c))
            }
            None => return Err(self.error_at(open, "unterminated parameter expansion")),
            Some(_) => return bad(self),
        };
        let word = self.brace_word(ctx, matches!(op, b'%' | b'#'))?;
        if !self.src.eat(b'}') {
            return Err(self.error_at(open, "unterminated parameter expansion"));
        }
        let op = match (op, double) {
            (b'-', _) => ParamOp::Default(word),
            (b'=', _) => ParamOp::Assign(word),
            (b'?', _) => ParamOp::Error(word),
            (b'+', _) => ParamOp::Alternative(word),
            (b'%', false) => ParamOp::RemoveSmallestSuffix(word),
            (b'%', true) => ParamOp::RemoveLargestSuffix(word),
            (_, false) => ParamOp::RemoveSmallestPrefix(word),
            (_, true) => ParamOp::RemoveLargestPrefix(word),
        };
        Ok(braced(param, op, colon))
    }

    /// A `${...}` of a form POSIX does not define, from just inside its
    /// `{`: its text up to the matching `}` (braces nest; quotes and
    /// backslashes hide braces), kept to be an error when expanded.
    fn bad_substitution(&mut self, inside: super::Mark, open: super::Mark) -> PResult<WordPart> {
        self.src.reset(inside);
        let mut depth = 0usize;
        let mut quote = None;
        loop {
            let Some(b) = self.src.peek() else {
                return Err(self.error_at(open, "unterminated parameter expansion"));
            };
            let end = self.src.mark.pos;
            self.src.bump();
            match (quote, b) {
                (Some(q), _) if b == q => quote = None,
                (Some(b'\''), _) => {}
                (_, b'\\') if self.src.peek().is_some() => self.src.bump(),
                (Some(_), _) => {}
                (None, b'\'' | b'"') => quote = Some(b),
                (None, b'{') => depth += 1,
                (None, b'}') if depth == 0 => {
                    let text = self.src.slice(inside.pos, end).into();
                    return Ok(braced(Param::Special(b'?'), ParamOp::Bad(text), false));
                }
                (None, b'}') => depth -= 1,
                _ => {}
            }
        }
    }

    /// The parameter inside braces: a name, digits, or a special parameter.
    fn braced_param_name(&mut self) -> PResult<Option<Param>> {
        let Some(b) = self.src.peek() else {
            return Ok(None);
        };
        Ok(Some(if is_name_start(b) {
            Param::Name(self.name())
        } else if b.is_ascii_digit() {
            let mut n: usize = 0;
            let start = self.src.mark;
            while let Some(d @ b'0'..=b'9') = self.src.peek() {
                self.src.bump();
                n = match n
                    .checked_mul(10)
                    .and_then(|n| n.checked_add(usize::from(d - b'0')))
                {
                    Some(n) => n,
                    None => return Err(self.error_at(start, "bad substitution")),
                };
            }
            if n == 0 {
                Param::Special(b'0')
            } else {
                Param::Positional(n)
            }
        } else if matches!(b, b'@' | b'*' | b'#' | b'?' | b'-' | b'$' | b'!') {
            self.src.bump();
            Param::Special(b)
        } else {
            return Ok(None);
        }))
    }

    /// The word after a `${x` operator, up to the closing `}`. Outside
    /// double quotes it is read like an unquoted word in which blanks and
    /// operators are ordinary; inside them, like double-quoted text in
    /// which `"` opens a nested quotation and `'` is ordinary, but for
    /// a pattern.
    fn brace_word(&mut self, ctx: Context, pattern: bool) -> PResult<Word> {
        if ctx.in_double_quotes() {
            let inner = if pattern {
                Context::PatternInDoubleQuotes
            } else {
                Context::BraceInDoubleQuotes
            };
            let parts = self.word_parts(inner)?;
            Ok(Word { parts })
        } else {
            let mut parts = self.word_parts(Context::Brace)?;
            tilde_at_start(&mut parts);
            Ok(Word { parts })
        }
    }
}

fn digit_param(b: u8) -> Param {
    if b == b'0' {
        Param::Special(b'0')
    } else {
        Param::Positional(usize::from(b - b'0'))
    }
}

fn plain(param: Param, braced: bool) -> WordPart {
    WordPart::Param(Box::new(ParamExp {
        param,
        op: ParamOp::Plain,
        colon: false,
        braced,
    }))
}

fn braced(param: Param, op: ParamOp, colon: bool) -> WordPart {
    WordPart::Param(Box::new(ParamExp {
        param,
        op,
        colon,
        braced: true,
    }))
}

#[cfg(test)]
mod tests {
    use super::super::tests::{check, error, parse};
    use crate::shell::syntax::ast::*;

    fn param(src: &str) -> ParamExp {
        let l = parse(&format!("echo {src}"));
        let Command::Simple(s) = &l.items[0].and_or.first.commands[0] else {
            panic!()
        };
        match &s.words[1].parts[..] {
            [WordPart::Param(p)] => (**p).clone(),
            other => panic!("{src}: {other:?}"),
        }
    }

    #[test]
    fn unbraced() {
        assert_eq!(
            param("$abc_1").param,
            Param::Name(b"abc_1".as_slice().into())
        );
        assert_eq!(param("$1").param, Param::Positional(1));
        assert_eq!(param("$0").param, Param::Special(b'0'));
        for c in "@*#?-$!".chars() {
            assert_eq!(param(&format!("${c}")).param, Param::Special(c as u8));
        }
        check(
            "echo $10 $ab.c $ $% a$ \"$\"",
            "echo $10 $ab.c $ $% a$ \"$\"",
        );
    }

    #[test]
    fn braced_forms() {
        assert_eq!(param("${10}").param, Param::Positional(10));
        assert_eq!(param("${#}").param, Param::Special(b'#'));
        assert_eq!(param("${#x}").op, ParamOp::Length);
        assert_eq!(param("${#@}").op, ParamOp::Length);
        assert_eq!(param("${##}").op, ParamOp::Length);
        let p = param("${#-x}");
        assert_eq!(
            (p.param, p.op),
            (Param::Special(b'#'), ParamOp::Default(Word::literal(b"x")))
        );
        let p = param("${x:-a b}");
        assert!(p.colon);
        assert_eq!(p.op, ParamOp::Default(Word::literal(b"a b")));
        for (src, exp) in [
            ("${x-a}", "${x-a}"),
            ("${x:=a}", "${x:=a}"),
            ("${x?}", "${x?}"),
            ("${x:+$y}", "${x:+$y}"),
            ("${x%a*}", "${x%a*}"),
            ("${x%%a*}", "${x%%a*}"),
            ("${x#a*}", "${x#a*}"),
            ("${x##a*}", "${x##a*}"),
            ("${x-~/a}", "${x-~/a}"),
            ("${x-${y-$(echo })}}", "${x-${y-$(echo })}}"),
            ("${x-\"a}\"}", "${x-\"a}\"}"),
            ("\"${x-'a'}\"", "\"${x-'a'}\""),
            ("\"${x-\"a\"}\"", "\"${x-\"a\"}\""),
            ("\"${x-\\}}\"", "\"${x-\\}}\""),
            ("${x-'}'}", "${x-'}'}"),
            ("\"${x%'*'}\"", "\"${x%'*'}\""),
            ("\"${x##'a'\"b\"}\"", "\"${x##'a'\"b\"}\""),
        ] {
            check(&format!("echo {src}"), &format!("echo {exp}"));
        }
    }

    #[test]
    fn single_quotes_in_double_quoted_braces_are_literal() {
        let l = parse("echo \"${x-'a'}\"");
        let Command::Simple(s) = &l.items[0].and_or.first.commands[0] else {
            panic!()
        };
        let [WordPart::DoubleQuoted(inner)] = &s.words[1].parts[..] else {
            panic!()
        };
        let [WordPart::Param(p)] = &inner[..] else {
            panic!()
        };
        assert_eq!(p.op, ParamOp::Default(Word::literal(b"'a'")));
    }

    #[test]
    fn single_quotes_quote_in_double_quoted_patterns() {
        assert_eq!(
            error("echo \"${foo%d'}\"").message,
            "unterminated single quote"
        );
    }

    #[test]
    fn bad_substitutions_parse_and_fail_only_when_expanded() {
        for src in [
            "${}",
            "${x!y}",
            "${x/a/b}",
            "${!x}",
            "${x:}",
            "${ x}",
            "${x:0:2}",
            "${x/'}'/\\}}",
            "${x-${y:1}}",
        ] {
            check(&format!("echo {src}"), &format!("echo {src}"));
        }
        assert_eq!(
            param("${x:0:2}").op,
            ParamOp::Bad(b"x:0:2".as_slice().into())
        );
        let e = error("echo ${x:0");
        assert!(e.message.contains("unterminated"), "{e}");
        assert_eq!(e.column, 6);
    }
}
