//! Bytes as UTF-16 code units (lone surrogates included) through the path
//! the wasm layer takes (src/wasm.rs `analyze_input`: `decode_utf16` with
//! U+FFFD for lone surrogates, `analyze_with` on a reused scratch, map code
//! points back to units; and `terms_utf16`: lossy decode, default term
//! pipeline); and `utf8_of_utf16`, which turns `jatopic.loadUserDictionary`'s
//! text into UTF-8 and must equal std's lossy conversion. Flag byte: bit 0
//! normalise, bit 1 also run the term pipeline, bit 2 search mode.
#![no_main]

use jatopic::tokenizer::{decode_utf16, utf8_of_utf16};
use jatopic::topic::terms::TermConfig;
use jatopic::{Mode, Options, Scratch};
use jatopic_fuzz::tokenizer;
use libfuzzer_sys::fuzz_target;
use std::cell::RefCell;

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
    static TERMS: TermConfig = TermConfig::default();
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, units)) = data.split_first() else {
        return;
    };
    let normalize = flags & 1 == 1;
    let mode = if flags & 4 == 4 {
        Mode::Search
    } else {
        Mode::Normal
    };
    let units: Vec<u16> = units
        .chunks_exact(2)
        .map(|b| u16::from_le_bytes([b[0], b[1]]))
        .collect();
    let mut utf8 = vec![0u8; 3 * units.len()];
    let n = utf8_of_utf16(&units, &mut utf8);
    assert_eq!(&utf8[..n], String::from_utf16_lossy(&units).as_bytes());
    let (chars, unit_at) = decode_utf16(&units);
    assert_eq!(unit_at.len(), chars.len() + 1);
    assert_eq!(
        unit_at[chars.len()] as usize,
        units.len(),
        "every unit is accounted for"
    );
    let tok = tokenizer();
    let raw = SCRATCH
        .with(|s| tok.analyze_with(&chars, Options { normalize, mode }, &mut s.borrow_mut()));
    // The tokens tile the text: in order, non-empty, whitespace (or IPADIC's
    // SPACE U+00D0) between and after them; the unit offsets slice the same text.
    let skippable = |c: &char| c.is_whitespace() || *c == '\u{00D0}';
    let mut pos = 0;
    for r in &raw {
        assert!(
            pos <= r.start && r.start < r.end && r.end <= chars.len(),
            "{chars:?}: {r:?}"
        );
        assert!(
            chars[pos..r.start].iter().all(skippable),
            "{chars:?}: text skipped before {r:?}"
        );
        let (a, b) = (unit_at[r.start] as usize, unit_at[r.end] as usize);
        assert!(a < b && b <= units.len());
        let from_units: String = char::decode_utf16(units[a..b].iter().copied())
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect();
        assert_eq!(from_units, chars[r.start..r.end].iter().collect::<String>());
        assert!((r.id as usize) < tok.dictionary().features.len());
        if r.base < jatopic::tokenizer::UNKNOWN {
            assert!(
                tok.base_form(r.base).is_some(),
                "base form index out of range"
            );
        }
        pos = r.end;
    }
    assert!(
        chars[pos..].iter().all(skippable),
        "{chars:?}: text lost at the end"
    );
    if flags & 2 != 0 {
        // As terms_utf16 without a model.
        let text = String::from_utf16_lossy(&units);
        let terms = TERMS.with(|c| c.terms(tok, &text));
        assert!(terms.iter().all(|t| !t.is_empty()));
    }
});
