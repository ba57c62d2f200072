//! Selections and detection items as KQL predicates, through a field set of a mapping
//! file. Collects the caveats the conversion incurs on the way.

use std::collections::BTreeMap;

use socfeed_sigma::{
    CompareOp, DetectionItem, FieldRefPosition, Join, Modifier, Selection, SigmaString, StrPart, TimePart, ValueTest,
};

use crate::escape::string_literal;
use crate::expr::Expr;
use crate::mapping::{ColumnType, FieldMapping, Schema, TextFormat, Transform};
use crate::pattern::{shape, string_match, Shape};
use crate::regex::{re2_pattern, RegexFlags};
use crate::transform::{hash_test, registry_data, registry_data_decimal, registry_hive, registry_hive_defender};
use crate::{RefusalReason, Unfaithful};

/// Converts selections of one rule; `caveats` gathers what the conversion changed.
pub struct ItemConverter<'a> {
    pub fields: &'a BTreeMap<String, FieldMapping>,
    pub schema: &'a Schema,
    /// The rule's log source as `product/category/service`, for messages.
    pub logsource: &'a str,
    /// The target's name for its columns in messages, such as `ASIM`.
    pub target: &'a str,
    pub caveats: Vec<String>,
    /// `(alias, expression)` pairs the predicate uses, for `| extend` lines.
    pub extends: Vec<(String, String)>,
    /// The string expression that field-less (keyword) values search, when the source has one.
    pub keywords: Option<&'a str>,
    /// Whether `keywords` is plain text, so no character of a keyword is stored escaped.
    pub keywords_plain: bool,
}

/// The field-set key whose `expr` maps every field the set does not list; `{field}` in
/// the expression stands for the Sigma field name.
pub const ANY_FIELD: &str = "*";

/// The `keywords` value of a mapping entry that searches all the row's columns.
pub const ALL_COLUMNS: &str = "*";

/// The column a query computes for an [`ALL_COLUMNS`] search: the row's columns as one
/// JSON object, in text form.
const ALL_COLUMNS_ALIAS: &str = "EventText";
const ALL_COLUMNS_EXPR: &str = "tostring(pack_all())";

/// A mapped field: the KQL text that stands for it and what it may hold.
struct Column<'a> {
    field: &'a str,
    text: String,
    /// The mapping's `presence` expression for this field.
    presence: Option<String>,
    column_type: ColumnType,
    allowed: Option<&'a [String]>,
    mapping: &'a FieldMapping,
}

impl<'a> ItemConverter<'a> {
    pub fn new(fields: &'a BTreeMap<String, FieldMapping>, schema: &'a Schema, logsource: &'a str, target: &'a str) -> Self {
        Self { fields, schema, logsource, target, caveats: Vec::new(), extends: Vec::new(), keywords: None, keywords_plain: false }
    }

    /// Lets keyword (field-less) values search `expr`, the raw event text of the source.
    /// `plain` is true when that text is stored without XML or JSON escaping.
    pub fn with_keywords(mut self, expr: Option<&'a str>, plain: bool) -> Self {
        self.keywords = expr;
        self.keywords_plain = plain;
        self
    }

    pub fn add_caveat(&mut self, caveat: impl Into<String>) {
        let caveat = caveat.into();
        if !self.caveats.contains(&caveat) {
            self.caveats.push(caveat);
        }
    }

    /// Converts a selection: it matches when any of its groups matches, and a group
    /// matches when all its items do.
    pub fn selection(&mut self, selection: &Selection) -> Result<Expr, Unfaithful> {
        let mut groups = Vec::with_capacity(selection.groups.len());
        for group in &selection.groups {
            let items = group.items.iter().map(|item| self.item(item)).collect::<Result<_, _>>()?;
            groups.push(Expr::and(items));
        }
        Ok(Expr::or(groups))
    }

