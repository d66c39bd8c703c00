//! The dictionary: IPADIC-derived, split along MeCab's components — part-of-
//! speech features per context id (`features.rs`), connection costs
//! (`connector.rs`), character categories ([`character`]), unknown-word
//! rules ([`unknown`]) and the lexicon with its trie (`lexicon/`) — each
//! with its reader and writer side by side.
//!
//! # File format (`*.jtd`)
//! The artifact frame ([`crate::artifact::frame`], described by [`FORMAT`]:
//! magic `"JATOPIC-DICT\n"`, with a stored section). In the compact tier's
//! layout (format 2) the stored section is the connection matrix, one
//! codebook index per cell: it barely compresses, and LZMA decoding (in
//! wasm, the bulk of cold start) costs time per decoded byte. The payload
//! holds the other sections, in order: features, connector classes and
//! codebook, character categories, unknown-word rules, lexicon. Formats 3
//! and 4 add the full tier's exact 16-bit matrix (a layout byte at the start
//! of the connector section says which; format 4 stores rows as differences,
//! see `connector.rs`), in the payload with an empty stored section. Compact files are still written as format
//! 2, byte for byte as before; both formats are read. It is column-oriented (each field of every
//! record stored together) because LZMA compresses homogeneous runs far
//! better. Every count and index is validated at load; a malformed file
//! gives [`Error::Format`] naming the problem, never a panic.
//!
//! Readings and pronunciations live in a file of their own ([`readings`]),
//! attached to a loaded dictionary with [`Dictionary::attach_readings`].

pub mod character;
pub(crate) mod connector;
pub(crate) mod features;
#[cfg(feature = "cli")]
mod hot_ids;
pub(crate) mod lexicon;
pub mod readings;
pub(crate) mod strings;
pub mod unknown;

use crate::artifact::bytes::Reader;
use crate::artifact::frame::Format;
#[cfg(doc)]
use crate::error::Error;
use crate::error::Result;
use crate::tokenizer::user_dict::{UserDictionary, UserMatch};
use character::CharClasses;
pub use character::{CharCategory, CharRange};
use connector::Connector;
use lexicon::Lexicon;
pub use lexicon::{Entry, LexiconEntry};
use readings::Readings;
pub use readings::WordReading;
use std::borrow::Cow;
use std::collections::BTreeMap;
pub use unknown::UnknownWord;

/// First bytes of every dictionary file.
pub const MAGIC: &[u8; 13] = b"JATOPIC-DICT\n";
/// Bump when the payload layout or the meaning of any field changes, so that
/// old readers reject new files (and vice versa) instead of misreading them.
pub const FORMAT_VERSION: u16 = 4;
/// The oldest format this jatopic reads (format 2: the codebook layout only).
pub const OLDEST_FORMAT_VERSION: u16 = 2;
/// The dictionary file's frame.
pub const FORMAT: Format = Format {
    what: "dictionary",
    magic: MAGIC,
    version: FORMAT_VERSION,
    stored_section: true,
    // Keeps wasm memory bounded.
    max_payload: 16 << 20,
    expected: "a .jtd file built by `jatopic build-dict`",
    other_version:
        "rebuild it with this jatopic (`make dict`), or use the jatopic version that built it",
};
/// Upper bound on context ids (IPADIC has 1,316).
pub(crate) const MAX_IDS: u64 = 1 << 14;

/// A loaded dictionary, ready for lookups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dictionary {
    /// Per context id: pos1, pos2, pos3, pos4, conjugation type, conjugation form.
    pub features: Vec<[String; 6]>,
    pub(crate) connector: Connector,
    pub(crate) chars: CharClasses,
    /// Unknown-word templates per character category.
    pub(crate) unknown: Vec<Vec<UnknownWord>>,
    pub(crate) lexicon: Lexicon,
    /// The file header's checksum: a readings file names its dictionary by it.
    checksum: u64,
    readings: Option<AttachedReadings>,
    user: Option<AttachedUser>,
}

