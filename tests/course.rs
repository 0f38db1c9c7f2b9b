//! The course proves itself through the learner's pipeline: for every
//! available level in every language, the stub fails every check, the
//! reference solution passes every check, and each wrong fixture is rejected
//! by the items it names. One test per track, so they run side by side.

use std::fs;

use assert_cmd::Command;
use assert_cmd::assert::OutputAssertExt;
use predicates::prelude::*;

mod common;
use common::repo;

fn dev_check(level: &str, lang: &str) {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::cargo_bin("workshop")
        .unwrap()
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .env("WORKSHOP_NO_WARMUP", "1")
        .args(["dev", "check", level, "--lang", lang])
        .output()
        .unwrap();
    // assert_cmd shows the head and tail of a long output: name each problem first.
    let stdout = String::from_utf8_lossy(&out.stdout);
    let problems: Vec<&str> = stdout.lines().filter(|l| l.contains('✗')).collect();
    assert!(problems.is_empty(), "{level} ({lang}):\n{}", problems.join("\n"));
    out.assert()
        .success()
        .stdout(predicate::str::contains("✓ stub fails every check"))
        .stdout(predicate::str::contains("✓ solution passes every check"))
        .stdout(predicate::str::contains("✓ harness and levels.toml list the same checks"))
        .stdout(predicate::str::contains("✓ every level grades as intended"))
        .stdout(predicate::str::contains("✗").not());
}

macro_rules! tracks {
    ($($name:ident: $level:literal in $lang:literal;)*) => {
        $(
            #[test]
            fn $name() {
                dev_check($level, $lang);
            }
        )*

        /// Every available track in levels.toml has its test above.
        #[test]
        fn every_available_track_is_proven() {
            let proven: Vec<(&str, &str)> = vec![$(($level, $lang)),*];
            let course: toml::Value = toml::from_str(&fs::read_to_string(repo("levels.toml")).unwrap()).unwrap();
            for level in course["levels"].as_array().unwrap() {
                let id = level["id"].as_str().unwrap();
                for track in level["tracks"].as_array().into_iter().flatten() {
                    let lang = track["lang"].as_str().unwrap();
                    if track["status"].as_str() == Some("available") {
                        assert!(proven.contains(&(id, lang)), "add `{id}` in `{lang}` to tests/course.rs");
                    }
                }
            }
        }
    };
}

// libtest starts tests in the order of their names, as many at once as there
// are cores: the numbers start the longest proofs first, so that the last to
// start are short and no core idles at the end.
tracks! {
    t1_typescript_deep_thought: "deep-thought" in "typescript";
    t2_rust_deep_thought: "deep-thought" in "rust";
    t3_rust_improbability_drive: "improbability-drive" in "rust";
    t4_typescript_improbability_drive: "improbability-drive" in "typescript";
    t5_rust_babel_fish: "babel-fish" in "rust";
    t6_typescript_babel_fish: "babel-fish" in "typescript";
    t7_rust_towel: "towel" in "rust";
    t8_typescript_towel: "towel" in "typescript";
}
