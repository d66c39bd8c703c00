//! Collapsed Gibbs sampling for LDA, multi-threaded and deterministic.
//!
//! Documents are split into a fixed number of shards, independent of the
//! thread count. In each iteration every shard samples its documents against
//! a snapshot of the global topic–word counts taken at the start of the
//! iteration (AD-LDA), with its own random stream seeded from (seed,
//! iteration, shard); the shards' count changes are then applied in shard
//! order. So a seed gives the same model — byte for byte — at any number of
//! threads. Within a shard the sampler is SparseLDA (Yao et al., 2009): the
//! draw is split into smoothing, document and word buckets so only non-zero
//! counts are visited.

use rayon::prelude::*;

/// Shards per iteration (fixed so results do not depend on the thread count).
pub const SHARDS: usize = 64;

/// Sampler settings.
#[derive(Debug, Clone)]
pub struct TrainOptions {
    /// Number of topics.
    pub k: usize,
    /// Gibbs sweeps over the corpus.
    pub iterations: u32,
    /// Initial symmetric α per topic.
    pub alpha: f64,
    /// Symmetric β.
    pub beta: f64,
    /// Random seed.
    pub seed: u64,
    /// Optimise an asymmetric α (Minka's fixed point) every `alpha_every` iterations after burn-in.
    pub optimize_alpha: bool,
    /// Iterations between α updates.
    pub alpha_every: u32,
    /// Iterations before the first α update.
    pub burn_in: u32,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            k: 20,
            iterations: 200,
            alpha: 0.1,
            beta: 0.01,
            seed: 1,
            optimize_alpha: false,
            alpha_every: 10,
            burn_in: 50,
        }
    }
}

/// A trained state: counts and priors.
#[derive(Debug, Clone, PartialEq)]
pub struct Trained {
    /// Word-major topic counts, V × K.
    pub word_topic: Vec<u32>,
    /// Final α.
    pub alpha: Vec<f64>,
    /// Log-likelihood per token of the final state.
    pub log_likelihood: f64,
}

/// Documents as one contiguous array of term ids with per-document
/// offsets: 4 bytes a token and 8 a document, instead of a vector per
/// document (24 bytes of header and an allocation each).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Docs {
    /// Document d's ids are `ids[offsets[d]..offsets[d + 1]]`; starts with 0.
    offsets: Vec<u64>,
    ids: Vec<u32>,
}

impl Docs {
    /// No documents.
    pub fn new() -> Docs {
        Docs {
            offsets: vec![0],
            ids: Vec::new(),
        }
    }

    /// Appends a document.
    pub fn push(&mut self, ids: impl IntoIterator<Item = u32>) {
        if self.offsets.is_empty() {
            self.offsets.push(0);
        }
        self.ids.extend(ids);
        self.offsets.push(self.ids.len() as u64);
    }

    /// The number of documents.
    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// True without documents.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The number of tokens in all documents.
    pub fn tokens(&self) -> u64 {
        self.ids.len() as u64
    }

    /// Document `d`'s term ids.
    pub fn doc(&self, d: usize) -> &[u32] {
        &self.ids[self.offsets[d] as usize..self.offsets[d + 1] as usize]
    }

    /// Every document's term ids, in order.
    pub fn iter(&self) -> impl Iterator<Item = &[u32]> + '_ {
        self.offsets
            .windows(2)
            .map(|w| &self.ids[w[0] as usize..w[1] as usize])
    }

    /// Renumbers every id through `new_id` (`u32::MAX` drops the token) and
    /// removes the documents left empty, in place; returns how many were removed.
    pub fn remap_dropping_empty(&mut self, new_id: &[u32]) -> u64 {
        let (mut write, mut kept_docs, mut start) = (0usize, 0usize, 0usize);
        for d in 0..self.len() {
            let end = self.offsets[d + 1] as usize;
            let doc_start = write;
            for read in start..end {
                let id = new_id[self.ids[read] as usize];
                if id != u32::MAX {
                    self.ids[write] = id;
                    write += 1;
                }
            }
            start = end;
            if write > doc_start {
                kept_docs += 1;
                self.offsets[kept_docs] = write as u64;
            }
        }
        let removed = (self.len() - kept_docs) as u64;
        self.offsets.truncate(kept_docs + 1);
        self.ids.truncate(write);
        // Give the freed tail back before sampling allocates its own arrays.
        self.ids.shrink_to_fit();
        self.offsets.shrink_to_fit();
        removed
    }

    /// Document offsets (one more than the documents), for slicing parallel arrays.
    fn offsets(&self) -> &[u64] {
        &self.offsets
    }
}

