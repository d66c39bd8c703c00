//! Viterbi over the lexicon lattice, reproducing MeCab's analysis.
//!
//! All offsets are in Unicode code points (not bytes, not UTF-16 units), the
//! unit BigQuery's string functions use.

use crate::tokenizer::dictionary::connector::ConnectionCosts;
use crate::tokenizer::dictionary::Dictionary;
use crate::tokenizer::mode::{Mode, SpanPenalty};
use crate::tokenizer::normalize;
use crate::tokenizer::user_dict::{is_user, UserDictionary, UserMatch, USER_TOKEN};
use std::borrow::Cow;

/// Lines longer than this many characters are analysed in pieces, cut after a
/// sentence end or whitespace where possible; this bounds memory (MeCab
/// itself limits a lookup to 65,535 bytes).
pub const MAX_PIECE_CHARS: usize = 16_384;
/// Whether the lattice consults an attached user dictionary (natively and
/// in wasm: `jatopic.loadUserDictionary`).
const USER_DICTIONARIES: bool = true;
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
    /// IPADIC's reading (katakana) of a lexicon word when the dictionary
    /// has readings attached ([`Dictionary::attach_readings`]); `None` for
    /// unknown words and without readings.
    pub reading: Option<Cow<'a, str>>,
    /// IPADIC's pronunciation, as `reading`.
    pub pronunciation: Option<Cow<'a, str>>,
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
    /// Normal (MeCab's path) or search (long compounds split, see [`crate::tokenizer::mode`]).
    pub mode: Mode,
}

#[derive(Clone, Copy)]
struct Node {
    start: u32,
    end: u32,
    /// Context id; the right one (what a following node connects to) for a
    /// user entry whose ids differ.
    id: u16,
    /// Index into `Dictionary::bases`, `u32::MAX` when the base form is the
    /// surface, `UNKNOWN`, or `USER_TOKEN` | a user dictionary candidate.
    base: u32,
    cost: i32,
    prev: u32,
    /// Next node ending at the same position.
    next_same_end: u32,
}

