//! Benchmark peer for `make bench`: the vibrato tokenizer with a system
//! dictionary compiled from the same Debian IPADIC sources MeCab uses.
//!
//! Three commands:
//!   vibrato-peer compile IPADIC_DIR OUT.dic   EUC-JP sources → vibrato's binary dictionary
//!   vibrato-peer wakati DICT.dic              stdin lines → surfaces separated by spaces
//!   vibrato-peer paired DICT.dic FULL.jtd ROUNDS [SLICE_LINES] < text
//!                                             vibrato and jatopic (both tiers) timed in
//!                                             one process, in alternated slices
//!
//! `wakati` is what js/bench.mjs times as a whole process (start-up = the same
//! command on empty input), like the jatopic CLI and `mecab -Owakati`. It sets
//! vibrato's two MeCab-compatibility options so that its output can equal
//! MeCab's: whitespace is skipped, and unknown-word grouping stops at 24
//! characters (MeCab's limit).

use std::error::Error;
use std::fs;
use std::io::{self, BufRead, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use vibrato::{Dictionary, SystemDictionaryBuilder, Tokenizer};

mod paired;

const USAGE: &str = "usage: vibrato-peer compile IPADIC_DIR OUT.dic\n       vibrato-peer wakati DICT.dic < text\n       vibrato-peer paired DICT.dic JATOPIC_FULL.jtd ROUNDS [SLICE_LINES] < text";

/// MeCab's maximum length (in characters) of a grouped unknown word.
const MECAB_MAX_GROUPING_LEN: usize = 24;

type Result<T> = std::result::Result<T, Box<dyn Error>>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let outcome = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["compile", ipadic_dir, out] => compile(Path::new(ipadic_dir), Path::new(out)),
        ["wakati", dict] => wakati(Path::new(dict)),
        ["paired", dict, full, rounds] => {
            paired::run(Path::new(dict), Path::new(full), rounds, None)
        }
        ["paired", dict, full, rounds, slice] => {
            paired::run(Path::new(dict), Path::new(full), rounds, Some(slice))
        }
        _ => Err(USAGE.into()),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("vibrato-peer: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Compiles IPADIC's sources (EUC-JP, as Debian's `mecab-ipadic` ships them)
/// into vibrato's dictionary: every `*.csv` in name order as one lexicon, plus
/// `matrix.def`, `char.def` and `unk.def`. The file is written beside `out`
/// and renamed, so an interrupted build never leaves a truncated dictionary.
fn compile(ipadic_dir: &Path, out: &Path) -> Result<()> {
    let mut csv_files: Vec<PathBuf> = fs::read_dir(ipadic_dir)
        .map_err(|e| format!("{}: {e}", ipadic_dir.display()))?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<io::Result<_>>()
        .map_err(|e| format!("{}: {e}", ipadic_dir.display()))?;
    csv_files.retain(|p| p.extension().is_some_and(|ext| ext == "csv"));
    csv_files.sort();
    if csv_files.is_empty() {
        return Err(format!("{}: no *.csv lexicon files", ipadic_dir.display()).into());
    }
    let mut lexicon = String::new();
    for file in &csv_files {
        lexicon.push_str(&read_euc_jp(file)?);
        if !lexicon.ends_with('\n') {
            lexicon.push('\n');
        }
    }
    let matrix = read_euc_jp(&ipadic_dir.join("matrix.def"))?;
    let char_def = read_euc_jp(&ipadic_dir.join("char.def"))?;
    let unk_def = read_euc_jp(&ipadic_dir.join("unk.def"))?;
    let dict = SystemDictionaryBuilder::from_readers(
        lexicon.as_bytes(),
        matrix.as_bytes(),
        char_def.as_bytes(),
        unk_def.as_bytes(),
    )
    .map_err(|e| format!("{}: building the dictionary: {e}", ipadic_dir.display()))?;

    let partial = out.with_extension("dic.partial");
    let write = || -> Result<()> {
        let mut writer = BufWriter::new(fs::File::create(&partial)?);
        dict.write(&mut writer)?;
        writer
            .into_inner()
            .map_err(|e| e.into_error())?
            .sync_all()?;
        fs::rename(&partial, out)?;
        Ok(())
    };
    write().map_err(|e| format!("{}: {e}", out.display()))?;
    eprintln!(
        "vibrato-peer: {} lexicon files from {} → {}",
        csv_files.len(),
        ipadic_dir.display(),
        out.display()
    );
    Ok(())
}

/// Reads a file in EUC-JP and returns it as UTF-8; malformed bytes are an error
/// (a silent replacement character would change the dictionary).
fn read_euc_jp(path: &Path) -> Result<String> {
    let bytes = fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    encoding_rs::EUC_JP
        .decode_without_bom_handling_and_without_replacement(&bytes)
        .map(|text| text.into_owned())
        .ok_or_else(|| format!("{}: not valid EUC-JP", path.display()).into())
}

/// vibrato with the dictionary at `dict_path`, set as MeCab analyses.
fn mecab_like_tokenizer(dict_path: &Path) -> Result<Tokenizer> {
    let file = fs::File::open(dict_path).map_err(|e| format!("{}: {e}", dict_path.display()))?;
    let dict = Dictionary::read(io::BufReader::new(file))
        .map_err(|e| format!("{}: reading the dictionary: {e}", dict_path.display()))?;
    Ok(Tokenizer::new(dict)
        .ignore_space(true)
        .map_err(|e| format!("{}: {e}", dict_path.display()))?
        .max_grouping_len(MECAB_MAX_GROUPING_LEN))
}

/// Tokenizes stdin line by line and prints each line's surfaces separated by
/// single spaces, one output line per input line.
fn wakati(dict_path: &Path) -> Result<()> {
    let tokenizer = mecab_like_tokenizer(dict_path)?;
    let mut worker = tokenizer.new_worker();

    let stdin = io::stdin().lock();
    let mut out = BufWriter::new(io::stdout().lock());
    for (index, line) in stdin.lines().enumerate() {
        let line = line.map_err(|e| format!("stdin line {}: {e}", index + 1))?;
        worker.reset_sentence(line.strip_suffix('\r').unwrap_or(&line));
        worker.tokenize();
        for i in 0..worker.num_tokens() {
            if i > 0 {
                out.write_all(b" ")?;
            }
            out.write_all(worker.token(i).surface().as_bytes())?;
        }
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}
