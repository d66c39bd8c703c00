//! The topic model: LDA with a stored term pipeline.
//!
//! Owns the model file and deterministic inference ([`model`], built for wasm
//! too: the BigQuery UDFs run this code), the term pipeline shared by
//! training and inference ([`terms`]) and, natively, multi-threaded
//! deterministic training ([`train`]), evaluation ([`eval`]), documents to
//! term ids ([`corpus`]) and model files on disk ([`files`]).

pub mod model;
pub mod terms;

#[cfg(feature = "cli")]
pub mod corpus;
#[cfg(feature = "cli")]
pub mod eval;
#[cfg(feature = "cli")]
pub mod files;
#[cfg(feature = "cli")]
pub mod train;
