//! Function definitions (XCU 2.9.5): `name() compound_command [redirections]`.

use std::rc::Rc;

use super::super::ast::{Command, FunctionBody, FunctionDef, Word};
use super::super::lexer::{Mark, Op};
use super::{PResult, Parse};

impl Parse<'_, '_> {
    /// After the name, at `(`.
    pub(super) fn function_definition(&mut self, name: Word, at: Mark) -> PResult<Command> {
        let name = match name.as_literal() {
            Some(n) if is_function_name(n) => Box::<[u8]>::from(n),
            _ => return Err(self.unexpected()),
        };
        self.skip()?;
        self.expect_op(Op::RParen)?;
        self.linebreak()?;
        if !self.at_compound_command()? {
            return Err(self.expected("a compound command as function body"));
        }
        let command = self.compound_command()?;
        let redirects = self.redirect_list()?;
        Ok(Command::FunctionDef(FunctionDef {
            name,
            body: Rc::new(FunctionBody {
                command,
                redirects,
                line: at.line,
            }),
        }))
    }
}

/// POSIX names, plus the `.` and `-` that bash also accepts.
fn is_function_name(name: &[u8]) -> bool {
    !name.is_empty()
        && name
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

#[cfg(test)]
mod tests {
    use super::super::tests::{check, error, parse};
    use crate::shell::syntax::ast::*;

    #[test]
    fn definitions() {
        check("f() { a; }", "f() { a; }");
        check("f ( ) \n\n (a) >x", "f() (a) >x");
        check("my-f.x() if a; then b; fi", "my-f.x() if a; then b; fi");
        check("f() { a; }; f", "f() { a; }; f");
        let l = parse("\n\nf()\n{ a; }");
        let Command::FunctionDef(f) = &l.items[0].and_or.first.commands[0] else {
            panic!()
        };
        assert_eq!(f.body.line, 3);
    }

    #[test]
    fn errors() {
        assert_eq!(
            error("a() b").message,
            "expected a compound command as function body, found \"b\""
        );
        assert_eq!(error("a(").message, "expected \")\", found end of file");
        assert_eq!(error("a=b() { c; }").message, "unexpected \"(\"");
        assert_eq!(error("'a'() { c; }").message, "unexpected \"(\"");
        assert_eq!(error("echo a() { c; }").message, "unexpected \"(\"");
    }
}
