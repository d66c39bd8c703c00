//! The plain (non-conjugating) entries, column by column: front-coded
//! surfaces, entries per surface, context ids, costs (relative to a typical
//! cost per context id, in multiples of the word-cost quantum) and the base
//! forms that differ from the surface.

use crate::artifact::bytes::Reader;
#[cfg(feature = "cli")]
use crate::artifact::bytes::Writer;
use crate::artifact::calls;
use crate::error::Result;
use crate::tokenizer::dictionary::lexicon::Entry;
use crate::tokenizer::dictionary::strings::{
    read_group_sizes, CharTable, SortedStrings, StringTable,
};
#[cfg(feature = "cli")]
use crate::tokenizer::dictionary::{
    lexicon::layout::{LexiconLayout, Marks},
    strings::{write_group_sizes, CharRanks},
};

/// The plain entries as read.
pub(crate) struct PlainEntries {
    pub(crate) surfaces: SortedStrings,
    /// Surface s has entries `entries[entry_start[s]..entry_start[s + 1]]`.
    pub(crate) entry_start: Vec<u32>,
    pub(crate) entries: Vec<Entry>,
    /// Word costs (here and in paradigms and lemmas) are multiples of this.
    pub(crate) word_quantum: i64,
}

/// Reads a word cost stored as a difference from `base`, in multiples of `quantum`.
pub(crate) fn read_cost(r: &mut Reader, base: i64, quantum: i64) -> Result<i16> {
    let v = r.ivar()?;
    // Checked only where it could overflow: an i64 multiplication with an
    // overflow check is a 128-bit library call in wasm32, once per word at
    // every load (4 to 5 % of the compact tier's cold start).
    let small = |x: i64| x.unsigned_abs() < 1 << 24;
    base.checked_add(v)
        .and_then(|v| match small(v) && small(quantum) {
            true => Some(v * quantum),
            false => v.checked_mul(quantum),
        })
        .and_then(|v| i16::try_from(v).ok())
        .ok_or_else(|| r.err("word cost out of range"))
}

impl PlainEntries {
    /// Reads the plain entries (context ids below `n_ids`); their base forms
    /// go to `bases`. `limit` (the payload's size) bounds every count.
    pub(crate) fn read(
        r: &mut Reader,
        table: &CharTable,
        n_ids: usize,
        limit: usize,
        bases: &mut StringTable,
    ) -> Result<PlainEntries> {
        let surfaces = SortedStrings::read(r, table)?;
        let entry_start = read_group_sizes(r, surfaces.len(), limit)?;
        let total = *entry_start.last().unwrap_or(&0) as usize;
        let mut entries = vec![
            Entry {
                id: 0,
                cost: 0,
                base: u32::MAX
            };
            total
        ];
        calls::for_each(total, |i| {
            entries[i].id = r.uvar_max(n_ids as u64 - 1, "entry context id")? as u16;
            Ok(())
        })?;
        let word_quantum = r.uvar_max(1 << 10, "word cost quantum")? as i64;
        // Costs are stored relative to a typical cost per context id.
        let mut id_cost = Vec::with_capacity(n_ids);
        for _ in 0..n_ids {
            id_cost.push(r.ivar()?);
        }
        calls::for_each(total, |i| {
            let e = &mut entries[i];
            e.cost = read_cost(r, id_cost[e.id as usize], word_quantum)?;
            Ok(())
        })?;
        // Base forms differing from the surface: (entry index gap, string).
        let n_bases = r.count("number of base forms")?;
        let mut at = 0usize;
        let mut chars = Vec::new();
        calls::for_each(n_bases, |k| {
            at += r.uvar_max(total as u64, "base form entry")? as usize;
            let e = entries
                .get_mut(at)
                .ok_or_else(|| r.err("base form entry out of range"))?;
            e.base = k as u32;
            chars.clear();
            table.read_into(r, &mut chars)?;
            bases.push(chars.iter().copied(), "");
            Ok(())
        })?;
        Ok(PlainEntries {
            surfaces,
            entry_start,
            entries,
            word_quantum,
        })
    }

    /// Writes the plain entries of `layout` as [`PlainEntries::read`] reads
    /// them (`n_ids` context ids), marking each column's start in `marks`.
    #[cfg(feature = "cli")]
    pub(crate) fn write(
        w: &mut Writer,
        marks: &mut Marks,
        layout: &LexiconLayout,
        ranks: &CharRanks,
        n_ids: usize,
    ) {
        let qw = |c: i16| layout.quantised(c);
        marks.push(("surfaces", w.buf.len()));
        let surfaces: Vec<Vec<char>> = layout
            .surfaces
            .iter()
            .map(|g| g.surface.chars().collect())
            .collect();
        SortedStrings::write(w, ranks, &surfaces);
        marks.push(("entries per surface", w.buf.len()));
        write_group_sizes(w, layout.surfaces.iter().map(|g| g.entries.len()));
        let plain_entries = || layout.surfaces.iter().flat_map(|g| g.entries.iter());
        marks.push(("entry context ids", w.buf.len()));
        for e in plain_entries() {
            w.uvar(u64::from(e.id));
        }
        marks.push(("entry costs", w.buf.len()));
        w.uvar(layout.word_quantum as u64);
        // Typical (median) cost per id; entries store the difference.
        let mut by_id: Vec<Vec<i64>> = vec![Vec::new(); n_ids];
        for e in plain_entries() {
            by_id[usize::from(e.id)].push(qw(e.cost));
        }
        let id_cost: Vec<i64> = by_id
            .iter_mut()
            .map(|v| {
                v.sort();
                v.get(v.len() / 2).copied().unwrap_or(0)
            })
            .collect();
        id_cost.iter().for_each(|&c| w.ivar(c));
        for e in plain_entries() {
            w.ivar(qw(e.cost) - id_cost[usize::from(e.id)]);
        }
        marks.push(("base forms", w.buf.len()));
        let exceptions: Vec<(usize, &str)> = plain_entries()
            .enumerate()
            .filter(|(_, e)| e.base != e.surface)
            .map(|(i, e)| (i, e.base.as_str()))
            .collect();
        w.uvar(exceptions.len() as u64);
        let mut at = 0;
        for (i, b) in exceptions {
            w.uvar((i - at) as u64);
            at = i;
            ranks.write_str(w, b);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::read_cost;
    use crate::artifact::bytes::{Reader, Writer};

    /// `read_cost` of a stored `v`.
    fn cost(v: i64, base: i64, quantum: i64) -> Option<i16> {
        let mut w = Writer::default();
        w.ivar(v);
        read_cost(&mut Reader::new(&w.buf, "test"), base, quantum).ok()
    }

    #[test]
    fn word_costs_are_exact_or_refused_at_every_magnitude() {
        assert_eq!(cost(-7, 10, 4), Some(12));
        assert_eq!(cost(8191, 0, 4), Some(32764));
        assert_eq!(cost(8192, 0, 4), None);
        assert_eq!(cost(-8192, 0, 4), Some(-32768));
        assert_eq!(cost(-8193, 0, 4), None);
        // Beyond the unchecked multiplication's range: checked, still exact.
        assert_eq!(cost(1 << 40, 0, 1), None);
        assert_eq!(cost(1 << 40, 0, 0), Some(0));
        assert_eq!(cost(3, 0, 1 << 30), None);
        // 2^70 would wrap to 0 unchecked.
        assert_eq!(cost(1 << 40, 0, 1 << 30), None);
        assert_eq!(cost(i64::MAX, 1, 1), None);
        assert_eq!(cost(i64::MIN / 2, 0, 4), None);
    }
}
