//! Helpers shared by the integration tests: the shared corpus and rule loading.

#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;

use socfeed_hunt::{RuleFilter, RuleSet, Scanner, TimeWindow};

/// Returns `<workspace root>/../shared/corpus`, or `None` (after printing why) when absent.
pub fn corpus() -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    if path.is_dir() {
        Some(path)
    } else {
        eprintln!("skipping: ../shared not found");
        None
    }
}

/// The SigmaHQ rule folders that hold the Windows rules.
pub fn rule_folders(corpus: &std::path::Path) -> Vec<PathBuf> {
    ["rules", "rules-emerging-threats", "rules-threat-hunting"].iter().map(|f| corpus.join("sigmahq").join(f)).collect()
}

pub fn scanner_for(paths: &[PathBuf]) -> Arc<Scanner> {
    Scanner::new(RuleSet::load(paths, &RuleFilter::default()), TimeWindow::default())
}

/// One regression case: the rule id that must fire and the event files beside `info.yml`.
pub struct Case {
    pub folder: PathBuf,
    pub rule_id: String,
    pub files: Vec<PathBuf>,
}

/// Reads every `info.yml` under `regression_data`, sorted by folder.
pub fn regression_cases(corpus: &std::path::Path) -> Vec<Case> {
    let root = corpus.join("sigmahq/regression_data");
    let mut infos = Vec::new();
    collect_infos(&root, &mut infos);
    infos.sort();

    let mut cases = Vec::new();
    for info in infos {
        let text = std::fs::read_to_string(&info).unwrap_or_default();
        let docs = yaml_rust2::YamlLoader::load_from_str(&text).unwrap_or_default();
        let rule_id = docs.first().and_then(|doc| doc["rule_metadata"][0]["id"].as_str()).map(str::to_owned);
        let Some(rule_id) = rule_id else { panic!("{}: no rule_metadata id", info.display()) };
        let folder = info.parent().map(PathBuf::from).unwrap_or_default();
        let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "evtx" || e == "json"))
            .collect();
        files.sort();
        cases.push(Case { folder, rule_id, files });
    }
    cases
}

fn collect_infos(dir: &std::path::Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_infos(&path, out);
        } else if path.file_name().is_some_and(|n| n == "info.yml") {
            out.push(path);
        }
    }
}
