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

use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
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
            _ => Err(Error::Input(format!(
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
            InputFormat::Ndjson => read_ndjson(open_lines(path)?, &input, &mut sink)?,
            InputFormat::Csv => read_delimited(open_lines(path)?, b',', &input, &mut sink)?,
            InputFormat::Tsv => read_delimited(open_lines(path)?, b'\t', &input, &mut sink)?,
            InputFormat::Text => read_text(open_lines(path)?, &input, &mut sink)?,
            InputFormat::Parquet => read_parquet(path, &input, &mut sink)?,
        }
    }
    Ok(sink.stats)
}

/// Opens a path (`-` is stdin) for the line-based formats.
fn open_lines(path: &str) -> Result<Box<dyn BufRead>> {
    if path == "-" {
        return Ok(Box::new(BufReader::new(std::io::stdin())));
    }
    let f = File::open(path).map_err(|e| Error::Io(format!("{path}: {e}")))?;
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
            return Err(Error::Input(format!(
                "{msg} (stopping: {n} malformed rows exceed --max-bad-rows {}{first})",
                self.opts.max_bad_rows
            )));
        }
        self.first_malformed.get_or_insert_with(|| src.at(line));
        self.stats.skipped = n;
        (self.warn)(&msg);
        Ok(())
    }
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
            .map_err(|e| Error::Io(format!("{}: {e}", src.file)))?;
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

fn read_text(reader: Box<dyn BufRead>, src: &Source, sink: &mut Sink) -> Result<()> {
    // A text line has no fields: silently ignoring these options would give ids
    // or labels the user did not ask for.
    for (opt, value) in [
        ("--id-field", &sink.opts.id_field),
        ("--label-field", &sink.opts.label_field),
    ] {
        if value.is_some() {
            return Err(Error::Input(format!(
                "{}: {opt} needs a format with fields (ndjson, csv, tsv, parquet), not text",
                src.file
            )));
        }
    }
    let terms = sink.opts.terms_field.is_some();
    for_each_line(reader, src, |line_no, line| {
        let Ok(text) = std::str::from_utf8(line) else {
            return sink.malformed(src, line_no, "invalid UTF-8");
        };
        let content = if terms {
            Content::Terms(split_terms(text, |s| s.split_whitespace().collect()))
        } else {
            Content::Text(text.to_string())
        };
        sink.push(Document {
            id: src.default_id(line_no),
            content,
            label: None,
            source: src.at(line_no),
        })
    })
}

fn read_ndjson(reader: Box<dyn BufRead>, src: &Source, sink: &mut Sink) -> Result<()> {
    let opts = sink.opts;
    for_each_line(reader, src, |line_no, line| {
        // Blank lines are ignored but still counted, so numbers match an editor's.
        if line.iter().all(u8::is_ascii_whitespace) {
            return Ok(());
        }
        match ndjson_row(line, opts) {
            Ok((id, content, label)) => sink.push(Document {
                id: id.unwrap_or_else(|| src.default_id(line_no)),
                content,
                label,
                source: src.at(line_no),
            }),
            Err(problem) => sink.malformed(src, line_no, &problem),
        }
    })
}

/// The JSON type name used in messages.
fn json_type(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "boolean",
        serde_json::Value::Number(_) => "number",
        serde_json::Value::String(_) => "string",
        serde_json::Value::Array(_) => "array",
        serde_json::Value::Object(_) => "object",
    }
}

/// A string or a number as a string (ids, labels); `Err` names the found type.
fn string_or_number(v: &serde_json::Value) -> std::result::Result<String, &'static str> {
    match v {
        serde_json::Value::String(s) => Ok(s.clone()),
        serde_json::Value::Number(n) => Ok(n.to_string()),
        other => Err(json_type(other)),
    }
}

/// Parses one NDJSON line into (id, content, label), or the problem with it.
fn ndjson_row(
    line: &[u8],
    opts: &InputOptions,
) -> std::result::Result<(Option<String>, Content, Option<String>), String> {
    let text = std::str::from_utf8(line).map_err(|_| "invalid UTF-8".to_string())?;
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))?;
    let serde_json::Value::Object(obj) = value else {
        return Err(format!(
            "expected a JSON object, found {}",
            json_type(&value)
        ));
    };

    let id = match &opts.id_field {
        None => None,
        Some(name) => {
            let v = obj
                .get(name)
                .ok_or_else(|| format!("field \"{name}\" is missing"))?;
            Some(string_or_number(v).map_err(|found| {
                format!("field \"{name}\" must be a string or number, found {found}")
            })?)
        }
    };

    let content = match &opts.terms_field {
        Some(name) => match obj.get(name) {
            None => return Err(format!("field \"{name}\" is missing")),
            Some(serde_json::Value::Null) => Content::Terms(Vec::new()),
            Some(serde_json::Value::Array(items)) => {
                let mut terms = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    match item {
                        serde_json::Value::String(s) if s.is_empty() => {}
                        serde_json::Value::String(s) => terms.push(s.clone()),
                        other => {
                            return Err(format!(
                                "field \"{name}\" must be an array of strings, element {} is {}",
                                i + 1,
                                json_type(other)
                            ))
                        }
                    }
                }
                Content::Terms(terms)
            }
            Some(other) => {
                return Err(format!(
                    "field \"{name}\" must be an array of strings, found {}",
                    json_type(other)
                ))
            }
        },
        None => {
            let name = &opts.text_field;
            match obj.get(name) {
                None => return Err(format!("field \"{name}\" is missing")),
                Some(serde_json::Value::Null) => Content::Text(String::new()),
                Some(serde_json::Value::String(s)) => Content::Text(s.clone()),
                Some(other) => {
                    return Err(format!(
                        "field \"{name}\" must be a string, found {}",
                        json_type(other)
                    ))
                }
            }
        }
    };

    // Labels are optional per row: a missing or null label is no label.
    let label = match &opts.label_field {
        None => None,
        Some(name) => match obj.get(name) {
            None | Some(serde_json::Value::Null) => None,
            Some(v) => Some(string_or_number(v).map_err(|found| {
                format!("field \"{name}\" must be a string or number, found {found}")
            })?),
        },
    };

    Ok((id, content, label))
}

/// Column indexes of the fields we use in a CSV/TSV file.
struct Columns {
    id: Option<(usize, String)>,
    content: (usize, String),
    label: Option<(usize, String)>,
}

fn find_columns(headers: &[String], opts: &InputOptions, file: &str) -> Result<Columns> {
    let find = |name: &str| -> Result<(usize, String)> {
        headers
            .iter()
            .position(|h| h == name)
            .map(|i| (i, name.to_string()))
            .ok_or_else(|| {
                Error::Input(format!(
                    "{file}: no column \"{name}\" in the header (columns: {})",
                    headers.join(", ")
                ))
            })
    };
    let content_name = opts.terms_field.as_deref().unwrap_or(&opts.text_field);
    Ok(Columns {
        id: opts.id_field.as_deref().map(find).transpose()?,
        content: find(content_name)?,
        label: opts.label_field.as_deref().map(find).transpose()?,
    })
}

