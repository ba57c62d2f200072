//! Event inputs that cannot be read, or read only in part: each is reported by path and
//! the hunt counts only the files it could read.

mod common;

use std::path::PathBuf;
use std::sync::Arc;

use socfeed_hunt::{hunt, HuntReport, RuleFilter, Scanner, TimeWindow};

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
    let set = common::compile_rules("whoami.yml", RULE.to_owned(), &RuleFilter::default());
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

#[test]
fn byte_order_mark_is_skipped() {
    let folder = TempFolder::new("bom");
    let bom = b"\xEF\xBB\xBF";
    let array = folder.write("array.json", &[&bom[..], format!("[{EVENT}]").as_bytes()].concat());
    let lines = folder.write("lines.jsonl", &[&bom[..], format!("{EVENT}\n{EVENT}\n").as_bytes()].concat());
    let single = folder.write("single.json", &[&bom[..], format!("  {EVENT}").as_bytes()].concat());

    for (path, events) in [(array, 1), (lines, 2), (single, 1)] {
        let (report, messages) = run(std::slice::from_ref(&path));
        assert!(messages.is_empty(), "{}: {messages:?}", path.display());
        assert_eq!(report.events, events, "{}", path.display());
        assert_eq!(report.detections.len() as u64, events, "{}", path.display());
    }
}

#[test]
fn scalar_top_level_is_reported() {
    let folder = TempFolder::new("scalar");
    let number = folder.write("number.json", b"42\n");
    let null = folder.write("null.json", b"null");

    for path in [number, null] {
        let (report, messages) = run(std::slice::from_ref(&path));
        assert_eq!(report.events, 0, "{}", path.display());
        assert_eq!(report.files_read, 0, "{}", path.display());
        assert_eq!(messages.len(), 1, "{messages:?}");
        assert!(messages[0].contains("not an event object or array of events"), "{messages:?}");
        assert!(messages[0].contains(&path.display().to_string()), "{messages:?}");
    }
}

#[test]
fn non_object_values_are_counted_once() {
    let folder = TempFolder::new("non-object");
    let array = folder.write("array.json", format!("[{EVENT}, 1, \"text\", null]").as_bytes());
    let lines = folder.write("lines.jsonl", format!("{EVENT}\n7\n{EVENT}\n[]\n").as_bytes());

    let (report, messages) = run(&[array.clone()]);
    assert_eq!(report.events, 1);
    assert_eq!(report.files_read, 1);
    assert_eq!(messages, [format!("{}: not an event object or array of events: `1` (and 2 more such values)", array.display())]);

    let (report, messages) = run(&[lines.clone()]);
    assert_eq!(report.events, 2);
    assert_eq!(messages, [format!("{}:2: not an event object or array of events: `7` (and 1 more such value)", lines.display())]);
}

#[test]
fn non_evtx_file_names_header() {
    let folder = TempFolder::new("not-evtx");
    let short = folder.write("short.evtx", b"this is not an event log");
    let long = folder.write("long.evtx", "this is not an event log\n".repeat(400).as_bytes());

    let (report, messages) = run(&[long.clone(), short.clone()]);

    assert_eq!(report.files_read, 0);
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(messages[0].starts_with(&format!("{}: not an EVTX file: invalid file header: ", long.display())), "{messages:?}");
    assert!(messages[0].contains("ElfFile"), "{messages:?}");
    assert!(messages[1].starts_with(&format!("{}: not an EVTX file: invalid file header: ", short.display())), "{messages:?}");
    for message in &messages {
        assert!(!message.contains("An error occurred"), "{message}");
    }
}
