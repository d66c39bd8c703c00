//! Smaller model files at a measured cost: counts rounded to a few
//! significant bits, small counts dropped, and the cosine of the topics
//! inferred with the result against the exact model.

use crate::error::{Error, Result};
use crate::topic::model::Model;

/// Rounds every count to `bits` significant bits (1–31) and sets counts
/// below `min_count` to zero: smaller model files at a measured cost.
pub fn quantise_counts(model: &Model, bits: u32, min_count: u32) -> Result<Model> {
    if !(1..=31).contains(&bits) {
        return Err(Error::input("--count-bits must be between 1 and 31".into()));
    }
    let counts = model
        .word_topic
        .iter()
        .map(|&c| {
            let width = 32 - c.leading_zeros();
            if c < min_count {
                0
            } else if width <= bits {
                c
            } else {
                let shift = width - bits;
                // Round to nearest at the kept precision.
                let r = (u64::from(c) + (1u64 << (shift - 1))) >> shift << shift;
                u32::try_from(r).unwrap_or(u32::MAX)
            }
        })
        .collect();
    Model::new(
        model.terms.clone(),
        model.vocab.clone(),
        model.alpha.clone(),
        model.beta,
        counts,
        model.info.clone(),
    )
}

/// Mean and worst cosine between two models' inferred topic vectors on
/// pseudo-documents made of each topic's top words (a quick check of
/// quantisation; the full check runs on held-out text in the tests).
pub fn quantisation_error(exact: &Model, approx: &Model) -> (f64, f64) {
    let (mut sum, mut worst, mut n) = (0.0, 1.0f64, 0usize);
    for t in 0..exact.k() {
        for size in [3usize, 10, 30] {
            let ids: Vec<u32> = exact
                .top_word_ids(t, size)
                .iter()
                .map(|&(w, _)| w)
                .collect();
            let (a, b) = (exact.infer(&ids), approx.infer(&ids));
            let dot: f64 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
            let norm = |v: &[f64]| v.iter().map(|x| x * x).sum::<f64>().sqrt();
            let cos = dot / (norm(&a) * norm(&b));
            sum += cos;
            worst = worst.min(cos);
            n += 1;
        }
    }
    (sum / n.max(1) as f64, worst)
}
