//! Search mode from the command line: `--mode` on the commands that
//! tokenize, models that record the mode they were trained with, commands
//! that take it from the model and refuse another, and models written before
//! the mode existed (format 2) still read as normal-mode models.

use std::path::{Path, PathBuf};

mod common;
use common::{assert_refused, jatopic, stdout_of, temp_path};

/// Asserts that `args` is refused as a usage error (exit 2) with `expected` in its message.
fn refused(args: &[&str], expected: &str) {
    assert_refused(args, "関西国際空港\n", 2, expected);
}

fn temp(name: &str) -> PathBuf {
    temp_path("search", name)
}

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// A small model over our own golden titles, trained in `mode`, at `name`
/// (each test its own files: tests run in parallel).
fn train(mode: &str, name: &str) -> PathBuf {
    let out = temp(name);
    let golden = format!("{}/tests/golden/titles.txt", env!("CARGO_MANIFEST_DIR"));
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
            "--mode",
            mode,
            "--input-format",
            "text",
            "--out",
            out.to_str().unwrap(),
            &golden,
        ],
        "",
    );
    out
}

fn terms(model: &Path, extra: &[&str], text: &str) -> String {
    let mut args = vec!["terms", "--input-format", "text", "--model"];
    args.push(model.to_str().unwrap());
    args.extend_from_slice(extra);
    args.push("-");
    stdout_of(&args, text)
}

#[test]
fn tokenize_splits_long_compounds_in_search_mode_only() {
    let text = "関西国際空港限定トートバッグ\n手作りの革財布を販売しています\n";
    let normal = stdout_of(&["tokenize"], text);
    assert_eq!(
        normal,
        "関西国際空港 限定 トートバッグ\n手作り の 革 財布 を 販売 し て い ます\n"
    );
    assert_eq!(normal, stdout_of(&["tokenize", "--mode", "normal"], text));
    // Kuromoji's search mode gives the same for this sentence (its README's example).
    assert_eq!(
        stdout_of(&["tokenize", "--mode", "search"], text),
        "関西 国際 空港 限定 トートバッグ\n手作り の 革 財布 を 販売 し て い ます\n"
    );
    let o = jatopic(&["tokenize", "--mode", "extended"], text);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("'extended'"));
}

#[test]
fn a_model_is_used_in_the_mode_it_was_trained_in_and_refuses_another() {
    let search = train("search", "search.jtm");
    let normal = train("normal", "normal.jtm");
    let text = "関西国際空港限定トートバッグ\n";
    // terms --model takes the model's mode without being told.
    assert_eq!(
        terms(&search, &[], text),
        "{\"id\":\"stdin:1\",\"terms\":[\"関西\",\"国際\",\"空港\",\"限定\",\"トートバッグ\"]}\n"
    );
    assert_eq!(
        terms(&search, &[], text),
        terms(&search, &["--mode", "search"], text)
    );
    assert_eq!(
        terms(&normal, &[], text),
        "{\"id\":\"stdin:1\",\"terms\":[\"関西国際空港\",\"限定\",\"トートバッグ\"]}\n"
    );
    let (s, n) = (search.to_str().unwrap(), normal.to_str().unwrap());
    let trained_search =
        format!("{s} was trained with --mode search, this command was given --mode normal");
    let trained_normal =
        format!("{n} was trained with --mode normal, this command was given --mode search");
    for command in ["terms", "infer"] {
        refused(
            &[command, "--model", s, "--mode", "normal", "-"],
            &trained_search,
        );
        refused(
            &[command, "--model", n, "--mode", "search", "-"],
            &trained_normal,
        );
    }
    refused(
        &[
            "eval",
            "--model",
            s,
            "--mode",
            "normal",
            "--input-format",
            "text",
            "-",
        ],
        &trained_search,
    );
    // Given the model's own mode, infer runs.
    let inferred = stdout_of(
        &[
            "infer",
            "--input-format",
            "text",
            "--model",
            s,
            "--mode",
            "search",
            "-",
        ],
        text,
    );
    assert!(
        inferred.starts_with("{\"id\":\"stdin:1\",\"topics\":["),
        "{inferred}"
    );
}

#[test]
fn a_model_written_before_modes_existed_loads_as_a_normal_mode_model() {
    // Written by jatopic before this change (model format 2), from tests/golden/titles.txt:
    // train --k 2 --iterations 10 --seed 1 --min-df 2 --max-df 1.0 --input-format text
    let old = fixture("model-format-2.jtm");
    let bytes = std::fs::read(&old).unwrap();
    assert_eq!(bytes[12..14], 2u16.to_le_bytes());
    let model = jatopic::topic::model::Model::from_bytes(&bytes).unwrap();
    assert_eq!(
        model.terms.tokenizer,
        jatopic::tokenizer::config::TokenizerConfig::default()
    );
    assert!(model.info_json().contains(
        "\"tokenizer\":{\"lexicon\":\"compact\",\"mode\":\"normal\",\"user_dictionary\":null}"
    ));
    // A normal-mode model is still written as format 2 (readable by the
    // jatopic that wrote the fixture), a search-mode one as format 3.
    let version = |m: &Path| std::fs::read(m).unwrap()[12..14].to_vec();
    assert_eq!(version(&train("normal", "v2.jtm")), 2u16.to_le_bytes());
    assert_eq!(version(&train("search", "v3.jtm")), 3u16.to_le_bytes());
    refused(
        &["infer", "--model", &old, "--mode", "search", "-"],
        "model-format-2.jtm was trained with --mode normal",
    );
    let inferred = stdout_of(
        &["infer", "--input-format", "text", "--model", &old, "-"],
        "革財布\n",
    );
    assert!(
        inferred.starts_with("{\"id\":\"stdin:1\",\"topics\":["),
        "{inferred}"
    );
}
