//! The command line's conventions: --help with examples on every command,
//! --version, `help CMD`, suggestions for typos, one-line errors with a
//! hint, exit codes 0 / 1 failure / 2 usage, shell completions.

use std::process::{Command, Output, Stdio};

const COMMANDS: [&str; 12] = [
    "tokenize",
    "build-dict",
    "eval",
    "dict-info",
    "train",
    "infer",
    "topics",
    "terms",
    "vocab",
    "sample",
    "package",
    "completions",
];

fn jatopic(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jatopic"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn version_and_top_level_help() {
    let o = jatopic(&["--version"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        text(&o.stdout),
        format!("jatopic {}\n", env!("CARGO_PKG_VERSION"))
    );
    for args in [&["--help"][..], &["help"], &["-h"]] {
        let o = jatopic(args);
        assert_eq!(o.status.code(), Some(0), "{args:?}");
        let out = text(&o.stdout);
        for cmd in COMMANDS {
            assert!(out.contains(&format!("  {cmd} ")), "{args:?} lists {cmd}");
        }
        assert!(out.contains("Examples:"), "{out}");
    }
}

#[test]
fn every_command_has_help_with_an_example() {
    for cmd in COMMANDS {
        let o = jatopic(&[cmd, "--help"]);
        assert_eq!(o.status.code(), Some(0), "{cmd} --help");
        let out = text(&o.stdout);
        assert!(out.contains(&format!("Usage: jatopic {cmd}")), "{out}");
        assert!(
            out.contains("Example"),
            "{cmd} --help has no example:\n{out}"
        );
        assert!(out.contains(&format!("jatopic {cmd} ")), "{cmd}: {out}");
        // `help CMD` is the same text.
        let h = jatopic(&["help", cmd]);
        assert_eq!(h.status.code(), Some(0));
        assert_eq!(text(&h.stdout), out, "help {cmd}");
    }
}

#[test]
fn help_wins_over_missing_required_options() {
    let o = jatopic(&["train", "--help"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(text(&o.stderr).is_empty(), "{}", text(&o.stderr));
}

#[test]
fn typos_get_a_suggestion_and_exit_2() {
    let o = jatopic(&["tokenze"]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(err.contains("unrecognized subcommand 'tokenze'"), "{err}");
    assert!(
        err.contains("similar subcommand exists: 'tokenize'"),
        "{err}"
    );
    let o = jatopic(&[
        "train",
        "--k",
        "2",
        "--out",
        "m.jtm",
        "--itertions",
        "3",
        "x",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(
        err.contains("similar argument exists: '--iterations'"),
        "{err}"
    );
    // The usage line, not the whole help.
    assert!(err.lines().count() <= 8, "{err}");
}

#[test]
fn usage_errors_are_one_line_with_a_hint_and_exit_2() {
    let o = jatopic(&["train", "--k", "0", "--out", "m.jtm", "-"]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert_eq!(lines[0], "jatopic: invalid input: --k must be at least 1");
    assert!(lines[1].starts_with("hint: "), "{err}");
    assert!(err.ends_with('\n'));
    // A missing required option and a bad value are usage errors too.
    assert_eq!(
        jatopic(&["train", "--out", "m.jtm", "x"]).status.code(),
        Some(2)
    );
    let o = jatopic(&["infer", "--model", "m.jtm", "--output", "xml", "x"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("possible values: ndjson, csv"));
    let o = jatopic(&["terms", "--input-format", "yaml", "x"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("unknown input format \"yaml\""));
}

#[test]
fn failures_exit_1_naming_the_file() {
    let o = jatopic(&["topics", "--model", "/nonexistent/model.jtm"]);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(err.starts_with("jatopic: "), "{err}");
    assert!(err.contains("/nonexistent/model.jtm"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn completions_for_three_shells() {
    for (shell, marker) in [
        ("bash", "_jatopic()"),
        ("zsh", "#compdef jatopic"),
        ("fish", "complete -c jatopic"),
    ] {
        let o = jatopic(&["completions", shell]);
        assert_eq!(o.status.code(), Some(0), "{shell}");
        let out = text(&o.stdout);
        assert!(out.contains(marker), "{shell}: {out:.200}");
        assert!(out.contains("tokenize"), "{shell}");
    }
    assert_eq!(jatopic(&["completions", "tcsh"]).status.code(), Some(2));
}

/// `--readings` goes with `--dict`; readings built for another dictionary are
/// refused naming the file, and the right ones give MeCab's nine fields.
#[test]
fn readings_of_another_dictionary_are_refused_naming_the_file() {
    use jatopic::tokenizer::dictionary::readings::FORMAT;
    let dir = std::env::temp_dir().join(format!("jatopic-cli-readings-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let dict = dir.join("d.jtd");
    std::fs::write(&dict, jatopic::DEFAULT_DICTIONARY).unwrap();
    let (good, bad) = (dir.join("good.jtr"), dir.join("bad.jtr"));
    std::fs::write(&good, jatopic::DEFAULT_READINGS).unwrap();
    // The same readings, claiming another dictionary's checksum.
    let mut payload = FORMAT.read(jatopic::DEFAULT_READINGS).unwrap().payload;
    payload[0] ^= 1;
    let other = FORMAT
        .write(&[], &payload, jatopic::artifact::lzma::SMALLEST)
        .unwrap();
    std::fs::write(&bad, other).unwrap();
    let run = |readings: &std::path::Path| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_jatopic"))
            .args(["tokenize", "--output", "mecab", "--dict"])
            .arg(&dict)
            .arg("--readings")
            .arg(readings)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all("猫\n".as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let o = run(&good);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(text(&o.stdout), "猫\t名詞,一般,*,*,*,*,猫,ネコ,ネコ\nEOS\n");
    let o = run(&bad);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(err.contains("bad.jtr"), "{err}");
    assert!(
        err.contains("readings were made for another dictionary"),
        "{err}"
    );
    // --readings alone is a usage error: it belongs to --dict.
    let o = jatopic(&["tokenize", "--readings", "x.jtr"]);
    assert_eq!(o.status.code(), Some(2));
}
