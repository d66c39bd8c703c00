//! BigQuery packaging: the UDF contract (function names, SQL types, limits)
//! and `jatopic package`, which writes the library files, DDL, manifest and
//! deploy script. The wasm bindings those files call are `crate::wasm`.

pub mod package;
