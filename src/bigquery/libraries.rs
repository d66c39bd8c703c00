//! The package's library files: what each one carries (as 7-bit text in a
//! function's comment, [`embed7`], handed to a `jatopic.add*` call of
//! js/runtime/api.js and decoded once per worker on first use), which
//! functions list it, and the SHA-256 of the data it embeds (compared by
//! `ja_selftest()`). In load order:
//!
//! | role | file | carries |
//! |---|---|---|
//! | tokenizer | `jatopic-tokenizer.js` | the wasm module, the runtime and the compact lexicon |
//! | lexicon | `jatopic-lexicon-N.js` | the full lexicon (`--lexicon full`), in parts; the tokenizer file then carries none |
//! | user dictionary | `jatopic-userdict.js` | the user's CSV, packed (`--user-dict`) |
//! | readings | `jatopic-readings.js` | IPADIC's readings (`--readings`) |
//! | model | `jatopic-model-N.js` | the topic model, in parts |

use super::contract::{contract, Function, ModelUse, ReadingsUse};
use super::package::{embed7, sha256_hex};
use crate::error::{Error, Result};
use crate::tokenizer::user_dict::packed::PackedUserDictionary;

/// What a library file carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Tokenizer,
    Lexicon,
    UserDictionary,
    Readings,
    Model,
}

impl Role {
    /// The name `ja_selftest()`'s expectations give it (js/runtime/selftest.js).
    pub fn name(self) -> &'static str {
        match self {
            Role::Tokenizer => "tokenizer",
            Role::Lexicon => "lexicon",
            Role::UserDictionary => "user_dictionary",
            Role::Readings => "readings",
            Role::Model => "model",
        }
    }

    /// Whether the JS function `f` lists a library file of this role. The
    /// tokenizer's dictionary (lexicon, user dictionary) is built when the
    /// module starts, so every function lists it; the readings and the model
    /// are loaded by the functions that use them.
    pub fn listed_by(self, f: &Function) -> bool {
        match self {
            Role::Tokenizer | Role::Lexicon | Role::UserDictionary => true,
            Role::Readings => f.readings != ReadingsUse::None,
            Role::Model => f.model != ModelUse::None,
        }
    }
}

/// One library file of the package.
#[derive(Debug, Clone)]
pub struct Library {
    pub name: String,
    pub text: Vec<u8>,
    pub role: Role,
    /// SHA-256 (hex) of the data the file embeds; `None` for a tokenizer
    /// library built before bundles recorded one.
    pub data_sha256: Option<String>,
}

/// Room left in each part file for its comment and call.
const PART_OVERHEAD: usize = 600;

/// The three lines of the bundle (js/bundle.mjs) holding the compact
/// lexicon, each as (its start, where its value ends, the value a
/// full-lexicon package gives it): its size, SHA-256 and text.
const LEXICON_LINES: [(&str, ValueEnd, &str); 3] = [
    ("const DICT_BYTES = ", ValueEnd::Before(";"), "0"),
    ("const DICT_SHA256 = '", ValueEnd::Before("'"), ""),
    ("const DICT_TEXT = ", ValueEnd::AfterContainer, "''"),
];

/// Where a value of [`LEXICON_LINES`] ends.
#[derive(Clone, Copy)]
enum ValueEnd {
    /// Just before this text, which stays.
    Before(&'static str),
    /// With its container's close (the contract's `text_container_close`):
    /// 7-bit text has no `*`, so the first `*/` is the close's.
    AfterContainer,
}

/// The tokenizer library: the bundle as built, or, when the package ships
/// the full lexicon in files of its own, the bundle without its compact
/// lexicon (the per-query code budget could not carry both).
pub fn tokenizer_library(bundle: &[u8], without_lexicon: bool) -> Result<Library> {
    let name = contract()?.tokenizer_file.clone();
    // Recorded by js/bundle.mjs; absent from a bundle built before it (the
    // self-test then says the package recorded no checksum).
    let data_sha256 = quoted_after(bundle, b"const WASM_SHA256 = '")
        .filter(|hex| hex.len() == 64 && hex.iter().all(u8::is_ascii_hexdigit))
        .map(|hex| String::from_utf8_lossy(hex).into_owned());
    let text = if without_lexicon {
        strip_lexicon(bundle)?
    } else {
        bundle.to_vec()
    };
    Ok(Library {
        name,
        text,
        role: Role::Tokenizer,
        data_sha256,
    })
}

/// The bytes after `marker` up to the next `'`.
fn quoted_after<'a>(text: &'a [u8], marker: &[u8]) -> Option<&'a [u8]> {
    let at = text.windows(marker.len()).position(|w| w == marker)? + marker.len();
    let len = text[at..].iter().position(|&b| b == b'\'')?;
    Some(&text[at..at + len])
}

