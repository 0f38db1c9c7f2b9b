//! The learner's own tests: node's test runner over `<level>/test/*.test.ts`
//! (what `npm test` runs in the level folder), run once for the level's
//! `learner-tests` checks.

use std::process::Command;
use std::time::Duration;

use anyhow::Result;

use super::node;
use crate::course::Level;
use crate::grade::own_tests::OwnTestRun;
use crate::grade::run;
use crate::workspace::Workspace;

/// One top-level TAP line: `ok 1 - name` / `not ok 2 - name`. A skipped or
/// todo test (`ok 3 - name # SKIP`) did not run, so it is not counted.
fn tap_line(line: &str) -> Option<(&str, bool)> {
    let (passed, rest) = match line.strip_prefix("not ok ") {
        Some(rest) => (false, rest),
        None => (true, line.strip_prefix("ok ")?),
    };
    let (_, name) = rest.split_once(" - ")?;
    let directive = name.rfind(" # ").map(|at| name[at + 3..].trim_start().to_ascii_uppercase());
    if directive.is_some_and(|d| d.starts_with("SKIP") || d.starts_with("TODO")) {
        return None;
    }
    Some((name.trim(), passed))
}

pub fn run(ws: &Workspace, level: &Level, timeout: Duration) -> Result<OwnTestRun> {
    let dir = ws.level_dir(&level.id);
    let mut cmd = Command::new(node::node());
    cmd.args(["--import", "tsx", "--test", "--test-reporter=tap"]);
    let tests: Vec<_> = std::fs::read_dir(dir.join("test"))
        .map(|d| d.flatten().map(|e| e.path()).filter(|p| p.to_string_lossy().ends_with(".test.ts")).collect())
        .unwrap_or_default();
    cmd.args(&tests).current_dir(&dir);
    let raw = run::run_limited(cmd, timeout, None)?;
    let tests = raw.stdout.text.lines().filter_map(tap_line).map(|(n, ok)| (n.to_string(), ok)).collect();
    let why = raw.stderr.text.lines().take(8).map(str::to_string).collect();
    Ok(OwnTestRun { tests, exit: raw.exit, command: "npm test", broken: ("run", why), elapsed: raw.elapsed })
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
        assert_eq!(tap_line("ok 3 - time travel replays # SKIP"), None, "a skipped test did not run");
        assert_eq!(tap_line("not ok 4 - plugins veto # TODO not written"), None);
        assert_eq!(tap_line("ok 5 - the # sign is text"), Some(("the # sign is text", true)));
    }
}