const NONE: u32 = u32::MAX;
/// [`RawToken::base`] of a lexicon word whose base form is its surface.
pub const BASE_IS_SURFACE: u32 = u32::MAX;
/// [`RawToken::base`] of an unknown word.
pub const UNKNOWN: u32 = u32::MAX - 1;

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

    /// [`Dictionary::attach_readings`] on the dictionary in use (the wasm
    /// layer attaches readings to the tokenizer it has already built).
    pub fn attach_readings(&mut self, file: &[u8]) -> crate::Result<()> {
        self.dict.attach_readings(file)
    }

    /// Analyses `text` as MeCab would (no normalisation). Whitespace is
    /// skipped; surfaces plus the skipped whitespace reproduce the input.
    pub fn tokenize<'a>(&'a self, text: &'a str) -> Vec<Token<'a>> {
        self.tokenize_with(text, Options::default())
    }

    /// Analyses `text` with options.
    pub fn tokenize_with<'a>(&'a self, text: &'a str, opts: Options) -> Vec<Token<'a>> {
        let chars: Vec<char> = text.chars().collect();
        let mut byte_at = Vec::with_capacity(chars.len() + 1);
        byte_at.extend(text.char_indices().map(|(b, _)| b));
        byte_at.push(text.len());
        self.analyze(&chars, opts)
            .into_iter()
            .map(|t| {
                let surface = &text[byte_at[t.start]..byte_at[t.end]];
                if let Some(u) = self.user_token(t.base) {
                    return Token {
                        surface,
                        start: t.start,
                        end: t.end,
                        pos: [u.field(0), u.field(1), u.field(2), u.field(3)],
                        conjugation: [u.field(4), u.field(5)],
                        base_form: u.field(6),
                        known: true,
                        reading: Some(Cow::Borrowed(u.field(7))),
                        pronunciation: Some(Cow::Borrowed(u.field(8))),
                    };
                }
                let f = &self.dict.features[t.id as usize];
                let (reading, pronunciation) = self.reading(&chars[t.start..t.end], t, opts);
                Token {
                    surface,
                    start: t.start,
                    end: t.end,
                    pos: [&f[0], &f[1], &f[2], &f[3]],
                    conjugation: [&f[4], &f[5]],
                    base_form: self.dict.base_form(t.base).unwrap_or(surface),
                    known: t.base != UNKNOWN,
                    reading,
                    pronunciation,
                }
            })
            .collect()
    }

    /// The user dictionary's token of a [`RawToken::base`], if it is one.
    pub fn user_token(&self, base: u32) -> Option<crate::tokenizer::user_dict::UserToken<'_>> {
        if !is_user(base) {
            return None;
        }
        self.dict.user_dictionary()?.token(base)
    }

    /// The reading and pronunciation of token `t` whose input text is
    /// `chars` (analysed as `opts` says), when the dictionary has readings.
    fn reading(
        &self,
        chars: &[char],
        t: RawToken,
        opts: Options,
    ) -> (Option<Cow<'_, str>>, Option<Cow<'_, str>>) {
        if t.base == UNKNOWN {
            return (None, None);
        }
        self.dict
            .reading(chars, t.id, t.base, opts.normalize)
            .map_or((None, None), |(r, p)| (Some(r), Some(p)))
    }

    /// The analysis without strings, for callers that hold the text in
    /// another form (the wasm layer keeps it as a JS string). Offsets index
    /// `text`. See [`RawToken`].
    pub fn analyze(&self, text: &[char], opts: Options) -> Vec<RawToken> {
        // One scratch per thread: no lattice allocations per call, for
        // callers that share one `&Tokenizer` across threads (the CLI's
        // rayon loops). A caller with a loop of its own passes its buffers
        // explicitly to `analyze_with` (the wasm layer, the fuzz targets).
        thread_local! {
            static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
        }
        SCRATCH.with(|s| match s.try_borrow_mut() {
            Ok(mut s) => self.analyze_with(text, opts, &mut s),
            Err(_) => self.analyze_with(text, opts, &mut Scratch::default()),
        })
    }

    /// [`Tokenizer::analyze`] reusing buffers across calls (faster for many short texts).
    pub fn analyze_with(
        &self,
        text: &[char],
        opts: Options,
        scratch: &mut Scratch,
    ) -> Vec<RawToken> {
        let mut out = Vec::new();
        self.analyze_into(text, opts, scratch, &mut out);
        out
    }

    /// [`Tokenizer::analyze_with`] into `out` (cleared first), whose room is
    /// reused too: the wasm layer's per-call allocations were a few percent
    /// of a short text's analysis.
    pub fn analyze_into(
        &self,
        text: &[char],
        opts: Options,
        scratch: &mut Scratch,
        out: &mut Vec<RawToken>,
    ) {
        out.clear();
        self.dict.lexicon.analysed(text.len());
        // Analysis runs on `chars`; `orig_index[i]` maps its positions back to the input.
        let normalized;
        let (chars, orig_index): (&[char], Option<Vec<usize>>) = if opts.normalize {
            let (c, map) = normalize::width(text);
            normalized = c;
            (&normalized, Some(map))
        } else {
            (text, None)
        };
        let orig = |i: usize| orig_index.as_ref().map_or(i, |m| m[i]);
        let lattice = &mut scratch.lattice;
        let mut piece_start = 0;
        while piece_start < chars.len() {
            let piece_end = piece_end(chars, piece_start, &self.dict);
            lattice.run(
                &self.dict,
                &chars[piece_start..piece_end],
                opts.mode,
                &mut NotCounted,
            );
            lattice.best_path();
            for n in &lattice.path {
                let user = self.dict.attached_user().filter(|_| USER_DICTIONARIES);
                if let Some(u) = user.filter(|_| is_user(n.base)) {
                    let (start, end) = (n.start as usize, n.end as usize);
                    (u.expand)(&u.user, start, end, n.base, &mut |start, end, base| {
                        out.push(RawToken {
                            start: orig(piece_start + start),
                            end: orig(piece_start + end),
                            id: n.id,
                            base,
                        })
                    });
                    continue;
                }
                out.push(RawToken {
                    start: orig(piece_start + n.start as usize),
                    end: orig(piece_start + n.end as usize),
                    id: n.id,
                    base: n.base,
                });
            }
            piece_start = piece_end;
        }
    }

    /// Base form number `index` of [`RawToken::base`].
    pub fn base_form(&self, index: u32) -> Option<&str> {
        self.dict.base_form(index)
    }
}

/// The code points of UTF-16 `units` (a JS string), a lone surrogate being
/// one character U+FFFD, and where each starts in `units` plus where the
/// last ends (one more offset than characters): how code-point offsets from
/// [`Tokenizer::analyze`] become positions in a JS string.
pub fn decode_utf16(units: &[u16]) -> (Vec<char>, Vec<u32>) {
    let (mut chars, mut unit_at) = (Vec::new(), Vec::new());
    decode_utf16_into(units, &mut chars, &mut unit_at);
    (chars, unit_at)
}

