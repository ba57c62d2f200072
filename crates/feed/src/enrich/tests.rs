use std::path::Path;

use socfeed_kql::{Conversion, DataSource, Refusal, RefusalReason};
use socfeed_sigma::{Level, LogSource, Metadata, Status};

use super::*;

const BUNDLE: &str = r#"{"objects":[
  {"type":"x-mitre-matrix","id":"m","tactic_refs":["x-mitre-tactic--s","x-mitre-tactic--e"]},
  {"type":"x-mitre-tactic","id":"x-mitre-tactic--e","name":"Exfiltration","x_mitre_shortname":"exfiltration",
   "external_references":[{"source_name":"mitre-attack","external_id":"TA0010","url":"https://attack.mitre.org/tactics/TA0010"}]},
  {"type":"x-mitre-tactic","id":"x-mitre-tactic--s","name":"Stealth","x_mitre_shortname":"stealth",
   "external_references":[{"source_name":"mitre-attack","external_id":"TA0005","url":"https://attack.mitre.org/tactics/TA0005"}]},
  {"type":"attack-pattern","id":"ap--web","name":"Exfiltration Over Web Service",
   "kill_chain_phases":[{"kill_chain_name":"mitre-attack","phase_name":"exfiltration"}],
   "external_references":[{"source_name":"mitre-attack","external_id":"T1567","url":"https://attack.mitre.org/techniques/T1567"}]},
  {"type":"attack-pattern","id":"ap--cloud","name":"Exfiltration to Cloud Storage",
   "kill_chain_phases":[{"kill_chain_name":"mitre-attack","phase_name":"exfiltration"}],
   "external_references":[{"source_name":"mitre-attack","external_id":"T1567.002","url":"https://attack.mitre.org/techniques/T1567/002"}]},
  {"type":"attack-pattern","id":"ap--old","name":"Old Technique","revoked":true,
   "external_references":[{"source_name":"mitre-attack","external_id":"T1000"}]},
  {"type":"relationship","id":"r1","relationship_type":"subtechnique-of","source_ref":"ap--cloud","target_ref":"ap--web"},
  {"type":"relationship","id":"r2","relationship_type":"revoked-by","source_ref":"ap--old","target_ref":"ap--cloud"}
]}"#;

fn matrix() -> AttackMatrix {
    AttackMatrix::from_slice(BUNDLE.as_bytes(), Path::new("test.json")).unwrap()
}

fn tags(list: &[&str]) -> Vec<String> {
    list.iter().map(|t| t.to_string()).collect()
}

fn meta(status: Option<Status>, level: Option<Level>) -> Metadata {
    Metadata {
        title: "Mega Upload".to_owned(),
        description: Some("Detects uploads to mega.nz. More text here.".to_owned()),
        tags: tags(&["attack.exfiltration", "attack.t1567.002"]),
        status,
        level,
        falsepositives: vec!["Backup tools".to_owned()],
        ..Metadata::default()
    }
}

fn logsource() -> LogSource {
    LogSource { product: Some("windows".into()), category: Some("network_connection".into()), ..LogSource::default() }
}

fn converted(caveats: &[&str]) -> TargetResult {
    TargetResult::converted(Conversion {
        target: "sentinel-asim",
        query: "imNetworkSession".to_owned(),
        data_sources: vec![DataSource {
            name: "imNetworkSession".to_owned(),
            description: "network sessions".to_owned(),
            tables: vec!["DeviceNetworkEvents".to_owned()],
            connectors: vec![],
        }],
        caveats: caveats.iter().map(|c| c.to_string()).collect(),
    })
}

fn refused() -> TargetResult {
    TargetResult::refused(
        "sentinel-asim",
        Refusal {
            reason: RefusalReason::UnmappedField,
            subject: Some("Initiated".to_owned()),
            logsource: "windows/network_connection".to_owned(),
            message: "no column".to_owned(),
        },
    )
}

#[test]
fn tags_with_matrix() {
    let context = AttackContext::from_tags(
        &tags(&["attack.T1567.002", "attack.exfiltration", "attack.stealth", "attack.g0032", "cve.2021-1"]),
        Some(&matrix()),
    );
    let tactics: Vec<&str> = context.tactics.iter().map(|t| t.shortname.as_str()).collect();
    assert_eq!(tactics, ["stealth", "exfiltration"], "matrix order");
    assert_eq!(context.other_tags, ["attack.g0032"]);

    let technique = &context.techniques[0];
    assert_eq!(technique.id, "T1567.002");
    assert_eq!(technique.name.as_deref(), Some("Exfiltration to Cloud Storage"));
    let parent = technique.parent.as_ref().unwrap();
    assert_eq!((parent.id.as_str(), parent.name.as_deref()), ("T1567", Some("Exfiltration Over Web Service")));
    assert_eq!(technique.tactics[0].name.as_deref(), Some("Exfiltration"));
    assert_eq!(technique.state, "active");
}

