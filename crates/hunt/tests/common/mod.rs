//! Helpers shared by the integration tests: the shared corpus and rule loading.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use socfeed_hunt::{RuleFilter, RuleSet, Scanner, TimeWindow};
use socfeed_sigma::{read_str, Document};

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

/// Every regression case under the corpus, failing the test on an unreadable `info.yml`.
pub fn regression_cases(corpus: &std::path::Path) -> Vec<socfeed_hunt::regression::Case> {
    let (cases, errors) = socfeed_hunt::regression::find_cases(&corpus.join("sigmahq/regression_data"));
    assert!(errors.is_empty(), "{errors:?}");
    cases
}

/// Reads the rules of `text` as the file `name` and compiles them with `filter`, failing the
/// test on a read error.
pub fn compile_rules(name: &str, text: String, filter: &RuleFilter) -> RuleSet {
    let file = read_str(Path::new(name), text);
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    let rules = file
        .documents
        .into_iter()
        .filter_map(|d| match d {
            Document::Rule(rule) => Some((PathBuf::from(name), *rule)),
            _ => None,
        })
        .collect();
    RuleSet::compile(rules, filter)
}
