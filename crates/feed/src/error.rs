//! Errors of the site build and the server.

use std::path::PathBuf;

/// Why a site build or the server stopped. A bad rule is never one of these: the build
/// lists it in its report and on the errors page and goes on.
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    /// The rule paths hold no rule file (or none could be listed), so there is nothing to
    /// publish. `reasons` lists why paths could not be listed (not found, no permission),
    /// starting with `: `, or is empty.
    #[error("no rule files found in {paths}{reasons}")]
    NoRuleFiles { paths: String, reasons: String },

    /// A folder or file of the site could not be created or written.
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },

    /// The output folder already contains files and is not a site socfeed built, and the
    /// build was not forced.
    #[error(
        "{path} is not empty and is not a site socfeed built (it has no {marker} file; it contains {example}). \
         Choose a new or empty folder, or pass --force to write the site into this one: the build \
         then replaces index.html, index.json, coverage.html, errors.html, style.css, list.js and \
         rules/*.html and rules/*.json files of the same names, and deletes nothing else",
        marker = crate::site::MARKER_FILE
    )]
    OutputNotEmpty { path: PathBuf, example: String },

    /// The output folder, or a folder or file the site needs inside it, is of the wrong
    /// kind: a file where a folder belongs or a folder where a page belongs.
    #[error("cannot write the site at {path}: it exists and is not of the expected kind (file or folder); move it away or choose another output folder")]
    OutputNotFolder { path: PathBuf },

    /// A page template failed to render. This is a bug in the feed's templates, not in a rule.
    #[error("cannot render {template}: {source}")]
    Template { template: String, source: minijinja::Error },

    /// A JSON document of the site could not be serialized.
    #[error("cannot serialize {document} as JSON: {source}")]
    Json { document: String, source: serde_json::Error },

    /// The folder to serve does not exist or cannot be resolved.
    #[error("cannot serve {path}: {source}")]
    ServeRoot { path: PathBuf, source: std::io::Error },

    /// The server could not listen on the address (in use, or not allowed).
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: std::net::SocketAddr, source: std::io::Error },

    /// The server failed while running, or its runtime could not start.
    #[error("server failed: {0}")]
    Server(std::io::Error),
}
