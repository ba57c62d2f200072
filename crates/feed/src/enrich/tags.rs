//! ATT&CK context from a rule's `attack.*` tags.

use serde::Serialize;

use crate::attack::{normalize_shortname, AttackMatrix, Technique};

/// What a rule's tags say about ATT&CK, with names from the matrix when one is loaded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttackContext {
    /// Tactics tagged on the rule (`attack.exfiltration`), in matrix order.
    pub tactics: Vec<TacticRef>,
    /// Techniques tagged on the rule (`attack.t1567.002`), sorted by id.
    pub techniques: Vec<TechniqueRef>,
    /// Other `attack.*` tags, such as groups (`attack.g0032`) and software (`attack.s0002`).
    pub other_tags: Vec<String>,
    /// Whether names come from a loaded matrix; without one only ids and shortnames are known.
    pub matrix_loaded: bool,
}

/// A tactic with its name and page when the matrix has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TacticRef {
    pub shortname: String,
    pub id: Option<String>,
    pub name: Option<String>,
    pub url: Option<String>,
}

/// A tagged technique with its name, parent and tactics.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TechniqueRef {
    pub id: String,
    pub name: Option<String>,
    /// The ATT&CK page, built from the id when the matrix has none.
    pub url: String,
    pub parent: Option<ParentRef>,
    /// The technique's tactics from the matrix; without a matrix, the rule's tactic tags.
    pub tactics: Vec<TacticRef>,
    /// `active`, `revoked`, `deprecated`, `unknown` (not in the loaded matrix) or
    /// `unchecked` (no matrix loaded).
    pub state: &'static str,
    /// The current technique when this one is revoked.
    pub revoked_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParentRef {
    pub id: String,
    pub name: Option<String>,
}

impl AttackContext {
    /// Reads the `attack.*` tags of a rule. Tags are matched case-insensitively.
    pub fn from_tags(tags: &[String], matrix: Option<&AttackMatrix>) -> Self {
        let mut tactic_names: Vec<String> = Vec::new();
        let mut technique_ids: Vec<String> = Vec::new();
        let mut other_tags: Vec<String> = Vec::new();

        for tag in tags {
            let lower = tag.to_ascii_lowercase();
            let Some(value) = lower.strip_prefix("attack.") else { continue };
            if is_technique_id(value) {
                technique_ids.push(value.to_ascii_uppercase());
            } else if is_tactic_name(value, matrix) {
                tactic_names.push(normalize_shortname(value));
            } else {
                other_tags.push(tag.clone());
            }
        }
        technique_ids.sort();
        technique_ids.dedup();
        tactic_names.sort_by_key(|name| tactic_sort_key(name, matrix));
        tactic_names.dedup();

        let tactics: Vec<TacticRef> = tactic_names.iter().map(|n| tactic_ref(n, matrix)).collect();
        let techniques = technique_ids
            .iter()
            .map(|id| technique_ref(id, &tactics, matrix))
            .collect();
        AttackContext { tactics, techniques, other_tags, matrix_loaded: matrix.is_some() }
    }

    /// Tactics tagged on the rule or held by its techniques, in matrix order, without repeats.
    pub fn all_tactics(&self, matrix: Option<&AttackMatrix>) -> Vec<TacticRef> {
        let mut all: Vec<TacticRef> = self.tactics.clone();
        for technique in &self.techniques {
            all.extend(technique.tactics.iter().cloned());
        }
        all.sort_by_key(|t| tactic_sort_key(&t.shortname, matrix));
        all.dedup_by(|a, b| a.shortname == b.shortname);
        all
    }
}

/// `t1234` or `t1234.001`: the letter `t`, four digits, optionally `.` and three digits.
fn is_technique_id(value: &str) -> bool {
    let Some(rest) = value.strip_prefix('t') else { return false };
    let (main, sub) = match rest.split_once('.') {
        Some((main, sub)) => (main, Some(sub)),
        None => (rest, None),
    };
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    digits(main, 4) && sub.is_none_or(|s| digits(s, 3))
}

