//! Agreement with MeCab: word F1 on token spans, and POS / base-form /
//! reading / pronunciation agreement on the tokens whose span matches.

use crate::tokenizer::{Options, Tokenizer};

/// Counts from which the agreement figures are computed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Agreement {
    /// Lines compared.
    pub lines: u64,
    /// Tokens in the reference.
    pub reference: u64,
    /// Tokens we produced.
    pub ours: u64,
    /// Tokens with the same span.
    pub matched: u64,
    /// Matched tokens with the same first two POS fields.
    pub pos2: u64,
    /// Matched tokens with all four POS fields and the conjugation equal.
    pub pos_full: u64,
    /// Matched tokens with the same base form (MeCab's seventh field).
    pub base: u64,
    /// Matched tokens with the same reading (MeCab's eighth field, `*` for
    /// unknown words): counted only when the tokenizer has readings.
    pub reading: u64,
    /// Matched tokens with the same pronunciation (the ninth field), likewise.
    pub pronunciation: u64,
    /// Lines whose reference could not be aligned with the text (skipped).
    pub misaligned: u64,
    /// Lines of text without a reference analysis, plus reference analyses
    /// without a line: the reference does not belong to the text (the
    /// callers refuse the comparison then).
    pub unpaired: u64,
}

impl Agreement {
    /// Word F1 over token spans.
    pub fn f1(&self) -> f64 {
        let p = self.matched as f64 / self.ours.max(1) as f64;
        let r = self.matched as f64 / self.reference.max(1) as f64;
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
    /// Share of matched tokens agreeing on two POS fields.
    pub fn pos2_rate(&self) -> f64 {
        self.pos2 as f64 / self.matched.max(1) as f64
    }
    /// Share of matched tokens agreeing on all POS and conjugation fields.
    pub fn pos_full_rate(&self) -> f64 {
        self.pos_full as f64 / self.matched.max(1) as f64
    }
    /// Share of matched tokens agreeing on the base form.
    pub fn base_rate(&self) -> f64 {
        self.base as f64 / self.matched.max(1) as f64
    }
    /// Share of matched tokens agreeing on the reading.
    pub fn reading_rate(&self) -> f64 {
        self.reading as f64 / self.matched.max(1) as f64
    }
    /// Share of matched tokens agreeing on the pronunciation.
    pub fn pronunciation_rate(&self) -> f64 {
        self.pronunciation as f64 / self.matched.max(1) as f64
    }
    /// Adds another set of counts.
    pub fn add(&mut self, o: &Agreement) {
        self.lines += o.lines;
        self.reference += o.reference;
        self.ours += o.ours;
        self.matched += o.matched;
        self.pos2 += o.pos2;
        self.pos_full += o.pos_full;
        self.base += o.base;
        self.reading += o.reading;
        self.pronunciation += o.pronunciation;
        self.misaligned += o.misaligned;
        self.unpaired += o.unpaired;
    }

    /// An error unless every line of the text had exactly one reference analysis.
    pub fn check_paired(&self, what: &str) -> crate::Result<()> {
        if self.unpaired == 0 {
            return Ok(());
        }
        Err(crate::Error::input(format!(
            "{what}: the reference analyses and the text do not pair up ({} lines or analyses without a partner, {} lines compared): is the reference MeCab's output for exactly this text?",
            self.unpaired, self.lines
        )))
    }
}

/// One reference token: span in code points and MeCab's features.
struct RefToken<'a> {
    start: usize,
    end: usize,
    features: Vec<&'a str>,
}

/// Compares the analysis of each line of `text` with MeCab's default-format
/// output for the same lines (`mecab < text`).
pub fn compare(tok: &Tokenizer, text: &str, mecab_output: &str) -> Agreement {
    compare_with(tok, Options::default(), text, mecab_output)
}

/// [`compare`] with analysis options (search mode measures how far it
/// departs from MeCab's segmentation).
pub fn compare_with(tok: &Tokenizer, opts: Options, text: &str, mecab_output: &str) -> Agreement {
    let mut a = Agreement::default();
    let mut blocks: Vec<&str> = mecab_output.split("EOS\n").collect();
    // After the last "EOS\n" comes the empty rest of the output.
    if blocks.last() == Some(&"") {
        blocks.pop();
    }
    let mut blocks = blocks.into_iter();
    for line in text.lines() {
        let Some(block) = blocks.next() else {
            a.unpaired += 1;
            continue;
        };
        a.lines += 1;
        let Some(reference) = align(line, block) else {
            a.misaligned += 1;
            continue;
        };
        let ours = tok.tokenize_with(line, opts);
        a.reference += reference.len() as u64;
        a.ours += ours.len() as u64;
        let (mut i, mut j) = (0, 0);
        while i < reference.len() && j < ours.len() {
            let (r, o) = (&reference[i], &ours[j]);
            if (r.start, r.end) == (o.start, o.end) {
                a.matched += 1;
                let f = &r.features;
                if f.len() >= 7 {
                    a.pos2 += u64::from(f[0] == o.pos[0] && f[1] == o.pos[1]);
                    a.pos_full += u64::from(f[..4] == o.pos[..] && f[4..6] == o.conjugation[..]);
                    a.base += u64::from(f[6] == o.mecab_base());
                }
                if tok.dictionary().has_readings() {
                    // MeCab prints no reading for unknown words; we say `*`.
                    let field = |k: usize| f.get(k).copied().unwrap_or("*");
                    let reading = o.reading.as_deref().unwrap_or("*");
                    let pron = o.pronunciation.as_deref().unwrap_or("*");
                    a.reading += u64::from(field(7) == reading);
                    a.pronunciation += u64::from(field(8) == pron);
                }
                i += 1;
                j += 1;
            } else if r.end <= o.end {
                i += 1;
            } else {
                j += 1;
            }
        }
    }
    a.unpaired += blocks.count() as u64;
    a
}

