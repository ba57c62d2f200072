//! Value rewrites that a mapping file names: registry hives and Sysmon's `Hashes`.

use socfeed_sigma::{SigmaString, StrPart};

use crate::expr::Expr;
use crate::escape::string_literal;
use crate::pattern::{shape, Shape};
use crate::Unfaithful;

/// Hive prefixes as Sysmon and the kernel write them, with the long form ASIM uses.
const HIVES: &[(&str, &str)] = &[
    (r"\REGISTRY\MACHINE", "HKEY_LOCAL_MACHINE"),
    (r"\REGISTRY\USER", "HKEY_USERS"),
    ("HKLM", "HKEY_LOCAL_MACHINE"),
    ("HKCU", "HKEY_CURRENT_USER"),
    ("HKCR", "HKEY_CLASSES_ROOT"),
    ("HKCC", "HKEY_CURRENT_CONFIG"),
    ("HKU", "HKEY_USERS"),
];

/// Hive prefixes as Sysmon and the kernel write them, with the form Defender XDR writes.
/// Defender reports every per-user key, including the keys of `HKU`, under
/// `HKEY_CURRENT_USER\<SID>`.
const DEFENDER_HIVES: &[(&str, &str)] = &[
    (r"\REGISTRY\MACHINE", "HKEY_LOCAL_MACHINE"),
    (r"\REGISTRY\USER", "HKEY_CURRENT_USER"),
    ("HKEY_USERS", "HKEY_CURRENT_USER"),
    ("HKLM", "HKEY_LOCAL_MACHINE"),
    ("HKU", "HKEY_CURRENT_USER"),
];

/// Rewrites hive names to Defender XDR's form. `HKCU\x` becomes `HKEY_CURRENT_USER\*\x`
/// because Defender puts the user's SID after the hive. `HKCR` is refused, since
/// Defender reports class registrations under the machine or user hive they live in.
pub fn registry_hive_defender(field: &str, pattern: &SigmaString) -> Result<(SigmaString, Vec<String>), Unfaithful> {
    let mut out = pattern.clone();
    let position = out.parts.iter().position(|p| !matches!(p, StrPart::AnyChars));
    let Some(StrPart::Literal(text)) = position.and_then(|at| out.parts.get(at)).cloned() else {
        return Ok((out, Vec::new()));
    };
    let at = position.unwrap_or(0);
    let hive_of = |short: &str| -> Option<String> {
        let head = text.get(..short.len())?;
        let rest = &text[short.len()..];
        (head.eq_ignore_ascii_case(short) && (rest.is_empty() || rest.starts_with('\\'))).then(|| rest.to_string())
    };

    if hive_of("HKCR").is_some() || hive_of("HKEY_CLASSES_ROOT").is_some() {
        return Err(Unfaithful::value(field, format!("the registry path {:?} names HKCR, which Defender XDR reports under the hive the class key lives in", pattern.to_sigma())));
    }
    if let Some(rest) = hive_of("HKCU").or_else(|| hive_of("HKEY_CURRENT_USER")) {
        let mut parts = vec![StrPart::Literal("HKEY_CURRENT_USER\\".to_string()), StrPart::AnyChars];
        if !rest.is_empty() {
            parts.push(StrPart::Literal(rest));
        }
        out.parts.splice(at..=at, parts);
        let caveat = "The rule names HKCU; Defender XDR writes per-user keys as HKEY_CURRENT_USER\\<SID>\\…, so the SID is matched by a wildcard.".to_string();
        return Ok((out, vec![caveat]));
    }
    for (short, long) in DEFENDER_HIVES {
        if let Some(rest) = hive_of(short) {
            out.parts[at] = StrPart::Literal(format!("{long}{rest}"));
            return Ok((out, Vec::new()));
        }
    }
    Ok((out, Vec::new()))
}

