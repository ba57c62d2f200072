//! Runs the KQL validation harness (`kql-validate/validate.js`, Microsoft's Kusto
//! language service under Node.js) on queries, with each target's schema built from the
//! column lists of the shared data folder.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

/// A query to check, with the target whose schema it runs against.
pub struct Query {
    pub target: String,
    /// The rule file or test the query comes from, for messages.
    pub name: String,
    pub query: String,
}

/// The harness's verdict.
pub struct Verdict {
    pub success: bool,
    /// Everything the harness printed: one line per problem, then a summary per target.
    pub output: String,
    /// The harness's JSON report: `{ summary: {target: counts}, problems: [...] }`.
    pub report: Value,
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Returns why the harness cannot run here, or `None` when it can. In CI (`CI` set)
/// a missing Node.js or package is a failure rather than a reason to skip, because the
/// CI script installs both.
pub fn unavailable() -> Option<String> {
    let node = Command::new("node").arg("--version").output();
    let reason = if !node.is_ok_and(|out| out.status.success()) {
        Some("node is not installed".to_string())
    } else if !repo_root().join("kql-validate/node_modules/@kusto/language-service-next").is_dir() {
        Some("kql-validate/node_modules is missing (run `npm ci --prefix kql-validate`)".to_string())
    } else {
        None
    };
    if let Some(reason) = &reason {
        assert!(std::env::var_os("CI").is_none(), "the KQL validation harness cannot run in CI: {reason}");
    }
    reason
}

/// Runs the harness on `queries` against the schemas of `shared` (the shared data folder).
pub fn validate(shared: &Path, queries: &[Query]) -> Verdict {
    let names: std::collections::BTreeSet<&str> = queries.iter().map(|q| q.target.as_str()).collect();
    let targets: BTreeMap<&str, Value> = names.into_iter().map(|t| (t, target_schema(shared, t))).collect();
    let queries: Vec<Value> = queries.iter().map(|q| json!({ "target": q.target, "name": q.name, "query": q.query })).collect();
    let input = json!({ "targets": targets, "queries": queries });

    let dir = TempDir::new();
    let input_path = dir.0.join("queries.json");
    let report_path = dir.0.join("report.json");
    let bytes = serde_json::to_vec(&input).expect("JSON");
    std::fs::write(&input_path, &bytes).expect("writing the harness input");
    // A copy lets a developer rerun the harness by hand: node kql-validate/validate.js FILE.
    if let Some(copy) = std::env::var_os("KQL_VALIDATE_SAVE") {
        std::fs::write(&copy, &bytes).unwrap_or_else(|e| panic!("writing KQL_VALIDATE_SAVE: {e}"));
    }

    let output = Command::new("node")
        .arg(repo_root().join("kql-validate/validate.js"))
        .arg(&input_path)
        .arg("--report")
        .arg(&report_path)
        .output()
        .expect("running node");
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    let report = std::fs::read(&report_path)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_else(|| panic!("the harness wrote no report (exit {:?}):\n{text}", output.status.code()));
    Verdict { success: output.status.success(), output: text, report }
}

/// The tables and functions a target's queries may read, as the harness's JSON.
fn target_schema(shared: &Path, target: &str) -> Value {
    match target {
        "sentinel-asim" => json!({ "functions": asim_functions(shared) }),
        "defender-xdr" => json!({ "tables": defender_tables(shared) }),
        "sentinel" => json!({ "tables": azure_monitor_tables(shared) }),
        other => panic!("the harness has no schema for target {other}; add one in tests/common/harness.rs"),
    }
}

/// Column types as KQL names them; the column lists also hold a few names that are not
/// KQL types (ASIM's `IP address`, a misspelt `sting`), which are string columns.
fn kql_type(raw: &str) -> &'static str {
    match raw.trim() {
        "int" => "int",
        "long" | "bigint" => "long",
        "real" | "double" => "real",
        "bool" | "boolean" => "bool",
        "datetime" => "datetime",
        "dynamic" => "dynamic",
        "guid" => "guid",
        "timespan" => "timespan",
        "decimal" => "decimal",
        _ => "string",
    }
}

/// A directory of its own under the system's temporary directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Self {
        static COUNT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("socfeed-kql-validate-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("creating {}: {e}", dir.display()));
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Reads the rows after the header of a CSV file whose quoted cells hold no line breaks.
fn read_csv(path: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines().skip(1).filter(|line| !line.is_empty()).map(split_csv_line).collect()
}

/// Splits one CSV line into cells; a quoted cell may hold commas and doubled quotes.
fn split_csv_line(line: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                cells.last_mut().unwrap().push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => cells.push(String::new()),
            _ => cells.last_mut().unwrap().push(c),
        }
    }
    cells
}

