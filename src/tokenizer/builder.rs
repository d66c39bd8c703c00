//! Builds the compressed dictionary from IPADIC's source files (EUC-JP, as
//! Debian's `mecab-ipadic` installs them, or UTF-8) and MeCab's analysis of
//! training text, which decides what to prune.

use crate::error::{Error, Result};
use crate::tokenizer::dictionary::{
    CharCategory, CharRange, DictionarySource, LexiconEntry, UnknownWord, WordReading,
};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// What to keep from IPADIC.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Keep proper nouns whose surface MeCab never produced on the training text.
    pub keep_unseen_proper_nouns: bool,
    /// Connection costs are rounded to multiples of this.
    pub matrix_quantum: i64,
    /// Word costs are rounded to multiples of this.
    pub word_quantum: i64,
    /// The source files' encoding.
    pub encoding: SourceEncoding,
}

/// The encoding of IPADIC's source files.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SourceEncoding {
    /// As Debian's `mecab-ipadic` installs them (and as IPADIC is released).
    #[default]
    EucJp,
    /// As `mecab-ipadic-utf8` has them, and the test fixtures
    /// (`tests/fixtures/tiny-ipadic`), which stay readable as text.
    Utf8,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            keep_unseen_proper_nouns: false,
            matrix_quantum: 64,
            word_quantum: 8,
            encoding: SourceEncoding::EucJp,
        }
    }
}

/// The text of one source file.
fn read_source(path: &Path, encoding: SourceEncoding) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::io_error(path.display(), e))?;
    if encoding == SourceEncoding::Utf8 {
        return String::from_utf8(bytes)
            .map_err(|_| Error::format(format!("{}: not valid UTF-8", path.display())));
    }
    let (text, _, had_errors) = encoding_rs::EUC_JP.decode(&bytes);
    if had_errors {
        return Err(Error::format(format!(
            "{}: not valid EUC-JP",
            path.display()
        )));
    }
    // encoding_rs follows the WHATWG (Windows) mapping for a few JIS X 0208
    // codes; Debian's UTF-8 IPADIC was converted with glibc's, which MeCab's
    // output therefore uses.
    Ok(text
        .chars()
        .map(|c| match c {
            '\u{FF5E}' => '\u{301C}',
            '\u{2225}' => '\u{2016}',
            '\u{FF0D}' => '\u{2212}',
            '\u{FFE0}' => '\u{00A2}',
            '\u{FFE1}' => '\u{00A3}',
            '\u{FFE2}' => '\u{00AC}',
            c => c,
        })
        .collect())
}

fn parse_int<T: std::str::FromStr>(s: &str, what: &str, file: &str, line: usize) -> Result<T> {
    s.trim()
        .parse()
        .map_err(|_| Error::format(format!("{file}:{line}: bad {what} {s:?}")))
}

/// What the builder learns from MeCab's output on training text.
#[derive(Debug, Default)]
pub struct TrainingText {
    /// Every surface MeCab produced.
    pub seen: HashSet<String>,
    /// Sentences rebuilt from the surfaces (whitespace is lost), for weighting
    /// the connection matrix.
    pub sentences: Vec<String>,
}

/// Reads MeCab's default output format (`surface\tfeatures` lines, `EOS`).
/// Keeps at most `max_chars` characters of rebuilt sentences.
pub fn read_training_output(
    mecab_output: impl std::io::BufRead,
    max_chars: usize,
) -> Result<TrainingText> {
    let mut t = TrainingText::default();
    let mut sentence = String::new();
    let mut kept = 0usize;
    for line in mecab_output.split(b'\n') {
        let line = line?;
        if line == b"EOS" {
            if kept < max_chars && !sentence.is_empty() {
                kept += sentence.chars().count();
                t.sentences.push(std::mem::take(&mut sentence));
            }
            sentence.clear();
        } else if let Some(tab) = line.iter().position(|&b| b == b'\t') {
            if let Ok(s) = std::str::from_utf8(&line[..tab]) {
                if !t.seen.contains(s) {
                    t.seen.insert(s.to_string());
                }
                sentence.push_str(s);
            }
        }
    }
    Ok(t)
}

