//! Are performance verdicts fair on a busy machine? Runs `workshop check` on
//! the reference solution N times with a CPU-bound process hogging another
//! core (every perf check must pass every time), then on each planted slow
//! fixture N times (its perf check must fail every time).
//!
//!     cargo bench --bench perf_fairness                  # 50 runs, all available levels
//!     cargo bench --bench perf_fairness -- towel 10      # one level, 10 runs
//!     cargo bench --bench perf_fairness -- deep-thought 50 subtree-scans-document
//!                                                        # only the fixtures named
//!
//! A fixture counts as "slow" when its first check fails a perf check with
//! status too-slow; the others are skipped here.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

fn workshop(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_workshop"));
    c.current_dir(dir).env("NO_COLOR", "1").env("WORKSHOP_NO_WARMUP", "1");
    c
}

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// `workshop check --json`: (perf check id, status, ratio) for each perf check.
fn perf_verdicts(dir: &Path, level: &str) -> Vec<(String, String, f64)> {
    let out = workshop(dir).args(["check", level, "--json"]).output().unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("check --json prints JSON");
    doc["tests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t.get("budget").is_some())
        .map(|t| {
            (
                t["id"].as_str().unwrap().to_string(),
                t["status"].as_str().unwrap().to_string(),
                t["perf"]["ratio"].as_f64().unwrap_or(f64::NAN),
            )
        })
        .collect()
}

/// A busy loop in its own process, to load another core.
struct Hog(Child);

impl Hog {
    fn start() -> Hog {
        // It stops by itself once the bench is gone, even if the bench is killed.
        Hog(Command::new("sh")
            .args(["-c", "while kill -0 $PPID 2>/dev/null; do :; done"])
            .stdout(Stdio::null())
            .spawn()
            .unwrap())
    }
}

impl Drop for Hog {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    if v.is_empty() { f64::NAN } else { v[v.len() / 2] }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let runs: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(50);
    let mut words = args.iter().filter(|a| a.parse::<usize>().is_err());
    let only: Option<&String> = words.next();
    let only_fixtures: Vec<&String> = words.collect();
    let course: toml::Value = toml::from_str(&fs::read_to_string(repo("levels.toml")).unwrap()).unwrap();
    let levels: Vec<String> = course["levels"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| {
            l["tracks"].as_array().is_some_and(|tracks| {
                tracks.iter().any(|t| t["lang"].as_str() == Some("rust") && t["status"].as_str() == Some("available"))
            })
        })
        .map(|l| l["id"].as_str().unwrap().to_string())
        .filter(|id| only.is_none_or(|o| o == id))
        .collect();

    let _hog = Hog::start();
    println!("{runs} runs each, with a busy loop on another core");
    for level in &levels {
        let dir = tempfile::tempdir().unwrap();
        assert!(workshop(dir.path()).args(["start", level]).output().unwrap().status.success());
        let src = repo(&format!("solutions/rust/{level}/src"));
        for entry in fs::read_dir(&src).unwrap().flatten() {
            fs::copy(entry.path(), dir.path().join(level).join("src").join(entry.file_name())).unwrap();
        }

        let (mut false_failures, mut ratios) = (0, Vec::new());
        for _ in 0..runs {
            for (id, status, ratio) in perf_verdicts(dir.path(), level) {
                if status != "pass" {
                    false_failures += 1;
                    println!("  false failure: {id} {status} {ratio:.2}x");
                }
                ratios.push(ratio);
            }
        }
        println!(
            "{level}: reference solution: {false_failures} false failures in {runs} runs (median ratio {:.2}x)",
            median(ratios)
        );

        let fixtures = repo(&format!("tests/fixtures/rust/{level}"));
        let mut names: Vec<String> = fs::read_dir(&fixtures)
            .map(|d| {
                d.flatten().filter_map(|e| e.file_name().to_str()?.strip_suffix(".toml").map(str::to_string)).collect()
            })
            .unwrap_or_default();
        names.sort();
        names.retain(|n| only_fixtures.is_empty() || only_fixtures.contains(&n));
        for name in names {
            assert!(workshop(dir.path()).args(["dev", "fixture", level, &name]).output().unwrap().status.success());
            let first = perf_verdicts(dir.path(), level);
            let Some((id, _, _)) = first.iter().find(|(_, s, _)| s == "too-slow") else { continue };
            let id = id.clone();
            let (mut caught, mut ratios) = (0, Vec::new());
            for _ in 0..runs {
                let v = perf_verdicts(dir.path(), level);
                let (_, status, ratio) = v.iter().find(|(i, _, _)| *i == id).unwrap();
                caught += usize::from(status == "too-slow");
                ratios.push(*ratio);
            }
            println!(
                "{level}: slow fixture {name}: {id} failed {caught} of {runs} runs (median ratio {:.2}x)",
                median(ratios)
            );
        }
    }
}
