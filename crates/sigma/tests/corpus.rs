//! Reads the SigmaHQ rule set from `<workspace>/../shared/corpus/sigmahq`.
//!
//! The maintained folders must read without a single error; the historic ones
//! (deprecated, unsupported, …) only must not panic, and their error counts are printed.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use socfeed_sigma::check::{check_file, check_files, CheckOptions};
use socfeed_sigma::{find_rule_files, read_file, RuleFile};

fn shared_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    dir.is_dir().then_some(dir)
}

fn read_folder(folder: &Path) -> Vec<RuleFile> {
    let (paths, errors) = find_rule_files(&[folder.to_owned()]);
    assert!(errors.is_empty(), "{errors:?}");
    paths.iter().map(|path| read_file(path)).collect()
}

/// Document counts of the maintained folders at the corpus's SigmaHQ commit.
const TARGET_FOLDERS: [(&str, usize); 3] = [("rules", 3141), ("rules-emerging-threats", 473), ("rules-threat-hunting", 140)];

#[test]
fn maintained_rules_read_without_errors() {
    let Some(shared) = shared_dir() else {
        eprintln!("skipping: ../shared not found");
        return;
    };
    let corpus = shared.join("corpus/sigmahq");

    let started = Instant::now();
    let mut total = 0;
    for (folder, expected_documents) in TARGET_FOLDERS {
        let files = read_folder(&corpus.join(folder));
        let errors: Vec<String> = files.iter().flat_map(|f| &f.errors).map(ToString::to_string).collect();
        let documents: usize = files.iter().map(|f| f.documents.len()).sum();

        assert!(errors.is_empty(), "{folder}: {} errors, first: {}", errors.len(), errors[0]);
        assert_eq!(documents, expected_documents, "{folder}: documents read");
        eprintln!("{folder}: {} files, {documents} documents, 0 errors", files.len());
        total += documents;
    }
    eprintln!("read {total} documents in {:?} (build profile of this test run)", started.elapsed());
}

#[test]
fn maintained_rules_pass_the_checker() {
    let Some(shared) = shared_dir() else {
        eprintln!("skipping: ../shared not found");
        return;
    };
    let corpus = shared.join("corpus/sigmahq");
    let options = CheckOptions { attack_ids: Some(technique_ids(&shared)) };

    // All folders at once, so that an id used in two folders is found too.
    let files: Vec<RuleFile> = TARGET_FOLDERS.iter().flat_map(|(folder, _)| read_folder(&corpus.join(folder))).collect();
    for diagnostic in check_files(&files, &options) {
        // The ATT&CK files hold techniques only, so group, software and data
        // source ids are expected to be unknown here; anything else is a finding.
        let other_id = diagnostic.code == "W104" && ["`attack.g", "`attack.s", "`attack.ds"].iter().any(|p| diagnostic.message.contains(p));
        assert!(other_id, "unexpected diagnostic: {diagnostic}");
    }
}

/// Technique ids of ATT&CK 18.1 plus those new in v19.
fn technique_ids(shared: &Path) -> HashSet<String> {
    let attack = shared.join("data/attack");
    let mut ids = HashSet::new();
    for (file, list) in [("enterprise-attack-18.1-compact.json", "techniques"), ("enterprise-attack-19-supplement.json", "new_techniques")] {
        let text = std::fs::read_to_string(attack.join(file)).unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        for technique in json[list].as_array().unwrap() {
            ids.insert(technique["id"].as_str().unwrap().to_owned());
        }
    }
    ids
}

#[test]
fn historic_folders_do_not_panic() {
    let Some(shared) = shared_dir() else {
        eprintln!("skipping: ../shared not found");
        return;
    };
    let corpus = shared.join("corpus/sigmahq");

    for folder in ["deprecated", "unsupported", "rules-placeholder", "rules-compliance", "rules-dfir"] {
        let files = read_folder(&corpus.join(folder));
        let documents: usize = files.iter().map(|f| f.documents.len()).sum();
        let errors: usize = files.iter().map(|f| f.errors.len()).sum();
        let diagnostics: usize = files.iter().map(|f| check_file(f, &CheckOptions::default()).len()).sum();
        eprintln!("{folder}: {} files, {documents} documents, {errors} errors, {diagnostics} diagnostics", files.len());
    }
}
