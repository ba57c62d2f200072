//! `expand` placeholders (`%name%`) filled with values the user gives.
//!
//! The Sigma specification leaves placeholder values to the conversion pipeline. The hunt
//! reads each value as plain text, so a value with placeholders becomes one alternative
//! per combination of their values, any of which may match. A placeholder with no values
//! makes the rule unable to run. Matching nothing in its place would silently change what
//! the rule means: inside a `not` filter, it would make the rule fire more often.

use std::collections::HashMap;

use socfeed_sigma::{SigmaString, StrPart};

/// Most alternatives one value may expand to, so that a few placeholders with long value
/// lists cannot multiply into millions of tests.
const MAX_EXPANSIONS: usize = 10_000;

/// Values for each placeholder name (written without the `%` signs).
pub type Placeholders = HashMap<String, Vec<String>>;

/// Returns every string `pattern` becomes when each placeholder takes each of its values,
/// or why it cannot be expanded.
pub(crate) fn expand(pattern: &SigmaString, values: &Placeholders) -> Result<Vec<SigmaString>, String> {
    let mut expansions: Vec<Vec<StrPart>> = vec![Vec::new()];
    for part in &pattern.parts {
        let StrPart::Placeholder(name) = part else {
            for expansion in &mut expansions {
                push_part(expansion, part.clone());
            }
            continue;
        };

        let choices = values.get(name).filter(|v| !v.is_empty()).ok_or_else(|| {
            format!("the `expand` placeholder `%{name}%` has no values, so the rule cannot be evaluated as written")
        })?;
        if expansions.len().saturating_mul(choices.len()) > MAX_EXPANSIONS {
            return Err(format!("the `expand` placeholders expand to more than {MAX_EXPANSIONS} values"));
        }
        expansions = expansions
            .iter()
            .flat_map(|prefix| {
                choices.iter().map(move |choice| {
                    let mut expansion = prefix.clone();
                    push_part(&mut expansion, StrPart::Literal(choice.clone()));
                    expansion
                })
            })
            .collect();
    }
    Ok(expansions.into_iter().map(|parts| SigmaString { parts }).collect())
}

/// Appends a part, joining adjacent literals so that the result keeps the simple shapes
/// (`*text*`, `text*`) that compile to substring and prefix tests.
fn push_part(parts: &mut Vec<StrPart>, part: StrPart) {
    if let (Some(StrPart::Literal(last)), StrPart::Literal(text)) = (parts.last_mut(), &part) {
        last.push_str(text);
        return;
    }
    parts.push(part);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(pairs: &[(&str, &[&str])]) -> Placeholders {
        pairs.iter().map(|(name, list)| ((*name).to_owned(), list.iter().map(|v| (*v).to_owned()).collect())).collect()
    }

    fn pattern(parts: Vec<StrPart>) -> SigmaString {
        SigmaString { parts }
    }

    #[test]
    fn each_value_becomes_an_alternative() {
        let contains = pattern(vec![StrPart::AnyChars, StrPart::Placeholder("dcs".into()), StrPart::AnyChars]);
        let expanded = expand(&contains, &values(&[("dcs", &["dc1", "dc2"])])).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(expanded.len(), 2);
        assert_eq!(expanded[1].parts, vec![StrPart::AnyChars, StrPart::Literal("dc2".into()), StrPart::AnyChars]);
    }

    #[test]
    fn literals_around_a_value_join() {
        let text = pattern(vec![StrPart::Literal("a".into()), StrPart::Placeholder("x".into()), StrPart::Literal("b".into())]);
        let expanded = expand(&text, &values(&[("x", &["1"])])).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(expanded[0].parts, vec![StrPart::Literal("a1b".into())]);
    }

    #[test]
    fn placeholders_combine() {
        let text = pattern(vec![StrPart::Placeholder("x".into()), StrPart::Placeholder("y".into())]);
        let expanded = expand(&text, &values(&[("x", &["1", "2"]), ("y", &["a", "b", "c"])])).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(expanded.len(), 6);
    }

    #[test]
    fn missing_values_are_an_error() {
        let text = pattern(vec![StrPart::Placeholder("known_cdcs".into())]);
        let error = expand(&text, &Placeholders::new()).unwrap_err();
        assert!(error.contains("%known_cdcs%"), "{error}");
        let empty = expand(&text, &values(&[("known_cdcs", &[])])).unwrap_err();
        assert!(empty.contains("no values"), "{empty}");
    }

    #[test]
    fn expansion_is_bounded() {
        let many: Vec<String> = (0..200).map(|i| i.to_string()).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        let text = pattern(vec![StrPart::Placeholder("x".into()), StrPart::Placeholder("x".into())]);
        assert!(expand(&text, &values(&[("x", &many)])).is_err());
    }
}
