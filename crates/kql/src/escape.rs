//! KQL string literals.

use crate::Unfaithful;

/// Renders `text` as a KQL string literal that reads back as exactly `text`.
///
/// This is the one place the crate quotes strings. The form is chosen for readability:
/// - plain `"…"` when the text has neither a backslash nor a control character
///   (a double quote is written `\"`);
/// - verbatim `@"…"` when it has a backslash, so Windows paths and regular expressions
///   read as written. In a verbatim literal the backslash is an ordinary character (a
///   trailing backslash is fine) and a double quote is written twice (`""`);
/// - `"…"` with the escapes `\\`, `\"`, `\n`, `\r` and `\t` when it has one of those
///   three control characters, because a verbatim literal cannot hold a line break.
///
/// Text with any other control character (for example the NUL bytes of a UTF-16 value
/// without `base64`) has no KQL literal form and is rejected.
pub fn string_literal(text: &str) -> Result<String, Unfaithful> {
    if let Some(c) = text.chars().find(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(Unfaithful::construct(
            "value",
            format!("the value {text:?} contains the control character U+{:04X}, which a KQL string literal cannot hold", c as u32),
        ));
    }

    let has_control = text.chars().any(char::is_control);
    let mut out = String::with_capacity(text.len() + 3);
    if text.contains('\\') && !has_control {
        out.push_str("@\"");
        for c in text.chars() {
            if c == '"' {
                out.push('"');
            }
            out.push(c);
        }
    } else {
        out.push('"');
        for c in text.chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '"' => out.push_str("\\\""),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                _ => out.push(c),
            }
        }
    }
    out.push('"');
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::string_literal;

    fn lit(text: &str) -> String {
        string_literal(text).unwrap()
    }

    #[test]
    fn plain_text_uses_double_quotes() {
        assert_eq!(lit("cmd.exe"), r#""cmd.exe""#);
        assert_eq!(lit(""), r#""""#);
    }

    #[test]
    fn double_quote_without_backslash() {
        assert_eq!(lit(r#"say "hi""#), r#""say \"hi\"""#);
    }

    #[test]
    fn backslash_uses_verbatim_literal() {
        assert_eq!(lit(r"C:\Windows\System32"), r#"@"C:\Windows\System32""#);
    }

    #[test]
    fn trailing_backslash_stays_inside_literal() {
        assert_eq!(lit(r"\Temp\"), r#"@"\Temp\""#);
        assert_eq!(lit(r"\\"), r#"@"\\""#);
    }

    #[test]
    fn quote_and_backslash_double_the_quote() {
        assert_eq!(lit(r#"C:\a "b"\"#), r#"@"C:\a ""b""\""#);
    }

    #[test]
    fn line_break_uses_escapes() {
        assert_eq!(lit("a\\b\nc\t\"d\""), r#""a\\b\nc\t\"d\"""#);
    }

    #[test]
    fn nul_character_is_rejected() {
        let err = string_literal("a\0b").unwrap_err();
        assert!(err.message.contains("U+0000"), "{}", err.message);
    }
}
