//! Native LZMA compression for building artifacts (decoding is
//! `bytes::unlzma`, through `lzma-rust2`, which also runs in wasm).

use crate::artifact::bytes::lzma_window;
use crate::error::{Error, Result};
use std::io::Write;

/// `.lzma` at preset 9e, for the dictionary. Position bits 0: its columns of
/// varints have no 4-byte structure (2.7 KB smaller than the default 2).
pub fn lzma(data: &[u8]) -> Result<Vec<u8>> {
    lzma_with(data, 9 | 0x8000_0000 /* LZMA_PRESET_EXTREME */, 0)
}

/// `.lzma` at a given preset with the default position bits (models).
pub fn lzma_preset(data: &[u8], preset: u32) -> Result<Vec<u8>> {
    lzma_with(data, preset, 2)
}

/// The `.lzma` ("LZMA alone") format: size unknown, end marker. The
/// dictionary is no larger than the data needs ([`lzma_window`]): that keeps
/// the encoder's memory in proportion and is what the decoder accepts.
fn lzma_with(data: &[u8], preset: u32, position_bits: u32) -> Result<Vec<u8>> {
    let fail = |e: xz2::stream::Error| Error::Io(format!("LZMA encoder: {e}"));
    let mut options = xz2::stream::LzmaOptions::new_preset(preset).map_err(fail)?;
    options.dict_size(lzma_window(data.len()));
    options.position_bits(position_bits);
    let stream = xz2::stream::Stream::new_lzma_encoder(&options).map_err(fail)?;
    let mut enc = xz2::write::XzEncoder::new_stream(Vec::new(), stream);
    enc.write_all(data)?;
    Ok(enc.finish()?)
}
