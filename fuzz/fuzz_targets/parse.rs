//! Fuzz the parser: any bytes, read command by command, must neither panic
//! nor fail to make progress, and whatever parses must print back as source
//! that parses again (except with here-documents, whose bodies can hold
//! substitutions that print a line equal to the delimiter).
#![no_main]

use libfuzzer_sys::fuzz_target;
use rush::shell::syntax::{NoAliases, ParseError, Parser, parse_program};

fuzz_target!(|data: &[u8]| {
    let mut parser = Parser::from_bytes(data, 1);
    for _ in 0..=data.len() + 1 {
        match parser.next_command(&NoAliases) {
            Ok(None) => break,
            Ok(Some(list)) => {
                let printed = list.to_source();
                let here_doc = data.windows(2).any(|w| w == b"<<");
                assert!(
                    here_doc ||
                    parse_program(&printed, &NoAliases).is_ok(),
                    "printed form does not parse: {:?}",
                    String::from_utf8_lossy(&printed)
                );
            }
            Err(ParseError::Syntax(_)) => {}
            Err(ParseError::Io(e)) => panic!("no I/O here: {e}"),
        }
    }
});
