//! Little-endian byte encoding used by every binary artifact: LEB128 varints,
//! zigzag signed varints and length-prefixed strings, and the FNV-1a 64
//! checksum of artifact headers. The reader checks every length and returns
//! [`Error::Format`] instead of panicking.

use crate::artifact::calls;
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
        Error::format(format!("{}: {} (at byte {})", self.what, msg, self.pos))
    }
    /// How many bytes have been read.
    pub fn position(&self) -> usize {
        self.pos
    }
    /// How many bytes are left to read.
    pub fn remaining(&self) -> usize {
        self.data.len() - self.pos
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
    #[inline]
    pub fn uvar(&mut self) -> Result<u64> {
        // Most values in artifacts are below 128: one byte, read inline.
        if let Some(&b) = self.data.get(self.pos) {
            if b < 0x80 {
                self.pos += 1;
                return Ok(u64::from(b));
            }
        }
        self.uvar_long()
    }
    /// [`Reader::uvar`] of two bytes or more: a plain loop over the bytes
    /// left, as a cold start runs it in V8's baseline code (a `Result` per
    /// byte read cost as much as the byte).
    #[inline(never)]
    fn uvar_long(&mut self) -> Result<u64> {
        let rest = self.data.get(self.pos..).unwrap_or_default();
        let mut v = 0u64;
        for (i, &b) in rest.iter().enumerate().take(10) {
            // The tenth byte's bits beyond 64 are dropped, as they always were.
            v |= u64::from(b & 0x7f) << (7 * i);
            if b < 0x80 {
                self.pos += i + 1;
                return Ok(v);
            }
        }
        if rest.len() < 10 {
            self.pos = self.data.len();
            return Err(self.err("truncated"));
        }
        self.pos += 10;
        Err(self.err("varint too long"))
    }
    /// Zigzag LEB128.
    pub fn ivar(&mut self) -> Result<i64> {
        let u = self.uvar()?;
        Ok((u >> 1) as i64 ^ -((u & 1) as i64))
    }
    /// Unsigned varint that must be `<= max`. Out of line: inlined at its
    /// callers it took 4.4 KB of the bundle's room for 2 % of a compact
    /// cold start's instructions.
    #[inline(never)]
    pub fn uvar_max(&mut self, max: u64, field: &str) -> Result<u64> {
        let v = self.uvar()?;
        if v > max {
            return Err(self.exceeds(field, v, max));
        }
        Ok(v)
    }
    /// [`Reader::uvar_max`]'s error, out of line: formatting it in place
    /// made every call set up for it (the loaders call it per record, in
    /// V8's baseline code at a cold start).
    #[cold]
    #[inline(never)]
    fn exceeds(&self, field: &str, v: u64, max: u64) -> Error {
        self.err(&format!("{field} = {v} exceeds {max}"))
    }
    /// A count used to size a collection: bounded by the bytes left, so a
    /// corrupt count cannot make us allocate gigabytes.
    pub fn count(&mut self, field: &str) -> Result<usize> {
        let left = self.remaining() as u64;
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
/// parts without joining them, [`calls::BYTES_PER_CALL`] bytes per call of
/// `fnv1a64_some` (see [`crate::artifact::calls`]).
pub fn fnv1a64_more(h: u64, data: &[u8]) -> u64 {
    data.chunks(calls::BYTES_PER_CALL).fold(h, fnv1a64_some)
}

/// One call of [`fnv1a64_more`]. Never inlined, nor by wasm-opt.
#[inline(never)]
fn fnv1a64_some(mut h: u64, data: &[u8]) -> u64 {
    for &b in data {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let message = |bytes: &[u8]| Reader::new(bytes, "t").uvar().unwrap_err().to_string();
        assert_eq!(message(&[0x80]), "malformed data: t: truncated (at byte 1)");
        assert_eq!(
            message(&[0xff; 9]),
            "malformed data: t: truncated (at byte 9)"
        );
        assert_eq!(
            message(&[0xff; 11]),
            "malformed data: t: varint too long (at byte 10)"
        );
        // Every length from one byte to ten, and where the next value starts.
        for v in (0..64).map(|bits| (1u64 << bits) | 1).chain([u64::MAX]) {
            let mut w = Writer::default();
            w.uvar(v);
            w.uvar(5);
            let mut r = Reader::new(&w.buf, "t");
            assert_eq!((r.uvar().unwrap(), r.uvar().unwrap()), (v, 5));
            assert!(r.at_end());
        }
        let mut r = Reader::new(&[100, 1, 2], "t");
        assert!(r.str().is_err());
    }
}
