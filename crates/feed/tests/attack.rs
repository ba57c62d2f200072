//! Reading MITRE ATT&CK STIX bundles.

mod common;

use std::path::Path;
use std::time::Instant;

use socfeed_feed::attack::{AttackError, AttackMatrix};

const V19: &str = "enterprise-attack-19.1-reconstructed.json";
const V18: &str = "enterprise-attack-18.1.json";

fn load(name: &str) -> Option<AttackMatrix> {
    let path = common::attack_bundle(name)?;
    let started = Instant::now();
    let matrix = AttackMatrix::load(&path).unwrap_or_else(|e| panic!("{e}"));
    eprintln!("loaded {name} in {:?}", started.elapsed());
    Some(matrix)
}

#[test]
fn v19_tactics_in_matrix_order() {
    let Some(matrix) = load(V19) else { return };
    let shortnames: Vec<&str> = matrix.tactics().iter().map(|t| t.shortname.as_str()).collect();
    assert_eq!(
        shortnames,
        [
            "reconnaissance",
            "resource-development",
            "initial-access",
            "execution",
            "persistence",
            "privilege-escalation",
            "stealth",
            "defense-impairment",
            "credential-access",
            "discovery",
            "lateral-movement",
            "collection",
            "command-and-control",
            "exfiltration",
            "impact",
        ]
    );
    let stealth = matrix.tactic("stealth").unwrap();
    assert_eq!(stealth.id, "TA0005");
    assert_eq!(stealth.name, "Stealth");
    assert_eq!(matrix.tactic("defense-impairment").unwrap().id, "TA0112");
    assert!(matrix.tactic("defense-evasion").is_none());
}

#[test]
fn v19_exfiltration_to_cloud_storage() {
    let Some(matrix) = load(V19) else { return };
    let technique = matrix.technique("t1567.002").unwrap();
    assert_eq!(technique.id, "T1567.002");
    assert_eq!(technique.name, "Exfiltration to Cloud Storage");
    assert_eq!(technique.tactics, ["exfiltration"]);
    assert_eq!(technique.parent.as_deref(), Some("T1567"));
    assert_eq!(technique.url, "https://attack.mitre.org/techniques/T1567/002");
    assert!(technique.is_active());
    assert_eq!(matrix.technique("T1567").unwrap().name, "Exfiltration Over Web Service");
    assert_eq!(matrix.tactic("exfiltration").unwrap().name, "Exfiltration");
}

#[test]
fn v19_new_technique_and_revoked_replacement() {
    let Some(matrix) = load(V19) else { return };
    let t1685 = matrix.technique("T1685").unwrap();
    assert!(t1685.is_active());
    assert!(t1685.tactics.contains(&"defense-impairment".to_owned()));

    let t1562 = matrix.technique("T1562").unwrap();
    assert!(t1562.revoked);
    assert_eq!(t1562.revoked_by.as_deref(), Some("T1685"));
    assert_eq!(matrix.current("T1562").unwrap().id, "T1685");
}

#[test]
fn v19_counts() {
    let Some(matrix) = load(V19) else { return };
    let active: Vec<_> = matrix.techniques().filter(|t| t.is_active()).collect();
    assert_eq!(active.len(), 697);
    assert_eq!(active.iter().filter(|t| t.parent.is_some()).count(), 475);
    assert_eq!(matrix.techniques().filter(|t| t.revoked).count(), 149);
    assert_eq!(matrix.techniques().filter(|t| t.deprecated).count(), 12);
    let stealth = active.iter().filter(|t| t.tactics.iter().any(|s| s == "stealth")).count();
    assert_eq!(stealth, 148);
}

#[test]
fn v18_has_defense_evasion() {
    let Some(matrix) = load(V18) else { return };
    assert_eq!(matrix.tactics().len(), 14);
    assert_eq!(matrix.tactic("defense_evasion").unwrap().name, "Defense Evasion");
    assert!(matrix.technique("T1685").is_none());
    assert!(matrix.technique("T1562").unwrap().is_active());
    assert_eq!(matrix.techniques().filter(|t| t.is_active()).count(), 691);
    assert_eq!(matrix.techniques().filter(|t| t.revoked).count(), 132);
}

#[test]
fn small_bundle_without_matrix() {
    // STIX 2.1 shape, no x-mitre-matrix: tactics fall back to id order, the parent to the id.
    let json = r#"{"type":"bundle","id":"bundle--1","objects":[
      {"type":"x-mitre-tactic","id":"x-mitre-tactic--2","name":"Impact","x_mitre_shortname":"impact",
       "external_references":[{"source_name":"mitre-attack","external_id":"TA0040","url":"u2"}]},
      {"type":"x-mitre-tactic","id":"x-mitre-tactic--1","name":"Execution","x_mitre_shortname":"execution",
       "external_references":[{"source_name":"mitre-attack","external_id":"TA0002","url":"u1"}]},
      {"type":"attack-pattern","id":"attack-pattern--1","name":"Sub \"quoted\"","spec_version":"2.1",
       "kill_chain_phases":[{"kill_chain_name":"mitre-attack","phase_name":"execution"},
                            {"kill_chain_name":"other","phase_name":"x"}],
       "external_references":[{"source_name":"capec","external_id":"CAPEC-1"},
                              {"source_name":"mitre-attack","external_id":"T1059.001","url":"u3"}]},
      {"type":"malware","id":"malware--1","name":"ignored"}
    ]}"#;
    let matrix = AttackMatrix::from_slice(json.as_bytes(), Path::new("inline.json")).unwrap();
    let ids: Vec<&str> = matrix.tactics().iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["TA0002", "TA0040"]);
    let technique = matrix.technique("T1059.001").unwrap();
    assert_eq!(technique.name, "Sub \"quoted\"");
    assert_eq!(technique.tactics, ["execution"]);
    assert_eq!(technique.parent.as_deref(), Some("T1059"));
}

#[test]
fn invalid_bundles_name_the_file() {
    let not_json = AttackMatrix::from_slice(b"{\"objects\": [", Path::new("broken.json"));
    let message = not_json.unwrap_err().to_string();
    assert!(message.contains("broken.json"), "{message}");

    let no_tactics = AttackMatrix::from_slice(br#"{"objects": []}"#, Path::new("empty.json"));
    assert!(matches!(no_tactics, Err(AttackError::NoTactics { .. })));

    let missing = AttackMatrix::load(Path::new("/nonexistent/enterprise-attack.json"));
    assert!(matches!(missing, Err(AttackError::Read { .. })));
}

#[test]
fn download_failure_is_clear() {
    // A closed local port: the request fails without reaching any outside host.
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("cache/enterprise-attack.json");
    let result = socfeed_feed::attack::download("http://127.0.0.1:9/enterprise-attack.json", &dest);
    let message = result.unwrap_err().to_string();
    assert!(message.starts_with("cannot download http://127.0.0.1:9/"), "{message}");
    assert!(!dest.exists());
}
