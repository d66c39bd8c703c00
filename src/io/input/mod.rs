//! Document readers for the native CLI (`jatopic train` and friends).
//!
//! Reads documents from NDJSON, CSV, TSV or plain-text files (or stdin, `-`), and
//! Parquet files (BigQuery's export format; not stdin), into [`Document`]s: an id,
//! the content (raw text to tokenize, or terms that are already tokenized), an
//! optional label and the `file:line` (Parquet: `file:row`) it came from.
//!
//! Malformed rows (invalid JSON, a missing field, a wrong field count, invalid
//! UTF-8, …) are reported through a `warn` callback with their `file:line` and
//! skipped, up to [`InputOptions::max_bad_rows`]; one more stops the read with an
//! error. Problems that concern the whole file (it cannot be opened, a CSV header
//! or Parquet schema lacks a requested column, it is not readable Parquet) are
//! errors at once, since every row would fail.
//!
//! Empty documents (whitespace-only text, no terms) are returned like any other and
//! counted in [`ReadStats::empty`]: whether to keep them is the caller's decision.
//!
//! This file owns what every format shares: the options, the documents, the
//! malformed-row policy (`Sink`), line reading and the wording of field
//! problems. One file per format parses rows: `text.rs`, `ndjson.rs`,
//! `delimited.rs` (CSV and TSV) and `parquet.rs`.

mod delimited;
mod ndjson;
mod parquet;
mod text;

pub use parquet::DECODER_PANICKED;

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use crate::error::{Error, Result};

/// The layout of an input file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// One JSON object per line (blank lines ignored).
    Ndjson,
    /// Comma-separated values with a header row (RFC 4180 quoting).
    Csv,
    /// Tab-separated values with a header row (same quoting as CSV).
    Tsv,
    /// One document per line.
    Text,
    /// Apache Parquet (BigQuery's export format), read by top-level column name.
    /// Needs a file path: Parquet cannot be streamed from stdin.
    Parquet,
}

impl InputFormat {
    /// Parses a format name as given on the command line: `ndjson` (or `jsonl`,
    /// `json`), `csv`, `tsv`, `text` (or `txt`), `parquet`; ASCII case is ignored.
    pub fn from_name(name: &str) -> Result<InputFormat> {
        match name.to_ascii_lowercase().as_str() {
            "ndjson" | "jsonl" | "json" => Ok(InputFormat::Ndjson),
            "csv" => Ok(InputFormat::Csv),
            "tsv" => Ok(InputFormat::Tsv),
            "text" | "txt" => Ok(InputFormat::Text),
            "parquet" => Ok(InputFormat::Parquet),
            _ => Err(Error::input(format!(
                "unknown input format \"{name}\" (expected ndjson, jsonl, json, csv, tsv, text, txt or parquet)"
            ))),
        }
    }

    /// Guesses the format from a path's extension (ASCII case ignored):
    /// `.ndjson`/`.jsonl`/`.json` → NDJSON, `.csv` → CSV, `.tsv` → TSV,
    /// `.parquet` → Parquet, anything else, and `-` (stdin), → text.
    pub fn guess(path: &str) -> InputFormat {
        if path == "-" {
            return InputFormat::Text;
        }
        let ext = Path::new(path)
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        match ext.as_str() {
            "ndjson" | "jsonl" | "json" => InputFormat::Ndjson,
            "csv" => InputFormat::Csv,
            "tsv" => InputFormat::Tsv,
            "parquet" => InputFormat::Parquet,
            _ => InputFormat::Text,
        }
    }

    /// The canonical name (`ndjson`, `csv`, `tsv`, `text`, `parquet`), for messages.
    pub fn name(self) -> &'static str {
        match self {
            InputFormat::Ndjson => "ndjson",
            InputFormat::Csv => "csv",
            InputFormat::Tsv => "tsv",
            InputFormat::Text => "text",
            InputFormat::Parquet => "parquet",
        }
    }
}

