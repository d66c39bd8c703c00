//! The dictionary: IPADIC-derived lexicon, unknown-word rules, context ids with
//! their part-of-speech features, and the connection-cost matrix.
//!
//! # File format (`*.jtd`)
//! ```text
//! magic    "JATOPIC-DICT\n"           13 bytes
//! version  u16 LE                     FORMAT_VERSION
//! stored   u32 LE                     length of the stored (uncompressed) section
//! length   u32 LE                     length of the decompressed payload
//! checksum u64 LE                     FNV-1a 64 of stored section + decompressed payload
//! stored section                      connection costs, one codebook index per cell
//! payload  .lzma stream               the other sections, in order (see `bytes::unlzma`)
//! ```
//! The payload is column-oriented (each field of every record stored
//! together) because LZMA compresses homogeneous runs far better. The
//! connection matrix barely compresses, and LZMA decoding (in wasm, the bulk
//! of cold start) costs time per decoded byte, so it is stored as is.
//! Every count and index is validated at load; a malformed file gives
//! [`Error::Format`] naming the problem, never a panic.

use crate::artifact::bytes::{fnv1a64, fnv1a64_more, Reader};
use crate::error::{Error, Result};

/// First bytes of every dictionary file.
pub const MAGIC: &[u8; 13] = b"JATOPIC-DICT\n";
/// Bump when the payload layout or the meaning of any field changes, so that
/// old readers reject new files (and vice versa) instead of misreading them.
pub const FORMAT_VERSION: u16 = 2;
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
    /// Index into `Dictionary::bases`, or `u32::MAX` when the base form is the surface.
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

/// Where a paradigm's forms are and what their endings start with: one
/// record, so that a lemma costs one read until one of its endings can match.
#[derive(Debug, Clone, Copy)]
struct ParadigmForms {
    /// Bit (c mod 64) set for the first character c of each non-empty ending.
    first_chars: u64,
    /// Forms `forms[form_lo..][..n_forms]`, sorted by ending: the `n_empty`
    /// forms with an empty ending first.
    form_lo: u32,
    n_forms: u16,
    n_empty: u16,
}

/// Sorted, distinct strings (as code points), as stored in the file.
#[derive(Debug, Clone, Default)]
pub(crate) struct SortedStrings {
    chars: Vec<char>,
    start: Vec<u32>,
}

