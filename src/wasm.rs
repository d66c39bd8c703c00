//! WebAssembly bindings: type conversion only. The module carries no
//! dictionary: JS hands one over (`init_dictionary`: the compact lexicon the
//! bundle carries, or the full one from `jatopic-lexicon-*.js`) and the
//! tokenizer built from it is reused by every later call in the same
//! instance; IPADIC's readings (`jatopic-readings.js`, `jatopic.loadReadings`)
//! and a user dictionary (`jatopic-userdict.js`, `jatopic.loadUserDictionary`)
//! are attached to it when JS hands them over.

use crate::tokenizer::json;
use crate::tokenizer::user_dict::parse::{parse_text_with_checksum, parse_with_checksum};
use crate::tokenizer::user_dict::{is_user, UserDictionary, USER_TOKEN};
use crate::tokenizer::{decode_utf16_into, Scratch, BASE_IS_SURFACE, UNKNOWN};
use crate::topic::model::Model;
use crate::topic::terms::TermConfig;
use crate::{Dictionary, Mode, Options, RawToken, Tokenizer};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

thread_local! {
    /// A `RefCell` rather than a `OnceCell`: `load_readings` and
    /// `load_user_dictionary` attach to the tokenizer already built.
    static TOKENIZER: RefCell<Option<Tokenizer>> = const { RefCell::new(None) };
    static MODEL: RefCell<Option<Model>> = const { RefCell::new(None) };
    /// The term pipeline without a model, built once rather than per call.
    static DEFAULT_TERMS: TermConfig = TermConfig::default();
}

fn with_tokenizer<T>(f: impl FnOnce(&Tokenizer) -> T) -> Result<T, JsError> {
    TOKENIZER.with(|cell| match cell.borrow().as_ref() {
        Some(tok) => Ok(f(tok)),
        None => Err(JsError::new(
            "jatopic: no dictionary loaded (call init_dictionary first)",
        )),
    })
}

/// `f` on the tokenizer; its error as a JS error (`message` makes its text).
fn with_tokenizer_mut<T>(
    f: impl FnOnce(&mut Tokenizer) -> crate::Result<T>,
    message: impl FnOnce(crate::Error) -> String,
) -> Result<T, JsError> {
    TOKENIZER.with(|cell| match cell.borrow_mut().as_mut() {
        Some(tok) => f(tok).map_err(|e| JsError::new(&format!("jatopic: {}", message(e)))),
        None => Err(JsError::new(
            "jatopic: the tokenizer is not built yet (call init_dictionary first)",
        )),
    })
}

/// Builds the tokenizer from a dictionary (the bytes of a `.jtd` file),
/// replacing any earlier one with its readings and user dictionary. A
/// damaged file is an error and leaves the tokenizer as it was.
#[wasm_bindgen]
pub fn init_dictionary(bytes: &[u8]) -> Result<(), JsError> {
    let dict = Dictionary::from_bytes(bytes)
        .map_err(|e| JsError::new(&format!("jatopic: cannot load the dictionary: {e}")))?;
    TOKENIZER.with(|cell| *cell.borrow_mut() = Some(Tokenizer::new(dict)));
    Ok(())
}

/// The loaded dictionary's lexicon tier: "compact" or "full".
#[wasm_bindgen]
pub fn lexicon_tier() -> Result<String, JsError> {
    with_tokenizer(|tok| tok.dictionary().tier().name().to_string())
}

/// Attaches the user dictionary `parse` makes of a MeCab or Kuromoji CSV
/// file, exactly as `--user-dict` natively, replacing any earlier one. A
/// file with an error is refused with FILE:LINE: problem and leaves the
/// tokenizer as it was. Returns the number of distinct surfaces.
fn load_user_dictionary(
    parse: impl FnOnce(&Dictionary) -> crate::Result<UserDictionary>,
) -> Result<u32, JsError> {
    with_tokenizer_mut(
        |tok| {
            tok.attach_parsed_user_dictionary(parse)?;
            Ok(tok
                .dictionary()
                .user_dictionary()
                .map_or(0, |u| u.surface_count() as u32))
        },
        // FILE:LINE: problem, as the CLI says it.
        |e| e.message(),
    )
}

