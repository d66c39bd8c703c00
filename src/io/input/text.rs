//! Plain text: one document per line (raw text, or whitespace-separated
//! terms when a terms field is asked for); default ids are `<stem>:<line>`.

use super::{for_each_line, split_terms, Content, Row, Sink, Source};
use crate::error::{Error, Result};
use std::io::BufRead;

pub(super) fn read(reader: Box<dyn BufRead>, src: &Source, sink: &mut Sink) -> Result<()> {
    // A text line has no fields: silently ignoring these options would give ids
    // or labels the user did not ask for.
    for (opt, value) in [
        ("--id-field", &sink.opts.id_field),
        ("--label-field", &sink.opts.label_field),
    ] {
        if value.is_some() {
            return Err(Error::input(format!(
                "{}: {opt} needs a format with fields (ndjson, csv, tsv, parquet), not text",
                src.file
            )));
        }
    }
    let terms = sink.opts.terms_field.is_some();
    for_each_line(reader, src, |line_no, line| {
        let row = match std::str::from_utf8(line) {
            Err(_) => Err("invalid UTF-8".to_string()),
            Ok(text) if terms => Ok(Content::Terms(split_terms(text, |s| {
                s.split_whitespace().collect()
            }))),
            Ok(text) => Ok(Content::Text(text.to_string())),
        };
        let row = row.map(|content| Row {
            id: None,
            content,
            label: None,
        });
        sink.row(src, line_no, line_no, row)
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::error::Error;
    use crate::io::input::{Content, InputOptions};

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
        assert_eq!(stats, counted(4, 0, 2));
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
        assert_eq!(stats, counted(3, 1, 1));
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
                Error::input(format!(
                    "{p}: {flag} needs a format with fields (ndjson, csv, tsv, parquet), not text"
                ))
            );
        }
    }
}
