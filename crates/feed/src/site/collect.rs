//! Reading, converting and enriching rules, one file per rayon task.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use socfeed_kql::Backend;
use socfeed_sigma::{Document, RuleFile};

use super::model::{self, DuplicateId, ErrorEntry, RuleEntry};
use super::source::{self, SourceResolver};
use crate::attack::AttackMatrix;
use crate::enrich::{self, ConversionStatus, TargetResult};

/// The targets to convert with, each with its backend when this build has one.
pub struct Targets {
    backends: Vec<(&'static str, Option<Box<dyn Backend>>)>,
}

impl Targets {
    /// All targets of `socfeed_kql::TARGETS`.
    pub fn all() -> Self {
        let backends = socfeed_kql::TARGETS.iter().map(|&name| (name, socfeed_kql::backend(name))).collect();
        Self { backends }
    }

    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.backends.iter().map(|(name, _)| *name)
    }

    fn convert(&self, document: &Document) -> Vec<TargetResult> {
        self.backends
            .iter()
            .map(|(name, backend)| match (backend, document) {
                (None, _) => TargetResult::without(name, ConversionStatus::NoBackend),
                (Some(_), Document::Correlation(_) | Document::Filter(_)) => {
                    TargetResult::without(name, ConversionStatus::NotApplicable)
                }
                (Some(backend), Document::Rule(rule)) => match backend.convert(rule) {
                    Ok(conversion) => TargetResult::converted(conversion),
                    Err(refusal) => TargetResult::refused(name, refusal),
                },
            })
            .collect()
    }
}

/// What reading all rule files produced.
pub struct Collected {
    /// Entries sorted by file path, then document order, with unique page names.
    pub entries: Vec<RuleEntry>,
    pub errors: Vec<ErrorEntry>,
    pub duplicate_ids: Vec<DuplicateId>,
    pub files_read: usize,
    pub documents: usize,
}

pub fn collect(files: &[PathBuf], targets: &Targets, matrix: Option<&AttackMatrix>) -> Collected {
    let sources = SourceResolver::default();
    let per_file: Vec<(Vec<RuleEntry>, Vec<ErrorEntry>)> = files
        .par_iter()
        .map(|path| read_and_enrich(path, targets, matrix, &sources))
        .collect();

    let mut entries = Vec::new();
    let mut paths: Vec<&Path> = Vec::new();
    let mut errors = Vec::new();
    for (path, (file_entries, file_errors)) in files.iter().zip(per_file) {
        paths.extend(std::iter::repeat_n(path.as_path(), file_entries.len()));
        entries.extend(file_entries);
        errors.extend(file_errors);
    }
    model::assign_page_names(&mut entries, &paths);
    let duplicate_ids = model::duplicate_ids(&entries, &paths);

    let documents = entries.len();
    Collected { entries, errors, duplicate_ids, files_read: files.len(), documents }
}

fn read_and_enrich(
    path: &Path,
    targets: &Targets,
    matrix: Option<&AttackMatrix>,
    sources: &SourceResolver,
) -> (Vec<RuleEntry>, Vec<ErrorEntry>) {
    let file = socfeed_sigma::read_file(path);
    let mut errors: Vec<ErrorEntry> = file.errors.iter().map(ErrorEntry::from_read_error).collect();

    let mut entries = Vec::new();
    for document in &file.documents {
        // A backend bug on one rule must not stop the build, so a panic becomes an error entry.
        match catch_unwind(AssertUnwindSafe(|| entry(&file, document, targets, matrix, sources))) {
            Ok(entry) => entries.push(entry),
            Err(_) => errors.push(ErrorEntry {
                path: model::display_path(path),
                line: Some(document.meta().span.line),
                column: Some(document.meta().span.column),
                message: format!("converting \"{}\" failed with a panic (a bug in a backend)", document.title()),
            }),
        }
    }
    (entries, errors)
}

fn entry(
    file: &RuleFile,
    document: &Document,
    targets: &Targets,
    matrix: Option<&AttackMatrix>,
    sources: &SourceResolver,
) -> RuleEntry {
    let meta = document.meta();
    let (kind, logsource) = model::entry_fields(document);
    let conversions = targets.convert(document);
    let enrichment = enrich::enrich(meta, logsource.as_ref(), &conversions, matrix);
    let source = sources.rule_source(&file.path);
    let license = source::license(meta.license.as_deref(), &source, &meta.title, meta.author.as_deref());

    RuleEntry {
        page: String::new(),
        kind,
        title: meta.title.clone(),
        id: meta.id.clone(),
        status: meta.status.map(|s| s.name()),
        level: meta.level.map(|l| l.name()),
        description: meta.description.clone(),
        author: meta.author.clone(),
        date: meta.date.clone(),
        modified: meta.modified.clone(),
        references: meta.references.clone(),
        tags: meta.tags.clone(),
        falsepositives: meta.falsepositives.clone(),
        logsource,
        source,
        license,
        conversions,
        enrichment,
        yaml: file.text.clone(),
    }
}
