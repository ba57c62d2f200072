//! The conversion every table-based target shares: find the log source's entry in the
//! target's mapping file, convert the condition through its field set, and write the
//! query as the source followed by `extend` and `where` lines.

use socfeed_sigma::Rule;

use crate::condition::condition_expr;
use crate::expr::Expr;
use crate::field::ItemConverter;
use crate::mapping::MappingFile;
use crate::{Conversion, Refusal, RefusalReason};

/// The target a mapping file belongs to, for the conversion and its messages.
pub struct Target {
    /// The target name, e.g. `defender-xdr`.
    pub name: &'static str,
    /// How messages name the target's columns, e.g. `ASIM`.
    pub label: &'static str,
    /// What a refusal for an unmapped log source says the target lacks.
    pub lacks: &'static str,
}

/// Converts one rule with a target's mapping file.
pub fn convert(target: &Target, mapping: &MappingFile, rule: &Rule) -> Result<Conversion, Refusal> {
    let logsource = rule.logsource.to_string();

    let Some(entry) = mapping.logsource(&rule.logsource) else {
        return Err(Refusal {
            reason: RefusalReason::UnmappedLogsource,
            subject: Some(logsource.clone()),
            message: format!("log source {logsource} has no {} that returns the same events", target.lacks),
            logsource,
        });
    };
    // `MappingFile::parse` checked that these names resolve.
    let (Some(source), Some(fields)) = (mapping.sources.get(&entry.source), mapping.fields.get(&entry.fields)) else {
        return Err(Refusal {
            reason: RefusalReason::UnmappedLogsource,
            subject: Some(logsource.clone()),
            message: format!("the mapping entry for {logsource} names an undefined source or field set"),
            logsource,
        });
    };
    let default_schema = Default::default();
    let schema = mapping.schemas.get(&source.schema).unwrap_or(&default_schema);

    let mut items = ItemConverter::new(fields, schema, &logsource, target.label).with_keywords(entry.keywords.as_deref(), entry.keywords_plain);
    for caveat in &entry.caveats {
        items.add_caveat(caveat.clone());
    }
    let predicate = condition_expr(&rule.detection, &mut |selection| items.selection(selection))
        .map_err(|e| e.into_refusal(logsource.clone()))?;

    let mut conjuncts: Vec<Expr> = entry.filters.iter().map(|f| Expr::Atom(f.clone())).collect();
    conjuncts.push(predicate);
    let mut query = entry.source.clone();
    for (alias, expr) in &items.extends {
        query.push_str(&format!("\n| extend {alias} = {expr}"));
    }
    query.push_str(&format!("\n| where {}", Expr::and(conjuncts).render(4)));

    Ok(Conversion { target: target.name, query, data_sources: vec![source.data_source(&entry.source)], caveats: items.caveats })
}
