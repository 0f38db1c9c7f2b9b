//! The learner's own tests: `cargo test` of their crate, run once for the
//! level's `learner-tests` checks.

use std::process::Command;
use std::time::Duration;

use anyhow::Result;

use crate::course::Level;
use crate::grade::own_tests::OwnTestRun;
use crate::grade::run;
use crate::workspace::Workspace;

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

pub fn run(ws: &Workspace, level: &Level, timeout: Duration) -> Result<OwnTestRun> {
    let raw = run::run_limited(cargo_test(ws, level), timeout, None)?;
    let tests = raw.stdout.text.lines().filter_map(test_line).map(|(n, ok)| (n.to_string(), ok)).collect();
    let errors = raw.stderr.text.lines().filter(|l| l.starts_with("error")).take(5).map(str::to_string).collect();
    Ok(OwnTestRun { tests, exit: raw.exit, command: "cargo test", broken: ("build", errors), elapsed: raw.elapsed })
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
