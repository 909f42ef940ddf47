//! Arithmetic expansion (XCU 2.6.4): `$((...))`, and its ambiguity with `$( (...) )`.

use super::super::ast::{Word, WordPart};
use super::word::{Context, Parts};
use super::{PResult, Parse};

impl Parse<'_, '_> {
    /// At `((` after a `$`: arithmetic if the parentheses balance and end
    /// with `))`; otherwise (as in bash and dash) a command substitution
    /// whose body starts with a subshell.
    pub(super) fn arith_or_command_subst(&mut self) -> PResult<WordPart> {
        let before = self.src.mark;
        if !self.arith_failed.contains(&before.pos) {
            let depth = self.depth;
            self.src.bump();
            self.src.peek();
            self.src.bump();
            if let Ok(Some(expr)) = self.arith_body() {
                return Ok(WordPart::Arith(Box::new(expr)));
            }
            self.depth = depth;
            self.arith_failed.insert(before.pos);
            self.src.reset(before);
        }
        self.src.bump();
        self.command_subst()
    }

    /// The expression after `$((`, through `))`; `None` if it is not one.
    fn arith_body(&mut self) -> PResult<Option<Word>> {
        self.enter()?;
        let mut parts = Parts::default();
        let mut parens = 0usize;
        let ended = loop {
            let Some(b) = self.src.peek() else {
                break false;
            };
            match b {
                b'(' => {
                    self.src.bump();
                    parens += 1;
                    parts.byte(b);
                }
                b')' => {
                    self.src.bump();
                    if parens == 0 {
                        break self.src.eat(b')');
                    }
                    parens -= 1;
                    parts.byte(b);
                }
                b'\\' => self.backslash(Context::DoubleQuoted, &mut parts),
                b'$' => self.dollar(Context::DoubleQuoted, &mut parts)?,
                b'`' => {
                    let part = self.backquoted(false)?;
                    parts.part(part);
                }
                b'"' => {
                    let part = self.double_quoted()?;
                    parts.part(part);
                }
                _ => {
                    self.src.bump();
                    parts.byte(b);
                }
            }
        };
        self.leave();
        Ok(ended.then(|| Word {
            parts: parts.finish(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{check, parse};
    use crate::shell::syntax::ast::*;

    #[test]
    fn arithmetic() {
        check("echo $((1 + 2))", "echo $((1 + 2))");
        check(
            "echo $(( (1) + ($x * ${y}) ))",
            "echo $(( (1) + ($x * ${y}) ))",
        );
        check(
            "echo $(($(echo 1)+`echo 2`))",
            "echo $(($(echo 1)+`echo 2`))",
        );
        let l = parse("echo $((a+1))");
        let Command::Simple(s) = &l.items[0].and_or.first.commands[0] else {
            panic!()
        };
        assert_eq!(
            s.words[1].parts[..],
            [WordPart::Arith(Box::new(Word::literal(b"a+1")))]
        );
    }

    #[test]
    fn subshell_in_command_substitution() {
        check("echo $((echo a) )", "echo $( (echo a))");
        check("echo $((a) | b)", "echo $( (a) | b)");
        check("echo $((a);(b))", "echo $( (a); (b))");
    }

    #[test]
    fn nested_ambiguity_is_not_exponential() {
        let src = format!("echo {}x{}", "$((".repeat(30), ") )".repeat(30));
        let _ =
            crate::shell::syntax::parse_program(src.as_bytes(), &crate::shell::syntax::NoAliases);
    }
}
