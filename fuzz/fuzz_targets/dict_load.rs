//! `Dictionary::from_bytes` on arbitrary bytes. First byte even: the rest is
//! the file as is. Odd: the rest is `stored length (u16 LE) | stored section |
//! payload`, framed as a valid file (header, checksum, payload in a valid LZMA
//! stream) so mutations reach the payload parser instead of failing the LZMA
//! or header checks: of the newest format (the connector's layout byte: the
//! codebook, or the full tier's exact matrix as plain costs or as row
//! differences) when bit 6 of the first byte is set, else of format 2 (the
//! compact tier's, which the corpus was found under). (Under `--cfg fuzzing` the loader also skips its own
//! checksum comparison, so mutated whole files get past it too.) A forged
//! dictionary that loads must then tokenize without panicking.
#![no_main]

use jatopic::artifact::frame::Format;
use jatopic::artifact::lzma::Compression;
use jatopic::tokenizer::dictionary::{FORMAT, FORMAT_VERSION, OLDEST_FORMAT_VERSION};
use jatopic::{Dictionary, Mode, Options, Tokenizer};
use libfuzzer_sys::fuzz_target;

/// `rest` as stored length (u16 LE), stored section and payload, framed as a
/// valid file (fastest compression: a mutated payload still decompresses).
fn framed(rest: &[u8], version: u16) -> Vec<u8> {
    let (stored, payload) = match rest {
        [a, b, rest @ ..] => {
            let n = (u16::from_le_bytes([*a, *b]) as usize).min(rest.len());
            rest.split_at(n)
        }
        _ => (&[][..], rest),
    };
    Format { version, ..FORMAT }
        .write(stored, payload, Compression::preset(0))
        .expect("framing in memory cannot fail")
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let file = if mode & 1 == 0 {
        rest.to_vec()
    } else {
        let version = if mode & 0x40 != 0 {
            FORMAT_VERSION
        } else {
            OLDEST_FORMAT_VERSION
        };
        framed(rest, version)
    };
    if let Ok(dict) = Dictionary::from_bytes(&file) {
        let tok = Tokenizer::new(dict);
        for text in ["東京に行く", "ﾊﾝﾄﾞﾒｲﾄﾞ ＡＢＣ 123 😀\u{fffd}", "a\tb\n"]
        {
            for normalize in [false, true] {
                for mode in [Mode::Normal, Mode::Search] {
                    let _ = tok.tokenize_with(text, Options { normalize, mode });
                }
            }
        }
    }
});
