//! MITRE ATT&CK Enterprise: tactics and techniques read from a STIX bundle.
//!
//! MITRE publishes the matrix as a STIX 2.0 or 2.1 bundle (`enterprise-attack.json`).
//! [`AttackMatrix::load`] reads one; [`download`] fetches the published file into a cache.

mod download;
mod stix;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::Serialize;

pub use download::{default_cache_path, download, ENTERPRISE_ATTACK_URL};

/// Errors from reading or downloading an ATT&CK bundle.
#[derive(Debug, thiserror::Error)]
pub enum AttackError {
    /// The bundle file could not be read.
    #[error("cannot read ATT&CK bundle {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },

    /// The bundle is not valid JSON or lacks the STIX `objects` array.
    #[error("invalid ATT&CK bundle {path}: {source}")]
    Json { path: PathBuf, source: serde_json::Error },

    /// The bundle parsed but holds no ATT&CK tactic, so it is not an ATT&CK matrix.
    #[error("{path} holds no ATT&CK tactics (x-mitre-tactic objects): is it an ATT&CK STIX bundle?")]
    NoTactics { path: PathBuf },

    /// The HTTP request for the bundle failed (no network, DNS, TLS, HTTP status, timeout).
    #[error("cannot download {url}: {message}. Check the network or pass a local bundle with --attack")]
    Download { url: String, message: String },

    /// The downloaded bundle could not be written to the cache.
    #[error("cannot write ATT&CK cache {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },

    /// The platform has no per-user cache directory (no `$HOME` or `$XDG_CACHE_HOME`).
    #[error("no user cache directory found: set XDG_CACHE_HOME or HOME, or pass a path")]
    NoCacheDir,
}

/// A tactic: a column of the matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tactic {
    /// ATT&CK id, e.g. `TA0010`.
    pub id: String,
    /// The kill-chain phase name that techniques and Sigma tags use, e.g. `exfiltration`.
    pub shortname: String,
    pub name: String,
    pub url: String,
}

/// A technique or sub-technique.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Technique {
    /// ATT&CK id, e.g. `T1567.002`.
    pub id: String,
    pub name: String,
    pub url: String,
    /// Tactic shortnames in the order the bundle lists them.
    pub tactics: Vec<String>,
    /// Parent technique id for a sub-technique.
    pub parent: Option<String>,
    pub revoked: bool,
    pub deprecated: bool,
    /// The technique that replaces this one, when revoked.
    pub revoked_by: Option<String>,
}

impl Technique {
    /// Whether the technique is current (neither revoked nor deprecated).
    pub fn is_active(&self) -> bool {
        !self.revoked && !self.deprecated
    }
}

/// The Enterprise matrix: tactics in matrix order and techniques by id.
#[derive(Debug, Clone, Default)]
pub struct AttackMatrix {
    tactics: Vec<Tactic>,
    tactic_index: HashMap<String, usize>,
    techniques: BTreeMap<String, Technique>,
}

impl AttackMatrix {
    /// Reads a STIX bundle file such as MITRE's `enterprise-attack.json`.
    pub fn load(path: &Path) -> Result<Self, AttackError> {
        let bytes = std::fs::read(path)
            .map_err(|source| AttackError::Read { path: path.to_owned(), source })?;
        Self::from_slice(&bytes, path)
    }

    /// Reads a STIX bundle from memory; `path` names the source in errors.
    pub fn from_slice(bytes: &[u8], path: &Path) -> Result<Self, AttackError> {
        let bundle: stix::Bundle = serde_json::from_slice(bytes)
            .map_err(|source| AttackError::Json { path: path.to_owned(), source })?;
        let matrix = build(&bundle.objects);
        if matrix.tactics.is_empty() {
            return Err(AttackError::NoTactics { path: path.to_owned() });
        }
        Ok(matrix)
    }

    /// Tactics in matrix order.
    pub fn tactics(&self) -> &[Tactic] {
        &self.tactics
    }

    /// The tactic with a shortname such as `exfiltration` (case-insensitive, `_` read as `-`).
    pub fn tactic(&self, shortname: &str) -> Option<&Tactic> {
        let key = normalize_shortname(shortname);
        self.tactic_index.get(&key).map(|&i| &self.tactics[i])
    }

    /// Position of a tactic in the matrix, for ordering.
    pub fn tactic_position(&self, shortname: &str) -> Option<usize> {
        self.tactic_index.get(&normalize_shortname(shortname)).copied()
    }

    /// The technique with an id such as `T1567.002` (case-insensitive), revoked ones included.
    pub fn technique(&self, id: &str) -> Option<&Technique> {
        self.techniques.get(&id.to_ascii_uppercase())
    }

    /// All techniques, revoked and deprecated ones included, sorted by id.
    pub fn techniques(&self) -> impl Iterator<Item = &Technique> {
        self.techniques.values()
    }

