//! Readings and pronunciations (IPADIC's 8th and 9th features) of every
//! lexicon word, in a file of their own (`*.jtr`) next to the dictionary:
//! the compact dictionary stays one library file, and readings travel only
//! where they are wanted. Keyed by the dictionary's lexicon order (plain
//! entries in file order, lemmas in file order with one reading per form of
//! their paradigm), so the file stores no surfaces; it records the
//! dictionary's checksum and is refused by any other dictionary.
//!
//! # File format (`*.jtr`)
//! The artifact frame ([`crate::artifact::frame`], [`FORMAT`]: magic
//! `"JATOPIC-READINGS\n"`, no stored section). Payload, in order:
//!
//! ```text
//! checksum         u64 LE    the dictionary's (its header's FNV-1a)
//! n_entries        uvar      plain entries, as in the dictionary
//! n_lemmas         uvar      lemmas, as in the dictionary
//! characters       string    frequency-ranked character table
//! entry readings   piece × n_entries
//! entry prons      exceptions (entry gap, string): where pron ≠ reading
//! n_paradigms      uvar      reading paradigms
//! forms per one    uvar × n_paradigms
//! ending readings  piece per form (all paradigms' forms in order)
//! ending prons     exceptions (form gap, string)
//! lemma paradigm   uvar × n_lemmas (its form count = its paradigm's)
//! stem readings    piece × n_lemmas
//! stem prons       exceptions (lemma gap, string)
//! ```
//!
//! A *piece* is `0` for "the written text in katakana" (most kana words and
//! endings), else `1 + length` then the characters' ranks. A conjugated
//! form's reading is its lemma's stem reading plus its paradigm's ending
//! reading (likewise for pronunciations); reading paradigms are shared by
//! lemmas that read their endings alike. Pronunciations equal readings but
//! for long vowels and particles (ハ/ワ), so only the differences are stored.

use crate::artifact::bytes::Reader;
#[cfg(feature = "cli")]
use crate::artifact::bytes::Writer;
use crate::artifact::calls;
use crate::artifact::frame::Format;
use crate::error::{Error, Result};
use crate::tokenizer::dictionary::lexicon::{Lexicon, WordRef};
use crate::tokenizer::dictionary::strings::{read_group_sizes, CharTable, StringTable};
use std::borrow::Cow;

/// First bytes of every readings file.
pub const MAGIC: &[u8; 17] = b"JATOPIC-READINGS\n";
/// Bump when the payload layout or the meaning of any field changes.
pub const FORMAT_VERSION: u16 = 1;
/// The readings file's frame.
pub const FORMAT: Format = Format {
    what: "readings",
    magic: MAGIC,
    version: FORMAT_VERSION,
    stored_section: false,
    max_payload: 16 << 20,
    expected: "a .jtr file written by `jatopic build-dict`",
    other_version:
        "rebuild it with this jatopic (`make dict`), or use the jatopic version that built it",
};

/// A stored piece that is the written text in katakana.
const KATAKANA: u32 = u32::MAX;

/// Readings attached to a dictionary, ready for lookups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Readings {
    strings: StringTable,
    /// Per plain entry (file order): a string of `strings` or [`KATAKANA`].
    entry: Vec<u32>,
    /// (entry, string) where the pronunciation differs, sorted.
    entry_pron: Vec<(u32, u32)>,
    /// Per reading paradigm, its forms `form[form_start[p]..form_start[p + 1]]`.
    form_start: Vec<u32>,
    /// Per form: the ending's reading (a string or [`KATAKANA`]).
    form: Vec<u32>,
    /// (form, string) where the ending's pronunciation differs, sorted.
    form_pron: Vec<(u32, u32)>,
    /// Per lemma (file order): its reading paradigm and stem reading.
    lemma: Vec<(u32, u32)>,
    /// (lemma, string) where the stem's pronunciation differs, sorted.
    lemma_pron: Vec<(u32, u32)>,
}

