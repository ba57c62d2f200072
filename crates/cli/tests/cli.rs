//! End-to-end tests of the `socfeed` binary on small rule sets written per test.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{socfeed, text, GOOD_RULE};

/// The condition names `selection_typo`, which is not defined: line 9, column 16.
const BAD_RULE: &str = r#"title: Broken Condition
id: 0b5c1a4e-3a8d-4d57-a6a2-0d9f7c6b2a11
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        Image|endswith: '\cmd.exe'
    condition: selection_typo
level: high
"#;

fn write_rules(dir: &Path, rules: &[(&str, &str)]) -> PathBuf {
    let rules_dir = dir.join("rules");
    std::fs::create_dir_all(&rules_dir).unwrap();
    for (name, text) in rules {
        std::fs::write(rules_dir.join(name), text).unwrap();
    }
    rules_dir
}

#[test]
fn check_reports_error_position_and_fails() {
    let dir = tempfile::tempdir().unwrap();
    let rules = write_rules(dir.path(), &[("good.yml", GOOD_RULE), ("bad.yml", BAD_RULE)]);

    let output = socfeed(&["check", rules.to_str().unwrap()]);
    let stdout = text(&output.stdout);

    assert_eq!(output.status.code(), Some(1), "stdout: {stdout}");
    assert!(stdout.contains("bad.yml:9:16: E013"), "stdout: {stdout}");
    assert!(!stdout.contains("good.yml"), "stdout: {stdout}");
    assert!(text(&output.stderr).contains("checked 2 files"));
}

#[test]
fn check_passes_clean_rules() {
    let dir = tempfile::tempdir().unwrap();
    let rules = write_rules(dir.path(), &[("good.yml", GOOD_RULE)]);

    let output = socfeed(&["check", rules.to_str().unwrap()]);

    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stdout));
}

