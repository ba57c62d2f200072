//! Typed access to the fields of a YAML map, with errors that name the field and its place.

use super::error::{Problem, ReadErrorKind, Result};
use super::yaml::{Node, NodeKind};
use crate::span::Span;
use crate::value::Value;

/// Returns the value of a required field, or a `MissingField` error at `owner`'s place.
pub fn required<'a>(map: &'a Node, key: &str, owner: &str) -> Result<&'a Node> {
    match map.get(key) {
        Some(node) if !node.is_null() => Ok(node),
        _ => Err(Problem::new(map.span, ReadErrorKind::MissingField, format!("{owner} is missing the required field `{key}`"))),
    }
}

/// Returns the value of an optional field; an explicit null counts as absent.
pub fn optional<'a>(map: &'a Node, key: &str) -> Option<&'a Node> {
    map.get(key).filter(|node| !node.is_null())
}

pub fn expect_string(node: &Node, what: &str) -> Result<String> {
    match node.scalar_value() {
        Some(Value::String(text)) => Ok(text),
        _ => Err(type_error(node, what, "a string")),
    }
}

pub fn optional_string(map: &Node, key: &str) -> Result<Option<String>> {
    optional(map, key).map(|node| expect_string(node, &format!("`{key}`"))).transpose()
}

/// Reads a list of strings. With `allow_single`, a lone string counts as a one-item list.
pub fn string_list(map: &Node, key: &str, allow_single: bool) -> Result<Vec<String>> {
    let Some(node) = optional(map, key) else { return Ok(Vec::new()) };
    match &node.kind {
        NodeKind::Seq(items) => items
            .iter()
            .map(|item| expect_string(item, &format!("each entry of `{key}`")))
            .collect(),
        NodeKind::Scalar(_) if allow_single => Ok(vec![expect_string(node, &format!("`{key}`"))?]),
        _ => Err(type_error(node, &format!("`{key}`"), "a list of strings")),
    }
}

pub fn expect_map<'a>(node: &'a Node, what: &str) -> Result<&'a [(Node, Node)]> {
    node.as_map().ok_or_else(|| type_error(node, what, "a map"))
}

pub fn type_error(node: &Node, what: &str, expected: &str) -> Problem {
    let found = node.type_name();
    Problem::new(node.span, ReadErrorKind::FieldType, format!("{what} must be {expected}, found {found}"))
}

pub fn value_error(span: Span, message: String) -> Problem {
    Problem::new(span, ReadErrorKind::FieldValue, message)
}

/// Converts a YAML node into JSON, for fields kept as written (`custom`).
pub fn to_json(node: &Node) -> serde_json::Value {
    match &node.kind {
        NodeKind::Scalar(_) => match node.scalar_value() {
            Some(Value::String(s)) => serde_json::Value::String(s),
            Some(Value::Integer(i)) => i.into(),
            Some(Value::Float(f)) => serde_json::Number::from_f64(f).map_or(serde_json::Value::Null, Into::into),
            Some(Value::Boolean(b)) => b.into(),
            Some(Value::Null) | None => serde_json::Value::Null,
        },
        NodeKind::Seq(items) => items.iter().map(to_json).collect(),
        NodeKind::Map(entries) => entries
            .iter()
            .map(|(k, v)| (k.as_str().unwrap_or_default().to_owned(), to_json(v)))
            .collect::<serde_json::Map<_, _>>()
            .into(),
    }
}
