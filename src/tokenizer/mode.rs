//! Search mode: Kuromoji's decompounding heuristic. Owns [`Mode`], the
//! penalty it adds to long lattice nodes and the per-piece table that makes
//! the penalty of any span one subtraction.
//!
//! In search mode every lattice node whose surface is longer than a
//! threshold costs more, so that a long compound (関西国際空港) loses to
//! the path through its parts (関西 / 国際 / 空港) when the parts exist and
//! connect cheaply. The definition and the constants are Kuromoji's
//! (atilika Kuromoji: `ViterbiSearcher.getPenaltyCost`, constants from the
//! IPADIC `Tokenizer.Builder` defaults; Lucene's `JapaneseTokenizer` uses
//! the same four numbers):
//! - a surface of only kanji, longer than 2: + (length − 2) × 3000;
//! - any other surface, longer than 7: + (length − 7) × 1700.
//!
//! As in Kuromoji:
//! - the penalty is added to every node, lexicon words and unknown words
//!   alike (Kuromoji adds it in the Viterbi update to any node; Lucene's
//!   rescoring also penalises unknown words and exempts only user entries);
//! - "kanji" is a character of the CJK Unified Ideographs block
//!   (U+4E00–U+9FFF), as Java's `Character.UnicodeBlock`;
//! - length is in UTF-16 code units (Java's `String.length()`), so a
//!   character outside the BMP counts two.
//!
//! Kuromoji's search mode also stops skipping unknown words that start inside
//! an earlier unknown word; jatopic's lattice never skips them (MeCab's
//! rules), so the penalty is the only difference between the two modes.
//! Unlike Lucene, the compound is not also emitted as a synonym: one path,
//! as Kuromoji's `tokenize` returns it.

use crate::error::{Error, Result};

/// How the lattice segments text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Mode {
    /// MeCab's analysis: the cheapest path, unchanged.
    #[default]
    Normal,
    /// Kuromoji's search mode: long nodes penalised, so compounds split.
    Search,
}

impl Mode {
    /// Every mode, in the order of their stored codes.
    pub const ALL: [Mode; 2] = [Mode::Normal, Mode::Search];

    /// The name used on the command line, in JS options and in model info.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Normal => "normal",
            Mode::Search => "search",
        }
    }

    /// The mode named `name` (`normal` or `search`).
    pub fn from_name(name: &str) -> Result<Mode> {
        Mode::ALL
            .into_iter()
            .find(|m| m.name() == name)
            .ok_or_else(|| {
                Error::input(format!(
                    "unknown mode {name:?}: expected \"normal\" or \"search\""
                ))
            })
    }

    /// The byte stored in model files.
    pub fn code(self) -> u8 {
        match self {
            Mode::Normal => 0,
            Mode::Search => 1,
        }
    }

    /// The mode stored as `code`, if any.
    pub fn from_code(code: u8) -> Option<Mode> {
        Mode::ALL.into_iter().find(|m| m.code() == code)
    }
}

impl std::fmt::Display for Mode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// All-kanji surfaces longer than this (UTF-16 units) are penalised.
pub const KANJI_LENGTH_THRESHOLD: u32 = 2;
/// Cost per all-kanji unit beyond [`KANJI_LENGTH_THRESHOLD`].
pub const KANJI_PENALTY: i32 = 3000;
/// Other surfaces longer than this (UTF-16 units) are penalised.
pub const OTHER_LENGTH_THRESHOLD: u32 = 7;
/// Cost per unit beyond [`OTHER_LENGTH_THRESHOLD`] of other surfaces.
pub const OTHER_PENALTY: i32 = 1700;

/// What search mode adds to the cost of a node whose surface is `length`
/// UTF-16 units long, `all_kanji` when each of them is a kanji.
pub fn penalty(length: u32, all_kanji: bool) -> i32 {
    // Lengths are bounded by a piece (MAX_PIECE_CHARS), so no overflow.
    if all_kanji && length > KANJI_LENGTH_THRESHOLD {
        (length - KANJI_LENGTH_THRESHOLD) as i32 * KANJI_PENALTY
    } else if !all_kanji && length > OTHER_LENGTH_THRESHOLD {
        (length - OTHER_LENGTH_THRESHOLD) as i32 * OTHER_PENALTY
    } else {
        0
    }
}

