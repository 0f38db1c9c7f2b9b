// The hidden-check runtime, compiled into every level's harness. Std only, so a
// learner's first check builds fast.
//
// Protocol: `harness --list` prints the test ids, one a line.
// `harness run <id> <result-file>` runs one test and writes one JSON record to
// the result file. The grader runs each test in its own process, so a panic,
// an abort or an endless loop in one test never hides another's result.
// `harness run-all <dir>` runs them all in one process (for benchmarks only).
// `harness run-group <dir> [--gate] <id>...` runs the perf tests named, in
// order, in one process, so that they build shared data once; with --gate,
// each builds its data, writes <dir>/<id>.json.ready, then waits for a line on
// stdin before its timed calls (EOF: exits, no record).
// With WORKSHOP_REFERENCE naming this harness built against the reference
// solution, perf tests also start that one as `harness serve-reference` and
// pair the reference's candidate blocks with their own (see `Reference`).

#![allow(dead_code)]

use std::fmt::Debug;
use std::hint::black_box;
use std::io::{BufRead, BufReader, Write};
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub type CheckResult = Result<(), String>;

pub enum Body {
    /// A correctness check.
    Check(fn() -> CheckResult),
    /// A performance check: measures a candidate against a baseline in the
    /// same process and reports the ratio; the grader applies the budget.
    Perf(fn() -> Result<Measurement, String>),
}

pub struct Test {
    pub id: &'static str,
    pub body: Body,
}

impl Test {
    pub const fn check(id: &'static str, f: fn() -> CheckResult) -> Test {
        Test { id, body: Body::Check(f) }
    }
    pub const fn perf(id: &'static str, f: fn() -> Result<Measurement, String>) -> Test {
        Test { id, body: Body::Perf(f) }
    }
}

/// Fails the check with a message unless `cond` holds.
macro_rules! ensure {
    ($cond:expr, $($msg:tt)+) => {
        if !$cond {
            return Err(format!($($msg)+));
        }
    };
}

/// Fails the check with "what / expected / actual" unless the two are equal.
macro_rules! ensure_eq {
    ($actual:expr, $expected:expr, $($what:tt)+) => {{
        let actual = $actual;
        let expected = $expected;
        if actual != expected {
            return Err(format!(
                "{}\n  expected: {:?}\n  actual:   {:?}",
                format!($($what)+),
                expected,
                actual
            ));
        }
    }};
}

/// Unwraps an `Ok`, or fails the check saying what was being done.
pub fn ok<T, E: Debug>(result: Result<T, E>, doing: &str) -> Result<T, String> {
    result.map_err(|e| format!("{doing}: expected Ok, got Err({e:?})"))
}

/// Unwraps a `Some`, or fails the check saying what was missing.
pub fn some<T>(value: Option<T>, what: &str) -> Result<T, String> {
    value.ok_or_else(|| format!("{what}: expected Some, got None"))
}

// ---------------------------------------------------------------------------
// Performance: paired measurement against a baseline in the same run
// ---------------------------------------------------------------------------

/// What a performance check measured. Times are medians per call.
pub struct Measurement {
    pub baseline: String,
    pub candidate: String,
    pub baseline_ns: f64,
    pub candidate_ns: f64,
    /// Median of the paired candidate/baseline ratios.
    pub ratio: f64,
    /// Median ratio of the baseline against itself: how noisy the machine was.
    pub null_ratio: f64,
    pub rounds: usize,
    /// The reference solution's time per call on the candidate workload.
    pub reference_ns: Option<f64>,
    /// Median of the paired learner/reference ratios on the candidate workload.
    pub vs_reference: Option<f64>,
}

// As in the TypeScript track: a microsecond-scale call fills a block hundreds
// of times over, and the 5 rounds a clear verdict needs take about 40 ms
// (4 ms blocks ran about 7 ms each once the two sizes took turns in cache).
const TARGET_BLOCK: Duration = Duration::from_millis(2);
const ROUNDS: usize = 15;
// After MIN_ROUNDS, a median ratio CLEAR times inside or outside the budget
// is a verdict noise does not flip; the remaining rounds would only make the
// learner wait.
const MIN_ROUNDS: usize = 5;
const CLEAR: f64 = 2.0;

