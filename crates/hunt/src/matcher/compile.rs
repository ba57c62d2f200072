//! Compiles a Sigma rule's detection for one event kind: field names renamed and
//! interned, values compiled into strategies, the condition resolved to indexes.

use std::sync::Arc;

use socfeed_sigma::reader::wildcard_match;
use socfeed_sigma::{Condition, Join, OfTarget, Quantifier, Rule, SigmaString, StrPart, ValueTest};

use super::atoms::Interner;
use super::placeholder;
use super::value::Network;
use super::{Cond, CompiledRule, Item, RuleInfo, Selection, Test};
use crate::event::{FieldId, KEYWORDS};
use crate::logsource::Source;
use crate::strategy::StringMatcher;

/// Compiles `rule` for the event kind `source`, or returns why it cannot run.
pub(crate) fn compile_rule(
    rule: &Rule,
    info: Arc<RuleInfo>,
    source: &Source,
    tables: &Interner,
) -> Result<CompiledRule, String> {
    let rename = |name: &str| source.renames.get(name).map_or(name, String::as_str).to_owned();
    let mut read_fields = Vec::new();
    let mut has_keywords = false;

    let mut selections = Vec::with_capacity(rule.detection.selections.len());
    for selection in &rule.detection.selections {
        let mut groups = Vec::with_capacity(selection.groups.len());
        for group in &selection.groups {
            let mut items = Vec::with_capacity(group.items.len());
            for item in &group.items {
                let field = item.field.as_deref().map(|name| tables.field(&rename(name)));
                match field {
                    Some(id) if !read_fields.contains(&id) => read_fields.push(id),
                    Some(_) => {}
                    None => has_keywords = true,
                }

                let mut tests = Vec::with_capacity(item.tests.len());
                for test in &item.tests {
                    let test = if field.is_some() { test.clone() } else { keyword_form(test) };
                    let compiled = compile_test(&test, field, tables, &mut |name| tables.field(&rename(name)))
                        .map_err(|reason| format!("selection `{}` (line {}): {reason}", selection.name, item.span.line))?;
                    tests.push(compiled);
                }
                items.push(Item { field, all: item.join == Join::All, tests });
            }
            groups.push(items);
        }
        selections.push(Selection { groups });
    }

    let names: Vec<&str> = rule.detection.selections.iter().map(|s| s.name.as_str()).collect();
    let mut conditions: Vec<Cond> =
        rule.detection.conditions.iter().map(|c| compile_condition(&c.expr, &names)).collect::<Result<_, _>>()?;
    let condition = match conditions.len() {
        0 => return Err("the detection has no condition".to_owned()),
        1 => conditions.remove(0),
        _ => Cond::Or(conditions),
    };

    let guard = source
        .conditions
        .iter()
        .map(|(field, values)| (tables.field(field), values.iter().map(|v| v.to_lowercase()).collect()))
        .collect();

    Ok(CompiledRule {
        info,
        service: source.service,
        event_ids: source.event_ids.clone(),
        guard,
        selections,
        condition,
        read_fields,
        has_keywords,
    })
}

/// A keyword searches for its text anywhere in a value, as a full-text search does.
/// The specification does not say whether a keyword must equal a whole value; this reads
/// it as a substring, as Sigma's full-text backends do.
fn keyword_form(test: &ValueTest) -> ValueTest {
    match test {
        ValueTest::String { pattern, cased } => {
            let mut parts = pattern.parts.clone();
            if parts.first() != Some(&StrPart::AnyChars) {
                parts.insert(0, StrPart::AnyChars);
            }
            if parts.last() != Some(&StrPart::AnyChars) {
                parts.push(StrPart::AnyChars);
            }
            ValueTest::String { pattern: SigmaString { parts }, cased: *cased }
        }
        ValueTest::AnyOf { alternatives } => ValueTest::AnyOf { alternatives: alternatives.iter().map(keyword_form).collect() },
        ValueTest::Not { test } => ValueTest::Not { test: Box::new(keyword_form(test)) },
        other => other.clone(),
    }
}