/// [`decode_utf16`] into `chars` and `unit_at` (cleared first), reusing their room.
pub fn decode_utf16_into(units: &[u16], chars: &mut Vec<char>, unit_at: &mut Vec<u32>) {
    chars.clear();
    unit_at.clear();
    chars.reserve(units.len());
    unit_at.reserve(units.len() + 1);
    let mut unit = 0u32;
    for c in char::decode_utf16(units.iter().copied()) {
        unit_at.push(unit);
        let c = c.unwrap_or(char::REPLACEMENT_CHARACTER);
        // A lone surrogate is one unit, like any BMP character.
        unit += if (c as u32) >= 0x10000 { 2 } else { 1 };
        chars.push(c);
    }
    unit_at.push(unit);
}

/// Writes the UTF-8 of UTF-16 `units` (a lone surrogate as U+FFFD) to
/// `out`, which has room for 3 bytes per unit; returns the bytes written.
/// By hand, a branch per unit: `char::decode_utf16` and `encode_utf8` per
/// character took as long in wasm as the SHA-256 of the result
/// (`jatopic.loadUserDictionary` hands its text over this way). What it
/// writes is always valid UTF-8, whatever the units: the wasm layer relies
/// on that and does not check the text again (`user_dictionary_end`).
pub fn utf8_of_utf16(units: &[u16], out: &mut [u8]) -> usize {
    let mut o = 0;
    let mut i = 0;
    while let Some(&u) = units.get(i) {
        let u = u32::from(u);
        i += 1;
        let c = match u {
            0..=0x7F => {
                out[o] = u as u8;
                o += 1;
                continue;
            }
            0x80..=0x7FF => {
                out[o] = 0xC0 | (u >> 6) as u8;
                out[o + 1] = 0x80 | (u & 0x3F) as u8;
                o += 2;
                continue;
            }
            0xD800..=0xDBFF => match units.get(i).map(|&v| u32::from(v)) {
                Some(low @ 0xDC00..=0xDFFF) => {
                    i += 1;
                    0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00)
                }
                _ => 0xFFFD,
            },
            0xDC00..=0xDFFF => 0xFFFD,
            _ => u,
        };
        if c < 0x10000 {
            out[o] = 0xE0 | (c >> 12) as u8;
            out[o + 1] = 0x80 | ((c >> 6) & 0x3F) as u8;
            out[o + 2] = 0x80 | (c & 0x3F) as u8;
            o += 3;
        } else {
            out[o] = 0xF0 | (c >> 18) as u8;
            out[o + 1] = 0x80 | ((c >> 12) & 0x3F) as u8;
            out[o + 2] = 0x80 | ((c >> 6) & 0x3F) as u8;
            out[o + 3] = 0x80 | (c & 0x3F) as u8;
            o += 4;
        }
    }
    o
}

/// A token as positions and numbers: see [`Tokenizer::analyze`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawToken {
    /// Start offset in code points.
    pub start: usize,
    /// End offset (exclusive) in code points.
    pub end: usize,
    /// Context id: index into [`Dictionary::features`].
    pub id: u16,
    /// [`Tokenizer::base_form`] index; [`BASE_IS_SURFACE`] when the base form
    /// is the surface, [`UNKNOWN`] for an unknown word (base form = surface).
    pub base: u32,
}

impl Tokenizer {
    /// Parses the user dictionary `bytes` (the file `file`, named in errors)
    /// for this tokenizer's dictionary and attaches it
    /// ([`crate::tokenizer::user_dict::parse`] says which formats).
    #[cfg(feature = "cli")]
    pub fn attach_user_dictionary(&mut self, bytes: &[u8], file: &str) -> crate::Result<()> {
        self.attach_parsed_user_dictionary(|dict| {
            crate::tokenizer::user_dict::parse::parse(bytes, file, dict)
        })
    }

    /// Attaches the user dictionary `parse` makes for this tokenizer's
    /// dictionary (in wasm, a parse given the file's SHA-256:
    /// [`crate::tokenizer::user_dict::parse::parse_with_checksum`]). A
    /// rejected file leaves the tokenizer as it was.
    pub fn attach_parsed_user_dictionary(
        &mut self,
        parse: impl FnOnce(&Dictionary) -> crate::Result<UserDictionary>,
    ) -> crate::Result<()> {
        let user = parse(&self.dict)?;
        self.dict.attach_user_dictionary(user);
        Ok(())
    }

