//! The `condition` language: a tokenizer and a recursive-descent parser.
//!
//! Precedence from tightest to loosest: parentheses, `not`, `and`, `or`. Keywords are
//! lowercase (`and`, `or`, `not`, `of`, `them`, `all`, `any`, `1`), as the spec writes
//! them and pySigma parses them; a selection named `And` is therefore a plain name.

use std::collections::HashSet;

use super::error::{Problem, ReadErrorKind, Result};
use crate::condition::{Condition, OfTarget, Quantifier};
use crate::span::Span;

/// Deepest nesting of parentheses and `not` accepted, which bounds the parser's recursion.
const MAX_NESTING: usize = 100;

/// Maximum number of selections that the `of` expressions of one condition may expand to
/// in total, counted as `of` targets times the selections of the detection. Each target is
/// matched against every selection here, in the checker and in the backends, so this
/// bounds their work. A rule with 10 `of` targets over 1,000 selections uses a thousandth.
const MAX_OF_EXPANSION: usize = 10_000_000;

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Open,
    Close,
    And,
    Or,
    Not,
    Of,
    Them,
    All,
    Any,
    One,
    Pipe,
    Name(String),
}

impl Token {
    fn describe(&self) -> String {
        match self {
            Token::Open => "`(`".to_owned(),
            Token::Close => "`)`".to_owned(),
            Token::And => "`and`".to_owned(),
            Token::Or => "`or`".to_owned(),
            Token::Not => "`not`".to_owned(),
            Token::Of => "`of`".to_owned(),
            Token::Them => "`them`".to_owned(),
            Token::All => "`all`".to_owned(),
            Token::Any => "`any`".to_owned(),
            Token::One => "`1`".to_owned(),
            Token::Pipe => "`|`".to_owned(),
            Token::Name(name) => format!("`{name}`"),
        }
    }
}

/// Splits `text` into tokens, each with the position of its first character (`spans[i]`
/// is the position of the `i`-th character of `text`).
fn tokenize(text: &str, spans: &[Span], fallback: Span) -> Vec<(Token, Span)> {
    let chars: Vec<char> = text.chars().collect();
    let span_at = |i: usize| spans.get(i).copied().unwrap_or(fallback);
    let mut tokens = Vec::new();
    let mut i = 0;

    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let single = match c {
            '(' => Some(Token::Open),
            ')' => Some(Token::Close),
            '|' => Some(Token::Pipe),
            _ => None,
        };
        if let Some(token) = single {
            tokens.push((token, span_at(i)));
            i += 1;
            continue;
        }

        let start = i;
        while i < chars.len() && !chars[i].is_whitespace() && !matches!(chars[i], '(' | ')' | '|') {
            i += 1;
        }
        let word: String = chars[start..i].iter().collect();
        let token = match word.as_str() {
            "and" => Token::And,
            "or" => Token::Or,
            "not" => Token::Not,
            "of" => Token::Of,
            "them" => Token::Them,
            "all" => Token::All,
            "any" => Token::Any,
            "1" => Token::One,
            _ => Token::Name(word),
        };
        tokens.push((token, span_at(start)));
    }
    tokens
}

/// Parses a condition and checks that every name and pattern refers to a selection.
pub fn parse(text: &str, spans: &[Span], start: Span, selections: &[&str]) -> Result<Condition> {
    let end = spans.last().map_or(start, |s| Span::new(s.line, s.column + 1));
    let tokens = tokenize(text, spans, start);
    let names = selections.iter().copied().collect();
    let mut parser = Parser { tokens, position: 0, end, selections, names, depth: 0, expansion: 0 };

    if parser.tokens.is_empty() {
        return Err(Problem::new(start, ReadErrorKind::ConditionSyntax, "the condition is empty"));
    }
    let condition = parser.or_expr()?;
    match parser.tokens.get(parser.position) {
        None => Ok(condition),
        Some((token, span)) => Err(parser.unexpected(token, *span, "`and`, `or` or the end of the condition")),
    }
}