/// Rewrites Sysmon's `DWORD (0x0000000a)` / `QWORD (0x…)` registry data to the decimal
/// number Defender XDR writes. Other values pass unchanged; a DWORD form with wildcards
/// is refused because its decimal digits cannot be matched piecewise.
pub fn registry_data_decimal(field: &str, pattern: &SigmaString) -> Result<SigmaString, Unfaithful> {
    let mentions = pattern.parts.iter().any(|p| matches!(p, StrPart::Literal(t) if t.to_ascii_lowercase().contains("word (")));
    if !mentions {
        return Ok(pattern.clone());
    }
    let number = pattern.as_literal().and_then(|text| {
        let lower = text.trim().to_ascii_lowercase();
        let hex = lower.strip_prefix("dword (0x").or_else(|| lower.strip_prefix("qword (0x"))?.strip_suffix(')')?.to_string();
        u64::from_str_radix(&hex, 16).ok()
    });
    match number {
        Some(number) => Ok(SigmaString::literal(number.to_string())),
        None => Err(Unfaithful::value(
            field,
            format!("the registry data {:?} uses Sysmon's DWORD form with wildcards, which has no form in Defender XDR's decimal data", pattern.to_sigma()),
        )),
    }
}

/// Rewrites a short hive name at the start of the pattern's first literal (after any
/// leading `*`) to its long form. A hive counts only when a backslash or the end of the
/// text follows it. Returns a caveat when the rule relies on `HKCU`, which Sysmon never
/// writes (it reports per-user keys under `HKU\<SID>`).
pub fn registry_hive(pattern: &SigmaString) -> (SigmaString, Vec<String>) {
    let (out, hive_caveat) = registry_hive_prefix(pattern);
    let mut caveats: Vec<String> = hive_caveat.into_iter().collect();
    let names_default = pattern.parts.iter().any(|part| matches!(part, StrPart::Literal(text) if text.to_ascii_lowercase().contains("(default)")));
    if names_default {
        caveats.push("The rule names a key's default value as (Default), as Sysmon writes it; ASIM sources may write the default value's name differently.".to_string());
    }
    (out, caveats)
}

fn registry_hive_prefix(pattern: &SigmaString) -> (SigmaString, Option<String>) {
    let mut out = pattern.clone();
    let Some(StrPart::Literal(text)) = out.parts.iter_mut().find(|p| !matches!(p, StrPart::AnyChars)) else {
        return (out, None);
    };

    for (short, long) in HIVES {
        let Some(head) = text.get(..short.len()) else { continue };
        let rest = &text[short.len()..];
        if head.eq_ignore_ascii_case(short) && (rest.is_empty() || rest.starts_with('\\')) {
            let caveat = (*short == "HKCU").then(|| {
                "The rule names HKCU; ASIM sources report per-user keys under HKEY_USERS\\<SID> (Sysmon) or HKEY_CURRENT_USER depending on the product, so only the latter match.".to_string()
            });
            *text = format!("{long}{rest}");
            return (out, caveat);
        }
    }
    (out, None)
}

/// Returns a caveat when a registry data value relies on Sysmon's `DWORD (0x…)` /
/// `QWORD (0x…)` rendering, which other sources of the registry parser may not share.
pub fn registry_data(pattern: &SigmaString) -> Option<String> {
    let relies = pattern.parts.iter().any(|part| match part {
        StrPart::Literal(text) => {
            let lower = text.to_ascii_lowercase();
            lower.contains("dword (") || lower.contains("qword (") || lower.contains("(0x")
        }
        _ => false,
    });
    relies.then(|| {
        "Registry value data is compared in Sysmon's form (DWORD (0x…)); sources that write numeric data differently will not match.".to_string()
    })
}

/// Hash lengths in hex digits, to tell a whole hash from a prefix.
fn hash_length(algorithm: &str) -> Option<usize> {
    match algorithm {
        "MD5" | "IMPHASH" => Some(32),
        "SHA1" => Some(40),
        "SHA256" => Some(64),
        "SHA512" => Some(128),
        _ => None,
    }
}

