//! The crate's one error type.

use std::fmt;

/// Everything that can go wrong in jatopic, with a message that says what to fix.
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
