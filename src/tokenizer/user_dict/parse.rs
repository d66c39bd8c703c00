//! Reading a user dictionary file, natively and in wasm (the same code, so
//! BigQuery and the browser read a file exactly as the CLI does). The format is detected from the first entry's columns: 13 is
//! MeCab's IPADIC CSV, 4 is Kuromoji's. Every problem is an error naming the
//! file, the line and the problem; nothing panics.
//!
//! # MeCab format
//! `surface,left id,right id,cost,pos1,pos2,pos3,pos4,conjugation type,conjugation form,base form,reading,pronunciation`,
//! as `mecab-dict-index` compiles it for `mecab -u`. Where they are empty:
//! - an id is the first context id whose six features (POS ×4, conjugation
//!   type and form) equal the entry's: in IPADIC's `left-id.def` that is the
//!   id not tied to one word (`名詞,一般` → 1285), the one `mecab-dict-index`
//!   picks through `rewrite.def` for every word but the particles, auxiliary
//!   verbs and the few verbs and adjectives IPADIC gives ids of their own
//!   (give those ids explicitly). A POS with no id is an error, as in MeCab;
//! - the cost is [`DEFAULT_COST`] (`mecab-dict-index` needs a trained model,
//!   which IPADIC does not ship, to estimate one).
//!
//! Deliberate differences from `mecab-dict-index`, which accepts these
//! silently: a non-numeric id or cost is an error (MeCab reads it as 0), a
//! cost outside −32768..=32767 is an error (MeCab wraps it). Lines starting
//! with `#` are comments in both formats. Quoted fields (`"a,b"`, `""` for a
//! quote) are unquoted.
//!
//! # Kuromoji format
//! `surface,segmentation,readings,part_of_speech`, as Lucene's
//! `UserDictionary`: segments and readings separated by spaces, as many
//! readings as segments, the segments concatenating to the surface. The
//! part of speech is one string; IPADIC-style `名詞-固有名詞-組織` is split
//! at `-` into the four POS fields (a term pipeline keeping `名詞,固有名詞`
//! then keeps it), anything else is the first field. A segment's base form is
//! its surface and its pronunciation its reading.

use super::KUROMOJI_WORD_COST;
use super::{build, Candidate, UserDictFormat, UserDictionary, UserTokens, KUROMOJI_CONTEXT_ID};
use crate::error::{Error, Result};
use crate::Dictionary;
use rustc_hash::FxHashMap;
use std::borrow::Cow;

/// The largest user dictionary file read (bytes): far above any real one
/// (50,000 entries are about 4 MB), so that a wrong file fails at once.
pub const MAX_USER_DICT_BYTES: usize = 64 << 20;

/// The cost of a MeCab-format entry whose cost column is empty: below most
/// IPADIC nouns (名詞,一般 has a median near 6,000), so the entry beats the
/// splits of its surface in most contexts, yet not so low that it wins where
/// the text means something else.
pub const DEFAULT_COST: i16 = 3000;

/// Columns of a MeCab-format line.
const MECAB_COLUMNS: usize = 13;
/// Columns of a Kuromoji-format line.
const KUROMOJI_COLUMNS: usize = 4;

/// Why a number field is refused.
enum BadNumber {
    NotANumber,
    /// A number beyond `i32`: outside every range a field allows.
    Overflow,
}
use BadNumber::{NotANumber, Overflow};

/// A decimal field (ids, costs) as `i32`. Not `i64`: its parse checks each
/// digit's multiplication for overflow, a 128-bit library call per digit in
/// wasm32 (about 5 % of a 50,000-entry dictionary's load).
fn int_field(s: &str) -> std::result::Result<i32, BadNumber> {
    use std::num::IntErrorKind::{NegOverflow, PosOverflow};
    s.parse()
        .map_err(|e: std::num::ParseIntError| match e.kind() {
            PosOverflow | NegOverflow => Overflow,
            _ => NotANumber,
        })
}

/// Parses `bytes`, the user dictionary file `file`, for `dict` (whose
/// connection matrix bounds the ids).
#[cfg(feature = "cli")]
pub fn parse(bytes: &[u8], file: &str, dict: &Dictionary) -> Result<UserDictionary> {
    use sha2::{Digest, Sha256};
    parse_with_checksum(bytes, file, dict, Sha256::digest(bytes).into())
}

