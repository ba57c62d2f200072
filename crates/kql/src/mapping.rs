//! Mapping files: which table or parser a log source reads, and which column (or
//! column expression) each Sigma field becomes. Each backend compiles its own file in
//! with `include_str!`; the format is shared so later backends only add data.

use std::collections::BTreeMap;

use serde::Deserialize;
use socfeed_sigma::LogSource;

use crate::DataSource;

/// A whole mapping file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MappingFile {
    /// Parsers or tables a query can start with, by the name the query uses.
    pub sources: BTreeMap<String, SourceInfo>,
    /// Log sources the target models, tried in file order.
    pub logsources: Vec<LogsourceMapping>,
    /// Column types and enumerations per schema, for the columns the mappings use.
    pub schemas: BTreeMap<String, Schema>,
    /// Field sets: Sigma field name to its mapping, one set per kind of event.
    pub fields: BTreeMap<String, BTreeMap<String, FieldMapping>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceInfo {
    /// The schema in [`MappingFile::schemas`] that types the source's columns.
    pub schema: String,
    pub description: String,
    pub tables: Vec<String>,
    pub connectors: Vec<String>,
}

impl SourceInfo {
    pub fn data_source(&self, name: &str) -> DataSource {
        DataSource {
            name: name.to_string(),
            description: self.description.clone(),
            tables: self.tables.clone(),
            connectors: self.connectors.clone(),
        }
    }
}

/// One Sigma log source and how the target reads it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogsourceMapping {
    pub category: Option<String>,
    /// Products the entry accepts; empty means the rule must name no product.
    #[serde(default)]
    pub products: Vec<String>,
    pub service: Option<String>,
    /// Key into [`MappingFile::sources`].
    pub source: String,
    /// Key into [`MappingFile::fields`].
    pub fields: String,
    /// Predicates that narrow the source to the log source's events, ANDed first.
    #[serde(default)]
    pub filters: Vec<String>,
    /// Differences between the log source and the source, stated in every conversion.
    #[serde(default)]
    pub caveats: Vec<String>,
    /// The string expression holding the raw event text, which keyword (field-less)
    /// values search; without it a rule with keywords is refused. `*` stands for the
    /// JSON text of all the row's columns, for sources without a raw-event column.
    pub keywords: Option<String>,
    /// Whether `keywords` is the event text as written (a syslog message) rather than
    /// XML or JSON, which store some characters escaped. Only then may a keyword
    /// contain those characters.
    #[serde(default)]
    pub keywords_plain: bool,
}

impl LogsourceMapping {
    pub fn matches(&self, logsource: &LogSource) -> bool {
        let product_ok = match &logsource.product {
            Some(product) => self.products.iter().any(|p| p == product),
            None => self.products.is_empty(),
        };
        product_ok && self.category == logsource.category && self.service == logsource.service
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schema {
    pub columns: BTreeMap<String, ColumnType>,
    /// Allowed values of enumerated columns.
    #[serde(default)]
    pub enums: BTreeMap<String, Vec<String>>,
}

/// KQL scalar types of the columns the mappings use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnType {
    String,
    Int,
    Long,
    Real,
    Bool,
    Datetime,
}

impl ColumnType {
    pub fn is_numeric(self) -> bool {
        matches!(self, Self::Int | Self::Long | Self::Real)
    }
}

/// The mapping of one Sigma field. Exactly one of `column`, `expr` and `hashes` is set.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldMapping {
    /// The column the field maps to.
    pub column: Option<String>,
    /// A KQL expression standing for the field, when no single column means the same.
    pub expr: Option<String>,
    /// The type of `expr`.
    #[serde(rename = "type")]
    pub expr_type: Option<ColumnType>,
    /// A name for `expr`: the query computes it once with `| extend alias = expr` and
    /// compares the alias, which keeps long expressions out of the `where`.
    pub alias: Option<String>,
    /// Sigma value (compared case-insensitively) to the column's value; when set, a
    /// value outside this table is refused.
    #[serde(default)]
    pub values: BTreeMap<String, String>,
    /// A value rewrite implemented in code, such as registry hive names.
    pub transform: Option<Transform>,
    /// For Sysmon's `Hashes` (`ALGO=hex,…`): algorithm name to the column with that hash.
    #[serde(default)]
    pub hashes: BTreeMap<String, String>,
    /// Stated in the conversion whenever the rule uses the field.
    pub caveat: Option<String>,
    /// The format of a larger text that contains the field's value, when the column or
    /// expression is such a text (an event's whole EventData XML, say). Then only tests
    /// that search for a substring keep their meaning, and the conversion refuses every
    /// other test.
    pub search_in: Option<TextFormat>,
    /// An expression that is null exactly when the event lacks the field, such as the
    /// dynamic member that `expr` reads with `tostring`. `{field}` is filled in as in
    /// `expr`. With it, exists tests and a lone `*` tell a missing field from an empty
    /// value.
    pub presence: Option<String>,
    /// Characters that no value of the column contains: a string test whose value has
    /// one can never match, so the conversion rejects it.
    #[serde(default)]
    pub never_contains: String,
    /// The format of the text the expression reads the value from without unescaping it
    /// (an `extract` from the EventData XML, say). A string test whose value contains a
    /// character the format escapes is rejected, because it can never match.
    pub escaped_in: Option<TextFormat>,
}

