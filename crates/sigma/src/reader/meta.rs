//! Metadata and `logsource`: the fields every kind of document shares.

use std::collections::BTreeMap;

use super::error::Result;
use super::fields::{required, expect_map, expect_string, optional, optional_string, string_list, to_json, type_error, value_error};
use super::yaml::{Node, NodeKind};
use crate::rule::{Level, LogSource, Metadata, Related, Status};
use crate::span::Span;

/// Top-level keys that the rule, correlation and filter specifications define. Any
/// other key goes to `Metadata::custom`.
const KNOWN_KEYS: &[&str] = &[
    "title", "id", "name", "status", "description", "license", "author", "references", "date",
    "modified", "tags", "related", "falsepositives", "level", "fields", "scope", "taxonomy",
    "logsource", "detection", "correlation", "filter", "action",
];

const RELATED_TYPES: &[&str] = &["derived", "obsolete", "merged", "renamed", "similar"];

pub fn read_metadata(doc: &Node) -> Result<Metadata> {
    let title = expect_string(required(doc, "title", "the document")?, "`title`")?;

    let status = match optional(doc, "status") {
        None => None,
        Some(node) => {
            let name = expect_string(node, "`status`")?;
            let status = Status::from_name(&name).ok_or_else(|| {
                value_error(node.span, format!("`status` must be one of stable, test, experimental, deprecated, unsupported; found `{name}`"))
            })?;
            Some(status)
        }
    };

    let level = match optional(doc, "level") {
        None => None,
        Some(node) => {
            let name = expect_string(node, "`level`")?;
            let level = Level::from_name(&name).ok_or_else(|| {
                value_error(node.span, format!("`level` must be one of informational, low, medium, high, critical; found `{name}`"))
            })?;
            Some(level)
        }
    };

    let mut custom = BTreeMap::new();
    let mut spans = BTreeMap::new();
    for (key, value) in expect_map(doc, "a rule document")? {
        let Some(name) = key.as_str() else { continue };
        spans.insert(name.to_owned(), value.span);
        if !KNOWN_KEYS.contains(&name) {
            custom.insert(name.to_owned(), to_json(value));
        }
    }

    Ok(Metadata {
        title,
        id: optional_string(doc, "id")?,
        name: optional_string(doc, "name")?,
        status,
        description: optional_string(doc, "description")?,
        license: optional_string(doc, "license")?,
        author: optional_string(doc, "author")?,
        references: string_list(doc, "references", false)?,
        date: optional_string(doc, "date")?,
        modified: optional_string(doc, "modified")?,
        tags: string_list(doc, "tags", false)?,
        related: read_related(doc)?,
        falsepositives: string_list(doc, "falsepositives", true)?,
        level,
        fields: string_list(doc, "fields", false)?,
        scope: string_list(doc, "scope", false)?,
        taxonomy: optional_string(doc, "taxonomy")?,
        custom,
        span: doc.span,
        spans,
        tag_spans: item_spans(doc, "tags"),
    })
}

/// Returns the position of each entry of the list under `key`, in order.
fn item_spans(doc: &Node, key: &str) -> Vec<Span> {
    match optional(doc, key).map(|node| &node.kind) {
        Some(NodeKind::Seq(items)) => items.iter().map(|item| item.span).collect(),
        _ => Vec::new(),
    }
}

fn read_related(doc: &Node) -> Result<Vec<Related>> {
    let Some(node) = optional(doc, "related") else { return Ok(Vec::new()) };
    let NodeKind::Seq(entries) = &node.kind else {
        return Err(type_error(node, "`related`", "a list of maps with `id` and `type`"));
    };

    let mut related = Vec::with_capacity(entries.len());
    for entry in entries {
        expect_map(entry, "each entry of `related`")?;
        let id = expect_string(required(entry, "id", "a `related` entry")?, "`related` `id`")?;
        let type_node = required(entry, "type", "a `related` entry")?;
        let kind = expect_string(type_node, "`related` `type`")?;
        if !RELATED_TYPES.contains(&kind.as_str()) {
            let allowed = RELATED_TYPES.join(", ");
            return Err(value_error(type_node.span, format!("`related` `type` must be one of {allowed}; found `{kind}`")));
        }
        related.push(Related { id, kind });
    }
    Ok(related)
}

pub fn read_logsource(node: &Node) -> Result<LogSource> {
    expect_map(node, "`logsource`")?;
    // NOTE: logsource keys other than these four (e.g. vendor-specific ones) are ignored.
    Ok(LogSource {
        category: optional_string(node, "category")?,
        product: optional_string(node, "product")?,
        service: optional_string(node, "service")?,
        definition: optional_string(node, "definition")?,
        span: node.span,
    })
}