    fn item(&mut self, item: &DetectionItem) -> Result<Expr, Unfaithful> {
        let Some(field) = item.field.as_deref() else {
            return self.keyword_item(item);
        };
        if item.modifiers.contains(&Modifier::Expand) {
            return Err(Unfaithful::new(
                RefusalReason::Placeholder,
                field,
                format!("field {field} uses the expand modifier, whose %placeholder% values need site-specific data"),
            ));
        }
        let column = self.column(field)?;
        if let (Some(alias), Some(expr)) = (&column.mapping.alias, &column.mapping.expr) {
            if !self.extends.iter().any(|(name, _)| name == alias) {
                self.extends.push((alias.clone(), expr.clone()));
            }
        }

        if let Some(caveat) = &column.mapping.caveat {
            self.add_caveat(caveat.clone());
        }

        let mut tests = Vec::with_capacity(item.tests.len());
        let mut equal_values = Vec::new();
        let mut equal_cased = false;
        for test in &item.tests {
            if item.join == Join::Any {
                if let Some((value, cased)) = self.plain_equality(&column, test) {
                    equal_values.push(value);
                    equal_cased = cased;
                    continue;
                }
            }
            tests.push(self.test(&column, test)?);
        }

        if equal_values.len() == 1 {
            let op = if equal_cased { "==" } else { "=~" };
            let literal = string_literal(&equal_values[0])?;
            tests.insert(0, Expr::Atom(format!("{} {op} {literal}", column.text)));
        } else if equal_values.len() > 1 {
            let op = if equal_cased { "in" } else { "in~" };
            let literals = equal_values.iter().map(|v| string_literal(v)).collect::<Result<Vec<_>, _>>()?;
            tests.insert(0, Expr::Atom(format!("{} {op} ({})", column.text, literals.join(", "))));
        }

        Ok(match item.join {
            Join::Any => Expr::or(tests),
            Join::All => Expr::and(tests),
        })
    }

    /// Converts a keyword (field-less) item: each value matches when the raw event text
    /// contains it, as Sigma's keywords search the whole event.
    fn keyword_item(&mut self, item: &DetectionItem) -> Result<Expr, Unfaithful> {
        let Some(text) = self.keywords else {
            return Err(Unfaithful::construct(
                "keywords",
                format!("the rule searches keywords without a field; {} has no raw event text column for {}", self.target, self.logsource),
            ));
        };
        let text = if text == ALL_COLUMNS {
            // Computed before any field alias, so that the JSON contains only the source's
            // own columns.
            if !self.extends.iter().any(|(name, _)| name == ALL_COLUMNS_ALIAS) {
                self.extends.insert(0, (ALL_COLUMNS_ALIAS.to_string(), ALL_COLUMNS_EXPR.to_string()));
            }
            self.add_caveat(format!(
                "Keywords are searched in {ALL_COLUMNS_ALIAS}, the row's columns as JSON text ({ALL_COLUMNS_EXPR}); a value matches inside one column's name or value, but not across two columns."
            ));
            ALL_COLUMNS_ALIAS
        } else {
            self.add_caveat(format!(
                "Keywords are searched in {text}, the raw event text; a value matches wherever it occurs in the event, field names included."
            ));
            text
        };

        let mut tests = Vec::with_capacity(item.tests.len());
        for test in &item.tests {
            let ValueTest::String { pattern, cased } = test else {
                return Err(Unfaithful::construct("keywords", "a keyword value other than a string has no raw-text search form"));
            };
            // Raw text in XML or JSON escapes these characters, so a value with one
            // would be searched in a form the text never contains. Plain text (a syslog
            // message) stores them as written.
            if !self.keywords_plain && literal_has_any(pattern, &['\\', '"', '&', '<', '>', '\'']) {
                return Err(Unfaithful::construct(
                    "keywords",
                    format!("the keyword {:?} contains a character that the raw event text stores escaped", pattern.to_sigma()),
                ));
            }
            let mut parts = vec![StrPart::AnyChars];
            parts.extend(pattern.parts.iter().cloned());
            parts.push(StrPart::AnyChars);
            let wrapped = SigmaString { parts };
            tests.push(string_match("keywords", text, &wrapped, *cased)?);
        }
        Ok(match item.join {
            Join::Any => Expr::or(tests),
            Join::All => Expr::and(tests),
        })
    }

