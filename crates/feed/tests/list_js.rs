//! The list page's filters, run with Node.js against a stand-in DOM (skipped without `node`).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use socfeed_feed::{build_site, BuildOptions};

fn harness() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/js/list_harness.js")
}

fn node_available() -> bool {
    let found = Command::new("node").arg("--version").output().is_ok_and(|o| o.status.success());
    if !found {
        eprintln!("skipping: node not found");
    }
    found
}

fn build(out_dir: &Path) {
    let rule_paths = vec![PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data")];
    let options = BuildOptions { out_dir, rule_paths: &rule_paths, attack: None, generated_at: None, force: false };
    build_site(&options).unwrap();
}

/// Runs list.js with `search` as the page's query string.
fn list(site: &Path, search: &str) -> Value {
    let output = Command::new("node").arg(harness()).arg(site).arg(search).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "node failed: {stderr}");
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stdout)))
}

#[test]
fn url_filters_ignore_case() {
    if !node_available() {
        return;
    }
    let out = tempfile::tempdir().unwrap();
    build(out.path());

    let all = list(out.path(), "");
    assert_eq!(all["shown"], "4 shown");

    let cases = [
        ("?technique=T1567", "technique", "T1567"),
        ("?technique=t1567", "technique", "T1567"),
        ("?technique=t1567.002", "technique", "T1567.002"),
        ("?tactic=Exfiltration", "tactic", "exfiltration"),
        ("?level=LOW", "level", "low"),
        ("?status=Test", "status", "test"),
        ("?logsource=Windows/Network_Connection", "logsource", "windows/network_connection"),
    ];
    for (search, filter, stored) in cases {
        let shown = list(out.path(), search);
        assert_eq!(shown["filters"][filter], stored, "{search}");
        assert_eq!(shown["shown"], "1 shown", "{search}");
        assert_eq!(shown["titles"][0], "Network Connection Initiated To Mega.nz", "{search}");
    }
}

#[test]
fn tactic_name_becomes_shortname() {
    if !node_available() {
        return;
    }
    let out = tempfile::tempdir().unwrap();
    build(out.path());

    for search in ["?tactic=stealth", "?tactic=STEALTH", "#tactic=Stealth"] {
        let shown = list(out.path(), search);
        assert_eq!(shown["filters"]["tactic"], "stealth", "{search}");
        assert_eq!(shown["shown"], "1 shown", "{search}");
    }
    let unknown = list(out.path(), "?technique=t9999");
    assert_eq!(unknown["filters"]["technique"], "T9999");
    assert_eq!(unknown["shown"], "0 shown");
}
