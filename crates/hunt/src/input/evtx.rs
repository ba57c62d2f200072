//! Reads EVTX files with the `evtx` crate, streaming chunk by chunk.

use std::path::Path;
use std::sync::Arc;

use evtx::{EvtxParser, ParserSettings};

use super::shape::event_from_json;
use crate::error::HuntError;
use crate::hunt::{FileOutcome, Scanner};

/// Scans one EVTX file. Chunks are read lazily, so the file never has to fit in memory;
/// with `threads` above one, the chunks are parsed and matched on the rayon pool. A corrupt
/// chunk or record becomes an error in the outcome and the scan goes on.
///
/// `threads` above one must only be used from a thread outside the rayon pool, because the
/// parser's consumer blocks while rayon workers fill its pipeline.
pub fn scan(path: &Path, scanner: &Arc<Scanner>, threads: usize) -> FileOutcome {
    let mut outcome = FileOutcome::default();
    let source: Arc<Path> = Arc::from(path);

    let parser = match EvtxParser::from_path(path) {
        Ok(parser) => parser,
        Err(e) => {
            outcome.errors.push(HuntError::EvtxFile { path: path.to_owned(), message: e.to_string() });
            return outcome;
        }
    };
    let settings = ParserSettings::new().num_threads(threads).separate_json_attributes(false);
    let mut parser = parser.with_configuration(settings);

    let worker_scanner = Arc::clone(scanner);
    let worker_source = Arc::clone(&source);
    let records = parser.serialized_records(move |record| {
        let record = record?.into_json_value()?;
        let event = event_from_json(&record.data, worker_scanner.rules.event_builder());
        Ok(worker_scanner.scan_event(&event, &worker_source))
    });

    for record in records {
        match record {
            Ok(detections) => {
                outcome.events += 1;
                outcome.detections.extend(detections);
            }
            Err(e) => outcome.errors.push(HuntError::EvtxRecord { path: path.to_owned(), message: e.to_string() }),
        }
    }
    outcome
}
