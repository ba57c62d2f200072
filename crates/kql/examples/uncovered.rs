//! Lists the corpus rules that no target converts, grouped by log source and by each
//! target's refusal, largest groups first: `cargo run -p socfeed-kql --example uncovered
//! -- [--all] [--top N]`. With `--all` every rule of the shown groups is printed.
//! A converted query still has to pass the validation harness (the `kql_validate`
//! test) to count as valid; this example only shows what is refused.

#[path = "../tests/common/corpus.rs"]
mod corpus;

use std::collections::BTreeMap;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let list_rules = args.iter().any(|a| a == "--all");
    let top = args
        .iter()
        .position(|a| a == "--top")
        .and_then(|at| args.get(at + 1))
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(30);

    let Some(shared) = corpus::shared_root() else {
        eprintln!("skipping: ../shared not found");
        return;
    };
    let rules = corpus::read_rules(&shared);
    let backends: Vec<_> = socfeed_kql::TARGETS.iter().filter_map(|t| socfeed_kql::backend(t)).collect();

    // (log source, refusal per target) to the rules in that group.
    let mut groups: BTreeMap<(String, Vec<String>), Vec<String>> = BTreeMap::new();
    let mut by_logsource: BTreeMap<String, usize> = BTreeMap::new();
    let mut uncovered = 0;
    for (name, rule) in &rules {
        let mut refusals = Vec::new();
        for backend in &backends {
            match backend.convert(rule) {
                Ok(_) => break,
                Err(refusal) => {
                    let subject = refusal.subject.unwrap_or_default();
                    refusals.push(format!("{}: {} {subject}", backend.name(), refusal.reason.code()));
                }
            }
        }
        if refusals.len() < backends.len() {
            continue;
        }
        uncovered += 1;
        let logsource = rule.logsource.to_string();
        *by_logsource.entry(logsource.clone()).or_default() += 1;
        groups.entry((logsource, refusals)).or_default().push(name.clone());
    }

    let covered = rules.len() - uncovered;
    println!(
        "rules: {}, converted by at least one target: {covered} ({:.1} %), by none: {uncovered}",
        rules.len(),
        100.0 * covered as f64 / rules.len() as f64
    );

    let mut logsources: Vec<_> = by_logsource.into_iter().collect();
    logsources.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    println!("\nby log source:");
    for (logsource, count) in logsources.iter().take(top) {
        println!("{count:5} {logsource}");
    }

    let mut groups: Vec<_> = groups.into_iter().collect();
    groups.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(&b.0)));
    println!("\nby log source and refusals:");
    for ((logsource, refusals), names) in groups.iter().take(top) {
        println!("{:5} {logsource}  [{}]", names.len(), refusals.join(" | "));
        if list_rules {
            for name in names {
                println!("        {name}");
            }
        }
    }
}
