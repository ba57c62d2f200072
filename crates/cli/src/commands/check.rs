use std::collections::HashSet;
use std::path::PathBuf;
use std::process::ExitCode;

use socfeed_feed::attack::AttackMatrix;
use socfeed_sigma::check::{check_files, CheckOptions, Severity};

use crate::RulePaths;

#[derive(clap::Args)]
pub struct Args {
    /// An ATT&CK STIX bundle (enterprise-attack.json): tags naming techniques, tactics,
    /// groups or software it does not contain are reported.
    #[arg(long, value_name = "FILE")]
    attack: Option<PathBuf>,

    #[command(flatten)]
    rules: RulePaths,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut options = CheckOptions::default();
    if let Some(matrix) = super::attack::load_optional(args.attack.as_deref())? {
        options.attack_ids = Some(attack_ids(&matrix));
    }

    let (files, list_errors) = super::read_rule_files(&args.rules.paths);
    let mut errors = list_errors.len();
    let mut warnings = 0;
    for error in &list_errors {
        println!("{error}");
    }

    for diagnostic in check_files(&files, &options) {
        match diagnostic.severity {
            Severity::Error => errors += 1,
            Severity::Warning => warnings += 1,
        }
        println!("{diagnostic}");
    }

    let documents: usize = files.iter().map(|f| f.documents.len()).sum();
    eprintln!(
        "checked {} files ({documents} documents): {errors} errors, {warnings} warnings",
        files.len()
    );
    Ok(if errors > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// Collects the ids a tag may name: techniques that are neither revoked nor deprecated,
/// and tactics.
fn attack_ids(matrix: &AttackMatrix) -> HashSet<String> {
    let techniques = matrix.techniques().filter(|t| t.is_active()).map(|t| t.id.clone());
    let tactics = matrix.tactics().iter().map(|t| t.id.clone());
    techniques.chain(tactics).collect()
}
