//! The bad-input table (docs/hardening.md, "Bad input") through the CLI:
//! `jatopic tokenize` in every format, `jatopic terms` and `jatopic infer`,
//! including NUL bytes, invalid UTF-8 inside lines and a 5 MiB line. The SQL
//! columns are tested by js/test/badinput.test.mjs; each test here also checks
//! that the table's row holds the CLI cells it backs.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const K: usize = 3;

mod common;
use common::jatopic;

fn ok(args: &[&str], stdin: &[u8]) -> String {
    let out = jatopic(args, stdin);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A small model trained on sentences of our own, once per test run.
fn model() -> &'static str {
    static MODEL: OnceLock<PathBuf> = OnceLock::new();
    MODEL
        .get_or_init(|| {
            let dir = std::env::temp_dir().join(format!("jatopic-bad-input-{}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            let corpus = dir.join("corpus.txt");
            std::fs::write(
                &corpus,
                "東京で手作りの陶器を買った\nＬＥＤライト付きのランプを作った\nカフェでケーキを食べた\n猫が好きでカフェに行く\nランプとライトを手作りする\n陶器のマグカップを東京で売る\n",
            )
            .unwrap();
            let model = dir.join("model.jtm");
            let (c, m) = (corpus.to_str().unwrap(), model.to_str().unwrap());
            ok(
                &[
                    "train", "--k", "3", "--iterations", "20", "--min-df", "1", "--max-df", "1.0",
                    "--input-format", "text", "--out", m, c,
                ],
                b"",
            );
            model
        })
        .to_str()
        .unwrap()
}

/// The `terms` of each NDJSON row `{"text": ...}` (given as JSON values).
fn terms(texts: &[&str]) -> Vec<Vec<String>> {
    let input: String = texts
        .iter()
        .map(|t| format!("{{\"text\":{t}}}\n"))
        .collect();
    ok(
        &["terms", "--input-format", "ndjson", "--model", model(), "-"],
        input.as_bytes(),
    )
    .lines()
    .map(|l| {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        v["terms"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap().to_string())
            .collect()
    })
    .collect()
}

/// The topics `infer` gives each NDJSON row `{"text": ...}`.
fn topics(texts: &[&str]) -> Vec<Vec<f64>> {
    let input: String = texts
        .iter()
        .map(|t| format!("{{\"text\":{t}}}\n"))
        .collect();
    ok(
        &["infer", "--input-format", "ndjson", "--model", model(), "-"],
        input.as_bytes(),
    )
    .lines()
    .map(|l| {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        v["topics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect()
    })
    .collect()
}

fn assert_prior(theta: &[f64]) {
    assert_eq!(theta.len(), K);
    assert!(
        theta.iter().all(|x| (x - 1.0 / K as f64).abs() < 1e-12),
        "{theta:?}"
    );
}

/// Tokens of one line through `tokenize --output json`, checking that they
/// tile it: code-point offsets, only skipped whitespace between them.
fn tokens(line: &str) -> Vec<String> {
    let out = ok(
        &["tokenize", "--output", "json"],
        format!("{line}\n").as_bytes(),
    );
    let rows: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 1, "one result per line");
    let chars: Vec<char> = line.strip_suffix('\r').unwrap_or(line).chars().collect();
    let mut at = 0;
    let mut surfaces = Vec::new();
    for t in rows[0].as_array().unwrap() {
        let (start, end) = (
            t["start"].as_u64().unwrap() as usize,
            t["end"].as_u64().unwrap() as usize,
        );
        assert!(start >= at && end > start, "{t}");
        assert!(
            chars[at..start]
                .iter()
                .all(|c| matches!(c, ' ' | '\t' | '\u{b}')),
            "{t}"
        );
        let surface: String = chars[start..end].iter().collect();
        assert_eq!(t["surface"].as_str().unwrap(), surface);
        surfaces.push(surface);
        at = end;
    }
    assert!(chars[at..]
        .iter()
        .all(|c| matches!(c, ' ' | '\t' | '\u{b}')));
    // wakati is the same surfaces, one line; mecab one line per token + EOS.
    let wakati = ok(&["tokenize"], format!("{line}\n").as_bytes());
    assert_eq!(wakati, format!("{}\n", surfaces.join(" ")));
    let mecab = ok(
        &["tokenize", "--output", "mecab"],
        format!("{line}\n").as_bytes(),
    );
    let mecab_surfaces: Vec<&str> = mecab
        .strip_suffix("EOS\n")
        .unwrap()
        .split_terminator('\n')
        .map(|l| l.rsplit_once('\t').unwrap().0)
        .collect();
    // A surface holding a tab would be ambiguous; none does (tabs are skipped).
    assert_eq!(mecab_surfaces, surfaces);
    surfaces
}

/// The table row `name` in docs/hardening.md must hold `cells`.
fn documented(name: &str, cells: &[&str]) {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/hardening.md"))
            .expect("docs/hardening.md");
    let row = doc
        .lines()
        .find(|l| l.starts_with(&format!("| {name}: ")))
        .unwrap_or_else(|| panic!("docs/hardening.md has no bad-input row {name:?}"));
    let test = format!("`bad_input::{}`", rust_name(name));
    for cell in cells.iter().chain([&test.as_str()]) {
        let cell = cell.replace('|', "\\|");
        assert!(
            row.contains(&format!(" {cell} |")),
            "row {name:?} lacks the cell {cell:?}:\n{row}"
        );
    }
}

fn rust_name(name: &str) -> String {
    let mut out = String::new();
    for c in name.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_matches('_').to_string()
}

const CLI_SAME: &str = "same terms and topics as SQL, bit for bit";

#[test]
fn null() {
    documented(
        "NULL",
        &[
            "— (a line is never NULL)",
            "`\"text\": null` is no text: terms `[]`, topics = normalised α",
        ],
    );
    assert_eq!(terms(&["null"]), vec![Vec::<String>::new()]);
    assert_prior(&topics(&["null"])[0]);
}

#[test]
fn empty() {
    documented(
        "empty",
        &[
            "an empty line / `EOS` / `[]`",
            "terms `[]`, topics = normalised α",
        ],
    );
    assert_eq!(ok(&["tokenize"], b"\n\n"), "\n\n");
    assert_eq!(ok(&["tokenize", "--output", "mecab"], b"\n"), "EOS\n");
    assert_eq!(ok(&["tokenize", "--output", "json"], b"\r\n"), "[]\n");
    assert_eq!(terms(&["\"\""]), vec![Vec::<String>::new()]);
    assert_prior(&topics(&["\"\""])[0]);
}

#[test]
fn whitespace_only() {
    documented(
        "whitespace-only",
        &[
            "spaces and tabs skipped; U+3000 and U+00A0 are 記号 tokens (as MeCab)",
            "terms `[]`, topics = normalised α",
        ],
    );
    assert!(tokens(" \t \u{b} ").is_empty());
    assert_eq!(tokens(" \t\u{3000}\u{a0} "), ["\u{3000}", "\u{a0}"]);
    let blank = "\" \\t\\u3000\\u00a0 \"";
    assert_eq!(terms(&[blank]), vec![Vec::<String>::new()]);
    assert_prior(&topics(&[blank])[0]);
}

#[test]
fn string_of_5_mb() {
    documented(
        "string of 5 MB",
        &[
            "one result line, nothing dropped (surfaces + skipped spaces = the line)",
            "one document, all of its terms",
        ],
    );
    let sentence = "手作りの陶器マグカップを販売しています。";
    let tail = "abcdefghijklmnopqrst";
    let line = sentence.repeat(87_381) + tail;
    assert_eq!(line.len(), 5 * 1024 * 1024);
    let input = format!("{line}\n");
    for format in ["wakati", "mecab"] {
        let out = ok(&["tokenize", "--output", format], input.as_bytes());
        let surfaces: String = if format == "wakati" {
            assert_eq!(out.matches('\n').count(), 1);
            out.trim_end_matches('\n').split(' ').collect()
        } else {
            assert_eq!(out.matches("EOS\n").count(), 1);
            out.lines()
                .filter(|l| *l != "EOS")
                .map(|l| l.split_once('\t').unwrap().0)
                .collect()
        };
        assert!(surfaces == line, "{format}: the line is not reproduced");
    }
    let json = ok(&["tokenize", "--output", "json"], input.as_bytes());
    assert_eq!(json.matches('\n').count(), 1);
    let last: serde_json::Value = serde_json::from_str(json.trim_end()).unwrap();
    let last = last.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["end"].as_u64(), Some(line.chars().count() as u64));
    // One document: its terms are the sentence's, 87,381 times, then the tail's.
    let one = terms(&[&format!("\"{sentence}\"")]).remove(0);
    let doc = serde_json::to_string(&line).unwrap();
    let all = terms(&[&doc]).remove(0);
    assert_eq!(
        all.len(),
        one.len() * 87_381 + terms(&[&format!("\"{tail}\"")])[0].len()
    );
    assert_eq!(&all[..one.len()], &one[..]);
    let theta = topics(&[&doc]).remove(0);
    // 1.7 million tokens: the sum is 1 to about 1e-11, not 1e-12.
    assert!((theta.iter().sum::<f64>() - 1.0).abs() < 1e-9, "{theta:?}");
}

#[test]
fn lone_surrogates() {
    documented(
        "lone surrogates",
        &[
            "cannot occur in UTF-8; their bytes are invalid UTF-8: see \"invalid UTF-8\"",
            "cannot occur in UTF-8; a `\"\\ud800\"` escape is a malformed row: see \"invalid UTF-8\"",
        ],
    );
    // A surrogate encoded as UTF-8 bytes (ED A0 80) is invalid UTF-8.
    let out = jatopic(&["tokenize"], b"\xed\xa0\x80\xe6\x9d\xb1\xe4\xba\xac\n");
    assert!(out.status.success());
    assert_eq!(out.stdout, b"\n");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 1: invalid UTF-8, skipped"), "{err}");
    for row in [r#"{"text":"\ud800"}"#, r#"{"text":"x\udc00"}"#] {
        let out = jatopic(&["terms", "--input-format", "ndjson", "-"], row.as_bytes());
        assert_eq!(out.status.code(), Some(2), "{row}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("<stdin>:1: invalid JSON: "), "{err}");
    }
}

#[test]
fn control_characters() {
    documented(
        "control characters",
        &[
            "same tokens as SQL (a line ends at `\\n`; a final `\\r` is removed as CRLF); raw in wakati/mecab, escaped in json",
            CLI_SAME,
        ],
    );
    let line = "a\u{7}b\u{1b}[0m東京\tに\r行く\u{7f}\u{85}\u{b}\r";
    assert_eq!(
        tokens(line),
        [
            "a",
            "\u{7}",
            "b",
            "\u{1b}",
            "[",
            "0",
            "m",
            "東京",
            "に",
            "\r",
            "行く",
            "\u{7f}\u{85}"
        ]
    );
    let json = ok(&["tokenize", "--output", "json"], b"\x07\n");
    assert!(json.contains(r#""surface":"\u0007""#), "{json}");
    assert_eq!(ok(&["tokenize"], b"a\x07b\r\n"), "a \x07 b\n");
    assert_eq!(
        terms(&[&serde_json::to_string(line).unwrap()]),
        vec![vec!["a", "b", "m", "東京", "行く"]]
    );
}

#[test]
fn nul() {
    documented(
        "NUL",
        &[
            "NUL bytes are characters: same tokens as SQL (`\\u0000` in json)",
            CLI_SAME,
        ],
    );
    assert_eq!(tokens("東京\0に\0"), ["東京", "\0", "に", "\0"]);
    assert_eq!(ok(&["tokenize"], "東京\0に\n".as_bytes()), "東京 \0 に\n");
    let json = ok(&["tokenize", "--output", "json"], b"\0\n");
    assert!(json.contains(r#""surface":"\u0000""#), "{json}");
    // Plain-text input: the NUL byte is read, not a line end or an error.
    let out = ok(
        &["terms", "--input-format", "text", "-"],
        "東京\0に猫\n".as_bytes(),
    );
    assert!(out.contains(r#""terms":["東京","猫"]"#), "{out}");
}

#[test]
fn emoji_zwj_sequences_and_variation_selectors() {
    documented(
        "emoji ZWJ sequences and variation selectors",
        &["same tokens as SQL", CLI_SAME],
    );
    assert_eq!(
        tokens("👨\u{200d}👩\u{200d}👧が好き❤\u{fe0f}と☺\u{fe0e}"),
        [
            "👨", "\u{200d}", "👩", "\u{200d}", "👧", "が", "好き", "❤", "\u{fe0f}", "と", "☺",
            "\u{fe0e}"
        ]
    );
    assert_eq!(
        terms(&["\"👨\\u200d👩が好き❤\\ufe0f\""]),
        vec![vec!["好き"]]
    );
}

#[test]
fn combining_marks() {
    documented("combining marks", &["same tokens as SQL", CLI_SAME]);
    assert_eq!(
        tokens("か\u{3099}ぎ\u{301}e\u{301}\u{301}"),
        ["か", "\u{3099}ぎ", "\u{301}", "e", "\u{301}\u{301}"]
    );
}

#[test]
fn latin_cyrillic_and_hangul_with_japanese() {
    documented(
        "Latin, Cyrillic and Hangul with Japanese",
        &["same tokens as SQL", CLI_SAME],
    );
    assert_eq!(
        tokens("Москваで김치を食べたcafé"),
        ["Москва", "で", "김치", "を", "食べ", "た", "café"]
    );
    assert_eq!(
        terms(&["\"Москваで김치を食べたcafé\""]),
        vec![vec!["Москва", "食べる", "café"]]
    );
}

#[test]
fn html_and_urls() {
    documented("HTML and URLs", &["same tokens as SQL", CLI_SAME]);
    let t = tokens("<b>東京</b>&amp; https://example.com/a?b=c&d=東京");
    assert_eq!(t[..9], ["<", "b", ">", "東京", "</", "b", ">&", "amp", ";"]);
}

#[test]
fn full_width_ascii() {
    documented(
        "full-width ASCII",
        &[
            "same tokens as SQL (`--normalize` for ASCII tokens)",
            CLI_SAME,
        ],
    );
    let t = tokens("ＬＥＤライト　ＳＩＺＥ１２３！");
    assert_eq!(t[..4], ["ＬＥＤ", "ライト", "\u{3000}", "ＳＩＺＥ"]);
    // --normalize analyses the ASCII forms; offsets still refer to the input.
    let out = ok(&["tokenize", "--normalize"], "ＬＥＤライト\n".as_bytes());
    assert_eq!(out, "ＬＥＤ ライト\n");
    assert_eq!(
        terms(&["\"ＬＥＤライト　ＳＩＺＥ１２３！\""]),
        vec![vec!["led", "ライト", "size"]]
    );
}

#[test]
fn invalid_utf_8() {
    documented(
        "invalid UTF-8",
        &[
            "stderr `jatopic: line N: invalid UTF-8, skipped`, an empty result in its place (output line N is input line N), `L lines read, S skipped (invalid UTF-8)` at the end; exit 0",
            "a malformed row, `FILE:LINE: invalid UTF-8` (or `invalid JSON: ...` for a `\"\\ud800\"` escape): exit 2, or skipped and counted with `--max-bad-rows N`",
        ],
    );
    let input: &[u8] = b"\xe6\x9d\xb1\xe4\xba\xac\n\xed\xa0\x80A\n\xffB\r\n\xe7\x8c\xab\n";
    for (format, expected) in [
        ("wakati", "東京\n\n\n猫\n"),
        ("mecab", "東京\t名詞,固有名詞,地域,一般,*,*,東京,トウキョウ,トーキョー\nEOS\nEOS\nEOS\n猫\t名詞,一般,*,*,*,*,猫,ネコ,ネコ\nEOS\n"),
    ] {
        let out = jatopic(&["tokenize", "--output", format], input);
        assert!(out.status.success());
        assert_eq!(String::from_utf8(out.stdout).unwrap(), expected, "{format}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("jatopic: line 2: invalid UTF-8, skipped"), "{err}");
        assert!(err.contains("jatopic: line 3: invalid UTF-8, skipped"), "{err}");
        assert!(err.contains("jatopic: 4 lines read, 2 skipped (invalid UTF-8)"), "{err}");
    }
    let json = ok(&["tokenize", "--output", "json"], input);
    assert_eq!(json.lines().collect::<Vec<_>>()[1..3], ["[]", "[]"]);
    // terms/infer: a malformed row stops the read unless --max-bad-rows allows it.
    for cmd in ["terms", "infer"] {
        let mut args = vec![cmd, "--input-format", "text", "-"];
        if cmd == "infer" {
            args.extend(["--model", model()]);
        }
        let out = jatopic(&args, input);
        assert_eq!(out.status.code(), Some(2), "{cmd}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("<stdin>:2: invalid UTF-8"), "{cmd}: {err}");
        args.extend(["--max-bad-rows", "2"]);
        let out = jatopic(&args, input);
        assert!(
            out.status.success(),
            "{cmd}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let rows = String::from_utf8(out.stdout).unwrap();
        assert_eq!(rows.lines().count(), 2, "{cmd}: {rows}");
        assert!(
            rows.contains("\"stdin:1\"") && rows.contains("\"stdin:4\""),
            "{rows}"
        );
    }
}