fn align<'a>(line: &str, block: &'a str) -> Option<Vec<RefToken<'a>>> {
    let chars: Vec<char> = line.chars().collect();
    let mut pos = 0;
    let mut out = Vec::new();
    for l in block.lines() {
        let (surface, feats) = l.split_once('\t')?;
        let s: Vec<char> = surface.chars().collect();
        while pos < chars.len() && !chars[pos..].starts_with(&s) && chars[pos].is_whitespace() {
            pos += 1;
        }
        if !chars[pos..].starts_with(&s) {
            return None;
        }
        out.push(RefToken {
            start: pos,
            end: pos + s.len(),
            features: feats.split(',').collect(),
        });
        pos += s.len();
    }
    Some(out)
}

/// Runs `mecab` on every `*.txt` file in `dir` and compares each with our
/// analysis. Returns (file stem, counts) per file, sorted by name.
pub fn compare_corpus(
    tok: &Tokenizer,
    dir: &std::path::Path,
    mecab: &str,
) -> crate::Result<Vec<(String, Agreement)>> {
    compare_corpus_with(tok, Options::default(), dir, mecab)
}

/// [`compare_corpus`] with analysis options.
pub fn compare_corpus_with(
    tok: &Tokenizer,
    opts: Options,
    dir: &std::path::Path,
    mecab: &str,
) -> crate::Result<Vec<(String, Agreement)>> {
    use crate::Error;
    use std::io::Write;
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| Error::io_error(dir.display(), e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let text =
            std::fs::read_to_string(&path).map_err(|e| Error::io_error(path.display(), e))?;
        let mut child = std::process::Command::new(mecab)
            .args(["-b", "100000000"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .map_err(|e| {
                Error::io_message(format!(
                    "cannot run {mecab}: {e} (apt-get install mecab mecab-ipadic-utf8)"
                ))
            })?;
        let mut stdin = child
            .stdin
            .take()
            .ok_or_else(|| Error::io_message("mecab stdin".into()))?;
        let input = text.clone();
        let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
        let output = child.wait_with_output()?;
        let written = writer
            .join()
            .map_err(|_| Error::io_message("mecab writer thread".into()))?;
        // A mecab that failed explains a broken pipe: report its failure first.
        if !output.status.success() {
            return Err(Error::io_message(format!(
                "{mecab} failed on {} ({}): {}",
                path.display(),
                output.status,
                String::from_utf8_lossy(&output.stderr).trim()
            )));
        }
        written?;
        let reference = String::from_utf8_lossy(&output.stdout);
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let agreement = compare_with(tok, opts, &text, &reference);
        agreement.check_paired(&format!("{mecab} on {}", path.display()))?;
        out.push((stem, agreement));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MECAB: &str = "猫\t名詞,一般,*,*,*,*,猫,ネコ,ネコ\nEOS\n";

    #[test]
    fn a_reference_that_runs_out_or_runs_over_is_refused() {
        let tok = crate::default_tokenizer().unwrap();
        let paired = compare(&tok, "猫\n", MECAB);
        assert_eq!((paired.lines, paired.matched, paired.unpaired), (1, 1, 0));
        // Without readings attached, readings are not compared.
        assert_eq!((paired.reading, paired.pronunciation), (0, 0));
        assert!(paired.check_paired("t").is_ok());
        let short = compare(&tok, "猫\n猫\n", MECAB);
        assert_eq!(short.unpaired, 1);
        let long = compare(&tok, "猫\n", &MECAB.repeat(3));
        assert_eq!(long.unpaired, 2);
        let e = long.check_paired("ref.mecab").unwrap_err();
        assert!(
            e.to_string()
                .contains("ref.mecab: the reference analyses and the text do not pair up"),
            "{e}"
        );
    }

    #[test]
    fn readings_are_compared_when_attached() {
        let tok = crate::default_tokenizer_with_readings().unwrap();
        let a = compare(&tok, "猫\n", MECAB);
        assert_eq!((a.matched, a.reading, a.pronunciation), (1, 1, 1));
        // A wrong reading in the reference is counted as a disagreement, and
        // an unknown word (seven fields) agrees with our `*`.
        let other =
            "猫\t名詞,一般,*,*,*,*,猫,イヌ,ネコ\nEOS\nｘｙｚ\t名詞,固有名詞,組織,*,*,*,*\nEOS\n";
        let a = compare(&tok, "猫\nｘｙｚ\n", other);
        assert_eq!((a.matched, a.reading, a.pronunciation), (2, 1, 2));
        assert!((a.reading_rate() - 0.5).abs() < 1e-12);
    }

    #[test]
    fn a_failing_mecab_is_an_error() {
        let dir = std::env::temp_dir().join(format!("jatopic-eval-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("a.txt"), "猫\n").unwrap();
        let tok = crate::default_tokenizer().unwrap();
        // `false` reads nothing, prints nothing and exits 1.
        let e = compare_corpus(&tok, &dir, "false").unwrap_err();
        assert!(e.to_string().contains("false failed on"), "{e}");
    }
}
