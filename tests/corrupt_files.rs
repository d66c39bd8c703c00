//! Corrupt and mismatched dictionary and model files: every case (truncated,
//! bit-flipped, wrong magic, future version, wrong checksum) is rejected by
//! the CLI with a message naming the file and the problem, and by the
//! library's `from_bytes` with an error, never a panic.

use jatopic::artifact::frame::Format;
use jatopic::topic::model::Model;
use jatopic::{Dictionary, Tokenizer};
use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_jatopic"))
}

fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("jatopic-corrupt-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The shipped dictionary.
fn dictionary_bytes() -> Vec<u8> {
    jatopic::DEFAULT_DICTIONARY.to_vec()
}

/// The full lexicon tier's dictionary (format 4, exact connection costs in
/// the payload, an empty stored section).
fn full_dictionary_bytes() -> Vec<u8> {
    let path = jatopic::tokenizer::shipped::full_dictionary_path().unwrap();
    std::fs::read(path).unwrap()
}

/// A small model trained by the CLI on sentences written for this test.
fn model_bytes() -> Vec<u8> {
    static MODEL: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    MODEL
        .get_or_init(|| {
            let dir = temp_dir();
            let corpus = dir.join("sentences.txt");
            let lines = [
                "陶器のマグカップでコーヒーを飲む",
                "手作りの陶器の皿と茶碗",
                "青い釉薬のマグカップと湯呑み",
                "毛糸で編んだニットの帽子",
                "冬のニット帽子と手袋を編む",
                "ウールの毛糸でマフラーを編む",
            ];
            std::fs::write(&corpus, lines.join("\n") + "\n").unwrap();
            let out = dir.join("small.jtm");
            let o = bin()
                .args(["train", "--k", "2", "--iterations", "20", "--min-df", "1"])
                .args(["--max-df", "1.0", "--input-format", "text", "--out"])
                .arg(&out)
                .arg(&corpus)
                .output()
                .unwrap();
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            std::fs::read(&out).unwrap()
        })
        .clone()
}

/// Header layout shared by both formats: magic, u16 version, then lengths and
/// an u64 checksum.
struct Layout {
    magic: usize,
    /// Offset of the u64 checksum.
    checksum: usize,
    /// Offset of the compressed payload (after the stored section, if any).
    payload: usize,
    /// The stored (uncompressed) section, dictionary only.
    stored: Option<std::ops::Range<usize>>,
}

/// Where `format`'s fields are in `file`.
fn layout(format: &Format, file: &[u8]) -> Layout {
    let m = format.magic.len();
    let head = format.header_len();
    let stored = if format.stored_section {
        u32::from_le_bytes(file[m + 2..m + 6].try_into().unwrap()) as usize
    } else {
        0
    };
    Layout {
        magic: m,
        checksum: format.checksum_offset(),
        payload: head + stored,
        stored: format.stored_section.then_some(head..head + stored),
    }
}

fn dictionary_layout(file: &[u8]) -> Layout {
    layout(&jatopic::tokenizer::dictionary::FORMAT, file)
}

fn model_layout() -> Layout {
    layout(&jatopic::topic::model::FORMAT, &model_bytes())
}

/// One corrupted file: a name for messages, its bytes and the phrases its
/// error must contain (any one of them).
struct Case {
    name: String,
    bytes: Vec<u8>,
    expected: Vec<String>,
}

fn case(name: impl Into<String>, bytes: Vec<u8>, expected: &[&str]) -> Case {
    Case {
        name: name.into(),
        bytes,
        expected: expected.iter().map(|e| e.to_string()).collect(),
    }
}

fn flip(file: &[u8], at: usize, bit: u8) -> Vec<u8> {
    let mut b = file.to_vec();
    b[at] ^= 1 << bit;
    b
}

/// Every corruption of `file` (a dictionary or model laid out as `l`).
fn cases(file: &[u8], l: &Layout, kind: &str) -> Vec<Case> {
    let n = file.len();
    // The versions a reader accepts: models of format 2 are still read, and
    // dictionaries of format 2 (the compact tier's, still written as such)
    // and 3 (the full tier's plain matrix).
    let expects = if kind == "dictionary" {
        "(expects 2 to 4)"
    } else {
        "(expects 2 to 3)"
    };
    // Bit 1 of the version: 2 becomes 0, 4 (a full-tier dictionary) 6.
    let flipped = u16::from_le_bytes([file[l.magic], file[l.magic + 1]]) ^ 2;
    let version_0 = format!("format version {flipped} is not supported by this jatopic {expects}");
    let version_9 = format!("format version 9 is not supported by this jatopic {expects}: re");
    let payload_len = n - l.payload;
    let mut out = vec![
        case("empty", Vec::new(), &["file is empty (0 bytes)"]),
        case(
            "truncated-in-magic",
            file[..5].to_vec(),
            &["truncated: the file has 5 bytes"],
        ),
        case(
            "truncated-in-header",
            file[..l.magic + 3].to_vec(),
            &[&format!("truncated: the file has {} bytes", l.magic + 3)],
        ),
        case(
            "truncated-after-header",
            file[..l.payload.min(l.checksum + 8)].to_vec(),
            &["truncated"],
        ),
        case(
            "truncated-in-payload",
            file[..l.payload + payload_len / 2].to_vec(),
            &["truncated"],
        ),
        case("truncated-by-one", file[..n - 1].to_vec(), &["truncated"]),
        case("magic-bit-flip", flip(file, 3, 2), &["bad magic"]),
        case("version-bit-flip", flip(file, l.magic, 1), &[&version_0]),
        case(
            "checksum-bit-flip",
            flip(file, l.checksum + 3, 5),
            &["checksum mismatch"],
        ),
        case(
            "wrong-version",
            {
                let mut b = file.to_vec();
                b[l.magic..l.magic + 2].copy_from_slice(&9u16.to_le_bytes());
                b
            },
            &[&version_9],
        ),
        case(
            "wrong-checksum",
            {
                let mut b = file.to_vec();
                b[l.checksum..l.checksum + 8].copy_from_slice(&0u64.to_le_bytes());
                b
            },
            &["checksum mismatch: the header says 0000000000000000"],
        ),
        case(
            "wrong-magic-png",
            [b"\x89PNG\r\n\x1a\n".as_slice(), &file[8..]].concat(),
            &["wrong magic"],
        ),
    ];
    // The other format's file: right shape, wrong magic.
    let other: &[u8] = if kind == "dictionary" {
        jatopic::topic::model::MAGIC
    } else {
        jatopic::tokenizer::dictionary::MAGIC
    };
    out.push(case(
        "wrong-magic-other-format",
        [other, &file[l.magic..]].concat(),
        &["bad magic"],
    ));
    for (i, at) in [l.payload + 20, l.payload + payload_len / 2, n - 40]
        .into_iter()
        .enumerate()
    {
        out.push(case(
            format!("payload-bit-flip-{i}"),
            flip(file, at, (i % 8) as u8),
            &["corrupted", "checksum mismatch"],
        ));
    }
    if let Some(stored) = l.stored.as_ref().filter(|s| !s.is_empty()) {
        out.push(case(
            "truncated-in-stored-section",
            file[..stored.start + stored.len() / 3].to_vec(),
            &["truncated: the header says the stored section has"],
        ));
        out.push(case(
            "stored-section-bit-flip",
            flip(file, stored.start + stored.len() / 2, 6),
            &["checksum mismatch"],
        ));
    }
    out
}

fn assert_message(case: &Case, path: &Path, stderr: &str) {
    assert!(
        stderr.contains(&*path.to_string_lossy()),
        "{}: the message does not name {}: {stderr}",
        case.name,
        path.display()
    );
    assert!(
        case.expected.iter().any(|e| stderr.contains(e.as_str())),
        "{}: expected one of {:?} in {stderr}",
        case.name,
        case.expected
    );
    assert!(!stderr.contains("panicked"), "{}: {stderr}", case.name);
    assert_eq!(
        stderr.matches("malformed data").count(),
        1,
        "{}: one problem, said once: {stderr}",
        case.name
    );
}

/// Runs `args` with `file`'s path appended after `option` and checks the failure.
fn cli_rejects(case: &Case, ext: &str, commands: &[&[&str]], option: &str) {
    let path = temp_dir().join(format!("{}.{ext}", case.name));
    std::fs::write(&path, &case.bytes).unwrap();
    for args in commands {
        let o = bin()
            .args(*args)
            .arg(option)
            .arg(&path)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(
            o.status.code(),
            Some(1),
            "{} {args:?}: expected exit status 1: {stderr}",
            case.name
        );
        assert_message(case, &path, &stderr);
    }
}

#[test]
fn cli_rejects_corrupt_dictionaries() {
    let file = dictionary_bytes();
    let l = dictionary_layout(&file);
    for c in cases(&file, &l, "dictionary") {
        cli_rejects(&c, "jtd", &[&["tokenize"], &["dict-info"]], "--dict");
    }
}

#[test]
fn cli_rejects_corrupt_full_dictionaries() {
    let file = full_dictionary_bytes();
    let l = dictionary_layout(&file);
    for c in cases(&file, &l, "dictionary") {
        cli_rejects(&c, "jtd", &[&["tokenize"], &["dict-info"]], "--dict");
    }
}

/// `--lexicon full` finds its files through `$JATOPIC_DICT_DIR` first: a
/// damaged one there is refused with its path, a compact dictionary in its
/// place as not of the full tier, and readings of another dictionary as
/// such. (A missing one is tested in `tokenizer::shipped`: the source
/// tree's `dict/` is always among the places looked in.)
#[test]
fn cli_rejects_a_damaged_full_lexicon() {
    let full = full_dictionary_bytes();
    let run = |dir: &Path, args: &[&str]| {
        let o = bin()
            .args(args)
            .env("JATOPIC_DICT_DIR", dir)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1), "{args:?} {}", dir.display());
        String::from_utf8_lossy(&o.stderr).into_owned()
    };
    let dir = temp_dir().join("full-lexicon");
    std::fs::create_dir_all(&dir).unwrap();
    let jtd = dir.join("ipadic-full.jtd");
    let l = dictionary_layout(&full);
    std::fs::write(&jtd, flip(&full, l.payload + 1000, 3)).unwrap();
    let e = run(&dir, &["dict-info", "--lexicon", "full"]);
    assert!(e.contains(&*jtd.to_string_lossy()), "{e}");
    assert!(
        e.contains("corrupted") || e.contains("checksum mismatch"),
        "{e}"
    );
    std::fs::write(&jtd, dictionary_bytes()).unwrap();
    let e = run(&dir, &["tokenize", "--lexicon", "full"]);
    assert!(e.contains("not a full-tier dictionary"), "{e}");
    // The right dictionary with the compact tier's readings beside it.
    std::fs::write(&jtd, &full).unwrap();
    let jtr = dir.join("ipadic-full-readings.jtr");
    std::fs::write(&jtr, jatopic::DEFAULT_READINGS).unwrap();
    let e = run(
        &dir,
        &["tokenize", "--lexicon", "full", "--output", "mecab"],
    );
    assert!(e.contains(&*jtr.to_string_lossy()), "{e}");
    assert!(!e.contains("panicked"), "{e}");
}

