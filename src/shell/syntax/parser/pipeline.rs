//! Pipelines (XCU 2.9.2): `[!] command (| linebreak command)*`.

use super::super::ast::Pipeline;
use super::super::lexer::Op;
use super::{PResult, Parse};

impl Parse<'_, '_> {
    pub(super) fn pipeline(&mut self) -> PResult<Pipeline> {
        let negated = self.peek_command_word()?.is_word(b"!");
        if negated {
            self.skip()?;
        }
        let mut commands = smallvec::smallvec![self.required_command()?];
        while self.peek_is_op(Op::Pipe)? {
            self.skip()?;
            self.linebreak()?;
            commands.push(self.required_command()?);
        }
        commands.shrink_to_fit();
        Ok(Pipeline { negated, commands })
    }

    fn required_command(&mut self) -> PResult<super::super::ast::Command> {
        match self.command()? {
            Some(command) => Ok(command),
            None => Err(self.unexpected()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{check, error};

    #[test]
    fn pipelines() {
        check("a | b | c", "a | b | c");
        check("! a | b", "! a | b");
        check("a |\n\n b", "a | b");
        check("!a", "!a");
        check("a | b && ! c", "a | b && ! c");
    }

    #[test]
    fn misplaced_bang() {
        assert_eq!(error("! ! a").message, "unexpected \"!\"");
        assert_eq!(error("a | ! b").message, "unexpected \"!\"");
        assert_eq!(error("a |").message, "unexpected end of file");
        assert_eq!(error("!").message, "unexpected end of file");
    }
}
