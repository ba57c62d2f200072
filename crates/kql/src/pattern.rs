//! Sigma string patterns as KQL string comparisons.
//!
//! A pattern with at most a leading and a trailing `*` around literal text keeps KQL's
//! own operators (`=~`, `contains`, `startswith`, `endswith`, or their `_cs` / `==`
//! forms when cased). Any other use of `*` or `?` becomes an anchored `matches regex`.

use socfeed_sigma::{SigmaString, StrPart};

use crate::escape::string_literal;
use crate::expr::Expr;
use crate::regex::escape_literal;
use crate::Unfaithful;

/// The shape of a pattern once its leading and trailing `*` are stripped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape<'a> {
    /// No wildcard at all.
    Equals(&'a str),
    Contains(&'a str),
    StartsWith(&'a str),
    EndsWith(&'a str),
    /// Only `*`: any value.
    Any,
    /// Wildcards inside the text.
    Other,
}

/// Classifies a pattern; `*` repeated next to itself counts once.
pub fn shape(pattern: &SigmaString) -> Shape<'_> {
    let parts = pattern.parts.as_slice();
    let leading = parts.iter().take_while(|p| matches!(p, StrPart::AnyChars)).count();
    let trailing = parts[leading..].iter().rev().take_while(|p| matches!(p, StrPart::AnyChars)).count();
    let middle = &parts[leading..parts.len() - trailing];

    match middle {
        [] if leading + trailing > 0 => Shape::Any,
        [] => Shape::Equals(""),
        [StrPart::Literal(text)] => match (leading > 0, trailing > 0) {
            (false, false) => Shape::Equals(text),
            (true, true) => Shape::Contains(text),
            (false, true) => Shape::StartsWith(text),
            (true, false) => Shape::EndsWith(text),
        },
        _ => Shape::Other,
    }
}

/// Renders `column <op> "value"` for a pattern. `field` names the Sigma field in errors.
pub fn string_match(field: &str, column: &str, pattern: &SigmaString, cased: bool) -> Result<Expr, Unfaithful> {
    if let Some(StrPart::Placeholder(name)) = pattern.parts.iter().find(|p| matches!(p, StrPart::Placeholder(_))) {
        return Err(Unfaithful::new(
            crate::RefusalReason::Placeholder,
            field,
            format!("field {field} uses the placeholder %{name}%, which needs site-specific values"),
        ));
    }

    let (op, text) = match shape(pattern) {
        Shape::Equals(text) => (if cased { "==" } else { "=~" }, text),
        Shape::Contains(text) => (if cased { "contains_cs" } else { "contains" }, text),
        Shape::StartsWith(text) => (if cased { "startswith_cs" } else { "startswith" }, text),
        Shape::EndsWith(text) => (if cased { "endswith_cs" } else { "endswith" }, text),
        // Sigma's `*` matches every value, the empty string included, so it keeps every
        // event that has the field. KQL cannot tell an absent field from an empty string
        // column, so this reads `*` as "any value" and keeps events that lack the field
        // too; `isnotempty` would instead drop events whose value is the empty string.
        Shape::Any => return Ok(Expr::Atom(format!("isnotnull({column})"))),
        Shape::Other => {
            let regex = wildcard_regex(pattern, cased);
            return Ok(Expr::Atom(format!("{column} matches regex {}", string_literal(&regex)?)));
        }
    };
    Ok(Expr::Atom(format!("{column} {op} {}", string_literal(text)?)))
}

/// Translates Sigma wildcards to an anchored RE2 pattern. `(?s)` lets `*` and `?` match
/// line breaks as Sigma's wildcards do; `(?i)` is added unless the match is cased.
pub fn wildcard_regex(pattern: &SigmaString, cased: bool) -> String {
    let mut out = String::from(if cased { "(?s)^" } else { "(?is)^" });
    for part in &pattern.parts {
        match part {
            StrPart::Literal(text) => escape_literal(text, &mut out),
            StrPart::AnyChars => out.push_str(".*"),
            StrPart::AnyChar => out.push('.'),
            // Placeholders are rejected before a regex is built.
            StrPart::Placeholder(_) => {}
        }
    }
    out.push('$');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(raw: &str, cased: bool) -> String {
        match string_match("Image", "Col", &SigmaString::parse(raw), cased).unwrap() {
            Expr::Atom(text) => text,
            other => panic!("expected an atom, got {other:?}"),
        }
    }

    #[test]
    fn plain_value_compares_case_insensitively() {
        assert_eq!(render("cmd.exe", false), r#"Col =~ "cmd.exe""#);
        assert_eq!(render("cmd.exe", true), r#"Col == "cmd.exe""#);
    }

    #[test]
    fn leading_and_trailing_wildcards_keep_operators() {
        assert_eq!(render("*\\cmd.exe", false), r#"Col endswith @"\cmd.exe""#);
        assert_eq!(render(r"C:\Temp\\*", false), r#"Col startswith @"C:\Temp\""#);
        assert_eq!(render("*mimikatz*", false), r#"Col contains "mimikatz""#);
        assert_eq!(render("*mimikatz*", true), r#"Col contains_cs "mimikatz""#);
        assert_eq!(render("x*", true), r#"Col startswith_cs "x""#);
        assert_eq!(render("*x", true), r#"Col endswith_cs "x""#);
    }

    #[test]
    fn middle_wildcard_becomes_anchored_regex() {
        assert_eq!(render("*\\a*b.exe", false), r#"Col matches regex @"(?is)^.*\\a.*b\.exe$""#);
        assert_eq!(render("a?c", true), r#"Col matches regex "(?s)^a.c$""#);
    }

    #[test]
    fn escaped_wildcards_stay_literal() {
        assert_eq!(render(r"*a\*b*", false), r#"Col contains "a*b""#);
    }

    #[test]
    fn lone_star_matches_empty_values() {
        assert_eq!(render("*", false), "isnotnull(Col)");
        assert_eq!(render("**", true), "isnotnull(Col)");
    }

    #[test]
    fn placeholder_is_refused() {
        let mut pattern = SigmaString::default();
        pattern.push(StrPart::Placeholder("DomainControllers".into()));
        let err = string_match("Computer", "Col", &pattern, false).unwrap_err();
        assert_eq!(err.reason, crate::RefusalReason::Placeholder);
    }
}
