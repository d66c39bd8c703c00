//! The user-dictionary parser on arbitrary bytes, for the small dictionary of
//! the `dict_load` seeds (few context ids: ids outside the matrix are common).
//! First byte: bit 0 chooses search mode. A dictionary that parses must then
//! serve tokens without panicking, whatever its entries' segmentations.
//! Input that is UTF-8 must parse the same (dictionary or error) as text
//! known to be UTF-8, as the wasm layer gives it, and as bytes.
#![no_main]

use jatopic::tokenizer::user_dict::parse::{parse_text_with_checksum, parse_with_checksum};
use jatopic::{Mode, Options, Tokenizer};
use libfuzzer_sys::fuzz_target;

use jatopic_fuzz::seed_dictionary as dictionary;

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    // One parse of the bytes, checked against the text path when UTF-8 (the
    // checksum, given, plays no part in either).
    let by_bytes = parse_with_checksum(rest, "fuzz.csv", dictionary(), [0; 32]);
    if let Ok(text) = std::str::from_utf8(rest) {
        match (
            parse_text_with_checksum(text, "fuzz.csv", dictionary(), [0; 32]),
            &by_bytes,
        ) {
            (Ok(a), Ok(b)) => assert_eq!(&a, b),
            (Err(a), Err(b)) => assert_eq!(a.message(), b.message()),
            (a, b) => panic!("text and bytes parse differently: {a:?} against {b:?}"),
        }
    }
    let Ok(user) = by_bytes else {
        return;
    };
    // The entries' own surfaces, and text around them, through the lattice.
    let text: String = String::from_utf8_lossy(rest).replace([',', '\n'], "");
    let mut dict = dictionary().clone();
    dict.attach_user_dictionary(user);
    let tok = Tokenizer::new(dict);
    let mode = if flags & 1 == 0 {
        Mode::Normal
    } else {
        Mode::Search
    };
    for t in [text.as_str(), "東京に行く", "ﾊﾝﾄﾞﾒｲﾄﾞ ＡＢＣ 123"] {
        for normalize in [false, true] {
            let _ = tok.tokenize_with(t, Options { normalize, mode });
        }
    }
});
