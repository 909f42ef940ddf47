//! The case command (XCU 2.9.4.3): `case word in [(]pattern[|pattern]...) list ;; ... esac`.

use super::super::ast::{CaseArm, CaseTerminator, CompoundCommand};
use super::super::lexer::{Op, TokenKind};
use super::{PResult, Parse};

impl Parse<'_, '_> {
    pub(super) fn case(&mut self) -> PResult<CompoundCommand> {
        let line = self.next()?.start.line;
        if !matches!(self.peek_kind()?, TokenKind::Word(_)) {
            return Err(self.expected("a word after \"case\""));
        }
        let TokenKind::Word(subject) = self.next()?.kind else {
            return Err(self.unexpected());
        };
        self.linebreak()?;
        self.expect_word(b"in")?;
        self.linebreak()?;
        let mut arms = Vec::new();
        loop {
            if self.peek()?.is_word(b"esac") {
                self.skip()?;
                break;
            }
            arms.push(self.case_arm()?);
        }
        arms.shrink_to_fit();
        Ok(CompoundCommand::Case {
            subject,
            arms,
            line,
        })
    }

    /// `[(] pattern (| pattern)* ) compound_list [;; | ;&]`, then any newlines.
    fn case_arm(&mut self) -> PResult<CaseArm> {
        if self.peek_is_op(Op::LParen)? {
            self.skip()?;
        }
        let mut patterns = Vec::new();
        loop {
            if !matches!(self.peek_kind()?, TokenKind::Word(_)) {
                return Err(self.expected("a pattern"));
            }
            if let TokenKind::Word(w) = self.next()?.kind {
                patterns.push(w);
            }
            if !self.peek_is_op(Op::Pipe)? {
                break;
            }
            self.skip()?;
        }
        self.expect_op(Op::RParen)?;
        patterns.shrink_to_fit();
        let body = self.compound_list()?;
        let token = self.peek()?;
        let terminator = if token.is_op(Op::DSemi) {
            CaseTerminator::Break
        } else if token.is_op(Op::SemiAnd) {
            CaseTerminator::FallThrough
        } else if token.is_word(b"esac") {
            return Ok(CaseArm {
                patterns,
                body,
                terminator: CaseTerminator::Break,
            });
        } else {
            return Err(self.expected("\";;\" or \"esac\""));
        };
        self.skip()?;
        self.linebreak()?;
        Ok(CaseArm {
            patterns,
            body,
            terminator,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{check, error};

    #[test]
    fn forms() {
        check("case x in esac", "case x in esac");
        check("case x\nin\nesac", "case x in esac");
        check(
            "case $x in a|b) c;; (d) e; f;;\n*) ;; esac",
            "case $x in a|b) c;; d) e; f;; *) ;; esac",
        );
        check(
            "case x in a) b;& c) d\nesac",
            "case x in a) b;& c) d;; esac",
        );
        check("case x in a) b\nesac", "case x in a) b;; esac");
        check("case x in (esac) b;; esac", "case x in (esac) b;; esac");
        check(
            "case x in in|do|\"a\"*'b') ;; esac",
            "case x in in|do|\"a\"*'b') ;; esac",
        );
        check(
            "case x in a) case y in b) ;; esac;; esac",
            "case x in a) case y in b) ;; esac;; esac",
        );
        check(
            "case x in a)\n\n;;\nb) c\n;;\n\nesac",
            "case x in a) ;; b) c;; esac",
        );
    }

    #[test]
    fn errors() {
        assert_eq!(
            error("case x in a) b;; c").message,
            "expected \")\", found end of file"
        );
        assert_eq!(error(";;").message, "unexpected \";;\"");
        assert_eq!(
            error("case x a) ;; esac").message,
            "expected \"in\", found \"a\""
        );
        assert_eq!(
            error("case x in a) b; fi").message,
            "expected \";;\" or \"esac\", found \"fi\""
        );
        assert_eq!(
            error("case x in |a) ;; esac").message,
            "expected a pattern, found \"|\""
        );
        assert_eq!(
            error("case x in a b) ;; esac").message,
            "expected \")\", found \"b\""
        );
        assert_eq!(
            error("case ; in esac").message,
            "expected a word after \"case\", found \";\""
        );
    }
}