impl SortedStrings {
    /// Reads a front-coded list: count, then (shared prefix length, suffix) per string.
    fn read(r: &mut Reader, strings: &mut StringReader) -> Result<Self> {
        let n = r.count("number of strings")?;
        let mut s = SortedStrings {
            chars: Vec::new(),
            start: Vec::with_capacity(n + 1),
        };
        s.start.push(0);
        let mut prev_start = 0usize;
        for k in 0..n {
            let shared = r.uvar()? as usize;
            let start = s.chars.len();
            if shared > start - prev_start {
                return Err(r.err("front-coded prefix longer than the previous string"));
            }
            s.chars.extend_from_within(prev_start..prev_start + shared);
            strings.read_into(r, &mut s.chars)?;
            if s.chars.len() == start {
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
}

/// The surfaces of plain entries and the stems of conjugating lemmas in one
/// trie, built at load from the two sorted lists. One walk per text position
/// finds both, and each step reads one node and one short sorted run of
/// child labels: far fewer scattered reads than binary searches over the
/// sorted strings (lookups were a third of the analysis time).
#[derive(Debug, Clone, Default)]
struct Trie {
    /// Per BMP code point, the root's child labelled with it, or `NO_NODE`.
    first: Vec<u32>,
    /// Each node's label; the children of a node are contiguous, sorted by label.
    labels: Vec<char>,
    nodes: Vec<TrieNode>,
    /// What ends at each node, nodes in order: its live entries, then a
    /// [`STEM`] item when it is the stem of lemmas. In one array, node by
    /// node, so that one read usually fetches a node's items.
    items: Vec<Entry>,
}

/// [`Entry::id`] of a trie item marking a stem: its lemmas are
/// `lemmas[base..][..cost]` (no context id is this large: [`MAX_IDS`]).
const STEM: u16 = u16::MAX;

/// A trie node: where its children are, and what ends at it.
#[derive(Debug, Clone, Copy, Default)]
struct TrieNode {
    /// Children: `n_child` nodes from `child_lo`.
    child_lo: u32,
    /// The first child's label: most nodes on a walk have one child, and
    /// comparing here saves the read of `labels`.
    first_label: u32,
    /// Items (entries and stems) ending here: `n_item` from `item_lo`.
    item_lo: u32,
    // Narrow counts keep a node at 16 bytes, four per cache line: lookups
    // are bound by reads of scattered nodes (IPADIC's largest counts are 504
    // children below the root and 10 items).
    n_child: u16,
    n_item: u8,
}

const NO_NODE: u32 = u32::MAX;

impl Trie {
    /// Builds the trie of both lists: surface s has entries
    /// `entries[entry_start[s]..entry_end[s]]`, stem t lemmas
    /// `lemma_start[t]..lemma_start[t + 1]`. Linear in their characters.
    /// Fails when a count does not fit its field in [`TrieNode`].
    fn build(
        surfaces: &SortedStrings,
        entries: &[Entry],
        entry_start: &[u32],
        entry_end: &[u32],
        stems: &SortedStrings,
        lemma_start: &[u32],
    ) -> Result<Trie> {
        let too_many = |what: &str| {
            Error::Format(format!(
                "dictionary has {what} (this jatopic's limit); rebuild it from IPADIC with `make dict`"
            ))
        };
        use std::cmp::Ordering;
        // Both lists merged in order: (string, surface index, stem index).
        let mut keys: Vec<(&[char], u32, u32)> = Vec::with_capacity(surfaces.len() + stems.len());
        let (mut i, mut j) = (0, 0);
        while i < surfaces.len() || j < stems.len() {
            let order = match (i < surfaces.len(), j < stems.len()) {
                (true, true) => surfaces.get(i).cmp(stems.get(j)),
                (true, false) => Ordering::Less,
                _ => Ordering::Greater,
            };
            match order {
                Ordering::Less => keys.push((surfaces.get(i), i as u32, NO_NODE)),
                Ordering::Greater => keys.push((stems.get(j), NO_NODE, j as u32)),
                Ordering::Equal => keys.push((surfaces.get(i), i as u32, j as u32)),
            }
            i += usize::from(order != Ordering::Greater);
            j += usize::from(order != Ordering::Less);
        }
        // Each node's children are appended as one block when the node is
        // reached; nodes are reached depth first, so the keys under a node
        // are still in cache while its subtree is built.
        // Exactly one node per distinct non-empty prefix, plus the root: sized
        // up front, since wasm memory never shrinks after a reallocation.
        let n_nodes = 1 + keys
            .iter()
            .zip(std::iter::once(&[][..]).chain(keys.iter().map(|k| k.0)))
            .map(|(k, prev)| k.0.len() - k.0.iter().zip(prev).take_while(|(a, b)| a == b).count())
            .sum::<usize>();
        let mut nodes = Vec::with_capacity(n_nodes);
        let mut labels = Vec::with_capacity(n_nodes);
        let mut items = Vec::with_capacity(entries.len() + stems.len());
        nodes.push(TrieNode::default());
        labels.push('\0');
        // (node, keys under it (sharing their first `depth` characters), depth)
        let mut stack = vec![(0usize, 0usize, keys.len(), 0usize)];
        while let Some((n, lo, hi, d)) = stack.pop() {
            let mut k = lo;
            // The key equal to the shared prefix, if any, sorts first.
            if k < hi && keys[k].0.len() == d {
                let (_, s, t) = keys[k];
                let item_lo = items.len();
                if s != NO_NODE {
                    let (lo, hi) = (entry_start[s as usize], entry_end[s as usize]);
                    items.extend_from_slice(entries.get(lo as usize..hi as usize).ok_or_else(
                        || Error::Format("dictionary entry ranges out of order".to_string()),
                    )?);
                }
                if t != NO_NODE {
                    let (lo, hi) = (lemma_start[t as usize], lemma_start[t as usize + 1]);
                    items.push(Entry {
                        id: STEM,
                        cost: u8::try_from(hi - lo)
                            .map_err(|_| too_many("more than 255 lemmas with one stem"))?
                            .into(),
                        base: lo,
                    });
                }
                nodes[n].item_lo = item_lo as u32;
                nodes[n].n_item = u8::try_from(items.len() - item_lo).map_err(|_| {
                    too_many("more than 255 entries with one surface (254 if it is a stem too)")
                })?;
                k += 1;
            }
            nodes[n].child_lo = nodes.len() as u32;
            let pending = stack.len();
            while k < hi {
                let c = keys[k].0[d];
                let mut e = k + 1;
                while e < hi && keys[e].0[d] == c {
                    e += 1;
                }
                stack.push((nodes.len(), k, e, d + 1));
                nodes.push(TrieNode::default());
                labels.push(c);
                k = e;
            }
            nodes[n].n_child = u16::try_from(nodes.len() as u32 - nodes[n].child_lo)
                .map_err(|_| too_many("more than 65,535 different characters after one prefix"))?;
            if let Some(&c) = labels.get(nodes[n].child_lo as usize) {
                nodes[n].first_label = c as u32;
            }
            // The first child is built next.
            stack[pending..].reverse();
        }
        debug_assert_eq!(nodes.len(), n_nodes, "the trie's size estimate is exact");
        let mut first = vec![NO_NODE; 0x10000];
        for child in nodes[0].child_lo..nodes[0].child_lo + nodes[0].n_child as u32 {
            if let Some(slot) = first.get_mut(labels[child as usize] as usize) {
                *slot = child;
            }
        }
        Ok(Trie {
            first,
            labels,
            nodes,
            items,
        })
    }

    /// The child of `node` labelled `c`, or `NO_NODE`.
    #[inline]
    fn child(&self, node: &TrieNode, c: char) -> u32 {
        let c32 = c as u32;
        if node.n_child == 0 || c32 < node.first_label {
            return NO_NODE;
        }
        if c32 == node.first_label {
            return node.child_lo;
        }
        let labels = &self.labels[node.child_lo as usize..][..node.n_child as usize];
        match labels[1..].binary_search(&c) {
            Ok(i) => node.child_lo + 1 + i as u32,
            Err(_) => NO_NODE,
        }
    }

    /// Calls `visit(length, node)` for the node of every non-empty prefix of
    /// `text` that is in the trie, shortest first.
    #[inline]
    fn walk(&self, text: &[char], mut visit: impl FnMut(usize, &TrieNode)) {
        let mut node = match text.first() {
            Some(&c) if (c as u32) < 0x10000 => {
                self.first.get(c as usize).copied().unwrap_or(NO_NODE)
            }
            Some(&c) => self
                .nodes
                .first()
                .map_or(NO_NODE, |root| self.child(root, c)),
            None => return,
        };
        let mut len = 1;
        while let Some(n) = self.nodes.get(node as usize) {
            visit(len, n);
            let Some(&c) = text.get(len) else {
                return;
            };
            node = self.child(n, c);
            len += 1;
        }
    }
}

/// Many strings in one allocation (the base forms: tens of thousands of
/// small allocations at load would cost more than the strings themselves).
#[derive(Debug, Clone, Default)]
pub(crate) struct StringTable {
    text: String,
    /// End of each string in `text`.
    ends: Vec<u32>,
}

impl StringTable {
    /// Appends the string made of `chars` followed by `tail`.
    fn push(&mut self, chars: impl Iterator<Item = char>, tail: &str) {
        self.text.extend(chars);
        self.text.push_str(tail);
        self.ends.push(self.text.len() as u32);
    }

    /// Number of strings.
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// String number `i`.
    pub(crate) fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)? as usize;
        let start = i.checked_sub(1).map_or(0, |k| self.ends[k] as usize);
        self.text.get(start..end)
    }
}

/// Reads strings stored as ranks into the payload's character table.
struct StringReader<'t> {
    table: &'t [char],
}

