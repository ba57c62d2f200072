//! Builds a feed: `cargo run --release -p socfeed-feed --example build_feed -- OUT BUNDLE RULES...`
//! (pass `-` as BUNDLE to build without ATT&CK).

use std::path::PathBuf;
use std::time::Instant;

use socfeed_feed::attack::AttackMatrix;
use socfeed_feed::{build_site, BuildOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: build_feed OUT BUNDLE|- RULES...";
    let out_dir = PathBuf::from(args.next().ok_or(usage)?);
    let bundle = args.next().ok_or(usage)?;
    let rule_paths: Vec<PathBuf> = args.map(PathBuf::from).collect();

    let started = Instant::now();
    let matrix = match bundle.as_str() {
        "-" => None,
        path => Some(AttackMatrix::load(path.as_ref())?),
    };
    eprintln!("ATT&CK loaded in {:?}", started.elapsed());

    let options = BuildOptions { out_dir: &out_dir, rule_paths: &rule_paths, attack: matrix.as_ref(), generated_at: None, force: false };
    let report = build_site(&options)?;
    eprintln!(
        "built in {:?}: {} files, {} documents, {} errors, targets {:?}",
        started.elapsed(),
        report.files_read,
        report.documents,
        report.errors.len(),
        report.targets
    );
    Ok(())
}
