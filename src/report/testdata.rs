//! Synthetic grading results for the renderers' snapshot tests. Harness runs
//! are made up, then judged by the real verdict code with the level's own
//! toolchain, so every message reads as the grader would word it.

use std::time::Duration;

use crate::course::{Check, CheckKind, Course, Level};
use crate::grade::run::{Captured, Exit, Limits, RawRun};
use crate::grade::toolchain::{self, BuildFailure};
use crate::grade::verdict::{self, CheckResult, Perf, Status};
use crate::grade::{Grade, Graded};
use crate::lang::Lang;
use crate::progress::{LastCheck, LevelProgress, Progress};

/// When the synthetic learner started and first mastered things.
pub const EARLIER: &str = "2026-03-02T09:30:00Z";
/// When the synthetic learner last checked.
pub const LATER: &str = "2026-03-05T14:00:00Z";

/// A frozen copy of the course, so the snapshots change when a renderer
/// does, not whenever a level gains a check.
const COURSE: &str = include_str!("testdata.toml");

/// The frozen course in `lang`. Turns colour off for the whole test
/// binary: snapshots hold the plain text a pipe or `NO_COLOR` gets.
pub fn course(lang: Lang) -> Course {
    console::set_colors_enabled(false);
    console::set_colors_enabled_stderr(false);
    Course::parse(COURSE, lang).expect("the frozen test course parses")
}

/// The labels a level's perf check measures under, as its harness names them.
fn perf_labels(id: &str) -> (&'static str, &'static str) {
    match id {
        "schema.rename-cost-flat" => ("rename, author of 10 posts", "rename, author of 10,000 posts"),
        "selectors.post-comments-cost-flat" => ("5 comments among 1,000", "5 comments among 100,000"),
        "memo.cache-hit-cost-flat" => {
            ("feed select again, 2 posts followed", "feed select again, 4,000 posts followed")
        }
        "perf.select-100-fresh-selectors" => ("100 fresh selectors, 100 posts", "100 fresh selectors, 10,000 posts"),
        "perf.batch-copies-posts-once" => ("batch of 1 change, 10,000 posts", "batch of 50 changes, 10,000 posts"),
        // Deep Thought's scale checks.
        _ => ("100,000 entities", "1,000,000 entities"),
    }
}

fn captured(text: &str) -> Captured {
    Captured { text: text.to_string(), dropped: 0 }
}

/// One level's results, every check passing until a builder method says otherwise.
pub struct Results<'c> {
    lang: Lang,
    level: &'c Level,
    results: Vec<CheckResult>,
}

