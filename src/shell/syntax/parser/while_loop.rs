//! The while and until loops (XCU 2.9.4.5, 2.9.4.6), and the `do ... done` group they share with for.

use super::super::ast::{CompoundCommand, List};
use super::{PResult, Parse};

impl Parse<'_, '_> {
    /// `while list do_group` or, with `until`, `until list do_group`.
    pub(super) fn while_loop(&mut self, until: bool) -> PResult<CompoundCommand> {
        self.skip()?;
        let cond = self.nonempty_compound_list()?;
        let body = self.do_group()?;
        Ok(if until {
            CompoundCommand::Until { cond, body }
        } else {
            CompoundCommand::While { cond, body }
        })
    }

    /// `do compound_list done`
    pub(super) fn do_group(&mut self) -> PResult<List> {
        self.expect_word(b"do")?;
        let body = self.nonempty_compound_list()?;
        self.expect_word(b"done")?;
        Ok(body)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{check, error};

    #[test]
    fn loops() {
        check("while a; do b; done", "while a; do b; done");
        check("until a\ndo\nb\ndone", "until a; do b; done");
        check("while a; b; do c; d; done", "while a; b; do c; d; done");
    }

    #[test]
    fn errors() {
        assert_eq!(error("while a; do done").message, "unexpected \"done\"");
        assert_eq!(error("while do b; done").message, "unexpected \"do\"");
        assert_eq!(
            error("while a; do b; fi").message,
            "expected \"done\", found \"fi\""
        );
        assert_eq!(
            error("until a; b").message,
            "expected \"do\", found end of file"
        );
    }
}
