//! A regex checked when rules load but compiled on first use.
//!
//! Compiling every regex of the SigmaHQ rules took about a fifth of rule loading (CPU time
//! in a profile), and many never run: a rule is evaluated only when one of its string
//! tests passes (or when it has none). Parsing the pattern at load time still rejects bad syntax there.

use std::sync::OnceLock;

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
    pub fn parse(source: &str) -> Result<(Self, regex_syntax::hir::Hir), String> {
        let hir = regex_syntax::Parser::new().parse(source).map_err(|e| e.to_string())?;
        Ok((LazyRegex { source: source.into(), compiled: OnceLock::new() }, hir))
    }

    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Tests a value, compiling the regex on the first call.
    ///
    /// NOTE: a pattern that parses but exceeds the regex crate's size limit matches
    /// nothing; no SigmaHQ rule comes near that limit.
    pub fn is_match(&self, text: &str) -> bool {
        let compiled = self.compiled.get_or_init(|| regex::Regex::new(&self.source).ok());
        compiled.as_ref().is_some_and(|regex| regex.is_match(text))
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
}
