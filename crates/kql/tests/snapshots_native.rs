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

#[test]
fn cloudtrail_nested_members() {
    insta::assert_snapshot!(snap(
        "product: aws\nservice: cloudtrail",
        "selection:\n    eventName: 'ConsoleLogin'\n    additionalEventData.MFAUsed: 'NO'\n    responseElements.ConsoleLogin: 'Success'\ncondition: selection"
    ));
}

#[test]
fn cloudtrail_array_member_is_refused() {
    insta::assert_snapshot!(snap(
        "product: aws\nservice: cloudtrail",
        "selection:\n    requestParameters.layers|contains: 'arn'\ncondition: selection"
    ));
}

#[test]
fn signinlogs_status_and_device_detail() {
    insta::assert_snapshot!(snap(
        "product: azure\nservice: signinlogs",
        "selection:\n    Status: 'Success'\n    userAgent|contains: 'BAV2ROPC'\n    DeviceDetail.isCompliant: 'false'\nempty:\n    DeviceDetail.trusttype: null\ncondition: selection and empty"
    ));
}

#[test]
fn signinlogs_other_status_is_refused() {
    insta::assert_snapshot!(snap("product: azure\nservice: signinlogs", "selection:\n    Status: 'MFA Denied'\ncondition: selection"));
}

#[test]
fn auditlogs_activity_and_targets() {
    insta::assert_snapshot!(snap(
        "product: azure\nservice: auditlogs",
        "selection:\n    properties.message: 'Add member to role'\n    Status: 'failure'\n    TargetResources|contains: '62e90394-69f5-4237-9190-012177145e10'\ncondition: selection"
    ));
}

#[test]
fn auditlogs_target_resources_equality_is_refused() {
    insta::assert_snapshot!(snap("product: azure\nservice: auditlogs", "selection:\n    properties.targetResources: 'Admins'\ncondition: selection"));
}

#[test]
fn auditlogs_target_resources_json_escape_is_refused() {
    // The JSON text stores a backslash as two, so a contains search for one would miss.
    insta::assert_snapshot!(snap("product: azure\nservice: auditlogs", "selection:\n    TargetResources|contains: 'CONTOSO\\admin'\ncondition: selection"));
}

#[test]
fn auditlogs_message_with_json_is_refused() {
    insta::assert_snapshot!(snap(
        "product: azure\nservice: auditlogs",
        "selection:\n    properties.message: '\"displayName\":\"UserType\"'\ncondition: selection"
    ));
}

#[test]
fn auditlogs_properties_target_resources() {
    insta::assert_snapshot!(snap(
        "product: azure\nservice: auditlogs",
        "selection:\n    operationName: 'Add member to role'\n    properties.targetResources|contains:\n        - 'Admins'\n        - 'Administrator'\ncondition: selection"
    ));
}

#[test]
fn activitylogs_keywords_search_all_columns() {
    insta::assert_snapshot!(snap(
        "product: azure\nservice: activitylogs",
        "keywords:\n    - 'Microsoft.Compute/virtualMachines/write'\n    - 'Microsoft.Resources/deployments/write'\nselection:\n    operationName|startswith: 'MICROSOFT.'\ncondition: keywords and selection"
    ));
}

#[test]
fn risk_detection() {
    insta::assert_snapshot!(snap("product: azure\nservice: riskdetection", "selection:\n    riskEventType: 'unlikelyTravel'\ncondition: selection"));
}

#[test]
fn gcp_audit_method() {
    insta::assert_snapshot!(snap(
        "product: gcp\nservice: gcp.audit",
        "selection:\n    gcp.audit.method_name|endswith: '.Compute.Firewalls.Delete'\n    data.protoPayload.serviceName: 'compute.googleapis.com'\ncondition: selection"
    ));
}

