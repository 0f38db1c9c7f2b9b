//! The last check's verdicts, reused when nothing they depend on changed:
//! the learner's files (by content), the workshop binary, the options and
//! the limits from the environment. After a change to the learner's files
//! only, each verdict whose code did not change is kept (`grade::Earlier`).
//! The file is written atomically; a missing, damaged or stale one is simply
//! ignored.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::course::{Check, Level};
use crate::grade::toolchain::{BuildFailure, Toolchain};
use crate::grade::verdict::{CheckResult, Perf, Status};
use crate::grade::{self, Grade, Options};
use crate::progress;
use crate::workspace::Workspace;

const FILE: &str = "last-check.json";
/// Bumped when the stored form changes.
const SCHEMA: u32 = 2;

/// What a check's verdicts depend on, as one fingerprint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    /// Everything but the learner's files.
    base: String,
    whole: String,
}

impl Key {
    pub fn of(ws: &Workspace, level: &Level, options: &Options, toolchain: &dyn Toolchain) -> Key {
        let base = base(level, ws, options);
        let mut h = DefaultHasher::new();
        base.hash(&mut h);
        let dir = ws.level_dir(&level.id);
        for path in sources(&dir, toolchain) {
            path.strip_prefix(&dir).unwrap_or(&path).hash(&mut h);
            // An unreadable file hashes as such; reading it again later differs if it changes.
            std::fs::read(&path).ok().hash(&mut h);
        }
        Key { base, whole: format!("{:016x}", h.finish()) }
    }
}

/// The binary, the options and the limits: what every verdict depends on.
fn base(level: &Level, ws: &Workspace, options: &Options) -> String {
    let mut h = DefaultHasher::new();
    SCHEMA.hash(&mut h);
    env!("CARGO_PKG_VERSION").hash(&mut h);
    // The binary itself: a rebuilt workshop may judge differently.
    if let Ok(meta) = std::env::current_exe().and_then(std::fs::metadata) {
        meta.len().hash(&mut h);
        meta.modified().ok().hash(&mut h);
    }
    (ws.lang.id(), &level.id, options.color, options.stress, &options.settle).hash(&mut h);
    for var in ["WORKSHOP_TIMEOUT_SECS", "WORKSHOP_MEMORY_MB"] {
        std::env::var_os(var).hash(&mut h);
    }
    format!("{:016x}", h.finish())
}