/// How to read the input files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputOptions {
    /// The format of every file; `None` guesses it per file with [`InputFormat::guess`].
    pub format: Option<InputFormat>,
    /// The field (NDJSON) or column (CSV/TSV/Parquet) holding the text; default
    /// `text`. Ignored when `terms_field` is set. In Parquet a string (or null: an
    /// empty document).
    pub text_field: String,
    /// The field or column holding the document id (a string or a number); without
    /// it ids are `<file-stem>:<line>` (text, NDJSON) or `<file-stem>:<row>`
    /// (CSV/TSV/Parquet; a null Parquet id also falls back to this). Not available
    /// for text files.
    pub id_field: Option<String>,
    /// Read pre-tokenized terms instead of text: an array of strings (NDJSON), a
    /// cell of terms separated by single spaces (CSV/TSV), a LIST of strings
    /// (Parquet; BigQuery's `ARRAY<STRING>`, null = no terms). For text files any
    /// value means "each line holds whitespace-separated terms".
    pub terms_field: Option<String>,
    /// The field or column holding an optional label (a string or a number). Not
    /// available for text files.
    pub label_field: Option<String>,
    /// How many malformed rows may be skipped (with a warning) before reading stops
    /// with an error; default 0.
    pub max_bad_rows: u64,
}

impl InputOptions {
    /// The field or column holding the content: the terms field if set, else the text field.
    fn content_field(&self) -> &str {
        self.terms_field.as_deref().unwrap_or(&self.text_field)
    }
}

impl Default for InputOptions {
    fn default() -> Self {
        InputOptions {
            format: None,
            text_field: "text".to_string(),
            id_field: None,
            terms_field: None,
            label_field: None,
            max_bad_rows: 0,
        }
    }
}

/// What a document holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// Raw text, to be tokenized.
    Text(String),
    /// Terms that are already tokenized (never empty strings).
    Terms(Vec<String>),
}

impl Content {
    /// True for whitespace-only text or no terms.
    pub fn is_empty(&self) -> bool {
        match self {
            Content::Text(t) => t.trim().is_empty(),
            Content::Terms(t) => t.is_empty(),
        }
    }
}

/// One document read from the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The id field's value, or `<file-stem>:<line-or-row>`.
    pub id: String,
    /// The text or terms.
    pub content: Content,
    /// The label field's value, when `label_field` is set and the row has one.
    pub label: Option<String>,
    /// `file:line` where the document starts, for messages (`<stdin>` for `-`);
    /// `file:row` (1-based data row) for Parquet.
    pub source: String,
}

/// Counts from one [`read_documents`] call.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadStats {
    /// Documents returned (including empty ones).
    pub read: u64,
    /// Malformed rows skipped (each reported through `warn`).
    pub skipped: u64,
    /// Returned documents whose content is empty ([`Content::is_empty`]).
    pub empty: u64,
}

/// Reads every path in order (`-` is stdin) with the format of `opts.format`, or
/// guessed per file from its extension.
///
/// Each skipped malformed row is reported through `warn` as `file:line: problem`;
/// the row that takes the count past `opts.max_bad_rows` is not warned about but
/// returned as an [`Error::Input`] with the same text and a note that reading
/// stopped. A file that cannot be opened or read is an [`Error::Io`]; a CSV/TSV
/// header or Parquet schema without a requested column, a field option that a
/// text file cannot honour, or Parquet from stdin, is an [`Error::Input`] at once;
/// a file that is not readable Parquet is an [`Error::Format`].
pub fn read_documents(
    paths: &[String],
    opts: &InputOptions,
    warn: &mut dyn FnMut(&str),
) -> Result<(Vec<Document>, ReadStats)> {
    let mut docs = Vec::new();
    let stats = for_each_document(paths, opts, warn, &mut |d| {
        docs.push(d);
        Ok(())
    })?;
    Ok((docs, stats))
}

