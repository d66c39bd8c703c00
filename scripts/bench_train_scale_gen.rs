//! Synthetic pre-tokenized corpus for `make bench-train-scale`: NDJSON shards
//! of `{"terms":[...]}` lines with a known number of tokens.
//!
//! Built by scripts/bench_train_scale.py with plain `rustc -O` (no crates), so
//! generating 10^8 tokens takes seconds instead of the minutes pure Python needs.
//! Each document mixes two of 100 latent topics (Zipfian over a topic's own
//! 2,000 words) with a Zipfian background over the whole vocabulary, so the
//! sampler sees the sparsity a real corpus has. Deterministic for a seed.
//!
//! Usage: gen TOKENS SHARD_TOKENS VOCAB OUT_DIR [SEED]

use std::fs::File;
use std::io::{BufWriter, Write};

struct Rng(u64);

impl Rng {
    /// SplitMix64.
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn uniform(&mut self) -> f64 {
        (self.next() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Cumulative Zipf(s = 1) weights over `n` ranks.
fn zipf_cdf(n: usize) -> Vec<f64> {
    let mut acc = 0.0;
    let mut cdf: Vec<f64> = (1..=n)
        .map(|r| {
            acc += 1.0 / r as f64;
            acc
        })
        .collect();
    cdf.iter_mut().for_each(|c| *c /= acc);
    cdf
}

fn draw(cdf: &[f64], rng: &mut Rng) -> usize {
    let u = rng.uniform();
    cdf.partition_point(|&c| c < u).min(cdf.len() - 1)
}

const TOPICS: usize = 100;
const TOPIC_WORDS: usize = 2000;
/// Share of tokens drawn from the background distribution.
const BACKGROUND: f64 = 0.3;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 5 {
        eprintln!("usage: gen TOKENS SHARD_TOKENS VOCAB OUT_DIR [SEED]");
        std::process::exit(2);
    }
    let parse = |i: usize| -> u64 {
        args[i].parse().unwrap_or_else(|_| {
            eprintln!("gen: argument {i} is not a number: {}", args[i]);
            std::process::exit(2)
        })
    };
    let (tokens, shard_tokens, vocab) = (parse(1), parse(2).max(1), parse(3) as usize);
    let out_dir = &args[4];
    let seed = if args.len() > 5 { parse(5) } else { 1 };
    let mut rng = Rng(seed);
    // Word strings once; each topic's words are a random sample of the vocabulary.
    let words: Vec<String> = (0..vocab).map(|w| format!("w{w}")).collect();
    let topic_words: Vec<Vec<u32>> = (0..TOPICS)
        .map(|_| (0..TOPIC_WORDS).map(|_| rng.below(vocab) as u32).collect())
        .collect();
    let background = zipf_cdf(vocab);
    let in_topic = zipf_cdf(TOPIC_WORDS);
    let (mut written, mut shard) = (0u64, 0u32);
    let mut line = Vec::with_capacity(4096);
    while written < tokens {
        let path = format!("{out_dir}/shard-{shard:04}.ndjson");
        let mut out = BufWriter::with_capacity(
            1 << 20,
            File::create(&path).unwrap_or_else(|e| {
                eprintln!("gen: {path}: {e}");
                std::process::exit(1)
            }),
        );
        let shard_end = (written + shard_tokens).min(tokens);
        while written < shard_end {
            let len = (50 + rng.below(101) as u64).min(shard_end - written);
            let (a, b) = (rng.below(TOPICS), rng.below(TOPICS));
            let mix = rng.uniform();
            line.clear();
            line.extend_from_slice(b"{\"terms\":[");
            for i in 0..len {
                let w = if rng.uniform() < BACKGROUND {
                    draw(&background, &mut rng)
                } else {
                    let t = if rng.uniform() < mix { a } else { b };
                    topic_words[t][draw(&in_topic, &mut rng)] as usize
                };
                if i > 0 {
                    line.push(b',');
                }
                line.push(b'"');
                line.extend_from_slice(words[w].as_bytes());
                line.push(b'"');
            }
            line.extend_from_slice(b"]}\n");
            out.write_all(&line).expect("write");
            written += len;
        }
        out.flush().expect("flush");
        shard += 1;
    }
    eprintln!("gen: {written} tokens in {shard} shards under {out_dir}");
}
