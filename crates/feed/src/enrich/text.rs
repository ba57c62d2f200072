//! The sentences the feed writes about a rule, kept together so they read as one voice.

use socfeed_kql::Conversion;
use socfeed_sigma::{Level, Metadata, Status};

use super::{AttackContext, ConversionStatus, TargetDataSource, TargetResult};

/// Maximum length of the description excerpt a hypothesis quotes, in characters.
const MAX_DESCRIPTION_CHARS: usize = 300;

/// Two sentences: what an adversary may do, then where to hunt and for what.
///
/// "An adversary may use Exfiltration to Cloud Storage (T1567.002) for Exfiltration. Hunt in
/// imNetworkSession (windows/network_connection) for "Network Connection …": Detects …"
pub fn hypothesis(meta: &Metadata, attack: &AttackContext, sources: &super::DataSources) -> String {
    let mut text = adversary_sentence(attack);

    let mut where_ = sources
        .sources
        .iter()
        .map(|s| s.source.name.as_str())
        .collect::<Vec<_>>();
    where_.dedup();
    // A correlation has no log source of its own, so its sentence names none.
    let hunt_in = match (where_.is_empty(), sources.logsource.as_str()) {
        (true, "(none)") => String::new(),
        (true, logsource) => format!(" in {logsource} events"),
        (false, logsource) => format!(" in {} ({logsource})", where_.join(", ")),
    };
    text.push_str(&format!(" Hunt{hunt_in} for \"{}\"", meta.title.trim()));

    match meta.description.as_deref().map(first_sentence).filter(|s| !s.is_empty()) {
        Some(description) => text.push_str(&format!(": {description}")),
        None => text.push('.'),
    }
    text
}

fn adversary_sentence(attack: &AttackContext) -> String {
    let tactic_names: Vec<String> = attack
        .tactics
        .iter()
        .map(|t| t.name.clone().unwrap_or_else(|| t.shortname.clone()))
        .collect();
    let goal = match tactic_names.as_slice() {
        [] => String::new(),
        names => format!(" for {}", names.join(" and ")),
    };

    let techniques: Vec<String> = attack
        .techniques
        .iter()
        .map(|t| match &t.name {
            Some(name) => format!("{name} ({})", t.id),
            None => format!("technique {}", t.id),
        })
        .collect();
    match techniques.as_slice() {
        [] if goal.is_empty() => "An adversary may perform the activity this rule describes.".to_owned(),
        [] => format!("An adversary may act{goal}."),
        list => format!("An adversary may use {}{goal}.", list.join(" or ")),
    }
}

/// Extracts the description's first sentence, cut at 300 characters.
///
/// Descriptions are often hard-wrapped YAML blocks (`description: |`), so the lines of the
/// first paragraph are joined before looking for the sentence end. A blank line or a list
/// item (`- `, `* `) ends the paragraph.
pub(super) fn first_sentence(description: &str) -> String {
    let paragraph = first_paragraph(description);
    let sentence = match sentence_end(&paragraph) {
        Some(end) => paragraph.get(..end).unwrap_or(&paragraph),
        None => &paragraph,
    };
    // A paragraph that leads into a list ends with a colon, which the hypothesis replaces.
    let sentence = sentence.trim_end_matches(['.', ':', ';', ',', ' ']);

    let mut excerpt: String = sentence.chars().take(MAX_DESCRIPTION_CHARS).collect();
    if excerpt.len() < sentence.len() {
        excerpt.push('…');
    } else if !excerpt.ends_with(['!', '?']) && !excerpt.is_empty() {
        excerpt.push('.');
    }
    excerpt
}

/// Joins the lines of the first paragraph with single spaces.
fn first_paragraph(description: &str) -> String {
    let mut paragraph = String::new();
    for line in description.trim().lines().map(str::trim) {
        let is_list_item = line.starts_with("- ") || line.starts_with("* ");
        if line.is_empty() || (is_list_item && !paragraph.is_empty()) {
            break;
        }
        if !paragraph.is_empty() {
            paragraph.push(' ');
        }
        paragraph.push_str(line);
    }
    paragraph
}

