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

/// Scans one JSON or JSON Lines file. In JSON Lines, an invalid line is reported and the
/// scan goes on at the next line; in other layouts, reading stops at the first invalid value.
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
        scan_lines(first_line, reader, scanner, &source, &mut outcome);
    } else {
        let is_array = trimmed.starts_with('[');
        let chained = std::io::Cursor::new(first_line.into_bytes()).chain(reader);
        scan_stream(chained, is_array, scanner, &source, &mut outcome);
    }
    outcome
}

fn read_line(reader: &mut impl BufRead) -> std::io::Result<String> {
    let mut line = String::new();
    reader.read_line(&mut line)?;
    Ok(line)
}

fn scan_lines(first: String, reader: impl BufRead, scanner: &Scanner, source: &Arc<Path>, outcome: &mut FileOutcome) {
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
            scan_batch(&std::mem::take(&mut batch), scanner, source, outcome);
        }
    }
    scan_batch(&batch, scanner, source, outcome);
}

fn scan_batch(batch: &[(usize, String)], scanner: &Scanner, source: &Arc<Path>, outcome: &mut FileOutcome) {
    let results: Vec<_> = batch
        .par_iter()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(number, line)| match serde_json::from_str::<Value>(line) {
            Ok(value) => Ok(scan_value(&value, scanner, source)),
            Err(e) => Err(HuntError::Json { path: source.to_path_buf(), line: *number, message: e.to_string() }),
        })
        .collect();

    for result in results {
        match result {
            Ok(detections) => {
                outcome.events += 1;
                outcome.detections.extend(detections);
            }
            Err(e) => outcome.errors.push(e),
        }
    }
}

fn scan_value(value: &Value, scanner: &Scanner, source: &Arc<Path>) -> Vec<crate::Detection> {
    let event = event_from_json(value, scanner.rules.event_builder());
    scanner.scan_event(&event, source)
}

/// Reads concatenated JSON values, or one top-level array element by element.
fn scan_stream(reader: impl Read, is_array: bool, scanner: &Scanner, source: &Arc<Path>, outcome: &mut FileOutcome) {
    let json_error = |e: serde_json::Error| HuntError::Json { path: source.to_path_buf(), line: e.line(), message: e.to_string() };

    if is_array {
        let mut deserializer = serde_json::Deserializer::from_reader(reader);
        let seed = ArraySeed { scanner, source, outcome: &mut *outcome };
        if let Err(e) = seed.deserialize(&mut deserializer).and_then(|()| deserializer.end()) {
            outcome.errors.push(json_error(e));
        }
        return;
    }

    for value in serde_json::Deserializer::from_reader(reader).into_iter::<Value>() {
        match value {
            Ok(Value::Array(values)) => {
                for value in values {
                    outcome.events += 1;
                    let detections = scan_value(&value, scanner, source);
                    outcome.detections.extend(detections);
                }
            }
            Ok(value) => {
                outcome.events += 1;
                let detections = scan_value(&value, scanner, source);
                outcome.detections.extend(detections);
            }
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
            self.outcome.events += 1;
            let detections = scan_value(&value, self.scanner, self.source);
            self.outcome.detections.extend(detections);
        }
        Ok(())
    }
}
