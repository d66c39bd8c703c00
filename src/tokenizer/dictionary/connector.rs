//! Connection costs (IPADIC's `matrix.def`): the cost of a token with one
//! context id following a token with another. Context ids with identical
//! rows (right contexts) or columns (left contexts) share a class, and the
//! class matrix is stored in one of two layouts ([`ConnectionCosts`]):
//! - **codebook** (the compact tier): each cell one byte, an index into a
//!   codebook of at most 256 costs. The matrix barely compresses, so it is
//!   the file's stored (uncompressed) section, while classes and codebook
//!   are in the payload.
//! - **exact** (the full tier): each cell its exact 16-bit cost, in the
//!   LZMA payload (a byte cannot hold IPADIC's distinct values). Format 4
//!   writes each row as its difference from the most similar earlier row
//!   (named per row): IPADIC's rows come in families that differ in few
//!   cells, and the differences compress to 40 % less than the costs
//!   (1,142,353 → about 690,000 bytes), which is 40 % less LZMA decoding,
//!   the bulk of the full tier's cold start. Format 3's plain costs are
//!   still read.
//!
//! Format 2 files have only the codebook layout; formats 3 and 4 say which
//! layout follows in a byte at the start of the section.
use crate::artifact::bytes::Reader;
#[cfg(feature = "cli")]
use crate::artifact::bytes::Writer;
use crate::artifact::calls;
use crate::error::Result;
use crate::tokenizer::dictionary::index_below;

/// The connection costs, as loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Connector {
    pub(crate) right_class: Vec<u16>,
    pub(crate) left_class: Vec<u16>,
    pub(crate) n_left_classes: usize,
    pub(crate) n_right_classes: usize,
    /// The class matrix, column-major: the cost from a token of right class
    /// r to one of left class l is cell `l * n_right_classes + r`.
    pub(crate) costs: ConnectionCosts,
}

/// The class matrix's cells, in one of the two stored layouts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ConnectionCosts {
    /// Codebook indices: one byte per cell halves the cache footprint of the
    /// lattice's hottest reads (the compact tier).
    Codebook {
        matrix: Vec<u8>,
        /// The distinct connection costs (unused codes are 0).
        codebook: Box<[i16; 256]>,
    },
    /// Exact costs (the full tier).
    Exact(Vec<i16>),
}

/// The byte that starts the connector section of a format-3 or -4 file.
const LAYOUT_CODEBOOK: u8 = 0;
/// Plain costs (format 3; still read).
const LAYOUT_EXACT: u8 = 1;
/// Costs as differences from reference rows (format 4).
const LAYOUT_EXACT_ROW_DELTAS: u8 = 2;

/// The dictionary format version that can hold `costs`' layout: the
/// codebook layout is still written as format 2, so that files without the
/// exact layout stay byte-identical to earlier jatopic's (and readable by it).
#[cfg(feature = "cli")]
pub(crate) const fn format_version_for(exact: bool) -> u16 {
    if exact {
        4
    } else {
        2
    }
}

impl Connector {
    /// Reads the classes of `n_ids` context ids and the costs: a format-2
    /// file's codebook from the payload and matrix from the `stored`
    /// section; a format-3 file's layout byte, then either of those or the
    /// exact matrix in the payload.
    pub(crate) fn read(
        r: &mut Reader,
        stored: &[u8],
        n_ids: usize,
        format_version: u16,
    ) -> Result<Connector> {
        let layout = if format_version >= 3 {
            r.u8()?
        } else {
            LAYOUT_CODEBOOK
        };
        let known = match layout {
            LAYOUT_CODEBOOK | LAYOUT_EXACT => true,
            LAYOUT_EXACT_ROW_DELTAS => format_version >= 4,
            _ => false,
        };
        if !known {
            return Err(r.err(&format!(
                "unknown connection matrix layout {layout} (written by a newer jatopic?)"
            )));
        }
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
        let costs = if layout != LAYOUT_CODEBOOK {
            if !stored.is_empty() {
                return Err(r.err(&format!(
                    "an exact connection matrix has no stored section, found {} bytes",
                    stored.len()
                )));
            }
            ConnectionCosts::Exact(if layout == LAYOUT_EXACT {
                read_exact(r, n_rc, n_lc)?
            } else {
                read_row_deltas(r, n_rc, n_lc)?
            })
        } else {
            read_codebook(r, stored, n_rc, n_lc)?
        };
        Ok(Connector {
            right_class,
            left_class,
            n_left_classes: n_lc,
            n_right_classes: n_rc,
            costs,
        })
    }

