//! Inputs the fuzz targets in fuzz/ found (minimised, in tests/fuzz/), replayed
//! exactly as the targets frame them: each must now be a clear error, not a
//! panic or a model that answers with infinities.

use jatopic::artifact::lzma::Compression;
use jatopic::io::input::{read_documents, InputFormat, InputOptions, DECODER_PANICKED};
use jatopic::topic::model::Model;
use jatopic::{Dictionary, Error, ErrorKind};

/// fuzz/fuzz_targets/dict_load.rs: mode byte, then (odd mode) stored length
/// (u16 LE), stored section, payload, framed under a correct header: format
/// 3 with bit 6 of the mode, else 2.
fn dict_file(input: &[u8]) -> Vec<u8> {
    use jatopic::tokenizer::dictionary::{FORMAT, FORMAT_VERSION, OLDEST_FORMAT_VERSION};
    let (mode, rest) = input.split_first().unwrap();
    assert_eq!(mode & 1, 1, "a framed input");
    let n = (u16::from_le_bytes([rest[0], rest[1]]) as usize).min(rest.len() - 2);
    let (stored, payload) = rest[2..].split_at(n);
    let version = if mode & 0x40 != 0 {
        FORMAT_VERSION
    } else {
        OLDEST_FORMAT_VERSION
    };
    jatopic::artifact::frame::Format { version, ..FORMAT }
        .write(stored, payload, Compression::preset(0))
        .unwrap()
}

/// fuzz/fuzz_targets/model_load.rs: mode byte, then (odd mode) the payload,
/// framed under a correct header: format 3 with bit 6 of the mode, else 2.
fn model_file(input: &[u8]) -> Vec<u8> {
    use jatopic::topic::model::{FORMAT, FORMAT_VERSION, OLDEST_FORMAT_VERSION};
    let (mode, payload) = input.split_first().unwrap();
    assert_eq!(mode & 1, 1, "a framed input");
    let version = if mode & 0x40 != 0 {
        FORMAT_VERSION
    } else {
        OLDEST_FORMAT_VERSION
    };
    jatopic::artifact::frame::Format { version, ..FORMAT }
        .write(&[], payload, Compression::preset(0))
        .unwrap()
}

fn format_error(e: Error) -> String {
    match e.kind() {
        ErrorKind::Format => e.message(),
        _ => panic!("expected a format error, got {e:?}"),
    }
}

#[test]
fn dictionary_with_a_paradigm_but_no_shapes_is_an_error() {
    // Panicked with "index out of bounds" (then src/tokenizer/dictionary.rs; now lexicon/paradigms.rs, paradigm shapes).
    let file = dict_file(include_bytes!("fuzz/dict_load-paradigm-without-shapes"));
    let message = format_error(Dictionary::from_bytes(&file).unwrap_err());
    assert!(
        message.contains("paradigm shape refers to an empty table"),
        "{message}"
    );
}

#[test]
fn dictionary_with_a_lemma_but_no_paradigms_is_an_error() {
    // Panicked with "index out of bounds" (then src/tokenizer/dictionary.rs; now lexicon/paradigms.rs, lemmas' paradigms).
    let file = dict_file(include_bytes!("fuzz/dict_load-lemma-without-paradigms"));
    let message = format_error(Dictionary::from_bytes(&file).unwrap_err());
    assert!(
        message.contains("paradigm index refers to an empty table"),
        "{message}"
    );
}

#[test]
fn dictionary_cost_that_overflows_is_an_error() {
    // Found under ASan with overflow checks: "attempt to multiply with
    // overflow" (a codebook value times the cost quantum); a release build
    // wrapped silently. Without overflow checks this only asserts the error.
    let file = dict_file(include_bytes!("fuzz/dict_load-cost-overflow"));
    let message = format_error(Dictionary::from_bytes(&file).unwrap_err());
    assert!(message.contains("cost out of range"), "{message}");
}

