//! The Rust track's toolchain: cargo builds the learner's crate with the
//! hidden checks as one harness binary, rustc judges the compile-fail cases,
//! and `cargo test` runs the learner's own tests.

mod cargo;
mod compile_fail;
mod editor;
mod harness;
mod own_tests;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result};

use super::own_tests::OwnTestRun;
use super::run::{self, Limits, RawRun};
use super::toolchain::{
    Build, Harness, Toolchain, TypeCases, budget_args, group_member, lines_containing, perf_groups, reference_build,
};
use super::verdict::{Status, mib};
use super::{Event, Events, Options};
use crate::course::{Check, CheckKind, Level};
use crate::embedded;
use crate::lang::Lang;
use crate::workspace::Workspace;

pub struct Rust;

pub static RUST: Rust = Rust;

/// The checks file that is type-checked, not run.
const COMPILE_FAIL_FILE: &str = "compile_fail.rs";

/// The cargo target dir shared by every check, kept warm between runs.
fn target_dir(ws: &Workspace) -> PathBuf {
    ws.meta_dir().join("target")
}

/// The Rust crate name of a level's folder (`babel-fish` -> `babel_fish`).
fn crate_name(level: &Level) -> String {
    level.id.replace('-', "_")
}

impl Toolchain for Rust {
    fn check_installed(&self) -> Result<()> {
        cargo::check_toolchain()
    }

    fn prepare_workspace(&self, _ws: &Workspace, _say: &dyn Fn(&str)) -> Result<()> {
        // Cargo fetches nothing: the level crates have no dependencies.
        Ok(())
    }

    fn editor_settings(&self, ws: &Workspace, level: &Level) -> Result<()> {
        editor::write(ws, level)
    }

    fn level_marker(&self) -> &'static str {
        "Cargo.toml"
    }

    fn is_source(&self, path: &Path) -> bool {
        path.extension().is_some_and(|e| e == "rs" || e == "toml")
    }

    fn graded_file(&self, path: &Path) -> bool {
        path == Path::new("Cargo.toml") || (path.starts_with("src") && path.extension().is_some_and(|e| e == "rs"))
    }

    fn tool_dirs(&self) -> &'static [&'static str] {
        &["target"]
    }

    fn cache_dirs(&self) -> &'static [&'static str] {
        &["target/", "target-own-tests/"]
    }

    fn build(&self, ws: &Workspace, level: &Level, options: &Options, events: Events) -> Result<Build> {
        let krate = harness::prepare(ws, level, &crate_name(level))?;
        let compile_fail = level
            .checks
            .iter()
            .any(|c| c.kind == CheckKind::CompileFail)
            .then(|| {
                embedded::checks(Lang::Rust, &level.id)
                    .into_iter()
                    .find(|f| f.path == COMPILE_FAIL_FILE)
                    .map(|f| f.text())
                    .with_context(|| format!("checks/rust/{}/{COMPILE_FAIL_FILE} is missing from this build", level.id))
            })
            .transpose()?;
        let types_dir = krate.dir.join("types");
        // The type cases need only the learner's library: they run while the
        // checks compile, which keeps one core busy, not both.
        let types = EarlyTypeCases::default();
        let library = |rlib: &Path| {
            if let Some(source) = compile_fail {
                let (name, rlib, dir) = (crate_name(level), rlib.to_path_buf(), types_dir.clone());
                types.start(move || compile_fail::run(source, &name, &rlib, &dir));
            }
        };
        let built = match cargo::build(
            &krate,
            &target_dir(ws),
            options.color,
            &|part| events(Event::Building(part)),
            &library,
        )? {
            cargo::BuildOutcome::Built(b) => b,
            cargo::BuildOutcome::Failed(f) => return Ok(Build::Failed(f)),
        };
        let scratch = krate.dir.join("run");
        fs::create_dir_all(&scratch).with_context(|| format!("cannot create {}", scratch.display()))?;
        Ok(Build::Built(Box::new(RustHarness {
            built,
            reference: OnceLock::new(),
            staged: run::StagedTests::default(),
            scratch,
            types_dir,
            crate_name: crate_name(level),
            compile_fail,
            types,
        })))
    }

    fn reference_side(&self, ws: &Workspace, level: &Level, events: Events) -> Option<PathBuf> {
        let files = harness::reference_files(level, &crate_name(level)).ok()?;
        reference_build(ws, &level.id, "", &files, &[], |sources, out| {
            events(Event::Building("the checks against the reference solution (once per level)"));
            let dir = sources.join("harness");
            let krate = harness::HarnessCrate { manifest: dir.join("Cargo.toml"), dir };
            match cargo::build(&krate, &sources.join("target"), false, &|_| {}, &|_| {}).ok()? {
                cargo::BuildOutcome::Built(built) => fs::rename(&built.harness_exe, out).ok(),
                cargo::BuildOutcome::Failed(_) => None,
            }
        })
    }

    fn prepare_warm(&self, ws: &Workspace, level: &Level) -> Result<()> {
        harness::prepare(ws, level, &crate_name(level)).map(drop)
    }

    fn run_warm(&self, ws: &Workspace, level: &Level) -> Result<()> {
        let krate = harness::locate(ws, level);
        let status = cargo::build_command(&krate, &target_dir(ws))
            .status()
            .context("cannot start cargo to build the hidden checks")?;
        eprintln!("hidden checks built: {status}");
        if level.checks.iter().any(|c| c.kind == CheckKind::LearnerTests) {
            let status = own_tests::cargo_test(ws, level)
                .arg("--no-run")
                .status()
                .context("cannot start cargo to build your own tests")?;
            eprintln!("your own tests built: {status}");
        }
        // Last: only the reference figures, after a check's verdicts, wait for it.
        let reference = self.reference_side(ws, level, &|_| {});
        eprintln!("reference side built: {}", if reference.is_some() { "ok" } else { "no" });
        Ok(())
    }

    fn own_tests(&self, ws: &Workspace, level: &Level, timeout: Duration) -> Result<OwnTestRun> {
        own_tests::run(ws, level, timeout)
    }

    fn silent_placeholders(&self, text: &str) -> Vec<usize> {
        lines_containing(text, &["todo!()", "unimplemented!()"])
    }

    fn read_crash(&self, stderr: &str, limits: Limits) -> Option<(Status, String)> {
        if stderr.contains("memory allocation of") {
            Some((
                Status::OutOfMemory,
                format!(
                    "ran out of memory (limit {}). Something allocates far more than the data needs: \
                     an ever-growing collection, or a copy made inside a loop.",
                    mib(limits.memory_bytes)
                ),
            ))
        } else if stderr.contains("has overflowed its stack") {
            Some((Status::Crashed, "overflowed the stack: probably a recursion that never stops.".to_string()))
        } else {
            None
        }
    }

    fn describe_panic(&self, message: &str) -> String {
        describe_panic(message)
    }
}

