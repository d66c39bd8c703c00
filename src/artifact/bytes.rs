//! Little-endian byte encoding used by every binary artifact: LEB128 varints,
//! zigzag signed varints and length-prefixed strings. The reader checks every
//! length and returns [`Error::Format`] instead of panicking.

use crate::error::{Error, Result};

/// Appends values to a byte vector.
#[derive(Default)]
pub struct Writer {
    /// The bytes written so far.
    pub buf: Vec<u8>,
}

impl Writer {
    /// Unsigned LEB128.
    pub fn uvar(&mut self, mut v: u64) {
        loop {
            let b = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                self.buf.push(b);
                return;
            }
            self.buf.push(b | 0x80);
        }
    }
    /// Signed value, zigzag then LEB128.
    pub fn ivar(&mut self, v: i64) {
        self.uvar(((v << 1) ^ (v >> 63)) as u64);
    }
    /// Raw bytes, no length.
    pub fn raw(&mut self, b: &[u8]) {
        self.buf.extend_from_slice(b);
    }
    /// Length-prefixed UTF-8 string.
    pub fn str(&mut self, s: &str) {
        self.uvar(s.len() as u64);
        self.raw(s.as_bytes());
    }
}

/// Reads values back, checking bounds.
pub struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    what: &'static str,
}

impl<'a> Reader<'a> {
    /// `what` names the artifact in error messages.
    pub fn new(data: &'a [u8], what: &'static str) -> Self {
        Reader { data, pos: 0, what }
    }
    /// A format error naming the artifact and offset.
    pub fn err(&self, msg: &str) -> Error {
        Error::Format(format!("{}: {} (at byte {})", self.what, msg, self.pos))
    }
    /// True when every byte has been read.
    pub fn at_end(&self) -> bool {
        self.pos == self.data.len()
    }
    /// One byte.
    pub fn u8(&mut self) -> Result<u8> {
        let b = *self
            .data
            .get(self.pos)
            .ok_or_else(|| self.err("truncated"))?;
        self.pos += 1;
        Ok(b)
    }
    /// Unsigned LEB128 (at most 64 bits).
    pub fn uvar(&mut self) -> Result<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.u8()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(self.err("varint too long"))
    }
    /// Zigzag LEB128.
    pub fn ivar(&mut self) -> Result<i64> {
        let u = self.uvar()?;
        Ok((u >> 1) as i64 ^ -((u & 1) as i64))
    }
    /// Unsigned varint that must be `<= max`.
    pub fn uvar_max(&mut self, max: u64, field: &str) -> Result<u64> {
        let v = self.uvar()?;
        if v > max {
            return Err(self.err(&format!("{field} = {v} exceeds {max}")));
        }
        Ok(v)
    }
    /// A count used to size a collection: bounded by the bytes left, so a
    /// corrupt count cannot make us allocate gigabytes.
    pub fn count(&mut self, field: &str) -> Result<usize> {
        let left = (self.data.len() - self.pos) as u64;
        Ok(self.uvar_max(left, field)? as usize)
    }
    /// `n` raw bytes.
    pub fn raw(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.data.len());
        let end = end.ok_or_else(|| self.err("truncated"))?;
        let s = &self.data[self.pos..end];
        self.pos = end;
        Ok(s)
    }
    /// Length-prefixed UTF-8 string.
    pub fn str(&mut self) -> Result<&'a str> {
        let n = self.count("string length")?;
        let b = self.raw(n)?;
        std::str::from_utf8(b).map_err(|_| self.err("invalid UTF-8 in string"))
    }
}

/// FNV-1a 64: the checksum stored in artifact headers (not cryptographic; it
/// catches truncation and bit rot).
pub fn fnv1a64(data: &[u8]) -> u64 {
    fnv1a64_more(0xcbf2_9ce4_8422_2325, data)
}

