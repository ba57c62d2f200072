//! Reads EVTX files with the `evtx` crate, streaming chunk by chunk.

use std::cell::RefCell;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::Arc;

use evtx::err::EvtxError;
use evtx::{EvtxChunkData, EvtxParser, EvtxRecord, ParserSettings};

/// The size of an EVTX chunk, fixed by the format.
const CHUNK_BYTES: u64 = 64 * 1024;

/// The offset of the first chunk. The evtx crate reads chunk `n` at this offset plus `n`
/// chunks, whatever header size the file header states.
const FILE_HEADER_BYTES: u64 = 4096;

use super::shape::event_from_json;
use crate::error::HuntError;
use crate::hunt::{FileOutcome, Scanner};

/// The maximum number of evtx crate warnings kept for one record.
const MAX_RECORD_WARNINGS: usize = 8;

thread_local! {
    /// Warnings that the evtx crate logged on this thread since the last record was scanned.
    static PARSER_WARNINGS: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Stores a warning that the evtx crate logged on the current thread. The crate logs (with
/// the `log` crate) when it repairs a damaged record instead of failing it, and it hands
/// each record to the scan on the thread that read it. A program that forwards the crate's
/// warnings here gets each repaired record reported as [`HuntError::EvtxRecordRepaired`].
pub fn record_parser_warning(message: String) {
    PARSER_WARNINGS.with(|warnings| {
        let mut warnings = warnings.borrow_mut();
        if warnings.len() < MAX_RECORD_WARNINGS && !warnings.contains(&message) {
            warnings.push(message);
        }
    });
}

fn take_parser_warnings() -> Vec<String> {
    PARSER_WARNINGS.with(|warnings| std::mem::take(&mut *warnings.borrow_mut()))
}

/// The result of scanning one record.
struct RecordOutcome {
    detections: Vec<crate::Detection>,
    /// The record number and the evtx crate's warnings, when it repaired the record.
    repaired: Option<(u64, Vec<String>)>,
}

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
        Err(e @ EvtxError::DeserializationError(_)) => {
            outcome.errors.push(HuntError::EvtxHeader { path: path.to_owned(), message: error_chain(&e) });
            return outcome;
        }
        Err(e) => {
            outcome.errors.push(HuntError::EvtxFile { path: path.to_owned(), message: error_chain(&e) });
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
    // NOTE: a warning logged while the crate reads a chunk that then fails as a whole stays
    // on its thread and is reported with the next record scanned there.
    take_parser_warnings();
    let records = parser.serialized_records(move |record| scan_record(record, &worker_scanner, &worker_source));
    for record in records {
        add_record(record, path, &mut outcome);
    }

    // The parser reads whole chunks only, so it leaves out the chunk that a cut file ends in.
    scan_partial_chunk(path, scanner, &source, &mut outcome);
    outcome
}

/// Renders one record read by the evtx crate and matches it against the rules.
fn scan_record(record: evtx::err::Result<EvtxRecord<'_>>, scanner: &Scanner, source: &Arc<Path>) -> evtx::err::Result<RecordOutcome> {
    // Warnings logged while this record was read come before this call, and those logged
    // while it is rendered come during `into_json_value`.
    let mut warnings = take_parser_warnings();
    let record = record?;
    let number = record.event_record_id;
    let record = record.into_json_value();
    warnings.extend(take_parser_warnings());
    let record = record?;

    let event = event_from_json(&record.data, scanner.rules.event_builder());
    let detections = scanner.scan_event(&event, source);
    let repaired = (!warnings.is_empty()).then_some((number, warnings));
    Ok(RecordOutcome { detections, repaired })
}

fn add_record(record: evtx::err::Result<RecordOutcome>, path: &Path, outcome: &mut FileOutcome) {
    match record {
        Ok(record) => {
            outcome.events += 1;
            outcome.detections.extend(record.detections);
            if let Some((record, warnings)) = record.repaired {
                outcome.errors.push(HuntError::EvtxRecordRepaired { path: path.to_owned(), record, warnings });
            }
        }
        Err(e) => outcome.errors.push(HuntError::EvtxRecord { path: path.to_owned(), message: error_chain(&e) }),
    }
}

/// Scans the records of a chunk that the file ends inside, up to the cut. The chunk is
/// padded with zeros to its full size, where the evtx crate's record walk ends. The record
/// split by the cut is lost, either silently or as a corrupt record, and the truncation
/// error covers it. A record whose template or strings lie past the cut fails as corrupt.
fn scan_partial_chunk(path: &Path, scanner: &Scanner, source: &Arc<Path>, outcome: &mut FileOutcome) {
    let Ok(size) = std::fs::metadata(path).map(|m| m.len()) else { return };
    if size <= FILE_HEADER_BYTES || (size - FILE_HEADER_BYTES) % CHUNK_BYTES == 0 {
        return;
    }
    let number = (size - FILE_HEADER_BYTES) / CHUNK_BYTES;
    let offset = FILE_HEADER_BYTES + number * CHUNK_BYTES;
    let record_error = |message: String| HuntError::EvtxRecord { path: path.to_owned(), message };

    let mut data = Vec::with_capacity(CHUNK_BYTES as usize);
    let read = std::fs::File::open(path).and_then(|mut file| {
        file.seek(SeekFrom::Start(offset))?;
        file.take(CHUNK_BYTES).read_to_end(&mut data)
    });
    if let Err(e) = read {
        outcome.errors.push(HuntError::Io { path: path.to_owned(), source: e });
        return;
    }
    // Zeros alone are free space, which the parser skips in whole chunks too.
    if data.iter().all(|&byte| byte == 0) {
        return;
    }
    data.resize(CHUNK_BYTES as usize, 0);

    let mut chunk = match EvtxChunkData::new(data, false) {
        Ok(chunk) => chunk,
        Err(e) => {
            outcome.errors.push(record_error(format!("cannot read the cut chunk {number}: {e}")));
            return;
        }
    };
    chunk.number = Some(number);
    let settings = Arc::new(ParserSettings::new().separate_json_attributes(false));
    let mut chunk = match chunk.parse(settings) {
        Ok(chunk) => chunk,
        Err(e) => {
            outcome.errors.push(record_error(format!("cannot read the cut chunk {number}: {e}")));
            return;
        }
    };

    take_parser_warnings();
    for record in chunk.iter() {
        add_record(scan_record(record, scanner, source), path, outcome);
    }
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

/// Joins an evtx error with its causes, without the generic messages that the crate puts
/// on top of some of them ("An error occurred while trying to deserialize evtx stream.").
fn error_chain(error: &EvtxError) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current: Option<&dyn std::error::Error> = Some(error);
    while let Some(error) = current {
        let text = error.to_string();
        let text = text.trim_end_matches('.');
        if !text.starts_with("An error occurred while trying to") {
            parts.push(text.to_owned());
        }
        current = error.source();
    }
    if parts.is_empty() {
        parts.push(error.to_string());
    }
    parts.join(": ")
}
