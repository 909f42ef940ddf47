//! Rush: a POSIX shell, and `rushd`, a daemon that keeps warm shell workers
//! so that `rush -c` and `rush script` start faster (see docs/architecture.md).
//!
//! All `unsafe` code and all OS-specific code lives in the `platform` crate;
//! everything here is safe Rust over that boundary.

#![forbid(unsafe_code)]

pub mod client;
pub mod daemon;
pub mod proto;
pub mod shell;
