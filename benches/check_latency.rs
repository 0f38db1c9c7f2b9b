//! How long a learner waits for `workshop check`, against the floor: for
//! Rust, the same cargo build of learner crate + harness, plus one in-process
//! harness run; for TypeScript, tsc on the level alongside esbuild's bundle,
//! plus one in-process `node harness.mjs run-group` of every check it runs.
//!
//!     cargo bench --bench check_latency                              # every available (level, language) track
//!     cargo bench --bench check_latency -- towel                     # one level, each of its languages
//!     cargo bench --bench check_latency -- towel --lang typescript   # one track
//!     cargo bench --bench check_latency -- --watch-only              # only the two `watch` columns
//!
//! First verdict / all verdicts / figures: `workshop watch` in a pseudo-terminal
//! on the solved level; after a save (an edit to the learner's file), the time
//! until the screen shows the first verdict, until it shows the check's end,
//! and until the reference figures that follow the verdicts are on screen. It
//! includes the watcher's debounce: what a learner sees. The `check` columns
//! time the verdicts only (`WORKSHOP_NO_REFERENCE`).
//!
//! Cold: a fresh workspace with the solution pasted in, nothing built yet (no
//! warm-up). First: the learner's first check, after `workshop start` and its
//! background warm-up, on the stub with one edit. Warm: after an edit to the
//! learner's code. Warm and floor rounds alternate (ABBA), each
//! after a fresh edit, and the report gives medians and the median ratio.

mod common;

use common::{copy_tree, edit_every_check_reaches, repo};
use rexpect::reader::Regex;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const COLD_RUNS: usize = 3;
const WARM_ROUNDS: usize = 6;
const WATCH_SAVES: usize = 8;

fn workshop() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_workshop"));
    c.env("NO_COLOR", "1").env("WORKSHOP_NO_WARMUP", "1").env("WORKSHOP_NO_REFERENCE", "1");
    c
}

/// One (level, language) track of levels.toml.
#[derive(Clone)]
struct Track {
    level: String,
    lang: String,
}

impl Track {
    fn name(&self) -> String {
        format!("{} ({})", self.level, self.lang)
    }

    /// The file a learner edits.
    fn main_file(&self) -> &'static str {
        if self.lang == "typescript" { "src/index.ts" } else { "src/lib.rs" }
    }

    fn start<'a>(&self, cmd: &'a mut Command) -> &'a mut Command {
        cmd.args(["start", &self.level, "--lang", &self.lang])
    }
}

