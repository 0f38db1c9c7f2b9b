//! The learner's own tests, judged: one run of them (by the toolchain) serves
//! every `learner-tests` check of the level.

use std::time::Duration;

use crate::course::{Check, CheckKind, Level};
use crate::grade::run::Exit;
use crate::grade::verdict::{CheckResult, Status};

/// Building and running the learner's tests, unless a check says otherwise.
pub const OWN_TESTS_TIMEOUT: Duration = Duration::from_secs(180);

/// One run of the learner's tests, as the toolchain saw it.
pub struct OwnTestRun {
    /// Each top-level test: its name and whether it passed.
    pub tests: Vec<(String, bool)>,
    pub exit: Exit,
    /// What the learner types to run them (`cargo test`, `npm test`).
    pub command: &'static str,
    /// What went wrong when no test ran: "build" or "run", and the first lines that say why.
    pub broken: (&'static str, Vec<String>),
    pub elapsed: Duration,
}

/// The longest limit any of the level's `learner-tests` checks allows: they share one run.
pub fn timeout(level: &Level) -> Duration {
    level
        .checks
        .iter()
        .filter(|c| c.kind == CheckKind::LearnerTests)
        .map(|c| c.timeout_secs.map_or(OWN_TESTS_TIMEOUT, Duration::from_secs))
        .max()
        .unwrap_or(OWN_TESTS_TIMEOUT)
}

pub fn judge(run: &OwnTestRun, level: &Level, check: &Check, timeout: Duration) -> CheckResult {
    let failed: Vec<&str> = run.tests.iter().filter(|(_, ok)| !ok).map(|(n, _)| n.as_str()).collect();
    let min = check.min_tests.unwrap_or(1);
    let command = run.command;
    let (status, message) = if run.exit == Exit::TimedOut {
        (Status::TimedOut, format!("your own tests were still running after {} s and were stopped.", timeout.as_secs()))
    } else if run.tests.is_empty() && run.exit != Exit::Exited(0) {
        let (verb, why) = &run.broken;
        (Status::Fail, format!("your own tests do not {verb} (`{command}` in {}/):\n{}", level.id, why.join("\n")))
    } else if !failed.is_empty() {
        (
            Status::Fail,
            format!("your own tests fail: {}. Run `{command}` in {}/ to see why.", failed.join(", "), level.id),
        )
    } else if run.tests.len() < min {
        (Status::Fail, format!("write at least {min} tests of your own; `{command}` found {}.", run.tests.len()))
    } else if let Some(missing) = check.names_missing(&run.tests.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>()) {
        (Status::Fail, missing)
    } else {
        (Status::Pass, String::new())
    };
    CheckResult::new(check, status, message, run.elapsed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::course::Course;
    use crate::lang::Lang;

    fn run(tests: &[(&str, bool)], exit: Exit) -> OwnTestRun {
        OwnTestRun {
            tests: tests.iter().map(|(n, ok)| (n.to_string(), *ok)).collect(),
            exit,
            command: "npm test",
            broken: ("run", vec!["SyntaxError: Unexpected token".into()]),
            elapsed: Duration::from_millis(5),
        }
    }

    #[test]
    fn one_run_serves_every_learner_tests_check_of_a_level() {
        let course = Course::embedded(Lang::TypeScript);
        let level = course.levels.iter().find(|l| l.id == "deep-thought").unwrap();
        let checks: Vec<&Check> = level.checks.iter().filter(|c| c.kind == CheckKind::LearnerTests).collect();
        assert_eq!(checks.len(), 2, "prod.learner-tests and innovation.extension-tests");
        let limit = timeout(level);
        let passed = |r: &OwnTestRun| checks.iter().map(|c| judge(r, level, c, limit).passed()).collect::<Vec<_>>();
        let named = [("perf: lists grow linearly", true), ("time travel replays", true), ("Permissions refuse", true)];
        assert_eq!(passed(&run(&named, Exit::Exited(0))), [true, true]);
        let unnamed = [("perf: lists grow linearly", true), ("converges", true), ("refuses", true)];
        assert_eq!(passed(&run(&unnamed, Exit::Exited(0))), [true, false]);
        let broken = judge(&run(&[], Exit::Exited(1)), level, checks[0], limit);
        assert!(
            !broken.passed() && broken.message.contains("do not run (`npm test` in deep-thought/)"),
            "{}",
            broken.message
        );
        let failing =
            judge(&run(&[("perf: x", false), ("a", true), ("b", true)], Exit::Exited(1)), level, checks[0], limit);
        assert!(failing.message.contains("fail: perf: x. Run `npm test`"), "{}", failing.message);
        let stopped = judge(&run(&named, Exit::TimedOut), level, checks[1], limit);
        assert_eq!(stopped.status, Status::TimedOut);
    }
}
