//! The course proves itself through the learner's pipeline: for every
//! available level, the stub fails every check, the reference solution passes
//! every check, and each wrong fixture is rejected by the items it names.

use assert_cmd::Command;
use predicates::prelude::*;

#[test]
fn dev_check_proves_every_available_level() {
    let dir = tempfile::tempdir().unwrap();
    Command::cargo_bin("workshop")
        .unwrap()
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .args(["dev", "check"])
        .assert()
        .success()
        .stdout(predicate::str::contains("✓ stub fails every check"))
        .stdout(predicate::str::contains("✓ solution passes every check"))
        .stdout(predicate::str::contains("✓ harness and levels.toml list the same checks"))
        .stdout(predicate::str::contains("✓ every level grades as intended"))
        .stdout(predicate::str::contains("✗").not());
}
