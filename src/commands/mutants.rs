//! `workshop dev mutants <level>`: mutation testing of a level's reference
//! solution through the learner's code path. Each mutant (see `crate::mutants`)
//! is written over the solution in a temporary workspace and graded by
//! `grade::grade`, exactly as `workshop check` grades a learner:
//!
//! - killed: at least one hidden check fails;
//! - survived: every hidden check passes (a hole in the checks, or an
//!   equivalent mutant to list in checks/<lang>/<level>/mutants.toml);
//! - unviable: the code no longer builds; not counted either way.
//!
//! The score is killed / (killed + survived). The learner-tests check is left
//! out: it runs the solution's own tests, which are not the hidden checks.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use super::{available_or_in_progress, level_named};
use crate::course::{CheckKind, Course, Level};
use crate::embedded;
use crate::grade::{self, Grade, toolchain};
use crate::lang::Lang;
use crate::mutants::{self, DATA_FILE, Equivalent, Mutant};
use crate::report::style::{dim, fail, heading, pass, warn};
use crate::workspace::Workspace;

pub struct Args {
    pub level: String,
    pub lang: Lang,
    pub sample: Option<usize>,
    pub seed: u64,
    pub jobs: usize,
    pub min_score: f64,
    pub list: bool,
}

enum Verdict {
    /// The ids of the checks that failed.
    Killed(Vec<String>),
    Survived,
    /// Why it did not build.
    Unviable(String),
}

struct Outcome {
    verdict: Verdict,
    elapsed: Duration,
}

pub fn run(args: &Args) -> Result<ExitCode> {
    if !(0.0..=1.0).contains(&args.min_score) {
        bail!("--min-score is a fraction from 0 to 1 (e.g. 0.95), not {}", args.min_score);
    }
    let lang = args.lang;
    let course = Course::embedded(lang);
    let level = available_or_in_progress(&course, level_named(&course, &args.level)?)?;
    let solution = solution(lang, level)?;
    let targets = files_to_mutate(lang, level, &solution)?;

    let mut all: Vec<Mutant> = Vec::new();
    for (path, text) in &solution {
        if targets.contains(path) {
            all.extend(mutants::generate(lang, path, text));
        }
    }
    let data_name = format!("checks/{}/{}/{DATA_FILE}", lang.id(), level.id);
    let entries = match embedded::checks(lang, &level.id).into_iter().find(|f| f.path == DATA_FILE) {
        Some(f) => mutants::parse_equivalents(&data_name, f.text())?,
        None => Vec::new(),
    };
    let matching = mutants::match_equivalents(&all, &entries);
    let equivalent: Vec<Option<&Equivalent>> =
        (0..all.len()).map(|m| matching.equivalent.iter().find(|(i, _)| *i == m).map(|(_, e)| &entries[*e])).collect();

    println!("{}", heading(&format!("{} ({}, {lang}): mutants of the reference solution", level.name, level.id)));
    println!(
        "  {} mutants of {}; {} listed as equivalent in {data_name}",
        all.len(),
        targets.join(", "),
        matching.equivalent.len()
    );
    for (e, why) in &matching.stale {
        let e = &entries[*e];
        println!("  {} stale listing: {}:{} {} `{}`: {why}", warn("!"), e.file, e.line, e.operator, e.replace);
    }
    for (e, line) in &matching.moved {
        let e = &entries[*e];
        println!("  {} listed at {}:{}, now on line {line}: update the listing", warn("!"), e.file, e.line);
    }

    if args.list {
        for (m, eq) in all.iter().zip(&equivalent) {
            let note = eq.map(|e| format!("  (equivalent: {})", e.reason)).unwrap_or_default();
            println!("  {:<22} {:<16} {}{}", m.location(), m.operator, m.key, dim(&note));
        }
        return Ok(ExitCode::SUCCESS);
    }

    let candidates: Vec<&Mutant> = all.iter().zip(&equivalent).filter(|(_, e)| e.is_none()).map(|(m, _)| m).collect();
    let todo = match args.sample {
        Some(n) => {
            let picked = mutants::sample(candidates, n, args.seed);
            println!("  grading a sample of {} (seed {})", picked.len(), args.seed);
            picked
        }
        None => candidates,
    };
    toolchain::of(lang).check_installed()?;

    let started = Instant::now();
    let outcomes = grade_all(lang, level, &solution, &todo, args.jobs)?;
    let total = started.elapsed();
    Ok(summarize(&todo, &outcomes, &all, &equivalent, total, args.min_score))
}

