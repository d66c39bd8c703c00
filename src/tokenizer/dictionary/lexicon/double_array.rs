//! The spelt trie as a double array, natively: a step from a node to its
//! child labelled `c` is one read, `units[base + code(c)]`, checked by that
//! unit's `check`, where the trie's binary search among the children takes
//! several dependent reads (the analysis waits on these reads). Built from
//! the spelt trie on that trie's thread, so no load waits for it; never in
//! wasm, where its build would add to the cold start and its units to memory.

use crate::tokenizer::dictionary::lexicon::trie::{prefetch_line as prefetch, Trie};
use crate::tokenizer::dictionary::lexicon::Entry;

/// A node of the double array, or a free slot (`check` is [`FREE`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Unit {
    /// The node's child labelled with code `k` is at `base + k`, if that
    /// unit's `check` is this node.
    base: u32,
    /// The parent's unit.
    check: u32,
    /// What ends here: `n_item` items from `item_lo`.
    item_lo: u32,
    n_item: u32,
}

/// [`Unit::check`] of a free slot: no node's index.
const FREE: u32 = u32::MAX;

const FREE_UNIT: Unit = Unit {
    base: 0,
    check: FREE,
    item_lo: 0,
    n_item: 0,
};

/// The root's unit.
const ROOT: usize = 0;

/// The trie as a double array, with the trie's items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DoubleArray {
    /// Per BMP code point, its code: 1, 2, … by how many nodes it labels,
    /// most first, so that a node's children are close together; 0 for
    /// a character that labels none.
    codes: Vec<u16>,
    /// Codes of characters beyond the BMP, sorted by character.
    astral_codes: Vec<(char, u16)>,
    units: Vec<Unit>,
    items: Vec<Entry>,
}

impl DoubleArray {
    /// The double array of `trie`'s nodes, with its items. `None` when the
    /// trie labels more than 65,535 distinct characters (codes are 16-bit)
    /// or the array would need more than `u32::MAX` units.
    pub(crate) fn of(trie: &Trie) -> Option<DoubleArray> {
        let n_nodes = trie.node_count();
        // Codes by how many nodes each character labels.
        let mut bmp_counts = vec![0u32; 0x10000];
        let mut astral_counts = std::collections::BTreeMap::<char, u32>::new();
        for node in 1..n_nodes {
            let c = trie.label(node as u32);
            match bmp_counts.get_mut(c as usize) {
                Some(count) => *count += 1,
                None => *astral_counts.entry(c).or_default() += 1,
            }
        }
        let mut counts: Vec<(char, u32)> = (0..0x10000u32)
            .filter(|&c| bmp_counts[c as usize] > 0)
            .filter_map(|c| Some((char::from_u32(c)?, bmp_counts[c as usize])))
            .chain(astral_counts)
            .collect();
        counts.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        if counts.len() > usize::from(u16::MAX) {
            return None;
        }
        let mut codes = vec![0u16; 0x10000];
        let mut astral_codes = Vec::new();
        for (k, &(c, _)) in counts.iter().enumerate() {
            let code = k as u16 + 1;
            match codes.get_mut(c as usize) {
                Some(slot) => *slot = code,
                None => astral_codes.push((c, code)),
            }
        }
        astral_codes.sort_unstable();
        let mut array = DoubleArray {
            codes,
            astral_codes,
            units: Vec::with_capacity(n_nodes + n_nodes / 4),
            items: Vec::new(),
        };
        let mut placer = Placer::default();
        placer.take(ROOT);
        array.units.push(FREE_UNIT);
        // (trie node, its unit), depth first: a node's subtree is read from
        // the trie (stored depth first) while it is in cache.
        let mut stack = vec![(0u32, ROOT)];
        let mut children: Vec<(u32, u32)> = Vec::new();
        while let Some((node, unit)) = stack.pop() {
            children.clear();
            children.extend(
                trie.children(node)
                    .map(|(c, child)| (u32::from(array.code(c)), child)),
            );
            children.sort_unstable();
            let (item_lo, n_item) = trie.items_of(node);
            let base = match children.first() {
                Some(_) => placer.place(&children)?,
                None => 0,
            };
            if array.units.len() < placer.end {
                array.units.resize(placer.end, FREE_UNIT);
            }
            array.units[unit] = Unit {
                base,
                check: array.units[unit].check,
                item_lo,
                n_item: u32::from(n_item),
            };
            for &(code, child) in &children {
                let slot = base as usize + code as usize;
                array.units[slot].check = unit as u32;
                stack.push((child, slot));
            }
        }
        // Checks hold unit numbers as u32: none may be larger.
        u32::try_from(array.units.len()).ok()?;
        array.items = trie.items.clone();
        Some(array)
    }