/// A tactic tag is a word such as `exfiltration` or `command-and-control`. With a matrix, only
/// its tactics count, except that a name the matrix dropped (such as v18's `defense-evasion`
/// under a v19 matrix) is still a tactic when it is not an id like `g0032` or `s0002`.
fn is_tactic_name(value: &str, matrix: Option<&AttackMatrix>) -> bool {
    if matrix.is_some_and(|m| m.tactic(value).is_some()) {
        return true;
    }
    let looks_like_id = value.len() > 1
        && value.get(1..).is_some_and(|rest| rest.bytes().all(|b| b.is_ascii_digit()));
    !looks_like_id && value.bytes().all(|b| b.is_ascii_lowercase() || b == b'-' || b == b'_')
}

/// Matrix position first, then the name, so tactics the matrix lacks sort after the rest.
fn tactic_sort_key(shortname: &str, matrix: Option<&AttackMatrix>) -> (usize, String) {
    let position = matrix.and_then(|m| m.tactic_position(shortname)).unwrap_or(usize::MAX);
    (position, shortname.to_owned())
}

fn tactic_ref(shortname: &str, matrix: Option<&AttackMatrix>) -> TacticRef {
    match matrix.and_then(|m| m.tactic(shortname)) {
        Some(tactic) => TacticRef {
            shortname: tactic.shortname.clone(),
            id: Some(tactic.id.clone()),
            name: Some(tactic.name.clone()),
            url: Some(tactic.url.clone()),
        },
        None => TacticRef { shortname: shortname.to_owned(), id: None, name: None, url: None },
    }
}

fn technique_ref(id: &str, tagged_tactics: &[TacticRef], matrix: Option<&AttackMatrix>) -> TechniqueRef {
    let Some(matrix) = matrix else {
        return TechniqueRef {
            id: id.to_owned(),
            name: None,
            url: technique_url(id),
            parent: parent_id(id).map(|id| ParentRef { id, name: None }),
            tactics: tagged_tactics.to_vec(),
            state: "unchecked",
            revoked_by: None,
        };
    };

    let Some(technique) = matrix.technique(id) else {
        return TechniqueRef {
            id: id.to_owned(),
            name: None,
            url: technique_url(id),
            parent: parent_id(id).map(|parent| ParentRef {
                name: matrix.technique(&parent).map(|t| t.name.clone()),
                id: parent,
            }),
            tactics: tagged_tactics.to_vec(),
            state: "unknown",
            revoked_by: None,
        };
    };

    let mut tactics: Vec<TacticRef> =
        technique.tactics.iter().map(|name| tactic_ref(name, Some(matrix))).collect();
    tactics.sort_by_key(|t| tactic_sort_key(&t.shortname, Some(matrix)));
    TechniqueRef {
        id: technique.id.clone(),
        name: Some(technique.name.clone()),
        url: non_empty(&technique.url).unwrap_or_else(|| technique_url(&technique.id)),
        parent: technique.parent.as_ref().map(|parent| ParentRef {
            id: parent.clone(),
            name: matrix.technique(parent).map(|t| t.name.clone()),
        }),
        tactics,
        state: technique_state(technique),
        revoked_by: matrix
            .current(&technique.id)
            .filter(|current| current.id != technique.id)
            .map(|current| current.id.clone()),
    }
}

fn technique_state(technique: &Technique) -> &'static str {
    if technique.revoked {
        "revoked"
    } else if technique.deprecated {
        "deprecated"
    } else {
        "active"
    }
}

fn parent_id(id: &str) -> Option<String> {
    id.split_once('.').map(|(parent, _)| parent.to_owned())
}

fn non_empty(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_owned())
}

/// `https://attack.mitre.org/techniques/T1567/002`, the form MITRE's bundles use.
pub fn technique_url(id: &str) -> String {
    format!("https://attack.mitre.org/techniques/{}", id.replace('.', "/"))
}
