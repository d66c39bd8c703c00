//! Connection costs (IPADIC's `matrix.def`): the cost of a token with one
//! context id following a token with another. Context ids with identical
//! rows (right contexts) or columns (left contexts) share a class, and each
//! cell of the class matrix is one byte, an index into a codebook of at most
//! 256 costs: the matrix barely compresses, so it is the file's stored
//! (uncompressed) section, while classes and codebook are in the payload.

use crate::artifact::bytes::Reader;
#[cfg(feature = "cli")]
use crate::artifact::bytes::Writer;
use crate::error::Result;
use crate::tokenizer::dictionary::index_below;

/// The connection costs, as loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Connector {
    pub(crate) right_class: Vec<u16>,
    pub(crate) left_class: Vec<u16>,
    pub(crate) n_left_classes: usize,
    pub(crate) n_right_classes: usize,
    /// Connection costs by class as codebook indices, column-major: the cost
    /// from a token of right class r to one of left class l is
    /// `codebook[matrix[l * n_right_classes + r]]`. One byte per cell halves
    /// the cache footprint of the lattice's hottest reads.
    pub(crate) matrix: Vec<u8>,
    /// The distinct connection costs (unused codes are 0).
    pub(crate) codebook: [i16; 256],
}

impl Connector {
    /// Reads the classes of `n_ids` context ids and the codebook from the
    /// payload, and the class matrix from the `stored` section.
    pub(crate) fn read(r: &mut Reader, stored: &[u8], n_ids: usize) -> Result<Connector> {
        let n_rc = r.uvar_max(n_ids as u64, "right classes")? as usize;
        let n_lc = r.uvar_max(n_ids as u64, "left classes")? as usize;
        let mut right_class = Vec::with_capacity(n_ids);
        let mut left_class = Vec::with_capacity(n_ids);
        for _ in 0..n_ids {
            right_class.push(index_below(r, n_rc, "right class")? as u16);
        }
        for _ in 0..n_ids {
            left_class.push(index_below(r, n_lc, "left class")? as u16);
        }
        let quantum = r.uvar_max(1 << 12, "cost quantum")? as i64;
        let n_codes = r.uvar_max(256, "codebook size")? as usize;
        let mut codebook = [0i16; 256];
        for c in codebook.iter_mut().take(n_codes) {
            // Checked: a corrupt value must not wrap into a plausible cost.
            let v = r.ivar()?;
            *c = v
                .checked_mul(quantum)
                .and_then(|v| i16::try_from(v).ok())
                .ok_or_else(|| r.err("connection cost out of range"))?;
        }
        if stored.len() != n_rc * n_lc {
            return Err(r.err(&format!(
                "stored matrix has {} cells, expected {n_rc} x {n_lc}",
                stored.len()
            )));
        }
        if stored.iter().any(|&b| usize::from(b) >= n_codes) {
            return Err(r.err("matrix cell refers past the codebook"));
        }
        // Stored row-major (previous token's class first); kept column-major.
        let mut matrix = vec![0u8; n_rc * n_lc];
        for (k, &b) in stored.iter().enumerate() {
            matrix[(k % n_lc) * n_rc + k / n_lc] = b;
        }
        Ok(Connector {
            right_class,
            left_class,
            n_left_classes: n_lc,
            n_right_classes: n_rc,
            matrix,
            codebook,
        })
    }

    /// Connection cost from a token with context id `prev` to one with `next`.
    #[inline]
    pub(crate) fn cost(&self, prev: u16, next: u16) -> i32 {
        let rc = self.right_class[prev as usize] as usize;
        let lc = self.left_class[next as usize] as usize;
        self.cost_code(self.matrix[lc * self.n_right_classes + rc])
    }

    /// The connection cost of matrix code `code`.
    #[inline]
    pub(crate) fn cost_code(&self, code: u8) -> i32 {
        i32::from(self.codebook[usize::from(code)])
    }
}