/// A user dictionary's text on its way in (`jatopic.loadUserDictionary`):
/// JS writes it at `input_units` piece by piece, and each piece is turned
/// into UTF-8 and hashed as it comes. In pieces because V8 runs a long call
/// in its baseline code to the end: after a few short calls the conversion
/// and SHA-256 run optimised (SHA-256 here, per 64 KB piece, takes half the
/// time of the JS one it replaces, and the JS UTF-8 encoding goes).
#[derive(Default)]
struct IncomingText {
    /// The UTF-8 so far, while within the size limit.
    bytes: Vec<u8>,
    /// The current piece's UTF-8 (reused).
    piece: Vec<u8>,
    /// The text's length in UTF-8 bytes, beyond the limit too.
    length: usize,
    /// False for a text refused from its length in units (a byte each at least).
    may_fit: bool,
    hasher: sha2::Sha256,
}

thread_local! {
    static INCOMING: RefCell<IncomingText> = RefCell::new(IncomingText::default());
}

/// Starts a user dictionary's text of `units` UTF-16 code units (forgetting
/// any text not finished).
#[wasm_bindgen]
pub fn user_dictionary_begin(units: usize) {
    INCOMING.with(|t| {
        let mut t = t.borrow_mut();
        *t = IncomingText::default();
        // One allocation (Japanese text is about 1.9 UTF-8 bytes per unit);
        // none for a text that cannot fit (at least a byte per unit).
        let limit = crate::tokenizer::user_dict::parse::MAX_USER_DICT_BYTES;
        t.may_fit = units <= limit;
        if t.may_fit {
            t.bytes.reserve(units.saturating_mul(2).min(limit));
        }
    })
}

/// Appends the text at `input_units` (never half a surrogate pair: JS cuts
/// before one; a lone surrogate becomes U+FFFD, as in every other call).
/// Beyond the size limit the text is only counted, so that the error can
/// say how long it is: memory stays bounded whatever JS hands over.
#[wasm_bindgen]
pub fn user_dictionary_piece() {
    use sha2::Digest;
    EXCHANGE.with(|x| {
        INCOMING.with(|t| {
            let t = &mut *t.borrow_mut();
            let units = &x.borrow().units;
            // At most 3 bytes per unit (a pair's 4 bytes are 2 units).
            t.piece.resize(3 * units.len(), 0);
            let n = crate::tokenizer::utf8_of_utf16(units, &mut t.piece);
            t.length += n;
            if t.may_fit && t.length <= crate::tokenizer::user_dict::parse::MAX_USER_DICT_BYTES {
                t.hasher.update(&t.piece[..n]);
                t.bytes.extend_from_slice(&t.piece[..n]);
            } else {
                t.bytes = Vec::new();
            }
        })
    })
}

/// Parses and attaches the text given since `user_dictionary_begin`, named
/// `file` in errors: [`load_user_dictionary`]. The text is dropped either way.
#[wasm_bindgen]
pub fn user_dictionary_end(file: &str) -> Result<u32, JsError> {
    use sha2::Digest;
    let t = INCOMING.with(|t| std::mem::take(&mut *t.borrow_mut()));
    if let Err(e) = crate::tokenizer::user_dict::parse::check_size(t.length, file) {
        return Err(JsError::new(&format!("jatopic: {}", e.message())));
    }
    let checksum = t.hasher.finalize().into();
    debug_assert!(std::str::from_utf8(&t.bytes).is_ok());
    // SAFETY: every byte of `t.bytes` was written by `utf8_of_utf16`, which
    // writes whole UTF-8 sequences of Unicode scalar values only (an unpaired
    // surrogate becomes U+FFFD), whatever the units: tested against std's
    // lossy conversion (lattice.rs) and fuzzed (fuzz/tokenize_utf16.rs).
    // Checking it again took 6-7 % of a 50,000-entry file's load.
    let text = unsafe { std::str::from_utf8_unchecked(&t.bytes) };
    load_user_dictionary(|dict| parse_text_with_checksum(text, file, dict, checksum))
}

