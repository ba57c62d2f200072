//! JSON and JSON Lines output: one object per detection.

use std::io::{self, Write};

use serde_json::{json, Map, Value};

use crate::Detection;

/// Returns a detection as a JSON object. A field with several values becomes an array.
pub fn detection_json(detection: &Detection) -> Value {
    let mut fields = Map::new();
    for (name, value) in &detection.fields {
        match fields.get_mut(name) {
            Some(Value::Array(values)) => values.push(Value::from(value.as_str())),
            Some(first) => *first = Value::Array(vec![first.take(), Value::from(value.as_str())]),
            None => {
                fields.insert(name.clone(), Value::from(value.as_str()));
            }
        }
    }

    let rule = &detection.rule;
    json!({
        "rule_id": rule.id,
        "rule_title": rule.title,
        "level": rule.level.map(|l| l.name()),
        "status": rule.status.map(|s| s.name()),
        "rule_path": rule.path,
        "timestamp": detection.timestamp,
        "computer": detection.computer,
        "channel": detection.channel,
        "event_id": detection.event_id,
        "record_id": detection.record_id,
        "source": detection.source,
        "fields": fields,
    })
}

pub fn write_jsonl(detections: &[Detection], out: &mut dyn Write) -> io::Result<()> {
    for detection in detections {
        serde_json::to_writer(&mut *out, &detection_json(detection))?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

pub fn write_json(detections: &[Detection], out: &mut dyn Write) -> io::Result<()> {
    let all: Vec<Value> = detections.iter().map(detection_json).collect();
    serde_json::to_writer_pretty(&mut *out, &all)?;
    out.write_all(b"\n")
}
