//! A local HTTP server for a built site that returns only files inside the site folder.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, Method, StatusCode, Uri};
use axum::response::Response;
use axum::Router;

use crate::error::FeedError;

/// The default port of `socfeed serve`.
pub const DEFAULT_PORT: u16 = 8080;

/// `127.0.0.1:<port>`: the server is for the local user, so it listens on loopback only.
pub fn local_addr(port: u16) -> SocketAddr {
    SocketAddr::from((Ipv4Addr::LOCALHOST, port))
}

/// Builds the router that serves `dir`: `/` is `index.html`, a folder is its `index.html`, and any path
/// that leaves `dir` (`..`, backslashes, encoded forms of either, symlinks out) is a 404.
pub fn router(dir: &Path) -> Result<Router, FeedError> {
    let root = dir
        .canonicalize()
        .map_err(|source| FeedError::ServeRoot { path: dir.to_owned(), source })?;
    if !root.is_dir() {
        let source = std::io::Error::new(std::io::ErrorKind::NotADirectory, "not a folder");
        return Err(FeedError::ServeRoot { path: dir.to_owned(), source });
    }
    Ok(Router::new().fallback(serve_file).with_state(Arc::new(root)))
}

/// Serves `dir` on `addr` until the process ends. `on_listening` receives the bound
/// address (with the port the system chose when `addr` has port 0) once the socket
/// listens, so a caller announces only an address that is ready.
pub async fn serve(dir: &Path, addr: SocketAddr, on_listening: impl FnOnce(SocketAddr)) -> Result<(), FeedError> {
    let router = router(dir)?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| FeedError::Bind { addr, source })?;
    let bound = listener.local_addr().map_err(FeedError::Server)?;
    on_listening(bound);
    axum::serve(listener, router).await.map_err(FeedError::Server)
}

/// Runs [`serve`] on its own tokio runtime, for callers that are not async.
pub fn serve_blocking(dir: &Path, addr: SocketAddr, on_listening: impl FnOnce(SocketAddr)) -> Result<(), FeedError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(FeedError::Server)?;
    runtime.block_on(serve(dir, addr, on_listening))
}

async fn serve_file(State(root): State<Arc<PathBuf>>, method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return status(StatusCode::METHOD_NOT_ALLOWED);
    }

    let request_path = uri.path().to_owned();
    let read = tokio::task::spawn_blocking(move || {
        let file = resolve(&root, &request_path)?;
        let bytes = std::fs::read(&file).ok()?;
        Some((file, bytes))
    });
    match read.await {
        Ok(Some((file, bytes))) => Response::builder()
            .header(header::CONTENT_TYPE, content_type(&file))
            .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
            .body(Body::from(bytes))
            .unwrap_or_else(|_| status(StatusCode::INTERNAL_SERVER_ERROR)),
        Ok(None) => {
            tracing::debug!("404 for {}: missing, or outside the site folder", uri.path());
            status(StatusCode::NOT_FOUND)
        }
        Err(e) => {
            tracing::error!("reading {} failed: {e}", uri.path());
            status(StatusCode::INTERNAL_SERVER_ERROR)
        }
    }
}

fn status(code: StatusCode) -> Response {
    let mut response = Response::new(Body::from(code.canonical_reason().unwrap_or_default()));
    *response.status_mut() = code;
    response
}

/// Maps a request path to a file inside `root` (already canonical), or `None`.
///
/// The path is percent-decoded first, so `%2e%2e` and `%5c` are checked as `..` and `\`.
/// The canonical form of the file must still lie inside `root`, which rejects symlinks
/// that lead out.
fn resolve(root: &Path, request_path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(request_path)?;
    if decoded.contains('\\') || decoded.contains('\0') {
        return None;
    }

    let mut candidate = root.to_path_buf();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => return None,
            // A `:` could name a drive or stream on Windows; the site never uses one.
            segment if segment.contains(':') => return None,
            // Hidden files, such as the build's `.socfeed-site` marker, are not part of the site.
            segment if segment.starts_with('.') => return None,
            segment => candidate.push(segment),
        }
    }
    if candidate.is_dir() {
        candidate.push("index.html");
    }

    let canonical = candidate.canonicalize().ok()?;
    (canonical.starts_with(root) && canonical.is_file()).then_some(canonical)
}

/// Decodes `%XX` escapes; `None` when an escape is malformed or the result is not UTF-8.
fn percent_decode(path: &str) -> Option<String> {
    let bytes = path.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            decoded.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            decoded.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(decoded).ok()
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("txt" | "yml" | "yaml") => "text/plain; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::percent_decode;

    #[test]
    fn percent_decode_cases() {
        assert_eq!(percent_decode("/a%2e%2E/b").as_deref(), Some("/a../b"));
        assert_eq!(percent_decode("/%5c").as_deref(), Some("/\\"));
        assert_eq!(percent_decode("/%zz"), None);
        assert_eq!(percent_decode("/%2"), None);
        assert_eq!(percent_decode("/%ff"), None);
        assert_eq!(percent_decode("/caf%C3%A9").as_deref(), Some("/café"));
    }
}
