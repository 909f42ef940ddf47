//! And-or lists (XCU 2.9.3): pipelines joined by `&&` and `||`.

use super::super::ast::{AndOr, AndOrOp};
use super::super::lexer::{Op, TokenKind};
use super::{PResult, Parse};

impl Parse<'_, '_> {
    /// `pipeline (('&&' | '||') linebreak pipeline)*`
    pub(super) fn and_or(&mut self) -> PResult<AndOr> {
        let first = self.pipeline()?;
        let mut rest = Vec::new();
        loop {
            let op = match self.peek_kind()? {
                TokenKind::Op(Op::AndIf) => AndOrOp::And,
                TokenKind::Op(Op::OrIf) => AndOrOp::Or,
                _ => break,
            };
            self.skip()?;
            self.linebreak()?;
            rest.push((op, self.pipeline()?));
        }
        rest.shrink_to_fit();
        Ok(AndOr { first, rest })
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{check, error};

    #[test]
    fn and_or() {
        check("a && b || c", "a && b || c");
        check("a &&\n\n b ||\n c", "a && b || c");
        assert_eq!(error("a &&").message, "unexpected end of file");
        assert_eq!(error("&& a").message, "unexpected \"&&\"");
        assert_eq!(error("a || ;").message, "unexpected \";\"");
    }
}
