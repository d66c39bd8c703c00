//! Apache Parquet (BigQuery's export format), read row by row through the
//! parquet crate's record API, decoding only the columns in use. Needs a file
//! path: the footer is read first. A file the decoder rejects, or on which it
//! panics (caught here, and marked with [`DECODER_PANICKED`]), is an
//! unreadable file, not a crash of the whole command.

use super::{
    collect_terms, problem, scalar_field, Column, Columns, Content, Row, Sink, Source, Typed,
};
use crate::error::{Error, Result};
use std::fs::File;

/// Starts the reason in the error for a file on which the Parquet decoder
/// panicked (`<file>: not a readable Parquet file: the Parquet decoder
/// panicked: <its message>`): such a panic is a decoder bug worth fixing
/// (vendor/parquet), which tests and fuzzing can tell from an ordinary rejection.
pub const DECODER_PANICKED: &str = "the Parquet decoder panicked";

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
fn parquet_scalar(v: &parquet::record::Field) -> Typed<Option<String>> {
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
    Error::format(format!("{at}: not a readable Parquet file: {e}"))
}

/// Reads a Parquet file row by row through the parquet crate's record API,
/// decoding only the columns in use.
///
/// Field types are checked per row, like NDJSON's: a value of the wrong type is a
/// malformed row. Row numbers count data rows from 1 across row groups and take
/// the place of line numbers in ids and messages.
pub(super) fn read(path: &str, src: &Source, sink: &mut Sink) -> Result<()> {
    if path == "-" {
        return Err(Error::input(format!(
            "{}: Parquet input needs a file path (its footer is read first, so it cannot come from stdin)",
            src.file
        )));
    }
    let file = File::open(path).map_err(|e| Error::io_message(format!("{path}: {e}")))?;
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
            .unwrap_or_else(|| "no message".to_string());
        Err(unreadable_parquet(
            src.file,
            format!("{DECODER_PANICKED}: {what}"),
        ))
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
    let cols = Columns::find(&names, sink.opts, src.file, "schema")?;
    let is_terms = sink.opts.terms_field.is_some();
    // Decode only the columns in use (in schema order, as the projection must be).
    let used: Vec<_> = schema
        .get_fields()
        .iter()
        .enumerate()
        .filter(|&(i, _)| cols.uses(i))
        .map(|(_, f)| f.clone())
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
            sink.row(src, row_no, row_no, parquet_row(&row, &cols, is_terms))?;
        }
    }
    Ok(())
}

