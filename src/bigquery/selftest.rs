//! `ja_selftest()`: the first query to run after deploying. Its body carries
//! what the native code gives for fixed inputs and the checksums of every
//! library file; js/runtime/selftest.js compares them with what the engine
//! loaded and computes, and deploy.sh fails unless `ok`.

use super::contract::{contract, Language};
use super::libraries::Library;
use super::manifest::ManifestFunction;
use super::package::{PackageFile, PackageOptions};
use crate::error::{Error, Result};
use crate::topic::model::Model;

/// `ja_selftest()`'s fixed inputs (data file, two lines): a sentence to
/// tokenize and a document whose topics are compared (with a model). Fixed
/// text, never model text, so nothing of the model reaches SQL as text.
pub(crate) const SELFTEST_INPUTS: &str = include_str!("selftest.txt");
/// How many of the fixed document's top topics `ja_selftest()` compares.
pub const SELFTEST_TOP_TOPICS: usize = 5;

/// `ja_selftest()` as written into the package.
pub struct SelftestFunction {
    pub name: String,
    pub sql: String,
    pub manifest: ManifestFunction,
    /// The lines of deploy.sh that run it and fail loudly unless `ok`.
    pub deploy_step: String,
}

/// `ja_selftest()`: a JS UDF over every library file whose body calls
/// `jatopic.selftest` (js/runtime/selftest.js) with what the native code
/// gives now with the package's tokenizer `tok`: the role and the SHA-256 of
/// the data each library file embeds (the wasm module's as recorded in the
/// bundle at `make wasm`, each lexicon part's, the packed user
/// dictionary's, the readings', each model part's), the fixed sentence's
/// surfaces, with readings its reading (as `ja_reading` gives it) and, with
/// a model, the fixed document's top topics.
pub fn selftest_function(
    opts: &PackageOptions,
    tok: &crate::Tokenizer,
    files: &[Library],
    libraries: &[PackageFile],
    model: Option<&Model>,
) -> Result<SelftestFunction> {
    let mut lines = SELFTEST_INPUTS.lines();
    let (sentence, document) = (lines.next().unwrap_or(""), lines.next().unwrap_or(""));
    let analysed = tok.tokenize(sentence);
    let tokens: Vec<&str> = analysed.iter().map(|t| t.surface).collect();
    // As ja_reading (js/runtime/sql.js): readings, else the surface in katakana.
    let reading: String = analysed
        .iter()
        .map(|t| match &t.reading {
            Some(r) if t.known && r != "*" => r.to_string(),
            _ => crate::tokenizer::dictionary::readings::katakana(t.surface.chars()),
        })
        .collect();
    let files: Vec<serde_json::Value> = files
        .iter()
        .map(
            |l| serde_json::json!({"file": l.name, "role": l.role.name(), "sha256": l.data_sha256}),
        )
        .collect();
    let mut expected = serde_json::json!({
        "version": env!("CARGO_PKG_VERSION"),
        "libraries": files,
        "sentence": sentence,
        "tokens": tokens,
    });
    if opts.readings.is_some() {
        expected["reading"] = reading.into();
    }
    if let Some(m) = model {
        let theta = m.infer_text(tok, document);
        // As topTopics in js/runtime/sql.js: by weight, ties by topic number.
        let mut order: Vec<usize> = (0..theta.len()).collect();
        order.sort_by(|&a, &b| theta[b].total_cmp(&theta[a]).then(a.cmp(&b)));
        let top: Vec<serde_json::Value> = order
            .iter()
            .take(SELFTEST_TOP_TOPICS)
            .map(|&k| serde_json::json!([k, theta[k]]))
            .collect();
        expected["document"] = document.into();
        expected["topics"] = top.into();
    }
    let body = format!("return jatopic.selftest({expected});");
    if body.len() > contract()?.limits.inline_body_bytes || body.contains("\"\"\"") {
        return Err(Error::input(
            "the body of ja_selftest cannot be written".into(),
        ));
    }
    let contract = contract()?;
    let returns = &contract.selftest_returns;
    let name = format!("{}selftest", opts.function_prefix);
    let sql_name = if opts.temp {
        name.clone()
    } else {
        format!("`{}.{name}`", opts.dataset)
    };
    let uris: Vec<&str> = libraries.iter().map(|l| l.uri.as_str()).collect();
    let sql = format!(
        "\nCREATE {} {sql_name}()\nRETURNS {returns}\nLANGUAGE js\nOPTIONS (library = [{}])\nAS r\"\"\"\n{body}\n\"\"\";\n",
        if opts.temp { "TEMP FUNCTION" } else { "OR REPLACE FUNCTION" },
        uris.iter().map(|u| format!("\"{u}\"")).collect::<Vec<_>>().join(", ")
    );
    let manifest = ManifestFunction {
        name: name.clone(),
        sql_name: sql_name.clone(),
        temp: opts.temp,
        language: Language::Js,
        arguments: &[],
        returns: &contract.selftest_returns,
        libraries: uris.iter().map(|u| u.to_string()).collect(),
        body,
    };
    // The verdict as a word of its own, whatever bq's output format, and the
    // whole struct printed. (The query is a function of its own so that its
    // flags begin a line, as the other bq call's do.)
    let deploy_step = format!(
        "echo 'jatopic: self-test: SELECT {sql_name}()'\nselftest_query() {{\nbq query --use_legacy_sql=false --format=json 'SELECT IF(s.ok, \"JATOPIC_SELFTEST_OK\", \"JATOPIC_SELFTEST_FAILED\") AS verdict, TO_JSON_STRING(s) AS selftest FROM (SELECT {sql_name}() AS s)'\n}}\nresult=$(selftest_query) || {{ printf '%s\\n' \"$result\" >&2; echo 'jatopic: SELF-TEST FAILED: the query of {sql_name}() failed (the error is above): the functions exist but do not work here' >&2; exit 1; }}\nprintf '%s\\n' \"$result\"\ncase \"$result\" in\n  *JATOPIC_SELFTEST_OK*) echo 'jatopic: self-test passed' ;;\n  *) echo 'jatopic: SELF-TEST FAILED: {sql_name}() returned ok = false; the reason is in the struct above' >&2; exit 1 ;;\nesac\n"
    );
    Ok(SelftestFunction {
        name,
        sql,
        manifest,
        deploy_step,
    })
}
