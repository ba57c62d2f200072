use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use socfeed_hunt::output;
use socfeed_hunt::{HuntReport, Placeholders, RuleFilter, RuleSet, Scanner, TimeWindow};
use socfeed_sigma::{Level, Status};

#[derive(clap::Args)]
pub struct Args {
    /// Rule files or folders (searched recursively for .yml and .yaml files); repeatable.
    #[arg(short = 'r', long = "rules", required = true, value_name = "RULES_PATH")]
    rules: Vec<PathBuf>,

    /// EVTX files, JSON or JSON Lines files, or folders searched recursively for .evtx,
    /// .json, .jsonl and .ndjson files.
    #[arg(required = true, value_name = "EVENTS_PATH")]
    events: Vec<PathBuf>,

    /// Output format: `table` for people, `jsonl`, `json` or `csv` for tools.
    #[arg(long, value_enum, default_value_t = FormatArg::Table)]
    format: FormatArg,

    /// Write detections to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,

    /// Run only rules of this level or higher (informational, low, medium, high, critical).
    #[arg(long, value_name = "LEVEL", value_parser = parse_level)]
    min_level: Option<Level>,

    /// Run only rules with this status (stable, test, experimental, deprecated,
    /// unsupported); repeatable.
    #[arg(long, value_name = "STATUS", value_parser = parse_status)]
    status: Vec<Status>,

    /// Run only the rule with this id; repeatable.
    #[arg(long = "rule-id", value_name = "ID")]
    rule_ids: Vec<String>,

    /// Run only rules whose file path contains this text; repeatable.
    #[arg(long = "rule-path", value_name = "TEXT")]
    rule_paths: Vec<String>,

    /// Value of an `expand` placeholder, as NAME=VALUE (`known_dcs=DC01`); repeat it for
    /// more values or names. Rules using a placeholder without values do not run.
    #[arg(long = "placeholder", value_name = "NAME=VALUE", value_parser = parse_placeholder)]
    placeholders: Vec<(String, String)>,

    /// Match only events at or after this time (2024-01-02, 2024-01-02 03:04:05 UTC, or RFC 3339).
    #[arg(long, value_name = "TIME", value_parser = TimeWindow::parse_bound)]
    from: Option<chrono::DateTime<chrono::Utc>>,

    /// Match only events at or before this time (same forms as --from, and not before it).
    #[arg(long, value_name = "TIME", value_parser = TimeWindow::parse_bound)]
    to: Option<chrono::DateTime<chrono::Utc>>,

    /// Hide the progress bar, which is shown only when standard error is a terminal.
    #[arg(long)]
    no_progress: bool,

    /// List every rule that does not run, with the reason, instead of a count per reason.
    #[arg(long)]
    list_rejected: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum FormatArg {
    Table,
    Jsonl,
    Json,
    Csv,
}

fn parse_level(text: &str) -> Result<Level, String> {
    Level::from_name(text).ok_or_else(|| format!("invalid level `{text}`: expected informational, low, medium, high or critical"))
}

fn parse_placeholder(text: &str) -> Result<(String, String), String> {
    let (name, value) = text.split_once('=').ok_or_else(|| format!("invalid placeholder `{text}`: expected NAME=VALUE"))?;
    let name = name.trim().trim_matches('%');
    if name.is_empty() {
        return Err(format!("invalid placeholder `{text}`: the name is empty"));
    }
    Ok((name.to_owned(), value.to_owned()))
}

fn parse_status(text: &str) -> Result<Status, String> {
    Status::from_name(text)
        .ok_or_else(|| format!("invalid status `{text}`: expected stable, test, experimental, deprecated or unsupported"))
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if let (Some(from), Some(to)) = (args.from, args.to) {
        if from > to {
            anyhow::bail!("invalid time range: --from {} is after --to {}, so no event can match", from.to_rfc3339(), to.to_rfc3339());
        }
    }

    let filter = RuleFilter {
        min_level: args.min_level,
        statuses: args.status.clone(),
        ids: args.rule_ids.clone(),
        path_contains: args.rule_paths.clone(),
        placeholders: placeholder_values(&args.placeholders),
    };

    let load_start = Instant::now();
    let rules = RuleSet::load(&args.rules, &filter);
    let load_time = load_start.elapsed();
    if rules.loaded.is_empty() {
        print_rejected(&rules, true);
        anyhow::bail!("no rule to run: check the -r paths and the rule filters");
    }
    let loaded = rules.loaded.len();
    let scanner = Scanner::new(rules, TimeWindow { from: args.from, to: args.to });

    let total_bytes: u64 = {
        let (files, _) = socfeed_hunt::input::find_event_files(&args.events);
        files.iter().filter_map(|f| std::fs::metadata(f).ok()).map(|m| m.len()).sum()
    };
    let bar = if !args.no_progress && std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(total_bytes);
        let style = ProgressStyle::with_template("{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} ({eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        bar
    } else {
        ProgressBar::hidden()
    };
    let report = socfeed_hunt::hunt(&scanner, &args.events, &|bytes| bar.inc(bytes));
    bar.finish_and_clear();
    if report.files_read == 0 {
        return Err(no_file_read_error(&report, &args.events));
    }

    let format = match args.format {
        FormatArg::Table => output::Format::Table,
        FormatArg::Jsonl => output::Format::Jsonl,
        FormatArg::Json => output::Format::Json,
        FormatArg::Csv => output::Format::Csv,
    };
    match &args.output {
        Some(path) => {
            let file = std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
            let mut out = std::io::BufWriter::new(file);
            output::write(format, &report.detections, &mut out).with_context(|| format!("cannot write {}", path.display()))?;
            out.flush().with_context(|| format!("cannot write {}", path.display()))?;
        }
        None => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            // A closed pipe (`| head`) ends the output early, which is not an error.
            let written = output::write(format, &report.detections, &mut out).and_then(|()| out.flush());
            if let Err(e) = written {
                if e.kind() != std::io::ErrorKind::BrokenPipe {
                    return Err(e).context("cannot write detections");
                }
            }
        }
    }

