//! A rule firing on an event: what the output writers print.

use std::path::Path;
use std::sync::Arc;

use crate::event::Event;
use crate::matcher::{CompiledRule, RuleInfo};

/// Maximum characters of one matched field value kept in a detection, so a huge script
/// block does not flood the output.
const MAX_VALUE_CHARS: usize = 4096;

/// A rule that fired on an event.
#[derive(Debug, Clone)]
pub struct Detection {
    pub rule: Arc<RuleInfo>,
    pub timestamp: Option<String>,
    pub computer: Option<String>,
    pub channel: Option<String>,
    pub event_id: Option<u32>,
    pub record_id: Option<u64>,
    /// The file the event was read from.
    pub source: Arc<Path>,
    /// The values of the fields the rule reads, as named in the event.
    pub fields: Vec<(String, String)>,
}

impl Detection {
    pub(crate) fn new(rule: &CompiledRule, event: &Event, source: &Arc<Path>) -> Self {
        let mut fields = Vec::new();
        for &id in &rule.read_fields {
            for field in event.values(id) {
                let text: String = field.text().chars().take(MAX_VALUE_CHARS).collect();
                fields.push((field.name.to_string(), text));
            }
        }

        Detection {
            rule: Arc::clone(&rule.info),
            timestamp: event.timestamp.clone(),
            computer: event.computer.clone(),
            channel: event.channel.clone(),
            event_id: event.event_id,
            record_id: event.record_id,
            source: Arc::clone(source),
            fields,
        }
    }
}
