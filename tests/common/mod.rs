//! Helpers shared by the integration tests.
#![allow(dead_code)] // each test crate uses a subset

use std::path::PathBuf;

/// A file or folder under the shared data folder (`$JATOPIC_SHARED`, else
/// `../shared`), or `None` after printing why the test is skipped.
pub fn shared(relative: &str) -> Option<PathBuf> {
    let root = std::env::var("JATOPIC_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared")));
    let path = root.join(relative);
    if path.exists() {
        Some(path)
    } else {
        eprintln!(
            "SKIPPED: {} not found (set JATOPIC_SHARED to the shared data folder)",
            path.display()
        );
        None
    }
}

/// Asserts that `tokens` tile `text`: in order, only whitespace between and
/// after them, and each surface is the code-point slice it claims.
pub fn assert_tiles(text: &str, tokens: &[jatopic::Token]) {
    let chars: Vec<char> = text.chars().collect();
    let mut pos = 0;
    for t in tokens {
        assert!(
            t.start >= pos && t.end > t.start && t.end <= chars.len(),
            "{text:?}: {t:?}"
        );
        assert!(
            chars[pos..t.start].iter().all(|c| c.is_whitespace()),
            "{text:?}: non-space skipped before {t:?}"
        );
        assert_eq!(chars[t.start..t.end].iter().collect::<String>(), t.surface);
        pos = t.end;
    }
    assert!(
        chars[pos..].iter().all(|c| c.is_whitespace()),
        "{text:?}: text lost at the end"
    );
}
