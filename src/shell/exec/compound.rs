//! Compound commands (XCU 2.9.4): grouping, `for`, `case`, `if`, `while`,
//! `until`.

use super::{Divert, Exec};
use crate::shell::env::Shell;
use crate::shell::expand::pattern::Pattern;
use crate::shell::syntax::ast::{CaseArm, CaseTerminator, CompoundCommand, List, Redirect, Word};

impl Shell {
    /// Run a compound command with its redirections.
    pub fn run_compound_redirected(
        &mut self,
        compound: &CompoundCommand,
        redirects: &[Redirect],
        last: bool,
    ) -> Exec {
        if redirects.is_empty() {
            return self.run_compound(compound, last);
        }
        // A redirection that fails is reported at its own line (as bash
        // does): no command of the body has set one yet.
        if let Some(line) = redirects.first().map(|r| r.line)
            && line != 0
        {
            self.lineno = line;
        }
        let saved = match self.apply_redirects(redirects, true) {
            Ok(saved) => saved,
            Err(_) => {
                self.last_status = crate::shell::env::status::FAILURE;
                return Ok(());
            }
        };
        let r = self.run_compound(compound, false);
        self.restore_redirects(saved);
        r
    }

    pub fn run_compound(&mut self, compound: &CompoundCommand, last: bool) -> Exec {
        match compound {
            CompoundCommand::BraceGroup(list) => self.run_list(list, last),
            CompoundCommand::Subshell(list) => self.run_subshell(list),
            CompoundCommand::For {
                name,
                words,
                body,
                line,
            } => self.run_for(name, words.as_deref(), body, *line),
            CompoundCommand::Case {
                subject,
                arms,
                line,
            } => self.run_case(subject, arms, *line, last),
            CompoundCommand::If {
                branches,
                else_branch,
            } => {
                for (cond, body) in branches {
                    self.run_condition(cond)?;
                    if self.last_status == 0 {
                        return self.run_list(body, last);
                    }
                }
                match else_branch {
                    Some(list) => self.run_list(list, last),
                    None => {
                        self.last_status = 0;
                        Ok(())
                    }
                }
            }
            CompoundCommand::While { cond, body } => self.run_loop(cond, body, false),
            CompoundCommand::Until { cond, body } => self.run_loop(cond, body, true),
        }
    }

    /// Run the condition of `if`, `while` or `until`, where `set -e` is
    /// ignored.
    fn run_condition(&mut self, cond: &List) -> Exec {
        self.errexit_ignored += 1;
        let r = self.run_list(cond, false);
        self.errexit_ignored -= 1;
        r
    }

    /// `( list )`: a forked copy of the shell.
    fn run_subshell(&mut self, list: &List) -> Exec {
        self.give_out_pid();
        let pid = self.fork_subshell(|sh| sh.run_list(list, true))?;
        self.last_status = self.wait_foreground(pid);
        Ok(())
    }

    fn run_loop(&mut self, cond: &List, body: &List, until: bool) -> Exec {
        let mut status = 0;
        self.loop_depth += 1;
        let r = loop {
            match self.run_condition(cond) {
                Ok(()) => {}
                Err(Divert::Break(n)) => break self.leave_loop(Divert::Break(n), &mut status),
                Err(Divert::Continue(n)) => {
                    match self.leave_loop(Divert::Continue(n), &mut status) {
                        Ok(true) => continue,
                        other => break other,
                    }
                }
                Err(d) => break Err(d),
            }
            if (self.last_status == 0) == until {
                break Ok(false);
            }
            match self.run_list(body, false) {
                Ok(()) => status = self.last_status,
                Err(d @ (Divert::Break(_) | Divert::Continue(_))) => {
                    match self.leave_loop(d, &mut status) {
                        Ok(true) => continue,
                        other => break other,
                    }
                }
                Err(d) => break Err(d),
            }
        };
        self.loop_depth -= 1;
        r?;
        self.last_status = status;
        Ok(())
    }

    /// Handle `break N` / `continue N` at this loop: `Ok(true)` to go on
    /// with the next iteration, `Ok(false)` to leave the loop, `Err` to pass
    /// the divert to an outer loop.
    fn leave_loop(&mut self, d: Divert, status: &mut i32) -> Result<bool, Divert> {
        *status = self.last_status;
        match d {
            Divert::Break(n) if n > 1 => Err(Divert::Break(n - 1)),
            Divert::Break(_) => Ok(false),
            Divert::Continue(n) if n > 1 => Err(Divert::Continue(n - 1)),
            Divert::Continue(_) => Ok(true),
            other => Err(other),
        }
    }

    fn run_for(&mut self, name: &[u8], words: Option<&[Word]>, body: &List, line: u32) -> Exec {
        if line != 0 {
            self.lineno = line;
        }
        let items = match words {
            Some(words) => self.expand_words(words)?,
            None => self.positional.clone(),
        };
        let mut status = 0;
        self.loop_depth += 1;
        let mut r = Ok(());
        for item in items {
            if let Err(e) = self.vars.set_owned(name, item) {
                self.error(e.to_string());
                r = Err(Divert::Error(crate::shell::env::status::USAGE));
                break;
            }
            match self.run_list(body, false) {
                Ok(()) => status = self.last_status,
                Err(d @ (Divert::Break(_) | Divert::Continue(_))) => {
                    match self.leave_loop(d, &mut status) {
                        Ok(true) => continue,
                        Ok(false) => break,
                        Err(d) => {
                            r = Err(d);
                            break;
                        }
                    }
                }
                Err(d) => {
                    r = Err(d);
                    break;
                }
            }
        }
        self.loop_depth -= 1;
        r?;
        self.last_status = status;
        Ok(())
    }

    fn run_case(&mut self, subject: &Word, arms: &[CaseArm], line: u32, last: bool) -> Exec {
        if line != 0 {
            self.lineno = line;
        }
        let subject = self.expand_word_string(subject)?;
        let mut matched: Option<usize> = None;
        'arms: for (i, arm) in arms.iter().enumerate() {
            for pattern in &arm.patterns {
                let pattern = self.expand_word_pattern(pattern)?;
                let charset = self.charset_for([&pattern[..], &subject[..]]);
                if Pattern::new(&pattern, charset).matches(&subject) {
                    matched = Some(i);
                    break 'arms;
                }
            }
        }
        // `$?` stays that of the last command until the chosen arm runs
        // one (`cmd; case $? in 1) exit;; esac` exits 1); no arm, or an
        // empty one, gives 0.
        let Some(mut i) = matched else {
            self.last_status = 0;
            return Ok(());
        };
        loop {
            let arm = &arms[i];
            let falls_through = arm.terminator == CaseTerminator::FallThrough && i + 1 < arms.len();
            if arm.body.items.is_empty() {
                self.last_status = 0;
            }
            self.run_list(&arm.body, last && !falls_through)?;
            if !falls_through {
                return Ok(());
            }
            i += 1;
        }
    }
}