    fn column<'c>(&self, field: &'c str) -> Result<Column<'c>, Unfaithful>
    where
        'a: 'c,
    {
        let unmapped = || {
            Unfaithful::new(
                RefusalReason::UnmappedField,
                field,
                format!("field {field} has no {} column for log source {}", self.target, self.logsource),
            )
        };
        let (mapping, template) = match self.fields.get(field) {
            Some(mapping) => (mapping, false),
            None => (self.fields.get(ANY_FIELD).ok_or_else(unmapped)?, true),
        };
        // A template names the field inside the query, so only plain names may fill it.
        if template && !is_identifier(field) {
            return Err(unmapped());
        }

        let (text, column_type, allowed) = if let Some(column) = &mapping.column {
            let column_type = self.schema.columns.get(column).copied().unwrap_or(ColumnType::String);
            (column.clone(), column_type, self.schema.enums.get(column).map(Vec::as_slice))
        } else if let Some(expr) = &mapping.expr {
            let text = match (&mapping.alias, template) {
                (Some(alias), _) => alias.clone(),
                (None, true) => expr.replace("{field}", field),
                (None, false) => expr.clone(),
            };
            (text, mapping.expr_type.unwrap_or(ColumnType::String), None)
        } else {
            // A `hashes` mapping: each test picks its column.
            (String::new(), ColumnType::String, None)
        };
        let presence = mapping.presence.as_ref().map(|presence| if template { presence.replace("{field}", field) } else { presence.clone() });
        Ok(Column { field, text, presence, column_type, allowed, mapping })
    }

    /// Returns the value of a plain equality on a string column without value tables,
    /// so that several alternatives of one item fold into `in~ (…)`.
    fn plain_equality(&mut self, column: &Column, test: &ValueTest) -> Option<(String, bool)> {
        let plain = column.column_type == ColumnType::String
            && column.mapping.search_in.is_none()
            && column.mapping.never_contains.is_empty()
            && column.mapping.escaped_in.is_none()
            && column.allowed.is_none()
            && column.mapping.values.is_empty()
            && column.mapping.hashes.is_empty();
        let ValueTest::String { pattern, cased } = test else { return None };
        if !plain {
            return None;
        }
        let pattern = self.transformed(column, pattern).ok()?;
        match shape(&pattern) {
            Shape::Equals(text) => Some((text.to_string(), *cased)),
            _ => None,
        }
    }

    /// Applies the field's value transform, recording its caveat.
    fn transformed(&mut self, column: &Column, pattern: &SigmaString) -> Result<SigmaString, Unfaithful> {
        Ok(match column.mapping.transform {
            Some(Transform::RegistryHiveDefender) => {
                let (out, caveats) = registry_hive_defender(column.field, pattern)?;
                for caveat in caveats {
                    self.add_caveat(caveat);
                }
                out
            }
            Some(Transform::RegistryDataDecimal) => registry_data_decimal(column.field, pattern)?,
            Some(Transform::RegistryHive) => {
                let (out, caveats) = registry_hive(pattern);
                for caveat in caveats {
                    self.add_caveat(caveat);
                }
                out
            }
            Some(Transform::RegistryData) => {
                if let Some(caveat) = registry_data(pattern) {
                    self.add_caveat(caveat);
                }
                pattern.clone()
            }
            None => pattern.clone(),
        })
    }

    fn test(&mut self, column: &Column, test: &ValueTest) -> Result<Expr, Unfaithful> {
        let field = column.field;
        if let Some(format) = column.mapping.search_in {
            require_search(field, test, format)?;
        }
        require_possible(column, test)?;
        match test {
            ValueTest::String { pattern, cased } => self.string_test(column, pattern, *cased),
            ValueTest::AnyOf { alternatives } => {
                let converted = alternatives.iter().map(|alt| self.test(column, alt)).collect::<Result<_, _>>()?;
                Ok(Expr::or(converted))
            }
            ValueTest::Not { test } => Ok(Expr::not(self.test(column, test)?)),
            ValueTest::Number { value } => {
                if column.column_type.is_numeric() && column.mapping.values.is_empty() {
                    return Ok(Expr::Nullable(format!("{} == {}", column.text, number_text(*value))));
                }
                self.string_test(column, &SigmaString::literal(number_text(*value)), false)
            }
            ValueTest::Boolean { value } => {
                if column.column_type == ColumnType::Bool && column.mapping.values.is_empty() {
                    return Ok(Expr::Nullable(format!("{} == {value}", column.text)));
                }
                self.string_test(column, &SigmaString::literal(value.to_string()), false)
            }
            ValueTest::Regex { pattern, ignore_case, multi_line, dot_all } => {
                self.require_plain(column, "re")?;
                let flags = RegexFlags { ignore_case: *ignore_case, multi_line: *multi_line, dot_all: *dot_all };
                let regex = re2_pattern(field, pattern, flags)?;
                Ok(Expr::Atom(format!("{} matches regex {}", as_string(column), string_literal(&regex)?)))
            }
            ValueTest::Cidr { network, is_ipv6 } => {
                self.require_plain(column, "cidr")?;
                let function = if *is_ipv6 { "ipv6_is_in_range" } else { "ipv4_is_in_range" };
                let test = format!("{function}({}, {})", column.text, string_literal(network)?);
                Ok(Expr::Nullable(test))
            }
            ValueTest::Compare { op, value } => {
                self.require_plain(column, "lt/lte/gt/gte")?;
                let op = match op {
                    CompareOp::Lt => "<",
                    CompareOp::Lte => "<=",
                    CompareOp::Gt => ">",
                    CompareOp::Gte => ">=",
                };
                let lhs = if column.column_type.is_numeric() {
                    column.text.to_string()
                } else {
                    format!("todouble({})", column.text)
                };
                Ok(Expr::Nullable(format!("{lhs} {op} {}", number_text(*value))))
            }
            ValueTest::TimePart { part, value } => {
                if column.column_type != ColumnType::Datetime {
                    return Err(Unfaithful::construct(
                        field,
                        format!("field {field} is not a timestamp column in {}, so a time-part modifier cannot apply", self.target),
                    ));
                }
                let lhs = match part {
                    TimePart::Week => format!("week_of_year({})", column.text),
                    other => format!("datetime_part({:?}, {})", time_part_name(*other), column.text),
                };
                Ok(Expr::Nullable(format!("{lhs} == {value}")))
            }
            ValueTest::Null => {
                // Sigma's null matches a missing field and an empty value alike, as the
                // hunt matcher reads it, so `presence` does not apply.
                self.add_caveat(null_caveat(self.target));
                Ok(Expr::Atom(format!("isempty({})", column.text)))
            }
            ValueTest::Exists { exists } => {
                if let Some(presence) = &column.presence {
                    let function = if *exists { "isnotnull" } else { "isnull" };
                    return Ok(Expr::Atom(format!("{function}({presence})")));
                }
                self.add_caveat(empty_caveat(self.target));
                let function = if *exists { "isnotempty" } else { "isempty" };
                Ok(Expr::Atom(format!("{function}({})", column.text)))
            }
            ValueTest::FieldRef { field: other, position } => self.field_ref(column, other, *position),
        }
    }

    fn string_test(&mut self, column: &Column, pattern: &SigmaString, cased: bool) -> Result<Expr, Unfaithful> {
        let field = column.field;
        if !column.mapping.hashes.is_empty() {
            return hash_test(field, &column.mapping.hashes, pattern, cased);
        }

        let pattern = self.transformed(column, pattern)?;

        if !column.mapping.values.is_empty() {
            let mapped = pattern
                .as_literal()
                .and_then(|text| column.mapping.values.iter().find(|(key, _)| key.eq_ignore_ascii_case(text)))
                .map(|(_, value)| value.clone());
            let Some(mapped) = mapped else {
                let known: Vec<&str> = column.mapping.values.keys().map(String::as_str).collect();
                return Err(Unfaithful::value(
                    field,
                    format!("field {field} value {:?} has no {} translation (known values: {})", pattern.to_sigma(), self.target, known.join(", ")),
                ));
            };
            return self.enumerated(column, &mapped);
        }

        if column.allowed.is_some() {
            let Some(text) = pattern.as_literal() else {
                return Err(Unfaithful::value(
                    field,
                    format!("field {field} maps to an enumerated column, which the wildcard value {:?} cannot be checked against", pattern.to_sigma()),
                ));
            };
            return self.enumerated(column, text);
        }

        if column.column_type == ColumnType::Bool {
            return match pattern.as_literal().map(str::to_ascii_lowercase).as_deref() {
                Some(text @ ("true" | "false")) => Ok(Expr::Nullable(format!("{} == {text}", column.text))),
                _ => Err(Unfaithful::value(field, format!("field {field} is boolean, but the value {:?} is not true or false", pattern.to_sigma()))),
            };
        }

        if column.column_type.is_numeric() {
            // Sigma compares a quoted value as text. So only the number's own spelling
            // ('3', not '03' or ' 3') becomes a numeric comparison, and other spellings
            // are compared with the number's text below, as Sigma would compare them.
            let canonical = pattern.as_literal().and_then(|text| text.parse::<f64>().ok().filter(|number| number_text(*number) == text));
            if let Some(number) = canonical {
                return Ok(Expr::Nullable(format!("{} == {}", column.text, number_text(number))));
            }
            if shape(&pattern) == Shape::Any {
                // A typed column is null when the event lacks the field, so here `*`
                // keeps exactly the events that have a value.
                return Ok(Expr::Atom(format!("isnotnull({})", column.text)));
            }
            return string_match(field, &format!("tostring({})", column.text), &pattern, cased);
        }

        if shape(&pattern) == Shape::Any {
            if let Some(presence) = &column.presence {
                return Ok(Expr::Atom(format!("isnotnull({presence})")));
            }
            self.add_caveat(any_value_caveat(field));
        }
        string_match(field, &column.text, &pattern, cased)
    }

    /// Compares an enumerated column with one of its allowed values, written as the
    /// schema spells it.
    fn enumerated(&self, column: &Column, value: &str) -> Result<Expr, Unfaithful> {
        let field = column.field;
        let canonical = match column.allowed {
            Some(allowed) => match allowed.iter().find(|a| a.eq_ignore_ascii_case(value)) {
                Some(found) => found.as_str(),
                None => {
                    return Err(Unfaithful::value(
                        field,
                        format!("field {field} maps to {}, whose allowed values ({}) do not include {value:?}", column.text, allowed.join(", ")),
                    ))
                }
            },
            None => value,
        };
        Ok(Expr::Atom(format!("{} == {}", column.text, string_literal(canonical)?)))
    }

    /// Rejects modifiers that compare raw values on a column whose values are translated.
    fn require_plain(&self, column: &Column, modifier: &str) -> Result<(), Unfaithful> {
        let field = column.field;
        if column.mapping.values.is_empty() && column.mapping.hashes.is_empty() && column.allowed.is_none() {
            return Ok(());
        }
        Err(Unfaithful::construct(
            modifier,
            format!("field {field} has translated or enumerated values in {}, so the {modifier} modifier cannot be applied faithfully", self.target),
        ))
    }

    fn field_ref(&mut self, column: &Column, other: &str, position: FieldRefPosition) -> Result<Expr, Unfaithful> {
        let other_column = self.column(other).map_err(|_| {
            Unfaithful::new(
                RefusalReason::UnmappedField,
                other,
                format!("field {other} (named by fieldref) has no {} column for log source {}", self.target, self.logsource),
            )
        })?;
        let mapping = other_column.mapping;
        let comparable = mapping.values.is_empty() && mapping.hashes.is_empty() && mapping.transform.is_none() && mapping.search_in.is_none();
        if !comparable {
            return Err(Unfaithful::construct("fieldref", format!("field {other} has translated values, so fieldref cannot compare it as is")));
        }
        // An aliased expression is compared as written, because the alias is only
        // computed for fields the rule tests directly.
        if mapping.escaped_in != column.mapping.escaped_in {
            return Err(Unfaithful::construct(
                "fieldref",
                format!("fields {} and {other} are read from texts with different escaping, so fieldref cannot compare them", column.field),
            ));
        }
        let other_text = match (&mapping.alias, &mapping.expr) {
            (Some(_), Some(expr)) => expr.clone(),
            _ => other_column.text.clone(),
        };
        let other_column = Column { text: other_text, ..other_column };
        self.require_plain(column, "fieldref")?;

        let op = match position {
            FieldRefPosition::Equals => "=~",
            FieldRefPosition::Contains => "contains",
            FieldRefPosition::StartsWith => "startswith",
            FieldRefPosition::EndsWith => "endswith",
        };
        Ok(Expr::Atom(format!("{} {op} {}", as_string(column), as_string(&other_column))))
    }
}

