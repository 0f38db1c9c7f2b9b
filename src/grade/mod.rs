//! The grading pipeline: generate the harness, build, run every hidden check
//! with limits, and judge the results. Rendering and progress live elsewhere;
//! this module only produces a `Grade`, and tells what it is doing through `Event`s.

pub mod own_tests;
pub mod run;
pub mod rust;
pub mod toolchain;
pub mod typescript;
pub mod verdict;
pub mod warmup;

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::course::{Check, CheckKind, Level};
use crate::workspace::Workspace;
pub use toolchain::BuildFailure;
use toolchain::{Build, Harness, Toolchain, TypeCases};
use verdict::{CheckResult, Status};

pub const INTERRUPTED: &str = "Interrupted. Your files and progress are as they were before this check.";

/// A perf check over budget is measured again, up to this many times in all,
/// and judged on its best measurement: load on the machine only ever slows
/// one side down for a while, so a true regression fails every attempt.
const PERF_ATTEMPTS: usize = 3;

/// A ratio this many times its budget, measured while the null pair saw a
/// quiet machine, is no passing noise: it is confirmed by one more
/// measurement, not two (a sub-microsecond call once read 17x on a loaded
/// machine and 1.0x on its next run).
const FAR_OVER_BUDGET: f64 = 3.0;

/// After a correctness check timed out, the rest of the run's correctness
/// checks get this many times the slowest passing check so far (process or
/// node start included)...
const CUT_FACTOR: u32 = 4;
/// ...but never less than this. A check is not cut when that is not below its
/// own limit: on a machine so loaded that starting a process is slow, no
/// legitimate check is cut short (an endless loop then takes longer to report).
const CUT_FLOOR: Duration = Duration::from_millis(1000);
/// Runner threads per core once a check has timed out (more would slow the
/// start of each fresh test process, which a short limit must also cover).
const HELPERS_PER_CORE: usize = 2;

pub enum Grade {
    /// The code did not compile; no check ran.
    BuildFailed(BuildFailure),
    /// Every check, in levels.toml order.
    Graded(Vec<CheckResult>),
}

/// One level's outcome, kept for rendering after every level is graded.
pub struct Graded<'c> {
    pub level: &'c Level,
    pub grade: Grade,
    pub newly_mastered: Vec<String>,
}

impl Grade {
    pub fn all_passed(&self) -> bool {
        matches!(self, Grade::Graded(results) if results.iter().all(CheckResult::passed))
    }
}

#[derive(Clone)]
pub struct Options {
    /// Colour in compiler diagnostics.
    pub color: bool,
    /// Also run the checks marked `stress = true`.
    pub stress: bool,
    /// Work skipped once an item's verdict is known (for `dev` commands,
    /// which only ask which items fail).
    pub settle: Settle,
}

/// How much of a grade `dev check` and `dev mutants` may skip: they only ask
/// which checklist items fail.
#[derive(Clone, Debug, Default, Hash, PartialEq, Eq)]
pub enum Settle {
    /// Every check runs (a learner reads every message).
    #[default]
    Nothing,
    /// A perf check whose item has already failed is not measured.
    Perf,
    /// Neither is a correctness check whose item has already failed, and a
    /// perf failure of an item in the set (a fixture's expected rejection)
    /// is not measured again to confirm it.
    Items(BTreeSet<String>),
}

impl Settle {
    fn tests(&self) -> bool {
        matches!(self, Settle::Items(_))
    }

    fn perf(&self) -> bool {
        !matches!(self, Settle::Nothing)
    }

    fn expects(&self, item: &str) -> bool {
        matches!(self, Settle::Items(expected) if expected.contains(item))
    }
}

