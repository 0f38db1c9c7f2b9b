//! End-to-end beyond Towel: Babel Fish and Improbability Drive in Rust, from
//! the stub to mastery, `check --all` over two levels, and `list` and `hint`
//! on a second level. Deep Thought is left to `workshop dev check`: its
//! million-entity checks are too heavy for a test.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use common::*;
use predicates::prelude::*;

/// What levels.toml says of one level's Rust track.
struct Level {
    name: String,
    /// (id, title) of every checklist item, bonus last.
    items: Vec<(String, String, bool)>,
    /// Checks that run without `--stress`.
    checks: usize,
}

fn level(id: &str) -> Level {
    let course: toml::Table = fs::read_to_string(repo("levels.toml")).unwrap().parse().unwrap();
    let level = course["levels"].as_array().unwrap().iter().find(|l| l["id"].as_str() == Some(id)).unwrap();
    let track = level["tracks"].as_array().unwrap().iter().find(|t| t["lang"].as_str() == Some("rust")).unwrap();
    Level {
        name: level["name"].as_str().unwrap().to_string(),
        items: level["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                let bonus = i.get("bonus").and_then(|b| b.as_bool()).unwrap_or(false);
                (i["id"].as_str().unwrap().to_string(), i["title"].as_str().unwrap().to_string(), bonus)
            })
            .collect(),
        checks: track["checks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c.get("stress").and_then(|s| s.as_bool()) != Some(true))
            .count(),
    }
}

fn mastered(dir: &Path, level: &str) -> BTreeSet<String> {
    let progress: toml::Table = progress_file(dir).parse().unwrap();
    progress["levels"][level]
        .get("mastered")
        .and_then(|m| m.as_table())
        .map_or(BTreeSet::new(), |m| m.keys().cloned().collect())
}

/// start, check the stub, paste the reference solution, check, progress.
fn from_stub_to_mastery(id: &str, builds_on: &str) {
    let level = level(id);
    let dir = tempfile::tempdir().unwrap();
    workshop(dir.path()).args(["start", id]).assert().success().stdout(
        predicate::str::contains(format!("{id}/src/lib.rs"))
            .and(predicate::str::contains(format!("this level builds on {builds_on}, which you have not mastered"))),
    );

    // The stub: every check fails on a placeholder, nothing is mastered.
    let out = workshop(dir.path()).arg("check").assert().code(1).get_output().stdout.clone();
    let out = String::from_utf8(out).unwrap();
    for (_, title, _) in &level.items {
        assert!(out.contains(&format!("✗ {title}")), "{title} does not fail on the stub:\n{out}");
    }
    assert!(out.contains(&format!("a todo!() was reached at {id}/src/lib.rs:")), "{out}");
    assert!(out.contains(&format!("0/{} checks pass.", level.checks)), "{out}");
    assert!(out.contains("Next: ") && out.contains("Hint: "), "{out}");
    assert!(mastered(dir.path(), id).is_empty(), "the stub mastered something: {}", progress_file(dir.path()));
    let progress: toml::Table = progress_file(dir.path()).parse().unwrap();
    let last = &progress["levels"][id]["last_check"];
    assert_eq!((last["passed"].as_integer(), last["total"].as_integer()), (Some(0), Some(level.checks as i64)));

    // The reference solution: every item is mastered now, the bonus too.
    solve_level(dir.path(), id);
    let titles: Vec<&str> = level.items.iter().map(|(_, t, _)| t.as_str()).collect();
    workshop(dir.path())
        .arg("check")
        .assert()
        .success()
        .stdout(predicate::str::contains(format!("{0}/{0} checks pass.", level.checks)))
        .stdout(predicate::str::contains(format!("Mastered now: {}.", titles.join(", "))))
        .stdout(predicate::str::contains("Every check passes. Before you move on, think these over:"));
    let ids: BTreeSet<String> = level.items.iter().map(|(id, _, _)| id.clone()).collect();
    assert_eq!(mastered(dir.path(), id), ids);

    let out = workshop(dir.path()).arg("progress").assert().success().get_output().stdout.clone();
    let out = String::from_utf8(out).unwrap();
    let heading = out.lines().find(|l| l.starts_with(&format!("{} · ", level.name))).unwrap();
    assert!(heading.ends_with(" · mastered"), "{heading}");
    for (_, title, _) in &level.items {
        let line = out.lines().find(|l| l.starts_with(&format!("  ✓ {title}"))).unwrap_or_else(|| panic!("{out}"));
        assert!(line.ends_with(&format!("mastered {}", today())), "{line}");
    }
    assert!(out.contains(&format!("last check {}: {1}/{1} checks passed", today(), level.checks)), "{out}");
    // The level it builds on was never started: it is next.
    assert!(out.contains("Next: run `workshop start towel`."), "{out}");
}

