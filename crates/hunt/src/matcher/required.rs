//! Literals that every match of a regex must contain, so that the shared literal scan can
//! decide when a regex cannot match and the rule need not run it.
//!
//! The result is a set of case-folded ASCII literals, at least one of which occurs in the
//! lowercase form of any value the regex matches. It is only a necessary condition: the
//! regex still runs when one of them occurs.
//!
//! Why lowercase ASCII is safe: Rust's `str::to_lowercase` maps each character on its own
//! (only the Greek capital sigma depends on its neighbours, and it never maps to ASCII).
//! A run of characters that each lowercase to one ASCII character therefore appears,
//! lowercased, in the lowercase form of the value. A character class is folded only when
//! every member lowercases to the same single ASCII character, as in `[kK]` or the class
//! `(?i)k`, which also contains the Kelvin sign. Any other class ends the run.

use regex_syntax::hir::{Class, Hir, HirKind};

/// Literals shorter than this trigger too often to be worth a pattern in the scan.
const MIN_LITERAL_CHARS: usize = 3;

/// More alternatives than this make the set a poor filter, so the regex keeps running.
const MAX_ALTERNATIVES: usize = 32;

/// Classes with more members than this are never folded to one character.
const MAX_CLASS_MEMBERS: u32 = 8;

/// Returns literals one of which the lowercase form of every matching value contains, or
/// `None` when the regex has no such set that is worth using.
pub(crate) fn required_literals(hir: &Hir) -> Option<Vec<String>> {
    let literals = required(hir)?;
    let usable = !literals.is_empty()
        && literals.len() <= MAX_ALTERNATIVES
        && literals.iter().all(|literal| literal.len() >= MIN_LITERAL_CHARS);
    usable.then_some(literals)
}

/// Returns a set of literals one of which every match contains, or `None` when the
/// expression can match without any (it may match the empty string, for one).
fn required(hir: &Hir) -> Option<Vec<String>> {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => None,
        HirKind::Literal(_) | HirKind::Class(_) => required_in_sequence(std::slice::from_ref(hir)),
        HirKind::Capture(capture) => required(&capture.sub),
        HirKind::Repetition(repetition) if repetition.min >= 1 => required(&repetition.sub),
        HirKind::Repetition(_) => None,
        HirKind::Concat(parts) => required_in_sequence(parts),
        HirKind::Alternation(branches) => {
            // A match takes one branch, so every branch needs literals of its own.
            let mut literals = Vec::new();
            for branch in branches {
                literals.extend(required(branch)?);
                if literals.len() > MAX_ALTERNATIVES {
                    return None;
                }
            }
            literals.sort_unstable();
            literals.dedup();
            Some(literals)
        }
    }
}

/// Returns the best requirement of a sequence whose parts all match, one after another.
/// Adjacent foldable characters join into one literal; any other part ends the literal
/// and may bring a requirement of its own.
fn required_in_sequence(parts: &[Hir]) -> Option<Vec<String>> {
    let mut candidates: Vec<Vec<String>> = Vec::new();
    let mut run = String::new();
    let end_run = |run: &mut String, candidates: &mut Vec<Vec<String>>| {
        if !run.is_empty() {
            candidates.push(vec![std::mem::take(run)]);
        }
    };

    for part in parts {
        match part.kind() {
            HirKind::Literal(literal) => {
                let Ok(text) = std::str::from_utf8(&literal.0) else {
                    end_run(&mut run, &mut candidates);
                    continue;
                };
                for c in text.chars() {
                    match fold_char(c) {
                        Some(folded) => run.push(folded),
                        None => end_run(&mut run, &mut candidates),
                    }
                }
            }
            HirKind::Class(class) => match fold_class(class) {
                Some(folded) => run.push(folded),
                None => end_run(&mut run, &mut candidates),
            },
            _ => {
                end_run(&mut run, &mut candidates);
                if let Some(literals) = required(part) {
                    candidates.push(literals);
                }
            }
        }
    }
    end_run(&mut run, &mut candidates);

    // Every part must match, so any one requirement will do: take the one whose shortest
    // literal is longest (it triggers least often), then the one with fewest alternatives.
    candidates.into_iter().max_by_key(|literals| {
        let shortest = literals.iter().map(String::len).min().unwrap_or(0);
        (shortest, std::cmp::Reverse(literals.len()))
    })
}

/// Returns the lowercase ASCII character `c` becomes, if it becomes exactly one.
fn fold_char(c: char) -> Option<char> {
    let mut lower = c.to_lowercase();
    let folded = lower.next()?;
    (lower.next().is_none() && folded.is_ascii()).then_some(folded)
}

/// Returns the one lowercase ASCII character that every member of the class becomes.
fn fold_class(class: &Class) -> Option<char> {
    let mut folded: Option<char> = None;
    let mut members = 0u32;
    let mut accept = |c: char| -> bool {
        members += 1;
        let Some(lower) = fold_char(c) else { return false };
        let same = *folded.get_or_insert(lower) == lower;
        same && members <= MAX_CLASS_MEMBERS
    };

    match class {
        Class::Unicode(class) => {
            for range in class.ranges() {
                for c in range.start()..=range.end() {
                    if !accept(c) {
                        return None;
                    }
                }
            }
        }
        Class::Bytes(class) => {
            for range in class.ranges() {
                for byte in range.start()..=range.end() {
                    if !byte.is_ascii() || !accept(char::from(byte)) {
                        return None;
                    }
                }
            }
        }
    }
    folded
}

