//! A YAML tree with source positions, built from `yaml-rust2`'s event stream.
//!
//! The reader needs the line and column of every key and value, which `yaml-rust2`'s
//! `Yaml` type drops, so this module builds its own small tree. It also bounds what a
//! hostile file can cost: nesting depth and the number of nodes that aliases may copy.

use std::collections::{HashMap, HashSet};

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use crate::span::Span;
use crate::value::Value;

/// Deepest nesting accepted. Sigma rules nest four or five levels; the limit keeps the
/// recursive readers above this module far from the stack's end.
pub const MAX_DEPTH: usize = 64;

/// Most nodes one file may hold once aliases are expanded, so that a "billion laughs"
/// file of nested aliases fails fast instead of exhausting memory.
pub const MAX_NODES: usize = 1_000_000;

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    Scalar(Scalar),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Scalar {
    pub text: String,
    pub style: TScalarStyle,
}

/// An error that stops reading a YAML document or the rest of the stream.
#[derive(Debug, Clone, PartialEq)]
pub struct YamlError {
    pub span: Span,
    pub message: String,
    pub kind: YamlErrorKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YamlErrorKind {
    Syntax,
    TooDeep,
    TooLarge,
    DuplicateKey,
}

/// The documents of a YAML stream, up to the first syntax error (if any).
pub struct Stream {
    pub documents: Vec<Result<Node, YamlError>>,
    pub error: Option<YamlError>,
}

fn span_of(mark: &Marker) -> Span {
    // yaml-rust2 counts lines from 1 and columns from 0 (in characters).
    Span::new(to_u32(mark.line()), to_u32(mark.col() + 1))
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A node being built: a sequence or map waiting for its children. `size` counts the
/// nodes of its subtree so far, itself included.
enum Open {
    Seq { items: Vec<Node>, span: Span, anchor: usize, size: usize },
    /// Once a map has `INDEXED_MAP_KEYS` entries, `keys` contains its string keys, so a
    /// duplicate is found in constant time. Smaller maps compare their entries.
    Map { entries: Vec<(Node, Node)>, keys: Option<HashSet<String>>, key: Option<Node>, span: Span, anchor: usize, size: usize },
}

/// Parses every document of `text`.
pub fn parse_stream(text: &str) -> Stream {
    // yaml-rust2 stops at a NUL without an error, which would make a binary file read as
    // empty; YAML allows no control characters but tab and line breaks anyway.
    if let Some(error) = find_control_char(text) {
        return Stream { documents: Vec::new(), error: Some(error) };
    }

    let mut parser = Parser::new_from_str(text);
    let mut builder = Builder::default();
    let mut documents = Vec::new();

    loop {
        let (event, mark) = match parser.next_token() {
            Ok(next) => next,
            Err(e) => {
                // yaml-rust2 bounds its own recursion on flow collections.
                let kind = if e.info().contains("recursion limit") { YamlErrorKind::TooDeep } else { YamlErrorKind::Syntax };
                let error = YamlError { span: span_of(e.marker()), message: e.info().to_owned(), kind };
                return Stream { documents, error: Some(error) };
            }
        };

        match event {
            Event::StreamEnd => break,
            Event::DocumentStart => builder.start_document(),
            Event::DocumentEnd => {
                if let Some(doc) = builder.finish_document() {
                    documents.push(doc);
                }
            }
            other => builder.push_event(other, &mark),
        }
    }
    Stream { documents, error: None }
}

#[derive(Default)]
struct Builder {
    stack: Vec<Open>,
    /// Anchored nodes by anchor id, with their size in nodes.
    anchors: HashMap<usize, (Node, usize)>,
    root: Option<Node>,
    nodes: usize,
    error: Option<YamlError>,
}

impl Builder {
    fn start_document(&mut self) {
        self.stack.clear();
        self.anchors.clear();
        self.root = None;
        self.error = None;
    }

    /// Returns the finished document, or `None` for an empty stream's implicit document.
    fn finish_document(&mut self) -> Option<Result<Node, YamlError>> {
        if let Some(error) = self.error.take() {
            return Some(Err(error));
        }
        self.root.take().map(Ok)
    }

    fn fail(&mut self, span: Span, kind: YamlErrorKind, message: String) {
        if self.error.is_none() {
            self.error = Some(YamlError { span, message, kind });
        }
    }

    fn push_event(&mut self, event: Event, mark: &Marker) {
        // After an error the rest of the document is skipped, but parsing goes on so
        // that later documents of the stream are still read.
        if self.error.is_some() {
            return;
        }
        let span = span_of(mark);

        match event {
            Event::Scalar(text, style, anchor, _tag) => {
                let node = Node { kind: NodeKind::Scalar(Scalar { text, style }), span };
                self.complete(node, anchor, 1, 1);
            }
            Event::SequenceStart(anchor, _) => {
                if self.stack.len() >= MAX_DEPTH {
                    self.fail(span, YamlErrorKind::TooDeep, format!("nesting deeper than {MAX_DEPTH} levels"));
                    return;
                }
                self.stack.push(Open::Seq { items: Vec::new(), span, anchor, size: 1 });
            }
            Event::MappingStart(anchor, _) => {
                if self.stack.len() >= MAX_DEPTH {
                    self.fail(span, YamlErrorKind::TooDeep, format!("nesting deeper than {MAX_DEPTH} levels"));
                    return;
                }
                self.stack.push(Open::Map { entries: Vec::new(), keys: None, key: None, span, anchor, size: 1 });
            }
            Event::SequenceEnd => {
                if let Some(Open::Seq { items, span, anchor, size }) = self.stack.pop() {
                    self.complete(Node { kind: NodeKind::Seq(items), span }, anchor, size, 1);
                }
            }
            Event::MappingEnd => {
                if let Some(Open::Map { entries, span, anchor, size, .. }) = self.stack.pop() {
                    self.complete(Node { kind: NodeKind::Map(entries), span }, anchor, size, 1);
                }
            }
            Event::Alias(id) => {
                let Some((node, size)) = self.anchors.get(&id) else {
                    self.fail(span, YamlErrorKind::Syntax, "alias refers to an unknown anchor".to_owned());
                    return;
                };
                let (node, size) = (node.clone(), *size);
                // An alias copies its anchor's whole subtree, so all of it counts as new.
                self.complete(node, 0, size, size);
            }
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentStart | Event::DocumentEnd => {}
        }
    }

    /// Attaches a finished node to its parent (or makes it the document's root). `size`
    /// counts the nodes of its subtree and `added` those not counted yet: 1 for a node
    /// whose children were counted as they completed, `size` for an alias.
    fn complete(&mut self, node: Node, anchor: usize, size: usize, added: usize) {
        self.nodes = self.nodes.saturating_add(added);
        if self.nodes > MAX_NODES {
            self.fail(node.span, YamlErrorKind::TooLarge, format!("more than {MAX_NODES} YAML nodes after alias expansion"));
            return;
        }
        if anchor != 0 {
            self.anchors.insert(anchor, (node.clone(), size));
        }

        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Open::Seq { items, size: parent_size, .. }) => {
                *parent_size = parent_size.saturating_add(size);
                items.push(node);
            }
            Some(Open::Map { entries, keys, key, span, size: parent_size, .. }) => match key.take() {
                None => {
                    // A block map's start event is marked at its first `:`, so the first
                    // key gives the position a reader expects.
                    if entries.is_empty() && node.span < *span {
                        *span = node.span;
                    }
                    *parent_size = parent_size.saturating_add(size);
                    *key = Some(node);
                }
                Some(k) => {
                    if let Some(name) = k.as_str() {
                        if !insert_key(keys, entries, name) {
                            let message = format!("duplicate key `{name}`");
                            self.fail(k.span, YamlErrorKind::DuplicateKey, message);
                            return;
                        }
                    }
                    *parent_size = parent_size.saturating_add(size);
                    entries.push((k, node));
                }
            },
        }
    }
}

