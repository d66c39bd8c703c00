//! Topic-model evaluation: held-out likelihood by document completion, NPMI
//! coherence, topic diversity, and agreement of top topics with labels.

use crate::topic::model::Model;
use std::collections::{HashMap, HashSet};

/// Evaluation results.
#[derive(Debug, Clone, Default)]
pub struct Evaluation {
    /// Held-out documents scored (at least two known terms).
    pub documents: usize,
    /// Tokens scored (the odd-position half of each document).
    pub scored_tokens: u64,
    /// Held-out log-likelihood per scored token.
    pub heldout_log_likelihood: f64,
    /// NPMI of each topic's top words.
    pub coherence: Vec<f64>,
    /// Mean of `coherence`.
    pub mean_coherence: f64,
    /// Unique words among all topics' top 25, as a fraction.
    pub diversity: f64,
    /// NMI and purity of each document's top topic against its label, when labels exist.
    pub nmi_purity: Option<(f64, f64)>,
}

/// Evaluates `model` on held-out documents (term ids in its vocabulary;
/// `labels[i]` optional). Document completion: θ is inferred from the
/// even-position tokens and the odd-position tokens are scored, so the result
/// is deterministic. Coherence uses document co-occurrence in `docs`.
pub fn evaluate(
    model: &Model,
    docs: &[Vec<u32>],
    labels: &[Option<String>],
    top_n: usize,
) -> Evaluation {
    let k = model.k();
    let mut e = Evaluation::default();
    let mut ll = 0.0;
    for d in docs.iter().filter(|d| d.len() >= 2) {
        let observed: Vec<u32> = d.iter().step_by(2).copied().collect();
        let theta = model.infer(&observed);
        for &w in d.iter().skip(1).step_by(2) {
            let p: f64 = (0..k).map(|t| theta[t] * model.phi(t, w)).sum();
            ll += p.max(f64::MIN_POSITIVE).ln();
            e.scored_tokens += 1;
        }
        e.documents += 1;
    }
    e.heldout_log_likelihood = ll / e.scored_tokens.max(1) as f64;
    // NPMI over document co-occurrence.
    let tops: Vec<Vec<u32>> = (0..k)
        .map(|t| {
            model
                .top_words(t, top_n)
                .iter()
                .filter_map(|(w, _)| model.term_id(w))
                .collect()
        })
        .collect();
    let wanted: HashSet<u32> = tops.iter().flatten().copied().collect();
    let mut df: HashMap<u32, u64> = HashMap::new();
    let mut co: HashMap<(u32, u32), u64> = HashMap::new();
    for d in docs {
        let mut present: Vec<u32> = d.iter().copied().filter(|w| wanted.contains(w)).collect();
        present.sort_unstable();
        present.dedup();
        for (i, &a) in present.iter().enumerate() {
            *df.entry(a).or_default() += 1;
            for &b in &present[i + 1..] {
                *co.entry((a, b)).or_default() += 1;
            }
        }
    }
    let n = docs.len().max(1) as f64;
    e.coherence = tops
        .iter()
        .map(|words| {
            let mut sum = 0.0;
            let mut pairs = 0;
            for i in 0..words.len() {
                for j in i + 1..words.len() {
                    let (a, b) = (words[i].min(words[j]), words[i].max(words[j]));
                    let joint = co.get(&(a, b)).copied().unwrap_or(0) as f64 / n;
                    let (pa, pb) = (
                        df.get(&a).copied().unwrap_or(0) as f64 / n,
                        df.get(&b).copied().unwrap_or(0) as f64 / n,
                    );
                    sum += if joint == 0.0 {
                        -1.0
                    } else if joint >= 1.0 {
                        1.0
                    } else {
                        (joint / (pa * pb)).ln() / -joint.ln()
                    };
                    pairs += 1;
                }
            }
            sum / f64::from(pairs.max(1))
        })
        .collect();
    e.mean_coherence = e.coherence.iter().sum::<f64>() / k as f64;
    let top25: Vec<&str> = (0..k)
        .flat_map(|t| model.top_words(t, 25).into_iter().map(|(w, _)| w))
        .collect();
    let unique: HashSet<&str> = top25.iter().copied().collect();
    e.diversity = unique.len() as f64 / top25.len().max(1) as f64;
    // Agreement of top topics with labels.
    let pairs: Vec<(usize, &str)> = docs
        .iter()
        .zip(labels)
        .filter_map(|(d, l)| {
            let l = l.as_deref()?;
            let theta = model.infer(d);
            let top = (0..k).max_by(|&a, &b| theta[a].total_cmp(&theta[b]).then(b.cmp(&a)))?;
            Some((top, l))
        })
        .collect();
    if !pairs.is_empty() {
        e.nmi_purity = Some(nmi_purity(&pairs));
    }
    e
}

/// Normalised mutual information (arithmetic-mean normalisation) and purity.
pub fn nmi_purity(pairs: &[(usize, &str)]) -> (f64, f64) {
    let n = pairs.len() as f64;
    let mut joint: HashMap<(usize, &str), f64> = HashMap::new();
    let mut clusters: HashMap<usize, f64> = HashMap::new();
    let mut classes: HashMap<&str, f64> = HashMap::new();
    for &(c, l) in pairs {
        *joint.entry((c, l)).or_default() += 1.0;
        *clusters.entry(c).or_default() += 1.0;
        *classes.entry(l).or_default() += 1.0;
    }
    let entropy =
        |m: &dyn Fn() -> Vec<f64>| -> f64 { m().iter().map(|&x| -(x / n) * (x / n).ln()).sum() };
    let h_c = entropy(&|| clusters.values().copied().collect());
    let h_l = entropy(&|| classes.values().copied().collect());
    let mut mi = 0.0;
    for (&(c, l), &x) in &joint {
        mi += (x / n) * ((x * n) / (clusters[&c] * classes[l])).ln();
    }
    let nmi = if h_c + h_l > 0.0 {
        2.0 * mi / (h_c + h_l)
    } else {
        1.0
    };
    let mut best: HashMap<usize, f64> = HashMap::new();
    for (&(c, _), &x) in &joint {
        let b = best.entry(c).or_default();
        *b = b.max(x);
    }
    (nmi, best.values().sum::<f64>() / n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nmi_and_purity_bounds() {
        let perfect = [(0, "a"), (0, "a"), (1, "b"), (1, "b")];
        let (nmi, purity) = nmi_purity(&perfect);
        assert!((nmi - 1.0).abs() < 1e-12 && (purity - 1.0).abs() < 1e-12);
        let independent = [(0, "a"), (0, "b"), (1, "a"), (1, "b")];
        let (nmi, purity) = nmi_purity(&independent);
        assert!(nmi.abs() < 1e-12 && (purity - 0.5).abs() < 1e-12);
    }
}