/// A user dictionary and the function that looks it up: reached through
/// this pointer, set only by [`Dictionary::attach_user_dictionary`], so that
/// a build that never attaches one (the wasm bundle) carries no lookup code.
#[derive(Debug, Clone)]
pub(crate) struct AttachedUser {
    pub(crate) user: UserDictionary,
    pub(crate) lookup: fn(&UserDictionary, &[char], &mut Vec<UserMatch>),
    /// The tokens of the node of `base` covering `start..end`.
    pub(crate) expand: UserExpand,
}

/// [`crate::tokenizer::user_dict::expand`]'s type.
pub(crate) type UserExpand =
    fn(&UserDictionary, usize, usize, u32, &mut dyn FnMut(usize, usize, u32));

impl PartialEq for AttachedUser {
    fn eq(&self, other: &Self) -> bool {
        self.user == other.user
    }
}

impl Eq for AttachedUser {}

/// What [`Dictionary::reading`] returns.
type ReadingPair<'d> = Option<(Cow<'d, str>, Cow<'d, str>)>;

/// Readings and the function that looks them up. The lookup is reached
/// through this pointer, set only by [`Dictionary::attach_readings`], so that
/// a build that never attaches readings (the wasm bundle, whose size is
/// budgeted) does not carry the lookup code although every token asks.
#[derive(Debug, Clone)]
struct AttachedReadings {
    readings: Readings,
    lookup: for<'d> fn(&'d Dictionary, &[char], u16, u32, bool) -> ReadingPair<'d>,
}

impl PartialEq for AttachedReadings {
    fn eq(&self, other: &Self) -> bool {
        self.readings == other.readings
    }
}

impl Eq for AttachedReadings {}

/// [`Dictionary::reading`], once readings are attached.
fn lookup_reading<'d>(
    dict: &'d Dictionary,
    text: &[char],
    id: u16,
    base: u32,
    normalize: bool,
) -> ReadingPair<'d> {
    let readings = &dict.readings.as_ref()?.readings;
    let normalized;
    let surface = if normalize {
        normalized = crate::tokenizer::normalize::width(text).0;
        &normalized
    } else {
        text
    };
    let word = dict.lexicon.word(surface, id, base)?;
    readings.of(word, surface)
}

/// Everything needed to write a dictionary (the builder fills it in).
#[derive(Debug, Clone, Default)]
pub struct DictionarySource {
    /// Per context id: six feature fields.
    pub features: Vec<[String; 6]>,
    /// Full connection matrix, `matrix[right_id_of_previous][left_id_of_next]`.
    pub matrix: Vec<Vec<i16>>,
    /// Character categories, DEFAULT first.
    pub categories: Vec<CharCategory>,
    /// Non-overlapping sorted ranges.
    pub ranges: Vec<CharRange>,
    /// Unknown-word templates per category.
    pub unknown: Vec<Vec<UnknownWord>>,
    /// Lexicon entries, in any order.
    pub lexicon: Vec<LexiconEntry>,
    /// What each word (surface, context id) reads as: IPADIC's reading and
    /// pronunciation of the line MeCab picks among those sharing both.
    pub readings: BTreeMap<(String, u16), WordReading>,
}

/// An index into a collection of `n` items; an error when `n` is 0 (there
/// is then no valid index, though `uvar_max(n - 1)` would saturate to 0).
pub(crate) fn index_below(r: &mut Reader, n: usize, field: &str) -> Result<u64> {
    if n == 0 {
        return Err(r.err(&format!("a {field} refers to an empty table")));
    }
    r.uvar_max(n as u64 - 1, field)
}

impl Dictionary {
    /// Parses a `.jtd` file (header, stored section, LZMA payload). Lookups
    /// skip entries that can never be on a best path (see
    /// `lexicon::live_entries`).
    pub fn from_bytes(file: &[u8]) -> Result<Dictionary> {
        Self::load(file, true)
    }

    /// [`Dictionary::from_bytes`] with every entry in lookups, even those
    /// that can never be on a best path: the dictionary builder counts the
    /// connections Viterbi evaluates over all of them.
    #[cfg(feature = "cli")]
    pub fn from_bytes_keeping_all(file: &[u8]) -> Result<Dictionary> {
        Self::load(file, false)
    }

