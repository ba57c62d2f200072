//! Sigma semantics on small hand-written rules and events: every modifier family, every
//! condition form, keywords, null and exists, and log source routing with field renames.

mod common;

use std::path::Path;
use std::sync::Arc;

use socfeed_hunt::input::shape::event_from_json;
use socfeed_hunt::{RuleFilter, RuleSet};

const SYSMON: &str = "Microsoft-Windows-Sysmon/Operational";

/// Compiles one rule whose detection is `detection` (YAML, indented by four spaces).
fn rule_set(logsource: &str, detection: &str) -> RuleSet {
    let text = format!("title: Test rule\nid: 00000000-0000-0000-0000-000000000001\nlogsource:\n{logsource}\ndetection:\n{detection}\nlevel: high\n");
    let set = common::compile_rules("test.yml", text, &RuleFilter::default());
    assert!(set.rejected.is_empty(), "{:?}", set.rejected);
    set
}

fn fires(set: &RuleSet, event: serde_json::Value) -> bool {
    let event = event_from_json(&event, set.event_builder());
    !set.detect(&event, &Arc::from(Path::new("events.json"))).is_empty()
}

const PROCESS: &str = "    category: process_creation\n    product: windows";

fn process(fields: serde_json::Value) -> serde_json::Value {
    let mut event = serde_json::json!({"Channel": SYSMON, "EventID": 1});
    if let (Some(event), Some(fields)) = (event.as_object_mut(), fields.as_object()) {
        event.extend(fields.clone());
    }
    event
}

#[test]
fn string_modifiers_fold_case() {
    let set = rule_set(PROCESS, "    selection:\n        Image|endswith: '\\WHOAMI.exe'\n        CommandLine|contains: '/ALL'\n        ParentImage|startswith: 'C:\\Windows\\'\n    condition: selection");
    assert!(fires(&set, process(serde_json::json!({"Image": "C:\\Windows\\System32\\whoami.EXE", "CommandLine": "whoami /all", "ParentImage": "c:\\windows\\explorer.exe"}))));
    assert!(!fires(&set, process(serde_json::json!({"Image": "C:\\Windows\\System32\\whoami.EXE", "CommandLine": "whoami", "ParentImage": "c:\\windows\\explorer.exe"}))));
}

#[test]
fn cased_is_case_sensitive() {
    let set = rule_set(PROCESS, "    selection:\n        CommandLine|contains|cased: 'Invoke-Mimikatz'\n    condition: selection");
    assert!(fires(&set, process(serde_json::json!({"CommandLine": "powershell Invoke-Mimikatz"}))));
    assert!(!fires(&set, process(serde_json::json!({"CommandLine": "powershell invoke-mimikatz"}))));
}

#[test]
fn all_modifier_needs_every_value() {
    let set = rule_set(PROCESS, "    selection:\n        CommandLine|contains|all:\n            - 'net'\n            - 'user'\n    condition: selection");
    assert!(fires(&set, process(serde_json::json!({"CommandLine": "net user bob"}))));
    assert!(!fires(&set, process(serde_json::json!({"CommandLine": "net group"}))));
}

#[test]
fn windash_matches_dash_variants() {
    let set = rule_set(PROCESS, "    selection:\n        CommandLine|windash|contains: ' -enc '\n    condition: selection");
    assert!(fires(&set, process(serde_json::json!({"CommandLine": "powershell /enc AAAA"}))));
    assert!(fires(&set, process(serde_json::json!({"CommandLine": "powershell -enc AAAA"}))));
    assert!(!fires(&set, process(serde_json::json!({"CommandLine": "powershell enc AAAA"}))));
}

#[test]
fn base64offset_and_wide_encodings() {
    let set = rule_set(PROCESS, "    selection:\n        CommandLine|base64offset|contains: 'http://'\n    condition: selection");
    // "xhttp://" and "xxhttp://" in base64 cover the other two offsets.
    assert!(fires(&set, process(serde_json::json!({"CommandLine": "-e aHR0cDovL2V4YW1wbGU="}))));
    assert!(fires(&set, process(serde_json::json!({"CommandLine": "-e eGh0dHA6Ly9h"}))));
    assert!(!fires(&set, process(serde_json::json!({"CommandLine": "-e aGVsbG8="}))));

    let wide = rule_set(PROCESS, "    selection:\n        CommandLine|wide|base64offset|contains: 'ping'\n    condition: selection");
    // "ping" in UTF-16LE, base64: cABpAG4AZwA=
    assert!(fires(&wide, process(serde_json::json!({"CommandLine": "-enc cABpAG4AZwA="}))));
}

