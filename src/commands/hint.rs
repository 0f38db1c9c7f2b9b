//! `workshop hint [level]`: one more hint for the first step that is failing.

use std::process::ExitCode;

use anyhow::Result;

use super::{available, find_workspace, pick_level};
use crate::course::{Course, Level, Step};
use crate::progress::Progress;
use crate::report::style::{dim, heading};

/// The step the learner is stuck on: the step of the first check that failed
/// at the last check, or the first step before any check.
pub fn current_step<'l>(level: &'l Level, progress: &Progress) -> Option<&'l Step> {
    let Some(last) = progress.levels.get(&level.id).and_then(|l| l.last_check.as_ref()) else {
        return level.steps.first();
    };
    level.checks.iter().find(|c| last.failing.contains(&c.id)).and_then(|c| level.step(&c.step))
}

pub fn run(course: &Course, id: Option<&str>) -> Result<ExitCode> {
    let ws = find_workspace()?;
    let _lock = ws.lock()?;
    let mut progress = ws.load_progress()?;
    let level = available(course, pick_level(course, &ws, &progress, id)?)?;
    let Some(step) = current_step(level, &progress) else {
        println!("Every check passed at your last `workshop check` of {}: no hint needed.", level.name);
        return Ok(ExitCode::SUCCESS);
    };

    let entry = progress.level_mut(&level.id);
    let shown = entry.hints_used.get(&step.id).copied().unwrap_or(0);
    let now = (shown + 1).min(step.hints.len());
    entry.hints_used.insert(step.id.clone(), now);
    ws.save_progress(&progress)?;

    println!("{}\n", heading(&format!("{} · {}", level.name, step.title)));
    for (i, hint) in step.hints[..now].iter().enumerate() {
        let label = format!("Hint {}/{}", i + 1, step.hints.len());
        if i + 1 == now && now > shown {
            println!("{}: {hint}", heading(&label));
        } else {
            println!("{}", dim(&format!("{label}: {hint}")));
        }
    }
    if now == step.hints.len() {
        println!("\nThat is every hint for this step. The README in {}/ walks through it too.", level.id);
    } else {
        println!("\nRun `workshop hint` again for the next one.");
    }
    Ok(ExitCode::SUCCESS)
}
