//! The grading pipeline: generate the harness, build, run every hidden check
//! with limits, and judge the results. Rendering and progress live elsewhere;
//! this module only produces a `Grade`.

pub mod cargo;
pub mod compile_fail;
pub mod harness;
pub mod learner;
pub mod run;
pub mod verdict;
pub mod warmup;

use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::course::{Check, CheckKind, Level};
use crate::embedded;
use crate::workspace::Workspace;
use verdict::{CheckResult, Status};

pub const INTERRUPTED: &str = "Interrupted. Your files and progress are as they were before this check.";

/// A perf check over budget is measured again, up to this many times in all,
/// and judged on its best measurement: load on the machine only ever slows
/// one side down for a while, so a true regression fails every attempt.
const PERF_ATTEMPTS: usize = 3;

pub enum Grade {
    /// The code did not compile; no check ran.
    BuildFailed(cargo::BuildFailure),
    /// Every check, in levels.toml order.
    Graded(Vec<CheckResult>),
}

impl Grade {
    pub fn all_passed(&self) -> bool {
        matches!(self, Grade::Graded(results) if results.iter().all(CheckResult::passed))
    }
}

pub struct Options {
    /// Colour in compiler diagnostics.
    pub color: bool,
    /// Also run the checks marked `stress = true`.
    pub stress: bool,
}

/// Whether `check` runs under `options` (stress checks are opt-in).
pub fn runs(check: &Check, options: &Options) -> bool {
    !check.stress || options.stress
}

/// Grades `level` in `ws`. `phase` hears what is happening, for a spinner.
pub fn grade(ws: &Workspace, level: &Level, options: &Options, phase: &dyn Fn(&str)) -> Result<Grade> {
    phase(&format!("compiling {}", level.id));
    let harness = harness::prepare(ws, level)?;
    let built = match cargo::build(&harness, &ws.target_dir(), options.color, phase)? {
        cargo::BuildOutcome::Built(b) => b,
        cargo::BuildOutcome::Failed(f) => return Ok(Grade::BuildFailed(f)),
    };

    let scratch = harness.dir.join("run");
    std::fs::create_dir_all(&scratch).with_context(|| format!("cannot create {}", scratch.display()))?;
    let limits = limits(level)?;

    let tests: Vec<_> = level.checks.iter().filter(|c| c.kind == CheckKind::Test && runs(c, options)).collect();
    let perfs: Vec<_> = level.checks.iter().filter(|c| c.kind == CheckKind::Perf && runs(c, options)).collect();
    let has_compile_fail = level.checks.iter().any(|c| c.kind == CheckKind::CompileFail);

    // Correctness tests and the type check share the cores; perf checks then
    // run alone, so nothing of ours competes with their measurements.
    phase(&format!("running {} checks", tests.len()));
    let results: Mutex<Vec<(String, CheckResult)>> = Mutex::new(Vec::new());
    let next = AtomicUsize::new(0);
    let workers = thread::available_parallelism().map_or(2, |n| n.get()).min(tests.len().max(1));
    let compile_fail = thread::scope(|s| -> Result<Option<compile_fail::Outcome>> {
        let cf = has_compile_fail.then(|| s.spawn(|| run_compile_fail(level, &built, &harness.dir)));
        let mut handles = Vec::new();
        for _ in 0..workers {
            handles.push(s.spawn(|| -> Result<()> {
                loop {
                    let Some(check) = tests.get(next.fetch_add(1, Ordering::Relaxed)) else {
                        return Ok(());
                    };
                    let limits = limits.for_check(check);
                    let raw = run::run_test(&built.harness_exe, &check.id, &scratch, limits)?;
                    let result = verdict::judge(check, &raw, limits);
                    results.lock().unwrap_or_else(|e| e.into_inner()).push((check.id.clone(), result));
                }
            }));
        }
        for h in handles {
            h.join().map_err(|_| anyhow::anyhow!("a test runner thread panicked"))??;
        }
        cf.map(|h| h.join().map_err(|_| anyhow::anyhow!("the type checker thread panicked"))?).transpose()
    })?;
    if run::interrupted() {
        bail!(INTERRUPTED);
    }

    let mut results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    for check in level.checks.iter().filter(|c| c.kind == CheckKind::SourceContains) {
        results.push((check.id.clone(), learner::source_contains(ws, level, check)));
    }
    // The learner's own tests compile, so they run before the perf checks,
    // which need the machine to themselves.
    for check in level.checks.iter().filter(|c| c.kind == CheckKind::LearnerTests) {
        phase("running your own tests");
        results.push((check.id.clone(), learner::own_tests(ws, level, check)?));
        if run::interrupted() {
            bail!(INTERRUPTED);
        }
    }
    for check in &perfs {
        let limits = limits.for_check(check);
        phase(&format!("measuring {}", check.id));
        let mut best: Option<CheckResult> = None;
        for _ in 0..PERF_ATTEMPTS {
            let raw = run::run_test(&built.harness_exe, &check.id, &scratch, limits)?;
            let r = verdict::judge(check, &raw, limits);
            let again = r.status == Status::TooSlow;
            let ratio = |r: &CheckResult| r.perf.as_ref().map_or(f64::INFINITY, |p| p.ratio);
            if best.as_ref().is_none_or(|b| ratio(&r) < ratio(b)) {
                best = Some(r);
            }
            if !again || run::interrupted() {
                break;
            }
        }
        if run::interrupted() {
            bail!(INTERRUPTED);
        }
        results.push((check.id.clone(), best.expect("measured at least once")));
    }

    if let Some(outcome) = compile_fail {
        for check in level.checks.iter().filter(|c| c.kind == CheckKind::CompileFail) {
            results.push((check.id.clone(), compile_fail_result(check, &outcome)));
        }
    }

    // Back into the order of levels.toml, with the workspace path trimmed.
    let prefix = format!("{}/", ws.root.display());
    let mut ordered = Vec::new();
    for check in level.checks.iter().filter(|c| runs(c, options)) {
        let Some(pos) = results.iter().position(|(id, _)| *id == check.id) else {
            bail!("no result for check {}: the course and its checks disagree", check.id);
        };
        let (_, mut r) = results.swap_remove(pos);
        r.message = r.message.replace(&prefix, "");
        ordered.push(r);
    }
    Ok(Grade::Graded(ordered))
}

