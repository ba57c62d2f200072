//! Building the feed from the whole SigmaHQ corpus with the ATT&CK v19 bundle.

mod common;

use std::path::PathBuf;
use std::time::Instant;

use serde_json::Value;
use socfeed_feed::attack::AttackMatrix;
use socfeed_feed::{build_site, BuildOptions};

const MEGA_ID: &str = "fdeebdf0-9f3f-4d08-84a6-4c4d13e39fe4";

#[test]
fn corpus_feed_has_mega_rule() {
    let Some(shared) = common::shared_dir() else { return };
    let corpus = shared.join("corpus/sigmahq");
    let rule_paths: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_dir() && path.file_name().unwrap().to_string_lossy().starts_with("rules"))
        .collect();
    let matrix = AttackMatrix::load(&shared.join("data/attack/enterprise-attack-19.1-reconstructed.json")).unwrap();
    let out = tempfile::tempdir().unwrap();

    let started = Instant::now();
    let options = BuildOptions { out_dir: out.path(), rule_paths: &rule_paths, attack: Some(&matrix), generated_at: None, force: false };
    let report = build_site(&options).unwrap();
    eprintln!("built {} documents in {:?}: {:?}", report.documents, started.elapsed(), report.targets);

    assert!(report.files_read > 3000, "only {} files read", report.files_read);
    assert!(report.documents >= report.files_read - report.errors.len());
    assert!(report.errors.len() < 50, "{} read errors: {:?}", report.errors.len(), report.errors.first());

    let rule: Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join(format!("rules/{MEGA_ID}.json"))).unwrap()).unwrap();
    let technique = &rule["enrichment"]["attack"]["techniques"][0];
    assert_eq!(technique["id"], "T1567.002");
    assert_eq!(technique["name"], "Exfiltration to Cloud Storage");
    assert_eq!(technique["tactics"][0]["name"], "Exfiltration");
    assert_eq!(rule["source"]["url"], "https://github.com/SigmaHQ/sigma/blob/master/rules/windows/network_connection/net_connection_win_domain_mega_nz.yml");

    let page = std::fs::read_to_string(out.path().join(format!("rules/{MEGA_ID}.html"))).unwrap();
    assert!(page.contains("Exfiltration to Cloud Storage"));
    assert!(page.contains(">Exfiltration</a>"));

    // The ASIM backend's query for this rule.
    let asim = rule["conversions"].as_array().unwrap().iter().find(|c| c["target"] == "sentinel-asim");
    if let Some(asim) = asim.filter(|c| c["status"] != "no-backend") {
        let query = asim["conversion"]["query"].as_str().unwrap();
        assert!(query.starts_with("imNetworkSession"), "{query}");
        assert!(query.contains("NetworkDirection == \"Outbound\""), "{query}");
        assert!(query.contains("DstFQDN"), "{query}");
        assert!(page.contains("imNetworkSession"));
        assert!(page.contains("NetworkDirection == &quot;Outbound&quot;"));
    }

    let index: Value = serde_json::from_str(&std::fs::read_to_string(out.path().join("index.json")).unwrap()).unwrap();
    assert_eq!(index["rules"].as_array().unwrap().len(), report.documents);
    let coverage = std::fs::read_to_string(out.path().join("coverage.html")).unwrap();
    assert!(coverage.contains(">Defense Impairment</a>"));
    assert!(coverage.contains("index.html?technique=T1567"));
}
