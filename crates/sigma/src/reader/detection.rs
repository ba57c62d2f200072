//! The `detection` section: selections, their items, and the conditions over them.

use super::condition;
use super::error::{Problem, Problems, ReadErrorKind, Result};
use super::fields::{expect_map, expect_string, type_error};
use super::locate::char_spans;
use super::modifiers;
use super::yaml::{Node, NodeKind};
use super::Source;
use crate::condition::ConditionExpr;
use crate::detection::{Detection, DetectionItem, ItemGroup, Join, Modifier, Selection};
use crate::value::Value;

/// Reads a detection from `node`'s entries, leaving out the keys in `skip` (a filter's
/// `rules`). `owner` names the section in messages (`detection` or `filter`). Each
/// selection, item and condition that fails adds its own error.
pub fn read_detection(node: &Node, source: &Source, skip: &[&str], owner: &str, problems: &mut Problems) -> Option<Detection> {
    let mark = problems.mark();
    let entries = problems.ok(expect_map(node, &format!("`{owner}`")))?;
    let mut selections = Vec::new();
    // Every selection name, read or not, so that a condition naming a bad selection
    // does not add a second error for it.
    let mut names = Vec::new();
    let mut condition_node = None;
    let mut timeframe = None;

    for (key, value) in entries {
        let Some(name) = problems.ok(expect_string(key, &format!("a key of `{owner}`"))) else { continue };
        match name.as_str() {
            "condition" => condition_node = Some(value),
            "timeframe" => timeframe = problems.ok(expect_string(value, "`timeframe`")),
            _ if skip.contains(&name.as_str()) => {}
            _ => {
                names.push(name.clone());
                selections.extend(read_selection(name, key, value, problems));
            }
        }
    }

    let conditions = match condition_node.filter(|n| !n.is_null()) {
        Some(condition_node) => {
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            read_conditions(condition_node, source, &names, problems)
        }
        None => {
            let message = format!("`{owner}` is missing the required field `condition`");
            problems.push(Problem::new(node.span, ReadErrorKind::MissingField, message));
            None
        }
    };

    let detection = Detection { selections, conditions: conditions?, timeframe, span: node.span };
    problems.none_since(mark).then_some(detection)
}

fn read_conditions(node: &Node, source: &Source, names: &[&str], problems: &mut Problems) -> Option<Vec<ConditionExpr>> {
    let items: Vec<&Node> = match &node.kind {
        NodeKind::Seq(items) if !items.is_empty() => items.iter().collect(),
        NodeKind::Seq(_) => {
            problems.push(Problem::new(node.span, ReadErrorKind::MissingField, "`condition` is an empty list"));
            return None;
        }
        _ => vec![node],
    };

    let conditions: Vec<Option<ConditionExpr>> = items.into_iter().map(|item| problems.ok(read_condition(item, source, names))).collect();
    conditions.into_iter().collect()
}

fn read_condition(item: &Node, source: &Source, names: &[&str]) -> Result<ConditionExpr> {
    let text = expect_string(item, "`condition`")?;
    let NodeKind::Scalar(scalar) = &item.kind else { return Err(type_error(item, "`condition`", "a string")) };
    let spans = char_spans(&source.lines, item.span, scalar.style, &text);
    let expr = condition::parse(&text, &spans, item.span, names)?;
    Ok(ConditionExpr { source: text.trim().to_owned(), expr, span: item.span })
}

