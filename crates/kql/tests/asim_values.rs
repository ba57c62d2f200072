//! Value handling of the `sentinel-asim` target, checked piece by piece.

mod common;

use common::{convert, rule_text};
use socfeed_kql::RefusalReason;

const WIN_PROC: &str = "category: process_creation\nproduct: windows";
const WIN_NET: &str = "category: network_connection\nproduct: windows";

fn query(logsource: &str, detection: &str) -> String {
    match convert(&rule_text(logsource, detection)) {
        Ok(conversion) => conversion.query,
        Err(refusal) => panic!("unexpected refusal: {refusal}"),
    }
}

fn refusal(logsource: &str, detection: &str) -> socfeed_kql::Refusal {
    match convert(&rule_text(logsource, detection)) {
        Ok(conversion) => panic!("expected a refusal, got {}", conversion.query),
        Err(refusal) => refusal,
    }
}

#[test]
fn escaping_double_quotes() {
    let q = query(WIN_PROC, "selection:\n    CommandLine|contains: 'say \"hi\"'\ncondition: selection");
    assert!(q.contains(r#"TargetProcessCommandLine contains "say \"hi\"""#), "{q}");
}

#[test]
fn escaping_backslashes_and_quotes() {
    let q = query(WIN_PROC, "selection:\n    CommandLine|contains: 'C:\\a \"b\"'\ncondition: selection");
    assert!(q.contains(r#"TargetProcessCommandLine contains @"C:\a ""b"""#), "{q}");
}

#[test]
fn escaping_trailing_backslash() {
    let q = query(WIN_PROC, "selection:\n    CurrentDirectory: 'C:\\Windows\\Temp\\'\ncondition: selection");
    assert!(q.contains(r#"TargetProcessCurrentDirectory =~ @"C:\Windows\Temp\""#), "{q}");
}

#[test]
fn wildcard_in_middle_uses_anchored_regex() {
    let q = query(WIN_PROC, "selection:\n    Image: 'C:\\Users\\\\*\\AppData\\evil.exe'\ncondition: selection");
    assert!(q.contains(r#"TargetProcessName matches regex @"(?is)^C:\\Users\\.*\\AppData\\evil\.exe$""#), "{q}");
}

#[test]
fn question_mark_matches_one_character() {
    let q = query(WIN_PROC, "selection:\n    Image|endswith: '\\svch?st.exe'\ncondition: selection");
    assert!(q.contains(r#"matches regex @"(?is)^.*\\svch.st\.exe$""#), "{q}");
}

#[test]
fn cased_uses_case_sensitive_operators() {
    let q = query(WIN_PROC, "selection:\n    CommandLine|cased: 'ABC'\n    Image|cased|endswith: '\\X.exe'\ncondition: selection");
    assert!(q.contains(r#"TargetProcessCommandLine == "ABC""#), "{q}");
    assert!(q.contains(r#"TargetProcessName endswith_cs @"\X.exe""#), "{q}");
}

#[test]
fn uncased_equality_lists_use_in() {
    let q = query(WIN_PROC, "selection:\n    OriginalFileName:\n        - 'a.exe'\n        - 'b.exe'\ncondition: selection");
    assert!(q.contains(r#"TargetProcessFileOriginalName in~ ("a.exe", "b.exe")"#), "{q}");
}

#[test]
fn regex_flags_become_prefix() {
    let q = query(WIN_PROC, "selection:\n    CommandLine|re|i: 'a.b'\ncondition: selection");
    assert!(q.contains(r#"TargetProcessCommandLine matches regex "(?i)a.b""#), "{q}");
}

#[test]
fn regex_backreference_is_refused() {
    let r = refusal(WIN_PROC, "selection:\n    CommandLine|re: '(a)\\1'\ncondition: selection");
    assert_eq!(r.reason, RefusalReason::UnsupportedConstruct);
    assert!(r.message.contains("backreference"), "{}", r.message);
}

#[test]
fn cidr_ipv4_and_ipv6() {
    let q = query(WIN_NET, "selection:\n    DestinationIp|cidr:\n        - '127.0.0.0/8'\n        - '::1/128'\ncondition: selection");
    // Outside a `not`, a null range test drops the row, as Sigma's false would.
    assert!(q.contains(r#"ipv4_is_in_range(DstIpAddr, "127.0.0.0/8") or ipv6_is_in_range(DstIpAddr, "::1/128")"#), "{q}");
    assert!(!q.contains("coalesce"), "{q}");
}

#[test]
fn negated_cidr_keeps_other_addresses() {
    // ipv4_is_in_range is null for an empty or IPv6 address, and `not(null)` drops the
    // row; Sigma keeps such an event, because its address is not in the filtered range.
    let q = query(WIN_NET, "selection:\n    Initiated: 'true'\nfilter:\n    DestinationIp|cidr: '127.0.0.0/8'\ncondition: selection and not filter");
    assert!(q.contains(r#"not(coalesce(ipv4_is_in_range(DstIpAddr, "127.0.0.0/8"), false))"#), "{q}");
}

#[test]
fn negated_comparison_keeps_missing_numbers() {
    // `x > 5` is null when x is null or todouble() cannot read the text.
    let q = query(WIN_NET, "selection:\n    Initiated: 'true'\nfilter:\n    DestinationPort|gt: 1024\ncondition: selection and not filter");
    assert!(q.contains("not(coalesce(DstPortNumber > 1024, false))"), "{q}");
    let web = query("category: webserver", "filter:\n    sc-status|gte: 400\ncondition: not filter");
    assert!(web.contains("not(coalesce(todouble(HttpStatusCode) >= 400, false))"), "{web}");
}

#[test]
fn negated_number_keeps_missing_numbers() {
    // `DstPortNumber == 137` is null when the port is null; Sigma keeps such an event
    // under `not`, because a missing port is not 137.
    let q = query(WIN_NET, "selection:\n    Initiated: 'true'\nfilter:\n    DestinationPort: 137\ncondition: selection and not filter");
    assert!(q.contains("not(coalesce(DstPortNumber == 137, false))"), "{q}");
}

#[test]
fn quoted_number_keeps_its_spelling() {
    // '0443' is text in Sigma and never equals the port 443, whose text is "443".
    let q = query(WIN_NET, "selection:\n    DestinationPort: '0443'\ncondition: selection");
    assert!(q.contains(r#"tostring(DstPortNumber) =~ "0443""#), "{q}");
    let canonical = query(WIN_NET, "selection:\n    DestinationPort: '443'\ncondition: selection");
    assert!(canonical.contains("DstPortNumber == 443"), "{canonical}");
}

#[test]
fn numbers_on_numeric_and_string_columns() {
    let q = query(WIN_NET, "selection:\n    DestinationPort: 443\n    SourcePort: '53'\ncondition: selection");
    assert!(q.contains("DstPortNumber == 443"), "{q}");
    assert!(q.contains("SrcPortNumber == 53"), "{q}");
    let web = query("category: webserver", "selection:\n    sc-status: 404\ncondition: selection");
    assert!(web.contains(r#"HttpStatusCode =~ "404""#), "{web}");
}

#[test]
fn null_and_exists() {
    let q = query(WIN_PROC, "selection:\n    Description: null\n    Company|exists: false\ncondition: selection");
    assert!(q.contains("isempty(TargetProcessFileDescription)"), "{q}");
    assert!(q.contains("isempty(TargetProcessFileCompany)"), "{q}");
    let caveats = convert(&rule_text(WIN_PROC, "selection:\n    Description: null\ncondition: selection")).unwrap().caveats;
    assert!(caveats.iter().any(|c| c.contains("empty")), "{caveats:?}");
}

#[test]
fn initiated_maps_to_direction() {
    let outbound = query(WIN_NET, "selection:\n    Initiated: 'true'\ncondition: selection");
    assert!(outbound.contains(r#"NetworkDirection == "Outbound""#), "{outbound}");
    let inbound = query(WIN_NET, "selection:\n    Initiated: false\ncondition: selection");
    assert!(inbound.contains(r#"NetworkDirection == "Inbound""#), "{inbound}");
}

#[test]
fn enumeration_outside_domain_is_refused() {
    let r = refusal("category: registry_event\nproduct: windows", "selection:\n    EventType: 'Frobnicate'\ncondition: selection");
    assert_eq!(r.reason, RefusalReason::UnmappedValue);
    assert_eq!(r.subject.as_deref(), Some("EventType"));
}

#[test]
fn enumeration_with_wildcard_is_refused() {
    let r = refusal(WIN_NET, "selection:\n    Initiated|contains: 'tru'\ncondition: selection");
    assert_eq!(r.reason, RefusalReason::UnmappedValue);
}

#[test]
fn keywords_are_refused() {
    let r = refusal(WIN_PROC, "keywords:\n    - 'mimikatz'\ncondition: keywords");
    assert_eq!(r.reason, RefusalReason::UnsupportedConstruct);
    assert_eq!(r.subject.as_deref(), Some("keywords"));
}

#[test]
fn unmapped_field_names_field_and_logsource() {
    let r = refusal(WIN_PROC, "selection:\n    TerminalSessionId: 1\ncondition: selection");
    assert_eq!(r.reason, RefusalReason::UnmappedField);
    assert_eq!(r.subject.as_deref(), Some("TerminalSessionId"));
    assert_eq!(r.logsource, "windows/process_creation");
    assert!(r.message.contains("TerminalSessionId"), "{}", r.message);
    assert!(r.message.contains("windows/process_creation"), "{}", r.message);
}

#[test]
fn hashes_without_algorithm_are_refused() {
    let r = refusal(WIN_PROC, "selection:\n    Hashes|contains: '330768A4F172E10ACB6287B87289D83B'\ncondition: selection");
    assert_eq!(r.reason, RefusalReason::UnmappedValue);
}

#[test]
fn utf16_without_base64_is_refused() {
    let r = refusal(WIN_PROC, "selection:\n    CommandLine|utf16le|contains: 'ab'\ncondition: selection");
    assert_eq!(r.reason, RefusalReason::UnsupportedConstruct);
}

#[test]
fn registry_hive_is_written_long() {
    let q = query("category: registry_set\nproduct: windows", "selection:\n    TargetObject|startswith: 'HKU\\'\ncondition: selection");
    assert!(q.contains(r#"RegistryPath startswith @"HKEY_USERS\""#), "{q}");
}

#[test]
fn exact_conversion_has_no_caveats() {
    let conversion = convert(&rule_text("category: dns", "selection:\n    query|endswith: '.onion'\ncondition: selection")).unwrap();
    assert!(conversion.caveats.is_empty(), "{:?}", conversion.caveats);
    assert_eq!(conversion.data_sources[0].name, "imDns");
    assert!(!conversion.data_sources[0].tables.is_empty());
}

#[test]
fn any_value_matches_empty_strings() {
    // `*`, `contains: ''` and `endswith: ''` match every value, the empty string included.
    for value in ["CommandLine: '*'", "CommandLine|contains: ''", "CommandLine|endswith: ''"] {
        let q = query(WIN_PROC, &format!("filter:\n    {value}\ncondition: not filter"));
        assert!(q.contains("not(isnotnull(TargetProcessCommandLine))"), "{value}: {q}");
    }
}

#[test]
fn any_value_on_numeric_column_needs_a_value() {
    let q = query(WIN_NET, "selection:\n    DestinationPort: '*'\ncondition: selection");
    assert!(q.contains("isnotnull(DstPortNumber)"), "{q}");
}
