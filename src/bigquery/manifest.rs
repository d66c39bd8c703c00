//! `manifest.json`'s records: what a package holds, for the sandbox
//! (js/bq-sandbox.mjs), the web demo and deploy checks.

use super::contract::{Argument, Language};
use serde::Serialize;

/// `manifest.json`: what the package holds, for the sandbox
/// (js/bq-sandbox.mjs), the web demo and deploy checks.
#[derive(Serialize)]
pub struct Manifest<'a> {
    pub format: &'a str,
    pub jatopic_version: &'a str,
    pub dataset: &'a str,
    pub gcs_prefix: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quantisation: Option<&'a str>,
    pub files: Vec<ManifestFile<'a>>,
    pub functions: Vec<ManifestFunction>,
}

/// One library file of the manifest.
#[derive(Serialize)]
pub struct ManifestFile<'a> {
    pub path: &'a str,
    pub bytes: usize,
    pub sha256: &'a str,
    pub uri: &'a str,
}

/// One function of the manifest, as `create_functions.sql` defines it.
#[derive(Serialize)]
pub struct ManifestFunction {
    pub name: String,
    pub sql_name: String,
    pub temp: bool,
    pub language: Language,
    pub arguments: &'static [Argument],
    pub returns: &'static str,
    pub libraries: Vec<String>,
    pub body: String,
}
