//! Long one-shot loops of the loaders cut into many short calls. V8 runs a
//! wasm call to its end in the code it started it in: baseline code, for a
//! function not called before. A loader's loop over 100,000 records, run as
//! one call, ran in baseline code throughout; cut into calls of
//! [`STEPS_PER_CALL`] steps, it runs optimised after the first few. Natively
//! this costs one call per slice. The functions here are kept out of line by
//! wasm-opt too (the Makefile's WASM_OWN_CALLS): it inlines any function with
//! a single caller, whatever Rust asks.

use crate::error::Result;

/// Steps per call: enough that a call costs nothing beside its steps, few
/// enough that V8 optimises the function early in the loop.
pub const STEPS_PER_CALL: usize = 4096;

/// Bytes per call for work over a byte slice done by a function of its own
/// (LZMA decoding, the FNV-1a checksum), for the same reason.
pub const BYTES_PER_CALL: usize = 1 << 15;

/// Calls `step` until it returns `Ok(false)` or an error, in calls of
/// [`STEPS_PER_CALL`] steps.
pub fn repeat(mut step: impl FnMut() -> Result<bool>) -> Result<()> {
    while some_steps(&mut step)? {}
    Ok(())
}

/// Calls `each(i)` for every `i` in `0..n`, in order, stopping at the first
/// error, in calls of [`STEPS_PER_CALL`] steps.
pub fn for_each(n: usize, mut each: impl FnMut(usize) -> Result<()>) -> Result<()> {
    let mut i = 0;
    repeat(|| {
        if i == n {
            return Ok(false);
        }
        each(i)?;
        i += 1;
        Ok(true)
    })
}

/// One call: up to [`STEPS_PER_CALL`] steps; false once `step` is done.
/// Generic, so that each loader's step is inlined into its own copy (a
/// `dyn` step, one copy for all, took 5 % longer to cold-start, and was
/// no smaller).
#[inline(never)]
fn some_steps(step: &mut impl FnMut() -> Result<bool>) -> Result<bool> {
    for _ in 0..STEPS_PER_CALL {
        if !step()? {
            return Ok(false);
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_step_runs_once_in_order_across_calls() {
        for n in [
            0,
            1,
            STEPS_PER_CALL - 1,
            STEPS_PER_CALL,
            2 * STEPS_PER_CALL + 1,
        ] {
            let mut seen = Vec::new();
            for_each(n, |i| {
                seen.push(i);
                Ok(())
            })
            .unwrap();
            assert_eq!(seen, (0..n).collect::<Vec<_>>(), "n = {n}");
        }
        // An error stops the loop where it happened.
        let mut last = 0;
        let stopped = for_each(3 * STEPS_PER_CALL, |i| {
            last = i;
            if i == STEPS_PER_CALL + 7 {
                Err(crate::Error::format(format!("step {i}")))
            } else {
                Ok(())
            }
        });
        assert!(stopped
            .unwrap_err()
            .to_string()
            .ends_with(&format!("step {}", STEPS_PER_CALL + 7)));
        assert_eq!(last, STEPS_PER_CALL + 7);
    }
}
