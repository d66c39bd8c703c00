//! The tokenizer: MeCab/IPADIC-compatible morphological analysis.
//!
//! Owns the compressed dictionary format ([`dictionary`]), the Viterbi
//! lattice that reproduces MeCab's best path ([`lattice`]), search mode's
//! penalty on long compounds ([`mode`]), user dictionaries ([`user_dict`]), the settings a model records
//! ([`config`]), width
//! normalisation with offsets mapped back ([`normalize`]), the token JSON
//! shared by the CLI and wasm ([`json`]), MeCab's wakati output ([`wakati`]) and, natively, the builder that
//! makes a dictionary from IPADIC's sources ([`builder`]) and the agreement
//! measure against MeCab ([`eval`]) and the shipped dictionary of each
//! lexicon tier ([`shipped`]). Offsets are code points throughout.

pub mod config;
pub mod dictionary;
pub mod json;
pub mod lattice;
pub mod mode;
pub mod normalize;
pub mod user_dict;
pub mod wakati;

#[cfg(feature = "cli")]
pub mod builder;
#[cfg(feature = "cli")]
pub mod eval;
#[cfg(all(test, feature = "cli"))]
mod fixture;
#[cfg(feature = "cli")]
pub mod shipped;

pub use lattice::{
    decode_utf16, decode_utf16_into, utf8_of_utf16, Options, RawToken, Scratch, Token, Tokenizer,
    BASE_IS_SURFACE, MAX_PIECE_CHARS, UNKNOWN,
};
pub use mode::Mode;
pub use wakati::WakatiBuffers;
