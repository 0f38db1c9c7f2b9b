//! Nothing lost, nothing hangs, in a TypeScript workspace: each fault a
//! learner (or their machine) can throw at tsc, esbuild, node and npm, with
//! the message and the state it must leave behind.
//!
//! Every workspace here runs `npm ci` once (from the npm cache when it holds
//! the pinned packages, else from the registry).

mod common;

use std::fs;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use common::*;
use predicates::prelude::*;

/// The checks of kind "test" in a `check --json` document (the ones node runs).
/// A top-level statement, appended to index.ts: every check's bundle holds it.
const EVERY_CHECK_REACHES: &str = "(globalThis as Record<string, unknown>).edited = true;";

fn run_checks(doc: &serde_json::Value) -> Vec<&serde_json::Value> {
    doc["tests"].as_array().unwrap().iter().filter(|t| !t["id"].as_str().unwrap().starts_with("types.")).collect()
}

fn no_process_left(dir: &Path) -> bool {
    wait_until(10, || processes_mentioning(&dir.display().to_string()).is_empty())
}

#[test]
fn ts_an_endless_loop_times_out_one_check_and_the_others_report() {
    let dir = started_ts();
    solve_ts(dir.path());
    plant_ts(
        dir.path(),
        "listOf(state.userPosts, userId)",
        "(spin(), listOf(state.userPosts, userId))",
        "function spin(): void {\n  for (;;) {}\n}",
    );
    let doc = check_json(dir.path(), &[("WORKSHOP_TIMEOUT_SECS", "2")], 1);
    assert_eq!(status(&doc, "selectors.user-posts-in-order"), "timed-out");
    assert!(message(&doc, "selectors.user-posts-in-order").contains("still running after 2 s"));
    // Checks that never call selectUserPosts, and the type cases, still report.
    for id in ["selectors.select-post", "selectors.post-comments-in-order", "updates.update-post-partial"] {
        assert_eq!(status(&doc, id), "pass", "{id}");
    }
    assert_eq!(status(&doc, "types.user-id-is-not-a-post-id"), "pass");
    assert!(no_process_left(dir.path()), "{:?}", processes_mentioning(&dir.path().display().to_string()));
    let progress = progress_is_readable(dir.path());
    let failing = progress["levels"]["towel"]["last_check"]["failing"].as_array().unwrap();
    assert!(failing.iter().any(|f| f.as_str() == Some("selectors.user-posts-in-order")));
}

#[test]
fn ts_an_endless_loop_in_a_common_function_is_answered_in_seconds() {
    let dir = started_ts();
    solve_ts(dir.path());
    plant_ts(
        dir.path(),
        "NormalizedPost | undefined =>\n    lookup(state.posts, postId);",
        "NormalizedPost | undefined =>\n    (spin(), lookup(state.posts, postId));",
        "function spin(): void {\n  for (;;) {}\n}",
    );
    let started = std::time::Instant::now();
    let doc = check_json(dir.path(), &[], 1);
    let took = started.elapsed();
    assert_eq!(status(&doc, "selectors.select-post"), "timed-out");
    let messages: Vec<&str> = run_checks(&doc)
        .into_iter()
        .filter(|t| t["status"] == "timed-out")
        .map(|t| t["message"].as_str().unwrap())
        .collect();
    assert!(messages.len() >= 3, "{doc}");
    assert!(messages.iter().all(|m| m.contains("while checking that")), "{messages:?}");
    // Cut short, the rest say why (unless the machine is so loaded that 4x its
    // slowest passing check, node's start included, is no shorter a limit).
    assert!(messages.iter().filter(|m| m.contains("shorter limit")).all(|m| m.contains("most likely")), "{messages:?}");
    assert_eq!(status(&doc, "updates.add-user"), "pass");
    // A wide bound, for loaded CI machines.
    assert!(took < Duration::from_secs(30), "took {took:?}");
    assert!(no_process_left(dir.path()), "{:?}", processes_mentioning(&dir.path().display().to_string()));
}

