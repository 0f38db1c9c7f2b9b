//! `--report json`: close to exercism's results.json v3, so tools that read
//! exercism results read ours. A test's `task_id` is its checklist item's
//! position in the level (1-based), as exercism numbers tasks.

use serde_json::{Value, json};

use crate::grade::Grade;
use crate::grade::Graded;

/// exercism caps a test's output at 500 characters.
const OUTPUT_CAP: usize = 500;

fn cap(text: &str) -> String {
    match text.char_indices().nth(OUTPUT_CAP) {
        Some((at, _)) => format!("{}… (output truncated)", &text[..at]),
        None => text.to_string(),
    }
}

pub fn render(outcomes: &[Graded]) -> String {
    let many = outcomes.len() > 1;
    let mut tests = Vec::new();
    let mut errors = Vec::new();
    for o in outcomes {
        match &o.grade {
            Grade::BuildFailed(f) => {
                let e = f.errors();
                errors.push(format!("{} does not compile:\n{}", o.level.name, e.join("\n")));
            }
            Grade::Graded(results) => {
                for r in results {
                    let summary = r.summary.as_str();
                    let name = if many { format!("{}: {summary}", o.level.name) } else { summary.to_string() };
                    let task = o.level.items.iter().position(|i| i.id == r.item).map_or(0, |p| p + 1);
                    let status = if r.passed() {
                        "pass"
                    } else if matches!(
                        r.status,
                        crate::grade::verdict::Status::Fail | crate::grade::verdict::Status::TooSlow
                    ) {
                        "fail"
                    } else {
                        "error"
                    };
                    let mut t = json!({ "name": name, "status": status, "test_code": r.id, "task_id": task });
                    if !r.passed() {
                        t["message"] = Value::String(r.message.clone());
                    }
                    if !r.output.is_empty() {
                        t["output"] = Value::String(cap(&r.output));
                    }
                    tests.push(t);
                }
            }
        }
    }
    let status = if !errors.is_empty() {
        "error"
    } else if outcomes.iter().all(|o| o.grade.all_passed()) {
        "pass"
    } else {
        "fail"
    };
    let mut doc = json!({ "version": 3, "status": status, "tests": tests });
    if !errors.is_empty() {
        doc["message"] = Value::String(errors.join("\n\n"));
    }
    serde_json::to_string_pretty(&doc).expect("a JSON value serializes")
}