/// Finds the byte index of the first `. ` that ends a sentence. A full stop after a space or
/// another full stop (`files with . as`, `via a .. in`) is not one, nor are the
/// abbreviations "e.g.", "i.e." and "a.k.a.", which descriptions use mid-sentence.
fn sentence_end(paragraph: &str) -> Option<usize> {
    paragraph.match_indices(". ").map(|(i, _)| i).find(|&i| {
        let before = paragraph.get(..i).unwrap_or_default().to_ascii_lowercase();
        let after_word = !before.is_empty() && !before.ends_with([' ', '.']);
        let abbreviation = ["e.g", "i.e", "a.k.a"].iter().any(|a| before.ends_with(a));
        after_word && !abbreviation
    })
}

pub fn data_source_summary(logsource: &str, sources: &[TargetDataSource], results: &[TargetResult]) -> String {
    if !sources.is_empty() {
        let mut names: Vec<&str> = sources.iter().map(|s| s.source.name.as_str()).collect();
        names.dedup();
        return format!("The queries read {}; collect {logsource} events into them.", names.join(", "));
    }
    if results.iter().any(|r| r.status == ConversionStatus::Converted) {
        return format!("The queries name no data source; collect {logsource} events.");
    }
    format!("No target converts this rule; its events come from the log source {logsource}.")
}

pub fn false_positive_advice(level: Option<Level>, known: &[String]) -> String {
    let by_level = match level {
        Some(Level::Critical) => {
            "Critical: triage every hit at once. Exclude a confirmed false positive with a narrow \
             filter; do not lower the level."
        }
        Some(Level::High) => {
            "High: triage every hit the same day. Exclude confirmed false positives with narrow \
             filters on the process, host or account involved."
        }
        Some(Level::Medium) => {
            "Medium: review hits with their host and user context, and build exclusions for \
             recurring benign hits before alerting on this rule."
        }
        Some(Level::Low) => {
            "Low: too noisy to alert on alone. Use it for hunting, or as context that raises the \
             priority of other alerts on the same host."
        }
        Some(Level::Informational) => {
            "Informational: a record of activity, not an alert. Use it for hunting and baselines."
        }
        None => "No level set: treat hits as low until you have measured how often it fires.",
    };

    let only_unknown = known.iter().all(|fp| {
        let fp = fp.trim().to_ascii_lowercase();
        fp.is_empty() || fp == "unknown" || fp == "unlikely" || fp == "none"
    });
    if only_unknown {
        format!("{by_level} The rule names no false positives: measure its hit rate in your environment first.")
    } else {
        format!("{by_level} Check each hit against the known false positives listed.")
    }
}

pub fn not_converted_reason(results: &[TargetResult]) -> String {
    let refusals: Vec<String> = results
        .iter()
        .filter_map(|r| Some(format!("{}: {}", r.target, r.refusal.as_ref()?.reason.code())))
        .collect();
    if !refusals.is_empty() {
        return format!("not converted ({})", refusals.join(", "));
    }
    if results.iter().any(|r| r.status == ConversionStatus::NotApplicable) {
        return "not converted: correlations and filters are shown without a query".to_owned();
    }
    "not converted: no backend is available for any target".to_owned()
}

pub fn caveats_reason(conversion: &Conversion) -> String {
    let count = conversion.caveats.len();
    let noun = if count == 1 { "caveat" } else { "caveats" };
    format!("converted for {} with {count} {noun}", conversion.target)
}

pub fn clean_conversion_reason(target: &str, status: Option<Status>) -> String {
    match status {
        Some(status @ (Status::Stable | Status::Test)) => {
            format!("converted for {target} without caveats; status {}", status.name())
        }
        Some(status) => format!("converted for {target} without caveats, but status {}", status.name()),
        None => format!("converted for {target} without caveats, but the rule has no status"),
    }
}
