//! Native xz compression for building artifacts (decoding uses `lzma-rs`,
//! which also runs in wasm).

use crate::error::{Error, Result};
use std::io::Write;

/// xz at preset 9e, no integrity check (artifact headers carry their own checksum).
pub fn xz(data: &[u8]) -> Result<Vec<u8>> {
    xz_preset(data, 9 | 0x8000_0000 /* LZMA_PRESET_EXTREME */)
}

/// xz at a given preset. Preset 9 needs ≈ 700 MB to compress; model files use
/// a smaller one to keep training's peak memory low.
pub fn xz_preset(data: &[u8], preset: u32) -> Result<Vec<u8>> {
    let stream = xz2::stream::Stream::new_easy_encoder(preset, xz2::stream::Check::None)
        .map_err(|e| Error::Io(format!("xz encoder: {e}")))?;
    let mut enc = xz2::write::XzEncoder::new_stream(Vec::new(), stream);
    enc.write_all(data)?;
    Ok(enc.finish()?)
}
