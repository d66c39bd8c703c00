//! The `jatopic` command line.

use jatopic::tokenizer::{builder as build, json};
use jatopic::{Dictionary, Error, Options, Result, Tokenizer};
use std::io::{BufRead, BufWriter, Write};
use std::path::PathBuf;

const USAGE: &str = "\
usage:
  jatopic tokenize [--format wakati|mecab|json] [--normalize] [--dict FILE] < text
      One result per input line (UTF-8). Offsets are code points.
  jatopic build-dict --ipadic DIR --seen MECAB_OUTPUT|- --out FILE [--quantum N] [--word-quantum N] [--matrix-classes R,L|exact] [--keep-unseen-proper-nouns]
      Builds the compressed dictionary from IPADIC's sources, pruned with
      MeCab's output on training text (see dict/README.md). Defaults, as
      shipped: --quantum 64 --word-quantum 8 --matrix-classes 400,400.
  jatopic eval (--corpus DIR | --text FILE --reference MECAB_OUTPUT) [--dict FILE] [--mecab PATH]
      Word F1, POS and base-form agreement with MeCab (runs mecab on DIR/*.txt).
  jatopic dict-info [--dict FILE]

topic models (input options: [--format ndjson|csv|tsv|text] [--text-field F] [--id-field F]
  [--terms-field F] [--label-field F] [--max-bad-rows N]; files or - for stdin):
  jatopic train --k K --out MODEL.jtm [--iterations 200] [--alpha 0.1] [--beta 0.01] [--seed 1]
        [--threads N] [--optimize-alpha] [--min-df 2] [--max-df 0.5] [--keep-n 0] [--log-every 10]
        [--no-normalize] [--no-lowercase] [--stopwords FILE] INPUT...
  jatopic infer --model MODEL.jtm [--output ndjson|csv] [--top 3] INPUT...
  jatopic topics --model MODEL.jtm [--output table|json|markdown] [--n 10]
  jatopic eval --model MODEL.jtm --input HELDOUT [--label-field F] [--top-n 10] [--phi PHI.tsv [--alpha ALPHA.txt]]
        Held-out log-likelihood per token (document completion), NPMI coherence, topic
        diversity, NMI/purity of top topics against labels. --phi scores another tool's
        topic-word table (rows = topics, columns = the model's vocabulary order).
  jatopic terms [--model MODEL.jtm [--known-only]] INPUT...
        The terms as training sees them (the model's term pipeline; --known-only keeps
        only terms in its vocabulary).
  jatopic vocab --model MODEL.jtm          (the vocabulary, one term per line, in id order)

demo data:
  jatopic sample --out DIR [--seed 42] [--items 3000] [--users 600] [--days 30] [--views 8,30]
      Writes a SYNTHETIC handmade-goods catalog (items.ndjson) and browsing log
      (views.ndjson) for demos and tests; the same options give identical files.

BigQuery:
  jatopic package --out DIR --gcs-prefix gs://BUCKET/PATH --dataset PROJECT.DATASET [--model MODEL.jtm]
        [--temp] [--function-prefix ja_] [--count-bits N] [--min-count N] [--library build/jatopic-tokenizer.js]
      Writes the UDF library files (each <= 1,000,000 bytes), create_functions.sql,
      manifest.json, deploy.sh and README.md. --count-bits rounds model counts to N
      significant bits, --min-count drops smaller counts (smaller files; the
      quantisation error is reported).
";

struct Args(Vec<String>);

impl Args {
    fn flag(&mut self, name: &str) -> bool {
        let before = self.0.len();
        self.0.retain(|a| a != name);
        before != self.0.len()
    }
    fn value(&mut self, name: &str) -> Result<Option<String>> {
        let Some(i) = self.0.iter().position(|a| a == name) else {
            return Ok(None);
        };
        if i + 1 >= self.0.len() {
            return Err(Error::Input(format!("{name} needs a value")));
        }
        let v = self.0.remove(i + 1);
        self.0.remove(i);
        Ok(Some(v))
    }
    fn required(&mut self, name: &str) -> Result<String> {
        self.value(name)?
            .ok_or_else(|| Error::Input(format!("missing {name}\n{USAGE}")))
    }
    fn finish(&self) -> Result<()> {
        match self.0.first() {
            Some(a) => Err(Error::Input(format!("unexpected argument {a:?}\n{USAGE}"))),
            None => Ok(()),
        }
    }
}

fn load_tokenizer(path: Option<String>) -> Result<Tokenizer> {
    match path {
        Some(p) => {
            let bytes = std::fs::read(&p).map_err(|e| Error::Io(format!("{p}: {e}")))?;
            let dict = Dictionary::from_bytes(&bytes).map_err(|e| match e {
                Error::Format(m) => Error::Format(format!("{p}: {m}")),
                e => e,
            })?;
            Ok(Tokenizer::new(dict))
        }
        None => jatopic::default_tokenizer(),
    }
}

fn read_file(p: &str) -> Result<String> {
    std::fs::read_to_string(p).map_err(|e| Error::Io(format!("{p}: {e}")))
}

fn tokenize(mut args: Args) -> Result<()> {
    let format = args.value("--format")?.unwrap_or_else(|| "wakati".into());
    if !matches!(format.as_str(), "wakati" | "mecab" | "json") {
        return Err(Error::Input(format!(
            "--format must be wakati, mecab or json, not {format:?}"
        )));
    }
    let opts = Options {
        normalize: args.flag("--normalize"),
    };
    let tok = load_tokenizer(args.value("--dict")?)?;
    args.finish()?;
    let stdin = std::io::stdin().lock();
    let mut out = BufWriter::new(std::io::stdout().lock());
    let (mut lines, mut skipped) = (0u64, 0u64);
    for (n, line) in stdin.split(b'\n').enumerate() {
        let mut line = line?;
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        lines += 1;
        // A skipped line still gets its (empty) result, so that output line
        // (or EOS block) N is always input line N.
        let text = std::str::from_utf8(&line).unwrap_or_else(|_| {
            eprintln!("jatopic: line {}: invalid UTF-8, skipped", n + 1);
            skipped += 1;
            ""
        });
        let tokens = tok.tokenize_with(text, opts);
        match format.as_str() {
            "wakati" => {
                let words: Vec<&str> = tokens.iter().map(|t| t.surface).collect();
                writeln!(out, "{}", words.join(" "))?;
            }
            "mecab" => {
                for t in &tokens {
                    writeln!(
                        out,
                        "{}\t{},{},{},{},{},{},{}",
                        t.surface,
                        t.pos[0],
                        t.pos[1],
                        t.pos[2],
                        t.pos[3],
                        t.conjugation[0],
                        t.conjugation[1],
                        t.mecab_base()
                    )?;
                }
                writeln!(out, "EOS")?;
            }
            _ => writeln!(out, "{}", json::tokens(&tokens))?,
        }
    }
    out.flush()?;
    if skipped > 0 {
        eprintln!("jatopic: {lines} lines read, {skipped} skipped (invalid UTF-8)");
    }
    Ok(())
}

/// An optional integer option that must lie in `range`.
fn in_range(
    args: &mut Args,
    name: &str,
    range: std::ops::RangeInclusive<i64>,
) -> Result<Option<i64>> {
    args.value(name)?
        .map(|v| {
            v.parse().ok().filter(|q| range.contains(q)).ok_or_else(|| {
                Error::Input(format!(
                    "{name} must be an integer in {}..={}, not {v:?}",
                    range.start(),
                    range.end()
                ))
            })
        })
        .transpose()
}

fn build_dict(mut args: Args) -> Result<()> {
    let ipadic = PathBuf::from(args.required("--ipadic")?);
    let seen_path = args.required("--seen")?;
    let out = args.required("--out")?;
    let mut opts = build::BuildOptions::default();
    if let Some(q) = in_range(&mut args, "--quantum", 1..=4096)? {
        opts.matrix_quantum = q;
    }
    if let Some(q) = in_range(&mut args, "--word-quantum", 1..=1024)? {
        opts.word_quantum = q;
    }
    opts.keep_unseen_proper_nouns = args.flag("--keep-unseen-proper-nouns");
    // Defaults: the shipped dictionary (dict/README.md).
    let matrix_classes = match args.value("--matrix-classes")?.as_deref() {
        None => Some((400, 400)),
        Some("exact") => None,
        Some(v) => {
            let parsed = v
                .split_once(',')
                .and_then(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?)));
            Some(
                parsed
                    .filter(|&(a, b): &(usize, usize)| a > 0 && b > 0)
                    .ok_or_else(|| {
                        Error::Input(format!(
                            "--matrix-classes must be ROWS,COLS (positive integers), not {v:?}"
                        ))
                    })?,
            )
        }
    };
    args.finish()?;
    // Text used to weight the matrix compression: enough to see every common connection.
    const WEIGHTING_CHARS: usize = 20_000_000;
    let training = if seen_path == "-" {
        build::read_training_output(std::io::stdin().lock(), WEIGHTING_CHARS)?
    } else {
        let f =
            std::fs::File::open(&seen_path).map_err(|e| Error::Io(format!("{seen_path}: {e}")))?;
        build::read_training_output(std::io::BufReader::new(f), WEIGHTING_CHARS)?
    };
    let seen = &training.seen;
    let mut src = build::build(&ipadic, seen, &opts)?;
    if let Some((r, c)) = matrix_classes {
        // Weight each cell by how often Viterbi evaluates it on the training
        // text, analysed with the exact matrix.
        let (exact, _) = src.encode(1, 1)?;
        let tok = Tokenizer::new(Dictionary::from_bytes_keeping_all(&exact)?);
        let counts = tok.connection_counts(training.sentences.iter().map(String::as_str));
        let n = src.matrix.len();
        let weight: Vec<Vec<f32>> = (0..n)
            .map(|i| {
                (0..n)
                    .map(|j| (counts[i * n + j] as f32).sqrt() + 0.01)
                    .collect()
            })
            .collect();
        build::cluster_matrix(&mut src.matrix, &weight, r, c);
    }
    let (bytes, report) = src.encode(opts.matrix_quantum, opts.word_quantum)?;
    for (name, raw, packed) in &report {
        eprintln!("  {name:<28} {raw:>9} bytes raw {packed:>8} bytes LZMA");
    }
    // Check it loads before replacing the old file; write via a temporary file.
    let dict = Dictionary::from_bytes(&bytes)?;
    let tmp = format!("{out}.tmp");
    std::fs::write(&tmp, &bytes)?;
    std::fs::rename(&tmp, &out)?;
    eprintln!(
        "jatopic: wrote {out}: {} bytes, {} surfaces, {} entries, {} lemmas, {} paradigms ({} distinct surfaces seen in training output)",
        bytes.len(),
        dict.surface_count(),
        dict.entry_count(),
        dict.lemma_count().0,
        dict.lemma_count().1,
        seen.len()
    );
    Ok(())
}

fn print_agreement(name: &str, a: &jatopic::tokenizer::eval::Agreement) {
    println!(
        "{name:<12} lines {:>6} tokens {:>8} word_f1 {:.5} pos2 {:.5} pos_all {:.5} base {:.5}{}",
        a.lines,
        a.reference,
        a.f1(),
        a.pos2_rate(),
        a.pos_full_rate(),
        a.base_rate(),
        if a.misaligned > 0 {
            format!(" ({} lines misaligned, skipped)", a.misaligned)
        } else {
            String::new()
        }
    );
}

fn eval(mut args: Args) -> Result<()> {
    if let Some(model) = args.value("--model")? {
        let mut model = jatopic::topic::commands::load_model(&model)?;
        if let Some(phi) = args.value("--phi")? {
            model =
                jatopic::topic::commands::load_phi(model, &phi, args.value("--alpha")?.as_deref())?;
        }
        let top_n = num_or(&mut args, "--top-n", 10)?;
        let input = input_options(&mut args)?;
        let mut files = Vec::new();
        while let Some(f) = args.value("--input")? {
            files.push(f);
        }
        files.extend(inputs(&mut args).unwrap_or_default());
        if files.is_empty() {
            return Err(Error::Input(
                "eval --model needs --input FILE (held-out documents)".into(),
            ));
        }
        return jatopic::topic::commands::run_eval(
            &Default::default(),
            &model,
            &files,
            &input,
            top_n,
        );
    }
    let corpus = args.value("--corpus")?;
    let text = args.value("--text")?;
    let reference = args.value("--reference")?;
    let mecab = args.value("--mecab")?.unwrap_or_else(|| "mecab".into());
    let tok = load_tokenizer(args.value("--dict")?)?;
    args.finish()?;
    if let Some(dir) = corpus {
        let mut all = jatopic::tokenizer::eval::Agreement::default();
        for (name, a) in
            jatopic::tokenizer::eval::compare_corpus(&tok, std::path::Path::new(&dir), &mecab)?
        {
            print_agreement(&name, &a);
            all.add(&a);
        }
        print_agreement("ALL", &all);
        return Ok(());
    }
    let (Some(text), Some(reference)) = (text, reference) else {
        return Err(Error::Input(format!(
            "eval needs --corpus DIR, or --text FILE and --reference FILE\n{USAGE}"
        )));
    };
    let a = jatopic::tokenizer::eval::compare(&tok, &read_file(&text)?, &read_file(&reference)?);
    print_agreement("text", &a);
    Ok(())
}

fn dict_info(mut args: Args) -> Result<()> {
    let started = std::time::Instant::now();
    let tok = load_tokenizer(args.value("--dict")?)?;
    let load = started.elapsed();
    args.finish()?;
    let d = tok.dictionary();
    let (lemmas, paradigms) = d.lemma_count();
    println!(
        "surfaces {} entries {} lemmas {lemmas} paradigms {paradigms} context ids {} loaded in {:.1} ms",
        d.surface_count(),
        d.entry_count(),
        d.features.len(),
        load.as_secs_f64() * 1000.0
    );
    Ok(())
}

fn input_options(args: &mut Args) -> Result<jatopic::io::input::InputOptions> {
    let mut o = jatopic::io::input::InputOptions {
        format: jatopic::topic::commands::input_format(args.value("--format")?)?,
        ..Default::default()
    };
    if let Some(f) = args.value("--text-field")? {
        o.text_field = f;
    }
    o.id_field = args.value("--id-field")?;
    o.terms_field = args.value("--terms-field")?;
    o.label_field = args.value("--label-field")?;
    if let Some(n) = args.value("--max-bad-rows")? {
        o.max_bad_rows = parse_num(&n, "--max-bad-rows")?;
    }
    Ok(o)
}

fn parse_num<T: std::str::FromStr>(v: &str, name: &str) -> Result<T> {
    v.parse()
        .map_err(|_| Error::Input(format!("{name}: not a valid number: {v:?}")))
}

fn num_or<T: std::str::FromStr>(args: &mut Args, name: &str, default: T) -> Result<T> {
    match args.value(name)? {
        Some(v) => parse_num(&v, name),
        None => Ok(default),
    }
}

fn inputs(args: &mut Args) -> Result<Vec<String>> {
    let files = std::mem::take(&mut args.0);
    if let Some(f) = files.iter().find(|f| f.starts_with("--")) {
        return Err(Error::Input(format!("unknown option {f:?}\n{USAGE}")));
    }
    if files.is_empty() {
        return Err(Error::Input("no input files (use - for stdin)".into()));
    }
    Ok(files)
}

fn train_cmd(mut args: Args) -> Result<()> {
    use jatopic::topic::commands::{TrainCommand, VocabFilter};
    let k: usize = parse_num(&args.required("--k")?, "--k")?;
    let out = args.required("--out")?;
    let defaults = jatopic::topic::train::TrainOptions::default();
    let train = jatopic::topic::train::TrainOptions {
        k,
        iterations: num_or(&mut args, "--iterations", defaults.iterations)?,
        alpha: num_or(&mut args, "--alpha", defaults.alpha)?,
        beta: num_or(&mut args, "--beta", defaults.beta)?,
        seed: num_or(&mut args, "--seed", defaults.seed)?,
        optimize_alpha: args.flag("--optimize-alpha"),
        ..defaults
    };
    if !(train.alpha > 0.0 && train.beta > 0.0) {
        return Err(Error::Input("--alpha and --beta must be positive".into()));
    }
    let filter = VocabFilter {
        min_df: num_or(&mut args, "--min-df", 2)?,
        max_df: num_or(&mut args, "--max-df", 0.5)?,
        keep_n: num_or(&mut args, "--keep-n", 0)?,
    };
    let mut terms = jatopic::topic::terms::TermConfig {
        normalize: !args.flag("--no-normalize"),
        lowercase: !args.flag("--no-lowercase"),
        ..Default::default()
    };
    if let Some(f) = args.value("--stopwords")? {
        terms.stopwords = read_file(&f)?
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect();
    }
    let threads = num_or(&mut args, "--threads", 0)?;
    let log_every = num_or(&mut args, "--log-every", 10)?;
    let input = input_options(&mut args)?;
    let cmd = TrainCommand {
        inputs: inputs(&mut args)?,
        out,
        input,
        terms,
        filter,
        train,
        threads,
        log_every,
    };
    jatopic::topic::commands::run_train(&Default::default(), &cmd)
}

fn infer_cmd(mut args: Args) -> Result<()> {
    let model = jatopic::topic::commands::load_model(&args.required("--model")?)?;
    let output = args.value("--output")?.unwrap_or_else(|| "ndjson".into());
    if !matches!(output.as_str(), "ndjson" | "csv") {
        return Err(Error::Input(format!(
            "--output must be ndjson or csv, not {output:?}"
        )));
    }
    let top = num_or(&mut args, "--top", 3)?;
    let input = input_options(&mut args)?;
    let files = inputs(&mut args)?;
    jatopic::topic::commands::run_infer(&Default::default(), &model, &files, &input, &output, top)
}

fn topics_cmd(mut args: Args) -> Result<()> {
    let model = jatopic::topic::commands::load_model(&args.required("--model")?)?;
    let output = args.value("--output")?.unwrap_or_else(|| "table".into());
    if !matches!(output.as_str(), "table" | "json" | "markdown") {
        return Err(Error::Input(format!(
            "--output must be table, json or markdown, not {output:?}"
        )));
    }
    let n = num_or(&mut args, "--n", 10)?;
    args.finish()?;
    jatopic::topic::commands::run_topics(&model, &output, n)
}

fn vocab_cmd(mut args: Args) -> Result<()> {
    let model = jatopic::topic::commands::load_model(&args.required("--model")?)?;
    args.finish()?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    for t in &model.vocab {
        writeln!(out, "{t}")?;
    }
    out.flush()?;
    Ok(())
}

fn sample_cmd(mut args: Args) -> Result<()> {
    use jatopic::sample::{generate, write_sample, SampleConfig};
    let out = args.required("--out")?;
    let d = SampleConfig::default();
    let views_per_user = match args.value("--views")? {
        None => d.views_per_user,
        Some(v) => {
            let (a, b) = v.split_once(',').ok_or_else(|| {
                Error::Input(format!("--views takes MIN,MAX (e.g. 8,30), not {v:?}"))
            })?;
            (parse_num(a, "--views")?, parse_num(b, "--views")?)
        }
    };
    let cfg = SampleConfig {
        seed: num_or(&mut args, "--seed", d.seed)?,
        items: num_or(&mut args, "--items", d.items)?,
        users: num_or(&mut args, "--users", d.users)?,
        days: num_or(&mut args, "--days", d.days)?,
        views_per_user,
    };
    args.finish()?;
    let sample = generate(&cfg)?;
    write_sample(std::path::Path::new(&out), &sample, &cfg)?;
    eprintln!(
        "jatopic: wrote SYNTHETIC sample data to {out}: {} items (items.ndjson), {} views by {} users (views.ndjson), seed {}",
        sample.items.len(),
        sample.views.len(),
        cfg.users,
        cfg.seed
    );
    Ok(())
}

fn package_cmd(mut args: Args) -> Result<()> {
    use jatopic::bigquery::package::{write_package, PackageOptions};
    let out = args.required("--out")?;
    let opts = PackageOptions {
        gcs_prefix: args.required("--gcs-prefix")?,
        dataset: args.required("--dataset")?,
        temp: args.flag("--temp"),
        function_prefix: args
            .value("--function-prefix")?
            .unwrap_or_else(|| "ja_".into()),
        count_bits: args
            .value("--count-bits")?
            .map(|v| {
                v.parse()
                    .map_err(|_| Error::Input(format!("--count-bits: not a number: {v:?}")))
            })
            .transpose()?,
        min_count: num_or(&mut args, "--min-count", 0)?,
    };
    let model = args.value("--model")?;
    let library = args
        .value("--library")?
        .unwrap_or_else(|| "build/jatopic-tokenizer.js".into());
    args.finish()?;
    let tokenizer_js = std::fs::read(&library).map_err(|e| {
        Error::Io(format!(
            "{library}: {e} (build the tokenizer library with `make wasm`, or pass --library FILE)"
        ))
    })?;
    let model_bytes = match &model {
        Some(p) => Some(std::fs::read(p).map_err(|e| Error::Io(format!("{p}: {e}")))?),
        None => None,
    };
    let report = write_package(
        std::path::Path::new(&out),
        &tokenizer_js,
        model_bytes.as_deref(),
        &opts,
    )
    .map_err(|e| match (e, &model) {
        (Error::Format(m), Some(p)) => Error::Format(format!("{p}: {m}")),
        (e, _) => e,
    })?;
    let total: usize = report.libraries.iter().map(|l| l.bytes).sum();
    for l in &report.libraries {
        eprintln!("jatopic: {out}/{} {} bytes -> {}", l.path, l.bytes, l.uri);
    }
    eprintln!(
        "jatopic: {} library files, {total} bytes in total; functions: {}",
        report.libraries.len(),
        report.functions.join(", ")
    );
    if let Some(q) = &report.quantisation {
        eprintln!("jatopic: model quantisation: {q}");
    }
    eprintln!("jatopic: install with: sh {out}/deploy.sh");
    Ok(())
}

fn terms_cmd(mut args: Args) -> Result<()> {
    let model = args
        .value("--model")?
        .map(|m| jatopic::topic::commands::load_model(&m))
        .transpose()?;
    let config = model.as_ref().map(|m| m.terms.clone()).unwrap_or_default();
    let known_only = args.flag("--known-only");
    if known_only && model.is_none() {
        return Err(Error::Input("--known-only needs --model".into()));
    }
    let input = input_options(&mut args)?;
    let files = inputs(&mut args)?;
    let filter = if known_only { model.as_ref() } else { None };
    jatopic::topic::commands::run_terms(&Default::default(), &config, filter, &files, &input)
}

fn run() -> Result<()> {
    let mut argv: Vec<String> = std::env::args().skip(1).collect();
    if argv.is_empty() || argv[0] == "--help" || argv[0] == "-h" {
        print!("{USAGE}");
        return Ok(());
    }
    let cmd = argv.remove(0);
    let args = Args(argv);
    match cmd.as_str() {
        "tokenize" => tokenize(args),
        "build-dict" => build_dict(args),
        "eval" => eval(args),
        "dict-info" => dict_info(args),
        "train" => train_cmd(args),
        "infer" => infer_cmd(args),
        "topics" => topics_cmd(args),
        "terms" => terms_cmd(args),
        "vocab" => vocab_cmd(args),
        "package" => package_cmd(args),
        "sample" => sample_cmd(args),
        _ => Err(Error::Input(format!("unknown command {cmd:?}\n{USAGE}"))),
    }
}

fn main() {
    if let Err(e) = run() {
        eprintln!("jatopic: {e}");
        std::process::exit(match e {
            Error::Input(_) => 2,
            _ => 1,
        });
    }
}
