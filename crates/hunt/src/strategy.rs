//! Compiles one Sigma string pattern into the cheapest test that decides it.
//!
//! Most Sigma values are a literal with wildcards only at the ends (`contains`,
//! `startswith`, `endswith`), so each pattern becomes an equality, prefix, suffix or
//! substring test and only patterns with inner wildcards fall back to a regex. Matching is
//! case-insensitive unless the value is `cased`: the pattern is lowercased once here and
//! compared with the event value's lowercase form, which the event computes once.

use crate::lazy_regex::LazyRegex;
use socfeed_sigma::{SigmaString, StrPart};

/// How a string pattern is decided.
#[derive(Debug, Clone)]
pub(crate) enum Strategy {
    /// `*`: every value, empty or not.
    Any,
    Exact(Box<str>),
    Prefix(Box<str>),
    Suffix(Box<str>),
    /// A substring. Most of these are decided by the field's automaton and never
    /// searched for one by one, so no per-pattern searcher is built.
    Contains(Box<str>),
    /// Inner wildcards: an anchored regex over the (lowercased unless cased) value, and
    /// its longest literal part as the regex reads it, which every match contains.
    Glob(LazyRegex, Box<str>),
}

/// The position a literal must have in the value for its test to pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Anchor {
    Whole,
    Start,
    End,
    Anywhere,
}

impl Anchor {
    /// Tests an occurrence of the literal at `start..end` in a value of `len` bytes.
    pub fn accepts(self, start: usize, end: usize, len: usize) -> bool {
        match self {
            Anchor::Whole => start == 0 && end == len,
            Anchor::Start => start == 0,
            Anchor::End => end == len,
            Anchor::Anywhere => true,
        }
    }
}

/// A compiled string test.
#[derive(Debug, Clone)]
pub(crate) struct StringMatcher {
    pub strategy: Strategy,
    pub cased: bool,
}

/// Identifies a string test across rules, so that rules sharing a test share its result.
pub(crate) type StrategyKey = (bool, u8, Box<[u8]>);

impl StringMatcher {
    /// Returns the key that identifies this test: two matchers with equal keys decide
    /// every value alike.
    pub fn key(&self) -> StrategyKey {
        let (kind, text): (u8, &[u8]) = match &self.strategy {
            Strategy::Any => (0, b""),
            Strategy::Exact(literal) => (2, literal.as_bytes()),
            Strategy::Prefix(literal) => (3, literal.as_bytes()),
            Strategy::Suffix(literal) => (4, literal.as_bytes()),
            Strategy::Contains(literal) => (5, literal.as_bytes()),
            Strategy::Glob(regex, _) => (6, regex.as_str().as_bytes()),
        };
        (self.cased, kind, text.into())
    }

    /// Returns the literal and its anchoring when the test is a non-empty, case-folded
    /// literal that a multi-pattern automaton over lowercase values can decide.
    pub fn folded_literal(&self) -> Option<(&[u8], Anchor)> {
        if self.cased {
            return None;
        }
        let (literal, anchor): (&[u8], Anchor) = match &self.strategy {
            Strategy::Exact(literal) => (literal.as_bytes(), Anchor::Whole),
            Strategy::Prefix(literal) => (literal.as_bytes(), Anchor::Start),
            Strategy::Suffix(literal) => (literal.as_bytes(), Anchor::End),
            Strategy::Contains(literal) => (literal.as_bytes(), Anchor::Anywhere),
            Strategy::Any | Strategy::Glob(..) => return None,
        };
        (!literal.is_empty()).then_some((literal, anchor))
    }

    /// Returns a non-empty, case-folded literal that the lowercase form of every value
    /// this test accepts contains, for a glob that the field's automaton can gate.
    pub fn glob_gate(&self) -> Option<&[u8]> {
        match &self.strategy {
            Strategy::Glob(_, literal) if !self.cased && !literal.is_empty() => Some(literal.as_bytes()),
            _ => None,
        }
    }

    /// Compiles a pattern; fails when a glob regex is refused by the regex parser or when
    /// the pattern still contains an `expand` placeholder.
    pub fn new(pattern: &SigmaString, cased: bool) -> Result<Self, String> {
        let fold = |text: &str| if cased { text.to_owned() } else { text.to_lowercase() };
        let parts = &pattern.parts;

        // The rule compiler expands placeholders first (see `matcher/placeholder.rs`).
        if parts.iter().any(|p| matches!(p, StrPart::Placeholder(_))) {
            return Err("an `expand` placeholder was left unexpanded".to_owned());
        }

        let strategy = match parts.as_slice() {
            [] => Strategy::Exact("".into()),
            [StrPart::AnyChars] => Strategy::Any,
            [StrPart::Literal(text)] => Strategy::Exact(fold(text).into()),
            [StrPart::Literal(text), StrPart::AnyChars] => Strategy::Prefix(fold(text).into()),
            [StrPart::AnyChars, StrPart::Literal(text)] => Strategy::Suffix(fold(text).into()),
            [StrPart::AnyChars, StrPart::Literal(text), StrPart::AnyChars] => Strategy::Contains(fold(text).into()),
            _ => Strategy::Glob(glob_regex(parts, cased)?, longest_literal(parts, cased).into()),
        };
        Ok(StringMatcher { strategy, cased })
    }