/// [`load_user_dictionary`] from a packed user dictionary (the bytes
/// `jatopic package --user-dict` puts in `jatopic-userdict.js`): the file
/// as the user wrote it, with its name and SHA-256.
#[wasm_bindgen]
pub fn load_packed_user_dictionary(packed: &[u8]) -> Result<u32, JsError> {
    let p = crate::tokenizer::user_dict::packed::PackedUserDictionary::unpack(packed)
        .map_err(|e| JsError::new(&format!("jatopic: {e}")))?;
    load_user_dictionary(|dict| parse_with_checksum(&p.bytes, &p.name, dict, p.sha256))
}

/// Detaches the user dictionary, if any.
#[wasm_bindgen]
pub fn clear_user_dictionary() -> Result<(), JsError> {
    with_tokenizer_mut(
        |tok| {
            tok.detach_user_dictionary();
            Ok(())
        },
        |e| e.to_string(),
    )
}

/// Attaches IPADIC's readings (the bytes of a `.jtr` file made with the
/// loaded dictionary) to the tokenizer, which `init_dictionary` has built
/// (the JS glue calls it first): `analyze_input(.., true)` then gives them. A
/// damaged file, or one for another dictionary, is an error and leaves the
/// tokenizer as it was.
#[wasm_bindgen]
pub fn load_readings(bytes: &[u8]) -> Result<(), JsError> {
    with_tokenizer_mut(|tok| tok.attach_readings(bytes), |e| e.to_string())
}

/// The text of the current call and the numbers it gives, kept between
/// calls: JS writes the text straight into wasm memory and reads the numbers
/// from there, so a row allocates nothing on either side (per-row typed
/// arrays were a tenth of a short row's time, most of it garbage collection).
#[derive(Default)]
struct Exchange {
    units: Vec<u16>,
    numbers: Vec<u32>,
    /// Readings and pronunciations of the last `analyze_input`, as UTF-16
    /// units one after the other (their lengths are among `numbers`).
    readings: Vec<u16>,
    /// The lattice's buffers, reused by every call.
    scratch: Scratch,
    /// The text's code points, the UTF-16 offset of each, and its tokens
    /// (reused by every call).
    chars: Vec<char>,
    unit_at: Vec<u32>,
    tokens: Vec<RawToken>,
}

thread_local! {
    static EXCHANGE: RefCell<Exchange> = RefCell::new(Exchange::default());
}

/// Makes room for a text of `len` UTF-16 code units and returns its address
/// in wasm memory (in bytes): JS writes the units there, then calls
/// `segment_input` or `analyze_input`. May grow the memory.
#[wasm_bindgen]
pub fn input_units(len: usize) -> *mut u16 {
    EXCHANGE.with(|x| {
        let units = &mut x.borrow_mut().units;
        units.clear();
        units.resize(len, 0);
        units.as_mut_ptr()
    })
}

/// Address (in bytes) of the numbers the last `segment_input` or
/// `analyze_input` wrote.
#[wasm_bindgen]
pub fn output_numbers() -> *const u32 {
    EXCHANGE.with(|x| x.borrow().numbers.as_ptr())
}

/// Address (in bytes) of the readings the last `analyze_input` wrote
/// (UTF-16 units; see `analyze_input`).
#[wasm_bindgen]
pub fn output_readings() -> *const u16 {
    EXCHANGE.with(|x| x.borrow().readings.as_ptr())
}

/// The wasm memory, for views onto `input_units` and `output_numbers`.
#[wasm_bindgen]
pub fn wasm_memory() -> JsValue {
    wasm_bindgen::memory()
}

