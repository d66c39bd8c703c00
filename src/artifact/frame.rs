//! The frame every artifact file shares: magic, format version, an optional
//! stored (uncompressed) section, the payload's length, a checksum of both,
//! then the stored section and the LZMA-compressed payload. [`Format`]
//! describes one kind of file (dictionary, model); [`Format::read`] and
//! [`Format::write`] are each other's inverse, and `read` checks everything
//! a damaged or foreign file can get wrong, naming the problem.
//!
//! ```text
//! magic    Format::magic
//! version  u16 LE          Format::version
//! stored   u32 LE          length of the stored section (only when Format::stored_section)
//! length   u32 LE          length of the decompressed payload
//! checksum u64 LE          FNV-1a 64 of stored section + decompressed payload
//! stored section           as is
//! payload  .lzma stream    see `lzma::unlzma`
//! ```

use crate::artifact::bytes::{fnv1a64, fnv1a64_more};
use crate::artifact::lzma::unlzma;
use crate::error::{Error, Result};

/// One kind of artifact file and the words its error messages use.
#[derive(Debug, Clone, Copy)]
pub struct Format {
    /// Names the artifact in messages: "dictionary", "model".
    pub what: &'static str,
    /// First bytes of every file.
    pub magic: &'static [u8],
    /// Bumped when the layout or meaning of any field changes, so that old
    /// readers reject new files (and vice versa) instead of misreading them.
    pub version: u16,
    /// Whether the file has a stored section (uncompressed, before the payload).
    pub stored_section: bool,
    /// Refuse payloads that would decompress beyond this (bounds memory).
    pub max_payload: usize,
    /// What a file of this kind is, for "expected …" in messages.
    pub expected: &'static str,
    /// What to do about a file of another format version.
    pub other_version: &'static str,
}

/// A file's contents once its frame is checked and its payload decompressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame<'a> {
    /// The stored section (empty when the format has none).
    pub stored: &'a [u8],
    /// The decompressed payload.
    pub payload: Vec<u8>,
}

impl Format {
    /// Bytes before the stored section.
    pub fn header_len(&self) -> usize {
        self.checksum_offset() + 8
    }

    /// Where the u64 checksum is.
    pub fn checksum_offset(&self) -> usize {
        self.magic.len() + 2 + 4 + if self.stored_section { 4 } else { 0 }
    }

    /// Checks `file`'s header, decompresses its payload and verifies the
    /// checksum (except in fuzz builds, so that mutated files reach the
    /// parsers).
    pub fn read<'a>(&self, file: &'a [u8]) -> Result<Frame<'a>> {
        self.read_versions(file, self.version)
            .map(|(_, frame)| frame)
    }

    /// [`Format::read`] accepting every format version from `oldest` to
    /// `self.version` (a reader that still understands earlier layouts);
    /// returns the file's version with its contents.
    pub fn read_versions<'a>(&self, file: &'a [u8], oldest: u16) -> Result<(u16, Frame<'a>)> {
        let what = self.what;
        let head = self.header_len();
        let m = self.magic.len();
        if file.len() < head || &file[..m] != self.magic {
            return Err(Error::format(header_problem(
                file,
                self.magic,
                head,
                what,
                self.expected,
            )));
        }
        let version = u16::from_le_bytes([file[m], file[m + 1]]);
        if !(oldest..=self.version).contains(&version) {
            let expected = if oldest == self.version {
                self.version.to_string()
            } else {
                format!("{oldest} to {}", self.version)
            };
            return Err(Error::format(format!(
                "{what} format version {version} is not supported by this jatopic (expects {expected}): {}",
                self.other_version
            )));
        }
        let mut fields = file[m + 2..head].chunks_exact(4);
        let mut word = || {
            fields
                .next()
                .map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
        };
        let stored_len = if self.stored_section { word() } else { 0 };
        let len = word();
        let sum = u64::from_le_bytes(file[head - 8..head].try_into().unwrap_or_default());
        if stored_len > file.len() - head {
            return Err(Error::format(format!(
                "{what} truncated: the header says the stored section has {stored_len} bytes, the file has {} after the header",
                file.len() - head
            )));
        }
        let stored = &file[head..head + stored_len];
        if len > self.max_payload {
            return Err(Error::format(format!(
                "{what} header corrupted: it declares a payload of {len} bytes, over the {}-byte limit",
                self.max_payload
            )));
        }
        let payload = unlzma(what, &file[head + stored_len..], len)?;
        let hash = fnv1a64_more(fnv1a64(stored), &payload);
        // Fuzz builds skip the comparison so mutated files reach the parser.
        if hash != sum && !cfg!(fuzzing) {
            let hashed = if self.stored_section {
                "the contents hash"
            } else {
                "the payload hashes"
            };
            return Err(Error::format(format!(
                "{what} checksum mismatch: the header says {sum:016x}, {hashed} to {hash:016x} (file corrupted)"
            )));
        }
        Ok((version, Frame { stored, payload }))
    }

    /// The file [`Format::read`] reads back as `stored` and `payload`, the
    /// payload compressed `how`.
    #[cfg(feature = "cli")]
    pub fn write(
        &self,
        stored: &[u8],
        payload: &[u8],
        how: crate::artifact::lzma::Compression,
    ) -> Result<Vec<u8>> {
        debug_assert!(self.stored_section || stored.is_empty());
        let length = |n: usize| {
            u32::try_from(n).map_err(|_| Error::input(format!("{} too large", self.what)))
        };
        let mut out = self.magic.to_vec();
        out.extend_from_slice(&self.version.to_le_bytes());
        if self.stored_section {
            out.extend_from_slice(&length(stored.len())?.to_le_bytes());
        }
        out.extend_from_slice(&length(payload.len())?.to_le_bytes());
        out.extend_from_slice(&fnv1a64_more(fnv1a64(stored), payload).to_le_bytes());
        out.extend_from_slice(stored);
        out.extend_from_slice(&crate::artifact::lzma::compress(payload, how)?);
        Ok(out)
    }
}