#[test]
fn regex_with_flags() {
    let set = rule_set(PROCESS, "    selection:\n        CommandLine|re|i: '^POWERSHELL.*-nop'\n    condition: selection");
    assert!(fires(&set, process(serde_json::json!({"CommandLine": "powershell.exe -NoP -w hidden -nop"}))));
    assert!(!fires(&set, process(serde_json::json!({"CommandLine": "cmd /c powershell -nop"}))));
}

#[test]
fn cidr_and_numeric_comparisons() {
    let network = "    category: network_connection\n    product: windows";
    let set = rule_set(network, "    selection:\n        DestinationIp|cidr: '10.0.0.0/8'\n        DestinationPort|gte: 1024\n    condition: selection");
    let event = |ip: &str, port: u32| serde_json::json!({"Channel": SYSMON, "EventID": 3, "DestinationIp": ip, "DestinationPort": port});
    assert!(fires(&set, event("10.1.2.3", 4444)));
    assert!(!fires(&set, event("10.1.2.3", 443)));
    assert!(!fires(&set, event("8.8.8.8", 4444)));
}

#[test]
fn null_exists_and_neq() {
    let set = rule_set(PROCESS, "    selection:\n        Image|endswith: '\\a.exe'\n    filter_empty:\n        OriginalFileName: null\n    condition: selection and not filter_empty");
    assert!(fires(&set, process(serde_json::json!({"Image": "C:\\a.exe", "OriginalFileName": "a.exe"}))));
    assert!(!fires(&set, process(serde_json::json!({"Image": "C:\\a.exe", "OriginalFileName": ""}))));
    assert!(!fires(&set, process(serde_json::json!({"Image": "C:\\a.exe"}))));

    let exists = rule_set(PROCESS, "    selection:\n        Hashes|exists: true\n        User|neq: 'SYSTEM'\n    condition: selection");
    assert!(fires(&exists, process(serde_json::json!({"Hashes": "MD5=1", "User": "bob"}))));
    assert!(!fires(&exists, process(serde_json::json!({"Hashes": "MD5=1", "User": "system"}))));
    assert!(!fires(&exists, process(serde_json::json!({"User": "bob"}))));
}

#[test]
fn fieldref_compares_two_fields() {
    let set = rule_set(PROCESS, "    selection:\n        ParentImage|fieldref: Image\n    condition: selection");
    assert!(fires(&set, process(serde_json::json!({"Image": "C:\\x.exe", "ParentImage": "c:\\X.exe"}))));
    assert!(!fires(&set, process(serde_json::json!({"Image": "C:\\x.exe", "ParentImage": "C:\\y.exe"}))));
}

#[test]
fn keywords_search_every_value() {
    let set = rule_set("    product: windows\n    service: system", "    keywords:\n        - 'mimikatz'\n    condition: keywords");
    assert!(fires(&set, serde_json::json!({"Channel": "System", "EventID": 7045, "ServiceFileName": "C:\\tmp\\MimiKatz.exe"})));
    assert!(!fires(&set, serde_json::json!({"Channel": "System", "EventID": 7045, "ServiceFileName": "C:\\tmp\\svc.exe"})));
}

#[test]
fn condition_forms() {
    let detection = "    selection_a:\n        Image|endswith: '\\a.exe'\n    selection_b:\n        Image|endswith: '\\b.exe'\n    _hidden:\n        Image|endswith: '\\c.exe'\n    condition: 1 of selection_* or all of them";
    let set = rule_set(PROCESS, detection);
    assert!(fires(&set, process(serde_json::json!({"Image": "C:\\b.exe"}))));
    assert!(!fires(&set, process(serde_json::json!({"Image": "C:\\c.exe"}))));

    let all = rule_set(PROCESS, "    sel_1:\n        CommandLine|contains: 'x'\n    sel_2:\n        CommandLine|contains: 'y'\n    condition: all of sel_* and not (sel_1 and CommandLine)\n    CommandLine:\n        CommandLine|contains: 'z'");
    assert!(fires(&all, process(serde_json::json!({"CommandLine": "xy"}))));
    assert!(!fires(&all, process(serde_json::json!({"CommandLine": "xyz"}))));
}

