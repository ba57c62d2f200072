//! Building the site from a few small rules.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;
use socfeed_feed::attack::AttackMatrix;
use socfeed_feed::{build_site, BuildOptions, BuildReport};

const MEGA_ID: &str = "fdeebdf0-9f3f-4d08-84a6-4c4d13e39fe4";

/// A small STIX bundle with the tactics and techniques the test rules name.
const BUNDLE: &str = r#"{"type":"bundle","id":"bundle--t","objects":[
  {"type":"x-mitre-matrix","id":"x-mitre-matrix--1","name":"Enterprise ATT&CK",
   "tactic_refs":["x-mitre-tactic--stealth","x-mitre-tactic--impair","x-mitre-tactic--exfil"]},
  {"type":"x-mitre-tactic","id":"x-mitre-tactic--exfil","name":"Exfiltration","x_mitre_shortname":"exfiltration",
   "external_references":[{"source_name":"mitre-attack","external_id":"TA0010","url":"https://attack.mitre.org/tactics/TA0010"}]},
  {"type":"x-mitre-tactic","id":"x-mitre-tactic--stealth","name":"Stealth","x_mitre_shortname":"stealth",
   "external_references":[{"source_name":"mitre-attack","external_id":"TA0005","url":"https://attack.mitre.org/tactics/TA0005"}]},
  {"type":"x-mitre-tactic","id":"x-mitre-tactic--impair","name":"Defense Impairment","x_mitre_shortname":"defense-impairment",
   "external_references":[{"source_name":"mitre-attack","external_id":"TA0112","url":"https://attack.mitre.org/tactics/TA0112"}]},
  {"type":"attack-pattern","id":"attack-pattern--web","name":"Exfiltration Over Web Service",
   "kill_chain_phases":[{"kill_chain_name":"mitre-attack","phase_name":"exfiltration"}],
   "external_references":[{"source_name":"mitre-attack","external_id":"T1567","url":"https://attack.mitre.org/techniques/T1567"}]},
  {"type":"attack-pattern","id":"attack-pattern--cloud","name":"Exfiltration to Cloud Storage","x_mitre_is_subtechnique":true,
   "kill_chain_phases":[{"kill_chain_name":"mitre-attack","phase_name":"exfiltration"}],
   "external_references":[{"source_name":"mitre-attack","external_id":"T1567.002","url":"https://attack.mitre.org/techniques/T1567/002"}]},
  {"type":"attack-pattern","id":"attack-pattern--tools","name":"Disable or Modify Tools",
   "kill_chain_phases":[{"kill_chain_name":"mitre-attack","phase_name":"defense-impairment"}],
   "external_references":[{"source_name":"mitre-attack","external_id":"T1685","url":"https://attack.mitre.org/techniques/T1685"}]},
  {"type":"relationship","id":"relationship--1","relationship_type":"subtechnique-of",
   "source_ref":"attack-pattern--cloud","target_ref":"attack-pattern--web"}
]}"#;

