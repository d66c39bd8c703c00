//! The term pipeline shared by training (native) and inference (wasm UDFs):
//! optional normalisation, the tokenizer, a part-of-speech filter, ASCII
//! lower-casing and a stop-word list. Its configuration, the tokenizer's
//! settings included (lexicon tier, mode, user dictionary), is stored in
//! every model so inference preprocesses text exactly as training did.

use crate::artifact::bytes::{Reader, Writer};
use crate::error::Result;
use crate::tokenizer::config::TokenizerConfig;
use crate::tokenizer::{Options, Tokenizer};

/// The model format version that first stored [`TermConfig::tokenizer`];
/// files of earlier versions were all made with the default tokenizer.
pub const TOKENIZER_SINCE_VERSION: u16 = 3;

/// How text becomes terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermConfig {
    /// Width-normalise before tokenizing.
    pub normalize: bool,
    /// Lower-case ASCII letters in terms.
    pub lowercase: bool,
    /// Keep tokens whose "pos1,pos2" equals one of these.
    pub keep_pos: Vec<String>,
    /// Terms dropped after normalisation.
    pub stopwords: Vec<String>,
    /// The tokenizer's lexicon tier, mode and user dictionary.
    pub tokenizer: TokenizerConfig,
}

/// Content nouns, independent verbs and adjectives (numbers, symbols,
/// pronouns, suffixes and non-independent words are dropped).
pub const DEFAULT_KEEP_POS: &[&str] = &[
    "名詞,一般",
    "名詞,固有名詞",
    "名詞,サ変接続",
    "名詞,形容動詞語幹",
    "動詞,自立",
    "形容詞,自立",
];

/// Very frequent words with little topical content.
pub const DEFAULT_STOPWORDS: &[&str] = &[
    "する",
    "ある",
    "いる",
    "なる",
    "できる",
    "おる",
    "れる",
    "られる",
    "いう",
    "くる",
    "いく",
    "みる",
    "やる",
    "こと",
    "もの",
    "よう",
    "ため",
    "ところ",
    "とき",
    "さん",
    "これ",
    "それ",
    "あれ",
    "ここ",
    "そこ",
    "方",
    "的",
    "等",
];

impl Default for TermConfig {
    fn default() -> Self {
        TermConfig {
            normalize: true,
            lowercase: true,
            keep_pos: DEFAULT_KEEP_POS.iter().map(|s| s.to_string()).collect(),
            stopwords: DEFAULT_STOPWORDS.iter().map(|s| s.to_string()).collect(),
            tokenizer: TokenizerConfig::default(),
        }
    }
}

impl TermConfig {
    /// The terms of `text`, in order (repeats kept).
    pub fn terms(&self, tok: &Tokenizer, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for t in tok.tokenize_with(
            text,
            Options {
                normalize: self.normalize,
                mode: self.tokenizer.mode,
            },
        ) {
            // "pos1,pos2" compared in place: no allocation per token.
            let kept = self.keep_pos.iter().any(|k| {
                k.split_once(',')
                    .is_some_and(|(a, b)| a == t.pos[0] && b == t.pos[1])
            });
            if !kept {
                continue;
            }
            // Surfaces (unknown words, and known words whose base form is
            // their surface) are reported as written: normalise them too.
            let mut term = if self.normalize {
                normalize_term(t.base_form)
            } else {
                t.base_form.to_string()
            };
            if self.lowercase {
                term.make_ascii_lowercase();
            }
            // Runs of symbols or digits are not topical words.
            if !term.chars().any(char::is_alphabetic) || self.stopwords.contains(&term) {
                continue;
            }
            out.push(term);
        }
        out
    }

    /// The oldest model format version that can hold this configuration:
    /// the default tokenizer fits format 2, so such models stay readable by
    /// earlier jatopic versions (and byte-identical to what they wrote).
    pub fn format_version(&self) -> u16 {
        if self.tokenizer == TokenizerConfig::default() {
            TOKENIZER_SINCE_VERSION - 1
        } else {
            TOKENIZER_SINCE_VERSION
        }
    }