#[test]
fn security_4688_uses_renamed_fields() {
    let set = rule_set(PROCESS, "    selection:\n        Image|endswith: '\\whoami.exe'\n        ParentImage|endswith: '\\cmd.exe'\n    condition: selection");
    let security = serde_json::json!({"Channel": "Security", "EventID": 4688, "NewProcessName": "C:\\Windows\\whoami.exe", "ParentProcessName": "C:\\Windows\\cmd.exe"});
    assert!(fires(&set, security));
    // A Sysmon event with the Security names is not a process creation by Sysmon's names.
    let mixed = serde_json::json!({"Channel": SYSMON, "EventID": 1, "NewProcessName": "C:\\Windows\\whoami.exe", "ParentProcessName": "C:\\Windows\\cmd.exe"});
    assert!(!fires(&set, mixed));
}

#[test]
fn events_outside_the_logsource_never_meet_the_rule() {
    let set = rule_set(PROCESS, "    selection:\n        Image|endswith: '\\whoami.exe'\n    condition: selection");
    let image = "C:\\Windows\\whoami.exe";
    assert!(!fires(&set, serde_json::json!({"Channel": SYSMON, "EventID": 7, "Image": image})));
    assert!(!fires(&set, serde_json::json!({"Channel": "System", "EventID": 1, "Image": image})));
    assert!(!fires(&set, serde_json::json!({"EventID": 1, "Image": image})));
    // Forwarded events route by provider.
    assert!(fires(&set, serde_json::json!({"Channel": "ForwardedEvents", "Provider_Name": "Microsoft-Windows-Sysmon", "EventID": 1, "Image": image})));
}

#[test]
fn registry_add_requires_create_key() {
    let set = rule_set("    category: registry_add\n    product: windows", "    selection:\n        TargetObject|contains: '\\Run\\'\n    condition: selection");
    let event = |kind: &str| serde_json::json!({"Channel": SYSMON, "EventID": 12, "EventType": kind, "TargetObject": "HKLM\\Software\\Run\\x"});
    assert!(fires(&set, event("CreateKey")));
    assert!(!fires(&set, event("DeleteKey")));
}

#[test]
fn literal_scan_checks_each_occurrence_and_anchor() {
    // The suffix occurs twice, and only the occurrence at the end counts. A prefix and an
    // exact value must start at 0, and an exact value must also end at the value's end.
    let suffix = rule_set(PROCESS, "    selection:\n        Image|endswith: '.exe'\n    condition: selection");
    assert!(fires(&suffix, process(serde_json::json!({"Image": "C:\\a.exe.txt.EXE"}))));
    assert!(!fires(&suffix, process(serde_json::json!({"Image": "C:\\a.exe.txt"}))));

    let exact = rule_set(PROCESS, "    selection:\n        Image: 'cmd.exe'\n        CommandLine|startswith: 'cmd'\n    condition: selection");
    assert!(fires(&exact, process(serde_json::json!({"Image": "CMD.exe", "CommandLine": "cmd /c"}))));
    assert!(!fires(&exact, process(serde_json::json!({"Image": "xcmd.exe", "CommandLine": "cmd /c"}))));
    assert!(!fires(&exact, process(serde_json::json!({"Image": "cmd.exe", "CommandLine": "x cmd"}))));

    // Overlapping occurrences of different literals of one field are all found.
    let overlap = rule_set(PROCESS, "    selection:\n        CommandLine|contains|all:\n            - 'abc'\n            - 'bcd'\n    condition: selection");
    assert!(fires(&overlap, process(serde_json::json!({"CommandLine": "ABCD"}))));
    assert!(!fires(&overlap, process(serde_json::json!({"CommandLine": "abc bc"}))));
}

