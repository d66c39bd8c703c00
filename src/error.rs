//! The crate's one error type, and the one way to say which file an error is about.

use std::fmt;

/// Everything that can go wrong in jatopic, with a message that says what to fix.
/// The kind decides the CLI's wording and exit status; the message names the
/// file (see [`Error::in_file`]), the line and the problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// A binary artifact (dictionary, model) is malformed, truncated or of another version.
    Format(String),
    /// The caller passed something unusable (bad option, bad argument).
    Input(String),
    /// Reading or writing a file failed (native builds only).
    Io(String),
}

/// `Result` with [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// Reading or writing `path` failed with `source`.
    pub fn io(path: impl fmt::Display, source: impl fmt::Display) -> Error {
        Error::Io(format!("{path}: {source}"))
    }

    /// The same error, about the file at `path`: its message is prefixed with
    /// the path, unless it already starts with it.
    pub fn in_file(self, path: impl fmt::Display) -> Error {
        let path = path.to_string();
        let prefix = |m: String| {
            if m.starts_with(&path) {
                m
            } else {
                format!("{path}: {m}")
            }
        };
        match self {
            Error::Format(m) => Error::Format(prefix(m)),
            Error::Input(m) => Error::Input(prefix(m)),
            Error::Io(m) => Error::Io(prefix(m)),
        }
    }

    /// The message without the kind's prefix.
    pub fn message(&self) -> &str {
        match self {
            Error::Format(m) | Error::Input(m) | Error::Io(m) => m,
        }
    }
}

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
        self.map_err(|e| Error::io(path, e))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Format(m) => write!(f, "malformed data: {m}"),
            Error::Input(m) => write!(f, "invalid input: {m}"),
            Error::Io(m) => write!(f, "I/O error: {m}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Io(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_file_prefixes_once_and_keeps_the_kind() {
        let e = Error::Format("bad magic".into()).in_file("m.jtm");
        assert_eq!(e, Error::Format("m.jtm: bad magic".into()));
        assert_eq!(e.clone().in_file("m.jtm"), e);
        let io: Result<()> = Err(std::io::Error::from(std::io::ErrorKind::NotFound)).in_file("x");
        assert_eq!(io, Err(Error::Io("x: entity not found".into())));
    }
}