/// Maps with at least this many entries index their keys; below it, comparing the few
/// entries is cheaper than hashing and copying every key.
const INDEXED_MAP_KEYS: usize = 16;

/// Records `name` as a key of the map holding `entries`; returns false when it is there
/// already.
fn insert_key(keys: &mut Option<HashSet<String>>, entries: &[(Node, Node)], name: &str) -> bool {
    if keys.is_none() && entries.len() < INDEXED_MAP_KEYS {
        return !entries.iter().any(|(key, _)| key.as_str() == Some(name));
    }
    let index = keys.get_or_insert_with(|| entries.iter().filter_map(|(key, _)| key.as_str()).map(str::to_owned).collect());
    index.insert(name.to_owned())
}

fn find_control_char(text: &str) -> Option<YamlError> {
    let mut line = 1;
    let mut column = 1;
    for c in text.chars() {
        let allowed = matches!(c, '\t' | '\n' | '\r' | '\u{85}') || !(c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}');
        if !allowed {
            let message = format!("control character U+{:04X} is not allowed in YAML (is this a binary file?)", u32::from(c));
            return Some(YamlError { span: Span::new(line, column), message, kind: YamlErrorKind::Syntax });
        }
        if c == '\n' {
            line += 1;
            column = 1;
        } else {
            column += 1;
        }
    }
    None
}

impl Node {
    /// Returns the scalar's text whatever its type, for keys and string fields.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar(s) => Some(&s.text),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.kind {
            NodeKind::Map(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_map()?.iter().find(|(k, _)| k.as_str() == Some(key)).map(|(_, v)| v)
    }

    pub fn is_null(&self) -> bool {
        matches!(self.scalar_value(), Some(Value::Null))
    }