/// Rejects a test that a search inside a larger XML or JSON text cannot express. Only
/// values that start and end with `*` (such as `contains` values) and unanchored regexes
/// find the field's value there, and only when they contain none of the characters the
/// format stores escaped.
fn require_search(field: &str, test: &ValueTest, format: TextFormat) -> Result<(), Unfaithful> {
    let searchable = match test {
        ValueTest::String { pattern, .. } => {
            // A pattern that starts and ends with `*` searches, whatever wildcards it contains inside.
            let searches = matches!(pattern.parts.first(), Some(StrPart::AnyChars)) && matches!(pattern.parts.last(), Some(StrPart::AnyChars));
            searches && !literal_has_any(pattern, format.escaped()) && shape(pattern) != Shape::Any
        }
        ValueTest::Regex { pattern, .. } => !pattern.contains(format.escaped()) && !pattern.contains(['^', '$']),
        // Each alternative, and the negated test, are checked when they are converted.
        ValueTest::AnyOf { .. } | ValueTest::Not { .. } => true,
        _ => false,
    };
    if searchable {
        return Ok(());
    }
    Err(Unfaithful::construct(
        field,
        format!(
            "field {field} is only found by searching a larger {} text, so it supports only values that start and end with * (such as contains) and unanchored regexes, without {}",
            format.name(),
            char_list(format.escaped()),
        ),
    ))
}