    /// Detaches the user dictionary, if any.
    pub fn detach_user_dictionary(&mut self) {
        self.dict.detach_user_dictionary();
    }
}

#[cfg(feature = "cli")]
impl Tokenizer {
    /// For each (previous id, next id), how many times Viterbi evaluates that
    /// connection while analysing `lines` (row-major, ids × ids), over every
    /// node (not only the cheapest per class): the dictionary builder
    /// weights matrix compression by it.
    pub fn connection_counts<'a>(&self, lines: impl Iterator<Item = &'a str>) -> Vec<u32> {
        let n = self.dict.features.len();
        let mut counts = ConnectionCounts {
            n_ids: n,
            counts: vec![0; n * n],
        };
        let mut lattice = Lattice::default();
        for line in lines {
            let chars: Vec<char> = line.chars().take(MAX_PIECE_CHARS).collect();
            lattice.run(&self.dict, &chars, Mode::Normal, &mut counts);
        }
        counts.counts
    }
}

/// What the lattice reports about the connections it evaluates: analysis
/// reports nothing ([`NotCounted`], which compiles away), the dictionary
/// builder counts them ([`ConnectionCounts`]). A type parameter rather than
/// a run-time flag, so the analysis loop carries no trace of the counting.
trait ConnectionObserver {
    /// Every node ending at a position is a predecessor (not only the
    /// cheapest per class), and no best predecessor is reused between
    /// nodes: each connection is evaluated, as the counts must see.
    const EVERY_PREDECESSOR: bool;
    /// The connections from each of `predecessors` (nodes of `nodes`) to a
    /// node of context id `next`.
    fn evaluated(&mut self, predecessors: &[Predecessor], nodes: &[Node], next: u16);
}

/// Analysis: nothing is observed.
struct NotCounted;

impl ConnectionObserver for NotCounted {
    const EVERY_PREDECESSOR: bool = false;
    #[inline(always)]
    fn evaluated(&mut self, _: &[Predecessor], _: &[Node], _: u16) {}
}

/// How often each (previous id, next id) connection is evaluated.
#[cfg(feature = "cli")]
struct ConnectionCounts {
    n_ids: usize,
    /// Row-major, ids × ids.
    counts: Vec<u32>,
}

#[cfg(feature = "cli")]
impl ConnectionObserver for ConnectionCounts {
    const EVERY_PREDECESSOR: bool = true;
    fn evaluated(&mut self, predecessors: &[Predecessor], nodes: &[Node], next: u16) {
        for p in predecessors {
            let prev = nodes[p.node as usize].id;
            self.counts[usize::from(prev) * self.n_ids + usize::from(next)] += 1;
        }
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
        .or_else(|| {
            window
                .iter()
                .rposition(|&c| dict.char_info(c).1 == dict.chars.space_category)
        });
    match cut {
        Some(i) => start + MAX_PIECE_CHARS / 2 + i + 1,
        None => limit,
    }
}

/// Buffers reused across [`Tokenizer::analyze_with`] calls.
#[derive(Default)]
pub struct Scratch {
    lattice: Lattice,
}

#[derive(Default)]
struct Lattice {
    nodes: Vec<Node>,
    /// Head of the list of nodes ending at each position, those that start
    /// last first. Viterbi takes the first of equally cheap predecessors, so
    /// the order breaks ties: with exact costs (the full tier) it is MeCab's,
    /// nodes that start at one position in the order they were added (an
    /// unknown word's parts of speech in `unk.def` order, say), with MeCab's
    /// output as the result. With the codebook's rounded costs, ties are
    /// mostly the rounding's, and the newest node comes first: the order the
    /// compact tier was measured with (MeCab's measured lower there: dev POS
    /// agreement 0.99889 against 0.99900).
    end_head: Vec<u32>,
    /// The last node of each list's first group (the nodes that start where
    /// its head starts), after which a node starting there too goes (exact
    /// costs only).
    end_tail: Vec<u32>,
    /// Category mask and primary category of each character.
    info: Vec<(u32, u8)>,
    /// Candidate predecessors at the current position. Only the cheapest
    /// node per right-context class is kept, since connection costs depend
    /// on the class only.
    left: Vec<Predecessor>,
    /// Per left-context class, the best predecessor at the current position
    /// (valid when the stamp equals `stamp`): candidates sharing a class share it.
    best_by_class: Vec<(u32, i32, u32)>,
    stamp: u32,
    path: Vec<Node>,
    /// Search mode's penalties for the current piece (kept between pieces).
    penalty: SpanPenalty,
    /// User dictionary entries starting at the current position.
    user_matches: Vec<UserMatch>,
    /// Where the lexicon's prefetch sinks what it loads (wasm).
    touched: u32,
}

/// A node ending at the current position, as a candidate predecessor.
#[derive(Clone, Copy)]
struct Predecessor {
    /// Its right-context class: the row of the class matrix.
    row: u32,
    /// Cost of the best path up to and including it.
    cost: i32,
    /// Index into `Lattice::nodes`.
    node: u32,
}

impl Lattice {
    fn run<O: ConnectionObserver>(
        &mut self,
        dict: &Dictionary,
        text: &[char],
        mode: Mode,
        observer: &mut O,
    ) {
        // The mode as a type parameter, so that normal mode's loop carries
        // no trace of the penalty (as fast as before search mode existed).
        match mode {
            Mode::Normal => self.run_in::<O, false>(dict, text, observer),
            Mode::Search => {
                self.penalty.prepare(text);
                self.run_in::<O, true>(dict, text, observer)
            }
        }
    }