struct RustHarness {
    built: cargo::Built,
    /// The hidden checks built against the reference solution, once perf
    /// checks are to be paired with it.
    reference: OnceLock<PathBuf>,
    staged: run::StagedTests,
    scratch: PathBuf,
    types_dir: PathBuf,
    crate_name: String,
    compile_fail: Option<&'static str>,
    types: EarlyTypeCases,
}

/// The type cases, started as soon as the learner's library was built. They
/// never outlive the check (joined on drop): the next one writes the same files.
#[derive(Default)]
struct EarlyTypeCases(Mutex<Option<thread::JoinHandle<Result<TypeCases>>>>);

impl EarlyTypeCases {
    fn start(&self, run: impl FnOnce() -> Result<TypeCases> + Send + 'static) {
        let previous = self.0.lock().unwrap_or_else(|e| e.into_inner()).replace(thread::spawn(run));
        if let Some(previous) = previous {
            let _ = previous.join();
        }
    }

    /// Their verdicts, if they were started.
    fn wait(&self) -> Option<Result<TypeCases>> {
        let started = self.0.lock().unwrap_or_else(|e| e.into_inner()).take()?;
        Some(started.join().unwrap_or_else(|_| Err(anyhow::anyhow!("the type cases' thread panicked"))))
    }
}

impl Drop for EarlyTypeCases {
    fn drop(&mut self) {
        let _ = self.wait();
    }
}

impl RustHarness {
    /// The harness; a perf test's also pairs its calls with the reference's.
    fn harness(&self, kind: CheckKind) -> Command {
        let mut harness = Command::new(&self.built.harness_exe);
        if let (CheckKind::Perf, Some(reference)) = (kind, self.reference.get()) {
            harness.env("WORKSHOP_REFERENCE", reference);
        }
        harness
    }
}

impl Harness for RustHarness {
    fn list(&self) -> Result<Vec<String>> {
        let exe = &self.built.harness_exe;
        let out = Command::new(exe).arg("--list").output().with_context(|| format!("cannot run {}", exe.display()))?;
        Ok(String::from_utf8_lossy(&out.stdout).lines().map(str::to_string).collect())
    }