#[test]
fn cli_rejects_corrupt_models() {
    let file = model_bytes();
    for c in cases(&file, &model_layout(), "model") {
        let input = temp_dir().join("infer-input.txt");
        std::fs::write(&input, "陶器のマグカップ\n").unwrap();
        let input = input.to_str().unwrap().to_string();
        cli_rejects(
            &c,
            "jtm",
            &[
                &["topics"],
                &["vocab"],
                &["infer", "--input-format", "text", &input],
            ],
            "--model",
        );
    }
}

/// `from_bytes` gives an error (never a panic) for each case, with the problem named.
#[test]
fn library_rejects_every_case() {
    for dict in [dictionary_bytes(), full_dictionary_bytes()] {
        library_rejects_every_dictionary_case(&dict);
    }
    // A full-tier file relabelled as format 2 (which has no layout byte) is
    // misread from its first section on: an error, not a panic.
    let mut relabelled = full_dictionary_bytes();
    let m = jatopic::tokenizer::dictionary::MAGIC.len();
    relabelled[m..m + 2].copy_from_slice(&2u16.to_le_bytes());
    let r = std::panic::catch_unwind(|| Dictionary::from_bytes(&relabelled));
    assert!(r.expect("panicked").is_err(), "relabelled file accepted");
    library_rejects_every_model_case();
}

