//! How the builder's lexicon lines become the file's records: conjugating
//! words (their context id has a conjugation type) become lemmas, a stem
//! plus a shared paradigm; the rest stay plain entries grouped by surface.
//! Native only: loading never needs it.

use crate::tokenizer::dictionary::lexicon::LexiconEntry;
use crate::tokenizer::dictionary::strings::CharRanks;
use std::collections::HashMap;

/// Where each payload section starts, for the size report.
pub(crate) type Marks = Vec<(&'static str, usize)>;

/// The plain entries of one surface.
pub(crate) struct SurfaceGroup<'a> {
    pub(crate) surface: &'a str,
    pub(crate) entries: Vec<&'a LexiconEntry>,
}

/// A paradigm's endings and context ids, without costs.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Shape {
    /// What follows the stem in the base form.
    pub(crate) base_suffix: String,
    pub(crate) forms: Vec<ShapeForm>,
}

/// An ending after the stem and its context id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct ShapeForm {
    pub(crate) ending: String,
    pub(crate) id: u16,
}

/// A paradigm: its shape and, per form, the cost over the lemma's cost.
pub(crate) struct ParadigmCosts {
    pub(crate) shape: usize,
    pub(crate) deltas: Vec<i64>,
}

/// The lemmas sharing one stem.
pub(crate) struct StemGroup<'a> {
    pub(crate) stem: Vec<char>,
    pub(crate) lemmas: Vec<LemmaCosts<'a>>,
}

/// A lemma: its paradigm and cost (quantised).
pub(crate) struct LemmaCosts<'a> {
    pub(crate) paradigm: usize,
    pub(crate) cost: i64,
    /// The lexicon line of each of the paradigm's forms, in its order (the
    /// readings file needs what the lemma's forms were made from).
    pub(crate) forms: Vec<&'a LexiconEntry>,
}

/// The lexicon as the file stores it.
pub(crate) struct LexiconLayout<'a> {
    pub(crate) word_quantum: i64,
    /// Sorted by surface; entries in lexicon order.
    pub(crate) surfaces: Vec<SurfaceGroup<'a>>,
    pub(crate) shapes: Vec<Shape>,
    pub(crate) paradigms: Vec<ParadigmCosts>,
    /// Sorted by stem.
    pub(crate) stems: Vec<StemGroup<'a>>,
}

/// A paradigm while lemmas are grouped: base suffix and forms with their
/// cost deltas; lemmas that inflect alike at the same costs share one.
#[derive(Clone, PartialEq, Eq, Hash)]
struct ParadigmKey {
    base_suffix: String,
    forms: Vec<ParadigmForm>,
}

#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct ParadigmForm {
    ending: String,
    id: u16,
    delta: i64,
}

/// A lemma while lemmas are grouped (ordered by stem, then paradigm, then
/// cost, which are unique: the forms break no tie).
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct LemmaKey<'a> {
    stem: Vec<char>,
    paradigm: usize,
    cost: i64,
    forms: Vec<&'a LexiconEntry>,
}

