//! `jatopic package`: the BigQuery UDF package.

use super::tokenizer_args::{LexiconArgs, TokenizerArgs, UserDictFile};
use clap::Args;
use jatopic::bigquery::package::{write_package, PackageOptions};
use jatopic::error::InFile;
use jatopic::tokenizer::config::LexiconTier;
use jatopic::topic::model::Model;
use jatopic::{Error, ErrorKind, Result};

/// Write the BigQuery UDF package: library files, create_functions.sql, manifest.json, deploy.sh
#[derive(Args)]
#[command(after_help = "\
Examples:
  jatopic package --out pkg --gcs-prefix gs://BUCKET/jatopic --dataset PROJECT.DATASET --model model.jtm
  sh pkg/deploy.sh

Every library file is at most 1,000,000 bytes (BigQuery's limit); a model
too large for one file is split. --count-bits and --min-count make the model
files smaller and report the quantisation error. --readings adds
jatopic-readings.js (IPADIC's readings, loaded by ja_analyze, ja_analyze_search
and ja_reading only). --lexicon full ships all of IPADIC (MeCab's output) in
jatopic-lexicon-*.js; --user-dict adds jatopic-userdict.js. A model is
packaged with the lexicon and user dictionary it was trained with:

  jatopic package --out pkg --gcs-prefix gs://BUCKET/jatopic --dataset PROJECT.DATASET \
    --model model.jtm --lexicon full --user-dict shop.csv --readings")]
pub struct PackageArgs {
    /// Output directory
    #[arg(long, value_name = "DIR", allow_hyphen_values = true)]
    out: String,
    /// Where the library files will live (gs://BUCKET/PATH)
    #[arg(long, value_name = "gs://BUCKET/PATH", allow_hyphen_values = true)]
    gcs_prefix: String,
    /// PROJECT.DATASET of the persistent functions
    #[arg(long, value_name = "PROJECT.DATASET", allow_hyphen_values = true)]
    dataset: String,
    /// A topic model: adds ja_terms, ja_topics, ja_top_topics, …
    #[arg(long, value_name = "MODEL.jtm")]
    model: Option<String>,
    /// CREATE TEMP FUNCTION instead of persistent functions
    #[arg(long)]
    temp: bool,
    /// Prefix of every function name
    #[arg(
        long,
        value_name = "PREFIX",
        default_value = "ja_",
        allow_hyphen_values = true
    )]
    function_prefix: String,
    /// Round model counts to N significant bits
    #[arg(long, value_name = "N")]
    count_bits: Option<u32>,
    /// Drop model counts below N
    #[arg(long, value_name = "N", default_value_t = 0)]
    min_count: u32,
    /// Add IPADIC's readings (jatopic-readings.js): reading and pronunciation in ja_analyze, and ja_reading
    #[arg(long)]
    readings: bool,
    #[command(flatten)]
    lexicon: LexiconArgs,
    /// A user dictionary (MeCab or Kuromoji CSV, as `--user-dict` elsewhere): jatopic-userdict.js
    #[arg(long, value_name = "FILE", help_heading = "Tokenizer")]
    user_dict: Option<std::path::PathBuf>,
    /// The tokenizer library built by `make wasm`
    #[arg(
        long,
        value_name = "FILE",
        default_value = "build/jatopic-tokenizer.js"
    )]
    library: String,
}

pub fn run(args: PackageArgs) -> Result<()> {
    let model_bytes = match &args.model {
        Some(p) => Some(std::fs::read(p).in_file(p)?),
        None => None,
    };
    let user = args
        .user_dict
        .as_deref()
        .map(UserDictFile::read)
        .transpose()?;
    // With a model: its tier unless --lexicon says otherwise (then they must
    // agree), and exactly its user dictionary (exit 1 otherwise, as infer).
    let mut tier = args.lexicon.tier();
    if let (Some(bytes), Some(path)) = (&model_bytes, &args.model) {
        let model = Model::from_bytes(bytes).in_file(path)?;
        let checker = TokenizerArgs {
            mode: None,
            lexicon: LexiconArgs {
                lexicon: args.lexicon.lexicon,
            },
            user_dict: None,
        };
        checker.check_model(path, &model.terms, user.as_ref())?;
        tier = model.terms.tokenizer.lexicon;
    }
    let full_lexicon = match tier {
        LexiconTier::Compact => None,
        LexiconTier::Full => {
            let path = jatopic::tokenizer::shipped::full_dictionary_path()?;
            let name = path.display().to_string();
            Some(std::fs::read(&path).in_file(&name)?)
        }
    };
    let readings = match (args.readings, tier) {
        (false, _) => None,
        (true, LexiconTier::Compact) => Some(jatopic::DEFAULT_READINGS.to_vec()),
        (true, LexiconTier::Full) => {
            let path = jatopic::tokenizer::shipped::full_readings_path()?;
            let name = path.display().to_string();
            Some(std::fs::read(&path).in_file(&name)?)
        }
    };
    let opts = PackageOptions {
        gcs_prefix: args.gcs_prefix,
        dataset: args.dataset,
        temp: args.temp,
        function_prefix: args.function_prefix,
        count_bits: args.count_bits,
        min_count: args.min_count,
        readings,
        full_lexicon,
        user_dictionary: user.map(|u| (u.name, u.bytes)),
    };
    let library = &args.library;
    let tokenizer_js = std::fs::read(library).map_err(|e| {
        Error::io_message(format!(
            "{library}: {e} (build the tokenizer library with `make wasm`, or pass --library FILE)"
        ))
    })?;
    let out = &args.out;
    let report = write_package(
        std::path::Path::new(out),
        &tokenizer_js,
        model_bytes.as_deref(),
        &opts,
    )
    .map_err(|e| match (e, &args.model) {
        (e, Some(p)) if e.kind() == ErrorKind::Format => e.in_file(p),
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
