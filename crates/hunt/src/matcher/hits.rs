//! Per-event evaluation of the atoms: every read field value scanned once, giving the
//! set of string tests the event satisfies, which the rules' conditions then read.

use super::atoms::{FieldScan, ScanPlan};
use crate::event::{Event, UNREAD};

/// A fixed-size set of small integers (atom or rule indexes).
#[derive(Debug, Clone)]
pub(crate) struct BitSet {
    words: Vec<u64>,
}

/// The atoms an event satisfies: a bit per atom, set when some non-null value of the
/// atom's field passes its test.
pub(crate) type Hits = BitSet;

impl BitSet {
    pub fn new(len: usize) -> BitSet {
        BitSet { words: vec![0; len.div_ceil(64)] }
    }

    pub fn insert(&mut self, index: u32) {
        if let Some(word) = self.words.get_mut(index as usize / 64) {
            *word |= 1 << (index % 64);
        }
    }

    pub fn contains(&self, index: u32) -> bool {
        self.words.get(index as usize / 64).is_some_and(|word| word & (1 << (index % 64)) != 0)
    }

    /// Returns the members in increasing order.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        (0u32..).zip(&self.words).flat_map(|(position, &word)| {
            let mut rest = word;
            std::iter::from_fn(move || {
                if rest == 0 {
                    return None;
                }
                let bit = rest.trailing_zeros();
                rest &= rest - 1;
                Some(position * 64 + bit)
            })
        })
    }
}

impl ScanPlan {
    /// Scans each value of the event's read fields once against all atoms of its field,
    /// and every value against the atoms of keyword searches.
    pub fn scan(&self, event: &Event) -> Hits {
        let mut hits = BitSet::new(self.atom_count);
        for field in &event.fields {
            let Some(text) = field.value.as_deref() else {
                // A null value passes no string test.
                continue;
            };
            let scan = if field.id == UNREAD { None } else { self.fields.get(field.id as usize) };
            if scan.is_none() && self.keywords.is_none() {
                continue;
            }

            let lowered;
            let lower = match field.lower.as_deref() {
                Some(lower) => lower,
                None => {
                    lowered = text.to_lowercase();
                    &lowered
                }
            };
            for scan in scan.into_iter().chain(&self.keywords) {
                scan.scan_value(text, lower, &mut hits);
            }
        }
        hits
    }
}

impl FieldScan {
    /// Adds the atoms that an occurrence of a literal at `start..end` passes to `hits`.
    fn literal_found(&self, literal: usize, start: usize, end: usize, text: &str, lower: &str, hits: &mut Hits) {
        let atoms = self.pattern_atoms.get(literal).map_or(&[][..], Vec::as_slice);
        for &(atom, anchor) in atoms {
            if anchor.accepts(start, end, lower.len()) {
                hits.insert(atom);
            }
        }
        let gates = self.pattern_gates.get(literal).map_or(&[][..], Vec::as_slice);
        for (atom, matcher) in gates.iter().filter_map(|&index| self.gated.get(index)) {
            if !hits.contains(*atom) && matcher.is_match(text, lower) {
                hits.insert(*atom);
            }
        }
    }

    /// Adds the atoms that one value passes to `hits`.
    fn scan_value(&self, text: &str, lower: &str, hits: &mut Hits) {
        if let Some(automaton) = &self.literals {
            for found in automaton.find_overlapping_iter(lower) {
                let start = found.start();
                let literals = self.prefix_literals.get(found.pattern().as_usize()).map_or(&[][..], Vec::as_slice);
                for &literal in literals {
                    // The automaton matched a prefix; the whole literal must follow.
                    let Some(text_of_literal) = self.literal_text.get(literal) else { continue };
                    let end = start + text_of_literal.len();
                    if lower.as_bytes().get(start..end) != Some(&**text_of_literal) {
                        continue;
                    }
                    self.literal_found(literal, start, end, text, lower, hits);
                }
            }
        }
        for (atom, matcher) in &self.direct {
            if !hits.contains(*atom) && matcher.is_match(text, lower) {
                hits.insert(*atom);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_set_lists_its_members() {
        let mut set = BitSet::new(200);
        for index in [0, 63, 64, 130, 199] {
            set.insert(index);
        }
        set.insert(500);
        assert!(set.contains(130));
        assert!(!set.contains(131));
        assert!(!set.contains(500));
        assert_eq!(set.iter().collect::<Vec<_>>(), vec![0, 63, 64, 130, 199]);
    }
}
