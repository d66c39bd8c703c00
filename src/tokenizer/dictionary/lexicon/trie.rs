//! The trie of the lexicon's surfaces and stems: one walk per text position
//! finds every word that starts there.

use crate::artifact::calls;
use crate::error::{Error, Result};
use crate::tokenizer::dictionary::lexicon::Entry;
use crate::tokenizer::dictionary::strings::SortedStrings;
#[cfg(doc)]
use crate::tokenizer::dictionary::MAX_IDS;

/// The surfaces of plain entries and the stems of conjugating lemmas in one
/// trie, built at load from the two sorted lists. One walk per text position
/// finds both, and each step reads one node and one short sorted run of
/// child labels: far fewer scattered reads than binary searches over the
/// sorted strings (lookups were a third of the analysis time).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Trie {
    /// Per BMP code point, the root's child labelled with it, or `NO_NODE`.
    first: Vec<u32>,
    /// Each node's label; the children of a node are contiguous, sorted by label.
    labels: Vec<char>,
    nodes: Vec<TrieNode>,
    /// What ends at each node, nodes in order: its live entries, then a
    /// [`STEM`] item when it is the stem of lemmas. In one array, node by
    /// node, so that one read usually fetches a node's items.
    pub(crate) items: Vec<Entry>,
    /// Per item, the plain entry's place in the file ([`NOT_AN_ENTRY`] for
    /// a stem): readings are stored in file order. Apart from `items`, as
    /// lookups never read it.
    pub(crate) item_origin: Vec<u32>,
}

/// [`Trie::item_origin`] of a stem item.
pub(crate) const NOT_AN_ENTRY: u32 = u32::MAX;

/// [`Entry::id`] of a trie item marking a stem: its lemmas are
/// `lemmas[base..][..cost]` (no context id is this large: [`MAX_IDS`]).
pub(crate) const STEM: u16 = u16::MAX;

/// A trie node: where its children are, and what ends at it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct TrieNode {
    /// Children: `n_child` nodes from `child_lo`.
    child_lo: u32,
    /// The first child's label: most nodes on a walk have one child, and
    /// comparing here saves the read of `labels`.
    first_label: u32,
    /// Items (entries and stems) ending here: `n_item` from `item_lo`.
    pub(crate) item_lo: u32,
    // Narrow counts keep a node at 16 bytes, four per cache line: lookups
    // are bound by reads of scattered nodes (IPADIC's largest counts are 504
    // children below the root and 10 items).
    n_child: u16,
    pub(crate) n_item: u8,
}

const NO_NODE: u32 = u32::MAX;

/// The keys and what ends at them, as [`Trie::build`] reads them.
struct Sources<'a> {
    /// The keys in order: (string, surface, stem), either index `NO_NODE`
    /// when the string is not one.
    keys: Keys<'a>,
    entries: &'a [Entry],
    origin: &'a [u32],
    entry_start: &'a [u32],
    entry_end: &'a [u32],
    lemma_start: &'a [u32],
}

/// The keys in order: surfaces and stems merged, or, with no stems, the
/// surfaces themselves (no merged copy: the wasm build's spelt trie is
/// built late, when its memory adds to everything else's).
#[derive(Clone, Copy)]
enum Keys<'a> {
    /// (string, surface, stem).
    Merged(&'a [(&'a [char], u32, u32)]),
    Surfaces(&'a SortedStrings),
}

impl<'a> Keys<'a> {
    #[inline(always)]
    fn get(self, k: usize) -> (&'a [char], u32, u32) {
        match self {
            Keys::Merged(keys) => keys[k],
            Keys::Surfaces(surfaces) => (surfaces.get(k), k as u32, NO_NODE),
        }
    }

    fn len(self) -> usize {
        match self {
            Keys::Merged(keys) => keys.len(),
            Keys::Surfaces(surfaces) => surfaces.len(),
        }
    }
}

/// The trie as [`Trie::build`] grows it, and the nodes still to expand:
/// (node, keys under it (sharing their first `depth` characters), depth).
struct Growing {
    nodes: Vec<TrieNode>,
    labels: Vec<char>,
    items: Vec<Entry>,
    item_origin: Vec<u32>,
    stack: Vec<(usize, usize, usize, usize)>,
}

/// The error for a count that does not fit its field in [`TrieNode`].
fn too_many(what: &str) -> Error {
    Error::format(format!(
        "dictionary has {what} (this jatopic's limit); rebuild it from IPADIC with `make dict`"
    ))
}

