//! The tiny dictionary of `tests/fixtures/tiny-ipadic` (see its README),
//! built from its IPADIC-format sources for unit tests of the lattice, the
//! trie and unknown words, independent of the shipped dictionary.

use crate::tokenizer::builder::{build, BuildOptions, SourceEncoding};
use crate::tokenizer::dictionary::{Dictionary, DictionarySource};
use crate::tokenizer::Tokenizer;
use std::sync::OnceLock;

/// The fixture's sources, built: exact costs (quanta 1), every entry kept.
fn source() -> DictionarySource {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tiny-ipadic");
    let opts = BuildOptions {
        keep_unseen_proper_nouns: true,
        matrix_quantum: 1,
        word_quantum: 1,
        encoding: SourceEncoding::Utf8,
    };
    build(dir.as_ref(), &Default::default(), &opts).expect("fixture builds")
}

/// The fixture's `.jtd` file: exact costs (quanta 1), every entry kept.
pub(crate) fn dictionary_file() -> &'static [u8] {
    static FILE: OnceLock<Vec<u8>> = OnceLock::new();
    FILE.get_or_init(|| {
        source()
            .encode(
                crate::tokenizer::dictionary::MatrixEncoding::Codebook { quantum: 1 },
                1,
            )
            .expect("fixture encodes")
            .0
    })
}

/// The fixture dictionary, loaded.
pub(crate) fn dictionary() -> Dictionary {
    Dictionary::from_bytes(dictionary_file()).expect("fixture loads")
}

/// A tokenizer over the fixture dictionary.
pub(crate) fn tokenizer() -> Tokenizer {
    Tokenizer::new(dictionary())
}

/// `text`'s analysis as `surface/pos1/base` strings.
pub(crate) fn analysis(tok: &Tokenizer, text: &str) -> Vec<String> {
    tok.tokenize(text)
        .iter()
        .map(|t| format!("{}/{}/{}", t.surface, t.pos[0], t.mecab_base()))
        .collect()
}

/// The fixture's readings file, for [`dictionary_file`].
pub(crate) fn readings_file() -> &'static [u8] {
    static FILE: OnceLock<Vec<u8>> = OnceLock::new();
    FILE.get_or_init(|| {
        source()
            .encode_readings(dictionary_file(), 1)
            .expect("fixture readings encode")
    })
}
