//! Event inputs that cannot be read, or read only in part: each is reported by path and
//! the hunt counts only the files it could read.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use socfeed_hunt::{hunt, HuntReport, RuleFilter, RuleSet, Scanner, TimeWindow};
use socfeed_sigma::{read_str, Document};

const RULE: &str = "title: Whoami\nid: 00000000-0000-0000-0000-000000000001\nlogsource:\n    category: process_creation\n    product: windows\ndetection:\n    selection:\n        Image|endswith: '\\whoami.exe'\n    condition: selection\nlevel: high\n";

const EVENT: &str = r#"{"Channel": "Microsoft-Windows-Sysmon/Operational", "EventID": 1, "Image": "C:\\Windows\\whoami.exe"}"#;

/// A folder under the system temporary folder, removed when dropped.
struct TempFolder(PathBuf);

impl TempFolder {
    fn new(name: &str) -> Self {
        let path = std::env::temp_dir().join(format!("socfeed-hunt-inputs-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        TempFolder(path)
    }

    fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        path
    }
}

impl Drop for TempFolder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn scanner() -> Arc<Scanner> {
    let file = read_str(Path::new("whoami.yml"), RULE.to_owned());
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    let rules = file
        .documents
        .into_iter()
        .filter_map(|d| match d {
            Document::Rule(rule) => Some((PathBuf::from("whoami.yml"), *rule)),
            _ => None,
        })
        .collect();
    let set = RuleSet::compile(rules, &RuleFilter::default());
    assert!(set.rejected.is_empty(), "{:?}", set.rejected);
    Scanner::new(set, TimeWindow::default())
}

fn run(paths: &[PathBuf]) -> (HuntReport, Vec<String>) {
    let report = hunt(&scanner(), paths, &|_| {});
    let messages = report.errors.iter().map(ToString::to_string).collect();
    (report, messages)
}

#[test]
fn missing_file_is_not_counted_as_read() {
    let folder = TempFolder::new("missing");
    let good = folder.write("good.json", EVENT.as_bytes());
    let missing = folder.0.join("nosuch.evtx");

    let (report, messages) = run(&[good, missing]);

    assert_eq!(report.files_read, 1, "{messages:?}");
    assert_eq!(report.events, 1);
    assert_eq!(report.detections.len(), 1);
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(messages[0].contains("nosuch.evtx"), "{messages:?}");
}

#[test]
fn file_with_no_readable_event_is_not_read() {
    let folder = TempFolder::new("unreadable");
    let garbage = folder.write("garbage.json", b"\x00\x01 not json");

    let (report, messages) = run(&[garbage]);

    assert_eq!(report.files, 1);
    assert_eq!(report.files_read, 0, "{messages:?}");
    assert!(messages.iter().any(|m| m.contains("garbage.json")), "{messages:?}");
}

#[test]
fn empty_file_counts_as_read() {
    let folder = TempFolder::new("empty");
    let empty = folder.write("empty.jsonl", b"");

    let (report, messages) = run(&[empty]);

    assert_eq!(report.files_read, 1, "{messages:?}");
    assert!(messages.is_empty(), "{messages:?}");
}

#[cfg(unix)]
#[test]
fn device_path_is_reported() {
    let (report, messages) = run(&[PathBuf::from("/dev/null")]);

    assert_eq!(report.files, 0);
    assert_eq!(messages, ["/dev/null: not a regular file or folder"]);
}
