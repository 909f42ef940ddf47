//! The interpreter: syntax, expansion, execution and builtins.

pub mod builtins;
pub mod cli;
pub mod env;
pub mod exec;
pub mod expand;
pub mod job;
pub mod lineedit;
pub mod syntax;
pub mod warm;