    /// Returns a case-insensitive substring test for a literal that is already lowercase.
    pub fn contains_folded(literal: &str) -> Self {
        StringMatcher { strategy: Strategy::Contains(literal.into()), cased: false }
    }

    /// Tests a value given as written and in lowercase.
    pub fn is_match(&self, value: &str, lower: &str) -> bool {
        let text = if self.cased { value } else { lower };
        match &self.strategy {
            Strategy::Any => true,
            Strategy::Exact(literal) => text == &**literal,
            Strategy::Prefix(literal) => text.starts_with(&**literal),
            Strategy::Suffix(literal) => text.ends_with(&**literal),
            Strategy::Contains(literal) => memchr::memmem::find(text.as_bytes(), literal.as_bytes()).is_some(),
            Strategy::Glob(regex, _) => regex.is_match(text),
        }
    }
}

/// Returns the longest literal part of a pattern, folded as `glob_regex` folds it.
fn longest_literal(parts: &[StrPart], cased: bool) -> String {
    let literals = parts.iter().filter_map(|part| match part {
        StrPart::Literal(text) => Some(text),
        _ => None,
    });
    let longest = literals.max_by_key(|text| text.len()).map_or("", String::as_str);
    if cased {
        longest.to_owned()
    } else {
        longest.to_lowercase()
    }
}

/// Builds an anchored regex for a pattern with inner wildcards. Literals are lowercased
/// the same way as the value, so no `(?i)` is needed for uncased patterns.
fn glob_regex(parts: &[StrPart], cased: bool) -> Result<LazyRegex, String> {
    let mut source = String::from("(?s)^");
    for part in parts {
        match part {
            StrPart::Literal(text) => {
                let text = if cased { text.clone() } else { text.to_lowercase() };
                source.push_str(&regex::escape(&text));
            }
            StrPart::AnyChars => source.push_str(".*"),
            StrPart::AnyChar => source.push('.'),
            StrPart::Placeholder(_) => {}
        }
    }
    source.push('$');
    LazyRegex::new(&source).map_err(|e| format!("wildcard pattern the regex engine does not accept: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher(raw: &str, cased: bool) -> StringMatcher {
        StringMatcher::new(&SigmaString::parse(raw), cased).unwrap_or_else(|e| panic!("{raw}: {e}"))
    }

    fn matches(raw: &str, cased: bool, value: &str) -> bool {
        matcher(raw, cased).is_match(value, &value.to_lowercase())
    }

    #[test]
    fn strategies_are_chosen_by_shape() {
        assert!(matches!(matcher("*", false).strategy, Strategy::Any));
        assert!(matches!(matcher("abc", false).strategy, Strategy::Exact(_)));
        assert!(matches!(matcher("abc*", false).strategy, Strategy::Prefix(_)));
        assert!(matches!(matcher("*abc", false).strategy, Strategy::Suffix(_)));
        assert!(matches!(matcher("*abc*", false).strategy, Strategy::Contains(_)));
        assert!(matches!(matcher("a*c", false).strategy, Strategy::Glob(..)));
        assert!(matches!(matcher("a?c", false).strategy, Strategy::Glob(..)));
    }

    #[test]
    fn case_folds_unless_cased() {
        assert!(matches("*\\WHOAMI.exe", false, "C:\\Windows\\System32\\whoami.EXE"));
        assert!(!matches("*\\WHOAMI.exe", true, "C:\\Windows\\System32\\whoami.EXE"));
        assert!(matches("*\\whoami.EXE", true, "C:\\Windows\\System32\\whoami.EXE"));
    }

    #[test]
    fn globs_cover_inner_wildcards() {
        assert!(matches("C:\\\\*\\cmd.exe", false, "c:\\windows\\system32\\CMD.EXE"));
        assert!(!matches("C:\\\\*\\cmd.exe", false, "d:\\windows\\cmd.exe"));
        assert!(matches("a?c", false, "abc"));
        assert!(!matches("a?c", false, "abbc"));
        assert!(matches("a*c", false, "a\nc"));
        assert!(matches("a.b*", false, "a.bc"));
        assert!(!matches("a.b*", false, "axbc"));
    }

    #[test]
    fn glob_gate_is_longest_folded_literal() {
        assert_eq!(matcher("a*BCD?e", false).glob_gate(), Some(&b"bcd"[..]));
        assert_eq!(matcher("*x*", false).glob_gate(), None);
        assert_eq!(matcher("a*BCD?e", true).glob_gate(), None);
        assert_eq!(matcher("?*?", false).glob_gate(), None);
    }

    #[test]
    fn empty_pattern_matches_only_empty() {
        assert!(matches("", false, ""));
        assert!(!matches("", false, "x"));
    }
}