/// Refuses a user dictionary file `file` of `length` bytes over [`MAX_USER_DICT_BYTES`].
pub fn check_size(length: usize, file: &str) -> Result<()> {
    if length > MAX_USER_DICT_BYTES {
        return Err(Error::input(format!(
            "{file}: {length} bytes, over the limit of {MAX_USER_DICT_BYTES} bytes for a user dictionary"
        )));
    }
    Ok(())
}

/// [`parse`] given the file's SHA-256 (the wasm layer hashes the text as it
/// arrives, and a packed file carries its own).
pub fn parse_with_checksum(
    bytes: &[u8],
    file: &str,
    dict: &Dictionary,
    checksum: [u8; 32],
) -> Result<UserDictionary> {
    parse_batches(bytes, None, file, dict, checksum)
}

/// [`parse_with_checksum`] of text already known to be UTF-8 (the wasm
/// layer's, converted from JS's UTF-16), which is not checked again: in
/// wasm that check took 6-7 % of a 50,000-entry file's load.
pub fn parse_text_with_checksum(
    text: &str,
    file: &str,
    dict: &Dictionary,
    checksum: [u8; 32],
) -> Result<UserDictionary> {
    parse_batches(text.as_bytes(), Some(text), file, dict, checksum)
}

/// The parse of `bytes`; `known` is the same bytes as a `str` when they are
/// known to be UTF-8, and each batch is then sliced from it unchecked.
fn parse_batches<'a>(
    bytes: &'a [u8],
    known: Option<&'a str>,
    file: &str,
    dict: &Dictionary,
    checksum: [u8; 32],
) -> Result<UserDictionary> {
    check_size(bytes.len(), file)?;
    let bom = if bytes.starts_with("\u{FEFF}".as_bytes()) {
        3
    } else {
        0
    };
    // Sized once for at most one entry per line: growing them step by step
    // rehashed and copied a 50,000-entry file's tables a dozen times.
    let lines = 1 + bytes.chunks(BATCH_BYTES).map(count_newlines).sum::<usize>();
    let mut parser = Parser {
        file,
        dict,
        format: None,
        entries: Chains {
            ends: Vec::with_capacity(lines),
            links: Vec::with_capacity(lines),
        },
        fields: Vec::new(),
        index: FxHashMap::with_capacity_and_hasher(lines, Default::default()),
        tokens: UserTokens::default(),
        pos_ids: Vec::new(),
    };
    // In batches of whole lines, each checked to be UTF-8 (unless known to
    // be) and parsed in calls of their own (see BATCH_BYTES).
    let (mut at, mut lines_before) = (bom, 0);
    while at < bytes.len() {
        let rest = &bytes[at..];
        // Just after a `\n` (never inside a UTF-8 sequence), or the end.
        let cut = rest
            .get(BATCH_BYTES..)
            .and_then(|tail| tail.iter().position(|&b| b == b'\n'))
            .map_or(rest.len(), |k| BATCH_BYTES + k + 1);
        let batch = match known {
            // A character boundary, as a batch ends after `\n` or at the end.
            Some(known) => &known[at..at + cut],
            None => std::str::from_utf8(&rest[..cut]).map_err(|e| {
                let line = lines_before + 1 + count_newlines(&rest[..e.valid_up_to()]);
                Error::input(format!("{file}:{line}: not valid UTF-8"))
            })?,
        };
        lines_before = parser.lines(batch, lines_before)?;
        at += cut;
    }
    let format = parser.format.map(|(f, _)| f).ok_or_else(|| {
        Error::input(format!(
            "{file}: no entries (only blank lines and comments)"
        ))
    })?;
    // In surface order, as the lookup table wants (UTF-8 byte order is code
    // point order). Sorted once at the end: a sorted map compared surfaces
    // ~50 times per line, a fifth of a 50,000-entry file's load in wasm.
    // The first 8 bytes as a number decide most comparisons: wasm's memcmp
    // is a byte loop, and the sort was a tenth of the load there.
    let mut surfaces: Vec<(u64, &str, usize)> = parser
        .index
        .iter()
        .map(|(surface, &i)| (prefix_key(surface), surface.as_ref(), i))
        .collect();
    surfaces.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| compare_bytes(a.1, b.1)));
    let entries = &parser.entries;
    let sorted = surfaces
        .iter()
        .map(|&(_, surface, i)| (surface.chars(), entries.of(i).map(|(c, _)| c)));
    build(format, checksum, sorted, parser.tokens)
}