    fn load(file: &[u8], drop_dead_entries: bool) -> Result<Dictionary> {
        let (format_version, frame) = FORMAT.read_versions(file, OLDEST_FORMAT_VERSION)?;
        let p = &frame.payload;
        let mut r = Reader::new(p, "dictionary");
        let features = features::read(&mut r)?;
        let n_ids = features.len();
        if n_ids == 0 {
            return Err(r.err("no context ids"));
        }
        let connector = Connector::read(&mut r, frame.stored, n_ids, format_version)?;
        #[cfg(feature = "cli")]
        let connector = connector.renumbered(&hot_ids::weights(n_ids));
        let chars = CharClasses::read(&mut r)?;
        let unknown = unknown::read(&mut r, chars.categories.len(), n_ids)?;
        let lexicon = Lexicon::read(&mut r, n_ids, p.len(), &connector, drop_dead_entries)?;
        Ok(Dictionary {
            features,
            connector,
            chars,
            unknown,
            lexicon,
            checksum: header_checksum(file),
            readings: None,
            user: None,
        })
    }

    /// Attaches a readings file (`*.jtr`, written by `jatopic build-dict`
    /// with this dictionary): tokens then carry readings. A file made for
    /// another dictionary, or damaged, is refused with an error saying so.
    pub fn attach_readings(&mut self, file: &[u8]) -> Result<()> {
        self.readings = Some(AttachedReadings {
            readings: Readings::from_bytes(file, self.checksum, &self.lexicon)?,
            lookup: lookup_reading,
        });
        Ok(())
    }

    /// Attaches a user dictionary (parsed for this dictionary, see
    /// [`crate::tokenizer::user_dict::parse`]): its entries join the lattice.
    /// Replaces any attached before.
    pub fn attach_user_dictionary(&mut self, user: UserDictionary) {
        self.user = Some(AttachedUser {
            user,
            lookup: crate::tokenizer::user_dict::lookup,
            expand: crate::tokenizer::user_dict::expand,
        });
    }

    /// The attached user dictionary, if any.
    pub fn user_dictionary(&self) -> Option<&UserDictionary> {
        self.attached_user().map(|u| &u.user)
    }

    /// The attached user dictionary with its lookup, for the lattice.
    #[inline]
    pub(crate) fn attached_user(&self) -> Option<&AttachedUser> {
        self.user.as_ref()
    }

    /// Detaches the user dictionary, if any.
    pub fn detach_user_dictionary(&mut self) {
        self.user = None;
    }

    /// Which lexicon tier this dictionary is: the full tier stores its
    /// connection costs exactly, the compact one through a codebook.
    pub fn tier(&self) -> crate::tokenizer::config::LexiconTier {
        if self.connector.is_exact() {
            crate::tokenizer::config::LexiconTier::Full
        } else {
            crate::tokenizer::config::LexiconTier::Compact
        }
    }

    /// Whether readings are attached.
    pub fn has_readings(&self) -> bool {
        self.readings.is_some()
    }

    /// The reading and pronunciation (IPADIC's katakana) of the lexicon word
    /// with context id `id` and base-form index `base` (a [`crate::RawToken`]'s)
    /// whose text is `text` (analysed width-normalised when `normalize`).
    /// `None` for unknown words and when no readings are attached.
    pub fn reading(&self, text: &[char], id: u16, base: u32, normalize: bool) -> ReadingPair<'_> {
        (self.readings.as_ref()?.lookup)(self, text, id, base, normalize)
    }

    /// Connection cost from a token with context id `prev` to one with `next`.
    #[inline]
    pub fn connection(&self, prev: u16, next: u16) -> i32 {
        self.connector.cost(prev, next)
    }

    /// Whether the connection costs are stored exactly (the full tier's
    /// layout) rather than through a codebook.
    pub fn exact_connection_costs(&self) -> bool {
        self.connector.is_exact()
    }

    /// Category mask and primary category of a character.
    #[inline]
    pub fn char_info(&self, c: char) -> (u32, u8) {
        self.chars.info(c)
    }

    /// Character categories; index 0 is `DEFAULT`.
    pub fn categories(&self) -> &[CharCategory] {
        &self.chars.categories
    }

    /// Number of distinct surfaces of plain (non-conjugating) entries.
    pub fn surface_count(&self) -> usize {
        self.lexicon.n_surfaces
    }

    /// Number of plain lexicon entries.
    pub fn entry_count(&self) -> usize {
        self.lexicon.n_entries
    }

    /// Number of conjugating lemmas and of paradigms.
    pub fn lemma_count(&self) -> (usize, usize) {
        (self.lexicon.lemmas.len(), self.lexicon.paradigms.len())
    }

    /// Base form number `index` (see [`crate::RawToken::base`]).
    pub(crate) fn base_form(&self, index: u32) -> Option<&str> {
        self.lexicon.bases.get(index as usize)
    }
}

