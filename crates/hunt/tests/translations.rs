//! Value translations of renamed fields: Security 4688 events read by `process_creation`
//! rules written for Sysmon's values.

mod common;

use std::path::Path;
use std::sync::Arc;

use serde_json::{json, Value};
use socfeed_hunt::input::shape::event_from_json;
use socfeed_hunt::{Detection, RuleFilter, RuleSet};

const SYSMON: &str = "Microsoft-Windows-Sysmon/Operational";

/// Compiles one rule with the given log source and detection (YAML, indented by four spaces).
fn rule_set(logsource: &str, detection: &str) -> RuleSet {
    let text = format!("title: Test rule\nid: 00000000-0000-0000-0000-000000000002\nlogsource:\n{logsource}\ndetection:\n{detection}\nlevel: high\n");
    let set = common::compile_rules("test.yml", text, &RuleFilter::default());
    assert!(set.rejected.is_empty(), "{:?}", set.rejected);
    set
}

fn process_rule(detection: &str) -> RuleSet {
    rule_set("    category: process_creation\n    product: windows", detection)
}

fn detections(set: &RuleSet, event: &Value) -> Vec<Detection> {
    let event = event_from_json(event, set.event_builder());
    set.detect(&event, &Arc::from(Path::new("events.json")))
}

fn fires(set: &RuleSet, event: &Value) -> bool {
    !detections(set, event).is_empty()
}

/// Builds a Security 4688 record in the `evtx` crate's JSON rendering, as the hunt reads EVTX.
fn security_4688(data: Value) -> Value {
    json!({"Event": {
        "#attributes": {"xmlns": "http://schemas.microsoft.com/win/2004/08/events/event"},
        "System": {
            "Provider": {"#attributes": {"Name": "Microsoft-Windows-Security-Auditing"}},
            "EventID": 4688,
            "Channel": "Security",
            "Computer": "PC01.example.corp",
            "EventRecordID": 42
        },
        "EventData": data
    }})
}

#[test]
fn mandatory_label_sid_reads_as_integrity_level() {
    let set = process_rule("    selection:\n        IntegrityLevel: High\n    condition: selection");
    let high = security_4688(json!({"NewProcessName": "C:\\Windows\\System32\\cmd.exe", "MandatoryLabel": "S-1-16-12288"}));
    assert!(fires(&set, &high));

    let medium = security_4688(json!({"MandatoryLabel": "S-1-16-8192"}));
    assert!(!fires(&set, &medium));

    // The table's keys compare case-insensitively.
    let lowercase = security_4688(json!({"MandatoryLabel": "s-1-16-12288"}));
    assert!(fires(&set, &lowercase));
}

#[test]
fn sid_rules_still_match_4688() {
    // SigmaHQ rules often list both forms; a rule listing only the SID still matches.
    let set = process_rule("    selection:\n        IntegrityLevel:\n            - System\n            - S-1-16-16384\n    condition: selection");
    assert!(fires(&set, &security_4688(json!({"MandatoryLabel": "S-1-16-16384"}))));

    let set = process_rule("    selection:\n        IntegrityLevel: S-1-16-16384\n    condition: selection");
    assert!(fires(&set, &security_4688(json!({"MandatoryLabel": "S-1-16-16384"}))));

    // A filter on the name still excludes the event whose derived field also has the SID.
    let set = process_rule("    selection:\n        NewProcessName|endswith: '\\cmd.exe'\n    filter:\n        IntegrityLevel: System\n    condition: selection and not filter");
    assert!(!fires(&set, &security_4688(json!({"NewProcessName": "C:\\Windows\\cmd.exe", "MandatoryLabel": "S-1-16-16384"}))));
}

