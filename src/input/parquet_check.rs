//! A walk over the Thrift structures of a Parquet file (its footer and the
//! headers of the pages that will be decoded) before the parquet crate reads
//! them.
//!
//! Why: parquet 59.3.2 (60.1.0 too) skips an unknown field that is a list of
//! booleans without reading its bytes, so a corrupt header declaring 2^31
//! booleans costs 2^31 idle iterations, and a small file can hold many such
//! lists (found by fuzzing). In Thrift's compact protocol every list element
//! takes at least one byte, so this walk is linear in the bytes and rejects
//! such a list as running past the end of its structure. Remove it once the
//! crate consumes boolean list elements.
//!
//! Only problems are reported; anything this walk cannot locate (no `PAR1`
//! trailer, a footer length past the start of the file, a negative page size)
//! is left to the parquet crate, which rejects it with its own message.

use parquet::file::metadata::ParquetMetaData;
use parquet::file::reader::ChunkReader;

/// Nesting limit of the walk: the parquet crate's own skip limit.
const MAX_DEPTH: u32 = 64;

/// Bytes read for a page header at first; a longer header (large statistics)
/// is re-read with a window four times the size, up to its column chunk's end.
const FIRST_HEADER_WINDOW: u64 = 16 * 1024;

/// Why a walk stopped.
#[derive(Debug, PartialEq)]
enum Stop {
    /// The structure runs past the bytes given: more may be needed.
    Short,
    /// The bytes are not a compact-protocol structure.
    Malformed(&'static str),
}

/// A cursor over compact-protocol bytes.
struct Walk<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl Walk<'_> {
    fn left(&self) -> usize {
        self.buf.len() - self.pos
    }

    fn byte(&mut self) -> Result<u8, Stop> {
        let b = *self.buf.get(self.pos).ok_or(Stop::Short)?;
        self.pos += 1;
        Ok(b)
    }

    fn skip(&mut self, n: usize) -> Result<(), Stop> {
        if n > self.left() {
            return Err(Stop::Short);
        }
        self.pos += n;
        Ok(())
    }

    /// An unsigned LEB128 varint of at most 10 bytes.
    fn varint(&mut self) -> Result<u64, Stop> {
        let mut value = 0u64;
        for shift in (0..70).step_by(7) {
            let b = self.byte()?;
            value |= u64::from(b & 0x7f).checked_shl(shift).unwrap_or(0);
            if b & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(Stop::Malformed("a varint longer than 10 bytes"))
    }

    /// A zigzag-encoded signed varint (i16, i32 and i64 share it).
    fn zigzag(&mut self) -> Result<i64, Stop> {
        let v = self.varint()?;
        Ok((v >> 1) as i64 ^ -((v & 1) as i64))
    }

    /// A struct: fields until a stop field. Returns the value of the `i32`
    /// field numbered `want` if there is one (the page header's size).
    fn structure(&mut self, depth: u32, want: i16) -> Result<Option<i64>, Stop> {
        if depth == 0 {
            return Err(Stop::Malformed("structures nested too deeply"));
        }
        let mut id = 0i16;
        let mut wanted = None;
        loop {
            let head = self.byte()?;
            let kind = head & 0x0f;
            if kind == 0 {
                return Ok(wanted);
            }
            let delta = head >> 4;
            id = if delta == 0 {
                i16::try_from(self.zigzag()?)
                    .map_err(|_| Stop::Malformed("a field id out of range"))?
            } else {
                id.checked_add(i16::from(delta))
                    .ok_or(Stop::Malformed("a field id out of range"))?
            };
            match kind {
                // A boolean field carries its value in its type.
                1 | 2 => {}
                5 if id == want => wanted = Some(self.zigzag()?),
                _ => self.value(kind, depth - 1)?,
            }
        }
    }

    /// One value of compact type `kind` (outside a struct's field header,
    /// where a boolean takes one byte).
    fn value(&mut self, kind: u8, depth: u32) -> Result<(), Stop> {
        if depth == 0 {
            return Err(Stop::Malformed("structures nested too deeply"));
        }
        match kind {
            // Booleans (1, 2) and bytes (3).
            1..=3 => self.skip(1),
            4..=6 => self.varint().map(drop),
            7 => self.skip(8),
            8 => {
                let len = usize::try_from(self.varint()?).unwrap_or(usize::MAX);
                self.skip(len)
            }
            9 | 10 => {
                let head = self.byte()?;
                let kind = head & 0x0f;
                let size = match head >> 4 {
                    15 => usize::try_from(self.varint()?).unwrap_or(usize::MAX),
                    n => usize::from(n),
                };
                // Every element takes at least one byte: a longer list runs
                // past the end without looking at its elements.
                if size > self.left() {
                    return Err(Stop::Short);
                }
                if size > 0 && !(1..=13).contains(&kind) {
                    return Err(Stop::Malformed("a list of an unknown element type"));
                }
                (0..size).try_for_each(|_| self.value(kind, depth - 1))
            }
            11 => {
                let size = usize::try_from(self.varint()?).unwrap_or(usize::MAX);
                if size == 0 {
                    return Ok(());
                }
                let kinds = self.byte()?;
                let (key, val) = (kinds >> 4, kinds & 0x0f);
                if size > self.left() / 2 {
                    return Err(Stop::Short);
                }
                if !(1..=13).contains(&key) || !(1..=13).contains(&val) {
                    return Err(Stop::Malformed("a map of an unknown key or value type"));
                }
                (0..size).try_for_each(|_| {
                    self.value(key, depth - 1)?;
                    self.value(val, depth - 1)
                })
            }
            12 => self.structure(depth, i16::MIN).map(drop),
            13 => self.skip(16),
            _ => Err(Stop::Malformed("a field of an unknown type")),
        }
    }
}

/// Checks the footer (the file metadata) of a Parquet file, before the
/// parquet crate parses it.
pub(super) fn check_footer<R: ChunkReader>(file: &R) -> Result<(), String> {
    let len = file.len();
    if len < 8 {
        return Ok(());
    }
    let tail = file.get_bytes(len - 8, 8).map_err(|e| e.to_string())?;
    if &tail[4..] != b"PAR1" {
        return Ok(());
    }
    let meta_len = u64::from(u32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]));
    if meta_len + 8 > len {
        return Ok(());
    }
    let meta = file
        .get_bytes(len - 8 - meta_len, meta_len as usize)
        .map_err(|e| e.to_string())?;
    let mut walk = Walk { buf: &meta, pos: 0 };
    match walk.structure(MAX_DEPTH, i16::MIN) {
        Ok(_) => Ok(()),
        Err(Stop::Short) => Err("the file metadata runs past its end".into()),
        Err(Stop::Malformed(what)) => Err(format!("the file metadata holds {what}")),
    }
}