struct Parser<'a> {
    file: &'a str,
    dict: &'a Dictionary,
    /// The format and the line it was detected from.
    format: Option<(UserDictFormat, usize)>,
    /// Per distinct surface, in file order: its candidates, each with its line.
    entries: Chains,
    /// Surface -> index into `entries` (borrowed from the file: no copies).
    index: FxHashMap<Cow<'a, str>, usize>,
    /// The current line's fields (one vector for the whole file).
    fields: Vec<Cow<'a, str>>,
    tokens: UserTokens,
    /// The context ids found for empty id columns, by POS (few distinct ones:
    /// a linear search, instead of one over every context id per line).
    pos_ids: Vec<([String; 6], u16)>,
}

impl<'a> Parser<'a> {
    fn err(&self, line: usize, problem: impl std::fmt::Display) -> Error {
        Error::input(format!("{}:{line}: {problem}", self.file))
    }

    /// Parses the lines of `batch`, the first being line `lines_before + 1`;
    /// returns the number of lines up to the end of `batch` (which ends with
    /// `\n` unless it is the last). Never inlined: see [`BATCH_BYTES`].
    #[inline(never)]
    fn lines(&mut self, batch: &'a str, lines_before: usize) -> Result<usize> {
        let mut n = lines_before;
        for line in lines_of(batch) {
            n += 1;
            let line = line.strip_suffix('\r').unwrap_or(line);
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            self.line(n, line)?;
        }
        // A batch ending with `\n` gave one more (empty) piece than lines.
        Ok(n - usize::from(batch.ends_with('\n')))
    }

    fn line(&mut self, n: usize, line: &'a str) -> Result<()> {
        let mut fields = std::mem::take(&mut self.fields);
        let result = self.fields(n, line, &mut fields);
        self.fields = fields;
        result
    }

    fn fields(&mut self, n: usize, line: &'a str, fields: &mut Vec<Cow<'a, str>>) -> Result<()> {
        split_csv(line, fields).map_err(|p| self.err(n, p))?;
        let (format, first) = match self.format {
            Some(detected) => detected,
            None => {
                let f = match fields.len() {
                    MECAB_COLUMNS => UserDictFormat::Mecab,
                    KUROMOJI_COLUMNS => UserDictFormat::Kuromoji,
                    other => {
                        return Err(self.err(
                            n,
                            format!("{other} columns: a user dictionary has 13 (MeCab's IPADIC CSV) or 4 (Kuromoji's surface,segmentation,readings,part_of_speech)"),
                        ))
                    }
                };
                self.format = Some((f, n));
                (f, n)
            }
        };
        let expected = match format {
            UserDictFormat::Mecab => MECAB_COLUMNS,
            UserDictFormat::Kuromoji => KUROMOJI_COLUMNS,
        };
        if fields.len() != expected {
            let name = match format {
                UserDictFormat::Mecab => "MeCab",
                UserDictFormat::Kuromoji => "Kuromoji",
            };
            return Err(self.err(
                n,
                format!(
                    "{} columns, expected {expected} (the {name} format, detected from line {first})",
                    fields.len()
                ),
            ));
        }
        if fields[0].is_empty() {
            return Err(self.err(n, "empty surface"));
        }
        if fields[0].chars().any(char::is_whitespace) {
            return Err(self.err(
                n,
                format!(
                    "surface {} contains whitespace, which never reaches a lookup",
                    quoted(&fields[0])
                ),
            ));
        }
        match format {
            UserDictFormat::Mecab => self.mecab(n, fields),
            UserDictFormat::Kuromoji => self.kuromoji(n, fields),
        }
    }

