//! Reads rule files: YAML with positions, multi-document collections, and each
//! document's metadata, detection, correlation or filter.

mod condition;
mod correlation;
mod detection;
mod encoding;
mod error;
mod fields;
mod locate;
mod meta;
mod modifiers;
mod yaml;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub use condition::wildcard_match;
pub use error::{ReadError, ReadErrorKind};

use error::{Problem, Problems};
use yaml::{Node, NodeKind, YamlErrorKind};

use crate::rule::{Document, Rule};

/// A rule file and what was read from it.
#[derive(Debug, Clone)]
pub struct RuleFile {
    pub path: PathBuf,
    pub text: String,
    /// The documents read without error, in file order (`action: global` documents are
    /// merged into the others, not listed).
    pub documents: Vec<Document>,
    /// The errors of each document that could not be read (all independent errors found in
    /// it, sorted by position), plus YAML syntax errors.
    pub errors: Vec<ReadError>,
}

/// The file text, split into lines for locating positions inside scalars.
pub(crate) struct Source<'a> {
    pub lines: Vec<&'a str>,
}

/// Reads a rule file from disk. An I/O failure or non-UTF-8 text is returned as the
/// file's only error.
pub fn read_file(path: &Path) -> RuleFile {
    let io_error = |message: String| RuleFile {
        path: path.to_owned(),
        text: String::new(),
        documents: vec![],
        errors: vec![ReadError { path: path.to_owned(), span: None, kind: ReadErrorKind::Io, message }],
    };

    match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => read_str(path, text),
            Err(e) => io_error(format!("the file is not valid UTF-8 (invalid byte at offset {})", e.utf8_error().valid_up_to())),
        },
        Err(e) => io_error(format!("cannot read the file: {e}")),
    }
}

/// Reads rule documents from text; `path` names the file in errors.
pub fn read_str(path: &Path, text: String) -> RuleFile {
    let (documents, problems) = read_documents(&text);
    let errors = problems.into_iter().map(|p| p.into_error(path)).collect();
    RuleFile { path: path.to_owned(), text, documents, errors }
}

fn read_documents(text: &str) -> (Vec<Document>, Vec<Problem>) {
    // yaml-rust2 reads a leading byte order mark as part of the first key. Editors do not
    // show the mark, so positions are counted without it.
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let source = Source { lines: text.lines().collect() };
    let stream = yaml::parse_stream(text);
    let mut documents = Vec::new();
    let mut problems = Vec::new();

    // `action: global` sets keys for every later document until `action: reset`;
    // `action: repeat` starts from the previous document instead.
    let mut global: Option<Node> = None;
    let mut previous: Option<Node> = None;

    for parsed in stream.documents {
        let node = match parsed {
            Ok(node) => node,
            Err(e) => {
                problems.push(Problem::new(e.span, yaml_error_kind(e.kind), e.message));
                continue;
            }
        };
        if node.is_null() {
            continue;
        }
        if node.as_map().is_none() {
            let message = format!("a rule document must be a map, found {}", node.type_name());
            problems.push(Problem::new(node.span, ReadErrorKind::Document, message));
            continue;
        }

        let action = node.get("action").and_then(Node::as_str).map(str::to_owned);
        let body = without_key(node, "action");
        let merged = match action.as_deref() {
            Some("global") => {
                global = Some(body);
                continue;
            }
            Some("reset") => {
                global = None;
                continue;
            }
            Some("repeat") => match &previous {
                Some(base) => merge(base.clone(), body),
                None => {
                    problems.push(Problem::new(body.span, ReadErrorKind::Document, "`action: repeat` has no previous document to repeat"));
                    continue;
                }
            },
            Some(other) => {
                let message = format!("`action` must be global, reset or repeat; found `{other}`");
                problems.push(Problem::new(body.span, ReadErrorKind::Document, message));
                continue;
            }
            None => match &global {
                Some(base) => merge(base.clone(), body),
                None => body,
            },
        };

        match read_document(&merged, &source) {
            Ok(document) => documents.push(document),
            Err(document_problems) => problems.extend(document_problems),
        }
        previous = Some(merged);
    }

    if let Some(e) = stream.error {
        problems.push(Problem::new(e.span, yaml_error_kind(e.kind), format!("invalid YAML: {}", e.message)));
    }
    (documents, problems)
}

fn yaml_error_kind(kind: YamlErrorKind) -> ReadErrorKind {
    match kind {
        YamlErrorKind::Syntax => ReadErrorKind::Yaml,
        YamlErrorKind::TooDeep | YamlErrorKind::TooLarge => ReadErrorKind::TooComplex,
        YamlErrorKind::DuplicateKey => ReadErrorKind::DuplicateKey,
    }
}

/// Reads one document, or returns every independent error found in it, sorted by position.
fn read_document(doc: &Node, source: &Source) -> std::result::Result<Document, Vec<Problem>> {
    let mut problems = Problems::default();
    let document = if doc.get("correlation").is_some() {
        correlation::read_correlation(doc, &mut problems).map(|rule| Document::Correlation(Box::new(rule)))
    } else if doc.get("filter").is_some() {
        correlation::read_filter(doc, source, &mut problems).map(|rule| Document::Filter(Box::new(rule)))
    } else {
        read_rule(doc, source, &mut problems).map(|rule| Document::Rule(Box::new(rule)))
    };

    match document {
        Some(document) if problems.is_empty() => Ok(document),
        _ => {
            if problems.is_empty() {
                // The readers return `None` only after recording an error. Should one fail
                // to, this error keeps the document from being dropped silently.
                problems.push(Problem::new(doc.span, ReadErrorKind::Document, "internal error: the document was not read"));
            }
            Err(problems.into_sorted())
        }
    }
}

