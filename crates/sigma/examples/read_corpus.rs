//! Reads every rule file under the given folders and prints counts and time taken.
//!
//! `cargo run --release -p socfeed-sigma --example read_corpus -- ../shared/corpus/sigmahq/rules`

use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let paths: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    let started = Instant::now();
    let (files, walk_errors) = socfeed_sigma::find_rule_files(&paths);

    let mut documents = 0;
    let mut errors = walk_errors.len();
    for path in &files {
        let file = socfeed_sigma::read_file(path);
        documents += file.documents.len();
        errors += file.errors.len();
        for error in &file.errors {
            println!("{error}");
        }
    }

    let elapsed = started.elapsed();

    let mut by_code = std::collections::BTreeMap::new();
    for path in &files {
        let file = socfeed_sigma::read_file(path);
        for diagnostic in socfeed_sigma::check::check_file(&file, &Default::default()) {
            *by_code.entry(diagnostic.code).or_insert(0) += 1;
            if std::env::var_os("SHOW").is_some_and(|code| code == diagnostic.code) {
                println!("{diagnostic}");
            }
        }
    }
    println!("diagnostics by code: {by_code:?}");
    println!("{} files, {documents} documents, {errors} errors in {:.1} ms", files.len(), elapsed.as_secs_f64() * 1000.0);
}