/// IPADIC's katakana for kana text: hiragana shifted to katakana, the rest kept.
pub(crate) fn katakana(text: impl Iterator<Item = char>) -> String {
    text.map(|c| match c {
        '\u{3041}'..='\u{3096}' | '\u{309D}'..='\u{309E}' => {
            char::from_u32(c as u32 + 0x60).unwrap_or(c)
        }
        c => c,
    })
    .collect()
}

/// Reads a piece: [`KATAKANA`] or the index of a string appended to
/// `strings`. `chars` is scratch space, reused from piece to piece (one
/// allocation per piece was a good part of the load time in wasm).
fn read_piece(
    r: &mut Reader,
    table: &CharTable,
    strings: &mut StringTable,
    chars: &mut Vec<char>,
) -> Result<u32> {
    let n = r.count("reading length")?;
    if n == 0 {
        return Ok(KATAKANA);
    }
    chars.clear();
    for _ in 1..n {
        table.read_one(r, chars)?;
    }
    strings.push(chars.iter().copied(), "");
    Ok(strings.len() as u32 - 1)
}

/// Reads `(gap, string)` exceptions over `n` items as sorted (item, string) pairs.
fn read_exceptions(
    r: &mut Reader,
    table: &CharTable,
    strings: &mut StringTable,
    chars: &mut Vec<char>,
    n: usize,
    what: &str,
) -> Result<Vec<(u32, u32)>> {
    let count = r.count(what)?;
    let mut out = Vec::with_capacity(count.min(n));
    let mut at = 0u64;
    for k in 0..count {
        let gap = r.uvar()?;
        // Strictly increasing after the first.
        if k > 0 && gap == 0 {
            return Err(r.err(&format!("{what}: repeated item")));
        }
        at = at
            .checked_add(gap)
            .filter(|&a| a < n as u64)
            .ok_or_else(|| r.err(&format!("{what}: item out of range")))?;
        chars.clear();
        table.read_into(r, chars)?;
        strings.push(chars.iter().copied(), "");
        out.push((at as u32, strings.len() as u32 - 1));
    }
    Ok(out)
}

fn exception(list: &[(u32, u32)], item: u32) -> Option<u32> {
    list.binary_search_by_key(&item, |e| e.0)
        .ok()
        .map(|i| list[i].1)
}

