//! Simple commands (XCU 2.9.1): assignments, words and redirections.

use super::super::ast::{Assign, Command, SimpleCommand, Text, Word, WordPart};
use super::super::lexer::{Op, is_name};
use super::word::tildes_in_assignment;
use super::{PResult, Parse};

impl Parse<'_, '_> {
    /// A simple command (or a function definition, which starts like one);
    /// the caller has checked that the next token is a word or a
    /// redirection.
    pub(super) fn simple_command(&mut self) -> PResult<Command> {
        let mut command = SimpleCommand {
            line: self.peek()?.start.line,
            ..SimpleCommand::default()
        };
        loop {
            self.check_blank_alias()?;
            if command.words.is_empty() {
                // The command name is subject to alias substitution even
                // after assignments and redirections.
                self.peek_alias_only()?;
            }
            if self.at_redirect()? {
                command.redirects.push(self.redirect()?);
                continue;
            }
            let Some((word, start, _)) = self.next_word()? else {
                break;
            };
            if !command.words.is_empty() {
                let word = if is_declaration_utility(&command.words) {
                    match declaration_arg(word) {
                        Ok(arg) => {
                            command.assignment_args.push(command.words.len());
                            arg
                        }
                        Err(word) => word,
                    }
                } else {
                    word
                };
                command.words.push(word);
                continue;
            }
            let word = match assignment(word) {
                Ok(assign) => {
                    command.assigns.push(assign);
                    continue;
                }
                Err(word) => word,
            };
            if command.assigns.is_empty()
                && command.redirects.is_empty()
                && self.peek_is_op(Op::LParen)?
            {
                return self.function_definition(word, start);
            }
            command.words.push(word);
        }
        // Vectors grow to four entries and more; a parsed function body
        // lives as long as the shell, and a worker's memory is copied at
        // every fork (docs/architecture.md, "Memory of parsed code").
        command.assigns.shrink_to_fit();
        command.words.shrink_to_fit();
        command.redirects.shrink_to_fit();
        command.assignment_args.shrink_to_fit();
        Ok(Command::Simple(command))
    }

    /// Alias substitution of the next word without reserved-word
    /// recognition (a command name after assignments or redirections).
    fn peek_alias_only(&mut self) -> PResult<()> {
        while self.peek()?.literal().is_some() && self.substitute_alias()? {}
        Ok(())
    }
}

/// Do `words` (the command so far) name a declaration utility, literally
/// and unquoted: `export`, `readonly` or `local`, alone or after
/// `command`? Their `name=value` arguments are assignments.
fn is_declaration_utility(words: &[Word]) -> bool {
    let declares = |w: &Word| matches!(w.as_literal(), Some(b"export" | b"readonly" | b"local"));
    match words {
        [name, ..] if declares(name) => true,
        [command, name, ..] => command.as_literal() == Some(b"command") && declares(name),
        _ => false,
    }
}

/// A `name=value` argument of a declaration utility, with the tilde
/// prefixes of its value recognised as in an assignment; any other word
/// is given back.
fn declaration_arg(word: Word) -> Result<Word, Word> {
    let assign = assignment(word)?;
    let mut head = assign.name.to_vec();
    head.push(b'=');
    let mut parts = assign.value.parts;
    parts.insert(0, WordPart::Literal(Text::from_vec(head)));
    Ok(Word { parts })
}

/// Split `name=value` into an assignment, or give the word back.
fn assignment(mut word: Word) -> Result<Assign, Word> {
    let Some(WordPart::Literal(first)) = word.parts.first() else {
        return Err(word);
    };
    let Some(eq) = first.iter().position(|&b| b == b'=') else {
        return Err(word);
    };
    if !is_name(&first[..eq]) {
        return Err(word);
    }
    let name = Text::from_slice(&first[..eq]);
    let rest = Text::from_slice(&first[eq + 1..]);
    if rest.is_empty() {
        word.parts.remove(0);
    } else {
        word.parts[0] = WordPart::Literal(rest);
    }
    tildes_in_assignment(&mut word.parts);
    Ok(Assign { name, value: word })
}

#[cfg(test)]
mod tests {
    use super::super::tests::{check, parse};
    use crate::shell::syntax::ast::*;

    #[test]
    fn assignments_then_words() {
        check("a=1 b= c=\"x y\" cmd d=2", "a=1 b= c=\"x y\" cmd d=2");
        check("a=1", "a=1");
        check("a=1 >f", "a=1 >f");
        check("1a=b =c a-b=c", "1a=b =c a-b=c");
        check("'a'=b a\\=b", "'a'=b a\\=b");
        let l = parse("a=b=c");
        let Command::Simple(s) = &l.items[0].and_or.first.commands[0] else {
            panic!()
        };
        assert_eq!(&*s.assigns[0].name, b"a");
        assert_eq!(s.assigns[0].value, Word::literal(b"b=c"));
        assert!(s.words.is_empty());
    }

    #[test]
    fn reserved_words_after_assignment_are_names() {
        check("a=1 if", "a=1 if");
    }
}
