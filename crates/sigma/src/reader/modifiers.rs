//! Applies a detection item's modifier chain to each of its values, producing the
//! [`ValueTest`]s that backends consume.
//!
//! Modifiers apply left to right. Transforming modifiers (`contains`, `base64`, `windash`,
//! …) change the value. `re`, `cidr`, `lt`, `fieldref`, `exists` and the time modifiers turn
//! it into a finished test, which only `i`/`m`/`s` (after `re`) or a position modifier
//! (after `fieldref`) may follow. `all`, `cased` and `neq` are flags that apply wherever
//! they appear in the chain.

use std::net::IpAddr;

use super::encoding::{self, Utf16};
use super::error::{Problem, ReadErrorKind, Result};
use crate::detection::{CompareOp, FieldRefPosition, Modifier, TimePart, ValueTest};
use crate::span::Span;
use crate::value::{SigmaString, StrPart, Value};

/// A value part-way through the chain.
#[derive(Debug, Clone)]
enum Operand {
    /// A YAML string not yet read as a Sigma string: `re` needs the text as written.
    Raw(String),
    Text(SigmaString),
    /// The output of a UTF-16 modifier, waiting for `base64`.
    Bytes(Vec<u8>),
    Number(f64),
    Boolean(bool),
    Null,
    Test(ValueTest),
}

/// Returns one test per value, with `modifiers` applied.
pub fn apply(modifiers: &[Modifier], values: &[Value], span: Span) -> Result<Vec<ValueTest>> {
    values.iter().map(|value| apply_one(modifiers, value, span)).collect()
}

fn apply_one(modifiers: &[Modifier], value: &Value, span: Span) -> Result<ValueTest> {
    let mut alternatives = vec![match value {
        Value::String(s) => Operand::Raw(s.clone()),
        Value::Integer(i) => Operand::Number(*i as f64),
        Value::Float(f) => Operand::Number(*f),
        Value::Boolean(b) => Operand::Boolean(*b),
        Value::Null => Operand::Null,
    }];
    let mut cased = false;
    let mut negated = false;

    for &modifier in modifiers {
        match modifier {
            Modifier::All => {}
            Modifier::Cased => cased = true,
            Modifier::Neq => negated = true,
            _ => {
                let mut next = Vec::with_capacity(alternatives.len());
                for operand in alternatives {
                    next.extend(step(modifier, operand, value, span)?);
                }
                alternatives = next;
            }
        }
    }

    let mut tests = alternatives.into_iter().map(|operand| finish(operand, cased, span)).collect::<Result<Vec<_>>>()?;
    let test = if tests.len() == 1 {
        tests.remove(0)
    } else {
        ValueTest::AnyOf { alternatives: tests }
    };
    Ok(if negated { ValueTest::Not { test: Box::new(test) } } else { test })
}

fn finish(operand: Operand, cased: bool, span: Span) -> Result<ValueTest> {
    let test = match operand {
        Operand::Raw(raw) => ValueTest::String { pattern: SigmaString::parse(&raw), cased },
        Operand::Text(pattern) => ValueTest::String { pattern, cased },
        Operand::Bytes(bytes) => ValueTest::String { pattern: SigmaString::literal(latin1(&bytes)), cased },
        Operand::Number(value) => ValueTest::Number { value },
        Operand::Boolean(value) => ValueTest::Boolean { value },
        Operand::Null => ValueTest::Null,
        Operand::Test(test) => test,
    };
    if cased && !matches!(test, ValueTest::String { .. }) {
        return Err(chain_error(span, "`cased` applies only to string values"));
    }
    Ok(test)
}

/// Bytes as one character each (Latin-1), the form pySigma gives an encoded value that
/// is not base64-encoded afterwards.
fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

fn chain_error(span: Span, message: impl Into<String>) -> Problem {
    Problem::new(span, ReadErrorKind::Modifier, message)
}

