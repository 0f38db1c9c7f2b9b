//! The TypeScript track's toolchain: the learner writes TypeScript against
//! the real `@reduxjs/toolkit`; tsc type-checks it with the hidden type cases,
//! esbuild bundles it with the hidden checks, and node runs them in workers.

mod build;
mod impact;
mod node;
mod own_tests;
mod worker;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result};

use super::own_tests::OwnTestRun;
use super::run::{self, Limits, RawRun};
use super::toolchain::{
    Build, BuildFailure, Harness, Toolchain, TypeCases, budget_args, group_member, lines_containing, perf_groups,
};
use super::verdict::{Status, mib};
use super::{Event, Events, Options};
use crate::course::{Check, CheckKind, Level};
use crate::workspace::Workspace;

pub struct TypeScript;

pub static TYPESCRIPT: TypeScript = TypeScript;

/// What node needs beyond its heap (code, young generation, its own C++ side).
const NODE_OVERHEAD_BYTES: u64 = 256 << 20;

/// The V8 heap a check may use: the memory limit. An address-space limit would
/// stop V8 before it starts (it reserves far more than it uses), so a
/// data-segment limit (heap + overhead) bounds what lives outside the V8 heap:
/// typed arrays and buffers, which `--max-old-space-size` does not count.
fn node_command(root: &Path, bundle: &Path, limits: Limits) -> Command {
    node_command_with(root, bundle, limits, &[])
}

/// Node flags of a correctness worker. One GC thread: the checks share two
/// cores with tsc and the perf group, and V8's parallel and concurrent GC
/// helpers cost a worker 7% more CPU in all (9.25 s against 8.62 s, the 67
/// Deep Thought checks in one process, median of 5) for no sooner an end. Not
/// for perf checks: their collections would pause the timed calls longer.
const WORKER_FLAGS: &[&str] = &["--single-threaded-gc"];

/// The old generation a perf node starts with. A perf check's data all
/// stays live, and V8 would otherwise collect it in full again and again as
/// it grows: building the 1M stores of Deep Thought then ran 2 full
/// collections instead of 4 and took 6.0 s of CPU instead of 6.7 s (median
/// of 4). Above those stores' 450 MB; the memory limit still caps the heap.
const PERF_INITIAL_OLD_SPACE_MB: u64 = 1024;

fn node_command_with(root: &Path, bundle: &Path, limits: Limits, flags: &[&str]) -> Command {
    let mut cmd = Command::new(node::node());
    run::limit_data(&mut cmd, limits.memory_bytes + NODE_OVERHEAD_BYTES);
    cmd.arg(format!("--max-old-space-size={}", limits.memory_bytes / (1024 * 1024)))
        .args(flags)
        .arg("--enable-source-maps")
        .arg(bundle)
        .current_dir(root)
        .env("NODE_ENV", "development");
    cmd
}

impl Toolchain for TypeScript {
    fn check_installed(&self) -> Result<()> {
        node::check_installed()
    }

    fn prepare_workspace(&self, ws: &Workspace, say: &dyn Fn(&str)) -> Result<()> {
        node::install(ws, say)
    }

    fn editor_settings(&self, _ws: &Workspace, _level: &Level) -> Result<()> {
        // The level's own tsconfig.json is what editors read; nothing to add.
        Ok(())
    }