impl<'a> LexiconLayout<'a> {
    /// Groups `lexicon` (any order, duplicates allowed) given the features
    /// of its context ids, costs rounded to multiples of `word_quantum`.
    pub(crate) fn of(
        lexicon: &'a [LexiconEntry],
        features: &'a [[String; 6]],
        word_quantum: i64,
    ) -> LexiconLayout<'a> {
        let mut layout = LexiconLayout {
            word_quantum,
            surfaces: Vec::new(),
            shapes: Vec::new(),
            paradigms: Vec::new(),
            stems: Vec::new(),
        };
        let mut lex: Vec<&LexiconEntry> = lexicon.iter().collect();
        lex.sort();
        lex.dedup();
        type Forms<'x> = Vec<&'x LexiconEntry>;
        // A lemma: base form, conjugation type and part of speech.
        let mut by_lemma: HashMap<(&str, &str, [&str; 4]), Forms> = HashMap::new();
        let mut plain: Forms = Vec::new();
        for e in lex {
            let f = &features[usize::from(e.id)];
            if f[4] == "*" {
                plain.push(e);
            } else {
                let key = (
                    e.base.as_str(),
                    f[4].as_str(),
                    [f[0].as_str(), f[1].as_str(), f[2].as_str(), f[3].as_str()],
                );
                by_lemma.entry(key).or_default().push(e);
            }
        }
        let mut lemmas: Vec<LemmaKey> = Vec::new();
        let mut paradigm_index: HashMap<ParadigmKey, usize> = HashMap::new();
        let mut paradigms: Vec<ParadigmKey> = Vec::new();
        let mut keys: Vec<_> = by_lemma.keys().cloned().collect();
        keys.sort();
        for key in keys {
            let forms = &by_lemma[&key];
            // A lemma without a common stem (する: し, さ, す…) would be tried at
            // every position; its few forms are cheaper as plain entries.
            if forms
                .iter()
                .any(|e| e.surface.chars().next() != key.0.chars().next())
            {
                plain.extend(forms.iter().copied());
                continue;
            }
            let base: Vec<char> = key.0.chars().collect();
            let mut stem_len = base.len();
            for e in forms {
                let sc: Vec<char> = e.surface.chars().collect();
                stem_len = stem_len.min(sc.iter().zip(&base).take_while(|(a, b)| a == b).count());
            }
            let cost = forms
                .iter()
                .map(|e| layout.quantised(e.cost))
                .min()
                .unwrap_or(0);
            let mut par: Vec<(ParadigmForm, &LexiconEntry)> = forms
                .iter()
                .map(|&e| {
                    let form = ParadigmForm {
                        ending: e.surface.chars().skip(stem_len).collect(),
                        id: e.id,
                        delta: layout.quantised(e.cost) - cost,
                    };
                    (form, e)
                })
                .collect();
            par.sort();
            let key_par = ParadigmKey {
                base_suffix: base[stem_len..].iter().collect(),
                forms: par.iter().map(|(f, _)| f.clone()).collect(),
            };
            let next = paradigms.len();
            let paradigm = *paradigm_index.entry(key_par.clone()).or_insert_with(|| {
                paradigms.push(key_par);
                next
            });
            lemmas.push(LemmaKey {
                stem: base[..stem_len].to_vec(),
                paradigm,
                cost,
                forms: par.into_iter().map(|(_, e)| e).collect(),
            });
        }
        plain.sort();
        for e in plain {
            match layout.surfaces.last_mut() {
                Some(g) if g.surface == e.surface => g.entries.push(e),
                _ => layout.surfaces.push(SurfaceGroup {
                    surface: &e.surface,
                    entries: vec![e],
                }),
            }
        }
        // Paradigm shapes (endings + ids) shared by paradigms differing only in costs.
        let mut shape_index: HashMap<Shape, usize> = HashMap::new();
        for p in paradigms {
            let shape = Shape {
                base_suffix: p.base_suffix,
                forms: p
                    .forms
                    .iter()
                    .map(|f| ShapeForm {
                        ending: f.ending.clone(),
                        id: f.id,
                    })
                    .collect(),
            };
            let next = layout.shapes.len();
            let shape = *shape_index.entry(shape.clone()).or_insert_with(|| {
                layout.shapes.push(shape);
                next
            });
            layout.paradigms.push(ParadigmCosts {
                shape,
                deltas: p.forms.iter().map(|f| f.delta).collect(),
            });
        }
        lemmas.sort();
        for l in lemmas {
            let lemma = LemmaCosts {
                paradigm: l.paradigm,
                cost: l.cost,
                forms: l.forms,
            };
            match layout.stems.last_mut() {
                Some(g) if g.stem == l.stem => g.lemmas.push(lemma),
                _ => layout.stems.push(StemGroup {
                    stem: l.stem,
                    lemmas: vec![lemma],
                }),
            }
        }
        layout
    }

    /// A word cost in multiples of the word quantum.
    pub(crate) fn quantised(&self, cost: i16) -> i64 {
        (f64::from(cost) / self.word_quantum as f64).round() as i64
    }

    /// The character table of every string the lexicon stores.
    pub(crate) fn char_ranks(&self) -> CharRanks {
        let stems: Vec<String> = self.stems.iter().map(|g| g.stem.iter().collect()).collect();
        let surfaces = self.surfaces.iter().map(|g| g.surface);
        let bases = self
            .surfaces
            .iter()
            .flat_map(|g| &g.entries)
            .filter(|e| e.base != e.surface)
            .map(|e| e.base.as_str());
        let shapes = self.shapes.iter().flat_map(|s| {
            std::iter::once(s.base_suffix.as_str()).chain(s.forms.iter().map(|f| f.ending.as_str()))
        });
        CharRanks::of(
            surfaces
                .chain(bases)
                .chain(shapes)
                .chain(stems.iter().map(String::as_str)),
        )
    }
}