fn column(name: &str, column_type: &str, values: &[String]) -> Value {
    if values.is_empty() {
        json!({ "name": name, "type": kql_type(column_type) })
    } else {
        json!({ "name": name, "type": kql_type(column_type), "values": values })
    }
}

/// ASIM parser names per schema, as Microsoft's ASIM documentation names the workspace
/// (`im…`) and built-in (`_Im_…`) unifying parsers.
const ASIM_PARSERS: &[(&str, &[&str])] = &[
    ("AuditEvent", &["imAuditEvent", "_Im_AuditEvent"]),
    ("Authentication", &["imAuthentication", "_Im_Authentication"]),
    ("Dhcp", &["imDhcpEvent", "_Im_DhcpEvent"]),
    ("Dns", &["imDns", "_Im_Dns"]),
    ("FileEvent", &["imFileEvent", "_Im_FileEvent"]),
    ("NetworkSession", &["imNetworkSession", "_Im_NetworkSession"]),
    (
        "ProcessEvent",
        &["imProcessEvent", "imProcessCreate", "imProcessTerminate", "_Im_ProcessEvent", "_Im_ProcessCreate", "_Im_ProcessTerminate"],
    ),
    ("RegistryEvent", &["imRegistry", "_Im_RegistryEvent"]),
    ("UserManagement", &["imUserManagement", "_Im_UserManagement"]),
    ("WebSession", &["imWebSession", "_Im_WebSession"]),
];

/// Every ASIM parser as a function returning the common columns plus its schema's
/// columns (a schema's own row for a column wins), with the allowed values of
/// enumerated columns.
fn asim_functions(shared: &Path) -> Vec<Value> {
    let rows = read_csv(&shared.join("data/asim/columns.csv"));
    let mut schemas: BTreeMap<String, BTreeMap<String, (String, Vec<String>)>> = BTreeMap::new();
    for row in &rows {
        let (schema, name, column_type, allowed) = (&row[0], &row[1], &row[2], &row[4]);
        let mut values: Vec<String> = allowed.split('|').filter(|v| !v.is_empty()).map(str::to_string).collect();
        values.dedup();
        schemas.entry(schema.to_string()).or_default().insert(name.to_string(), (column_type.to_string(), values));
    }

    let common = schemas.get("Common").cloned().unwrap_or_default();
    let mut functions = Vec::new();
    for (schema, parsers) in ASIM_PARSERS {
        let own = schemas.get(*schema).unwrap_or_else(|| panic!("the ASIM column list has no {schema} schema"));
        let mut columns = common.clone();
        columns.extend(own.iter().map(|(k, v)| (k.clone(), v.clone())));
        let columns: Vec<Value> = columns.iter().map(|(name, (t, values))| column(name, t, values)).collect();
        for parser in *parsers {
            functions.push(json!({ "name": parser, "columns": columns }));
        }
    }
    functions
}

/// Defender XDR tables. Only `ProcessTokenElevation` is treated as enumerated: the other
/// value lists of the column list are examples or documentation wording, not domains.
fn defender_tables(shared: &Path) -> Vec<Value> {
    let rows = read_csv(&shared.join("data/defender-xdr/columns.csv"));
    let mut tables: BTreeMap<String, BTreeMap<String, Value>> = BTreeMap::new();
    for row in &rows {
        // Some names carry leftovers of the documentation's markup (a leading space, a
        // backtick and footnote marks after the name).
        let name = row[1].trim().split('`').next().unwrap_or("").trim();
        let values: Vec<String> = if name == "ProcessTokenElevation" {
            row[4].split('|').filter(|v| !v.is_empty()).map(str::to_string).collect()
        } else {
            Vec::new()
        };
        tables.entry(row[0].to_string()).or_default().insert(name.to_string(), column(name, &row[2], &values));
    }
    let columns = |table: BTreeMap<String, Value>| table.into_values().collect::<Vec<_>>();
    tables.into_iter().map(|(name, table)| json!({ "name": name, "columns": columns(table) })).collect()
}

/// Azure Monitor tables, as Microsoft Sentinel workspaces have them.
fn azure_monitor_tables(shared: &Path) -> Vec<Value> {
    let rows = read_csv(&shared.join("data/azure-monitor/columns.csv"));
    let mut tables: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for row in &rows {
        tables.entry(row[0].to_string()).or_default().push(column(&row[1], &row[2], &[]));
    }
    tables.into_iter().map(|(name, columns)| json!({ "name": name, "columns": columns })).collect()
}
