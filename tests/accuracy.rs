//! Accuracy against MeCab + IPADIC on the held-out corpus (`../shared/corpus/dev`,
//! or `$JATOPIC_SHARED/corpus/dev`). Skips with a message when the corpus or
//! `mecab` is absent. Targets, compact lexicon: word F1 ≥ 0.995 (pooled),
//! POS (two fields) ≥ 0.99, base form ≥ 0.995 and reading and pronunciation
//! ≥ 0.999 on tokens whose span matches. Full lexicon (all of IPADIC, exact
//! costs: MeCab's analyses): word F1, POS (all fields), base form, reading
//! and pronunciation each ≥ 0.9999.

mod common;

use jatopic::tokenizer::config::LexiconTier;
use jatopic::tokenizer::eval::Agreement;

/// The pooled agreement of `tier` (with readings) on the dev corpus, or
/// `None` when the test is skipped.
fn dev_agreement(tier: LexiconTier) -> Option<Agreement> {
    let dev = common::shared("corpus/dev")?;
    if !common::tool("mecab") {
        return None;
    }
    let tok = jatopic::tokenizer::shipped::tokenizer(tier, true).unwrap();
    let per_file = jatopic::tokenizer::eval::compare_corpus(&tok, &dev, "mecab").unwrap();
    assert!(!per_file.is_empty(), "no *.txt in {}", dev.display());
    let mut all = Agreement::default();
    for (name, a) in &per_file {
        eprintln!(
            "{tier} {name:<10} word F1 {:.5} POS2 {:.5} base {:.5}",
            a.f1(),
            a.pos2_rate(),
            a.base_rate()
        );
        assert_eq!(a.misaligned, 0, "{name}: reference misaligned");
        all.add(a);
    }
    eprintln!(
        "{tier} pooled     word F1 {:.5} POS2 {:.5} POS {:.5} base {:.5} reading {:.5} pron {:.5} ({} tokens)",
        all.f1(),
        all.pos2_rate(),
        all.pos_full_rate(),
        all.base_rate(),
        all.reading_rate(),
        all.pronunciation_rate(),
        all.reference
    );
    Some(all)
}

#[test]
fn dev_corpus_meets_accuracy_targets() {
    let Some(all) = dev_agreement(LexiconTier::Compact) else {
        return;
    };
    assert!(all.f1() >= 0.995, "pooled word F1 {:.5} < 0.995", all.f1());
    assert!(
        all.pos2_rate() >= 0.99,
        "POS agreement {:.5} < 0.99",
        all.pos2_rate()
    );
    assert!(
        all.base_rate() >= 0.995,
        "base-form agreement {:.5} < 0.995",
        all.base_rate()
    );
    for (what, rate) in [
        ("reading", all.reading_rate()),
        ("pronunciation", all.pronunciation_rate()),
    ] {
        assert!(rate >= 0.999, "{what} agreement {rate:.5} < 0.999");
    }
}

#[test]
fn full_lexicon_reproduces_mecab_on_the_dev_corpus() {
    let Some(all) = dev_agreement(LexiconTier::Full) else {
        return;
    };
    for (what, rate) in [
        ("word F1", all.f1()),
        ("POS (all fields)", all.pos_full_rate()),
        ("base form", all.base_rate()),
        ("reading", all.reading_rate()),
        ("pronunciation", all.pronunciation_rate()),
    ] {
        assert!(rate >= 0.9999, "full lexicon: {what} {rate:.5} < 0.9999");
    }
}
