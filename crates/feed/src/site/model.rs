//! The per-rule data the pages and JSON documents are made from.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use serde::Serialize;
use socfeed_sigma::{Document, LogSource, ReadError};

use super::source::{License, RuleSource};
use crate::enrich::{ConversionStatus, Enrichment, TargetResult};

/// One rule document with its conversions and enrichment: the content of `rules/<page>.json`.
#[derive(Debug, Clone, Serialize)]
pub struct RuleEntry {
    /// The page's file name without extension: the rule id, or a slug of the file name.
    pub page: String,
    /// `rule`, `correlation` or `filter`.
    pub kind: &'static str,
    pub title: String,
    pub id: Option<String>,
    pub status: Option<&'static str>,
    pub level: Option<&'static str>,
    pub description: Option<String>,
    pub author: Option<String>,
    pub date: Option<String>,
    pub modified: Option<String>,
    pub references: Vec<String>,
    pub tags: Vec<String>,
    pub falsepositives: Vec<String>,
    pub logsource: Option<LogSource>,
    pub source: RuleSource,
    pub license: License,
    pub conversions: Vec<TargetResult>,
    pub enrichment: Enrichment,
    /// The rule file's text, shown on the page but left out of the JSON document.
    #[serde(skip)]
    pub yaml: String,
}

/// A file or document that could not be read, for the errors page and the report.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ErrorEntry {
    pub path: String,
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub message: String,
}

impl ErrorEntry {
    pub fn from_read_error(error: &ReadError) -> Self {
        Self {
            path: display_path(&error.path),
            line: error.span.map(|s| s.line),
            column: error.span.map(|s| s.column),
            message: error.message.clone(),
        }
    }
}

/// A rule id that more than one document uses. Each document still gets a page: the first
/// in path order is named after the id, the others get a `-2`, `-3`, … suffix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DuplicateId {
    /// The id as the first document writes it; ids that differ only in case count as one.
    pub id: String,
    /// The documents with this id, in path order.
    pub uses: Vec<IdUse>,
}

/// One document that uses a duplicate id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IdUse {
    pub path: String,
    /// The page name the document got.
    pub page: String,
}

impl DuplicateId {
    /// Formats the warning for the errors page: "id X is used by A and B".
    pub fn message(&self) -> String {
        let uses: Vec<String> = self.uses.iter().map(|u| format!("{} (page {})", u.path, u.page)).collect();
        let listed = match uses.split_last() {
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
            None => String::new(),
        };
        format!("id {} is used by {listed}", self.id)
    }
}

/// Lists the ids that more than one entry uses, sorted by id.
///
/// `paths` contains each entry's file, in entry order.
pub fn duplicate_ids(entries: &[RuleEntry], paths: &[&Path]) -> Vec<DuplicateId> {
    let mut by_id: BTreeMap<String, DuplicateId> = BTreeMap::new();
    for (entry, path) in entries.iter().zip(paths) {
        let Some(id) = entry.id.as_deref() else { continue };
        let duplicate = by_id
            .entry(id.to_lowercase())
            .or_insert_with(|| DuplicateId { id: id.to_owned(), uses: Vec::new() });
        duplicate.uses.push(IdUse { path: display_path(path), page: entry.page.clone() });
    }
    by_id.into_values().filter(|d| d.uses.len() > 1).collect()
}

/// A row of the list page and of `index.json`.
#[derive(Debug, Clone, Serialize)]
pub struct RuleSummary<'a> {
    pub page: &'a str,
    pub title: &'a str,
    pub id: Option<&'a str>,
    pub kind: &'static str,
    pub level: Option<&'static str>,
    pub status: Option<&'static str>,
    /// `modified`, or `date` when the rule was never modified, with `/` written as `-`.
    pub date: Option<String>,
    pub tactics: Vec<String>,
    pub techniques: Vec<String>,
    pub logsource: String,
    /// Target name and conversion status, one pair per target.
    pub conversions: Vec<(String, &'static str)>,
    pub confidence: &'static str,
}

impl RuleEntry {
    pub fn summary(&self, tactics: Vec<String>) -> RuleSummary<'_> {
        RuleSummary {
            page: &self.page,
            title: &self.title,
            id: self.id.as_deref(),
            kind: self.kind,
            level: self.level,
            status: self.status,
            date: self.sort_date(),
            tactics,
            techniques: self.enrichment.attack.techniques.iter().map(|t| t.id.clone()).collect(),
            logsource: self.enrichment.data_sources.logsource.clone(),
            conversions: self.conversions.iter().map(|c| (c.target.clone(), c.status.code())).collect(),
            confidence: self.enrichment.confidence.level.name(),
        }
    }

    pub fn sort_date(&self) -> Option<String> {
        self.modified.as_ref().or(self.date.as_ref()).map(|d| d.replace('/', "-"))
    }

    pub fn is_converted(&self) -> bool {
        self.conversions.iter().any(|c| c.status == ConversionStatus::Converted)
    }
}

/// The model fields of a document that the entry copies.
pub fn entry_fields(document: &Document) -> (&'static str, Option<LogSource>) {
    match document {
        Document::Rule(rule) => ("rule", Some(rule.logsource.clone())),
        Document::Correlation(_) => ("correlation", None),
        Document::Filter(filter) => ("filter", Some(filter.logsource.clone())),
    }
}

pub fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// Gives each entry a page name that is unique and safe as a file name.
///
/// Entries must arrive in a fixed order (by path, then document) so the names are stable.
pub fn assign_page_names(entries: &mut [RuleEntry], paths: &[&Path]) {
    let mut taken: HashSet<String> = HashSet::new();
    for (entry, path) in entries.iter_mut().zip(paths) {
        let base = match entry.id.as_deref().filter(|id| is_safe_name(id)) {
            Some(id) => id.to_ascii_lowercase(),
            None => slug(path.file_stem().map(|s| s.to_string_lossy()).as_deref().unwrap_or("rule")),
        };
        let mut name = base.clone();
        let mut n = 2;
        while !taken.insert(name.clone()) {
            name = format!("{base}-{n}");
            n += 1;
        }
        entry.page = name;
    }
}

/// Letters, digits, `-`, `_` and `.`, not starting with `.`, at most 100 bytes.
pub fn is_safe_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 100
        && !name.starts_with('.')
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Lower-case ASCII letters and digits joined by single `-`.
pub fn slug(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
        if slug.len() >= 80 {
            break;
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() { "rule".to_owned() } else { slug.to_owned() }
}
