//! Turns a JSON event into the flat [`Event`] model.
//!
//! Two shapes are read. The `evtx` crate's rendering nests the record under `Event`:
//! `Event.System` holds the header (attributes under `#attributes`, element text under
//! `#text`), `Event.EventData` maps each `Data` element's `Name` to its value, and
//! `Event.UserData` holds one provider-defined element. Any other object is a flat event
//! whose keys are already Sigma field names; nested objects there become dotted names.

use serde_json::{Map, Value};

use crate::event::{Event, EventBuilder};

/// Builds an event from one JSON value in either shape.
pub fn event_from_json(json: &Value, mut builder: EventBuilder<'_>) -> Event {
    match json.get("Event") {
        Some(Value::Object(record)) => read_record(record, &mut builder),
        _ => read_flat("", json, &mut builder),
    }
    builder.finish()
}

fn read_record(record: &Map<String, Value>, builder: &mut EventBuilder<'_>) {
    if let Some(Value::Object(system)) = record.get("System") {
        for (name, value) in system {
            read_system_field(name, value, builder);
        }
    }

    if let Some(data) = record.get("EventData") {
        read_data(data, builder);
    }

    if let Some(Value::Object(user_data)) = record.get("UserData") {
        // UserData holds one element named by the provider; its children are the fields.
        for (name, value) in user_data {
            match value {
                Value::Object(_) => read_data(value, builder),
                _ if name != "#attributes" => push_value(name, value, builder),
                _ => {}
            }
        }
    }
}

/// Reads a `System` child: `EventID` may be `{"#attributes": {"Qualifiers": …}, "#text": 4688}`,
/// and `Provider` keeps its name in an attribute, which becomes `Provider_Name`.
fn read_system_field(name: &str, value: &Value, builder: &mut EventBuilder<'_>) {
    let Value::Object(object) = value else {
        push_value(name, value, builder);
        return;
    };

    if let Some(text) = object.get("#text") {
        push_value(name, text, builder);
    }
    if let Some(Value::Object(attributes)) = object.get("#attributes") {
        for (attribute, value) in attributes {
            push_value(&format!("{name}_{attribute}"), value, builder);
        }
    }
}

/// Reads `EventData` or a `UserData` element: each key is a field name. The unnamed `Data`
/// elements of classic logs arrive as `Data: [..]` or `Data: {"#text": ..}`.
fn read_data(data: &Value, builder: &mut EventBuilder<'_>) {
    let Value::Object(fields) = data else {
        if !data.is_null() {
            push_value("Data", data, builder);
        }
        return;
    };

    for (name, value) in fields {
        if name == "#attributes" {
            continue;
        }
        match value {
            Value::Object(inner) => match inner.get("#text") {
                Some(text) => push_value(name, text, builder),
                None => read_data(value, builder),
            },
            _ => push_value(name, value, builder),
        }
    }
}

fn read_flat(prefix: &str, value: &Value, builder: &mut EventBuilder<'_>) {
    let Value::Object(object) = value else {
        push_value(prefix, value, builder);
        return;
    };

    for (name, value) in object {
        let path = if prefix.is_empty() { name.clone() } else { format!("{prefix}.{name}") };
        match value {
            Value::Object(_) => read_flat(&path, value, builder),
            _ => push_value(&path, value, builder),
        }
    }
}

/// Pushes a scalar, or each element of an array, as the field's text.
fn push_value(name: &str, value: &Value, builder: &mut EventBuilder<'_>) {
    match value {
        Value::Null => builder.push(name, None),
        Value::String(text) => builder.push(name, Some(text)),
        Value::Bool(b) => builder.push(name, Some(if *b { "true" } else { "false" })),
        Value::Number(n) => builder.push(name, Some(&n.to_string())),
        Value::Array(items) => {
            for item in items {
                match item {
                    Value::Object(inner) => match inner.get("#text") {
                        Some(text) => push_value(name, text, builder),
                        None => read_flat(name, item, builder),
                    },
                    _ => push_value(name, item, builder),
                }
            }
        }
        Value::Object(_) => read_flat(name, value, builder),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::FieldTable;

    #[test]
    fn evtx_shape_flattens_system_and_data() {
        let json = serde_json::json!({"Event": {
            "System": {
                "Provider": {"#attributes": {"Name": "Microsoft-Windows-Security-Auditing"}},
                "EventID": {"#attributes": {"Qualifiers": 0}, "#text": 4688},
                "Channel": "Security",
                "Computer": "host1",
                "EventRecordID": 42,
                "TimeCreated": {"#attributes": {"SystemTime": "2024-01-02T03:04:05.000Z"}}
            },
            "EventData": {"NewProcessName": "C:\\x.exe", "Data": [{"#text": "a"}, "b"], "Nothing": null}
        }});
        let event = event_from_json(&json, EventBuilder::new(&FieldTable::default(), true));

        assert_eq!(event.event_id, Some(4688));
        assert_eq!(event.provider.as_deref(), Some("Microsoft-Windows-Security-Auditing"));
        assert_eq!(event.record_id, Some(42));
        assert_eq!(event.timestamp.as_deref(), Some("2024-01-02T03:04:05.000Z"));
        assert_eq!(event.get("NewProcessName"), Some("C:\\x.exe"));
        let data: Vec<_> = event.fields.iter().filter(|f| &*f.name == "Data").map(|f| f.text()).collect();
        assert_eq!(data, ["a", "b"]);
        assert!(event.fields.iter().any(|f| &*f.name == "Nothing" && f.value.is_none()));
    }

    #[test]
    fn user_data_children_become_fields() {
        let json = serde_json::json!({"Event": {
            "System": {"EventID": 1102, "Channel": "Security"},
            "UserData": {"LogFileCleared": {"#attributes": {"xmlns": "x"}, "SubjectUserName": "bob"}}
        }});
        let event = event_from_json(&json, EventBuilder::new(&FieldTable::default(), true));
        assert_eq!(event.get("SubjectUserName"), Some("bob"));
        assert_eq!(event.get("xmlns"), None);
    }

    #[test]
    fn flat_events_keep_names() {
        let json = serde_json::json!({"EventID": "1", "Image": "C:\\a.exe", "Process": {"Name": "a"}});
        let event = event_from_json(&json, EventBuilder::new(&FieldTable::default(), true));
        assert_eq!(event.event_id, Some(1));
        assert_eq!(event.get("Image"), Some("C:\\a.exe"));
        assert_eq!(event.get("Process.Name"), Some("a"));
    }
}
