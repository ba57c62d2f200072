//! A regex checked when rules load but compiled on first use.
//!
//! Compiling every regex of the SigmaHQ rules took about a fifth of rule loading (CPU time
//! in a profile), and many never run: a rule is evaluated only when one of its string
//! tests passes (or when it has none). Parsing the pattern at load time still rejects bad syntax there.
//!
//! A pattern whose size estimate is large compiles at load time instead, so that one
//! beyond the regex crate's compile size limit is rejected with its rule rather than
//! matching nothing.

use std::sync::OnceLock;

use regex_syntax::hir::{Class, Hir, HirKind};

/// Patterns whose [`size_estimate`] exceeds this compile when they load. The regex
/// crate's default limit (10 MiB per compiled automaton) allows several hundred thousand
/// states, so this leaves a wide margin while the usual Sigma regex stays lazy.
const EAGER_COMPILE_ESTIMATE: u64 = 10_000;

/// A `regex` crate pattern compiled on its first test.
#[derive(Debug, Clone)]
pub(crate) struct LazyRegex {
    source: Box<str>,
    compiled: OnceLock<Option<regex::Regex>>,
}

impl LazyRegex {
    /// Checks the syntax of `source` the way `regex::Regex::new` parses it. The error is
    /// the parser's message.
    pub fn new(source: &str) -> Result<Self, String> {
        Self::parse(source).map(|(regex, _)| regex)
    }

    /// Checks the syntax like [`LazyRegex::new`] and also returns the parsed expression.
    /// A large pattern is compiled now, and the error is the compiler's message.
    pub fn parse(source: &str) -> Result<(Self, Hir), String> {
        let hir = regex_syntax::Parser::new().parse(source).map_err(|e| e.to_string())?;
        let compiled = OnceLock::new();
        if size_estimate(&hir) > EAGER_COMPILE_ESTIMATE {
            let regex = regex::Regex::new(source).map_err(|e| e.to_string())?;
            let _ = compiled.set(Some(regex));
        }
        Ok((LazyRegex { source: source.into(), compiled }, hir))
    }

    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Tests a value, compiling the regex on the first call.
    ///
    /// NOTE: a pattern under the eager-compile estimate that still exceeds the regex
    /// crate's size limit would match nothing. The estimate is meant to rule that out,
    /// but it is not derived from the regex crate's own size accounting.
    pub fn is_match(&self, text: &str) -> bool {
        let compiled = self.compiled.get_or_init(|| regex::Regex::new(&self.source).ok());
        compiled.as_ref().is_some_and(|regex| regex.is_match(text))
    }
}

/// Returns a rough upper bound of the states a compiled automaton needs: one per literal
/// byte, four per class range (a UTF-8 range splits into a few byte sequences), and a
/// repetition's body once per copy the compiler makes.
fn size_estimate(hir: &Hir) -> u64 {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => 1,
        HirKind::Literal(literal) => literal.0.len() as u64,
        HirKind::Class(Class::Unicode(class)) => 4 * class.ranges().len() as u64 + 1,
        HirKind::Class(Class::Bytes(class)) => class.ranges().len() as u64 + 1,
        HirKind::Repetition(repetition) => {
            let copies = repetition.max.unwrap_or(repetition.min).max(repetition.min).max(1) + 1;
            size_estimate(&repetition.sub).saturating_mul(u64::from(copies))
        }
        HirKind::Capture(capture) => size_estimate(&capture.sub).saturating_add(2),
        HirKind::Concat(parts) | HirKind::Alternation(parts) => {
            parts.iter().fold(1u64, |total, part| total.saturating_add(size_estimate(part)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_syntax_now_and_matches_later() {
        assert!(LazyRegex::new("(").is_err());
        assert!(LazyRegex::new("a(?=b)").is_err());
        let regex = LazyRegex::new("(?i)^cmd").unwrap_or_else(|e| panic!("{e}"));
        assert!(regex.is_match("CMD.exe"));
        assert!(!regex.is_match("xcmd"));
    }

    #[test]
    fn oversized_pattern_is_rejected_at_load() {
        let error = LazyRegex::new("\\w{1000}\\w{1000}").unwrap_err();
        assert!(error.contains("size limit"), "{error}");
    }

    #[test]
    fn usual_patterns_stay_lazy() {
        for pattern in ["(?i)^cmd\\.exe$", "\\\\[a-z]{1,8}\\.dll", "(?i)\\s+-enc(odedcommand)?\\s+[a-z0-9+/=]{20,}"] {
            let regex = LazyRegex::new(pattern).unwrap_or_else(|e| panic!("{pattern}: {e}"));
            assert!(regex.compiled.get().is_none(), "{pattern}");
        }
    }
}
