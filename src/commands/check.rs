//! `workshop check [level]`: grade, render, record mastery.

use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Result, anyhow};

use super::{available, find_workspace, pick_level};
use crate::course::{Course, Level};
use crate::grade::{self, Event, Grade, Graded, toolchain};
use crate::progress::{self, LastCheck, Progress};
use crate::report::{classroom, exercism, native, style, terminal};
use crate::workspace::Workspace;

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

pub fn run(course: &Course, id: Option<&str>, all: bool, format: Format, stress: bool) -> Result<ExitCode> {
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
        outcomes.push(grade_one(&ws, level, &mut progress, format, stress)?);
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
) -> Result<Graded<'c>> {
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

    let spinner = style::spinner(format == Format::Text);
    let options = grade::Options {
        color: format == Format::Text && style::diagnostics_color(),
        stress,
        skip_settled_perf: false,
    };
    let done = AtomicUsize::new(0);
    let grade = grade::grade(ws, level, &options, &|event| match event {
        Event::Finished(_) => {
            let n = done.fetch_add(1, Ordering::Relaxed) + 1;
            spinner.set_message(format!("{n} checks done"));
        }
        event => spinner.set_message(terminal::phase(&event)),
    });
    spinner.finish_and_clear();
    let grade = grade?;

    let newly_mastered = match &grade {
        Grade::BuildFailed(_) => Vec::new(),
        Grade::Graded(results) => {
            let newly = record(progress, level, results);
            ws.save_progress(progress)?;
            newly
        }
    };
    Ok(Graded { level, grade, newly_mastered })
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
    entry.last_check = Some(LastCheck {
        at: now,
        passed: results.iter().filter(|r| r.passed()).count(),
        total: results.len(),
        failing: results.iter().filter(|r| !r.passed()).map(|r| r.id.clone()).collect(),
    });
    newly
}