    print_summary(&report, &scanner.rules, loaded, load_time, args.list_rejected);
    Ok(ExitCode::SUCCESS)
}

/// Prints why each event file failed and builds the error naming the paths given.
fn no_file_read_error(report: &HuntReport, paths: &[PathBuf]) -> anyhow::Error {
    for error in &report.errors {
        eprintln!("error: {error}");
    }
    let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    let names = names.join(", ");
    if report.files == 0 && report.errors.is_empty() {
        anyhow::anyhow!("no event file found in {names}: folders are searched for .evtx, .json, .jsonl and .ndjson files")
    } else {
        anyhow::anyhow!("no event file could be read from {names}")
    }
}

fn placeholder_values(pairs: &[(String, String)]) -> Placeholders {
    let mut values = Placeholders::new();
    for (name, value) in pairs {
        values.entry(name.clone()).or_default().push(value.clone());
    }
    values
}

fn print_summary(report: &HuntReport, rules: &RuleSet, loaded: usize, load_time: std::time::Duration, list_rejected: bool) {
    for error in &report.errors {
        eprintln!("warning: {error}");
    }

    let seconds = report.elapsed.as_secs_f64();
    let rate = if seconds > 0.0 { report.events as f64 / seconds } else { 0.0 };
    eprintln!();
    eprintln!(
        "{} files ({:.1} MB), {} events in {seconds:.2} s ({rate:.0} events/s)",
        report.files,
        report.bytes as f64 / 1e6,
        report.events
    );
    eprintln!(
        "{loaded} rules loaded in {:.2} s, {} did not run, {} left out by filters",
        load_time.as_secs_f64(),
        rules.rejected.len(),
        rules.filtered_out
    );
    if !report.errors.is_empty() {
        eprintln!("{} read errors in files or records (listed above)", report.errors.len());
    }

    let mut per_level: BTreeMap<Option<Level>, usize> = BTreeMap::new();
    for detection in &report.detections {
        *per_level.entry(detection.rule.level).or_default() += 1;
    }
    let levels: Vec<String> =
        per_level.iter().rev().map(|(level, count)| format!("{} {count}", level.map_or("no level", |l| l.name()))).collect();
    eprintln!("{} detections: {}", report.detections.len(), if levels.is_empty() { "none".to_owned() } else { levels.join(", ") });

    print_rejected(rules, list_rejected);
}

/// Prints the rules that do not run: each one with `all`, otherwise a count per reason.
fn print_rejected(rules: &RuleSet, all: bool) {
    if rules.rejected.is_empty() {
        return;
    }
    if all {
        eprintln!("rules that did not run:");
        for rejection in &rules.rejected {
            eprintln!("  {}: {}", rejection.path.display(), rejection.reason);
        }
        return;
    }

    let mut per_reason: BTreeMap<&str, usize> = BTreeMap::new();
    for rejection in &rules.rejected {
        *per_reason.entry(rejection.reason.as_str()).or_default() += 1;
    }
    eprintln!("rules that did not run, by reason (--list-rejected lists them):");
    for (reason, count) in per_reason {
        eprintln!("  {count:>5}  {reason}");
    }
}
