//! LDA topic models: the model file and deterministic inference. Builds for
//! wasm32 (no threads, no I/O): the BigQuery UDFs run this same code.
//!
//! # File format (`*.jtm`)
//! The artifact frame ([`crate::artifact::frame`], described by [`FORMAT`]:
//! magic `"JATOPIC-LDA\n"`, no stored section) around the payload of
//! `Model::payload`.

use crate::artifact::bytes::{fnv1a64, Reader};
use crate::artifact::frame::Format;
use crate::error::{Error, Result};
use crate::tokenizer::json;
use crate::tokenizer::Tokenizer;
use crate::topic::terms::TermConfig;

/// First bytes of every model file.
pub const MAGIC: &[u8; 12] = b"JATOPIC-LDA\n";
/// Bump when the payload layout or the meaning of a field changes. Version 3
/// added the tokenizer's settings to the term pipeline
/// ([`TermConfig::tokenizer`]); a model with the default tokenizer is still
/// written as version 2 (the oldest that holds it), so earlier jatopic
/// versions read it.
pub const FORMAT_VERSION: u16 = 3;
/// The oldest model format version this jatopic reads.
pub const OLDEST_FORMAT_VERSION: u16 = 2;
/// Most fold-in sweeps of [`Model::infer`]; part of the model's behaviour.
pub const INFER_ITERATIONS: usize = 50;
/// [`Model::infer`] stops early once no expected topic count moves by more
/// than this in a sweep: proportions are then within ~1e-6 / length of the
/// fixed point, far below any use of them, in a fraction of the sweeps.
pub const INFER_TOLERANCE: f64 = 1e-6;
/// The model file's frame.
pub const FORMAT: Format = Format {
    what: "model",
    magic: MAGIC,
    version: FORMAT_VERSION,
    stored_section: false,
    max_payload: 1 << 30,
    expected: "a .jtm file written by `jatopic train`",
    other_version: "retrain the model with this jatopic (`jatopic train`), or use the jatopic version that wrote it",
};

/// What the model was trained on and how (stored in the file, shown by `jatopic topics`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TrainingInfo {
    /// jatopic version that trained it.
    pub version: String,
    /// Documents read, skipped as malformed, empty after the term pipeline, used.
    pub documents: [u64; 4],
    /// Tokens (terms in the vocabulary) trained on.
    pub tokens: u64,
    /// Gibbs iterations.
    pub iterations: u32,
    /// Random seed.
    pub seed: u64,
    /// Whether α was optimised.
    pub optimize_alpha: bool,
    /// Vocabulary filter: min document frequency, max document fraction, keep-n.
    pub min_df: u64,
    /// Maximum document frequency as a fraction of documents.
    pub max_df: f64,
    /// Keep at most this many most frequent terms (0 = all).
    pub keep_n: u64,
    /// Training log-likelihood per token after the last iteration.
    pub log_likelihood: f64,
}

/// A trained LDA model.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// The term pipeline used in training.
    pub terms: TermConfig,
    /// Vocabulary; a term's index is its id.
    pub vocab: Vec<String>,
    /// Dirichlet prior on document–topic distributions (length K).
    pub alpha: Vec<f64>,
    /// Symmetric Dirichlet prior on topic–word distributions.
    pub beta: f64,
    /// Topic counts per word, word-major: `word_topic[w * K + k]`.
    pub word_topic: Vec<u32>,
    /// Tokens per topic.
    pub topic_total: Vec<u64>,
    /// 1 / (tokens of topic k + Vβ), so p(word | topic) is one multiplication.
    inv_denominator: Vec<f64>,
    /// Training metadata.
    pub info: TrainingInfo,
    /// Open-addressing hash table of term ids (`u32::MAX` = empty slot);
    /// our own because std's HashMap and sorting add ~20 KB to the wasm module.
    index: Vec<u32>,
    /// p(word | topic) given from outside (word-major), replacing the counts:
    /// lets the evaluator score other tools' models (see [`Model::with_phi`]).
    phi_table: Option<Vec<f64>>,
}

