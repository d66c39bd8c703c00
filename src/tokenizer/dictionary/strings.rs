//! The lexicon's string columns: strings stored as ranks into a character
//! table ([`CharTable`]: frequent characters take one byte, which keeps the
//! decompressed payload small, and LZMA decoding time grows with it),
//! front-coded sorted lists ([`SortedStrings`]), group sizes, and the table
//! that holds the base forms in one allocation ([`StringTable`]). Each
//! record's reader and writer sit side by side.

use crate::artifact::bytes::Reader;
#[cfg(feature = "cli")]
use crate::artifact::bytes::Writer;
use crate::artifact::calls;
use crate::error::Result;
#[cfg(feature = "cli")]
use std::collections::HashMap;

/// The payload's character table: strings store ranks into it.
pub(crate) struct CharTable {
    chars: Vec<char>,
}

impl CharTable {
    /// Reads the table (one string, most frequent character first).
    pub(crate) fn read(r: &mut Reader) -> Result<CharTable> {
        Ok(CharTable {
            chars: r.str()?.chars().collect(),
        })
    }

    /// Reads one string of ranks, appending its characters to `out`.
    pub(crate) fn read_into(&self, r: &mut Reader, out: &mut Vec<char>) -> Result<()> {
        let n = r.count("string length")?;
        out.reserve(n);
        for _ in 0..n {
            self.read_one(r, out)?;
        }
        Ok(())
    }

    /// Reads one rank, appending its character to `out`. Always inlined: a
    /// cold start runs the loaders in V8's baseline code, where a call per
    /// character costs more than the character (the call alone was 7 % of a
    /// compact cold start's profile).
    #[inline(always)]
    pub(crate) fn read_one(&self, r: &mut Reader, out: &mut Vec<char>) -> Result<()> {
        let rank = r.uvar()? as usize;
        out.push(
            *self
                .chars
                .get(rank)
                .ok_or_else(|| r.err("character rank out of range"))?,
        );
        Ok(())
    }

    /// Reads one string of ranks.
    pub(crate) fn read_chars(&self, r: &mut Reader) -> Result<Vec<char>> {
        let mut v = Vec::new();
        self.read_into(r, &mut v)?;
        Ok(v)
    }
}

/// The writer's side of [`CharTable`]: each character's rank.
#[cfg(feature = "cli")]
pub(crate) struct CharRanks {
    table: Vec<char>,
    rank: HashMap<char, u64>,
}

#[cfg(feature = "cli")]
impl CharRanks {
    /// The table of every character of `strings`, most frequent first (ties
    /// by code point).
    pub(crate) fn of<'s>(strings: impl Iterator<Item = &'s str>) -> CharRanks {
        let mut freq: HashMap<char, usize> = HashMap::new();
        strings.for_each(|s| s.chars().for_each(|c| *freq.entry(c).or_default() += 1));
        let mut by_freq: Vec<(char, usize)> = freq.into_iter().collect();
        by_freq.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let table: Vec<char> = by_freq.into_iter().map(|(c, _)| c).collect();
        let rank = table
            .iter()
            .enumerate()
            .map(|(i, &c)| (c, i as u64))
            .collect();
        CharRanks { table, rank }
    }

    /// Writes the table, as [`CharTable::read`] reads it.
    pub(crate) fn write(&self, w: &mut Writer) {
        w.str(&self.table.iter().collect::<String>());
    }

    /// Writes one string of ranks, as [`CharTable::read_into`] reads it.
    pub(crate) fn write_chars(&self, w: &mut Writer, s: &[char]) {
        w.uvar(s.len() as u64);
        s.iter().for_each(|&c| self.write_rank(w, c));
    }

    /// Writes one character's rank, as [`CharTable::read_one`] reads it.
    pub(crate) fn write_rank(&self, w: &mut Writer, c: char) {
        w.uvar(self.rank[&c]);
    }

    /// [`CharRanks::write_chars`] of a string.
    pub(crate) fn write_str(&self, w: &mut Writer, s: &str) {
        self.write_chars(w, &s.chars().collect::<Vec<_>>());
    }
}

/// Sorted, distinct strings (as code points), as stored in the file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct SortedStrings {
    chars: Vec<char>,
    start: Vec<u32>,
}

