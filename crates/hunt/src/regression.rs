//! SigmaHQ's regression cases: folders under `regression_data` whose `info.yml` names the
//! rule that must fire on the `.evtx` and `.json` files beside it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::hunt::{scan_file, Scanner};

/// One regression case.
#[derive(Debug, Clone)]
pub struct Case {
    pub folder: PathBuf,
    pub rule_id: String,
    pub rule_title: Option<String>,
    /// The event files of the case (`.evtx` and `.json`), sorted.
    pub files: Vec<PathBuf>,
    /// The other files beside `info.yml`, sorted: events in formats the hunt does not read,
    /// such as the `.raw` text logs of network device rules.
    pub other_files: Vec<PathBuf>,
}

/// The result of running one event file of a case.
#[derive(Debug, Clone)]
pub struct CaseResult {
    pub file: PathBuf,
    pub events: u64,
    pub fired: bool,
    /// Read errors of the event file.
    pub errors: Vec<String>,
}

/// Finds the cases under `root` (each `info.yml`, at any depth), sorted by folder. An
/// `info.yml` that cannot be read or names no rule id becomes an error message.
pub fn find_cases(root: &Path) -> (Vec<Case>, Vec<String>) {
    let mut infos = Vec::new();
    collect_infos(root, &mut infos);
    infos.sort();

    let mut cases = Vec::new();
    let mut errors = Vec::new();
    for info in infos {
        match read_case(&info) {
            Ok(case) => cases.push(case),
            Err(message) => errors.push(format!("{}: {message}", info.display())),
        }
    }
    (cases, errors)
}

fn read_case(info: &Path) -> Result<Case, String> {
    let text = std::fs::read_to_string(info).map_err(|e| format!("cannot read: {e}"))?;
    let docs = yaml_rust2::YamlLoader::load_from_str(&text).map_err(|e| format!("invalid YAML: {e}"))?;
    let doc = docs.first().ok_or("the file is empty")?;
    let rule = &doc["rule_metadata"][0];
    let rule_id = rule["id"].as_str().ok_or("`rule_metadata` names no rule id")?.to_owned();

    let folder = info.parent().map(Path::to_path_buf).unwrap_or_default();
    let entries = std::fs::read_dir(&folder).map_err(|e| format!("cannot list the folder: {e}"))?;
    let (mut files, mut other_files): (Vec<PathBuf>, Vec<PathBuf>) = entries
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.is_file() && path.as_path() != info)
        .partition(|path| path.extension().is_some_and(|e| e == "evtx" || e == "json"));
    files.sort();
    other_files.sort();

    Ok(Case { folder, rule_id, rule_title: rule["title"].as_str().map(str::to_owned), files, other_files })
}

fn collect_infos(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_infos(&path, out);
        } else if path.file_name().is_some_and(|n| n == "info.yml") {
            out.push(path);
        }
    }
}

/// Runs a case: scans each of its files and checks that its rule fires.
pub fn run_case(case: &Case, scanner: &Arc<Scanner>) -> Vec<CaseResult> {
    case.files
        .iter()
        .map(|file| {
            let outcome = scan_file(file, scanner, 1);
            CaseResult {
                file: file.clone(),
                events: outcome.events,
                fired: outcome.detections.iter().any(|d| d.rule.id.as_deref() == Some(case.rule_id.as_str())),
                errors: outcome.errors.iter().map(ToString::to_string).collect(),
            }
        })
        .collect()
}