/// Applies one transforming or test-making modifier to one operand.
fn step(modifier: Modifier, operand: Operand, value: &Value, span: Span) -> Result<Vec<Operand>> {
    let name = modifier.name();
    let cannot = |what: &str| chain_error(span, format!("modifier `{name}` cannot apply to {what}"));

    if let Operand::Test(test) = operand {
        return after_test(modifier, test, span);
    }

    let one = |operand| Ok(vec![operand]);
    match modifier {
        Modifier::Contains | Modifier::StartsWith | Modifier::EndsWith => {
            let mut text = as_text(operand, value).ok_or_else(|| cannot("null"))?;
            if matches!(modifier, Modifier::Contains | Modifier::EndsWith) && text.parts.first() != Some(&StrPart::AnyChars) {
                text.parts.insert(0, StrPart::AnyChars);
            }
            if matches!(modifier, Modifier::Contains | Modifier::StartsWith) && text.parts.last() != Some(&StrPart::AnyChars) {
                text.parts.push(StrPart::AnyChars);
            }
            one(Operand::Text(text))
        }

        Modifier::Windash => {
            let text = as_text(operand, value).ok_or_else(|| cannot("null"))?;
            let variants = encoding::windash(&text).ok_or_else(|| {
                chain_error(span, format!("`windash` would produce more than {} variants", encoding::MAX_WINDASH_ALTERNATIVES))
            })?;
            Ok(variants.into_iter().map(Operand::Text).collect())
        }

        Modifier::Expand => {
            let text = as_text(operand, value).ok_or_else(|| cannot("null"))?;
            one(Operand::Text(expand_placeholders(text)))
        }

        Modifier::Base64 | Modifier::Base64Offset => {
            let bytes = literal_bytes(operand, value, name, span)?;
            if modifier == Modifier::Base64 {
                return one(Operand::Text(SigmaString::literal(encoding::base64(&bytes))));
            }
            Ok(encoding::base64_offsets(&bytes).into_iter().map(|form| Operand::Text(SigmaString::literal(form))).collect())
        }

        Modifier::Utf16Le | Modifier::Utf16Be | Modifier::Utf16 | Modifier::Wide => {
            let text = literal_string(operand, value, name, span)?;
            let form = match modifier {
                Modifier::Utf16Be => Utf16::Be,
                Modifier::Utf16 => Utf16::WithBom,
                _ => Utf16::Le,
            };
            one(Operand::Bytes(encoding::utf16(&text, form)))
        }

        Modifier::Re => match operand {
            Operand::Raw(pattern) => {
                check_regex(&pattern, span)?;
                let test = ValueTest::Regex { pattern, ignore_case: false, multi_line: false, dot_all: false };
                one(Operand::Test(test))
            }
            _ => Err(cannot("a value that is not an unmodified string")),
        },

        Modifier::ReIgnoreCase | Modifier::ReMultiLine | Modifier::ReDotAll => {
            Err(chain_error(span, format!("regex flag `{name}` must follow the `re` modifier")))
        }

        Modifier::Cidr => {
            let network = literal_string(operand, value, name, span)?;
            let is_ipv6 = check_cidr(&network).ok_or_else(|| {
                chain_error(span, format!("`cidr` value `{network}` is not an IPv4 or IPv6 network"))
            })?;
            one(Operand::Test(ValueTest::Cidr { network, is_ipv6 }))
        }

        Modifier::Lt | Modifier::Lte | Modifier::Gt | Modifier::Gte => {
            let Operand::Number(number) = operand else {
                return Err(chain_error(span, format!("modifier `{name}` needs a number, found {}", describe(value))));
            };
            let op = match modifier {
                Modifier::Lt => CompareOp::Lt,
                Modifier::Lte => CompareOp::Lte,
                Modifier::Gt => CompareOp::Gt,
                _ => CompareOp::Gte,
            };
            one(Operand::Test(ValueTest::Compare { op, value: number }))
        }

        Modifier::Minute | Modifier::Hour | Modifier::Day | Modifier::Week | Modifier::Month | Modifier::Year => {
            let (part, range) = match modifier {
                Modifier::Minute => (TimePart::Minute, 0..=59),
                Modifier::Hour => (TimePart::Hour, 0..=23),
                Modifier::Day => (TimePart::Day, 1..=31),
                Modifier::Week => (TimePart::Week, 1..=53),
                Modifier::Month => (TimePart::Month, 1..=12),
                _ => (TimePart::Year, i64::MIN..=i64::MAX),
            };
            let Value::Integer(number) = *value else {
                return Err(chain_error(span, format!("modifier `{name}` needs an integer, found {}", describe(value))));
            };
            if !range.contains(&number) {
                return Err(chain_error(span, format!("modifier `{name}` value {number} is outside {}..={}", range.start(), range.end())));
            }
            one(Operand::Test(ValueTest::TimePart { part, value: number }))
        }

        Modifier::Exists => match operand {
            Operand::Boolean(exists) => one(Operand::Test(ValueTest::Exists { exists })),
            _ => Err(chain_error(span, format!("modifier `exists` needs `true` or `false`, found {}", describe(value)))),
        },

        Modifier::FieldRef => {
            let field = literal_string(operand, value, name, span)?;
            one(Operand::Test(ValueTest::FieldRef { field, position: FieldRefPosition::Equals }))
        }

        Modifier::All | Modifier::Cased | Modifier::Neq => unreachable_flag(span, name),
    }
}

