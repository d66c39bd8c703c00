//! The dictionary: IPADIC-derived lexicon, unknown-word rules, context ids with
//! their part-of-speech features, and the connection-cost matrix.
//!
//! # File format (`*.jtd`)
//! ```text
//! magic    "JATOPIC-DICT\n"           13 bytes
//! version  u16 LE                     FORMAT_VERSION
//! length   u32 LE                     length of the decompressed payload
//! checksum u64 LE                     FNV-1a 64 of the decompressed payload
//! payload  xz stream                  the sections below, in order
//! ```
//! The payload is column-oriented (each field of every record stored
//! together) because LZMA compresses homogeneous runs far better.
//! Every count and index is validated at load; a malformed file gives
//! [`Error::Format`] naming the problem, never a panic.

use crate::bytes::{fnv1a64, Reader};
use crate::error::{Error, Result};

/// First bytes of every dictionary file.
pub const MAGIC: &[u8; 13] = b"JATOPIC-DICT\n";
/// Bump when the payload layout or the meaning of any field changes, so that
/// old readers reject new files (and vice versa) instead of misreading them.
pub const FORMAT_VERSION: u16 = 1;
/// Refuse payloads that would decompress beyond this (keeps wasm memory bounded).
const MAX_PAYLOAD: usize = 16 << 20;
/// Upper bound on context ids (IPADIC has 1,316).
const MAX_IDS: u64 = 1 << 14;

/// Character category behaviour from IPADIC's `char.def`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CharCategory {
    /// Category name, e.g. `KATAKANA`.
    pub name: String,
    /// Try unknown words even when the lexicon has a match here.
    pub invoke: bool,
    /// Propose one unknown word spanning the whole run of this category.
    pub group: bool,
    /// Also propose unknown words of 1..=length characters.
    pub length: u32,
}

/// A code-point range and its categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CharRange {
    /// First code point.
    pub lo: u32,
    /// Last code point (inclusive).
    pub hi: u32,
    /// Bit i set when the character belongs to category i.
    pub mask: u32,
    /// The primary category, used for unknown-word rules.
    pub default: u8,
}

/// One analysis of a surface: context id, word cost and how to get the base form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// Context id (IPADIC uses the same id on both sides).
    pub id: u16,
    /// Word cost.
    pub cost: i16,
    /// Index into [`Dictionary::bases`], or `u32::MAX` when the base form is the surface.
    pub base: u32,
}

/// A conjugating word: its stem is in `stems`, its forms come from a paradigm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Lemma {
    pub paradigm: u32,
    /// Cost of the cheapest form; forms add their delta.
    pub cost: i16,
    /// Index into `bases`.
    pub base: u32,
}

/// One form of a paradigm: the ending after the stem, its context id and cost delta.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Form {
    pub suffix: u32,
    pub suffix_len: u16,
    pub id: u16,
    pub delta: i16,
}

/// Sorted, distinct strings (as code points) with common-prefix search.
#[derive(Debug, Clone, Default)]
pub(crate) struct SortedStrings {
    chars: Vec<char>,
    start: Vec<u32>,
}

impl SortedStrings {
    /// Reads a front-coded list: count, then (shared prefix length, suffix) per string.
    fn read(r: &mut Reader, allow_empty: bool) -> Result<Self> {
        let n = r.count("number of strings")?;
        let mut s = SortedStrings { chars: Vec::new(), start: Vec::with_capacity(n + 1) };
        s.start.push(0);
        let mut prev_start = 0usize;
        for k in 0..n {
            let shared = r.uvar()? as usize;
            let suffix = r.str()?;
            let start = s.chars.len();
            if shared > start - prev_start {
                return Err(r.err("front-coded prefix longer than the previous string"));
            }
            s.chars.extend_from_within(prev_start..prev_start + shared);
            s.chars.extend(suffix.chars());
            if s.chars.len() == start && !(allow_empty && k == 0) {
                return Err(r.err("empty string in a sorted list"));
            }
            if k > 0 && s.chars[prev_start..start] >= s.chars[start..] {
                return Err(r.err("strings are not strictly sorted"));
            }
            prev_start = start;
            s.start.push(s.chars.len() as u32);
        }
        Ok(s)
    }

    fn len(&self) -> usize {
        self.start.len() - 1
    }

