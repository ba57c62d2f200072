//! The output folder: recognising an earlier site, and writing and removing files there
//! without following symlinks.
//!
//! A build writes only into a folder that is new, empty or an earlier socfeed site, unless
//! the caller forces it. An earlier site is recognised by the `.socfeed-site` marker that
//! every build writes, or by an `index.json` whose `generator` is `socfeed`. Files are
//! written to a temporary name and renamed into place, so a symlink planted at a page's
//! path is replaced, never written through. Stale pages are removed only when the earlier
//! build's marker lists them, so a forced build into a foreign folder deletes nothing.

use std::collections::BTreeSet;
use std::fs::{self, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::model::is_safe_name;
use crate::error::FeedError;

/// The name of the marker file at the root of every built site.
pub const MARKER_FILE: &str = ".socfeed-site";
/// The `generator` value of the marker and of `index.json`.
pub const GENERATOR: &str = "socfeed";

/// The content of the marker file: who built the site and which rule pages it wrote.
#[derive(Debug, Serialize, Deserialize)]
pub struct SiteMarker {
    pub generator: String,
    /// Page names (without `.html` or `.json`) under `rules/`.
    pub pages: Vec<String>,
}

/// The part of an earlier site's `index.json` that identifies it.
#[derive(Deserialize)]
struct IndexHeader {
    generator: Option<String>,
    #[serde(default)]
    rules: Vec<IndexRule>,
}

#[derive(Deserialize)]
struct IndexRule {
    page: String,
}

/// Checks that the site may be written to `out_dir`: it is missing, empty or an earlier
/// site, or `force` is set.
///
/// Returns the rule pages an earlier build wrote there, which a new build may remove.
pub fn prepare(out_dir: &Path, force: bool) -> Result<BTreeSet<String>, FeedError> {
    match fs::metadata(out_dir) {
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeSet::new()),
        Err(source) => return Err(FeedError::Write { path: out_dir.to_owned(), source }),
        Ok(metadata) if !metadata.is_dir() => return Err(FeedError::OutputNotFolder { path: out_dir.to_owned() }),
        Ok(_) => {}
    }

    if let Some(pages) = earlier_site_pages(out_dir) {
        return Ok(pages);
    }
    let listing = fs::read_dir(out_dir).map_err(|source| FeedError::Write { path: out_dir.to_owned(), source })?;
    let mut names: Vec<String> = listing.flatten().map(|item| item.file_name().to_string_lossy().into_owned()).collect();
    if names.is_empty() || force {
        return Ok(BTreeSet::new());
    }

    names.sort();
    let count = names.len();
    names.truncate(3);
    let mut example = names.join(", ");
    if count > names.len() {
        example.push_str(&format!(" and {} more", count - names.len()));
    }
    Err(FeedError::OutputNotEmpty { path: out_dir.to_owned(), example })
}

/// Lists the pages of an earlier socfeed site in `out_dir`, or returns `None` when it is not one.
fn earlier_site_pages(out_dir: &Path) -> Option<BTreeSet<String>> {
    if let Some(text) = read_regular_file(&out_dir.join(MARKER_FILE)) {
        let marker: Option<SiteMarker> = serde_json::from_str(&text).ok();
        return match marker {
            Some(marker) if marker.generator == GENERATOR => Some(marker.pages.into_iter().collect()),
            // A marker that cannot be read still names the folder as a site, but no page
            // is removed on its word.
            _ => Some(BTreeSet::new()),
        };
    }

    let index: IndexHeader = serde_json::from_str(&read_regular_file(&out_dir.join("index.json"))?).ok()?;
    (index.generator.as_deref() == Some(GENERATOR)).then(|| index.rules.into_iter().map(|r| r.page).collect())
}

/// Reads a file that is a regular file itself, not a symlink to one.
fn read_regular_file(path: &Path) -> Option<String> {
    let metadata = fs::symlink_metadata(path).ok()?;
    if !metadata.is_file() {
        return None;
    }
    fs::read_to_string(path).ok()
}

/// Creates the folder `path` inside the site, replacing a symlink found there.
pub fn ensure_folder(path: &Path) -> Result<(), FeedError> {
    let write_error = |source| FeedError::Write { path: path.to_owned(), source };
    match fs::symlink_metadata(path) {
        Ok(metadata) if metadata.is_dir() => return Ok(()),
        Ok(metadata) if metadata.file_type().is_symlink() => fs::remove_file(path).map_err(write_error)?,
        Ok(_) => return Err(FeedError::OutputNotFolder { path: path.to_owned() }),
        Err(_) => {}
    }
    fs::create_dir(path).map_err(write_error)
}

/// Writes `contents` to `path` as a new file: a symlink or file already there is replaced,
/// never written through.
pub fn write_file(path: &Path, contents: &[u8]) -> Result<(), FeedError> {
    let write_error = |source| FeedError::Write { path: path.to_owned(), source };
    let temporary = temporary_path(path);

    // `create_new` fails on any existing entry, dangling symlinks included, so a link
    // planted at the temporary name cannot redirect the write.
    remove_entry(&temporary)?;
    let mut file = OpenOptions::new().write(true).create_new(true).open(&temporary).map_err(write_error)?;
    file.write_all(contents).map_err(write_error)?;
    drop(file);

    // `rename` replaces a file or symlink at `path` itself and does not follow it.
    fs::rename(&temporary, path).map_err(|source| {
        let _ = fs::remove_file(&temporary);
        FeedError::Write { path: path.to_owned(), source }
    })
}

/// `.NAME.socfeed-tmp` beside `path`.
fn temporary_path(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!(".{name}.socfeed-tmp"))
}

/// Removes a file or symlink at `path` (not a symlink's target); nothing there is fine.
fn remove_entry(path: &Path) -> Result<(), FeedError> {
    match fs::symlink_metadata(path) {
        Ok(metadata) if metadata.is_dir() => Err(FeedError::OutputNotFolder { path: path.to_owned() }),
        Ok(_) => fs::remove_file(path).map_err(|source| FeedError::Write { path: path.to_owned(), source }),
        Err(_) => Ok(()),
    }
}

/// Removes the `.html` and `.json` pages that the earlier build wrote and this one did not.
/// Names that are not safe file names are skipped, so an edited marker cannot reach outside `rules/`.
pub fn remove_stale_pages(rules_dir: &Path, earlier: &BTreeSet<String>, current: &BTreeSet<&str>) -> Result<(), FeedError> {
    let stale = earlier.iter().filter(|page| is_safe_name(page) && !current.contains(page.as_str()));
    for page in stale {
        for extension in ["html", "json"] {
            let path = rules_dir.join(format!("{page}.{extension}"));
            match fs::symlink_metadata(&path) {
                Ok(metadata) if !metadata.is_dir() => {
                    fs::remove_file(&path).map_err(|source| FeedError::Write { path: path.clone(), source })?;
                }
                _ => {}
            }
        }
    }
    Ok(())
}
