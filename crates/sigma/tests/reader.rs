//! The reader, one construct at a time, including the exact positions of errors.

use std::path::Path;

use socfeed_sigma::{
    read_str, CompareOp, Condition, CorrelationType, Document, FieldRefPosition, Join, Level, Modifier, OfTarget,
    Quantifier, ReadErrorKind, RuleFile, Rule, SigmaString, Span, Status, StrPart, TimePart, Value, ValueTest,
};

fn read(text: &str) -> RuleFile {
    read_str(Path::new("test.yml"), text.to_owned())
}

/// Wraps a detection body (indented by four spaces) into a complete rule.
fn with_detection(detection: &str) -> String {
    format!("title: T\nlogsource:\n    product: windows\ndetection:\n{detection}")
}

fn rule(text: &str) -> Rule {
    let file = read(text);
    assert!(file.errors.is_empty(), "unexpected errors: {:?}", file.errors);
    match file.documents.into_iter().next() {
        Some(Document::Rule(rule)) => *rule,
        other => panic!("expected a rule, got {other:?}"),
    }
}

/// Returns the tests of the first item of the selection named `selection`.
fn tests_of(detection: &str) -> Vec<ValueTest> {
    let rule = rule(&with_detection(detection));
    rule.detection.selection("selection").unwrap().groups[0].items[0].tests.clone()
}

fn single_error(text: &str) -> (ReadErrorKind, Span, String) {
    let file = read(text);
    assert_eq!(file.errors.len(), 1, "errors: {:?}", file.errors);
    let error = &file.errors[0];
    (error.kind, error.span.expect("error without position"), error.message.clone())
}

fn string_test(pattern: &str) -> ValueTest {
    ValueTest::String { pattern: SigmaString::parse(pattern), cased: false }
}

#[test]
fn metadata_fields() {
    let text = r#"title: Full metadata
id: 929a690e-bef0-4204-a928-ef5e620d6fcc
name: full_meta
status: test
description: Describes
license: DRL-1.1
author: Someone
references:
    - https://example.org
date: 2024-01-02
modified: 2024-02-03
tags:
    - attack.execution
    - attack.t1059.001
related:
    - id: 0e95725d-7320-415d-80f7-004da920fc11
      type: derived
falsepositives: Admin activity
level: high
fields:
    - CommandLine
scope:
    - server
taxonomy: sigma
x_custom:
    nested: [1, two]
logsource:
    category: process_creation
    product: windows
    service: sysmon
    definition: Sysmon config
detection:
    selection:
        Image: x
    condition: selection
"#;
    let rule = rule(text);
    let meta = &rule.meta;
    assert_eq!(meta.title, "Full metadata");
    assert_eq!(meta.id.as_deref(), Some("929a690e-bef0-4204-a928-ef5e620d6fcc"));
    assert_eq!(meta.name.as_deref(), Some("full_meta"));
    assert_eq!(meta.status, Some(Status::Test));
    assert_eq!(meta.license.as_deref(), Some("DRL-1.1"));
    assert_eq!(meta.references, ["https://example.org"]);
    assert_eq!(meta.date.as_deref(), Some("2024-01-02"));
    assert_eq!(meta.modified.as_deref(), Some("2024-02-03"));
    assert_eq!(meta.tags, ["attack.execution", "attack.t1059.001"]);
    assert_eq!(meta.related[0].kind, "derived");
    assert_eq!(meta.falsepositives, ["Admin activity"]);
    assert_eq!(meta.level, Some(Level::High));
    assert_eq!(meta.fields, ["CommandLine"]);
    assert_eq!(meta.scope, ["server"]);
    assert_eq!(meta.taxonomy.as_deref(), Some("sigma"));
    assert_eq!(meta.custom["x_custom"], serde_json::json!({"nested": [1, "two"]}));
    assert_eq!(meta.span, Span::new(1, 1));

    assert_eq!(rule.logsource.service.as_deref(), Some("sysmon"));
    assert_eq!(rule.logsource.definition.as_deref(), Some("Sysmon config"));
    assert_eq!(rule.logsource.span, Span::new(28, 5));
    assert_eq!(rule.detection.span, Span::new(33, 5));
}