    /// The code of `c`, 0 when no node is labelled with it.
    #[inline(always)]
    fn code(&self, c: char) -> u16 {
        match self.codes.get(c as usize) {
            Some(&code) => code,
            None => self
                .astral_codes
                .binary_search_by(|&(a, _)| a.cmp(&c))
                .map_or(0, |k| self.astral_codes[k].1),
        }
    }

    /// The child of unit `unit` (whose base is `base`) labelled `c`.
    #[inline(always)]
    fn child(&self, unit: usize, base: u32, c: char) -> Option<(usize, &Unit)> {
        let code = self.code(c);
        if code == 0 {
            return None;
        }
        let slot = base as usize + code as usize;
        let u = self.units.get(slot)?;
        (u.check as usize == unit).then_some((slot, u))
    }

    /// Calls `visit(length, items)` for every non-empty prefix of `text`
    /// that has items, shortest first.
    #[inline]
    pub(crate) fn walk(&self, text: &[char], mut visit: impl FnMut(usize, &[Entry])) {
        let Some(root) = self.units.get(ROOT) else {
            return;
        };
        let (mut unit, mut base) = (ROOT, root.base);
        for (k, &c) in text.iter().enumerate() {
            let Some((slot, u)) = self.child(unit, base, c) else {
                return;
            };
            if u.n_item > 0 {
                let items = self.items.get(u.item_lo as usize..).unwrap_or_default();
                visit(k + 1, items.get(..u.n_item as usize).unwrap_or(items));
            }
            (unit, base) = (slot, u.base);
        }
    }

    /// Calls `f(key)` for every key with items.
    #[cfg(test)]
    pub(crate) fn each_key(&self, mut f: impl FnMut(&[char])) {
        let mut char_of = std::collections::HashMap::new();
        for (c, &code) in self.codes.iter().enumerate() {
            if code != 0 {
                char_of.insert(code, char::from_u32(c as u32).unwrap_or('\0'));
            }
        }
        char_of.extend(self.astral_codes.iter().map(|&(c, code)| (code, c)));
        let mut children = vec![Vec::new(); self.units.len()];
        for (slot, u) in self.units.iter().enumerate() {
            if u.check != FREE {
                let code = slot - self.units[u.check as usize].base as usize;
                children[u.check as usize].push((char_of[&(code as u16)], slot));
            }
        }
        let mut key = Vec::new();
        let mut stack = vec![(ROOT, 0usize, '\0')];
        while let Some((unit, depth, c)) = stack.pop() {
            key.truncate(depth.saturating_sub(1));
            if depth > 0 {
                key.push(c);
            }
            if self.units[unit].n_item > 0 {
                f(&key);
            }
            stack.extend(children[unit].iter().map(|&(c, slot)| (slot, depth + 1, c)));
        }
    }

    /// Asks the cache for what the walks from the next three positions will
    /// read, one step of each walk per position, so that every unit a walk
    /// reads was asked for a position earlier: `text` starts at the
    /// position being analysed. The walk from 3 ahead: its first unit; from
    /// 2 ahead: its second unit (its first asked for a position ago, so in
    /// cache by now) and the first's items; from 1 ahead: its third unit
    /// and the second's items.
    #[inline(always)]
    pub(crate) fn prefetch(&self, text: &[char]) {
        let (Some(root), Some(&c3)) = (self.units.get(ROOT), text.get(3)) else {
            return;
        };
        let code3 = self.code(c3) as usize;
        // A unit in cache: its items, and its child for `c3`.
        let ask = |unit: &Unit| {
            if let Some(item) = self.items.get(unit.item_lo as usize) {
                prefetch(item);
            }
            if let Some(next) = self.units.get(unit.base as usize + code3) {
                prefetch(next);
            }
        };
        if let Some(first) = self.units.get(root.base as usize + code3) {
            prefetch(first);
        }
        // The walk from 2 ahead, at its first unit.
        if let Some((_, two_ahead)) = self.child(ROOT, root.base, text[2]) {
            ask(two_ahead);
        }
        // The walk from 1 ahead, at its second unit.
        let one_ahead = self.child(ROOT, root.base, text[1]);
        if let Some((_, one_ahead)) =
            one_ahead.and_then(|(slot, u)| self.child(slot, u.base, text[2]))
        {
            ask(one_ahead);
        }
    }
}

