//! Helpers shared by the end-to-end tests of the `socfeed` binary.

use std::process::{Command, Output};

/// A valid rule that fires on Sysmon process creation events of whoami.exe.
pub const GOOD_RULE: &str = r#"title: Whoami Execution
id: 6d3d6a19-1b2c-4c1e-9d35-2a3f1c1b7e01
status: test
description: Detects whoami.exe.
author: socfeed tests
date: 2025-01-02
tags:
    - attack.discovery
    - attack.t1033
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        Image|endswith: '\whoami.exe'
    condition: selection
level: low
"#;

/// Runs the socfeed binary with `args`, without a cached ATT&CK bundle or log settings
/// from the environment.
pub fn socfeed(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_socfeed"))
        .args(args)
        .env("XDG_CACHE_HOME", "/nonexistent-socfeed-test-cache")
        .env_remove("SOCFEED_LOG")
        .env_remove("RUST_LOG")
        .output()
        .expect("failed to start the socfeed binary")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
