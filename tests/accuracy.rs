//! Accuracy against MeCab + IPADIC on the held-out corpus (`../shared/corpus/dev`,
//! or `$JATOPIC_SHARED/corpus/dev`). Skips with a message when the corpus or
//! `mecab` is absent. Targets: word F1 ≥ 0.995 (pooled), POS (two fields)
//! ≥ 0.99, base form ≥ 0.995 and reading and pronunciation ≥ 0.999 on
//! tokens whose span matches.

mod common;

#[test]
fn dev_corpus_meets_accuracy_targets() {
    let Some(dev) = common::shared("corpus/dev") else {
        return;
    };
    if !common::tool("mecab") {
        return;
    }
    let tok = jatopic::default_tokenizer_with_readings().unwrap();
    let per_file = jatopic::tokenizer::eval::compare_corpus(&tok, &dev, "mecab").unwrap();
    assert!(!per_file.is_empty(), "no *.txt in {}", dev.display());
    let mut all = jatopic::tokenizer::eval::Agreement::default();
    for (name, a) in &per_file {
        eprintln!(
            "{name:<10} word F1 {:.5} POS2 {:.5} base {:.5}",
            a.f1(),
            a.pos2_rate(),
            a.base_rate()
        );
        assert_eq!(a.misaligned, 0, "{name}: reference misaligned");
        all.add(a);
    }
    eprintln!(
        "pooled     word F1 {:.5} POS2 {:.5} base {:.5} reading {:.5} pron {:.5}",
        all.f1(),
        all.pos2_rate(),
        all.base_rate(),
        all.reading_rate(),
        all.pronunciation_rate()
    );
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
