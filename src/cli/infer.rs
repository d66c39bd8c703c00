//! `jatopic infer`: each document's topic distribution, as NDJSON or CSV.

use super::input_args::DocumentArgs;
use super::tokenizer_args::TokenizerArgs;
use clap::{Args, ValueEnum};
use jatopic::topic::corpus::document_terms;
use jatopic::topic::files::load_model;
use jatopic::Result;
use rayon::prelude::*;
use std::io::Write;

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum InferOutput {
    /// `{"id","topics":[…],"top_topics":[{"topic","weight"}…]}` per line
    Ndjson,
    /// A header, then `id,topic_0,…,topic_K-1,top_topics` per document
    Csv,
}

/// Infer each document's topics with a trained model (same result as `ja_topics` in BigQuery)
#[derive(Args)]
#[command(after_help = "\
Examples:
  jatopic infer --model model.jtm items.ndjson > topics.ndjson
  echo '陶器のマグカップ' | jatopic infer --model model.jtm --output csv -

Text is tokenized as in training (the model's stored term pipeline,
tokenizer mode and lexicon tier); a --mode or --lexicon other than the
model's is refused.")]
pub struct InferArgs {
    /// The model
    #[arg(long, value_name = "MODEL.jtm")]
    model: String,
    /// Output format
    #[arg(long, value_enum, default_value = "ndjson")]
    output: InferOutput,
    /// How many top topics to list per document
    #[arg(long, value_name = "N", default_value_t = 3)]
    top: usize,
    #[command(flatten)]
    documents: DocumentArgs,
}

#[derive(serde::Serialize)]
struct TopTopic {
    topic: usize,
    weight: f64,
}

#[derive(serde::Serialize)]
struct DocumentTopics<'a> {
    id: &'a str,
    topics: &'a [f64],
    top_topics: Vec<TopTopic>,
}

pub fn run(args: InferArgs) -> Result<()> {
    let model = load_model(&args.model)?;
    let user = args.documents.tokenizer.user_dictionary()?;
    args.documents
        .tokenizer
        .check_model(&args.model, &model.terms, user.as_ref())?;
    let (docs, terms, _) = document_terms(
        &TokenizerArgs::lazy_tokenizer(user.as_ref(), model.terms.tokenizer.lexicon)?,
        &model.terms,
        &args.documents.inputs,
        &args.documents.reader.options(),
    )?;
    let thetas: Vec<Vec<f64>> = terms.par_iter().map(|t| model.infer_terms(t)).collect();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if args.output == InferOutput::Csv {
        let header: Vec<String> = (0..model.k()).map(|k| format!("topic_{k}")).collect();
        writeln!(out, "id,{},top_topics", header.join(","))?;
    }
    for (doc, theta) in docs.iter().zip(&thetas) {
        let mut order: Vec<usize> = (0..theta.len()).collect();
        order.sort_by(|&a, &b| theta[b].total_cmp(&theta[a]).then(a.cmp(&b)));
        order.truncate(args.top);
        match args.output {
            InferOutput::Csv => {
                let values: Vec<String> = theta.iter().map(|x| format!("{x}")).collect();
                let tops: Vec<String> = order.iter().map(|k| k.to_string()).collect();
                writeln!(
                    out,
                    "{},{},{}",
                    csv_field(&doc.id),
                    values.join(","),
                    tops.join(" ")
                )?;
            }
            InferOutput::Ndjson => {
                let row = DocumentTopics {
                    id: &doc.id,
                    topics: theta,
                    top_topics: order
                        .iter()
                        .map(|&k| TopTopic {
                            topic: k,
                            weight: theta[k],
                        })
                        .collect(),
                };
                writeln!(out, "{}", super::json_out::line(&row))?;
            }
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
