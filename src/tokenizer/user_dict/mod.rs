//! User dictionaries: the user's own words (brands, creators, craft terms)
//! added to the lattice. Owns [`UserDictionary`], what the lattice consults
//! once a dictionary is attached ([`crate::Dictionary::attach_user_dictionary`]),
//! and its parser ([`parse`]) for the two formats:
//!
//! - **MeCab** (IPADIC's 13 columns): each line is one more lexicon entry,
//!   competing with the system lexicon on cost, as `mecab -u` does;
//! - **Kuromoji / Lucene** (`surface,segmentation,readings,part_of_speech`):
//!   an entry that matches wins: where one starts, the system lexicon is not
//!   consulted, and the entry costs [`KUROMOJI_WORD_COST`], so the path
//!   through it is taken; it yields its segmentation, readings and POS.
//!
//! The lattice reaches the lookup through a function pointer set only when a
//! dictionary is attached. The wasm bundle carries the parser too
//! (`jatopic.loadUserDictionary`, `jatopic-userdict.js`), so that BigQuery
//! and the browser read a user dictionary exactly as the CLI does.

pub mod packed;
pub mod parse;

use crate::artifact::calls;
use crate::error::Result;

/// [`crate::RawToken::base`] of a user token has this bit set; the other
/// bits index [`UserDictionary`]'s tokens. (Below [`crate::tokenizer::UNKNOWN`].)
pub const USER_TOKEN: u32 = 1 << 31;

/// Lucene's word cost of every user entry in the Kuromoji format: far below
/// any path through the system lexicon, so a matching entry is on the best path.
pub const KUROMOJI_WORD_COST: i32 = -100_000;
/// Lucene's left and right context id of user entries in the Kuromoji
/// format (IPADIC's `記号,一般`): the entry's neighbours connect as to a symbol.
pub const KUROMOJI_CONTEXT_ID: u16 = 5;

/// Whether `base` (a node's or a [`crate::RawToken`]'s) refers to a user entry.
#[inline]
pub fn is_user(base: u32) -> bool {
    (USER_TOKEN..crate::tokenizer::UNKNOWN).contains(&base)
}

/// Which format a user dictionary was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserDictFormat {
    /// MeCab's CSV, IPADIC's 13 columns.
    Mecab,
    /// Kuromoji / Lucene / Elasticsearch `surface,segmentation,readings,pos`.
    Kuromoji,
}

/// One way the lattice can cover a user surface: one node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    /// Left context id (how the node connects to what precedes it).
    pub left: u16,
    /// Right context id (how what follows connects to it).
    pub right: u16,
    /// Word cost.
    pub cost: i32,
    /// First of its tokens in [`UserDictionary::tokens`].
    pub first_token: u32,
    /// How many tokens it yields (1 in the MeCab format; the segments in Kuromoji's).
    pub n_tokens: u32,
}

/// The tokens user entries yield, their features in one string: one
/// allocation for a whole file, not one per entry (50,000 of them were a
/// tenth of a large file's load in wasm).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserTokens {
    /// Every token's nine features, concatenated.
    text: String,
    /// Per token: its length in code points, and where its features start
    /// and each ends in `text`.
    tokens: Vec<(u32, u32, [u32; 9])>,
}

/// One token a user entry yields: its length and its nine MeCab features.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UserToken<'a> {
    /// Length in code points.
    pub chars: u32,
    fields: [&'a str; 9],
}

impl<'a> UserToken<'a> {
    /// Feature `k` (0..9): POS ×4, conjugation type and form, base form,
    /// reading, pronunciation.
    pub fn field(&self, k: usize) -> &'a str {
        self.fields.get(k).copied().unwrap_or_default()
    }
}

impl UserTokens {
    /// Number of tokens.
    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// Appends a token of `chars` code points with `fields` (see [`UserToken::field`]).
    pub(crate) fn push(&mut self, chars: u32, fields: [&str; 9]) {
        let start = self.text.len() as u32;
        let mut ends = [0u32; 9];
        for (end, f) in ends.iter_mut().zip(fields) {
            self.text.push_str(f);
            *end = self.text.len() as u32;
        }
        self.tokens.push((chars, start, ends));
    }

    /// Token `k`.
    pub fn get(&self, k: usize) -> Option<UserToken<'_>> {
        let &(chars, start, ends) = self.tokens.get(k)?;
        let mut from = start as usize;
        let fields = ends.map(|end| {
            let field = self.text.get(from..end as usize).unwrap_or_default();
            from = end as usize;
            field
        });
        Some(UserToken { chars, fields })
    }

    /// Keeps the first `len` tokens.
    pub(crate) fn truncate(&mut self, len: usize) {
        if let Some(&(_, start, _)) = self.tokens.get(len) {
            self.text.truncate(start as usize);
        }
        self.tokens.truncate(len);
    }
}

/// A lattice node a user entry adds at some position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct UserMatch {
    /// Length of the surface in code points.
    pub len: u32,
    /// Index into [`UserDictionary::candidates`].
    pub candidate: u32,
}

/// A parsed user dictionary, ready for lookups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserDictionary {
    /// The format it was written in.
    pub format: UserDictFormat,
    /// SHA-256 of the file: what a model records.
    pub checksum: [u8; 32],
    /// Every distinct surface's code points, concatenated.
    surface_chars: Vec<char>,
    /// Distinct surfaces in code-point order: (start in `surface_chars`,
    /// length, first candidate, number of candidates).
    surfaces: Vec<(u32, u32, u32, u32)>,
    /// Nodes, grouped by surface in file order.
    pub candidates: Vec<Candidate>,
    /// Tokens, referred to by candidates.
    pub tokens: UserTokens,
}

