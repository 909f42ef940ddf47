//! The if command (XCU 2.9.4.4): `if list then list [elif list then list]... [else list] fi`.

use super::super::ast::CompoundCommand;
use super::{PResult, Parse};

impl Parse<'_, '_> {
    pub(super) fn if_clause(&mut self) -> PResult<CompoundCommand> {
        self.skip()?;
        let mut branches = Vec::new();
        let mut else_branch = None;
        loop {
            let cond = self.nonempty_compound_list()?;
            self.expect_word(b"then")?;
            let body = self.nonempty_compound_list()?;
            branches.push((cond, body));
            let token = self.peek()?;
            if token.is_word(b"elif") {
                self.skip()?;
            } else if token.is_word(b"else") {
                self.skip()?;
                else_branch = Some(self.nonempty_compound_list()?);
                self.expect_word(b"fi")?;
                break;
            } else if token.is_word(b"fi") {
                self.skip()?;
                break;
            } else {
                return Err(self.expected("\"fi\""));
            }
        }
        branches.shrink_to_fit();
        Ok(CompoundCommand::If {
            branches,
            else_branch,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{check, error};

    #[test]
    fn forms() {
        check("if a; then b; fi", "if a; then b; fi");
        check(
            "if a\nthen\nb\nelif c; then d; elif e; then f\nelse g; fi",
            "if a; then b; elif c; then d; elif e; then f; else g; fi",
        );
        check("if a & then b & fi", "if a & then b & fi");
        check(
            "if if a; then b; fi; then c; fi",
            "if if a; then b; fi; then c; fi",
        );
        check("if a; then b; fi >f", "if a; then b; fi >f");
    }

    #[test]
    fn errors() {
        assert_eq!(error("if true; then").message, "unexpected end of file");
        assert_eq!(error("if true; then fi").message, "unexpected \"fi\"");
        assert_eq!(
            error("if true").message,
            "expected \"then\", found end of file"
        );
        assert_eq!(
            error("if a; then b; done").message,
            "expected \"fi\", found \"done\""
        );
        assert_eq!(error("if then").message, "unexpected \"then\"");
        assert_eq!(error("if a; then b; else fi").message, "unexpected \"fi\"");
    }
}
