//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// `<workspace root>/../shared`, or `None` (with a message) when it is absent.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipping: ../shared not found");
        None
    }
}

/// A file under `../shared/data/attack`, or `None` when `../shared` is absent.
pub fn attack_bundle(name: &str) -> Option<PathBuf> {
    Some(shared_dir()?.join("data/attack").join(name))
}
