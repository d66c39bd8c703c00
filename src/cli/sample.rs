//! `jatopic sample`: a SYNTHETIC catalog and browsing log for demos and tests.

use clap::Args;
use jatopic::sample::{generate, write_sample, SampleConfig};
use jatopic::Result;

/// Write a synthetic handmade-goods catalog (items.ndjson) and browsing log (views.ndjson)
#[derive(Args)]
#[command(after_help = "\
Examples:
  jatopic sample --out build/sample
  jatopic sample --out build/big --items 100000 --users 10000 --seed 7

Everything is invented; the same options always give identical files.")]
pub struct SampleArgs {
    /// Output directory
    #[arg(long, value_name = "DIR")]
    out: String,
    /// Seed of every random choice
    #[arg(long, default_value_t = SampleConfig::default().seed)]
    seed: u64,
    /// Number of catalog items (1..=10,000,000)
    #[arg(long, default_value_t = SampleConfig::default().items)]
    items: usize,
    /// Number of users (1..=1,000,000)
    #[arg(long, default_value_t = SampleConfig::default().users)]
    users: usize,
    /// Length of the browsing window in days (1..=3650)
    #[arg(long, default_value_t = SampleConfig::default().days)]
    days: u32,
    /// Views per user, MIN,MAX
    #[arg(long, value_name = "MIN,MAX", value_parser = parse_views)]
    views: Option<(usize, usize)>,
}

fn parse_views(v: &str) -> std::result::Result<(usize, usize), String> {
    v.split_once(',')
        .and_then(|(a, b)| Some((a.trim().parse().ok()?, b.trim().parse().ok()?)))
        .ok_or_else(|| "expected MIN,MAX (e.g. 8,30)".into())
}

pub fn run(args: SampleArgs) -> Result<()> {
    let cfg = SampleConfig {
        seed: args.seed,
        items: args.items,
        users: args.users,
        days: args.days,
        views_per_user: args.views.unwrap_or(SampleConfig::default().views_per_user),
    };
    let sample = generate(&cfg)?;
    write_sample(std::path::Path::new(&args.out), &sample, &cfg)?;
    eprintln!(
        "jatopic: wrote SYNTHETIC sample data to {}: {} items (items.ndjson), {} views by {} users (views.ndjson), seed {}",
        args.out,
        sample.items.len(),
        sample.views.len(),
        cfg.users,
        cfg.seed
    );
    Ok(())
}