#[test]
fn ts_a_memory_blow_up_is_reported_as_out_of_memory() {
    let dir = started_ts();
    solve_ts(dir.path());
    // selectPost hoards arrays on the V8 heap; selectUser hoards typed arrays,
    // which live outside it (--max-old-space-size alone does not stop them).
    plant_ts(
        dir.path(),
        "    lookup(state.posts, postId);",
        "    (hoard(), lookup(state.posts, postId));",
        "function hoard(): void {\n  const all: number[][] = [];\n  for (;;) all.push(new Array<number>(1 << 16).fill(1));\n}",
    );
    plant_ts(
        dir.path(),
        "lookup(state.users, userId);",
        "(hoardBytes(), lookup(state.users, userId));",
        "function hoardBytes(): void {\n  const all: Uint8Array[] = [];\n  for (;;) all.push(new Uint8Array(1 << 20).fill(1));\n}",
    );
    let doc = check_json(dir.path(), &[("WORKSHOP_MEMORY_MB", "128")], 1);
    for id in ["selectors.select-post", "selectors.select-user"] {
        assert_eq!(status(&doc, id), "out-of-memory", "{id}: {}", message(&doc, id));
        assert!(message(&doc, id).contains("ran out of memory (limit 128 MiB)"), "{}", message(&doc, id));
    }
    assert_eq!(status(&doc, "selectors.post-comments-in-order"), "pass");
    assert_eq!(status(&doc, "updates.add-comment-updates-both"), "pass");
    assert!(no_process_left(dir.path()));
    progress_is_readable(dir.path());
}

#[test]
fn ts_a_throw_at_import_time_is_named_and_the_type_cases_still_report() {
    let dir = started_ts();
    solve_ts(dir.path());
    let path = index_ts(dir.path());
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, format!("throw new Error('boom at import');\n{text}")).unwrap();
    let doc = check_json(dir.path(), &[], 1);
    for test in run_checks(&doc) {
        assert_eq!(test["status"], "crashed", "{}", test["id"]);
        let msg = test["message"].as_str().unwrap();
        assert!(msg.contains("threw while it was being loaded"), "{msg}");
        assert!(msg.contains("Error: boom at import (at towel/src/index.ts:1:7)"), "{msg}");
    }
    assert_eq!(status(&doc, "types.no-any-in-selectors"), "pass");
    assert!(no_process_left(dir.path()));
    progress_is_readable(dir.path());
}

#[test]
fn ts_a_type_error_shows_tscs_diagnostics_and_keeps_progress() {
    let dir = started_ts();
    let before = progress_file(dir.path());
    let path = index_ts(dir.path());
    let text = fs::read_to_string(&path).unwrap();
    let line = text.lines().count() + 1;
    fs::write(&path, format!("{text}export const answer: number = 'forty-two';\n")).unwrap();
    workshop(dir.path())
        .arg("check")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("does not compile yet"))
        .stdout(predicate::str::contains(format!("towel/src/index.ts:{line}:14: error TS2322")))
        .stdout(predicate::str::contains("not assignable to type 'number'"));
    assert_eq!(progress_file(dir.path()), before);
}

#[test]
fn ts_a_deleted_index_ts_is_named_with_the_way_back() {
    let dir = started_ts();
    let before = progress_file(dir.path());
    fs::remove_file(index_ts(dir.path())).unwrap();
    workshop(dir.path()).arg("check").assert().code(2).stderr(
        predicate::str::contains("towel/src/index.ts is missing").and(predicate::str::contains("workshop start towel")),
    );
    assert_eq!(progress_file(dir.path()), before);
    workshop(dir.path()).args(["start", "towel"]).assert().success();
    assert!(index_ts(dir.path()).is_file());
    workshop(dir.path()).arg("check").assert().code(1).stdout(predicate::str::contains("not implemented yet"));
}

