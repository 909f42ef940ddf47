//! Lexing and parsing of the Shell Command Language (XCU 2.3, 2.10), and
//! printing a tree back as source.

pub mod ast;
