//! KQL boolean expressions and their readable, deterministic rendering.

use std::collections::HashSet;

/// A `where` predicate built from comparisons.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A complete comparison or function call, such as `EventType == "Start"`, that is
    /// never null.
    Atom(String),
    /// A test that is null when its column is null (the event lacks the field) or when
    /// the function cannot apply, such as `DstPortNumber == 443` or `ipv4_is_in_range` of
    /// an empty or IPv6 address. Inside a `not` it is rendered two-valued; see
    /// [`two_valued`].
    Nullable(String),
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
}

/// Lines longer than this are split at their top-level `and` / `or`.
const MAX_LINE: usize = 100;

/// Operands of one `and` / `or` chain before the chain is split into parenthesized
/// groups. KQL parses a chain as a left-deep tree, and the Kusto language service stops
/// analysing a query whose tree is deeper than its limit (somewhere between 400 and 976
/// operands in version 12.4.1), so long chains nest groups instead.
const MAX_OPERANDS: usize = 64;
const INDENT: usize = 4;

impl Expr {
    /// Joins conjuncts, flattening nested `and`s; one conjunct is returned as is.
    pub fn and(items: Vec<Expr>) -> Expr {
        Self::join(items, true)
    }

    /// Joins alternatives, flattening nested `or`s; one alternative is returned as is.
    pub fn or(items: Vec<Expr>) -> Expr {
        Self::join(items, false)
    }

    #[allow(clippy::should_implement_trait)]
    pub fn not(inner: Expr) -> Expr {
        match inner {
            Expr::Not(inner) => *inner,
            other => Expr::Not(Box::new(other)),
        }
    }

    fn join(items: Vec<Expr>, is_and: bool) -> Expr {
        let mut flat: Vec<Expr> = Vec::with_capacity(items.len());
        // Atoms already in `flat`, so that dropping repeats stays linear in the chain length.
        let mut seen: HashSet<String> = HashSet::new();
        let mut push = |item: Expr| {
            // `a and a` is `a`, and `a or a` is `a`: a repeated comparison adds nothing.
            if let Expr::Atom(text) | Expr::Nullable(text) = &item {
                if !seen.insert(text.clone()) {
                    return;
                }
            }
            flat.push(item);
        };
        for item in items {
            match item {
                Expr::And(inner) if is_and => inner.into_iter().for_each(&mut push),
                Expr::Or(inner) if !is_and => inner.into_iter().for_each(&mut push),
                other => push(other),
            }
        }
        // An empty `and` is true and an empty `or` is false, as in logic.
        match flat.len() {
            0 => return Expr::Atom(if is_and { "true" } else { "false" }.to_string()),
            1 => return flat.swap_remove(0),
            _ => {}
        }
        Self::grouped(flat, is_and)
    }

    /// Builds the chain, nesting groups of at most [`MAX_OPERANDS`] operands.
    fn grouped(mut items: Vec<Expr>, is_and: bool) -> Expr {
        let make = |items: Vec<Expr>| if is_and { Expr::And(items) } else { Expr::Or(items) };
        while items.len() > MAX_OPERANDS {
            let mut groups = Vec::with_capacity(items.len().div_ceil(MAX_OPERANDS));
            let mut operands = items.into_iter().peekable();
            while operands.peek().is_some() {
                let mut group: Vec<Expr> = operands.by_ref().take(MAX_OPERANDS).collect();
                groups.push(if group.len() == 1 { group.swap_remove(0) } else { make(group) });
            }
            items = groups;
        }
        make(items)
    }

    /// Renders on one line; an `or` inside an `and` (and the reverse) gets parentheses.
    #[cfg(test)]
    pub fn render_flat(&self) -> String {
        self.render_flat_in(false)
    }

    /// `negated` is whether the expression is inside a `not`.
    fn render_flat_in(&self, negated: bool) -> String {
        match self {
            Expr::Atom(text) => text.clone(),
            Expr::Nullable(text) if negated => two_valued(text),
            Expr::Nullable(text) => text.clone(),
            Expr::Not(inner) => format!("not({})", inner.render_flat_in(true)),
            Expr::And(items) | Expr::Or(items) => {
                let op = if matches!(self, Expr::And(_)) { " and " } else { " or " };
                let parts: Vec<String> = items.iter().map(|item| item.render_flat_operand(negated)).collect();
                parts.join(op)
            }
        }
    }

    fn render_flat_operand(&self, negated: bool) -> String {
        match self {
            Expr::And(_) | Expr::Or(_) => format!("({})", self.render_flat_in(negated)),
            _ => self.render_flat_in(negated),
        }
    }

    /// Renders the expression, starting at column `indent`, splitting it over several
    /// lines when one line would be longer than [`MAX_LINE`]. Continuation lines start
    /// with their operator, and each nesting level adds four spaces.
    pub fn render(&self, indent: usize) -> String {
        self.render_in(indent, false)
    }

