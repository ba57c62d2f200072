//! The atoms that can trigger a rule: a set of string tests of which at least one must
//! pass for the rule to fire. An event that passes none of them cannot meet the rule, so
//! the rule set skips it without walking its condition. Most rules start with a selection
//! of field values, so most rules skip most events.

use super::atoms::AtomId;
use super::{CompiledRule, Cond, Item, Test};

impl CompiledRule {
    /// Returns atoms at least one of which passes whenever the rule fires, or `None` when
    /// the rule can fire without any string test passing (a negation, or only number or
    /// presence tests, or regexes without a required literal).
    pub(crate) fn trigger_atoms(&self) -> Option<Vec<AtomId>> {
        self.cond_trigger(&self.condition)
    }

    fn cond_trigger(&self, cond: &Cond) -> Option<Vec<AtomId>> {
        match cond {
            Cond::Selection(index) => self.selection_trigger(*index),
            Cond::Not(_) => None,
            Cond::And(parts) => smallest(parts.iter().map(|c| self.cond_trigger(c))),
            Cond::Or(parts) => union(parts.iter().map(|c| self.cond_trigger(c))),
            Cond::AllOf(indexes) => smallest(indexes.iter().map(|&i| self.selection_trigger(i))),
            Cond::AnyOf(indexes) => union(indexes.iter().map(|&i| self.selection_trigger(i))),
        }
    }

    /// Returns the trigger of a selection, which fires when one of its groups does (and a
    /// group when all its items do).
    fn selection_trigger(&self, index: usize) -> Option<Vec<AtomId>> {
        let selection = self.selections.get(index)?;
        union(selection.groups.iter().map(|items| smallest(items.iter().map(item_trigger))))
    }
}

fn item_trigger(item: &Item) -> Option<Vec<AtomId>> {
    // Keyword atoms are scanned over every value, so they trigger like field atoms.
    if item.all {
        smallest(item.tests.iter().map(test_trigger))
    } else {
        union(item.tests.iter().map(test_trigger))
    }
}

fn test_trigger(test: &Test) -> Option<Vec<AtomId>> {
    match test {
        Test::Atom(atom) => Some(vec![*atom]),
        Test::Regex(_, atoms) => atoms.as_ref().map(|atoms| atoms.to_vec()),
        Test::AnyOf(alternatives) => union(alternatives.iter().map(test_trigger)),
        _ => None,
    }
}

/// For parts that must all hold: any one part's trigger will do, so take the smallest.
fn smallest(parts: impl Iterator<Item = Option<Vec<AtomId>>>) -> Option<Vec<AtomId>> {
    parts.flatten().min_by_key(Vec::len)
}

/// For parts of which one must hold: every part needs a trigger, and any of them may fire.
/// No parts at all (an empty list) cannot fire.
fn union(parts: impl Iterator<Item = Option<Vec<AtomId>>>) -> Option<Vec<AtomId>> {
    let mut atoms = Vec::new();
    for part in parts {
        atoms.extend(part?);
    }
    atoms.sort_unstable();
    atoms.dedup();
    Some(atoms)
}
