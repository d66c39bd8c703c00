//! `jatopic train | infer | topics | terms`: the topic-model commands.

use crate::io::input::{
    for_each_document, read_documents, Content, Document, InputFormat, InputOptions,
};
use crate::topic::model::{Model, TrainingInfo};
use crate::topic::terms::TermConfig;
use crate::topic::train::{train, TrainOptions};
use crate::{Error, Result, Tokenizer};
use rayon::prelude::*;
use std::collections::HashMap;
use std::io::Write;

/// The tokenizer, loaded on first use: pre-tokenized input (`--terms-field`)
/// never pays for decompressing the dictionary.
#[derive(Default)]
pub struct LazyTokenizer(std::sync::OnceLock<Result<Tokenizer>>);

impl LazyTokenizer {
    /// The tokenizer, loading it if needed.
    pub fn get(&self) -> Result<&Tokenizer> {
        self.0
            .get_or_init(crate::default_tokenizer)
            .as_ref()
            .map_err(Clone::clone)
    }
}

/// Vocabulary filter, as gensim's `filter_extremes`.
#[derive(Debug, Clone)]
pub struct VocabFilter {
    /// Drop terms in fewer documents than this.
    pub min_df: u64,
    /// Drop terms in more than this fraction of documents.
    pub max_df: f64,
    /// Keep at most this many (most frequent by document frequency); 0 = all.
    pub keep_n: u64,
}

/// Reads documents and turns them into terms with `config` (in parallel; order kept).
pub fn document_terms(
    tok: &LazyTokenizer,
    config: &TermConfig,
    paths: &[String],
    input: &InputOptions,
) -> Result<(Vec<Document>, Vec<Vec<String>>, crate::io::input::ReadStats)> {
    let (mut docs, stats) = read_documents(paths, input, &mut |m| eprintln!("jatopic: {m}"))?;
    // The content moves into the terms (no copy); ids and labels stay.
    let terms: Vec<Vec<String>> = docs
        .par_iter_mut()
        .map(
            |d| match std::mem::replace(&mut d.content, Content::Terms(Vec::new())) {
                Content::Text(t) => Ok(config.terms(tok.get()?, &t)),
                Content::Terms(t) => Ok(t),
            },
        )
        .collect::<Result<_>>()?;
    Ok((docs, terms, stats))
}

/// Documents as ids into a growing table of distinct terms: each document is
/// reduced to integers as soon as it is read, so the corpus text is never in
/// memory as strings (training's peak memory).
#[derive(Default)]
pub struct InternedCorpus {
    /// Distinct terms, by first appearance.
    pub terms: Vec<String>,
    index: HashMap<String, u32>,
    /// Each document's terms as indices into `terms`.
    pub docs: Vec<Vec<u32>>,
    pending: Vec<Content>,
}

impl InternedCorpus {
    /// Documents buffered before they are tokenized together (in parallel).
    const BATCH: usize = 2048;

    /// Adds a document (tokenized with `config` later, in batches).
    pub fn push(
        &mut self,
        content: Content,
        tok: &LazyTokenizer,
        config: &TermConfig,
    ) -> Result<()> {
        self.pending.push(content);
        if self.pending.len() >= Self::BATCH {
            self.flush(tok, config)?;
        }
        Ok(())
    }

    /// Tokenizes and interns the buffered documents, in order.
    pub fn flush(&mut self, tok: &LazyTokenizer, config: &TermConfig) -> Result<()> {
        let batch = std::mem::take(&mut self.pending);
        let terms: Vec<Vec<String>> = batch
            .into_par_iter()
            .map(|c| match c {
                Content::Text(t) => Ok(config.terms(tok.get()?, &t)),
                Content::Terms(t) => Ok(t),
            })
            .collect::<Result<_>>()?;
        for doc in terms {
            let ids = doc
                .into_iter()
                .map(|t| match self.index.get(&t) {
                    Some(&i) => i,
                    None => {
                        let i = self.terms.len() as u32;
                        self.index.insert(t.clone(), i);
                        self.terms.push(t);
                        i
                    }
                })
                .collect();
            self.docs.push(ids);
        }
        Ok(())
    }

