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

/// Every regression case under the corpus, failing the test on an unreadable `info.yml`.
pub fn regression_cases(corpus: &std::path::Path) -> Vec<socfeed_hunt::regression::Case> {
    let (cases, errors) = socfeed_hunt::regression::find_cases(&corpus.join("sigmahq/regression_data"));
    assert!(errors.is_empty(), "{errors:?}");
    cases
}