#[test]
fn ts_ctrl_c_during_a_run_kills_node_and_keeps_progress() {
    let dir = started_ts();
    solve_ts(dir.path());
    workshop(dir.path()).arg("check").assert().success();
    let before = progress_file(dir.path());
    plant_ts(
        dir.path(),
        "listOf(state.userPosts, userId)",
        "(spin(), listOf(state.userPosts, userId))",
        "function spin(): void {\n  for (;;) {}\n}",
    );
    let child = workshop_std(dir.path()).arg("check").stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
    let workers = format!("{}/.workshop/build/towel/harness.mjs serve", dir.path().display());
    assert!(wait_until(60, || !processes_mentioning(&workers).is_empty()), "no node worker started");
    std::thread::sleep(Duration::from_millis(300));
    signal(child.id(), libc::SIGINT);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Interrupted"));
    assert!(no_process_left(dir.path()), "{:?}", processes_mentioning(&dir.path().display().to_string()));
    assert_eq!(progress_file(dir.path()), before);

    solve_ts(dir.path());
    workshop(dir.path()).arg("check").assert().success();
}

#[test]
fn ts_npm_ci_killed_half_way_says_to_run_npm_ci_then_works() {
    let dir = started_ts();
    solve_ts(dir.path());
    let before = progress_file(dir.path());
    let modules = dir.path().join("node_modules");
    let mut killed_half_way = false;
    for _ in 0..5 {
        fs::remove_dir_all(&modules).unwrap();
        let mut npm = std::process::Command::new("npm");
        npm.args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        std::os::unix::process::CommandExt::process_group(&mut npm, 0);
        let mut npm = npm.spawn().unwrap();
        let started = wait_until(60, || fs::read_dir(&modules).is_ok_and(|d| d.count() >= 3));
        // The whole group: npm and whatever it started. (Not `kill -KILL -<pgid>`:
        // procps reads "-<pgid>" as options, and a stray -1 signals every process.)
        let pgid = npm.id() as i32;
        assert!(pgid > 1);
        // SAFETY: kill(2) only sends a signal, to npm's own process group.
        unsafe { libc::kill(-pgid, libc::SIGKILL) };
        npm.wait().unwrap();
        if started && !modules.join(".package-lock.json").exists() {
            killed_half_way = true;
            break;
        }
    }
    assert!(killed_half_way, "npm ci finished every time before it could be killed");
    workshop(dir.path()).arg("check").assert().code(2).stderr(
        predicate::str::contains("missing, incomplete or out of date")
            .and(predicate::str::contains(format!("Run `npm ci` in {}", dir.path().display()))),
    );
    assert_eq!(progress_file(dir.path()), before);
    npm_ci(dir.path());
    workshop(dir.path()).arg("check").assert().success();
}

