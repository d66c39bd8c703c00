//! Lexicon tiers from the command line: `--lexicon full` reproduces MeCab's
//! golden output, models record the tier they were trained with, commands
//! that use a model take its tier and refuse another, `--dict` and
//! `--lexicon` are not combined, and `jatopic package` packages a model
//! with its tier's lexicon and refuses another.

use std::path::PathBuf;

mod common;
use common::{assert_refused, jatopic, stdout_of, temp_path};

/// Asserts that `args` fails with exit status `code` and `expected` in its message.
fn refused(args: &[&str], code: i32, expected: &str) {
    assert_refused(args, "東京特許許可局\n", code, expected);
}

fn temp(name: &str) -> PathBuf {
    temp_path("tier", name)
}

fn golden(name: &str) -> String {
    format!("{}/tests/golden/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// A small model over our own golden titles with `--lexicon tier`, at `name`.
fn train(tier: &str, name: &str) -> String {
    let out = temp(name);
    stdout_of(
        &[
            "train",
            "--k",
            "2",
            "--iterations",
            "10",
            "--seed",
            "1",
            "--min-df",
            "1",
            "--max-df",
            "1.0",
            "--lexicon",
            tier,
            "--input-format",
            "text",
            "--out",
            out.to_str().unwrap(),
            &golden("titles.txt"),
        ],
        "",
    );
    out.to_str().unwrap().to_string()
}

#[test]
fn full_lexicon_prints_mecabs_golden_output() {
    for name in ["titles", "news", "edge"] {
        let text = std::fs::read_to_string(golden(&format!("{name}.txt"))).unwrap();
        let expected = std::fs::read_to_string(golden(&format!("{name}.mecab"))).unwrap();
        let got = stdout_of(
            &["tokenize", "--lexicon", "full", "--output", "mecab"],
            &text,
        );
        // Not assert_eq!: a diff of whole files is unreadable.
        let first = got.lines().zip(expected.lines()).position(|(a, b)| a != b);
        assert!(
            got == expected,
            "{name}: first difference at line {first:?} of {}",
            got.lines().count()
        );
    }
    // The compact lexicon lacks this unseen proper noun (a place name).
    let text = "紫波郡矢巾町\n";
    assert_ne!(
        stdout_of(&["tokenize"], text),
        stdout_of(&["tokenize", "--lexicon", "full"], text)
    );
    refused(&["tokenize", "--lexicon", "huge"], 2, "'huge'");
}

#[test]
fn a_model_records_its_tier_and_commands_refuse_another() {
    let full = train("full", "full.jtm");
    let compact = train("compact", "compact.jtm");
    let model = |p: &str| jatopic::topic::model::Model::from_bytes(&std::fs::read(p).unwrap());
    use jatopic::tokenizer::config::LexiconTier;
    assert_eq!(
        model(&full).unwrap().terms.tokenizer.lexicon,
        LexiconTier::Full
    );
    assert_eq!(
        model(&compact).unwrap().terms.tokenizer.lexicon,
        LexiconTier::Compact
    );
    // A full-tier model is format 3 (format 2 cannot say the tier).
    assert_eq!(std::fs::read(&full).unwrap()[12..14], 3u16.to_le_bytes());
    let text = "紫波郡矢巾町の陶器のマグカップ\n";
    // terms --model takes the model's tier without being told.
    assert_eq!(
        stdout_of(&["terms", "--model", &full, "-"], text),
        stdout_of(&["terms", "--lexicon", "full", "-"], text)
    );
    assert_eq!(
        stdout_of(&["terms", "--model", &compact, "-"], text),
        stdout_of(&["terms", "-"], text)
    );
    assert_ne!(
        stdout_of(&["terms", "--lexicon", "full", "-"], text),
        stdout_of(&["terms", "-"], text)
    );
    let trained_full =
        format!("{full} was trained with --lexicon full, this command was given --lexicon compact");
    let trained_compact = format!(
        "{compact} was trained with --lexicon compact, this command was given --lexicon full"
    );
    for command in ["terms", "infer"] {
        refused(
            &[command, "--model", &full, "--lexicon", "compact", "-"],
            2,
            &trained_full,
        );
        refused(
            &[command, "--model", &compact, "--lexicon", "full", "-"],
            2,
            &trained_compact,
        );
    }
    refused(
        &[
            "eval",
            "--model",
            &full,
            "--lexicon",
            "compact",
            "--input-format",
            "text",
            "-",
        ],
        2,
        &trained_full,
    );
    // Given the model's own tier, infer runs.
    let inferred = stdout_of(
        &[
            "infer",
            "--input-format",
            "text",
            "--model",
            &full,
            "--lexicon",
            "full",
            "-",
        ],
        text,
    );
    assert!(
        inferred.starts_with("{\"id\":\"stdin:1\",\"topics\":["),
        "{inferred}"
    );

    // package takes the model's tier.
    let library = temp("jatopic-tokenizer.js");
    std::fs::write(
        &library,
        "// jatopic test\nvar jatopic = {};\nconst DICT_BYTES = 3;\nconst DICT_SHA256 = 'ab';\nconst DICT_TEXT = function () {/*abc*/};\n",
    )
    .unwrap();
    let package = |model: &str, out: &str, extra: &[&str]| {
        let mut args = vec![
            "package",
            "--library",
            library.to_str().unwrap(),
            "--gcs-prefix",
            "gs://bucket/jatopic",
            "--dataset",
            "project.dataset",
            "--model",
            model,
            "--out",
        ];
        let out = temp(out);
        args.push(out.to_str().unwrap());
        args.extend_from_slice(extra);
        jatopic(&args, "")
    };
    // A full-tier model is packaged with the full lexicon (its tier): the
    // tokenizer file sheds its compact lexicon, the lexicon files carry it.
    let o = package(&full, "pkg-full", &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let dir = temp("pkg-full");
    assert!(dir.join("jatopic-lexicon-1.js").exists());
    let tokenizer = std::fs::read_to_string(dir.join("jatopic-tokenizer.js")).unwrap();
    assert!(tokenizer
        .contains("const DICT_BYTES = 0;\nconst DICT_SHA256 = '';\nconst DICT_TEXT = '';\n"));
    // Asked for another tier than the model's: refused, nothing written.
    let o = package(&full, "pkg-full-compact", &["--lexicon", "compact"]);
    let err = String::from_utf8_lossy(&o.stderr);
    // Exit 2, as for infer/terms/eval given another --lexicon (a usage error).
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("was trained with --lexicon full, this command was given --lexicon compact"),
        "{err}"
    );
    assert!(!temp("pkg-full-compact")
        .join("create_functions.sql")
        .exists());
    let o = package(&compact, "pkg-compact", &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!temp("pkg-compact").join("jatopic-lexicon-1.js").exists());
}

#[test]
fn dict_and_lexicon_are_not_combined() {
    let dict = format!("{}/dict/ipadic.jtd", env!("CARGO_MANIFEST_DIR"));
    refused(
        &["tokenize", "--dict", &dict, "--lexicon", "full"],
        2,
        "--dict and --lexicon full both choose the dictionary",
    );
    refused(
        &["dict-info", "--dict", &dict, "--lexicon", "compact"],
        2,
        "--dict and --lexicon compact both choose the dictionary",
    );
    let info = stdout_of(&["dict-info", "--lexicon", "full"], "");
    assert!(
        info.starts_with("surfaces 201229 entries 228874 ")
            && info.contains("connection costs exact"),
        "{info}"
    );
}