#[test]
fn kubernetes_audit_object_ref() {
    insta::assert_snapshot!(snap(
        "product: kubernetes\nservice: audit",
        "selection:\n    verb: 'create'\n    objectRef.resource: 'pods'\n    objectRef.subresource: 'exec'\n    responseStatus.code: 403\ncondition: selection"
    ));
}

#[test]
fn m365_audit() {
    insta::assert_snapshot!(snap(
        "product: m365\nservice: audit",
        "selection:\n    Operation: 'Set-Mailbox'\n    Parameters|contains: 'ForwardingSmtpAddress'\ncondition: selection"
    ));
}

#[test]
fn syslog_keywords_keep_special_characters() {
    insta::assert_snapshot!(snap("product: linux", "keywords:\n    - 'bash -i >& /dev/tcp/'\n    - 'BEGIN {s = \"/inet/tcp/0/'\ncondition: keywords"));
}

#[test]
fn syslog_cron_facility() {
    insta::assert_snapshot!(snap("product: linux\nservice: cron", "keywords:\n    - 'REPLACE'\ncondition: keywords"));
}

#[test]
fn powershell_classic_data_search() {
    insta::assert_snapshot!(snap(
        "category: ps_classic_start\nproduct: windows",
        "selection:\n    Data|contains: 'EngineVersion=2.'\nfilter:\n    Data|contains: 'HostApplication=?:\\Windows\\System32*powershell'\ncondition: selection and not filter"
    ));
}

#[test]
fn powershell_classic_equality_is_refused() {
    insta::assert_snapshot!(snap("product: windows\nservice: powershell-classic", "selection:\n    Data: 'HostName=ConsoleHost'\ncondition: selection"));
}

#[test]
fn powershell_classic_escaped_character_is_refused() {
    insta::assert_snapshot!(snap("product: windows\nservice: powershell-classic", "selection:\n    Data|contains: 'a & b'\ncondition: selection"));
}

#[test]
fn sysmon_file_change() {
    insta::assert_snapshot!(snap(
        "category: file_change\nproduct: windows",
        "selection:\n    TargetFilename|endswith: '.exe'\n    PreviousCreationUtcTime|startswith: '2020'\ncondition: selection"
    ));
}

#[test]
fn signinlogs_authentication_protocol() {
    insta::assert_snapshot!(snap("product: azure\nservice: signinlogs", "selection:\n    properties.message: 'Device Code'\ncondition: selection"));
}

#[test]
fn kubernetes_application_api_group() {
    insta::assert_snapshot!(snap(
        "category: application\nproduct: kubernetes\nservice: audit",
        "selection:\n    verb: 'patch'\n    apiGroup: 'apps'\n    objectRef.resource: 'deployments'\ncondition: selection"
    ));
}

#[test]
fn servicebus_client_channels() {
    insta::assert_snapshot!(snap(
        "product: windows\nservice: microsoft-servicebus-client",
        "selection:\n    EventID: 40300\nkeywords:\n    - 'sb://'\ncondition: selection and keywords"
    ));
}

#[test]
fn sysmon_fieldref_reads_event_data() {
    insta::assert_snapshot!(snap("category: process_creation\nproduct: windows", "selection:\n    Image|fieldref: ParentImage\ncondition: selection"));
}

#[test]
fn security_xml_escaped_value_is_refused() {
    // Values without a SecurityEvent column are extracted from the EventData XML as
    // written there, so `<` would be `&lt;` and the test could never match.
    insta::assert_snapshot!(snap("product: windows\nservice: security", "selection:\n    EventID: 4698\n    TaskContent|contains: 'cmd.exe</Command>'\ncondition: selection"));
}

#[test]
fn event_data_presence_tests() {
    // EventData members are null when the event lacks the field, so `*` and exists tell
    // a missing field from an empty one there. Null matches both.
    insta::assert_snapshot!(snap(
        WIN_PROC,
        "selection:\n    CommandLine: '*'\n    ParentCommandLine: null\n    Description|exists: false\ncondition: selection"
    ));
}
