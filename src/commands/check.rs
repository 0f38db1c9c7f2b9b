//! `workshop check [level]`: grade, render, record mastery.

use std::process::ExitCode;

use anyhow::{Result, anyhow};

use super::{available, cwd, find_workspace, level_named};
use crate::course::{Course, Level};
use crate::grade::{self, Grade};
use crate::progress::{self, LastCheck, Progress};
use crate::report::{json, style, terminal};
use crate::workspace::Workspace;

pub fn run(course: &Course, id: Option<&str>, as_json: bool) -> Result<ExitCode> {
    let ws = find_workspace()?;
    // Held to the end: a second check in this workspace waits for this one.
    let _lock = ws.lock()?;
    let mut progress = ws.load_progress()?;
    let level = available(course, pick_level(course, &ws, &progress, id)?)?;

    let missing = ws.missing_files(level);
    if !missing.is_empty() {
        let names: Vec<String> =
            missing.iter().map(|p| p.strip_prefix(&ws.root).unwrap_or(p).display().to_string()).collect();
        return Err(anyhow!(
            "{} is missing from your {} crate.\nRun `workshop start {}` to put back the missing stub files; \
             files you still have are never overwritten.",
            names.join(", "),
            level.name,
            level.id
        ));
    }

    let spinner = style::spinner(!as_json);
    let options = grade::Options { color: style::diagnostics_color() };
    let grade = grade::grade(&ws, level, &options, &|phase| spinner.set_message(phase.to_string()));
    spinner.finish_and_clear();
    let grade = grade?;

    let newly_mastered = match &grade {
        Grade::BuildFailed(_) => Vec::new(),
        Grade::Graded(results) => {
            let newly = record(&mut progress, level, results);
            ws.save_progress(&progress)?;
            newly
        }
    };

    if as_json {
        println!("{}", json::render(level, &grade, &progress));
    } else {
        print!("{}", terminal::graded(level, &grade, &progress, &newly_mastered));
    }
    Ok(if grade.all_passed() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// The named level, else the level folder we stand in, else the last started.
fn pick_level<'c>(course: &'c Course, ws: &Workspace, progress: &Progress, id: Option<&str>) -> Result<&'c Level> {
    if let Some(id) = id {
        return level_named(course, id);
    }
    let here = cwd()?;
    let by_folder = ws.level_containing(&here, course.ids());
    match by_folder.or(progress.last_level.as_deref()) {
        Some(id) => level_named(course, id),
        None => Err(anyhow!("no level has been started here yet. Run `workshop start towel` first.")),
    }
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
    entry.last_check =
        Some(LastCheck { at: now, passed: results.iter().filter(|r| r.passed()).count(), total: results.len() });
    newly
}
