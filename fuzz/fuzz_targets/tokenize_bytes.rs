//! Arbitrary bytes (made valid UTF-8 by replacing bad sequences) through the
//! tokenizer, with and without width normalisation: tokens must tile the
//! the input.
#![no_main]

use jatopic::Options;
use jatopic_fuzz::{assert_tiles, tokenizer};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let tok = tokenizer();
    for normalize in [false, true] {
        assert_tiles(&text, &tok.tokenize_with(&text, Options { normalize }));
    }
});