impl Model {
    /// Assembles a model; `word_topic` is word-major (V × K).
    pub fn new(
        terms: TermConfig,
        vocab: Vec<String>,
        alpha: Vec<f64>,
        beta: f64,
        word_topic: Vec<u32>,
        info: TrainingInfo,
    ) -> Result<Model> {
        let k = alpha.len();
        if k == 0 || word_topic.len() != vocab.len() * k {
            return Err(Error::input(format!(
                "model shape: {} counts for {} terms x {k} topics",
                word_topic.len(),
                vocab.len()
            )));
        }
        let mut topic_total = vec![0u64; k];
        for row in word_topic.chunks(k) {
            for (t, &c) in topic_total.iter_mut().zip(row) {
                *t += u64::from(c);
            }
        }
        let v = vocab.len();
        let inv_denominator = inverse_denominators(&topic_total, v, beta);
        // A β so small that Vβ underflows would make p(word | topic) infinite.
        if v > 0 && inv_denominator.iter().any(|x| !x.is_finite()) {
            // No float formatting here: it would add ~20 KB to the wasm module.
            return Err(Error::input(format!(
                "beta is too small for {v} terms: p(word | topic) overflows"
            )));
        }
        let mut index = vec![u32::MAX; (v * 2).next_power_of_two().max(2)];
        let mask = index.len() - 1;
        for (id, term) in vocab.iter().enumerate() {
            let mut slot = fnv1a64(term.as_bytes()) as usize & mask;
            while index[slot] != u32::MAX {
                slot = (slot + 1) & mask;
            }
            index[slot] = id as u32;
        }
        Ok(Model {
            terms,
            vocab,
            alpha,
            beta,
            word_topic,
            inv_denominator,
            topic_total,
            info,
            index,
            phi_table: None,
        })
    }

    /// Number of topics.
    pub fn k(&self) -> usize {
        self.alpha.len()
    }

    /// Id of a term, if in the vocabulary.
    pub fn term_id(&self, term: &str) -> Option<u32> {
        let mask = self.index.len() - 1;
        let mut slot = fnv1a64(term.as_bytes()) as usize & mask;
        loop {
            let id = self.index[slot];
            if id == u32::MAX {
                return None;
            }
            if self.vocab[id as usize] == term {
                return Some(id);
            }
            slot = (slot + 1) & mask;
        }
    }

    /// Replaces the topic–word distributions by `phi[topic][word]` (rows
    /// normalised here) and α by `alpha`: the same vocabulary, another model.
    pub fn with_phi(mut self, phi: &[Vec<f64>], alpha: Vec<f64>) -> Result<Model> {
        let (k, v) = (phi.len(), self.vocab.len());
        if k == 0 || alpha.len() != k || phi.iter().any(|r| r.len() != v) {
            return Err(Error::input(format!(
                "topic-word table must be {} topics x {v} words with {} alpha values",
                alpha.len(),
                alpha.len()
            )));
        }
        let mut table = vec![0f64; v * k];
        for (t, row) in phi.iter().enumerate() {
            let sum: f64 = row.iter().sum();
            if !(sum > 0.0 && sum.is_finite()) || row.iter().any(|x| *x < 0.0) {
                return Err(Error::input(format!(
                    "topic {t}: probabilities must be non-negative with a positive sum"
                )));
            }
            for (w, &p) in row.iter().enumerate() {
                table[w * k + t] = p / sum;
            }
        }
        if alpha.iter().any(|a| !(*a > 0.0 && a.is_finite())) {
            return Err(Error::input("alpha values must be positive".into()));
        }
        self.alpha = alpha;
        self.word_topic = vec![0; v * k];
        self.topic_total = vec![0; k];
        self.inv_denominator = inverse_denominators(&self.topic_total, v, self.beta);
        self.phi_table = Some(table);
        Ok(self)
    }

    /// p(word | topic).
    pub fn phi(&self, topic: usize, word: u32) -> f64 {
        if let Some(t) = &self.phi_table {
            return t[word as usize * self.k() + topic];
        }
        (f64::from(self.word_topic[word as usize * self.k() + topic]) + self.beta)
            * self.inv_denominator[topic]
    }

    /// The `n` most probable words of a topic, with p(word | topic).
    pub fn top_words(&self, topic: usize, n: usize) -> Vec<(&str, f64)> {
        self.top_word_ids(topic, n)
            .into_iter()
            .map(|(w, p)| (self.vocab[w as usize].as_str(), p))
            .collect()
    }

