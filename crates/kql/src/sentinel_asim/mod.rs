//! The `sentinel-asim` target: Microsoft Sentinel queries over ASIM parsers
//! (`imProcessCreate`, `imNetworkSession`, …), so one query covers every source that
//! has an ASIM parser in the workspace.
//!
//! What the target models lives in `data/sentinel-asim.toml`: the log source to parser
//! table, the Sigma field to ASIM column tables per kind of event, the parsers' tables
//! and connectors, and the types and allowed values of the columns used.

use std::sync::LazyLock;

use socfeed_sigma::Rule;

use crate::condition::condition_expr;
use crate::expr::Expr;
use crate::field::ItemConverter;
use crate::mapping::MappingFile;
use crate::{Backend, Conversion, Refusal, RefusalReason};

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
        let mapping = &*MAPPING;
        let logsource = rule.logsource.to_string();

        let Some(entry) = mapping.logsource(&rule.logsource) else {
            return Err(Refusal {
                reason: RefusalReason::UnmappedLogsource,
                subject: Some(logsource.clone()),
                message: format!("log source {logsource} has no ASIM parser that returns the same events"),
                logsource,
            });
        };
        // `MappingFile::parse` checked that these names resolve.
        let (Some(source), Some(fields)) = (mapping.sources.get(&entry.source), mapping.fields.get(&entry.fields)) else {
            return Err(Refusal {
                reason: RefusalReason::UnmappedLogsource,
                subject: Some(logsource.clone()),
                message: format!("the mapping entry for {logsource} names an undefined source or field set"),
                logsource,
            });
        };
        let default_schema = Default::default();
        let schema = mapping.schemas.get(&source.schema).unwrap_or(&default_schema);

        let mut items = ItemConverter::new(fields, schema, &logsource, "ASIM");
        for caveat in &entry.caveats {
            items.add_caveat(caveat.clone());
        }
        let predicate = condition_expr(&rule.detection, &mut |selection| items.selection(selection))
            .map_err(|e| e.into_refusal(logsource.clone()))?;

        let mut conjuncts: Vec<Expr> = entry.filters.iter().map(|f| Expr::Atom(f.clone())).collect();
        conjuncts.push(predicate);
        let mut query = entry.source.clone();
        for (alias, expr) in &items.extends {
            query.push_str(&format!("\n| extend {alias} = {expr}"));
        }
        query.push_str(&format!("\n| where {}", Expr::and(conjuncts).render(4)));

        Ok(Conversion { target: NAME, query, data_sources: vec![source.data_source(&entry.source)], caveats: items.caveats })
    }
}