impl SortedStrings {
    /// Reads a front-coded list: count, then (shared prefix length, suffix) per string.
    pub(crate) fn read(r: &mut Reader, table: &CharTable) -> Result<Self> {
        let n = r.count("number of strings")?;
        // IPADIC's strings average 3.0 to 3.3 characters: at 4 each, no
        // tier's list reallocates. Doubling from empty ended with room for
        // 524,288 characters for the compact surfaces' 279,213, and wasm
        // memory never shrinks (16.7 MB after init, now 16.0). At most a
        // character per byte left, as `count` allows a string per byte
        // left: a damaged count reserves no more here than for `start`.
        let mut s = SortedStrings {
            chars: Vec::with_capacity(n.saturating_mul(4).min(r.remaining())),
            start: Vec::with_capacity(n + 1),
        };
        s.start.push(0);
        let mut prev_start = 0usize;
        calls::for_each(n, |k| {
            let shared = r.uvar()? as usize;
            let start = s.chars.len();
            if shared > start - prev_start {
                return Err(r.err("front-coded prefix longer than the previous string"));
            }
            // Character by character, not `extend_from_within`: in wasm that
            // is a `memory.copy`, which V8 runs as a call out to the host's
            // memmove, dearer than the few characters shared.
            (prev_start..prev_start + shared).for_each(|i| s.chars.push(s.chars[i]));
            table.read_into(r, &mut s.chars)?;
            if s.chars.len() == start {
                return Err(r.err("empty string in a sorted list"));
            }
            // The first `shared` characters are the previous string's own:
            // only what follows them can order the two.
            if k > 0 && s.chars[prev_start + shared..start] >= s.chars[start + shared..] {
                return Err(r.err("strings are not strictly sorted"));
            }
            prev_start = start;
            s.start.push(s.chars.len() as u32);
            Ok(())
        })?;
        Ok(s)
    }

    /// Writes `list` (sorted, distinct, non-empty) as [`SortedStrings::read`] reads it.
    #[cfg(feature = "cli")]
    pub(crate) fn write(w: &mut Writer, ranks: &CharRanks, list: &[Vec<char>]) {
        w.uvar(list.len() as u64);
        let mut prev: &[char] = &[];
        for cur in list {
            let shared = prev.iter().zip(cur).take_while(|(a, b)| a == b).count();
            w.uvar(shared as u64);
            ranks.write_chars(w, &cur[shared..]);
            prev = cur;
        }
    }

    /// The strings of `words`, in that order (tests build tries from them).
    #[cfg(test)]
    pub(crate) fn of(words: &[&str]) -> SortedStrings {
        let mut s = SortedStrings::with_capacity(words.len(), 0);
        for w in words {
            s.push(&w.chars().collect::<Vec<char>>());
        }
        s
    }

    /// An empty list with room for `strings` strings of `chars` characters.
    pub(crate) fn with_capacity(strings: usize, chars: usize) -> SortedStrings {
        let mut start = Vec::with_capacity(strings + 1);
        start.push(0);
        SortedStrings {
            chars: Vec::with_capacity(chars),
            start,
        }
    }

    /// The number of characters of all strings.
    pub(crate) fn total_chars(&self) -> usize {
        self.chars.len()
    }

    /// Appends `string`, which the caller has checked sorts after the last.
    pub(crate) fn push(&mut self, string: &[char]) {
        if self.start.is_empty() {
            self.start.push(0);
        }
        self.chars.extend_from_slice(string);
        self.start.push(self.chars.len() as u32);
    }

    /// Number of strings.
    pub(crate) fn len(&self) -> usize {
        self.start.len().saturating_sub(1)
    }

    /// String number `i`.
    pub(crate) fn get(&self, i: usize) -> &[char] {
        &self.chars[self.start[i] as usize..self.start[i + 1] as usize]
    }
}

/// Reads `n` group sizes and returns their running sums (n + 1 values).
pub(crate) fn read_group_sizes(r: &mut Reader, n: usize, limit: usize) -> Result<Vec<u32>> {
    let mut out = Vec::with_capacity(n + 1);
    out.push(0u32);
    let mut total = 0usize;
    calls::for_each(n, |_| {
        let k = r.uvar_max(1 << 12, "group size")? as usize;
        if k == 0 {
            return Err(r.err("empty group"));
        }
        total += k;
        if total > limit {
            return Err(r.err("group sizes exceed the payload size"));
        }
        out.push(total as u32);
        Ok(())
    })?;
    Ok(out)
}

/// Writes group sizes as [`read_group_sizes`] reads them (the count is
/// written, or known, elsewhere).
#[cfg(feature = "cli")]
pub(crate) fn write_group_sizes(w: &mut Writer, sizes: impl Iterator<Item = usize>) {
    sizes.for_each(|n| w.uvar(n as u64));
}

/// Many strings in one allocation (the base forms: tens of thousands of
/// small allocations at load would cost more than the strings themselves).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct StringTable {
    text: String,
    /// End of each string in `text`.
    ends: Vec<u32>,
}

impl StringTable {
    /// An empty table with room for `strings` strings of `bytes` bytes in all.
    pub(crate) fn with_capacity(strings: usize, bytes: usize) -> StringTable {
        StringTable {
            text: String::with_capacity(bytes),
            ends: Vec::with_capacity(strings),
        }
    }

    /// Appends the string made of `chars` followed by `tail`.
    pub(crate) fn push(&mut self, chars: impl Iterator<Item = char>, tail: &str) {
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
