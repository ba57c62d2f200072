//! A Sigma rule compiled into a matcher over events.
//!
//! Sigma semantics, as the specification defines them: a selection matches when any of
//! its groups (a YAML map, or a keyword list) matches; a group when all of its items
//! match; an item when any of its values matches (all of them under `all`); a field with
//! several values (a list in the event) matches when any of its values does.

pub(crate) mod atoms;
mod compile;
pub(crate) mod hits;
pub(crate) mod placeholder;
mod required;
mod trigger;
pub(crate) mod value;

use std::sync::Arc;

use socfeed_sigma::{CompareOp, FieldRefPosition, Level, Status, TimePart};

pub(crate) use compile::compile_rule;

use crate::event::{Event, Field, FieldId};
use crate::logsource::ServiceId;
use atoms::AtomId;
use hits::Hits;
use value::{Network, RegexTest};

/// What a detection reports about the rule that fired.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RuleInfo {
    pub id: Option<String>,
    pub title: String,
    pub level: Option<Level>,
    pub status: Option<Status>,
    pub path: std::path::PathBuf,
    /// The rule's log source as `product/category/service`.
    pub logsource: String,
}

/// One rule compiled for one of the event kinds its log source covers. A rule whose log
/// source covers several kinds (process_creation: Sysmon 1 and Security 4688) compiles
/// once per kind, because field renames differ.
#[derive(Debug)]
pub struct CompiledRule {
    pub info: Arc<RuleInfo>,
    pub service: ServiceId,
    /// Event IDs the rule applies to; empty for every event of the service.
    pub event_ids: Vec<u32>,
    /// Field values the event kind requires besides its event ID (lowercase).
    guard: Vec<(FieldId, Vec<String>)>,
    selections: Vec<Selection>,
    condition: Cond,
    /// The event's names of the fields the rule reads, reported with a detection.
    pub read_fields: Vec<FieldId>,
    /// Whether the rule has a keyword search, which reads every value of the event.
    pub has_keywords: bool,
}

#[derive(Debug)]
struct Selection {
    groups: Vec<Vec<Item>>,
}

#[derive(Debug)]
struct Item {
    /// `None` for a keyword search over every value of the event.
    field: Option<FieldId>,
    all: bool,
    tests: Vec<Test>,
}

#[derive(Debug)]
enum Test {
    /// A string test on a field (or, in a keyword search, on any value), decided for all
    /// rules by the event's scan.
    Atom(AtomId),
    Number { value: f64, text: String },
    Boolean(bool),
    /// A regex, with atoms one of which passes whenever it can match (see `required.rs`).
    Regex(Arc<RegexTest>, Option<Box<[AtomId]>>),
    Cidr(Network),
    Compare { op: CompareOp, value: f64 },
    TimePart { part: TimePart, value: i64 },
    Null,
    Exists(bool),
    FieldRef { field: FieldId, position: FieldRefPosition },
    Not(Box<Test>),
    AnyOf(Vec<Test>),
}

/// A condition with selection names resolved to indexes.
#[derive(Debug)]
enum Cond {
    Selection(usize),
    Not(Box<Cond>),
    And(Vec<Cond>),
    Or(Vec<Cond>),
    AllOf(Vec<usize>),
    AnyOf(Vec<usize>),
}

impl CompiledRule {
    /// Returns whether the rule fires on the event. The caller has already checked the
    /// event's service and event ID.
    pub(crate) fn matches(&self, event: &Event, hits: &Hits) -> bool {
        let guard_holds = self.guard.iter().all(|(field, accepted)| {
            event.values(*field).any(|f| f.lower.as_deref().is_some_and(|v| accepted.iter().any(|a| a == v)))
        });
        guard_holds && self.eval(&self.condition, event, hits)
    }