    fn get(&self, i: usize) -> &[char] {
        &self.chars[self.start[i] as usize..self.start[i + 1] as usize]
    }

    /// Calls `f(length, index)` for every string that is a non-empty prefix
    /// of `text`, shortest first. Binary search narrows the range of strings
    /// sharing the prefix one character at a time: no index to build at load.
    fn prefixes(&self, text: &[char], mut f: impl FnMut(usize, usize)) {
        let (mut lo, mut hi) = (0usize, self.len());
        for (k, &c) in text.iter().enumerate() {
            // All strings in lo..hi start with text[..k]; the one equal to it, if any, is first.
            if lo < hi && self.get(lo).len() == k {
                lo += 1;
            }
            let key = |i: usize| self.chars[self.start[i] as usize + k];
            let (mut a, mut b) = (lo, hi);
            while a < b {
                let m = (a + b) / 2;
                if key(m) < c {
                    a = m + 1;
                } else {
                    b = m;
                }
            }
            lo = a;
            b = hi;
            while a < b {
                let m = (a + b) / 2;
                if key(m) <= c {
                    a = m + 1;
                } else {
                    b = m;
                }
            }
            hi = a;
            if lo == hi {
                return;
            }
            if self.get(lo).len() == k + 1 {
                f(k + 1, lo);
            }
        }
    }
}

/// A loaded dictionary, ready for lookups.
#[derive(Debug, Clone)]
pub struct Dictionary {
    /// Per context id: pos1, pos2, pos3, pos4, conjugation type, conjugation form.
    pub features: Vec<[String; 6]>,
    pub(crate) right_class: Vec<u16>,
    pub(crate) left_class: Vec<u16>,
    pub(crate) n_left_classes: usize,
    pub(crate) matrix: Vec<i16>,
    /// Character categories; index 0 is `DEFAULT`.
    pub categories: Vec<CharCategory>,
    pub(crate) ranges: Vec<CharRange>,
    /// Index of the `SPACE` category (skipped between tokens).
    pub(crate) space_category: u8,
    /// Unknown-word templates per category: (context id, cost).
    pub(crate) unknown: Vec<Vec<(u16, i16)>>,
    surfaces: SortedStrings,
    entry_start: Vec<u32>,
    pub(crate) entries: Vec<Entry>,
    stems: SortedStrings,
    lemma_start: Vec<u32>,
    pub(crate) lemmas: Vec<Lemma>,
    form_start: Vec<u32>,
    pub(crate) forms: Vec<Form>,
    pub(crate) suffix_chars: Vec<char>,
    /// Base forms that differ from the surface (plain entries, then one per lemma).
    pub(crate) bases: Vec<String>,
}

/// Everything needed to write a dictionary (the builder fills it in).
#[derive(Debug, Clone, Default)]
pub struct DictionarySource {
    /// Per context id: six feature fields.
    pub features: Vec<[String; 6]>,
    /// Full connection matrix, `matrix[right_id_of_previous][left_id_of_next]`.
    pub matrix: Vec<Vec<i16>>,
    /// Character categories, DEFAULT first.
    pub categories: Vec<CharCategory>,
    /// Non-overlapping sorted ranges.
    pub ranges: Vec<CharRange>,
    /// Unknown-word templates per category.
    pub unknown: Vec<Vec<(u16, i16)>>,
    /// Lexicon entries: (surface, id, cost, base form). Any order.
    pub lexicon: Vec<(String, u16, i16, String)>,
}

fn read_features(r: &mut Reader) -> Result<Vec<[String; 6]>> {
    let n = r.uvar_max(MAX_IDS, "number of context ids")? as usize;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let s = r.str()?;
        let parts: Vec<&str> = s.split(',').collect();
        if parts.len() != 6 {
            return Err(r.err("a feature must have 6 comma-separated fields"));
        }
        out.push(std::array::from_fn(|i| parts[i].to_string()));
    }
    Ok(out)
}

