//! Helpers shared by the integration tests.
#![allow(dead_code)] // each test crate uses a subset

use std::path::PathBuf;

/// A file or folder under the shared data folder (`$JATOPIC_SHARED`, else
/// `../shared`), or `None` after printing why the test is skipped. With
/// `JATOPIC_REQUIRE_SHARED=1` (set by `make test` when the folder exists) a
/// missing path fails the test instead: there, every data test must run.
pub fn shared(relative: &str) -> Option<PathBuf> {
    let root = std::env::var("JATOPIC_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared")));
    let path = root.join(relative);
    if path.exists() {
        return Some(path);
    }
    let why = format!(
        "{} not found (set JATOPIC_SHARED to the shared data folder)",
        path.display()
    );
    assert!(
        std::env::var("JATOPIC_REQUIRE_SHARED").as_deref() != Ok("1"),
        "JATOPIC_REQUIRE_SHARED=1 but {why}"
    );
    eprintln!("SKIPPED: {why}");
    None
}

/// Whether the external command `name` runs (`name --version`); when it does
/// not, prints why the test is skipped, or fails the test under
/// `JATOPIC_REQUIRE_TOOLS=1` (set by `make test`, whose set-up installs them).
pub fn tool(name: &str) -> bool {
    let runs = std::process::Command::new(name)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !runs {
        assert!(
            std::env::var("JATOPIC_REQUIRE_TOOLS").as_deref() != Ok("1"),
            "JATOPIC_REQUIRE_TOOLS=1 but `{name} --version` does not run (make setup installs it)"
        );
        eprintln!("SKIPPED: {name} is not installed (make setup)");
    }
    runs
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
