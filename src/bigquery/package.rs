//! `jatopic package`: the BigQuery UDF package — library files (each within
//! BigQuery's 1 MB limit), `create_functions.sql`, `manifest.json`,
//! `deploy.sh` and a README.
//!
//! Nothing user-supplied is pasted into SQL or shell text unchecked: the
//! dataset, function prefix and gs:// prefix are validated against
//! BigQuery's and Cloud Storage's naming rules first, and the function bodies
//! are constants of this module.

pub use super::contract::{
    contract, Argument, Contract, Function, Language, Limits, ModelUse, ReadingsUse,
};
use super::libraries::{
    lexicon_libraries, model_libraries, readings_library, tokenizer_library,
    user_dictionary_library, Role,
};
use super::manifest::{Manifest, ManifestFile, ManifestFunction};
pub use super::names::{validate_dataset, validate_gcs_prefix, validate_prefix};
pub use super::quantise::{quantisation_error, quantise_counts};
use super::selftest::selftest_function;
use crate::error::{Error, Result};
use crate::topic::model::Model;
use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use std::path::Path;

/// What to package.
#[derive(Debug, Clone)]
pub struct PackageOptions {
    /// `gs://bucket/path` where the library files will live.
    pub gcs_prefix: String,
    /// `project.dataset` of persistent functions.
    pub dataset: String,
    /// `CREATE TEMP FUNCTION` instead of persistent functions.
    pub temp: bool,
    /// Prefix of every function name (`ja_` gives `ja_tokenize`, ...).
    pub function_prefix: String,
    /// Round model counts to this many significant bits (None = exact).
    pub count_bits: Option<u32>,
    /// Drop model counts below this (0 or 1 = keep all).
    pub min_count: u32,
    /// IPADIC's readings (a `.jtr` file made with the bundle's dictionary):
    /// adds the readings library file, readings in `analyze` and the
    /// `reading` function.
    pub readings: Option<Vec<u8>>,
    /// The full lexicon (`dict/ipadic-full.jtd`): shipped in
    /// `jatopic-lexicon-*.js` in place of the compact lexicon the tokenizer
    /// library carries. `None`: the compact lexicon.
    pub full_lexicon: Option<Vec<u8>>,
    /// A user dictionary, its file name and bytes: `jatopic-userdict.js`.
    pub user_dictionary: Option<(String, Vec<u8>)>,
}

impl PackageOptions {
    /// The tokenizer the package's functions run, natively: its lexicon,
    /// readings and user dictionary, each checked here (a user dictionary
    /// error names its file and line).
    pub fn tokenizer(&self) -> Result<crate::Tokenizer> {
        let mut dict = match &self.full_lexicon {
            Some(bytes) => {
                let dict = crate::Dictionary::from_bytes(bytes)?;
                if dict.tier() != crate::tokenizer::config::LexiconTier::Full {
                    return Err(Error::input(
                        "the dictionary given as the full lexicon is the compact one (expected dict/ipadic-full.jtd, built by `make dict-full`)".into(),
                    ));
                }
                dict
            }
            None => crate::Dictionary::from_bytes(crate::DEFAULT_DICTIONARY)?,
        };
        if let Some(readings) = &self.readings {
            dict.attach_readings(readings)?;
        }
        let mut tok = crate::Tokenizer::new(dict);
        if let Some((name, bytes)) = &self.user_dictionary {
            tok.attach_user_dictionary(bytes, name)?;
        }
        Ok(tok)
    }
}

/// A written file of the package.
#[derive(Debug, Clone)]
pub struct PackageFile {
    /// Path relative to the package directory.
    pub path: String,
    /// Size in bytes.
    pub bytes: usize,
    /// SHA-256, hex.
    pub sha256: String,
    /// Where it goes in Cloud Storage.
    pub uri: String,
}

/// What `package` wrote, for the summary and tests.
#[derive(Debug, Clone)]
pub struct PackageReport {
    /// Library files, in load order (see [`super::libraries`]).
    pub libraries: Vec<PackageFile>,
    /// Function names as written.
    pub functions: Vec<String>,
    /// Quantisation summary of the model (None without a model).
    pub quantisation: Option<String>,
}

/// 7 bits per character, the inverse of `decode7` in the bundle
/// (js/runtime/coder7.js; js/bundle.mjs has the same encoder): a value that
/// is never written raw (the contract's `text_coding_escaped`) is written
/// with the next 7 bits in one 2-byte UTF-8 character, U+0080 + ((index + 1)
/// << 7) + next.
pub fn encode7(bytes: &[u8]) -> Result<String> {
    let escaped = &contract()?.text_coding_escaped;
    let mut groups = Vec::with_capacity(bytes.len() * 8 / 7 + 1);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &b in bytes {
        acc = (acc << 8) | u32::from(b);
        bits += 8;
        while bits >= 7 {
            bits -= 7;
            groups.push((acc >> bits) & 0x7f);
        }
        acc &= (1 << bits) - 1;
    }
    if bits > 0 {
        groups.push((acc << (7 - bits)) & 0x7f);
    }
    let mut out = String::with_capacity(groups.len() + groups.len() / 16);
    let mut g = groups.iter();
    while let Some(&v) = g.next() {
        let c = match escaped.iter().position(|&e| e == v) {
            None => v,
            Some(k) => ((k as u32 + 1) << 7) | g.next().copied().unwrap_or(0),
        };
        out.push(char::from_u32(c).unwrap_or('\u{fffd}'));
    }
    Ok(out)
}

/// `bytes` as a library file carries them: their 7-bit text ([`encode7`])
/// in the block comment of a function (the contract's
/// `text_container_open`/`_close`), which V8 scans several times faster
/// than a string literal of the same length.
pub fn embed7(bytes: &[u8]) -> Result<String> {
    let c = contract()?;
    Ok(format!(
        "{}{}{}",
        c.text_container_open,
        encode7(bytes)?,
        c.text_container_close
    ))
}

