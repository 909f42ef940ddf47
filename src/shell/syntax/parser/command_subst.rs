//! Command substitution (XCU 2.6.3): `$(...)`, parsed in place as a program, and `` `...` ``.

use std::rc::Rc;

use super::super::ast::WordPart;
use super::super::lexer::{Op, Source};
use super::{PResult, Parse};

impl Parse<'_, '_> {
    /// `$(...)`, after the `(`: a program up to the matching `)`, read on
    /// the same source so that quotes, comments, `case` patterns and
    /// here-documents inside it are recognised by the grammar itself.
    pub(super) fn command_subst(&mut self) -> PResult<WordPart> {
        let open = self.src.mark;
        self.enter()?;
        let peeked = self.peeked.take();
        let pending = std::mem::take(&mut self.pending_here_docs);
        let bodies = std::mem::take(&mut self.here_doc_bodies);
        let result = self.command_subst_body(open);
        self.peeked = peeked;
        self.pending_here_docs = pending;
        self.here_doc_bodies = bodies;
        self.leave();
        result
    }

    fn command_subst_body(&mut self, open: super::Mark) -> PResult<WordPart> {
        let mut list = self.compound_list()?;
        if !self.peek_is_op(Op::RParen)? {
            if matches!(self.peek_kind()?, super::TokenKind::Eof) {
                return Err(self.error_at(open, "unterminated command substitution"));
            }
            return Err(self.unexpected());
        }
        self.skip()?;
        if !self.pending_here_docs.is_empty() {
            return Err(self.error_at(
                open,
                "here-document body must be inside its command substitution",
            ));
        }
        self.finish_here_docs(&mut list)?;
        Ok(WordPart::CommandSubst {
            body: Rc::new(list),
            backquoted: false,
        })
    }

    /// `` `...` ``, from the opening backquote: the text up to the closing
    /// one with `\$`, `` \` ``, `\\` (and in double quotes `\"`) unescaped,
    /// then parsed as a program.
    pub(super) fn backquoted(&mut self, in_double_quotes: bool) -> PResult<WordPart> {
        let open = self.src.mark;
        self.src.bump();
        let line = self.src.mark.line;
        let mut text = Vec::new();
        loop {
            match self.src.peek() {
                None => return Err(self.error_at(open, "unterminated backquote")),
                Some(b'`') => {
                    self.src.bump();
                    break;
                }
                Some(b'\\') => {
                    self.src.bump();
                    match self.src.peek_raw() {
                        Some(c @ (b'$' | b'`' | b'\\')) => {
                            self.src.bump();
                            text.push(c);
                        }
                        Some(b'"') if in_double_quotes => {
                            self.src.bump();
                            text.push(b'"');
                        }
                        _ => text.push(b'\\'),
                    }
                }
                Some(b) => {
                    self.src.bump();
                    text.push(b);
                }
            }
        }
        self.enter()?;
        let mut source = Source::from_owned(text, line);
        let result = Parse::new(&mut source, self.aliases, self.depth).program();
        self.leave();
        Ok(WordPart::CommandSubst {
            body: Rc::new(result?),
            backquoted: true,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{check, error, parse};
    use crate::shell::syntax::ast::*;

    #[test]
    fn dollar_paren() {
        check("echo $(a; b)", "echo $(a; b)");
        check("echo $( )x", "echo $()x");
        check("echo \"$(echo \")\")\"", "echo \"$(echo \")\")\"");
        check(
            "echo $(case x in x) y;; esac)",
            "echo $(case x in x) y;; esac)",
        );
        check(
            "echo $(case x in (x) y;; esac)",
            "echo $(case x in x) y;; esac)",
        );
        check("echo $(echo a # )\n)", "echo $(echo a)");
        check("echo $( (a) )", "echo $( (a))");
        check("echo $(echo $(echo a))", "echo $(echo $(echo a))");
        check("x=$(\ncat <<E\nhi $x\nE\n)", "x=$(cat <<E\nhi $x\nE\n)");
    }

    #[test]
    fn here_doc_outside_is_read_after_the_line() {
        check(
            "cat <<A $(echo a\necho b)\nbody\nA\n",
            "cat $(echo a; echo b) <<A\nbody\nA\n",
        );
    }

    #[test]
    fn backquotes() {
        check("echo `a`", "echo `a`");
        check(r"echo `echo \$x \\ \`b\``", r"echo `echo $x \\ \`b\``");
        check(r#"echo "`echo \"a\"`""#, r#"echo "`echo "a"`""#);
        let l = parse(r"echo `echo \\\$x`");
        let Command::Simple(s) = &l.items[0].and_or.first.commands[0] else {
            panic!()
        };
        let WordPart::CommandSubst { body, backquoted } = &s.words[1].parts[0] else {
            panic!()
        };
        assert!(backquoted);
        assert_eq!(body.to_string(), r"echo \$x");
    }

    #[test]
    fn errors() {
        assert_eq!(
            error("echo $(a").message,
            "unterminated command substitution"
        );
        assert_eq!(error("echo `a").message, "unterminated backquote");
        assert_eq!(error("echo $(a;;)").message, "unexpected \";;\"");
        assert!(
            error("echo $(cat <<E)\nx\nE\n")
                .message
                .contains("here-document")
        );
    }
}