/// A reading length of `analyze_input`'s for a token without a reading (an
/// unknown word; MeCab prints none).
const NO_READING: u32 = u32::MAX;
/// The context id `analyze_input` gives a user dictionary token: its base
/// number is then the token's index for `user_token_json`.
const USER_ID: u32 = u32::MAX;
/// A pronunciation length of `analyze_input`'s for a pronunciation equal to
/// the reading (most words): written once, and JS makes one string.
const SAME_AS_READING: u32 = u32::MAX - 1;

/// Analyses the text at `input_units` (UTF-16 code units; a lone surrogate
/// counts as one character, U+FFFD) and writes six numbers per token at
/// `output_numbers`: start and end in code points, start and end in UTF-16
/// units (for slicing the JS string), context id (`feature_json`'s
/// argument), and the base form: 0 = the surface, 1 = unknown word
/// (surface), k + 2 = `base_form(k)`. A user dictionary token has context
/// id [`USER_ID`] and its index for `user_token_json` as base number. With `readings` (attached by
/// `load_readings`), two more per token: the lengths in UTF-16 units of its
/// reading and pronunciation, written one after the other at
/// `output_readings` ([`NO_READING`] twice, and nothing written, for an
/// unknown word; [`SAME_AS_READING`] for a pronunciation not written
/// because it is the reading). Returns how many numbers it wrote.
/// `search`: Kuromoji's search mode (long compounds split).
#[wasm_bindgen]
pub fn analyze_input(normalize: bool, search: bool, readings: bool) -> Result<u32, JsError> {
    analyze_units(normalize, search, |tok, chars, t, unit_at, x| {
        if is_user(t.base) {
            // Its features are its own (`user_token_json`), readings too.
            x.numbers.extend_from_slice(&[
                t.start as u32,
                t.end as u32,
                unit_at[t.start],
                unit_at[t.end],
                USER_ID,
                t.base & !USER_TOKEN,
            ]);
            if readings {
                x.numbers.extend_from_slice(&[NO_READING, NO_READING]);
            }
            return;
        }
        let base = match t.base {
            BASE_IS_SURFACE => 0,
            UNKNOWN => 1,
            k => k + 2,
        };
        x.numbers.extend_from_slice(&[
            t.start as u32,
            t.end as u32,
            unit_at[t.start],
            unit_at[t.end],
            u32::from(t.id),
            base,
        ]);
        if readings {
            let pair = match t.base {
                UNKNOWN => None,
                _ => tok
                    .dictionary()
                    .reading(&chars[t.start..t.end], t.id, t.base, normalize),
            };
            match pair {
                Some((reading, pronunciation)) => {
                    // Appends `s` and its length.
                    let mut put = |s: &str| {
                        let before = x.readings.len();
                        x.readings.extend(s.encode_utf16());
                        x.numbers.push((x.readings.len() - before) as u32);
                    };
                    put(&reading);
                    if pronunciation == reading {
                        x.numbers.push(SAME_AS_READING);
                    } else {
                        put(&pronunciation);
                    }
                }
                None => x.numbers.extend_from_slice(&[NO_READING, NO_READING]),
            }
        }
    })
}

/// Word boundaries of the text at `input_units`: the start and end of each
/// token in UTF-16 units (for slicing the JS string), two numbers per token
/// at `output_numbers`. The same tokens as `analyze_input`, for `wakati`
/// (surfaces only). Returns how many numbers it wrote.
#[wasm_bindgen]
pub fn segment_input(normalize: bool, search: bool) -> Result<u32, JsError> {
    analyze_units(normalize, search, |_, _, t, unit_at, x| {
        x.numbers
            .extend_from_slice(&[unit_at[t.start], unit_at[t.end]]);
    })
}

/// Where `analyze_units` puts what it gives per token.
struct Output<'a> {
    numbers: &'a mut Vec<u32>,
    readings: &'a mut Vec<u16>,
}