    /// Connection cost from a token with context id `prev` to one with `next`.
    #[inline]
    pub(crate) fn cost(&self, prev: u16, next: u16) -> i32 {
        let rc = self.right_class[prev as usize] as usize;
        let lc = self.left_class[next as usize] as usize;
        let cell = lc * self.n_right_classes + rc;
        match &self.costs {
            ConnectionCosts::Codebook { matrix, codebook } => {
                i32::from(codebook[usize::from(matrix[cell])])
            }
            ConnectionCosts::Exact(matrix) => i32::from(matrix[cell]),
        }
    }

    /// Whether the costs are exact (the full tier's layout).
    pub(crate) fn is_exact(&self) -> bool {
        matches!(self.costs, ConnectionCosts::Exact(_))
    }

    /// The connector with its classes renumbered, heaviest first by `id_weight` (per context
    /// id, how busy its connections are, see `hot_ids.rs`), and moves the
    /// matrix's cells with them. Costs do not change, only where they are:
    /// Viterbi reads the cells of a few busy classes most of the time, and
    /// numbered first they share cache lines (vibrato's frequency-ordered
    /// connection ids, applied at load so that the files stay as they are).
    /// The analysis depends on classes being equal or not, never on their
    /// numbers. Native only: the wasm build keeps the file's order (no
    /// table, no code).
    #[cfg(feature = "cli")]
    pub(crate) fn renumbered(mut self, id_weight: &[u32]) -> Connector {
        let (n_rc, n_lc) = (self.n_right_classes, self.n_left_classes);
        let new_rows = heaviest_first(&self.right_class, n_rc, id_weight);
        let new_cols = heaviest_first(&self.left_class, n_lc, id_weight);
        for c in self.right_class.iter_mut() {
            *c = new_rows[usize::from(*c)];
        }
        for c in self.left_class.iter_mut() {
            *c = new_cols[usize::from(*c)];
        }
        // Column-major: cell (row r, column l) at l * n_rc + r.
        fn permute<T: Copy + Default>(
            old: &[T],
            n_rc: usize,
            rows: &[u16],
            cols: &[u16],
        ) -> Vec<T> {
            let mut new = vec![T::default(); old.len()];
            for (column, &l) in old.chunks_exact(n_rc).zip(cols) {
                let to = &mut new[usize::from(l) * n_rc..][..n_rc];
                for (&v, &r) in column.iter().zip(rows) {
                    to[usize::from(r)] = v;
                }
            }
            new
        }
        match &mut self.costs {
            ConnectionCosts::Codebook { matrix, .. } => {
                *matrix = permute(matrix, n_rc, &new_rows, &new_cols);
            }
            ConnectionCosts::Exact(matrix) => {
                *matrix = permute(matrix, n_rc, &new_rows, &new_cols);
            }
        }
        self
    }
}

/// The new number of each of `n` classes (`class_of` gives each context
/// id's) when they are ordered by their ids' total weight, heaviest first,
/// ties in their old order.
#[cfg(feature = "cli")]
fn heaviest_first(class_of: &[u16], n: usize, id_weight: &[u32]) -> Vec<u16> {
    let mut weight = vec![0u64; n];
    for (id, &c) in class_of.iter().enumerate() {
        if let Some(w) = weight.get_mut(usize::from(c)) {
            *w += u64::from(id_weight.get(id).copied().unwrap_or(0));
        }
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| weight[b].cmp(&weight[a]).then(a.cmp(&b)));
    let mut new = vec![0u16; n];
    for (k, &old) in order.iter().enumerate() {
        new[old] = k as u16;
    }
    new
}

/// The codebook layout: quantum and codebook from the payload, one code per
/// cell (row-major) from the stored section; kept column-major.
fn read_codebook(
    r: &mut Reader,
    stored: &[u8],
    n_rc: usize,
    n_lc: usize,
) -> Result<ConnectionCosts> {
    let quantum = r.uvar_max(1 << 12, "cost quantum")? as i64;
    let n_codes = r.uvar_max(256, "codebook size")? as usize;
    let mut codebook = Box::new([0i16; 256]);
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
    // Stored row-major (previous token's class first); kept column-major.
    let mut matrix = vec![0u8; n_rc * n_lc];
    calls::for_each(n_rc, |row| {
        for (col, &b) in stored[row * n_lc..][..n_lc].iter().enumerate() {
            if usize::from(b) >= n_codes {
                return Err(r.err("matrix cell refers past the codebook"));
            }
            matrix[col * n_rc + row] = b;
        }
        Ok(())
    })?;
    Ok(ConnectionCosts::Codebook { matrix, codebook })
}