#[test]
fn ts_ctrl_c_during_starts_npm_ci_says_what_is_left_to_do() {
    let mut done = false;
    for _ in 0..5 {
        let dir = tempfile::tempdir().unwrap();
        let child = workshop_std(dir.path())
            .args(["start", "towel", "--lang", "typescript"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let modules = dir.path().join("node_modules");
        wait_until(60, || fs::read_dir(&modules).is_ok_and(|d| d.count() >= 2));
        signal(child.id(), libc::SIGINT);
        let out = child.wait_with_output().unwrap();
        if out.status.success() {
            continue; // npm ci was faster than us; try again
        }
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(130), "{stderr}");
        assert!(stderr.contains("Interrupted while installing packages"), "{stderr}");
        assert!(stderr.contains(&format!("run `npm ci` in {}", dir.path().display())), "{stderr}");
        assert!(no_process_left(dir.path()), "{:?}", processes_mentioning(&dir.path().display().to_string()));
        // The learner's files and the started level are there; the next check says what to run.
        assert!(index_ts(dir.path()).is_file());
        progress_is_readable(dir.path());
        workshop(dir.path()).arg("check").assert().code(2).stderr(predicate::str::contains("Run `npm ci` in"));
        npm_ci(dir.path());
        workshop(dir.path()).arg("check").assert().code(1).stdout(predicate::str::contains("not implemented yet"));
        done = true;
        break;
    }
    assert!(done, "npm ci finished every time before Ctrl-C reached it");
}

#[test]
fn ts_deleted_or_damaged_node_modules_says_to_run_npm_ci() {
    let dir = started_ts();
    solve_ts(dir.path());
    workshop(dir.path()).arg("check").assert().success();
    let before = progress_file(dir.path());
    let root = dir.path();
    let says_npm_ci = || {
        predicate::str::contains("missing, incomplete or out of date")
            .and(predicate::str::contains(format!("Run `npm ci` in {}", root.display())))
    };
    let aside = tempfile::tempdir().unwrap();
    // A check with the learner's files unchanged reuses its verdicts: each
    // check below follows an edit, so it runs the tools.
    let mut edits = 0;
    let mut edit = || {
        edits += 1;
        let file = index_ts(root);
        fs::write(&file, format!("{}\n// edit {edits}\n", fs::read_to_string(&file).unwrap())).unwrap();
    };
    // Damaged after the install: TypeScript's native compiler, then esbuild's binary, gone.
    let (tsc, esbuild) =
        ("node_modules/@typescript/typescript-linux-x64/lib/tsc", "node_modules/@esbuild/linux-x64/bin/esbuild");
    for part in [tsc, esbuild] {
        let (from, to) = (root.join(part), aside.path().join("part"));
        if !from.exists() {
            eprintln!("skipped {part}: not on this platform");
            continue;
        }
        fs::rename(&from, &to).unwrap();
        edit();
        workshop(root).arg("check").assert().code(2).stderr(says_npm_ci());
        assert_eq!(progress_file(root), before, "{part}");
        fs::rename(&to, &from).unwrap();
    }
    // Deleted.
    fs::remove_dir_all(root.join("node_modules")).unwrap();
    edit();
    workshop(root).arg("check").assert().code(2).stderr(says_npm_ci());
    assert_eq!(progress_file(root), before);
    npm_ci(root);
    workshop(root).arg("check").assert().success();
}

#[test]
fn ts_no_node_at_check_time_says_how_to_install_it() {
    let dir = started_ts();
    let before = progress_file(dir.path());
    let empty = tempfile::tempdir().unwrap();
    workshop(dir.path())
        .env("PATH", empty.path())
        .arg("check")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("`node` was not found").and(predicate::str::contains("nodejs.org")));
    assert_eq!(progress_file(dir.path()), before);
}

/// A folder holding only an executable `node` that prints `version`.
fn fake_node(version: &str) -> tempfile::TempDir {
    let bin = tempfile::tempdir().unwrap();
    let node = bin.path().join("node");
    fs::write(&node, format!("#!/bin/sh\necho {version}\n")).unwrap();
    std::process::Command::new("chmod").arg("+x").arg(&node).status().unwrap();
    bin
}

#[test]
fn ts_start_without_node_says_how_to_install_it_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let empty = tempfile::tempdir().unwrap();
    workshop(dir.path())
        .env("PATH", empty.path())
        .args(["start", "towel", "--lang", "typescript"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("`node` was not found")
                .and(predicate::str::contains("Node.js 20 or newer"))
                .and(predicate::str::contains("https://nodejs.org")),
        );
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0, "start wrote files without saying so");
}

#[test]
fn ts_start_with_an_old_node_says_how_to_update_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let bin = fake_node("v18.0.0");
    let path = format!("{}:{}", bin.path().display(), std::env::var("PATH").unwrap());
    workshop(dir.path()).env("PATH", path).args(["start", "towel", "--lang", "typescript"]).assert().code(2).stderr(
        predicate::str::contains("your Node.js is too old (v18.0.0)").and(predicate::str::contains("nvm install 20")),
    );
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0, "start wrote files without saying so");
}

