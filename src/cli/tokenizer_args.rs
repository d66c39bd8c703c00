//! The tokenizer options shared by every command that tokenizes (`tokenize`,
//! `terms`, `train`, `infer`, `eval`, and `dict-info`'s `--lexicon`), and the
//! rule that a command using a model tokenizes as the model was trained: it
//! takes the model's settings, and refuses an option that contradicts them.

use clap::{Args, ValueEnum};
use jatopic::tokenizer::config::LexiconTier;
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

/// `--lexicon`'s values (also `build-dict --tier`).
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LexiconArg {
    /// The shipped one-file lexicon (dict/ipadic.jtd)
    Compact,
    /// All of IPADIC, exact costs: MeCab's output (dict/ipadic-full.jtd)
    Full,
}

impl From<LexiconArg> for LexiconTier {
    fn from(l: LexiconArg) -> LexiconTier {
        match l {
            LexiconArg::Compact => LexiconTier::Compact,
            LexiconArg::Full => LexiconTier::Full,
        }
    }
}

/// `--lexicon`, alone (for `dict-info`) or within [`TokenizerArgs`].
#[derive(Args)]
#[command(next_help_heading = "Tokenizer")]
pub struct LexiconArgs {
    /// Lexicon tier: compact (the shipped one-file lexicon) or full (all of
    /// IPADIC with exact costs, MeCab's output; read from
    /// dict/ipadic-full.jtd, built by `make dict-full`, or $JATOPIC_DICT_DIR)
    /// [default: compact; with --model, the model's]
    #[arg(long, value_enum, value_name = "TIER", hide_possible_values = true)]
    pub lexicon: Option<LexiconArg>,
}

impl LexiconArgs {
    /// The tier asked for, `None` when none was given.
    pub fn given(&self) -> Option<LexiconTier> {
        self.lexicon.map(LexiconTier::from)
    }

    /// The tier asked for, compact when none was given.
    pub fn tier(&self) -> LexiconTier {
        self.given().unwrap_or_default()
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
    #[command(flatten)]
    pub lexicon: LexiconArgs,
}

impl TokenizerArgs {
    /// The mode asked for, normal when none was given.
    pub fn mode(&self) -> Mode {
        self.mode.map_or(Mode::default(), Mode::from)
    }

    /// The lexicon tier asked for, compact when none was given.
    pub fn lexicon(&self) -> LexiconTier {
        self.lexicon.tier()
    }

    /// Checks these options against the term pipeline of the model at
    /// `model_path`: an option given must equal the model's setting (a
    /// model's terms only mean what they meant in training).
    pub fn check_model(&self, model_path: &str, terms: &TermConfig) -> Result<()> {
        let trained = terms.tokenizer.mode;
        if let Some(given) = self.mode.map(Mode::from).filter(|&m| m != trained) {
            return Err(Error::input(format!(
                "{model_path} was trained with --mode {trained}, this command was given --mode {given}: \
                 a model's terms must come from the tokenizer it was trained with (omit --mode to use the model's)"
            )));
        }
        let trained = terms.tokenizer.lexicon;
        if let Some(given) = self.lexicon.given().filter(|&l| l != trained) {
            return Err(Error::input(format!(
                "{model_path} was trained with --lexicon {trained}, this command was given --lexicon {given}: \
                 a model's terms must come from the tokenizer it was trained with (omit --lexicon to use the model's)"
            )));
        }
        Ok(())
    }
}