#[test]
fn babel_fish_from_stub_to_mastery() {
    from_stub_to_mastery("babel-fish", "Towel");
}

#[test]
fn improbability_drive_from_stub_to_mastery() {
    from_stub_to_mastery("improbability-drive", "Babel Fish");
}

/// The items of a native JSON level document that pass, and those it says are mastered.
fn passed_and_mastered(doc: &serde_json::Value) -> (BTreeSet<String>, BTreeSet<String>) {
    let items = doc["summary"]["items"].as_array().unwrap();
    let ids = |keep: &dyn Fn(&serde_json::Value) -> bool| {
        items.iter().filter(|i| keep(i)).map(|i| i["id"].as_str().unwrap().to_string()).collect()
    };
    (ids(&|i| i["passed"] == true), ids(&|i| i["mastered"].is_string()))
}

#[test]
fn check_all_over_two_levels() {
    let dir = tempfile::tempdir().unwrap();
    let (babel, drive) = (level("babel-fish"), level("improbability-drive"));
    start(dir.path(), "babel-fish");
    start(dir.path(), "improbability-drive");
    // Each level solved but for one planted mistake (a panic in one, a wrong answer in the other).
    solve_level(dir.path(), "babel-fish");
    let babel_rejects = plant_fixture(dir.path(), "babel-fish", "details-missing-author-panics");
    solve_level(dir.path(), "improbability-drive");
    let drive_rejects = plant_fixture(dir.path(), "improbability-drive", "conflict-loses-reactions");

    // --json: one document per level, in course order, and a summary.
    let mut cmd = workshop(dir.path());
    let out = cmd.args(["check", "--all", "--json"]).assert().code(1).get_output().stdout.clone();
    let doc: serde_json::Value = serde_json::from_slice(&out).expect("stdout is one JSON document");
    let levels = doc["levels"].as_array().unwrap();
    let ids: Vec<&str> = levels.iter().map(|l| l["level"].as_str().unwrap()).collect();
    assert_eq!(ids, ["babel-fish", "improbability-drive"]);
    assert_eq!(doc["summary"], serde_json::json!({ "levels_passed": 0, "levels": 2 }));
    for ((l, level), rejects) in levels.iter().zip([&babel, &drive]).zip([&babel_rejects, &drive_rejects]) {
        assert_eq!(l["status"], "fail");
        assert_eq!(l["summary"]["total"], level.checks, "{}", l["level"]);
        let (passed, mastered_now) = passed_and_mastered(l);
        let all: BTreeSet<String> = level.items.iter().map(|(id, _, _)| id.clone()).collect();
        let failing: BTreeSet<String> = all.difference(&passed).cloned().collect();
        assert_eq!(failing, rejects.iter().cloned().collect(), "{}", l["level"]);
        // Progress is untouched by the failing items: exactly the passing ones are mastered.
        assert_eq!(mastered_now, passed, "{}", l["level"]);
        assert_eq!(mastered(dir.path(), l["level"].as_str().unwrap()), passed);
    }
    let panicked = &levels[0]["tests"].as_array().unwrap().iter().find(|t| t["status"] == "panic").unwrap();
    assert!(panicked["message"].as_str().unwrap().starts_with("panicked: "), "{panicked}");

    // --report classroom: one point per check of both levels, names prefixed by the level.
    let out = workshop(dir.path())
        .args(["check", "--all", "--report", "classroom"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let doc: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(doc["status"], "fail");
    let tests = doc["tests"].as_array().unwrap();
    assert_eq!(tests.len(), babel.checks + drive.checks);
    assert_eq!(doc["max_score"].as_u64().unwrap() as usize, tests.len());
    for (level, n) in [(&babel, babel.checks), (&drive, drive.checks)] {
        let prefix = format!("{}: ", level.name);
        assert_eq!(tests.iter().filter(|t| t["name"].as_str().unwrap().starts_with(&prefix)).count(), n);
    }
    let score: u64 = tests.iter().map(|t| t["score"].as_u64().unwrap()).sum();
    let failed = tests.iter().filter(|t| t["status"] == "fail").count();
    assert!(failed > 0 && score as usize == tests.len() - failed, "{doc}");

    // One level stops compiling: the other is still graded, and the summary says which is which.
    let lib = dir.path().join("improbability-drive/src/lib.rs");
    fs::write(&lib, format!("{}\nfn unfinished( {{\n", fs::read_to_string(&lib).unwrap())).unwrap();
    workshop(dir.path())
        .args(["check", "--all"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("Your code does not compile yet, so no check ran."))
        .stdout(predicate::str::contains("improbability-drive/src/lib.rs"))
        .stdout(predicate::str::contains("\nAll started levels\n"))
        .stdout(predicate::str::is_match(r"✗ Babel Fish +\d+/\d+ checks pass").unwrap())
        .stdout(predicate::str::is_match(r"✗ Improbability Drive +does not compile").unwrap());
    // The broken build changed nothing in progress.
    assert_eq!(mastered(dir.path(), "improbability-drive").len(), drive.items.len() - drive_rejects.len());
}

#[test]
fn list_and_hint_on_a_second_level() {
    let dir = tempfile::tempdir().unwrap();
    start(dir.path(), "towel");
    start(dir.path(), "babel-fish");
    let line = |out: &str, name: &str| out.lines().find(|l| l.trim_start().starts_with(name)).unwrap().to_string();

    let out = workshop(dir.path()).arg("list").assert().success().get_output().stdout.clone();
    let out = String::from_utf8(out).unwrap();
    let towel = line(&out, "Towel");
    assert!(towel.contains("0/4 mastered") && towel.contains("Step 1: design the normalized schema"), "{towel}");
    let babel = line(&out, "Babel Fish");
    assert!(babel.contains("0/4 mastered"), "{babel}");
    assert!(babel.contains("Step 1a: build the memoization combinator; `workshop check babel-fish`"), "{babel}");
    assert!(line(&out, "Improbability Drive").contains("workshop start improbability-drive"), "{out}");

    // Without a level, hint helps with the one started last.
    workshop(dir.path()).arg("hint").assert().success().stdout(
        predicate::str::contains("Babel Fish · Step 1a: build the memoization combinator")
            .and(predicate::str::contains("Hint 1/"))
            .and(predicate::str::contains("Hint 2/").not()),
    );
    workshop(dir.path())
        .args(["hint", "towel"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Towel · Step 1: design the normalized schema"));

    // A planted mistake in the selector factories: the hint follows the first failing step.
    solve_level(dir.path(), "babel-fish");
    plant_fixture(dir.path(), "babel-fish", "details-missing-author-panics");
    workshop(dir.path()).args(["check", "babel-fish"]).assert().code(1);
    for shown in ["Hint 1/", "Hint 2/"] {
        workshop(dir.path())
            .args(["hint", "babel-fish"])
            .assert()
            .success()
            .stdout(predicate::str::contains("Babel Fish · Step 1b: write the selector factories"))
            .stdout(predicate::str::contains(shown));
    }
    let progress: toml::Table = progress_file(dir.path()).parse().unwrap();
    let hints = &progress["levels"]["babel-fish"]["hints_used"];
    assert_eq!((hints["memo"].as_integer(), hints["selectors"].as_integer()), (Some(1), Some(2)), "{hints}");
    assert_eq!(progress["levels"]["towel"]["hints_used"]["schema"].as_integer(), Some(1));

    let out = workshop(dir.path()).arg("list").assert().success().get_output().stdout.clone();
    let babel = line(&String::from_utf8(out).unwrap(), "Babel Fish");
    assert!(babel.contains("3/4 mastered") && babel.contains("Step 1b: write the selector factories"), "{babel}");
    workshop(dir.path())
        .arg("progress")
        .assert()
        .success()
        .stdout(predicate::str::contains("hints used: 3 · reflection: 0/3 answered"));
}
