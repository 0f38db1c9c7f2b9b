//! The learner's own tests: node's test runner over `<level>/test/*.test.ts`
//! (what `npm test` runs in the level folder), run once for the level's
//! `learner-tests` checks. esbuild bundles each test file with the code it
//! imports first, as tsx would transform it on the fly, but in 0.01 s instead
//! of tsx's 0.4 s of loading.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::Result;

use super::node;
use crate::course::Level;
use crate::grade::own_tests::OwnTestRun;
use crate::grade::run::{self, Exit};
use crate::workspace::Workspace;

/// Bundling a few test files takes a fraction of a second.
const BUNDLE_TIMEOUT: Duration = Duration::from_secs(60);

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
    let mut tests: Vec<PathBuf> = std::fs::read_dir(dir.join("test"))
        .map(|d| d.flatten().map(|e| e.path()).filter(|p| p.to_string_lossy().ends_with(".test.ts")).collect())
        .unwrap_or_default();
    tests.sort();
    let out = ws.build_dir(&level.id).join("own-tests");
    let _ = std::fs::remove_dir_all(&out);
    let mut cmd = Command::new(node::node());
    cmd.args(["--enable-source-maps", "--test", "--test-reporter=tap"]).current_dir(&dir);
    let mut took = Duration::ZERO;
    // Without a .test.ts file, node's runner looks for test files itself, as `npm test` would.
    if !tests.is_empty() {
        let bundled = bundle(ws, &dir, &tests, &out)?;
        if bundled.exit != Exit::Exited(0) {
            let why = bundled.stderr.text.lines().filter(|l| !l.trim().is_empty()).take(8).map(str::to_string);
            let broken = ("run", why.collect());
            return Ok(OwnTestRun {
                tests: Vec::new(),
                exit: bundled.exit,
                command: "npm test",
                broken,
                elapsed: bundled.elapsed,
            });
        }
        took = bundled.elapsed;
        cmd.args(tests.iter().map(|t| bundled_name(&out, t)));
    }
    let raw = run::run_limited(cmd, timeout, None)?;
    let tests = raw.stdout.text.lines().filter_map(tap_line).map(|(n, ok)| (n.to_string(), ok)).collect();
    let why = raw.stderr.text.lines().take(8).map(str::to_string).collect();
    Ok(OwnTestRun { tests, exit: raw.exit, command: "npm test", broken: ("run", why), elapsed: took + raw.elapsed })
}

/// esbuild: each test file and what it imports from the level into one ESM
/// file in `out` (packages stay imports, found in the workspace's
/// node_modules). It reads the level's tsconfig.json, as tsx does.
fn bundle(ws: &Workspace, level_dir: &Path, tests: &[PathBuf], out: &Path) -> Result<run::RawRun> {
    let mut cmd = Command::new(node::bin(&ws.root, "esbuild"));
    cmd.args(tests)
        .args(["--bundle", "--platform=node", "--target=node20", "--format=esm", "--packages=external", "--sourcemap"])
        .args(["--out-extension:.js=.mjs", "--log-level=error", "--color=false"])
        .arg(format!("--outdir={}", out.display()))
        .current_dir(level_dir);
    let raw = run::run_limited(cmd, BUNDLE_TIMEOUT, None);
    if raw.is_err() {
        node::explain_tool_failure(&ws.root)?;
    }
    raw
}

/// Where esbuild writes the bundle of test file `test` (one entry per file, so no common folder).
fn bundled_name(out: &Path, test: &Path) -> PathBuf {
    let stem = test.file_stem().unwrap_or_default().to_string_lossy();
    out.join(format!("{stem}.mjs"))
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
