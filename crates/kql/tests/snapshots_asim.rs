//! KQL snapshots for a representative rule of each log source and each modifier.

mod common;

use common::{render, rule_text};

const WIN_PROC: &str = "category: process_creation\nproduct: windows";

fn snap(logsource: &str, detection: &str) -> String {
    render(&rule_text(logsource, detection))
}

#[test]
fn process_creation_windows() {
    insta::assert_snapshot!(snap(
        WIN_PROC,
        "selection_img:\n    - Image|endswith: '\\rundll32.exe'\n    - OriginalFileName: 'RUNDLL32.EXE'\nselection_cli:\n    CommandLine|contains: 'javascript:'\n    ParentImage|endswith: '\\explorer.exe'\n    IntegrityLevel: 'High'\ncondition: all of selection_*"
    ));
}

#[test]
fn process_creation_hashes() {
    insta::assert_snapshot!(snap(
        WIN_PROC,
        "selection:\n    Hashes|contains:\n        - 'IMPHASH=330768A4F172E10ACB6287B87289D83B'\n        - 'SHA256=B5ACF14CDAC40BE590318DEE95425D0746E85B1B7B1CBD14DA66F21F2522BF4D'\n        - 'MD5=abcd'\ncondition: selection"
    ));
}

#[test]
fn process_creation_linux() {
    insta::assert_snapshot!(snap(
        "category: process_creation\nproduct: linux",
        "selection:\n    Image|endswith: '/base64'\n    CommandLine|contains|all:\n        - ' -d'\n        - '|'\ncondition: selection"
    ));
}

#[test]
fn file_event() {
    insta::assert_snapshot!(snap(
        "category: file_event\nproduct: windows",
        "selection:\n    TargetFilename|startswith: 'C:\\Users\\Public\\'\n    TargetFilename|endswith: '.dll'\nfilter:\n    Image: 'C:\\Windows\\explorer.exe'\ncondition: selection and not filter"
    ));
}

#[test]
fn file_delete_and_rename() {
    insta::assert_snapshot!("file_delete", snap(
        "category: file_delete\nproduct: windows",
        "selection:\n    TargetFilename|endswith: '\\ConsoleHost_history.txt'\ncondition: selection"
    ));
    insta::assert_snapshot!("file_rename", snap(
        "category: file_rename\nproduct: windows",
        "selection:\n    SourceFilename|endswith: '.docx'\n    TargetFilename|endswith: '.locked'\ncondition: selection"
    ));
}

#[test]
fn file_access() {
    insta::assert_snapshot!(snap(
        "category: file_access\nproduct: windows",
        "selection:\n    FileName|endswith: '\\Login Data'\ncondition: selection"
    ));
}

#[test]
fn registry_set() {
    insta::assert_snapshot!(snap(
        "category: registry_set\nproduct: windows",
        "selection:\n    TargetObject|startswith: 'HKLM\\SOFTWARE\\Microsoft\\Windows Defender\\'\n    TargetObject|endswith: '\\DisableAntiSpyware'\n    Details: 'DWORD (0x00000001)'\ncondition: selection"
    ));
}

#[test]
fn registry_add_delete_event() {
    insta::assert_snapshot!("registry_add", snap(
        "category: registry_add\nproduct: windows",
        "selection:\n    TargetObject|contains: '\\Image File Execution Options\\'\n    EventType: CreateKey\ncondition: selection"
    ));
    insta::assert_snapshot!("registry_delete", snap(
        "category: registry_delete\nproduct: windows",
        "selection:\n    EventType: DeleteValue\n    TargetObject|endswith: '\\Run\\evil'\ncondition: selection"
    ));
    insta::assert_snapshot!("registry_event", snap(
        "category: registry_event\nproduct: windows",
        "selection:\n    EventType: RenameKey\n    NewName: 'HKLM\\SYSTEM\\CurrentControlSet\\Control\\MiniNt'\ncondition: selection"
    ));
}

#[test]
fn network_connection() {
    insta::assert_snapshot!(snap(
        "category: network_connection\nproduct: windows",
        "selection:\n    Initiated: 'true'\n    DestinationPort:\n        - 4444\n        - '8080'\n    DestinationIp|cidr:\n        - '10.0.0.0/8'\n        - 'fe80::/10'\n    DestinationIsIpv6: 'false'\ncondition: selection"
    ));
}

#[test]
fn firewall() {
    insta::assert_snapshot!(snap(
        "category: firewall",
        "selection:\n    dst_port:\n        - 21\n        - 23\n    src_ip|cidr: '192.168.0.0/16'\ncondition: selection"
    ));
}

#[test]
fn dns_query_and_dns() {
    insta::assert_snapshot!("dns_query", snap(
        "category: dns_query\nproduct: windows",
        "selection:\n    QueryName|endswith: '.onion'\n    Image|endswith: '\\powershell.exe'\ncondition: selection"
    ));
    insta::assert_snapshot!("dns", snap(
        "category: dns",
        "selection:\n    query|contains: 'pastebin.com'\n    record_type: 'TXT'\ncondition: selection"
    ));
}