#[test]
fn model_whose_beta_underflows_is_an_error() {
    // Loaded, then gave p(word | topic) = inf: a positive but subnormal β
    // times the vocabulary size is 0, and 1 / (0 + Vβ) is infinite.
    let file = model_file(include_bytes!("fuzz/model_load-beta-underflow"));
    let message = format_error(Model::from_bytes(&file).unwrap_err());
    assert!(
        message.contains("beta") && message.contains("too small"),
        "{message}"
    );
}

#[test]
fn smallest_ordinary_beta_still_loads() {
    // The check rejects only an overflowing p(word | topic), not small priors.
    let m = Model::new(
        jatopic::topic::terms::TermConfig::default(),
        vec!["a".into(), "b".into()],
        vec![0.1, 0.1],
        1e-300,
        vec![0, 0, 0, 0],
        Default::default(),
    )
    .unwrap();
    assert!(m.phi(0, 0).is_finite());
}

#[test]
fn truncated_parquet_page_header_does_not_hang() {
    // A hang in the parquet crate: its thrift decoder skips the elements of a
    // list whose declared size is huge, one zero-byte read at a time past the
    // end of the file. Fixed by readers that fail at the end (EndStrictFile).
    // The minimised fuzz input must be rejected promptly (the wait for a hang
    // is long; the CPU time bound is what a regression breaks).
    assert_parquet_rejected_within(include_bytes!("fuzz/read_parquet-thrift-skip-hang"), 1.0);
}

/// Reads a `read_parquet` fuzz input (flag byte, then the file) as that
/// target frames it, on a thread, and fails unless the read ends in the error
/// for an unreadable file (not a decoder panic caught by the reader) within
/// `cpu_secs` of the thread's CPU time.
///
/// CPU time, counted by the kernel, is the work the read did: unlike a
/// wall-clock deadline it does not grow when other tests or processes share
/// the machine. A read that never ends is caught by a generous wall-clock wait.
fn assert_parquet_rejected_within(input: &'static [u8], cpu_secs: f64) {
    // One directory per call: the tests run in parallel.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!(
        "jatopic-fuzz-regress-{}-{call}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("input.parquet");
    std::fs::write(&path, &input[1..]).unwrap();
    let path = path.display().to_string();
    let (tx, rx) = std::sync::mpsc::channel();
    let reader_path = path.clone();
    std::thread::spawn(move || {
        let opts = InputOptions {
            format: Some(InputFormat::Parquet),
            id_field: (input[0] & 1 != 0).then(|| "id".into()),
            terms_field: (input[0] & 2 != 0).then(|| "terms".into()),
            label_field: (input[0] & 4 != 0).then(|| "label".into()),
            max_bad_rows: match input[0] & 24 {
                0 => 0,
                8 => 3,
                _ => u64::MAX,
            },
            ..InputOptions::default()
        };
        let started = ThreadCpuClock::start();
        let result = read_documents(&[reader_path], &opts, &mut |_| {});
        let _ = tx.send((result.map(|(docs, _)| docs.len()), started.elapsed_secs()));
    });
    let finished = rx.recv_timeout(std::time::Duration::from_secs(120));
    let _ = std::fs::remove_dir_all(&dir);
    let Ok((result, used)) = finished else {
        panic!(
            "reading a {}-byte corrupt Parquet file did not finish within 120 s",
            input.len() - 1
        );
    };
    match result {
        Err(e) if e.kind() == ErrorKind::Format => {
            let m = e.message();
            assert!(!m.contains(DECODER_PANICKED), "{m}");
            assert!(
                m.starts_with(&format!("{path}: not a readable Parquet file: ")),
                "{m}"
            );
        }
        other => panic!("expected the error for an unreadable file, got {other:?}"),
    }
    assert!(
        used <= cpu_secs,
        "reading a {}-byte corrupt Parquet file took {used:.3} s of CPU time (at most {cpu_secs} s)",
        input.len() - 1
    );
}

