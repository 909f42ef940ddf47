//! Redirections (XCU 2.7): `[n]op word`, and here-document operators registering their body.

use super::super::ast::{RedirOp, RedirTarget, Redirect};
use super::super::lexer::{Op, TokenKind};
use super::here_doc::{strip_continuations, unquote_delimiter};
use super::{PResult, Parse, PendingHereDoc, here_doc_placeholder};

impl Parse<'_, '_> {
    /// `true` when the next token starts a redirection.
    pub(super) fn at_redirect(&mut self) -> PResult<bool> {
        Ok(match self.peek_kind()? {
            TokenKind::IoNumber(_) => true,
            TokenKind::Op(op) => op.is_redirect(),
            _ => false,
        })
    }

    /// One redirection; the caller has checked `at_redirect`.
    pub(super) fn redirect(&mut self) -> PResult<Redirect> {
        let fd = match self.peek_kind()? {
            TokenKind::IoNumber(n) => {
                let n = *n;
                self.skip()?;
                Some(n)
            }
            _ => None,
        };
        let op = match self.peek_kind()? {
            TokenKind::Op(op) if op.is_redirect() => *op,
            _ => return Err(self.unexpected()),
        };
        self.skip()?;
        let Some((word, start, end)) = self.next_word()? else {
            return Err(self.expected(&format!("a word after \"{}\"", op.as_str())));
        };
        let op = match op {
            Op::Less => RedirOp::Input,
            Op::Great => RedirOp::Output,
            Op::Clobber => RedirOp::Clobber,
            Op::DGreat => RedirOp::Append,
            Op::LessGreat => RedirOp::ReadWrite,
            Op::LessAnd => RedirOp::DupInput,
            Op::GreatAnd => RedirOp::DupOutput,
            _ => {
                let strip_tabs = op == Op::DLessDash;
                let mut raw = strip_continuations(self.src.slice(start.pos, end));
                // A backslash at the end of input quotes itself.
                if raw.iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 1 {
                    raw.push(b'\\');
                }
                let (delimiter, quoted) = unquote_delimiter(&raw);
                self.pending_here_docs.push(PendingHereDoc {
                    delimiter,
                    strip_tabs,
                    quoted,
                });
                return Ok(Redirect {
                    fd,
                    line: start.line,
                    op: RedirOp::HereDoc,
                    target: RedirTarget::HereDoc(here_doc_placeholder(&raw, strip_tabs, quoted)),
                });
            }
        };
        Ok(Redirect {
            fd,
            op,
            target: RedirTarget::Word(word),
            line: start.line,
        })
    }

    /// Redirections after a compound command or function body.
    pub(super) fn redirect_list(&mut self) -> PResult<Vec<Redirect>> {
        let mut redirects = Vec::new();
        while self.at_redirect()? {
            redirects.push(self.redirect()?);
        }
        redirects.shrink_to_fit();
        Ok(redirects)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{check, error, parse};
    use crate::shell::syntax::ast::*;

    #[test]
    fn operators_and_io_numbers() {
        check(
            "a <f >g >>h >|i <>j <&0 >&- 2>&1 10>x 3<y",
            "a <f >g >>h >|i <>j <&0 >&- 2>&1 10>x 3<y",
        );
        check("a 2 >x a2>x \"2\">x", "a 2 a2 \"2\" >x >x >x");
        check(">f a=b c", "a=b c >f");
        check("2\\\n>x", "2>x");
        check("echo 99999999999>x", "echo 99999999999 >x");
    }

    #[test]
    fn redirect_fields() {
        let l = parse("a 2>&1");
        let Command::Simple(s) = &l.items[0].and_or.first.commands[0] else {
            panic!()
        };
        assert_eq!(
            s.redirects,
            [Redirect {
                fd: Some(2),
                op: RedirOp::DupOutput,
                target: RedirTarget::Word(Word::literal(b"1")),
                line: 1,
            }]
        );
    }

    #[test]
    fn missing_target() {
        assert_eq!(
            error("a >").message,
            "expected a word after \">\", found end of file"
        );
        assert_eq!(
            error("a > ;").message,
            "expected a word after \">\", found \";\""
        );
        assert_eq!(
            error("a <<\n").message,
            "expected a word after \"<<\", found newline"
        );
    }
}
