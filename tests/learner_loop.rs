//! End-to-end: the learner's loop, run through the real binary in temp dirs.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn workshop(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("workshop").unwrap();
    cmd.current_dir(dir).env("NO_COLOR", "1");
    cmd
}

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn started() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    workshop(dir.path()).args(["start", "towel"]).assert().success();
    dir
}

fn solve(dir: &Path) {
    fs::copy(repo("solutions/towel/src/lib.rs"), dir.join("towel/src/lib.rs")).unwrap();
}

fn progress_file(dir: &Path) -> String {
    fs::read_to_string(dir.join(".workshop/progress.toml")).unwrap()
}

#[test]
fn start_check_solve_progress() {
    let dir = tempfile::tempdir().unwrap();
    workshop(dir.path())
        .args(["start", "towel"])
        .assert()
        .success()
        .stdout(predicate::str::contains("towel/src/lib.rs").and(predicate::str::contains("workshop check")));
    for f in ["towel/Cargo.toml", "towel/README.md", "towel/src/lib.rs", ".workshop/progress.toml"] {
        assert!(dir.path().join(f).is_file(), "{f} was not created");
    }

    // The stub: every item fails, todo!()s are named, the first hint is shown.
    workshop(dir.path())
        .arg("check")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("✗ Schema Design"))
        .stdout(predicate::str::contains("✗ Type Safety"))
        .stdout(predicate::str::contains("not implemented yet: a todo!() was reached at towel/src/lib.rs:"))
        .stdout(predicate::str::contains("Hint:"));
    assert!(!progress_file(dir.path()).contains("schema-design"), "nothing is mastered yet");

    // Solved, and checked from inside the level folder.
    solve(dir.path());
    workshop(&dir.path().join("towel/src"))
        .arg("check")
        .assert()
        .success()
        .stdout(predicate::str::contains("Mastered now: Schema Design, Basic Selectors, Update Logic, Type Safety"));

    let today = &humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()[..10];
    workshop(dir.path())
        .arg("progress")
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "✓ Schema Design: Can design normalized schemas that eliminate data duplication  mastered {today}"
        )))
        .stdout(predicate::str::contains("✓ Type Safety: Can maintain TypeScript safety across state operations"))
        .stdout(predicate::str::contains(
            "Babel Fish · Advanced Selector Orchestration  Intermediate · not yet available",
        ))
        .stdout(predicate::str::contains(
            "· Memoized Selectors: Can build high-performance selector factories with proper memoization",
        ))
        .stdout(predicate::str::contains("Overall: 4 of 16 checklist items mastered; 1 of 4 levels mastered."));
}