impl Dictionary {
    /// Parses a `.jtd` file (header + xz payload).
    pub fn from_bytes(file: &[u8]) -> Result<Dictionary> {
        let head = MAGIC.len() + 2 + 4 + 8;
        if file.len() < head || &file[..MAGIC.len()] != MAGIC {
            return Err(Error::Format(
                "not a jatopic dictionary (bad magic); expected a .jtd file built by `jatopic build-dict`".into(),
            ));
        }
        let m = MAGIC.len();
        let version = u16::from_le_bytes([file[m], file[m + 1]]);
        if version != FORMAT_VERSION {
            return Err(Error::Format(format!(
                "dictionary format version {version}, this jatopic reads version {FORMAT_VERSION}; rebuild it with `make dict`"
            )));
        }
        let len = u32::from_le_bytes(file[m + 2..m + 6].try_into().unwrap_or_default()) as usize;
        let sum = u64::from_le_bytes(file[m + 6..m + 14].try_into().unwrap_or_default());
        if len > MAX_PAYLOAD {
            return Err(Error::Format(format!("dictionary payload of {len} bytes is over the {MAX_PAYLOAD}-byte limit")));
        }
        let mut payload = Vec::with_capacity(len);
        let mut input = &file[head..];
        lzma_rs::xz_decompress(&mut input, &mut payload)
            .map_err(|e| Error::Format(format!("dictionary payload does not decompress: {e:?}")))?;
        if payload.len() != len {
            return Err(Error::Format(format!("dictionary payload is {} bytes, header says {len}", payload.len())));
        }
        if fnv1a64(&payload) != sum {
            return Err(Error::Format("dictionary checksum mismatch (file corrupted)".into()));
        }
        Self::from_payload(&payload)
    }

