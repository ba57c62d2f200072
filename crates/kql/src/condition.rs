//! A rule's condition as one KQL predicate over its converted selections.

use socfeed_sigma::{Condition, Detection, OfTarget, Quantifier, Selection};

use crate::expr::Expr;
use crate::Unfaithful;

/// Converts the rule's conditions (several conditions are alternatives) with
/// `selection` converting each selection they name. `1 of` / `all of` expand over the
/// selections whose names match, in file order.
pub fn condition_expr(
    detection: &Detection,
    selection: &mut dyn FnMut(&Selection) -> Result<Expr, Unfaithful>,
) -> Result<Expr, Unfaithful> {
    if detection.conditions.is_empty() {
        return Err(Unfaithful::construct("condition", "the rule has no condition"));
    }

    let mut alternatives = Vec::with_capacity(detection.conditions.len());
    for condition in &detection.conditions {
        alternatives.push(convert(detection, &condition.expr, selection)?);
    }
    Ok(Expr::or(alternatives))
}

fn convert(
    detection: &Detection,
    condition: &Condition,
    selection: &mut dyn FnMut(&Selection) -> Result<Expr, Unfaithful>,
) -> Result<Expr, Unfaithful> {
    match condition {
        Condition::Selection(name) => {
            let found = detection.selection(name).ok_or_else(|| {
                Unfaithful::construct(name.clone(), format!("the condition names the selection {name}, which the rule does not define"))
            })?;
            selection(found)
        }
        Condition::Not(inner) => Ok(Expr::not(convert(detection, inner, selection)?)),
        Condition::And(items) => {
            let converted = items.iter().map(|item| convert(detection, item, selection)).collect::<Result<_, _>>()?;
            Ok(Expr::and(converted))
        }
        Condition::Or(items) => {
            let converted = items.iter().map(|item| convert(detection, item, selection)).collect::<Result<_, _>>()?;
            Ok(Expr::or(converted))
        }
        Condition::Of { quantifier, target } => {
            let matched: Vec<&Selection> = detection.selections.iter().filter(|s| of_target_matches(target, &s.name)).collect();
            if matched.is_empty() {
                let written = match target {
                    OfTarget::Them => "them".to_string(),
                    OfTarget::Pattern(pattern) => pattern.clone(),
                };
                return Err(Unfaithful::construct(
                    written.clone(),
                    format!("the condition quantifies over {written}, which names no selection of the rule"),
                ));
            }
            let converted = matched.into_iter().map(&mut *selection).collect::<Result<_, _>>()?;
            Ok(match quantifier {
                Quantifier::Any => Expr::or(converted),
                Quantifier::All => Expr::and(converted),
            })
        }
    }
}

/// Checks whether a selection name is covered by `them` (every name not starting with `_`) or
/// by a name pattern where `*` matches any run of characters.
fn of_target_matches(target: &OfTarget, name: &str) -> bool {
    match target {
        OfTarget::Them => !name.starts_with('_'),
        OfTarget::Pattern(pattern) => glob_matches(pattern, name),
    }
}

fn glob_matches(pattern: &str, name: &str) -> bool {
    let mut pieces = pattern.split('*');
    let first = pieces.next().unwrap_or("");
    let Some(mut rest) = name.strip_prefix(first) else {
        return false;
    };
    let pieces: Vec<&str> = pieces.collect();
    let Some((last, middle)) = pieces.split_last() else {
        // No `*` in the pattern: the whole name must be the pattern.
        return rest.is_empty();
    };
    for piece in middle {
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::glob_matches;

    #[test]
    fn glob_prefix_and_suffix() {
        assert!(glob_matches("selection_*", "selection_img"));
        assert!(!glob_matches("selection_*", "filter_main"));
        assert!(glob_matches("*_img", "selection_img"));
        assert!(glob_matches("sel*img", "selection_img"));
        assert!(!glob_matches("sel*img*x", "selection_img"));
    }

    #[test]
    fn glob_without_star_is_equality() {
        assert!(glob_matches("selection", "selection"));
        assert!(!glob_matches("selection", "selection2"));
    }

    #[test]
    fn glob_suffix_does_not_reuse_prefix() {
        // `ab*ba` needs four characters: the prefix and the suffix must not overlap.
        assert!(!glob_matches("ab*ba", "aba"));
    }
}
