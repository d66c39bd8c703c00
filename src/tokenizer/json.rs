//! Token output formats: JSON, shared by the CLI and the wasm module so both
//! give byte-identical results, and MeCab's default format's token line.

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
/// `{"surface","start","end","pos":[4],"conjugation":{"type","form"},"base_form","known"}`,
/// plus `"reading","pronunciation"` (`*` for unknown words, as MeCab) when
/// `with_readings` (the dictionary has readings attached).
pub fn tokens(tokens: &[Token], with_readings: bool) -> String {
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
            ",\"known\":true"
        } else {
            ",\"known\":false"
        });
        if with_readings {
            out.push_str(",\"reading\":");
            push_str(&mut out, t.reading.as_deref().unwrap_or("*"));
            out.push_str(",\"pronunciation\":");
            push_str(&mut out, t.pronunciation.as_deref().unwrap_or("*"));
        }
        out.push('}');
    }
    out.push(']');
    out
}

/// A token as MeCab's default format prints it: surface, tab, then POS
/// (four), conjugation type and form, base form, reading, pronunciation.
/// MeCab prints only the first seven for unknown words (IPADIC's unk.def
/// has no reading), and so does this for lexicon words without readings.
pub fn mecab_line(t: &Token) -> String {
    let [p1, p2, p3, p4] = t.pos;
    let [ctype, cform] = t.conjugation;
    let mut line = format!(
        "{}\t{p1},{p2},{p3},{p4},{ctype},{cform},{}",
        t.surface,
        t.mecab_base()
    );
    if let (Some(r), Some(p)) = (&t.reading, &t.pronunciation) {
        line.push(',');
        line.push_str(r);
        line.push(',');
        line.push_str(p);
    }
    line
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