#[test]
fn tags_without_matrix() {
    let context = AttackContext::from_tags(&tags(&["attack.t1567.002", "attack.command_and_control"]), None);
    assert!(!context.matrix_loaded);
    assert_eq!(context.tactics[0].shortname, "command-and-control");
    assert_eq!(context.tactics[0].name, None);
    let technique = &context.techniques[0];
    assert_eq!(technique.name, None);
    assert_eq!(technique.url, "https://attack.mitre.org/techniques/T1567/002");
    assert_eq!(technique.parent.as_ref().unwrap().id, "T1567");
    assert_eq!(technique.tactics[0].shortname, "command-and-control", "tactics come from the tags");
    assert_eq!(technique.state, "unchecked");
}

#[test]
fn revoked_and_unknown_techniques() {
    let context = AttackContext::from_tags(&tags(&["attack.t1000", "attack.t9999.001", "attack.defense-evasion"]), Some(&matrix()));
    let revoked = &context.techniques[0];
    assert_eq!(revoked.state, "revoked");
    assert_eq!(revoked.revoked_by.as_deref(), Some("T1567.002"));
    let unknown = &context.techniques[1];
    assert_eq!(unknown.state, "unknown");
    assert_eq!(unknown.name, None);
    // A tactic the matrix dropped stays a tactic, without a name.
    assert_eq!(context.tactics[0].shortname, "defense-evasion");
    assert_eq!(context.tactics[0].id, None);
}

#[test]
fn technique_id_shapes() {
    let context = AttackContext::from_tags(&tags(&["attack.t1", "attack.t12345", "attack.t1234.01", "attack.s0002", "attack.é1"]), None);
    assert!(context.techniques.is_empty());
    assert!(context.tactics.is_empty());
    assert_eq!(context.other_tags.len(), 5);
}

#[test]
fn hypothesis_names_technique_and_source() {
    let enrichment = enrich(&meta(Some(Status::Test), Some(Level::Low)), Some(&logsource()), &[converted(&[])], Some(&matrix()));
    assert_eq!(
        enrichment.hypothesis,
        "An adversary may use Exfiltration to Cloud Storage (T1567.002) for Exfiltration. Hunt in \
         imNetworkSession (windows/network_connection) for \"Mega Upload\": Detects uploads to mega.nz."
    );
}

#[test]
fn hypothesis_without_matrix_or_conversion() {
    let enrichment = enrich(&meta(Some(Status::Test), None), Some(&logsource()), &[refused()], None);
    assert_eq!(
        enrichment.hypothesis,
        "An adversary may use technique T1567.002 for exfiltration. Hunt in \
         windows/network_connection events for \"Mega Upload\": Detects uploads to mega.nz."
    );
    assert!(enrichment.data_sources.sources.is_empty());
    assert!(enrichment.data_sources.summary.contains("windows/network_connection"));
}

#[test]
fn hypothesis_without_tags_or_description() {
    let mut bare = meta(None, None);
    bare.tags.clear();
    bare.description = None;
    let enrichment = enrich(&bare, None, &[], None);
    assert_eq!(
        enrichment.hypothesis,
        "An adversary may perform the activity this rule describes. Hunt for \"Mega Upload\"."
    );
}

#[test]
fn long_description_is_cut_on_a_char_boundary() {
    let mut long = meta(None, None);
    long.description = Some("é".repeat(400));
    let enrichment = enrich(&long, None, &[], None);
    assert!(enrichment.hypothesis.ends_with("é…"));
    assert_eq!(enrichment.hypothesis.matches('é').count(), 300);
}

#[test]
fn wrapped_description_is_joined() {
    let mut wrapped = meta(None, None);
    wrapped.description = Some(
        "Detects the creation of a machine account whose name starts with 'GHOST', which is the\n\
         naming convention used by the exploit tooling.\nThe second sentence.\n\nA new paragraph."
            .to_owned(),
    );
    let enrichment = enrich(&wrapped, None, &[], None);
    assert!(
        enrichment.hypothesis.ends_with("which is the naming convention used by the exploit tooling."),
        "{}",
        enrichment.hypothesis
    );
    assert!(!enrichment.hypothesis.contains("second sentence"), "{}", enrichment.hypothesis);
}

