//! Sigma to KQL backends.
//!
//! (crate docs to be written with the first backend)

use socfeed_sigma::Rule;

/// A KQL target that converts Sigma rules to queries.
pub trait Backend: Send + Sync {
    /// The target name used on the command line, e.g. `sentinel-asim`.
    fn name(&self) -> &'static str;

    /// Converts one rule, or explains why it cannot be converted faithfully.
    fn convert(&self, rule: &Rule) -> Result<Conversion, Refusal>;
}

/// A successful conversion.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Conversion {
    pub target: &'static str,
    pub query: String,
    /// What a workspace needs for the query to return data.
    pub data_sources: Vec<DataSource>,
    /// Places where the query is faithful in intent but not letter for letter
    /// (for example a value translated to an enumerated column). Empty when exact.
    pub caveats: Vec<String>,
}

/// A table or parser a query reads, with the connectors that fill it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DataSource {
    /// The name the query starts with, e.g. `imProcessCreate`.
    pub name: String,
    pub description: String,
    /// Sentinel tables behind the parser, e.g. `SecurityEvent`, `DeviceProcessEvents`.
    pub tables: Vec<String>,
    /// Data connectors that fill those tables.
    pub connectors: Vec<String>,
}

/// Why a rule has no query for a target.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Refusal {
    pub reason: RefusalReason,
    /// The field or construct the reason is about, when there is one.
    pub subject: Option<String>,
    /// The rule's log source as `product/category/service`.
    pub logsource: String,
    pub message: String,
}

/// The kinds of refusal, each with a stable code for reports and filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RefusalReason {
    /// The target has no table for the rule's log source.
    UnmappedLogsource,
    /// A field of the rule has no column in the target's table.
    UnmappedField,
    /// A value cannot be expressed for the mapped column (e.g. outside an enumeration).
    UnmappedValue,
    /// A modifier or condition has no faithful KQL form.
    UnsupportedConstruct,
    /// The rule uses `%placeholder%` values that need site-specific data.
    Placeholder,
}

impl RefusalReason {
    pub fn code(self) -> &'static str {
        match self {
            Self::UnmappedLogsource => "unmapped-logsource",
            Self::UnmappedField => "unmapped-field",
            Self::UnmappedValue => "unmapped-value",
            Self::UnsupportedConstruct => "unsupported-construct",
            Self::Placeholder => "placeholder",
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}): {}", self.reason.code(), self.logsource, self.message)
    }
}

/// Names of all targets, in the order the feed shows them.
pub const TARGETS: &[&str] = &["sentinel-asim"];

/// Returns the backend for a target name.
pub fn backend(target: &str) -> Option<Box<dyn Backend>> {
    let _ = target;
    None
}
