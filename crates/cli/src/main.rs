//! `socfeed`: Sigma rules to checked KQL queries and a browsable SOC feed.

mod commands;
mod logging;

// Rule loading and the hunt allocate many small strings and vectors on every thread.
// With mimalloc, a full hunt over the SigmaHQ rules and the EVTX attack samples took
// about 15% less CPU time than with glibc's allocator (bench/hunt.sh, 2-core machine).
// Transparent huge pages stay off (`no_thp`): with them, peak memory nearly doubled.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "socfeed", version, about = "Sigma rules to checked KQL queries and a SOC feed")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check Sigma rules and report errors and suspect constructs.
    ///
    /// Prints one line per finding, `path:line:col: CODE message`. E codes are errors: the
    /// rule cannot be used as written. W codes are warnings about rules that read but look
    /// wrong. Exit status: 0 when no rule has an error, 1 when one has, 2 when the command
    /// itself fails.
    Check(commands::check::Args),
    /// Convert Sigma rules to KQL queries for a target.
    ///
    /// Each query goes to standard output; each rule without a faithful query is listed on
    /// standard error with the reason. Exit status: 0, or 1 when a rule file cannot be read.
    Convert(commands::convert::Args),
    /// Build the SOC feed: a static site with a page per rule and an ATT&CK coverage page.
    ///
    /// A rule that cannot be read does not stop the build: it is listed in the summary and
    /// on errors.html, and the exit status stays 0. The exit status is 2 when the site
    /// cannot be written.
    Build(commands::build::Args),
    /// Serve a built feed on 127.0.0.1.
    Serve(commands::serve::Args),
    /// Run Sigma rules against Windows event logs (EVTX) and JSON logs.
    ///
    /// Detections go to standard output, the summary to standard error. A file or record
    /// that cannot be read is listed as a warning and the hunt goes on with the others.
    /// Exit status: 0 when at least one event file was read, even with no detection. It is
    /// 2 when no event file could be read or found, or when the command itself fails.
    Hunt(commands::hunt::Args),
    /// Run SigmaHQ's regression cases: each rule must fire on its recorded events.
    TestRules(commands::test_rules::Args),
    /// Manage the ATT&CK data used for enrichment.
    #[command(subcommand)]
    Attack(commands::attack::Command),
}

fn main() -> ExitCode {
    logging::init();

    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => commands::check::run(args),
        Command::Convert(args) => commands::convert::run(args),
        Command::Build(args) => commands::build::run(args),
        Command::Serve(args) => commands::serve::run(args),
        Command::Hunt(args) => commands::hunt::run(args),
        Command::TestRules(args) => commands::test_rules::run(args),
        Command::Attack(command) => commands::attack::run(command),
    };

    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {}", error_chain(&error));
            ExitCode::from(2)
        }
    }
}

/// Joins an error and its causes with `: `, leaving out a cause whose text the message
/// before it already contains (many library errors print their source themselves).
fn error_chain(error: &anyhow::Error) -> String {
    let mut message = error.to_string();
    let mut previous = message.clone();
    for cause in error.chain().skip(1) {
        let text = cause.to_string();
        if !previous.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        previous = text;
    }
    message
}

/// Paths given on the command line, for subcommands that read rules.
#[derive(clap::Args)]
struct RulePaths {
    /// Rule files or folders (searched recursively for .yml and .yaml files).
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
}
