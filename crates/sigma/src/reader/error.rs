//! Errors found while reading a rule file.

use std::path::PathBuf;

use crate::span::Span;

/// An error in a rule file, with the place it occurred.
///
/// Displays as `path:line:col: message`, or `path: message` when there is no position.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct ReadError {
    pub path: PathBuf,
    pub span: Option<Span>,
    pub kind: ReadErrorKind,
    pub message: String,
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.span {
            Some(span) => write!(f, "{}:{}: {}", self.path.display(), span, self.message),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

/// What went wrong, for callers that act on the kind of error (the checker maps each
/// kind to a stable diagnostic code).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReadErrorKind {
    /// The file or folder could not be read (missing, no permission), or the file is not
    /// valid UTF-8.
    Io,
    /// The text is not valid YAML; reading stops at this point of the file.
    Yaml,
    /// YAML nesting deeper than the reader accepts, more nodes than it accepts once
    /// aliases are expanded, or a condition whose `of` expressions expand to more than
    /// 10 million selections in total.
    TooComplex,
    /// A map has the same key twice.
    DuplicateKey,
    /// A document is not a map, or `action` is not `global`, `reset` or `repeat`, or
    /// `action: repeat` has no previous document.
    Document,
    /// A required field (`title`, `logsource`, `detection`, `condition`, `correlation`'s
    /// `type`, `rules` or `timespan`, `filter`'s `rules`) is absent.
    MissingField,
    /// A field has the wrong YAML type (for example `tags` is not a list of strings).
    FieldType,
    /// A field has the right type but a value outside its allowed set (`status`, `level`,
    /// `related` type, correlation `type`, `timespan` format, …).
    FieldValue,
    /// A selection is empty or shaped in a way Sigma does not define (nested maps, an
    /// empty list of values, a list mixing maps and plain values).
    Selection,
    /// A modifier name that Sigma does not define.
    UnknownModifier,
    /// A modifier chain that cannot apply to its value: `re|contains`, `base64` on a
    /// wildcard value, `lt` on a string, `cidr` on something that is not a network, an
    /// invalid regular expression, `exists` without a boolean, ….
    Modifier,
    /// A condition that does not parse: unexpected or missing token, unbalanced
    /// parentheses, an unknown word.
    ConditionSyntax,
    /// A condition names a selection that the detection does not define, or an `of`
    /// pattern that matches no selection.
    UndefinedSelection,
}

impl ReadErrorKind {
    pub fn name(self) -> &'static str {
        match self {
            Self::Io => "io",
            Self::Yaml => "yaml",
            Self::TooComplex => "too_complex",
            Self::DuplicateKey => "duplicate_key",
            Self::Document => "document",
            Self::MissingField => "missing_field",
            Self::FieldType => "field_type",
            Self::FieldValue => "field_value",
            Self::Selection => "selection",
            Self::UnknownModifier => "unknown_modifier",
            Self::Modifier => "modifier",
            Self::ConditionSyntax => "condition_syntax",
            Self::UndefinedSelection => "undefined_selection",
        }
    }
}

/// An error before the file path is attached: what the document readers return.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Problem {
    pub span: Option<Span>,
    pub kind: ReadErrorKind,
    pub message: String,
}

impl Problem {
    pub fn new(span: Span, kind: ReadErrorKind, message: impl Into<String>) -> Self {
        Self { span: Some(span), kind, message: message.into() }
    }

    pub fn into_error(self, path: &std::path::Path) -> ReadError {
        ReadError { path: path.to_owned(), span: self.span, kind: self.kind, message: self.message }
    }
}

pub(crate) type Result<T> = std::result::Result<T, Problem>;

/// The errors of one document, collected so that one bad field does not hide the others.
///
/// Readers that take a `&mut Problems` record every independent error and return `None`
/// exactly when they recorded one.
#[derive(Debug, Default)]
pub(crate) struct Problems {
    list: Vec<Problem>,
}

impl Problems {
    pub fn push(&mut self, problem: Problem) {
        self.list.push(problem);
    }

    /// Returns the value of `result`, or records its error and returns `None`.
    pub fn ok<T>(&mut self, result: Result<T>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(problem) => {
                self.list.push(problem);
                None
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Returns a mark to pass to [`Problems::none_since`].
    pub fn mark(&self) -> usize {
        self.list.len()
    }

    /// Returns whether no error was recorded after `mark` was taken.
    pub fn none_since(&self, mark: usize) -> bool {
        self.list.len() == mark
    }

    /// Returns the errors sorted by position; errors at the same position keep their order.
    pub fn into_sorted(mut self) -> Vec<Problem> {
        self.list.sort_by_key(|problem| problem.span);
        self.list
    }
}