/// [`read_documents`] without collecting: `emit` gets each document in order
/// (so a caller can reduce it at once and keep memory low); an error from
/// `emit` stops reading.
pub fn for_each_document(
    paths: &[String],
    opts: &InputOptions,
    warn: &mut dyn FnMut(&str),
    emit: &mut dyn FnMut(Document) -> Result<()>,
) -> Result<ReadStats> {
    let mut sink = Sink {
        opts,
        warn,
        emit,
        stats: ReadStats::default(),
        first_malformed: None,
    };
    for path in paths {
        let format = opts.format.unwrap_or_else(|| InputFormat::guess(path));
        let file = display_name(path);
        let stem = file_stem(path);
        let input = Source {
            file: &file,
            stem: &stem,
        };
        match format {
            InputFormat::Ndjson => ndjson::read(open_lines(path)?, &input, &mut sink)?,
            InputFormat::Csv => delimited::read(open_lines(path)?, b',', &input, &mut sink)?,
            InputFormat::Tsv => delimited::read(open_lines(path)?, b'\t', &input, &mut sink)?,
            InputFormat::Text => text::read(open_lines(path)?, &input, &mut sink)?,
            InputFormat::Parquet => parquet::read(path, &input, &mut sink)?,
        }
    }
    Ok(sink.stats)
}

/// Opens a path (`-` is stdin) for the line-based formats.
fn open_lines(path: &str) -> Result<Box<dyn BufRead>> {
    if path == "-" {
        return Ok(Box::new(BufReader::new(std::io::stdin())));
    }
    let f = File::open(path).map_err(|e| Error::io_message(format!("{path}: {e}")))?;
    Ok(Box::new(BufReader::new(f)))
}

/// The file being read: its name for messages and its stem for default ids.
struct Source<'a> {
    file: &'a str,
    stem: &'a str,
}

impl Source<'_> {
    fn default_id(&self, n: u64) -> String {
        format!("{}:{n}", self.stem)
    }
    fn at(&self, line: u64) -> String {
        format!("{}:{line}", self.file)
    }
}

/// Collects documents and counts, and applies the malformed-row policy.
struct Sink<'a> {
    opts: &'a InputOptions,
    warn: &'a mut dyn FnMut(&str),
    emit: &'a mut dyn FnMut(Document) -> Result<()>,
    stats: ReadStats,
    /// `file:line` of the first malformed row, named when reading stops.
    first_malformed: Option<String>,
}

impl Sink<'_> {
    fn push(&mut self, doc: Document) -> Result<()> {
        self.stats.read += 1;
        if doc.content.is_empty() {
            self.stats.empty += 1;
        }
        (self.emit)(doc)
    }

    /// Skips a malformed row with a warning, or stops once too many were skipped.
    fn malformed(&mut self, src: &Source, line: u64, problem: &str) -> Result<()> {
        let n = self.stats.skipped + 1;
        let msg = format!("{}: {problem}", src.at(line));
        if n > self.opts.max_bad_rows {
            let first = match &self.first_malformed {
                Some(first) => format!("; the first was {first}"),
                None => String::new(),
            };
            return Err(Error::input(format!(
                "{msg} (stopping: {n} malformed rows exceed --max-bad-rows {}{first})",
                self.opts.max_bad_rows
            )));
        }
        self.first_malformed.get_or_insert_with(|| src.at(line));
        self.stats.skipped = n;
        (self.warn)(&msg);
        Ok(())
    }

    /// Passes on a parsed row as a document (without an id, it is
    /// `<stem>:<number>`; its source is `file:line`), or skips a malformed one.
    fn row(
        &mut self,
        src: &Source,
        number: u64,
        line: u64,
        row: std::result::Result<Row, String>,
    ) -> Result<()> {
        match row {
            Ok(Row { id, content, label }) => self.push(Document {
                id: id.unwrap_or_else(|| src.default_id(number)),
                content,
                label,
                source: src.at(line),
            }),
            Err(problem) => self.malformed(src, line, &problem),
        }
    }
}

/// What a format's parser takes from one row.
struct Row {
    /// The id field's value (`None` without an id field, or for a null id).
    id: Option<String>,
    content: Content,
    /// The label field's value, if any.
    label: Option<String>,
}

fn display_name(path: &str) -> String {
    if path == "-" {
        "<stdin>".to_string()
    } else {
        path.to_string()
    }
}

fn file_stem(path: &str) -> String {
    if path == "-" {
        return "stdin".to_string();
    }
    Path::new(path)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_string())
}