#[cfg(test)]
mod tests {
    use super::*;

    fn literals(pattern: &str) -> Option<Vec<String>> {
        let hir = regex_syntax::Parser::new().parse(pattern).unwrap_or_else(|e| panic!("{pattern}: {e}"));
        required_literals(&hir)
    }

    fn set(items: &[&str]) -> Option<Vec<String>> {
        Some(items.iter().map(|s| (*s).to_owned()).collect())
    }

    #[test]
    fn plain_literals_are_lowercased() {
        assert_eq!(literals("Invoke-Mimikatz"), set(&["invoke-mimikatz"]));
        assert_eq!(literals("(?i)invoke-mimikatz"), set(&["invoke-mimikatz"]));
        assert_eq!(literals("(?i)^cmd\\.exe$"), set(&["cmd.exe"]));
    }

    #[test]
    fn alternations_need_every_branch() {
        // Under `(?i)`, `s` also accepts the long s, so `bitsadmin` keeps only `admin`,
        // which is still longer than `.exe`.
        assert_eq!(literals("(?i)(certutil|bitsadmin)\\.exe"), set(&["admin", "certutil"]));
        assert_eq!(literals("(?i)(certutil|bitadmin)\\.exe"), set(&["bitadmin", "certutil"]));
        assert_eq!(literals("(?i)(cer|bit)\\.exe"), set(&[".exe"]));
        assert_eq!(literals("(?i)(certutil|bitsadmin) -url"), set(&[" -url"]));
        assert_eq!(literals("certutil|bitsadmin"), set(&["bitsadmin", "certutil"]));
        assert_eq!(literals("certutil|x"), None);
        assert_eq!(literals("certutil|[a-z]+"), None);
    }

    #[test]
    fn optional_parts_give_nothing() {
        assert_eq!(literals("(abcdef)?"), None);
        assert_eq!(literals("(abcdef)*"), None);
        assert_eq!(literals("(abcdef)+"), set(&["abcdef"]));
        assert_eq!(literals("(abcdef){0,3}xy"), None);
        assert_eq!(literals("a(bcdef)?ghi"), set(&["ghi"]));
    }

    #[test]
    fn classes_end_a_literal() {
        assert_eq!(literals("abc[0-9]defg"), set(&["defg"]));
        assert_eq!(literals("[a-z]+\\.dll"), set(&[".dll"]));
        assert_eq!(literals("\\w{3}\\d+"), None);
        assert_eq!(literals("ab.cd"), None);
        assert_eq!(literals("(?s)abc.*defg"), set(&["defg"]));
    }

    #[test]
    fn anchors_and_boundaries_split_literals() {
        assert_eq!(literals("^$"), None);
        assert_eq!(literals("\\bnet\\b user"), set(&[" user"]));
        assert_eq!(literals("(?m)^abc$"), set(&["abc"]));
    }

    #[test]
    fn non_ascii_characters_end_a_literal() {
        assert_eq!(literals("ÄÖÜabc"), set(&["abc"]));
        assert_eq!(literals("straße"), set(&["stra"]));
        assert_eq!(literals("(?i)traße"), set(&["tra"]));
        // `(?i)s` also accepts the long s, which lowercases to itself, so it ends a literal.
        assert_eq!(literals("(?i)xyzsab"), set(&["xyz"]));
    }

    #[test]
    fn case_insensitive_k_includes_the_kelvin_sign() {
        // The Kelvin sign lowercases to an ASCII k, so the class folds to `k`.
        assert_eq!(literals("(?i)kernel32"), set(&["kernel32"]));
        let value = "\u{212A}ERNEL32.dll";
        assert!(value.to_lowercase().contains("kernel32"));
    }

    /// Every value the regex matches contains one of the literals, lowercased.
    #[test]
    fn literals_are_necessary_for_a_match() {
        let cases: &[(&str, &[&str])] = &[
            ("(?i)(certutil|bitsadmin)\\.exe", &["CERTUTIL.EXE", "x bitsadmin.exe y", "c.exe"]),
            ("(?i)\\\\(cmd|powershell)\\.exe\\s+/c", &["C:\\CMD.EXE  /c", "\\powershell.exe\t/C"]),
            ("(?i)k[e3]rnel", &["\u{212A}ERNEL", "k3rnel", "KERNEL"]),
            ("ab(cd|ef)+gh", &["abcdcdgh", "abefgh"]),
            ("(?i)ΣΑΣ abc", &["σας ABC", "ΣΑΣ ABC"]),
            ("^(?:x|y)z{2,}w", &["xzzw", "yzzzw"]),
        ];
        for (pattern, values) in cases {
            let regex = regex::Regex::new(pattern).unwrap_or_else(|e| panic!("{pattern}: {e}"));
            let Some(required) = literals(pattern) else { continue };
            for value in *values {
                if regex.is_match(value) {
                    let lower = value.to_lowercase();
                    assert!(required.iter().any(|l| lower.contains(l.as_str())), "{pattern} on {value}: {required:?}");
                }
            }
        }
    }
}