    /// Serialises the configuration (stored in model files) as model format
    /// `version` has it (see [`TermConfig::format_version`]).
    pub fn write(&self, w: &mut Writer, version: u16) {
        w.buf
            .push(u8::from(self.normalize) | (u8::from(self.lowercase) << 1));
        w.uvar(self.keep_pos.len() as u64);
        self.keep_pos.iter().for_each(|p| w.str(p));
        w.uvar(self.stopwords.len() as u64);
        self.stopwords.iter().for_each(|s| w.str(s));
        if version >= TOKENIZER_SINCE_VERSION {
            self.tokenizer.write(w);
        }
    }

    /// Reads what [`TermConfig::write`] wrote for model format `version`.
    pub fn read(r: &mut Reader, version: u16) -> Result<TermConfig> {
        let flags = r.u8()?;
        let mut keep_pos = Vec::new();
        for _ in 0..r.count("number of POS rules")? {
            keep_pos.push(r.str()?.to_string());
        }
        let mut stopwords = Vec::new();
        for _ in 0..r.count("number of stop words")? {
            stopwords.push(r.str()?.to_string());
        }
        let tokenizer = if version >= TOKENIZER_SINCE_VERSION {
            TokenizerConfig::read(r)?
        } else {
            TokenizerConfig::default()
        };
        Ok(TermConfig {
            normalize: flags & 1 != 0,
            lowercase: flags & 2 != 0,
            keep_pos,
            stopwords,
            tokenizer,
        })
    }
}

fn normalize_term(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    crate::tokenizer::normalize::width(&chars)
        .0
        .into_iter()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_width_text_gives_the_same_terms_as_full_width() {
        let tok = crate::default_tokenizer().unwrap();
        let c = TermConfig::default();
        assert_eq!(
            c.terms(&tok, "ﾊﾝﾄﾞﾒｲﾄﾞのﾋﾟｱｽ、ＬＥＤライト"),
            c.terms(&tok, "ハンドメイドのピアス、LEDライト")
        );
        let raw = TermConfig {
            normalize: false,
            ..TermConfig::default()
        };
        // Without normalisation the half-width word stays as written (and is a term).
        let unnormalised = raw.terms(&tok, "ﾋﾟｱｽ");
        assert!(!unnormalised.is_empty());
        assert!(
            unnormalised.iter().all(|t| t.contains('ﾋ')),
            "{unnormalised:?}"
        );
        assert_ne!(unnormalised, c.terms(&tok, "ﾋﾟｱｽ"));
    }

    #[test]
    fn content_words_as_base_forms() {
        let tok = crate::default_tokenizer().unwrap();
        let terms = TermConfig::default()
            .terms(&tok, "【送料無料】手編みのニット帽を作りました！ＡＢＣ 123");
        // 帽 here is a suffix (名詞,接尾), which the default filter drops.
        assert_eq!(terms, ["送料", "無料", "手編み", "ニット", "作る", "abc"]);
    }

    #[test]
    fn config_round_trips_in_the_oldest_version_that_holds_it() {
        let search = TermConfig {
            tokenizer: TokenizerConfig {
                mode: crate::tokenizer::Mode::Search,
                ..TokenizerConfig::default()
            },
            ..TermConfig::default()
        };
        for (c, version) in [(TermConfig::default(), 2), (search, 3)] {
            assert_eq!(c.format_version(), version);
            let mut w = Writer::default();
            c.write(&mut w, version);
            let mut r = Reader::new(&w.buf, "test");
            assert_eq!(TermConfig::read(&mut r, version).unwrap(), c);
            assert!(r.at_end());
        }
    }

    #[test]
    fn search_mode_terms_split_compounds() {
        let tok = crate::default_tokenizer().unwrap();
        let normal = TermConfig::default();
        let search = TermConfig {
            tokenizer: TokenizerConfig {
                mode: crate::tokenizer::Mode::Search,
                ..TokenizerConfig::default()
            },
            ..TermConfig::default()
        };
        assert_eq!(normal.terms(&tok, "関西国際空港"), ["関西国際空港"]);
        assert_eq!(search.terms(&tok, "関西国際空港"), ["関西", "国際", "空港"]);
    }
}