/// Which slots are taken, for placing nodes' children.
#[derive(Default)]
struct Placer {
    /// One bit per slot: taken by a node.
    taken: Vec<u64>,
    /// One bit per slot: free but no longer tried (see [`Placer::place`]).
    closed: Vec<u64>,
    /// Per free slot, how many nodes have failed to fit there.
    fails: Vec<u8>,
    /// Every slot below is taken or closed.
    first_open: usize,
    /// One past the last taken slot.
    end: usize,
}

/// A free slot that so many nodes have failed to fit at is not tried again.
/// Fewer tries build faster and leave more slots free: IPADIC's full spelt
/// trie (469,133 nodes) took 38 / 51 / 124 ms to build into 858,981 /
/// 646,054 / 553,239 units with 1 / 4 / 16 (medians of three).
const MAX_FAILS: u8 = 4;

impl Placer {
    fn bit(bits: &[u64], slot: usize) -> bool {
        bits.get(slot / 64)
            .is_some_and(|w| w >> (slot % 64) & 1 == 1)
    }

    fn set(bits: &mut Vec<u64>, slot: usize) {
        if bits.len() <= slot / 64 {
            bits.resize(slot / 64 + 1, 0);
        }
        bits[slot / 64] |= 1 << (slot % 64);
    }

    fn take(&mut self, slot: usize) {
        Self::set(&mut self.taken, slot);
        self.end = self.end.max(slot + 1);
    }

    /// The first slot at or after `from` that is neither taken nor closed.
    fn next_open(&self, from: usize) -> usize {
        let mut w = from / 64;
        let mut mask = !0u64 << (from % 64);
        loop {
            let busy =
                self.taken.get(w).copied().unwrap_or(0) | self.closed.get(w).copied().unwrap_or(0);
            let open = !busy & mask;
            if open != 0 {
                return w * 64 + open.trailing_zeros() as usize;
            }
            w += 1;
            mask = !0;
        }
    }

