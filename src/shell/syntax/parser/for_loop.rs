//! The for loop (XCU 2.9.4.2): `for name [in word...] do_group`.

use super::super::ast::CompoundCommand;
use super::super::lexer::{Op, TokenKind, is_name};
use super::{PResult, Parse};

impl Parse<'_, '_> {
    pub(super) fn for_loop(&mut self) -> PResult<CompoundCommand> {
        let line = self.next()?.start.line;
        let name = match self.peek()?.literal() {
            Some(n) if is_name(n) => Box::<[u8]>::from(n),
            _ => return Err(self.expected("a variable name after \"for\"")),
        };
        self.skip()?;
        let mut words = None;
        // `in` may follow the name on a later line, never after a `;`
        // (`for name sequential_sep do_group` has no word list).
        let mut after_semi = false;
        match self.peek_kind()? {
            TokenKind::Op(Op::Semi) => {
                self.skip()?;
                self.linebreak()?;
                after_semi = true;
            }
            TokenKind::Newline => self.linebreak()?,
            _ => {}
        }
        if !after_semi && self.peek()?.is_word(b"in") {
            self.skip()?;
            let mut list = Vec::new();
            loop {
                match self.peek_kind()? {
                    TokenKind::Word(_) => {
                        if let TokenKind::Word(w) = self.next()?.kind {
                            list.push(w);
                        }
                    }
                    TokenKind::Op(Op::Semi) | TokenKind::Newline => {
                        self.skip()?;
                        break;
                    }
                    _ => return Err(self.unexpected()),
                }
            }
            self.linebreak()?;
            list.shrink_to_fit();
            words = Some(list);
        }
        let body = self.do_group()?;
        Ok(CompoundCommand::For {
            name,
            words,
            body,
            line,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{check, error};

    #[test]
    fn forms() {
        check("for x in a b; do c; done", "for x in a b; do c; done");
        check("for x\ndo c; done", "for x do c; done");
        check("for x; do c; done", "for x do c; done");
        check("for x do c; done", "for x do c; done");
        check("for x\n\nin a\n\ndo c; done", "for x in a; do c; done");
        check("for x in; do c; done", "for x in; do c; done");
        check(
            "for x in do in for; do c; done",
            "for x in do in for; do c; done",
        );
        check("for in in in; do c; done", "for in in in; do c; done");
    }

    #[test]
    fn errors() {
        assert_eq!(
            error("for 1 in a; do b; done").message,
            "expected a variable name after \"for\", found \"1\""
        );
        assert_eq!(error("for x in a b").message, "unexpected end of file");
        assert_eq!(
            error("for x in a; b").message,
            "expected \"do\", found \"b\""
        );
        assert_eq!(error("for x in a | b").message, "unexpected \"|\"");
        assert_eq!(
            error("for x; ; do b; done").message,
            "expected \"do\", found \";\""
        );
        assert_eq!(
            error("for x; in a; do b; done").message,
            "expected \"do\", found \"in\""
        );
        assert_eq!(
            error("for x;\nin a; do b; done").message,
            "expected \"do\", found \"in\""
        );
    }
}
