//! Warnings for documents that read without error but look wrong, one function per check.

use std::collections::HashSet;

use super::tags::{check_tag, TagProblem};
use super::CheckOptions;
use crate::condition::{Condition, OfTarget};
use crate::detection::{Detection, Join};
use crate::reader::wildcard_match;
use crate::rule::{Document, LogSource, Metadata, Status};
use crate::span::Span;

pub struct Warning {
    pub code: &'static str,
    pub span: Span,
    pub message: String,
}

pub fn check_document(document: &Document, options: &CheckOptions) -> Vec<Warning> {
    let meta = document.meta();
    let mut warnings = Vec::new();

    check_tags(meta, options, &mut warnings);
    check_id(meta, &mut warnings);
    check_status(meta, &mut warnings);
    check_dates(meta, &mut warnings);

    match document {
        Document::Rule(rule) => {
            check_level(meta, &mut warnings);
            check_logsource(&rule.logsource, &mut warnings);
            check_unused_selections(&rule.detection, &mut warnings);
            check_all_on_single_value(&rule.detection, &mut warnings);
        }
        Document::Filter(filter) => {
            check_logsource(&filter.logsource, &mut warnings);
            check_unused_selections(&filter.detection, &mut warnings);
            check_all_on_single_value(&filter.detection, &mut warnings);
        }
        Document::Correlation(_) => {}
    }
    warnings
}

fn warn(warnings: &mut Vec<Warning>, code: &'static str, span: Span, message: String) {
    warnings.push(Warning { code, span, message });
}

fn check_tags(meta: &Metadata, options: &CheckOptions, warnings: &mut Vec<Warning>) {
    for (index, tag) in meta.tags.iter().enumerate() {
        let (code, message) = match check_tag(tag, options.attack_ids.as_ref()) {
            None => continue,
            Some(TagProblem::Invalid(message)) => ("W103", message),
            Some(TagProblem::UnknownAttackId(message)) => ("W104", message),
            Some(TagProblem::DeprecatedTactic(message)) => ("W105", message),
        };
        warn(warnings, code, meta.tag_span(index), message);
    }
}

fn check_id(meta: &Metadata, warnings: &mut Vec<Warning>) {
    match &meta.id {
        None => warn(warnings, "W106", meta.span, "the document has no `id`; add a random UUID".to_owned()),
        Some(id) if !is_uuid(id) => {
            warn(warnings, "W107", meta.span_of("id"), format!("`id` `{id}` is not a UUID such as 929a690e-bef0-4204-a928-ef5e620d6fcc"));
        }
        Some(_) => {}
    }
}

fn check_status(meta: &Metadata, warnings: &mut Vec<Warning>) {
    if let Some(status @ (Status::Deprecated | Status::Unsupported)) = meta.status {
        let name = status.name();
        warn(warnings, "W108", meta.span_of("status"), format!("`status` is `{name}`: backends should not convert this rule"));
    }
}

fn check_dates(meta: &Metadata, warnings: &mut Vec<Warning>) {
    for (key, value) in [("date", &meta.date), ("modified", &meta.modified)] {
        if let Some(value) = value {
            if !is_iso_date(value) {
                warn(warnings, "W109", meta.span_of(key), format!("`{key}` `{value}` is not a YYYY-MM-DD date"));
            }
        }
    }
}

fn check_level(meta: &Metadata, warnings: &mut Vec<Warning>) {
    if meta.level.is_none() {
        warn(warnings, "W110", meta.span, "the rule has no `level`".to_owned());
    }
}

fn check_logsource(logsource: &LogSource, warnings: &mut Vec<Warning>) {
    if logsource.category.is_none() && logsource.product.is_none() && logsource.service.is_none() {
        let message = "`logsource` has neither `category`, `product` nor `service`".to_owned();
        warn(warnings, "W111", logsource.span, message);
    }
}

fn check_unused_selections(detection: &Detection, warnings: &mut Vec<Warning>) {
    let names: Vec<&str> = detection.selections.iter().map(|s| s.name.as_str()).collect();
    let mut used = HashSet::new();
    for condition in &detection.conditions {
        collect_references(&condition.expr, &names, &mut used);
    }

    for selection in &detection.selections {
        if !used.contains(selection.name.as_str()) {
            let message = format!("selection `{}` is not used by any condition", selection.name);
            warn(warnings, "W101", selection.span, message);
        }
    }
}

fn collect_references<'a>(condition: &'a Condition, names: &[&'a str], used: &mut HashSet<&'a str>) {
    match condition {
        Condition::Selection(name) => {
            used.insert(name.as_str());
        }
        Condition::Not(inner) => collect_references(inner, names, used),
        Condition::And(terms) | Condition::Or(terms) => {
            for term in terms {
                collect_references(term, names, used);
            }
        }
        // The spec leaves selections whose names start with `_` out of `them`.
        Condition::Of { target: OfTarget::Them, .. } => used.extend(names.iter().copied().filter(|n| !n.starts_with('_'))),
        Condition::Of { target: OfTarget::Pattern(pattern), .. } => {
            used.extend(names.iter().copied().filter(|n| wildcard_match(pattern, n)));
        }
    }
}

fn check_all_on_single_value(detection: &Detection, warnings: &mut Vec<Warning>) {
    let items = detection.selections.iter().flat_map(|s| &s.groups).flat_map(|g| &g.items);
    for item in items {
        if item.join == Join::All && item.values.len() == 1 {
            let field = item.field.as_deref().unwrap_or("keywords");
            let message = format!("`all` on the single value of `{field}` has no effect; the spec forbids it");
            warn(warnings, "W102", item.span, message);
        }
    }
}

/// Checks the 8-4-4-4-12 hexadecimal form, any version.
fn is_uuid(id: &str) -> bool {
    let groups: Vec<&str> = id.split('-').collect();
    let lengths = [8, 4, 4, 4, 12];
    groups.len() == 5
        && groups.iter().zip(lengths).all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn is_iso_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let [year, month, day] = parts.as_slice() else { return false };
    let number = |s: &str, n: usize| (s.len() == n && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse::<u32>().ok()).flatten();
    let (Some(year), Some(month), Some(day)) = (number(year, 4), number(month, 2), number(day, 2)) else { return false };

    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days_in_month).contains(&day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids() {
        assert!(is_uuid("929a690e-bef0-4204-a928-ef5e620d6fcc"));
        assert!(!is_uuid("929a690e-bef0-4204-a928-ef5e620d6fc"));
        assert!(!is_uuid("rule-1"));
    }

    #[test]
    fn dates() {
        assert!(is_iso_date("2024-02-29"));
        assert!(!is_iso_date("2023-02-29"));
        assert!(!is_iso_date("2023/02/01"));
        assert!(!is_iso_date("2023-13-01"));
    }
}
