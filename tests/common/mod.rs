//! Helpers shared by the end-to-end tests.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub fn workshop(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("workshop").unwrap();
    // No background warm-up builds: they would race the tests for the cores.
    cmd.current_dir(dir).env("NO_COLOR", "1").env("WORKSHOP_NO_WARMUP", "1");
    cmd
}

pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

pub fn started() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    workshop(dir.path()).args(["start", "towel"]).assert().success();
    dir
}

pub fn solve(dir: &Path) {
    fs::copy(repo("solutions/rust/towel/src/lib.rs"), dir.join("towel/src/lib.rs")).unwrap();
}

pub fn progress_file(dir: &Path) -> String {
    fs::read_to_string(dir.join(".workshop/progress.toml")).unwrap()
}

/// Inserts `code` right after the first `{` following `marker`.
pub fn insert_after_open_brace(text: &str, marker: &str, code: &str) -> String {
    let at = text.find(marker).unwrap_or_else(|| panic!("{marker} not found"));
    let brace = at + text[at..].find('{').unwrap() + 1;
    format!("{}\n{code}\n{}", &text[..brace], &text[brace..])
}

/// Runs `workshop check --json` and returns the parsed document.
pub fn check_json(dir: &Path, envs: &[(&str, &str)], code: i32) -> serde_json::Value {
    let mut cmd = workshop(dir);
    cmd.args(["check", "--json"]);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let out = cmd.assert().code(code).get_output().stdout.clone();
    serde_json::from_slice(&out).expect("stdout is one JSON document")
}

/// The status of one test in a `check --json` document.
pub fn status<'a>(doc: &'a serde_json::Value, id: &str) -> &'a str {
    doc["tests"].as_array().unwrap().iter().find(|t| t["id"] == id).unwrap()["status"].as_str().unwrap()
}

pub fn message<'a>(doc: &'a serde_json::Value, id: &str) -> &'a str {
    doc["tests"].as_array().unwrap().iter().find(|t| t["id"] == id).unwrap()["message"].as_str().unwrap()
}

/// Processes whose command line mentions `needle` (read from /proc).
pub fn processes_mentioning(needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    for entry in fs::read_dir("/proc").unwrap().flatten() {
        let Ok(raw) = fs::read(entry.path().join("cmdline")) else { continue };
        let cmdline = String::from_utf8_lossy(&raw).replace('\0', " ");
        if cmdline.contains(needle) {
            found.push(format!("{}: {cmdline}", entry.file_name().to_string_lossy()));
        }
    }
    found
}

/// Waits (up to `secs`) until `cond` holds.
pub fn wait_until(secs: u64, mut cond: impl FnMut() -> bool) -> bool {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    while std::time::Instant::now() < deadline {
        if cond() {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    false
}

/// Replaces the body start of the solution's `marker` function with `code`.
pub fn plant(dir: &Path, marker: &str, code: &str) {
    let lib = dir.join("towel/src/lib.rs");
    let text = fs::read_to_string(&lib).unwrap();
    fs::write(&lib, insert_after_open_brace(&text, marker, code)).unwrap();
}

/// The binary under test, as a plain std Command (for tests that signal it).
pub fn workshop_std(dir: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("workshop"));
    cmd.current_dir(dir).env("NO_COLOR", "1").env("WORKSHOP_NO_WARMUP", "1");
    cmd
}
