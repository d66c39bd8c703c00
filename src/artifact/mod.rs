//! Binary artifacts (dictionaries `.jtd`, models `.jtm`): the file frame
//! they share ([`frame`]: magic, version, checksum, stored section and
//! compressed payload), the byte codec every record uses ([`bytes`]:
//! varints, strings, checked reads), LZMA ([`lzma`]: decoding everywhere,
//! encoding natively) and the loaders' long loops cut into short calls
//! ([`calls`]), which V8 optimises.

pub mod bytes;
pub mod calls;
pub mod frame;
pub mod lzma;
