//! Lexing and parsing of the Shell Command Language (XCU 2.3, 2.10), and
//! printing a tree back as source.

pub mod ast;
mod display;
mod lexer;
mod parser;

pub use lexer::{Input, is_blank, is_name};
pub use parser::{
    Aliases, MAX_NESTING, NoAliases, ParseError, Parser, SyntaxError, parse_program,
    parse_word_text,
};
