//! CSV and TSV with a header row (RFC 4180 quoting, through the csv crate):
//! columns are found by header name; a record with the wrong field count or
//! invalid UTF-8 in a used cell is a malformed row. Messages name the
//! physical line a record starts on (`LineStarts`); default ids count data rows.

use super::{split_terms, Column, Columns, Content, Row, Sink, Source};
use crate::error::{Error, Result};
use std::collections::VecDeque;
use std::io::{BufRead, Read};

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

pub(super) fn read(
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
        csv::ErrorKind::Io(e) => Error::io(src.file, e),
        _ => Error::input(format!("{}: {e}", src.file)),
    };

    let raw_headers = rdr.byte_headers().map_err(hard)?.clone();
    if raw_headers.is_empty() {
        return Err(Error::input(format!(
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
    let cols = Columns::find(&headers, sink.opts, src.file, "header")?;
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
                sink.row(src, row, line, csv_row(&record, &cols, is_terms))?;
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
                        return Err(Error::io(src.file, e));
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

/// One CSV/TSV record into a row, or the problem with it.
fn csv_row(
    record: &csv::ByteRecord,
    cols: &Columns,
    is_terms: bool,
) -> std::result::Result<Row, String> {
    let cell = |col: &Column| -> std::result::Result<&str, String> {
        // The field count was checked by the reader; a short record still cannot panic.
        let bytes = record.get(col.index).unwrap_or_default();
        std::str::from_utf8(bytes).map_err(|_| format!("invalid UTF-8 in column \"{}\"", col.name))
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
    Ok(Row { id, content, label })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::error::Error;
    use crate::io::input::{Content, InputOptions};

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
        assert_eq!(stats, counted(4, 0, 1));

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
        assert_eq!(stats, counted(2, 0, 1));
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
        assert_eq!(stats, counted(2, 3, 0));

        let (r, w) = read(std::slice::from_ref(&p), &InputOptions::default());
        assert!(w.is_empty());
        assert_eq!(
            r.unwrap_err(),
            Error::input(format!(
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
            Error::input(format!(
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
            Error::input(format!(
                "{p}: no column \"lab\" in the header (columns: a, b, c)"
            ))
        );
        let e = d.write("empty.tsv", b"");
        let (r, _) = read(std::slice::from_ref(&e), &lenient());
        assert_eq!(
            r.unwrap_err(),
            Error::input(format!("{e}: empty file, expected a header row"))
        );
    }
}
