//! MeCab's `-Owakati` output: a line's surfaces separated by single spaces.
//! One implementation for `jatopic tokenize` and the native benchmark
//! (`bench/vibrato-peer paired`), so that the benchmark times the CLI's path.

use crate::tokenizer::lattice::{Options, RawToken, Scratch, Tokenizer};

/// Buffers reused line after line.
#[derive(Default)]
pub struct WakatiBuffers {
    chars: Vec<char>,
    byte_at: Vec<usize>,
    tokens: Vec<RawToken>,
    scratch: Scratch,
}

impl Tokenizer {
    /// Appends `text`'s surfaces, separated by single spaces, to `out` (no
    /// line end): the analysis as positions, without the features
    /// [`Tokenizer::tokenize_with`] would look up for every token.
    pub fn wakati_into(
        &self,
        text: &str,
        opts: Options,
        buffers: &mut WakatiBuffers,
        out: &mut Vec<u8>,
    ) {
        let b = buffers;
        b.chars.clear();
        b.byte_at.clear();
        for (at, c) in text.char_indices() {
            b.chars.push(c);
            b.byte_at.push(at);
        }
        b.byte_at.push(text.len());
        self.analyze_into(&b.chars, opts, &mut b.scratch, &mut b.tokens);
        for (k, t) in b.tokens.iter().enumerate() {
            if k > 0 {
                out.push(b' ');
            }
            out.extend_from_slice(&text.as_bytes()[b.byte_at[t.start]..b.byte_at[t.end]]);
        }
    }
}

#[cfg(all(test, feature = "cli"))]
mod tests {
    use crate::tokenizer::fixture;

    #[test]
    fn surfaces_are_separated_by_single_spaces_and_whitespace_is_skipped() {
        let tok = crate::Tokenizer::new(fixture::dictionary());
        let mut buffers = super::WakatiBuffers::default();
        let mut out = b"kept ".to_vec();
        tok.wakati_into("東京都 行った", Default::default(), &mut buffers, &mut out);
        assert_eq!(String::from_utf8(out).unwrap(), "kept 東 京都 行っ た");
        let mut out = Vec::new();
        tok.wakati_into("", Default::default(), &mut buffers, &mut out);
        assert!(out.is_empty());
    }
}
