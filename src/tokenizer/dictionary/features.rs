//! Part-of-speech features per context id (IPADIC's `left-id.def`): pos1-4,
//! conjugation type and form, stored as one comma-joined string per id.

use crate::artifact::bytes::Reader;
#[cfg(feature = "cli")]
use crate::artifact::bytes::Writer;
use crate::error::Result;
use crate::tokenizer::dictionary::MAX_IDS;

/// Reads the features of every context id.
pub(crate) fn read(r: &mut Reader) -> Result<Vec<[String; 6]>> {
    let n = r.uvar_max(MAX_IDS, "number of context ids")? as usize;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let s = r.str()?;
        let parts: Vec<&str> = s.split(',').collect();
        if parts.len() != 6 {
            return Err(r.err("a feature must have 6 comma-separated fields"));
        }
        out.push(std::array::from_fn(|i| parts[i].to_string()));
    }
    Ok(out)
}

/// Writes `features` as [`read`] reads them.
#[cfg(feature = "cli")]
pub(crate) fn write(w: &mut Writer, features: &[[String; 6]]) {
    w.uvar(features.len() as u64);
    for f in features {
        w.str(&f.join(","));
    }
}
