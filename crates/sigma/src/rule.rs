//! Rule documents: detection rules, correlation rules and filters.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::detection::Detection;
use crate::span::Span;

/// One document of a rule file.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Document {
    Rule(Box<Rule>),
    Correlation(Box<CorrelationRule>),
    Filter(Box<FilterRule>),
}

impl Document {
    pub fn title(&self) -> &str {
        match self {
            Document::Rule(r) => &r.meta.title,
            Document::Correlation(c) => &c.meta.title,
            Document::Filter(f) => &f.meta.title,
        }
    }

    pub fn meta(&self) -> &Metadata {
        match self {
            Document::Rule(r) => &r.meta,
            Document::Correlation(c) => &c.meta,
            Document::Filter(f) => &f.meta,
        }
    }
}

/// Fields every kind of document shares.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Metadata {
    pub title: String,
    pub id: Option<String>,
    pub name: Option<String>,
    pub status: Option<Status>,
    pub description: Option<String>,
    pub license: Option<String>,
    pub author: Option<String>,
    pub references: Vec<String>,
    /// `date` as written (`YYYY-MM-DD` in current rules, `YYYY/MM/DD` in old ones).
    pub date: Option<String>,
    pub modified: Option<String>,
    pub tags: Vec<String>,
    pub related: Vec<Related>,
    pub falsepositives: Vec<String>,
    pub level: Option<Level>,
    pub fields: Vec<String>,
    pub scope: Vec<String>,
    pub taxonomy: Option<String>,
    /// Top-level keys the specification does not define, kept as JSON.
    pub custom: BTreeMap<String, serde_json::Value>,
    /// Where the document starts in its file.
    pub span: Span,
    /// Start of each top-level key's value, by key (`"id"` → the position of the id).
    /// Keys set by an `action: global` document point into that document.
    pub spans: BTreeMap<String, Span>,
    /// Start of each tag, in the order of `tags`.
    pub tag_spans: Vec<Span>,
}

impl Metadata {
    /// Returns where the value of the top-level `key` starts, or where the document starts
    /// when the key is absent or the model was built without positions.
    pub fn span_of(&self, key: &str) -> Span {
        self.spans.get(key).copied().unwrap_or(self.span)
    }

    /// Returns where the `index`-th tag starts. Without a position for it, returns where
    /// `tags` starts, or else where the document starts.
    pub fn tag_span(&self, index: usize) -> Span {
        self.tag_spans.get(index).copied().unwrap_or_else(|| self.span_of("tags"))
    }
}

/// A detection rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rule {
    #[serde(flatten)]
    pub meta: Metadata,
    pub logsource: LogSource,
    pub detection: Detection,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct LogSource {
    pub category: Option<String>,
    pub product: Option<String>,
    pub service: Option<String>,
    pub definition: Option<String>,
    pub span: Span,
}

impl std::fmt::Display for LogSource {
    /// Formats as `product/category/service`, leaving out the parts that are absent.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<&str> = [&self.product, &self.category, &self.service]
            .into_iter()
            .filter_map(|p| p.as_deref())
            .collect();
        if parts.is_empty() {
            f.write_str("(none)")
        } else {
            f.write_str(&parts.join("/"))
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Stable,
    Test,
    Experimental,
    Deprecated,
    Unsupported,
}

impl Status {
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "stable" => Self::Stable,
            "test" => Self::Test,
            "experimental" => Self::Experimental,
            "deprecated" => Self::Deprecated,
            "unsupported" => Self::Unsupported,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Stable => "stable",
            Self::Test => "test",
            Self::Experimental => "experimental",
            Self::Deprecated => "deprecated",
            Self::Unsupported => "unsupported",
        }
    }
}

/// Severity, ordered from `Informational` to `Critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Informational,
    Low,
    Medium,
    High,
    Critical,
}

impl Level {
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "informational" => Self::Informational,
            "low" => Self::Low,
            "medium" => Self::Medium,
            "high" => Self::High,
            "critical" => Self::Critical,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Informational => "informational",
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
            Self::Critical => "critical",
        }
    }
}

/// An entry of `related`: another rule this one derives from, replaces or resembles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Related {
    pub id: String,
    /// `derived`, `obsolete`, `merged`, `renamed` or `similar`.
    pub kind: String,
}

/// A correlation rule (Sigma correlation specification).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CorrelationRule {
    #[serde(flatten)]
    pub meta: Metadata,
    pub correlation_type: CorrelationType,
    /// Ids or names of the rules this correlation combines.
    pub rules: Vec<String>,
    pub group_by: Vec<String>,
    /// `timespan` (the spec also accepts the older name `timeframe`), e.g. `5m`.
    pub timespan: String,
    /// Threshold condition, such as `gte: 10`, absent for temporal correlations.
    pub condition: Option<CorrelationCondition>,
    /// `aliases`: alias name to (rule name to field name).
    pub aliases: BTreeMap<String, BTreeMap<String, String>>,
    /// `generate`: whether the combined rules also produce their own alerts.
    pub generate: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CorrelationType {
    EventCount,
    ValueCount,
    Temporal,
    TemporalOrdered,
    ValueSum,
    ValueAvg,
    ValuePercentile,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CorrelationCondition {
    /// Comparisons, all of which must hold, e.g. `[(Gte, 10.0)]`.
    pub comparisons: Vec<(crate::detection::CompareOp, f64)>,
    /// The field counted or summed (`value_count`, `value_sum`, …).
    pub field: Option<String>,
}

/// A Sigma filter: a detection that removes events from other rules' results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FilterRule {
    #[serde(flatten)]
    pub meta: Metadata,
    pub logsource: LogSource,
    /// Ids or names of the rules the filter applies to.
    pub rules: Vec<String>,
    pub detection: Detection,
}
