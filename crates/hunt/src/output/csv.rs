//! CSV output (RFC 4180 quoting), one row per detection.

use std::io::{self, Write};

use super::{fields_text, level_name};
use crate::Detection;

const HEADER: [&str; 11] =
    ["timestamp", "computer", "channel", "event_id", "record_id", "level", "rule_id", "rule_title", "source", "rule_path", "fields"];

pub fn write_csv(detections: &[Detection], out: &mut dyn Write) -> io::Result<()> {
    write_row(out, &HEADER.map(String::from))?;
    for d in detections {
        let row = [
            d.timestamp.clone().unwrap_or_default(),
            d.computer.clone().unwrap_or_default(),
            d.channel.clone().unwrap_or_default(),
            d.event_id.map(|id| id.to_string()).unwrap_or_default(),
            d.record_id.map(|id| id.to_string()).unwrap_or_default(),
            level_name(d).to_owned(),
            d.rule.id.clone().unwrap_or_default(),
            d.rule.title.clone(),
            d.source.display().to_string(),
            d.rule.path.display().to_string(),
            fields_text(d, "; "),
        ];
        write_row(out, &row)?;
    }
    Ok(())
}

fn write_row(out: &mut dyn Write, cells: &[String]) -> io::Result<()> {
    let line: Vec<String> = cells.iter().map(|cell| quote(cell)).collect();
    writeln!(out, "{}", line.join(","))
}

/// Quotes a cell that holds a comma, a quote or a line break, doubling inner quotes.
fn quote(cell: &str) -> String {
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn cells_are_quoted_when_needed() {
        assert_eq!(quote("plain"), "plain");
        assert_eq!(quote("a,b"), "\"a,b\"");
        assert_eq!(quote("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(quote("two\nlines"), "\"two\nlines\"");
    }
}