#[test]
fn metadata_type_errors() {
    let base = "logsource:\n    product: windows\ndetection:\n    selection:\n        a: b\n    condition: selection\n";

    let (kind, span, message) = single_error(&format!("title: T\ntags: attack.t1059\n{base}"));
    assert_eq!(kind, ReadErrorKind::FieldType);
    assert_eq!(span, Span::new(2, 7));
    assert_eq!(message, "`tags` must be a list of strings, found a string");

    let (kind, span, _) = single_error(&format!("title: T\ntags:\n    - attack.t1059\n    - [x]\n{base}"));
    assert_eq!(kind, ReadErrorKind::FieldType);
    assert_eq!(span, Span::new(4, 7));

    let (kind, span, message) = single_error(&format!("title: T\nlevel: severe\n{base}"));
    assert_eq!(kind, ReadErrorKind::FieldValue);
    assert_eq!(span, Span::new(2, 8));
    assert!(message.contains("informational, low, medium, high, critical"), "{message}");

    let (kind, span, _) = single_error(&format!("title: T\nstatus: done\n{base}"));
    assert_eq!((kind, span), (ReadErrorKind::FieldValue, Span::new(2, 9)));

    let (kind, span, _) = single_error(&format!("title: T\nrelated:\n    - id: x\n      type: cousin\n{base}"));
    assert_eq!((kind, span), (ReadErrorKind::FieldValue, Span::new(4, 13)));

    let (kind, span, message) = single_error(&format!("description: no title\n{base}"));
    assert_eq!((kind, span), (ReadErrorKind::MissingField, Span::new(1, 1)));
    assert_eq!(message, "the document is missing the required field `title`");

    let (kind, _, message) = single_error("title: T\nlogsource:\n    product: windows\n");
    assert_eq!(kind, ReadErrorKind::MissingField);
    assert!(message.contains("`detection`"), "{message}");

    let (kind, span, message) = single_error("title: T\nlogsource:\n    product: windows\ndetection:\n    selection:\n        a: b\n");
    assert_eq!((kind, span), (ReadErrorKind::MissingField, Span::new(5, 5)));
    assert!(message.contains("`condition`"), "{message}");
}

#[test]
fn selection_shapes() {
    let detection = "    selection:\n        - Image: a\n          User: b\n        - Image: c\n    keywords:\n        - 'evil'\n        - 42\n    single: word\n    condition: selection or keywords or single\n";
    let rule = rule(&with_detection(detection));

    let selection = rule.detection.selection("selection").unwrap();
    assert_eq!(selection.groups.len(), 2);
    assert_eq!(selection.groups[0].items.len(), 2);
    assert_eq!(selection.span, Span::new(5, 5));
    assert_eq!(selection.groups[1].span, Span::new(8, 11));
    assert_eq!(selection.groups[0].items[1].span, Span::new(7, 11));

    let keywords = rule.detection.selection("keywords").unwrap();
    assert_eq!(keywords.groups.len(), 1);
    let item = &keywords.groups[0].items[0];
    assert_eq!(item.field, None);
    assert_eq!(item.values, [Value::String("evil".into()), Value::Integer(42)]);
    assert_eq!(item.tests, [string_test("evil"), ValueTest::Number { value: 42.0 }]);

    let single = &rule.detection.selection("single").unwrap().groups[0].items[0];
    assert_eq!(single.field, None);
    assert_eq!(single.values, [Value::String("word".into())]);
}

#[test]
fn value_types() {
    let detection = "    selection:\n        a: null\n        b: ''\n        c: 4688\n        d: 1.5\n        e: true\n        f: '4688'\n        g: [x, y]\n    condition: selection\n";
    let rule = rule(&with_detection(detection));
    let items = &rule.detection.selection("selection").unwrap().groups[0].items;
    let tests: Vec<&ValueTest> = items.iter().map(|i| &i.tests[0]).collect();
    assert_eq!(tests[0], &ValueTest::Null);
    assert_eq!(tests[1], &ValueTest::String { pattern: SigmaString::default(), cased: false });
    assert_eq!(tests[2], &ValueTest::Number { value: 4688.0 });
    assert_eq!(tests[3], &ValueTest::Number { value: 1.5 });
    assert_eq!(tests[4], &ValueTest::Boolean { value: true });
    assert_eq!(tests[5], &string_test("4688"));
    assert_eq!(items[6].tests.len(), 2);
    assert_eq!(items[6].join, Join::Any);
}