/// Splits pre-tokenized terms, dropping the empty strings that doubled or trailing
/// separators would leave (an empty term is never meaningful).
fn split_terms<'a>(s: &'a str, by: impl Fn(&'a str) -> Vec<&'a str>) -> Vec<String> {
    by(s)
        .into_iter()
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// Reads lines as bytes so that one line of invalid UTF-8 is one malformed row,
/// not an I/O error for the whole file. Calls `f(line_number, line)` with the
/// line ending (`\n`, `\r\n`) and a leading UTF-8 BOM on line 1 removed.
fn for_each_line(
    mut reader: Box<dyn BufRead>,
    src: &Source,
    mut f: impl FnMut(u64, &[u8]) -> Result<()>,
) -> Result<()> {
    let mut buf = Vec::new();
    let mut line_no = 0u64;
    loop {
        buf.clear();
        let n = reader
            .read_until(b'\n', &mut buf)
            .map_err(|e| Error::io_error(src.file, e))?;
        if n == 0 {
            return Ok(());
        }
        line_no += 1;
        let mut line = buf.as_slice();
        if let Some(l) = line.strip_suffix(b"\n") {
            line = l;
        }
        if let Some(l) = line.strip_suffix(b"\r") {
            line = l;
        }
        if line_no == 1 {
            if let Some(l) = line.strip_prefix("\u{feff}".as_bytes()) {
                line = l;
            }
        }
        f(line_no, line)?;
    }
}

/// `Err(found)` for a value of the wrong type, naming the type found.
type Typed<T> = std::result::Result<T, &'static str>;

/// The wording of field problems, shared by the formats with typed fields
/// (NDJSON, Parquet) so that their messages agree.
mod problem {
    pub fn missing(name: &str) -> String {
        format!("field \"{name}\" is missing")
    }
    pub fn not_string(name: &str, found: &str) -> String {
        format!("field \"{name}\" must be a string, found {found}")
    }
    pub fn not_string_or_number(name: &str, found: &str) -> String {
        format!("field \"{name}\" must be a string or number, found {found}")
    }
    /// `list` is the format's word for it: "an array" (JSON), "a list" (Parquet).
    pub fn not_terms(name: &str, list: &str, found: &str) -> String {
        format!("field \"{name}\" must be {list} of strings, found {found}")
    }
    /// `element` counts from 1.
    pub fn bad_term(name: &str, list: &str, element: usize, found: &str) -> String {
        format!("field \"{name}\" must be {list} of strings, element {element} is {found}")
    }
}

/// A string-or-number field (an id, a label) as a string; `Ok(None)` for a null.
fn scalar_field(
    name: &str,
    value: Typed<Option<String>>,
) -> std::result::Result<Option<String>, String> {
    value.map_err(|found| problem::not_string_or_number(name, found))
}

/// Pre-tokenized terms from a list's elements (each a string, or the name of
/// the type found), dropping empty strings; `list` as in [`problem::not_terms`].
fn collect_terms<'a>(
    name: &str,
    list: &str,
    elements: impl ExactSizeIterator<Item = Typed<&'a str>>,
) -> std::result::Result<Vec<String>, String> {
    let mut terms = Vec::with_capacity(elements.len());
    for (i, element) in elements.enumerate() {
        match element {
            Ok("") => {}
            Ok(s) => terms.push(s.to_string()),
            Err(found) => return Err(problem::bad_term(name, list, i + 1, found)),
        }
    }
    Ok(terms)
}

/// A column in use: its position in the header (CSV/TSV) or schema (Parquet)
/// and its name.
struct Column {
    index: usize,
    name: String,
}

/// The columns a CSV/TSV or Parquet file is read from, each checked to exist.
struct Columns {
    id: Option<Column>,
    content: Column,
    label: Option<Column>,
}

impl Columns {
    /// Finds the columns `opts` asks for among a file's `names`, or the error
    /// for a file that lacks one (`place`: "header" or "schema"): every row
    /// would fail.
    fn find<S: AsRef<str>>(
        names: &[S],
        opts: &InputOptions,
        file: &str,
        place: &str,
    ) -> Result<Columns> {
        let find = |name: &str| -> Result<Column> {
            match names.iter().position(|c| c.as_ref() == name) {
                Some(index) => Ok(Column {
                    index,
                    name: name.to_string(),
                }),
                None => {
                    let names: Vec<&str> = names.iter().map(AsRef::as_ref).collect();
                    Err(Error::input(format!(
                        "{file}: no column \"{name}\" in the {place} (columns: {})",
                        names.join(", ")
                    )))
                }
            }
        };
        Ok(Columns {
            id: opts.id_field.as_deref().map(find).transpose()?,
            content: find(opts.content_field())?,
            label: opts.label_field.as_deref().map(find).transpose()?,
        })
    }

