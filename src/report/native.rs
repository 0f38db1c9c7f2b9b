//! `workshop check --json`: one JSON document, level first, then the tests
//! in order, then a summary. With `--all`, one such document per level.

use serde_json::{Value, json};

use crate::course::Level;
use crate::grade::Grade;
use crate::grade::Graded;
use crate::grade::verdict::CheckResult;
use crate::progress::Progress;

pub fn render_all(outcomes: &[Graded], progress: &Progress, all: bool) -> String {
    let docs: Vec<Value> = outcomes.iter().map(|o| document(o.level, &o.grade, progress)).collect();
    let doc = if all {
        let passed = outcomes.iter().filter(|o| o.grade.all_passed()).count();
        json!({ "levels": docs, "summary": { "levels_passed": passed, "levels": outcomes.len() } })
    } else {
        docs.into_iter().next().unwrap_or(Value::Null)
    };
    serde_json::to_string_pretty(&doc).expect("a JSON value serializes")
}

fn document(level: &Level, grade: &Grade, progress: &Progress) -> Value {
    match grade {
        Grade::BuildFailed(f) => json!({
            "level": level.id,
            "status": "build-failed",
            "build_errors": f.errors(),
            "tests": [],
            "summary": { "passed": 0, "failed": 0, "total": 0, "items": items(level, &[], progress) },
        }),
        Grade::Graded(results) => {
            let passed = results.iter().filter(|r| r.passed()).count();
            json!({
                "level": level.id,
                "status": if passed == results.len() { "pass" } else { "fail" },
                "tests": results,
                "summary": {
                    "passed": passed,
                    "failed": results.len() - passed,
                    "total": results.len(),
                    "items": items(level, results, progress),
                },
            })
        }
    }
}

fn items(level: &Level, results: &[CheckResult], progress: &Progress) -> Vec<Value> {
    level
        .items
        .iter()
        .map(|item| {
            let mine: Vec<_> = results.iter().filter(|r| r.item == item.id).collect();
            json!({
                "id": item.id,
                "title": item.title,
                "bonus": item.bonus,
                "passed": !mine.is_empty() && mine.iter().all(|r| r.passed()),
                "mastered": progress.levels.get(&level.id).and_then(|l| l.mastered.get(&item.id)),
            })
        })
        .collect()
}
