//! How long a learner waits for `workshop check`, against the floor: the same
//! cargo build of learner crate + harness, plus one in-process harness run.
//!
//!     cargo bench --bench check_latency            # all available levels
//!     cargo bench --bench check_latency -- towel   # one level
//!
//! Cold: a fresh workspace with the solution pasted in, nothing built yet (no
//! warm-up). First: the learner's first check, after `workshop start` and its
//! background warm-up, on the stub with one edit. Warm: after an edit to the
//! learner's code. Warm and floor rounds alternate (ABBA), each
//! after a fresh edit, and the report gives medians and the median ratio.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const COLD_RUNS: usize = 3;
const WARM_ROUNDS: usize = 6;

fn workshop() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_workshop"));
    c.env("NO_COLOR", "1").env("WORKSHOP_NO_WARMUP", "1");
    c
}

/// A fresh workspace after `workshop start` and its background warm-up, with
/// one edit to the stub: what a learner's first check meets.
fn first_check(level: &str) -> f64 {
    let dir = tempfile::tempdir().unwrap();
    let out =
        workshop().env_remove("WORKSHOP_NO_WARMUP").current_dir(dir.path()).args(["start", level]).output().unwrap();
    assert!(out.status.success());
    let log = dir.path().join(".workshop/build").join(level).join("warmup.log");
    let deadline = Instant::now() + std::time::Duration::from_secs(600);
    while !fs::read_to_string(&log).unwrap_or_default().contains("warm-up finished") {
        assert!(Instant::now() < deadline, "the warm-up of {level} never finished; see {}", log.display());
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    edit(dir.path(), level, 0);
    run(workshop().current_dir(dir.path()).args(["check", level]))
}

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn run(cmd: &mut Command) -> f64 {
    let start = Instant::now();
    let out = cmd.output().expect("command starts");
    let secs = start.elapsed().as_secs_f64();
    assert!(out.status.code().is_some_and(|c| c <= 1), "{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    secs
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let n = v.len();
    if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 }
}

/// A workspace with the level started and solved.
fn solved_workspace(level: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    solve_into(dir.path(), level);
    dir
}

fn solve_into(dir: &Path, level: &str) {
    let out = workshop().current_dir(dir).args(["start", level]).output().unwrap();
    assert!(out.status.success());
    let src = repo(&format!("solutions/rust/{level}/src"));
    for entry in fs::read_dir(&src).unwrap() {
        let entry = entry.unwrap();
        fs::copy(entry.path(), dir.join(level).join("src").join(entry.file_name())).unwrap();
    }
}

/// A real edit: the file's contents change, so cargo must recompile it.
fn edit(dir: &Path, level: &str, n: usize) {
    let lib = dir.join(level).join("src/lib.rs");
    let mut text = fs::read_to_string(&lib).unwrap();
    text.push_str(&format!("// edit {n}\n"));
    fs::write(&lib, text).unwrap();
}

fn floor(dir: &Path, level: &str) -> f64 {
    let build = dir.join(".workshop/build").join(level);
    let target = dir.join(".workshop/target");
    let records = dir.join(".workshop/floor");
    fs::create_dir_all(&records).unwrap();
    let start = Instant::now();
    let ok = Command::new("cargo")
        .args(["build", "--quiet", "--profile", "workshop", "--manifest-path"])
        .arg(build.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&target)
        .status()
        .unwrap()
        .success();
    assert!(ok, "floor build failed");
    let exe = target.join("workshop").join(format!("workshop-checks-{level}"));
    assert!(Command::new(exe).arg("run-all").arg(&records).status().unwrap().success());
    start.elapsed().as_secs_f64()
}

fn machine() -> String {
    let cpu = fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let rustc =
        Command::new("rustc").arg("--version").output().map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    format!("{cpu}, {cores} cores, {}", rustc.unwrap_or_default())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let levels: Vec<String> = if args.is_empty() {
        let course: toml::Value = toml::from_str(&fs::read_to_string(repo("levels.toml")).unwrap()).unwrap();
        course["levels"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|l| {
                l["tracks"].as_array().is_some_and(|tracks| {
                    tracks
                        .iter()
                        .any(|t| t["lang"].as_str() == Some("rust") && t["status"].as_str() == Some("available"))
                })
            })
            .map(|l| l["id"].as_str().unwrap().to_string())
            .collect()
    } else {
        args
    };

    println!("machine: {}", machine());
    println!("{:<20} {:>8} {:>8} {:>8} {:>8} {:>11}", "level", "cold", "first", "warm", "floor", "warm/floor");
    for level in &levels {
        let cold: Vec<f64> = (0..COLD_RUNS)
            .map(|_| {
                let dir = solved_workspace(level);
                run(workshop().current_dir(dir.path()).args(["check", level]))
            })
            .collect();
        let first: Vec<f64> = (0..COLD_RUNS).map(|_| first_check(level)).collect();

        let dir = solved_workspace(level);
        run(workshop().current_dir(dir.path()).args(["check", level]));
        let (mut warm, mut base, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
        let mut n = 0;
        let mut next_edit = || {
            n += 1;
            edit(dir.path(), level, n);
        };
        for _ in 0..WARM_ROUNDS {
            next_edit();
            let w1 = run(workshop().current_dir(dir.path()).args(["check", level]));
            next_edit();
            let f1 = floor(dir.path(), level);
            next_edit();
            let f2 = floor(dir.path(), level);
            next_edit();
            let w2 = run(workshop().current_dir(dir.path()).args(["check", level]));
            warm.extend([w1, w2]);
            base.extend([f1, f2]);
            ratios.push((w1 + w2) / (f1 + f2));
        }
        println!(
            "{:<20} {:>7.2}s {:>7.2}s {:>7.2}s {:>7.2}s {:>10.2}x",
            level,
            median(cold),
            median(first),
            median(warm),
            median(base),
            median(ratios)
        );
    }
    if levels.len() > 1 {
        check_all(&levels);
    }
    println!(
        "(medians; cold and first over {COLD_RUNS} fresh workspaces each, warm and floor over {} edits each)",
        WARM_ROUNDS * 2
    );
}

/// `workshop check --all` after an edit to every level, against the sum of
/// the levels' floors.
fn check_all(levels: &[String]) {
    let dir = tempfile::tempdir().unwrap();
    for level in levels {
        solve_into(dir.path(), level);
    }
    let all = || run(workshop().current_dir(dir.path()).args(["check", "--all"]));
    let cold = all();
    let (mut warm, mut base, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    let mut n = 0;
    for _ in 0..WARM_ROUNDS {
        let mut edit_all = || {
            n += 1;
            for level in levels {
                edit(dir.path(), level, n);
            }
        };
        edit_all();
        let w = all();
        edit_all();
        let f: f64 = levels.iter().map(|l| floor(dir.path(), l)).sum();
        warm.push(w);
        base.push(f);
        ratios.push(w / f);
    }
    println!(
        "{:<20} {:>7.2}s {:>8} {:>7.2}s {:>7.2}s {:>10.2}x",
        "check --all",
        cold,
        "",
        median(warm),
        median(base),
        median(ratios)
    );
}