#[test]
fn check_json_is_one_document_in_course_order() {
    let dir = started();
    solve(dir.path());
    let out = workshop(dir.path()).args(["check", "towel", "--json"]).assert().success().get_output().stdout.clone();
    let doc: serde_json::Value = serde_json::from_slice(&out).expect("stdout is one JSON document");
    assert_eq!(doc["level"], "towel");
    assert_eq!(doc["status"], "pass");
    let tests = doc["tests"].as_array().unwrap();
    let course: toml::Value = toml::from_str(&fs::read_to_string(repo("levels.toml")).unwrap()).unwrap();
    let declared: Vec<&str> =
        course["levels"][0]["checks"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    let ids: Vec<&str> = tests.iter().map(|t| t["id"].as_str().unwrap()).collect();
    assert_eq!(ids, declared);
    for t in tests {
        assert_eq!(t["status"], "pass", "{t}");
        assert!(t["item"].is_string() && t["duration"].is_number() && t["message"].is_string(), "{t}");
    }
    let perf = tests.iter().find(|t| t["id"] == "schema.rename-cost-flat").unwrap();
    assert!(perf["perf"]["ratio"].as_f64().unwrap() <= perf["budget"].as_f64().unwrap());
    assert_eq!(doc["summary"]["failed"], 0);
    assert_eq!(doc["summary"]["total"], tests.len());
}

#[test]
fn start_never_overwrites_learner_files() {
    let dir = started();
    let lib = dir.path().join("towel/src/lib.rs");
    fs::write(&lib, "// my work\n").unwrap();
    workshop(dir.path())
        .args(["start", "towel"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Kept your existing files"));
    assert_eq!(fs::read_to_string(&lib).unwrap(), "// my work\n");
}

#[test]
fn unknown_and_unavailable_levels_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    workshop(dir.path())
        .args(["start", "towle"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("Did you mean `towel`?"));
    workshop(dir.path())
        .args(["start", "babel-fish"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not available yet").and(predicate::str::contains("Available now: towel")));
    assert!(!dir.path().join(".workshop").exists(), "a refused start creates nothing");
}

#[test]
fn check_outside_a_workspace_says_how_to_start() {
    let dir = tempfile::tempdir().unwrap();
    workshop(dir.path()).arg("check").assert().code(2).stderr(predicate::str::contains("workshop start towel"));
    workshop(dir.path()).arg("progress").assert().code(2).stderr(predicate::str::contains("workshop start towel"));
}

#[test]
fn compile_errors_show_diagnostics_and_keep_progress() {
    let dir = started();
    let before = progress_file(dir.path());
    let lib = dir.path().join("towel/src/lib.rs");
    let broken = fs::read_to_string(&lib).unwrap().replace("pub fn select_post<'a>", "pub fn select_post<'a> oops");
    fs::write(&lib, broken).unwrap();
    workshop(dir.path())
        .arg("check")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("does not compile yet"))
        .stdout(predicate::str::contains("src/lib.rs"))
        .stdout(predicate::str::contains("error"));
    assert_eq!(progress_file(dir.path()), before);
}

#[test]
fn a_deleted_file_is_named_with_the_way_back() {
    let dir = started();
    fs::remove_file(dir.path().join("towel/src/lib.rs")).unwrap();
    workshop(dir.path()).arg("check").assert().code(2).stderr(
        predicate::str::contains("towel/src/lib.rs is missing").and(predicate::str::contains("workshop start towel")),
    );
    workshop(dir.path()).args(["start", "towel"]).assert().success();
    assert!(dir.path().join("towel/src/lib.rs").is_file());
}

#[test]
fn a_damaged_progress_file_is_reported_and_kept() {
    let dir = started();
    let path = dir.path().join(".workshop/progress.toml");
    fs::write(&path, "schema = 1\nlast_level = [oops\n").unwrap();
    workshop(dir.path()).arg("check").assert().code(2).stderr(
        predicate::str::contains("progress.toml is damaged").and(predicate::str::contains("left exactly as it is")),
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), "schema = 1\nlast_level = [oops\n");
}

#[test]
fn edits_to_the_generated_harness_cannot_change_a_verdict() {
    let dir = started();
    workshop(dir.path()).arg("check").assert().code(1);
    // A learner "fixes" the hidden checks: every test passes immediately.
    let checks = dir.path().join(".workshop/build/towel/src/checks/mod.rs");
    let mut text = fs::read_to_string(&checks).unwrap();
    text = text.replace("Test::check(\"", "Test::check(\"x").replace("Test::perf(\"", "Test::perf(\"x");
    fs::write(&checks, text).unwrap();
    fs::write(dir.path().join(".workshop/build/towel/src/extra.rs"), "compile_error!(\"stray\");").unwrap();
    workshop(dir.path())
        .arg("check")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("not implemented yet"))
        .stdout(predicate::str::contains("0/"));
}

#[test]
fn an_endless_loop_and_a_panic_do_not_hide_other_results() {
    let dir = started();
    solve(dir.path());
    let lib = dir.path().join("towel/src/lib.rs");
    let text = fs::read_to_string(&lib).unwrap();
    // select_user_posts loops forever; update_user panics.
    let text = insert_after_open_brace(&text, "pub fn select_user_posts", "loop { std::hint::spin_loop(); }");
    let text = insert_after_open_brace(&text, "pub fn update_user", "panic!(\"boom in update_user\");");
    fs::write(&lib, text).unwrap();

    let out = workshop(dir.path())
        .args(["check", "--json"])
        .env("WORKSHOP_TIMEOUT_SECS", "2")
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let doc: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let status = |id: &str| doc["tests"].as_array().unwrap().iter().find(|t| t["id"] == id).unwrap()["status"].clone();
    assert_eq!(status("selectors.user-posts-in-order"), "timed-out");
    assert_eq!(status("updates.update-user-partial"), "panic");
    assert_eq!(status("selectors.select-post"), "pass");
    assert_eq!(status("selectors.post-comments-in-order"), "pass");
    let msg =
        doc["tests"].as_array().unwrap().iter().find(|t| t["id"] == "updates.update-user-partial").unwrap()["message"]
            .clone();
    assert!(msg.as_str().unwrap().contains("boom in update_user"), "{msg}");
    // No test process outlived the check.
    let ps = std::process::Command::new("ps").args(["-eo", "args"]).output().unwrap();
    let ps = String::from_utf8_lossy(&ps.stdout);
    assert!(!ps.contains(&format!("{}", dir.path().display())), "a test process is still running:\n{ps}");
}

/// Inserts `code` right after the first `{` following `marker`.
fn insert_after_open_brace(text: &str, marker: &str, code: &str) -> String {
    let at = text.find(marker).unwrap_or_else(|| panic!("{marker} not found"));
    let brace = at + text[at..].find('{').unwrap() + 1;
    format!("{}\n{code}\n{}", &text[..brace], &text[brace..])
}
