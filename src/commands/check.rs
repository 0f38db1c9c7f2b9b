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

/// Set (to anything) to skip the reference figures, as the test suite does
/// where they are not under test.
pub const NO_REFERENCE_ENV: &str = "WORKSHOP_NO_REFERENCE";

/// Ctrl-C while the reference figures were timed: the verdicts were in.
const STOPPED_PAIRING: &str = "Stopped before the reference figures. Your verdicts above stand, and your progress \
is saved.";

/// Whether a check goes on to time the reference solution beside the learner's perf checks.
pub fn reference_wanted(no_reference: bool) -> bool {
    !no_reference && std::env::var_os(NO_REFERENCE_ENV).is_none()
}

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
    reference: bool,
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

    let (mut outcomes, mut after) = (Vec::new(), Vec::new());
    for level in levels {
        let Checked { graded, pairing, stored, .. } = grade_one(&ws, level, &mut progress, format, stress)?;
        outcomes.push(graded);
        after.push((pairing, stored));
    }
    let text = format == Format::Text;
    if text {
        // The verdicts first: the reference figures follow once timed.
        print!("{}", terminal::check_report(&outcomes, &progress));
    }
    let mut stopped = false;
    for (graded, (pairing, stored)) in outcomes.iter_mut().zip(after).filter(|_| reference) {
        let Some(pairing) = pairing else { continue };
        let figures = pair_with_reference(&ws, pairing, graded.level, text);
        if !figures.is_empty() {
            attach_figures(&ws, &mut graded.grade, graded.level, stored.as_ref(), &figures);
            if text {
                print!("\n{}", terminal::versus(&graded.grade));
            }
        }
        if grade::run::interrupted() {
            stopped = true;
            break;
        }
    }
    match format {
        Format::Text => {}
        Format::Native => println!("{}", native::render_all(&outcomes, &progress, all)),
        Format::Json => println!("{}", exercism::render(&outcomes)),
        Format::Classroom => println!("{}", classroom::render(&outcomes)),
    }
    if stopped {
        eprintln!("{}", style::dim(STOPPED_PAIRING));
        return Ok(ExitCode::from(130));
    }
    let passed = outcomes.iter().all(|o| o.grade.all_passed());
    Ok(if passed { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// Times a level's measured perf checks beside the reference solution. A
/// reference side that cannot be built is said on stderr; the verdicts stand.
fn pair_with_reference(ws: &Workspace, pairing: grade::Pairing, level: &Level, spin: bool) -> Vec<grade::Versus> {
    let spinner = style::spinner(spin);
    let total = pairing.checks().len();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let figures = pairing.run(ws, level, &|event| match event {
        Event::Pairing(_) => {
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            spinner.set_message(format!("timing the reference solution beside yours: {n} of {total}"));
        }
        event => spinner.set_message(terminal::phase(&event)),
    });
    spinner.finish_and_clear();
    figures.unwrap_or_else(|e| {
        eprintln!("{}", style::dim(&format!("{e:#}")));
        Vec::new()
    })
}

/// Puts reference figures into a level's grade, and into its stored verdicts
/// (`stored`: their key and options) if those are still of the files as they are.
pub fn attach_figures(
    ws: &Workspace,
    grade: &mut Grade,
    level: &Level,
    stored: Option<&(cache::Key, grade::Options)>,
    figures: &[grade::Versus],
) {
    grade::attach(grade, figures);
    if let Some((key, options)) = stored
        && cache::Key::of(ws, level, options, toolchain::of(ws.lang)) == *key
    {
        cache::store(ws, level, key, grade);
    }
}

fn grade_one<'c>(
    ws: &Workspace,
    level: &'c Level,
    progress: &mut Progress,
    format: Format,
    stress: bool,
) -> Result<Checked<'c>> {
    let spinner = style::spinner(format == Format::Text);
    let options = grade::Options {
        color: format == Format::Text && style::diagnostics_color(),
        stress,
        settle: grade::Settle::Nothing,
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
    let checked = outcome?;
    let kept = terminal::kept(&checked.graded.grade);
    let note = match (&checked.reused, format) {
        (Some(at), Format::Text) => Some(terminal::reused_note(at)),
        (None, Format::Text) if kept > 0 => Some(terminal::kept_note(kept, grade_size(&checked.graded.grade))),
        _ => None,
    };
    if let Some(note) = note {
        // Said before the report, so the note is the first thing read; piped,
        // on stderr, so what a script reads is the report as it always was.
        let note = style::dim(&note).to_string();
        if std::io::stdout().is_terminal() { println!("{note}\n") } else { eprintln!("{note}") }
    }
    Ok(checked)
}

fn grade_size(grade: &Grade) -> usize {
    match grade {
        Grade::Graded(results) => results.len(),
        Grade::BuildFailed(_) => 0,
    }
}

/// One level checked: its outcome, and what may follow it.
pub struct Checked<'c> {
    pub graded: Graded<'c>,
    /// When the verdicts were reused from an earlier check, its time.
    pub reused: Option<String>,
    /// The perf checks to time beside the reference solution, after the verdicts.
    pub pairing: Option<grade::Pairing<'c>>,
    /// The key and options the verdicts were stored under.
    pub stored: Option<(cache::Key, grade::Options)>,
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
) -> Result<Checked<'c>> {
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
    let (grade, reused, pairing, stored) = match cache::load(ws, level, options, &key) {
        Some(reused) => (reused.grade, Some(reused.at), None, None),
        None => {
            let earlier = cache::earlier(ws, level, options, &key);
            cache::forget(ws, level);
            let (grade, pairing) = grade::grade_then_pair(ws, level, options, &earlier, events)?;
            // Files saved while the check ran are not what was graded.
            let stored = (cache::Key::of(ws, level, options, toolchain) == key).then(|| {
                cache::store(ws, level, &key, &grade);
                (key, options.clone())
            });
            (grade, None, pairing, stored)
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
    Ok(Checked { graded: Graded { level, grade, newly_mastered }, reused, pairing, stored })
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