    fn run(&self, check: &Check, limits: Limits) -> Result<RawRun> {
        let alone = || {
            let harness = self.harness(check.kind);
            run::run_test(
                harness,
                &check.id,
                &self.scratch,
                limits.timeout,
                Some(limits.memory_bytes),
                &budget_args(check),
            )
        };
        match check.kind {
            CheckKind::Perf => self.staged.run(&check.id, limits.timeout, alone),
            _ => alone(),
        }
    }

    /// Every perf check starts with the correctness checks and builds its data
    /// beside them, then waits at a gate for its measurement; checks that
    /// share a setup (Deep Thought's stores of 100,000 and 1,000,000
    /// entities) share one process, which builds the data once.
    fn stage(&self, perfs: &[(&Check, Limits)]) -> Result<()> {
        for group in perf_groups(perfs) {
            let memory_bytes = group.iter().map(|(_, l)| l.memory_bytes).max();
            let mut harness = self.harness(CheckKind::Perf);
            harness.arg("run-group").arg(&self.scratch).arg("--gate");
            harness.args(group.iter().map(|(check, _)| group_member(check)));
            let ids: Vec<&str> = group.iter().map(|(c, _)| c.id.as_str()).collect();
            self.staged.stage(harness, &ids, &self.scratch, memory_bytes)?;
        }
        Ok(())
    }

    fn unstage(&self, check: &Check) {
        self.staged.unstage(&check.id);
    }

    fn skip(&self, check: &Check) {
        self.staged.skip(&check.id);
    }

    fn pair_with(&self, reference: PathBuf) {
        let _ = self.reference.set(reference);
    }

    fn type_cases(&self) -> Result<TypeCases> {
        if let Some(cases) = self.types.wait() {
            return cases;
        }
        let source = self.compile_fail.context("this level has no compile-fail cases")?;
        compile_fail::run(source, &self.crate_name, &self.built.learner_rlib, &self.types_dir)
    }
}

/// `todo!()` is the common case and deserves a friendlier line.
fn describe_panic(message: &str) -> String {
    if let Some(rest) = message.strip_prefix("not yet implemented") {
        let rest = rest.trim_start_matches(':').trim();
        // "not yet implemented at f.rs:3" has no message; "...: msg at f.rs:3" has one.
        let (what, at) = match rest.strip_prefix("at ") {
            Some(at) => ("", at),
            None => match rest.rfind(" at ") {
                Some(i) => (&rest[..i], &rest[i + 4..]),
                None => (rest, ""),
            },
        };
        let mut out = String::from("not implemented yet: a todo!() was reached");
        if !at.is_empty() {
            out.push_str(&format!(" at {at}"));
        }
        if !what.is_empty() {
            out.push_str(&format!(" ({what})"));
        }
        out
    } else {
        format!("panicked: {message}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn early_type_cases_never_outlive_the_check_that_started_them() {
        let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let slow = |done: std::sync::Arc<std::sync::atomic::AtomicBool>| {
            move || {
                thread::sleep(Duration::from_millis(100));
                done.store(true, std::sync::atomic::Ordering::SeqCst);
                Ok(TypeCases { verdicts: Vec::new(), control_errors: Vec::new(), keep_api: "" })
            }
        };
        // A failed build drops them unread: the drop waits for the thread.
        let types = EarlyTypeCases::default();
        types.start(slow(done.clone()));
        drop(types);
        assert!(done.load(std::sync::atomic::Ordering::SeqCst));
        // Read once: their verdicts; then nothing is left to wait for.
        let types = EarlyTypeCases::default();
        assert!(types.wait().is_none());
        types.start(slow(done.clone()));
        assert!(types.wait().is_some_and(|cases| cases.is_ok()));
        assert!(types.wait().is_none());
    }

    #[test]
    fn todo_panics_read_as_unfinished_work() {
        let m = describe_panic("not yet implemented: look the post up at src/lib.rs:97");
        assert_eq!(m, "not implemented yet: a todo!() was reached at src/lib.rs:97 (look the post up)");
        assert_eq!(
            describe_panic("not yet implemented at src/lib.rs:9"),
            "not implemented yet: a todo!() was reached at src/lib.rs:9"
        );
        assert_eq!(describe_panic("boom at src/lib.rs:3"), "panicked: boom at src/lib.rs:3");
    }
}