/// A fresh workspace after `workshop start` and its background warm-up, with
/// one edit to the stub: what a learner's first check meets.
fn first_check(track: &Track) -> f64 {
    let dir = tempfile::tempdir().unwrap();
    let out = track.start(workshop().env_remove("WORKSHOP_NO_WARMUP").current_dir(dir.path())).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let log = dir.path().join(".workshop/build").join(&track.level).join("warmup.log");
    let deadline = Instant::now() + std::time::Duration::from_secs(600);
    while !fs::read_to_string(&log).unwrap_or_default().contains("warm-up finished") {
        assert!(Instant::now() < deadline, "the warm-up of {} never finished; see {}", track.name(), log.display());
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    edit(dir.path(), track, 0);
    run(workshop().current_dir(dir.path()).args(["check", &track.level]))
}

/// `workshop watch` in a pseudo-terminal on the solved track: after each
/// save, seconds to the first verdict on screen, to the check's end, and to
/// the reference figures.
fn watch_latency(track: &Track) -> Vec<(f64, f64, f64)> {
    let dir = solved_workspace(track);
    let mut cmd = workshop();
    cmd.env_remove("WORKSHOP_NO_REFERENCE");
    cmd.current_dir(dir.path()).env("LINES", "40").env("COLUMNS", "100").args(["watch", &track.level]);
    let mut p = rexpect::session::spawn_command(cmd, Some(600_000)).unwrap();
    // rexpect reads bytes as Latin-1 chars: the needles are ASCII.
    let (verdict, end) = (Regex::new(r" [1-9][0-9]* of [0-9]+ done").unwrap(), Regex::new("checked in").unwrap());
    let figures = Regex::new("you against the reference solution: ").unwrap();
    // The first check's figures also build the reference's side, once.
    let mut text = String::new();
    seen(&mut p, &mut text, &figures);
    let mut times = Vec::new();
    for n in 0..WATCH_SAVES {
        std::thread::sleep(std::time::Duration::from_millis(500));
        edit(dir.path(), track, n);
        let saved = Instant::now();
        let mut text = String::new();
        let first = seen(&mut p, &mut text, &verdict) - saved;
        let all = seen(&mut p, &mut text, &end) - saved;
        let with_figures = seen(&mut p, &mut text, &figures) - saved;
        times.push((first.as_secs_f64(), all.as_secs_f64(), with_figures.as_secs_f64()));
    }
    p.send("q").unwrap();
    p.flush().unwrap();
    p.exp_eof().unwrap();
    times
}

/// When `needle` showed up in the output. rexpect's own `exp_*` look every
/// 100 ms, which would round each figure up by as much; this looks every 1 ms.
/// `text` keeps what came after the needle.
fn seen(p: &mut rexpect::session::PtySession, text: &mut String, needle: &Regex) -> Instant {
    let deadline = Instant::now() + Duration::from_secs(600);
    loop {
        while let Some(c) = p.try_read() {
            text.push(c);
        }
        if let Some(m) = needle.find(text) {
            let at = Instant::now();
            text.drain(..m.end());
            return at;
        }
        assert!(Instant::now() < deadline, "`workshop watch` never showed {needle}; it showed:\n{text}");
        std::thread::sleep(Duration::from_millis(1));
    }
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

/// A workspace with the track started and solved.
fn solved_workspace(track: &Track) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    solve_into(dir.path(), track);
    dir
}

fn solve_into(dir: &Path, track: &Track) {
    let out = track.start(workshop().current_dir(dir)).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let src = repo(&format!("solutions/{}/{}/src", track.lang, track.level));
    copy_tree(&src, &dir.join(&track.level).join("src"));
}

fn edit(dir: &Path, track: &Track, n: usize) {
    edit_every_check_reaches(&dir.join(&track.level).join(track.main_file()), n);
}

/// What a check cannot avoid doing, timed with the same tools.
fn floor(dir: &Path, track: &Track) -> f64 {
    if track.lang == "typescript" { floor_typescript(dir, &track.level) } else { floor_rust(dir, &track.level) }
}

fn floor_rust(dir: &Path, level: &str) -> f64 {
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

/// tsc over the level (the check's own tsconfig) alongside esbuild (the
/// check's own arguments, bundling into a file of the floor's), then one
/// `node harness.mjs run-group` of every check the grader runs there, perf
/// checks included (not the opt-in stress checks: `check` leaves them out).
fn floor_typescript(dir: &Path, level: &str) -> f64 {
    let build = dir.join(".workshop/build").join(level);
    let records = dir.join(".workshop/floor");
    fs::create_dir_all(&records).unwrap();
    let bundle = records.join("harness.mjs");
    let start = Instant::now();
    let mut tsc = Command::new(native(dir, "@typescript", "lib/tsc"))
        .arg("-p")
        .arg(build.join("tsconfig.json"))
        .args(["--pretty", "false", "--singleThreaded"])
        .current_dir(dir)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // The packages the checks have pre-bundled (happy-dom), as the check uses them.
    let prebundled: Vec<String> = fs::read_dir(dir.join(".workshop/prebundled"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "mjs") && !p.to_string_lossy().contains(".entry."))
        .flat_map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            let package = name.rsplit_once('-').map_or(name.clone(), |(package, _)| package.to_string());
            [format!("--alias:{package}={}", p.display()), format!("--external:{}", p.display())]
        })
        .collect();
    let bundled = Command::new(native(dir, "@esbuild", "bin/esbuild"))
        .arg(build.join("entry.ts"))
        .args(["--bundle", "--platform=node", "--target=node20", "--format=esm", "--packages=external", "--sourcemap"])
        .args(["--log-level=error", "--color=false"])
        .args(&prebundled)
        .arg(format!("--outfile={}", bundle.display()))
        .current_dir(dir)
        .status()
        .unwrap();
    assert!(bundled.success() && tsc.wait().unwrap().success(), "floor build failed");
    let ran = Command::new("node")
        .args(["--enable-source-maps"])
        .arg(&bundle)
        .arg("run-group")
        .arg(&records)
        .args(harness_checks(level, "typescript"))
        .current_dir(dir)
        .stderr(std::process::Stdio::null())
        .env("NODE_ENV", "development")
        .status()
        .unwrap();
    assert!(ran.success(), "floor run-group failed");
    start.elapsed().as_secs_f64()
}

