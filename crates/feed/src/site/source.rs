//! Where a rule comes from and the licence it is shared under.
//!
//! A rule counts as SigmaHQ's only when its file lies in a folder whose name starts with
//! `rules` (`rules/`, `rules-emerging-threats/`, …) and the folder above that one is a
//! SigmaHQ checkout, which [`is_sigmahq_checkout`] decides from the files there. Only then
//! does the page link the rule on GitHub and name the Detection Rule License: a private
//! `rules-mine/` folder gets its local path and the rule's own `license` field.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use serde::Serialize;

use super::model::display_path;

/// Where SigmaHQ rules are published; a rule of a SigmaHQ checkout is linked under it.
const SIGMAHQ_BLOB_URL: &str = "https://github.com/SigmaHQ/sigma/blob/master/";
const DRL_NAME: &str = "Detection Rule License (DRL) 1.1";
const DRL_URL: &str = "https://github.com/SigmaHQ/Detection-Rule-License";

/// The most of a `LICENSE` or `.git/config` file read to recognise a checkout, in bytes.
const MAX_MARKER_BYTES: u64 = 64 * 1024;

/// Where the rule comes from.
#[derive(Debug, Clone, Serialize)]
pub struct RuleSource {
    /// The path relative to the SigmaHQ repository root, or the local path as given.
    pub path: String,
    /// The rule on GitHub, for rules of a SigmaHQ checkout.
    pub url: Option<String>,
}

/// The licence the rule is shared under and the attribution it asks for.
#[derive(Debug, Clone, Serialize)]
pub struct License {
    pub name: Option<String>,
    pub url: Option<String>,
    /// The credit line shown with the rule: title, author, licence and source.
    pub attribution: String,
}

/// Finds rule sources, checking each candidate checkout folder once per build.
#[derive(Default)]
pub struct SourceResolver {
    /// Folder above a `rules*` folder -> whether it is a SigmaHQ checkout.
    checkouts: Mutex<HashMap<PathBuf, bool>>,
}

impl SourceResolver {
    /// Finds the rule's place in the SigmaHQ repository, or keeps its local path.
    pub fn rule_source(&self, path: &Path) -> RuleSource {
        let components: Vec<Component> = path.components().collect();
        let folder_count = components.len().saturating_sub(1);
        let rules_folder = components[..folder_count]
            .iter()
            .rposition(|c| matches!(c, Component::Normal(name) if name.to_string_lossy().starts_with("rules")));

        // NOTE: a private `rules*` folder inside a SigmaHQ checkout is still linked to SigmaHQ.
        let local = || RuleSource { path: display_path(path), url: None };
        let Some(start) = rules_folder else { return local() };

        let checkout: PathBuf = components[..start].iter().collect();
        let checkout = if checkout.as_os_str().is_empty() { PathBuf::from(".") } else { checkout };
        if !self.is_checkout(&checkout) {
            return local();
        }

        let relative: Vec<String> =
            components[start..].iter().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
        let relative = relative.join("/");
        RuleSource { url: Some(format!("{SIGMAHQ_BLOB_URL}{relative}")), path: relative }
    }

    fn is_checkout(&self, folder: &Path) -> bool {
        // A poisoned lock only means another task panicked mid-insert; the map is still usable.
        let mut checkouts = self.checkouts.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        *checkouts.entry(folder.to_owned()).or_insert_with(|| is_sigmahq_checkout(folder))
    }
}

/// Tells whether `folder` is the root of a SigmaHQ/sigma checkout: its `LICENSE` names both
/// SigmaHQ and the Detection Rule License (as SigmaHQ's own `LICENSE` does), or its
/// `.git/config` has a remote URL ending in `SigmaHQ/sigma` or `SigmaHQ/sigma.git`.
///
/// A folder of DRL-licensed rules from another project has no SigmaHQ in its `LICENSE`,
/// so its rules are not linked to a SigmaHQ page that does not exist.
/// NOTE: a checkout whose `.git` is a file (a worktree or submodule) and that has no LICENSE is not recognised.
pub fn is_sigmahq_checkout(folder: &Path) -> bool {
    let license_names_drl = read_marker(&folder.join("LICENSE")).is_some_and(|text| {
        let text = text.to_ascii_lowercase();
        text.contains("detection rule license") && text.contains("sigmahq")
    });
    license_names_drl || read_marker(&folder.join(".git/config")).is_some_and(|text| git_remote_is_sigmahq(&text))
}

