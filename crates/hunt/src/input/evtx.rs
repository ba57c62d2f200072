//! Reads EVTX files with the `evtx` crate, streaming chunk by chunk.

use std::path::Path;
use std::sync::Arc;

use evtx::{EvtxParser, ParserSettings};

/// The size of an EVTX chunk, fixed by the format.
const CHUNK_BYTES: u64 = 64 * 1024;

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
    if let Some(error) = truncation(path, &parser) {
        outcome.errors.push(error);
    }

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

/// Reports a file cut short: shorter than the chunks its header announces, or ending
/// inside a chunk. The parser stops silently at the end of the data, so such a copy would
/// otherwise go unnoticed.
fn truncation(path: &Path, parser: &EvtxParser<std::fs::File>) -> Option<HuntError> {
    let header = parser.header();
    let size = std::fs::metadata(path).ok()?.len();
    let header_bytes = u64::from(header.header_block_size);
    let chunks = u64::from(header.chunk_count).max(header.last_chunk_number.saturating_add(1));
    let expected = header_bytes.saturating_add(chunks.saturating_mul(CHUNK_BYTES));
    let partial_chunk = size > header_bytes && (size - header_bytes) % CHUNK_BYTES != 0;
    (size < expected || partial_chunk).then(|| HuntError::EvtxTruncated { path: path.to_owned(), size, chunks, expected })
}
