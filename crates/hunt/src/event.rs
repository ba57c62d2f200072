//! The event model the matcher reads: a flat list of named text values plus the facts
//! that route an event to rules (channel, provider, event ID) and that a detection reports.

use crate::derived::Derivations;

// foldhash (randomly seeded per process) instead of SipHash, because every field of every
// event is looked up here. Only rule field names are keys, so events cannot fill the table.
use foldhash::HashMap;

/// Index of a field name in a [`FieldTable`].
pub type FieldId = u32;

/// The id of a field that no rule reads.
pub const UNREAD: FieldId = FieldId::MAX;

/// The id under which keyword searches keep their string tests: they read every value
/// of the event, whatever its field. No field name is given this id.
pub(crate) const KEYWORDS: FieldId = FieldId::MAX - 1;

/// The field names the compiled rules read, interned so that matching compares integers.
#[derive(Debug, Default, Clone)]
pub struct FieldTable {
    ids: HashMap<Box<str>, FieldId>,
    names: Vec<Box<str>>,
}

impl FieldTable {
    /// Returns the id of `name`, adding it when new.
    pub fn intern(&mut self, name: &str) -> FieldId {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let id = FieldId::try_from(self.names.len()).unwrap_or(KEYWORDS - 1).min(KEYWORDS - 1);
        self.ids.insert(name.into(), id);
        self.names.push(name.into());
        id
    }

    /// Returns the id of `name`, or [`UNREAD`] when no rule reads it.
    pub fn id(&self, name: &str) -> FieldId {
        self.ids.get(name).copied().unwrap_or(UNREAD)
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// One value of an event field. A field with a list of values (the unnamed `Data`
/// elements of classic logs) appears once per value.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: Box<str>,
    /// [`UNREAD`] for fields that no rule reads (kept only for keyword searches).
    pub id: FieldId,
    /// `None` for a JSON `null`. Numbers and booleans hold their JSON text.
    pub value: Option<Box<str>>,
    /// The lowercase value, computed once when the event is built.
    pub lower: Option<Box<str>>,
}

impl Field {
    /// Returns the text, or "" for a null value.
    pub fn text(&self) -> &str {
        self.value.as_deref().unwrap_or("")
    }

    /// Returns the lowercase text, computing it when the event did not store it.
    pub fn lowercase(&self) -> std::borrow::Cow<'_, str> {
        match &self.lower {
            Some(lower) => std::borrow::Cow::Borrowed(lower),
            None => std::borrow::Cow::Owned(self.text().to_lowercase()),
        }
    }
}

/// An event: its fields and the facts that route it and identify it in a detection.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Event {
    pub fields: Vec<Field>,
    pub channel: Option<String>,
    pub provider: Option<String>,
    pub event_id: Option<u32>,
    pub computer: Option<String>,
    /// The event time as written in the log (`System.TimeCreated.SystemTime` in EVTX).
    pub timestamp: Option<String>,
    pub record_id: Option<u64>,
}

impl Event {
    /// Returns the values of one field, none when the event lacks it.
    pub fn values(&self, id: FieldId) -> impl Iterator<Item = &Field> {
        self.fields.iter().filter(move |f| f.id == id)
    }

    /// Returns the first value of a field by name.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|f| &*f.name == name).map(Field::text)
    }
}

/// Builds an event field by field, keeping what the rules read and the routing facts.
pub struct EventBuilder<'a> {
    table: &'a FieldTable,
    /// Keep fields that no rule names, because a keyword search reads every value.
    keep_all: bool,
    derivations: Option<&'a Derivations>,
    /// Values waiting for a translation: its index in `derivations`, and the value. They
    /// wait because the channel and event ID that decide whether it applies may come later.
    pending: Vec<(usize, Option<Box<str>>)>,
    event: Event,
}

impl<'a> EventBuilder<'a> {
    pub fn new(table: &'a FieldTable, keep_all: bool) -> Self {
        EventBuilder { table, keep_all, derivations: None, pending: Vec::new(), event: Event::default() }
    }

