//! `socfeed hunt`: Sigma rules evaluated directly against Windows event logs.
//!
//! Rules are compiled together into a [`RuleSet`]: each rule is indexed by the service
//! and event IDs its log source covers (from the table in `data/windows-logsources.toml`),
//! so an event meets only the rules that can apply to it, and each value becomes the
//! cheapest test that decides it. [`hunt()`] then streams EVTX and JSON files in
//! parallel and returns the [`Detection`]s.

pub mod derived;
pub mod detection;
pub mod error;
pub mod event;
pub mod hunt;
pub mod input;
mod lazy_regex;
pub mod logsource;
pub mod matcher;
pub mod output;
pub mod regression;
pub mod ruleset;
mod strategy;

pub use detection::Detection;
pub use error::HuntError;
pub use event::{Event, EventBuilder, FieldTable};
pub use hunt::{hunt, scan_file, FileOutcome, HuntReport, Scanner, TimeWindow};
pub use logsource::LogSourceTable;
pub use matcher::placeholder::Placeholders;
pub use matcher::RuleInfo;
pub use ruleset::{RejectKind, Rejection, RuleFilter, RuleSet};
