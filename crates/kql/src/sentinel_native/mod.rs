//! The `sentinel` target: Microsoft Sentinel queries over native tables, for log
//! sources that ASIM does not model: Windows channels (`SecurityEvent`, `WindowsEvent`,
//! `Event`), `Syslog`, cloud audit logs (`AWSCloudTrail`, `AzureActivity`,
//! `GCPAuditLogs`, `AKSAudit`, `OfficeActivity`) and Entra ID logs (`SigninLogs`,
//! `AuditLogs`, `AADUserRiskEvents`). Each conversion names the table and the data
//! connector that fills it.
//!
//! What the target models lives in `data/sentinel-native.toml`. Windows events keep
//! their own field names in `EventData`, so most Windows fields map without a table.

use std::sync::LazyLock;

use socfeed_sigma::Rule;

use crate::convert::{convert, Target};
use crate::mapping::MappingFile;
use crate::{Backend, Conversion, Refusal};

pub const NAME: &str = "sentinel";

static MAPPING: LazyLock<MappingFile> = LazyLock::new(|| {
    // The file is compiled in and checked by this crate's tests, so a failure here is a
    // build defect rather than bad input.
    MappingFile::parse(include_str!("../../data/sentinel-native.toml"))
        .unwrap_or_else(|e| panic!("data/sentinel-native.toml is invalid: {e}"))
});

/// Converts rules to queries over Microsoft Sentinel's native tables.
#[derive(Debug, Default, Clone, Copy)]
pub struct SentinelNative;

impl SentinelNative {
    /// Returns the mapping the backend uses, for tests and reports.
    pub fn mapping() -> &'static MappingFile {
        &MAPPING
    }
}

impl Backend for SentinelNative {
    fn name(&self) -> &'static str {
        NAME
    }

    fn convert(&self, rule: &Rule) -> Result<Conversion, Refusal> {
        let target = Target { name: NAME, label: "Sentinel", lacks: "native Sentinel table" };
        convert(&target, &MAPPING, rule)
    }
}
