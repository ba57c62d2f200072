//! The encoding modifiers: `base64`, `base64offset`, `utf16*`/`wide` and `windash`.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use crate::value::{SigmaString, StrPart};

pub fn base64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// Returns the three forms `bytes` can take inside a longer base64 text, one per byte
/// offset (0, 1, 2) of its start.
///
/// Each form is the encoding of `bytes` after 0, 1 or 2 filler bytes, cut down to the
/// characters that depend on `bytes` alone: the leading characters that mix in the filler
/// (0, 2 or 3 of them) and the trailing characters that would mix in the following,
/// unknown bytes (none, 3 or 2 of them, after the total length modulo 3). This is the
/// definition pySigma's `base64offset` uses, so queries match the same events.
pub fn base64_offsets(bytes: &[u8]) -> [String; 3] {
    const START: [usize; 3] = [0, 2, 3];
    const END_TRIM: [usize; 3] = [0, 3, 2];

    std::array::from_fn(|shift| {
        let mut shifted = vec![b' '; shift];
        shifted.extend_from_slice(bytes);
        let encoded = STANDARD.encode(&shifted);
        let end = encoded.len().saturating_sub(END_TRIM[(bytes.len() + shift) % 3]);
        // base64 output is ASCII, so any byte range is a valid `str` range.
        encoded.get(START[shift]..end).unwrap_or("").to_owned()
    })
}

pub enum Utf16 {
    Le,
    Be,
    /// Byte order mark `FF FE`, then little-endian, as `utf16` is defined.
    WithBom,
}

pub fn utf16(text: &str, form: Utf16) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() * 2 + 2);
    if matches!(form, Utf16::WithBom) {
        out.extend_from_slice(&[0xFF, 0xFE]);
    }
    for unit in text.encode_utf16() {
        let bytes = match form {
            Utf16::Be => unit.to_be_bytes(),
            Utf16::Le | Utf16::WithBom => unit.to_le_bytes(),
        };
        out.extend_from_slice(&bytes);
    }
    out
}

/// Characters `windash` swaps: hyphen-minus, slash, en dash, em dash and horizontal bar.
pub const DASHES: [char; 5] = ['-', '/', '\u{2013}', '\u{2014}', '\u{2015}'];

/// Most alternatives `windash` may produce for one value (5 per option-leading dash).
pub const MAX_WINDASH_ALTERNATIVES: usize = 3125;

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Expands every dash that starts a command-line option into the five dash characters,
/// returning all combinations, with dashes taken in the order of [`DASHES`].
///
/// A dash starts an option when no word character precedes it and a word character
/// follows it, as in ` -enc` or `/c` but not `a-b` or ` - `. pySigma uses the same rule
/// (the regex `\B[-/]\b`); the spec lists the five characters but not where they apply.
/// Returns `None` when there would be more than [`MAX_WINDASH_ALTERNATIVES`].
pub fn windash(value: &SigmaString) -> Option<Vec<SigmaString>> {
    let mut variants = vec![SigmaString::default()];

    for part in &value.parts {
        let StrPart::Literal(text) = part else {
            for variant in &mut variants {
                variant.push(part.clone());
            }
            continue;
        };

        let chars: Vec<char> = text.chars().collect();
        for (i, &c) in chars.iter().enumerate() {
            let before_is_word = i > 0 && is_word_char(chars[i - 1]);
            let after_is_word = chars.get(i + 1).is_some_and(|&next| is_word_char(next));
            if DASHES.contains(&c) && !before_is_word && after_is_word {
                if variants.len() * DASHES.len() > MAX_WINDASH_ALTERNATIVES {
                    return None;
                }
                variants = variants
                    .into_iter()
                    .flat_map(|variant| {
                        DASHES.iter().map(move |&dash| {
                            let mut next = variant.clone();
                            next.push_char(dash);
                            next
                        })
                    })
                    .collect();
            } else {
                for variant in &mut variants {
                    variant.push_char(c);
                }
            }
        }
    }
    Some(variants)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_offsets_match_known_encodings() {
        // Each form must appear in the base64 of the value behind 0, 1 or 2 bytes.
        let value = b"/c whoami";
        let offsets = base64_offsets(value);
        for (shift, form) in offsets.iter().enumerate() {
            let mut text = vec![b'A'; shift];
            text.extend_from_slice(value);
            text.extend_from_slice(b"XYZ");
            assert!(base64(&text).contains(form.as_str()), "shift {shift}: {form}");
        }
        assert_eq!(offsets[0], "L2Mgd2hvYW1p");
    }

    #[test]
    fn utf16_forms() {
        assert_eq!(utf16("cmd", Utf16::Le), b"c\0m\0d\0");
        assert_eq!(utf16("cmd", Utf16::Be), b"\0c\0m\0d");
        assert_eq!(utf16("cmd", Utf16::WithBom), b"\xFF\xFEc\0m\0d\0");
    }

    #[test]
    fn windash_expands_option_dashes_only() {
        let variants = windash(&SigmaString::literal(" -enc a-b /c")).unwrap();
        assert_eq!(variants.len(), 25);
        assert_eq!(variants[0].as_literal(), Some(" -enc a-b -c"));
        assert!(variants.iter().any(|v| v.as_literal() == Some(" /enc a-b /c")));
        assert!(variants.iter().any(|v| v.as_literal() == Some(" \u{2015}enc a-b \u{2013}c")));
    }
}
