//! Unknown-word rules (IPADIC's `unk.def`): per character category, the
//! analyses proposed for a word the lexicon does not have.

use crate::artifact::bytes::Reader;
#[cfg(feature = "cli")]
use crate::artifact::bytes::Writer;
use crate::error::Result;

/// One analysis proposed for an unknown word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownWord {
    /// Context id.
    pub id: u16,
    /// Word cost.
    pub cost: i16,
}

/// Reads the templates of `n_categories` categories (context ids below `n_ids`).
pub(crate) fn read(
    r: &mut Reader,
    n_categories: usize,
    n_ids: usize,
) -> Result<Vec<Vec<UnknownWord>>> {
    let mut unknown = Vec::with_capacity(n_categories);
    for _ in 0..n_categories {
        let n = r.count("unknown templates")?;
        let mut v = Vec::with_capacity(n);
        for _ in 0..n {
            let id = r.uvar_max(n_ids as u64 - 1, "unknown-word context id")? as u16;
            let cost =
                i16::try_from(r.ivar()?).map_err(|_| r.err("unknown-word cost out of range"))?;
            v.push(UnknownWord { id, cost });
        }
        unknown.push(v);
    }
    Ok(unknown)
}

/// Writes the templates of every category as [`read`] reads them.
#[cfg(feature = "cli")]
pub(crate) fn write(w: &mut Writer, unknown: &[Vec<UnknownWord>]) {
    for u in unknown {
        w.uvar(u.len() as u64);
        for t in u {
            w.uvar(u64::from(t.id));
            w.ivar(i64::from(t.cost));
        }
    }
}
