//! JSON lines the CLI writes, serialised by serde_json with jatopic's
//! conventions, the same as the token JSON the wasm module writes
//! (`jatopic::tokenizer::json`, kept without serde so the bundle stays
//! small): floats in Rust's shortest round-trip `Display` (never exponent
//! notation), control characters as `\u00XX`, and U+2028/U+2029 escaped
//! (JavaScript source cannot hold them raw before ES2019).

use serde::Serialize;

/// serde_json's compact output with `Display` floats.
struct DisplayFloats;

impl serde_json::ser::Formatter for DisplayFloats {
    fn write_f64<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        value: f64,
    ) -> std::io::Result<()> {
        // Non-finite values have no JSON form; serde_json writes null for them.
        if value.is_finite() {
            write!(writer, "{value}")
        } else {
            writer.write_all(b"null")
        }
    }

    fn write_char_escape<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        escape: serde_json::ser::CharEscape,
    ) -> std::io::Result<()> {
        use serde_json::ser::CharEscape;
        match escape {
            CharEscape::Quote => writer.write_all(b"\\\""),
            CharEscape::ReverseSolidus => writer.write_all(b"\\\\"),
            CharEscape::LineFeed => writer.write_all(b"\\n"),
            CharEscape::CarriageReturn => writer.write_all(b"\\r"),
            CharEscape::Tab => writer.write_all(b"\\t"),
            CharEscape::Backspace => Self::escape(writer, 0x08),
            CharEscape::FormFeed => Self::escape(writer, 0x0c),
            CharEscape::AsciiControl(c) => Self::escape(writer, u32::from(c)),
            CharEscape::Solidus => writer.write_all(b"\\/"),
        }
    }

    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut rest = fragment;
        while let Some(at) = rest.find(['\u{2028}', '\u{2029}']) {
            writer.write_all(&rest.as_bytes()[..at])?;
            let c = rest[at..].chars().next().map_or(0, u32::from);
            Self::escape(writer, c)?;
            rest = &rest[at + 3..];
        }
        writer.write_all(rest.as_bytes())
    }
}

impl DisplayFloats {
    fn escape<W: ?Sized + std::io::Write>(writer: &mut W, c: u32) -> std::io::Result<()> {
        write!(writer, "\\u{c:04x}")
    }
}

/// `value` as one line of JSON (no trailing newline).
pub fn line<T: Serialize>(value: &T) -> String {
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, DisplayFloats);
    // Serialising plain structs of strings and numbers into memory cannot fail.
    if value.serialize(&mut ser).is_err() {
        return "null".into();
    }
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn floats_as_display_strings_escaped() {
        #[derive(serde::Serialize)]
        struct Row<'a> {
            id: &'a str,
            x: [f64; 3],
            n: u64,
        }
        let r = Row {
            id: "a\"b\u{1}\u{8}\u{2028}x",
            x: [1.0, 1e-7, 0.25],
            n: 3,
        };
        assert_eq!(
            super::line(&r),
            r#"{"id":"a\"b\u0001\u0008\u2028x","x":[1,0.0000001,0.25],"n":3}"#
        );
    }
}
