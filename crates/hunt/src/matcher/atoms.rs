//! The string tests of every rule, compiled together per field.
//!
//! Each distinct (field, string test) pair across the rule set is an atom. While rules
//! compile, [`AtomTable`] gives each atom an id. Once all are known, [`AtomTable::plan`]
//! compiles the atoms of each field into one aho-corasick automaton over the case-folded
//! literals, where equality, prefix, suffix and substring tests become pattern ids checked
//! against match positions. The tests the automaton cannot decide (case-sensitive values,
//! globs with inner wildcards, `*`, empty values) stay in a short list. Scanning an
//! event ([`ScanPlan::scan`], in `hits.rs`) then reads each field value once, however many
//! rules test it.

// foldhash (randomly seeded per process) instead of SipHash: these tables hash every
// string test of every rule while rules load, and only rule files add keys to them.
use foldhash::{HashMap, HashMapExt};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use rayon::prelude::*;

use super::placeholder::Placeholders;
use super::value::RegexTest;
use crate::event::{FieldId, FieldTable, KEYWORDS};
use crate::strategy::{Anchor, StrategyKey, StringMatcher};

/// Index of an atom: one string test on one field, shared by every rule that has it.
pub(crate) type AtomId = u32;

/// Gives each distinct string test on a field an id, while rules compile.
#[derive(Debug, Default)]
pub(crate) struct AtomTable {
    ids: HashMap<(FieldId, StrategyKey), AtomId>,
    atoms: Vec<(FieldId, StringMatcher)>,
}

impl AtomTable {
    /// Returns the id of the test `matcher` on `field`, adding it when new. The caller
    /// passes `matcher.key()` as `key`.
    fn intern(&mut self, field: FieldId, key: StrategyKey, matcher: StringMatcher) -> AtomId {
        let key = (field, key);
        if let Some(&id) = self.ids.get(&key) {
            return id;
        }
        let id = AtomId::try_from(self.atoms.len()).unwrap_or(AtomId::MAX);
        self.ids.insert(key, id);
        self.atoms.push((field, matcher));
        id
    }

    /// Compiles the atoms of each field into its scan.
    pub fn plan(&self) -> ScanPlan {
        let mut by_field: Vec<Vec<(AtomId, &StringMatcher)>> = Vec::new();
        let mut keywords: Vec<(AtomId, &StringMatcher)> = Vec::new();
        for (id, (field, matcher)) in (0..).zip(&self.atoms) {
            if *field == KEYWORDS {
                keywords.push((id, matcher));
                continue;
            }
            let slot = *field as usize;
            if by_field.len() <= slot {
                by_field.resize_with(slot + 1, Vec::new);
            }
            if let Some(list) = by_field.get_mut(slot) {
                list.push((id, matcher));
            }
        }
        // Fields build their automata independently, so in parallel.
        let fields = by_field.into_par_iter().map(|atoms| FieldScan::new(&atoms)).collect();
        let keywords = (!keywords.is_empty()).then(|| FieldScan::new(&keywords));
        ScanPlan { fields, keywords, atom_count: self.atoms.len() }
    }
}

/// The field and atom tables, shared by rules compiling in parallel. Each call holds a
/// lock only for one table lookup, so the threads rarely wait.
#[derive(Debug, Default)]
pub(crate) struct Interner {
    /// Values of `expand` placeholders, given by the user.
    pub placeholders: Placeholders,
    fields: Mutex<FieldTable>,
    atoms: Mutex<AtomTable>,
    /// Regexes by source and flags, so that a rule compiled for several event kinds
    /// (and rules sharing a pattern) compile each regex once.
    regexes: Mutex<HashMap<String, Arc<RegexTest>>>,
}

impl Interner {
    pub fn new(placeholders: Placeholders) -> Interner {
        Interner { placeholders, ..Interner::default() }
    }

    pub fn field(&self, name: &str) -> FieldId {
        lock(&self.fields).intern(name)
    }

    pub fn atom(&self, field: FieldId, matcher: StringMatcher) -> AtomId {
        // The key is built before taking the lock, to hold it as briefly as possible.
        let key = matcher.key();
        lock(&self.atoms).intern(field, key, matcher)
    }

    /// Returns the shared regex for a Sigma `re` value, compiling it when new.
    pub fn regex(&self, pattern: &str, ignore_case: bool, multi_line: bool, dot_all: bool) -> Result<Arc<RegexTest>, String> {
        let key = format!("{}{}{}{pattern}", u8::from(ignore_case), u8::from(multi_line), u8::from(dot_all));
        if let Some(regex) = lock(&self.regexes).get(&key) {
            return Ok(Arc::clone(regex));
        }
        // Compiled outside the lock; two threads meeting the same new pattern both
        // compile it, and the second result is kept.
        let regex = Arc::new(RegexTest::new(pattern, ignore_case, multi_line, dot_all)?);
        lock(&self.regexes).insert(key, Arc::clone(&regex));
        Ok(regex)
    }

    pub fn into_tables(self) -> (FieldTable, AtomTable) {
        let fields = self.fields.into_inner().unwrap_or_else(PoisonError::into_inner);
        let atoms = self.atoms.into_inner().unwrap_or_else(PoisonError::into_inner);
        (fields, atoms)
    }
}

