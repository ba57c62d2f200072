//! `socfeed`: Sigma rules to checked KQL queries and a browsable SOC feed.

mod commands;

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
    Check(commands::check::Args),
    /// Convert Sigma rules to KQL queries for a target.
    Convert(commands::convert::Args),
    /// Build the SOC feed: a static site with a page per rule and an ATT&CK coverage page.
    Build(commands::build::Args),
    /// Serve a built feed on 127.0.0.1.
    Serve(commands::serve::Args),
    /// Run Sigma rules against Windows event logs (EVTX) and JSON logs.
    Hunt(commands::hunt::Args),
    /// Run SigmaHQ's regression cases: each rule must fire on its recorded events.
    TestRules(commands::test_rules::Args),
    /// Manage the ATT&CK data used for enrichment.
    #[command(subcommand)]
    Attack(commands::attack::Command),
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SOCFEED_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();

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
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}

/// Paths given on the command line, for subcommands that read rules.
#[derive(clap::Args)]
struct RulePaths {
    /// Rule files or folders (searched recursively for .yml and .yaml files).
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
}
