//! A second trie in which every conjugated form is spelt out as a surface of
//! its own, so that one walk reports every word without visiting lemmas and
//! paradigms (analysis 1.15–1.25× as fast natively and in wasm). Building it
//! takes about as long as the rest of the load, and lookups go through stems,
//! with the same results, until it is ready:
//! - natively it is built at once on a thread of its own, which then turns
//!   it into a [`double_array`](super::double_array) (the analysis about
//!   1.1× as fast again, with its prefetch) before lookups switch to it;
//! - in wasm (one thread, cold start counted) the compact tier's is built
//!   once the worker has analysed [`SPELL_OUT_AFTER`] characters, enough to
//!   repay it; the full tier's never is (its memory would pass the budget).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

#[cfg(not(target_arch = "wasm32"))]
use crate::tokenizer::dictionary::lexicon::double_array::DoubleArray;
use crate::tokenizer::dictionary::lexicon::paradigms::{Form, Lemma, ParadigmForms};
use crate::tokenizer::dictionary::lexicon::trie::Trie;
use crate::tokenizer::dictionary::lexicon::Entry;
use crate::tokenizer::dictionary::strings::SortedStrings;

/// In wasm, the characters analysed before the spelt trie is built: about
/// four times its build's worth of analysis, so that the build costs at most
/// a fifth of the time so far and is repaid if as much text follows.
pub const SPELL_OUT_AFTER: usize = 1_000_000;

/// Natively, lexicons with fewer surfaces and stems than this get their
/// spelt trie built during the load, not on a thread.
const BUILD_IN_PLACE_BELOW: usize = 1_000;

/// The lexicon's parts that [`spelt_trie`] reads, as the load leaves them.
#[derive(Debug)]
pub(crate) struct Words {
    pub surfaces: SortedStrings,
    /// Plain entries: surface s has its live ones at
    /// `entries[entry_start[s]..entry_end[s]]`.
    pub entries: Vec<Entry>,
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

/// The spelt trie as lookups read it: natively as a double array (see
/// [`double_array`](super::double_array)), in wasm as the trie.
#[derive(Debug)]
pub(crate) enum Spelt {
    Trie(Trie),
    #[cfg(not(target_arch = "wasm32"))]
    DoubleArray {
        array: DoubleArray,
        /// In tests, the trie too, so that its lookups (the wasm build's)
        /// are checked natively as well.
        #[cfg(test)]
        trie: Trie,
    },
}

impl Spelt {
    /// The lookup form of `trie`: the double array natively, unless the
    /// trie has more distinct labels than it codes (then the trie).
    fn of(trie: Trie) -> Spelt {
        #[cfg(not(target_arch = "wasm32"))]
        if let Some(array) = DoubleArray::of(&trie) {
            return Spelt::DoubleArray {
                array,
                #[cfg(test)]
                trie,
            };
        }
        Spelt::Trie(trie)
    }
}

/// The spelt trie, shared by the lexicon's clones. Derived data, a cache:
/// two lexicons are equal whatever theirs hold.
#[derive(Debug, Clone, Default)]
pub(crate) struct SpeltTrie(Arc<SpeltState>);

#[derive(Debug, Default)]
struct SpeltState {
    /// Set once the build has ended: `None` when it could not be built
    /// (more than 255 words with one surface) or never will be.
    built: OnceLock<Option<Spelt>>,
    /// In wasm, the words kept for a later build.
    pending: Mutex<Option<Words>>,
    /// In wasm, the characters analysed so far.
    analysed: AtomicUsize,
}

impl PartialEq for SpeltTrie {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for SpeltTrie {}

impl SpeltTrie {
    /// Starts building the trie of `words`: natively on a thread of its own
    /// (unbuilt if none can start), or at once for a small lexicon; in wasm
    /// later, if `later_in_wasm`.
    pub(crate) fn start(words: Words, later_in_wasm: bool) -> SpeltTrie {
        let spelt = SpeltTrie::default();
        if cfg!(target_arch = "wasm32") {
            if later_in_wasm {
                *spelt.0.pending.lock().unwrap_or_else(|e| e.into_inner()) = Some(words);
            } else {
                let _ = spelt.0.built.set(None);
            }
            return spelt;
        }
        // A small lexicon (a test's, a fuzzed file's) costs less to build
        // than a thread to start.
        if words.surfaces.len() + words.stems.len() < BUILD_IN_PLACE_BELOW {
            let _ = spelt.0.built.set(spelt_trie(words).ok().map(Spelt::of));
            return spelt;
        }
        let state = Arc::clone(&spelt.0);
        let _ = std::thread::Builder::new()
            .name("jatopic-spelt-trie".into())
            .spawn(move || {
                let _ = state.built.set(spelt_trie(words).ok().map(Spelt::of));
            });
        spelt
    }