/// Checks the page headers of every column chunk under the top-level fields
/// in `fields`, walking each chunk page by page as the parquet crate reads
/// it: a header, then the page's compressed bytes.
pub(super) fn check_pages<R: ChunkReader>(
    file: &R,
    metadata: &ParquetMetaData,
    fields: &[&str],
) -> Result<(), String> {
    let file_len = file.len();
    for group in metadata.row_groups() {
        for column in group.columns() {
            let top = column.column_path().parts().first().map(String::as_str);
            if !top.is_some_and(|name| fields.contains(&name)) {
                continue;
            }
            let (start, len) = column.byte_range();
            let end = start.saturating_add(len).min(file_len);
            let mut pos = start;
            while pos < end {
                let Some((header_len, page_len)) = page_header(file, pos, end)? else {
                    break;
                };
                pos = pos.saturating_add(header_len).saturating_add(page_len);
            }
        }
    }
    Ok(())
}

/// The page header at `pos`: its length and its page's compressed length,
/// or `None` when that length is missing or negative (the parquet crate
/// rejects the page itself).
fn page_header<R: ChunkReader>(file: &R, pos: u64, end: u64) -> Result<Option<(u64, u64)>, String> {
    // compressed_page_size is field 3 of PageHeader.
    const COMPRESSED_PAGE_SIZE: i16 = 3;
    let mut window = FIRST_HEADER_WINDOW.min(end - pos);
    loop {
        let bytes = file
            .get_bytes(pos, window as usize)
            .map_err(|e| e.to_string())?;
        let mut walk = Walk {
            buf: &bytes,
            pos: 0,
        };
        match walk.structure(MAX_DEPTH, COMPRESSED_PAGE_SIZE) {
            Ok(size) => {
                return Ok(size
                    .and_then(|s| u64::try_from(s).ok())
                    .map(|s| (walk.pos as u64, s)))
            }
            Err(Stop::Short) if window < end - pos => window = (window * 4).min(end - pos),
            Err(Stop::Short) => {
                return Err(format!(
                    "the page header at byte {pos} runs past the end of its column chunk"
                ))
            }
            Err(Stop::Malformed(what)) => {
                return Err(format!("the page header at byte {pos} holds {what}"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk(bytes: &[u8]) -> Result<Option<i64>, Stop> {
        Walk { buf: bytes, pos: 0 }.structure(MAX_DEPTH, 3)
    }

    #[test]
    fn reads_a_page_header_size() {
        // type = 0 (i32 field 1), uncompressed 100 (field 2), compressed 60
        // (field 3: zigzag 120), a boolean field 4, then stop.
        assert_eq!(
            walk(&[0x15, 0x00, 0x15, 0xc8, 0x01, 0x15, 0x78, 0x11, 0x00]),
            Ok(Some(60))
        );
    }

    #[test]
    fn boolean_list_elements_take_a_byte_each() {
        // Field 5: a list of 3 booleans (one byte each), then stop.
        assert_eq!(walk(&[0x59, 0x31, 1, 2, 1, 0x00]), Ok(None));
        // The same list declaring 2^31 elements runs past the end at once.
        assert_eq!(
            walk(&[0x59, 0xf1, 0x80, 0x80, 0x80, 0x80, 0x08, 1, 0x00]),
            Err(Stop::Short)
        );
    }

    #[test]
    fn an_empty_list_may_have_no_element_type() {
        assert_eq!(walk(&[0x59, 0x00, 0x00]), Ok(None));
        assert_eq!(
            walk(&[0x59, 0x10, 0x00]),
            Err(Stop::Malformed("a list of an unknown element type"))
        );
    }

    #[test]
    fn nesting_is_bounded() {
        // Field 1 a struct, whose field 1 is a struct, ... never closed.
        let deep = vec![0x1c; 1000];
        assert_eq!(
            walk(&deep),
            Err(Stop::Malformed("structures nested too deeply"))
        );
    }

    #[test]
    fn maps_and_binaries_are_bounded_by_the_bytes() {
        // Field 1: a map of 2^20 i32 → i32 entries in 3 bytes.
        assert_eq!(
            walk(&[0x1b, 0x80, 0x80, 0x40, 0x55, 0x00]),
            Err(Stop::Short)
        );
        // Field 1: a 200-byte binary in 2 bytes.
        assert_eq!(walk(&[0x18, 0xc8, 0x01, 0x00]), Err(Stop::Short));
    }
}
