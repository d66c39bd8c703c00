//! `jatopic topics`: the top words of every topic.

use clap::{Args, ValueEnum};
use jatopic::topic::files::load_model;
use jatopic::Result;
use std::io::Write;

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum TopicsOutput {
    /// `topic share words…` per line
    Table,
    /// `{"topic","share","alpha","words":[{"word","weight"}…]}` per line
    Json,
    /// A Markdown table
    Markdown,
}

/// Print each topic's share and top words
#[derive(Args)]
#[command(after_help = "Example:\n  jatopic topics --model model.jtm --n 15 --output markdown")]
pub struct TopicsArgs {
    /// The model
    #[arg(long, value_name = "MODEL.jtm")]
    model: String,
    /// Output format
    #[arg(long, value_enum, default_value = "table")]
    output: TopicsOutput,
    /// Words per topic
    #[arg(long, default_value_t = 10)]
    n: usize,
}

#[derive(serde::Serialize)]
struct WordWeight<'a> {
    word: &'a str,
    weight: f64,
}

#[derive(serde::Serialize)]
struct TopicWords<'a> {
    topic: usize,
    share: f64,
    alpha: f64,
    words: Vec<WordWeight<'a>>,
}

pub fn run(args: TopicsArgs) -> Result<()> {
    let model = load_model(&args.model)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let total: u64 = model.topic_total.iter().sum();
    for k in 0..model.k() {
        let words = model.top_words(k, args.n);
        let share = model.topic_total[k] as f64 / total.max(1) as f64;
        match args.output {
            TopicsOutput::Json => {
                let row = TopicWords {
                    topic: k,
                    share,
                    alpha: model.alpha[k],
                    words: words
                        .iter()
                        .map(|&(word, weight)| WordWeight { word, weight })
                        .collect(),
                };
                writeln!(out, "{}", super::json_out::line(&row))?;
            }
            TopicsOutput::Markdown => {
                if k == 0 {
                    writeln!(out, "| topic | share | top words |\n|---:|---:|---|")?;
                }
                let w: Vec<&str> = words.iter().map(|x| x.0).collect();
                writeln!(out, "| {k} | {:.1}% | {} |", share * 100.0, w.join(" "))?;
            }
            TopicsOutput::Table => {
                let w: Vec<&str> = words.iter().map(|x| x.0).collect();
                writeln!(out, "{k:>3} {:>5.1}%  {}", share * 100.0, w.join(" "))?;
            }
        }
    }
    out.flush()?;
    Ok(())
}
