//! `jatopic dict-info`, and the `--dict` option of every command that tokenizes.

use clap::Args;
use jatopic::error::InFile;
use jatopic::{Dictionary, Result, Tokenizer};
use std::path::PathBuf;

/// Which dictionary to analyse with.
#[derive(Args)]
pub struct DictArgs {
    /// A dictionary built by `jatopic build-dict` [default: the shipped one]
    #[arg(long, value_name = "FILE")]
    dict: Option<PathBuf>,
}

impl DictArgs {
    /// The tokenizer over the chosen dictionary.
    pub fn load(&self) -> Result<Tokenizer> {
        match &self.dict {
            Some(p) => {
                let path = p.display();
                let bytes = std::fs::read(p).in_file(&path)?;
                Ok(Tokenizer::new(
                    Dictionary::from_bytes(&bytes).in_file(&path)?,
                ))
            }
            None => jatopic::default_tokenizer(),
        }
    }
}

/// Print a dictionary's sizes and its load time
#[derive(Args)]
#[command(after_help = "Example:\n  jatopic dict-info --dict my.jtd")]
pub struct DictInfoArgs {
    #[command(flatten)]
    dict: DictArgs,
}

pub fn run(args: DictInfoArgs) -> Result<()> {
    let started = std::time::Instant::now();
    let tok = args.dict.load()?;
    let load = started.elapsed();
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
