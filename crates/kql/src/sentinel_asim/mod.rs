//! The `sentinel-asim` target: Microsoft Sentinel queries over ASIM parsers
//! (`imProcessCreate`, `imNetworkSession`, …), so one query covers every source that
//! has an ASIM parser in the workspace.
//!
//! What the target models lives in `data/sentinel-asim.toml`: the log source to parser
//! table, the Sigma field to ASIM column tables per kind of event, the parsers' tables
//! and connectors, and the types and allowed values of the columns used.

use std::sync::LazyLock;

use socfeed_sigma::Rule;

use crate::convert::{convert, Target};
use crate::mapping::MappingFile;
use crate::{Backend, Conversion, Refusal};

pub const NAME: &str = "sentinel-asim";

static MAPPING: LazyLock<MappingFile> = LazyLock::new(|| {
    // The file is compiled in and checked by this crate's tests, so a failure here is a
    // build defect rather than bad input.
    MappingFile::parse(include_str!("../../data/sentinel-asim.toml"))
        .unwrap_or_else(|e| panic!("data/sentinel-asim.toml is invalid: {e}"))
});

/// Converts rules to KQL over ASIM parsers.
#[derive(Debug, Default, Clone, Copy)]
pub struct SentinelAsim;

impl SentinelAsim {
    /// Returns the mapping the backend uses, for tests and reports.
    pub fn mapping() -> &'static MappingFile {
        &MAPPING
    }
}

impl Backend for SentinelAsim {
    fn name(&self) -> &'static str {
        NAME
    }

    fn convert(&self, rule: &Rule) -> Result<Conversion, Refusal> {
        let target = Target { name: NAME, label: "ASIM", lacks: "ASIM parser" };
        convert(&target, &MAPPING, rule)
    }
}