    /// Whether the column at `index` is one of these.
    fn uses(&self, index: usize) -> bool {
        [self.id.as_ref(), Some(&self.content), self.label.as_ref()]
            .into_iter()
            .flatten()
            .any(|c| c.index == index)
    }
}

/// Helpers for the readers' tests: temporary files and a read that collects warnings.
#[cfg(test)]
mod test_support {
    use super::*;
    use std::path::PathBuf;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A fresh directory under the system temp dir, removed on drop.
    pub struct TempDir(pub PathBuf);

    impl TempDir {
        pub fn new() -> TempDir {
            static COUNTER: AtomicUsize = AtomicUsize::new(0);
            let n = COUNTER.fetch_add(1, Ordering::SeqCst);
            let dir =
                std::env::temp_dir().join(format!("jatopic-input-test-{}-{n}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).expect("create temp dir");
            TempDir(dir)
        }
        pub fn write(&self, name: &str, data: &[u8]) -> String {
            let p = self.0.join(name);
            std::fs::write(&p, data).expect("write test file");
            p.to_string_lossy().into_owned()
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    pub type Read = (Result<(Vec<Document>, ReadStats)>, Vec<String>);

    pub fn read(paths: &[String], opts: &InputOptions) -> Read {
        let mut warnings = Vec::new();
        let r = read_documents(paths, opts, &mut |w| warnings.push(w.to_string()));
        (r, warnings)
    }

    pub fn text(s: &str) -> Content {
        Content::Text(s.to_string())
    }

    pub fn terms(t: &[&str]) -> Content {
        Content::Terms(t.iter().map(|s| s.to_string()).collect())
    }

    /// What a read counted: documents read, rows skipped, empty documents.
    pub fn counted(read: u64, skipped: u64, empty: u64) -> ReadStats {
        ReadStats {
            read,
            skipped,
            empty,
        }
    }

    pub fn lenient() -> InputOptions {
        InputOptions {
            max_bad_rows: 1000,
            ..InputOptions::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::*;
    use super::*;

    #[test]
    fn format_names_and_guesses() {
        assert_eq!(InputFormat::from_name("ndjson"), Ok(InputFormat::Ndjson));
        assert_eq!(InputFormat::from_name("jsonl"), Ok(InputFormat::Ndjson));
        assert_eq!(InputFormat::from_name("json"), Ok(InputFormat::Ndjson));
        assert_eq!(InputFormat::from_name("csv"), Ok(InputFormat::Csv));
        assert_eq!(InputFormat::from_name("TSV"), Ok(InputFormat::Tsv));
        assert_eq!(InputFormat::from_name("text"), Ok(InputFormat::Text));
        assert_eq!(InputFormat::from_name("txt"), Ok(InputFormat::Text));
        assert_eq!(
            InputFormat::from_name("xml"),
            Err(Error::input(
                "unknown input format \"xml\" (expected ndjson, jsonl, json, csv, tsv, text, txt or parquet)"
                    .into()
            ))
        );
        assert_eq!(InputFormat::guess("a/b.ndjson"), InputFormat::Ndjson);
        assert_eq!(InputFormat::guess("b.jsonl"), InputFormat::Ndjson);
        assert_eq!(InputFormat::guess("b.JSON"), InputFormat::Ndjson);
        assert_eq!(InputFormat::guess("b.csv"), InputFormat::Csv);
        assert_eq!(InputFormat::guess("b.tsv"), InputFormat::Tsv);
        assert_eq!(InputFormat::guess("b.txt"), InputFormat::Text);
        assert_eq!(InputFormat::guess("noext"), InputFormat::Text);
        assert_eq!(InputFormat::guess("-"), InputFormat::Text);
        assert_eq!(InputFormat::Csv.name(), "csv");
        assert_eq!(InputFormat::from_name("Parquet"), Ok(InputFormat::Parquet));
        assert_eq!(
            InputFormat::guess("export-000.PARQUET"),
            InputFormat::Parquet
        );
        assert_eq!(InputFormat::Parquet.name(), "parquet");
    }

    #[test]
    fn defaults() {
        let o = InputOptions::default();
        assert_eq!(o.text_field, "text");
        assert_eq!(o.max_bad_rows, 0);
        assert!(o.format.is_none() && o.id_field.is_none());
        assert!(o.terms_field.is_none() && o.label_field.is_none());
    }

    #[test]
    fn max_bad_rows_skip_then_stop() {
        let d = TempDir::new();
        let p = d.write(
            "m.jsonl",
            b"{\"text\":\"a\"}\nnope\n{\"text\":\"b\"}\n{}\n{\"text\":\"c\"}\n",
        );
        // Default 0: the first malformed row stops, with no warning.
        let (r, w) = read(std::slice::from_ref(&p), &InputOptions::default());
        assert!(w.is_empty());
        assert_eq!(
            r.unwrap_err(),
            Error::input(format!(
                "{p}:2: invalid JSON: expected ident at line 1 column 2 \
                 (stopping: 1 malformed rows exceed --max-bad-rows 0)"
            ))
        );
        // 1: the first is skipped with a warning, the second stops.
        let opts = InputOptions {
            max_bad_rows: 1,
            ..InputOptions::default()
        };
        let (r, w) = read(std::slice::from_ref(&p), &opts);
        assert_eq!(w.len(), 1);
        assert_eq!(
            r.unwrap_err(),
            Error::input(format!(
                "{p}:4: field \"text\" is missing (stopping: 2 malformed rows exceed --max-bad-rows 1; the first was {p}:2)"
            ))
        );
        // 2: both skipped, everything else read.
        let opts = InputOptions {
            max_bad_rows: 2,
            ..InputOptions::default()
        };
        let (r, w) = read(std::slice::from_ref(&p), &opts);
        let (docs, stats) = r.unwrap();
        assert_eq!(w.len(), 2);
        assert_eq!(docs.len(), 3);
        assert_eq!(stats, counted(3, 2, 0));
    }

    #[test]
    fn max_bad_rows_counts_across_files() {
        let d = TempDir::new();
        let a = d.write("a.txt", b"ok\n\xfe\n");
        let b = d.write("b.txt", b"\xfe\n");
        let opts = InputOptions {
            max_bad_rows: 1,
            ..InputOptions::default()
        };
        let (r, w) = read(&[a.clone(), b.clone()], &opts);
        assert_eq!(w, [format!("{a}:2: invalid UTF-8")]);
        assert_eq!(
            r.unwrap_err(),
            Error::input(format!(
                "{b}:1: invalid UTF-8 (stopping: 2 malformed rows exceed --max-bad-rows 1; the first was {a}:2)"
            ))
        );
    }

    #[test]
    fn several_files_in_order_and_forced_format() {
        let d = TempDir::new();
        let a = d.write("a.txt", b"{\"text\":\"one\"}\n");
        let b = d.write("b.log", b"{\"text\":\"two\"}\n");
        let opts = InputOptions {
            format: Some(InputFormat::Ndjson),
            ..InputOptions::default()
        };
        let (r, _) = read(&[a, b], &opts);
        let (docs, stats) = r.unwrap();
        let got: Vec<(&str, &Content)> = docs.iter().map(|d| (d.id.as_str(), &d.content)).collect();
        assert_eq!(got, [("a:1", &text("one")), ("b:1", &text("two"))]);
        assert_eq!(stats.read, 2);
    }

    #[test]
    fn missing_file_is_an_io_error() {
        let d = TempDir::new();
        let p = d.0.join("absent.jsonl").to_string_lossy().into_owned();
        let (r, _) = read(std::slice::from_ref(&p), &InputOptions::default());
        match r {
            Err(e) if e.kind() == crate::ErrorKind::Io => {
                let m = e.message();
                assert!(m.starts_with(&format!("{p}: ")), "{m}");
                assert!(m.contains("No such file"), "{m}");
            }
            other => panic!("expected an I/O error, got {other:?}"),
        }
    }
}