fn test_rules() -> Vec<PathBuf> {
    vec![PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data")]
}

fn matrix() -> AttackMatrix {
    AttackMatrix::from_slice(BUNDLE.as_bytes(), Path::new("test-bundle.json")).unwrap()
}

fn build(out_dir: &Path, attack: Option<&AttackMatrix>) -> BuildReport {
    let rule_paths = test_rules();
    let options = BuildOptions { out_dir, rule_paths: &rule_paths, attack, generated_at: None, force: false };
    build_site(&options).unwrap_or_else(|e| panic!("{e}"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&read(path)).unwrap()
}

/// Reads every file of a folder, keyed by path relative to it.
fn snapshot_dir(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(next) = pending.pop() {
        for item in std::fs::read_dir(&next).unwrap() {
            let path = item.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.insert(path.strip_prefix(dir).unwrap().to_owned(), std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

#[test]
fn site_layout_and_report() {
    let out = tempfile::tempdir().unwrap();
    let report = build(out.path(), Some(&matrix()));

    assert_eq!(report.files_read, 5);
    assert_eq!(report.documents, 4);
    assert_eq!(report.errors.len(), 2);
    for name in ["index.html", "index.json", "coverage.html", "errors.html", "style.css", "list.js"] {
        assert!(out.path().join(name).is_file(), "{name} missing");
    }
    for page in [MEGA_ID, "script-title", "no-id-twice", "no-id-twice-2"] {
        assert!(out.path().join(format!("rules/{page}.html")).is_file(), "{page}.html missing");
        assert!(out.path().join(format!("rules/{page}.json")).is_file(), "{page}.json missing");
    }
    let per_target: usize = report.targets.values().map(|t| t.converted + t.skipped + t.refused.values().sum::<usize>()).sum();
    assert_eq!(per_target, report.documents * socfeed_kql::TARGETS.len());
}

#[test]
fn errors_listed_with_positions() {
    let out = tempfile::tempdir().unwrap();
    let report = build(out.path(), None);

    let broken = report.errors.iter().find(|e| e.path.ends_with("broken.yml")).unwrap();
    assert_eq!(broken.line, Some(7));
    assert!(broken.message.contains("missing_selection"), "{}", broken.message);
    let not_yaml = report.errors.iter().find(|e| e.path.ends_with("not_yaml.yml")).unwrap();
    assert!(not_yaml.line.is_some());

    let errors_page = read(&out.path().join("errors.html"));
    assert!(errors_page.contains("broken.yml"));
    assert!(errors_page.contains("missing_selection"));
    let index = read_json(&out.path().join("index.json"));
    assert_eq!(index["errors"].as_array().unwrap().len(), 2);
    assert!(read(&out.path().join("index.html")).contains("2 read errors"));
}

#[test]
fn rule_markup_is_escaped() {
    let out = tempfile::tempdir().unwrap();
    build(out.path(), Some(&matrix()));

    let page = read(&out.path().join("rules/script-title.html"));
    assert!(!page.contains("<script>alert(1)"), "raw title in the rule page");
    assert!(!page.contains("<img src=x"), "raw description in the rule page");
    assert!(!page.contains("<b>Mallory"), "raw author in the rule page");
    assert!(page.contains("<h1>&lt;script&gt;alert(1)&lt;&#x2f;script&gt;</h1>"));

    let index = read(&out.path().join("index.html"));
    assert!(!index.contains("<script>alert(1)"), "raw title in the list page");
    assert!(index.contains(r#""title":"\u003cscript\u003ealert(1)\u003c/script\u003e""#));
    // The only `</script>` tags are the page's own two.
    assert_eq!(index.matches("</script>").count(), 2);

    let mega = read(&out.path().join(format!("rules/{MEGA_ID}.html")));
    assert!(!mega.contains("href=\"javascript:"), "a javascript: reference became a link");
    assert!(mega.contains("javascript:alert(2)"));
}

#[test]
fn build_is_deterministic() {
    let first = tempfile::tempdir().unwrap();
    let second = tempfile::tempdir().unwrap();
    build(first.path(), Some(&matrix()));
    build(second.path(), Some(&matrix()));
    assert_eq!(snapshot_dir(first.path()), snapshot_dir(second.path()));
}

#[test]
fn rebuild_removes_stale_pages() {
    let work = tempfile::tempdir().unwrap();
    let extra = work.path().join("extra");
    std::fs::create_dir_all(&extra).unwrap();
    std::fs::write(extra.join("gone.yml"), DUPLICATE_RULE.replace("TITLE", "Gone").replace("0a1b2c3d", "9a1b2c3d")).unwrap();
    let out = work.path().join("site");
    let gone = out.join("rules/9a1b2c3d-0000-4000-8000-00000000abcd.html");

    let with_extra = [test_rules(), vec![extra]].concat();
    let options = BuildOptions { out_dir: &out, rule_paths: &with_extra, attack: None, generated_at: None, force: false };
    build_site(&options).unwrap();
    assert!(gone.is_file(), "page of the extra rule missing");
    std::fs::write(out.join("rules/notes.txt"), "kept").unwrap();
    std::fs::write(out.join("rules/mine.html"), "kept").unwrap();

    build(&out, None);
    assert!(!gone.exists(), "stale page kept");
    assert!(!gone.with_extension("json").exists(), "stale JSON kept");
    assert!(out.join("rules/notes.txt").exists(), "a file the build did not write was removed");
    assert!(out.join("rules/mine.html").exists(), "a page the build did not write was removed");
    assert!(out.join(format!("rules/{MEGA_ID}.html")).is_file());
}

#[test]
fn non_empty_folder_is_rejected() {
    let out = tempfile::tempdir().unwrap();
    std::fs::write(out.path().join("index.html"), "my own page").unwrap();
    std::fs::write(out.path().join("notes.txt"), "my notes").unwrap();

    let rule_paths = test_rules();
    let options = BuildOptions { out_dir: out.path(), rule_paths: &rule_paths, attack: None, generated_at: None, force: false };
    let error = build_site(&options).unwrap_err().to_string();
    assert!(error.contains("is not empty and is not a site socfeed built"), "{error}");
    assert!(error.contains("index.html, notes.txt"), "{error}");
    assert!(error.contains("--force"), "{error}");
    assert_eq!(read(&out.path().join("index.html")), "my own page");
    assert!(!out.path().join("rules").exists(), "the rejected build wrote pages");

    let forced = BuildOptions { force: true, ..options };
    build_site(&forced).unwrap();
    assert!(read(&out.path().join("index.html")).contains("<h1>Rules</h1>"));
    assert_eq!(read(&out.path().join("notes.txt")), "my notes");

    // The forced build left a marker, so the next build needs no force.
    build(out.path(), None);
}

#[test]
fn earlier_site_is_recognised() {
    let out = tempfile::tempdir().unwrap();
    build(out.path(), None);
    let marker = read_json(&out.path().join(".socfeed-site"));
    assert_eq!(marker["generator"], "socfeed");
    assert_eq!(marker["pages"].as_array().unwrap().len(), 4);
    assert_eq!(read_json(&out.path().join("index.json"))["generator"], "socfeed");

    // Without the marker, index.json's generator still names the folder as a site.
    std::fs::remove_file(out.path().join(".socfeed-site")).unwrap();
    build(out.path(), None);

    // An index.json from another tool does not.
    std::fs::remove_file(out.path().join(".socfeed-site")).unwrap();
    std::fs::write(out.path().join("index.json"), r#"{"generator":"other","rules":[]}"#).unwrap();
    let rule_paths = test_rules();
    let options = BuildOptions { out_dir: out.path(), rule_paths: &rule_paths, attack: None, generated_at: None, force: false };
    assert!(build_site(&options).is_err(), "a foreign index.json was taken for a socfeed site");
}

#[cfg(unix)]
#[test]
fn symlinked_files_are_replaced() {
    use std::os::unix::fs::symlink;

    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("site");
    build(&out, None);

    // Links planted in the site point at a file outside it.
    let victim = work.path().join("victim.txt");
    std::fs::write(&victim, "precious").unwrap();
    let mega_page = out.join(format!("rules/{MEGA_ID}.html"));
    for link in [out.join("style.css"), out.join(".style.css.socfeed-tmp"), mega_page.clone()] {
        let _ = std::fs::remove_file(&link);
        symlink(&victim, &link).unwrap();
    }

    build(&out, None);
    assert_eq!(read(&victim), "precious", "the build wrote through a symlink");
    assert!(!out.join("style.css").is_symlink());
    assert!(read(&out.join("style.css")).contains(".matrix"));
    assert!(!mega_page.is_symlink());
    assert!(read(&mega_page).contains("Mega.nz"));
    assert!(!out.join(".style.css.socfeed-tmp").exists());
}

#[cfg(unix)]
#[test]
fn symlinked_rules_folder_is_replaced() {
    use std::os::unix::fs::symlink;

    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("site");
    build(&out, None);

    // rules/ becomes a link to a folder outside the site, and the marker lists a page that
    // exists only there.
    let victim_dir = work.path().join("victim-dir");
    std::fs::create_dir_all(&victim_dir).unwrap();
    std::fs::write(victim_dir.join("no-id-twice.html"), "precious page").unwrap();
    std::fs::write(victim_dir.join("gone.html"), "precious too").unwrap();
    let marker = out.join(".socfeed-site");
    let mut pages = read_json(&marker);
    pages["pages"].as_array_mut().unwrap().push("gone".into());
    std::fs::write(&marker, pages.to_string()).unwrap();
    std::fs::rename(out.join("rules"), work.path().join("old-rules")).unwrap();
    symlink(&victim_dir, out.join("rules")).unwrap();

    build(&out, None);
    assert_eq!(read(&victim_dir.join("no-id-twice.html")), "precious page", "the build wrote through a symlinked folder");
    assert_eq!(read(&victim_dir.join("gone.html")), "precious too", "the build deleted through a symlinked folder");
    assert!(!out.join("rules").is_symlink());
    assert!(out.join(format!("rules/{MEGA_ID}.html")).is_file());
}

#[test]
fn list_is_newest_first() {
    let out = tempfile::tempdir().unwrap();
    build(out.path(), None);
    let index = read_json(&out.path().join("index.json"));
    let pages: Vec<&str> = index["rules"].as_array().unwrap().iter().map(|r| r["page"].as_str().unwrap()).collect();
    assert_eq!(pages, ["script-title", MEGA_ID, "no-id-twice", "no-id-twice-2"]);
}

#[test]
fn rule_json_with_matrix() {
    let out = tempfile::tempdir().unwrap();
    build(out.path(), Some(&matrix()));
    let rule = read_json(&out.path().join(format!("rules/{MEGA_ID}.json")));

    let technique = &rule["enrichment"]["attack"]["techniques"][0];
    assert_eq!(technique["id"], "T1567.002");
    assert_eq!(technique["name"], "Exfiltration to Cloud Storage");
    assert_eq!(technique["parent"]["name"], "Exfiltration Over Web Service");
    assert_eq!(technique["tactics"][0]["name"], "Exfiltration");
    assert_eq!(rule["source"]["path"], "rules/windows/network_connection/net_connection_win_domain_mega_nz.yml");
    assert_eq!(rule["license"]["name"], "Detection Rule License (DRL) 1.1");
    assert!(rule["license"]["attribution"].as_str().unwrap().contains("Florian Roth"));
    assert_eq!(rule["conversions"].as_array().unwrap().len(), socfeed_kql::TARGETS.len());

    let attack_part = serde_json::json!({
        "attack": rule["enrichment"]["attack"],
        "source": rule["source"],
        "license": rule["license"],
    });
    // Key order depends on whether some crate in the build enables serde_json's
    // preserve_order feature, so the snapshot sorts keys.
    insta::with_settings!({ sort_maps => true }, {
        insta::assert_json_snapshot!("mega_attack_source_license", attack_part);
    });
}

#[test]
fn local_rule_has_no_sigmahq_link() {
    let out = tempfile::tempdir().unwrap();
    build(out.path(), None);
    let rule = read_json(&out.path().join("rules/script-title.json"));
    assert!(rule["source"]["url"].is_null());
    assert!(rule["source"]["path"].as_str().unwrap().ends_with("tests/data/local/script_title.yml"));
    assert!(rule["license"]["name"].is_null());
    assert!(rule["license"]["attribution"].as_str().unwrap().contains("no licence stated"));
}

#[test]
fn private_rules_folder_is_local() {
    let work = tempfile::tempdir().unwrap();
    let private = work.path().join("rules-mine");
    std::fs::create_dir_all(&private).unwrap();
    let rule = read(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/sigmahq/rules/windows/network_connection/net_connection_win_domain_mega_nz.yml"));
    std::fs::write(private.join("my_private_rule.yml"), rule).unwrap();

    let out = work.path().join("site");
    let rule_paths = vec![private];
    let options = BuildOptions { out_dir: &out, rule_paths: &rule_paths, attack: None, generated_at: None, force: false };
    build_site(&options).unwrap();

    let rule = read_json(&out.join(format!("rules/{MEGA_ID}.json")));
    assert!(rule["source"]["url"].is_null(), "{}", rule["source"]);
    assert!(rule["source"]["path"].as_str().unwrap().ends_with("rules-mine/my_private_rule.yml"));
    assert!(rule["license"]["name"].is_null());
    let page = read(&out.join(format!("rules/{MEGA_ID}.html")));
    assert!(!page.contains("github.com/SigmaHQ/sigma/blob"), "private rule linked to SigmaHQ");
    assert!(!page.contains("Detection Rule License"), "private rule given the DRL");
    assert!(page.contains("no licence stated"));
}

#[test]
fn without_matrix_names_are_missing() {
    let out = tempfile::tempdir().unwrap();
    build(out.path(), None);
    let rule = read_json(&out.path().join(format!("rules/{MEGA_ID}.json")));
    let attack = &rule["enrichment"]["attack"];
    assert_eq!(attack["matrix_loaded"], false);
    assert_eq!(attack["techniques"][0]["id"], "T1567.002");
    assert!(attack["techniques"][0]["name"].is_null());
    assert_eq!(attack["techniques"][0]["tactics"][0]["shortname"], "exfiltration");

    let page = read(&out.path().join(format!("rules/{MEGA_ID}.html")));
    assert!(page.contains("Names missing"));
    let coverage = read(&out.path().join("coverage.html"));
    assert!(coverage.contains("No ATT&amp;CK bundle was loaded"));
    assert!(coverage.contains("index.html?technique=T1567"));
}

#[test]
fn coverage_links_and_counts() {
    let out = tempfile::tempdir().unwrap();
    build(out.path(), Some(&matrix()));
    let coverage = read(&out.path().join("coverage.html"));

    let stealth = coverage.find(">Stealth<").unwrap();
    let impairment = coverage.find(">Defense Impairment<").unwrap();
    let exfiltration = coverage.find(">Exfiltration<").unwrap();
    assert!(stealth < impairment, "stealth after defense impairment");
    assert!(impairment < exfiltration, "defense impairment after exfiltration");
    assert!(coverage.contains(r#"<a href="index.html?technique=T1567"><span class="tid">T1567</span> Exfiltration Over Web Service</a>"#));
    assert!(coverage.contains(r#"href="index.html?technique=T1567.002""#));
    assert!(coverage.contains(r#"href="index.html?technique=T1685""#));
}

const DUPLICATE_RULE: &str = "title: TITLE
id: 0a1b2c3d-0000-4000-8000-00000000abcd
logsource: {category: process_creation, product: windows}
detection:
    selection: {Image|endswith: '\\\\whoami.exe'}
    condition: selection
";

#[test]
fn duplicate_ids_are_reported() {
    let work = tempfile::tempdir().unwrap();
    let first = work.path().join("a/first.yml");
    let second = work.path().join("b/second.yml");
    for (path, title) in [(&first, "First"), (&second, "Second")] {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, DUPLICATE_RULE.replace("TITLE", title)).unwrap();
    }

    // The page names do not depend on the order the rule paths are given in.
    for rule_paths in [vec![first.clone(), second.clone()], vec![second.clone(), first.clone()]] {
        let out = tempfile::tempdir().unwrap();
        let options = BuildOptions { out_dir: out.path(), rule_paths: &rule_paths, attack: None, generated_at: None, force: false };
        let report = build_site(&options).unwrap();

        assert_eq!(report.duplicate_ids.len(), 1);
        let duplicate = &report.duplicate_ids[0];
        assert_eq!(duplicate.id, "0a1b2c3d-0000-4000-8000-00000000abcd");
        let pages: Vec<&str> = duplicate.uses.iter().map(|u| u.page.as_str()).collect();
        assert_eq!(pages, ["0a1b2c3d-0000-4000-8000-00000000abcd", "0a1b2c3d-0000-4000-8000-00000000abcd-2"]);
        assert!(duplicate.uses[0].path.ends_with("a/first.yml"), "{:?}", duplicate.uses);
        assert!(duplicate.uses[1].path.ends_with("b/second.yml"), "{:?}", duplicate.uses);

        let first_page = read_json(&out.path().join("rules/0a1b2c3d-0000-4000-8000-00000000abcd.json"));
        assert_eq!(first_page["title"], "First");

        let errors_page = read(&out.path().join("errors.html"));
        assert!(errors_page.contains("id 0a1b2c3d-0000-4000-8000-00000000abcd is used by "), "no warning on errors.html");
        assert!(errors_page.contains("first.yml (page 0a1b2c3d-0000-4000-8000-00000000abcd) and "));
        let index = read_json(&out.path().join("index.json"));
        assert_eq!(index["report"]["duplicate_ids"][0]["uses"].as_array().unwrap().len(), 2);
        assert!(read(&out.path().join("index.html")).contains(">1 duplicate id</a>"));
    }
}

#[test]
fn unique_ids_give_no_warning() {
    let out = tempfile::tempdir().unwrap();
    let report = build(out.path(), None);
    assert!(report.duplicate_ids.is_empty(), "{:?}", report.duplicate_ids);
    assert!(!read(&out.path().join("errors.html")).contains("Warnings"));
}