    /// Like [`Model::top_words`], with term ids.
    pub fn top_word_ids(&self, topic: usize, n: usize) -> Vec<(u32, f64)> {
        // By p(word | topic), ties broken by the lower id: deterministic.
        // Insertion into a short list (n is small) rather than a full sort.
        let mut top: Vec<(u32, f64)> = Vec::with_capacity(n + 1);
        for w in 0..self.vocab.len() as u32 {
            let p = self.phi(topic, w);
            let at = top.partition_point(|&(_, q)| q >= p);
            if at < n {
                top.insert(at, (w, p));
                top.truncate(n);
            }
        }
        top
    }

    /// Topic distribution of a document given as term ids (unknown terms
    /// already dropped). Deterministic: a fixed-start fold-in (CVB0: each
    /// token's responsibilities given all the others', at most
    /// [`INFER_ITERATIONS`] sweeps, stopping at [`INFER_TOLERANCE`], no
    /// randomness). Tokens of the same word share their responsibilities, so
    /// a sweep visits each distinct word once (in order of first occurrence)
    /// and memory is distinct words × K, whatever the document's length. A
    /// document without terms gets the normalised α. The result sums to 1.
    pub fn infer(&self, ids: &[u32]) -> Vec<f64> {
        let alpha_sum: f64 = self.alpha.iter().sum();
        if ids.is_empty() {
            return self.alpha.iter().map(|a| a / alpha_sum).collect();
        }
        // Reused per thread: fresh buffers for every row fragment the wasm
        // heap, which never shrinks (a soak over millions of rows grew).
        thread_local! {
            static SCRATCH: std::cell::RefCell<InferScratch> =
                const { std::cell::RefCell::new(InferScratch::new()) };
        }
        SCRATCH.with(|s| self.infer_with(ids, &mut s.borrow_mut()))
    }

    #[inline(never)]
    fn infer_with(&self, ids: &[u32], s: &mut InferScratch) -> Vec<f64> {
        let k = self.k();
        let alpha_sum: f64 = self.alpha.iter().sum();
        // Distinct words and their counts, in order of first occurrence.
        if s.slot.len() < self.vocab.len() {
            s.slot.resize(self.vocab.len(), u32::MAX);
        }
        s.words.clear();
        s.counts.clear();
        for &w in ids {
            let slot = &mut s.slot[w as usize];
            if *slot == u32::MAX {
                *slot = s.words.len() as u32;
                s.words.push(w);
                s.counts.push(0.0);
            }
            s.counts[*slot as usize] += 1.0;
        }
        for &w in &s.words {
            s.slot[w as usize] = u32::MAX;
        }
        let n = s.words.len() * k;
        s.phi.clear();
        s.phi.reserve_exact(n);
        s.phi.extend(
            s.words
                .iter()
                .flat_map(|&w| (0..k).map(move |t| (t, w)))
                .map(|(t, w)| self.phi(t, w)),
        );
        // Responsibilities start from the prior: r ∝ φ·α.
        s.r.clear();
        s.r.reserve_exact(n);
        s.r.resize(n, 0.0);
        let mut ndk = vec![0f64; k];
        for ((row, p), &c) in
            s.r.chunks_exact_mut(k)
                .zip(s.phi.chunks_exact(k))
                .zip(&s.counts)
        {
            for ((x, &pw), &a) in row.iter_mut().zip(p).zip(&self.alpha) {
                *x = pw * a;
            }
            normalize(row);
            for (n, &x) in ndk.iter_mut().zip(row.iter()) {
                *n += c * x;
            }
        }
        let mut before = vec![0f64; k];
        for _ in 0..INFER_ITERATIONS {
            before.copy_from_slice(&ndk);
            for ((row, p), &c) in
                s.r.chunks_exact_mut(k)
                    .zip(s.phi.chunks_exact(k))
                    .zip(&s.counts)
            {
                // Iterators, not indices: no bounds checks in the hot loop.
                let mut sum = 0.0;
                for ((x, &pw), (n, &a)) in
                    row.iter_mut().zip(p).zip(ndk.iter_mut().zip(&self.alpha))
                {
                    // One token's context: every other token, this word's
                    // other copies included. `n` keeps the count without
                    // any copy of this word until the new values are added.
                    let context = *n - *x;
                    let context = if context > 0.0 { context } else { 0.0 };
                    let without = *n - c * *x;
                    *n = if without > 0.0 { without } else { 0.0 };
                    *x = pw * (context + a);
                    sum += *x;
                }
                let inv = 1.0 / sum;
                if sum > 0.0 && inv.is_finite() {
                    for (x, n) in row.iter_mut().zip(ndk.iter_mut()) {
                        *x *= inv;
                        *n += c * *x;
                    }
                } else if sum > 0.0 && sum.is_finite() {
                    // A subnormal sum: its reciprocal overflows, so divide.
                    for (x, n) in row.iter_mut().zip(ndk.iter_mut()) {
                        *x /= sum;
                        *n += c * *x;
                    }
                } else {
                    let u = 1.0 / k as f64;
                    for (x, n) in row.iter_mut().zip(ndk.iter_mut()) {
                        *x = u;
                        *n += c * u;
                    }
                }
            }
            let moved = ndk
                .iter()
                .zip(&before)
                .fold(0f64, |m, (a, b)| m.max((a - b).abs()));
            if moved <= INFER_TOLERANCE {
                break;
            }
        }
        let total = ids.len() as f64 + alpha_sum;
        ndk.iter()
            .zip(&self.alpha)
            .map(|(n, a)| (n + a) / total)
            .collect()
    }

