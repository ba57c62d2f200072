//! Metadata and `logsource`: the fields every kind of document shares.

use std::collections::BTreeMap;

use super::error::{Problems, Result};
use super::fields::{expect_map, expect_string, optional, optional_string, required, string_list, to_json, type_error, value_error};
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

/// Reads the metadata of a document, which must be a map. Each field that fails adds its
/// own error, so a document with several bad fields reports them all.
pub fn read_metadata(doc: &Node, problems: &mut Problems) -> Option<Metadata> {
    let mark = problems.mark();
    let title = problems.ok(required(doc, "title", "the document").and_then(|node| expect_string(node, "`title`")));
    let status = problems.ok(read_status(doc)).flatten();
    let level = problems.ok(read_level(doc)).flatten();

    let mut custom = BTreeMap::new();
    let mut spans = BTreeMap::new();
    for (key, value) in doc.as_map().unwrap_or_default() {
        let Some(name) = key.as_str() else { continue };
        spans.insert(name.to_owned(), value.span);
        if !KNOWN_KEYS.contains(&name) {
            custom.insert(name.to_owned(), to_json(value));
        }
    }

    let mut string = |key: &str| problems.ok(optional_string(doc, key)).flatten();
    let id = string("id");
    let name = string("name");
    let description = string("description");
    let license = string("license");
    let author = string("author");
    let date = string("date");
    let modified = string("modified");
    let taxonomy = string("taxonomy");

    let mut list = |key: &str, allow_single: bool| problems.ok(string_list(doc, key, allow_single)).unwrap_or_default();
    let references = list("references", false);
    let tags = list("tags", false);
    let falsepositives = list("falsepositives", true);
    let fields = list("fields", false);
    let scope = list("scope", false);
    let related = problems.ok(read_related(doc)).unwrap_or_default();

    if !problems.none_since(mark) {
        return None;
    }
    Some(Metadata {
        title: title?,
        id,
        name,
        status,
        description,
        license,
        author,
        references,
        date,
        modified,
        tags,
        related,
        falsepositives,
        level,
        fields,
        scope,
        taxonomy,
        custom,
        span: doc.span,
        spans,
        tag_spans: item_spans(doc, "tags"),
    })
}

fn read_status(doc: &Node) -> Result<Option<Status>> {
    let Some(node) = optional(doc, "status") else { return Ok(None) };
    let name = expect_string(node, "`status`")?;
    let status = Status::from_name(&name).ok_or_else(|| {
        value_error(node.span, format!("`status` must be one of stable, test, experimental, deprecated, unsupported; found `{name}`"))
    })?;
    Ok(Some(status))
}

fn read_level(doc: &Node) -> Result<Option<Level>> {
    let Some(node) = optional(doc, "level") else { return Ok(None) };
    let name = expect_string(node, "`level`")?;
    let level = Level::from_name(&name).ok_or_else(|| {
        value_error(node.span, format!("`level` must be one of informational, low, medium, high, critical; found `{name}`"))
    })?;
    Ok(Some(level))
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

/// Reads `logsource`; each of its fields that fails adds its own error.
pub fn read_logsource(node: &Node, problems: &mut Problems) -> Option<LogSource> {
    problems.ok(expect_map(node, "`logsource`"))?;

    // NOTE: logsource keys other than these four (e.g. vendor-specific ones) are ignored.
    let mark = problems.mark();
    let mut string = |key: &str| problems.ok(optional_string(node, key)).flatten();
    let logsource = LogSource {
        category: string("category"),
        product: string("product"),
        service: string("service"),
        definition: string("definition"),
        span: node.span,
    };
    problems.none_since(mark).then_some(logsource)
}