/// The level's limits, unless `WORKSHOP_TIMEOUT_SECS` / `WORKSHOP_MEMORY_MB` override them.
fn limits(level: &Level) -> Result<run::Limits> {
    fn env(name: &str, default: u64) -> Result<u64> {
        match std::env::var(name) {
            Ok(v) => v.trim().parse::<u64>().ok().filter(|n| *n > 0).with_context(|| {
                format!("{name}={v:?} is not a positive whole number; unset it or give e.g. {name}={default}")
            }),
            Err(_) => Ok(default),
        }
    }
    Ok(run::Limits {
        timeout: Duration::from_secs(env("WORKSHOP_TIMEOUT_SECS", level.limits.timeout_secs)?),
        memory_bytes: env("WORKSHOP_MEMORY_MB", level.limits.memory_mb)? * 1024 * 1024,
    })
}

fn run_compile_fail(level: &Level, built: &cargo::Built, build_dir: &Path) -> Result<compile_fail::Outcome> {
    let source = embedded::checks(&level.id)
        .into_iter()
        .find(|f| f.path == embedded::COMPILE_FAIL_FILE)
        .with_context(|| format!("checks/{}/{} is missing from this build", level.id, embedded::COMPILE_FAIL_FILE))?;
    let source = std::str::from_utf8(source.contents).context("compile_fail.rs is not UTF-8")?;
    let dir = build_dir.join("types");
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let file = dir.join(embedded::COMPILE_FAIL_FILE);
    std::fs::write(&file, source).with_context(|| format!("cannot write {}", file.display()))?;
    compile_fail::run(&file, source, &level.crate_name(), &built.learner_rlib, &built.deps_dir, &dir)
}

fn compile_fail_result(check: &Check, outcome: &compile_fail::Outcome) -> CheckResult {
    use compile_fail::Verdict;
    let (status, message) = if !outcome.control_errors.is_empty() {
        (
            Status::Fail,
            format!(
                "the type checks could not use your crate as the stub declares it; keep the public \
                 names and signatures (ids must still be built with `From<&str>`):\n{}",
                outcome.control_errors.join("\n")
            ),
        )
    } else {
        match outcome.verdicts.iter().find(|(id, _)| *id == check.id).map(|(_, v)| v) {
            Some(Verdict::Rejected) => (Status::Pass, String::new()),
            Some(Verdict::Compiled) => (
                Status::Fail,
                "this mix-up compiled, so the compiler cannot catch it for you. \
                 Make each kind of id its own type."
                    .to_string(),
            ),
            Some(Verdict::OtherError(text)) => {
                (Status::Fail, format!("this case failed to compile for a reason other than a type mismatch:\n{text}"))
            }
            None => (Status::Fail, format!("compile_fail.rs has no `// check: {}` section", check.id)),
        }
    };
    CheckResult::new(check, status, message, Duration::ZERO)
}