/// Reads IPADIC from `dir` and prunes it with `seen`.
pub fn build(dir: &Path, seen: &HashSet<String>, opts: &BuildOptions) -> Result<DictionarySource> {
    let mut src = DictionarySource::default();
    // Matrix.
    let matrix_text = read_source(&dir.join("matrix.def"), opts.encoding)?;
    let mut lines = matrix_text.lines();
    let head: Vec<usize> = lines
        .next()
        .unwrap_or("")
        .split_whitespace()
        .map(|v| parse_int(v, "size", "matrix.def", 1))
        .collect::<Result<_>>()?;
    if head.len() != 2 || head[0] != head[1] {
        return Err(Error::format(
            "matrix.def: expected a square 'N N' header".into(),
        ));
    }
    let n = head[0];
    src.matrix = vec![vec![0i16; n]; n];
    for (i, l) in lines.enumerate() {
        let v: Vec<&str> = l.split_whitespace().collect();
        if v.len() != 3 {
            continue;
        }
        let a: usize = parse_int(v[0], "id", "matrix.def", i + 2)?;
        let b: usize = parse_int(v[1], "id", "matrix.def", i + 2)?;
        let c: i16 = parse_int(v[2], "cost", "matrix.def", i + 2)?;
        if a >= n || b >= n {
            return Err(Error::format(format!(
                "matrix.def:{}: id out of range",
                i + 2
            )));
        }
        src.matrix[a][b] = c;
    }
    // Features per context id, from left-id.def ("id pos1,...,cform,base-if-lexicalised").
    src.features = vec![Default::default(); n];
    for (i, l) in read_source(&dir.join("left-id.def"), opts.encoding)?
        .lines()
        .enumerate()
    {
        let Some((id, feat)) = l.split_once(' ') else {
            continue;
        };
        let id: usize = parse_int(id, "id", "left-id.def", i + 1)?;
        let f: Vec<&str> = feat.split(',').collect();
        if id >= n || f.len() < 6 {
            return Err(Error::format(format!("left-id.def:{}: bad line", i + 1)));
        }
        src.features[id] = std::array::from_fn(|k| f[k].to_string());
    }
    // Character categories.
    let mut cat_index: HashMap<String, usize> = HashMap::new();
    let mut per_char: Vec<(u32, u8)> = vec![(1, 0); 0x10000];
    for (i, l) in read_source(&dir.join("char.def"), opts.encoding)?
        .lines()
        .enumerate()
    {
        let l = l.split('#').next().unwrap_or("").trim();
        if l.is_empty() {
            continue;
        }
        let v: Vec<&str> = l.split_whitespace().collect();
        if !v[0].starts_with("0x") {
            if v.len() < 4 {
                return Err(Error::format(format!(
                    "char.def:{}: bad category line",
                    i + 1
                )));
            }
            cat_index.insert(v[0].to_string(), src.categories.len());
            src.categories.push(CharCategory {
                name: v[0].to_string(),
                invoke: v[1] == "1",
                group: v[2] == "1",
                length: parse_int(v[3], "length", "char.def", i + 1)?,
            });
            continue;
        }
        let (lo, hi) = match v[0].split_once("..") {
            Some((a, b)) => (a, b),
            None => (v[0], v[0]),
        };
        let hex = |s: &str| u32::from_str_radix(s.trim_start_matches("0x"), 16);
        let (Ok(lo), Ok(hi)) = (hex(lo), hex(hi)) else {
            return Err(Error::format(format!("char.def:{}: bad code point", i + 1)));
        };
        let mut mask = 0u32;
        let mut default = None;
        for name in &v[1..] {
            let c = *cat_index.get(*name).ok_or_else(|| {
                Error::format(format!("char.def:{}: unknown category {name}", i + 1))
            })?;
            mask |= 1 << c;
            default.get_or_insert(c as u8);
        }
        for c in lo..=hi.min(0xFFFF) {
            per_char[c as usize] = (mask, default.unwrap_or(0));
        }
    }
    if src.categories.first().map(|c| c.name.as_str()) != Some("DEFAULT") {
        return Err(Error::format(
            "char.def: DEFAULT must be the first category".into(),
        ));
    }
    for (c, &(mask, default)) in per_char.iter().enumerate() {
        let c = c as u32;
        if (mask, default) == (1, 0) {
            continue;
        }
        match src.ranges.last_mut() {
            Some(r) if r.hi + 1 == c && r.mask == mask && r.default == default => r.hi = c,
            _ => src.ranges.push(CharRange {
                lo: c,
                hi: c,
                mask,
                default,
            }),
        }
    }
    // Unknown-word templates.
    src.unknown = vec![Vec::new(); src.categories.len()];
    for (i, l) in read_source(&dir.join("unk.def"), opts.encoding)?
        .lines()
        .enumerate()
    {
        let f: Vec<&str> = l.split(',').collect();
        if f.len() < 4 {
            continue;
        }
        let c = *cat_index.get(f[0]).ok_or_else(|| {
            Error::format(format!("unk.def:{}: unknown category {}", i + 1, f[0]))
        })?;
        let id: u16 = parse_int(f[1], "id", "unk.def", i + 1)?;
        let cost: i16 = parse_int(f[3], "cost", "unk.def", i + 1)?;
        src.unknown[c].push(UnknownWord { id, cost });
    }
    // Lexicon.
    let mut csvs: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .collect();
    csvs.sort();
    if csvs.is_empty() {
        return Err(Error::io_message(format!(
            "{}: no IPADIC *.csv files (install Debian's mecab-ipadic)",
            dir.display()
        )));
    }
    // Per (surface, context id), the cost of the line whose reading is kept.
    let mut reading_cost: HashMap<(String, u16), i16> = HashMap::new();
    for path in csvs {
        let name = path
            .file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        for (i, l) in read_source(&path, opts.encoding)?.lines().enumerate() {
            let f: Vec<&str> = l.split(',').collect();
            if f.len() < 11 {
                return Err(Error::format(format!(
                    "{name}:{}: expected at least 11 fields",
                    i + 1
                )));
            }
            let id: u16 = parse_int(f[1], "id", &name, i + 1)?;
            let cost: i16 = parse_int(f[3], "cost", &name, i + 1)?;
            if usize::from(id) >= n {
                return Err(Error::format(format!(
                    "{name}:{}: context id {id} out of range",
                    i + 1
                )));
            }
            // Unseen proper nouns are most of IPADIC and rarely matter, except
            // katakana ones: they are loanword compounds (コインケース) that a
            // lattice would otherwise split into known pieces.
            let proper = f[4] == "名詞" && f[5] == "固有名詞";
            let katakana = f[0].chars().all(|c| ('\u{30A1}'..='\u{30FC}').contains(&c));
            if proper && !opts.keep_unseen_proper_nouns && !katakana && !seen.contains(f[0]) {
                continue;
            }
            src.lexicon.push(LexiconEntry {
                surface: f[0].to_string(),
                id,
                cost,
                base: f[10].to_string(),
            });
            // MeCab prints the cheapest line of a surface and context id, the
            // first in file order (files sorted by name) among equals.
            let key = (f[0].to_string(), id);
            if reading_cost.get(&key).is_none_or(|&c| cost < c) {
                reading_cost.insert(key.clone(), cost);
                let field = |k: usize| f.get(k).unwrap_or(&"*").to_string();
                src.readings.insert(
                    key,
                    WordReading {
                        reading: field(11),
                        pronunciation: field(12),
                    },
                );
            }
        }
    }
    Ok(src)
}

