//! Sigma to KQL backends.
//!
//! A [`Backend`] turns one Sigma [`Rule`] into a KQL query for one target, or returns a
//! [`Refusal`] that says why no faithful query exists (a log source or field the target
//! does not model, a construct KQL cannot express). Targets:
//!
//! - `sentinel-asim`: Microsoft Sentinel over ASIM parsers ([`sentinel_asim`]).
//! - `sentinel`: Microsoft Sentinel over its native tables (`SecurityEvent`,
//!   `WindowsEvent`, `AWSCloudTrail`, …), for what ASIM does not model ([`sentinel_native`]).
//! - `defender-xdr`: Defender XDR advanced hunting over the Device* tables ([`defender_xdr`]).
//!
//! Each target keeps what it models (log source to table, field to column, value
//! translations) in a data file under `data/`, compiled in. The modules beside the
//! targets hold the KQL pieces they share: string literals, wildcard patterns, regular
//! expressions, condition trees and the mapping file format.
//!
//! ```
//! use std::path::Path;
//!
//! let text = r#"
//! title: Network Connection Initiated To Mega.nz
//! id: fdeebdf0-9f3f-4d08-84a6-4c4d13e39fe4
//! logsource:
//!     category: network_connection
//!     product: windows
//! detection:
//!     selection:
//!         Initiated: 'true'
//!         DestinationHostname|endswith:
//!             - 'mega.co.nz'
//!             - 'mega.nz'
//!     condition: selection
//! "#;
//! let file = socfeed_sigma::read_str(Path::new("mega.yml"), text.to_string());
//! let backend = socfeed_kql::backend("sentinel-asim").unwrap();
//! for document in &file.documents {
//!     if let socfeed_sigma::Document::Rule(rule) = document {
//!         let conversion = backend.convert(rule).unwrap();
//!         assert!(conversion.query.starts_with("imNetworkSession\n| where "));
//!         assert!(conversion.query.contains(r#"NetworkDirection == "Outbound""#));
//!     }
//! }
//! ```

mod condition;
mod convert;
pub mod defender_xdr;
mod escape;
mod expr;
mod field;
pub mod mapping;
mod pattern;
mod regex;
pub mod sentinel_asim;
pub mod sentinel_native;
mod transform;
mod unfaithful;

use socfeed_sigma::Rule;

pub(crate) use unfaithful::Unfaithful;

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
pub const TARGETS: &[&str] = &[sentinel_asim::NAME, sentinel_native::NAME, defender_xdr::NAME];

/// Returns the backend for a target name.
pub fn backend(target: &str) -> Option<Box<dyn Backend>> {
    match target {
        sentinel_asim::NAME => Some(Box::new(sentinel_asim::SentinelAsim)),
        sentinel_native::NAME => Some(Box::new(sentinel_native::SentinelNative)),
        defender_xdr::NAME => Some(Box::new(defender_xdr::DefenderXdr)),
        _ => None,
    }
}
