//! The local server: files inside the site folder only.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;

use socfeed_feed::serve::router;

struct Site {
    /// Holds `site/` (served) and `secret.txt` beside it (must never be served).
    dir: tempfile::TempDir,
}

impl Site {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        std::fs::create_dir_all(site.join("rules")).unwrap();
        std::fs::write(site.join("index.html"), "<h1>list</h1>").unwrap();
        std::fs::write(site.join("style.css"), "body{}").unwrap();
        std::fs::write(site.join("rules/a.json"), "{}").unwrap();
        std::fs::write(site.join("rules/index.html"), "rules index").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "SECRET").unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("secret.txt"), site.join("link.txt")).unwrap();
            std::os::unix::fs::symlink(site.join("style.css"), site.join("inside.css")).unwrap();
        }
        Self { dir }
    }

    async fn get(&self, path: &str) -> (StatusCode, String, String) {
        self.request("GET", path).await
    }

    async fn request(&self, method: &str, path: &str) -> (StatusCode, String, String) {
        let app = router(&self.dir.path().join("site")).unwrap();
        let request = Request::builder().method(method).uri(path).body(Body::empty()).unwrap();
        let response = app.oneshot(request).await.unwrap();
        let status = response.status();
        let content_type = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        (status, content_type, String::from_utf8_lossy(&body).into_owned())
    }
}

#[tokio::test]
async fn root_serves_index() {
    let site = Site::new();
    let (status, content_type, body) = site.get("/").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type, "text/html; charset=utf-8");
    assert_eq!(body, "<h1>list</h1>");
}

#[tokio::test]
async fn content_types_by_extension() {
    let site = Site::new();
    assert_eq!(site.get("/style.css").await.1, "text/css; charset=utf-8");
    assert_eq!(site.get("/rules/a.json").await.1, "application/json");
    assert_eq!(site.get("/index.html?technique=T1059").await.0, StatusCode::OK);
    assert_eq!(site.get("/rules/").await.2, "rules index");
}

#[tokio::test]
async fn missing_file_is_404() {
    let site = Site::new();
    assert_eq!(site.get("/nope.html").await.0, StatusCode::NOT_FOUND);
    assert_eq!(site.get("/rules/nope.json").await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn hidden_files_are_404() {
    let site = Site::new();
    std::fs::write(site.dir.path().join("site/.socfeed-site"), "manifest").unwrap();
    std::fs::create_dir_all(site.dir.path().join("site/.git")).unwrap();
    std::fs::write(site.dir.path().join("site/.git/config"), "config").unwrap();
    assert_eq!(site.get("/.socfeed-site").await.0, StatusCode::NOT_FOUND);
    assert_eq!(site.get("/%2esocfeed-site").await.0, StatusCode::NOT_FOUND);
    assert_eq!(site.get("/.git/config").await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn path_traversal_is_rejected() {
    let site = Site::new();
    let attempts = [
        "/../secret.txt",
        "/../../etc/passwd",
        "/rules/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/rules/%2e%2e%2f%2e%2e%2fsecret.txt",
        "/..%5csecret.txt",
        "/%5c..%5csecret.txt",
        "/rules%5c..%5c..%5csecret.txt",
        "/%252e%252e/secret.txt",
        "//etc/passwd",
        "/%2fetc%2fpasswd",
        "/C:/Windows/win.ini",
        "/index.html%00.css",
    ];
    for path in attempts {
        let (status, _, body) = site.get(path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path} was served");
        assert!(!body.contains("SECRET"), "{path} leaked the secret");
        assert!(!body.contains("root:"), "{path} leaked /etc/passwd");
    }
}

#[cfg(unix)]
#[tokio::test]
async fn symlink_out_of_site_is_rejected() {
    let site = Site::new();
    let (status, _, body) = site.get("/link.txt").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!body.contains("SECRET"));
    assert_eq!(site.get("/inside.css").await.2, "body{}");
}

#[tokio::test]
async fn only_get_and_head() {
    let site = Site::new();
    assert_eq!(site.request("POST", "/").await.0, StatusCode::METHOD_NOT_ALLOWED);
    let (status, _, body) = site.request("HEAD", "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.is_empty(), "HEAD returned a body");
}

#[test]
fn missing_folder_is_an_error() {
    let message = router(std::path::Path::new("/nonexistent/site")).unwrap_err().to_string();
    assert!(message.contains("/nonexistent/site"), "{message}");
}

#[tokio::test]
async fn serves_on_a_local_socket() {
    // One real round trip over 127.0.0.1 with an OS-chosen port.
    let site = Site::new();
    let app = router(&site.dir.path().join("site")).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    stream.write_all(b"GET /../secret.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 404"), "{answer}");
    assert!(!answer.contains("SECRET"));
    server.abort();
}
