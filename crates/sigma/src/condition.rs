//! Parsed `condition` expressions.

use serde::Serialize;

use crate::span::Span;

/// A condition as written, with its parsed form.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConditionExpr {
    pub source: String,
    pub expr: Condition,
    pub span: Span,
}

/// A boolean expression over selection names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    Selection(String),
    Not(Box<Condition>),
    And(Vec<Condition>),
    Or(Vec<Condition>),
    /// `1 of X` (`Quantifier::Any`) or `all of X` (`Quantifier::All`).
    Of { quantifier: Quantifier, target: OfTarget },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Quantifier {
    Any,
    All,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OfTarget {
    /// `them`: every selection of the rule. Spec: names starting with `_` are left out.
    Them,
    /// A selection name, possibly with `*` wildcards such as `selection_*`.
    Pattern(String),
}
