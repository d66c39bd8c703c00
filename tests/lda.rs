//! Topic-model tests: recovery of known topics, byte-identical models at any
//! thread count, and the CLI's handling of bad input.

mod common;

use jatopic::topic::train::{train, Docs, TrainOptions};
use std::process::Command;

/// Small deterministic generator for the synthetic corpora.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
    fn pick(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut u = self.next() * total;
        for (i, &w) in weights.iter().enumerate() {
            if u < w {
                return i;
            }
            u -= w;
        }
        weights.len() - 1
    }
}

/// K topics over V words: topic k puts most of its mass on its own 20 words
/// (with unequal weights) and shares a little with the others.
fn synthetic(
    k: usize,
    v: usize,
    docs: usize,
    len: usize,
    seed: u64,
) -> (Vec<Vec<f64>>, Vec<Vec<u32>>) {
    let mut rng = Lcg(seed);
    let topics: Vec<Vec<f64>> = (0..k)
        .map(|t| {
            let mut p: Vec<f64> = (0..v)
                .map(|w| {
                    if w / (v / k) == t {
                        1.0 + 4.0 * rng.next()
                    } else {
                        0.02
                    }
                })
                .collect();
            let s: f64 = p.iter().sum();
            p.iter_mut().for_each(|x| *x /= s);
            p
        })
        .collect();
    let corpus = (0..docs)
        .map(|_| {
            // Each document mixes two topics.
            let (a, b) = (
                (rng.next() * k as f64) as usize,
                (rng.next() * k as f64) as usize,
            );
            let mix = rng.next();
            (0..len)
                .map(|_| {
                    let t = if rng.next() < mix { a } else { b };
                    rng.pick(&topics[t]) as u32
                })
                .collect()
        })
        .collect();
    (topics, corpus)
}

fn cosine(a: &[f64], b: &[f64]) -> f64 {
    let dot: f64 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na: f64 = a.iter().map(|x| x * x).sum::<f64>().sqrt();
    let nb: f64 = b.iter().map(|x| x * x).sum::<f64>().sqrt();
    dot / (na * nb)
}

#[test]
fn recovers_known_topics() {
    let (k, v) = (5, 100);
    let (truth, corpus) = synthetic(k, v, 600, 60, 7);
    let opts = TrainOptions {
        k,
        iterations: 150,
        ..TrainOptions::default()
    };
    let t = train(&Docs::from(&corpus[..]), v, &opts, 2, 0, &mut |_, _, _| {}).unwrap();
    let learned: Vec<Vec<f64>> = (0..k)
        .map(|topic| {
            let col: Vec<f64> = (0..v)
                .map(|w| f64::from(t.word_topic[w * k + topic]) + 0.01)
                .collect();
            let s: f64 = col.iter().sum();
            col.into_iter().map(|x| x / s).collect()
        })
        .collect();
    let mean: f64 = truth
        .iter()
        .map(|tr| learned.iter().map(|l| cosine(tr, l)).fold(0.0, f64::max))
        .sum::<f64>()
        / k as f64;
    assert!(mean >= 0.95, "mean best-match cosine {mean:.4}");
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_jatopic"))
}

fn temp(name: &str) -> std::path::PathBuf {
    common::temp_path("lda", name)
}

/// NDJSON of pre-tokenized documents from the synthetic corpus.
fn write_terms_corpus(path: &std::path::Path) {
    let (_, corpus) = synthetic(4, 60, 200, 40, 3);
    let lines: Vec<String> = corpus
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let terms: Vec<String> = d.iter().map(|w| format!("\"w{w}\"")).collect();
            format!("{{\"id\":\"d{i}\",\"terms\":[{}]}}", terms.join(","))
        })
        .collect();
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
}

#[test]
fn model_files_are_identical_at_1_2_and_4_threads() {
    let input = temp("det.ndjson");
    write_terms_corpus(&input);
    let mut files = Vec::new();
    for threads in [1, 2, 4] {
        let out = temp(&format!("det-{threads}.jtm"));
        let o = bin()
            .args([
                "train",
                "--k",
                "4",
                "--iterations",
                "30",
                "--seed",
                "42",
                "--optimize-alpha",
                "--terms-field",
                "terms",
            ])
            .args(["--threads", &threads.to_string(), "--out"])
            .arg(&out)
            .arg(&input)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        files.push(std::fs::read(&out).unwrap());
    }
    assert_eq!(files[0], files[1]);
    assert_eq!(files[0], files[2]);
}

fn fails_with(args: &[&str], stdin: &str, expected: &str) {
    use std::io::Write;
    let mut child = bin()
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The command may fail before reading its input: a broken pipe here is
    // expected then, and the exit status and message below are what count.
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success(), "{args:?} should fail");
    assert!(
        err.contains(expected),
        "{args:?}: expected {expected:?} in {err:?}"
    );
}

