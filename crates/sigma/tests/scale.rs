//! Reading time must grow about linearly with the size of a rule.
//!
//! Each bound is far above what a linear reader needs, even in a debug build on a busy
//! machine, and far below the time a reader quadratic in the line length takes here.

use std::path::Path;
use std::time::{Duration, Instant};

use socfeed_sigma::{read_str, Condition, Document, RuleFile};

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
