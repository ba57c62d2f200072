//! Matcher throughput: SigmaHQ's regression events matched against every Windows rule,
//! and the same events only turned into the event model, for the ratio of the two.
//!
//! Run with `cargo bench -p socfeed-hunt --bench matcher` (needs ../shared).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use socfeed_hunt::input::shape::event_from_json;
use socfeed_hunt::{RuleFilter, RuleSet};

fn corpus() -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    path.is_dir().then_some(path)
}

/// The rule set and the JSON renderings of the regression events.
fn fixture() -> Option<(RuleSet, Vec<serde_json::Value>)> {
    let corpus = corpus()?;
    let folders: Vec<PathBuf> =
        ["rules", "rules-emerging-threats", "rules-threat-hunting"].iter().map(|f| corpus.join("sigmahq").join(f)).collect();
    let rules = RuleSet::load(&folders, &RuleFilter::default());

    let (cases, _) = socfeed_hunt::regression::find_cases(&corpus.join("sigmahq/regression_data"));
    let events = cases
        .iter()
        .flat_map(|case| case.files.iter().filter(|f| f.extension().is_some_and(|e| e == "json")))
        .filter_map(|file| std::fs::read_to_string(file).ok())
        .filter_map(|text| serde_json::from_str(&text).ok())
        .collect();
    Some((rules, events))
}

fn main() {
    if corpus().is_none() {
        eprintln!("skipping: ../shared not found");
        return;
    }
    divan::main();
}

#[divan::bench]
fn build_events(bencher: divan::Bencher) {
    let Some((rules, events)) = fixture() else { return };
    bencher.counter(divan::counter::ItemsCount::new(events.len())).bench(|| {
        events.iter().map(|json| event_from_json(json, rules.event_builder()).fields.len()).sum::<usize>()
    });
}

#[divan::bench]
fn build_and_match_events(bencher: divan::Bencher) {
    let Some((rules, events)) = fixture() else { return };
    let source: Arc<Path> = Arc::from(Path::new("bench.json"));
    bencher.counter(divan::counter::ItemsCount::new(events.len())).bench(|| {
        events.iter().map(|json| rules.detect(&event_from_json(json, rules.event_builder()), &source).len()).sum::<usize>()
    });
}