#[test]
fn wildcards_and_escapes() {
    let tests = tests_of("    selection:\n        a: 'C:\\Windows\\\\*\\cmd?.exe \\* \\\\'\n    condition: selection\n");
    let ValueTest::String { pattern, .. } = &tests[0] else { panic!("{tests:?}") };
    assert_eq!(
        pattern.parts,
        [
            StrPart::Literal("C:\\Windows\\".into()),
            StrPart::AnyChars,
            StrPart::Literal("\\cmd".into()),
            StrPart::AnyChar,
            StrPart::Literal(".exe * \\".into()),
        ]
    );
}

#[test]
fn string_position_modifiers() {
    let tests = tests_of("    selection:\n        a|contains: x\n    condition: selection\n");
    assert_eq!(tests, [string_test("*x*")]);
    let tests = tests_of("    selection:\n        a|startswith: x\n    condition: selection\n");
    assert_eq!(tests, [string_test("x*")]);
    let tests = tests_of("    selection:\n        a|endswith: '*x'\n    condition: selection\n");
    assert_eq!(tests, [string_test("*x")]);
    let tests = tests_of("    selection:\n        a|contains: 1234\n    condition: selection\n");
    assert_eq!(tests, [string_test("*1234*")]);
}

#[test]
fn all_and_cased_and_neq() {
    let rule = rule(&with_detection("    selection:\n        a|contains|all: [x, y]\n        b|cased: AbC\n        c|neq: 5\n    condition: selection\n"));
    let items = &rule.detection.selection("selection").unwrap().groups[0].items;
    assert_eq!(items[0].join, Join::All);
    assert_eq!(items[0].modifiers, [Modifier::Contains, Modifier::All]);
    assert_eq!(items[1].tests, [ValueTest::String { pattern: SigmaString::literal("AbC"), cased: true }]);
    assert_eq!(items[2].tests, [ValueTest::Not { test: Box::new(ValueTest::Number { value: 5.0 }) }]);
}

#[test]
fn exists_modifier() {
    assert_eq!(tests_of("    selection:\n        a|exists: false\n    condition: selection\n"), [ValueTest::Exists { exists: false }]);
    let (kind, span, _) = single_error(&with_detection("    selection:\n        a|exists: yes\n    condition: selection\n"));
    assert_eq!((kind, span), (ReadErrorKind::Modifier, Span::new(6, 9)));
}

#[test]
fn windash_modifier() {
    let tests = tests_of("    selection:\n        a|windash|contains: ' -enc '\n    condition: selection\n");
    let ValueTest::AnyOf { alternatives } = &tests[0] else { panic!("{tests:?}") };
    assert_eq!(alternatives.len(), 5);
    assert_eq!(alternatives[0], string_test("* -enc *"));
    assert_eq!(alternatives[1], string_test("* /enc *"));
    assert_eq!(alternatives[4], string_test("* \u{2015}enc *"));
}

#[test]
fn regex_modifier_and_flags() {
    let tests = tests_of("    selection:\n        a|re|i|m|s: '^a.*b$'\n    condition: selection\n");
    assert_eq!(tests, [ValueTest::Regex { pattern: "^a.*b$".into(), ignore_case: true, multi_line: true, dot_all: true }]);

    // Backslashes reach the regex as written, not as Sigma escapes.
    let tests = tests_of("    selection:\n        a|re: '\\\\\\*x'\n    condition: selection\n");
    assert_eq!(tests, [ValueTest::Regex { pattern: "\\\\\\*x".into(), ignore_case: false, multi_line: false, dot_all: false }]);

    // Lookarounds are PCRE, not `regex` crate syntax, and are kept.
    let tests = tests_of("    selection:\n        a|re: 'foo(?!bar)'\n    condition: selection\n");
    assert!(matches!(&tests[0], ValueTest::Regex { pattern, .. } if pattern == "foo(?!bar)"));

    let (kind, span, message) = single_error(&with_detection("    selection:\n        a|re: 'foo(['\n    condition: selection\n"));
    assert_eq!((kind, span), (ReadErrorKind::Modifier, Span::new(6, 9)));
    assert!(message.starts_with("invalid regular expression `foo([`"), "{message}");

    let (kind, _, message) = single_error(&with_detection("    selection:\n        a|re|contains: x\n    condition: selection\n"));
    assert_eq!(kind, ReadErrorKind::Modifier);
    assert_eq!(message, "modifier `contains` cannot follow `re`");

    let (_, _, message) = single_error(&with_detection("    selection:\n        a|i: x\n    condition: selection\n"));
    assert_eq!(message, "regex flag `i` must follow the `re` modifier");
}

