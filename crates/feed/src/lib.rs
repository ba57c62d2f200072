//! The SOC feed: Sigma rules enriched with MITRE ATT&CK, converted to KQL and published
//! as a static site, with a local server to browse it.
//!
//! - [`attack`] reads MITRE's Enterprise ATT&CK STIX bundle and downloads the current one.
//! - [`enrich`] adds ATT&CK context, a hunt hypothesis, data sources, false-positive
//!   guidance and a confidence to each rule.
//! - [`build_site`] reads rule files, converts each rule with every target of
//!   [`socfeed_kql::TARGETS`], enriches it and writes the site.
//! - [`serve`] serves a built site on 127.0.0.1.
//!
//! ```
//! use std::path::PathBuf;
//! use socfeed_feed::{build_site, BuildOptions};
//!
//! let work = std::env::temp_dir().join(format!("socfeed-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&work)?;
//! std::fs::write(work.join("whoami.yml"), "\
//! title: Whoami Execution
//! id: 11111111-2222-3333-4444-555555555555
//! status: test
//! tags: [attack.discovery, attack.t1033]
//! logsource: {category: process_creation, product: windows}
//! detection:
//!     selection: {Image|endswith: '\\whoami.exe'}
//!     condition: selection
//! level: low
//! ")?;
//!
//! let out_dir = work.join("site");
//! let rule_paths = vec![work.join("whoami.yml")];
//! // Without an ATT&CK bundle the pages show technique ids and state that the names are missing.
//! let options = BuildOptions { out_dir: &out_dir, rule_paths: &rule_paths, attack: None, generated_at: None, force: false };
//! let report = build_site(&options)?;
//!
//! assert_eq!(report.documents, 1);
//! assert!(out_dir.join("rules/11111111-2222-3333-4444-555555555555.html").is_file());
//! assert!(out_dir.join("coverage.html").is_file());
//! # std::fs::remove_dir_all(&work)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
pub mod attack;
pub mod enrich;
mod error;
pub mod serve;
pub mod site;

pub use error::FeedError;
pub use site::{build_site, BuildOptions, BuildReport};