    fn render_in(&self, indent: usize, negated: bool) -> String {
        let flat = self.render_flat_in(negated);
        if indent + flat.len() <= MAX_LINE {
            return flat;
        }

        let pad = " ".repeat(indent);
        match self {
            Expr::Atom(_) | Expr::Nullable(_) => flat,
            Expr::Not(inner) => {
                let body = inner.render_in(indent + INDENT, true);
                format!("not(\n{pad}    {body}\n{pad})")
            }
            Expr::And(items) | Expr::Or(items) => {
                let op = if matches!(self, Expr::And(_)) { "and" } else { "or" };
                let mut out = String::new();
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push('\n');
                        out.push_str(&pad);
                        out.push_str(op);
                        out.push(' ');
                    }
                    out.push_str(&item.render_operand(indent, negated));
                }
                out
            }
        }
    }

    fn render_operand(&self, indent: usize, negated: bool) -> String {
        match self {
            Expr::And(_) | Expr::Or(_) => {
                let flat = self.render_flat_operand(negated);
                if indent + 4 + flat.len() <= MAX_LINE {
                    return flat;
                }
                let pad = " ".repeat(indent);
                let body = self.render_in(indent + INDENT, negated);
                format!("(\n{pad}    {body}\n{pad})")
            }
            _ => self.render_in(indent, negated),
        }
    }
}

/// Makes a test that can yield null read as false. `where` drops a row whose predicate
/// is null, and `not(null)` is null, so a negated test would drop exactly the events that
/// Sigma's `not` keeps: an event whose value is missing, or of another kind, does not
/// match. A test that is never null inside a `not` keeps `not` exact, because `and` and
/// `or` outside any `not` yield null only where Sigma's result is false.
fn two_valued(test: &str) -> String {
    format!("coalesce({test}, false)")
}

#[cfg(test)]
mod tests {
    use super::Expr;

    fn atom(text: &str) -> Expr {
        Expr::Atom(text.to_string())
    }

    #[test]
    fn nested_joins_flatten() {
        let expr = Expr::and(vec![atom("a"), Expr::and(vec![atom("b"), atom("c")])]);
        assert_eq!(expr, Expr::And(vec![atom("a"), atom("b"), atom("c")]));
    }

    #[test]
    fn repeated_atom_is_dropped() {
        let expr = Expr::and(vec![atom("a"), atom("b"), atom("a")]);
        assert_eq!(expr, Expr::And(vec![atom("a"), atom("b")]));
    }

    #[test]
    fn single_item_join_is_the_item() {
        assert_eq!(Expr::or(vec![atom("a")]), atom("a"));
    }

    #[test]
    fn or_inside_and_gets_parentheses() {
        let expr = Expr::and(vec![atom("a"), Expr::or(vec![atom("b"), atom("c")])]);
        assert_eq!(expr.render(8), "a and (b or c)");
    }

    #[test]
    fn double_negation_cancels() {
        assert_eq!(Expr::not(Expr::not(atom("a"))), atom("a"));
    }

    #[test]
    fn long_chain_nests_groups() {
        let atoms: Vec<Expr> = (0..200).map(|i| atom(&format!("a{i}"))).collect();
        let Expr::Or(groups) = Expr::or(atoms) else { panic!("expected an or") };
        assert_eq!(groups.len(), 4);
        assert!(groups.iter().all(|g| matches!(g, Expr::Or(items) if items.len() <= super::MAX_OPERANDS)));
        let text = Expr::Or(groups).render_flat();
        assert!(text.starts_with("(a0 or a1"), "{text}");
        assert_eq!(text.matches(" or ").count(), 199);
    }

    #[test]
    fn long_join_takes_linear_time() {
        // A rule may list tens of thousands of values. Checking each operand against all
        // earlier ones makes about 5e9 comparisons for 100k operands, far over the bound.
        let mut atoms: Vec<Expr> = (0..100_000).map(|i| atom(&format!("CommandLine contains \"v{i}\""))).collect();
        atoms.push(atom("CommandLine contains \"v0\""));
        let started = std::time::Instant::now();
        let expr = Expr::or(atoms);
        let text = expr.render(4);
        let elapsed = started.elapsed();
        assert_eq!(text.matches("CommandLine contains").count(), 100_000, "the repeated operand is dropped once");
        assert!(elapsed < std::time::Duration::from_secs(5), "joining 100k operands took {elapsed:?}");
    }

    #[test]
    fn nullable_test_is_two_valued_under_not() {
        let port = Expr::Nullable("DstPortNumber == 137".to_string());
        let expr = Expr::and(vec![atom("a"), Expr::not(Expr::or(vec![atom("b"), port.clone()]))]);
        assert_eq!(expr.render(4), "a and not(b or coalesce(DstPortNumber == 137, false))");
    }

    #[test]
    fn nullable_test_stays_plain_outside_not() {
        let port = Expr::Nullable("DstPortNumber == 137".to_string());
        assert_eq!(Expr::and(vec![atom("a"), port]).render(4), "a and DstPortNumber == 137");
    }

    #[test]
    fn long_negated_expression_keeps_two_valued_tests() {
        let long = "x".repeat(90);
        let port = Expr::Nullable("DstPortNumber == 137".to_string());
        let expr = Expr::not(Expr::and(vec![atom(&long), port]));
        let text = expr.render(4);
        assert!(text.contains("and coalesce(DstPortNumber == 137, false)"), "{text}");
        assert!(text.starts_with("not(\n"), "{text}");
    }

    #[test]
    fn long_expression_splits_lines() {
        let (x, y, z) = ("x".repeat(60), "y".repeat(60), "z".repeat(60));
        let expr = Expr::and(vec![atom(&x), Expr::or(vec![atom(&y), atom(&z)])]);
        let text = expr.render(4);
        let expected = format!("{x}\n    and (\n        {y}\n        or {z}\n    )");
        assert_eq!(text, expected);
    }
}
