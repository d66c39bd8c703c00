//! `jatopic vocab`: a model's vocabulary.

use clap::Args;
use jatopic::topic::files::load_model;
use jatopic::Result;
use std::io::{BufWriter, Write};

/// Print a model's vocabulary, one term per line, in id order
#[derive(Args)]
#[command(after_help = "Example:\n  jatopic vocab --model model.jtm | wc -l")]
pub struct VocabArgs {
    /// The model
    #[arg(long, value_name = "MODEL.jtm")]
    model: String,
}

pub fn run(args: VocabArgs) -> Result<()> {
    let model = load_model(&args.model)?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    for t in &model.vocab {
        writeln!(out, "{t}")?;
    }
    out.flush()?;
    Ok(())
}