/// The bundle with its compact lexicon lines emptied.
fn strip_lexicon(bundle: &[u8]) -> Result<Vec<u8>> {
    let mut out = bundle.to_vec();
    let close = contract()?.text_container_close.as_str();
    let position = |within: &[u8], what: &str| {
        within
            .windows(what.len())
            .position(|w| w == what.as_bytes())
    };
    for (marker, value_end, empty) in LEXICON_LINES {
        let start = position(&out, marker).ok_or_else(|| {
            Error::input(format!(
                "the tokenizer library has no `{}` line (built by an older jatopic?): rebuild it with `make wasm`",
                marker.trim_end_matches(['\'', ' ', '='])
            ))
        })? + marker.len();
        let (stop, stop_goes) = match value_end {
            ValueEnd::Before(stop) => (stop, false),
            ValueEnd::AfterContainer => (close, true),
        };
        let found = position(&out[start..], stop).ok_or_else(|| {
            Error::input("the tokenizer library is damaged: rebuild it with `make wasm`".into())
        })?;
        let end = start + found + if stop_goes { stop.len() } else { 0 };
        out.splice(start..end, empty.bytes());
    }
    Ok(out)
}

/// `bytes` in parts whose embedded text ([`embed7`]) fits a library file
/// with its header: (the part's bytes, its text), greedily.
fn split_for_budget(bytes: &[u8], file_budget: usize) -> Result<Vec<(&[u8], String)>> {
    let mut rest = bytes;
    let mut parts = Vec::new();
    while !rest.is_empty() {
        let mut take = rest.len().min((file_budget - PART_OVERHEAD) * 7 / 8);
        let text = loop {
            let text = embed7(&rest[..take])?;
            if text.len() + PART_OVERHEAD <= file_budget {
                break text;
            }
            take = take * 99 / 100;
        };
        parts.push((&rest[..take], text));
        rest = &rest[take..];
    }
    Ok(parts)
}

/// Files `prefix-1.js` … `prefix-N.js` of `bytes`, each calling
/// `jatopic.CALL(index, count, bytes, function () {/*text*/})`.
fn part_libraries(
    bytes: &[u8],
    file_budget: usize,
    prefix: &str,
    call: &str,
    what: &str,
    role: Role,
) -> Result<Vec<Library>> {
    let tokenizer_file = &contract()?.tokenizer_file;
    let parts = split_for_budget(bytes, file_budget)?;
    let n = parts.len();
    Ok(parts
        .into_iter()
        .enumerate()
        .map(|(i, (data, text))| Library {
            name: format!("{prefix}-{}.js", i + 1),
            text: format!(
                "// jatopic {what}, part {} of {n}. Generated by `jatopic package`; do not edit.\n// Load after {tokenizer_file}, with every part of the same package, in order.\njatopic.{call}({i}, {n}, {}, {text});\n",
                i + 1,
                data.len()
            )
            .into_bytes(),
            role,
            data_sha256: Some(sha256_hex(data)),
        })
        .collect())
}

/// The full lexicon (a `.jtd` file) in parts for `jatopic.addLexiconPart`.
pub fn lexicon_libraries(dictionary: &[u8], file_budget: usize) -> Result<Vec<Library>> {
    part_libraries(
        dictionary,
        file_budget,
        "jatopic-lexicon",
        "addLexiconPart",
        "full lexicon (all of IPADIC)",
        Role::Lexicon,
    )
}

/// The model (a `.jtm` file) in parts for `jatopic.addModelPart`.
pub fn model_libraries(model: &[u8], file_budget: usize) -> Result<Vec<Library>> {
    part_libraries(
        model,
        file_budget,
        "jatopic-model",
        "addModelPart",
        "model",
        Role::Model,
    )
}

