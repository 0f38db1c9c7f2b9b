//! The commands around `check`: hint, list, reset, solution, reflect, watch,
//! check --all and its reports, completions. Each with its error paths.

mod common;

use std::fs;
use std::time::Duration;

use common::*;
use predicates::prelude::*;

fn progress_toml(dir: &std::path::Path) -> toml::Table {
    progress_file(dir).parse().unwrap()
}

#[test]
fn hint_reveals_one_more_each_time_and_remembers() {
    let dir = started();
    workshop(dir.path())
        .arg("hint")
        .assert()
        .success()
        .stdout(predicate::str::contains("Hint 1/4").and(predicate::str::contains("Hint 2/4").not()));
    workshop(dir.path())
        .arg("hint")
        .assert()
        .success()
        .stdout(predicate::str::contains("Hint 1/4").and(predicate::str::contains("Hint 2/4")));
    assert_eq!(progress_toml(dir.path())["levels"]["towel"]["hints_used"]["schema"].as_integer(), Some(2));
    workshop(dir.path()).arg("progress").assert().success().stdout(predicate::str::contains("hints used: 2"));
    for _ in 0..3 {
        workshop(dir.path()).arg("hint").assert().success();
    }
    workshop(dir.path())
        .arg("hint")
        .assert()
        .success()
        .stdout(predicate::str::contains("That is every hint for this step"));
}

#[test]
fn hint_follows_the_first_failing_step() {
    let dir = started();
    solve(dir.path());
    // Only the updates are broken now.
    plant(dir.path(), "pub fn update_post(", "return Err(BlogError::UnknownPost(id.clone()));");
    workshop(dir.path()).arg("check").assert().code(1);
    workshop(dir.path())
        .arg("hint")
        .assert()
        .success()
        .stdout(predicate::str::contains("Step 3: implement the updates"));
    workshop(dir.path())
        .args(["hint", "babel-fsh"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("Did you mean `babel-fish`?"));
}

#[test]
fn list_shows_each_level_and_the_next_step() {
    let outside = tempfile::tempdir().unwrap();
    workshop(outside.path())
        .arg("list")
        .assert()
        .success()
        .stdout(predicate::str::contains("not started").and(predicate::str::contains("workshop start towel")));
    let dir = started();
    workshop(dir.path()).arg("list").assert().success().stdout(
        predicate::str::contains("0/4 mastered").and(predicate::str::contains("Step 1: design the normalized schema")),
    );
}

#[test]
fn reset_backs_up_then_restores_the_stub() {
    let dir = started();
    solve(dir.path());
    workshop(dir.path()).arg("check").assert().success();
    let mine = fs::read_to_string(dir.path().join("towel/src/lib.rs")).unwrap();

    // No terminal to confirm on and no --yes: refuse, change nothing.
    workshop(dir.path()).arg("reset").assert().code(2).stderr(predicate::str::contains("--yes"));
    assert_eq!(fs::read_to_string(dir.path().join("towel/src/lib.rs")).unwrap(), mine);

    workshop(dir.path())
        .args(["reset", "--yes"])
        .assert()
        .success()
        .stdout(predicate::str::contains(".workshop/backups/towel-"));
    let stub = fs::read_to_string(repo("exercises/rust/towel/src/lib.rs")).unwrap();
    assert_eq!(fs::read_to_string(dir.path().join("towel/src/lib.rs")).unwrap(), stub);
    let backups: Vec<_> = fs::read_dir(dir.path().join(".workshop/backups")).unwrap().flatten().collect();
    assert_eq!(backups.len(), 1);
    assert_eq!(fs::read_to_string(backups[0].path().join("src/lib.rs")).unwrap(), mine);
    // Mastery is kept.
    workshop(dir.path()).arg("progress").assert().success().stdout(predicate::str::contains("✓ Schema Design"));
}

#[test]
fn solution_waits_for_mastery_then_shows_a_diff() {
    let dir = started();
    workshop(dir.path()).args(["solution", "towel"]).assert().code(2).stderr(predicate::str::contains("--force"));
    workshop(dir.path()).args(["solution", "towel", "--force"]).assert().success().stdout(
        predicate::str::contains("--- yours: towel/src/lib.rs").and(predicate::str::contains("+++ reference:")),
    );
    solve(dir.path());
    workshop(dir.path()).arg("check").assert().success();
    // Solved with the reference itself: the diff is empty, the files are there.
    let out = workshop(dir.path()).args(["solution", "towel"]).assert().success().get_output().stdout.clone();
    assert!(!String::from_utf8_lossy(&out).contains("@@"));
    assert!(dir.path().join(".workshop/solutions/towel/src/lib.rs").is_file());
}

#[test]
fn reflect_writes_an_editable_file_that_progress_counts() {
    let dir = started();
    workshop(dir.path())
        .arg("reflect")
        .assert()
        .success()
        .stdout(predicate::str::contains("0 of 3 questions answered"));
    let path = dir.path().join("towel/REFLECTION.md");
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains("## 1. Renaming a user"));
    fs::write(&path, text.replacen("_Your answer here._", "One row changes.", 1)).unwrap();
    workshop(dir.path())
        .arg("reflect")
        .assert()
        .success()
        .stdout(predicate::str::contains("1 of 3 questions answered"));
    assert!(fs::read_to_string(&path).unwrap().contains("One row changes."), "an answer was lost");
    workshop(dir.path())
        .arg("progress")
        .assert()
        .success()
        .stdout(predicate::str::contains("reflection: 1/3 answered"));
}

