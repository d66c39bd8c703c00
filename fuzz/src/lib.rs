//! Helpers shared by the fuzz targets: the shipped tokenizer loaded once,
//! the tiling property, LZMA wrapping for the loaders and scratch files for
//! the path-based readers.

use jatopic::{Dictionary, Token, Tokenizer};
use std::sync::OnceLock;

/// The small seed dictionary file of the `dict_load` corpus (after its mode
/// byte: the file as is), for targets that need a dictionary whose short
/// inputs reach every section.
pub const SEED_DICTIONARY: &[u8] = include_bytes!("../corpus/dict_load/file_tiny");

/// [`SEED_DICTIONARY`], loaded once.
pub fn seed_dictionary() -> &'static Dictionary {
    static DICT: OnceLock<Dictionary> = OnceLock::new();
    DICT.get_or_init(|| {
        Dictionary::from_bytes(&SEED_DICTIONARY[1..]).expect("the seed dictionary loads")
    })
}

/// The shipped tokenizer, loaded on first use (decompression takes a moment).
pub fn tokenizer() -> &'static Tokenizer {
    static TOK: OnceLock<Tokenizer> = OnceLock::new();
    TOK.get_or_init(|| jatopic::default_tokenizer().expect("the shipped dictionary loads"))
}

/// Asserts that `tokens` tile `text`: in order, non-empty, each surface the
/// code-point slice it claims, and only whitespace between and after them.
/// The tokenizer skips IPADIC's SPACE category, which `is_whitespace` covers
/// except U+00D0 (listed as SPACE in IPADIC's char.def), accepted as well.
pub fn assert_tiles(text: &str, tokens: &[Token]) {
    let chars: Vec<char> = text.chars().collect();
    let skippable = |c: &char| c.is_whitespace() || *c == '\u{00D0}';
    let mut pos = 0;
    for t in tokens {
        assert!(
            t.start >= pos && t.end > t.start && t.end <= chars.len(),
            "{text:?}: bad offsets {t:?}"
        );
        assert!(
            chars[pos..t.start].iter().all(skippable),
            "{text:?}: non-space skipped before {t:?}"
        );
        assert_eq!(
            chars[t.start..t.end].iter().collect::<String>(),
            t.surface,
            "{text:?}: surface is not the slice its offsets name"
        );
        assert!(!t.pos[0].is_empty(), "{text:?}: empty POS in {t:?}");
        pos = t.end;
    }
    assert!(
        chars[pos..].iter().all(skippable),
        "{text:?}: text lost at the end"
    );
}

/// Writes `data` to this process's scratch file for `extension` (in
/// `/dev/shm`, memory, where available; overwritten by every execution) and
/// returns its path: the input readers take paths.
pub fn write_scratch(extension: &str, data: &[u8]) -> String {
    let dir = if std::path::Path::new("/dev/shm").is_dir() {
        std::path::PathBuf::from("/dev/shm")
    } else {
        std::env::temp_dir()
    };
    let path = dir.join(format!("jatopic-fuzz-{}.{extension}", std::process::id()));
    std::fs::write(&path, data).expect("the scratch file is writable");
    path.display().to_string()
}

/// Reader options from a flag byte: bit 0 id field, bit 1 terms instead of
/// text, bit 2 label field, bit 3 a malformed-row budget of 3 (else none),
/// bit 4 unlimited budget. Column names match the seed corpora.
pub fn options(
    flags: u8,
    format: jatopic::io::input::InputFormat,
) -> jatopic::io::input::InputOptions {
    jatopic::io::input::InputOptions {
        format: Some(format),
        text_field: "text".into(),
        id_field: (flags & 1 != 0).then(|| "id".into()),
        terms_field: (flags & 2 != 0).then(|| "terms".into()),
        label_field: (flags & 4 != 0).then(|| "label".into()),
        max_bad_rows: if flags & 16 != 0 {
            u64::MAX
        } else if flags & 8 != 0 {
            3
        } else {
            0
        },
    }
}

/// Checks a read's outcome: consistent counts and documented contents, or
/// an input/format error (never I/O: the scratch file exists).
pub fn check_read(
    opts: &jatopic::io::input::InputOptions,
    result: jatopic::Result<(
        Vec<jatopic::io::input::Document>,
        jatopic::io::input::ReadStats,
    )>,
    warnings: u64,
) {
    use jatopic::io::input::Content;
    match result {
        Ok((docs, stats)) => {
            assert_eq!(stats.read, docs.len() as u64);
            assert_eq!(stats.skipped, warnings);
            assert!(stats.skipped <= opts.max_bad_rows);
            assert_eq!(
                stats.empty,
                docs.iter().filter(|d| d.content.is_empty()).count() as u64
            );
            for d in &docs {
                match &d.content {
                    Content::Terms(t) => {
                        assert!(opts.terms_field.is_some());
                        assert!(t.iter().all(|t| !t.is_empty()), "an empty term in {d:?}");
                    }
                    Content::Text(_) => assert!(opts.terms_field.is_none()),
                }
                assert!(!d.source.is_empty());
                if opts.label_field.is_none() {
                    assert!(d.label.is_none());
                }
            }
        }
        Err(e) if e.kind() == jatopic::ErrorKind::Io => {
            panic!("I/O error on an existing file: {e}")
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
}