    fn from_payload(p: &[u8]) -> Result<Dictionary> {
        let mut r = Reader::new(p, "dictionary");
        let features = read_features(&mut r)?;
        let n_ids = features.len();
        if n_ids == 0 {
            return Err(r.err("no context ids"));
        }
        // Matrix, with ids mapped to classes of identical rows / columns.
        let n_rc = r.uvar_max(n_ids as u64, "right classes")? as usize;
        let n_lc = r.uvar_max(n_ids as u64, "left classes")? as usize;
        let mut right_class = Vec::with_capacity(n_ids);
        let mut left_class = Vec::with_capacity(n_ids);
        for _ in 0..n_ids {
            right_class.push(r.uvar_max(n_rc.saturating_sub(1) as u64, "right class")? as u16);
        }
        for _ in 0..n_ids {
            left_class.push(r.uvar_max(n_lc.saturating_sub(1) as u64, "left class")? as u16);
        }
        let quantum = r.uvar_max(1 << 12, "cost quantum")? as i64;
        let mut matrix = Vec::with_capacity(n_rc * n_lc);
        for _ in 0..n_rc * n_lc {
            let v = r.ivar()? * quantum;
            matrix.push(i16::try_from(v).map_err(|_| r.err("connection cost out of range"))?);
        }
        // Character categories and ranges.
        let n_cat = r.uvar_max(31, "number of character categories")? as usize;
        let mut categories = Vec::with_capacity(n_cat);
        for _ in 0..n_cat {
            let name = r.str()?.to_string();
            let flags = r.u8()?;
            let length = r.uvar_max(255, "unknown-word length")? as u32;
            categories.push(CharCategory { name, invoke: flags & 1 != 0, group: flags & 2 != 0, length });
        }
        if categories.is_empty() || categories[0].name != "DEFAULT" {
            return Err(r.err("the first character category must be DEFAULT"));
        }
        let space_category = categories
            .iter()
            .position(|c| c.name == "SPACE")
            .ok_or_else(|| r.err("no SPACE character category"))? as u8;
        let n_ranges = r.count("number of character ranges")?;
        let mut ranges = Vec::with_capacity(n_ranges);
        let mut next_lo = 0u64;
        for _ in 0..n_ranges {
            let lo = next_lo + r.uvar_max(0x10ffff, "range gap")?;
            let hi = lo + r.uvar_max(0x10ffff, "range length")?;
            if hi > 0x10ffff {
                return Err(r.err("character range beyond U+10FFFF"));
            }
            let mask = r.uvar_max((1u64 << n_cat) - 1, "category mask")? as u32;
            let default = r.uvar_max(n_cat as u64 - 1, "default category")? as u8;
            ranges.push(CharRange { lo: lo as u32, hi: hi as u32, mask, default });
            next_lo = hi + 1;
        }
        let mut unknown = Vec::with_capacity(n_cat);
        for _ in 0..n_cat {
            let n = r.count("unknown templates")?;
            let mut v = Vec::with_capacity(n);
            for _ in 0..n {
                let id = r.uvar_max(n_ids as u64 - 1, "unknown-word context id")? as u16;
                let cost = i16::try_from(r.ivar()?).map_err(|_| r.err("unknown-word cost out of range"))?;
                v.push((id, cost));
            }
            unknown.push(v);
        }
        // Plain lexicon, column-oriented: front-coded surfaces, then entry columns.
        let surfaces = SortedStrings::read(&mut r, false)?;
        let entry_start = read_group_sizes(&mut r, surfaces.len(), p.len())?;
        let total = *entry_start.last().unwrap_or(&0) as usize;
        let mut entries = vec![Entry { id: 0, cost: 0, base: u32::MAX }; total];
        for e in entries.iter_mut() {
            e.id = r.uvar_max(n_ids as u64 - 1, "entry context id")? as u16;
        }
        let word_quantum = r.uvar_max(1 << 10, "word cost quantum")? as i64;
        for e in entries.iter_mut() {
            e.cost = i16::try_from(r.ivar()? * word_quantum).map_err(|_| r.err("word cost out of range"))?;
        }
        let n_bases = r.count("number of base forms")?;
        let mut bases = Vec::with_capacity(n_bases);
        for _ in 0..n_bases {
            bases.push(r.str()?.to_string());
        }
        for e in entries.iter_mut() {
            let b = r.uvar_max(n_bases as u64, "base form index")?;
            e.base = if b == 0 { u32::MAX } else { (b - 1) as u32 };
        }
        // Paradigms: per paradigm the base-form ending and its forms.
        let n_par = r.count("number of paradigms")?;
        let form_start = read_group_sizes(&mut r, n_par, p.len())?;
        let mut base_suffixes = Vec::with_capacity(n_par);
        for _ in 0..n_par {
            base_suffixes.push(r.str()?.to_string());
        }
        let n_forms = *form_start.last().unwrap_or(&0) as usize;
        let mut forms = Vec::with_capacity(n_forms);
        let mut suffix_chars = Vec::new();
        for _ in 0..n_forms {
            let start = suffix_chars.len() as u32;
            suffix_chars.extend(r.str()?.chars());
            let suffix_len = u16::try_from(suffix_chars.len() - start as usize).map_err(|_| r.err("suffix too long"))?;
            forms.push(Form { suffix: start, suffix_len, id: 0, delta: 0 });
        }
        for f in forms.iter_mut() {
            f.id = r.uvar_max(n_ids as u64 - 1, "form context id")? as u16;
        }
        for f in forms.iter_mut() {
            f.delta = i16::try_from(r.ivar()? * word_quantum).map_err(|_| r.err("form cost out of range"))?;
        }
        // Lemmas, grouped by stem.
        let stems = SortedStrings::read(&mut r, true)?;
        let lemma_start = read_group_sizes(&mut r, stems.len(), p.len())?;
        let n_lemmas = *lemma_start.last().unwrap_or(&0) as usize;
        let mut lemmas = vec![Lemma { paradigm: 0, cost: 0, base: 0 }; n_lemmas];
        for l in lemmas.iter_mut() {
            l.paradigm = r.uvar_max(n_par.saturating_sub(1) as u64, "paradigm index")? as u32;
        }
        for l in lemmas.iter_mut() {
            l.cost = i16::try_from(r.ivar()? * word_quantum).map_err(|_| r.err("lemma cost out of range"))?;
        }
        for s in 0..stems.len() {
            for l in &mut lemmas[lemma_start[s] as usize..lemma_start[s + 1] as usize] {
                l.base = bases.len() as u32;
                let mut b: String = stems.get(s).iter().collect();
                b.push_str(&base_suffixes[l.paradigm as usize]);
                bases.push(b);
            }
        }
        if !r.at_end() {
            return Err(r.err("trailing bytes after the lexicon"));
        }
        Ok(Dictionary {
            features,
            right_class,
            left_class,
            n_left_classes: n_lc,
            matrix,
            categories,
            ranges,
            space_category,
            unknown,
            surfaces,
            entry_start,
            entries,
            stems,
            lemma_start,
            lemmas,
            form_start,
            forms,
            suffix_chars,
            bases,
        })
    }

