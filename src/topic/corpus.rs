//! From documents to term ids: the tokenizer loaded on first use, the
//! parallel term pipeline over read documents, the interned corpus that
//! training reads (no term strings kept per document) and the vocabulary
//! filter.

use crate::io::input::{read_documents, Content, Document, InputOptions, ReadStats};
use crate::tokenizer::config::LexiconTier;
use crate::topic::terms::TermConfig;
use crate::topic::train::Docs;
use crate::{Result, Tokenizer};
use rayon::prelude::*;
use std::collections::HashMap;

/// The tokenizer of each lexicon tier, loaded on first use: pre-tokenized
/// input (`--terms-field`) never pays for decompressing a dictionary, and
/// the tier is always the one of the term pipeline at hand.
#[derive(Default)]
pub struct LazyTokenizer {
    tokenizers: [std::sync::OnceLock<Result<Tokenizer>>; LexiconTier::ALL.len()],
    /// A user dictionary to attach: its file name and bytes.
    user_dictionary: Option<(String, Vec<u8>)>,
}

impl LazyTokenizer {
    /// The shipped dictionaries with the user dictionary `bytes` (the file
    /// `file`) attached once loaded.
    pub fn with_user_dictionary(file: String, bytes: Vec<u8>) -> LazyTokenizer {
        LazyTokenizer {
            tokenizers: Default::default(),
            user_dictionary: Some((file, bytes)),
        }
    }

    /// The tokenizer of `tier`, loading it if needed.
    pub fn get(&self, tier: LexiconTier) -> Result<&Tokenizer> {
        self.tokenizers[usize::from(tier.code())]
            .get_or_init(|| {
                let mut tok = crate::tokenizer::shipped::tokenizer(tier, false)?;
                if let Some((file, bytes)) = &self.user_dictionary {
                    tok.attach_user_dictionary(bytes, file)?;
                }
                Ok(tok)
            })
            .as_ref()
            .map_err(Clone::clone)
    }
}

/// Vocabulary filter, as gensim's `filter_extremes`.
#[derive(Debug, Clone)]
pub struct VocabFilter {
    /// Drop terms in fewer documents than this.
    pub min_df: u64,
    /// Drop terms in more than this fraction of documents.
    pub max_df: f64,
    /// Keep at most this many (most frequent by document frequency); 0 = all.
    pub keep_n: u64,
}

/// Reads documents and turns them into terms with `config` (in parallel; order kept).
pub fn document_terms(
    tok: &LazyTokenizer,
    config: &TermConfig,
    paths: &[String],
    input: &InputOptions,
) -> Result<(Vec<Document>, Vec<Vec<String>>, ReadStats)> {
    let (mut docs, stats) = read_documents(paths, input, &mut |m| eprintln!("jatopic: {m}"))?;
    // The content moves into the terms (no copy); ids and labels stay.
    let terms: Vec<Vec<String>> = docs
        .par_iter_mut()
        .map(
            |d| match std::mem::replace(&mut d.content, Content::Terms(Vec::new())) {
                Content::Text(t) => Ok(config.terms(tok.get(config.tokenizer.lexicon)?, &t)),
                Content::Terms(t) => Ok(t),
            },
        )
        .collect::<Result<_>>()?;
    Ok((docs, terms, stats))
}

/// Documents as ids into a growing table of distinct terms: each document is
/// reduced to integers as soon as it is read, so the corpus text is never in
/// memory as strings (training's peak memory).
#[derive(Default)]
pub struct InternedCorpus {
    /// Distinct terms, by first appearance.
    pub terms: Vec<String>,
    index: HashMap<String, u32>,
    /// Each document's terms as indices into `terms`, in one flat array.
    pub docs: Docs,
    /// Documents read but not yet tokenized.
    pending: Vec<Content>,
    /// The previous batch's terms, interned while the next batch is tokenized.
    tokenized: Vec<Vec<String>>,
}

impl InternedCorpus {
    /// Documents buffered before they are tokenized together (in parallel).
    const BATCH: usize = 2048;

