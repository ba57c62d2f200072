//! Enrichment: ATT&CK context, hunt hypothesis, data sources, false-positive guidance and
//! confidence for one rule. The same input always gives the same output.

mod tags;
mod text;

use serde::Serialize;
use socfeed_kql::{Conversion, DataSource, Refusal};
use socfeed_sigma::{LogSource, Metadata, Status};

use crate::attack::AttackMatrix;

pub use tags::{technique_url, AttackContext, ParentRef, TacticRef, TechniqueRef};

/// The outcome of converting one rule with one target.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetResult {
    pub target: String,
    pub status: ConversionStatus,
    pub conversion: Option<Conversion>,
    pub refusal: Option<Refusal>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConversionStatus {
    Converted,
    Refused,
    /// The target is listed but its backend is not available in this build.
    NoBackend,
    /// The document is a correlation or filter, which backends do not convert on their own.
    NotApplicable,
}

impl ConversionStatus {
    pub fn code(self) -> &'static str {
        match self {
            Self::Converted => "converted",
            Self::Refused => "refused",
            Self::NoBackend => "no-backend",
            Self::NotApplicable => "not-applicable",
        }
    }
}

impl TargetResult {
    pub fn converted(conversion: Conversion) -> Self {
        let target = conversion.target.to_owned();
        Self { target, status: ConversionStatus::Converted, conversion: Some(conversion), refusal: None }
    }

    pub fn refused(target: &str, refusal: Refusal) -> Self {
        let target = target.to_owned();
        Self { target, status: ConversionStatus::Refused, conversion: None, refusal: Some(refusal) }
    }

    pub fn without(target: &str, status: ConversionStatus) -> Self {
        Self { target: target.to_owned(), status, conversion: None, refusal: None }
    }
}

/// Everything the feed adds to a rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Enrichment {
    pub attack: AttackContext,
    pub hypothesis: String,
    pub data_sources: DataSources,
    pub false_positives: FalsePositiveGuidance,
    pub confidence: Confidence,
}

/// The data a SOC must collect for the rule to return results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DataSources {
    /// The rule's log source as `product/category/service`.
    pub logsource: String,
    /// The parsers and tables the converted queries read, per target.
    pub sources: Vec<TargetDataSource>,
    /// A sentence about what to collect, for the page.
    pub summary: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetDataSource {
    pub target: String,
    #[serde(flatten)]
    pub source: DataSource,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FalsePositiveGuidance {
    /// The rule's `falsepositives` entries.
    pub known: Vec<String>,
    /// Advice on handling hits, by level.
    pub advice: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConfidenceLevel {
    Low,
    Medium,
    High,
}

impl ConfidenceLevel {
    pub fn name(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
        }
    }
}

/// How far the feed's query can be trusted, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Confidence {
    pub level: ConfidenceLevel,
    pub reason: String,
}

/// Enriches a rule: `logsource` is `None` for correlations, `results` contains one entry per target.
pub fn enrich(
    meta: &Metadata,
    logsource: Option<&LogSource>,
    results: &[TargetResult],
    matrix: Option<&AttackMatrix>,
) -> Enrichment {
    let attack = AttackContext::from_tags(&meta.tags, matrix);
    let data_sources = data_sources(logsource, results);
    let hypothesis = text::hypothesis(meta, &attack, &data_sources);
    let false_positives = FalsePositiveGuidance {
        known: meta.falsepositives.clone(),
        advice: text::false_positive_advice(meta.level, &meta.falsepositives),
    };
    let confidence = confidence(meta.status, results);
    Enrichment { attack, hypothesis, data_sources, false_positives, confidence }
}

fn data_sources(logsource: Option<&LogSource>, results: &[TargetResult]) -> DataSources {
    let logsource = logsource.map_or_else(|| "(none)".to_owned(), |l| l.to_string());
    let sources: Vec<TargetDataSource> = results
        .iter()
        .filter_map(|r| Some((&r.target, r.conversion.as_ref()?)))
        .flat_map(|(target, conversion)| {
            conversion.data_sources.iter().map(|source| TargetDataSource {
                target: target.clone(),
                source: source.clone(),
            })
        })
        .collect();
    let summary = text::data_source_summary(&logsource, &sources, results);
    DataSources { logsource, sources, summary }
}

/// High: converted without caveats and status stable or test. Medium: converted with caveats,
/// or another status. Low: no target converted the rule.
fn confidence(status: Option<Status>, results: &[TargetResult]) -> Confidence {
    let best = results
        .iter()
        .filter_map(|r| r.conversion.as_ref())
        .min_by_key(|c| c.caveats.len());
    let Some(best) = best else {
        return Confidence { level: ConfidenceLevel::Low, reason: text::not_converted_reason(results) };
    };

    if !best.caveats.is_empty() {
        let reason = text::caveats_reason(best);
        return Confidence { level: ConfidenceLevel::Medium, reason };
    }
    let level = match status {
        Some(Status::Stable | Status::Test) => ConfidenceLevel::High,
        _ => ConfidenceLevel::Medium,
    };
    Confidence { level, reason: text::clean_conversion_reason(best.target, status) }
}

#[cfg(test)]
mod tests;
