//! Tests of one field value that are not plain string patterns: regular expressions,
//! numbers, CIDR networks and timestamp parts.

use std::net::IpAddr;

use chrono::{Datelike, NaiveDateTime, Timelike};
use socfeed_sigma::{CompareOp, TimePart};

use crate::lazy_regex::LazyRegex;

/// A Sigma `re` value, compiled by the `regex` crate, or by `fancy-regex` for the
/// lookaround and backreferences that `regex` does not support.
#[derive(Debug)]
pub(crate) enum RegexTest {
    /// With the literals one of which every match contains (see `required.rs`), if any.
    Standard(LazyRegex, Option<Box<[String]>>),
    Fancy(fancy_regex::Regex),
}

impl RegexTest {
    /// Compiles a Sigma regex with its `i`, `m` and `s` flags; the match is unanchored.
    pub fn new(pattern: &str, ignore_case: bool, multi_line: bool, dot_all: bool) -> Result<Self, String> {
        let mut flags = String::new();
        for (on, letter) in [(ignore_case, 'i'), (multi_line, 'm'), (dot_all, 's')] {
            if on {
                flags.push(letter);
            }
        }
        let source = if flags.is_empty() { pattern.to_owned() } else { format!("(?{flags}){pattern}") };

        let standard_error = match LazyRegex::parse(&source) {
            Ok((regex, hir)) => {
                let literals = super::required::required_literals(&hir).map(Vec::into_boxed_slice);
                return Ok(RegexTest::Standard(regex, literals));
            }
            Err(e) => e,
        };
        match fancy_regex::Regex::new(&source) {
            Ok(regex) => Ok(RegexTest::Fancy(regex)),
            Err(fancy_error) => Err(format!(
                "regular expression `{pattern}` does not compile: {fancy_error} (regex crate: {})",
                standard_error.to_string().lines().last().unwrap_or_default().trim()
            )),
        }
    }

    /// Returns literals one of which the lowercase form of every matching value contains.
    pub fn required_literals(&self) -> Option<&[String]> {
        match self {
            RegexTest::Standard(_, literals) => literals.as_deref(),
            RegexTest::Fancy(_) => None,
        }
    }

    /// Tests a value. A fancy-regex search that exceeds its backtracking limit counts as no
    /// match, so one pathological value cannot stall the hunt.
    pub fn is_match(&self, value: &str) -> bool {
        match self {
            RegexTest::Standard(regex, _) => regex.is_match(value),
            RegexTest::Fancy(regex) => regex.is_match(value).unwrap_or(false),
        }
    }
}

/// A `cidr` network.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Network {
    address: IpAddr,
    prefix: u32,
}

impl Network {
    pub fn parse(text: &str) -> Result<Self, String> {
        let invalid = || format!("`{text}` is not an IPv4 or IPv6 network");
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text, None),
        };
        let address: IpAddr = address.trim().parse().map_err(|_| invalid())?;
        let max = if address.is_ipv6() { 128 } else { 32 };
        let prefix = match prefix {
            Some(prefix) => prefix.trim().parse::<u32>().ok().filter(|&p| p <= max).ok_or_else(invalid)?,
            None => max,
        };
        Ok(Network { address, prefix })
    }

    /// Tests whether a field value is an address inside the network. An IPv4 address
    /// written in IPv6-mapped form (`::ffff:10.0.0.1`) counts as the IPv4 address.
    pub fn contains(&self, value: &str) -> bool {
        let Ok(mut candidate) = value.trim().parse::<IpAddr>() else { return false };
        if let IpAddr::V6(v6) = candidate {
            if let (Some(v4), IpAddr::V4(_)) = (v6.to_ipv4_mapped(), self.address) {
                candidate = IpAddr::V4(v4);
            }
        }

        match (self.address, candidate) {
            (IpAddr::V4(network), IpAddr::V4(address)) => {
                let mask = u32::MAX.checked_shl(32 - self.prefix).unwrap_or(0);
                u32::from(network) & mask == u32::from(address) & mask
            }
            (IpAddr::V6(network), IpAddr::V6(address)) => {
                let mask = u128::MAX.checked_shl(128 - self.prefix).unwrap_or(0);
                u128::from(network) & mask == u128::from(address) & mask
            }
            _ => false,
        }
    }
}

