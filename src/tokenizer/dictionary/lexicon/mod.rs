//! The lexicon: plain entries, conjugating lemmas with their paradigms, and
//! the trie over surfaces and stems that finds every word starting at a
//! text position. The file stores it column by column ([`entries`],
//! [`paradigms`]); [`layout`] decides, when writing, which words become
//! lemmas; [`spelt`] is a faster second trie with every form spelt out,
//! which natively becomes a [`double_array`].

#[cfg(not(target_arch = "wasm32"))]
pub(crate) mod double_array;
pub(crate) mod entries;
#[cfg(feature = "cli")]
pub(crate) mod layout;
pub(crate) mod paradigms;
pub(crate) mod spelt;
pub(crate) mod trie;

use crate::artifact::bytes::Reader;
#[cfg(feature = "cli")]
use crate::artifact::bytes::Writer;
use crate::artifact::calls;
use crate::error::Result;
use crate::tokenizer::dictionary::connector::Connector;
use crate::tokenizer::dictionary::strings::{CharTable, StringTable};
use entries::PlainEntries;
#[cfg(feature = "cli")]
use layout::{LexiconLayout, Marks};
use paradigms::{Form, Lemma, Lemmas, ParadigmForms, Paradigms};
use spelt::{Spelt, SpeltTrie};
use trie::{Trie, NOT_AN_ENTRY, STEM};

/// [`Lexicon::form_first`] of a form with an empty ending (beyond every character).
const NO_FIRST: u32 = u32::MAX;

/// [`Lexicon::lookup`] in the spelt trie (in wasm; natively its double array).
#[inline(always)]
fn lookup_in_spelt_trie(spelt: &Trie, text: &[char], mut f: impl FnMut(usize, u16, i16, u32)) {
    spelt.walk(text, |len, node| {
        for e in &spelt.items[node.item_lo as usize..][..node.n_item as usize] {
            f(len, e.id, e.cost, e.base);
        }
    });
}

/// One analysis of a surface: context id, word cost and how to get the base form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// Context id (IPADIC uses the same id on both sides).
    pub id: u16,
    /// Word cost.
    pub cost: i16,
    /// Index into the base forms, or `u32::MAX` when the base form is the surface.
    pub base: u32,
}

/// One lexicon line of IPADIC: an analysis of a surface.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LexiconEntry {
    /// The word as written.
    pub surface: String,
    /// Context id (IPADIC uses the same id on both sides).
    pub id: u16,
    /// Word cost.
    pub cost: i16,
    /// Dictionary form.
    pub base: String,
}

/// A lexicon word as the readings file keys it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WordRef {
    /// A plain entry, by its place in the file.
    Entry(u32),
    /// Form `form` (in its paradigm's order) of lemma `lemma` (file order),
    /// whose stem is the surface's first `stem_len` characters.
    Form {
        lemma: u32,
        form: u32,
        stem_len: usize,
    },
}

/// The lexicon, ready for lookups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Lexicon {
    /// Surfaces and stems, for lookups.
    trie: Trie,
    /// Every surface with conjugated forms spelt out: lookups use it once
    /// it is built (natively at once, in wasm later or never: see [`spelt`]).
    spelt: SpeltTrie,
    /// Number of distinct surfaces of plain entries.
    pub(crate) n_surfaces: usize,
    /// Number of plain entries (their live ones are in the trie's items).
    pub(crate) n_entries: usize,
    pub(crate) lemmas: Vec<Lemma>,
    pub(crate) paradigms: Vec<ParadigmForms>,
    /// Per lemma, its paradigm's record (a copy): lookups read the lemmas
    /// of a stem in a row, and so read these in a row, not scattered.
    lemma_paradigms: Vec<ParadigmForms>,
    forms: Vec<Form>,
    /// Per form, the first character of its ending (`NO_FIRST` for an
    /// empty one): lookups search a paradigm's endings by it, in this
    /// contiguous copy rather than through `suffix_chars`.
    form_first: Vec<u32>,
    suffix_chars: Vec<char>,
    /// Base forms that differ from the surface (plain entries, then one per lemma).
    pub(crate) bases: StringTable,
}