#[test]
fn description_sentence_ends() {
    let cases = [
        ("Detects X.\nThen Y.", "Detects X."),
        ("Detects tools, e.g. mimikatz or procdump. More.", "Detects tools, e.g. mimikatz or procdump."),
        ("Detects these tools:\n- mimikatz\n- procdump", "Detects these tools."),
        ("Is this malicious? Maybe.", "Is this malicious? Maybe."),
        ("Detects the tool!", "Detects the tool!"),
        ("...", ""),
        ("Detects files with . as the first character", "Detects files with . as the first character."),
        ("Reads files via a .. (dot dot) in a parameter. More.", "Reads files via a .. (dot dot) in a parameter."),
        ("Uses pbpaste (a.k.a. the clipboard tool). More.", "Uses pbpaste (a.k.a. the clipboard tool)."),
        ("No full stop at all", "No full stop at all."),
        ("  Wrapped\n  with indent\n", "Wrapped with indent."),
    ];
    for (description, expected) in cases {
        assert_eq!(super::text::first_sentence(description), expected, "{description:?}");
    }
}

#[test]
fn confidence_levels() {
    let cases: &[(Option<Status>, Vec<TargetResult>, ConfidenceLevel)] = &[
        (Some(Status::Stable), vec![converted(&[])], ConfidenceLevel::High),
        (Some(Status::Test), vec![converted(&[])], ConfidenceLevel::High),
        (Some(Status::Experimental), vec![converted(&[])], ConfidenceLevel::Medium),
        (None, vec![converted(&[])], ConfidenceLevel::Medium),
        (Some(Status::Stable), vec![converted(&["enumerated value"])], ConfidenceLevel::Medium),
        (Some(Status::Stable), vec![refused()], ConfidenceLevel::Low),
        (Some(Status::Stable), vec![TargetResult::without("sentinel-asim", ConversionStatus::NoBackend)], ConfidenceLevel::Low),
        (Some(Status::Stable), vec![refused(), converted(&[])], ConfidenceLevel::High),
    ];
    for (status, results, expected) in cases {
        let enrichment = enrich(&meta(*status, None), Some(&logsource()), results, None);
        assert_eq!(enrichment.confidence.level, *expected, "{status:?} {results:?}: {}", enrichment.confidence.reason);
    }
}

#[test]
fn confidence_reasons() {
    let low = enrich(&meta(Some(Status::Stable), None), None, &[refused()], None).confidence;
    assert_eq!(low.reason, "not converted (sentinel-asim: unmapped-field)");
    let medium = enrich(&meta(Some(Status::Stable), None), None, &[converted(&["a", "b"])], None).confidence;
    assert_eq!(medium.reason, "converted for sentinel-asim with 2 caveats");
    let none = enrich(&meta(Some(Status::Stable), None), None, &[TargetResult::without("x", ConversionStatus::NoBackend)], None);
    assert!(none.confidence.reason.contains("no backend"), "{}", none.confidence.reason);
}

#[test]
fn false_positive_advice_by_level() {
    let low = enrich(&meta(None, Some(Level::Low)), None, &[], None).false_positives;
    assert!(low.advice.starts_with("Low: too noisy to alert on alone"), "{}", low.advice);
    assert_eq!(low.known, ["Backup tools"]);
    assert!(low.advice.ends_with("known false positives listed."));

    let mut unknown = meta(None, Some(Level::High));
    unknown.falsepositives = vec!["Unknown".to_owned()];
    let high = enrich(&unknown, None, &[], None).false_positives;
    assert!(high.advice.starts_with("High: triage every hit"), "{}", high.advice);
    assert!(high.advice.contains("names no false positives"), "{}", high.advice);

    let informational = enrich(&meta(None, Some(Level::Informational)), None, &[], None).false_positives;
    assert!(informational.advice.starts_with("Informational: a record of activity, not an alert"));
}

#[test]
fn enrichment_is_deterministic() {
    let first = enrich(&meta(Some(Status::Test), Some(Level::High)), Some(&logsource()), &[converted(&[])], Some(&matrix()));
    let second = enrich(&meta(Some(Status::Test), Some(Level::High)), Some(&logsource()), &[converted(&[])], Some(&matrix()));
    assert_eq!(serde_json::to_string(&first).unwrap(), serde_json::to_string(&second).unwrap());
}
