//! Turns what a test process did into a verdict a learner can act on.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::run::{Exit, Limits, RawRun};
use super::toolchain::Toolchain;
use crate::course::{Check, CheckKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Pass,
    Fail,
    /// The learner's code panicked (a `todo!()` counts).
    Panic,
    TimedOut,
    OutOfMemory,
    Crashed,
    /// A performance check ran over its budget.
    TooSlow,
}

impl Status {
    pub fn passed(self) -> bool {
        self == Status::Pass
    }
}

/// What the harness measured for a performance check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Perf {
    pub baseline: String,
    pub candidate: String,
    pub baseline_ns: f64,
    pub candidate_ns: f64,
    pub ratio: f64,
    pub null_ratio: f64,
    pub rounds: u32,
    /// The reference solution's time per call on the candidate workload,
    /// measured in the same run (where the track times it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_ns: Option<f64>,
    /// The median of the paired ratios of the learner's calls to the reference's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vs_reference: Option<f64>,
}

impl Perf {
    /// A null pair this far from 1.0 means the machine was busy.
    pub fn noisy(&self) -> bool {
        (self.null_ratio - 1.0).abs() > 0.10
    }
}

/// The record a harness writes for one test, in every language: the wire
/// protocol between the hidden checks and the grader.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub id: String,
    /// "pass", "fail" or "panic" (an uncaught panic or throw in the learner's code).
    pub status: String,
    pub message: String,
    pub duration_ms: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub perf: Option<Perf>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckResult {
    pub id: String,
    pub item: String,
    pub step: String,
    /// What the check tests, from levels.toml.
    #[serde(skip)]
    pub summary: String,
    #[serde(skip)]
    pub kind: CheckKind,
    pub status: Status,
    pub message: String,
    #[serde(serialize_with = "as_millis")]
    pub duration: Duration,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub perf: Option<Perf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub budget: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed_budget: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference_budget: Option<f64>,
    /// What the test printed, capped; shown when it failed.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub output: String,
    /// The fingerprint of the code the check ran (`Harness::fingerprints`),
    /// when it ran and the toolchain could tell.
    #[serde(skip)]
    pub fingerprint: Option<String>,
    /// Kept from the last check: the code it runs has not changed since.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub kept: bool,
}

fn as_millis<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64((d.as_secs_f64() * 1e4).round() / 10.0)
}

impl CheckResult {
    pub fn new(check: &Check, status: Status, message: String, duration: Duration) -> CheckResult {
        CheckResult {
            id: check.id.clone(),
            item: check.item.clone(),
            step: check.step.clone(),
            summary: check.summary.clone(),
            kind: check.kind,
            status,
            message,
            duration,
            perf: None,
            budget: check.budget,
            seed_budget: check.seed_budget.clone(),
            reference_budget: check.reference_budget,
            output: String::new(),
            fingerprint: None,
            kept: false,
        }
    }

    pub fn passed(&self) -> bool {
        self.status.passed()
    }
}

/// Judges one harness run of `check`.
pub fn judge(check: &Check, run: &RawRun, limits: Limits, toolchain: &dyn Toolchain) -> CheckResult {
    let stderr = &run.stderr.text;
    let mut output = String::new();
    if !run.stdout.text.is_empty() {
        output.push_str(&run.stdout.text);
    }
    let dropped = run.stdout.dropped + run.stderr.dropped;
    if dropped > 0 {
        output.push_str(&format!("\n[… {dropped} more bytes of output were cut]"));
    }

    let record = run.record.as_deref().and_then(|r| serde_json::from_str::<Record>(r).ok());
    let (status, message, perf, duration) = match (run.exit, record) {
        (Exit::TimedOut, _) => (Status::TimedOut, timed_out(stderr, limits.timeout, &check.summary), None, run.elapsed),
        (_, Some(rec)) => {
            let duration = Duration::from_secs_f64(rec.duration_ms.max(0.0) / 1e3);
            match rec.status.as_str() {
                "pass" => (Status::Pass, String::new(), rec.perf, duration),
                "panic" => (Status::Panic, toolchain.describe_panic(&rec.message), None, duration),
                _ => (Status::Fail, rec.message, None, duration),
            }
        }
        (exit, None) => {
            let (status, message) = toolchain.read_crash(stderr, limits).unwrap_or_else(|| {
                let how = match exit {
                    Exit::Signalled(sig) => format!("was killed by signal {sig}"),
                    Exit::Exited(code) => format!("exited with status {code} before reporting"),
                    Exit::TimedOut => unreachable!("handled above"),
                };
                (Status::Crashed, format!("the test process {how}.\n{}", tail(stderr, 12)))
            });
            (status, message, None, run.elapsed)
        }
    };

    let mut result = CheckResult::new(check, status, message, duration);
    result.output = output;
    if let (Some(perf), Some(budget)) = (perf.as_ref(), check.budget)
        && perf.ratio > budget
    {
        result.status = Status::TooSlow;
        result.message = format!(
            "too slow: {} took {:.1}x as long as {} (budget {budget}x).",
            perf.candidate, perf.ratio, perf.baseline
        );
        if perf.noisy() {
            result.message.push_str(&format!(
                "\nThe machine was busy during the measurement (baseline against itself: {:.2}x), \
                     so close other programs and check again before you hunt for the cause.",
                perf.null_ratio
            ));
        }
    } else if let (Some(perf), Some(limit)) = (perf.as_ref(), check.reference_budget)
        && let Some(vs) = perf.vs_reference.filter(|vs| *vs > limit)
    {
        result.status = Status::TooSlow;
        result.message = format!(
            "too slow for this check: {} took {vs:.1}x as long as the reference solution on the same workload \
             (allowed: {limit}x). It scales well ({:.2}x the time of {}), so look for work each call does \
             that it does not need to.",
            perf.candidate, perf.ratio, perf.baseline
        );
    }
    result.perf = perf;
    result
}