/// Replaces the connection matrix by a block approximation: rows (right
/// contexts) are clustered into `rows` classes and columns (left contexts)
/// into `cols` classes by weighted k-means, and every cell becomes its
/// block's weighted mean. `weight[i][j]` says how much cell (i, j) matters
/// (how often Viterbi evaluates it on training text). The encoder then stores
/// each distinct row/column once.
pub fn cluster_matrix(matrix: &mut [Vec<i16>], weight: &[Vec<f32>], rows: usize, cols: usize) {
    let n = matrix.len();
    let m: Vec<Vec<f32>> = matrix
        .iter()
        .map(|r| r.iter().map(|&v| f32::from(v)).collect())
        .collect();
    let row_of = kmeans(&m, weight, rows);
    // Row-reduced matrix (weighted class means and summed weights), then its columns.
    let (reduced, reduced_w) = class_means(&m, weight, &row_of, rows);
    let transpose = |v: &[Vec<f32>]| -> Vec<Vec<f32>> {
        (0..n).map(|j| v.iter().map(|r| r[j]).collect()).collect()
    };
    let col_of = kmeans(&transpose(&reduced), &transpose(&reduced_w), cols);
    let mut sum = vec![vec![0f64; cols]; rows];
    let mut wsum = vec![vec![0f64; cols]; rows];
    for i in 0..n {
        for j in 0..n {
            let w = f64::from(weight[i][j]);
            sum[row_of[i]][col_of[j]] += w * f64::from(matrix[i][j]);
            wsum[row_of[i]][col_of[j]] += w;
        }
    }
    for i in 0..n {
        for j in 0..n {
            let (r, c) = (row_of[i], col_of[j]);
            matrix[i][j] = (sum[r][c] / wsum[r][c]).round().clamp(-32768.0, 32767.0) as i16;
        }
    }
}