/// The readings library file: the `.jtr` bytes for `jatopic.addReadings`.
/// The file is checked to be a readings file first, and refused when it
/// would not fit one library file.
pub fn readings_library(readings: &[u8], file_budget: usize) -> Result<Library> {
    crate::tokenizer::dictionary::readings::FORMAT.read(readings)?;
    let c = contract()?;
    let text = format!(
        "// jatopic readings: IPADIC's reading and pronunciation of every lexicon word. Generated by `jatopic package --readings`; do not edit.\n// Load after {}, with the tokenizer of the same package.\njatopic.addReadings({}, {});\n",
        c.tokenizer_file,
        readings.len(),
        embed7(readings)?
    );
    fits(&c.readings_file, text.len(), file_budget, "")?;
    Ok(Library {
        name: c.readings_file.clone(),
        text: text.into_bytes(),
        role: Role::Readings,
        data_sha256: Some(sha256_hex(readings)),
    })
}

/// The user dictionary library file: the file `path` (already parsed
/// natively, so known to be valid) packed for `jatopic.addUserDictionary`.
/// Too large for one library file, it is refused with how many of its
/// entries would fit.
pub fn user_dictionary_library(path: &str, bytes: &[u8], file_budget: usize) -> Result<Library> {
    // Only the file's name goes in (errors in wasm name it): the library is
    // then the same bytes wherever the dictionary was packed from, and no
    // local directory goes to the cloud.
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let c = contract()?;
    let file = &c.user_dictionary_file;
    let library = |bytes: &[u8]| -> Result<LibraryText> {
        let packed = PackedUserDictionary::pack(name, bytes)?;
        let text = format!(
            "// jatopic user dictionary {name:?} (SHA-256 of the file in the packed data). Generated by `jatopic package --user-dict`; do not edit.\n// Load after {}, with the tokenizer of the same package.\njatopic.addUserDictionary({}, {});\n",
            c.tokenizer_file,
            packed.len(),
            embed7(&packed)?
        );
        Ok((text.into_bytes(), sha256_hex(&packed)))
    };
    let (text, digest) = library(bytes)?;
    if text.len() > file_budget {
        let fit = entries_that_fit(bytes, file_budget, &library)?;
        let entries = entry_lines(bytes).len();
        fits(
            file,
            text.len(),
            file_budget,
            &format!(
                " ({entries} entries; the first {fit} would fit: split the dictionary, or keep the entries that matter to your text)"
            ),
        )?;
    }
    Ok(Library {
        name: file.clone(),
        text,
        role: Role::UserDictionary,
        data_sha256: Some(digest),
    })
}

/// A library file's text and the SHA-256 of the data it embeds.
type LibraryText = (Vec<u8>, String);

/// Where each entry line of a user dictionary ends (comments and blank
/// lines are not entries).
fn entry_lines(bytes: &[u8]) -> Vec<usize> {
    let mut ends = Vec::new();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' || i + 1 == bytes.len() {
            let line = &bytes[start..=i];
            if !line.trim_ascii().is_empty() && line[0] != b'#' {
                ends.push(i + 1);
            }
            start = i + 1;
        }
    }
    ends
}