/// Rejects a flag modifier, which `apply_one` handles before calling `step`, so `step`
/// needs no panic for them.
fn unreachable_flag(span: Span, name: &str) -> Result<Vec<Operand>> {
    Err(chain_error(span, format!("internal error: flag modifier `{name}` reached the value chain")))
}

/// Applies a modifier to a finished test: only regex flags after `re` and positions after
/// `fieldref` are allowed.
fn after_test(modifier: Modifier, mut test: ValueTest, span: Span) -> Result<Vec<Operand>> {
    let name = modifier.name();
    match (&mut test, modifier) {
        (ValueTest::Regex { ignore_case, .. }, Modifier::ReIgnoreCase) => *ignore_case = true,
        (ValueTest::Regex { multi_line, .. }, Modifier::ReMultiLine) => *multi_line = true,
        (ValueTest::Regex { dot_all, .. }, Modifier::ReDotAll) => *dot_all = true,
        (ValueTest::FieldRef { position, .. }, Modifier::Contains) if *position == FieldRefPosition::Equals => {
            *position = FieldRefPosition::Contains;
        }
        (ValueTest::FieldRef { position, .. }, Modifier::StartsWith) if *position == FieldRefPosition::Equals => {
            *position = FieldRefPosition::StartsWith;
        }
        (ValueTest::FieldRef { position, .. }, Modifier::EndsWith) if *position == FieldRefPosition::Equals => {
            *position = FieldRefPosition::EndsWith;
        }
        _ => {
            let before = test_modifier_name(&test);
            return Err(chain_error(span, format!("modifier `{name}` cannot follow `{before}`")));
        }
    }
    Ok(vec![Operand::Test(test)])
}

fn test_modifier_name(test: &ValueTest) -> &'static str {
    match test {
        ValueTest::Regex { .. } => "re",
        ValueTest::Cidr { .. } => "cidr",
        ValueTest::Compare { .. } => "a comparison modifier",
        ValueTest::TimePart { .. } => "a time modifier",
        ValueTest::Exists { .. } => "exists",
        ValueTest::FieldRef { .. } => "fieldref",
        _ => "a previous modifier",
    }
}

fn describe(value: &Value) -> String {
    match value {
        Value::String(s) => format!("the string `{s}`"),
        Value::Integer(i) => format!("the integer {i}"),
        Value::Float(f) => format!("the number {f}"),
        Value::Boolean(b) => format!("the boolean {b}"),
        Value::Null => "null".to_owned(),
    }
}

/// Reads an operand as a Sigma string. Numbers and booleans count as their YAML text, as
/// `CommandLine|contains: 1234` means the text `1234`.
fn as_text(operand: Operand, value: &Value) -> Option<SigmaString> {
    match operand {
        Operand::Raw(raw) => Some(SigmaString::parse(&raw)),
        Operand::Text(text) => Some(text),
        Operand::Bytes(bytes) => Some(SigmaString::literal(latin1(&bytes))),
        Operand::Number(_) | Operand::Boolean(_) => value.as_text().map(SigmaString::literal),
        Operand::Null | Operand::Test(_) => None,
    }
}