fn read_rule(doc: &Node, source: &Source, problems: &mut Problems) -> Option<Rule> {
    let meta = meta::read_metadata(doc, problems);
    let logsource = problems.ok(fields::required(doc, "logsource", "the rule")).and_then(|node| meta::read_logsource(node, problems));
    let detection = problems
        .ok(fields::required(doc, "detection", "the rule"))
        .and_then(|node| detection::read_detection(node, source, &[], "detection", problems));
    Some(Rule { meta: meta?, logsource: logsource?, detection: detection? })
}

fn without_key(mut node: Node, key: &str) -> Node {
    if let NodeKind::Map(entries) = &mut node.kind {
        entries.retain(|(k, _)| k.as_str() != Some(key));
    }
    node
}

/// Merges `over` into `base`: maps merge key by key, recursively, and any other value in
/// `over` replaces the one in `base`. The result keeps `over`'s position.
fn merge(base: Node, over: Node) -> Node {
    let span = over.span;
    match (base.kind, over.kind) {
        (NodeKind::Map(mut base_entries), NodeKind::Map(over_entries)) => {
            // Positions of the string keys, so that merging is linear in the keys.
            let mut positions: HashMap<String, usize> = HashMap::new();
            for (index, (key, _)) in base_entries.iter().enumerate() {
                if let Some(name) = key.as_str() {
                    positions.entry(name.to_owned()).or_insert(index);
                }
            }

            for (key, value) in over_entries {
                let existing = key.as_str().and_then(|name| positions.get(name)).copied();
                match existing {
                    Some(index) => {
                        let slot = &mut base_entries[index];
                        let base_value = std::mem::replace(&mut slot.1, Node { kind: NodeKind::Seq(Vec::new()), span });
                        *slot = (key, merge(base_value, value));
                    }
                    None => {
                        if let Some(name) = key.as_str() {
                            positions.insert(name.to_owned(), base_entries.len());
                        }
                        base_entries.push((key, value));
                    }
                }
            }
            Node { kind: NodeKind::Map(base_entries), span }
        }
        (_, kind) => Node { kind, span },
    }
}

/// Collects the rule files under `paths`: a file named in `paths` is taken whatever its
/// extension, folders are walked recursively for `.yml` and `.yaml` files. The result is sorted and free of duplicates;
/// paths that cannot be read become errors.
pub fn find_rule_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<ReadError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        walk(path, true, &mut files, &mut errors);
    }
    (sort_paths(files), errors)
}

/// Sorts paths as `Path`'s ordering does and drops duplicates. Each path is split into
/// components once, rather than again in every comparison, which mattered for the
/// thousands of files of a rule repository.
fn sort_paths(files: Vec<PathBuf>) -> Vec<PathBuf> {
    // The index breaks ties, so of equal paths the first one given is kept, as a stable
    // sort followed by `dedup` keeps it.
    let mut order: Vec<(Vec<std::path::Component<'_>>, usize)> =
        files.iter().enumerate().map(|(index, path)| (path.components().collect(), index)).collect();
    order.sort_unstable();
    order.dedup_by(|later, kept| later.0 == kept.0);
    let indexes: Vec<usize> = order.into_iter().map(|(_, index)| index).collect();

    let mut slots: Vec<Option<PathBuf>> = files.into_iter().map(Some).collect();
    indexes.into_iter().filter_map(|index| slots.get_mut(index).and_then(Option::take)).collect()
}

fn walk(path: &Path, given: bool, files: &mut Vec<PathBuf>, errors: &mut Vec<ReadError>) {
    let io_error = |message: String| ReadError { path: path.to_owned(), span: None, kind: ReadErrorKind::Io, message };

    // A symbolic link to a folder is not followed inside a walk, so a link cycle cannot
    // make the walk endless.
    if !given && std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) && path.is_dir() {
        return;
    }

    let metadata = match std::fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(e) => return errors.push(io_error(format!("cannot read: {e}"))),
    };
    if metadata.is_file() {
        if given || is_rule_file(path) {
            files.push(path.to_owned());
        }
        return;
    }
    if !metadata.is_dir() {
        return;
    }

    let entries = match std::fs::read_dir(path) {
        Ok(entries) => entries,
        Err(e) => return errors.push(io_error(format!("cannot list the folder: {e}"))),
    };
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                errors.push(io_error(format!("cannot list the folder: {e}")));
                continue;
            }
        };

        // The folder listing usually gives the entry's type, which saves two `stat`
        // calls per regular file. Folders, links and unknown types take the checks above.
        let entry_path = entry.path();
        match entry.file_type() {
            Ok(kind) if kind.is_file() => {
                if is_rule_file(&entry_path) {
                    files.push(entry_path);
                }
            }
            _ => walk(&entry_path, false, files, errors),
        }
    }
}

fn is_rule_file(path: &Path) -> bool {
    matches!(path.extension().and_then(|e| e.to_str()), Some("yml" | "yaml"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_paths_matches_path_order() {
        let names = ["a/b.yml", "a-b/x.yml", "a/b.yml", "a.yml", "a//b.yml", "./c.yml", "/r/a.yml", "A/z.yml", "a/b/c.yml", "ä.yml"];
        let files: Vec<PathBuf> = names.iter().map(PathBuf::from).collect();
        let mut expected = files.clone();
        expected.sort();
        expected.dedup();
        assert_eq!(sort_paths(files), expected);
    }
}
