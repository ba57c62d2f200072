//! Diagnostics for small bad rules, compared with reviewed snapshots.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use socfeed_sigma::check::{check_file, CheckOptions, Severity};
use socfeed_sigma::{find_rule_files, read_file, Span};

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check")
}

/// Renders the diagnostics of every fixture, with paths relative to the crate.
fn render_all(options: &CheckOptions) -> String {
    let (files, errors) = find_rule_files(&[fixture_dir()]);
    assert!(errors.is_empty(), "{errors:?}");

    let mut lines = Vec::new();
    for path in files {
        let relative = path.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap().to_owned();
        let mut file = read_file(&path);
        file.path = relative.clone();
        for error in &mut file.errors {
            error.path = relative.clone();
        }
        lines.extend(check_file(&file, options).iter().map(ToString::to_string));
    }
    lines.join("\n")
}

#[test]
fn diagnostics_of_bad_rules() {
    let attack_ids: HashSet<String> = ["T1059".to_owned(), "T1059.001".to_owned()].into();
    let options = CheckOptions { attack_ids: Some(attack_ids) };
    insta::assert_snapshot!(render_all(&options));
}

#[test]
fn every_code_is_exercised() {
    let attack_ids: HashSet<String> = ["T1059".to_owned()].into();
    let options = CheckOptions { attack_ids: Some(attack_ids) };
    let rendered = render_all(&options);

    let expected = [
        "E002", "E004", "E005", "E006", "E007", "E008", "E009", "E010", "E011", "E012", "E013", "W101", "W102",
        "W103", "W104", "W105", "W106", "W107", "W108", "W109", "W110", "W111", "W112",
    ];
    for code in expected {
        assert!(rendered.contains(&format!(" {code} ")), "no diagnostic with code {code}");
    }
}

#[test]
fn read_errors_are_error_severity() {
    let file = read_file(&fixture_dir().join("unknown_modifier.yml"));
    let diagnostics = check_file(&file, &CheckOptions::default());
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(diagnostics[0].severity, Severity::Error);
    assert_eq!(diagnostics[0].code, "E010");
}

#[test]
fn without_attack_ids_no_id_is_unknown() {
    let file = read_file(&fixture_dir().join("bad_tags.yml"));
    let diagnostics = check_file(&file, &CheckOptions::default());
    assert!(diagnostics.iter().all(|d| d.code != "W104"), "{diagnostics:?}");
    assert!(diagnostics.iter().any(|d| d.code == "W105"));
}

#[test]
fn tag_warning_points_at_the_tag() {
    let file = read_file(&fixture_dir().join("tag_named_in_title.yml"));
    let diagnostics = check_file(&file, &CheckOptions::default());
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0].code, "W103");
    assert_eq!(diagnostics[0].span, Some(Span::new(7, 7)));
}

#[test]
fn escaped_id_warning_points_at_the_id() {
    let file = read_file(&fixture_dir().join("id_with_escape.yml"));
    let diagnostics = check_file(&file, &CheckOptions::default());
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0].code, "W107");
    assert_eq!(diagnostics[0].span, Some(Span::new(2, 5)));
}

#[test]
fn empty_files_get_a_warning() {
    for name in ["empty.yml", "only_separator.yml"] {
        let file = read_file(&fixture_dir().join(name));
        let diagnostics = check_file(&file, &CheckOptions::default());
        assert_eq!(diagnostics.len(), 1, "{name}: {diagnostics:?}");
        assert_eq!(diagnostics[0].code, "W112", "{name}");
        assert_eq!(diagnostics[0].severity, Severity::Warning, "{name}");
    }
}
