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
    let tok = jatopic::default_tokenizer_with_readings().unwrap();
    let (text, mecab) = golden(name);
    let a = compare(&tok, &text, &mecab);
    assert_eq!(
        a.lines as usize,
        text.lines().count(),
        "{name}: every line compared"
    );
    assert_eq!(a.misaligned, 0, "{name}: reference aligned with the text");
    eprintln!(
        "{name}: word F1 {:.4} POS2 {:.4} base {:.4} reading {:.4} pron {:.4}",
        a.f1(),
        a.pos2_rate(),
        a.base_rate(),
        a.reading_rate(),
        a.pronunciation_rate()
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
    for (what, rate) in [
        ("reading", a.reading_rate()),
        ("pronunciation", a.pronunciation_rate()),
    ] {
        assert!(rate >= 0.999, "{name}: {what} agreement {rate:.4} < 0.999");
    }
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

/// `tokenize --output mecab`'s token lines are MeCab's, byte for byte (nine
/// features for lexicon words, seven for unknown words), wherever the
/// analysis agrees on the span, POS, conjugation and base form.
#[test]
fn mecab_lines_are_mecabs_where_the_analysis_agrees() {
    let tok = jatopic::default_tokenizer_with_readings().unwrap();
    let (mut agreeing, mut nine, mut total) = (0, 0, 0);
    for name in ["titles", "news", "edge"] {
        let (text, mecab) = golden(name);
        for (line, block) in text.lines().zip(mecab.split("EOS\n")) {
            // Reference lines by start offset (code points, whitespace skipped).
            let chars: Vec<char> = line.chars().collect();
            let mut at = 0;
            let mut reference = std::collections::HashMap::new();
            for r in block.lines() {
                let surface: Vec<char> = r.split('\t').next().unwrap().chars().collect();
                while !chars[at..].starts_with(&surface) {
                    at += 1;
                }
                reference.insert(at, r);
                total += 1;
                at += surface.len();
            }
            for t in tok.tokenize(line) {
                let ours = jatopic::tokenizer::json::mecab_line(&t);
                let Some(theirs) = reference.get(&t.start) else {
                    continue;
                };
                let first_seven = |l: &str| l.split(',').take(7).collect::<Vec<_>>().join(",");
                if first_seven(&ours) != first_seven(theirs) {
                    continue;
                }
                assert_eq!(&ours, theirs, "{name}: {line}");
                agreeing += 1;
                nine += usize::from(ours.split(',').count() == 9);
            }
        }
    }
    // Nearly every token is compared, and most are lexicon words with nine fields.
    assert!(
        agreeing * 100 > total * 99,
        "{agreeing} of {total} lines compared"
    );
    assert!(
        nine * 4 > agreeing * 3,
        "{nine} of {agreeing} with nine fields"
    );
}