fn read_selection(name: String, key: &Node, value: &Node, problems: &mut Problems) -> Option<Selection> {
    let empty = || Problem::new(key.span, ReadErrorKind::Selection, format!("selection `{name}` is empty"));

    let groups = match &value.kind {
        NodeKind::Map(entries) if entries.is_empty() => Err(empty()),
        NodeKind::Map(_) => Ok(vec![read_group(value, problems)?]),
        NodeKind::Seq(items) if items.is_empty() => Err(empty()),
        NodeKind::Seq(items) if items.iter().all(|i| matches!(i.kind, NodeKind::Map(_))) => {
            let groups: Vec<Option<ItemGroup>> = items.iter().map(|item| read_group(item, problems)).collect();
            Ok(groups.into_iter().collect::<Option<_>>()?)
        }
        NodeKind::Seq(items) if items.iter().all(|i| matches!(i.kind, NodeKind::Scalar(_))) => {
            keyword_group(items, value).map(|group| vec![group])
        }
        NodeKind::Seq(_) => {
            let message = format!("selection `{name}` mixes maps and plain values; use either a list of maps or a keyword list");
            Err(Problem::new(value.span, ReadErrorKind::Selection, message))
        }
        NodeKind::Scalar(_) if value.is_null() => Err(empty()),
        NodeKind::Scalar(_) => keyword_group(std::slice::from_ref(value), value).map(|group| vec![group]),
    };

    let groups = problems.ok(groups)?;
    Some(Selection { name, groups, span: key.span })
}

/// A keyword list: one item without a field, matching any of the values anywhere.
fn keyword_group(items: &[Node], list: &Node) -> Result<ItemGroup> {
    let values: Vec<Value> = items.iter().filter_map(Node::scalar_value).collect();
    let tests = modifiers::apply(&[], &values, list.span)?;
    let item = DetectionItem { field: None, modifiers: Vec::new(), values, join: Join::Any, tests, span: list.span };
    Ok(ItemGroup { items: vec![item], span: list.span })
}

fn read_group(node: &Node, problems: &mut Problems) -> Option<ItemGroup> {
    let entries = problems.ok(expect_map(node, "a selection entry"))?;
    if entries.is_empty() {
        problems.push(Problem::new(node.span, ReadErrorKind::Selection, "a selection map is empty"));
        return None;
    }

    let items: Vec<Option<DetectionItem>> = entries.iter().map(|(key, value)| read_item(key, value, problems)).collect();
    let items = items.into_iter().collect::<Option<_>>()?;
    Some(ItemGroup { items, span: node.span })
}

/// Reads one `field|modifier: values` entry. Every unknown modifier and every nested
/// value adds its own error; the modifier chain is applied only when there is none.
fn read_item(key: &Node, value: &Node, problems: &mut Problems) -> Option<DetectionItem> {
    let mark = problems.mark();
    let key_text = problems.ok(expect_string(key, "a field name"))?;
    let mut parts = key_text.split('|');
    let field = parts.next().filter(|f| !f.is_empty()).map(str::to_owned);

    let mut modifiers = Vec::new();
    for name in parts {
        match Modifier::from_name(name) {
            Some(modifier) => modifiers.push(modifier),
            None => {
                let message = format!("unknown modifier `{name}` in `{key_text}`");
                problems.push(Problem::new(key.span, ReadErrorKind::UnknownModifier, message));
            }
        }
    }

    let values: Vec<Value> = match &value.kind {
        NodeKind::Scalar(_) => value.scalar_value().into_iter().collect(),
        NodeKind::Seq(items) if items.is_empty() => {
            let message = format!("`{key_text}` has an empty list of values");
            problems.push(Problem::new(value.span, ReadErrorKind::Selection, message));
            Vec::new()
        }
        NodeKind::Seq(items) => items
            .iter()
            .filter_map(|item| {
                let value = item.scalar_value();
                if value.is_none() {
                    problems.push(nested_error(&key_text, item));
                }
                value
            })
            .collect(),
        NodeKind::Map(_) => {
            problems.push(nested_error(&key_text, value));
            Vec::new()
        }
    };
    if !problems.none_since(mark) {
        return None;
    }

    let join = if modifiers.contains(&Modifier::All) { Join::All } else { Join::Any };
    let tests = problems.ok(modifiers::apply(&modifiers, &values, key.span))?;
    Some(DetectionItem { field, modifiers, values, join, tests, span: key.span })
}

fn nested_error(key: &str, node: &Node) -> Problem {
    let message = format!("values of `{key}` must be plain values, found {}", node.type_name());
    Problem::new(node.span, ReadErrorKind::Selection, message)
}
