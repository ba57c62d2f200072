//! The rule checker: read errors and warnings for rules that read but look wrong.
//!
//! [`check_file`] turns a [`RuleFile`] into [`Diagnostic`]s, rendered like ruff's output:
//! `path:line:col: CODE message`. [`check_files`] does the same for a set of files and adds
//! the checks across files (W113). Codes are stable; new checks get new codes.
//!
//! | code | severity | when |
//! | --- | --- | --- |
//! | E001 | error | the file or folder cannot be read, or is not UTF-8 (`ReadErrorKind::Io`) |
//! | E002 | error | invalid YAML (`Yaml`) |
//! | E003 | error | YAML nested too deeply or too large after alias expansion, or `of` expressions that expand to too many selections (`TooComplex`) |
//! | E004 | error | a map has the same key twice (`DuplicateKey`) |
//! | E005 | error | a document is not a map, or a bad `action` (`Document`) |
//! | E006 | error | a required field is missing (`MissingField`) |
//! | E007 | error | a field has the wrong type (`FieldType`) |
//! | E008 | error | a field value is outside its allowed set (`FieldValue`) |
//! | E009 | error | a selection is empty or badly shaped (`Selection`) |
//! | E010 | error | unknown modifier (`UnknownModifier`) |
//! | E011 | error | a modifier chain that cannot apply to its value (`Modifier`) |
//! | E012 | error | condition syntax error (`ConditionSyntax`) |
//! | E013 | error | the condition names an undefined selection (`UndefinedSelection`) |
//! | W101 | warning | a selection that no condition refers to |
//! | W102 | warning | the `all` modifier on a single value |
//! | W103 | warning | a tag that breaks its namespace's syntax, or an unknown namespace |
//! | W104 | warning | an ATT&CK id missing from [`CheckOptions::attack_ids`] |
//! | W105 | warning | an ATT&CK tactic that is no longer used (`attack.defense-evasion`) |
//! | W106 | warning | the document has no `id` |
//! | W107 | warning | `id` is not a UUID |
//! | W108 | warning | `status` is `deprecated` or `unsupported` |
//! | W109 | warning | `date` or `modified` is not a `YYYY-MM-DD` date |
//! | W110 | warning | a detection rule has no `level` |
//! | W111 | warning | `logsource` has neither `category`, `product` nor `service` |
//! | W112 | warning | the file contains no rule document (it is empty, or only `---` or `action` documents) |
//! | W113 | warning | another document already uses this `id` (only from [`check_files`] or [`duplicate_ids`]) |

mod documents;
mod duplicates;
mod tags;

use std::collections::HashSet;
use std::path::PathBuf;

use serde::Serialize;

use crate::reader::{ReadErrorKind, RuleFile};
use crate::span::Span;

pub use duplicates::duplicate_ids;
pub use tags::{check_tag, TagProblem};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
}

/// One finding of the checker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub code: &'static str,
    pub severity: Severity,
    pub path: PathBuf,
    pub span: Option<Span>,
    pub message: String,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let path = self.path.display();
        match self.span {
            Some(span) => write!(f, "{path}:{span}: {} {}", self.code, self.message),
            None => write!(f, "{path}: {} {}", self.code, self.message),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// ATT&CK ids in upper case (`T1059.001`, `G0016`, `S0154`, …). When given, every
    /// ATT&CK id in a tag must be in it, unless the set has no id of that kind at all
    /// (a bundle without groups cannot judge `G0016`); tactic names are checked against
    /// the built-in tactic list either way.
    pub attack_ids: Option<HashSet<String>>,
}

/// Returns the diagnostic code for a read error kind.
pub fn error_code(kind: ReadErrorKind) -> &'static str {
    match kind {
        ReadErrorKind::Io => "E001",
        ReadErrorKind::Yaml => "E002",
        ReadErrorKind::TooComplex => "E003",
        ReadErrorKind::DuplicateKey => "E004",
        ReadErrorKind::Document => "E005",
        ReadErrorKind::MissingField => "E006",
        ReadErrorKind::FieldType => "E007",
        ReadErrorKind::FieldValue => "E008",
        ReadErrorKind::Selection => "E009",
        ReadErrorKind::UnknownModifier => "E010",
        ReadErrorKind::Modifier => "E011",
        ReadErrorKind::ConditionSyntax => "E012",
        ReadErrorKind::UndefinedSelection => "E013",
    }
}

/// Checks a file: its read errors first, then warnings for each document read, all
/// sorted by position.
pub fn check_file(file: &RuleFile, options: &CheckOptions) -> Vec<Diagnostic> {
    let mut diagnostics: Vec<Diagnostic> = file
        .errors
        .iter()
        .map(|error| Diagnostic {
            code: error_code(error.kind),
            severity: Severity::Error,
            path: error.path.clone(),
            span: error.span,
            message: error.message.clone(),
        })
        .collect();

    if file.documents.is_empty() && file.errors.is_empty() {
        diagnostics.push(Diagnostic {
            code: "W112",
            severity: Severity::Warning,
            path: file.path.clone(),
            span: None,
            message: "the file contains no rule document".to_owned(),
        });
    }

    for document in &file.documents {
        for warning in documents::check_document(document, options) {
            diagnostics.push(Diagnostic {
                code: warning.code,
                severity: Severity::Warning,
                path: file.path.clone(),
                span: Some(warning.span),
                message: warning.message,
            });
        }
    }

    sort_by_position(&mut diagnostics);
    diagnostics
}

/// Checks each file as [`check_file`] does and adds the warnings that need all files
/// (W113, a duplicate `id`). The result lists the files in the order given, each file's
/// diagnostics sorted by position.
pub fn check_files(files: &[RuleFile], options: &CheckOptions) -> Vec<Diagnostic> {
    let mut by_file: Vec<Vec<Diagnostic>> = files.iter().map(|file| check_file(file, options)).collect();
    for (index, diagnostic) in duplicates::duplicate_ids_by_file(files) {
        by_file[index].push(diagnostic);
    }

    let mut diagnostics = Vec::new();
    for mut file_diagnostics in by_file {
        sort_by_position(&mut file_diagnostics);
        diagnostics.extend(file_diagnostics);
    }
    diagnostics
}

fn sort_by_position(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| (a.span, a.code).cmp(&(b.span, b.code)));
}