struct Parser<'a> {
    tokens: Vec<(Token, Span)>,
    position: usize,
    end: Span,
    selections: &'a [&'a str],
    /// The selection names again, for looking up a name in constant time.
    names: HashSet<&'a str>,
    depth: usize,
    /// Selections that the `of` targets read so far expand to, at most (see
    /// [`MAX_OF_EXPANSION`]).
    expansion: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.position).map(|(t, _)| t)
    }

    fn next(&mut self) -> Option<(Token, Span)> {
        let token = self.tokens.get(self.position).cloned();
        if token.is_some() {
            self.position += 1;
        }
        token
    }

    fn unexpected(&self, token: &Token, span: Span, expected: &str) -> Problem {
        if *token == Token::Pipe {
            let message = "aggregation expressions (`| count() ...`) are not Sigma 2 conditions; use a correlation rule";
            return Problem::new(span, ReadErrorKind::ConditionSyntax, message);
        }
        let message = format!("unexpected {} in condition, expected {expected}", token.describe());
        Problem::new(span, ReadErrorKind::ConditionSyntax, message)
    }

    fn missing(&self, expected: &str) -> Problem {
        let message = format!("the condition ends too early, expected {expected}");
        Problem::new(self.end, ReadErrorKind::ConditionSyntax, message)
    }

    fn or_expr(&mut self) -> Result<Condition> {
        let mut terms = vec![self.and_expr()?];
        while self.peek() == Some(&Token::Or) {
            self.position += 1;
            terms.push(self.and_expr()?);
        }
        Ok(if terms.len() == 1 { terms.remove(0) } else { Condition::Or(terms) })
    }

    fn and_expr(&mut self) -> Result<Condition> {
        let mut terms = vec![self.not_expr()?];
        while self.peek() == Some(&Token::And) {
            self.position += 1;
            terms.push(self.not_expr()?);
        }
        Ok(if terms.len() == 1 { terms.remove(0) } else { Condition::And(terms) })
    }

    fn not_expr(&mut self) -> Result<Condition> {
        if self.peek() != Some(&Token::Not) {
            return self.primary();
        }
        let (_, span) = self.next().unwrap_or((Token::Not, self.end));
        self.enter(span)?;
        let inner = self.not_expr()?;
        self.depth -= 1;
        Ok(Condition::Not(Box::new(inner)))
    }

    fn enter(&mut self, span: Span) -> Result<()> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            let message = format!("the condition nests deeper than {MAX_NESTING} levels");
            return Err(Problem::new(span, ReadErrorKind::ConditionSyntax, message));
        }
        Ok(())
    }

    fn primary(&mut self) -> Result<Condition> {
        let expected = "a selection name, `not`, `(`, `1 of`, `any of` or `all of`";
        let Some((token, span)) = self.next() else { return Err(self.missing(expected)) };

        match token {
            Token::Open => {
                self.enter(span)?;
                let inner = self.or_expr()?;
                self.depth -= 1;
                match self.next() {
                    Some((Token::Close, _)) => Ok(inner),
                    Some((other, span)) => Err(self.unexpected(&other, span, "`)`")),
                    None => Err(Problem::new(span, ReadErrorKind::ConditionSyntax, "this `(` is never closed")),
                }
            }
            Token::One | Token::Any | Token::All => {
                let quantifier = if token == Token::All { Quantifier::All } else { Quantifier::Any };
                match self.next() {
                    Some((Token::Of, _)) => {}
                    Some((other, span)) => return Err(self.unexpected(&other, span, "`of`")),
                    None => return Err(self.missing("`of`")),
                }
                let target = self.of_target()?;
                Ok(Condition::Of { quantifier, target })
            }
            Token::Name(name) => {
                if self.peek() == Some(&Token::Of) {
                    let message = format!("`{name} of` is not a Sigma quantifier; use `1 of`, `any of` or `all of`");
                    return Err(Problem::new(span, ReadErrorKind::ConditionSyntax, message));
                }
                if !self.names.contains(name.as_str()) {
                    let message = format!("the condition refers to `{name}`, which is not a selection of this detection");
                    return Err(Problem::new(span, ReadErrorKind::UndefinedSelection, message));
                }
                Ok(Condition::Selection(name))
            }
            other => Err(self.unexpected(&other, span, expected)),
        }
    }

    fn of_target(&mut self) -> Result<OfTarget> {
        if let Some((_, span)) = self.tokens.get(self.position) {
            self.expansion = self.expansion.saturating_add(self.selections.len());
            if self.expansion > MAX_OF_EXPANSION {
                let message = format!(
                    "the `of` expressions of this condition span more than {MAX_OF_EXPANSION} selections in total (`of` targets times selections); split the rule"
                );
                return Err(Problem::new(*span, ReadErrorKind::TooComplex, message));
            }
        }
        match self.next() {
            Some((Token::Them, span)) => {
                if self.selections.is_empty() {
                    return Err(Problem::new(span, ReadErrorKind::UndefinedSelection, "`them` refers to no selection"));
                }
                Ok(OfTarget::Them)
            }
            Some((Token::Name(pattern), span)) => {
                if !self.selections.iter().any(|name| wildcard_match(&pattern, name)) {
                    let message = format!("the pattern `{pattern}` matches no selection of this detection");
                    return Err(Problem::new(span, ReadErrorKind::UndefinedSelection, message));
                }
                Ok(OfTarget::Pattern(pattern))
            }
            Some((other, span)) => Err(self.unexpected(&other, span, "`them` or a selection name or pattern")),
            None => Err(self.missing("`them` or a selection name or pattern")),
        }
    }
}

