//! `jatopic dict-info`, and the `--dict` option of every command that
//! tokenizes a text for its own sake (`tokenize`, `eval`, `dict-info`): a
//! dictionary file instead of a shipped lexicon tier.

use super::tokenizer_args::LexiconArgs;
use clap::Args;
use jatopic::error::InFile;
use jatopic::tokenizer::config::LexiconTier;
use jatopic::tokenizer::shipped;
use jatopic::{Dictionary, Error, Result, Tokenizer};
use std::path::PathBuf;

/// Which dictionary to analyse with.
#[derive(Args)]
pub struct DictArgs {
    /// A dictionary built by `jatopic build-dict` [default: the shipped one]
    #[arg(long, value_name = "FILE")]
    dict: Option<PathBuf>,
    /// The readings file built with --dict (`build-dict --readings-out`)
    /// [default: the shipped one, with the shipped dictionary]
    #[arg(long, value_name = "FILE", requires = "dict")]
    readings: Option<PathBuf>,
}

impl DictArgs {
    /// `--dict` names the dictionary itself, so a `--lexicon` beside it
    /// (`lexicon`, when given) would be ignored: refused instead.
    fn check_lexicon(&self, lexicon: Option<LexiconTier>) -> Result<()> {
        match (&self.dict, lexicon) {
            (Some(_), Some(tier)) => Err(Error::input(format!(
                "--dict and --lexicon {tier} both choose the dictionary: give one of them"
            ))),
            _ => Ok(()),
        }
    }

    /// The tokenizer over the chosen dictionary: `--dict`, else the shipped
    /// one of `lexicon` (compact when `None`).
    pub fn load(&self, lexicon: Option<LexiconTier>) -> Result<Tokenizer> {
        self.check_lexicon(lexicon)?;
        match &self.dict {
            Some(p) => {
                let path = p.display();
                let bytes = std::fs::read(p).in_file(&path)?;
                Ok(Tokenizer::new(
                    Dictionary::from_bytes(&bytes).in_file(&path)?,
                ))
            }
            None => shipped::tokenizer(lexicon.unwrap_or_default(), false),
        }
    }

    /// [`DictArgs::load`] with readings attached: the shipped ones, or
    /// `--readings` for `--dict` (a dictionary given without its readings
    /// has none: tokens then carry no reading).
    pub fn load_with_readings(&self, lexicon: Option<LexiconTier>) -> Result<Tokenizer> {
        self.check_lexicon(lexicon)?;
        match (&self.dict, &self.readings) {
            (Some(p), Some(r)) => {
                let bytes = std::fs::read(p).in_file(p.display())?;
                let mut dict = Dictionary::from_bytes(&bytes).in_file(p.display())?;
                let readings = std::fs::read(r).in_file(r.display())?;
                dict.attach_readings(&readings).in_file(r.display())?;
                Ok(Tokenizer::new(dict))
            }
            (Some(_), None) => self.load(None),
            (None, _) => shipped::tokenizer(lexicon.unwrap_or_default(), true),
        }
    }
}

/// Print a dictionary's sizes and its load time
#[derive(Args)]
#[command(
    after_help = "Examples:\n  jatopic dict-info --dict my.jtd\n  jatopic dict-info --lexicon full\n  jatopic dict-info --user-dict shop-words.csv"
)]
pub struct DictInfoArgs {
    #[command(flatten)]
    dict: DictArgs,
    #[command(flatten)]
    lexicon: LexiconArgs,
    /// Also load this user dictionary and print its size and load time
    #[arg(long, value_name = "FILE")]
    user_dict: Option<PathBuf>,
}

pub fn run(args: DictInfoArgs) -> Result<()> {
    let started = std::time::Instant::now();
    let tok = args.dict.load(args.lexicon.given())?;
    let load = started.elapsed();
    let d = tok.dictionary();
    let (lemmas, paradigms) = d.lemma_count();
    println!(
        "surfaces {} entries {} lemmas {lemmas} paradigms {paradigms} context ids {} connection costs {} loaded in {:.1} ms",
        d.surface_count(),
        d.entry_count(),
        d.features.len(),
        if d.exact_connection_costs() {
            "exact"
        } else {
            "codebook"
        },
        load.as_secs_f64() * 1000.0
    );
    if let Some(path) = &args.user_dict {
        let name = path.display().to_string();
        let bytes = std::fs::read(path).in_file(&name)?;
        let mut tok = tok;
        // Parsing and building the lookup table: what --user-dict adds to start-up.
        let started = std::time::Instant::now();
        tok.attach_user_dictionary(&bytes, &name)?;
        let load = started.elapsed();
        let user = tok.dictionary().user_dictionary().expect("just attached");
        println!(
            "user dictionary {name}: {:?} format, {} surfaces, {} entries, {} tokens, {} bytes, loaded in {:.1} ms",
            user.format,
            user.surface_count(),
            user.candidates.len(),
            user.tokens.len(),
            bytes.len(),
            load.as_secs_f64() * 1000.0
        );
    }
    Ok(())
}
