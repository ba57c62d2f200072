//! Log sources as data: which Windows channels, providers and event IDs a Sigma
//! `logsource` covers, and the field renames of logs that name a fact differently.
//!
//! The table lives in `data/windows-logsources.toml` and is parsed once.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;
use socfeed_sigma::LogSource;

use crate::error::HuntError;

const WINDOWS_TABLE: &str = include_str!("../data/windows-logsources.toml");

/// Index of a service in [`LogSourceTable::services`].
pub type ServiceId = u16;

/// A Sigma `service`: the channels that carry its events.
#[derive(Debug, Clone)]
pub struct Service {
    pub name: String,
    pub channels: Vec<String>,
    pub providers: Vec<String>,
}

/// One kind of event a rule's log source covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub service: ServiceId,
    /// Event IDs of the source; empty means every event of the service.
    pub event_ids: Vec<u32>,
    /// Field values an event must have besides its event ID: field, then accepted values
    /// (compared case-insensitively).
    pub conditions: Vec<(String, Vec<String>)>,
    /// Sigma field name to the name this log uses. A field whose values are translated
    /// maps to [`ValueTranslation::derived_field`] instead of the log's name.
    pub renames: HashMap<String, String>,
    /// Log fields whose values are written differently from the Sigma field they stand for.
    pub translations: Vec<ValueTranslation>,
}

/// A named conversion of a field value, implemented once here and chosen in the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Conversion {
    /// `0x1a2c` to `6700`. Only text starting with `0x` or `0X` converts.
    HexToDecimal,
}

/// The rule that turns the values of one log field into the values of the Sigma field
/// it is renamed to.
///
/// The hunt keeps the log's field and adds [`derived_field`](Self::derived_field), which
/// only the renamed rules read, so rules written for the log's own names still see the
/// log's values unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueTranslation {
    /// The field name in the log, such as `MandatoryLabel`.
    pub log_field: String,
    /// The name the renamed rules read: `<category>:<service>:<Sigma field>`.
    pub derived_field: String,
    /// Lowercase log value to the Sigma value.
    values: HashMap<String, String>,
    conversion: Option<Conversion>,
}

impl ValueTranslation {
    /// Translates one value: by the value table first, then by the conversion. A value
    /// that neither translates is returned unchanged.
    pub fn translate<'v>(&self, value: &'v str) -> Cow<'v, str> {
        if let Some(known) = self.values.get(&value.trim().to_lowercase()) {
            return Cow::Owned(known.clone());
        }
        match self.conversion {
            Some(Conversion::HexToDecimal) => hex_to_decimal(value).map_or(Cow::Borrowed(value), Cow::Owned),
            None => Cow::Borrowed(value),
        }
    }
}

fn hex_to_decimal(value: &str) -> Option<String> {
    let value = value.trim();
    let digits = value.strip_prefix("0x").or_else(|| value.strip_prefix("0X"))?;
    u64::from_str_radix(digits, 16).ok().map(|number| number.to_string())
}

