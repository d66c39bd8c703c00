//! What a tokenizer is set up with, as a model records it: the lexicon tier,
//! the segmentation mode and the user dictionary's checksum. A model's terms
//! only mean what they meant in training when all three are the same, so
//! commands and UDFs that use a model take them from it (and refuse others).

use crate::artifact::bytes::{Reader, Writer};
use crate::error::{Error, Result};
use crate::tokenizer::mode::Mode;

/// Which lexicon the dictionary holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum LexiconTier {
    /// The shipped one-file lexicon (some rare IPADIC words dropped, the
    /// connection matrix approximated): `dict/ipadic.jtd`.
    #[default]
    Compact,
    /// All of IPADIC with its exact connection matrix: MeCab's analyses
    /// (`dict/ipadic-full.jtd`; native only so far).
    Full,
}

impl LexiconTier {
    /// Every tier, in the order of their stored codes.
    pub const ALL: [LexiconTier; 2] = [LexiconTier::Compact, LexiconTier::Full];

    /// The name used on the command line and in model info.
    pub fn name(self) -> &'static str {
        match self {
            LexiconTier::Compact => "compact",
            LexiconTier::Full => "full",
        }
    }

    /// The byte stored in model files.
    pub fn code(self) -> u8 {
        match self {
            LexiconTier::Compact => 0,
            LexiconTier::Full => 1,
        }
    }

    /// The tier stored as `code`, if this jatopic knows it.
    pub fn from_code(code: u8) -> Option<LexiconTier> {
        LexiconTier::ALL.into_iter().find(|t| t.code() == code)
    }
}

impl std::fmt::Display for LexiconTier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The tokenizer behind a model's terms.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct TokenizerConfig {
    /// The lexicon tier.
    pub lexicon: LexiconTier,
    /// Normal or search segmentation.
    pub mode: Mode,
    /// SHA-256 of the user dictionary (`UserDictionary::checksum`), `None`
    /// when none was used.
    pub user_dictionary: Option<[u8; 32]>,
}

impl TokenizerConfig {
    /// Serialises the configuration (model format 3 onwards).
    pub fn write(&self, w: &mut Writer) {
        w.buf.push(self.lexicon.code());
        w.buf.push(self.mode.code());
        match &self.user_dictionary {
            None => w.buf.push(0),
            Some(sum) => {
                w.buf.push(1);
                w.raw(sum);
            }
        }
    }

    /// Reads what [`TokenizerConfig::write`] wrote.
    pub fn read(r: &mut Reader) -> Result<TokenizerConfig> {
        let code = r.u8()?;
        let lexicon = LexiconTier::from_code(code).ok_or_else(|| {
            r.err(&format!(
                "unknown lexicon tier code {code} (written by a newer jatopic?)"
            ))
        })?;
        let code = r.u8()?;
        let mode = Mode::from_code(code).ok_or_else(|| {
            r.err(&format!(
                "unknown mode code {code} (written by a newer jatopic?)"
            ))
        })?;
        let user_dictionary = match r.u8()? {
            0 => None,
            1 => {
                let mut sum = [0u8; 32];
                sum.copy_from_slice(r.raw(32)?);
                Some(sum)
            }
            other => {
                return Err(r.err(&format!(
                    "user dictionary flag must be 0 or 1, found {other}"
                )))
            }
        };
        Ok(TokenizerConfig {
            lexicon,
            mode,
            user_dictionary,
        })
    }

    /// An error unless `dict` tokenizes as this configuration says: the
    /// same lexicon tier and the same user dictionary (the mode is chosen
    /// per call). The wasm build checks a model with it, so that a model
    /// is never served with other tokens than it was trained with; `how`
    /// says how to load the right dictionary there.
    pub fn check_dictionary(&self, dict: &crate::Dictionary, how: &str) -> Result<()> {
        let loaded = dict.tier();
        if loaded != self.lexicon {
            return Err(Error::input(format!(
                "the model was trained with --lexicon {}, but the {} lexicon is loaded: {how}",
                self.lexicon.name(),
                loaded.name()
            )));
        }
        let user = dict.user_dictionary().map(|u| u.checksum);
        if user != self.user_dictionary {
            let hex = |sum: Option<[u8; 32]>| {
                TokenizerConfig {
                    user_dictionary: sum,
                    ..*self
                }
                .user_dictionary_hex()
            };
            return Err(Error::input(match (hex(self.user_dictionary), hex(user)) {
                (Some(want), None) => format!(
                    "the model was trained with a user dictionary (SHA-256 {want}), but none is loaded: {how}"
                ),
                (None, Some(have)) => format!(
                    "the model was trained without a user dictionary, but one is loaded (SHA-256 {have}): {how}"
                ),
                (want, have) => format!(
                    "the model was trained with the user dictionary of SHA-256 {}, but the one loaded has SHA-256 {}: {how}",
                    want.unwrap_or_default(),
                    have.unwrap_or_default()
                ),
            }));
        }
        Ok(())
    }

    /// The user dictionary's checksum in hex, `None` without one.
    pub fn user_dictionary_hex(&self) -> Option<String> {
        // By hand: `format!("{:02x}")` would pull padding code into the wasm module.
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        self.user_dictionary.map(|sum| {
            sum.iter()
                .flat_map(|b| [DIGITS[usize::from(b >> 4)], DIGITS[usize::from(b & 15)]])
                .map(char::from)
                .collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_setting_round_trips_and_unknown_codes_are_named() {
        let configs = [
            TokenizerConfig::default(),
            TokenizerConfig {
                mode: Mode::Search,
                user_dictionary: Some([7; 32]),
                ..TokenizerConfig::default()
            },
            TokenizerConfig {
                lexicon: LexiconTier::Full,
                ..TokenizerConfig::default()
            },
        ];
        for c in configs {
            let mut w = Writer::default();
            c.write(&mut w);
            let mut r = Reader::new(&w.buf, "model");
            assert_eq!(TokenizerConfig::read(&mut r).unwrap(), c);
            assert!(r.at_end());
        }
        for (bytes, problem) in [
            (&[9u8, 0, 0][..], "unknown lexicon tier code 9"),
            (&[0, 5, 0], "unknown mode code 5"),
            (&[0, 0, 2], "user dictionary flag must be 0 or 1, found 2"),
        ] {
            let e = TokenizerConfig::read(&mut Reader::new(bytes, "model")).unwrap_err();
            assert!(e.to_string().contains(problem), "{e}");
        }
        // A checksum cut short is an error, not a panic.
        assert!(TokenizerConfig::read(&mut Reader::new(&[0, 0, 1, 1, 2], "model")).is_err());
    }
}