#[test]
fn base64_modifiers() {
    assert_eq!(tests_of("    selection:\n        a|base64: 'cmd'\n    condition: selection\n"), [string_test("Y21k")]);

    let tests = tests_of("    selection:\n        a|base64offset|contains: 'http://'\n    condition: selection\n");
    let expected = ["*aHR0cDovL*", "*h0dHA6Ly*", "*odHRwOi8v*"].map(string_test);
    assert_eq!(tests, [ValueTest::AnyOf { alternatives: expected.to_vec() }]);

    let tests = tests_of("    selection:\n        a|wide|base64offset|contains: 'ping'\n    condition: selection\n");
    let expected = ["*cABpAG4AZw*", "*AAaQBuAGcA*", "*wAGkAbgBnA*"].map(string_test);
    assert_eq!(tests, [ValueTest::AnyOf { alternatives: expected.to_vec() }]);

    assert_eq!(tests_of("    selection:\n        a|utf16be|base64: 'a'\n    condition: selection\n"), [string_test("AGE=")]);
    assert_eq!(tests_of("    selection:\n        a|utf16|base64: 'a'\n    condition: selection\n"), [string_test("//5hAA==")]);
    assert_eq!(tests_of("    selection:\n        a|utf16le|base64: 'a'\n    condition: selection\n"), [string_test("YQA=")]);

    let (kind, span, message) = single_error(&with_detection("    selection:\n        a|base64: 'cm*'\n    condition: selection\n"));
    assert_eq!((kind, span), (ReadErrorKind::Modifier, Span::new(6, 9)));
    assert!(message.contains("wildcards"), "{message}");
}

#[test]
fn numeric_and_time_modifiers() {
    assert_eq!(tests_of("    selection:\n        a|gte: 10\n    condition: selection\n"), [ValueTest::Compare { op: CompareOp::Gte, value: 10.0 }]);
    assert_eq!(tests_of("    selection:\n        a|lt: 0.5\n    condition: selection\n"), [ValueTest::Compare { op: CompareOp::Lt, value: 0.5 }]);
    assert_eq!(tests_of("    selection:\n        a|hour: 3\n    condition: selection\n"), [ValueTest::TimePart { part: TimePart::Hour, value: 3 }]);

    let (kind, _, message) = single_error(&with_detection("    selection:\n        a|lt: '10'\n    condition: selection\n"));
    assert_eq!(kind, ReadErrorKind::Modifier);
    assert_eq!(message, "modifier `lt` needs a number, found the string `10`");

    let (_, _, message) = single_error(&with_detection("    selection:\n        a|month: 13\n    condition: selection\n"));
    assert_eq!(message, "modifier `month` value 13 is outside 1..=12");
}

#[test]
fn cidr_modifier() {
    assert_eq!(
        tests_of("    selection:\n        a|cidr: 10.0.0.0/8\n    condition: selection\n"),
        [ValueTest::Cidr { network: "10.0.0.0/8".into(), is_ipv6: false }]
    );
    let (kind, span, message) = single_error(&with_detection("    selection:\n        a|cidr: 'not-a-net'\n    condition: selection\n"));
    assert_eq!((kind, span), (ReadErrorKind::Modifier, Span::new(6, 9)));
    assert_eq!(message, "`cidr` value `not-a-net` is not an IPv4 or IPv6 network");
}

#[test]
fn expand_and_fieldref() {
    let tests = tests_of("    selection:\n        a|expand: '%DC%\\x'\n    condition: selection\n");
    let ValueTest::String { pattern, .. } = &tests[0] else { panic!("{tests:?}") };
    assert_eq!(pattern.parts, [StrPart::Placeholder("DC".into()), StrPart::Literal("\\x".into())]);

    assert_eq!(
        tests_of("    selection:\n        a|fieldref|startswith: b\n    condition: selection\n"),
        [ValueTest::FieldRef { field: "b".into(), position: FieldRefPosition::StartsWith }]
    );
    assert_eq!(
        tests_of("    selection:\n        a|fieldref|neq: b\n    condition: selection\n"),
        [ValueTest::Not { test: Box::new(ValueTest::FieldRef { field: "b".into(), position: FieldRefPosition::Equals }) }]
    );
}