/// The log source table: services, categories and the lookups from channel and provider.
#[derive(Debug)]
pub struct LogSourceTable {
    pub services: Vec<Service>,
    categories: HashMap<String, Vec<Source>>,
    service_ids: HashMap<String, ServiceId>,
    /// Lowercase channel name to the services that read it.
    by_channel: HashMap<String, Vec<ServiceId>>,
    /// Lowercase provider name to the services it writes for.
    by_provider: HashMap<String, Vec<ServiceId>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TableFile {
    service: Vec<ServiceEntry>,
    category: Vec<CategoryEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ServiceEntry {
    name: String,
    channels: Vec<String>,
    #[serde(default)]
    providers: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CategoryEntry {
    name: String,
    source: Vec<SourceEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SourceEntry {
    service: String,
    #[serde(default)]
    event_ids: Vec<u32>,
    #[serde(default, rename = "where")]
    conditions: HashMap<String, Vec<String>>,
    /// A rename is the log's name alone, or a [`TranslatedField`] table. They are read
    /// as TOML values first, so a bad table's error names its own mistake.
    #[serde(default)]
    fields: HashMap<String, toml::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TranslatedField {
    field: String,
    #[serde(default)]
    values: HashMap<String, String>,
    convert: Option<Conversion>,
}

impl LogSourceTable {
    /// Returns the built-in Windows table, parsed on first use.
    pub fn windows() -> &'static LogSourceTable {
        static TABLE: OnceLock<LogSourceTable> = OnceLock::new();
        TABLE.get_or_init(|| match LogSourceTable::parse(WINDOWS_TABLE) {
            Ok(table) => table,
            // The built-in table is checked by a unit test, so this arm cannot run in a
            // released build; an empty table keeps it from panicking all the same.
            Err(_) => LogSourceTable::empty(),
        })
    }

    fn empty() -> Self {
        LogSourceTable {
            services: vec![],
            categories: HashMap::new(),
            service_ids: HashMap::new(),
            by_channel: HashMap::new(),
            by_provider: HashMap::new(),
        }
    }

    /// Parses a table in the format of `data/windows-logsources.toml`.
    pub fn parse(text: &str) -> Result<Self, HuntError> {
        let file: TableFile = toml::from_str(text).map_err(|e| HuntError::LogSourceTable(e.to_string()))?;
        let mut table = LogSourceTable::empty();

        for entry in file.service {
            let id = ServiceId::try_from(table.services.len())
                .map_err(|_| HuntError::LogSourceTable("too many services".to_owned()))?;
            for channel in &entry.channels {
                table.by_channel.entry(channel.to_lowercase()).or_default().push(id);
            }
            for provider in &entry.providers {
                table.by_provider.entry(provider.to_lowercase()).or_default().push(id);
            }
            table.service_ids.insert(entry.name.clone(), id);
            table.services.push(Service { name: entry.name, channels: entry.channels, providers: entry.providers });
        }

        for entry in file.category {
            let mut sources = Vec::with_capacity(entry.source.len());
            for source in entry.source {
                let Some(&service) = table.service_ids.get(&source.service) else {
                    let message = format!("category `{}` names the undefined service `{}`", entry.name, source.service);
                    return Err(HuntError::LogSourceTable(message));
                };
                let mut conditions: Vec<_> = source.conditions.into_iter().collect();
                conditions.sort();

                let mut renames = HashMap::with_capacity(source.fields.len());
                let mut translations = Vec::new();
                for (sigma_field, field_entry) in source.fields {
                    let place = format!("category `{}`, service `{}`, field `{sigma_field}`", entry.name, source.service);
                    let log_field = match field_entry {
                        toml::Value::String(name) => name,
                        toml::Value::Table(table) => {
                            let field: TranslatedField = table
                                .try_into()
                                .map_err(|e| HuntError::LogSourceTable(format!("{place}: {}", e.to_string().trim())))?;
                            if field.values.is_empty() && field.convert.is_none() {
                                let message = format!("{place}: the table has neither `values` nor `convert`");
                                return Err(HuntError::LogSourceTable(message));
                            }
                            let derived_field = format!("{}:{}:{sigma_field}", entry.name, source.service);
                            let values = field.values.into_iter().map(|(from, to)| (from.to_lowercase(), to)).collect();
                            translations.push(ValueTranslation {
                                log_field: field.field,
                                derived_field: derived_field.clone(),
                                values,
                                conversion: field.convert,
                            });
                            derived_field
                        }
                        _ => {
                            let message = format!("{place}: expected the log's field name or a table");
                            return Err(HuntError::LogSourceTable(message));
                        }
                    };
                    renames.insert(sigma_field, log_field);
                }
                translations.sort_by(|a, b| a.derived_field.cmp(&b.derived_field));

                sources.push(Source { service, event_ids: source.event_ids, conditions, renames, translations });
            }
            table.categories.insert(entry.name, sources);
        }
        Ok(table)
    }

    /// Returns the event kinds a rule's log source covers, or why it covers none.
    pub fn resolve(&self, logsource: &LogSource) -> Result<Vec<Source>, String> {
        if let Some(product) = logsource.product.as_deref() {
            if product != "windows" {
                return Err(format!("product `{product}` has no mapping to Windows event logs"));
            }
        }

        let whole_service = |id: ServiceId| Source {
            service: id,
            event_ids: vec![],
            conditions: vec![],
            renames: HashMap::new(),
            translations: vec![],
        };
        let service = match logsource.service.as_deref() {
            Some(name) => match self.service_ids.get(name) {
                Some(&id) => Some(id),
                None => return Err(format!("service `{name}` has no mapping to a Windows event log channel")),
            },
            None => None,
        };

        match (logsource.category.as_deref(), service) {
            (Some(category), service) => {
                let Some(sources) = self.categories.get(category) else {
                    return Err(format!("category `{category}` has no mapping to Windows event log events"));
                };
                let sources: Vec<Source> =
                    sources.iter().filter(|s| service.is_none_or(|id| s.service == id)).cloned().collect();
                if sources.is_empty() {
                    return Err(format!("category `{category}` is not recorded by the rule's service"));
                }
                Ok(sources)
            }
            (None, Some(id)) => Ok(vec![whole_service(id)]),
            (None, None) if logsource.product.is_some() => {
                // A rule for `product: windows` alone reads every Windows event log.
                Ok((0..self.services.len()).filter_map(|i| ServiceId::try_from(i).ok()).map(whole_service).collect())
            }
            (None, None) => Err("the log source names no product, category or service".to_owned()),
        }
    }

    /// Returns the services an event belongs to: those reading its channel or, for a
    /// channel no service reads (such as ForwardedEvents), those its provider writes for.
    pub fn services_of(&self, channel: Option<&str>, provider: Option<&str>) -> &[ServiceId] {
        if let Some(ids) = channel.and_then(|c| lookup(&self.by_channel, c)) {
            return ids;
        }
        provider.and_then(|p| lookup(&self.by_provider, p)).unwrap_or(&[])
    }

    /// Returns every source of every category that translates values.
    pub fn translating_sources(&self) -> impl Iterator<Item = &Source> {
        self.categories.values().flatten().filter(|source| !source.translations.is_empty())
    }

    pub fn service_name(&self, id: ServiceId) -> &str {
        self.services.get(usize::from(id)).map_or("?", |s| s.name.as_str())
    }
}

/// Looks a name up case-insensitively without allocating when it is already lowercase.
fn lookup<'a>(map: &'a HashMap<String, Vec<ServiceId>>, name: &str) -> Option<&'a [ServiceId]> {
    if let Some(ids) = map.get(name) {
        return Some(ids);
    }
    map.get(&name.to_lowercase()).map(Vec::as_slice)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn logsource(product: Option<&str>, category: Option<&str>, service: Option<&str>) -> LogSource {
        LogSource {
            product: product.map(str::to_owned),
            category: category.map(str::to_owned),
            service: service.map(str::to_owned),
            ..LogSource::default()
        }
    }

    #[test]
    fn builtin_table_parses() {
        let table = LogSourceTable::parse(WINDOWS_TABLE);
        assert!(table.is_ok(), "{:?}", table.err());
    }

    #[test]
    fn process_creation_has_sysmon_and_security() {
        let table = LogSourceTable::windows();
        let sources = table.resolve(&logsource(Some("windows"), Some("process_creation"), None)).unwrap_or_default();
        let names: Vec<_> = sources.iter().map(|s| (table.service_name(s.service), s.event_ids.clone())).collect();
        assert_eq!(names, [("sysmon", vec![1]), ("security", vec![4688])]);
        assert_eq!(sources[1].renames.get("Image").map(String::as_str), Some("NewProcessName"));
        assert_eq!(sources[1].renames.get("ParentImage").map(String::as_str), Some("ParentProcessName"));
    }

    fn translation(sources: &[Source], log_field: &str) -> Option<ValueTranslation> {
        sources.iter().flat_map(|s| &s.translations).find(|t| t.log_field == log_field).cloned()
    }

    #[test]
    fn security_4688_translates_label_and_ids() {
        let table = LogSourceTable::windows();
        let sources = table.resolve(&logsource(Some("windows"), Some("process_creation"), None)).unwrap_or_default();
        assert!(sources[0].translations.is_empty());
        assert_eq!(sources[1].renames.get("IntegrityLevel").map(String::as_str), Some("process_creation:security:IntegrityLevel"));

        let label = translation(&sources, "MandatoryLabel").expect("MandatoryLabel translation");
        assert_eq!(label.translate("S-1-16-12288"), "High");
        assert_eq!(label.translate("S-1-16-16384"), "System");
        assert_eq!(label.translate("S-1-16-1"), "S-1-16-1");

        let pid = translation(&sources, "NewProcessId").expect("NewProcessId translation");
        assert_eq!(pid.translate("0x1a2c"), "6700");
        assert_eq!(pid.translate(" 0X1A2C "), "6700");
        assert_eq!(pid.translate("1a2c"), "1a2c");
        assert_eq!(pid.translate("0x"), "0x");
        assert_eq!(pid.translate("0xffffffffffffffffff"), "0xffffffffffffffffff");
    }

    #[test]
    fn translation_without_values_or_convert_is_an_error() {
        let text = "[[service]]\nname = \"security\"\nchannels = [\"Security\"]\n\n\
                    [[category]]\nname = \"process_creation\"\n[[category.source]]\nservice = \"security\"\n\
                    [category.source.fields]\nImage = { field = \"NewProcessName\" }\n";
        let error = LogSourceTable::parse(text).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(error.contains("field `Image`: the table has neither `values` nor `convert`"), "{error}");
    }

    #[test]
    fn unknown_conversion_is_an_error() {
        let text = "[[service]]\nname = \"security\"\nchannels = [\"Security\"]\n\n\
                    [[category]]\nname = \"process_creation\"\n[[category.source]]\nservice = \"security\"\n\
                    [category.source.fields]\nImage = { field = \"NewProcessName\", convert = \"rot13\" }\n";
        let error = LogSourceTable::parse(text).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(error.contains("field `Image`: unknown variant `rot13`"), "{error}");
    }

    #[test]
    fn unmapped_sources_are_errors() {
        let table = LogSourceTable::windows();
        assert!(table.resolve(&logsource(Some("linux"), Some("process_creation"), None)).is_err());
        assert!(table.resolve(&logsource(Some("windows"), Some("file_access"), None)).is_err());
        assert!(table.resolve(&logsource(Some("windows"), None, Some("nosuchservice"))).is_err());
    }

    #[test]
    fn forwarded_events_route_by_provider() {
        let table = LogSourceTable::windows();
        let ids = table.services_of(Some("ForwardedEvents"), Some("Microsoft-Windows-Sysmon"));
        assert_eq!(ids.iter().map(|&id| table.service_name(id)).collect::<Vec<_>>(), ["sysmon"]);
        let ids = table.services_of(Some("security"), None);
        assert_eq!(ids.iter().map(|&id| table.service_name(id)).collect::<Vec<_>>(), ["security"]);
    }
}