#[test]
fn ts_npm_ci_failing_offline_keeps_the_level_files_and_says_what_to_run() {
    let dir = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    workshop(dir.path())
        .env("npm_config_registry", "http://127.0.0.1:9/")
        .env("npm_config_cache", cache.path())
        // npm would retry a refused connection for a minute; the outcome is the same.
        .env("npm_config_fetch_retries", "0")
        .args(["start", "towel", "--lang", "typescript"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("`npm ci` failed")
                .and(predicate::str::contains("ECONNREFUSED"))
                .and(predicate::str::contains("Your level files are written"))
                .and(predicate::str::contains(format!("run `npm ci` in {}", dir.path().display()))),
        );
    for file in ["towel/src/index.ts", "towel/tsconfig.json", "towel/README.md", "package.json", "package-lock.json"] {
        assert!(dir.path().join(file).is_file(), "{file} was not written");
    }
    progress_is_readable(dir.path());
    assert!(!dir.path().join("node_modules/.package-lock.json").exists());
    // The first check says the same thing, and nothing about the learner's code.
    workshop(dir.path()).arg("check").assert().code(2).stderr(predicate::str::contains("Run `npm ci` in"));
}

#[test]
fn ts_a_check_killed_at_random_moments_leaves_progress_readable() {
    let dir = started_ts();
    solve_ts(dir.path());
    let mut delays = Vec::new();
    for n in 0..10 {
        // A real edit, so each check rebuilds, type-checks and runs everything.
        let path = index_ts(dir.path());
        fs::write(&path, format!("{}// edit {n}\n", fs::read_to_string(&path).unwrap())).unwrap();
        let delay = random_below(4000);
        delays.push(delay);
        let mut child =
            workshop_std(dir.path()).arg("check").stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        let _ = child.kill(); // SIGKILL; it may have finished already
        child.wait().unwrap();
        progress_is_readable(dir.path());
    }
    // Orphaned tools and workers finish their current step and exit on their own.
    assert!(
        wait_until(60, || processes_mentioning(&dir.path().display().to_string()).is_empty()),
        "still running after the kills (delays {delays:?} ms): {:?}",
        processes_mentioning(&dir.path().display().to_string())
    );
    workshop(dir.path()).arg("check").assert().success();
    let progress = progress_is_readable(dir.path());
    assert!(progress["levels"]["towel"]["mastered"].as_table().unwrap().contains_key("update-logic"));
}

#[test]
fn ts_two_checks_at_once_wait_for_each_other() {
    let dir = started_ts();
    solve_ts(dir.path());
    let first = workshop_std(dir.path()).arg("check").stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
    let tools = format!("{}/node_modules/", dir.path().display());
    assert!(wait_until(60, || !processes_mentioning(&tools).is_empty()), "the first check never started tsc");
    let second = workshop_std(dir.path()).arg("check").stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
    let (a, b) = (first.wait_with_output().unwrap(), second.wait_with_output().unwrap());
    assert!(a.status.success(), "{}", String::from_utf8_lossy(&a.stderr));
    assert!(b.status.success(), "{}", String::from_utf8_lossy(&b.stderr));
    assert!(
        String::from_utf8_lossy(&b.stderr).contains("Another workshop command is running in this workspace; waiting")
    );
    let progress = progress_is_readable(dir.path());
    assert!(progress["levels"]["towel"]["mastered"].as_table().unwrap().contains_key("type-safety"));
}

#[test]
fn ts_a_conflicting_lang_on_a_second_start_is_a_usage_error() {
    let dir = started_ts();
    let before = progress_file(dir.path());
    workshop(dir.path()).args(["start", "towel", "--lang", "rust"]).assert().code(2).stderr(
        predicate::str::contains("is in TypeScript")
            .and(predicate::str::contains("`--lang rust` cannot change that"))
            .and(predicate::str::contains("new folder")),
    );
    assert_eq!(progress_file(dir.path()), before);
    assert!(!dir.path().join("towel/Cargo.toml").exists());
    // The workspace's own language, by either name, or none, is fine.
    for lang in [&["--lang", "ts"][..], &["--lang", "typescript"], &[]] {
        workshop(dir.path()).args(["start", "towel"]).args(lang).assert().success();
    }
}

/// A small tmpfs mounted on a fresh folder (root only), unmounted on drop.
struct Tmpfs(tempfile::TempDir);

impl Tmpfs {
    fn mount(megabytes: u32) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().unwrap();
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={megabytes}m"), "tmpfs"])
            .arg(dir.path())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then_some(Tmpfs(dir))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg("-l").arg(self.0.path()).status();
    }
}

/// Fills the file system holding `dir` until a write fails.
fn fill_disk(dir: &Path) -> std::path::PathBuf {
    use std::io::Write;
    let path = dir.join("filler");
    let mut file = fs::File::create(&path).unwrap();
    let chunk = vec![0u8; 1 << 16];
    while file.write_all(&chunk).is_ok() {}
    while file.write_all(&[0]).is_ok() {}
    path
}