/// The connection costs as the file stores them: what [`Connector::read`] reads.
#[cfg(feature = "cli")]
pub(crate) struct ConnectorLayout {
    /// Class of each context id as the previous token (its matrix row).
    row_class: Vec<usize>,
    /// Class of each context id as the next token (its matrix column).
    col_class: Vec<usize>,
    n_rows: usize,
    n_cols: usize,
    quantum: i64,
    /// Quantised costs, sorted.
    codebook: Vec<i64>,
    /// The stored section: one codebook index per class cell, row-major.
    pub(crate) stored: Vec<u8>,
}

#[cfg(feature = "cli")]
impl ConnectorLayout {
    /// Quantises `matrix` (`matrix[previous id][next id]`) to multiples of
    /// `quantum`, merges identical rows and columns into classes, and
    /// encodes each cell as the nearest of the 256 most frequent costs.
    pub(crate) fn of(matrix: &[Vec<i16>], quantum: i64) -> ConnectorLayout {
        use std::collections::HashMap;
        let n = matrix.len();
        let q = |v: i16| (f64::from(v) / quantum as f64).round() as i64;
        let mut row_class = vec![0usize; n];
        let mut rows: Vec<Vec<i64>> = Vec::new();
        let mut seen: HashMap<Vec<i64>, usize> = HashMap::new();
        for (i, row) in matrix.iter().enumerate() {
            let r: Vec<i64> = row.iter().map(|&v| q(v)).collect();
            let next = rows.len();
            row_class[i] = *seen.entry(r.clone()).or_insert_with(|| {
                rows.push(r);
                next
            });
        }
        let mut col_class = vec![0usize; n];
        let mut cols: Vec<Vec<i64>> = Vec::new();
        let mut seen: HashMap<Vec<i64>, usize> = HashMap::new();
        for j in 0..n {
            let c: Vec<i64> = rows.iter().map(|r| r[j]).collect();
            let next = cols.len();
            col_class[j] = *seen.entry(c.clone()).or_insert_with(|| {
                cols.push(c);
                next
            });
        }
        // One byte per cell: a codebook of the 256 most frequent (quantised)
        // values; rarer values take the nearest code.
        let mut freq: HashMap<i64, usize> = HashMap::new();
        for r in 0..rows.len() {
            for col in &cols {
                *freq.entry(col[r]).or_default() += 1;
            }
        }
        let mut codes: Vec<(i64, usize)> = freq.into_iter().collect();
        codes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        codes.truncate(256);
        let mut codebook: Vec<i64> = codes.into_iter().map(|c| c.0).collect();
        codebook.sort();
        let mut stored = Vec::with_capacity(rows.len() * cols.len());
        for r in 0..rows.len() {
            for col in &cols {
                let i = codebook.partition_point(|&c| c < col[r]);
                let nearest = [i.saturating_sub(1), i.min(codebook.len() - 1)]
                    .into_iter()
                    .min_by_key(|&k| (codebook[k] - col[r]).abs())
                    .unwrap_or(0);
                stored.push(nearest as u8);
            }
        }
        ConnectorLayout {
            row_class,
            col_class,
            n_rows: rows.len(),
            n_cols: cols.len(),
            quantum,
            codebook,
            stored,
        }
    }

    /// Writes the payload's part as [`Connector::read`] reads it (the
    /// stored section is [`ConnectorLayout::stored`]).
    pub(crate) fn write(&self, w: &mut Writer) {
        w.uvar(self.n_rows as u64);
        w.uvar(self.n_cols as u64);
        for &c in &self.row_class {
            w.uvar(c as u64);
        }
        for &c in &self.col_class {
            w.uvar(c as u64);
        }
        w.uvar(self.quantum as u64);
        w.uvar(self.codebook.len() as u64);
        self.codebook.iter().for_each(|&c| w.ivar(c));
    }
}