/// Reads the start of a small text file; `None` when it is missing, not a file or unreadable.
fn read_marker(path: &Path) -> Option<String> {
    let file = std::fs::File::open(path).ok()?;
    if !file.metadata().ok()?.is_file() {
        return None;
    }
    let mut bytes = Vec::new();
    file.take(MAX_MARKER_BYTES).read_to_end(&mut bytes).ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// Looks for `url = …SigmaHQ/sigma[.git]` in a git config, ignoring case as GitHub does.
fn git_remote_is_sigmahq(config: &str) -> bool {
    config.lines().any(|line| {
        let Some((key, value)) = line.split_once('=') else { return false };
        let value = value.trim().to_ascii_lowercase();
        let value = value.strip_suffix('/').unwrap_or(&value);
        let value = value.strip_suffix(".git").unwrap_or(value);
        key.trim() == "url" && (value.ends_with("/sigmahq/sigma") || value.ends_with(":sigmahq/sigma"))
    })
}

/// The rule's licence: its own `license` field, else the DRL for SigmaHQ rules, else none.
pub fn license(declared: Option<&str>, source: &RuleSource, title: &str, author: Option<&str>) -> License {
    let (name, url) = match declared {
        Some(name) => (Some(name.to_owned()), None),
        None if source.url.is_some() => (Some(DRL_NAME.to_owned()), Some(DRL_URL.to_owned())),
        None => (None, None),
    };

    let by = author.map_or_else(|| "an unnamed author".to_owned(), |a| a.to_owned());
    let from = source.url.as_deref().unwrap_or(&source.path);
    let attribution = match name.as_deref() {
        Some(name) => format!("\"{title}\" by {by}, shared under the {name}. Source: {from}"),
        None => format!("\"{title}\" by {by}, no licence stated. Source: {from}"),
    };
    License { name, url, attribution }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fake_checkout(license: Option<&str>, git_config: Option<&str>) -> tempfile::TempDir {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(root.path().join("rules/windows")).unwrap();
        if let Some(text) = license {
            std::fs::write(root.path().join("LICENSE"), text).unwrap();
        }
        if let Some(text) = git_config {
            std::fs::create_dir_all(root.path().join(".git")).unwrap();
            std::fs::write(root.path().join(".git/config"), text).unwrap();
        }
        root
    }

    const SIGMAHQ_LICENSE: &str = "The rules contained in the SigmaHQ repository are released under the \
        [Detection Rule License (DRL) 1.1](https://github.com/SigmaHQ/Detection-Rule-License)";

    #[test]
    fn checkout_by_license() {
        let root = fake_checkout(Some(SIGMAHQ_LICENSE), None);
        let source = SourceResolver::default().rule_source(&root.path().join("rules/windows/a.yml"));
        assert_eq!(source.path, "rules/windows/a.yml");
        assert_eq!(source.url.as_deref(), Some("https://github.com/SigmaHQ/sigma/blob/master/rules/windows/a.yml"));
    }

    #[test]
    fn checkout_by_git_remote() {
        let config = "[remote \"origin\"]\n\turl = https://github.com/SigmaHQ/sigma.git\n";
        let root = fake_checkout(None, Some(config));
        let source = SourceResolver::default().rule_source(&root.path().join("rules/windows/a.yml"));
        assert!(source.url.is_some());

        let ssh = "[remote \"upstream\"]\n  url = git@github.com:sigmahq/sigma\n";
        let root = fake_checkout(None, Some(ssh));
        assert!(is_sigmahq_checkout(root.path()));
    }

    #[test]
    fn other_repositories_are_local() {
        let other_remote = "[remote \"origin\"]\n\turl = https://github.com/SigmaHQ/sigma-specification.git\n";
        let drl_only = "These rules are released under the Detection Rule License (DRL) 1.1.";
        for root in [fake_checkout(None, None), fake_checkout(Some(drl_only), Some(other_remote))] {
            let path = root.path().join("rules/windows/a.yml");
            let source = SourceResolver::default().rule_source(&path);
            assert_eq!(source.url, None);
            assert_eq!(source.path, display_path(&path));
        }
    }

    #[test]
    fn private_folder_without_checkout() {
        let work = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(work.path().join("rules-mine")).unwrap();
        let path = work.path().join("rules-mine/my_private_rule.yml");
        let source = SourceResolver::default().rule_source(&path);
        assert_eq!(source.url, None);

        let license = license(None, &source, "Whoami", Some("Me"));
        assert_eq!(license.name, None);
        assert!(license.attribution.contains("no licence stated"), "{}", license.attribution);
        assert!(!license.attribution.contains("Detection Rule License"), "{}", license.attribution);
    }

    #[test]
    fn declared_license_wins() {
        let root = fake_checkout(Some(SIGMAHQ_LICENSE), None);
        let source = SourceResolver::default().rule_source(&root.path().join("rules/windows/a.yml"));
        let license = license(Some("MIT"), &source, "A", None);
        assert_eq!(license.name.as_deref(), Some("MIT"));
        assert_eq!(license.url, None);
        assert!(license.attribution.contains("shared under the MIT"), "{}", license.attribution);
    }
}
