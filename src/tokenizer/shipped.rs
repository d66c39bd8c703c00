//! The shipped dictionaries natively, by lexicon tier: the compact one is
//! embedded in the binary ([`crate::DEFAULT_DICTIONARY`]); the full one
//! (all of IPADIC, ≈ 2.8 MB with its readings, built by `make dict-full`)
//! is not — it would more than double the dictionary data every binary
//! carries for a tier most runs never use — and is read from
//! `ipadic-full.jtd` and `ipadic-full-readings.jtr` in the first of these
//! directories that has them:
//! 1. `$JATOPIC_DICT_DIR`;
//! 2. `dict/` next to the binary, `../share/jatopic/dict/` from it (an
//!    installed layout), or `dict/` up to three directories above it (the
//!    source tree, for `target/release/jatopic`);
//! 3. the source tree's `dict/` this binary was built from.

use crate::error::{Error, InFile, Result};
use crate::tokenizer::config::LexiconTier;
use crate::{Dictionary, Tokenizer};
use std::path::{Path, PathBuf};

/// The full tier's dictionary file name.
pub const FULL_DICTIONARY_FILE: &str = "ipadic-full.jtd";
/// The full tier's readings file name.
pub const FULL_READINGS_FILE: &str = "ipadic-full-readings.jtr";
/// The environment variable naming the directory of the full tier's files.
pub const DICT_DIR_VARIABLE: &str = "JATOPIC_DICT_DIR";

/// The directories searched for the full tier's files, in order.
pub fn search_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(dir) = std::env::var_os(DICT_DIR_VARIABLE) {
        dirs.push(PathBuf::from(dir));
    }
    if let Some(exe_dir) = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
    {
        dirs.push(exe_dir.join("dict"));
        dirs.push(exe_dir.join("../share/jatopic/dict"));
        dirs.extend(exe_dir.ancestors().skip(1).take(3).map(|d| d.join("dict")));
    }
    dirs.push(PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/dict")));
    dirs
}

/// The full tier's dictionary file: the first of [`search_dirs`] that has it.
pub fn full_dictionary_path() -> Result<PathBuf> {
    first_with_full_dictionary(&search_dirs())
}

/// The full tier's dictionary file in the first of `dirs` that has it, or
/// an error saying where it looked and how to make one.
fn first_with_full_dictionary(dirs: &[PathBuf]) -> Result<PathBuf> {
    dirs.iter()
        .map(|d| d.join(FULL_DICTIONARY_FILE))
        .find(|p| p.is_file())
        .ok_or_else(|| {
            let looked: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
            Error::io_message(format!(
                "the full lexicon's {FULL_DICTIONARY_FILE} was not found (looked in {}): \
                 build it with `make dict-full`, or set {DICT_DIR_VARIABLE} to the directory that has it",
                looked.join(", ")
            ))
        })
}

/// The full tier's readings file: beside its dictionary file.
pub fn full_readings_path() -> Result<PathBuf> {
    Ok(full_dictionary_path()?.with_file_name(FULL_READINGS_FILE))
}

/// The tokenizer of a lexicon tier, with readings attached when `readings`
/// (the full tier's readings file sits next to its dictionary).
pub fn tokenizer(tier: LexiconTier, readings: bool) -> Result<Tokenizer> {
    match (tier, readings) {
        (LexiconTier::Compact, false) => crate::default_tokenizer(),
        (LexiconTier::Compact, true) => crate::default_tokenizer_with_readings(),
        (LexiconTier::Full, _) => {
            let path = full_dictionary_path()?;
            let bytes = std::fs::read(&path).in_file(path.display())?;
            let mut dict = Dictionary::from_bytes(&bytes).in_file(path.display())?;
            if !dict.exact_connection_costs() {
                return Err(Error::format(
                    "not a full-tier dictionary (its connection costs are approximated): \
                     rebuild it with `make dict-full`"
                        .into(),
                )
                .in_file(path.display()));
            }
            if readings {
                let path = full_readings_path()?;
                let bytes = std::fs::read(&path).in_file(path.display())?;
                dict.attach_readings(&bytes).in_file(path.display())?;
            }
            Ok(Tokenizer::new(dict))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_full_dictionary_says_where_it_looked_and_how_to_build_it() {
        let nowhere = std::env::temp_dir().join("jatopic-no-such-dict-dir");
        let e = first_with_full_dictionary(std::slice::from_ref(&nowhere))
            .unwrap_err()
            .to_string();
        assert!(e.contains(&*nowhere.to_string_lossy()), "{e}");
        assert!(
            e.contains("make dict-full") && e.contains(DICT_DIR_VARIABLE),
            "{e}"
        );
        // The source tree's dict/ is always looked in, last.
        let dirs = search_dirs();
        assert_eq!(
            dirs.last().unwrap(),
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("dict")
        );
        assert!(first_with_full_dictionary(&dirs).is_ok());
    }
}
