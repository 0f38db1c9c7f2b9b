//! `workshop check [level]`: grade, render, record mastery.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Mutex;

use anyhow::{Result, anyhow};

use super::{available, find_workspace, pick_level};
use crate::cache;
use crate::course::{Course, Level};
use crate::grade::{self, Event, Grade, Graded, toolchain};
use crate::progress::{self, LastCheck, Progress};
use crate::report::screen::Board;
use crate::report::{classroom, exercism, native, style, terminal};
use crate::workspace::Workspace;

/// `--vs-reference` was asked for, and measured perf checks came back without
/// the reference solution's figure: its side could not be built.
const NO_REFERENCE_FIGURES: &str = "--vs-reference: the reference solution's side of the perf checks could not be \
built here, so no perf check shows it beside yours (your verdicts stand). Check that .workshop/reference/ can be \
written, then run `workshop check --vs-reference` again.";

/// How `check` prints its results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// The calm terminal report.
    Text,
    /// Our native JSON document (also `--json`).
    Native,
    /// Close to exercism's results.json v3.
    Json,
    /// GitHub Classroom's autograding result.
    Classroom,
}

pub fn run(
    course: &Course,
    id: Option<&str>,
    all: bool,
    format: Format,
    stress: bool,
    vs_reference: bool,
) -> Result<ExitCode> {
    let ws = find_workspace()?;
    // Held to the end: a second check in this workspace waits for this one.
    let _lock = ws.lock()?;
    let mut progress = ws.load_progress()?;
    let marker = toolchain::of(ws.lang).level_marker();
    let levels: Vec<&Level> = if all {
        // Started here, or present on disk (a classroom repository may not carry progress).
        let started: Vec<&Level> = course
            .levels
            .iter()
            .filter(|l| l.is_available())
            .filter(|l| progress.levels.contains_key(&l.id) || ws.level_dir(&l.id).join(marker).is_file())
            .collect();
        if started.is_empty() {
            return Err(anyhow!("no level has been started here yet. Run `workshop start towel` first."));
        }
        started
    } else {
        vec![available(course, pick_level(course, &ws, &progress, id)?)?]
    };

    let mut outcomes = Vec::new();
    for level in levels {
        outcomes.push(grade_one(&ws, level, &mut progress, format, stress, vs_reference)?);
    }

    match format {
        Format::Text => print!("{}", terminal::check_report(&outcomes, &progress)),
        Format::Native => println!("{}", native::render_all(&outcomes, &progress, all)),
        Format::Json => println!("{}", exercism::render(&outcomes)),
        Format::Classroom => println!("{}", classroom::render(&outcomes)),
    }
    let passed = outcomes.iter().all(|o| o.grade.all_passed());
    Ok(if passed { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn grade_one<'c>(
    ws: &Workspace,
    level: &'c Level,
    progress: &mut Progress,
    format: Format,
    stress: bool,
    vs_reference: bool,
) -> Result<Graded<'c>> {
    let spinner = style::spinner(format == Format::Text);
    let options = grade::Options {
        color: format == Format::Text && style::diagnostics_color(),
        stress,
        settle: grade::Settle::Nothing,
        vs_reference,
    };
    // On a terminal, the checklist's lines fill in above the spinner as verdicts arrive.
    let expected = level.checks.iter().filter(|c| grade::runs(c, &options)).collect();
    let board = Mutex::new(Board::new(level, expected));
    let outcome = grade_level(ws, level, progress, &options, &|event| {
        let mut board = board.lock().unwrap_or_else(|e| e.into_inner());
        match event {
            Event::Finished(r) => {
                board.results.push(r.clone());
                let (done, total) = (board.results.len(), board.expected.len());
                spinner.set_message(format!("{done} of {total} checks done"));
            }
            Event::Running(_) => spinner.set_message(terminal::phase(&event)),
            event => {
                spinner.set_message(terminal::phase(&event));
                return;
            }
        }
        spinner.set_prefix(board.item_lines().iter().map(|l| format!("{l}\n")).collect::<String>());
    });
    spinner.finish_and_clear();
    let (graded, reused) = outcome?;
    if let (Some(at), Format::Text) = (reused, format) {
        // Said before the report, so the note is the first thing read; piped,
        // on stderr, so what a script reads is the report as it always was.
        let note = style::dim(&terminal::reused_note(&at)).to_string();
        if std::io::stdout().is_terminal() { println!("{note}\n") } else { eprintln!("{note}") }
    }
    if vs_reference && lacks_reference_figures(&graded.grade) {
        eprintln!("{}", style::dim(NO_REFERENCE_FIGURES));
    }
    Ok(graded)
}

/// Some perf check was measured, and none beside the reference solution.
fn lacks_reference_figures(grade: &Grade) -> bool {
    let Grade::Graded(results) = grade else { return false };
    let measured: Vec<_> = results.iter().filter_map(|r| r.perf.as_ref()).collect();
    !measured.is_empty() && measured.iter().all(|p| p.vs_reference.is_none())
}

/// Grades `level` (or reuses the last check's verdicts when nothing they
/// depend on changed: then the time they were made comes back too), and
/// records newly mastered items. The caller holds the workspace lock.
pub fn grade_level<'c>(
    ws: &Workspace,
    level: &'c Level,
    progress: &mut Progress,
    options: &grade::Options,
    events: grade::Events,
) -> Result<(Graded<'c>, Option<String>)> {
    let toolchain = toolchain::of(ws.lang);
    let missing = ws.missing_files(level, |p| toolchain.graded_file(p));
    if !missing.is_empty() {
        let names: Vec<String> =
            missing.iter().map(|p| p.strip_prefix(&ws.root).unwrap_or(p).display().to_string()).collect();
        return Err(anyhow!(
            "{} is missing from your {} folder.\nRun `workshop start {}` to put back the missing stub files; \
             files you still have are never overwritten.",
            names.join(", "),
            level.name,
            level.id
        ));
    }

    let key = cache::Key::of(ws, level, options, toolchain);
    let (grade, reused) = match cache::load(ws, level, options, &key) {
        Some(reused) => (reused.grade, Some(reused.at)),
        None => {
            cache::forget(ws, level);
            let grade = grade::grade(ws, level, options, events)?;
            // Files saved while the check ran are not what was graded.
            if cache::Key::of(ws, level, options, toolchain) == key {
                cache::store(ws, level, &key, &grade);
            }
            (grade, None)
        }
    };

    let newly_mastered = match &grade {
        Grade::BuildFailed(_) => Vec::new(),
        Grade::Graded(results) => {
            let newly = record(progress, level, results);
            ws.save_progress(progress)?;
            newly
        }
    };
    Ok((Graded { level, grade, newly_mastered }, reused))
}

/// Marks newly mastered items; returns their ids. Mastery is never taken back.
fn record(progress: &mut Progress, level: &Level, results: &[grade::verdict::CheckResult]) -> Vec<String> {
    let now = progress::now();
    let entry = progress.level_mut(&level.id);
    let mut newly = Vec::new();
    for item in &level.items {
        let mut checks = results.iter().filter(|r| r.item == item.id).peekable();
        let all_pass = checks.peek().is_some() && checks.all(|r| r.passed());
        if all_pass && !entry.mastered.contains_key(&item.id) {
            entry.mastered.insert(item.id.clone(), now.clone());
            newly.push(item.id.clone());
        }
    }
    for passed in results.iter().filter(|r| r.passed()) {
        if level.checks.iter().any(|c| c.id == passed.id && c.stress) {
            entry.stress_passed.entry(passed.id.clone()).or_insert_with(|| now.clone());
        }
    }
    entry.last_check = Some(LastCheck {
        at: now,
        passed: results.iter().filter(|r| r.passed()).count(),
        total: results.len(),
        failing: results.iter().filter(|r| !r.passed()).map(|r| r.id.clone()).collect(),
    });
    newly
}