    /// Applies the vocabulary filter: returns the vocabulary (by document
    /// frequency, then term) and rewrites `docs` to its ids, dropping other terms.
    pub fn filter(&mut self, filter: &VocabFilter) -> Vec<String> {
        let mut df = vec![0u64; self.terms.len()];
        let mut seen: Vec<u32> = Vec::new();
        for d in &self.docs {
            seen.clear();
            seen.extend_from_slice(d);
            seen.sort_unstable();
            seen.dedup();
            seen.iter().for_each(|&t| df[t as usize] += 1);
        }
        let n_docs = self.docs.iter().filter(|d| !d.is_empty()).count() as f64;
        let mut keep: Vec<u32> = (0..self.terms.len() as u32)
            .filter(|&t| {
                df[t as usize] >= filter.min_df && df[t as usize] as f64 <= filter.max_df * n_docs
            })
            .collect();
        keep.sort_by(|&a, &b| {
            df[b as usize]
                .cmp(&df[a as usize])
                .then(self.terms[a as usize].cmp(&self.terms[b as usize]))
        });
        if filter.keep_n > 0 {
            keep.truncate(filter.keep_n as usize);
        }
        let mut new_id = vec![u32::MAX; self.terms.len()];
        for (i, &t) in keep.iter().enumerate() {
            new_id[t as usize] = i as u32;
        }
        for d in &mut self.docs {
            d.retain_mut(|t| {
                *t = new_id[*t as usize];
                *t != u32::MAX
            });
        }
        keep.into_iter()
            .map(|t| std::mem::take(&mut self.terms[t as usize]))
            .collect()
    }
}

/// Options of `jatopic train`.
pub struct TrainCommand {
    /// Input files.
    pub inputs: Vec<String>,
    /// Where to write the model.
    pub out: String,
    /// Reader options.
    pub input: InputOptions,
    /// Term pipeline.
    pub terms: TermConfig,
    /// Vocabulary filter.
    pub filter: VocabFilter,
    /// Sampler options.
    pub train: TrainOptions,
    /// Threads (0 = all cores).
    pub threads: usize,
    /// Log the likelihood every N iterations.
    pub log_every: u32,
}

