//! Identifiers that reach SQL and shell text, checked against BigQuery's and
//! Cloud Storage's naming rules before anything is written: the dataset, the
//! function prefix and the gs:// prefix.

use crate::error::{Error, Result};

/// Checks `project.dataset` (project ids: 6–30 lowercase letters, digits and
/// hyphens, optionally `domain:`-scoped; dataset names: letters, digits and
/// underscores, at most 1024).
pub fn validate_dataset(dataset: &str) -> Result<()> {
    let bad = |why: &str| {
        Err(Error::input(format!(
            "--dataset {dataset:?}: {why}; expected PROJECT.DATASET, e.g. my-project.jatopic"
        )))
    };
    let Some((project, name)) = dataset.rsplit_once('.') else {
        return bad("no project (the form is PROJECT.DATASET)");
    };
    let project_id = project.rsplit_once(':').map_or(project, |(domain, id)| {
        if domain.is_empty()
            || !domain
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
        {
            ""
        } else {
            id
        }
    });
    let id_ok = (6..=30).contains(&project_id.len())
        && project_id.starts_with(|c: char| c.is_ascii_lowercase())
        && !project_id.ends_with('-')
        && project_id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !id_ok {
        return bad("the project id must be 6–30 lowercase letters, digits or hyphens, starting with a letter");
    }
    if name.is_empty()
        || name.len() > 1024
        || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return bad("the dataset name must be 1–1024 letters, digits or underscores");
    }
    Ok(())
}

/// Checks a function-name prefix (letters, digits, underscores; starts with a
/// letter or underscore; the full names stay within 256 characters).
pub fn validate_prefix(prefix: &str) -> Result<()> {
    let ok = prefix.len() <= 200
        && prefix
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !prefix.starts_with(|c: char| c.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(Error::input(format!(
            "--function-prefix {prefix:?}: use letters, digits and underscores, not starting with a digit (e.g. ja_)"
        )))
    }
}

/// Checks `gs://bucket[/path]` (bucket: 3–63 lowercase letters, digits, `-`,
/// `_`, `.`, starting and ending with a letter or digit; path: letters,
/// digits and `-_./`, no empty or `..` segments). Returns it without a
/// trailing slash.
pub fn validate_gcs_prefix(prefix: &str) -> Result<String> {
    let bad = |why: &str| {
        Err(Error::input(format!(
            "--gcs-prefix {prefix:?}: {why}; expected gs://BUCKET/PATH, e.g. gs://my-bucket/jatopic/v1"
        )))
    };
    let Some(rest) = prefix.strip_prefix("gs://") else {
        return bad("must start with gs://");
    };
    let rest = rest.trim_end_matches('/');
    let (bucket, path) = rest.split_once('/').unwrap_or((rest, ""));
    let edge = |c: Option<char>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if !(3..=63).contains(&bucket.len())
        || !bucket
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c))
        || !edge(bucket.chars().next())
        || !edge(bucket.chars().last())
    {
        return bad("the bucket name must be 3–63 lowercase letters, digits, '-', '_' or '.', starting and ending with a letter or digit");
    }
    if !path.is_empty()
        && (!path
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
            || path
                .split('/')
                .any(|s| s.is_empty() || s == "." || s == ".."))
    {
        return bad("the path may only hold letters, digits and '-', '_', '.', '/' with no empty, '.' or '..' segments");
    }
    Ok(format!("gs://{rest}"))
}
