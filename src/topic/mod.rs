//! The topic model: LDA with a stored term pipeline.
//!
//! Owns the model file and deterministic inference ([`model`], built for wasm
//! too: the BigQuery UDFs run this code), the term pipeline shared by
//! training and inference ([`terms`]) and, natively, multi-threaded
//! deterministic training ([`train`]), evaluation ([`eval`]) and the
//! document-to-terms plumbing the CLI commands share ([`commands`]).

pub mod model;
pub mod terms;

#[cfg(feature = "cli")]
pub mod commands;
#[cfg(feature = "cli")]
pub mod eval;
#[cfg(feature = "cli")]
pub mod train;
