//! Character categories (IPADIC's `char.def`): which categories each code
//! point belongs to, and how each category proposes unknown words.

use crate::artifact::bytes::Reader;
#[cfg(feature = "cli")]
use crate::artifact::bytes::Writer;
use crate::error::Result;

/// Character category behaviour from IPADIC's `char.def`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CharCategory {
    /// Category name, e.g. `KATAKANA`.
    pub name: String,
    /// Try unknown words even when the lexicon has a match here.
    pub invoke: bool,
    /// Propose one unknown word spanning the whole run of this category.
    pub group: bool,
    /// Also propose unknown words of 1..=length characters.
    pub length: u32,
}

/// A code-point range and its categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CharRange {
    /// First code point.
    pub lo: u32,
    /// Last code point (inclusive).
    pub hi: u32,
    /// Bit i set when the character belongs to category i.
    pub mask: u32,
    /// The primary category, used for unknown-word rules.
    pub default: u8,
}

/// The categories and the code points' membership, as loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CharClasses {
    /// Character categories; index 0 is `DEFAULT`.
    pub(crate) categories: Vec<CharCategory>,
    /// Sorted, non-overlapping; code points in none are DEFAULT only.
    pub(crate) ranges: Vec<CharRange>,
    /// Index of the `SPACE` category (skipped between tokens).
    pub(crate) space_category: u8,
    /// Per BMP code point, an index into `bmp_infos`: the lattice asks for
    /// every character's categories, and a table read is several times
    /// cheaper than a binary search of the ranges. Built at load (64 KiB,
    /// well under a millisecond); empty when the ranges have more than 256
    /// distinct (mask, category) pairs, and in the wasm build (its size is
    /// budgeted), and then the search is used.
    bmp_index: Vec<u8>,
    bmp_infos: Vec<(u32, u8)>,
}

impl CharClasses {
    /// Reads the categories, then the ranges.
    pub(crate) fn read(r: &mut Reader) -> Result<CharClasses> {
        let n_cat = r.uvar_max(31, "number of character categories")? as usize;
        let mut categories = Vec::with_capacity(n_cat);
        for _ in 0..n_cat {
            let name = r.str()?.to_string();
            let flags = r.u8()?;
            let length = r.uvar_max(255, "unknown-word length")? as u32;
            categories.push(CharCategory {
                name,
                invoke: flags & 1 != 0,
                group: flags & 2 != 0,
                length,
            });
        }
        if categories.is_empty() || categories[0].name != "DEFAULT" {
            return Err(r.err("the first character category must be DEFAULT"));
        }
        let space_category = categories
            .iter()
            .position(|c| c.name == "SPACE")
            .ok_or_else(|| r.err("no SPACE character category"))?
            as u8;
        let n_ranges = r.count("number of character ranges")?;
        let mut ranges = Vec::with_capacity(n_ranges);
        let mut next_lo = 0u64;
        for _ in 0..n_ranges {
            let lo = next_lo + r.uvar_max(0x10ffff, "range gap")?;
            let hi = lo + r.uvar_max(0x10ffff, "range length")?;
            if hi > 0x10ffff {
                return Err(r.err("character range beyond U+10FFFF"));
            }
            let mask = r.uvar_max((1u64 << n_cat) - 1, "category mask")? as u32;
            let default = r.uvar_max(n_cat as u64 - 1, "default category")? as u8;
            ranges.push(CharRange {
                lo: lo as u32,
                hi: hi as u32,
                mask,
                default,
            });
            next_lo = hi + 1;
        }
        let (bmp_index, bmp_infos) = if cfg!(feature = "cli") {
            bmp_table(&ranges)
        } else {
            (Vec::new(), Vec::new())
        };
        Ok(CharClasses {
            categories,
            ranges,
            space_category,
            bmp_index,
            bmp_infos,
        })
    }