#[test]
fn convert_prints_query_and_refusal() {
    let dir = tempfile::tempdir().unwrap();
    let unmapped = GOOD_RULE.replace("category: process_creation", "category: no_such_category");
    let rules = write_rules(dir.path(), &[("good.yml", GOOD_RULE), ("unmapped.yml", &unmapped)]);

    let output = socfeed(&["convert", "--target", "sentinel-asim", rules.to_str().unwrap()]);
    let stdout = text(&output.stdout);
    let stderr = text(&output.stderr);

    assert_eq!(output.status.code(), Some(0), "stderr: {stderr}");
    assert!(stdout.contains("imProcessCreate"), "stdout: {stdout}");
    assert!(stdout.contains(r#"TargetProcessName endswith @"\whoami.exe""#), "stdout: {stdout}");
    assert!(stderr.contains("refused: "), "stderr: {stderr}");
    assert!(stderr.contains("unmapped-logsource"), "stderr: {stderr}");
    assert!(stderr.contains("2 rules, 1 converted, 1 refused"), "stderr: {stderr}");
}

#[test]
fn convert_json_lines() {
    let dir = tempfile::tempdir().unwrap();
    let rules = write_rules(dir.path(), &[("good.yml", GOOD_RULE)]);

    let output = socfeed(&["convert", "--format", "json", rules.to_str().unwrap()]);
    let line: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();

    assert_eq!(line["id"], "6d3d6a19-1b2c-4c1e-9d35-2a3f1c1b7e01");
    assert!(line["conversion"]["query"].as_str().unwrap().starts_with("imProcessCreate"));
    assert!(line["refusal"].is_null());
}

#[test]
fn convert_rejects_unknown_target() {
    let dir = tempfile::tempdir().unwrap();
    let rules = write_rules(dir.path(), &[("good.yml", GOOD_RULE)]);

    let output = socfeed(&["convert", "--target", "splunk", rules.to_str().unwrap()]);
    let stderr = text(&output.stderr);

    assert_eq!(output.status.code(), Some(2));
    assert!(stderr.contains(r#"unknown target "splunk""#), "stderr: {stderr}");
    assert!(stderr.contains("sentinel-asim"), "stderr: {stderr}");
}

#[test]
fn build_lists_bad_rule_and_writes_good_one() {
    let dir = tempfile::tempdir().unwrap();
    let rules = write_rules(dir.path(), &[("good.yml", GOOD_RULE), ("bad.yml", BAD_RULE)]);
    let out = dir.path().join("site");

    let output = socfeed(&["build", rules.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    let stderr = text(&output.stderr);

    assert_eq!(output.status.code(), Some(0), "stderr: {stderr}");
    assert!(stderr.contains("2 files read, 1 documents parsed, 1 read errors"), "stderr: {stderr}");
    assert!(stderr.contains("bad.yml:9:16"), "stderr: {stderr}");
    assert!(out.join("index.html").is_file());
    assert!(out.join("coverage.html").is_file());
    assert!(out.join("rules/6d3d6a19-1b2c-4c1e-9d35-2a3f1c1b7e01.html").is_file());
    let errors_page = std::fs::read_to_string(out.join("errors.html")).unwrap();
    assert!(errors_page.contains("bad.yml"), "errors.html does not list the bad rule");
}

#[test]
fn build_with_missing_attack_bundle_fails_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let rules = write_rules(dir.path(), &[("good.yml", GOOD_RULE)]);
    let out = dir.path().join("site");

    let output = socfeed(&[
        "build",
        rules.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--attack",
        "/nonexistent/enterprise-attack.json",
    ]);
    let stderr = text(&output.stderr);

    assert_eq!(output.status.code(), Some(2));
    assert!(stderr.contains("/nonexistent/enterprise-attack.json"), "stderr: {stderr}");
}

#[test]
fn serve_announces_the_bound_port() {
    use std::io::{BufRead, BufReader, Read, Write};

    let site = tempfile::tempdir().expect("temp dir");
    std::fs::write(site.path().join("index.html"), "<html>feed</html>").expect("write index");
    let mut server = Command::new(env!("CARGO_BIN_EXE_socfeed"))
        .args(["serve", "--port", "0"])
        .arg(site.path())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start socfeed serve");

    // The announcement comes after the socket listens, with the port the system chose.
    let mut stderr = BufReader::new(server.stderr.take().expect("stderr"));
    let mut line = String::new();
    stderr.read_line(&mut line).expect("read announcement");
    let port: Option<u16> = line
        .split("http://127.0.0.1:")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .and_then(|port| port.parse().ok());

    let mut response = String::new();
    if let Some(port) = port.filter(|port| *port != 0) {
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect to the announced port");
        stream.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").expect("send request");
        stream.read_to_string(&mut response).expect("read response");
    }
    server.kill().expect("stop the server");
    let _ = server.wait();

    assert!(port.is_some_and(|port| port != 0), "no bound port in {line:?}");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("<html>feed</html>"), "{response}");
}

/// A rule with a name, an event_count correlation on it and a filter for it.
const RULE_WITH_CORRELATION_AND_FILTER: &str = r#"title: Failed Logon
id: 6f0c1c4e-0000-4000-8000-000000000001
name: failed_logon
logsource:
    product: windows
    service: security
detection:
    selection:
        EventID: 4625
    condition: selection
---
title: Many Failed Logons
id: 6f0c1c4e-0000-4000-8000-000000000002
correlation:
    type: event_count
    rules:
        - failed_logon
    group-by:
        - TargetUserName
    timespan: 5m
    condition:
        gte: 10
---
title: Service Account Logons
id: 6f0c1c4e-0000-4000-8000-000000000003
logsource:
    product: windows
    service: security
filter:
    rules:
        - failed_logon
    selection:
        TargetUserName: svc_backup
    condition: not selection
"#;

#[test]
fn convert_lists_documents_it_does_not_convert() {
    let dir = tempfile::tempdir().unwrap();
    let rules = write_rules(dir.path(), &[("failed_logon.yml", RULE_WITH_CORRELATION_AND_FILTER)]);
    let output = socfeed(&["convert", "--target", "sentinel", rules.to_str().unwrap()]);
    let stdout = text(&output.stdout);
    let stderr = text(&output.stderr);

    assert!(output.status.success(), "{stderr}");
    assert!(stdout.contains("EventID == 4625"), "{stdout}");
    assert!(stdout.contains(r#"// warning: the filter "Service Account Logons" applies to this rule"#), "{stdout}");
    assert!(stderr.contains("Many Failed Logons (correlation): correlation documents are not converted"), "{stderr}");
    assert!(stderr.contains("Service Account Logons (filter): filter documents are not converted"), "{stderr}");
    assert!(stderr.contains("not converted (correlation and filter documents): 2"), "{stderr}");
}

#[test]
fn build_names_a_missing_rule_path() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-rules");
    let out = dir.path().join("site");
    let output = socfeed(&["build", missing.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    let stderr = text(&output.stderr);

    assert!(!output.status.success());
    assert!(stderr.contains("no rule files found"), "{stderr}");
    assert!(stderr.contains(&format!("{}: cannot read", missing.display())), "{stderr}");
}