impl Default for Docs {
    fn default() -> Docs {
        Docs::new()
    }
}

impl From<&[Vec<u32>]> for Docs {
    fn from(docs: &[Vec<u32>]) -> Docs {
        let mut flat = Docs::new();
        flat.ids.reserve(docs.iter().map(Vec::len).sum());
        docs.iter().for_each(|d| flat.push(d.iter().copied()));
        flat
    }
}

/// SplitMix64: small, fast, and enough for sampling.
#[derive(Clone)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64, iteration: u64, shard: u64) -> Rng {
        let mut r = Rng(seed
            ^ iteration.wrapping_mul(0x9E37_79B9_7F4A_7C15)
            ^ shard.wrapping_mul(0xD1B5_4A32_D192_ED03));
        r.next();
        r
    }
    #[inline]
    fn next(&mut self) -> u64 {
        crate::rng::splitmix64(&mut self.0)
    }
    /// Uniform in [0, 1).
    fn uniform(&mut self) -> f64 {
        (self.next() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

/// Trains on `docs` (term ids < `vocab_size`). `progress(iteration, tokens,
/// log-likelihood per token if computed)` is called after every iteration;
/// the likelihood is computed every `log_every` iterations and at the end.
/// `threads` = 0 uses rayon's default.
///
/// Memory beyond the documents: 2 bytes a token for the assignments, the
/// counts twice (the snapshot and the next state) and each running shard's
/// count changes.
pub fn train(
    docs: &Docs,
    vocab_size: usize,
    opts: &TrainOptions,
    threads: usize,
    log_every: u32,
    progress: &mut dyn FnMut(u32, u64, Option<f64>),
) -> crate::Result<Trained> {
    let k = opts.k;
    if k == 0 {
        return Err(crate::Error::input(
            "the number of topics must be at least 1".into(),
        ));
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| crate::Error::input(format!("cannot start threads: {e}")))?;
    let tokens = docs.tokens();
    let offsets = docs.offsets();
    // Shard boundaries by token count, fixed for the run.
    let shards = shard_bounds(offsets, SHARDS);
    // Topic assignments, parallel to the documents' ids.
    let mut z = vec![0u16; docs.ids.len()];
    let mut wk = vec![0u32; vocab_size * k];
    let mut nk = vec![0u64; k];
    // Random initial assignment, one stream per shard.
    for (s, range) in shards.iter().enumerate() {
        let mut rng = Rng::new(opts.seed, u64::MAX, s as u64);
        let tokens = offsets[range.start] as usize..offsets[range.end] as usize;
        for (zi, &w) in z[tokens.clone()].iter_mut().zip(&docs.ids[tokens]) {
            let t = (rng.next() % k as u64) as usize;
            *zi = t as u16;
            wk[w as usize * k + t] += 1;
            nk[t] += 1;
        }
    }
    // The counts after this iteration's changes; the snapshot (`wk`, `nk`)
    // stays fixed while the shards sample.
    let mut next_wk = wk.clone();
    let mut next_nk = nk.clone();
    let mut alpha = vec![opts.alpha; k];
    let beta = opts.beta;
    let vbeta = vocab_size as f64 * beta;
    let mut log_likelihood = f64::NAN;
    for it in 0..opts.iterations {
        // Word-major sparse view of the snapshot: for each word its non-zero topics.
        let (word_offsets, topics, word_alpha) =
            pool.install(|| sparse_rows(&wk, k, &alpha, &nk, vbeta));
        let snapshot = Snapshot {
            word_alpha: &word_alpha,
            wk: &wk,
            nk: &nk,
            offsets: &word_offsets,
            topics: &topics,
            k,
            alpha: &alpha,
            beta,
            vbeta,
        };
        // Each shard owns a disjoint slice of z: split it out for parallel mutation.
        let mut z_shards: Vec<&mut [u16]> = Vec::with_capacity(shards.len());
        let mut rest: &mut [u16] = &mut z;
        for range in &shards {
            let len = (offsets[range.end] - offsets[range.start]) as usize;
            let (head, tail) = std::mem::take(&mut rest).split_at_mut(len);
            z_shards.push(head);
            rest = tail;
        }
        // Count changes commute, so each shard adds its own as soon as it is
        // done, in whatever order the shards finish: the same counts at any
        // thread count, and only the running shards' change lists in memory.
        let next = std::sync::Mutex::new((&mut next_wk, &mut next_nk));
        pool.install(|| {
            z_shards
                .into_par_iter()
                .zip(shards.par_iter())
                .enumerate()
                .for_each(|(s, (zs, range))| {
                    let mut rng = Rng::new(opts.seed, u64::from(it), s as u64);
                    let changes = sample_shard(
                        &snapshot,
                        &offsets[range.start..=range.end],
                        &docs.ids,
                        zs,
                        &mut rng,
                    );
                    // A panic elsewhere cannot leave the counts half-updated
                    // in a way that matters: the pool re-raises it.
                    let mut guard = next.lock().unwrap_or_else(|e| e.into_inner());
                    let (next_wk, next_nk) = &mut *guard;
                    for &(w, old, new) in &changes {
                        let row = w as usize * k;
                        next_wk[row + old as usize] -= 1;
                        next_wk[row + new as usize] += 1;
                        next_nk[old as usize] -= 1;
                        next_nk[new as usize] += 1;
                    }
                })
        });
        // The next state becomes the snapshot; the old snapshot's buffers
        // are reused for the state after it.
        std::mem::swap(&mut wk, &mut next_wk);
        std::mem::swap(&mut nk, &mut next_nk);
        next_wk.copy_from_slice(&wk);
        next_nk.copy_from_slice(&nk);
        if opts.optimize_alpha && it + 1 >= opts.burn_in && (it + 1) % opts.alpha_every.max(1) == 0
        {
            alpha = optimize_alpha(offsets, &z, &alpha, k);
        }
        let last = it + 1 == opts.iterations;
        let ll = if last || (log_every > 0 && (it + 1) % log_every == 0) {
            log_likelihood = pool
                .install(|| joint_log_likelihood(&wk, &nk, offsets, &z, &alpha, beta, k))
                / tokens.max(1) as f64;
            Some(log_likelihood)
        } else {
            None
        };
        progress(it + 1, tokens, ll);
    }
    if opts.iterations == 0 {
        log_likelihood = pool
            .install(|| joint_log_likelihood(&wk, &nk, offsets, &z, &alpha, beta, k))
            / tokens.max(1) as f64;
    }
    drop(next_wk);
    Ok(Trained {
        word_topic: wk,
        alpha,
        log_likelihood,
    })
}

/// Contiguous document ranges with about equal token counts, from the
/// documents' offsets.
fn shard_bounds(offsets: &[u64], n: usize) -> Vec<std::ops::Range<usize>> {
    let docs = offsets.len().saturating_sub(1);
    let total = offsets.last().copied().unwrap_or(0) as usize;
    let per = total.div_ceil(n).max(1);
    let mut out = Vec::new();
    let (mut start, mut acc) = (0, 0);
    for d in 0..docs {
        acc += (offsets[d + 1] - offsets[d]) as usize;
        if acc >= per {
            out.push(start..d + 1);
            start = d + 1;
            acc = 0;
        }
    }
    if start < docs || out.is_empty() {
        out.push(start..docs);
    }
    out
}

/// For each word: the offsets of its non-zero topics in one list, the list,
/// and Σ_k α_k n_kw / (Vβ + n_k). Built in parallel by word blocks; each
/// word's values do not depend on the blocks, so neither does the result.
fn sparse_rows(
    wk: &[u32],
    k: usize,
    alpha: &[f64],
    nk: &[u64],
    vbeta: f64,
) -> (Vec<u32>, Vec<u16>, Vec<f64>) {
    const BLOCK_WORDS: usize = 1024;
    let blocks: Vec<(Vec<u32>, Vec<u16>, Vec<f64>)> = wk
        .par_chunks(BLOCK_WORDS * k)
        .map(|block| {
            let mut lens = Vec::with_capacity(block.len() / k);
            let mut topics = Vec::new();
            let mut word_alpha = Vec::with_capacity(block.len() / k);
            for row in block.chunks(k) {
                let before = topics.len();
                let mut a = 0.0;
                for (t, &c) in row.iter().enumerate().filter(|(_, &c)| c > 0) {
                    topics.push(t as u16);
                    a += alpha[t] * f64::from(c) / (vbeta + nk[t] as f64);
                }
                lens.push((topics.len() - before) as u32);
                word_alpha.push(a);
            }
            (lens, topics, word_alpha)
        })
        .collect();
    let mut offsets = Vec::with_capacity(wk.len() / k + 1);
    let mut topics = Vec::new();
    let mut word_alpha = Vec::with_capacity(wk.len() / k);
    offsets.push(0u32);
    for (lens, block_topics, block_alpha) in blocks {
        let mut at = topics.len() as u32;
        for len in lens {
            at += len;
            offsets.push(at);
        }
        topics.extend_from_slice(&block_topics);
        word_alpha.extend_from_slice(&block_alpha);
    }
    (offsets, topics, word_alpha)
}

struct Snapshot<'a> {
    /// Per word, Σ_k α_k n_kw / (Vβ + n_k) over the snapshot.
    word_alpha: &'a [f64],
    wk: &'a [u32],
    nk: &'a [u64],
    offsets: &'a [u32],
    topics: &'a [u16],
    k: usize,
    alpha: &'a [f64],
    beta: f64,
    vbeta: f64,
}

/// Tokens ahead of the current one whose word data is prefetched.
const PREFETCH_DISTANCE: usize = 3;

impl Snapshot<'_> {
    /// Hints the CPU to load word `w`'s counts, topic list and α term.
    #[inline(always)]
    fn prefetch_word(&self, w: usize) {
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
            let row = &self.wk[w * self.k..(w + 1) * self.k];
            // SAFETY: prefetching is only a hint and never faults; every
            // address is inside a live slice.
            unsafe {
                for line in row.chunks(16) {
                    _mm_prefetch::<_MM_HINT_T0>(line.as_ptr().cast());
                }
                _mm_prefetch::<_MM_HINT_T0>(
                    self.topics[self.offsets[w] as usize..].as_ptr().cast(),
                );
                _mm_prefetch::<_MM_HINT_T0>((&self.word_alpha[w] as *const f64).cast());
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = w;
    }
}

/// Samples one shard; returns the count changes (word, old topic, new topic).
/// `offsets` are the shard's document offsets into `ids` (one more than its
/// documents); `z` holds the shard's assignments, from its first token.
fn sample_shard(
    s: &Snapshot,
    offsets: &[u64],
    ids: &[u32],
    z: &mut [u16],
    rng: &mut Rng,
) -> Vec<(u32, u16, u16)> {
    let k = s.k;
    // Smoothing bucket terms with the snapshot's totals.
    let denom: Vec<f64> = s.nk.iter().map(|&n| 1.0 / (s.vbeta + n as f64)).collect();
    let s_terms: Vec<f64> = (0..k).map(|t| s.alpha[t] * s.beta * denom[t]).collect();
    let s_total: f64 = s_terms.iter().sum();
    let mut changes = Vec::new();
    let mut ndk = vec![0u32; k];
    let mut doc_topics: Vec<u16> = Vec::new();
    // With the token's own assignment removed from the snapshot (topic t only).
    let own_denoms: Vec<f64> =
        s.nk.iter()
            .map(|&n| 1.0 / (s.vbeta + n as f64 - 1.0))
            .collect();
    // Fixed length (no growth check in the hot loop): at most k topics.
    let mut weights: Vec<f64> = vec![0.0; k];
    let first = offsets.first().copied().unwrap_or(0);
    for bounds in offsets.windows(2) {
        let doc = &ids[bounds[0] as usize..bounds[1] as usize];
        let zd = &mut z[(bounds[0] - first) as usize..(bounds[1] - first) as usize];
        doc_topics.clear();
        for &t in zd.iter() {
            if ndk[t as usize] == 0 {
                doc_topics.push(t);
            }
            ndk[t as usize] += 1;
        }
        // Document bucket total Σ n_dk β / (Vβ + n_k), kept up to date as n_dk changes.
        let mut r_total: f64 = doc_topics
            .iter()
            .map(|&t| f64::from(ndk[t as usize]) * s.beta * denom[t as usize])
            .sum();
        for (i, &w) in doc.iter().enumerate() {
            // The word data of a later token is a cache miss on large
            // vocabularies (the dominant cost): ask for it now.
            if let Some(&ahead) = doc.get(i + PREFETCH_DISTANCE) {
                s.prefetch_word(ahead as usize);
            }
            let old = zd[i] as usize;
            ndk[old] -= 1;
            r_total -= s.beta * denom[old];
            if ndk[old] == 0 {
                if let Some(p) = doc_topics.iter().position(|&t| t as usize == old) {
                    doc_topics.swap_remove(p);
                }
            }
            // The token's own assignment is still in the snapshot: exclude it
            // (only topic `old` sees different totals).
            let own_denom = own_denoms[old];
            let s_sum = s_total - s_terms[old] + s.alpha[old] * s.beta * own_denom;
            let d = |t: usize| if t == old { own_denom } else { denom[t] };
            let r_sum = r_total + f64::from(ndk[old]) * s.beta * (own_denom - denom[old]);
            // Word bucket (α_k + n_dk) n_kw / (Vβ + n_k), split in two: the
            // α part depends on the word only and is summed once per iteration
            // (the counts are a snapshot); the n_dk part is non-zero only for the
            // document's topics, so each token costs O(topics in the document).
            let counts = &s.wk[w as usize * k..(w as usize + 1) * k];
            let nkw_old = f64::from(counts[old]);
            let q1 = (s.word_alpha[w as usize] - s.alpha[old] * nkw_old * denom[old]
                + s.alpha[old] * (nkw_old - 1.0) * own_denom)
                .max(0.0);
            // Σ over topics with both n_dk > 0 and n_kw > 0: walk the shorter
            // of the document's and the word's topic lists.
            let row = &s.topics[s.offsets[w as usize] as usize..s.offsets[w as usize + 1] as usize];
            let shorter: &[u16] = if row.len() < doc_topics.len() {
                row
            } else {
                &doc_topics
            };
            let mut q2 = 0.0;
            for (slot, &t) in weights.iter_mut().zip(shorter) {
                let t = t as usize;
                let nkw = f64::from(counts[t]) - if t == old { 1.0 } else { 0.0 };
                let q = f64::from(ndk[t]) * nkw * d(t);
                q2 += q;
                *slot = q;
            }
            let mut u = rng.uniform() * (q2 + q1 + r_sum + s_sum);
            let mut new = old;
            if u < q2 {
                for (j, &q) in weights[..shorter.len()].iter().enumerate() {
                    new = shorter[j] as usize;
                    if u < q {
                        break;
                    }
                    u -= q;
                }
            } else if u < q2 + q1 {
                u -= q2;
                for &t in row {
                    new = t as usize;
                    let nkw = f64::from(counts[new]) - if new == old { 1.0 } else { 0.0 };
                    let q = s.alpha[new] * nkw * d(new);
                    if u < q {
                        break;
                    }
                    u -= q;
                }
            } else if u < q2 + q1 + r_sum {
                u -= q2 + q1;
                for &t in &doc_topics {
                    new = t as usize;
                    let r = f64::from(ndk[new]) * s.beta * d(new);
                    if u < r {
                        break;
                    }
                    u -= r;
                }
            } else {
                u -= q2 + q1 + r_sum;
                for t in 0..k {
                    new = t;
                    let sv = s.alpha[t] * s.beta * d(t);
                    if u < sv {
                        break;
                    }
                    u -= sv;
                }
            }
            if ndk[new] == 0 {
                doc_topics.push(new as u16);
            }
            ndk[new] += 1;
            r_total += s.beta * denom[new];
            if new != old {
                zd[i] = new as u16;
                changes.push((w, old as u16, new as u16));
            }
        }
        for &t in &doc_topics {
            ndk[t as usize] = 0;
        }
    }
    changes
}

/// Minka's fixed-point update of an asymmetric α from the document–topic
/// counts, recounted from `z` (documents by `offsets`) on each step rather
/// than held (K counts a document would cost more than the corpus). A zero
/// count adds exactly 0 to a topic's sum, so only non-zero ones are visited.
fn optimize_alpha(offsets: &[u64], z: &[u16], alpha: &[f64], k: usize) -> Vec<f64> {
    let mut a = alpha.to_vec();
    let mut counts = vec![0u32; k];
    let mut doc_topics: Vec<u16> = Vec::with_capacity(k);
    let mut num = vec![0.0f64; k];
    for _ in 0..20 {
        let sum: f64 = a.iter().sum();
        let denom: f64 = offsets
            .windows(2)
            .map(|b| digamma((b[1] - b[0]) as f64 + sum) - digamma(sum))
            .sum();
        let digamma_a: Vec<f64> = a.iter().map(|&x| digamma(x)).collect();
        // Each topic's sum runs over the documents in order, as a sum per topic would.
        num.iter_mut().for_each(|n| *n = -0.0);
        for b in offsets.windows(2) {
            doc_topics.clear();
            for &t in &z[b[0] as usize..b[1] as usize] {
                if counts[t as usize] == 0 {
                    doc_topics.push(t);
                }
                counts[t as usize] += 1;
            }
            for &t in &doc_topics {
                let t = t as usize;
                num[t] += digamma(f64::from(counts[t]) + a[t]) - digamma_a[t];
                counts[t] = 0;
            }
        }
        for t in 0..k {
            a[t] = (a[t] * num[t] / denom).max(1e-4);
        }
    }
    a
}

/// log p(w, z) per the collapsed model. Summed over fixed blocks in
/// parallel, then the block sums in order: the same value at any thread count.
fn joint_log_likelihood(
    wk: &[u32],
    nk: &[u64],
    offsets: &[u64],
    z: &[u16],
    alpha: &[f64],
    beta: f64,
    k: usize,
) -> f64 {
    const BLOCK: usize = 1 << 16;
    let v = wk.len() / k;
    let mut ll = 0.0;
    let lg_beta = ln_gamma(beta);
    for &n in nk {
        ll += ln_gamma(v as f64 * beta) - ln_gamma(v as f64 * beta + n as f64);
    }
    // ln Γ(c + β) for the many small counts, computed once.
    let small: Vec<f64> = (0..1024).map(|c| ln_gamma(f64::from(c) + beta)).collect();
    let word_sums: Vec<f64> = wk
        .par_chunks(BLOCK)
        .map(|block| {
            let mut sum = 0.0;
            for &c in block.iter().filter(|&&c| c > 0) {
                let lg = match small.get(c as usize) {
                    Some(&lg) => lg,
                    None => ln_gamma(f64::from(c) + beta),
                };
                sum += lg - lg_beta;
            }
            sum
        })
        .collect();
    ll += word_sums.iter().sum::<f64>();
    let alpha_sum: f64 = alpha.iter().sum();
    let lg_alpha: Vec<f64> = alpha.iter().map(|&a| ln_gamma(a)).collect();
    // Blocks of documents: their offsets, overlapping by one.
    let docs = offsets.len().saturating_sub(1);
    let doc_blocks: Vec<&[u64]> = (0..docs)
        .step_by(BLOCK / 64)
        .map(|d| &offsets[d..=(d + BLOCK / 64).min(docs)])
        .collect();
    let doc_sums: Vec<f64> = doc_blocks
        .par_iter()
        .map(|bounds| {
            let mut c = vec![0u32; k];
            let mut sum = 0.0;
            for b in bounds.windows(2) {
                let zd = &z[b[0] as usize..b[1] as usize];
                c.iter_mut().for_each(|x| *x = 0);
                zd.iter().for_each(|&t| c[t as usize] += 1);
                sum += ln_gamma(alpha_sum) - ln_gamma(zd.len() as f64 + alpha_sum);
                for t in 0..k {
                    if c[t] > 0 {
                        sum += ln_gamma(f64::from(c[t]) + alpha[t]) - lg_alpha[t];
                    }
                }
            }
            sum
        })
        .collect();
    ll + doc_sums.iter().sum::<f64>()
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7; relative error < 1e-13).
pub fn ln_gamma(x: f64) -> f64 {
    const G: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        return (std::f64::consts::PI / (std::f64::consts::PI * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = G[0];
    let t = x + 7.5;
    for (i, g) in G.iter().enumerate().skip(1) {
        a += g / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// ψ(x) for x > 0 (recurrence to x ≥ 6, then the asymptotic series).
pub fn digamma(mut x: f64) -> f64 {
    let mut r = 0.0;
    while x < 6.0 {
        r -= 1.0 / x;
        x += 1.0;
    }
    let f = 1.0 / (x * x);
    r + x.ln()
        - 0.5 / x
        - f * (1.0 / 12.0 - f * (1.0 / 120.0 - f * (1.0 / 252.0 - f * (1.0 / 240.0 - f / 132.0))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_functions() {
        assert!((ln_gamma(1.0)).abs() < 1e-12);
        assert!((ln_gamma(5.0) - 24f64.ln()).abs() < 1e-12);
        assert!((ln_gamma(0.5) - std::f64::consts::PI.sqrt().ln()).abs() < 1e-12);
        assert!((digamma(1.0) + 0.577_215_664_901_532_9).abs() < 1e-10);
    }

    #[test]
    fn counts_stay_consistent() {
        let docs: Vec<Vec<u32>> = (0..50)
            .map(|d| (0..20).map(|i| ((d * 7 + i * 3) % 30) as u32).collect())
            .collect();
        let opts = TrainOptions {
            k: 5,
            iterations: 5,
            ..TrainOptions::default()
        };
        let t = train(&Docs::from(&docs[..]), 30, &opts, 1, 1, &mut |_, _, _| {}).unwrap();
        let total: u64 = t.word_topic.iter().map(|&c| u64::from(c)).sum();
        assert_eq!(total, 1000);
        for w in 0..30 {
            let n: u32 = t.word_topic[w * 5..(w + 1) * 5].iter().sum();
            let expect = docs.iter().flatten().filter(|&&x| x as usize == w).count() as u32;
            assert_eq!(n, expect);
        }
        assert!(t.log_likelihood.is_finite() && t.log_likelihood < 0.0);
        // Pinned: a change to the sampler, its random numbers or the
        // sharding changes every model trained with a seed; it must be deliberate.
        let counts: Vec<u8> = t.word_topic.iter().flat_map(|c| c.to_le_bytes()).collect();
        assert_eq!(
            crate::artifact::bytes::fnv1a64(&counts),
            0x84cd_68f5_9c09_6309
        );
        assert_eq!(t.log_likelihood.to_bits(), 13_838_028_208_438_827_780);
    }

    #[test]
    fn same_result_at_any_thread_count() {
        let docs: Vec<Vec<u32>> = (0..200)
            .map(|d| (0..30).map(|i| ((d * 13 + i * 7) % 97) as u32).collect())
            .collect();
        let opts = TrainOptions {
            k: 8,
            iterations: 10,
            optimize_alpha: true,
            burn_in: 2,
            alpha_every: 3,
            ..TrainOptions::default()
        };
        let docs = Docs::from(&docs[..]);
        let one = train(&docs, 97, &opts, 1, 0, &mut |_, _, _| {}).unwrap();
        for threads in [2, 4] {
            assert_eq!(
                train(&docs, 97, &opts, threads, 0, &mut |_, _, _| {}).unwrap(),
                one
            );
        }
    }

    #[test]
    fn alpha_update_is_positive_and_finite() {
        let z = [0u16, 0, 1, 1, 1, 1, 0, 2, 2];
        let a = optimize_alpha(&[0, 3, 6, 9], &z, &[0.1, 0.1, 0.1], 3);
        assert!(a.iter().all(|x| x.is_finite() && *x > 0.0), "{a:?}");
    }

    /// The update as it was written over a dense count vector per document:
    /// the flat, sparse version must give the same bits.
    fn optimize_alpha_dense(z: &[Vec<u16>], alpha: &[f64], k: usize) -> Vec<f64> {
        let counts: Vec<Vec<u32>> = z
            .iter()
            .map(|zd| {
                let mut c = vec![0u32; k];
                zd.iter().for_each(|&t| c[t as usize] += 1);
                c
            })
            .collect();
        let mut a = alpha.to_vec();
        for _ in 0..20 {
            let sum: f64 = a.iter().sum();
            let denom: f64 = z
                .iter()
                .map(|zd| digamma(zd.len() as f64 + sum) - digamma(sum))
                .sum();
            for t in 0..k {
                let num: f64 = counts
                    .iter()
                    .map(|c| digamma(f64::from(c[t]) + a[t]) - digamma(a[t]))
                    .sum();
                a[t] = (a[t] * num / denom).max(1e-4);
            }
        }
        a
    }

    #[test]
    fn flat_alpha_update_matches_the_dense_one() {
        let k = 7;
        // Topic 6 is never used: its sum is zero in both versions.
        let z: Vec<Vec<u16>> = (0..40)
            .map(|d| {
                (0..(d % 9 + 1))
                    .map(|i| ((d * 5 + i * i) % 6) as u16)
                    .collect()
            })
            .collect();
        let flat: Vec<u16> = z.iter().flatten().copied().collect();
        let mut offsets = vec![0u64];
        z.iter()
            .for_each(|zd| offsets.push(offsets.last().unwrap() + zd.len() as u64));
        let start: Vec<f64> = (0..k).map(|t| 0.05 + 0.01 * t as f64).collect();
        let expected = optimize_alpha_dense(&z, &start, k);
        let got = optimize_alpha(&offsets, &flat, &start, k);
        let bits = |a: &[f64]| a.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&got), bits(&expected));
        assert_eq!(got[6], 1e-4);
    }

    #[test]
    fn flat_documents_keep_each_document() {
        let nested = [vec![3u32, 1, 4], vec![], vec![1, 5], vec![9, 2, 6, 5]];
        let docs = Docs::from(&nested[..]);
        assert_eq!(docs.len(), 4);
        assert_eq!(docs.tokens(), 9);
        assert_eq!(
            docs.iter().collect::<Vec<_>>(),
            nested.iter().map(Vec::as_slice).collect::<Vec<_>>()
        );
        assert_eq!(docs.doc(2), &[1, 5]);
        assert!(Docs::default().is_empty());
        assert_eq!(Docs::default().iter().count(), 0);
    }

    #[test]
    fn remapping_drops_tokens_and_the_documents_left_empty() {
        let nested = [
            vec![3u32, 1, 4],
            vec![],
            vec![1, 5],
            vec![9, 2, 6, 5],
            vec![5],
        ];
        let mut docs = Docs::from(&nested[..]);
        // Keep 1 → 0, 4 → 1, 9 → 2, 6 → 3; drop the rest.
        let mut new_id = vec![u32::MAX; 10];
        (new_id[1], new_id[4], new_id[9], new_id[6]) = (0, 1, 2, 3);
        assert_eq!(docs.remap_dropping_empty(&new_id), 2);
        assert_eq!(
            docs.iter().collect::<Vec<_>>(),
            vec![&[0u32, 1][..], &[0][..], &[2, 3][..]]
        );
        assert_eq!(docs.tokens(), 5);
        // Nothing kept: no documents, and training input stays well-formed.
        assert_eq!(docs.remap_dropping_empty(&[u32::MAX; 4]), 3);
        assert!(docs.is_empty() && docs.tokens() == 0);
    }

    #[test]
    fn shards_cover_every_document_once() {
        let nested: Vec<Vec<u32>> = (0..300).map(|d| vec![0; d % 17]).collect();
        let docs = Docs::from(&nested[..]);
        let shards = shard_bounds(docs.offsets(), SHARDS);
        assert_eq!(shards.first().unwrap().start, 0);
        assert_eq!(shards.last().unwrap().end, 300);
        assert!(shards.windows(2).all(|w| w[0].end == w[1].start));
        assert!(shards.len() <= SHARDS + 1);
    }
}
