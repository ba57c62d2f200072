//! The parts of a STIX 2.0/2.1 bundle that the matrix needs.
//!
//! Only the fields read below are deserialized; serde skips the rest (descriptions,
//! detection strategies, analytics) without allocating. Strings are borrowed from the
//! input unless they contain JSON escapes.

use std::borrow::Cow;

use serde::Deserialize;

#[derive(Deserialize)]
pub(super) struct Bundle<'a> {
    #[serde(borrow)]
    pub objects: Vec<StixObject<'a>>,
}

/// One STIX object: an `attack-pattern`, `x-mitre-tactic`, `x-mitre-matrix`,
/// `relationship` or any other type, whose fields are then ignored.
#[derive(Deserialize)]
pub(super) struct StixObject<'a> {
    #[serde(rename = "type", borrow)]
    pub kind: Cow<'a, str>,
    #[serde(borrow)]
    pub id: Cow<'a, str>,
    #[serde(default, borrow)]
    pub name: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub external_references: Vec<ExternalReference<'a>>,
    #[serde(default, borrow)]
    pub kill_chain_phases: Vec<KillChainPhase<'a>>,
    #[serde(default, borrow)]
    pub x_mitre_shortname: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub tactic_refs: Vec<Cow<'a, str>>,
    #[serde(default)]
    pub revoked: bool,
    #[serde(default)]
    pub x_mitre_deprecated: bool,
    #[serde(default, borrow)]
    pub relationship_type: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub source_ref: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub target_ref: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
pub(super) struct ExternalReference<'a> {
    #[serde(borrow)]
    pub source_name: Cow<'a, str>,
    #[serde(default, borrow)]
    pub external_id: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pub url: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
pub(super) struct KillChainPhase<'a> {
    #[serde(borrow)]
    pub kill_chain_name: Cow<'a, str>,
    #[serde(borrow)]
    pub phase_name: Cow<'a, str>,
}

impl<'a> StixObject<'a> {
    /// The `mitre-attack` external reference: the ATT&CK id (`T1567.002`, `TA0010`) and page URL.
    pub fn attack_reference(&self) -> Option<&ExternalReference<'a>> {
        self.external_references
            .iter()
            .find(|r| r.source_name == "mitre-attack" && r.external_id.is_some())
    }
}
