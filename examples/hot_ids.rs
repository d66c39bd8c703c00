//! Writes `src/tokenizer/dictionary/hot_ids.txt`: IPADIC's context ids in
//! decreasing order of how often Viterbi evaluates a connection from or to
//! them, over the text on stdin (one line per sentence), analysed with the
//! dictionary named by the first argument. The native tokenizer numbers its
//! connection classes in this order (cache locality; see
//! `Connector::renumbered`). How it was made (the training corpus, a sample of
//! lines from each file, round robin):
//!
//!     python3 - <<'PY' > build/hot-ids-input.txt
//!     import glob; fs = [open(f, encoding='utf-8').read().split('\n') for f in sorted(glob.glob('../shared/corpus/train/*.txt'))]
//!     fs = [[l for l in f if l.strip()] for f in fs]; print('\n'.join(l for k in range(4000) for f in fs if k < len(f) for l in [f[k]]))
//!     PY
//!     cargo run --release --example hot_ids -- dict/ipadic-full.jtd < build/hot-ids-input.txt > src/tokenizer/dictionary/hot_ids.txt

use std::io::Read;
use std::process::ExitCode;

/// How many ids the table lists (the rest keep their order, after these).
const LISTED: usize = 256;

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: hot_ids DICT.jtd < text > hot_ids.txt");
        return ExitCode::FAILURE;
    };
    let tok = match std::fs::read(&path)
        .map_err(jatopic::Error::from)
        .and_then(|b| jatopic::Dictionary::from_bytes(&b))
    {
        Ok(dict) => jatopic::Tokenizer::new(dict),
        Err(e) => {
            eprintln!("hot_ids: {path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut text = Vec::new();
    if let Err(e) = std::io::stdin().read_to_end(&mut text) {
        eprintln!("hot_ids: stdin: {e}");
        return ExitCode::FAILURE;
    }
    let text = String::from_utf8_lossy(&text);
    let counts = tok.connection_counts(text.lines());
    let n = tok.dictionary().features.len();
    let mut weight: Vec<(u64, usize)> = (0..n)
        .map(|id| {
            let from: u64 = counts[id * n..][..n].iter().map(|&c| u64::from(c)).sum();
            let to: u64 = (0..n).map(|p| u64::from(counts[p * n + id])).sum();
            (from + to, id)
        })
        .collect();
    weight.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let ids: Vec<String> = weight
        .iter()
        .take(LISTED)
        .map(|&(_, id)| id.to_string())
        .collect();
    println!("# IPADIC's {LISTED} busiest context ids, busiest first: how often Viterbi");
    println!("# evaluates a connection from or to each over a sample of the training text.");
    println!("# Written by examples/hot_ids.rs (which says how); read by hot_ids.rs. Only an");
    println!("# order for the cache (Connector::renumbered), never a cost.");
    for chunk in ids.chunks(16) {
        println!("{}", chunk.join(" "));
    }
    ExitCode::SUCCESS
}
