//! Event inputs: EVTX files and JSON or JSON Lines files, found recursively in folders.

pub mod evtx;
pub mod json;
pub mod shape;

use std::path::{Path, PathBuf};

use crate::error::HuntError;

/// The format of an event file, from its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Evtx,
    /// One JSON value, an array of values, concatenated values or JSON Lines.
    Json,
}

impl Format {
    pub fn of(path: &Path) -> Option<Format> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "evtx" => Some(Format::Evtx),
            "json" | "jsonl" | "ndjson" => Some(Format::Json),
            _ => None,
        }
    }
}

/// Collects the event files under `paths`: a file named in `paths` is taken whatever its
/// extension (read as JSON unless it ends in `.evtx`); folders are walked recursively for
/// `.evtx`, `.json`, `.jsonl` and `.ndjson` files. Symbolic links to folders are not
/// followed inside a walk. A path that is neither a regular file nor a folder is reported
/// when it was named in `paths` or has an event file extension. The result is sorted and
/// free of duplicates.
pub fn find_event_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<HuntError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        walk(path, true, &mut files, &mut errors);
    }
    files.sort();
    files.dedup();
    (files, errors)
}

fn walk(path: &Path, given: bool, files: &mut Vec<PathBuf>, errors: &mut Vec<HuntError>) {
    let io_error = |source| HuntError::Io { path: path.to_owned(), source };

    if !given && std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) && path.is_dir() {
        return;
    }
    let metadata = match std::fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(e) => return errors.push(io_error(e)),
    };
    if metadata.is_file() {
        if given || Format::of(path).is_some() {
            files.push(path.to_owned());
        }
        return;
    }
    if !metadata.is_dir() {
        if given || Format::of(path).is_some() {
            errors.push(HuntError::NotFileOrFolder { path: path.to_owned() });
        }
        return;
    }

    let entries = match std::fs::read_dir(path) {
        Ok(entries) => entries,
        Err(e) => return errors.push(io_error(e)),
    };
    for entry in entries {
        match entry {
            Ok(entry) => walk(&entry.path(), false, files, errors),
            Err(e) => errors.push(io_error(e)),
        }
    }
}
