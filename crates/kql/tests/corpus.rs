//! Converts every SigmaHQ rule of the shared corpus with the `sentinel-asim` target.
//! Skips when the shared data folder is absent.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use common::corpus::{read_rules, shared_root};
use socfeed_kql::{backend, Conversion, Refusal};
use socfeed_sigma::Document;

/// Converted rules must not fall below this count. The mapping converts 2,394 of the
/// corpus's 3,754 rules; 60 % would be 2,253.
const MIN_CONVERTED: usize = 2370;

struct Outcome {
    path: String,
    id: Option<String>,
    result: Result<Conversion, Refusal>,
}

/// Reads every rule, then converts them all; returns the outcomes and the time the
/// conversions alone took.
fn convert_corpus(shared: &Path) -> (Vec<Outcome>, Duration) {
    let rules = read_rules(shared);

    let backend = backend("sentinel-asim").expect("sentinel-asim is a target");
    let started = Instant::now();
    let results: Vec<_> = rules.iter().map(|(_, rule)| backend.convert(rule)).collect();
    let elapsed = started.elapsed();

    let outcomes = rules
        .into_iter()
        .zip(results)
        .map(|((path, rule), result)| Outcome { path, id: rule.meta.id.clone(), result })
        .collect();
    (outcomes, elapsed)
}

#[test]
fn corpus_conversion_counts() {
    let Some(shared) = shared_root() else {
        eprintln!("skipping: ../shared not found");
        return;
    };

    let (outcomes, elapsed) = convert_corpus(&shared);

    let converted = outcomes.iter().filter(|o| o.result.is_ok()).count();
    let mut by_reason: BTreeMap<&str, usize> = BTreeMap::new();
    let mut by_subject: BTreeMap<(String, String), usize> = BTreeMap::new();
    for outcome in &outcomes {
        if let Err(refusal) = &outcome.result {
            *by_reason.entry(refusal.reason.code()).or_default() += 1;
            let subject = refusal.subject.clone().unwrap_or_default();
            *by_subject.entry((refusal.reason.code().to_string(), subject)).or_default() += 1;
            assert!(!refusal.message.is_empty(), "{}: refusal without a message", outcome.path);
        }
    }

    let mut subjects: Vec<_> = by_subject.into_iter().collect();
    subjects.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    eprintln!("rules: {}, converted: {converted}, conversion time: {elapsed:?}", outcomes.len());
    eprintln!("refusals by reason: {by_reason:?}");
    for ((reason, subject), count) in subjects.iter().take(40) {
        eprintln!("  {count:5} {reason} {subject}");
    }

    assert!(outcomes.len() >= 3700, "expected the whole corpus, read {} rules", outcomes.len());
    assert!(converted >= MIN_CONVERTED, "converted {converted} rules, expected at least {MIN_CONVERTED}");
}

#[test]
fn corpus_mega_nz_query() {
    let Some(shared) = shared_root() else {
        eprintln!("skipping: ../shared not found");
        return;
    };
    let path = shared.join("corpus/sigmahq/rules/windows/network_connection/net_connection_win_domain_mega_nz.yml");
    let file = socfeed_sigma::read_file(&path);
    let Some(Document::Rule(rule)) = file.documents.first() else {
        panic!("{} holds no rule: {:?}", path.display(), file.errors);
    };
    assert_eq!(rule.meta.id.as_deref(), Some("fdeebdf0-9f3f-4d08-84a6-4c4d13e39fe4"));

    let conversion = backend("sentinel-asim").unwrap().convert(rule).expect("the Mega.nz rule converts");
    let query = &conversion.query;
    assert!(query.starts_with("imNetworkSession\n| where "), "{query}");
    assert!(query.contains(r#"NetworkDirection == "Outbound""#), "{query}");
    assert!(query.contains(r#"DstFQDN endswith "mega.co.nz""#), "{query}");
    assert!(query.contains(r#"DstFQDN endswith "mega.nz""#), "{query}");
    assert!(!query.contains("true"), "Initiated must not be compared with true: {query}");
    assert_eq!(conversion.data_sources[0].name, "imNetworkSession");
}

#[test]
fn corpus_every_outcome_is_explained() {
    let Some(shared) = shared_root() else {
        eprintln!("skipping: ../shared not found");
        return;
    };
    for outcome in convert_corpus(&shared).0 {
        match &outcome.result {
            Ok(conversion) => {
                assert!(conversion.query.contains("\n| where "), "{}: {}", outcome.path, conversion.query);
                assert_eq!(conversion.data_sources.len(), 1, "{}", outcome.path);
            }
            Err(refusal) => {
                assert!(refusal.subject.is_some(), "{} ({:?}): refusal without a subject", outcome.path, outcome.id);
            }
        }
    }
}
