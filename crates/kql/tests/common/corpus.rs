//! The SigmaHQ rule corpus of the shared data folder, read once per test.

use std::path::{Path, PathBuf};

use socfeed_sigma::{Document, Rule};

/// Rule folders converted, under `sigmahq/` of the shared corpus.
pub const FOLDERS: &[&str] = &["rules", "rules-emerging-threats", "rules-threat-hunting"];

/// The shared data folder beside the workspace, when it is there.
pub fn shared_root() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    root.is_dir().then_some(root)
}

/// Reads every rule of the corpus folders, in path order, with the path relative to
/// `sigmahq/`.
pub fn read_rules(shared: &Path) -> Vec<(String, Rule)> {
    let root = shared.join("corpus/sigmahq");
    let folders: Vec<PathBuf> = FOLDERS.iter().map(|folder| root.join(folder)).collect();
    let (files, errors) = socfeed_sigma::find_rule_files(&folders);
    assert!(errors.is_empty(), "cannot list the corpus: {errors:?}");

    let mut rules = Vec::new();
    for path in files {
        let name = path.strip_prefix(&root).unwrap_or(&path).display().to_string();
        let file = socfeed_sigma::read_file(&path);
        for document in file.documents {
            if let Document::Rule(rule) = document {
                rules.push((name.clone(), *rule));
            }
        }
    }
    rules
}