    fn mecab(&mut self, n: usize, f: &[Cow<'a, str>]) -> Result<()> {
        let n_ids = self.dict.features.len();
        let features: [&str; 9] = std::array::from_fn(|k| f[4 + k].as_ref());
        let id = |col: usize, what: &str| -> Result<Option<u16>> {
            let s = f[col].trim();
            if s.is_empty() {
                return Ok(None);
            }
            let outside = |v: &dyn std::fmt::Display| {
                self.err(
                    n,
                    format!("{what} {v} is outside the connection matrix (0..{n_ids})"),
                )
            };
            match int_field(s) {
                Ok(v) if v >= 0 && (v as usize) < n_ids => Ok(Some(v as u16)),
                Ok(v) => Err(outside(&v)),
                Err(Overflow) => Err(outside(&s)),
                Err(NotANumber) => {
                    Err(self.err(n, format!("{what} {} is not a number", quoted(s))))
                }
            }
        };
        let (left, right) = (id(1, "left id")?, id(2, "right id")?);
        let (left, right) = match (left, right) {
            (Some(l), Some(r)) => (l, r),
            _ => {
                let by_pos = self.id_of_pos(n, &features)?;
                (left.unwrap_or(by_pos), right.unwrap_or(by_pos))
            }
        };
        let cost = match f[3].trim() {
            "" => i32::from(DEFAULT_COST),
            s => {
                let outside = |v: &dyn std::fmt::Display| {
                    self.err(n, format!("cost {v} is outside -32768..=32767"))
                };
                match int_field(s) {
                    Ok(v) => i32::from(i16::try_from(v).map_err(|_| outside(&v))?),
                    Err(Overflow) => return Err(outside(&s)),
                    Err(NotANumber) => {
                        return Err(self.err(n, format!("cost {} is not a number", quoted(s))))
                    }
                }
            }
        };
        // Appended now and compared with earlier ones in place (taken back
        // if it adds nothing).
        let first_token = self.tokens.len();
        self.tokens.push(f[0].chars().count() as u32, features);
        let token = self.tokens.get(first_token);
        // The surface's place, found or made with one hash lookup (an error
        // below ends the whole parse, so a place made for nothing is harmless).
        let next = self.entries.surfaces();
        let i = *self.index.entry(f[0].clone()).or_insert(next);
        // An entry equal to an earlier one but for its cost is a conflict; an
        // identical one adds nothing (MeCab's two nodes would tie).
        if i != next {
            for (c, l) in self.entries.of(i) {
                let same = c.left == left
                    && c.right == right
                    && self.tokens.get(c.first_token as usize) == token;
                if same && c.cost == cost {
                    self.tokens.truncate(first_token);
                    return Ok(());
                }
                if same {
                    return Err(self.err(
                        n,
                        format!(
                            "{} conflicts with line {l}: the same word with cost {cost}, not {}",
                            quoted(&f[0]),
                            c.cost
                        ),
                    ));
                }
            }
        }
        let candidate = Candidate {
            left,
            right,
            cost,
            first_token: first_token as u32,
            n_tokens: 1,
        };
        self.entries.push(i, candidate, n);
        Ok(())
    }

    fn kuromoji(&mut self, n: usize, f: &[Cow<'a, str>]) -> Result<()> {
        let surface: &str = &f[0];
        let segments: Vec<&str> = f[1].split(' ').filter(|s| !s.is_empty()).collect();
        let readings: Vec<&str> = f[2].split(' ').filter(|s| !s.is_empty()).collect();
        if segments.len() != readings.len() {
            return Err(self.err(
                n,
                format!(
                    "{} segments but {} readings: each segment needs its reading",
                    segments.len(),
                    readings.len()
                ),
            ));
        }
        let joined: String = segments.concat();
        let bare: String = surface.chars().filter(|c| !c.is_whitespace()).collect();
        if joined != bare {
            return Err(self.err(
                n,
                format!(
                    "the segmentation concatenates to {}, not to the surface {}",
                    quoted(&joined),
                    quoted(surface)
                ),
            ));
        }
        let pos = f[3].trim();
        let mut pos_fields = ["*"; 4];
        if !pos.is_empty() {
            let mut parts = pos.splitn(4, '-');
            for slot in pos_fields.iter_mut() {
                match parts.next() {
                    Some(p) if !p.is_empty() => *slot = p,
                    _ => break,
                }
            }
        }
        // Appended now and compared with earlier ones in place (taken back
        // if they add nothing).
        let first_token = self.tokens.len();
        for (s, r) in segments.iter().zip(&readings) {
            let [p1, p2, p3, p4] = pos_fields;
            let fields = [p1, p2, p3, p4, "*", "*", s, r, r];
            self.tokens.push(s.chars().count() as u32, fields);
        }
        let n_tokens = segments.len();
        // Every indexed surface has a candidate: its first says what it is.
        let earlier = self
            .index
            .get(surface)
            .and_then(|&i| self.entries.of(i).next());
        if let Some((c, first_line)) = earlier {
            let same = c.n_tokens as usize == n_tokens
                && (0..n_tokens).all(|k| {
                    self.tokens.get(c.first_token as usize + k) == self.tokens.get(first_token + k)
                });
            if same {
                self.tokens.truncate(first_token);
                return Ok(());
            }
            return Err(self.err(
                n,
                format!(
                    "{} is already an entry (line {}) with another segmentation, reading or part of speech",
                    quoted(surface),
                    first_line
                ),
            ));
        }
        let (first_token, n_tokens) = (first_token as u32, n_tokens as u32);
        self.push(
            n,
            f[0].clone(),
            Candidate {
                left: KUROMOJI_CONTEXT_ID.min(self.dict.features.len() as u16 - 1),
                right: KUROMOJI_CONTEXT_ID.min(self.dict.features.len() as u16 - 1),
                cost: KUROMOJI_WORD_COST,
                first_token,
                n_tokens,
            },
        );
        Ok(())
    }

    fn push(&mut self, line: usize, surface: Cow<'a, str>, c: Candidate) {
        let next = self.entries.surfaces();
        let i = *self.index.entry(surface).or_insert(next);
        self.entries.push(i, c, line);
    }

    /// The first context id whose six features (POS ×4, conjugation type
    /// and form) are the entry's, as `mecab-dict-index` picks for empty id
    /// columns (see the module's doc).
    fn id_of_pos(&mut self, n: usize, features: &[&str; 9]) -> Result<u16> {
        let pos = &features[..6];
        if let Some(&(_, id)) = self
            .pos_ids
            .iter()
            .find(|(p, _)| p.iter().zip(pos).all(|(a, b)| a == b))
        {
            return Ok(id);
        }
        let id = self
            .dict
            .features
            .iter()
            .position(|id_features| id_features.iter().zip(pos).all(|(a, b)| a == b))
            .ok_or_else(|| {
                self.err(
                    n,
                    format!(
                        "no context id has the POS {}: give the left and right ids",
                        pos.join(",")
                    ),
                )
            })? as u16;
        self.pos_ids
            .push((std::array::from_fn(|k| pos[k].to_string()), id));
        Ok(id)
    }
}

/// Per distinct surface, in file order, its candidates with their lines:
/// chains through one vector (not a vector per surface: 50,000 allocations).
#[derive(Default)]
struct Chains {
    /// Per surface: its first and last candidate.
    ends: Vec<(u32, u32)>,
    /// Candidate, line, next candidate of the surface (`u32::MAX`: none).
    links: Vec<(Candidate, usize, u32)>,
}

impl Chains {
    fn surfaces(&self) -> usize {
        self.ends.len()
    }

    /// Appends a candidate to `surface`, a new one if it is [`Chains::surfaces`].
    fn push(&mut self, surface: usize, c: Candidate, line: usize) {
        let at = self.links.len() as u32;
        self.links.push((c, line, u32::MAX));
        match self.ends.get_mut(surface) {
            Some((_, last)) => {
                self.links[*last as usize].2 = at;
                *last = at;
            }
            None => self.ends.push((at, at)),
        }
    }

    /// The candidates of `surface`, in file order, with their lines.
    fn of(&self, surface: usize) -> impl Iterator<Item = (Candidate, usize)> + '_ {
        let mut at = self.ends.get(surface).map_or(u32::MAX, |e| e.0);
        std::iter::from_fn(move || {
            let &(c, line, next) = self.links.get(at as usize)?;
            at = next;
            Some((c, line))
        })
    }
}

/// The text is checked, parsed and its lines counted in calls of this many
/// bytes or so (whole lines): one call over the whole file ran in V8's
/// baseline code throughout (see [`crate::artifact::calls`]).
const BATCH_BYTES: usize = 1 << 16;

/// The `\n`s in `bytes`. Never inlined: see [`BATCH_BYTES`].
#[inline(never)]
fn count_newlines(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

/// The lines of `text` (split at `\n`), found 8 bytes at a time
/// ([`each_of`]): `str::split` searched with a `memchr` that wasm runs a
/// word at a time after a setup per call, the load's largest cost there.
fn lines_of(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let r = rest?;
        let mut newline = None;
        each_of(r.as_bytes(), b'\n', b'\n', |i| {
            newline = Some(i);
            false
        });
        match newline {
            Some(k) => {
                rest = r.get(k + 1..);
                r.get(..k)
            }
            None => rest.take(),
        }
    })
}