    fn level_marker(&self) -> &'static str {
        "tsconfig.json"
    }

    fn is_source(&self, path: &Path) -> bool {
        path.extension().is_some_and(|e| e == "ts" || e == "tsx" || e == "json")
    }

    fn graded_file(&self, path: &Path) -> bool {
        path.starts_with("src") && path.extension().is_some_and(|e| e == "ts")
    }

    fn is_code(&self, path: &Path) -> bool {
        self.graded_file(path)
    }

    fn tool_dirs(&self) -> &'static [&'static str] {
        &["node_modules"]
    }

    fn cache_dirs(&self) -> &'static [&'static str] {
        &[]
    }

    fn build(&self, ws: &Workspace, level: &Level, _options: &Options, events: Events) -> Result<Build> {
        node::ensure_installed(ws)?;
        let prepared = build::prepare(ws, level)?;
        events(Event::Building("bundling with esbuild; tsc type-checks alongside the checks"));
        // tsc takes longest: it runs on while the bundle's checks run, and
        // its verdict comes in before any perf check is measured.
        let tsc = {
            let (root, id, dir) = (ws.root.clone(), level.id.clone(), prepared.dir.clone());
            thread::spawn(move || build::type_check(&root, &id, &dir))
        };
        let late = LateTypeCheck { thread: Mutex::new(Some(tsc)), result: OnceLock::new() };
        // The checks split by the code they run: the first checks need not wait for it.
        let fingerprints = Late::spawn(impact::split(ws, level, &prepared));
        if let Some(failure) = build::bundle(ws, &prepared)? {
            // tsc explains a syntax error better than esbuild does.
            return Ok(Build::Failed(late.wait()?.failure.take().unwrap_or(failure)));
        }
        let records = prepared.dir.join("run");
        std::fs::create_dir_all(&records).with_context(|| format!("cannot create {}", records.display()))?;
        let (root, bundle) = (ws.root.clone(), prepared.bundle.clone());
        let pool = worker::Pool::new(move |limits| node_command_with(&root, &bundle, limits, WORKER_FLAGS), &records);
        Ok(Build::Built(Box::new(TsHarness {
            root: ws.root.clone(),
            bundle: prepared.bundle,
            reference: OnceLock::new(),
            records,
            pool,
            late,
            staged: run::StagedTests::default(),
            fingerprints,
        })))
    }

    fn reference_side(&self, ws: &Workspace, level: &Level, events: Events) -> Option<PathBuf> {
        node::ensure_installed(ws).ok()?;
        let prepared = build::prepare(ws, level).ok()?;
        build::reference_bundle(ws, level, &prepared, &|| {
            events(Event::Building("the checks with the reference solution (once per level)"))
        })
    }

    fn prepare_warm(&self, ws: &Workspace, level: &Level) -> Result<()> {
        build::prepare(ws, level).map(drop)
    }

    fn run_warm(&self, ws: &Workspace, level: &Level) -> Result<()> {
        // Reading every file once fills the page cache for tsc, esbuild and node.
        let prepared = build::prepare(ws, level)?;
        let checked = build::type_check(&ws.root, &level.id, &prepared.dir)?;
        eprintln!("type-checked: {}", if checked.failure.is_none() { "ok" } else { "with errors" });
        let bundled = build::bundle(ws, &prepared)?;
        eprintln!("bundled: {}", if bundled.is_none() { "ok" } else { "with errors" });
        let reference = build::reference_bundle(ws, level, &prepared, &|| {});
        eprintln!("reference side bundled: {}", if reference.is_some() { "ok" } else { "no" });
        Ok(())
    }

    fn own_tests(&self, ws: &Workspace, level: &Level, timeout: Duration) -> Result<OwnTestRun> {
        own_tests::run(ws, level, timeout)
    }

    fn silent_placeholders(&self, text: &str) -> Vec<usize> {
        lines_containing(text, &["new NotImplemented()", "new Error()"])
    }

    fn read_crash(&self, stderr: &str, limits: Limits) -> Option<(Status, String)> {
        if stderr.contains("heap out of memory") || stderr.contains("Allocation failed") {
            Some((
                Status::OutOfMemory,
                format!(
                    "ran out of memory (limit {}). Something allocates far more than the data needs: \
                     an ever-growing array or object, or a copy made inside a loop.",
                    mib(limits.memory_bytes)
                ),
            ))
        } else if let Some(thrown) = load_time_throw(stderr) {
            Some((
                Status::Crashed,
                format!(
                    "your code threw while it was being loaded, before any check could run: {thrown}.\n\
                     Code at the top level of a module runs on import; keep it to declarations, \
                     and do the work inside your functions."
                ),
            ))
        } else if stderr.contains("Maximum call stack size exceeded") {
            Some((Status::Crashed, "overflowed the stack: probably a recursion that never stops.".to_string()))
        } else {
            None
        }
    }

    fn describe_panic(&self, message: &str) -> String {
        describe_throw(message)
    }
}

/// A value computed on a thread of its own, for whoever asks first.
struct Late<T> {
    thread: Mutex<Option<thread::JoinHandle<T>>>,
    value: OnceLock<Option<T>>,
}

