//! Conjugating words, stored as a stem plus a paradigm: a paradigm lists the
//! endings of a way of inflecting (with their context ids and cost deltas)
//! and is shared by every lemma that inflects the same way at the same
//! costs; paradigms differing only in costs share a shape (endings and ids).
//! Readers and writers of shapes, paradigms and lemmas, side by side.

use crate::artifact::bytes::Reader;
#[cfg(feature = "cli")]
use crate::artifact::bytes::Writer;
use crate::error::Result;
use crate::tokenizer::dictionary::index_below;
use crate::tokenizer::dictionary::lexicon::entries::read_cost;
use crate::tokenizer::dictionary::strings::{
    read_group_sizes, CharTable, SortedStrings, StringTable,
};
#[cfg(feature = "cli")]
use crate::tokenizer::dictionary::{
    lexicon::layout::{LexiconLayout, Marks},
    strings::{write_group_sizes, CharRanks},
};

/// A conjugating word: its stem is in the trie, its forms come from a paradigm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Lemma {
    pub paradigm: u32,
    /// Cost of the cheapest form; forms add their delta.
    pub cost: i16,
    /// Index into the base forms.
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
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct ParadigmForms {
    /// Bit (c mod 64) set for the first character c of each non-empty ending.
    pub first_chars: u64,
    /// Forms `forms[form_lo..][..n_forms]`, sorted by ending: the `n_empty`
    /// forms with an empty ending first.
    pub form_lo: u32,
    pub n_forms: u16,
    pub n_empty: u16,
}

/// The paradigms as read.
pub(crate) struct Paradigms {
    /// Per shape, what follows the stem in the base form.
    base_suffixes: Vec<String>,
    /// Per paradigm, its shape.
    shape_of: Vec<usize>,
    pub(crate) paradigms: Vec<ParadigmForms>,
    pub(crate) forms: Vec<Form>,
    /// The endings' characters ([`Form::suffix`] indexes it).
    pub(crate) suffix_chars: Vec<char>,
}

