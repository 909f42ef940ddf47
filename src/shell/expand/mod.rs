//! Word expansion (XCU 2.6): tilde, parameter, command substitution, arithmetic, field splitting, pathname.

pub mod arith;
pub mod pattern;