/// Whether `c` counts as kanji for the penalty (Java's CJK Unified
/// Ideographs block, as Kuromoji tests it).
pub fn is_kanji(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

/// Per position of a piece, the UTF-16 units and the non-kanji characters
/// before it: the penalty of any span without rescanning its characters.
#[derive(Default)]
pub(crate) struct SpanPenalty {
    /// (UTF-16 units, non-kanji characters) before each position; one more
    /// entry than characters.
    before: Vec<(u32, u32)>,
}

impl SpanPenalty {
    /// Prepares for spans of `text`.
    pub(crate) fn prepare(&mut self, text: &[char]) {
        self.before.clear();
        self.before.reserve(text.len() + 1);
        let (mut units, mut other) = (0u32, 0u32);
        self.before.push((0, 0));
        for &c in text {
            units += c.len_utf16() as u32;
            other += u32::from(!is_kanji(c));
            self.before.push((units, other));
        }
    }

    /// The penalty of the node covering `start..end` of the prepared text.
    #[inline]
    pub(crate) fn of(&self, start: usize, end: usize) -> i32 {
        let (units0, other0) = self.before[start];
        let (units1, other1) = self.before[end];
        penalty(units1 - units0, other1 == other0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kanji_runs_pay_from_the_third_unit_others_from_the_eighth() {
        assert_eq!(penalty(2, true), 0);
        assert_eq!(penalty(3, true), 3000);
        assert_eq!(penalty(6, true), 12_000);
        assert_eq!(penalty(7, false), 0);
        assert_eq!(penalty(8, false), 1700);
        assert_eq!(penalty(10, false), 5100);
        // A short mixed surface pays nothing, whatever its length below 8.
        assert_eq!(penalty(5, false), 0);
    }

    #[test]
    fn spans_are_measured_in_utf16_units_and_kanji_by_block() {
        let text: Vec<char> = "関西国際空港トートバッグ𠮷野家々".chars().collect();
        let mut p = SpanPenalty::default();
        p.prepare(&text);
        // 関西国際空港: 6 kanji.
        assert_eq!(p.of(0, 6), 4 * 3000);
        assert_eq!(p.of(0, 2), 0);
        // トートバッグ: 6 katakana, under the other threshold.
        assert_eq!(p.of(6, 12), 0);
        // 港トートバッグ (7) pays nothing, 空港トートバッグ (8) pays once.
        assert_eq!(p.of(5, 12), 0);
        assert_eq!(p.of(4, 12), 1700);
        // 𠮷 is outside the BMP (two units) and outside the block: 𠮷野家
        // is 4 units, not all kanji, so under the other threshold.
        assert_eq!(p.of(12, 15), 0);
        // 々 (U+3005) is not in the block either: 野家々 is not all kanji.
        assert_eq!(p.of(13, 16), 0);
        assert_eq!(p.of(13, 15), 0);
    }

    /// Search mode on the tiny fixture dictionary (tests/fixtures/tiny-ipadic,
    /// whose README sums each path's cost).
    #[cfg(feature = "cli")]
    mod fixture_dictionary {
        use crate::tokenizer::fixture::tokenizer;
        use crate::tokenizer::{Mode, Options, Tokenizer};

        fn surfaces(tok: &Tokenizer, text: &str, mode: Mode) -> Vec<String> {
            let opts = Options {
                mode,
                ..Options::default()
            };
            tok.tokenize_with(text, opts)
                .iter()
                .map(|t| t.surface.to_string())
                .collect()
        }

        #[test]
        fn a_long_kanji_compound_splits_when_its_penalty_outweighs_the_parts() {
            let tok = tokenizer();
            // Whole 3000 against 関西 + 国際 + 空港 = 2500 + 2500 + 200 + 2500 = 7700;
            // search mode adds (6 − 2) × 3000 = 12000 to the whole word.
            assert_eq!(
                surfaces(&tok, "関西国際空港", Mode::Normal),
                ["関西国際空港"]
            );
            assert_eq!(
                surfaces(&tok, "関西国際空港", Mode::Search),
                ["関西", "国際", "空港"]
            );
        }

        #[test]
        fn a_compound_stays_whole_when_splitting_costs_more_than_its_penalty() {
            let tok = tokenizer();
            // 美術館 3000 + (3 − 2) × 3000 = 6000 still beats 美術 + 館 = 2500 + 200 + 4000.
            for mode in Mode::ALL {
                assert_eq!(surfaces(&tok, "美術館", mode), ["美術館"], "{mode}");
            }
        }

        #[test]
        fn a_long_katakana_word_splits_beyond_seven_characters() {
            let tok = tokenizer();
            // Whole (lexicon) 3000 + (11 − 7) × 1700 = 9800, the unknown
            // KATAKANA run 5000 + 6800 = 11800, the two words 2500 + 200 + 2500.
            let text = "ハーバリウムボールペン";
            assert_eq!(surfaces(&tok, text, Mode::Normal), [text]);
            assert_eq!(
                surfaces(&tok, text, Mode::Search),
                ["ハーバリウム", "ボールペン"]
            );
        }

        #[test]
        fn unknown_words_pay_the_penalty_too() {
            let tok = tokenizer();
            // Normal: the unknown KATAKANA run of 15 (5000) beats every
            // path through the lexicon. Search: the run costs
            // 5000 + (15 − 7) × 1700 = 18600, ハーバリウムボールペン + スタンド
            // 3000 + 6800 + 5000 = 14800, ハーバリウム + ボールペンスタンド
            // (unknown, 9) 2500 + 5000 + 3400 = 10900, and ハーバリウム +
            // ボールペン + スタンド (unknown, 4) 2500 + 200 + 2500 + 5000 = 10200.
            // Were unknown words exempt, the run (5000) would stay whole.
            let text = "ハーバリウムボールペンスタンド";
            assert_eq!(surfaces(&tok, text, Mode::Normal), [text]);
            assert_eq!(
                surfaces(&tok, text, Mode::Search),
                ["ハーバリウム", "ボールペン", "スタンド"]
            );
        }

        #[test]
        fn short_words_are_analysed_as_in_normal_mode() {
            let tok = tokenizer();
            for text in ["東京都", "東京都に", "行った", "テレビ", "猫犬", "abc123"]
            {
                assert_eq!(
                    surfaces(&tok, text, Mode::Search),
                    surfaces(&tok, text, Mode::Normal),
                    "{text}"
                );
            }
        }
    }

    #[test]
    fn names_and_codes_round_trip() {
        for m in Mode::ALL {
            assert_eq!(Mode::from_name(m.name()).unwrap(), m);
            assert_eq!(Mode::from_code(m.code()), Some(m));
        }
        assert_eq!(Mode::default(), Mode::Normal);
        assert!(Mode::from_name("extended")
            .unwrap_err()
            .to_string()
            .contains("unknown mode \"extended\""));
        assert_eq!(Mode::from_code(7), None);
    }
}
