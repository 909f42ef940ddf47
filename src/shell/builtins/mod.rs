//! Builtin utilities: the special builtins and the regular ones the shell runs in-process.

pub mod echo;
pub mod printf;
pub mod test;
pub mod umask;
