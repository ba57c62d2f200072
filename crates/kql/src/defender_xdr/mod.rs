//! The `defender-xdr` target: Microsoft Defender XDR advanced hunting queries over the
//! Device* tables that Defender for Endpoint fills (`DeviceProcessEvents`,
//! `DeviceRegistryEvents`, …). The same queries run in Microsoft Sentinel when the
//! Defender XDR connector streams those tables there.
//!
//! What the target models lives in `data/defender-xdr.toml`: the log source to table
//! mapping, the Sigma field to column tables, and the types and allowed values of the
//! columns used. Registry hives and value data are rewritten to Defender's forms.

use std::sync::LazyLock;

use socfeed_sigma::Rule;

use crate::convert::{convert, Target};
use crate::mapping::MappingFile;
use crate::{Backend, Conversion, Refusal};

pub const NAME: &str = "defender-xdr";

static MAPPING: LazyLock<MappingFile> = LazyLock::new(|| {
    // The file is compiled in and checked by this crate's tests, so a failure here is a
    // build defect rather than bad input.
    MappingFile::parse(include_str!("../../data/defender-xdr.toml"))
        .unwrap_or_else(|e| panic!("data/defender-xdr.toml is invalid: {e}"))
});

/// Converts rules to Defender XDR advanced hunting queries.
#[derive(Debug, Default, Clone, Copy)]
pub struct DefenderXdr;

impl DefenderXdr {
    /// Returns the mapping the backend uses, for tests and reports.
    pub fn mapping() -> &'static MappingFile {
        &MAPPING
    }
}

impl Backend for DefenderXdr {
    fn name(&self) -> &'static str {
        NAME
    }

    fn convert(&self, rule: &Rule) -> Result<Conversion, Refusal> {
        let target = Target { name: NAME, label: "Defender XDR", lacks: "Defender XDR table" };
        convert(&target, &MAPPING, rule)
    }
}
