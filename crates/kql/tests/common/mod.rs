//! Helpers shared by the integration tests: read a small YAML rule and convert it.
#![allow(dead_code)] // Each test file uses a different subset.

use std::path::Path;

use socfeed_kql::{backend, Conversion, Refusal};
use socfeed_sigma::Document;

/// Reads one rule from YAML text, failing the test on read errors.
pub fn rule(text: &str) -> socfeed_sigma::Rule {
    let file = socfeed_sigma::read_str(Path::new("test.yml"), text.to_string());
    assert!(file.errors.is_empty(), "read errors: {:?}", file.errors);
    match file.documents.into_iter().next() {
        Some(Document::Rule(rule)) => *rule,
        other => panic!("expected one rule, got {other:?}"),
    }
}

pub fn convert(text: &str) -> Result<Conversion, Refusal> {
    convert_to("sentinel-asim", text)
}

/// Converts one rule from YAML text with the named target.
pub fn convert_to(target: &str, text: &str) -> Result<Conversion, Refusal> {
    backend(target).unwrap_or_else(|| panic!("target {target} exists")).convert(&rule(text))
}

/// Renders the `sentinel-asim` conversion of a rule as snapshot text.
pub fn render(text: &str) -> String {
    render_to("sentinel-asim", text)
}

/// Renders the query and caveats of a conversion, or the refusal, as snapshot text.
pub fn render_to(target: &str, text: &str) -> String {
    match convert_to(target, text) {
        Ok(conversion) => {
            let mut out = conversion.query;
            for caveat in &conversion.caveats {
                out.push_str("\n// caveat: ");
                out.push_str(caveat);
            }
            out
        }
        Err(refusal) => format!(
            "refused: {} subject={:?} logsource={}\n{}",
            refusal.reason.code(),
            refusal.subject,
            refusal.logsource,
            refusal.message
        ),
    }
}

/// Builds the YAML of a rule from its `logsource` and `detection` blocks.
pub fn rule_text(logsource: &str, detection: &str) -> String {
    let indent = |block: &str| block.lines().map(|l| format!("    {l}\n")).collect::<String>();
    format!("title: Test\nlogsource:\n{}detection:\n{}", indent(logsource), indent(detection))
}

pub mod corpus;
pub mod harness;