    /// [`Lattice::run`] in search mode when `SEARCH`.
    fn run_in<O: ConnectionObserver, const SEARCH: bool>(
        &mut self,
        dict: &Dictionary,
        text: &[char],
        observer: &mut O,
    ) {
        self.info.clear();
        self.info.extend(text.iter().map(|&c| dict.char_info(c)));
        // Trailing whitespace belongs to no token; EOS follows the last non-space.
        let space_mask = 1u32 << dict.chars.space_category;
        let mut len = text.len();
        while len > 0 && self.info[len - 1].0 & space_mask != 0 {
            len -= 1;
        }
        self.nodes.clear();
        self.end_head.clear();
        self.end_head.resize(len + 1, NONE);
        self.end_tail.clear();
        self.end_tail.resize(len + 1, NONE);
        self.nodes.push(Node {
            start: 0,
            end: 0,
            id: 0,
            base: UNKNOWN,
            cost: 0,
            prev: NONE,
            next_same_end: NONE,
        });
        self.end_head[0] = 0;
        for pos in 0..len {
            if self.end_head[pos] == NONE {
                continue;
            }
            // Skip whitespace, as MeCab does.
            let mut begin = pos;
            while begin < len && self.info[begin].0 & space_mask != 0 {
                begin += 1;
            }
            if begin == len {
                continue;
            }
            self.gather_left::<O>(dict, pos);
            self.lookup::<O, SEARCH>(dict, text, begin, len, observer);
        }
        // EOS.
        self.gather_left::<O>(dict, len);
        let connector = &dict.connector;
        let eos_class = connector.left_class[0] as usize;
        let mut best = (i32::MAX, NONE);
        let column = eos_class * connector.n_right_classes;
        for l in &self.left {
            let c = l.cost + column_cost(&connector.costs, column, l.row as usize);
            if c < best.0 {
                best = (c, l.node);
            }
        }
        self.nodes[0].prev = best.1; // node 0 doubles as EOS's back-pointer holder
    }

    /// Collects the nodes ending at `pos` as predecessors.
    fn gather_left<O: ConnectionObserver>(&mut self, dict: &Dictionary, pos: usize) {
        self.left.clear();
        self.stamp = self.stamp.wrapping_add(1);
        let n_left_classes = dict.connector.n_left_classes;
        if self.best_by_class.len() != n_left_classes || self.stamp == 0 {
            self.best_by_class = vec![(0, 0, NONE); n_left_classes];
            self.stamp = 1;
        }
        let exact = dict.connector.is_exact();
        let mut i = self.end_head[pos];
        while i != NONE {
            let l = &self.nodes[i as usize];
            let candidate = Predecessor {
                row: u32::from(dict.connector.right_class[l.id as usize]),
                cost: l.cost,
                node: i,
            };
            let same_class = match O::EVERY_PREDECESSOR {
                true => None,
                false => self.left.iter().position(|e| e.row == candidate.row),
            };
            match same_class {
                // The class's cheapest node, first of equals, in the place
                // of that node in the list (exact costs): the first of
                // equally cheap predecessors across classes is then MeCab's.
                Some(k) if l.cost < self.left[k].cost && exact => {
                    self.left.remove(k);
                    self.left.push(candidate);
                }
                Some(k) if l.cost < self.left[k].cost => self.left[k] = candidate,
                Some(_) => {}
                None => self.left.push(candidate),
            }
            i = l.next_same_end;
        }
    }

