//! `jatopic terms`: documents as the terms training sees.

use super::input_args::DocumentArgs;
use super::tokenizer_args::TokenizerArgs;
use clap::Args;
use jatopic::topic::corpus::document_terms;
use jatopic::topic::files::load_model;
use jatopic::topic::terms::TermConfig;
use jatopic::Result;
use std::io::Write;

/// Print each document's terms as training sees them (NDJSON `{"id","terms"}`)
#[derive(Args)]
#[command(after_help = "\
Examples:
  jatopic terms items.ndjson > terms.ndjson
  jatopic terms --model model.jtm --known-only items.ndjson
  jatopic terms --mode search items.ndjson

With --model the model's stored term pipeline is used (as `infer` does),
its tokenizer mode and lexicon tier included.")]
pub struct TermsArgs {
    /// Use this model's term pipeline
    #[arg(long, value_name = "MODEL.jtm")]
    model: Option<String>,
    /// Keep only terms in the model's vocabulary
    #[arg(long, requires = "model")]
    known_only: bool,
    #[command(flatten)]
    documents: DocumentArgs,
}

#[derive(serde::Serialize)]
struct DocumentTerms<'a> {
    id: &'a str,
    terms: Vec<&'a str>,
}

pub fn run(args: TermsArgs) -> Result<()> {
    let model = args.model.as_deref().map(load_model).transpose()?;
    let user = args.documents.tokenizer.user_dictionary()?;
    let config = match (&model, &args.model) {
        (Some(m), Some(path)) => {
            args.documents
                .tokenizer
                .check_model(path, &m.terms, user.as_ref())?;
            m.terms.clone()
        }
        _ => {
            let mut config = TermConfig::default();
            config.tokenizer.mode = args.documents.tokenizer.mode();
            config.tokenizer.lexicon = args.documents.tokenizer.lexicon();
            config.tokenizer.user_dictionary = user.as_ref().map(|u| u.checksum);
            config
        }
    };
    let known_only = if args.known_only {
        model.as_ref()
    } else {
        None
    };
    let (docs, terms, _) = document_terms(
        &TokenizerArgs::lazy_tokenizer(user.as_ref(), config.tokenizer.lexicon)?,
        &config,
        &args.documents.inputs,
        &args.documents.reader.options(),
    )?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for (doc, t) in docs.iter().zip(&terms) {
        let row = DocumentTerms {
            id: &doc.id,
            terms: t
                .iter()
                .map(String::as_str)
                .filter(|w| known_only.is_none_or(|m| m.term_id(w).is_some()))
                .collect(),
        };
        writeln!(out, "{}", super::json_out::line(&row))?;
    }
    out.flush()?;
    Ok(())
}
