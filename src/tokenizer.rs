//! Viterbi over the lexicon lattice, reproducing MeCab's analysis.
//!
//! All offsets are in Unicode code points (not bytes, not UTF-16 units), the
//! unit BigQuery's string functions use.

use crate::dict::Dictionary;
use crate::normalize;

/// Lines longer than this many characters are analysed in pieces, cut after a
/// sentence end or whitespace where possible; this bounds memory (MeCab
/// itself limits a lookup to 65,535 bytes).
pub const MAX_PIECE_CHARS: usize = 16_384;
/// MeCab's default `max_grouping_size`.
const MAX_GROUPING: usize = 24;

/// One morpheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token<'a> {
    /// The token's text, a slice of the input (even when normalisation is on).
    pub surface: &'a str,
    /// Start offset in code points into the input.
    pub start: usize,
    /// End offset (exclusive) in code points into the input.
    pub end: usize,
    /// IPADIC's four part-of-speech fields, `*` where empty.
    pub pos: [&'a str; 4],
    /// Conjugation type and form, `*` where not conjugating.
    pub conjugation: [&'a str; 2],
    /// Dictionary form; for unknown words, the surface as written.
    pub base_form: &'a str,
    /// True when the token came from the lexicon, false for unknown-word rules.
    pub known: bool,
}

impl Token<'_> {
    /// MeCab's seventh feature: the base form, or `*` for unknown words.
    pub fn mecab_base(&self) -> &str {
        if self.known {
            self.base_form
        } else {
            "*"
        }
    }
}

/// Options for [`Tokenizer::tokenize_with`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Width-normalise before analysis (full-width ASCII to ASCII, half-width
    /// katakana to full-width). Offsets and surfaces still refer to the input.
    pub normalize: bool,
}

#[derive(Clone, Copy)]
struct Node {
    start: u32,
    end: u32,
    id: u16,
    /// Index into `Dictionary::bases`, `u32::MAX` when the base form is the surface, or `UNKNOWN`.
    base: u32,
    cost: i32,
    prev: u32,
    /// Next node ending at the same position.
    next_same_end: u32,
}

const NONE: u32 = u32::MAX;
/// `Node::base` of an unknown word.
const UNKNOWN: u32 = u32::MAX - 1;

/// Tokenizer over a loaded [`Dictionary`].
pub struct Tokenizer {
    dict: Dictionary,
}

impl Tokenizer {
    /// Wraps a dictionary.
    pub fn new(dict: Dictionary) -> Self {
        Tokenizer { dict }
    }

    /// The dictionary in use.
    pub fn dictionary(&self) -> &Dictionary {
        &self.dict
    }

    /// Analyses `text` as MeCab would (no normalisation). Whitespace is
    /// skipped; surfaces plus the skipped whitespace reproduce the input.
    pub fn tokenize<'a>(&'a self, text: &'a str) -> Vec<Token<'a>> {
        self.tokenize_with(text, Options::default())
    }

    /// Analyses `text` with options.
    pub fn tokenize_with<'a>(&'a self, text: &'a str, opts: Options) -> Vec<Token<'a>> {
        let original: Vec<char> = text.chars().collect();
        let mut byte_at = Vec::with_capacity(original.len() + 1);
        byte_at.extend(text.char_indices().map(|(b, _)| b));
        byte_at.push(text.len());
        // Analysis runs on `chars`; `orig_index[i]` maps its positions back to the input.
        let (chars, orig_index) = if opts.normalize {
            normalize::width(&original)
        } else {
            (original.clone(), (0..=original.len()).collect())
        };
        let mut out = Vec::new();
        let mut lattice = Lattice::default();
        let mut piece_start = 0;
        while piece_start < chars.len() {
            let piece_end = piece_end(&chars, piece_start, &self.dict);
            lattice.run(&self.dict, &chars[piece_start..piece_end]);
            for n in lattice.best_path() {
                let (s, e) = (piece_start + n.start as usize, piece_start + n.end as usize);
                let (os, oe) = (orig_index[s], orig_index[e]);
                let f = &self.dict.features[n.id as usize];
                let base_form = self.dict.bases.get(n.base as usize).map(String::as_str);
                let surface = &text[byte_at[os]..byte_at[oe]];
                out.push(Token {
                    surface,
                    start: os,
                    end: oe,
                    pos: [&f[0], &f[1], &f[2], &f[3]],
                    conjugation: [&f[4], &f[5]],
                    base_form: base_form.unwrap_or(surface),
                    known: n.base != UNKNOWN,
                });
            }
            piece_start = piece_end;
        }
        out
    }
}

#[cfg(feature = "cli")]
impl Tokenizer {
    /// For each (previous id, next id), how many times Viterbi evaluates that
    /// connection while analysing `lines` (row-major, ids × ids).
    pub fn connection_counts<'a>(&self, lines: impl Iterator<Item = &'a str>) -> Vec<u32> {
        let n = self.dict.features.len();
        let mut lattice = Lattice { connection_counts: Some(vec![0; n * n]), ..Default::default() };
        for line in lines {
            let chars: Vec<char> = line.chars().take(MAX_PIECE_CHARS).collect();
            lattice.run(&self.dict, &chars);
        }
        lattice.connection_counts.unwrap_or_default()
    }
}

