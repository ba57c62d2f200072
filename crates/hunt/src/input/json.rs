//! Reads JSON event files: one value, an array of values, concatenated values, or JSON
//! Lines. Values are read one at a time, so a large file never has to fit in memory.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;
use serde::de::{DeserializeSeed, SeqAccess, Visitor};
use serde_json::Value;

use super::shape::event_from_json;
use crate::error::HuntError;
use crate::hunt::{FileOutcome, Scanner};

/// Lines of a JSON Lines file matched together on the rayon pool.
const BATCH_LINES: usize = 4096;

/// The UTF-8 byte order mark, which some Windows tools write at the start of a text file
/// and which serde_json rejects as an invalid value.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The maximum length, in characters, of a value quoted in an error message.
const QUOTE_CHARS: usize = 60;

/// Scans one JSON or JSON Lines file. In JSON Lines, an invalid line is reported and the
/// scan goes on at the next line; in other layouts, reading stops at the first invalid value.
/// A leading UTF-8 byte order mark is skipped. Values that are not objects are not events:
/// the first of them is reported with their count.
pub fn scan(path: &Path, scanner: &Arc<Scanner>) -> FileOutcome {
    let mut outcome = FileOutcome::default();
    let source: Arc<Path> = Arc::from(path);
    let io_error = |source| HuntError::Io { path: path.to_owned(), source };

    let file = match File::open(path) {
        Ok(file) => file,
        Err(e) => {
            outcome.errors.push(io_error(e));
            return outcome;
        }
    };
    let mut reader = BufReader::with_capacity(1 << 20, file);
    match reader.fill_buf() {
        Ok(start) if start.starts_with(UTF8_BOM) => reader.consume(UTF8_BOM.len()),
        Ok(_) => {}
        Err(e) => {
            outcome.errors.push(io_error(e));
            return outcome;
        }
    }
    let mut non_events = NonEvents::default();

    // Decide the layout from the first line: a complete object alone on a line means
    // JSON Lines, anything else is read as a stream of values.
    let first_line = match read_line(&mut reader) {
        Ok(line) => line,
        Err(e) => {
            outcome.errors.push(io_error(e));
            return outcome;
        }
    };
    let trimmed = first_line.trim_start();
    if trimmed.starts_with('{') && serde_json::from_str::<Value>(trimmed).is_ok() {
        scan_lines(first_line, reader, scanner, &source, &mut outcome, &mut non_events);
    } else {
        let is_array = trimmed.starts_with('[');
        let chained = std::io::Cursor::new(first_line.into_bytes()).chain(reader);
        scan_stream(chained, is_array, scanner, &source, &mut outcome, &mut non_events);
    }
    if let Some(error) = non_events.into_error(path) {
        outcome.errors.push(error);
    }
    outcome
}

/// The JSON values of a file that are not objects, so cannot be events: the first one,
/// quoted, with its line when known, and how many there were.
#[derive(Default)]
struct NonEvents {
    first: Option<(Option<usize>, String)>,
    count: u64,
}

impl NonEvents {
    fn record(&mut self, line: Option<usize>, value: &Value) {
        self.count += 1;
        if self.first.is_none() {
            self.first = Some((line, quote(value)));
        }
    }

    fn into_error(self, path: &Path) -> Option<HuntError> {
        let (line, value) = self.first?;
        Some(HuntError::NotEvent { path: path.to_owned(), line, value, others: self.count - 1 })
    }
}

/// Renders a value as compact JSON, cut to `QUOTE_CHARS` characters.
fn quote(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(QUOTE_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text,
    }
}

fn read_line(reader: &mut impl BufRead) -> std::io::Result<String> {
    let mut line = String::new();
    reader.read_line(&mut line)?;
    Ok(line)
}