#[test]
fn unknown_modifier_is_named() {
    let (kind, span, message) = single_error(&with_detection("    selection:\n        a|contains|bogus: x\n    condition: selection\n"));
    assert_eq!((kind, span), (ReadErrorKind::UnknownModifier, Span::new(6, 9)));
    assert_eq!(message, "unknown modifier `bogus` in `a|contains|bogus`");
}

#[test]
fn conditions() {
    let rule = rule(&with_detection(
        "    selection_a:\n        a: 1\n    selection_b:\n        b: 1\n    filter:\n        c: 1\n    condition:\n        - 1 of selection_* and not filter\n        - all of them\n",
    ));
    let conditions = &rule.detection.conditions;
    assert_eq!(conditions.len(), 2);
    assert_eq!(conditions[0].source, "1 of selection_* and not filter");
    assert_eq!(conditions[0].span, Span::new(12, 11));
    assert_eq!(
        conditions[1].expr,
        Condition::Of { quantifier: Quantifier::All, target: OfTarget::Them }
    );
}

#[test]
fn condition_error_positions() {
    let detection = "    selection:\n        a: 1\n    condition: selection and not filter\n";
    let (kind, span, message) = single_error(&with_detection(detection));
    assert_eq!((kind, span), (ReadErrorKind::UndefinedSelection, Span::new(7, 34)));
    assert_eq!(message, "the condition refers to `filter`, which is not a selection of this detection");

    let detection = "    selection:\n        a: 1\n    condition: 'selection and (selection or'\n";
    let (kind, span, _) = single_error(&with_detection(detection));
    assert_eq!((kind, span), (ReadErrorKind::ConditionSyntax, Span::new(7, 44)));

    let detection = "    selection:\n        a: 1\n    condition: >\n        selection and\n        1 of nothing*\n";
    let (kind, span, _) = single_error(&with_detection(detection));
    assert_eq!((kind, span), (ReadErrorKind::UndefinedSelection, Span::new(9, 14)));
}

#[test]
fn multi_document_global_reset_repeat() {
    let text = "action: global
title: Shared
logsource:
    product: windows
detection:
    common:
        a: 1
    condition: common and specific
---
detection:
    specific:
        b: 2
level: low
---
action: repeat
level: high
---
action: reset
---
title: Alone
logsource:
    product: linux
detection:
    selection:
        c: 3
    condition: selection
";
    let file = read(text);
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    assert_eq!(file.documents.len(), 3);

    let titles: Vec<&str> = file.documents.iter().map(Document::title).collect();
    assert_eq!(titles, ["Shared", "Shared", "Alone"]);
    let levels: Vec<Option<Level>> = file.documents.iter().map(|d| d.meta().level).collect();
    assert_eq!(levels, [Some(Level::Low), Some(Level::High), None]);

    let Document::Rule(first) = &file.documents[0] else { panic!() };
    assert_eq!(first.detection.selections.len(), 2);
    assert_eq!(first.meta.span, Span::new(10, 1));
}

#[test]
fn bad_document_does_not_stop_others() {
    let text = "title: Good\nlogsource:\n    product: windows\ndetection:\n    s:\n        a: 1\n    condition: s\n---\ntitle: Bad\n---\n- not a map\n---\ntitle: Good too\nlogsource:\n    product: windows\ndetection:\n    s:\n        a: 1\n    condition: s\n";
    let file = read(text);
    assert_eq!(file.documents.len(), 2);
    assert_eq!(file.errors.len(), 3);
    assert_eq!(file.errors[0].kind, ReadErrorKind::MissingField);
    assert!(file.errors[0].message.contains("`logsource`"), "{}", file.errors[0].message);
    assert_eq!(file.errors[1].kind, ReadErrorKind::MissingField);
    assert!(file.errors[1].message.contains("`detection`"), "{}", file.errors[1].message);
    assert_eq!(file.errors[2].kind, ReadErrorKind::Document);
    assert_eq!(file.errors[2].span, Some(Span::new(11, 1)));
    assert_eq!(file.errors[2].to_string(), "test.yml:11:1: a rule document must be a map, found a list");
}