impl Lexicon {
    /// Reads the lexicon (context ids below `n_ids`; `limit`, the payload's
    /// size, bounds every count). With `drop_dead_entries`, lookups skip
    /// entries that can never be on a best path (see [`live_entries`]).
    pub(crate) fn read(
        r: &mut Reader,
        n_ids: usize,
        limit: usize,
        connector: &Connector,
        drop_dead_entries: bool,
    ) -> Result<Lexicon> {
        let table = CharTable::read(r)?;
        let mut bases = StringTable::default();
        let mut plain = PlainEntries::read(r, &table, n_ids, limit, &mut bases)?;
        let wq = plain.word_quantum;
        let paradigms = Paradigms::read(r, &table, n_ids, limit, wq)?;
        let lemmas = Lemmas::read(r, &table, &paradigms, limit, wq, &mut bases)?;
        // The lexicon is the payload's last section.
        if !r.at_end() {
            return Err(r.err("trailing bytes after the lexicon"));
        }
        let entry_start = &plain.entry_start;
        // Where each entry was in the file, as the entries move (readings are
        // stored in file order).
        let mut origin: Vec<u32> = (0..plain.entries.len() as u32).collect();
        let entry_end = if drop_dead_entries {
            let (left, right) = (&connector.left_class, &connector.right_class);
            live_entries(&mut plain.entries, &mut origin, entry_start, left, right)?
        } else {
            entry_start[1..].to_vec()
        };
        let trie = Trie::build(
            &plain.surfaces,
            &plain.entries,
            &origin,
            entry_start,
            &entry_end,
            &lemmas.stems,
            &lemmas.lemma_start,
        )?;
        let (n_surfaces, n_entries) = (plain.surfaces.len(), plain.entries.len());
        let spelt = SpeltTrie::start(
            spelt::Words {
                surfaces: plain.surfaces,
                entries: plain.entries,
                entry_start: plain.entry_start,
                entry_end,
                stems: lemmas.stems,
                lemma_start: lemmas.lemma_start,
                lemmas: lemmas.lemmas.clone(),
                paradigms: paradigms.paradigms.clone(),
                forms: paradigms.forms.clone(),
                suffix_chars: paradigms.suffix_chars.clone(),
            },
            !connector.is_exact(),
        );
        Ok(Lexicon {
            trie,
            spelt,
            n_surfaces,
            n_entries,
            lemma_paradigms: lemmas
                .lemmas
                .iter()
                .map(|l| {
                    paradigms
                        .paradigms
                        .get(l.paradigm as usize)
                        .copied()
                        .unwrap_or_default()
                })
                .collect(),
            lemmas: lemmas.lemmas,
            paradigms: paradigms.paradigms,
            form_first: paradigms
                .forms
                .iter()
                .map(|f| match paradigms.suffix_chars.get(f.suffix as usize) {
                    Some(&c) if f.suffix_len > 0 => c as u32,
                    _ => NO_FIRST,
                })
                .collect(),
            forms: paradigms.forms,
            suffix_chars: paradigms.suffix_chars,
            bases,
        })
    }

    /// Writes `layout` as [`Lexicon::read`] reads it.
    #[cfg(feature = "cli")]
    pub(crate) fn write(w: &mut Writer, marks: &mut Marks, layout: &LexiconLayout, n_ids: usize) {
        let ranks = layout.char_ranks();
        ranks.write(w);
        PlainEntries::write(w, marks, layout, &ranks, n_ids);
        Paradigms::write(w, marks, layout, &ranks);
        Lemmas::write(w, marks, layout, &ranks);
    }

    /// Calls `f(length, id, cost, base)` for every lexicon word (plain entry
    /// or conjugated form) that is a prefix of `text`. `base` indexes
    /// the base forms or is `u32::MAX` when the base form is the surface.
    pub(crate) fn lookup(&self, text: &[char], f: impl FnMut(usize, u16, i16, u32)) {
        match self.spelt.get() {
            #[cfg(not(target_arch = "wasm32"))]
            Some(Spelt::DoubleArray { array, .. }) => {
                let mut f = f;
                array.walk(text, |len, items| {
                    for e in items {
                        f(len, e.id, e.cost, e.base);
                    }
                })
            }
            Some(Spelt::Trie(spelt)) => lookup_in_spelt_trie(spelt, text, f),
            None => self.lookup_through_stems(text, f),
        }
    }

