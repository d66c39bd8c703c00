//! The tokenizer options shared by every command that tokenizes (`tokenize`,
//! `terms`, `train`, `infer`, `eval`, and `dict-info`'s `--lexicon`), and the
//! rule that a command using a model tokenizes as the model was trained: it
//! takes the model's settings, and refuses an option that contradicts them (a
//! user dictionary must be the very file the model was trained with).

use clap::{Args, ValueEnum};
use jatopic::error::InFile;
use jatopic::tokenizer::config::LexiconTier;
use jatopic::tokenizer::user_dict::parse::MAX_USER_DICT_BYTES;
use jatopic::topic::corpus::LazyTokenizer;
use jatopic::topic::terms::TermConfig;
use jatopic::{Error, Mode, Result, Tokenizer};
use std::path::PathBuf;

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
    /// A user dictionary: MeCab's IPADIC CSV (13 columns, as `mecab -u`) or
    /// Kuromoji's `surface,segmentation,readings,part_of_speech` lines
    /// [with --model: the file the model was trained with]
    #[arg(long, value_name = "FILE")]
    pub user_dict: Option<PathBuf>,
}

/// A user dictionary file as read: its name, bytes and SHA-256.
pub struct UserDictFile {
    pub name: String,
    pub bytes: Vec<u8>,
    pub checksum: [u8; 32],
}

impl UserDictFile {
    /// Reads the file (does not parse it); a file over the size limit is
    /// refused before it is read.
    pub fn read(path: &std::path::Path) -> Result<UserDictFile> {
        use sha2::{Digest, Sha256};
        let name = path.display().to_string();
        // The size first: a wrong (huge) file fails before it is read.
        let size = std::fs::metadata(path).in_file(&name)?.len();
        if size > MAX_USER_DICT_BYTES as u64 {
            return Err(Error::input(format!(
                "{name}: {size} bytes, over the limit of {MAX_USER_DICT_BYTES} bytes for a user dictionary"
            )));
        }
        let bytes = std::fs::read(path).in_file(&name)?;
        let checksum = Sha256::digest(&bytes).into();
        Ok(UserDictFile {
            name,
            bytes,
            checksum,
        })
    }

    /// Parses the file for `tok`'s dictionary and attaches it.
    pub fn attach(&self, tok: &mut Tokenizer) -> Result<()> {
        tok.attach_user_dictionary(&self.bytes, &self.name)
    }

    /// The tokenizer for the term pipeline, with this dictionary, checked
    /// now (a bad line fails before any document is read).
    pub fn lazy_tokenizer(&self, tier: LexiconTier) -> Result<LazyTokenizer> {
        let tok = LazyTokenizer::with_user_dictionary(self.name.clone(), self.bytes.clone());
        tok.get(tier)?;
        Ok(tok)
    }
}

/// Hex of a checksum.
fn hex(sum: &[u8; 32]) -> String {
    sum.iter().map(|b| format!("{b:02x}")).collect()
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

    /// The `--user-dict` file, read (not parsed), if one was given.
    pub fn user_dictionary(&self) -> Result<Option<UserDictFile>> {
        self.user_dict
            .as_deref()
            .map(UserDictFile::read)
            .transpose()
    }

    /// The tokenizer for the term pipeline: the shipped dictionary of
    /// `tier`, with the user dictionary `user` when there is one.
    pub fn lazy_tokenizer(user: Option<&UserDictFile>, tier: LexiconTier) -> Result<LazyTokenizer> {
        match user {
            Some(u) => u.lazy_tokenizer(tier),
            None => Ok(LazyTokenizer::default()),
        }
    }

    /// Checks these options against the term pipeline of the model at
    /// `model_path`: an option given must equal the model's setting (a
    /// model's terms only mean what they meant in training), and the user
    /// dictionary `user` must be the model's, byte for byte (refused with
    /// exit status 1, saying which is missing or different).
    pub fn check_model(
        &self,
        model_path: &str,
        terms: &TermConfig,
        user: Option<&UserDictFile>,
    ) -> Result<()> {
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
        let why = match (&terms.tokenizer.user_dictionary, user) {
            (None, None) => return Ok(()),
            (Some(trained), Some(given)) if *trained == given.checksum => return Ok(()),
            (Some(trained), None) => format!(
                "{model_path} was trained with a user dictionary (SHA-256 {}), this command was given none: \
                 pass the same file with --user-dict",
                hex(trained)
            ),
            (None, Some(given)) => format!(
                "{model_path} was trained without a user dictionary, this command was given --user-dict {}: \
                 omit it, or train a model with it",
                given.name
            ),
            (Some(trained), Some(given)) => format!(
                "{} (SHA-256 {}) is not the user dictionary {model_path} was trained with (SHA-256 {}): \
                 a model's terms must come from the tokenizer it was trained with",
                given.name,
                hex(&given.checksum),
                hex(trained)
            ),
        };
        // Exit status 1: the files do not belong together (as a damaged one).
        Err(Error::format(why))
    }
}