impl Readings {
    /// Parses a `.jtr` file for `lexicon`, the lexicon of the dictionary
    /// whose header checksum is `checksum`. A file made for another
    /// dictionary is refused.
    pub(crate) fn from_bytes(file: &[u8], checksum: u64, lexicon: &Lexicon) -> Result<Readings> {
        let frame = FORMAT.read(file)?;
        let mut r = Reader::new(&frame.payload, "readings");
        let theirs = u64::from_le_bytes(
            r.raw(8)?
                .try_into()
                .map_err(|_| r.err("truncated checksum"))?,
        );
        if theirs != checksum {
            return Err(Error::format(format!(
                "readings were made for another dictionary (checksum {theirs:016x}, this dictionary's is {checksum:016x}): use the readings file built with it"
            )));
        }
        let n_entries = r.count("number of entries")?;
        let n_lemmas = r.count("number of lemmas")?;
        if n_entries != lexicon.n_entries || n_lemmas != lexicon.lemmas.len() {
            return Err(r.err(&format!(
                "{n_entries} entries and {n_lemmas} lemmas, the dictionary has {} and {}",
                lexicon.n_entries,
                lexicon.lemmas.len()
            )));
        }
        let table = CharTable::read(&mut r)?;
        // IPADIC's readings come to 1.1 to 1.2 strings an entry, and their
        // UTF-8 to 2.15 to 2.38 times the payload (a katakana is 3 bytes,
        // its rank 1 or 2): sized for 1.25 and 2.5, no tier's table
        // reallocates. Doubling from empty ended with room for 8.4 MB for
        // the full tier's 4.4 MB, and wasm memory never shrinks (full +
        // readings peaked at 44.6 MB, now 36.1).
        let mut strings = StringTable::with_capacity(
            n_entries.saturating_add(n_entries / 4),
            frame.payload.len().saturating_mul(5) / 2,
        );
        let mut chars = Vec::new();
        let mut entry = Vec::with_capacity(n_entries);
        calls::for_each(n_entries, |_| {
            entry.push(read_piece(&mut r, &table, &mut strings, &mut chars)?);
            Ok(())
        })?;
        let entry_pron = read_exceptions(
            &mut r,
            &table,
            &mut strings,
            &mut chars,
            n_entries,
            "entry prons",
        )?;
        let n_paradigms = r.count("number of reading paradigms")?;
        let form_start = read_group_sizes(&mut r, n_paradigms, frame.payload.len())?;
        let n_forms = *form_start.last().unwrap_or(&0) as usize;
        let mut form = Vec::with_capacity(n_forms);
        calls::for_each(n_forms, |_| {
            form.push(read_piece(&mut r, &table, &mut strings, &mut chars)?);
            Ok(())
        })?;
        let form_pron = read_exceptions(
            &mut r,
            &table,
            &mut strings,
            &mut chars,
            n_forms,
            "ending prons",
        )?;
        let mut lemma = Vec::with_capacity(n_lemmas);
        calls::for_each(n_lemmas, |l| {
            let p = if n_paradigms == 0 {
                return Err(r.err("lemmas without reading paradigms"));
            } else {
                r.uvar_max(n_paradigms as u64 - 1, "reading paradigm")? as usize
            };
            let forms = form_start[p + 1] - form_start[p];
            if forms as usize != lexicon.form_count(l) {
                return Err(r.err(&format!(
                    "lemma {l} reads {forms} forms, the dictionary gives it {}",
                    lexicon.form_count(l)
                )));
            }
            lemma.push((p as u32, 0));
            Ok(())
        })?;
        calls::for_each(n_lemmas, |l| {
            lemma[l].1 = read_piece(&mut r, &table, &mut strings, &mut chars)?;
            Ok(())
        })?;
        let lemma_pron = read_exceptions(
            &mut r,
            &table,
            &mut strings,
            &mut chars,
            n_lemmas,
            "stem prons",
        )?;
        if !r.at_end() {
            return Err(r.err("trailing bytes after the readings"));
        }
        Ok(Readings {
            strings,
            entry,
            entry_pron,
            form_start,
            form,
            form_pron,
            lemma,
            lemma_pron,
        })
    }

    /// A piece as text: a stored string, or `written` in katakana.
    fn piece<'s>(&'s self, piece: u32, written: &[char]) -> Cow<'s, str> {
        match self.strings.get(piece as usize) {
            Some(s) if piece != KATAKANA => Cow::Borrowed(s),
            _ => Cow::Owned(katakana(written.iter().copied())),
        }
    }

    /// The reading and pronunciation of `word`, whose surface is `surface`
    /// (`None` only if `word` is not of the lexicon these readings were
    /// checked against).
    pub(crate) fn of<'s>(
        &'s self,
        word: WordRef,
        surface: &[char],
    ) -> Option<(Cow<'s, str>, Cow<'s, str>)> {
        match word {
            WordRef::Entry(e) => {
                let reading = self.piece(*self.entry.get(e as usize)?, surface);
                let pron = match exception(&self.entry_pron, e) {
                    Some(s) => self.piece(s, surface),
                    None => reading.clone(),
                };
                Some((reading, pron))
            }
            WordRef::Form {
                lemma,
                form,
                stem_len,
            } => {
                let (stem, ending) = surface.split_at(stem_len.min(surface.len()));
                let &(paradigm, stem_piece) = self.lemma.get(lemma as usize)?;
                let f = self.form_start.get(paradigm as usize)? + form;
                let stem_reading = self.piece(stem_piece, stem);
                let ending_reading = self.piece(*self.form.get(f as usize)?, ending);
                let stem_pron = exception(&self.lemma_pron, lemma)
                    .map_or_else(|| stem_reading.clone(), |s| self.piece(s, stem));
                let ending_pron = exception(&self.form_pron, f)
                    .map_or_else(|| ending_reading.clone(), |s| self.piece(s, ending));
                Some((
                    Cow::Owned(stem_reading.into_owned() + &ending_reading),
                    Cow::Owned(stem_pron.into_owned() + &ending_pron),
                ))
            }
        }
    }
}