/// The FNV-1a 64 of `a` followed by `data`, given `h = fnv1a64(a)`: hashes
/// parts without joining them.
pub fn fnv1a64_more(mut h: u64, data: &[u8]) -> u64 {
    for &b in data {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
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

/// Decompresses the payload of an artifact: a `.lzma` stream (13-byte
/// header: properties, dictionary size, size unknown; then the range-coded
/// data, closed by the end marker) that must decode to exactly `len` bytes
/// with nothing after it; any other is an error naming `what`.
pub(crate) fn unlzma(what: &str, data: &[u8], len: usize) -> Result<Vec<u8>> {
    let truncated = || {
        Error::Format(format!(
            "{what} truncated or corrupted: the compressed payload ({} bytes) ends before its end marker (the file was probably cut short)",
            data.len()
        ))
    };
    let corrupt = |e: &dyn std::fmt::Display| {
        Error::Format(format!(
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
        return Err(Error::Format(format!(
            "{what} corrupted: the header of its compressed payload is not one jatopic writes (LZMA dictionary size {dict_size}, expected {window} for a {len}-byte payload; then 8 bytes 0xFF)"
        )));
    }
    // LZMA cannot expand data much beyond 7,000 to 1 (a long run of one
    // byte): a larger claim is a forged header, refused before allocating.
    if len > data.len().saturating_mul(16_384) {
        return Err(Error::Format(format!(
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
                Error::Format(format!(
                    "{what}: not enough memory to decompress its {len}-byte payload"
                ))
            })?;
            out.resize(size, 0);
        }
        match std::io::Read::read(&mut reader, &mut out[at..]) {
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
        return Err(Error::Format(format!(
            "{what} corrupted: the payload decompresses to more than the {len} bytes the header says"
        )));
    }
    if at < len {
        return Err(Error::Format(format!(
            "{what} corrupted: the payload decompresses to {at} bytes, the header says {len}"
        )));
    }
    if !input.rest.is_empty() {
        return Err(Error::Format(format!(
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
        let packed = crate::artifact::compress::lzma_preset(&data, 0).unwrap();
        assert_eq!(unlzma("model", &packed, data.len()).unwrap(), data);
        assert!(
            unlzma("model", &crate::artifact::compress::lzma(&[]).unwrap(), 0)
                .unwrap()
                .is_empty()
        );
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
        let tiny = crate::artifact::compress::lzma_preset(b"jatopic", 0).unwrap();
        let mut forged = tiny.clone();
        forged[1..5].copy_from_slice(&lzma_window(1 << 30).to_le_bytes());
        assert!(message(&forged, 1 << 30).contains("more than LZMA can expand to"));
    }

    #[test]
    fn fnv1a64_of_parts_equals_that_of_the_whole() {
        // The published test vector for "a".
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64_more(fnv1a64(b"jato"), b"pic"), fnv1a64(b"jatopic"));
        assert_eq!(fnv1a64_more(fnv1a64(b""), b""), fnv1a64(b""));
    }

    #[test]
    fn varints_round_trip() {
        let mut w = Writer::default();
        for v in [0i64, 1, -1, 63, -64, 1 << 40, i64::MIN, i64::MAX] {
            w.ivar(v);
        }
        w.str("東京");
        let mut r = Reader::new(&w.buf, "test");
        for v in [0i64, 1, -1, 63, -64, 1 << 40, i64::MIN, i64::MAX] {
            assert_eq!(r.ivar().unwrap(), v);
        }
        assert_eq!(r.str().unwrap(), "東京");
        assert!(r.at_end());
        assert!(r.u8().is_err());
    }

    #[test]
    fn truncated_and_oversized_input_is_an_error() {
        assert!(Reader::new(&[0x80], "t").uvar().is_err());
        assert!(Reader::new(&[0xff; 11], "t").uvar().is_err());
        let mut r = Reader::new(&[100, 1, 2], "t");
        assert!(r.str().is_err());
    }
}
