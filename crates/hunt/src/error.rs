//! Errors of the hunt: a log source table that does not parse, an input that cannot be read.

use std::path::{Path, PathBuf};

/// An error that stops one part of a hunt: loading the log source table, or reading one
/// event file or record. The hunt reports input errors and goes on with the other inputs.
#[derive(Debug, thiserror::Error)]
pub enum HuntError {
    /// The log source table (the built-in TOML file or one given by the caller) is not
    /// valid TOML or names a service that it does not define.
    #[error("invalid log source table: {0}")]
    LogSourceTable(String),

    /// An event file or folder could not be opened or read (missing, no permission, an I/O
    /// error part-way through).
    #[error("{path}: cannot read: {source}")]
    Io { path: PathBuf, source: std::io::Error },

    /// A path that exists but is neither a regular file nor a folder (a device, a pipe or
    /// a socket), so it is not read.
    #[error("{path}: not a regular file or folder")]
    NotFileOrFolder { path: PathBuf },

    /// A file read as EVTX (by its extension) whose file header is invalid: not an EVTX
    /// file, or one whose header is damaged. None of its records are read.
    #[error("{path}: not an EVTX file: invalid file header: {message}")]
    EvtxHeader { path: PathBuf, message: String },

    /// An EVTX file that the evtx crate cannot open for another reason, so none of its
    /// records are read.
    #[error("{path}: not a readable EVTX file: {message}")]
    EvtxFile { path: PathBuf, message: String },

    /// An EVTX file shorter than the chunks its header announces, or ending inside a chunk
    /// (a copy cut short). The records before the cut are still read.
    #[error("{path}: truncated EVTX file: {size} bytes, its header announces {chunks} chunks of 64 KiB ({expected} bytes)")]
    EvtxTruncated { path: PathBuf, size: u64, chunks: u64, expected: u64 },

    /// One EVTX chunk or record that is corrupt or truncated; the records around it are
    /// still read.
    #[error("{path}: skipped a corrupt EVTX record or chunk: {message}")]
    EvtxRecord { path: PathBuf, message: String },

    /// JSON values that are valid but are not objects (a number, a string, `null`, a
    /// nested array), so cannot be events. `value` quotes the first one, found at `line` in
    /// a JSON Lines file, and `others` counts the rest in the same file.
    #[error("{}", not_event_message(path, *line, value, *others))]
    NotEvent { path: PathBuf, line: Option<usize>, value: String, others: u64 },

    /// An EVTX record that the evtx crate found damaged and repaired, for example a value
    /// whose size does not match its descriptor. Its fields may be wrong. `warnings` contains
    /// the crate's messages, each once.
    #[error("{path}: record {record} is damaged and was read as repaired by the EVTX parser, so its fields may be wrong: {}", warnings.join("; "))]
    EvtxRecordRepaired { path: PathBuf, record: u64, warnings: Vec<String> },

    /// A JSON or JSON Lines file with a value that is not valid JSON; `line` is where the
    /// parser stopped. Reading goes on at the next line of a JSON Lines file.
    #[error("{path}:{line}: invalid JSON: {message}")]
    Json { path: PathBuf, line: usize, message: String },
}

fn not_event_message(path: &Path, line: Option<usize>, value: &str, others: u64) -> String {
    let place = match line {
        Some(line) => format!("{}:{line}", path.display()),
        None => path.display().to_string(),
    };
    let more = match others {
        0 => String::new(),
        1 => " (and 1 more such value)".to_owned(),
        n => format!(" (and {n} more such values)"),
    };
    format!("{place}: not an event object or array of events: `{value}`{more}")
}
