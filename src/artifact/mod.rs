//! Binary artifacts (dictionaries `.jtd`, models `.jtm`): the byte codec
//! every record uses ([`bytes`]: varints, strings, checked reads, LZMA
//! decoding) and, natively, LZMA encoding ([`compress`]).

pub mod bytes;
#[cfg(feature = "cli")]
pub mod compress;
