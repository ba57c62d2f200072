//! A readable table for a terminal: one line per detection, long cells cut.

use std::io::{self, Write};

use super::{fields_text, level_name};
use crate::Detection;

/// Widths of the columns before the last, which takes the matched field values.
const WIDTHS: [usize; 6] = [24, 18, 28, 6, 48, 13];
const HEADER: [&str; 7] = ["time", "computer", "channel", "event", "rule", "level", "matched fields"];
/// Characters of matched field values shown per line.
const FIELDS_WIDTH: usize = 160;

pub fn write_table(detections: &[Detection], out: &mut dyn Write) -> io::Result<()> {
    write_line(out, &HEADER.map(String::from))?;
    let rule: Vec<String> = WIDTHS.iter().map(|&w| "-".repeat(w)).chain([String::from("-").repeat(14)]).collect();
    writeln!(out, "{}", rule.join("  "))?;

    for d in detections {
        let cells = [
            d.timestamp.clone().unwrap_or_default(),
            d.computer.clone().unwrap_or_default(),
            d.channel.clone().unwrap_or_default(),
            d.event_id.map(|id| id.to_string()).unwrap_or_default(),
            d.rule.title.clone(),
            level_name(d).to_owned(),
            fields_text(d, " | ").replace(['\n', '\r', '\t'], " "),
        ];
        write_line(out, &cells)?;
    }
    Ok(())
}

fn write_line(out: &mut dyn Write, cells: &[String; 7]) -> io::Result<()> {
    let mut line = String::new();
    for (cell, &width) in cells.iter().zip(WIDTHS.iter()) {
        line.push_str(&fit(cell, width));
        line.push_str("  ");
    }
    line.push_str(&cut(&cells[6], FIELDS_WIDTH));
    writeln!(out, "{}", line.trim_end())
}

/// Pads or cuts a cell to exactly `width` characters.
fn fit(cell: &str, width: usize) -> String {
    let cut = cut(cell, width);
    let len = cut.chars().count();
    format!("{cut}{}", " ".repeat(width.saturating_sub(len)))
}

/// Cuts a cell to at most `width` characters, ending in `…` when cut.
fn cut(cell: &str, width: usize) -> String {
    if cell.chars().count() <= width {
        return cell.to_owned();
    }
    let mut text: String = cell.chars().take(width.saturating_sub(1)).collect();
    text.push('…');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_fit_their_width() {
        assert_eq!(fit("abc", 5), "abc  ");
        assert_eq!(fit("abcdefg", 5), "abcd…");
        assert_eq!(fit("äöüßéèà", 4).chars().count(), 4);
    }
}
