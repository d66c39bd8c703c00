//! `paired`: jatopic (both lexicon tiers) and vibrato timed in one process.
//!
//! Timing each tokenizer as a separate process leaves the comparison at the
//! mercy of a shared host: its load changes between the processes, and
//! single runs of one binary on one text vary by a third. Here the three
//! analyse the same slice of lines one after the other, in an order that
//! cycles through every permutation, slice after slice, so that whatever the
//! host does falls on all three alike. Each produces the `wakati` output its
//! CLI writes (surfaces, spaces, newlines) into memory; start-up is outside
//! the timing by construction. A round is one pass over the text; the figure
//! is the median of the rounds' ratios.

use std::io::Read;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::{mecab_like_tokenizer, Result};

/// Lines per slice by default: about 30 ms of analysis each, short next to
/// the host's changes of load, long next to refilling the caches after the
/// other two (smaller slices favour jatopic: 256 lines gave compact 0.941×
/// and full 0.823× where 2,048 gave 0.896× and 0.787×).
const SLICE_LINES: usize = 2048;

/// Every order of three contenders, cycled through slice after slice, so that
/// each one runs first, second and last equally often.
const ORDERS: [[usize; 3]; 6] = [
    [0, 1, 2],
    [2, 1, 0],
    [1, 2, 0],
    [0, 2, 1],
    [2, 0, 1],
    [1, 0, 2],
];

/// A tokenizer writing `wakati` output for some lines.
type Wakati<'a> = Box<dyn FnMut(&[&str], &mut Vec<u8>) + 'a>;

/// jatopic's `tokenize --output wakati`: the CLI's own function.
fn jatopic_wakati<'a>(tokenizer: &'a jatopic::Tokenizer) -> Wakati<'a> {
    let mut buffers = jatopic::tokenizer::WakatiBuffers::default();
    Box::new(move |lines, out| {
        for line in lines {
            tokenizer.wakati_into(line, jatopic::Options::default(), &mut buffers, out);
            out.push(b'\n');
        }
    })
}

/// vibrato-peer's `wakati`.
fn vibrato_wakati<'a>(tokenizer: &'a vibrato::Tokenizer) -> Wakati<'a> {
    let mut worker = tokenizer.new_worker();
    Box::new(move |lines, out| {
        for line in lines {
            worker.reset_sentence(line);
            worker.tokenize();
            for i in 0..worker.num_tokens() {
                if i > 0 {
                    out.push(b' ');
                }
                out.extend_from_slice(worker.token(i).surface().as_bytes());
            }
            out.push(b'\n');
        }
    })
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// A positive whole number given as `what`.
fn positive(what: &str, value: &str) -> Result<usize> {
    match value.parse() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("{what} must be a positive whole number, got {value:?}").into()),
    }
}

/// Times the three on stdin's lines: `rounds` passes, in slices of
/// `slice_lines` lines (default [`SLICE_LINES`]).
pub fn run(
    vibrato_dict: &Path,
    jatopic_full: &Path,
    rounds: &str,
    slice_lines: Option<&str>,
) -> Result<()> {
    let rounds = positive("ROUNDS", rounds)?;
    let slice_lines = match slice_lines {
        Some(s) => positive("SLICE_LINES", s)?,
        None => SLICE_LINES,
    };
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| format!("stdin: {e}"))?;
    // `lines` takes a "\r\n" ending off as well as a "\n" one.
    let lines: Vec<&str> = text.lines().collect();
    let chars: usize = lines.iter().map(|l| l.chars().count()).sum();
    if chars == 0 {
        return Err("stdin has no text to time (give it build/bench-native-input.txt, which make bench-native writes)".into());
    }

    let compact = jatopic::Dictionary::from_bytes(jatopic::DEFAULT_DICTIONARY)
        .map_err(|e| format!("jatopic's embedded dictionary: {e}"))?;
    let full_bytes =
        std::fs::read(jatopic_full).map_err(|e| format!("{}: {e}", jatopic_full.display()))?;
    let full = jatopic::Dictionary::from_bytes(&full_bytes)
        .map_err(|e| format!("{}: {e}", jatopic_full.display()))?;
    let compact = jatopic::Tokenizer::new(compact);
    let full = jatopic::Tokenizer::new(full);
    let vibrato = mecab_like_tokenizer(vibrato_dict)?;
    let names = ["jatopic compact", "jatopic full", "vibrato"];
    let mut contenders: [Wakati; 3] = [
        jatopic_wakati(&compact),
        jatopic_wakati(&full),
        vibrato_wakati(&vibrato),
    ];

    // A first pass, untimed: every buffer grown, and the outputs compared.
    let mut outputs: Vec<Vec<u8>> = Vec::new();
    for c in contenders.iter_mut() {
        let mut out = Vec::new();
        c(&lines, &mut out);
        outputs.push(out);
    }
    let same_as_vibrato = |k: usize| {
        let a = outputs[k].split(|&b| b == b'\n');
        a.zip(outputs[2].split(|&b| b == b'\n'))
            .filter(|(x, y)| x == y)
            .count()
            - 1
    };
    for (k, out) in outputs.iter().enumerate() {
        let n = out.iter().filter(|&&b| b == b'\n').count();
        if n != lines.len() {
            return Err(format!(
                "{}: {n} output lines for {} input lines",
                names[k],
                lines.len()
            )
            .into());
        }
    }

    let slices: Vec<&[&str]> = lines.chunks(slice_lines).collect();
    let mut totals = vec![[Duration::ZERO; 3]; rounds];
    let mut out = Vec::new();
    let mut written = 0usize;
    let mut turn = 0usize;
    for round in totals.iter_mut() {
        for slice in &slices {
            for &c in &ORDERS[turn % ORDERS.len()] {
                out.clear();
                let t = Instant::now();
                contenders[c](slice, &mut out);
                round[c] += t.elapsed();
                written += out.len();
            }
            turn += 1;
        }
    }

    println!(
        "In one process: {} lines, {chars} characters; {rounds} rounds of {} slices of {slice_lines} lines, the three in turn (every order equally often).",
        lines.len(),
        slices.len()
    );
    println!();
    println!("| tokenizer | chars/s (median round) | speed ÷ vibrato, median of rounds (min–max) | lines identical to vibrato's |");
    println!("|---|---:|---:|---:|");
    for k in 0..3 {
        let mut seconds: Vec<f64> = totals.iter().map(|r| r[k].as_secs_f64()).collect();
        let mut ratios: Vec<f64> = totals
            .iter()
            .map(|r| r[2].as_secs_f64() / r[k].as_secs_f64())
            .collect();
        let speed = chars as f64 / median(&mut seconds);
        let ratio = median(&mut ratios);
        let (lo, hi) = (ratios[0], ratios[ratios.len() - 1]);
        println!(
            "| {} | {:.0} | {ratio:.3}× ({lo:.3}–{hi:.3}) | {} of {} |",
            names[k],
            speed,
            same_as_vibrato(k),
            lines.len()
        );
    }
    // The outputs' size, so that no output is optimised away.
    eprintln!("vibrato-peer paired: {written} bytes of output in the timed rounds");
    Ok(())
}