fn library_rejects_every_dictionary_case(dict: &[u8]) {
    for c in cases(dict, &dictionary_layout(dict), "dictionary") {
        let r = std::panic::catch_unwind(|| Dictionary::from_bytes(&c.bytes));
        let e = r
            .unwrap_or_else(|_| panic!("dictionary {}: panicked", c.name))
            .err()
            .unwrap_or_else(|| panic!("dictionary {}: accepted", c.name))
            .to_string();
        assert!(
            c.expected.iter().any(|x| e.contains(x.as_str())),
            "dictionary {}: {e}",
            c.name
        );
        assert!(e.contains("dictionary"), "{}: {e}", c.name);
    }
}

fn library_rejects_every_model_case() {
    let model = model_bytes();
    for c in cases(&model, &model_layout(), "model") {
        let r = std::panic::catch_unwind(|| Model::from_bytes(&c.bytes));
        let e = r
            .unwrap_or_else(|_| panic!("model {}: panicked", c.name))
            .err()
            .unwrap_or_else(|| panic!("model {}: accepted", c.name))
            .to_string();
        assert!(
            c.expected.iter().any(|x| e.contains(x.as_str())),
            "model {}: {e}",
            c.name
        );
        assert!(e.contains("model"), "{}: {e}", c.name);
    }
}

