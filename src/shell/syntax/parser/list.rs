//! Lists (XCU 2.9.3): complete commands at top level, and compound lists inside compound commands.

use super::super::ast::{Item, List};
use super::super::lexer::{Op, TokenKind};
use super::{PResult, Parse, is_reserved};

impl Parse<'_, '_> {
    /// One complete command: and-or lists separated by `;` or `&` up to a
    /// newline (consumed, with its here-document bodies) or the end of
    /// input. `None` at end of input. Never looks past that newline.
    pub(super) fn complete_command(&mut self) -> PResult<Option<List>> {
        loop {
            match self.peek_kind()? {
                TokenKind::Newline => {
                    self.skip()?;
                }
                TokenKind::Eof => return Ok(None),
                _ => break,
            }
        }
        self.src.continuation = true;
        self.active_aliases.clear();
        self.alias_count = 0;
        let mut list = List::default();
        loop {
            if !self.at_command_start()? {
                return Err(self.unexpected());
            }
            let and_or = self.and_or()?;
            let is_async = match self.peek_kind()? {
                TokenKind::Op(Op::Semi) => false,
                TokenKind::Op(Op::And) => true,
                TokenKind::Newline => {
                    self.skip()?;
                    list.items.push(Item {
                        and_or,
                        is_async: false,
                    });
                    break;
                }
                TokenKind::Eof => {
                    list.items.push(Item {
                        and_or,
                        is_async: false,
                    });
                    break;
                }
                _ => return Err(self.unexpected()),
            };
            self.skip()?;
            list.items.push(Item { and_or, is_async });
            match self.peek_kind()? {
                TokenKind::Newline => {
                    self.skip()?;
                    break;
                }
                TokenKind::Eof => break,
                _ => {}
            }
        }
        self.finish_here_docs(&mut list)?;
        list.items.shrink_to_fit();
        Ok(Some(list))
    }

    /// `compound_list`: and-or lists separated by `;`, `&` or newlines, up
    /// to a token that cannot start a command (a closing reserved word,
    /// `)`, `;;`, ...), which is left for the caller. May be empty.
    pub(super) fn compound_list(&mut self) -> PResult<List> {
        self.linebreak()?;
        let mut list = List::default();
        while self.at_command_start()? {
            let and_or = self.and_or()?;
            let is_async = match self.peek_kind()? {
                TokenKind::Op(Op::And) => true,
                TokenKind::Op(Op::Semi) => false,
                TokenKind::Newline => {
                    list.items.push(Item {
                        and_or,
                        is_async: false,
                    });
                    self.linebreak()?;
                    continue;
                }
                _ => {
                    list.items.push(Item {
                        and_or,
                        is_async: false,
                    });
                    break;
                }
            };
            self.skip()?;
            list.items.push(Item { and_or, is_async });
            self.linebreak()?;
        }
        list.items.shrink_to_fit();
        Ok(list)
    }

    /// A compound list that must hold at least one command (POSIX has no
    /// empty bodies: `{ }` and `if a; then fi` are syntax errors).
    pub(super) fn nonempty_compound_list(&mut self) -> PResult<List> {
        let list = self.compound_list()?;
        if list.items.is_empty() {
            return Err(self.unexpected());
        }
        Ok(list)
    }

    /// `true` when the next token (after alias substitution) can start a
    /// command.
    pub(super) fn at_command_start(&mut self) -> PResult<bool> {
        let token = self.peek_command_word()?;
        Ok(match &token.kind {
            TokenKind::Word(_) => match token.literal() {
                Some(w) if is_reserved(w) => matches!(
                    w,
                    b"!" | b"{" | b"if" | b"while" | b"until" | b"for" | b"case"
                ),
                _ => true,
            },
            TokenKind::IoNumber(_) => true,
            TokenKind::Op(op) => *op == Op::LParen || op.is_redirect(),
            TokenKind::Newline | TokenKind::Eof => false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{check, error};

    #[test]
    fn separators() {
        check("a; b & c\nd", "a; b & c; d");
        check("a;\n\nb", "a; b");
        check("a & \n", "a &");
        check("{ a\n\nb & c; }", "{ a; b & c; }");
        check("{ a; b &\n}", "{ a; b & }");
    }

    #[test]
    fn errors() {
        assert_eq!(error(";").message, "unexpected \";\"");
        assert_eq!(error("a;;").message, "unexpected \";;\"");
        assert_eq!(error("a; ;").message, "unexpected \";\"");
        assert_eq!(error("a & &").message, "unexpected \"&\"");
        assert_eq!(error(")").message, "unexpected \")\"");
        assert_eq!(error("fi").message, "unexpected \"fi\"");
        assert_eq!(error("a\nfi").line, 2);
    }
}
