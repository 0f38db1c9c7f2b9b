//! Are performance verdicts fair on a busy machine? Runs `workshop check` on
//! the reference solution N times with a CPU-bound process hogging another
//! core (every perf check must pass every time), then on each planted slow
//! fixture N times (its perf check must fail every time).
//!
//!     cargo bench --bench perf_fairness                  # 50 runs, every available (level, language) track
//!     cargo bench --bench perf_fairness -- towel 10      # one level, each of its languages, 10 runs
//!     cargo bench --bench perf_fairness -- towel 50 --lang typescript   # one track
//!     cargo bench --bench perf_fairness -- deep-thought 50 subtree-scans-document
//!                                                        # only the fixtures named
//!
//! A fixture counts as "slow" when its first check fails a perf check with
//! status too-slow (or timed-out: so slow that the measurement never ended);
//! the others are skipped here. Both statuses count as caught.

mod common;

use common::{copy_tree, edit_every_check_reaches, repo};
use std::fs;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

fn workshop(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_workshop"));
    c.current_dir(dir).env("NO_COLOR", "1").env("WORKSHOP_NO_WARMUP", "1").env("WORKSHOP_NO_REFERENCE", "1");
    c
}

/// One perf check's verdict in one `workshop check --json`.
struct Verdict {
    id: String,
    status: String,
    message: String,
    ratio: f64,
    /// The check's own time in the harness (building its data and measuring), ms.
    harness_ms: f64,
}

