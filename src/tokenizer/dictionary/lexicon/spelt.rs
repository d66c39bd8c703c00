//! Natively, a second trie in which every conjugated form is spelt out as a
//! surface of its own, so that one walk reports every word without visiting
//! lemmas and paradigms (their forms were a sixth of the full tier's
//! analysis time). It costs memory and load time, which the wasm build
//! cannot spare, so there lookups go through stems.

use crate::error::Result;
use crate::tokenizer::dictionary::lexicon::paradigms::{Form, Lemma, ParadigmForms};
use crate::tokenizer::dictionary::lexicon::trie::{Trie, NOT_AN_ENTRY};
use crate::tokenizer::dictionary::lexicon::Entry;
use crate::tokenizer::dictionary::strings::SortedStrings;

/// The lexicon's parts that [`spelt_trie`] reads.
pub(crate) struct Words<'a> {
    pub surfaces: &'a SortedStrings,
    /// Plain entries: surface s has its live ones at
    /// `entries[entry_start[s]..entry_end[s]]`.
    pub entries: &'a [Entry],
    /// Per entry, its place in the file.
    pub origin: &'a [u32],
    pub entry_start: &'a [u32],
    pub entry_end: &'a [u32],
    pub stems: &'a SortedStrings,
    /// Stem t has lemmas `lemmas[lemma_start[t]..lemma_start[t + 1]]`.
    pub lemma_start: &'a [u32],
    pub lemmas: &'a [Lemma],
    pub paradigms: &'a [ParadigmForms],
    pub forms: &'a [Form],
    pub suffix_chars: &'a [char],
}

/// The trie of every surface, plain or conjugated. A node's items are what
/// [`Lexicon::lookup`](super::Lexicon::lookup) reports for that length, in
/// its order: plain entries, then forms by stem length, lemma and form.
/// Fails where the stems' trie would not (more than 255 words with one
/// surface); the caller then keeps to the stems.
pub(crate) fn spelt_trie(w: &Words) -> Result<Trie> {
    // Every form, stem by stem, lemma by lemma, form by form: its spelling
    // in `chars` and its entry.
    let mut chars: Vec<char> = Vec::new();
    let mut spelt: Vec<(u32, u32, Entry)> = Vec::new();
    for t in 0..w.stems.len() {
        let stem = w.stems.get(t);
        let (lo, hi) = (w.lemma_start[t] as usize, w.lemma_start[t + 1] as usize);
        for l in w.lemmas.get(lo..hi).unwrap_or_default() {
            let Some(p) = w.paradigms.get(l.paradigm as usize) else {
                continue;
            };
            let forms = w.forms.get(p.form_lo as usize..).unwrap_or_default();
            for form in forms.iter().take(usize::from(p.n_forms)) {
                let suffix = w.suffix_chars.get(form.suffix as usize..).unwrap_or_default();
                let start = chars.len() as u32;
                chars.extend_from_slice(stem);
                chars.extend(suffix.iter().take(usize::from(form.suffix_len)));
                let entry = Entry {
                    id: form.id,
                    cost: l.cost.saturating_add(form.delta),
                    base: l.base,
                };
                spelt.push((start, chars.len() as u32 - start, entry));
            }
        }
    }
    let text = |&(start, len, _): &(u32, u32, Entry)| &chars[start as usize..][..len as usize];
    // Stable: of two stems spelling one form, the shorter is a prefix of the
    // longer and so came first, as lookups through stems report them.
    spelt.sort_by(|a, b| text(a).cmp(text(b)));

    // Merged with the plain surfaces, plain entries first.
    let mut surfaces = SortedStrings::default();
    let mut entries = Vec::with_capacity(w.entries.len() + spelt.len());
    let mut origin = Vec::with_capacity(w.entries.len() + spelt.len());
    let mut starts = Vec::new();
    let (mut s, mut f) = (0, 0);
    while s < w.surfaces.len() || f < spelt.len() {
        let plain = (s < w.surfaces.len()).then(|| w.surfaces.get(s));
        let form = spelt.get(f).map(text);
        let key = match (plain, form) {
            (Some(p), Some(q)) => p.min(q),
            (Some(p), None) => p,
            (None, Some(q)) => q,
            (None, None) => break,
        };
        starts.push(entries.len() as u32);
        if plain == Some(key) {
            let (lo, hi) = (w.entry_start[s] as usize, w.entry_end[s] as usize);
            entries.extend_from_slice(w.entries.get(lo..hi).unwrap_or_default());
            origin.extend_from_slice(w.origin.get(lo..hi).unwrap_or_default());
            s += 1;
        }
        while spelt.get(f).map(text) == Some(key) {
            entries.push(spelt[f].2);
            origin.push(NOT_AN_ENTRY);
            f += 1;
        }
        surfaces.push(key);
    }
    let ends: Vec<u32> = starts.iter().skip(1).copied().chain([entries.len() as u32]).collect();
    Trie::build(
        &surfaces,
        &entries,
        &origin,
        &starts,
        &ends,
        &SortedStrings::default(),
        &[0],
    )
}
