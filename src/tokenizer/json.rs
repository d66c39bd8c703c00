//! JSON output of tokens, shared by the CLI and the wasm module so both give
//! byte-identical results.

use crate::tokenizer::Token;

/// Appends `s` as a JSON string literal.
pub fn push_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Appends a JSON array of strings.
pub fn push_str_array<S: AsRef<str>>(out: &mut String, items: impl IntoIterator<Item = S>) {
    out.push('[');
    for (i, s) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_str(out, s.as_ref());
    }
    out.push(']');
}

/// One JSON array of token objects:
/// `{"surface","start","end","pos":[4],"conjugation":{"type","form"},"base_form","known"}`.
pub fn tokens(tokens: &[Token]) -> String {
    let mut out = String::with_capacity(tokens.len() * 120 + 2);
    out.push('[');
    for (i, t) in tokens.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"surface\":");
        push_str(&mut out, t.surface);
        out.push_str(&format!(
            ",\"start\":{},\"end\":{},\"pos\":",
            t.start, t.end
        ));
        push_str_array(&mut out, t.pos);
        out.push_str(",\"conjugation\":{\"type\":");
        push_str(&mut out, t.conjugation[0]);
        out.push_str(",\"form\":");
        push_str(&mut out, t.conjugation[1]);
        out.push_str("},\"base_form\":");
        push_str(&mut out, t.base_form);
        out.push_str(if t.known {
            ",\"known\":true}"
        } else {
            ",\"known\":false}"
        });
    }
    out.push(']');
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_control_and_quotes() {
        let mut s = String::new();
        super::push_str(&mut s, "a\"b\\c\n\u{1}\u{2028}");
        assert_eq!(s, "\"a\\\"b\\\\c\\n\\u0001\\u2028\"");
    }
}