    /// Returns a builder that also adds the derived fields of `derivations`.
    pub fn with_derivations(table: &'a FieldTable, keep_all: bool, derivations: &'a Derivations) -> Self {
        let derivations = (!derivations.is_empty()).then_some(derivations);
        EventBuilder { table, keep_all, derivations, pending: Vec::new(), event: Event::default() }
    }

    /// Adds one field value; `None` is a null value.
    pub fn push(&mut self, name: &str, value: Option<&str>) {
        self.note_routing_fact(name, value);

        if let Some(derivations) = self.derivations {
            for (index, log_field) in derivations.log_fields().enumerate() {
                if log_field == name {
                    self.pending.push((index, value.map(Into::into)));
                }
            }
        }

        let id = self.table.id(name);
        if id == UNREAD && !self.keep_all {
            return;
        }
        // Kept fields that no rule names are read by keyword searches, which fold case too.
        let lower = value.map(|v| v.to_lowercase().into_boxed_str());
        self.event.fields.push(Field { name: name.into(), id, value: value.map(Into::into), lower });
    }

    fn note_routing_fact(&mut self, name: &str, value: Option<&str>) {
        let Some(value) = value else { return };
        let event = &mut self.event;
        match name {
            "Channel" => event.channel = Some(value.to_owned()),
            "Provider_Name" => event.provider = Some(value.to_owned()),
            "EventID" => event.event_id = value.trim().parse().ok(),
            "Computer" => event.computer = Some(value.to_owned()),
            "EventRecordID" => event.record_id = value.trim().parse().ok(),
            "TimeCreated_SystemTime" | "TimeCreated" | "@timestamp" | "timestamp" => {
                if event.timestamp.is_none() || name == "TimeCreated_SystemTime" {
                    event.timestamp = Some(value.to_owned());
                }
            }
            _ => {}
        }
    }

    /// Returns the event, with the derived fields of the translations that apply to it.
    pub fn finish(mut self) -> Event {
        let Some(derivations) = self.derivations else {
            return self.event;
        };

        let mut derived = Vec::new();
        for (index, value) in &self.pending {
            let Some((id, name, text)) = derivations.derive(*index, &self.event, value.as_deref()) else {
                continue;
            };

            // The log's own value stays a second value of the derived field, so a rule
            // that lists it (SigmaHQ rules list `S-1-16-16384` beside `System`) matches.
            // NOTE: a per-value negation such as `|neq: System` then passes on the
            // other value; no SigmaHQ rule applies one to a translated field.
            let changed = text.as_deref() != value.as_deref();
            let lower = text.as_deref().map(|t| t.to_lowercase().into_boxed_str());
            derived.push(Field { name: name.into(), id, value: text.map(String::into_boxed_str), lower });
            if changed {
                let lower = value.as_deref().map(|v| v.to_lowercase().into_boxed_str());
                derived.push(Field { name: name.into(), id, value: value.clone(), lower });
            }
        }
        self.event.fields.extend(derived);
        self.event
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_keeps_read_fields_only() {
        let mut table = FieldTable::default();
        let image = table.intern("Image");

        let mut builder = EventBuilder::new(&table, false);
        builder.push("Image", Some("C:\\Windows\\CMD.exe"));
        builder.push("Hashes", Some("MD5=00"));
        builder.push("EventID", Some("1"));
        builder.push("Channel", Some("Microsoft-Windows-Sysmon/Operational"));
        let event = builder.finish();

        assert_eq!(event.fields.len(), 1);
        assert_eq!(event.values(image).next().and_then(|f| f.lower.as_deref()), Some("c:\\windows\\cmd.exe"));
        assert_eq!(event.event_id, Some(1));
        assert_eq!(event.channel.as_deref(), Some("Microsoft-Windows-Sysmon/Operational"));
    }

    #[test]
    fn builder_keeps_all_for_keywords() {
        let table = FieldTable::default();
        let mut builder = EventBuilder::new(&table, true);
        builder.push("Hashes", Some("MD5=00"));
        builder.push("Data", None);
        let event = builder.finish();
        assert_eq!(event.fields.len(), 2);
        assert_eq!(event.get("Hashes"), Some("MD5=00"));
        assert_eq!(event.get("Data"), Some(""));
    }
}