/// Compiles one value test. String tests become atoms, decided once per event for all
/// rules. Keyword string tests (no field) read every value, so their atoms belong to the
/// `KEYWORDS` pseudo-field, which the scan applies to every value.
fn compile_test(
    test: &ValueTest,
    field: Option<FieldId>,
    tables: &Interner,
    intern: &mut dyn FnMut(&str) -> u32,
) -> Result<Test, String> {
    Ok(match test {
        ValueTest::String { pattern, cased } if pattern.parts.iter().any(|p| matches!(p, StrPart::Placeholder(_))) => {
            let alternatives = placeholder::expand(pattern, &tables.placeholders)?
                .into_iter()
                .map(|pattern| compile_test(&ValueTest::String { pattern, cased: *cased }, field, tables, intern))
                .collect::<Result<_, _>>()?;
            Test::AnyOf(alternatives)
        }
        ValueTest::String { pattern, cased } => {
            let matcher = StringMatcher::new(pattern, *cased)?;
            Test::Atom(tables.atom(field.unwrap_or(KEYWORDS), matcher))
        }
        ValueTest::AnyOf { alternatives } => Test::AnyOf(
            alternatives.iter().map(|t| compile_test(t, field, tables, intern)).collect::<Result<_, _>>()?,
        ),
        ValueTest::Number { value } => Test::Number { value: *value, text: number_text(*value) },
        ValueTest::Boolean { value } => Test::Boolean(*value),
        ValueTest::Regex { pattern, ignore_case, multi_line, dot_all } => {
            let regex = tables.regex(pattern, *ignore_case, *multi_line, *dot_all)?;
            // The literals a match needs become atoms of the field's scan, which then
            // decides when the regex cannot match.
            let prefilter = match (field, regex.required_literals()) {
                (Some(field), Some(literals)) => Some(
                    literals.iter().map(|literal| tables.atom(field, StringMatcher::contains_folded(literal))).collect(),
                ),
                _ => None,
            };
            Test::Regex(regex, prefilter)
        }
        ValueTest::Cidr { network, .. } => Test::Cidr(Network::parse(network)?),
        ValueTest::Compare { op, value } => Test::Compare { op: *op, value: *value },
        ValueTest::TimePart { part, value } => Test::TimePart { part: *part, value: *value },
        ValueTest::Null => Test::Null,
        ValueTest::Exists { exists } => Test::Exists(*exists),
        ValueTest::FieldRef { field, position } => Test::FieldRef { field: intern(field), position: *position },
        ValueTest::Not { test } => Test::Not(Box::new(compile_test(test, field, tables, intern)?)),
    })
}

/// The text an integer-valued YAML number is written as (`4688`, not `4688.0`).
fn number_text(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        value.to_string()
    }
}

fn compile_condition(condition: &Condition, names: &[&str]) -> Result<Cond, String> {
    let index = |name: &str| {
        names.iter().position(|n| *n == name).ok_or_else(|| format!("the condition names the undefined selection `{name}`"))
    };
    Ok(match condition {
        Condition::Selection(name) => Cond::Selection(index(name)?),
        Condition::Not(inner) => Cond::Not(Box::new(compile_condition(inner, names)?)),
        Condition::And(parts) => Cond::And(parts.iter().map(|c| compile_condition(c, names)).collect::<Result<_, _>>()?),
        Condition::Or(parts) => Cond::Or(parts.iter().map(|c| compile_condition(c, names)).collect::<Result<_, _>>()?),
        Condition::Of { quantifier, target } => {
            // `them` leaves out names starting with `_`, as the specification says.
            let indexes: Vec<usize> = names
                .iter()
                .enumerate()
                .filter(|(_, name)| match target {
                    OfTarget::Them => !name.starts_with('_'),
                    OfTarget::Pattern(pattern) => wildcard_match(pattern, name),
                })
                .map(|(i, _)| i)
                .collect();
            if indexes.is_empty() {
                return Err("an `of` expression matches no selection".to_owned());
            }
            match quantifier {
                Quantifier::Any => Cond::AnyOf(indexes),
                Quantifier::All => Cond::AllOf(indexes),
            }
        }
    })
}