/// The running perf test's ratio budget, when the grader gave one.
static BUDGET: Mutex<Option<f64>> = Mutex::new(None);

/// Whether the ratios so far already settle the verdict against the budget.
fn settled(ratios: &[f64]) -> bool {
    let Some(budget) = *BUDGET.lock().unwrap_or_else(|e| e.into_inner()) else {
        return false;
    };
    if ratios.len() < MIN_ROUNDS {
        return false;
    }
    let m = median(&mut ratios.to_vec());
    m <= budget / CLEAR || m >= budget * CLEAR
}

/// Runs `f` `iters` times and returns the elapsed time.
fn block(f: &mut dyn FnMut(), iters: u64) -> Duration {
    let start = Instant::now();
    for _ in 0..iters {
        f();
    }
    start.elapsed()
}

/// How many calls of `f` fill one timing block (at least one).
///
/// The per-call cost is the fastest of several blocks: being preempted only
/// ever adds time. Both sides of a comparison get blocks of the same length,
/// so an interruption is as likely to land on either side.
fn calibrate(f: &mut dyn FnMut()) -> u64 {
    let mut iters = 1u64;
    loop {
        let t = block(f, iters);
        if t >= TARGET_BLOCK / 4 || iters >= 1 << 24 {
            break;
        }
        iters = iters.saturating_mul(4);
    }
    let fastest = (0..5).map(|_| block(f, iters).as_secs_f64() / iters as f64).fold(f64::INFINITY, f64::min);
    ((TARGET_BLOCK.as_secs_f64() / fastest.max(1e-10)).ceil() as u64).clamp(1, 1 << 26)
}

// A candidate call this slow, and FAR times its budget over the baseline's,
// settles the verdict on two calls: ABBA rounds of it would run into the
// time limit, and a learner would see "timed out" instead of how slow.
const SLOW_CALL: Duration = Duration::from_millis(100);
const FAR: f64 = 3.0;

/// The faster of two candidate calls against the baseline, if that is far
/// over budget; the baseline against itself still says how quiet the machine was.
fn far_too_slow(baseline: &mut dyn FnMut(), candidate: &mut dyn FnMut(), iters_a: u64) -> Option<Rounds> {
    let budget = (*BUDGET.lock().unwrap_or_else(|e| e.into_inner()))?;
    let slow = block(candidate, 1).min(block(candidate, 1));
    if slow < SLOW_CALL {
        return None;
    }
    let mut rounds = Rounds::default();
    for _ in 0..MIN_ROUNDS {
        let a1 = block(baseline, iters_a).as_secs_f64() / iters_a as f64;
        let a2 = block(baseline, iters_a).as_secs_f64() / iters_a as f64;
        rounds.nulls.push(a2 / a1.max(1e-12));
        rounds.per_a.push((a1 + a2) / 2.0);
    }
    let base = median(&mut rounds.per_a);
    let ratio = slow.as_secs_f64() / base.max(1e-12);
    rounds.ratios.push(ratio);
    rounds.per_b.push(slow.as_secs_f64());
    (ratio >= budget * FAR).then_some(rounds)
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let n = values.len();
    if n % 2 == 1 { values[n / 2] } else { (values[n / 2 - 1] + values[n / 2]) / 2.0 }
}