/// Every truncation and every single-bit flip of a small model: an error or,
/// when the flip lands in bits the decoder ignores, the very same model.
#[test]
fn model_every_truncation_and_bit_flip() {
    let file = model_bytes();
    let good = Model::from_bytes(&file).unwrap();
    for n in 0..file.len() {
        let r = std::panic::catch_unwind(|| Model::from_bytes(&file[..n]));
        assert!(
            r.expect("panicked").is_err(),
            "truncated to {n} bytes: accepted"
        );
    }
    let mut ignored = 0;
    for at in 0..file.len() {
        for bit in 0..8 {
            let bad = flip(&file, at, bit);
            let r = std::panic::catch_unwind(|| Model::from_bytes(&bad));
            match r.unwrap_or_else(|_| panic!("byte {at} bit {bit}: panicked")) {
                Err(_) => {}
                Ok(m) => {
                    assert_eq!(m, good, "byte {at} bit {bit}: a different model accepted");
                    ignored += 1;
                }
            }
        }
    }
    // Only a handful of bits (padding, unused flags) may be ignored.
    eprintln!(
        "{ignored} of {} single-bit flips decode to the same model",
        file.len() * 8
    );
    assert!(ignored <= 64, "{ignored} bit flips went unnoticed");
}

/// Truncations and bit flips spread over the whole dictionary file: an
/// error or, when the flip lands in bits the decoder ignores, the very same
/// dictionary (every table equal) that analyses the golden lines alike.
#[test]
fn dictionary_sampled_truncations_and_bit_flips() {
    let file = dictionary_bytes();
    let good = Dictionary::from_bytes(&file).unwrap();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/");
    let lines: Vec<String> = ["titles", "news", "edge"]
        .iter()
        .flat_map(|name| {
            let text = std::fs::read_to_string(format!("{dir}{name}.txt")).unwrap();
            text.lines().map(str::to_string).collect::<Vec<_>>()
        })
        .collect();
    assert!(
        lines.len() > 100,
        "golden lines to compare: {}",
        lines.len()
    );
    let good_tokens: Vec<_> = {
        let tok = Tokenizer::new(good.clone());
        lines
            .iter()
            .map(|l| format!("{:?}", tok.tokenize(l)))
            .collect()
    };
    let step = file.len() / 37;
    for n in (0..file.len()).step_by(step).chain([file.len() - 1]) {
        let r = std::panic::catch_unwind(|| Dictionary::from_bytes(&file[..n]));
        assert!(
            r.expect("panicked").is_err(),
            "truncated to {n} bytes: accepted"
        );
    }
    let mut ignored = 0;
    for (i, at) in (0..file.len()).step_by(step / 2 + 1).enumerate() {
        let bad = flip(&file, at, (i % 8) as u8);
        let r = std::panic::catch_unwind(|| Dictionary::from_bytes(&bad));
        if let Ok(d) = r.unwrap_or_else(|_| panic!("byte {at}: panicked")) {
            // Not assert_eq!: the Debug of a dictionary is megabytes.
            assert!(d == good, "byte {at}: a different dictionary accepted");
            let tok = Tokenizer::new(d);
            for (line, expected) in lines.iter().zip(&good_tokens) {
                assert_eq!(
                    &format!("{:?}", tok.tokenize(line)),
                    expected,
                    "byte {at}: {line:?} analysed differently"
                );
            }
            ignored += 1;
        }
    }
    eprintln!("{ignored} sampled bit flips decode to the same dictionary");
}
