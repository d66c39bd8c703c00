//! User dictionaries (`--user-dict`): the MeCab format against `mecab -u`
//! on a golden set of our own (tests/fixtures/user-dict: the shop's words
//! and sentences using them), the Kuromoji format on cases checked by hand
//! against Lucene's documented behaviour, every bad-input row of
//! docs/hardening.md's user-dictionary table, and the rule that a model
//! trained with a user dictionary is used with that one only.

mod common;

use jatopic::tokenizer::user_dict::parse::{parse, MAX_USER_DICT_BYTES};
use std::path::{Path, PathBuf};
use std::process::Output;

const MECAB_DICT_INDEX: &str = "/usr/lib/mecab/mecab-dict-index";
/// IPADIC's sources as Debian's `mecab-ipadic` installs them: the connection
/// matrix and context ids `mecab-dict-index` checks a user dictionary against.
const IPADIC_SOURCES: &str = "/usr/share/mecab/dic/ipadic";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/user-dict")
        .join(name)
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("jatopic-user-dict-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `program args` with `stdin`.
use common::{jatopic, run};

fn ok(out: Output, what: &str) -> String {
    assert!(
        out.status.success(),
        "{what}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn mecab_format_equals_mecab_u_on_the_golden_set() {
    if !common::tool("mecab") || !common::tool(MECAB_DICT_INDEX) {
        return;
    }
    if !Path::new(IPADIC_SOURCES).join("matrix.def").exists() {
        assert!(
            std::env::var("JATOPIC_REQUIRE_TOOLS").as_deref() != Ok("1"),
            "JATOPIC_REQUIRE_TOOLS=1 but {IPADIC_SOURCES} (Debian's mecab-ipadic) is missing"
        );
        eprintln!("SKIPPED: {IPADIC_SOURCES} not found (make setup)");
        return;
    }
    let dir = temp_dir("golden");
    let csv = fixture("shop.csv");
    let compiled = dir.join("shop.dic");
    ok(
        run(
            MECAB_DICT_INDEX,
            &[
                "-d",
                IPADIC_SOURCES,
                "-u",
                compiled.to_str().unwrap(),
                "-f",
                "utf-8",
                "-t",
                "utf-8",
                csv.to_str().unwrap(),
            ],
            b"",
        ),
        "mecab-dict-index",
    );
    let sentences = std::fs::read(fixture("sentences.txt")).unwrap();
    let expected = ok(
        run("mecab", &["-u", compiled.to_str().unwrap()], &sentences),
        "mecab -u",
    );
    let got = ok(
        jatopic(
            &[
                "tokenize",
                "--user-dict",
                csv.to_str().unwrap(),
                "--output",
                "mecab",
            ],
            &sentences,
        ),
        "jatopic tokenize --user-dict",
    );
    let expected: Vec<&str> = expected.split("EOS\n").collect();
    let got: Vec<&str> = got.split("EOS\n").collect();
    let lines = String::from_utf8(sentences).unwrap();
    let lines: Vec<&str> = lines.lines().collect();
    assert!(
        lines.len() >= 200,
        "the golden set has {} sentences",
        lines.len()
    );
    assert_eq!(expected.len(), got.len());
    let differing: Vec<String> = expected
        .iter()
        .zip(&got)
        .zip(&lines)
        .filter(|((e, g), _)| e != g)
        .map(|((e, g), l)| format!("{l}\nmecab -u:\n{e}jatopic:\n{g}"))
        .collect();
    eprintln!(
        "{} of {} sentences identical to mecab -u (9 fields)",
        lines.len() - differing.len(),
        lines.len()
    );
    assert!(differing.is_empty(), "{}", differing.join("\n"));
    // The user dictionary matters: without it, most sentences come out otherwise.
    let plain = ok(run("mecab", &[], lines.join("\n").as_bytes()), "mecab");
    let changed = plain
        .split("EOS\n")
        .zip(&expected)
        .filter(|(p, e)| p != *e)
        .count();
    assert!(
        changed >= 200,
        "only {changed} sentences use the user dictionary"
    );
}

/// `surface/pos1/reading` of each token of `text` with the Kuromoji-format
/// dictionary `csv`, in `mode`.
fn kuromoji(csv: &str, text: &str, mode: &str) -> Vec<String> {
    let dir = temp_dir("kuromoji");
    let path = dir.join(format!("{:x}.csv", fxhash(csv)));
    std::fs::write(&path, csv).unwrap();
    let out = ok(
        jatopic(
            &[
                "tokenize",
                "--user-dict",
                path.to_str().unwrap(),
                "--mode",
                mode,
                "--output",
                "json",
            ],
            format!("{text}\n").as_bytes(),
        ),
        "tokenize",
    );
    let tokens: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    tokens
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            format!(
                "{}/{}/{}",
                t["surface"].as_str().unwrap(),
                t["pos"][0].as_str().unwrap(),
                t["reading"].as_str().unwrap()
            )
        })
        .collect()
}