    fn eval(&self, cond: &Cond, event: &Event, hits: &Hits) -> bool {
        match cond {
            Cond::Selection(index) => self.selection_matches(*index, event, hits),
            Cond::Not(inner) => !self.eval(inner, event, hits),
            Cond::And(parts) => parts.iter().all(|c| self.eval(c, event, hits)),
            Cond::Or(parts) => parts.iter().any(|c| self.eval(c, event, hits)),
            Cond::AllOf(indexes) => indexes.iter().all(|&i| self.selection_matches(i, event, hits)),
            Cond::AnyOf(indexes) => indexes.iter().any(|&i| self.selection_matches(i, event, hits)),
        }
    }

    fn selection_matches(&self, index: usize, event: &Event, hits: &Hits) -> bool {
        let Some(selection) = self.selections.get(index) else { return false };
        selection.groups.iter().any(|items| items.iter().all(|item| item_matches(item, event, hits)))
    }
}

fn item_matches(item: &Item, event: &Event, hits: &Hits) -> bool {
    let test_holds = |test: &Test| match item.field {
        Some(field) => field_test(test, field, event, hits),
        None => keyword_test(test, event, hits),
    };
    if item.all {
        item.tests.iter().all(test_holds)
    } else {
        item.tests.iter().any(test_holds)
    }
}

/// Applies a test to a field: tests of presence look at all values together, the others
/// hold when any value passes.
fn field_test(test: &Test, field: FieldId, event: &Event, hits: &Hits) -> bool {
    match test {
        Test::Atom(atom) => hits.contains(*atom),
        Test::Null => event.values(field).all(|f| f.text().is_empty()),
        Test::Exists(exists) => event.values(field).next().is_some() == *exists,
        Test::Not(inner) => !field_test(inner, field, event, hits),
        Test::AnyOf(alternatives) => alternatives.iter().any(|t| field_test(t, field, event, hits)),
        // No value contains a literal the regex needs, so none can match.
        Test::Regex(_, Some(atoms)) if !atoms.iter().any(|&atom| hits.contains(atom)) => false,
        _ => event.values(field).any(|value| value_test(test, value, event)),
    }
}

/// Applies a test to one value of a field.
fn value_test(test: &Test, field: &Field, event: &Event) -> bool {
    let Some(text) = field.value.as_deref() else {
        // A null value passes only `null` (handled per field) and negations.
        return false;
    };
    match test {
        Test::Number { value, text: expected } => value::number_equals(text, *value, expected),
        Test::Boolean(expected) => text.trim().eq_ignore_ascii_case(if *expected { "true" } else { "false" }),
        Test::Regex(regex, _) => regex.is_match(text),
        Test::Cidr(network) => network.contains(text),
        Test::Compare { op, value } => value::compare(*op, text, *value),
        Test::TimePart { part, value } => value::time_part_equals(text, *part, *value),
        Test::FieldRef { field: other, position } => field_ref_matches(text, *other, *position, event),
        Test::Not(inner) => !value_test(inner, field, event),
        Test::AnyOf(alternatives) => alternatives.iter().any(|t| value_test(t, field, event)),
        // Decided per field, in `field_test`, never per value.
        Test::Atom(_) | Test::Null | Test::Exists(_) => false,
    }
}

/// `fieldref`: compares with another field of the same event, case-insensitively like
/// other Sigma string comparisons (the specification does not say; this follows pySigma's
/// default of case-insensitive matching).
fn field_ref_matches(text: &str, other: FieldId, position: FieldRefPosition, event: &Event) -> bool {
    let text = text.to_lowercase();
    event.values(other).any(|f| {
        let reference = f.lowercase();
        match position {
            FieldRefPosition::Equals => text == *reference,
            FieldRefPosition::Contains => text.contains(&*reference),
            FieldRefPosition::StartsWith => text.starts_with(&*reference),
            FieldRefPosition::EndsWith => text.ends_with(&*reference),
        }
    })
}

/// Keyword searches read every value of the event.
fn keyword_test(test: &Test, event: &Event, hits: &Hits) -> bool {
    match test {
        Test::Atom(atom) => hits.contains(*atom),
        Test::Not(inner) => !keyword_test(inner, event, hits),
        Test::AnyOf(alternatives) => alternatives.iter().any(|t| keyword_test(t, event, hits)),
        _ => event.fields.iter().any(|field| value_test(test, field, event)),
    }
}