/// Passes bytes through to the csv reader while noting where each non-blank line
/// starts. The csv crate's own record positions are taken before it skips the
/// `\n` of a CRLF ending or blank lines, so its line numbers lag behind what an
/// editor shows; the first non-blank line starting at or after a record's byte
/// position is the line the record really starts on.
struct LineStarts<R> {
    inner: R,
    offset: u64,
    line: u64,
    at_line_start: bool,
    /// (byte offset, 1-based line) of line starts not yet matched to a record;
    /// bounded by the csv reader's read-ahead, since matched ones are dropped.
    starts: VecDeque<(u64, u64)>,
}

impl<R: Read> LineStarts<R> {
    fn new(inner: R) -> Self {
        LineStarts {
            inner,
            offset: 0,
            line: 1,
            at_line_start: true,
            starts: VecDeque::new(),
        }
    }

    /// The line of the first non-blank line starting at or after `byte`.
    fn line_at(&mut self, byte: u64) -> Option<u64> {
        while self.starts.front().is_some_and(|&(off, _)| off < byte) {
            self.starts.pop_front();
        }
        self.starts.front().map(|&(_, line)| line)
    }
}

impl<R: Read> Read for LineStarts<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        for &b in buf.get(..n).unwrap_or_default() {
            match b {
                b'\n' => {
                    self.line += 1;
                    self.at_line_start = true;
                }
                b'\r' => {}
                _ if self.at_line_start => {
                    self.starts.push_back((self.offset, self.line));
                    self.at_line_start = false;
                }
                _ => {}
            }
            self.offset += 1;
        }
        Ok(n)
    }
}

fn read_delimited(
    reader: Box<dyn BufRead>,
    delimiter: u8,
    src: &Source,
    sink: &mut Sink,
) -> Result<()> {
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(true)
        .flexible(false)
        .from_reader(LineStarts::new(reader));
    let hard = |e: csv::Error| match e.kind() {
        csv::ErrorKind::Io(e) => Error::Io(format!("{}: {e}", src.file)),
        _ => Error::Input(format!("{}: {e}", src.file)),
    };

    let raw_headers = rdr.byte_headers().map_err(hard)?.clone();
    if raw_headers.is_empty() {
        return Err(Error::Input(format!(
            "{}: empty file, expected a header row",
            src.file
        )));
    }
    // Header names are compared as text; the csv crate keeps a UTF-8 BOM, which
    // spreadsheet exports often write, in the first name, so drop it here.
    let headers: Vec<String> = raw_headers
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let h = if i == 0 {
                h.strip_prefix("\u{feff}".as_bytes()).unwrap_or(h)
            } else {
                h
            };
            String::from_utf8_lossy(h).into_owned()
        })
        .collect();
    let cols = find_columns(&headers, sink.opts, src.file)?;
    let is_terms = sink.opts.terms_field.is_some();

    let mut record = csv::ByteRecord::new();
    let mut row = 0u64;
    loop {
        // The reader's position before the record (see `LineStarts`).
        let start = rdr.position().byte();
        let fallback_line = rdr.position().line();
        let result = rdr.read_byte_record(&mut record);
        // The line where the record starts (records may span lines).
        let line = rdr.get_mut().line_at(start).unwrap_or(fallback_line);
        match result {
            Ok(false) => return Ok(()),
            Ok(true) => {
                row += 1;
                match csv_row(&record, &cols, is_terms) {
                    Ok((id, content, label)) => sink.push(Document {
                        id: id.unwrap_or_else(|| src.default_id(row)),
                        content,
                        label,
                        source: src.at(line),
                    })?,
                    Err(problem) => sink.malformed(src, line, &problem)?,
                }
            }
            Err(e) => {
                // The reader has consumed the bad record, so reading goes on.
                row += 1;
                match e.kind() {
                    csv::ErrorKind::UnequalLengths {
                        expected_len, len, ..
                    } => {
                        let problem = format!("expected {expected_len} fields, found {len}");
                        sink.malformed(src, line, &problem)?;
                    }
                    csv::ErrorKind::Io(e) => {
                        return Err(Error::Io(format!("{}: {e}", src.file)));
                    }
                    _ => {
                        let problem = e.to_string();
                        sink.malformed(src, line, &problem)?;
                    }
                }
            }
        }
    }
}

/// One CSV/TSV record into (id, content, label), or the problem with it.
fn csv_row(
    record: &csv::ByteRecord,
    cols: &Columns,
    is_terms: bool,
) -> std::result::Result<(Option<String>, Content, Option<String>), String> {
    let cell = |(idx, name): &(usize, String)| -> std::result::Result<&str, String> {
        // The field count was checked by the reader; a short record still cannot panic.
        let bytes = record.get(*idx).unwrap_or_default();
        std::str::from_utf8(bytes).map_err(|_| format!("invalid UTF-8 in column \"{name}\""))
    };
    let id = cols.id.as_ref().map(cell).transpose()?.map(str::to_string);
    let value = cell(&cols.content)?;
    let content = if is_terms {
        Content::Terms(split_terms(value, |s| s.split(' ').collect()))
    } else {
        Content::Text(value.to_string())
    };
    // A CSV cell cannot be null: an empty label cell is no label.
    let label = cols
        .label
        .as_ref()
        .map(cell)
        .transpose()?
        .filter(|l| !l.is_empty())
        .map(str::to_string);
    Ok((id, content, label))
}

/// The Parquet type name of a value, for messages.
fn parquet_type(v: &parquet::record::Field) -> &'static str {
    use parquet::record::Field as F;
    match v {
        F::Null => "null",
        F::Bool(_) => "boolean",
        F::Byte(_)
        | F::Short(_)
        | F::Int(_)
        | F::Long(_)
        | F::UByte(_)
        | F::UShort(_)
        | F::UInt(_)
        | F::ULong(_) => "int",
        F::Float16(_) | F::Float(_) | F::Double(_) => "float",
        F::Decimal(_) => "decimal",
        F::Str(_) => "string",
        F::Bytes(_) => "bytes",
        F::Date(_) => "date",
        F::TimeMillis(_) | F::TimeMicros(_) => "time",
        F::TimestampMillis(_) | F::TimestampMicros(_) => "timestamp",
        F::Group(_) => "struct",
        F::ListInternal(_) => "list",
        F::MapInternal(_) => "map",
    }
}