/// The native binary `npm ci` installed for this platform (the only platform
/// package present), as `workshop check` runs it.
fn native(dir: &Path, scope: &str, exe: &str) -> PathBuf {
    let packages = fs::read_dir(dir.join("node_modules").join(scope)).unwrap();
    let found = packages.filter_map(|p| Some(p.ok()?.path().join(exe))).find(|p| p.is_file());
    found.unwrap_or_else(|| panic!("no native binary {scope}/*/{exe}"))
}

/// The track's harness checks in course order, as `check` runs them: `<id>`,
/// or `<id>=<budget>` for a perf check (a measurement stops once its verdict
/// is clear). Stress checks are left out, as `check` leaves them out.
fn harness_checks(level: &str, lang: &str) -> Vec<String> {
    let text = fs::read_to_string(repo("levels.toml")).unwrap();
    let course: toml::Table = text.parse().unwrap();
    let tables = |v: &toml::Value, key: &str| v.get(key).and_then(|l| l.as_array()).cloned().unwrap_or_default();
    let field = |v: &toml::Value, key: &str| v.get(key).and_then(|f| f.as_str()).unwrap_or_default().to_string();
    let levels = tables(&toml::Value::Table(course), "levels");
    let level = levels.iter().find(|l| field(l, "id") == level).expect("the level is in levels.toml");
    let tracks = tables(level, "tracks");
    let track = tracks.iter().find(|t| field(t, "lang") == lang).expect("the track is in levels.toml");
    tables(track, "checks")
        .iter()
        .filter(|c| !c.get("stress").and_then(|s| s.as_bool()).unwrap_or(false))
        .filter_map(|c| match field(c, "kind").as_str() {
            "" | "test" => Some(field(c, "id")),
            "perf" => Some(format!(
                "{}={}",
                field(c, "id"),
                c.get("budget").and_then(|b| b.as_float()).expect("a perf budget")
            )),
            _ => None,
        })
        .collect()
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
    let version = |tool: &str| {
        Command::new(tool).arg("--version").output().map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    format!(
        "{cpu}, {cores} cores, {}, node {}",
        version("rustc").unwrap_or_default(),
        version("node").unwrap_or_else(|_| "not found".into())
    )
}

fn load() -> String {
    fs::read_to_string("/proc/loadavg")
        .map_or_else(|_| "unknown".into(), |l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
}

/// The available tracks of levels.toml, narrowed to the levels named and the
/// `--lang` given (`--lang X` or `--lang=X`; `ts` is TypeScript).
fn tracks(args: &[String]) -> Vec<Track> {
    let mut lang: Option<String> = None;
    let mut levels = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--lang" {
            lang = it.next().cloned();
        } else if let Some(l) = a.strip_prefix("--lang=") {
            lang = Some(l.to_string());
        } else if !a.starts_with("--") {
            levels.push(a.clone());
        }
    }
    let lang = lang.map(|l| if l == "ts" { "typescript".to_string() } else { l });
    let course: toml::Value = toml::from_str(&fs::read_to_string(repo("levels.toml")).unwrap()).unwrap();
    let mut out = Vec::new();
    for l in course["levels"].as_array().unwrap() {
        let id = l["id"].as_str().unwrap();
        if !levels.is_empty() && !levels.iter().any(|w| w == id) {
            continue;
        }
        for t in l["tracks"].as_array().into_iter().flatten() {
            let track_lang = t["lang"].as_str().unwrap();
            if t["status"].as_str() == Some("available") && lang.as_deref().is_none_or(|w| w == track_lang) {
                out.push(Track { level: id.to_string(), lang: track_lang.to_string() });
            }
        }
    }
    assert!(!out.is_empty(), "no available track matches {args:?}");
    out
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let tracks = tracks(&args);

    println!("machine: {}", machine());
    println!("load average at the start: {}", load());
    let watch_only = args.iter().any(|a| a == "--watch-only");
    println!(
        "{:<28} {:>8} {:>8} {:>8} {:>8} {:>11} {:>14} {:>14} {:>9}",
        "track", "cold", "first", "warm", "floor", "warm/floor", "first verdict", "all verdicts", "figures"
    );
    for track in &tracks {
        let watched = watch_latency(track);
        let first_verdict = median(watched.iter().map(|w| w.0).collect());
        let all_verdicts = median(watched.iter().map(|w| w.1).collect());
        let figures = median(watched.iter().map(|w| w.2).collect());
        if watch_only {
            println!(
                "{:<28} {:>8} {:>8} {:>8} {:>8} {:>11} {:>13.2}s {:>13.2}s {:>8.2}s   (watch: {})",
                track.name(),
                "",
                "",
                "",
                "",
                "",
                first_verdict,
                all_verdicts,
                figures,
                watched.iter().map(|w| format!("{:.2}/{:.2}/{:.2}", w.0, w.1, w.2)).collect::<Vec<_>>().join(" ")
            );
            continue;
        }
        let cold: Vec<f64> = (0..COLD_RUNS)
            .map(|_| {
                let dir = solved_workspace(track);
                run(workshop().current_dir(dir.path()).args(["check", &track.level]))
            })
            .collect();
        let first: Vec<f64> = (0..COLD_RUNS).map(|_| first_check(track)).collect();

        let dir = solved_workspace(track);
        run(workshop().current_dir(dir.path()).args(["check", &track.level]));
        let (mut warm, mut base, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
        let mut n = 0;
        let mut next_edit = || {
            n += 1;
            edit(dir.path(), track, n);
        };
        for _ in 0..WARM_ROUNDS {
            next_edit();
            let w1 = run(workshop().current_dir(dir.path()).args(["check", &track.level]));
            next_edit();
            let f1 = floor(dir.path(), track);
            next_edit();
            let f2 = floor(dir.path(), track);
            next_edit();
            let w2 = run(workshop().current_dir(dir.path()).args(["check", &track.level]));
            warm.extend([w1, w2]);
            base.extend([f1, f2]);
            ratios.push((w1 + w2) / (f1 + f2));
        }
        println!(
            "{:<28} {:>7.2}s {:>7.2}s {:>7.2}s {:>7.2}s {:>10.2}x {:>13.2}s {:>13.2}s {:>8.2}s   (all warm: {})",
            track.name(),
            median(cold),
            median(first),
            median(warm.clone()),
            median(base),
            median(ratios),
            first_verdict,
            all_verdicts,
            figures,
            warm.iter().map(|w| format!("{w:.2}")).collect::<Vec<_>>().join(" ")
        );
    }
    for lang in ["rust", "typescript"] {
        let levels: Vec<&Track> = tracks.iter().filter(|t| t.lang == lang).collect();
        if levels.len() > 1 && !watch_only {
            check_all(&levels);
        }
    }
    println!("load average at the end: {}", load());
    println!(
        "(medians; cold and first over {COLD_RUNS} fresh workspaces each, warm and floor over {} edits each, \
         first verdict, all verdicts and figures over {WATCH_SAVES} saves in `watch`)",
        WARM_ROUNDS * 2
    );
}

/// `workshop check --all` after an edit to every level of one language,
/// against the sum of the levels' floors.
fn check_all(tracks: &[&Track]) {
    let dir = tempfile::tempdir().unwrap();
    for track in tracks {
        solve_into(dir.path(), track);
    }
    let all = || run(workshop().current_dir(dir.path()).args(["check", "--all"]));
    let cold = all();
    let (mut warm, mut base, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    let mut n = 0;
    for _ in 0..WARM_ROUNDS {
        let mut edit_all = || {
            n += 1;
            for track in tracks {
                edit(dir.path(), track, n);
            }
        };
        edit_all();
        let w = all();
        edit_all();
        let f: f64 = tracks.iter().map(|t| floor(dir.path(), t)).sum();
        warm.push(w);
        base.push(f);
        ratios.push(w / f);
    }
    println!(
        "{:<28} {:>7.2}s {:>8} {:>7.2}s {:>7.2}s {:>10.2}x",
        format!("check --all ({})", tracks[0].lang),
        cold,
        "",
        median(warm),
        median(base),
        median(ratios)
    );
}
