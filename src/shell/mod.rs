//! The interpreter: syntax, expansion, execution and builtins.

pub mod syntax;