    /// Connection cost from a token with context id `prev` to one with `next`.
    #[inline]
    pub fn connection(&self, prev: u16, next: u16) -> i32 {
        let rc = self.right_class[prev as usize] as usize;
        let lc = self.left_class[next as usize] as usize;
        i32::from(self.matrix[rc * self.n_left_classes + lc])
    }

    /// Category mask and primary category of a character.
    #[inline]
    pub fn char_info(&self, c: char) -> (u32, u8) {
        let c = c as u32;
        let i = self.ranges.partition_point(|r| r.hi < c);
        match self.ranges.get(i) {
            Some(r) if r.lo <= c => (r.mask, r.default),
            _ => (1, 0),
        }
    }

    /// Number of distinct surfaces of plain (non-conjugating) entries.
    pub fn surface_count(&self) -> usize {
        self.surfaces.len()
    }

    /// Number of plain lexicon entries.
    pub fn entry_count(&self) -> usize {
        self.entries.len()
    }

    /// Number of conjugating lemmas and of paradigms.
    pub fn lemma_count(&self) -> (usize, usize) {
        (self.lemmas.len(), self.form_start.len() - 1)
    }

    /// Calls `f(length, id, cost, base)` for every lexicon word (plain entry
    /// or conjugated form) that is a prefix of `text`. `base` indexes
    /// [`Dictionary::bases`] or is `u32::MAX` when the base form is the surface.
    pub(crate) fn lookup(&self, text: &[char], mut f: impl FnMut(usize, u16, i16, u32)) {
        self.surfaces.prefixes(text, |len, s| {
            for e in &self.entries[self.entry_start[s] as usize..self.entry_start[s + 1] as usize] {
                f(len, e.id, e.cost, e.base);
            }
        });
        let mut stem_match = |len: usize, s: usize| {
            let rest = &text[len..];
            for l in &self.lemmas[self.lemma_start[s] as usize..self.lemma_start[s + 1] as usize] {
                let p = l.paradigm as usize;
                for form in &self.forms[self.form_start[p] as usize..self.form_start[p + 1] as usize] {
                    let suffix = &self.suffix_chars[form.suffix as usize..][..usize::from(form.suffix_len)];
                    if rest.starts_with(suffix) && len + suffix.len() > 0 {
                        f(len + suffix.len(), form.id, l.cost.saturating_add(form.delta), l.base);
                    }
                }
            }
        };
        if self.stems.len() > 0 && self.stems.get(0).is_empty() {
            stem_match(0, 0);
        }
        self.stems.prefixes(text, &mut stem_match);
    }
}

/// Reads `n` group sizes and returns their running sums (n + 1 values).
fn read_group_sizes(r: &mut Reader, n: usize, limit: usize) -> Result<Vec<u32>> {
    let mut out = Vec::with_capacity(n + 1);
    out.push(0u32);
    let mut total = 0usize;
    for _ in 0..n {
        let k = r.uvar_max(1 << 12, "group size")? as usize;
        if k == 0 {
            return Err(r.err("empty group"));
        }
        total += k;
        if total > limit {
            return Err(r.err("group sizes exceed the payload size"));
        }
        out.push(total as u32);
    }
    Ok(out)
}