/// Where the piece starting at `start` ends: the whole rest if short enough,
/// else just after the last sentence end or whitespace within the limit.
fn piece_end(chars: &[char], start: usize, dict: &Dictionary) -> usize {
    let limit = start + MAX_PIECE_CHARS;
    if chars.len() <= limit {
        return chars.len();
    }
    let window = &chars[start + MAX_PIECE_CHARS / 2..limit];
    let cut = window
        .iter()
        .rposition(|&c| matches!(c, '。' | '．' | '！' | '？' | '!' | '?' | '\n'))
        .or_else(|| window.iter().rposition(|&c| dict.char_info(c).1 == dict.space_category));
    match cut {
        Some(i) => start + MAX_PIECE_CHARS / 2 + i + 1,
        None => limit,
    }
}

#[derive(Default)]
struct Lattice {
    nodes: Vec<Node>,
    /// Head of the list of nodes ending at each position.
    end_head: Vec<u32>,
    matches: Vec<(usize, u16, i16, u32)>,
    /// When set, counts how often each (previous id, next id) connection is
    /// evaluated; the dictionary builder uses it to weight matrix compression.
    connection_counts: Option<Vec<u32>>,
}

impl Lattice {
    fn run(&mut self, dict: &Dictionary, text: &[char]) {
        let n = text.len();
        // Trailing whitespace belongs to no token; EOS follows the last non-space.
        let space_mask = 1u32 << dict.space_category;
        let mut len = n;
        while len > 0 && dict.char_info(text[len - 1]).0 & space_mask != 0 {
            len -= 1;
        }
        self.nodes.clear();
        self.end_head.clear();
        self.end_head.resize(len + 1, NONE);
        self.nodes.push(Node { start: 0, end: 0, id: 0, base: UNKNOWN, cost: 0, prev: NONE, next_same_end: NONE });
        self.end_head[0] = 0;
        for pos in 0..len {
            if self.end_head[pos] == NONE {
                continue;
            }
            // Skip whitespace, as MeCab does.
            let mut begin = pos;
            while begin < len && dict.char_info(text[begin]).0 & space_mask != 0 {
                begin += 1;
            }
            if begin == len {
                continue;
            }
            self.lookup(dict, text, pos, begin, len);
        }
        // EOS.
        let mut best = (i32::MAX, NONE);
        let mut i = self.end_head[len];
        while i != NONE {
            let l = &self.nodes[i as usize];
            let c = l.cost.saturating_add(dict.connection(l.id, 0));
            if c < best.0 {
                best = (c, i);
            }
            i = l.next_same_end;
        }
        self.nodes[0].prev = best.1; // node 0 doubles as EOS's back-pointer holder
    }

    fn best_path(&self) -> Vec<Node> {
        let mut path = Vec::new();
        let mut i = self.nodes.first().map_or(NONE, |n| n.prev);
        while i != NONE && i != 0 {
            let n = self.nodes[i as usize];
            path.push(n);
            i = n.prev;
        }
        path.reverse();
        path
    }

    fn add(&mut self, dict: &Dictionary, from: usize, start: usize, end: usize, id: u16, wcost: i16, base: u32) {
        let mut best = (i32::MAX, NONE);
        let mut i = self.end_head[from];
        while i != NONE {
            let l = &self.nodes[i as usize];
            let c = l.cost.saturating_add(dict.connection(l.id, id));
            if c < best.0 {
                best = (c, i);
            }
            if let Some(counts) = &mut self.connection_counts {
                let n = dict.features.len();
                counts[usize::from(l.id) * n + usize::from(id)] += 1;
            }
            i = l.next_same_end;
        }
        if best.1 == NONE {
            return;
        }
        let idx = self.nodes.len() as u32;
        self.nodes.push(Node {
            start: start as u32,
            end: end as u32,
            id,
            base,
            cost: best.0.saturating_add(i32::from(wcost)),
            prev: best.1,
            next_same_end: self.end_head[end],
        });
        self.end_head[end] = idx;
    }

    /// MeCab's `Tokenizer::lookup`: lexicon matches at `begin`, then unknown
    /// words by the character category's rules.
    fn lookup(&mut self, dict: &Dictionary, text: &[char], from: usize, begin: usize, len: usize) {
        let mut matches = std::mem::take(&mut self.matches);
        matches.clear();
        dict.lookup(&text[begin..len], |l, id, cost, base| matches.push((l, id, cost, base)));
        for &(l, id, cost, base) in &matches {
            self.add(dict, from, begin, begin + l, id, cost, base);
        }
        let found = !matches.is_empty();
        self.matches = matches;
        let (mask0, cat) = dict.char_info(text[begin]);
        let category = &dict.categories[cat as usize];
        if found && !category.invoke {
            return;
        }
        let mut added = false;
        let unknown = |this: &mut Self, end: usize, added: &mut bool| {
            for &(id, cost) in &dict.unknown[cat as usize] {
                this.add(dict, from, begin, end, id, cost, UNKNOWN);
            }
            *added = true;
        };
        let mut group_end = usize::MAX;
        if category.group {
            // Extend while each character shares a category with the one before it.
            let mut p = begin + 1;
            let mut prev_mask = mask0;
            while p < len {
                let m = dict.char_info(text[p]).0;
                if m & prev_mask == 0 {
                    break;
                }
                prev_mask = m;
                p += 1;
            }
            if p - begin - 1 <= MAX_GROUPING {
                unknown(self, p, &mut added);
            }
            group_end = p;
        }
        let mut p = begin + 1;
        for _ in 0..category.length {
            if p > len {
                break;
            }
            if p != group_end {
                unknown(self, p, &mut added);
            }
            if p == len || dict.char_info(text[p]).0 & mask0 == 0 {
                break;
            }
            p += 1;
        }
        if !found && !added {
            unknown(self, begin + 1, &mut added);
        }
    }
}