fn sql_type_list(args: &[Argument]) -> String {
    args.iter()
        .map(|a| format!("{} {}", a.name, a.sql_type))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Writes the package to `out`. `tokenizer_js` is the bundle built by
/// `make wasm`; `model` the `.jtm` bytes, if any.
pub fn write_package(
    out: &Path,
    tokenizer_js: &[u8],
    model_file: Option<&[u8]>,
    opts: &PackageOptions,
) -> Result<PackageReport> {
    validate_dataset(&opts.dataset)?;
    validate_prefix(&opts.function_prefix)?;
    let gcs = validate_gcs_prefix(&opts.gcs_prefix)?;
    let contract = contract()?;
    let limits = &contract.limits;
    let file_budget = limits.library_file_bytes;
    if !tokenizer_js.starts_with(b"// jatopic ")
        || !tokenizer_js.windows(12).any(|w| w == b"var jatopic ")
    {
        return Err(Error::input(
            "the tokenizer library is not a jatopic bundle (build it with `make wasm`, or pass --library build/jatopic-tokenizer.js)".into(),
        ));
    }
    if tokenizer_js.len() > file_budget {
        return Err(Error::input(format!(
            "the tokenizer library is {} bytes, {} over BigQuery's {file_budget}-byte limit for one library file",
            tokenizer_js.len(),
            tokenizer_js.len() - file_budget
        )));
    }
    let mut files = vec![tokenizer_library(
        tokenizer_js,
        opts.full_lexicon.is_some(),
    )?];
    if let Some(dictionary) = &opts.full_lexicon {
        files.extend(lexicon_libraries(dictionary, file_budget)?);
    }
    if let Some((name, bytes)) = &opts.user_dictionary {
        files.push(user_dictionary_library(name, bytes, file_budget)?);
    }
    if let Some(readings) = &opts.readings {
        files.push(readings_library(readings, file_budget)?);
    }
    // Checked after each file is known to fit: the tokenizer the functions
    // run (a user dictionary's errors name its file and line).
    let tok = opts.tokenizer()?;
    let mut quantisation = None;
    let mut packaged_model: Option<Model> = None;
    if let Some(bytes) = model_file {
        let exact = Model::from_bytes(bytes)?;
        // The functions must tokenize as training did.
        exact.terms.tokenizer.check_dictionary(
            tok.dictionary(),
            "package it with the lexicon and user dictionary it was trained with (jatopic package --lexicon, --user-dict)",
        )?;
        let (model_bytes, note) = if opts.count_bits.is_none() && opts.min_count <= 1 {
            (
                bytes.to_vec(),
                "none: counts stored exactly (ja_topics is bit-identical to `jatopic infer`)"
                    .to_string(),
            )
        } else {
            let bits = opts.count_bits.unwrap_or(31);
            let q = quantise_counts(&exact, bits, opts.min_count)?;
            let (mean, worst) = quantisation_error(&exact, &q);
            let kept = q.word_topic.iter().filter(|&&c| c > 0).count();
            let before = exact.word_topic.iter().filter(|&&c| c > 0).count();
            (
                q.to_bytes()?,
                format!(
                    "counts rounded to {bits} significant bits{}: cosine to the exact model's topics on topic pseudo-documents mean {mean:.6}, worst {worst:.6}",
                    if opts.min_count > 1 {
                        format!(", counts below {} dropped ({kept} of {before} non-zero counts kept)", opts.min_count)
                    } else {
                        String::new()
                    }
                ),
            )
        };
        packaged_model = Some(Model::from_bytes(&model_bytes)?);
        quantisation = Some(note);
        files.extend(model_libraries(&model_bytes, file_budget)?);
    }
    for l in &files {
        if l.text.len() > file_budget {
            return Err(Error::input(format!(
                "{} would be {} bytes, {} over the {file_budget}-byte library-file limit",
                l.name,
                l.text.len(),
                l.text.len() - file_budget
            )));
        }
    }
    let total: usize = files.iter().map(|l| l.text.len()).sum();
    // Each function body counts as one more resource.
    let total_budget = limits.query_code_bytes;
    if total > total_budget || files.len() + 1 > limits.query_resources {
        let bytes_of = |role: Role| -> usize {
            files
                .iter()
                .filter(|l| l.role == role)
                .map(|l| l.text.len())
                .sum()
        };
        return Err(Error::input(format!(
            "the package needs {total} bytes in {} library files, {} bytes over the {total_budget}-byte code budget of one query (tokenizer and lexicon {} bytes, user dictionary {}, readings {}, model {}); retrain with a smaller vocabulary (`jatopic train --keep-n 50000`), package with fewer counts (`--min-count 2`, error reported), or leave out the readings or part of the user dictionary",
            files.len(),
            total.saturating_sub(total_budget),
            bytes_of(Role::Tokenizer) + bytes_of(Role::Lexicon),
            bytes_of(Role::UserDictionary),
            bytes_of(Role::Readings),
            bytes_of(Role::Model),
        )));
    }

    std::fs::create_dir_all(out).map_err(|e| Error::io_error(out.display(), e))?;
    let mut libraries = Vec::new();
    for l in &files {
        write(out, &l.name, &l.text)?;
        libraries.push(PackageFile {
            path: l.name.clone(),
            bytes: l.text.len(),
            sha256: sha256_hex(&l.text),
            uri: format!("{gcs}/{}", l.name),
        });
    }

    let functions: Vec<&Function> = contract
        .functions
        .iter()
        .filter(|f| model_file.is_some() || f.model != ModelUse::Required)
        .filter(|f| opts.readings.is_some() || f.readings != ReadingsUse::Required)
        .collect();
    let sql_name_of = |name: &str| {
        let name = format!("{}{name}", opts.function_prefix);
        if opts.temp {
            name
        } else {
            format!("`{}.{name}`", opts.dataset)
        }
    };
    let mut sql = format!(
        "-- jatopic {} BigQuery functions. Generated by `jatopic package`; do not edit.\n-- Upload the library files first (see deploy.sh). Offsets are characters (code points).\n",
        env!("CARGO_PKG_VERSION")
    );
    let mut manifest_functions = Vec::new();
    let mut names = Vec::new();
    for f in &functions {
        let name = format!("{}{}", opts.function_prefix, f.name);
        let sql_name = sql_name_of(&f.name);
        let libs: Vec<&PackageFile> = match f.language {
            Language::Sql => Vec::new(),
            Language::Js => libraries
                .iter()
                .zip(&files)
                .filter(|(_, l)| l.role.listed_by(f))
                .map(|(p, _)| p)
                .collect(),
        };
        // `{function:NAME}`: a function written before this one (BigQuery
        // checks a SQL body's calls when it creates the function).
        let mut body = f.body.clone();
        for earlier in &functions {
            if earlier.name == f.name {
                break;
            }
            body = body.replace(
                &format!("{{function:{}}}", earlier.name),
                &sql_name_of(&earlier.name),
            );
        }
        if body.contains("{function:")
            || body.len() > limits.inline_body_bytes
            || body.contains("\"\"\"")
        {
            return Err(Error::input(format!(
                "function body of {name} cannot be written"
            )));
        }
        let kind = if opts.temp {
            "TEMP FUNCTION"
        } else {
            "OR REPLACE FUNCTION"
        };
        let arguments = sql_type_list(&f.arguments);
        match f.language {
            Language::Js => {
                let lib_list = libs
                    .iter()
                    .map(|l| format!("\"{}\"", l.uri))
                    .collect::<Vec<_>>()
                    .join(", ");
                let _ = write!(
                    sql,
                    "\nCREATE {kind} {sql_name}({arguments})\nRETURNS {}\nLANGUAGE js\nOPTIONS (library = [{lib_list}])\nAS r\"\"\"\n{body}\n\"\"\";\n",
                    f.returns,
                );
            }
            Language::Sql => {
                let _ = write!(
                    sql,
                    "\nCREATE {kind} {sql_name}({arguments})\nRETURNS {}\nAS (\n  {body}\n);\n",
                    f.returns,
                );
            }
        }
        manifest_functions.push(ManifestFunction {
            name: name.clone(),
            sql_name,
            temp: opts.temp,
            language: f.language,
            arguments: &f.arguments,
            returns: &f.returns,
            libraries: libs.iter().map(|l| l.uri.clone()).collect(),
            body,
        });
        names.push(name);
    }
    let selftest = selftest_function(opts, &tok, &files, &libraries, packaged_model.as_ref())?;
    sql.push_str(&selftest.sql);
    manifest_functions.push(selftest.manifest);
    names.push(selftest.name.clone());
    write(out, "create_functions.sql", sql.as_bytes())?;

    let manifest = Manifest {
        format: &contract.manifest_format,
        jatopic_version: env!("CARGO_PKG_VERSION"),
        dataset: &opts.dataset,
        gcs_prefix: &gcs,
        quantisation: quantisation.as_deref(),
        files: libraries
            .iter()
            .map(|l| ManifestFile {
                path: &l.path,
                bytes: l.bytes,
                sha256: &l.sha256,
                uri: &l.uri,
            })
            .collect(),
        functions: manifest_functions,
    };
    let mut manifest = serde_json::to_string_pretty(&manifest)
        .map_err(|e| Error::input(format!("manifest.json: {e}")))?;
    manifest.push('\n');
    write(out, "manifest.json", manifest.as_bytes())?;

    // The package directory, whatever its name (a leading '-', a trailing
    // newline): `$(...)` would strip trailing newlines, hence the '.'.
    const HERE: &str = "here=$(dirname -- \"$0\" && echo .)\nhere=$(cd -- \"${here%?.}\" && pwd && echo .)\nhere=${here%?.}\n";
    let uploads = libraries
        .iter()
        .map(|l| format!("gcloud storage cp \"$here/{}\" \"{}\"", l.path, l.uri))
        .collect::<Vec<_>>()
        .join("\n");
    let deploy = format!(
        "#!/bin/sh\n# Installs the jatopic functions: uploads the library files to Cloud Storage,\n# then creates the functions. Generated by `jatopic package`; needs gcloud and bq,\n# logged in with rights on the bucket and the dataset.\nset -eu\n{HERE}{uploads}\nbq query --use_legacy_sql=false < \"$here/create_functions.sql\"\n{}",
        selftest.deploy_step
    );
    if opts.temp {
        write(out, "deploy.sh", format!("#!/bin/sh\n# TEMP functions: upload the library files, then paste create_functions.sql\n# in front of your query (it creates nothing persistent).\nset -eu\n{HERE}{uploads}\n").as_bytes())?;
    } else {
        write(out, "deploy.sh", deploy.as_bytes())?;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(
            out.join("deploy.sh"),
            std::fs::Permissions::from_mode(0o755),
        );
    }
    write(
        out,
        "README.md",
        package_readme(opts, &libraries, &names, quantisation.as_deref(), limits).as_bytes(),
    )?;
    Ok(PackageReport {
        libraries,
        functions: names,
        quantisation,
    })
}

fn package_readme(
    opts: &PackageOptions,
    libs: &[PackageFile],
    names: &[String],
    quantisation: Option<&str>,
    limits: &Limits,
) -> String {
    let file_budget = limits.library_file_bytes;
    let mut r = format!(
        "# jatopic BigQuery functions\n\nGenerated by `jatopic package` (jatopic {}).\n\n## Install\n\n    sh deploy.sh\n\nuploads the library files to `{}` and runs `create_functions.sql` to create the functions in `{}`.\n\n## Files\n\n| file | bytes (limit {file_budget}) |\n|---|---:|\n",
        env!("CARGO_PKG_VERSION"),
        opts.gcs_prefix.trim_end_matches('/'),
        opts.dataset
    );
    for l in libs {
        let _ = writeln!(r, "| {} | {} |", l.path, l.bytes);
    }
    r.push_str("\n## Functions\n\n");
    let q = |n: &str| {
        if opts.temp {
            n.to_string()
        } else {
            format!("`{}`.{n}", opts.dataset)
        }
    };
    for n in names {
        let _ = writeln!(r, "- `{}`", q(n));
    }
    let p = &opts.function_prefix;
    let _ = write!(
        r,
        "\nExample:\n\n```sql\nSELECT title, {}(title) AS words, {}(title) AS tokens\nFROM `{}.listings`\n```\n\nNULL gives NULL; empty or whitespace-only text gives an empty array. Positions (`start`, `length` of {p}analyze) are characters, as `SUBSTR` counts them (start is 1-based). Texts longer than {} UTF-16 units ({} for {p}analyze) are rejected with an error: split them first. `{p}tokenize_search` and `{p}analyze_search` are the same in Kuromoji's search mode (long compounds split: 関西国際空港 gives 関西, 国際, 空港).\n",
        q(&format!("{p}tokenize")),
        q(&format!("{p}analyze")),
        opts.dataset,
        thousands(limits.text_utf16_units),
        thousands(limits.analyze_text_utf16_units),
    );
    if let Some(qn) = quantisation {
        let _ = write!(
            r,
            "\nTopic functions: `{p}topics(text)` returns the topic distribution (sums to 1; a text without model terms gets the normalised α), `{p}top_topics(text, n)`, `{p}terms(text)`, `{p}topics_from_terms(terms)`.\nModel quantisation: {qn}.\n"
        );
    }
    r
}

/// `1000000` as `1,000,000`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() * 4 / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    crate::io::output::write_atomically(&dir.join(name).to_string_lossy(), bytes)
}