#[test]
fn proxy_and_webserver() {
    insta::assert_snapshot!("proxy", snap(
        "category: proxy",
        "selection:\n    c-useragent|contains: 'curl/'\n    cs-method: 'POST'\n    c-uri-query|contains: 'cmd='\ncondition: selection"
    ));
    insta::assert_snapshot!("webserver", snap(
        "category: webserver",
        "selection:\n    cs-uri-stem|endswith: '/owa/auth/x.js'\n    cs-uri-query|contains: '../'\n    sc-status: 200\ncondition: selection"
    ));
}

#[test]
fn zeek_dns() {
    insta::assert_snapshot!(snap(
        "product: zeek\nservice: dns",
        "selection:\n    query|endswith: '.onion'\n    qtype_name: 'TXT'\nfilter:\n    id.resp_p: 137\ncondition: selection and not filter"
    ));
}

#[test]
fn zeek_http() {
    insta::assert_snapshot!(snap(
        "product: zeek\nservice: http",
        "selection:\n    user_agent|contains: 'WebDAV'\n    method: 'PUT'\n    status_code: 201\nfilter:\n    id.resp_h|cidr: '10.0.0.0/8'\ncondition: selection and not filter"
    ));
}

#[test]
fn zeek_http_uri_is_refused() {
    insta::assert_snapshot!(snap("product: zeek\nservice: http", "selection:\n    uri: '/wsman'\ncondition: selection"));
}

#[test]
fn proxy_uri_extension() {
    insta::assert_snapshot!(snap(
        "category: proxy",
        "selection:\n    c-uri-extension:\n        - 'exe'\n        - 'hta'\n    cs-host|endswith: '.top'\ncondition: selection"
    ));
}

#[test]
fn modifier_windash() {
    insta::assert_snapshot!(snap(WIN_PROC, "selection:\n    CommandLine|windash|contains: '-enc '\ncondition: selection"));
}

#[test]
fn modifier_base64offset() {
    insta::assert_snapshot!(snap(WIN_PROC, "selection:\n    CommandLine|base64offset|contains: 'IEX'\ncondition: selection"));
}

#[test]
fn modifier_base64_utf16le() {
    insta::assert_snapshot!(snap(WIN_PROC, "selection:\n    CommandLine|utf16le|base64offset|contains: 'Invoke'\ncondition: selection"));
}

#[test]
fn modifier_re_flags() {
    insta::assert_snapshot!(snap(
        WIN_PROC,
        "selection:\n    CommandLine|re: '\\s-e(nc?)?\\s'\n    ParentCommandLine|re|i|m|s: '^cmd.*/c'\ncondition: selection"
    ));
}

#[test]
fn modifier_cased_and_neq() {
    insta::assert_snapshot!(snap(
        WIN_PROC,
        "selection:\n    CommandLine|cased|contains: 'FromBase64String'\n    Image|neq: 'C:\\Windows\\System32\\cmd.exe'\ncondition: selection"
    ));
}

#[test]
fn modifier_wildcard_in_middle() {
    insta::assert_snapshot!(snap(WIN_PROC, "selection:\n    CommandLine: '*\\AppData\\\\*\\Temp\\\\?.exe*'\ncondition: selection"));
}

#[test]
fn modifier_exists_null_fieldref() {
    insta::assert_snapshot!(snap(
        WIN_PROC,
        "selection:\n    OriginalFileName|exists: true\n    Description: null\n    ParentImage|fieldref: Image\ncondition: selection"
    ));
}

#[test]
fn modifier_compare_numbers() {
    insta::assert_snapshot!(snap(
        "category: network_connection\nproduct: windows",
        "selection:\n    DestinationPort|gte: 49152\n    SourcePort|lt: 1024\ncondition: selection"
    ));
}

#[test]
fn condition_them_and_not() {
    insta::assert_snapshot!(snap(
        WIN_PROC,
        "selection_a:\n    Image|endswith: '\\a.exe'\nselection_b:\n    Image|endswith: '\\b.exe'\n_helper:\n    Image|endswith: '\\c.exe'\nfilter:\n    CommandLine|contains: 'safe'\ncondition: 1 of selection_* and not filter or all of them"
    ));
}

#[test]
fn refusal_unmapped_field() {
    insta::assert_snapshot!(snap(WIN_PROC, "selection:\n    Provider_Name: 'x'\ncondition: selection"));
}

#[test]
fn refusal_unmapped_logsource() {
    insta::assert_snapshot!(snap("category: image_load\nproduct: windows", "selection:\n    ImageLoaded|endswith: '\\x.dll'\ncondition: selection"));
}

#[test]
fn refusal_keywords() {
    insta::assert_snapshot!(snap("category: webserver", "keywords:\n    - 'wp-login'\ncondition: keywords"));
}

#[test]
fn refusal_enumeration_value() {
    insta::assert_snapshot!(snap("category: network_connection\nproduct: windows", "selection:\n    Initiated: 'maybe'\ncondition: selection"));
}

#[test]
fn refusal_placeholder() {
    insta::assert_snapshot!(snap(WIN_PROC, "selection:\n    User|expand: '%admins%'\ncondition: selection"));
}

#[test]
fn refusal_lookaround() {
    insta::assert_snapshot!(snap(WIN_PROC, "selection:\n    CommandLine|re: 'foo(?!bar)'\ncondition: selection"));
}