/// ABBA rounds: each round times A, B, B, A blocks, so slow drifts of the
/// machine hit both sides alike; the verdict is the median paired ratio. The
/// two A blocks of a round also time the baseline against itself: the null
/// ratio, far from 1.0 when the machine was too noisy to trust the verdict.
fn abba(a: &mut dyn FnMut(), b: &mut dyn FnMut(), iters_a: u64, iters_b: u64) -> Rounds {
    let mut rounds = Rounds::default();
    while rounds.ratios.len() < ROUNDS && !settled(&rounds.ratios) {
        let a1 = block(a, iters_a).as_secs_f64() / iters_a as f64;
        let b1 = block(b, iters_b).as_secs_f64() / iters_b as f64;
        let b2 = block(b, iters_b).as_secs_f64() / iters_b as f64;
        let a2 = block(a, iters_a).as_secs_f64() / iters_a as f64;
        rounds.ratios.push((b1 + b2) / (a1 + a2).max(1e-12));
        rounds.nulls.push(a2 / a1.max(1e-12));
        rounds.per_a.push((a1 + a2) / 2.0);
        rounds.per_b.push((b1 + b2) / 2.0);
    }
    rounds
}

#[derive(Default)]
struct Rounds {
    ratios: Vec<f64>,
    nulls: Vec<f64>,
    per_a: Vec<f64>,
    per_b: Vec<f64>,
}

/// Measures `candidate` against `baseline`, both called repeatedly. Each
/// closure should do one unit of work and hand its result to `black_box`.
pub fn compare(
    baseline_label: &str,
    baseline: &mut dyn FnMut(),
    candidate_label: &str,
    candidate: &mut dyn FnMut(),
) -> Measurement {
    if SERVING.load(Ordering::Relaxed) {
        // This is the reference's harness: the learner's measures; serve it blocks.
        serve_blocks(candidate);
        return measurement(baseline_label, candidate_label, &mut Rounds::default());
    }
    // Sizing the blocks (which also warms caches and the allocator) needs no
    // quiet machine: it runs before the gate, beside the correctness checks.
    // A candidate whose one call is already slow is sized after it, if at all.
    let iters_a = calibrate(baseline);
    let sized = (block(candidate, 1) < SLOW_CALL).then(|| calibrate(candidate));
    let reference = Reference::ready();
    await_go();
    let iters_b = match sized {
        Some(iters) => iters,
        None => match far_too_slow(baseline, candidate, iters_a) {
            Some(mut r) => {
                let mut m = measurement(baseline_label, candidate_label, &mut r);
                if let Some(mut reference) = reference {
                    // Too slow to pair in rounds: its faster call against the reference's fastest block.
                    m.reference_ns = reference.ask("fastest");
                    m.vs_reference = m.reference_ns.map(|ns| m.candidate_ns / ns.max(1e-3));
                    reference.finish();
                }
                return m;
            }
            None => calibrate(candidate),
        },
    };
    block(baseline, iters_a);
    block(candidate, iters_b);

    let mut r = abba(baseline, candidate, iters_a, iters_b);
    let mut m = measurement(baseline_label, candidate_label, &mut r);
    if let Some(mut reference) = reference {
        (m.reference_ns, m.vs_reference) = reference.pair(candidate, iters_b);
        reference.finish();
    }
    m
}

// ---------------------------------------------------------------------------
// You against the reference: the same checks, compiled against the reference
// solution, run as a second process that builds the same workload and times
// its candidate in blocks when asked, while this one waits; this one times
// its own blocks in between, ABBA, so load hits both alike.
// ---------------------------------------------------------------------------

/// Set in the reference's harness (`serve-reference`): `compare` serves blocks.
static SERVING: AtomicBool = AtomicBool::new(false);
/// In the reference's harness: the running test has said "ready".
static ANNOUNCED: AtomicBool = AtomicBool::new(false);

/// The reference's harness, one per process: perf tests run in turn share
/// the data it built, as they share this process's.
static REFERENCE: Mutex<Option<Reference>> = Mutex::new(None);

struct Reference {
    child: std::process::Child,
    to: std::process::ChildStdin,
    from: BufReader<std::process::ChildStdout>,
    /// Told a test it has not finished: a test of ours that never reached
    /// `compare` leaves it mid-test, and it is let go.
    busy: bool,
}