/// A word's reading and pronunciation as IPADIC gives them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct WordReading {
    pub reading: String,
    pub pronunciation: String,
}

/// The writer's side: what each plain entry and each lemma's forms read as.
#[cfg(feature = "cli")]
pub(crate) mod write {
    use super::*;
    use crate::tokenizer::dictionary::lexicon::layout::LexiconLayout;
    use crate::tokenizer::dictionary::strings::CharRanks;
    use std::collections::{BTreeMap, HashMap};

    /// A piece to write: `None` for "the written text in katakana".
    type Piece = Option<String>;

    fn piece(reading: &str, written: &[char]) -> Piece {
        (katakana(written.iter().copied()) != reading).then(|| reading.to_string())
    }

    fn common_prefix(strings: &[&str]) -> usize {
        let first: Vec<char> = strings.first().map_or(Vec::new(), |s| s.chars().collect());
        strings.iter().fold(first.len(), |n, s| {
            n.min(s.chars().zip(&first).take_while(|(a, b)| a == *b).count())
        })
    }

    /// One lemma's reading: its stem's (reading, pronunciation) and, per form,
    /// the endings' (reading, pronunciation).
    struct LemmaReading {
        stem_written: Vec<char>,
        stem: (String, String),
        endings: Vec<(String, String)>,
        endings_written: Vec<Vec<char>>,
    }

