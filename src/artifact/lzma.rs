//! LZMA, the compression of every artifact's payload: decoding
//! ([`unlzma`], through `lzma-rust2`, which also runs in wasm) and, natively,
//! encoding ([`compress`], through liblzma), with the one window size
//! ([`lzma_window`]) both sides agree on.

use crate::artifact::calls;
use crate::error::{Error, Result};

/// Encoder settings: an xz preset and the position bits.
#[cfg(feature = "cli")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Compression {
    preset: u32,
    position_bits: u32,
}

/// Preset 9e with position bits 0, for the dictionary: its columns of
/// varints have no 4-byte structure (2.7 KB smaller than the default 2).
#[cfg(feature = "cli")]
pub const SMALLEST: Compression = Compression {
    preset: 9 | 0x8000_0000, /* LZMA_PRESET_EXTREME */
    position_bits: 0,
};

#[cfg(feature = "cli")]
impl Compression {
    /// An xz preset (0 fastest, 9 smallest) with the default position bits.
    pub const fn preset(preset: u32) -> Compression {
        Compression {
            preset,
            position_bits: 2,
        }
    }
}

/// Compresses `data` in the `.lzma` ("LZMA alone") format: size unknown,
/// end marker. The dictionary is no larger than the data needs
/// ([`lzma_window`]): that keeps the encoder's memory in proportion and is
/// what [`unlzma`] accepts.
#[cfg(feature = "cli")]
pub fn compress(data: &[u8], how: Compression) -> Result<Vec<u8>> {
    use std::io::Write;
    let fail = |e: xz2::stream::Error| Error::io_message(format!("LZMA encoder: {e}"));
    let mut options = xz2::stream::LzmaOptions::new_preset(how.preset).map_err(fail)?;
    options.dict_size(lzma_window(data.len()));
    options.position_bits(how.position_bits);
    let stream = xz2::stream::Stream::new_lzma_encoder(&options).map_err(fail)?;
    let mut enc = xz2::write::XzEncoder::new_stream(Vec::new(), stream);
    enc.write_all(data)?;
    Ok(enc.finish()?)
}

/// The LZMA dictionary (window) size for a payload of `len` bytes: the
/// encoder writes it and the decoder accepts no more, so a forged header
/// cannot make the decoder allocate more than twice the payload.
pub fn lzma_window(len: usize) -> u32 {
    u32::try_from(len.max(4096).next_power_of_two()).unwrap_or(1 << 31)
}

/// The compressed bytes, noting whether the decoder asked for more than there
/// were (it then decodes filler until the data stops making sense).
struct Input<'a> {
    rest: &'a [u8],
    overrun: bool,
}

impl std::io::Read for Input<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.rest.is_empty() && !buf.is_empty() {
            self.overrun = true;
        }
        self.rest.read(buf)
    }
}

/// One call of the decoder, for at most [`calls::BYTES_PER_CALL`] bytes:
/// one call decoding a whole payload ran in V8's baseline code throughout
/// (see [`crate::artifact::calls`]). Never inlined, nor by wasm-opt.
#[inline(never)]
fn decode_some(
    reader: &mut lzma_rust2::LzmaReader<&mut Input>,
    buf: &mut [u8],
) -> std::io::Result<usize> {
    std::io::Read::read(reader, buf)
}