/// Why a file's header is unusable (empty, too short, or another file type).
fn header_problem(file: &[u8], magic: &[u8], head: usize, what: &str, expected: &str) -> String {
    if file.is_empty() {
        return format!("{what} file is empty (0 bytes); expected {expected}");
    }
    let shared = file.len().min(magic.len());
    if file[..shared] == magic[..shared] {
        return format!(
            "{what} truncated: the file has {} bytes, less than the {head}-byte header",
            file.len()
        );
    }
    format!(
        "not a jatopic {what}: wrong magic (bad magic) {:?}, a {what} file starts with {:?}; expected {expected}",
        String::from_utf8_lossy(&file[..shared]),
        String::from_utf8_lossy(magic)
    )
}

#[cfg(all(test, feature = "cli"))]
mod tests {
    use super::*;
    use crate::artifact::lzma::Compression;

    const PLAIN: Format = Format {
        what: "widget",
        magic: b"WIDGET\n",
        version: 3,
        stored_section: false,
        max_payload: 1 << 20,
        expected: "a widget",
        other_version: "make another",
    };
    const WITH_STORED: Format = Format {
        stored_section: true,
        ..PLAIN
    };

    fn message(format: &Format, file: &[u8]) -> String {
        format.read(file).unwrap_err().to_string()
    }

    #[test]
    fn write_then_read_gives_back_both_sections() {
        let how = Compression::preset(0);
        let file = WITH_STORED.write(b"stored", b"payload", how).unwrap();
        assert_eq!(WITH_STORED.header_len(), 7 + 2 + 4 + 4 + 8);
        let frame = WITH_STORED.read(&file).unwrap();
        assert_eq!(
            (frame.stored, &frame.payload[..]),
            (&b"stored"[..], &b"payload"[..])
        );
        let file = PLAIN.write(b"", b"payload", how).unwrap();
        assert_eq!(PLAIN.header_len(), 7 + 2 + 4 + 8);
        assert_eq!(PLAIN.read(&file).unwrap().payload, b"payload");
        // The stored section is covered by the checksum.
        let mut flipped = WITH_STORED.write(b"stored", b"payload", how).unwrap();
        flipped[WITH_STORED.header_len()] ^= 1;
        assert!(message(&WITH_STORED, &flipped).contains("widget checksum mismatch"));
    }

    #[test]
    fn each_header_problem_is_named() {
        let file = WITH_STORED
            .write(b"stored", b"payload", Compression::preset(0))
            .unwrap();
        assert!(message(&WITH_STORED, b"")
            .contains("widget file is empty (0 bytes); expected a widget"));
        assert!(
            message(&WITH_STORED, &file[..9]).contains("widget truncated: the file has 9 bytes")
        );
        assert!(
            message(&WITH_STORED, b"GADGET\n and more bytes than a header").contains("bad magic")
        );
        let mut other = file.clone();
        other[7] = 4;
        assert!(message(&WITH_STORED, &other).contains(
            "widget format version 4 is not supported by this jatopic (expects 3): make another"
        ));
        // A reader of several versions accepts each and names the range.
        let old = Format {
            version: 2,
            ..WITH_STORED
        }
        .write(b"stored", b"payload", Compression::preset(0))
        .unwrap();
        let (version, frame) = WITH_STORED.read_versions(&old, 2).unwrap();
        assert_eq!((version, &frame.payload[..]), (2, &b"payload"[..]));
        assert_eq!(WITH_STORED.read_versions(&file, 2).unwrap().0, 3);
        assert!(WITH_STORED.read(&old).is_err());
        let e = WITH_STORED
            .read_versions(&other, 2)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("widget format version 4 is not supported by this jatopic (expects 2 to 3)"),
            "{e}"
        );
        let mut long = file.clone();
        long[9..13].copy_from_slice(&1000u32.to_le_bytes());
        assert!(message(&WITH_STORED, &long)
            .contains("the header says the stored section has 1000 bytes"));
        let mut huge = file.clone();
        huge[13..17].copy_from_slice(&(2u32 << 20).to_le_bytes());
        assert!(message(&WITH_STORED, &huge).contains("over the 1048576-byte limit"));
    }
}