fn fxhash(s: &str) -> u64 {
    s.bytes().fold(0xcbf29ce484222325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100000001b3)
    })
}

#[test]
fn kuromoji_format_yields_the_given_segmentation_readings_and_pos() {
    // Elasticsearch's documented example: the entry wins and yields its two
    // segments with their readings and the custom POS.
    let dict = "# Elasticsearch's example\n東京スカイツリー,東京 スカイツリー,トウキョウ スカイツリー,カスタム名詞\n";
    assert_eq!(
        kuromoji(dict, "東京スカイツリーの夜景", "normal"),
        [
            "東京/カスタム名詞/トウキョウ",
            "スカイツリー/カスタム名詞/スカイツリー",
            "の/助詞/ノ",
            "夜景/名詞/ヤケイ"
        ]
    );
}

#[test]
fn a_matching_kuromoji_entry_wins_over_the_system_lexicon() {
    // Without the entry, IPADIC reads 関西国際空港 as one word; the entry
    // (cost −100000, as Lucene's) is taken and split as it says.
    let dict = "関西国際空港,関西 国際 空港,カンサイ コクサイ クウコウ,名詞-固有名詞-組織\n";
    assert_eq!(
        kuromoji(dict, "関西国際空港限定", "normal"),
        [
            "関西/名詞/カンサイ",
            "国際/名詞/コクサイ",
            "空港/名詞/クウコウ",
            "限定/名詞/ゲンテイ"
        ]
    );
    // One segment is the whole surface; the POS string splits at '-'.
    let out = ok(
        jatopic(
            &[
                "tokenize",
                "--user-dict",
                write_temp("pos.csv", "がま口,がま口,ガマグチ,名詞-一般\n")
                    .to_str()
                    .unwrap(),
                "--output",
                "mecab",
            ],
            "がま口ポーチ\n".as_bytes(),
        ),
        "tokenize",
    );
    assert!(
        out.starts_with("がま口\t名詞,一般,*,*,*,*,がま口,ガマグチ,ガマグチ\n"),
        "{out}"
    );
}