impl Reference {
    /// Asks the reference's harness (started once, if the grader named one)
    /// to build perf test `id`'s workload while this process builds its own.
    fn begin(id: &str) {
        let mut slot = REFERENCE.lock().unwrap_or_else(|e| e.into_inner());
        if slot.is_none() {
            *slot = Reference::spawn();
        }
        if slot.as_mut().is_some_and(|reference| reference.say(&format!("test {id}")).is_none()) {
            *slot = None;
        }
    }

    fn spawn() -> Option<Reference> {
        let exe = std::env::var_os("WORKSHOP_REFERENCE").filter(|e| !e.is_empty())?;
        let mut child = std::process::Command::new(exe)
            .arg("serve-reference")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .ok()?;
        let (to, from) = (child.stdin.take()?, child.stdout.take()?);
        Some(Reference { child, to, from: BufReader::new(from), busy: false })
    }

    fn say(&mut self, what: &str) -> Option<()> {
        self.busy = what.starts_with("test ") || (self.busy && what != "next");
        writeln!(self.to, "{what}").and_then(|()| self.to.flush()).ok()
    }

    fn hear(&mut self) -> Option<String> {
        let mut line = String::new();
        (self.from.read_line(&mut line).ok()? > 0).then(|| line.trim().to_string())
    }

    /// The one asked to build this test, once it has its workload and sized its
    /// blocks; `None` if it failed (our bug, not the learner's: only the
    /// comparison is lost).
    fn ready() -> Option<Reference> {
        let mut reference = REFERENCE.lock().unwrap_or_else(|e| e.into_inner()).take()?;
        loop {
            match reference.hear()?.as_str() {
                "ready" => return Some(reference),
                "failed" => {
                    reference.busy = false;
                    *REFERENCE.lock().unwrap_or_else(|e| e.into_inner()) = Some(reference);
                    return None;
                }
                _ => {}
            }
        }
    }

    /// Done with this test: it goes back to wait for the next one.
    fn finish(mut self) {
        if self.say("next").is_some() {
            *REFERENCE.lock().unwrap_or_else(|e| e.into_inner()) = Some(self);
        }
    }

    /// One request ("block", "fastest"), answered in nanoseconds per call.
    fn ask(&mut self, what: &str) -> Option<f64> {
        self.say(what)?;
        self.hear()?.parse().ok()
    }

    /// ROUNDS rounds of reference (A) and learner (B) blocks: the
    /// reference's time per call and the median of yours / theirs.
    fn pair(&mut self, candidate: &mut dyn FnMut(), iters: u64) -> (Option<f64>, Option<f64>) {
        let mut r = Rounds::default();
        for _ in 0..ROUNDS {
            let Some(a1) = self.ask("block") else { return (None, None) };
            let b1 = block(candidate, iters).as_secs_f64() * 1e9 / iters as f64;
            let b2 = block(candidate, iters).as_secs_f64() * 1e9 / iters as f64;
            let Some(a2) = self.ask("block") else { return (None, None) };
            r.ratios.push((b1 + b2) / (a1 + a2).max(1e-3));
            r.per_a.push((a1 + a2) / 2.0);
        }
        (Some(median(&mut r.per_a)), Some(median(&mut r.ratios)))
    }

    /// After one of our tests: a reference still mid-test is let go.
    fn settle() {
        let mut slot = REFERENCE.lock().unwrap_or_else(|e| e.into_inner());
        if slot.as_ref().is_some_and(|r| r.busy) {
            *slot = None;
        }
    }
}

