//! The crate's one error type, and the one way to say which file an error is about.

use std::fmt;
use std::sync::Arc;

/// What kind of failure an [`Error`] is: it decides the CLI's wording and exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// A binary artifact (dictionary, model) or data file is malformed, truncated or of another version.
    Format,
    /// The caller passed something unusable (bad option, bad argument, bad input row).
    Input,
    /// Reading or writing a file failed (native builds only).
    Io,
}

/// Everything that can go wrong in jatopic: a kind, the file it is about
/// (see [`Error::in_file`]), a message that says what to fix, naming the
/// line and the problem, and the underlying error when there is one.
#[derive(Debug, Clone)]
pub struct Error {
    kind: ErrorKind,
    path: Option<String>,
    message: String,
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

/// `Result` with [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    fn new(kind: ErrorKind, message: String) -> Error {
        Error {
            kind,
            path: None,
            message,
            source: None,
        }
    }

    /// A malformed artifact or data file.
    pub fn format(message: String) -> Error {
        Error::new(ErrorKind::Format, message)
    }

    /// Unusable input from the caller.
    pub fn input(message: String) -> Error {
        Error::new(ErrorKind::Input, message)
    }

    /// An I/O failure described by `message` alone (no file, no OS error).
    pub fn io_message(message: String) -> Error {
        Error::new(ErrorKind::Io, message)
    }

    /// Reading or writing `path` failed with `source`.
    pub fn io(path: impl fmt::Display, source: impl fmt::Display) -> Error {
        Error::new(ErrorKind::Io, source.to_string()).in_file(path)
    }

    /// Reading or writing `path` failed with the OS error `source` (kept as
    /// [`std::error::Error::source`]).
    pub fn io_error(path: impl fmt::Display, source: std::io::Error) -> Error {
        let mut e = Error::io(path, &source);
        e.source = Some(Arc::new(source));
        e
    }

    /// The same error, about the file at `path`. An error already about
    /// another file keeps that file in its message, after `path` (the file
    /// that was being read when the inner one failed).
    pub fn in_file(mut self, path: impl fmt::Display) -> Error {
        let path = path.to_string();
        match self.path.take() {
            Some(inner) if inner == path => {}
            Some(inner) => self.message = format!("{inner}: {}", self.message),
            None => {
                // A message written with the path already in front ("f.txt: …",
                // "f.txt:3: …") keeps it there once.
                let rest = self.message.strip_prefix(&path);
                if let Some(rest) = rest.filter(|r| r.is_empty() || r.starts_with(':')) {
                    self.message = rest.strip_prefix(": ").unwrap_or(rest).to_string();
                }
            }
        }
        self.path = Some(path);
        self
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The file the error is about, if known.
    pub fn path(&self) -> Option<&str> {
        self.path.as_deref()
    }

    /// The message with the file in front, without the kind's prefix.
    pub fn message(&self) -> String {
        match &self.path {
            Some(p) if self.message.is_empty() => p.clone(),
            // "file:line: problem"
            Some(p) if self.message.starts_with(':') => format!("{p}{}", self.message),
            Some(p) => format!("{p}: {}", self.message),
            None => self.message.clone(),
        }
    }
}

impl PartialEq for Error {
    /// Equal when kind, file and message are; the source is not compared.
    fn eq(&self, other: &Error) -> bool {
        self.kind == other.kind && self.path == other.path && self.message == other.message
    }
}

impl Eq for Error {}

/// [`Error::in_file`] on a `Result`.
pub trait InFile<T> {
    /// The error, if any, about the file at `path`.
    fn in_file(self, path: impl fmt::Display) -> Result<T>;
}

impl<T> InFile<T> for Result<T> {
    fn in_file(self, path: impl fmt::Display) -> Result<T> {
        self.map_err(|e| e.in_file(path))
    }
}

impl<T> InFile<T> for std::result::Result<T, std::io::Error> {
    fn in_file(self, path: impl fmt::Display) -> Result<T> {
        self.map_err(|e| Error::io_error(path, e))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            ErrorKind::Format => "malformed data",
            ErrorKind::Input => "invalid input",
            ErrorKind::Io => "I/O error",
        };
        write!(f, "{what}: {}", self.message())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        let mut err = Error::io_message(e.to_string());
        err.source = Some(Arc::new(e));
        err
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    #[test]
    fn in_file_names_the_file_once_and_keeps_the_kind() {
        let e = Error::format("bad magic".into()).in_file("m.jtm");
        assert_eq!(e.kind(), ErrorKind::Format);
        assert_eq!(e.path(), Some("m.jtm"));
        assert_eq!(e.to_string(), "malformed data: m.jtm: bad magic");
        assert_eq!(e.clone().in_file("m.jtm"), e);
        // A message that already starts with the path.
        assert_eq!(Error::format("m.jtm: bad magic".into()).in_file("m.jtm"), e);
        let row = Error::input("t.tsv:3: 2 columns, expected 4".into()).in_file("t.tsv");
        assert_eq!(
            (row.path(), row.message()),
            (Some("t.tsv"), "t.tsv:3: 2 columns, expected 4".into())
        );
        // A message that only starts with the same letters is not about the file.
        let other = Error::input("t.tsv.gz: truncated".into()).in_file("t.tsv");
        assert_eq!(other.message(), "t.tsv: t.tsv.gz: truncated");
        // An inner file stays named after the outer one.
        let nested = e.in_file("package/");
        assert_eq!(nested.path(), Some("package/"));
        assert_eq!(nested.message(), "package/: m.jtm: bad magic");
    }

    #[test]
    fn io_errors_keep_their_source() {
        let io: Result<()> = Err(std::io::Error::from(std::io::ErrorKind::NotFound)).in_file("x");
        let e = io.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Io);
        assert_eq!(e.to_string(), "I/O error: x: entity not found");
        let source = e.source().expect("the OS error is kept");
        assert_eq!(source.to_string(), "entity not found");
        assert!(Error::input("no".into()).source().is_none());
    }
}
