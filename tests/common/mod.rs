//! Helpers shared by the end-to-end tests.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub fn workshop(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("workshop").unwrap();
    // No background warm-up builds: they would race the tests for the cores.
    // No reference figures either, except where they are under test (`beside_reference`).
    cmd.current_dir(dir).env("NO_COLOR", "1").env("WORKSHOP_NO_WARMUP", "1").env(NO_REFERENCE, "1");
    cmd
}

/// Set by `workshop()`: a check does not time the reference solution after its verdicts.
pub const NO_REFERENCE: &str = "WORKSHOP_NO_REFERENCE";

/// `workshop` in `dir` as a learner runs it: the reference figures follow the verdicts.
pub fn beside_reference(dir: &Path) -> Command {
    let mut cmd = workshop(dir);
    cmd.env_remove(NO_REFERENCE);
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

/// `check --json` as a learner runs it (the reference figures follow the
/// verdicts), expecting exit status `code`.
pub fn check_json_beside_reference(dir: &Path, code: i32) -> serde_json::Value {
    let out = beside_reference(dir).args(["check", "--json"]).assert().code(code).get_output().stdout.clone();
    serde_json::from_slice(&out).expect("stdout is one JSON document")
}

/// The text report of a check as a learner runs it: the verdicts come
/// first, then the reference figures under their own heading.
pub fn check_text_beside_reference(dir: &Path) -> String {
    let out = beside_reference(dir).arg("check").assert().success().get_output().stdout.clone();
    let text = String::from_utf8_lossy(&out).into_owned();
    let (verdicts, figures) = (text.find("checks pass.").unwrap(), text.find("You against the reference solution"));
    assert!(figures.is_some_and(|f| f > verdicts), "the figures follow the verdicts:\n{text}");
    text
}

/// The perf checks that were measured, in a `check --json` document.
pub fn measured_perf_checks(doc: &serde_json::Value) -> Vec<serde_json::Value> {
    doc["tests"].as_array().unwrap().iter().filter(|t| t["perf"].is_object()).cloned().collect()
}

/// Each measured perf check was paired with the reference solution, itself
/// here, and read about 1x; the reference's side was kept as one file.
pub fn assert_reference_against_itself(dir: &Path, doc: &serde_json::Value) -> PathBuf {
    for t in measured_perf_checks(doc) {
        let vs = t["perf"]["vs_reference"].as_f64().unwrap_or_else(|| panic!("no vs_reference: {t}"));
        assert!((0.33..3.0).contains(&vs), "the reference against itself: {t}");
        assert!(t["perf"]["reference_ns"].as_f64().unwrap() > 0.0, "{t}");
    }
    let kept: Vec<_> = fs::read_dir(dir.join(".workshop/reference")).unwrap().flatten().map(|e| e.path()).collect();
    assert_eq!(kept.len(), 1, "one build of the reference's side, nothing else: {kept:?}");
    kept.into_iter().next().unwrap()
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
    cmd.current_dir(dir).env("NO_COLOR", "1").env("WORKSHOP_NO_WARMUP", "1").env(NO_REFERENCE, "1");
    cmd
}

/// `workshop start <level>` in `dir`.
pub fn start(dir: &Path, level: &str) {
    workshop(dir).args(["start", level]).assert().success();
}

/// Copies the reference solution of a Rust level over the learner's files.
pub fn solve_level(dir: &Path, level: &str) {
    fn copy(from: &Path, to: &Path) {
        fs::create_dir_all(to).unwrap();
        for entry in fs::read_dir(from).unwrap().flatten() {
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                copy(&entry.path(), &target);
            } else {
                fs::copy(entry.path(), target).unwrap();
            }
        }
    }
    copy(&repo(&format!("solutions/rust/{level}/src")), &dir.join(level).join("src"));
}