    /// The trie, when it is built.
    #[inline(always)]
    pub(crate) fn get(&self) -> Option<&Spelt> {
        self.0.built.get().and_then(Option::as_ref)
    }

    /// Counts `n` more characters analysed; in wasm, builds the trie once
    /// they reach [`SPELL_OUT_AFTER`].
    #[inline]
    pub(crate) fn analysed(&self, n: usize) {
        if !cfg!(target_arch = "wasm32") || self.0.built.get().is_some() {
            return;
        }
        if self.0.analysed.fetch_add(n, Ordering::Relaxed) + n >= SPELL_OUT_AFTER {
            self.build_now();
        }
    }

    /// Builds the trie of the words kept for it, if any.
    fn build_now(&self) {
        let words = self
            .0
            .pending
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        let _ = self
            .0
            .built
            .set(words.and_then(|w| spelt_trie(w).ok()).map(Spelt::of));
    }

    /// Whether the build has ended (with a trie or without).
    #[cfg(test)]
    pub(crate) fn settled(&self) -> bool {
        self.0.built.get().is_some()
    }
}

/// The trie of every surface, plain or conjugated. A node's items are what
/// [`Lexicon::lookup`](super::Lexicon::lookup) reports for that length, in
/// its order: plain entries, then forms by stem length, lemma and form.
/// Fails where the stems' trie would not (more than 255 words with one
/// surface); the caller then keeps to the stems.
pub(crate) fn spelt_trie(w: Words) -> crate::Result<Trie> {
    // Every form, stem by stem, lemma by lemma, form by form: its spelling
    // in `chars` and its entry. Counted first: vectors grown by doubling
    // would leave wasm memory (which never shrinks) twice as large.
    let (mut n_forms, mut n_chars) = (0, 0);
    each_form(&w, |stem, suffix, _| {
        n_forms += 1;
        n_chars += stem.len() + suffix.len();
    });
    let mut chars: Vec<char> = Vec::with_capacity(n_chars);
    let mut spelt: Vec<(u32, u32, Entry)> = Vec::with_capacity(n_forms);
    each_form(&w, |stem, suffix, entry| {
        let start = chars.len() as u32;
        chars.extend_from_slice(stem);
        chars.extend_from_slice(suffix);
        spelt.push((start, chars.len() as u32 - start, entry));
    });
    let text = |&(start, len, _): &(u32, u32, Entry)| &chars[start as usize..][..len as usize];
    // Stable: of two stems spelling one form, the shorter is a prefix of the
    // longer and so came first, as lookups through stems report them.
    merge_sort(&mut spelt, |a, b| text(a) <= text(b));

    // Merged with the plain surfaces, plain entries first.
    // Sized for the most there can be: a reallocation would hold both copies.
    let mut surfaces = SortedStrings::with_capacity(
        w.surfaces.len() + spelt.len(),
        w.surfaces.total_chars() + chars.len(),
    );
    let mut entries = Vec::with_capacity(w.entries.len() + spelt.len());
    let mut starts = Vec::with_capacity(w.surfaces.len() + spelt.len() + 1);
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
            s += 1;
        }
        while spelt.get(f).map(text) == Some(key) {
            entries.push(spelt[f].2);
            f += 1;
        }
        surfaces.push(key);
    }
    // Freed before the build, whose peak is the load's (wasm memory never shrinks).
    drop((spelt, chars, w));
    starts.push(entries.len() as u32);
    // No origins: readings are found through the stems' trie, never this one.
    Trie::of_surfaces(&surfaces, &entries, &starts)
}

