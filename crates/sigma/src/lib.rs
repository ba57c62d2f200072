//! The Sigma rule model and its reader.
//!
//! (crate docs to be written with the reader)

pub mod condition;
pub mod detection;
pub mod rule;
pub mod span;
pub mod value;

pub use condition::{Condition, ConditionExpr, OfTarget, Quantifier};
pub use detection::{
    CompareOp, Detection, DetectionItem, FieldRefPosition, ItemGroup, Join, Modifier, Selection,
    TimePart, ValueTest,
};
pub use rule::{
    CorrelationCondition, CorrelationRule, CorrelationType, Document, FilterRule, Level,
    LogSource, Metadata, Related, Rule, Status,
};
pub use span::Span;
pub use value::{SigmaString, StrPart, Value};

// The reader's public entry points. The bodies below are placeholders until the reader lands.
use std::path::{Path, PathBuf};

/// A rule file and what was read from it.
#[derive(Debug, Clone)]
pub struct RuleFile {
    pub path: PathBuf,
    pub text: String,
    pub documents: Vec<Document>,
    pub errors: Vec<ReadError>,
}

/// An error in a rule file, with the place it occurred.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadError {
    pub path: PathBuf,
    pub span: Option<Span>,
    pub message: String,
}

/// Reads a rule file from disk. An I/O failure is returned as the file's only error.
pub fn read_file(path: &Path) -> RuleFile {
    match std::fs::read_to_string(path) {
        Ok(text) => read_str(path, text),
        Err(e) => RuleFile {
            path: path.to_owned(),
            text: String::new(),
            documents: vec![],
            errors: vec![ReadError { path: path.to_owned(), span: None, message: e.to_string() }],
        },
    }
}

/// Reads rule documents from text; `path` names the file in errors.
pub fn read_str(path: &Path, text: String) -> RuleFile {
    RuleFile { path: path.to_owned(), text, documents: vec![], errors: vec![] }
}
