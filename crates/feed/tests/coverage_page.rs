//! The coverage page as headless Chromium lays it out (skipped without `chromium`).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use socfeed_feed::attack::AttackMatrix;
use socfeed_feed::{build_site, BuildOptions};

/// Three tactics with one technique each, and a sub-technique of T1567.
const BUNDLE: &str = r#"{"type":"bundle","id":"bundle--t","objects":[
  {"type":"x-mitre-matrix","id":"x-mitre-matrix--1","name":"Enterprise ATT&CK",
   "tactic_refs":["x-mitre-tactic--stealth","x-mitre-tactic--impair","x-mitre-tactic--exfil"]},
  {"type":"x-mitre-tactic","id":"x-mitre-tactic--exfil","name":"Exfiltration","x_mitre_shortname":"exfiltration",
   "external_references":[{"source_name":"mitre-attack","external_id":"TA0010"}]},
  {"type":"x-mitre-tactic","id":"x-mitre-tactic--stealth","name":"Stealth","x_mitre_shortname":"stealth",
   "external_references":[{"source_name":"mitre-attack","external_id":"TA0005"}]},
  {"type":"x-mitre-tactic","id":"x-mitre-tactic--impair","name":"Defense Impairment","x_mitre_shortname":"defense-impairment",
   "external_references":[{"source_name":"mitre-attack","external_id":"TA0112"}]},
  {"type":"attack-pattern","id":"attack-pattern--web","name":"Exfiltration Over Web Service",
   "kill_chain_phases":[{"kill_chain_name":"mitre-attack","phase_name":"exfiltration"}],
   "external_references":[{"source_name":"mitre-attack","external_id":"T1567"}]},
  {"type":"attack-pattern","id":"attack-pattern--cloud","name":"Exfiltration to Cloud Storage","x_mitre_is_subtechnique":true,
   "kill_chain_phases":[{"kill_chain_name":"mitre-attack","phase_name":"exfiltration"}],
   "external_references":[{"source_name":"mitre-attack","external_id":"T1567.002"}]},
  {"type":"attack-pattern","id":"attack-pattern--tools","name":"Disable or Modify Tools",
   "kill_chain_phases":[{"kill_chain_name":"mitre-attack","phase_name":"defense-impairment"}],
   "external_references":[{"source_name":"mitre-attack","external_id":"T1685"}]},
  {"type":"attack-pattern","id":"attack-pattern--hide","name":"Hide Artifacts",
   "kill_chain_phases":[{"kill_chain_name":"mitre-attack","phase_name":"stealth"}],
   "external_references":[{"source_name":"mitre-attack","external_id":"T1564"}]},
  {"type":"relationship","id":"relationship--1","relationship_type":"subtechnique-of",
   "source_ref":"attack-pattern--cloud","target_ref":"attack-pattern--web"}
]}"#;

fn chromium_available() -> bool {
    let found = Command::new("chromium").arg("--version").output().is_ok_and(|o| o.status.success());
    if !found {
        eprintln!("skipping: chromium not found");
    }
    found
}

/// Writes `count` rules tagged with `tag` into `dir`.
fn write_rules(dir: &Path, tag: &str, count: usize) {
    for n in 0..count {
        let mut rule = String::new();
        writeln!(rule, "title: {tag} rule {n}").unwrap();
        writeln!(rule, "tags: [attack.{tag}]").unwrap();
        rule.push_str("logsource: {category: process_creation, product: windows}\n");
        rule.push_str("detection:\n    selection: {Image|endswith: '\\\\x.exe'}\n    condition: selection\n");
        std::fs::write(dir.join(format!("{}_{n}.yml", tag.replace('.', "_"))), rule).unwrap();
    }
}

/// Loads `page` in headless Chromium with `width` x `height` pixels and returns what the probe measured.
fn probe(page: &Path, width: u32, height: u32) -> Value {
    let profile = tempfile::tempdir().unwrap();
    let output = Command::new("timeout")
        .arg("60")
        .arg("chromium")
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"])
        .args(["--disable-background-networking", "--disable-component-update", "--disable-sync"])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--window-size={width},{height}"))
        .args(["--virtual-time-budget=3000", "--dump-dom"])
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&output.stdout);
    let start = dom.find("data-probe=\"").unwrap_or_else(|| panic!("no probe result: {}", String::from_utf8_lossy(&output.stderr)));
    let rest = &dom[start + "data-probe=\"".len()..];
    let json = &rest[..rest.find('"').unwrap()];
    serde_json::from_str(&json.replace("&quot;", "\"").replace("&amp;", "&")).unwrap()
}

/// Builds a site whose matrix has shades 1 to 4, including light sub-techniques in a dark cell.
fn build_probe_page(work: &Path) -> PathBuf {
    let rules = work.join("rules");
    std::fs::create_dir_all(&rules).unwrap();
    write_rules(&rules, "t1567", 12);
    write_rules(&rules, "t1567.002", 1);
    write_rules(&rules, "t1685", 6);
    write_rules(&rules, "t1564", 2);

    let out = work.join("site");
    let matrix = AttackMatrix::from_slice(BUNDLE.as_bytes(), Path::new("test-bundle.json")).unwrap();
    let rule_paths = vec![rules];
    let options = BuildOptions { out_dir: &out, rule_paths: &rule_paths, attack: Some(&matrix), generated_at: None, force: false };
    build_site(&options).unwrap();

    let page = std::fs::read_to_string(out.join("coverage.html")).unwrap();
    assert!(page.contains("class=\"cell shade-4"), "no dark cell to check");
    assert!(page.contains("<li class=\"shade-1\">"), "no light sub-technique to check");
    let probe_script = std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/js/coverage_probe.js")).unwrap();
    let probed = page.replace("</body>", &format!("<script>{probe_script}</script></body>"));
    let probe_page = out.join("coverage-probe.html");
    std::fs::write(&probe_page, probed).unwrap();
    probe_page
}

#[test]
fn coverage_text_contrast() {
    if !chromium_available() {
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let page = build_probe_page(work.path());

    let measured = probe(&page, 1400, 900);
    assert!(measured["checked"].as_u64().unwrap() >= 8, "{measured}");
    // WCAG 2 level AA requires a contrast ratio of 4.5:1 for text of this size.
    let worst = &measured["worst"];
    assert!(worst["ratio"].as_f64().unwrap() >= 4.5, "low contrast: {worst}");
}

#[test]
fn coverage_matrix_scrolls_sideways() {
    if !chromium_available() {
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let page = build_probe_page(work.path());

    // Three columns do not fit in 400 pixels: the matrix scrolls, the page does not.
    let measured = probe(&page, 400, 600);
    assert_eq!(measured["matrixOverflowX"], "auto");
    assert!(measured["matrixScrollWidth"].as_f64() > measured["matrixClientWidth"].as_f64(), "{measured}");
    assert!(measured["pageWidth"].as_f64() <= measured["windowWidth"].as_f64(), "page wider than the window: {measured}");
    assert!(measured["matrixBottom"].as_f64() <= measured["windowHeight"].as_f64(), "matrix taller than the window: {measured}");

    let coverage = std::fs::read_to_string(page.with_file_name("coverage.html")).unwrap();
    for tactic in ["stealth", "defense-impairment", "exfiltration"] {
        assert!(coverage.contains(&format!("<a href=\"#tactic-{tactic}\">")), "no jump link to {tactic}");
        assert!(coverage.contains(&format!("id=\"tactic-{tactic}\"")), "no column id for {tactic}");
    }
}
