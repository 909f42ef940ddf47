//! Commands (XCU 2.9.4): the dispatch between simple and compound commands; brace groups and subshells.

use super::super::ast::{Command, CompoundCommand};
use super::super::lexer::{Op, TokenKind};
use super::{PResult, Parse};

impl Parse<'_, '_> {
    /// One command, or `None` when the next token cannot start one.
    pub(super) fn command(&mut self) -> PResult<Option<Command>> {
        let token = self.peek_command_word()?;
        let starts_compound = match &token.kind {
            TokenKind::Op(Op::LParen) => true,
            TokenKind::Op(op) if op.is_redirect() => false,
            TokenKind::Word(_) => match token.literal() {
                Some(b"{" | b"if" | b"while" | b"until" | b"for" | b"case") => true,
                Some(w) if super::is_reserved(w) => return Ok(None),
                _ => false,
            },
            TokenKind::IoNumber(_) => false,
            _ => return Ok(None),
        };
        if !starts_compound {
            return self.simple_command().map(Some);
        }
        let compound = self.compound_command()?;
        let redirects = self.redirect_list()?;
        Ok(Some(Command::Compound(compound, redirects)))
    }

    /// `true` when the next token starts a compound command.
    pub(super) fn at_compound_command(&mut self) -> PResult<bool> {
        let token = self.peek()?;
        Ok(token.is_op(Op::LParen)
            || matches!(
                token.literal(),
                Some(b"{" | b"if" | b"while" | b"until" | b"for" | b"case")
            ))
    }

    /// A compound command; the caller has checked `at_compound_command`.
    pub(super) fn compound_command(&mut self) -> PResult<CompoundCommand> {
        self.enter()?;
        let token = self.peek()?;
        let result = if token.is_op(Op::LParen) {
            self.subshell()
        } else {
            match token.literal() {
                Some(b"{") => self.brace_group(),
                Some(b"if") => self.if_clause(),
                Some(b"while") => self.while_loop(false),
                Some(b"until") => self.while_loop(true),
                Some(b"for") => self.for_loop(),
                Some(b"case") => self.case(),
                _ => Err(self.unexpected()),
            }
        };
        self.leave();
        result
    }

    /// `{ compound_list }`
    fn brace_group(&mut self) -> PResult<CompoundCommand> {
        self.skip()?;
        let list = self.nonempty_compound_list()?;
        self.expect_word(b"}")?;
        Ok(CompoundCommand::BraceGroup(list))
    }

    /// `( compound_list )`
    fn subshell(&mut self) -> PResult<CompoundCommand> {
        self.skip()?;
        let list = self.nonempty_compound_list()?;
        self.expect_op(Op::RParen)?;
        Ok(CompoundCommand::Subshell(list))
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{check, error};

    #[test]
    fn groups() {
        check("{ a; b; }", "{ a; b; }");
        check("{\na\n}", "{ a; }");
        check("(a; b)", "(a; b)");
        check("( (a) )", "( (a))");
        check("(a)>f 2>&1", "(a) >f 2>&1");
        check("{ a; } | { b; }", "{ a; } | { b; }");
        check("{ echo }; }", "{ echo }; }");
        assert_eq!(error("{ a; }; }").message, "unexpected \"}\"");
    }

    #[test]
    fn errors() {
        assert_eq!(error("{ }").message, "unexpected \"}\"");
        assert_eq!(error("( )").message, "unexpected \")\"");
        assert_eq!(
            error("{ echo }").message,
            "expected \"}\", found end of file"
        );
        assert_eq!(error("(a").message, "expected \")\", found end of file");
        assert_eq!(error("{ a; } b").message, "unexpected \"b\"");
        assert_eq!(error("(a) (b)").message, "unexpected \"(\"");
    }
}