/// The format of a larger text, which decides the characters it stores escaped. A
/// search for a value with one of them would look for a form the text never contains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TextFormat {
    /// XML, which escapes `&`, `<` and `>`.
    Xml,
    /// JSON, which escapes `"` and `\`.
    Json,
}

impl TextFormat {
    /// Returns the characters the format stores escaped.
    pub fn escaped(self) -> &'static [char] {
        match self {
            TextFormat::Xml => &['&', '<', '>'],
            TextFormat::Json => &['"', '\\'],
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            TextFormat::Xml => "XML",
            TextFormat::Json => "JSON",
        }
    }
}

/// Value rewrites that need code rather than a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Transform {
    /// Short and kernel hive names (`HKLM`, `\REGISTRY\MACHINE`) to the long form.
    RegistryHive,
    /// Registry value data: notes where Sysmon's `DWORD (0x…)` form is relied on.
    RegistryData,
    /// Hive names as Defender XDR writes them (`HKEY_CURRENT_USER\<SID>` for user hives).
    RegistryHiveDefender,
    /// Registry value data as Defender XDR writes it: numbers in decimal.
    RegistryDataDecimal,
}

impl MappingFile {
    /// Parses a mapping file and checks that every name it uses is defined.
    pub fn parse(text: &str) -> Result<Self, String> {
        let file: MappingFile = toml::from_str(text).map_err(|e| e.to_string())?;
        file.check()?;
        Ok(file)
    }

    pub fn logsource(&self, logsource: &LogSource) -> Option<&LogsourceMapping> {
        self.logsources.iter().find(|entry| entry.matches(logsource))
    }

    fn check(&self) -> Result<(), String> {
        for entry in &self.logsources {
            let source = self.sources.get(&entry.source).ok_or_else(|| format!("logsource entry names unknown source {}", entry.source))?;
            let schema = self.schemas.get(&source.schema).ok_or_else(|| format!("source {} names unknown schema {}", entry.source, source.schema))?;
            let fields = self.fields.get(&entry.fields).ok_or_else(|| format!("logsource entry names unknown field set {}", entry.fields))?;
            for (field, mapping) in fields {
                mapping.check(schema).map_err(|e| format!("field set {}, field {field}: {e}", entry.fields))?;
            }
        }
        Ok(())
    }
}

impl FieldMapping {
    fn check(&self, schema: &Schema) -> Result<(), String> {
        let kinds = [self.column.is_some(), self.expr.is_some(), !self.hashes.is_empty()];
        if kinds.iter().filter(|set| **set).count() != 1 {
            return Err("set exactly one of column, expr and hashes".to_string());
        }
        if self.expr.is_some() && self.expr_type.is_none() {
            return Err("an expr needs a type".to_string());
        }
        if let Some(alias) = &self.alias {
            if self.expr.is_none() {
                return Err("an alias needs an expr".to_string());
            }
            if schema.columns.contains_key(alias) {
                return Err(format!("alias {alias} would hide the schema column of that name"));
            }
        }
        for column in self.column.iter().chain(self.hashes.values()) {
            if !schema.columns.contains_key(column) {
                return Err(format!("column {column} is not in the schema's column list"));
            }
        }
        Ok(())
    }
}
