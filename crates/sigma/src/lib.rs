//! The Sigma rule model and its reader.
//!
//! (crate docs to be written with the reader)

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