impl<T: Send + 'static> Late<T> {
    fn spawn(f: impl FnOnce() -> T + Send + 'static) -> Late<T> {
        Late { thread: Mutex::new(Some(thread::spawn(f))), value: OnceLock::new() }
    }

    /// The value; without `wait`, `None` while it is being computed. `None`
    /// for good if the thread panicked.
    fn get(&self, wait: bool) -> Option<&T> {
        if let Some(value) = self.value.get() {
            return value.as_ref();
        }
        let mut slot = if wait {
            self.thread.lock().unwrap_or_else(|e| e.into_inner())
        } else {
            match self.thread.try_lock() {
                Ok(slot) if slot.as_ref().is_none_or(|h| h.is_finished()) => slot,
                _ => return None,
            }
        };
        self.value.get_or_init(|| slot.take().and_then(|h| h.join().ok())).as_ref()
    }
}

// Never left running: a fingerprint build still writing when the next check
// starts its own would mix their files.
impl<T> Drop for Late<T> {
    fn drop(&mut self) {
        if let Some(thread) = self.thread.get_mut().unwrap_or_else(|e| e.into_inner()).take() {
            let _ = thread.join();
        }
    }
}

/// tsc, running on a thread of its own; waited for once.
struct LateTypeCheck {
    thread: Mutex<Option<thread::JoinHandle<Result<build::Checked>>>>,
    result: OnceLock<std::result::Result<Mutex<build::Checked>, String>>,
}

impl LateTypeCheck {
    fn wait(&self) -> Result<std::sync::MutexGuard<'_, build::Checked>> {
        let result = self.result.get_or_init(|| {
            let handle = self.thread.lock().unwrap_or_else(|e| e.into_inner()).take();
            match handle.map(|h| h.join()) {
                Some(Ok(Ok(checked))) => Ok(Mutex::new(checked)),
                Some(Ok(Err(e))) => Err(format!("{e:#}")),
                Some(Err(_)) => Err("the type checker thread panicked".to_string()),
                None => Err("the type check was already waited for".to_string()),
            }
        });
        match result {
            Ok(checked) => Ok(checked.lock().unwrap_or_else(|e| e.into_inner())),
            Err(e) => Err(anyhow::anyhow!("{e}")),
        }
    }
}

struct TsHarness {
    root: PathBuf,
    bundle: PathBuf,
    /// The checks bundled with the reference solution, once perf nodes are
    /// to be paired with it.
    reference: OnceLock<PathBuf>,
    records: PathBuf,
    pool: worker::Pool,
    late: LateTypeCheck,
    staged: run::StagedTests,
    fingerprints: Late<HashMap<String, String>>,
}

impl TsHarness {
    fn node(&self, limits: Limits) -> Command {
        node_command(&self.root, &self.bundle, limits)
    }

    /// A perf node: it also times the reference solution on the candidate workload.
    fn perf_node(&self, limits: Limits) -> Command {
        let initial = format!("--initial-old-space-size={}", PERF_INITIAL_OLD_SPACE_MB.min(limits.memory_bytes >> 20));
        let mut node = node_command_with(&self.root, &self.bundle, limits, &[&initial]);
        if let Some(reference) = self.reference.get() {
            node.env("WORKSHOP_REFERENCE", reference);
        }
        node
    }
}

impl Harness for TsHarness {
    fn fingerprint(&self, check: &Check, wait: bool) -> Option<String> {
        self.fingerprints.get(wait)?.get(&check.id).cloned()
    }

    fn list(&self) -> Result<Vec<String>> {
        let out = self
            .node(Limits { timeout: std::time::Duration::from_secs(30), memory_bytes: 512 << 20 })
            .arg("--list")
            .output()
            .context("cannot list the hidden checks")?;
        Ok(String::from_utf8_lossy(&out.stdout).lines().map(str::to_string).collect())
    }

    fn run(&self, check: &Check, limits: Limits) -> Result<RawRun> {
        if check.kind != CheckKind::Perf {
            return self.pool.run(&check.id, check.setup.as_deref(), limits);
        }
        self.staged.run(&check.id, limits.timeout, || {
            run::run_test(self.perf_node(limits), &check.id, &self.records, limits.timeout, None, &budget_args(check))
        })
    }

