//! `--report classroom`: the result GitHub Classroom's autograding reporter
//! reads from a runner (base64-encoded in the runner's `result` output). One
//! point per check; a level that does not compile scores zero for its checks.

use serde_json::json;

use crate::grade::Grade;
use crate::grade::Graded;

pub fn render(outcomes: &[Graded]) -> String {
    let mut tests = Vec::new();
    let mut max_score = 0;
    let mut error = false;
    for o in outcomes {
        match &o.grade {
            Grade::BuildFailed(f) => {
                error = true;
                let e = f.errors();
                max_score += o.level.checks.len();
                tests.push(json!({
                    "name": format!("{}: compiles", o.level.name),
                    "status": "error",
                    "message": e.join("\n"),
                    "test_code": format!("workshop check {}", o.level.id),
                    "filename": "",
                    "line_no": 0,
                    "execution_time": "0s",
                    "score": 0,
                }));
            }
            Grade::Graded(results) => {
                for r in results {
                    max_score += 1;
                    tests.push(json!({
                        "name": format!("{}: {}", o.level.name, r.summary),
                        "status": if r.passed() { "pass" } else { "fail" },
                        "message": r.message,
                        "test_code": format!("workshop check {} ({})", o.level.id, r.id),
                        "filename": "",
                        "line_no": 0,
                        "execution_time": format!("{:.3}s", r.duration.as_secs_f64()),
                        "score": usize::from(r.passed()),
                    }));
                }
            }
        }
    }
    let all_pass = outcomes.iter().all(|o| o.grade.all_passed());
    let status = if error {
        "error"
    } else if all_pass {
        "pass"
    } else {
        "fail"
    };
    let doc = json!({ "version": 1, "status": status, "max_score": max_score, "tests": tests });
    serde_json::to_string_pretty(&doc).expect("a JSON value serializes")
}
