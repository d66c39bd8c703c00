//! The document-reader options shared by `train`, `infer`, `terms` and `eval --model`,
//! and the documents argument group of the first three (reader, tokenizer, files).

use super::tokenizer_args::TokenizerArgs;
use clap::Args;
use jatopic::io::input::{InputFormat, InputOptions};

/// What `train`, `infer` and `terms` read: the input files, how to read
/// them and how to tokenize their text.
#[derive(Args)]
pub struct DocumentArgs {
    #[command(flatten)]
    pub reader: InputArgs,
    #[command(flatten)]
    pub tokenizer: TokenizerArgs,
    /// Input files (`-` for stdin)
    #[arg(value_name = "INPUT", required = true)]
    pub inputs: Vec<String>,
}

#[derive(Args)]
#[command(next_help_heading = "Input")]
pub struct InputArgs {
    /// Input format: ndjson (jsonl, json), csv, tsv, text (txt) or parquet
    /// [default: from each file's extension; text for stdin]
    #[arg(long, value_name = "FORMAT", value_parser = |s: &str| InputFormat::from_name(s).map_err(|e| e.message().to_string()))]
    pub input_format: Option<InputFormat>,
    /// Field or column holding the text
    #[arg(long, value_name = "F", default_value = "text")]
    pub text_field: String,
    /// Field or column holding the document id [default: FILE-STEM:LINE]
    #[arg(long, value_name = "F")]
    pub id_field: Option<String>,
    /// Field or column holding already tokenized terms (an array, or space-separated)
    #[arg(long, value_name = "F")]
    pub terms_field: Option<String>,
    /// Field or column holding a label (for `eval --model`)
    #[arg(long, value_name = "F")]
    pub label_field: Option<String>,
    /// Malformed rows to skip (with a warning, counted) before stopping
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub max_bad_rows: u64,
}

impl InputArgs {
    /// The reader options these arguments ask for.
    pub fn options(&self) -> InputOptions {
        InputOptions {
            format: self.input_format,
            text_field: self.text_field.clone(),
            id_field: self.id_field.clone(),
            terms_field: self.terms_field.clone(),
            label_field: self.label_field.clone(),
            max_bad_rows: self.max_bad_rows,
        }
    }
}