    /// [`Lexicon::lookup`] in the stems' trie.
    fn lookup_through_stems(&self, text: &[char], mut f: impl FnMut(usize, u16, i16, u32)) {
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
            let (lo, hi) = (lo as usize, hi as usize);
            let lemmas = self.lemmas.get(lo..hi).unwrap_or_default();
            let paradigms = self.lemma_paradigms.get(lo..hi).unwrap_or_default();
            self.conjugated_forms(text, len, lemmas, paradigms, &mut f);
        }
    }

    /// Counts `n` characters analysed (see [`SpeltTrie::analysed`]).
    #[inline]
    pub(crate) fn analysed(&self, n: usize) {
        self.spelt.analysed(n);
    }

    /// See [`Trie::prefetch`]: `text` starts at the position being analysed.
    #[inline(always)]
    pub(crate) fn prefetch(&self, text: &[char], sink: &mut u32) {
        // One call of the trie's (always inlined) prefetch, not one per arm:
        // the wasm bundle has little room.
        let trie = match self.spelt.get() {
            #[cfg(not(target_arch = "wasm32"))]
            Some(Spelt::DoubleArray { array, .. }) => return array.prefetch(text),
            Some(Spelt::Trie(spelt)) => spelt,
            None => &self.trie,
        };
        trie.prefetch(text.get(1).copied(), text.get(2).copied(), sink);
    }

    /// Number of forms of lemma `lemma` (its paradigm's), 0 for no lemma.
    pub(crate) fn form_count(&self, lemma: usize) -> usize {
        self.lemmas
            .get(lemma)
            .and_then(|l| self.paradigms.get(l.paradigm as usize))
            .map_or(0, |p| usize::from(p.n_forms))
    }

    /// The lexicon word that [`Lexicon::lookup`] reports as `(surface.len(),
    /// id, _, base)` for `surface`: of several (entries differing only in
    /// cost), the first, as they all read alike (the readings file gives
    /// every word of one surface and context id the reading MeCab prints).
    pub(crate) fn word(&self, surface: &[char], id: u16, base: u32) -> Option<WordRef> {
        let mut found = None;
        let items = &self.trie.items;
        self.trie.walk(surface, |len, node| {
            let lo = node.item_lo as usize;
            for (k, e) in items[lo..][..usize::from(node.n_item)].iter().enumerate() {
                if found.is_some() {
                    return;
                }
                if e.id != STEM {
                    let origin = self.trie.item_origin.get(lo + k).copied();
                    if len == surface.len() && e.id == id && e.base == base {
                        found = origin.filter(|&o| o != NOT_AN_ENTRY).map(WordRef::Entry);
                    }
                    continue;
                }
                let rest = &surface[len..];
                for lemma in e.base..e.base + e.cost as u32 {
                    match self.lemmas.get(lemma as usize) {
                        Some(l) if l.base == base => {}
                        _ => continue,
                    }
                    let l = self.lemmas[lemma as usize];
                    let p = self.paradigms[l.paradigm as usize];
                    let forms = &self.forms[p.form_lo as usize..][..usize::from(p.n_forms)];
                    let form = forms.iter().position(|f| {
                        let suffix = self.suffix_chars.get(f.suffix as usize..);
                        let suffix = suffix.and_then(|s| s.get(..usize::from(f.suffix_len)));
                        f.id == id && suffix == Some(rest)
                    });
                    if let Some(form) = form {
                        found = Some(WordRef::Form {
                            lemma,
                            form: form as u32,
                            stem_len: len,
                        });
                        return;
                    }
                }
            }
        });
        found
    }

    /// Calls `f` for every form of `lemmas` (sharing the stem `text[..len]`;
    /// `paradigms` holds each one's paradigm record) whose ending follows
    /// the stem in `text`.
    fn conjugated_forms(
        &self,
        text: &[char],
        len: usize,
        lemmas: &[Lemma],
        paradigms: &[ParadigmForms],
        f: &mut impl FnMut(usize, u16, i16, u32),
    ) {
        let rest = &text[len..];
        let next = rest.first().copied();
        let next_bit = next.map_or(0, |c| 1u64 << (c as u32 % 64));
        // No ending starts with this when there is no next character.
        let next_u32 = next.map_or(NO_FIRST, |c| c as u32);
        for (l, &p) in lemmas.iter().zip(paradigms) {
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
            let firsts = &self.form_first[p.form_lo as usize..][..usize::from(p.n_forms)];
            let firsts = &firsts[usize::from(p.n_empty)..];
            let from = firsts.partition_point(|&c| c < next_u32);
            let run = firsts[from..]
                .iter()
                .take_while(|&&c| c == next_u32)
                .count();
            for form in &endings[from..][..run] {
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
/// front of its group, keeping their order (and `origin`, a value per
/// entry, alongside), and returns where each group's
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
    origin: &mut [u32],
    entry_start: &[u32],
    left_class: &[u16],
    right_class: &[u16],
) -> Result<Vec<u32>> {
    let classes = |e: &Entry| (left_class[e.id as usize], right_class[e.id as usize]);
    let n_surfaces = entry_start.len().saturating_sub(1);
    let mut end = Vec::with_capacity(n_surfaces);
    let mut live = Vec::new();
    let surface = |s: usize| {
        let (lo, hi) = (entry_start[s] as usize, entry_start[s + 1] as usize);
        // Most surfaces have one entry.
        if hi - lo < 2 {
            end.push(hi as u32);
            return Ok(());
        }
        let group = &mut entries[lo..hi];
        live.clear();
        for (i, e) in group.iter().enumerate() {
            let beaten = group.iter().enumerate().any(|(j, o)| {
                j != i
                    && classes(o) == classes(e)
                    && (o.cost < e.cost || (o.cost == e.cost && j > i))
            });
            if !beaten {
                live.push((*e, origin[lo + i]));
            }
        }
        for (k, &(e, o)) in live.iter().enumerate() {
            group[k] = e;
            origin[lo + k] = o;
        }
        end.push((lo + live.len()) as u32);
        Ok(())
    };
    calls::for_each(n_surfaces, surface)?;
    Ok(end)
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let mut origin = [10, 11, 12, 13, 14];
        let end = live_entries(&mut entries, &mut origin, &[0, 4, 5], &left, &right).unwrap();
        assert_eq!(end, [2, 5]);
        assert_eq!(entries[..2], [e(2, 90), e(0, 40)]);
        assert_eq!(origin[..2], [11, 13]);
        assert_eq!(entries[4], e(1, 10));
        assert_eq!(origin[4], 14);
    }

    /// Lookups in the tiny fixture dictionary (tests/fixtures/tiny-ipadic).
    #[cfg(feature = "cli")]
    #[test]
    fn lookup_finds_entries_shortest_first_and_forms_after_their_stem() {
        let dict = crate::tokenizer::fixture::dictionary();
        let lookup = |text: &str| {
            let chars: Vec<char> = text.chars().collect();
            let mut found = Vec::new();
            dict.lexicon.lookup(&chars, |len, id, cost, base| {
                found.push((len, id, cost, dict.base_form(base)))
            });
            found
        };
        assert_eq!(lookup("東京都"), [(1, 1, 4000, None), (2, 2, 3000, None)]);
        // 行っ: stem 行 of the lemma 行く plus the ending っ.
        assert_eq!(lookup("行った"), [(2, 5, 2000, Some("行く"))]);
        // た: a lemma whose one form has an empty ending.
        assert_eq!(lookup("た"), [(1, 6, 500, Some("た"))]);
        assert_eq!(lookup("猫"), []);
        // 7 words, plus 10 nouns for the search-mode tests.
        assert_eq!(dict.surface_count(), 17);
        assert_eq!(dict.entry_count(), 17);
        assert_eq!(dict.lemma_count(), (2, 2));
    }
}
