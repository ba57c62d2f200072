//! KQL snapshots of the `defender-xdr` target: one rule per table and the value forms
//! whose translation is easy to get wrong.

mod common;

use common::{render_to, rule_text};

const WIN_PROC: &str = "category: process_creation\nproduct: windows";
const WIN_NET: &str = "category: network_connection\nproduct: windows";
const REG_SET: &str = "category: registry_set\nproduct: windows";

fn snap(logsource: &str, detection: &str) -> String {
    render_to("defender-xdr", &rule_text(logsource, detection))
}

#[test]
fn process_creation() {
    insta::assert_snapshot!(snap(
        WIN_PROC,
        "selection:\n    Image|endswith: '\\rundll32.exe'\n    CommandLine|contains: 'javascript:'\n    ParentImage|endswith: '\\explorer.exe'\n    Hashes|contains: 'SHA256=B5ACF14CDAC40BE590318DEE95425D0746E85B1B7B1CBD14DA66F21F2522BF4D'\n    User|contains: 'SYSTEM'\ncondition: selection"
    ));
}

#[test]
fn wildcard_and_trailing_backslash() {
    insta::assert_snapshot!(snap(
        WIN_PROC,
        "selection:\n    Image: 'C:\\Users\\\\*\\AppData\\?ocal\\evil.exe'\n    CommandLine|endswith: 'C:\\Temp\\'\ncondition: selection"
    ));
}

#[test]
fn cased_re_windash_base64offset() {
    insta::assert_snapshot!(snap(
        WIN_PROC,
        "selection:\n    CommandLine|cased|contains: 'ABC'\n    ParentCommandLine|re|i: '^cmd\\.exe /c [a-z]+$'\n    OriginalFileName|windash|contains: '-enc'\n    ProcessId|lt: 10\nselection_b64:\n    CommandLine|base64offset|contains: 'IEX'\ncondition: all of selection*"
    ));
}

#[test]
fn registry_hives() {
    insta::assert_snapshot!(snap(
        REG_SET,
        "selection:\n    TargetObject|startswith:\n        - 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\'\n        - 'HKU\\'\n        - 'HKCU\\Software\\Classes\\'\n    TargetObject|contains: '\\Control\\Print\\Monitors\\'\n    Details: 'DWORD (0x00000010)'\ncondition: selection"
    ));
}

#[test]
fn registry_dword_with_wildcard_is_refused() {
    insta::assert_snapshot!(snap(REG_SET, "selection:\n    Details|startswith: 'DWORD (0x0000'\ncondition: selection"));
}

#[test]
fn network_cidr_and_numbers() {
    insta::assert_snapshot!(snap(
        WIN_NET,
        "selection:\n    Initiated: 'true'\n    DestinationIp|cidr:\n        - '10.0.0.0/8'\n        - 'fe80::/10'\n    DestinationPort:\n        - 443\n        - 8443\n    SourcePort|gte: 1024\ncondition: selection"
    ));
}

#[test]
fn null_and_exists() {
    insta::assert_snapshot!(snap(WIN_PROC, "selection:\n    Description: null\n    Company|exists: true\ncondition: selection"));
}

#[test]
fn enumerated_value_outside_domain_is_refused() {
    insta::assert_snapshot!(snap(WIN_NET, "selection:\n    Initiated: 'maybe'\ncondition: selection"));
}

#[test]
fn keywords_are_refused() {
    insta::assert_snapshot!(snap(WIN_PROC, "keywords:\n    - 'mimikatz'\ncondition: keywords"));
}

#[test]
fn image_load_and_file_event() {
    insta::assert_snapshot!(snap(
        "category: image_load\nproduct: windows",
        "selection:\n    ImageLoaded|endswith: '\\dbghelp.dll'\n    Image|endswith: '\\rundll32.exe'\ncondition: selection"
    ));
    insta::assert_snapshot!(snap(
        "category: file_event\nproduct: windows",
        "selection:\n    TargetFilename|contains: '\\Start Menu\\Programs\\Startup\\'\ncondition: selection"
    ));
}

#[test]
fn antivirus_threat_name() {
    insta::assert_snapshot!(snap("category: antivirus", "selection:\n    - Signature|startswith: 'PWS'\n    - Signature|contains: 'Mimikatz'\ncondition: selection"));
}

#[test]
fn antivirus_file_name_is_refused() {
    insta::assert_snapshot!(snap("category: antivirus", "selection:\n    Filename|endswith: '.aspx'\ncondition: selection"));
}