/// Rejects a string test whose value has a character that the column's values never
/// contain as written, because its query could never match.
fn require_possible(column: &Column, test: &ValueTest) -> Result<(), Unfaithful> {
    let ValueTest::String { pattern, .. } = test else { return Ok(()) };

    let never: Vec<char> = column.mapping.never_contains.chars().collect();
    if literal_has_any(pattern, &never) {
        return Err(Unfaithful::value(
            column.field,
            format!("field {} value {:?} can never match, because the column's values contain no {}", column.field, pattern.to_sigma(), char_list(&never)),
        ));
    }

    if let Some(format) = column.mapping.escaped_in {
        if literal_has_any(pattern, format.escaped()) {
            return Err(Unfaithful::value(
                column.field,
                format!(
                    "field {} value {:?} contains {}, which the {} text the field is read from stores escaped, so the query could never match it",
                    column.field,
                    pattern.to_sigma(),
                    char_list(format.escaped()),
                    format.name(),
                ),
            ));
        }
    }
    Ok(())
}

/// Checks whether a literal part of `pattern` (not its wildcards) contains one of `chars`.
fn literal_has_any(pattern: &SigmaString, chars: &[char]) -> bool {
    pattern.parts.iter().any(|part| matches!(part, StrPart::Literal(text) if text.contains(chars)))
}

