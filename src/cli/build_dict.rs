//! `jatopic build-dict`: the compressed dictionary of a lexicon tier from
//! IPADIC's sources — the compact one pruned and approximated with MeCab's
//! output on training text, the full one all of IPADIC exactly (see
//! dict/README.md).

use super::tokenizer_args::LexiconArg;
use clap::Args;
use jatopic::error::InFile;
use jatopic::tokenizer::builder as build;
use jatopic::tokenizer::dictionary::MatrixEncoding;
use jatopic::{Dictionary, Error, Result, Tokenizer};
use std::path::PathBuf;

/// Build a dictionary from IPADIC's sources and MeCab's analysis of training text
#[derive(Args)]
#[command(after_help = "\
Examples (what `make dict` and `make dict-full` run):
  mecab < train.txt > seen.mecab
  jatopic build-dict --ipadic /usr/share/mecab/dic/ipadic --seen seen.mecab --out dict/ipadic.jtd
  (also writes dict/ipadic-readings.jtr)
  jatopic build-dict --tier full --ipadic /usr/share/mecab/dic/ipadic --out dict/ipadic-full.jtd
  (also writes dict/ipadic-full-readings.jtr)

The defaults build the shipped dictionary.")]
pub struct BuildDictArgs {
    /// IPADIC's source directory (EUC-JP CSVs, matrix.def, char.def, unk.def)
    #[arg(long, value_name = "DIR")]
    ipadic: PathBuf,
    /// Lexicon tier: compact (pruned, approximated costs; needs --seen) or
    /// full (every IPADIC entry, exact word and connection costs)
    #[arg(long, value_enum, value_name = "TIER", default_value = "compact")]
    tier: LexiconArg,
    /// MeCab's output on training text (`-` for stdin): decides what to prune
    /// (the compact tier only)
    #[arg(long, value_name = "MECAB_OUTPUT")]
    seen: Option<String>,
    /// Where to write the dictionary
    #[arg(long, value_name = "FILE")]
    out: String,
    /// Where to write its readings [default: OUT without `.jtd`, plus `-readings.jtr`]
    #[arg(long, value_name = "FILE")]
    readings_out: Option<String>,
    /// Connection-cost quantum
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(i64).range(1..=4096))]
    quantum: Option<i64>,
    /// Word-cost quantum
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(i64).range(1..=1024))]
    word_quantum: Option<i64>,
    /// Cluster the connection matrix into ROWS,COLS classes, or `exact`
    /// [default: 400,400]
    #[arg(long, value_name = "R,L|exact", value_parser = parse_classes)]
    matrix_classes: Option<MatrixClasses>,
    /// Keep proper nouns never seen in the training output
    #[arg(long)]
    keep_unseen_proper_nouns: bool,
}

#[derive(Clone, Copy)]
enum MatrixClasses {
    Exact,
    Clustered(usize, usize),
}

fn parse_classes(v: &str) -> std::result::Result<MatrixClasses, String> {
    if v == "exact" {
        return Ok(MatrixClasses::Exact);
    }
    v.split_once(',')
        .and_then(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?)))
        .filter(|&(a, b): &(usize, usize)| a > 0 && b > 0)
        .map(|(a, b)| MatrixClasses::Clustered(a, b))
        .ok_or_else(|| "expected ROWS,COLS (positive integers) or exact".into())
}