impl<'c> Results<'c> {
    /// Every check that runs without `--stress` passes; perf checks measure flat.
    pub fn passing(course: &'c Course, level: &str) -> Results<'c> {
        let level = course.level(level).unwrap_or_else(|| panic!("no level {level}"));
        let mut r = Results { lang: course.lang, level, results: Vec::new() };
        for check in level.checks.iter().filter(|c| !c.stress) {
            let result = match check.kind {
                CheckKind::Test => r.judged(check, Exit::Exited(0), Some(record(&check.id, "pass", "", None)), ""),
                CheckKind::Perf => r.measured(check, 1.04, 1.01, None),
                CheckKind::CompileFail | CheckKind::SourceContains | CheckKind::SourceLacks => {
                    CheckResult::new(check, Status::Pass, String::new(), Duration::ZERO)
                }
                CheckKind::LearnerTests => {
                    CheckResult::new(check, Status::Pass, String::new(), Duration::from_millis(1840))
                }
            };
            r.results.push(result);
        }
        r
    }

    /// Every harness check hits the stub's placeholder in the function it
    /// tests, found by the check id's prefix; the other kinds still pass.
    pub fn stub(course: &'c Course, level: &str, placeholders: &[(&str, &str)]) -> Results<'c> {
        let mut r = Results::passing(course, level);
        let ids: Vec<String> = r.results.iter().filter(|r| r.kind.in_harness()).map(|r| r.id.clone()).collect();
        for id in ids {
            let (_, raw) = placeholders
                .iter()
                .find(|(prefix, _)| id.starts_with(prefix))
                .unwrap_or_else(|| panic!("no placeholder for {id}"));
            r = r.panicked(&id, raw);
        }
        r
    }

    fn check(&self, id: &str) -> &'c Check {
        self.level.checks.iter().find(|c| c.id == id).unwrap_or_else(|| panic!("{} has no check {id}", self.level.id))
    }

    fn limits(&self, check: &Check) -> Limits {
        Limits {
            timeout: Duration::from_secs(self.level.limits.timeout_secs),
            memory_bytes: self.level.limits.memory_mb * 1024 * 1024,
        }
        .for_check(check)
    }

    fn judged(&self, check: &Check, exit: Exit, record: Option<String>, stdout: &str) -> CheckResult {
        self.judged_with(check, exit, record, stdout, "", Duration::from_millis(12))
    }

    fn judged_with(
        &self,
        check: &Check,
        exit: Exit,
        record: Option<String>,
        stdout: &str,
        stderr: &str,
        elapsed: Duration,
    ) -> CheckResult {
        let raw = RawRun { exit, record, stdout: captured(stdout), stderr: captured(stderr), elapsed };
        verdict::judge(check, &raw, self.limits(check), toolchain::of(self.lang))
    }

    fn measured(&self, check: &Check, ratio: f64, null_ratio: f64, vs_reference: Option<f64>) -> CheckResult {
        let (baseline, candidate) = perf_labels(&check.id);
        let baseline_ns = 1_250.0;
        let perf = Perf {
            baseline: baseline.to_string(),
            candidate: candidate.to_string(),
            baseline_ns,
            candidate_ns: baseline_ns * ratio,
            ratio,
            null_ratio,
            rounds: 15,
            reference_ns: vs_reference.map(|vs| baseline_ns * ratio / vs),
            vs_reference,
        };
        self.judged(check, Exit::Exited(0), Some(record(&check.id, "pass", "", Some(perf))), "")
    }

    fn replace(mut self, result: CheckResult) -> Self {
        let at = self.results.iter().position(|r| r.id == result.id).expect("the check is in the results");
        self.results[at] = result;
        self
    }

    /// The check reports a failure with `message`.
    pub fn failed(self, id: &str, message: &str) -> Self {
        let check = self.check(id);
        let result = if check.kind.in_harness() {
            self.judged(check, Exit::Exited(0), Some(record(id, "fail", message, None)), "")
        } else {
            CheckResult::new(check, Status::Fail, message.to_string(), Duration::ZERO)
        };
        self.replace(result)
    }

    /// The check reports a failure with `message`, after printing `stdout`.
    pub fn failed_printing(self, id: &str, message: &str, stdout: &str) -> Self {
        let check = self.check(id);
        let result = self.judged(check, Exit::Exited(0), Some(record(id, "fail", message, None)), stdout);
        self.replace(result)
    }

    /// The learner's code panicked (or threw) with the runtime's own `raw` message.
    pub fn panicked(self, id: &str, raw: &str) -> Self {
        let check = self.check(id);
        let result = self.judged(check, Exit::Exited(0), Some(record(id, "panic", raw, None)), "");
        self.replace(result)
    }

    /// The check was still running at its time limit.
    pub fn timed_out(self, id: &str) -> Self {
        let check = self.check(id);
        let elapsed = self.limits(check).timeout;
        let result = self.judged_with(check, Exit::TimedOut, None, "", "", elapsed);
        self.replace(result)
    }

    /// The check's process hit the memory limit.
    pub fn out_of_memory(self, id: &str) -> Self {
        let check = self.check(id);
        let stderr = match self.lang {
            Lang::Rust => "memory allocation of 68719476736 bytes failed\n",
            Lang::TypeScript => "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\n",
        };
        let result = self.judged_with(check, Exit::Signalled(6), None, "", stderr, Duration::from_millis(3_400));
        self.replace(result)
    }

    /// The check's process died of `signal` without a record, after printing `stdout`.
    pub fn crashed(self, id: &str, signal: i32, stdout: &str, stderr: &str) -> Self {
        let check = self.check(id);
        let result = self.judged_with(check, Exit::Signalled(signal), None, stdout, stderr, Duration::from_millis(40));
        self.replace(result)
    }

    /// A perf check measured `ratio` with the null pair at `null_ratio`.
    pub fn perf(self, id: &str, ratio: f64, null_ratio: f64) -> Self {
        let result = self.measured(self.check(id), ratio, null_ratio, None);
        self.replace(result)
    }

    /// A perf check measured `ratio`, and `vs` times the reference solution's
    /// time, judged against `allowed` as the check's `reference_budget`.
    pub fn perf_against_reference(self, id: &str, ratio: f64, vs: f64, allowed: Option<f64>) -> Self {
        let check = Check { reference_budget: allowed, ..self.check(id).clone() };
        let result = self.measured(&check, ratio, 1.0, Some(vs));
        self.replace(result)
    }

    pub fn grade(self) -> Grade {
        Grade::Graded(self.results)
    }

    /// This outcome, with `newly` the items this check mastered.
    pub fn graded(self, newly: &[&str]) -> Graded<'c> {
        let level = self.level;
        Graded { level, grade: self.grade(), newly_mastered: newly.iter().map(|s| s.to_string()).collect() }
    }
}

/// A harness record as a runtime writes it.
fn record(id: &str, status: &str, message: &str, perf: Option<Perf>) -> String {
    let record = verdict::Record {
        id: id.to_string(),
        status: status.to_string(),
        message: message.to_string(),
        duration_ms: if perf.is_some() { 840.0 } else { 0.8 },
        perf,
    };
    serde_json::to_string(&record).expect("a record serializes")
}

