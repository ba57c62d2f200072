//! The static site: a rule list, one page and JSON document per rule, the ATT&CK coverage
//! matrix and the errors page. Pages embed their data inline, so they work from `file://`.

mod collect;
mod coverage;
mod model;
mod output;
mod render;
mod source;
mod write;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

pub use collect::Targets;
pub use model::{DuplicateId, ErrorEntry, IdUse, RuleEntry, RuleSummary};
pub use source::{is_sigmahq_checkout, License, RuleSource};
pub use output::MARKER_FILE;
pub use render::inline_json;

use crate::attack::AttackMatrix;
use crate::enrich::ConversionStatus;
use crate::error::FeedError;

/// What to build.
#[derive(Debug, Clone, Copy)]
pub struct BuildOptions<'a> {
    /// The site's folder; created when missing. It must be empty or hold an earlier
    /// socfeed site, whose pages are replaced, unless `force` is set.
    pub out_dir: &'a Path,
    /// Rule files and folders; folders are walked for `.yml` and `.yaml` files.
    pub rule_paths: &'a [PathBuf],
    /// ATT&CK names, tactic order and the full matrix. Without it the site shows ids only.
    pub attack: Option<&'a AttackMatrix>,
    /// A "generated at" line for the page footers. `None` leaves it out, so two builds of
    /// the same input are byte-identical.
    pub generated_at: Option<&'a str>,
    /// Writes into a non-empty folder that is not an earlier socfeed site. The build then
    /// replaces only files with the names it writes and deletes nothing.
    pub force: bool,
}

/// What a build read and wrote.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BuildReport {
    pub files_read: usize,
    /// Documents read without error (rules, correlations and filters); one page each.
    pub documents: usize,
    /// Files and documents that could not be read, sorted by path and position.
    pub errors: Vec<ErrorEntry>,
    /// Rule ids that more than one document uses, sorted by id. The build names their pages
    /// deterministically (by path order) but the rules' authors should make the ids unique.
    pub duplicate_ids: Vec<DuplicateId>,
    /// Per target: how many rules converted and how many were refused, by reason code.
    pub targets: BTreeMap<String, TargetReport>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct TargetReport {
    pub converted: usize,
    /// Refusals by reason code, e.g. `unmapped-field`.
    pub refused: BTreeMap<String, usize>,
    /// Rules not offered to the target: its backend is missing, or the document is a
    /// correlation or filter.
    pub skipped: usize,
}

/// Reads, converts and enriches the rules and writes the site to `options.out_dir`.
///
/// A rule that cannot be read or converted is listed in the report and on `errors.html`;
/// only output failures stop the build.
pub fn build_site(options: &BuildOptions) -> Result<BuildReport, FeedError> {
    // The folder is checked before the rules are read, so a refusal comes at once.
    let earlier_pages = output::prepare(options.out_dir, options.force)?;

    let (files, find_errors) = socfeed_sigma::find_rule_files(options.rule_paths);
    if files.is_empty() {
        let paths: Vec<String> = options.rule_paths.iter().map(|p| model::display_path(p)).collect();
        let reasons: Vec<String> = find_errors.iter().map(ToString::to_string).collect();
        let reasons = if reasons.is_empty() { String::new() } else { format!(": {}", reasons.join("; ")) };
        return Err(FeedError::NoRuleFiles { paths: paths.join(", "), reasons });
    }

    let targets = Targets::all();
    let mut collected = collect::collect(&files, &targets, options.attack);
    collected.errors.extend(find_errors.iter().map(ErrorEntry::from_read_error));
    collected.errors.sort();

    let report = report(&collected, &targets);
    write::write_site(options, &earlier_pages, &collected.entries, &collected.errors, &report)?;
    Ok(report)
}

fn report(collected: &collect::Collected, targets: &Targets) -> BuildReport {
    let mut by_target: BTreeMap<String, TargetReport> =
        targets.names().map(|name| (name.to_owned(), TargetReport::default())).collect();
    for result in collected.entries.iter().flat_map(|e| &e.conversions) {
        let tally = by_target.entry(result.target.clone()).or_default();
        match (&result.status, &result.refusal) {
            (ConversionStatus::Converted, _) => tally.converted += 1,
            (ConversionStatus::Refused, Some(refusal)) => {
                *tally.refused.entry(refusal.reason.code().to_owned()).or_default() += 1;
            }
            _ => tally.skipped += 1,
        }
    }
    BuildReport {
        files_read: collected.files_read,
        documents: collected.documents,
        errors: collected.errors.clone(),
        duplicate_ids: collected.duplicate_ids.clone(),
        targets: by_target,
    }
}
