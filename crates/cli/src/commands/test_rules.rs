use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rayon::prelude::*;
use socfeed_hunt::regression::{find_cases, run_case, Case};
use socfeed_hunt::{RuleFilter, RuleSet, Scanner, TimeWindow};

#[derive(clap::Args)]
pub struct Args {
    /// Rule files or folders; repeatable. Defaults to the `rules`, `rules-emerging-threats`
    /// and `rules-threat-hunting` folders beside each regression folder.
    #[arg(short = 'r', long = "rules", value_name = "RULES_PATH")]
    rules: Vec<PathBuf>,

    /// SigmaHQ `regression_data` folders: each `info.yml` names the rule that must fire on
    /// the `.evtx` and `.json` files beside it.
    #[arg(required = true, value_name = "REGRESSION_DATA")]
    folders: Vec<PathBuf>,

    /// Print only the cases that fail. Cases without an .evtx or .json file are skipped,
    /// not failed, and counted in the summary.
    #[arg(long)]
    failures_only: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let rule_paths = if args.rules.is_empty() { default_rule_paths(&args.folders) } else { args.rules.clone() };
    if rule_paths.is_empty() {
        anyhow::bail!("no rule folder found beside the regression folders: name one with -r");
    }
    let scanner = Scanner::new(RuleSet::load(&rule_paths, &RuleFilter::default()), TimeWindow::default());

    let mut cases = Vec::new();
    let mut errors = Vec::new();
    for folder in &args.folders {
        if !folder.is_dir() {
            anyhow::bail!("{}: not a folder", folder.display());
        }
        let (found, problems) = find_cases(folder);
        cases.extend(found);
        errors.extend(problems);
    }

    let results: Vec<_> = cases.par_iter().map(|case| (case, run_case(case, &scanner))).collect();

    let mut passed = 0;
    let mut failed = 0;
    let mut skipped = 0;
    println!("{:<6}  {:<36}  {:>6}  {}", "result", "rule id", "events", "file");
    for (case, file_results) in &results {
        let rule_loaded = scanner.rules.loaded.iter().any(|r| r.id.as_deref() == Some(case.rule_id.as_str()));
        // A case recorded only in a format the hunt does not read cannot fail or pass.
        if file_results.is_empty() {
            skipped += 1;
            if !args.failures_only {
                println!("{:<6}  {:<36}  {:>6}  {} ({})", "skip", case.rule_id, 0, case.folder.display(), skip_reason(case));
            }
            continue;
        }
        for result in file_results {
            let ok = result.fired && result.errors.is_empty();
            if ok {
                passed += 1;
            } else {
                failed += 1;
            }
            if ok && args.failures_only {
                continue;
            }
            let mut note = String::new();
            if !rule_loaded {
                note.push_str(" (rule not loaded)");
            }
            for error in &result.errors {
                note.push_str(&format!(" ({error})"));
            }
            let verdict = if ok { "pass" } else { "FAIL" };
            println!("{verdict:<6}  {:<36}  {:>6}  {}{note}", case.rule_id, result.events, result.file.display());
        }
    }

    for error in &errors {
        eprintln!("warning: {error}");
    }
    let skipped_cases = if skipped == 1 { "case" } else { "cases" };
    eprintln!("{} cases, {passed} files passed, {failed} failed, {skipped} {skipped_cases} skipped", cases.len());
    println!("{passed} passed, {failed} failed, {skipped} skipped");
    Ok(if failed > 0 || !errors.is_empty() { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// Builds the reason a case has nothing to run, naming the files it has instead.
fn skip_reason(case: &Case) -> String {
    let names: Vec<String> =
        case.other_files.iter().filter_map(|path| path.file_name()).map(|name| name.to_string_lossy().into_owned()).collect();
    if names.is_empty() {
        "skipped: no .evtx or .json event file".to_owned()
    } else {
        format!("skipped: no .evtx or .json event file, only {} in a format the hunt does not read", names.join(", "))
    }
}

/// Finds the SigmaHQ rule folders next to each regression folder.
fn default_rule_paths(folders: &[PathBuf]) -> Vec<PathBuf> {
    let mut paths = Vec::new();
    for folder in folders {
        let Some(root) = folder.canonicalize().ok().as_deref().and_then(Path::parent).map(Path::to_path_buf) else { continue };
        for name in ["rules", "rules-emerging-threats", "rules-threat-hunting"] {
            let candidate = root.join(name);
            if candidate.is_dir() && !paths.contains(&candidate) {
                paths.push(candidate);
            }
        }
    }
    paths
}
