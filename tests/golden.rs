//! Golden tests: sentences written for this project (tests/golden/*.txt) with
//! MeCab 0.996 + IPADIC's analysis beside them (*.mecab; regenerate with
//! `make golden`). The shipped dictionary is pruned and its costs quantised,
//! so agreement is measured, not assumed to be exact; the thresholds are the
//! project's accuracy targets.

mod common;

use jatopic::tokenizer::eval::{compare, Agreement};

fn golden(name: &str) -> (String, String) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/");
    let text = std::fs::read_to_string(format!("{dir}{name}.txt")).unwrap();
    let mecab = std::fs::read_to_string(format!("{dir}{name}.mecab")).unwrap();
    (text, mecab)
}

fn agreement(name: &str) -> Agreement {
    let tok = jatopic::default_tokenizer().unwrap();
    let (text, mecab) = golden(name);
    let a = compare(&tok, &text, &mecab);
    assert_eq!(
        a.lines as usize,
        text.lines().count(),
        "{name}: every line compared"
    );
    assert_eq!(a.misaligned, 0, "{name}: reference aligned with the text");
    eprintln!(
        "{name}: word F1 {:.4} POS2 {:.4} base {:.4}",
        a.f1(),
        a.pos2_rate(),
        a.base_rate()
    );
    a
}

fn check(name: &str, min_f1: f64) {
    let a = agreement(name);
    assert!(a.f1() >= min_f1, "{name}: word F1 {:.4} < {min_f1}", a.f1());
    assert!(
        a.pos2_rate() >= 0.99,
        "{name}: POS agreement {:.4} < 0.99",
        a.pos2_rate()
    );
    assert!(
        a.base_rate() >= 0.995,
        "{name}: base-form agreement {:.4} < 0.995",
        a.base_rate()
    );
}

#[test]
fn product_titles_agree_with_mecab() {
    check("titles", 0.995);
}

#[test]
fn news_agrees_with_mecab() {
    check("news", 0.995);
}

#[test]
fn edge_cases_agree_with_mecab() {
    check("edge", 0.995);
}

/// Surfaces plus the skipped whitespace give back each golden line, and
/// offsets are code points.
#[test]
fn surfaces_and_whitespace_reproduce_the_input() {
    let tok = jatopic::default_tokenizer().unwrap();
    for name in ["titles", "news", "edge"] {
        let (text, _) = golden(name);
        for line in text.lines() {
            common::assert_tiles(line, &tok.tokenize(line));
        }
    }
}