/// Each byte of a word set to 1.
const ONES: u64 = 0x0101_0101_0101_0101;
/// The low 7 bits of each byte of a word.
const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;

/// The bytes of `word` equal to `byte`: 0x80 in each of them, 0 in the
/// others (exact; no carry crosses a byte: each sum is at most 0xFE).
fn equal_bytes(word: u64, byte: u8) -> u64 {
    let t = word ^ (ONES * u64::from(byte));
    !((t & LOW7).wrapping_add(LOW7) | t | LOW7)
}

/// Calls `found(i)` for each `i`, in order, where `bytes[i]` is `a` or `b`,
/// until it returns false. Eight bytes per step: jatopic's wasm feature
/// floor has no SIMD, and a byte loop was three times as slow there.
fn each_of(bytes: &[u8], a: u8, b: u8, mut found: impl FnMut(usize) -> bool) {
    let mut chunks = bytes.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        let mut hits = equal_bytes(word, a) | equal_bytes(word, b);
        while hits != 0 {
            // Little-endian: the lowest set byte is the first in the text.
            if !found(at + (hits.trailing_zeros() / 8) as usize) {
                return;
            }
            hits &= hits - 1;
        }
        at += 8;
    }
    for (k, &c) in chunks.remainder().iter().enumerate() {
        if (c == a || c == b) && !found(at + k) {
            return;
        }
    }
}

