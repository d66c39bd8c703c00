//! The packed user dictionary (`jatopic package --user-dict`): the user's
//! CSV file exactly as given, LZMA-compressed in the artifact frame, with
//! its name and SHA-256, so that the wasm module parses it with the same
//! parser as the CLI (identical tokens, identical errors) and a model's
//! checksum matches it. A 50,000-entry file of about 4 MB packs into a few
//! hundred kB; `jatopic-userdict.js` carries the packed bytes as 7-bit text.
//!
//! ```text
//! frame    crate::artifact::frame, magic "JATOPIC-USERDICT\n", no stored section
//! payload  sha256 [32]  name (uvar length + UTF-8)  file (the rest)
//! ```

use crate::artifact::bytes::Reader;
use crate::artifact::frame::Format;
use crate::error::Result;

/// First bytes of every packed user dictionary.
pub const MAGIC: &[u8; 17] = b"JATOPIC-USERDICT\n";
/// Bump when the payload layout changes.
pub const FORMAT_VERSION: u16 = 1;
/// The packed user dictionary's frame.
pub const FORMAT: Format = Format {
    what: "user dictionary",
    magic: MAGIC,
    version: FORMAT_VERSION,
    stored_section: false,
    // The CLI's own limit for a user dictionary file, plus the header.
    max_payload: super::parse::MAX_USER_DICT_BYTES + 4096,
    expected: "a packed user dictionary written by `jatopic package --user-dict`",
    other_version: "package it again with this jatopic (`jatopic package --user-dict FILE`)",
};

/// A packed user dictionary, unpacked: the file as the user wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackedUserDictionary {
    /// SHA-256 of `bytes` (what a model records).
    pub sha256: [u8; 32],
    /// The file's name, for errors (FILE:LINE: problem).
    pub name: String,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

impl PackedUserDictionary {
    /// Packs `bytes`, the user dictionary file `name`.
    #[cfg(feature = "cli")]
    pub fn pack(name: &str, bytes: &[u8]) -> Result<Vec<u8>> {
        use sha2::{Digest, Sha256};
        let mut w = crate::artifact::bytes::Writer::default();
        w.raw(&Sha256::digest(bytes));
        w.str(name);
        w.raw(bytes);
        FORMAT.write(&[], &w.buf, crate::artifact::lzma::SMALLEST)
    }

    /// Reads what [`PackedUserDictionary::pack`] wrote; a damaged or foreign
    /// file is an error saying so.
    pub fn unpack(file: &[u8]) -> Result<PackedUserDictionary> {
        let frame = FORMAT.read(file)?;
        let mut r = Reader::new(&frame.payload, "user dictionary");
        let mut sha256 = [0u8; 32];
        sha256.copy_from_slice(r.raw(32)?);
        let name = r.str()?.to_string();
        let bytes = r
            .raw(frame.payload.len() - frame.payload.len().min(r.position()))?
            .to_vec();
        Ok(PackedUserDictionary {
            sha256,
            name,
            bytes,
        })
    }
}

#[cfg(all(test, feature = "cli"))]
mod tests {
    use super::*;

    #[test]
    fn pack_and_unpack_are_inverse_and_damage_is_named() {
        let csv = "がま口,,,,名詞,一般,*,*,*,*,がま口,ガマグチ,ガマグチ\n".as_bytes();
        let packed = PackedUserDictionary::pack("shop.csv", csv).unwrap();
        assert!(packed.starts_with(MAGIC));
        let back = PackedUserDictionary::unpack(&packed).unwrap();
        assert_eq!(back.name, "shop.csv");
        assert_eq!(back.bytes, csv);
        use sha2::{Digest, Sha256};
        assert_eq!(back.sha256, <[u8; 32]>::from(Sha256::digest(csv)));
        let mut damaged = packed.clone();
        let mid = FORMAT.header_len() + 6;
        damaged[mid] ^= 0x55;
        assert!(PackedUserDictionary::unpack(&damaged).is_err());
        let e = PackedUserDictionary::unpack(csv).unwrap_err().to_string();
        assert!(e.contains("not a jatopic user dictionary"), "{e}");
        for n in 0..packed.len() {
            assert!(PackedUserDictionary::unpack(&packed[..n]).is_err());
        }
    }
}