    /// The payload of a readings file for `layout`, whose words read as
    /// `readings` says (keyed by surface and context id; a word missing
    /// there reads `*`), for the dictionary whose checksum is `checksum`.
    pub(crate) fn payload(
        layout: &LexiconLayout,
        readings: &BTreeMap<(String, u16), WordReading>,
        checksum: u64,
    ) -> Vec<u8> {
        let unknown = WordReading {
            reading: "*".into(),
            pronunciation: "*".into(),
        };
        let of =
            |surface: &str, id: u16| readings.get(&(surface.to_string(), id)).unwrap_or(&unknown);
        let entries: Vec<(&str, &WordReading)> = layout
            .surfaces
            .iter()
            .flat_map(|g| g.entries.iter().map(|e| (g.surface, of(&e.surface, e.id))))
            .collect();
        let mut lemmas = Vec::new();
        for g in &layout.stems {
            for l in &g.lemmas {
                let forms: Vec<&WordReading> =
                    l.forms.iter().map(|e| of(&e.surface, e.id)).collect();
                let reads: Vec<&str> = forms.iter().map(|w| w.reading.as_str()).collect();
                let prons: Vec<&str> = forms.iter().map(|w| w.pronunciation.as_str()).collect();
                let (rs, ps) = (common_prefix(&reads), common_prefix(&prons));
                let split = |s: &str, n: usize| {
                    let at = s.char_indices().nth(n).map_or(s.len(), |(b, _)| b);
                    (s[..at].to_string(), s[at..].to_string())
                };
                let stem = (split(reads[0], rs).0, split(prons[0], ps).0);
                let endings = forms
                    .iter()
                    .map(|w| (split(&w.reading, rs).1, split(&w.pronunciation, ps).1))
                    .collect();
                let endings_written = l
                    .forms
                    .iter()
                    .map(|e| e.surface.chars().skip(g.stem.len()).collect())
                    .collect();
                lemmas.push(LemmaReading {
                    stem_written: g.stem.clone(),
                    stem,
                    endings,
                    endings_written,
                });
            }
        }
        // Reading paradigms, shared by lemmas reading their endings alike.
        type Paradigm = Vec<(Piece, Option<String>)>;
        let mut paradigm_index: HashMap<Paradigm, usize> = HashMap::new();
        let mut paradigms: Vec<Paradigm> = Vec::new();
        let mut lemma_paradigm = Vec::with_capacity(lemmas.len());
        for l in &lemmas {
            let p: Paradigm = l
                .endings
                .iter()
                .zip(&l.endings_written)
                .map(|((r, p), w)| (piece(r, w), (p != r).then(|| p.clone())))
                .collect();
            let next = paradigms.len();
            let index = *paradigm_index.entry(p.clone()).or_insert_with(|| {
                paradigms.push(p);
                next
            });
            lemma_paradigm.push(index);
        }
        // Every string stored, for the character table.
        let mut stored: Vec<String> = Vec::new();
        let surface_chars = |s: &str| s.chars().collect::<Vec<char>>();
        let entry_pieces: Vec<Piece> = entries
            .iter()
            .map(|(s, w)| piece(&w.reading, &surface_chars(s)))
            .collect();
        stored.extend(entry_pieces.iter().flatten().cloned());
        let entry_prons: Vec<(usize, &str)> = entries
            .iter()
            .enumerate()
            .filter(|(_, (_, w))| w.pronunciation != w.reading)
            .map(|(i, (_, w))| (i, w.pronunciation.as_str()))
            .collect();
        stored.extend(entry_prons.iter().map(|p| p.1.to_string()));
        for p in &paradigms {
            for (r, pron) in p {
                stored.extend(r.iter().cloned());
                stored.extend(pron.iter().cloned());
            }
        }
        let stem_pieces: Vec<Piece> = lemmas
            .iter()
            .map(|l| piece(&l.stem.0, &l.stem_written))
            .collect();
        stored.extend(stem_pieces.iter().flatten().cloned());
        let stem_prons: Vec<(usize, &str)> = lemmas
            .iter()
            .enumerate()
            .filter(|(_, l)| l.stem.1 != l.stem.0)
            .map(|(i, l)| (i, l.stem.1.as_str()))
            .collect();
        stored.extend(stem_prons.iter().map(|p| p.1.to_string()));
        let ranks = CharRanks::of(stored.iter().map(String::as_str));

        let mut w = Writer::default();
        w.raw(&checksum.to_le_bytes());
        w.uvar(entries.len() as u64);
        w.uvar(lemmas.len() as u64);
        ranks.write(&mut w);
        let write_piece = |w: &mut Writer, p: &Piece| match p {
            None => w.uvar(0),
            Some(s) => {
                let chars: Vec<char> = s.chars().collect();
                w.uvar(chars.len() as u64 + 1);
                chars.iter().for_each(|c| ranks.write_rank(w, *c));
            }
        };
        let write_exceptions = |w: &mut Writer, list: &[(usize, &str)]| {
            w.uvar(list.len() as u64);
            let mut at = 0;
            for &(i, s) in list {
                w.uvar((i - at) as u64);
                at = i;
                ranks.write_str(w, s);
            }
        };
        entry_pieces.iter().for_each(|p| write_piece(&mut w, p));
        write_exceptions(&mut w, &entry_prons);
        w.uvar(paradigms.len() as u64);
        paradigms.iter().for_each(|p| w.uvar(p.len() as u64));
        for p in &paradigms {
            p.iter().for_each(|(r, _)| write_piece(&mut w, r));
        }
        let form_prons: Vec<(usize, &str)> = paradigms
            .iter()
            .flatten()
            .enumerate()
            .filter_map(|(i, (_, p))| p.as_deref().map(|p| (i, p)))
            .collect();
        write_exceptions(&mut w, &form_prons);
        lemma_paradigm.iter().for_each(|&p| w.uvar(p as u64));
        stem_pieces.iter().for_each(|p| write_piece(&mut w, p));
        write_exceptions(&mut w, &stem_prons);
        w.buf
    }
}

#[cfg(all(test, feature = "cli"))]
mod tests {
    use super::*;
    use crate::tokenizer::fixture;
    use crate::{Dictionary, Tokenizer};

    /// `surface/reading/pronunciation` per token (`-` for none).
    fn readings(tok: &Tokenizer, text: &str) -> Vec<String> {
        tok.tokenize(text)
            .iter()
            .map(|t| {
                let r = t.reading.as_deref().unwrap_or("-");
                let p = t.pronunciation.as_deref().unwrap_or("-");
                format!("{}/{r}/{p}", t.surface)
            })
            .collect()
    }