/// Matches a selection name against a pattern in which `*` stands for any run of
/// characters (the only wildcard conditions use).
pub fn wildcard_match(pattern: &str, name: &str) -> bool {
    let mut pieces = pattern.split('*');
    let first = pieces.next().unwrap_or("");
    let Some(mut rest) = name.strip_prefix(first) else { return false };

    let pieces: Vec<&str> = pieces.collect();
    let Some((last, middle)) = pieces.split_last() else { return rest.is_empty() };
    for piece in middle {
        match rest.find(piece) {
            Some(i) => rest = &rest[i + piece.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans_for(text: &str) -> Vec<Span> {
        (0..text.chars().count()).map(|i| Span::new(1, i as u32 + 1)).collect()
    }

    fn parse_text(text: &str, names: &[&str]) -> Result<Condition> {
        parse(text, &spans_for(text), Span::new(1, 1), names)
    }

    fn sel(name: &str) -> Condition {
        Condition::Selection(name.to_owned())
    }

    #[test]
    fn precedence_not_and_or() {
        let parsed = parse_text("a or not b and c", &["a", "b", "c"]).unwrap();
        let expected = Condition::Or(vec![sel("a"), Condition::And(vec![Condition::Not(Box::new(sel("b"))), sel("c")])]);
        assert_eq!(parsed, expected);
    }

    #[test]
    fn parentheses_group() {
        let parsed = parse_text("(a or b) and c", &["a", "b", "c"]).unwrap();
        assert_eq!(parsed, Condition::And(vec![Condition::Or(vec![sel("a"), sel("b")]), sel("c")]));
    }

    #[test]
    fn quantifiers() {
        let names = ["selection_a", "selection_b", "filter"];
        let parsed = parse_text("1 of selection_* and not all of them", &names).unwrap();
        let expected = Condition::And(vec![
            Condition::Of { quantifier: Quantifier::Any, target: OfTarget::Pattern("selection_*".into()) },
            Condition::Not(Box::new(Condition::Of { quantifier: Quantifier::All, target: OfTarget::Them })),
        ]);
        assert_eq!(parsed, expected);
        assert!(parse_text("any of filter*", &names).is_ok());
    }

    #[test]
    fn error_columns() {
        let err = parse_text("a and missing", &["a"]).unwrap_err();
        assert_eq!(err.span, Some(Span::new(1, 7)));
        assert_eq!(err.kind, ReadErrorKind::UndefinedSelection);

        let err = parse_text("a and (a or a", &["a"]).unwrap_err();
        assert_eq!(err.span, Some(Span::new(1, 7)));

        let err = parse_text("a a", &["a"]).unwrap_err();
        assert_eq!(err.span, Some(Span::new(1, 3)));

        let err = parse_text("a and", &["a"]).unwrap_err();
        assert_eq!(err.span, Some(Span::new(1, 6)));

        let err = parse_text("1 of x*", &["a"]).unwrap_err();
        assert_eq!(err.span, Some(Span::new(1, 6)));

        let err = parse_text("a | count() > 5", &["a"]).unwrap_err();
        assert_eq!(err.span, Some(Span::new(1, 3)));
    }

    #[test]
    fn deep_nesting_is_an_error() {
        let text = format!("{}a{}", "(".repeat(500), ")".repeat(500));
        assert!(parse_text(&text, &["a"]).is_err());
        let text = format!("{}a", "not ".repeat(500));
        assert!(parse_text(&text, &["a"]).is_err());
    }

    #[test]
    fn wildcard_patterns() {
        assert!(wildcard_match("sel*", "selection"));
        assert!(wildcard_match("*", "x"));
        assert!(wildcard_match("a*b*c", "aXbYc"));
        assert!(!wildcard_match("a*b", "ab_c"));
        assert!(!wildcard_match("aa*a", "aa"));
        assert!(wildcard_match("sel", "sel"));
        assert!(!wildcard_match("sel", "sel2"));
    }
}
