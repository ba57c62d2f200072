//! Correlation rules (`correlation:`) and filter rules (`filter:`).

use std::collections::BTreeMap;

use super::detection::read_detection;
use super::error::{Problem, Problems, ReadErrorKind, Result};
use super::fields::{expect_map, expect_string, optional, required, string_list, type_error, value_error};
use super::meta::{read_logsource, read_metadata};
use super::yaml::{Node, NodeKind};
use super::Source;
use crate::detection::CompareOp;
use crate::rule::{CorrelationCondition, CorrelationRule, CorrelationType, FilterRule, Metadata};
use crate::value::Value;

/// Reads a correlation rule: the metadata's errors and the first error of the
/// `correlation` section are each reported.
pub fn read_correlation(doc: &Node, problems: &mut Problems) -> Option<CorrelationRule> {
    let meta = read_metadata(doc, problems);
    let rule = problems.ok(read_correlation_section(doc));
    Some(CorrelationRule { meta: meta?, ..rule? })
}

/// Reads the `correlation` section into a rule with empty metadata.
fn read_correlation_section(doc: &Node) -> Result<CorrelationRule> {
    let section = required(doc, "correlation", "the document")?;
    expect_map(section, "`correlation`")?;

    let type_node = required(section, "type", "`correlation`")?;
    let type_name = expect_string(type_node, "correlation `type`")?;
    let correlation_type = correlation_type(&type_name).ok_or_else(|| {
        let message = format!(
            "correlation `type` must be one of event_count, value_count, temporal, temporal_ordered, value_sum, value_avg, value_percentile; found `{type_name}`"
        );
        value_error(type_node.span, message)
    })?;

    required(section, "rules", "`correlation`")?;
    let rules = string_list(section, "rules", true)?;

    // `timeframe` is the name older drafts of the correlation spec used.
    let timespan_node = optional(section, "timespan")
        .or_else(|| optional(section, "timeframe"))
        .ok_or_else(|| Problem::new(section.span, ReadErrorKind::MissingField, "`correlation` is missing the required field `timespan`"))?;
    let timespan = read_timespan(timespan_node)?;

    let condition = match optional(section, "condition") {
        Some(node) => Some(read_condition(node)?),
        None => None,
    };
    let needs_condition = !matches!(correlation_type, CorrelationType::Temporal | CorrelationType::TemporalOrdered);
    if needs_condition && condition.is_none() {
        let message = format!("`correlation` of type `{type_name}` is missing the required field `condition`");
        return Err(Problem::new(section.span, ReadErrorKind::MissingField, message));
    }
    let needs_field = !matches!(correlation_type, CorrelationType::Temporal | CorrelationType::TemporalOrdered | CorrelationType::EventCount);
    if needs_field && condition.as_ref().is_none_or(|c| c.field.is_none()) {
        let message = format!("the condition of a `{type_name}` correlation is missing the required field `field`");
        return Err(Problem::new(section.span, ReadErrorKind::MissingField, message));
    }

    let generate = match optional(section, "generate").or_else(|| optional(doc, "generate")) {
        None => false,
        Some(node) => match node.scalar_value() {
            Some(Value::Boolean(b)) => b,
            _ => return Err(type_error(node, "`generate`", "a boolean")),
        },
    };

    Ok(CorrelationRule {
        meta: Metadata::default(),
        correlation_type,
        rules,
        group_by: string_list(section, "group-by", true)?,
        timespan,
        condition,
        aliases: read_aliases(section)?,
        generate,
    })
}

fn correlation_type(name: &str) -> Option<CorrelationType> {
    Some(match name {
        "event_count" => CorrelationType::EventCount,
        "value_count" => CorrelationType::ValueCount,
        "temporal" => CorrelationType::Temporal,
        "temporal_ordered" => CorrelationType::TemporalOrdered,
        "value_sum" => CorrelationType::ValueSum,
        "value_avg" => CorrelationType::ValueAvg,
        "value_percentile" => CorrelationType::ValuePercentile,
        _ => return None,
    })
}

