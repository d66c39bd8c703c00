//! Optional width normalisation (the part of NFKC that matters for Japanese
//! text): full-width ASCII and the ideographic space become ASCII, half-width
//! katakana becomes full-width (with voiced marks composed). Positions are
//! mapped back so tokens still report offsets into the original string.

/// Returns the normalised characters and, for each normalised position
/// (plus one past the end), the corresponding position in `input`.
pub fn width(input: &[char]) -> (Vec<char>, Vec<usize>) {
    let mut out = Vec::with_capacity(input.len());
    let mut map = Vec::with_capacity(input.len() + 1);
    let mut i = 0;
    while i < input.len() {
        let c = input[i];
        map.push(i);
        let u = c as u32;
        if (0xFF01..=0xFF5E).contains(&u) {
            out.push(char::from_u32(u - 0xFEE0).unwrap_or(c));
        } else if u == 0x3000 {
            out.push(' ');
        } else if (0xFF61..=0xFF9F).contains(&u) {
            let full = HALF_KANA[(u - 0xFF61) as usize];
            let mark = input.get(i + 1).copied();
            match (mark, compose(full, mark)) {
                (Some(_), Some(composed)) => {
                    out.push(composed);
                    i += 1;
                }
                _ => out.push(full),
            }
        } else {
            out.push(c);
        }
        i += 1;
    }
    map.push(input.len());
    (out, map)
}

/// Full-width equivalents of U+FF61..U+FF9F (also read in reverse by the
/// sample generator, which writes half-width katakana).
pub(crate) const HALF_KANA: [char; 63] = [
    '。', '「', '」', '、', '・', 'ヲ', 'ァ', 'ィ', 'ゥ', 'ェ', 'ォ', 'ャ', 'ュ', 'ョ', 'ッ', 'ー',
    'ア', 'イ', 'ウ', 'エ', 'オ', 'カ', 'キ', 'ク', 'ケ', 'コ', 'サ', 'シ', 'ス', 'セ', 'ソ', 'タ',
    'チ', 'ツ', 'テ', 'ト', 'ナ', 'ニ', 'ヌ', 'ネ', 'ノ', 'ハ', 'ヒ', 'フ', 'ヘ', 'ホ', 'マ', 'ミ',
    'ム', 'メ', 'モ', 'ヤ', 'ユ', 'ヨ', 'ラ', 'リ', 'ル', 'レ', 'ロ', 'ワ', 'ン', '゛', '゜',
];

/// Composes a full-width kana with a following half-width (semi-)voiced mark.
pub(crate) fn compose(kana: char, mark: Option<char>) -> Option<char> {
    let k = kana as u32;
    match mark? {
        '\u{FF9E}' => {
            let voiced = matches!(k, 0x30AB..=0x30C2 if k % 2 == 1)
                || matches!(k, 0x30C4..=0x30C8 if k % 2 == 0)
                || matches!(k, 0x30CF..=0x30DD if (k - 0x30CF) % 3 == 0);
            if voiced {
                char::from_u32(k + 1)
            } else if kana == 'ウ' {
                Some('ヴ')
            } else {
                None
            }
        }
        '\u{FF9F}' if matches!(k, 0x30CF..=0x30DD if (k - 0x30CF) % 3 == 0) => {
            char::from_u32(k + 2)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> (String, Vec<usize>) {
        let chars: Vec<char> = s.chars().collect();
        let (o, m) = width(&chars);
        (o.into_iter().collect(), m)
    }

    #[test]
    fn full_width_ascii_and_space() {
        assert_eq!(norm("ＡＢＣ１２３　！").0, "ABC123 !");
    }

    #[test]
    fn half_width_katakana_composes_voiced_marks() {
        let (s, map) = norm("ｶﾞﾊﾟｰﾄｳﾞ");
        assert_eq!(s, "ガパートヴ");
        assert_eq!(map, vec![0, 2, 4, 5, 6, 8]);
    }

    #[test]
    fn lone_marks_are_kept() {
        assert_eq!(norm("ﾞｱﾟ").0, "゛ア゜");
    }
}