/// A level that did not build.
pub fn build_failed<'c>(course: &'c Course, level: &str, failure: BuildFailure) -> Graded<'c> {
    let level = course.level(level).unwrap_or_else(|| panic!("no level {level}"));
    Graded { level, grade: Grade::BuildFailed(failure), newly_mastered: Vec::new() }
}

/// The compiler refused the learner's own file in the folder `level`.
pub fn learner_errors(level: &str) -> BuildFailure {
    let errors = [
        "error[E0308]: mismatched types\n  --> towel/src/lib.rs:97:5\n   |\n96 | pub fn select_post<'a>(state: &'a BlogState, id: &PostId) -> Option<&'a Post> {\n   |                                                              ---------------- expected `Option<&'a Post>` because of return type\n97 |     state.posts.get(id).cloned()\n   |     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^ expected `Option<&Post>`, found `Option<Post>`\n",
        "error[E0425]: cannot find value `comments` in this scope\n   --> towel/src/lib.rs:131:21\n    |\n131 |     ids.iter().map(|id| comments[id]).collect()\n    |                         ^^^^^^^^ not found in this scope\n",
    ];
    BuildFailure {
        tool: "cargo",
        learner_errors: errors.iter().map(|e| e.replace("towel/", &format!("{level}/"))).collect(),
        // Once the learner's crate fails, the checks fail too; their errors are not shown.
        check_errors: vec![format!("error[E0432]: unresolved import `{level}`\n")],
        tool_output: format!("error: could not compile `{level}` (lib) due to 2 previous errors\n"),
    }
}

/// The learner's code compiles, but the hidden checks cannot use it.
pub fn check_errors() -> BuildFailure {
    let error = |name: &str, line: usize| {
        format!(
            "error[E0599]: no function or associated item named `{name}` found for struct `BlogState` in the current scope\n  --> checks/schema.rs:{line}:28\n   |\n{line} |     let state = BlogState::{name}(users, posts, comments)?;\n   |                            ^^^^^^^^^^^^^ function or associated item not found in `BlogState`\n"
        )
    };
    BuildFailure {
        tool: "cargo",
        learner_errors: Vec::new(),
        check_errors: (0..5).map(|i| error("from_entities", 20 + i * 11)).collect(),
        tool_output: "error: could not compile `workshop-checks-towel` (lib) due to 5 previous errors\n".to_string(),
    }
}

/// The build tool failed before any compiler message.
pub fn tool_output_only() -> BuildFailure {
    BuildFailure {
        tool: "cargo",
        learner_errors: Vec::new(),
        check_errors: Vec::new(),
        tool_output: "error: failed to parse manifest at `/home/learner/galaxy/towel/Cargo.toml`\n\nCaused by:\n  TOML parse error at line 7, column 1\n    |\n  7 | serde = \n    |        ^\n  string values must be quoted, expected literal string\n".to_string(),
    }
}

/// The frozen course in TypeScript, with Towel's track `available` or not
/// whatever levels.toml says today: its snapshots stay put when the track ships.
pub fn typescript(towel_available: bool) -> Course {
    let (from, to) = ("lang = \"typescript\"\nstatus = \"planned\"", "lang = \"typescript\"\nstatus = \"available\"");
    let (from, to) = if towel_available { (from, to) } else { (to, from) };
    let text = COURSE.replacen(from, to, 1);
    let course = Course::parse(&text, Lang::TypeScript).expect("levels.toml with Towel's TypeScript track switched");
    assert_eq!(course.level("towel").map(Level::is_available), Some(towel_available), "Towel's track did not switch");
    assert!(course.levels.iter().skip(1).all(|l| !l.is_available()), "another level is in TypeScript now");
    console::set_colors_enabled(false);
    course
}

/// Progress with `mastered` items of each level first mastered at `EARLIER`,
/// last checked at `LATER`.
pub fn progress(levels: &[(&str, &[&str])]) -> Progress {
    let mut p = Progress { last_level: levels.last().map(|(id, _)| id.to_string()), ..Progress::default() };
    for (id, items) in levels {
        p.levels.insert(
            id.to_string(),
            LevelProgress {
                started: EARLIER.to_string(),
                mastered: items.iter().map(|i| (i.to_string(), EARLIER.to_string())).collect(),
                ..Default::default()
            },
        );
    }
    p
}

/// Records `passed` of `total` checks at `LATER`, and `hints` used on `step`.
pub fn checked(mut p: Progress, level: &str, passed: usize, total: usize, hints: &[(&str, usize)]) -> Progress {
    let entry = p.levels.get_mut(level).expect("the level is started");
    entry.last_check = Some(LastCheck { at: LATER.to_string(), passed, total, failing: Vec::new() });
    entry.hints_used = hints.iter().map(|(s, n)| (s.to_string(), *n)).collect();
    p
}
