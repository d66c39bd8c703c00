//! jatopic: Japanese morphological analysis (MeCab/IPADIC-compatible) and topic
//! modeling that runs natively and as WebAssembly inside BigQuery.
//!
//! **Offsets are Unicode code points everywhere** — in Rust, in JS and in SQL —
//! matching BigQuery's character positions.
//!
//! ```
//! let tok = jatopic::default_tokenizer().unwrap();
//! let words: Vec<&str> = tok.tokenize("東京に行く").iter().map(|t| t.surface).collect();
//! assert_eq!(words, ["東京", "に", "行く"]);
//! ```

pub mod artifact;
pub mod error;
pub mod tokenizer;
pub mod topic;

#[cfg(feature = "cli")]
pub mod bigquery;
#[cfg(feature = "cli")]
pub mod io;
#[cfg(feature = "cli")]
pub mod rng;
#[cfg(feature = "cli")]
pub mod sample;

#[cfg(target_arch = "wasm32")]
mod wasm;

pub use error::{Error, ErrorKind, Result};
pub use tokenizer::dictionary::Dictionary;
pub use tokenizer::{Mode, Options, RawToken, Scratch, Token, Tokenizer};

/// The dictionary shipped with jatopic (built by `make dict`, see `dict/README.md`).
/// Not in the WebAssembly module: the bundle carries it as data beside the
/// module (js/bundle.mjs), so that a package can ship another lexicon tier
/// in its place.
#[cfg(not(target_arch = "wasm32"))]
pub static DEFAULT_DICTIONARY: &[u8] = include_bytes!("../dict/ipadic.jtd");

/// Loads the shipped dictionary (decompression takes a moment: do it once).
#[cfg(not(target_arch = "wasm32"))]
pub fn default_tokenizer() -> Result<Tokenizer> {
    Ok(Tokenizer::new(Dictionary::from_bytes(DEFAULT_DICTIONARY)?))
}

/// The readings of the shipped dictionary (built with it by `make dict`).
/// Not in the WebAssembly build, whose bundle must stay one small file.
#[cfg(not(target_arch = "wasm32"))]
pub static DEFAULT_READINGS: &[u8] = include_bytes!("../dict/ipadic-readings.jtr");

/// [`default_tokenizer`] with readings attached: tokens carry IPADIC's
/// reading and pronunciation (loading them takes a few more milliseconds).
#[cfg(not(target_arch = "wasm32"))]
pub fn default_tokenizer_with_readings() -> Result<Tokenizer> {
    let mut dict = Dictionary::from_bytes(DEFAULT_DICTIONARY)?;
    dict.attach_readings(DEFAULT_READINGS)?;
    Ok(Tokenizer::new(dict))
}
