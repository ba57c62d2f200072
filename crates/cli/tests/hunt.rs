//! End-to-end tests of `socfeed hunt` and `socfeed test-rules` on event files written per
//! test: unreadable inputs, their messages and the exit status.

mod common;

use std::path::{Path, PathBuf};

use common::{socfeed, text, GOOD_RULE as RULE};

const EVENT: &str = r#"{"Channel": "Microsoft-Windows-Sysmon/Operational", "EventID": 1, "Image": "C:\\Windows\\whoami.exe"}"#;

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Runs `socfeed hunt -r RULE` on `events`, returning the exit code, stdout and stderr.
fn hunt(dir: &Path, events: &[&Path], extra: &[&str]) -> (Option<i32>, String, String) {
    let rule = write(dir, "rules/whoami.yml", RULE.as_bytes());
    let mut args = vec!["hunt", "-r", rule.to_str().unwrap()];
    args.extend(extra);
    args.extend(events.iter().map(|p| p.to_str().unwrap()));
    let output = socfeed(&args);
    (output.status.code(), text(&output.stdout), text(&output.stderr))
}

#[test]
fn hunt_missing_file_fails() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nosuch.evtx");

    let (code, _, stderr) = hunt(dir.path(), &[&missing], &[]);

    assert_eq!(code, Some(2), "stderr: {stderr}");
    assert!(stderr.contains("no event file could be read from"), "stderr: {stderr}");
    assert!(stderr.contains("nosuch.evtx"), "stderr: {stderr}");
    assert!(!stderr.contains("detections"), "stderr: {stderr}");
}

#[cfg(unix)]
#[test]
fn hunt_device_path_fails() {
    let dir = tempfile::tempdir().unwrap();

    let (code, _, stderr) = hunt(dir.path(), &[Path::new("/dev/null")], &[]);

    assert_eq!(code, Some(2), "stderr: {stderr}");
    assert!(stderr.contains("/dev/null: not a regular file or folder"), "stderr: {stderr}");
}

#[test]
fn hunt_empty_folder_fails() {
    let dir = tempfile::tempdir().unwrap();
    let events = dir.path().join("events");
    write(&events, "notes.txt", b"no events here");

    let (code, _, stderr) = hunt(dir.path(), &[&events], &[]);

    assert_eq!(code, Some(2), "stderr: {stderr}");
    assert!(stderr.contains("no event file found in"), "stderr: {stderr}");
    assert!(stderr.contains("events"), "stderr: {stderr}");
}

#[test]
fn hunt_partial_failure_still_succeeds() {
    let dir = tempfile::tempdir().unwrap();
    let good = write(dir.path(), "good.json", EVENT.as_bytes());
    let missing = dir.path().join("nosuch.json");

    let (code, stdout, stderr) = hunt(dir.path(), &[&good, &missing], &[]);

    assert_eq!(code, Some(0), "stderr: {stderr}");
    assert!(stdout.contains("Whoami Execution"), "stdout: {stdout}");
    assert!(stderr.contains("warning: "), "stderr: {stderr}");
    assert!(stderr.contains("nosuch.json"), "stderr: {stderr}");
    assert!(stderr.contains("1 detections"), "stderr: {stderr}");
}

/// Returns an EVTX sample of the shared corpus, or `None` (after printing why) when absent.
fn corpus_sample(name: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/evtx-attack-samples").join(name);
    if path.is_file() {
        Some(path)
    } else {
        eprintln!("skipping: {} not found", path.display());
        None
    }
}

#[test]
fn hunt_reports_damaged_evtx_records() {
    let Some(sample) = corpus_sample("AutomatedTestingTools/PanacheSysmon_vs_AtomicRedTeam01.evtx") else { return };
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(&sample).unwrap();

    // Each case flips one bit in a record's value descriptors, which makes the evtx crate
    // log a size mismatch. It repairs the first record and reads on, and fails the second.
    let cases = [(0x88ae3, 0x80, "record 338 is damaged and was read as repaired"), (0x916d0, 0x04, "Failed to parse record number 359")];
    for (offset, bit, expected) in cases {
        let mut damaged = bytes.clone();
        damaged[offset] ^= bit;
        let damaged = write(dir.path(), &format!("damaged-{offset:x}.evtx"), &damaged);

        let (code, _, stderr) = hunt(dir.path(), &[&damaged], &[]);

        assert_eq!(code, Some(0), "stderr: {stderr}");
        assert!(!stderr.contains('\u{1b}'), "colour codes on a pipe: {stderr}");
        assert!(!stderr.contains("evtx::"), "evtx crate log lines: {stderr}");
        let warnings: Vec<&str> = stderr.lines().filter(|l| l.starts_with("warning: ")).collect();
        assert_eq!(warnings.len(), 1, "stderr: {stderr}");
        assert!(warnings[0].starts_with(&format!("warning: {}: ", damaged.display())), "stderr: {stderr}");
        assert!(warnings[0].contains(expected), "stderr: {stderr}");
    }
}

/// Writes a regression case: `info.yml` naming the test rule, and the given files.
fn write_case(root: &Path, name: &str, files: &[(&str, &[u8])]) {
    let info = "rule_metadata:\n    - id: 6d3d6a19-1b2c-4c1e-9d35-2a3f1c1b7e01\n      title: Whoami Execution\n";
    write(&root.join(name), "info.yml", info.as_bytes());
    for (file, bytes) in files {
        write(&root.join(name), file, bytes);
    }
}

#[test]
fn test_rules_skips_case_without_events() {
    let dir = tempfile::tempdir().unwrap();
    let rule = write(dir.path(), "rules/whoami.yml", RULE.as_bytes());
    let cases = dir.path().join("regression_data");
    write_case(&cases, "whoami_json", &[("event.json", EVENT.as_bytes())]);
    write_case(&cases, "whoami_raw", &[("event.raw", b"raw syslog text")]);

    let output = socfeed(&["test-rules", "-r", rule.to_str().unwrap(), cases.to_str().unwrap()]);
    let stdout = text(&output.stdout);

    assert_eq!(output.status.code(), Some(0), "stdout: {stdout}\nstderr: {}", text(&output.stderr));
    let skip: Vec<&str> = stdout.lines().filter(|l| l.starts_with("skip ")).collect();
    assert_eq!(skip.len(), 1, "stdout: {stdout}");
    assert!(skip[0].contains("whoami_raw"), "stdout: {stdout}");
    assert!(skip[0].contains("no .evtx or .json event file, only event.raw"), "stdout: {stdout}");
    assert!(stdout.contains("1 passed, 0 failed, 1 skipped"), "stdout: {stdout}");
}

#[test]
fn hunt_rejects_reversed_time_range() {
    let dir = tempfile::tempdir().unwrap();
    let events = write(dir.path(), "events.json", EVENT.as_bytes());

    let (code, stdout, stderr) = hunt(dir.path(), &[&events], &["--from", "2025-01-01", "--to", "2024-01-01"]);

    assert_eq!(code, Some(2), "stderr: {stderr}");
    assert!(stdout.is_empty(), "stdout: {stdout}");
    assert!(stderr.contains("invalid time range: --from 2025-01-01T00:00:00+00:00 is after --to 2024-01-01T00:00:00+00:00"), "stderr: {stderr}");

    let (code, _, stderr) = hunt(dir.path(), &[&events], &["--from", "2024-01-01", "--to", "2024-01-01"]);
    assert_eq!(code, Some(0), "stderr: {stderr}");
}
