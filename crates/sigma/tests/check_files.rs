//! Checks across files: duplicate ids.

use std::path::Path;

use socfeed_sigma::check::{check_file, check_files, duplicate_ids, CheckOptions, Severity};
use socfeed_sigma::{read_str, RuleFile, Span};

fn rule_file(path: &str, text: &str) -> RuleFile {
    let file = read_str(Path::new(path), text.to_owned());
    assert!(file.errors.is_empty(), "{path}: {:?}", file.errors);
    file
}

fn rule_with_id(title: &str, id: &str) -> String {
    format!("title: {title}\nid: {id}\nlevel: low\nlogsource:\n    product: windows\ndetection:\n    s:\n        a: 1\n    condition: s\n")
}

const ID_A: &str = "5f0c1a4e-6f55-4a4b-9a0c-0d8f1e2b3c41";
const ID_B: &str = "7e2d3b5f-8a66-4b5c-8b1d-1e9a2f3c4d52";

#[test]
fn duplicate_id_across_files_is_reported() {
    let files = [
        rule_file("a.yml", &rule_with_id("A", ID_A)),
        rule_file("b.yml", &rule_with_id("B", ID_B)),
        rule_file("c.yml", &rule_with_id("C", ID_A)),
        rule_file("d.yml", &rule_with_id("D", ID_A)),
    ];
    let warnings = duplicate_ids(&files);

    assert_eq!(warnings.len(), 2, "{warnings:?}");
    for (warning, path) in warnings.iter().zip(["c.yml", "d.yml"]) {
        assert_eq!(warning.code, "W113");
        assert_eq!(warning.severity, Severity::Warning);
        assert_eq!(warning.path, Path::new(path));
        assert_eq!(warning.span, Some(Span::new(2, 5)));
        assert_eq!(warning.message, format!("`id` `{ID_A}` is already used by the document at a.yml:2:5"));
    }
}

#[test]
fn global_collection_shares_its_id() {
    let collection = format!(
        "action: global\ntitle: Shared\nid: {ID_A}\nlevel: low\ndetection:\n    s:\n        a: 1\n    condition: s\n---\nlogsource:\n    product: windows\n---\nlogsource:\n    product: linux\n"
    );
    let files = [rule_file("collection.yml", &collection)];
    assert_eq!(files[0].documents.len(), 2);
    assert!(duplicate_ids(&files).is_empty());
}

#[test]
fn duplicate_id_within_a_file_is_reported() {
    let text = format!("{}---\n{}", rule_with_id("A", ID_A), rule_with_id("A again", ID_A));
    let files = [rule_file("twice.yml", &text)];
    let warnings = duplicate_ids(&files);

    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].span, Some(Span::new(12, 5)));
    assert!(warnings[0].message.ends_with("twice.yml:2:5"), "{}", warnings[0].message);
}

#[test]
fn check_files_merges_per_file() {
    let files = [
        rule_file("a.yml", &rule_with_id("A", ID_A)),
        rule_file("b.yml", "title: B\nlogsource:\n    product: windows\ndetection:\n    s:\n        a: 1\n    condition: s\n"),
        rule_file("c.yml", &format!("title: C\nid: {ID_A}\nlogsource:\n    product: windows\ndetection:\n    s:\n        a: 1\n    condition: s\n")),
    ];
    let diagnostics = check_files(&files, &CheckOptions::default());
    let rendered: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();

    let expected = [
        "b.yml:1:1: W106 the document has no `id`; add a random UUID".to_owned(),
        "b.yml:1:1: W110 the rule has no `level`".to_owned(),
        "c.yml:1:1: W110 the rule has no `level`".to_owned(),
        format!("c.yml:2:5: W113 `id` `{ID_A}` is already used by the document at a.yml:2:5"),
    ];
    assert_eq!(rendered, expected);

    let single: Vec<_> = files.iter().flat_map(|file| check_file(file, &CheckOptions::default())).collect();
    assert_eq!(single.len(), diagnostics.len() - 1, "check_file adds no cross-file warning");
}
