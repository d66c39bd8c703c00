//! Argument parsing (clap), dispatch to one module per command, and the
//! mapping of errors to one line on stderr, a hint and an exit status.

mod build_dict;
mod completions;
mod dict_info;
mod eval;
mod infer;
mod input_args;
mod json_out;
mod package;
mod sample;
mod terms;
mod tokenize;
mod tokenizer_args;
mod topics;
mod train;
mod vocab;

use clap::{CommandFactory, Parser, Subcommand};
use jatopic::ErrorKind;
use std::process::ExitCode;

/// Exit status of a run that failed: a file could not be read or written, or is damaged.
const EXIT_FAILURE: u8 = 1;
/// Exit status of a usage error: a bad option, or input that cannot be used as given.
const EXIT_USAGE: u8 = 2;

#[derive(Parser)]
#[command(
    name = "jatopic",
    version,
    about = "Japanese tokenization (MeCab/IPADIC-compatible) and LDA topic models that run natively and inside BigQuery",
    after_help = "\
Examples:
  echo '手作りの革財布です' | jatopic tokenize --output mecab
  jatopic train --k 50 --out model.jtm --input-format ndjson items.ndjson
  jatopic infer --model model.jtm items.ndjson
  jatopic package --out pkg --gcs-prefix gs://BUCKET/jatopic --dataset PROJECT.DATASET --model model.jtm

Offsets are Unicode code points everywhere. `jatopic help COMMAND` shows a command's options.
Exit status: 0 success, 1 failure (file unreadable or damaged), 2 usage or unusable input.",
    propagate_version = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Tokenize(tokenize::TokenizeArgs),
    BuildDict(build_dict::BuildDictArgs),
    Eval(eval::EvalArgs),
    DictInfo(dict_info::DictInfoArgs),
    Train(train::TrainArgs),
    Infer(infer::InferArgs),
    Topics(topics::TopicsArgs),
    Terms(terms::TermsArgs),
    Vocab(vocab::VocabArgs),
    Sample(sample::SampleArgs),
    Package(package::PackageArgs),
    Completions(completions::CompletionsArgs),
}

/// Parses the command line, runs the command, reports the outcome.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // Help and --version print and exit 0; usage errors print one error,
        // the usage line and a pointer to --help, and exit 2.
        Err(e) => e.exit(),
    };
    let result = match cli.command {
        Command::Tokenize(a) => tokenize::run(a),
        Command::BuildDict(a) => build_dict::run(a),
        Command::Eval(a) => eval::run(a),
        Command::DictInfo(a) => dict_info::run(a),
        Command::Train(a) => train::run(a),
        Command::Infer(a) => infer::run(a),
        Command::Topics(a) => topics::run(a),
        Command::Terms(a) => terms::run(a),
        Command::Vocab(a) => vocab::run(a),
        Command::Sample(a) => sample::run(a),
        Command::Package(a) => package::run(a),
        Command::Completions(a) => completions::run(a, &mut Cli::command()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("jatopic: {e}");
            match e.kind() {
                ErrorKind::Input => {
                    eprintln!("hint: `jatopic help` lists the commands, `jatopic COMMAND --help` their options");
                    ExitCode::from(EXIT_USAGE)
                }
                _ => ExitCode::from(EXIT_FAILURE),
            }
        }
    }
}