#[cfg(feature = "cli")]
impl DictionarySource {
    /// Serialises and xz-compresses the dictionary. `quantum` rounds connection
    /// costs, `word_quantum` word costs, to multiples of themselves (1 = exact).
    /// Also returns, per payload section, its raw and separately-xz'd size
    /// (the size breakdown reported by `build-dict`).
    pub fn encode(&self, quantum: i64, word_quantum: i64) -> Result<(Vec<u8>, Vec<(&'static str, usize, usize)>)> {
        use crate::bytes::Writer;
        use std::collections::HashMap;
        let mut w = Writer::default();
        let mut marks: Vec<(&'static str, usize)> = vec![("features", 0)];
        w.uvar(self.features.len() as u64);
        for f in &self.features {
            w.str(&f.join(","));
        }
        // Quantise, then merge identical rows (right contexts) and columns (left contexts).
        let n = self.features.len();
        let q = |v: i16| (f64::from(v) / quantum as f64).round() as i64;
        let mut row_class = vec![0usize; n];
        let mut rows: Vec<Vec<i64>> = Vec::new();
        let mut seen: HashMap<Vec<i64>, usize> = HashMap::new();
        for (i, row) in self.matrix.iter().enumerate() {
            let r: Vec<i64> = row.iter().map(|&v| q(v)).collect();
            let next = rows.len();
            row_class[i] = *seen.entry(r.clone()).or_insert_with(|| {
                rows.push(r);
                next
            });
        }
        let mut col_class = vec![0usize; n];
        let mut cols: Vec<Vec<i64>> = Vec::new();
        let mut seen: HashMap<Vec<i64>, usize> = HashMap::new();
        for j in 0..n {
            let c: Vec<i64> = rows.iter().map(|r| r[j]).collect();
            let next = cols.len();
            col_class[j] = *seen.entry(c.clone()).or_insert_with(|| {
                cols.push(c);
                next
            });
        }
        marks.push(("connection matrix", w.buf.len()));
        w.uvar(rows.len() as u64);
        w.uvar(cols.len() as u64);
        for &c in &row_class {
            w.uvar(c as u64);
        }
        for &c in &col_class {
            w.uvar(c as u64);
        }
        w.uvar(quantum as u64);
        for r in 0..rows.len() {
            for col in &cols {
                w.ivar(col[r]);
            }
        }
        marks.push(("characters + unknown words", w.buf.len()));
        w.uvar(self.categories.len() as u64);
        for c in &self.categories {
            w.str(&c.name);
            w.buf.push(u8::from(c.invoke) | (u8::from(c.group) << 1));
            w.uvar(u64::from(c.length));
        }
        w.uvar(self.ranges.len() as u64);
        let mut next_lo = 0u32;
        for r in &self.ranges {
            w.uvar(u64::from(r.lo - next_lo));
            w.uvar(u64::from(r.hi - r.lo));
            w.uvar(u64::from(r.mask));
            w.uvar(u64::from(r.default));
            next_lo = r.hi + 1;
        }
        for u in &self.unknown {
            w.uvar(u.len() as u64);
            for &(id, cost) in u {
                w.uvar(u64::from(id));
                w.ivar(i64::from(cost));
            }
        }
        // Conjugating words (their id has a conjugation type) become lemmas:
        // stem + paradigm. A paradigm lists (ending, id, cost - lemma cost) and
        // is shared by every lemma that inflects the same way at the same costs.
        let wq = word_quantum;
        let qw = |c: i16| (f64::from(c) / wq as f64).round() as i64;
        let mut lex = self.lexicon.clone();
        lex.sort();
        lex.dedup();
        type Forms<'x> = Vec<&'x (String, u16, i16, String)>;
        let mut by_lemma: HashMap<(&str, &str, [&str; 4]), Forms> = HashMap::new();
        let mut plain: Forms = Vec::new();
        for e in &lex {
            let f = &self.features[usize::from(e.1)];
            if f[4] == "*" {
                plain.push(e);
            } else {
                let key = (e.3.as_str(), f[4].as_str(), [f[0].as_str(), f[1].as_str(), f[2].as_str(), f[3].as_str()]);
                by_lemma.entry(key).or_default().push(e);
            }
        }
        // (stem, paradigm index, lemma cost)
        let mut lemmas: Vec<(Vec<char>, usize, i64)> = Vec::new();
        let mut paradigm_index: HashMap<(String, Vec<(String, u16, i64)>), usize> = HashMap::new();
        let mut paradigms: Vec<(String, Vec<(String, u16, i64)>)> = Vec::new();
        let mut keys: Vec<_> = by_lemma.keys().cloned().collect();
        keys.sort();
        for key in keys {
            let forms = &by_lemma[&key];
            let base: Vec<char> = key.0.chars().collect();
            let mut stem_len = base.len();
            for e in forms {
                let sc: Vec<char> = e.0.chars().collect();
                stem_len = stem_len.min(sc.iter().zip(&base).take_while(|(a, b)| a == b).count());
            }
            let cost = forms.iter().map(|e| qw(e.2)).min().unwrap_or(0);
            let mut par: Vec<(String, u16, i64)> =
                forms.iter().map(|e| (e.0.chars().skip(stem_len).collect(), e.1, qw(e.2) - cost)).collect();
            par.sort();
            let key_par = (base[stem_len..].iter().collect::<String>(), par);
            let next = paradigms.len();
            let idx = *paradigm_index.entry(key_par.clone()).or_insert_with(|| {
                paradigms.push(key_par);
                next
            });
            lemmas.push((base[..stem_len].to_vec(), idx, cost));
        }
        marks.push(("surfaces", w.buf.len()));
        let mut groups: Vec<(&str, Forms)> = Vec::new();
        for e in plain {
            match groups.last_mut() {
                Some((s, v)) if *s == e.0 => v.push(e),
                _ => groups.push((&e.0, vec![e])),
            }
        }
        let surfaces: Vec<Vec<char>> = groups.iter().map(|(s, _)| s.chars().collect()).collect();
        write_sorted(&mut w, &surfaces);
        marks.push(("entries per surface", w.buf.len()));
        for (_, v) in &groups {
            w.uvar(v.len() as u64);
        }
        marks.push(("entry context ids", w.buf.len()));
        for e in groups.iter().flat_map(|g| &g.1) {
            w.uvar(u64::from(e.1));
        }
        marks.push(("entry costs", w.buf.len()));
        w.uvar(wq as u64);
        for e in groups.iter().flat_map(|g| &g.1) {
            w.ivar(qw(e.2));
        }
        marks.push(("base forms", w.buf.len()));
        let mut base_index: HashMap<&str, usize> = HashMap::new();
        let mut bases: Vec<&str> = Vec::new();
        for e in groups.iter().flat_map(|g| &g.1) {
            if e.3 != e.0 && !base_index.contains_key(e.3.as_str()) {
                base_index.insert(&e.3, bases.len());
                bases.push(&e.3);
            }
        }
        w.uvar(bases.len() as u64);
        for b in &bases {
            w.str(b);
        }
        for e in groups.iter().flat_map(|g| &g.1) {
            let b = if e.3 == e.0 { 0 } else { base_index[e.3.as_str()] + 1 };
            w.uvar(b as u64);
        }
        marks.push(("paradigms", w.buf.len()));
        w.uvar(paradigms.len() as u64);
        for (_, forms) in &paradigms {
            w.uvar(forms.len() as u64);
        }
        for (base_suffix, _) in &paradigms {
            w.str(base_suffix);
        }
        for f in paradigms.iter().flat_map(|p| &p.1) {
            w.str(&f.0);
        }
        for f in paradigms.iter().flat_map(|p| &p.1) {
            w.uvar(u64::from(f.1));
        }
        for f in paradigms.iter().flat_map(|p| &p.1) {
            w.ivar(f.2);
        }
        marks.push(("lemma stems", w.buf.len()));
        lemmas.sort();
        let mut stem_groups: Vec<(Vec<char>, Vec<(usize, i64)>)> = Vec::new();
        for (stem, par, cost) in lemmas {
            match stem_groups.last_mut() {
                Some((s, v)) if *s == stem => v.push((par, cost)),
                _ => stem_groups.push((stem, vec![(par, cost)])),
            }
        }
        let stems: Vec<Vec<char>> = stem_groups.iter().map(|g| g.0.clone()).collect();
        write_sorted(&mut w, &stems);
        for (_, v) in &stem_groups {
            w.uvar(v.len() as u64);
        }
        marks.push(("lemma paradigms + costs", w.buf.len()));
        for l in stem_groups.iter().flat_map(|g| &g.1) {
            w.uvar(l.0 as u64);
        }
        for l in stem_groups.iter().flat_map(|g| &g.1) {
            w.ivar(l.1);
        }
        let payload = w.buf;
        let mut report = Vec::new();
        for (k, &(name, start)) in marks.iter().enumerate() {
            let end = marks.get(k + 1).map_or(payload.len(), |m| m.1);
            report.push((name, end - start, crate::compress::xz(&payload[start..end])?.len()));
        }
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&(payload.len() as u32).to_le_bytes());
        out.extend_from_slice(&fnv1a64(&payload).to_le_bytes());
        out.extend_from_slice(&crate::compress::xz(&payload)?);
        Ok((out, report))
    }
}

/// Writes sorted distinct strings front-coded (see `SortedStrings::read`).
#[cfg(feature = "cli")]
fn write_sorted(w: &mut crate::bytes::Writer, list: &[Vec<char>]) {
    w.uvar(list.len() as u64);
    let mut prev: &[char] = &[];
    for cur in list {
        let shared = prev.iter().zip(cur).take_while(|(a, b)| a == b).count();
        w.uvar(shared as u64);
        w.str(&cur[shared..].iter().collect::<String>());
        prev = cur;
    }
}