impl Drop for Reference {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The reference's side: `serve-reference` reads "test <id>" lines and runs
/// each test, whose `compare` lands here: size the blocks, say "ready", then
/// time a block of `candidate` for each request until "next".
fn serve_reference(tests: &[Test]) {
    SERVING.store(true, Ordering::Relaxed);
    let mut line = String::new();
    while matches!(std::io::stdin().read_line(&mut line), Ok(n) if n > 0) {
        let Some(test) = line.trim().strip_prefix("test ").and_then(|id| tests.iter().find(|t| t.id == id)) else {
            return;
        };
        ANNOUNCED.store(false, Ordering::Relaxed);
        let _ = run_one(test);
        if !ANNOUNCED.load(Ordering::Relaxed) {
            println!("failed");
        }
        line.clear();
    }
}

fn serve_blocks(candidate: &mut dyn FnMut()) {
    let iters = calibrate(candidate);
    ANNOUNCED.store(true, Ordering::Relaxed);
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "ready").and_then(|()| out.flush());
    let mut line = String::new();
    while matches!(std::io::stdin().read_line(&mut line), Ok(n) if n > 0) {
        let ns = match line.trim() {
            "block" => block(candidate, iters).as_secs_f64() * 1e9 / iters as f64,
            "fastest" => {
                (0..3).map(|_| block(candidate, iters).as_secs_f64() * 1e9 / iters as f64).fold(f64::INFINITY, f64::min)
            }
            _ => return,
        };
        if writeln!(out, "{ns}").and_then(|()| out.flush()).is_err() {
            std::process::exit(0);
        }
        line.clear();
    }
    std::process::exit(0)
}

fn measurement(baseline: &str, candidate: &str, r: &mut Rounds) -> Measurement {
    Measurement {
        baseline: baseline.to_string(),
        candidate: candidate.to_string(),
        baseline_ns: median(&mut r.per_a) * 1e9,
        candidate_ns: median(&mut r.per_b) * 1e9,
        ratio: median(&mut r.ratios),
        null_ratio: median(&mut r.nulls),
        rounds: r.ratios.len(),
        reference_ns: None,
        vs_reference: None,
    }
}

/// With a gate (`run-group --gate`): the file that says the running test is
/// ready for its timed calls.
static GATE: Mutex<Option<String>> = Mutex::new(None);

/// Says the test is ready, then blocks until the grader writes a line on
/// stdin: `go`, or `skip` when the test is no longer wanted (it unwinds, and
/// the next test of the group reuses the data). Exits if no line will come.
fn await_go() {
    let Some(ready) = GATE.lock().unwrap_or_else(|e| e.into_inner()).take() else {
        return;
    };
    if let Err(e) = std::fs::write(&ready, "") {
        eprintln!("harness: cannot write {ready}: {e}");
        std::process::exit(2);
    }
    let mut line = String::new();
    if matches!(std::io::stdin().read_line(&mut line), Ok(0) | Err(_)) {
        std::process::exit(0);
    }
    if line.trim() == "skip" {
        panic::resume_unwind(Box::new("skipped by the grader"));
    }
}

/// Keeps a value alive and opaque to the optimizer.
pub fn keep<T>(value: T) {
    black_box(value);
}

/// Leaves a perf test's data to be freed with its process: freeing a store of
/// 100,000 rows can take longer than timing it, and the next perf check
/// waits for this one's record.
pub fn leave<T>(value: T) {
    std::mem::forget(value);
}

// ---------------------------------------------------------------------------
// Running one test and reporting it
// ---------------------------------------------------------------------------

fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn json_number(x: f64) -> String {
    if x.is_finite() { format!("{x}") } else { "null".to_string() }
}

fn record(id: &str, status: &str, message: &str, elapsed: Duration, perf: Option<&Measurement>) -> String {
    let mut out = format!(
        "{{\"id\":{},\"status\":{},\"message\":{},\"duration_ms\":{}",
        json_string(id),
        json_string(status),
        json_string(message),
        json_number(elapsed.as_secs_f64() * 1e3)
    );
    if let Some(m) = perf {
        out.push_str(&format!(
            ",\"perf\":{{\"baseline\":{},\"candidate\":{},\"baseline_ns\":{},\"candidate_ns\":{},\"ratio\":{},\"null_ratio\":{},\"rounds\":{}}}",
            json_string(&m.baseline),
            json_string(&m.candidate),
            json_number(m.baseline_ns),
            json_number(m.candidate_ns),
            json_number(m.ratio),
            json_number(m.null_ratio),
            m.rounds
        ));
        if let (Some(ns), Some(vs)) = (m.reference_ns, m.vs_reference) {
            out.insert_str(
                out.len() - 1,
                &format!(",\"reference_ns\":{},\"vs_reference\":{}", json_number(ns), json_number(vs)),
            );
        }
    }
    out.push('}');
    out
}