/// Analyses the text at `input_units`; `put` appends what it gives per
/// token, given the tokenizer, the text's code points, the token and the
/// UTF-16 offset of each code point.
fn analyze_units(
    normalize: bool,
    search: bool,
    put: impl Fn(&Tokenizer, &[char], &RawToken, &[u32], &mut Output),
) -> Result<u32, JsError> {
    let opts = Options {
        normalize,
        mode: if search { Mode::Search } else { Mode::Normal },
    };
    EXCHANGE.with(|x| {
        let x = &mut *x.borrow_mut();
        decode_utf16_into(&x.units, &mut x.chars, &mut x.unit_at);
        with_tokenizer(|tok| {
            tok.analyze_into(&x.chars, opts, &mut x.scratch, &mut x.tokens);
            x.numbers.clear();
            x.readings.clear();
            let mut out = Output {
                numbers: &mut x.numbers,
                readings: &mut x.readings,
            };
            for t in &x.tokens {
                put(tok, &x.chars, t, &x.unit_at, &mut out);
            }
            x.numbers.len() as u32
        })
    })
}

/// Context id `id`'s six feature fields (four POS fields, conjugation type
/// and form) as a JSON array. JS asks for each id the first time a token
/// has it: building all 1,316 at the first call took longer than the call.
#[wasm_bindgen]
pub fn feature_json(id: u32) -> Result<String, JsError> {
    with_tokenizer(|tok| {
        let f = tok.dictionary().features.get(id as usize)?;
        let mut out = String::new();
        json::push_str_array(&mut out, f);
        Some(out)
    })?
    .ok_or_else(|| JsError::new(&format!("jatopic: no context id {id}")))
}

/// Base form number `index` (from `analyze_input`'s base code minus 2).
#[wasm_bindgen]
pub fn base_form(index: u32) -> Result<String, JsError> {
    with_tokenizer(|tok| tok.base_form(index).map(str::to_string))?
        .ok_or_else(|| JsError::new(&format!("jatopic: no base form {index}")))
}

/// The nine MeCab features of user dictionary token `index` (from
/// `analyze_input`'s base number of a token with context id [`USER_ID`]):
/// POS ×4, conjugation type and form, base form, reading, pronunciation, as
/// a JSON array.
#[wasm_bindgen]
pub fn user_token_json(index: u32) -> Result<String, JsError> {
    with_tokenizer(|tok| {
        tok.user_token(index | USER_TOKEN).map(|u| {
            let mut out = String::new();
            json::push_str_array(&mut out, (0..9).map(|k| u.field(k)));
            out
        })
    })?
    .ok_or_else(|| JsError::new("jatopic: no such user dictionary token"))
}

/// Current size of the wasm linear memory in bytes (for benchmarks and limits).
#[wasm_bindgen]
pub fn memory_bytes() -> f64 {
    (core::arch::wasm32::memory_size(0) * 65536) as f64
}

/// How to give the wasm module the dictionary a model was trained with.
const LOAD_THE_MODELS_DICTIONARY: &str = "in BigQuery, package the model with the lexicon and user dictionary it was trained with (jatopic package --lexicon, --user-dict); in JS, load them first (jatopic.loadDictionary, jatopic.loadUserDictionary)";

/// Loads a topic model (the bytes of a `.jtm` file), replacing any earlier
/// one. Returns `model_info_json()`. A model trained with another lexicon
/// tier or user dictionary than the tokenizer's is refused.
#[wasm_bindgen]
pub fn load_model(bytes: &[u8]) -> Result<String, JsError> {
    let model = Model::from_bytes(bytes)
        .and_then(|m| {
            with_tokenizer(|tok| {
                m.terms
                    .tokenizer
                    .check_dictionary(tok.dictionary(), LOAD_THE_MODELS_DICTIONARY)
            })
            .map_err(|_| crate::Error::input("no dictionary loaded".into()))??;
            Ok(m)
        })
        .map_err(|e| JsError::new(&format!("jatopic: cannot load the topic model: {e}")))?;
    let info = model.info_json();
    MODEL.with(|m| *m.borrow_mut() = Some(model));
    Ok(info)
}