fn write_temp(name: &str, text: &str) -> PathBuf {
    let path = temp_dir("files").join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn kuromoji_entries_are_exempt_from_the_search_mode_penalty() {
    // Lucene's search mode penalises long nodes but not user entries: the
    // entry stays whole where search mode would split a lexicon word.
    let dict = "関西国際空港,関西国際空港,カンサイコクサイクウコウ,名詞-固有名詞-組織\n";
    assert_eq!(
        kuromoji(dict, "関西国際空港", "search"),
        ["関西国際空港/名詞/カンサイコクサイクウコウ"]
    );
}

#[test]
fn kuromoji_files_take_comments_quotes_and_repeated_identical_lines() {
    let dict = "# craft terms\n\n\"がま口\",\"がま 口\",\"ガマ グチ\",\"名詞,一般\"\r\nがま口,がま 口,ガマ グチ,\"名詞,一般\"\n";
    // A quoted POS with a comma is one string (no '-': the first field).
    assert_eq!(
        kuromoji(dict, "がま口", "normal"),
        ["がま/名詞,一般/ガマ", "口/名詞,一般/グチ"]
    );
}

/// Parses `text` as the user dictionary `u.csv` with the shipped dictionary.
fn parse_error(text: &[u8]) -> String {
    let tok = jatopic::default_tokenizer().unwrap();
    parse(text, "u.csv", tok.dictionary())
        .map(|_| ())
        .unwrap_err()
        .to_string()
}

/// The row `problem` of the user-dictionary table in docs/hardening.md
/// holds `message` and names this test.
fn documented(problem: &str, message: &str, test: &str) {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/hardening.md"))
            .unwrap();
    let row = doc
        .lines()
        .find(|l| l.starts_with(&format!("| user dictionary: {problem} |")))
        .unwrap_or_else(|| panic!("docs/hardening.md has no row for {problem:?}"));
    assert!(
        row.contains(message),
        "row {problem:?} lacks {message:?}:\n{row}"
    );
    assert!(row.contains(&format!("`user_dict::{test}`")), "{row}");
}

const GOOD: &str = "がま口,1285,1285,3000,名詞,一般,*,*,*,*,がま口,ガマグチ,ガマグチ\n";

#[test]
fn bad_user_dictionaries_name_the_file_line_and_problem() {
    let cases: [(&str, String, &str); 13] = [
        (
            "wrong number of columns",
            format!("{GOOD}ハーバリウム,1285,1285,3000,名詞,一般\n"),
            "u.csv:2: 6 columns, expected 13 (the MeCab format, detected from line 1)",
        ),
        (
            "unknown format",
            "a,b\n".into(),
            "u.csv:1: 2 columns: a user dictionary has 13 (MeCab's IPADIC CSV) or 4 (Kuromoji's surface,segmentation,readings,part_of_speech)",
        ),
        (
            "empty surface",
            format!("{GOOD},1285,1285,3000,名詞,一般,*,*,*,*,x,x,x\n"),
            "u.csv:2: empty surface",
        ),
        (
            "segmentation not concatenating to the surface",
            "東京スカイツリー,東京 ツリー,トウキョウ ツリー,名詞\n".into(),
            "u.csv:1: the segmentation concatenates to \"東京ツリー\", not to the surface \"東京スカイツリー\"",
        ),
        (
            "segment and reading counts differ",
            "東京スカイツリー,東京 スカイツリー,トウキョウスカイツリー,名詞\n".into(),
            "u.csv:1: 2 segments but 1 readings: each segment needs its reading",
        ),
        (
            "non-numeric id",
            "がま口,abc,1285,3000,名詞,一般,*,*,*,*,がま口,ガマグチ,ガマグチ\n".into(),
            "u.csv:1: left id \"abc\" is not a number",
        ),
        (
            "non-numeric cost",
            "がま口,1285,1285,3千,名詞,一般,*,*,*,*,がま口,ガマグチ,ガマグチ\n".into(),
            "u.csv:1: cost \"3千\" is not a number",
        ),
        (
            "id outside the matrix",
            "がま口,1285,5000,3000,名詞,一般,*,*,*,*,がま口,ガマグチ,ガマグチ\n".into(),
            "u.csv:1: right id 5000 is outside the connection matrix (0..1316)",
        ),
        (
            "cost outside 16 bits",
            "がま口,1285,1285,40000,名詞,一般,*,*,*,*,がま口,ガマグチ,ガマグチ\n".into(),
            "u.csv:1: cost 40000 is outside -32768..=32767",
        ),
        (
            "numbers beyond 32 bits are outside, not unreadable",
            "がま口,-3000000000,1285,3000,名詞,一般,*,*,*,*,がま口,ガマグチ,ガマグチ\n".into(),
            "u.csv:1: left id -3000000000 is outside the connection matrix (0..1316)",
        ),
        (
            "a cost of twenty digits",
            "がま口,1285,1285,99999999999999999999,名詞,一般,*,*,*,*,がま口,ガマグチ,ガマグチ\n"
                .into(),
            "u.csv:1: cost 99999999999999999999 is outside -32768..=32767",
        ),
        (
            "duplicate surfaces with conflicting entries",
            format!("{GOOD}{}", GOOD.replace("3000", "2000")),
            "u.csv:2: \"がま口\" conflicts with line 1: the same word with cost 2000, not 3000",
        ),
        (
            "conflicting Kuromoji entries",
            "がま口,がま口,ガマグチ,名詞\nがま口,がま 口,ガマ グチ,名詞\n".into(),
            "u.csv:2: \"がま口\" is already an entry (line 1) with another segmentation, reading or part of speech",
        ),
    ];
    for (problem, text, message) in cases {
        let e = parse_error(text.as_bytes());
        assert!(e.contains(message), "{problem}: {e}");
        documented(
            problem,
            message,
            "bad_user_dictionaries_name_the_file_line_and_problem",
        );
    }
    // Invalid UTF-8 names the line it is on.
    let mut bytes = GOOD.as_bytes().to_vec();
    bytes.extend_from_slice(b"\xff\xfe,1285,1285,3000\n");
    let e = parse_error(&bytes);
    assert!(e.contains("u.csv:2: not valid UTF-8"), "{e}");
    documented(
        "invalid UTF-8",
        "u.csv:2: not valid UTF-8",
        "bad_user_dictionaries_name_the_file_line_and_problem",
    );
    // No entries at all.
    assert!(parse_error(b"# nothing\n\n").contains("u.csv: no entries"));
    // An unclosed quote, an unknown POS without ids.
    assert!(parse_error(b"\"a,b,c,d\n").contains("u.csv:1: a quoted field is not closed"));
    let e = parse_error("がま口,,,3000,カスタム,*,*,*,*,*,がま口,ガマグチ,ガマグチ\n".as_bytes());
    assert!(
        e.contains(
            "u.csv:1: no context id has the POS カスタム,*,*,*,*,*: give the left and right ids"
        ),
        "{e}"
    );
}

#[test]
fn a_huge_user_dictionary_is_refused_before_it_is_read() {
    // The library refuses the bytes; the CLI refuses the file by its size.
    let e = parse_error(&vec![b'a'; MAX_USER_DICT_BYTES + 1]);
    assert!(e.contains("over the limit of 67108864 bytes"), "{e}");
    let path = temp_dir("huge").join("huge.csv");
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(100 << 20).unwrap(); // 100 MB, sparse
    let out = jatopic(&["tokenize", "--user-dict", path.to_str().unwrap()], b"x\n");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let message = "104857600 bytes, over the limit of 67108864 bytes for a user dictionary";
    assert!(stderr.contains(message), "{stderr}");
    documented(
        "a 100 MB file",
        message,
        "a_huge_user_dictionary_is_refused_before_it_is_read",
    );
}

#[test]
fn empty_ids_and_cost_are_assigned_from_the_pos() {
    // 名詞,一般 is context id 1285 (what mecab-dict-index assigns through
    // rewrite.def); an empty cost is the documented default.
    let tok = jatopic::default_tokenizer().unwrap();
    let user = parse(
        "がま口,,,,名詞,一般,*,*,*,*,がま口,ガマグチ,ガマグチ\nぽーち,,1283,100,名詞,固有名詞,組織,*,*,*,ぽーち,ポーチ,ポーチ\n"
            .as_bytes(),
        "u.csv",
        tok.dictionary(),
    )
    .unwrap();
    let c: Vec<_> = user
        .candidates
        .iter()
        .map(|c| (c.left, c.right, c.cost))
        .collect();
    assert!(c.contains(&(1285, 1285, 3000)), "{c:?}");
    assert!(c.contains(&(1292, 1283, 100)), "{c:?}");
}

/// Trains a small model, with `user` as its user dictionary when given.
fn train(dir: &Path, name: &str, user: Option<&Path>) -> PathBuf {
    let corpus = dir.join("corpus.txt");
    std::fs::copy(fixture("sentences.txt"), &corpus).unwrap();
    let model = dir.join(name);
    let mut args = vec![
        "train",
        "--k",
        "3",
        "--iterations",
        "10",
        "--min-df",
        "1",
        "--max-df",
        "1.0",
        "--input-format",
        "text",
        "--out",
        model.to_str().unwrap(),
    ];
    if let Some(u) = user {
        args.extend(["--user-dict", u.to_str().unwrap()]);
    }
    args.push(corpus.to_str().unwrap());
    ok(jatopic(&args, b""), "train");
    model
}

#[test]
fn a_model_is_used_only_with_the_user_dictionary_it_was_trained_with() {
    let dir = temp_dir("model");
    let shop = fixture("shop.csv");
    let other = dir.join("other.csv");
    std::fs::write(&other, GOOD).unwrap();
    let model = train(&dir, "with.jtm", Some(&shop));
    let m = model.to_str().unwrap();
    let docs = "{\"text\":\"がま口ポーチとハーバリウムを買った\"}\n".as_bytes();
    // The same file: the user's words are terms.
    let same = ok(
        jatopic(
            &[
                "terms",
                "--model",
                m,
                "--user-dict",
                shop.to_str().unwrap(),
                "--input-format",
                "ndjson",
                "-",
            ],
            docs,
        ),
        "terms",
    );
    assert!(
        same.contains("\"がま口ポーチ\"") && same.contains("\"ハーバリウム\""),
        "{same}"
    );
    for command in ["terms", "infer", "eval"] {
        let base = |extra: &[&str]| {
            let mut a = vec![command, "--model", m, "--input-format", "ndjson"];
            a.extend_from_slice(extra);
            a.push("-");
            jatopic(&a, docs)
        };
        // Missing.
        let out = base(&[]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{command}: {stderr}");
        assert!(
            stderr.contains("was trained with a user dictionary (SHA-256 ")
                && stderr
                    .contains("this command was given none: pass the same file with --user-dict"),
            "{command}: {stderr}"
        );
        // Different.
        let out = base(&["--user-dict", other.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{command}: {stderr}");
        assert!(
            stderr.contains("other.csv (SHA-256 ") && stderr.contains("is not the user dictionary"),
            "{command}: {stderr}"
        );
    }
    // A model trained without one refuses one.
    let plain = train(&dir, "without.jtm", None);
    let out = jatopic(
        &[
            "infer",
            "--model",
            plain.to_str().unwrap(),
            "--user-dict",
            shop.to_str().unwrap(),
            "--input-format",
            "ndjson",
            "-",
        ],
        docs,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("was trained without a user dictionary"),
        "{stderr}"
    );
    // A package of that model needs the same file (exit 1 without it, as
    // infer), and carries it in jatopic-userdict.js.
    let library = dir.join("lib.js");
    std::fs::write(&library, "// jatopic stand-in\nvar jatopic = {};\n").unwrap();
    let package = |out: &str, extra: &[&str]| {
        let out = dir.join(out);
        let mut args = vec![
            "package",
            "--gcs-prefix",
            "gs://my-bucket/jatopic",
            "--dataset",
            "my-project.jatopic",
            "--model",
            m,
            "--library",
            library.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        jatopic(&args, b"")
    };
    let out = package("pkg", &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("was trained with a user dictionary (SHA-256 ")
            && stderr.contains("this command was given none"),
        "{stderr}"
    );
    assert!(!dir.join("pkg").exists());
    let out = package("pkg", &["--user-dict", shop.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let manifest = std::fs::read_to_string(dir.join("pkg/manifest.json")).unwrap();
    assert!(manifest.contains("\"jatopic-userdict.js\""), "{manifest}");
}