/// The harness entry point: `harness::main(checks::TESTS)`.
pub fn main(tests: &[Test]) {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["--list"] => {
            for t in tests {
                println!("{}", t.id);
            }
        }
        ["run", id, result_file, rest @ ..] => {
            let test = find(tests, id);
            match rest {
                [] => {}
                ["--budget", b] => set_budget(b),
                _ => usage(),
            }
            let line = run_one(test);
            if let Err(e) = std::fs::write(result_file, line) {
                eprintln!("harness: cannot write {result_file}: {e}");
                std::process::exit(2);
            }
        }
        // Every test in this one process, one record per test: the floor that
        // the latency benchmark compares `workshop check` against.
        ["run-all", dir] => run_in_turn(dir, tests.iter().map(|t| (t, None)), false),
        // The reference's side of `WORKSHOP_REFERENCE`: builds test `id`'s workload, then serves blocks.
        ["serve-reference"] => serve_reference(tests),
        ["run-group", dir, rest @ ..] => {
            let gated = rest.first() == Some(&"--gate");
            let ids = if gated { &rest[1..] } else { rest };
            let chosen: Vec<(&Test, Option<&str>)> = ids
                .iter()
                .map(|spec| match spec.split_once('=') {
                    Some((id, budget)) => (find(tests, id), Some(budget)),
                    None => (find(tests, spec), None),
                })
                .collect();
            run_in_turn(dir, chosen.into_iter(), gated);
        }
        _ => usage(),
    }
}

fn usage() -> ! {
    eprintln!(
        "usage: harness --list | harness run <test-id> <result-file> [--budget <ratio>] | harness run-all <dir> | \
         harness run-group <dir> [--gate] <test-id>[=<budget>]... | harness serve-reference"
    );
    std::process::exit(2);
}

fn find<'a>(tests: &'a [Test], id: &str) -> &'a Test {
    tests.iter().find(|t| t.id == id).unwrap_or_else(|| {
        eprintln!("harness: no test named {id}");
        std::process::exit(2);
    })
}

fn set_budget(text: &str) {
    let Some(budget) = text.parse::<f64>().ok().filter(|b| b.is_finite() && *b >= 1.0) else {
        eprintln!("harness: {text} is not a ratio budget (a number of at least 1)");
        std::process::exit(2);
    };
    *BUDGET.lock().unwrap_or_else(|e| e.into_inner()) = Some(budget);
}

/// Runs `tests` (each with its budget, if given) one after another in this
/// process, writing `<dir>/<id>.json` each.
fn run_in_turn<'a>(dir: &str, tests: impl Iterator<Item = (&'a Test, Option<&'a str>)>, gated: bool) {
    for (test, budget) in tests {
        *BUDGET.lock().unwrap_or_else(|e| e.into_inner()) = None;
        if let Some(b) = budget {
            set_budget(b);
        }
        let path = std::path::Path::new(dir).join(format!("{}.json", test.id));
        if gated {
            *GATE.lock().unwrap_or_else(|e| e.into_inner()) = Some(format!("{}.ready", path.display()));
        }
        // Written whole, then renamed: the grader reads a record once it exists.
        let tmp = path.with_extension("json.tmp");
        if let Err(e) = std::fs::write(&tmp, run_one(test)).and_then(|()| std::fs::rename(&tmp, &path)) {
            eprintln!("harness: cannot write {}: {e}", path.display());
            std::process::exit(2);
        }
    }
}

