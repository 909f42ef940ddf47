//! Running a program: parse one complete command, execute it, then parse
//! the next, so that an alias defined by one command applies to the next.

use super::{Divert, Exec};
use crate::shell::env::{Shell, status};
use crate::shell::syntax::{Aliases, ParseError, Parser};

/// The alias table as the parser sees it.
pub struct AliasView<'a>(pub &'a crate::shell::env::Table<Box<[u8]>>);

impl Aliases for AliasView<'_> {
    fn get(&self, name: &[u8]) -> Option<&[u8]> {
        self.0.get(name).map(|v| &v[..])
    }
}

impl Shell {
    /// Execute every command `parser` yields. A syntax error is reported
    /// and ends the program with status 2. With `last`, the final command
    /// may replace the process (nothing runs after the program).
    pub fn run_program(&mut self, parser: &mut Parser<'_>, last: bool) -> Exec {
        while self.run_next_command(parser, last)? {}
        Ok(())
    }

    /// Read and run the next complete command from `parser`: `Ok(false)`
    /// at the end of the input.
    pub fn run_next_command(
        &mut self,
        parser: &mut Parser<'_>,
        last: bool,
    ) -> Result<bool, Divert> {
        let Some(list) = self.read_next_command(parser)? else {
            return Ok(false);
        };
        let is_last = last && parser.at_end();
        self.commands_read = self.commands_read.wrapping_add(1);
        self.run_list(&list, is_last)?;
        Ok(true)
    }

    /// Read the next complete command from `parser` (`None` at the end of
    /// the input), echoing it under `set -v`. A syntax error is reported.
    pub fn read_next_command(
        &mut self,
        parser: &mut Parser<'_>,
    ) -> Result<Option<crate::shell::syntax::ast::List>, Divert> {
        let parsed = if self.aliases.is_empty() {
            parser.next_command(&crate::shell::syntax::NoAliases)
        } else {
            // The table is cloned so the parser's view cannot change
            // under it while the command it yields runs.
            let table = self.aliases.clone();
            parser.next_command(&AliasView(&table))
        };
        let verbose = self.opt(crate::shell::env::options::Opt::Verbose);
        let list = match parsed {
            Ok(Some(list)) => list,
            Ok(None) => {
                // The blank lines and comments after the last command,
                // read too.
                if verbose {
                    echo_input(parser.last_text());
                }
                return Ok(None);
            }
            Err(ParseError::Syntax(e)) => {
                self.lineno = e.line;
                self.syntax_error(&e);
                self.last_status = status::USAGE;
                return Err(Divert::Error(status::USAGE));
            }
            // In a worker, a signal that ends the job's shell interrupted
            // the read of the next command: the shell dies of it there.
            Err(ParseError::Io(_)) if let Some(sig) = self.pending_death() => {
                return Err(Divert::Signaled(sig));
            }
            Err(ParseError::Io(e)) if e.kind() == std::io::ErrorKind::Interrupted => {
                // ^C at the prompt: the command typed so far is dropped.
                self.last_status = 128 + platform::signal::SIGINT;
                return Err(Divert::Error(self.last_status));
            }
            // No standard input at all (`rush <&-`, or a script on it that
            // closed it): the end of the commands, as in dash and bash.
            Err(ParseError::Io(e)) if e.raw_os_error() == Some(platform::errno::EBADF) => {
                return Ok(None);
            }
            Err(ParseError::Io(e)) => {
                self.error(format!(
                    "read error: {}",
                    crate::shell::builtins::describe_error(&e)
                ));
                // Nothing more can be read: even an interactive shell
                // ends (a terminal that went away).
                return Err(Divert::Exit(status::USAGE));
            }
        };
        if verbose {
            echo_input(parser.last_text());
        }
        Ok(Some(list))
    }

    /// Report a syntax error: where the text came from, line, column and
    /// what was wrong. Named as bash names it: `$0: -c:` for a command
    /// string, `$0:` for standard input, the file for a script or a dot
    /// file (as the shell's other diagnostics name them).
    pub fn syntax_error(&self, e: &crate::shell::syntax::SyntaxError) {
        let mut line = match self.source_label.as_slice() {
            b"-c" => [&self.arg0[..], b": -c"].concat(),
            b"stdin" => self.arg0.clone(),
            file => file.to_vec(),
        };
        line.extend_from_slice(
            format!(
                ": line {}, column {}: syntax error: {}\n",
                e.line, e.column, e.message
            )
            .as_bytes(),
        );
        let _ = platform::fd::write_all(2, &line);
    }

    /// Parse and run `text` (`eval`, trap actions).
    pub fn eval_text(&mut self, text: &[u8]) -> Exec {
        let mut parser = Parser::from_bytes(text, self.lineno.max(1));
        self.run_program(&mut parser, false)
    }

    /// Run `body` (the commands of `eval`'s text or a dot file); when it
    /// started no command, `$?` becomes 0. Until its first command ends,
    /// `$?` is still the status before it (`false; eval 'echo $?'` gives
    /// 1), as in dash and bash.
    pub fn run_commands_of(&mut self, body: impl FnOnce(&mut Shell) -> Exec) -> Exec {
        let before = self.commands_read;
        let r = body(self);
        if r.is_ok() && self.commands_read == before {
            self.last_status = 0;
        }
        r
    }
}

/// Write input the shell has read to standard error (`set -v`), as whole
/// lines: text that ends without a newline (a `-c` string) gets one, as in
/// bash.
pub fn echo_input(text: &[u8]) {
    if text.is_empty() {
        return;
    }
    let _ = platform::fd::write_all(2, text);
    if !text.ends_with(b"\n") {
        let _ = platform::fd::write_all(2, b"\n");
    }
}
