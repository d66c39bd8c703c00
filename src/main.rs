//! The `jatopic` command line: one file per command under `src/cli/`.
//! Exit status: 0 success, 1 failure (a file unreadable, unwritable or
//! damaged), 2 usage (a bad option, or input that cannot be used as given).

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
