//! The ATT&CK coverage matrix: rules and converted rules per technique, by tactic.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::model::RuleEntry;
use crate::attack::AttackMatrix;
use crate::enrich::TacticRef;

#[derive(Debug, Serialize)]
pub struct Coverage {
    pub columns: Vec<Column>,
    /// Tagged techniques with no cell in the matrix: unknown, revoked or deprecated ones.
    pub outside: Vec<Cell>,
    pub matrix_loaded: bool,
}

/// One tactic and its techniques.
#[derive(Debug, Serialize)]
pub struct Column {
    pub tactic: TacticRef,
    pub cells: Vec<Cell>,
}

/// A technique with the rules tagged with it or with one of its sub-techniques.
#[derive(Debug, Serialize)]
pub struct Cell {
    pub id: String,
    pub name: Option<String>,
    pub rules: usize,
    pub converted: usize,
    /// 0 (no rule) to 4 (10 rules or more), for the cell's shade.
    pub shade: u8,
    /// `none`, `some` or `all` of the rules converted, for the cell's border.
    pub converted_share: &'static str,
    pub subtechniques: Vec<Cell>,
}

/// Rule pages tagged with each technique id, and how many of them converted.
#[derive(Default)]
struct Tally {
    rules: BTreeSet<usize>,
    converted: BTreeSet<usize>,
}

pub fn coverage(entries: &[RuleEntry], matrix: Option<&AttackMatrix>) -> Coverage {
    // Technique id -> rules, counting a rule for the technique it names and for that
    // technique's parent, so a parent cell counts each rule once.
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    for (index, entry) in entries.iter().enumerate() {
        for technique in &entry.enrichment.attack.techniques {
            let mut ids = vec![technique.id.clone()];
            ids.extend(technique.parent.as_ref().map(|p| p.id.clone()));
            for id in ids {
                let tally = tallies.entry(id).or_default();
                tally.rules.insert(index);
                if entry.is_converted() {
                    tally.converted.insert(index);
                }
            }
        }
    }

    match matrix {
        Some(matrix) => from_matrix(matrix, &tallies),
        None => from_tags(entries, &tallies),
    }
}

fn from_matrix(matrix: &AttackMatrix, tallies: &BTreeMap<String, Tally>) -> Coverage {
    let active: Vec<_> = matrix.techniques().filter(|t| t.is_active()).collect();
    let columns = matrix
        .tactics()
        .iter()
        .map(|tactic| {
            let mut cells: Vec<Cell> = active
                .iter()
                .filter(|t| t.parent.is_none() && t.tactics.contains(&tactic.shortname))
                .map(|parent| {
                    let mut subtechniques: Vec<Cell> = active
                        .iter()
                        .filter(|t| t.parent.as_deref() == Some(parent.id.as_str()))
                        .filter(|t| tallies.contains_key(&t.id))
                        .map(|t| cell(&t.id, Some(&t.name), tallies, Vec::new()))
                        .collect();
                    subtechniques.sort_by(|a, b| a.id.cmp(&b.id));
                    cell(&parent.id, Some(&parent.name), tallies, subtechniques)
                })
                .collect();
            // ATT&CK's own matrix view lists techniques by name.
            cells.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));
            let tactic = TacticRef {
                shortname: tactic.shortname.clone(),
                id: Some(tactic.id.clone()),
                name: Some(tactic.name.clone()),
                url: Some(tactic.url.clone()),
            };
            column(tactic, cells)
        })
        .collect();

    let outside = tallies
        .keys()
        .filter(|id| matrix.technique(id).is_none_or(|t| !t.is_active()))
        .map(|id| cell(id, matrix.technique(id).map(|t| t.name.as_str()), tallies, Vec::new()))
        .collect();
    Coverage { columns, outside, matrix_loaded: true }
}

/// Without a matrix: one column per tactic tagged on any rule, by name, holding the
/// techniques tagged together with that tactic.
fn from_tags(entries: &[RuleEntry], tallies: &BTreeMap<String, Tally>) -> Coverage {
    let mut by_tactic: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for entry in entries {
        let attack = &entry.enrichment.attack;
        for tactic in &attack.tactics {
            let techniques = by_tactic.entry(tactic.shortname.clone()).or_default();
            for technique in &attack.techniques {
                let parent = technique.parent.as_ref().map_or(&technique.id, |p| &p.id);
                techniques.insert(parent.clone());
            }
        }
    }

    let columns = by_tactic
        .into_iter()
        .map(|(shortname, parents)| {
            let cells = parents
                .iter()
                .map(|parent| {
                    let prefix = format!("{parent}.");
                    let subtechniques = tallies
                        .keys()
                        .filter(|id| id.starts_with(&prefix))
                        .map(|id| cell(id, None, tallies, Vec::new()))
                        .collect();
                    cell(parent, None, tallies, subtechniques)
                })
                .collect();
            let tactic = TacticRef { shortname, id: None, name: None, url: None };
            column(tactic, cells)
        })
        .collect();
    Coverage { columns, outside: Vec::new(), matrix_loaded: false }
}

fn column(tactic: TacticRef, cells: Vec<Cell>) -> Column {
    Column { tactic, cells }
}

fn cell(id: &str, name: Option<&str>, tallies: &BTreeMap<String, Tally>, subtechniques: Vec<Cell>) -> Cell {
    let (rules, converted) = tallies.get(id).map_or((0, 0), |t| (t.rules.len(), t.converted.len()));
    let shade = match rules {
        0 => 0,
        1 => 1,
        2..=4 => 2,
        5..=9 => 3,
        _ => 4,
    };
    let converted_share = match converted {
        0 => "none",
        n if n == rules => "all",
        _ => "some",
    };
    Cell { id: id.to_owned(), name: name.map(str::to_owned), rules, converted, shade, converted_share, subtechniques }
}