impl Paradigms {
    /// Reads the shapes, then the paradigms (context ids below `n_ids`,
    /// every count bounded by `limit`, the payload's size).
    pub(crate) fn read(
        r: &mut Reader,
        table: &CharTable,
        n_ids: usize,
        limit: usize,
        word_quantum: i64,
    ) -> Result<Paradigms> {
        // Shapes: endings and ids.
        let n_shapes = r.count("number of paradigm shapes")?;
        let shape_start = read_group_sizes(r, n_shapes, limit)?;
        let mut base_suffixes = Vec::with_capacity(n_shapes);
        for _ in 0..n_shapes {
            base_suffixes.push(table.read_chars(r)?.into_iter().collect::<String>());
        }
        let n_shape_forms = *shape_start.last().unwrap_or(&0) as usize;
        let mut shape_forms = Vec::with_capacity(n_shape_forms);
        let mut suffix_chars = Vec::new();
        for _ in 0..n_shape_forms {
            let start = suffix_chars.len() as u32;
            suffix_chars.extend(table.read_chars(r)?);
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
        // Paradigms: a shape plus cost deltas.
        let n_par = r.count("number of paradigms")?;
        let mut shape_of = Vec::with_capacity(n_par);
        let mut form_start = Vec::with_capacity(n_par + 1);
        form_start.push(0u32);
        let mut forms = Vec::new();
        for _ in 0..n_par {
            let sh = index_below(r, n_shapes, "paradigm shape")? as usize;
            shape_of.push(sh);
            forms.extend_from_slice(
                &shape_forms[shape_start[sh] as usize..shape_start[sh + 1] as usize],
            );
            if forms.len() > limit {
                return Err(r.err("paradigm forms exceed the payload size"));
            }
            form_start.push(forms.len() as u32);
        }
        for f in forms.iter_mut() {
            f.delta = read_cost(r, 0, word_quantum)?;
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
        Ok(Paradigms {
            base_suffixes,
            shape_of,
            paradigms,
            forms,
            suffix_chars,
        })
    }

    /// Writes the shapes and paradigms of `layout` as [`Paradigms::read`] reads them.
    #[cfg(feature = "cli")]
    pub(crate) fn write(
        w: &mut Writer,
        marks: &mut Marks,
        layout: &LexiconLayout,
        ranks: &CharRanks,
    ) {
        marks.push(("paradigms", w.buf.len()));
        let shapes = &layout.shapes;
        w.uvar(shapes.len() as u64);
        write_group_sizes(w, shapes.iter().map(|s| s.forms.len()));
        for s in shapes {
            ranks.write_str(w, &s.base_suffix);
        }
        for f in shapes.iter().flat_map(|s| &s.forms) {
            ranks.write_str(w, &f.ending);
        }
        for f in shapes.iter().flat_map(|s| &s.forms) {
            w.uvar(u64::from(f.id));
        }
        w.uvar(layout.paradigms.len() as u64);
        for p in &layout.paradigms {
            w.uvar(p.shape as u64);
        }
        for p in &layout.paradigms {
            p.deltas.iter().for_each(|&d| w.ivar(d));
        }
    }
}

/// The lemmas as read, grouped by stem.
pub(crate) struct Lemmas {
    pub(crate) stems: SortedStrings,
    /// Stem s has lemmas `lemmas[lemma_start[s]..lemma_start[s + 1]]`.
    pub(crate) lemma_start: Vec<u32>,
    pub(crate) lemmas: Vec<Lemma>,
}

impl Lemmas {
    /// Reads the lemmas of `paradigms`; their base forms (stem + the shape's
    /// base suffix) go to `bases`.
    pub(crate) fn read(
        r: &mut Reader,
        table: &CharTable,
        paradigms: &Paradigms,
        limit: usize,
        word_quantum: i64,
        bases: &mut StringTable,
    ) -> Result<Lemmas> {
        let stems = SortedStrings::read(r, table)?;
        let lemma_start = read_group_sizes(r, stems.len(), limit)?;
        let n_lemmas = *lemma_start.last().unwrap_or(&0) as usize;
        let mut lemmas = vec![
            Lemma {
                paradigm: 0,
                cost: 0,
                base: 0
            };
            n_lemmas
        ];
        let n_par = paradigms.paradigms.len();
        for l in lemmas.iter_mut() {
            l.paradigm = index_below(r, n_par, "paradigm index")? as u32;
        }
        for l in lemmas.iter_mut() {
            l.cost = read_cost(r, 0, word_quantum)?;
        }
        for s in 0..stems.len() {
            for l in &mut lemmas[lemma_start[s] as usize..lemma_start[s + 1] as usize] {
                l.base = bases.len() as u32;
                let suffix = &paradigms.base_suffixes[paradigms.shape_of[l.paradigm as usize]];
                bases.push(stems.get(s).iter().copied(), suffix);
            }
        }
        Ok(Lemmas {
            stems,
            lemma_start,
            lemmas,
        })
    }

    /// Writes the lemmas of `layout` as [`Lemmas::read`] reads them.
    #[cfg(feature = "cli")]
    pub(crate) fn write(
        w: &mut Writer,
        marks: &mut Marks,
        layout: &LexiconLayout,
        ranks: &CharRanks,
    ) {
        marks.push(("lemma stems", w.buf.len()));
        let stems: Vec<Vec<char>> = layout.stems.iter().map(|g| g.stem.clone()).collect();
        SortedStrings::write(w, ranks, &stems);
        write_group_sizes(w, layout.stems.iter().map(|g| g.lemmas.len()));
        marks.push(("lemma paradigms + costs", w.buf.len()));
        for l in layout.stems.iter().flat_map(|g| &g.lemmas) {
            w.uvar(l.paradigm as u64);
        }
        for l in layout.stems.iter().flat_map(|g| &g.lemmas) {
            w.ivar(l.cost);
        }
    }
}
