//! Reading time must grow about linearly with the size of a rule.
//!
//! Each bound is far above what a linear reader needs, even in a debug build on a busy
//! machine, and far below the time a reader quadratic in the input size takes here.

use std::path::Path;
use std::time::{Duration, Instant};

use socfeed_sigma::{read_str, Condition, Document, ReadErrorKind, RuleFile};

const BOUND: Duration = Duration::from_secs(3);

fn rule_with_condition(condition: &str) -> String {
    format!("title: T\nlogsource:\n    product: windows\ndetection:\n    selection:\n        Image: x\n    condition: {condition}\n")
}

fn timed_read(text: String) -> (RuleFile, Duration) {
    let started = Instant::now();
    let file = read_str(Path::new("scale.yml"), text);
    (file, started.elapsed())
}

#[test]
fn long_condition_reads_in_linear_time() {
    let condition = vec!["selection"; 20_000].join(" or ");
    let (file, elapsed) = timed_read(rule_with_condition(&condition));

    assert!(file.errors.is_empty(), "{:?}", file.errors);
    let Some(Document::Rule(rule)) = file.documents.first() else { panic!("expected a rule") };
    let Condition::Or(terms) = &rule.detection.conditions[0].expr else { panic!("expected an `or`") };
    assert_eq!(terms.len(), 20_000);
    assert!(elapsed < BOUND, "a {} KB condition took {elapsed:?}", condition.len() / 1000);
}

#[test]
fn long_not_chain_fails_fast() {
    let condition = format!("{}selection", "not ".repeat(50_000));
    let (file, elapsed) = timed_read(rule_with_condition(&condition));

    assert_eq!(file.errors.len(), 1, "{:?}", file.errors);
    assert!(file.errors[0].message.contains("nests deeper"), "{}", file.errors[0].message);
    assert!(elapsed < BOUND, "a {} KB `not` chain took {elapsed:?}", condition.len() / 1000);
}

#[test]
fn long_folded_condition_reads_in_linear_time() {
    let lines: Vec<String> = (0..5_000).map(|_| "        selection or selection or".to_owned()).collect();
    let text = format!(
        "title: T\nlogsource:\n    product: windows\ndetection:\n    selection:\n        Image: x\n    condition: >\n{}\n        selection\n",
        lines.join("\n")
    );
    let (file, elapsed) = timed_read(text);

    assert!(file.errors.is_empty(), "{:?}", file.errors);
    assert!(elapsed < BOUND, "a folded condition of 5000 lines took {elapsed:?}");
}

fn rule_with_selections(count: usize, condition: &str) -> String {
    let selections: String = (0..count).map(|i| format!("    sel{i}:\n        a: {i}\n")).collect();
    format!("title: T\nlogsource:\n    product: windows\ndetection:\n{selections}    condition: {condition}\n")
}

#[test]
fn many_selections_named_in_condition() {
    let count = 20_000;
    let condition = (0..count).map(|i| format!("sel{i}")).collect::<Vec<_>>().join(" or ");
    let (file, elapsed) = timed_read(rule_with_selections(count, &condition));

    assert!(file.errors.is_empty(), "{:?}", file.errors);
    assert_eq!(file.documents.len(), 1);
    assert!(elapsed < BOUND, "{count} selections took {elapsed:?}");

    let started = Instant::now();
    let diagnostics = socfeed_sigma::check::check_file(&file, &Default::default());
    assert!(diagnostics.iter().all(|d| d.code != "W101"), "{:?}", &diagnostics[..1]);
    assert!(started.elapsed() < BOUND, "checking {count} selections took {:?}", started.elapsed());
}

#[test]
fn many_of_targets_hit_the_expansion_limit() {
    let condition = vec!["1 of sel1*"; 600].join(" or ");
    let (file, elapsed) = timed_read(rule_with_selections(20_000, &condition));

    assert_eq!(file.errors.len(), 1, "{:?}", file.errors);
    assert_eq!(file.errors[0].kind, ReadErrorKind::TooComplex);
    assert!(file.errors[0].message.contains("split the rule"), "{}", file.errors[0].message);
    assert!(elapsed < BOUND, "600 `of` targets took {elapsed:?}");

    let (file, _) = timed_read(rule_with_selections(20_000, &vec!["1 of sel1*"; 400].join(" or ")));
    assert!(file.errors.is_empty(), "{:?}", file.errors);
}

#[test]
fn map_with_many_keys_reads_in_linear_time() {
    let fields: String = (0..20_000).map(|i| format!("        Field{i}: v{i}\n")).collect();
    let text = format!("title: T\nlogsource:\n    product: windows\ndetection:\n    selection:\n{fields}    condition: selection\n");
    let (file, elapsed) = timed_read(text);

    assert!(file.errors.is_empty(), "{:?}", file.errors);
    assert!(elapsed < BOUND, "a selection of 20000 fields took {elapsed:?}");
}

#[test]
fn many_anchors_and_aliases_read_in_linear_time() {
    let anchors: String = (0..20_000).map(|i| format!("x_a{i}: &a{i} v\n")).collect();
    let aliases: String = (0..20_000).map(|i| format!("x_b{i}: *a{i}\n")).collect();
    let text = format!("{}{anchors}{aliases}", rule_with_condition("selection"));
    let (file, elapsed) = timed_read(text);

    assert!(file.errors.is_empty(), "{:?}", file.errors);
    assert_eq!(file.documents[0].meta().custom.len(), 40_000);
    assert!(elapsed < BOUND, "20000 anchors and aliases took {elapsed:?}");
}

#[test]
fn node_limit_counts_each_node_once() {
    // 250,000 values five levels deep: under the limit of one million nodes, although
    // counting each node once per enclosing level would exceed it.
    let values: String = (0..250_000).map(|i| format!("            - v{i}\n")).collect();
    let text = format!("title: T\nlogsource:\n    product: windows\ndetection:\n    selection:\n        Image:\n{values}    condition: selection\n");
    let (file, elapsed) = timed_read(text);

    assert!(file.errors.is_empty(), "{:?}", file.errors);
    let Some(Document::Rule(rule)) = file.documents.first() else { panic!("expected a rule") };
    assert_eq!(rule.detection.selections[0].groups[0].items[0].values.len(), 250_000);
    assert!(elapsed < BOUND, "250000 values took {elapsed:?}");
}
