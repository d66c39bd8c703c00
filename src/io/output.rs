//! Output files that are never left half-written: a temporary file next to
//! the target, space reserved before slow work, renamed into place on
//! success and removed on failure or SIGINT/SIGTERM ([`crate::io::signals`]).

use crate::io::signals;
use crate::{Error, Result};
use std::io::Write;

/// Writes to a temporary file in the same directory, then renames: an
/// interrupted run never leaves a partial file under the final name.
pub fn write_atomically(path: &str, bytes: &[u8]) -> Result<()> {
    PendingOutput::create(path, 0)?.commit(bytes)
}

/// An output file on its way: a temporary file next to `path`, created (and
/// space reserved) before the slow work so that an unwritable location or a
/// full disk fails at once, then renamed over `path` by
/// [`PendingOutput::commit`]. Dropped, or interrupted by SIGINT or SIGTERM,
/// the temporary file is removed and `path` is left as it was.
pub struct PendingOutput {
    path: String,
    tmp: String,
    file: Option<std::fs::File>,
}

impl PendingOutput {
    /// Creates the temporary file and writes `reserve` bytes to it (synced to
    /// disk), so the space the result will need is known to be there.
    pub fn create(path: &str, reserve: u64) -> Result<PendingOutput> {
        if std::path::Path::new(path).is_dir() {
            return Err(Error::io_message(format!(
                "{path}: is a directory; give the output file's name"
            )));
        }
        let tmp = format!("{path}.tmp-{}", std::process::id());
        let file = std::fs::File::create(&tmp).map_err(|e| {
            Error::io_message(format!(
                "{path}: cannot create a file in its directory ({tmp}): {e}"
            ))
        })?;
        // From here on, dropping `pending` removes the temporary file.
        let pending = PendingOutput {
            path: path.to_string(),
            tmp,
            file: Some(file),
        };
        signals::remove_on_signal(&pending.tmp, path);
        if reserve > 0 {
            pending.reserve(reserve).map_err(|e| {
                Error::io_message(format!(
                    "{path}: cannot reserve {:.1} MB for it in its directory: {e}",
                    reserve as f64 / 1e6
                ))
            })?;
        }
        Ok(pending)
    }

    fn reserve(&self, bytes: u64) -> std::io::Result<()> {
        let mut f = self.file.as_ref().ok_or(std::io::ErrorKind::NotFound)?;
        // Real writes, not `set_len`: a sparse file would reserve nothing.
        let zeros = vec![0u8; 1 << 20];
        let mut left = bytes;
        while left > 0 {
            let n = left.min(zeros.len() as u64) as usize;
            f.write_all(&zeros[..n])?;
            left -= n as u64;
        }
        f.sync_all()
    }

    /// Writes `bytes` over the reserved space and renames the file into place.
    pub fn commit(mut self, bytes: &[u8]) -> Result<()> {
        let written = (|| -> std::io::Result<()> {
            use std::io::Seek;
            let mut f = self.file.take().ok_or(std::io::ErrorKind::NotFound)?;
            f.seek(std::io::SeekFrom::Start(0))?;
            f.write_all(bytes)?;
            f.set_len(bytes.len() as u64)?;
            f.sync_all()?;
            drop(f);
            std::fs::rename(&self.tmp, &self.path)
        })();
        written.map_err(|e| Error::io_error(&self.path, e))
    }
}

impl Drop for PendingOutput {
    fn drop(&mut self) {
        signals::forget(&self.tmp);
        // After a successful rename the temporary name no longer exists.
        let _ = std::fs::remove_file(&self.tmp);
    }
}