/// A Parquet string, integer or float as a string (ids, labels); `Ok(None)` for
/// null, `Err` names the found type.
fn parquet_scalar(v: &parquet::record::Field) -> std::result::Result<Option<String>, &'static str> {
    use parquet::record::Field as F;
    Ok(Some(match v {
        F::Null => return Ok(None),
        F::Str(s) => s.clone(),
        F::Byte(n) => n.to_string(),
        F::Short(n) => n.to_string(),
        F::Int(n) => n.to_string(),
        F::Long(n) => n.to_string(),
        F::UByte(n) => n.to_string(),
        F::UShort(n) => n.to_string(),
        F::UInt(n) => n.to_string(),
        F::ULong(n) => n.to_string(),
        F::Float16(x) => x.to_string(),
        F::Float(x) => x.to_string(),
        F::Double(x) => x.to_string(),
        other => return Err(parquet_type(other)),
    }))
}

/// The error for a file (or a row of it) that the Parquet decoder rejects.
fn unreadable_parquet(at: &str, e: impl std::fmt::Display) -> Error {
    Error::Format(format!("{at}: not a readable Parquet file: {e}"))
}

/// Reads a Parquet file row by row through the parquet crate's record API,
/// decoding only the columns in use.
///
/// Field types are checked per row, like NDJSON's: a value of the wrong type is a
/// malformed row. Row numbers count data rows from 1 across row groups and take
/// the place of line numbers in ids and messages.
fn read_parquet(path: &str, src: &Source, sink: &mut Sink) -> Result<()> {
    if path == "-" {
        return Err(Error::Input(format!(
            "{}: Parquet input needs a file path (its footer is read first, so it cannot come from stdin)",
            src.file
        )));
    }
    let file = File::open(path).map_err(|e| Error::Io(format!("{path}: {e}")))?;
    // The decoder is not hardened against every corrupt input and may panic on
    // some; that is one more unreadable file, not a crash of the whole command.
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_parquet_rows(file, src, sink)
    }));
    read.unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "the decoder panicked".to_string());
        Err(unreadable_parquet(src.file, what))
    })
}

/// A Parquet file whose readers fail at its end instead of returning 0
/// bytes: the parquet crate's thrift decoder, skipping a list whose declared
/// length runs past the end of a corrupt file, would otherwise loop forever
/// on empty reads (found by fuzzing).
struct EndStrictFile(File);

/// A reader for which reading at the end of the file is an error.
struct EndStrictRead<R>(R);

impl<R: std::io::Read> std::io::Read for EndStrictRead<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self.0.read(buf)? {
            0 if !buf.is_empty() => Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "the data runs past the end of the file",
            )),
            n => Ok(n),
        }
    }
}

impl parquet::file::reader::Length for EndStrictFile {
    fn len(&self) -> u64 {
        self.0.len()
    }
}

impl parquet::file::reader::ChunkReader for EndStrictFile {
    type T = EndStrictRead<<File as parquet::file::reader::ChunkReader>::T>;

    fn get_read(&self, start: u64) -> parquet::errors::Result<Self::T> {
        self.0.get_read(start).map(EndStrictRead)
    }

    fn get_bytes(&self, start: u64, length: usize) -> parquet::errors::Result<bytes::Bytes> {
        self.0.get_bytes(start, length)
    }
}

fn read_parquet_rows(file: File, src: &Source, sink: &mut Sink) -> Result<()> {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::schema::types::Type;

    let reader = SerializedFileReader::new(EndStrictFile(file))
        .map_err(|e| unreadable_parquet(src.file, e))?;
    let schema = reader
        .metadata()
        .file_metadata()
        .schema_descr()
        .root_schema();
    let names: Vec<&str> = schema.get_fields().iter().map(|f| f.name()).collect();
    let opts = sink.opts;
    let find = |name: &str| -> Result<String> {
        if names.contains(&name) {
            Ok(name.to_string())
        } else {
            Err(Error::Input(format!(
                "{}: no column \"{name}\" in the schema (columns: {})",
                src.file,
                names.join(", ")
            )))
        }
    };
    let cols = ParquetColumns {
        id: opts.id_field.as_deref().map(find).transpose()?,
        content: find(opts.terms_field.as_deref().unwrap_or(&opts.text_field))?,
        label: opts.label_field.as_deref().map(find).transpose()?,
        is_terms: opts.terms_field.is_some(),
    };
    // Decode only the columns in use (in schema order, as the projection must be).
    let used: Vec<_> = schema
        .get_fields()
        .iter()
        .filter(|f| {
            let n = f.name();
            n == cols.content || cols.id.as_deref() == Some(n) || cols.label.as_deref() == Some(n)
        })
        .cloned()
        .collect();
    let projection = Type::group_type_builder(schema.name())
        .with_fields(used)
        .build()
        .map_err(|e| unreadable_parquet(src.file, e))?;

    let mut row_no = 0u64;
    for g in 0..reader.num_row_groups() {
        let group = reader
            .get_row_group(g)
            .map_err(|e| unreadable_parquet(src.file, e))?;
        let rows = group
            .get_row_iter(Some(projection.clone()))
            .map_err(|e| unreadable_parquet(src.file, e))?;
        for row in rows {
            row_no += 1;
            let row = row.map_err(|e| unreadable_parquet(&src.at(row_no), e))?;
            match parquet_row(&row, &cols) {
                Ok((id, content, label)) => sink.push(Document {
                    id: id.unwrap_or_else(|| src.default_id(row_no)),
                    content,
                    label,
                    source: src.at(row_no),
                })?,
                Err(problem) => sink.malformed(src, row_no, &problem)?,
            }
        }
    }
    Ok(())
}

/// The top-level Parquet columns in use (all checked to exist in the schema).
struct ParquetColumns {
    id: Option<String>,
    content: String,
    label: Option<String>,
    is_terms: bool,
}

