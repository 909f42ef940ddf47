//! Function calls (XCU 2.9.5): positional parameters, local scope, the
//! function's own redirections, and `return`.

use super::{Divert, Exec};
use crate::shell::env::options::Opt;
use crate::shell::env::{Shell, status};
use crate::shell::syntax::ast::{FunctionBody, SimpleCommand};
use std::rc::Rc;

/// Function calls nested deeper than this are an error, not a stack
/// overflow.
const MAX_DEPTH: usize = 1000;

impl Shell {
    /// Call the function `body` for the command `cmd` with `fields` (the
    /// function name and its arguments).
    pub fn call_function(
        &mut self,
        body: &Rc<FunctionBody>,
        cmd: &SimpleCommand,
        mut fields: Vec<Vec<u8>>,
    ) -> Exec {
        if self.function_depth >= MAX_DEPTH || self.nested_too_deeply() {
            self.error(format!(
                "{}: function nested too deeply",
                String::from_utf8_lossy(&fields[0])
            ));
            return Err(Divert::Error(status::FAILURE));
        }
        let saved = match self.apply_redirects(&cmd.redirects, true) {
            Ok(saved) => saved,
            Err(_) => {
                self.last_status = status::FAILURE;
                return Ok(());
            }
        };
        // Assignments before a function call last for the call (as in dash).
        self.vars.push_scope();
        let traced = match self.assign_each(&cmd.assigns, true) {
            Ok(traced) => traced,
            Err(d) => {
                self.vars.pop_scope();
                self.restore_redirects(saved);
                return Err(d);
            }
        };
        if self.opt(Opt::XTrace) {
            self.trace(&traced, &fields, saved.mark());
        }
        fields.remove(0);
        let old_positional = std::mem::replace(&mut self.positional, fields);
        let old_loop_depth = std::mem::replace(&mut self.loop_depth, 0);
        self.function_depth += 1;
        let outer_options = self.local_options.take();
        let r = self.run_compound_redirected(&body.command, &body.redirects, false);
        if let Some(options) = std::mem::replace(&mut self.local_options, outer_options) {
            self.restore_options(options);
        }
        self.function_depth -= 1;
        self.loop_depth = old_loop_depth;
        self.positional = old_positional;
        self.restore_redirects(saved);
        self.vars.pop_scope();
        // A function call is a simple command: `set -e` applies to its
        // status whatever command inside produced it.
        self.failure_ignored = false;
        match r {
            Ok(()) => Ok(()),
            Err(Divert::Return(s)) => {
                self.last_status = s;
                Ok(())
            }
            Err(d) => Err(d),
        }
    }
}
