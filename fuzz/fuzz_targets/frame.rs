//! Fuzz the frame decoder: any bytes, split into frames and decoded, must
//! give frames or errors, never a panic, a hang or a huge allocation.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rush::proto::{Message, message::JobSummary, split};

fuzz_target!(|data: &[u8]| {
    let mut rest = data;
    while let Ok(Some((header, payload, used))) = split(rest) {
        let _ = Message::decode(&header, payload);
        let _ = JobSummary::decode(payload);
        rest = &rest[used..];
    }
});
