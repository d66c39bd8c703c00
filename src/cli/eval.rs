//! `jatopic eval`: agreement with MeCab (tokenizer), or held-out quality of
//! a topic model (`--model`).

use super::dict_info::DictArgs;
use super::input_args::InputArgs;
use super::tokenizer_args::TokenizerArgs;
use clap::Args;
use jatopic::error::InFile;
use jatopic::tokenizer::eval::{compare_corpus_with, compare_with, Agreement};
use jatopic::topic::corpus::{document_terms, LazyTokenizer};
use jatopic::topic::files::{load_model, load_phi};
use jatopic::{Error, Options, Result};
use std::path::PathBuf;

/// Measure agreement with MeCab, or evaluate a topic model on held-out documents
#[derive(Args)]
#[command(after_help = "\
Examples:
  jatopic eval --corpus ../shared/corpus/dev           (runs mecab on DIR/*.txt)
  jatopic eval --text dev.txt --reference dev.mecab
  jatopic eval --model model.jtm --label-field module heldout.ndjson
  jatopic eval --corpus ../shared/corpus/dev --mode search   (how far search mode departs)
  jatopic eval --corpus ../shared/corpus/dev --lexicon full

The tokenizer mode prints word F1, POS and base-form agreement per file and
for ALL. The model mode prints one JSON object: held-out log-likelihood per
token (document completion), NPMI coherence, diversity, NMI/purity of top
topics against labels.")]
pub struct EvalArgs {
    /// A directory of .txt files to analyse with jatopic and MeCab
    #[arg(long, value_name = "DIR", conflicts_with_all = ["text", "model"])]
    corpus: Option<PathBuf>,
    /// A text file to analyse (with --reference)
    #[arg(
        long,
        value_name = "FILE",
        requires = "reference",
        conflicts_with = "model"
    )]
    text: Option<String>,
    /// MeCab's output for --text
    #[arg(long, value_name = "MECAB_OUTPUT", requires = "text")]
    reference: Option<String>,
    /// The MeCab command
    #[arg(long, value_name = "PATH", default_value = "mecab")]
    mecab: String,
    #[command(flatten)]
    dict: DictArgs,
    #[command(flatten)]
    tokenizer: TokenizerArgs,
    /// Evaluate this topic model instead (held-out documents as INPUT)
    #[arg(long, value_name = "MODEL.jtm")]
    model: Option<String>,
    /// Score another tool's topic–word table (rows = topics, columns = the
    /// model's vocabulary order) with the model's vocabulary
    #[arg(long, value_name = "PHI.tsv", requires = "model")]
    phi: Option<String>,
    /// α per topic for --phi (one value per line)
    #[arg(long, value_name = "ALPHA.txt", requires = "phi")]
    alpha: Option<String>,
    /// Top words per topic for coherence and diversity
    #[arg(long, value_name = "N", default_value_t = 10, requires = "model")]
    top_n: usize,
    /// Held-out documents (with --model); also accepted as INPUT
    #[arg(long = "input", value_name = "FILE", requires = "model")]
    input_files: Vec<String>,
    #[command(flatten)]
    reader: InputArgs,
    /// Held-out documents (with --model; `-` for stdin)
    #[arg(value_name = "INPUT")]
    inputs: Vec<String>,
}

pub fn run(args: EvalArgs) -> Result<()> {
    if let Some(path) = &args.model {
        let mut model = load_model(path)?;
        let user = args.tokenizer.user_dictionary()?;
        args.tokenizer
            .check_model(path, &model.terms, user.as_ref())?;
        if let Some(phi) = &args.phi {
            model = load_phi(model, phi, args.alpha.as_deref())?;
        }
        let mut files = args.input_files.clone();
        files.extend(args.inputs.iter().cloned());
        if files.is_empty() {
            return Err(Error::input(
                "eval --model needs --input FILE (held-out documents)".into(),
            ));
        }
        let tok = TokenizerArgs::lazy_tokenizer(user.as_ref(), model.terms.tokenizer.lexicon)?;
        return run_model_eval(&model, &tok, &files, &args.reader, args.top_n);
    }
    if !args.inputs.is_empty() {
        return Err(Error::input(format!(
            "unexpected argument {:?}: input files need --model",
            args.inputs[0]
        )));
    }
    let mut tok = args
        .dict
        .load_with_readings(args.tokenizer.lexicon.given())?;
    if let Some(user) = args.tokenizer.user_dictionary()? {
        user.attach(&mut tok)?;
    }
    let with_readings = tok.dictionary().has_readings();
    let opts = Options {
        mode: args.tokenizer.mode(),
        ..Options::default()
    };
    if let Some(dir) = &args.corpus {
        let mut all = Agreement::default();
        for (name, a) in compare_corpus_with(&tok, opts, dir, &args.mecab)? {
            print_agreement(&name, &a, with_readings);
            all.add(&a);
        }
        print_agreement("ALL", &all, with_readings);
        return Ok(());
    }
    let (Some(text), Some(reference)) = (&args.text, &args.reference) else {
        return Err(Error::input(
            "eval needs --corpus DIR, or --text FILE and --reference FILE, or --model MODEL.jtm"
                .into(),
        ));
    };
    let read = |p: &str| std::fs::read_to_string(p).in_file(p);
    let a = compare_with(&tok, opts, &read(text)?, &read(reference)?);
    a.check_paired(reference)?;
    print_agreement("text", &a, with_readings);
    Ok(())
}

fn print_agreement(name: &str, a: &Agreement, with_readings: bool) {
    println!(
        "{name:<12} lines {:>6} tokens {:>8} word_f1 {:.5} pos2 {:.5} pos_all {:.5} base {:.5}{}{}",
        a.lines,
        a.reference,
        a.f1(),
        a.pos2_rate(),
        a.pos_full_rate(),
        a.base_rate(),
        if with_readings {
            format!(
                " reading {:.5} pron {:.5}",
                a.reading_rate(),
                a.pronunciation_rate()
            )
        } else {
            String::new()
        },
        if a.misaligned > 0 {
            format!(" ({} lines misaligned, skipped)", a.misaligned)
        } else {
            String::new()
        }
    );
}

/// The evaluation as one JSON object, numbers rounded as jatopic always printed them.
#[derive(serde::Serialize)]
struct ModelEvaluation {
    documents: usize,
    scored_tokens: u64,
    heldout_log_likelihood: Rounded<5>,
    mean_npmi: Rounded<4>,
    diversity: Rounded<4>,
    #[serde(skip_serializing_if = "Option::is_none")]
    nmi: Option<Rounded<4>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    purity: Option<Rounded<4>>,
    npmi: Vec<Rounded<4>>,
}

/// A number rounded to `D` decimals, as jatopic always printed them (now
/// without trailing zeros: serde_json writes numbers, not digit strings).
struct Rounded<const D: usize>(f64);

impl<const D: usize> serde::Serialize for Rounded<D> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let rounded: f64 = format!("{:.*}", D, self.0).parse().unwrap_or(self.0);
        s.serialize_f64(rounded)
    }
}

fn run_model_eval(
    model: &jatopic::topic::model::Model,
    tok: &LazyTokenizer,
    inputs: &[String],
    input: &InputArgs,
    top_n: usize,
) -> Result<()> {
    let (docs, terms, _) = document_terms(tok, &model.terms, inputs, &input.options())?;
    let ids: Vec<Vec<u32>> = terms
        .iter()
        .map(|d| d.iter().filter_map(|t| model.term_id(t)).collect())
        .collect();
    let labels: Vec<Option<String>> = docs.iter().map(|d| d.label.clone()).collect();
    let e = jatopic::topic::eval::evaluate(model, &ids, &labels, top_n);
    let report = ModelEvaluation {
        documents: e.documents,
        scored_tokens: e.scored_tokens,
        heldout_log_likelihood: Rounded(e.heldout_log_likelihood),
        mean_npmi: Rounded(e.mean_coherence),
        diversity: Rounded(e.diversity),
        nmi: e.nmi_purity.map(|(nmi, _)| Rounded(nmi)),
        purity: e.nmi_purity.map(|(_, purity)| Rounded(purity)),
        npmi: e.coherence.iter().map(|&c| Rounded(c)).collect(),
    };
    println!("{}", super::json_out::line(&report));
    Ok(())
}
