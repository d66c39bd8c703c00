//! Character-width variants, as sellers type them in real listings: half-width
//! katakana (ﾋﾟｱｽ) and full-width ASCII (１００ｍｌ). The reverse of the
//! tokenizer's width normalisation ([`crate::tokenizer::normalize`]), built on
//! its table so that the two directions cannot drift apart.

use crate::tokenizer::normalize::{compose, HALF_KANA};

/// The first half-width code point, the one [`HALF_KANA`]'s first entry stands for.
const HALF_KANA_START: u32 = 0xFF61;
/// Half-width voiced and semi-voiced sound marks.
const VOICED_MARKS: [char; 2] = ['\u{FF9E}', '\u{FF9F}'];
/// Distance from printable ASCII to its full-width form (U+FF01..U+FF5E).
const FULL_WIDTH_OFFSET: u32 = 0xFEE0;

/// The half-width form of a full-width character in [`HALF_KANA`].
fn half_width(c: char) -> Option<char> {
    let i = HALF_KANA.iter().position(|&k| k == c)?;
    char::from_u32(HALF_KANA_START + i as u32)
}

/// Full-width katakana (and the kana punctuation with a half-width form) to
/// half-width, voiced kana as base plus mark (ピアス → ﾋﾟｱｽ); other
/// characters unchanged.
pub(super) fn to_halfwidth_katakana(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if let Some(h) = half_width(c) {
            out.push(h);
            continue;
        }
        let decomposed = HALF_KANA.iter().find_map(|&base| {
            VOICED_MARKS
                .iter()
                .find(|&&mark| compose(base, Some(mark)) == Some(c))
                .map(|&mark| (base, mark))
        });
        match decomposed.and_then(|(base, mark)| Some((half_width(base)?, mark))) {
            Some((base, mark)) => {
                out.push(base);
                out.push(mark);
            }
            None => out.push(c),
        }
    }
    out
}

/// ASCII letters, digits and symbols to full width (100ml → １００ｍｌ).
pub(super) fn to_fullwidth_ascii(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '!'..='~' => char::from_u32(c as u32 + FULL_WIDTH_OFFSET).unwrap_or(c),
            _ => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenizer::normalize::width;

    fn normalized(s: &str) -> String {
        let chars: Vec<char> = s.chars().collect();
        width(&chars).0.into_iter().collect()
    }

    #[test]
    fn width_variants() {
        assert_eq!(to_halfwidth_katakana("ピアス・ガラス"), "ﾋﾟｱｽ･ｶﾞﾗｽ");
        assert_eq!(to_halfwidth_katakana("ヴィンテージの器"), "ｳﾞｨﾝﾃｰｼﾞの器");
        assert_eq!(
            to_fullwidth_ascii("100ml 幅12×高さ9cm"),
            "１００ｍｌ 幅１２×高さ９ｃｍ"
        );
    }

    #[test]
    fn normalisation_undoes_both() {
        // Every katakana (ァ..ー) comes back; all but the nine without a
        // half-width spelling were converted.
        let katakana: String = ('\u{30A1}'..='\u{30FC}').collect();
        let half = to_halfwidth_katakana(&katakana);
        let unconverted: String = half.chars().filter(|c| katakana.contains(*c)).collect();
        assert_eq!(unconverted, "ヮヰヱヵヶヷヸヹヺ");
        assert_eq!(normalized(&half), katakana);
        let ascii: String = ('!'..='~').collect();
        assert_eq!(normalized(&to_fullwidth_ascii(&ascii)), ascii);
    }
}