/// Weighted per-class means of vectors, and the summed weights.
fn class_means(
    v: &[Vec<f32>],
    w: &[Vec<f32>],
    class: &[usize],
    k: usize,
) -> (Vec<Vec<f32>>, Vec<Vec<f32>>) {
    let d = v.first().map_or(0, Vec::len);
    let mut sum = vec![vec![0f32; d]; k];
    let mut wsum = vec![vec![0f32; d]; k];
    for ((x, wx), &c) in v.iter().zip(w).zip(class) {
        for j in 0..d {
            sum[c][j] += wx[j] * x[j];
            wsum[c][j] += wx[j];
        }
    }
    for (s, ws) in sum.iter_mut().zip(&wsum) {
        for (x, &wj) in s.iter_mut().zip(ws) {
            *x = if wj > 0.0 { *x / wj } else { 0.0 };
        }
    }
    (sum, wsum)
}

fn dist2(x: &[f32], w: &[f32], centre: &[f32]) -> f32 {
    x.iter()
        .zip(w)
        .zip(centre)
        .map(|((a, wa), c)| wa * (a - c) * (a - c))
        .sum()
}

/// Deterministic weighted k-means: farthest-first initialisation, then Lloyd iterations.
fn kmeans(v: &[Vec<f32>], w: &[Vec<f32>], k: usize) -> Vec<usize> {
    let n = v.len();
    let k = k.min(n).max(1);
    let mut centres = vec![v[0].clone()];
    let mut nearest: Vec<f32> = v.iter().zip(w).map(|(x, wx)| dist2(x, wx, &v[0])).collect();
    while centres.len() < k {
        let (far, _) =
            nearest
                .iter()
                .enumerate()
                .fold((0, -1f32), |b, (i, &d)| if d > b.1 { (i, d) } else { b });
        centres.push(v[far].clone());
        for (i, x) in v.iter().enumerate() {
            nearest[i] = nearest[i].min(dist2(x, &w[i], &v[far]));
        }
    }
    let mut class = vec![0usize; n];
    for _ in 0..15 {
        let mut changed = false;
        for (i, x) in v.iter().enumerate() {
            let best = (0..k)
                .map(|c| (c, dist2(x, &w[i], &centres[c])))
                .fold((0, f32::MAX), |b, (c, d)| if d < b.1 { (c, d) } else { b })
                .0;
            changed |= best != class[i];
            class[i] = best;
        }
        let (means, _) = class_means(v, w, &class, k);
        for (c, m) in means.into_iter().enumerate() {
            if class.contains(&c) {
                centres[c] = m;
            }
        }
        if !changed {
            break;
        }
    }
    class
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_source_in_another_encoding_is_named() {
        let dir = std::env::temp_dir().join(format!("jatopic-builder-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        // 東 in EUC-JP: not UTF-8.
        std::fs::write(dir.join("matrix.def"), b"1 1\n0 0 \xc5\xec\n").unwrap();
        let opts = BuildOptions {
            encoding: SourceEncoding::Utf8,
            ..Default::default()
        };
        let err = build(&dir, &HashSet::new(), &opts).unwrap_err().to_string();
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(err.contains("matrix.def: not valid UTF-8"), "{err}");
    }
}
