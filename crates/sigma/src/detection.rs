//! The detection section: named selections, their items and the values they test.
//!
//! The reader resolves modifiers into [`ValueTest`]s, so a consumer (a query backend, the
//! hunt matcher) never re-interprets modifier chains: `contains` becomes wildcards around
//! the string, `base64offset` becomes its three encodings, `windash` its dash variants.

use serde::Serialize;

use crate::condition::ConditionExpr;
use crate::span::Span;
use crate::value::{SigmaString, Value};

/// The `detection` section of a rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Detection {
    /// Search identifiers in file order.
    pub selections: Vec<Selection>,
    /// One or more conditions. Sigma reads a list of conditions as alternatives.
    pub conditions: Vec<ConditionExpr>,
    /// `timeframe` (Sigma 1.x rules keep it here; correlation rules have their own).
    pub timeframe: Option<String>,
    pub span: Span,
}

impl Detection {
    pub fn selection(&self, name: &str) -> Option<&Selection> {
        self.selections.iter().find(|s| s.name == name)
    }
}

/// A named search identifier such as `selection` or `filter_main_*`.
///
/// It matches when any of its groups matches (a list of maps is an OR of maps).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Selection {
    pub name: String,
    pub groups: Vec<ItemGroup>,
    pub span: Span,
}

/// Items that must all match: one YAML map, or one keyword list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemGroup {
    pub items: Vec<DetectionItem>,
    pub span: Span,
}

/// One `field|modifier|modifier: value(s)` entry, or a keyword list when `field` is `None`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DetectionItem {
    /// `None` for keywords, which search the whole event.
    pub field: Option<String>,
    /// Modifiers as written, in order.
    pub modifiers: Vec<Modifier>,
    /// Values as written in the YAML.
    pub values: Vec<Value>,
    /// `All` under the `all` modifier, otherwise `Any`.
    pub join: Join,
    /// One test per written value, with the modifiers applied.
    pub tests: Vec<ValueTest>,
    pub span: Span,
}

/// How the tests of one item combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Join {
    Any,
    All,
}

/// A value modifier from Sigma's modifier appendix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Modifier {
    Contains,
    StartsWith,
    EndsWith,
    All,
    Exists,
    Cased,
    Neq,
    Windash,
    Re,
    /// `re` flag `i`: case-insensitive.
    ReIgnoreCase,
    /// `re` flag `m`: `^` and `$` match at line breaks.
    ReMultiLine,
    /// `re` flag `s`: `.` matches line breaks.
    ReDotAll,
    Base64,
    Base64Offset,
    Utf16Le,
    Utf16Be,
    Utf16,
    Wide,
    Lt,
    Lte,
    Gt,
    Gte,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Year,
    Cidr,
    Expand,
    FieldRef,
}

impl Modifier {
    /// Returns the modifier for its name in a rule; `re` flags are the single letters
    /// `i`, `m` and `s`.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "contains" => Self::Contains,
            "startswith" => Self::StartsWith,
            "endswith" => Self::EndsWith,
            "all" => Self::All,
            "exists" => Self::Exists,
            "cased" => Self::Cased,
            "neq" => Self::Neq,
            "windash" => Self::Windash,
            "re" => Self::Re,
            "i" => Self::ReIgnoreCase,
            "m" => Self::ReMultiLine,
            "s" => Self::ReDotAll,
            "base64" => Self::Base64,
            "base64offset" => Self::Base64Offset,
            "utf16le" => Self::Utf16Le,
            "utf16be" => Self::Utf16Be,
            "utf16" => Self::Utf16,
            "wide" => Self::Wide,
            "lt" => Self::Lt,
            "lte" => Self::Lte,
            "gt" => Self::Gt,
            "gte" => Self::Gte,
            "minute" => Self::Minute,
            "hour" => Self::Hour,
            "day" => Self::Day,
            "week" => Self::Week,
            "month" => Self::Month,
            "year" => Self::Year,
            "cidr" => Self::Cidr,
            "expand" => Self::Expand,
            "fieldref" => Self::FieldRef,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Contains => "contains",
            Self::StartsWith => "startswith",
            Self::EndsWith => "endswith",
            Self::All => "all",
            Self::Exists => "exists",
            Self::Cased => "cased",
            Self::Neq => "neq",
            Self::Windash => "windash",
            Self::Re => "re",
            Self::ReIgnoreCase => "i",
            Self::ReMultiLine => "m",
            Self::ReDotAll => "s",
            Self::Base64 => "base64",
            Self::Base64Offset => "base64offset",
            Self::Utf16Le => "utf16le",
            Self::Utf16Be => "utf16be",
            Self::Utf16 => "utf16",
            Self::Wide => "wide",
            Self::Lt => "lt",
            Self::Lte => "lte",
            Self::Gt => "gt",
            Self::Gte => "gte",
            Self::Minute => "minute",
            Self::Hour => "hour",
            Self::Day => "day",
            Self::Week => "week",
            Self::Month => "month",
            Self::Year => "year",
            Self::Cidr => "cidr",
            Self::Expand => "expand",
            Self::FieldRef => "fieldref",
        }
    }
}

/// What one written value tests, with all modifiers applied.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ValueTest {
    /// The field (or, for keywords, any field) matches the pattern. `contains`,
    /// `startswith` and `endswith` appear as leading and trailing `AnyChars`.
    String { pattern: SigmaString, cased: bool },
    /// An encoding modifier (`base64offset`, `windash`, `utf16`) that yields several
    /// strings, any of which may match.
    AnyOf { alternatives: Vec<ValueTest> },
    /// The field's value is this exact number (an unquoted YAML integer or float).
    Number { value: f64 },
    /// An unquoted YAML `true` or `false`.
    Boolean { value: bool },
    /// `re`: a regular expression in the syntax the spec defines (PCRE subset).
    Regex { pattern: String, ignore_case: bool, multi_line: bool, dot_all: bool },
    /// `cidr`: the field holds an IP address inside this network.
    Cidr { network: String, is_ipv6: bool },
    /// `lt`, `lte`, `gt`, `gte`: numeric comparison.
    Compare { op: CompareOp, value: f64 },
    /// `minute` … `year`: the part of the field's timestamp equals `value`.
    TimePart { part: TimePart, value: i64 },
    /// `null`: the field is absent or empty-null.
    Null,
    /// `exists`: the field is present (`true`) or absent (`false`).
    Exists { exists: bool },
    /// `fieldref`: the field equals (or contains, starts or ends with) another field.
    FieldRef { field: String, position: FieldRefPosition },
    /// `neq`: the wrapped test must not match.
    Not { test: Box<ValueTest> },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CompareOp {
    Lt,
    Lte,
    Gt,
    Gte,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TimePart {
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Year,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldRefPosition {
    Equals,
    Contains,
    StartsWith,
    EndsWith,
}