/// Runs `f` with the model and the tokenizer, which must still tokenize as
/// the model was trained (a dictionary or user dictionary loaded since the
/// model may differ).
fn with_model<T>(f: impl FnOnce(&Model, &Tokenizer) -> T) -> Result<T, JsError> {
    MODEL.with(|m| match m.borrow().as_ref() {
        Some(model) => with_tokenizer(|tok| {
            model
                .terms
                .tokenizer
                .check_dictionary(tok.dictionary(), LOAD_THE_MODELS_DICTIONARY)
                .map_err(|e| JsError::new(&format!("jatopic: {e}")))
                .map(|()| f(model, tok))
        })?,
        None => Err(JsError::new(
            "jatopic: no topic model loaded; add the jatopic-model-*.js library files (written by `jatopic package --model`) after jatopic-tokenizer.js, or call jatopic.loadModel(bytes)",
        )),
    })
}

/// The loaded model's K, vocabulary size, priors, term pipeline and training
/// metadata, as JSON.
#[wasm_bindgen]
pub fn model_info_json() -> Result<String, JsError> {
    with_model(|m, _| m.info_json())
}

/// The terms of `text` (UTF-16 units) as a JSON array of strings, through
/// the loaded model's term pipeline, or the default one without a model:
/// exactly `jatopic terms [--model]`.
#[wasm_bindgen]
pub fn terms_utf16(text: &[u16]) -> Result<String, JsError> {
    let text = String::from_utf16_lossy(text);
    MODEL.with(|m| {
        let model = m.borrow();
        DEFAULT_TERMS.with(|default| {
            let config = model.as_ref().map_or(default, |m| &m.terms);
            with_tokenizer(|tok| {
                if model.is_some() {
                    config
                        .tokenizer
                        .check_dictionary(tok.dictionary(), LOAD_THE_MODELS_DICTIONARY)
                        .map_err(|e| JsError::new(&format!("jatopic: {e}")))?;
                }
                let mut out = String::new();
                json::push_str_array(&mut out, config.terms(tok, &text).iter());
                Ok(out)
            })?
        })
    })
}

/// Topic distribution of `text` (UTF-16 units): exactly `jatopic infer`.
#[wasm_bindgen]
pub fn topics_utf16(text: &[u16]) -> Result<Vec<f64>, JsError> {
    let text = String::from_utf16_lossy(text);
    with_model(|m, tok| m.infer_text(tok, &text))
}

/// Topic distribution of a list of terms, given as their concatenated UTF-16
/// units and the end offset of each term in `units`.
#[wasm_bindgen]
pub fn topics_from_terms_utf16(units: &[u16], ends: &[u32]) -> Result<Vec<f64>, JsError> {
    let mut terms = Vec::with_capacity(ends.len());
    let mut start = 0usize;
    for &end in ends {
        let end = end as usize;
        let piece = units
            .get(start..end)
            .ok_or_else(|| JsError::new("jatopic: term offsets out of range"))?;
        terms.push(String::from_utf16_lossy(piece));
        start = end;
    }
    with_model(|m, _| m.infer_terms(&terms))
}

/// β, max document fraction, training log-likelihood, then α (see `Model::info_numbers`).
#[wasm_bindgen]
pub fn model_numbers() -> Result<Vec<f64>, JsError> {
    with_model(|m, _| m.info_numbers())
}

/// The ids of the `n` most probable words of `topic`, then their
/// probabilities, as one array of 2n numbers.
#[wasm_bindgen]
pub fn top_words(topic: u32, n: u32) -> Result<Vec<f64>, JsError> {
    with_model(|m, _| {
        if topic as usize >= m.k() {
            return Err(JsError::new("jatopic: topic number out of range"));
        }
        let top = m.top_word_ids(topic as usize, n as usize);
        let mut out: Vec<f64> = top.iter().map(|&(w, _)| f64::from(w)).collect();
        out.extend(top.iter().map(|&(_, p)| p));
        Ok(out)
    })?
}

/// Term number `id` of the model's vocabulary.
#[wasm_bindgen]
pub fn vocabulary_term(id: u32) -> Result<String, JsError> {
    with_model(|m, _| m.vocab.get(id as usize).cloned())?
        .ok_or_else(|| JsError::new("jatopic: term id out of range"))
}
