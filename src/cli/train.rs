//! `jatopic train`: an LDA model from documents (text or terms).

use super::input_args::DocumentArgs;
use super::tokenizer_args::TokenizerArgs;
use clap::Args;
use jatopic::error::InFile;
use jatopic::io::input::for_each_document;
use jatopic::io::output::PendingOutput;
use jatopic::topic::corpus::{InternedCorpus, VocabFilter};
use jatopic::topic::model::{Model, TrainingInfo};
use jatopic::topic::terms::TermConfig;
use jatopic::topic::train::{train, TrainOptions};
use jatopic::{Error, ErrorKind, Result};

/// Train an LDA topic model (deterministic for a seed, whatever the thread count)
#[derive(Args)]
#[command(after_help = "\
Examples:
  jatopic train --k 50 --out model.jtm --input-format ndjson --text-field title items.ndjson
  jatopic train --k 100 --keep-n 50000 --out model.jtm corpus/*.txt
  jatopic train --k 20 --out model.jtm --terms-field terms terms.parquet
  jatopic train --k 50 --mode search --out model.jtm items.ndjson
  jatopic train --k 50 --lexicon full --out model.jtm items.ndjson

The term pipeline (normalisation, POS filter, lower-casing, stop words) and
the tokenizer's settings (lexicon tier, --mode) are stored in the model, so
`infer`, `terms --model` and the BigQuery functions preprocess text exactly
as training did. `jatopic package` packages a model with the lexicon and
user dictionary it was trained with (the full lexicon as jatopic-lexicon-*.js).")]
pub struct TrainArgs {
    /// Number of topics
    #[arg(long)]
    k: usize,
    /// Where to write the model (written atomically)
    #[arg(long, value_name = "MODEL.jtm")]
    out: String,
    /// Gibbs sampling iterations
    #[arg(long, default_value_t = TrainOptions::default().iterations)]
    iterations: u32,
    /// Symmetric document–topic prior
    #[arg(long, default_value_t = TrainOptions::default().alpha)]
    alpha: f64,
    /// Topic–word prior
    #[arg(long, default_value_t = TrainOptions::default().beta)]
    beta: f64,
    /// Random seed
    #[arg(long, default_value_t = TrainOptions::default().seed)]
    seed: u64,
    /// Threads [default: all cores]; the model does not depend on it
    #[arg(long, default_value_t = 0, hide_default_value = true)]
    threads: usize,
    /// Learn an asymmetric α (Minka's fixed point)
    #[arg(long)]
    optimize_alpha: bool,
    /// Drop terms in fewer documents than this
    #[arg(long, default_value_t = 2)]
    min_df: u64,
    /// Drop terms in more than this fraction of documents
    #[arg(long, default_value_t = 0.5)]
    max_df: f64,
    /// Keep at most this many terms, the most frequent (0 = all)
    #[arg(long, default_value_t = 0)]
    keep_n: u64,
    /// Print the log-likelihood every N iterations
    #[arg(long, value_name = "N", default_value_t = 10)]
    log_every: u32,
    /// Do not normalise width before tokenizing
    #[arg(long)]
    no_normalize: bool,
    /// Do not lower-case ASCII terms
    #[arg(long)]
    no_lowercase: bool,
    /// Stop words, one per line
    #[arg(long, value_name = "FILE")]
    stopwords: Option<String>,
    #[command(flatten)]
    documents: DocumentArgs,
}

pub fn run(args: TrainArgs) -> Result<()> {
    let options = TrainOptions {
        k: args.k,
        iterations: args.iterations,
        alpha: args.alpha,
        beta: args.beta,
        seed: args.seed,
        optimize_alpha: args.optimize_alpha,
        ..TrainOptions::default()
    };
    if !(options.alpha > 0.0 && options.beta > 0.0) {
        return Err(Error::input("--alpha and --beta must be positive".into()));
    }
    let filter = VocabFilter {
        min_df: args.min_df,
        max_df: args.max_df,
        keep_n: args.keep_n,
    };
    let mut terms = TermConfig {
        normalize: !args.no_normalize,
        lowercase: !args.no_lowercase,
        ..Default::default()
    };
    terms.tokenizer.mode = args.documents.tokenizer.mode();
    terms.tokenizer.lexicon = args.documents.tokenizer.lexicon();
    let user = args.documents.tokenizer.user_dictionary()?;
    terms.tokenizer.user_dictionary = user.as_ref().map(|u| u.checksum);
    if let Some(f) = &args.stopwords {
        terms.stopwords = std::fs::read_to_string(f)
            .in_file(f)?
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect();
    }
    let started = std::time::Instant::now();
    if options.k < 1 {
        return Err(Error::input("--k must be at least 1".into()));
    }
    // The output location first: a missing or unwritable directory or a full
    // disk must fail now, not after hours of training.
    let output = PendingOutput::create(&args.out, model_reserve(&args.documents.inputs)).map_err(
        |e| match e {
            e if e.kind() == ErrorKind::Io => Error::io_message(format!(
                "{} (checked before reading the input; nothing was trained)",
                e.message()
            )),
            e => e,
        },
    )?;
    let tok = TokenizerArgs::lazy_tokenizer(user.as_ref(), terms.tokenizer.lexicon)?;
    let mut corpus = InternedCorpus::default();
    // Raw text is tokenized in batches on all of rayon's global threads (a
    // pool of --threads here measured slower: the reader on a pool thread
    // allocates from a secondary malloc arena).
    let stats = for_each_document(
        &args.documents.inputs,
        &args.documents.reader.options(),
        &mut |m| eprintln!("jatopic: {m}"),
        &mut |d| corpus.push(d.content, &tok, &terms),
    )?;
    corpus.flush(&tok, &terms)?;
    let (vocab, empty) = corpus.filter(&filter);
    if vocab.is_empty() {
        return Err(Error::input(format!(
            "no terms left after filtering ({} documents read); lower --min-df or raise --max-df",
            stats.read
        )));
    }
    if options.k > vocab.len() {
        return Err(Error::input(format!(
            "--k {} is larger than the vocabulary ({} terms); use fewer topics or more text",
            options.k,
            vocab.len()
        )));
    }
    // The term table and its index go before sampling allocates.
    let docs = std::mem::take(&mut corpus.docs);
    drop(corpus);
    let tokens = docs.tokens();
    eprintln!(
        "jatopic: documents read {}, skipped (malformed) {}, empty {}, used {}; {} tokens, vocabulary {} terms, K = {}",
        stats.read,
        stats.skipped,
        empty,
        docs.len(),
        tokens,
        vocab.len(),
        options.k
    );
    let bar = indicatif::ProgressBar::new(u64::from(options.iterations));
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} iteration {pos}/{len} {bar:30} {per_sec} ETA {eta} {msg}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let sampling = std::time::Instant::now();
    // The time and iteration of the last log line, for the per-iteration time
    // since then (it includes computing the likelihood once).
    let mut logged = (std::time::Duration::ZERO, 0u32);
    let trained = train(
        &docs,
        vocab.len(),
        &options,
        args.threads,
        args.log_every,
        &mut |it, tok_count, ll| {
            bar.set_position(u64::from(it));
            let elapsed = sampling.elapsed();
            let rate = tok_count as f64 * f64::from(it) / elapsed.as_secs_f64().max(1e-9);
            bar.set_message(format!("{:.1}M tokens/s", rate / 1e6));
            if let Some(ll) = ll {
                let per_iteration =
                    (elapsed - logged.0).as_secs_f64() / f64::from((it - logged.1).max(1));
                logged = (elapsed, it);
                let line = format!(
                    "jatopic: iteration {it}: log-likelihood per token {ll:.4}; {per_iteration:.3} s per iteration, {:.2}M tokens/s",
                    tok_count as f64 / per_iteration.max(1e-9) / 1e6
                );
                // A hidden bar (stderr not a terminal) drops println: log directly.
                if bar.is_hidden() {
                    eprintln!("{line}");
                } else {
                    bar.println(line);
                }
            }
        },
    )?;
    bar.finish_and_clear();
    // The documents are not needed to write the model: free them first.
    let used = docs.len() as u64;
    drop(docs);
    let info = TrainingInfo {
        version: env!("CARGO_PKG_VERSION").to_string(),
        documents: [stats.read, stats.skipped, empty, used],
        tokens,
        iterations: options.iterations,
        seed: options.seed,
        optimize_alpha: options.optimize_alpha,
        min_df: filter.min_df,
        max_df: filter.max_df,
        keep_n: filter.keep_n,
        log_likelihood: trained.log_likelihood,
    };
    let model = Model::new(
        terms,
        vocab,
        trained.alpha,
        options.beta,
        trained.word_topic,
        info,
    )?;
    output.commit(&model.to_bytes()?)?;
    let secs = sampling.elapsed().as_secs_f64();
    eprintln!(
        "jatopic: wrote {} ({} topics); sampling {:.1} s, {:.2}M tokens/s, total {:.1} s; log-likelihood per token {:.4}",
        args.out,
        model.k(),
        secs,
        tokens as f64 * f64::from(options.iterations) / secs.max(1e-9) / 1e6,
        started.elapsed().as_secs_f64(),
        model.info.log_likelihood
    );
    Ok(())
}

/// Bytes to reserve for a model trained on `inputs`: the compressed model is
/// far smaller than its input text, so the input size (at least 4 MB, at
/// most 64 MB) bounds it in practice.
fn model_reserve(inputs: &[String]) -> u64 {
    let input: u64 = inputs
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    input.clamp(4 << 20, 64 << 20)
}