/// The CPU time of the calling thread: Linux's per-thread scheduler
/// statistics, else (elsewhere) wall-clock time.
enum ThreadCpuClock {
    Cpu(u64),
    Wall(std::time::Instant),
}

impl ThreadCpuClock {
    /// Nanoseconds the calling thread has run on a CPU (`/proc/thread-self/schedstat`).
    fn cpu_ns() -> Option<u64> {
        let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
        stat.split_whitespace().next()?.parse().ok()
    }

    fn start() -> ThreadCpuClock {
        match Self::cpu_ns() {
            Some(ns) => ThreadCpuClock::Cpu(ns),
            None => ThreadCpuClock::Wall(std::time::Instant::now()),
        }
    }

    /// Seconds since `start`, on the calling thread (the one that started it).
    fn elapsed_secs(&self) -> f64 {
        match self {
            ThreadCpuClock::Cpu(start) => {
                let now = Self::cpu_ns().expect("schedstat was readable at the start");
                (now - start) as f64 / 1e9
            }
            ThreadCpuClock::Wall(start) => start.elapsed().as_secs_f64(),
        }
    }
}

#[test]
fn model_with_subnormal_priors_gives_proportions_summing_to_one() {
    // Found under ASan: K = 1, alpha ~ 7.7e-304, beta ~ 1.4e-309. p(w | k) times
    // alpha underflows to 0, and the fold-in's fallback loses token mass: the
    // one topic got 1/3 (three terms) instead of 1. Fixed by the fold-in that
    // gives the copies of one word shared responsibilities.
    let file = model_file(include_bytes!("fuzz/model_load-subnormal-priors"));
    let model = Model::from_bytes(&file).unwrap();
    let theta = model.infer_terms(&["", "", ""]);
    assert!((theta.iter().sum::<f64>() - 1.0).abs() < 1e-6, "{theta:?}");
}

#[test]
fn model_whose_fold_in_sum_is_subnormal_gives_finite_proportions() {
    // Found by fuzzing: K = 1, α = 5e-324 (the least subnormal). A token with
    // no other context gets weight p · α = 5e-324, whose reciprocal overflows:
    // normalising by multiplying with it gave [inf].
    let file = model_file(include_bytes!("fuzz/model_load-subnormal-sum"));
    let model = Model::from_bytes(&file).unwrap();
    let term = model.vocab[0].clone();
    let theta = model.infer_terms(&[term]);
    assert!(
        theta.iter().all(|x| x.is_finite() && *x >= 0.0),
        "{theta:?}"
    );
    assert!((theta.iter().sum::<f64>() - 1.0).abs() < 1e-6, "{theta:?}");
}

#[test]
fn bool_list_in_a_page_header_is_skipped_quickly() {
    // Found by fuzzing (a libFuzzer timeout): 1,595 bytes take 3.5 s to be
    // rejected in a release build ("Unexpected struct field type 15"). The
    // crate's `skip_till_depth` treats a list element of boolean type as
    // having no data, so a list whose header declares ~2^31 booleans loops
    // that often without reading, and a file can hold many such lists. Only
    // 1,051 reads reach the file, so no reader wrapper can stop it. Fixed in
    // the crate: vendor/parquet (see its PATCHED.md) reads a byte per boolean
    // element. Must be rejected in well under a second of CPU time, as every
    // other corrupt file of this size is.
    assert_parquet_rejected_within(include_bytes!("fuzz/read_parquet-bool-list-skip-slow"), 1.0);
}

#[test]
fn bool_list_reached_after_a_misread_field_is_skipped_quickly() {
    // Found by fuzzing after a first fix that walked the footer and page
    // headers before the crate (a libFuzzer timeout, 7 s in a release
    // build): the crate reads a known field by its declared type whatever
    // its wire type, so its reading of the bytes after such a field differs
    // from any generic walk, and it met a boolean list the walk never saw.
    // Only fixing the crate's skip bounds it.
    assert_parquet_rejected_within(
        include_bytes!("fuzz/read_parquet-bool-list-after-desync"),
        1.0,
    );
}
