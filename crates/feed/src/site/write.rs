//! Writing the pages, JSON documents and assets of the site.

use std::collections::BTreeSet;
use std::path::Path;

use minijinja::Value;
use rayon::prelude::*;
use serde::Serialize;

use super::coverage::coverage;
use super::model::{DuplicateId, ErrorEntry, RuleEntry, RuleSummary};
use super::output::{self, SiteMarker, GENERATOR, MARKER_FILE};
use super::render::{inline_json, json_file, Renderer, LIST_JS, STYLE_CSS};
use super::{BuildOptions, BuildReport};
use crate::error::FeedError;

#[derive(Serialize)]
struct IndexDocument<'a> {
    generator: &'static str,
    rules: &'a [RuleSummary<'a>],
    errors: &'a [ErrorEntry],
    report: &'a BuildReport,
}

pub fn write_site(
    options: &BuildOptions,
    earlier_pages: &BTreeSet<String>,
    entries: &[RuleEntry],
    errors: &[ErrorEntry],
    report: &BuildReport,
) -> Result<(), FeedError> {
    let out = options.out_dir;
    std::fs::create_dir_all(out).map_err(|source| FeedError::Write { path: out.to_owned(), source })?;
    let rules_dir = out.join("rules");
    output::ensure_folder(&rules_dir)?;
    let renderer = Renderer::new(options.generated_at.map(str::to_owned))?;

    // The marker lists the earlier pages too until the build ends, so a build that stops
    // half-way still lets the next one remove whatever either of them wrote.
    let current: BTreeSet<&str> = entries.iter().map(|e| e.page.as_str()).collect();
    let all_pages = earlier_pages.iter().map(String::as_str).chain(current.iter().copied());
    write_marker(out, all_pages)?;

    write(&out.join("style.css"), STYLE_CSS)?;
    write(&out.join("list.js"), LIST_JS)?;

    entries.par_iter().try_for_each(|entry| write_rule(&renderer, &rules_dir, entry))?;
    output::remove_stale_pages(&rules_dir, earlier_pages, &current)?;

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

    let index = IndexDocument { generator: GENERATOR, rules: &summaries, errors, report };
    write(&out.join("index.json"), &json_file(&index, "index.json")?)?;

    let coverage = coverage(entries, options.attack);
    let page = minijinja::context! { coverage => Value::from_serialize(&coverage) };
    write(&out.join("coverage.html"), &renderer.render("coverage.html", "", page)?)?;

    let warnings: Vec<String> = report.duplicate_ids.iter().map(DuplicateId::message).collect();
    let page = minijinja::context! { errors => Value::from_serialize(errors), warnings => warnings };
    write(&out.join("errors.html"), &renderer.render("errors.html", "", page)?)?;

    write_marker(out, current.iter().copied())
}

fn write_marker<'a>(out: &Path, pages: impl Iterator<Item = &'a str>) -> Result<(), FeedError> {
    let pages: BTreeSet<&str> = pages.collect();
    let marker = SiteMarker { generator: GENERATOR.to_owned(), pages: pages.into_iter().map(str::to_owned).collect() };
    write(&out.join(MARKER_FILE), &json_file(&marker, MARKER_FILE)?)
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

fn write(path: &Path, contents: &str) -> Result<(), FeedError> {
    output::write_file(path, contents.as_bytes())
}