    /// Fills `path` with the best path's nodes, in order.
    fn best_path(&mut self) {
        self.path.clear();
        let mut i = self.nodes.first().map_or(NONE, |n| n.prev);
        while i != NONE && i != 0 {
            let n = self.nodes[i as usize];
            self.path.push(n);
            i = n.prev;
        }
        self.path.reverse();
    }

    #[inline]
    #[allow(clippy::too_many_arguments)]
    fn add<O: ConnectionObserver, const SEARCH: bool>(
        &mut self,
        dict: &Dictionary,
        start: usize,
        end: usize,
        (left, id): (u16, u16),
        wcost: i32,
        base: u32,
        observer: &mut O,
    ) {
        let connector = &dict.connector;
        let col = connector.left_class[left as usize] as usize;
        let cached = self.best_by_class[col];
        let best = if cached.0 == self.stamp && !O::EVERY_PREDECESSOR {
            (cached.1, cached.2)
        } else {
            let n_rows = connector.n_right_classes;
            // One loop per layout, the layout decided once per column.
            let least = match &connector.costs {
                ConnectionCosts::Codebook { matrix, codebook } => {
                    let column = &matrix[col * n_rows..][..n_rows];
                    least_predecessor(&self.left, |row| {
                        i32::from(codebook[usize::from(column[row])])
                    })
                }
                ConnectionCosts::Exact(matrix) => {
                    let column = &matrix[col * n_rows..][..n_rows];
                    least_predecessor(&self.left, |row| i32::from(column[row]))
                }
            };
            let best = match self.left.get((least & 0xFFFF_FFFF) as usize) {
                Some(l) if least != i64::MAX => ((least >> 32) as i32, l.node),
                _ => (i32::MAX, NONE),
            };
            self.best_by_class[col] = (self.stamp, best.0, best.1);
            best
        };
        observer.evaluated(&self.left, &self.nodes, id);
        if best.1 == NONE {
            return;
        }
        // User entries are exempt, as in Lucene's search mode.
        let penalty = if SEARCH && !(USER_DICTIONARIES && is_user(base)) {
            self.penalty.of(start, end)
        } else {
            0
        };
        let idx = self.nodes.len() as u32;
        let head = self.end_head[end];
        let tail = self.end_tail[end];
        // After the nodes already there from the same start, else first.
        let joins_head_group = connector.is_exact()
            && self
                .nodes
                .get(head as usize)
                .is_some_and(|h| h.start == start as u32);
        let next_same_end = match (joins_head_group, self.nodes.get_mut(tail as usize)) {
            (true, Some(t)) => std::mem::replace(&mut t.next_same_end, idx),
            _ => {
                self.end_head[end] = idx;
                head
            }
        };
        self.end_tail[end] = idx;
        self.nodes.push(Node {
            start: start as u32,
            end: end as u32,
            id,
            base,
            cost: best.0 + wcost + penalty,
            prev: best.1,
            next_same_end,
        });
    }