/// The exact layout: every cell's cost as two byte planes (low bytes of all
/// cells, then high bytes), row-major; kept column-major.
fn read_exact(r: &mut Reader, n_rc: usize, n_lc: usize) -> Result<Vec<i16>> {
    let n = n_rc * n_lc;
    let low = r.raw(n)?;
    let high = r.raw(n)?;
    let mut matrix = vec![0i16; n];
    for (k, (&lo, &hi)) in low.iter().zip(high).enumerate() {
        matrix[(k % n_lc) * n_rc + k / n_lc] = i16::from_le_bytes([lo, hi]);
    }
    Ok(matrix)
}

/// The row-delta layout (format 4): per row, how many rows back its
/// reference is (0: none), then every cell's difference from its
/// reference's (wrapping i16) as two byte planes, column-major, which is
/// the order kept in memory: decoding adds each column's reference cells
/// in place.
fn read_row_deltas(r: &mut Reader, n_rc: usize, n_lc: usize) -> Result<Vec<i16>> {
    let mut back = Vec::with_capacity(n_rc);
    for row in 0..n_rc {
        back.push(r.uvar_max(row as u64, "reference row")? as usize);
    }
    let n = n_rc * n_lc;
    let low = r.raw(n)?;
    let high = r.raw(n)?;
    let mut matrix = vec![0i16; n];
    calls::for_each(n_lc, |col| {
        let cells = col * n_rc..(col + 1) * n_rc;
        let column = &mut matrix[cells.clone()];
        for ((cell, &lo), &hi) in column.iter_mut().zip(&low[cells.clone()]).zip(&high[cells]) {
            *cell = i16::from_le_bytes([lo, hi]);
        }
        for (row, &b) in back.iter().enumerate() {
            if b != 0 {
                column[row] = column[row].wrapping_add(column[row - b]);
            }
        }
        Ok(())
    })?;
    Ok(matrix)
}

/// For each row of `cells` (row-major, `n_cols` wide), how many rows back
/// the earlier row most like it is (least total difference), or 0 when the
/// plain costs are smaller than any difference. Quadratic in rows: about a
/// second for IPADIC's, once per `build-dict`.
#[cfg(feature = "cli")]
fn reference_rows(cells: &[i16], n_cols: usize) -> Vec<usize> {
    let rows: Vec<&[i16]> = cells.chunks_exact(n_cols.max(1)).collect();
    let distance = |a: &[i16], b: &[i16]| -> u64 {
        a.iter()
            .zip(b)
            .map(|(&x, &y)| u64::from((i32::from(x) - i32::from(y)).unsigned_abs()))
            .sum()
    };
    let mut back = vec![0; rows.len()];
    for (row, cells) in rows.iter().enumerate() {
        let mut best: u64 = cells.iter().map(|&c| u64::from(c.unsigned_abs())).sum();
        for (earlier, other) in rows[..row].iter().enumerate() {
            let d = distance(cells, other);
            // Ties to the nearest row: the same choice on every machine.
            if d < best || (d == best && back[row] != 0) {
                best = d;
                back[row] = row - earlier;
            }
        }
    }
    back
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
    cells: StoredCells,
    /// The stored section: one codebook index per class cell, row-major
    /// (empty for the exact layout, whose cells are in the payload).
    pub(crate) stored: Vec<u8>,
}

/// The class cells' encoding.
#[cfg(feature = "cli")]
enum StoredCells {
    Codebook {
        quantum: i64,
        /// Quantised costs, sorted.
        codebook: Vec<i64>,
    },
    /// Exact costs, row-major.
    Exact(Vec<i16>),
}

