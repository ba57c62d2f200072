//! Measures the time each target takes to convert the SigmaHQ corpus of the shared data
//! folder on one thread, after the rules are read. Run it with
//! `cargo run --release -p socfeed-kql --example corpus_timing`.

#[path = "../tests/common/corpus.rs"]
mod corpus;

use std::time::Instant;

fn main() {
    let Some(shared) = corpus::shared_root() else {
        eprintln!("skipping: ../shared not found");
        return;
    };
    let rules = corpus::read_rules(&shared);
    println!("rules: {}", rules.len());

    for target in socfeed_kql::TARGETS {
        let Some(backend) = socfeed_kql::backend(target) else { continue };
        let started = Instant::now();
        let converted = rules.iter().filter(|(_, rule)| backend.convert(rule).is_ok()).count();
        let elapsed = started.elapsed();
        println!("{target}: converted {converted}, refused {}, {elapsed:?}", rules.len() - converted);
    }
}