/// One Parquet row into (id, content, label), or the problem with it.
fn parquet_row(
    row: &parquet::record::Row,
    cols: &ParquetColumns,
) -> std::result::Result<(Option<String>, Content, Option<String>), String> {
    use parquet::record::Field as F;
    let get = |name: &str| -> std::result::Result<&F, String> {
        row.get_column_iter()
            .find(|(n, _)| n.as_str() == name)
            .map(|(_, v)| v)
            .ok_or_else(|| format!("field \"{name}\" is missing"))
    };
    let scalar = |name: &str| -> std::result::Result<Option<String>, String> {
        parquet_scalar(get(name)?)
            .map_err(|found| format!("field \"{name}\" must be a string or number, found {found}"))
    };

    // A null id falls back to the default id, a null label is no label.
    let id = cols.id.as_deref().map(scalar).transpose()?.flatten();
    let name = cols.content.as_str();
    let content = match get(name)? {
        F::Null if cols.is_terms => Content::Terms(Vec::new()),
        F::ListInternal(list) if cols.is_terms => {
            let mut terms = Vec::with_capacity(list.len());
            for (i, item) in list.elements().iter().enumerate() {
                match item {
                    F::Str(s) if s.is_empty() => {}
                    F::Str(s) => terms.push(s.clone()),
                    other => {
                        return Err(format!(
                            "field \"{name}\" must be a list of strings, element {} is {}",
                            i + 1,
                            parquet_type(other)
                        ))
                    }
                }
            }
            Content::Terms(terms)
        }
        other if cols.is_terms => {
            return Err(format!(
                "field \"{name}\" must be a list of strings, found {}",
                parquet_type(other)
            ))
        }
        F::Null => Content::Text(String::new()),
        F::Str(s) => Content::Text(s.clone()),
        other => {
            return Err(format!(
                "field \"{name}\" must be a string, found {}",
                parquet_type(other)
            ))
        }
    };
    let label = cols.label.as_deref().map(scalar).transpose()?.flatten();
    Ok((id, content, label))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A fresh directory under the system temp dir, removed on drop.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new() -> TempDir {
            static COUNTER: AtomicUsize = AtomicUsize::new(0);
            let n = COUNTER.fetch_add(1, Ordering::SeqCst);
            let dir =
                std::env::temp_dir().join(format!("jatopic-input-test-{}-{n}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).expect("create temp dir");
            TempDir(dir)
        }
        fn write(&self, name: &str, data: &[u8]) -> String {
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

    type Read = (Result<(Vec<Document>, ReadStats)>, Vec<String>);

    fn read(paths: &[String], opts: &InputOptions) -> Read {
        let mut warnings = Vec::new();
        let r = read_documents(paths, opts, &mut |w| warnings.push(w.to_string()));
        (r, warnings)
    }

    fn text(s: &str) -> Content {
        Content::Text(s.to_string())
    }

    fn terms(t: &[&str]) -> Content {
        Content::Terms(t.iter().map(|s| s.to_string()).collect())
    }

    fn lenient() -> InputOptions {
        InputOptions {
            max_bad_rows: 1000,
            ..InputOptions::default()
        }
    }

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
            Err(Error::Input(
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
    fn ndjson_text_default_ids() {
        let d = TempDir::new();
        let p = d.write(
            "docs.jsonl",
            "\u{feff}{\"text\":\"東京に行く\"}\n\n  \r\n{\"text\":null}\r\n{\"text\":\"  \"}\n{\"text\":\"end\",\"x\":1}"
                .as_bytes(),
        );
        let (r, w) = read(std::slice::from_ref(&p), &InputOptions::default());
        let (docs, stats) = r.unwrap();
        assert!(w.is_empty());
        let ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["docs:1", "docs:4", "docs:5", "docs:6"]);
        assert_eq!(docs[0].content, text("東京に行く"));
        assert_eq!(docs[0].source, format!("{p}:1"));
        assert_eq!(docs[0].label, None);
        assert_eq!(docs[1].content, text(""));
        assert_eq!(docs[3].content, text("end"));
        assert_eq!(
            stats,
            ReadStats {
                read: 4,
                skipped: 0,
                empty: 2
            }
        );
    }

    #[test]
    fn ndjson_fields_terms_labels() {
        let d = TempDir::new();
        let p = d.write(
            "t.ndjson",
            br#"{"doc":"a1","toks":["x","y",""],"cat":"news"}
{"doc":42,"toks":null,"cat":7}
{"doc":1.5,"toks":[],"cat":null}
{"doc":"z","toks":["w"]}
"#,
        );
        let opts = InputOptions {
            id_field: Some("doc".into()),
            terms_field: Some("toks".into()),
            label_field: Some("cat".into()),
            ..InputOptions::default()
        };
        let (r, w) = read(&[p], &opts);
        let (docs, stats) = r.unwrap();
        assert!(w.is_empty());
        let ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["a1", "42", "1.5", "z"]);
        assert_eq!(docs[0].content, terms(&["x", "y"]));
        assert_eq!(docs[0].label.as_deref(), Some("news"));
        assert_eq!(docs[1].content, terms(&[]));
        assert_eq!(docs[1].label.as_deref(), Some("7"));
        assert_eq!(docs[2].label, None);
        assert_eq!(docs[3].label, None);
        assert_eq!(
            stats,
            ReadStats {
                read: 4,
                skipped: 0,
                empty: 2
            }
        );
    }

    #[test]
    fn ndjson_malformed_rows() {
        let d = TempDir::new();
        let mut data = Vec::new();
        data.extend_from_slice(b"{\"text\":\"ok\",\"id\":\"a\",\"l\":\"x\"}\n"); // 1
        data.extend_from_slice(b"{\"text\":\n"); // 2
        data.extend_from_slice(b"[1,2]\n"); // 3
        data.extend_from_slice(b"{\"id\":\"b\"}\n"); // 4
        data.extend_from_slice(b"{\"id\":\"c\",\"text\":5}\n"); // 5
        data.extend_from_slice(b"{\"text\":\"t\"}\n"); // 6
        data.extend_from_slice(b"{\"id\":true,\"text\":\"t\"}\n"); // 7
        data.extend_from_slice(b"{\"id\":\"d\",\"text\":\"t\",\"l\":[1]}\n"); // 8
        data.extend_from_slice(b"{\"id\":\"e\",\"text\":\"\xff\"}\n"); // 9
        data.extend_from_slice(b"{\"id\":\"f\",\"text\":\"fine\"}\n"); // 10
        let p = d.write("bad.jsonl", &data);
        let opts = InputOptions {
            id_field: Some("id".into()),
            label_field: Some("l".into()),
            ..lenient()
        };
        let (r, w) = read(std::slice::from_ref(&p), &opts);
        let (docs, stats) = r.unwrap();
        let ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["a", "f"]);
        assert_eq!(
            stats,
            ReadStats {
                read: 2,
                skipped: 8,
                empty: 0
            }
        );
        let expected = [
            format!("{p}:2: invalid JSON: EOF while parsing a value at line 1 column 8"),
            format!("{p}:3: expected a JSON object, found array"),
            format!("{p}:4: field \"text\" is missing"),
            format!("{p}:5: field \"text\" must be a string, found number"),
            format!("{p}:6: field \"id\" is missing"),
            format!("{p}:7: field \"id\" must be a string or number, found boolean"),
            format!("{p}:8: field \"l\" must be a string or number, found array"),
            format!("{p}:9: invalid UTF-8"),
        ];
        assert_eq!(w, expected);
    }

    #[test]
    fn ndjson_bad_terms() {
        let d = TempDir::new();
        let p = d.write(
            "terms.jsonl",
            b"{\"t\":\"a b\"}\n{\"t\":[\"a\",3]}\n{\"x\":[]}\n",
        );
        let opts = InputOptions {
            terms_field: Some("t".into()),
            ..lenient()
        };
        let (r, w) = read(std::slice::from_ref(&p), &opts);
        let (docs, stats) = r.unwrap();
        assert!(docs.is_empty());
        assert_eq!(stats.skipped, 3);
        assert_eq!(
            w,
            [
                format!("{p}:1: field \"t\" must be an array of strings, found string"),
                format!("{p}:2: field \"t\" must be an array of strings, element 2 is number"),
                format!("{p}:3: field \"t\" is missing"),
            ]
        );
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
            Error::Input(format!(
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
            Error::Input(format!(
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
        assert_eq!(
            stats,
            ReadStats {
                read: 3,
                skipped: 2,
                empty: 0
            }
        );
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
            Error::Input(format!(
                "{b}:1: invalid UTF-8 (stopping: 2 malformed rows exceed --max-bad-rows 1; the first was {a}:2)"
            ))
        );
    }

    #[test]
    fn csv_happy_path() {
        let d = TempDir::new();
        let p = d.write(
            "rows.csv",
            "\u{feff}id,text,label\r\n\
             a1,\"hello, world\",x\r\n\
             a2,\"two\nlines\",\r\n\
             3,\"say \"\"hi\"\"\",y\r\n\
             a4,   ,z\r\n"
                .as_bytes(),
        );
        // Default ids: file stem and data row.
        let (r, w) = read(std::slice::from_ref(&p), &InputOptions::default());
        let (docs, stats) = r.unwrap();
        assert!(w.is_empty());
        let ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["rows:1", "rows:2", "rows:3", "rows:4"]);
        assert_eq!(docs[0].content, text("hello, world"));
        assert_eq!(docs[1].content, text("two\nlines"));
        assert_eq!(docs[2].content, text("say \"hi\""));
        // Sources are physical lines: row 3 starts on line 5 after the two-line row.
        let sources: Vec<String> = docs.iter().map(|d| d.source.clone()).collect();
        assert_eq!(
            sources,
            [
                format!("{p}:2"),
                format!("{p}:3"),
                format!("{p}:5"),
                format!("{p}:6")
            ]
        );
        assert_eq!(
            stats,
            ReadStats {
                read: 4,
                skipped: 0,
                empty: 1
            }
        );

        let opts = InputOptions {
            id_field: Some("id".into()),
            label_field: Some("label".into()),
            ..InputOptions::default()
        };
        let (r, _) = read(std::slice::from_ref(&p), &opts);
        let (docs, _) = r.unwrap();
        let ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["a1", "a2", "3", "a4"]);
        let labels: Vec<Option<&str>> = docs.iter().map(|d| d.label.as_deref()).collect();
        assert_eq!(labels, [Some("x"), None, Some("y"), Some("z")]);
    }

    #[test]
    fn csv_lines_after_blank_lines_and_crlf() {
        let d = TempDir::new();
        let p = d.write("blank.csv", b"text\n\na\r\n\r\n\r\nb\n\"c\r\nd\"\r\ne");
        let (r, w) = read(std::slice::from_ref(&p), &InputOptions::default());
        let (docs, stats) = r.unwrap();
        assert!(w.is_empty());
        let got: Vec<(&str, String, &Content)> = docs
            .iter()
            .map(|d| (d.id.as_str(), d.source.clone(), &d.content))
            .collect();
        assert_eq!(
            got,
            [
                ("blank:1", format!("{p}:3"), &text("a")),
                ("blank:2", format!("{p}:6"), &text("b")),
                ("blank:3", format!("{p}:7"), &text("c\r\nd")),
                ("blank:4", format!("{p}:9"), &text("e")),
            ]
        );
        assert_eq!(stats.read, 4);
    }

    #[test]
    fn tsv_terms() {
        let d = TempDir::new();
        let p = d.write(
            "toks.tsv",
            "key\tterms\n\
             k1\t東京 に  行く \n\
             k2\t\n"
                .as_bytes(),
        );
        let opts = InputOptions {
            id_field: Some("key".into()),
            terms_field: Some("terms".into()),
            // "text" is not required when terms are read.
            ..InputOptions::default()
        };
        let (r, w) = read(&[p], &opts);
        let (docs, stats) = r.unwrap();
        assert!(w.is_empty());
        assert_eq!(docs[0].id, "k1");
        assert_eq!(docs[0].content, terms(&["東京", "に", "行く"]));
        assert_eq!(docs[1].content, terms(&[]));
        assert_eq!(
            stats,
            ReadStats {
                read: 2,
                skipped: 0,
                empty: 1
            }
        );
    }

    #[test]
    fn csv_malformed_rows() {
        let d = TempDir::new();
        let p = d.write(
            "bad.csv",
            b"id,text,label\n\
              a,ok,x\n\
              b,short\n\
              c,\"multi\nline\",y,extra\n\
              d,\xff\xfe,z\n\
              e,fine,w\n",
        );
        let (r, w) = read(std::slice::from_ref(&p), &lenient());
        let (docs, stats) = r.unwrap();
        assert_eq!(
            w,
            [
                format!("{p}:3: expected 3 fields, found 2"),
                format!("{p}:4: expected 3 fields, found 4"),
                format!("{p}:6: invalid UTF-8 in column \"text\""),
            ]
        );
        // Bad rows keep their row numbers, so default ids stay stable.
        let ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["bad:1", "bad:5"]);
        assert_eq!(docs[1].source, format!("{p}:7"));
        assert_eq!(
            stats,
            ReadStats {
                read: 2,
                skipped: 3,
                empty: 0
            }
        );

        let (r, w) = read(std::slice::from_ref(&p), &InputOptions::default());
        assert!(w.is_empty());
        assert_eq!(
            r.unwrap_err(),
            Error::Input(format!(
                "{p}:3: expected 3 fields, found 2 (stopping: 1 malformed rows exceed --max-bad-rows 0)"
            ))
        );
    }

    #[test]
    fn csv_missing_column_is_a_hard_error() {
        let d = TempDir::new();
        let p = d.write("h.csv", b"a,b,c\n1,2,3\n");
        let (r, w) = read(std::slice::from_ref(&p), &lenient());
        assert!(w.is_empty());
        assert_eq!(
            r.unwrap_err(),
            Error::Input(format!(
                "{p}: no column \"text\" in the header (columns: a, b, c)"
            ))
        );
        let opts = InputOptions {
            text_field: "b".into(),
            label_field: Some("lab".into()),
            ..lenient()
        };
        let (r, _) = read(std::slice::from_ref(&p), &opts);
        assert_eq!(
            r.unwrap_err(),
            Error::Input(format!(
                "{p}: no column \"lab\" in the header (columns: a, b, c)"
            ))
        );
        let e = d.write("empty.tsv", b"");
        let (r, _) = read(std::slice::from_ref(&e), &lenient());
        assert_eq!(
            r.unwrap_err(),
            Error::Input(format!("{e}: empty file, expected a header row"))
        );
    }

    #[test]
    fn text_lines() {
        let d = TempDir::new();
        let p = d.write("plain.txt", "\u{feff}一行目\r\n\n  \nlast".as_bytes());
        let (r, w) = read(std::slice::from_ref(&p), &InputOptions::default());
        let (docs, stats) = r.unwrap();
        assert!(w.is_empty());
        let got: Vec<(&str, &Content)> = docs.iter().map(|d| (d.id.as_str(), &d.content)).collect();
        assert_eq!(
            got,
            [
                ("plain:1", &text("一行目")),
                ("plain:2", &text("")),
                ("plain:3", &text("  ")),
                ("plain:4", &text("last")),
            ]
        );
        assert_eq!(docs[3].source, format!("{p}:4"));
        assert_eq!(
            stats,
            ReadStats {
                read: 4,
                skipped: 0,
                empty: 2
            }
        );
    }

    #[test]
    fn text_terms_and_bad_utf8() {
        let d = TempDir::new();
        let p = d.write("t.txt", b"a  b\tc \n\x80bad\n\nd\n");
        let opts = InputOptions {
            terms_field: Some("any".into()),
            ..lenient()
        };
        let (r, w) = read(std::slice::from_ref(&p), &opts);
        let (docs, stats) = r.unwrap();
        assert_eq!(w, [format!("{p}:2: invalid UTF-8")]);
        let got: Vec<(&str, &Content)> = docs.iter().map(|d| (d.id.as_str(), &d.content)).collect();
        assert_eq!(
            got,
            [
                ("t:1", &terms(&["a", "b", "c"])),
                ("t:3", &terms(&[])),
                ("t:4", &terms(&["d"])),
            ]
        );
        assert_eq!(
            stats,
            ReadStats {
                read: 3,
                skipped: 1,
                empty: 1
            }
        );
    }

    #[test]
    fn text_rejects_field_options() {
        let d = TempDir::new();
        let p = d.write("x.txt", b"a\n");
        for (opts, flag) in [
            (
                InputOptions {
                    id_field: Some("id".into()),
                    ..InputOptions::default()
                },
                "--id-field",
            ),
            (
                InputOptions {
                    label_field: Some("l".into()),
                    ..InputOptions::default()
                },
                "--label-field",
            ),
        ] {
            let (r, _) = read(std::slice::from_ref(&p), &opts);
            assert_eq!(
                r.unwrap_err(),
                Error::Input(format!(
                    "{p}: {flag} needs a format with fields (ndjson, csv, tsv, parquet), not text"
                ))
            );
        }
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
            Err(Error::Io(m)) => {
                assert!(m.starts_with(&format!("{p}: ")), "{m}");
                assert!(m.contains("No such file"), "{m}");
            }
            other => panic!("expected an I/O error, got {other:?}"),
        }
    }

    /// One column chunk to write: values plus definition and repetition levels
    /// (empty level slices are left out, as for required top-level columns).
    enum Col<'a> {
        Str(&'a [&'a str], &'a [i16], &'a [i16]),
        Long(&'a [i64], &'a [i16]),
        Double(&'a [f64], &'a [i16]),
        Bool(&'a [bool], &'a [i16]),
    }

    /// Writes a snappy-compressed Parquet file with the schema `message` and one
    /// row group per entry of `groups` (one `Col` per leaf column, in order).
    fn parquet_file(d: &TempDir, name: &str, message: &str, groups: &[&[Col]]) -> String {
        let codec = parquet::basic::Compression::SNAPPY;
        parquet_file_with(d, name, message, groups, codec)
    }

    /// [`parquet_file`] with another codec.
    fn parquet_file_with(
        d: &TempDir,
        name: &str,
        message: &str,
        groups: &[&[Col]],
        codec: parquet::basic::Compression,
    ) -> String {
        use parquet::data_type::{BoolType, ByteArray, ByteArrayType, DoubleType, Int64Type};
        use parquet::file::properties::WriterProperties;
        use parquet::file::writer::SerializedFileWriter;
        use std::sync::Arc;

        fn levels(l: &[i16]) -> Option<&[i16]> {
            (!l.is_empty()).then_some(l)
        }
        let path = d.0.join(name);
        let schema = Arc::new(parquet::schema::parser::parse_message_type(message).unwrap());
        let props = WriterProperties::builder().set_compression(codec).build();
        let file = File::create(&path).unwrap();
        let mut writer = SerializedFileWriter::new(file, schema, Arc::new(props)).unwrap();
        for cols in groups {
            let mut group = writer.next_row_group().unwrap();
            for col in cols.iter() {
                let mut w = group.next_column().unwrap().expect("a column to write");
                match *col {
                    Col::Str(v, def, rep) => {
                        let v: Vec<ByteArray> = v.iter().map(|&s| s.into()).collect();
                        let w = w.typed::<ByteArrayType>();
                        w.write_batch(&v, levels(def), levels(rep)).unwrap();
                    }
                    Col::Long(v, def) => {
                        let w = w.typed::<Int64Type>();
                        w.write_batch(v, levels(def), None).unwrap();
                    }
                    Col::Double(v, def) => {
                        let w = w.typed::<DoubleType>();
                        w.write_batch(v, levels(def), None).unwrap();
                    }
                    Col::Bool(v, def) => {
                        let w = w.typed::<BoolType>();
                        w.write_batch(v, levels(def), None).unwrap();
                    }
                }
                w.close().unwrap();
            }
            assert!(
                group.next_column().unwrap().is_none(),
                "a column left unwritten"
            );
            group.close().unwrap();
        }
        writer.close().unwrap();
        path.to_string_lossy().into_owned()
    }

    /// Ids, text and numbers over two row groups.
    fn parquet_rows(d: &TempDir) -> String {
        parquet_file(
            d,
            "rows.parquet",
            "message schema {
                REQUIRED BYTE_ARRAY id (UTF8);
                OPTIONAL BYTE_ARRAY text (UTF8);
                OPTIONAL INT64 n;
                OPTIONAL DOUBLE x;
            }",
            &[
                &[
                    Col::Str(&["a", "b"], &[], &[]),
                    Col::Str(&["東京に行く"], &[1, 0], &[]),
                    Col::Long(&[10], &[1, 0]),
                    Col::Double(&[1.5], &[1, 0]),
                ],
                &[
                    Col::Str(&["c"], &[], &[]),
                    Col::Str(&["  "], &[1], &[]),
                    Col::Long(&[30], &[1]),
                    Col::Double(&[2.0], &[1]),
                ],
            ],
        )
    }

    /// Every kind of value in the wrong place: strings, an int, a boolean, bytes
    /// without the UTF8 annotation and a list with a null element.
    fn parquet_mixed(d: &TempDir) -> String {
        parquet_file(
            d,
            "bad.parquet",
            "message schema {
                OPTIONAL BYTE_ARRAY s (UTF8);
                OPTIONAL INT64 n;
                OPTIONAL BOOLEAN b;
                OPTIONAL BYTE_ARRAY raw;
                OPTIONAL group t (LIST) { repeated group list { optional binary element (UTF8); } }
            }",
            &[&[
                Col::Str(&["one"], &[1, 0], &[]),
                Col::Long(&[5], &[1, 0]),
                Col::Bool(&[true, false], &[1, 1]),
                Col::Str(&["r1", "r2"], &[1, 1], &[]),
                // Row 1: ["a", null]; row 2: ["c"].
                Col::Str(&["a", "c"], &[3, 2, 3], &[0, 1, 0]),
            ]],
        )
    }

    #[test]
    fn parquet_text_ids_labels() {
        let d = TempDir::new();
        let p = parquet_rows(&d);
        // Format guessed from the extension; default ids from the stem and row.
        let (r, w) = read(std::slice::from_ref(&p), &InputOptions::default());
        let (docs, stats) = r.unwrap();
        assert!(w.is_empty());
        let got: Vec<(&str, &Content, &str)> = docs
            .iter()
            .map(|d| (d.id.as_str(), &d.content, d.source.as_str()))
            .collect();
        let sources: Vec<String> = (1..=3).map(|n| format!("{p}:{n}")).collect();
        assert_eq!(
            got,
            [
                ("rows:1", &text("東京に行く"), sources[0].as_str()),
                ("rows:2", &text(""), sources[1].as_str()),
                ("rows:3", &text("  "), sources[2].as_str()),
            ]
        );
        assert!(docs.iter().all(|d| d.label.is_none()));
        assert_eq!(
            stats,
            ReadStats {
                read: 3,
                skipped: 0,
                empty: 2
            }
        );

        // String id, integer label (null = no label).
        let opts = InputOptions {
            id_field: Some("id".into()),
            label_field: Some("n".into()),
            ..InputOptions::default()
        };
        let (r, _) = read(std::slice::from_ref(&p), &opts);
        let (docs, _) = r.unwrap();
        let got: Vec<(&str, Option<&str>)> = docs
            .iter()
            .map(|d| (d.id.as_str(), d.label.as_deref()))
            .collect();
        assert_eq!(got, [("a", Some("10")), ("b", None), ("c", Some("30"))]);

        // Integer id (null = the default id), float label.
        let opts = InputOptions {
            id_field: Some("n".into()),
            label_field: Some("x".into()),
            ..InputOptions::default()
        };
        let (r, _) = read(std::slice::from_ref(&p), &opts);
        let (docs, _) = r.unwrap();
        let got: Vec<(&str, Option<&str>)> = docs
            .iter()
            .map(|d| (d.id.as_str(), d.label.as_deref()))
            .collect();
        assert_eq!(
            got,
            [("10", Some("1.5")), ("rows:2", None), ("30", Some("2"))]
        );
    }

    #[test]
    fn parquet_terms_list() {
        let d = TempDir::new();
        let p = parquet_file(
            &d,
            "toks.parquet",
            "message schema {
                REQUIRED BYTE_ARRAY id (UTF8);
                OPTIONAL group terms (LIST) { repeated group list { optional binary element (UTF8); } }
            }",
            // ["東京", "に", "行く"], null, [], ["x", "", "y"]
            &[&[
                Col::Str(&["k1", "k2", "k3", "k4"], &[], &[]),
                Col::Str(
                    &["東京", "に", "行く", "x", "", "y"],
                    &[3, 3, 3, 0, 1, 3, 3, 3],
                    &[0, 1, 1, 0, 0, 0, 1, 1],
                ),
            ]],
        );
        let opts = InputOptions {
            id_field: Some("id".into()),
            terms_field: Some("terms".into()),
            // There is no "text" column: it is not needed when terms are read.
            ..InputOptions::default()
        };
        let (r, w) = read(std::slice::from_ref(&p), &opts);
        let (docs, stats) = r.unwrap();
        assert!(w.is_empty());
        let got: Vec<(&str, &Content)> = docs.iter().map(|d| (d.id.as_str(), &d.content)).collect();
        assert_eq!(
            got,
            [
                ("k1", &terms(&["東京", "に", "行く"])),
                ("k2", &terms(&[])),
                ("k3", &terms(&[])),
                ("k4", &terms(&["x", "y"])),
            ]
        );
        assert_eq!(
            stats,
            ReadStats {
                read: 4,
                skipped: 0,
                empty: 2
            }
        );
    }

    #[test]
    fn parquet_codecs_and_plain_repeated_terms() {
        use parquet::basic::{Compression, GzipLevel, ZstdLevel};
        let d = TempDir::new();
        for codec in [
            Compression::UNCOMPRESSED,
            Compression::GZIP(GzipLevel::default()),
            Compression::ZSTD(ZstdLevel::default()),
        ] {
            // A repeated column without the LIST annotation (older writers) is a
            // list too: ["a", "b"], [], ["c"].
            let p = parquet_file_with(
                &d,
                &format!("{codec}.parquet"),
                "message m { REQUIRED BYTE_ARRAY id (UTF8); REPEATED BYTE_ARRAY toks (UTF8); }",
                &[&[
                    Col::Str(&["x", "y", "z"], &[], &[]),
                    Col::Str(&["a", "b", "c"], &[1, 1, 0, 1], &[0, 1, 0, 0]),
                ]],
                codec,
            );
            let opts = InputOptions {
                id_field: Some("id".into()),
                terms_field: Some("toks".into()),
                ..InputOptions::default()
            };
            let (r, w) = read(std::slice::from_ref(&p), &opts);
            let (docs, _) = r.unwrap();
            assert!(w.is_empty());
            let got: Vec<(&str, &Content)> =
                docs.iter().map(|d| (d.id.as_str(), &d.content)).collect();
            assert_eq!(
                got,
                [
                    ("x", &terms(&["a", "b"])),
                    ("y", &terms(&[])),
                    ("z", &terms(&["c"]))
                ],
                "{codec}"
            );
        }
    }

    #[test]
    fn parquet_malformed_rows() {
        let d = TempDir::new();
        let p = parquet_mixed(&d);
        let with =
            |text: &str, terms: Option<&str>, id: Option<&str>, label: Option<&str>| InputOptions {
                text_field: text.into(),
                terms_field: terms.map(Into::into),
                id_field: id.map(Into::into),
                label_field: label.map(Into::into),
                ..lenient()
            };
        let cases = [
            // A null of any column type is an empty document.
            (
                with("n", None, None, None),
                vec![format!("{p}:1: field \"n\" must be a string, found int")],
                vec![text("")],
            ),
            (
                with("raw", None, None, None),
                vec![
                    format!("{p}:1: field \"raw\" must be a string, found bytes"),
                    format!("{p}:2: field \"raw\" must be a string, found bytes"),
                ],
                vec![],
            ),
            (
                with("t", None, None, None),
                vec![
                    format!("{p}:1: field \"t\" must be a string, found list"),
                    format!("{p}:2: field \"t\" must be a string, found list"),
                ],
                vec![],
            ),
            (
                with("text", Some("s"), None, None),
                vec![format!(
                    "{p}:1: field \"s\" must be a list of strings, found string"
                )],
                vec![terms(&[])],
            ),
            (
                with("text", Some("t"), None, None),
                vec![format!(
                    "{p}:1: field \"t\" must be a list of strings, element 2 is null"
                )],
                vec![terms(&["c"])],
            ),
            (
                with("s", None, None, Some("b")),
                vec![
                    format!("{p}:1: field \"b\" must be a string or number, found boolean"),
                    format!("{p}:2: field \"b\" must be a string or number, found boolean"),
                ],
                vec![],
            ),
            (
                with("s", None, Some("t"), None),
                vec![
                    format!("{p}:1: field \"t\" must be a string or number, found list"),
                    format!("{p}:2: field \"t\" must be a string or number, found list"),
                ],
                vec![],
            ),
        ];
        for (opts, warnings, contents) in cases {
            let (r, w) = read(std::slice::from_ref(&p), &opts);
            let (docs, stats) = r.unwrap();
            assert_eq!(w, warnings, "{opts:?}");
            let got: Vec<Content> = docs.iter().map(|d| d.content.clone()).collect();
            assert_eq!(got, contents, "{opts:?}");
            // Skipped rows keep their numbers: a good row 2 is still bad:2.
            if let Some(doc) = docs.first() {
                assert_eq!(
                    (doc.id.as_str(), doc.source.clone()),
                    ("bad:2", format!("{p}:2"))
                );
            }
            assert_eq!(stats.skipped, warnings.len() as u64);
        }

        // The default --max-bad-rows 0 stops at the first.
        let opts = InputOptions {
            text_field: "n".into(),
            ..InputOptions::default()
        };
        let (r, w) = read(std::slice::from_ref(&p), &opts);
        assert!(w.is_empty());
        assert_eq!(
            r.unwrap_err(),
            Error::Input(format!(
                "{p}:1: field \"n\" must be a string, found int \
                 (stopping: 1 malformed rows exceed --max-bad-rows 0)"
            ))
        );
    }

    #[test]
    fn parquet_missing_column_is_a_hard_error() {
        let d = TempDir::new();
        let p = parquet_mixed(&d);
        let missing = |name: &str| {
            Error::Input(format!(
                "{p}: no column \"{name}\" in the schema (columns: s, n, b, raw, t)"
            ))
        };
        let (r, w) = read(std::slice::from_ref(&p), &lenient());
        assert!(w.is_empty());
        assert_eq!(r.unwrap_err(), missing("text"));
        for (opts, name) in [
            (
                InputOptions {
                    terms_field: Some("terms".into()),
                    ..lenient()
                },
                "terms",
            ),
            (
                InputOptions {
                    text_field: "s".into(),
                    id_field: Some("id".into()),
                    ..lenient()
                },
                "id",
            ),
            (
                InputOptions {
                    text_field: "s".into(),
                    label_field: Some("lab".into()),
                    ..lenient()
                },
                "lab",
            ),
            // Only top-level columns: a list's inner element is not one.
            (
                InputOptions {
                    text_field: "element".into(),
                    ..lenient()
                },
                "element",
            ),
        ] {
            let (r, _) = read(std::slice::from_ref(&p), &opts);
            assert_eq!(r.unwrap_err(), missing(name));
        }
    }

    #[test]
    fn parquet_unreadable_files() {
        let d = TempDir::new();
        let good = std::fs::read(parquet_rows(&d)).unwrap();
        let not_parquet = |r: Result<(Vec<Document>, ReadStats)>, p: &str| match r {
            Err(Error::Format(m)) => {
                assert!(
                    m.starts_with(&format!("{p}: not a readable Parquet file: ")),
                    "{m}"
                )
            }
            other => panic!("expected a format error, got {other:?}"),
        };
        for (name, data) in [
            ("csv.parquet", b"id,text\n1,hello\n".as_slice()),
            ("empty.parquet", b"".as_slice()),
            ("cut.parquet", &good[..good.len() - 9]),
            ("headless.parquet", &good[4..]),
        ] {
            let p = d.write(name, data);
            let (r, w) = read(std::slice::from_ref(&p), &lenient());
            assert!(w.is_empty());
            not_parquet(r, &p);
        }
        // Forcing the format on another file is the same error.
        let p = d.write("x.csv", b"text\nhello\n");
        let opts = InputOptions {
            format: Some(InputFormat::Parquet),
            ..lenient()
        };
        not_parquet(read(std::slice::from_ref(&p), &opts).0, &p);
    }

    #[test]
    fn parquet_corruption_never_panics() {
        // Every truncation and every single-byte corruption of a small file reads
        // to some result (documents or an error) without panicking out of the call.
        let d = TempDir::new();
        let good = std::fs::read(parquet_rows(&d)).unwrap();
        let p = d.0.join("c.parquet").to_string_lossy().into_owned();
        let opts = InputOptions {
            id_field: Some("n".into()),
            label_field: Some("x".into()),
            ..lenient()
        };
        let mut variants: Vec<Vec<u8>> = (0..good.len()).map(|n| good[..n].to_vec()).collect();
        for i in 0..good.len() {
            for flip in [0x01, 0x80, 0xff] {
                let mut v = good.clone();
                v[i] ^= flip;
                variants.push(v);
            }
        }
        for v in variants {
            std::fs::write(&p, &v).unwrap();
            let _ = read(std::slice::from_ref(&p), &opts);
        }
    }

    #[test]
    fn parquet_needs_a_file_path() {
        let opts = InputOptions {
            format: Some(InputFormat::Parquet),
            ..InputOptions::default()
        };
        let (r, _) = read(&["-".to_string()], &opts);
        assert_eq!(
            r.unwrap_err(),
            Error::Input(
                "<stdin>: Parquet input needs a file path \
                 (its footer is read first, so it cannot come from stdin)"
                    .into()
            )
        );
    }
}