    /// Every perf check starts at once and builds its data beside the
    /// correctness checks (a second or so of CPU the learner no longer waits
    /// for); while one measures, the others wait at their gates, idle. Perf
    /// checks that share a setup (the same data) run in one node, which
    /// builds it once.
    fn stage(&self, perfs: &[(&Check, Limits)]) -> Result<()> {
        for group in perf_groups(perfs) {
            let memory_bytes = group.iter().map(|(_, l)| l.memory_bytes).max().unwrap_or_default();
            let mut node = self.perf_node(Limits { memory_bytes, ..group[0].1 });
            node.arg("run-group").arg(&self.records).arg("--gate");
            node.args(group.iter().map(|(check, _)| group_member(check)));
            let ids: Vec<&str> = group.iter().map(|(c, _)| c.id.as_str()).collect();
            self.staged.stage(node, &ids, &self.records, None)?;
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

    fn release(&self) {
        self.pool.release();
    }

    fn type_cases(&self) -> Result<TypeCases> {
        let mut checked = self.late.wait()?;
        match checked.type_cases.take() {
            Some(cases) => Ok(cases),
            // The learner's code does not type-check: finish_build reports it.
            None if checked.failure.is_some() => {
                Ok(TypeCases { verdicts: Vec::new(), control_errors: Vec::new(), keep_api: "" })
            }
            None => anyhow::bail!("this level has no type cases (checks/typescript/<level>/types.ts)"),
        }
    }

    fn finish_build(&self) -> Result<Option<BuildFailure>> {
        Ok(self.late.wait()?.failure.take())
    }

    fn build_fails(&self) -> Result<bool> {
        Ok(self.late.wait()?.failure.is_some())
    }
}

/// A measurement gets a fresh process (no other check's garbage or JIT
/// state) and the budget, so that it stops once its verdict is clear.
/// An uncaught throw while node evaluated the bundle (a module's top level),
/// as "<error> (at <file:line:col>)": node's ESM loader is on its stack.
fn load_time_throw(stderr: &str) -> Option<String> {
    if !stderr.contains("at ModuleJob.run") {
        return None;
    }
    let lines: Vec<&str> = stderr.lines().collect();
    let first_frame = lines.iter().position(|l| l.trim_start().starts_with("at "))?;
    let error = lines[..first_frame].iter().rev().find(|l| !l.trim().is_empty())?.trim();
    let at = lines[first_frame..]
        .iter()
        .map(|l| l.trim())
        .take_while(|l| l.starts_with("at "))
        .find(|l| !l.contains("node:"))
        .and_then(|l| l.rsplit_once('(').map(|(_, loc)| loc.trim_end_matches(')')));
    Some(match at {
        Some(at) => format!("{error} (at {at})"),
        None => error.to_string(),
    })
}

/// A stub's `NotImplemented` reads as unfinished work; anything else as a throw.
fn describe_throw(message: &str) -> String {
    if let Some(rest) = message.strip_prefix("not implemented") {
        let rest = rest.trim_start_matches(':').trim();
        let (what, at) = match rest.strip_prefix("at ") {
            Some(at) => ("", at),
            None => match rest.rfind(" at ") {
                Some(i) => (&rest[..i], &rest[i + 4..]),
                None => (rest, ""),
            },
        };
        let mut out = String::from("not implemented yet: a TODO was reached");
        if !at.is_empty() {
            out.push_str(&format!(" at {at}"));
        }
        if !what.is_empty() {
            out.push_str(&format!(" ({what})"));
        }
        out
    } else {
        format!("threw: {message}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_throw_at_import_time_names_the_error_and_the_line() {
        let stderr = "towel/src/index.ts:1\nthrow new Error('boom at import');\n      ^\n\n\n\
                      Error: boom at import\n    at <anonymous> (towel/src/index.ts:1:7)\n    \
                      at ModuleJob.run (node:internal/modules/esm/module_job:325:25)\n\nNode.js v20.20.2\n";
        assert_eq!(load_time_throw(stderr).unwrap(), "Error: boom at import (at towel/src/index.ts:1:7)");
        assert_eq!(load_time_throw("Error: boom\n    at f (x.ts:1:1)\n"), None);
    }

    #[test]
    fn not_implemented_reads_as_unfinished_work() {
        assert_eq!(
            describe_throw("not implemented: look the post up at towel/src/index.ts:42"),
            "not implemented yet: a TODO was reached at towel/src/index.ts:42 (look the post up)"
        );
        assert_eq!(describe_throw("boom at towel/src/index.ts:3"), "threw: boom at towel/src/index.ts:3");
    }
}
