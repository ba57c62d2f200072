//! Maps characters of a scalar's value back to their line and column in the file, so that
//! an error inside a condition points at the token, not just at the start of the value.

use yaml_rust2::scanner::TScalarStyle;

use crate::span::Span;

/// How far ahead (in characters) to look for a value character in the source before
/// giving up; escapes and folding only ever skip a few.
const MAX_SKIP: usize = 16;

/// Returns the position of each character of `value`, a scalar that starts at `start`.
///
/// The walk matches value characters to source characters in order, skipping what YAML
/// removed (quotes, escape backslashes, line breaks and indentation of folded lines).
/// NOTE: in a double-quoted scalar, an escape such as `\x41` maps to its backslash.
pub fn char_spans(lines: &[&str], start: Span, style: TScalarStyle, value: &str) -> Vec<Span> {
    let mut cursor = Cursor::new(lines, start);
    if matches!(style, TScalarStyle::SingleQuoted | TScalarStyle::DoubleQuoted) {
        cursor.advance();
    }

    let mut spans = Vec::with_capacity(value.len());
    for c in value.chars() {
        if c.is_whitespace() {
            spans.push(cursor.span());
            if cursor.current().is_some_and(char::is_whitespace) {
                cursor.advance();
            }
            continue;
        }

        let mut probe = cursor;
        let mut found = false;
        for _ in 0..MAX_SKIP {
            match probe.current() {
                Some(s) if s == c => {
                    found = true;
                    break;
                }
                None if probe.at_end() => break,
                _ => probe.advance(),
            }
        }
        if found {
            cursor = probe;
        }
        spans.push(cursor.span());
        if found {
            cursor.advance();
        }
    }
    spans
}

/// A position in the source lines. It borrows the current line instead of copying it, so
/// cloning a cursor for a look-ahead costs nothing and `char_spans` stays linear.
#[derive(Clone, Copy)]
struct Cursor<'a> {
    lines: &'a [&'a str],
    line: usize,
    /// The rest of the current line, from the cursor on.
    rest: &'a str,
    /// Column of the cursor in characters, from 0.
    column: usize,
}

impl<'a> Cursor<'a> {
    fn new(lines: &'a [&'a str], start: Span) -> Self {
        let line = (start.line as usize).saturating_sub(1);
        let mut cursor = Self { lines, line, rest: lines.get(line).copied().unwrap_or(""), column: 0 };
        for _ in 1..start.column {
            if cursor.rest.is_empty() {
                break;
            }
            cursor.advance();
        }
        cursor
    }

    fn span(&self) -> Span {
        Span::new(
            u32::try_from(self.line + 1).unwrap_or(u32::MAX),
            u32::try_from(self.column + 1).unwrap_or(u32::MAX),
        )
    }

    /// The character under the cursor; a line break reads as `'\n'`.
    fn current(&self) -> Option<char> {
        match self.rest.chars().next() {
            Some(c) => Some(c),
            None if self.line + 1 < self.lines.len() => Some('\n'),
            None => None,
        }
    }

    fn at_end(&self) -> bool {
        self.rest.is_empty() && self.line + 1 >= self.lines.len()
    }

    fn advance(&mut self) {
        let mut chars = self.rest.chars();
        if chars.next().is_some() {
            self.rest = chars.as_str();
            self.column += 1;
        } else if self.line + 1 < self.lines.len() {
            self.line += 1;
            self.rest = self.lines[self.line];
            self.column = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_and_quoted_values_map_to_columns() {
        let lines = ["  condition: sel and not filter"];
        let spans = char_spans(&lines, Span::new(1, 14), TScalarStyle::Plain, "sel and not filter");
        assert_eq!(spans[8], Span::new(1, 22));

        let lines = ["  condition: 'it''s x'"];
        let spans = char_spans(&lines, Span::new(1, 14), TScalarStyle::SingleQuoted, "it's x");
        assert_eq!(spans[5], Span::new(1, 21));
    }

    #[test]
    fn folded_values_cross_lines() {
        let lines = ["  condition: >", "    sel and", "    not filter"];
        let spans = char_spans(&lines, Span::new(2, 5), TScalarStyle::Folded, "sel and not filter\n");
        assert_eq!(spans[8], Span::new(3, 5));
    }
}
