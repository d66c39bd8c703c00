//! Training faults: malformed rows beyond `--max-bad-rows` (NDJSON, CSV,
//! Parquet), SIGINT/SIGTERM during training (the previous model is kept, no
//! partial file is left) and an unusable output location (reported before
//! any input is read).

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_jatopic"))
}

/// A fresh directory per test.
fn temp_dir(test: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("jatopic-faults-test-{}/{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// File names in `dir`, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Pre-tokenized NDJSON with `docs` documents of 40 terms over 2,000 words:
/// with many iterations, training runs far longer than any test waits.
fn write_big_corpus(path: &Path, docs: usize) {
    let mut state = 12345u64;
    let mut text = String::new();
    for _ in 0..docs {
        let terms: Vec<String> = (0..40)
            .map(|_| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                format!("\"w{}\"", (state >> 33) % 2000)
            })
            .collect();
        text.push_str(&format!("{{\"terms\":[{}]}}\n", terms.join(",")));
    }
    std::fs::write(path, text).unwrap();
}

/// `jatopic train` on `input` into `out`; `extra` adds options.
fn train(out: &Path, input: &Path, extra: &[&str]) -> Command {
    let mut c = bin();
    c.args(["train", "--k", "2", "--min-df", "1", "--max-df", "1.0"])
        .args(extra)
        .arg("--out")
        .arg(out)
        .arg(input)
        .stdin(Stdio::null());
    c
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

// ---- malformed rows --------------------------------------------------------

/// Runs training on a file whose malformed rows are `bad` (line numbers) and
/// checks, for --max-bad-rows 0, 1 and 2, that reading stops at the row past
/// the limit, naming it and the first malformed row, with the earlier ones
/// warned about; and that no model or temporary file is left.
fn check_max_bad_rows(dir: &Path, input: &Path, bad: [u64; 3], extra: &[&str]) {
    let file = input.to_string_lossy();
    let out = dir.join("model.jtm");
    for limit in 0..3usize {
        let o = train(&out, input, extra)
            .args(["--max-bad-rows", &limit.to_string()])
            .output()
            .unwrap();
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "limit {limit}: {err}");
        let stop = format!(
            "{file}:{}: ",
            bad[limit] // the (limit + 1)-th malformed row stops the run
        );
        assert!(
            err.contains(&stop),
            "limit {limit}: expected {stop:?} in {err}"
        );
        let exceed = format!(
            "(stopping: {} malformed rows exceed --max-bad-rows {limit}",
            limit + 1
        );
        assert!(err.contains(&exceed), "limit {limit}: {err}");
        if limit > 0 {
            let first = format!("; the first was {file}:{})", bad[0]);
            assert!(
                err.contains(&first),
                "limit {limit}: expected {first:?} in {err}"
            );
        }
        // Every skipped row was warned about, with its location.
        for &line in &bad[..limit] {
            let warned = format!("jatopic: {file}:{line}: ");
            assert!(
                err.contains(&warned),
                "limit {limit}: no warning {warned:?} in {err}"
            );
        }
        assert!(!err.contains("iteration"), "trained anyway: {err}");
        assert!(!out.exists(), "a model was written");
        assert!(
            listing(dir).iter().all(|n| !n.contains(".tmp-")),
            "temporary file left: {:?}",
            listing(dir)
        );
    }
    // One more allowed bad row than there are: trains, reporting the skips.
    let o = train(&out, input, extra)
        .args(["--max-bad-rows", "3", "--iterations", "5"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("skipped (malformed) 3"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn ndjson_bad_rows_beyond_the_limit_stop_the_run() {
    let dir = temp_dir("ndjson");
    let input = dir.join("rows.ndjson");
    std::fs::write(
        &input,
        "{\"text\":\"陶器のマグカップ\"}\n\
         {\"text\": broken\n\
         {\"text\":\"ニットの帽子\"}\n\
         {\"body\":\"no text field\"}\n\
         {\"text\":\"手作りの皿\"}\n\
         [1,2]\n\
         {\"text\":\"毛糸のマフラー\"}\n",
    )
    .unwrap();
    check_max_bad_rows(&dir, &input, [2, 4, 6], &[]);
}

#[test]
fn csv_bad_rows_beyond_the_limit_stop_the_run() {
    let dir = temp_dir("csv");
    let input = dir.join("rows.csv");
    std::fs::write(
        &input,
        "id,text\n\
         1,陶器のマグカップ\n\
         2,ニットの帽子,extra\n\
         3,手作りの皿\n\
         4\n\
         5,毛糸のマフラー\n\
         6,a,b,c\n",
    )
    .unwrap();
    check_max_bad_rows(&dir, &input, [3, 5, 7], &[]);
}

/// Parquet rows are malformed when a value has the wrong type: here a
/// BOOLEAN id (null ids fall back to the default id and are fine).
#[test]
fn parquet_bad_rows_beyond_the_limit_stop_the_run() {
    use parquet::data_type::{BoolType, ByteArray, ByteArrayType};
    use parquet::file::properties::WriterProperties;
    use parquet::file::writer::SerializedFileWriter;
    use std::sync::Arc;

    let dir = temp_dir("parquet");
    let input = dir.join("rows.parquet");
    let schema = Arc::new(
        parquet::schema::parser::parse_message_type(
            "message schema { OPTIONAL BOOLEAN id; REQUIRED BYTE_ARRAY text (UTF8); }",
        )
        .unwrap(),
    );
    let file = std::fs::File::create(&input).unwrap();
    let props = Arc::new(WriterProperties::builder().build());
    let mut writer = SerializedFileWriter::new(file, schema, props).unwrap();
    let mut group = writer.next_row_group().unwrap();
    // Rows 2, 4 and 6 have a (boolean) id: malformed.
    let mut w = group.next_column().unwrap().unwrap();
    w.typed::<BoolType>()
        .write_batch(&[true, false, true], Some(&[0, 1, 0, 1, 0, 1, 0]), None)
        .unwrap();
    w.close().unwrap();
    let texts: Vec<ByteArray> = [
        "陶器のマグカップ",
        "ニットの帽子",
        "手作りの皿",
        "毛糸のマフラー",
        "青い茶碗",
        "冬の手袋",
        "木のスプーン",
    ]
    .iter()
    .map(|&s| s.into())
    .collect();
    let mut w = group.next_column().unwrap().unwrap();
    w.typed::<ByteArrayType>()
        .write_batch(&texts, None, None)
        .unwrap();
    w.close().unwrap();
    group.close().unwrap();
    writer.close().unwrap();
    check_max_bad_rows(&dir, &input, [2, 4, 6], &["--id-field", "id"]);

    // A file that is not Parquet at all: an error naming it, at once.
    let broken = dir.join("broken.parquet");
    let mut bytes = std::fs::read(&input).unwrap();
    bytes.truncate(bytes.len() / 2);
    std::fs::write(&broken, bytes).unwrap();
    let o = train(&dir.join("model.jtm"), &broken, &[])
        .output()
        .unwrap();
    let err = stderr(&o);
    assert!(!o.status.success(), "{err}");
    assert!(err.contains(&*broken.to_string_lossy()), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

// ---- interrupted training --------------------------------------------------

/// Starts a long training run over an existing model, sends `signal` once
/// sampling has begun, and checks the exit status, the message, that the old
/// model is byte-identical and that nothing else is left in the directory.
fn interrupt_training(test: &str, signal: &str, status: i32, said: &str) {
    use std::io::BufRead;
    let dir = temp_dir(test);
    let input = dir.join("corpus.ndjson");
    write_big_corpus(&input, 4000);
    let out = dir.join("model.jtm");
    let o = train(
        &out,
        &input,
        &["--terms-field", "terms", "--iterations", "2"],
    )
    .output()
    .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let old = std::fs::read(&out).unwrap();
    let before = listing(&dir);

    let mut child = train(
        &out,
        &input,
        &[
            "--terms-field",
            "terms",
            "--iterations",
            "1000000",
            "--threads",
            "1",
        ],
    )
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let mut lines = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let reader = std::thread::spawn(move || {
        let mut all = String::new();
        for line in lines.by_ref() {
            let line = line.unwrap_or_default();
            if line.contains("documents read") {
                let _ = tx.send(());
            }
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    // Sampling has started once the corpus summary is printed.
    rx.recv_timeout(Duration::from_secs(60))
        .expect("training did not start within 60 s");
    std::thread::sleep(Duration::from_millis(700));
    let kill = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let started = Instant::now();
    let code = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s.code();
        }
        if started.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!("training still running 30 s after {signal}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let err = reader.join().unwrap();
    assert_eq!(code, Some(status), "{err}");
    assert!(err.contains(said), "expected {said:?} in {err}");
    assert!(
        err.contains(&format!(
            "{} was not written (the previous file, if any, is kept) and no partial file was left",
            out.display()
        )),
        "{err}"
    );
    assert_eq!(
        std::fs::read(&out).unwrap(),
        old,
        "the previous model changed"
    );
    assert_eq!(listing(&dir), before, "files left behind");
}

#[test]
fn sigint_keeps_the_previous_model() {
    interrupt_training("sigint", "-INT", 130, "jatopic: interrupted (SIGINT)");
}

#[test]
fn sigterm_keeps_the_previous_model() {
    interrupt_training("sigterm", "-TERM", 143, "jatopic: terminated (SIGTERM)");
}

// ---- output location checked first ----------------------------------------

/// Trains into `out` on a corpus that takes far longer than the check: the
/// run must fail within a few seconds, before reading the input, naming the
/// output path and `problem`.
fn fails_before_training(dir: &Path, out: &Path, problem: &str) {
    fails_before_training_as(dir, out, problem, None)
}

/// [`fails_before_training`], run as the unprivileged user `as_user` (uid
/// and gid) when given, so that permission bits apply even to root.
fn fails_before_training_as(dir: &Path, out: &Path, problem: &str, as_user: Option<u32>) {
    let input = dir.join("corpus.ndjson");
    if !input.exists() {
        write_big_corpus(&input, 4000);
    }
    let started = Instant::now();
    let mut cmd = train(
        out,
        &input,
        &["--terms-field", "terms", "--iterations", "1000000"],
    );
    if let Some(id) = as_user {
        // setpriv (util-linux) runs the same command line with the ids dropped.
        let program = cmd.get_program().to_owned();
        let args: Vec<_> = cmd.get_args().map(|a| a.to_owned()).collect();
        cmd = Command::new("setpriv");
        cmd.args([
            format!("--reuid={id}"),
            format!("--regid={id}"),
            "--clear-groups".into(),
        ])
        .arg(program)
        .args(args)
        .stdin(Stdio::null());
    }
    let o = cmd.output().unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "took {:?}: {err}",
        started.elapsed()
    );
    assert!(err.contains(&*out.to_string_lossy()), "{err}");
    assert!(err.contains(problem), "expected {problem:?} in {err}");
    assert!(err.contains("checked before reading the input"), "{err}");
    assert!(
        !err.contains("documents read") && !err.contains("iteration"),
        "read or trained first: {err}"
    );
}

/// The uid and gid of `nobody` on Debian.
const NOBODY: u32 = 65534;

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

#[test]
fn missing_output_directory_fails_first() {
    let dir = temp_dir("missing-dir");
    fails_before_training(
        &dir,
        &dir.join("no-such-dir/model.jtm"),
        "No such file or directory",
    );
}

#[test]
fn output_under_a_regular_file_fails_first() {
    let dir = temp_dir("under-file");
    let file = dir.join("somefile");
    std::fs::write(&file, "not a directory").unwrap();
    fails_before_training(&dir, &file.join("model.jtm"), "Not a directory");
}

#[test]
fn output_that_is_a_directory_fails_first() {
    let dir = temp_dir("is-dir");
    fails_before_training(&dir, &dir, "is a directory");
}

#[test]
fn read_only_output_directory_fails_first() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp_dir("read-only");
    let locked = dir.join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
    // Root ignores permission bits: run jatopic as `nobody` then, which
    // needs to traverse the test directory and read the corpus.
    let as_user = is_root().then_some(NOBODY);
    if as_user.is_some() {
        for d in [dir.parent().unwrap(), &dir] {
            std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        write_big_corpus(&dir.join("corpus.ndjson"), 4000);
        let corpus = dir.join("corpus.ndjson");
        std::fs::set_permissions(&corpus, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    fails_before_training_as(
        &dir,
        &locked.join("model.jtm"),
        "Permission denied",
        as_user,
    );
    assert!(listing(&locked).is_empty());
}

/// A 64 KB tmpfs: the space reserved for the model does not fit.
#[test]
fn full_disk_fails_first() {
    let dir = temp_dir("full-disk");
    let tiny = dir.join("tiny");
    std::fs::create_dir(&tiny).unwrap();
    if !is_root() {
        // Only where it cannot run at all (a developer's unprivileged
        // machine); CI runs as root, and there a failed mount fails the test.
        assert!(
            std::env::var("JATOPIC_REQUIRE_TOOLS").as_deref() != Ok("1"),
            "mounting a tiny tmpfs needs root (JATOPIC_REQUIRE_TOOLS=1)"
        );
        eprintln!("SKIPPED: mounting a tiny tmpfs needs root");
        return;
    }
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
        .arg(&tiny)
        .output()
        .expect("run mount");
    assert!(
        mounted.status.success(),
        "cannot mount a tmpfs: {}",
        stderr(&mounted).trim()
    );
    let out = tiny.join("model.jtm");
    let result = std::panic::catch_unwind(|| {
        fails_before_training(&dir, &out, "No space left on device");
        assert!(listing(&tiny).is_empty(), "{:?}", listing(&tiny));
    });
    let _ = Command::new("umount").arg(&tiny).status();
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }
}