#[test]
fn ts_a_full_disk_keeps_progress_and_says_so() {
    let Some(disk) = Tmpfs::mount(120) else {
        eprintln!("skipped: cannot mount a tmpfs here (needs root); the full-disk case is not covered on this machine");
        return;
    };
    let root = disk.0.path();
    workshop(root).args(["start", "towel", "--lang", "typescript"]).assert().success();
    solve_ts(root);
    workshop(root).arg("check").assert().success();
    let path = index_ts(root);
    // Full when progress is saved; when the build folder is written; when esbuild writes the bundle.
    for (n, remove) in ["", ".workshop/build", ".workshop/build/towel/harness.mjs"].into_iter().enumerate() {
        let before = progress_file(root);
        fs::write(&path, format!("{}// edit {n}\n", fs::read_to_string(&path).unwrap())).unwrap();
        if !remove.is_empty() {
            let what = root.join(remove);
            if what.is_dir() { fs::remove_dir_all(&what).unwrap() } else { fs::remove_file(&what).unwrap() }
        }
        let filler = fill_disk(root);
        workshop(root)
            .arg("check")
            .assert()
            .code(2)
            .stderr(predicate::str::contains("the disk is full. Free some space"));
        assert_eq!(progress_file(root), before, "full while {remove:?} was missing");
        fs::remove_file(filler).unwrap();
        workshop(root).arg("check").assert().success();
        progress_is_readable(root);
    }
}

#[test]
fn ts_a_perf_check_looping_in_a_shared_setup_times_out_and_the_next_is_measured_on_its_own() {
    // The channel and thread views share one staged process (the same
    // 100,000-message store); the first loops while checking its data.
    let dir = started_ts();
    workshop(dir.path()).args(["start", "improbability-drive"]).assert().success();
    let src = dir.path().join("improbability-drive/src");
    for entry in fs::read_dir(repo("solutions/typescript/improbability-drive/src")).unwrap().flatten() {
        fs::copy(entry.path(), src.join(entry.file_name())).unwrap();
    }
    let index = src.join("index.ts");
    let text = fs::read_to_string(&index).unwrap();
    let find = "  return channelSelector(undefined);\n";
    assert_eq!(text.matches(find).count(), 1);
    let spin = "function spinOnBig(f: SelectChannelWithLiveData): SelectChannelWithLiveData {\n  \
                return (state, channelId, viewerId) => {\n    \
                if (Object.keys(state.messages).length > 50_000) for (;;) {}\n    \
                return f(state, channelId, viewerId);\n  };\n}\n";
    let planted = text.replacen(find, "  return spinOnBig(channelSelector(undefined));\n", 1);
    fs::write(&index, format!("{planted}\n{spin}")).unwrap();
    let doc = check_json(dir.path(), &[("WORKSHOP_TIMEOUT_SECS", "10")], 1);
    assert_eq!(status(&doc, "production.channel-view-under-load"), "timed-out", "{doc}");
    assert!(message(&doc, "production.channel-view-under-load").contains("100,000 messages"), "{doc}");
    assert_eq!(status(&doc, "production.thread-view-under-load"), "pass", "{doc}");
    assert!(no_process_left(dir.path()), "{:?}", processes_mentioning(&dir.path().display().to_string()));
}

#[test]
fn ts_a_perf_candidate_far_too_slow_is_reported_with_its_ratio_before_the_time_limit() {
    // Two seconds per call on the big store only: fifteen ABBA rounds of it
    // would run into the 10 s limit; two calls settle the verdict.
    let dir = started_ts();
    solve_ts(dir.path());
    plant_ts(
        dir.path(),
        "listOf(state.postComments, postId).flatMap",
        "(crawl(state), listOf(state.postComments, postId)).flatMap",
        "function crawl(state: BlogState): void {\n  \
         if (Object.keys(state.comments).length < 90_000) return;\n  \
         const end = Date.now() + 2_000;\n  while (Date.now() < end) {}\n}",
    );
    let doc = check_json(dir.path(), &[], 1);
    let id = "selectors.post-comments-cost-flat";
    assert_eq!(status(&doc, id), "too-slow", "{doc}");
    let check = doc["tests"].as_array().unwrap().iter().find(|t| t["id"] == id).unwrap();
    assert_eq!(check["perf"]["rounds"], 1, "{check}");
    assert!(check["perf"]["ratio"].as_f64().unwrap() > 30.0, "{check}");
    assert!(no_process_left(dir.path()), "{:?}", processes_mentioning(&dir.path().display().to_string()));
}

