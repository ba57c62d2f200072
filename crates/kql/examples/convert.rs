//! Converts Sigma rule files (or every rule under folders) and prints each query or
//! refusal: `cargo run -p socfeed-kql --example convert -- [--target NAME] PATH...`.

use std::path::{Path, PathBuf};

use socfeed_sigma::Document;

fn collect(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let Ok(entries) = std::fs::read_dir(path) else { return };
        let mut children: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        children.sort();
        for child in children {
            collect(&child, out);
        }
    } else if path.extension().is_some_and(|e| e == "yml" || e == "yaml") {
        out.push(path.to_path_buf());
    }
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut target = "sentinel-asim".to_string();
    if let Some(at) = args.iter().position(|a| a == "--target") {
        if at + 1 < args.len() {
            target = args.remove(at + 1);
        }
        args.remove(at);
    }
    let Some(backend) = socfeed_kql::backend(&target) else {
        eprintln!("error: unknown target {target}; known targets: {}", socfeed_kql::TARGETS.join(", "));
        std::process::exit(2);
    };

    let mut files = Vec::new();
    for arg in &args {
        collect(Path::new(arg), &mut files);
    }
    for path in files {
        let file = socfeed_sigma::read_file(&path);
        for error in &file.errors {
            println!("# {}: read error: {}", path.display(), error.message);
        }
        for document in &file.documents {
            let Document::Rule(rule) = document else { continue };
            println!("# {} ({})", path.display(), rule.meta.title);
            match backend.convert(rule) {
                Ok(conversion) => {
                    println!("{}", conversion.query);
                    for caveat in &conversion.caveats {
                        println!("// caveat: {caveat}");
                    }
                }
                Err(refusal) => println!("// refused: {refusal} [subject: {}]", refusal.subject.clone().unwrap_or_default()),
            }
            println!();
        }
    }
}
