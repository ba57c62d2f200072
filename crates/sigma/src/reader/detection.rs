//! The `detection` section: selections, their items, and the conditions over them.

use super::condition;
use super::error::{Problem, ReadErrorKind, Result};
use super::fields::{expect_map, expect_string, type_error};
use super::locate::char_spans;
use super::modifiers;
use super::yaml::{Node, NodeKind};
use super::Source;
use crate::condition::ConditionExpr;
use crate::detection::{Detection, DetectionItem, ItemGroup, Join, Modifier, Selection};
use crate::value::Value;

/// Reads a detection from `node`'s entries, leaving out the keys in `skip` (a filter's
/// `rules`). `owner` names the section in messages (`detection` or `filter`).
pub fn read_detection(node: &Node, source: &Source, skip: &[&str], owner: &str) -> Result<Detection> {
    let entries = expect_map(node, &format!("`{owner}`"))?;
    let mut selections = Vec::new();
    let mut condition_node = None;
    let mut timeframe = None;

    for (key, value) in entries {
        let name = expect_string(key, &format!("a key of `{owner}`"))?;
        match name.as_str() {
            "condition" => condition_node = Some(value),
            "timeframe" => timeframe = Some(expect_string(value, "`timeframe`")?),
            _ if skip.contains(&name.as_str()) => {}
            _ => selections.push(read_selection(name, key, value)?),
        }
    }

    let condition_node = condition_node.filter(|n| !n.is_null()).ok_or_else(|| {
        Problem::new(node.span, ReadErrorKind::MissingField, format!("`{owner}` is missing the required field `condition`"))
    })?;
    let names: Vec<&str> = selections.iter().map(|s| s.name.as_str()).collect();
    let conditions = read_conditions(condition_node, source, &names)?;

    Ok(Detection { selections, conditions, timeframe, span: node.span })
}

fn read_conditions(node: &Node, source: &Source, names: &[&str]) -> Result<Vec<ConditionExpr>> {
    let items: Vec<&Node> = match &node.kind {
        NodeKind::Seq(items) if !items.is_empty() => items.iter().collect(),
        NodeKind::Seq(_) => return Err(Problem::new(node.span, ReadErrorKind::MissingField, "`condition` is an empty list")),
        _ => vec![node],
    };

    items
        .into_iter()
        .map(|item| {
            let text = expect_string(item, "`condition`")?;
            let NodeKind::Scalar(scalar) = &item.kind else { return Err(type_error(item, "`condition`", "a string")) };
            let spans = char_spans(&source.lines, item.span, scalar.style, &text);
            let expr = condition::parse(&text, &spans, item.span, names)?;
            Ok(ConditionExpr { source: text.trim().to_owned(), expr, span: item.span })
        })
        .collect()
}

fn read_selection(name: String, key: &Node, value: &Node) -> Result<Selection> {
    let empty = || Problem::new(key.span, ReadErrorKind::Selection, format!("selection `{name}` is empty"));

    let groups = match &value.kind {
        NodeKind::Map(entries) if entries.is_empty() => return Err(empty()),
        NodeKind::Map(_) => vec![read_group(value)?],
        NodeKind::Seq(items) if items.is_empty() => return Err(empty()),
        NodeKind::Seq(items) if items.iter().all(|i| matches!(i.kind, NodeKind::Map(_))) => {
            items.iter().map(read_group).collect::<Result<_>>()?
        }
        NodeKind::Seq(items) if items.iter().all(|i| matches!(i.kind, NodeKind::Scalar(_))) => {
            vec![keyword_group(items, value)?]
        }
        NodeKind::Seq(_) => {
            let message = format!("selection `{name}` mixes maps and plain values; use either a list of maps or a keyword list");
            return Err(Problem::new(value.span, ReadErrorKind::Selection, message));
        }
        NodeKind::Scalar(_) if value.is_null() => return Err(empty()),
        NodeKind::Scalar(_) => vec![keyword_group(std::slice::from_ref(value), value)?],
    };

    Ok(Selection { name, groups, span: key.span })
}

/// A keyword list: one item without a field, matching any of the values anywhere.
fn keyword_group(items: &[Node], list: &Node) -> Result<ItemGroup> {
    let values: Vec<Value> = items.iter().filter_map(Node::scalar_value).collect();
    let tests = modifiers::apply(&[], &values, list.span)?;
    let item = DetectionItem { field: None, modifiers: Vec::new(), values, join: Join::Any, tests, span: list.span };
    Ok(ItemGroup { items: vec![item], span: list.span })
}

fn read_group(node: &Node) -> Result<ItemGroup> {
    let entries = expect_map(node, "a selection entry")?;
    if entries.is_empty() {
        return Err(Problem::new(node.span, ReadErrorKind::Selection, "a selection map is empty"));
    }
    let items = entries.iter().map(|(key, value)| read_item(key, value)).collect::<Result<_>>()?;
    Ok(ItemGroup { items, span: node.span })
}

fn read_item(key: &Node, value: &Node) -> Result<DetectionItem> {
    let key_text = expect_string(key, "a field name")?;
    let mut parts = key_text.split('|');
    let field = parts.next().filter(|f| !f.is_empty()).map(str::to_owned);

    let mut modifiers = Vec::new();
    for name in parts {
        let modifier = Modifier::from_name(name).ok_or_else(|| {
            let message = format!("unknown modifier `{name}` in `{key_text}`");
            Problem::new(key.span, ReadErrorKind::UnknownModifier, message)
        })?;
        modifiers.push(modifier);
    }

    let values = match &value.kind {
        NodeKind::Scalar(_) => value.scalar_value().into_iter().collect(),
        NodeKind::Seq(items) if items.is_empty() => {
            let message = format!("`{key_text}` has an empty list of values");
            return Err(Problem::new(value.span, ReadErrorKind::Selection, message));
        }
        NodeKind::Seq(items) => items
            .iter()
            .map(|item| match item.scalar_value() {
                Some(v) => Ok(v),
                None => Err(nested_error(&key_text, item)),
            })
            .collect::<Result<Vec<_>>>()?,
        NodeKind::Map(_) => return Err(nested_error(&key_text, value)),
    };

    let join = if modifiers.contains(&Modifier::All) { Join::All } else { Join::Any };
    let tests = modifiers::apply(&modifiers, &values, key.span)?;
    Ok(DetectionItem { field, modifiers, values, join, tests, span: key.span })
}

fn nested_error(key: &str, node: &Node) -> Problem {
    let message = format!("values of `{key}` must be plain values, found {}", node.type_name());
    Problem::new(node.span, ReadErrorKind::Selection, message)
}
