//! Derived fields: log values translated into the values a Sigma field has elsewhere,
//! such as the mandatory label SID of Security event 4688 read as Sysmon's integrity level.
//!
//! The log source table names the translations. An event keeps the log's own field and
//! gains a derived one, read by the renamed rules. The derived field contains the translated
//! value and, when it differs, the log's own value too.

use crate::event::{Event, FieldId, FieldTable, UNREAD};
use crate::logsource::{LogSourceTable, ServiceId, ValueTranslation};

/// One translation that some loaded rule reads, with the events it applies to.
#[derive(Debug)]
struct Derivation {
    service: ServiceId,
    /// Empty means every event of the service.
    event_ids: Vec<u32>,
    translation: ValueTranslation,
    /// The id of [`ValueTranslation::derived_field`].
    id: FieldId,
}

/// The translations that the loaded rules read.
#[derive(Debug)]
pub struct Derivations {
    table: &'static LogSourceTable,
    items: Vec<Derivation>,
}

impl Derivations {
    /// Collects the translations of `table` whose derived field some rule in `fields` reads.
    pub fn new(table: &'static LogSourceTable, fields: &FieldTable) -> Self {
        let mut items = Vec::new();
        for source in table.translating_sources() {
            for translation in &source.translations {
                let id = fields.id(&translation.derived_field);
                if id == UNREAD {
                    continue;
                }
                items.push(Derivation {
                    service: source.service,
                    event_ids: source.event_ids.clone(),
                    translation: translation.clone(),
                    id,
                });
            }
        }
        Derivations { table, items }
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Returns the log field each translation reads, in index order.
    pub(crate) fn log_fields(&self) -> impl Iterator<Item = &str> {
        self.items.iter().map(|d| d.translation.log_field.as_str())
    }

    /// Returns the derived field of translation `index` for an event, or `None` when the
    /// event is not of the translation's service and event ID.
    pub(crate) fn derive(
        &self,
        index: usize,
        event: &Event,
        value: Option<&str>,
    ) -> Option<(FieldId, &str, Option<String>)> {
        let derivation = self.items.get(index)?;
        let services = self.table.services_of(event.channel.as_deref(), event.provider.as_deref());
        if !services.contains(&derivation.service) {
            return None;
        }
        let id_matches =
            derivation.event_ids.is_empty() || event.event_id.is_some_and(|id| derivation.event_ids.contains(&id));
        if !id_matches {
            return None;
        }
        let translated = value.map(|v| derivation.translation.translate(v).into_owned());
        Some((derivation.id, derivation.translation.log_field.as_str(), translated))
    }
}