/// What the grader is doing, for renderers to show as it happens.
pub enum Event<'a> {
    /// Building the learner's code with the hidden checks (a detail, e.g. which part).
    Building(&'a str),
    /// The correctness checks start.
    Running(usize),
    /// One check has its verdict (correctness checks finish in any order).
    Finished(&'a CheckResult),
    /// The learner's own tests run.
    OwnTests,
    /// A performance check is being measured.
    Measuring(&'a Check),
    /// A performance check is being timed beside the reference solution.
    Pairing(&'a Check),
}

/// Where the grader's events go. Called from several threads.
pub type Events<'a> = &'a (dyn Fn(Event) + Sync);

/// Whether `check` runs under `options` (stress checks are opt-in).
pub fn runs(check: &Check, options: &Options) -> bool {
    !check.stress || options.stress
}

/// Grades `level` in `ws` with the workspace's toolchain.
pub fn grade(ws: &Workspace, level: &Level, options: &Options, events: Events) -> Result<Grade> {
    grade_then_pair(ws, level, options, &Earlier::default(), events).map(|(grade, _)| grade)
}

/// The verdicts of the last check of a level, each with the fingerprint of
/// the code it ran, by check id.
#[derive(Default)]
pub struct Earlier(pub HashMap<String, CheckResult>);

impl Earlier {
    /// The earlier verdict of `check`, if the code it runs has not changed
    /// since (the same `Harness::fingerprint`) and the verdict did not depend
    /// on the machine's load. Waits for the fingerprints only where a check
    /// costs more to run than they take to compute.
    fn keeps(&self, check: &Check, harness: &dyn Harness, options: &Options) -> Option<CheckResult> {
        // `dev check` and `dev mutants` prove every verdict afresh.
        if options.settle != Settle::Nothing {
            return None;
        }
        let before = self.0.get(&check.id)?;
        let wait = check.kind == CheckKind::Perf || before.duration >= WORTH_WAITING;
        let now = harness.fingerprint(check, wait)?;
        (before.fingerprint.as_ref() == Some(&now) && !depends_on_load(before.status))
            .then(|| CheckResult { kept: true, ..before.clone() })
    }
}

/// A check that took at least this long last time waits for the
/// fingerprints (a few tenths of a second) rather than running again.
const WORTH_WAITING: Duration = Duration::from_millis(100);

/// A verdict that may differ on a quieter machine: checking again is then
/// what the learner is told to do.
pub fn depends_on_load(status: Status) -> bool {
    matches!(status, Status::TooSlow | Status::TimedOut)
}

/// Grades `level` like `grade`, and keeps what a second phase needs to time
/// the measured perf checks beside the reference solution.
pub fn grade_then_pair<'c>(
    ws: &Workspace,
    level: &'c Level,
    options: &Options,
    earlier: &Earlier,
    events: Events,
) -> Result<(Grade, Option<Pairing<'c>>)> {
    let toolchain = toolchain::of(ws.lang);
    thread::scope(|s| {
        // The learner's own tests build their own copy of the crate: started
        // now, that build overlaps the harness's instead of following it.
        let own = s.spawn(|| own_tests(ws, level, toolchain, events));
        events(Event::Building(&level.id));
        let built = toolchain.build(ws, level, options, events);
        let harness = match built {
            Ok(Build::Built(h)) => h,
            Ok(Build::Failed(f)) => {
                let _ = own.join();
                return Ok((Grade::BuildFailed(f), None));
            }
            Err(e) => {
                let _ = own.join();
                return Err(e);
            }
        };
        let grade = grade_built(ws, level, options, earlier, events, toolchain, harness.as_ref(), own)?;
        let pairing = Pairing::of(harness, level, &grade);
        Ok((grade, pairing))
    })
}

/// The learner's own tests (`learner-tests` checks), in course order, from one run.
fn own_tests(ws: &Workspace, level: &Level, toolchain: &dyn Toolchain, events: Events) -> Result<Vec<CheckResult>> {
    let checks: Vec<&Check> = level.checks.iter().filter(|c| c.kind == CheckKind::LearnerTests).collect();
    if checks.is_empty() || run::interrupted() {
        return Ok(Vec::new());
    }
    events(Event::OwnTests);
    let timeout = own_tests::timeout(level);
    let ran = toolchain.own_tests(ws, level, timeout)?;
    let results: Vec<CheckResult> = checks.iter().map(|c| own_tests::judge(&ran, level, c, timeout)).collect();
    for result in &results {
        events(Event::Finished(result));
    }
    Ok(results)
}

/// Everything after a successful build; `own` is the learner's own tests,
/// which must be done before anything is measured.
#[allow(clippy::too_many_arguments)]
fn grade_built(
    ws: &Workspace,
    level: &Level,
    options: &Options,
    earlier: &Earlier,
    events: Events,
    toolchain: &dyn Toolchain,
    harness: &dyn Harness,
    own: thread::ScopedJoinHandle<'_, Result<Vec<CheckResult>>>,
) -> Result<Grade> {
    let (limits, test_timeout) = limits(level)?;

    let mut tests: Vec<_> = level.checks.iter().filter(|c| c.kind == CheckKind::Test && runs(c, options)).collect();
    // The items expected to fail go first: once one of their checks fails,
    // the rest of them need not run.
    tests.sort_by_key(|c| !options.settle.expects(&c.item));
    let perfs: Vec<_> = level.checks.iter().filter(|c| c.kind == CheckKind::Perf && runs(c, options)).collect();
    let has_type_cases = level.checks.iter().any(|c| c.kind == CheckKind::CompileFail);

    // A budget against the reference is part of the verdict: those levels
    // pair their perf checks with it in this run.
    if perfs.iter().any(|c| c.reference_budget.is_some())
        && let Some(reference) = toolchain.reference_side(ws, level, events)
    {
        harness.pair_with(reference);
    }
    events(Event::Running(tests.len()));
    // The checks that ran here (not kept, not passed over): their results get this build's fingerprints.
    let ran: Mutex<Vec<&str>> = Mutex::new(Vec::new());
    let results: Mutex<Vec<CheckResult>> = Mutex::new(Vec::new());
    let queue = Queue::new(&tests);
    let cutoff = Cutoff::default();
    let cores = thread::available_parallelism().map_or(2, |n| n.get());
    let workers = cores.min(tests.len().max(1));
    // Once a check has timed out, helpers join in: the checks still queued
    // likely call the same looping function, and each now waits out only the
    // short limit, so running several at once ends the run within seconds.
    let helpers = (cores * HELPERS_PER_CORE).min(tests.len()).saturating_sub(workers);
    // A type error outranks every result: once a type check that runs
    // alongside has failed, no more checks start.
    let doomed = AtomicBool::new(false);
    let (type_cases, perfs) = thread::scope(|s| -> Result<(Option<TypeCases>, Vec<&Check>)> {
        let cf = has_type_cases.then(|| s.spawn(|| harness.type_cases()));
        // Correctness tests and the type cases share the cores; perf checks
        // then run alone, so nothing of ours competes with their measurements.
        // Those whose code changed are staged once that is known.
        let staged = s.spawn(|| -> Result<Vec<&Check>> {
            let mut measured = Vec::new();
            for check in perfs {
                match earlier.keeps(check, harness, options) {
                    Some(result) => {
                        events(Event::Finished(&result));
                        results.lock().unwrap_or_else(|e| e.into_inner()).push(result);
                    }
                    None => measured.push(check),
                }
            }
            harness.stage(&measured.iter().map(|c| (*c, limits.for_check(c))).collect::<Vec<_>>())?;
            Ok(measured)
        });
        s.spawn(|| doomed.store(harness.build_fails().unwrap_or(false), Ordering::Relaxed));
        let mut handles = Vec::new();
        for helper in (0..workers + helpers).map(|w| w >= workers) {
            let (queue, cutoff, results, doomed, ran) = (&queue, &cutoff, &results, &doomed, &ran);
            handles.push(s.spawn(move || -> Result<()> {
                let mut mine = VecDeque::new();
                loop {
                    if doomed.load(Ordering::Relaxed) {
                        return Ok(());
                    }
                    if helper && !cutoff.tripped() {
                        if queue.is_empty() || run::interrupted() {
                            return Ok(());
                        }
                        thread::sleep(Duration::from_millis(10));
                        continue;
                    }
                    if cutoff.tripped() {
                        queue.give_back(&mut mine);
                    }
                    let Some(check) = mine.pop_front().or_else(|| queue.take(&mut mine)) else {
                        return Ok(());
                    };
                    if let Some(result) = earlier.keeps(check, harness, options) {
                        events(Event::Finished(&result));
                        results.lock().unwrap_or_else(|e| e.into_inner()).push(result);
                        continue;
                    }
                    let settled = options.settle.tests()
                        && failed(&results.lock().unwrap_or_else(|e| e.into_inner()), &check.item);
                    let result = if settled {
                        CheckResult::new(check, Status::Fail, SETTLED.to_string(), Duration::ZERO)
                    } else {
                        ran.lock().unwrap_or_else(|e| e.into_inner()).push(&check.id);
                        run_test(harness, check, limits, test_timeout, cutoff, toolchain)?
                    };
                    events(Event::Finished(&result));
                    results.lock().unwrap_or_else(|e| e.into_inner()).push(result);
                }
            }));
        }
        for h in handles {
            h.join().map_err(|_| anyhow::anyhow!("a test runner thread panicked"))??;
        }
        let perfs = staged.join().map_err(|_| anyhow::anyhow!("the thread staging the perf checks panicked"))??;
        let cases =
            cf.map(|h| h.join().map_err(|_| anyhow::anyhow!("the type checker thread panicked"))?).transpose()?;
        Ok((cases, perfs))
    })?;
    let own = own.join().map_err(|_| anyhow::anyhow!("the thread running your own tests panicked"))??;
    if run::interrupted() {
        bail!(INTERRUPTED);
    }
    if let Some(failure) = harness.finish_build()? {
        return Ok(Grade::BuildFailed(failure));
    }

    let mut results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    results.extend(own);
    if let Some(cases) = type_cases {
        for check in level.checks.iter().filter(|c| c.kind == CheckKind::CompileFail) {
            let result = type_case_result(check, &cases);
            events(Event::Finished(&result));
            results.push(result);
        }
    }
    for check in level.checks.iter().filter(|c| matches!(c.kind, CheckKind::SourceContains | CheckKind::SourceLacks)) {
        let result = match check.kind {
            CheckKind::SourceContains => source_contains(ws, level, check),
            _ => source_lacks(ws, level, check, toolchain),
        };
        events(Event::Finished(&result));
        results.push(result);
    }
    // A perf check of an item whose correctness check ran into its time
    // limit would most likely loop too: it is not measured.
    let looped = |check: &Check| results.iter().find(|r| r.item == check.item && r.status == Status::TimedOut);
    let (skipped, perfs): (Vec<_>, Vec<_>) = perfs.into_iter().partition(|check| looped(check).is_some());
    let mut notes = Vec::new();
    for check in skipped {
        harness.unstage(check);
        let r = looped(check).expect("partitioned on it");
        let note = format!(
            "not measured: `{}` of this item ran into its time limit, and a measurement would most likely run \
             into it too. Fix that one first.",
            r.id
        );
        notes.push(CheckResult::new(check, Status::Fail, note, Duration::ZERO));
    }
    for note in notes {
        events(Event::Finished(&note));
        results.push(note);
    }
    for check in &perfs {
        if options.settle.perf() && failed(&results, &check.item) {
            // Passed over at its gate: the checks staged with it keep their data.
            harness.skip(check);
            let note = CheckResult::new(check, Status::Fail, SETTLED.to_string(), Duration::ZERO);
            events(Event::Finished(&note));
            results.push(note);
            continue;
        }
        let limits = limits.for_check(check);
        events(Event::Measuring(check));
        let confirm = !options.settle.expects(&check.item);
        let result = measure(harness, check, limits, toolchain, confirm)?;
        ran.lock().unwrap_or_else(|e| e.into_inner()).push(&check.id);
        if run::interrupted() {
            bail!(INTERRUPTED);
        }
        events(Event::Finished(&result));
        results.push(result);
    }

    // Back into the order of levels.toml, with the workspace path trimmed.
    let prefix = format!("{}/", ws.root.display());
    let ran = ran.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut ordered = Vec::new();
    for check in level.checks.iter().filter(|c| runs(c, options)) {
        let Some(pos) = results.iter().position(|r| r.id == check.id) else {
            bail!("no result for check {}: the course and its checks disagree", check.id);
        };
        let mut r = results.swap_remove(pos);
        r.message = r.message.replace(&prefix, "");
        if ran.contains(&check.id.as_str()) {
            r.fingerprint = harness.fingerprint(check, true);
        }
        ordered.push(r);
    }
    Ok(Grade::Graded(ordered))
}

/// "You against the reference", after the verdicts: the perf checks that were
/// measured without the reference solution, measured again, each paired with
/// the reference's calls on the same workload. It changes no verdict, so a
/// learner reads the verdicts first, and `watch` drops it on the next save.
pub struct Pairing<'c> {
    harness: Box<dyn Harness>,
    checks: Vec<&'c Check>,
}

/// One perf check beside the reference solution.
#[derive(Debug, Clone, PartialEq)]
pub struct Versus {
    pub id: String,
    /// The reference's time per call on the candidate workload.
    pub reference_ns: f64,
    /// The median paired ratio: the learner's time over the reference's.
    pub vs_reference: f64,
}

/// The reference solution's side could not be built: the verdicts stand.
pub const NO_REFERENCE: &str = "the reference solution's side of the perf checks could not be built here, so \
no perf check shows it beside yours (your verdicts stand). Check that .workshop/reference/ can be written, then \
check again.";

impl<'c> Pairing<'c> {
    fn of(harness: Box<dyn Harness>, level: &'c Level, grade: &Grade) -> Option<Pairing<'c>> {
        let Grade::Graded(results) = grade else { return None };
        let unpaired = |c: &&Check| {
            results.iter().any(|r| r.id == c.id && r.perf.as_ref().is_some_and(|p| p.vs_reference.is_none()))
        };
        let checks: Vec<&Check> = level.checks.iter().filter(|c| c.kind == CheckKind::Perf).filter(unpaired).collect();
        harness.release();
        (!checks.is_empty()).then_some(Pairing { harness, checks })
    }

    /// The perf checks it will time.
    pub fn checks(&self) -> &[&'c Check] {
        &self.checks
    }

    /// Times each check beside the reference solution (built first if this
    /// level's side is not yet). Stops early, with what it has, when
    /// interrupted or stopped (`run::stop_all`).
    pub fn run(self, ws: &Workspace, level: &Level, events: Events) -> Result<Vec<Versus>> {
        let toolchain = toolchain::of(ws.lang);
        let reference = toolchain.reference_side(ws, level, events);
        if run::stopped() {
            return Ok(Vec::new());
        }
        self.harness.pair_with(reference.context(NO_REFERENCE)?);
        let (limits, _) = limits(level)?;
        let staged: Vec<_> = self.checks.iter().map(|c| (*c, limits.for_check(c))).collect();
        self.harness.stage(&staged)?;
        let mut figures = Vec::new();
        for (check, limits) in staged {
            if run::stopped() {
                break;
            }
            events(Event::Pairing(check));
            let raw = self.harness.run(check, limits)?;
            let r = verdict::judge(check, &raw, limits, toolchain);
            if let Some((ns, vs)) = r.perf.and_then(|p| p.reference_ns.zip(p.vs_reference)) {
                figures.push(Versus { id: check.id.clone(), reference_ns: ns, vs_reference: vs });
            }
        }
        Ok(figures)
    }
}

/// Puts the reference figures into a grade's perf results.
pub fn attach(grade: &mut Grade, figures: &[Versus]) {
    let Grade::Graded(results) = grade else { return };
    for f in figures {
        if let Some(p) = results.iter_mut().find(|r| r.id == f.id).and_then(|r| r.perf.as_mut()) {
            p.reference_ns = Some(f.reference_ns);
            p.vs_reference = Some(f.vs_reference);
        }
    }
}

/// The message of a check not run because its item had already failed.
const SETTLED: &str = "not run: another check of this item failed first";

fn failed(results: &[CheckResult], item: &str) -> bool {
    results.iter().any(|r| r.item == item && !r.passed())
}

/// Runs one correctness check with its limits, cut short once another check
/// of this run has timed out.
fn run_test(
    harness: &dyn Harness,
    check: &Check,
    limits: run::Limits,
    test_timeout: Duration,
    cutoff: &Cutoff,
    toolchain: &dyn Toolchain,
) -> Result<CheckResult> {
    let mut limits = run::Limits { timeout: check.timeout_secs.map_or(test_timeout, Duration::from_secs), ..limits };
    // A check with a limit of its own is heavy by declaration: never cut short.
    let cut = cutoff.limit().filter(|(short, _)| check.timeout_secs.is_none() && *short < limits.timeout);
    if let Some((short, _)) = &cut {
        limits.timeout = *short;
    }
    let raw = harness.run(check, limits)?;
    let mut result = verdict::judge(check, &raw, limits, toolchain);
    match (&cut, result.status) {
        (Some((short, first)), Status::TimedOut) => {
            result.message = verdict::cut_short(check, *short, first);
        }
        (None, Status::TimedOut) => cutoff.trip(&check.id),
        (_, Status::Pass) => cutoff.passed(raw.elapsed),
        _ => {}
    }
    Ok(result)
}

/// The correctness checks, in course order, waiting for a runner. Checks
/// that share a setup form one unit that a single runner takes whole, so one
/// worker pays for the setup; such units go first, being the longest. Once a
/// check has timed out, the runners give their units back check by check, so
/// that helpers can share them.
struct Queue<'a>(Mutex<VecDeque<Vec<&'a Check>>>);

impl<'a> Queue<'a> {
    fn new(tests: &[&'a Check]) -> Queue<'a> {
        let mut shared: Vec<Vec<&Check>> = Vec::new();
        let mut alone = Vec::new();
        for &check in tests {
            match &check.setup {
                Some(setup) => match shared.iter_mut().find(|u| u[0].setup.as_ref() == Some(setup)) {
                    Some(unit) => unit.push(check),
                    None => shared.push(vec![check]),
                },
                None => alone.push(vec![check]),
            }
        }
        Queue(Mutex::new(shared.into_iter().chain(alone).collect()))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<Vec<&'a Check>>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    /// The next unit's first check; the rest of the unit goes to `mine`.
    fn take(&self, mine: &mut VecDeque<&'a Check>) -> Option<&'a Check> {
        let unit = self.lock().pop_front()?;
        mine.extend(unit);
        mine.pop_front()
    }

    fn give_back(&self, mine: &mut VecDeque<&'a Check>) {
        let mut queue = self.lock();
        for check in mine.drain(..).rev() {
            queue.push_front(vec![check]);
        }
    }
}

/// What the run knows about timeouts so far: the first check that timed
/// out, and the slowest passing check (how long a legitimate check takes
/// on this machine right now, process start included).
#[derive(Default)]
struct Cutoff(Mutex<(Option<String>, Duration)>);

impl Cutoff {
    fn tripped(&self) -> bool {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).0.is_some()
    }

    /// The short limit for the rest of the run and the check that caused it, once one timed out.
    fn limit(&self) -> Option<(Duration, String)> {
        let state = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let first = state.0.clone()?;
        Some(((state.1 * CUT_FACTOR).max(CUT_FLOOR), first))
    }

    fn trip(&self, id: &str) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).0.get_or_insert_with(|| id.to_string());
    }

    fn passed(&self, elapsed: Duration) {
        let mut state = self.0.lock().unwrap_or_else(|e| e.into_inner());
        state.1 = state.1.max(elapsed);
    }
}

/// Measures one perf check, again while it is over budget but within reach
/// of noise, and keeps its best measurement.
fn measure(
    harness: &dyn Harness,
    check: &Check,
    limits: run::Limits,
    toolchain: &dyn Toolchain,
    confirm: bool,
) -> Result<CheckResult> {
    let ratio = |r: &CheckResult| r.perf.as_ref().map_or(f64::INFINITY, |p| p.ratio);
    let mut best: Option<CheckResult> = None;
    for attempt in 0..PERF_ATTEMPTS {
        let raw = harness.run(check, limits)?;
        let r = verdict::judge(check, &raw, limits, toolchain);
        let quiet = r.perf.as_ref().is_some_and(|p| !p.noisy());
        let far = quiet && check.budget.is_some_and(|b| ratio(&r) > b * FAR_OVER_BUDGET);
        let again = confirm && r.status == Status::TooSlow && (!far || attempt == 0);
        // A pass first (a reference budget can fail a low ratio), then the lowest ratio.
        if best.as_ref().is_none_or(|b| (!r.passed(), ratio(&r)) < (!b.passed(), ratio(b))) {
            best = Some(r);
        }
        if !again || run::interrupted() {
            break;
        }
    }
    Ok(best.expect("measured at least once"))
}

/// The level's limits and its correctness checks' timeout, unless
/// `WORKSHOP_TIMEOUT_SECS` / `WORKSHOP_MEMORY_MB` override them.
fn limits(level: &Level) -> Result<(run::Limits, Duration)> {
    fn env(name: &str, default: u64) -> Result<u64> {
        match std::env::var(name) {
            Ok(v) => v.trim().parse::<u64>().ok().filter(|n| *n > 0).with_context(|| {
                format!("{name}={v:?} is not a positive whole number; unset it or give e.g. {name}={default}")
            }),
            Err(_) => Ok(default),
        }
    }
    let limits = run::Limits {
        timeout: Duration::from_secs(env("WORKSHOP_TIMEOUT_SECS", level.limits.timeout_secs)?),
        memory_bytes: env("WORKSHOP_MEMORY_MB", level.limits.memory_mb)? * 1024 * 1024,
    };
    Ok((limits, Duration::from_secs(env("WORKSHOP_TIMEOUT_SECS", level.limits.test_timeout_secs)?)))
}

fn type_case_result(check: &Check, cases: &TypeCases) -> CheckResult {
    let (status, message) = if !cases.control_errors.is_empty() {
        (
            Status::Fail,
            format!(
                "the type checks could not use your code as the stub declares it; keep the public \
                 names and signatures ({}):\n{}",
                cases.keep_api,
                cases.control_errors.join("\n")
            ),
        )
    } else {
        match cases.verdicts.iter().find(|(id, _)| *id == check.id).map(|(_, v)| v) {
            Some(Ok(())) => (Status::Pass, String::new()),
            Some(Err(message)) => (Status::Fail, message.clone()),
            None => (Status::Fail, format!("the type cases have no `// check: {}` section", check.id)),
        }
    };
    CheckResult::new(check, status, message, Duration::ZERO)
}

/// A `source-contains` check: text the learner's file must keep.
fn source_contains(ws: &Workspace, level: &Level, check: &Check) -> CheckResult {
    let (file, pattern) = (check.file.as_deref().unwrap_or_default(), check.pattern.as_deref().unwrap_or_default());
    let path = ws.level_dir(&level.id).join(file);
    let (status, message) = match std::fs::read_to_string(&path) {
        Ok(text) if text.contains(pattern) => (Status::Pass, String::new()),
        Ok(_) => (Status::Fail, format!("{}/{file} must contain `{pattern}`.", level.id)),
        Err(e) => (Status::Fail, format!("cannot read {}/{file}: {e}", level.id)),
    };
    CheckResult::new(check, status, message, Duration::ZERO)
}

/// A `source-lacks` check: texts no graded file of the learner's may use.
/// Line comments are skipped, so a note about what the code avoids is fine,
/// unless the check looks `in_comments` (its patterns are comment directives).
fn source_lacks(ws: &Workspace, level: &Level, check: &Check, toolchain: &dyn Toolchain) -> CheckResult {
    let dir = ws.level_dir(&level.id);
    let mut found = Vec::new();
    let mut files = Vec::new();
    collect_files(&dir, &dir, &mut files);
    files.retain(|rel| toolchain.graded_file(rel));
    files.sort();
    for rel in files {
        let Ok(text) = std::fs::read_to_string(dir.join(&rel)) else { continue };
        for (n, line) in text.lines().enumerate() {
            let code = if check.in_comments { line } else { line.split("//").next().unwrap_or_default() };
            for pattern in check.patterns.iter().filter(|p| code.contains(p.as_str())) {
                found.push(format!("{}/{}:{} uses `{pattern}`", level.id, rel.display(), n + 1));
            }
        }
    }
    let (status, message) = if found.is_empty() {
        (Status::Pass, String::new())
    } else {
        let shown = found.iter().take(5).cloned().collect::<Vec<_>>().join("\n");
        let more = found.len().saturating_sub(5);
        let more = if more > 0 { format!("\n... and {more} more") } else { String::new() };
        (Status::Fail, format!("{shown}{more}\nNone of these may appear: {}.", check.patterns.join(", ")))
    };
    CheckResult::new(check, status, message, Duration::ZERO)
}

/// Every file under `dir`, relative to `root`.
fn collect_files(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_files(root, &path, out);
        } else if let Ok(rel) = path.strip_prefix(root) {
            out.push(rel.to_path_buf());
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;
    use std::time::Duration;

    use super::*;
    use crate::course::Course;
    use crate::lang::Lang;
    use run::{Captured, Exit, RawRun};

    /// A harness run that exited cleanly after writing `record`.
    fn exited(record: &serde_json::Value) -> RawRun {
        let none = || Captured { text: String::new(), dropped: 0 };
        let (stdout, stderr) = (none(), none());
        RawRun { exit: Exit::Exited(0), record: Some(record.to_string()), stdout, stderr, elapsed: Duration::ZERO }
    }

    /// Answers each run of a perf check with the next (ratio, null ratio) of its list.
    struct Ratios(Mutex<Vec<(f64, f64)>>);

    impl Harness for Ratios {
        fn list(&self) -> Result<Vec<String>> {
            Ok(Vec::new())
        }

        fn run(&self, check: &Check, _limits: run::Limits) -> Result<RawRun> {
            let (ratio, null_ratio) = self.0.lock().unwrap().remove(0);
            let record = serde_json::json!({
                "id": check.id, "status": "pass", "message": "", "duration_ms": 1.0,
                "perf": {"baseline": "small", "candidate": "big", "baseline_ns": 100.0,
                         "candidate_ns": 100.0 * ratio, "ratio": ratio, "null_ratio": null_ratio, "rounds": 5},
            });
            Ok(exited(&record))
        }

        fn pair_with(&self, _reference: PathBuf) {}

        fn type_cases(&self) -> Result<TypeCases> {
            unreachable!("no type cases here")
        }
    }

    /// Every check passes after a few milliseconds; the type check that ran
    /// alongside says, after 100 ms, whether it failed.
    struct LateTypeCheck {
        fails: bool,
        ran: Mutex<usize>,
    }

    impl Harness for LateTypeCheck {
        fn list(&self) -> Result<Vec<String>> {
            Ok(Vec::new())
        }

        fn run(&self, check: &Check, _limits: run::Limits) -> Result<RawRun> {
            std::thread::sleep(Duration::from_millis(5));
            *self.ran.lock().unwrap() += 1;
            Ok(exited(&serde_json::json!({"id": check.id, "status": "pass", "message": "", "duration_ms": 5.0})))
        }

        fn pair_with(&self, _reference: PathBuf) {}

        fn type_cases(&self) -> Result<TypeCases> {
            Ok(TypeCases { verdicts: Vec::new(), control_errors: Vec::new(), keep_api: "" })
        }

        fn build_fails(&self) -> Result<bool> {
            std::thread::sleep(Duration::from_millis(100));
            Ok(self.fails)
        }

        fn finish_build(&self) -> Result<Option<BuildFailure>> {
            let tool_output = "error TS2322".to_string();
            let failure =
                BuildFailure { tool: "tsc", learner_errors: Vec::new(), check_errors: Vec::new(), tool_output };
            Ok(self.fails.then_some(failure))
        }
    }

    /// A harness that only knows fingerprints: (check id, fingerprint, ready).
    struct Prints(Vec<(&'static str, &'static str)>, bool);

    impl Harness for Prints {
        fn list(&self) -> Result<Vec<String>> {
            Ok(Vec::new())
        }

        fn run(&self, _check: &Check, _limits: run::Limits) -> Result<RawRun> {
            unreachable!("only asked for fingerprints")
        }

        fn pair_with(&self, _reference: PathBuf) {}

        fn type_cases(&self) -> Result<TypeCases> {
            unreachable!("only asked for fingerprints")
        }

        fn fingerprint(&self, check: &Check, wait: bool) -> Option<String> {
            (self.1 || wait).then(|| self.0.iter().find(|(id, _)| *id == check.id).map(|(_, p)| p.to_string()))?
        }
    }

    #[test]
    fn a_verdict_is_kept_only_while_its_code_and_the_machine_cannot_change_it() {
        let course = Course::embedded(Lang::TypeScript);
        let towel = course.level("towel").unwrap();
        let test = towel.checks.iter().find(|c| c.kind == CheckKind::Test).unwrap();
        let perf = towel.checks.iter().find(|c| c.kind == CheckKind::Perf).unwrap();
        let earlier = |status: Status, ms: u64| {
            let mut e = Earlier::default();
            for c in [test, perf] {
                let mut r = CheckResult::new(c, status, String::new(), Duration::from_millis(ms));
                r.fingerprint = Some("a".into());
                e.0.insert(c.id.clone(), r);
            }
            e
        };
        let learner = Options { color: false, stress: false, settle: Settle::Nothing };
        let same = Prints(vec![(leak(&test.id), "a"), (leak(&perf.id), "a")], true);
        let changed = Prints(vec![(leak(&test.id), "b"), (leak(&perf.id), "b")], true);

        let kept = earlier(Status::Fail, 1).keeps(test, &same, &learner).expect("same code, same verdict");
        assert!(kept.kept && kept.status == Status::Fail);
        assert!(earlier(Status::Pass, 1).keeps(test, &changed, &learner).is_none(), "its code changed");
        assert!(Earlier::default().keeps(test, &same, &learner).is_none(), "nothing to keep");
        assert!(earlier(Status::TooSlow, 1).keeps(perf, &same, &learner).is_none(), "a verdict of load");
        assert!(earlier(Status::TimedOut, 1).keeps(test, &same, &learner).is_none(), "a verdict of load");
        let proving = Options { settle: Settle::Perf, ..learner.clone() };
        assert!(earlier(Status::Pass, 1).keeps(test, &same, &proving).is_none(), "dev check proves everything");

        // Not ready yet: a cheap check runs rather than wait; a perf check, or a slow one, waits.
        let later = Prints(same.0.clone(), false);
        assert!(earlier(Status::Pass, 1).keeps(test, &later, &learner).is_none());
        assert!(earlier(Status::Pass, 1).keeps(perf, &later, &learner).is_some());
        assert!(earlier(Status::Pass, 100).keeps(test, &later, &learner).is_some());
    }

    fn leak(s: &str) -> &'static str {
        Box::leak(s.to_string().into_boxed_str())
    }

    /// How many of 200 correctness checks ran, and whether the grade said the build failed.
    fn ran_beside_a_type_check(fails: bool) -> (usize, bool) {
        let course = Course::embedded(Lang::TypeScript);
        let mut level = course.level("towel").unwrap().clone();
        let one = level.checks.iter().find(|c| c.kind == CheckKind::Test).unwrap().clone();
        level.checks.retain(|c| c.kind == CheckKind::CompileFail);
        for n in 0..200 {
            level.checks.push(Check { id: format!("{}-{n}", one.id), ..one.clone() });
        }
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::create(dir.path(), Lang::TypeScript, &[]).unwrap();
        let options = Options { color: false, stress: false, settle: Settle::Nothing };
        let harness = LateTypeCheck { fails, ran: Mutex::new(0) };
        let grade = thread::scope(|s| {
            let own = s.spawn(|| Ok(Vec::new()));
            let quiet = |_: Event| {};
            grade_built(
                &ws,
                &level,
                &options,
                &Earlier::default(),
                &quiet,
                toolchain::of(Lang::TypeScript),
                &harness,
                own,
            )
            .unwrap()
        });
        (*harness.ran.lock().unwrap(), matches!(grade, Grade::BuildFailed(_)))
    }

    #[test]
    fn no_check_starts_once_the_type_check_alongside_has_failed() {
        let (ran, failed) = ran_beside_a_type_check(true);
        assert!(failed, "a type error outranks every result");
        assert!(ran < 100, "{ran} of 200 checks ran after the type check had failed");
        assert_eq!(ran_beside_a_type_check(false), (200, false), "a clean type check stops nothing");
    }

    /// How many measurements were taken and the ratio kept, for a 5x budget.
    fn measured(ratios: &[(f64, f64)]) -> (usize, f64) {
        measured_confirming(ratios, true)
    }

    fn measured_confirming(ratios: &[(f64, f64)], confirm: bool) -> (usize, f64) {
        let course = Course::embedded(Lang::Rust);
        let check = course.level("towel").unwrap().checks.iter().find(|c| c.budget == Some(5.0)).unwrap();
        let harness = Ratios(Mutex::new(ratios.to_vec()));
        let limits = run::Limits { timeout: Duration::from_secs(10), memory_bytes: 1 << 30 };
        let result = measure(&harness, check, limits, toolchain::of(Lang::Rust), confirm).unwrap();
        (ratios.len() - harness.0.lock().unwrap().len(), result.perf.unwrap().ratio)
    }

    #[test]
    fn checks_sharing_a_setup_go_to_one_runner_first_and_come_back_one_by_one_after_a_timeout() {
        let course = Course::embedded(Lang::TypeScript);
        let level = course.level("babel-fish").unwrap();
        let tests: Vec<_> = level.checks.iter().filter(|c| c.kind == CheckKind::Test).collect();
        let rendering: Vec<_> = tests.iter().filter(|c| c.setup.is_some()).map(|c| c.id.as_str()).collect();
        assert!(rendering.len() >= 2, "the Babel Fish views share a setup");
        let queue = Queue::new(&tests);
        let mut mine = VecDeque::new();
        let first = queue.take(&mut mine).unwrap();
        let unit: Vec<_> = std::iter::once(first).chain(mine.iter().copied()).map(|c| c.id.as_str()).collect();
        assert_eq!(unit, rendering, "the shared unit, whole and in course order, before any other check");
        let mut other = VecDeque::new();
        let next = queue.take(&mut other).unwrap();
        assert!(next.setup.is_none() && other.is_empty(), "a check without a setup is a unit of its own");
        queue.give_back(&mut mine);
        assert!(mine.is_empty());
        for id in &rendering[1..] {
            assert_eq!(queue.take(&mut other).unwrap().id, *id, "given back in order, one check per unit");
            assert!(other.is_empty());
        }
        let left = tests.len() - rendering.len() - 1;
        assert_eq!((0..left).filter_map(|_| queue.take(&mut other)).count(), left);
        assert!(queue.is_empty() && queue.take(&mut other).is_none());
    }

    #[test]
    fn a_perf_check_near_its_budget_is_measured_again_and_keeps_its_best() {
        assert_eq!(measured(&[(1.0, 1.0)]), (1, 1.0));
        assert_eq!(measured(&[(6.0, 1.0), (4.0, 1.0), (9.0, 1.0)]), (2, 4.0));
        assert_eq!(measured(&[(6.0, 1.0), (9.0, 1.0), (7.0, 1.0)]), (3, 6.0));
        assert_eq!(measured(&[(15.0, 1.0), (1.0, 1.0)]), (2, 1.0));
    }

    /// Loops forever (times out) on the checks it is told, passes the rest;
    /// remembers the timeout each check was given.
    struct Loops(Vec<&'static str>, Mutex<Vec<(String, Duration)>>);

    impl Harness for Loops {
        fn list(&self) -> Result<Vec<String>> {
            Ok(Vec::new())
        }

        fn run(&self, check: &Check, limits: run::Limits) -> Result<RawRun> {
            self.1.lock().unwrap().push((check.id.clone(), limits.timeout));
            let looping = self.0.contains(&check.id.as_str());
            let record = serde_json::json!({"id": check.id, "status": "pass", "message": "", "duration_ms": 1.0});
            let none = || Captured { text: String::new(), dropped: 0 };
            Ok(RawRun {
                exit: if looping { Exit::TimedOut } else { Exit::Exited(0) },
                record: (!looping).then(|| record.to_string()),
                stdout: none(),
                stderr: none(),
                elapsed: if looping { limits.timeout } else { Duration::from_millis(40) },
            })
        }

        fn pair_with(&self, _reference: PathBuf) {}

        fn type_cases(&self) -> Result<TypeCases> {
            unreachable!("no type cases here")
        }
    }

    #[test]
    fn after_a_timeout_the_rest_of_the_run_gets_a_short_limit_that_says_why() {
        let course = Course::embedded(Lang::Rust);
        let towel = course.level("towel").unwrap();
        let check = |id: &str| towel.checks.iter().find(|c| c.id == id).unwrap();
        let harness = Loops(vec!["selectors.select-post", "selectors.select-user"], Mutex::new(Vec::new()));
        let limits = run::Limits { timeout: Duration::from_secs(10), memory_bytes: 1 << 30 };
        let (cutoff, rust) = (Cutoff::default(), toolchain::of(Lang::Rust));
        let run = |id: &str| run_test(&harness, check(id), limits, Duration::from_secs(3), &cutoff, rust).unwrap();

        // Before any timeout: the correctness default, whatever passed.
        assert!(run("schema.from-entities").passed());
        let first = run("selectors.select-post");
        assert_eq!(first.status, Status::TimedOut);
        assert!(first.message.contains("still running after 3 s and stopped, while checking that select_post finds"));
        assert!(!first.message.contains("shorter limit"), "{}", first.message);
        // After it: 4x the slowest passing check, at least the floor; the message says why.
        let second = run("selectors.select-user");
        assert_eq!(second.status, Status::TimedOut);
        assert!(second.message.contains("still running after 1 s"), "{}", second.message);
        assert!(second.message.contains("once `selectors.select-post` ran into its time limit"), "{}", second.message);
        cutoff.passed(Duration::from_millis(500));
        assert!(run("selectors.post-comments-in-order").passed());
        let given = harness.1.lock().unwrap().clone();
        let secs: Vec<f64> = given.iter().map(|(_, t)| t.as_secs_f64()).collect();
        assert_eq!(secs, [3.0, 3.0, 1.0, 2.0]);
        // Where that is not below a check's own limit, the check keeps its own.
        cutoff.passed(Duration::from_secs(1));
        assert!(run("selectors.post-comments-only-this-post").passed());
        assert_eq!(harness.1.lock().unwrap().last().unwrap().1, Duration::from_secs(3));
    }

    #[test]
    fn a_check_with_its_own_limit_is_never_cut_short() {
        let course = Course::embedded(Lang::Rust);
        let dt = course.level("deep-thought").unwrap();
        let heavy = dt.checks.iter().find(|c| c.kind == CheckKind::Test && c.timeout_secs.is_some()).unwrap();
        let harness = Loops(Vec::new(), Mutex::new(Vec::new()));
        let limits = run::Limits { timeout: Duration::from_secs(30), memory_bytes: 1 << 30 };
        let cutoff = Cutoff::default();
        cutoff.trip("some.check");
        run_test(&harness, heavy, limits, Duration::from_secs(3), &cutoff, toolchain::of(Lang::Rust)).unwrap();
        let given = harness.1.lock().unwrap()[0].1;
        assert_eq!(given, Duration::from_secs(heavy.timeout_secs.unwrap()));
    }

    #[test]
    fn an_expected_perf_failure_is_not_measured_again() {
        assert_eq!(measured_confirming(&[(6.0, 1.0), (4.0, 1.0)], false), (1, 6.0));
        assert_eq!(measured_confirming(&[(1.0, 1.0)], false), (1, 1.0));
    }

    #[test]
    fn a_perf_check_far_over_its_budget_on_a_quiet_machine_is_confirmed_once() {
        assert_eq!(measured(&[(15.5, 1.0), (16.0, 1.0), (1.0, 1.0)]), (2, 15.5));
        assert_eq!(measured(&[(98.0, 1.05), (97.0, 1.0), (1.0, 1.0)]), (2, 97.0));
        // A glitch far over budget is not the verdict when the next measurement passes.
        assert_eq!(measured(&[(17.5, 1.0), (1.0, 1.0)]), (2, 1.0));
        // The null pair saw a busy machine: the same ratio gets every chance.
        assert_eq!(measured(&[(98.0, 1.3), (98.0, 1.3), (1.0, 1.0)]), (3, 1.0));
    }
}
