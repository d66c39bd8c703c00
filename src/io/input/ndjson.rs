//! NDJSON: one JSON object per line (blank lines ignored but counted, so line
//! numbers match an editor's); fields are checked per row, so a value of the
//! wrong type is a malformed row.

use super::{
    collect_terms, for_each_line, problem, scalar_field, Content, InputOptions, Row, Sink, Source,
    Typed,
};
use crate::error::Result;
use serde_json::Value;
use std::io::BufRead;

pub(super) fn read(reader: Box<dyn BufRead>, src: &Source, sink: &mut Sink) -> Result<()> {
    let opts = sink.opts;
    for_each_line(reader, src, |line_no, line| {
        if line.iter().all(u8::is_ascii_whitespace) {
            return Ok(());
        }
        sink.row(src, line_no, line_no, row(line, opts))
    })
}

/// The JSON type name used in messages.
fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// A string or a number as a string (ids, labels); `Ok(None)` for null.
fn string_or_number(v: &Value) -> Typed<Option<String>> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s.clone())),
        Value::Number(n) => Ok(Some(n.to_string())),
        other => Err(json_type(other)),
    }
}

/// Parses one NDJSON line into a row, or the problem with it.
fn row(line: &[u8], opts: &InputOptions) -> std::result::Result<Row, String> {
    let text = std::str::from_utf8(line).map_err(|_| "invalid UTF-8".to_string())?;
    let value: Value = serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))?;
    let Value::Object(obj) = value else {
        return Err(format!(
            "expected a JSON object, found {}",
            json_type(&value)
        ));
    };

    // An id field must be present; a null id is not a string or number.
    let id = match &opts.id_field {
        None => None,
        Some(name) => match obj.get(name).ok_or_else(|| problem::missing(name))? {
            Value::Null => return Err(problem::not_string_or_number(name, "null")),
            v => scalar_field(name, string_or_number(v))?,
        },
    };

    let name = opts.content_field();
    let content = match (obj.get(name), opts.terms_field.is_some()) {
        (None, _) => return Err(problem::missing(name)),
        (Some(Value::Null), true) => Content::Terms(Vec::new()),
        (Some(Value::Array(items)), true) => Content::Terms(collect_terms(
            name,
            "an array",
            items.iter().map(|item| match item {
                Value::String(s) => Ok(s.as_str()),
                other => Err(json_type(other)),
            }),
        )?),
        (Some(other), true) => return Err(problem::not_terms(name, "an array", json_type(other))),
        (Some(Value::Null), false) => Content::Text(String::new()),
        (Some(Value::String(s)), false) => Content::Text(s.clone()),
        (Some(other), false) => return Err(problem::not_string(name, json_type(other))),
    };

    // Labels are optional per row: a missing or null label is no label.
    let label = match &opts.label_field {
        None => None,
        Some(name) => match obj.get(name) {
            None => None,
            Some(v) => scalar_field(name, string_or_number(v))?,
        },
    };

    Ok(Row { id, content, label })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::io::input::InputOptions;

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
        assert_eq!(stats, counted(4, 0, 2));
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
        assert_eq!(stats, counted(4, 0, 2));
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
        assert_eq!(stats, counted(2, 8, 0));
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
}
