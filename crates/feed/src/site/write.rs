//! Writing the pages, JSON documents and assets of the site.

use std::collections::HashSet;
use std::path::Path;

use minijinja::Value;
use rayon::prelude::*;
use serde::Serialize;

use super::coverage::coverage;
use super::model::{DuplicateId, ErrorEntry, RuleEntry, RuleSummary};
use super::render::{inline_json, json_file, Renderer, LIST_JS, STYLE_CSS};
use super::{BuildOptions, BuildReport};
use crate::error::FeedError;

#[derive(Serialize)]
struct IndexDocument<'a> {
    rules: &'a [RuleSummary<'a>],
    errors: &'a [ErrorEntry],
    report: &'a BuildReport,
}

pub fn write_site(
    options: &BuildOptions,
    entries: &[RuleEntry],
    errors: &[ErrorEntry],
    report: &BuildReport,
) -> Result<(), FeedError> {
    let out = options.out_dir;
    let rules_dir = out.join("rules");
    std::fs::create_dir_all(&rules_dir).map_err(|source| FeedError::Write { path: rules_dir.clone(), source })?;
    let renderer = Renderer::new(options.generated_at.map(str::to_owned))?;

    write(&out.join("style.css"), STYLE_CSS)?;
    write(&out.join("list.js"), LIST_JS)?;

    entries.par_iter().try_for_each(|entry| write_rule(&renderer, &rules_dir, entry))?;
    remove_stale_pages(&rules_dir, entries)?;

    // The list is newest first: by `modified` (or `date`), then title and page name.
    let mut order: Vec<&RuleEntry> = entries.iter().collect();
    order.sort_by(|a, b| {
        b.sort_date()
            .cmp(&a.sort_date())
            .then_with(|| a.title.cmp(&b.title))
            .then_with(|| a.page.cmp(&b.page))
    });
    let summaries: Vec<RuleSummary> = order
        .iter()
        .map(|entry| {
            let tactics = entry.enrichment.attack.all_tactics(options.attack);
            entry.summary(tactics.into_iter().map(|t| t.shortname).collect())
        })
        .collect();

    let rules_json = inline_json(&summaries, "the rule list")?;
    let targets: Vec<&String> = report.targets.keys().collect();
    let page = Value::from_serialize(serde_json::json!({
        "count": summaries.len(),
        "error_count": errors.len(),
        "warning_count": report.duplicate_ids.len(),
        "targets": targets,
    }));
    let page = minijinja::context! { rules_json => Value::from_safe_string(rules_json), ..page };
    write(&out.join("index.html"), &renderer.render("index.html", "", page)?)?;

    let index = IndexDocument { rules: &summaries, errors, report };
    write(&out.join("index.json"), &json_file(&index, "index.json")?)?;

    let coverage = coverage(entries, options.attack);
    let page = minijinja::context! { coverage => Value::from_serialize(&coverage) };
    write(&out.join("coverage.html"), &renderer.render("coverage.html", "", page)?)?;

    let warnings: Vec<String> = report.duplicate_ids.iter().map(DuplicateId::message).collect();
    let page = minijinja::context! { errors => Value::from_serialize(errors), warnings => warnings };
    write(&out.join("errors.html"), &renderer.render("errors.html", "", page)?)?;
    Ok(())
}

fn write_rule(renderer: &Renderer, rules_dir: &Path, entry: &RuleEntry) -> Result<(), FeedError> {
    let json = json_file(entry, &format!("rule {}", entry.page))?;
    write(&rules_dir.join(format!("{}.json", entry.page)), &json)?;

    let page = minijinja::context! {
        rule => Value::from_serialize(entry),
        yaml => entry.yaml.as_str(),
    };
    let html = renderer.render("rule.html", "../", page)?;
    write(&rules_dir.join(format!("{}.html", entry.page)), &html)
}

/// Removes rule pages an earlier build wrote for rules that are gone. Only `.html` and
/// `.json` files directly inside `rules/` are touched.
fn remove_stale_pages(rules_dir: &Path, entries: &[RuleEntry]) -> Result<(), FeedError> {
    let current: HashSet<&str> = entries.iter().map(|e| e.page.as_str()).collect();
    let listing = std::fs::read_dir(rules_dir)
        .map_err(|source| FeedError::Write { path: rules_dir.to_owned(), source })?;
    for item in listing.flatten() {
        let path = item.path();
        let is_page = matches!(path.extension().and_then(|e| e.to_str()), Some("html" | "json"));
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        if is_page && !current.contains(stem) {
            std::fs::remove_file(&path).map_err(|source| FeedError::Write { path: path.clone(), source })?;
        }
    }
    Ok(())
}

fn write(path: &Path, contents: &str) -> Result<(), FeedError> {
    std::fs::write(path, contents).map_err(|source| FeedError::Write { path: path.to_owned(), source })
}
