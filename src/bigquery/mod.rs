//! BigQuery packaging: the UDF contract ([`contract`], from
//! `udf_contract.json`), the library files and what each carries
//! ([`libraries`]), the checks of identifiers that reach SQL
//! ([`names`]), model quantisation ([`quantise`]), `ja_selftest()`
//! ([`selftest`]), `manifest.json`'s records ([`manifest`]) and `jatopic
//! package` itself ([`package`]). The wasm bindings the library files call
//! are `crate::wasm`; their JavaScript runtime is js/runtime/.

pub mod contract;
pub mod libraries;
pub mod manifest;
pub mod names;
pub mod package;
pub mod quantise;
pub mod selftest;
