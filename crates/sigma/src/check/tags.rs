//! Tag checks: syntax per namespace of Sigma's tags appendix, and ATT&CK ids.

use std::collections::HashSet;

const TACTICS: &str = include_str!("attack_tactics.txt");

/// What is wrong with a tag, if anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagProblem {
    /// The tag does not follow its namespace's syntax, or the namespace is unknown.
    Invalid(String),
    /// An ATT&CK id with valid syntax that the given ATT&CK data does not contain.
    UnknownAttackId(String),
    /// A tactic name that ATT&CK no longer uses.
    DeprecatedTactic(String),
}

/// Returns the tactic's state (`current` or `deprecated`) from the data file.
fn tactic_state(shortname: &str) -> Option<&'static str> {
    TACTICS
        .lines()
        .filter(|line| !line.starts_with('#'))
        .find_map(|line| {
            let mut columns = line.split_whitespace();
            let name = columns.next()?;
            let _id = columns.next()?;
            let state = columns.next()?;
            (name == shortname).then_some(state)
        })
}

fn tactic_replacement_hint(shortname: &str) -> &'static str {
    match shortname {
        "defense-evasion" => "; ATT&CK v19 split it into `attack.stealth` and `attack.defense-impairment`",
        _ => "",
    }
}

pub fn check_tag(tag: &str, attack_ids: Option<&HashSet<String>>) -> Option<TagProblem> {
    let invalid = |why: &str| Some(TagProblem::Invalid(format!("tag `{tag}` {why}")));
    let Some((namespace, name)) = tag.split_once('.') else {
        return invalid("has no namespace (expected `namespace.name`, e.g. `attack.t1059`)");
    };

    match namespace {
        "attack" => check_attack(tag, name, attack_ids),
        "cve" if is_cve(name) => None,
        "cve" => invalid("is not `cve.YYYY-NNNN`"),
        "car" if is_car(name) => None,
        "car" => invalid("is not `car.YYYY-MM-NNN`"),
        "detection" if matches!(name, "dfir" | "emerging-threats" | "threat-hunting") => None,
        "detection" => invalid("is not one of detection.dfir, detection.emerging-threats, detection.threat-hunting"),
        "tlp" if matches!(name, "red" | "amber" | "amber-strict" | "green" | "clear") => None,
        "tlp" => invalid("is not one of tlp.red, tlp.amber, tlp.amber-strict, tlp.green, tlp.clear"),
        "stp" if is_stp(name) => None,
        "stp" => invalid("is not `stp.N` or `stp.N` followed by a, u or k (N from 1 to 5)"),
        "d3fend" if is_d3fend(name) => None,
        "d3fend" => invalid("is not a D3FEND technique (`d3-…`), artifact (`d3f-…`) or tactic"),
        _ => invalid("has an unknown namespace (known: attack, car, cve, d3fend, detection, stp, tlp)"),
    }
}

fn check_attack(tag: &str, name: &str, attack_ids: Option<&HashSet<String>>) -> Option<TagProblem> {
    match tactic_state(name) {
        Some("deprecated") => {
            let hint = tactic_replacement_hint(name);
            return Some(TagProblem::DeprecatedTactic(format!("tag `{tag}` names a tactic ATT&CK no longer uses{hint}")));
        }
        Some(_) => return None,
        None => {}
    }

    let Some(id) = attack_id(name) else {
        let message = format!("tag `{tag}` is neither an ATT&CK tactic nor an id such as attack.t1059.001, attack.g0001, attack.s0001");
        return Some(TagProblem::Invalid(message));
    };
    match attack_ids {
        Some(known) if covers_kind(known, &id) && !known.contains(&id) => {
            Some(TagProblem::UnknownAttackId(format!("tag `{tag}`: {id} is not in the ATT&CK data")))
        }
        _ => None,
    }
}

/// Whether the known ids hold any id of the same kind (technique, group, software, …) as
/// `id`. A bundle without groups cannot vouch for or against `G0016`, so such ids pass.
fn covers_kind(known: &HashSet<String>, id: &str) -> bool {
    let kind = |id: &str| id.bytes().take_while(u8::is_ascii_uppercase).count();
    let prefix = &id[..kind(id)];
    known.iter().any(|k| k.len() > prefix.len() && k.starts_with(prefix) && kind(k) == prefix.len())
}

