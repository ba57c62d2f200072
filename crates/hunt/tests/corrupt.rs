//! A truncated and a corrupted EVTX file: the hunt reports them and finishes.

mod common;

use std::path::PathBuf;

use socfeed_hunt::hunt;

/// The largest EVTX file of the attack samples, so that the damage lands in a middle chunk.
fn largest_sample(corpus: &std::path::Path) -> Option<PathBuf> {
    let (files, _) = socfeed_hunt::input::find_event_files(&[corpus.join("evtx-attack-samples")]);
    files.into_iter().filter(|f| f.extension().is_some_and(|e| e == "evtx")).max_by_key(|f| std::fs::metadata(f).map_or(0, |m| m.len()))
}

#[test]
fn damaged_evtx_files_are_reported() {
    let Some(corpus) = common::corpus() else { return };
    let Some(sample) = largest_sample(&corpus) else { panic!("no EVTX sample found") };
    let bytes = std::fs::read(&sample).unwrap_or_else(|e| panic!("{}: {e}", sample.display()));
    assert!(bytes.len() > 3 * 65536, "{} is too small to damage a middle chunk", sample.display());

    let dir = std::env::temp_dir().join(format!("socfeed-hunt-corrupt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));

    // Truncated in the middle of a chunk.
    let truncated = dir.join("truncated.evtx");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2 + 1234]).unwrap_or_else(|e| panic!("{e}"));

    // Bytes flipped in the middle of the file, past the file header.
    let mut flipped = bytes.clone();
    let middle = bytes.len() / 2;
    for byte in &mut flipped[middle..middle + 4096] {
        *byte ^= 0xA5;
    }
    let corrupt = dir.join("corrupt.evtx");
    std::fs::write(&corrupt, &flipped).unwrap_or_else(|e| panic!("{e}"));

    // A file that is not EVTX at all but carries the extension.
    let garbage = dir.join("garbage.evtx");
    std::fs::write(&garbage, b"this is not an event log").unwrap_or_else(|e| panic!("{e}"));

    let scanner = common::scanner_for(&common::rule_folders(&corpus));
    let intact = hunt(&scanner, &[sample.clone()], &|_| {});
    let damaged = hunt(&scanner, &[dir.clone()], &|_| {});
    let _ = std::fs::remove_dir_all(&dir);

    assert_eq!(damaged.files, 3);
    assert!(intact.errors.is_empty(), "{:?}", intact.errors);
    let messages: Vec<String> = damaged.errors.iter().map(ToString::to_string).collect();
    for name in ["truncated.evtx", "corrupt.evtx", "garbage.evtx"] {
        assert!(messages.iter().any(|m| m.contains(name)), "no error for {name}: {messages:#?}");
    }
    // Both damaged copies still yield the records before the damage.
    assert!(damaged.events > intact.events / 2, "{} events read from damaged copies of {} events", damaged.events, intact.events);
}

#[test]
fn cut_chunk_keeps_records_before_cut() {
    let Some(corpus) = common::corpus() else { return };
    // Chunk 2 of this sample contains records 88 to 124 and fills the chunk.
    let sample = corpus.join("evtx-attack-samples/AutomatedTestingTools/PanacheSysmon_vs_AtomicRedTeam01.evtx");
    let bytes = std::fs::read(&sample).unwrap_or_else(|e| panic!("{}: {e}", sample.display()));
    let dir = std::env::temp_dir().join(format!("socfeed-hunt-cut-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));

    // The file header is 4096 bytes and chunks are 65536. One copy ends where chunk 2
    // starts, the other ends 30000 bytes into chunk 2, past its first records.
    let boundary = 4096 + 2 * 65536;
    let whole_chunks = dir.join("whole-chunks.evtx");
    std::fs::write(&whole_chunks, &bytes[..boundary]).unwrap_or_else(|e| panic!("{e}"));
    let cut = dir.join("cut.evtx");
    std::fs::write(&cut, &bytes[..boundary + 30000]).unwrap_or_else(|e| panic!("{e}"));

    let scanner = common::scanner_for(&[]);
    let before = hunt(&scanner, std::slice::from_ref(&whole_chunks), &|_| {});
    let after = hunt(&scanner, std::slice::from_ref(&cut), &|_| {});
    let intact = hunt(&scanner, std::slice::from_ref(&sample), &|_| {});
    let _ = std::fs::remove_dir_all(&dir);

    assert_eq!(before.events, 87);
    assert!(after.events > before.events, "{} events with the cut chunk, {} without", after.events, before.events);
    assert!(after.events < before.events + 37, "{} events with the cut chunk, {} without", after.events, before.events);
    assert!(intact.events > after.events);
    let messages: Vec<String> = after.errors.iter().map(ToString::to_string).collect();
    assert!(messages.iter().any(|m| m.contains("truncated EVTX file")), "{messages:#?}");
    // Only the record split by the cut is lost, with at most one error for it.
    assert!(messages.len() <= 2, "{messages:#?}");
}