/// The line a check writes to stderr to name the part of it that runs now
/// (building its test data, the timed calls, ...), so that a timeout can say
/// which part ran out of time.
pub const PHASE_MARK: &str = "workshop-phase: ";

/// The part a check last said it was in, if it named one.
fn last_phase(stderr: &str) -> Option<&str> {
    stderr.lines().rev().find_map(|line| line.strip_prefix(PHASE_MARK)).map(str::trim).filter(|p| !p.is_empty())
}

fn timed_out(stderr: &str, timeout: Duration, workload: &str) -> String {
    let after = secs(timeout);
    match last_phase(stderr) {
        Some(phase) => format!(
            "timed out while {phase}: still running after {after} and stopped. Look there first for a loop that \
             never ends, or work that grows much faster than the input."
        ),
        None => format!(
            "timed out: still running after {after} and stopped{}. Look for a loop that never ends, \
             or work that grows much faster than the input.",
            checking(workload)
        ),
    }
}

/// ", while checking that <workload>", naming what the check was doing.
fn checking(workload: &str) -> String {
    if workload.trim().is_empty() { String::new() } else { format!(", while checking that {}", workload.trim()) }
}

/// A correctness check stopped at the short limit the run gives every check
/// once `first` has timed out.
pub fn cut_short(check: &Check, limit: Duration, first: &str) -> String {
    format!(
        "timed out: still running after {} and stopped{}. The rest of this run had that shorter limit once \
         `{first}` ran into its time limit: most likely the same endless loop, so fix that one first.",
        secs(limit),
        checking(&check.summary)
    )
}

/// "3 s", "0.5 s".
fn secs(d: Duration) -> String {
    if d.subsec_millis() == 0 { format!("{} s", d.as_secs()) } else { format!("{:.1} s", d.as_secs_f64()) }
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// A figure in MiB, for messages about memory limits.
pub fn mib(bytes: u64) -> String {
    format!("{} MiB", bytes / (1024 * 1024))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timeout_names_the_last_phase() {
        let stderr = "workshop-phase: building the test data\nnoise\nworkshop-phase: the timed calls\n";
        let message = timed_out(stderr, Duration::from_secs(30), "x");
        assert!(message.starts_with("timed out while the timed calls: still running after 30 s"), "{message}");
        let message = timed_out("workshop-phase: building the test data\n", Duration::from_secs(5), "x");
        assert!(message.starts_with("timed out while building the test data:"), "{message}");
        let message = timed_out("plain noise\n", Duration::from_millis(1500), "select_post finds a post");
        assert!(
            message
                .starts_with("timed out: still running after 1.5 s and stopped, while checking that select_post finds"),
            "{message}"
        );
    }

    /// The record is one contract between every harness and the grader.
    #[test]
    fn records_round_trip() {
        let perf = Perf {
            baseline: "10 posts".into(),
            candidate: "10,000 posts".into(),
            baseline_ns: 120.5,
            candidate_ns: 130.0,
            ratio: 1.08,
            null_ratio: 1.01,
            rounds: 15,
            reference_ns: Some(150.0),
            vs_reference: Some(0.87),
        };
        let record = Record {
            id: "a.b".into(),
            status: "pass".into(),
            message: "x \"y\"\n".into(),
            duration_ms: 1.5,
            perf: Some(perf),
        };
        let text = serde_json::to_string(&record).unwrap();
        assert_eq!(serde_json::from_str::<Record>(&text).unwrap(), record);
        // What a runtime writes by hand, without the optional perf, reads the same.
        let by_hand = r#"{"id":"a.b","status":"fail","message":"m","duration_ms":0.25}"#;
        let r: Record = serde_json::from_str(by_hand).unwrap();
        assert_eq!((r.status.as_str(), r.perf), ("fail", None));
    }
}