/// Calls `f(stem, ending, entry)` for every form of `w`'s lemmas, stem by
/// stem, lemma by lemma, form by form.
fn each_form(w: &Words, mut f: impl FnMut(&[char], &[char], Entry)) {
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
                let suffix = suffix.get(..usize::from(form.suffix_len)).unwrap_or(suffix);
                let entry = Entry {
                    id: form.id,
                    cost: l.cost.saturating_add(form.delta),
                    base: l.base,
                };
                f(stem, suffix, entry);
            }
        }
    }
}

/// Sorts `items` stably, `in_order(a, b)` saying whether `a` may precede
/// `b`: bottom-up merge sort. Rather than the standard library's sorts,
/// whose code would cost the wasm bundle a tenth of its spare bytes.
fn merge_sort<T: Copy>(items: &mut Vec<T>, in_order: impl Fn(&T, &T) -> bool) {
    let n = items.len();
    let mut from = std::mem::take(items);
    let mut to = from.clone();
    let mut width = 1;
    while width < n {
        for lo in (0..n).step_by(2 * width) {
            let mid = (lo + width).min(n);
            let hi = (lo + 2 * width).min(n);
            let (mut i, mut j) = (lo, mid);
            for slot in &mut to[lo..hi] {
                let left = i < mid && (j >= hi || in_order(&from[i], &from[j]));
                *slot = if left { from[i] } else { from[j] };
                i += usize::from(left);
                j += usize::from(!left);
            }
        }
        std::mem::swap(&mut from, &mut to);
        width *= 2;
    }
    *items = from;
}

#[cfg(test)]
mod tests {
    use crate::tokenizer::dictionary::Dictionary;
    use crate::tokenizer::shipped;

    #[test]
    fn merge_sort_is_stable() {
        for n in [0usize, 1, 2, 3, 7, 64, 1000] {
            let mut items: Vec<(u32, usize)> =
                (0..n).map(|i| ((i * 7919 % 13) as u32, i)).collect();
            let mut expected = items.clone();
            expected.sort_by_key(|x| x.0);
            super::merge_sort(&mut items, |a, b| a.0 <= b.0);
            assert_eq!(items, expected, "{n}");
        }
    }

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
        // Every lemma's base form, and every surface of the spelt trie (so
        // every word), each followed by more text.
        for l in &lexicon.lemmas {
            let base = dict.base_form(l.base).unwrap_or_default();
            texts.push(("a base form", format!("{base}ました")));
        }
        let mut n_keys = 0;
        let each_key = |f: &mut dyn FnMut(&[char])| match lexicon.spelt.get().expect("built") {
            super::Spelt::Trie(trie) => trie.each_key(f),
            super::Spelt::DoubleArray { array, .. } => array.each_key(f),
        };
        each_key(&mut |key| {
            n_keys += 1;
            texts.push((
                "a surface",
                key.iter().copied().chain(['で', 'す']).collect(),
            ));
        });
        assert!(n_keys > 150_000, "{n_keys} surfaces");
        if let Some(super::Spelt::DoubleArray { array, trie }) = lexicon.spelt.get() {
            let (mut in_array, mut in_trie) = (Vec::new(), Vec::new());
            array.each_key(|key| in_array.push(key.to_vec()));
            trie.each_key(|key| in_trie.push(key.to_vec()));
            in_array.sort_unstable();
            assert_eq!(in_array, in_trie, "the double array's keys are the trie's");
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
                // Natively `lookup` read the double array; the trie it was
                // made from (what wasm reads) must agree too.
                if let Some(super::Spelt::DoubleArray { trie, .. }) = lexicon.spelt.get() {
                    let mut in_trie = Vec::new();
                    super::super::lookup_in_spelt_trie(trie, &chars[p..], |l, id, cost, base| {
                        in_trie.push((l, id, cost, base))
                    });
                    in_trie.sort_by_key(|w| w.0);
                    assert_eq!(in_trie, stems, "spelt trie: {name}: {line:?} at {p}");
                }
                positions += 1;
                // Past the first position of a surface, its text is the golden's.
                if *name == "a surface" {
                    break;
                }
                words += spelt.len();
            }
        }
        assert!(
            positions > 200_000 && words > positions,
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