/// Expands the next node on the stack: gives it its items and pushes its
/// children. False when no node is left.
fn expand_next(g: &mut Growing, src: &Sources) -> Result<bool> {
    let keys = src.keys;
    let Some((n, lo, hi, d)) = g.stack.pop() else {
        return Ok(false);
    };
    let mut k = lo;
    // The key equal to the shared prefix, if any, sorts first.
    if k < hi && keys.get(k).0.len() == d {
        let (_, s, t) = keys.get(k);
        let item_lo = g.items.len();
        if s != NO_NODE {
            let (lo, hi) = (src.entry_start[s as usize], src.entry_end[s as usize]);
            let range = lo as usize..hi as usize;
            let out_of_order = || Error::format("dictionary entry ranges out of order".to_string());
            // Item by item, not `extend_from_slice`: in wasm that is a
            // `memory.copy`, which V8 runs as a call out to the host's
            // memmove, dearer than the one to three items a key has.
            let entries = src.entries.get(range.clone()).ok_or_else(out_of_order)?;
            entries.iter().for_each(|&e| g.items.push(e));
            // No origins given: none kept (a trie readings never use).
            if !src.origin.is_empty() {
                let origin = src.origin.get(range).ok_or_else(out_of_order)?;
                origin.iter().for_each(|&o| g.item_origin.push(o));
            }
        }
        if t != NO_NODE {
            let (lo, hi) = (src.lemma_start[t as usize], src.lemma_start[t as usize + 1]);
            g.items.push(Entry {
                id: STEM,
                cost: u8::try_from(hi - lo)
                    .map_err(|_| too_many("more than 255 lemmas with one stem"))?
                    .into(),
                base: lo,
            });
            if !src.origin.is_empty() {
                g.item_origin.push(NOT_AN_ENTRY);
            }
        }
        g.nodes[n].item_lo = item_lo as u32;
        g.nodes[n].n_item = u8::try_from(g.items.len() - item_lo).map_err(|_| {
            too_many("more than 255 entries with one surface (254 if it is a stem too)")
        })?;
        k += 1;
    }
    g.nodes[n].child_lo = g.nodes.len() as u32;
    let pending = g.stack.len();
    while k < hi {
        let c = keys.get(k).0[d];
        let mut e = k + 1;
        while e < hi && keys.get(e).0[d] == c {
            e += 1;
        }
        g.stack.push((g.nodes.len(), k, e, d + 1));
        g.nodes.push(TrieNode::default());
        g.labels.push(c);
        k = e;
    }
    g.nodes[n].n_child = u16::try_from(g.nodes.len() as u32 - g.nodes[n].child_lo)
        .map_err(|_| too_many("more than 65,535 different characters after one prefix"))?;
    if let Some(&c) = g.labels.get(g.nodes[n].child_lo as usize) {
        g.nodes[n].first_label = c as u32;
    }
    // The first child is expanded next.
    g.stack[pending..].reverse();
    Ok(true)
}

/// Asks the cache for the line of `x`: a prefetch instruction where there
/// is one; elsewhere (wasm) a plain read whose `value` goes only to `sink`,
/// which the CPU overlaps with the work at hand all the same (`wakati`
/// 1.01–1.14× as fast in wasm as with no read, measured in both orders).
#[inline(always)]
fn fetch<T>(x: &T, value: impl Fn(&T) -> u32, sink: &mut u32) {
    #[cfg(target_arch = "x86_64")]
    {
        let _ = (value, sink);
        prefetch_line(x);
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        *sink ^= value(x);
    }
}