    /// Topic distribution of a list of terms (terms outside the vocabulary are ignored).
    pub fn infer_terms<S: AsRef<str>>(&self, terms: &[S]) -> Vec<f64> {
        let ids: Vec<u32> = terms
            .iter()
            .filter_map(|t| self.term_id(t.as_ref()))
            .collect();
        self.infer(&ids)
    }

    /// Topic distribution of a text, through the model's own term pipeline
    /// (exactly `jatopic infer`).
    pub fn infer_text(&self, tok: &Tokenizer, text: &str) -> Vec<f64> {
        self.infer_terms(&self.terms.terms(tok, text))
    }

    /// K, vocabulary size, term pipeline (the tokenizer's lexicon tier,
    /// mode and user dictionary checksum included) and training metadata as
    /// a JSON object; the real-valued parameters are in [`Model::info_numbers`]
    /// (float formatting would add kilobytes to the wasm module).
    pub fn info_json(&self) -> String {
        let c = &self.terms;
        let mut o = format!(
            "{{\"k\":{},\"vocabulary\":{},\"terms\":{{\"normalize\":{},\"lowercase\":{},\"keep_pos\":",
            self.k(),
            self.vocab.len(),
            c.normalize,
            c.lowercase
        );
        json::push_str_array(&mut o, &c.keep_pos);
        o.push_str(",\"stopwords\":");
        json::push_str_array(&mut o, &c.stopwords);
        let t = &c.tokenizer;
        o.push_str(",\"tokenizer\":{\"lexicon\":");
        json::push_str(&mut o, t.lexicon.name());
        o.push_str(",\"mode\":");
        json::push_str(&mut o, t.mode.name());
        o.push_str(",\"user_dictionary\":");
        match t.user_dictionary_hex() {
            Some(hex) => json::push_str(&mut o, &hex),
            None => o.push_str("null"),
        }
        o.push('}');
        let i = &self.info;
        o.push_str("},\"training\":{\"version\":");
        json::push_str(&mut o, &i.version);
        o.push_str(&format!(
            ",\"documents_used\":{},\"tokens\":{},\"iterations\":{},\"seed\":{},\"optimize_alpha\":{},\"min_df\":{},\"keep_n\":{}}}}}",
            i.documents[3], i.tokens, i.iterations, i.seed, i.optimize_alpha, i.min_df, i.keep_n
        ));
        o
    }

    /// β, max document fraction, training log-likelihood per token, then α (K values).
    pub fn info_numbers(&self) -> Vec<f64> {
        let mut v = vec![self.beta, self.info.max_df, self.info.log_likelihood];
        v.extend_from_slice(&self.alpha);
        v
    }