fn scan_lines(
    first: String,
    reader: impl BufRead,
    scanner: &Scanner,
    source: &Arc<Path>,
    outcome: &mut FileOutcome,
    non_events: &mut NonEvents,
) {
    let mut batch: Vec<(usize, String)> = vec![(1, first)];
    for (index, line) in reader.lines().enumerate() {
        match line {
            Ok(line) => batch.push((index + 2, line)),
            Err(e) => {
                outcome.errors.push(HuntError::Io { path: source.to_path_buf(), source: e });
                break;
            }
        }
        if batch.len() >= BATCH_LINES {
            scan_batch(&std::mem::take(&mut batch), scanner, source, outcome, non_events);
        }
    }
    scan_batch(&batch, scanner, source, outcome, non_events);
}

/// The content of one line of a JSON Lines file.
enum LineResult {
    Event(Vec<crate::Detection>),
    NotEvent(usize, Value),
    Invalid(HuntError),
}

fn scan_batch(
    batch: &[(usize, String)],
    scanner: &Scanner,
    source: &Arc<Path>,
    outcome: &mut FileOutcome,
    non_events: &mut NonEvents,
) {
    let results: Vec<LineResult> = batch
        .par_iter()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(number, line)| match serde_json::from_str::<Value>(line) {
            Ok(value) if value.is_object() => LineResult::Event(scan_value(&value, scanner, source)),
            Ok(value) => LineResult::NotEvent(*number, value),
            Err(e) => LineResult::Invalid(HuntError::Json { path: source.to_path_buf(), line: *number, message: e.to_string() }),
        })
        .collect();

    for result in results {
        match result {
            LineResult::Event(detections) => {
                outcome.events += 1;
                outcome.detections.extend(detections);
            }
            LineResult::NotEvent(line, value) => non_events.record(Some(line), &value),
            LineResult::Invalid(e) => outcome.errors.push(e),
        }
    }
}

fn scan_value(value: &Value, scanner: &Scanner, source: &Arc<Path>) -> Vec<crate::Detection> {
    let event = event_from_json(value, scanner.rules.event_builder());
    scanner.scan_event(&event, source)
}

/// Scans a value read from a stream or an array when it is an object, and records it in
/// `non_events` otherwise.
fn scan_object(value: &Value, scanner: &Scanner, source: &Arc<Path>, outcome: &mut FileOutcome, non_events: &mut NonEvents) {
    if !value.is_object() {
        non_events.record(None, value);
        return;
    }
    outcome.events += 1;
    let detections = scan_value(value, scanner, source);
    outcome.detections.extend(detections);
}

/// Reads concatenated JSON values, or one top-level array element by element.
fn scan_stream(
    reader: impl Read,
    is_array: bool,
    scanner: &Scanner,
    source: &Arc<Path>,
    outcome: &mut FileOutcome,
    non_events: &mut NonEvents,
) {
    let json_error = |e: serde_json::Error| HuntError::Json { path: source.to_path_buf(), line: e.line(), message: e.to_string() };

    if is_array {
        let mut deserializer = serde_json::Deserializer::from_reader(reader);
        let seed = ArraySeed { scanner, source, outcome: &mut *outcome, non_events };
        if let Err(e) = seed.deserialize(&mut deserializer).and_then(|()| deserializer.end()) {
            outcome.errors.push(json_error(e));
        }
        return;
    }

    for value in serde_json::Deserializer::from_reader(reader).into_iter::<Value>() {
        match value {
            Ok(Value::Array(values)) => {
                for value in values {
                    scan_object(&value, scanner, source, outcome, non_events);
                }
            }
            Ok(value) => scan_object(&value, scanner, source, outcome, non_events),
            Err(e) => {
                outcome.errors.push(json_error(e));
                break;
            }
        }
    }
}

/// Deserializes a top-level array, scanning each event as soon as it is read.
struct ArraySeed<'a> {
    scanner: &'a Scanner,
    source: &'a Arc<Path>,
    outcome: &'a mut FileOutcome,
    non_events: &'a mut NonEvents,
}

impl<'de> DeserializeSeed<'de> for ArraySeed<'_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ArraySeed<'_> {
    type Value = ();

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("an array of events")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(value) = seq.next_element::<Value>()? {
            scan_object(&value, self.scanner, self.source, self.outcome, self.non_events);
        }
        Ok(())
    }
}