/// Lists characters for a message: `&, < or >`.
fn char_list(chars: &[char]) -> String {
    let names: Vec<String> = chars.iter().map(char::to_string).collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => names.concat(),
    }
}

/// Checks that a name can stand in a KQL expression as written (`EventData.Image`).
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_') && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn as_string(column: &Column) -> String {
    if column.column_type == ColumnType::String {
        column.text.to_string()
    } else {
        format!("tostring({})", column.text)
    }
}

/// Writes whole numbers without a fraction, so `4688` stays `4688` and not `4688.0`.
fn number_text(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value}")
    }
}

fn time_part_name(part: TimePart) -> &'static str {
    match part {
        TimePart::Minute => "minute",
        TimePart::Hour => "hour",
        TimePart::Day => "day",
        TimePart::Week => "week_of_year",
        TimePart::Month => "month",
        TimePart::Year => "year",
    }
}

fn empty_caveat(target: &str) -> String {
    format!("{target} columns read as empty both when a source lacks the field and when its value is empty, so null and exists tests cannot tell the two apart.")
}

fn null_caveat(target: &str) -> String {
    format!("{target} columns read as empty both when a source lacks the field and when its value is empty, so a null test matches both.")
}

fn any_value_caveat(field: &str) -> String {
    format!("The value * for {field} matches any value, the empty string included; an absent field reads as an empty string, so events that lack {field} match too.")
}
