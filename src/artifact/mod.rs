//! Binary artifacts (dictionaries `.jtd`, models `.jtm`): the file frame
//! they share ([`frame`]: magic, version, checksum, stored section and
//! compressed payload), the byte codec every record uses ([`bytes`]:
//! varints, strings, checked reads) and LZMA ([`lzma`]: decoding everywhere,
//! encoding natively).

pub mod bytes;
pub mod frame;
pub mod lzma;
