//! `workshop dev check`: the course author's proof that each available level
//! grades as intended, through the very pipeline `workshop check` uses:
//! the stub fails every check, the reference solution passes every check,
//! and each wrong fixture is rejected by exactly the items it names (of the
//! perf checks, those of the items it names are measured).

use std::collections::BTreeSet;
use std::fs;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use super::{available, available_or_in_progress, find_workspace, level_named};
use crate::course::{CheckKind, Course, Level};
use crate::embedded;
use crate::fixture::Fixture;
use crate::grade::toolchain::{self, Build};
use crate::grade::{self, Grade, Settle};
use crate::lang::Lang;
use crate::report::style::{dim, fail, heading, pass};
use crate::workspace::Workspace;

/// Every available level in every language (or only those asked for).
pub fn check(only: Option<&str>, wanted: Option<Lang>) -> Result<ExitCode> {
    let mut problems = 0;
    for lang in Lang::ALL.into_iter().filter(|l| wanted.is_none_or(|w| w == *l)) {
        let course = Course::embedded(lang);
        let levels: Vec<&Level> = match only {
            Some(id) => {
                let level = level_named(&course, id)?;
                // One level in every language: skip the languages it is not in yet.
                if wanted.is_none() && !level.is_available() {
                    continue;
                }
                if wanted.is_some() {
                    vec![available_or_in_progress(&course, level)?]
                } else {
                    vec![available(&course, level)?]
                }
            }
            None => course.levels.iter().filter(|l| l.is_available()).collect(),
        };
        for level in levels {
            problems += check_level(lang, level)?;
        }
    }
    if problems == 0 {
        println!("{} every level grades as intended.", pass());
        Ok(ExitCode::SUCCESS)
    } else {
        println!("{} {problems} problem(s) found.", fail());
        Ok(ExitCode::from(1))
    }
}

/// `workshop dev fixture <level> <name>`: plant a fixture in this workspace.
pub fn write_fixture(course: &Course, id: &str, name: &str) -> Result<ExitCode> {
    let level = available(course, level_named(course, id)?)?;
    let ws = find_workspace()?;
    let _lock = ws.lock()?;
    let fixtures = embedded::fixtures(ws.lang, &level.id);
    let Some((_, text)) = fixtures.iter().find(|(n, _)| n == name) else {
        let names: Vec<&str> = fixtures.iter().map(|(n, _)| n.as_str()).collect();
        bail!("{} has no fixture called `{name}`. Its fixtures: {}.", level.name, names.join(", "));
    };
    let fixture = Fixture::parse(name, text)?;
    write_files(&ws, level, &fixture.apply(name, &embedded::solution(ws.lang, &level.id))?)?;
    println!("Wrote fixture {name} into {}/: {}", level.id, fixture.description);
    Ok(ExitCode::SUCCESS)
}

/// The background build `workshop start` launches; see `grade::warmup`.
pub fn warm(course: &Course, id: &str) -> Result<ExitCode> {
    let level = available(course, level_named(course, id)?)?;
    crate::grade::warmup::run(&find_workspace()?, level)?;
    Ok(ExitCode::SUCCESS)
}

/// `workshop dev harness <level>`: the generated harness, written but not built.
pub fn harness(course: &Course, id: &str) -> Result<ExitCode> {
    let level = available(course, level_named(course, id)?)?;
    let ws = find_workspace()?;
    toolchain::of(ws.lang).prepare_warm(&ws, level)?;
    println!("{}", ws.build_dir(&level.id).display());
    Ok(ExitCode::SUCCESS)
}

/// Failing items of a grade; a build failure counts as the item "build".
fn failing_items(grade: &Grade) -> BTreeSet<String> {
    match grade {
        Grade::BuildFailed(_) => BTreeSet::from(["build".to_string()]),
        Grade::Graded(results) => results.iter().filter(|r| !r.passed()).map(|r| r.item.clone()).collect(),
    }
}

