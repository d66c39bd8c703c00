//! The term pipeline on arbitrary text with a few configurations (the
//! default, no normalisation, no lower-casing, every POS, none, search mode).
#![no_main]

use jatopic::topic::terms::TermConfig;
use jatopic_fuzz::tokenizer;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn configs() -> &'static [TermConfig] {
    static CONFIGS: OnceLock<Vec<TermConfig>> = OnceLock::new();
    CONFIGS.get_or_init(|| {
        let default = TermConfig::default();
        vec![
            default.clone(),
            TermConfig {
                normalize: false,
                lowercase: false,
                ..default.clone()
            },
            TermConfig {
                keep_pos: vec![
                    "記号,一般".into(),
                    "名詞,数".into(),
                    "助詞,格助詞".into(),
                    "no comma".into(),
                    String::new(),
                ],
                stopwords: vec![String::new(), "a".into()],
                ..default.clone()
            },
            TermConfig {
                keep_pos: Vec::new(),
                stopwords: Vec::new(),
                ..default.clone()
            },
            TermConfig {
                tokenizer: jatopic::tokenizer::config::TokenizerConfig {
                    mode: jatopic::Mode::Search,
                    ..Default::default()
                },
                ..default
            },
        ]
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, text)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(text);
    let configs = configs();
    let config = &configs[which as usize % configs.len()];
    let terms = config.terms(tokenizer(), &text);
    for t in &terms {
        assert!(
            t.chars().any(char::is_alphabetic),
            "{text:?}: term {t:?} has no letter"
        );
        assert!(
            !config.stopwords.contains(t),
            "{text:?}: stop word {t:?} kept"
        );
        if config.lowercase {
            assert!(
                !t.chars().any(|c| c.is_ascii_uppercase()),
                "{text:?}: {t:?} not lower-cased"
            );
        }
    }
    if config.keep_pos.is_empty() {
        assert!(terms.is_empty());
    }
    // The configuration survives its own serialisation (it is stored in models).
    let mut w = jatopic::artifact::bytes::Writer::default();
    let version = config.format_version();
    config.write(&mut w, version);
    let mut r = jatopic::artifact::bytes::Reader::new(&w.buf, "terms");
    assert_eq!(&TermConfig::read(&mut r, version).unwrap(), config);
});