    /// A base at which every `code` of `children` (sorted, first the
    /// smallest) falls on a free slot, and takes those slots: the first
    /// fit among the open slots. Each failed try counts against its slot,
    /// which closes after [`MAX_FAILS`], so the build stays linear however
    /// full the array's front is; past the last taken slot every try fits.
    fn place(&mut self, children: &[(u32, u32)]) -> Option<u32> {
        let first_code = children.first()?.0 as usize;
        while Self::bit(&self.taken, self.first_open) || Self::bit(&self.closed, self.first_open) {
            self.first_open += 1;
        }
        let mut slot = self.next_open(self.first_open.max(first_code));
        let base = loop {
            let base = slot - first_code;
            if slot >= self.end
                || children[1..]
                    .iter()
                    .all(|&(code, _)| !Self::bit(&self.taken, base + code as usize))
            {
                break base;
            }
            if self.fails.len() <= slot {
                self.fails.resize(slot + 1, 0);
            }
            self.fails[slot] += 1;
            if self.fails[slot] >= MAX_FAILS {
                Self::set(&mut self.closed, slot);
            }
            slot = self.next_open(slot + 1);
        };
        for &(code, _) in children {
            self.take(base + code as usize);
        }
        u32::try_from(base).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenizer::dictionary::strings::SortedStrings;

    /// A trie whose key k has one entry with id k.
    fn trie_of(keys: &[&str]) -> Trie {
        let mut sorted = keys.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        let n = sorted.len() as u32;
        let entries: Vec<Entry> = (0..n)
            .map(|k| Entry {
                id: k as u16,
                cost: 0,
                base: 0,
            })
            .collect();
        let starts: Vec<u32> = (0..=n).collect();
        Trie::of_surfaces(&SortedStrings::of(&sorted), &entries, &starts).unwrap()
    }

    /// (length, ids) of every prefix of `text` with items, by the trie.
    fn trie_walk(trie: &Trie, text: &[char]) -> Vec<(usize, Vec<u16>)> {
        let mut out = Vec::new();
        trie.walk(text, |len, node| {
            let (lo, n) = (node.item_lo as usize, usize::from(node.n_item));
            if n > 0 {
                out.push((len, trie.items[lo..][..n].iter().map(|e| e.id).collect()));
            }
        });
        out
    }

    /// The same by the double array.
    fn array_walk(array: &DoubleArray, text: &[char]) -> Vec<(usize, Vec<u16>)> {
        let mut out = Vec::new();
        array.walk(text, |len, items| {
            out.push((len, items.iter().map(|e| e.id).collect()))
        });
        out
    }

    #[test]
    fn double_array_walks_as_the_trie() {
        let keys = [
            "食",
            "食べ",
            "食べ物",
            "飲む",
            "𠮷野家",
            "𠮷",
            "あ",
            "ああ",
            "かな",
        ];
        let trie = trie_of(&keys);
        let array = DoubleArray::of(&trie).unwrap();
        for text in [
            "食べ物です",
            "食う",
            "𠮷野家だ",
            "ああああ",
            "かなあ",
            "",
            "猫",
        ] {
            let chars: Vec<char> = text.chars().collect();
            assert_eq!(
                array_walk(&array, &chars),
                trie_walk(&trie, &chars),
                "{text}"
            );
        }
        assert_eq!(
            array_walk(&array, &"食べ物".chars().collect::<Vec<_>>()),
            [(1, vec![3]), (2, vec![4]), (3, vec![5])]
        );
    }

    #[test]
    fn double_array_of_many_keys_walks_as_the_trie() {
        // Keys over a wide alphabet with shared prefixes and wide nodes, so
        // that placement tries and closes slots and goes past the end.
        let mut state = 12345u64;
        let mut next = move || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) as u32
        };
        let alphabet: Vec<char> = "あいうえおかきくけこ日本語東京大学食飲𠮷🍣"
            .chars()
            .chain((0..600).map(|k| char::from_u32(0x4E00 + k * 7).unwrap()))
            .collect();
        let pick = |r: u32| {
            alphabet[(r as usize % alphabet.len()).min(if r % 3 == 0 { 9 } else { usize::MAX })]
        };
        let keys: Vec<String> = (0..5000)
            .map(|_| {
                let len = 1 + next() as usize % 6;
                (0..len).map(|_| pick(next())).collect()
            })
            .collect();
        let key_refs: Vec<&str> = keys.iter().map(String::as_str).collect();
        let trie = trie_of(&key_refs);
        let array = DoubleArray::of(&trie).unwrap();
        for key in &keys {
            let mut text: Vec<char> = key.chars().collect();
            text.push(pick(next()));
            assert_eq!(array_walk(&array, &text), trie_walk(&trie, &text), "{key}");
        }
        for _ in 0..2000 {
            let text: Vec<char> = (0..8).map(|_| pick(next())).collect();
            assert_eq!(array_walk(&array, &text), trie_walk(&trie, &text));
        }
    }

    #[test]
    fn double_array_refuses_more_labels_than_its_codes() {
        // 65,536 distinct characters under two first ones (a node has at
        // most 65,535 children): one more than 16-bit codes number.
        let labels = (0x4E00u32..).filter_map(char::from_u32).take(65_534);
        let keys: Vec<String> = labels
            .enumerate()
            .map(|(k, c)| [['あ', 'い'][k % 2], c].iter().collect())
            .collect();
        let key_refs: Vec<&str> = keys.iter().map(String::as_str).collect();
        assert!(DoubleArray::of(&trie_of(&key_refs)).is_none());
        assert!(DoubleArray::of(&trie_of(&key_refs[1..])).is_some());
    }

    #[test]
    fn double_array_of_nothing_finds_nothing() {
        let array = DoubleArray::of(&trie_of(&[])).unwrap();
        assert!(array_walk(&array, &['何', 'か']).is_empty());
        array.prefetch(&['何', 'か', 'も', 'の']);
    }
}
