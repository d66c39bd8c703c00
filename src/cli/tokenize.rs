//! `jatopic tokenize`: one analysis per input line, as MeCab's wakati,
//! MeCab's format, or JSON tokens.

use super::dict_info::DictArgs;
use super::tokenizer_args::TokenizerArgs;
use clap::{Args, ValueEnum};
use jatopic::tokenizer::{json, WakatiBuffers};
use jatopic::{Options, Result};
use std::io::{BufRead, BufWriter, Write};

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TokenizeOutput {
    /// Surfaces separated by spaces (MeCab's `-Owakati`)
    Wakati,
    /// MeCab's default output: surface, tab, features (nine, seven for
    /// unknown words, as MeCab prints them); `EOS` after each line
    Mecab,
    /// A JSON array of tokens per line (offsets in code points)
    Json,
}

/// Tokenize UTF-8 text from stdin, one result per input line
#[derive(Args)]
#[command(after_help = "\
Examples:
  echo '手作りの革財布を販売しています。' | jatopic tokenize
  jatopic tokenize --output json < titles.txt > tokens.ndjson
  echo '関西国際空港限定トートバッグ' | jatopic tokenize --mode search
  jatopic tokenize --lexicon full --output mecab < news.txt   (MeCab's output)
  echo 'がま口ポーチ' | jatopic tokenize --user-dict shop-words.csv --output mecab

Output line (or EOS block) N is always input line N; a line that is not
valid UTF-8 gets an empty result and a warning on stderr.")]
pub struct TokenizeArgs {
    /// Output format
    #[arg(long, value_enum, default_value = "wakati")]
    output: TokenizeOutput,
    /// Normalise width first (full-width ASCII, half-width katakana); offsets
    /// still point into the original text
    #[arg(long)]
    normalize: bool,
    #[command(flatten)]
    dict: DictArgs,
    #[command(flatten)]
    tokenizer: TokenizerArgs,
}

pub fn run(args: TokenizeArgs) -> Result<()> {
    let opts = Options {
        normalize: args.normalize,
        mode: args.tokenizer.mode(),
    };
    // Readings only where they are printed: loading them costs start-up time.
    let mut tok = match args.output {
        TokenizeOutput::Wakati => args.dict.load(args.tokenizer.lexicon.given())?,
        TokenizeOutput::Mecab | TokenizeOutput::Json => args
            .dict
            .load_with_readings(args.tokenizer.lexicon.given())?,
    };
    if let Some(user) = args.tokenizer.user_dictionary()? {
        user.attach(&mut tok)?;
    }
    let stdin = std::io::stdin().lock();
    let mut out = BufWriter::new(std::io::stdout().lock());
    let (mut lines, mut skipped) = (0u64, 0u64);
    // Wakati's buffers and line, reused line after line.
    let (mut buffers, mut wakati) = (WakatiBuffers::default(), Vec::new());
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
        match args.output {
            TokenizeOutput::Wakati => {
                wakati.clear();
                tok.wakati_into(text, opts, &mut buffers, &mut wakati);
                wakati.push(b'\n');
                out.write_all(&wakati)?;
            }
            TokenizeOutput::Mecab => {
                for t in &tok.tokenize_with(text, opts) {
                    writeln!(out, "{}", json::mecab_line(t))?;
                }
                writeln!(out, "EOS")?;
            }
            TokenizeOutput::Json => {
                let with_readings = tok.dictionary().has_readings();
                let tokens = tok.tokenize_with(text, opts);
                writeln!(out, "{}", json::tokens(&tokens, with_readings))?
            }
        }
    }
    out.flush()?;
    if skipped > 0 {
        eprintln!("jatopic: {lines} lines read, {skipped} skipped (invalid UTF-8)");
    }
    Ok(())
}
