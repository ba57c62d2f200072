//! The Sigma rule model, its reader and a checker.
//!
//! A Sigma rule describes log events in YAML: a `logsource` names the logs, a `detection`
//! contains named selections (maps of `field|modifier: value`) and a `condition` that combines
//! them. The reader turns rule files into the typed model of this crate, with the line and
//! column of each document, logsource, selection, item and condition, and resolves every
//! modifier chain into [`ValueTest`]s. Backends then translate the model into a query
//! language without re-reading YAML or re-interpreting modifiers. [`check::check_file`]
//! reports read errors and suspect rules with stable codes, and [`check::check_files`]
//! adds the checks across files, such as an `id` used twice.
//!
//! Reading never panics and never stops at the first bad document: each
//! [`RuleFile`] lists the documents read and the errors of the others: one error for
//! each bad metadata field, selection item and condition of a document, not only the first.
//!
//! ```
//! use std::path::Path;
//! use socfeed_sigma::{read_str, Condition, Document, StrPart, ValueTest};
//!
//! let text = r#"
//! title: Whoami execution
//! id: 929a690e-bef0-4204-a928-ef5e620d6fcc
//! logsource:
//!     category: process_creation
//!     product: windows
//! detection:
//!     selection:
//!         Image|endswith: '\whoami.exe'
//!     condition: selection
//! level: low
//! "#;
//!
//! let file = read_str(Path::new("whoami.yml"), text.to_owned());
//! assert!(file.errors.is_empty());
//! let Document::Rule(rule) = &file.documents[0] else { panic!("expected a detection rule") };
//! assert_eq!(rule.logsource.category.as_deref(), Some("process_creation"));
//!
//! let item = &rule.detection.selection("selection").unwrap().groups[0].items[0];
//! assert_eq!(item.field.as_deref(), Some("Image"));
//! assert_eq!(item.span.line, 9);
//!
//! // `endswith` became a leading wildcard.
//! let ValueTest::String { pattern, cased } = &item.tests[0] else { panic!("expected a string test") };
//! assert_eq!(pattern.parts, [StrPart::AnyChars, StrPart::Literal("\\whoami.exe".into())]);
//! assert!(!cased);
//!
//! assert_eq!(rule.detection.conditions[0].expr, Condition::Selection("selection".into()));
//! ```

pub mod check;
pub mod condition;
pub mod detection;
pub mod reader;
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

pub use reader::{find_rule_files, read_file, read_str, ReadError, ReadErrorKind, RuleFile};
