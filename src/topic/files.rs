//! Model files and foreign topic tables on disk (native only).

use crate::error::InFile;
use crate::topic::model::Model;
use crate::{Error, ErrorKind, Result};

/// Loads a model file; every error names the file.
pub fn load_model(path: &str) -> Result<Model> {
    let bytes = std::fs::read(path).in_file(path)?;
    Model::from_bytes(&bytes).map_err(|e| match e.kind() {
        ErrorKind::Format => e.in_file(path),
        _ => Error::format(format!("{path}: {e}")),
    })
}

/// Reads a topic–word table (TSV: one row per topic, one column per model
/// term) and an α file (one value per line) to evaluate another tool's model.
pub fn load_phi(model: Model, phi_path: &str, alpha_path: Option<&str>) -> Result<Model> {
    let text = std::fs::read_to_string(phi_path).in_file(phi_path)?;
    let mut rows = Vec::new();
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let row: std::result::Result<Vec<f64>, _> =
            line.split('\t').map(|x| x.trim().parse::<f64>()).collect();
        rows.push(row.map_err(|_| {
            Error::input(format!(
                "{phi_path}:{}: expected tab-separated numbers",
                i + 1
            ))
        })?);
    }
    let alpha = match alpha_path {
        Some(p) => {
            let t = std::fs::read_to_string(p).in_file(p)?;
            t.split_whitespace()
                .map(|x| {
                    x.parse::<f64>()
                        .map_err(|_| Error::input(format!("{p}: not a number: {x:?}")))
                })
                .collect::<Result<Vec<f64>>>()?
        }
        None => vec![model.alpha.iter().sum::<f64>() / rows.len().max(1) as f64; rows.len()],
    };
    model
        .with_phi(&rows, alpha)
        .map_err(|e| Error::input(format!("{phi_path}: {e}")))
}
