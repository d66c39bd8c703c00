//! Natively, a second trie in which every conjugated form is spelt out as a
//! surface of its own, so that one walk reports every word without visiting
//! lemmas and paradigms (native analysis 1.15–1.25× as fast). Building it
//! takes about as long as the rest of the load, so it is built on a thread
//! of its own while lookups go through stems, with the same results, until
//! it is ready. The wasm build has neither the thread nor the memory to
//! spare: there lookups always go through stems.

use std::sync::{Arc, OnceLock};

use crate::tokenizer::dictionary::lexicon::paradigms::{Form, Lemma, ParadigmForms};
use crate::tokenizer::dictionary::lexicon::trie::Trie;
use crate::tokenizer::dictionary::lexicon::Entry;
use crate::tokenizer::dictionary::strings::SortedStrings;

/// The lexicon's parts that [`spelt_trie`] reads, as the load leaves them
/// (in wasm, dropped unread).
#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
pub(crate) struct Words {
    pub surfaces: SortedStrings,
    /// Plain entries: surface s has its live ones at
    /// `entries[entry_start[s]..entry_end[s]]`.
    pub entries: Vec<Entry>,
    /// Per entry, its place in the file.
    pub origin: Vec<u32>,
    pub entry_start: Vec<u32>,
    pub entry_end: Vec<u32>,
    pub stems: SortedStrings,
    /// Stem t has lemmas `lemmas[lemma_start[t]..lemma_start[t + 1]]`.
    pub lemma_start: Vec<u32>,
    pub lemmas: Vec<Lemma>,
    pub paradigms: Vec<ParadigmForms>,
    pub forms: Vec<Form>,
    pub suffix_chars: Vec<char>,
}

/// The spelt trie once built: `Some(None)` when it could not be (more than
/// 255 words with one surface), so lookups keep to stems. Shared by the
/// lexicon's clones. Derived data, a cache: two lexicons are equal whatever
/// theirs hold.
#[derive(Debug, Clone, Default)]
pub(crate) struct SpeltTrie(Arc<OnceLock<Option<Trie>>>);

impl PartialEq for SpeltTrie {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for SpeltTrie {}

impl SpeltTrie {
    /// Starts building the trie of `words` on a thread of its own
    /// (natively; in wasm, or when no thread can start, it stays unbuilt).
    pub(crate) fn start(words: Words) -> SpeltTrie {
        let cell = SpeltTrie::default();
        #[cfg(not(target_arch = "wasm32"))]
        {
            let slot = Arc::clone(&cell.0);
            let _ = std::thread::Builder::new()
                .name("jatopic-spelt-trie".into())
                .spawn(move || slot.set(spelt_trie(&words).ok()));
        }
        #[cfg(target_arch = "wasm32")]
        drop(words);
        cell
    }

    /// The trie, when it is built.
    #[inline(always)]
    pub(crate) fn get(&self) -> Option<&Trie> {
        self.0.get().and_then(Option::as_ref)
    }

    /// Whether the build has ended (with a trie or without).
    #[cfg(test)]
    pub(crate) fn settled(&self) -> bool {
        self.0.get().is_some()
    }
}

/// The trie of every surface, plain or conjugated. A node's items are what
/// [`Lexicon::lookup`](super::Lexicon::lookup) reports for that length, in
/// its order: plain entries, then forms by stem length, lemma and form.
/// Fails where the stems' trie would not (more than 255 words with one
/// surface); the caller then keeps to the stems.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn spelt_trie(w: &Words) -> crate::Result<Trie> {
    use crate::tokenizer::dictionary::lexicon::trie::NOT_AN_ENTRY;
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
                let suffix = w
                    .suffix_chars
                    .get(form.suffix as usize..)
                    .unwrap_or_default();
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
    // Equal spellings keep their order (`start` grows with it): of two stems
    // spelling one form, the shorter is a prefix of the longer and so came
    // first, as lookups through stems report them.
    spelt.sort_unstable_by(|a, b| text(a).cmp(text(b)).then(a.0.cmp(&b.0)));

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
    drop((spelt, chars));
    let ends: Vec<u32> = starts
        .iter()
        .skip(1)
        .copied()
        .chain([entries.len() as u32])
        .collect();
    let mut trie = Trie::build(
        &surfaces,
        &entries,
        &origin,
        &starts,
        &ends,
        &SortedStrings::default(),
        &[0],
    )?;
    // Readings are found through the stems' trie, never through this one.
    trie.item_origin = Vec::new();
    Ok(trie)
}

#[cfg(test)]
mod tests {
    use crate::tokenizer::dictionary::Dictionary;
    use crate::tokenizer::shipped;

    /// Every lookup of `dict` at every position of the golden texts, as
    /// (length, id, cost, base), through the spelt trie and through stems:
    /// the same words, and of equal length in the same order (which breaks
    /// ties between equally cheap paths).
    fn assert_spelt_equals_stems(dict: &Dictionary) {
        let lexicon = &dict.lexicon;
        let waited = std::time::Instant::now();
        while !lexicon.spelt.settled() {
            assert!(
                waited.elapsed().as_secs() < 120,
                "the spelt trie is not built after 2 minutes"
            );
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        assert!(
            lexicon.spelt.get().is_some(),
            "the spelt trie failed to build"
        );
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden");
        let mut texts = Vec::new();
        for name in ["titles.txt", "news.txt", "edge.txt"] {
            let text = std::fs::read_to_string(format!("{dir}/{name}")).expect("golden text");
            texts.extend(text.lines().map(|line| (name, line.to_string())));
        }
        // Every lemma's base form, and its stem followed by each of its endings.
        for l in &lexicon.lemmas {
            let base = dict.base_form(l.base).unwrap_or_default();
            texts.push(("a base form", format!("{base}ました")));
        }
        let (mut positions, mut words) = (0, 0);
        for (name, line) in &texts {
            let chars: Vec<char> = line.chars().collect();
            for p in 0..chars.len() {
                let mut spelt = Vec::new();
                lexicon.lookup(&chars[p..], |l, id, cost, base| {
                    spelt.push((l, id, cost, base))
                });
                let mut stems = Vec::new();
                lexicon.lookup_through_stems(&chars[p..], |l, id, cost, base| {
                    stems.push((l, id, cost, base))
                });
                // Stable: equal lengths keep their order.
                spelt.sort_by_key(|w| w.0);
                stems.sort_by_key(|w| w.0);
                assert_eq!(spelt, stems, "{name}: {line:?} at {p}");
                positions += 1;
                words += spelt.len();
            }
        }
        assert!(
            positions > 50_000 && words > 2 * positions,
            "{positions} {words}"
        );
    }

    #[test]
    fn spelt_lookups_equal_lookups_through_stems_compact() {
        let tok =
            shipped::tokenizer(crate::tokenizer::config::LexiconTier::Compact, false).unwrap();
        assert_spelt_equals_stems(tok.dictionary());
    }

    #[test]
    fn spelt_lookups_equal_lookups_through_stems_full() {
        match shipped::tokenizer(crate::tokenizer::config::LexiconTier::Full, false) {
            Ok(tok) => assert_spelt_equals_stems(tok.dictionary()),
            Err(e) => eprintln!("SKIPPED: the full lexicon is not built ({e})"),
        }
    }
}