/// `workshop check --json`: the verdict of each perf check, and the check's wall time in seconds.
/// The learner's file changes first, in code every check reaches: otherwise
/// the check would keep the last verdicts without a measurement.
fn perf_verdicts(dir: &Path, level: &str) -> (Vec<Verdict>, f64) {
    static EDITS: AtomicUsize = AtomicUsize::new(0);
    let src = dir.join(level).join("src");
    let main = ["lib.rs", "index.ts"].map(|f| src.join(f)).into_iter().find(|f| f.is_file()).expect("a main file");
    edit_every_check_reaches(&main, EDITS.fetch_add(1, Ordering::Relaxed));
    let start = std::time::Instant::now();
    let out = workshop(dir).args(["check", level, "--json"]).output().unwrap();
    let wall = start.elapsed().as_secs_f64();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("check --json prints JSON");
    let tests = doc["tests"].as_array().unwrap();
    let kept: Vec<&str> = tests.iter().filter(|t| t["kept"] == true).filter_map(|t| t["id"].as_str()).collect();
    assert!(kept.is_empty(), "the edit did not reach {kept:?}: their verdicts were kept, not measured");
    let verdicts = tests
        .iter()
        .filter(|t| t.get("budget").is_some())
        .map(|t| Verdict {
            id: t["id"].as_str().unwrap().to_string(),
            status: t["status"].as_str().unwrap().to_string(),
            message: t["message"].as_str().unwrap_or_default().to_string(),
            ratio: t["perf"]["ratio"].as_f64().unwrap_or(f64::NAN),
            harness_ms: t["duration"].as_f64().unwrap_or(f64::NAN),
        })
        .collect();
    (verdicts, wall)
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

/// The median of the measured values (a run without a measurement gives NaN and is left out).
fn median(mut v: Vec<f64>) -> f64 {
    v.retain(|x| !x.is_nan());
    v.sort_by(f64::total_cmp);
    if v.is_empty() { f64::NAN } else { v[v.len() / 2] }
}

fn load() -> String {
    fs::read_to_string("/proc/loadavg")
        .map_or_else(|_| "unknown".into(), |l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    // `--lang X` / `--lang=X` (`ts` is TypeScript); every available language without it.
    let mut lang: Option<String> = None;
    if let Some(i) = args.iter().position(|a| a == "--lang") {
        lang = args.get(i + 1).cloned();
        args.drain(i..(i + 2).min(args.len()));
    }
    if let Some(i) = args.iter().position(|a| a.starts_with("--lang=")) {
        lang = Some(args.remove(i)["--lang=".len()..].to_string());
    }
    let lang = lang.map(|l| if l == "ts" { "typescript".to_string() } else { l });
    args.retain(|a| !a.starts_with("--"));
    let runs: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(50);
    let mut words = args.iter().filter(|a| a.parse::<usize>().is_err());
    let only: Option<&String> = words.next();
    let only_fixtures: Vec<&String> = words.collect();
    let course: toml::Value = toml::from_str(&fs::read_to_string(repo("levels.toml")).unwrap()).unwrap();
    let mut tracks: Vec<(String, String)> = Vec::new();
    for l in course["levels"].as_array().unwrap() {
        let id = l["id"].as_str().unwrap();
        if only.is_some_and(|o| o != id) {
            continue;
        }
        for t in l["tracks"].as_array().into_iter().flatten() {
            let track_lang = t["lang"].as_str().unwrap();
            if t["status"].as_str() == Some("available") && lang.as_deref().is_none_or(|w| w == track_lang) {
                tracks.push((id.to_string(), track_lang.to_string()));
            }
        }
    }
    assert!(!tracks.is_empty(), "no available track matches");

    let _hog = Hog::start();
    println!("{runs} runs each, with a busy loop on another core; load average at the start: {}", load());
    for (level, lang) in &tracks {
        let name = format!("{level} ({lang})");
        let dir = tempfile::tempdir().unwrap();
        let started = workshop(dir.path()).args(["start", level, "--lang", lang]).output().unwrap();
        assert!(started.status.success(), "{}", String::from_utf8_lossy(&started.stderr));
        copy_tree(&repo(&format!("solutions/{lang}/{level}/src")), &dir.path().join(level).join("src"));

        let (mut false_failures, mut ratios, mut walls) = (0, Vec::new(), Vec::new());
        let mut harness_ms: std::collections::BTreeMap<String, Vec<f64>> = Default::default();
        for _ in 0..runs {
            let (verdicts, wall) = perf_verdicts(dir.path(), level);
            walls.push(wall);
            for v in verdicts {
                if v.status != "pass" {
                    false_failures += 1;
                    println!("  false failure: {} {} {:.2}x", v.id, v.status, v.ratio);
                }
                ratios.push(v.ratio);
                harness_ms.entry(v.id).or_default().push(v.harness_ms);
            }
        }
        println!(
            "{name}: reference solution: {false_failures} false failures in {runs} runs (median ratio {:.2}x, \
             median check {:.2}s)",
            median(ratios),
            median(walls)
        );
        for (id, ms) in harness_ms {
            println!("  {id}: median {:.0} ms in the harness (data building + measuring)", median(ms));
        }

        let fixtures = repo(&format!("tests/fixtures/{lang}/{level}"));
        let mut names: Vec<String> = fs::read_dir(&fixtures)
            .map(|d| {
                d.flatten().filter_map(|e| e.file_name().to_str()?.strip_suffix(".toml").map(str::to_string)).collect()
            })
            .unwrap_or_default();
        names.sort();
        names.retain(|n| only_fixtures.is_empty() || only_fixtures.contains(&n));
        for fixture in names {
            assert!(workshop(dir.path()).args(["dev", "fixture", level, &fixture]).output().unwrap().status.success());
            let (first, _) = perf_verdicts(dir.path(), level);
            let failed = |status: &str| status == "too-slow" || status == "timed-out";
            let Some(slow) = first.iter().find(|v| failed(&v.status)) else {
                // Named, yet not slow here: say so rather than leave it out.
                if !only_fixtures.is_empty() {
                    let statuses: Vec<String> = first.iter().map(|v| format!("{} {}", v.id, v.status)).collect();
                    println!("{name}: fixture {fixture} is not caught by a ratio here ({})", statuses.join(", "));
                }
                continue;
            };
            let id = slow.id.clone();
            let (mut caught, mut ratios, mut walls) = (0, Vec::new(), Vec::new());
            let mut other: std::collections::BTreeMap<String, usize> = Default::default();
            // The first message of each status that is not a catch: what went wrong instead.
            let mut said: std::collections::BTreeMap<String, String> = Default::default();
            for _ in 0..runs {
                let (v, wall) = perf_verdicts(dir.path(), level);
                let v = v.iter().find(|v| v.id == id).unwrap();
                caught += usize::from(failed(&v.status));
                *other.entry(v.status.clone()).or_default() += 1;
                if !failed(&v.status) {
                    said.entry(v.status.clone()).or_insert_with(|| v.message.clone());
                }
                ratios.push(v.ratio);
                walls.push(wall);
            }
            println!(
                "{name}: slow fixture {fixture}: {id} failed {caught} of {runs} runs (median ratio {:.2}x, \
                 median check {:.2}s)",
                median(ratios),
                median(walls)
            );
            let statuses: Vec<String> = other.iter().map(|(status, n)| format!("{status} {n}")).collect();
            println!("  statuses: {}", statuses.join(", "));
            for (status, message) in said {
                println!("  first {status}: {}", message.lines().take(6).collect::<Vec<_>>().join("\n    "));
            }
        }
    }
    println!("load average at the end: {}", load());
}