/// Reads a field value as a number: decimal, or hexadecimal with `0x` as Windows writes
/// process ids and access masks.
pub(crate) fn parse_number(value: &str) -> Option<f64> {
    let value = value.trim();
    if let Some(hex) = value.strip_prefix("0x").or_else(|| value.strip_prefix("0X")) {
        return u64::from_str_radix(hex, 16).ok().map(|n| n as f64);
    }
    value.parse().ok()
}

pub(crate) fn compare(op: CompareOp, value: &str, bound: f64) -> bool {
    let Some(number) = parse_number(value) else { return false };
    match op {
        CompareOp::Lt => number < bound,
        CompareOp::Lte => number <= bound,
        CompareOp::Gt => number > bound,
        CompareOp::Gte => number >= bound,
    }
}

/// Tests a number value the way Sigma compares an unquoted YAML number: as its text,
/// and also numerically so that `4688` matches `4688.0` or `0x1250`.
pub(crate) fn number_equals(value: &str, expected: f64, expected_text: &str) -> bool {
    value.trim() == expected_text || parse_number(value).is_some_and(|n| n == expected)
}

/// Parses the timestamps Windows logs carry: RFC 3339 (`System.TimeCreated`) and Sysmon's
/// `UtcTime` (`2024-01-02 03:04:05.678`).
pub(crate) fn parse_timestamp(value: &str) -> Option<NaiveDateTime> {
    let value = value.trim();
    if let Ok(time) = chrono::DateTime::parse_from_rfc3339(value) {
        return Some(time.naive_utc());
    }
    ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(value, format).ok())
}

pub(crate) fn time_part_equals(value: &str, part: TimePart, expected: i64) -> bool {
    let Some(time) = parse_timestamp(value) else { return false };
    let actual = match part {
        TimePart::Minute => i64::from(time.minute()),
        TimePart::Hour => i64::from(time.hour()),
        TimePart::Day => i64::from(time.day()),
        TimePart::Week => i64::from(time.iso_week().week()),
        TimePart::Month => i64::from(time.month()),
        TimePart::Year => i64::from(time.year()),
    };
    actual == expected
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_contains_addresses() {
        let net = Network::parse("10.0.0.0/8").unwrap_or_else(|e| panic!("{e}"));
        assert!(net.contains("10.1.2.3"));
        assert!(net.contains("::ffff:10.1.2.3"));
        assert!(!net.contains("11.0.0.1"));
        assert!(!net.contains("not an ip"));
        let v6 = Network::parse("fe80::/10").unwrap_or_else(|e| panic!("{e}"));
        assert!(v6.contains("fe80::1"));
        assert!(!v6.contains("2001:db8::1"));
        let all = Network::parse("0.0.0.0/0").unwrap_or_else(|e| panic!("{e}"));
        assert!(all.contains("192.168.1.1"));
        assert!(Network::parse("10.0.0.0/33").is_err());
    }

    #[test]
    fn numbers_compare_as_text_and_value() {
        assert!(number_equals("4688", 4688.0, "4688"));
        assert!(number_equals(" 4688", 4688.0, "4688"));
        assert!(number_equals("0x1250", 4688.0, "4688"));
        assert!(!number_equals("4689", 4688.0, "4688"));
        assert!(compare(CompareOp::Gte, "0x10", 16.0));
        assert!(!compare(CompareOp::Lt, "abc", 16.0));
    }

    #[test]
    fn regex_flags_and_lookaround() {
        let insensitive = RegexTest::new("^cmd", true, false, false).unwrap_or_else(|e| panic!("{e}"));
        assert!(insensitive.is_match("CMD.exe"));
        let cased = RegexTest::new("^cmd", false, false, false).unwrap_or_else(|e| panic!("{e}"));
        assert!(!cased.is_match("CMD.exe"));
        let lookahead = RegexTest::new("a(?!b)", false, false, false).unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(lookahead, RegexTest::Fancy(_)));
        assert!(lookahead.is_match("ac"));
        assert!(!lookahead.is_match("ab"));
        assert!(RegexTest::new("(", false, false, false).is_err());
    }

    #[test]
    fn time_parts_read_both_formats() {
        assert!(time_part_equals("2024-03-05T07:08:09.123Z", TimePart::Hour, 7));
        assert!(time_part_equals("2024-03-05 07:08:09.123", TimePart::Month, 3));
        assert!(time_part_equals("2024-03-05 07:08:09.123", TimePart::Week, 10));
        assert!(!time_part_equals("garbage", TimePart::Year, 2024));
    }
}