#[test]
fn rules_without_string_tests_still_run() {
    // No string test can trigger these rules, so they must be evaluated on every event.
    let negated = rule_set(PROCESS, "    filter:\n        Image|endswith: '\\a.exe'\n    condition: not filter");
    assert!(fires(&negated, process(serde_json::json!({"Image": "C:\\b.exe"}))));
    assert!(!fires(&negated, process(serde_json::json!({"Image": "C:\\A.exe"}))));

    let regex = rule_set(PROCESS, "    selection:\n        CommandLine|re: '^x+y$'\n    condition: selection");
    assert!(fires(&regex, process(serde_json::json!({"CommandLine": "xxy"}))));
    assert!(!fires(&regex, process(serde_json::json!({"CommandLine": "xyz"}))));
}

#[test]
fn regex_with_required_literals() {
    // The literals a regex needs let the literal scan skip it; matches must be unchanged.
    let set = rule_set(PROCESS, "    selection:\n        CommandLine|re|i: 'invoke-(mimikatz|kerberoast)\\b'\n    condition: selection");
    assert!(fires(&set, process(serde_json::json!({"CommandLine": "powershell INVOKE-Mimikatz -x"}))));
    assert!(fires(&set, process(serde_json::json!({"CommandLine": "Invoke-Kerberoast"}))));
    assert!(!fires(&set, process(serde_json::json!({"CommandLine": "invoke-other"}))));
    assert!(!fires(&set, process(serde_json::json!({"Image": "invoke-mimikatz"}))));

    let cased = rule_set(PROCESS, "    selection:\n        CommandLine|re: 'Invoke-Mimikatz'\n    condition: selection");
    assert!(fires(&cased, process(serde_json::json!({"CommandLine": "x Invoke-Mimikatz"}))));
    assert!(!fires(&cased, process(serde_json::json!({"CommandLine": "x invoke-mimikatz"}))));

    let negated = rule_set(PROCESS, "    selection:\n        Image|endswith: '.exe'\n    filter:\n        CommandLine|re: 'abc[0-9]+def'\n    condition: selection and not filter");
    assert!(fires(&negated, process(serde_json::json!({"Image": "a.exe", "CommandLine": "abcdef"}))));
    assert!(!fires(&negated, process(serde_json::json!({"Image": "a.exe", "CommandLine": "ABC12DEF abc12def"}))));
    assert!(fires(&negated, process(serde_json::json!({"Image": "a.exe"}))));
}

#[test]
fn keywords_in_negations_and_lists() {
    // Keyword tests are decided by the shared scan over every value, also under `not`.
    let detection = "    selection:\n        EventID: 7045\n    keywords:\n        - 'mimikatz'\n        - 'PsExec'\n    condition: selection and not keywords";
    let set = rule_set("    product: windows\n    service: system", detection);
    assert!(fires(&set, serde_json::json!({"Channel": "System", "EventID": 7045, "ServiceFileName": "C:\\tmp\\svc.exe"})));
    assert!(!fires(&set, serde_json::json!({"Channel": "System", "EventID": 7045, "ImagePath": "C:\\MIMIKATZ.exe"})));
    assert!(!fires(&set, serde_json::json!({"Channel": "System", "EventID": 7045, "ImagePath": "C:\\psexec.exe"})));
    assert!(fires(&set, serde_json::json!({"Channel": "System", "EventID": 7045, "ImagePath": null})));
}

#[test]
fn inner_wildcards_gated_by_literal() {
    // A glob runs only on values where the scan found its longest literal part, here
    // `\system32\`, which a plain substring test on the same field also uses. In Sigma,
    // `\*` is a literal star, so a wildcard after a backslash is written `\\*`.
    let detection = "    glob:\n        Image: 'C:\\Windows\\\\*\\System32\\\\*.exe'\n    plain:\n        CommandLine|contains: '\\system32\\'\n        Image|contains: '\\system32\\'\n    condition: glob or plain";
    let set = rule_set(PROCESS, detection);
    assert!(fires(&set, process(serde_json::json!({"Image": "c:\\windows\\x\\SYSTEM32\\cmd.EXE"}))));
    assert!(!fires(&set, process(serde_json::json!({"Image": "c:\\windows\\SYSTEM32\\cmd.EXE"}))));
    assert!(!fires(&set, process(serde_json::json!({"Image": "d:\\windows\\x\\system32\\cmd.exe"}))));
    assert!(!fires(&set, process(serde_json::json!({"Image": "c:\\windows\\x\\system64\\cmd.exe"}))));

    let cased = rule_set(PROCESS, "    selection:\n        Image|cased: 'C:\\Windows\\\\*\\CMD.exe'\n    condition: selection");
    assert!(fires(&cased, process(serde_json::json!({"Image": "C:\\Windows\\System32\\CMD.exe"}))));
    assert!(!fires(&cased, process(serde_json::json!({"Image": "C:\\Windows\\System32\\cmd.exe"}))));
}