#[test]
fn check_all_reports_for_exercism_and_classroom() {
    let dir = started();
    solve(dir.path());
    let out = workshop(dir.path())
        .args(["check", "--all", "--report", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let doc: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(doc["version"], 3);
    assert_eq!(doc["status"], "pass");
    let first = &doc["tests"][0];
    assert!(first["name"].is_string() && first["task_id"] == 1 && first["status"] == "pass", "{first}");

    let out = workshop(dir.path())
        .args(["check", "--all", "--report", "classroom"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let doc: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["status"], "pass");
    let tests = doc["tests"].as_array().unwrap();
    assert_eq!(doc["max_score"].as_u64().unwrap() as usize, tests.len());
    assert!(tests.iter().all(|t| t["score"] == 1 && t["name"].as_str().unwrap().starts_with("Towel: ")));

    plant(dir.path(), "pub fn select_user<", "return None;");
    let out = workshop(dir.path())
        .args(["check", "--all", "--report", "classroom"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let doc: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(doc["status"], "fail");
    assert!(doc["tests"].as_array().unwrap().iter().any(|t| t["score"] == 0));

    let empty = tempfile::tempdir().unwrap();
    fs::create_dir(empty.path().join(".workshop")).unwrap();
    workshop(empty.path())
        .args(["check", "--all"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("workshop start towel"));
}

#[test]
fn completions_help_and_plain_output() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish"] {
        workshop(dir.path())
            .args(["completions", shell])
            .assert()
            .success()
            .stdout(predicate::str::contains("workshop"));
    }
    workshop(dir.path())
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("Examples:").and(predicate::str::contains("workshop start towel")));
    // Piped and NO_COLOR: no escape sequences anywhere.
    let d = started();
    let out = workshop(d.path()).arg("check").assert().code(1).get_output().stdout.clone();
    assert!(!out.contains(&0x1b), "colour codes in piped output");
}

#[test]
fn watch_rechecks_on_save_and_quits_on_q() {
    let dir = started();
    solve(dir.path());
    workshop(dir.path()).arg("check").assert().success();
    let exe = assert_cmd::cargo::cargo_bin("workshop");
    let mut cmd = std::process::Command::new(exe);
    cmd.current_dir(dir.path()).env("NO_COLOR", "1").env(NO_REFERENCE, "1").arg("watch");
    let mut p = rexpect::session::spawn_command(cmd, Some(60_000)).unwrap();
    p.exp_string("checks pass").unwrap();
    p.exp_string("[q] quit").unwrap();

    // A save triggers a check.
    let lib = dir.path().join("towel/src/lib.rs");
    std::thread::sleep(Duration::from_millis(300));
    fs::write(&lib, format!("{}\n// saved\n", fs::read_to_string(&lib).unwrap())).unwrap();
    p.exp_string("checks pass").unwrap();
    p.exp_string("[q] quit").unwrap();

    p.send("h").unwrap();
    p.flush().unwrap();
    p.exp_string("Every check passed").unwrap();
    p.send("q").unwrap();
    p.flush().unwrap();
    p.exp_eof().unwrap();
}

#[test]
fn watch_ends_on_sigterm_while_it_waits_for_a_save() {
    let dir = started();
    let mut child = workshop_std(dir.path())
        .arg("watch")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let checked = dir.path().join(".workshop/build/towel/last-check.json");
    assert!(wait_until(120, || checked.is_file()), "watch never checked");
    std::thread::sleep(Duration::from_millis(300));
    let ok = std::process::Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap().success();
    assert!(ok);
    let mut ended = None;
    assert!(
        wait_until(5, || {
            ended = child.try_wait().unwrap();
            ended.is_some()
        }),
        "watch ignored SIGTERM"
    );
    assert_eq!(ended.unwrap().code(), Some(130));
}

#[test]
fn watch_manual_checks_on_enter() {
    let dir = started();
    let exe = assert_cmd::cargo::cargo_bin("workshop");
    let mut cmd = std::process::Command::new(exe);
    cmd.current_dir(dir.path()).env("NO_COLOR", "1").env(NO_REFERENCE, "1").args(["watch", "--manual"]);
    let mut p = rexpect::session::spawn_command(cmd, Some(60_000)).unwrap();
    p.exp_string("[Enter] check").unwrap();
    p.send_line("").unwrap();
    p.exp_string(&format!("0/{} checks pass", check_count("towel", "rust"))).unwrap();
    p.send_line("q").unwrap();
    p.exp_eof().unwrap();
}

/// `workshop watch` in a pseudo-terminal, 100 columns by 40 rows.
fn watch_in_a_terminal(dir: &std::path::Path) -> rexpect::session::PtySession {
    let mut cmd = workshop_std(dir);
    cmd.env("LINES", "40").env("COLUMNS", "100").arg("watch");
    rexpect::session::spawn_command(cmd, Some(120_000)).unwrap()
}

#[test]
fn watch_times_the_reference_after_the_verdicts_and_a_save_drops_that() {
    let dir = started();
    solve(dir.path());
    let mut cmd = workshop_std(dir.path());
    cmd.env_remove(NO_REFERENCE).env("LINES", "40").env("COLUMNS", "100").arg("watch");
    let mut p = rexpect::session::spawn_command(cmd, Some(300_000)).unwrap();
    // The verdicts first, then the figures (the first time, after building
    // the reference's side).
    let n = check_count("towel", "rust");
    p.exp_string(&format!("{n}/{n} checks pass")).unwrap();
    p.exp_string("timing the reference solution beside your perf checks").unwrap();
    p.exp_string("you against the reference solution: ").unwrap();
    // A save while the figures are timed: the check starts at once, and the
    // last check's figures come.
    save(dir.path(), "// saved once");
    p.exp_string("timing the reference solution beside your perf checks").unwrap();
    save(dir.path(), "// saved twice");
    p.exp_string("checked in").unwrap();
    p.exp_string("you against the reference solution: ").unwrap();
    // The full report has each check's figure.
    p.send("r").unwrap();
    p.flush().unwrap();
    p.exp_string("x the reference solution (").unwrap();
    p.send("q").unwrap();
    p.flush().unwrap();
    p.exp_eof().unwrap();
    let left = processes_mentioning(&dir.path().display().to_string());
    assert!(left.is_empty(), "{left:?}");
    // The figures went into the stored verdicts: a check with nothing changed
    // (and asked for none) shows them.
    let doc = check_json(dir.path(), &[], 0);
    assert!(measured_perf_checks(&doc).iter().all(|t| t["perf"]["vs_reference"].as_f64().is_some()), "{doc}");
}

/// What rexpect read, as text: it reads bytes one by one as chars (Latin-1),
/// so needles stay ASCII and what they return is decoded here.
fn utf8(read: String) -> String {
    String::from_utf8_lossy(&read.chars().map(|c| c as u8).collect::<Vec<u8>>()).into_owned()
}

/// Appends a line to the learner's file, as a save does.
fn save(dir: &std::path::Path, line: &str) {
    std::thread::sleep(Duration::from_millis(300));
    let lib = dir.join("towel/src/lib.rs");
    fs::write(&lib, format!("{}\n{line}\n", fs::read_to_string(&lib).unwrap())).unwrap();
}

#[test]
fn watch_shows_a_first_verdict_before_the_perf_phase_ends() {
    let dir = started();
    solve(dir.path());
    let mut p = watch_in_a_terminal(dir.path());
    p.exp_string("checked in").unwrap();
    save(dir.path(), "// saved");
    // The items fill in while the checks run: a verdict is on screen, then
    // the perf checks are measured, then the check ends.
    let n = check_count("towel", "rust");
    p.exp_regex(&format!(" [1-9][0-9]* of {n} done")).unwrap();
    p.exp_string("measuring ").unwrap();
    let before = p.exp_string(&format!("{n}/{n} checks pass")).unwrap();
    p.exp_string("checked in").unwrap();
    assert!(!before.contains("Performance"), "the full report was printed:\n{before}");
    p.send("q").unwrap();
    p.flush().unwrap();
    p.exp_eof().unwrap();
}

#[test]
fn watch_draws_a_compact_screen_and_the_full_report_on_r() {
    let dir = started();
    let mut p = watch_in_a_terminal(dir.path());
    let n = check_count("towel", "rust");
    let items = utf8(p.exp_string(&format!("0/{n} checks pass")).unwrap());
    p.exp_string("checked in").unwrap();
    // The final frame: its item lines came before its status line, its details after.
    let items = items.rsplit("\x1b[H").next().unwrap().to_string();
    let details = utf8(p.exp_string("[q] quit").unwrap());
    // One line per item with its counts, the first failing item only, its hint, the keys.
    for item in ["Schema Design", "Basic Selectors", "Update Logic", "Type Safety", "Extension: Post With Author"] {
        let line = items.lines().find(|l| l.contains(item)).unwrap_or_else(|| panic!("no line for {item}:\n{items}"));
        assert!(line.starts_with(&format!("✗ {item}")) && line.contains(" 0/"), "{line}");
    }
    assert!(details.contains("Schema Design: first to fix"), "{details}");
    assert!(details.contains("Next: Step 1") && details.contains("Hint:"), "{details}");
    assert!(details.contains("[r] full report"), "{details}");
    assert!(!details.contains("Basic Selectors: first to fix"), "only the first failing item is detailed");
    // Nothing changed, nothing drawn: `c` reuses the verdicts and says so.
    p.send("c").unwrap();
    p.flush().unwrap();
    p.exp_string("Nothing changed since the check at").unwrap();
    // `r`: the full report, every item's checks; `r` again: back.
    p.send("r").unwrap();
    p.flush().unwrap();
    p.exp_string(&format!("0/{n} checks pass.")).unwrap();
    p.exp_string("[r] back to the summary").unwrap();
    p.send("r").unwrap();
    p.flush().unwrap();
    p.exp_string("[r] full report").unwrap();
    p.send("q").unwrap();
    p.flush().unwrap();
    p.exp_eof().unwrap();
}

#[test]
fn watch_reports_an_endless_loop_within_the_limit() {
    let dir = started();
    solve(dir.path());
    let mut p = watch_in_a_terminal(dir.path());
    p.exp_string("checked in").unwrap();
    std::thread::sleep(Duration::from_millis(300));
    plant(dir.path(), "pub fn select_post<", "loop { std::hint::spin_loop(); }");
    let saved = std::time::Instant::now();
    // The first timeout is on screen within the correctness limit (3 s) plus the build;
    // the whole check ends soon after. Wide bounds, for loaded CI machines.
    p.exp_regex(r"timed out: still running after [0-9.]+ s").unwrap();
    let first = saved.elapsed();
    p.exp_string("checked in").unwrap();
    let all = saved.elapsed();
    assert!(first < Duration::from_secs(20), "the first timeout took {first:?}");
    assert!(all < Duration::from_secs(30), "the whole check took {all:?}");
    p.send("q").unwrap();
    p.flush().unwrap();
    p.exp_eof().unwrap();
}

#[test]
fn start_warms_the_build_in_the_background() {
    let dir = tempfile::tempdir().unwrap();
    let mut start = workshop(dir.path());
    start.env_remove("WORKSHOP_NO_WARMUP").args(["start", "towel"]);
    start.assert().success().stdout(predicate::str::contains("compiling in the background"));

    let log = dir.path().join(".workshop/build/towel/warmup.log");
    let read_log = || fs::read_to_string(&log).unwrap_or_default();
    assert!(wait_until(300, || read_log().contains("warm-up finished")), "the warm-up never finished: {}", read_log());
    assert!(read_log().contains("hidden checks built: exit status: 0"), "{}", read_log());
    assert!(dir.path().join(".workshop/target/workshop/workshop-checks-towel").is_file());
    // The reference's side too: the first reference figures need not wait for it.
    assert!(read_log().contains("reference side built: ok"), "{}", read_log());
    assert_eq!(fs::read_dir(dir.path().join(".workshop/reference")).unwrap().count(), 1);

    // The first check after an edit grades on top of the warm cache.
    let lib = dir.path().join("towel/src/lib.rs");
    fs::write(&lib, format!("{}\n// a first edit\n", fs::read_to_string(&lib).unwrap())).unwrap();
    let doc = check_json(dir.path(), &[], 1);
    assert_eq!(doc["summary"]["total"], check_count("towel", "rust"), "{doc}");
    assert_eq!(doc["summary"]["passed"], 0, "{doc}");
}

#[test]
fn dev_mutants_lists_mutants_and_every_equivalent_listing_is_current() {
    let dir = tempfile::tempdir().unwrap();
    for level in ["towel", "babel-fish", "improbability-drive", "deep-thought"] {
        workshop(dir.path()).args(["dev", "mutants", level, "--list"]).assert().success().stdout(
            predicate::str::contains("mutants of src/")
                .and(predicate::str::contains("delete-statement"))
                .and(predicate::str::contains("stale listing").not())
                .and(predicate::str::contains("update the listing").not()),
        );
    }
    workshop(dir.path())
        .args(["dev", "mutants", "towel", "--min-score", "95"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--min-score is a fraction from 0 to 1"));
}