/// The learner's source files of a level folder, sorted.
fn sources(dir: &Path, toolchain: &dyn Toolchain) -> Vec<PathBuf> {
    fn walk(dir: &Path, toolchain: &dyn Toolchain, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            if toolchain.tool_dirs().iter().any(|d| entry.file_name() == *d) {
                continue;
            }
            let path = entry.path();
            match entry.file_type() {
                Ok(t) if t.is_dir() => walk(&path, toolchain, out),
                Ok(_) if toolchain.is_source(&path) => out.push(path),
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, toolchain, &mut out);
    out.sort();
    out
}

#[derive(Serialize, Deserialize)]
struct Stored {
    schema: u32,
    key: String,
    base: String,
    /// Whether the whole grade may be reused (none of its verdicts depends on load).
    whole: bool,
    /// When the verdicts were made (RFC 3339).
    at: String,
    grade: StoredGrade,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum StoredGrade {
    Graded(Vec<StoredResult>),
    BuildFailed { tool: String, learner_errors: Vec<String>, check_errors: Vec<String>, tool_output: String },
}

#[derive(Serialize, Deserialize)]
struct StoredResult {
    id: String,
    status: Status,
    message: String,
    duration_ms: f64,
    perf: Option<Perf>,
    output: String,
    fingerprint: Option<String>,
}

impl StoredResult {
    /// The verdict of `check` it stores; `None` if it is damaged.
    fn result(self, check: &Check) -> Option<CheckResult> {
        if !self.duration_ms.is_finite() {
            return None;
        }
        let duration = Duration::from_secs_f64(self.duration_ms.max(0.0) / 1e3);
        let mut r = CheckResult::new(check, self.status, self.message, duration);
        (r.perf, r.output, r.fingerprint) = (self.perf, self.output, self.fingerprint);
        Some(r)
    }
}

/// Verdicts reused from an earlier check.
pub struct Reused {
    pub grade: Grade,
    /// When they were made (RFC 3339).
    pub at: String,
}

fn path(ws: &Workspace, level: &Level) -> PathBuf {
    ws.build_dir(&level.id).join(FILE)
}

fn read(ws: &Workspace, level: &Level) -> Option<Stored> {
    let text = std::fs::read_to_string(path(ws, level)).ok()?;
    serde_json::from_str::<Stored>(&text).ok().filter(|s| s.schema == SCHEMA)
}

/// The stored verdicts of `level`, if they were made under `key`.
pub fn load(ws: &Workspace, level: &Level, options: &Options, key: &Key) -> Option<Reused> {
    let stored = read(ws, level)?;
    if stored.key != key.whole || !stored.whole {
        return None;
    }
    let grade = match stored.grade {
        StoredGrade::BuildFailed { tool, learner_errors, check_errors, tool_output } => {
            // The tools are few; a stale name only costs this one string.
            let tool: &'static str = Box::leak(tool.into_boxed_str());
            Grade::BuildFailed(BuildFailure { tool, learner_errors, check_errors, tool_output })
        }
        StoredGrade::Graded(stored) => {
            let mut results = Vec::new();
            // Every check that runs, in course order, or the file is not ours.
            let expected: Vec<_> = level.checks.iter().filter(|c| grade::runs(c, options)).collect();
            if expected.len() != stored.len() {
                return None;
            }
            for (check, s) in expected.into_iter().zip(stored) {
                if check.id != s.id {
                    return None;
                }
                results.push(s.result(check)?);
            }
            Grade::Graded(results)
        }
    };
    Some(Reused { grade, at: stored.at })
}

/// The stored verdicts of `level` made under the same binary, options and
/// limits as `key`, whatever the learner's files were then: each keeps its
/// fingerprint, so that a check whose code is unchanged need not run.
pub fn earlier(ws: &Workspace, level: &Level, options: &Options, key: &Key) -> grade::Earlier {
    let mut earlier = grade::Earlier::default();
    let Some(Stored { base, grade: StoredGrade::Graded(stored), .. }) = read(ws, level) else { return earlier };
    if base != key.base {
        return earlier;
    }
    for s in stored {
        let Some(check) = level.checks.iter().find(|c| c.id == s.id && grade::runs(c, options)) else { continue };
        if s.fingerprint.is_some()
            && let Some(r) = s.result(check)
        {
            earlier.0.insert(r.id.clone(), r);
        }
    }
    earlier
}

/// Whether `grade` may be reused whole: not when a verdict depends on how
/// busy the machine was (a perf check over budget, a timeout).
fn reusable(grade: &Grade) -> bool {
    match grade {
        Grade::BuildFailed(_) => true,
        Grade::Graded(results) => !results.iter().any(|r| grade::depends_on_load(r.status)),
    }
}

/// Stores `grade` under `key`; a failure to write only costs the next check
/// its shortcut.
pub fn store(ws: &Workspace, level: &Level, key: &Key, grade: &Grade) {
    let whole = reusable(grade);
    let grade = match grade {
        Grade::BuildFailed(f) => StoredGrade::BuildFailed {
            tool: f.tool.to_string(),
            learner_errors: f.learner_errors.clone(),
            check_errors: f.check_errors.clone(),
            tool_output: f.tool_output.clone(),
        },
        Grade::Graded(results) => StoredGrade::Graded(
            results
                .iter()
                .map(|r| StoredResult {
                    id: r.id.clone(),
                    status: r.status,
                    message: r.message.clone(),
                    duration_ms: r.duration.as_secs_f64() * 1e3,
                    perf: r.perf.clone(),
                    output: r.output.clone(),
                    fingerprint: r.fingerprint.clone(),
                })
                .collect(),
        ),
    };
    let stored =
        Stored { schema: SCHEMA, key: key.whole.clone(), base: key.base.clone(), whole, at: progress::now(), grade };
    let path = path(ws, level);
    if let (Ok(text), Some(dir)) = (serde_json::to_string(&stored), path.parent())
        && std::fs::create_dir_all(dir).is_ok()
    {
        let _ = progress::write_atomic(&path, text.as_bytes());
    }
}

/// Forgets the stored verdicts (an interrupted check, say).
pub fn forget(ws: &Workspace, level: &Level) {
    let _ = std::fs::remove_file(path(ws, level));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::course::Course;
    use crate::lang::Lang;

    #[test]
    fn verdicts_that_depend_on_the_machines_load_are_not_reused() {
        let course = Course::embedded(Lang::Rust);
        let towel = course.level("towel").unwrap();
        let with = |status: Status| {
            let results = towel
                .checks
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    CheckResult::new(c, if i == 3 { status } else { Status::Pass }, String::new(), Duration::ZERO)
                })
                .collect();
            Grade::Graded(results)
        };
        assert!(reusable(&with(Status::Pass)));
        assert!(reusable(&with(Status::Fail)));
        assert!(reusable(&with(Status::Panic)));
        assert!(!reusable(&with(Status::TooSlow)));
        assert!(!reusable(&with(Status::TimedOut)));
    }
}