/// Checks `number + unit`. The spec lists the units s, m, h and d; pySigma also accepts
/// w (weeks), M (months) and y (years), and so does this reader.
fn read_timespan(node: &Node) -> Result<String> {
    let text = expect_string(node, "`timespan`")?;
    let digits = text.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let unit = &text[digits.len()..];
    let valid = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) && matches!(unit, "s" | "m" | "h" | "d" | "w" | "M" | "y");
    if !valid {
        return Err(value_error(node.span, format!("`timespan` must be a number and a unit (s, m, h, d, w, M, y) such as `5m`; found `{text}`")));
    }
    Ok(text)
}

fn read_condition(node: &Node) -> Result<CorrelationCondition> {
    let entries = expect_map(node, "correlation `condition`")?;
    let mut comparisons = Vec::new();
    let mut field = None;

    for (key, value) in entries {
        let name = expect_string(key, "a key of correlation `condition`")?;
        if name == "field" {
            field = Some(expect_string(value, "correlation `condition` `field`")?);
            continue;
        }
        let number = match value.scalar_value() {
            Some(Value::Integer(i)) => i as f64,
            Some(Value::Float(f)) => f,
            _ => return Err(type_error(value, &format!("correlation `condition` `{name}`"), "a number")),
        };
        match name.as_str() {
            "gt" => comparisons.push((CompareOp::Gt, number)),
            "gte" => comparisons.push((CompareOp::Gte, number)),
            "lt" => comparisons.push((CompareOp::Lt, number)),
            "lte" => comparisons.push((CompareOp::Lte, number)),
            // `CompareOp` has no equality, and `eq: n` is exactly `gte: n` and `lte: n`.
            "eq" => comparisons.extend([(CompareOp::Gte, number), (CompareOp::Lte, number)]),
            _ => {
                let message = format!("correlation `condition` keys are gt, gte, lt, lte, eq and field; found `{name}`");
                return Err(value_error(key.span, message));
            }
        }
    }

    if comparisons.is_empty() {
        return Err(Problem::new(node.span, ReadErrorKind::MissingField, "correlation `condition` has no comparison (gt, gte, lt, lte or eq)"));
    }
    Ok(CorrelationCondition { comparisons, field })
}

fn read_aliases(section: &Node) -> Result<BTreeMap<String, BTreeMap<String, String>>> {
    let Some(node) = optional(section, "aliases") else { return Ok(BTreeMap::new()) };
    let mut aliases = BTreeMap::new();

    for (alias, mapping) in expect_map(node, "`aliases`")? {
        let alias = expect_string(alias, "an alias name")?;
        let NodeKind::Map(entries) = &mapping.kind else {
            return Err(type_error(mapping, &format!("alias `{alias}`"), "a map from rule name to field name"));
        };
        let mut fields = BTreeMap::new();
        for (rule, field) in entries {
            fields.insert(expect_string(rule, "a rule name in `aliases`")?, expect_string(field, "a field name in `aliases`")?);
        }
        aliases.insert(alias, fields);
    }
    Ok(aliases)
}

/// Reads a filter rule; the metadata, `logsource` and the filter's detection each report
/// their errors.
pub fn read_filter(doc: &Node, source: &Source, problems: &mut Problems) -> Option<FilterRule> {
    let meta = read_metadata(doc, problems);
    let logsource = problems.ok(required(doc, "logsource", "the filter")).and_then(|node| read_logsource(node, problems));
    let section = problems.ok(required(doc, "filter", "the document").and_then(|node| expect_map(node, "`filter`").map(|_| node)));

    let (rules, detection) = match section {
        Some(section) => {
            let rules = problems.ok(required(section, "rules", "`filter`").and_then(|_| string_list(section, "rules", true)));
            let detection = read_detection(section, source, &["rules"], "filter", problems);
            (rules, detection)
        }
        None => (None, None),
    };
    Some(FilterRule { meta: meta?, logsource: logsource?, rules: rules?, detection: detection? })
}
