//! Values of detection items: Sigma strings with wildcards, numbers, booleans and null.

use serde::Serialize;

/// One piece of a Sigma string after wildcard and escape processing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum StrPart {
    /// Literal text, with Sigma escapes (`\*`, `\?`, `\\`) already resolved.
    Literal(String),
    /// `*`: any sequence of characters, including none.
    AnyChars,
    /// `?`: exactly one character.
    AnyChar,
    /// `%name%` in a value carrying the `expand` modifier.
    Placeholder(String),
}

/// A Sigma string value: literal text interleaved with wildcards and placeholders.
///
/// Adjacent literals are always merged, so `parts` never holds two `Literal`s in a row.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct SigmaString {
    pub parts: Vec<StrPart>,
}

impl SigmaString {
    /// Builds a string that has no wildcards, taking every character literally.
    pub fn literal(text: impl Into<String>) -> Self {
        let text = text.into();
        if text.is_empty() {
            return Self::default();
        }
        Self { parts: vec![StrPart::Literal(text)] }
    }

    /// Parses Sigma's wildcard syntax: `*` and `?` are wildcards, `\*`, `\?` and `\\` are
    /// escapes, and any other backslash is a literal backslash.
    pub fn parse(raw: &str) -> Self {
        let mut out = Self::default();
        let mut chars = raw.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '*' => out.push(StrPart::AnyChars),
                '?' => out.push(StrPart::AnyChar),
                '\\' => match chars.peek() {
                    Some(&next @ ('*' | '?' | '\\')) => {
                        chars.next();
                        out.push_char(next);
                    }
                    _ => out.push_char('\\'),
                },
                _ => out.push_char(c),
            }
        }
        out
    }

    /// Appends a part, merging it with a preceding literal.
    pub fn push(&mut self, part: StrPart) {
        if let StrPart::Literal(text) = &part {
            if text.is_empty() {
                return;
            }
            if let Some(StrPart::Literal(last)) = self.parts.last_mut() {
                last.push_str(text);
                return;
            }
        }
        self.parts.push(part);
    }

    pub fn push_char(&mut self, c: char) {
        if let Some(StrPart::Literal(last)) = self.parts.last_mut() {
            last.push(c);
        } else {
            self.parts.push(StrPart::Literal(c.to_string()));
        }
    }

    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// Returns the text when the string holds no wildcard or placeholder.
    pub fn as_literal(&self) -> Option<&str> {
        match self.parts.as_slice() {
            [] => Some(""),
            [StrPart::Literal(text)] => Some(text),
            _ => None,
        }
    }

    pub fn has_wildcards(&self) -> bool {
        self.parts.iter().any(|p| matches!(p, StrPart::AnyChars | StrPart::AnyChar))
    }

    pub fn has_placeholders(&self) -> bool {
        self.parts.iter().any(|p| matches!(p, StrPart::Placeholder(_)))
    }

    /// Renders the string back in Sigma syntax, escaping literal `*`, `?` and `\`
    /// where they would otherwise be read as wildcards or escapes, so that
    /// `SigmaString::parse(&s.to_sigma()) == s`.
    pub fn to_sigma(&self) -> String {
        let mut out = String::new();
        for (index, part) in self.parts.iter().enumerate() {
            match part {
                StrPart::Literal(text) => {
                    // A wildcard after this literal renders as `*` or `?`, which would turn
                    // a trailing backslash into an escape.
                    let wildcard_follows =
                        matches!(self.parts.get(index + 1), Some(StrPart::AnyChars | StrPart::AnyChar));
                    let mut chars = text.chars().peekable();
                    while let Some(c) = chars.next() {
                        let escape = match c {
                            '*' | '?' => true,
                            '\\' => match chars.peek() {
                                Some(next) => matches!(next, '*' | '?' | '\\'),
                                None => wildcard_follows,
                            },
                            _ => false,
                        };
                        if escape {
                            out.push('\\');
                        }
                        out.push(c);
                    }
                }
                StrPart::AnyChars => out.push('*'),
                StrPart::AnyChar => out.push('?'),
                StrPart::Placeholder(name) => {
                    out.push('%');
                    out.push_str(name);
                    out.push('%');
                }
            }
        }
        out
    }
}

/// A value as written in a detection item, before modifiers are applied.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "type", content = "value")]
pub enum Value {
    /// A YAML string as written, wildcards and escapes not yet processed.
    String(String),
    Integer(i64),
    Float(f64),
    Boolean(bool),
    Null,
}

impl Value {
    /// Returns the text a string matcher compares with: numbers and booleans compare
    /// as their YAML text, as Sigma treats `EventID: 4688` and `EventID: '4688'` alike.
    pub fn as_text(&self) -> Option<String> {
        match self {
            Value::String(s) => Some(s.clone()),
            Value::Integer(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            Value::Boolean(b) => Some(b.to_string()),
            Value::Null => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn to_sigma_round_trips() {
        for raw in ["C:\\Windows\\*\\cmd.exe", "a\\*b", "a\\\\", "x\\?y*", "\\\\server\\share", "trailing\\"] {
            let parsed = SigmaString::parse(raw);
            assert_eq!(SigmaString::parse(&parsed.to_sigma()), parsed, "{raw}");
        }
        let mut with_wildcard = SigmaString::literal("dir\\");
        with_wildcard.push(StrPart::AnyChars);
        assert_eq!(with_wildcard.to_sigma(), "dir\\\\*");
        assert_eq!(SigmaString::parse(&with_wildcard.to_sigma()), with_wildcard);
    }
}