/// Decompresses the payload of an artifact: a `.lzma` stream (13-byte
/// header: properties, dictionary size, size unknown; then the range-coded
/// data, closed by the end marker) that must decode to exactly `len` bytes
/// with nothing after it; any other is an error naming `what`.
pub fn unlzma(what: &str, data: &[u8], len: usize) -> Result<Vec<u8>> {
    let truncated = || {
        Error::format(format!(
            "{what} truncated or corrupted: the compressed payload ({} bytes) ends before its end marker (the file was probably cut short)",
            data.len()
        ))
    };
    let corrupt = |e: &dyn std::fmt::Display| {
        Error::format(format!(
            "{what} corrupted: the compressed payload does not decompress ({e})"
        ))
    };
    let (Some(&props), Some(size), Some(rest)) = (data.first(), data.get(1..5), data.get(13..))
    else {
        return Err(truncated());
    };
    // jatopic writes one dictionary size per payload length and leaves the
    // size unknown (the end marker closes the data): anything else is damage.
    let dict_size = u32::from_le_bytes([size[0], size[1], size[2], size[3]]);
    let window = lzma_window(len);
    if dict_size != window || data[5..13] != [0xFF; 8] {
        return Err(Error::format(format!(
            "{what} corrupted: the header of its compressed payload is not one jatopic writes (LZMA dictionary size {dict_size}, expected {window} for a {len}-byte payload; then 8 bytes 0xFF)"
        )));
    }
    // LZMA cannot expand data much beyond 7,000 to 1 (a long run of one
    // byte): a larger claim is a forged header, refused before allocating.
    if len > data.len().saturating_mul(16_384) {
        return Err(Error::format(format!(
            "{what} corrupted: the header claims {len} bytes from a {}-byte compressed payload, more than LZMA can expand to",
            data.len()
        )));
    }
    let mut input = Input {
        rest,
        overrun: false,
    };
    // The decoder reads past the end as filler and fails later, if at all:
    // an overrun, not the error it ends with, says the data was cut short.
    let failed = |input: &Input, e: &dyn std::fmt::Display| {
        if input.overrun {
            truncated()
        } else {
            corrupt(e)
        }
    };
    let mut reader = match lzma_rust2::LzmaReader::new_with_props(
        &mut input,
        u64::MAX,
        props,
        dict_size,
        None,
    ) {
        Ok(reader) => reader,
        Err(e) => return Err(failed(&input, &e)),
    };
    // Room for one byte more than expected, to notice a payload that is too
    // long; grown as the data arrives, fallibly (a failed allocation in wasm
    // would abort), from what plausible compression gives.
    let mut out = Vec::new();
    let mut at = 0;
    loop {
        if at == out.len() {
            if at > len {
                break;
            }
            let size = (len + 1).min(
                out.len()
                    .max(data.len().saturating_mul(32))
                    .saturating_mul(2),
            );
            out.try_reserve_exact(size - out.len()).map_err(|_| {
                Error::format(format!(
                    "{what}: not enough memory to decompress its {len}-byte payload"
                ))
            })?;
            out.resize(size, 0);
        }
        let end = out.len().min(at + calls::BYTES_PER_CALL);
        match decode_some(&mut reader, &mut out[at..end]) {
            Ok(0) => break,
            Ok(n) => at += n,
            Err(e) => {
                drop(reader);
                return Err(failed(&input, &e));
            }
        }
    }
    drop(reader);
    if input.overrun {
        return Err(truncated());
    }
    if at > len {
        return Err(Error::format(format!(
            "{what} corrupted: the payload decompresses to more than the {len} bytes the header says"
        )));
    }
    if at < len {
        return Err(Error::format(format!(
            "{what} corrupted: the payload decompresses to {at} bytes, the header says {len}"
        )));
    }
    if !input.rest.is_empty() {
        return Err(Error::format(format!(
            "{what} corrupted: {} bytes follow the compressed payload's end marker",
            input.rest.len()
        )));
    }
    out.truncate(at);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "cli")]
    #[test]
    fn lzma_payloads_round_trip_and_damage_is_named() {
        let data: Vec<u8> = (0..20_000u32).map(|i| (i * i % 251) as u8).collect();
        let packed = compress(&data, Compression::preset(0)).unwrap();
        assert_eq!(unlzma("model", &packed, data.len()).unwrap(), data);
        assert!(unlzma("model", &compress(&[], SMALLEST).unwrap(), 0)
            .unwrap()
            .is_empty());
        let message =
            |bytes: &[u8], len: usize| unlzma("model", bytes, len).unwrap_err().to_string();
        for cut in [0, 5, 13, 20, packed.len() / 2, packed.len() - 1] {
            let m = message(&packed[..cut], data.len());
            assert!(
                m.contains("model truncated or corrupted"),
                "cut at {cut}: {m}"
            );
        }
        let mut longer = packed.clone();
        longer.push(0);
        assert!(message(&longer, data.len()).contains("1 bytes follow"));
        // A payload length other than the one written: the dictionary size no
        // longer matches, or (same window) the data runs past it.
        assert!(message(&packed, 4_000).contains("not one jatopic writes"));
        let short = data.len() - 1;
        assert_eq!(lzma_window(short), lzma_window(data.len()));
        assert!(message(&packed, short).contains("more than the 19999 bytes"));
        // A forged length is refused before anything is allocated for it.
        let tiny = compress(b"jatopic", Compression::preset(0)).unwrap();
        let mut forged = tiny.clone();
        forged[1..5].copy_from_slice(&lzma_window(1 << 30).to_le_bytes());
        assert!(message(&forged, 1 << 30).contains("more than LZMA can expand to"));
    }
}
