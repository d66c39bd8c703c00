//! `Dictionary::attach_readings` on arbitrary bytes, for the small dictionary
//! of the `dict_load` seeds (a few entries and lemmas, so that short inputs
//! reach every section). First byte even: the rest is the readings file as
//! is. Odd: the rest is a payload after the dictionary's checksum (which the
//! target supplies: a mismatch is refused before any parsing), framed as a
//! valid file. Readings that attach must then serve tokens without panicking.
#![no_main]

use jatopic::artifact::lzma::Compression;
use jatopic::tokenizer::dictionary::{readings, FORMAT};
use jatopic::{Options, Tokenizer};
use libfuzzer_sys::fuzz_target;

use jatopic_fuzz::{seed_dictionary as dictionary, SEED_DICTIONARY as DICTIONARY};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let file = if mode & 1 == 0 {
        rest.to_vec()
    } else {
        let at = FORMAT.checksum_offset();
        let mut payload = DICTIONARY[1..][at..at + 8].to_vec();
        payload.extend_from_slice(rest);
        readings::FORMAT
            .write(&[], &payload, Compression::preset(0))
            .expect("framing in memory cannot fail")
    };
    let mut dict = dictionary().clone();
    if dict.attach_readings(&file).is_ok() {
        let tok = Tokenizer::new(dict);
        for text in ["東京に行く", "ﾊﾝﾄﾞﾒｲﾄﾞ ＡＢＣ 123 😀\u{fffd}", "a\tb\n"]
        {
            for normalize in [false, true] {
                let _ = tok.tokenize_with(
                    text,
                    Options {
                        normalize,
                        ..Options::default()
                    },
                );
            }
        }
    }
});
