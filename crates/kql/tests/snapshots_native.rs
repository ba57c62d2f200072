//! KQL snapshots of the `sentinel` target (native tables): Sysmon and other channels in
//! WindowsEvent, the Security channel in SecurityEvent, cloud and Linux tables, and the
//! value forms whose translation is easy to get wrong.

mod common;

use common::{render_to, rule_text};

const WIN_PROC: &str = "category: process_creation\nproduct: windows";
const SECURITY: &str = "product: windows\nservice: security";

fn snap(logsource: &str, detection: &str) -> String {
    render_to("sentinel", &rule_text(logsource, detection))
}

#[test]
fn sysmon_process_creation() {
    insta::assert_snapshot!(snap(
        WIN_PROC,
        "selection:\n    Image|endswith: '\\rundll32.exe'\n    CommandLine|contains|windash: '-enc'\n    CurrentDirectory: 'C:\\Windows\\Temp\\'\n    ParentImage: 'C:\\Users\\\\*\\AppData\\evil.exe'\n    TerminalSessionId|gt: 0\ncondition: selection"
    ));
}

#[test]
fn cased_re_base64offset() {
    insta::assert_snapshot!(snap(
        WIN_PROC,
        "selection:\n    CommandLine|cased|contains: 'ABC'\n    ParentCommandLine|re|i|m: '^cmd\\.exe /c [a-z]+$'\nselection_b64:\n    CommandLine|base64offset|contains: 'IEX'\ncondition: all of selection*"
    ));
}

#[test]
fn sysmon_registry_keeps_hive_names() {
    insta::assert_snapshot!(snap(
        "category: registry_set\nproduct: windows",
        "selection:\n    TargetObject|contains: 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\'\n    Details: 'DWORD (0x00000001)'\ncondition: selection"
    ));
}

#[test]
fn sysmon_network_cidr() {
    insta::assert_snapshot!(snap(
        "category: network_connection\nproduct: windows",
        "selection:\n    Initiated: 'true'\n    DestinationIp|cidr:\n        - '192.168.0.0/16'\n        - '::1/128'\n    DestinationPort: 4444\ncondition: selection"
    ));
}

#[test]
fn security_columns_and_event_data() {
    insta::assert_snapshot!(snap(
        SECURITY,
        "selection:\n    EventID: 4624\n    LogonType: 10\n    TargetUserName|endswith: '$'\n    AccessList|contains: '%%4417'\ncondition: selection"
    ));
}

#[test]
fn security_null_and_exists() {
    insta::assert_snapshot!(snap(SECURITY, "selection:\n    EventID: 4688\n    CommandLine: null\n    ProcessName|exists: true\ncondition: selection"));
}

#[test]
fn keywords_search_raw_event() {
    insta::assert_snapshot!(snap("product: windows\nservice: system", "keywords:\n    - 'mimikatz'\n    - 'sekurlsa'\ncondition: keywords"));
}

#[test]
fn keyword_with_backslash_is_refused() {
    insta::assert_snapshot!(snap("product: windows\nservice: system", "keywords:\n    - 'C:\\Temp'\ncondition: keywords"));
}

#[test]
fn powershell_script_block() {
    insta::assert_snapshot!(snap(
        "category: ps_script\nproduct: windows",
        "selection:\n    ScriptBlockText|contains|all:\n        - 'Invoke-Mimikatz'\n        - 'DumpCreds'\ncondition: selection"
    ));
}

#[test]
fn cloudtrail() {
    insta::assert_snapshot!(snap(
        "product: aws\nservice: cloudtrail",
        "selection:\n    eventSource: 'iam.amazonaws.com'\n    eventName: 'CreateAccessKey'\n    userIdentity.type: 'Root'\ncondition: selection"
    ));
}

#[test]
fn field_name_outside_template_is_refused() {
    insta::assert_snapshot!(snap(WIN_PROC, "selection:\n    Some.Field: 'x'\ncondition: selection"));
}
