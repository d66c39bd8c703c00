//! No input makes the tokenizer panic or lose text: arbitrary strings
//! (control characters, emoji, combining marks, U+FFFD from lone surrogates,
//! very long lines) always give tokens that tile the input with whitespace.

mod common;

use jatopic::Tokenizer;
use proptest::prelude::*;
use std::sync::OnceLock;

fn tok() -> &'static Tokenizer {
    static TOK: OnceLock<Tokenizer> = OnceLock::new();
    TOK.get_or_init(|| jatopic::default_tokenizer().unwrap())
}

fn check_tiles(text: &str) {
    let tok = tok();
    for normalize in [false, true] {
        for mode in [jatopic::Mode::Normal, jatopic::Mode::Search] {
            common::assert_tiles(
                text,
                &tok.tokenize_with(text, jatopic::Options { normalize, mode }),
            );
        }
    }
}

proptest! {
    // PROPTEST_CASES=N runs longer (the closing note's fuzz run used it).
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(2000)
    ))]

    #[test]
    fn arbitrary_unicode(s in "\\PC{0,60}") {
        check_tiles(&s);
    }

    #[test]
    fn japanese_heavy(s in "[ぁ-んァ-ヶー一-龠ｦ-ﾟ０-９Ａ-ｚ 　\\t\\n。、！？「」a-z0-9\u{0301}\u{3099}\u{200d}\u{fe0f}😀🇯🇵\u{fffd}]{0,80}") {
        check_tiles(&s);
    }
}

#[test]
fn empty_and_whitespace_only() {
    let tok = tok();
    assert!(tok.tokenize("").is_empty());
    assert!(tok.tokenize(" \t\n ").is_empty());
    check_tiles("　");
}

#[test]
fn one_megabyte_line() {
    let unit = "ハンドメイドの革財布を作りました。送料無料★ ";
    let text = unit.repeat(1_000_000 / unit.len() + 1);
    assert!(text.len() >= 1_000_000);
    check_tiles(&text);
    let long_run = "ア".repeat(100_000) + &"漢".repeat(50_000) + &"😀".repeat(50_000);
    check_tiles(&long_run);
}

#[test]
fn megabyte_runs_of_one_character_class() {
    // Unknown-word grouping scans at most MAX_GROUPING + 2 characters ahead,
    // so each of these is linear; every character is kept.
    for c in ["a", "ア", "ｱ", "1", "漢", "😀", "한"] {
        check_tiles(&c.repeat(1_000_000));
    }
}