/// SHA-256 of `data` as lowercase hex.
pub fn sha256_hex(data: &[u8]) -> String {
    Sha256::digest(data)
        .iter()
        .fold(String::with_capacity(64), |mut hex, b| {
            let _ = write!(hex, "{b:02x}");
            hex
        })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::bigquery::contract::{parse_contract, CONTRACT_JSON};
    use crate::bigquery::selftest::{SELFTEST_INPUTS, SELFTEST_TOP_TOPICS};

    #[test]
    fn sha256_matches_known_vectors() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            sha256_hex(&[b'a'; 1000]),
            "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3"
        );
    }

    #[test]
    fn the_contract_is_valid_and_its_javascript_functions_take_no_int64() {
        let c = contract().unwrap();
        assert_eq!(c.manifest_format, "jatopic-package/2");
        assert_eq!(c.limits.library_file_bytes, 1_000_000);
        assert_eq!(c.limits.inline_body_bytes, 32 * 1024);
        let top = c.functions.iter().find(|f| f.name == "top_topics").unwrap();
        assert_eq!(top.language, Language::Sql);
        assert_eq!(top.arguments[1].sql_type, "INT64");
        // The same file with the JavaScript function taking INT64 is refused.
        let broken = CONTRACT_JSON.replacen(
            r#"{"name": "n", "type": "FLOAT64"}"#,
            r#"{"name": "n", "type": "INT64"}"#,
            1,
        );
        assert_ne!(broken, CONTRACT_JSON);
        let e = parse_contract(&broken).unwrap_err();
        assert!(
            e.contains("function top_topics_js: argument n INT64"),
            "{e}"
        );
        let any = CONTRACT_JSON.replacen(
            r#"{"name": "n", "type": "FLOAT64"}"#,
            r#"{"name": "n", "type": "ANY TYPE"}"#,
            1,
        );
        assert!(parse_contract(&any).is_err());
    }

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(50_000), "50,000");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }

    #[test]
    fn identifiers_are_validated() {
        assert!(validate_dataset("my-project.jatopic_1").is_ok());
        assert!(validate_dataset("example.com:my-project.ds").is_ok());
        for bad in [
            "noproject",
            "My-Project.ds",
            "abc.ds",
            "my-project.d-s",
            "my-project.ds`; DROP TABLE x; --",
            "my-project.",
        ] {
            let e = validate_dataset(bad).unwrap_err().to_string();
            assert!(e.contains("--dataset"), "{bad}: {e}");
        }
        assert!(validate_prefix("ja_").is_ok());
        assert!(validate_prefix("1ja").is_err());
        assert!(validate_prefix("ja`x").is_err());
        assert_eq!(
            validate_gcs_prefix("gs://my-bucket/jatopic/v1/").unwrap(),
            "gs://my-bucket/jatopic/v1"
        );
        for bad in [
            "s3://b/p",
            "gs://B/p",
            "gs://ab",
            "gs://bucket/a//b",
            "gs://bucket/../x",
            "gs://bucket/p\"x",
            "gs://bucket/p q",
            "gs://-bucket",
        ] {
            let e = validate_gcs_prefix(bad).unwrap_err().to_string();
            assert!(e.contains("--gcs-prefix"), "{bad}: {e}");
        }
    }

    /// A model whose vocabulary of random terms compresses badly: `terms`
    /// of them give roughly 9.5 bytes each in the `.jtm` file.
    fn bulky_model(terms: usize) -> Vec<u8> {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let vocab: Vec<String> = (0..terms)
            .map(|i| {
                let mut s = format!("{i}");
                for _ in 0..14 {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    s.push(char::from(b'a' + (x % 26) as u8));
                }
                s
            })
            .collect();
        let counts = (0..terms).flat_map(|i| [i as u32 % 3, 1]).collect();
        Model::new(
            crate::topic::terms::TermConfig::default(),
            vocab,
            vec![0.1, 0.1],
            0.01,
            counts,
            Default::default(),
        )
        .unwrap()
        .to_bytes()
        .unwrap()
    }

    fn options() -> PackageOptions {
        PackageOptions {
            gcs_prefix: "gs://jatopic-test/unit".into(),
            dataset: "jatopic-test.unit".into(),
            temp: false,
            function_prefix: "ja_".into(),
            count_bits: None,
            min_count: 0,
            readings: None,
            full_lexicon: None,
            user_dictionary: None,
        }
    }

    /// The 7-bit text [`embed7`] put in `call` (a library file's line).
    pub(crate) fn embedded(call: &str) -> &str {
        let c = contract().unwrap();
        let open = call
            .find(&c.text_container_open)
            .unwrap_or_else(|| panic!("no container: {call:.80}"));
        let text = &call[open + c.text_container_open.len()..];
        &text[..text.find(&c.text_container_close).unwrap()]
    }

    /// Decodes as `decode7` in the bundle (js/runtime/coder7.js) does.
    pub(crate) fn decode7(s: &str) -> Vec<u8> {
        let escaped = &contract().unwrap().text_coding_escaped;
        let (mut acc, mut bits, mut out) = (0u32, 0u32, Vec::new());
        for c in s.chars() {
            let c = c as u32;
            if c < 128 {
                acc = (acc << 7) | c;
                bits += 7;
            } else {
                acc = (acc << 14) | (escaped[(c >> 7) as usize - 1] << 7) | (c & 127);
                bits += 14;
            }
            while bits >= 8 {
                bits -= 8;
                out.push((acc >> bits) as u8);
            }
            acc &= (1 << bits) - 1;
        }
        out
    }

    #[test]
    fn encode7_packs_seven_bits_per_byte_of_text() {
        let mut seed = 7u32;
        let data: Vec<u8> = (0..100_003)
            .map(|_| {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                (seed >> 24) as u8
            })
            .collect();
        let text = encode7(&data).unwrap();
        assert_eq!(&decode7(&text)[..data.len()], &data[..]);
        // Escapes cost no space: 8/7 of the data, whatever the bytes.
        assert!(text.len() <= data.len() * 8 / 7 + 2, "{}", text.len());
        // Nothing that could end a string literal or a comment, or break a line.
        assert!(!text.contains(['\'', '\\', '\n', '\r', '\0', '*']));
        let embedded_text = embed7(&data).unwrap();
        assert_eq!(embedded(&embedded_text), text);
        for n in 0..40 {
            let all: Vec<u8> = (0..=255u8).rev().take(n).collect();
            assert_eq!(&decode7(&encode7(&all).unwrap())[..n], &all[..], "{n}");
        }
    }

    #[test]
    fn a_large_model_is_split_into_parts_that_reassemble() {
        let model = bulky_model(150_000);
        assert!(model.len() > 1_000_000, "{}", model.len());
        let dir = std::env::temp_dir().join(format!("jatopic-pkg-split-{}", std::process::id()));
        let bundle = b"// jatopic test\nvar jatopic = {};\n";
        let report = write_package(&dir, bundle, Some(&model), &options()).unwrap();
        let parts: Vec<&PackageFile> = report.libraries[1..].iter().collect();
        assert!(parts.len() >= 2, "{} parts", parts.len());
        let mut joined = Vec::new();
        for (i, p) in parts.iter().enumerate() {
            assert!(p.bytes <= contract().unwrap().limits.library_file_bytes);
            let text = std::fs::read_to_string(dir.join(&p.path)).unwrap();
            let call = text.lines().last().unwrap();
            assert!(call.starts_with(&format!("jatopic.addModelPart({i}, {}, ", parts.len())));
            let len: usize = call.split(", ").nth(2).unwrap().parse().unwrap();
            joined.extend_from_slice(&decode7(embedded(call))[..len]);
        }
        assert_eq!(joined, model);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_package_over_the_query_budget_is_refused_with_the_fix() {
        let model = bulky_model(420_000);
        let dir = std::env::temp_dir().join(format!("jatopic-pkg-over-{}", std::process::id()));
        let mut bundle = b"// jatopic test\nvar jatopic = {};\n//".to_vec();
        bundle.resize(990_000, b'x');
        let e = write_package(&dir, &bundle, Some(&model), &options())
            .unwrap_err()
            .to_string();
        assert!(e.contains("bytes over the 5000000-byte code budget"), "{e}");
        assert!(e.contains("--keep-n") && e.contains("--min-count"), "{e}");
        assert!(
            !dir.exists(),
            "nothing is written when the package is refused"
        );
        let e = write_package(&dir, &[b'x'; 10], None, &options())
            .unwrap_err()
            .to_string();
        assert!(e.contains("not a jatopic bundle"), "{e}");
    }

    /// Strings that would break out of SQL, JS, shell, JSON or Markdown (or an
    /// HTML page) if pasted into generated text unchecked.
    const HOSTILE: &[&str] = &[
        "'",
        "\"",
        "`",
        "\"\"\"",
        "'''",
        "\n",
        "*/",
        "/*",
        "--",
        "${",
        "\\",
        "</script>",
        "\0",
    ];

    /// Every generated file of the package in `dir`, as text.
    fn package_texts(dir: &Path) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                let name = e.file_name().to_string_lossy().into_owned();
                (name, std::fs::read_to_string(e.path()).unwrap())
            })
            .collect();
        out.sort();
        out
    }

    /// Per byte of `line`: inside a "..." or `...` quote (SQL names and
    /// strings, shell words; none of ours nests or escapes quotes).
    fn quoted_mask(line: &str) -> Vec<bool> {
        let mut open: Option<u8> = None;
        line.bytes()
            .map(|b| match open {
                Some(q) if b == q => {
                    open = None;
                    true
                }
                Some(_) => true,
                None if b == b'"' || b == b'`' => {
                    open = Some(b);
                    true
                }
                None => false,
            })
            .collect()
    }

    #[test]
    fn hostile_identifiers_are_refused_naming_the_option_and_the_rule() {
        let dir = std::env::temp_dir().join(format!("jatopic-pkg-hostile-{}", std::process::id()));
        let bundle = b"// jatopic test\nvar jatopic = {};\n";
        for h in HOSTILE {
            let cases = [
                ("--dataset", format!("my-project.ds{h}")),
                ("--dataset", format!("my-project{h}.ds")),
                ("--dataset", format!("{h}my-project.ds")),
                ("--dataset", format!("example{h}.com:my-project.ds")),
                ("--function-prefix", format!("ja{h}")),
                ("--function-prefix", format!("{h}ja_")),
                ("--gcs-prefix", format!("gs://my-bucket{h}/p")),
                ("--gcs-prefix", format!("gs://my-bucket/p{h}")),
                ("--gcs-prefix", format!("gs://my-bucket/{h}p/q")),
            ];
            for (option, value) in cases {
                let mut o = options();
                match option {
                    "--dataset" => o.dataset = value.clone(),
                    "--function-prefix" => o.function_prefix = value.clone(),
                    _ => o.gcs_prefix = value.clone(),
                }
                match write_package(&dir, bundle, None, &o) {
                    Err(e) => {
                        let e = e.to_string();
                        assert!(e.contains(option), "{value:?}: {e}");
                        assert!(
                            e.contains("expected") || e.contains("use letters"),
                            "{value:?}: {e}"
                        );
                        assert!(!dir.exists(), "{value:?}: nothing is written");
                    }
                    // '-' is allowed in a path segment: "--" there is inert
                    // text inside quotes (SQL string, shell word, JSON string).
                    Ok(_) => {
                        assert!(
                            *h == "--" && option != "--function-prefix",
                            "{value:?} accepted"
                        );
                        // Outside the generated comments, every "--" is inside a
                        // quoted SQL name or string, or a double-quoted shell word.
                        for file in ["create_functions.sql", "deploy.sh"] {
                            let text = std::fs::read_to_string(dir.join(file)).unwrap();
                            for line in text
                                .lines()
                                .filter(|l| !l.starts_with("-- ") && !l.starts_with('#'))
                            {
                                let quoted = quoted_mask(line);
                                for (at, _) in line.match_indices("--") {
                                    assert!(
                                        quoted[at]
                                            || line[..at].ends_with("cd ")
                                            || line[..at].ends_with("dirname ")
                                            || line.starts_with("bq query"),
                                        "{file}: {line}"
                                    );
                                }
                            }
                        }
                        std::fs::remove_dir_all(&dir).unwrap();
                    }
                }
            }
        }
    }

    #[test]
    fn model_text_reaches_the_package_only_as_inert_7_bit_data() {
        // Vocabulary, stop words, POS filter and the training metadata: every
        // string inside the model file, each carrying every hostile string.
        let marked = |what: &str| -> Vec<String> {
            HOSTILE
                .iter()
                .map(|h| format!("HOSTILE{what}{h}end"))
                .collect()
        };
        let terms = crate::topic::terms::TermConfig {
            keep_pos: marked("pos"),
            stopwords: marked("stop"),
            ..crate::topic::terms::TermConfig::default()
        };
        let vocab = marked("term");
        let k = 2;
        let counts = (0..vocab.len() * k).map(|i| i as u32 % 5 + 1).collect();
        let info = crate::topic::model::TrainingInfo {
            version: HOSTILE.concat(),
            ..Default::default()
        };
        let model = Model::new(terms, vocab.clone(), vec![0.1; k], 0.01, counts, info)
            .unwrap()
            .to_bytes()
            .unwrap();
        let dir =
            std::env::temp_dir().join(format!("jatopic-pkg-model-text-{}", std::process::id()));
        let bundle = b"// jatopic test\nvar jatopic = {};\n";
        let report = write_package(&dir, bundle, Some(&model), &options()).unwrap();
        let mut joined = Vec::new();
        for (name, text) in package_texts(&dir) {
            assert!(
                !text.contains("HOSTILE") && !text.contains(&HOSTILE.concat()),
                "{name}"
            );
            if !name.starts_with("jatopic-model-") {
                continue;
            }
            // Comment lines without user text, then one call whose only
            // text is 7-bit data in a function's comment: nothing in it can
            // end the comment or the line (no *, ', \\, CR, LF, U+2028/9).
            let lines: Vec<&str> = text.lines().collect();
            assert!(
                lines[..lines.len() - 1]
                    .iter()
                    .all(|l| l.starts_with("// ")),
                "{name}"
            );
            let call = lines[lines.len() - 1];
            let c = contract().unwrap();
            let open = call.find(&c.text_container_open).unwrap();
            let (head, data) = (&call[..open], embedded(call));
            assert!(
                call.ends_with(&format!("{}{});", data, c.text_container_close)),
                "{name}"
            );
            assert!(
                head.starts_with("jatopic.addModelPart(") && head.ends_with(", "),
                "{name}"
            );
            assert!(
                head["jatopic.addModelPart(".len()..head.len() - 2]
                    .split(", ")
                    .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())),
                "{name}: {head}"
            );
            assert!(
                data.chars().all(|c| (c as u32)
                    < 0x80 * (1 + contract().unwrap().text_coding_escaped.len() as u32)
                    && !matches!(c, '*' | '\'' | '\\' | '\n' | '\r' | '\0' | '\t')),
                "{name}"
            );
            let len: usize = head.split(", ").nth(2).unwrap().parse().unwrap();
            joined.extend_from_slice(&decode7(data)[..len]);
        }
        assert_eq!(report.libraries.len(), 2);
        // The data decodes to the model, strings intact.
        assert_eq!(joined, model);
        let back = Model::from_bytes(&joined).unwrap();
        assert_eq!(back.vocab, vocab);
        assert_eq!(back.terms.stopwords, marked("stop"));
        assert_eq!(back.terms.keep_pos, marked("pos"));
        assert_eq!(back.info.version, HOSTILE.concat());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn quantised_counts_keep_their_leading_bits() {
        let m = Model::new(
            crate::topic::terms::TermConfig::default(),
            vec!["a".into(), "b".into()],
            vec![0.1, 0.1],
            0.01,
            vec![1000, 0, 7, 3],
            Default::default(),
        )
        .unwrap();
        let q = quantise_counts(&m, 2, 0).unwrap();
        assert_eq!(
            quantise_counts(&m, 31, 4).unwrap().word_topic,
            vec![1000, 0, 7, 0]
        );
        assert_eq!(q.word_topic, vec![1024, 0, 8, 3]);
    }

    #[test]
    fn quantisation_error_scores_the_quantised_model_against_the_exact_one() {
        // Two topics over four words, each topic owning two words.
        let exact = Model::new(
            crate::topic::terms::TermConfig::default(),
            vec!["a".into(), "b".into(), "c".into(), "d".into()],
            vec![0.1, 0.1],
            0.01,
            vec![900, 5, 700, 9, 6, 800, 11, 600],
            Default::default(),
        )
        .unwrap();
        let (same_mean, same_worst) = quantisation_error(&exact, &exact);
        assert_eq!((same_mean, same_worst), (1.0, 1.0));
        // 3 bits change the counts a little: the topics stay, not bit for bit.
        let (mean3, worst3) = quantisation_error(&exact, &quantise_counts(&exact, 3, 0).unwrap());
        assert!(mean3 < 1.0 && worst3 < 1.0, "{mean3} {worst3}");
        assert!(mean3 > 0.9999 && worst3 > 0.999, "{mean3} {worst3}");
        // Topics swapped (a quantiser that mixed up the layout) score low.
        let swapped = Model::new(
            exact.terms.clone(),
            exact.vocab.clone(),
            exact.alpha.clone(),
            exact.beta,
            exact
                .word_topic
                .chunks(2)
                .flat_map(|c| [c[1], c[0]])
                .collect(),
            exact.info.clone(),
        )
        .unwrap();
        let (mean_swapped, _) = quantisation_error(&exact, &swapped);
        assert!(mean_swapped < 0.95, "{mean_swapped}");
        // Dropping every count (a broken quantiser) is far from the exact topics.
        let (mean0, _) = quantisation_error(&exact, &quantise_counts(&exact, 31, 10_000).unwrap());
        assert!(mean0 < 0.98, "{mean0}");
    }

    /// `--readings`: the readings library file holds the `.jtr` bytes as
    /// 7-bit text, sits after the tokenizer, is listed by the functions
    /// whose contract entry uses readings (and `ja_reading` exists only
    /// then), and `ja_selftest()` expects the fixed sentence's reading.
    #[test]
    fn readings_are_an_extra_library_file_for_the_functions_that_use_them() {
        let dir = std::env::temp_dir().join(format!("jatopic-pkg-readings-{}", std::process::id()));
        let bundle = b"// jatopic test\nvar jatopic = {};\n";
        let mut o = options();
        o.readings = Some(crate::DEFAULT_READINGS.to_vec());
        let report = write_package(&dir, bundle, Some(&bulky_model(50)), &o).unwrap();
        let c = contract().unwrap();
        let paths: Vec<&str> = report.libraries.iter().map(|l| l.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "jatopic-tokenizer.js",
                "jatopic-readings.js",
                "jatopic-model-1.js"
            ]
        );
        assert_eq!(c.readings_file, "jatopic-readings.js");
        let text = std::fs::read_to_string(dir.join("jatopic-readings.js")).unwrap();
        assert!(text.len() <= c.limits.library_file_bytes);
        let call = text.lines().last().unwrap();
        let head = format!(
            "jatopic.addReadings({}, {}",
            crate::DEFAULT_READINGS.len(),
            c.text_container_open
        );
        assert!(
            call.starts_with(&head) && call.ends_with(&format!("{});", c.text_container_close)),
            "{}",
            &call[..80]
        );
        assert_eq!(
            &decode7(embedded(call))[..crate::DEFAULT_READINGS.len()],
            crate::DEFAULT_READINGS
        );
        assert!(report.functions.iter().any(|f| f == "ja_reading"));
        let manifest: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap())
                .unwrap();
        for f in manifest["functions"].as_array().unwrap() {
            let name = f["name"].as_str().unwrap();
            let libs: Vec<&str> = f["libraries"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| l.as_str().unwrap().rsplit('/').next().unwrap())
                .collect();
            let uses = c
                .functions
                .iter()
                .find(|g| format!("ja_{}", g.name) == name)
                .map(|g| (g.language, g.readings));
            let listed = libs.contains(&"jatopic-readings.js");
            match uses {
                Some((Language::Sql, _)) => assert!(libs.is_empty(), "{name}"),
                Some((_, ReadingsUse::None)) => assert!(!listed, "{name}: {libs:?}"),
                // ja_selftest, ja_analyze, ja_analyze_search, ja_reading.
                _ => assert!(listed, "{name}: {libs:?}"),
            }
        }
        let sql = std::fs::read_to_string(dir.join("create_functions.sql")).unwrap();
        let body = sql
            .split("return jatopic.selftest(")
            .nth(1)
            .and_then(|b| b.split(");\n").next())
            .unwrap();
        let expected: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(expected["libraries"][1]["file"], "jatopic-readings.js");
        assert_eq!(
            expected["libraries"][1]["sha256"],
            sha256_hex(crate::DEFAULT_READINGS).as_str()
        );
        let reading = expected["reading"].as_str().unwrap();
        assert!(reading.chars().count() > 10, "{reading}");
        assert!(
            reading
                .chars()
                .all(|c| !('\u{3041}'..='\u{3096}').contains(&c)),
            "{reading}"
        );
        std::fs::remove_dir_all(&dir).unwrap();

        // Without --readings: no file, no ja_reading, no expected reading.
        write_package(&dir, bundle, None, &options()).unwrap();
        let sql = std::fs::read_to_string(dir.join("create_functions.sql")).unwrap();
        assert!(!sql.contains("jatopic-readings.js") && !sql.contains("ja_reading"));
        assert!(!sql.contains("\"reading\""));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn readings_that_are_not_readings_or_do_not_fit_are_refused() {
        let dir =
            std::env::temp_dir().join(format!("jatopic-pkg-bad-readings-{}", std::process::id()));
        let bundle = b"// jatopic test\nvar jatopic = {};\n";
        let mut o = options();
        o.readings = Some(crate::DEFAULT_DICTIONARY.to_vec());
        let e = write_package(&dir, bundle, None, &o)
            .unwrap_err()
            .to_string();
        assert!(e.contains("not a jatopic readings"), "{e}");
        let mut damaged = crate::DEFAULT_READINGS.to_vec();
        let mid = damaged.len() / 2;
        damaged[mid] ^= 0x55;
        o.readings = Some(damaged);
        assert!(write_package(&dir, bundle, None, &o).is_err());
        // A valid frame whose 7-bit text would exceed one library file.
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let noise: Vec<u8> = (0..900_000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect();
        let big = crate::tokenizer::dictionary::readings::FORMAT
            .write(&[], &noise, crate::artifact::lzma::SMALLEST)
            .unwrap();
        o.readings = Some(big);
        let e = write_package(&dir, bundle, None, &o)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("jatopic-readings.js would be")
                && e.contains("over the 1000000-byte library-file limit"),
            "{e}"
        );
        assert!(!dir.exists(), "nothing is written");
    }

    /// The `ja_selftest()` body of a package: what the native code gives for
    /// the fixed inputs, the embedded module's and each model part's SHA-256,
    /// and the definition over every library file.
    #[test]
    fn selftest_carries_the_native_results_and_the_checksums() {
        let dir = std::env::temp_dir().join(format!("jatopic-selftest-{}", std::process::id()));
        let digest = "ab".repeat(32);
        let bundle =
            format!("// jatopic test\nvar jatopic = {{}};\nconst WASM_SHA256 = '{digest}';\n");
        let model = bulky_model(50);
        let report = write_package(&dir, bundle.as_bytes(), Some(&model), &options()).unwrap();
        assert_eq!(
            report.functions.last().map(String::as_str),
            Some("ja_selftest")
        );
        let sql = std::fs::read_to_string(dir.join("create_functions.sql")).unwrap();
        let at = sql.find("`jatopic-test.unit.ja_selftest`()").unwrap();
        let definition = &sql[at..];
        let returns = &crate::bigquery::contract::contract()
            .unwrap()
            .selftest_returns;
        assert!(definition.contains(&format!("RETURNS {returns}\n")));
        assert!(definition.contains("OPTIONS (library = [\"gs://jatopic-test/unit/jatopic-tokenizer.js\", \"gs://jatopic-test/unit/jatopic-model-1.js\"])"));
        let body = definition
            .split("return jatopic.selftest(")
            .nth(1)
            .and_then(|b| b.split(");\n").next())
            .unwrap();
        let expected: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(expected["version"], env!("CARGO_PKG_VERSION"));
        assert_eq!(expected["libraries"][0]["sha256"], digest.as_str());
        assert_eq!(expected["libraries"][1]["file"], "jatopic-model-1.js");
        assert_eq!(
            expected["libraries"][1]["sha256"],
            sha256_hex(&model).as_str()
        );
        let mut inputs = SELFTEST_INPUTS.lines();
        let (sentence, document) = (inputs.next().unwrap(), inputs.next().unwrap());
        let tok = crate::default_tokenizer().unwrap();
        let surfaces: Vec<&str> = tok.tokenize(sentence).iter().map(|t| t.surface).collect();
        assert!(surfaces.len() > 5, "{surfaces:?}");
        assert_eq!(expected["sentence"], sentence);
        assert_eq!(expected["tokens"], serde_json::json!(surfaces));
        assert_eq!(expected["document"], document);
        let m = Model::from_bytes(&model).unwrap();
        let theta = m.infer_text(&tok, document);
        let topics = expected["topics"].as_array().unwrap();
        assert_eq!(topics.len(), theta.len().min(SELFTEST_TOP_TOPICS));
        for t in topics {
            let k = t[0].as_u64().unwrap() as usize;
            assert_eq!(t[1].as_f64().unwrap(), theta[k]);
        }
        // deploy.sh runs it and stops unless the verdict is ok.
        let deploy = std::fs::read_to_string(dir.join("deploy.sh")).unwrap();
        let create = deploy.find("< \"$here/create_functions.sql\"").unwrap();
        let query = deploy
            .find("(SELECT `jatopic-test.unit.ja_selftest`() AS s)")
            .unwrap();
        assert!(create < query);
        assert!(deploy.contains("*JATOPIC_SELFTEST_OK*) echo 'jatopic: self-test passed'"));
        std::fs::remove_dir_all(&dir).unwrap();

        // A bundle from before WASM_SHA256: no recorded checksum (the self-test says so), no model: no topics.
        let old = b"// jatopic test\nvar jatopic = {};\n";
        write_package(&dir, old, None, &options()).unwrap();
        let sql = std::fs::read_to_string(dir.join("create_functions.sql")).unwrap();
        assert!(
            sql.contains("\"libraries\":[{\"file\":\"jatopic-tokenizer.js\",\"role\":\"tokenizer\",\"sha256\":null}]"),
            "{sql}"
        );
        assert!(!sql.contains("\"topics\""));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