/// The first 8 bytes of `s` as a big-endian number (zeros after its end):
/// ordering by it, then by the whole string, is ordering by the string.
fn prefix_key(s: &str) -> u64 {
    let mut key = [0u8; 8];
    let n = s.len().min(8);
    key[..n].copy_from_slice(&s.as_bytes()[..n]);
    u64::from_be_bytes(key)
}

/// `a.cmp(b)`, 8 bytes at a time (a sort of surfaces sharing long
/// prefixes, as a shop's do, spent most of its time in wasm's byte-wise memcmp).
/// Never inlined: the sort's many routines each inlining it added 9 KB to the wasm.
#[inline(never)]
fn compare_bytes(a: &str, b: &str) -> std::cmp::Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut at = 0;
    for (x, y) in a.chunks_exact(8).zip(b.chunks_exact(8)) {
        let x = u64::from_be_bytes(x.try_into().unwrap_or_default());
        let y = u64::from_be_bytes(y.try_into().unwrap_or_default());
        if x != y {
            return x.cmp(&y);
        }
        at += 8;
    }
    a[at..].cmp(&b[at..])
}

/// `s` in double quotes, for messages. Not `{:?}`: Rust's escaping would
/// bring Unicode tables into the wasm module, and a field never holds a
/// line break.
fn quoted(s: &str) -> String {
    format!("\"{s}\"")
}

/// The fields of one CSV line into `fields`: commas separate, a field may be
/// quoted (`"a,b"`, with `""` for a quote inside). The problem when a quote
/// is left open.
fn split_csv<'l>(line: &'l str, fields: &mut Vec<Cow<'l, str>>) -> std::result::Result<(), String> {
    fields.clear();
    // Most lines quote nothing: slices of the line, no copies, found in one
    // pass over its bytes (',' and '"' are never inside a UTF-8 sequence).
    let bytes = line.as_bytes();
    let (mut from, mut quoted) = (0, false);
    each_of(bytes, b',', b'"', |i| {
        if bytes[i] == b'"' {
            quoted = true;
            return false;
        }
        fields.push(Cow::Borrowed(line.get(from..i).unwrap_or_default()));
        from = i + 1;
        true
    });
    if quoted {
        return split_quoted(line, fields);
    }
    fields.push(Cow::Borrowed(line.get(from..).unwrap_or_default()));
    Ok(())
}