/// The checksum in a dictionary file's header (the file is known to be long enough).
fn header_checksum(file: &[u8]) -> u64 {
    let at = FORMAT.checksum_offset();
    file.get(at..at + 8)
        .and_then(|b| b.try_into().ok())
        .map_or(0, u64::from_le_bytes)
}

/// How [`DictionarySource::encode`] stores the connection costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatrixEncoding {
    /// One byte per class cell through a codebook of at most 256 costs, each
    /// rounded to a multiple of `quantum` (the compact tier; format 2).
    Codebook {
        /// Costs are rounded to multiples of this.
        quantum: i64,
    },
    /// Every cost exactly, 16 bits per class cell (the full tier; format 4).
    Exact,
}

/// Per payload section: name, raw bytes, bytes after LZMA on its own.
pub type SizeReport = Vec<(&'static str, usize, usize)>;

#[cfg(feature = "cli")]
impl DictionarySource {
    /// Serialises and LZMA-compresses the dictionary. `matrix` says how the
    /// connection costs are stored; `word_quantum` rounds word costs to
    /// multiples of itself (1 = exact). Also returns, per payload section,
    /// its raw and separately compressed size (the size breakdown reported
    /// by `build-dict`).
    pub fn encode(
        &self,
        matrix: MatrixEncoding,
        word_quantum: i64,
    ) -> Result<(Vec<u8>, SizeReport)> {
        use crate::artifact::bytes::Writer;
        use crate::artifact::lzma::{compress, SMALLEST};
        let mut w = Writer::default();
        let mut marks = vec![("features", 0)];
        features::write(&mut w, &self.features);
        marks.push(("connection matrix", w.buf.len()));
        let connector = match matrix {
            MatrixEncoding::Codebook { quantum } => {
                connector::ConnectorLayout::of(&self.matrix, quantum)
            }
            MatrixEncoding::Exact => connector::ConnectorLayout::exact(&self.matrix),
        };
        connector.write(&mut w);
        marks.push(("characters + unknown words", w.buf.len()));
        CharClasses::write(&mut w, &self.categories, &self.ranges);
        unknown::write(&mut w, &self.unknown);
        let layout =
            lexicon::layout::LexiconLayout::of(&self.lexicon, &self.features, word_quantum);
        Lexicon::write(&mut w, &mut marks, &layout, self.features.len());
        let payload = w.buf;
        let mut report = Vec::new();
        for (k, &(name, start)) in marks.iter().enumerate() {
            let end = marks.get(k + 1).map_or(payload.len(), |m| m.1);
            report.push((
                name,
                end - start,
                compress(&payload[start..end], SMALLEST)?.len(),
            ));
        }
        let stored = &connector.stored;
        report.push(("stored connection costs", stored.len(), stored.len()));
        let format = Format {
            version: connector::format_version_for(connector.is_exact()),
            ..FORMAT
        };
        Ok((format.write(stored, &payload, SMALLEST)?, report))
    }

    /// The readings file of `dictionary`, the file [`DictionarySource::encode`]
    /// made from this source with word-cost quantum `word_quantum` (which
    /// decides how conjugating words become lemmas).
    pub fn encode_readings(&self, dictionary: &[u8], word_quantum: i64) -> Result<Vec<u8>> {
        use crate::artifact::lzma::SMALLEST;
        let layout =
            lexicon::layout::LexiconLayout::of(&self.lexicon, &self.features, word_quantum);
        let payload =
            readings::write::payload(&layout, &self.readings, header_checksum(dictionary));
        readings::FORMAT.write(&[], &payload, SMALLEST)
    }
}
