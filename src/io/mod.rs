//! Native input and output: document readers per format ([`input`]),
//! output files written atomically ([`output`]) and the signal handling
//! that keeps them so ([`signals`]). Builds only with the `cli` feature.

pub mod input;
pub mod output;
pub mod signals;
