use std::collections::BTreeMap;
use std::io::Write;
use std::process::ExitCode;

use anyhow::{bail, Context};
use rayon::prelude::*;
use socfeed_kql::{Conversion, Refusal, TARGETS};
use socfeed_sigma::Document;

use crate::RulePaths;

#[derive(clap::Args)]
pub struct Args {
    /// The query language and data model to convert to.
    #[arg(short, long, default_value = "sentinel-asim")]
    target: String,

    /// Output format: `text` prints each query under a comment naming the rule;
    /// `json` prints one JSON object per rule and line.
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    format: String,

    #[command(flatten)]
    rules: RulePaths,
}

/// The outcome of one rule, in file order.
struct Outcome<'a> {
    path: &'a std::path::Path,
    id: Option<&'a str>,
    title: &'a str,
    result: Result<Conversion, Refusal>,
    /// Titles of the input's filter documents that name this rule: the query does not
    /// apply them, so it returns events they would remove.
    unapplied_filters: Vec<&'a str>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let Some(backend) = socfeed_kql::backend(&args.target) else {
        bail!("unknown target {:?}; the targets are: {}", args.target, TARGETS.join(", "));
    };

    let (files, list_errors) = super::read_rule_files(&args.rules.paths);
    let mut read_errors: Vec<String> = list_errors.iter().map(ToString::to_string).collect();
    read_errors.extend(files.iter().flat_map(|f| f.errors.iter().map(ToString::to_string)));

    let documents: Vec<(&std::path::Path, &Document)> =
        files.iter().flat_map(|file| file.documents.iter().map(move |doc| (file.path.as_path(), doc))).collect();

    // NOTE: correlation and filter documents are not converted; they are listed on stderr,
    // and each query that a filter names carries a warning.
    let mut filters_by_rule: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut not_converted = 0;
    for (path, doc) in &documents {
        let (kind, title) = match doc {
            Document::Rule(_) => continue,
            Document::Correlation(correlation) => ("correlation", correlation.meta.title.as_str()),
            Document::Filter(filter) => {
                for rule in &filter.rules {
                    filters_by_rule.entry(rule.as_str()).or_default().push(filter.meta.title.as_str());
                }
                ("filter", filter.meta.title.as_str())
            }
        };
        not_converted += 1;
        eprintln!("not converted: {}: {} ({kind}): {kind} documents are not converted to KQL", path.display(), one_line(title));
    }

    let rules: Vec<_> = documents
        .iter()
        .filter_map(|(path, doc)| match doc {
            Document::Rule(rule) => Some((*path, rule)),
            _ => None,
        })
        .collect();
    let outcomes: Vec<Outcome> = rules
        .par_iter()
        .map(|(path, rule)| {
            let names = [rule.meta.id.as_deref(), rule.meta.name.as_deref()];
            let unapplied_filters = names.iter().flatten().flat_map(|name| filters_by_rule.get(name).into_iter().flatten().copied()).collect();
            Outcome {
                path,
                id: rule.meta.id.as_deref(),
                title: &rule.meta.title,
                result: backend.convert(rule),
                unapplied_filters,
            }
        })
        .collect();

    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for outcome in &outcomes {
        match args.format.as_str() {
            "json" => print_json(&mut out, outcome)?,
            _ => print_text(&mut out, outcome)?,
        }
    }
    out.flush().context("failed to write the queries")?;

    for error in &read_errors {
        eprintln!("error: {error}");
    }
    print_summary(&args.target, files.len(), &outcomes, read_errors.len());
    if not_converted > 0 {
        eprintln!("  not converted (correlation and filter documents): {not_converted}");
    }

    Ok(if read_errors.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn print_text(out: &mut impl Write, outcome: &Outcome) -> anyhow::Result<()> {
    // A title or id is rule text: a line break in it would end the `//` comment and
    // put the rest of the title on a line of its own, where KQL would run it.
    let title = one_line(outcome.title);
    let id = one_line(outcome.id.unwrap_or("no id"));
    match &outcome.result {
        Ok(conversion) => {
            writeln!(out, "// {title} ({id})")?;
            for filter in &outcome.unapplied_filters {
                writeln!(out, "// warning: the filter {:?} applies to this rule, but the query does not apply it", one_line(filter))?;
            }
            writeln!(out, "{}\n", conversion.query)?;
        }
        Err(refusal) => {
            let refusal = one_line(&refusal.to_string());
            eprintln!("refused: {}: {title} ({id}): {refusal}", outcome.path.display());
        }
    }
    Ok(())
}

/// Replaces line breaks and other control characters (terminal escapes included) with
/// spaces.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') { ' ' } else { c })
        .collect()
}

fn print_json(out: &mut impl Write, outcome: &Outcome) -> anyhow::Result<()> {
    let (query, refusal) = match &outcome.result {
        Ok(conversion) => (Some(conversion), None),
        Err(refusal) => (None, Some(refusal)),
    };
    let line = serde_json::json!({
        "path": outcome.path,
        "id": outcome.id,
        "title": outcome.title,
        "conversion": query,
        "refusal": refusal,
        "unapplied_filters": outcome.unapplied_filters,
    });
    writeln!(out, "{line}")?;
    Ok(())
}

fn print_summary(target: &str, file_count: usize, outcomes: &[Outcome], error_count: usize) {
    let converted = outcomes.iter().filter(|o| o.result.is_ok()).count();
    let mut refused: BTreeMap<&str, usize> = BTreeMap::new();
    for outcome in outcomes {
        if let Err(refusal) = &outcome.result {
            *refused.entry(refusal.reason.code()).or_default() += 1;
        }
    }

    eprintln!(
        "{target}: {file_count} files, {} rules, {converted} converted, {} refused, {error_count} read errors",
        outcomes.len(),
        outcomes.len() - converted,
    );
    for (code, count) in refused {
        eprintln!("  refused {code}: {count}");
    }
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn one_line_removes_line_breaks() {
        assert_eq!(one_line("a\nimProcessCreate\r\n| take 1"), "a imProcessCreate  | take 1");
        assert_eq!(one_line("x\u{2028}y\u{1b}[31m"), "x y [31m");
        assert_eq!(one_line("plain title"), "plain title");
    }
}
