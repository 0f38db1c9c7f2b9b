//! The learner's own tests: node's test runner over `<level>/test/*.test.ts`
//! (what `npm test` runs in the level folder), judged by a `learner-tests` check.

use std::process::Command;
use std::time::Duration;

use anyhow::Result;

use super::node;
use crate::course::{Check, Level};
use crate::grade::run::{self, Exit};
use crate::grade::verdict::{CheckResult, Status};
use crate::workspace::Workspace;

const OWN_TESTS_TIMEOUT: Duration = Duration::from_secs(180);

/// One top-level TAP line: `ok 1 - name` / `not ok 2 - name`.
fn tap_line(line: &str) -> Option<(&str, bool)> {
    let (passed, rest) = match line.strip_prefix("not ok ") {
        Some(rest) => (false, rest),
        None => (true, line.strip_prefix("ok ")?),
    };
    let (_, name) = rest.split_once(" - ")?;
    Some((name.trim(), passed))
}

pub fn run(ws: &Workspace, level: &Level, check: &Check) -> Result<CheckResult> {
    let dir = ws.level_dir(&level.id);
    let mut cmd = Command::new(node::node());
    cmd.args(["--import", "tsx", "--test", "--test-reporter=tap"]);
    let tests: Vec<_> = std::fs::read_dir(dir.join("test"))
        .map(|d| d.flatten().map(|e| e.path()).filter(|p| p.to_string_lossy().ends_with(".test.ts")).collect())
        .unwrap_or_default();
    cmd.args(&tests).current_dir(&dir);
    let timeout = check.timeout_secs.map_or(OWN_TESTS_TIMEOUT, Duration::from_secs);
    let raw = run::run_limited(cmd, timeout, None)?;

    let results: Vec<(&str, bool)> = raw.stdout.text.lines().filter_map(tap_line).collect();
    let failed: Vec<&str> = results.iter().filter(|(_, ok)| !ok).map(|(n, _)| *n).collect();
    let min = check.min_tests.unwrap_or(1);
    let (status, message) = if raw.exit == Exit::TimedOut {
        (Status::TimedOut, format!("your own tests were still running after {} s and were stopped.", timeout.as_secs()))
    } else if !failed.is_empty() {
        (
            Status::Fail,
            format!("your own tests fail: {}. Run `npm test` in {}/ to see why.", failed.join(", "), level.id),
        )
    } else if results.is_empty() && raw.exit != Exit::Exited(0) {
        let tail: Vec<&str> = raw.stderr.text.lines().take(8).collect();
        (Status::Fail, format!("your own tests do not run (`npm test` in {}/):\n{}", level.id, tail.join("\n")))
    } else if results.len() < min {
        (
            Status::Fail,
            format!("write at least {min} tests of your own in {}/test/; found {}.", level.id, results.len()),
        )
    } else if let Some(missing) = check.names_missing(&results.iter().map(|(n, _)| *n).collect::<Vec<_>>()) {
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
    fn reads_tap_lines() {
        assert_eq!(tap_line("ok 1 - adds a comment"), Some(("adds a comment", true)));
        assert_eq!(tap_line("not ok 2 - perf: select is fast"), Some(("perf: select is fast", false)));
        assert_eq!(tap_line("# pass 3"), None);
        assert_eq!(tap_line("    ok 1 - nested"), None);
    }
}
