//! `jatopic build-dict`: the compressed dictionary from IPADIC's sources,
//! pruned with MeCab's output on training text (see dict/README.md).

use clap::Args;
use jatopic::error::InFile;
use jatopic::tokenizer::builder as build;
use jatopic::{Dictionary, Result, Tokenizer};
use std::path::PathBuf;

/// Build a dictionary from IPADIC's sources and MeCab's analysis of training text
#[derive(Args)]
#[command(after_help = "\
Example (what `make dict` runs):
  mecab < train.txt > seen.mecab
  jatopic build-dict --ipadic /usr/share/mecab/dic/ipadic --seen seen.mecab --out dict/ipadic.jtd
  (also writes dict/ipadic-readings.jtr)

The defaults build the shipped dictionary.")]
pub struct BuildDictArgs {
    /// IPADIC's source directory (EUC-JP CSVs, matrix.def, char.def, unk.def)
    #[arg(long, value_name = "DIR")]
    ipadic: PathBuf,
    /// MeCab's output on training text (`-` for stdin): decides what to prune
    #[arg(long, value_name = "MECAB_OUTPUT")]
    seen: String,
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
    #[arg(long, value_name = "R,L|exact", default_value = "400,400", value_parser = parse_classes)]
    matrix_classes: MatrixClasses,
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
    let seen_path = &args.seen;
    let training = if seen_path == "-" {
        build::read_training_output(std::io::stdin().lock(), WEIGHTING_CHARS)?
    } else {
        let f = std::fs::File::open(seen_path).in_file(seen_path)?;
        build::read_training_output(std::io::BufReader::new(f), WEIGHTING_CHARS)?
    };
    let seen = &training.seen;
    let mut src = build::build(&args.ipadic, seen, &opts)?;
    if let MatrixClasses::Clustered(r, c) = args.matrix_classes {
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
    let readings = src.encode_readings(&bytes, opts.word_quantum)?;
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
        "jatopic: wrote {}: {} bytes, {} surfaces, {} entries, {} lemmas, {} paradigms ({} distinct surfaces seen in training output)",
        args.out,
        bytes.len(),
        dict.surface_count(),
        dict.entry_count(),
        dict.lemma_count().0,
        dict.lemma_count().1,
        seen.len()
    );
    Ok(())
}
