//! Hostile and malformed input must produce errors, never panics.

use std::io::Write as _;
use std::path::Path;

use socfeed_sigma::{read_file, read_str, ReadErrorKind};

fn read(text: &str) -> socfeed_sigma::RuleFile {
    read_str(Path::new("garbage.yml"), text.to_owned())
}

#[test]
fn garbage_gives_errors_not_panics() {
    let deep_flow = format!("a: {}{}", "[".repeat(10_000), "]".repeat(10_000));
    let deep_block: String = (0..200).map(|i| format!("{}k{i}:\n", " ".repeat(i * 2))).collect();
    let deep_condition = format!(
        "title: T\nlogsource:\n    product: x\ndetection:\n    s:\n        a: 1\n    condition: {}s{}\n",
        "(".repeat(5_000),
        ")".repeat(5_000)
    );
    let cases: Vec<String> = vec![
        "\u{0}\u{1}\u{2}\u{ff}\u{fffd}binary".to_owned(),
        ":\n:\n- - -\n{{{".to_owned(),
        "title: [\n".to_owned(),
        "\ttitle: tabs\n\tdetection: x\n".to_owned(),
        "title: T\nlogsource:\n\tproduct: x\n".to_owned(),
        deep_flow,
        deep_block,
        deep_condition,
        "title: T\nlevel: 99999999999999999999999999\nlogsource: {}\ndetection: {s: {a: 1e999999}, condition: s}\n".to_owned(),
        "title: T\nlogsource:\n    product: x\ndetection:\n    s:\n        a|lt: 1e999999\n    condition: s\n".to_owned(),
        "title: T\nlogsource:\n    product: x\ndetection:\n    s:\n        a|hour: 99999999999999999999\n    condition: s\n".to_owned(),
        "a: &x [1]\nb: *y\n".to_owned(),
        "a: &x\n  b: *x\n".to_owned(),
        "title: T\nlogsource:\n    product: x\ndetection:\n    s: &s\n        a: 1\n    t: *s\n    condition: s and t\n".to_owned(),
        "title: T\nlogsource:\n    product: x\ndetection:\n    s:\n        '': ''\n        '|': x\n        '||': x\n    condition: ')('\n".to_owned(),
        "title: T\nlogsource:\n    product: x\ndetection:\n    s:\n        a|windash: '-a -b -c -d -e -f -g -h -i'\n    condition: s\n".to_owned(),
        "title: T\nlogsource:\n    product: x\ndetection:\n    s:\n        a|re: '(?<=x)(['\n        b|cidr: '::1/129'\n    condition: 's or'\n".to_owned(),
        "title: T\nlogsource:\n    product: x\ndetection:\n    condition: 'é and ü'\n    é:\n        a: 1\n".to_owned(),
        "action: repeat\n".to_owned(),
        "action: global\ntitle: T\n---\naction: bogus\n---\n42\n---\n...\n".to_owned(),
        "correlation: 5\ntitle: T\n".to_owned(),
        "title: T\ncorrelation:\n    type: event_count\n    rules: [a]\n    timespan: 1\n".to_owned(),
        "title: T\ncorrelation:\n    type: event_count\n    rules: a\n    timespan: 5m\n    condition: {gte: x}\n".to_owned(),
        "title: T\nfilter: []\nlogsource: {}\n".to_owned(),
        "---\n---\n---\n".to_owned(),
        String::new(),
        "%YAML 9.9\n---\n".to_owned(),
        "!!binary aGVsbG8=\n".to_owned(),
        "? [complex, key]\n: value\n".to_owned(),
    ];

    // Inputs that are valid: an anchored selection reused under another name, and
    // streams of empty documents.
    let valid = |text: &str| {
        text.contains("t: *s") || text.lines().all(|l| l.starts_with('%') || l.trim_matches(['-', '.']).is_empty())
    };
    for (index, text) in cases.iter().enumerate() {
        let file = read(text);
        if valid(text) {
            assert!(file.errors.is_empty(), "case {index}: {:?}", file.errors);
        } else {
            assert!(!file.errors.is_empty(), "case {index} read without errors");
        }
        for error in &file.errors {
            assert!(!error.message.is_empty(), "case {index}: empty message");
        }
    }
}

#[test]
fn alias_expansion_is_bounded() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..15 {
        let p = i - 1;
        text.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
    }
    let file = read(&text);
    assert_eq!(file.errors.len(), 1);
    assert_eq!(file.errors[0].kind, ReadErrorKind::TooComplex);
}

#[test]
fn deep_nesting_is_too_complex() {
    let file = read(&format!("a: {}{}", "[".repeat(10_000), "]".repeat(10_000)));
    assert_eq!(file.errors[0].kind, ReadErrorKind::TooComplex);
}

#[test]
fn non_utf8_file_is_an_io_error() {
    let dir = std::env::temp_dir().join(format!("socfeed-sigma-garbage-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("latin1.yml");
    std::fs::File::create(&path).unwrap().write_all(b"title: caf\xe9\n").unwrap();

    let file = read_file(&path);
    assert_eq!(file.errors.len(), 1);
    assert_eq!(file.errors[0].kind, ReadErrorKind::Io);
    assert!(file.errors[0].message.contains("not valid UTF-8"), "{}", file.errors[0].message);

    let missing = read_file(&dir.join("missing.yml"));
    assert_eq!(missing.errors[0].kind, ReadErrorKind::Io);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn find_rule_files_walks_sorted() {
    let dir = std::env::temp_dir().join(format!("socfeed-sigma-walk-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("b/nested")).unwrap();
    for name in ["b/nested/z.yml", "b/a.yaml", "c.yml", "notes.txt"] {
        std::fs::write(dir.join(name), "title: x\n").unwrap();
    }

    let (files, errors) = socfeed_sigma::find_rule_files(&[dir.clone(), dir.join("c.yml"), dir.join("absent")]);
    let relative: Vec<String> = files.iter().map(|f| f.strip_prefix(&dir).unwrap().display().to_string()).collect();
    assert_eq!(relative, ["b/a.yaml", "b/nested/z.yml", "c.yml"]);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].kind, ReadErrorKind::Io);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[cfg(unix)]
#[test]
fn find_rule_files_follows_file_links_only() {
    let dir = std::env::temp_dir().join(format!("socfeed-sigma-links-{}", std::process::id()));
    let outside = std::env::temp_dir().join(format!("socfeed-sigma-links-outside-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("rules")).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("linked.yml"), "title: x\n").unwrap();
    std::fs::write(dir.join("rules/plain.yml"), "title: x\n").unwrap();
    std::os::unix::fs::symlink(outside.join("linked.yml"), dir.join("rules/link.yml")).unwrap();
    std::os::unix::fs::symlink(&outside, dir.join("rules/folder-link")).unwrap();
    std::os::unix::fs::symlink(dir.join("absent.yml"), dir.join("rules/dangling.yml")).unwrap();

    let (files, errors) = socfeed_sigma::find_rule_files(std::slice::from_ref(&dir));
    let relative: Vec<String> = files.iter().map(|f| f.strip_prefix(&dir).unwrap().display().to_string()).collect();
    assert_eq!(relative, ["rules/link.yml", "rules/plain.yml"]);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].path.ends_with("dangling.yml"));
    std::fs::remove_dir_all(&dir).unwrap();
    std::fs::remove_dir_all(&outside).unwrap();
}