impl UserDictionary {
    /// Number of distinct surfaces.
    pub fn surface_count(&self) -> usize {
        self.surfaces.len()
    }

    /// Whether a matching entry keeps the system lexicon out (Kuromoji's semantics).
    pub fn forced(&self) -> bool {
        self.format == UserDictFormat::Kuromoji
    }

    fn surface(&self, s: (u32, u32, u32, u32)) -> &[char] {
        &self.surface_chars[s.0 as usize..(s.0 + s.1) as usize]
    }

    /// The token of a [`crate::RawToken::base`] for which [`is_user`] holds.
    pub fn token(&self, base: u32) -> Option<UserToken<'_>> {
        self.tokens.get((base & !USER_TOKEN) as usize)
    }
}

/// Every entry whose surface starts `text`, shorter surfaces first and a
/// surface's entries in file order (the order MeCab adds lexicon nodes in).
/// Surfaces are sorted, so the ones sharing the first k characters of
/// `text` form a range that narrows as k grows.
pub(crate) fn lookup(user: &UserDictionary, text: &[char], out: &mut Vec<UserMatch>) {
    let (mut lo, mut hi) = (0usize, user.surfaces.len());
    for (k, &c) in text.iter().enumerate() {
        // In lo..hi every surface starts with text[..k]; the one of length k
        // (reported at the previous step) sorts first.
        let range = &user.surfaces[lo..hi];
        let skip = range.partition_point(|&s| {
            let s = user.surface(s);
            s.len() <= k || s[k] < c
        });
        let take = range[skip..].partition_point(|&s| user.surface(s)[k] == c);
        lo += skip;
        hi = lo + take;
        if lo == hi {
            return;
        }
        let s = user.surfaces[lo];
        if s.1 as usize == k + 1 {
            out.extend((s.2..s.2 + s.3).map(|candidate| UserMatch {
                len: s.1,
                candidate,
            }));
        }
    }
}

/// The tokens of the user node of `base` (`USER_TOKEN` | candidate)
/// covering `start..end`: one per segment of its entry (one in the MeCab
/// format), each passed to `push` as (start, end, [`crate::RawToken::base`]).
pub(crate) fn expand(
    user: &UserDictionary,
    start: usize,
    end: usize,
    base: u32,
    push: &mut dyn FnMut(usize, usize, u32),
) {
    let Some(c) = user.candidates.get((base & !USER_TOKEN) as usize) else {
        return;
    };
    let last = c.first_token + c.n_tokens;
    let mut at = start;
    for k in c.first_token..last {
        // A segment's length comes from the file; the last one ends the node.
        let len = user.tokens.get(k as usize).map_or(0, |t| t.chars as usize);
        let to = if k + 1 == last {
            end
        } else {
            (at + len).min(end)
        };
        push(at, to, USER_TOKEN | k);
        at = to;
    }
}

/// Builds the lookup table from `(surface, candidates)` sorted by surface
/// (each surface once), tokens already in `tokens`.
pub(crate) fn build<S, C>(
    format: UserDictFormat,
    checksum: [u8; 32],
    entries: impl IntoIterator<Item = (S, C)>,
    tokens: UserTokens,
) -> Result<UserDictionary>
where
    S: IntoIterator<Item = char>,
    C: IntoIterator<Item = Candidate>,
{
    let mut entries = entries.into_iter();
    let mut surface_chars = Vec::new();
    let mut surfaces = Vec::with_capacity(entries.size_hint().0);
    let mut candidates = Vec::with_capacity(entries.size_hint().0);
    calls::repeat(|| {
        let Some((surface, cands)) = entries.next() else {
            return Ok(false);
        };
        let (chars_at, candidates_at) = (surface_chars.len(), candidates.len());
        surface_chars.extend(surface);
        candidates.extend(cands);
        surfaces.push((
            chars_at as u32,
            (surface_chars.len() - chars_at) as u32,
            candidates_at as u32,
            (candidates.len() - candidates_at) as u32,
        ));
        Ok(true)
    })?;
    debug_assert!(surfaces.windows(2).all(|w| {
        let s = |x: (u32, u32, u32, u32)| &surface_chars[x.0 as usize..(x.0 + x.1) as usize];
        s(w[0]) < s(w[1])
    }));
    Ok(UserDictionary {
        format,
        checksum,
        surface_chars,
        surfaces,
        candidates,
        tokens,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_reports_every_prefix_entry_shortest_first() {
        let c = |first_token| Candidate {
            left: 1,
            right: 1,
            cost: 0,
            first_token,
            n_tokens: 1,
        };
        let chars = |s: &str| s.chars().collect::<Vec<_>>();
        let user = build(
            UserDictFormat::Mecab,
            [0; 32],
            vec![
                (chars("が"), vec![c(3)]),
                (chars("がま口"), vec![c(1), c(2)]),
                (chars("がま口ポーチ"), vec![c(0)]),
                (chars("ハーバリウム"), vec![c(4)]),
            ],
            UserTokens::default(),
        )
        .unwrap();
        let found = |text: &str| {
            let mut out = Vec::new();
            lookup(&user, &chars(text), &mut out);
            out.iter()
                .map(|m| (m.len, user.candidates[m.candidate as usize].first_token))
                .collect::<Vec<_>>()
        };
        assert_eq!(found("がま口ポーチです"), [(1, 3), (3, 1), (3, 2), (6, 0)]);
        assert_eq!(found("がま"), [(1, 3)]);
        assert_eq!(found("ハーバリウム"), [(6, 4)]);
        assert_eq!(found("ハーバ"), []);
        assert_eq!(found(""), []);
        assert!(is_user(USER_TOKEN) && !is_user(crate::tokenizer::UNKNOWN) && !is_user(7));
    }
}