/// How many of the first entries of `bytes` pack into one library file
/// (a binary search over whole lines; the file's own order kept).
fn entries_that_fit(
    bytes: &[u8],
    file_budget: usize,
    library: &dyn Fn(&[u8]) -> Result<LibraryText>,
) -> Result<usize> {
    let ends = entry_lines(bytes);
    let (mut lo, mut hi) = (0usize, ends.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if library(&bytes[..ends[mid - 1]])?.0.len() <= file_budget {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    Ok(lo)
}

/// An error unless `bytes` fit one library file.
fn fits(file: &str, bytes: usize, file_budget: usize, more: &str) -> Result<()> {
    if bytes > file_budget {
        return Err(Error::input(format!(
            "{file} would be {bytes} bytes, {} over the {file_budget}-byte library-file limit{more}",
            bytes - file_budget
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bigquery::package::tests::{decode7, embedded};

    #[test]
    fn the_full_lexicon_splits_into_parts_that_reassemble_and_the_bundle_sheds_its_own() {
        let path = crate::tokenizer::shipped::full_dictionary_path().unwrap();
        let dictionary = std::fs::read(path).unwrap();
        let budget = contract().unwrap().limits.library_file_bytes;
        let parts = lexicon_libraries(&dictionary, budget).unwrap();
        assert!(parts.len() >= 2);
        let mut joined = Vec::new();
        for (i, p) in parts.iter().enumerate() {
            assert!(p.text.len() <= budget, "{}: {}", p.name, p.text.len());
            assert_eq!(p.name, format!("jatopic-lexicon-{}.js", i + 1));
            let text = String::from_utf8(p.text.clone()).unwrap();
            let call = text.lines().last().unwrap();
            assert!(call.starts_with(&format!("jatopic.addLexiconPart({i}, {}, ", parts.len())));
            let len: usize = call.split(", ").nth(2).unwrap().parse().unwrap();
            let bytes = &decode7(embedded(call))[..len];
            assert_eq!(p.data_sha256.as_deref(), Some(sha256_hex(bytes).as_str()));
            joined.extend_from_slice(bytes);
        }
        assert_eq!(joined, dictionary);

        let bundle = b"// jatopic x\nvar jatopic = 1;\nconst WASM_TEXT = 'a;b';\nconst DICT_BYTES = 123;\nconst DICT_SHA256 = 'ab';\nconst DICT_TEXT = function () {/*x;y'\xc2\x80z*/};\nreturn;\n";
        let kept = tokenizer_library(bundle, false).unwrap();
        assert_eq!(kept.text, bundle);
        let shed = tokenizer_library(bundle, true).unwrap();
        assert_eq!(
            shed.text,
            b"// jatopic x\nvar jatopic = 1;\nconst WASM_TEXT = 'a;b';\nconst DICT_BYTES = 0;\nconst DICT_SHA256 = '';\nconst DICT_TEXT = '';\nreturn;\n"
        );
        let e = tokenizer_library(b"// jatopic old\nvar jatopic = 1;\n", true)
            .unwrap_err()
            .to_string();
        assert!(e.contains("rebuild it with `make wasm`"), "{e}");
    }

    /// `n` MeCab-format entries with distinct, poorly compressible surfaces.
    fn entries(n: usize) -> String {
        let mut seed = 11u32;
        let mut out = String::from("# generated\n");
        for _ in 0..n {
            let surface: String = (0..6)
                .map(|_| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    char::from_u32(0x4e00 + (seed >> 16) % 20_000).unwrap()
                })
                .collect();
            out.push_str(&format!(
                "{surface},1285,1285,{},名詞,一般,*,*,*,*,{surface},ア,ア\n",
                (seed >> 8) % 9000
            ));
        }
        out
    }

    #[test]
    fn a_user_dictionary_library_is_the_same_wherever_the_file_was() {
        let budget = contract().unwrap().limits.library_file_bytes;
        let csv = entries(100);
        let here = user_dictionary_library("shop.csv", csv.as_bytes(), budget).unwrap();
        for path in [
            "/home/alice/shop/shop.csv",
            "dict/shop.csv",
            r"C:\shop\shop.csv",
        ] {
            let there = user_dictionary_library(path, csv.as_bytes(), budget).unwrap();
            assert!(there.text == here.text, "{path}: a different library file");
        }
        let text = String::from_utf8(here.text).unwrap();
        assert!(
            text.starts_with("// jatopic user dictionary \"shop.csv\""),
            "{text:.80}"
        );
    }

    #[test]
    fn a_user_dictionary_too_large_for_one_file_is_refused_with_how_many_entries_fit() {
        let budget = contract().unwrap().limits.library_file_bytes;
        let small = entries(1000);
        let lib = user_dictionary_library("shop.csv", small.as_bytes(), budget).unwrap();
        assert_eq!(lib.name, "jatopic-userdict.js");
        assert!(lib.text.len() < budget);
        let huge = entries(12_000);
        let e = user_dictionary_library("huge.csv", huge.as_bytes(), 60_000)
            .unwrap_err()
            .to_string();
        let fit: usize = e
            .split("the first ")
            .nth(1)
            .and_then(|r| r.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{e}"));
        assert!(
            e.contains("12000 entries") && e.contains("jatopic-userdict.js would be"),
            "{e}"
        );
        assert!(fit > 1000 && fit < 12_000, "{e}");
        // It is the largest count that fits.
        let cut = |k: usize| {
            let end = entry_lines(huge.as_bytes())[k - 1];
            user_dictionary_library("huge.csv", &huge.as_bytes()[..end], 60_000)
        };
        assert!(cut(fit).is_ok());
        assert!(cut(fit + 1).is_err());
    }
}
