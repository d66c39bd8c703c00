//! The UDF contract: every function's name, SQL argument and return types,
//! body template and model use, and the size and length limits, read from
//! `udf_contract.json` — the one copy, also read by the sandbox
//! (js/sandbox/) and the SQL pipeline (scripts/sql_pipeline.py).

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// The UDF contract (names, SQL types, bodies, limits), shared with the
/// sandbox (js/bq-sandbox.mjs) and the SQL pipeline (scripts/sql_pipeline.py).
pub(crate) const CONTRACT_JSON: &str = include_str!("udf_contract.json");

/// `udf_contract.json`, parsed.
#[derive(Debug, Deserialize)]
pub struct Contract {
    /// `format` of manifest.json.
    pub manifest_format: String,
    /// File name of the tokenizer library inside a package.
    pub tokenizer_file: String,
    /// File name of the readings library (`jatopic package --readings`).
    pub readings_file: String,
    /// File name of the user dictionary library (`jatopic package --user-dict`).
    pub user_dictionary_file: String,
    /// 7-bit values the text coding never writes raw (see `text_coding_about`).
    pub text_coding_escaped: Vec<u32>,
    /// Before and after the 7-bit text in a library file: a function whose
    /// block comment holds it (read back with `Function.prototype.toString`).
    pub text_container_open: String,
    pub text_container_close: String,
    /// What `ja_selftest()` returns (the struct js/runtime/selftest.js builds).
    pub selftest_returns: String,
    /// Size and length limits.
    pub limits: Limits,
    /// Every function a package can hold, in the order they are written
    /// (a function another one calls comes first).
    pub functions: Vec<Function>,
}

/// The limits of the contract (`limit_sources` in the file says whose each is).
#[derive(Debug, Deserialize)]
pub struct Limits {
    /// One library file (bytes).
    pub library_file_bytes: usize,
    /// One inline function body (bytes).
    pub inline_body_bytes: usize,
    /// Code resources (library files + bodies) one query may load.
    pub query_resources: usize,
    /// Code one query may load (bytes): jatopic's planning budget.
    pub query_code_bytes: usize,
    /// The longest text the functions take (UTF-16 units).
    pub text_utf16_units: usize,
    /// The longest text `analyze` takes (UTF-16 units).
    pub analyze_text_utf16_units: usize,
    /// The longest text `reading` takes (UTF-16 units).
    pub reading_text_utf16_units: usize,
}

/// One SQL function of the package.
#[derive(Debug, Deserialize)]
pub struct Function {
    /// Name without prefix (`tokenize`, `analyze`, ...).
    pub name: String,
    /// `js`, or `sql` for a function defined by a SQL expression.
    pub language: Language,
    /// The arguments, with their SQL types.
    pub arguments: Vec<Argument>,
    /// SQL return type.
    pub returns: String,
    /// JavaScript body, or the SQL expression; `{function:NAME}` stands for
    /// the SQL name of the package's function NAME.
    pub body: String,
    /// How the function uses the model.
    pub model: ModelUse,
    /// How the function uses the readings file (absent: not at all).
    #[serde(default)]
    pub readings: ReadingsUse,
}

/// The language of a function body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// `LANGUAGE js`, with the package's library files.
    Js,
    /// `AS (expression)`, calling other functions of the package.
    Sql,
}

/// One argument of a function.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Argument {
    /// Argument name.
    pub name: String,
    /// SQL type.
    #[serde(rename = "type")]
    pub sql_type: String,
}

/// Whether a function needs the model's library files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ModelUse {
    /// Tokenizer only.
    None,
    /// Uses the model when the package has one (its term pipeline), else defaults.
    Optional,
    /// Only in packages with a model.
    Required,
}

/// Whether a function needs the readings library file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReadingsUse {
    /// Never loads it.
    #[default]
    None,
    /// Gives readings when the package has them (NULL otherwise).
    Optional,
    /// Only in packages with readings.
    Required,
}

/// The UDF contract (parsed and checked once).
pub fn contract() -> Result<&'static Contract> {
    static CONTRACT: std::sync::OnceLock<std::result::Result<Contract, String>> =
        std::sync::OnceLock::new();
    CONTRACT
        .get_or_init(|| parse_contract(CONTRACT_JSON))
        .as_ref()
        .map_err(|e| Error::input(format!("src/bigquery/udf_contract.json: {e}")))
}

/// Parses a contract and refuses what BigQuery would refuse in the DDL
/// written from it (the sandbox, js/bq-sandbox.mjs, checks the same rules on
/// the package, quoting BigQuery's documentation).
pub(crate) fn parse_contract(json: &str) -> std::result::Result<Contract, String> {
    let contract: Contract = serde_json::from_str(json).map_err(|e| e.to_string())?;
    // INT64 and its aliases, as words of a type (no field of ours is named so).
    const INT64_NAMES: [&str; 7] = [
        "INT64", "INT", "INTEGER", "BIGINT", "SMALLINT", "TINYINT", "BYTEINT",
    ];
    for f in contract
        .functions
        .iter()
        .filter(|f| f.language == Language::Js)
    {
        for a in &f.arguments {
            let int64 = a
                .sql_type
                .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                .any(|w| INT64_NAMES.contains(&w.to_ascii_uppercase().as_str()));
            if int64 || a.sql_type.to_ascii_uppercase().contains("ANY TYPE") {
                return Err(format!(
                    "function {}: argument {} {}: BigQuery refuses INT64 and ANY TYPE arguments of JavaScript UDFs (take FLOAT64 or STRING, or a SQL function that casts)",
                    f.name, a.name, a.sql_type
                ));
            }
        }
    }
    Ok(contract)
}
