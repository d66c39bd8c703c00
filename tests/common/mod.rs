//! Helpers shared by the integration tests.
#![allow(dead_code)] // each test crate uses a subset

use std::path::PathBuf;

/// A file or folder under the shared data folder (`$JATOPIC_SHARED`, else
/// `../shared`), or `None` after printing why the test is skipped. With
/// `JATOPIC_REQUIRE_SHARED=1` (set by `make test` when the folder exists) a
/// missing path fails the test instead: there, every data test must run.
pub fn shared(relative: &str) -> Option<PathBuf> {
    let root = std::env::var("JATOPIC_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared")));
    let path = root.join(relative);
    if path.exists() {
        return Some(path);
    }
    let why = format!(
        "{} not found (set JATOPIC_SHARED to the shared data folder)",
        path.display()
    );
    assert!(
        std::env::var("JATOPIC_REQUIRE_SHARED").as_deref() != Ok("1"),
        "JATOPIC_REQUIRE_SHARED=1 but {why}"
    );
    eprintln!("SKIPPED: {why}");
    None
}

/// Whether the external command `name` runs (`name --version`); when it does
/// not, prints why the test is skipped, or fails the test under
/// `JATOPIC_REQUIRE_TOOLS=1` (set by `make test`, whose set-up installs them).
pub fn tool(name: &str) -> bool {
    let runs = std::process::Command::new(name)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !runs {
        assert!(
            std::env::var("JATOPIC_REQUIRE_TOOLS").as_deref() != Ok("1"),
            "JATOPIC_REQUIRE_TOOLS=1 but `{name} --version` does not run (make setup installs it)"
        );
        eprintln!("SKIPPED: {name} is not installed (make setup)");
    }
    runs
}

/// Asserts that `tokens` tile `text`: in order, only whitespace between and
/// after them, and each surface is the code-point slice it claims.
pub fn assert_tiles(text: &str, tokens: &[jatopic::Token]) {
    let chars: Vec<char> = text.chars().collect();
    let mut pos = 0;
    for t in tokens {
        assert!(
            t.start >= pos && t.end > t.start && t.end <= chars.len(),
            "{text:?}: {t:?}"
        );
        assert!(
            chars[pos..t.start].iter().all(|c| c.is_whitespace()),
            "{text:?}: non-space skipped before {t:?}"
        );
        assert_eq!(chars[t.start..t.end].iter().collect::<String>(), t.surface);
        pos = t.end;
    }
    assert!(
        chars[pos..].iter().all(|c| c.is_whitespace()),
        "{text:?}: text lost at the end"
    );
}

/// Runs `program args` with `stdin` written from another thread (a command
/// that stops early may close the pipe: a broken pipe is fine then).
pub fn run(program: &str, args: &[&str], stdin: impl AsRef<[u8]>) -> std::process::Output {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    let mut input = child.stdin.take().unwrap();
    let data = stdin.as_ref().to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

/// Runs this crate's `jatopic` binary (see [`run`]).
pub fn jatopic(args: &[&str], stdin: impl AsRef<[u8]>) -> std::process::Output {
    run(env!("CARGO_BIN_EXE_jatopic"), args, stdin)
}

/// `jatopic args`'s stdout, asserting that it succeeded.
pub fn stdout_of(args: &[&str], stdin: impl AsRef<[u8]>) -> String {
    let o = jatopic(args, stdin);
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

/// Asserts that `jatopic args`, given `stdin`, fails with exit status `code`
/// and `expected` in its message.
pub fn assert_refused(args: &[&str], stdin: &str, code: i32, expected: &str) {
    let o = jatopic(args, stdin);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(code), "{args:?}: {err}");
    assert!(
        err.contains(expected),
        "{args:?}: expected {expected:?} in {err}"
    );
}

/// `name` in a folder of this test process's own under the system's temp
/// folder; `suite` names the test file, so that test files run at once never
/// share a file.
pub fn temp_path(suite: &str, name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("jatopic-{suite}-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}