    #[cfg(feature = "cli")]
    fn payload(&self) -> Vec<u8> {
        let mut w = crate::artifact::bytes::Writer::default();
        let i = &self.info;
        w.str(&i.version);
        i.documents.iter().for_each(|&d| w.uvar(d));
        w.uvar(i.tokens);
        w.uvar(u64::from(i.iterations));
        w.uvar(i.seed);
        w.buf.push(u8::from(i.optimize_alpha));
        w.uvar(i.min_df);
        w.raw(&i.max_df.to_le_bytes());
        w.uvar(i.keep_n);
        w.raw(&i.log_likelihood.to_le_bytes());
        self.terms.write(&mut w, self.terms.format_version());
        w.uvar(self.k() as u64);
        w.uvar(self.vocab.len() as u64);
        self.vocab.iter().for_each(|t| w.str(t));
        self.alpha.iter().for_each(|a| w.raw(&a.to_le_bytes()));
        w.raw(&self.beta.to_le_bytes());
        // Sparse counts per word: (topic gap, count) pairs.
        for row in self.word_topic.chunks(self.k()) {
            w.uvar(row.iter().filter(|&&c| c > 0).count() as u64);
            let mut prev = 0;
            for (t, &c) in row.iter().enumerate().filter(|(_, &c)| c > 0) {
                w.uvar((t - prev) as u64);
                w.uvar(u64::from(c));
                prev = t;
            }
        }
        w.buf
    }

    /// Serialises the model (LZMA-compressed).
    #[cfg(feature = "cli")]
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        // Preset 6, faster to compress than the dictionary's 9e; the window
        // is the payload's size either way (`lzma::lzma_window`).
        let format = Format {
            version: self.terms.format_version(),
            ..FORMAT
        };
        format.write(
            &[],
            &self.payload(),
            crate::artifact::lzma::Compression::preset(6),
        )
    }

    /// Parses a model file, validating everything.
    pub fn from_bytes(file: &[u8]) -> Result<Model> {
        let (format_version, frame) = FORMAT.read_versions(file, OLDEST_FORMAT_VERSION)?;
        let payload = frame.payload;
        let mut r = Reader::new(&payload, "model");
        let f64_at = |r: &mut Reader| -> Result<f64> {
            let b = r.raw(8)?;
            Ok(f64::from_le_bytes([
                b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
            ]))
        };
        let version = r.str()?.to_string();
        let mut documents = [0u64; 4];
        for d in documents.iter_mut() {
            *d = r.uvar()?;
        }
        let info = TrainingInfo {
            version,
            documents,
            tokens: r.uvar()?,
            iterations: r.uvar_max(u64::from(u32::MAX), "iterations")? as u32,
            seed: r.uvar()?,
            optimize_alpha: r.u8()? != 0,
            min_df: r.uvar()?,
            max_df: f64_at(&mut r)?,
            keep_n: r.uvar()?,
            log_likelihood: f64_at(&mut r)?,
        };
        let terms = TermConfig::read(&mut r, format_version)?;
        let k = r.uvar_max(1 << 16, "number of topics")? as usize;
        let v = r.count("vocabulary size")?;
        if k == 0 {
            return Err(r.err("a model needs at least one topic"));
        }
        let mut vocab = Vec::with_capacity(v);
        for _ in 0..v {
            vocab.push(r.str()?.to_string());
        }
        let mut alpha = Vec::with_capacity(k);
        for _ in 0..k {
            let a = f64_at(&mut r)?;
            if !(a > 0.0 && a.is_finite()) {
                return Err(r.err("alpha must be positive and finite"));
            }
            alpha.push(a);
        }
        let beta = f64_at(&mut r)?;
        if !(beta > 0.0 && beta.is_finite()) {
            return Err(r.err("beta must be positive and finite"));
        }
        let mut word_topic = vec![0u32; v.checked_mul(k).ok_or_else(|| r.err("model too large"))?];
        for row in word_topic.chunks_mut(k) {
            let nnz = r.uvar_max(k as u64, "non-zero topics of a word")?;
            let mut t = 0usize;
            for j in 0..nnz {
                let gap = r.uvar_max(k as u64, "topic gap")? as usize;
                t = if j == 0 { gap } else { t + gap };
                let slot = row
                    .get_mut(t)
                    .ok_or_else(|| r.err("topic index out of range"))?;
                *slot = u32::try_from(r.uvar()?).map_err(|_| r.err("count out of range"))?;
            }
        }
        if !r.at_end() {
            return Err(r.err("trailing bytes"));
        }
        Model::new(terms, vocab, alpha, beta, word_topic, info)
            .map_err(|e| Error::format(e.to_string()))
    }
}

fn inverse_denominators(topic_total: &[u64], vocab: usize, beta: f64) -> Vec<f64> {
    topic_total
        .iter()
        .map(|&n| 1.0 / (n as f64 + vocab as f64 * beta))
        .collect()
}