    /// Adds a document (tokenized with `config` later, in batches).
    pub fn push(
        &mut self,
        content: Content,
        tok: &LazyTokenizer,
        config: &TermConfig,
    ) -> Result<()> {
        self.pending.push(content);
        if self.pending.len() >= Self::BATCH {
            self.advance(tok, config)?;
        }
        Ok(())
    }

    /// Tokenizes and interns every buffered document, in order.
    pub fn flush(&mut self, tok: &LazyTokenizer, config: &TermConfig) -> Result<()> {
        self.advance(tok, config)?;
        let last = std::mem::take(&mut self.tokenized);
        intern(&mut self.index, &mut self.terms, &mut self.docs, last);
        Ok(())
    }

    /// Tokenizes the pending batch on the pool's threads while this thread
    /// interns the batch before it (interning is sequential: ids follow first
    /// appearance), so interning does not leave the other threads idle.
    fn advance(&mut self, tok: &LazyTokenizer, config: &TermConfig) -> Result<()> {
        let batch = std::mem::take(&mut self.pending);
        let previous = std::mem::take(&mut self.tokenized);
        let (index, terms, docs) = (&mut self.index, &mut self.terms, &mut self.docs);
        let ((), tokenized) = rayon::join(
            || intern(index, terms, docs, previous),
            || {
                batch
                    .into_par_iter()
                    .map(|c| match c {
                        Content::Text(t) => {
                            Ok(config.terms(tok.get(config.tokenizer.lexicon)?, &t))
                        }
                        Content::Terms(t) => Ok(t),
                    })
                    .collect::<Result<Vec<Vec<String>>>>()
            },
        );
        self.tokenized = tokenized?;
        Ok(())
    }

    /// Applies the vocabulary filter: returns the vocabulary (by document
    /// frequency, then term) and rewrites `docs` in place to its ids, dropping
    /// other terms and then the documents left without terms (their number is
    /// the second value).
    pub fn filter(&mut self, filter: &VocabFilter) -> (Vec<String>, u64) {
        let mut df = vec![0u64; self.terms.len()];
        let mut seen: Vec<u32> = Vec::new();
        for d in self.docs.iter() {
            seen.clear();
            seen.extend_from_slice(d);
            seen.sort_unstable();
            seen.dedup();
            seen.iter().for_each(|&t| df[t as usize] += 1);
        }
        let n_docs = self.docs.iter().filter(|d| !d.is_empty()).count() as f64;
        let mut keep: Vec<u32> = (0..self.terms.len() as u32)
            .filter(|&t| {
                df[t as usize] >= filter.min_df && df[t as usize] as f64 <= filter.max_df * n_docs
            })
            .collect();
        keep.sort_by(|&a, &b| {
            df[b as usize]
                .cmp(&df[a as usize])
                .then(self.terms[a as usize].cmp(&self.terms[b as usize]))
        });
        if filter.keep_n > 0 {
            keep.truncate(filter.keep_n as usize);
        }
        let mut new_id = vec![u32::MAX; self.terms.len()];
        for (i, &t) in keep.iter().enumerate() {
            new_id[t as usize] = i as u32;
        }
        let emptied = self.docs.remap_dropping_empty(&new_id);
        let vocab = keep
            .into_iter()
            .map(|t| std::mem::take(&mut self.terms[t as usize]))
            .collect();
        (vocab, emptied)
    }
}

/// Appends `batch`'s documents to `docs` as ids into `terms`, adding new terms.
fn intern(
    index: &mut HashMap<String, u32>,
    terms: &mut Vec<String>,
    docs: &mut Docs,
    batch: Vec<Vec<String>>,
) {
    for doc in batch {
        docs.push(doc.into_iter().map(|t| match index.get(&t) {
            Some(&i) => i,
            None => {
                let i = terms.len() as u32;
                index.insert(t.clone(), i);
                terms.push(t);
                i
            }
        }));
    }
}