#[test]
fn correlation_rule() {
    let text = "title: Many failed logins
id: 0e95725d-7320-415d-80f7-004da920fc11
correlation:
    type: value_count
    rules:
        - failed_login
    group-by:
        - ComputerName
    timespan: 1h
    condition:
        field: User
        gte: 10
        lt: 100
    aliases:
        host:
            failed_login: ComputerName
    generate: true
";
    let file = read(text);
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    let Document::Correlation(correlation) = &file.documents[0] else { panic!() };
    assert_eq!(correlation.correlation_type, CorrelationType::ValueCount);
    assert_eq!(correlation.rules, ["failed_login"]);
    assert_eq!(correlation.group_by, ["ComputerName"]);
    assert_eq!(correlation.timespan, "1h");
    let condition = correlation.condition.as_ref().unwrap();
    assert_eq!(condition.field.as_deref(), Some("User"));
    assert_eq!(condition.comparisons, [(CompareOp::Gte, 10.0), (CompareOp::Lt, 100.0)]);
    assert_eq!(correlation.aliases["host"]["failed_login"], "ComputerName");
    assert!(correlation.generate);

    let bad = text.replace("timespan: 1h", "timespan: an hour");
    let (kind, span, _) = single_error(&bad);
    assert_eq!((kind, span), (ReadErrorKind::FieldValue, Span::new(9, 15)));

    let missing_field = text.replace("        field: User\n", "");
    let (kind, _, _) = single_error(&missing_field);
    assert_eq!(kind, ReadErrorKind::MissingField);
}

#[test]
fn filter_rule() {
    let text = "title: Filter admins
logsource:
    category: process_creation
    product: windows
filter:
    rules:
        - 6f3e2987-db24-4c78-a860-b4f4095a7095
    selection:
        User|startswith: 'adm_'
    condition: selection
";
    let file = read(text);
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    let Document::Filter(filter) = &file.documents[0] else { panic!() };
    assert_eq!(filter.rules, ["6f3e2987-db24-4c78-a860-b4f4095a7095"]);
    assert_eq!(filter.detection.selections.len(), 1);
    assert_eq!(filter.detection.selections[0].groups[0].items[0].tests, [string_test("adm_*")]);
}

#[test]
fn selection_shape_errors() {
    let (kind, span, _) = single_error(&with_detection("    selection:\n    condition: selection\n"));
    assert_eq!((kind, span), (ReadErrorKind::Selection, Span::new(5, 5)));

    let (kind, span, _) = single_error(&with_detection("    selection:\n        a:\n            b: c\n    condition: selection\n"));
    assert_eq!((kind, span), (ReadErrorKind::Selection, Span::new(7, 13)));

    let (kind, _, _) = single_error(&with_detection("    selection:\n        a: []\n    condition: selection\n"));
    assert_eq!(kind, ReadErrorKind::Selection);

    let (kind, span, _) = single_error(&with_detection("    selection:\n        a: 1\n        a: 2\n    condition: selection\n"));
    assert_eq!((kind, span), (ReadErrorKind::DuplicateKey, Span::new(7, 9)));
}

#[test]
fn yaml_syntax_error_position() {
    let file = read("title: T\nlogsource: [unclosed\n");
    assert_eq!(file.documents.len(), 0);
    assert_eq!(file.errors.len(), 1);
    assert_eq!(file.errors[0].kind, ReadErrorKind::Yaml);
    assert!(file.errors[0].span.is_some());
}

#[test]
fn byte_order_mark_is_skipped() {
    let text = "\u{FEFF}title: With BOM\nlogsource:\n    product: windows\ndetection:\n    selection:\n        a: 1\n    condition: selection\n";
    let rule = rule(text);
    assert_eq!(rule.meta.title, "With BOM");
    assert_eq!(rule.meta.span, Span::new(1, 1));

    let (kind, span, _) = single_error("\u{FEFF}title: [x]\nlogsource:\n    product: windows\ndetection:\n    s:\n        a: 1\n    condition: s\n");
    assert_eq!(kind, ReadErrorKind::FieldType);
    assert_eq!(span, Span::new(1, 8));
}

#[test]
fn metadata_positions() {
    let text = "action: global\nid: 929a690e-bef0-4204-a928-ef5e620d6fcc\n---\ntitle: Positions\nstatus: test\ntags:\n    - attack.execution\n    - 'attack.t1059'\nlogsource:\n    product: windows\ndetection:\n    s:\n        a: 1\n    condition: s\n";
    let file = read(text);
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    let meta = file.documents[0].meta();

    assert_eq!(meta.span_of("id"), Span::new(2, 5));
    assert_eq!(meta.span_of("title"), Span::new(4, 8));
    assert_eq!(meta.span_of("status"), Span::new(5, 9));
    assert_eq!(meta.span_of("level"), meta.span);
    assert_eq!(meta.tag_spans, [Span::new(7, 7), Span::new(8, 7)]);
    assert_eq!(meta.tag_span(5), Span::new(7, 5));
}

