//! Fetching MITRE's published bundle into a local cache.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{AttackError, AttackMatrix};

/// Where MITRE publishes the current Enterprise ATT&CK bundle (STIX 2.1).
pub const ENTERPRISE_ATTACK_URL: &str =
    "https://raw.githubusercontent.com/mitre-attack/attack-stix-data/master/enterprise-attack/enterprise-attack.json";

/// The whole transfer must finish within this time; the bundle is about 50 MB.
const DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(300);

/// Returns `<user cache dir>/socfeed/enterprise-attack.json`
/// (`~/.cache/socfeed/enterprise-attack.json` on Linux).
pub fn default_cache_path() -> Result<PathBuf, AttackError> {
    let cache = dirs::cache_dir().ok_or(AttackError::NoCacheDir)?;
    Ok(cache.join("socfeed").join("enterprise-attack.json"))
}

/// Downloads a bundle from `url` to `dest` and returns the matrix read from it.
///
/// The body goes to `<dest>.part` first and replaces `dest` only once it reads as an
/// ATT&CK bundle, so a failed or truncated download leaves the old cache in place.
pub fn download(url: &str, dest: &Path) -> Result<AttackMatrix, AttackError> {
    let download_error = |message: String| AttackError::Download { url: url.to_owned(), message };
    let write_error = |path: &Path, source| AttackError::Write { path: path.to_owned(), source };

    if let Some(dir) = dest.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| write_error(dir, e))?;
    }
    let mut partial = dest.as_os_str().to_owned();
    partial.push(".part");
    let partial = PathBuf::from(partial);

    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(DOWNLOAD_TIMEOUT))
        .build()
        .into();
    let response = agent.get(url).call().map_err(|e| download_error(e.to_string()))?;

    let mut file = std::fs::File::create(&partial).map_err(|e| write_error(&partial, e))?;
    let mut reader = response.into_body().into_reader();
    let copied = std::io::copy(&mut reader, &mut file).and_then(|_| file.flush());
    drop(file);
    if let Err(e) = copied {
        let _ = std::fs::remove_file(&partial);
        return Err(download_error(e.to_string()));
    }

    let matrix = match AttackMatrix::load(&partial) {
        Ok(matrix) => matrix,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(download_error(format!("the response is not an ATT&CK bundle: {e}")));
        }
    };
    std::fs::rename(&partial, dest).map_err(|e| write_error(dest, e))?;
    Ok(matrix)
}