/// The reference solution's files, as text.
fn solution(lang: Lang, level: &Level) -> Result<Vec<(String, String)>> {
    let files: Vec<(String, String)> = embedded::solution(lang, &level.id)
        .iter()
        .map(|f| Ok((f.path.clone(), String::from_utf8(f.contents.to_vec()).context("solution files are UTF-8")?)))
        .collect::<Result<_>>()?;
    if files.is_empty() {
        bail!("solutions/{}/{} is empty", lang.id(), level.id);
    }
    Ok(files)
}

/// The solution's code files (not its manifest or settings): the ones to mutate.
fn files_to_mutate(lang: Lang, level: &Level, solution: &[(String, String)]) -> Result<Vec<String>> {
    let toolchain = toolchain::of(lang);
    let files: Vec<String> =
        solution.iter().map(|(p, _)| p.clone()).filter(|p| toolchain.is_code(Path::new(p))).collect();
    if files.is_empty() {
        bail!("solutions/{}/{} has no code to mutate", lang.id(), level.id);
    }
    Ok(files)
}

/// A workspace with the level's reference solution in place.
fn workspace(lang: Lang, level: &Level, solution: &[(String, String)]) -> Result<(tempfile::TempDir, Workspace)> {
    let tmp = tempfile::tempdir().context("cannot create a temporary workspace")?;
    let ws = Workspace::create(tmp.path(), lang, toolchain::of(lang).cache_dirs())?;
    ws.scaffold(level)?;
    toolchain::of(lang).prepare_workspace(&ws, &|_| {})?;
    for (path, text) in solution {
        write(&ws, level, path, text)?;
    }
    Ok((tmp, ws))
}

fn write(ws: &Workspace, level: &Level, path: &str, text: &str) -> Result<()> {
    let path = ws.level_dir(&level.id).join(path);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))
}

/// Grades every mutant in `todo`, `jobs` at a time, printing a line for each.
fn grade_all(
    lang: Lang,
    level: &Level,
    solution: &[(String, String)],
    todo: &[&Mutant],
    jobs: usize,
) -> Result<Vec<Option<Outcome>>> {
    // The hidden checks judge; the solution's own tests are no part of them.
    let mut graded = level.clone();
    graded.checks.retain(|c| c.kind != CheckKind::LearnerTests);
    let graded = &graded;
    // A mutant is killed by any failure: no check of an item that already failed need run.
    let options = grade::Options { color: false, stress: false, settle: grade::Settle::Items(BTreeSet::new()) };
    let quiet = |_: grade::Event| {};

    let outcomes: Mutex<Vec<Option<Outcome>>> = Mutex::new((0..todo.len()).map(|_| None).collect());
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let print = Mutex::new(());
    let jobs = jobs.clamp(1, todo.len().max(1));

    let worker = |job: usize| -> Result<()> {
        let (_tmp, ws) = workspace(lang, level, solution)?;
        // The unmutated solution first: it must pass, and it warms the build.
        let t = Instant::now();
        let baseline = grade::grade(&ws, graded, &options, &quiet)?;
        if let Some(problem) = not_passing(&baseline) {
            stop.store(true, Ordering::Relaxed);
            bail!("the reference solution itself does not pass, so its mutants say nothing: {problem}");
        }
        if job == 0 {
            let _p = print.lock().unwrap_or_else(|e| e.into_inner());
            println!("  {} the solution passes every check ({:.1} s, a cold build)", pass(), t.elapsed().as_secs_f64());
        }
        while !stop.load(Ordering::Relaxed) {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(m) = todo.get(i) else { break };
            let original = &solution.iter().find(|(p, _)| *p == m.file).expect("mutants come from solution files").1;
            write(&ws, level, &m.file, &m.apply(original))?;
            let t = Instant::now();
            let grade = grade::grade(&ws, graded, &options, &quiet);
            let elapsed = t.elapsed();
            write(&ws, level, &m.file, original)?;
            let verdict = match grade? {
                Grade::BuildFailed(f) => Verdict::Unviable(
                    f.errors()
                        .first()
                        .or(Some(&f.tool_output))
                        .and_then(|e| e.lines().next())
                        .unwrap_or("")
                        .to_string(),
                ),
                Grade::Graded(results) => {
                    let failed: Vec<String> = results.iter().filter(|r| !r.passed()).map(|r| r.id.clone()).collect();
                    if failed.is_empty() { Verdict::Survived } else { Verdict::Killed(failed) }
                }
            };
            let n = done.fetch_add(1, Ordering::Relaxed) + 1;
            {
                let _p = print.lock().unwrap_or_else(|e| e.into_inner());
                println!("{}", progress_line(n, todo.len(), m, &verdict, elapsed));
            }
            outcomes.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(Outcome { verdict, elapsed });
        }
        Ok(())
    };

    thread::scope(|s| -> Result<()> {
        let handles: Vec<_> = (0..jobs)
            .map(|job| {
                let worker = &worker;
                let stop = &stop;
                s.spawn(move || {
                    let r = worker(job);
                    if r.is_err() {
                        stop.store(true, Ordering::Relaxed);
                    }
                    r
                })
            })
            .collect();
        let mut first_error = None;
        for h in handles {
            let r = h.join().map_err(|_| anyhow::anyhow!("a mutant grading thread panicked"))?;
            if let Err(e) = r {
                first_error.get_or_insert(e);
            }
        }
        first_error.map_or(Ok(()), Err)
    })?;
    Ok(outcomes.into_inner().unwrap_or_else(|e| e.into_inner()))
}