    #[test]
    fn fixture_words_read_as_their_lexicon_lines() {
        let mut dict = fixture::dictionary();
        dict.attach_readings(fixture::readings_file()).unwrap();
        let tok = Tokenizer::new(dict);
        assert_eq!(
            readings(&tok, "東京都に"),
            ["東京/トウキョウ/トーキョー", "都/ミヤコ/ミヤコ", "に/ニ/ニ"]
        );
        // A conjugated form (stem 行 + ending っ), a lemma with an empty ending.
        assert_eq!(readings(&tok, "行った"), ["行っ/イッ/イッ", "た/タ/タ"]);
        // Unknown words have none.
        assert_eq!(readings(&tok, "テレビ"), ["テレビ/-/-"]);
        // Without readings attached, no token has one.
        assert_eq!(readings(&fixture::tokenizer(), "東京"), ["東京/-/-"]);
    }

    #[test]
    fn shipped_readings_cover_plain_words_stems_and_endings() {
        let tok = crate::default_tokenizer_with_readings().unwrap();
        // Pronunciations differing from readings: a plain word, a particle,
        // an ending (ュウ/ュー) and a stem (フウギ/フーギ).
        assert_eq!(
            readings(&tok, "ありがとう"),
            ["ありがとう/アリガトウ/アリガトー"]
        );
        assert_eq!(readings(&tok, "日本は")[1], "は/ハ/ワ");
        assert_eq!(
            readings(&tok, "美しゅう"),
            ["美しゅう/ウツクシュウ/ウツクシュー"]
        );
        assert_eq!(readings(&tok, "封切らない")[0], "封切ら/フウギラ/フーギラ");
        // Width normalisation: the reading is the normalised word's.
        let opts = crate::Options {
            normalize: true,
            ..crate::Options::default()
        };
        let t = &tok.tokenize_with("ｶﾀｶﾅ", opts)[0];
        assert_eq!(t.reading.as_deref(), Some("カタカナ"));
    }

    #[test]
    fn readings_for_another_dictionary_are_refused() {
        let mut dict = Dictionary::from_bytes(crate::DEFAULT_DICTIONARY).unwrap();
        let err = dict
            .attach_readings(fixture::readings_file())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("readings were made for another dictionary"),
            "{err}"
        );
        assert!(!dict.has_readings());
        let mut fixture_dict = fixture::dictionary();
        let err = fixture_dict
            .attach_readings(crate::DEFAULT_DICTIONARY)
            .unwrap_err()
            .to_string();
        assert!(err.contains("not a jatopic readings: wrong magic"), "{err}");
    }

    /// Every truncation of the payload, and every byte changed, gives an
    /// error or a consistent load, never a panic (the frame's checksum is
    /// recomputed so that the payload parser sees the damage).
    #[test]
    fn damaged_payloads_are_errors_not_panics() {
        let file = fixture::readings_file();
        let payload = FORMAT.read(file).unwrap().payload;
        let dict = fixture::dictionary();
        let load = |p: &[u8]| {
            let f = FORMAT
                .write(&[], p, crate::artifact::lzma::SMALLEST)
                .unwrap();
            let mut d = dict.clone();
            d.attach_readings(&f)?;
            // Whatever loaded must serve lookups without panicking.
            let _ = readings(&Tokenizer::new(d), "東京都に行った");
            Ok::<_, crate::Error>(())
        };
        assert!(load(&payload).is_ok());
        for n in 0..payload.len() {
            assert!(load(&payload[..n]).is_err(), "truncated to {n} bytes");
        }
        for i in 8..payload.len() {
            for v in [0u8, 1, 0x7f, 0x80, 0xff] {
                let mut p = payload.clone();
                p[i] = v;
                let _ = load(&p);
            }
        }
    }

    #[test]
    fn katakana_shifts_hiragana_only() {
        assert_eq!(katakana("ひらがなゝカナ漢ー".chars()), "ヒラガナヽカナ漢ー");
    }
}
