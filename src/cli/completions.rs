//! `jatopic completions`: shell completion scripts.

use clap::Args;
use clap_complete::Shell;
use jatopic::Result;

/// Print a shell completion script
#[derive(Args)]
#[command(after_help = "\
Examples:
  jatopic completions bash > ~/.local/share/bash-completion/completions/jatopic
  jatopic completions zsh > ~/.zfunc/_jatopic
  jatopic completions fish > ~/.config/fish/completions/jatopic.fish")]
pub struct CompletionsArgs {
    /// The shell
    shell: Shell,
}

pub fn run(args: CompletionsArgs, command: &mut clap::Command) -> Result<()> {
    clap_complete::generate(args.shell, command, "jatopic", &mut std::io::stdout());
    Ok(())
}