    /// Follows `revoked-by` links to the current technique (at most 8 steps, so a cycle ends).
    pub fn current(&self, id: &str) -> Option<&Technique> {
        let mut technique = self.technique(id)?;
        for _ in 0..8 {
            match technique.revoked_by.as_deref().and_then(|next| self.technique(next)) {
                Some(next) if technique.revoked => technique = next,
                _ => break,
            }
        }
        Some(technique)
    }
}

/// Lower-case, with `_` read as `-`: old Sigma rules write `attack.command_and_control`.
pub(crate) fn normalize_shortname(shortname: &str) -> String {
    shortname.to_ascii_lowercase().replace('_', "-")
}

fn build(objects: &[stix::StixObject]) -> AttackMatrix {
    // STIX id -> ATT&CK id, for resolving relationships.
    let mut attack_ids: HashMap<&str, String> = HashMap::new();
    let mut tactics_by_stix: HashMap<&str, Tactic> = HashMap::new();
    let mut techniques: BTreeMap<String, Technique> = BTreeMap::new();
    let mut matrix_refs: Option<&[std::borrow::Cow<str>]> = None;

    for object in objects {
        match object.kind.as_ref() {
            "x-mitre-tactic" if !object.revoked && !object.x_mitre_deprecated => {
                if let Some(tactic) = read_tactic(object) {
                    tactics_by_stix.insert(object.id.as_ref(), tactic);
                }
            }
            "x-mitre-matrix" if !object.revoked && !object.x_mitre_deprecated => {
                // The Enterprise bundle holds one matrix; with several, the first wins.
                matrix_refs.get_or_insert(&object.tactic_refs);
            }
            "attack-pattern" => {
                if let Some(technique) = read_technique(object) {
                    attack_ids.insert(object.id.as_ref(), technique.id.clone());
                    insert_technique(&mut techniques, technique);
                }
            }
            _ => {}
        }
    }

    for object in objects.iter().filter(|o| o.kind == "relationship") {
        let (Some(kind), Some(source), Some(target)) =
            (&object.relationship_type, &object.source_ref, &object.target_ref)
        else {
            continue;
        };
        let (Some(source_id), Some(target_id)) =
            (attack_ids.get(source.as_ref()), attack_ids.get(target.as_ref()))
        else {
            continue;
        };
        let Some(technique) = techniques.get_mut(source_id) else { continue };
        match kind.as_ref() {
            "subtechnique-of" => technique.parent = Some(target_id.clone()),
            "revoked-by" => technique.revoked_by = Some(target_id.clone()),
            _ => {}
        }
    }

    let tactics = order_tactics(tactics_by_stix, matrix_refs);
    let tactic_index = tactics.iter().enumerate().map(|(i, t)| (t.shortname.clone(), i)).collect();
    AttackMatrix { tactics, tactic_index, techniques }
}

fn read_tactic(object: &stix::StixObject) -> Option<Tactic> {
    let reference = object.attack_reference()?;
    Some(Tactic {
        id: reference.external_id.as_deref()?.to_owned(),
        shortname: normalize_shortname(object.x_mitre_shortname.as_deref()?),
        name: object.name.as_deref().unwrap_or_default().to_owned(),
        url: reference.url.as_deref().unwrap_or_default().to_owned(),
    })
}

fn read_technique(object: &stix::StixObject) -> Option<Technique> {
    let reference = object.attack_reference()?;
    let id = reference.external_id.as_deref()?.to_ascii_uppercase();

    // The `subtechnique-of` relationship sets the parent later; the id gives it when that
    // relationship is missing.
    let parent = id.split_once('.').map(|(parent, _)| parent.to_owned());
    let tactics = object
        .kill_chain_phases
        .iter()
        .filter(|phase| phase.kill_chain_name == "mitre-attack")
        .map(|phase| normalize_shortname(&phase.phase_name))
        .collect();

    Some(Technique {
        id,
        name: object.name.as_deref().unwrap_or_default().to_owned(),
        url: reference.url.as_deref().unwrap_or_default().to_owned(),
        tactics,
        parent,
        revoked: object.revoked,
        deprecated: object.x_mitre_deprecated,
        revoked_by: None,
    })
}

/// Keeps the active object when a bundle holds two objects with one ATT&CK id.
fn insert_technique(techniques: &mut BTreeMap<String, Technique>, technique: Technique) {
    let replace = match techniques.get(&technique.id) {
        Some(existing) => !existing.is_active() && technique.is_active(),
        None => true,
    };
    if replace {
        techniques.insert(technique.id.clone(), technique);
    }
}

/// Orders tactics as the matrix lists them; tactics the matrix does not list follow, by id.
fn order_tactics(
    mut by_stix: HashMap<&str, Tactic>,
    matrix_refs: Option<&[std::borrow::Cow<str>]>,
) -> Vec<Tactic> {
    let mut ordered: Vec<Tactic> = matrix_refs
        .unwrap_or_default()
        .iter()
        .filter_map(|stix_id| by_stix.remove(stix_id.as_ref()))
        .collect();

    let mut rest: Vec<Tactic> = by_stix.into_values().collect();
    rest.sort_by(|a, b| a.id.cmp(&b.id));
    ordered.extend(rest);
    ordered
}
