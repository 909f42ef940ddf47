//! The interpreter: syntax, expansion, execution and builtins.

pub mod builtins;
pub mod expand;
pub mod syntax;