#[test]
fn bad_input_is_reported() {
    let out = temp("bad.jtm");
    let out = out.to_str().unwrap();
    fails_with(
        &[
            "train",
            "--k",
            "2",
            "--out",
            out,
            "--input-format",
            "ndjson",
            "-",
        ],
        "{\"text\": \"東京\"}\n{not json}\n",
        "<stdin>:2: invalid JSON",
    );
    fails_with(
        &[
            "train",
            "--k",
            "2",
            "--out",
            out,
            "--input-format",
            "ndjson",
            "-",
        ],
        "{\"body\": \"x\"}\n",
        "field \"text\" is missing",
    );
    fails_with(
        &[
            "train",
            "--k",
            "0",
            "--out",
            out,
            "--input-format",
            "text",
            "-",
        ],
        "猫が好き\n",
        "--k must be at least 1",
    );
    let two_terms = "陶器のマグカップ\n陶器のマグカップ\n陶器のマグカップ\n";
    fails_with(
        &[
            "train",
            "--k",
            "50",
            "--out",
            out,
            "--max-df",
            "1",
            "--input-format",
            "text",
            "-",
        ],
        two_terms,
        "larger than the vocabulary",
    );
    fails_with(
        &[
            "train",
            "--k",
            "2",
            "--out",
            out,
            "--input-format",
            "text",
            "-",
        ],
        "\n\n",
        "no terms left after filtering",
    );
    fails_with(
        &[
            "train",
            "--k",
            "2",
            "--out",
            out,
            "--input-format",
            "csv",
            "-",
        ],
        "id,body\n1,x\n",
        "no column \"text\"",
    );
    let corrupt = temp("corrupt.jtm");
    std::fs::write(&corrupt, b"JATOPIC-LDA\n\x01\x00garbage").unwrap();
    fails_with(
        &["topics", "--model", corrupt.to_str().unwrap()],
        "",
        "corrupt.jtm",
    );
    std::fs::write(&corrupt, b"not a model").unwrap();
    fails_with(
        &["topics", "--model", corrupt.to_str().unwrap()],
        "",
        "bad magic",
    );
}

#[test]
fn train_infer_topics_terms_round_trip() {
    let input = temp("rt.ndjson");
    write_terms_corpus(&input);
    let model = temp("rt.jtm");
    let o = bin()
        .args([
            "train",
            "--k",
            "4",
            "--iterations",
            "20",
            "--terms-field",
            "terms",
            "--out",
        ])
        .arg(&model)
        .arg(&input)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("documents read 200, skipped (malformed) 0, empty 0, used 200"),
        "{err}"
    );
    let o = bin()
        .args([
            "infer",
            "--terms-field",
            "terms",
            "--id-field",
            "id",
            "--model",
        ])
        .arg(&model)
        .arg(&input)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8(o.stdout).unwrap();
    assert_eq!(out.lines().count(), 200);
    assert!(out.starts_with("{\"id\":\"d0\",\"topics\":["), "{out}");
    let o = bin()
        .args(["topics", "--output", "json", "--model"])
        .arg(&model)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(o.stdout).unwrap().lines().count(), 4);
}

/// Splits a TSV with a header into every fifth row (held out) and the rest.
fn split_tsv(tsv: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b'\t')
        .from_path(tsv)
        .unwrap();
    let (train, heldout) = (temp("lo-train.tsv"), temp("lo-heldout.tsv"));
    let writer = |p: &std::path::Path| {
        csv::WriterBuilder::new()
            .delimiter(b'\t')
            .from_path(p)
            .unwrap()
    };
    let (mut w_train, mut w_held) = (writer(&train), writer(&heldout));
    let header = reader.headers().unwrap().clone();
    w_train.write_record(&header).unwrap();
    w_held.write_record(&header).unwrap();
    let mut rows = 0;
    for (i, row) in reader.records().enumerate() {
        let row = row.unwrap();
        if i % 5 == 4 {
            &mut w_held
        } else {
            &mut w_train
        }
        .write_record(&row)
        .unwrap();
        rows += 1;
    }
    assert!(rows >= 1000, "{}: only {rows} rows", tsv.display());
    (train, heldout)
}

/// Topics on real text: LibreOffice help pages should group by module, and
/// the model should predict pages it was not trained on. Skips (with a
/// message) without the shared data folder.
#[test]
fn libreoffice_help_topics_follow_modules() {
    let Some(tsv) = common::shared("topics/libreoffice_help.tsv") else {
        return;
    };
    // Held-out likelihood is measured on pages the model never saw.
    let (train_tsv, heldout_tsv) = split_tsv(&tsv);
    let model = temp("lo.jtm");
    let o = bin()
        .args([
            "train",
            "--k",
            "9",
            "--iterations",
            "100",
            "--id-field",
            "file",
            "--label-field",
            "module",
            "--out",
        ])
        .arg(&model)
        .arg(&train_tsv)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = bin()
        .args(["eval", "--label-field", "module", "--model"])
        .arg(&model)
        .arg("--input")
        .arg(&heldout_tsv)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8(o.stdout).unwrap();
    let field = |name: &str| -> f64 {
        let at = out
            .find(&format!("\"{name}\":"))
            .unwrap_or_else(|| panic!("{name} in {out}"))
            + name.len()
            + 3;
        out[at..].split([',', '}']).next().unwrap().parse().unwrap()
    };
    eprintln!("{out}");
    // Random topics give NMI ≈ 0.01 and purity ≈ the largest module's share.
    assert!(field("nmi") >= 0.2, "{out}");
    assert!(field("purity") >= 0.4, "{out}");
    assert!(field("heldout_log_likelihood") > -7.0, "{out}");
    assert!(field("mean_npmi") > 0.05, "{out}");
}
