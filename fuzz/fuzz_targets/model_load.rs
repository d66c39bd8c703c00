//! `Model::from_bytes` on arbitrary bytes. First byte even: the rest is the
//! file as is. Odd: the rest is the decompressed payload, framed as a valid
//! file (header, checksum, valid LZMA stream) so mutations reach the payload
//! parser: of format 3 when bit 6 of the first byte is set, else of format 2
//! (which the loader still reads, and which the corpus was found under). (Under `--cfg fuzzing` the loader also skips its own checksum
//! comparison.) A model that loads must then answer every query without
//! panicking, as the wasm UDFs would call it.
#![no_main]

use jatopic::artifact::frame::Format;
use jatopic::artifact::lzma::Compression;
use jatopic::topic::model::{Model, FORMAT, FORMAT_VERSION, OLDEST_FORMAT_VERSION};
use jatopic_fuzz::tokenizer;
use libfuzzer_sys::fuzz_target;

/// The payload framed as a valid file (fastest compression: a mutated
/// payload still decompresses).
fn framed(payload: &[u8], version: u16) -> Vec<u8> {
    Format { version, ..FORMAT }
        .write(&[], payload, Compression::preset(0))
        .expect("framing in memory cannot fail")
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let file = if mode & 1 == 0 {
        rest.to_vec()
    } else {
        let version = if mode & 0x40 != 0 {
            FORMAT_VERSION
        } else {
            OLDEST_FORMAT_VERSION
        };
        framed(rest, version)
    };
    let Ok(model) = Model::from_bytes(&file) else {
        return;
    };
    let k = model.k();
    assert!(k > 0, "a loaded model has topics");
    let _ = model.info_json();
    let _ = model.info_numbers();
    for topic in 0..k.min(8) {
        let top = model.top_words(topic, 5);
        assert!(top.len() <= 5);
        for (_, p) in top {
            assert!(p.is_finite() && p >= 0.0, "p = {p}");
        }
    }
    let mut terms: Vec<&str> = model.vocab.iter().take(6).map(String::as_str).collect();
    terms.extend(["", "not-in-the-vocabulary", "作る"]);
    for t in &terms {
        if let Some(id) = model.term_id(t) {
            assert_eq!(model.vocab[id as usize], *t);
        }
    }
    // Topic proportions: K finite numbers summing to 1, as ja_topics returns.
    let proportions = |theta: Vec<f64>| {
        assert_eq!(theta.len(), k);
        assert!(
            theta.iter().all(|x| x.is_finite() && *x >= 0.0),
            "{theta:?}"
        );
        assert!((theta.iter().sum::<f64>() - 1.0).abs() < 1e-6, "{theta:?}");
    };
    proportions(model.infer_terms(&terms));
    proportions(model.infer_text(tokenizer(), "手編みのニット帽を作りました"));
    proportions(model.infer_terms::<&str>(&[]));
});
