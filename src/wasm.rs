//! WebAssembly bindings: type conversion only. The tokenizer is built lazily
//! on first use and reused by every later call in the same instance.

use crate::{default_tokenizer, json, Options, Tokenizer};
use std::cell::OnceCell;
use wasm_bindgen::prelude::*;

thread_local! {
    static TOKENIZER: OnceCell<Tokenizer> = const { OnceCell::new() };
}

fn with_tokenizer<T>(f: impl FnOnce(&Tokenizer) -> T) -> Result<T, JsError> {
    TOKENIZER.with(|cell| {
        if cell.get().is_none() {
            let tok = default_tokenizer().map_err(|e| JsError::new(&format!("jatopic: cannot load the dictionary: {e}")))?;
            let _ = cell.set(tok);
        }
        match cell.get() {
            Some(tok) => Ok(f(tok)),
            None => Err(JsError::new("jatopic: tokenizer unavailable")),
        }
    })
}

/// Loads the embedded dictionary now instead of on the first call.
#[wasm_bindgen]
pub fn init() -> Result<(), JsError> {
    with_tokenizer(|_| ())
}

/// Tokens of `text` as a JSON array (see `json::tokens`); offsets in code points.
#[wasm_bindgen]
pub fn tokenize_json(text: &str, normalize: bool) -> Result<String, JsError> {
    with_tokenizer(|tok| json::tokens(&tok.tokenize_with(text, Options { normalize })))
}

/// Surfaces of `text` as a JSON array of strings.
#[wasm_bindgen]
pub fn wakati_json(text: &str, normalize: bool) -> Result<String, JsError> {
    with_tokenizer(|tok| {
        let mut out = String::from("[");
        for (i, t) in tok.tokenize_with(text, Options { normalize }).iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            json::push_str(&mut out, t.surface);
        }
        out.push(']');
        out
    })
}

/// Current size of the wasm linear memory in bytes (for benchmarks and limits).
#[wasm_bindgen]
pub fn memory_bytes() -> f64 {
    (core::arch::wasm32::memory_size(0) * 65536) as f64
}
