//! The learner's own tests: `cargo test` of their crate, judged by a
//! `learner-tests` check.

use std::process::Command;
use std::time::Duration;

use anyhow::Result;

use crate::course::{Check, Level};
use crate::grade::run::{self, Exit};
use crate::grade::verdict::{CheckResult, Status};
use crate::workspace::Workspace;

/// Building and running the learner's tests, unless the check says otherwise.
const OWN_TESTS_TIMEOUT: Duration = Duration::from_secs(180);

/// One `test name ... ok` line of libtest's output.
fn test_line(line: &str) -> Option<(&str, bool)> {
    let rest = line.strip_prefix("test ")?;
    let (name, outcome) = rest.rsplit_once(" ... ")?;
    match outcome.trim() {
        "ok" => Some((name, true)),
        "FAILED" => Some((name, false)),
        _ => None,
    }
}

/// `cargo test --release` of the learner's crate, in a target dir of its own
/// so that it never invalidates the harness build. Incremental, as the
/// harness's profile is: a plain release build recompiles the whole crate on
/// every edit (Deep Thought: 3.6 s, against 0.2 s incremental).
pub fn cargo_test(ws: &Workspace, level: &Level) -> Command {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string()));
    cmd.args(["test", "--release", "--color", "never", "--manifest-path"])
        .arg(ws.level_dir(&level.id).join("Cargo.toml"))
        .arg("--target-dir")
        .arg(ws.meta_dir().join("target-own-tests"))
        .env("CARGO_TERM_PROGRESS_WHEN", "never")
        // Config beats the learner's Cargo.toml profile, so these hold whatever it says.
        .env("CARGO_PROFILE_RELEASE_INCREMENTAL", "true")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "256")
        .current_dir(ws.level_dir(&level.id));
    cmd
}

pub fn run(ws: &Workspace, level: &Level, check: &Check) -> Result<CheckResult> {
    let cmd = cargo_test(ws, level);
    let timeout = check.timeout_secs.map_or(OWN_TESTS_TIMEOUT, Duration::from_secs);
    let raw = run::run_limited(cmd, timeout, None)?;

    let tests: Vec<(&str, bool)> = raw.stdout.text.lines().filter_map(test_line).collect();
    let failed: Vec<&str> = tests.iter().filter(|(_, ok)| !ok).map(|(n, _)| *n).collect();
    let min = check.min_tests.unwrap_or(1);
    let (status, message) = if raw.exit == Exit::TimedOut {
        (Status::TimedOut, format!("your own tests were still running after {} s and were stopped.", timeout.as_secs()))
    } else if tests.is_empty() && raw.exit != Exit::Exited(0) {
        let errors: Vec<&str> = raw.stderr.text.lines().filter(|l| l.starts_with("error")).take(5).collect();
        (Status::Fail, format!("your own tests do not build (`cargo test` in {}/):\n{}", level.id, errors.join("\n")))
    } else if !failed.is_empty() {
        (
            Status::Fail,
            format!("your own tests fail: {}. Run `cargo test` in {}/ to see why.", failed.join(", "), level.id),
        )
    } else if tests.len() < min {
        (Status::Fail, format!("write at least {min} tests of your own; `cargo test` found {}.", tests.len()))
    } else if let Some(missing) = check.names_missing(&tests.iter().map(|(n, _)| *n).collect::<Vec<_>>()) {
        (Status::Fail, missing)
    } else {
        (Status::Pass, String::new())
    };
    Ok(CheckResult::new(check, status, message, raw.elapsed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_libtest_lines() {
        assert_eq!(test_line("test tests::perf_query ... ok"), Some(("tests::perf_query", true)));
        assert_eq!(test_line("test tests::it_works ... FAILED"), Some(("tests::it_works", false)));
        assert_eq!(test_line("test tests::slow ... ignored"), None);
        assert_eq!(test_line("test result: ok. 3 passed; 0 failed"), None);
    }
}
