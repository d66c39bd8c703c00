//! The packed user dictionary's loader (`jatopic-userdict.js`'s data, read by
//! the wasm module) on arbitrary bytes: unpacking checks the frame, and what
//! unpacks is parsed for the `dict_load` seeds' small dictionary. Nothing
//! may panic; a file that unpacks and parses must attach.
#![no_main]

use jatopic::tokenizer::user_dict::packed::PackedUserDictionary;
use jatopic::tokenizer::user_dict::parse::parse_with_checksum;
use libfuzzer_sys::fuzz_target;

use jatopic_fuzz::seed_dictionary as dictionary;

fuzz_target!(|data: &[u8]| {
    let Ok(packed) = PackedUserDictionary::unpack(data) else {
        return;
    };
    if let Ok(user) = parse_with_checksum(&packed.bytes, &packed.name, dictionary(), packed.sha256) {
        let mut dict = dictionary().clone();
        dict.attach_user_dictionary(user);
    }
});