/// Returns the operand as plain text without wildcards, for modifiers that encode or parse it.
fn literal_string(operand: Operand, value: &Value, name: &str, span: Span) -> Result<String> {
    let text = as_text(operand, value).ok_or_else(|| chain_error(span, format!("modifier `{name}` cannot apply to null")))?;
    match text.as_literal() {
        Some(literal) => Ok(literal.to_owned()),
        None => Err(chain_error(span, format!("modifier `{name}` cannot apply to a value with wildcards or placeholders (`{}`)", text.to_sigma()))),
    }
}

fn literal_bytes(operand: Operand, value: &Value, name: &str, span: Span) -> Result<Vec<u8>> {
    match operand {
        Operand::Bytes(bytes) => Ok(bytes),
        other => literal_string(other, value, name, span).map(String::into_bytes),
    }
}

/// Turns each `%name%` in the literal parts into a placeholder (name: word characters).
fn expand_placeholders(text: SigmaString) -> SigmaString {
    let mut out = SigmaString::default();
    for part in text.parts {
        let StrPart::Literal(literal) = part else {
            out.push(part);
            continue;
        };

        let mut rest = literal.as_str();
        while let Some(start) = rest.find('%') {
            let after = &rest[start + 1..];
            let name_len = after.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(after.len());
            if name_len > 0 && after[name_len..].starts_with('%') {
                out.push(StrPart::Literal(rest[..start].to_owned()));
                out.push(StrPart::Placeholder(after[..name_len].to_owned()));
                rest = &after[name_len + 1..];
            } else {
                out.push(StrPart::Literal(rest[..=start].to_owned()));
                rest = after;
            }
        }
        out.push(StrPart::Literal(rest.to_owned()));
    }
    out
}

/// Checks that a `re` value is a valid regular expression. Sigma's regex flavour is
/// PCRE-like, so a pattern that `regex-syntax` rejects only for lookaround or
/// backreferences is kept. Parsing without compiling keeps this cheap.
fn check_regex(pattern: &str, span: Span) -> Result<()> {
    let Err(error) = regex_syntax::Parser::new().parse(pattern) else { return Ok(()) };

    let pcre_only = ["(?=", "(?!", "(?<=", "(?<!", "(?>", "\\1", "\\2", "\\k<", "(?P=", "*+", "++", "?+"];
    if pcre_only.iter().any(|construct| pattern.contains(construct)) {
        return Ok(());
    }
    let reason = error.to_string();
    let reason = reason.lines().last().unwrap_or("").trim_start_matches("error: ");
    Err(chain_error(span, format!("invalid regular expression `{pattern}`: {reason}")))
}

/// Returns whether `text` is an IPv6 network, or `None` when it is no network at all.
/// A bare address counts as a single-host network.
fn check_cidr(text: &str) -> Option<bool> {
    let (address, prefix) = match text.split_once('/') {
        Some((address, prefix)) => (address, Some(prefix)),
        None => (text, None),
    };
    let address: IpAddr = address.parse().ok()?;
    let max_prefix = if address.is_ipv6() { 128 } else { 32 };
    if let Some(prefix) = prefix {
        let bits: u32 = prefix.parse().ok().filter(|_| prefix.bytes().all(|b| b.is_ascii_digit()))?;
        if bits > max_prefix {
            return None;
        }
    }
    Some(address.is_ipv6())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_expand_in_literals() {
        let expanded = expand_placeholders(SigmaString::parse("a%x%b%%c% %"));
        let expected = vec![
            StrPart::Literal("a".into()),
            StrPart::Placeholder("x".into()),
            StrPart::Literal("b%".into()),
            StrPart::Placeholder("c".into()),
            StrPart::Literal(" %".into()),
        ];
        assert_eq!(expanded.parts, expected);
    }

    #[test]
    fn cidr_networks() {
        assert_eq!(check_cidr("10.0.0.0/8"), Some(false));
        assert_eq!(check_cidr("fe80::/10"), Some(true));
        assert_eq!(check_cidr("10.0.0.1"), Some(false));
        assert_eq!(check_cidr("10.0.0.0/33"), None);
        assert_eq!(check_cidr("10.0.0/8"), None);
        assert_eq!(check_cidr("10.0.0.0/+8"), None);
    }
}
