//! The tokenizer options shared by every command that tokenizes (`tokenize`,
//! `terms`, `train`, `infer`, `eval`), and the rule that a command using a
//! model tokenizes as the model was trained: it takes the model's settings,
//! and refuses an option that contradicts them.

use clap::{Args, ValueEnum};
use jatopic::topic::terms::TermConfig;
use jatopic::{Error, Mode, Result};

/// `--mode`'s values (clap lists them in the help).
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModeArg {
    /// MeCab's segmentation
    Normal,
    /// Kuromoji's search mode: long compounds split into their parts
    Search,
}

impl From<ModeArg> for Mode {
    fn from(m: ModeArg) -> Mode {
        match m {
            ModeArg::Normal => Mode::Normal,
            ModeArg::Search => Mode::Search,
        }
    }
}

#[derive(Args)]
#[command(next_help_heading = "Tokenizer")]
pub struct TokenizerArgs {
    /// Segmentation: normal (MeCab's) or search (Kuromoji's search mode: long
    /// kanji and katakana compounds split, e.g. 関西国際空港 → 関西 国際 空港)
    /// [default: normal; with --model, the model's]
    #[arg(long, value_enum, value_name = "MODE", hide_possible_values = true)]
    pub mode: Option<ModeArg>,
}

impl TokenizerArgs {
    /// The mode asked for, normal when none was given.
    pub fn mode(&self) -> Mode {
        self.mode.map_or(Mode::default(), Mode::from)
    }

    /// Checks these options against the term pipeline of the model at
    /// `model_path`: an option given must equal the model's setting (a
    /// model's terms only mean what they meant in training).
    pub fn check_model(&self, model_path: &str, terms: &TermConfig) -> Result<()> {
        let trained = terms.tokenizer.mode;
        match self.mode.map(Mode::from) {
            Some(given) if given != trained => Err(Error::input(format!(
                "{model_path} was trained with --mode {trained}, this command was given --mode {given}: \
                 a model's terms must come from the tokenizer it was trained with (omit --mode to use the model's)"
            ))),
            _ => Ok(()),
        }
    }
}