fn rule_with_filter(detection: &str, filter: &RuleFilter) -> RuleSet {
    let text = format!("title: Test rule\nlogsource:\n{PROCESS}\ndetection:\n{detection}\nlevel: high\n");
    common::compile_rules("test.yml", text, filter)
}

#[test]
fn expand_placeholders_need_values() {
    let detection = "    selection:\n        Image|endswith: '\\cmd.exe'\n    filter:\n        ParentImage|contains|expand: '%known_tools%'\n    condition: selection and not filter";

    let without = rule_with_filter(detection, &RuleFilter::default());
    assert!(without.loaded.is_empty());
    assert_eq!(without.rejected.len(), 1);
    assert_eq!(without.rejected[0].kind, socfeed_hunt::RejectKind::Compile);
    assert!(without.rejected[0].reason.contains("%known_tools%"), "{}", without.rejected[0].reason);

    let mut filter = RuleFilter::default();
    filter.placeholders.insert("known_tools".into(), vec!["\\Tool.exe".into(), "\\other.exe".into()]);
    let with = rule_with_filter(detection, &filter);
    assert!(with.rejected.is_empty(), "{:?}", with.rejected);
    assert!(fires(&with, process(serde_json::json!({"Image": "C:\\cmd.exe", "ParentImage": "C:\\x.exe"}))));
    assert!(!fires(&with, process(serde_json::json!({"Image": "C:\\cmd.exe", "ParentImage": "C:\\TOOL.exe"}))));
    assert!(!fires(&with, process(serde_json::json!({"Image": "C:\\cmd.exe", "ParentImage": "D:\\other.exe"}))));
}

#[test]
fn oversized_regex_rejects_its_rule() {
    let detection = "    selection:\n        CommandLine|re: '\\w{1000}\\w{1000}'\n    condition: selection";
    let set = rule_with_filter(detection, &RuleFilter::default());
    assert!(set.loaded.is_empty());
    assert_eq!(set.rejected.len(), 1);
    assert_eq!(set.rejected[0].kind, socfeed_hunt::RejectKind::Compile);
    assert!(set.rejected[0].reason.contains("size limit"), "{}", set.rejected[0].reason);
}

#[test]
fn long_literals_checked_past_prefix() {
    // The scan's automaton keeps only the first bytes of long literals; the rest of each
    // literal must still match, at the right place.
    let detection = "    selection:\n        CommandLine|contains: 'abcdefghijklmnopqrstuvwxyz-one'\n    ending:\n        CommandLine|endswith: 'abcdefghijklmnopqrstuvwxyz-two'\n    condition: selection or ending";
    let set = rule_set(PROCESS, detection);
    assert!(fires(&set, process(serde_json::json!({"CommandLine": "x ABCDEFGHIJKLMNOPQRSTUVWXYZ-ONE y"}))));
    assert!(!fires(&set, process(serde_json::json!({"CommandLine": "x abcdefghijklmnopqrstuvwxyz-on"}))));
    assert!(!fires(&set, process(serde_json::json!({"CommandLine": "abcdefghijklmnopqrstuvwxyz-three"}))));
    assert!(fires(&set, process(serde_json::json!({"CommandLine": "abcdefghijklmnopqrstuvwxyz-one abcdefghijklmnopqrstuvwxyz-two"}))));
    assert!(fires(&set, process(serde_json::json!({"CommandLine": "x abcdefghijklmnopqrstuvwxyz-two"}))));
    assert!(!fires(&set, process(serde_json::json!({"CommandLine": "x abcdefghijklmnopqrstuvwxyz-two y"}))));
}