/// Why a grade is not a pass, if it is not.
fn not_passing(grade: &Grade) -> Option<String> {
    match grade {
        Grade::BuildFailed(f) => Some(format!("it does not build: {}", f.errors().join("\n"))),
        Grade::Graded(results) => {
            let failed: Vec<String> = results
                .iter()
                .filter(|r| !r.passed())
                .map(|r| format!("{} ({})", r.id, r.message.lines().next().unwrap_or("")))
                .collect();
            (!failed.is_empty()).then(|| format!("failing: {}", failed.join("; ")))
        }
    }
}

fn progress_line(n: usize, total: usize, m: &Mutant, verdict: &Verdict, elapsed: Duration) -> String {
    let width = total.to_string().len();
    let (label, detail) = match verdict {
        Verdict::Killed(by) => {
            let more = if by.len() > 1 { format!(" (+{})", by.len() - 1) } else { String::new() };
            (pass().to_string() + " killed   ", format!("by {}{more}", by[0]))
        }
        Verdict::Survived => (fail().to_string() + " SURVIVED ", String::new()),
        Verdict::Unviable(why) => (dim("- unviable").to_string() + " ", why.clone()),
    };
    format!(
        "  [{n:>width$}/{total}] {label}{:>5.1}s  {} {} `{}` {}",
        elapsed.as_secs_f64(),
        m.location(),
        m.operator,
        m.key,
        dim(&detail)
    )
}

fn summarize(
    todo: &[&Mutant],
    outcomes: &[Option<Outcome>],
    all: &[Mutant],
    equivalent: &[Option<&Equivalent>],
    total: Duration,
    min_score: f64,
) -> ExitCode {
    let graded: Vec<(&Mutant, &Outcome)> =
        todo.iter().zip(outcomes).filter_map(|(m, o)| o.as_ref().map(|o| (*m, o))).collect();
    let count = |f: fn(&Verdict) -> bool| graded.iter().filter(|(_, o)| f(&o.verdict)).count();
    let killed = count(|v| matches!(v, Verdict::Killed(_)));
    let survived = count(|v| matches!(v, Verdict::Survived));
    let unviable = count(|v| matches!(v, Verdict::Unviable(_)));
    let listed = equivalent.iter().filter(|e| e.is_some()).count();
    let score = if killed + survived == 0 { 1.0 } else { killed as f64 / (killed + survived) as f64 };

    let mut times: Vec<Duration> = graded.iter().map(|(_, o)| o.elapsed).collect();
    times.sort();
    let median = times.get(times.len() / 2).copied().unwrap_or_default();
    let viable: Vec<Duration> =
        graded.iter().filter(|(_, o)| !matches!(o.verdict, Verdict::Unviable(_))).map(|(_, o)| o.elapsed).collect();
    let mean_viable =
        if viable.is_empty() { Duration::ZERO } else { viable.iter().sum::<Duration>() / viable.len() as u32 };

    let survivors: Vec<&Mutant> =
        graded.iter().filter(|(_, o)| matches!(o.verdict, Verdict::Survived)).map(|(m, _)| *m).collect();
    if !survivors.is_empty() {
        println!();
        println!("{}", heading("Survivors (every hidden check passes with this change):"));
        for m in &survivors {
            println!("  {} {} {}  `{}`", fail(), m.location(), m.operator, m.key);
            for line in m.diff.lines() {
                println!("      {line}");
            }
        }
    }
    let ok = score >= min_score;
    println!();
    println!(
        "  {} mutants, {listed} listed as equivalent; graded {}: killed {killed}, survived {survived}, unviable {unviable}",
        all.len(),
        graded.len()
    );
    println!(
        "  {} mutation score {:.1}% ({killed} of {}), at least {:.1}% needed",
        if ok { pass() } else { fail() },
        score * 100.0,
        killed + survived,
        min_score * 100.0
    );
    println!(
        "  {}",
        dim(&format!(
            "took {:.0} s: {:.1} s per mutant (median), {:.1} s per viable mutant (mean)",
            total.as_secs_f64(),
            median.as_secs_f64(),
            mean_viable.as_secs_f64()
        ))
    );
    if ok { ExitCode::SUCCESS } else { ExitCode::from(1) }
}
