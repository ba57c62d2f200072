//! Errors of the site build and the server.

use std::path::PathBuf;

/// Why a site build or the server stopped. A bad rule is never one of these: the build
/// lists it in its report and on the errors page and goes on.
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    /// The rule paths hold no rule file (or none could be listed), so there is nothing to publish.
    #[error("no rule files found in {paths}")]
    NoRuleFiles { paths: String },

    /// A folder or file of the site could not be created or written.
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },

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