    /// MeCab's `Tokenizer::lookup`: lexicon matches at `begin`, then unknown
    /// words by the character category's rules.
    fn lookup<O: ConnectionObserver, const SEARCH: bool>(
        &mut self,
        dict: &Dictionary,
        text: &[char],
        begin: usize,
        len: usize,
        observer: &mut O,
    ) {
        let mut found = false;
        let mut matches = Vec::new();
        let mut forced = false;
        let user = dict.attached_user().filter(|_| USER_DICTIONARIES);
        if let Some(u) = user {
            matches = std::mem::take(&mut self.user_matches);
            matches.clear();
            (u.lookup)(&u.user, &text[begin..len], &mut matches);
            // Kuromoji's semantics: where a user entry starts, the system
            // lexicon is not consulted.
            forced = u.user.forced() && !matches.is_empty();
        }
        dict.lexicon.prefetch(&text[begin..len], &mut self.touched);
        if !forced {
            dict.lexicon.lookup(&text[begin..len], |l, id, cost, base| {
                self.add::<O, SEARCH>(
                    dict,
                    begin,
                    begin + l,
                    (id, id),
                    cost.into(),
                    base,
                    observer,
                );
                found = true;
            });
        }
        // After the system lexicon's, as `mecab -u` adds them.
        if let Some(u) = user {
            for m in &matches {
                let c = u.user.candidates[m.candidate as usize];
                let end = begin + m.len as usize;
                let base = USER_TOKEN | m.candidate;
                self.add::<O, SEARCH>(dict, begin, end, (c.left, c.right), c.cost, base, observer);
                found = true;
            }
            self.user_matches = matches;
        }
        let (mask0, cat) = self.info[begin];
        let category = &dict.chars.categories[cat as usize];
        if found && !category.invoke {
            return;
        }
        let mut added = false;
        let unknown = |this: &mut Self, end: usize, added: &mut bool, observer: &mut O| {
            for u in &dict.unknown[cat as usize] {
                this.add::<O, SEARCH>(
                    dict,
                    begin,
                    end,
                    (u.id, u.id),
                    u.cost.into(),
                    UNKNOWN,
                    observer,
                );
            }
            *added = true;
        };
        let mut group_end = usize::MAX;
        if category.group {
            // Extend while each character shares a category with the one before it.
            // A run longer than MAX_GROUPING + 1 gets no group token, so the
            // scan stops there: a megabyte of one class stays linear, not quadratic.
            let limit = len.min(begin + (MAX_GROUPING + 2).max(category.length as usize + 1));
            let mut p = begin + 1;
            let mut prev_mask = mask0;
            while p < limit {
                let m = self.info[p].0;
                if m & prev_mask == 0 {
                    break;
                }
                prev_mask = m;
                p += 1;
            }
            if p - begin - 1 <= MAX_GROUPING {
                unknown(self, p, &mut added, observer);
            }
            // A scan cut short ends beyond every length the loop below reaches.
            if p < limit || limit == len {
                group_end = p;
            }
        }
        // Unknown words of 1..=length characters of the same category.
        for p in (begin + 1..=len).take(category.length as usize) {
            if p != group_end {
                unknown(self, p, &mut added, observer);
            }
            if p == len || self.info[p].0 & mask0 == 0 {
                break;
            }
        }
        if !found && !added {
            unknown(self, begin + 1, &mut added, observer);
        }
    }
}

/// The connection cost of class cell `column + row` (the EOS column: not hot).
fn column_cost(costs: &ConnectionCosts, column: usize, row: usize) -> i32 {
    match costs {
        ConnectionCosts::Codebook { matrix, codebook } => {
            i32::from(codebook[usize::from(matrix[column + row])])
        }
        ConnectionCosts::Exact(matrix) => i32::from(matrix[column + row]),
    }
}

/// The cheapest predecessor, the first of equals, as the least (cost,
/// place) key: a branch on each comparison would be mispredicted often.
/// `cost_of_row` is the connection cost from a predecessor's row class.
#[inline(always)]
fn least_predecessor(left: &[Predecessor], cost_of_row: impl Fn(usize) -> i32) -> i64 {
    let mut least = i64::MAX;
    for (place, l) in left.iter().enumerate() {
        // No overflow: a piece has at most MAX_PIECE_CHARS tokens of
        // cost < 2^16 each, plus search penalties < 6000 per character;
        // downwards, a Kuromoji-format user node (≥ 1 character) costs
        // −100,000 and IPADIC's connections ≥ −16,124: above −1.91e9.
        let c = l.cost + cost_of_row(l.row as usize);
        least = least.min(i64::from(c) << 32 | place as i64);
    }
    least
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_offsets_count_a_pair_as_two_units_and_a_lone_surrogate_as_one() {
        // "a", U+20BB7 (a surrogate pair), a lone high surrogate, "b".
        let units = [0x61, 0xD842, 0xDFB7, 0xD800, 0x62];
        let (chars, unit_at) = decode_utf16(&units);
        assert_eq!(chars, ['a', '\u{20BB7}', '\u{FFFD}', 'b']);
        assert_eq!(unit_at, [0, 1, 3, 4, 5]);
        assert_eq!(decode_utf16(&[]), (vec![], vec![0]));
    }

    #[test]
    fn utf8_of_utf16_is_std_lossy_conversion() {
        // ASCII, 2- and 3-byte characters, a pair, lone high and low
        // surrogates (also last), a reversed pair.
        let cases: [&[u16]; 6] = [
            &[],
            &[0x61, 0x7F, 0x80, 0x7FF, 0x800, 0xFFFF],
            &[0xD842, 0xDFB7, 0x3042],
            &[0xD800, 0x61, 0xDC00, 0xD800],
            &[0xDC00, 0xD800],
            &[0xDBFF, 0xDFFF, 0xD800, 0xDBFF, 0xDFFF],
        ];
        for units in cases {
            let mut out = vec![0u8; 3 * units.len()];
            let n = utf8_of_utf16(units, &mut out);
            assert_eq!(
                &out[..n],
                String::from_utf16_lossy(units).as_bytes(),
                "{units:x?}"
            );
        }
    }

    /// Analyses with the tiny fixture dictionary (tests/fixtures/tiny-ipadic,
    /// whose README derives each expectation from its costs).
    #[cfg(feature = "cli")]
    mod fixture_dictionary {
        use crate::tokenizer::fixture::{analysis, tokenizer};

        #[test]
        fn the_cheapest_path_wins_not_the_longest_first_match() {
            let tok = tokenizer();
            assert_eq!(analysis(&tok, "東京都"), ["東/名詞/東", "京都/名詞/京都"]);
        }

        #[test]
        fn a_connection_cost_turns_the_choice_around() {
            let tok = tokenizer();
            assert_eq!(
                analysis(&tok, "東京都に"),
                ["東京/名詞/東京", "都/名詞/都", "に/助詞/に"]
            );
        }

        #[test]
        fn conjugated_forms_are_stem_plus_ending() {
            let tok = tokenizer();
            assert_eq!(analysis(&tok, "行った"), ["行っ/動詞/行く", "た/助動詞/た"]);
            assert_eq!(analysis(&tok, "行く"), ["行く/動詞/行く"]);
            let tokens = tok.tokenize("行った");
            assert_eq!(tokens[0].conjugation, ["五段・カ行促音便", "連用タ接続"]);
            assert!(tokens[0].known);
        }

        #[test]
        fn unknown_words_follow_their_character_category() {
            let tok = tokenizer();
            // KATAKANA invokes unknown words even where the lexicon has テレ.
            assert_eq!(analysis(&tok, "テレビ"), ["テレビ/名詞/*"]);
            // KANJI: no grouping, words of up to 2 characters.
            assert_eq!(analysis(&tok, "猫犬"), ["猫犬/名詞/*"]);
            // ALPHA and NUMERIC group their runs.
            assert_eq!(analysis(&tok, "abc123"), ["abc/名詞/*", "123/名詞/*"]);
            let tokens = tok.tokenize("abc123");
            assert_eq!(tokens[1].pos, ["名詞", "数", "*", "*"]);
            assert!(!tokens[1].known);
        }

        #[test]
        fn reused_buffers_keep_nothing_from_the_previous_text() {
            use crate::tokenizer::{decode_utf16_into, Options, Scratch};
            let tok = tokenizer();
            let (mut chars, mut unit_at, mut out) = (Vec::new(), Vec::new(), Vec::new());
            let mut scratch = Scratch::default();
            for text in ["東京都に行った", "猫", "", "abc123 東京都"] {
                let units: Vec<u16> = text.encode_utf16().collect();
                decode_utf16_into(&units, &mut chars, &mut unit_at);
                tok.analyze_into(&chars, Options::default(), &mut scratch, &mut out);
                let fresh: Vec<char> = text.chars().collect();
                assert_eq!(chars, fresh, "{text}");
                assert_eq!(unit_at.len(), fresh.len() + 1, "{text}");
                assert_eq!(out, tok.analyze(&fresh, Options::default()), "{text}");
            }
        }

        #[test]
        fn whitespace_is_skipped_and_offsets_are_code_points() {
            let tok = tokenizer();
            let spans: Vec<_> = tok
                .tokenize(" 東京\tに ")
                .iter()
                .map(|t| (t.surface, t.start, t.end))
                .collect();
            assert_eq!(spans, [("東京", 1, 3), ("に", 4, 5)]);
        }

        #[test]
        fn connection_counts_cover_every_evaluation() {
            // 東京都: BOS → 東, 東京; 東 → 京, 京都; 東京 → 都 and 京 → 都.
            let tok = tokenizer();
            let counts = tok.connection_counts(["東京都"].into_iter());
            let n = tok.dictionary().features.len();
            let mut expected = vec![0; n * n];
            for (prev, next) in [(0, 1), (0, 2), (1, 1), (1, 2), (2, 1), (1, 1)] {
                expected[prev * n + next] += 1;
            }
            assert_eq!(counts, expected);
        }
    }
}