/// Runs `jatopic train`.
pub fn run_train(tok: &LazyTokenizer, cmd: &TrainCommand) -> Result<()> {
    let started = std::time::Instant::now();
    if cmd.train.k < 1 {
        return Err(Error::Input("--k must be at least 1".into()));
    }
    // The output location first: a missing or unwritable directory or a full
    // disk must fail now, not after hours of training.
    let output =
        PendingOutput::create(&cmd.out, model_reserve(&cmd.inputs)).map_err(|e| match e {
            Error::Io(m) => Error::Io(format!(
                "{m} (checked before reading the input; nothing was trained)"
            )),
            e => e,
        })?;
    let mut corpus = InternedCorpus::default();
    let stats = for_each_document(
        &cmd.inputs,
        &cmd.input,
        &mut |m| eprintln!("jatopic: {m}"),
        &mut |d| corpus.push(d.content, tok, &cmd.terms),
    )?;
    corpus.flush(tok, &cmd.terms)?;
    let vocab = corpus.filter(&cmd.filter);
    if vocab.is_empty() {
        return Err(Error::Input(format!(
            "no terms left after filtering ({} documents read); lower --min-df or raise --max-df",
            stats.read
        )));
    }
    if cmd.train.k > vocab.len() {
        return Err(Error::Input(format!(
            "--k {} is larger than the vocabulary ({} terms); use fewer topics or more text",
            cmd.train.k,
            vocab.len()
        )));
    }
    let docs = std::mem::take(&mut corpus.docs);
    drop(corpus);
    let empty = docs.iter().filter(|d| d.is_empty()).count() as u64;
    let docs: Vec<Vec<u32>> = docs.into_iter().filter(|d| !d.is_empty()).collect();
    let tokens: u64 = docs.iter().map(|d| d.len() as u64).sum();
    eprintln!(
        "jatopic: documents read {}, skipped (malformed) {}, empty {}, used {}; {} tokens, vocabulary {} terms, K = {}",
        stats.read,
        stats.skipped,
        empty,
        docs.len(),
        tokens,
        vocab.len(),
        cmd.train.k
    );
    let bar = indicatif::ProgressBar::new(u64::from(cmd.train.iterations));
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} iteration {pos}/{len} {bar:30} {per_sec} ETA {eta} {msg}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let sampling = std::time::Instant::now();
    let trained = train(
        &docs,
        vocab.len(),
        &cmd.train,
        cmd.threads,
        cmd.log_every,
        &mut |it, tok_count, ll| {
            bar.set_position(u64::from(it));
            let rate =
                tok_count as f64 * f64::from(it) / sampling.elapsed().as_secs_f64().max(1e-9);
            bar.set_message(format!("{:.1}M tokens/s", rate / 1e6));
            if let Some(ll) = ll {
                let line = format!("jatopic: iteration {it}: log-likelihood per token {ll:.4}");
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
    let info = TrainingInfo {
        version: env!("CARGO_PKG_VERSION").to_string(),
        documents: [stats.read, stats.skipped, empty, docs.len() as u64],
        tokens,
        iterations: cmd.train.iterations,
        seed: cmd.train.seed,
        optimize_alpha: cmd.train.optimize_alpha,
        min_df: cmd.filter.min_df,
        max_df: cmd.filter.max_df,
        keep_n: cmd.filter.keep_n,
        log_likelihood: trained.log_likelihood,
    };
    let model = Model::new(
        cmd.terms.clone(),
        vocab,
        trained.alpha,
        cmd.train.beta,
        trained.word_topic,
        info,
    )?;
    output.commit(&model.to_bytes()?)?;
    let secs = sampling.elapsed().as_secs_f64();
    eprintln!(
        "jatopic: wrote {} ({} topics); sampling {:.1} s, {:.2}M tokens/s, total {:.1} s; log-likelihood per token {:.4}",
        cmd.out,
        model.k(),
        secs,
        tokens as f64 * f64::from(cmd.train.iterations) / secs.max(1e-9) / 1e6,
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

/// Writes to a temporary file in the same directory, then renames: an
/// interrupted run never leaves a partial file under the final name.
pub fn write_atomically(path: &str, bytes: &[u8]) -> Result<()> {
    PendingOutput::create(path, 0)?.commit(bytes)
}

/// An output file on its way: a temporary file next to `path`, created (and
/// space reserved) before the slow work so that an unwritable location or a
/// full disk fails at once, then renamed over `path` by
/// [`PendingOutput::commit`]. Dropped, or interrupted by SIGINT or SIGTERM,
/// the temporary file is removed and `path` is left as it was.
pub struct PendingOutput {
    path: String,
    tmp: String,
    file: Option<std::fs::File>,
}

impl PendingOutput {
    /// Creates the temporary file and writes `reserve` bytes to it (synced to
    /// disk), so the space the result will need is known to be there.
    pub fn create(path: &str, reserve: u64) -> Result<PendingOutput> {
        if std::path::Path::new(path).is_dir() {
            return Err(Error::Io(format!(
                "{path}: is a directory; give the output file's name"
            )));
        }
        let tmp = format!("{path}.tmp-{}", std::process::id());
        let file = std::fs::File::create(&tmp).map_err(|e| {
            Error::Io(format!(
                "{path}: cannot create a file in its directory ({tmp}): {e}"
            ))
        })?;
        // From here on, dropping `pending` removes the temporary file.
        let pending = PendingOutput {
            path: path.to_string(),
            tmp,
            file: Some(file),
        };
        interrupt::remove_on_signal(&pending.tmp, path);
        if reserve > 0 {
            pending.reserve(reserve).map_err(|e| {
                Error::Io(format!(
                    "{path}: cannot reserve {:.1} MB for it in its directory: {e}",
                    reserve as f64 / 1e6
                ))
            })?;
        }
        Ok(pending)
    }

    fn reserve(&self, bytes: u64) -> std::io::Result<()> {
        let mut f = self.file.as_ref().ok_or(std::io::ErrorKind::NotFound)?;
        // Real writes, not `set_len`: a sparse file would reserve nothing.
        let zeros = vec![0u8; 1 << 20];
        let mut left = bytes;
        while left > 0 {
            let n = left.min(zeros.len() as u64) as usize;
            f.write_all(&zeros[..n])?;
            left -= n as u64;
        }
        f.sync_all()
    }

    /// Writes `bytes` over the reserved space and renames the file into place.
    pub fn commit(mut self, bytes: &[u8]) -> Result<()> {
        let written = (|| -> std::io::Result<()> {
            use std::io::Seek;
            let mut f = self.file.take().ok_or(std::io::ErrorKind::NotFound)?;
            f.seek(std::io::SeekFrom::Start(0))?;
            f.write_all(bytes)?;
            f.set_len(bytes.len() as u64)?;
            f.sync_all()?;
            drop(f);
            std::fs::rename(&self.tmp, &self.path)
        })();
        written.map_err(|e| Error::Io(format!("{}: {e}", self.path)))
    }
}

impl Drop for PendingOutput {
    fn drop(&mut self) {
        interrupt::forget(&self.tmp);
        // After a successful rename the temporary name no longer exists.
        let _ = std::fs::remove_file(&self.tmp);
    }
}

/// SIGINT and SIGTERM while an output is pending: remove its temporary file,
/// say that the previous file was kept, exit with 128 + the signal number.
/// The handler only calls async-signal-safe functions (unlink, write, _exit).
#[cfg(unix)]
mod interrupt {
    use std::ffi::{c_char, c_int, CString};
    use std::sync::atomic::{AtomicPtr, Ordering};

    extern "C" {
        fn signal(signum: c_int, handler: extern "C" fn(c_int)) -> usize;
        fn unlink(path: *const c_char) -> c_int;
        fn write(fd: c_int, buf: *const c_char, count: usize) -> isize;
        fn strlen(s: *const c_char) -> usize;
        fn _exit(status: c_int) -> !;
    }
    const SIGINT: c_int = 2;
    const SIGTERM: c_int = 15;

    /// The pending temporary file and the message naming the final file,
    /// NUL-terminated (never freed: the handler may be reading them).
    static TMP: AtomicPtr<c_char> = AtomicPtr::new(std::ptr::null_mut());
    static MESSAGE: AtomicPtr<c_char> = AtomicPtr::new(std::ptr::null_mut());

    fn say(s: *const c_char) {
        // SAFETY: `s` is a NUL-terminated string that is never freed.
        unsafe {
            write(2, s, strlen(s));
        }
    }

    extern "C" fn on_signal(sig: c_int) {
        let name = if sig == SIGINT {
            c"jatopic: interrupted (SIGINT)"
        } else {
            c"jatopic: terminated (SIGTERM)"
        };
        say(name.as_ptr());
        let tmp = TMP.swap(std::ptr::null_mut(), Ordering::SeqCst);
        // SAFETY: `tmp` is null or a NUL-terminated path that is never freed.
        if !tmp.is_null() && unsafe { unlink(tmp) } == 0 {
            say(MESSAGE.load(Ordering::SeqCst));
        } else {
            say(c"\n".as_ptr());
        }
        // SAFETY: _exit is async-signal-safe and ends the process.
        unsafe { _exit(128 + sig) }
    }

    /// Removes `tmp` if the process is interrupted before [`forget`].
    pub fn remove_on_signal(tmp: &str, path: &str) {
        static INSTALL: std::sync::Once = std::sync::Once::new();
        let (Ok(tmp), Ok(message)) = (
            CString::new(tmp),
            CString::new(format!(
                "; {path} was not written (the previous file, if any, is kept) and no partial file was left\n"
            )),
        ) else {
            return;
        };
        MESSAGE.store(message.into_raw(), Ordering::SeqCst);
        TMP.store(tmp.into_raw(), Ordering::SeqCst);
        INSTALL.call_once(|| {
            // SAFETY: installs a handler that only calls async-signal-safe functions.
            unsafe {
                signal(SIGINT, on_signal);
                signal(SIGTERM, on_signal);
            }
        });
    }

    /// Stops removing `tmp` on a signal (it was renamed or removed).
    pub fn forget(tmp: &str) {
        let current = TMP.load(Ordering::SeqCst);
        // SAFETY: a non-null `current` is a NUL-terminated string never freed.
        if !current.is_null()
            && unsafe { std::ffi::CStr::from_ptr(current) }.to_bytes() == tmp.as_bytes()
        {
            let _ = TMP.compare_exchange(
                current,
                std::ptr::null_mut(),
                Ordering::SeqCst,
                Ordering::SeqCst,
            );
        }
    }
}

#[cfg(not(unix))]
mod interrupt {
    pub fn remove_on_signal(_tmp: &str, _path: &str) {}
    pub fn forget(_tmp: &str) {}
}

/// Loads a model file.
pub fn load_model(path: &str) -> Result<Model> {
    let bytes = std::fs::read(path).map_err(|e| Error::Io(format!("{path}: {e}")))?;
    Model::from_bytes(&bytes).map_err(|e| match e {
        Error::Format(m) => Error::Format(format!("{path}: {m}")),
        e => Error::Format(format!("{path}: {e}")),
    })
}

/// Runs `jatopic infer`: one line per document (NDJSON or CSV).
pub fn run_infer(
    tok: &LazyTokenizer,
    model: &Model,
    inputs: &[String],
    input: &InputOptions,
    format: &str,
    top: usize,
) -> Result<()> {
    let (docs, terms, _) = document_terms(tok, &model.terms, inputs, input)?;
    let thetas: Vec<Vec<f64>> = terms.par_iter().map(|t| model.infer_terms(t)).collect();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if format == "csv" {
        let header: Vec<String> = (0..model.k()).map(|k| format!("topic_{k}")).collect();
        writeln!(out, "id,{},top_topics", header.join(","))?;
    }
    for (doc, theta) in docs.iter().zip(&thetas) {
        let mut order: Vec<usize> = (0..theta.len()).collect();
        order.sort_by(|&a, &b| theta[b].total_cmp(&theta[a]).then(a.cmp(&b)));
        order.truncate(top);
        if format == "csv" {
            let values: Vec<String> = theta.iter().map(|x| format!("{x}")).collect();
            let tops: Vec<String> = order.iter().map(|k| k.to_string()).collect();
            writeln!(
                out,
                "{},{},{}",
                csv_field(&doc.id),
                values.join(","),
                tops.join(" ")
            )?;
        } else {
            let mut line = String::from("{\"id\":");
            crate::tokenizer::json::push_str(&mut line, &doc.id);
            let values: Vec<String> = theta.iter().map(|x| format!("{x}")).collect();
            line.push_str(&format!(
                ",\"topics\":[{}],\"top_topics\":[",
                values.join(",")
            ));
            let tops: Vec<String> = order
                .iter()
                .map(|&k| format!("{{\"topic\":{k},\"weight\":{}}}", theta[k]))
                .collect();
            line.push_str(&tops.join(","));
            line.push_str("]}");
            writeln!(out, "{line}")?;
        }
    }
    out.flush()?;
    Ok(())
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Runs `jatopic topics`: top words per topic as a table, JSON or Markdown.
pub fn run_topics(model: &Model, format: &str, n: usize) -> Result<()> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let total: u64 = model.topic_total.iter().sum();
    for k in 0..model.k() {
        let words = model.top_words(k, n);
        let share = model.topic_total[k] as f64 / total.max(1) as f64;
        match format {
            "json" => {
                let mut line = format!(
                    "{{\"topic\":{k},\"share\":{share},\"alpha\":{},\"words\":[",
                    model.alpha[k]
                );
                let items: Vec<String> = words
                    .iter()
                    .map(|(w, p)| {
                        let mut s = String::from("{\"word\":");
                        crate::tokenizer::json::push_str(&mut s, w);
                        s.push_str(&format!(",\"weight\":{p}}}"));
                        s
                    })
                    .collect();
                line.push_str(&items.join(","));
                line.push_str("]}");
                writeln!(out, "{line}")?;
            }
            "markdown" => {
                if k == 0 {
                    writeln!(out, "| topic | share | top words |\n|---:|---:|---|")?;
                }
                let w: Vec<&str> = words.iter().map(|x| x.0).collect();
                writeln!(out, "| {k} | {:.1}% | {} |", share * 100.0, w.join(" "))?;
            }
            _ => {
                let w: Vec<&str> = words.iter().map(|x| x.0).collect();
                writeln!(out, "{k:>3} {:>5.1}%  {}", share * 100.0, w.join(" "))?;
            }
        }
    }
    out.flush()?;
    Ok(())
}

/// Runs `jatopic terms`: NDJSON `{"id", "terms"}` per document, as training
/// sees them (restricted to the model's vocabulary when a model is given).
pub fn run_terms(
    tok: &LazyTokenizer,
    config: &TermConfig,
    known_only: Option<&Model>,
    inputs: &[String],
    input: &InputOptions,
) -> Result<()> {
    let (docs, terms, _) = document_terms(tok, config, inputs, input)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for (doc, t) in docs.iter().zip(&terms) {
        let mut line = String::from("{\"id\":");
        crate::tokenizer::json::push_str(&mut line, &doc.id);
        line.push_str(",\"terms\":");
        let kept = t
            .iter()
            .filter(|w| known_only.is_none_or(|m| m.term_id(w).is_some()));
        crate::tokenizer::json::push_str_array(&mut line, kept);
        line.push('}');
        writeln!(out, "{line}")?;
    }
    out.flush()?;
    Ok(())
}

/// Parses `--format` of the readers.
pub fn input_format(name: Option<String>) -> Result<Option<InputFormat>> {
    name.map(|n| InputFormat::from_name(&n)).transpose()
}

/// Reads a topic–word table (TSV: one row per topic, one column per model
/// term) and an α file (one value per line) to evaluate another tool's model.
pub fn load_phi(model: Model, phi_path: &str, alpha_path: Option<&str>) -> Result<Model> {
    let text =
        std::fs::read_to_string(phi_path).map_err(|e| Error::Io(format!("{phi_path}: {e}")))?;
    let mut rows = Vec::new();
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let row: std::result::Result<Vec<f64>, _> =
            line.split('\t').map(|x| x.trim().parse::<f64>()).collect();
        rows.push(row.map_err(|_| {
            Error::Input(format!(
                "{phi_path}:{}: expected tab-separated numbers",
                i + 1
            ))
        })?);
    }
    let alpha = match alpha_path {
        Some(p) => {
            let t = std::fs::read_to_string(p).map_err(|e| Error::Io(format!("{p}: {e}")))?;
            t.split_whitespace()
                .map(|x| {
                    x.parse::<f64>()
                        .map_err(|_| Error::Input(format!("{p}: not a number: {x:?}")))
                })
                .collect::<Result<Vec<f64>>>()?
        }
        None => vec![model.alpha.iter().sum::<f64>() / rows.len().max(1) as f64; rows.len()],
    };
    model
        .with_phi(&rows, alpha)
        .map_err(|e| Error::Input(format!("{phi_path}: {e}")))
}

/// Runs `jatopic eval --model`: prints the evaluation as JSON (one object).
pub fn run_eval(
    tok: &LazyTokenizer,
    model: &Model,
    inputs: &[String],
    input: &InputOptions,
    top_n: usize,
) -> Result<()> {
    let (docs, terms, _) = document_terms(tok, &model.terms, inputs, input)?;
    let ids: Vec<Vec<u32>> = terms
        .iter()
        .map(|d| d.iter().filter_map(|t| model.term_id(t)).collect())
        .collect();
    let labels: Vec<Option<String>> = docs.iter().map(|d| d.label.clone()).collect();
    let e = crate::topic::eval::evaluate(model, &ids, &labels, top_n);
    let coherence: Vec<String> = e.coherence.iter().map(|c| format!("{c:.4}")).collect();
    let labels = match e.nmi_purity {
        Some((nmi, purity)) => format!(",\"nmi\":{nmi:.4},\"purity\":{purity:.4}"),
        None => String::new(),
    };
    println!(
        "{{\"documents\":{},\"scored_tokens\":{},\"heldout_log_likelihood\":{:.5},\"mean_npmi\":{:.4},\"diversity\":{:.4}{labels},\"npmi\":[{}]}}",
        e.documents,
        e.scored_tokens,
        e.heldout_log_likelihood,
        e.mean_coherence,
        e.diversity,
        coherence.join(",")
    );
    Ok(())
}