/// Converts a test on Sysmon's `Hashes` (`SHA1=…,MD5=…,IMPHASH=…`) to a test on the
/// column of the algorithm the value names. Only `contains` of `ALGO=hex` is faithful:
/// `ALGO=` always starts an entry, so the value matches exactly when that hash starts
/// with `hex` (equals it when `hex` has the algorithm's full length).
pub fn hash_test(
    field: &str,
    columns: &std::collections::BTreeMap<String, String>,
    pattern: &SigmaString,
    cased: bool,
) -> Result<Expr, Unfaithful> {
    let unmapped = || {
        Unfaithful::value(
            field,
            format!("the {field} value {:?} does not name one hash as ALGORITHM=hex with contains, so no single hash column matches it", pattern.to_sigma()),
        )
    };

    let Shape::Contains(text) = shape(pattern) else {
        return Err(unmapped());
    };
    let Some((algorithm, hex)) = text.split_once('=') else {
        return Err(unmapped());
    };
    let algorithm = algorithm.to_ascii_uppercase();
    let Some(column) = columns.get(&algorithm) else {
        return Err(unmapped());
    };
    if hex.is_empty() || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(unmapped());
    }

    let whole = hash_length(&algorithm) == Some(hex.len());
    let op = match (whole, cased) {
        (true, false) => "=~",
        (true, true) => "==",
        (false, false) => "startswith",
        (false, true) => "startswith_cs",
    };
    Ok(Expr::Atom(format!("{column} {op} {}", string_literal(hex)?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hive(raw: &str) -> (String, Vec<String>) {
        let (out, caveat) = registry_hive(&SigmaString::parse(raw));
        (out.to_sigma(), caveat)
    }

    #[test]
    fn short_hives_become_long() {
        assert_eq!(hive(r"HKLM\SOFTWARE\x*").0, r"HKEY_LOCAL_MACHINE\SOFTWARE\x*");
        assert_eq!(hive(r"hku\S-1-5-21*\Run").0, r"HKEY_USERS\S-1-5-21*\Run");
        assert_eq!(hive(r"\REGISTRY\MACHINE\SYSTEM").0, r"HKEY_LOCAL_MACHINE\SYSTEM");
        assert_eq!(hive(r"*HKCR\CLSID").0, r"*HKEY_CLASSES_ROOT\CLSID");
    }

    #[test]
    fn hive_needs_a_backslash_after_it() {
        assert_eq!(hive(r"HKLMX\a").0, r"HKLMX\a");
        assert_eq!(hive(r"*\SOFTWARE\Run*").0, r"*\SOFTWARE\Run*");
    }

    #[test]
    fn hkcu_gets_a_caveat() {
        let (text, caveat) = hive(r"HKCU\Software");
        assert_eq!(text, r"HKEY_CURRENT_USER\Software");
        assert_eq!(caveat.len(), 1);
    }

    #[test]
    fn dword_data_gets_a_caveat() {
        assert!(registry_data(&SigmaString::parse("DWORD (0x00000001)")).is_some());
        assert!(registry_data(&SigmaString::parse("*powershell*")).is_none());
    }

    fn hashes() -> std::collections::BTreeMap<String, String> {
        [("IMPHASH", "TargetProcessIMPHASH"), ("SHA256", "TargetProcessSHA256")]
            .into_iter()
            .map(|(a, c)| (a.to_string(), c.to_string()))
            .collect()
    }

    fn hash(raw: &str) -> Result<String, Unfaithful> {
        hash_test("Hashes", &hashes(), &SigmaString::parse(raw), false).map(|e| e.render_flat())
    }

    #[test]
    fn whole_hash_compares_equal() {
        assert_eq!(hash("*IMPHASH=330768A4F172E10ACB6287B87289D83B*").unwrap(), r#"TargetProcessIMPHASH =~ "330768A4F172E10ACB6287B87289D83B""#);
    }

    #[test]
    fn hash_prefix_uses_startswith() {
        assert_eq!(hash("*sha256=abcd*").unwrap(), r#"TargetProcessSHA256 startswith "abcd""#);
    }

    #[test]
    fn hash_without_algorithm_is_refused() {
        let err = hash("*330768A4F172E10ACB6287B87289D83B*").unwrap_err();
        assert_eq!(err.reason, crate::RefusalReason::UnmappedValue);
        assert!(hash("*MD5=abc*").is_err(), "MD5 has no column in this table");
        assert!(hash("IMPHASH=abc").is_err(), "equality with one entry is not faithful");
    }
}
