//! Regular expressions for KQL's `matches regex`, which uses the RE2 syntax.
//!
//! Sigma's `re` values are written for a PCRE-like engine. A pattern is passed through
//! unchanged when it stays inside the syntax both engines read alike. Anything else is
//! rejected rather than rewritten: look-around, backreferences, possessive quantifiers,
//! atomic groups, class set operations and the Unicode escapes RE2 lacks.
//!
//! NOTE: `\d`, `\w` and `\s` are ASCII-only in RE2, as in PCRE without its UTF mode, so
//! they are passed through; Rust's parser (used only for the check) would read them as
//! Unicode classes.

use regex_syntax::ast::{self, parse::ParserBuilder, Ast, ErrorKind, Visitor};

use crate::Unfaithful;

/// Sigma's `re` flags, rendered as an RE2 flag group.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RegexFlags {
    pub ignore_case: bool,
    pub multi_line: bool,
    pub dot_all: bool,
}

impl RegexFlags {
    fn prefix(self) -> String {
        let mut letters = String::new();
        if self.ignore_case {
            letters.push('i');
        }
        if self.multi_line {
            letters.push('m');
        }
        if self.dot_all {
            letters.push('s');
        }
        if letters.is_empty() {
            letters
        } else {
            format!("(?{letters})")
        }
    }
}

/// Returns the RE2 pattern for a Sigma `re` value, with its flags as a leading group.
pub fn re2_pattern(field: &str, pattern: &str, flags: RegexFlags) -> Result<String, Unfaithful> {
    check_re2(pattern).map_err(|why| {
        Unfaithful::construct(
            "re",
            format!("the regular expression {pattern:?} for field {field} uses {why}, which KQL's RE2 engine does not support"),
        )
    })?;
    Ok(format!("{}{pattern}", flags.prefix()))
}

/// Checks that a pattern uses only syntax RE2 reads as PCRE does; the error names the
/// construct that is not.
fn check_re2(pattern: &str) -> Result<(), String> {
    let parsed = ParserBuilder::new().build().parse(pattern).map_err(|err| match err.kind() {
        ErrorKind::UnsupportedLookAround => "look-around".to_string(),
        ErrorKind::UnsupportedBackreference => "a backreference".to_string(),
        other => format!("syntax outside RE2 ({other})"),
    })?;
    ast::visit(&parsed, Re2Check)
}

/// Rejects constructs that Rust's parser accepts but RE2 reads differently or not at all.
struct Re2Check;

impl Visitor for Re2Check {
    type Output = ();
    type Err = String;

    fn finish(self) -> Result<(), String> {
        Ok(())
    }

    fn visit_pre(&mut self, ast: &Ast) -> Result<(), String> {
        match ast {
            Ast::Flags(set) => check_flags(&set.flags),
            Ast::Group(group) => match &group.kind {
                ast::GroupKind::NonCapturing(flags) => check_flags(flags),
                _ => Ok(()),
            },
            Ast::Assertion(assertion) => match assertion.kind {
                ast::AssertionKind::WordBoundaryStart
                | ast::AssertionKind::WordBoundaryEnd
                | ast::AssertionKind::WordBoundaryStartAngle
                | ast::AssertionKind::WordBoundaryEndAngle
                | ast::AssertionKind::WordBoundaryStartHalf
                | ast::AssertionKind::WordBoundaryEndHalf => {
                    Err("a start or end word boundary".to_string())
                }
                _ => Ok(()),
            },
            Ast::Literal(literal) => check_literal(literal),
            _ => Ok(()),
        }
    }

    fn visit_class_set_item_pre(&mut self, item: &ast::ClassSetItem) -> Result<(), String> {
        match item {
            ast::ClassSetItem::Bracketed(_) => Err("a nested character class".to_string()),
            ast::ClassSetItem::Literal(literal) => check_literal(literal),
            _ => Ok(()),
        }
    }

    fn visit_class_set_binary_op_pre(&mut self, _op: &ast::ClassSetBinaryOp) -> Result<(), String> {
        Err("a character class set operation".to_string())
    }
}

fn check_flags(flags: &ast::Flags) -> Result<(), String> {
    for item in &flags.items {
        if let ast::FlagsItemKind::Flag(flag) = item.kind {
            match flag {
                ast::Flag::CaseInsensitive
                | ast::Flag::MultiLine
                | ast::Flag::DotMatchesNewLine
                | ast::Flag::SwapGreed => {}
                other => return Err(format!("the inline flag {other:?}")),
            }
        }
    }
    Ok(())
}

fn check_literal(literal: &ast::Literal) -> Result<(), String> {
    match &literal.kind {
        ast::LiteralKind::HexFixed(ast::HexLiteralKind::X) => Ok(()),
        ast::LiteralKind::HexFixed(_) => Err("a \\u or \\U escape".to_string()),
        ast::LiteralKind::HexBrace(ast::HexLiteralKind::X) => Ok(()),
        ast::LiteralKind::HexBrace(_) => Err("a \\u{…} or \\U{…} escape".to_string()),
        _ => Ok(()),
    }
}

/// Escapes text so that RE2 matches it literally. RE2 reads a backslash before any
/// ASCII punctuation as that character.
pub fn escape_literal(text: &str, out: &mut String) {
    for c in text.chars() {
        if matches!(c, '\\' | '.' | '+' | '*' | '?' | '(' | ')' | '|' | '[' | ']' | '{' | '}' | '^' | '$') {
            out.push('\\');
        }
        out.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert(pattern: &str, flags: RegexFlags) -> Result<String, Unfaithful> {
        re2_pattern("CommandLine", pattern, flags)
    }

    #[test]
    fn plain_pattern_passes_unchanged() {
        assert_eq!(convert(r"\\cmd\.exe$", RegexFlags::default()).unwrap(), r"\\cmd\.exe$");
    }

    #[test]
    fn flags_become_a_leading_group() {
        let flags = RegexFlags { ignore_case: true, multi_line: true, dot_all: true };
        assert_eq!(convert("a.b", flags).unwrap(), "(?ims)a.b");
        let only_i = RegexFlags { ignore_case: true, ..RegexFlags::default() };
        assert_eq!(convert("a", only_i).unwrap(), "(?i)a");
    }

    #[test]
    fn lookahead_is_rejected() {
        let err = convert(r"foo(?!bar)", RegexFlags::default()).unwrap_err();
        assert!(err.message.contains("look-around"), "{}", err.message);
        assert_eq!(err.subject.as_deref(), Some("re"));
    }

    #[test]
    fn backreference_is_rejected() {
        let err = convert(r"(a)\1", RegexFlags::default()).unwrap_err();
        assert!(err.message.contains("backreference"), "{}", err.message);
    }

    #[test]
    fn class_set_operation_is_rejected() {
        assert!(convert(r"[a-z&&[^x]]", RegexFlags::default()).is_err());
    }

    #[test]
    fn escaped_literal_is_matched_literally() {
        let mut out = String::new();
        escape_literal(r"C:\a.b(1)*", &mut out);
        assert_eq!(out, r"C:\\a\.b\(1\)\*");
    }
}