fn run_one(test: &Test) -> String {
    // The hook records the panic message and where it happened; the default
    // hook would print a backtrace hint that means nothing to a learner.
    let panic_note: Arc<Mutex<Option<String>>> = Arc::new(Mutex::new(None));
    let note = Arc::clone(&panic_note);
    panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let msg = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "(no message)".to_string());
        let at = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        *note.lock().unwrap_or_else(|e| e.into_inner()) = Some(format!("{msg}{at}"));
    }));

    let measured_beside_reference = matches!(test.body, Body::Perf(_)) && !SERVING.load(Ordering::Relaxed);
    if measured_beside_reference {
        Reference::begin(test.id);
    }
    let start = Instant::now();
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| match &test.body {
        Body::Check(f) => f().map(|()| None),
        Body::Perf(f) => f().map(Some),
    }));
    let elapsed = start.elapsed();
    if measured_beside_reference {
        Reference::settle();
    }
    match outcome {
        Ok(Ok(perf)) => record(test.id, "pass", "", elapsed, perf.as_ref()),
        Ok(Err(message)) => record(test.id, "fail", &message, elapsed, None),
        Err(_) => {
            let note = panic_note.lock().unwrap_or_else(|e| e.into_inner()).take();
            let message = note.unwrap_or_else(|| "panicked".to_string());
            record(test.id, "panic", &message, elapsed, None)
        }
    }
}

// ---------------------------------------------------------------------------
// Test data: the seeded generator, id builders and labels every level uses
// ---------------------------------------------------------------------------

/// Helpers for building the checks' data. A module of its own, so that a
/// level's `use crate::harness::*` never clashes with names a level defines
/// itself: import it with `use crate::harness::testdata::*`.
pub mod testdata {
    use std::ops::Range;

    /// splitmix64: tiny, seeded, and the same numbers on every machine, so
    /// every run grades the same data.
    #[derive(Debug, Clone)]
    pub struct Rng(u64);

    impl Rng {
        pub fn new(seed: u64) -> Rng {
            Rng(seed)
        }

        pub fn next_u64(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }

        /// A number in `0..n`, for indices and sizes. `n` must not be 0.
        pub fn below(&mut self, n: usize) -> usize {
            self.below_u64(n as u64) as usize
        }

        /// A number in `0..n`, for times and counts. `n` must not be 0.
        pub fn below_u64(&mut self, n: u64) -> u64 {
            assert!(n > 0, "Rng::below(0): a check asked for a number in an empty range");
            self.next_u64() % n
        }

        /// True with probability `percent`/100.
        pub fn chance(&mut self, percent: u64) -> bool {
            self.next_u64() % 100 < percent
        }

        /// One of `items`, or `None` if there are none.
        pub fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
            if items.is_empty() { None } else { Some(&items[self.below(items.len())]) }
        }
    }

    /// `1234567` -> `"1,234,567"`, for labels.
    pub fn thousands(n: usize) -> String {
        let digits = n.to_string();
        // The first group holds 1 to 3 digits, every later group exactly 3.
        let head = match digits.len() % 3 {
            0 => 3,
            rest => rest,
        }
        .min(digits.len());
        let mut out = digits[..head].to_string();
        for group in digits.as_bytes()[head..].chunks(3) {
            out.push(',');
            out.extend(group.iter().map(|&digit| char::from(digit)));
        }
        out
    }

    /// An id of any type the learner builds `From<&str>`: `id::<PostId>("p1")`.
    pub fn id<T: for<'a> From<&'a str>>(text: &str) -> T {
        T::from(text)
    }

    /// Ids of one type, in the order given.
    pub fn ids<T: for<'a> From<&'a str>>(texts: &[&str]) -> Vec<T> {
        texts.iter().map(|text| id(text)).collect()
    }

    /// Numbered ids: `numbered("post", 0..3)` is post0, post1, post2.
    pub fn numbered<T: for<'a> From<&'a str>>(prefix: &str, range: Range<usize>) -> Vec<T> {
        range.map(|i| id(&format!("{prefix}{i}"))).collect()
    }
}
