//! Native input and output: document readers per format ([`input`]).
//! Builds only with the `cli` feature (files, threads).

pub mod input;