/// Locks a table, ignoring poisoning: a table stays consistent even if a thread panicked
/// while holding it, because each insert completes before the lock is released.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The maximum length, in bytes, of the literal prefixes in a field's automaton.
const WINDOW_BYTES: usize = 16;

/// The compiled atoms of every field, indexed by field id.
#[derive(Debug, Default)]
pub(crate) struct ScanPlan {
    pub(super) fields: Vec<FieldScan>,
    /// The atoms of keyword searches, applied to every value of the event.
    pub(super) keywords: Option<FieldScan>,
    pub(super) atom_count: usize,
}

impl ScanPlan {
    pub fn atom_count(&self) -> usize {
        self.atom_count
    }
}

/// The atoms of one field.
#[derive(Debug, Default)]
pub(super) struct FieldScan {
    /// One automaton over the distinct prefixes, at most `WINDOW_BYTES` long, of the
    /// field's case-folded literals. Each match is checked against the whole literals
    /// that start with it.
    pub literals: Option<AhoCorasick>,
    /// For each automaton pattern, the indexes of the literals that start with it.
    pub prefix_literals: Vec<Vec<usize>>,
    /// The distinct case-folded literals of the field.
    pub literal_text: Vec<Box<[u8]>>,
    /// For each literal, the atoms it decides and where it must occur.
    pub pattern_atoms: Vec<Vec<(AtomId, Anchor)>>,
    /// For each literal, the indexes in `gated` of the globs that need it.
    pub pattern_gates: Vec<Vec<usize>>,
    /// Globs tested only on values where the automaton found their longest literal.
    pub gated: Vec<(AtomId, StringMatcher)>,
    /// Atoms the automaton does not decide, tested one by one.
    pub direct: Vec<(AtomId, StringMatcher)>,
}

impl FieldScan {
    fn new<'a>(atoms: &[(AtomId, &'a StringMatcher)]) -> FieldScan {
        let mut patterns: Vec<&[u8]> = Vec::new();
        let mut pattern_ids: HashMap<&[u8], usize> = HashMap::new();
        let mut pattern_atoms: Vec<Vec<(AtomId, Anchor)>> = Vec::new();
        let mut pattern_gates: Vec<Vec<usize>> = Vec::new();
        let mut gated = Vec::new();
        let mut direct = Vec::new();
        // Returns the index of a literal in `patterns`, adding it when new.
        let mut pattern_of = |literal: &'a [u8], atoms: &mut Vec<Vec<(AtomId, Anchor)>>, gates: &mut Vec<Vec<usize>>| {
            *pattern_ids.entry(literal).or_insert_with(|| {
                patterns.push(literal);
                atoms.push(Vec::new());
                gates.push(Vec::new());
                patterns.len() - 1
            })
        };

        for &(id, matcher) in atoms {
            if let Some((literal, anchor)) = matcher.folded_literal() {
                let pattern = pattern_of(literal, &mut pattern_atoms, &mut pattern_gates);
                if let Some(list) = pattern_atoms.get_mut(pattern) {
                    list.push((id, anchor));
                }
            } else if let Some(literal) = matcher.glob_gate() {
                let pattern = pattern_of(literal, &mut pattern_atoms, &mut pattern_gates);
                if let Some(list) = pattern_gates.get_mut(pattern) {
                    list.push(gated.len());
                }
                gated.push((id, matcher.clone()));
            } else {
                direct.push((id, matcher.clone()));
            }
        }

        if patterns.is_empty() {
            return FieldScan { direct, ..FieldScan::default() };
        }

        // Only a prefix of each literal goes into the automaton, and a match is checked
        // against the whole literal. The trie then lacks the long unique tails of long
        // literals: building the automata of the SigmaHQ rules took about 57 ms instead
        // of 105 to 150 ms (wall time on a loaded 2-core machine).
        let mut prefixes: Vec<&[u8]> = Vec::new();
        let mut prefix_ids: HashMap<&[u8], usize> = HashMap::new();
        let mut prefix_literals: Vec<Vec<usize>> = Vec::new();
        for (index, literal) in patterns.iter().enumerate() {
            let prefix = literal.get(..WINDOW_BYTES).unwrap_or(literal);
            let id = *prefix_ids.entry(prefix).or_insert_with(|| {
                prefixes.push(prefix);
                prefix_literals.push(Vec::new());
                prefixes.len() - 1
            });
            if let Some(list) = prefix_literals.get_mut(id) {
                list.push(index);
            }
        }
        let literal_text: Vec<Box<[u8]>> = patterns.iter().map(|literal| Box::from(*literal)).collect();

        // Every occurrence counts (a suffix test needs the one at the end), so the
        // automaton reports overlapping matches, which needs the standard match kind.
        // Dense transitions are kept for the start state and its children only. Deeper
        // dense states made the CommandLine automaton (about 11,000 literals) slower to
        // build (64 ms against 51 ms, single runs on a loaded 2-core machine), with no
        // measurable gain in scan time on the attack samples.
        let builder = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .dense_depth(2)
            .build(&prefixes);
        let literals = match builder {
            Ok(automaton) => Some(automaton),
            // An automaton beyond the crate's size limits: test every atom one by one.
            Err(_) => {
                let direct = atoms.iter().map(|&(id, matcher)| (id, matcher.clone())).collect();
                return FieldScan { literals: None, direct, ..FieldScan::default() };
            }
        };
        FieldScan { literals, prefix_literals, literal_text, pattern_atoms, pattern_gates, gated, direct }
    }
}