/// [`split_csv`] of a line with a quote.
fn split_quoted<'l>(
    line: &'l str,
    fields: &mut Vec<Cow<'l, str>>,
) -> std::result::Result<(), String> {
    fields.clear();
    let mut field = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    let mut at_start = true;
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted => {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    field.push('"');
                } else {
                    quoted = false;
                }
            }
            '"' if at_start => quoted = true,
            ',' if !quoted => {
                fields.push(Cow::Owned(std::mem::take(&mut field)));
                at_start = true;
                continue;
            }
            c => field.push(c),
        }
        at_start = false;
    }
    if quoted {
        return Err("a quoted field is not closed".into());
    }
    fields.push(Cow::Owned(field));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "cli")]
    #[test]
    fn a_repeated_identical_entry_adds_no_token() {
        let dict = crate::tokenizer::fixture::dictionary();
        let line = |s: &str, r: &str| format!("{s},1,1,100,名詞,*,*,*,*,*,{s},{r},{r}\n");
        let mecab = line("猫", "ネコ") + &line("猫", "ネコ") + &line("犬", "イヌ");
        let u = parse(mecab.as_bytes(), "u.csv", &dict).unwrap();
        assert_eq!(u.tokens.len(), 2);
        assert_eq!(u.tokens.get(1).map(|t| t.field(7)), Some("イヌ"));
        let kuromoji =
            "がま口,がま 口,ガマ グチ,名詞\nがま口,がま 口,ガマ グチ,名詞\n猫,猫,ネコ,名詞\n";
        let u = parse(kuromoji.as_bytes(), "u.csv", &dict).unwrap();
        assert_eq!(u.tokens.len(), 3);
        assert_eq!(
            u.tokens.get(2).map(|t| (t.chars, t.field(6))),
            Some((1, "猫"))
        );
    }

    #[cfg(feature = "cli")]
    #[test]
    fn line_numbers_run_on_across_batches() {
        let dict = crate::tokenizer::fixture::dictionary();
        // Over three batches of lines, with blank, comment and CRLF lines.
        let mut text = String::new();
        let mut lines = 0usize;
        while text.len() < 3 * BATCH_BYTES + 1000 {
            lines += 1;
            text += &match lines % 5 {
                0 => "\n".to_string(),
                1 => "# a comment\r\n".to_string(),
                _ => format!("語{lines},語{lines},ゴ,名詞\r\n"),
            };
        }
        let u = parse(text.as_bytes(), "u.csv", &dict).unwrap();
        assert_eq!(u.surface_count(), lines - lines / 5 - lines.div_ceil(5));
        // A bad line after them, with and without a newline after it.
        let bad = "悪い,悪 く,ワル イ,形容詞";
        for end in ["", "\n", "\r\n"] {
            let e = parse(format!("{text}{bad}{end}").as_bytes(), "u.csv", &dict).unwrap_err();
            let want = format!("u.csv:{}: ", lines + 1);
            assert!(e.message().starts_with(&want), "{end:?}: {}", e.message());
        }
        // Bytes that are not UTF-8 in the last batch, after a BOM: the line
        // counts the batches before (each checked on its own).
        let mut bytes = "\u{FEFF}".as_bytes().to_vec();
        bytes.extend_from_slice(text.as_bytes());
        bytes.extend_from_slice(b"\n\xff,x,x,x\n");
        let e = parse(&bytes, "u.csv", &dict).unwrap_err();
        let want = format!("u.csv:{}: not valid UTF-8", lines + 2);
        assert_eq!(e.message(), want);
    }

    #[cfg(feature = "cli")]
    #[test]
    fn text_known_to_be_utf8_parses_as_its_bytes_do() {
        let dict = crate::tokenizer::fixture::dictionary();
        let mut text = String::from("\u{FEFF}");
        let mut n = 0;
        while text.len() < 2 * BATCH_BYTES + 1000 {
            n += 1;
            text += &format!("語{n},1,1,{n},名詞,*,*,*,*,*,語{n},ゴ,ゴ\r\n# {n}\n");
        }
        let sum = [7; 32];
        let from_bytes = parse_with_checksum(text.as_bytes(), "u.csv", &dict, sum).unwrap();
        let from_text = parse_text_with_checksum(&text, "u.csv", &dict, sum).unwrap();
        assert_eq!(from_text, from_bytes);
        assert_eq!(from_text.surface_count(), n);
        // The same error, line and all, for a bad line in the last batch.
        let bad = format!("{text}悪い,1,1,x,名詞,*,*,*,*,*,悪い,ワルイ,ワルイ\n");
        let e = |r: Result<UserDictionary>| r.unwrap_err().message().to_string();
        let want = e(parse_with_checksum(bad.as_bytes(), "u.csv", &dict, sum));
        assert!(
            want.starts_with(&format!("u.csv:{}: ", 2 * n + 1)),
            "{want}"
        );
        assert_eq!(e(parse_text_with_checksum(&bad, "u.csv", &dict, sum)), want);
    }

    #[test]
    fn each_of_finds_every_byte_equal_to_either() {
        // Every length from 0 to 40 (whole words and remainders), the bytes
        // sought next to their neighbours in value and to 0x80 and 0xFF.
        let alphabet = [
            b',', b'"', b'+', b'-', b'!', b'#', 0x80, 0xFF, 0xAC, 0, b'a',
        ];
        for len in 0..40 {
            let bytes: Vec<u8> = (0..len)
                .map(|i| alphabet[(i * 7 + len) % alphabet.len()])
                .collect();
            let want: Vec<usize> = (0..len)
                .filter(|&i| bytes[i] == b',' || bytes[i] == b'"')
                .collect();
            let mut got = Vec::new();
            each_of(&bytes, b',', b'"', |i| {
                got.push(i);
                true
            });
            assert_eq!(got, want, "{bytes:?}");
            // Stopping at the first.
            let mut first = None;
            each_of(&bytes, b',', b'"', |i| {
                first = Some(i);
                false
            });
            assert_eq!(first, want.first().copied());
        }
    }

    #[test]
    fn lines_are_those_of_str_split() {
        let long = "がま口,1285,1285,100,名詞\n#コメント\n\nハーバリウム\r\n";
        for text in [
            "",
            "\n",
            "a",
            "a\n",
            "a\nb",
            "\n\nが,ま\r\n口\n",
            "𠮷\n\n",
            long,
        ] {
            let ours: Vec<&str> = lines_of(text).collect();
            let std: Vec<&str> = text.split('\n').collect();
            assert_eq!(ours, std, "{text:?}");
        }
    }

    #[test]
    fn the_prefix_key_orders_as_the_strings_do() {
        // Shared first 8 bytes, a prefix of another, an embedded NUL, 4-byte characters.
        let mut words = vec![
            "がま口ポーチ",
            "がま口",
            "がま口ポーチ2",
            "がま",
            "a\0",
            "a",
            "ab",
            "abcdefgh",
            "abcdefgh\0",
            "abcdefghi",
            "𠮷野家",
            "ｱ",
            "",
            "ハーバリウム",
            "ハーバリウム10",
            "ハーバリウム9",
        ];
        let mut by_key = words.clone();
        by_key.sort_unstable_by(|a, b| {
            prefix_key(a)
                .cmp(&prefix_key(b))
                .then_with(|| compare_bytes(a, b))
        });
        for a in &words {
            for b in &words {
                assert_eq!(compare_bytes(a, b), a.cmp(b), "{a:?} {b:?}");
            }
        }
        words.sort_unstable();
        assert_eq!(by_key, words);
    }

    #[test]
    fn csv_fields_may_be_quoted() {
        let split = |line| {
            let mut fields = vec![Cow::Borrowed("left over")];
            split_csv(line, &mut fields).map(|()| fields)
        };
        assert_eq!(split("a,b,,c").unwrap(), ["a", "b", "", "c"]);
        assert_eq!(split("\"a,b\",\"x\"\"y\",z").unwrap(), ["a,b", "x\"y", "z"]);
        assert_eq!(split("").unwrap(), [""]);
        assert!(split("\"open,b").is_err());
    }

    #[test]
    fn chains_keep_each_surfaces_candidates_in_order() {
        let c = |cost| Candidate {
            left: 1,
            right: 1,
            cost,
            first_token: 0,
            n_tokens: 1,
        };
        let mut chains = Chains::default();
        chains.push(0, c(10), 1);
        chains.push(1, c(20), 2);
        chains.push(0, c(11), 3);
        chains.push(0, c(12), 4);
        let of = |s| chains.of(s).map(|(c, l)| (c.cost, l)).collect::<Vec<_>>();
        assert_eq!(of(0), [(10, 1), (11, 3), (12, 4)]);
        assert_eq!(of(1), [(20, 2)]);
        assert_eq!(of(2), []);
        assert_eq!(chains.surfaces(), 2);
    }
}
