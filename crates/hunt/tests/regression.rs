//! SigmaHQ's regression cases: each rule fires on its recorded event, and no rule fires on
//! an event outside its log source.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use socfeed_hunt::scan_file;

#[test]
fn every_regression_case_fires_its_rule() {
    let Some(corpus) = common::corpus() else { return };
    let scanner = common::scanner_for(&common::rule_folders(&corpus));
    let cases = common::regression_cases(&corpus);
    assert!(cases.len() >= 100, "only {} regression cases found", cases.len());

    let mut failures = Vec::new();
    for case in &cases {
        for file in &case.files {
            let outcome = scan_file(file, &scanner, 1);
            assert!(outcome.errors.is_empty(), "{}: {:?}", file.display(), outcome.errors);
            assert!(outcome.events > 0, "{}: no events read", file.display());
            let fired = outcome.detections.iter().any(|d| d.rule.id.as_deref() == Some(case.rule_id.as_str()));
            if !fired {
                failures.push(format!("{} ({})", file.display(), case.rule_id));
            }
        }
    }
    assert!(failures.is_empty(), "{} of {} cases did not fire:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

/// The channels and event IDs of each Sigma log source as SigmaHQ's own regression checker
/// (its THOR configuration) defines them: an oracle written independently of this crate's
/// table.
struct Oracle {
    /// Category to (service, event IDs).
    categories: BTreeMap<String, Vec<(String, Option<BTreeSet<u32>>)>>,
    /// Service to lowercase channels.
    channels: BTreeMap<String, BTreeSet<String>>,
}

fn oracle(corpus: &Path) -> Oracle {
    let text = std::fs::read_to_string(corpus.join("sigmahq/thor-logsources.yml")).unwrap_or_default();
    let docs = yaml_rust2::YamlLoader::load_from_str(&text).unwrap_or_default();
    let mut oracle = Oracle { categories: BTreeMap::new(), channels: BTreeMap::new() };
    let Some(sources) = docs.first().and_then(|d| d["logsources"].as_hash()) else { panic!("thor-logsources.yml has no logsources") };

    for entry in sources.values() {
        let service = entry["rewrite"]["service"].as_str().or(entry["service"].as_str()).map(str::to_owned);
        if let (Some(category), Some(service)) = (entry["category"].as_str(), &service) {
            let ids = &entry["conditions"]["EventID"];
            let ids: Option<BTreeSet<u32>> = match (ids.as_i64(), ids.as_vec()) {
                (Some(id), _) => Some([id as u32].into()),
                (_, Some(list)) => Some(list.iter().filter_map(|v| v.as_i64()).map(|v| v as u32).collect()),
                _ => None,
            };
            oracle.categories.entry(category.to_owned()).or_default().push((service.clone(), ids));
        }
        if let (Some(service), Some(list)) = (&service, entry["sources"].as_vec()) {
            let channels = list.iter().filter_map(|s| s.as_str()?.strip_prefix("WinEventLog:")).map(str::to_lowercase);
            oracle.channels.entry(service.clone()).or_default().extend(channels);
        }
    }
    oracle
}

#[test]
fn no_rule_fires_outside_its_logsource() {
    let Some(corpus) = common::corpus() else { return };
    let scanner = common::scanner_for(&common::rule_folders(&corpus));
    let oracle = oracle(&corpus);

    let mut hits = 0;
    let mut checked = 0;
    let mut violations = Vec::new();
    for case in common::regression_cases(&corpus) {
        for file in case.files.iter().filter(|f| f.extension().is_some_and(|e| e == "evtx")) {
            for detection in scan_file(file, &scanner, 1).detections {
                hits += 1;
                let channel = detection.channel.clone().unwrap_or_default().to_lowercase();
                let event_id = detection.event_id.unwrap_or(0);
                let logsource = logsource_of(&detection.rule.path);
                let allowed = match (&logsource.0, &logsource.1) {
                    (Some(category), service) => match oracle.categories.get(category) {
                        Some(kinds) => kinds.iter().any(|(kind_service, ids)| {
                            service.as_ref().is_none_or(|s| s == kind_service)
                                && oracle.channels.get(kind_service).is_some_and(|c| c.contains(&channel))
                                && ids.as_ref().is_none_or(|ids| ids.contains(&event_id))
                        }),
                        None => continue,
                    },
                    (None, Some(service)) => match oracle.channels.get(service) {
                        Some(channels) => channels.contains(&channel),
                        None => continue,
                    },
                    (None, None) => continue,
                };
                checked += 1;
                if !allowed {
                    violations.push(format!("{} fired on {channel} {event_id} in {}", detection.rule.title, file.display()));
                }
            }
        }
    }
    assert!(hits > 0, "no detections at all");
    assert!(checked * 10 >= hits * 9, "only {checked} of {hits} hits had a log source the oracle knows");
    assert!(violations.is_empty(), "{} hits outside their log source:\n{}", violations.len(), violations.join("\n"));
}

/// Reads a rule's category and service from its file.
fn logsource_of(path: &Path) -> (Option<String>, Option<String>) {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let docs = yaml_rust2::YamlLoader::load_from_str(&text).unwrap_or_default();
    let logsource = docs.first().map(|d| d["logsource"].clone()).unwrap_or(yaml_rust2::Yaml::BadValue);
    (logsource["category"].as_str().map(str::to_owned), logsource["service"].as_str().map(str::to_owned))
}