/// Plants the wrong-solution fixture `name` of a Rust level into the learner's
/// files (solved first); returns the checklist items that must reject it.
pub fn plant_fixture(dir: &Path, level: &str, name: &str) -> Vec<String> {
    let path = repo(&format!("tests/fixtures/rust/{level}/{name}.toml"));
    let fixture: toml::Table = fs::read_to_string(&path).unwrap().parse().unwrap();
    for edit in fixture["edit"].as_array().unwrap() {
        let file = dir.join(level).join(edit["file"].as_str().unwrap());
        let (find, replace) = (edit["find"].as_str().unwrap(), edit["replace"].as_str().unwrap());
        let text = fs::read_to_string(&file).unwrap();
        assert_eq!(text.matches(find).count(), 1, "{name}: the edit does not match {} once", file.display());
        fs::write(&file, text.replacen(find, replace, 1)).unwrap();
    }
    fixture["rejected_by"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect()
}

/// Today's date as progress shows it.
pub fn today() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()[..10].to_string()
}

/// How many checks a plain `workshop check` runs on `level` in `lang` (stress checks aside).
pub fn check_count(level: &str, lang: &str) -> usize {
    let course: toml::Value = toml::from_str(&fs::read_to_string(repo("levels.toml")).unwrap()).unwrap();
    let level = course["levels"].as_array().unwrap().iter().find(|l| l["id"].as_str() == Some(level)).unwrap();
    let track = level["tracks"].as_array().unwrap().iter().find(|t| t["lang"].as_str() == Some(lang)).unwrap();
    track["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c.get("stress").and_then(|s| s.as_bool()) != Some(true))
        .count()
}

// --- A TypeScript workspace ------------------------------------------------

/// A workspace after `workshop start towel --lang typescript`: level files,
/// the pinned package.json + lock at the root, and `npm ci` done (from the
/// machine's npm cache when it has the packages).
pub fn started_ts() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    workshop(dir.path()).args(["start", "towel", "--lang", "typescript"]).assert().success();
    assert!(dir.path().join("node_modules/.package-lock.json").is_file(), "start did not install the packages");
    dir
}

/// The learner's Towel file in a TypeScript workspace.
pub fn index_ts(dir: &Path) -> PathBuf {
    dir.join("towel/src/index.ts")
}

/// Copies the reference TypeScript solution of Towel over the learner's `src/`.
pub fn solve_ts(dir: &Path) {
    for entry in fs::read_dir(repo("solutions/typescript/towel/src")).unwrap().flatten() {
        fs::copy(entry.path(), dir.join("towel/src").join(entry.file_name())).unwrap();
    }
}

/// Replaces the one occurrence of `find` in the learner's index.ts with
/// `replace`, and appends `extra` (helper functions) at the end.
pub fn plant_ts(dir: &Path, find: &str, replace: &str, extra: &str) {
    let path = index_ts(dir);
    let text = fs::read_to_string(&path).unwrap();
    assert_eq!(text.matches(find).count(), 1, "`{find}` is not in index.ts exactly once");
    fs::write(&path, format!("{}\n{extra}\n", text.replacen(find, replace, 1))).unwrap();
}

/// `npm ci` in the workspace root, as the messages tell the learner to run it.
pub fn npm_ci(dir: &Path) {
    let out = std::process::Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "npm ci failed: {}", String::from_utf8_lossy(&out.stderr));
}

/// Sends `signal` (libc::SIGINT, ...) to one process, never to a group.
pub fn signal(pid: u32, signal: i32) {
    let pid = i32::try_from(pid).unwrap();
    assert!(pid > 1, "refusing to signal pid {pid}");
    // SAFETY: kill(2) with a positive pid only sends a signal to that process.
    let ok = unsafe { libc::kill(pid, signal) } == 0;
    assert!(ok, "kill({pid}, {signal}) failed: {}", std::io::Error::last_os_error());
}

/// The progress file parses, with the level started.
pub fn progress_is_readable(dir: &Path) -> toml::Table {
    let text = progress_file(dir);
    let table: toml::Table = text.parse().unwrap_or_else(|e| panic!("progress.toml does not parse: {e}\n{text}"));
    assert!(table["levels"].get("towel").is_some(), "towel is no longer started:\n{text}");
    table
}

/// A pseudo-random number in 0..n, different on every call and every run.
pub fn random_below(n: u64) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos());
    h.finish() % n
}