    /// Writes `categories` and `ranges` as [`CharClasses::read`] reads them.
    #[cfg(feature = "cli")]
    pub(crate) fn write(w: &mut Writer, categories: &[CharCategory], ranges: &[CharRange]) {
        w.uvar(categories.len() as u64);
        for c in categories {
            w.str(&c.name);
            w.buf.push(u8::from(c.invoke) | (u8::from(c.group) << 1));
            w.uvar(u64::from(c.length));
        }
        w.uvar(ranges.len() as u64);
        let mut next_lo = 0u32;
        for r in ranges {
            w.uvar(u64::from(r.lo - next_lo));
            w.uvar(u64::from(r.hi - r.lo));
            w.uvar(u64::from(r.mask));
            w.uvar(u64::from(r.default));
            next_lo = r.hi + 1;
        }
    }

    /// Category mask and primary category of a character.
    #[inline]
    pub(crate) fn info(&self, c: char) -> (u32, u8) {
        if let Some(&k) = self.bmp_index.get(c as usize) {
            if let Some(&info) = self.bmp_infos.get(usize::from(k)) {
                return info;
            }
        }
        self.search(c)
    }

    /// [`CharClasses::info`] by a binary search of the ranges.
    fn search(&self, c: char) -> (u32, u8) {
        let c = c as u32;
        let i = self.ranges.partition_point(|r| r.hi < c);
        match self.ranges.get(i) {
            Some(r) if r.lo <= c => (r.mask, r.default),
            _ => (1, 0),
        }
    }
}

/// The BMP's lookup table: per code point, the index of its (mask, primary
/// category) among the distinct pairs (code points in no range are DEFAULT
/// only, pair 0). Empty tables when there are more than 256 pairs.
fn bmp_table(ranges: &[CharRange]) -> (Vec<u8>, Vec<(u32, u8)>) {
    let mut infos = vec![(1u32, 0u8)];
    let mut index = vec![0u8; 0x10000];
    for r in ranges.iter().filter(|r| r.lo < 0x10000) {
        let info = (r.mask, r.default);
        let k = match infos.iter().position(|&i| i == info) {
            Some(k) => k,
            None if infos.len() < 256 => {
                infos.push(info);
                infos.len() - 1
            }
            None => return (Vec::new(), Vec::new()),
        };
        index[r.lo as usize..=(r.hi.min(0xFFFF) as usize)].fill(k as u8);
    }
    (index, infos)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table gives what the binary search gives, in and out of ranges
    /// and beyond the BMP.
    #[test]
    fn bmp_table_agrees_with_the_ranges() {
        let range = |lo, hi, mask, default| CharRange {
            lo,
            hi,
            mask,
            default,
        };
        let ranges = vec![
            range(0x20, 0x20, 0b10, 1),
            range(0x30, 0x39, 0b100, 2),
            range(0x3041, 0x309F, 0b1000, 3),
            range(0xFF10, 0x1F000, 0b100, 2),
        ];
        let (bmp_index, bmp_infos) = bmp_table(&ranges);
        assert_eq!(bmp_infos.len(), 4);
        let classes = CharClasses {
            categories: Vec::new(),
            ranges,
            space_category: 1,
            bmp_index,
            bmp_infos,
        };
        for c in (0..0x20000).filter_map(char::from_u32) {
            assert_eq!(classes.info(c), classes.search(c), "{c:?}");
        }
        assert_eq!(classes.info('5'), (0b100, 2));
        assert_eq!(classes.info('\u{1EFFF}'), (0b100, 2));
        assert_eq!(classes.info('a'), (1, 0));
    }

    #[test]
    fn too_many_distinct_pairs_fall_back_to_the_search() {
        let ranges: Vec<CharRange> = (0..300u32)
            .map(|i| CharRange {
                lo: i * 2,
                hi: i * 2,
                mask: i + 2,
                default: 0,
            })
            .collect();
        assert!(bmp_table(&ranges).0.is_empty());
    }
}
