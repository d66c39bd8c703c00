//! Arbitrary bytes (made valid UTF-8 by replacing bad sequences) through the
//! tokenizer, with and without width normalisation, in both modes: tokens
//! must tile the input.
#![no_main]

use jatopic::{Mode, Options};
use jatopic_fuzz::{assert_tiles, tokenizer};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let tok = tokenizer();
    for normalize in [false, true] {
        for mode in [Mode::Normal, Mode::Search] {
            assert_tiles(
                &text,
                &tok.tokenize_with(&text, Options { normalize, mode }),
            );
        }
    }
});