/// Buffers of [`Model::infer`], kept between calls.
struct InferScratch {
    /// Per vocabulary word, its index in `words` during a call (else u32::MAX).
    slot: Vec<u32>,
    words: Vec<u32>,
    counts: Vec<f64>,
    /// p(word | topic), distinct words × K.
    phi: Vec<f64>,
    /// Responsibilities, distinct words × K.
    r: Vec<f64>,
}

impl InferScratch {
    const fn new() -> Self {
        InferScratch {
            slot: Vec::new(),
            words: Vec::new(),
            counts: Vec::new(),
            phi: Vec::new(),
            r: Vec::new(),
        }
    }
}

fn normalize(v: &mut [f64]) {
    let s: f64 = v.iter().sum();
    if s > 0.0 && s.is_finite() {
        v.iter_mut().for_each(|x| *x /= s);
    } else {
        let u = 1.0 / v.len() as f64;
        v.iter_mut().for_each(|x| *x = u);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> Model {
        let vocab = vec![
            "陶器".to_string(),
            "マグカップ".into(),
            "ニット".into(),
            "帽子".into(),
        ];
        // Topic 0: pottery words, topic 1: knitwear words.
        let counts = vec![10, 0, 8, 0, 0, 9, 1, 7];
        Model::new(
            TermConfig::default(),
            vocab,
            vec![0.1, 0.1],
            0.01,
            counts,
            TrainingInfo::default(),
        )
        .unwrap()
    }

    #[test]
    fn inference_is_deterministic_and_sums_to_one() {
        let m = tiny();
        let a = m.infer(&[0, 1, 0]);
        assert_eq!(a, m.infer(&[0, 1, 0]));
        assert!((a.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!(a[0] > 0.9, "{a:?}");
        // Pinned bit for bit: the UDFs must give exactly these numbers too.
        let bits: Vec<u64> = a.iter().map(|x| x.to_bits()).collect();
        assert_eq!(bits, [4_606_900_426_672_251_962, 4_584_672_695_080_041_558]);
        assert_eq!(m.infer(&[]), vec![0.5, 0.5]);
    }

    #[cfg(feature = "cli")]
    #[test]
    fn file_round_trips_and_rejects_corruption() {
        let m = tiny();
        let bytes = m.to_bytes().unwrap();
        assert_eq!(Model::from_bytes(&bytes).unwrap(), m);
        let mut bad = bytes.clone();
        bad[0] ^= 1;
        assert!(Model::from_bytes(&bad)
            .unwrap_err()
            .to_string()
            .contains("bad magic"));
        let mut bad = bytes.clone();
        bad[12] = 9;
        assert!(Model::from_bytes(&bad)
            .unwrap_err()
            .to_string()
            .contains("version 9"));
        assert!(Model::from_bytes(&bytes[..bytes.len() - 3]).is_err());
        // The default tokenizer is written as format 2; format 3 round-trips the rest.
        assert_eq!(bytes[12..14], 2u16.to_le_bytes());
        let mut search = tiny();
        search.terms.tokenizer = crate::tokenizer::config::TokenizerConfig {
            mode: crate::tokenizer::Mode::Search,
            user_dictionary: Some([0xab; 32]),
            ..Default::default()
        };
        let search_bytes = search.to_bytes().unwrap();
        assert_eq!(search_bytes[12..14], 3u16.to_le_bytes());
        let back = Model::from_bytes(&search_bytes).unwrap();
        assert_eq!(back, search);
        assert!(back.info_json().contains(&format!(
            "\"tokenizer\":{{\"lexicon\":\"compact\",\"mode\":\"search\",\"user_dictionary\":\"{}\"}}",
            "ab".repeat(32)
        )));
        let mut bad = bytes.clone();
        let n = bad.len();
        bad[n - 20] ^= 0x55;
        assert!(Model::from_bytes(&bad).is_err());
        // Forged payload lengths: too short stops decompression early, too
        // long (512 MB) is refused without reserving it.
        for forged in [10u32, 1 << 29] {
            let mut bad = bytes.clone();
            bad[14..18].copy_from_slice(&forged.to_le_bytes());
            assert!(Model::from_bytes(&bad).is_err(), "{forged}");
        }
    }
}