    /// Returns the node's type for error messages: "a map", "a list", "a string", ….
    pub fn type_name(&self) -> &'static str {
        match &self.kind {
            NodeKind::Map(_) => "a map",
            NodeKind::Seq(_) => "a list",
            NodeKind::Scalar(_) => match self.scalar_value() {
                Some(Value::String(_)) => "a string",
                Some(Value::Integer(_) | Value::Float(_)) => "a number",
                Some(Value::Boolean(_)) => "a boolean",
                _ => "null",
            },
        }
    }

    /// Resolves a scalar with YAML 1.2's core schema: unquoted `null`, `~` and the empty
    /// scalar are null, `true`/`false` booleans, decimal, `0x` and `0o` integers and
    /// decimal floats are numbers. Quoted and block scalars are always strings.
    ///
    /// NOTE: PyYAML (used by pySigma) follows YAML 1.1, where unquoted `yes`/`no`/`on`/`off`
    /// are booleans too; here they stay strings.
    pub fn scalar_value(&self) -> Option<Value> {
        let NodeKind::Scalar(scalar) = &self.kind else { return None };
        if scalar.style != TScalarStyle::Plain {
            return Some(Value::String(scalar.text.clone()));
        }
        Some(resolve_plain(&scalar.text))
    }
}

fn resolve_plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Boolean(true),
        "false" | "False" | "FALSE" => return Value::Boolean(false),
        _ => {}
    }

    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let negative = text.starts_with('-');
    let radix_int = |digits: &str, radix: u32| {
        i64::from_str_radix(digits, radix).ok().map(|n| if negative { -n } else { n })
    };
    if let Some(hex) = unsigned.strip_prefix("0x") {
        if let Some(n) = radix_int(hex, 16) {
            return Value::Integer(n);
        }
    }
    if let Some(oct) = unsigned.strip_prefix("0o") {
        if let Some(n) = radix_int(oct, 8) {
            return Value::Integer(n);
        }
    }

    if !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit()) {
        // An integer too large for i64 stays a string rather than silently losing digits.
        return match text.parse::<i64>() {
            Ok(n) => Value::Integer(n),
            Err(_) => Value::String(text.to_owned()),
        };
    }
    if is_yaml_float(unsigned) {
        if let Ok(f) = text.parse::<f64>() {
            if f.is_finite() {
                return Value::Float(f);
            }
        }
    }
    Value::String(text.to_owned())
}

/// YAML 1.2 core float syntax without the `.inf`/`.nan` forms: digits with a point
/// and/or an exponent.
fn is_yaml_float(text: &str) -> bool {
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(i) => (&text[..i], Some(&text[i + 1..])),
        None => (text, None),
    };
    let mut halves = mantissa.splitn(2, '.');
    let whole = halves.next().unwrap_or("");
    let fraction = halves.next();
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = digits(whole)
        && fraction.is_none_or(digits)
        && (!whole.is_empty() || fraction.is_some_and(|f| !f.is_empty()));
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exponent_ok && (fraction.is_some() || exponent.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_scalars_resolve() {
        assert_eq!(resolve_plain("4688"), Value::Integer(4688));
        assert_eq!(resolve_plain("-12"), Value::Integer(-12));
        assert_eq!(resolve_plain("0x10"), Value::Integer(16));
        assert_eq!(resolve_plain("1.5"), Value::Float(1.5));
        assert_eq!(resolve_plain("1e3"), Value::Float(1000.0));
        assert_eq!(resolve_plain("1.2.3"), Value::String("1.2.3".into()));
        assert_eq!(resolve_plain("99999999999999999999"), Value::String("99999999999999999999".into()));
        assert_eq!(resolve_plain("~"), Value::Null);
        assert_eq!(resolve_plain("True"), Value::Boolean(true));
        assert_eq!(resolve_plain("yes"), Value::String("yes".into()));
        assert_eq!(resolve_plain("."), Value::String(".".into()));
        assert_eq!(resolve_plain("e5"), Value::String("e5".into()));
    }

    #[test]
    fn positions_are_one_based() {
        let stream = parse_stream("a:\n  b: 'x'\n");
        let doc = stream.documents[0].as_ref().unwrap();
        let b = doc.get("a").unwrap().get("b").unwrap();
        assert_eq!(b.span, Span::new(2, 6));
    }

    #[test]
    fn duplicate_keys_found_in_small_and_large_maps() {
        for size in [2, INDEXED_MAP_KEYS - 1, INDEXED_MAP_KEYS, INDEXED_MAP_KEYS + 5] {
            let mut text: String = (0..size).map(|i| format!("k{i}: v\n")).collect();
            assert!(parse_stream(&text).documents[0].is_ok(), "{size} distinct keys");

            text.push_str("k0: again\n");
            let stream = parse_stream(&text);
            let error = stream.documents[0].as_ref().unwrap_err();
            assert_eq!(error.kind, YamlErrorKind::DuplicateKey, "{size} keys");
            assert_eq!(error.span, Span::new(to_u32(size + 1), 1), "{size} keys");
            assert_eq!(error.message, "duplicate key `k0`");
        }
    }

    #[test]
    fn alias_bomb_is_rejected() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            text.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
        }
        let stream = parse_stream(&text);
        let err = stream.documents[0].as_ref().unwrap_err();
        assert_eq!(err.kind, YamlErrorKind::TooLarge);
    }
}