/// Asks the cache for the line of `x` with the CPU's prefetch instruction
/// (only a hint: a no-op where there is none). Native only: wasm has none.
#[cfg(not(target_arch = "wasm32"))]
#[inline(always)]
pub(crate) fn prefetch_line<T>(x: &T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        // SAFETY: prefetching is only a hint and never faults; `x` is a
        // live reference.
        unsafe { _mm_prefetch::<_MM_HINT_T0>((x as *const T).cast()) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = x;
}

impl Trie {
    /// Builds the trie of both lists: surface s has entries
    /// `entries[entry_start[s]..entry_end[s]]` (`origin` holds, per entry,
    /// its place in the file), stem t lemmas
    /// `lemma_start[t]..lemma_start[t + 1]`. Linear in their characters.
    /// Fails when a count does not fit its field in [`TrieNode`].
    pub(crate) fn build(
        surfaces: &SortedStrings,
        entries: &[Entry],
        origin: &[u32],
        entry_start: &[u32],
        entry_end: &[u32],
        stems: &SortedStrings,
        lemma_start: &[u32],
    ) -> Result<Trie> {
        use std::cmp::Ordering;
        // Both lists merged in order: (string, surface index, stem index);
        // with no stems, the surfaces are the keys as they are.
        let mut merged: Vec<(&[char], u32, u32)> = Vec::new();
        let keys = if stems.len() == 0 {
            Keys::Surfaces(surfaces)
        } else {
            merged.reserve(surfaces.len() + stems.len());
            let (mut i, mut j) = (0, 0);
            while i < surfaces.len() || j < stems.len() {
                let order = match (i < surfaces.len(), j < stems.len()) {
                    (true, true) => surfaces.get(i).cmp(stems.get(j)),
                    (true, false) => Ordering::Less,
                    _ => Ordering::Greater,
                };
                match order {
                    Ordering::Less => merged.push((surfaces.get(i), i as u32, NO_NODE)),
                    Ordering::Greater => merged.push((stems.get(j), NO_NODE, j as u32)),
                    Ordering::Equal => merged.push((surfaces.get(i), i as u32, j as u32)),
                }
                i += usize::from(order != Ordering::Greater);
                j += usize::from(order != Ordering::Less);
            }
            Keys::Merged(&merged)
        };
        // Each node's children are appended as one block when the node is
        // reached; nodes are reached depth first, so the keys under a node
        // are still in cache while its subtree is built.
        // Exactly one node per distinct non-empty prefix, plus the root: sized
        // up front, since wasm memory never shrinks after a reallocation.
        let strings = (0..keys.len()).map(|k| keys.get(k).0);
        let n_nodes = 1 + strings
            .clone()
            .zip(std::iter::once(&[][..]).chain(strings))
            .map(|(k, prev)| k.len() - k.iter().zip(prev).take_while(|(a, b)| a == b).count())
            .sum::<usize>();
        let mut growing = Growing {
            nodes: Vec::with_capacity(n_nodes),
            labels: Vec::with_capacity(n_nodes),
            items: Vec::with_capacity(entries.len() + stems.len()),
            item_origin: Vec::with_capacity(if origin.is_empty() {
                0
            } else {
                entries.len() + stems.len()
            }),
            stack: vec![(0, 0, keys.len(), 0)],
        };
        growing.nodes.push(TrieNode::default());
        growing.labels.push('\0');
        let sources = Sources {
            keys,
            entries,
            origin,
            entry_start,
            entry_end,
            lemma_start,
        };
        calls::repeat(|| expand_next(&mut growing, &sources))?;
        let Growing {
            nodes,
            labels,
            items,
            item_origin,
            ..
        } = growing;
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
            item_origin,
        })
    }

    /// The trie of `surfaces` alone (no stems, no origins): surface s has
    /// entries `entries[starts[s]..starts[s + 1]]`.
    pub(crate) fn of_surfaces(
        surfaces: &SortedStrings,
        entries: &[Entry],
        starts: &[u32],
    ) -> Result<Trie> {
        let ends = starts.get(1..).unwrap_or_default();
        let no_stems = SortedStrings::default();
        Trie::build(surfaces, entries, &[], starts, ends, &no_stems, &[0])
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

    /// Asks the cache for what the walks from the next positions will read
    /// first, while the lattice works on the current one: the nodes of
    /// `next2` (the character two positions ahead) and of `next` (one
    /// ahead), and, the latter's node being by now in cache (asked for one
    /// position earlier), its items and children. Walks are bound by these
    /// scattered reads. Only a hint: see [`fetch`].
    #[inline(always)]
    pub(crate) fn prefetch(&self, next: Option<char>, next2: Option<char>, sink: &mut u32) {
        let node_of = |c: Option<char>| {
            let i = self.first.get(c? as usize)?;
            self.nodes.get(*i as usize)
        };
        if let Some(n) = node_of(next2) {
            fetch(n, |n| n.child_lo, sink);
        }
        if let Some(n) = node_of(next) {
            if let Some(item) = self.items.get(n.item_lo as usize) {
                fetch(item, |e| e.base, sink);
            }
            if let Some(label) = self.labels.get(n.child_lo as usize) {
                fetch(label, |&c| c as u32, sink);
            }
            if let Some(child) = self.nodes.get(n.child_lo as usize) {
                fetch(child, |n| n.child_lo, sink);
            }
        }
    }

    /// Number of nodes, the root (node 0) included.
    #[cfg(not(target_arch = "wasm32"))]
    pub(crate) fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// The label of node `node` (not the root).
    #[cfg(not(target_arch = "wasm32"))]
    pub(crate) fn label(&self, node: u32) -> char {
        self.labels.get(node as usize).copied().unwrap_or('\0')
    }

    /// The children of node `node`: (label, node).
    #[cfg(not(target_arch = "wasm32"))]
    pub(crate) fn children(&self, node: u32) -> impl Iterator<Item = (char, u32)> + '_ {
        let n = self.nodes.get(node as usize).copied().unwrap_or_default();
        (n.child_lo..n.child_lo + u32::from(n.n_child)).map(|c| (self.label(c), c))
    }

    /// The items ending at node `node`: (first, count).
    #[cfg(not(target_arch = "wasm32"))]
    pub(crate) fn items_of(&self, node: u32) -> (u32, u8) {
        let n = self.nodes.get(node as usize).copied().unwrap_or_default();
        (n.item_lo, n.n_item)
    }

    /// Calls `f(key)` for every key with items, depth first.
    #[cfg(test)]
    pub(crate) fn each_key(&self, mut f: impl FnMut(&[char])) {
        let mut key = Vec::new();
        // (node, depth): the node's label is key[depth - 1].
        let mut stack = vec![(0u32, 0usize)];
        while let Some((n, depth)) = stack.pop() {
            let node = self.nodes[n as usize];
            // The key of a node at depth d: its parent's (the first d - 1
            // characters, the path popped last at that depth) and its label.
            key.truncate(depth.saturating_sub(1));
            if depth > 0 {
                key.push(self.labels[n as usize]);
            }
            if node.n_item > 0 {
                f(&key);
            }
            let children = node.child_lo..node.child_lo + u32::from(node.n_child);
            stack.extend(children.rev().map(|c| (c, depth + 1)));
        }
    }

    /// Calls `visit(length, node)` for the node of every non-empty prefix of
    /// `text` that is in the trie, shortest first.
    #[inline]
    pub(crate) fn walk(&self, text: &[char], mut visit: impl FnMut(usize, &TrieNode)) {
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

#[cfg(test)]
mod tests {
    use super::*;

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
        let surfaces = SortedStrings::of(&["食", "食べ", "食べ物"]);
        let stems = SortedStrings::of(&["食べ", "𠮷"]);
        let entries = [Entry {
            id: 0,
            cost: 0,
            base: 0,
        }; 4];
        let trie = Trie::build(
            &surfaces,
            &entries,
            &[0, 1, 2, 3],
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
    fn trie_refuses_counts_beyond_its_fields() {
        let entries = [Entry {
            id: 0,
            cost: 0,
            base: 0,
        }; 256];
        let err = Trie::build(
            &SortedStrings::of(&["猫"]),
            &entries,
            &[0; 256],
            &[0],
            &[256],
            &SortedStrings::of(&[]),
            &[0],
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("more than 255 entries with one surface"),
            "{err}"
        );
        let err = Trie::build(
            &SortedStrings::of(&[]),
            &[],
            &[],
            &[],
            &[],
            &SortedStrings::of(&["猫"]),
            &[0, 256],
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("more than 255 lemmas with one stem"),
            "{err}"
        );
    }

    #[test]
    fn trie_lists_its_keys() {
        let keys = ["あ", "あい", "あいう", "か", "かき", "𠮷"];
        let n = keys.len() as u32;
        let entries = vec![
            Entry {
                id: 0,
                cost: 0,
                base: 0,
            };
            keys.len()
        ];
        let starts: Vec<u32> = (0..=n).collect();
        let trie = Trie::build(
            &SortedStrings::of(&keys),
            &entries,
            &[],
            &starts,
            &starts[1..],
            &SortedStrings::of(&["かく"]),
            &[0, 0],
        )
        .unwrap();
        let mut listed = Vec::new();
        trie.each_key(|key| listed.push(key.iter().collect::<String>()));
        assert_eq!(listed, ["あ", "あい", "あいう", "か", "かき", "かく", "𠮷"]);
    }

    #[test]
    fn trie_of_nothing_finds_nothing() {
        let trie = Trie::build(
            &SortedStrings::of(&[]),
            &[],
            &[],
            &[],
            &[],
            &SortedStrings::of(&[]),
            &[0],
        )
        .unwrap();
        assert_eq!(walk(&trie, "何か"), []);
    }
}
