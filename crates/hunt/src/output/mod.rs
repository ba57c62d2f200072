//! Output writers for detections: a table for people, JSON Lines, JSON and CSV for tools.

mod csv;
mod json;
mod table;

use std::io::{self, Write};

pub use self::csv::write_csv;
pub use self::json::{detection_json, write_json, write_jsonl};
pub use self::table::write_table;

use crate::Detection;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Jsonl,
    Json,
    Csv,
}

/// Writes detections in a format.
pub fn write(format: Format, detections: &[Detection], out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Table => write_table(detections, out),
        Format::Jsonl => write_jsonl(detections, out),
        Format::Json => write_json(detections, out),
        Format::Csv => write_csv(detections, out),
    }
}

fn level_name(detection: &Detection) -> &'static str {
    detection.rule.level.map_or("", |l| l.name())
}

/// The matched field values as `name=value` pairs separated by `sep`.
fn fields_text(detection: &Detection, sep: &str) -> String {
    detection.fields.iter().map(|(name, value)| format!("{name}={value}")).collect::<Vec<_>>().join(sep)
}