#[test]
fn hex_process_ids_read_as_decimal() {
    let set = process_rule("    selection:\n        ProcessId: 6700\n    condition: selection");
    assert!(fires(&set, &security_4688(json!({"NewProcessId": "0x1a2c", "ProcessId": "0x4"}))));

    // An unquoted number also compares numerically, which reads `0x` values as hex by
    // itself. String tests compare text, so only the translation lets them match.
    let set = process_rule("    selection:\n        ProcessId: '6700'\n    condition: selection");
    assert!(fires(&set, &security_4688(json!({"NewProcessId": "0x1a2c", "ProcessId": "0x4"}))));
    assert!(fires(&set, &security_4688(json!({"NewProcessId": "0X1A2C"}))));
    assert!(!fires(&set, &security_4688(json!({"NewProcessId": "0x1a2d"}))));
    // The 4688 `ProcessId` is the parent, so it never stands for Sigma's `ProcessId`.
    assert!(!fires(&set, &security_4688(json!({"NewProcessId": "0x4", "ProcessId": "0x1a2c"}))));

    let set = process_rule("    selection:\n        ParentProcessId|startswith: '4'\n    condition: selection");
    assert!(fires(&set, &security_4688(json!({"NewProcessId": "0x1a2c", "ProcessId": "0x4"}))));
}

#[test]
fn flat_4688_events_translate_too() {
    // Routing facts after the fields: translation waits until the event is complete.
    let set = process_rule("    selection:\n        ProcessId: 6700\n        IntegrityLevel: High\n    condition: selection");
    let event = json!({"NewProcessId": "0x1a2c", "MandatoryLabel": "S-1-16-12288", "EventID": 4688, "Channel": "Security"});
    assert!(fires(&set, &event));
}

#[test]
fn sysmon_events_are_not_translated() {
    let set = process_rule("    selection:\n        ProcessId: '6700'\n    condition: selection");
    assert!(fires(&set, &json!({"Channel": SYSMON, "EventID": 1, "ProcessId": "6700"})));
    assert!(!fires(&set, &json!({"Channel": SYSMON, "EventID": 1, "ProcessId": "0x1a2c"})));

    let set = process_rule("    selection:\n        IntegrityLevel: High\n    condition: selection");
    assert!(fires(&set, &json!({"Channel": SYSMON, "EventID": 1, "IntegrityLevel": "High"})));
    assert!(!fires(&set, &json!({"Channel": SYSMON, "EventID": 1, "IntegrityLevel": "S-1-16-12288"})));
    // Sysmon has no `MandatoryLabel`, and one written there is not read as the level.
    assert!(!fires(&set, &json!({"Channel": SYSMON, "EventID": 1, "MandatoryLabel": "S-1-16-12288"})));
}

#[test]
fn unknown_values_stay_unchanged() {
    let set = process_rule("    selection:\n        IntegrityLevel: S-1-16-99999\n    condition: selection");
    assert!(fires(&set, &security_4688(json!({"MandatoryLabel": "S-1-16-99999"}))));

    let set = process_rule("    selection:\n        ProcessId: '1a2c'\n    condition: selection");
    assert!(fires(&set, &security_4688(json!({"NewProcessId": "1a2c"}))));

    let set = process_rule("    selection:\n        ProcessId: '0xzz'\n    condition: selection");
    assert!(fires(&set, &security_4688(json!({"NewProcessId": "0xzz"}))));
}

#[test]
fn rules_on_log_names_see_log_values() {
    let security = "    product: windows\n    service: security";
    let set = rule_set(security, "    selection:\n        EventID: 4688\n        NewProcessId: '0x1a2c'\n        MandatoryLabel: S-1-16-12288\n    condition: selection");
    assert!(fires(&set, &security_4688(json!({"NewProcessId": "0x1a2c", "MandatoryLabel": "S-1-16-12288"}))));
}

#[test]
fn detection_reports_both_values() {
    let set = process_rule("    selection:\n        IntegrityLevel: High\n    condition: selection");
    let found = detections(&set, &security_4688(json!({"MandatoryLabel": "S-1-16-12288"})));
    assert_eq!(found.len(), 1);
    let expected = [("MandatoryLabel".to_owned(), "High".to_owned()), ("MandatoryLabel".to_owned(), "S-1-16-12288".to_owned())];
    assert_eq!(found[0].fields, expected);
}