#[test]
fn ts_the_reference_solution_is_timed_beside_your_perf_checks_after_the_verdicts() {
    let dir = started_ts();
    solve_ts(dir.path());
    // Asked not to: no perf check is paired.
    let out = beside_reference(dir.path()).args(["check", "--json", "--no-reference"]).assert().success();
    let plain: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(measured_perf_checks(&plain).len(), 2, "{plain}");
    assert!(measured_perf_checks(&plain).iter().all(|t| t["perf"].get("vs_reference").is_none()), "{plain}");

    // By default, the reference against itself: about 1x on each perf check;
    // kept only as a minified bundle, no copy of the source.
    plant_ts(
        dir.path(),
        "listOf(state.postComments, postId).flatMap",
        "listOf(state.postComments, postId).flatMap",
        "// changed",
    );
    let doc = check_json_beside_reference(dir.path(), 0);
    let bundle = fs::read_to_string(assert_reference_against_itself(dir.path(), &doc)).unwrap();
    assert!(bundle.lines().count() < 200, "the reference bundle is not minified: {} lines", bundle.lines().count());

    // A constant 20 µs a call scales fine (it passes its budget), and only
    // the reference shows what it costs.
    plant_ts(
        dir.path(),
        "listOf(state.postComments, postId).flatMap",
        "(spin(), listOf(state.postComments, postId)).flatMap",
        "function spin(): void {\n  const end = performance.now() + 0.02;\n  while (performance.now() < end) {}\n}",
    );
    let text = check_text_beside_reference(dir.path());
    assert!(text.contains("your 5 comments among 100,000: ") && text.contains("x the reference solution ("), "{text}");
    // Reused verdicts keep the figures they were stored with.
    let doc = check_json_beside_reference(dir.path(), 0);
    let id = "selectors.post-comments-cost-flat";
    let check = measured_perf_checks(&doc).into_iter().find(|t| t["id"] == id).unwrap();
    assert_eq!(check["status"], "pass", "{check}");
    assert!(check["perf"]["vs_reference"].as_f64().unwrap() > 4.0, "{check}");

    // When the reference's side cannot be built (here its folder cannot be
    // made), the verdicts stand and a line says why no figure came.
    fs::remove_dir_all(dir.path().join(".workshop/reference")).unwrap();
    fs::write(dir.path().join(".workshop/reference"), "").unwrap();
    // A statement every check reaches: no verdict is kept, every perf check is measured again.
    plant_ts(dir.path(), "function spin(): void {", "function spin(): void {", EVERY_CHECK_REACHES);
    let out = beside_reference(dir.path()).args(["check", "--json"]).assert().success().get_output().clone();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(measured_perf_checks(&doc).len(), 2, "{doc}");
    assert!(measured_perf_checks(&doc).iter().all(|t| t["perf"].get("vs_reference").is_none()), "{doc}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("the reference solution's side of the perf checks could not be built here"), "{stderr}");
}

#[test]
fn ts_own_tests_run_as_npm_test_runs_them_and_say_which_failed_or_why_they_cannot_run() {
    let dir = tempfile::tempdir().unwrap();
    workshop(dir.path()).args(["start", "deep-thought", "--lang", "typescript"]).assert().success();
    for sub in ["src", "test"] {
        for entry in fs::read_dir(repo(&format!("solutions/typescript/deep-thought/{sub}"))).unwrap().flatten() {
            fs::copy(entry.path(), dir.path().join("deep-thought").join(sub).join(entry.file_name())).unwrap();
        }
    }
    // A second file: it imports the learner's code and a package, reads a file
    // relative to the level folder (npm test's working directory), and one of
    // its tests fails.
    let extra = dir.path().join("deep-thought/test/extra.test.ts");
    fs::write(
        &extra,
        "import assert from 'node:assert/strict';\nimport { readFileSync } from 'node:fs';\nimport { test } from 'node:test';\n\
         import { createSlice } from '@reduxjs/toolkit';\nimport { createCollaborationState } from '../src/index.ts';\n\n\
         test('reads the level folder', () => {\n  assert.equal(JSON.parse(readFileSync('package.json', 'utf8')).name, 'deep-thought');\n});\n\
         test('uses the package and the code', () => {\n  assert.equal(typeof createSlice, 'function');\n  assert.ok(createCollaborationState());\n});\n\
         test('fails on purpose', () => {\n  assert.equal(1 + 1, 3);\n});\n",
    )
    .unwrap();
    let doc = check_json(dir.path(), &[], 1);
    let said = message(&doc, "prod.learner-tests");
    assert_eq!(said, "your own tests fail: fails on purpose. Run `npm test` in deep-thought/ to see why.", "{doc}");

    // A syntax error: the message shows where, and no test is counted.
    fs::write(&extra, "import { test } from 'node:test';\n\ntest('x', () => { const a = ; });\n").unwrap();
    let doc = check_json(dir.path(), &[], 1);
    let said = message(&doc, "prod.learner-tests");
    assert!(said.starts_with("your own tests do not run (`npm test` in deep-thought/)"), "{said}");
    assert!(said.contains("test/extra.test.ts:3:"), "{said}");
    fs::remove_file(&extra).unwrap();
    let doc = check_json(dir.path(), &[], 0);
    assert_eq!(status(&doc, "prod.learner-tests"), "pass", "{doc}");
}

#[test]
fn ts_a_check_whose_code_did_not_change_keeps_its_verdict_and_the_rest_run_again() {
    let dir = started_ts();
    solve_ts(dir.path());
    let first = check_json(dir.path(), &[], 0);
    let kept = |doc: &serde_json::Value| -> Vec<String> {
        run_checks(doc).into_iter().filter(|t| t["kept"] == true).map(|t| t["id"].as_str().unwrap().into()).collect()
    };
    assert!(kept(&first).is_empty(), "nothing to keep on a first check: {first}");

    // Only the extension's checks reach selectPostWithAuthor.
    let right = "return post && author ? { post, author } : undefined;";
    let copy = "return post && author ? { post: { ...post }, author } : undefined;";
    plant_ts(dir.path(), right, copy, "");
    let broken = check_json(dir.path(), &[], 1);
    assert_eq!(status(&broken, "extension.post-with-author-borrows"), "fail", "{broken}");
    let kept_now = kept(&broken);
    // A perf check waits to know; the first cheap checks may run before that is known.
    assert!(kept_now.iter().any(|id| id == "schema.rename-cost-flat"), "{broken}");
    assert!(
        kept_now.iter().all(|id| !id.starts_with("extension.")),
        "a check that reaches the edit was kept: {broken}"
    );
    for id in &kept_now {
        assert_eq!(status(&broken, id), status(&first, id), "{id} kept another verdict than its own");
    }
    let ran: Vec<_> = run_checks(&broken).into_iter().filter(|t| t["kept"] != true).collect();
    assert!(ran.len() < run_checks(&broken).len() / 2, "most checks should have been kept: {broken}");
    let types = broken["tests"].as_array().unwrap().iter().filter(|t| t["id"].as_str().unwrap().starts_with("types."));
    assert!(
        types.clone().count() > 0 && types.clone().all(|t| t["kept"] != true),
        "the type cases always run: {broken}"
    );

    // Put right again: the extension runs again and passes; piped, the note is on stderr.
    plant_ts(dir.path(), copy, right, "");
    let out = workshop(dir.path()).arg("check").assert().success().get_output().clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("verdicts kept from your last check"), "{stderr}");
    let fixed = check_json(dir.path(), &[], 0);
    assert_eq!(status(&fixed, "extension.post-with-author-borrows"), "pass", "{fixed}");
}