fn errors_of(text: &str) -> Vec<(ReadErrorKind, Span)> {
    let file = read(text);
    assert!(file.documents.is_empty(), "the document read despite its errors");
    file.errors.iter().map(|e| (e.kind, e.span.expect("error without position"))).collect()
}

#[test]
fn every_bad_metadata_field_is_reported() {
    let text = "title: [not, a, string]\nid: 12\nstatus: 5\nlevel: {a: b}\ntags: notalist\nreferences: 7\nlogsource: \"process_creation\"\ndetection:\n    selection:\n        Image: x\n    condition: selection\n";
    let expected = [
        (ReadErrorKind::FieldType, Span::new(1, 8)),
        (ReadErrorKind::FieldType, Span::new(2, 5)),
        (ReadErrorKind::FieldType, Span::new(3, 9)),
        (ReadErrorKind::FieldType, Span::new(4, 8)),
        (ReadErrorKind::FieldType, Span::new(5, 7)),
        (ReadErrorKind::FieldType, Span::new(6, 13)),
        (ReadErrorKind::FieldType, Span::new(7, 12)),
    ];
    assert_eq!(errors_of(text), expected);
}

#[test]
fn every_bad_detection_item_is_reported() {
    let detection = "    selection:\n        Image|endswithh: x\n        CommandLine|contains|foo|bar: y\n    other:\n        - a: [1, [2]]\n        - b|lt: text\n    empty:\n    condition: selection and other and empty and missing\n";
    let errors = errors_of(&with_detection(detection));
    let expected = [
        (ReadErrorKind::UnknownModifier, Span::new(6, 9)),
        (ReadErrorKind::UnknownModifier, Span::new(7, 9)),
        (ReadErrorKind::UnknownModifier, Span::new(7, 9)),
        (ReadErrorKind::Selection, Span::new(9, 18)),
        (ReadErrorKind::Modifier, Span::new(10, 11)),
        (ReadErrorKind::Selection, Span::new(11, 5)),
        (ReadErrorKind::UndefinedSelection, Span::new(12, 50)),
    ];
    assert_eq!(errors, expected);

    let messages: Vec<String> = read(&with_detection(detection)).errors.iter().map(|e| e.message.clone()).collect();
    assert_eq!(messages[1], "unknown modifier `foo` in `CommandLine|contains|foo|bar`");
    assert_eq!(messages[2], "unknown modifier `bar` in `CommandLine|contains|foo|bar`");
}

#[test]
fn errors_of_logsource_and_detection_together() {
    let text = "title: T\nlevel: severe\nlogsource:\n    product: [x]\n    service: 3\ndetection:\n    selection:\n        a|bogus: 1\n";
    let expected = [
        (ReadErrorKind::FieldValue, Span::new(2, 8)),
        (ReadErrorKind::FieldType, Span::new(4, 14)),
        (ReadErrorKind::FieldType, Span::new(5, 14)),
        (ReadErrorKind::MissingField, Span::new(7, 5)),
        (ReadErrorKind::UnknownModifier, Span::new(8, 9)),
    ];
    assert_eq!(errors_of(text), expected);
}

#[test]
fn filter_and_correlation_report_metadata_and_section() {
    let filter = "title: F\nstatus: done\nlogsource:\n    product: windows\nfilter:\n    selection:\n        a|bogus: 1\n    condition: selection\n";
    let expected = [(ReadErrorKind::FieldValue, Span::new(2, 9)), (ReadErrorKind::MissingField, Span::new(6, 5)), (ReadErrorKind::UnknownModifier, Span::new(7, 9))];
    assert_eq!(errors_of(filter), expected);

    let correlation = "title: C\nlevel: 3\ncorrelation:\n    type: event_count\n    rules: [a]\n    timespan: 5x\n    condition: {gte: 2}\n";
    let expected = [(ReadErrorKind::FieldType, Span::new(2, 8)), (ReadErrorKind::FieldValue, Span::new(6, 15))];
    assert_eq!(errors_of(correlation), expected);
}
