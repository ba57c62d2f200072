//! The hunt: every event file scanned in parallel, every event matched against the rules.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use rayon::prelude::*;

use crate::error::HuntError;
use crate::event::Event;
use crate::input::{self, evtx, json};
use crate::matcher::value::parse_timestamp;
use crate::ruleset::RuleSet;
use crate::Detection;

/// Files at least this large are scanned one at a time with their chunks parsed in
/// parallel; smaller files are scanned in parallel, one thread each.
const LARGE_FILE_BYTES: u64 = 32 << 20;

/// The first bytes of every EVTX file.
const EVTX_MAGIC: &[u8; 8] = b"ElfFile\0";

/// The time range of events to match; an event without a readable timestamp is matched
/// only when no bound is set.
#[derive(Debug, Clone, Copy, Default)]
pub struct TimeWindow {
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

impl TimeWindow {
    /// Parses a bound given on the command line: RFC 3339 (`2024-01-02T03:04:05Z`), a
    /// date and time in UTC (`2024-01-02 03:04:05`) or a date (`2024-01-02`, midnight UTC).
    pub fn parse_bound(text: &str) -> Result<DateTime<Utc>, String> {
        if let Some(time) = parse_timestamp(text) {
            return Ok(time.and_utc());
        }
        chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
            .ok()
            .and_then(|date| date.and_hms_opt(0, 0, 0))
            .map(|time| time.and_utc())
            .ok_or_else(|| format!("invalid time `{text}`: expected 2024-01-02, 2024-01-02 03:04:05 or RFC 3339"))
    }

    fn contains(&self, event: &Event) -> bool {
        if self.from.is_none() && self.to.is_none() {
            return true;
        }
        let Some(time) = event.timestamp.as_deref().and_then(parse_timestamp).map(|t| t.and_utc()) else {
            return false;
        };
        self.from.is_none_or(|from| time >= from) && self.to.is_none_or(|to| time <= to)
    }
}

/// The rules and the event filter, shared by every worker.
#[derive(Debug)]
pub struct Scanner {
    pub rules: RuleSet,
    pub window: TimeWindow,
}

impl Scanner {
    pub fn new(rules: RuleSet, window: TimeWindow) -> Arc<Self> {
        Arc::new(Scanner { rules, window })
    }

    /// Matches one event, returning a detection per rule that fires.
    pub fn scan_event(&self, event: &Event, source: &Arc<Path>) -> Vec<Detection> {
        if !self.window.contains(event) {
            return Vec::new();
        }
        self.rules.detect(event, source)
    }
}

/// What scanning one file produced.
#[derive(Debug, Default)]
pub struct FileOutcome {
    pub events: u64,
    pub detections: Vec<Detection>,
    pub errors: Vec<HuntError>,
}

/// The result of a hunt.
#[derive(Debug, Default)]
pub struct HuntReport {
    /// Event files found, whether or not they could be read.
    pub files: usize,
    /// Event files that yielded at least one event or were read to the end without an
    /// error (an empty file counts). The others are named in `errors`.
    pub files_read: usize,
    pub bytes: u64,
    pub events: u64,
    /// Sorted by timestamp, then source file and record id.
    pub detections: Vec<Detection>,
    /// Files and records that could not be read; the hunt went on without them.
    pub errors: Vec<HuntError>,
    pub elapsed: Duration,
}

/// Scans every event file under `paths`. `progress` is called with the size of each file
/// once it is done, from any thread.
pub fn hunt(scanner: &Arc<Scanner>, paths: &[PathBuf], progress: &(dyn Fn(u64) + Sync)) -> HuntReport {
    let start = Instant::now();
    let (files, mut errors) = input::find_event_files(paths);
    let sized: Vec<(PathBuf, u64)> =
        files.into_iter().map(|path| {
            let size = std::fs::metadata(&path).map_or(0, |m| m.len());
            (path, size)
        }).collect();

    let mut report = HuntReport { files: sized.len(), bytes: sized.iter().map(|(_, size)| size).sum(), ..HuntReport::default() };

    // Large files first, each using every thread for its chunks; this thread is outside
    // the rayon pool, which the EVTX parser's pipeline requires.
    let threads = rayon::current_num_threads();
    for (path, size) in sized.iter().filter(|(_, size)| *size >= LARGE_FILE_BYTES) {
        let outcome = scan_file(path, scanner, threads);
        progress(*size);
        merge(&mut report, outcome);
    }

    let outcomes: Vec<FileOutcome> = sized
        .par_iter()
        .filter(|(_, size)| *size < LARGE_FILE_BYTES)
        .map(|(path, size)| {
            let outcome = scan_file(path, scanner, 1);
            progress(*size);
            outcome
        })
        .collect();
    for outcome in outcomes {
        merge(&mut report, outcome);
    }

    report.errors.splice(0..0, errors.drain(..));
    report.detections.sort_by(|a, b| {
        (&a.timestamp, &a.source, a.record_id).cmp(&(&b.timestamp, &b.source, b.record_id))
    });
    report.elapsed = start.elapsed();
    report
}

fn merge(report: &mut HuntReport, outcome: FileOutcome) {
    if outcome.events > 0 || outcome.errors.is_empty() {
        report.files_read += 1;
    }
    report.events += outcome.events;
    report.detections.extend(outcome.detections);
    report.errors.extend(outcome.errors);
}

/// Scans one file, read as EVTX when it starts with the EVTX signature and as JSON otherwise.
pub fn scan_file(path: &Path, scanner: &Arc<Scanner>, threads: usize) -> FileOutcome {
    let mut magic = [0u8; 8];
    let is_evtx = std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut magic)).is_ok() && &magic == EVTX_MAGIC;
    if is_evtx || input::Format::of(path) == Some(input::Format::Evtx) {
        evtx::scan(path, scanner, threads)
    } else {
        json::scan(path, scanner)
    }
}