fn write_files(ws: &Workspace, level: &Level, files: &[(String, String)]) -> Result<()> {
    let dir = ws.level_dir(&level.id);
    for (path, text) in files {
        let path = dir.join(path);
        // A reference may keep modules in folders (src/store/postings.rs).
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        }
        fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

fn report(ok: bool, what: &str, detail: &str) -> usize {
    let mark = if ok { pass() } else { fail() };
    println!("  {mark} {what:<44} {}", dim(detail));
    usize::from(!ok)
}

fn check_level(lang: Lang, level: &Level) -> Result<usize> {
    println!("{}", heading(&format!("{} ({}, {lang})", level.name, level.id)));
    let tmp = tempfile::tempdir().context("cannot create a temporary workspace")?;
    let ws = Workspace::create(tmp.path(), lang, toolchain::of(lang).cache_dirs())?;
    ws.scaffold(level)?;
    toolchain::of(lang).prepare_workspace(&ws, &|_| {})?;
    // The stub must fail every check by itself: only perf of a failed item is skipped.
    let options = grade::Options { color: false, stress: false, settle: Settle::Perf };
    let quiet = |_: grade::Event| {};
    let mut problems = 0;

    // Every placeholder in the stub says what to do.
    let toolchain = toolchain::of(lang);
    let silent: Vec<String> = embedded::exercise(lang, &level.id)
        .iter()
        .filter(|f| toolchain.is_source(std::path::Path::new(&f.path)))
        .flat_map(|f| toolchain.silent_placeholders(f.text()).into_iter().map(move |n| format!("{}:{n}", f.path)))
        .collect();
    problems += report(
        silent.is_empty(),
        "every stub placeholder says what to do",
        &if silent.is_empty() { "yes".to_string() } else { format!("silent at {}", silent.join(", ")) },
    );

    // The stub: it must build, and fail every check.
    let stub = grade::grade(&ws, level, &options, &quiet)?;
    problems += match &stub {
        Grade::Graded(results) => {
            // A source-lacks check forbids what a stub has no reason to
            // contain: it holds on the stub, and says so.
            let forbids = |id: &str| level.checks.iter().any(|c| c.id == id && c.kind == CheckKind::SourceLacks);
            let passing: Vec<&str> =
                results.iter().filter(|r| r.passed() && !forbids(&r.id)).map(|r| r.id.as_str()).collect();
            let held: Vec<&str> = results.iter().filter(|r| forbids(&r.id)).map(|r| r.id.as_str()).collect();
            let judged = results.len() - held.len();
            let held = if held.is_empty() {
                String::new()
            } else {
                format!(" ({} holds: nothing to forbid yet)", held.join(", "))
            };
            report(
                passing.is_empty(),
                "stub fails every check",
                &if passing.is_empty() {
                    format!("0/{judged} pass{held}")
                } else {
                    format!("passes: {}", passing.join(", "))
                },
            )
        }
        Grade::BuildFailed(_) => report(false, "stub fails every check", "the stub does not compile"),
    };

    // The reference solution: every check passes.
    let solution: Vec<(String, String)> = embedded::solution(lang, &level.id)
        .iter()
        .map(|f| Ok((f.path.clone(), String::from_utf8(f.contents.to_vec()).context("solution is UTF-8")?)))
        .collect::<Result<_>>()?;
    if solution.is_empty() {
        bail!("solutions/{}/{} is empty", lang.id(), level.id);
    }
    write_files(&ws, level, &solution)?;
    let graded = grade::grade(&ws, level, &options, &quiet)?;
    problems += match &graded {
        Grade::Graded(results) => {
            let bad: Vec<String> = results
                .iter()
                .filter(|r| !r.passed())
                .map(|r| format!("{} ({})", r.id, r.message.lines().next().unwrap_or("")))
                .collect();
            report(
                bad.is_empty(),
                "solution passes every check",
                &if bad.is_empty() { format!("{}/{} pass", results.len(), results.len()) } else { bad.join("; ") },
            )
        }
        Grade::BuildFailed(f) => {
            report(false, "solution passes every check", &format!("does not compile: {:?}", f.learner_errors))
        }
    };

    problems += check_harness_lists_every_check(&ws, level, &options)?;

    // Each wrong fixture: rejected by exactly the items it names.
    let fixtures = embedded::fixtures(lang, &level.id);
    problems += report(!fixtures.is_empty(), "has wrong-solution fixtures", &format!("{} fixtures", fixtures.len()));
    for (name, text) in fixtures {
        let fixture = Fixture::parse(&name, text)?;
        let files = fixture.apply(&name, &embedded::solution(lang, &level.id))?;
        write_files(&ws, level, &files)?;
        // Which items fail is all a fixture asks: no other check of a failed
        // item runs, and an expected perf failure is not confirmed. Only the
        // expected items' perf checks are measured: the others pass on the
        // reference, and measuring them (Deep Thought's 1M stores) was most
        // of a fixture's cost.
        let options = grade::Options { settle: Settle::Items(fixture.rejected_by.clone()), ..options };
        let mut proved = level.clone();
        proved.checks.retain(|c| c.kind != CheckKind::Perf || fixture.rejected_by.contains(&c.item));
        let started = std::time::Instant::now();
        let grade = grade::grade(&ws, &proved, &options, &quiet)?;
        let took = started.elapsed().as_secs_f64();
        let got = failing_items(&grade);
        let ok = got == fixture.rejected_by;
        let detail = if ok {
            format!("rejected by {} ({took:.1} s)", join(&got))
        } else {
            format!(
                "expected rejection by {}, got {}",
                join(&fixture.rejected_by),
                if got.is_empty() { "none: it passes!".to_string() } else { join(&got) }
            )
        };
        problems += report(ok, &format!("fixture {name}"), &detail);
        if !ok {
            println!("      {}", dim(&fixture.description));
            // Which checks put an unexpected item in: a timeout under load
            // reads differently from a real verdict.
            if let Grade::Graded(results) = &grade {
                for r in results.iter().filter(|r| !r.passed() && !fixture.rejected_by.contains(&r.item)) {
                    println!(
                        "      {}",
                        dim(&format!("{} ({}, {:?}): {}", r.id, r.item, r.status, first_line(&r.message)))
                    );
                }
            }
        }
    }
    println!();
    Ok(problems)
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}

fn join(set: &BTreeSet<String>) -> String {
    set.iter().cloned().collect::<Vec<_>>().join(", ")
}

/// The harness's own list of tests must match levels.toml's test and perf checks.
fn check_harness_lists_every_check(ws: &Workspace, level: &Level, options: &grade::Options) -> Result<usize> {
    let Build::Built(harness) = toolchain::of(ws.lang).build(ws, level, options, &|_| {})? else {
        return Ok(report(false, "harness and levels.toml list the same checks", "the solution does not build"));
    };
    let listed: BTreeSet<String> = harness.list()?.into_iter().collect();
    let declared: BTreeSet<String> =
        level.checks.iter().filter(|c| c.kind.in_harness()).map(|c| c.id.clone()).collect();
    let only_harness: Vec<_> = listed.difference(&declared).cloned().collect();
    let only_toml: Vec<_> = declared.difference(&listed).cloned().collect();
    let ok = only_harness.is_empty() && only_toml.is_empty();
    Ok(report(
        ok,
        "harness and levels.toml list the same checks",
        &if ok {
            format!("{} harness tests", listed.len())
        } else {
            format!("only in the harness: {only_harness:?}; only in levels.toml: {only_toml:?}")
        },
    ))
}