impl StringReader<'_> {
    fn read_into(&mut self, r: &mut Reader, out: &mut Vec<char>) -> Result<()> {
        let n = r.count("string length")?;
        for _ in 0..n {
            let rank = r.uvar()? as usize;
            out.push(
                *self
                    .table
                    .get(rank)
                    .ok_or_else(|| r.err("character rank out of range"))?,
            );
        }
        Ok(())
    }

    fn read(&mut self, r: &mut Reader) -> Result<Vec<char>> {
        let mut v = Vec::new();
        self.read_into(r, &mut v)?;
        Ok(v)
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
    pub(crate) n_right_classes: usize,
    /// Connection costs by class as codebook indices, column-major: the cost
    /// from a token of right class r to one of left class l is
    /// `codebook[matrix[l * n_right_classes + r]]`. One byte per cell halves
    /// the cache footprint of the lattice's hottest reads.
    pub(crate) matrix: Vec<u8>,
    /// The distinct connection costs (unused codes are 0).
    pub(crate) codebook: [i16; 256],
    /// Character categories; index 0 is `DEFAULT`.
    pub categories: Vec<CharCategory>,
    pub(crate) ranges: Vec<CharRange>,
    /// Index of the `SPACE` category (skipped between tokens).
    pub(crate) space_category: u8,
    /// Unknown-word templates per category: (context id, cost).
    pub(crate) unknown: Vec<Vec<(u16, i16)>>,
    /// Surfaces and stems, for lookups.
    trie: Trie,
    /// Number of distinct surfaces of plain entries.
    n_surfaces: usize,
    /// Number of plain entries (their live ones are in the trie's items).
    n_entries: usize,
    pub(crate) lemmas: Vec<Lemma>,
    paradigms: Vec<ParadigmForms>,
    pub(crate) forms: Vec<Form>,
    pub(crate) suffix_chars: Vec<char>,
    /// Base forms that differ from the surface (plain entries, then one per lemma).
    pub(crate) bases: StringTable,
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

/// Why a file's header is unusable (too short, or another file type): the
/// message for `from_bytes` of dictionaries and models alike.
pub(crate) fn header_problem(
    file: &[u8],
    magic: &[u8],
    head: usize,
    what: &str,
    expected: &str,
) -> String {
    if file.is_empty() {
        return format!("{what} file is empty (0 bytes); expected {expected}");
    }
    let shared = file.len().min(magic.len());
    if file[..shared] == magic[..shared] {
        return format!(
            "{what} truncated: the file has {} bytes, less than the {head}-byte header",
            file.len()
        );
    }
    format!(
        "not a jatopic {what}: wrong magic (bad magic) {:?}, a {what} file starts with {:?}; expected {expected}",
        String::from_utf8_lossy(&file[..shared]),
        String::from_utf8_lossy(magic)
    )
}

/// An index into a collection of `n` items; an error when `n` is 0 (there
/// is then no valid index, though `uvar_max(n - 1)` would saturate to 0).
fn index_below(r: &mut Reader, n: usize, field: &str) -> Result<u64> {
    if n == 0 {
        return Err(r.err(&format!("a {field} refers to an empty table")));
    }
    r.uvar_max(n as u64 - 1, field)
}

impl Dictionary {
    /// Parses a `.jtd` file (header, stored section, LZMA payload). Lookups
    /// skip entries that can never be on a best path (see [`live_entries`]).
    pub fn from_bytes(file: &[u8]) -> Result<Dictionary> {
        Self::load(file, true)
    }

    /// [`Dictionary::from_bytes`] with every entry in lookups, even those
    /// that can never be on a best path: the dictionary builder counts the
    /// connections Viterbi evaluates over all of them.
    #[cfg(feature = "cli")]
    pub fn from_bytes_keeping_all(file: &[u8]) -> Result<Dictionary> {
        Self::load(file, false)
    }

    fn load(file: &[u8], drop_dead_entries: bool) -> Result<Dictionary> {
        let head = MAGIC.len() + 2 + 4 + 4 + 8;
        if file.len() < head || &file[..MAGIC.len()] != MAGIC {
            return Err(Error::Format(header_problem(
                file,
                MAGIC,
                head,
                "dictionary",
                "a .jtd file built by `jatopic build-dict`",
            )));
        }
        let m = MAGIC.len();
        let version = u16::from_le_bytes([file[m], file[m + 1]]);
        if version != FORMAT_VERSION {
            return Err(Error::Format(format!(
                "dictionary format version {version} is not supported by this jatopic (expects {FORMAT_VERSION}): rebuild it with this jatopic (`make dict`), or use the jatopic version that built it"
            )));
        }
        let word = |at: usize| {
            u32::from_le_bytes([file[at], file[at + 1], file[at + 2], file[at + 3]]) as usize
        };
        let stored_len = word(m + 2);
        let len = word(m + 6);
        let sum = u64::from_le_bytes(file[m + 10..m + 18].try_into().unwrap_or_default());
        if stored_len > file.len() - head {
            return Err(Error::Format(format!(
                "dictionary truncated: the header says the stored section has {stored_len} bytes, the file has {} after the header",
                file.len() - head
            )));
        }
        let stored = &file[head..head + stored_len];
        if len > MAX_PAYLOAD {
            return Err(Error::Format(format!(
                "dictionary header corrupted: it declares a payload of {len} bytes, over the {MAX_PAYLOAD}-byte limit"
            )));
        }
        let payload =
            crate::artifact::bytes::unlzma("dictionary", &file[head + stored_len..], len)?;
        let hash = fnv1a64_more(fnv1a64(stored), &payload);
        // Fuzz builds skip the comparison so mutated files reach the parser.
        if hash != sum && !cfg!(fuzzing) {
            return Err(Error::Format(format!(
                "dictionary checksum mismatch: the header says {sum:016x}, the contents hash to {hash:016x} (file corrupted)"
            )));
        }
        Self::from_payload(stored, &payload, drop_dead_entries)
    }

    fn from_payload(stored: &[u8], p: &[u8], drop_dead_entries: bool) -> Result<Dictionary> {
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
            right_class.push(index_below(&mut r, n_rc, "right class")? as u16);
        }
        for _ in 0..n_ids {
            left_class.push(index_below(&mut r, n_lc, "left class")? as u16);
        }
        let quantum = r.uvar_max(1 << 12, "cost quantum")? as i64;
        let n_codes = r.uvar_max(256, "codebook size")? as usize;
        let mut codebook = [0i16; 256];
        for c in codebook.iter_mut().take(n_codes) {
            // Checked: a corrupt value must not wrap into a plausible cost.
            let v = r.ivar()?;
            *c = v
                .checked_mul(quantum)
                .and_then(|v| i16::try_from(v).ok())
                .ok_or_else(|| r.err("connection cost out of range"))?;
        }
        if stored.len() != n_rc * n_lc {
            return Err(r.err(&format!(
                "stored matrix has {} cells, expected {n_rc} x {n_lc}",
                stored.len()
            )));
        }
        if stored.iter().any(|&b| usize::from(b) >= n_codes) {
            return Err(r.err("matrix cell refers past the codebook"));
        }
        // Stored row-major (previous token's class first); kept column-major.
        let mut matrix = vec![0u8; n_rc * n_lc];
        for (k, &b) in stored.iter().enumerate() {
            matrix[(k % n_lc) * n_rc + k / n_lc] = b;
        }
        // Character categories and ranges.
        let n_cat = r.uvar_max(31, "number of character categories")? as usize;
        let mut categories = Vec::with_capacity(n_cat);
        for _ in 0..n_cat {
            let name = r.str()?.to_string();
            let flags = r.u8()?;
            let length = r.uvar_max(255, "unknown-word length")? as u32;
            categories.push(CharCategory {
                name,
                invoke: flags & 1 != 0,
                group: flags & 2 != 0,
                length,
            });
        }
        if categories.is_empty() || categories[0].name != "DEFAULT" {
            return Err(r.err("the first character category must be DEFAULT"));
        }
        let space_category = categories
            .iter()
            .position(|c| c.name == "SPACE")
            .ok_or_else(|| r.err("no SPACE character category"))?
            as u8;
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
            ranges.push(CharRange {
                lo: lo as u32,
                hi: hi as u32,
                mask,
                default,
            });
            next_lo = hi + 1;
        }
        let mut unknown = Vec::with_capacity(n_cat);
        for _ in 0..n_cat {
            let n = r.count("unknown templates")?;
            let mut v = Vec::with_capacity(n);
            for _ in 0..n {
                let id = r.uvar_max(n_ids as u64 - 1, "unknown-word context id")? as u16;
                let cost = i16::try_from(r.ivar()?)
                    .map_err(|_| r.err("unknown-word cost out of range"))?;
                v.push((id, cost));
            }
            unknown.push(v);
        }
        // Character table: strings below store ranks into it (frequent
        // characters take one byte), which keeps the decompressed payload
        // small — LZMA decoding time grows with it.
        let table: Vec<char> = r.str()?.chars().collect();
        let mut strings = StringReader { table: &table };
        // Plain lexicon, column-oriented: front-coded surfaces, then entry columns.
        let surfaces = SortedStrings::read(&mut r, &mut strings)?;
        let entry_start = read_group_sizes(&mut r, surfaces.len(), p.len())?;
        let total = *entry_start.last().unwrap_or(&0) as usize;
        let mut entries = vec![
            Entry {
                id: 0,
                cost: 0,
                base: u32::MAX
            };
            total
        ];
        for e in entries.iter_mut() {
            e.id = r.uvar_max(n_ids as u64 - 1, "entry context id")? as u16;
        }
        let word_quantum = r.uvar_max(1 << 10, "word cost quantum")? as i64;
        let cost = |r: &mut Reader, base: i64| -> Result<i16> {
            let v = r.ivar()?;
            base.checked_add(v)
                .and_then(|v| v.checked_mul(word_quantum))
                .and_then(|v| i16::try_from(v).ok())
                .ok_or_else(|| r.err("word cost out of range"))
        };
        // Costs are stored relative to a typical cost per context id.
        let mut id_cost = Vec::with_capacity(n_ids);
        for _ in 0..n_ids {
            id_cost.push(r.ivar()?);
        }
        for e in entries.iter_mut() {
            e.cost = cost(&mut r, id_cost[e.id as usize])?;
        }
        // Base forms differing from the surface: (entry index gap, string).
        let n_bases = r.count("number of base forms")?;
        let mut bases = StringTable::default();
        let mut at = 0usize;
        let mut chars = Vec::new();
        for k in 0..n_bases {
            at += r.uvar_max(total as u64, "base form entry")? as usize;
            let e = entries
                .get_mut(at)
                .ok_or_else(|| r.err("base form entry out of range"))?;
            e.base = k as u32;
            chars.clear();
            strings.read_into(&mut r, &mut chars)?;
            bases.push(chars.iter().copied(), "");
        }
        // Paradigm shapes: endings and ids; paradigms: a shape plus cost deltas.
        let n_shapes = r.count("number of paradigm shapes")?;
        let shape_start = read_group_sizes(&mut r, n_shapes, p.len())?;
        let mut base_suffixes = Vec::with_capacity(n_shapes);
        for _ in 0..n_shapes {
            base_suffixes.push(strings.read(&mut r)?.into_iter().collect::<String>());
        }
        let n_shape_forms = *shape_start.last().unwrap_or(&0) as usize;
        let mut shape_forms = Vec::with_capacity(n_shape_forms);
        let mut suffix_chars = Vec::new();
        for _ in 0..n_shape_forms {
            let start = suffix_chars.len() as u32;
            suffix_chars.extend(strings.read(&mut r)?);
            let suffix_len = u16::try_from(suffix_chars.len() - start as usize)
                .map_err(|_| r.err("suffix too long"))?;
            shape_forms.push(Form {
                suffix: start,
                suffix_len,
                id: 0,
                delta: 0,
            });
        }
        for f in shape_forms.iter_mut() {
            f.id = r.uvar_max(n_ids as u64 - 1, "form context id")? as u16;
        }
        let n_par = r.count("number of paradigms")?;
        let mut paradigm_shape = Vec::with_capacity(n_par);
        let mut form_start = Vec::with_capacity(n_par + 1);
        form_start.push(0u32);
        let mut forms = Vec::new();
        for _ in 0..n_par {
            let sh = index_below(&mut r, n_shapes, "paradigm shape")? as usize;
            paradigm_shape.push(sh);
            forms.extend_from_slice(
                &shape_forms[shape_start[sh] as usize..shape_start[sh + 1] as usize],
            );
            if forms.len() > p.len() {
                return Err(r.err("paradigm forms exceed the payload size"));
            }
            form_start.push(forms.len() as u32);
        }
        for f in forms.iter_mut() {
            f.delta = cost(&mut r, 0)?;
        }
        let mut paradigms = Vec::with_capacity(n_par);
        for p in 0..n_par {
            let (lo, hi) = (form_start[p], form_start[p + 1]);
            let own = &forms[lo as usize..hi as usize];
            paradigms.push(ParadigmForms {
                first_chars: own
                    .iter()
                    .filter(|f| f.suffix_len > 0)
                    .filter_map(|f| suffix_chars.get(f.suffix as usize))
                    .fold(0u64, |m, &c| m | 1u64 << (c as u32 % 64)),
                form_lo: lo,
                // A shape has at most 4,096 forms (read_group_sizes).
                n_forms: (hi - lo) as u16,
                n_empty: own.iter().take_while(|f| f.suffix_len == 0).count() as u16,
            });
        }
        // Lemmas, grouped by stem.
        let stems = SortedStrings::read(&mut r, &mut strings)?;
        let lemma_start = read_group_sizes(&mut r, stems.len(), p.len())?;
        let n_lemmas = *lemma_start.last().unwrap_or(&0) as usize;
        let mut lemmas = vec![
            Lemma {
                paradigm: 0,
                cost: 0,
                base: 0
            };
            n_lemmas
        ];
        for l in lemmas.iter_mut() {
            l.paradigm = index_below(&mut r, n_par, "paradigm index")? as u32;
        }
        for l in lemmas.iter_mut() {
            l.cost = cost(&mut r, 0)?;
        }
        for s in 0..stems.len() {
            for l in &mut lemmas[lemma_start[s] as usize..lemma_start[s + 1] as usize] {
                l.base = bases.len() as u32;
                let suffix = &base_suffixes[paradigm_shape[l.paradigm as usize]];
                bases.push(stems.get(s).iter().copied(), suffix);
            }
        }
        if !r.at_end() {
            return Err(r.err("trailing bytes after the lexicon"));
        }
        let entry_end = if drop_dead_entries {
            live_entries(&mut entries, &entry_start, &left_class, &right_class)
        } else {
            entry_start[1..].to_vec()
        };
        Ok(Dictionary {
            features,
            right_class,
            left_class,
            n_left_classes: n_lc,
            n_right_classes: n_rc,
            matrix,
            codebook,
            categories,
            ranges,
            space_category,
            unknown,
            trie: Trie::build(
                &surfaces,
                &entries,
                &entry_start,
                &entry_end,
                &stems,
                &lemma_start,
            )?,
            n_surfaces: surfaces.len(),
            n_entries: entries.len(),
            lemmas,
            paradigms,
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
        self.cost_code(self.matrix[lc * self.n_right_classes + rc])
    }

    /// The connection cost of matrix code `code`.
    #[inline]
    pub(crate) fn cost_code(&self, code: u8) -> i32 {
        i32::from(self.codebook[usize::from(code)])
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
        self.n_surfaces
    }

    /// Number of plain lexicon entries.
    pub fn entry_count(&self) -> usize {
        self.n_entries
    }

    /// Number of conjugating lemmas and of paradigms.
    pub fn lemma_count(&self) -> (usize, usize) {
        (self.lemmas.len(), self.paradigms.len())
    }

    /// Calls `f(length, id, cost, base)` for every lexicon word (plain entry
    /// or conjugated form) that is a prefix of `text`. `base` indexes
    /// [`Dictionary::bases`] or is `u32::MAX` when the base form is the surface.
    pub(crate) fn lookup(&self, text: &[char], mut f: impl FnMut(usize, u16, i16, u32)) {
        // Conjugated forms come after every plain entry, shortest stem first:
        // the order nodes are added in decides ties between equal-cost paths.
        // Stems matched along the walk wait here (spilling only in a
        // dictionary with more than 16 nested stems).
        let mut stems = [(0usize, 0u32, 0u32); 16];
        let mut n_stems = 0;
        let mut more_stems = Vec::new();
        let items = &self.trie.items;
        self.trie.walk(text, |len, node| {
            for e in &items[node.item_lo as usize..][..node.n_item as usize] {
                if e.id != STEM {
                    f(len, e.id, e.cost, e.base);
                    continue;
                }
                let stem = (len, e.base, e.base + e.cost as u32);
                match stems.get_mut(n_stems) {
                    Some(slot) => {
                        *slot = stem;
                        n_stems += 1;
                    }
                    None => more_stems.push(stem),
                }
            }
        });
        for &(len, lo, hi) in stems[..n_stems].iter().chain(&more_stems) {
            self.conjugated_forms(text, len, &self.lemmas[lo as usize..hi as usize], &mut f);
        }
    }

    /// Calls `f` for every form of `lemmas` (sharing the stem `text[..len]`)
    /// whose ending follows the stem in `text`.
    fn conjugated_forms(
        &self,
        text: &[char],
        len: usize,
        lemmas: &[Lemma],
        f: &mut impl FnMut(usize, u16, i16, u32),
    ) {
        let rest = &text[len..];
        let next = rest.first().copied();
        let next_bit = next.map_or(0, |c| 1u64 << (c as u32 % 64));
        for l in lemmas {
            let p = self.paradigms[l.paradigm as usize];
            let forms = &self.forms[p.form_lo as usize..][..usize::from(p.n_forms)];
            let (empty, endings) = forms.split_at(usize::from(p.n_empty));
            for form in empty {
                f(len, form.id, l.cost.saturating_add(form.delta), l.base);
            }
            // Most lemmas have no ending starting with the next character:
            // the paradigm's first-character mask rules them out at once.
            if p.first_chars & next_bit == 0 {
                continue;
            }
            // The endings starting with the next character form one run.
            let first = |f: &Form| self.suffix_chars.get(f.suffix as usize).copied();
            let from = endings.partition_point(|f| first(f) < next);
            for form in endings[from..].iter().take_while(|f| first(f) == next) {
                let n = usize::from(form.suffix_len);
                let suffix = &self.suffix_chars[form.suffix as usize..][..n];
                if n <= rest.len() && suffix.iter().zip(rest).all(|(a, b)| a == b) {
                    f(len + n, form.id, l.cost.saturating_add(form.delta), l.base);
                }
            }
        }
    }
}

/// Moves the entries of each surface that can be on a best path to the
/// front of its group, keeping their order, and returns where each group's
/// live entries end (what follows them is left as it was: only the live
/// ones are copied into the trie).
///
/// An entry is dead when another entry of the same surface has the same
/// left and right classes (so the same best predecessor and the same
/// successors) and a lower cost, or the same cost and a later place: of two
/// equal nodes the lattice keeps the one added later. About 8% of lexicon
/// matches on running text are dead; dropping them changes no analysis.
fn live_entries(
    entries: &mut [Entry],
    entry_start: &[u32],
    left_class: &[u16],
    right_class: &[u16],
) -> Vec<u32> {
    let classes = |e: &Entry| (left_class[e.id as usize], right_class[e.id as usize]);
    let mut end = Vec::with_capacity(entry_start.len().saturating_sub(1));
    let mut live = Vec::new();
    for w in entry_start.windows(2) {
        // Most surfaces have one entry.
        if w[1] - w[0] < 2 {
            end.push(w[1]);
            continue;
        }
        let group = &mut entries[w[0] as usize..w[1] as usize];
        live.clear();
        for (i, e) in group.iter().enumerate() {
            let beaten = group.iter().enumerate().any(|(j, o)| {
                j != i
                    && classes(o) == classes(e)
                    && (o.cost < e.cost || (o.cost == e.cost && j > i))
            });
            if !beaten {
                live.push(*e);
            }
        }
        group[..live.len()].copy_from_slice(&live);
        end.push(w[0] + live.len() as u32);
    }
    end
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

/// Per payload section: name, raw bytes, bytes after LZMA on its own.
pub type SizeReport = Vec<(&'static str, usize, usize)>;
/// Base-form ending and forms (ending, context id, cost delta).
#[cfg(feature = "cli")]
type Paradigm = (String, Vec<(String, u16, i64)>);
/// A stem and its lemmas (paradigm index, cost).
#[cfg(feature = "cli")]
type StemGroup = (Vec<char>, Vec<(usize, i64)>);

#[cfg(feature = "cli")]
impl DictionarySource {
    /// Serialises and LZMA-compresses the dictionary. `quantum` rounds connection
    /// costs, `word_quantum` word costs, to multiples of themselves (1 = exact).
    /// Also returns, per payload section, its raw and separately compressed size
    /// (the size breakdown reported by `build-dict`).
    pub fn encode(&self, quantum: i64, word_quantum: i64) -> Result<(Vec<u8>, SizeReport)> {
        use crate::artifact::bytes::Writer;
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
        // One byte per cell: a codebook of the 256 most frequent (quantised)
        // values; rarer values take the nearest code.
        let mut freq: HashMap<i64, usize> = HashMap::new();
        for r in 0..rows.len() {
            for col in &cols {
                *freq.entry(col[r]).or_default() += 1;
            }
        }
        let mut codes: Vec<(i64, usize)> = freq.into_iter().collect();
        codes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        codes.truncate(256);
        let mut codebook: Vec<i64> = codes.into_iter().map(|c| c.0).collect();
        codebook.sort();
        w.uvar(quantum as u64);
        w.uvar(codebook.len() as u64);
        codebook.iter().for_each(|&c| w.ivar(c));
        let mut stored = Vec::with_capacity(rows.len() * cols.len());
        for r in 0..rows.len() {
            for col in &cols {
                let i = codebook.partition_point(|&c| c < col[r]);
                let nearest = [i.saturating_sub(1), i.min(codebook.len() - 1)]
                    .into_iter()
                    .min_by_key(|&k| (codebook[k] - col[r]).abs())
                    .unwrap_or(0);
                stored.push(nearest as u8);
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
                let key = (
                    e.3.as_str(),
                    f[4].as_str(),
                    [f[0].as_str(), f[1].as_str(), f[2].as_str(), f[3].as_str()],
                );
                by_lemma.entry(key).or_default().push(e);
            }
        }
        // (stem, paradigm index, lemma cost)
        let mut lemmas: Vec<(Vec<char>, usize, i64)> = Vec::new();
        let mut paradigm_index: HashMap<Paradigm, usize> = HashMap::new();
        let mut paradigms: Vec<Paradigm> = Vec::new();
        let mut keys: Vec<_> = by_lemma.keys().cloned().collect();
        keys.sort();
        for key in keys {
            let forms = &by_lemma[&key];
            // A lemma without a common stem (する: し, さ, す…) would be tried at
            // every position; its few forms are cheaper as plain entries.
            if forms
                .iter()
                .any(|e| e.0.chars().next() != key.0.chars().next())
            {
                plain.extend(forms.iter().copied());
                continue;
            }
            let base: Vec<char> = key.0.chars().collect();
            let mut stem_len = base.len();
            for e in forms {
                let sc: Vec<char> = e.0.chars().collect();
                stem_len = stem_len.min(sc.iter().zip(&base).take_while(|(a, b)| a == b).count());
            }
            let cost = forms.iter().map(|e| qw(e.2)).min().unwrap_or(0);
            let mut par: Vec<(String, u16, i64)> = forms
                .iter()
                .map(|e| (e.0.chars().skip(stem_len).collect(), e.1, qw(e.2) - cost))
                .collect();
            par.sort();
            let key_par = (base[stem_len..].iter().collect::<String>(), par);
            let next = paradigms.len();
            let idx = *paradigm_index.entry(key_par.clone()).or_insert_with(|| {
                paradigms.push(key_par);
                next
            });
            lemmas.push((base[..stem_len].to_vec(), idx, cost));
        }
        plain.sort();
        let mut groups: Vec<(&str, Forms)> = Vec::new();
        for e in plain {
            match groups.last_mut() {
                Some((s, v)) if *s == e.0 => v.push(e),
                _ => groups.push((&e.0, vec![e])),
            }
        }
        let plain_entries: Vec<&(String, u16, i16, String)> =
            groups.iter().flat_map(|g| g.1.iter().copied()).collect();
        // Paradigm shapes (endings + ids) shared by paradigms differing only in costs.
        let mut shape_index: HashMap<(String, Vec<(String, u16)>), usize> = HashMap::new();
        let mut shapes: Vec<(String, Vec<(String, u16)>)> = Vec::new();
        let mut paradigm_shape = Vec::new();
        for (base_suffix, forms) in &paradigms {
            let shape = (
                base_suffix.clone(),
                forms.iter().map(|f| (f.0.clone(), f.1)).collect::<Vec<_>>(),
            );
            let next = shapes.len();
            paradigm_shape.push(*shape_index.entry(shape.clone()).or_insert_with(|| {
                shapes.push(shape);
                next
            }));
        }
        lemmas.sort();
        let mut stem_groups: Vec<StemGroup> = Vec::new();
        for (stem, par, cost) in lemmas {
            match stem_groups.last_mut() {
                Some((s, v)) if *s == stem => v.push((par, cost)),
                _ => stem_groups.push((stem, vec![(par, cost)])),
            }
        }
        // Character table, most frequent first.
        let mut freq: HashMap<char, usize> = HashMap::new();
        let mut count = |s: &str| s.chars().for_each(|c| *freq.entry(c).or_default() += 1);
        groups.iter().for_each(|g| count(g.0));
        plain_entries
            .iter()
            .filter(|e| e.3 != e.0)
            .for_each(|e| count(&e.3));
        for (b, forms) in &shapes {
            count(b);
            forms.iter().for_each(|f| count(&f.0));
        }
        stem_groups
            .iter()
            .for_each(|g| count(&g.0.iter().collect::<String>()));
        let mut table: Vec<(char, usize)> = freq.into_iter().collect();
        table.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let rank: HashMap<char, u64> = table
            .iter()
            .enumerate()
            .map(|(i, &(c, _))| (c, i as u64))
            .collect();
        w.str(&table.iter().map(|t| t.0).collect::<String>());
        let put = |w: &mut Writer, s: &[char]| {
            w.uvar(s.len() as u64);
            s.iter().for_each(|c| w.uvar(rank[c]));
        };
        let put_sorted = |w: &mut Writer, list: &[Vec<char>]| {
            w.uvar(list.len() as u64);
            let mut prev: &[char] = &[];
            for cur in list {
                let shared = prev.iter().zip(cur).take_while(|(a, b)| a == b).count();
                w.uvar(shared as u64);
                put(w, &cur[shared..]);
                prev = cur;
            }
        };
        marks.push(("surfaces", w.buf.len()));
        let surfaces: Vec<Vec<char>> = groups.iter().map(|(s, _)| s.chars().collect()).collect();
        put_sorted(&mut w, &surfaces);
        marks.push(("entries per surface", w.buf.len()));
        for (_, v) in &groups {
            w.uvar(v.len() as u64);
        }
        marks.push(("entry context ids", w.buf.len()));
        for e in &plain_entries {
            w.uvar(u64::from(e.1));
        }
        marks.push(("entry costs", w.buf.len()));
        w.uvar(wq as u64);
        // Typical (median) cost per id; entries store the difference.
        let mut by_id: Vec<Vec<i64>> = vec![Vec::new(); self.features.len()];
        for e in &plain_entries {
            by_id[usize::from(e.1)].push(qw(e.2));
        }
        let id_cost: Vec<i64> = by_id
            .iter_mut()
            .map(|v| {
                v.sort();
                v.get(v.len() / 2).copied().unwrap_or(0)
            })
            .collect();
        id_cost.iter().for_each(|&c| w.ivar(c));
        for e in &plain_entries {
            w.ivar(qw(e.2) - id_cost[usize::from(e.1)]);
        }
        marks.push(("base forms", w.buf.len()));
        let exceptions: Vec<(usize, &str)> = plain_entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.3 != e.0)
            .map(|(i, e)| (i, e.3.as_str()))
            .collect();
        w.uvar(exceptions.len() as u64);
        let mut at = 0;
        for (i, b) in exceptions {
            w.uvar((i - at) as u64);
            at = i;
            put(&mut w, &b.chars().collect::<Vec<_>>());
        }
        marks.push(("paradigms", w.buf.len()));
        w.uvar(shapes.len() as u64);
        for (_, forms) in &shapes {
            w.uvar(forms.len() as u64);
        }
        for (base_suffix, _) in &shapes {
            put(&mut w, &base_suffix.chars().collect::<Vec<_>>());
        }
        for f in shapes.iter().flat_map(|s| &s.1) {
            put(&mut w, &f.0.chars().collect::<Vec<_>>());
        }
        for f in shapes.iter().flat_map(|s| &s.1) {
            w.uvar(u64::from(f.1));
        }
        w.uvar(paradigms.len() as u64);
        for &sh in &paradigm_shape {
            w.uvar(sh as u64);
        }
        for f in paradigms.iter().flat_map(|p| &p.1) {
            w.ivar(f.2);
        }
        marks.push(("lemma stems", w.buf.len()));
        let stems: Vec<Vec<char>> = stem_groups.iter().map(|g| g.0.clone()).collect();
        put_sorted(&mut w, &stems);
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
            report.push((
                name,
                end - start,
                crate::artifact::compress::lzma(&payload[start..end])?.len(),
            ));
        }
        let mut out = Vec::new();
        report.push(("stored connection costs", stored.len(), stored.len()));
        let mut check = stored.clone();
        check.extend_from_slice(&payload);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&(stored.len() as u32).to_le_bytes());
        out.extend_from_slice(&(payload.len() as u32).to_le_bytes());
        out.extend_from_slice(&fnv1a64(&check).to_le_bytes());
        out.extend_from_slice(&stored);
        out.extend_from_slice(&crate::artifact::compress::lzma(&payload)?);
        Ok((out, report))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(words: &[&str]) -> SortedStrings {
        let mut s = SortedStrings {
            chars: Vec::new(),
            start: vec![0],
        };
        for w in words {
            s.chars.extend(w.chars());
            s.start.push(s.chars.len() as u32);
        }
        s
    }

    /// (length, entries, lemmas) of every prefix of `text` in the trie.
    fn walk(trie: &Trie, text: &str) -> Vec<(usize, u32, u32)> {
        let chars: Vec<char> = text.chars().collect();
        let mut out = Vec::new();
        trie.walk(&chars, |len, n| {
            let items = &trie.items[n.item_lo as usize..][..usize::from(n.n_item)];
            let entries = items.iter().filter(|e| e.id != STEM).count() as u32;
            let lemmas = items.iter().filter(|e| e.id == STEM).map(|e| e.cost as u32);
            out.push((len, entries, lemmas.sum()))
        });
        out
    }

    #[test]
    fn trie_finds_surfaces_and_stems_shortest_first() {
        // Surfaces with 1, 2, 1 entries; stems with 3 and 1 lemmas. "食べ" is both.
        let surfaces = sorted(&["食", "食べ", "食べ物"]);
        let stems = sorted(&["食べ", "𠮷"]);
        let entries = [Entry {
            id: 0,
            cost: 0,
            base: 0,
        }; 4];
        let trie = Trie::build(
            &surfaces,
            &entries,
            &[0, 1, 3],
            &[1, 3, 4],
            &stems,
            &[0, 3, 4],
        )
        .unwrap();
        assert_eq!(walk(&trie, "食べ物です"), [(1, 1, 0), (2, 2, 3), (3, 1, 0)]);
        assert_eq!(walk(&trie, "食う"), [(1, 1, 0)]);
        // A first character beyond the BMP is found through the root.
        assert_eq!(walk(&trie, "𠮷野家"), [(1, 0, 1)]);
        assert_eq!(walk(&trie, "飲む"), []);
        assert_eq!(walk(&trie, ""), []);
    }

    #[test]
    fn live_entries_are_moved_to_the_front_of_their_group() {
        let e = |id, cost| Entry {
            id,
            cost,
            base: u32::MAX,
        };
        // Ids 0 and 1 share both classes, id 2 has its own left class.
        let (left, right) = ([0, 0, 1], [0, 0, 0]);
        let mut entries = vec![
            e(0, 50), // beaten by the cheaper id-1 entry below
            e(2, 90), // alone in its classes: live
            e(1, 40), // beaten by the later entry of equal cost
            e(0, 40), // live: the later of two equal entries
            e(1, 10), // second surface, alone: live
        ];
        let end = live_entries(&mut entries, &[0, 4, 5], &left, &right);
        assert_eq!(end, [2, 5]);
        assert_eq!(entries[..2], [e(2, 90), e(0, 40)]);
        assert_eq!(entries[4], e(1, 10));
    }

    #[test]
    fn trie_refuses_counts_beyond_its_fields() {
        let entries = [Entry {
            id: 0,
            cost: 0,
            base: 0,
        }; 256];
        let err =
            Trie::build(&sorted(&["猫"]), &entries, &[0], &[256], &sorted(&[]), &[0]).unwrap_err();
        assert!(
            err.to_string()
                .contains("more than 255 entries with one surface"),
            "{err}"
        );
        let err =
            Trie::build(&sorted(&[]), &[], &[], &[], &sorted(&["猫"]), &[0, 256]).unwrap_err();
        assert!(
            err.to_string()
                .contains("more than 255 lemmas with one stem"),
            "{err}"
        );
    }

    #[test]
    fn trie_of_nothing_finds_nothing() {
        let trie = Trie::build(&sorted(&[]), &[], &[], &[], &sorted(&[]), &[0]).unwrap();
        assert_eq!(walk(&trie, "何か"), []);
    }
}
