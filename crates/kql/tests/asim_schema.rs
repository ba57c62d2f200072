//! Checks the `sentinel-asim` mapping file against the ASIM column list of the shared
//! data folder: every mapped column exists in its schema with the stated type, and every
//! enumeration lists exactly the schema's allowed values. Skips when the folder is absent.

use std::collections::BTreeMap;
use std::path::Path;

use socfeed_kql::mapping::ColumnType;
use socfeed_kql::sentinel_asim::SentinelAsim;

struct Column {
    column_type: String,
    allowed: Vec<String>,
}

/// Reads `schema,column,type,class,allowed_values,…` rows (no quoted fields in the file).
fn read_columns(text: &str) -> BTreeMap<(String, String), Column> {
    let mut columns = BTreeMap::new();
    for line in text.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        if cells.len() < 5 {
            continue;
        }
        let allowed = cells[4].split('|').filter(|v| !v.is_empty()).map(str::to_string).collect();
        columns.insert((cells[0].to_string(), cells[1].to_string()), Column { column_type: cells[2].to_string(), allowed });
    }
    columns
}

fn type_name(column_type: ColumnType) -> &'static str {
    match column_type {
        ColumnType::String => "string",
        ColumnType::Int => "int",
        ColumnType::Long => "long",
        ColumnType::Real => "real",
        ColumnType::Bool => "bool",
        ColumnType::Datetime => "datetime",
    }
}

#[test]
fn mapped_columns_exist_with_their_types() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/asim/columns.csv");
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("skipping: ../shared not found");
        return;
    };
    let known = read_columns(&text);
    let mapping = SentinelAsim::mapping();

    for (schema_name, schema) in &mapping.schemas {
        for (column, column_type) in &schema.columns {
            let found = known
                .get(&(schema_name.clone(), column.clone()))
                .or_else(|| known.get(&("Common".to_string(), column.clone())));
            let Some(found) = found else {
                panic!("{schema_name}.{column} is not an ASIM column");
            };
            assert_eq!(found.column_type, type_name(*column_type), "{schema_name}.{column} type");
        }
        for (column, allowed) in &schema.enums {
            let found = &known[&(schema_name.clone(), column.clone())];
            let mut expected = found.allowed.clone();
            expected.dedup();
            assert_eq!(allowed, &expected, "{schema_name}.{column} allowed values");
        }
    }
}

#[test]
fn value_translations_are_allowed_values() {
    let mapping = SentinelAsim::mapping();
    for entry in &mapping.logsources {
        let schema = &mapping.schemas[&mapping.sources[&entry.source].schema];
        for (field, field_mapping) in &mapping.fields[&entry.fields] {
            let Some(column) = &field_mapping.column else { continue };
            let Some(allowed) = schema.enums.get(column) else { continue };
            for value in field_mapping.values.values() {
                assert!(allowed.contains(value), "{field} translates to {value}, which {column} does not allow");
            }
        }
    }
}