/// Merges identical rows, then identical columns, of `matrix` (values
/// already in their stored unit): per id its row class and column class,
/// and the class matrix as its columns (`cols[c][r]`).
#[cfg(feature = "cli")]
fn classes(matrix: &[Vec<i64>]) -> (Vec<usize>, Vec<usize>, usize, Vec<Vec<i64>>) {
    use std::collections::HashMap;
    let n = matrix.len();
    let mut row_class = vec![0usize; n];
    let mut rows: Vec<&Vec<i64>> = Vec::new();
    let mut seen: HashMap<&Vec<i64>, usize> = HashMap::new();
    for (i, row) in matrix.iter().enumerate() {
        let next = rows.len();
        row_class[i] = *seen.entry(row).or_insert_with(|| {
            rows.push(row);
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
    (row_class, col_class, rows.len(), cols)
}

#[cfg(feature = "cli")]
impl ConnectorLayout {
    /// Quantises `matrix` (`matrix[previous id][next id]`) to multiples of
    /// `quantum`, merges identical rows and columns into classes, and
    /// encodes each cell as the nearest of the 256 most frequent costs.
    pub(crate) fn of(matrix: &[Vec<i16>], quantum: i64) -> ConnectorLayout {
        use std::collections::HashMap;
        let q = |v: i16| (f64::from(v) / quantum as f64).round() as i64;
        let quantised: Vec<Vec<i64>> = matrix
            .iter()
            .map(|row| row.iter().map(|&v| q(v)).collect())
            .collect();
        let (row_class, col_class, n_rows, cols) = classes(&quantised);
        // One byte per cell: a codebook of the 256 most frequent (quantised)
        // values; rarer values take the nearest code.
        let mut freq: HashMap<i64, usize> = HashMap::new();
        for r in 0..n_rows {
            for col in &cols {
                *freq.entry(col[r]).or_default() += 1;
            }
        }
        let mut codes: Vec<(i64, usize)> = freq.into_iter().collect();
        codes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        codes.truncate(256);
        let mut codebook: Vec<i64> = codes.into_iter().map(|c| c.0).collect();
        codebook.sort();
        let mut stored = Vec::with_capacity(n_rows * cols.len());
        for r in 0..n_rows {
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
            n_rows,
            n_cols: cols.len(),
            cells: StoredCells::Codebook { quantum, codebook },
            stored,
        }
    }

    /// `matrix` exactly: identical rows and columns merged into classes,
    /// every class cell its 16-bit cost.
    pub(crate) fn exact(matrix: &[Vec<i16>]) -> ConnectorLayout {
        let wide: Vec<Vec<i64>> = matrix
            .iter()
            .map(|row| row.iter().map(|&v| i64::from(v)).collect())
            .collect();
        let (row_class, col_class, n_rows, cols) = classes(&wide);
        // Every value came from an i16.
        let cells = (0..n_rows)
            .flat_map(|r| cols.iter().map(move |col| col[r] as i16))
            .collect();
        ConnectorLayout {
            row_class,
            col_class,
            n_rows,
            n_cols: cols.len(),
            cells: StoredCells::Exact(cells),
            stored: Vec::new(),
        }
    }

    /// Whether the layout is exact: the dictionary format version depends on it.
    pub(crate) fn is_exact(&self) -> bool {
        matches!(self.cells, StoredCells::Exact(_))
    }

    /// Writes the payload's part as [`Connector::read`] reads it from a file
    /// of format [`format_version_for`] (the stored section is
    /// [`ConnectorLayout::stored`]).
    pub(crate) fn write(&self, w: &mut Writer) {
        if let StoredCells::Exact(_) = self.cells {
            // Format 2 (codebook only) has no layout byte.
            w.buf.push(LAYOUT_EXACT_ROW_DELTAS);
        }
        w.uvar(self.n_rows as u64);
        w.uvar(self.n_cols as u64);
        for &c in &self.row_class {
            w.uvar(c as u64);
        }
        for &c in &self.col_class {
            w.uvar(c as u64);
        }
        match &self.cells {
            StoredCells::Codebook { quantum, codebook } => {
                w.uvar(*quantum as u64);
                w.uvar(codebook.len() as u64);
                codebook.iter().for_each(|&c| w.ivar(c));
            }
            StoredCells::Exact(cells) => {
                let back = reference_rows(cells, self.n_cols);
                back.iter().for_each(|&b| w.uvar(b as u64));
                // Column-major differences, in byte planes: the high bytes
                // are few distinct values, which LZMA packs far better apart
                // from the noisy low bytes.
                let deltas: Vec<i16> = (0..self.n_cols)
                    .flat_map(|c| (0..self.n_rows).map(move |r| (r, c)))
                    .map(|(r, c)| {
                        let cell = |row: usize| cells[row * self.n_cols + c];
                        match back[r] {
                            0 => cell(r),
                            b => cell(r).wrapping_sub(cell(r - b)),
                        }
                    })
                    .collect();
                w.buf.extend(deltas.iter().map(|&c| c.to_le_bytes()[0]));
                w.buf.extend(deltas.iter().map(|&c| c.to_le_bytes()[1]));
            }
        }
    }
}

#[cfg(all(test, feature = "cli"))]
mod tests {
    use super::*;
    use crate::artifact::bytes::Reader;

    /// An asymmetric matrix with duplicate rows and columns and costs
    /// across the whole i16 range, far beyond a byte.
    fn matrix() -> Vec<Vec<i16>> {
        let n: usize = 7;
        (0..n)
            .map(|i| {
                (0..n)
                    .map(|j| {
                        let (i, j) = (i.min(5) as i32, j.min(4) as i32);
                        (i * 9973 - j * 7919 + i * j * 331 - 20000).clamp(-32768, 32767) as i16
                    })
                    .collect()
            })
            .collect()
    }

    fn round_trip(layout: &ConnectorLayout, n: usize) -> Connector {
        let mut w = Writer::default();
        layout.write(&mut w);
        let version = format_version_for(layout.is_exact());
        let mut r = Reader::new(&w.buf, "dictionary");
        let c = Connector::read(&mut r, &layout.stored, n, version).unwrap();
        assert!(r.at_end());
        c
    }

    #[test]
    fn exact_layout_round_trips_every_cost() {
        let m = matrix();
        let layout = ConnectorLayout::exact(&m);
        assert!(layout.stored.is_empty());
        // Rows 5 and 6 are equal, as are columns 4, 5 and 6.
        assert_eq!((layout.n_rows, layout.n_cols), (6, 5));
        let c = round_trip(&layout, m.len());
        assert!(c.is_exact());
        for (i, row) in m.iter().enumerate() {
            for (j, &v) in row.iter().enumerate() {
                assert_eq!(c.cost(i as u16, j as u16), i32::from(v), "cell {i},{j}");
            }
        }
        // Encoding the decoded matrix gives the same bytes.
        let decoded: Vec<Vec<i16>> = (0..m.len())
            .map(|i| {
                (0..m.len())
                    .map(|j| c.cost(i as u16, j as u16) as i16)
                    .collect()
            })
            .collect();
        let (mut a, mut b) = (Writer::default(), Writer::default());
        layout.write(&mut a);
        ConnectorLayout::exact(&decoded).write(&mut b);
        assert_eq!(a.buf, b.buf);
    }

    /// Format 3's plain costs (row-major byte planes) are still read.
    #[test]
    fn format_3_plain_costs_are_still_read() {
        let m = matrix();
        let layout = ConnectorLayout::exact(&m);
        let StoredCells::Exact(cells) = &layout.cells else {
            unreachable!()
        };
        let mut w = Writer::default();
        w.buf.push(LAYOUT_EXACT);
        w.uvar(layout.n_rows as u64);
        w.uvar(layout.n_cols as u64);
        layout.row_class.iter().for_each(|&c| w.uvar(c as u64));
        layout.col_class.iter().for_each(|&c| w.uvar(c as u64));
        w.buf.extend(cells.iter().map(|&c| c.to_le_bytes()[0]));
        w.buf.extend(cells.iter().map(|&c| c.to_le_bytes()[1]));
        let mut r = Reader::new(&w.buf, "dictionary");
        let old = Connector::read(&mut r, &[], m.len(), 3).unwrap();
        assert!(r.at_end());
        assert_eq!(old, round_trip(&layout, m.len()));
    }

    /// Rows refer to the earlier row most like them, or to none.
    #[test]
    fn rows_refer_to_the_most_similar_earlier_row() {
        let cells = [
            100, 200, 300, // plain
            101, 201, 301, // row 0 + 1
            -5, 0, 5, // plain: smaller than any difference
            100, 200, 302, // row 0 (distance 2; row 1: 3)
            -4, 0, 5, // row 2
            100, 200, 301, // rows 0 and 3 tie: the nearer
        ];
        assert_eq!(reference_rows(&cells, 3), [0, 1, 0, 3, 2, 2]);
    }

    #[test]
    fn renumbering_moves_classes_but_no_cost() {
        let m = matrix();
        for layout in [ConnectorLayout::exact(&m), ConnectorLayout::of(&m, 1)] {
            let c = round_trip(&layout, m.len());
            // Ids 6 and 2 busiest, then 0; the rest in their order.
            let weights = [1, 0, 5, 0, 0, 0, 9];
            let r = c.clone().renumbered(&weights);
            assert_ne!(
                (&r.right_class, &r.left_class),
                (&c.right_class, &c.left_class)
            );
            assert_eq!((r.right_class[6], r.left_class[6]), (0, 0));
            for i in 0..m.len() as u16 {
                for j in 0..m.len() as u16 {
                    assert_eq!(r.cost(i, j), c.cost(i, j), "cell {i},{j}");
                }
            }
        }
    }

    #[test]
    fn codebook_layout_is_format_2_and_within_a_quantum() {
        let m = matrix();
        let layout = ConnectorLayout::of(&m, 1);
        assert_eq!(format_version_for(layout.is_exact()), 2);
        let c = round_trip(&layout, m.len());
        assert!(!c.is_exact());
        for (i, row) in m.iter().enumerate() {
            for (j, &v) in row.iter().enumerate() {
                assert_eq!(c.cost(i as u16, j as u16), i32::from(v), "cell {i},{j}");
            }
        }
    }

    /// The fixture dictionary in both layouts (its costs fit the codebook
    /// exactly): the same analyses, and only the exact one is format 4.
    #[test]
    fn both_layouts_analyse_the_fixture_alike() {
        use crate::tokenizer::builder::{build, BuildOptions, SourceEncoding};
        use crate::tokenizer::dictionary::{Dictionary, MatrixEncoding, FORMAT, MAGIC};
        use crate::tokenizer::fixture;
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tiny-ipadic");
        let opts = BuildOptions {
            keep_unseen_proper_nouns: true,
            matrix_quantum: 1,
            word_quantum: 1,
            encoding: SourceEncoding::Utf8,
        };
        let source = build(dir.as_ref(), &Default::default(), &opts).unwrap();
        let (exact, _) = source.encode(MatrixEncoding::Exact, 1).unwrap();
        let version = |f: &[u8]| u16::from_le_bytes([f[MAGIC.len()], f[MAGIC.len() + 1]]);
        assert_eq!(version(&exact), 4);
        assert_eq!(version(fixture::dictionary_file()), 2);
        // No stored section: the stored length field is 0.
        assert_eq!(exact[MAGIC.len() + 2..MAGIC.len() + 6], [0, 0, 0, 0]);
        assert!(FORMAT.header_len() < exact.len());
        let exact = crate::Tokenizer::new(Dictionary::from_bytes(&exact).unwrap());
        assert!(exact.dictionary().exact_connection_costs());
        let codebook = fixture::tokenizer();
        assert!(!codebook.dictionary().exact_connection_costs());
        for text in [
            "東京に行った",
            "すもももももももものうち",
            "ｶﾀｶﾅとABC123",
            "走らない",
        ] {
            assert_eq!(
                fixture::analysis(&exact, text),
                fixture::analysis(&codebook, text),
                "{text}"
            );
        }
    }

    #[test]
    fn damaged_exact_sections_are_errors() {
        let m = matrix();
        let layout = ConnectorLayout::exact(&m);
        let mut w = Writer::default();
        layout.write(&mut w);
        // Cut anywhere: an error, never a panic.
        for n in 0..w.buf.len() {
            let mut r = Reader::new(&w.buf[..n], "dictionary");
            assert!(
                Connector::read(&mut r, &[], m.len(), 4).is_err(),
                "cut at {n}"
            );
        }
        let mut r = Reader::new(&w.buf, "dictionary");
        let e = Connector::read(&mut r, &[1, 2], m.len(), 4).unwrap_err();
        assert!(e.to_string().contains("has no stored section"), "{e}");
        // Row differences are format 4's: a format-3 file cannot have them.
        let e =
            Connector::read(&mut Reader::new(&w.buf, "dictionary"), &[], m.len(), 3).unwrap_err();
        assert!(
            e.to_string().contains("unknown connection matrix layout 2"),
            "{e}"
        );
        // A reference row past the first row.
        let header = 1 + 2 + 2 * m.len();
        let mut forward = w.buf.clone();
        forward[header + 1] = 2;
        let e =
            Connector::read(&mut Reader::new(&forward, "dictionary"), &[], m.len(), 4).unwrap_err();
        assert!(e.to_string().contains("reference row = 2 exceeds 1"), "{e}");
        let mut unknown = w.buf.clone();
        unknown[0] = 7;
        let e =
            Connector::read(&mut Reader::new(&unknown, "dictionary"), &[], m.len(), 3).unwrap_err();
        assert!(
            e.to_string().contains("unknown connection matrix layout 7"),
            "{e}"
        );
    }
}