pub fn run(args: BuildDictArgs) -> Result<()> {
    if args.tier == LexiconArg::Full {
        return run_full(args);
    }
    let Some(seen_path) = &args.seen else {
        return Err(Error::input(
            "build-dict --tier compact needs --seen MECAB_OUTPUT (MeCab's output on training text)"
                .into(),
        ));
    };
    let mut opts = build::BuildOptions::default();
    if let Some(q) = args.quantum {
        opts.matrix_quantum = q;
    }
    if let Some(q) = args.word_quantum {
        opts.word_quantum = q;
    }
    opts.keep_unseen_proper_nouns = args.keep_unseen_proper_nouns;
    // Text used to weight the matrix compression: enough to see every common connection.
    const WEIGHTING_CHARS: usize = 20_000_000;
    let training = if seen_path == "-" {
        build::read_training_output(std::io::stdin().lock(), WEIGHTING_CHARS)?
    } else {
        let f = std::fs::File::open(seen_path).in_file(seen_path)?;
        build::read_training_output(std::io::BufReader::new(f), WEIGHTING_CHARS)?
    };
    let seen = &training.seen;
    let mut src = build::build(&args.ipadic, seen, &opts)?;
    let classes = args
        .matrix_classes
        .unwrap_or(MatrixClasses::Clustered(400, 400));
    if let MatrixClasses::Clustered(r, c) = classes {
        // Weight each cell by how often Viterbi evaluates it on the training
        // text, analysed with the (near-)exact matrix.
        let (exact, _) = src.encode(MatrixEncoding::Codebook { quantum: 1 }, 1)?;
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
    let matrix = MatrixEncoding::Codebook {
        quantum: opts.matrix_quantum,
    };
    write(&args, &src, matrix, opts.word_quantum, Some(seen.len()))
}

/// The full tier: every IPADIC entry, word and connection costs exact.
fn run_full(args: BuildDictArgs) -> Result<()> {
    let approximations = [
        ("--seen", args.seen.is_some()),
        ("--quantum", args.quantum.is_some()),
        ("--word-quantum", args.word_quantum.is_some()),
        ("--matrix-classes", args.matrix_classes.is_some()),
        ("--keep-unseen-proper-nouns", args.keep_unseen_proper_nouns),
    ];
    if let Some((option, _)) = approximations.iter().find(|(_, given)| *given) {
        return Err(Error::input(format!(
            "{option} shapes the compact tier; --tier full keeps all of IPADIC exactly"
        )));
    }
    let opts = build::BuildOptions {
        keep_unseen_proper_nouns: true,
        matrix_quantum: 1,
        word_quantum: 1,
        ..build::BuildOptions::default()
    };
    let src = build::build(&args.ipadic, &Default::default(), &opts)?;
    write(&args, &src, MatrixEncoding::Exact, opts.word_quantum, None)
}

/// Encodes `src` and its readings, checks that both load, and writes them.
fn write(
    args: &BuildDictArgs,
    src: &jatopic::tokenizer::dictionary::DictionarySource,
    matrix: MatrixEncoding,
    word_quantum: i64,
    seen: Option<usize>,
) -> Result<()> {
    let (bytes, report) = src.encode(matrix, word_quantum)?;
    for (name, raw, packed) in &report {
        eprintln!("  {name:<28} {raw:>9} bytes raw {packed:>8} bytes LZMA");
    }
    let readings = src.encode_readings(&bytes, word_quantum)?;
    // Check both load before replacing the old files.
    let mut dict = Dictionary::from_bytes(&bytes)?;
    dict.attach_readings(&readings)?;
    let readings_out = args.readings_out.clone().unwrap_or_else(|| {
        format!(
            "{}-readings.jtr",
            args.out.strip_suffix(".jtd").unwrap_or(&args.out)
        )
    });
    jatopic::io::output::write_atomically(&args.out, &bytes)?;
    jatopic::io::output::write_atomically(&readings_out, &readings)?;
    eprintln!(
        "jatopic: wrote {readings_out}: {} bytes of readings",
        readings.len()
    );
    eprintln!(
        "jatopic: wrote {}: {} bytes, {} surfaces, {} entries, {} lemmas, {} paradigms{}",
        args.out,
        bytes.len(),
        dict.surface_count(),
        dict.entry_count(),
        dict.lemma_count().0,
        dict.lemma_count().1,
        seen.map_or(String::new(), |n| format!(
            " ({n} distinct surfaces seen in training output)"
        ))
    );
    Ok(())
}