/// One Parquet row into a [`Row`], or the problem with it.
fn parquet_row(
    row: &parquet::record::Row,
    cols: &Columns,
    is_terms: bool,
) -> std::result::Result<Row, String> {
    use parquet::record::Field as F;
    let get = |name: &str| -> std::result::Result<&F, String> {
        row.get_column_iter()
            .find(|(n, _)| n.as_str() == name)
            .map(|(_, v)| v)
            .ok_or_else(|| problem::missing(name))
    };
    // A null id falls back to the default id, a null label is no label.
    let scalar = |col: &Column| scalar_field(&col.name, parquet_scalar(get(&col.name)?));

    let id = cols.id.as_ref().map(scalar).transpose()?.flatten();
    let name = cols.content.name.as_str();
    let content = match get(name)? {
        F::Null if is_terms => Content::Terms(Vec::new()),
        F::ListInternal(list) if is_terms => Content::Terms(collect_terms(
            name,
            "a list",
            list.elements().iter().map(|item| match item {
                F::Str(s) => Ok(s.as_str()),
                other => Err(parquet_type(other)),
            }),
        )?),
        other if is_terms => return Err(problem::not_terms(name, "a list", parquet_type(other))),
        F::Null => Content::Text(String::new()),
        F::Str(s) => Content::Text(s.clone()),
        other => return Err(problem::not_string(name, parquet_type(other))),
    };
    let label = cols.label.as_ref().map(scalar).transpose()?.flatten();
    Ok(Row { id, content, label })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::DECODER_PANICKED;
    use crate::error::{Error, Result};
    use crate::io::input::{Content, Document, InputFormat, InputOptions, ReadStats};
    use std::fs::File;

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
        assert_eq!(stats, counted(3, 0, 2));

        // The (id, label) of each document read with these id and label columns.
        let ids_labels = |id: &str, label: &str| -> Vec<(String, Option<String>)> {
            let opts = InputOptions {
                id_field: Some(id.into()),
                label_field: Some(label.into()),
                ..InputOptions::default()
            };
            let (r, _) = read(std::slice::from_ref(&p), &opts);
            let (docs, _) = r.unwrap();
            docs.into_iter().map(|d| (d.id, d.label)).collect()
        };
        let pairs = |want: &[(&str, Option<&str>)]| -> Vec<(String, Option<String>)> {
            want.iter()
                .map(|(i, l)| (i.to_string(), l.map(str::to_string)))
                .collect()
        };
        // String id, integer label (null = no label).
        assert_eq!(
            ids_labels("id", "n"),
            pairs(&[("a", Some("10")), ("b", None), ("c", Some("30"))])
        );
        // Integer id (null = the default id), float label.
        assert_eq!(
            ids_labels("n", "x"),
            pairs(&[("10", Some("1.5")), ("rows:2", None), ("30", Some("2"))])
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
        assert_eq!(stats, counted(4, 0, 2));
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
            Error::input(format!(
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
            Error::input(format!(
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
            Err(e) if e.kind() == crate::ErrorKind::Format => {
                let m = e.message();
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
        // Every truncation and every single-byte corruption of a small file
        // reads to documents or a clear error, and the decoder never panics on
        // them (a caught panic would be an error too: it is told apart by
        // DECODER_PANICKED).
        let d = TempDir::new();
        let good = std::fs::read(parquet_rows(&d)).unwrap();
        let p = d.0.join("c.parquet").to_string_lossy().into_owned();
        let opts = InputOptions {
            id_field: Some("n".into()),
            label_field: Some("x".into()),
            ..lenient()
        };
        // An error for the file, or one of its rows, that names it as unreadable.
        let unreadable = |m: &str| {
            m.strip_prefix(p.as_str()).is_some_and(|rest| {
                rest.starts_with(": not a readable Parquet file: ")
                    || rest.starts_with(':') && rest.contains(": not a readable Parquet file: ")
            })
        };
        let check = |what: &str, r: Result<(Vec<Document>, ReadStats)>| -> bool {
            match r {
                Ok((docs, stats)) => {
                    assert!(docs.len() as u64 == stats.read && stats.read <= 3, "{what}");
                    true
                }
                Err(e) if e.kind() == crate::ErrorKind::Format => {
                    let m = e.message();
                    assert!(!m.contains(DECODER_PANICKED), "{what}: {m}");
                    assert!(unreadable(&m), "{what}: {m}");
                    false
                }
                // A corrupted column name leaves a requested column missing.
                Err(e) if e.kind() == crate::ErrorKind::Input => {
                    let m = e.message();
                    assert!(
                        m.starts_with(&format!("{p}: no column \"")) && m.contains("in the schema"),
                        "{what}: {m}"
                    );
                    false
                }
                Err(e) => panic!("{what}: {e:?}"),
            }
        };
        for n in 0..good.len() {
            std::fs::write(&p, &good[..n]).unwrap();
            let read_ok = check(
                &format!("first {n} bytes"),
                read(std::slice::from_ref(&p), &opts).0,
            );
            // The footer is at the end: no truncation is readable.
            assert!(!read_ok, "first {n} bytes read to documents");
        }
        let (mut docs, mut errors) = (0, 0);
        for i in 0..good.len() {
            for flip in [0x01, 0x80, 0xff] {
                let mut v = good.clone();
                v[i] ^= flip;
                std::fs::write(&p, &v).unwrap();
                let what = format!("byte {i} ^ {flip:#04x}");
                if check(&what, read(std::slice::from_ref(&p), &opts).0) {
                    docs += 1;
                } else {
                    errors += 1;
                }
            }
        }
        // Both outcomes occur: the corruptions reach the data as well as the metadata.
        assert!(docs > 0 && errors > 0, "{docs} read, {errors} rejected");
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
            Error::input(
                "<stdin>: Parquet input needs a file path \
                 (its footer is read first, so it cannot come from stdin)"
                    .into()
            )
        );
    }
}
