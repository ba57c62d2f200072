use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use socfeed_feed::{build_site, BuildOptions, BuildReport};

use crate::RulePaths;

#[derive(clap::Args)]
pub struct Args {
    /// The folder to write the site to (created if missing).
    #[arg(short, long, value_name = "DIR")]
    out: PathBuf,

    /// An ATT&CK STIX bundle (MITRE's enterprise-attack.json). Without it the cached
    /// bundle from `socfeed attack update` is used; without either, pages show ATT&CK ids
    /// and tactics from the tags and mark the names as missing.
    #[arg(long, value_name = "FILE")]
    attack: Option<PathBuf>,

    /// A line such as a date, shown at the foot of each page. Without it, building the
    /// same rules twice gives byte-identical files.
    #[arg(long, value_name = "TEXT")]
    generated_at: Option<String>,

    /// Write into an output folder that contains files other than a socfeed site. Files
    /// with the names the build writes are replaced, and nothing else is deleted.
    #[arg(long)]
    force: bool,

    #[command(flatten)]
    rules: RulePaths,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let matrix = super::attack::load_optional(args.attack.as_deref())?;
    if matrix.is_none() {
        eprintln!("note: no ATT&CK bundle given or cached; pages show ids without names (see `socfeed attack update`)");
    }

    let report = build_site(&BuildOptions {
        out_dir: &args.out,
        rule_paths: &args.rules.paths,
        attack: matrix.as_ref(),
        generated_at: args.generated_at.as_deref(),
        force: args.force,
    })?;

    print_report(&report);
    eprintln!("wrote {} in {:.2} s", args.out.display(), started.elapsed().as_secs_f64());
    Ok(ExitCode::SUCCESS)
}

fn print_report(report: &BuildReport) {
    eprintln!(
        "{} files read, {} documents parsed, {} read errors",
        report.files_read,
        report.documents,
        report.errors.len()
    );
    for error in &report.errors {
        let place = match (error.line, error.column) {
            (Some(line), Some(column)) => format!("{}:{line}:{column}", error.path),
            _ => error.path.clone(),
        };
        eprintln!("  error: {place}: {}", error.message);
    }

    for duplicate in &report.duplicate_ids {
        eprintln!("  warning: {}", duplicate.message());
    }

    for (target, counts) in &report.targets {
        let refused: usize = counts.refused.values().sum();
        eprintln!(
            "{target}: {} converted, {refused} refused, {} not applicable (correlations and filters)",
            counts.converted, counts.skipped
        );
        for (reason, count) in &counts.refused {
            eprintln!("  refused {reason}: {count}");
        }
    }
}
