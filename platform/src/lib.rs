//! OS primitives for rush: the one place for `unsafe` and OS-specific code.
//!
//! Every call into libc goes through [`cvt`] so that a `-1` return becomes an
//! `io::Error`, and raw descriptors become `OwnedFd` as soon as they exist.

pub mod fs;