/// Returns the upper-case ATT&CK id (`T1059.001`, `G0001`, …) for a tag name with
/// the syntax of one, after the tags appendix: t, g, s, ds, m or a, then four digits;
/// techniques may add `.` and three digits.
fn attack_id(name: &str) -> Option<String> {
    let prefix_len = name.bytes().take_while(u8::is_ascii_lowercase).count();
    let (prefix, rest) = name.split_at(prefix_len);
    let (number, sub) = match rest.split_once('.') {
        Some((number, sub)) => (number, Some(sub)),
        None => (rest, None),
    };

    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let valid = matches!(prefix, "t" | "g" | "s" | "ds" | "m" | "a")
        && digits(number, 4)
        && sub.is_none_or(|sub| prefix == "t" && digits(sub, 3));
    valid.then(|| name.to_ascii_uppercase())
}

fn is_cve(name: &str) -> bool {
    let Some((year, number)) = name.split_once('-') else { return false };
    year.len() == 4 && number.len() >= 4 && (year.to_owned() + number).bytes().all(|b| b.is_ascii_digit())
}

fn is_car(name: &str) -> bool {
    let parts: Vec<&str> = name.split('-').collect();
    let lengths_ok = matches!(parts.as_slice(), [y, m, n] if y.len() == 4 && m.len() == 2 && n.len() == 3);
    lengths_ok && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()))
}

fn is_stp(name: &str) -> bool {
    matches!(name.as_bytes(), [b'1'..=b'5'] | [b'1'..=b'5', b'a' | b'u' | b'k'])
}

fn is_d3fend(name: &str) -> bool {
    let word = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    match name.split_once('-') {
        Some(("d3", rest)) | Some(("d3f", rest)) => word(rest),
        _ => matches!(name, "model" | "harden" | "detect" | "isolate" | "deceive" | "evict"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_tags() {
        for tag in [
            "attack.t1059", "attack.t1059.001", "attack.g0001", "attack.s0154", "attack.ds0009", "attack.m1036",
            "attack.stealth", "attack.defense-impairment", "attack.execution", "cve.2021-44228", "car.2016-04-005",
            "detection.threat-hunting", "tlp.amber-strict", "stp.3k", "stp.4", "d3fend.d3-am", "d3fend.harden",
        ] {
            assert_eq!(check_tag(tag, None), None, "{tag}");
        }
    }

    #[test]
    fn invalid_tags() {
        for tag in ["attack.t105", "attack.t1059.01", "attack.g0001.001", "attack.lateral_movement", "cve.2021-1", "car.2016-4-005", "tlp.white", "stp.6", "foo.bar", "attack"] {
            assert!(matches!(check_tag(tag, None), Some(TagProblem::Invalid(_))), "{tag}");
        }
    }

    #[test]
    fn deprecated_tactic() {
        assert!(matches!(check_tag("attack.defense-evasion", None), Some(TagProblem::DeprecatedTactic(_))));
    }

    #[test]
    fn attack_ids_checked_when_given() {
        let known: HashSet<String> = ["T1059".to_owned(), "T1059.001".to_owned()].into();
        assert_eq!(check_tag("attack.t1059.001", Some(&known)), None);
        assert!(matches!(check_tag("attack.t1562.001", Some(&known)), Some(TagProblem::UnknownAttackId(_))));
        assert_eq!(check_tag("attack.stealth", Some(&known)), None);
    }

    #[test]
    fn attack_ids_of_absent_kind_pass() {
        let known: HashSet<String> = ["T1059".to_owned(), "G0016".to_owned()].into();
        assert_eq!(check_tag("attack.s0002", Some(&known)), None);
        assert!(matches!(check_tag("attack.g0017", Some(&known)), Some(TagProblem::UnknownAttackId(_))));
        assert!(matches!(check_tag("attack.ds0009", Some(&known)), None));
    }
}
